// Renders scenario runs (text table, JSON, JUnit XML) and variant diffs (text, JSON).
#include "reports/scenario_report.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "reports/capacity_report.h"
#include "reports/path_render.h"
#include "reports/presigned_report.h"
#include "reports/reach_report.h"
#include "reports/sarif.h"
#include "reports/scenario_outcome.h"
#include "reports/verify_report.h"
#include "reports/xml.h"
#include "reports/json_document.h"
#include "reports/lint_report.h"
#include "topology/safe_text.h"

namespace vpcsim::reports {

std::string flowText(const scenario::FlowChange& change) {
  std::string groups;
  for (const auto& g : change.security_groups) groups += (groups.empty() ? "" : ",") + g;
  return fmt::format("{}{} -> {} {}", change.from, groups.empty() ? "" : " [" + groups + "]", change.to,
                     change.traffic);
}

namespace {

using sim::verdictName;
using topology::escapeText;

/// Why a verdict is what it is, one escaped line per source: the blocking explanation, or the last forward hop.
std::vector<std::string> reasons(const sim::ReachReport& report) {
  std::vector<std::string> out;
  for (const auto& result : report.results) {
    if (!result.explanations.empty()) {
      for (const auto& e : result.explanations) out.push_back(escapeText(result.source + ": " + explanationText(e)));
      continue;
    }
    const sim::Hop* last = nullptr;
    for (const auto& hop : result.path) {
      if (hop.direction != sim::Direction::kReturn) last = &hop;
    }
    out.push_back(escapeText(last == nullptr ? fmt::format("{}: {}", result.source, verdictName(result.verdict))
                                             : fmt::format("{}: {} via {} {}", result.source,
                                                           verdictName(result.verdict), sim::componentName(*last),
                                                           hopRule(*last))));
  }
  return out;
}

/// "FROM -> TO (TRAFFIC)", escaped.
std::string questionText(const sim::ReachReport& report) {
  return escapeText(fmt::format("{} -> {} ({})", report.from, report.to, report.traffic));
}

}  // namespace

/// A verdict as the check states it: reach words, or holds / violated /
/// undetermined for a guarantee (sim::VerifyReport's convention).
std::string_view outcomeWord(const scenario::CheckOutcome& outcome, sim::Verdict verdict) {
  if (!outcome.isGuarantee()) return verdictName(verdict);
  switch (verdict) {
    case sim::Verdict::kUnreachable: return "holds";
    case sim::Verdict::kReachable: return "violated";
    case sim::Verdict::kUndetermined:
    case sim::Verdict::kPartial: break;
  }
  return "undetermined";
}

/// The question a check asks: "FROM -> TO (TRAFFIC)", or its verify checks.
std::string outcomeQuestion(const scenario::CheckOutcome& outcome) {
  if (const auto& url = outcome.presigned_url) {
    return escapeText(fmt::format("presigned URL for {} by {}: created from {}, opened from {}", url->profile,
                                  url->principal, url->created.from, url->opened.from));
  }
  if (const auto& access = outcome.access) {
    std::string only;
    for (const auto& arn : access->allowed) only += (only.empty() ? "" : ", ") + arn;
    return escapeText(fmt::format("only {} may call {} on {} from {}", only, fmt::join(access->actions, ", "),
                                  access->to, fmt::join(access->sources, ", ")));
  }
  if (outcome.kind == scenario::CheckKind::kReach) return questionText(outcome.report);
  std::string out;
  for (const auto& report : outcome.verify) {
    out += (out.empty() ? "" : ", ") + escapeText(report.check == "internet-free"
                                                      ? "internet-free " + fmt::format("{}", fmt::join(report.sources, " "))
                                                      : report.check);
  }
  return out;
}

/// Why: reasons() for a reach check; per verify check its verdict, findings
/// (rule, source, exit) and undetermined examples.
std::vector<std::string> outcomeReasons(const scenario::CheckOutcome& outcome) {
  if (const auto& url = outcome.presigned_url) {
    std::vector<std::string> out{escapeText(presignedUrlSummary(*url))};
    for (const auto& reason : reasons(url->created)) out.push_back("created: " + reason);
    for (const auto& reason : reasons(url->opened)) out.push_back("opened: " + reason);
    return out;
  }
  if (const auto& access = outcome.access) {
    std::vector<std::string> out;
    for (const auto& line : accessViolationLines(*access)) out.push_back("can: " + line);
    return out;
  }
  if (outcome.kind == scenario::CheckKind::kReach) return reasons(outcome.report);
  std::vector<std::string> out;
  for (const auto& report : outcome.verify) {
    out.push_back(escapeText(fmt::format("{}: {}", report.check, verifyVerdictName(report))));
    for (const auto& finding : report.findings) {
      out.push_back(escapeText(fmt::format("  {}: {} -> {} ({})", finding.rule, finding.source_subnet,
                                           finding.exit_point, finding.example_text)));
    }
    for (const auto& result : report.undetermined) {
      for (const auto& e : result.explanations) out.push_back(escapeText("  undetermined: " + explanationText(e)));
    }
  }
  return out;
}

/// The assumptions of the answer, each once, in order.
std::vector<std::string> outcomeAssumptions(const scenario::CheckOutcome& outcome) {
  if (outcome.kind == scenario::CheckKind::kReach) return outcome.report.assumptions;
  if (outcome.access) return outcome.access->assumptions;
  std::vector<std::string> out;
  auto add = [&](const std::vector<std::string>& assumptions) {
    for (const auto& assumption : assumptions) {
      if (std::find(out.begin(), out.end(), assumption) == out.end()) out.push_back(assumption);
    }
  };
  if (const auto& url = outcome.presigned_url) {
    add(url->created.assumptions);
    add(url->opened.assumptions);
  }
  for (const auto& report : outcome.verify) add(report.assumptions);
  return out;
}

namespace {

/// How an answer ends: its first explanation, or "the path ends".
std::string stopText(const std::optional<sim::Explanation>& stop) {
  if (!stop) return "the path ends";
  return explanationText(*stop);
}

std::string verdictOrAbsent(const std::optional<sim::Verdict>& verdict) {
  return verdict ? std::string(verdictName(*verdict)) : std::string("absent");
}

std::string flowLine(const scenario::FlowChange& change) { return escapeText(flowText(change)); }

nlohmann::ordered_json flowJson(const scenario::FlowChange& change) {
  nlohmann::ordered_json item;
  if (!change.check.empty()) item["check"] = change.check;
  item["from"] = change.from;
  item["security_groups"] = change.security_groups;
  item["to"] = change.to;
  item["traffic"] = change.traffic;
  item["before"] = change.before ? nlohmann::ordered_json(verdictName(*change.before)) : nlohmann::ordered_json();
  item["after"] = change.after ? nlohmann::ordered_json(verdictName(*change.after)) : nlohmann::ordered_json();
  item["responsible"] = responsibleText(change.parting);
  item["component"] = partingComponent(change.parting);
  item["origin"] = change.origin;
  return item;
}

/// "no subnet runs out within 36 months (also with any one AZ lost)".
std::string capacityExpectation(const scenario::CapacityOutcome& outcome) {
  return fmt::format("no subnet runs out within {} months{}", outcome.headroom_months,
                     outcome.with_az_loss ? " (also with any one AZ lost)" : "");
}

std::size_t capacityFailures(const scenario::ScenarioRun& run) {
  return static_cast<std::size_t>(std::count_if(run.capacity.begin(), run.capacity.end(),
                                                [](const scenario::CapacityOutcome& o) { return !o.pass; }));
}

/// Each distinct endpoint-policy warning line (policyWarningLine) with the
/// variants it is found in, in first-seen order (variant order, then the
/// lint's order).
std::vector<std::pair<std::string, std::vector<std::string>>> warningLines(const scenario::ScenarioRun& run) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& variant : run.policy_warnings) {
    for (const auto& warning : variant.warnings) {
      std::string line = policyWarningLine(warning);
      auto it = std::find_if(out.begin(), out.end(), [&](const auto& entry) { return entry.first == line; });
      if (it == out.end()) {
        out.emplace_back(std::move(line), std::vector<std::string>{variant.variant});
      } else if (it->second.back() != variant.variant) {
        it->second.push_back(variant.variant);
      }
    }
  }
  return out;
}

}  // namespace

std::string responsibleText(const scenario::Parting& parting) {
  using Kind = scenario::Parting::Kind;
  switch (parting.kind) {
    case Kind::kNotFound: return "";
    case Kind::kMissing: return fmt::format("not in variant '{}': {}", parting.missing_variant, parting.missing_reason);
    case Kind::kHopChanged: {
      const sim::Hop& a = *parting.after;
      const sim::Hop& b = *parting.before;
      if (sim::componentName(a) == sim::componentName(b)) {
        return fmt::format("at {} ({}): {} (was: {})", sim::componentName(a), hopTypeName(a.kind), hopRule(a),
                           hopRule(b));
      }
      return fmt::format("the {} path goes through {} ({}) instead of {} ({})", directionName(a.direction),
                         sim::componentName(a), hopRule(a), sim::componentName(b), hopRule(b));
    }
    case Kind::kHopAdded: {
      const sim::Hop& a = *parting.after;
      // The route that answers a "no route" before: the route is what changed.
      bool no_route = parting.stop_before && parting.stop_before->code == "NO_ROUTE_TO_DESTINATION" &&
                      parting.stop_before->component == sim::componentName(a);
      if (a.kind == sim::HopKind::kRouteTable && no_route) {
        return fmt::format("{} added to {}", hopRule(a), sim::componentName(a));
      }
      return fmt::format("{} ({}) now lets it through: {} (was: {})", sim::componentName(a), hopTypeName(a.kind),
                         hopRule(a), stopText(parting.stop_before));
    }
    case Kind::kHopRemoved: {
      const sim::Hop& b = *parting.before;
      return fmt::format("{} (was: {}: {})", stopText(parting.stop_after), sim::componentName(b), hopRule(b));
    }
    case Kind::kSamePath:
      return fmt::format("same path; before: {}; after: {}", stopText(parting.stop_before),
                         stopText(parting.stop_after));
  }
  return "";
}

std::string partingComponent(const scenario::Parting& parting) {
  using Kind = scenario::Parting::Kind;
  switch (parting.kind) {
    case Kind::kHopChanged:
    case Kind::kHopAdded: return sim::componentName(*parting.after);
    case Kind::kHopRemoved:
      return parting.stop_after ? parting.stop_after->component : sim::componentName(*parting.before);
    case Kind::kSamePath: return parting.stop_after ? parting.stop_after->component : "";
    case Kind::kNotFound:
    case Kind::kMissing: return "";
  }
  return "";
}

std::string scenarioText(const scenario::ScenarioRun& run) {
  std::string out = fmt::format("scenario {}", escapeText(run.name));
  if (!run.description.empty()) out += ": " + escapeText(run.description);
  out += "\n\n";
  std::size_t name_width = 5;
  for (const auto& check : run.checks) name_width = std::max(name_width, escapeText(check).size());
  std::size_t cell_width = 17;  // "undetermined FAIL"
  for (const auto& variant : run.variants) cell_width = std::max(cell_width, escapeText(variant).size());
  std::string header = fmt::format("{:<{}}", "check", name_width);
  for (const auto& variant : run.variants) header += fmt::format("  {:<{}}", escapeText(variant), cell_width);
  while (!header.empty() && header.back() == ' ') header.pop_back();
  out += header + "\n";
  std::size_t held = 0;
  std::size_t failed = 0;
  for (const auto& check : run.checks) {
    std::string line = fmt::format("{:<{}}", escapeText(check), name_width);
    for (const auto& variant : run.variants) {
      const scenario::CheckOutcome* outcome = run.find(check, variant);
      std::string cell = "-";
      if (outcome != nullptr) {
        cell = fmt::format("{} {}", outcomeWord(*outcome, outcome->verdict), outcome->pass ? "ok" : "FAIL");
        ++(outcome->pass ? held : failed);
      }
      line += fmt::format("  {:<{}}", cell, cell_width);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  if (failed > 0) {
    out += "\nfailed expectations:\n";
    for (const auto& outcome : run.outcomes) {
      if (outcome.pass) continue;
      out += fmt::format("  {} [{}]: expected {}, got {} ({})\n", escapeText(outcome.check),
                         escapeText(outcome.variant), outcomeWord(outcome, outcome.expected),
                         outcomeWord(outcome, outcome.verdict),
                         outcome.kind != scenario::CheckKind::kReach ? outcomeQuestion(outcome)
                                           : escapeText(fmt::format("{} -> {}, {}", outcome.report.from,
                                                                    outcome.report.to, outcome.report.traffic)));
      for (const auto& reason : outcomeReasons(outcome)) out += "    " + reason + "\n";
    }
  }
  for (const auto& outcome : run.capacity) {
    out += fmt::format("\ncapacity [{}], plan {}:\n", escapeText(outcome.variant), escapeText(outcome.plan));
    std::string summary = capacitySummaryText(outcome.projection);
    for (std::size_t start = 0; start < summary.size();) {
      std::size_t end = summary.find('\n', start);
      if (end == std::string::npos) end = summary.size();
      std::string line = summary.substr(start, end - start);
      out += line.empty() ? "\n" : "  " + line + "\n";
      start = end + 1;
    }
    if (outcome.has_expectation) {
      out += fmt::format("  expectation: {}: {}\n", capacityExpectation(outcome), outcome.pass ? "ok" : "FAIL");
      for (const auto& failure : outcome.failures) out += "    " + escapeText(failure) + "\n";
      ++(outcome.pass ? held : failed);
    }
  }
  // Warnings do not count as expectations: the summary line stays as it is.
  if (auto lines = warningLines(run); !lines.empty()) {
    out += "\nendpoint policy warnings:\n";
    for (const auto& [line, variants] : lines) {
      std::string names;
      for (const auto& v : variants) names += (names.empty() ? "" : ", ") + escapeText(v);
      out += fmt::format("  [{}] {}\n", names, line);
    }
  }
  out += fmt::format("\n{} checks, {} variants{}: {} expectations hold, {} fail\n", run.checks.size(),
                     run.variants.size(), run.capacity.empty() ? "" : ", capacity", held, failed);
  return out;
}

std::string scenarioJson(const scenario::ScenarioRun& run) {
  nlohmann::ordered_json root;
  root["scenario"] = run.name;
  root["description"] = run.description;
  root["file"] = run.file;
  root["passed"] = run.passed();
  root["variants"] = run.variants;
  root["checks"] = nlohmann::ordered_json::array();
  for (const auto& check : run.checks) {
    nlohmann::ordered_json item;
    item["name"] = check;
    item["results"] = nlohmann::ordered_json::array();
    for (const auto& variant : run.variants) {
      const scenario::CheckOutcome* outcome = run.find(check, variant);
      if (outcome == nullptr) continue;
      nlohmann::ordered_json result;
      result["variant"] = variant;
      result["verdict"] = outcomeWord(*outcome, outcome->verdict);
      result["expected"] = outcomeWord(*outcome, outcome->expected);
      result["pass"] = outcome->pass;
      if (outcome->presigned_url) {
        result["presigned_url"] = presignedUrlJsonValue(*outcome->presigned_url);
      } else if (outcome->access) {
        result["access"] = nlohmann::ordered_json::parse(accessMatrixJson(*outcome->access));
      } else if (outcome->kind == scenario::CheckKind::kVerify) {
        result["verify"] = nlohmann::ordered_json::parse(verifyJson(outcome->verify));
      } else {
        result["reach"] = nlohmann::ordered_json::parse(reachJson(outcome->report));
      }
      item["results"].push_back(std::move(result));
    }
    root["checks"].push_back(std::move(item));
  }
  if (!run.capacity.empty()) {
    root["capacity"] = nlohmann::ordered_json::array();
    for (const auto& outcome : run.capacity) {
      nlohmann::ordered_json item;
      item["variant"] = outcome.variant;
      item["plan"] = outcome.plan;
      if (outcome.has_expectation) {
        item["expect"] = {{"headroom_months", outcome.headroom_months}, {"with_az_loss", outcome.with_az_loss}};
        item["pass"] = outcome.pass;
        item["failures"] = outcome.failures;
      }
      item["projection"] = nlohmann::ordered_json::parse(capacityJson(outcome.projection));
      root["capacity"].push_back(std::move(item));
    }
  }
  root["warnings"] = nlohmann::ordered_json::array();
  for (const auto& variant : run.policy_warnings) {
    for (const auto& warning : variant.warnings) {
      nlohmann::ordered_json item;
      item["variant"] = variant.variant;
      item.update(policyWarningJson(warning));
      root["warnings"].push_back(std::move(item));
    }
  }
  return jsonDocument(root);
}

std::string scenarioJunit(const scenario::ScenarioRun& run) {
  auto attribute = [](std::string_view text) { return xmlAttribute(escapeText(text)); };
  std::size_t failures = capacityFailures(run);
  for (const auto& outcome : run.outcomes) failures += outcome.pass ? 0 : 1;
  std::size_t capacity_tests = static_cast<std::size_t>(std::count_if(
      run.capacity.begin(), run.capacity.end(), [](const scenario::CapacityOutcome& o) { return o.has_expectation; }));
  const std::string name = attribute(run.name);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\">\n", name,
                     run.outcomes.size() + capacity_tests, failures);
  for (const auto& variant : run.variants) {
    std::size_t tests = 0;
    std::size_t variant_failures = 0;
    for (const auto& outcome : run.outcomes) {
      if (outcome.variant != variant) continue;
      ++tests;
      variant_failures += outcome.pass ? 0 : 1;
    }
    out += fmt::format("  <testsuite name=\"{}.{}\" tests=\"{}\" failures=\"{}\">\n", name, attribute(variant),
                       tests, variant_failures);
    for (const auto& check : run.checks) {
      const scenario::CheckOutcome* outcome = run.find(check, variant);
      if (outcome == nullptr) continue;
      out += fmt::format("    <testcase classname=\"{}.{}\" name=\"{}\">\n", name, attribute(variant),
                         attribute(check));
      // What the text table shows (the verdict, also when it is the
      // expected "undetermined"), why, and what the answer assumes.
      std::string details = outcomeQuestion(*outcome) + "\n";
      for (const auto& reason : outcomeReasons(*outcome)) details += reason + "\n";
      if (!outcome->pass) {
        out += fmt::format("      <failure message=\"expected {}, got {}\">{}</failure>\n",
                           outcomeWord(*outcome, outcome->expected), outcomeWord(*outcome, outcome->verdict),
                           xmlEscape(details));
      }
      std::string said = fmt::format("{} (expected {}): {}", outcomeWord(*outcome, outcome->verdict),
                                     outcomeWord(*outcome, outcome->expected), details);
      said += assumptionsText(outcomeAssumptions(*outcome));
      out += fmt::format("      <system-out>{}</system-out>\n    </testcase>\n", xmlEscape(said));
    }
    // The variant's endpoint-policy warnings: reported, not failures.
    std::string warnings;
    for (const auto& entry : run.policy_warnings) {
      if (entry.variant != variant) continue;
      for (const auto& warning : entry.warnings) warnings += "warning: " + policyWarningLine(warning) + "\n";
    }
    if (!warnings.empty()) out += fmt::format("    <system-out>{}</system-out>\n", xmlEscape(warnings));
    out += "  </testsuite>\n";
  }
  if (capacity_tests > 0) {
    out += fmt::format("  <testsuite name=\"{}.capacity\" tests=\"{}\" failures=\"{}\">\n", name, capacity_tests,
                       capacityFailures(run));
    for (const auto& outcome : run.capacity) {
      if (!outcome.has_expectation) continue;
      out += fmt::format("    <testcase classname=\"{}.capacity\" name=\"{} [{}]\"", name,
                         attribute(capacityExpectation(outcome)), attribute(outcome.variant));
      if (outcome.pass) {
        out += "/>\n";
        continue;
      }
      std::string details;
      for (const auto& failure : outcome.failures) details += escapeText(failure) + "\n";
      out += fmt::format(">\n      <failure message=\"{} subnet(s) run out\">{}</failure>\n    </testcase>\n",
                         outcome.failures.size(), xmlEscape(details));
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

std::string diffText(const scenario::ScenarioDiff& diff) {
  std::string out = fmt::format("diff {}: {} -> {}\n", escapeText(diff.scenario), escapeText(diff.from),
                                escapeText(diff.to));
  out += "\ninput changes:\n";
  if (diff.input_changes.empty()) out += "  none\n";
  for (const auto& change : diff.input_changes) out += "  " + escapeText(change) + "\n";
  // Consecutive changes that differ only in traffic share one entry.
  auto list = [&](const std::vector<scenario::FlowChange>& changes) {
    for (std::size_t i = 0; i < changes.size();) {
      const scenario::FlowChange& change = changes[i];
      std::string traffic = change.traffic;
      std::size_t j = i + 1;
      for (; j < changes.size(); ++j) {
        const scenario::FlowChange& next = changes[j];
        if (!change.check.empty() || next.from != change.from || next.security_groups != change.security_groups ||
            next.to != change.to || next.before != change.before || next.after != change.after ||
            responsibleText(next.parting) != responsibleText(change.parting) || next.origin != change.origin) {
          break;
        }
        traffic += ", " + next.traffic;
      }
      scenario::FlowChange merged = change;
      merged.traffic = traffic;
      std::string title =
          change.check.empty() ? flowLine(merged) : fmt::format("{} ({})", escapeText(change.check), flowLine(merged));
      out += fmt::format("  {}: {} -> {}\n", title, verdictOrAbsent(change.before), verdictOrAbsent(change.after));
      if (std::string responsible = responsibleText(change.parting); !responsible.empty()) {
        out += "    responsible: " + escapeText(responsible) + "\n";
      }
      if (!change.origin.empty()) out += "    defined at: " + escapeText(change.origin) + "\n";
      i = j;
    }
  };
  out += fmt::format("\nchecks whose verdict changes: {}\n", diff.checks.size());
  list(diff.checks);
  out += fmt::format("\nflows whose verdict changes: {} of {}\n", diff.flows.size(), diff.flows_compared);
  list(diff.flows);
  auto names = [](const std::vector<std::string>& refs) {
    std::string text;
    for (const auto& ref : refs) text += (text.empty() ? "" : ", ") + escapeText(ref);
    return text;
  };
  if (!diff.only_before.empty()) {
    out += fmt::format("\nonly in {}: {}\n", escapeText(diff.from), names(diff.only_before));
  }
  if (!diff.only_after.empty()) out += fmt::format("\nonly in {}: {}\n", escapeText(diff.to), names(diff.only_after));
  if (diff.flows_one_sided > 0) {
    out += fmt::format("({} flows from or to a subnet of one variant only were not compared)\n", diff.flows_one_sided);
  }
  out += diff.empty() ? "\nno change\n" : "\n";
  if (!diff.empty()) out.pop_back();
  return out;
}

std::string diffJson(const scenario::ScenarioDiff& diff) {
  nlohmann::ordered_json root;
  root["scenario"] = diff.scenario;
  root["from"] = diff.from;
  root["to"] = diff.to;
  root["changed"] = !diff.empty();
  root["input_changes"] = diff.input_changes;
  root["checks"] = nlohmann::ordered_json::array();
  for (const auto& change : diff.checks) root["checks"].push_back(flowJson(change));
  root["flows"] = nlohmann::ordered_json::array();
  for (const auto& change : diff.flows) root["flows"].push_back(flowJson(change));
  root["flows_compared"] = diff.flows_compared;
  root["only_in_from"] = diff.only_before;
  root["only_in_to"] = diff.only_after;
  root["flows_one_sided"] = diff.flows_one_sided;
  return jsonDocument(root);
}


std::string scenarioSarif(const scenario::ScenarioRun& run) {
  using Json = nlohmann::ordered_json;
  Json rules = Json::array();
  Json results = Json::array();
  std::vector<std::string> assumptions;
  auto location = Json::array({{{"physicalLocation", {{"artifactLocation", {{"uri", run.file}}}}}}});
  for (size_t i = 0; i < run.checks.size(); ++i) {
    const std::string& check = run.checks[i];
    rules.push_back({{"id", check}, {"shortDescription", {{"text", check}}}});
    for (const auto& variant : run.variants) {
      const scenario::CheckOutcome* outcome = run.find(check, variant);
      if (outcome == nullptr) continue;
      std::string text = fmt::format("{} [{}]: {} (expected {}): {}", check, variant,
                                     outcomeWord(*outcome, outcome->verdict), outcomeWord(*outcome, outcome->expected),
                                     outcomeQuestion(*outcome));
      for (const auto& reason : outcomeReasons(*outcome)) text += "\n" + reason;
      Json result;
      result["ruleId"] = check;
      result["ruleIndex"] = i;
      result["kind"] = outcome->pass ? "pass" : "fail";
      result["level"] = outcome->pass ? "none" : "error";
      result["message"] = {{"text", text}};
      result["locations"] = location;
      result["properties"] = {{"variant", variant},
                              {"verdict", outcomeWord(*outcome, outcome->verdict)},
                              {"expected", outcomeWord(*outcome, outcome->expected)}};
      results.push_back(std::move(result));
      for (const auto& assumption : outcomeAssumptions(*outcome)) {
        if (std::find(assumptions.begin(), assumptions.end(), assumption) == assumptions.end()) {
          assumptions.push_back(assumption);
        }
      }
    }
  }
  if (std::any_of(run.capacity.begin(), run.capacity.end(), [](const auto& o) { return o.has_expectation; })) {
    const size_t index = rules.size();
    rules.push_back({{"id", "capacity"}, {"shortDescription", {{"text", "capacity headroom"}}}});
    for (const auto& outcome : run.capacity) {
      if (!outcome.has_expectation) continue;
      std::string text = fmt::format("capacity [{}]: {}: {}", outcome.variant, capacityExpectation(outcome),
                                     outcome.pass ? "ok" : "FAIL");
      for (const auto& failure : outcome.failures) text += "\n" + failure;
      results.push_back({{"ruleId", "capacity"},
                         {"ruleIndex", index},
                         {"kind", outcome.pass ? "pass" : "fail"},
                         {"level", outcome.pass ? "none" : "error"},
                         {"message", {{"text", text}}},
                         {"locations", location},
                         {"properties", {{"variant", outcome.variant}}}});
    }
  }
  // Endpoint-policy warnings: one rule per code found, one result per
  // (variant, warning) at level warning; they do not change `passed`.
  for (const auto& entry : run.policy_warnings) {
    for (const auto& warning : entry.warnings) {
      const std::string code(policy::policyWarningCodeName(warning.code));
      size_t index = 0;
      while (index < rules.size() && rules[index]["id"] != code) ++index;
      if (index == rules.size()) rules.push_back({{"id", code}, {"shortDescription", {{"text", code}}}});
      results.push_back({{"ruleId", code},
                         {"ruleIndex", index},
                         {"kind", "fail"},
                         {"level", "warning"},
                         {"message", {{"text", fmt::format("[{}] {}", entry.variant, policyWarningLine(warning))}}},
                         {"locations", location},
                         {"properties", {{"variant", entry.variant}, {"endpoint", warning.endpoint_id},
                                         {"origin", warning.origin}}}});
    }
  }
  Json notifications = Json::array();
  for (const auto& assumption : assumptions) {
    notifications.push_back({{"level", "note"}, {"message", {{"text", "assumption: " + assumption}}}});
  }
  return sarifLog(std::move(rules), std::move(results), std::move(notifications),
                  {{"scenario", run.name}, {"passed", run.passed()}});
}

}  // namespace vpcsim::reports

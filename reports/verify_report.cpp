// Renders the checks of one `vpcsim verify` run as text, JSON, SARIF 2.1.0 or JUnit XML.
#include "reports/verify_report.h"

#include <cstdint>
#include <map>
#include <set>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "reports/path_render.h"
#include "reports/sarif.h"
#include "reports/xml.h"
#include "reports/json_document.h"
#include "topology/safe_text.h"

namespace vpcsim::reports {

namespace {

using Json = nlohmann::ordered_json;
using topology::escapeText;

constexpr std::string_view kScopePrefix = "scope ";

bool isScope(const sim::VerifyReport& report) { return report.check.starts_with(kScopePrefix); }

std::string scopeName(const sim::VerifyReport& report) { return report.check.substr(kScopePrefix.size()); }

/// "subnet-1 (PrivateA)", or the example source for platform networks and the internet.
std::string sourceGroup(const sim::InternetFinding& finding) {
  return finding.source_subnet.empty() ? finding.source : finding.source_subnet;
}

std::string openedBy(const sim::InternetFinding& finding) {
  if (finding.opening.empty()) return "";
  return finding.location.empty() ? finding.opening : fmt::format("{} at {}", finding.opening, finding.location);
}

/// The legs from a load balancer on the path to its targets, under the path.
std::string legsBody(const std::vector<sim::TargetLeg>& legs) {
  if (legs.empty()) return "";
  return "    load balancer to its targets:\n" + legsText(legs, 6);
}

/// The example, what opens the path, and the hops: the lines under a "[finding]" headline.
std::string findingBody(const sim::InternetFinding& finding) {
  std::string out =
      fmt::format("  example: {} from {}\n", escapeText(finding.example_text), escapeText(finding.source));
  if (!finding.opening.empty()) out += fmt::format("  opened by: {}\n", escapeText(openedBy(finding)));
  out += pathText(finding.path, 4);
  out += legsBody(finding.legs);
  return out;
}

std::string undeterminedBody(const sim::TraceResult& result) {
  std::string out = pathText(result.path, 4);
  for (const auto& explanation : result.explanations) {
    out += "    " + escapeText(explanationText(explanation)) + "\n";
  }
  out += legsBody(result.legs);
  return out;
}

/// The class counts, as a product only when they multiply: a scope checks
/// egress (per source, `header_classes` destination and header classes) and
/// ingress (per internet client, every target interface and header class), so
/// its total is a sum, not source x header classes.
std::string countsText(const sim::VerifyReport& report) {
  if (report.classes_checked == report.source_classes * report.header_classes) {
    return fmt::format("{} classes checked: {} source classes x {} header classes", report.classes_checked,
                       report.source_classes, report.header_classes);
  }
  return fmt::format("{} (source, header) class pairs checked over {} source classes", report.classes_checked,
                     report.source_classes);
}

std::string internetFreeHeadline(const sim::VerifyReport& report) {
  std::string sources = escapeText(fmt::format("{}", fmt::join(report.sources, " ")));
  if (report.verdict == sim::Verdict::kUnreachable) {
    return fmt::format("holds: no packet from any interface (existing or placed later with any of the VPC's security "
                       "groups) in {} reaches the internet ({})\n",
                       sources, countsText(report));
  }
  if (report.verdict == sim::Verdict::kReachable) {
    return fmt::format("violated: {} reaches the internet: {} finding{} ({})\n", sources, report.findings.size(),
                       report.findings.size() == 1 ? "" : "s", countsText(report));
  }
  return fmt::format("undetermined: no finding, but {} classes could not be decided ({})\n",
                     report.undetermined_classes, countsText(report));
}

std::string scopeHeadline(const sim::VerifyReport& report) {
  std::string name = escapeText(report.scope_origin.empty() ? report.check
                                                            : fmt::format("{} ({})", report.check, report.scope_origin));
  if (report.verdict == sim::Verdict::kUnreachable) {
    return fmt::format("{}: holds: no path matches the scope ({})\n", name, countsText(report));
  }
  if (report.verdict == sim::Verdict::kReachable) {
    return fmt::format("{}: violated: {} finding{} ({})\n", name, report.findings.size(),
                       report.findings.size() == 1 ? "" : "s", countsText(report));
  }
  return fmt::format("{}: undetermined: no finding, but {} classes could not be decided ({})\n", name,
                     report.undetermined_classes, countsText(report));
}

/// One check without its assumptions.
std::string checkText(const sim::VerifyReport& report) {
  bool scope = isScope(report);
  std::string out = scope ? scopeHeadline(report) : internetFreeHeadline(report);
  for (const auto& finding : report.findings) {
    if (scope) {
      out += fmt::format("\n[finding] {}: {} -> {} ({} classes)\n", escapeText(finding.rule),
                         escapeText(sourceGroup(finding)), escapeText(finding.exit_point), finding.classes);
    } else {
      out += fmt::format("\n[finding] {} -> internet via {} ({} classes{})\n", escapeText(sourceGroup(finding)),
                         escapeText(finding.exit_point), finding.classes,
                         finding.round_trip ? "" : ", reply blocked in the example");
    }
    out += findingBody(finding);
  }
  if (report.verdict != sim::Verdict::kReachable) {
    for (const auto& result : report.undetermined) {
      out += fmt::format("\n[undetermined] {}\n", escapeText(result.source));
      out += undeterminedBody(result);
    }
  }
  return out;
}

Json checkJson(const sim::VerifyReport& report) {
  Json root;
  root["check"] = report.check;
  root["scope_origin"] = report.scope_origin;
  root["verdict"] = verifyVerdictName(report);
  root["sources"] = report.sources;
  root["classes_checked"] = report.classes_checked;
  root["source_classes"] = report.source_classes;
  root["header_classes"] = report.header_classes;
  root["undetermined_classes"] = report.undetermined_classes;
  root["findings"] = Json::array();
  for (const auto& finding : report.findings) {
    Json item;
    item["rule"] = finding.rule;
    item["source_subnet"] = finding.source_subnet;
    item["exit_point"] = finding.exit_point;
    item["classes"] = finding.classes;
    item["round_trip"] = finding.round_trip;
    item["example"] = {{"source", finding.source}, {"packet", finding.example_text}};
    item["path"] = pathJson(finding.path);
    if (!finding.legs.empty()) item["targets"] = legsJson(finding.legs);
    item["opening"] = finding.opening;
    item["location"] = finding.location;
    root["findings"].push_back(std::move(item));
  }
  root["undetermined"] = Json::array();
  for (const auto& result : report.undetermined) {
    Json item;
    item["source"] = result.source;
    item["path"] = pathJson(result.path);
    item["explanations"] = explanationsJson(result.explanations);
    if (!result.legs.empty()) item["targets"] = legsJson(result.legs);
    root["undetermined"].push_back(std::move(item));
  }
  root["assumptions"] = report.assumptions;
  return root;
}

// ---- SARIF ----

/// The scope file a scope finding without a location points at ("" for builtin scopes).
std::string scopeFile(const sim::VerifyReport& report) {
  if (!isScope(report) || report.scope_origin.empty() || report.scope_origin.starts_with("builtin:")) return "";
  return report.scope_origin;
}

Json findingLocations(const sim::VerifyReport& report, const sim::InternetFinding& finding) {
  Json locations = Json::array();
  if (auto spot = parseSpot(finding.location)) {
    locations.push_back(sarifLocation(*spot, finding.opening));
  } else if (std::string file = scopeFile(report); !file.empty()) {
    // The matching MatchPaths entry, inside the scope file.
    locations.push_back(sarifLocation(SarifSpot{file, 0, 0, finding.rule}, ""));
  }
  return locations;
}

Json codeFlows(const std::vector<sim::Hop>& path) {
  Json steps = Json::array();
  for (const auto& hop : path) {
    Json step;
    step["location"] = {{"message",
                          {{"text", fmt::format("{} {}: {}", hopTypeName(hop.kind), sim::componentName(hop),
                                                hopRule(hop))}}}};
    step["properties"] = {{"direction", directionName(hop.direction)}};
    steps.push_back(std::move(step));
  }
  return Json::array({{{"threadFlows", Json::array({{{"locations", std::move(steps)}}})}}});
}

Json sarifRule(const sim::VerifyReport& report, const std::string& id) {
  Json rule;
  rule["id"] = id;
  if (isScope(report)) {
    std::string origin = report.scope_origin.empty() ? "" : fmt::format(" ({})", report.scope_origin);
    rule["shortDescription"] = {{"text", fmt::format("No path matches the access scope {}", scopeName(report))}};
    rule["fullDescription"] = {
        {"text", fmt::format("Network Access Analyzer scope {}{}, evaluated over every packet: a finding is a path "
                             "that some MatchPaths entry matches and no ExcludePaths entry does.",
                             scopeName(report), origin)}};
  } else {
    std::string sources = report.sources.empty() ? "the sources" : fmt::format("{}", fmt::join(report.sources, " "));
    rule["shortDescription"] = {{"text", "No packet from the sources reaches the internet"}};
    rule["fullDescription"] = {
        {"text", fmt::format("No packet (any protocol, port or address) from any interface in {}, existing or placed "
                             "later with any of the VPC's security groups, reaches a public address beyond an "
                             "internet gateway.",
                             sources)}};
  }
  rule["defaultConfiguration"] = {{"level", "error"}};
  rule["properties"] = {{"verdict", verifyVerdictName(report)},
                        {"classes_checked", report.classes_checked},
                        {"assumptions", report.assumptions}};
  return rule;
}

Json findingResult(const sim::VerifyReport& report, const std::string& id, size_t index,
                   const sim::InternetFinding& finding) {
  std::string group = sourceGroup(finding);
  std::string text = fmt::format("{} -> {}: {} violating class{}; example: {} from {}", group, finding.exit_point,
                                 finding.classes, finding.classes == 1 ? "" : "es", finding.example_text,
                                 finding.source);
  if (isScope(report)) text = fmt::format("{}: {}", finding.rule, text);
  if (!finding.opening.empty()) text += fmt::format("; opened by {}", finding.opening);
  Json result;
  result["ruleId"] = id;
  result["ruleIndex"] = index;
  result["level"] = "error";
  result["message"] = {{"text", text}};
  if (Json locations = findingLocations(report, finding); !locations.empty()) result["locations"] = locations;
  if (!finding.path.empty()) result["codeFlows"] = codeFlows(finding.path);
  result["partialFingerprints"] = {
      {std::string(kSarifFingerprintKey), sarifFingerprint({id, finding.rule, group, finding.exit_point})}};
  result["properties"] = {{"classes", finding.classes}, {"round_trip", finding.round_trip}};
  return result;
}

Json undeterminedResult(const sim::VerifyReport& report, const std::string& id, size_t index,
                        const sim::TraceResult& example) {
  std::string code = example.explanations.empty() ? "" : example.explanations.front().code;
  std::string text = fmt::format("undetermined: {}", example.source);
  if (!example.explanations.empty()) text += ": " + explanationText(example.explanations.front());
  Json result;
  result["ruleId"] = id;
  result["ruleIndex"] = index;
  result["level"] = "warning";
  result["message"] = {{"text", text}};
  if (std::string file = scopeFile(report); !file.empty()) {
    result["locations"] = Json::array({sarifLocation(SarifSpot{file, 0, 0, ""}, "")});
  }
  if (!example.path.empty()) result["codeFlows"] = codeFlows(example.path);
  result["partialFingerprints"] = {{std::string(kSarifFingerprintKey), sarifFingerprint({id, "undetermined", example.source, code})}};
  result["properties"] = {{"undetermined_classes", report.undetermined_classes}};
  return result;
}

/// `name` of each report, made unique within the run with "#2", "#3", ...
std::vector<std::string> uniqueNames(const std::vector<sim::VerifyReport>& reports,
                                     std::string (*name)(const sim::VerifyReport&)) {
  std::vector<std::string> names;
  std::map<std::string, int> seen;
  for (const auto& report : reports) {
    std::string base = name(report);
    int count = ++seen[base];
    names.push_back(count == 1 ? base : fmt::format("{}#{}", base, count));
  }
  return names;
}

/// "internet-free" or "scope/NAME".
std::string ruleId(const sim::VerifyReport& report) {
  return isScope(report) ? "scope/" + scopeName(report) : report.check;
}

/// The assumptions, each once, in first-seen order.
std::vector<std::string> allAssumptions(const std::vector<sim::VerifyReport>& reports) {
  std::vector<std::string> assumptions;
  std::set<std::string> seen;
  for (const auto& report : reports) {
    for (const auto& assumption : report.assumptions) {
      if (seen.insert(assumption).second) assumptions.push_back(assumption);
    }
  }
  return assumptions;
}

bool undetermined(const sim::VerifyReport& report) {
  return report.verdict != sim::Verdict::kReachable && report.verdict != sim::Verdict::kUnreachable;
}

/// The check's headline without its newline.
std::string headline(const sim::VerifyReport& report) {
  std::string line = isScope(report) ? scopeHeadline(report) : internetFreeHeadline(report);
  line.pop_back();
  return line;
}

/// An undetermined check without examples (classes undecided, or only
/// classes left undecided): one warning result with its headline, so a SARIF
/// consumer never reads it as clean.
Json undeterminedCheckResult(const sim::VerifyReport& report, const std::string& id, size_t index) {
  Json result;
  result["ruleId"] = id;
  result["ruleIndex"] = index;
  result["level"] = "warning";
  result["message"] = {{"text", headline(report)}};
  if (std::string file = scopeFile(report); !file.empty()) {
    result["locations"] = Json::array({sarifLocation(SarifSpot{file, 0, 0, ""}, "")});
  }
  result["partialFingerprints"] = {{std::string(kSarifFingerprintKey), sarifFingerprint({id, "undetermined"})}};
  result["properties"] = {{"undetermined_classes", report.undetermined_classes}};
  return result;
}

// ---- JUnit ----

/// What a JUnit test case is called: the check and its sources, never its
/// verdict or counts, so CI history follows it from passing to failing runs.
std::string junitName(const sim::VerifyReport& report) {
  if (isScope(report) || report.sources.empty()) return report.check;
  return fmt::format("{} {}", report.check, fmt::join(report.sources, " "));
}

}  // namespace

std::string verifyVerdictName(const sim::VerifyReport& report) {
  switch (report.verdict) {
    case sim::Verdict::kUnreachable: return "holds";
    case sim::Verdict::kReachable: return "violated";
    case sim::Verdict::kUndetermined:
    case sim::Verdict::kPartial: break;
  }
  return "undetermined";
}

sim::Verdict overallVerdict(const std::vector<sim::VerifyReport>& reports) {
  sim::Verdict overall = sim::Verdict::kUnreachable;
  for (const auto& report : reports) {
    if (report.verdict == sim::Verdict::kReachable) return sim::Verdict::kReachable;
    if (report.verdict != sim::Verdict::kUnreachable) overall = sim::Verdict::kUndetermined;
  }
  return overall;
}

std::string overallVerdictName(const std::vector<sim::VerifyReport>& reports) {
  sim::VerifyReport summary;
  summary.verdict = overallVerdict(reports);
  return verifyVerdictName(summary);
}

std::string verifyText(const std::vector<sim::VerifyReport>& reports) {
  std::string out;
  std::vector<std::string> verdicts;
  for (const auto& report : reports) {
    if (!out.empty()) out += "\n";
    out += checkText(report);
    verdicts.push_back(fmt::format("{}: {}", escapeText(report.check), verifyVerdictName(report)));
  }
  if (reports.size() > 1) {
    out += fmt::format("\noverall: {} ({})\n", overallVerdictName(reports), fmt::join(verdicts, ", "));
  }
  if (std::string assumptions = assumptionsText(allAssumptions(reports)); !assumptions.empty()) {
    out += '\n';
    out += assumptions;
  }
  return out;
}

std::string verifyJson(const std::vector<sim::VerifyReport>& reports) {
  Json root;
  root["verdict"] = overallVerdictName(reports);
  root["checks"] = Json::array();
  for (const auto& report : reports) root["checks"].push_back(checkJson(report));
  return jsonDocument(root);
}

std::string verifySarif(const std::vector<sim::VerifyReport>& reports) {
  std::vector<std::string> ids = uniqueNames(reports, ruleId);
  Json rules = Json::array();
  Json results = Json::array();
  Json notifications = Json::array();
  for (size_t i = 0; i < reports.size(); ++i) {
    const auto& report = reports[i];
    rules.push_back(sarifRule(report, ids[i]));
    for (const auto& finding : report.findings) results.push_back(findingResult(report, ids[i], i, finding));
    if (!undetermined(report)) continue;
    for (const auto& example : report.undetermined) results.push_back(undeterminedResult(report, ids[i], i, example));
    if (report.undetermined.empty()) results.push_back(undeterminedCheckResult(report, ids[i], i));
    notifications.push_back({{"level", "warning"},
                             {"message", {{"text", fmt::format("{}: {}", ids[i], headline(report))}}},
                             {"associatedRule", {{"id", ids[i]}, {"index", i}}}});
  }
  for (const auto& assumption : allAssumptions(reports)) {
    notifications.push_back({{"level", "note"}, {"message", {{"text", "assumption: " + assumption}}}});
  }
  // The run itself succeeded whatever the verdict; what the verdict rests on
  // (assumptions) and what it could not decide are notifications.
  return sarifLog(std::move(rules), std::move(results), std::move(notifications),
                  {{"verdict", overallVerdictName(reports)}});
}

std::string verifyJunit(const std::vector<sim::VerifyReport>& reports) {
  std::vector<std::string> names = uniqueNames(reports, junitName);
  size_t failures = 0;
  size_t errors = 0;
  for (const auto& report : reports) {
    failures += report.verdict == sim::Verdict::kReachable ? 1U : 0U;
    errors += undetermined(report) ? 1U : 0U;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"vpcsim verify\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
                     reports.size(), failures, errors);
  for (size_t i = 0; i < reports.size(); ++i) {
    const auto& report = reports[i];
    bool failed = report.verdict == sim::Verdict::kReachable;
    std::string name = xmlAttribute(escapeText(names[i]));
    out += fmt::format("  <testsuite name=\"{}\" tests=\"1\" failures=\"{}\" errors=\"{}\">\n", name,
                       failed ? 1 : 0, undetermined(report) ? 1 : 0);
    out += "    <properties>\n" + junitProperty("verdict", verifyVerdictName(report));
    if (!report.scope_origin.empty()) out += junitProperty("scope_origin", report.scope_origin);
    for (const auto& assumption : report.assumptions) out += junitProperty("assumption", assumption);
    out += "    </properties>\n";
    out += fmt::format("    <testcase classname=\"vpcsim verify\" name=\"{}\">\n", name);
    // Violated is a failure; undetermined an error (not <skipped>, which CI
    // tools count as green): the check could not be shown to hold.
    std::string body = checkText(report);
    if (failed || undetermined(report)) {
      std::string_view kind = failed ? "failure" : "error";
      out += fmt::format("      <{} type=\"{}\" message=\"{}\">{}</{}>\n", kind, verifyVerdictName(report),
                         xmlAttribute(headline(report)), xmlEscape(body), kind);
      body.clear();
    }
    if (std::string text = body + assumptionsText(report.assumptions); !text.empty()) {
      out += fmt::format("      <system-out>{}</system-out>\n", xmlEscape(text));
    }
    out += "    </testcase>\n  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace vpcsim::reports

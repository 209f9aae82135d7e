// Renders reachability answers as text or JSON.
#include "reports/reach_report.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "reports/path_render.h"
#include "reports/sarif.h"
#include "reports/xml.h"
#include "reports/json_document.h"
#include "topology/safe_text.h"

namespace vpcsim::reports {

using topology::escapeText;

namespace {

std::string_view decisionName(policy::Decision decision) {
  switch (decision) {
    case policy::Decision::kAllow: return "allowed";
    case policy::Decision::kExplicitDeny: return "explicitly denied";
    case policy::Decision::kImplicitDeny: return "implicitly denied";
    case policy::Decision::kUndetermined: return "undetermined";
  }
  return "";
}

// "statement 'DenyOutsideVpc' (#2) of SSMEndpoint endpoint policy at file:/Statement/1"
std::string statementText(const policy::StatementMatch& match) {
  const auto& statement = *match.statement;
  std::string name = statement.sid.empty() ? fmt::format("statement #{}", statement.index + 1)
                                           : fmt::format("statement '{}' (#{})", statement.sid, statement.index + 1);
  return fmt::format("{} {} of {} at {}", statement.effect == topology::PolicyEffect::kDeny ? "Deny" : "Allow", name,
                     match.policy->name, statement.origin);
}

// The context keys the policies read, with their values or "absent".
std::vector<std::pair<std::string, std::string>> keysRead(const policy::AccessDecision& decision,
                                                          const policy::RequestContext& context) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& key : decision.keys_used) {
    const policy::ContextValue* value = context.find(key);
    std::string text = "absent";
    if (value != nullptr && value->state == policy::ContextValue::State::kUnknown) {
      text = "unknown";
    } else if (value != nullptr) {
      text.clear();
      for (const auto& item : value->values) text += (text.empty() ? "" : ", ") + item;
    }
    out.emplace_back(key, text);
  }
  return out;
}

std::string accessText(const sim::AccessAnswer& answer) {
  std::string out;
  // Every line holds input-derived text: escaped line by line.
  auto line = [&](const std::string& text) { out += escapeText(text) + "\n"; };
  const auto& request = answer.request;
  std::string head = fmt::format("  call: {} on {} as {}: {}", request.action, request.resource,
                                 request.principal_arn, decisionName(answer.decision.decision));
  if (answer.decision.code != policy::DenyCode::kNone) {
    head += fmt::format(" ({}, {})", policy::denyCodeName(answer.decision.code),
                        topology::policyKindName(answer.decision.deciding_kind));
  }
  line(head);
  line(answer.endpoint != nullptr ? fmt::format("    through endpoint {}{}", answer.endpoint->meta.id,
                                                answer.endpoint->policy ? "" : " (default policy: full access)")
                                  : "    not through a VPC endpoint");
  for (const auto& match : answer.decision.statements) {
    if (match.policy != nullptr && match.statement != nullptr) line("    " + statementText(match));
  }
  if (!answer.decision.missing.empty()) line("    missing: " + answer.decision.missing);
  for (const auto& [key, value] : keysRead(answer.decision, request.context)) {
    line(fmt::format("    {} = {}", key, value));
  }
  return out;
}

/// A call and its decision as JSON; `action` is the call's (the request's
/// own may be another: the access matrix shares one request between actions).
nlohmann::ordered_json accessJson(const policy::Request& request, std::string_view action,
                                  const policy::AccessDecision& decision, const topology::VpcEndpoint* endpoint) {
  nlohmann::ordered_json out;
  out["action"] = action;
  out["resource"] = request.resource;
  out["principal"] = request.principal_arn;
  out["decision"] = decisionName(decision.decision);
  out["code"] = decision.code == policy::DenyCode::kNone
                    ? nlohmann::ordered_json()
                    : nlohmann::ordered_json(policy::denyCodeName(decision.code));
  out["endpoint"] = endpoint != nullptr ? nlohmann::ordered_json(endpoint->meta.id) : nlohmann::ordered_json();
  out["statements"] = nlohmann::ordered_json::array();
  for (const auto& match : decision.statements) {
    if (match.policy == nullptr || match.statement == nullptr) continue;
    nlohmann::ordered_json item;
    item["policy"] = match.policy->name;
    item["kind"] = topology::policyKindName(decision.deciding_kind);
    item["sid"] = match.statement->sid;
    item["index"] = match.statement->index;
    item["effect"] = match.statement->effect == topology::PolicyEffect::kDeny ? "Deny" : "Allow";
    item["location"] = match.statement->origin;
    out["statements"].push_back(std::move(item));
  }
  out["missing"] = decision.missing;
  nlohmann::ordered_json keys = nlohmann::ordered_json::object();
  for (const auto& [key, value] : keysRead(decision, request.context)) keys[key] = value;
  out["context_keys"] = std::move(keys);
  return out;
}

nlohmann::ordered_json accessJson(const sim::AccessAnswer& answer) {
  return accessJson(answer.request, answer.request.action, answer.decision, answer.endpoint);
}

}  // namespace

std::string reachText(const sim::ReachReport& report) {
  std::string out = fmt::format("{}: {} -> {} ({})\n", sim::verdictName(report.verdict), escapeText(report.from),
                                escapeText(report.to), escapeText(report.traffic));
  for (const auto& result : report.results) {
    out += fmt::format("\n[{}] {}\n", sim::verdictName(result.verdict), escapeText(result.source));
    out += pathText(result.path, 2);
    for (const auto& explanation : result.explanations) {
      out += "  blocked: " + escapeText(explanationText(explanation)) + "\n";
    }
    if (!result.legs.empty()) {
      out += "  load balancer to its targets:\n";
      out += legsText(result.legs, 4);
    }
    std::size_t index = static_cast<std::size_t>(&result - report.results.data());
    if (index < report.access.size() && report.access[index]) out += accessText(*report.access[index]);
  }
  if (!report.assumptions.empty()) {
    out += '\n';
    out += assumptionsText(report.assumptions);
  }
  return out;
}

nlohmann::ordered_json reachJsonValue(const sim::ReachReport& report) {
  nlohmann::ordered_json root;
  root["verdict"] = sim::verdictName(report.verdict);
  root["from"] = report.from;
  root["to"] = report.to;
  root["traffic"] = report.traffic;
  root["results"] = nlohmann::ordered_json::array();
  for (const auto& result : report.results) {
    nlohmann::ordered_json item;
    item["source"] = result.source;
    item["verdict"] = sim::verdictName(result.verdict);
    item["path"] = pathJson(result.path);
    item["explanations"] = explanationsJson(result.explanations);
    if (!result.legs.empty()) item["targets"] = legsJson(result.legs);
    item["assumptions"] = result.assumptions;
    std::size_t index = static_cast<std::size_t>(&result - report.results.data());
    if (index < report.access.size() && report.access[index]) item["call"] = accessJson(*report.access[index]);
    root["results"].push_back(std::move(item));
  }
  root["assumptions"] = report.assumptions;
  return root;
}

std::string reachJson(const sim::ReachReport& report) { return jsonDocument(reachJsonValue(report)); }

namespace {

// "allowed", "denied (ENDPOINT_POLICY_DENY)", "no path", "undetermined", "allowed on some paths".
std::string cellText(const sim::AccessCell& cell) {
  if (cell.no_path) return cell.verdict == sim::Verdict::kUndetermined ? "no path known" : "no path";
  switch (cell.verdict) {
    case sim::Verdict::kReachable: return "allowed";
    case sim::Verdict::kPartial: return "allowed on some paths";
    case sim::Verdict::kUndetermined: return "undetermined";
    case sim::Verdict::kUnreachable: break;
  }
  if (cell.decision != nullptr && cell.decision->code != policy::DenyCode::kNone) {
    return fmt::format("denied ({})", policy::denyCodeName(cell.decision->code));
  }
  return "denied";
}

std::string_view guaranteeName(sim::Verdict verdict) {
  switch (verdict) {
    case sim::Verdict::kUnreachable: return "holds";
    case sim::Verdict::kReachable:
    case sim::Verdict::kPartial: return "violated";
    case sim::Verdict::kUndetermined: break;
  }
  return "undetermined";
}

/// "PRINCIPAL ACTION from SOURCE": what a cell is called.
std::string cellName(const sim::AccessCell& cell) {
  return fmt::format("{} {} from {}", cell.principal, cell.action, cell.source);
}

/// The deciding statements of a cell and what the input lacks, one line each.
std::vector<std::string> cellDetails(const sim::AccessCell& cell) {
  std::vector<std::string> lines;
  if (cell.decision == nullptr) return lines;
  for (const auto& match : cell.decision->statements) {
    if (match.policy != nullptr && match.statement != nullptr) lines.push_back(statementText(match));
  }
  if (!cell.decision->missing.empty()) lines.push_back("missing: " + cell.decision->missing);
  return lines;
}

/// "only A, B may call ACTIONS on service:NAME (resource R)".
std::string guaranteeTitle(const sim::AccessMatrixReport& report) {
  return fmt::format("only {} may call {} on {} (resource {})", fmt::join(report.allowed, ", "),
                     fmt::join(report.actions, ", "), report.to, report.resource);
}

bool mayCall(sim::Verdict verdict) { return verdict == sim::Verdict::kReachable || verdict == sim::Verdict::kPartial; }

constexpr std::string_view kAccessRule = "access-guarantee";

}  // namespace

std::string accessMatrixText(const sim::AccessMatrixReport& report) {
  std::string out;
  auto line = [&](const std::string& text) { out += escapeText(text) + "\n"; };
  line(fmt::format("access to {} (resource {}): {} principals x {} actions x {} sources", report.to, report.resource,
                   report.principals.size(), report.actions.size(), report.sources.size()));
  for (std::size_t index = 0; index < report.cellCount(); ++index) {
    const sim::AccessCell cell = report.cell(index);
    line("");
    line(fmt::format("{}: {}", cellName(cell), cellText(cell)));
    for (const auto& detail : cellDetails(cell)) line("  " + detail);
  }
  if (report.has_guarantee) {
    std::string only;
    for (const auto& arn : report.allowed) only += (only.empty() ? "" : ", ") + arn;
    line("");
    line(fmt::format("guarantee: only {} may call: {}", only, guaranteeName(report.guarantee)));
    for (std::size_t index : report.violations) {
      const sim::AccessCell cell = report.cell(index);
      line(fmt::format("  {}: {}", cellName(cell), cellText(cell)));
    }
  }
  if (!report.assumptions.empty()) {
    out += "\n";
    out += assumptionsText(report.assumptions);
  }
  return out;
}

std::vector<std::string> accessViolationLines(const sim::AccessMatrixReport& report) {
  std::vector<std::string> out;
  for (std::size_t index : report.violations) {
    const sim::AccessCell cell = report.cell(index);
    out.push_back(escapeText(fmt::format("{}: {}", cellName(cell), cellText(cell))));
  }
  return out;
}

std::string accessMatrixJson(const sim::AccessMatrixReport& report) {
  nlohmann::ordered_json root;
  root["to"] = report.to;
  root["resource"] = report.resource;
  root["actions"] = report.actions;
  root["principals"] = report.principals;
  root["sources"] = report.sources;
  root["cells"] = nlohmann::ordered_json::array();
  for (std::size_t index = 0; index < report.cellCount(); ++index) {
    const sim::AccessCell cell = report.cell(index);
    nlohmann::ordered_json item;
    item["source"] = cell.source;
    item["principal"] = cell.principal;
    item["action"] = cell.action;
    item["decision"] = cellText(cell);
    item["call"] = cell.decision != nullptr
                       ? accessJson(cell.call->request, cell.action, *cell.decision, cell.call->endpoint)
                       : nlohmann::ordered_json();
    root["cells"].push_back(std::move(item));
  }
  if (report.has_guarantee) {
    nlohmann::ordered_json guarantee;
    guarantee["only"] = report.allowed;
    guarantee["verdict"] = guaranteeName(report.guarantee);
    guarantee["violations"] = nlohmann::ordered_json::array();
    for (std::size_t index : report.violations) {
      const sim::AccessCell cell = report.cell(index);
      guarantee["violations"].push_back(
          {{"principal", cell.principal}, {"action", cell.action}, {"source", cell.source}, {"decision", cellText(cell)}});
    }
    root["guarantee"] = std::move(guarantee);
  }
  root["assumptions"] = report.assumptions;
  return jsonDocument(root);
}

std::string accessMatrixSarif(const sim::AccessMatrixReport& report) {
  using Json = nlohmann::ordered_json;
  const std::string id(kAccessRule);
  Json rule;
  rule["id"] = id;
  rule["shortDescription"] = {{"text", "Only the allowed principals can make the calls"}};
  rule["fullDescription"] = {
      {"text", report.has_guarantee
                   ? fmt::format("{}, from any of: {}. A result is a call another principal can make over some "
                                 "path (error) or that the input cannot decide (warning), with the deciding "
                                 "statements as its locations.",
                                 guaranteeTitle(report), fmt::join(report.sources, ", "))
                   : std::string("no guarantee was asked for (--only)")}};
  rule["defaultConfiguration"] = {{"level", "error"}};
  rule["properties"] = {{"only", report.allowed}, {"actions", report.actions}, {"sources", report.sources}};
  Json results = Json::array();
  for (const std::size_t index : report.violations) {
    const sim::AccessCell cell = report.cell(index);
    std::string text = fmt::format("{}: {}", cellName(cell), cellText(cell));
    Json locations = Json::array();
    if (cell.decision != nullptr) {
      for (const auto& match : cell.decision->statements) {
        if (match.policy == nullptr || match.statement == nullptr) continue;
        text += "; " + statementText(match);
        // A statement written in no file (the default endpoint policy) has no location.
        auto spot = parseSpot(match.statement->origin);
        if (spot && (spot->line > 0 || !spot->pointer.empty())) {
          locations.push_back(sarifLocation(*spot, statementText(match)));
        }
      }
      if (!cell.decision->missing.empty()) text += "; missing: " + cell.decision->missing;
    }
    Json result;
    result["ruleId"] = id;
    result["ruleIndex"] = 0;
    result["level"] = mayCall(cell.verdict) ? "error" : "warning";
    result["message"] = {{"text", text}};
    if (!locations.empty()) result["locations"] = std::move(locations);
    result["partialFingerprints"] = {
        {std::string(kSarifFingerprintKey), sarifFingerprint({id, cell.principal, cell.action, cell.source})}};
    result["properties"] = {{"principal", cell.principal},
                            {"action", cell.action},
                            {"source", cell.source},
                            {"decision", cellText(cell)},
                            {"endpoint", cell.call != nullptr && cell.call->endpoint != nullptr
                                             ? Json(cell.call->endpoint->meta.id)
                                             : Json()}};
    results.push_back(std::move(result));
  }
  Json notifications = Json::array();
  if (report.has_guarantee && report.guarantee == sim::Verdict::kUndetermined) {
    notifications.push_back({{"level", "warning"},
                             {"message", {{"text", fmt::format("{}: {}: undetermined", id, guaranteeTitle(report))}}},
                             {"associatedRule", {{"id", id}, {"index", 0}}}});
  }
  for (const auto& assumption : report.assumptions) {
    notifications.push_back({{"level", "note"}, {"message", {{"text", "assumption: " + assumption}}}});
  }
  return sarifLog(Json::array({std::move(rule)}), std::move(results), std::move(notifications),
                  {{"verdict", report.has_guarantee ? guaranteeName(report.guarantee) : "no guarantee"}});
}

std::string accessMatrixJunit(const sim::AccessMatrixReport& report) {
  const auto attribute = [](std::string_view text) { return xmlAttribute(escapeText(text)); };
  const auto allowed = [&report](std::string_view arn) {
    return std::binary_search(report.allowed.begin(), report.allowed.end(), arn);
  };
  // One test per cell of a principal outside the guarantee's list; without
  // a guarantee, none.
  std::size_t tests = 0;
  if (report.has_guarantee) {
    for (const auto& arn : report.principals) tests += allowed(arn) ? 0U : 1U;
    tests *= report.sources.size() * report.actions.size();
  }
  std::size_t failures = 0;
  std::size_t errors = 0;
  for (const std::size_t index : report.violations) {
    (mayCall(report.cell(index).verdict) ? failures : errors) += 1;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"vpcsim access\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", tests,
                     failures, errors);
  if (report.has_guarantee) {
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
                       attribute(guaranteeTitle(report)), tests, failures, errors);
    out += "    <properties>\n" + junitProperty("verdict", guaranteeName(report.guarantee));
    for (const auto& arn : report.allowed) out += junitProperty("only", arn);
    for (const auto& assumption : report.assumptions) out += junitProperty("assumption", assumption);
    out += "    </properties>\n";
    for (std::size_t index = 0; index < report.cellCount(); ++index) {
      const sim::AccessCell cell = report.cell(index);
      if (allowed(cell.principal)) continue;
      // Input text escaped line by line (escapeText), then for XML.
      std::string body = escapeText(cellText(cell)) + "\n";
      for (const auto& detail : cellDetails(cell)) body += escapeText(detail) + "\n";
      out += fmt::format("    <testcase classname=\"vpcsim access\" name=\"{}\">\n", attribute(cellName(cell)));
      // Can call: a failure; undetermined: an error (not <skipped>, which CI
      // tools count as green): the guarantee could not be shown to hold.
      if (mayCall(cell.verdict) || cell.verdict == sim::Verdict::kUndetermined) {
        const std::string_view kind = mayCall(cell.verdict) ? "failure" : "error";
        out += fmt::format("      <{} type=\"{}\" message=\"{}\">{}</{}>\n", kind,
                           mayCall(cell.verdict) ? "violated" : "undetermined", attribute(cellText(cell)),
                           xmlEscape(body), kind);
      } else {
        out += fmt::format("      <system-out>{}</system-out>\n", xmlEscape(body));
      }
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace vpcsim::reports

// Renders reachability answers as text or JSON.
#include "reports/reach_report.h"

#include <nlohmann/json.hpp>
#include <fmt/format.h>

#include "reports/path_render.h"
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
std::vector<std::pair<std::string, std::string>> keysRead(const sim::AccessAnswer& answer) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& key : answer.decision.keys_used) {
    const policy::ContextValue* value = answer.request.context.find(key);
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
  for (const auto& [key, value] : keysRead(answer)) line(fmt::format("    {} = {}", key, value));
  return out;
}

nlohmann::ordered_json accessJson(const sim::AccessAnswer& answer) {
  nlohmann::ordered_json out;
  out["action"] = answer.request.action;
  out["resource"] = answer.request.resource;
  out["principal"] = answer.request.principal_arn;
  out["decision"] = decisionName(answer.decision.decision);
  out["code"] = answer.decision.code == policy::DenyCode::kNone ? nlohmann::ordered_json()
                                                                 : nlohmann::ordered_json(policy::denyCodeName(
                                                                       answer.decision.code));
  out["endpoint"] = answer.endpoint != nullptr ? nlohmann::ordered_json(answer.endpoint->meta.id)
                                               : nlohmann::ordered_json();
  out["statements"] = nlohmann::ordered_json::array();
  for (const auto& match : answer.decision.statements) {
    if (match.policy == nullptr || match.statement == nullptr) continue;
    nlohmann::ordered_json item;
    item["policy"] = match.policy->name;
    item["kind"] = topology::policyKindName(answer.decision.deciding_kind);
    item["sid"] = match.statement->sid;
    item["index"] = match.statement->index;
    item["effect"] = match.statement->effect == topology::PolicyEffect::kDeny ? "Deny" : "Allow";
    item["location"] = match.statement->origin;
    out["statements"].push_back(std::move(item));
  }
  out["missing"] = answer.decision.missing;
  nlohmann::ordered_json keys = nlohmann::ordered_json::object();
  for (const auto& [key, value] : keysRead(answer)) keys[key] = value;
  out["context_keys"] = std::move(keys);
  return out;
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
  if (cell.answer && cell.answer->decision.code != policy::DenyCode::kNone) {
    return fmt::format("denied ({})", policy::denyCodeName(cell.answer->decision.code));
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

}  // namespace

std::string accessMatrixText(const sim::AccessMatrixReport& report) {
  std::string out;
  auto line = [&](const std::string& text) { out += escapeText(text) + "\n"; };
  line(fmt::format("access to {} (resource {}): {} principals x {} actions x {} sources", report.to, report.resource,
                   report.principals.size(), report.actions.size(), report.sources.size()));
  for (const auto& cell : report.cells) {
    line("");
    line(fmt::format("{} {} from {}: {}", cell.principal, cell.action, cell.source, cellText(cell)));
    if (!cell.answer) continue;
    for (const auto& match : cell.answer->decision.statements) {
      if (match.policy != nullptr && match.statement != nullptr) line("  " + statementText(match));
    }
    if (!cell.answer->decision.missing.empty()) line("  missing: " + cell.answer->decision.missing);
  }
  if (report.has_guarantee) {
    std::string only;
    for (const auto& arn : report.allowed) only += (only.empty() ? "" : ", ") + arn;
    line("");
    line(fmt::format("guarantee: only {} may call: {}", only, guaranteeName(report.guarantee)));
    for (const auto& violation : accessViolationLines(report)) out += "  " + violation + "\n";
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
    const auto& cell = report.cells[index];
    out.push_back(escapeText(fmt::format("{} {} from {}: {}", cell.principal, cell.action, cell.source, cellText(cell))));
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
  for (const auto& cell : report.cells) {
    nlohmann::ordered_json item;
    item["source"] = cell.source;
    item["principal"] = cell.principal;
    item["action"] = cell.action;
    item["decision"] = cellText(cell);
    item["call"] = cell.answer ? accessJson(*cell.answer) : nlohmann::ordered_json();
    root["cells"].push_back(std::move(item));
  }
  if (report.has_guarantee) {
    nlohmann::ordered_json guarantee;
    guarantee["only"] = report.allowed;
    guarantee["verdict"] = guaranteeName(report.guarantee);
    guarantee["violations"] = nlohmann::ordered_json::array();
    for (std::size_t index : report.violations) {
      const auto& cell = report.cells[index];
      guarantee["violations"].push_back(
          {{"principal", cell.principal}, {"action", cell.action}, {"source", cell.source}, {"decision", cellText(cell)}});
    }
    root["guarantee"] = std::move(guarantee);
  }
  root["assumptions"] = report.assumptions;
  return jsonDocument(root);
}

}  // namespace vpcsim::reports

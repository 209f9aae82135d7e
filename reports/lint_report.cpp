// Endpoint-policy lint findings in words (reports/lint_report.h). The rules
// and their sources: policy/lint.cpp and docs/policies.md, "Endpoint policy lint".
#include "reports/lint_report.h"

#include <fmt/format.h>

#include "topology/safe_text.h"

namespace vpcsim::reports {

using policy::PolicyWarning;
using policy::PolicyWarningCode;

namespace {

/// "statement 1", "statement 1 (Sid NoWho)".
std::string statementLabel(const PolicyWarning& w) {
  if (!w.statement) return "the policy";
  return w.sid.empty() ? fmt::format("statement {}", *w.statement)
                       : fmt::format("statement {} (Sid {})", *w.statement, w.sid);
}

}  // namespace

std::string policyWarningMessage(const PolicyWarning& w) {
  const std::string where = statementLabel(w);
  switch (w.code) {
    case PolicyWarningCode::kNoPrincipal:
      return fmt::format("{} has no Principal element, which an endpoint policy requires; add \"Principal\": \"*\" "
                         "and name principals with an aws:PrincipalArn condition",
                         where);
    case PolicyWarningCode::kTooLarge:
      return fmt::format("the policy is {} characters; an endpoint policy may have at most {}, white space included",
                         w.characters, policy::kEndpointPolicyMaxCharacters);
    case PolicyWarningCode::kGatewayPrincipal:
      return fmt::format("{}: {} names {}; a gateway endpoint grants to \"Principal\": \"*\" only (an account ID "
                         "grants its root user alone); use \"*\" with an aws:PrincipalArn condition",
                         where, w.key, w.value);
    case PolicyWarningCode::kIdKeyWildcard:
      return fmt::format("{}: {} {} \"{}\" has a wildcard; AWS refuses wildcards on keys that hold "
                         "system-generated IDs; list the IDs",
                         where, w.operator_text, w.key, w.value);
    case PolicyWarningCode::kIdKeyNumeric:
      return fmt::format("{}: {} on {}; AWS refuses numeric operators on keys that hold system-generated IDs; "
                         "use StringEquals with the IDs",
                         where, w.operator_text, w.key);
    case PolicyWarningCode::kShortWildcard:
      return fmt::format("{}: {} {} \"{}\": a wildcard without at least {} consecutive characters before or "
                         "after it, which AWS refuses in endpoint policies",
                         where, w.operator_text, w.key, w.value, policy::kWildcardNeighbourCharacters);
    case PolicyWarningCode::kArnAccountWildcard:
      return fmt::format("{}: the account part of {}{} mixes an account ID and a wildcard; use one or the other",
                         where, w.key.empty() ? "" : w.key + " ", w.value);
    case PolicyWarningCode::kDenyOnly:
      return "the policy has no Allow statement, and an endpoint policy grants nothing: it denies every request "
             "through the endpoint; add an Allow statement (\"Effect\": \"Allow\", \"Principal\": \"*\", "
             "\"Action\": \"*\", \"Resource\": \"*\") and keep the Deny statements to narrow it";
    case PolicyWarningCode::kDeniesAll:
      return fmt::format("{} denies every action on every resource to every principal without a condition: the "
                         "endpoint passes no request",
                         where);
  }
  return std::string(policy::policyWarningCodeName(w.code));
}

std::string policyWarningLine(const PolicyWarning& w) {
  return topology::escapeText(fmt::format("{}: {}: {}{}", w.endpoint_name, policy::policyWarningCodeName(w.code),
                                          policyWarningMessage(w), w.origin.empty() ? "" : " (at " + w.origin + ")"));
}

nlohmann::ordered_json policyWarningJson(const PolicyWarning& w) {
  nlohmann::ordered_json item;
  item["code"] = policy::policyWarningCodeName(w.code);
  item["endpoint"] = w.endpoint_id;
  item["statement"] = w.statement ? nlohmann::ordered_json(*w.statement) : nlohmann::ordered_json();
  item["sid"] = w.sid;
  item["origin"] = w.origin;
  item["key"] = w.key;
  item["operator"] = w.operator_text;
  item["value"] = w.value;
  if (w.code == PolicyWarningCode::kTooLarge) item["characters"] = w.characters;
  item["message"] = policyWarningMessage(w);
  return item;
}

}  // namespace vpcsim::reports

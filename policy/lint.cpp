// A linter for VPC endpoint policies (policy/lint.h).
//
// Source of every rule unless said otherwise: PrivateLink Guide, "Control
// access to VPC endpoints using endpoint policies", section "Considerations"
// and section "Principals for gateway endpoints".
#include "policy/lint.h"

#include <algorithm>
#include <array>
#include <iterator>

#include "policy/patterns.h"

namespace vpcsim::policy {

using topology::ConditionOperator;
using topology::EndpointType;
using topology::PolicyDocument;
using topology::PolicyEffect;
using topology::PolicyStatement;
using topology::VpcEndpoint;

namespace {

bool isWildcard(char c) { return c == '*' || c == '?'; }

bool hasWildcard(std::string_view value) { return std::any_of(value.begin(), value.end(), isWildcard); }

bool isNumeric(ConditionOperator op) {
  switch (op) {
    case ConditionOperator::kNumericEquals:
    case ConditionOperator::kNumericNotEquals:
    case ConditionOperator::kNumericLessThan:
    case ConditionOperator::kNumericLessThanEquals:
    case ConditionOperator::kNumericGreaterThan:
    case ConditionOperator::kNumericGreaterThanEquals: return true;
    default: return false;
  }
}

/// Characters of UTF-8 text (code points: bytes that do not continue one).
std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

PolicyWarning warning(PolicyWarningCode code, const VpcEndpoint& endpoint, const PolicyStatement* statement) {
  PolicyWarning out;
  out.code = code;
  out.endpoint_id = endpoint.meta.id;
  out.endpoint_name = topology::displayName(endpoint.meta);
  if (statement != nullptr) {
    out.statement = statement->index;
    out.sid = statement->sid;
    out.origin = statement->origin;
  } else if (endpoint.policy) {
    out.origin = endpoint.policy->origin;
  }
  return out;
}

/// Deny of every action on every resource to every principal, unconditional:
/// an explicit deny that no Allow overrides (IAM User Guide, "Policy
/// evaluation logic": an explicit deny in any policy overrides any allow).
bool deniesEverything(const PolicyStatement& s) {
  auto all = [](const std::vector<std::string>& items) {
    return std::find(items.begin(), items.end(), "*") != items.end();
  };
  return s.effect == PolicyEffect::kDeny && !s.not_action && all(s.actions) && s.has_resource &&
         !s.not_resource && all(s.resources) && s.has_principal && !s.not_principal && s.principals.any &&
         s.conditions.empty();
}

/// The rules on one statement's Principal, Resource and Condition elements.
void lintStatement(const VpcEndpoint& endpoint, const PolicyStatement& s, std::vector<PolicyWarning>& out) {
  // "It must contain a Principal element."
  if (!s.has_principal) out.push_back(warning(PolicyWarningCode::kNoPrincipal, endpoint, &s));
  // Principals for gateway endpoints: "you must use the aws:PrincipalArn
  // condition key to grant access to a principal"; an account as principal
  // grants the account root user only. Anything but Principal "*" is flagged.
  if (endpoint.type == EndpointType::kGateway && s.has_principal && (s.not_principal || !s.principals.any)) {
    PolicyWarning w = warning(PolicyWarningCode::kGatewayPrincipal, endpoint, &s);
    w.key = s.not_principal ? "NotPrincipal" : "Principal";
    w.value = s.principals.entries.empty() ? "*" : s.principals.entries.front().second;
    out.push_back(std::move(w));
  }
  // "When you specify an ARN in a resource or condition element, the account
  // portion of the ARN can include an account ID or a wildcard, but not both."
  for (const auto& resource : s.resources) {
    if (!hasMixedArnAccount(resource)) continue;
    PolicyWarning w = warning(PolicyWarningCode::kArnAccountWildcard, endpoint, &s);
    w.value = resource;
    out.push_back(std::move(w));
  }
  for (const auto& condition : s.conditions) {
    auto add = [&](PolicyWarningCode code, const std::string& value) {
      PolicyWarning w = warning(code, endpoint, &s);
      w.origin = condition.origin.empty() ? s.origin : condition.origin;
      w.key = condition.key;
      w.operator_text = condition.operator_text;
      w.value = value;
      out.push_back(std::move(w));
    };
    // "You can't use wildcard characters (* or ?) or numeric condition
    // operators with global context keys that reference system-generated
    // identifiers (for example, aws:PrincipalAccount or aws:SourceVpc)."
    const bool id_key = isSystemIdKey(condition.key);
    if (id_key && isNumeric(condition.op)) add(PolicyWarningCode::kIdKeyNumeric, "");
    for (const auto& value : condition.values) {
      if (id_key && condition.op != ConditionOperator::kNull && hasWildcard(value)) {
        add(PolicyWarningCode::kIdKeyWildcard, value);
      } else if (!id_key &&
                 (condition.op == ConditionOperator::kStringLike || condition.op == ConditionOperator::kStringNotLike) &&
                 hasShortWildcard(value)) {
        // "When you use a string condition operator, you must use at least six
        // consecutive characters before or after each wildcard character."
        // Only the operators where * and ? are wildcards (StringLike,
        // StringNotLike); StringEquals reads them as themselves.
        add(PolicyWarningCode::kShortWildcard, value);
      }
      if (condition.op != ConditionOperator::kNull && hasMixedArnAccount(value)) {
        add(PolicyWarningCode::kArnAccountWildcard, value);
      }
    }
  }
  if (deniesEverything(s)) out.push_back(warning(PolicyWarningCode::kDeniesAll, endpoint, &s));
}

}  // namespace

std::string_view policyWarningCodeName(PolicyWarningCode code) {
  switch (code) {
    case PolicyWarningCode::kNoPrincipal: return "ENDPOINT_POLICY_NO_PRINCIPAL";
    case PolicyWarningCode::kTooLarge: return "ENDPOINT_POLICY_TOO_LARGE";
    case PolicyWarningCode::kGatewayPrincipal: return "ENDPOINT_POLICY_GATEWAY_PRINCIPAL";
    case PolicyWarningCode::kIdKeyWildcard: return "ENDPOINT_POLICY_ID_KEY_WILDCARD";
    case PolicyWarningCode::kIdKeyNumeric: return "ENDPOINT_POLICY_ID_KEY_NUMERIC";
    case PolicyWarningCode::kShortWildcard: return "ENDPOINT_POLICY_SHORT_WILDCARD";
    case PolicyWarningCode::kArnAccountWildcard: return "ENDPOINT_POLICY_ARN_ACCOUNT_WILDCARD";
    case PolicyWarningCode::kDenyOnly: return "ENDPOINT_POLICY_DENY_ONLY";
    case PolicyWarningCode::kDeniesAll: return "ENDPOINT_POLICY_DENIES_ALL";
  }
  return "ENDPOINT_POLICY_UNKNOWN";
}

bool isSystemIdKey(std::string_view key) {
  // The guide names aws:PrincipalAccount and aws:SourceVpc as examples; the
  // others hold the same kinds of generated IDs (accounts, organizations,
  // VPCs, endpoints), and IAM rejects wildcards on aws:ResourceOrgID with
  // the same NO_WILDCARD error. Organization paths (aws:PrincipalOrgPaths,
  // aws:ResourceOrgPaths) are left out: their documented use is with
  // wildcards ("o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*").
  static constexpr std::array<std::string_view, 10> kKeys = {
      "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:ResourceAccount", "aws:ResourceOrgID",
      "aws:SourceAccount",    "aws:SourceOrgID",    "aws:SourceVpc",       "aws:SourceVpce",
      "aws:VpceAccount",      "aws:VpceOrgID",
  };
  return std::any_of(kKeys.begin(), kKeys.end(), [&](std::string_view k) { return equalsIgnoreCase(k, key); });
}

bool hasShortWildcard(std::string_view value) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!isWildcard(value[i])) continue;
    std::size_t before = 0;
    while (before < i && !isWildcard(value[i - before - 1])) ++before;
    std::size_t after = 0;
    while (i + after + 1 < value.size() && !isWildcard(value[i + after + 1])) ++after;
    if (before < kWildcardNeighbourCharacters && after < kWildcardNeighbourCharacters) return true;
  }
  return false;
}

bool hasMixedArnAccount(std::string_view value) {
  // arn:partition:service:region:account:resource
  if (value.substr(0, 4) != "arn:") return false;
  std::size_t start = 0;
  for (int field = 0; field < 4; ++field) {
    start = value.find(':', start);
    if (start == std::string_view::npos) return false;
    ++start;
  }
  const std::size_t end = value.find(':', start);
  if (end == std::string_view::npos) return false;
  const std::string_view account = value.substr(start, end - start);
  return hasWildcard(account) && !std::all_of(account.begin(), account.end(), isWildcard);
}

std::vector<PolicyWarning> lintEndpointPolicy(const VpcEndpoint& endpoint) {
  std::vector<PolicyWarning> out;
  if (!endpoint.policy) return out;
  const PolicyDocument& policy = *endpoint.policy;
  // "The size of an endpoint policy cannot exceed 20,480 characters, including
  // white space": the text as the input gave it when there is one (a snapshot's
  // PolicyDocument), else the parsed document without white space (a lower bound).
  const std::size_t size =
      endpoint.policy_document.empty() ? policy.size : std::max(policy.size, characters(endpoint.policy_document));
  if (size > kEndpointPolicyMaxCharacters) {
    PolicyWarning w = warning(PolicyWarningCode::kTooLarge, endpoint, nullptr);
    w.characters = size;
    out.push_back(std::move(w));
  }
  bool allows = false;
  bool closed = false;
  for (const auto& statement : policy.statements) {
    allows = allows || statement.effect == PolicyEffect::kAllow;
    closed = closed || deniesEverything(statement);
    lintStatement(endpoint, statement, out);
  }
  // An endpoint policy grants nothing by itself, and a request it does not
  // allow is denied (PrivateLink Guide: the default policy is the Allow-all
  // one; IAM User Guide, "Policy evaluation logic": implicit deny). A policy
  // without an Allow statement therefore denies every request through the
  // endpoint. Not said when a statement already closes the endpoint outright
  // (kDeniesAll): adding an Allow would not help there.
  if (!allows && !closed) out.push_back(warning(PolicyWarningCode::kDenyOnly, endpoint, nullptr));
  return out;
}

std::vector<PolicyWarning> lintEndpointPolicies(const topology::Topology& topology) {
  std::vector<PolicyWarning> out;
  for (const auto& endpoint : topology.vpc_endpoints) {
    std::vector<PolicyWarning> found = lintEndpointPolicy(endpoint);
    out.insert(out.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
  }
  return out;
}

}  // namespace vpcsim::policy

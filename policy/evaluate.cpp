#include "policy/evaluate.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>

#include "policy/conditions.h"
#include "policy/patterns.h"

namespace vpcsim::policy {

using topology::PolicyEffect;
using topology::PolicyPrincipals;

// ---------------------------------------------------------------------------
// Request context

namespace {

/// Lowercases a key into `buffer` when it fits (the usual case: lookups
/// allocate nothing), else into `spill`.
std::string_view lowerKey(std::string_view key, std::array<char, 128>& buffer, std::string& spill) {
  if (key.size() > buffer.size()) {
    spill = toLowerAscii(key);
    return spill;
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    buffer[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return {buffer.data(), key.size()};
}

}  // namespace

void RequestContext::set(std::string_view key, std::string value) {
  ContextValue entry;
  entry.values.push_back(std::move(value));
  entries_.insert_or_assign(toLowerAscii(key), std::move(entry));
}

void RequestContext::setMulti(std::string_view key, std::vector<std::string> values) {
  ContextValue entry;
  entry.values = std::move(values);
  entry.multivalued = true;
  entries_.insert_or_assign(toLowerAscii(key), std::move(entry));
}

void RequestContext::setUnknown(std::string_view key) {
  ContextValue entry;
  entry.state = ContextValue::State::kUnknown;
  entries_.insert_or_assign(toLowerAscii(key), std::move(entry));
}

void RequestContext::erase(std::string_view key) {
  std::array<char, 128> buffer{};
  std::string spill;
  const auto it = entries_.find(lowerKey(key, buffer, spill));
  if (it != entries_.end()) entries_.erase(it);
}

const ContextValue* RequestContext::find(std::string_view key) const {
  std::array<char, 128> buffer{};
  std::string spill;
  const auto it = entries_.find(lowerKey(key, buffer, spill));
  return it == entries_.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------
// One statement

namespace {

bool takesPrincipal(PolicyKind kind) {
  // IAM User Guide, "IAM JSON policy elements: Principal": resource-based
  // policies (and role trust policies, evaluated as resource policies)
  // name principals; identity policies, boundaries, session policies and
  // SCPs have none ("AWS Organizations User Guide, SCP syntax": no
  // Principal). RCPs take Principal "*" (Organizations, "RCP syntax");
  // endpoint policies must contain one (PrivateLink Guide, "Control access
  // to VPC endpoints using endpoint policies").
  return kind == PolicyKind::kEndpoint || kind == PolicyKind::kResource || kind == PolicyKind::kResourceControl;
}

bool isAccountId(std::string_view text) {
  return text.size() == 12 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The account an "AWS" principal entry names as a whole: "123456789012" or
/// "arn:PARTITION:iam::123456789012:root"; empty when it names one identity.
std::string_view entryAccount(std::string_view value) {
  if (isAccountId(value)) return value;
  constexpr std::string_view kRootSuffix = ":root";
  if (value.size() > 12 + kRootSuffix.size() && value.substr(0, 4) == "arn:" &&
      value.substr(value.size() - kRootSuffix.size()) == kRootSuffix) {
    const std::string_view account = value.substr(value.size() - kRootSuffix.size() - 12, 12);
    const std::string_view head = value.substr(0, value.size() - kRootSuffix.size() - 12);
    if (isAccountId(account) && head.size() >= 6 && head.substr(head.size() - 6) == ":iam::") return account;
  }
  return {};
}

bool isAnonymous(const Request& request) { return request.principal_arn.empty() && request.principal_account.empty(); }

/// Whether one Principal entry names the caller. IAM User Guide, "AWS JSON
/// policy elements: Principal": an account (ID or root ARN) stands for every
/// principal of the account; a role ARN for the role's sessions; a service
/// name for the service. Service callers carry the service principal
/// ("sagemaker.amazonaws.com") in `principal_arn` (docs/policies.md).
bool entryNames(const std::pair<std::string, std::string>& entry, const Request& request) {
  const auto& [type, value] = entry;
  if (type == "AWS") {
    if (value == "*") return true;
    const std::string_view account = entryAccount(value);
    if (!account.empty()) return !request.principal_account.empty() && account == request.principal_account;
    return !request.principal_arn.empty() && (value == request.principal_arn || value == request.session_arn);
  }
  if (type == "Service") return !request.principal_arn.empty() && equalsIgnoreCase(value, request.principal_arn);
  return !request.principal_arn.empty() && value == request.principal_arn;  // Federated, CanonicalUser
}

/// How the Principal element names the caller, the most direct way first;
/// kNone when it does not.
PrincipalGrant principalListed(const PolicyPrincipals& principals, const Request& request) {
  if (principals.any) return PrincipalGrant::kEveryone;
  PrincipalGrant best = PrincipalGrant::kNone;
  for (const auto& entry : principals.entries) {
    if (!entryNames(entry, request)) continue;
    const auto& [type, value] = entry;
    PrincipalGrant grant = PrincipalGrant::kIdentity;
    if (type == "AWS" && value == "*") grant = PrincipalGrant::kEveryone;
    else if (type == "AWS" && !entryAccount(value).empty()) grant = PrincipalGrant::kAccount;
    else if (type == "AWS" && !request.session_arn.empty() && value == request.session_arn) {
      grant = PrincipalGrant::kSession;
    }
    best = std::max(best, grant);
  }
  return best;
}

/// NotPrincipal: whether the caller is exempted, which needs every identity
/// it has listed: the account, the user or role ARN, and for a role session
/// the session ARN. IAM User Guide, "AWS JSON policy elements:
/// NotPrincipal" (Deny with NotPrincipal must list the account and, for a
/// session, both the role and the assumed-role session ARN).
Match principalExempt(const PolicyPrincipals& principals, const Request& request) {
  if (principals.any) return Match::kYes;
  if (isAnonymous(request)) return Match::kNo;
  const auto listed = [&](std::string_view type, std::string_view value) {
    return std::any_of(principals.entries.begin(), principals.entries.end(),
                       [&](const auto& entry) { return entry.first == type && entry.second == value; });
  };
  if (request.principal_account.empty()) {  // a service principal
    return matchOf(std::any_of(principals.entries.begin(), principals.entries.end(), [&](const auto& entry) {
      return entry.first == "Service" && equalsIgnoreCase(entry.second, request.principal_arn);
    }));
  }
  const bool account = std::any_of(principals.entries.begin(), principals.entries.end(), [&](const auto& entry) {
    return entry.first == "AWS" && entryAccount(entry.second) == request.principal_account;
  });
  if (!account || !listed("AWS", request.principal_arn)) return Match::kNo;
  const bool role = request.principal_arn.find(":role/") != std::string::npos;
  if (!role) return Match::kYes;
  if (!request.session_arn.empty()) return matchOf(listed("AWS", request.session_arn));
  // The session's name is not known: exempt only if the listed session is ours.
  const std::string_view role_name =
      std::string_view(request.principal_arn).substr(request.principal_arn.rfind('/') + 1);
  const std::string session_prefix = ":assumed-role/" + std::string(role_name) + "/";
  const bool some_session = std::any_of(principals.entries.begin(), principals.entries.end(), [&](const auto& e) {
    return e.first == "AWS" && e.second.find(session_prefix) != std::string::npos;
  });
  return some_session ? Match::kUnknown : Match::kNo;
}

/// Resource/NotResource against the request's resource, with policy
/// variables when the document allows them. A request for an action
/// without resource-level permissions carries "*": only a Resource "*"
/// (or a pattern of wildcards alone) names it, and a NotResource list of
/// ARNs leaves it out, so it applies (IAM User Guide, "IAM JSON policy
/// elements: Resource": such actions need "Resource": "*").
Match resourceMatches(const PolicyStatement& statement, bool variables, const Request& request,
                      std::vector<std::string>& keys_used) {
  if (!statement.has_resource) return Match::kYes;  // trust policies have no Resource
  Match any = Match::kNo;
  for (const auto& pattern : statement.resources) {
    Match one = Match::kNo;
    if (variables && hasPolicyVariable(pattern)) {
      const Substituted value = substituteVariables(pattern, request.context, keys_used);
      one = value.state == Match::kYes ? matchOf(arnMatches(value.text, request.resource, value.literal)) : value.state;
      if (value.state == Match::kNo) one = Match::kNo;  // unresolvable: this entry names nothing
    } else {
      one = matchOf(arnMatches(pattern, request.resource));
    }
    any = matchOr(any, one);
    if (any == Match::kYes) break;
  }
  return statement.not_resource ? matchNot(any) : any;
}

}  // namespace

StatementMatch matchStatement(const PolicyDocument& policy, const PolicyStatement& statement, PolicyKind kind,
                              const Request& request) {
  StatementMatch result;
  result.policy = &policy;
  result.statement = &statement;
  result.match = Match::kNo;

  // IAM User Guide, "IAM JSON policy elements: NotAction": the statement
  // applies to every action not listed.
  const bool listed = std::any_of(statement.actions.begin(), statement.actions.end(),
                                  [&](const std::string& pattern) { return actionMatches(pattern, request.action); });
  if (listed == statement.not_action) return result;

  // Policy variables only in documents of Version 2012-10-17 (IAM User
  // Guide, "IAM JSON policy elements: Version").
  const bool variables = policy.version == "2012-10-17";
  Match match = resourceMatches(statement, variables, request, result.keys_used);
  if (match == Match::kNo) return result;

  if (takesPrincipal(kind)) {
    // A statement without Principal where one is required is rejected by
    // AWS; here it names nobody (docs/policies.md).
    Match principal = Match::kNo;
    if (statement.has_principal && statement.not_principal) {
      principal = matchNot(principalExempt(statement.principals, request));
      result.grant = PrincipalGrant::kIdentity;
    } else if (statement.has_principal) {
      result.grant = principalListed(statement.principals, request);
      principal = matchOf(result.grant != PrincipalGrant::kNone);
    }
    match = matchAnd(match, principal);
    if (match == Match::kNo) return result;
  }

  // Conditions AND (IAM User Guide, "Creating a condition with multiple
  // keys or values"). Every condition is read so keys_used is complete.
  for (const auto& condition : statement.conditions) {
    match = matchAnd(match, evaluateCondition(condition, request.context, variables, result.keys_used));
  }
  result.match = match;
  return result;
}

namespace {

/// Whether a text names a context key, case-insensitively (as a condition
/// key, or inside a policy variable).
struct KeyMention {
  std::string lowered;
  bool operator()(std::string_view text) const {
    return text.size() >= lowered.size() && toLowerAscii(text).find(lowered) != std::string::npos;
  }
};

}  // namespace

bool mayReadKey(const PolicyDocument& document, std::string_view key) {
  const KeyMention mentions{toLowerAscii(key)};
  for (const auto& statement : document.statements) {
    if (std::any_of(statement.resources.begin(), statement.resources.end(), mentions)) return true;
    for (const auto& condition : statement.conditions) {
      if (mentions(condition.key) || std::any_of(condition.values.begin(), condition.values.end(), mentions)) {
        return true;
      }
    }
  }
  return false;
}

bool readsKeyOnlyAsIpRanges(const PolicyDocument& document, std::string_view key, std::vector<std::string>& values) {
  const KeyMention mentions{toLowerAscii(key)};
  const std::string& lowered = mentions.lowered;
  for (const auto& statement : document.statements) {
    if (std::any_of(statement.resources.begin(), statement.resources.end(), mentions)) return false;
    for (const auto& condition : statement.conditions) {
      if (std::any_of(condition.values.begin(), condition.values.end(), mentions)) return false;
      if (!mentions(condition.key)) continue;
      const bool ip = condition.op == topology::ConditionOperator::kIpAddress ||
                      condition.op == topology::ConditionOperator::kNotIpAddress;
      if (!ip || toLowerAscii(condition.key) != lowered) return false;
      for (const auto& value : condition.values) {
        if (value.find("${") != std::string::npos) return false;  // a policy variable: not a literal range
        values.push_back(value);
      }
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// Documents of one kind

namespace {

/// Every statement of some documents of one kind, sorted by what it does.
struct KindEval {
  Match deny = Match::kNo;   ///< some Deny applies
  Match allow = Match::kNo;  ///< some Allow applies
  /// Some Allow applies that names the caller other than through its
  /// account (resource policies: what grants within one account).
  Match allow_direct = Match::kNo;
  /// Some Allow applies that an implicit deny in the permissions boundary
  /// does not limit (resource policies within one account).
  Match allow_unbounded = Match::kNo;
  std::vector<StatementMatch> denies;        ///< Deny statements that apply
  std::vector<StatementMatch> allows;        ///< Allow statements that apply
  std::vector<StatementMatch> maybe_denies;  ///< Deny statements that may
  std::vector<StatementMatch> maybe_allows;  ///< Allow statements that may
  std::vector<std::string> keys_used;
};

/// Whether a resource-policy grant within one account holds even where the
/// permissions boundary implicitly denies. IAM User Guide, "Policy
/// evaluation logic" (resource-based policies) and the single-account flow
/// charts: an allow for an IAM user's ARN is not limited by an implicit deny
/// in its boundary; for a role, only an allow that names the role session's
/// ARN is (naming the role ARN is limited).
bool unboundedGrant(PrincipalGrant grant, const Request& request) {
  const bool user = request.principal_arn.find(":user/") != std::string::npos;
  if (user) return grant == PrincipalGrant::kEveryone || grant == PrincipalGrant::kIdentity;
  return grant == PrincipalGrant::kSession;
}

KindEval evaluateKind(const std::vector<const PolicyDocument*>& policies, PolicyKind kind, const Request& request) {
  KindEval eval;
  for (const PolicyDocument* policy : policies) {
    if (policy == nullptr) continue;
    for (const auto& statement : policy->statements) {
      StatementMatch match = matchStatement(*policy, statement, kind, request);
      for (const auto& key : match.keys_used) noteKey(eval.keys_used, key);
      if (match.match == Match::kNo) continue;
      const bool deny = statement.effect == PolicyEffect::kDeny;
      Match& slot = deny ? eval.deny : eval.allow;
      slot = matchOr(slot, match.match);
      if (!deny && match.grant != PrincipalGrant::kAccount) {
        eval.allow_direct = matchOr(eval.allow_direct, match.match);
      }
      if (!deny && unboundedGrant(match.grant, request)) {
        eval.allow_unbounded = matchOr(eval.allow_unbounded, match.match);
      }
      auto& list = match.match == Match::kYes ? (deny ? eval.denies : eval.allows)
                                              : (deny ? eval.maybe_denies : eval.maybe_allows);
      list.push_back(std::move(match));
    }
  }
  return eval;
}

void append(std::vector<StatementMatch>& to, const std::vector<StatementMatch>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

PolicyResult evaluatePolicies(const std::vector<const PolicyDocument*>& policies, PolicyKind kind,
                              const Request& request) {
  KindEval eval = evaluateKind(policies, kind, request);
  PolicyResult result;
  // IAM User Guide, "Policy evaluation logic": an explicit deny overrides
  // any allow; without an allow the request is implicitly denied.
  if (eval.deny == Match::kYes) {
    result.decision = Decision::kExplicitDeny;
    result.statements = std::move(eval.denies);
  } else if (eval.deny == Match::kUnknown) {
    // Explicit or not (or allowed) depending on an unknown key.
    result.decision = Decision::kUndetermined;
    result.statements = std::move(eval.maybe_denies);
  } else if (eval.allow == Match::kYes) {
    result.decision = Decision::kAllow;
    result.statements = std::move(eval.allows);
  } else if (eval.allow == Match::kUnknown) {
    result.decision = Decision::kUndetermined;
    result.statements = std::move(eval.maybe_allows);
  }
  return result;
}

// ---------------------------------------------------------------------------
// One request against every policy

std::string_view denyCodeName(DenyCode code) {
  switch (code) {
    case DenyCode::kNone: return "";
    case DenyCode::kEndpointPolicyDeny: return "ENDPOINT_POLICY_DENY";
    case DenyCode::kIdentityPolicyDeny: return "IDENTITY_POLICY_DENY";
    case DenyCode::kBoundaryDeny: return "BOUNDARY_DENY";
    case DenyCode::kScpDeny: return "SCP_DENY";
    case DenyCode::kRcpDeny: return "RCP_DENY";
    case DenyCode::kResourcePolicyDeny: return "RESOURCE_POLICY_DENY";
  }
  return "";
}

namespace {

/// Allow * on * to any principal: the default endpoint policy and RCPFullAWSAccess.
PolicyDocument allowEverything(std::string name) {
  PolicyDocument d;
  d.name = name;
  d.version = "2012-10-17";
  PolicyStatement s;
  s.effect = PolicyEffect::kAllow;
  s.actions = {"*"};
  s.has_resource = true;
  s.resources = {"*"};
  s.has_principal = true;
  s.principals.any = true;
  s.origin = name;
  d.statements.push_back(std::move(s));
  d.origin = std::move(name);
  return d;
}

/// The default endpoint policy (PrivateLink Guide, "Default endpoint
/// policy"): what a present endpoint without a document enforces.
const PolicyDocument& defaultEndpointPolicy() {
  static const PolicyDocument document = allowEverything("default endpoint policy");
  return document;
}

}  // namespace

const PolicyDocument& rcpFullAwsAccess() {
  static const PolicyDocument document = allowEverything("RCPFullAWSAccess");
  return document;
}

namespace {

/// One evaluated kind (one SCP level is one gate of its own).
struct Gate {
  DenyCode code = DenyCode::kNone;
  PolicyKind kind = PolicyKind::kIdentity;
  KindEval eval;
};

}  // namespace

AccessDecision decide(const PolicySet& policies, const Request& request) {
  // Every present kind, in the fixed order of DenyCode (which code an
  // explicit deny in several kinds reports).
  std::vector<Gate> gates;
  const auto add = [&](DenyCode code, PolicyKind kind, const std::vector<const PolicyDocument*>& documents) {
    gates.push_back(Gate{code, kind, evaluateKind(documents, kind, request)});
    return gates.size() - 1;
  };
  std::optional<std::size_t> endpoint;
  if (policies.endpoint) {
    const PolicyDocument* document = *policies.endpoint != nullptr ? *policies.endpoint : &defaultEndpointPolicy();
    endpoint = add(DenyCode::kEndpointPolicyDeny, PolicyKind::kEndpoint, {document});
  }
  const std::size_t identity = add(DenyCode::kIdentityPolicyDeny, PolicyKind::kIdentity, policies.identity);
  std::optional<std::size_t> boundary;
  if (policies.boundary) boundary = add(DenyCode::kBoundaryDeny, PolicyKind::kPermissionsBoundary, *policies.boundary);
  std::vector<std::size_t> scp_levels;
  if (policies.service_control) {
    for (const auto& level : *policies.service_control) {
      scp_levels.push_back(add(DenyCode::kScpDeny, PolicyKind::kServiceControl, level));
    }
  }
  std::vector<std::size_t> scp_unplaced;
  if (policies.service_control_unplaced) {
    for (const PolicyDocument* document : *policies.service_control_unplaced) {
      scp_unplaced.push_back(add(DenyCode::kScpDeny, PolicyKind::kServiceControl, {document}));
    }
  }
  std::optional<std::size_t> rcp;
  if (policies.resource_control) {
    rcp = add(DenyCode::kRcpDeny, PolicyKind::kResourceControl, *policies.resource_control);
  }
  std::optional<std::size_t> resource;
  if (policies.resource) resource = add(DenyCode::kResourcePolicyDeny, PolicyKind::kResource, *policies.resource);

  AccessDecision result;
  for (const auto& gate : gates) {
    for (const auto& key : gate.eval.keys_used) result.keys_used.push_back(key);
  }
  std::sort(result.keys_used.begin(), result.keys_used.end());
  result.keys_used.erase(std::unique(result.keys_used.begin(), result.keys_used.end()), result.keys_used.end());

  // 1. An explicit deny in any policy decides, even without the identity
  // policies (IAM User Guide, "Policy evaluation logic": "an explicit deny
  // in any of these policies overrides the allow").
  Match any_deny = Match::kNo;
  for (const auto& gate : gates) {
    any_deny = matchOr(any_deny, gate.eval.deny);
    if (gate.eval.deny != Match::kYes) continue;
    if (result.decision != Decision::kExplicitDeny) {
      result.decision = Decision::kExplicitDeny;
      result.code = gate.code;
      result.deciding_kind = gate.kind;
    }
    append(result.statements, gate.eval.denies);
  }
  if (result.decision == Decision::kExplicitDeny) return result;
  // Identity policies not in the input (an AWS managed policy, a principal
  // the input lacks) may hold a Deny too: the call cannot be allowed.
  if (!policies.identity_loaded) any_deny = matchOr(any_deny, Match::kUnknown);

  // 2. Every gate present must allow, and the principal side must.
  const auto allowOf = [&](std::size_t index) { return gates[index].eval.allow; };
  // Without the identity policies the identity allow is not known.
  const Match identity_allow =
      policies.identity_loaded ? allowOf(identity) : matchOr(allowOf(identity), Match::kUnknown);
  const Match resource_allow = resource ? allowOf(*resource) : Match::kNo;
  // Within one account an allow from either suffices; across accounts both
  // must allow (IAM User Guide, "Cross-account policy evaluation logic").
  // A resource policy that names only the caller's account delegates to
  // the account (IAM User Guide, "AWS JSON policy elements: Principal",
  // "AWS account principals"): within one account the identity policies
  // must then allow.
  const Match resource_direct = resource ? gates[*resource].eval.allow_direct : Match::kNo;
  const Match principal_side = policies.cross_account ? matchAnd(identity_allow, resource_allow)
                                                      : matchOr(identity_allow, resource_direct);
  struct Requirement {
    Match allow;
    DenyCode code;
    PolicyKind kind;
    const std::vector<const PolicyDocument*>* level = nullptr;  ///< an SCP level's policies
  };
  std::vector<Requirement> requirements;
  {
    // Which kind lacks the allow on the principal side.
    DenyCode code = DenyCode::kIdentityPolicyDeny;
    PolicyKind kind = PolicyKind::kIdentity;
    if (policies.cross_account && identity_allow != Match::kNo && resource_allow == Match::kNo) {
      code = DenyCode::kResourcePolicyDeny;
      kind = PolicyKind::kResource;
    }
    requirements.push_back({principal_side, code, kind});
  }
  // The endpoint policy grants nothing; it is the most that passes
  // (PrivateLink Guide, "Control access to VPC endpoints using endpoint
  // policies"): a Deny-only policy lets nothing through.
  if (endpoint) requirements.push_back({allowOf(*endpoint), DenyCode::kEndpointPolicyDeny, PolicyKind::kEndpoint});
  // SCPs: an allow at every level from the root to the account
  // (Organizations User Guide, "SCP evaluation").
  for (std::size_t i = 0; i < scp_levels.size(); ++i) {
    requirements.push_back(
        {allowOf(scp_levels[i]), DenyCode::kScpDeny, PolicyKind::kServiceControl, &(*policies.service_control)[i]});
  }
  // SCPs of unknown levels: each level needs one that allows, so the call
  // passes when all allow and fails when none does (every level holds at
  // least one of them); a mix depends on the levels they share.
  bool scp_levels_decide = false;
  if (!scp_unplaced.empty()) {
    bool all_allow = true;
    bool none_allows = true;
    for (const std::size_t index : scp_unplaced) {
      all_allow = all_allow && allowOf(index) == Match::kYes;
      none_allows = none_allows && allowOf(index) == Match::kNo;
    }
    scp_levels_decide = !all_allow && !none_allows;
    requirements.push_back({all_allow     ? Match::kYes
                            : none_allows ? Match::kNo
                                          : Match::kUnknown,
                            DenyCode::kScpDeny, PolicyKind::kServiceControl});
  }
  if (rcp) requirements.push_back({allowOf(*rcp), DenyCode::kRcpDeny, PolicyKind::kResourceControl});
  if (boundary) {
    Match bounded = allowOf(*boundary);
    if (resource && !policies.cross_account) bounded = matchOr(bounded, gates[*resource].eval.allow_unbounded);
    requirements.push_back({bounded, DenyCode::kBoundaryDeny, PolicyKind::kPermissionsBoundary});
  }

  Match allowed = Match::kYes;
  for (const auto& requirement : requirements) allowed = matchAnd(allowed, requirement.allow);

  if (allowed == Match::kNo) {
    // Denied whatever the unknowns are: the first kind lacking the allow.
    for (const auto& requirement : requirements) {
      if (requirement.allow != Match::kNo) continue;
      result.decision = Decision::kImplicitDeny;
      result.code = requirement.code;
      result.deciding_kind = requirement.kind;
      if (requirement.level != nullptr) result.lacking_allow = *requirement.level;
      return result;
    }
  }
  if (allowed == Match::kYes && any_deny == Match::kNo) {
    result.decision = Decision::kAllow;
    for (const auto& gate : gates) append(result.statements, gate.eval.allows);
    return result;
  }

  // 3. Undetermined: an unknown key or the missing identity policies decide.
  result.decision = Decision::kUndetermined;
  for (const auto& gate : gates) {
    append(result.statements, gate.eval.maybe_denies);
    append(result.statements, gate.eval.maybe_allows);
  }
  const auto unknown_gate = std::find_if(gates.begin(), gates.end(), [](const Gate& gate) {
    return gate.eval.deny == Match::kUnknown || gate.eval.allow == Match::kUnknown;
  });
  if (unknown_gate != gates.end()) {
    result.deciding_kind = unknown_gate->kind;
  } else if (scp_levels_decide) {
    result.deciding_kind = PolicyKind::kServiceControl;
  }
  std::vector<std::string> unknown_keys;
  for (const auto& key : result.keys_used) {
    const ContextValue* value = request.context.find(key);
    if (value != nullptr && value->state == ContextValue::State::kUnknown) unknown_keys.push_back(key);
  }
  if (!policies.identity_loaded) {
    result.deciding_kind = PolicyKind::kIdentity;
    result.missing = "the identity policies of " +
                     (request.principal_arn.empty() ? std::string("the caller") : request.principal_arn) +
                     " are not in the input";
  }
  if (scp_levels_decide) {
    if (!result.missing.empty()) result.missing += "; ";
    result.missing += "some SCPs allow the call and some do not, and the input does not say which level (root, OU, "
                      "account) each is attached at";
  }
  if (!unknown_keys.empty()) {
    std::string keys;
    for (const auto& key : unknown_keys) keys += (keys.empty() ? "" : ", ") + key;
    if (!result.missing.empty()) result.missing += "; ";
    result.missing += "the value of " + keys + " is not known";
  }
  return result;
}

}  // namespace vpcsim::policy

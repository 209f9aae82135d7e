// IAM policy evaluation: one request against typed policy documents
// (topology/iam.h), with the statements that decide. Depends on the model
// only; the request context is built by its callers (sim/ from a traced path).
// Rules: ../shared/reference/iam-semantics.md and docs/policies.md.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "topology/iam.h"

namespace vpcsim::policy {

using topology::PolicyDocument;
using topology::PolicyKind;
using topology::PolicyStatement;

/// What the request context holds for one key.
struct ContextValue {
  enum class State : uint8_t {
    kPresent,  ///< the key is in the request with `values`
    kUnknown,  ///< the key may or may not be present, or its value is not known: conditions on it are undetermined
  };
  State state = State::kPresent;
  std::vector<std::string> values;  ///< one value for single-valued keys
  bool multivalued = false;         ///< aws:CalledVia, aws:PrincipalOrgPaths, aws:TagKeys, ...
};

/// The request context: condition keys (names compare case-insensitively;
/// the part after "/" in tag keys too) -> values. A key not set is absent.
class RequestContext {
 public:
  void set(std::string_view key, std::string value);
  void setMulti(std::string_view key, std::vector<std::string> values);
  void setUnknown(std::string_view key);
  void erase(std::string_view key);
  /// nullptr when absent.
  [[nodiscard]] const ContextValue* find(std::string_view key) const;
  /// Every key set, in lowercased key order, with its value (for answers:
  /// "the context keys used, with values or absent").
  [[nodiscard]] const std::map<std::string, ContextValue, std::less<>>& entries() const { return entries_; }

 private:
  std::map<std::string, ContextValue, std::less<>> entries_;  ///< lowercased key -> value
};

/// One API call.
struct Request {
  std::string action;    ///< "ssm:GetParameter" (service prefix and name compare case-insensitively)
  std::string resource;  ///< an ARN; "*" when the action takes no resource
  /// The caller as the Principal element sees it: the role ARN for a role
  /// session (iam-semantics.md), the user ARN; empty for anonymous requests.
  std::string principal_arn;
  std::string principal_account;  ///< 12 digits; empty for anonymous requests
  /// For a role session: "arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION" when
  /// known, else empty. Only NotPrincipal reads it (a Deny exempts a session
  /// only when it lists the session, the role and the account).
  std::string session_arn;
  RequestContext context;
};

/// How one statement relates to the request.
enum class Match : uint8_t {
  kNo,       ///< does not apply (action, resource, principal or a condition rules it out)
  kYes,      ///< applies
  kUnknown,  ///< applies or not depending on a context key whose value is unknown
};

/// Three-valued logic over Match (Kleene): no AND x = no, yes OR x = yes.
[[nodiscard]] constexpr Match matchAnd(Match a, Match b) {
  if (a == Match::kNo || b == Match::kNo) return Match::kNo;
  if (a == Match::kUnknown || b == Match::kUnknown) return Match::kUnknown;
  return Match::kYes;
}
[[nodiscard]] constexpr Match matchOr(Match a, Match b) {
  if (a == Match::kYes || b == Match::kYes) return Match::kYes;
  if (a == Match::kUnknown || b == Match::kUnknown) return Match::kUnknown;
  return Match::kNo;
}
[[nodiscard]] constexpr Match matchNot(Match a) {
  if (a == Match::kUnknown) return a;
  return a == Match::kYes ? Match::kNo : Match::kYes;
}
[[nodiscard]] constexpr Match matchOf(bool b) { return b ? Match::kYes : Match::kNo; }

/// How a statement's Principal element names the caller (kinds with one).
enum class PrincipalGrant : uint8_t {
  kNone,       ///< the kind has no Principal element (identity policy, boundary, SCP)
  kAccount,    ///< only through the caller's account (the ID or its root ARN)
  kEveryone,   ///< "*" or {"AWS": "*"}
  kIdentity,   ///< the caller's own ARN (user, role, service principal), or NotPrincipal
  kSession,    ///< the role session's ARN (Request::session_arn)
};

/// One statement that applies (or may apply) to the request.
struct StatementMatch {
  const PolicyDocument* policy = nullptr;
  const PolicyStatement* statement = nullptr;
  Match match = Match::kYes;
  PrincipalGrant grant = PrincipalGrant::kNone;
  /// The context keys its conditions read, lowercased, in order of first use.
  std::vector<std::string> keys_used;
};

/// The outcome of one policy document (or one set of documents of one kind)
/// for the request.
enum class Decision : uint8_t {
  kAllow,          ///< an Allow applies and no Deny does
  kExplicitDeny,   ///< a Deny applies
  kImplicitDeny,   ///< nothing applies
  kUndetermined,   ///< depends on an unknown context key
};

struct PolicyResult {
  Decision decision = Decision::kImplicitDeny;
  /// The Deny statements that apply (explicit deny), else the Allow
  /// statements that apply; with kUndetermined, the statements that may.
  std::vector<StatementMatch> statements;
};

/// Whether one statement applies to `request`, for a policy of `kind`
/// (the Principal element is read for endpoint, resource, RCP and trust
/// policies; identity policies and SCPs have none).
StatementMatch matchStatement(const PolicyDocument& policy, const PolicyStatement& statement, PolicyKind kind,
                              const Request& request);

/// Whether evaluating `document` may read context key `key`: true when the
/// key's name (case-insensitively) appears in a condition key, a condition
/// value or a Resource/NotResource entry of some statement, which covers
/// the keys conditions name and those policy variables (`${aws:SourceVpc}`)
/// name. Conservative: a mention that reads nothing counts too. A key no
/// document may read cannot change a decision (the access matrix shares
/// decisions between paths that differ only in such keys).
bool mayReadKey(const PolicyDocument& document, std::string_view key);

/// Whether `document` reads `key` only through IpAddress / NotIpAddress
/// conditions (any set operator or IfExists) on the key itself, with
/// literal values (no policy variable): then each of its decisions depends
/// on the key's value only through which of those values contain it. The
/// values are appended to `values`. False when the key is mentioned any
/// other way (mayReadKey's search); true, appending nothing, when it is not
/// mentioned at all.
bool readsKeyOnlyAsIpRanges(const PolicyDocument& document, std::string_view key, std::vector<std::string>& values);

/// Evaluates the documents of one kind together: a Deny in any wins, else
/// an Allow in any, else implicit deny.
PolicyResult evaluatePolicies(const std::vector<const PolicyDocument*>& policies, PolicyKind kind,
                              const Request& request);

/// Every policy that bears on one request, by kind. A kind "not in the
/// input" (nullopt) differs from "in the input, none applies" (an empty
/// list): see decide().
struct PolicySet {
  std::vector<const PolicyDocument*> identity;  ///< the principal's inline and managed policies (and its groups')
  std::optional<std::vector<const PolicyDocument*>> boundary;  ///< nullopt: no permissions boundary
  /// SCPs per level, root first; nullopt: the input holds no SCPs.
  std::optional<std::vector<std::vector<const PolicyDocument*>>> service_control;
  /// SCPs whose level (root, OU, account) the input does not say; nullopt:
  /// none. An explicit Deny in any decides; the call passes them when every
  /// one allows it and fails when none does; otherwise which levels they
  /// share decides, and the answer is undetermined.
  std::optional<std::vector<const PolicyDocument*>> service_control_unplaced;
  std::optional<std::vector<const PolicyDocument*>> resource_control;  ///< nullopt: no RCPs in the input
  std::optional<std::vector<const PolicyDocument*>> resource;  ///< nullopt: no resource policy
  /// The endpoint the request goes through; nullopt: none (NAT, IGW, outside AWS).
  /// A present endpoint without a document is the default full-access policy.
  std::optional<const PolicyDocument*> endpoint;
  bool identity_loaded = true;  ///< false: the principal's identity policies are not in the input
  bool cross_account = false;   ///< the resource is in another account than the principal
};

/// The AWS managed RCP RCPFullAWSAccess (Allow * on * to any principal),
/// which AWS attaches to the root, every OU and every account once RCPs are
/// enabled and which cannot be detached (Organizations User Guide, "RCP
/// evaluation"): every RCP level allows, and only Deny statements decide.
const PolicyDocument& rcpFullAwsAccess();

/// Explanation codes of a denied call (docs/policies.md).
enum class DenyCode : uint8_t {
  kNone,
  kEndpointPolicyDeny,    ///< ENDPOINT_POLICY_DENY
  kIdentityPolicyDeny,    ///< IDENTITY_POLICY_DENY
  kBoundaryDeny,          ///< BOUNDARY_DENY
  kScpDeny,               ///< SCP_DENY
  kRcpDeny,               ///< RCP_DENY
  kResourcePolicyDeny,    ///< RESOURCE_POLICY_DENY
};
std::string_view denyCodeName(DenyCode code);

struct AccessDecision {
  Decision decision = Decision::kImplicitDeny;  ///< kAllow, kExplicitDeny, kImplicitDeny or kUndetermined
  DenyCode code = DenyCode::kNone;              ///< which kind denied
  PolicyKind deciding_kind = PolicyKind::kIdentity;
  /// The deciding statements: the deny; or for an implicit deny none (the
  /// kind that lacked an allow is `deciding_kind`); or the allows of every kind.
  std::vector<StatementMatch> statements;
  /// An implicit deny by one SCP level: that level's policies (none of
  /// which allows the call); empty otherwise.
  std::vector<const PolicyDocument*> lacking_allow;
  /// Why it is undetermined: what the input would have to hold.
  std::string missing;
  /// Every context key any policy read, lowercased, sorted.
  std::vector<std::string> keys_used;
};

/// IAM User Guide, "Policy evaluation logic", with the endpoint policy as one
/// more gate (PrivateLink Guide): an explicit deny in any policy decides;
/// then every gate that is present must allow — SCPs at each level, RCPs,
/// the endpoint policy, the permissions boundary — and the identity policy
/// or (same account) the resource policy must allow.
AccessDecision decide(const PolicySet& policies, const Request& request);

}  // namespace vpcsim::policy

// IAM in the model: policy documents as typed values (parsed once, by
// formats/iam_policy.h, from any input format) and the principals, managed
// policies, organization policies and resource policies an input holds.
// Evaluation lives in policy/ (docs/policies.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vpcsim::topology {

enum class PolicyEffect : uint8_t { kAllow, kDeny };

/// A condition operator without its qualifiers (ForAnyValue:/ForAllValues:
/// prefixes and the IfExists suffix are kept apart). IAM User Guide, "IAM
/// JSON policy elements: Condition operators".
enum class ConditionOperator : uint8_t {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kNumericEquals,
  kNumericNotEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateNotEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kBinaryEquals,
  kIpAddress,
  kNotIpAddress,
  kArnEquals,
  kArnLike,
  kArnNotEquals,
  kArnNotLike,
  kNull,
};

/// "StringEquals", "ArnNotLike", ... (the operator's name in policies).
std::string_view conditionOperatorName(ConditionOperator op);

/// ForAnyValue: / ForAllValues: (IAM User Guide, "Set operators for
/// multivalued context keys").
enum class SetOperator : uint8_t { kNone, kForAnyValue, kForAllValues };

/// One condition key under one operator: `"StringEquals": {"aws:SourceVpc": ["vpc-1"]}`.
struct PolicyCondition {
  ConditionOperator op = ConditionOperator::kStringEquals;
  SetOperator set = SetOperator::kNone;
  bool if_exists = false;
  std::string operator_text;        ///< as written: "ForAnyValue:StringEqualsIgnoreCase"
  std::string key;                  ///< as written ("aws:SourceVpc"); keys compare case-insensitively
  std::vector<std::string> values;  ///< strings; JSON booleans and numbers as their text ("true", "10")
  std::string origin;               ///< where the key is written: "p.json:/Statement/0/Condition/StringEquals/aws:SourceVpc"
};

/// The Principal or NotPrincipal element: "*" or type -> values.
struct PolicyPrincipals {
  bool any = false;  ///< "*", or {"AWS": "*"}
  /// ("AWS", "arn:aws:iam::123456789012:role/r" or "123456789012"), ("Service",
  /// "sagemaker.amazonaws.com"), ("Federated", ...), ("CanonicalUser", ...).
  std::vector<std::pair<std::string, std::string>> entries;
};

struct PolicyStatement {
  std::string sid;         ///< empty when the statement has none
  std::size_t index = 0;   ///< position in Statement, from 0
  PolicyEffect effect = PolicyEffect::kAllow;
  bool not_action = false;             ///< NotAction rather than Action
  std::vector<std::string> actions;    ///< "ssm:GetParameter", "s3:Get*", "*"
  bool has_resource = false;           ///< Resource or NotResource present (absent in trust policies)
  bool not_resource = false;
  std::vector<std::string> resources;  ///< ARNs with * and ?; "*"
  bool has_principal = false;          ///< Principal or NotPrincipal present (identity policies have none)
  bool not_principal = false;
  PolicyPrincipals principals;
  std::vector<PolicyCondition> conditions;  ///< ANDed
  std::string origin;                       ///< where the statement is written
};

/// Where a policy sits decides how it combines with the others (IAM User
/// Guide, "Policy evaluation logic"; PrivateLink Guide, "Control access to
/// VPC endpoints using endpoint policies").
enum class PolicyKind : uint8_t {
  kIdentity,             ///< inline or managed, on a role, user or group
  kPermissionsBoundary,  ///< a managed policy used as a boundary
  kServiceControl,       ///< SCP
  kResourceControl,      ///< RCP
  kResource,             ///< bucket policy, key policy, ...
  kEndpoint,             ///< VPC endpoint policy
  kSession,              ///< session policy
};

/// "identity policy", "permissions boundary", "SCP", "RCP", "resource policy",
/// "endpoint policy", "session policy".
std::string_view policyKindName(PolicyKind kind);

struct PolicyDocument {
  std::string name;     ///< "RestrictSageMakerToCIDRPolicy", a managed policy's ARN, "vpce-0abc policy"
  std::string version;  ///< "2012-10-17", "2008-10-17"; empty when absent (no policy variables then)
  std::string id;       ///< the Id element
  std::vector<PolicyStatement> statements;
  std::string origin;   ///< where the document is written: "stack.yaml:120:7", "Vpce.json:/VpcEndpoints/0/PolicyDocument"
  std::size_t size = 0; ///< characters of the JSON text, whitespace removed (the 20,480 endpoint limit)
};

/// A customer or AWS managed policy: its default version's document.
struct ManagedPolicy {
  std::string arn;   ///< "arn:aws:iam::123456789012:policy/path/name", "arn:aws:iam::aws:policy/ReadOnlyAccess"
  std::string name;
  std::string path = "/";
  std::string logical_id;  ///< CloudFormation logical ID when from a template
  PolicyDocument document;
};

enum class PrincipalKind : uint8_t { kRole, kUser, kGroup };

/// "role", "user", "group".
std::string_view principalKindName(PrincipalKind kind);

/// A role, user or group and the policies attached to it.
struct IamPrincipal {
  PrincipalKind kind = PrincipalKind::kRole;
  std::string arn;         ///< with the path: "arn:aws:iam::123456789012:role/service-role/StudioRole"
  std::string name;        ///< "StudioRole"
  std::string path = "/";
  std::string unique_id;   ///< "AROA...", when known
  std::string account;
  std::string logical_id;  ///< CloudFormation logical ID when from a template
  std::string origin;      ///< where it is written
  std::vector<PolicyDocument> inline_policies;
  std::vector<std::string> managed_policy_arns;
  std::string permissions_boundary_arn;  ///< empty: none
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<std::string> groups;       ///< users: the names of their groups
  std::optional<PolicyDocument> trust_policy;  ///< roles: AssumeRolePolicyDocument
};

/// An AWS Organizations policy (an SCP or an RCP) and where it is attached.
struct OrganizationPolicy {
  PolicyDocument document;
  /// The root ("r-..."), OU ("ou-...") or account ID it is attached to, the
  /// policy's level; empty when the input does not say.
  std::string target;
};

/// A policy on a resource (an S3 bucket policy, a KMS key policy, ...).
struct ResourcePolicy {
  std::string resource_arn;  ///< "arn:aws:s3:::bucket"
  PolicyDocument document;
};

/// Everything IAM an input holds. Each kind is "not in the input" when its
/// `*_loaded` flag is false, which differs from "loaded and empty": the
/// engine answers undetermined, or assumes the kind absent and says so
/// (docs/policies.md, "What the input must hold").
struct IamInventory {
  bool principals_loaded = false;  ///< roles/users/groups came from some input
  std::vector<IamPrincipal> principals;      ///< sorted by ARN after loading
  std::vector<ManagedPolicy> managed_policies;  ///< sorted by ARN after loading
  bool scps_loaded = false;
  std::vector<OrganizationPolicy> service_control_policies;  ///< every level that applies to the account
  bool rcps_loaded = false;
  /// Without RCPFullAWSAccess, which AWS attaches everywhere (policy/access
  /// adds it).
  std::vector<OrganizationPolicy> resource_control_policies;
  std::vector<ResourcePolicy> resource_policies;
  /// The organization the account belongs to, when the input says.
  std::string organization_id;

  [[nodiscard]] const IamPrincipal* findPrincipal(std::string_view arn) const;
  [[nodiscard]] const ManagedPolicy* findManagedPolicy(std::string_view arn) const;
};

}  // namespace vpcsim::topology

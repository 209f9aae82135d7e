// A linter for VPC endpoint policies: what AWS refuses to store, and what it
// stores but what does not do what its author meant (a Deny-only policy denies
// every request through the endpoint). Typed warnings; reports/ words them
// (docs/policies.md, "Endpoint policy lint"). Depends on the model only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "topology/iam.h"
#include "topology/model.h"

namespace vpcsim::policy {

/// What a warning is about. Sources: PrivateLink Guide, "Control access to VPC
/// endpoints using endpoint policies" (Considerations; Principals for gateway
/// endpoints), and IAM User Guide, "Policy evaluation logic".
enum class PolicyWarningCode : uint8_t {
  kNoPrincipal,           ///< a statement without Principal (an endpoint policy must contain one)
  kTooLarge,              ///< over 20,480 characters
  kGatewayPrincipal,      ///< a gateway endpoint's statement names principals (only "*" works there)
  kIdKeyWildcard,         ///< a wildcard in a value of a system-generated ID key (aws:SourceVpc, ...)
  kIdKeyNumeric,          ///< a numeric operator on a system-generated ID key
  kShortWildcard,         ///< a wildcard in a string condition without six consecutive characters beside it
  kArnAccountWildcard,    ///< an ARN whose account part mixes digits and a wildcard ("1234*")
  kDenyOnly,              ///< no Allow statement: every request through the endpoint is denied
  kDeniesAll,             ///< Deny * on * to * without a condition: the endpoint is closed
};

/// "ENDPOINT_POLICY_NO_PRINCIPAL", "ENDPOINT_POLICY_DENY_ONLY", ... (stable
/// identifiers for JSON, SARIF and tests, not sentences).
std::string_view policyWarningCodeName(PolicyWarningCode code);

/// The limit on an endpoint policy's size, in characters including white space.
inline constexpr std::size_t kEndpointPolicyMaxCharacters = 20480;

/// Six consecutive characters before or after each wildcard in a string condition.
inline constexpr std::size_t kWildcardNeighbourCharacters = 6;

/// One finding on one endpoint's policy, as typed values.
struct PolicyWarning {
  PolicyWarningCode code = PolicyWarningCode::kNoPrincipal;
  std::string endpoint_id;               ///< "vpce-0abc"
  std::string endpoint_name;             ///< topology::displayName: "vpce-0abc (VPCEndpointSSM)"
  std::optional<std::size_t> statement;  ///< index in Statement; nullopt for the whole document
  std::string sid;                       ///< the statement's Sid, empty when none (or no statement)
  std::string origin;                    ///< where: the condition key, the statement, or the document
  std::string key;                       ///< the condition key (kIdKey*, kShortWildcard, kArnAccountWildcard in a condition)
  std::string operator_text;             ///< the condition operator as written (kIdKeyNumeric, kShortWildcard)
  std::string value;                     ///< the value at fault: a condition value, an ARN, a principal
  std::size_t characters = 0;            ///< kTooLarge: the policy's size
};

/// True for the global keys whose values are identifiers AWS generates
/// (accounts, organizations, VPCs, endpoints): aws:PrincipalAccount,
/// aws:SourceVpc, ... Case-insensitive.
bool isSystemIdKey(std::string_view key);

/// True when a wildcard (* or ?) in `value` has fewer than six consecutive
/// non-wildcard characters both before and after it.
bool hasShortWildcard(std::string_view value);

/// True when `value` is an ARN whose account part holds a wildcard and
/// something else ("arn:aws:s3:us-east-1:1234*:..."); "*" alone is fine.
bool hasMixedArnAccount(std::string_view value);

/// The policy's findings: the size first, then statement by statement (rule
/// order within one), then Deny-only; empty when the endpoint has no policy of
/// its own (the default full-access policy).
std::vector<PolicyWarning> lintEndpointPolicy(const topology::VpcEndpoint& endpoint);

/// Every endpoint's findings, in the topology's endpoint order.
std::vector<PolicyWarning> lintEndpointPolicies(const topology::Topology& topology);

}  // namespace vpcsim::policy

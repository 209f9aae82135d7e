// One condition (operator, key, values) against the request context, with
// the missing-key rules of ../shared/reference/iam-semantics.md. IAM User
// Guide, "IAM JSON policy elements: Condition operators" and "Set operators
// for multivalued context keys".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/evaluate.h"

namespace vpcsim::policy {

/// Evaluates one condition. `variables`: substitute policy variables in the
/// values (documents of Version "2012-10-17"). The key read (and any
/// variable keys) are appended to `keys_used`, lowercased.
Match evaluateCondition(const topology::PolicyCondition& condition, const RequestContext& context, bool variables,
                        std::vector<std::string>& keys_used);

/// Whether the operator is one of the negated forms (StringNotEquals,
/// NotIpAddress, ArnNotLike, ...): true when the key is absent.
[[nodiscard]] bool isNegatedOperator(topology::ConditionOperator op);

/// Parsers the operators use, exposed for tests.
/// A decimal number ("10", "-2.5", "1e3"); nullopt when not a number.
[[nodiscard]] std::optional<double> parseNumber(std::string_view text);
/// ISO 8601 ("2020-01-01", "2020-01-01T10:00:00Z", "...T10:00:00.5+02:00")
/// or epoch seconds ("1577836800"), as seconds since 1970-01-01 UTC.
[[nodiscard]] std::optional<double> parseDate(std::string_view text);
/// An IPv4 or IPv6 address or CIDR block: 16 bytes (IPv4 in the first 4)
/// and a prefix length; an address alone is /32 or /128.
struct IpBlock {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  int prefix = 0;
};
[[nodiscard]] std::optional<IpBlock> parseIpBlock(std::string_view text);
/// Whether `address` (a /32 or /128 block) lies in `block`.
[[nodiscard]] bool ipInBlock(const IpBlock& block, const IpBlock& address);
/// Standard base64 (padding optional) to bytes; nullopt when invalid.
[[nodiscard]] std::optional<std::string> decodeBase64(std::string_view text);

}  // namespace vpcsim::policy

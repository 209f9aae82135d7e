// Matching of the names a policy writes with wildcards: actions, resource
// ARNs, condition values; and policy-variable substitution. Used by the
// evaluator (policy/evaluate.cpp) and tested on their own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/evaluate.h"

namespace vpcsim::policy {

/// `pattern` with `*` (any run, empty too) and `?` (one character) against
/// `text`, the whole of it. `literal`, when not empty, has one character per
/// pattern character: '1' where the character is literal text (what `${*}`
/// and `${?}` produced, and substituted variable values), '0' elsewhere.
/// IAM User Guide, "IAM JSON policy elements: Resource" (wildcards) and
/// "Condition operators" (StringLike).
[[nodiscard]] bool wildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case,
                                 std::string_view literal = {});

/// An Action/NotAction entry against "service:Name": case-insensitive, with
/// wildcards; "*" matches every action. IAM User Guide, "IAM JSON policy
/// elements: Action" ("action names are case insensitive").
[[nodiscard]] bool actionMatches(std::string_view pattern, std::string_view action);

/// An ARN pattern against an ARN, case-sensitively. The first five
/// `:`-separated fields (arn, partition, service, region, account) are each
/// matched alone, so a `*` there does not cross a `:`; the rest (the
/// resource part, which may hold `:` and `/`) is one field in which a `*`
/// spans both. "*" matches everything. A pattern starting "arn:" with fewer
/// than six fields, or against a value with fewer, matches nothing; a
/// pattern that is no ARN ("*?", a placeholder) matches as plain text.
/// IAM User Guide, "IAM JSON policy elements: Resource" ("you can use
/// wildcard characters within the individual segments of an ARN"), and
/// "Condition operators" (ARN condition operators).
[[nodiscard]] bool arnMatches(std::string_view pattern, std::string_view arn, std::string_view literal = {});

/// A policy value after policy-variable substitution.
struct Substituted {
  /// kYes: `text` holds the value; kNo: a variable has no value and no
  /// default (the value matches nothing); kUnknown: a variable's key is
  /// unknown in the context.
  Match state = Match::kYes;
  std::string text;
  std::string literal;  ///< empty, or one '0'/'1' per character of `text` (see wildcardMatch)
};

/// Whether `value` holds a policy variable (`${...}`).
[[nodiscard]] bool hasPolicyVariable(std::string_view value);

/// Replaces `${key}` by the key's value in `context`, `${key, 'default'}` by
/// the value or else the default, and `${*}`, `${?}`, `${$}` by the literal
/// character. A key absent from the context (or with several values) and
/// no default leaves the value unresolvable. The keys read are appended to
/// `keys_used` (lowercased). IAM User Guide, "IAM policy elements: Variables
/// and tags" (only for documents whose Version is "2012-10-17").
[[nodiscard]] Substituted substituteVariables(std::string_view value, const RequestContext& context,
                                              std::vector<std::string>& keys_used);

/// ASCII lowercase copy (condition keys, action names).
[[nodiscard]] std::string toLowerAscii(std::string_view text);
/// ASCII case-insensitive equality.
[[nodiscard]] bool equalsIgnoreCase(std::string_view a, std::string_view b);
/// Appends `key` (already lowercased) to `keys` unless it is there.
void noteKey(std::vector<std::string>& keys, std::string key);

}  // namespace vpcsim::policy

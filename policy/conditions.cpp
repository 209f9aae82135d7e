#include "policy/conditions.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "policy/patterns.h"

namespace vpcsim::policy {

using topology::ConditionOperator;
using topology::PolicyCondition;
using topology::SetOperator;

namespace {

bool isDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int> parseFixed(std::string_view text) {
  if (!isDigits(text)) return std::nullopt;
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t daysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/// The operator the negated forms negate, and whether `op` is one.
struct BaseOperator {
  ConditionOperator op;
  bool negated;
};

BaseOperator baseOf(ConditionOperator op) {
  switch (op) {
    case ConditionOperator::kStringNotEquals: return {ConditionOperator::kStringEquals, true};
    case ConditionOperator::kStringNotEqualsIgnoreCase: return {ConditionOperator::kStringEqualsIgnoreCase, true};
    case ConditionOperator::kStringNotLike: return {ConditionOperator::kStringLike, true};
    case ConditionOperator::kNumericNotEquals: return {ConditionOperator::kNumericEquals, true};
    case ConditionOperator::kDateNotEquals: return {ConditionOperator::kDateEquals, true};
    case ConditionOperator::kNotIpAddress: return {ConditionOperator::kIpAddress, true};
    case ConditionOperator::kArnNotEquals: return {ConditionOperator::kArnEquals, true};
    case ConditionOperator::kArnNotLike: return {ConditionOperator::kArnLike, true};
    default: return {op, false};
  }
}

/// String and ARN operators take policy variables (IAM User Guide, "Where
/// you can use policy variables": the Resource element and string
/// comparisons in Condition; ARN operators compare strings too).
bool takesVariables(ConditionOperator base) {
  switch (base) {
    case ConditionOperator::kStringEquals:
    case ConditionOperator::kStringEqualsIgnoreCase:
    case ConditionOperator::kStringLike:
    case ConditionOperator::kArnEquals:
    case ConditionOperator::kArnLike: return true;
    default: return false;
  }
}

template <typename T>
bool compareOrdered(ConditionOperator base, T request, T policy) {
  switch (base) {
    case ConditionOperator::kNumericEquals:
    case ConditionOperator::kDateEquals: return request == policy;
    case ConditionOperator::kNumericLessThan:
    case ConditionOperator::kDateLessThan: return request < policy;
    case ConditionOperator::kNumericLessThanEquals:
    case ConditionOperator::kDateLessThanEquals: return request <= policy;
    case ConditionOperator::kNumericGreaterThan:
    case ConditionOperator::kDateGreaterThan: return request > policy;
    case ConditionOperator::kNumericGreaterThanEquals:
    case ConditionOperator::kDateGreaterThanEquals: return request >= policy;
    default: return false;
  }
}

bool isBoolText(std::string_view text) { return equalsIgnoreCase(text, "true") || equalsIgnoreCase(text, "false"); }

/// Whether one request value satisfies the positive `base` operator with one
/// policy value. Values that do not parse for the operator's type match
/// nothing (IAM User Guide, "Condition operators": the types).
bool matchOne(ConditionOperator base, std::string_view policy, std::string_view literal, std::string_view request) {
  switch (base) {
    case ConditionOperator::kStringEquals: return policy == request;
    case ConditionOperator::kStringEqualsIgnoreCase: return equalsIgnoreCase(policy, request);
    case ConditionOperator::kStringLike: return wildcardMatch(policy, request, false, literal);
    case ConditionOperator::kNumericEquals:
    case ConditionOperator::kNumericLessThan:
    case ConditionOperator::kNumericLessThanEquals:
    case ConditionOperator::kNumericGreaterThan:
    case ConditionOperator::kNumericGreaterThanEquals: {
      const auto p = parseNumber(policy);
      const auto r = parseNumber(request);
      return p && r && compareOrdered(base, *r, *p);
    }
    case ConditionOperator::kDateEquals:
    case ConditionOperator::kDateLessThan:
    case ConditionOperator::kDateLessThanEquals:
    case ConditionOperator::kDateGreaterThan:
    case ConditionOperator::kDateGreaterThanEquals: {
      const auto p = parseDate(policy);
      const auto r = parseDate(request);
      return p && r && compareOrdered(base, *r, *p);
    }
    case ConditionOperator::kBool:
      return isBoolText(policy) && isBoolText(request) && equalsIgnoreCase(policy, request);
    case ConditionOperator::kBinaryEquals: {
      const auto p = decodeBase64(policy);
      const auto r = decodeBase64(request);
      return p && r && *p == *r;
    }
    case ConditionOperator::kIpAddress: {
      const auto block = parseIpBlock(policy);
      const auto address = parseIpBlock(request);
      return block && address && ipInBlock(*block, *address);
    }
    // ArnEquals and ArnLike behave alike: IAM User Guide, "Amazon Resource
    // Name (ARN) condition operators" (both take wildcards per field).
    case ConditionOperator::kArnEquals:
    case ConditionOperator::kArnLike: return arnMatches(policy, request, literal);
    default: return false;
  }
}

/// A policy value ready to compare: substituted when it holds variables.
struct PreparedValue {
  const std::string* original = nullptr;
  Substituted substituted;
  bool has_substitution = false;

  [[nodiscard]] Match state() const { return has_substitution ? substituted.state : Match::kYes; }
  [[nodiscard]] std::string_view text() const { return has_substitution ? substituted.text : *original; }
  [[nodiscard]] std::string_view literal() const {
    return has_substitution ? std::string_view(substituted.literal) : std::string_view();
  }
};

/// Whether one request value satisfies the positive operator with any policy value (the values OR).
Match anyValueMatches(ConditionOperator base, const std::vector<PreparedValue>& values, std::string_view request) {
  Match result = Match::kNo;
  for (const auto& value : values) {
    const Match state = value.state();
    if (state == Match::kNo) continue;  // unresolvable variable: this value matches nothing
    const Match one = state == Match::kUnknown ? Match::kUnknown : matchOf(matchOne(base, value.text(), value.literal(), request));
    result = matchOr(result, one);
    if (result == Match::kYes) break;
  }
  return result;
}

}  // namespace

bool isNegatedOperator(ConditionOperator op) { return baseOf(op).negated; }

std::optional<double> parseNumber(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<double> parseDate(std::string_view text) {
  if (isDigits(text) || (text.size() > 1 && text.front() == '-' && isDigits(text.substr(1)))) {
    return parseNumber(text);  // epoch seconds (IAM User Guide, "Date condition operators")
  }
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto year = parseFixed(text.substr(0, 4));
  const auto month = parseFixed(text.substr(5, 2));
  const auto day = parseFixed(text.substr(8, 2));
  if (!year || !month || !day || *month < 1 || *month > 12 || *day < 1 || *day > 31) return std::nullopt;
  double seconds = static_cast<double>(daysFromCivil(*year, *month, *day)) * 86400.0;
  std::string_view rest = text.substr(10);
  if (rest.empty()) return seconds;
  if (rest.front() != 'T' && rest.front() != 't') return std::nullopt;
  rest.remove_prefix(1);
  if (rest.size() < 5 || rest[2] != ':') return std::nullopt;
  const auto hour = parseFixed(rest.substr(0, 2));
  const auto minute = parseFixed(rest.substr(3, 2));
  if (!hour || !minute || *hour > 23 || *minute > 59) return std::nullopt;
  seconds += *hour * 3600.0 + *minute * 60.0;
  rest.remove_prefix(5);
  if (rest.size() >= 3 && rest[0] == ':') {
    const auto second = parseFixed(rest.substr(1, 2));
    if (!second || *second > 60) return std::nullopt;
    seconds += *second;
    rest.remove_prefix(3);
    if (!rest.empty() && rest[0] == '.') {
      std::size_t digits = 1;
      while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
      if (digits == 1) return std::nullopt;
      const auto fraction = parseNumber(std::string("0").append(rest.substr(0, digits)));
      seconds += fraction.value_or(0);
      rest.remove_prefix(digits);
    }
  }
  if (rest.empty() || rest == "Z" || rest == "z") return seconds;
  if (rest.front() != '+' && rest.front() != '-') return std::nullopt;
  const double sign = rest.front() == '+' ? 1.0 : -1.0;
  rest.remove_prefix(1);
  std::optional<int> off_h;
  std::optional<int> off_m;
  if (rest.size() == 5 && rest[2] == ':') {
    off_h = parseFixed(rest.substr(0, 2));
    off_m = parseFixed(rest.substr(3, 2));
  } else if (rest.size() == 4) {
    off_h = parseFixed(rest.substr(0, 2));
    off_m = parseFixed(rest.substr(2, 2));
  } else if (rest.size() == 2) {
    off_h = parseFixed(rest);
    off_m = 0;
  }
  if (!off_h || !off_m) return std::nullopt;
  return seconds - sign * (*off_h * 3600.0 + *off_m * 60.0);  // local time minus its offset is UTC
}

std::optional<IpBlock> parseIpBlock(std::string_view text) {
  IpBlock block;
  const std::size_t slash = text.find('/');
  const std::string address(text.substr(0, slash));
  block.v6 = address.find(':') != std::string::npos;
  if (inet_pton(block.v6 ? AF_INET6 : AF_INET, address.c_str(), block.bytes.data()) != 1) return std::nullopt;
  const int max = block.v6 ? 128 : 32;
  block.prefix = max;
  if (slash != std::string_view::npos) {
    const auto prefix = parseFixed(text.substr(slash + 1));
    if (!prefix || *prefix > max || text.size() - slash - 1 > 3) return std::nullopt;
    block.prefix = *prefix;
  }
  return block;
}

bool ipInBlock(const IpBlock& block, const IpBlock& address) {
  if (block.v6 != address.v6) return false;
  int bits = block.prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((block.bytes[i] & mask) != (address.bytes[i] & mask)) return false;
  }
  return true;
}

std::optional<std::string> decodeBase64(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    uint32_t v = 0;
    if (c >= 'A' && c <= 'Z') v = static_cast<uint32_t>(c - 'A');
    else if (c >= 'a' && c <= 'z') v = static_cast<uint32_t>(c - 'a' + 26);
    else if (c >= '0' && c <= '9') v = static_cast<uint32_t>(c - '0' + 52);
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else return std::nullopt;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if (bits >= 6) return std::nullopt;  // a lone trailing character
  return out;
}

Match evaluateCondition(const PolicyCondition& condition, const RequestContext& context, bool variables,
                        std::vector<std::string>& keys_used) {
  noteKey(keys_used, toLowerAscii(condition.key));
  const ContextValue* found = context.find(condition.key);
  if (found != nullptr && found->state == ContextValue::State::kUnknown) return Match::kUnknown;
  const bool absent = found == nullptr || found->values.empty();

  // Null: "true" holds when the key is absent (or null: an empty list),
  // "false" when present. IAM User Guide, "Condition operator to check
  // existence of condition keys".
  if (condition.op == ConditionOperator::kNull) {
    for (const auto& value : condition.values) {
      if ((equalsIgnoreCase(value, "true") && absent) || (equalsIgnoreCase(value, "false") && !absent)) {
        return Match::kYes;
      }
    }
    return Match::kNo;
  }

  // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
  const auto base_and_negated = baseOf(condition.op);
  const ConditionOperator base = base_and_negated.op;
  const bool negated = base_and_negated.negated;
  if (absent) {
    // IAM User Guide, "Condition operators" (key not present: positive
    // false, negated true), "...IfExists condition operators" (true when
    // absent), "Set operators for multivalued context keys" (ForAllValues
    // true for a missing or empty key, ForAnyValue false).
    if (condition.if_exists) return Match::kYes;
    if (condition.set == SetOperator::kForAllValues) return Match::kYes;
    if (condition.set == SetOperator::kForAnyValue) return Match::kNo;
    return matchOf(negated);
  }

  std::vector<PreparedValue> values(condition.values.size());
  const bool substitute = variables && takesVariables(base);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i].original = &condition.values[i];
    if (substitute && hasPolicyVariable(condition.values[i])) {
      values[i].substituted = substituteVariables(condition.values[i], context, keys_used);
      values[i].has_substitution = true;
    }
  }
  // One request value satisfies the operator: the positive operator with
  // any value (the values OR); a negated operator when it matches none.
  const auto satisfies = [&](std::string_view request) {
    const Match any = anyValueMatches(base, values, request);
    return negated ? matchNot(any) : any;
  };
  if (condition.set == SetOperator::kForAllValues) {
    Match result = Match::kYes;
    for (const auto& request : found->values) result = matchAnd(result, satisfies(request));
    return result;
  }
  if (condition.set == SetOperator::kForAnyValue) {
    Match result = Match::kNo;
    for (const auto& request : found->values) result = matchOr(result, satisfies(request));
    return result;
  }
  // No set operator: a single-valued key has one value. For a multivalued
  // key the positive operator holds when any request value matches, a
  // negated one when none does (docs/policies.md).
  Match any = Match::kNo;
  for (const auto& request : found->values) any = matchOr(any, anyValueMatches(base, values, request));
  return negated ? matchNot(any) : any;
}

}  // namespace vpcsim::policy

#include "policy/patterns.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace vpcsim::policy {

namespace {

constexpr char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// The positions of the first five ':' of an ARN (six fields), or false
/// when there are fewer.
bool splitArn(std::string_view text, std::array<std::size_t, 5>& colons) {
  std::size_t from = 0;
  for (auto& colon : colons) {
    colon = text.find(':', from);
    if (colon == std::string_view::npos) return false;
    from = colon + 1;
  }
  return true;
}

}  // namespace

std::string toLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lowerAscii(c);
  return out;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lowerAscii(x) == lowerAscii(y); });
}

void noteKey(std::vector<std::string>& keys, std::string key) {
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
}

bool wildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case, std::string_view literal) {
  const auto special = [&](std::size_t i, char c) {
    return pattern[i] == c && (literal.empty() || literal[i] == '0');
  };
  const auto same = [&](char a, char b) { return ignore_case ? lowerAscii(a) == lowerAscii(b) : a == b; };
  // Greedy with one backtrack point (the last '*'): linear for patterns
  // with one star, O(pattern x text) at worst; never exponential.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && special(p, '*')) {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && (special(p, '?') || same(pattern[p], text[t]))) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && special(p, '*')) ++p;
  return p == pattern.size();
}

bool actionMatches(std::string_view pattern, std::string_view action) {
  return pattern == "*" || wildcardMatch(pattern, action, /*ignore_case=*/true);
}

bool arnMatches(std::string_view pattern, std::string_view arn, std::string_view literal) {
  if (pattern == "*" && (literal.empty() || literal[0] == '0')) return true;
  std::array<std::size_t, 5> p_colons{};
  std::array<std::size_t, 5> a_colons{};
  if (!splitArn(pattern, p_colons) || !splitArn(arn, a_colons)) {
    // An ARN pattern cut short, or a request value that is no ARN (the
    // "*" of an action without resource-level permissions), matches
    // nothing; a pattern that is no ARN at all matches as plain text.
    if (pattern.substr(0, 4) == "arn:") return false;
    return wildcardMatch(pattern, arn, false, literal);
  }
  std::size_t p_from = 0;
  std::size_t a_from = 0;
  for (std::size_t field = 0; field <= 5; ++field) {
    const std::size_t p_end = field < 5 ? p_colons[field] : pattern.size();
    const std::size_t a_end = field < 5 ? a_colons[field] : arn.size();
    const std::string_view mask = literal.empty() ? literal : literal.substr(p_from, p_end - p_from);
    if (!wildcardMatch(pattern.substr(p_from, p_end - p_from), arn.substr(a_from, a_end - a_from), false, mask)) {
      return false;
    }
    p_from = p_end + 1;
    a_from = a_end + 1;
  }
  return true;
}

bool hasPolicyVariable(std::string_view value) { return value.find("${") != std::string_view::npos; }

Substituted substituteVariables(std::string_view value, const RequestContext& context,
                                std::vector<std::string>& keys_used) {
  Substituted out;
  out.text.reserve(value.size());
  out.literal.reserve(value.size());
  const auto append = [&](std::string_view text, char literal) {
    out.text += text;
    out.literal.append(text.size(), literal);
  };
  std::size_t i = 0;
  while (i < value.size()) {
    const std::size_t open = value.find("${", i);
    const std::size_t close = open == std::string_view::npos ? open : value.find('}', open + 2);
    if (close == std::string_view::npos) {  // no (complete) variable left: the rest is text
      append(value.substr(i), '0');
      break;
    }
    append(value.substr(i, open - i), '0');
    std::string_view inside = value.substr(open + 2, close - open - 2);
    i = close + 1;
    if (inside == "*" || inside == "?" || inside == "$") {
      append(inside, '1');
      continue;
    }
    // ${key, 'default'}: IAM User Guide, "Specifying default values".
    std::string_view key = inside;
    std::string_view fallback;
    bool has_default = false;
    if (const std::size_t comma = inside.find(','); comma != std::string_view::npos) {
      key = inside.substr(0, comma);
      std::string_view rest = inside.substr(comma + 1);
      const std::size_t q1 = rest.find('\'');
      const std::size_t q2 = q1 == std::string_view::npos ? q1 : rest.find('\'', q1 + 1);
      if (q2 != std::string_view::npos) {
        fallback = rest.substr(q1 + 1, q2 - q1 - 1);
        has_default = true;
      }
    }
    while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    noteKey(keys_used, toLowerAscii(key));
    const ContextValue* found = context.find(key);
    if (found != nullptr && found->state == ContextValue::State::kUnknown) {
      out.state = Match::kUnknown;  // keep scanning: a later unresolvable variable decides kNo
      continue;
    }
    // A multivalued key cannot be a policy variable (IAM User Guide, "Where
    // you can use policy variables": only single-valued keys).
    if (found != nullptr && !found->multivalued && found->values.size() == 1) {
      append(found->values.front(), '1');
    } else if (has_default) {
      append(fallback, '1');
    } else {
      out.state = Match::kNo;
      return out;
    }
  }
  return out;
}

}  // namespace vpcsim::policy

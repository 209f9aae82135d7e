#include "formats/iam_policy.h"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

#include "formats/json_text.h"
#include "topology/suggest.h"

namespace vpcsim::formats {
namespace {

using nlohmann::json;
using topology::ConditionOperator;
using topology::Diagnostic;
using topology::PolicyCondition;
using topology::PolicyDocument;
using topology::PolicyEffect;
using topology::PolicyPrincipals;
using topology::PolicyStatement;
using topology::SetOperator;

// Every condition operator by name (IAM User Guide, "IAM JSON policy
// elements: Condition operators").
constexpr std::array<ConditionOperator, 27> kOperators = {
    ConditionOperator::kStringEquals,          ConditionOperator::kStringNotEquals,
    ConditionOperator::kStringEqualsIgnoreCase, ConditionOperator::kStringNotEqualsIgnoreCase,
    ConditionOperator::kStringLike,            ConditionOperator::kStringNotLike,
    ConditionOperator::kNumericEquals,         ConditionOperator::kNumericNotEquals,
    ConditionOperator::kNumericLessThan,       ConditionOperator::kNumericLessThanEquals,
    ConditionOperator::kNumericGreaterThan,    ConditionOperator::kNumericGreaterThanEquals,
    ConditionOperator::kDateEquals,            ConditionOperator::kDateNotEquals,
    ConditionOperator::kDateLessThan,          ConditionOperator::kDateLessThanEquals,
    ConditionOperator::kDateGreaterThan,       ConditionOperator::kDateGreaterThanEquals,
    ConditionOperator::kBool,                  ConditionOperator::kBinaryEquals,
    ConditionOperator::kIpAddress,             ConditionOperator::kNotIpAddress,
    ConditionOperator::kArnEquals,             ConditionOperator::kArnLike,
    ConditionOperator::kArnNotEquals,          ConditionOperator::kArnNotLike,
    ConditionOperator::kNull,
};

class PolicyParser {
 public:
  PolicyParser(const std::string& origin, std::vector<Diagnostic>& errors) : origin_(origin), errors_(errors) {}

  std::optional<PolicyDocument> parse(const json& document, std::string name) {
    PolicyDocument out;
    out.name = std::move(name);
    out.origin = origin_;
    // Strings a YAML escape made invalid UTF-8 are counted, not refused here.
    out.size = document.dump(-1, ' ', false, json::error_handler_t::replace).size();
    if (!document.is_object()) {
      fail("", fmt::format("a policy document is a JSON object, not {}", describeType(document)));
      return std::nullopt;
    }
    for (const auto& [key, value] : document.items()) {
      const std::string at = child("", key);
      if (key == "Version") {
        if (auto text = string(value, at)) {
          out.version = *text;
          if (out.version != "2012-10-17" && out.version != "2008-10-17") {
            fail(at, fmt::format("Version must be 2012-10-17 or 2008-10-17, not '{}'", out.version));
          }
        }
      } else if (key == "Id") {
        if (auto text = string(value, at)) out.id = *text;
      } else if (key == "Statement") {
        if (value.is_array()) {
          for (std::size_t i = 0; i < value.size(); ++i) {
            statement(value[i], child(at, i), i, out.statements);
          }
        } else {
          statement(value, at, 0, out.statements);
        }
      } else {
        static const std::vector<std::string_view> kDocumentElements = {"Version", "Id", "Statement"};
        fail(at, fmt::format("unknown policy element '{}'{}", key, topology::didYouMean(key, kDocumentElements)));
      }
    }
    if (!document.contains("Statement")) fail("", "a policy document needs a Statement");
    if (!ok_) return std::nullopt;
    return out;
  }

 private:
  // The place of an element: the document's origin, then the element's JSON
  // pointer (continuing a JSON pointer origin, after a space otherwise).
  std::string place(const std::string& pointer) const {
    if (pointer.empty()) return origin_;
    bool pointer_origin = origin_.find(":/") != std::string::npos;
    return pointer_origin ? origin_ + pointer : origin_ + " " + pointer;
  }

  void fail(const std::string& pointer, std::string message, std::string code = "bad-policy") {
    ok_ = false;
    errors_.push_back(Diagnostic{std::move(code), std::move(message), place(pointer)});
  }

  std::optional<std::string> string(const json& value, const std::string& at) {
    if (value.is_string()) return value.get<std::string>();
    fail(at, fmt::format("expected a string, not {}", describeType(value)));
    return std::nullopt;
  }

  // A string or a list of strings (Action, Resource, principal values).
  std::vector<std::string> strings(const json& value, const std::string& at) {
    std::vector<std::string> out;
    if (value.is_string()) {
      out.push_back(value.get<std::string>());
    } else if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (auto text = string(value[i], child(at, i))) out.push_back(std::move(*text));
      }
    } else {
      fail(at, fmt::format("expected a string or a list of strings, not {}", describeType(value)));
    }
    return out;
  }

  // Condition values: strings, booleans and numbers (kept as their text), or a list of them.
  std::vector<std::string> conditionValues(const json& value, const std::string& at) {
    std::vector<std::string> out;
    auto one = [&](const json& item, const std::string& item_at) {
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      } else if (item.is_boolean() || item.is_number()) {
        out.push_back(item.dump());
      } else {
        fail(item_at, fmt::format("a condition value is a string, boolean or number, not {}", describeType(item)));
      }
    };
    if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i) one(value[i], child(at, i));
    } else {
      one(value, at);
    }
    return out;
  }

  std::optional<PolicyPrincipals> principals(const json& value, const std::string& at) {
    PolicyPrincipals out;
    if (value.is_string()) {
      if (value.get<std::string>() != "*") {
        fail(at, "a Principal given as a string must be \"*\"; name principals as {\"AWS\": [ARN, ...]}");
        return std::nullopt;
      }
      out.any = true;
      return out;
    }
    if (!value.is_object()) {
      fail(at, fmt::format("a Principal is \"*\" or an object, not {}", describeType(value)));
      return std::nullopt;
    }
    static const std::vector<std::string_view> kTypes = {"AWS", "Service", "Federated", "CanonicalUser"};
    for (const auto& [type, names] : value.items()) {
      const std::string type_at = child(at, type);
      if (std::find(kTypes.begin(), kTypes.end(), type) == kTypes.end()) {
        fail(type_at, fmt::format("unknown principal type '{}'{}", type, topology::didYouMean(type, kTypes)));
        continue;
      }
      for (auto& name : strings(names, type_at)) {
        if (type == "AWS" && name == "*") out.any = true;
        out.entries.emplace_back(type, std::move(name));
      }
    }
    return out;
  }

  void condition(const json& value, const std::string& at, std::vector<PolicyCondition>& out) {
    if (!value.is_object()) {
      fail(at, fmt::format("Condition is an object of operators, not {}", describeType(value)));
      return;
    }
    for (const auto& [operator_text, keys] : value.items()) {
      const std::string op_at = child(at, operator_text);
      PolicyCondition base;
      base.operator_text = operator_text;
      std::string_view name = operator_text;
      // IAM User Guide, "Set operators for multivalued context keys".
      for (auto [prefix, set] : {std::pair{std::string_view("ForAnyValue:"), SetOperator::kForAnyValue},
                                 std::pair{std::string_view("ForAllValues:"), SetOperator::kForAllValues}}) {
        if (name.substr(0, prefix.size()) == prefix) {
          base.set = set;
          name.remove_prefix(prefix.size());
        }
      }
      // "...IfExists" on any operator but Null (IAM User Guide, "...IfExists
      // condition operators").
      constexpr std::string_view kIfExists = "IfExists";
      if (name.size() > kIfExists.size() && name.substr(name.size() - kIfExists.size()) == kIfExists &&
          name != "Null") {
        base.if_exists = true;
        name.remove_suffix(kIfExists.size());
      }
      const auto* found = std::find_if(kOperators.begin(), kOperators.end(), [&](ConditionOperator op) {
        return topology::conditionOperatorName(op) == name;
      });
      if (operator_text.empty()) {
        // YAML reads an unquoted Null, null or ~ key as null, which has no text.
        fail(op_at, "empty condition operator (in YAML an unquoted Null key reads as null: write 'Null' in quotes)");
        continue;
      }
      if (found == kOperators.end() || (base.if_exists && *found == ConditionOperator::kNull)) {
        std::vector<std::string_view> names;
        for (ConditionOperator op : kOperators) names.push_back(topology::conditionOperatorName(op));
        fail(op_at, fmt::format("unknown condition operator '{}'{}", operator_text,
                                topology::didYouMean(std::string(name), names)));
        continue;
      }
      base.op = *found;
      if (!keys.is_object()) {
        fail(op_at, fmt::format("a condition operator takes an object of keys, not {}", describeType(keys)));
        continue;
      }
      for (const auto& [key, values] : keys.items()) {
        PolicyCondition c = base;
        const std::string key_at = child(op_at, key);
        c.key = key;
        c.values = conditionValues(values, key_at);
        c.origin = place(key_at);
        out.push_back(std::move(c));
      }
    }
  }

  void statement(const json& value, const std::string& at, std::size_t index, std::vector<PolicyStatement>& out) {
    if (!value.is_object()) {
      fail(at, fmt::format("a statement is an object, not {}", describeType(value)));
      return;
    }
    PolicyStatement s;
    s.index = index;
    s.origin = place(at);
    static const std::vector<std::string_view> kElements = {"Sid",      "Effect",      "Principal",
                                                            "NotPrincipal", "Action",  "NotAction",
                                                            "Resource", "NotResource", "Condition"};
    bool has_effect = false;
    bool has_action = false;
    for (const auto& [key, element] : value.items()) {
      const std::string element_at = child(at, key);
      if (key == "Sid") {
        if (auto text = string(element, element_at)) s.sid = *text;
      } else if (key == "Effect") {
        has_effect = true;
        auto text = string(element, element_at);
        if (text && *text == "Allow") {
          s.effect = PolicyEffect::kAllow;
        } else if (text && *text == "Deny") {
          s.effect = PolicyEffect::kDeny;
        } else if (text) {
          fail(element_at, fmt::format("Effect must be Allow or Deny, not '{}'", *text));
        }
      } else if (key == "Action" || key == "NotAction") {
        if (has_action) fail(element_at, "a statement has Action or NotAction, not both");
        has_action = true;
        s.not_action = key == "NotAction";
        s.actions = strings(element, element_at);
      } else if (key == "Resource" || key == "NotResource") {
        if (s.has_resource) fail(element_at, "a statement has Resource or NotResource, not both");
        s.has_resource = true;
        s.not_resource = key == "NotResource";
        s.resources = strings(element, element_at);
      } else if (key == "Principal" || key == "NotPrincipal") {
        if (s.has_principal) fail(element_at, "a statement has Principal or NotPrincipal, not both");
        s.has_principal = true;
        s.not_principal = key == "NotPrincipal";
        if (auto p = principals(element, element_at)) s.principals = std::move(*p);
      } else if (key == "Condition") {
        condition(element, element_at, s.conditions);
      } else {
        fail(element_at, fmt::format("unknown statement element '{}'{}", key, topology::didYouMean(key, kElements)));
      }
    }
    if (!has_effect) fail(at, "a statement needs an Effect (Allow or Deny)");
    if (!has_action) fail(at, "a statement needs an Action or NotAction");
    out.push_back(std::move(s));
  }

  const std::string& origin_;
  std::vector<Diagnostic>& errors_;
  bool ok_ = true;
};

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding; "+" stays "+" (IAM encodes with %XX only).
std::optional<std::string> percentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int high = hexDigit(text[i + 1]);
    int low = hexDigit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

// A policy written as YAML, as JSON (true/false plain scalars as booleans).
nlohmann::ordered_json toJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::ordered_json object = nlohmann::ordered_json::object();
      for (auto it = node.begin(); it != node.end(); ++it) {
        object[it->first.Scalar()] = toJson(it->second);
      }
      return object;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::ordered_json array = nlohmann::ordered_json::array();
      for (const auto& item : node) array.push_back(toJson(item));
      return array;
    }
    case YAML::NodeType::Scalar:
      if (node.Tag() == "?" && (node.Scalar() == "true" || node.Scalar() == "false")) {
        return node.Scalar() == "true";
      }
      return node.Scalar();
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return nullptr;
}

}  // namespace

std::optional<PolicyDocument> parsePolicyDocument(const json& document, std::string name, const std::string& origin,
                                                  std::vector<Diagnostic>& errors) {
  return PolicyParser(origin, errors).parse(document, std::move(name));
}

std::optional<PolicyDocument> parsePolicyText(std::string_view text, std::string name, const std::string& origin,
                                              std::vector<Diagnostic>& errors) {
  std::string decoded;
  // IAM API: "The policy document returned in this structure is URL-encoded
  // compliant with RFC 3986" (IAM API Reference, PolicyVersion / RoleDetail).
  if (text.substr(0, 3) == "%7B" || text.substr(0, 3) == "%7b") {
    auto plain = percentDecode(text);
    if (!plain) {
      errors.push_back(Diagnostic{"bad-policy", "the URL-encoded policy document has a bad %-escape", origin});
      return std::nullopt;
    }
    decoded = std::move(*plain);
    text = decoded;
  }
  // A policy nests at most five deep (Statement, Condition, operator, key,
  // values); 64 leaves room and keeps nlohmann's recursive parser's stack
  // small. Numbers out of range are refused as everywhere else.
  constexpr std::size_t kMaxDepth = 64;
  if (auto problem = findJsonLimitProblem(text, kMaxDepth)) {
    errors.push_back(Diagnostic{"bad-policy", "the policy document: " + problem->second, origin});
    return std::nullopt;
  }
  json document = json::parse(text, nullptr, false);
  if (document.is_discarded()) {
    errors.push_back(Diagnostic{"bad-policy", "the policy document is not valid JSON", origin});
    return std::nullopt;
  }
  return parsePolicyDocument(document, std::move(name), origin, errors);
}

std::optional<PolicyDocument> parsePolicyYaml(const YAML::Node& value, std::string name, YamlReader& yaml,
                                              std::string* text) {
  std::vector<Diagnostic> problems;
  const std::string origin = yaml.loc(value);
  std::optional<PolicyDocument> document;
  if (value.IsScalar()) {
    if (text != nullptr) *text = value.Scalar();
    document = parsePolicyText(value.Scalar(), std::move(name), origin, problems);
  } else {
    // The text keeps the keys in written order; the parser reads them sorted.
    nlohmann::ordered_json converted = toJson(value);
    std::string dumped = converted.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    if (text != nullptr) *text = dumped;
    document = parsePolicyDocument(json::parse(dumped), std::move(name), origin, problems);
  }
  bool ok = problems.empty();
  for (auto& problem : problems) yaml.add(std::move(problem), value.Mark().line, value.Mark().column);
  return ok ? document : std::nullopt;
}

}  // namespace vpcsim::formats

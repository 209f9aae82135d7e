// CloudFormation template values: the node type the evaluator works on, its conversions and stable synthetic IDs. Not an API.
#pragma once
// Internal to the CloudFormation loader (topology/cloudformation*.cpp); nothing outside it includes this.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <yaml-cpp/yaml.h>

namespace vpcsim::formats::cfn {

// ---- errors ------------------------------------------------------------------

// Thrown inside the evaluator only; loadStacks() turns it into a Diagnostic.
struct CfnError {
  std::string code;
  std::string message;
  YAML::Mark mark;
};

[[noreturn]] void fail(const YAML::Mark& mark, std::string message, std::string code = "cfn-eval");

template <typename Map>
std::vector<std::string> keysOf(const Map& map) {
  std::vector<std::string> out;
  for (const auto& [key, value] : map) out.push_back(key);
  return out;
}

// ---- template values -------------------------------------------------------------

// A template node, before or after evaluation. Intrinsic functions are maps
// with one key ("Ref", "Fn::Select", ...); short-form tags become such maps.
struct Value {
  enum class Kind { kNull, kString, kNumber, kBool, kList, kMap, kNoValue };
  Kind kind = Kind::kNull;
  std::string text;
  std::vector<Value> items;
  std::vector<std::pair<std::string, Value>> fields;
  YAML::Mark mark;
  YAML::Mark key_mark;  ///< where its key is, for values of a mapping
  bool tagged = false;  ///< built from a short-form tag (`!Condition X`)

  // Declared here and defaulted after the class: clang (14) with libstdc++
  // instantiates std::pair<std::string, Value> while Value is incomplete if
  // these are implicit, which the libFuzzer build (tests/fuzz) trips over.
  Value();
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;
  ~Value();

  [[nodiscard]] bool isScalar() const { return kind == Kind::kString || kind == Kind::kNumber || kind == Kind::kBool; }
  [[nodiscard]] const Value* find(std::string_view key) const {
    for (const auto& [name, value] : fields) {
      if (name == key) return &value;
    }
    return nullptr;
  }
  static Value string(std::string s, const YAML::Mark& at = YAML::Mark()) {
    Value v;
    v.kind = Kind::kString;
    v.text = std::move(s);
    v.mark = at;
    return v;
  }
  static Value list(std::vector<Value> items, const YAML::Mark& at = YAML::Mark()) {
    Value v;
    v.kind = Kind::kList;
    v.items = std::move(items);
    v.mark = at;
    return v;
  }
  static Value boolean(bool b, const YAML::Mark& at = YAML::Mark()) {
    Value v;
    v.kind = Kind::kBool;
    v.text = b ? "true" : "false";
    v.mark = at;
    return v;
  }
  static Value strings(const std::vector<std::string>& texts, const YAML::Mark& at = YAML::Mark()) {
    std::vector<Value> items;
    for (const auto& t : texts) items.push_back(string(t, at));
    return list(std::move(items), at);
  }
};

inline Value::Value() = default;
inline Value::Value(const Value&) = default;
inline Value::Value(Value&&) noexcept = default;
inline Value& Value::operator=(const Value&) = default;
inline Value& Value::operator=(Value&&) noexcept = default;
inline Value::~Value() = default;

/// "a string", "a list", ...: a value's kind as messages name it.
std::string_view kindWord(Value::Kind kind);
/// Whether YAML would read `s` as a number (and CloudFormation's Number type accepts it).
bool isNumberText(const std::string& s);
/// The template node as a Value; short-form tags (`!Ref X`) become one-key maps
/// (`{Ref: X}`). Throws CfnError on an unknown tag or a non-scalar mapping key.
Value fromYaml(const YAML::Node& node, bool ignore_tag = false);
/// The JSON a value stands for (Fn::ToJsonString, policy documents); AWS::NoValue is null.
nlohmann::ordered_json toJson(const Value& v);
/// Standard base64 with padding (Fn::Base64).
std::string base64(std::string_view in);

// ---- stable synthetic identities ---------------------------------------------------

/// 64-bit FNV-1a of `text`: the hash every synthetic ID is derived from.
uint64_t fnv1a(std::string_view text);
/// "vpc-" + 17 hex digits, like the IDs AWS hands out, from a stable key.
std::string makeId(std::string_view prefix, std::string_view key);
/// Region -> availability zones, as Fn::GetAZs returns them offline.
std::vector<std::string> regionAzs(const std::string& region);
/// "aws", "aws-cn" or "aws-us-gov" for a region name.
std::string partitionOf(const std::string& region);

}  // namespace vpcsim::formats::cfn

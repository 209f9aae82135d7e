// CloudFormation template values: YAML to Value, JSON and base64 conversions, stable synthetic IDs.
#include "formats/cloudformation_values.h"

#include "topology/aws_defaults.h"
#include "formats/number_text.h"

#include <array>
#include <charconv>
#include <cstddef>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace vpcsim::formats::cfn {


void fail(const YAML::Mark& mark, std::string message, std::string code) {
  throw CfnError{std::move(code), std::move(message), mark};
}

std::string_view kindWord(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kString: return "a string";
    case Value::Kind::kNumber: return "a number";
    case Value::Kind::kBool: return "a boolean";
    case Value::Kind::kList: return "a list";
    case Value::Kind::kMap: return "a mapping";
    case Value::Kind::kNoValue: return "AWS::NoValue";
  }
  return "a value";
}

bool isNumberText(const std::string& s) { return isDecimalText(s); }

namespace {

// The short-form tags CloudFormation accepts, and their long names.
std::optional<std::string> longName(std::string_view tag) {
  static constexpr std::array<std::string_view, 22> kFunctions = {
      "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub",
      "Transform", "And", "Equals", "If", "Not", "Or", "Length", "ToJsonString", "Contains", "EachMemberEquals",
      "EachMemberIn", "ValueOf"};
  if (tag == "Ref" || tag == "Condition") return std::string(tag);
  for (auto name : kFunctions) {
    if (name == tag) return "Fn::" + std::string(name);
  }
  return std::nullopt;
}

Value contentFromYaml(const YAML::Node& node, bool quoted_tag) {
  Value v;
  v.mark = node.Mark();
  switch (node.Type()) {
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      v.text = s;
      if (quoted_tag) {
        v.kind = Value::Kind::kString;
      } else if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE") {
        v.kind = Value::Kind::kBool;
        v.text = (s[0] == 't' || s[0] == 'T') ? "true" : "false";
      } else if (s == "~" || s == "null" || s == "Null" || s == "NULL") {
        v.kind = Value::Kind::kNull;
        v.text.clear();
      } else if (isNumberText(s)) {
        v.kind = Value::Kind::kNumber;
      } else {
        v.kind = Value::Kind::kString;
      }
      break;
    }
    case YAML::NodeType::Sequence:
      v.kind = Value::Kind::kList;
      for (const auto& item : node) v.items.push_back(fromYaml(item));
      break;
    case YAML::NodeType::Map:
      v.kind = Value::Kind::kMap;
      for (auto it = node.begin(); it != node.end(); ++it) {
        YAML::Node key = it->first;
        YAML::Node value = it->second;
        if (!key.IsScalar()) fail(key.Mark(), "mapping keys must be plain strings", "yaml-syntax");
        Value child = fromYaml(value);
        child.key_mark = key.Mark();
        v.fields.emplace_back(key.Scalar(), std::move(child));
      }
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      v.kind = Value::Kind::kNull;
      break;
  }
  return v;
}

}  // namespace

Value fromYaml(const YAML::Node& node, bool ignore_tag) {
  const std::string& tag = node.Tag();
  bool short_form = !ignore_tag && tag.size() > 1 && tag[0] == '!' && tag[1] != '!';
  if (!short_form) return contentFromYaml(node, tag == "!");
  auto name = longName(std::string_view(tag).substr(1));
  if (!name) fail(node.Mark(), fmt::format("unknown tag {}", tag), "cfn-syntax");
  Value fn;
  fn.kind = Value::Kind::kMap;
  fn.mark = node.Mark();
  fn.tagged = true;
  Value inner = contentFromYaml(node, true);
  if (inner.kind == Value::Kind::kNull && node.IsScalar()) inner.kind = Value::Kind::kString;
  fn.fields.emplace_back(*name, std::move(inner));
  return fn;
}

nlohmann::ordered_json toJson(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
    case Value::Kind::kNoValue: return nullptr;
    case Value::Kind::kBool: return v.text == "true";
    case Value::Kind::kNumber: {
      long long n = 0;
      auto [ptr, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), n);
      if (ec == std::errc() && ptr == v.text.data() + v.text.size()) return n;
      return v.text;
    }
    case Value::Kind::kString: return v.text;
    case Value::Kind::kList: {
      auto out = nlohmann::ordered_json::array();
      for (const auto& item : v.items) out.push_back(toJson(item));
      return out;
    }
    case Value::Kind::kMap: {
      auto out = nlohmann::ordered_json::object();
      for (const auto& [key, value] : v.fields) out[key] = toJson(value);
      return out;
    }
  }
  return nullptr;
}

std::string base64(std::string_view in) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  while (i + 2 < in.size()) {
    uint32_t n = (static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16) |
                 (static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8) |
                 static_cast<uint32_t>(static_cast<unsigned char>(in[i + 2]));
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63U];
    i += 3;
  }
  std::size_t rest = in.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (rest == 2) n |= static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63U];
    out += kAlphabet[(n >> 12) & 63U];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63U] : '=';
    out += '=';
  }
  return out;
}

// ---- stable synthetic identities ---------------------------------------------------

uint64_t fnv1a(std::string_view text) { return topology::stableHash(text); }

std::string makeId(std::string_view prefix, std::string_view key) { return topology::stableSyntheticId(prefix, key); }

std::vector<std::string> regionAzs(const std::string& region) {
  std::string letters = region == "us-east-1" ? "abcdef" : "abc";
  std::vector<std::string> out;
  for (char c : letters) out.push_back(region + c);
  return out;
}

std::string partitionOf(const std::string& region) { return topology::partitionOfRegion(region); }
}  // namespace vpcsim::formats::cfn

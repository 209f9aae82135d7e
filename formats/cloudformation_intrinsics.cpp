// CloudFormation evaluation: intrinsic functions, Ref / GetAtt / Sub, conditions, parameters, rules and outputs.
#include "formats/cloudformation_loader.h"

#include "topology/suggest.h"
#include "formats/input_file.h"
#include "formats/number_text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

namespace vpcsim::formats::cfn {

using namespace vpcsim::topology;  // the model this format fills

namespace {

bool sameValue(const Value& a, const Value& b) {
  if (a.isScalar() || a.kind == Value::Kind::kNull) {
    return (b.isScalar() || b.kind == Value::Kind::kNull) && a.text == b.text;
  }
  if (a.kind != b.kind) return false;
  if (a.kind == Value::Kind::kList) {
    if (a.items.size() != b.items.size()) return false;
    for (std::size_t i = 0; i < a.items.size(); ++i) {
      if (!sameValue(a.items[i], b.items[i])) return false;
    }
    return true;
  }
  return toJson(a) == toJson(b);
}

bool isIntrinsicKey(const std::string& key) { return key == "Ref" || key.rfind("Fn::", 0) == 0; }

// "!Select" for messages, whatever form the template used.
std::string shortName(const std::string& name) {
  return "!" + (name.rfind("Fn::", 0) == 0 ? name.substr(4) : name);
}

std::vector<Value> splitList(const std::string& text, const YAML::Mark& at) {
  std::vector<Value> out;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::size_t b = part.find_first_not_of(' ');
    std::size_t e = part.find_last_not_of(' ');
    out.push_back(Value::string(b == std::string::npos ? "" : part.substr(b, e - b + 1), at));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

// ---- evaluation ------------------------------------------------------------------------

std::string CfnLoader::str(const Value& v, std::string_view what) {
  switch (v.kind) {
    case Value::Kind::kString:
    case Value::Kind::kNumber:
    case Value::Kind::kBool: return v.text;
    case Value::Kind::kNull: return "";
    default: break;
  }
  fail(v.mark, fmt::format("{} must be a string, not {}", what, kindWord(v.kind)));
}

std::vector<Value> CfnLoader::listOf(const Value& v, std::string_view what) {
  if (v.kind != Value::Kind::kList) fail(v.mark, fmt::format("{} must be a list, not {}", what, kindWord(v.kind)));
  return v.items;
}

long long CfnLoader::integer(const Value& v, std::string_view what) {
  std::string s = str(v, what);
  long long out = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    fail(v.mark, fmt::format("{} must be a whole number, not '{}'", what, s));
  }
  return out;
}

bool CfnLoader::truth(const Value& v, std::string_view what) {
  if (v.isScalar()) {
    if (v.text == "true") return true;
    if (v.text == "false") return false;
  }
  fail(v.mark, fmt::format("{} must be true or false, not {}", what,
                           v.isScalar() ? "'" + v.text + "'" : std::string(kindWord(v.kind))));
}

Value CfnLoader::eval(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kList: {
      Value out;
      out.kind = Value::Kind::kList;
      out.mark = v.mark;
      for (const auto& item : v.items) {
        Value e = eval(item);
        if (e.kind != Value::Kind::kNoValue) out.items.push_back(std::move(e));
      }
      return out;
    }
    case Value::Kind::kMap: {
      if (v.fields.size() == 1 && (isIntrinsicKey(v.fields[0].first) || (v.tagged && v.fields[0].first == "Condition"))) {
        return evalFunction(v.fields[0].first, v.fields[0].second, v);
      }
      Value out;
      out.kind = Value::Kind::kMap;
      out.mark = v.mark;
      for (const auto& [key, value] : v.fields) {
        Value e = eval(value);
        if (e.kind != Value::Kind::kNoValue) out.fields.emplace_back(key, std::move(e));
      }
      return out;
    }
    default: return v;
  }
}

const std::vector<Value>& Call::args(std::size_t min, std::size_t max) const {
  if (arg.kind != Value::Kind::kList || arg.items.size() < min || arg.items.size() > max) {
    std::string count = min == max ? std::to_string(min) : fmt::format("{} to {}", min, max);
    fail(at, fmt::format("{} takes a list of {} arguments", shown, count));
  }
  return arg.items;
}

Value CfnLoader::evalFunction(const std::string& name, const Value& arg, const Value& call) {
  const Call c{name, arg, call.mark, shortName(name)};
  if (name == "Ref") return ref(str(arg, "!Ref argument"), c.at, "!Ref");
  if (name == "Condition") return Value::boolean(condition(str(arg, "!Condition argument"), c.at), c.at);
  if (name == "Fn::GetAtt") return fnGetAtt(c);
  if (name == "Fn::Sub") return sub(arg, c.at);
  if (name == "Fn::Join") return fnJoin(c);
  if (name == "Fn::Select") return fnSelect(c);
  if (name == "Fn::Split") return fnSplit(c);
  if (name == "Fn::If") return fnIf(c);
  if (name == "Fn::Equals") return fnEquals(c);
  if (name == "Fn::And" || name == "Fn::Or") return fnAndOr(c);
  if (name == "Fn::Not") return fnNot(c);
  if (name == "Fn::FindInMap") return fnFindInMap(c);
  if (name == "Fn::GetAZs") return fnGetAzs(c);
  if (name == "Fn::Cidr") return fnCidr(c);
  if (name == "Fn::ImportValue") return fnImportValue(c);
  if (name == "Fn::Base64") return fnBase64(c);
  if (name == "Fn::Length") return fnLength(c);
  if (name == "Fn::ToJsonString") return fnToJsonString(c);
  if (name == "Fn::Contains") return fnContains(c);
  if (name == "Fn::EachMemberEquals") return fnEachMemberEquals(c);
  if (name == "Fn::EachMemberIn") return fnEachMemberIn(c);
  fail(c.at, fmt::format("{} cannot be evaluated offline", c.shown), "cfn-unsupported");
}

// ---- intrinsic functions, one per family -----------------------------------------------------

// `!GetAtt Logical.Attribute` or `[Logical, Attribute]` (either may be an intrinsic in the list form).
Value CfnLoader::fnGetAtt(const Call& c) {
  std::string logical;
  std::string attribute;
  if (c.arg.isScalar()) {
    std::size_t dot = c.arg.text.find('.');
    if (dot == std::string::npos) fail(c.at, fmt::format("!GetAtt {}: expected LogicalId.Attribute", c.arg.text));
    logical = c.arg.text.substr(0, dot);
    attribute = c.arg.text.substr(dot + 1);
  } else {
    const auto& items = c.args(2, 2);
    logical = str(eval(items[0]), "!GetAtt resource");
    attribute = str(eval(items[1]), "!GetAtt attribute");
  }
  return getAtt(logical, attribute, c.at);
}

Value CfnLoader::fnJoin(const Call& c) {
  const auto& items = c.args(2, 2);
  std::string delimiter = str(eval(items[0]), "!Join delimiter");
  Value list = eval(items[1]);
  std::string out;
  bool first = true;
  for (const auto& item : listOf(list, "!Join list")) {
    out += (first ? "" : delimiter) + str(item, "each !Join element");
    first = false;
  }
  return Value::string(out, c.at);
}

Value CfnLoader::fnSelect(const Call& c) {
  const auto& items = c.args(2, 2);
  long long index = integer(eval(items[0]), "!Select index");
  auto list = listOf(eval(items[1]), "!Select list");
  if (index < 0 || static_cast<std::size_t>(index) >= list.size()) {
    fail(c.at, fmt::format("!Select index {} is out of range (list has {} element{})", index, list.size(),
                           list.size() == 1 ? "" : "s"));
  }
  return list[static_cast<std::size_t>(index)];
}

Value CfnLoader::fnSplit(const Call& c) {
  const auto& items = c.args(2, 2);
  std::string delimiter = str(eval(items[0]), "!Split delimiter");
  std::string text = str(eval(items[1]), "!Split string");
  if (delimiter.empty()) fail(c.at, "!Split delimiter must not be empty");
  std::vector<Value> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = text.find(delimiter, start);
    parts.push_back(Value::string(text.substr(start, pos == std::string::npos ? std::string::npos : pos - start), c.at));
    if (pos == std::string::npos) break;
    start = pos + delimiter.size();
  }
  return Value::list(std::move(parts), c.at);
}

// Only the branch the condition picks is evaluated.
Value CfnLoader::fnIf(const Call& c) {
  const auto& items = c.args(3, 3);
  std::string cond = str(items[0], "!If condition name");
  return eval(condition(cond, items[0].mark.is_null() ? c.at : items[0].mark) ? items[1] : items[2]);
}

Value CfnLoader::fnEquals(const Call& c) {
  const auto& items = c.args(2, 2);
  return Value::boolean(sameValue(eval(items[0]), eval(items[1])), c.at);
}

// Fn::And / Fn::Or: 2 to 10 conditions; every argument is evaluated (no short circuit).
Value CfnLoader::fnAndOr(const Call& c) {
  const auto& items = c.args(2, 10);
  bool is_and = c.name == "Fn::And";
  bool result = is_and;
  for (const auto& item : items) {
    bool b = truth(eval(item), c.shown + " argument");
    result = is_and ? (result && b) : (result || b);
  }
  return Value::boolean(result, c.at);
}

Value CfnLoader::fnNot(const Call& c) {
  const auto& items = c.args(1, 1);
  return Value::boolean(!truth(eval(items[0]), "!Not argument"), c.at);
}

// A missing map or key is an error unless the fourth argument gives a DefaultValue.
Value CfnLoader::fnFindInMap(const Call& c) {
  const auto& items = c.args(3, 4);
  std::string map_name = str(eval(items[0]), "!FindInMap map name");
  std::string top = str(eval(items[1]), "!FindInMap top-level key");
  std::string second = str(eval(items[2]), "!FindInMap second-level key");
  const Value* mappings = stack_->root.find("Mappings");
  const Value* map = mappings != nullptr ? mappings->find(map_name) : nullptr;
  auto fallback = [&](std::string message) -> Value {
    if (items.size() == 4) {
      Value options = eval(items[3]);
      if (const Value* d = options.find("DefaultValue")) return *d;
    }
    fail(c.at, std::move(message));
  };
  if (map == nullptr) {
    return fallback(fmt::format("!FindInMap: no mapping named {}{}", map_name,
                                mappings != nullptr ? didYouMean(map_name, keysOf(mappings->fields), Closeness::kLoose, false) : ""));
  }
  const Value* level = map->find(top);
  if (level == nullptr) {
    return fallback(fmt::format("!FindInMap: mapping {} has no key {}{}", map_name, top,
                                didYouMean(top, keysOf(map->fields), Closeness::kLoose, false)));
  }
  const Value* leaf = level->find(second);
  if (leaf == nullptr) {
    return fallback(fmt::format("!FindInMap: mapping {} has no key {}.{}{}", map_name, top, second,
                                didYouMean(second, keysOf(level->fields), Closeness::kLoose, false)));
  }
  return eval(*leaf);
}

// An empty region means the stack's own.
Value CfnLoader::fnGetAzs(const Call& c) {
  std::string region = str(eval(c.arg), "!GetAZs region");
  return Value::strings(regionAzs(region.empty() ? region_ : region), c.at);
}

// !Cidr over an IPv6 block, known or assigned at deployment: the first
// `count` blocks of /(128 - bits), numbered inside the block (an unknown
// block's parts stay unknown, each at its place).
Value CfnLoader::cidrIpv6(const Call& c, const std::string& block_text, long long count, long long bits) {
  auto loose = Cidr6::parseLoose(block_text);
  auto block = block_text.find('(') != std::string::npos || !loose ? Ipv6Block::parse(block_text)
                                                                   : Result<Ipv6Block>(Ipv6Block(*loose));
  if (!block) fail(c.at, fmt::format("!Cidr {}: {}", block_text, block.error()));
  long long prefix = 128 - bits;
  if (bits < 0 || prefix < block->prefix()) {
    fail(c.at, fmt::format("!Cidr cidr bits {} do not fit in {} (at most {})", bits, block->str(),
                           128 - block->prefix()));
  }
  long long depth = prefix - block->prefix();
  if (depth < 63 && count > (1LL << depth)) {
    fail(c.at, fmt::format("!Cidr cannot fit {} /{} blocks in {}", count, prefix, block->str()));
  }
  std::vector<Value> out;
  for (long long i = 0; i < count; ++i) {
    auto part = block->subblock(static_cast<uint64_t>(i), static_cast<int>(prefix));
    if (!part) fail(c.at, fmt::format("!Cidr {}: {}", block_text, part.error()));
    out.push_back(Value::string(part->str(), c.at));
  }
  return Value::list(std::move(out), c.at);
}

// [block, count, cidr bits]: the first `count` blocks of /(32 - bits) inside `block`.
Value CfnLoader::fnCidr(const Call& c) {
  const auto& items = c.args(3, 3);
  std::string block_text = str(eval(items[0]), "!Cidr ip block");
  long long count = integer(eval(items[1]), "!Cidr count");
  long long bits = integer(eval(items[2]), "!Cidr cidr bits");
  if (count < 1 || count > 256) fail(c.at, fmt::format("!Cidr count {} is out of range (1-256)", count));
  if (block_text.find(':') != std::string::npos || block_text.find('(') != std::string::npos) {
    return cidrIpv6(c, block_text, count, bits);
  }
  auto block = Cidr::parseLoose(block_text);
  if (!block) fail(c.at, fmt::format("!Cidr {}: {}", block_text, block.error()));
  long long prefix = 32 - bits;
  if (bits < 0 || prefix < block->prefix()) {
    fail(c.at, fmt::format("!Cidr cidr bits {} do not fit in {} (at most {})", bits, block->str(),
                           32 - block->prefix()));
  }
  uint64_t step = uint64_t{1} << static_cast<unsigned>(bits);
  if (static_cast<uint64_t>(count) * step > block->size()) {
    fail(c.at, fmt::format("!Cidr cannot fit {} /{} blocks in {}", count, prefix, block->str()));
  }
  std::vector<Value> out;
  for (long long i = 0; i < count; ++i) {
    uint64_t base = block->base().value() + static_cast<uint64_t>(i) * step;
    out.push_back(Value::string(Cidr::of(Ipv4(static_cast<uint32_t>(base)), static_cast<int>(prefix)).str(), c.at));
  }
  return Value::list(std::move(out), c.at);
}

// Exports of the stacks loaded before this one.
Value CfnLoader::fnImportValue(const Call& c) {
  std::string export_name = str(eval(c.arg), "!ImportValue name");
  auto it = exports_.find(export_name);
  if (it == exports_.end()) {
    fail(c.at, fmt::format("!ImportValue {}: no stack exports {}{}", export_name, export_name,
                           didYouMean(export_name, keysOf(exports_), Closeness::kLoose, false)));
  }
  return Value::string(it->second, c.at);
}

Value CfnLoader::fnBase64(const Call& c) {
  return Value::string(base64(str(eval(c.arg), "!Base64 argument")), c.at);
}

// Fn::Length and Fn::ToJsonString (AWS::LanguageExtensions).
Value CfnLoader::fnLength(const Call& c) {
  Value list = eval(c.arg);
  Value out = Value::string(std::to_string(listOf(list, "!Length argument").size()), c.at);
  out.kind = Value::Kind::kNumber;
  return out;
}

Value CfnLoader::fnToJsonString(const Call& c) { return Value::string(toJson(eval(c.arg)).dump(), c.at); }

// Rule functions (Rules section: Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn).
Value CfnLoader::fnContains(const Call& c) {
  const auto& items = c.args(2, 2);
  std::string needle = str(eval(items[1]), "!Contains value");
  for (const auto& item : listOf(eval(items[0]), "!Contains list")) {
    if (item.isScalar() && item.text == needle) return Value::boolean(true, c.at);
  }
  return Value::boolean(false, c.at);
}

Value CfnLoader::fnEachMemberEquals(const Call& c) {
  const auto& items = c.args(2, 2);
  std::string expected = str(eval(items[1]), "!EachMemberEquals value");
  for (const auto& item : listOf(eval(items[0]), "!EachMemberEquals list")) {
    if (!item.isScalar() || item.text != expected) return Value::boolean(false, c.at);
  }
  return Value::boolean(true, c.at);
}

Value CfnLoader::fnEachMemberIn(const Call& c) {
  const auto& items = c.args(2, 2);
  auto allowed = listOf(eval(items[1]), "!EachMemberIn allowed list");
  for (const auto& item : listOf(eval(items[0]), "!EachMemberIn list")) {
    bool found = std::any_of(allowed.begin(), allowed.end(), [&](const Value& a) { return sameValue(a, item); });
    if (!found) return Value::boolean(false, c.at);
  }
  return Value::boolean(true, c.at);
}

// ---- conditions, Ref and GetAtt ---------------------------------------------------------------

bool CfnLoader::condition(const std::string& name, const YAML::Mark& at) {
  if (auto it = stack_->conditions.find(name); it != stack_->conditions.end()) return it->second;
  auto node = stack_->condition_nodes.find(name);
  if (node == stack_->condition_nodes.end()) {
    fail(at, fmt::format("no condition named {}{}", name, didYouMean(name, keysOf(stack_->condition_nodes), Closeness::kLoose, false)));
  }
  if (!stack_->conditions_in_progress.insert(name).second) {
    fail(at, fmt::format("condition {} depends on itself", name));
  }
  const Value& expr = *node->second;
  bool result = false;
  // In the Conditions section a one-key {Condition: X} map is the Condition function.
  if (expr.kind == Value::Kind::kMap && expr.fields.size() == 1 && expr.fields[0].first == "Condition") {
    result = condition(str(expr.fields[0].second, "!Condition argument"), expr.mark);
  } else {
    result = truth(eval(expr), fmt::format("condition {}", name));
  }
  stack_->conditions_in_progress.erase(name);
  stack_->conditions.emplace(name, result);
  return result;
}

Resource* CfnLoader::resource(const std::string& logical) {
  auto it = stack_->resources.find(logical);
  return it == stack_->resources.end() ? nullptr : &it->second;
}

const Value& CfnLoader::props(Resource& r) {
  if (r.props) return *r.props;
  if (r.evaluating) fail(r.mark, fmt::format("resource {} refers to itself through its properties", r.logical));
  r.evaluating = true;
  const Value* node = r.node->find("Properties");
  Value evaluated;
  evaluated.kind = Value::Kind::kMap;
  evaluated.mark = r.mark;
  try {
    if (node != nullptr && node->kind != Value::Kind::kNull) {
      evaluated = eval(*node);
      if (evaluated.kind != Value::Kind::kMap) fail(node->mark, fmt::format("{}: Properties must be a mapping", r.logical));
    }
  } catch (...) {
    r.evaluating = false;
    throw;
  }
  r.evaluating = false;
  r.props = std::move(evaluated);
  return *r.props;
}

// What Ref returns for a resource that does not shape the network: a
// physical ID in CloudFormation's "stack-Logical-RANDOM" style.
std::string CfnLoader::physicalId(const Resource& r) const {
  if (r.type == "AWS::NetworkFirewall::Firewall") {
    return fmt::format("arn:{}:network-firewall:{}:{}:firewall/{}", partitionOf(region_), region_, account_, r.logical);
  }
  if (r.type == "AWS::SageMaker::Domain") return r.id;
  if (!r.id.empty()) return r.id;
  return generatedName(r);
}

std::string CfnLoader::generatedName(const Resource& r, std::size_t max) const {
  std::string suffix = fmt::format("{:012X}", fnv1a(stack_->name + "/" + r.logical) & 0xFFFFFFFFFFFFULL);
  std::string head = fmt::format("{}-{}", stack_->name, r.logical);
  // CloudFormation shortens the stack and logical parts so the name fits the
  // type's limit (IAM role and user names: 64 characters).
  if (max != 0 && head.size() + 1 + suffix.size() > max) head.resize(max - 1 - suffix.size());
  return fmt::format("{}-{}", head, suffix);
}

Value CfnLoader::ref(const std::string& name, const YAML::Mark& at, std::string_view shown) {
  if (auto it = stack_->parameters.find(name); it != stack_->parameters.end()) {
    Value v = it->second;
    v.mark = at;
    return v;
  }
  if (name == "AWS::NoValue") {
    Value v;
    v.kind = Value::Kind::kNoValue;
    v.mark = at;
    return v;
  }
  if (name == "AWS::Region") return Value::string(region_, at);
  if (name == "AWS::AccountId") return Value::string(account_, at);
  if (name == "AWS::StackName") return Value::string(stack_->name, at);
  if (name == "AWS::StackId") {
    uint64_t h = fnv1a("stack-id/" + stack_->name);
    return Value::string(fmt::format("arn:{}:cloudformation:{}:{}:stack/{}/{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                                     partitionOf(region_), region_, account_, stack_->name, h >> 32U,
                                     (h >> 16U) & 0xFFFFU, h & 0xFFFFU, (h >> 48U) & 0xFFFFU,
                                     fnv1a(stack_->name) & 0xFFFFFFFFFFFFULL),
                         at);
  }
  if (name == "AWS::Partition") return Value::string(partitionOf(region_), at);
  if (name == "AWS::URLSuffix") {
    return Value::string(partitionOf(region_) == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com", at);
  }
  if (name == "AWS::NotificationARNs") return Value::list({}, at);
  Resource* r = resource(name);
  if (r == nullptr) {
    std::vector<std::string> candidates = keysOf(stack_->parameters);
    for (const auto& key : keysOf(stack_->resources)) candidates.push_back(key);
    fail(at, fmt::format("{} {}: no parameter or resource named {}{}", shown, name, name, didYouMean(name, candidates, Closeness::kLoose, false)));
  }
  if (!r->active) {
    fail(at, fmt::format("{} {}: resource {} is not created (condition {} is false)", shown, name, name, r->condition));
  }
  if (r->type == "AWS::EC2::EIP") return Value::string(eipAddress(r->id).str(), at);
  if (auto iam = iamRef(*r)) return Value::string(*iam, at);
  if (auto elb = elbRef(*r)) return Value::string(*elb, at);
  return Value::string(physicalId(*r), at);
}

Value CfnLoader::getAtt(const std::string& logical, const std::string& attribute, const YAML::Mark& at) {
  std::string shown = fmt::format("!GetAtt {}.{}", logical, attribute);
  Resource* r = resource(logical);
  if (r == nullptr) {
    fail(at, fmt::format("{}: no resource named {}{}", shown, logical, didYouMean(logical, keysOf(stack_->resources), Closeness::kLoose, false)));
  }
  if (!r->active) fail(at, fmt::format("{}: resource {} is not created (condition {} is false)", shown, logical, r->condition));
  const std::string& type = r->type;
  if (const TypeInfo* info = typeInfo(type)) {
    if (std::find(info->attributes.begin(), info->attributes.end(), attribute) == info->attributes.end()) {
      std::vector<std::string> names(info->attributes.begin(), info->attributes.end());
      fail(at, fmt::format("{}: {} has no attribute {}{}", shown, type, attribute, didYouMean(attribute, names, Closeness::kLoose, false)));
    }
    return ec2Attribute(*r, attribute, at);
  }
  if (type == "AWS::NetworkFirewall::Firewall") return firewallAttribute(*r, attribute, at);
  if (type == "AWS::SageMaker::Domain") return domainAttribute(*r, attribute, at);
  if (type.rfind("AWS::IAM::", 0) == 0) return iamAttribute(*r, attribute, at);
  if (isElbType(type)) return elbAttribute(*r, attribute, at);
  return placeholderAttribute(*r, attribute, at);
}

// The scalar property `key` of `r` as a string, "" when absent or not a scalar.
Value CfnLoader::propText(Resource& r, std::string_view key, const YAML::Mark& at) {
  const Value* v = props(r).find(key);
  return Value::string(v != nullptr && v->isScalar() ? v->text : std::string(), at);
}

// A stable ID for something AWS creates along with `r` ("default-sg" of a VPC, ...).
Value CfnLoader::synthId(const Resource& r, std::string_view prefix, std::string_view what, const YAML::Mark& at) {
  return Value::string(makeId(prefix, stack_->name + "/" + r.logical + "/" + std::string(what)), at);
}

// An attribute of a type in the type table; getAtt checked that the type has it.
Value CfnLoader::ec2Attribute(Resource& r, const std::string& attribute, const YAML::Mark& at) {
  const std::string& type = r.type;
  if (type == "AWS::EC2::VPC") return vpcAttribute(r, attribute, at);
  if (type == "AWS::EC2::Subnet") return subnetAttribute(r, attribute, at);
  if (type == "AWS::EC2::SecurityGroup" && attribute == "VpcId") return propText(r, "VpcId", at);
  if (type == "AWS::EC2::VPCCidrBlock" && attribute == "Ipv6CidrBlock") {
    props(r);
    return Value::string(vpcCidrIpv6Text(r), at);
  }
  if (type == "AWS::EC2::EIP") {
    if (attribute == "PublicIp") return Value::string(eipAddress(r.id).str(), at);
    return Value::string(r.id, at);
  }
  if (type == "AWS::EC2::NatGateway" && attribute == "EniId") return synthId(r, "eni-", "eni", at);
  if (type == "AWS::EC2::VPCEndpoint") return endpointAttribute(r, attribute, at);
  if (type == "AWS::EC2::NetworkInterface" || type == "AWS::EC2::Instance") return interfaceAttribute(r, attribute, at);
  if (attribute == "Arn" || attribute == "TransitGatewayArn") {
    return Value::string(fmt::format("arn:{}:ec2:{}:{}:{}", partitionOf(region_), region_, account_, r.id), at);
  }
  if (attribute == "OwnerId") return Value::string(account_, at);
  if (attribute == "Version") return Value::string("1", at);
  return Value::string(r.id, at);
}

Value CfnLoader::vpcAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at) {
  if (attribute == "CidrBlock") return propText(r, "CidrBlock", at);
  if (attribute == "CidrBlockAssociations") return Value::list({synthId(r, "vpc-cidr-assoc-", "cidr", at)}, at);
  if (attribute == "DefaultNetworkAcl") return synthId(r, "acl-", "default-acl", at);
  if (attribute == "DefaultSecurityGroup") return synthId(r, "sg-", "default-sg", at);
  if (attribute == "Ipv6CidrBlocks") {
    // The IPv6 blocks of the VPCCidrBlock resources naming this VPC, by
    // logical ID; a block assigned at deployment stands as Ipv6Block text.
    std::vector<Value> blocks;
    for (auto& [logical, other] : stack_->resources) {
      if (!other.active || other.type != "AWS::EC2::VPCCidrBlock") continue;
      props(other);
      if (text(other, "VpcId").value_or("") != r.id) continue;
      if (std::string block = vpcCidrIpv6Text(other); !block.empty()) blocks.push_back(Value::string(block, at));
    }
    return Value::list(std::move(blocks), at);
  }
  return Value::string(r.id, at);
}

Value CfnLoader::subnetAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at) {
  if (attribute == "AvailabilityZone") return Value::string(subnetAz(r.id), at);
  if (attribute == "AvailabilityZoneId") {
    std::string az = subnetAz(r.id);
    return Value::string(fmt::format("az-{}{}", az.empty() ? 'a' : az.back(), 1), at);
  }
  if (attribute == "CidrBlock") return propText(r, "CidrBlock", at);
  if (attribute == "VpcId") return propText(r, "VpcId", at);
  if (attribute == "NetworkAclAssociationId") return synthId(r, "aclassoc-", "acl-association", at);
  if (attribute == "Ipv6CidrBlocks") {
    const Value* block = props(r).find("Ipv6CidrBlock");
    if (block == nullptr || !block->isScalar()) return Value::list({}, at);
    return Value::list({Value::string(block->text, at)}, at);
  }
  if (attribute == "BlockPublicAccessStates") return Value::list({}, at);
  if (attribute == "OutpostArn") return Value::string("", at);
  return Value::string(r.id, at);
}

// NetworkInterfaceIds: one ENI per subnet; DnsEntries: the regional name, then one per subnet's AZ.
Value CfnLoader::endpointAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at) {
  if (attribute == "CreationTimestamp") return Value::string("2024-01-01T00:00:00.000Z", at);
  std::vector<std::string> subnets;
  if (const Value* ids = props(r).find("SubnetIds"); ids != nullptr && ids->kind == Value::Kind::kList) {
    for (const auto& item : ids->items) subnets.push_back(str(item, r.logical + ".SubnetIds"));
  }
  if (attribute == "NetworkInterfaceIds") {
    std::vector<std::string> enis;
    for (const auto& s : subnets) enis.push_back(makeId("eni-", stack_->name + "/" + r.logical + "/" + s));
    return Value::strings(enis, at);
  }
  if (attribute == "DnsEntries") {
    std::string service = propText(r, "ServiceName", at).text;
    std::size_t dot = service.rfind('.');
    std::string short_service = dot == std::string::npos ? service : service.substr(dot + 1);
    std::vector<std::string> entries = {
        fmt::format("Z7HUB22UULQXV:{}-{:08x}.{}.{}.vpce.amazonaws.com", r.id, fnv1a(r.id) & 0xFFFFFFFFU,
                    short_service, region_)};
    for (const auto& s : subnets) {
      entries.push_back(fmt::format("Z7HUB22UULQXV:{}-{:08x}-{}.{}.{}.vpce.amazonaws.com", r.id,
                                    fnv1a(r.id) & 0xFFFFFFFFU, subnetAz(s), short_service, region_));
    }
    return Value::strings(entries, at);
  }
  return Value::string(r.id, at);
}

// AWS::EC2::NetworkInterface and AWS::EC2::Instance: addresses come from the subnet they are placed in.
Value CfnLoader::interfaceAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at) {
  // Properties are evaluated only for the attributes that read them.
  if (attribute == "PrimaryPrivateIpAddress" || attribute == "PrivateIp") {
    const Value* subnet_id = props(r).find("SubnetId");
    std::string sid = subnet_id != nullptr && subnet_id->isScalar() ? subnet_id->text : "";
    auto ip = privateIpFor(r, sid, props(r).find("PrivateIpAddress"));
    return Value::string(ip ? ip->str() : "", at);
  }
  if (attribute == "SecondaryPrivateIpAddresses" || attribute == "Ipv6Addresses") return Value::list({}, at);
  if (attribute == "AvailabilityZone") {
    const Value* subnet_id = props(r).find("SubnetId");
    return Value::string(subnet_id != nullptr && subnet_id->isScalar() ? subnetAz(subnet_id->text) : region_ + "a", at);
  }
  if (attribute == "VpcId") {
    const Value* subnet_id = props(r).find("SubnetId");
    return Value::string(subnet_id != nullptr && subnet_id->isScalar() ? vpcOfSubnet(subnet_id->text) : "", at);
  }
  if (attribute == "PublicIp") return Value::string("", at);
  if (attribute == "PrivateDnsName" || attribute == "PublicDnsName" || attribute == "PrimaryIpv6Address") {
    return Value::string("", at);
  }
  return Value::string(r.id, at);
}

Value CfnLoader::firewallAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at) {
  if (attribute == "EndpointIds") {
    std::vector<std::string> out;
    for (const auto& s : firewallSubnets(r)) {
      out.push_back(subnetAz(s) + ":" + makeId("vpce-", stack_->name + "/" + r.logical + "/" + s));
    }
    return Value::strings(out, at);
  }
  if (attribute == "FirewallId") return Value::string(makeId("", stack_->name + "/" + r.logical), at);
  return Value::string(physicalId(r), at);
}

Value CfnLoader::domainAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at) {
  if (attribute == "DomainId") return Value::string(r.id, at);
  if (attribute == "Url") return Value::string(fmt::format("https://{}.studio.{}.sagemaker.aws", r.id, region_), at);
  if (attribute == "SecurityGroupIdForDomainBoundary") return synthId(r, "sg-", "domain-boundary", at);
  if (attribute == "HomeEfsFileSystemId") return synthId(r, "fs-", "efs", at);
  return Value::string(fmt::format("arn:{}:sagemaker:{}:{}:domain/{}", partitionOf(region_), region_, account_, r.id), at);
}

// Not a networking type: a placeholder that keeps the template evaluable.
Value CfnLoader::placeholderAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at) {
  const std::string& type = r.type;
  std::string physical = physicalId(r);
  if (attribute == "Arn" || (attribute.size() > 3 && attribute.substr(attribute.size() - 3) == "Arn")) {
    std::string service = type.size() > 5 ? type.substr(5, type.find("::", 5) - 5) : "unknown";
    std::transform(service.begin(), service.end(), service.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return Value::string(fmt::format("arn:{}:{}:{}:{}:{}", partitionOf(region_), service,
                                     service == "iam" ? "" : region_, account_, physical),
                         at);
  }
  return Value::string(physical + "." + attribute, at);
}

Value CfnLoader::sub(const Value& arg, const YAML::Mark& at) {
  std::string pattern;
  std::map<std::string, Value> variables;
  if (arg.isScalar()) {
    pattern = arg.text;
  } else if (arg.kind == Value::Kind::kList && arg.items.size() == 2) {
    pattern = str(eval(arg.items[0]), "!Sub string");
    Value vars = eval(arg.items[1]);
    if (vars.kind != Value::Kind::kMap) fail(arg.items[1].mark, "!Sub variables must be a mapping");
    for (const auto& [key, value] : vars.fields) variables.emplace(key, value);
  } else {
    fail(at, "!Sub takes a string or a list of a string and a mapping of variables");
  }
  std::string out;
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    std::size_t open = pattern.find("${", pos);
    if (open == std::string::npos) {
      out += pattern.substr(pos);
      break;
    }
    out += pattern.substr(pos, open - pos);
    std::size_t close = pattern.find('}', open);
    if (close == std::string::npos) fail(at, fmt::format("!Sub: unterminated ${{ in '{}'", pattern));
    std::string name = pattern.substr(open + 2, close - open - 2);
    pos = close + 1;
    if (!name.empty() && name[0] == '!') {
      out += "${" + name.substr(1) + "}";
      continue;
    }
    Value v;
    if (auto it = variables.find(name); it != variables.end()) {
      v = it->second;
    } else if (std::size_t dot = name.find('.'); dot != std::string::npos && name.rfind("AWS::", 0) != 0) {
      v = getAtt(name.substr(0, dot), name.substr(dot + 1), at);
    } else {
      v = ref(name, at, "!Sub ${" + name + "}");
      if (v.kind == Value::Kind::kNoValue) fail(at, fmt::format("!Sub ${{{}}}: AWS::NoValue cannot be substituted", name));
    }
    out += str(v, fmt::format("!Sub ${{{}}}", name));
  }
  return Value::string(out, at);
}

// ---- parameters, rules, outputs ------------------------------------------------------------

void CfnLoader::resolveParameters(const StackSpec& spec) {
  const Value* params = stack_->root.find("Parameters");
  std::set<std::string> unresolved;  // overrides whose @STACK.OUTPUT failed (already reported)
  std::map<std::string, std::string> overrides = parameterOverrides(spec, unresolved);
  std::vector<std::string> declared;
  if (params != nullptr) declared = keysOf(params->fields);
  for (const auto& [key, value] : overrides) {
    if (std::find(declared.begin(), declared.end(), key) == declared.end()) {
      error(params != nullptr ? params->mark : YAML::Mark::null_mark(), "unknown-parameter",
            fmt::format("no parameter named {} in the template{}", key, didYouMean(key, declared, Closeness::kLoose, false)));
    }
  }
  if (params == nullptr) return;
  for (const auto& [name, raw_decl] : params->fields) {
    if (unresolved.count(name) != 0) continue;
    Value decl = raw_decl;
    if (!decl.key_mark.is_null()) decl.mark = decl.key_mark;
    try {
      resolveParameter(name, decl, overrides);
    } catch (const CfnError& e) {
      report(e);
    }
  }
}

// The stack's parameter overrides with `@STACK.OUTPUT` values replaced by that
// earlier stack's output; one that names no such stack or output is reported
// and left out (its key goes to `unresolved`).
std::map<std::string, std::string> CfnLoader::parameterOverrides(const StackSpec& spec,
                                                                 std::set<std::string>& unresolved) {
  std::map<std::string, std::string> overrides;
  for (const auto& [key, raw] : spec.parameter_overrides) {
    std::string value = raw;
    if (!value.empty() && value[0] == '@') {
      std::string ref_text = value.substr(1);
      std::size_t dot = ref_text.find('.');
      std::string stack_name = ref_text.substr(0, dot);
      std::string output = dot == std::string::npos ? "" : ref_text.substr(dot + 1);
      auto stack_it = stack_outputs_.find(stack_name);
      if (stack_it == stack_outputs_.end()) {
        error(YAML::Mark::null_mark(), "unknown-stack",
              fmt::format("parameter {}: {} names no earlier stack {}{}", key, value, stack_name,
                          didYouMean(stack_name, keysOf(stack_outputs_), Closeness::kLoose, false)));
        unresolved.insert(key);
        continue;
      }
      auto out_it = stack_it->second.find(output);
      if (out_it == stack_it->second.end()) {
        error(YAML::Mark::null_mark(), "unknown-output",
              fmt::format("parameter {}: stack {} has no output {}{}", key, stack_name, output,
                          didYouMean(output, keysOf(stack_it->second), Closeness::kLoose, false)));
        unresolved.insert(key);
        continue;
      }
      value = out_it->second;
    }
    overrides[key] = value;
  }
  return overrides;
}

// One declared parameter: the given value, else its Default (a list Default
// joined with commas); SSM parameter types need a given value. List types are
// split at commas; every element is checked against the declared constraints.
void CfnLoader::resolveParameter(const std::string& name, const Value& decl,
                                 const std::map<std::string, std::string>& overrides) {
  std::string type = decl.find("Type") != nullptr ? str(*decl.find("Type"), "parameter Type") : "String";
  auto given = overrides.find(name);
  std::optional<std::string> value;
  const Value* def = decl.find("Default");
  if (given != overrides.end()) {
    value = given->second;
  } else if (type.rfind("AWS::SSM::Parameter::", 0) == 0) {
    fail(decl.mark, fmt::format("parameter {}: type {} cannot be resolved offline (give a value)", name, type),
         "cfn-unsupported");
  } else if (def != nullptr) {
    if (def->kind == Value::Kind::kList) {
      std::string joined;
      for (const auto& item : def->items) joined += (joined.empty() ? "" : ",") + str(item, "Default");
      value = joined;
    } else {
      value = str(*def, "parameter Default");
    }
  } else {
    fail(decl.mark, fmt::format("parameter {} has no default and no value was given", name), "missing-parameter");
  }
  // CloudFormation User Guide, "AWS CloudFormation quotas": the maximum size
  // of a parameter value is 4,096 bytes. Capping it here also bounds what
  // AllowedPattern and the messages below see.
  if (value->size() > kMaxParameterValueBytes) {
    fail(decl.mark,
         fmt::format("parameter {}: the value is {} bytes, more than CloudFormation's limit of {} bytes", name,
                     value->size(), kMaxParameterValueBytes),
         "bad-parameter");
  }
  // A value from the command line has not been through the input reader.
  if (auto problem = checkUtf8Text(*value)) {
    fail(decl.mark, fmt::format("parameter {}: {} at byte {} of the value", name, problem->message, problem->offset + 1),
         "bad-parameter");
  }
  bool is_list = type.rfind("List<", 0) == 0 || type == "CommaDelimitedList" ||
                 type.rfind("AWS::SSM::Parameter::Value<List<", 0) == 0 ||
                 type == "AWS::SSM::Parameter::Value<CommaDelimitedList>";
  std::vector<Value> elements = is_list ? splitList(*value, decl.mark) : std::vector<Value>{Value::string(*value, decl.mark)};
  bool numeric = type == "Number" || type == "List<Number>";
  checkParameterValues(name, decl, elements, numeric);
  stack_->parameters[name] = is_list ? Value::list(std::move(elements), decl.mark) : elements.front();
}

// Number type, AllowedValues, AllowedPattern, MinLength / MaxLength and, for
// numbers, MinValue / MaxValue; a violation names ConstraintDescription when
// the template gives one.
void CfnLoader::checkParameterValues(const std::string& name, const Value& decl, const std::vector<Value>& elements,
                                     bool numeric) {
  std::string described;
  if (const Value* cd = decl.find("ConstraintDescription")) described = str(*cd, "ConstraintDescription");
  auto violation = [&](const std::string& what) {
    fail(decl.mark,
         fmt::format("parameter {}: {}{}", name, what, described.empty() ? "" : " (" + described + ")"),
         "bad-parameter");
  };
  // A bound of MinValue / MaxValue, read once.
  auto bound = [&](const char* key) -> std::optional<std::pair<double, std::string>> {
    const Value* limit = decl.find(key);
    if (limit == nullptr) return std::nullopt;
    std::string text = str(*limit, key);
    double number = 0;
    if (parseDecimal(text, number) != NumberStatus::kOk) {
      fail(limit->mark, fmt::format("parameter {}: {} '{}' is not a finite number", name, key, shortened(text)));
    }
    return std::pair{number, text};
  };
  auto min_value = numeric ? bound("MinValue") : std::nullopt;
  auto max_value = numeric ? bound("MaxValue") : std::nullopt;
  // AllowedPattern is a regular expression the whole value must match
  // (CloudFormation User Guide, "Parameters"). RE2 matches in time linear in
  // the value, so no pattern (such as '(a+)+$') can make a check hang; it
  // rejects what it cannot match that way (backreferences, lookaround).
  std::unique_ptr<RE2> pattern;
  std::string pattern_text;
  if (const Value* allowed = decl.find("AllowedPattern")) {
    pattern_text = str(*allowed, "AllowedPattern");
    RE2::Options options;
    options.set_log_errors(false);
    pattern = std::make_unique<RE2>(pattern_text, options);
    if (!pattern->ok()) {
      fail(allowed->mark, fmt::format("parameter {}: AllowedPattern '{}' is not a valid regular expression ({})", name,
                                      shortened(pattern_text, 200), pattern->error()));
    }
  }
  for (const auto& element : elements) {
    const std::string& text = element.text;
    std::string shown = shortened(text, 100);
    double number = 0;
    NumberStatus status = numeric ? parseDecimal(text, number) : NumberStatus::kOk;
    if (status == NumberStatus::kNotANumber) violation(fmt::format("'{}' is not a number", shown));
    if (status == NumberStatus::kOutOfRange) violation(fmt::format("'{}' is out of range for a number", shown));
    if (const Value* allowed = decl.find("AllowedValues")) {
      auto list = listOf(*allowed, "AllowedValues");
      bool ok = std::any_of(list.begin(), list.end(), [&](const Value& a) { return a.isScalar() && a.text == text; });
      if (!ok) {
        std::string names;
        for (const auto& a : list) names += (names.empty() ? "" : ", ") + a.text;
        violation(fmt::format("'{}' is not one of the allowed values: {}", shown, names));
      }
    }
    if (pattern != nullptr && !RE2::FullMatch(text, *pattern)) {
      violation(described.empty() ? fmt::format("'{}' does not match the allowed pattern {}", shown, pattern_text)
                                  : fmt::format("'{}' does not match the allowed pattern", shown));
    }
    if (const Value* min = decl.find("MinLength");
        min != nullptr && static_cast<long long>(text.size()) < integer(*min, "MinLength")) {
      violation(fmt::format("'{}' is shorter than {} characters", shown, min->text));
    }
    if (const Value* max = decl.find("MaxLength");
        max != nullptr && static_cast<long long>(text.size()) > integer(*max, "MaxLength")) {
      violation(fmt::format("'{}' is longer than {} characters", shown, max->text));
    }
    if (min_value && number < min_value->first) {
      violation(fmt::format("{} is less than the minimum {}", shown, min_value->second));
    }
    if (max_value && number > max_value->first) {
      violation(fmt::format("{} is greater than the maximum {}", shown, max_value->second));
    }
  }
}

void CfnLoader::checkRules() {
  const Value* rules = stack_->root.find("Rules");
  if (rules == nullptr) return;
  for (const auto& [name, rule] : rules->fields) {
    try {
      if (const Value* cond = rule.find("RuleCondition")) {
        if (!truth(eval(*cond), fmt::format("rule {} RuleCondition", name))) continue;
      }
      const Value* assertions = rule.find("Assertions");
      if (assertions == nullptr) continue;
      for (const auto& assertion : listOf(*assertions, "Assertions")) {
        const Value* check = assertion.find("Assert");
        if (check == nullptr) fail(assertion.mark, fmt::format("rule {}: assertion without Assert", name));
        if (truth(eval(*check), fmt::format("rule {} Assert", name))) continue;
        std::string description;
        if (const Value* d = assertion.find("AssertDescription")) description = str(*d, "AssertDescription");
        error(check->mark, "rule-failed",
              fmt::format("rule {} failed{}", name, description.empty() ? "" : ": " + description));
      }
    } catch (const CfnError& e) {
      report(e);
    }
  }
}

void CfnLoader::evaluateOutputs() {
  auto& outputs = stack_outputs_[stack_->name];
  const Value* section = stack_->root.find("Outputs");
  if (section == nullptr) return;
  for (const auto& [name, output] : section->fields) {
    try {
      if (const Value* cond = output.find("Condition")) {
        if (!condition(str(*cond, "output Condition"), cond->mark)) continue;
      }
      const Value* value = output.find("Value");
      if (value == nullptr) fail(output.mark, fmt::format("output {} has no Value", name), "cfn-syntax");
      Value v = eval(*value);
      std::string text;
      if (v.kind == Value::Kind::kList) {
        for (const auto& item : v.items) {
          // Not `(text.empty() ? "" : ",") + str(...)`: GCC 12 warns (-Wrestrict) on it here.
          std::string part = str(item, "output " + name);
          if (!text.empty()) text += ',';
          text += part;
        }
      } else {
        text = str(v, "output " + name);
      }
      outputs[name] = text;
      stack_->outputs[name] = text;
      if (const Value* exp = output.find("Export")) {
        const Value* export_name = exp->find("Name");
        if (export_name == nullptr) fail(exp->mark, fmt::format("output {}: Export has no Name", name), "cfn-syntax");
        std::string key = str(eval(*export_name), "Export Name");
        if (!exports_.emplace(key, text).second) {
          fail(export_name->mark, fmt::format("output {}: export {} is already exported by another stack", name, key));
        }
      }
    } catch (const CfnError& e) {
      report(e);
    }
  }
}

}  // namespace vpcsim::formats::cfn

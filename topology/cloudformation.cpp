// CloudFormation loader: evaluates templates offline (parameters, conditions, intrinsics) and maps their network.
#include "topology/cloudformation.h"

#include "topology/aws_defaults.h"
#include "topology/suggest.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace vpcsim::topology {
namespace {

// ---- errors ------------------------------------------------------------------

// Thrown inside the evaluator only; loadStacks() turns it into a Diagnostic.
struct CfnError {
  std::string code;
  std::string message;
  YAML::Mark mark;
};

[[noreturn]] void fail(const YAML::Mark& mark, std::string message, std::string code = "cfn-eval") {
  throw CfnError{std::move(code), std::move(message), mark};
}




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

bool isNumberText(const std::string& s) {
  static const std::regex kNumber(R"(^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$)");
  return std::regex_match(s, kNumber);
}

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

Value fromYaml(const YAML::Node& node, bool ignore_tag = false);

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

uint64_t fnv1a(std::string_view text) {
  uint64_t hash = 1469598103934665603ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

// "vpc-" + 17 hex digits, like the IDs AWS hands out, from a stable key.
std::string makeId(std::string_view prefix, std::string_view key) {
  uint64_t high = fnv1a(key);
  uint64_t low = fnv1a(std::string(key) + "#");
  return fmt::format("{}{:016x}{:x}", prefix, high, low & 0xFU);
}

// Region -> availability zones, as Fn::GetAZs returns them offline.
std::vector<std::string> regionAzs(const std::string& region) {
  std::string letters = region == "us-east-1" ? "abcdef" : "abc";
  std::vector<std::string> out;
  for (char c : letters) out.push_back(region + c);
  return out;
}

std::string partitionOf(const std::string& region) {
  if (region.rfind("cn-", 0) == 0) return "aws-cn";
  if (region.rfind("us-gov-", 0) == 0) return "aws-us-gov";
  return "aws";
}

// ---- per-type knowledge ------------------------------------------------------------

struct TypeInfo {
  std::string_view type;
  std::string_view id_prefix;               ///< Ref returns prefix + hash
  std::vector<std::string_view> attributes;  ///< Fn::GetAtt names (AWS CloudFormation Template Reference)
};

const std::vector<TypeInfo>& typeTable() {
  static const std::vector<TypeInfo> kTypes = {
      {"AWS::EC2::VPC", "vpc-", {"CidrBlock", "CidrBlockAssociations", "DefaultNetworkAcl", "DefaultSecurityGroup",
                                 "Ipv6CidrBlocks", "VpcId"}},
      {"AWS::EC2::VPCCidrBlock", "vpc-cidr-assoc-", {"Id", "Ipv6CidrBlock", "IpSource", "Ipv6AddressAttribute"}},
      {"AWS::EC2::Subnet", "subnet-", {"AvailabilityZone", "AvailabilityZoneId", "CidrBlock", "Ipv6CidrBlocks",
                                       "NetworkAclAssociationId", "OutpostArn", "SubnetId", "VpcId",
                                       "BlockPublicAccessStates"}},
      {"AWS::EC2::RouteTable", "rtb-", {"RouteTableId"}},
      {"AWS::EC2::Route", "rtb-route-", {"CidrBlock"}},
      {"AWS::EC2::SubnetRouteTableAssociation", "rtbassoc-", {"Id"}},
      {"AWS::EC2::GatewayRouteTableAssociation", "rtbassoc-", {"AssociationId"}},
      {"AWS::EC2::InternetGateway", "igw-", {"InternetGatewayId"}},
      {"AWS::EC2::EgressOnlyInternetGateway", "eigw-", {"Id"}},
      {"AWS::EC2::VPCGatewayAttachment", "vpcgwattach-", {}},
      {"AWS::EC2::VPNGateway", "vgw-", {"VPNGatewayId"}},
      {"AWS::EC2::VPNGatewayRoutePropagation", "vgwprop-", {}},
      {"AWS::EC2::NatGateway", "nat-", {"NatGatewayId", "EniId"}},
      {"AWS::EC2::EIP", "eipalloc-", {"AllocationId", "PublicIp"}},
      {"AWS::EC2::EIPAssociation", "eipassoc-", {"Id"}},
      {"AWS::EC2::SecurityGroup", "sg-", {"GroupId", "VpcId"}},
      {"AWS::EC2::SecurityGroupIngress", "sgr-", {"Id"}},
      {"AWS::EC2::SecurityGroupEgress", "sgr-", {"Id"}},
      {"AWS::EC2::NetworkAcl", "acl-", {"Id"}},
      {"AWS::EC2::NetworkAclEntry", "aclentry-", {"Id"}},
      {"AWS::EC2::SubnetNetworkAclAssociation", "aclassoc-", {"AssociationId"}},
      {"AWS::EC2::VPCEndpoint", "vpce-", {"CreationTimestamp", "DnsEntries", "Id", "NetworkInterfaceIds"}},
      {"AWS::EC2::VPCPeeringConnection", "pcx-", {"Id"}},
      {"AWS::EC2::TransitGateway", "tgw-", {"Id", "TransitGatewayArn"}},
      {"AWS::EC2::TransitGatewayAttachment", "tgw-attach-", {"Id"}},
      {"AWS::EC2::TransitGatewayVpcAttachment", "tgw-attach-", {"Id"}},
      {"AWS::EC2::TransitGatewayRouteTable", "tgw-rtb-", {"TransitGatewayRouteTableId"}},
      {"AWS::EC2::TransitGatewayRoute", "tgw-route-", {}},
      {"AWS::EC2::TransitGatewayRouteTableAssociation", "tgw-rtbassoc-", {}},
      {"AWS::EC2::TransitGatewayRouteTablePropagation", "tgw-rtbprop-", {}},
      {"AWS::EC2::NetworkInterface", "eni-", {"Id", "PrimaryPrivateIpAddress", "SecondaryPrivateIpAddresses",
                                             "PrimaryIpv6Address", "Ipv6Addresses"}},
      {"AWS::EC2::Instance", "i-", {"AvailabilityZone", "InstanceId", "PrivateDnsName", "PrivateIp", "PublicDnsName",
                                    "PublicIp", "VpcId"}},
      {"AWS::EC2::PrefixList", "pl-", {"Arn", "OwnerId", "PrefixListId", "Version"}},
  };
  return kTypes;
}

const TypeInfo* typeInfo(std::string_view type) {
  for (const auto& info : typeTable()) {
    if (info.type == type) return &info;
  }
  return nullptr;
}

// ---- the loader ----------------------------------------------------------------------

struct Resource {
  std::string logical;
  std::string type;
  std::string condition;  ///< empty: unconditional
  bool active = true;
  std::string id;         ///< what Ref returns for EC2 types
  const Value* node = nullptr;
  YAML::Mark mark;
  std::optional<Value> props;
  bool evaluating = false;
  std::size_t order = 0;
};

struct StackState {
  std::string name;
  std::string label;  ///< file name used in locations
  Value root;
  std::map<std::string, Value> parameters;
  std::map<std::string, const Value*> condition_nodes;
  std::map<std::string, bool> conditions;
  std::set<std::string> conditions_in_progress;
  std::map<std::string, Resource> resources;
  std::map<std::string, std::string> outputs;
};

struct Pending {
  std::string label;
  int line = -1;
  int column = -1;
  Diagnostic diagnostic;
};

class CfnLoader {
 public:
  CfnLoader(const LoadOptions& options, Topology& into) : options_(options), into_(into) {}
  bool run(const std::vector<StackSpec>& stacks, std::vector<Diagnostic>& errors);

 private:
  // -- diagnostics --
  std::string loc(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.line < 0) return stack_->label;
    return fmt::format("{}:{}:{}", stack_->label, mark.line + 1, mark.column + 1);
  }
  void error(const YAML::Mark& mark, std::string code, std::string message) {
    bool known = !mark.is_null() && mark.line >= 0;
    pending_.push_back({stack_->label, known ? mark.line : -1, known ? mark.column : -1,
                        Diagnostic{std::move(code), std::move(message), loc(mark)}});
  }
  void report(const CfnError& e) { error(e.mark, e.code, e.message); }

  // -- stack phases --
  bool loadStack(const StackSpec& spec);
  void resolveParameters(const StackSpec& spec);
  void checkRules();
  void registerResources();
  void buildResources();
  void evaluateOutputs();

  // -- evaluation --
  Value eval(const Value& v);
  Value evalFunction(const std::string& name, const Value& arg, const Value& call);
  bool condition(const std::string& name, const YAML::Mark& at);
  bool truth(const Value& v, std::string_view what);
  Value ref(const std::string& name, const YAML::Mark& at, std::string_view shown);
  Value getAtt(const std::string& logical, const std::string& attribute, const YAML::Mark& at);
  Value sub(const Value& arg, const YAML::Mark& at);
  std::string str(const Value& v, std::string_view what);
  std::vector<Value> listOf(const Value& v, std::string_view what);
  long long integer(const Value& v, std::string_view what);
  const Value& props(Resource& r);
  Resource* resource(const std::string& logical);
  std::string physicalId(const Resource& r) const;
  Ipv4 eipAddress(const std::string& allocation_id);
  std::optional<Ipv4> privateIpFor(Resource& r, const std::string& subnet_id, const Value* requested);
  std::string subnetAz(const std::string& subnet_id);
  std::vector<std::string> firewallSubnets(Resource& r);

  // -- property access on evaluated Properties --
  const Value* prop(const Resource& r, std::string_view key) const;
  std::optional<std::string> text(Resource& r, std::string_view key, bool required = false);
  std::vector<std::string> texts(Resource& r, std::string_view key);
  bool flag(Resource& r, std::string_view key, bool fallback);
  std::optional<Cidr> cidr(Resource& r, std::string_view key, bool required = false);
  ResourceMeta meta(Resource& r, const std::string& id);

  // -- model lookups (new resources first, then what `into` held) --
  template <typename T>
  T* lookup(std::vector<T>& mine, std::vector<T>& existing, std::string_view id) {
    for (auto& item : mine) {
      if (item.meta.id == id) return &item;
    }
    for (auto& item : existing) {
      if (item.meta.id == id) return &item;
    }
    return nullptr;
  }
  Vpc* vpc(std::string_view id) { return lookup(out_.vpcs, into_.vpcs, id); }
  Subnet* subnet(std::string_view id) { return lookup(out_.subnets, into_.subnets, id); }
  RouteTable* routeTable(std::string_view id) { return lookup(out_.route_tables, into_.route_tables, id); }
  SecurityGroup* securityGroup(std::string_view id) {
    return lookup(out_.security_groups, into_.security_groups, id);
  }
  // Built already, or a group of this stack built later (rules may name groups defined further down).
  bool knownSecurityGroup(const std::string& id) {
    if (securityGroup(id) != nullptr) return true;
    for (const auto& [logical, r] : stack_->resources) {
      if (r.active && r.type == "AWS::EC2::SecurityGroup" && r.id == id) return true;
    }
    return false;
  }
  NetworkAcl* networkAcl(std::string_view id) { return lookup(out_.network_acls, into_.network_acls, id); }
  Eni* eni(std::string_view id) { return lookup(out_.enis, into_.enis, id); }
  template <typename T>
  T* need(Resource& r, std::string_view key, const std::string& id, std::string_view kind, T* found) {
    if (found == nullptr) {
      const Value* at = prop(r, key);
      error(at != nullptr ? at->mark : r.mark, "unknown-reference",
            fmt::format("{}.{}: no {} '{}' in the loaded stacks", r.logical, key, kind, id));
    }
    return found;
  }
  std::string vpcOfSubnet(const std::string& subnet_id) {
    Subnet* s = subnet(subnet_id);
    return s != nullptr ? s->vpc_id : std::string();
  }

  // -- builders --
  void build(Resource& r);
  void buildVpc(Resource& r);
  void buildVpcCidr(Resource& r);
  void buildSubnet(Resource& r);
  void buildInternetGateway(Resource& r, bool egress_only);
  void buildVpnGateway(Resource& r);
  void buildGatewayAttachment(Resource& r);
  void buildSecurityGroup(Resource& r);
  void buildSgRule(Resource& r, bool egress);
  std::vector<SgRule> sgRules(Resource& r, const Value& rule, bool egress, int index, const std::string& self_id);
  void buildRouteTable(Resource& r);
  void buildRoute(Resource& r);
  void buildSubnetRouteTableAssociation(Resource& r);
  void buildGatewayRouteTableAssociation(Resource& r);
  void buildVgwPropagation(Resource& r);
  void buildNetworkAcl(Resource& r);
  void buildNetworkAclEntry(Resource& r);
  void buildSubnetAclAssociation(Resource& r);
  void buildEip(Resource& r);
  void buildEipAssociation(Resource& r);
  void buildNatGateway(Resource& r);
  void buildNetworkInterface(Resource& r);
  void buildInstance(Resource& r);
  void buildEndpoint(Resource& r);
  void buildFirewall(Resource& r);
  void buildPeering(Resource& r);
  void buildPrefixList(Resource& r);
  void buildTransitGateway(Resource& r);
  void buildTgwAttachment(Resource& r);
  void buildTgwRouteTable(Resource& r);
  void buildTgwRoute(Resource& r);
  void buildTgwAssociation(Resource& r, bool propagation);
  void buildStudioDomain(Resource& r);
  void buildUserProfile(Resource& r);
  void addLocalRoutes(RouteTable& table, const Vpc& owner, const std::string& source);
  void assignDefaultAcls();
  void ignore(const Resource& r, std::string reason) {
    out_.ignored.push_back({loc(r.mark), r.type + " " + r.logical, std::move(reason)});
  }

  const LoadOptions& options_;
  Topology& into_;
  Topology out_;
  StackState* stack_ = nullptr;
  std::vector<Pending> pending_;
  std::map<std::string, std::map<std::string, std::string>> stack_outputs_;  // stack -> output -> value
  std::map<std::string, std::string> exports_;
  std::map<std::string, Ipv4> eip_addresses_;            // allocation id -> public ip
  std::set<uint32_t> used_public_;
  std::map<std::string, uint32_t> next_host_;           // subnet -> next free offset
  std::map<std::string, Ipv4> allocated_ips_;           // "stack/logical" -> private ip
  std::map<std::string, std::string> instance_enis_;    // instance id -> primary eni id
  std::set<std::string> default_egress_;                // SGs still holding the implicit allow-all egress
  std::map<std::string, std::string> subnet_acl_;       // subnet -> explicitly associated acl
  std::map<std::string, std::string> default_acl_of_vpc_;
  std::map<std::string, std::string> main_table_of_vpc_;
  std::string region_;
  std::string account_;
};

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

// "!Select" for messages, whatever form the template used.
std::string shortName(const std::string& name) {
  return "!" + (name.rfind("Fn::", 0) == 0 ? name.substr(4) : name);
}

Value CfnLoader::evalFunction(const std::string& name, const Value& arg, const Value& call) {
  const YAML::Mark& at = call.mark;
  std::string shown = shortName(name);
  auto args = [&](std::size_t min, std::size_t max) {
    if (arg.kind != Value::Kind::kList || arg.items.size() < min || arg.items.size() > max) {
      std::string count = min == max ? std::to_string(min) : fmt::format("{} to {}", min, max);
      fail(at, fmt::format("{} takes a list of {} arguments", shown, count));
    }
    return arg.items;
  };
  if (name == "Ref") {
    return ref(str(arg, "!Ref argument"), at, "!Ref");
  }
  if (name == "Condition") {
    return Value::boolean(condition(str(arg, "!Condition argument"), at), at);
  }
  if (name == "Fn::GetAtt") {
    std::string logical;
    std::string attribute;
    if (arg.isScalar()) {
      std::size_t dot = arg.text.find('.');
      if (dot == std::string::npos) fail(at, fmt::format("!GetAtt {}: expected LogicalId.Attribute", arg.text));
      logical = arg.text.substr(0, dot);
      attribute = arg.text.substr(dot + 1);
    } else {
      auto items = args(2, 2);
      logical = str(eval(items[0]), "!GetAtt resource");
      attribute = str(eval(items[1]), "!GetAtt attribute");
    }
    return getAtt(logical, attribute, at);
  }
  if (name == "Fn::Sub") return sub(arg, at);
  if (name == "Fn::Join") {
    auto items = args(2, 2);
    std::string delimiter = str(eval(items[0]), "!Join delimiter");
    Value list = eval(items[1]);
    std::string out;
    bool first = true;
    for (const auto& item : listOf(list, "!Join list")) {
      out += (first ? "" : delimiter) + str(item, "each !Join element");
      first = false;
    }
    return Value::string(out, at);
  }
  if (name == "Fn::Select") {
    auto items = args(2, 2);
    long long index = integer(eval(items[0]), "!Select index");
    auto list = listOf(eval(items[1]), "!Select list");
    if (index < 0 || static_cast<std::size_t>(index) >= list.size()) {
      fail(at, fmt::format("!Select index {} is out of range (list has {} element{})", index, list.size(),
                           list.size() == 1 ? "" : "s"));
    }
    return list[static_cast<std::size_t>(index)];
  }
  if (name == "Fn::Split") {
    auto items = args(2, 2);
    std::string delimiter = str(eval(items[0]), "!Split delimiter");
    std::string text = str(eval(items[1]), "!Split string");
    if (delimiter.empty()) fail(at, "!Split delimiter must not be empty");
    std::vector<Value> parts;
    std::size_t start = 0;
    while (true) {
      std::size_t pos = text.find(delimiter, start);
      parts.push_back(Value::string(text.substr(start, pos == std::string::npos ? std::string::npos : pos - start), at));
      if (pos == std::string::npos) break;
      start = pos + delimiter.size();
    }
    return Value::list(std::move(parts), at);
  }
  if (name == "Fn::If") {
    auto items = args(3, 3);
    std::string cond = str(items[0], "!If condition name");
    return eval(condition(cond, items[0].mark.is_null() ? at : items[0].mark) ? items[1] : items[2]);
  }
  if (name == "Fn::Equals") {
    auto items = args(2, 2);
    return Value::boolean(sameValue(eval(items[0]), eval(items[1])), at);
  }
  if (name == "Fn::And" || name == "Fn::Or") {
    auto items = args(2, 10);
    bool is_and = name == "Fn::And";
    bool result = is_and;
    for (const auto& item : items) {
      bool b = truth(eval(item), shown + " argument");
      result = is_and ? (result && b) : (result || b);
    }
    return Value::boolean(result, at);
  }
  if (name == "Fn::Not") {
    auto items = args(1, 1);
    return Value::boolean(!truth(eval(items[0]), "!Not argument"), at);
  }
  if (name == "Fn::FindInMap") {
    auto items = args(3, 4);
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
      fail(at, std::move(message));
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
  if (name == "Fn::GetAZs") {
    std::string region = str(eval(arg), "!GetAZs region");
    return Value::strings(regionAzs(region.empty() ? region_ : region), at);
  }
  if (name == "Fn::Cidr") {
    auto items = args(3, 3);
    std::string block_text = str(eval(items[0]), "!Cidr ip block");
    long long count = integer(eval(items[1]), "!Cidr count");
    long long bits = integer(eval(items[2]), "!Cidr cidr bits");
    auto block = Cidr::parseLoose(block_text);
    if (!block) fail(at, fmt::format("!Cidr {}: {}", block_text, block.error()));
    if (count < 1 || count > 256) fail(at, fmt::format("!Cidr count {} is out of range (1-256)", count));
    long long prefix = 32 - bits;
    if (bits < 0 || prefix < block->prefix()) {
      fail(at, fmt::format("!Cidr cidr bits {} do not fit in {} (at most {})", bits, block->str(),
                           32 - block->prefix()));
    }
    uint64_t step = uint64_t{1} << static_cast<unsigned>(bits);
    if (static_cast<uint64_t>(count) * step > block->size()) {
      fail(at, fmt::format("!Cidr cannot fit {} /{} blocks in {}", count, prefix, block->str()));
    }
    std::vector<Value> out;
    for (long long i = 0; i < count; ++i) {
      uint64_t base = block->base().value() + static_cast<uint64_t>(i) * step;
      out.push_back(Value::string(Cidr::of(Ipv4(static_cast<uint32_t>(base)), static_cast<int>(prefix)).str(), at));
    }
    return Value::list(std::move(out), at);
  }
  if (name == "Fn::ImportValue") {
    std::string export_name = str(eval(arg), "!ImportValue name");
    auto it = exports_.find(export_name);
    if (it == exports_.end()) {
      fail(at, fmt::format("!ImportValue {}: no stack exports {}{}", export_name, export_name,
                           didYouMean(export_name, keysOf(exports_), Closeness::kLoose, false)));
    }
    return Value::string(it->second, at);
  }
  if (name == "Fn::Base64") return Value::string(base64(str(eval(arg), "!Base64 argument")), at);
  if (name == "Fn::Length") {
    Value list = eval(arg);
    Value out = Value::string(std::to_string(listOf(list, "!Length argument").size()), at);
    out.kind = Value::Kind::kNumber;
    return out;
  }
  if (name == "Fn::ToJsonString") return Value::string(toJson(eval(arg)).dump(), at);
  if (name == "Fn::Contains") {
    auto items = args(2, 2);
    std::string needle = str(eval(items[1]), "!Contains value");
    for (const auto& item : listOf(eval(items[0]), "!Contains list")) {
      if (item.isScalar() && item.text == needle) return Value::boolean(true, at);
    }
    return Value::boolean(false, at);
  }
  if (name == "Fn::EachMemberEquals") {
    auto items = args(2, 2);
    std::string expected = str(eval(items[1]), "!EachMemberEquals value");
    for (const auto& item : listOf(eval(items[0]), "!EachMemberEquals list")) {
      if (!item.isScalar() || item.text != expected) return Value::boolean(false, at);
    }
    return Value::boolean(true, at);
  }
  if (name == "Fn::EachMemberIn") {
    auto items = args(2, 2);
    auto allowed = listOf(eval(items[1]), "!EachMemberIn allowed list");
    for (const auto& item : listOf(eval(items[0]), "!EachMemberIn list")) {
      bool found = std::any_of(allowed.begin(), allowed.end(), [&](const Value& a) { return sameValue(a, item); });
      if (!found) return Value::boolean(false, at);
    }
    return Value::boolean(true, at);
  }
  fail(at, fmt::format("{} cannot be evaluated offline", shown), "cfn-unsupported");
}

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
  std::string suffix = fmt::format("{:012X}", fnv1a(stack_->name + "/" + r.logical) & 0xFFFFFFFFFFFFULL);
  return fmt::format("{}-{}-{}", stack_->name, r.logical, suffix);
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
  return Value::string(physicalId(*r), at);
}

// Elastic IPs get stable public addresses in 3.0.0.0/8 (an AWS-owned,
// publicly routed block; not an RFC 5737 documentation range, which vpcsim
// treats as non-public), derived from the allocation ID's hash.
Ipv4 CfnLoader::eipAddress(const std::string& allocation_id) {
  if (auto it = eip_addresses_.find(allocation_id); it != eip_addresses_.end()) return it->second;
  uint32_t host = static_cast<uint32_t>(fnv1a(allocation_id) & 0xFFFFFFU);
  if ((host & 0xFFU) == 0 || (host & 0xFFU) == 255) host ^= 0x10U;
  while (used_public_.count(host) != 0) host = (host + 1) & 0xFFFFFFU;
  used_public_.insert(host);
  Ipv4 ip((3U << 24U) | host);
  eip_addresses_.emplace(allocation_id, ip);
  return ip;
}

// A private address in the subnet: the requested one, else the lowest free
// host after the four AWS reserves at the start of every subnet (VPC User
// Guide: Subnet CIDR blocks).
std::optional<Ipv4> CfnLoader::privateIpFor(Resource& r, const std::string& subnet_id, const Value* requested) {
  std::string key = stack_->name + "/" + r.logical;
  if (auto it = allocated_ips_.find(key); it != allocated_ips_.end()) return it->second;
  Subnet* s = subnet(subnet_id);
  std::optional<Ipv4> ip;
  if (requested != nullptr && requested->isScalar()) {
    auto parsed = Ipv4::parse(requested->text);
    if (!parsed) fail(requested->mark, fmt::format("{}: {}", r.logical, parsed.error()), "bad-ip");
    if (s != nullptr && !s->cidr.contains(*parsed)) {
      fail(requested->mark, fmt::format("{}: {} is outside subnet {} ({})", r.logical, parsed->str(), subnet_id,
                                        s->cidr.str()),
           "bad-ip");
    }
    ip = *parsed;
  } else if (s != nullptr) {
    uint32_t& next = next_host_.emplace(subnet_id, 4U).first->second;
    std::set<uint32_t> used;
    for (const auto* list : {&out_.enis, &into_.enis}) {
      for (const auto& e : *list) {
        for (const auto& p : e.private_ips) used.insert(p.value());
      }
    }
    while (s->cidr.base().value() + next < s->cidr.last().value() && used.count(s->cidr.base().value() + next) != 0) {
      ++next;
    }
    if (s->cidr.base().value() + next >= s->cidr.last().value()) {
      fail(r.mark, fmt::format("{}: subnet {} ({}) has no free address left", r.logical, subnet_id, s->cidr.str()));
    }
    ip = Ipv4(s->cidr.base().value() + next);
    ++next;
  }
  if (ip) allocated_ips_.emplace(key, *ip);
  return ip;
}

std::string CfnLoader::subnetAz(const std::string& subnet_id) {
  if (Subnet* s = subnet(subnet_id)) return s->availability_zone;
  for (auto& [logical, r] : stack_->resources) {
    if (r.type == "AWS::EC2::Subnet" && r.id == subnet_id && r.active) {
      const Value* az = props(r).find("AvailabilityZone");
      return az != nullptr && az->isScalar() ? az->text : region_ + "a";
    }
  }
  return region_ + "a";
}

std::vector<std::string> CfnLoader::firewallSubnets(Resource& r) {
  std::vector<std::string> out;
  const Value* mappings = props(r).find("SubnetMappings");
  if (mappings == nullptr) return out;
  for (const auto& m : listOf(*mappings, r.logical + ".SubnetMappings")) {
    const Value* id = m.find("SubnetId");
    if (id != nullptr) out.push_back(str(*id, r.logical + ".SubnetMappings.SubnetId"));
  }
  return out;
}

Value CfnLoader::getAtt(const std::string& logical, const std::string& attribute, const YAML::Mark& at) {
  std::string shown = fmt::format("!GetAtt {}.{}", logical, attribute);
  Resource* r = resource(logical);
  if (r == nullptr) {
    fail(at, fmt::format("{}: no resource named {}{}", shown, logical, didYouMean(logical, keysOf(stack_->resources), Closeness::kLoose, false)));
  }
  if (!r->active) fail(at, fmt::format("{}: resource {} is not created (condition {} is false)", shown, logical, r->condition));
  const std::string& type = r->type;
  auto prop_text = [&](std::string_view key, std::string fallback) {
    const Value* v = props(*r).find(key);
    return Value::string(v != nullptr && v->isScalar() ? v->text : std::move(fallback), at);
  };
  auto synth = [&](std::string_view prefix, std::string_view what) {
    return Value::string(makeId(prefix, stack_->name + "/" + logical + "/" + std::string(what)), at);
  };
  if (const TypeInfo* info = typeInfo(type)) {
    if (std::find(info->attributes.begin(), info->attributes.end(), attribute) == info->attributes.end()) {
      std::vector<std::string> names(info->attributes.begin(), info->attributes.end());
      fail(at, fmt::format("{}: {} has no attribute {}{}", shown, type, attribute, didYouMean(attribute, names, Closeness::kLoose, false)));
    }
    if (type == "AWS::EC2::VPC") {
      if (attribute == "CidrBlock") return prop_text("CidrBlock", "");
      if (attribute == "CidrBlockAssociations") return Value::list({synth("vpc-cidr-assoc-", "cidr")}, at);
      if (attribute == "DefaultNetworkAcl") return synth("acl-", "default-acl");
      if (attribute == "DefaultSecurityGroup") return synth("sg-", "default-sg");
      if (attribute == "Ipv6CidrBlocks") return Value::list({}, at);
      return Value::string(r->id, at);
    }
    if (type == "AWS::EC2::Subnet") {
      if (attribute == "AvailabilityZone") return Value::string(subnetAz(r->id), at);
      if (attribute == "AvailabilityZoneId") {
        std::string az = subnetAz(r->id);
        return Value::string(fmt::format("az-{}{}", az.empty() ? 'a' : az.back(), 1), at);
      }
      if (attribute == "CidrBlock") return prop_text("CidrBlock", "");
      if (attribute == "VpcId") return prop_text("VpcId", "");
      if (attribute == "NetworkAclAssociationId") return synth("aclassoc-", "acl-association");
      if (attribute == "Ipv6CidrBlocks" || attribute == "BlockPublicAccessStates") return Value::list({}, at);
      if (attribute == "OutpostArn") return Value::string("", at);
      return Value::string(r->id, at);
    }
    if (type == "AWS::EC2::SecurityGroup" && attribute == "VpcId") return prop_text("VpcId", "");
    if (type == "AWS::EC2::EIP") {
      if (attribute == "PublicIp") return Value::string(eipAddress(r->id).str(), at);
      return Value::string(r->id, at);
    }
    if (type == "AWS::EC2::NatGateway" && attribute == "EniId") return synth("eni-", "eni");
    if (type == "AWS::EC2::VPCEndpoint") {
      if (attribute == "CreationTimestamp") return Value::string("2024-01-01T00:00:00.000Z", at);
      std::vector<std::string> subnets;
      if (const Value* ids = props(*r).find("SubnetIds"); ids != nullptr && ids->kind == Value::Kind::kList) {
        for (const auto& item : ids->items) subnets.push_back(str(item, logical + ".SubnetIds"));
      }
      if (attribute == "NetworkInterfaceIds") {
        std::vector<std::string> enis;
        for (const auto& s : subnets) enis.push_back(makeId("eni-", stack_->name + "/" + logical + "/" + s));
        return Value::strings(enis, at);
      }
      if (attribute == "DnsEntries") {
        std::string service = prop_text("ServiceName", "").text;
        std::size_t dot = service.rfind('.');
        std::string short_service = dot == std::string::npos ? service : service.substr(dot + 1);
        std::vector<std::string> entries = {
            fmt::format("Z7HUB22UULQXV:{}-{:08x}.{}.{}.vpce.amazonaws.com", r->id, fnv1a(r->id) & 0xFFFFFFFFU,
                        short_service, region_)};
        for (const auto& s : subnets) {
          entries.push_back(fmt::format("Z7HUB22UULQXV:{}-{:08x}-{}.{}.{}.vpce.amazonaws.com", r->id,
                                        fnv1a(r->id) & 0xFFFFFFFFU, subnetAz(s), short_service, region_));
        }
        return Value::strings(entries, at);
      }
      return Value::string(r->id, at);
    }
    if (type == "AWS::EC2::NetworkInterface" || type == "AWS::EC2::Instance") {
      if (attribute == "PrimaryPrivateIpAddress" || attribute == "PrivateIp") {
        const Value* subnet_id = props(*r).find("SubnetId");
        std::string sid = subnet_id != nullptr && subnet_id->isScalar() ? subnet_id->text : "";
        const Value* requested = props(*r).find(type == "AWS::EC2::Instance" ? "PrivateIpAddress" : "PrivateIpAddress");
        auto ip = privateIpFor(*r, sid, requested);
        return Value::string(ip ? ip->str() : "", at);
      }
      if (attribute == "SecondaryPrivateIpAddresses" || attribute == "Ipv6Addresses") return Value::list({}, at);
      if (attribute == "AvailabilityZone") {
        const Value* subnet_id = props(*r).find("SubnetId");
        return Value::string(subnet_id != nullptr && subnet_id->isScalar() ? subnetAz(subnet_id->text) : region_ + "a", at);
      }
      if (attribute == "VpcId") {
        const Value* subnet_id = props(*r).find("SubnetId");
        return Value::string(subnet_id != nullptr && subnet_id->isScalar() ? vpcOfSubnet(subnet_id->text) : "", at);
      }
      if (attribute == "PublicIp") return Value::string("", at);
      if (attribute == "PrivateDnsName" || attribute == "PublicDnsName" || attribute == "PrimaryIpv6Address") {
        return Value::string("", at);
      }
      return Value::string(r->id, at);
    }
    if (attribute == "Arn" || attribute == "TransitGatewayArn") {
      return Value::string(fmt::format("arn:{}:ec2:{}:{}:{}", partitionOf(region_), region_, account_, r->id), at);
    }
    if (attribute == "OwnerId") return Value::string(account_, at);
    if (attribute == "Version") return Value::string("1", at);
    return Value::string(r->id, at);
  }
  if (type == "AWS::NetworkFirewall::Firewall") {
    if (attribute == "EndpointIds") {
      std::vector<std::string> out;
      for (const auto& s : firewallSubnets(*r)) {
        out.push_back(subnetAz(s) + ":" + makeId("vpce-", stack_->name + "/" + logical + "/" + s));
      }
      return Value::strings(out, at);
    }
    if (attribute == "FirewallId") return Value::string(makeId("", stack_->name + "/" + logical), at);
    return Value::string(physicalId(*r), at);
  }
  if (type == "AWS::SageMaker::Domain") {
    if (attribute == "DomainId") return Value::string(r->id, at);
    if (attribute == "Url") return Value::string(fmt::format("https://{}.studio.{}.sagemaker.aws", r->id, region_), at);
    if (attribute == "SecurityGroupIdForDomainBoundary") return synth("sg-", "domain-boundary");
    if (attribute == "HomeEfsFileSystemId") return synth("fs-", "efs");
    return Value::string(fmt::format("arn:{}:sagemaker:{}:{}:domain/{}", partitionOf(region_), region_, account_, r->id), at);
  }
  // Not a networking type: a placeholder that keeps the template evaluable.
  std::string physical = physicalId(*r);
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

// ---- parameters, rules, resources, outputs ------------------------------------------------

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

void CfnLoader::resolveParameters(const StackSpec& spec) {
  const Value* params = stack_->root.find("Parameters");
  std::map<std::string, std::string> overrides;
  std::set<std::string> unresolved;  // overrides whose @STACK.OUTPUT failed (already reported)
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
      bool is_list = type.rfind("List<", 0) == 0 || type == "CommaDelimitedList" ||
                     type.rfind("AWS::SSM::Parameter::Value<List<", 0) == 0 ||
                     type == "AWS::SSM::Parameter::Value<CommaDelimitedList>";
      std::vector<Value> elements = is_list ? splitList(*value, decl.mark) : std::vector<Value>{Value::string(*value, decl.mark)};
      std::string described;
      if (const Value* cd = decl.find("ConstraintDescription")) described = str(*cd, "ConstraintDescription");
      auto violation = [&](const std::string& what) {
        fail(decl.mark,
             fmt::format("parameter {}: {}{}", name, what, described.empty() ? "" : " (" + described + ")"),
             "bad-parameter");
      };
      bool numeric = type == "Number" || type == "List<Number>";
      for (const auto& element : elements) {
        const std::string& text = element.text;
        if (numeric && !isNumberText(text)) violation(fmt::format("'{}' is not a number", text));
        if (const Value* allowed = decl.find("AllowedValues")) {
          auto list = listOf(*allowed, "AllowedValues");
          bool ok = std::any_of(list.begin(), list.end(), [&](const Value& a) { return a.isScalar() && a.text == text; });
          if (!ok) {
            std::string names;
            for (const auto& a : list) names += (names.empty() ? "" : ", ") + a.text;
            violation(fmt::format("'{}' is not one of the allowed values: {}", text, names));
          }
        }
        if (const Value* pattern = decl.find("AllowedPattern")) {
          std::string re = str(*pattern, "AllowedPattern");
          bool ok = false;
          try {
            ok = std::regex_match(text, std::regex(re, std::regex::ECMAScript));
          } catch (const std::regex_error&) {
            fail(pattern->mark, fmt::format("parameter {}: AllowedPattern '{}' is not a valid regular expression", name, re));
          }
          if (!ok) {
            violation(described.empty() ? fmt::format("'{}' does not match the allowed pattern {}", text, re)
                                        : fmt::format("'{}' does not match the allowed pattern", text));
          }
        }
        if (const Value* min = decl.find("MinLength"); min != nullptr && static_cast<long long>(text.size()) < integer(*min, "MinLength")) {
          violation(fmt::format("'{}' is shorter than {} characters", text, min->text));
        }
        if (const Value* max = decl.find("MaxLength"); max != nullptr && static_cast<long long>(text.size()) > integer(*max, "MaxLength")) {
          violation(fmt::format("'{}' is longer than {} characters", text, max->text));
        }
        if (numeric && isNumberText(text)) {
          double number = std::stod(text);
          if (const Value* min = decl.find("MinValue"); min != nullptr && number < std::stod(str(*min, "MinValue"))) {
            violation(fmt::format("{} is less than the minimum {}", text, min->text));
          }
          if (const Value* max = decl.find("MaxValue"); max != nullptr && number > std::stod(str(*max, "MaxValue"))) {
            violation(fmt::format("{} is greater than the maximum {}", text, max->text));
          }
        }
      }
      stack_->parameters[name] = is_list ? Value::list(std::move(elements), decl.mark) : elements.front();
    } catch (const CfnError& e) {
      report(e);
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

void CfnLoader::registerResources() {
  const Value* resources = stack_->root.find("Resources");
  if (resources == nullptr || resources->kind != Value::Kind::kMap) {
    error(stack_->root.mark, "cfn-syntax", "the template has no Resources section");
    return;
  }
  std::size_t order = 0;
  for (const auto& [logical, node] : resources->fields) {
    Resource r;
    r.logical = logical;
    r.node = &node;
    r.mark = node.key_mark.is_null() ? node.mark : node.key_mark;
    r.order = order++;
    const Value* type = node.find("Type");
    if (type == nullptr || !type->isScalar()) {
      error(node.mark, "cfn-syntax", fmt::format("resource {} has no Type", logical));
      continue;
    }
    r.type = type->text;
    if (type->text == "AWS::SageMaker::Domain") {
      // Domain IDs look like "d-" followed by 12 lowercase letters and digits.
      uint64_t h = fnv1a(stack_->name + "/" + logical);
      std::string id = "d-";
      for (int i = 0; i < 12; ++i) {
        id += "abcdefghijklmnopqrstuvwxyz0123456789"[h % 36];
        h /= 36;
        if (h == 0) h = fnv1a(id);
      }
      r.id = id;
    } else if (const TypeInfo* info = typeInfo(r.type)) {
      r.id = makeId(info->id_prefix, stack_->name + "/" + logical);
    }
    stack_->resources.emplace(logical, std::move(r));
  }
  for (auto& [logical, r] : stack_->resources) {
    try {
      if (const Value* cond = r.node->find("Condition")) {
        r.condition = str(*cond, "resource Condition");
        r.active = condition(r.condition, cond->mark);
      }
      if (const Value* depends = r.node->find("DependsOn")) {
        std::vector<Value> names = depends->kind == Value::Kind::kList ? depends->items : std::vector<Value>{*depends};
        for (const auto& n : names) {
          std::string dep = str(n, "DependsOn");
          if (stack_->resources.count(dep) == 0) {
            error(n.mark, "unknown-reference",
                  fmt::format("{}: DependsOn {}: no resource named {}{}", logical, dep, dep,
                              didYouMean(dep, keysOf(stack_->resources), Closeness::kLoose, false)));
          }
        }
      }
    } catch (const CfnError& e) {
      report(e);
      r.active = false;
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
        for (const auto& item : v.items) text += (text.empty() ? "" : ",") + str(item, "output " + name);
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

// ---- property helpers ----------------------------------------------------------------------

const Value* CfnLoader::prop(const Resource& r, std::string_view key) const {
  if (!r.props) return nullptr;
  const Value* v = r.props->find(key);
  return v != nullptr && v->kind != Value::Kind::kNull ? v : nullptr;
}

std::optional<std::string> CfnLoader::text(Resource& r, std::string_view key, bool required) {
  const Value* v = prop(r, key);
  if (v == nullptr) {
    if (required) fail(r.mark, fmt::format("{}: missing property {}", r.logical, key), "missing-property");
    return std::nullopt;
  }
  return str(*v, fmt::format("{}.{}", r.logical, key));
}

std::vector<std::string> CfnLoader::texts(Resource& r, std::string_view key) {
  std::vector<std::string> out;
  const Value* v = prop(r, key);
  if (v == nullptr) return out;
  if (v->isScalar()) return {v->text};
  for (const auto& item : listOf(*v, fmt::format("{}.{}", r.logical, key))) {
    out.push_back(str(item, fmt::format("each entry of {}.{}", r.logical, key)));
  }
  return out;
}

bool CfnLoader::flag(Resource& r, std::string_view key, bool fallback) {
  const Value* v = prop(r, key);
  if (v == nullptr) return fallback;
  return truth(*v, fmt::format("{}.{}", r.logical, key));
}

std::optional<Cidr> CfnLoader::cidr(Resource& r, std::string_view key, bool required) {
  auto t = text(r, key, required);
  if (!t) return std::nullopt;
  auto parsed = Cidr::parse(*t);
  if (!parsed) fail(prop(r, key)->mark, fmt::format("{}.{}: {}", r.logical, key, parsed.error()), "bad-cidr");
  return *parsed;
}

ResourceMeta CfnLoader::meta(Resource& r, const std::string& id) {
  ResourceMeta m;
  m.id = id;
  m.logical_id = r.logical;
  m.account = account_;
  m.region = region_;
  m.origin = loc(r.mark);
  if (const Value* tags = prop(r, "Tags"); tags != nullptr && tags->kind == Value::Kind::kList) {
    for (const auto& tag : tags->items) {
      const Value* key = tag.find("Key");
      const Value* value = tag.find("Value");
      if (key != nullptr && value != nullptr && key->isScalar() && key->text == "Name" && value->isScalar()) {
        m.name = value->text;
      }
    }
  }
  return m;
}

// ---- builders ------------------------------------------------------------------------------

void CfnLoader::addLocalRoutes(RouteTable& table, const Vpc& owner, const std::string& source) {
  for (const auto& block : owner.cidrs) {
    if (!hasLocalRoute(table.routes, block)) table.routes.push_back(localRoute(block, source));
  }
}

void CfnLoader::buildVpc(Resource& r) {
  Vpc v;
  v.meta = meta(r, r.id);
  auto block = cidr(r, "CidrBlock");
  if (!block) {
    fail(r.mark, fmt::format("{}: missing property CidrBlock (IPAM-allocated blocks cannot be resolved offline)", r.logical),
         "missing-property");
  }
  v.cidrs.push_back(*block);
  v.dns_support = flag(r, "EnableDnsSupport", true);
  v.dns_hostnames = flag(r, "EnableDnsHostnames", false);
  std::string base = stack_->name + "/" + r.logical + "/";
  // What AWS creates with every VPC (VPC User Guide: Route tables — the main
  // route table; Default network ACL; Default security groups for your VPCs).
  RouteTable main = mainRouteTable(v, makeId("rtb-", base + "main-route-table"));
  main_table_of_vpc_[v.meta.id] = main.meta.id;
  NetworkAcl acl = defaultNetworkAcl(v, makeId("acl-", base + "default-acl"));
  default_acl_of_vpc_[v.meta.id] = acl.meta.id;
  out_.route_tables.push_back(std::move(main));
  out_.network_acls.push_back(std::move(acl));
  out_.security_groups.push_back(defaultSecurityGroup(v, makeId("sg-", base + "default-sg")));
  out_.vpcs.push_back(std::move(v));
}

void CfnLoader::buildVpcCidr(Resource& r) {
  std::string vpc_id = *text(r, "VpcId", true);
  Vpc* owner = need(r, "VpcId", vpc_id, "vpc", vpc(vpc_id));
  if (owner == nullptr) return;
  if (auto ipv6 = text(r, "Ipv6CidrBlock")) owner->ipv6_cidrs.push_back(*ipv6);
  auto block = cidr(r, "CidrBlock");
  if (!block) return;
  owner->cidrs.push_back(*block);
  // VPC User Guide: Route tables — every route table holds a local route for each VPC CIDR block.
  for (auto* list : {&out_.route_tables, &into_.route_tables}) {
    for (auto& table : *list) {
      if (table.vpc_id == vpc_id) addLocalRoutes(table, *owner, loc(r.mark));
    }
  }
}

void CfnLoader::buildSubnet(Resource& r) {
  Subnet s;
  s.meta = meta(r, r.id);
  s.vpc_id = *text(r, "VpcId", true);
  Vpc* owner = need(r, "VpcId", s.vpc_id, "vpc", vpc(s.vpc_id));
  s.availability_zone = text(r, "AvailabilityZone").value_or(subnetAz(r.id));
  s.availability_zone_id = text(r, "AvailabilityZoneId").value_or("");
  auto block = cidr(r, "CidrBlock");
  if (!block) fail(r.mark, fmt::format("{}: missing property CidrBlock", r.logical), "missing-property");
  s.cidr = *block;
  if (owner != nullptr) {
    bool inside = std::any_of(owner->cidrs.begin(), owner->cidrs.end(), [&](const Cidr& c) { return c.contains(*block); });
    if (!inside) {
      std::string blocks;
      for (const auto& c : owner->cidrs) blocks += (blocks.empty() ? "" : ", ") + c.str();
      error(prop(r, "CidrBlock")->mark, "bad-cidr",
            fmt::format("{}.CidrBlock: {} is outside vpc {} ({})", r.logical, block->str(), s.vpc_id, blocks));
    }
  }
  for (const auto* list : {&out_.subnets, &into_.subnets}) {
    for (const auto& other : *list) {
      if (other.vpc_id == s.vpc_id && other.cidr.overlaps(*block)) {
        error(prop(r, "CidrBlock")->mark, "bad-cidr",
              fmt::format("{}.CidrBlock: {} overlaps subnet {} ({})", r.logical, block->str(), displayName(other.meta),
                          other.cidr.str()));
      }
    }
  }
  if (auto ipv6 = text(r, "Ipv6CidrBlock")) s.ipv6_cidrs.push_back(*ipv6);
  s.map_public_ip_on_launch = flag(r, "MapPublicIpOnLaunch", false);
  out_.subnets.push_back(std::move(s));
}

void CfnLoader::buildInternetGateway(Resource& r, bool egress_only) {
  InternetGateway igw;
  igw.meta = meta(r, r.id);
  igw.egress_only = egress_only;
  if (egress_only) {
    std::string vpc_id = *text(r, "VpcId", true);
    if (need(r, "VpcId", vpc_id, "vpc", vpc(vpc_id)) != nullptr) igw.vpc_ids.push_back(vpc_id);
  }
  out_.internet_gateways.push_back(std::move(igw));
}

void CfnLoader::buildVpnGateway(Resource& r) {
  VpnGateway vgw;
  vgw.meta = meta(r, r.id);
  out_.vpn_gateways.push_back(std::move(vgw));
}

void CfnLoader::buildGatewayAttachment(Resource& r) {
  std::string vpc_id = *text(r, "VpcId", true);
  if (need(r, "VpcId", vpc_id, "vpc", vpc(vpc_id)) == nullptr) return;
  if (auto igw_id = text(r, "InternetGatewayId")) {
    auto* igw = need(r, "InternetGatewayId", *igw_id, "internet gateway",
                     lookup(out_.internet_gateways, into_.internet_gateways, *igw_id));
    if (igw != nullptr) igw->vpc_ids.push_back(vpc_id);
  } else if (auto vgw_id = text(r, "VpnGatewayId")) {
    auto* vgw = need(r, "VpnGatewayId", *vgw_id, "vpn gateway", lookup(out_.vpn_gateways, into_.vpn_gateways, *vgw_id));
    if (vgw != nullptr) vgw->vpc_ids.push_back(vpc_id);
  } else {
    fail(r.mark, fmt::format("{}: needs InternetGatewayId or VpnGatewayId", r.logical), "missing-property");
  }
}

// One CloudFormation rule (Ingress / Egress property shape) flattened to SgRules.
std::vector<SgRule> CfnLoader::sgRules(Resource& r, const Value& rule, bool egress, int index, const std::string& self_id) {
  std::string what = fmt::format("{}.{}", r.logical, egress ? "SecurityGroupEgress" : "SecurityGroupIngress");
  auto field = [&](std::string_view key) -> std::optional<std::string> {
    const Value* v = rule.find(key);
    if (v == nullptr || v->kind == Value::Kind::kNull) return std::nullopt;
    return str(*v, fmt::format("{}.{}", what, key));
  };
  SgRule base;
  base.index = index;
  base.source = loc(rule.mark.is_null() ? r.mark : rule.mark);
  base.description = field("Description").value_or("");
  auto protocol_text = field("IpProtocol");
  if (!protocol_text) fail(rule.mark, fmt::format("{}: missing IpProtocol", what), "missing-property");
  auto protocol = parseProtocol(*protocol_text);
  if (!protocol) fail(rule.find("IpProtocol")->mark, fmt::format("{}.IpProtocol: {}", what, protocol.error()), "bad-value");
  base.protocol = *protocol;
  auto port = [&](std::string_view key) -> int {
    auto t = field(key);
    if (!t) return -1;
    long long n = integer(*rule.find(key), fmt::format("{}.{}", what, key));
    if (n < -1 || n > 65535) fail(rule.find(key)->mark, fmt::format("{}.{}: port {} is out of range (-1-65535)", what, key, n));
    return static_cast<int>(n);
  };
  if (base.protocol == kProtocolTcp || base.protocol == kProtocolUdp) {
    int from = port("FromPort");
    int to = port("ToPort");
    // VPC User Guide: Security group rules — -1 (or no port) with TCP/UDP means every port.
    base.from_port = from < 0 ? 0 : from;
    base.to_port = to < 0 ? 65535 : to;
  } else if (base.protocol == kProtocolIcmp || base.protocol == kProtocolIcmpv6) {
    base.from_port = port("FromPort");
    base.to_port = port("ToPort");
  }
  std::vector<SgRule> out;
  if (auto c = field("CidrIp")) {
    auto parsed = Cidr::parseLoose(*c);
    if (!parsed) fail(rule.find("CidrIp")->mark, fmt::format("{}.CidrIp: {}", what, parsed.error()), "bad-cidr");
    SgRule x = base;
    x.peer_kind = PeerKind::kCidr;
    x.cidr = *parsed;
    out.push_back(x);
  }
  if (auto c = field("CidrIpv6")) {
    SgRule x = base;
    x.peer_kind = PeerKind::kIpv6Cidr;
    x.peer = *c;
    out.push_back(x);
  }
  for (const char* key : {"SourcePrefixListId", "DestinationPrefixListId"}) {
    if (auto c = field(key)) {
      SgRule x = base;
      x.peer_kind = PeerKind::kPrefixList;
      x.peer = *c;
      out.push_back(x);
    }
  }
  for (const char* key : {"SourceSecurityGroupId", "DestinationSecurityGroupId"}) {
    if (auto c = field(key)) {
      SgRule x = base;
      x.peer_kind = PeerKind::kSecurityGroup;
      x.peer = *c;
      if (!knownSecurityGroup(*c) && *c != self_id) {
        error(rule.find(key)->mark, "unknown-reference",
              fmt::format("{}.{}: no security group '{}' in the loaded stacks", what, key, *c));
        continue;
      }
      out.push_back(x);
    }
  }
  if (auto c = field("SourceSecurityGroupName")) {
    SgRule x = base;
    x.peer_kind = PeerKind::kSecurityGroup;
    x.peer = *c;
    for (const auto* list : {&out_.security_groups, &into_.security_groups}) {
      for (const auto& sg : *list) {
        if (sg.group_name == *c) x.peer = sg.meta.id;
      }
    }
    out.push_back(x);
  }
  if (out.empty()) {
    fail(rule.mark.is_null() ? r.mark : rule.mark,
         fmt::format("{}: the rule names no peer (CidrIp, CidrIpv6, a prefix list or a security group)", what),
         "missing-property");
  }
  return out;
}

void CfnLoader::buildSecurityGroup(Resource& r) {
  SecurityGroup sg;
  sg.meta = meta(r, r.id);
  sg.vpc_id = text(r, "VpcId").value_or("");
  if (sg.vpc_id.empty()) {
    fail(r.mark, fmt::format("{}: missing property VpcId (groups in a default VPC are not modelled)", r.logical),
         "missing-property");
  }
  need(r, "VpcId", sg.vpc_id, "vpc", vpc(sg.vpc_id));
  // CloudFormation names a group without GroupName "<stack>-<logical id>-<random>".
  sg.group_name = text(r, "GroupName")
                      .value_or(fmt::format("{}-{}-{:012X}", stack_->name, r.logical,
                                            fnv1a(stack_->name + "/" + r.logical) & 0xFFFFFFFFFFFFULL));
  sg.description = text(r, "GroupDescription").value_or("");
  int index = 0;
  if (const Value* rules = prop(r, "SecurityGroupIngress")) {
    for (const auto& rule : listOf(*rules, r.logical + ".SecurityGroupIngress")) {
      for (auto& x : sgRules(r, rule, false, index, r.id)) sg.ingress.push_back(std::move(x));
      ++index;
    }
  }
  index = 0;
  const Value* egress = prop(r, "SecurityGroupEgress");
  if (egress != nullptr && !listOf(*egress, r.logical + ".SecurityGroupEgress").empty()) {
    for (const auto& rule : egress->items) {
      for (auto& x : sgRules(r, rule, true, index, r.id)) sg.egress.push_back(std::move(x));
      ++index;
    }
  } else {
    // AWS CloudFormation Template Reference, AWS::EC2::SecurityGroup: when no
    // egress rule is given, an outbound rule allowing all traffic is added.
    SgRule all;
    all.cidr = *Cidr::parse("0.0.0.0/0");
    all.description = "default egress rule";
    all.source = loc(r.mark);
    sg.egress.push_back(all);
    default_egress_.insert(sg.meta.id);
  }
  out_.security_groups.push_back(std::move(sg));
}

void CfnLoader::buildSgRule(Resource& r, bool egress) {
  std::string group_id;
  if (auto id = text(r, "GroupId")) {
    group_id = *id;
  } else if (auto name = text(r, "GroupName")) {
    for (const auto* list : {&out_.security_groups, &into_.security_groups}) {
      for (const auto& sg : *list) {
        if (sg.group_name == *name) group_id = sg.meta.id;
      }
    }
    if (group_id.empty()) fail(prop(r, "GroupName")->mark, fmt::format("{}.GroupName: no security group named '{}'", r.logical, *name), "unknown-reference");
  } else {
    fail(r.mark, fmt::format("{}: missing property GroupId", r.logical), "missing-property");
  }
  SecurityGroup* sg = need(r, "GroupId", group_id, "security group", securityGroup(group_id));
  if (sg == nullptr) return;
  std::vector<SgRule>& list = egress ? sg->egress : sg->ingress;
  if (egress && default_egress_.erase(group_id) != 0) {
    // A standalone egress rule replaces the implicit allow-all egress rule:
    // CloudFormation revokes the default rule when it adds the first egress
    // rule to a group (the behaviour aws-cdk works around in aws/aws-cdk#987 /
    // PR #998, "CloudFormation's behavior to strip the default outbound rule
    // when another rule gets added"; the Template Reference for
    // AWS::EC2::SecurityGroup says the default is only added when no egress
    // rule is specified).
    list.clear();
  }
  int index = 0;
  for (const auto& x : list) index = std::max(index, x.index + 1);
  Value rule = *r.props;
  rule.mark = r.mark;
  for (auto& x : sgRules(r, rule, egress, index, group_id)) list.push_back(std::move(x));
}

void CfnLoader::buildRouteTable(Resource& r) {
  RouteTable table;
  table.meta = meta(r, r.id);
  table.vpc_id = *text(r, "VpcId", true);
  Vpc* owner = need(r, "VpcId", table.vpc_id, "vpc", vpc(table.vpc_id));
  if (owner != nullptr) addLocalRoutes(table, *owner, loc(r.mark));
  out_.route_tables.push_back(std::move(table));
}

void CfnLoader::buildRoute(Resource& r) {
  std::string table_id = *text(r, "RouteTableId", true);
  RouteTable* table = need(r, "RouteTableId", table_id, "route table", routeTable(table_id));
  Route route;
  route.origin = "CreateRoute";
  route.source = loc(r.mark);
  if (auto c = cidr(r, "DestinationCidrBlock")) {
    route.destination = *c;
  } else if (auto pl = text(r, "DestinationPrefixListId")) {
    route.destination_prefix_list = *pl;
  } else if (auto v6 = text(r, "DestinationIpv6CidrBlock")) {
    route.destination_ipv6 = *v6;
  } else {
    fail(r.mark, fmt::format("{}: missing property DestinationCidrBlock", r.logical), "missing-property");
  }
  struct TargetKey {
    std::string_view key;
    RouteTarget target;
  };
  static constexpr std::array<TargetKey, 11> kTargets = {{
      {"GatewayId", RouteTarget::kInternetGateway},
      {"EgressOnlyInternetGatewayId", RouteTarget::kEgressOnlyInternetGateway},
      {"NatGatewayId", RouteTarget::kNatGateway},
      {"VpcEndpointId", RouteTarget::kVpcEndpoint},
      {"VpcPeeringConnectionId", RouteTarget::kPeeringConnection},
      {"TransitGatewayId", RouteTarget::kTransitGateway},
      {"NetworkInterfaceId", RouteTarget::kNetworkInterface},
      {"InstanceId", RouteTarget::kInstance},
      {"CarrierGatewayId", RouteTarget::kCarrierGateway},
      {"LocalGatewayId", RouteTarget::kLocalGateway},
      {"CoreNetworkArn", RouteTarget::kCoreNetwork},
  }};
  bool found = false;
  for (const auto& [key, target] : kTargets) {
    auto id = text(r, key);
    if (!id) continue;
    found = true;
    route.target = target;
    route.target_id = *id;
    if (key == "GatewayId") {
      // GatewayId names an internet gateway, a virtual private gateway or a
      // gateway endpoint; decide by what the ID refers to, then by prefix.
      if (*id == "local") {
        route.target = RouteTarget::kLocal;
      } else if (auto* igw = lookup(out_.internet_gateways, into_.internet_gateways, *id)) {
        route.target = igw->egress_only ? RouteTarget::kEgressOnlyInternetGateway : RouteTarget::kInternetGateway;
      } else if (lookup(out_.vpn_gateways, into_.vpn_gateways, *id) != nullptr || id->rfind("vgw-", 0) == 0) {
        route.target = RouteTarget::kVirtualPrivateGateway;
      } else if (lookup(out_.vpc_endpoints, into_.vpc_endpoints, *id) != nullptr || id->rfind("vpce-", 0) == 0) {
        route.target = RouteTarget::kVpcEndpoint;
      } else if (id->rfind("igw-", 0) != 0) {
        route.target = RouteTarget::kUnknown;
      }
    } else if (key == "NatGatewayId") {
      need(r, key, *id, "nat gateway", lookup(out_.nat_gateways, into_.nat_gateways, *id));
    } else if (key == "VpcEndpointId") {
      need(r, key, *id, "vpc endpoint", lookup(out_.vpc_endpoints, into_.vpc_endpoints, *id));
    } else if (key == "InstanceId") {
      // A route to an instance goes to its primary network interface.
      if (auto it = instance_enis_.find(*id); it != instance_enis_.end()) {
        route.target = RouteTarget::kNetworkInterface;
        route.target_id = it->second;
      }
    }
    break;
  }
  if (!found) fail(r.mark, fmt::format("{}: the route names no target", r.logical), "missing-property");
  if (table != nullptr) table->routes.push_back(std::move(route));
}

void CfnLoader::buildSubnetRouteTableAssociation(Resource& r) {
  std::string subnet_id = *text(r, "SubnetId", true);
  std::string table_id = *text(r, "RouteTableId", true);
  if (need(r, "SubnetId", subnet_id, "subnet", subnet(subnet_id)) == nullptr) return;
  RouteTable* table = need(r, "RouteTableId", table_id, "route table", routeTable(table_id));
  if (table == nullptr) return;
  for (auto* list : {&out_.route_tables, &into_.route_tables}) {
    for (auto& other : *list) {
      if (&other == table) continue;
      if (std::find(other.subnet_ids.begin(), other.subnet_ids.end(), subnet_id) != other.subnet_ids.end()) {
        error(r.mark, "conflict",
              fmt::format("{}: subnet {} is already associated with route table {}", r.logical, subnet_id, other.meta.id));
        return;
      }
    }
  }
  table->subnet_ids.push_back(subnet_id);
}

void CfnLoader::buildGatewayRouteTableAssociation(Resource& r) {
  std::string gateway_id = *text(r, "GatewayId", true);
  std::string table_id = *text(r, "RouteTableId", true);
  RouteTable* table = need(r, "RouteTableId", table_id, "route table", routeTable(table_id));
  if (table != nullptr) table->gateway_ids.push_back(gateway_id);
}

void CfnLoader::buildVgwPropagation(Resource& r) {
  std::string vgw_id = *text(r, "VpnGatewayId", true);
  for (const auto& table_id : texts(r, "RouteTableIds")) {
    RouteTable* table = need(r, "RouteTableIds", table_id, "route table", routeTable(table_id));
    if (table != nullptr) table->propagating_vgws.push_back(vgw_id);
  }
}

void CfnLoader::buildNetworkAcl(Resource& r) {
  NetworkAcl acl;
  acl.meta = meta(r, r.id);
  acl.vpc_id = *text(r, "VpcId", true);
  need(r, "VpcId", acl.vpc_id, "vpc", vpc(acl.vpc_id));
  // VPC User Guide: Custom network ACLs — a new ACL denies everything until
  // rules are added (only the * rules).
  addCatchAllDenies(acl, loc(r.mark));
  out_.network_acls.push_back(std::move(acl));
}

void CfnLoader::buildNetworkAclEntry(Resource& r) {
  std::string acl_id = *text(r, "NetworkAclId", true);
  NetworkAcl* acl = need(r, "NetworkAclId", acl_id, "network acl", networkAcl(acl_id));
  NaclEntry entry;
  entry.source = loc(r.mark);
  text(r, "RuleNumber", true);
  long long number = integer(*prop(r, "RuleNumber"), r.logical + ".RuleNumber");
  if (number < 1 || number > 32766) {
    fail(prop(r, "RuleNumber")->mark, fmt::format("{}.RuleNumber: {} is out of range (1-32766)", r.logical, number), "bad-value");
  }
  entry.rule_number = static_cast<int>(number);
  entry.egress = flag(r, "Egress", false);
  std::string action = *text(r, "RuleAction", true);
  if (action != "allow" && action != "deny") {
    fail(prop(r, "RuleAction")->mark, fmt::format("{}.RuleAction must be allow or deny, not '{}'", r.logical, action), "bad-value");
  }
  entry.allow = action == "allow";
  auto protocol = parseProtocol(*text(r, "Protocol", true));
  if (!protocol) fail(prop(r, "Protocol")->mark, fmt::format("{}.Protocol: {}", r.logical, protocol.error()), "bad-value");
  entry.protocol = *protocol;
  if (auto c = text(r, "CidrBlock")) {
    auto parsed = Cidr::parseLoose(*c);
    if (!parsed) fail(prop(r, "CidrBlock")->mark, fmt::format("{}.CidrBlock: {}", r.logical, parsed.error()), "bad-cidr");
    entry.cidr = *parsed;
  } else if (auto v6 = text(r, "Ipv6CidrBlock")) {
    entry.ipv6_cidr = *v6;
  } else {
    fail(r.mark, fmt::format("{}: missing property CidrBlock", r.logical), "missing-property");
  }
  if (const Value* range = prop(r, "PortRange"); range != nullptr && (entry.protocol == kProtocolTcp || entry.protocol == kProtocolUdp)) {
    const Value* from = range->find("From");
    const Value* to = range->find("To");
    if (from != nullptr) entry.ports.from = static_cast<int>(integer(*from, r.logical + ".PortRange.From"));
    if (to != nullptr) entry.ports.to = static_cast<int>(integer(*to, r.logical + ".PortRange.To"));
  }
  if (const Value* icmp = prop(r, "Icmp")) {
    if (const Value* t = icmp->find("Type")) entry.icmp_type = static_cast<int>(integer(*t, r.logical + ".Icmp.Type"));
    if (const Value* c = icmp->find("Code")) entry.icmp_code = static_cast<int>(integer(*c, r.logical + ".Icmp.Code"));
  }
  if (acl == nullptr) return;
  for (const auto& other : acl->entries) {
    if (other.rule_number == entry.rule_number && other.egress == entry.egress) {
      fail(prop(r, "RuleNumber")->mark,
           fmt::format("{}: rule {} is already used for {} entries of {}", r.logical, entry.rule_number,
                       entry.egress ? "outbound" : "inbound", acl_id),
           "conflict");
    }
  }
  acl->entries.push_back(entry);
  std::stable_sort(acl->entries.begin(), acl->entries.end(), [](const NaclEntry& a, const NaclEntry& b) {
    return std::make_pair(a.egress, a.rule_number) < std::make_pair(b.egress, b.rule_number);
  });
}

void CfnLoader::buildSubnetAclAssociation(Resource& r) {
  std::string subnet_id = *text(r, "SubnetId", true);
  std::string acl_id = *text(r, "NetworkAclId", true);
  if (need(r, "SubnetId", subnet_id, "subnet", subnet(subnet_id)) == nullptr) return;
  NetworkAcl* acl = need(r, "NetworkAclId", acl_id, "network acl", networkAcl(acl_id));
  if (acl == nullptr) return;
  for (auto* list : {&out_.network_acls, &into_.network_acls}) {
    for (auto& other : *list) {
      auto it = std::find(other.subnet_ids.begin(), other.subnet_ids.end(), subnet_id);
      if (it != other.subnet_ids.end()) other.subnet_ids.erase(it);
    }
  }
  acl->subnet_ids.push_back(subnet_id);
  subnet_acl_[subnet_id] = acl_id;
}

void CfnLoader::buildEip(Resource& r) {
  Ipv4 public_ip = eipAddress(r.id);
  if (auto instance_id = text(r, "InstanceId")) {
    auto it = instance_enis_.find(*instance_id);
    Eni* target = it != instance_enis_.end() ? eni(it->second) : nullptr;
    if (need(r, "InstanceId", *instance_id, "instance", target) != nullptr && !target->private_ips.empty()) {
      target->public_ips.push_back({target->private_ips.front(), public_ip, true});
    }
  }
}

void CfnLoader::buildEipAssociation(Resource& r) {
  std::string allocation = text(r, "AllocationId").value_or("");
  Ipv4 public_ip;
  if (allocation.empty()) {
    auto address = text(r, "EIP");
    if (!address) fail(r.mark, fmt::format("{}: missing property AllocationId", r.logical), "missing-property");
    auto parsed = Ipv4::parse(*address);
    if (!parsed) fail(prop(r, "EIP")->mark, fmt::format("{}.EIP: {}", r.logical, parsed.error()), "bad-ip");
    public_ip = *parsed;
  } else {
    public_ip = eipAddress(allocation);
  }
  Eni* target = nullptr;
  if (auto eni_id = text(r, "NetworkInterfaceId")) {
    target = need(r, "NetworkInterfaceId", *eni_id, "network interface", eni(*eni_id));
  } else if (auto instance_id = text(r, "InstanceId")) {
    auto it = instance_enis_.find(*instance_id);
    target = need(r, "InstanceId", *instance_id, "instance", it != instance_enis_.end() ? eni(it->second) : nullptr);
  } else {
    fail(r.mark, fmt::format("{}: needs NetworkInterfaceId or InstanceId", r.logical), "missing-property");
  }
  if (target == nullptr || target->private_ips.empty()) return;
  Ipv4 private_ip = target->private_ips.front();
  if (auto requested = text(r, "PrivateIpAddress")) {
    auto parsed = Ipv4::parse(*requested);
    if (!parsed) fail(prop(r, "PrivateIpAddress")->mark, fmt::format("{}.PrivateIpAddress: {}", r.logical, parsed.error()), "bad-ip");
    private_ip = *parsed;
  }
  target->public_ips.push_back({private_ip, public_ip, true});
}

void CfnLoader::buildNatGateway(Resource& r) {
  NatGateway nat;
  nat.meta = meta(r, r.id);
  nat.subnet_id = *text(r, "SubnetId", true);
  Subnet* home = need(r, "SubnetId", nat.subnet_id, "subnet", subnet(nat.subnet_id));
  if (home == nullptr) return;
  nat.vpc_id = home->vpc_id;
  std::string az = home->availability_zone;
  nat.is_public = text(r, "ConnectivityType").value_or("public") != "private";
  auto ip = privateIpFor(r, nat.subnet_id, prop(r, "PrivateIpAddress"));
  if (ip) nat.private_ips.push_back(*ip);
  if (nat.is_public) {
    auto allocation = text(r, "AllocationId");
    if (!allocation) fail(r.mark, fmt::format("{}: a public nat gateway needs AllocationId", r.logical), "missing-property");
    nat.public_ips.push_back(eipAddress(*allocation));
    for (const auto& extra : texts(r, "SecondaryAllocationIds")) nat.public_ips.push_back(eipAddress(extra));
  } else if (prop(r, "AllocationId") != nullptr) {
    fail(prop(r, "AllocationId")->mark, fmt::format("{}: a private nat gateway takes no AllocationId", r.logical), "conflict");
  }
  // The NAT gateway's own network interface (VPC User Guide: NAT gateway basics).
  Eni e;
  e.meta = meta(r, makeId("eni-", stack_->name + "/" + r.logical + "/eni"));
  e.meta.logical_id.clear();
  e.vpc_id = nat.vpc_id;
  e.subnet_id = nat.subnet_id;
  e.availability_zone = az;
  e.private_ips = nat.private_ips;
  for (std::size_t i = 0; i < nat.public_ips.size() && i < e.private_ips.size(); ++i) {
    e.public_ips.push_back({e.private_ips[i], nat.public_ips[i], true});
  }
  e.interface_type = "nat_gateway";
  e.description = "Interface for NAT Gateway " + nat.meta.id;
  e.requester_id = "amazon-nat-gateway";
  e.source_dest_check = false;
  nat.eni_id = e.meta.id;
  out_.enis.push_back(std::move(e));
  out_.nat_gateways.push_back(std::move(nat));
}

void CfnLoader::buildNetworkInterface(Resource& r) {
  Eni e;
  e.meta = meta(r, r.id);
  e.subnet_id = *text(r, "SubnetId", true);
  Subnet* home = need(r, "SubnetId", e.subnet_id, "subnet", subnet(e.subnet_id));
  if (home == nullptr) return;
  e.vpc_id = home->vpc_id;
  e.availability_zone = home->availability_zone;
  if (auto ip = privateIpFor(r, e.subnet_id, prop(r, "PrivateIpAddress"))) e.private_ips.push_back(*ip);
  if (const Value* extra = prop(r, "PrivateIpAddresses"); extra != nullptr && extra->kind == Value::Kind::kList) {
    for (const auto& item : extra->items) {
      const Value* address = item.find("PrivateIpAddress");
      const Value* primary = item.find("Primary");
      if (address == nullptr || (primary != nullptr && primary->text == "true")) continue;
      auto parsed = Ipv4::parse(str(*address, r.logical + ".PrivateIpAddresses"));
      if (!parsed) fail(address->mark, fmt::format("{}: {}", r.logical, parsed.error()), "bad-ip");
      e.private_ips.push_back(*parsed);
    }
  }
  e.security_group_ids = texts(r, "GroupSet");
  if (e.security_group_ids.empty()) {
    for (const auto* list : {&out_.security_groups, &into_.security_groups}) {
      for (const auto& sg : *list) {
        if (sg.vpc_id == e.vpc_id && sg.group_name == "default") e.security_group_ids.push_back(sg.meta.id);
      }
    }
  }
  e.interface_type = text(r, "InterfaceType").value_or("interface");
  e.description = text(r, "Description").value_or("");
  e.source_dest_check = flag(r, "SourceDestCheck", true);
  out_.enis.push_back(std::move(e));
}

void CfnLoader::buildInstance(Resource& r) {
  Instance instance;
  instance.meta = meta(r, r.id);
  instance.state = "running";
  const Value* interfaces = prop(r, "NetworkInterfaces");
  auto default_groups = [&](const std::string& vpc_id) {
    std::vector<std::string> out;
    for (const auto* list : {&out_.security_groups, &into_.security_groups}) {
      for (const auto& sg : *list) {
        if (sg.vpc_id == vpc_id && sg.group_name == "default") out.push_back(sg.meta.id);
      }
    }
    return out;
  };
  auto make_eni = [&](const std::string& subnet_id, const Value* requested, std::vector<std::string> groups,
                      bool public_ip, std::size_t device, bool source_dest_check) {
    Subnet* home = need(r, "SubnetId", subnet_id, "subnet", subnet(subnet_id));
    if (home == nullptr) return;
    Eni e;
    e.meta = meta(r, makeId("eni-", fmt::format("{}/{}/eni{}", stack_->name, r.logical, device)));
    e.meta.logical_id.clear();
    e.vpc_id = home->vpc_id;
    e.subnet_id = subnet_id;
    e.availability_zone = home->availability_zone;
    if (device == 0) {
      if (auto ip = privateIpFor(r, subnet_id, requested)) e.private_ips.push_back(*ip);
    } else if (requested != nullptr) {
      auto parsed = Ipv4::parse(str(*requested, r.logical + ".PrivateIpAddress"));
      if (!parsed) fail(requested->mark, fmt::format("{}: {}", r.logical, parsed.error()), "bad-ip");
      e.private_ips.push_back(*parsed);
    } else {
      Resource shadow = r;
      shadow.logical = fmt::format("{}#eni{}", r.logical, device);
      if (auto ip = privateIpFor(shadow, subnet_id, nullptr)) e.private_ips.push_back(*ip);
    }
    e.security_group_ids = groups.empty() ? default_groups(e.vpc_id) : std::move(groups);
    if (public_ip && !e.private_ips.empty()) {
      // Auto-assigned public IPv4 (not elastic), from the same public block as EIPs.
      e.public_ips.push_back({e.private_ips.front(), eipAddress(e.meta.id), false});
    }
    e.interface_type = "interface";
    e.instance_id = instance.meta.id;
    e.source_dest_check = source_dest_check;
    if (device == 0) instance_enis_[instance.meta.id] = e.meta.id;
    instance.eni_ids.push_back(e.meta.id);
    out_.enis.push_back(std::move(e));
  };
  bool source_dest_check = flag(r, "SourceDestCheck", true);
  if (interfaces != nullptr && !listOf(*interfaces, r.logical + ".NetworkInterfaces").empty()) {
    std::vector<const Value*> ordered;
    for (const auto& item : interfaces->items) ordered.push_back(&item);
    std::stable_sort(ordered.begin(), ordered.end(), [](const Value* a, const Value* b) {
      const Value* da = a->find("DeviceIndex");
      const Value* db = b->find("DeviceIndex");
      return (da != nullptr ? da->text : "") < (db != nullptr ? db->text : "");
    });
    std::size_t device = 0;
    for (const Value* item : ordered) {
      if (const Value* existing = item->find("NetworkInterfaceId")) {
        std::string eni_id = str(*existing, r.logical + ".NetworkInterfaces.NetworkInterfaceId");
        Eni* e = need(r, "NetworkInterfaces", eni_id, "network interface", eni(eni_id));
        if (e != nullptr) {
          e->instance_id = instance.meta.id;
          instance.eni_ids.push_back(eni_id);
          if (device == 0) instance_enis_[instance.meta.id] = eni_id;
        }
      } else {
        const Value* subnet_id = item->find("SubnetId");
        if (subnet_id == nullptr) fail(item->mark, fmt::format("{}.NetworkInterfaces: missing SubnetId", r.logical), "missing-property");
        std::vector<std::string> groups;
        if (const Value* g = item->find("GroupSet"); g != nullptr && g->kind == Value::Kind::kList) {
          for (const auto& x : g->items) groups.push_back(str(x, r.logical + ".NetworkInterfaces.GroupSet"));
        }
        const Value* assoc = item->find("AssociatePublicIpAddress");
        std::string sid = str(*subnet_id, r.logical + ".NetworkInterfaces.SubnetId");
        Subnet* home = subnet(sid);
        bool public_ip = assoc != nullptr ? assoc->text == "true"
                                          : (device == 0 && home != nullptr && home->map_public_ip_on_launch);
        make_eni(sid, item->find("PrivateIpAddress"), std::move(groups), public_ip, device, source_dest_check);
      }
      ++device;
    }
  } else {
    std::string subnet_id = text(r, "SubnetId").value_or("");
    if (subnet_id.empty()) fail(r.mark, fmt::format("{}: missing property SubnetId (default-VPC instances are not modelled)", r.logical), "missing-property");
    std::vector<std::string> groups = texts(r, "SecurityGroupIds");
    Subnet* home = subnet(subnet_id);
    make_eni(subnet_id, prop(r, "PrivateIpAddress"), std::move(groups),
             home != nullptr && home->map_public_ip_on_launch, 0, source_dest_check);
  }
  out_.instances.push_back(std::move(instance));
}

// Synthesised ID of an AWS-managed prefix list ("com.amazonaws.REGION.s3");
// the list's addresses are not known offline, so no PrefixList is added.
std::string managedPrefixListId(const std::string& service_name) { return makeId("pl-", "aws-managed/" + service_name); }

void CfnLoader::buildEndpoint(Resource& r) {
  VpcEndpoint endpoint;
  endpoint.meta = meta(r, r.id);
  endpoint.vpc_id = *text(r, "VpcId", true);
  need(r, "VpcId", endpoint.vpc_id, "vpc", vpc(endpoint.vpc_id));
  endpoint.service_name = *text(r, "ServiceName", true);
  // AWS CloudFormation Template Reference, AWS::EC2::VPCEndpoint:
  // VpcEndpointType defaults to Gateway; PrivateDnsEnabled defaults to false.
  std::string type = text(r, "VpcEndpointType").value_or("Gateway");
  if (type == "Gateway") {
    endpoint.type = EndpointType::kGateway;
  } else if (type == "Interface") {
    endpoint.type = EndpointType::kInterface;
  } else if (type == "GatewayLoadBalancer") {
    endpoint.type = EndpointType::kGatewayLoadBalancer;
  } else {
    std::array<std::string_view, 3> names = {"Gateway", "Interface", "GatewayLoadBalancer"};
    fail(prop(r, "VpcEndpointType")->mark,
         fmt::format("{}.VpcEndpointType: unknown endpoint type {}{}", r.logical, type, didYouMean(type, names, Closeness::kLoose, false)),
         "bad-value");
  }
  endpoint.private_dns = flag(r, "PrivateDnsEnabled", false);
  endpoint.subnet_ids = texts(r, "SubnetIds");
  for (const auto& s : endpoint.subnet_ids) need(r, "SubnetIds", s, "subnet", subnet(s));
  endpoint.security_group_ids = texts(r, "SecurityGroupIds");
  for (const auto& g : endpoint.security_group_ids) need(r, "SecurityGroupIds", g, "security group", securityGroup(g));
  if (endpoint.type == EndpointType::kInterface && endpoint.security_group_ids.empty()) {
    // PrivateLink guide: without a security group the VPC's default group is used.
    for (const auto* list : {&out_.security_groups, &into_.security_groups}) {
      for (const auto& sg : *list) {
        if (sg.vpc_id == endpoint.vpc_id && sg.group_name == "default") endpoint.security_group_ids.push_back(sg.meta.id);
      }
    }
  }
  endpoint.route_table_ids = texts(r, "RouteTableIds");
  if (const Value* policy = prop(r, "PolicyDocument")) {
    endpoint.policy_document = policy->isScalar() ? policy->text : toJson(*policy).dump();
  }
  if (endpoint.type == EndpointType::kGateway) {
    // PrivateLink guide, Gateway endpoints: AWS adds a route whose destination
    // is the service's prefix list to each chosen route table.
    std::string list_id = managedPrefixListId(endpoint.service_name);
    for (const auto& table_id : endpoint.route_table_ids) {
      RouteTable* table = need(r, "RouteTableIds", table_id, "route table", routeTable(table_id));
      if (table == nullptr) continue;
      Route route;
      route.destination_prefix_list = list_id;
      route.target = RouteTarget::kVpcEndpoint;
      route.target_id = endpoint.meta.id;
      route.origin = "CreateRoute";
      route.source = loc(r.mark);
      table->routes.push_back(std::move(route));
    }
  }
  out_.vpc_endpoints.push_back(std::move(endpoint));
}

// AWS Network Firewall places one Gateway Load Balancer endpoint in each
// mapped subnet; model each as a VpcEndpoint of that type.
void CfnLoader::buildFirewall(Resource& r) {
  std::string vpc_id = *text(r, "VpcId", true);
  need(r, "VpcId", vpc_id, "vpc", vpc(vpc_id));
  for (const auto& subnet_id : firewallSubnets(r)) {
    if (need(r, "SubnetMappings", subnet_id, "subnet", subnet(subnet_id)) == nullptr) continue;
    VpcEndpoint endpoint;
    endpoint.meta = meta(r, makeId("vpce-", stack_->name + "/" + r.logical + "/" + subnet_id));
    endpoint.meta.name = "Network Firewall " + r.logical;
    endpoint.vpc_id = vpc_id;
    endpoint.service_name = fmt::format("com.amazonaws.vpce.{}.network-firewall", region_);
    endpoint.type = EndpointType::kGatewayLoadBalancer;
    endpoint.subnet_ids.push_back(subnet_id);
    out_.vpc_endpoints.push_back(std::move(endpoint));
  }
}

void CfnLoader::buildPeering(Resource& r) {
  PeeringConnection pcx;
  pcx.meta = meta(r, r.id);
  pcx.requester.vpc_id = *text(r, "VpcId", true);
  pcx.accepter.vpc_id = *text(r, "PeerVpcId", true);
  pcx.requester.account = account_;
  pcx.requester.region = region_;
  pcx.accepter.account = text(r, "PeerOwnerId").value_or(account_);
  pcx.accepter.region = text(r, "PeerRegion").value_or(region_);
  if (Vpc* v = vpc(pcx.requester.vpc_id)) pcx.requester.cidrs = v->cidrs;
  if (Vpc* v = vpc(pcx.accepter.vpc_id)) pcx.accepter.cidrs = v->cidrs;
  pcx.status = "active";
  out_.peering_connections.push_back(std::move(pcx));
}

void CfnLoader::buildPrefixList(Resource& r) {
  PrefixList list;
  list.meta = meta(r, r.id);
  list.prefix_list_name = text(r, "PrefixListName").value_or(r.logical);
  if (const Value* entries = prop(r, "Entries")) {
    for (const auto& entry : listOf(*entries, r.logical + ".Entries")) {
      const Value* c = entry.find("Cidr");
      if (c == nullptr) continue;
      auto parsed = Cidr::parseLoose(str(*c, r.logical + ".Entries.Cidr"));
      if (!parsed) {
        if (text(r, "AddressFamily").value_or("IPv4") == "IPv6") continue;
        fail(c->mark, fmt::format("{}.Entries.Cidr: {}", r.logical, parsed.error()), "bad-cidr");
      }
      list.cidrs.push_back(*parsed);
    }
  }
  out_.prefix_lists.push_back(std::move(list));
}

void CfnLoader::buildTransitGateway(Resource& r) {
  TransitGateway tgw;
  tgw.meta = meta(r, r.id);
  // Transit Gateways guide: with default association / propagation enabled
  // (the default), AWS creates a default route table.
  bool assoc = text(r, "DefaultRouteTableAssociation").value_or("enable") == "enable";
  bool propagate = text(r, "DefaultRouteTablePropagation").value_or("enable") == "enable";
  if (assoc || propagate) {
    TgwRouteTable table;
    table.meta = meta(r, makeId("tgw-rtb-", stack_->name + "/" + r.logical + "/default-route-table"));
    table.meta.logical_id.clear();
    table.meta.name.clear();
    table.transit_gateway_id = tgw.meta.id;
    if (assoc) tgw.default_association_route_table = table.meta.id;
    if (propagate) tgw.default_propagation_route_table = table.meta.id;
    out_.tgw_route_tables.push_back(std::move(table));
  }
  out_.transit_gateways.push_back(std::move(tgw));
}

void CfnLoader::buildTgwAttachment(Resource& r) {
  TgwAttachment attachment;
  attachment.meta = meta(r, r.id);
  attachment.transit_gateway_id = *text(r, "TransitGatewayId", true);
  auto* tgw = need(r, "TransitGatewayId", attachment.transit_gateway_id, "transit gateway",
                   lookup(out_.transit_gateways, into_.transit_gateways, attachment.transit_gateway_id));
  attachment.resource_type = "vpc";
  attachment.resource_id = *text(r, "VpcId", true);
  attachment.subnet_ids = texts(r, "SubnetIds");
  attachment.state = "available";
  if (tgw != nullptr) {
    attachment.association_route_table = tgw->default_association_route_table;
    if (!tgw->default_propagation_route_table.empty()) {
      auto* table = lookup(out_.tgw_route_tables, into_.tgw_route_tables, tgw->default_propagation_route_table);
      if (table != nullptr) table->propagating_attachments.push_back(attachment.meta.id);
    }
  }
  out_.tgw_attachments.push_back(std::move(attachment));
}

void CfnLoader::buildTgwRouteTable(Resource& r) {
  TgwRouteTable table;
  table.meta = meta(r, r.id);
  table.transit_gateway_id = *text(r, "TransitGatewayId", true);
  out_.tgw_route_tables.push_back(std::move(table));
}

void CfnLoader::buildTgwRoute(Resource& r) {
  std::string table_id = *text(r, "TransitGatewayRouteTableId", true);
  auto* table = need(r, "TransitGatewayRouteTableId", table_id, "transit gateway route table",
                     lookup(out_.tgw_route_tables, into_.tgw_route_tables, table_id));
  TgwRoute route;
  route.destination = *cidr(r, "DestinationCidrBlock", true);
  route.blackhole = flag(r, "Blackhole", false);
  if (auto attachment = text(r, "TransitGatewayAttachmentId")) route.attachment_ids.push_back(*attachment);
  route.source = loc(r.mark);
  if (table != nullptr) table->static_routes.push_back(std::move(route));
}

void CfnLoader::buildTgwAssociation(Resource& r, bool propagation) {
  std::string table_id = *text(r, "TransitGatewayRouteTableId", true);
  std::string attachment_id = *text(r, "TransitGatewayAttachmentId", true);
  auto* table = need(r, "TransitGatewayRouteTableId", table_id, "transit gateway route table",
                     lookup(out_.tgw_route_tables, into_.tgw_route_tables, table_id));
  auto* attachment = need(r, "TransitGatewayAttachmentId", attachment_id, "transit gateway attachment",
                          lookup(out_.tgw_attachments, into_.tgw_attachments, attachment_id));
  if (table == nullptr || attachment == nullptr) return;
  if (propagation) {
    table->propagating_attachments.push_back(attachment_id);
  } else {
    attachment->association_route_table = table_id;
  }
}

void CfnLoader::buildStudioDomain(Resource& r) {
  StudioDomain domain;
  domain.meta = meta(r, r.id);
  domain.meta.name = text(r, "DomainName").value_or(r.logical);
  std::string mode = text(r, "AppNetworkAccessType").value_or("PublicInternetOnly");
  if (mode == "VpcOnly") {
    domain.network_mode = StudioNetworkMode::kVpcOnly;
  } else if (mode != "PublicInternetOnly") {
    std::array<std::string_view, 2> modes = {"VpcOnly", "PublicInternetOnly"};
    fail(prop(r, "AppNetworkAccessType")->mark,
         fmt::format("{}.AppNetworkAccessType must be VpcOnly or PublicInternetOnly, not {}{}", r.logical, mode,
                     didYouMean(mode, modes, Closeness::kLoose, false)),
         "bad-value");
  }
  domain.vpc_id = text(r, "VpcId").value_or("");
  domain.subnet_ids = texts(r, "SubnetIds");
  for (const auto& s : domain.subnet_ids) need(r, "SubnetIds", s, "subnet", subnet(s));
  if (const Value* settings = prop(r, "DefaultUserSettings")) {
    if (const Value* groups = settings->find("SecurityGroups")) {
      for (const auto& g : listOf(*groups, r.logical + ".DefaultUserSettings.SecurityGroups")) {
        domain.security_group_ids.push_back(str(g, r.logical + ".DefaultUserSettings.SecurityGroups"));
      }
    }
  }
  out_.studio_domains.push_back(std::move(domain));
}

void CfnLoader::buildUserProfile(Resource& r) {
  UserProfile profile;
  profile.domain = *text(r, "DomainId", true);
  profile.name = *text(r, "UserProfileName", true);
  if (const Value* settings = prop(r, "UserSettings")) {
    if (const Value* role = settings->find("ExecutionRole")) profile.execution_role = str(*role, r.logical + ".UserSettings.ExecutionRole");
    if (const Value* groups = settings->find("SecurityGroups")) {
      for (const auto& g : listOf(*groups, r.logical + ".UserSettings.SecurityGroups")) {
        profile.security_group_ids.push_back(str(g, r.logical + ".UserSettings.SecurityGroups"));
      }
    }
  }
  out_.user_profiles.push_back(std::move(profile));
}

// Build order: what a resource refers to is built before it, whatever the
// order in the template.
int buildRank(std::string_view type) {
  static const std::vector<std::string_view> kOrder = {
      "AWS::EC2::VPC", "AWS::EC2::VPCCidrBlock", "AWS::EC2::Subnet", "AWS::EC2::InternetGateway",
      "AWS::EC2::EgressOnlyInternetGateway", "AWS::EC2::VPNGateway", "AWS::EC2::VPCGatewayAttachment",
      "AWS::EC2::PrefixList", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress",
      "AWS::EC2::SecurityGroupEgress", "AWS::EC2::RouteTable", "AWS::EC2::NetworkAcl", "AWS::EC2::NetworkAclEntry",
      "AWS::EC2::SubnetNetworkAclAssociation", "AWS::EC2::NetworkInterface", "AWS::EC2::Instance", "AWS::EC2::EIP",
      "AWS::EC2::NatGateway", "AWS::EC2::EIPAssociation", "AWS::EC2::VPCEndpoint", "AWS::NetworkFirewall::Firewall",
      "AWS::EC2::VPCPeeringConnection", "AWS::EC2::TransitGateway", "AWS::EC2::TransitGatewayRouteTable",
      "AWS::EC2::TransitGatewayAttachment", "AWS::EC2::TransitGatewayVpcAttachment", "AWS::EC2::TransitGatewayRoute",
      "AWS::EC2::TransitGatewayRouteTableAssociation", "AWS::EC2::TransitGatewayRouteTablePropagation",
      "AWS::EC2::Route", "AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::GatewayRouteTableAssociation",
      "AWS::EC2::VPNGatewayRoutePropagation", "AWS::SageMaker::Domain", "AWS::SageMaker::UserProfile"};
  auto it = std::find(kOrder.begin(), kOrder.end(), type);
  return it == kOrder.end() ? -1 : static_cast<int>(it - kOrder.begin());
}

void CfnLoader::build(Resource& r) {
  const std::string& t = r.type;
  props(r);
  if (t == "AWS::EC2::VPC") return buildVpc(r);
  if (t == "AWS::EC2::VPCCidrBlock") return buildVpcCidr(r);
  if (t == "AWS::EC2::Subnet") return buildSubnet(r);
  if (t == "AWS::EC2::InternetGateway") return buildInternetGateway(r, false);
  if (t == "AWS::EC2::EgressOnlyInternetGateway") return buildInternetGateway(r, true);
  if (t == "AWS::EC2::VPNGateway") return buildVpnGateway(r);
  if (t == "AWS::EC2::VPCGatewayAttachment") return buildGatewayAttachment(r);
  if (t == "AWS::EC2::PrefixList") return buildPrefixList(r);
  if (t == "AWS::EC2::SecurityGroup") return buildSecurityGroup(r);
  if (t == "AWS::EC2::SecurityGroupIngress") return buildSgRule(r, false);
  if (t == "AWS::EC2::SecurityGroupEgress") return buildSgRule(r, true);
  if (t == "AWS::EC2::RouteTable") return buildRouteTable(r);
  if (t == "AWS::EC2::NetworkAcl") return buildNetworkAcl(r);
  if (t == "AWS::EC2::NetworkAclEntry") return buildNetworkAclEntry(r);
  if (t == "AWS::EC2::SubnetNetworkAclAssociation") return buildSubnetAclAssociation(r);
  if (t == "AWS::EC2::NetworkInterface") return buildNetworkInterface(r);
  if (t == "AWS::EC2::Instance") return buildInstance(r);
  if (t == "AWS::EC2::EIP") return buildEip(r);
  if (t == "AWS::EC2::NatGateway") return buildNatGateway(r);
  if (t == "AWS::EC2::EIPAssociation") return buildEipAssociation(r);
  if (t == "AWS::EC2::VPCEndpoint") return buildEndpoint(r);
  if (t == "AWS::NetworkFirewall::Firewall") return buildFirewall(r);
  if (t == "AWS::EC2::VPCPeeringConnection") return buildPeering(r);
  if (t == "AWS::EC2::TransitGateway") return buildTransitGateway(r);
  if (t == "AWS::EC2::TransitGatewayRouteTable") return buildTgwRouteTable(r);
  if (t == "AWS::EC2::TransitGatewayAttachment" || t == "AWS::EC2::TransitGatewayVpcAttachment") {
    return buildTgwAttachment(r);
  }
  if (t == "AWS::EC2::TransitGatewayRoute") return buildTgwRoute(r);
  if (t == "AWS::EC2::TransitGatewayRouteTableAssociation") return buildTgwAssociation(r, false);
  if (t == "AWS::EC2::TransitGatewayRouteTablePropagation") return buildTgwAssociation(r, true);
  if (t == "AWS::EC2::Route") return buildRoute(r);
  if (t == "AWS::EC2::SubnetRouteTableAssociation") return buildSubnetRouteTableAssociation(r);
  if (t == "AWS::EC2::GatewayRouteTableAssociation") return buildGatewayRouteTableAssociation(r);
  if (t == "AWS::EC2::VPNGatewayRoutePropagation") return buildVgwPropagation(r);
  if (t == "AWS::SageMaker::Domain") return buildStudioDomain(r);
  if (t == "AWS::SageMaker::UserProfile") return buildUserProfile(r);
}

void CfnLoader::buildResources() {
  std::vector<Resource*> ordered;
  for (auto& [logical, r] : stack_->resources) {
    if (r.type.empty()) continue;
    if (!r.active) {
      ignore(r, fmt::format("condition {} is false", r.condition));
      continue;
    }
    if (r.type == "AWS::SageMaker::Space") {
      ignore(r, "a Studio space runs on its domain's network settings; not modelled separately");
      continue;
    }
    if (buildRank(r.type) < 0) {
      // Still evaluate it: a broken intrinsic is an error wherever it is.
      try {
        props(r);
      } catch (const CfnError& e) {
        report(e);
      }
      ignore(r, fmt::format("resource type {} does not shape the network", r.type));
      continue;
    }
    ordered.push_back(&r);
  }
  std::stable_sort(ordered.begin(), ordered.end(), [](const Resource* a, const Resource* b) {
    return std::make_pair(buildRank(a->type), a->order) < std::make_pair(buildRank(b->type), b->order);
  });
  for (Resource* r : ordered) {
    try {
      build(*r);
    } catch (const CfnError& e) {
      report(e);
    }
  }
}

// VPC User Guide: Default network ACL — a subnet not explicitly associated
// with a network ACL uses the VPC's default one.
void CfnLoader::assignDefaultAcls() {
  for (const auto& s : out_.subnets) {
    if (subnet_acl_.count(s.meta.id) != 0) continue;
    std::string acl_id;
    if (auto it = default_acl_of_vpc_.find(s.vpc_id); it != default_acl_of_vpc_.end()) {
      acl_id = it->second;
    } else {
      for (const auto& acl : into_.network_acls) {
        if (acl.vpc_id == s.vpc_id && acl.is_default) acl_id = acl.meta.id;
      }
    }
    if (NetworkAcl* acl = networkAcl(acl_id)) {
      if (std::find(acl->subnet_ids.begin(), acl->subnet_ids.end(), s.meta.id) == acl->subnet_ids.end()) {
        acl->subnet_ids.push_back(s.meta.id);
      }
    }
  }
}

// yaml-cpp rejects a tagged block scalar that starts on the line after its
// key ("PolicyDocument:\n  !Sub |"), which is valid YAML and common in
// templates. Move the tag and indicator up to the key's line and leave the
// line empty, so line numbers stay put.
std::string joinTaggedBlockScalars(const std::string& text) {
  static const std::regex kTagLine(R"(^[ \t]*(![A-Za-z]+[ \t]+[|>][-+0-9]*)[ \t]*\r?$)");
  std::vector<std::string> lines;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::smatch match;
    if (!std::regex_match(lines[i], match, kTagLine)) continue;
    std::string& previous = lines[i - 1];
    std::size_t end = previous.find_last_not_of(" \t\r");
    if (end == std::string::npos || previous[end] != ':') continue;
    previous = previous.substr(0, end + 1) + " " + match[1].str();
    lines[i].clear();
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

bool CfnLoader::loadStack(const StackSpec& spec) {
  std::ifstream in(spec.file, std::ios::binary);
  if (!in) {
    error(YAML::Mark::null_mark(), "io", "cannot open file");
    return false;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    YAML::Node root = YAML::Load(joinTaggedBlockScalars(buffer.str()));
    if (!root.IsMap()) fail(root.Mark(), "a template must be a mapping", "cfn-syntax");
    stack_->root = fromYaml(root);
  } catch (const YAML::Exception& e) {
    error(e.mark, "yaml-syntax", "invalid yaml: " + e.msg);
    return false;
  } catch (const CfnError& e) {
    report(e);
    return false;
  }
  if (const Value* transform = stack_->root.find("Transform")) {
    std::vector<Value> names = transform->kind == Value::Kind::kList ? transform->items : std::vector<Value>{*transform};
    for (const auto& n : names) {
      if (n.isScalar() && n.text == "AWS::LanguageExtensions") continue;
      error(n.mark, "cfn-unsupported",
            fmt::format("transform {} cannot be expanded offline", n.isScalar() ? n.text : "(macro)"));
    }
  }
  std::size_t before = pending_.size();
  resolveParameters(spec);
  if (pending_.size() != before) return false;
  if (const Value* conditions = stack_->root.find("Conditions")) {
    for (const auto& [name, expr] : conditions->fields) stack_->condition_nodes.emplace(name, &expr);
    for (const auto& [name, expr] : conditions->fields) {
      try {
        condition(name, expr.mark);
      } catch (const CfnError& e) {
        report(e);
      }
    }
  }
  checkRules();
  // CloudFormation deploys nothing when a parameter or rule fails.
  if (pending_.size() != before) return false;
  registerResources();
  buildResources();
  evaluateOutputs();
  return pending_.size() == before;
}

bool CfnLoader::run(const std::vector<StackSpec>& stacks, std::vector<Diagnostic>& errors) {
  region_ = options_.region;
  account_ = options_.account;
  std::vector<std::unique_ptr<StackState>> states;
  for (const auto& spec : stacks) {
    auto state = std::make_unique<StackState>();
    state->label = spec.file.string();
    state->name = spec.stack_name.empty() ? spec.file.stem().string() : spec.stack_name;
    stack_ = state.get();
    if (stack_outputs_.count(state->name) != 0) {
      error(YAML::Mark::null_mark(), "duplicate-stack", fmt::format("stack name {} is used twice", state->name));
      continue;
    }
    loadStack(spec);
    stack_outputs_[state->name];
    states.push_back(std::move(state));
  }
  assignDefaultAcls();

  auto append = [](auto& to, auto& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  };
  append(into_.vpcs, out_.vpcs);
  append(into_.subnets, out_.subnets);
  append(into_.route_tables, out_.route_tables);
  append(into_.security_groups, out_.security_groups);
  append(into_.network_acls, out_.network_acls);
  append(into_.internet_gateways, out_.internet_gateways);
  append(into_.nat_gateways, out_.nat_gateways);
  append(into_.vpc_endpoints, out_.vpc_endpoints);
  append(into_.enis, out_.enis);
  append(into_.instances, out_.instances);
  append(into_.prefix_lists, out_.prefix_lists);
  append(into_.peering_connections, out_.peering_connections);
  append(into_.transit_gateways, out_.transit_gateways);
  append(into_.tgw_attachments, out_.tgw_attachments);
  append(into_.tgw_route_tables, out_.tgw_route_tables);
  append(into_.vpn_gateways, out_.vpn_gateways);
  append(into_.vpn_connections, out_.vpn_connections);
  append(into_.studio_domains, out_.studio_domains);
  append(into_.user_profiles, out_.user_profiles);
  append(into_.jobs, out_.jobs);
  append(into_.ignored, out_.ignored);
  into_.default_region = region_;
  into_.default_account = account_;

  // Report per stack in file order; unplaced diagnostics of a stack last.
  std::stable_sort(pending_.begin(), pending_.end(), [&](const Pending& a, const Pending& b) {
    auto rank = [&](const Pending& p) {
      std::size_t index = 0;
      for (std::size_t i = 0; i < states.size(); ++i) {
        if (states[i]->label == p.label) index = i;
      }
      return std::make_tuple(index, p.line < 0 ? std::numeric_limits<int>::max() : p.line, p.column);
    };
    return rank(a) < rank(b);
  });
  for (auto& p : pending_) errors.push_back(std::move(p.diagnostic));
  return pending_.empty();
}

}  // namespace

bool loadStacks(const std::vector<StackSpec>& stacks, const LoadOptions& options, Topology& into,
                std::vector<Diagnostic>& errors) {
  CfnLoader loader(options, into);
  return loader.run(stacks, errors);
}

}  // namespace vpcsim::topology

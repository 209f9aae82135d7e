// CloudFormation resources: property helpers, address allocation and one model builder per resource type.
#include "formats/iam_policy.h"
#include "formats/cloudformation_loader.h"

#include "topology/aws_defaults.h"
#include "topology/limits.h"
#include "topology/suggest.h"
#include "topology/validate.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace vpcsim::formats::cfn {

using namespace vpcsim::topology;  // the model this format fills

namespace {

// An IPv6 block as a template value holds it: a CIDR block (host bits
// cleared when `loose`, as AWS does for rule peers), or the text of a block
// assigned at deployment (topology::Ipv6Block).
Result<Ipv6Block> ipv6BlockText(const std::string& text, bool loose) {
  if (!loose || text.find('(') != std::string::npos) return Ipv6Block::parse(text);
  auto block = Cidr6::parseLoose(text);
  if (!block) return block.diagnostic();
  return Ipv6Block(*block);
}

// The AWS::EC2 types vpcsim builds or names, with their ID prefixes and Fn::GetAtt attributes.
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
      "AWS::EC2::VPNGatewayRoutePropagation",
      // Load balancers before the target groups that may target them (alb),
      // both before the listeners and rules that join them.
      "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::TargetGroup",
      "AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerRule", "AWS::SageMaker::Domain", "AWS::SageMaker::UserProfile",
      // Principals before the policies and group additions that name them.
      "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy",
      "AWS::IAM::UserToGroupAddition"};
  auto it = std::find(kOrder.begin(), kOrder.end(), type);
  return it == kOrder.end() ? -1 : static_cast<int>(it - kOrder.begin());
}

}  // namespace

const TypeInfo* typeInfo(std::string_view type) {
  for (const auto& info : typeTable()) {
    if (info.type == type) return &info;
  }
  return nullptr;
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

std::optional<Ipv6Block> CfnLoader::ipv6Block(Resource& r, std::string_view key, bool loose) {
  auto t = text(r, key);
  if (!t) return std::nullopt;
  Result<Ipv6Block> parsed = ipv6BlockText(*t, loose);
  if (!parsed) fail(prop(r, key)->mark, fmt::format("{}.{}: {}", r.logical, key, parsed.error()), "bad-cidr");
  return *parsed;
}

// Ipv6CidrBlock as written; else AmazonProvidedIpv6CidrBlock, or a pool
// (Ipv6Pool, Ipv6IpamPoolId), assigns the block at deployment: Amazon gives
// a /56 (VPC User Guide: IPv6 VPC CIDR blocks), an IPAM pool
// Ipv6NetmaskLength bits. The association's ID anchors that unknown block,
// so every !GetAtt and !Cidr over it names the same one.
std::string CfnLoader::vpcCidrIpv6Text(Resource& r) {
  if (auto known = text(r, "Ipv6CidrBlock")) return *known;
  if (auto pool = text(r, "Ipv6IpamPoolId")) {
    long long length = 56;
    if (const Value* v = prop(r, "Ipv6NetmaskLength")) length = integer(*v, r.logical + ".Ipv6NetmaskLength");
    if (length < 0 || length > 128) {
      fail(prop(r, "Ipv6NetmaskLength")->mark,
           fmt::format("{}.Ipv6NetmaskLength: {} is out of range (0-128)", r.logical, length), "bad-value");
    }
    return Ipv6Block::assigned(*pool, r.id, static_cast<int>(length)).str();
  }
  if (auto pool = text(r, "Ipv6Pool")) return Ipv6Block::assigned(*pool, r.id, 56).str();
  if (flag(r, "AmazonProvidedIpv6CidrBlock", false)) return Ipv6Block::assigned("amazon-provided", r.id, 56).str();
  return "";
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
      if (key == nullptr || value == nullptr || !key->isScalar() || !value->isScalar()) continue;
      if (key->text == "Name") m.name = value->text;
      m.tags.emplace_back(key->text, value->text);
    }
  }
  return m;
}

// ---- addresses and placement (shared with Fn::GetAtt) --------------------------------------

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
  if (s != nullptr && !s->hasIpv4()) {
    fail(r.mark, fmt::format("{}: subnet {} is IPv6-only (Ipv6Native): it has no private IPv4 address to give",
                             r.logical, subnet_id),
         "bad-ip");
  }
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
  if (std::string ipv6 = vpcCidrIpv6Text(r); !ipv6.empty()) {
    auto block = Ipv6Block::parse(ipv6);
    if (!block) {
      const Value* at = prop(r, "Ipv6CidrBlock");
      fail(at != nullptr ? at->mark : r.mark, fmt::format("{}.Ipv6CidrBlock: {}", r.logical, block.error()), "bad-cidr");
    }
    Ipv6Association association;
    association.block = *block;
    association.association_id = r.id;
    if (auto pool = text(r, "Ipv6Pool")) association.pool = *pool;
    if (auto pool = text(r, "Ipv6IpamPoolId")) association.pool = *pool;
    if (flag(r, "AmazonProvidedIpv6CidrBlock", false)) association.pool = "Amazon";
    owner->ipv6_blocks.push_back(std::move(association));
    // What AWS adds to the default ACL and group when the VPC gets an IPv6 block.
    for (auto* acls : {&out_.network_acls, &into_.network_acls}) {
      for (auto& acl : *acls) {
        if (acl.vpc_id == vpc_id && acl.is_default) addDefaultIpv6Entries(acl, loc(r.mark));
      }
    }
    for (auto* groups : {&out_.security_groups, &into_.security_groups}) {
      for (auto& group : *groups) {
        if (group.vpc_id == vpc_id && group.group_name == "default") addDefaultIpv6Egress(group, loc(r.mark));
      }
    }
  }
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
  need(r, "VpcId", s.vpc_id, "vpc", vpc(s.vpc_id));
  s.availability_zone = text(r, "AvailabilityZone").value_or(subnetAz(r.id));
  s.availability_zone_id = text(r, "AvailabilityZoneId").value_or("");
  // CloudFormation, AWS::EC2::Subnet: an IPv6-only subnet (Ipv6Native) has
  // no CidrBlock and needs an Ipv6CidrBlock.
  s.ipv6_native = flag(r, "Ipv6Native", false) && prop(r, "CidrBlock") == nullptr;
  if (s.ipv6_native) {
    s.cidr = Cidr::of(Ipv4(), 32);
    if (prop(r, "Ipv6CidrBlock") == nullptr) {
      fail(r.mark, fmt::format("{}: an IPv6-only subnet (Ipv6Native) needs Ipv6CidrBlock", r.logical),
           "missing-property");
    }
  } else {
    auto block = cidr(r, "CidrBlock");
    if (!block) fail(r.mark, fmt::format("{}: missing property CidrBlock", r.logical), "missing-property");
    s.cidr = *block;
  }
  // Outside its VPC, overlapping another subnet: topology::checkTopology.
  if (auto ipv6 = ipv6Block(r, "Ipv6CidrBlock", false)) {
    topology::Ipv6Association association;
    association.block = *ipv6;
    s.ipv6_blocks.push_back(std::move(association));
  }
  s.assign_ipv6_address_on_creation = flag(r, "AssignIpv6AddressOnCreation", false);
  s.map_public_ip_on_launch = flag(r, "MapPublicIpOnLaunch", false);
  out_.subnets.push_back(std::move(s));
}

void CfnLoader::buildInternetGateway(Resource& r) {
  InternetGateway igw;
  igw.meta = meta(r, r.id);
  out_.internet_gateways.push_back(std::move(igw));
}

void CfnLoader::buildEgressOnlyInternetGateway(Resource& r) {
  EgressOnlyInternetGateway gateway;
  gateway.meta = meta(r, r.id);
  std::string vpc_id = *text(r, "VpcId", true);
  if (need(r, "VpcId", vpc_id, "vpc", vpc(vpc_id)) != nullptr) gateway.vpc_id = vpc_id;
  out_.egress_only_internet_gateways.push_back(std::move(gateway));
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
  {
    // -1 (or no port) with TCP/UDP is every port; the rest as AWS stores it.
    const bool ported = base.protocol == kProtocolTcp || base.protocol == kProtocolUdp;
    auto given = [&](std::string_view key) -> std::optional<int> {
      int value = port(key);
      if (value == -1 && (ported || rule.find(key) == nullptr)) return std::nullopt;
      return value;
    };
    if (auto problem = topology::sgPortsProblem(base.protocol, given("FromPort"), given("ToPort"))) {
      const char* key = problem->field == topology::RuleField::kFrom ? "FromPort" : "ToPort";
      const Value* at = rule.find(key);
      fail(at != nullptr ? at->mark : rule.mark, fmt::format("{}.{}: {}", what, key, problem->message), "bad-value");
    }
  }
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
    Result<Ipv6Block> parsed = ipv6BlockText(*c, true);
    if (!parsed) fail(rule.find("CidrIpv6")->mark, fmt::format("{}.CidrIpv6: {}", what, parsed.error()), "bad-cidr");
    SgRule x = base;
    x.peer_kind = PeerKind::kIpv6Cidr;
    x.cidr6 = *parsed;
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
  sg.group_name = text(r, "GroupName").value_or(generatedName(r));
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
  } else if (auto v6 = ipv6Block(r, "DestinationIpv6CidrBlock", false)) {
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
      } else if (lookup(out_.internet_gateways, into_.internet_gateways, *id) != nullptr) {
        route.target = RouteTarget::kInternetGateway;
      } else if (lookup(out_.egress_only_internet_gateways, into_.egress_only_internet_gateways, *id) != nullptr) {
        route.target = RouteTarget::kEgressOnlyInternetGateway;
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
  } else if (auto v6 = ipv6Block(r, "Ipv6CidrBlock", true)) {
    entry.ipv6_cidr = *v6;
  } else {
    fail(r.mark, fmt::format("{}: missing property CidrBlock", r.logical), "missing-property");
  }
  if (const Value* range = prop(r, "PortRange"); range != nullptr && (entry.protocol == kProtocolTcp || entry.protocol == kProtocolUdp)) {
    const Value* from = range->find("From");
    const Value* to = range->find("To");
    if (from != nullptr) entry.ports.from = static_cast<int>(integer(*from, r.logical + ".PortRange.From"));
    if (to != nullptr) entry.ports.to = static_cast<int>(integer(*to, r.logical + ".PortRange.To"));
    if (auto problem = topology::naclPortsProblem(entry.ports.from, entry.ports.to)) {
      const bool first = problem->field == topology::RuleField::kFrom;
      const Value* at = first ? from : to;
      fail(at != nullptr ? at->mark : range->mark,
           fmt::format("{}.PortRange.{}: {}", r.logical, first ? "From" : "To", problem->message), "bad-value");
    }
  }
  if (const Value* icmp = prop(r, "Icmp")) {
    const Value* t = icmp->find("Type");
    const Value* c = icmp->find("Code");
    if (t != nullptr) entry.icmp_type = static_cast<int>(integer(*t, r.logical + ".Icmp.Type"));
    if (c != nullptr) entry.icmp_code = static_cast<int>(integer(*c, r.logical + ".Icmp.Code"));
    if (auto problem = topology::naclIcmpProblem(entry.icmp_type, entry.icmp_code)) {
      const bool first = problem->field == topology::RuleField::kFrom;
      const Value* at = first ? t : c;
      fail(at != nullptr ? at->mark : icmp->mark,
           fmt::format("{}.Icmp.{}: {}", r.logical, first ? "Type" : "Code", problem->message), "bad-value");
    }
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
  if (auto type_text = text(r, "IpAddressType")) {
    auto ip_type = parseIpAddressType(*type_text);
    if (!ip_type) {
      fail(prop(r, "IpAddressType")->mark,
           fmt::format("{}.IpAddressType: '{}' is not an IP address type (ipv4, dualstack or ipv6)", r.logical, *type_text),
           "bad-value");
    }
    endpoint.ip_address_type = *ip_type;
  }
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
    // PolicyDocument: "a JSON string or a YAML/JSON object" (CloudFormation
    // User Guide, AWS::EC2::VPCEndpoint).
    endpoint.policy = policyDocument(*policy, r.logical + " endpoint policy");
  }
  if (endpoint.type == EndpointType::kGateway) {
    // PrivateLink guide, Gateway endpoints: AWS adds a route whose destination
    // is the service's prefix list to each chosen route table.
    std::string list_id = managedPrefixListId(endpoint.service_name);
    for (const auto& table_id : endpoint.route_table_ids) {
      RouteTable* table = need(r, "RouteTableIds", table_id, "route table", routeTable(table_id));
      if (table == nullptr) continue;
      table->routes.push_back(gatewayEndpointRoute(list_id, endpoint.meta.id, loc(r.mark)));
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
    if (const Value* role = settings->find("ExecutionRole")) {
      domain.default_execution_role = str(*role, r.logical + ".DefaultUserSettings.ExecutionRole");
    }
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

// ---- the resources phase ----------------------------------------------------------------------

namespace {

/// Adds to `out` the resources `v` names through Ref, Fn::GetAtt or a
/// ${Name} / ${Name.Attribute} of Fn::Sub (not ${!literal}, not its own variables).
void collectReferences(const Value& v, const std::map<std::string, Resource>& resources,
                       std::set<std::string>& out) {
  auto add = [&](std::string_view name) {
    if (auto it = resources.find(std::string(name)); it != resources.end()) out.insert(it->first);
  };
  if (v.kind == Value::Kind::kMap && v.fields.size() == 1) {
    const auto& [key, arg] = v.fields.front();
    if (key == "Ref" && arg.isScalar()) add(arg.text);
    if (key == "Fn::GetAtt") {
      if (arg.isScalar()) add(std::string_view(arg.text).substr(0, arg.text.find('.')));
      if (arg.kind == Value::Kind::kList && !arg.items.empty() && arg.items.front().isScalar()) {
        add(arg.items.front().text);
      }
    }
    if (key == "Fn::Sub") {
      const Value* text = arg.isScalar() ? &arg : arg.kind == Value::Kind::kList && !arg.items.empty() ? &arg.items[0] : nullptr;
      const Value* variables = arg.kind == Value::Kind::kList && arg.items.size() > 1 ? &arg.items[1] : nullptr;
      for (std::size_t open = text != nullptr ? text->text.find("${") : std::string::npos; open != std::string::npos;
           open = text->text.find("${", open + 2)) {
        std::size_t close = text->text.find('}', open);
        if (close == std::string::npos) break;
        std::string_view name = std::string_view(text->text).substr(open + 2, close - open - 2);
        if (name.empty() || name.front() == '!') continue;
        name = name.substr(0, name.find('.'));
        if (variables == nullptr || variables->find(name) == nullptr) add(name);
      }
    }
  }
  for (const auto& item : v.items) collectReferences(item, resources, out);
  for (const auto& field : v.fields) collectReferences(field.second, resources, out);
}

/// A cycle of `edges` as "A -> B -> A", or empty; a long one shows its first
/// and last steps and its length. Depth first over the names in order,
/// without recursion (a template may chain thousands).
std::string findCycle(const std::map<std::string, std::set<std::string>>& edges) {
  enum class Mark { kNew, kOnPath, kDone };
  std::map<std::string_view, Mark> marks;
  for (const auto& [name, targets] : edges) marks.emplace(name, Mark::kNew);
  for (const auto& [root, root_targets] : edges) {
    if (marks[root] != Mark::kNew) continue;
    // Each frame: a resource on the path and where it is in its targets.
    std::vector<std::pair<std::string_view, std::set<std::string>::const_iterator>> path;
    marks[root] = Mark::kOnPath;
    path.emplace_back(root, root_targets.begin());
    while (!path.empty()) {
      auto& [name, next] = path.back();
      const auto& targets = edges.at(std::string(name));
      if (next == targets.end()) {
        marks[name] = Mark::kDone;
        path.pop_back();
        continue;
      }
      const std::string& target = *next++;
      Mark& mark = marks[target];
      if (mark == Mark::kOnPath) {
        std::vector<std::string_view> cycle;
        for (const auto& frame : path) {
          if (!cycle.empty() || frame.first == target) cycle.push_back(frame.first);
        }
        constexpr std::size_t kShown = 8;
        std::string out;
        for (std::size_t i = 0; i < cycle.size(); ++i) {
          if (cycle.size() > kShown && i == kShown - 2) {
            out += "... -> ";
            i = cycle.size() - 2;
          }
          out += fmt::format("{} -> ", cycle[i]);
        }
        out += target;
        if (cycle.size() > kShown) out += fmt::format(" ({} resources)", cycle.size());
        return out;
      }
      if (mark == Mark::kNew) {
        mark = Mark::kOnPath;
        path.emplace_back(edges.find(target)->first, edges.at(target).begin());
      }
    }
  }
  return "";
}

}  // namespace

bool CfnLoader::registerResources() {
  const Value* resources = stack_->root.find("Resources");
  if (resources == nullptr || resources->kind != Value::Kind::kMap) {
    error(stack_->root.mark, "cfn-syntax", "the template has no Resources section");
    return true;
  }
  // CloudFormation User Guide, "CloudFormation quotas": 500 resources a template.
  if (resources->fields.size() > topology::limits::kResourcesPerTemplate) {
    error(resources->mark, "too-large",
          fmt::format("too large: the template has {} resources (the limit is {}; CloudFormation allows 500)",
                      resources->fields.size(), topology::limits::kResourcesPerTemplate));
    return false;
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
  // CloudFormation refuses a template whose resources depend on each other in
  // a circle, through DependsOn, Ref, Fn::GetAtt or Fn::Sub ("Circular
  // dependency between resources").
  std::map<std::string, std::set<std::string>> edges;
  for (const auto& [logical, r] : stack_->resources) {
    std::set<std::string>& targets = edges[logical];
    if (const Value* depends = r.node->find("DependsOn")) {
      for (const auto& n : depends->kind == Value::Kind::kList ? depends->items : std::vector<Value>{*depends}) {
        if (n.isScalar() && stack_->resources.count(n.text) != 0) targets.insert(n.text);
      }
    }
    if (const Value* properties = r.node->find("Properties")) collectReferences(*properties, stack_->resources, targets);
  }
  if (std::string cycle = findCycle(edges); !cycle.empty()) {
    const Resource& first = stack_->resources.at(cycle.substr(0, cycle.find(' ')));
    error(first.mark, "circular-dependency", fmt::format("circular dependency between resources: {}", cycle));
    return false;
  }
  return true;
}

void CfnLoader::build(Resource& r) {
  const std::string& t = r.type;
  props(r);
  if (t == "AWS::EC2::VPC") return buildVpc(r);
  if (t == "AWS::EC2::VPCCidrBlock") return buildVpcCidr(r);
  if (t == "AWS::EC2::Subnet") return buildSubnet(r);
  if (t == "AWS::EC2::InternetGateway") return buildInternetGateway(r);
  if (t == "AWS::EC2::EgressOnlyInternetGateway") return buildEgressOnlyInternetGateway(r);
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
  if (t == "AWS::ElasticLoadBalancingV2::LoadBalancer") return buildLoadBalancer(r);
  if (t == "AWS::ElasticLoadBalancingV2::TargetGroup") return buildTargetGroup(r);
  if (t == "AWS::ElasticLoadBalancingV2::Listener") return buildListener(r);
  if (t == "AWS::ElasticLoadBalancingV2::ListenerRule") return buildListenerRule(r);
  if (t == "AWS::SageMaker::Domain") return buildStudioDomain(r);
  if (t == "AWS::SageMaker::UserProfile") return buildUserProfile(r);
  if (t == "AWS::IAM::Role") return buildIamPrincipal(r, PrincipalKind::kRole);
  if (t == "AWS::IAM::User") return buildIamPrincipal(r, PrincipalKind::kUser);
  if (t == "AWS::IAM::Group") return buildIamPrincipal(r, PrincipalKind::kGroup);
  if (t == "AWS::IAM::ManagedPolicy") return buildManagedPolicy(r);
  if (t == "AWS::IAM::Policy") return buildIamPolicy(r);
  if (t == "AWS::IAM::UserToGroupAddition") return buildUserToGroupAddition(r);
}

void CfnLoader::buildResources() {
  std::vector<Resource*> ordered;
  // Not built, but still evaluated: a broken intrinsic is an error wherever it is.
  auto skip = [this](Resource& r, std::string reason) {
    try {
      props(r);
    } catch (const CfnError& e) {
      report(e);
    }
    ignore(r, std::move(reason));
  };
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
    if (r.type == "AWS::IAM::InstanceProfile") {
      // IAM User Guide, "Use instance profiles": a profile only hands its role
      // to an EC2 instance; the role itself is loaded from AWS::IAM::Role.
      skip(r, "an instance profile passes its role to EC2 instances; not modelled (the role is)");
      continue;
    }
    if (buildRank(r.type) < 0) {
      skip(r, fmt::format("resource type {} does not shape the network", r.type));
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

}  // namespace vpcsim::formats::cfn

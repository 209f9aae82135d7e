// What AWS creates with every new VPC, and the implicit routes and rules it adds.
#include "topology/aws_defaults.h"

#include <cstdint>

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace vpcsim::topology {
namespace {

ResourceMeta metaOf(const Vpc& vpc, std::string id) {
  ResourceMeta meta;
  meta.id = std::move(id);
  meta.account = vpc.meta.account;
  meta.region = vpc.meta.region;
  meta.origin = vpc.meta.origin;
  return meta;
}

}  // namespace

Route localRoute(const Cidr& block, std::string source) {
  Route local;
  local.destination = block;
  local.target = RouteTarget::kLocal;
  local.target_id = "local";
  local.origin = "CreateRouteTable";
  local.source = std::move(source);
  return local;
}

bool hasLocalRoute(const std::vector<Route>& routes, const Cidr& block) {
  return std::any_of(routes.begin(), routes.end(), [&](const Route& route) {
    return route.target == RouteTarget::kLocal && route.destination && *route.destination == block;
  });
}

NaclEntry allTrafficEntry(int rule_number, bool egress, bool allow, std::string source) {
  NaclEntry entry;
  entry.rule_number = rule_number;
  entry.egress = egress;
  entry.allow = allow;
  entry.cidr = *Cidr::parse("0.0.0.0/0");
  entry.source = std::move(source);
  return entry;
}

NaclEntry allIpv6TrafficEntry(int rule_number, bool egress, bool allow, std::string source) {
  NaclEntry entry;
  entry.rule_number = rule_number;
  entry.egress = egress;
  entry.allow = allow;
  entry.ipv6_cidr = Ipv6Block();  // ::/0
  entry.source = std::move(source);
  return entry;
}

void addDefaultIpv6Entries(NetworkAcl& acl, const std::string& source) {
  bool has = std::any_of(acl.entries.begin(), acl.entries.end(), [](const NaclEntry& e) { return e.ipv6_cidr.has_value(); });
  if (has) return;
  for (bool egress : {false, true}) {
    acl.entries.push_back(allIpv6TrafficEntry(101, egress, true, source));
    acl.entries.push_back(allIpv6TrafficEntry(kCatchAllRuleNumber, egress, false, source));
  }
}

void addDefaultIpv6Egress(SecurityGroup& sg, const std::string& source) {
  bool has = std::any_of(sg.egress.begin(), sg.egress.end(), [](const SgRule& rule) {
    return rule.peer_kind == PeerKind::kIpv6Cidr && rule.cidr6 == Ipv6Block() && rule.protocol == kProtocolAll;
  });
  if (has) return;
  SgRule all;
  all.peer_kind = PeerKind::kIpv6Cidr;
  all.index = static_cast<int>(sg.egress.size());
  all.source = source;
  sg.egress.push_back(std::move(all));
}

void addCatchAllDenies(NetworkAcl& acl, const std::string& source) {
  for (bool egress : {false, true}) acl.entries.push_back(allTrafficEntry(kCatchAllRuleNumber, egress, false, source));
}

RouteTable mainRouteTable(const Vpc& vpc, std::string id) {
  RouteTable table;
  table.meta = metaOf(vpc, std::move(id));
  table.vpc_id = vpc.meta.id;
  table.main = true;
  for (const auto& block : vpc.cidrs) table.routes.push_back(localRoute(block, vpc.meta.origin));
  return table;
}

NetworkAcl defaultNetworkAcl(const Vpc& vpc, std::string id) {
  NetworkAcl acl;
  acl.meta = metaOf(vpc, std::move(id));
  acl.vpc_id = vpc.meta.id;
  acl.is_default = true;
  for (bool egress : {false, true}) {
    acl.entries.push_back(allTrafficEntry(100, egress, true, vpc.meta.origin));
    acl.entries.push_back(allTrafficEntry(kCatchAllRuleNumber, egress, false, vpc.meta.origin));
  }
  if (!associatedIpv6(vpc.ipv6_blocks).empty()) addDefaultIpv6Entries(acl, vpc.meta.origin);
  return acl;
}

SecurityGroup defaultSecurityGroup(const Vpc& vpc, std::string id) {
  SecurityGroup sg;
  sg.meta = metaOf(vpc, std::move(id));
  sg.group_name = "default";
  sg.vpc_id = vpc.meta.id;
  sg.description = "default VPC security group";
  SgRule self;
  self.peer_kind = PeerKind::kSecurityGroup;
  self.peer = sg.meta.id;
  self.source = vpc.meta.origin;
  sg.ingress.push_back(std::move(self));
  SgRule all;
  all.cidr = *Cidr::parse("0.0.0.0/0");
  all.source = vpc.meta.origin;
  sg.egress.push_back(std::move(all));
  if (!associatedIpv6(vpc.ipv6_blocks).empty()) addDefaultIpv6Egress(sg, vpc.meta.origin);
  return sg;
}

uint64_t stableHash(std::string_view text) {
  // FNV-1a, 64 bits: stable across runs and platforms.
  uint64_t hash = 1469598103934665603ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string stableSyntheticId(std::string_view prefix, std::string_view key) {
  uint64_t high = stableHash(key);
  uint64_t low = stableHash(std::string(key) + "#");
  return fmt::format("{}{:016x}{:x}", prefix, high, low & 0xFU);
}

std::string managedPrefixListId(const std::string& service_name) {
  return stableSyntheticId("pl-", "aws-managed/" + service_name);
}

Route gatewayEndpointRoute(const std::string& prefix_list_id, const std::string& endpoint_id, std::string source) {
  Route route;
  route.destination_prefix_list = prefix_list_id;
  route.target = RouteTarget::kVpcEndpoint;
  route.target_id = endpoint_id;
  route.origin = "CreateRoute";
  route.source = std::move(source);
  return route;
}

std::string partitionOfRegion(std::string_view region) {
  if (region.rfind("cn-", 0) == 0) return "aws-cn";
  if (region.rfind("us-gov-", 0) == 0) return "aws-us-gov";
  return "aws";
}

std::optional<LoadBalancerType> parseLoadBalancerType(std::string_view text) {
  if (text == "application") return LoadBalancerType::kApplication;
  if (text == "network") return LoadBalancerType::kNetwork;
  if (text == "gateway") return LoadBalancerType::kGateway;
  return std::nullopt;
}

std::string_view loadBalancerIdPrefix(LoadBalancerType type) {
  switch (type) {
    case LoadBalancerType::kNetwork: return "net";
    case LoadBalancerType::kGateway: return "gwy";
    case LoadBalancerType::kApplication:
    case LoadBalancerType::kClassic: break;
  }
  return "app";
}

std::string elbArn(std::string_view region, std::string_view account, std::string_view resource) {
  return fmt::format("arn:{}:elasticloadbalancing:{}:{}:{}", partitionOfRegion(region), region, account, resource);
}

std::string loadBalancerDnsName(LoadBalancerType type, bool internet_facing, std::string_view name,
                                std::string_view hash, std::string_view region) {
  if (type == LoadBalancerType::kApplication || type == LoadBalancerType::kClassic) {
    uint64_t number = stableHash(hash) % 10000000000ULL;
    return fmt::format("{}{}-{}.{}.elb.amazonaws.com", internet_facing ? "" : "internal-", name, number, region);
  }
  return fmt::format("{}-{}.elb.{}.amazonaws.com", name, hash, region);
}

std::optional<std::string> listenerProtocolProblem(LoadBalancerType type, std::string_view protocol) {
  static const std::vector<std::string_view> kApplication = {"HTTP", "HTTPS"};
  static const std::vector<std::string_view> kNetwork = {"TCP", "TLS", "UDP", "TCP_UDP", "QUIC", "TCP_QUIC"};
  static const std::vector<std::string_view> kGateway = {"GENEVE"};
  const auto& allowed = type == LoadBalancerType::kNetwork   ? kNetwork
                        : type == LoadBalancerType::kGateway ? kGateway
                                                             : kApplication;
  if (std::find(allowed.begin(), allowed.end(), protocol) != allowed.end()) return std::nullopt;
  std::string list;
  for (auto name : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", name);
  return fmt::format("'{}' is not a protocol of {} {} load balancer ({})", protocol,
                     type == LoadBalancerType::kApplication ? "an" : "a", loadBalancerTypeName(type), list);
}

}  // namespace vpcsim::topology

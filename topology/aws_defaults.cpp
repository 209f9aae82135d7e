// What AWS creates with every new VPC, and the implicit routes and rules it adds.
#include "topology/aws_defaults.h"

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
  return sg;
}

}  // namespace vpcsim::topology

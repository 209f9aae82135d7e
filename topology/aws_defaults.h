// What AWS creates with every new VPC, and its implicit routes and rules; shared by the template and native loaders.
#pragma once

#include <string>
#include <vector>

#include "topology/ip.h"
#include "topology/model.h"

namespace vpcsim::topology {

/// Rule number of the `*` entry that ends every network ACL.
inline constexpr int kCatchAllRuleNumber = 32767;

/// The local route for `block` (target "local", origin CreateRouteTable),
/// shown as coming from `source`. VPC User Guide: Route tables — every route
/// table holds a local route for each CIDR block of its VPC.
Route localRoute(const Cidr& block, std::string source);

/// Whether `routes` already has a local route for `block`.
bool hasLocalRoute(const std::vector<Route>& routes, const Cidr& block);

/// A network ACL entry for all protocols to or from 0.0.0.0/0.
NaclEntry allTrafficEntry(int rule_number, bool egress, bool allow, std::string source);

/// Appends the `*` deny entries, inbound then outbound. VPC User Guide:
/// Network ACL rules — every network ACL ends with a rule numbered * that
/// denies what no other rule matched; Custom network ACLs — a new ACL has
/// only these until rules are added.
void addCatchAllDenies(NetworkAcl& acl, const std::string& source);

// The three below take their account, region and origin from `vpc` (and no
// name or logical ID), point every route and rule at the VPC's origin, and
// use `id` as given: each loader has its own ID scheme.

/// The main route table: a local route per CIDR block of `vpc`, in order.
/// VPC User Guide: Route tables — main route table.
RouteTable mainRouteTable(const Vpc& vpc, std::string id);

/// The default network ACL: inbound then outbound, rule 100 allows all
/// IPv4 traffic ahead of the `*` deny. VPC User Guide: Default network ACL.
NetworkAcl defaultNetworkAcl(const Vpc& vpc, std::string id);

/// The default security group "default": inbound from members of the group
/// itself, outbound to 0.0.0.0/0. VPC User Guide: Default security groups
/// for your VPCs.
SecurityGroup defaultSecurityGroup(const Vpc& vpc, std::string id);

}  // namespace vpcsim::topology

// Inventory of a loaded topology: what was modelled and what was ignored.
#pragma once

#include <string>

#include "topology/model.h"

namespace vpcsim::reports {

/// Counts per resource kind, one line per VPC with its subnets and then one
/// line per resource of the VPC a user may name (route tables, security
/// groups, network ACLs, gateways, endpoints, instances: ID, name or
/// logical ID, and a short detail), the resources of no single VPC
/// (peering, transit gateways, VPN, customer prefix lists), the estates
/// (sim/estate.h: the VPCs and gateways links join, each with its member IDs),
/// then every ignored input item with the reason. Deterministic.
std::string describeText(const topology::Topology& topology);

/// The same inventory as JSON.
std::string describeJson(const topology::Topology& topology);

}  // namespace vpcsim::reports

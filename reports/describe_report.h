// Inventory of a loaded topology: what was modelled and what was ignored.
#pragma once

#include <string>

#include "topology/model.h"

namespace vpcsim::reports {

/// Counts per resource kind, one line per VPC with its subnets, the estates
/// (sim/estate.h: the VPCs and gateways links join, each with its member IDs),
/// then every ignored input item with the reason. Deterministic.
std::string describeText(const topology::Topology& topology);

/// The same inventory as JSON.
std::string describeJson(const topology::Topology& topology);

}  // namespace vpcsim::reports

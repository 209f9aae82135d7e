// The network diagram: the topology as a Graphviz graph (`describe --output
// dot`), and laid out as SVG by Graphviz's dot for the HTML report
// (docs/report.md).
#pragma once

#include <string>

#include "topology/model.h"
#include "topology/result.h"

namespace vpcsim::reports {

/// The topology as DOT: each VPC a cluster holding one cluster per
/// Availability Zone with its subnets (CIDR, interfaces, route table and
/// network ACL), gateways, NAT gateways and endpoints; the internet,
/// transit gateways, peering and VPN connections between the VPCs. An edge
/// from a subnet to each target its route table sends something to,
/// labelled with the destinations. SVG element ids are "n-" + the resource
/// ID ("n-subnet-1"), so a report can find a path's hops. Same topology,
/// same bytes; every input string is escaped for DOT.
std::string topologyDot(const topology::Topology& topology);

/// Lays `dot` out with Graphviz's dot layout and renders SVG, with the
/// plugins linked in (no fonts read: text widths come from Graphviz's own
/// metrics, so the output does not depend on the machine's fonts). An error
/// when Graphviz refuses the graph.
topology::Result<std::string> layoutSvg(const std::string& dot);

}  // namespace vpcsim::reports

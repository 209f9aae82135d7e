// The network diagram: the topology as a Graphviz graph (`describe --output
// dot`), and laid out as SVG by Graphviz's dot for the HTML report
// (docs/report.md).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

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

/// One picture of the network a report shows.
struct DiagramView {
  std::string key;    ///< "estate" (everything), "overview", or the VPC's ID
  std::string label;  ///< how the page names it
  std::string dot;
};

/// Up to this many subnets a report draws the whole estate as one picture.
inline constexpr std::size_t kWholeEstateSubnets = 80;

/// The pictures a report shows: the whole estate (topologyDot) when it has
/// at most `whole_estate_subnets` subnets or one VPC; else an overview (each
/// VPC one node with its subnets, zones and interfaces counted; gateways,
/// transit gateways, peering and VPN gateways between them) and one picture
/// per VPC (its subnets and what its routes, attachments and peering
/// connections reach; a peered VPC as a node of its own). Same topology,
/// same views.
std::vector<DiagramView> diagramViews(const topology::Topology& topology,
                                      std::size_t whole_estate_subnets = kWholeEstateSubnets);

/// What a report tells of one node when it is clicked or searched: its
/// name, tags, and what the picture summarises (a subnet's routes, network
/// ACL entries, security groups with their interfaces). Raw input text:
/// the page escapes it.
struct NodeInfo {
  std::string title;
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<std::string> lines;
  std::vector<std::string> refs;  ///< entries shown with this one (a subnet's route table and network ACL)
};

/// NodeInfo of every VPC, subnet, route table, network ACL, gateway,
/// endpoint, transit gateway, peering connection and VPN gateway, by
/// resource ID.
std::map<std::string, NodeInfo> nodeInfo(const topology::Topology& topology);

/// Lays `dot` out with Graphviz's dot layout and renders SVG, with the
/// plugins linked in (no fonts read: text widths come from Graphviz's own
/// metrics, so the output does not depend on the machine's fonts). An error
/// when Graphviz refuses the graph.
topology::Result<std::string> layoutSvg(const std::string& dot);

}  // namespace vpcsim::reports

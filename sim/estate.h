// Estates: the groups of VPCs and gateways that links join, the parts of the input a packet can move between.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "topology/model.h"

namespace vpcsim::sim {

/// One connected component of the estate graph.
struct Estate {
  /// Member IDs in string order: VPCs, transit gateways, virtual private
  /// gateways, VPN connections and Direct Connect gateways. IDs a link names
  /// are members even when the input does not describe them (the far VPC of
  /// an active peering, the transit gateway of an attachment).
  std::vector<std::string> members;
};

/// The estates of a topology and which estate each member is in.
struct Estates {
  /// Numbered by their smallest member ID (the first of `members`), so the
  /// numbering depends only on the input.
  std::vector<Estate> list;
  /// (member ID, index into `list`), sorted by ID: one entry per member.
  std::vector<std::pair<std::string, size_t>> by_member;

  /// The index into `list` of the estate `id` is a member of; nullopt when
  /// no estate has it (not a VPC, gateway or VPN connection of the input).
  [[nodiscard]] std::optional<size_t> indexOf(std::string_view id) const;
};

/// Splits the topology into estates. Vertices: every VPC, transit gateway,
/// virtual private gateway and VPN connection of the input, and every ID of
/// those kinds a link below names. Edges, the links a packet can cross:
/// - a VPC peering connection in state "active", between its two VPCs (VPC
///   Peering guide: traffic flows only over an active connection);
/// - a transit gateway attachment (the loader keeps live ones only), between
///   its gateway and its resource (VPC, peer gateway, VPN connection, Direct
///   Connect gateway), and the VPCs of its subnets;
/// - the transit gateway route table an attachment is associated with (on
///   either side of a peering), between the attachment's gateway and the
///   table's, and a table's static routes and propagations, between the
///   table's gateway and the gateway of each attachment they name;
/// - a virtual private gateway and each VPC it is attached to; a VPN
///   connection and its virtual private or transit gateway;
/// - a NAT gateway, between its VPC and its subnet's; a route to a NAT
///   gateway, between the VPCs of the subnets using the table and the NAT
///   gateway's.
/// On consistent input the last three kinds of edge add nothing to the
/// first; they keep a packet the tracer follows within one estate on input
/// AWS would not accept. The internet joins nothing: a private address is
/// not routed across it. Deterministic for a given topology.
Estates findEstates(const topology::Topology& topology);

}  // namespace vpcsim::sim

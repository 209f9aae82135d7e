// Estates: connected components of the graph of VPCs, gateways and the links between them (Boost.Graph).
#include "sim/estate.h"

#include <algorithm>
#include <cstdint>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>

namespace vpcsim::sim {

using namespace topology;

namespace {

/// The vertices (IDs) and edges of the estate graph, before numbering.
class GraphInput {
 public:
  void vertex(const std::string& id) {
    if (!id.empty()) ids_.push_back(id);
  }
  void edge(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty() || a == b) return;
    vertex(a);
    vertex(b);
    edges_.emplace_back(a, b);
  }

  /// Sorts the IDs; vertex i is ids()[i].
  void seal() {
    std::sort(ids_.begin(), ids_.end());
    ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
  }
  [[nodiscard]] const std::vector<std::string>& ids() const { return ids_; }
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& edges() const { return edges_; }
  [[nodiscard]] size_t indexOf(const std::string& id) const {
    return static_cast<size_t>(std::lower_bound(ids_.begin(), ids_.end(), id) - ids_.begin());
  }

 private:
  std::vector<std::string> ids_;
  std::vector<std::pair<std::string, std::string>> edges_;
};

void collect(const Topology& topo, GraphInput& graph) {
  for (const auto& vpc : topo.vpcs) graph.vertex(vpc.meta.id);
  for (const auto& tgw : topo.transit_gateways) graph.vertex(tgw.meta.id);
  for (const auto& vgw : topo.vpn_gateways) graph.vertex(vgw.meta.id);
  for (const auto& vpn : topo.vpn_connections) graph.vertex(vpn.meta.id);

  // VPC Peering guide, "VPC peering basics": only an active connection carries traffic.
  for (const auto& pcx : topo.peering_connections) {
    if (pcx.status == "active") graph.edge(pcx.requester.vpc_id, pcx.accepter.vpc_id);
  }

  // Transit Gateway guide, "How transit gateways work": an attachment joins
  // its resource to the gateway; its associated route table picks the
  // attachment a packet leaves by.
  auto tableGateway = [&](const std::string& table_id) -> std::string {
    const TgwRouteTable* table = topo.findTgwRouteTable(table_id);
    return table != nullptr ? table->transit_gateway_id : std::string();
  };
  for (const auto& attachment : topo.tgw_attachments) {
    const std::string& tgw = attachment.transit_gateway_id;
    graph.vertex(tgw);
    if (attachment.resource_type == "vpc" || attachment.resource_type == "peering" ||
        attachment.resource_type == "vpn" || attachment.resource_type == "direct-connect-gateway") {
      graph.edge(tgw, attachment.resource_id);
    }
    for (const auto& subnet_id : attachment.subnet_ids) {
      if (const Subnet* subnet = topo.findSubnet(subnet_id)) graph.edge(tgw, subnet->vpc_id);
    }
    graph.edge(tgw, tableGateway(attachment.association_route_table));
    graph.edge(tgw, tableGateway(attachment.peer_association_route_table));
  }
  for (const auto& table : topo.tgw_route_tables) {
    auto named = [&](const std::string& attachment_id) {
      if (const TgwAttachment* attachment = topo.findTgwAttachment(attachment_id)) {
        graph.edge(table.transit_gateway_id, attachment->transit_gateway_id);
      }
    };
    for (const auto& route : table.static_routes) {
      for (const auto& id : route.attachment_ids) named(id);
    }
    for (const auto& id : table.propagating_attachments) named(id);
  }

  for (const auto& vgw : topo.vpn_gateways) {
    for (const auto& vpc : vgw.vpc_ids) graph.edge(vgw.meta.id, vpc);
  }
  for (const auto& vpn : topo.vpn_connections) {
    graph.edge(vpn.meta.id, vpn.vpn_gateway_id);
    graph.edge(vpn.meta.id, vpn.transit_gateway_id);
  }

  // A NAT gateway whose subnet is in another VPC than its own, and a route
  // to a NAT gateway of another VPC (AWS refuses both; an input may still
  // hold them): the tracer routes on from the NAT gateway's subnet.
  for (const auto& nat : topo.nat_gateways) {
    if (const Subnet* subnet = topo.findSubnet(nat.subnet_id)) graph.edge(nat.vpc_id, subnet->vpc_id);
  }
  for (const auto& table : topo.route_tables) {
    for (const auto& route : table.routes) {
      if (route.target != RouteTarget::kNatGateway) continue;
      const NatGateway* nat = topo.findNatGateway(route.target_id);
      if (nat == nullptr) continue;
      std::vector<std::string> nat_vpcs{nat->vpc_id};
      if (const Subnet* subnet = topo.findSubnet(nat->subnet_id)) nat_vpcs.push_back(subnet->vpc_id);
      std::vector<std::string> users{table.vpc_id};
      for (const auto& subnet_id : table.subnet_ids) {
        if (const Subnet* subnet = topo.findSubnet(subnet_id)) users.push_back(subnet->vpc_id);
      }
      for (const auto& user : users) {
        for (const auto& vpc : nat_vpcs) graph.edge(user, vpc);
      }
    }
  }
}

}  // namespace

std::optional<size_t> Estates::indexOf(std::string_view id) const {
  auto it = std::lower_bound(by_member.begin(), by_member.end(), id,
                             [](const std::pair<std::string, size_t>& entry, std::string_view key) {
                               return entry.first < key;
                             });
  if (it == by_member.end() || it->first != id) return std::nullopt;
  return it->second;
}

Estates findEstates(const Topology& topology) {
  GraphInput input;
  collect(topology, input);
  input.seal();
  const std::vector<std::string>& ids = input.ids();

  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  Graph graph(ids.size());
  for (const auto& [a, b] : input.edges()) boost::add_edge(input.indexOf(a), input.indexOf(b), graph);
  std::vector<size_t> component(ids.size());
  boost::connected_components(graph, component.data());

  // Boost numbers components as it meets them; renumber by first (smallest) member.
  Estates out;
  std::vector<size_t> number(ids.size(), SIZE_MAX);
  out.by_member.reserve(ids.size());
  for (size_t v = 0; v < ids.size(); ++v) {
    size_t& estate = number[component[v]];
    if (estate == SIZE_MAX) {
      estate = out.list.size();
      out.list.emplace_back();
    }
    out.list[estate].members.push_back(ids[v]);
    out.by_member.emplace_back(ids[v], estate);
  }
  return out;
}

}  // namespace vpcsim::sim

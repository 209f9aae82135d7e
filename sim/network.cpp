// Builds the lookup indexes the tracer needs over a topology.
#include <algorithm>

#include "sim/network_index.h"

namespace vpcsim::sim {

using namespace topology;

Network::Index::Index(const Topology& topology) : topo(topology) {
  for (const auto& table : topo.route_tables) {
    if (table.main) main_route_table.emplace(table.vpc_id, &table);
    for (const auto& subnet : table.subnet_ids) subnet_route_table.emplace(subnet, &table);
    for (const auto& gateway : table.gateway_ids) gateway_route_table.emplace(gateway, &table);
  }
  for (const auto& acl : topo.network_acls) {
    if (acl.is_default) default_acl.emplace(acl.vpc_id, &acl);
    for (const auto& subnet : acl.subnet_ids) subnet_acl.emplace(subnet, &acl);
  }
  for (const auto& sg : topo.security_groups) {
    if (sg.group_name == "default") default_sg.emplace(sg.vpc_id, &sg);
  }
  // A load balancer's interfaces are described "ELB <id>" (EC2 User Guide,
  // "Requester-managed network interfaces"; the ID as LoadBalancer::meta.id).
  if (!topo.load_balancers.empty()) {
    std::unordered_map<std::string_view, const LoadBalancer*> by_id;
    for (const auto& lb : topo.load_balancers) by_id.emplace(lb.meta.id, &lb);
    for (const auto& eni : topo.enis) {
      if (!isLoadBalancerInterface(eni) || eni.description.rfind("ELB ", 0) != 0) continue;
      if (auto lb = by_id.find(std::string_view(eni.description).substr(4)); lb != by_id.end()) {
        load_balancer_by_eni.emplace(eni.meta.id, lb->second);
      }
    }
  }
  for (const auto& igw : topo.internet_gateways) {
    for (const auto& vpc : igw.vpc_ids) igws_by_vpc[vpc].push_back(&igw);
  }
  for (const auto& nat : topo.nat_gateways) {
    if (!nat.eni_id.empty()) nat_by_eni.emplace(nat.eni_id, &nat);
    for (const auto& ip : nat.private_ips) nat_by_private_ip[ip.value()].push_back(&nat);
    for (const auto& ip : nat.public_ips) nat_by_public_ip.emplace(ip.value(), &nat);
  }
  for (const auto& attachment : topo.tgw_attachments) {
    if (attachment.resource_type == "vpc") {
      tgw_vpc_attachment.emplace(std::make_pair(attachment.transit_gateway_id, attachment.resource_id), &attachment);
    }
  }
  by_private_ip.reserve(topo.enis.size());
  for (const auto& eni : topo.enis) {
    for (const auto& ip : eni.private_ips) by_private_ip[ip.value()].push_back(&eni);
    for (const auto& pub : eni.public_ips) by_public_ip[pub.public_ip.value()].push_back(&eni);
    for (const auto& ip : eni.ipv6_addresses) by_ipv6[ip].push_back(&eni);
    for (const auto& prefix : eni.ipv6_prefixes) ipv6_prefixes.emplace_back(prefix, &eni);
  }
  for (const auto& endpoint : topo.vpc_endpoints) {
    endpoints_by_vpc[endpoint.vpc_id].push_back(&endpoint);
    for (const auto& id : endpoint.eni_ids) {
      endpoint_by_eni.emplace(id, &endpoint);
      if (const auto* eni = topo.findEni(id)) endpoint_enis[endpoint.meta.id].push_back(eni);
    }
    if (endpoint.type != EndpointType::kInterface || !endpoint.eni_ids.empty()) continue;
    // Templates and native files do not list the endpoint's ENIs; AWS creates
    // one per chosen subnet (PrivateLink guide: "Interface VPC endpoints" —
    // an endpoint network interface in each subnet you specify).
    for (const auto& subnet_id : endpoint.subnet_ids) {
      const Subnet* subnet = topo.findSubnet(subnet_id);
      // An IPv6-only subnet's endpoint interface has IPv6 addresses only,
      // which a template does not give: none is made up for it.
      if (subnet == nullptr || !subnet->hasIpv4()) continue;
      uint32_t candidate = subnet->cidr.last().value() - 1;
      while (candidate > subnet->cidr.first().value() + 3 && by_private_ip.count(candidate) != 0) --candidate;
      Eni eni;
      eni.meta.id = "eni-" + endpoint.meta.id + "-" + subnet_id;
      eni.meta.name = endpoint.meta.name;
      eni.meta.region = endpoint.meta.region;
      eni.meta.account = endpoint.meta.account;
      eni.vpc_id = endpoint.vpc_id;
      eni.subnet_id = subnet_id;
      eni.availability_zone = subnet->availability_zone;
      eni.private_ips.push_back(Ipv4(candidate));
      eni.security_group_ids = endpoint.security_group_ids;
      eni.interface_type = "vpc_endpoint";
      eni.description = "VPC Endpoint Interface " + endpoint.meta.id + " (synthesised: not in the input)";
      synthetic_enis.push_back(std::move(eni));
      const Eni* stored = &synthetic_enis.back();
      by_private_ip[candidate].push_back(stored);
      endpoint_by_eni.emplace(stored->meta.id, &endpoint);
      endpoint_enis[endpoint.meta.id].push_back(stored);
    }
  }
}

const RouteTable* Network::Index::routeTableFor(const Subnet& subnet) const {
  // VPC User Guide, "Subnet route tables": a subnet without an explicit
  // association uses the VPC's main route table.
  if (auto it = subnet_route_table.find(subnet.meta.id); it != subnet_route_table.end()) return it->second;
  if (auto it = main_route_table.find(subnet.vpc_id); it != main_route_table.end()) return it->second;
  return nullptr;
}

const NetworkAcl* Network::Index::aclFor(const Subnet& subnet) const {
  // VPC User Guide, "Control subnet traffic with network access control
  // lists": a subnet not explicitly associated uses the default network ACL.
  if (auto it = subnet_acl.find(subnet.meta.id); it != subnet_acl.end()) return it->second;
  if (auto it = default_acl.find(subnet.vpc_id); it != default_acl.end()) return it->second;
  return nullptr;
}

const Eni* Network::Index::eniByPrivateIp(const std::string& vpc_id, Ipv4 address) const {
  auto it = by_private_ip.find(address.value());
  if (it == by_private_ip.end()) return nullptr;
  for (const Eni* eni : it->second) {
    if (eni->vpc_id == vpc_id) return eni;
  }
  return nullptr;
}

const Eni* Network::Index::eniByIpv6(Ipv6 address) const {
  if (auto it = by_ipv6.find(address); it != by_ipv6.end() && !it->second.empty()) return it->second.front();
  for (const auto& [prefix, eni] : ipv6_prefixes) {
    if (prefix.contains(address)) return eni;
  }
  return nullptr;
}

const Eni* Network::Index::eniById(std::string_view id) const {
  if (const Eni* eni = topo.findEni(id)) return eni;
  for (const auto& eni : synthetic_enis) {
    if (eni.meta.id == id) return &eni;
  }
  return nullptr;
}

const Network::Index::AddressPoints& Network::Index::addressPoints() const {
  std::call_once(address_points_once_, [this] {
    auto finish = [](std::vector<uint64_t>& points) {
      std::sort(points.begin(), points.end());
      points.erase(std::unique(points.begin(), points.end()), points.end());
    };
    auto cidr = [](std::vector<uint64_t>& points, const Cidr& block) {
      points.push_back(block.first().value());
      points.push_back(uint64_t{block.last().value()} + 1);
    };
    AddressPoints& out = address_points_;
    for (const auto& [base, prefix] : kSpecialPurposeRanges) cidr(out.base, Cidr::of(Ipv4(base), prefix));
    for (const auto& vpc : topo.vpcs) {
      for (const auto& block : vpc.cidrs) cidr(out.base, block);
      for (const auto& block : vpc.disassociated_cidrs) cidr(out.base, block);
    }
    for (const auto& table : topo.route_tables) {
      for (const auto& route : table.routes) {
        if (route.destination) cidr(out.base, *route.destination);
      }
    }
    for (const auto& list : topo.prefix_lists) {
      for (const auto& block : list.cidrs) cidr(out.base, block);
    }
    for (const auto& acl : topo.network_acls) {
      for (const auto& entry : acl.entries) {
        if (entry.cidr) cidr(out.base, *entry.cidr);
      }
    }
    for (const auto& pcx : topo.peering_connections) {
      for (const auto& block : pcx.requester.cidrs) cidr(out.base, block);
      for (const auto& block : pcx.accepter.cidrs) cidr(out.base, block);
    }
    for (const auto& table : topo.tgw_route_tables) {
      for (const auto& route : table.static_routes) cidr(out.base, route.destination);
    }
    forEachHeldAddress([&](Ipv4 address) { cidr(out.held, Cidr::of(address, 32)); });
    for (const auto& subnet : topo.subnets) {
      if (subnet.hasIpv4()) cidr(out.subnets_and_groups, subnet.cidr);
    }
    for (const auto& group : topo.security_groups) {
      for (const auto* rules : {&group.ingress, &group.egress}) {
        for (const auto& rule : *rules) {
          if (rule.peer_kind == PeerKind::kCidr) cidr(out.subnets_and_groups, rule.cidr);
        }
      }
    }
    finish(out.base);
    finish(out.held);
    finish(out.subnets_and_groups);
  });
  return address_points_;
}

Network::Network(const Topology& topology) : index_(std::make_unique<Index>(topology)) {}
Network::~Network() = default;
const Topology& Network::topology() const { return index_->topo; }

}  // namespace vpcsim::sim

// Lookup indexes over a Topology, shared by the tracer and the query layer.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/tracer.h"
#include "topology/model.h"

namespace vpcsim::sim {

/// Built once per topology; all pointers point into the topology or into
/// `synthetic_enis`.
struct Network::Index {
  explicit Index(const topology::Topology& topology);

  const topology::Topology& topo;
  std::unordered_map<std::string, const topology::RouteTable*> subnet_route_table;
  std::unordered_map<std::string, const topology::RouteTable*> main_route_table;   ///< by VPC
  std::unordered_map<std::string, const topology::RouteTable*> gateway_route_table; ///< by IGW/VGW id
  std::unordered_map<std::string, const topology::NetworkAcl*> subnet_acl;
  std::unordered_map<std::string, const topology::NetworkAcl*> default_acl;  ///< by VPC
  std::unordered_map<uint32_t, std::vector<const topology::Eni*>> by_private_ip;
  std::unordered_map<uint32_t, std::vector<const topology::Eni*>> by_public_ip;
  /// Interfaces by IPv6 address (IPv6 addresses are global: any VPC), and
  /// the IPv6 prefixes delegated to interfaces, in topology order.
  std::map<Ipv6, std::vector<const topology::Eni*>> by_ipv6;
  std::vector<std::pair<Cidr6, const topology::Eni*>> ipv6_prefixes;
  std::unordered_map<std::string, std::vector<const topology::InternetGateway*>> igws_by_vpc;
  std::unordered_map<std::string, std::vector<const topology::VpcEndpoint*>> endpoints_by_vpc;
  std::unordered_map<std::string, const topology::NatGateway*> nat_by_eni;
  /// NAT gateways by private address (any VPC, topology order) and by
  /// Elastic IP (the first in topology order).
  std::unordered_map<uint32_t, std::vector<const topology::NatGateway*>> nat_by_private_ip;
  std::unordered_map<uint32_t, const topology::NatGateway*> nat_by_public_ip;
  /// The first VPC attachment of a transit gateway to a VPC, by (TGW, VPC).
  std::map<std::pair<std::string, std::string>, const topology::TgwAttachment*> tgw_vpc_attachment;
  std::unordered_map<std::string, const topology::VpcEndpoint*> endpoint_by_eni;
  /// The load balancer each of its node interfaces belongs to.
  std::unordered_map<std::string, const topology::LoadBalancer*> load_balancer_by_eni;
  std::unordered_map<std::string, const topology::SecurityGroup*> default_sg;  ///< by VPC
  /// Interface-endpoint ENIs the input did not list (templates, native files),
  /// one per endpoint subnet; addresses chosen from the top of the subnet.
  std::deque<topology::Eni> synthetic_enis;
  std::unordered_map<std::string, std::vector<const topology::Eni*>> endpoint_enis;  ///< by endpoint id

  const topology::RouteTable* routeTableFor(const topology::Subnet& subnet) const;
  const topology::NetworkAcl* aclFor(const topology::Subnet& subnet) const;
  /// ENI of `vpc_id` that holds `address` as a private IP, or nullptr.
  const topology::Eni* eniByPrivateIp(const std::string& vpc_id, Ipv4 address) const;
  const topology::Eni* eniById(std::string_view id) const;
  /// The first interface holding IPv6 `address` (as an address, else in a
  /// delegated prefix), or nullptr.
  const topology::Eni* eniByIpv6(Ipv6 address) const;

  /// Calls `fn` with every single address the topology gives to something:
  /// private and public addresses of interfaces (listed and synthesised), of
  /// NAT gateways, and the stand-in public address of new interfaces.
  template <typename Fn>
  void forEachHeldAddress(Fn&& fn) const {
    fn(Ipv4(kNewInterfacePublicAddress));
    for (const auto& eni : topo.enis) {
      for (const auto& ip : eni.private_ips) fn(ip);
      for (const auto& pub : eni.public_ips) fn(pub.public_ip);
    }
    for (const auto& eni : synthetic_enis) {
      for (const auto& ip : eni.private_ips) fn(ip);
    }
    for (const auto& nat : topo.nat_gateways) {
      for (const auto& ip : nat.private_ips) fn(ip);
      for (const auto& ip : nat.public_ips) fn(ip);
    }
  }

  /// The edges of every address block the topology uses (each block's first
  /// address and the one past its last), sorted, without repeats, in the
  /// three parts the exhaustive checks combine (sim/verify.cpp).
  struct AddressPoints {
    /// RFC 6890 special ranges, VPC blocks, routes, prefix lists, network
    /// ACL entries, peering blocks, transit gateway routes.
    std::vector<uint64_t> base;
    std::vector<uint64_t> held;                ///< single held addresses (forEachHeldAddress)
    std::vector<uint64_t> subnets_and_groups;  ///< subnet blocks and security-group rule CIDRs
  };
  /// Computed when first asked for, once for every caller and thread.
  const AddressPoints& addressPoints() const;

 private:
  mutable std::once_flag address_points_once_;
  mutable AddressPoints address_points_;
};

}  // namespace vpcsim::sim

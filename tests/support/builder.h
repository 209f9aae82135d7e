// Small hand-made topologies for tests: a Builder of model structs and a Sim that traces over them.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/tracer.h"
#include "tests/support/addresses.h"
#include "topology/model.h"

namespace vpcsim::test_support {

using sim::Endpoint;
using sim::Network;
using sim::Packet;
using sim::Target;
using sim::TraceOptions;
using sim::TraceResult;
using topology::kProtocolAll;
using topology::kProtocolTcp;
using topology::NaclEntry;
using topology::PeerKind;
using topology::PortRange;
using topology::Route;
using topology::RouteTarget;
using topology::SgRule;
using topology::Topology;

// ---- a tiny topology builder -------------------------------------------------

inline Route route(const std::string& destination, RouteTarget target, const std::string& target_id) {
  Route r;
  r.destination = cidr(destination);
  r.target = target;
  r.target_id = target_id;
  r.origin = target == RouteTarget::kLocal ? "CreateRouteTable" : "CreateRoute";
  return r;
}

inline Route prefixListRoute(const std::string& list, RouteTarget target, const std::string& target_id) {
  Route r;
  r.destination_prefix_list = list;
  r.target = target;
  r.target_id = target_id;
  r.origin = "CreateRoute";
  return r;
}

inline Route local(const std::string& vpc_cidr) { return route(vpc_cidr, RouteTarget::kLocal, "local"); }

inline SgRule allowAll(const std::string& block = "0.0.0.0/0") {
  SgRule rule;
  rule.protocol = kProtocolAll;
  rule.cidr = cidr(block);
  return rule;
}

inline SgRule allowTcpFromGroup(int port, const std::string& group) {
  SgRule rule;
  rule.protocol = kProtocolTcp;
  rule.from_port = port;
  rule.to_port = port;
  rule.peer_kind = PeerKind::kSecurityGroup;
  rule.peer = group;
  return rule;
}

inline NaclEntry aclEntry(int number, bool egress, bool allow, int protocol, PortRange ports = PortRange{},
                   const std::string& block = "0.0.0.0/0") {
  NaclEntry e;
  e.rule_number = number;
  e.egress = egress;
  e.allow = allow;
  e.protocol = protocol;
  e.cidr = cidr(block);
  e.ports = ports;
  return e;
}

/// Allow-all entries in both directions, like a default network ACL.
inline std::vector<NaclEntry> openAcl() {
  return {aclEntry(100, false, true, kProtocolAll), aclEntry(100, true, true, kProtocolAll)};
}

class Builder {
 public:
  Builder& vpc(const std::string& id, const std::string& block) {
    topology::Vpc v;
    v.meta.id = id;
    v.cidrs.push_back(cidr(block));
    topo_.vpcs.push_back(std::move(v));
    return *this;
  }
  Builder& subnet(const std::string& id, const std::string& vpc_id, const std::string& block,
                  const std::string& az = "us-east-1a") {
    topology::Subnet s;
    s.meta.id = id;
    s.vpc_id = vpc_id;
    s.cidr = cidr(block);
    s.availability_zone = az;
    topo_.subnets.push_back(std::move(s));
    return *this;
  }
  Builder& routeTable(const std::string& id, const std::string& vpc_id, bool main, std::vector<std::string> subnets,
                      std::vector<Route> routes) {
    topology::RouteTable t;
    t.meta.id = id;
    t.vpc_id = vpc_id;
    t.main = main;
    t.subnet_ids = std::move(subnets);
    t.routes = std::move(routes);
    topo_.route_tables.push_back(std::move(t));
    return *this;
  }
  Builder& acl(const std::string& id, const std::string& vpc_id, bool is_default, std::vector<std::string> subnets,
               std::vector<NaclEntry> entries) {
    topology::NetworkAcl a;
    a.meta.id = id;
    a.vpc_id = vpc_id;
    a.is_default = is_default;
    a.subnet_ids = std::move(subnets);
    a.entries = std::move(entries);
    topo_.network_acls.push_back(std::move(a));
    return *this;
  }
  Builder& sg(const std::string& id, const std::string& vpc_id, std::vector<SgRule> ingress,
              std::vector<SgRule> egress) {
    topology::SecurityGroup g;
    g.meta.id = id;
    g.group_name = id;
    g.vpc_id = vpc_id;
    g.ingress = std::move(ingress);
    g.egress = std::move(egress);
    topo_.security_groups.push_back(std::move(g));
    return *this;
  }
  Builder& eni(const std::string& id, const std::string& subnet_id, const std::string& address,
               std::vector<std::string> groups, const std::string& public_address = "") {
    topology::Eni e;
    e.meta.id = id;
    e.subnet_id = subnet_id;
    for (const auto& s : topo_.subnets) {
      if (s.meta.id == subnet_id) e.vpc_id = s.vpc_id;
    }
    e.private_ips.push_back(ip(address));
    if (!public_address.empty()) e.public_ips.push_back({ip(address), ip(public_address), true});
    e.security_group_ids = std::move(groups);
    e.interface_type = "interface";
    topo_.enis.push_back(std::move(e));
    return *this;
  }
  Builder& igw(const std::string& id, const std::string& vpc_id) {
    topology::InternetGateway g;
    g.meta.id = id;
    g.vpc_ids.push_back(vpc_id);
    topo_.internet_gateways.push_back(std::move(g));
    return *this;
  }
  Builder& prefixList(const std::string& id, const std::string& name, const std::vector<std::string>& blocks) {
    topology::PrefixList list;
    list.meta.id = id;
    list.prefix_list_name = name;
    for (const auto& block : blocks) list.cidrs.push_back(cidr(block));
    list.aws_managed = true;
    topo_.prefix_lists.push_back(std::move(list));
    return *this;
  }
  Builder& gatewayEndpoint(const std::string& id, const std::string& vpc_id, const std::string& service,
                           std::vector<std::string> route_tables) {
    topology::VpcEndpoint e;
    e.meta.id = id;
    e.vpc_id = vpc_id;
    e.service_name = service;
    e.type = topology::EndpointType::kGateway;
    e.route_table_ids = std::move(route_tables);
    topo_.vpc_endpoints.push_back(std::move(e));
    return *this;
  }
  Builder& peering(const std::string& id, const std::string& requester, const std::string& accepter,
                   const std::string& status = "active") {
    topology::PeeringConnection p;
    p.meta.id = id;
    p.requester.vpc_id = requester;
    p.accepter.vpc_id = accepter;
    p.status = status;
    topo_.peering_connections.push_back(std::move(p));
    return *this;
  }
  Builder& natGateway(const std::string& id, const std::string& subnet_id, const std::string& address,
                      const std::string& public_address) {
    topology::NatGateway n;
    n.meta.id = id;
    n.subnet_id = subnet_id;
    for (const auto& s : topo_.subnets) {
      if (s.meta.id == subnet_id) n.vpc_id = s.vpc_id;
    }
    n.private_ips.push_back(ip(address));
    n.public_ips.push_back(ip(public_address));
    topo_.nat_gateways.push_back(std::move(n));
    return *this;
  }
  Builder& transitGateway(const std::string& id) {
    topology::TransitGateway g;
    g.meta.id = id;
    topo_.transit_gateways.push_back(std::move(g));
    return *this;
  }
  /// A VPC attachment of tgw-1 in `subnets`, associated with `table`.
  Builder& tgwAttachment(const std::string& id, const std::string& vpc_id, std::vector<std::string> subnets,
                         const std::string& table = "tgw-rtb-1") {
    topology::TgwAttachment a;
    a.meta.id = id;
    a.transit_gateway_id = "tgw-1";
    a.resource_type = "vpc";
    a.resource_id = vpc_id;
    a.subnet_ids = std::move(subnets);
    a.association_route_table = table;
    a.state = "available";
    topo_.tgw_attachments.push_back(std::move(a));
    return *this;
  }
  /// A route table of tgw-1: static routes (destination, attachment) and
  /// the attachments propagating their VPC's blocks into it.
  Builder& tgwRouteTable(const std::string& id, const std::vector<std::pair<std::string, std::string>>& routes,
                         std::vector<std::string> propagating) {
    topology::TgwRouteTable t;
    t.meta.id = id;
    t.transit_gateway_id = "tgw-1";
    for (const auto& [destination, attachment] : routes) {
      topology::TgwRoute r;
      r.destination = cidr(destination);
      r.attachment_ids.push_back(attachment);
      r.source = "static";
      t.static_routes.push_back(std::move(r));
    }
    t.propagating_attachments = std::move(propagating);
    topo_.tgw_route_tables.push_back(std::move(t));
    return *this;
  }
  /// Adds `r` to route table `table_id` (e.g. to the one peerVpc() made).
  Builder& addRoute(const std::string& table_id, Route r) {
    for (auto& table : topo_.route_tables) {
      if (table.meta.id == table_id) table.routes.push_back(std::move(r));
    }
    return *this;
  }

  /// vpc-3 (10.3.0.0/16; subnet-t 10.3.1.0/24 in us-east-1a with interface
  /// eni-t at .10, open ACL and group) and transit gateway tgw-1 with VPC
  /// attachments tgw-attach-1 (vpc-1, subnet-a) and tgw-attach-3 (vpc-3,
  /// subnet-t), both associated with tgw-rtb-1, which the caller adds (see
  /// tgwRouteTable). vpc-3's main table rtb-3 routes 10.0.0.0/16 to tgw-1.
  Builder& tgwVpc() {
    vpc("vpc-3", "10.3.0.0/16")
        .subnet("subnet-t", "vpc-3", "10.3.1.0/24", "us-east-1a")
        .acl("acl-3", "vpc-3", true, {}, openAcl())
        .sg("sg-open-3", "vpc-3", {allowAll()}, {allowAll()})
        .eni("eni-t", "subnet-t", "10.3.1.10", {"sg-open-3"})
        .routeTable("rtb-3", "vpc-3", true, {},
                    {local("10.3.0.0/16"), route("10.0.0.0/16", RouteTarget::kTransitGateway, "tgw-1")});
    return transitGateway("tgw-1")
        .tgwAttachment("tgw-attach-1", "vpc-1", {"subnet-a"})
        .tgwAttachment("tgw-attach-3", "vpc-3", {"subnet-t"});
  }

  /// One VPC 10.0.0.0/16 with subnets a (10.0.1.0/24) and b (10.0.2.0/24),
  /// an allow-all default network ACL, an allow-all group sg-open, and
  /// interfaces eni-a 10.0.1.10, eni-a2 10.0.1.11 (subnet a), eni-b 10.0.2.20
  /// (subnet b). No route table: each test adds its own.
  static Builder twoSubnets() {
    Builder b;
    b.vpc("vpc-1", "10.0.0.0/16")
        .subnet("subnet-a", "vpc-1", "10.0.1.0/24", "us-east-1a")
        .subnet("subnet-b", "vpc-1", "10.0.2.0/24", "us-east-1b")
        .acl("acl-open", "vpc-1", true, {}, openAcl())
        .sg("sg-open", "vpc-1", {allowAll()}, {allowAll()})
        .eni("eni-a", "subnet-a", "10.0.1.10", {"sg-open"})
        .eni("eni-a2", "subnet-a", "10.0.1.11", {"sg-open"})
        .eni("eni-b", "subnet-b", "10.0.2.20", {"sg-open"});
    return b;
  }

  /// vpc-2 (172.16.5.0/24, interface eni-c at .9, open ACL and group)
  /// peered with vpc-1 through pcx-1, its main table routing 10.0.0.0/16 back.
  Builder& peerVpc(const std::string& status = "active") {
    vpc("vpc-2", "172.16.5.0/24")
        .subnet("subnet-c", "vpc-2", "172.16.5.0/24")
        .acl("acl-2", "vpc-2", true, {}, openAcl())
        .sg("sg-open-2", "vpc-2", {allowAll()}, {allowAll()})
        .eni("eni-c", "subnet-c", "172.16.5.9", {"sg-open-2"})
        .routeTable("rtb-2", "vpc-2", true, {},
                    {local("172.16.5.0/24"), route("10.0.0.0/16", RouteTarget::kPeeringConnection, "pcx-1")});
    return peering("pcx-1", "vpc-1", "vpc-2", status);
  }

  Topology build() {
    topo_.finalize();
    return std::move(topo_);
  }

 private:
  Topology topo_;
};

/// A built topology with its Network; neither moves after construction.
class Sim {
 public:
  explicit Sim(Topology topology) : topo_(std::move(topology)), net_(std::make_unique<Network>(topo_)) {}
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  [[nodiscard]] const Network& network() const { return *net_; }

  /// Traces `packet` (source and destination filled in) from interface `eni_id`.
  TraceResult trace(const std::string& eni_id, const std::string& destination, Packet packet = {},
                    const std::string& service = "", const TraceOptions& options = {},
                    bool groups_apart = false) const {
    const topology::Eni* eni = topo_.findEni(eni_id);
    REQUIRE(eni != nullptr);
    Endpoint source;
    source.kind = Endpoint::Kind::kEni;
    source.eni_id = eni_id;
    source.address = eni->private_ips.front();
    source.label = eni_id;
    source.security_groups_checked_apart = groups_apart;
    Target target;
    target.address = ip(destination);
    target.label = destination;
    target.service = service;
    packet.source = source.address;
    packet.destination = target.address;
    return sim::trace(*net_, source, target, packet, options);
  }

  [[nodiscard]] const Topology& topology() const { return topo_; }

 private:
  Topology topo_;
  std::unique_ptr<Network> net_;
};

}  // namespace vpcsim::test_support

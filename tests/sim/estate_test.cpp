// Tests for the estate graph (sim/estate.h): which VPCs and gateways links join.
#include "sim/estate.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "formats/generator.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

namespace vpcsim::sim {
namespace {

using topology::NatGateway;
using topology::PeeringConnection;
using topology::Route;
using topology::RouteTable;
using topology::RouteTarget;
using topology::Subnet;
using topology::TgwAttachment;
using topology::TgwRouteTable;
using topology::Topology;
using topology::TransitGateway;
using topology::Vpc;
using topology::VpnConnection;
using topology::VpnGateway;

using Members = std::vector<std::vector<std::string>>;

Vpc vpc(const std::string& id) {
  Vpc out;
  out.meta.id = id;
  return out;
}

Subnet subnet(const std::string& id, const std::string& vpc_id) {
  Subnet out;
  out.meta.id = id;
  out.vpc_id = vpc_id;
  return out;
}

PeeringConnection peering(const std::string& id, const std::string& a, const std::string& b, const std::string& status) {
  PeeringConnection out;
  out.meta.id = id;
  out.requester.vpc_id = a;
  out.accepter.vpc_id = b;
  out.status = status;
  return out;
}

TgwAttachment attachment(const std::string& id, const std::string& tgw, const std::string& type,
                         const std::string& resource) {
  TgwAttachment out;
  out.meta.id = id;
  out.transit_gateway_id = tgw;
  out.resource_type = type;
  out.resource_id = resource;
  out.state = "available";
  return out;
}

TransitGateway transitGateway(const std::string& id) {
  TransitGateway out;
  out.meta.id = id;
  return out;
}

Members membersOf(const Estates& estates) {
  Members out;
  for (const auto& estate : estates.list) out.push_back(estate.members);
  return out;
}

/// Three VPCs (a, b, c) and whatever `links` adds.
Topology threeVpcs(const std::function<void(Topology&)>& links) {
  Topology topo;
  topo.vpcs = {vpc("vpc-a"), vpc("vpc-b"), vpc("vpc-c")};
  links(topo);
  topo.finalize();
  return topo;
}

TEST_CASE("links join VPCs and gateways into estates, numbered by their smallest member", "[estate]") {
  struct Case {
    std::string name;
    std::function<void(Topology&)> links;
    Members expected;
  };
  const std::vector<Case> cases = {
      {"no links: one estate per VPC", [](Topology&) {}, {{"vpc-a"}, {"vpc-b"}, {"vpc-c"}}},
      {"an active peering joins its two VPCs",
       [](Topology& t) { t.peering_connections = {peering("pcx-1", "vpc-c", "vpc-a", "active")}; },
       {{"vpc-a", "vpc-c"}, {"vpc-b"}}},
      {"a peering not yet accepted joins nothing",
       [](Topology& t) { t.peering_connections = {peering("pcx-1", "vpc-a", "vpc-b", "pending-acceptance")}; },
       {{"vpc-a"}, {"vpc-b"}, {"vpc-c"}}},
      {"a deleted peering joins nothing",
       [](Topology& t) { t.peering_connections = {peering("pcx-1", "vpc-a", "vpc-b", "deleted")}; },
       {{"vpc-a"}, {"vpc-b"}, {"vpc-c"}}},
      {"peering is not transitive, but estates are",
       [](Topology& t) {
         t.peering_connections = {peering("pcx-1", "vpc-a", "vpc-b", "active"),
                                  peering("pcx-2", "vpc-b", "vpc-c", "active")};
       },
       {{"vpc-a", "vpc-b", "vpc-c"}}},
      {"a transit gateway joining three VPCs makes one estate",
       [](Topology& t) {
         t.transit_gateways = {transitGateway("tgw-1")};
         t.tgw_attachments = {attachment("tgw-attach-1", "tgw-1", "vpc", "vpc-a"),
                              attachment("tgw-attach-2", "tgw-1", "vpc", "vpc-b"),
                              attachment("tgw-attach-3", "tgw-1", "vpc", "vpc-c")};
       },
       {{"tgw-1", "vpc-a", "vpc-b", "vpc-c"}}},
      {"a transit gateway without attachments is an estate of its own",
       [](Topology& t) { t.transit_gateways = {transitGateway("tgw-1")}; },
       {{"tgw-1"}, {"vpc-a"}, {"vpc-b"}, {"vpc-c"}}},
      {"two transit gateways joined by a peering attachment",
       [](Topology& t) {
         t.transit_gateways = {transitGateway("tgw-1"), transitGateway("tgw-2")};
         t.tgw_attachments = {attachment("tgw-attach-1", "tgw-1", "vpc", "vpc-a"),
                              attachment("tgw-attach-2", "tgw-2", "vpc", "vpc-b"),
                              attachment("tgw-attach-3", "tgw-1", "peering", "tgw-2")};
       },
       {{"tgw-1", "tgw-2", "vpc-a", "vpc-b"}, {"vpc-c"}}},
      {"a route table of another gateway joins the gateways",
       [](Topology& t) {
         t.transit_gateways = {transitGateway("tgw-1"), transitGateway("tgw-2")};
         t.tgw_attachments = {attachment("tgw-attach-1", "tgw-1", "vpc", "vpc-a"),
                              attachment("tgw-attach-2", "tgw-2", "vpc", "vpc-b")};
         t.tgw_attachments[0].association_route_table = "tgw-rtb-2";
         TgwRouteTable table;
         table.meta.id = "tgw-rtb-2";
         table.transit_gateway_id = "tgw-2";
         t.tgw_route_tables = {table};
       },
       {{"tgw-1", "tgw-2", "vpc-a", "vpc-b"}, {"vpc-c"}}},
      {"a virtual private gateway and its VPN connection join the VPC they are attached to",
       [](Topology& t) {
         VpnGateway vgw;
         vgw.meta.id = "vgw-1";
         vgw.vpc_ids = {"vpc-b"};
         VpnConnection vpn;
         vpn.meta.id = "vpn-1";
         vpn.vpn_gateway_id = "vgw-1";
         t.vpn_gateways = {vgw};
         t.vpn_connections = {vpn};
       },
       {{"vgw-1", "vpc-b", "vpn-1"}, {"vpc-a"}, {"vpc-c"}}},
      {"the far VPC of a peering is a member even when the input lacks it",
       [](Topology& t) { t.peering_connections = {peering("pcx-1", "vpc-b", "vpc-0ther", "active")}; },
       {{"vpc-0ther", "vpc-b"}, {"vpc-a"}, {"vpc-c"}}},
      {"a route to a NAT gateway of another VPC joins the two",
       [](Topology& t) {
         t.subnets = {subnet("subnet-a", "vpc-a"), subnet("subnet-c", "vpc-c")};
         NatGateway nat;
         nat.meta.id = "nat-1";
         nat.vpc_id = "vpc-c";
         nat.subnet_id = "subnet-c";
         t.nat_gateways = {nat};
         RouteTable table;
         table.meta.id = "rtb-a";
         table.vpc_id = "vpc-a";
         table.main = true;
         Route route;
         route.target = RouteTarget::kNatGateway;
         route.target_id = "nat-1";
         table.routes = {route};
         t.route_tables = {table};
       },
       {{"vpc-a", "vpc-c"}, {"vpc-b"}}},
      {"a NAT gateway in a subnet of another VPC joins the two",
       [](Topology& t) {
         t.subnets = {subnet("subnet-c", "vpc-c")};
         NatGateway nat;
         nat.meta.id = "nat-1";
         nat.vpc_id = "vpc-b";
         nat.subnet_id = "subnet-c";
         t.nat_gateways = {nat};
       },
       {{"vpc-a"}, {"vpc-b", "vpc-c"}}},
  };
  auto i = GENERATE_COPY(range(size_t{0}, cases.size()));
  const Case& c = cases[i];
  CAPTURE(c.name);
  Estates estates = findEstates(threeVpcs(c.links));
  CHECK(membersOf(estates) == c.expected);
  for (size_t e = 0; e < estates.list.size(); ++e) {
    for (const auto& member : estates.list[e].members) {
      CAPTURE(member);
      CHECK(estates.indexOf(member) == e);
    }
  }
}

TEST_CASE("an empty topology has no estates and no member", "[estate]") {
  Estates estates = findEstates(Topology{});
  CHECK(estates.list.empty());
  CHECK(estates.by_member.empty());
  CHECK_FALSE(estates.indexOf("vpc-a").has_value());
}

TEST_CASE("estates do not depend on the order of the input", "[estate]") {
  Topology forward;
  forward.vpcs = {vpc("vpc-1"), vpc("vpc-2"), vpc("vpc-3"), vpc("vpc-4")};
  forward.peering_connections = {peering("pcx-1", "vpc-4", "vpc-2", "active")};
  forward.transit_gateways = {transitGateway("tgw-9")};
  forward.tgw_attachments = {attachment("tgw-attach-1", "tgw-9", "vpc", "vpc-3")};
  Topology backward = forward;
  std::reverse(backward.vpcs.begin(), backward.vpcs.end());
  // Unsorted on purpose: findEstates must not rely on finalize() for its order.
  CHECK(membersOf(findEstates(forward)) == membersOf(findEstates(backward)));
  CHECK(membersOf(findEstates(forward)) == Members{{"tgw-9", "vpc-3"}, {"vpc-1"}, {"vpc-2", "vpc-4"}});
  CHECK_FALSE(findEstates(forward).indexOf("vpc-5").has_value());
  CHECK_FALSE(findEstates(forward).indexOf("pcx-1").has_value());
}

TEST_CASE("every VPC of a generated topology is in exactly one estate", "[estate]") {
  formats::GeneratorOptions options;
  options.enis = 400;
  options.subnets = 40;
  options.vpcs = 8;
  options.seed = GENERATE(uint64_t{1}, uint64_t{2}, uint64_t{3});
  CAPTURE(options.seed);
  Topology topo = formats::generateTopology(options);
  Estates estates = findEstates(topo);
  size_t members = 0;
  for (const auto& estate : estates.list) {
    CHECK(std::is_sorted(estate.members.begin(), estate.members.end()));
    members += estate.members.size();
  }
  CHECK(members == estates.by_member.size());
  for (const auto& v : topo.vpcs) CHECK(estates.indexOf(v.meta.id).has_value());
  // Peered VPCs share an estate.
  for (const auto& pcx : topo.peering_connections) {
    CHECK(estates.indexOf(pcx.requester.vpc_id) == estates.indexOf(pcx.accepter.vpc_id));
  }
  CHECK(membersOf(findEstates(topo)) == membersOf(estates));
}

}  // namespace
}  // namespace vpcsim::sim

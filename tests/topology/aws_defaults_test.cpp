// Tests for what AWS creates with a new VPC (topology/aws_defaults.cpp).
#include <string>

#include <catch2/catch.hpp>

#include "topology/aws_defaults.h"

namespace vpcsim::topology {
namespace {

Vpc twoBlockVpc() {
  Vpc vpc;
  vpc.meta.id = "vpc-a";
  vpc.meta.name = "ml";
  vpc.meta.logical_id = "MlVpc";
  vpc.meta.account = "111122223333";
  vpc.meta.region = "eu-west-1";
  vpc.meta.origin = "net.yaml:3:5";
  vpc.cidrs = {*Cidr::parse("10.0.0.0/16"), *Cidr::parse("10.1.0.0/16")};
  return vpc;
}

}  // namespace

TEST_CASE("the main route table routes every vpc block locally and comes from the vpc", "[defaults]") {
  RouteTable table = mainRouteTable(twoBlockVpc(), "rtb-main-vpc-a");
  CHECK(table.meta.id == "rtb-main-vpc-a");
  CHECK(table.meta.name.empty());
  CHECK(table.meta.logical_id.empty());
  CHECK(table.meta.account == "111122223333");
  CHECK(table.meta.region == "eu-west-1");
  CHECK(table.meta.origin == "net.yaml:3:5");
  CHECK(table.vpc_id == "vpc-a");
  CHECK(table.main);
  REQUIRE(table.routes.size() == 2);
  CHECK(table.routes[1].destination->str() == "10.1.0.0/16");
  CHECK(table.routes[1].target == RouteTarget::kLocal);
  CHECK(table.routes[1].target_id == "local");
  CHECK(table.routes[1].origin == "CreateRouteTable");
  CHECK(table.routes[1].source == "net.yaml:3:5");
  CHECK(hasLocalRoute(table.routes, *Cidr::parse("10.0.0.0/16")));
  CHECK_FALSE(hasLocalRoute(table.routes, *Cidr::parse("10.2.0.0/16")));
}

TEST_CASE("the default network acl allows all ahead of the * deny, inbound then outbound", "[defaults]") {
  NetworkAcl acl = defaultNetworkAcl(twoBlockVpc(), "acl-default-vpc-a");
  CHECK(acl.meta.id == "acl-default-vpc-a");
  CHECK(acl.is_default);
  CHECK(acl.vpc_id == "vpc-a");
  REQUIRE(acl.entries.size() == 4);
  auto [i, rule, egress, allow] = GENERATE(table<std::size_t, int, bool, bool>({
      {0U, 100, false, true},
      {1U, 32767, false, false},
      {2U, 100, true, true},
      {3U, 32767, true, false},
  }));
  CAPTURE(i);
  const NaclEntry& entry = acl.entries[i];
  CHECK(entry.rule_number == rule);
  CHECK(entry.egress == egress);
  CHECK(entry.allow == allow);
  CHECK(entry.protocol == kProtocolAll);
  CHECK(entry.cidr->str() == "0.0.0.0/0");
  CHECK(entry.source == "net.yaml:3:5");
}

TEST_CASE("a custom network acl gets only the * denies", "[defaults]") {
  NetworkAcl acl;
  addCatchAllDenies(acl, "t.yaml:9:3");
  REQUIRE(acl.entries.size() == 2);
  CHECK_FALSE(acl.entries[0].egress);
  CHECK(acl.entries[1].egress);
  for (const auto& entry : acl.entries) {
    CHECK(entry.rule_number == kCatchAllRuleNumber);
    CHECK_FALSE(entry.allow);
    CHECK(entry.source == "t.yaml:9:3");
  }
}

TEST_CASE("the default security group admits its own members and sends anywhere", "[defaults]") {
  SecurityGroup sg = defaultSecurityGroup(twoBlockVpc(), "sg-default-vpc-a");
  CHECK(sg.meta.id == "sg-default-vpc-a");
  CHECK(sg.group_name == "default");
  CHECK(sg.description == "default VPC security group");
  CHECK(sg.vpc_id == "vpc-a");
  REQUIRE(sg.ingress.size() == 1);
  CHECK(sg.ingress[0].peer_kind == PeerKind::kSecurityGroup);
  CHECK(sg.ingress[0].peer == "sg-default-vpc-a");
  CHECK(sg.ingress[0].protocol == kProtocolAll);
  REQUIRE(sg.egress.size() == 1);
  CHECK(sg.egress[0].peer_kind == PeerKind::kCidr);
  CHECK(sg.egress[0].cidr.str() == "0.0.0.0/0");
  CHECK(sg.egress[0].source == "net.yaml:3:5");
}

}  // namespace vpcsim::topology

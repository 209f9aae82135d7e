// Tests for security group and network ACL evaluation (sim/rules.h).
#include "sim/rules.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/addresses.h"

namespace vpcsim::sim {
namespace {

using topology::kProtocolAll;
using topology::kProtocolIcmp;
using topology::kProtocolTcp;
using topology::kProtocolUdp;
using topology::NaclEntry;
using topology::NetworkAcl;
using topology::PeerKind;
using topology::PortRange;
using topology::PrefixList;
using topology::SecurityGroup;
using topology::SgRule;
using topology::Topology;

using test_support::ip;
using test_support::cidr;

Packet packet(int protocol, const std::string& source, const std::string& destination, int destination_port = 443) {
  Packet p;
  p.protocol = protocol;
  p.source = ip(source);
  p.destination = ip(destination);
  p.destination_port = destination_port;
  return p;
}

Packet icmp(int type, int code, const std::string& source = "10.0.0.5", const std::string& destination = "10.0.1.7") {
  Packet p = packet(kProtocolIcmp, source, destination);
  p.icmp_type = type;
  p.icmp_code = code;
  return p;
}

SgRule ruleTo(int protocol, int from, int to, const std::string& block, int index = 0) {
  SgRule rule;
  rule.protocol = protocol;
  rule.from_port = from;
  rule.to_port = to;
  rule.peer_kind = PeerKind::kCidr;
  rule.cidr = cidr(block);
  rule.index = index;
  return rule;
}

SgRule ruleRef(int protocol, int from, int to, PeerKind kind, const std::string& peer, int index = 0) {
  SgRule rule;
  rule.protocol = protocol;
  rule.from_port = from;
  rule.to_port = to;
  rule.peer_kind = kind;
  if (kind == PeerKind::kIpv6Cidr) {
    auto block = topology::Ipv6Block::parse(peer);
    REQUIRE(block.ok());
    rule.cidr6 = *block;
  } else {
    rule.peer = peer;
  }
  rule.index = index;
  return rule;
}

SecurityGroup group(const std::string& id, std::vector<SgRule> ingress, std::vector<SgRule> egress = {}) {
  SecurityGroup sg;
  sg.meta.id = id;
  sg.group_name = id;
  sg.vpc_id = "vpc-1";
  sg.ingress = std::move(ingress);
  sg.egress = std::move(egress);
  return sg;
}

PrefixList prefixList(const std::string& id, const std::vector<std::string>& blocks) {
  PrefixList list;
  list.meta.id = id;
  list.prefix_list_name = id;
  for (const auto& block : blocks) list.cidrs.push_back(cidr(block));
  return list;
}

NaclEntry entry(int number, bool egress, bool allow, int protocol, const std::string& block,
                PortRange ports = PortRange{}) {
  NaclEntry e;
  e.rule_number = number;
  e.egress = egress;
  e.allow = allow;
  e.protocol = protocol;
  e.cidr = cidr(block);
  e.ports = ports;
  return e;
}

NaclEntry icmpEntry(int number, bool egress, bool allow, int type, int code) {
  NaclEntry e = entry(number, egress, allow, kProtocolIcmp, "0.0.0.0/0");
  e.icmp_type = type;
  e.icmp_code = code;
  return e;
}

/// A topology holding only `acl`, finalised so its entries are sorted.
Topology withAcl(std::vector<NaclEntry> entries) {
  Topology topo;
  NetworkAcl acl;
  acl.meta.id = "acl-1";
  acl.vpc_id = "vpc-1";
  acl.entries = std::move(entries);
  topo.network_acls.push_back(std::move(acl));
  topo.finalize();
  return topo;
}

Peer peerAt(const std::string& address, const std::vector<std::string>* groups = nullptr) {
  Peer peer;
  peer.address = ip(address);
  peer.security_group_ids = groups;
  return peer;
}

const char* triName(Tri tri) {
  switch (tri) {
    case Tri::kNo: return "no";
    case Tri::kYes: return "yes";
    case Tri::kUnknown: return "unknown";
  }
  return "?";
}

// ---- sgRuleMatchesTraffic --------------------------------------------------

TEST_CASE("An SG rule with protocol -1 matches every protocol and port", "[rules][sg]") {
  SgRule rule = ruleTo(kProtocolAll, -1, -1, "0.0.0.0/0");
  auto [protocol, port] = GENERATE(table<int, int>({
      {kProtocolTcp, 0},
      {kProtocolTcp, 443},
      {kProtocolTcp, 65535},
      {kProtocolUdp, 53},
      {kProtocolIcmp, 0},
      {47, 0},
      {50, 0},
  }));
  CAPTURE(protocol, port);
  CHECK(sgRuleMatchesTraffic(rule, packet(protocol, "10.0.0.5", "10.0.1.7", port)));
}

TEST_CASE("A TCP or UDP SG rule matches destination ports inside its range, boundaries included", "[rules][sg]") {
  auto [rule_protocol, from, to, packet_protocol, port, expected] =
      GENERATE(table<int, int, int, int, int, bool>({
          {kProtocolTcp, 0, 1023, kProtocolTcp, 0, true},
          {kProtocolTcp, 0, 1023, kProtocolTcp, 1023, true},
          {kProtocolTcp, 0, 1023, kProtocolTcp, 1024, false},
          {kProtocolTcp, 1024, 65535, kProtocolTcp, 1023, false},
          {kProtocolTcp, 1024, 65535, kProtocolTcp, 1024, true},
          {kProtocolTcp, 1024, 65535, kProtocolTcp, 65535, true},
          {kProtocolTcp, 0, 65535, kProtocolTcp, 0, true},
          {kProtocolTcp, 0, 65535, kProtocolTcp, 65535, true},
          {kProtocolTcp, 22, 22, kProtocolTcp, 21, false},
          {kProtocolTcp, 22, 22, kProtocolTcp, 22, true},
          {kProtocolTcp, 22, 22, kProtocolTcp, 23, false},
          {kProtocolTcp, -1, -1, kProtocolTcp, 8080, true},  // no ports given: every port
          {kProtocolTcp, 443, 443, kProtocolUdp, 443, false},  // wrong protocol
          {kProtocolUdp, 53, 53, kProtocolUdp, 53, true},
          {kProtocolUdp, 53, 53, kProtocolTcp, 53, false},
          {kProtocolTcp, 0, 65535, kProtocolIcmp, 0, false},
          {47, -1, -1, 47, 0, true},  // GRE by number
          {47, -1, -1, kProtocolTcp, 443, false},
      }));
  CAPTURE(rule_protocol, from, to, packet_protocol, port);
  CHECK(sgRuleMatchesTraffic(ruleTo(rule_protocol, from, to, "0.0.0.0/0"),
                             packet(packet_protocol, "10.0.0.5", "10.0.1.7", port)) == expected);
}

TEST_CASE("An ICMP SG rule matches type and code, with -1 as a wildcard", "[rules][sg]") {
  auto [rule_type, rule_code, type, code, expected] = GENERATE(table<int, int, int, int, bool>({
      {-1, -1, 8, 0, true},
      {-1, -1, 0, 0, true},
      {-1, -1, 3, 4, true},
      {8, -1, 8, 0, true},
      {8, -1, 8, 5, true},
      {8, -1, 0, 0, false},
      {3, 4, 3, 4, true},
      {3, 4, 3, 3, false},
      {3, 4, 4, 4, false},
      {0, 0, 0, 0, true},
      {0, 0, 8, 0, false},
  }));
  CAPTURE(rule_type, rule_code, type, code);
  CHECK(sgRuleMatchesTraffic(ruleTo(kProtocolIcmp, rule_type, rule_code, "0.0.0.0/0"), icmp(type, code)) == expected);
}

// ---- evaluateSecurityGroups ------------------------------------------------

TEST_CASE("An SG CIDR peer matches addresses inside the block for /0 /16 /28 /32", "[rules][sg]") {
  auto [block, address, expected] = GENERATE(table<std::string, std::string, bool>({
      {"0.0.0.0/0", "203.0.113.9", true},
      {"0.0.0.0/0", "10.1.2.3", true},
      {"10.1.0.0/16", "10.1.0.0", true},
      {"10.1.0.0/16", "10.1.255.255", true},
      {"10.1.0.0/16", "10.2.0.0", false},
      {"10.1.0.0/16", "10.0.255.255", false},
      {"10.1.2.16/28", "10.1.2.15", false},
      {"10.1.2.16/28", "10.1.2.16", true},
      {"10.1.2.16/28", "10.1.2.31", true},
      {"10.1.2.16/28", "10.1.2.32", false},
      {"10.1.2.3/32", "10.1.2.3", true},
      {"10.1.2.3/32", "10.1.2.4", false},
  }));
  CAPTURE(block, address);
  Topology topo;
  topo.security_groups.push_back(group("sg-1", {ruleTo(kProtocolTcp, 443, 443, block)}));
  topo.finalize();
  Packet p = packet(kProtocolTcp, address, "10.0.0.5", 443);
  SgDecision decision = evaluateSecurityGroups(topo, {"sg-1"}, false, p, peerAt(address));
  CAPTURE(triName(decision.allowed));
  CHECK((decision.allowed == Tri::kYes) == expected);
  if (expected) {
    REQUIRE(decision.group != nullptr);
    CHECK(decision.group->meta.id == "sg-1");
    REQUIRE(decision.rule != nullptr);
    CHECK(decision.rule->cidr == cidr(block));
  } else {
    CHECK(decision.allowed == Tri::kNo);
    CHECK(decision.rule == nullptr);
  }
}

TEST_CASE("Egress SG evaluation uses egress rules and ingress uses ingress rules", "[rules][sg]") {
  Topology topo;
  topo.security_groups.push_back(group("sg-in-only", {ruleTo(kProtocolAll, -1, -1, "0.0.0.0/0")}, {}));
  topo.security_groups.push_back(group("sg-out-only", {}, {ruleTo(kProtocolAll, -1, -1, "10.9.0.0/16")}));
  topo.finalize();
  Packet p = packet(kProtocolTcp, "10.0.0.5", "10.9.1.1", 443);
  CHECK(evaluateSecurityGroups(topo, {"sg-in-only"}, false, p, peerAt("10.0.0.5")).allowed == Tri::kYes);
  CHECK(evaluateSecurityGroups(topo, {"sg-in-only"}, true, p, peerAt("10.9.1.1")).allowed == Tri::kNo);
  CHECK(evaluateSecurityGroups(topo, {"sg-out-only"}, true, p, peerAt("10.9.1.1")).allowed == Tri::kYes);
  CHECK(evaluateSecurityGroups(topo, {"sg-out-only"}, true, p, peerAt("10.8.1.1")).allowed == Tri::kNo);
  CHECK(evaluateSecurityGroups(topo, {"sg-out-only"}, false, p, peerAt("10.9.1.1")).allowed == Tri::kNo);
}

TEST_CASE("An SG prefix-list peer matches the list's entries", "[rules][sg]") {
  auto [address, expected] = GENERATE(table<std::string, bool>({
      {"52.216.0.0", true},
      {"52.217.255.255", true},
      {"52.218.0.0", false},
      {"3.5.0.1", true},
      {"3.5.31.255", true},
      {"3.5.32.0", false},
      {"8.8.8.8", false},
  }));
  CAPTURE(address);
  Topology topo;
  topo.prefix_lists.push_back(prefixList("pl-s3", {"52.216.0.0/15", "3.5.0.0/19"}));
  topo.security_groups.push_back(
      group("sg-1", {}, {ruleRef(kProtocolTcp, 443, 443, PeerKind::kPrefixList, "pl-s3")}));
  topo.finalize();
  Packet p = packet(kProtocolTcp, "10.0.0.5", address, 443);
  SgDecision decision = evaluateSecurityGroups(topo, {"sg-1"}, true, p, peerAt(address));
  CAPTURE(triName(decision.allowed));
  CHECK(decision.allowed == (expected ? Tri::kYes : Tri::kNo));
}

TEST_CASE("An SG rule naming a prefix list that is not in the input is unknown", "[rules][sg]") {
  Topology topo;
  topo.security_groups.push_back(
      group("sg-1", {}, {ruleRef(kProtocolTcp, 443, 443, PeerKind::kPrefixList, "pl-missing")}));
  topo.finalize();
  Packet p = packet(kProtocolTcp, "10.0.0.5", "52.216.1.1", 443);
  SgDecision decision = evaluateSecurityGroups(topo, {"sg-1"}, true, p, peerAt("52.216.1.1"));
  CHECK(decision.allowed == Tri::kUnknown);
  CHECK(decision.unknown_reason == "the entries of prefix list pl-missing are not in the input");
  CHECK(decision.rule == nullptr);

  SECTION("but traffic the rule does not cover is simply not allowed") {
    Packet ssh = packet(kProtocolTcp, "10.0.0.5", "52.216.1.1", 22);
    CHECK(evaluateSecurityGroups(topo, {"sg-1"}, true, ssh, peerAt("52.216.1.1")).allowed == Tri::kNo);
  }
}

TEST_CASE("A later SG rule that allows wins over an earlier unknown one", "[rules][sg]") {
  Topology topo;
  topo.security_groups.push_back(group("sg-1", {},
                                       {ruleRef(kProtocolTcp, 443, 443, PeerKind::kPrefixList, "pl-missing", 0),
                                        ruleTo(kProtocolTcp, 443, 443, "0.0.0.0/0", 1)}));
  topo.finalize();
  Packet p = packet(kProtocolTcp, "10.0.0.5", "52.216.1.1", 443);
  SgDecision decision = evaluateSecurityGroups(topo, {"sg-1"}, true, p, peerAt("52.216.1.1"));
  CHECK(decision.allowed == Tri::kYes);
  REQUIRE(decision.rule != nullptr);
  CHECK(decision.rule->index == 1);
}

TEST_CASE("An SG reference allows a peer that carries the referenced group and no other", "[rules][sg]") {
  Topology topo;
  topo.security_groups.push_back(
      group("sg-db", {ruleRef(kProtocolTcp, 5432, 5432, PeerKind::kSecurityGroup, "sg-app")}));
  topo.security_groups.push_back(group("sg-app", {}, {ruleTo(kProtocolAll, -1, -1, "0.0.0.0/0")}));
  topo.security_groups.push_back(group("sg-other", {}, {}));
  topo.finalize();
  Packet p = packet(kProtocolTcp, "10.0.1.10", "10.0.2.20", 5432);

  const std::vector<std::string> app = {"sg-other", "sg-app"};
  SgDecision allowed = evaluateSecurityGroups(topo, {"sg-db"}, false, p, peerAt("10.0.1.10", &app));
  CHECK(allowed.allowed == Tri::kYes);
  REQUIRE(allowed.group != nullptr);
  CHECK(allowed.group->meta.id == "sg-db");
  REQUIRE(allowed.rule != nullptr);
  CHECK(allowed.rule->peer == "sg-app");

  const std::vector<std::string> other = {"sg-other"};
  CHECK(evaluateSecurityGroups(topo, {"sg-db"}, false, p, peerAt("10.0.1.10", &other)).allowed == Tri::kNo);

  // A peer we know nothing about (an outside host) carries no group.
  CHECK(evaluateSecurityGroups(topo, {"sg-db"}, false, p, peerAt("10.0.1.10")).allowed == Tri::kNo);

  // The reference only matches its own ports.
  Packet https = packet(kProtocolTcp, "10.0.1.10", "10.0.2.20", 443);
  CHECK(evaluateSecurityGroups(topo, {"sg-db"}, false, https, peerAt("10.0.1.10", &app)).allowed == Tri::kNo);
}

TEST_CASE("An SG reference to a group missing from the input is unknown for an unknown peer", "[rules][sg]") {
  Topology topo;
  topo.security_groups.push_back(
      group("sg-db", {ruleRef(kProtocolTcp, 5432, 5432, PeerKind::kSecurityGroup, "sg-gone")}));
  topo.finalize();
  Packet p = packet(kProtocolTcp, "10.0.1.10", "10.0.2.20", 5432);
  SgDecision decision = evaluateSecurityGroups(topo, {"sg-db"}, false, p, peerAt("10.0.1.10"));
  CHECK(decision.allowed == Tri::kUnknown);
  CHECK(decision.unknown_reason == "rule references security group sg-gone, which is not in the input");

  const std::vector<std::string> carrying = {"sg-gone"};
  CHECK(evaluateSecurityGroups(topo, {"sg-db"}, false, p, peerAt("10.0.1.10", &carrying)).allowed == Tri::kYes);
}

TEST_CASE("An SG rule with an IPv6 peer never matches an IPv4 packet", "[rules][sg]") {
  Topology topo;
  topo.security_groups.push_back(group("sg-1", {ruleRef(kProtocolAll, -1, -1, PeerKind::kIpv6Cidr, "::/0")}));
  topo.finalize();
  Packet p = packet(kProtocolTcp, "203.0.113.9", "10.0.0.5", 443);
  CHECK(evaluateSecurityGroups(topo, {"sg-1"}, false, p, peerAt("203.0.113.9")).allowed == Tri::kNo);
}

TEST_CASE("A security group with no rules allows nothing", "[rules][sg]") {
  Topology topo;
  topo.security_groups.push_back(group("sg-empty", {}, {}));
  topo.finalize();
  Packet p = packet(kProtocolTcp, "10.0.0.5", "10.0.1.7", 443);
  for (bool egress : {false, true}) {
    CAPTURE(egress);
    SgDecision decision = evaluateSecurityGroups(topo, {"sg-empty"}, egress, p, peerAt("10.0.1.7"));
    CHECK(decision.allowed == Tri::kNo);
    CHECK(decision.group == nullptr);
    CHECK(decision.rule == nullptr);
    CHECK(decision.unknown_reason.empty());
  }
  CHECK(evaluateSecurityGroups(topo, {}, false, p, peerAt("10.0.0.5")).allowed == Tri::kNo);
}

TEST_CASE("With several security groups any one that allows is enough", "[rules][sg]") {
  Topology topo;
  topo.security_groups.push_back(group("sg-ssh", {ruleTo(kProtocolTcp, 22, 22, "10.0.0.0/16", 0)}));
  topo.security_groups.push_back(group("sg-web", {ruleTo(kProtocolTcp, 443, 443, "0.0.0.0/0", 3)}));
  topo.security_groups.push_back(group("sg-empty", {}));
  topo.finalize();
  Packet https = packet(kProtocolTcp, "198.51.100.7", "10.0.0.5", 443);
  Packet ssh = packet(kProtocolTcp, "10.0.9.9", "10.0.0.5", 22);
  Packet ssh_outside = packet(kProtocolTcp, "198.51.100.7", "10.0.0.5", 22);
  const std::vector<std::string> groups = {"sg-empty", "sg-ssh", "sg-web"};

  SgDecision web = evaluateSecurityGroups(topo, groups, false, https, peerAt("198.51.100.7"));
  CHECK(web.allowed == Tri::kYes);
  REQUIRE(web.group != nullptr);
  CHECK(web.group->meta.id == "sg-web");
  REQUIRE(web.rule != nullptr);
  CHECK(web.rule->index == 3);

  SgDecision admin = evaluateSecurityGroups(topo, groups, false, ssh, peerAt("10.0.9.9"));
  CHECK(admin.allowed == Tri::kYes);
  REQUIRE(admin.group != nullptr);
  CHECK(admin.group->meta.id == "sg-ssh");

  CHECK(evaluateSecurityGroups(topo, groups, false, ssh_outside, peerAt("198.51.100.7")).allowed == Tri::kNo);
}

TEST_CASE("A security group missing from the input makes an otherwise denied packet unknown", "[rules][sg]") {
  Topology topo;
  topo.security_groups.push_back(group("sg-web", {ruleTo(kProtocolTcp, 443, 443, "0.0.0.0/0")}));
  topo.finalize();
  Packet ssh = packet(kProtocolTcp, "198.51.100.7", "10.0.0.5", 22);
  SgDecision decision = evaluateSecurityGroups(topo, {"sg-missing", "sg-web"}, false, ssh, peerAt("198.51.100.7"));
  CHECK(decision.allowed == Tri::kUnknown);
  CHECK(decision.unknown_reason == "security group sg-missing is not in the input");

  Packet https = packet(kProtocolTcp, "198.51.100.7", "10.0.0.5", 443);
  CHECK(evaluateSecurityGroups(topo, {"sg-missing", "sg-web"}, false, https, peerAt("198.51.100.7")).allowed ==
        Tri::kYes);
}

// ---- evaluateAcl -----------------------------------------------------------

TEST_CASE("NACL entries are evaluated lowest number first even when listed out of order", "[rules][nacl]") {
  Topology topo = withAcl({
      entry(200, false, true, kProtocolAll, "0.0.0.0/0"),
      entry(100, false, false, kProtocolTcp, "0.0.0.0/0", PortRange{22, 22}),
  });
  const NetworkAcl& acl = topo.network_acls.front();

  AclDecision ssh = evaluateAcl(acl, false, packet(kProtocolTcp, "198.51.100.7", "10.0.0.5", 22));
  CHECK_FALSE(ssh.allowed);
  REQUIRE(ssh.entry != nullptr);
  CHECK(ssh.entry->rule_number == 100);

  AclDecision https = evaluateAcl(acl, false, packet(kProtocolTcp, "198.51.100.7", "10.0.0.5", 443));
  CHECK(https.allowed);
  REQUIRE(https.entry != nullptr);
  CHECK(https.entry->rule_number == 200);
}

TEST_CASE("The first matching NACL entry wins, allow or deny", "[rules][nacl]") {
  auto [first_allows, first, second, port, allowed, number] = GENERATE(table<bool, int, int, int, bool, int>({
      // deny 100 before allow 200
      {false, 100, 200, 443, false, 100},
      {false, 100, 200, 80, true, 200},
      // allow 100 before deny 200
      {true, 100, 200, 443, true, 100},
      {true, 100, 200, 80, false, 200},
      // numbers, not list position, decide: 32766 after 1
      {true, 1, 32766, 443, true, 1},
      {false, 1, 32766, 443, false, 1},
  }));
  CAPTURE(first_allows, first, second, port);
  // The specific entry (tcp 443) is listed last to prove the sort matters.
  Topology topo = withAcl({
      entry(second, false, !first_allows, kProtocolAll, "0.0.0.0/0"),
      entry(first, false, first_allows, kProtocolTcp, "0.0.0.0/0", PortRange{443, 443}),
  });
  AclDecision decision = evaluateAcl(topo.network_acls.front(), false, packet(kProtocolTcp, "198.51.100.7", "10.0.0.5", port));
  CHECK(decision.allowed == allowed);
  REQUIRE(decision.entry != nullptr);
  CHECK(decision.entry->rule_number == number);
}

TEST_CASE("A packet no NACL entry matches meets the implicit * deny", "[rules][nacl]") {
  Topology topo = withAcl({
      entry(100, false, true, kProtocolTcp, "10.0.0.0/16", PortRange{443, 443}),
      entry(100, true, true, kProtocolAll, "0.0.0.0/0"),
  });
  const NetworkAcl& acl = topo.network_acls.front();
  AclDecision outside = evaluateAcl(acl, false, packet(kProtocolTcp, "192.168.0.1", "10.0.0.5", 443));
  CHECK_FALSE(outside.allowed);
  CHECK(outside.entry == nullptr);
  AclDecision other_port = evaluateAcl(acl, false, packet(kProtocolTcp, "10.0.3.3", "10.0.0.5", 444));
  CHECK_FALSE(other_port.allowed);
  CHECK(other_port.entry == nullptr);

  Topology empty = withAcl({});
  CHECK_FALSE(evaluateAcl(empty.network_acls.front(), false, packet(kProtocolTcp, "10.0.3.3", "10.0.0.5")).allowed);
  CHECK_FALSE(evaluateAcl(empty.network_acls.front(), true, packet(kProtocolTcp, "10.0.3.3", "10.0.0.5")).allowed);
}

TEST_CASE("A NACL ephemeral port range 1024-65535 admits exactly its boundaries", "[rules][nacl]") {
  auto [port, allowed] = GENERATE(table<int, bool>({
      {0, false},
      {1023, false},
      {1024, true},
      {32768, true},
      {49152, true},
      {65535, true},
  }));
  CAPTURE(port);
  Topology topo = withAcl({entry(120, true, true, kProtocolTcp, "0.0.0.0/0", PortRange{1024, 65535})});
  // A reply leaving the subnet: server port 443 back to the client's ephemeral port.
  Packet reply = packet(kProtocolTcp, "10.0.0.5", "198.51.100.7", port);
  reply.source_port = 443;
  AclDecision decision = evaluateAcl(topo.network_acls.front(), true, reply);
  CHECK(decision.allowed == allowed);
  CHECK((decision.entry != nullptr) == allowed);
}

TEST_CASE("A NACL entry matches UDP ports only for UDP", "[rules][nacl]") {
  Topology topo = withAcl({entry(100, false, true, kProtocolUdp, "0.0.0.0/0", PortRange{53, 53})});
  const NetworkAcl& acl = topo.network_acls.front();
  CHECK(evaluateAcl(acl, false, packet(kProtocolUdp, "10.0.3.3", "10.0.0.5", 53)).allowed);
  CHECK_FALSE(evaluateAcl(acl, false, packet(kProtocolUdp, "10.0.3.3", "10.0.0.5", 54)).allowed);
  CHECK_FALSE(evaluateAcl(acl, false, packet(kProtocolTcp, "10.0.3.3", "10.0.0.5", 53)).allowed);
}

TEST_CASE("A NACL ICMP entry matches type and code, with -1 as a wildcard", "[rules][nacl]") {
  auto [entry_type, entry_code, type, code, allowed] = GENERATE(table<int, int, int, int, bool>({
      {-1, -1, 8, 0, true},
      {-1, -1, 3, 4, true},
      {8, -1, 8, 0, true},
      {8, -1, 0, 0, false},
      {3, 4, 3, 4, true},
      {3, 4, 3, 1, false},
      {3, 4, 4, 4, false},
  }));
  CAPTURE(entry_type, entry_code, type, code);
  Topology topo = withAcl({icmpEntry(100, false, true, entry_type, entry_code)});
  AclDecision decision = evaluateAcl(topo.network_acls.front(), false, icmp(type, code));
  CHECK(decision.allowed == allowed);
}

TEST_CASE("A NACL ICMP entry does not match TCP traffic", "[rules][nacl]") {
  Topology topo = withAcl({icmpEntry(100, false, true, -1, -1)});
  CHECK_FALSE(evaluateAcl(topo.network_acls.front(), false, packet(kProtocolTcp, "10.0.3.3", "10.0.0.5")).allowed);
}

TEST_CASE("A NACL entry with protocol -1 matches every protocol and port", "[rules][nacl]") {
  auto [protocol, port] = GENERATE(table<int, int>({
      {kProtocolTcp, 0},
      {kProtocolTcp, 65535},
      {kProtocolUdp, 53},
      {kProtocolIcmp, 0},
      {47, 0},
  }));
  CAPTURE(protocol, port);
  Topology topo = withAcl({entry(100, false, true, kProtocolAll, "0.0.0.0/0", PortRange{443, 443})});
  CHECK(evaluateAcl(topo.network_acls.front(), false, packet(protocol, "10.0.3.3", "10.0.0.5", port)).allowed);
}

TEST_CASE("A NACL entry for protocol 47 matches GRE and nothing else", "[rules][nacl]") {
  Topology topo = withAcl({entry(100, false, true, 47, "0.0.0.0/0")});
  const NetworkAcl& acl = topo.network_acls.front();
  CHECK(evaluateAcl(acl, false, packet(47, "10.0.3.3", "10.0.0.5", 0)).allowed);
  CHECK_FALSE(evaluateAcl(acl, false, packet(kProtocolTcp, "10.0.3.3", "10.0.0.5", 443)).allowed);
}

TEST_CASE("Inbound NACL entries match the source and outbound entries the destination", "[rules][nacl]") {
  auto [source, destination, inbound, outbound] = GENERATE(table<std::string, std::string, bool, bool>({
      {"10.0.1.1", "192.168.1.1", true, true},
      {"192.168.1.1", "10.0.1.1", false, false},
      {"10.0.1.1", "10.0.2.2", true, false},
      {"192.168.1.1", "192.168.2.2", false, true},
  }));
  CAPTURE(source, destination);
  Topology topo = withAcl({
      entry(100, false, true, kProtocolAll, "10.0.0.0/16"),
      entry(100, true, true, kProtocolAll, "192.168.0.0/16"),
  });
  const NetworkAcl& acl = topo.network_acls.front();
  Packet p = packet(kProtocolTcp, source, destination, 443);
  AclDecision in = evaluateAcl(acl, false, p);
  AclDecision out = evaluateAcl(acl, true, p);
  CHECK(in.allowed == inbound);
  CHECK(out.allowed == outbound);
  if (in.entry != nullptr) CHECK_FALSE(in.entry->egress);
  if (out.entry != nullptr) CHECK(out.entry->egress);
}

TEST_CASE("A NACL CIDR matches addresses inside /0 /16 /28 /32 blocks only", "[rules][nacl]") {
  auto [block, address, allowed] = GENERATE(table<std::string, std::string, bool>({
      {"0.0.0.0/0", "203.0.113.9", true},
      {"10.1.0.0/16", "10.1.255.255", true},
      {"10.1.0.0/16", "10.2.0.0", false},
      {"10.1.2.16/28", "10.1.2.15", false},
      {"10.1.2.16/28", "10.1.2.16", true},
      {"10.1.2.16/28", "10.1.2.31", true},
      {"10.1.2.16/28", "10.1.2.32", false},
      {"10.1.2.3/32", "10.1.2.3", true},
      {"10.1.2.3/32", "10.1.2.4", false},
  }));
  CAPTURE(block, address);
  Topology topo = withAcl({entry(100, false, true, kProtocolAll, block)});
  CHECK(evaluateAcl(topo.network_acls.front(), false, packet(kProtocolTcp, address, "10.0.0.5")).allowed == allowed);
}

TEST_CASE("An IPv6 NACL entry never matches an IPv4 packet", "[rules][nacl]") {
  NaclEntry v6 = entry(100, false, false, kProtocolAll, "0.0.0.0/0");
  v6.cidr.reset();
  v6.ipv6_cidr = topology::Ipv6Block();
  Topology topo = withAcl({v6, entry(200, false, true, kProtocolAll, "0.0.0.0/0")});
  AclDecision decision = evaluateAcl(topo.network_acls.front(), false, packet(kProtocolTcp, "10.0.3.3", "10.0.0.5"));
  CHECK(decision.allowed);
  REQUIRE(decision.entry != nullptr);
  CHECK(decision.entry->rule_number == 200);
}

// ---- describe helpers ------------------------------------------------------

TEST_CASE("describeSgRule names direction, index, traffic and peer", "[rules][describe]") {
  CHECK(describeSgRule(ruleTo(kProtocolTcp, 443, 443, "10.0.0.0/16", 2), false) ==
        "ingress rule 2: tcp 443 from 10.0.0.0/16");
  CHECK(describeSgRule(ruleTo(kProtocolAll, -1, -1, "0.0.0.0/0", 0), true) == "egress rule 0: all traffic to 0.0.0.0/0");
  CHECK(describeSgRule(ruleRef(kProtocolTcp, 1024, 65535, PeerKind::kPrefixList, "pl-123", 1), false) ==
        "ingress rule 1: tcp 1024-65535 from pl-123");
  CHECK(describeSgRule(ruleRef(kProtocolTcp, 0, 65535, PeerKind::kSecurityGroup, "sg-web", 0), false) ==
        "ingress rule 0: tcp all ports from sg-web");
  CHECK(describeSgRule(ruleTo(kProtocolUdp, -1, -1, "10.0.0.2/32", 4), true) == "egress rule 4: udp all ports to 10.0.0.2/32");
  CHECK(describeSgRule(ruleTo(kProtocolIcmp, -1, -1, "0.0.0.0/0", 0), false) == "ingress rule 0: icmp all from 0.0.0.0/0");
  CHECK(describeSgRule(ruleTo(kProtocolIcmp, 8, -1, "0.0.0.0/0", 0), false) == "ingress rule 0: icmp type 8 from 0.0.0.0/0");
  CHECK(describeSgRule(ruleTo(kProtocolIcmp, 3, 4, "0.0.0.0/0", 0), false) ==
        "ingress rule 0: icmp type 3 code 4 from 0.0.0.0/0");
  CHECK(describeSgRule(ruleTo(47, -1, -1, "10.0.0.0/8", 5), true) == "egress rule 5: protocol 47 to 10.0.0.0/8");
  CHECK(describeSgRule(ruleRef(kProtocolAll, -1, -1, PeerKind::kIpv6Cidr, "::/0", 0), false) ==
        "ingress rule 0: all traffic from ::/0");
}

TEST_CASE("describeAclEntry names direction, number, action, traffic and CIDR", "[rules][describe]") {
  CHECK(describeAclEntry(entry(100, false, true, kProtocolTcp, "10.0.0.0/16", PortRange{443, 443})) ==
        "inbound rule 100: allow tcp 443 from 10.0.0.0/16");
  CHECK(describeAclEntry(entry(32767, true, false, kProtocolAll, "0.0.0.0/0")) ==
        "outbound rule *: deny all traffic to 0.0.0.0/0");
  CHECK(describeAclEntry(entry(120, true, true, kProtocolTcp, "0.0.0.0/0", PortRange{1024, 65535})) ==
        "outbound rule 120: allow tcp 1024-65535 to 0.0.0.0/0");
  CHECK(describeAclEntry(entry(130, false, false, kProtocolUdp, "0.0.0.0/0")) ==
        "inbound rule 130: deny udp all ports from 0.0.0.0/0");
  CHECK(describeAclEntry(icmpEntry(140, false, true, 8, -1)) == "inbound rule 140: allow icmp type 8 from 0.0.0.0/0");
  CHECK(describeAclEntry(icmpEntry(150, false, true, -1, -1)) == "inbound rule 150: allow icmp all from 0.0.0.0/0");
  CHECK(describeAclEntry(icmpEntry(160, true, false, 3, 4)) == "outbound rule 160: deny icmp type 3 code 4 to 0.0.0.0/0");
  CHECK(describeAclEntry(entry(170, false, true, 47, "10.1.2.3/32")) == "inbound rule 170: allow protocol 47 from 10.1.2.3/32");
  NaclEntry v6 = entry(101, false, true, kProtocolAll, "0.0.0.0/0");
  v6.cidr.reset();
  v6.ipv6_cidr = topology::Ipv6Block();
  CHECK(describeAclEntry(v6) == "inbound rule 101: allow all traffic from ::/0");
}

TEST_CASE("describePacket prints protocol, addresses and ports or ICMP type", "[rules][describe]") {
  Packet tcp = packet(kProtocolTcp, "10.0.0.5", "10.0.1.7", 443);
  CHECK(describePacket(tcp) == "tcp 10.0.0.5:49152 -> 10.0.1.7:443");
  Packet udp = packet(kProtocolUdp, "10.0.0.5", "10.0.0.2", 53);
  udp.source_port = 1024;
  CHECK(describePacket(udp) == "udp 10.0.0.5:1024 -> 10.0.0.2:53");
  CHECK(describePacket(icmp(8, 0, "10.0.0.5", "8.8.8.8")) == "icmp 10.0.0.5 -> 8.8.8.8 type 8 code 0");
  CHECK(describePacket(packet(47, "10.0.0.5", "10.0.1.7")) == "protocol 47 10.0.0.5 -> 10.0.1.7");
}

}  // namespace
}  // namespace vpcsim::sim

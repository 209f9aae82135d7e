// Snapshot values AWS cannot produce and the documented limits: each is a
// located error, never accepted silently (issue 17, "Hostile input").
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "formats/loader.h"
#include "topology/limits.h"
#include "tests/support/text_input.h"

namespace vpcsim::formats {
namespace {

namespace fs = std::filesystem;

/// Loads a snapshot folder holding `text` as s.json; the diagnostics' texts,
/// or "ok" when it loads.
std::vector<std::string> loadText(const std::string& text) {
  return testing::diagnosticsOfText("s.json", text, [](const fs::path& dir, const fs::path&, auto& errors) {
    topology::Topology topo;
    return loadSnapshot(dir, LoadOptions{}, topo, errors);
  });
}

constexpr const char* kVpc = R"("Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}])";
constexpr const char* kSubnet = R"("Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}])";

std::string group(const std::string& permission) {
  return fmt::format(R"({{"SecurityGroups": [{{"GroupId": "sg-1", "VpcId": "vpc-1", "IpPermissions": [{}]}}]}})",
                     permission);
}
std::string tcp(const std::string& ports) {
  return group(fmt::format(R"({{"IpProtocol": "{}", {}, "IpRanges": [{{"CidrIp": "10.0.0.0/8"}}]}})", "tcp", ports));
}
std::string icmp(const std::string& ports) {
  return group(fmt::format(R"({{"IpProtocol": "icmp", {}, "IpRanges": [{{"CidrIp": "10.0.0.0/8"}}]}})", ports));
}
std::string aclEntry(const std::string& fields) {
  return fmt::format(
      R"({{"NetworkAcls": [{{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "Entries": [{{"RuleNumber": 100, "Egress": false, "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", {}}}]}}]}})",
      fields);
}
std::string route(const std::string& destination) {
  return fmt::format(
      R"({{"RouteTables": [{{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [{{{}, "GatewayId": "igw-1"}}]}}]}})",
      destination);
}

TEST_CASE("snapshot values AWS cannot produce are located errors", "[snapshot][validation]") {
  const std::string sg = "s.json:/SecurityGroups/0/IpPermissions/0";
  const std::string entry = "s.json:/NetworkAcls/0/Entries/0";
  auto [name, text, expected] = GENERATE_COPY(table<std::string, std::string, std::vector<std::string>>({
      {"tcp 22-22 is fine", tcp(R"("FromPort": 22, "ToPort": 22)"), {"ok"}},
      {"tcp -1/-1 is every port", tcp(R"("FromPort": -1, "ToPort": -1)"), {"ok"}},
      {"tcp port 0 and 65535 are the ends", tcp(R"("FromPort": 0, "ToPort": 65535)"), {"ok"}},
      {"port 70000", tcp(R"("FromPort": 70000, "ToPort": 70000)"),
       {sg + "/FromPort: error: port 70000 is out of range (0-65535)"}},
      {"ToPort 65536", tcp(R"("FromPort": 1, "ToPort": 65536)"),
       {sg + "/ToPort: error: port 65536 is out of range (0-65535)"}},
      {"negative FromPort", tcp(R"("FromPort": -5, "ToPort": 80)"),
       {sg + "/FromPort: error: port -5 is out of range (0-65535)"}},
      {"reversed range", tcp(R"("FromPort": 443, "ToPort": 80)"),
       {sg + "/FromPort: error: port range 443-80 is reversed (the first port is above the last)"}},
      {"icmp all", icmp(R"("FromPort": -1, "ToPort": -1)"), {"ok"}},
      {"icmp echo", icmp(R"("FromPort": 8, "ToPort": 0)"), {"ok"}},
      {"icmp type 999", icmp(R"("FromPort": 999, "ToPort": -1)"),
       {sg + "/FromPort: error: ICMP type 999 is out of range (-1-255)"}},
      {"icmp code 256", icmp(R"("FromPort": 3, "ToPort": 256)"),
       {sg + "/ToPort: error: ICMP code 256 is out of range (-1-255)"}},
      {"icmp every type with one code", icmp(R"("FromPort": -1, "ToPort": 4)"),
       {sg + "/ToPort: error: ICMP code 4 with every ICMP type (-1): every type takes every code (-1)"}},
      {"all protocols ignore ports", group(R"({"IpProtocol": "-1", "FromPort": 70000, "ToPort": 1, "IpRanges": []})"),
       {"ok"}},
      {"acl ports fine", aclEntry(R"("Protocol": "6", "PortRange": {"From": 0, "To": 65535})"), {"ok"}},
      {"acl port 70000", aclEntry(R"("Protocol": "6", "PortRange": {"From": 80, "To": 70000})"),
       {entry + "/PortRange/To: error: port 70000 is out of range (0-65535)"}},
      {"acl reversed", aclEntry(R"("Protocol": "17", "PortRange": {"From": 53, "To": 52})"),
       {entry + "/PortRange/From: error: port range 53-52 is reversed (the first port is above the last)"}},
      {"acl icmp type 999", aclEntry(R"("Protocol": "1", "IcmpTypeCode": {"Type": 999, "Code": -1})"),
       {entry + "/IcmpTypeCode/Type: error: ICMP type 999 is out of range (-1-255)"}},
      {"acl icmp code -2", aclEntry(R"("Protocol": "1", "IcmpTypeCode": {"Type": 3, "Code": -2})"),
       {entry + "/IcmpTypeCode/Code: error: ICMP code -2 is out of range (-1-255)"}},
      {"acl empty CIDR", R"({"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{"RuleNumber": 1, "RuleAction": "deny", "Protocol": "-1", "CidrBlock": ""}]}]})",
       {entry + "/CidrBlock: error: empty CIDR block"}},
      {"empty route destination", route(R"("DestinationCidrBlock": "")"),
       {"s.json:/RouteTables/0/Routes/0/DestinationCidrBlock: error: empty CIDR block"}},
      {"malformed route destination", route(R"("DestinationCidrBlock": "10.0.0/8")"),
       {"s.json:/RouteTables/0/Routes/0/DestinationCidrBlock: error: '10.0.0/8' is not an IPv4 CIDR block"}},
      {"vpc with an empty CIDR", R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": ""}]})",
       {"s.json:/Vpcs/0/CidrBlock: error: empty CIDR block"}},
      {"vpc without a CIDR", R"({"Vpcs": [{"VpcId": "vpc-1"}]})",
       {"s.json:/Vpcs/0/CidrBlock: error: vpc vpc-1 has no IPv4 CIDR block"}},
      {"subnet outside its vpc",
       fmt::format(R"({{{}, "Subnets": [{{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.1.0.0/24"}}]}})", kVpc),
       {"s.json:/Subnets/0/CidrBlock: error: subnet subnet-1 (10.1.0.0/24) is outside its vpc vpc-1 (10.0.0.0/16)"}},
      {"overlapping subnets",
       fmt::format(R"({{{}, "Subnets": [{{"SubnetId": "subnet-b", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}},
                    {{"SubnetId": "subnet-a", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/23"}},
                    {{"SubnetId": "subnet-c", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24"}}]}})",
                   kVpc),
       {"s.json:/Subnets/1/CidrBlock: error: subnet subnet-a (10.0.0.0/23) overlaps subnet subnet-b (10.0.1.0/24) of vpc vpc-1"}},
      {"the same block in two vpcs is fine",
       fmt::format(R"({{"Vpcs": [{{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}}, {{"VpcId": "vpc-2", "CidrBlock": "10.0.0.0/16"}}],
                    "Subnets": [{{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}},
                                {{"SubnetId": "subnet-2", "VpcId": "vpc-2", "CidrBlock": "10.0.1.0/24"}}]}})"),
       {"ok"}},
      {"interface address outside its subnet",
       fmt::format(R"({{{}, {}, "NetworkInterfaces": [{{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-1", "VpcId": "vpc-1",
                    "PrivateIpAddress": "10.0.2.5", "PrivateIpAddresses": [{{"PrivateIpAddress": "10.0.2.5", "Primary": true}}]}}]}})",
                   kVpc, kSubnet),
       {"s.json:/NetworkInterfaces/0/PrivateIpAddresses: error: address 10.0.2.5 of eni-1 is outside its subnet subnet-1 (10.0.1.0/24)"}},
  }));
  CAPTURE(name, text);
  CHECK(loadText(text) == expected);
}

TEST_CASE("route tables, security groups and network ACLs above the documented limits are too large",
          "[snapshot][validation]") {
  using namespace topology::limits;  // NOLINT(google-build-using-namespace)
  auto many = [](std::size_t count, auto&& item) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
      if (i != 0) out += ',';
      out += item(i);
    }
    return out;
  };
  auto cidr = [](std::size_t i) { return fmt::format("{}.{}.{}.0/24", 100 + i / 65536, i / 256 % 256, i % 256); };
  SECTION("routes") {
    for (std::size_t count : {kRoutesPerRouteTable, kRoutesPerRouteTable + 1}) {
      std::string routes = many(count, [&](std::size_t i) {
        return fmt::format(R"({{"DestinationCidrBlock": "{}", "GatewayId": "igw-1"}})", cidr(i));
      });
      auto result = loadText(fmt::format(R"({{"RouteTables": [{{"RouteTableId": "rtb-1", "Routes": [{}]}}]}})", routes));
      CHECK(result == (count == kRoutesPerRouteTable
                           ? std::vector<std::string>{"ok"}
                           : std::vector<std::string>{fmt::format(
                                 "s.json:/RouteTables/0: error: too large: route table rtb-1 has {} routes (the limit "
                                 "is {}; AWS allows at most 1000)",
                                 count, kRoutesPerRouteTable)}));
    }
  }
  SECTION("security group rules") {
    std::string ranges = many(kRulesPerSecurityGroup + 1, [&](std::size_t i) {
      return fmt::format(R"({{"CidrIp": "{}"}})", cidr(i));
    });
    auto result = loadText(fmt::format(
        R"({{"SecurityGroups": [{{"GroupId": "sg-1", "IpPermissionsEgress": [{{"IpProtocol": "-1", "IpRanges": [{}]}}]}}]}})",
        ranges));
    CHECK(result == std::vector<std::string>{fmt::format(
                        "s.json:/SecurityGroups/0: error: too large: security group sg-1 has {} outbound rules (the "
                        "limit is {}; AWS allows at most 1000)",
                        kRulesPerSecurityGroup + 1, kRulesPerSecurityGroup)});
  }
  SECTION("network ACL entries") {
    std::string entries = many(kEntriesPerNetworkAcl + 1, [](std::size_t i) {
      return fmt::format(R"({{"RuleNumber": {}, "Egress": {}, "RuleAction": "deny", "Protocol": "-1", "CidrBlock": "0.0.0.0/0"}})",
                         i / 2 + 1, i % 2 == 0 ? "false" : "true");
    });
    auto result = loadText(fmt::format(R"({{"NetworkAcls": [{{"NetworkAclId": "acl-1", "Entries": [{}]}}]}})", entries));
    CHECK(result == std::vector<std::string>{fmt::format(
                        "s.json:/NetworkAcls/0: error: too large: network acl acl-1 has {} entries (the limit is {}; "
                        "AWS allows at most 40 a direction)",
                        kEntriesPerNetworkAcl + 1, kEntriesPerNetworkAcl)});
  }
}

}  // namespace
}  // namespace vpcsim::formats

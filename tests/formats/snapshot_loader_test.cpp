// Tests for loadSnapshot: real describe-* folders from the corpus plus hand-written edge cases.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "formats/loader.h"
#include "tests/support/temp_dir.h"
#include "topology/reference.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

namespace vpcsim::topology {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = VPCSIM_CORPUS_DIR;

/// A scratch folder under the system temp dir, removed when the test ends.
/// Each test's folder: vpcsim-snapshot-NAME-PID.
class TempDir : public test_support::TempDir {
 public:
  explicit TempDir(const std::string& name) : test_support::TempDir("snapshot-" + name) {}
};

struct Loaded {
  bool ok = false;
  Topology topology;
  std::vector<std::string> errors;
};

Loaded load(const fs::path& dir, const LoadOptions& options = {}) {
  Loaded out;
  std::vector<Diagnostic> diagnostics;
  out.ok = loadSnapshot(dir, options, out.topology, diagnostics);
  out.topology.finalize();
  for (const auto& diagnostic : diagnostics) out.errors.push_back(diagnostic.str());
  return out;
}

Cidr cidr(const char* text) { return *Cidr::parse(text); }
Ipv4 ip(const char* text) { return *Ipv4::parse(text); }

std::vector<fs::path> snapshotFolders() {
  std::vector<fs::path> folders = {
      kCorpus / "batfish-test-nat-gateway",
      kCorpus / "batfish-test-public-private-subnet",
      kCorpus / "batfish-test-vpc-endpoint-gateway",
      kCorpus / "batfish-test-vpc-peering",
      kCorpus / "pybatfish-hybrid-cloud",
  };
  std::vector<fs::path> labs;
  for (const auto& entry : fs::directory_iterator(kCorpus / "lab-validation")) {
    if (fs::is_directory(entry.path() / "aws_configs")) labs.push_back(entry.path() / "aws_configs");
  }
  std::sort(labs.begin(), labs.end());
  folders.insert(folders.end(), labs.begin(), labs.end());
  return folders;
}

size_t countIgnored(const Topology& topology, const std::string& reason) {
  return static_cast<size_t>(std::count_if(topology.ignored.begin(), topology.ignored.end(),
                                           [&](const IgnoredItem& item) { return item.reason == reason; }));
}

// ---- the real corpus ---------------------------------------------------------------

TEST_CASE("every describe-* folder in the corpus loads without errors", "[snapshot]") {
  auto folders = snapshotFolders();
  REQUIRE(folders.size() == 21);  // 5 Batfish folders + 16 labs
  for (const auto& folder : folders) {
    CAPTURE(folder.string());
    auto loaded = load(folder);
    CHECK(loaded.errors.empty());
    CHECK(loaded.ok);
    CHECK_FALSE(loaded.topology.vpcs.empty());
    CHECK_FALSE(loaded.topology.subnets.empty());
    CHECK_FALSE(loaded.topology.route_tables.empty());
  }
}

TEST_CASE("the vpc-peering snapshot has three VPCs, disassociated blocks aside and one blackhole route",
          "[snapshot]") {
  auto loaded = load(kCorpus / "batfish-test-vpc-peering");
  REQUIRE(loaded.ok);
  const Topology& t = loaded.topology;
  CHECK(t.vpcs.size() == 3);
  CHECK(t.subnets.size() == 3);
  CHECK(t.route_tables.size() == 3);
  CHECK(t.peering_connections.size() == 2);

  const Vpc* vpc = t.findVpc("vpc-00a31ce9d0c06675c");
  REQUIRE(vpc != nullptr);
  CHECK(vpc->cidrs == std::vector<Cidr>{cidr("192.168.0.0/16")});
  CHECK(vpc->disassociated_cidrs == std::vector<Cidr>{cidr("192.169.0.0/16")});
  CHECK(vpc->meta.origin == "aws_configs/Vpcs.json:/Vpcs/0");
  CHECK(vpc->meta.region == "us-east-1");
  CHECK(countIgnored(t, "state disassociated") == 3);

  int blackholes = 0;
  for (const auto& table : t.route_tables) {
    for (const auto& route : table.routes) {
      if (!route.blackhole) continue;
      ++blackholes;
      CHECK(table.meta.id == "rtb-017c36290c9baf017");
      CHECK(route.target == RouteTarget::kInternetGateway);
      CHECK(route.target_id == "igw-0a2c9ae201b441bff");
      CHECK(route.destination == cidr("0.0.0.0/0"));
      CHECK(route.source == "aws_configs/RouteTables.json:/RouteTables/0/Routes/2");
    }
  }
  CHECK(blackholes == 1);

  const RouteTable* table = t.findRouteTable("rtb-0891861fffaea6d52");
  REQUIRE(table != nullptr);
  REQUIRE(table->routes.size() == 3);
  CHECK(table->routes[0].target == RouteTarget::kPeeringConnection);
  CHECK(table->routes[0].target_id == "pcx-0b89b559e3319d6cf");
  CHECK(table->routes[2].target == RouteTarget::kLocal);

  const PeeringConnection* peering = t.findPeeringConnection("pcx-0d5b836985ac8ca8c");
  REQUIRE(peering != nullptr);
  CHECK(peering->status == "active");
  CHECK(peering->requester.vpc_id == "vpc-0404e08ceddf7f650");
  CHECK(peering->requester.cidrs == std::vector<Cidr>{cidr("10.10.0.0/16")});
  CHECK(peering->accepter.vpc_id == "vpc-09095dbf2886404ee");
  CHECK(peering->accepter.cidrs == std::vector<Cidr>{cidr("192.168.0.0/16")});
}

TEST_CASE("the nat-gateway snapshot has a NAT in the public subnet and a subnet left to the main table",
          "[snapshot]") {
  LoadOptions options;
  options.region = "eu-west-1";
  options.account = "111122223333";
  auto loaded = load(kCorpus / "batfish-test-nat-gateway", options);
  REQUIRE(loaded.ok);
  const Topology& t = loaded.topology;
  CHECK(t.vpcs.size() == 1);
  CHECK(t.subnets.size() == 3);
  CHECK(t.route_tables.size() == 3);
  REQUIRE(t.nat_gateways.size() == 1);

  const NatGateway& nat = t.nat_gateways[0];
  CHECK(nat.meta.id == "nat-07ab4846da51f4612");
  CHECK(nat.subnet_id == "subnet-0428892a357fa1f94");
  CHECK(nat.is_public);
  CHECK(nat.private_ips == std::vector<Ipv4>{ip("10.1.250.210")});
  CHECK(nat.public_ips == std::vector<Ipv4>{ip("3.135.127.225")});
  CHECK(nat.eni_id == "eni-017aaec115610308a");
  CHECK(nat.meta.region == "eu-west-1");  // no region folder: the option applies

  // subnet-02ff259e663e9613e has no explicit association: the main table serves it.
  for (const auto& table : t.route_tables) {
    CHECK(std::find(table.subnet_ids.begin(), table.subnet_ids.end(), "subnet-02ff259e663e9613e") ==
          table.subnet_ids.end());
  }
  const RouteTable* main_table = t.findRouteTable("rtb-0e169c4a1e0b27b55");
  REQUIRE(main_table != nullptr);
  CHECK(main_table->main);
  CHECK(main_table->subnet_ids.empty());

  const RouteTable* private_table = t.findRouteTable("rtb-02fe228b42de92a7c");
  REQUIRE(private_table != nullptr);
  CHECK_FALSE(private_table->main);
  CHECK(private_table->subnet_ids == std::vector<std::string>{"subnet-06f469bcee42e408e"});
  REQUIRE(private_table->routes.size() == 2);
  CHECK(private_table->routes[1].target == RouteTarget::kNatGateway);
  CHECK(private_table->routes[1].target_id == "nat-07ab4846da51f4612");

  // No describe-instances output: an interface's attachment names the instance.
  CHECK(t.instances.empty());
  const Eni* jump = t.findEni("eni-0cbd69297d26de519");
  REQUIRE(jump != nullptr);
  CHECK(jump->instance_id == "i-0a73a1a6021c03ddb");
  CHECK(jump->device_index == 0);
  CHECK(t.instanceInterfaces("i-0a73a1a6021c03ddb") == std::vector<const Eni*>{jump});
}

TEST_CASE("the gateway-endpoint snapshot routes S3 through a prefix list", "[snapshot]") {
  auto loaded = load(kCorpus / "batfish-test-vpc-endpoint-gateway");
  REQUIRE(loaded.ok);
  const Topology& t = loaded.topology;
  REQUIRE(t.vpc_endpoints.size() == 1);
  const VpcEndpoint& endpoint = t.vpc_endpoints[0];
  CHECK(endpoint.type == EndpointType::kGateway);
  CHECK(endpoint.service_name == "com.amazonaws.us-east-1.s3");
  CHECK(endpoint.route_table_ids == std::vector<std::string>{"rtb-04f71fc2caa8d94cf", "rtb-0efde4139784b75b0"});

  const RouteTable* table = t.findRouteTable("rtb-04f71fc2caa8d94cf");
  REQUIRE(table != nullptr);
  REQUIRE(table->routes.size() == 2);
  CHECK_FALSE(table->routes[1].destination.has_value());
  CHECK(table->routes[1].destination_prefix_list == "pl-63a5400a");
  CHECK(table->routes[1].target == RouteTarget::kVpcEndpoint);

  const PrefixList* s3 = t.findPrefixList("pl-63a5400a");
  REQUIRE(s3 != nullptr);
  CHECK(s3->aws_managed);
  CHECK(s3->prefix_list_name == "com.amazonaws.us-east-1.s3");
  CHECK_FALSE(s3->cidrs.empty());
}

TEST_CASE("the hybrid-cloud snapshot merges VPC attachment subnets and builds its TGW route table",
          "[snapshot]") {
  auto loaded = load(kCorpus / "pybatfish-hybrid-cloud");
  REQUIRE(loaded.ok);
  const Topology& t = loaded.topology;
  CHECK(t.vpcs.size() == 2);
  CHECK(t.transit_gateways.size() == 1);
  REQUIRE(t.tgw_attachments.size() == 3);  // the deleting peering attachment is ignored
  CHECK(t.findTgwAttachment("tgw-attach-0cc6cf6a578b754e3") == nullptr);
  CHECK(countIgnored(t, "state deleting") == 1);

  const TgwAttachment* attachment = t.findTgwAttachment("tgw-attach-021f89744fac566dd");
  REQUIRE(attachment != nullptr);
  CHECK(attachment->resource_type == "vpc");
  CHECK(attachment->subnet_ids == std::vector<std::string>{"subnet-0cb5f4c094bee5214"});
  CHECK(attachment->association_route_table == "tgw-rtb-00e37bc5142347b03");
  CHECK(attachment->meta.region == "us-east-2");

  // No TransitGatewayRouteTables.json here: the table comes from the propagations.
  const TgwRouteTable* table = t.findTgwRouteTable("tgw-rtb-00e37bc5142347b03");
  REQUIRE(table != nullptr);
  CHECK(table->transit_gateway_id == t.transit_gateways[0].meta.id);
  CHECK(table->propagating_attachments.size() == 3);
}

TEST_CASE("multi-account labs take the account from the path and keep one copy of shared objects",
          "[snapshot]") {
  auto loaded = load(kCorpus / "lab-validation" / "aws_shared_vpc" / "aws_configs");
  REQUIRE(loaded.ok);
  const Topology& t = loaded.topology;
  const Vpc* shared = t.findVpc("vpc-02008b4ca4a5ced27");
  REQUIRE(shared != nullptr);
  CHECK(shared->meta.origin == "accounts/028403472736/us-east-1/Vpcs.json:/Vpcs/1");
  CHECK(shared->meta.account == "028403472736");
  CHECK(std::count_if(t.vpcs.begin(), t.vpcs.end(),
                      [](const Vpc& vpc) { return vpc.meta.id == "vpc-02008b4ca4a5ced27"; }) == 1);
  CHECK(std::any_of(t.ignored.begin(), t.ignored.end(), [](const IgnoredItem& item) {
    return item.location == "accounts/317892581468/us-east-1/Vpcs.json:/Vpcs/0" &&
           item.reason == "duplicate of accounts/028403472736/us-east-1/Vpcs.json:/Vpcs/1";
  }));
  for (const auto& instance : t.instances) CHECK(instance.state != "terminated");
  for (const auto& peering : t.peering_connections) CHECK(peering.status == "active");
}

TEST_CASE("the transit gateway peering lab keeps static routes per route table", "[snapshot]") {
  auto loaded = load(kCorpus / "lab-validation" / "aws_tgw_peering" / "aws_configs");
  REQUIRE(loaded.ok);
  const Topology& t = loaded.topology;
  CHECK(t.transit_gateways.size() == 3);
  const TgwRouteTable* table = t.findTgwRouteTable("tgw-rtb-0b0728f11c489fff4");
  REQUIRE(table != nullptr);
  REQUIRE(table->static_routes.size() == 2);
  CHECK(table->static_routes[0].destination == cidr("10.2.0.0/16"));
  CHECK(table->static_routes[0].attachment_ids == std::vector<std::string>{"tgw-attach-084b68f4a40b12383"});
  CHECK_FALSE(table->static_routes[0].blackhole);
  const TransitGateway* west = t.findTransitGateway("tgw-0f30cda32691a4af7");
  REQUIRE(west != nullptr);
  CHECK(west->meta.region == "us-west-1");
}

TEST_CASE("instances map to their ENIs and elastic IPs reach the ENIs", "[snapshot]") {
  auto loaded = load(kCorpus / "lab-validation" / "aws_nlb_targets_instance" / "aws_configs");
  REQUIRE(loaded.ok);
  const Topology& t = loaded.topology;
  CHECK(t.instances.size() == 4);
  for (const auto& instance : t.instances) {
    CAPTURE(instance.meta.id);
    CHECK_FALSE(instance.eni_ids.empty());
    const Eni* eni = t.findEni(instance.eni_ids.front());
    REQUIRE(eni != nullptr);
    CHECK(eni->instance_id == instance.meta.id);
  }
  const Eni* eni = t.findEni("eni-0c37be48f49140b42");
  REQUIRE(eni != nullptr);
  auto eip = std::find_if(eni->public_ips.begin(), eni->public_ips.end(),
                          [](const PublicAddress& p) { return p.public_ip == ip("100.26.7.68"); });
  REQUIRE(eip != eni->public_ips.end());
  CHECK(eip->elastic);
  CHECK(eip->private_ip == ip("10.2.1.113"));
}

TEST_CASE("terraform plan JSON is recorded as ignored, not an error", "[snapshot]") {
  auto loaded = load(kCorpus / "tfplan-terraform-compliance");
  CHECK(loaded.ok);
  CHECK(loaded.errors.empty());
  REQUIRE(loaded.topology.ignored.size() == 2);
  CHECK(loaded.topology.ignored[0].location == "tests/functional/test_issue-158/plan.out.json");
  CHECK(loaded.topology.ignored[0].reason == "terraform plan JSON is not a snapshot");
}

// ---- hand-written inputs -------------------------------------------------------------

TEST_CASE("files are recognised by their top-level key and unknown keys are ignored as not modelled",
          "[snapshot]") {
  TempDir dir("keys");
  dir.write("whatever.json", R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "Extra": {"a": 1}}]})");
  dir.write("zz/RdsInstances.json", R"({"DBInstances": []})");
  dir.write("notes.txt", "not json at all");
  auto loaded = load(dir.path());
  REQUIRE(loaded.ok);
  REQUIRE(loaded.topology.vpcs.size() == 1);
  CHECK(loaded.topology.vpcs[0].cidrs == std::vector<Cidr>{cidr("10.0.0.0/16")});
  CHECK(loaded.topology.vpcs[0].meta.origin == "whatever.json:/Vpcs/0");
  REQUIRE(loaded.topology.ignored.size() == 1);
  CHECK(loaded.topology.ignored[0].location == "zz/RdsInstances.json");
  CHECK(loaded.topology.ignored[0].what == "DBInstances");
  CHECK(loaded.topology.ignored[0].reason == "not modelled");
}

TEST_CASE("every tag is kept in input order; the Name tag names the resource", "[snapshot]") {
  TempDir dir("tags");
  dir.write("Vpcs.json", R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16",
    "Tags": [{"Key": "env", "Value": "prod"}, {"Key": "Name", "Value": "core"}, {"Key": "team", "Value": ""}]}]})");
  auto loaded = load(dir.path());
  REQUIRE(loaded.ok);
  CHECK(loaded.topology.vpcs[0].meta.name == "core");
  CHECK(loaded.topology.vpcs[0].meta.tags ==
        std::vector<std::pair<std::string, std::string>>{{"env", "prod"}, {"Name", "core"}, {"team", ""}});
}

TEST_CASE("region and account folders set meta below them; OwnerId wins", "[snapshot]") {
  TempDir dir("place");
  dir.write("accounts/210987654321/us-gov-west-1/Subnets.json",
            R"({"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}]})");
  dir.write("accounts/210987654321/us-gov-west-1/Vpcs.json",
            R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]})");
  dir.write("accounts/210987654321/ap-southeast-2/Vpcs.json",
            R"({"Vpcs": [{"VpcId": "vpc-2", "OwnerId": "999999999999", "CidrBlock": "10.1.0.0/16",
                          "Tags": [{"Key": "Name", "Value": "main vpc"}]}]})");
  dir.write("Vpcs.json", R"({"Vpcs": [{"VpcId": "vpc-3", "CidrBlock": "10.2.0.0/16"}]})");
  auto loaded = load(dir.path());
  REQUIRE(loaded.ok);
  const Topology& t = loaded.topology;
  REQUIRE(t.findSubnet("subnet-1") != nullptr);
  CHECK(t.findSubnet("subnet-1")->meta.region == "us-gov-west-1");
  CHECK(t.findSubnet("subnet-1")->meta.account == "210987654321");
  REQUIRE(t.findVpc("vpc-2") != nullptr);
  CHECK(t.findVpc("vpc-2")->meta.region == "ap-southeast-2");
  CHECK(t.findVpc("vpc-2")->meta.account == "999999999999");
  CHECK(t.findVpc("vpc-2")->meta.name == "main vpc");
  REQUIRE(t.findVpc("vpc-3") != nullptr);
  CHECK(t.findVpc("vpc-3")->meta.region == "us-east-1");
  CHECK(t.findVpc("vpc-3")->meta.account == "123456789012");
}

TEST_CASE("route targets map from the field that names them", "[snapshot]") {
  TempDir dir("targets");
  dir.write("RouteTables.json", R"({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1",
    "Associations": [
      {"Main": true, "AssociationState": {"State": "associated"}},
      {"SubnetId": "subnet-a"},
      {"GatewayId": "igw-1"},
      {"SubnetId": "subnet-gone", "AssociationState": {"State": "disassociated"}}],
    "PropagatingVgws": [{"GatewayId": "vgw-9"}],
    "Routes": [
      {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
      {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"},
      {"DestinationPrefixListId": "pl-1", "GatewayId": "vpce-1"},
      {"DestinationCidrBlock": "172.16.0.0/12", "GatewayId": "vgw-9", "Origin": "EnableVgwRoutePropagation"},
      {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1"},
      {"DestinationCidrBlock": "10.1.0.0/16", "NatGatewayId": "nat-1"},
      {"DestinationCidrBlock": "10.2.0.0/16", "VpcPeeringConnectionId": "pcx-1"},
      {"DestinationCidrBlock": "10.3.0.0/16", "TransitGatewayId": "tgw-1"},
      {"DestinationCidrBlock": "10.4.0.0/16", "InstanceId": "i-1", "NetworkInterfaceId": "eni-1"},
      {"DestinationCidrBlock": "10.5.0.0/16", "InstanceId": "i-2"},
      {"DestinationCidrBlock": "10.6.0.0/16", "CarrierGatewayId": "cagw-1"},
      {"DestinationCidrBlock": "10.7.0.0/16", "LocalGatewayId": "lgw-1"},
      {"DestinationCidrBlock": "10.8.0.0/16", "CoreNetworkArn": "arn:aws:networkmanager::1:core-network/x"},
      {"DestinationCidrBlock": "10.9.0.0/16", "NatGatewayId": "nat-2", "State": "blackhole"}]}]})");
  auto loaded = load(dir.path());
  REQUIRE(loaded.errors.empty());
  const RouteTable* table = loaded.topology.findRouteTable("rtb-1");
  REQUIRE(table != nullptr);
  CHECK(table->main);
  CHECK(table->subnet_ids == std::vector<std::string>{"subnet-a"});
  CHECK(table->gateway_ids == std::vector<std::string>{"igw-1"});
  CHECK(table->propagating_vgws == std::vector<std::string>{"vgw-9"});
  const std::vector<std::pair<RouteTarget, std::string>> expected = {
      {RouteTarget::kLocal, "local"},
      {RouteTarget::kInternetGateway, "igw-1"},
      {RouteTarget::kVpcEndpoint, "vpce-1"},
      {RouteTarget::kVirtualPrivateGateway, "vgw-9"},
      {RouteTarget::kEgressOnlyInternetGateway, "eigw-1"},
      {RouteTarget::kNatGateway, "nat-1"},
      {RouteTarget::kPeeringConnection, "pcx-1"},
      {RouteTarget::kTransitGateway, "tgw-1"},
      {RouteTarget::kNetworkInterface, "eni-1"},
      {RouteTarget::kInstance, "i-2"},
      {RouteTarget::kCarrierGateway, "cagw-1"},
      {RouteTarget::kLocalGateway, "lgw-1"},
      {RouteTarget::kCoreNetwork, "arn:aws:networkmanager::1:core-network/x"},
      {RouteTarget::kNatGateway, "nat-2"},
  };
  REQUIRE(table->routes.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(table->routes[i].target == expected[i].first);
    CHECK(table->routes[i].target_id == expected[i].second);
    CHECK(table->routes[i].blackhole == (i == 13));
  }
  CHECK(table->routes[2].destination_prefix_list == "pl-1");
  CHECK(table->routes[3].origin == "EnableVgwRoutePropagation");
  CHECK(table->routes[4].destination_ipv6 == Ipv6Block());
  CHECK(table->routes[4].source == "RouteTables.json:/RouteTables/0/Routes/4");
}

TEST_CASE("security group permissions flatten to one rule per peer", "[snapshot]") {
  TempDir dir("sg");
  dir.write("SecurityGroups.json", R"({"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web", "VpcId": "vpc-1",
    "IpPermissions": [
      {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
       "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "corp"}, {"CidrIp": "192.168.1.1/32"}],
       "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
       "PrefixListIds": [{"PrefixListId": "pl-1"}],
       "UserIdGroupPairs": [{"GroupId": "sg-2", "UserId": "123456789012", "VpcId": "vpc-9"}]},
      {"IpProtocol": "udp", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
      {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
      {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}],
    "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
                            {"IpProtocol": "50", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]})");
  auto loaded = load(dir.path());
  REQUIRE(loaded.errors.empty());
  const SecurityGroup* group = loaded.topology.findSecurityGroup("sg-1");
  REQUIRE(group != nullptr);
  CHECK(group->group_name == "web");
  REQUIRE(group->ingress.size() == 7);
  const SgRule& corp = group->ingress[0];
  CHECK(corp.protocol == kProtocolTcp);
  CHECK(corp.from_port == 443);
  CHECK(corp.to_port == 443);
  CHECK(corp.peer_kind == PeerKind::kCidr);
  CHECK(corp.cidr == cidr("10.0.0.0/8"));
  CHECK(corp.description == "corp");
  CHECK(corp.index == 0);
  CHECK(corp.source == "SecurityGroups.json:/SecurityGroups/0/IpPermissions/0/IpRanges/0");
  CHECK(group->ingress[1].cidr == cidr("192.168.1.1/32"));
  CHECK(group->ingress[2].peer_kind == PeerKind::kIpv6Cidr);
  CHECK(group->ingress[2].cidr6 == Ipv6Block());
  CHECK(group->ingress[2].peer.empty());
  CHECK(group->ingress[3].peer_kind == PeerKind::kPrefixList);
  CHECK(group->ingress[3].peer == "pl-1");
  CHECK(group->ingress[4].peer_kind == PeerKind::kSecurityGroup);
  CHECK(group->ingress[4].peer == "sg-2");
  CHECK(group->ingress[4].peer_vpc_id == "vpc-9");
  const SgRule& udp = group->ingress[5];
  CHECK(udp.protocol == kProtocolUdp);
  CHECK(udp.from_port == 0);
  CHECK(udp.to_port == 65535);
  CHECK(udp.index == 1);
  const SgRule& icmp = group->ingress[6];
  CHECK(icmp.protocol == kProtocolIcmp);
  CHECK(icmp.from_port == 8);
  CHECK(icmp.to_port == -1);
  CHECK(icmp.index == 2);
  REQUIRE(group->egress.size() == 2);
  CHECK(group->egress[0].protocol == kProtocolAll);
  CHECK(group->egress[0].from_port == -1);
  CHECK(group->egress[0].to_port == -1);
  CHECK(group->egress[1].protocol == 50);
  CHECK(group->egress[1].index == 1);
}

TEST_CASE("network ACL entries keep numbers, actions, ports and the default deny", "[snapshot]") {
  TempDir dir("nacl");
  dir.write("NetworkAcls.json", R"({"NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": true,
    "Associations": [{"NetworkAclAssociationId": "aclassoc-1", "NetworkAclId": "acl-1", "SubnetId": "subnet-1"}],
    "Entries": [
      {"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
      {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
      {"CidrBlock": "10.0.0.0/8", "Egress": false, "Protocol": "6", "RuleAction": "allow", "RuleNumber": 100,
       "PortRange": {"From": 22, "To": 22}},
      {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "1", "RuleAction": "allow", "RuleNumber": 110,
       "IcmpTypeCode": {"Type": 8, "Code": -1}},
      {"Ipv6CidrBlock": "::/0", "Egress": false, "Protocol": "17", "RuleAction": "allow", "RuleNumber": 120}]}]})");
  auto loaded = load(dir.path());
  REQUIRE(loaded.errors.empty());
  const NetworkAcl* acl = loaded.topology.findNetworkAcl("acl-1");
  REQUIRE(acl != nullptr);
  CHECK(acl->is_default);
  CHECK(acl->subnet_ids == std::vector<std::string>{"subnet-1"});
  REQUIRE(acl->entries.size() == 5);
  const NaclEntry& ssh = acl->entries[0];
  CHECK_FALSE(ssh.egress);
  CHECK(ssh.rule_number == 100);
  CHECK(ssh.allow);
  CHECK(ssh.protocol == kProtocolTcp);
  CHECK(ssh.ports == PortRange{22, 22});
  CHECK(ssh.cidr == cidr("10.0.0.0/8"));
  CHECK(acl->entries[1].icmp_type == 8);
  CHECK(acl->entries[1].icmp_code == -1);
  CHECK_FALSE(acl->entries[2].cidr.has_value());
  CHECK(acl->entries[2].ipv6_cidr == Ipv6Block());
  CHECK(acl->entries[2].ports.all());
  CHECK(acl->entries[3].rule_number == 32767);
  CHECK_FALSE(acl->entries[3].allow);
  CHECK(acl->entries[4].egress);
  CHECK(acl->entries[4].source == "NetworkAcls.json:/NetworkAcls/0/Entries/0");
}

TEST_CASE("ENIs list the primary address first and pick up elastic IPs from Addresses", "[snapshot]") {
  TempDir dir("eni");
  dir.write("NetworkInterfaces.json", R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1",
    "SubnetId": "subnet-1", "VpcId": "vpc-1", "AvailabilityZone": "us-east-1a", "InterfaceType": "interface",
    "SourceDestCheck": false, "Groups": [{"GroupId": "sg-1"}], "TagSet": [{"Key": "Name", "Value": "fw"}],
    "Attachment": {"InstanceId": "i-1", "DeviceIndex": 0},
    "PrivateIpAddress": "10.0.1.10",
    "Association": {"PublicIp": "3.3.3.3", "IpOwnerId": "amazon"},
    "PrivateIpAddresses": [
      {"PrivateIpAddress": "10.0.1.11", "Primary": false},
      {"PrivateIpAddress": "10.0.1.10", "Primary": true,
       "Association": {"PublicIp": "3.3.3.3", "IpOwnerId": "amazon"}},
      {"PrivateIpAddress": "10.0.1.12", "Primary": false,
       "Association": {"PublicIp": "4.4.4.4", "AllocationId": "eipalloc-1", "IpOwnerId": "123456789012"}}],
    "Ipv6Addresses": [{"Ipv6Address": "2600::1"}]}]})");
  dir.write("Addresses.json", R"({"Addresses": [
    {"PublicIp": "5.5.5.5", "AllocationId": "eipalloc-2", "NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.1.11"},
    {"PublicIp": "6.6.6.6", "AllocationId": "eipalloc-3"}]})");
  auto loaded = load(dir.path());
  REQUIRE(loaded.errors.empty());
  const Eni* eni = loaded.topology.findEni("eni-1");
  REQUIRE(eni != nullptr);
  CHECK(eni->meta.name == "fw");
  CHECK(eni->private_ips == std::vector<Ipv4>{ip("10.0.1.10"), ip("10.0.1.11"), ip("10.0.1.12")});
  CHECK_FALSE(eni->source_dest_check);
  CHECK(eni->instance_id == "i-1");
  CHECK(eni->security_group_ids == std::vector<std::string>{"sg-1"});
  CHECK(eni->ipv6_addresses == std::vector<Ipv6>{Ipv6(0x2600000000000000ULL, 1)});
  REQUIRE(eni->public_ips.size() == 3);
  CHECK(eni->public_ips[0].private_ip == ip("10.0.1.10"));
  CHECK(eni->public_ips[0].public_ip == ip("3.3.3.3"));
  CHECK_FALSE(eni->public_ips[0].elastic);
  CHECK(eni->public_ips[1].public_ip == ip("4.4.4.4"));
  CHECK(eni->public_ips[1].elastic);
  CHECK(eni->public_ips[2].private_ip == ip("10.0.1.11"));
  CHECK(eni->public_ips[2].public_ip == ip("5.5.5.5"));
  CHECK(eni->public_ips[2].elastic);
  CHECK(countIgnored(loaded.topology, "not associated") == 1);
}

TEST_CASE("instances list ENIs in device-index order and terminated ones are ignored", "[snapshot]") {
  TempDir dir("instances");
  dir.write("Reservations.json", R"({"Reservations": [{"OwnerId": "210987654321", "Instances": [
    {"InstanceId": "i-1", "State": {"Code": 16, "Name": "running"}, "LaunchTime": "2019-12-18 05:08:19+00:00",
     "NetworkInterfaces": [
       {"NetworkInterfaceId": "eni-b", "Attachment": {"DeviceIndex": 1}},
       {"NetworkInterfaceId": "eni-a", "Attachment": {"DeviceIndex": 0}}]},
    {"InstanceId": "i-2", "State": {"Code": 48, "Name": "terminated"}, "NetworkInterfaces": []}]}]})");
  auto loaded = load(dir.path());
  REQUIRE(loaded.errors.empty());
  REQUIRE(loaded.topology.instances.size() == 1);
  const Instance& instance = loaded.topology.instances[0];
  CHECK(instance.eni_ids == std::vector<std::string>{"eni-a", "eni-b"});
  CHECK(instance.state == "running");
  CHECK(instance.meta.account == "210987654321");
  REQUIRE(loaded.topology.ignored.size() == 1);
  CHECK(loaded.topology.ignored[0].location == "Reservations.json:/Reservations/0/Instances/1");
  CHECK(loaded.topology.ignored[0].reason == "state terminated");
}

TEST_CASE("objects that are not live go to ignored with their state", "[snapshot]") {
  TempDir dir("dead");
  dir.write("NatGateways.json", R"({"NatGateways": [
    {"NatGatewayId": "nat-1", "State": "deleted", "SubnetId": "subnet-1"},
    {"NatGatewayId": "nat-2", "State": "available", "SubnetId": "subnet-1", "ConnectivityType": "private",
     "NatGatewayAddresses": [{"PrivateIp": "10.0.0.5", "NetworkInterfaceId": "eni-n"}]}]})");
  dir.write("VpcEndpoints.json", R"({"VpcEndpoints": [
    {"VpcEndpointId": "vpce-1", "State": "rejected", "VpcEndpointType": "Interface"},
    {"VpcEndpointId": "vpce-2", "State": "available", "VpcEndpointType": "Interface", "SubnetIds": ["subnet-1"],
     "NetworkInterfaceIds": ["eni-e"], "Groups": [{"GroupId": "sg-1"}], "PrivateDnsEnabled": true,
     "PolicyDocument": "{\"Statement\": []}", "ServiceName": "com.amazonaws.us-east-1.ssm"}]})");
  dir.write("VpcPeeringConnections.json", R"({"VpcPeeringConnections": [
    {"VpcPeeringConnectionId": "pcx-1", "Status": {"Code": "pending-acceptance"}}]})");
  dir.write("InternetGateways.json", R"({"InternetGateways": [{"InternetGatewayId": "igw-1",
    "Attachments": [{"State": "detached", "VpcId": "vpc-1"}, {"State": "available", "VpcId": "vpc-2"}]}]})");
  dir.write("VpnConnections.json", R"({"VpnConnections": [{"VpnConnectionId": "vpn-1", "State": "deleted"}]})");
  auto loaded = load(dir.path());
  REQUIRE(loaded.errors.empty());
  const Topology& t = loaded.topology;
  REQUIRE(t.nat_gateways.size() == 1);
  CHECK_FALSE(t.nat_gateways[0].is_public);
  CHECK(t.nat_gateways[0].eni_id == "eni-n");
  REQUIRE(t.vpc_endpoints.size() == 1);
  CHECK(t.vpc_endpoints[0].type == EndpointType::kInterface);
  CHECK(t.vpc_endpoints[0].private_dns);
  CHECK(t.vpc_endpoints[0].policy_document == "{\"Statement\": []}");
  REQUIRE(t.vpc_endpoints[0].policy.has_value());
  CHECK(t.vpc_endpoints[0].policy->statements.empty());
  CHECK(t.peering_connections.empty());
  REQUIRE(t.internet_gateways.size() == 1);
  CHECK(t.internet_gateways[0].vpc_ids == std::vector<std::string>{"vpc-2"});
  CHECK(t.vpn_connections.empty());
  CHECK(countIgnored(t, "state deleted") == 2);
  CHECK(countIgnored(t, "state rejected") == 1);
  CHECK(countIgnored(t, "status pending-acceptance") == 1);
  CHECK(countIgnored(t, "state detached") == 1);
}

TEST_CASE("a SageMaker describe-domain file becomes a Studio domain", "[snapshot]") {
  TempDir dir("sagemaker");
  dir.write("domain.json", R"({"DomainId": "d-abc", "DomainName": "studio", "AppNetworkAccessType": "VpcOnly",
    "VpcId": "vpc-1", "SubnetIds": ["subnet-1", "subnet-2"],
    "DefaultUserSettings": {"SecurityGroups": ["sg-1"], "ExecutionRole": "arn:aws:iam::1:role/x"}})");
  auto loaded = load(dir.path());
  REQUIRE(loaded.errors.empty());
  const StudioDomain* domain = loaded.topology.findStudioDomain("d-abc");
  REQUIRE(domain != nullptr);
  CHECK(domain->meta.name == "studio");
  CHECK(domain->network_mode == StudioNetworkMode::kVpcOnly);
  CHECK(domain->subnet_ids == std::vector<std::string>{"subnet-1", "subnet-2"});
  CHECK(domain->security_group_ids == std::vector<std::string>{"sg-1"});
}

// ---- error messages ---------------------------------------------------------------------

TEST_CASE("invalid JSON is reported with line and column", "[snapshot]") {
  TempDir dir("badjson");
  dir.write("Vpcs.json", "{\n  \"Vpcs\": [\n    {\"VpcId\": }\n  ]\n}\n");
  auto loaded = load(dir.path());
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0] ==
        "Vpcs.json:3:15: error: invalid JSON: syntax error while parsing value - unexpected '}'; expected '[', "
        "'{', or a literal");
}

TEST_CASE("JSON nested deeper than the parser follows is an error naming the file", "[snapshot]") {
  // 2,000 nested arrays: valid JSON that simdjson refuses (depth limit 1,024); the
  // loader reports where the nesting passes the limit instead of crashing or skipping it.
  TempDir dir("deepjson");
  dir.write("Vpcs.json", "{\"Vpcs\": " + std::string(2000, '[') + std::string(2000, ']') + "}");
  auto loaded = load(dir.path());
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0] == "Vpcs.json:1:1033: error: invalid JSON: too large: nested more than 1024 levels deep");
}

TEST_CASE("a repeated key takes its first value", "[snapshot]") {
  // RFC 8259 leaves repeated names to the implementation; the snapshot loader reads the
  // first (topology/json_view.h says why).
  TempDir dir("dupkey");
  dir.write("Vpcs.json", R"({"Vpcs": [{"VpcId": "vpc-first", "CidrBlock": "10.0.0.0/16", "VpcId": "vpc-last"}],
    "Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-first", "CidrBlock": "10.0.1.0/24", "CidrBlock": "10.0.2.0/24"}],
    "Subnets": [{"SubnetId": "subnet-2", "VpcId": "vpc-first", "CidrBlock": "10.0.3.0/24"}]})");
  auto loaded = load(dir.path());
  REQUIRE(loaded.errors.empty());
  REQUIRE(loaded.topology.vpcs.size() == 1);
  CHECK(loaded.topology.vpcs[0].meta.id == "vpc-first");
  REQUIRE(loaded.topology.subnets.size() == 1);
  CHECK(loaded.topology.subnets[0].meta.id == "subnet-1");
  CHECK(loaded.topology.subnets[0].cidr.str() == "10.0.1.0/24");
  // Both lists are read from the one file, each item at its own pointer.
  CHECK(loaded.topology.subnets[0].meta.origin == "Vpcs.json:/Subnets/0");
}

TEST_CASE("an integer beyond 64 bits of sign is out of range, not wrapped", "[snapshot]") {
  TempDir dir("bignum");
  dir.write("NetworkAcls.json", R"({"NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "Entries": [
    {"RuleNumber": 18446744073709551615, "Protocol": "-1", "RuleAction": "allow", "Egress": false,
     "CidrBlock": "0.0.0.0/0"}]}]})");
  auto loaded = load(dir.path());
  CHECK_FALSE(loaded.ok);
  REQUIRE_FALSE(loaded.errors.empty());
  CHECK(loaded.errors[0] ==
        "NetworkAcls.json:/NetworkAcls/0/Entries/0/RuleNumber: error: 9223372036854775807 is out of range");
}

TEST_CASE("a bad CIDR names the file and JSON pointer", "[snapshot]") {
  TempDir dir("badcidr");
  dir.write("RouteTables.json", R"({"RouteTables": [{"RouteTableId": "rtb-1", "Routes": [
    {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"},
    {"DestinationCidrBlock": "10.0.0.0/33", "GatewayId": "igw-1"}]}]})");
  auto loaded = load(dir.path());
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0] ==
        "RouteTables.json:/RouteTables/0/Routes/1/DestinationCidrBlock: error: prefix length 33 is out of range "
        "(0-32)");
}

TEST_CASE("host bits in a subnet CIDR are an error with a suggestion", "[snapshot]") {
  TempDir dir("hostbits");
  dir.write("Subnets.json",
            R"({"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.5/24"}]})");
  auto loaded = load(dir.path());
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0] ==
        "Subnets.json:/Subnets/0/CidrBlock: error: '10.0.1.5/24' has host bits set (did you mean 10.0.1.0/24?)");
}

TEST_CASE("a field of the wrong JSON type is reported with both types", "[snapshot]") {
  TempDir dir("wrongtype");
  dir.write("Subnets.json", R"({"Subnets": [{"SubnetId": "subnet-1", "VpcId": 7, "CidrBlock": "10.0.1.0/24"}]})");
  dir.write("Vpcs.json", R"({"Vpcs": {"VpcId": "vpc-1"}})");
  auto loaded = load(dir.path());
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 2);
  CHECK(loaded.errors[0] == "Subnets.json:/Subnets/0/VpcId: error: expected a string, found a number");
  CHECK(loaded.errors[1] == "Vpcs.json:/Vpcs: error: expected an array, found an object");
}

TEST_CASE("a missing ID field is reported at the object and loading goes on", "[snapshot]") {
  TempDir dir("missing");
  dir.write("a/Subnets.json", R"({"Subnets": [{"VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"},
                                              {"SubnetId": "subnet-2", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24"}]})");
  dir.write("b/SecurityGroups.json", R"({"SecurityGroups": [{"GroupId": "sg-1",
    "IpPermissions": [{"IpProtocol": "tcpp", "FromPort": 1, "ToPort": 2, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]})");
  dir.write("c/Vpcs.json", R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]})");
  auto loaded = load(dir.path());
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 2);
  CHECK(loaded.errors[0] == "a/Subnets.json:/Subnets/0: error: missing required field 'SubnetId'");
  CHECK(loaded.errors[1] ==
        "b/SecurityGroups.json:/SecurityGroups/0/IpPermissions/0/IpProtocol: error: 'tcpp' is not a protocol "
        "(tcp, udp, icmp, -1 or 0-255)");
  CHECK(loaded.topology.findSubnet("subnet-2") != nullptr);
  CHECK(loaded.topology.findVpc("vpc-1") != nullptr);
}

TEST_CASE("a folder without JSON files or a missing folder is an error", "[snapshot]") {
  TempDir dir("empty");
  auto empty = load(dir.path());
  CHECK_FALSE(empty.ok);
  REQUIRE(empty.errors.size() == 1);
  CHECK(empty.errors[0] == dir.path().generic_string() + ": error: no .json files found");
  auto missing = load(dir.path() / "nope");
  CHECK_FALSE(missing.ok);
  REQUIRE(missing.errors.size() == 1);
  CHECK(missing.errors[0] == (dir.path() / "nope").generic_string() + ": error: not a directory");
}

TEST_CASE("loading leaves the input files untouched", "[snapshot]") {
  TempDir dir("untouched");
  const std::string text = R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]})";
  dir.write("Vpcs.json", text);
  auto loaded = load(dir.path());
  REQUIRE(loaded.ok);
  std::ifstream in(dir.path() / "Vpcs.json", std::ios::binary);
  std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(after == text);
}

TEST_CASE("a 20-digit integer in a snapshot is located", "[snapshot]") {
  // simdjson refuses whole numbers beyond 64 bits without saying where; the loader finds the number.
  TempDir dir("bignumber");
  dir.write("Vpcs.json", "{\"Vpcs\": [\n  {\"VpcId\": \"vpc-1\", \"X\": 123456789012345678901}]}");
  auto loaded = load(dir.path());
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0] ==
        "Vpcs.json:2:27: error: invalid JSON: number 123456789012345678901 is out of range (whole numbers must fit in "
        "64 bits)");
}

TEST_CASE("snapshot files are read through the input reader", "[snapshot]") {
  TempDir dir("reader");
  dir.write("us-east-1/Vpcs.json", "{\"Vpcs\": [{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\", \"State\": \"available\", "
                                   "\"Tags\": [{\"Key\": \"Name\", \"Value\": \"caf\xff\"}]}]}");
  // A .json FIFO is refused, not waited on, and a folder named like a region is still walked.
  REQUIRE(::mkfifo((dir.path() / "us-east-1" / "Subnets.json").c_str(), 0600) == 0);
  auto loaded = load(dir.path());
  CHECK_FALSE(loaded.ok);
  CHECK(loaded.errors == std::vector<std::string>{
                             "us-east-1/Subnets.json: error: not a regular file (a FIFO)",
                             "us-east-1/Vpcs.json:1:118: error: invalid UTF-8 (byte 0xFF), expected UTF-8 text"});
}

TEST_CASE("a snapshot file with a byte-order mark loads", "[snapshot]") {
  TempDir dir("bom");
  dir.write("Vpcs.json", "\xEF\xBB\xBF{\"Vpcs\": [{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\", \"State\": \"available\"}]}");
  auto loaded = load(dir.path());
  INFO((loaded.errors.empty() ? std::string() : loaded.errors[0]));
  CHECK(loaded.ok);
  CHECK(loaded.topology.vpcs.size() == 1);
}


// ---- IAM and SageMaker ------------------------------------------------------------------

const fs::path kIamSnapshot = fs::path(VPCSIM_SOURCE_DIR) / "tests/data/iam-snapshot";

TEST_CASE("get-account-authorization-details fills the iam inventory", "[snapshot][iam]") {
  auto loaded = load(kIamSnapshot);
  INFO(loaded.errors.size());
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e);
  REQUIRE(loaded.ok);
  const IamInventory& iam = loaded.topology.iam;
  CHECK(iam.principals_loaded);
  CHECK_FALSE(iam.scps_loaded);
  REQUIRE(iam.principals.size() == 4);
  const IamPrincipal* role = iam.findPrincipal("arn:aws:iam::123456789012:role/service-role/StudioRoleDataScience");
  REQUIRE(role != nullptr);
  CHECK(role->kind == PrincipalKind::kRole);
  CHECK(role->name == "StudioRoleDataScience");
  CHECK(role->path == "/service-role/");
  CHECK(role->unique_id == "AROA4EXAMPLEDATASCIEN");
  CHECK(role->account == "123456789012");
  CHECK(role->origin == "us-east-1/iam/get-account-authorization-details.json:/RoleDetailList/0");
  CHECK(role->managed_policy_arns ==
        std::vector<std::string>{"arn:aws:iam::123456789012:policy/RestrictSageMakerToCIDRPolicy",
                                 "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"});
  CHECK(role->tags == std::vector<std::pair<std::string, std::string>>{{"team", "team-A"}});
  REQUIRE(role->trust_policy.has_value());
  CHECK(role->trust_policy->statements.at(0).principals.entries ==
        std::vector<std::pair<std::string, std::string>>{{"Service", "sagemaker.amazonaws.com"}});

  // URL-encoded documents, as the IAM API returns them.
  const IamPrincipal* fallback = iam.findPrincipal("arn:aws:iam::123456789012:role/StudioRoleDefault");
  REQUIRE(fallback != nullptr);
  REQUIRE(fallback->trust_policy.has_value());
  CHECK(fallback->trust_policy->statements.at(0).actions == std::vector<std::string>{"sts:AssumeRole"});
  REQUIRE(fallback->inline_policies.size() == 1);
  CHECK(fallback->inline_policies[0].name == "SSMRead");
  CHECK(fallback->inline_policies[0].statements.at(0).actions == std::vector<std::string>{"ssm:GetParameter"});

  const IamPrincipal* user = iam.findPrincipal("arn:aws:iam::123456789012:user/platform-admin");
  REQUIRE(user != nullptr);
  CHECK(user->groups == std::vector<std::string>{"ml-platform"});
  CHECK(user->permissions_boundary_arn == "arn:aws:iam::123456789012:policy/ml-boundary");
  REQUIRE(user->inline_policies.size() == 1);
  CHECK(user->inline_policies[0].origin ==
        "us-east-1/iam/get-account-authorization-details.json:/UserDetailList/0/UserPolicyList/0/PolicyDocument");
  const IamPrincipal* group = iam.findPrincipal("arn:aws:iam::123456789012:group/ml-platform");
  REQUIRE(group != nullptr);
  CHECK(group->managed_policy_arns == std::vector<std::string>{"arn:aws:iam::aws:policy/ReadOnlyAccess"});

  // The default version's document, not the older one.
  REQUIRE(iam.managed_policies.size() == 2);
  const ManagedPolicy* restrict = iam.findManagedPolicy("arn:aws:iam::123456789012:policy/RestrictSageMakerToCIDRPolicy");
  REQUIRE(restrict != nullptr);
  REQUIRE(restrict->document.statements.size() == 1);
  CHECK(restrict->document.statements[0].conditions.at(0).values == std::vector<std::string>{"192.168.0.0/16"});
  CHECK(restrict->document.origin ==
        "us-east-1/iam/get-account-authorization-details.json:/Policies/0/PolicyVersionList/0/Document");
}

TEST_CASE("describe-domain, describe-user-profile and list-user-profiles make notebooks resolvable",
          "[snapshot][iam]") {
  auto loaded = load(kIamSnapshot);
  REQUIRE(loaded.ok);
  const Topology& t = loaded.topology;
  const StudioDomain* domain = t.findStudioDomain("sagemaker-admin-workshop");
  REQUIRE(domain != nullptr);
  CHECK(domain->default_execution_role == "arn:aws:iam::123456789012:role/StudioRoleDefault");
  // Listed by list-user-profiles and described once: one profile, with the described role.
  REQUIRE(t.user_profiles.size() == 2);
  auto scientist = resolveReference(t, "notebook:sagemaker-admin-workshop/data-scientist", ReferenceRole::kSource);
  REQUIRE(scientist.ok());
  REQUIRE(scientist.value().profile != nullptr);
  CHECK(scientist.value().profile->execution_role ==
        "arn:aws:iam::123456789012:role/service-role/StudioRoleDataScience");
  CHECK(scientist.value().profile->security_group_ids == std::vector<std::string>{"sg-0f1e2d3c4b5a69788"});
  auto listed = resolveReference(t, "notebook:d-q2wrqgukfjvc/default-user", ReferenceRole::kSource);
  REQUIRE(listed.ok());
  REQUIRE(listed.value().profile != nullptr);
  CHECK(listed.value().profile->execution_role.empty());  // the domain's default role
  auto leaver = resolveReference(t, "notebook:sagemaker-admin-workshop/leaver", ReferenceRole::kSource);
  CHECK_FALSE(leaver.ok());
  CHECK(std::count_if(t.ignored.begin(), t.ignored.end(), [](const IgnoredItem& item) {
          return item.what == "d-q2wrqgukfjvc/leaver" && item.reason == "state Deleting";
        }) == 1);
}

TEST_CASE("an empty RoleDetailList still says the account's principals are in the input", "[snapshot][iam]") {
  TempDir dir("iam-empty");
  dir.write("auth.json", R"({"RoleDetailList": [], "Policies": []})");
  auto loaded = load(dir.path());
  REQUIRE(loaded.errors.empty());
  CHECK(loaded.topology.iam.principals_loaded);
  CHECK(loaded.topology.iam.principals.empty());
}

TEST_CASE("list-policies output without documents is ignored, not taken for policies", "[snapshot][iam]") {
  TempDir dir("iam-list");
  dir.write("list-policies.json", R"({"Policies": [{"PolicyName": "p", "Arn": "arn:aws:iam::123456789012:policy/p",
    "DefaultVersionId": "v1", "AttachmentCount": 1}]})");
  auto loaded = load(dir.path());
  REQUIRE(loaded.errors.empty());
  CHECK(loaded.topology.iam.managed_policies.empty());
  REQUIRE(loaded.topology.ignored.size() == 1);
  CHECK(loaded.topology.ignored[0].reason == "no PolicyVersionList: the policy's document is not in this file");
}

TEST_CASE("describe-policy files give SCPs and RCPs, describe-organization the organization", "[snapshot][iam]") {
  TempDir dir("organizations");
  dir.write("scp-full.json", R"({"Policy": {"PolicySummary": {"Id": "p-FullAWSAccess", "Name": "FullAWSAccess",
    "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": true},
    "Content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"}})");
  dir.write("rcp-full.json", R"({"Policy": {"PolicySummary": {"Id": "p-RCPFullAWSAccess", "Name": "RCPFullAWSAccess",
    "Type": "RESOURCE_CONTROL_POLICY", "AwsManaged": true},
    "Content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}"}})");
  dir.write("tags.json", R"({"Policy": {"PolicySummary": {"Id": "p-1", "Name": "tags", "Type": "TAG_POLICY"},
    "Content": "{}"}})");
  dir.write("org.json", R"({"Organization": {"Id": "o-a1b2c3d4e5", "FeatureSet": "ALL"}})");
  auto loaded = load(dir.path());
  REQUIRE(loaded.errors.empty());
  const IamInventory& iam = loaded.topology.iam;
  CHECK(iam.organization_id == "o-a1b2c3d4e5");
  CHECK(iam.scps_loaded);
  REQUIRE(iam.service_control_policies.size() == 1);
  CHECK(iam.service_control_policies[0].document.name == "FullAWSAccess");
  CHECK(iam.service_control_policies[0].target.empty());  // the file does not say where it is attached
  CHECK(iam.rcps_loaded);
  CHECK(iam.resource_control_policies.empty());  // RCPFullAWSAccess: AWS's own, added by the engine
  REQUIRE(loaded.topology.ignored.size() == 1);
  CHECK(loaded.topology.ignored[0].reason == "TAG_POLICY is not an access policy");
  TempDir broken("organizations-broken");
  broken.write("scp.json", R"({"Policy": {"PolicySummary": {"Name": "x", "Type": "SERVICE_CONTROL_POLICY"},
    "Content": "{\"Statement\": [{\"Effect\": \"Maybe\", \"Action\": \"*\", \"Resource\": \"*\"}]}"}})");
  auto bad = load(broken.path());
  REQUIRE(bad.errors.size() == 1);
  CHECK(bad.errors[0].rfind("scp.json:/Policy/Content", 0) == 0);
}

TEST_CASE("iam snapshot errors name the file and JSON pointer", "[snapshot][iam]") {
  TempDir dir("iam-errors");
  dir.write("auth.json", R"({"RoleDetailList": [
    {"RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r", "RolePolicyList": [{"PolicyName": "x"}]},
    {"RoleName": "s", "AssumeRolePolicyDocument": {"Statement": []}}],
  "Policies": [{"Arn": "arn:aws:iam::123456789012:policy/p", "PolicyVersionList": [{"IsDefaultVersion": false, "Document": {}}]},
    {"Arn": "arn:aws:iam::123456789012:policy/q", "PolicyVersionList": [{"IsDefaultVersion": true, "Document": 7}]}],
  "UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::123456789012:user/u",
    "UserPolicyList": [{"PolicyName": "bad", "PolicyDocument": {"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}}]}]})");
  auto loaded = load(dir.path());
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 6);
  CHECK(loaded.errors[0] == "auth.json:/Policies/0/PolicyVersionList: error: no version has IsDefaultVersion true");
  CHECK(loaded.errors[1] == "auth.json:/Policies/1/PolicyVersionList/0/Document: error: expected an object or a string, found a number");
  CHECK(loaded.errors[2] == "auth.json:/RoleDetailList/0/RolePolicyList/0: error: missing required field 'PolicyDocument'");
  CHECK(loaded.errors[3] == "auth.json:/RoleDetailList/0: error: missing required field 'AssumeRolePolicyDocument'");
  CHECK(loaded.errors[4] == "auth.json:/RoleDetailList/1: error: missing required field 'Arn'");
  CHECK(loaded.errors[5].rfind("auth.json:/UserDetailList/0/UserPolicyList/0/PolicyDocument/Statement/0/Effect", 0) == 0);
}


// ---- IPv6 -------------------------------------------------------------------------

Ipv6Block block6(const char* text) { return *Ipv6Block::parse(text); }

TEST_CASE("IPv6 blocks of VPCs and subnets keep every association state; only associated ones count", "[snapshot][ipv6]") {
  TempDir dir("ipv6-blocks");
  dir.write("Vpcs.json", R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "State": "available",
    "Ipv6CidrBlockAssociationSet": [
      {"AssociationId": "vpc-cidr-assoc-1", "Ipv6CidrBlock": "2600:1f18:abc:de00::/56",
       "Ipv6CidrBlockState": {"State": "associated"}, "Ipv6Pool": "Amazon", "NetworkBorderGroup": "us-east-1"},
      {"AssociationId": "vpc-cidr-assoc-2", "Ipv6CidrBlock": "2600:1f18:abc:df00::/56",
       "Ipv6CidrBlockState": {"State": "disassociated"}},
      {"AssociationId": "vpc-cidr-assoc-3", "Ipv6CidrBlock": "2600:1f18:abc:e000::/56",
       "Ipv6CidrBlockState": {"State": "associating"}}]}]})");
  dir.write("Subnets.json", R"({"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24",
    "AvailabilityZone": "us-east-1a", "AssignIpv6AddressOnCreation": true,
    "Ipv6CidrBlockAssociationSet": [{"AssociationId": "subnet-cidr-assoc-1", "Ipv6CidrBlock": "2600:1f18:abc:de01::/64",
      "Ipv6CidrBlockState": {"State": "associated"}}]}]})");
  auto loaded = load(dir.path());
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e);
  REQUIRE(loaded.errors.empty());
  const Vpc* vpc = loaded.topology.findVpc("vpc-1");
  REQUIRE(vpc != nullptr);
  REQUIRE(vpc->ipv6_blocks.size() == 3);
  CHECK(vpc->ipv6_blocks[0].block == block6("2600:1f18:abc:de00::/56"));
  CHECK(vpc->ipv6_blocks[0].association_id == "vpc-cidr-assoc-1");
  CHECK(vpc->ipv6_blocks[0].pool == "Amazon");
  CHECK(vpc->ipv6_blocks[1].state == "disassociated");
  CHECK(vpc->ipv6_blocks[2].state == "associating");
  CHECK(associatedIpv6(vpc->ipv6_blocks) == std::vector<Ipv6Block>{block6("2600:1f18:abc:de00::/56")});
  REQUIRE(loaded.topology.ignored.size() == 2);
  CHECK(loaded.topology.ignored[0].location == "Vpcs.json:/Vpcs/0/Ipv6CidrBlockAssociationSet/1");
  CHECK(loaded.topology.ignored[0].what == "vpc-1 IPv6 CIDR block 2600:1f18:abc:df00::/56");
  CHECK(loaded.topology.ignored[0].reason == "state disassociated");
  CHECK(loaded.topology.ignored[1].reason == "state associating");
  const Subnet* subnet = loaded.topology.findSubnet("subnet-1");
  REQUIRE(subnet != nullptr);
  CHECK(subnet->assign_ipv6_address_on_creation);
  CHECK(associatedIpv6(subnet->ipv6_blocks) == std::vector<Ipv6Block>{block6("2600:1f18:abc:de01::/64")});
}

TEST_CASE("an IPv6-only subnet (Ipv6Native, no CidrBlock) loads with its interfaces' IPv6 addresses", "[snapshot][ipv6]") {
  TempDir dir("ipv6-native");
  dir.write("Vpcs.json", R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16",
    "Ipv6CidrBlockAssociationSet": [{"AssociationId": "a-1", "Ipv6CidrBlock": "2600:1f18:abc:de00::/56",
      "Ipv6CidrBlockState": {"State": "associated"}}]}]})");
  dir.write("Subnets.json", R"({"Subnets": [{"SubnetId": "subnet-6", "VpcId": "vpc-1", "AvailabilityZone": "us-east-1a",
    "Ipv6Native": true, "AssignIpv6AddressOnCreation": true,
    "Ipv6CidrBlockAssociationSet": [{"AssociationId": "a-2", "Ipv6CidrBlock": "2600:1f18:abc:de01::/64",
      "Ipv6CidrBlockState": {"State": "associated"}}]}]})");
  dir.write("NetworkInterfaces.json", R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-6", "SubnetId": "subnet-6",
    "VpcId": "vpc-1", "PrivateIpAddresses": [], "Ipv6Addresses": [{"Ipv6Address": "2600:1f18:abc:de01::10"}]}]})");
  auto loaded = load(dir.path());
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e);
  REQUIRE(loaded.errors.empty());
  CHECK(loaded.topology.ignored.empty());
  const Subnet* subnet = loaded.topology.findSubnet("subnet-6");
  REQUIRE(subnet != nullptr);
  CHECK(subnet->ipv6_native);
  CHECK_FALSE(subnet->hasIpv4());
  const Eni* eni = loaded.topology.findEni("eni-6");
  REQUIRE(eni != nullptr);
  CHECK(eni->private_ips.empty());
  REQUIRE(eni->ipv6_addresses.size() == 1);
  CHECK(eni->ipv6_addresses[0].str() == "2600:1f18:abc:de01::10");
}

TEST_CASE("bad IPv6 text in a snapshot is an error pointing at the field", "[snapshot][ipv6]") {
  auto [file, json, message] = GENERATE(table<std::string, std::string, std::string>({
      {"Vpcs.json",
       R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18::1/56"}]}]})",
       "Vpcs.json:/Vpcs/0/Ipv6CidrBlockAssociationSet/0/Ipv6CidrBlock: error: '2600:1f18::1/56' has host bits set (did you mean 2600:1f18::/56?)"},
      {"Vpcs.json",
       R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "Ipv6CidrBlockAssociationSet": [{"AssociationId": "a"}]}]})",
       "Vpcs.json:/Vpcs/0/Ipv6CidrBlockAssociationSet/0: error: missing required field 'Ipv6CidrBlock'"},
      {"RouteTables.json",
       R"({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [{"DestinationIpv6CidrBlock": "::/129", "EgressOnlyInternetGatewayId": "eigw-1"}]}]})",
       "RouteTables.json:/RouteTables/0/Routes/0/DestinationIpv6CidrBlock: error: prefix length 129 is out of range (0-128)"},
      {"NetworkInterfaces.json",
       R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-1", "VpcId": "vpc-1", "PrivateIpAddress": "10.0.1.5", "Ipv6Addresses": [{"Ipv6Address": "2600::g"}]}]})",
       "NetworkInterfaces.json:/NetworkInterfaces/0/Ipv6Addresses/0/Ipv6Address: error: '2600::g' is not an IPv6 address"},
      {"SecurityGroups.json",
       R"({"SecurityGroups": [{"GroupId": "sg-1", "VpcId": "vpc-1", "IpPermissions": [{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "10.0.0.0/8"}]}]}]})",
       "SecurityGroups.json:/SecurityGroups/0/IpPermissions/0/Ipv6Ranges/0/CidrIpv6: error: '10.0.0.0/8' is not an IPv6 CIDR block"},
      {"VpcEndpoints.json",
       R"({"VpcEndpoints": [{"VpcEndpointId": "vpce-1", "VpcId": "vpc-1", "VpcEndpointType": "Interface", "IpAddressType": "ipv5"}]})",
       "VpcEndpoints.json:/VpcEndpoints/0/IpAddressType: error: 'ipv5' is not an IP address type (ipv4, dualstack or ipv6)"},
  }));
  CAPTURE(file);
  TempDir dir("ipv6-bad");
  dir.write(file, json);
  auto loaded = load(dir.path());
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0] == message);
}

TEST_CASE("egress-only internet gateways, IPv6 prefixes and endpoint address types load from a snapshot", "[snapshot][ipv6]") {
  TempDir dir("ipv6-eigw");
  dir.write("EgressOnlyInternetGateways.json", R"({"EgressOnlyInternetGateways": [
    {"EgressOnlyInternetGatewayId": "eigw-1", "Attachments": [{"State": "attached", "VpcId": "vpc-1"}],
     "Tags": [{"Key": "Name", "Value": "v6-out"}]},
    {"EgressOnlyInternetGatewayId": "eigw-2", "Attachments": [{"State": "detached", "VpcId": "vpc-1"}]}]})");
  dir.write("NetworkInterfaces.json", R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-1",
    "VpcId": "vpc-1", "PrivateIpAddress": "10.0.1.5",
    "Ipv6Addresses": [{"Ipv6Address": "2600:1F18:ABC:DE01::10", "IsPrimaryIpv6": true}],
    "Ipv6Prefixes": [{"Ipv6Prefix": "2600:1f18:abc:de01:1::/80"}]}]})");
  dir.write("VpcEndpoints.json", R"({"VpcEndpoints": [{"VpcEndpointId": "vpce-1", "VpcId": "vpc-1",
    "VpcEndpointType": "Interface", "ServiceName": "com.amazonaws.us-east-1.s3", "IpAddressType": "dualstack"}]})");
  auto loaded = load(dir.path());
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e);
  REQUIRE(loaded.errors.empty());
  REQUIRE(loaded.topology.egress_only_internet_gateways.size() == 2);
  const EgressOnlyInternetGateway* eigw = loaded.topology.findEgressOnlyInternetGateway("eigw-1");
  REQUIRE(eigw != nullptr);
  CHECK(eigw->vpc_id == "vpc-1");
  CHECK(eigw->meta.name == "v6-out");
  CHECK(loaded.topology.findEgressOnlyInternetGateway("eigw-2")->vpc_id.empty());
  CHECK(loaded.topology.internet_gateways.empty());
  const Eni* eni = loaded.topology.findEni("eni-1");
  REQUIRE(eni != nullptr);
  REQUIRE(eni->ipv6_addresses.size() == 1);
  CHECK(eni->ipv6_addresses[0].str() == "2600:1f18:abc:de01::10");
  REQUIRE(eni->ipv6_prefixes.size() == 1);
  CHECK(eni->ipv6_prefixes[0].str() == "2600:1f18:abc:de01:1::/80");
  CHECK(loaded.topology.findVpcEndpoint("vpce-1")->ip_address_type == IpAddressType::kDualStack);
}


// Values read by hand from tests/data/corpus/lab-validation/aws_nlb_multi_az.
TEST_CASE("load balancers, listeners, target groups, target health and attributes load from the ELB files",
          "[snapshot]") {
  auto loaded = load(kCorpus / "lab-validation/aws_nlb_multi_az/aws_configs");
  REQUIRE(loaded.ok);
  const Topology& t = loaded.topology;
  for (const auto& item : t.ignored) {
    CHECK(item.what.find("LoadBalancer") == std::string::npos);
    CHECK(item.what != "TargetGroups");
  }
  REQUIRE(t.load_balancers.size() == 3);
  const LoadBalancer* lb = t.findLoadBalancer("example-nlb-ip");
  REQUIRE(lb != nullptr);
  CHECK(lb->meta.id == "net/example-nlb-ip/2337d295e7426ac8");  // as its interfaces' "ELB ..." descriptions
  CHECK(t.findLoadBalancer(lb->arn) == lb);
  CHECK(lb->type == LoadBalancerType::kNetwork);
  CHECK(lb->internet_facing);
  CHECK(lb->state == "active");
  REQUIRE(lb->zones.size() == 2);
  CHECK(lb->zones[0].subnet_id == "subnet-0f633d6b6a9e3243f");
  CHECK(lb->attributes_known);
  CHECK(std::count(lb->attributes.begin(), lb->attributes.end(),
                   std::pair<std::string, std::string>{"load_balancing.cross_zone.enabled", "true"}) == 1);
  const LbListener* listener = nullptr;
  for (const auto& candidate : t.lb_listeners) {
    if (candidate.load_balancer_arn == lb->arn) listener = &candidate;
  }
  REQUIRE(listener != nullptr);
  CHECK(listener->protocol == "TCP");
  CHECK(listener->port == 80);
  REQUIRE(listener->target_group_arns.size() == 1);
  const TargetGroup* group = t.findTargetGroupByArn(listener->target_group_arns[0]);
  REQUIRE(group != nullptr);
  CHECK(group->meta.name == "example-nlb-ip");
  CHECK(group->target_type == "ip");
  CHECK(group->port == 80);
  CHECK(group->targets_known);
  REQUIRE(group->targets.size() == 2);
  CHECK(group->targets[0].id == "10.1.101.36");
  CHECK(group->targets[0].zone == "us-east-1a");
  CHECK(group->targets[0].health == "healthy");
  CHECK_FALSE(group->attributes_known);  // the lab saved no target group attributes
  const TargetGroup* elsewhere = nullptr;
  for (const auto& candidate : t.target_groups) {
    if (candidate.meta.name == "example-target-az-different") elsewhere = &candidate;
  }
  REQUIRE(elsewhere != nullptr);
  REQUIRE(elsewhere->targets.size() == 1);
  CHECK(elsewhere->targets[0].health == "unused");  // its zone has no load balancer node
}

TEST_CASE("ELB files that name nothing in the input are listed as ignored, bad values are errors", "[snapshot]") {
  TempDir dir("elb");
  dir.write("LoadBalancerTargetHealth.json", R"({"LoadBalancerTargetHealth": [{"TargetGroupArn":
    "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x/1", "TargetHealthDescriptions": []}]})");
  dir.write("LoadBalancers.json", R"({"LoadBalancers": [{"LoadBalancerArn":
    "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/a/1", "Type": "nlb"}]})");
  auto loaded = load(dir.path());
  CHECK_FALSE(loaded.ok);
  CHECK(loaded.errors ==
        std::vector<std::string>{"LoadBalancers.json:/LoadBalancers/0/Type: error: 'nlb' is not application, network or gateway"});
  REQUIRE(loaded.topology.ignored.size() == 1);
  CHECK(loaded.topology.ignored[0].location == "LoadBalancerTargetHealth.json:/LoadBalancerTargetHealth/0");
  CHECK(loaded.topology.ignored[0].reason == "names a load balancer or target group not in the input");
}

}  // namespace
}  // namespace vpcsim::topology

// Tests for the seeded topology generator and the AWS snapshot writer.
#include "formats/generator.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "formats/loader.h"
#include "formats/snapshot_writer.h"
#include "topology/aws_defaults.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

namespace vpcsim::topology {
namespace {

namespace fs = std::filesystem;

/// A fresh directory under the system temp dir, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::random_device device;
    path_ = fs::temp_directory_path() / ("vpcsim-generator-test-" + std::to_string(device()) + std::to_string(device()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::map<std::string, std::string> readDir(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) files[entry.path().filename().string()] = readFile(entry.path());
  return files;
}

std::map<std::string, std::string> written(const Topology& topology) {
  TempDir dir;
  std::vector<Diagnostic> errors;
  REQUIRE(writeSnapshot(topology, dir.path(), errors));
  REQUIRE(errors.empty());
  return readDir(dir.path());
}

GeneratorOptions small(uint64_t seed, bool variety = true, int dual_stack_percent = 0) {
  GeneratorOptions options;
  options.enis = 1500;
  options.vpcs = 4;
  options.seed = seed;
  options.variety = variety;
  options.dual_stack_percent = dual_stack_percent;
  return options;
}

std::size_t countRules(const Topology& t) {
  std::size_t rules = 0;
  for (const auto& sg : t.security_groups) rules += sg.ingress.size() + sg.egress.size();
  return rules;
}

bool isReserved(const Cidr& subnet, Ipv4 address) {
  const uint32_t offset = address.value() - subnet.base().value();
  return offset <= 3 || address == subnet.last();
}

TEST_CASE("the same seed gives byte-identical snapshots", "[generator]") {
  const auto seed = GENERATE(as<uint64_t>{}, 1, 42, 0xdeadbeef);
  CAPTURE(seed);
  const auto first = written(generateTopology(small(seed)));
  const auto second = written(generateTopology(small(seed)));
  REQUIRE(first.size() == second.size());
  for (const auto& [name, text] : first) {
    CAPTURE(name);
    REQUIRE(second.count(name) == 1);
    CHECK(text == second.at(name));
  }
}

TEST_CASE("different seeds give different topologies", "[generator]") {
  const Topology a = generateTopology(small(1));
  const Topology b = generateTopology(small(2));
  CHECK(a.vpcs.front().meta.id != b.vpcs.front().meta.id);
  const auto files_a = written(a);
  const auto files_b = written(b);
  CHECK(files_a.at("NetworkInterfaces.json") != files_b.at("NetworkInterfaces.json"));
  CHECK(files_a.at("SecurityGroups.json") != files_b.at("SecurityGroups.json"));
  CHECK(files_a.at("Subnets.json") != files_b.at("Subnets.json"));
}

TEST_CASE("counts match the options", "[generator]") {
  using Row = std::tuple<int, int, int, int, int>;  // enis, subnets, groups, rules per group, vpcs
  const auto [enis, subnets, groups, rules, vpcs] = GENERATE(table<int, int, int, int, int>({
      Row{1000, 0, 0, 10, 0},
      Row{0, 0, 0, 10, 0},
      Row{1, 1, 1, 1, 1},
      Row{500, 40, 60, 3, 5},
      Row{3000, 10, 7, 0, 3},
      Row{200, 3, 2, 5, 6},  // more VPCs than subnets and groups
  }));
  for (bool variety : {true, false}) {
    CAPTURE(enis, subnets, groups, rules, vpcs, variety);
    GeneratorOptions options;
    options.enis = enis;
    options.subnets = subnets;
    options.security_groups = groups;
    options.rules_per_group = rules;
    options.vpcs = vpcs;
    options.variety = variety;
    const Topology t = generateTopology(options);
    const int want_subnets = subnets > 0 ? subnets : std::max(2, enis / 50);
    const int want_vpcs = vpcs > 0 ? vpcs : std::max(1, want_subnets / 20);
    const int want_groups = std::max(groups > 0 ? groups : std::max(2, enis / 20), want_vpcs);
    CHECK(t.vpcs.size() == static_cast<std::size_t>(want_vpcs));
    CHECK(t.subnets.size() == static_cast<std::size_t>(want_subnets));
    CHECK(t.security_groups.size() == static_cast<std::size_t>(want_groups));
    CHECK(countRules(t) == static_cast<std::size_t>(want_groups) * static_cast<std::size_t>(rules));
    const auto workload = std::count_if(t.enis.begin(), t.enis.end(), [](const Eni& e) { return e.interface_type == "interface"; });
    CHECK(workload == enis);
  }
}

TEST_CASE("every ENI address lies in its subnet, avoids the reserved five and is unique in its VPC", "[generator]") {
  const auto seed = GENERATE(as<uint64_t>{}, 1, 2, 3, 4, 5);
  const bool variety = GENERATE(true, false);
  CAPTURE(seed, variety);
  const Topology t = generateTopology(small(seed, variety));
  std::set<std::pair<std::string, Ipv4>> seen;
  std::set<Ipv4> public_seen;
  for (const auto& eni : t.enis) {
    CAPTURE(eni.meta.id);
    const Subnet* subnet = t.findSubnet(eni.subnet_id);
    REQUIRE(subnet != nullptr);
    CHECK(eni.vpc_id == subnet->vpc_id);
    CHECK(eni.availability_zone == subnet->availability_zone);
    REQUIRE_FALSE(eni.private_ips.empty());
    for (Ipv4 address : eni.private_ips) {
      CAPTURE(address.str());
      CHECK(subnet->cidr.contains(address));
      CHECK_FALSE(isReserved(subnet->cidr, address));
      CHECK(seen.insert({eni.vpc_id, address}).second);
    }
    for (const auto& pub : eni.public_ips) {
      CHECK(pub.public_ip.isPublic());
      CHECK(public_seen.insert(pub.public_ip).second);
      CHECK(std::find(eni.private_ips.begin(), eni.private_ips.end(), pub.private_ip) != eni.private_ips.end());
    }
  }
}

TEST_CASE("subnets lie inside their VPC and do not overlap each other", "[generator]") {
  const auto seed = GENERATE(as<uint64_t>{}, 1, 7, 99);
  CAPTURE(seed);
  GeneratorOptions options = small(seed);
  options.enis = 20000;  // enough to need secondary CIDRs in some VPCs
  options.vpcs = 3;
  const Topology t = generateTopology(options);
  std::map<std::string, std::vector<Cidr>> by_vpc;
  for (const auto& subnet : t.subnets) {
    CAPTURE(subnet.meta.id, subnet.cidr.str());
    const Vpc* vpc = t.findVpc(subnet.vpc_id);
    REQUIRE(vpc != nullptr);
    CHECK(std::any_of(vpc->cidrs.begin(), vpc->cidrs.end(), [&](const Cidr& c) { return c.contains(subnet.cidr); }));
    CHECK(subnet.cidr.prefix() >= 16);
    CHECK(subnet.cidr.prefix() <= 28);
    by_vpc[subnet.vpc_id].push_back(subnet.cidr);
  }
  for (auto& [vpc, cidrs] : by_vpc) {
    std::sort(cidrs.begin(), cidrs.end());
    for (std::size_t i = 1; i < cidrs.size(); ++i) {
      CAPTURE(vpc, cidrs[i - 1].str(), cidrs[i].str());
      CHECK_FALSE(cidrs[i - 1].overlaps(cidrs[i]));
    }
  }
}

TEST_CASE("peered and attached VPCs never overlap", "[generator]") {
  const auto seed = GENERATE(range(uint64_t{1}, uint64_t{12}));
  CAPTURE(seed);
  GeneratorOptions options = small(seed);
  options.vpcs = 8;
  const Topology t = generateTopology(options);
  auto overlaps = [&](const std::string& a, const std::string& b) {
    for (const Cidr& x : t.findVpc(a)->cidrs) {
      for (const Cidr& y : t.findVpc(b)->cidrs) {
        if (x.overlaps(y)) return true;
      }
    }
    return false;
  };
  for (const auto& pcx : t.peering_connections) CHECK_FALSE(overlaps(pcx.requester.vpc_id, pcx.accepter.vpc_id));
  for (const auto& a : t.tgw_attachments) {
    for (const auto& b : t.tgw_attachments) {
      if (a.meta.id < b.meta.id) CHECK_FALSE(overlaps(a.resource_id, b.resource_id));
    }
  }
}

TEST_CASE("every reference names an existing object", "[generator]") {
  const auto seed = GENERATE(as<uint64_t>{}, 1, 2, 3, 11, 12345);
  const bool variety = GENERATE(true, false);
  const int dual_stack = GENERATE(0, 60);
  CAPTURE(seed, variety, dual_stack);
  const Topology t = generateTopology(small(seed, variety, dual_stack));

  std::set<std::string> ids;
  auto addIds = [&](const auto& items) {
    for (const auto& item : items) CHECK(ids.insert(item.meta.id).second);  // globally unique
  };
  addIds(t.vpcs);
  addIds(t.subnets);
  addIds(t.route_tables);
  addIds(t.security_groups);
  addIds(t.network_acls);
  addIds(t.internet_gateways);
  addIds(t.egress_only_internet_gateways);
  addIds(t.nat_gateways);
  addIds(t.vpc_endpoints);
  addIds(t.enis);
  addIds(t.instances);
  addIds(t.prefix_lists);
  addIds(t.peering_connections);
  addIds(t.transit_gateways);
  addIds(t.tgw_attachments);
  addIds(t.tgw_route_tables);

  for (const auto& subnet : t.subnets) CHECK(t.findVpc(subnet.vpc_id) != nullptr);
  for (const auto& eigw : t.egress_only_internet_gateways) CHECK(t.findVpc(eigw.vpc_id) != nullptr);

  std::map<std::string, int> explicit_rt;
  std::map<std::string, int> main_rt;
  for (const auto& rt : t.route_tables) {
    CAPTURE(rt.meta.id);
    REQUIRE(t.findVpc(rt.vpc_id) != nullptr);
    if (rt.main) ++main_rt[rt.vpc_id];
    for (const auto& id : rt.subnet_ids) {
      REQUIRE(t.findSubnet(id) != nullptr);
      CHECK(t.findSubnet(id)->vpc_id == rt.vpc_id);
      ++explicit_rt[id];
    }
    std::set<std::string> destinations;
    for (const auto& r : rt.routes) {
      CAPTURE(routeTargetName(r.target), r.target_id);
      CHECK(destinations.insert(destinationText(r)).second);  // AWS rejects duplicate destinations
      if (!r.destination_prefix_list.empty()) CHECK(t.findPrefixList(r.destination_prefix_list) != nullptr);
      if (r.blackhole) continue;
      switch (r.target) {
        case RouteTarget::kLocal: CHECK(r.target_id == "local"); break;
        case RouteTarget::kInternetGateway: CHECK(t.findInternetGateway(r.target_id) != nullptr); break;
        case RouteTarget::kEgressOnlyInternetGateway: {
          const EgressOnlyInternetGateway* eigw = t.findEgressOnlyInternetGateway(r.target_id);
          REQUIRE(eigw != nullptr);
          CHECK(eigw->vpc_id == rt.vpc_id);
          break;
        }
        case RouteTarget::kNatGateway: CHECK(t.findNatGateway(r.target_id) != nullptr); break;
        case RouteTarget::kVpcEndpoint: CHECK(t.findVpcEndpoint(r.target_id) != nullptr); break;
        case RouteTarget::kPeeringConnection: CHECK(t.findPeeringConnection(r.target_id) != nullptr); break;
        case RouteTarget::kTransitGateway: CHECK(t.findTransitGateway(r.target_id) != nullptr); break;
        case RouteTarget::kNetworkInterface: CHECK(t.findEni(r.target_id) != nullptr); break;
        case RouteTarget::kInstance: CHECK(t.findInstance(r.target_id) != nullptr); break;
        default: FAIL("unexpected route target");
      }
    }
  }
  for (const auto& vpc : t.vpcs) CHECK(main_rt[vpc.meta.id] == 1);
  for (const auto& [subnet, count] : explicit_rt) CHECK(count == 1);

  std::map<std::string, int> acl_of;
  for (const auto& acl : t.network_acls) {
    REQUIRE(t.findVpc(acl.vpc_id) != nullptr);
    for (const auto& id : acl.subnet_ids) {
      REQUIRE(t.findSubnet(id) != nullptr);
      CHECK(t.findSubnet(id)->vpc_id == acl.vpc_id);
      ++acl_of[id];
    }
  }
  for (const auto& subnet : t.subnets) CHECK(acl_of[subnet.meta.id] == 1);  // exactly one NACL each

  for (const auto& sg : t.security_groups) {
    REQUIRE(t.findVpc(sg.vpc_id) != nullptr);
    for (const auto* rules : {&sg.ingress, &sg.egress}) {
      for (const auto& rule : *rules) {
        if (rule.peer_kind == PeerKind::kSecurityGroup) {
          REQUIRE(t.findSecurityGroup(rule.peer) != nullptr);
          CHECK(t.findSecurityGroup(rule.peer)->vpc_id == sg.vpc_id);
        }
        if (rule.peer_kind == PeerKind::kPrefixList) CHECK(t.findPrefixList(rule.peer) != nullptr);
      }
    }
  }
  for (const auto& eni : t.enis) {
    for (const auto& id : eni.security_group_ids) {
      REQUIRE(t.findSecurityGroup(id) != nullptr);
      CHECK(t.findSecurityGroup(id)->vpc_id == eni.vpc_id);
    }
    if (!eni.instance_id.empty()) {
      REQUIRE(t.findInstance(eni.instance_id) != nullptr);
      const auto& list = t.findInstance(eni.instance_id)->eni_ids;
      CHECK(std::find(list.begin(), list.end(), eni.meta.id) != list.end());
    }
  }
  for (const auto& instance : t.instances) {
    REQUIRE_FALSE(instance.eni_ids.empty());
    for (const auto& id : instance.eni_ids) CHECK(t.findEni(id) != nullptr);
  }
  for (const auto& igw : t.internet_gateways) {
    for (const auto& id : igw.vpc_ids) CHECK(t.findVpc(id) != nullptr);
  }
  for (const auto& nat : t.nat_gateways) {
    REQUIRE(t.findSubnet(nat.subnet_id) != nullptr);
    CHECK(t.findSubnet(nat.subnet_id)->vpc_id == nat.vpc_id);
    REQUIRE(t.findEni(nat.eni_id) != nullptr);
    CHECK(t.findEni(nat.eni_id)->private_ips == nat.private_ips);
    CHECK(nat.public_ips.size() == 1);
  }
  for (const auto& ep : t.vpc_endpoints) {
    for (const auto& id : ep.route_table_ids) CHECK(t.findRouteTable(id) != nullptr);
    for (const auto& id : ep.subnet_ids) CHECK(t.findSubnet(id) != nullptr);
    for (const auto& id : ep.eni_ids) CHECK(t.findEni(id) != nullptr);
    for (const auto& id : ep.security_group_ids) CHECK(t.findSecurityGroup(id) != nullptr);
  }
  for (const auto& pcx : t.peering_connections) {
    CHECK(t.findVpc(pcx.requester.vpc_id) != nullptr);
    CHECK(t.findVpc(pcx.accepter.vpc_id) != nullptr);
  }
  for (const auto& att : t.tgw_attachments) {
    CHECK(t.findTransitGateway(att.transit_gateway_id) != nullptr);
    CHECK(t.findTgwRouteTable(att.association_route_table) != nullptr);
    std::set<std::string> zones;
    for (const auto& id : att.subnet_ids) {
      REQUIRE(t.findSubnet(id) != nullptr);
      CHECK(t.findSubnet(id)->vpc_id == att.resource_id);
      CHECK(zones.insert(t.findSubnet(id)->availability_zone).second);  // one subnet per AZ
    }
  }
  for (const auto& rt : t.tgw_route_tables) {
    for (const auto& id : rt.propagating_attachments) CHECK(t.findTgwAttachment(id) != nullptr);
    for (const auto& r : rt.static_routes) {
      for (const auto& id : r.attachment_ids) CHECK(t.findTgwAttachment(id) != nullptr);
    }
  }
}

TEST_CASE("variety mixes in every kind of resource a tracer has to handle", "[generator]") {
  GeneratorOptions options;
  options.enis = 3000;  // 60 subnets in 3 VPCs
  const Topology t = generateTopology(options);
  CHECK(t.vpcs.size() == 3);
  CHECK_FALSE(t.internet_gateways.empty());
  CHECK_FALSE(t.nat_gateways.empty());
  CHECK_FALSE(t.peering_connections.empty());
  CHECK(t.transit_gateways.size() == 1);
  CHECK(t.tgw_attachments.size() >= 2);
  CHECK(t.prefix_lists.size() == 3);
  auto has_endpoint = [&](EndpointType type) {
    return std::any_of(t.vpc_endpoints.begin(), t.vpc_endpoints.end(), [&](const VpcEndpoint& e) { return e.type == type; });
  };
  CHECK(has_endpoint(EndpointType::kGateway));
  CHECK(has_endpoint(EndpointType::kInterface));
  CHECK(std::any_of(t.enis.begin(), t.enis.end(), [](const Eni& e) { return !e.public_ips.empty(); }));
  CHECK(std::any_of(t.enis.begin(), t.enis.end(), [](const Eni& e) { return e.private_ips.size() > 1; }));
  CHECK(std::any_of(t.enis.begin(), t.enis.end(), [](const Eni& e) { return e.interface_type == "nat_gateway"; }));

  std::set<std::string> associated;
  for (const auto& rt : t.route_tables) associated.insert(rt.subnet_ids.begin(), rt.subnet_ids.end());
  CHECK(associated.size() < t.subnets.size());  // some subnets fall back to the main table

  std::set<std::string> kinds;
  for (const auto& sg : t.security_groups) {
    for (const auto& r : sg.ingress) {
      if (r.peer_kind == PeerKind::kSecurityGroup) kinds.insert("sg");
      if (r.peer_kind == PeerKind::kPrefixList) kinds.insert("pl");
      if (r.protocol == kProtocolAll) kinds.insert("all");
      if (r.protocol == kProtocolIcmp) kinds.insert("icmp");
      if (r.protocol == kProtocolTcp && r.from_port != r.to_port) kinds.insert("range");
    }
  }
  CHECK(kinds == std::set<std::string>{"all", "icmp", "pl", "range", "sg"});
  CHECK(std::any_of(t.network_acls.begin(), t.network_acls.end(), [](const NetworkAcl& acl) {
    return std::any_of(acl.entries.begin(), acl.entries.end(),
                       [](const NaclEntry& e) { return !e.allow && e.rule_number < 32767; });
  }));
  CHECK(std::any_of(t.network_acls.begin(), t.network_acls.end(), [](const NetworkAcl& acl) { return acl.is_default; }));
}

TEST_CASE("variety sometimes leaves out return routes, uses blackholes and overlaps VPCs", "[generator]") {
  bool one_sided_peering = false;
  bool blackhole = false;
  bool overlap = false;
  bool appliance = false;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    GeneratorOptions options = small(seed);
    options.vpcs = 6;
    const Topology t = generateTopology(options);
    for (const auto& pcx : t.peering_connections) {
      std::set<std::string> vpcs;
      for (const auto& rt : t.route_tables) {
        if (std::any_of(rt.routes.begin(), rt.routes.end(), [&](const Route& r) { return r.target_id == pcx.meta.id; })) {
          vpcs.insert(rt.vpc_id);
        }
      }
      one_sided_peering |= vpcs.size() == 1;
    }
    for (const auto& rt : t.route_tables) {
      for (const auto& r : rt.routes) {
        blackhole |= r.blackhole;
        appliance |= r.target == RouteTarget::kInstance || r.target == RouteTarget::kNetworkInterface;
      }
    }
    for (std::size_t i = 0; i < t.vpcs.size(); ++i) {
      for (std::size_t j = i + 1; j < t.vpcs.size(); ++j) overlap |= t.vpcs[i].cidrs[0].overlaps(t.vpcs[j].cidrs[0]);
    }
  }
  CHECK(one_sided_peering);
  CHECK(blackhole);
  CHECK(overlap);
  CHECK(appliance);
}

TEST_CASE("snapshot files are valid JSON laid out like nlohmann dump(1) with sorted keys", "[generator][snapshot]") {
  const Topology t = generateTopology(small(5));
  const auto files = written(t);
  const std::vector<std::string> expected = {
      "InternetGateways.json",          "NatGateways.json",
      "NetworkAcls.json",               "NetworkInterfaces.json",
      "PrefixLists.json",               "Reservations.json",
      "RouteTables.json",               "SecurityGroups.json",
      "Subnets.json",                   "TransitGatewayAttachments.json",
      "TransitGatewayPropagations.json", "TransitGatewayRouteTables.json",
      "TransitGatewayStaticRoutes.json", "TransitGatewayVpcAttachments.json",
      "TransitGateways.json",           "VpcEndpoints.json",
      "VpcPeeringConnections.json",     "Vpcs.json"};
  std::vector<std::string> names;
  for (const auto& [name, text] : files) names.push_back(name);
  CHECK(names == expected);
  for (const auto& [name, text] : files) {
    CAPTURE(name);
    const auto json = nlohmann::json::parse(text, nullptr, false);
    REQUIRE_FALSE(json.is_discarded());
    CHECK(json.dump(1) + "\n" == text);
    CHECK(json.size() == 1);
  }
}

TEST_CASE("the snapshot uses the key names and shapes of the AWS CLI", "[generator][snapshot]") {
  const Topology t = generateTopology(small(9));
  const auto files = written(t);
  auto parse = [&](const std::string& name) { return nlohmann::json::parse(files.at(name)); };

  const auto vpcs = parse("Vpcs.json");
  REQUIRE(vpcs["Vpcs"].size() == t.vpcs.size());
  const auto& vpc = vpcs["Vpcs"][0];
  CHECK(vpc["VpcId"] == t.vpcs[0].meta.id);
  CHECK(vpc["CidrBlock"] == t.vpcs[0].cidrs[0].str());
  CHECK(vpc["CidrBlockAssociationSet"][0]["CidrBlockState"]["State"] == "associated");
  CHECK(vpc["OwnerId"] == "123456789012");
  CHECK(vpc["Tags"][0]["Key"] == "Name");
  CHECK(vpc["Tags"][0]["Value"] == t.vpcs[0].meta.name);

  // Flattened SG rules regroup into permissions with one entry per peer.
  const auto sgs = parse("SecurityGroups.json");
  REQUIRE(sgs["SecurityGroups"].size() == t.security_groups.size());
  std::size_t peers = 0;
  for (const auto& sg : sgs["SecurityGroups"]) {
    for (const char* list : {"IpPermissions", "IpPermissionsEgress"}) {
      for (const auto& perm : sg[list]) {
        CHECK(perm.contains("IpProtocol"));
        CHECK(perm.contains("FromPort") == (perm["IpProtocol"] != "-1"));
        peers += perm["IpRanges"].size() + perm["Ipv6Ranges"].size() + perm["PrefixListIds"].size() +
                 perm["UserIdGroupPairs"].size();
      }
    }
  }
  CHECK(peers == countRules(t));

  const auto acls = parse("NetworkAcls.json");
  bool saw_ports = false;
  for (const auto& acl : acls["NetworkAcls"]) {
    for (const auto& e : acl["Entries"]) {
      CHECK(e["Protocol"].is_string());
      CHECK((e["RuleAction"] == "allow" || e["RuleAction"] == "deny"));
      if (e["Protocol"] == "6") {
        CHECK(e["PortRange"].contains("From"));
        saw_ports = true;
      }
      if (e["Protocol"] == "1") CHECK(e["IcmpTypeCode"].contains("Type"));
    }
  }
  CHECK(saw_ports);

  const auto routes = parse("RouteTables.json");
  std::set<std::string> keys;
  for (const auto& rt : routes["RouteTables"]) {
    for (const auto& r : rt["Routes"]) {
      for (const auto& [key, value] : r.items()) keys.insert(key);
    }
    for (const auto& a : rt["Associations"]) CHECK(a.contains("Main"));
  }
  for (const char* key : {"DestinationCidrBlock", "DestinationPrefixListId", "GatewayId", "NatGatewayId",
                          "VpcPeeringConnectionId", "TransitGatewayId", "Origin", "State"}) {
    CAPTURE(key);
    CHECK(keys.count(key) == 1);
  }

  const auto enis = parse("NetworkInterfaces.json");
  REQUIRE(enis["NetworkInterfaces"].size() == t.enis.size());
  for (const auto& eni : enis["NetworkInterfaces"]) {
    CHECK(eni["PrivateIpAddresses"][0]["Primary"] == true);
    CHECK(eni["PrivateIpAddress"] == eni["PrivateIpAddresses"][0]["PrivateIpAddress"]);
  }
  const auto reservations = parse("Reservations.json");
  CHECK(reservations["Reservations"].size() == t.instances.size());

  REQUIRE_FALSE(t.tgw_route_tables.empty());
  REQUIRE_FALSE(t.peering_connections.empty());
  const auto statics = parse("TransitGatewayStaticRoutes.json");
  REQUIRE(statics["TransitGatewayStaticRoutes"].size() == t.tgw_route_tables.size());
  REQUIRE_FALSE(statics["TransitGatewayStaticRoutes"][0]["Routes"].empty());
  CHECK(statics["TransitGatewayStaticRoutes"][0]["Routes"][0]["Type"] == "static");
  const auto props = parse("TransitGatewayPropagations.json");
  CHECK(props["TransitGatewayPropagations"][0]["TransitGatewayRouteTablePropagations"][0]["State"] == "enabled");
  const auto attachments = parse("TransitGatewayAttachments.json");
  CHECK(attachments["TransitGatewayAttachments"][0]["Association"]["State"] == "associated");
  const auto peering = parse("VpcPeeringConnections.json");
  CHECK(peering["VpcPeeringConnections"][0]["Status"]["Code"] == "active");
  CHECK(peering["VpcPeeringConnections"][0]["RequesterVpcInfo"]["CidrBlockSet"][0].contains("CidrBlock"));
}

TEST_CASE("writeSnapshot creates missing folders and leaves no temporary files", "[snapshot]") {
  TempDir dir;
  const fs::path nested = dir.path() / "a" / "b";
  std::vector<Diagnostic> errors;
  REQUIRE(writeSnapshot(generateTopology(small(3)), nested, errors));
  CHECK(errors.empty());
  for (const auto& entry : fs::directory_iterator(nested)) {
    CAPTURE(entry.path().filename().string());
    CHECK(entry.path().extension() == ".json");
    CHECK(entry.path().filename().string().front() != '.');
  }
  // Writing again over the same folder replaces the files.
  REQUIRE(writeSnapshot(generateTopology(small(3)), nested, errors));
  CHECK(errors.empty());
}

TEST_CASE("writeSnapshot reports a folder it cannot create", "[snapshot]") {
  TempDir dir;
  const fs::path file = dir.path() / "plain-file";
  std::ofstream(file) << "x";
  std::vector<Diagnostic> errors;
  CHECK_FALSE(writeSnapshot(generateTopology(small(3)), file / "snapshot", errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "write-failed");
  CHECK(errors[0].location == (file / "snapshot").string());
  CHECK(errors[0].message.rfind("cannot create directory: ", 0) == 0);
}

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST_CASE("a new snapshot folder is written whole, into a new or empty folder", "[snapshot]") {
  TempDir dir;
  std::vector<Diagnostic> errors;
  REQUIRE(writeNewSnapshot(generateTopology(small(3)), dir.path() / "new", errors));
  CHECK(errors.empty());
  CHECK(entries(dir.path()) == std::vector<std::string>{"new"});  // no temporary sibling left
  CHECK(readDir(dir.path() / "new").count("NetworkInterfaces.json") == 1);
  fs::create_directory(dir.path() / "empty");
  REQUIRE(writeNewSnapshot(generateTopology(small(3)), dir.path() / "empty/", errors));
  CHECK(errors.empty());
  CHECK(readDir(dir.path() / "empty") == readDir(dir.path() / "new"));
  CHECK(entries(dir.path()) == std::vector<std::string>{"empty", "new"});
}

TEST_CASE("a new snapshot is refused over a non-empty folder or a file, and nothing is written", "[snapshot]") {
  TempDir dir;
  std::ofstream(dir.path() / "keep.txt") << "mine";
  fs::create_directory(dir.path() / "full");
  std::ofstream(dir.path() / "full" / "notes.txt") << "mine";
  auto [name, message] = GENERATE(table<std::string, std::string>({
      {"full", "folder is not empty; give a new or empty folder (nothing was written)"},
      {"keep.txt", "exists and is not a folder; give a new or empty folder"},
  }));
  CAPTURE(name);
  std::vector<Diagnostic> errors;
  CHECK_FALSE(writeNewSnapshot(generateTopology(small(3)), dir.path() / name, errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "output-exists");
  CHECK(errors[0].str() == (dir.path() / name).string() + ": error: " + message);
  CHECK(entries(dir.path()) == std::vector<std::string>{"full", "keep.txt"});
  CHECK(entries(dir.path() / "full") == std::vector<std::string>{"notes.txt"});
  CHECK(readFile(dir.path() / "keep.txt") == "mine");
}

TEST_CASE("a folder whose writing fails half-way is not left behind", "[snapshot]") {
  TempDir dir;
  std::vector<Diagnostic> errors;
  fs::path seen;
  bool ok = writeFolderAtomically(
      dir.path() / "out",
      [&](const fs::path& temp) {
        seen = temp;
        std::ofstream(temp / "Vpcs.json") << "{}";  // one file written, then a failure
        return false;
      },
      errors);
  CHECK_FALSE(ok);
  CHECK(seen.parent_path() == dir.path());
  CHECK(seen.filename().string().starts_with(".out.partial-"));
  CHECK(entries(dir.path()).empty());
  // An empty folder given stays, empty.
  fs::create_directory(dir.path() / "out");
  CHECK_FALSE(writeFolderAtomically(dir.path() / "out", [](const fs::path&) { return false; }, errors));
  CHECK(entries(dir.path()) == std::vector<std::string>{"out"});
  CHECK(entries(dir.path() / "out").empty());
}

/// `t` without anything IPv6: what the generator would give with no dual-stack share.
Topology withoutIpv6(Topology t) {
  for (auto& vpc : t.vpcs) vpc.ipv6_blocks.clear();
  for (auto& subnet : t.subnets) {
    subnet.ipv6_blocks.clear();
    subnet.assign_ipv6_address_on_creation = false;
  }
  for (auto& rt : t.route_tables) {
    rt.routes.erase(std::remove_if(rt.routes.begin(), rt.routes.end(), [](const Route& r) { return r.destination_ipv6.has_value(); }),
                    rt.routes.end());
  }
  t.egress_only_internet_gateways.clear();
  for (auto& acl : t.network_acls) {
    acl.entries.erase(std::remove_if(acl.entries.begin(), acl.entries.end(),
                                     [](const NaclEntry& e) { return e.ipv6_cidr.has_value(); }),
                      acl.entries.end());
  }
  for (auto& sg : t.security_groups) {
    for (auto* rules : {&sg.ingress, &sg.egress}) {
      rules->erase(std::remove_if(rules->begin(), rules->end(),
                                  [](const SgRule& r) { return r.peer_kind == PeerKind::kIpv6Cidr; }),
                   rules->end());
    }
  }
  for (auto& eni : t.enis) eni.ipv6_addresses.clear();
  return t;
}

TEST_CASE("a dual-stack share adds IPv6 and leaves the IPv4 topology as it was", "[generator]") {
  const auto seed = GENERATE(as<uint64_t>{}, 1, 42);
  const int dual_stack = GENERATE(1, 50, 100);
  const bool variety = GENERATE(true, false);
  CAPTURE(seed, dual_stack, variety);
  const Topology plain = generateTopology(small(seed, variety));
  const Topology dual = generateTopology(small(seed, variety, dual_stack));
  const auto plain_files = written(plain);
  const auto dual_files = written(dual);
  CHECK(plain_files != dual_files);
  const auto stripped = written(withoutIpv6(dual));
  REQUIRE(stripped.size() == plain_files.size());
  for (const auto& [name, text] : plain_files) {
    CAPTURE(name);
    CHECK(stripped.at(name) == text);
  }
}

TEST_CASE("dual-stack VPCs get an Amazon /56, their subnets /64s in it and their interfaces an address each", "[generator]") {
  using Row = std::tuple<int, int, std::size_t>;  // vpcs, percent, dual-stack VPCs
  const auto [vpcs, percent, want] = GENERATE(table<int, int, std::size_t>({
      Row{8, 50, 4}, Row{8, 100, 8}, Row{8, 1, 1}, Row{8, 12, 1}, Row{8, 13, 1}, Row{8, 19, 2}, Row{3, 150, 3}}));
  const auto seed = GENERATE(as<uint64_t>{}, 1, 7);
  CAPTURE(vpcs, percent, seed);
  GeneratorOptions options = small(seed, true, percent);
  options.vpcs = vpcs;
  const Topology t = generateTopology(options);
  const Cidr6 pool = *Cidr6::parse("2600:1f18::/32");

  std::map<std::string, Cidr6> vpc_block;
  for (const auto& vpc : t.vpcs) {
    if (vpc.ipv6_blocks.empty()) continue;
    REQUIRE(vpc.ipv6_blocks.size() == 1);
    const Ipv6Association& a = vpc.ipv6_blocks.front();
    CHECK(a.associated());
    CHECK(a.pool == "Amazon");
    REQUIRE(a.block.known());
    CHECK(a.block.prefix() == 56);
    CHECK(pool.contains(a.block.cidr()));
    for (const auto& [id, other] : vpc_block) CHECK_FALSE(other.overlaps(a.block.cidr()));
    vpc_block.emplace(vpc.meta.id, a.block.cidr());
  }
  CHECK(vpc_block.size() == want);

  std::map<std::string, Cidr6> subnet_block;
  for (const auto& subnet : t.subnets) {
    CAPTURE(subnet.meta.id);
    const auto vpc = vpc_block.find(subnet.vpc_id);
    if (vpc == vpc_block.end()) {
      CHECK(subnet.ipv6_blocks.empty());
      continue;
    }
    REQUIRE(subnet.ipv6_blocks.size() == 1);
    const Cidr6 block = subnet.ipv6_blocks.front().block.cidr();
    CHECK(block.prefix() == 64);
    CHECK(vpc->second.contains(block));
    for (const auto& [id, other] : subnet_block) CHECK_FALSE(other.overlaps(block));
    subnet_block.emplace(subnet.meta.id, block);
  }

  std::set<Ipv6> addresses;
  for (const auto& eni : t.enis) {
    CAPTURE(eni.meta.id);
    const auto block = subnet_block.find(eni.subnet_id);
    if (block == subnet_block.end() || eni.interface_type != "interface") {
      CHECK(eni.ipv6_addresses.empty());
      continue;
    }
    REQUIRE(eni.ipv6_addresses.size() == 1);
    const Ipv6 address = eni.ipv6_addresses.front();
    CHECK(block->second.contains(address));
    CHECK(address.low() >= 4);  // the subnet's reserved first four and last
    CHECK(address != block->second.last());
    CHECK(addresses.insert(address).second);
  }

  for (const auto& rt : t.route_tables) {
    const auto vpc = vpc_block.find(rt.vpc_id);
    const auto local = std::count_if(rt.routes.begin(), rt.routes.end(), [&](const Route& r) {
      return r.target == RouteTarget::kLocal && r.destination_ipv6 && vpc != vpc_block.end() &&
             *r.destination_ipv6 == Ipv6Block(vpc->second);
    });
    CHECK(local == (vpc == vpc_block.end() ? 0 : 1));
  }
  for (const auto& acl : t.network_acls) {
    CAPTURE(acl.meta.id);
    const bool dual = vpc_block.count(acl.vpc_id) != 0;
    const auto v6 = std::count_if(acl.entries.begin(), acl.entries.end(), [](const NaclEntry& e) { return e.ipv6_cidr.has_value(); });
    CHECK((v6 > 0) == dual);
    std::set<std::pair<bool, int>> numbers;  // unique per direction across both families, but for the "*" rules
    for (const auto& e : acl.entries) {
      if (e.rule_number != kCatchAllRuleNumber) CHECK(numbers.insert({e.egress, e.rule_number}).second);
    }
    if (dual && acl.is_default) {
      NetworkAcl expected = acl;
      addDefaultIpv6Entries(expected, "");
      CHECK(expected.entries.size() == acl.entries.size());
    }
  }
  for (const auto& sg : t.security_groups) {
    if (sg.group_name != "default" || vpc_block.count(sg.vpc_id) == 0) continue;
    const auto all6 = std::count_if(sg.egress.begin(), sg.egress.end(), [](const SgRule& r) {
      return r.peer_kind == PeerKind::kIpv6Cidr && r.cidr6 == Ipv6Block() && r.protocol == kProtocolAll;
    });
    CHECK(all6 == 1);
  }
}

TEST_CASE("dual-stack VPCs route ::/0 to their internet gateway, an egress-only gateway or nowhere", "[generator]") {
  GeneratorOptions options = small(5, true, 100);
  options.enis = 6000;
  options.vpcs = 12;
  const Topology t = generateTopology(options);
  std::map<RouteTarget, int> targets;
  std::size_t tables_without = 0;
  for (const auto& rt : t.route_tables) {
    bool any = false;
    for (const auto& r : rt.routes) {
      if (r.destination_ipv6 && *r.destination_ipv6 == Ipv6Block()) {
        ++targets[r.target];
        any = true;
      }
    }
    tables_without += any ? 0 : 1;
  }
  CHECK(targets[RouteTarget::kInternetGateway] > 0);
  CHECK(targets[RouteTarget::kEgressOnlyInternetGateway] > 0);
  CHECK(targets.size() == 2);
  CHECK(tables_without > 0);
  CHECK_FALSE(t.egress_only_internet_gateways.empty());
  std::size_t twins = 0;
  std::size_t custom_acls_with_ipv6 = 0;
  for (const auto& sg : t.security_groups) {
    if (sg.group_name == "default") continue;
    for (const auto* rules : {&sg.ingress, &sg.egress}) {
      twins += static_cast<std::size_t>(std::count_if(rules->begin(), rules->end(),
                                                      [](const SgRule& r) { return r.peer_kind == PeerKind::kIpv6Cidr; }));
    }
  }
  for (const auto& acl : t.network_acls) {
    if (!acl.is_default && std::any_of(acl.entries.begin(), acl.entries.end(), [](const NaclEntry& e) {
          return e.ipv6_cidr && e.rule_number != kCatchAllRuleNumber;
        })) {
      ++custom_acls_with_ipv6;
    }
  }
  CHECK(twins > 0);
  CHECK(custom_acls_with_ipv6 > 0);
}

TEST_CASE("--enis counts the workload interfaces exactly; NAT and endpoint interfaces come on top", "[generator]") {
  int enis = GENERATE(1, 7, 50, 999, 5000);
  CAPTURE(enis);
  GeneratorOptions options;
  options.enis = enis;
  Topology topology = generateTopology(options);
  auto workload = std::count_if(topology.enis.begin(), topology.enis.end(),
                                [](const Eni& eni) { return eni.interface_type == "interface"; });
  CHECK(workload == enis);
  for (const auto& eni : topology.enis) {
    if (eni.interface_type != "interface") {
      CHECK((eni.interface_type == "nat_gateway" || eni.interface_type == "vpc_endpoint"));
    }
  }
}

/// Sorted, comparable summaries of what a loader must reproduce.
using RuleKey = std::tuple<int, int, int, int, std::string, std::string>;
std::vector<RuleKey> ruleKeys(const std::vector<SgRule>& rules) {
  std::vector<RuleKey> out;
  for (const auto& r : rules) {
    out.emplace_back(r.protocol, r.protocol == kProtocolAll ? -1 : r.from_port, r.protocol == kProtocolAll ? -1 : r.to_port,
                     static_cast<int>(r.peer_kind),
                     r.peer_kind == PeerKind::kCidr       ? r.cidr.str()
                     : r.peer_kind == PeerKind::kIpv6Cidr ? r.cidr6.str()
                                                          : r.peer,
                     r.description);
  }
  std::sort(out.begin(), out.end());
  return out;
}
using RouteKey = std::tuple<std::string, std::string, int, std::string, bool>;
std::vector<RouteKey> routeKeys(const std::vector<Route>& routes) {
  std::vector<RouteKey> out;
  for (const auto& r : routes) {
    out.emplace_back(destinationText(r), r.destination_prefix_list, static_cast<int>(r.target), r.target_id, r.blackhole);
  }
  std::sort(out.begin(), out.end());
  return out;
}
using EntryKey = std::tuple<bool, int, bool, int, std::string, int, int, int, int>;
std::vector<EntryKey> entryKeys(const std::vector<NaclEntry>& entries) {
  std::vector<EntryKey> out;
  for (const auto& e : entries) {
    if (e.rule_number >= 32767) continue;  // the "*" rule may or may not be kept
    const bool ports = e.protocol == kProtocolTcp || e.protocol == kProtocolUdp;
    const bool icmp = e.protocol == kProtocolIcmp;
    out.emplace_back(e.egress, e.rule_number, e.allow, e.protocol,
                     e.cidr ? e.cidr->str() : e.ipv6_cidr ? e.ipv6_cidr->str() : "", ports ? e.ports.from : 0,
                     ports ? e.ports.to : 0, icmp ? e.icmp_type : 0, icmp ? e.icmp_code : 0);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("a written snapshot loads back into the same topology", "[generator][snapshot][roundtrip]") {
  using Row = std::tuple<uint64_t, int>;  // seed, dual-stack percent
  const auto [seed, dual_stack] = GENERATE(table<uint64_t, int>({Row{1, 0}, Row{8, 0}, Row{8, 50}, Row{3, 100}}));
  CAPTURE(seed, dual_stack);
  const Topology t = generateTopology(small(seed, true, dual_stack));
  TempDir dir;
  std::vector<Diagnostic> errors;
  REQUIRE(writeSnapshot(t, dir.path(), errors));
  Topology back;
  const bool loaded = loadSnapshot(dir.path(), LoadOptions{}, back, errors);
  for (const auto& e : errors) UNSCOPED_INFO(e.str());
  REQUIRE(loaded);
  back.finalize();

  REQUIRE(back.vpcs.size() == t.vpcs.size());
  for (std::size_t i = 0; i < t.vpcs.size(); ++i) {
    CHECK(back.vpcs[i].meta.id == t.vpcs[i].meta.id);
    CHECK(back.vpcs[i].meta.name == t.vpcs[i].meta.name);
    CHECK(back.vpcs[i].cidrs == t.vpcs[i].cidrs);
    CHECK(associatedIpv6(back.vpcs[i].ipv6_blocks) == associatedIpv6(t.vpcs[i].ipv6_blocks));
  }
  REQUIRE(back.subnets.size() == t.subnets.size());
  for (std::size_t i = 0; i < t.subnets.size(); ++i) {
    const auto& a = t.subnets[i];
    const auto& b = back.subnets[i];
    CHECK(std::tie(b.meta.id, b.vpc_id, b.availability_zone, b.cidr, b.map_public_ip_on_launch,
                   b.assign_ipv6_address_on_creation) == std::tie(a.meta.id, a.vpc_id, a.availability_zone, a.cidr,
                                                                  a.map_public_ip_on_launch, a.assign_ipv6_address_on_creation));
    CHECK(associatedIpv6(b.ipv6_blocks) == associatedIpv6(a.ipv6_blocks));
  }
  REQUIRE(back.route_tables.size() == t.route_tables.size());
  for (std::size_t i = 0; i < t.route_tables.size(); ++i) {
    const auto& a = t.route_tables[i];
    const auto& b = back.route_tables[i];
    CAPTURE(a.meta.id);
    CHECK(b.meta.id == a.meta.id);
    CHECK(b.main == a.main);
    CHECK(b.subnet_ids == a.subnet_ids);
    CHECK(routeKeys(b.routes) == routeKeys(a.routes));
  }
  REQUIRE(back.security_groups.size() == t.security_groups.size());
  for (std::size_t i = 0; i < t.security_groups.size(); ++i) {
    const auto& a = t.security_groups[i];
    const auto& b = back.security_groups[i];
    CAPTURE(a.meta.id);
    CHECK(b.group_name == a.group_name);
    CHECK(b.vpc_id == a.vpc_id);
    CHECK(ruleKeys(b.ingress) == ruleKeys(a.ingress));
    CHECK(ruleKeys(b.egress) == ruleKeys(a.egress));
  }
  REQUIRE(back.network_acls.size() == t.network_acls.size());
  for (std::size_t i = 0; i < t.network_acls.size(); ++i) {
    const auto& a = t.network_acls[i];
    const auto& b = back.network_acls[i];
    CAPTURE(a.meta.id);
    CHECK(b.is_default == a.is_default);
    CHECK(b.subnet_ids == a.subnet_ids);
    CHECK(entryKeys(b.entries) == entryKeys(a.entries));
  }
  REQUIRE(back.enis.size() == t.enis.size());
  for (std::size_t i = 0; i < t.enis.size(); ++i) {
    const auto& a = t.enis[i];
    const auto& b = back.enis[i];
    CAPTURE(a.meta.id);
    CHECK(std::tie(b.meta.id, b.vpc_id, b.subnet_id, b.private_ips, b.ipv6_addresses, b.security_group_ids,
                   b.interface_type, b.instance_id, b.device_index, b.source_dest_check) ==
          std::tie(a.meta.id, a.vpc_id, a.subnet_id, a.private_ips, a.ipv6_addresses, a.security_group_ids,
                   a.interface_type, a.instance_id, a.device_index, a.source_dest_check));
    REQUIRE(b.public_ips.size() == a.public_ips.size());
    for (std::size_t p = 0; p < a.public_ips.size(); ++p) {
      CHECK(b.public_ips[p].private_ip == a.public_ips[p].private_ip);
      CHECK(b.public_ips[p].public_ip == a.public_ips[p].public_ip);
    }
  }
  REQUIRE(back.instances.size() == t.instances.size());
  for (std::size_t i = 0; i < t.instances.size(); ++i) CHECK(back.instances[i].eni_ids == t.instances[i].eni_ids);
  REQUIRE(back.internet_gateways.size() == t.internet_gateways.size());
  for (std::size_t i = 0; i < t.internet_gateways.size(); ++i) {
    CHECK(back.internet_gateways[i].vpc_ids == t.internet_gateways[i].vpc_ids);
  }
  REQUIRE(back.egress_only_internet_gateways.size() == t.egress_only_internet_gateways.size());
  for (std::size_t i = 0; i < t.egress_only_internet_gateways.size(); ++i) {
    const auto& a = t.egress_only_internet_gateways[i];
    const auto& b = back.egress_only_internet_gateways[i];
    CHECK(std::tie(b.meta.id, b.meta.name, b.vpc_id) == std::tie(a.meta.id, a.meta.name, a.vpc_id));
  }
  REQUIRE(back.nat_gateways.size() == t.nat_gateways.size());
  for (std::size_t i = 0; i < t.nat_gateways.size(); ++i) {
    const auto& a = t.nat_gateways[i];
    const auto& b = back.nat_gateways[i];
    CHECK(std::tie(b.subnet_id, b.vpc_id, b.private_ips, b.public_ips, b.eni_id) ==
          std::tie(a.subnet_id, a.vpc_id, a.private_ips, a.public_ips, a.eni_id));
  }
  REQUIRE(back.vpc_endpoints.size() == t.vpc_endpoints.size());
  for (std::size_t i = 0; i < t.vpc_endpoints.size(); ++i) {
    const auto& a = t.vpc_endpoints[i];
    const auto& b = back.vpc_endpoints[i];
    CHECK(std::tie(b.type, b.service_name, b.route_table_ids, b.subnet_ids, b.eni_ids, b.security_group_ids) ==
          std::tie(a.type, a.service_name, a.route_table_ids, a.subnet_ids, a.eni_ids, a.security_group_ids));
  }
  REQUIRE(back.prefix_lists.size() == t.prefix_lists.size());
  for (std::size_t i = 0; i < t.prefix_lists.size(); ++i) CHECK(back.prefix_lists[i].cidrs == t.prefix_lists[i].cidrs);
  REQUIRE(back.peering_connections.size() == t.peering_connections.size());
  for (std::size_t i = 0; i < t.peering_connections.size(); ++i) {
    const auto& a = t.peering_connections[i];
    const auto& b = back.peering_connections[i];
    CHECK(std::tie(b.requester.vpc_id, b.requester.cidrs, b.accepter.vpc_id, b.accepter.cidrs, b.status) ==
          std::tie(a.requester.vpc_id, a.requester.cidrs, a.accepter.vpc_id, a.accepter.cidrs, a.status));
  }
  REQUIRE(back.transit_gateways.size() == t.transit_gateways.size());
  for (std::size_t i = 0; i < t.transit_gateways.size(); ++i) {
    CHECK(back.transit_gateways[i].default_association_route_table == t.transit_gateways[i].default_association_route_table);
    CHECK(back.transit_gateways[i].default_propagation_route_table == t.transit_gateways[i].default_propagation_route_table);
  }
  REQUIRE(back.tgw_attachments.size() == t.tgw_attachments.size());
  for (std::size_t i = 0; i < t.tgw_attachments.size(); ++i) {
    const auto& a = t.tgw_attachments[i];
    const auto& b = back.tgw_attachments[i];
    CHECK(std::tie(b.transit_gateway_id, b.resource_type, b.resource_id, b.subnet_ids, b.association_route_table) ==
          std::tie(a.transit_gateway_id, a.resource_type, a.resource_id, a.subnet_ids, a.association_route_table));
  }
  REQUIRE(back.tgw_route_tables.size() == t.tgw_route_tables.size());
  for (std::size_t i = 0; i < t.tgw_route_tables.size(); ++i) {
    const auto& a = t.tgw_route_tables[i];
    const auto& b = back.tgw_route_tables[i];
    CHECK(b.propagating_attachments == a.propagating_attachments);
    REQUIRE(b.static_routes.size() == a.static_routes.size());
    for (std::size_t r = 0; r < a.static_routes.size(); ++r) {
      CHECK(std::tie(b.static_routes[r].destination, b.static_routes[r].attachment_ids, b.static_routes[r].blackhole) ==
            std::tie(a.static_routes[r].destination, a.static_routes[r].attachment_ids, a.static_routes[r].blackhole));
    }
  }
}

TEST_CASE("the benchmark workload generates and writes", "[generator][.slow]") {
  GeneratorOptions options;
  options.enis = 100000;
  options.subnets = 2000;
  options.security_groups = 5000;
  options.rules_per_group = 10;
  const Topology t = generateTopology(options);
  CHECK(t.subnets.size() == 2000);
  CHECK(t.security_groups.size() == 5000);
  CHECK(countRules(t) == 50000);
  TempDir dir;
  std::vector<Diagnostic> errors;
  CHECK(writeSnapshot(t, dir.path(), errors));
}


TEST_CASE("load balancers, listeners, target groups and target health survive a write and a load", "[snapshot]") {
  const fs::path lab = fs::path(VPCSIM_CORPUS_DIR) / "lab-validation/aws_nlb_multi_az/aws_configs";
  Topology first;
  std::vector<Diagnostic> errors;
  REQUIRE(loadSnapshot(lab, LoadOptions{}, first, errors));
  first.finalize();
  REQUIRE(first.load_balancers.size() == 3);
  TempDir dir;
  REQUIRE(writeSnapshot(first, dir.path(), errors));
  Topology second;
  REQUIRE(loadSnapshot(dir.path(), LoadOptions{}, second, errors));
  second.finalize();
  REQUIRE(errors.empty());
  REQUIRE(second.load_balancers.size() == first.load_balancers.size());
  for (std::size_t i = 0; i < first.load_balancers.size(); ++i) {
    const LoadBalancer& a = first.load_balancers[i];
    const LoadBalancer& b = second.load_balancers[i];
    CHECK(a.meta.id == b.meta.id);
    CHECK(a.meta.name == b.meta.name);
    CHECK(a.arn == b.arn);
    CHECK(a.type == b.type);
    CHECK(a.internet_facing == b.internet_facing);
    CHECK(a.vpc_id == b.vpc_id);
    REQUIRE(a.zones.size() == b.zones.size());
    for (std::size_t z = 0; z < a.zones.size(); ++z) {
      CHECK(a.zones[z].subnet_id == b.zones[z].subnet_id);
      CHECK(a.zones[z].public_addresses == b.zones[z].public_addresses);
    }
    CHECK(a.attributes == b.attributes);
  }
  REQUIRE(second.lb_listeners.size() == first.lb_listeners.size());
  for (std::size_t i = 0; i < first.lb_listeners.size(); ++i) {
    CHECK(first.lb_listeners[i].meta.id == second.lb_listeners[i].meta.id);
    CHECK(first.lb_listeners[i].port == second.lb_listeners[i].port);
    CHECK(first.lb_listeners[i].target_group_arns == second.lb_listeners[i].target_group_arns);
  }
  REQUIRE(second.target_groups.size() == first.target_groups.size());
  for (std::size_t i = 0; i < first.target_groups.size(); ++i) {
    const TargetGroup& a = first.target_groups[i];
    const TargetGroup& b = second.target_groups[i];
    CHECK(a.meta.id == b.meta.id);
    CHECK(a.target_type == b.target_type);
    CHECK(a.load_balancer_arns == b.load_balancer_arns);
    CHECK(a.targets_known == b.targets_known);
    REQUIRE(a.targets.size() == b.targets.size());
    for (std::size_t k = 0; k < a.targets.size(); ++k) {
      CHECK(a.targets[k].id == b.targets[k].id);
      CHECK(a.targets[k].zone == b.targets[k].zone);
      CHECK(a.targets[k].health == b.targets[k].health);
    }
  }
}


TEST_CASE("load balancers: nodes in their subnets, targets among the VPC's interfaces, the rest unchanged",
          "[generator]") {
  GeneratorOptions options = small(11);
  const Topology plain = generateTopology(options);
  CHECK(plain.load_balancers.empty());
  options.load_balancer_percent = 100;
  const Topology t = generateTopology(options);
  REQUIRE(t.load_balancers.size() == 4);  // one per VPC
  REQUIRE(t.target_groups.size() == 4);
  REQUIRE(t.lb_listeners.size() == 4);
  std::set<std::string> addresses;
  for (const auto& eni : t.enis) {
    for (const auto& address : eni.private_ips) CHECK(addresses.insert(eni.vpc_id + address.str()).second);
  }
  std::size_t nodes = 0;
  for (const auto& eni : t.enis) {
    if (eni.interface_type != "network_load_balancer") continue;
    ++nodes;
    const LoadBalancer* lb = t.findLoadBalancer(eni.description.substr(4));
    REQUIRE(lb != nullptr);
    const Subnet* subnet = t.findSubnet(eni.subnet_id);
    REQUIRE(subnet != nullptr);
    CHECK(subnet->cidr.contains(eni.private_ips.at(0)));
    CHECK_FALSE(isReserved(subnet->cidr, eni.private_ips.at(0)));
    CHECK(lb->internet_facing == !eni.public_ips.empty());
  }
  std::size_t zones = 0;
  for (const auto& lb : t.load_balancers) zones += lb.zones.size();
  CHECK(nodes == zones);
  for (const auto& group : t.target_groups) {
    CHECK(group.targets.size() >= 2);
    for (const auto& target : group.targets) {
      bool held = false;
      for (const auto& eni : t.enis) {
        held = held || (eni.vpc_id == group.vpc_id && eni.interface_type == "interface" &&
                        eni.private_ips.at(0).str() == target.id);
      }
      CHECK(held);
    }
  }
  // Everything else is the topology without load balancers.
  CHECK(t.subnets.size() == plain.subnets.size());
  CHECK(t.enis.size() == plain.enis.size() + nodes);
  CHECK(written(t).at("RouteTables.json") == written(plain).at("RouteTables.json"));  // (Subnets.json: fewer free addresses)
  CHECK(written(t).at("SecurityGroups.json") == written(plain).at("SecurityGroups.json"));
}

}  // namespace
}  // namespace vpcsim::topology

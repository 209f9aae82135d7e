// Tests for the internet-free check: workshop templates, the default scenario, a corpus snapshot, and a cross-check against trace().
#include "sim/verify/verify.h"

#include <filesystem>
#include <random>

#include <catch2/catch.hpp>

#include "reports/verify_report.h"
#include "sim/rules.h"
#include "formats/cloudformation.h"
#include "formats/scope_file.h"
#include "tests/support/snapshots.h"
#include "formats/loader.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

using namespace vpcsim;
using namespace vpcsim::topology;

namespace {

const std::filesystem::path kRoot = VPCSIM_SOURCE_DIR;

StackSpec workshopVpc() {
  StackSpec spec;
  spec.file = kRoot / "tests/data/cfn/network-vpc.yaml";
  spec.stack_name = "sagemaker-admin-workshop-vpc";
  spec.parameter_overrides = {{"AvailabilityZones", "us-east-1a,us-east-1b"},
                              {"NumberOfAZs", "2"},
                              {"VPCCIDR", "192.168.0.0/16"},
                              {"PrivateSubnet1ACIDR", "192.168.0.0/20"},
                              {"PrivateSubnet2ACIDR", "192.168.16.0/20"}};
  return spec;
}

StackSpec workshopNat() {
  StackSpec spec;
  spec.file = kRoot / "tests/data/cfn/network-natgw.yaml";
  spec.parameter_overrides = {{"ExistingVPCId", "@sagemaker-admin-workshop-vpc.VPCId"},
                              {"ExistingPrivateRouteTableIds", "@sagemaker-admin-workshop-vpc.PrivateRouteTableIds"},
                              {"AvailabilityZones", "us-east-1a,us-east-1b"},
                              {"NumberOfAZs", "2"},
                              {"PublicSubnet1CIDR", "192.168.128.0/20"},
                              {"PublicSubnet2CIDR", "192.168.144.0/20"}};
  return spec;
}

Topology fromStacks(const std::vector<StackSpec>& stacks) {
  Topology topo;
  std::vector<Diagnostic> errors;
  bool ok = loadStacks(stacks, LoadOptions{}, topo, errors);
  for (const auto& error : errors) UNSCOPED_INFO(error.str());
  REQUIRE(ok);
  topo.finalize();
  return topo;
}

Topology fromNative(const std::filesystem::path& file) {
  Topology topo;
  std::vector<Diagnostic> errors;
  REQUIRE(loadNativeTopology(file, LoadOptions{}, topo, errors));
  topo.finalize();
  return topo;
}

sim::InternetFreeReport check(const sim::Network& network, const std::vector<std::string>& refs) {
  auto report = sim::verifyInternetFree(network, refs, sim::VerifyOptions{});
  if (!report) FAIL(report.error());
  return *report;
}

/// Random packets from a hypothetical interface with each SG of the
/// subnet's VPC to random public addresses: none may reach when it holds.
void crossCheck(const sim::Network& network, const std::string& subnet_id, uint32_t seed) {
  const Topology& topo = network.topology();
  const Subnet* subnet = topo.findSubnet(subnet_id);
  REQUIRE(subnet != nullptr);
  std::mt19937 random(seed);
  const int protocols[] = {kProtocolTcp, kProtocolUdp, kProtocolIcmp, 50, 47};
  for (const auto& group : topo.security_groups) {
    if (group.vpc_id != subnet->vpc_id) continue;
    for (int sample = 0; sample < 40; ++sample) {
      sim::Packet packet;
      uint64_t size = subnet->cidr.size();
      packet.source = Ipv4(subnet->cidr.first().value() + 4 + static_cast<uint32_t>(random() % (size - 5)));
      do {
        packet.destination = Ipv4(static_cast<uint32_t>(random()));
      } while (!packet.destination.isPublic());
      packet.protocol = protocols[random() % 5];
      packet.destination_port = static_cast<int>(random() % 65536);
      packet.source_port = static_cast<int>(random() % 65536);
      packet.icmp_type = static_cast<int>(random() % 256);
      packet.icmp_code = static_cast<int>(random() % 16);
      sim::Endpoint source;
      source.kind = sim::Endpoint::Kind::kHypotheticalEni;
      source.subnet_id = subnet_id;
      source.security_group_ids = {group.meta.id};
      source.address = packet.source;
      sim::Target target;
      target.address = packet.destination;
      target.any_internet = true;
      auto result = sim::trace(network, source, target, packet);
      CAPTURE(group.meta.id, sim::describePacket(packet));
      CHECK(result.verdict != sim::Verdict::kReachable);
    }
  }
}

}  // namespace

TEST_CASE("the workshop's private subnets are internet-free without the NAT stack", "[verify]") {
  Topology topo = fromStacks({workshopVpc()});
  sim::Network network(topo);
  auto report = check(network, {"subnet:PrivateSubnet1A", "subnet:PrivateSubnet2A"});
  CHECK(report.verdict == sim::Verdict::kUnreachable);
  CHECK(report.findings.empty());
  CHECK(report.classes_checked > 0);
  CHECK(report.classes_checked == report.source_classes * report.header_classes);
  crossCheck(network, topo.subnets.front().meta.id, 7);
  for (const auto& subnet : topo.subnets) crossCheck(network, subnet.meta.id, 11);
}

TEST_CASE("the NAT stack opens a path from each private subnet through its NAT gateway and the IGW", "[verify]") {
  Topology topo = fromStacks({workshopVpc(), workshopNat()});
  sim::Network network(topo);
  auto report = check(network, {"subnet:PrivateSubnet1A", "subnet:PrivateSubnet2A"});
  CHECK(report.verdict == sim::Verdict::kReachable);
  REQUIRE(report.findings.size() == 2);
  for (const auto& finding : report.findings) {
    CAPTURE(finding.source_subnet, finding.exit_point);
    CHECK(finding.exit_point.find("nat-") == 0);
    CHECK(finding.exit_point.find("-> igw-") != std::string::npos);
    CHECK(finding.round_trip);
    CHECK(finding.example.destination == Ipv4(0x08080808));
    bool nat = false;
    bool igw = false;
    for (const auto& hop : finding.path) {
      nat = nat || (hop.kind == sim::HopKind::kNatGateway && hop.direction == sim::Direction::kForward);
      igw = igw || (hop.kind == sim::HopKind::kInternetGateway && hop.direction == sim::Direction::kForward);
    }
    CHECK(nat);
    CHECK(igw);
  }
  CHECK(report.findings[0].source_subnet.find("PrivateSubnet1A") != std::string::npos);
  CHECK(report.findings[1].source_subnet.find("PrivateSubnet2A") != std::string::npos);
}

TEST_CASE("the default scenario's private subnets and notebooks are internet-free", "[verify]") {
  Topology topo = fromNative(kRoot / "scenarios/sagemaker-studio-vpc-only.topology.yaml");
  sim::Network network(topo);
  auto report = check(network, {"subnet:PrivateSubnet1A", "subnet-private-2a", "notebook:studio"});
  CHECK(report.verdict == sim::Verdict::kUnreachable);
  CHECK(report.findings.empty());
  crossCheck(network, "subnet-private-1a", 3);
  crossCheck(network, "subnet-private-2a", 5);
}

TEST_CASE("batfish nat-gateway snapshot: only the NAT-routed subnet reaches the internet", "[verify]") {
  Topology topo = testing::loadTestSnapshot(kRoot / "tests/data/corpus/batfish-test-nat-gateway/aws_configs");
  sim::Network network(topo);
  auto isolated = check(network, {"subnet-02ff259e663e9613e"});
  CHECK(isolated.verdict == sim::Verdict::kUnreachable);
  crossCheck(network, "subnet-02ff259e663e9613e", 13);
  auto routed = check(network, {"subnet-06f469bcee42e408e"});
  CHECK(routed.verdict == sim::Verdict::kReachable);
  REQUIRE(routed.findings.size() == 1);
  CHECK(routed.findings[0].exit_point.find("nat-") == 0);
}

TEST_CASE("a route to a prefix list the input lacks leaves internet-freedom undetermined", "[verify]") {
  // tests/data/verify/unknown-prefix-list/ (a snapshot): the only route out is
  // pl-0partner -> igw-1, and the list is not in the input. Taking it not to match
  // "proved" the subnet internet-free before; it may hold any internet address, so the
  // answer is undetermined.
  Topology topo = testing::loadTestSnapshot(kRoot / "tests/data/verify/unknown-prefix-list");
  sim::Network network(topo);
  auto report = check(network, {"subnet:subnet-private"});
  CHECK(report.verdict == sim::Verdict::kUndetermined);
  CHECK(report.findings.empty());
  CHECK(report.undetermined_classes == report.classes_checked);
  REQUIRE_FALSE(report.undetermined.empty());
  REQUIRE_FALSE(report.undetermined.front().explanations.empty());
  CHECK(report.undetermined.front().explanations.front().code == "PREFIX_LIST_NOT_IN_INPUT");
}

TEST_CASE("verify rejects unknown sources with a suggestion", "[verify]") {
  Topology topo = fromStacks({workshopVpc()});
  sim::Network network(topo);
  auto report = sim::verifyInternetFree(network, {"subnet:PrivateSubnet1B"}, sim::VerifyOptions{});
  REQUIRE_FALSE(report);
  CHECK(report.error() == "subnet 'PrivateSubnet1B' is not in the input (did you mean 'PrivateSubnet1A'?)");
}

namespace {
/// Options of either engine, on two threads.
sim::VerifyOptions engine(bool factored) {
  sim::VerifyOptions options;
  options.factored = factored;
  options.threads = 2;
  return options;
}
}  // namespace

TEST_CASE("a deadline already passed leaves every check undetermined, naming the parts not finished", "[verify]") {
  Topology topo = testing::loadTestSnapshot(kRoot / "tests/data/corpus/batfish-test-nat-gateway/aws_configs");
  sim::Network network(topo);
  for (bool factored : {true, false}) {
    CAPTURE(factored);
    sim::VerifyOptions options = engine(factored);
    // Without a deadline the checks have findings.
    auto free = sim::verifyInternetFree(network, {"subnet-06f469bcee42e408e"}, options);
    REQUIRE(free);
    REQUIRE(free->verdict == sim::Verdict::kReachable);
    auto scope = sim::verifyScope(network, *builtinNaaScope("vpc-egress"), options);
    REQUIRE(scope);
    REQUIRE(scope->verdict == sim::Verdict::kReachable);

    options.deadline = std::chrono::steady_clock::time_point{};  // long past
    auto late = sim::verifyInternetFree(network, {"subnet-06f469bcee42e408e"}, options);
    REQUIRE(late);
    CHECK(late->verdict == sim::Verdict::kUndetermined);
    CHECK(late->findings.empty());
    CHECK(late->classes_checked == 0);
    CHECK(late->undetermined_classes == free->classes_checked);
    REQUIRE(late->undetermined.size() == 1);
    REQUIRE(late->undetermined[0].explanations.size() == 1);
    CHECK(late->undetermined[0].explanations[0].code == "TIMEOUT");
    CHECK(late->undetermined[0].explanations[0].message ==
          "not finished within the time limit (--timeout): paths from the sources to the internet (IPv4); no finding "
          "of this check is reported, since the unfinished parts could add classes to any of them");
    auto late_scope = sim::verifyScope(network, *builtinNaaScope("vpc-egress"), options);
    REQUIRE(late_scope);
    CHECK(late_scope->verdict == sim::Verdict::kUndetermined);
    CHECK(late_scope->findings.empty());
    CHECK(late_scope->undetermined_classes == scope->classes_checked);
    REQUIRE(!late_scope->undetermined.empty());
    CHECK(late_scope->undetermined[0].explanations[0].message ==
          "not finished within the time limit (--timeout): paths from interfaces (IPv4), paths from the internet "
          "(IPv4); no finding of this check is reported, since the unfinished parts could add classes to any of them");
  }
}

TEST_CASE("progress reports do not change the answer", "[verify]") {
  Topology topo = testing::loadTestSnapshot(kRoot / "tests/data/corpus/batfish-test-nat-gateway/aws_configs");
  sim::Network network(topo);
  for (bool factored : {true, false}) {
    sim::VerifyOptions options = engine(factored);
    auto quiet = sim::verifyScope(network, *builtinNaaScope("vpc-ingress"), options);
    REQUIRE(quiet);
    uint64_t calls = 0;
    uint64_t classes = 0;
    options.progress = [&](const sim::VerifyProgress& progress) {
      ++calls;
      classes = std::max(classes, progress.classes);
      CHECK(progress.check == "scope vpc-ingress");
      CHECK(progress.done <= progress.total);
    };
    auto watched = sim::verifyScope(network, *builtinNaaScope("vpc-ingress"), options);
    REQUIRE(watched);
    CHECK(reports::verifyJson({*watched}) == reports::verifyJson({*quiet}));
    CHECK(calls > 0);
    CHECK(classes > 0);
  }
}

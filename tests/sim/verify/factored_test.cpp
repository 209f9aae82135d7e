// The factored verify engine against the class-by-class one: identical reports, far fewer traces.
//
// VerifyOptions::factored = false (with skip_other_estates = false) traces
// every (source, address class, header class) on its own; the default factors each interface's security
// groups out of the paths it shares with interfaces alike and treats held
// public addresses apart (sim/factored_engine.cpp, FactoredEngine). Both must render
// the same JSON report, byte for byte, for internet-free checks and the
// Amazon-created scopes, with and without hypothetical interfaces.
//
// CI runs a fixed set of seeds. For a longer sweep set
//   VPCSIM_FACTORED_SEEDS=<count>   e.g. VPCSIM_FACTORED_SEEDS=200 ./vpcsim_tests "[factored]"
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "reports/verify_report.h"
#include "sim/verify/verify.h"
#include "tests/support/snapshots.h"
#include "formats/generator.h"
#include "formats/loader.h"
#include "formats/scope_file.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

using namespace vpcsim;
using namespace vpcsim::topology;

namespace {

const std::filesystem::path kRoot = VPCSIM_SOURCE_DIR;

/// The checks compared: internet-free over every subnet, then the
/// Amazon-created scopes named, then the `extra` scopes.
std::vector<sim::VerifyReport> checks(const sim::Network& network, const sim::VerifyOptions& options,
                                      const std::vector<std::string>& scopes, const std::vector<NaaScope>& extra) {
  std::vector<std::string> subnets;
  for (const auto& subnet : network.topology().subnets) subnets.push_back(subnet.meta.id);
  std::vector<sim::VerifyReport> out;
  if (!subnets.empty()) {
    auto free = sim::verifyInternetFree(network, subnets, options);
    REQUIRE(free);
    out.push_back(*free);
  }
  std::vector<NaaScope> all;
  for (const auto& name : scopes) all.push_back(builtinNaaScope(name).value());
  all.insert(all.end(), extra.begin(), extra.end());
  for (const auto& scope : all) {
    auto report = sim::verifyScope(network, scope, options);
    REQUIRE(report);
    out.push_back(*report);
  }
  return out;
}

/// Runs the checks both ways; the reports must render identically (and the
/// reference traces every class). Returns the factored reports.
/// `reference_out`, when set, receives the reference's reports.
std::vector<sim::VerifyReport> compare(const Topology& topo, bool hypothetical,
                                       const std::vector<std::string>& scopes = {"igw-egress", "igw-ingress"},
                                       const std::vector<NaaScope>& extra = {},
                                       std::vector<sim::VerifyReport>* reference_out = nullptr) {
  sim::Network network(topo);
  sim::VerifyOptions reference;
  reference.hypothetical_enis = hypothetical;
  reference.factored = false;
  reference.skip_other_estates = false;
  reference.threads = 2;
  sim::VerifyOptions factored = reference;
  factored.factored = true;
  factored.skip_other_estates = true;
  auto expected = checks(network, reference, scopes, extra);
  auto actual = checks(network, factored, scopes, extra);
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    CAPTURE(actual[i].check, hypothetical);
    CHECK(reports::verifyJson({actual[i]}) == reports::verifyJson({expected[i]}));
    CHECK(expected[i].traces == expected[i].classes_checked);
  }
  if (reference_out != nullptr) *reference_out = expected;
  return actual;
}

const sim::InternetFinding* findingTo(const sim::VerifyReport& report, const std::string& exit) {
  for (const auto& finding : report.findings) {
    if (finding.exit_point.rfind(exit, 0) == 0) return &finding;
  }
  return nullptr;
}

/// A scope whose Sources name resources by ID: every other subnet, and the
/// first VPC, to an internet gateway; excluded, the first interface and the
/// last security group.
NaaScope sourceIdScope(const Topology& topo) {
  auto quoted = [](const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "\"" : ", \"") + id + "\"";
    return out;
  };
  std::vector<std::string> subnets;
  for (size_t i = 0; i < topo.subnets.size(); i += 2) subnets.push_back(topo.subnets[i].meta.id);
  const std::string to_igw = R"("Destination": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}})";
  std::string json = R"({"MatchPaths": [{"Source": {"ResourceStatement": {"Resources": [)" + quoted(subnets) +
                     "]}}, " + to_igw + R"(}, {"Source": {"ResourceStatement": {"Resources": [")" +
                     topo.vpcs.front().meta.id + R"("]}}, )" + to_igw + "}]";
  if (!topo.enis.empty() && !topo.security_groups.empty()) {
    json += R"(, "ExcludePaths": [{"Source": {"ResourceStatement": {"Resources": [)" +
            quoted({topo.enis.front().meta.id, topo.security_groups.back().meta.id}) + "]}}}]";
  }
  json += "}";
  auto scope = parseNaaScope(json, "source-ids.json");
  INFO(json);
  REQUIRE(scope.ok());
  return *scope;
}

/// A scope from the internet whose Destinations name resources by ID and
/// by type: every other interface with a public address and the first
/// subnet, or any instance; excluded, the last security group.
NaaScope destinationIdScope(const Topology& topo) {
  std::vector<std::string> ids;
  bool every_other = true;
  for (const auto& eni : topo.enis) {
    if (eni.public_ips.empty()) continue;
    if (every_other) ids.push_back(eni.meta.id);
    every_other = !every_other;
  }
  if (!topo.subnets.empty()) ids.push_back(topo.subnets.front().meta.id);
  std::string quoted;
  for (const auto& id : ids) quoted += (quoted.empty() ? "\"" : ", \"") + id + "\"";
  const std::string from_igw = R"("Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}})";
  std::string json = R"({"MatchPaths": [{)" + from_igw + R"(, "Destination": {"ResourceStatement": {"Resources": [)" +
                     quoted + R"(]}}}, {)" + from_igw +
                     R"(, "Destination": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::Instance"]}}}])";
  if (!topo.security_groups.empty()) {
    json += R"(, "ExcludePaths": [{"Destination": {"ResourceStatement": {"Resources": [")" +
            topo.security_groups.back().meta.id + R"("]}}}])";
  }
  json += "}";
  auto scope = parseNaaScope(json, "destination-ids.json");
  INFO(json);
  REQUIRE(scope.ok());
  return *scope;
}

/// Seeds to run: 3, or VPCSIM_FACTORED_SEEDS.
int seedCount() {
  const char* env = std::getenv("VPCSIM_FACTORED_SEEDS");
  return env != nullptr ? std::max(1, std::atoi(env)) : 3;
}

/// A small generated topology whose shape varies with `seed`.
GeneratorOptions smallOptions(int seed, int enis, int min_subnets) {
  GeneratorOptions options;
  options.enis = enis;
  options.subnets = min_subnets + seed % 4;
  options.security_groups = 3 + seed % 5;
  options.rules_per_group = 3 + seed % 6;
  options.vpcs = 1 + seed % 3;
  options.seed = static_cast<uint64_t>(seed);
  return options;
}

bool undeterminedWith(const sim::VerifyReport& report, const std::string& code) {
  for (const auto& result : report.undetermined) {
    if (!result.explanations.empty() && result.explanations.front().code == code) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("factored engine: the corners of tests/data/verify/factored-edges, decided as class by class", "[factored]") {
  Topology topo = testing::loadTestSnapshot(kRoot / "tests/data/verify/factored-edges");
  for (bool hypothetical : {true, false}) {
    // vpc-egress reaches private destinations too, which the factored engine leaves to the reference.
    auto reports = compare(topo, hypothetical, {"igw-egress", "igw-ingress", "vpc-egress"});
    REQUIRE(reports.size() == 4);
    const auto& free = reports[0];
    const auto& egress = reports[1];
    const auto& ingress = reports[2];
    // Factored: the internet-free and igw checks trace far fewer classes than they check.
    for (const auto* report : {&free, &egress, &ingress}) {
      CAPTURE(report->check);
      CHECK(report->traces * 4 < report->classes_checked);
    }
    CHECK(free.verdict == sim::Verdict::kReachable);
    // Two interfaces of one key, each named by its own finding.
    REQUIRE(findingTo(ingress, "eni-a") != nullptr);
    REQUIRE(findingTo(ingress, "eni-g") != nullptr);
    CHECK(findingTo(ingress, "eni-g")->example_text == "tcp 8.8.8.8:49152 -> 54.0.0.21:443");
    // Reached only from a held public address: one class, traced one by one.
    const sim::InternetFinding* peer = findingTo(ingress, "eni-b");
    REQUIRE(peer != nullptr);
    CHECK(peer->classes == 1);
    CHECK(peer->example_text == "tcp 54.0.0.10:49152 -> 54.0.0.11:8080");
    CHECK(peer->round_trip);
    // Groups that cannot settle a class, and a load balancer.
    CHECK(undeterminedWith(free, "SG_RULE_UNRESOLVED"));
    CHECK(undeterminedWith(ingress, "SG_RULE_UNRESOLVED"));
    CHECK(undeterminedWith(ingress, "LOAD_BALANCER"));
    CHECK(findingTo(ingress, "eni-e") == nullptr);
  }
}

TEST_CASE("factored engine: corpus snapshots, decided as class by class", "[factored]") {
  for (const char* dir : {"tests/data/corpus/lab-validation/aws_demo",
                          "tests/data/corpus/lab-validation/aws_nlb_targets_instance",
                          "tests/data/corpus/lab-validation/aws_nlb_targets_ip",  // listeners: classes of their own
                          "tests/data/corpus/lab-validation/aws_vnd_panos_single_fw",
                          "tests/data/corpus/batfish-test-nat-gateway", "tests/data/verify/unknown-prefix-list"}) {
    CAPTURE(dir);
    compare(testing::loadTestSnapshot(kRoot / dir), false);
  }
}

TEST_CASE("factored engine: seeded generated topologies, decided as class by class", "[factored]") {
  const int seeds = seedCount();
  for (int seed = 1; seed <= seeds; ++seed) {
    CAPTURE(seed);
    // Hypothetical interfaces multiply the reference's classes: on the first seed only.
    compare(generateTopology(smallOptions(seed, 10, 2)), seed == 1);
  }
}

TEST_CASE("factored engine: seeded dual-stack topologies, decided as class by class", "[factored][ipv6]") {
  // The keyed IPv6 half (sim/verify.cpp, keyedIpv6) against the IPv6 loop.
  const int seeds = seedCount();
  int ipv6_findings = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    CAPTURE(seed);
    GeneratorOptions options = smallOptions(seed, 12, 2);
    options.dual_stack_percent = seed % 2 == 0 ? 100 : 60;
    for (const auto& report : compare(generateTopology(options), seed == 1, {"igw-egress"})) {
      for (const auto& finding : report.findings) ipv6_findings += finding.example.destination.isV6() ? 1 : 0;
    }
  }
  CHECK(ipv6_findings > 0);  // the comparison covered IPv6 findings, not only their absence
}

TEST_CASE("factored engine: Sources naming resources by ID, decided as class by class", "[factored]") {
  // Interfaces of one key whose origins the statements match differently
  // must not share a decision; the engine keys them apart.
  std::vector<Topology> topologies;
  topologies.push_back(testing::loadTestSnapshot(kRoot / "tests/data/verify/factored-edges"));
  topologies.push_back(testing::loadTestSnapshot(kRoot / "tests/data/corpus/batfish-test-nat-gateway"));
  const int seeds = seedCount();
  for (int seed = 1; seed <= seeds; ++seed) topologies.push_back(generateTopology(smallOptions(100 + seed, 12, 3)));
  for (size_t t = 0; t < topologies.size(); ++t) {
    CAPTURE(t);
    const NaaScope scope = sourceIdScope(topologies[t]);
    auto reports = compare(topologies[t], t == 0, {}, {scope});
    REQUIRE(reports.size() == 2);
    // Going out it was factored: far fewer traces than classes.
    CHECK(reports[1].traces * 4 < reports[1].classes_checked);
  }
}

TEST_CASE("factored engine: a dual-stack network, decided as class by class over both families", "[factored]") {
  // The IPv6 half is traced class by class in both modes; the reports, IPv4
  // and IPv6 findings together, must still be identical.
  Topology topo;
  std::vector<Diagnostic> errors;
  REQUIRE(loadNativeTopology(kRoot / "tests/data/ipv6/dual-stack.yaml", LoadOptions{}, topo, errors));
  topo.finalize();
  for (bool hypothetical : {true, false}) {
    auto reports = compare(topo, hypothetical, {"igw-egress", "igw-ingress", "vpc-egress"});
    REQUIRE(reports.size() == 4);
    // IPv6 findings: out through both kinds of gateway, in through the internet gateway.
    CHECK(findingTo(reports[0], "igw-dual") != nullptr);
    CHECK(findingTo(reports[0], "eigw-dual") != nullptr);
    CHECK(findingTo(reports[1], "igw-dual") != nullptr);
    CHECK(findingTo(reports[2], "eni-web") != nullptr);
    CHECK(findingTo(reports[2], "eni-eonly") == nullptr);
  }
}

TEST_CASE("factored engine: vpc-ingress and vpc-egress, decided as class by class", "[factored]") {
  // Their ingress half (from the internet) is factored; their egress half
  // reaches private destinations and stays class by class (docs/verify.md).
  std::vector<std::pair<std::string, Topology>> topologies;
  topologies.emplace_back("factored-edges", testing::loadTestSnapshot(kRoot / "tests/data/verify/factored-edges"));
  topologies.emplace_back("nat-gateway", testing::loadTestSnapshot(kRoot / "tests/data/corpus/batfish-test-nat-gateway"));
  topologies.emplace_back("aws_demo", testing::loadTestSnapshot(kRoot / "tests/data/corpus/lab-validation/aws_demo"));
  const int seeds = seedCount();
  for (int seed = 1; seed <= seeds; ++seed) {
    topologies.emplace_back("seed " + std::to_string(seed), generateTopology(smallOptions(seed, 8, 2)));
  }
  size_t ingress_findings = 0;
  size_t egress_findings = 0;
  for (size_t t = 0; t < topologies.size(); ++t) {
    CAPTURE(topologies[t].first);
    std::vector<sim::VerifyReport> reference;
    auto reports = compare(topologies[t].second, t == 0, {"vpc-ingress", "vpc-egress"}, {}, &reference);
    REQUIRE(reports.size() == 3);
    ingress_findings += reports[1].findings.size();
    egress_findings += reports[2].findings.size();
    // The ingress half took fewer traces than the reference's (when there
    // is one: some generated networks give no interface a public address).
    for (size_t i : {size_t{1}, size_t{2}}) {
      CAPTURE(reports[i].check);
      CHECK(reports[i].traces <= reference[i].traces);
      if (t == 0) CHECK(reports[i].traces < reference[i].traces);
    }
    if (t == 0) {
      // From the internet into the public interfaces of factored-edges.
      CHECK(findingTo(reports[1], "eni-a") != nullptr);
      CHECK(findingTo(reports[1], "eni-g") != nullptr);
    }
  }
  // The comparisons covered findings of both scopes, not only their absence.
  CHECK(ingress_findings > 0);
  CHECK(egress_findings > 0);
}

TEST_CASE("factored engine: Destinations naming resources by ID from the internet, decided as class by class",
          "[factored]") {
  // Targets of one key whose own resources the statements match
  // differently must not share a decision; the engine keys them apart.
  std::vector<Topology> topologies;
  topologies.push_back(testing::loadTestSnapshot(kRoot / "tests/data/verify/factored-edges"));
  topologies.push_back(testing::loadTestSnapshot(kRoot / "tests/data/corpus/lab-validation/aws_demo"));
  const int seeds = seedCount();
  for (int seed = 1; seed <= seeds; ++seed) topologies.push_back(generateTopology(smallOptions(200 + seed, 16, 3)));
  size_t findings = 0;
  for (size_t t = 0; t < topologies.size(); ++t) {
    CAPTURE(t);
    const NaaScope scope = destinationIdScope(topologies[t]);
    auto reports = compare(topologies[t], t == 0, {}, {scope});
    REQUIRE(reports.size() == 2);
    findings += reports[1].findings.size();
    // Only the ingress half runs, factored: far fewer traces than classes.
    CHECK(reports[1].traces * 4 < reports[1].classes_checked);
  }
  CHECK(findings > 0);
}

TEST_CASE("factored engine: packet-header statements, decided as class by class", "[factored]") {
  // The scope's CIDRs and ports split cells that every table sorts alike,
  // and a target's address decides an ExcludePaths header coming in.
  std::vector<Topology> topologies;
  topologies.push_back(testing::loadTestSnapshot(kRoot / "tests/data/verify/factored-edges"));
  topologies.push_back(testing::loadTestSnapshot(kRoot / "tests/data/corpus/lab-validation/aws_demo"));
  const int seeds = seedCount();
  for (int seed = 1; seed <= seeds; ++seed) topologies.push_back(generateTopology(smallOptions(300 + seed, 12, 2)));
  std::vector<uint64_t> findings(3, 0);
  for (size_t t = 0; t < topologies.size(); ++t) {
    CAPTURE(t);
    std::string excluded = "54.0.0.21/32";
    for (const auto& eni : topologies[t].enis) {
      if (!eni.public_ips.empty()) excluded = eni.public_ips.front().public_ip.str() + "/32";
    }
    std::vector<NaaScope> scopes;
    for (const std::string& json : {
             std::string(R"({"MatchPaths": [{"Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]},
                 "PacketHeaderStatement": {"SourceAddresses": ["0.0.0.0/1", "54.0.0.10/32"], "DestinationPorts": ["22", "80-443"],
                                           "Protocols": ["tcp"]}},
                 "Destination": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NetworkInterface"]}}}],
               "ExcludePaths": [{"Destination": {"PacketHeaderStatement": {"DestinationAddresses": [")") +
                 excluded + R"("]}}}]})",
             std::string(R"({"MatchPaths": [{"Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NetworkInterface"]},
                 "PacketHeaderStatement": {"DestinationAddresses": ["8.0.0.0/7", "52.0.0.0/6"], "DestinationPorts": ["443", "1000-2000"]}},
                 "Destination": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}}}],
               "ExcludePaths": [{"Source": {"PacketHeaderStatement": {"SourceAddresses": ["10.0.0.0/9"]}}}]})"),
         }) {
      auto scope = parseNaaScope(json, "headers.json");
      INFO(json);
      REQUIRE(scope.ok());
      scopes.push_back(*scope);
    }
    auto example = loadNaaScope(kRoot / "tests/data/naa-scopes/03-internet-egress-except-trusted-cidr.json");
    REQUIRE(example.ok());
    scopes.push_back(*example);
    std::vector<sim::VerifyReport> reference;
    auto reports = compare(topologies[t], t == 0, {}, scopes, &reference);
    REQUIRE(reports.size() == 4);
    for (size_t i = 0; i < 3; ++i) {
      CAPTURE(reports[i + 1].check);
      findings[i] += reports[i + 1].findings.size();
      CHECK(reports[i + 1].traces < reference[i + 1].traces);  // factored, at least in part
    }
  }
  for (uint64_t count : findings) CHECK(count > 0);  // each scope's comparison covered findings
}

TEST_CASE("factored engine: Sources naming resource types, decided as class by class", "[factored]") {
  // Going out to internet gateways, a Source by type (instance, peering
  // connection) is matched by the interface's origin or the path's entry
  // gateways: interfaces of one key that it matches differently are keyed
  // apart. Destinations may name internet gateways by ID, and exclusions
  // gateways a path leaves through.
  std::vector<Topology> topologies;
  topologies.push_back(testing::loadTestSnapshot(kRoot / "tests/data/verify/factored-edges"));
  topologies.push_back(testing::loadTestSnapshot(kRoot / "tests/data/corpus/batfish-test-nat-gateway"));
  const int seeds = seedCount();
  for (int seed = 1; seed <= seeds; ++seed) {
    // Every other interface detached from its instance: interfaces alike
    // but for that, which the Instance type tells apart.
    Topology topo = generateTopology(smallOptions(400 + seed, 12, 3));
    for (size_t i = 0; i < topo.enis.size(); i += 2) topo.enis[i].instance_id.clear();
    topologies.push_back(std::move(topo));
  }
  uint64_t findings = 0;
  for (size_t t = 0; t < topologies.size(); ++t) {
    CAPTURE(t);
    const Topology& topo = topologies[t];
    REQUIRE(!topo.internet_gateways.empty());
    REQUIRE(!topo.subnets.empty());
    std::string json = R"({"MatchPaths": [
        {"Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::Instance"]}},
         "Destination": {"ResourceStatement": {"Resources": [")" +
                       topo.internet_gateways.front().meta.id + R"("]}}},
        {"Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::VPCPeeringConnection", "AWS::EC2::Instance"]}},
         "Destination": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}}}],
      "ExcludePaths": [{"Source": {"ResourceStatement": {"Resources": [")" +
                       topo.subnets.front().meta.id + R"("]}}},
        {"Destination": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::TransitGatewayAttachment"]}}}]})";
    auto scope = parseNaaScope(json, "source-types.json");
    INFO(json);
    REQUIRE(scope.ok());
    auto reports = compare(topo, t == 0, {}, {*scope});
    REQUIRE(reports.size() == 2);
    findings += reports[1].findings.size();
    CHECK(reports[1].traces * 4 < reports[1].classes_checked);  // factored
  }
  CHECK(findings > 0);
}

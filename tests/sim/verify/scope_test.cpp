// Tests for Network Access Analyzer scopes (sim::verifyScope) on a network built for AWS's documentation examples.
#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "reports/path_render.h"
#include "reports/verify_report.h"
#include "sim/estate.h"
#include "sim/query.h"
#include "sim/verify/verify.h"
#include "formats/generator.h"
#include "formats/loader.h"
#include "formats/scope_file.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

using namespace vpcsim;
using namespace vpcsim::topology;

namespace {

const std::filesystem::path kRoot = VPCSIM_SOURCE_DIR;

Topology lab() {
  Topology topo;
  std::vector<Diagnostic> errors;
  bool ok = loadNativeTopology(kRoot / "tests/data/naa-lab/topology.yaml", LoadOptions{}, topo, errors);
  for (const auto& error : errors) UNSCOPED_INFO(error.str());
  REQUIRE(ok);
  topo.finalize();
  return topo;
}

NaaScope example(const std::string& name) {
  auto scope = loadNaaScope(kRoot / "tests/data/naa-scopes" / name);
  if (!scope) FAIL(scope.diagnostic().str());
  return std::move(scope).value();
}

sim::VerifyReport run(const sim::Network& network, const NaaScope& scope) {
  auto report = sim::verifyScope(network, scope);
  if (!report) FAIL(report.error());
  return std::move(report).value();
}

/// (rule, source group, exit) of every finding.
std::set<std::tuple<std::string, std::string, std::string>> groups(const sim::VerifyReport& report) {
  std::set<std::tuple<std::string, std::string, std::string>> out;
  for (const auto& finding : report.findings) out.emplace(finding.rule, finding.source_subnet, finding.exit_point);
  return out;
}

bool inCidr(const topology::IpAddress& address, const char* cidr) { return Cidr::parse(cidr).value().contains(address); }

}  // namespace

TEST_CASE("01 subnet isolation: each app subnet reaches the other's app interface on tcp/8080", "[scope]") {
  Topology topo = lab();
  sim::Network network(topo);
  auto report = run(network, example("01-subnet-isolation.json"));
  CHECK(report.verdict == sim::Verdict::kReachable);
  CHECK(report.check == "scope 01-subnet-isolation");
  // sg-app admits tcp/8080 from the VPC; every source in subnet-1 (eni-app1,
  // new interfaces with any group, all of which allow all egress except
  // sg-bastion's) reaches eni-app2, and the other way round.
  CHECK(groups(report) == std::set<std::tuple<std::string, std::string, std::string>>{
                              {"/MatchPaths/0", "subnet-1-id", "eni-app2"},
                              {"/MatchPaths/1", "subnet-2-id", "eni-app1"}});
  for (const auto& finding : report.findings) {
    CHECK(finding.example.protocol == kProtocolTcp);
    CHECK(finding.example.destination_port == 8080);
    CHECK(finding.round_trip);
  }
}

TEST_CASE("02 internet-gateway ingress to the public subnet: the bastion's ssh", "[scope]") {
  Topology topo = lab();
  sim::Network network(topo);
  auto report = run(network, example("02-igw-ingress-bypassing-network-firewall.json"));
  REQUIRE(report.verdict == sim::Verdict::kReachable);
  // No firewall on the way, so nothing is excluded: the bastion (54.10.10.10)
  // and a new interface with sg-bastion take tcp/22 from the internet.
  std::set<std::string> exits;
  for (const auto& finding : report.findings) {
    CHECK(finding.rule == "/MatchPaths/0");
    CHECK(finding.source_subnet == "internet via igw-0a1b2c3d");
    CHECK(finding.example.protocol == kProtocolTcp);
    CHECK(finding.example.destination_port == 22);
    exits.insert(finding.exit_point.substr(0, finding.exit_point.find(' ')));
  }
  CHECK(exits.count("eni-bastion") == 1);
  CHECK(exits.size() == 2);  // the bastion and a new interface with sg-bastion
  // The SG rule that lets it in is named, with where it is written.
  auto bastion = std::find_if(report.findings.begin(), report.findings.end(),
                              [](const auto& f) { return f.exit_point.rfind("eni-bastion", 0) == 0; });
  REQUIRE(bastion != report.findings.end());
  CHECK(bastion->opening.rfind("sg-bastion ingress rule", 0) == 0);
  CHECK(bastion->location.find("topology.yaml:") != std::string::npos);
}

TEST_CASE("03 internet egress except a trusted CIDR: the exclusion removes exactly those classes", "[scope]") {
  Topology topo = lab();
  sim::Network network(topo);
  NaaScope scope = example("03-internet-egress-except-trusted-cidr.json");
  auto report = run(network, scope);
  REQUIRE(report.verdict == sim::Verdict::kReachable);
  uint64_t with_exclusion = 0;
  for (const auto& finding : report.findings) {
    // Only the public subnet routes to the internet gateway.
    CHECK(finding.source_subnet == "subnet-814424dd");
    CHECK(finding.exit_point.rfind("igw-0a1b2c3d", 0) == 0);
    CHECK_FALSE(inCidr(finding.example.destination, "55.3.0.0/16"));
    CHECK(finding.opening == "rtb-public route 0.0.0.0/0 -> igw-0a1b2c3d");
    with_exclusion += finding.classes;
  }
  scope.exclude_paths.clear();
  auto all = run(network, scope);
  uint64_t without = 0;
  for (const auto& finding : all.findings) without += finding.classes;
  CHECK(without > with_exclusion);
  // The bastion only sends tcp/443 to 55.3.0.0/16: a finding without the
  // exclusion, none with it.
  const std::string bastion_only =
      R"({"MatchPaths": [{"Source": {"ResourceStatement": {"Resources": ["eni-bastion"]}},
                          "Destination": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}}}])";
  auto to_igw = parseNaaScope(bastion_only + "}", "bastion.json");
  REQUIRE(to_igw);
  auto found = run(network, *to_igw);
  REQUIRE(found.findings.size() == 1);
  CHECK(inCidr(found.findings[0].example.destination, "55.3.0.0/16"));
  CHECK(found.findings[0].example.destination_port == 443);
  auto trusted = parseNaaScope(
      bastion_only +
          R"(, "ExcludePaths": [{"Destination": {"PacketHeaderStatement": {"DestinationAddresses": ["55.3.0.0/16"]}}}]})",
      "bastion-trusted.json");
  REQUIRE(trusted);
  CHECK(run(network, *trusted).verdict == sim::Verdict::kUnreachable);
}

TEST_CASE("04 a resource group the input does not describe makes the answer undetermined", "[scope]") {
  Topology topo = lab();
  sim::Network network(topo);
  auto report = run(network, example("04-bastion-inbound-not-ssh.json"));
  CHECK(report.verdict == sim::Verdict::kUndetermined);
  CHECK(report.findings.empty());
  REQUIRE_FALSE(report.undetermined.empty());
  CHECK(report.undetermined[0].explanations.at(0).code == "NOT_MODELLED");
  CHECK(report.undetermined[0].explanations.at(0).message.find("resource-groups") != std::string::npos);
}

TEST_CASE("06 VPC-to-IGW getting-started scope: paths from the VPC, none that start at the gateway", "[scope]") {
  Topology topo = lab();
  sim::Network network(topo);
  auto report = run(network, example("06-cli-getting-started-vpc-to-igw.json"));
  REQUIRE(report.verdict == sim::Verdict::kReachable);
  std::set<std::string> rules;
  for (const auto& finding : report.findings) {
    rules.insert(finding.rule);
    CHECK(finding.source_subnet.rfind("internet", 0) != 0);  // ExcludePaths: Source InternetGateway
  }
  CHECK(rules == std::set<std::string>{"/MatchPaths/0"});  // every egress path is first matched by the VPC source
}

TEST_CASE("the Amazon-created IGW ingress scope finds the bastion and nothing in private subnets", "[scope]") {
  Topology topo = lab();
  sim::Network network(topo);
  auto scope = builtinNaaScope("igw-ingress");
  REQUIRE(scope);
  auto report = run(network, *scope);
  REQUIRE(report.verdict == sim::Verdict::kReachable);
  for (const auto& finding : report.findings) {
    CHECK(finding.example.destination_port == 22);
    CHECK(finding.exit_point.find("subnet-1-id") == std::string::npos);
  }
}

TEST_CASE("a scope naming a resource that is not in the input is an error with a suggestion", "[scope]") {
  Topology topo = lab();
  sim::Network network(topo);
  auto scope = parseNaaScope(R"({"MatchPaths": [{"Source": {"ResourceStatement": {"Resources": ["subnet-1-ld"]}}}]})",
                             "typo.json");
  REQUIRE(scope);
  auto report = sim::verifyScope(network, *scope);
  REQUIRE_FALSE(report);
  CHECK(report.error() ==
        "scope typo: /MatchPaths/0/Source names resource 'subnet-1-ld', which is not in the input (did you mean "
        "'subnet-1-id'?)");
}

TEST_CASE("scope answers are deterministic", "[scope]") {
  Topology topo = lab();
  sim::Network network(topo);
  auto scope = example("03-internet-egress-except-trusted-cidr.json");
  auto a = run(network, scope);
  auto b = run(network, scope);
  REQUIRE(a.findings.size() == b.findings.size());
  for (size_t i = 0; i < a.findings.size(); ++i) {
    CHECK(a.findings[i].example_text == b.findings[i].example_text);
    CHECK(a.findings[i].classes == b.findings[i].classes);
  }
}

namespace {

/// Everything a report says, as text: counts, each finding with its example and path,
/// each undetermined example, the assumptions.
std::string fingerprint(const sim::VerifyReport& report) {
  std::string out = std::string(sim::verdictName(report.verdict)) + " " + std::to_string(report.classes_checked) +
                    " " + std::to_string(report.undetermined_classes) + "\n";
  for (const auto& f : report.findings) {
    out += f.rule + "|" + f.source_subnet + "|" + f.exit_point + "|" + f.source + "|" + f.example_text + "|" +
           std::to_string(f.classes) + "|" + (f.round_trip ? "trip" : "out") + "|" + f.opening + "\n";
    for (const auto& hop : f.path) {
      out += "  " + sim::componentName(hop) + " " + reports::hopRule(hop) + " " +
             std::string(reports::directionName(hop.direction)) + "\n";
    }
  }
  for (const auto& u : report.undetermined) {
    out += "? " + u.source + (u.explanations.empty() ? "" : " " + u.explanations.front().code) + "\n";
  }
  for (const auto& a : report.assumptions) out += "a " + a + "\n";
  return out;
}

}  // namespace

TEST_CASE("scope and internet-free answers do not depend on the number of threads", "[scope]") {
  // One thread tallies every class in order; more threads tally chunks and merge them in
  // a fixed order. Every thread count must give the report one thread gives, down to
  // which class is each group's example (changing the merge to keep the later of two
  // equally good examples fails this test).
  Topology topo = lab();
  sim::Network network(topo);
  std::vector<NaaScope> scopes{example("03-internet-egress-except-trusted-cidr.json"),
                               builtinNaaScope("igw-ingress").value(), builtinNaaScope("vpc-egress").value()};
  for (const auto& scope : scopes) {
    CAPTURE(scope.name);
    sim::VerifyOptions one;
    one.threads = 1;
    auto single = sim::verifyScope(network, scope, one);
    REQUIRE(single);
    REQUIRE_FALSE(single->findings.empty());
    const std::string expected = fingerprint(*single);
    for (unsigned threads : {2U, 3U, 8U}) {
      CAPTURE(threads);
      sim::VerifyOptions many;
      many.threads = threads;
      auto parallel = sim::verifyScope(network, scope, many);
      REQUIRE(parallel);
      CHECK(fingerprint(*parallel) == expected);
    }
  }
  {
    // A generated network: many interfaces per subnet, so one finding group gathers
    // classes from several chunks, and its example must still be the first best one.
    GeneratorOptions options;
    options.enis = 16;
    options.subnets = 2;
    options.security_groups = 3;
    options.rules_per_group = 4;
    options.seed = 7;
    Topology generated = generateTopology(options);
    sim::Network generated_network(generated);
    auto scope = builtinNaaScope("igw-egress").value();
    std::vector<std::string> subnets;
    for (const auto& subnet : generated.subnets) subnets.push_back(subnet.meta.id);
    sim::VerifyOptions one;
    one.threads = 1;
    auto single = sim::verifyScope(generated_network, scope, one);
    auto single_free = sim::verifyInternetFree(generated_network, subnets, one);
    REQUIRE(single);
    REQUIRE(single_free);
    REQUIRE(single->findings.size() >= 2);
    sim::VerifyOptions many = one;
    many.threads = 3;
    auto parallel = sim::verifyScope(generated_network, scope, many);
    auto parallel_free = sim::verifyInternetFree(generated_network, subnets, many);
    REQUIRE(parallel);
    REQUIRE(parallel_free);
    CHECK(fingerprint(*parallel) == fingerprint(*single));
    CHECK(fingerprint(*parallel_free) == fingerprint(*single_free));
  }
  sim::VerifyOptions one;
  one.threads = 1;
  auto single = sim::verifyInternetFree(network, {"subnet-1-id", "subnet-814424dd"}, one);
  REQUIRE(single);
  sim::VerifyOptions many;
  many.threads = 5;
  auto parallel = sim::verifyInternetFree(network, {"subnet-1-id", "subnet-814424dd"}, many);
  REQUIRE(parallel);
  CHECK(fingerprint(*parallel) == fingerprint(*single));
}

TEST_CASE("the internet reaches a new interface in a subnet that maps public addresses, by that address",
          "[scope][reach]") {
  Topology topo = lab();
  sim::Network network(topo);
  sim::ReachQuery query;
  query.from = "internet";
  query.to = "subnet:subnet-814424dd";
  query.security_groups = {"sg-bastion"};
  query.protocol = "tcp";
  query.port = 22;
  auto report = sim::reach(network, query);
  REQUIRE(report);
  // Before the stand-in public address was honoured on the way in, this came
  // back unreachable ("a private address"): a wrong unreachable.
  CHECK(report->verdict == sim::Verdict::kReachable);
  query.to = "subnet:subnet-1-id";  // no public addresses there
  auto private_subnet = sim::reach(network, query);
  REQUIRE(private_subnet);
  CHECK(private_subnet->verdict == sim::Verdict::kUnreachable);
}

namespace {

/// A scope's report with and without VerifyOptions::skip_other_estates, as JSON (and the traces each ran).
struct BothWays {
  std::string skipping, tracing;
  uint64_t skipping_traces = 0, tracing_traces = 0;
  sim::VerifyReport report;
};

BothWays bothWays(const sim::Network& network, const NaaScope& scope, bool hypothetical) {
  sim::VerifyOptions tracing;
  tracing.hypothetical_enis = hypothetical;
  tracing.skip_other_estates = false;
  tracing.threads = 2;
  sim::VerifyOptions skipping = tracing;
  skipping.skip_other_estates = true;
  auto a = sim::verifyScope(network, scope, skipping);
  auto b = sim::verifyScope(network, scope, tracing);
  REQUIRE(a);
  REQUIRE(b);
  return {reports::verifyJson({*a}), reports::verifyJson({*b}), a->traces, b->traces, *a};
}

NaaScope parsed(const std::string& json) {
  auto scope = parseNaaScope(json, "test-scope.json");
  REQUIRE(scope);
  return std::move(scope).value();
}

}  // namespace

TEST_CASE("classes to addresses only other estates hold are decided as if traced", "[scope]") {
  // tests/data/verify/other-estates/README.md: eni-a1 may send tcp/443 only to
  // members of sg-b, a group of a VPC joined to nothing; its default route
  // leads to a NAT gateway. 10.1.1.10 (eni-b1, in sg-b) gets out through the
  // NAT gateway and must not be taken for its shadow, which does not;
  // 10.1.1.20 (eni-b2) decides nothing, as its shadow, and is not traced;
  // nor are eni-a1's and nat-a's addresses from eni-b1 and eni-b2.
  Topology topo;
  std::vector<Diagnostic> errors;
  REQUIRE(loadNativeTopology(kRoot / "tests/data/verify/other-estates/topology.yaml", LoadOptions{}, topo, errors));
  topo.finalize();
  sim::Network network(topo);
  const NaaScope through_nat = parsed(R"({"MatchPaths": [{
      "Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NetworkInterface"]}},
      "ThroughResources": [{"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NatGateway"]}}]}]})");
  BothWays answer = bothWays(network, through_nat, false);
  CHECK(answer.skipping == answer.tracing);
  REQUIRE(answer.report.findings.size() == 1);
  const sim::InternetFinding& finding = answer.report.findings.front();
  CHECK(finding.exit_point == "nat-a");
  CHECK(finding.classes == 1);
  CHECK(finding.example_text == "tcp 10.0.1.10:49152 -> 10.1.1.10:443");
  // Those five (source, address) pairs, for every header class, are decided by their shadows'.
  CHECK(answer.tracing_traces - answer.skipping_traces == 5 * sim::HeaderSpace(network).headerClasses());
  CHECK(answer.tracing_traces == answer.report.classes_checked);
  // New interfaces (the default group: all egress) reach everything through the NAT gateway: nothing to skip.
  BothWays with_new = bothWays(network, through_nat, true);
  CHECK(with_new.skipping == with_new.tracing);
}

TEST_CASE("scopes reaching private destinations give the same report with and without the estate shortcut",
          "[scope]") {
  // Generated networks of five VPCs, some of them joined by a transit
  // gateway or peering, others alone: every interface to every interface,
  // and the Amazon-created VPC egress and ingress scopes.
  const std::vector<NaaScope> scopes{
      parsed(R"({"MatchPaths": [{
          "Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NetworkInterface"]}},
          "Destination": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NetworkInterface"]}}}]})"),
      builtinNaaScope("vpc-egress").value(), builtinNaaScope("vpc-ingress").value()};
  bool skipped = false;
  // Class by class, every interface to every interface: the slowest unit
  // test. Under the sanitizers (ten times slower) one network stands for
  // the three; the Release run checks all of them.
#if defined(__SANITIZE_ADDRESS__)
  const std::vector<uint64_t> seeds{4U};
#else
  const std::vector<uint64_t> seeds{2U, 4U, 6U};
#endif
  for (uint64_t seed : seeds) {
    CAPTURE(seed);
    GeneratorOptions options;
    options.enis = 12;
    options.subnets = 10;
    options.vpcs = 5;
    options.security_groups = 6;
    options.rules_per_group = 4;
    options.seed = seed;
    Topology topo = generateTopology(options);
    REQUIRE(sim::findEstates(topo).list.size() >= 2);
    sim::Network network(topo);
    for (const auto& scope : scopes) {
      CAPTURE(scope.name);
      BothWays answer = bothWays(network, scope, seed == 2);
      CHECK(answer.skipping == answer.tracing);
      CHECK(answer.skipping_traces <= answer.tracing_traces);
      skipped = skipped || answer.skipping_traces < answer.tracing_traces;
    }
  }
  CHECK(skipped);
}

TEST_CASE("a scope may name an instance that only interface attachments name", "[scope]") {
  // batfish-test-nat-gateway has no describe-instances output; eni-0cbd69297d26de519's
  // attachment names i-0a73a1a6021c03ddb. Its subnet routes only inside the VPC.
  Topology topo;
  std::vector<Diagnostic> errors;
  REQUIRE(loadSnapshot(kRoot / "tests/data/corpus/batfish-test-nat-gateway/aws_configs", LoadOptions{}, topo, errors));
  topo.finalize();
  sim::Network network(topo);
  auto scope = [](const std::string& instance) {
    return parsed(R"({"MatchPaths": [{"Source": {"ResourceStatement": {"Resources": [")" + instance +
                  R"("]}}, "Destination": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NetworkInterface"]}}}]})");
  };
  auto report = sim::verifyScope(network, scope("i-0a73a1a6021c03ddb"));
  REQUIRE(report);
  CHECK(report->verdict == sim::Verdict::kReachable);
  REQUIRE_FALSE(report->findings.empty());
  for (const auto& finding : report->findings) CHECK(finding.source == "eni-0cbd69297d26de519");
  auto typo = sim::verifyScope(network, scope("i-0a73a1a6021c03ddc"));
  REQUIRE_FALSE(typo);
  CHECK(typo.error() ==
        "scope test-scope: /MatchPaths/0/Source names resource 'i-0a73a1a6021c03ddc', which is not in the input (did "
        "you mean 'i-0a73a1a6021c03ddb'?)");
}

// Tests for scenario files (topology/scenario.cpp): parsing, diagnostics, variant stacks and topologies.
#include <algorithm>
#include <atomic>
#include <iterator>
#include <utility>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "formats/loader.h"
#include "scenario/scenario.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::scenario;  // NOLINT(google-build-using-namespace)

#ifndef VPCSIM_SOURCE_DIR
#define VPCSIM_SOURCE_DIR "."
#endif

namespace vpcsim::topology {
namespace {

// A scenario file in its own temp folder, removed on scope exit.
class TempScenario {
 public:
  explicit TempScenario(const std::string& text) {
    static std::atomic<int> counter{0};
    std::random_device random;
    dir_ = std::filesystem::temp_directory_path() /
           ("vpcsim-scenario-" + std::to_string(random()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
    path_ = dir_ / "study.yaml";
    std::ofstream(path_) << text;
  }
  ~TempScenario() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TempScenario(const TempScenario&) = delete;
  TempScenario& operator=(const TempScenario&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }
  [[nodiscard]] std::string name() const { return path_.string(); }

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

std::vector<std::string> errorsOf(const std::string& text, std::string& file) {
  TempScenario scenario(text);
  file = scenario.name();
  Scenario out;
  std::vector<Diagnostic> diagnostics;
  bool ok = loadScenario(scenario.path(), out, diagnostics);
  std::vector<std::string> errors;
  for (const auto& d : diagnostics) errors.push_back(d.str());
  CHECK(ok == errors.empty());
  return errors;
}

const std::string kCfn = std::string(VPCSIM_SOURCE_DIR) + "/tests/data/cfn/";

std::string labScenario(const std::string& sagemaker) {
  return "inputs:\n"
         "  stacks:\n"
         "    - template: " + kCfn + "network-vpc.yaml\n"
         "      stack_name: vpc\n"
         "      parameters:\n"
         "        AvailabilityZones: [us-east-1a, us-east-1b]\n"
         "        NumberOfAZs: 2\n"
         "        VPCCIDR: 192.168.0.0/16\n"
         "        PrivateSubnet1ACIDR: 192.168.0.0/20\n"
         "        PrivateSubnet2ACIDR: 192.168.16.0/20\n" +
         sagemaker;
}

}  // namespace

TEST_CASE("a scenario file parses into inputs, workloads, variants and checks", "[scenario]") {
  TempScenario file(R"(name: study
description: what-ifs
region: eu-west-1
account: "111122223333"
inputs:
  snapshots: snap
  topologies: [extra.yaml]
  stacks:
    - template: cfn/vpc.yaml
      parameters: {Azs: [a, b], Count: 2}
    - {template: cfn/nat.yaml, stack_name: nat, parameters: {VpcId: "@vpc.VPCId"}}
sagemaker:
  studio_domains:
    - name: studio
      network_mode: VpcOnly
      subnets: [PrivateSubnet1A, name:private-b]
      security_groups: SageMakerSecurityGroup
      user_profiles:
        - {name: ds, execution_role: role/ds, security_groups: [Extra]}
  jobs:
    - {name: train, kind: training, vpc_config: {subnets: PrivateSubnet1A, security_groups: [SageMakerSecurityGroup]}, network_isolation: true, instance_count: 3}
variants:
  no-nat:
    remove_stacks: [nat]
  bigger:
    description: more AZs
    parameters: {vpc: {Count: 3, Extra: x}}
    add_stacks: [{template: cfn/more.yaml}]
    topologies: layer.yaml
checks:
  - name: pypi
    reach: {from: notebook:studio/ds, to: pypi}
    expect: unreachable
  - name: by variant
    reach: {from: "subnet:PrivateSubnet1A", security_groups: [SageMakerSecurityGroup], to: service:s3, protocol: udp, port: 53}
    expect_by_variant: {bigger: reachable, baseline: unreachable}
  - name: restricted
    reach: {from: internet, to: notebook:studio}
    expect: unreachable
    expect_by_variant: {no-nat: partial}
    variants: [no-nat, baseline]
)");
  Scenario s;
  std::vector<Diagnostic> errors;
  REQUIRE(loadScenario(file.path(), s, errors));
  CHECK(errors.empty());
  CHECK(s.name == "study");
  CHECK(s.description == "what-ifs");
  CHECK(s.region == "eu-west-1");
  CHECK(s.account == "111122223333");
  REQUIRE(s.snapshots.size() == 1);
  CHECK(s.snapshots[0] == (file.dir() / "snap").lexically_normal());
  REQUIRE(s.topologies.size() == 1);
  CHECK(s.topologies[0] == (file.dir() / "extra.yaml").lexically_normal());
  REQUIRE(s.stacks.size() == 2);
  CHECK(s.stacks[0].stack_name == "vpc");  // the template's base name
  CHECK(s.stacks[0].parameters == ParameterList{{"Azs", "a,b"}, {"Count", "2"}});
  CHECK(s.stacks[1].stack_name == "nat");
  CHECK(s.stacks[1].parameters == ParameterList{{"VpcId", "@vpc.VPCId"}});

  REQUIRE(s.studio_domains.size() == 1);
  const ScenarioDomain& domain = s.studio_domains[0];
  CHECK(domain.id == "d-studio");
  CHECK(domain.network_mode == StudioNetworkMode::kVpcOnly);
  REQUIRE(domain.subnets.size() == 2);
  CHECK(domain.subnets[1].text == "name:private-b");
  CHECK(domain.subnets[1].location == file.name() + ":16:34");
  REQUIRE(domain.security_groups.size() == 1);
  REQUIRE(domain.user_profiles.size() == 1);
  CHECK(domain.user_profiles[0].security_groups[0].text == "Extra");
  REQUIRE(s.jobs.size() == 1);
  CHECK(s.jobs[0].has_vpc_config);
  CHECK(s.jobs[0].network_isolation);
  CHECK(s.jobs[0].instance_count == 3);

  CHECK(s.variantNames() == std::vector<std::string>{"baseline", "no-nat", "bigger"});
  auto no_nat = variantStacks(s, "no-nat");
  REQUIRE(no_nat.size() == 1);
  CHECK(no_nat[0].stack_name == "vpc");
  auto bigger = variantStacks(s, "bigger");
  REQUIRE(bigger.size() == 3);
  CHECK(bigger[0].parameter_overrides == ParameterList{{"Azs", "a,b"}, {"Count", "3"}, {"Extra", "x"}});
  CHECK(bigger[2].stack_name == "more");
  CHECK(s.findVariant("bigger")->topologies[0] == (file.dir() / "layer.yaml").lexically_normal());

  REQUIRE(s.checks.size() == 3);
  CHECK(s.checks[0].variants == std::vector<std::string>{"baseline", "no-nat", "bigger"});
  CHECK(s.checks[0].expectedIn("bigger") == "unreachable");
  CHECK(s.checks[1].reach.port == 53);
  CHECK(s.checks[1].reach.security_groups == std::vector<std::string>{"SageMakerSecurityGroup"});
  CHECK(s.checks[1].variants == std::vector<std::string>{"baseline", "bigger"});  // scenario order
  CHECK(s.checks[1].expectedIn("no-nat").empty());
  CHECK(s.checks[2].variants == std::vector<std::string>{"baseline", "no-nat"});
  CHECK(s.checks[2].expectedIn("no-nat") == "partial");
  CHECK(s.checks[2].expectedIn("baseline") == "unreachable");
}

TEST_CASE("a capacity section names a plan beside the scenario and where it runs", "[scenario][capacity]") {
  TempScenario file("inputs: {}\nvariants: {v: {}}\ncapacity:\n  plan: plans/growth.yaml\n  trials: 500\n");
  Scenario out;
  std::vector<Diagnostic> diagnostics;
  REQUIRE(loadScenario(file.path(), out, diagnostics));
  REQUIRE(out.capacity.has_value());
  CHECK(out.capacity->plan == (file.dir() / "plans" / "growth.yaml").lexically_normal());
  CHECK(out.capacity->variants == std::vector<std::string>{"baseline"});
  CHECK(out.capacity->trials == 500);
  CHECK_FALSE(out.capacity->months.has_value());
  CHECK_FALSE(out.capacity->expect_headroom_months.has_value());
  CHECK(out.capacity->location == file.name() + ":4:3");
}

TEST_CASE("scenario errors read like compiler output and point at the spot", "[scenario]") {
  std::string file;
  SECTION("unknown keys, with a did-you-mean") {
    auto errors = errorsOf("inputs: {stacks: []}\nchekcs: []\nsagemaker:\n  jobs:\n    - {name: j, kind: trainig}\n", file);
    CHECK(errors == std::vector<std::string>{
                        file + ":2:1: error: unknown key 'chekcs' in scenario (did you mean 'checks'?)",
                        file + ":5:23: error: 'kind' must be training, processing or transform, not 'trainig' "
                               "(did you mean 'training'?)"});
  }
  SECTION("bad verdicts and unknown variants") {
    auto errors = errorsOf(R"(inputs: {}
variants:
  with-nat: {}
checks:
  - name: a
    reach: {from: internet, to: pypi}
    expect: reachabel
  - name: b
    reach: {from: internet, to: pypi, port: 70000}
    expect_by_variant: {with-nta: reachable}
  - name: c
    reach: {from: internet}
)",
                           file);
    CHECK(errors == std::vector<std::string>{
                        file + ":7:13: error: 'expect' must be reachable, unreachable, partial or undetermined, not "
                               "'reachabel' (did you mean 'reachable'?)",
                        file + ":9:45: error: 'port' must be a whole number from 0 to 65535, not '70000'",
                        file + ":10:25: error: check 'b' names unknown variant 'with-nta' (did you mean 'with-nat'?)",
                        file + ":11:5: error: check 'c' needs 'expect' or 'expect_by_variant'",
                        file + ":12:12: error: missing key 'to' in reach"});
  }
  SECTION("presigned-URL checks: their keys, and one question per check") {
    auto errors = errorsOf(R"(inputs: {}
checks:
  - name: a
    presigned_url: {profile: studio/p, created_from: internet, opened_form: internet, principal: Portal}
    expect: reachable
  - name: b
    reach: {from: internet, to: pypi}
    presigned_url: {profile: studio/p, created_from: internet, opened_from: internet, principal: Portal}
    expect: holds
)",
                           file);
    CHECK(errors == std::vector<std::string>{
                        file + ":4:20: error: missing key 'opened_from' in presigned_url",
                        file + ":4:64: error: unknown key 'opened_form' in presigned_url (did you mean 'opened_from'?)",
                        file + ":8:20: error: check 'b' has both 'reach' and 'presigned_url': one question per check",
                        file + ":9:13: error: 'expect' must be reachable, unreachable, partial or undetermined, not "
                               "'holds'"});
  }
  SECTION("access checks: their keys, and guarantee verdicts") {
    auto errors = errorsOf(R"(inputs: {}
checks:
  - name: a
    access: {from: [internet], to: service:ssm, actions: [ssm:GetParameter, GetParameter]}
    expect: reachable
)",
                           file);
    CHECK(errors == std::vector<std::string>{
                        file + ":4:13: error: missing key 'only' in access",
                        file + ":4:58: error: action 'GetParameter' is not SERVICE:Action (for example ssm:GetParameter)",
                        file + ":5:13: error: 'expect' must be holds, violated or undetermined, not 'reachable'"});
  }
  SECTION("stacks named by variants must exist") {
    auto errors = errorsOf(R"(inputs:
  stacks: [{template: vpc.yaml, stack_name: network}]
variants:
  baseline: {}
  v:
    remove_stacks: [netwrok]
    parameters: {nat: {A: 1}}
)",
                           file);
    CHECK(errors == std::vector<std::string>{
                        file + ":4:3: error: 'baseline' is the scenario's inputs as given and cannot be redefined",
                        file + ":6:21: error: variant 'v' removes unknown stack 'netwrok' (did you mean 'network'?)",
                        file + ":7:18: error: variant 'v' sets parameters of unknown stack 'nat'"});
  }
  SECTION("a check restricted to a variant without an expectation there") {
    auto errors = errorsOf(R"(inputs: {}
variants: {v: {}}
checks:
  - name: a
    reach: {from: internet, to: pypi}
    expect_by_variant: {v: reachable}
    variants: [baseline, v]
)",
                           file);
    CHECK(errors == std::vector<std::string>{file + ":4:5: error: check 'a' has no expectation for variant 'baseline'"});
  }
  SECTION("the capacity section") {
    auto errors = errorsOf(R"(inputs: {}
variants: {with-nat: {}}
capacity:
  plan: growth.yaml
  months: 0
  variants: [baseline, with-nta]
  expect: {with_az_los: true}
)",
                           file);
    CHECK(errors == std::vector<std::string>{
                        file + ":5:11: error: 'months' must be a whole number from 1 to 600, not '0'",
                        file + ":6:24: error: capacity names unknown variant 'with-nta' (did you mean 'with-nat'?)",
                        file + ":7:11: error: missing key 'headroom_months' in capacity expectation",
                        file + ":7:12: error: unknown key 'with_az_los' in capacity expectation (did you mean "
                               "'with_az_loss'?)"});
  }
  SECTION("yaml syntax and missing files") {
    auto errors = errorsOf("inputs: [\n", file);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].rfind(file + ":", 0) == 0);
    CHECK(errors[0].find("error: invalid yaml: ") != std::string::npos);
    Scenario s;
    std::vector<Diagnostic> diagnostics;
    CHECK_FALSE(loadScenario("no/such/scenario.yaml", s, diagnostics));
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0].str() == "no/such/scenario.yaml: error: cannot open file: No such file or directory");
  }
}

TEST_CASE("SageMaker references resolve by logical ID and Name tag after the stacks load", "[scenario]") {
  TempScenario file(labScenario(R"(sagemaker:
  studio_domains:
    - name: studio
      network_mode: VpcOnly
      subnets: [PrivateSubnet1A, name:private-sn-2a-sagemaker-admin-workshop]
      security_groups: [SageMakerSecurityGroup]
      user_profiles: [{name: ds}]
  jobs:
    - {name: in-vpc, kind: processing, vpc_config: {subnets: PrivateSubnet2A, security_groups: SageMakerSecurityGroup}}
)"));
  Scenario s;
  std::vector<Diagnostic> errors;
  REQUIRE(loadScenario(file.path(), s, errors));
  Topology topo;
  REQUIRE(buildVariantTopology(s, "baseline", topo, errors));
  CHECK(errors.empty());
  const StudioDomain* domain = topo.findStudioDomain("studio");
  REQUIRE(domain != nullptr);
  REQUIRE(domain->subnet_ids.size() == 2);
  CHECK(topo.findSubnet(domain->subnet_ids[0])->meta.logical_id == "PrivateSubnet1A");
  CHECK(topo.findSubnet(domain->subnet_ids[1])->meta.logical_id == "PrivateSubnet2A");
  CHECK(domain->vpc_id == topo.findSubnet(domain->subnet_ids[0])->vpc_id);
  CHECK(topo.findSecurityGroup(domain->security_group_ids.at(0))->meta.logical_id == "SageMakerSecurityGroup");
  REQUIRE(topo.user_profiles.size() == 1);
  CHECK(topo.user_profiles[0].domain == "d-studio");
  const SageMakerJob* job = topo.findJob("in-vpc");
  REQUIRE(job != nullptr);
  CHECK(topo.findSubnet(job->subnet_ids.at(0))->meta.logical_id == "PrivateSubnet2A");
}

TEST_CASE("an unknown SageMaker reference is an error at the scenario's spot", "[scenario]") {
  TempScenario file(labScenario(R"(sagemaker:
  studio_domains:
    - {name: studio, network_mode: VpcOnly, subnets: [PrivateSubnet1B], security_groups: [SageMakerSecurityGroup]}
)"));
  Scenario s;
  std::vector<Diagnostic> errors;
  REQUIRE(loadScenario(file.path(), s, errors));
  Topology topo;
  CHECK_FALSE(buildVariantTopology(s, "baseline", topo, errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() == file.name() +
                               ":13:55: error: subnet 'PrivateSubnet1B' is not in the input (did you mean "
                               "'PrivateSubnet1A'?)");
}

TEST_CASE("an edit's route target may be an instance that only interface attachments name", "[scenario]") {
  Topology topo;
  Vpc vpc;
  vpc.meta.id = "vpc-1";
  topo.vpcs.push_back(vpc);
  RouteTable table;
  table.meta.id = "rtb-1";
  table.vpc_id = "vpc-1";
  topo.route_tables.push_back(table);
  Eni eni;
  eni.meta.id = "eni-1";
  eni.vpc_id = "vpc-1";
  eni.instance_id = "i-0a73a1a6021c03ddb";
  eni.device_index = 0;
  topo.enis.push_back(eni);
  topo.finalize();

  ScenarioEdit route;
  route.kind = ScenarioEdit::Kind::kAddRoute;
  route.target = {"rtb-1", "s.yaml:3:7"};
  route.destination = "0.0.0.0/0";
  route.route_target = {"i-0a73a1a6021c03ddb", "s.yaml:3:40"};
  route.location = "s.yaml:3:7";
  std::vector<Diagnostic> errors;
  REQUIRE(applyEdits(topo, {route}, "", errors));
  REQUIRE(topo.route_tables[0].routes.size() == 1);
  CHECK(topo.route_tables[0].routes[0].target == RouteTarget::kInstance);
  CHECK(topo.route_tables[0].routes[0].target_id == "i-0a73a1a6021c03ddb");

  // There is no instance record to remove.
  ScenarioEdit remove;
  remove.kind = ScenarioEdit::Kind::kRemove;
  remove.target = {"i-0a73a1a6021c03ddb", "s.yaml:4:7"};
  remove.location = "s.yaml:4:7";
  CHECK_FALSE(applyEdits(topo, {remove}, "", errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() == "s.yaml:4:7: error: resource 'i-0a73a1a6021c03ddb' is not in the input");
}

}  // namespace vpcsim::topology

namespace vpcsim::topology {
namespace {

/// `section` (indented under `sagemaker:`) at the top level, where a native topology file has it.
std::string topLevel(const std::string& section) {
  std::string out;
  size_t start = 0;
  while (start < section.size()) {
    size_t end = section.find('\n', start);
    std::string line = section.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
    out += line.rfind("  ", 0) == 0 ? line.substr(2) : line;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

/// The messages (without place) of loading `section` as the `sagemaker:`
/// section of a scenario file and at the top level of a native topology file.
std::pair<std::vector<std::string>, std::vector<std::string>> sectionErrors(const std::string& section) {
  auto message = [](const Diagnostic& d) { return d.message; };
  std::vector<std::string> from_scenario;
  {
    TempScenario file(labScenario("sagemaker:\n" + section));
    Scenario out;
    std::vector<Diagnostic> diagnostics;
    loadScenario(file.path(), out, diagnostics);
    std::transform(diagnostics.begin(), diagnostics.end(), std::back_inserter(from_scenario), message);
  }
  std::vector<std::string> from_native;
  {
    TempScenario file("vpcs:\n  - {id: vpc-a, cidr: 10.0.0.0/16}\n"
                      "subnets:\n  - {id: subnet-a, vpc: vpc-a, az: us-east-1a, cidr: 10.0.1.0/24}\n"
                      "security_groups:\n  - {id: sg-a, vpc: vpc-a}\n"
                      + topLevel(section));
    Topology topology;
    std::vector<Diagnostic> diagnostics;
    formats::loadNativeTopology(file.path(), formats::LoadOptions{}, topology, diagnostics);
    std::transform(diagnostics.begin(), diagnostics.end(), std::back_inserter(from_native), message);
  }
  return {from_scenario, from_native};
}

}  // namespace

TEST_CASE("the SageMaker section reads alike in scenario and native topology files", "[scenario][native]") {
  // One parser (formats/sagemaker_section.h): the same mistake gives the same message in both files.
  auto [section, expected] = GENERATE(table<std::string, std::string>({
      {"  studio_domains:\n    - {id: studio, name: studio, network_mode: VpcOnlyy, subnets: [subnet-a]}\n",
       "'network_mode' must be VpcOnly or PublicInternetOnly, not 'VpcOnlyy' (did you mean 'VpcOnly'?)"},
      {"  studio_domains:\n    - {id: studio, name: studio, network_mode: VpcOnly}\n",
       "missing key 'subnets' in studio domain (VpcOnly needs subnets)"},
      {"  studio_domains:\n    - id: studio\n      name: studio\n      user_profiles:\n        - {name: ds}\n"
       "        - {name: ds}\n",
       "duplicate user profile 'ds' in studio domain 'studio'"},
      {"  studio_domains:\n    - {id: studio, name: studio, user_profiles: [{name: ds, role: x}]}\n",
       "unknown key 'role' in user profile"},
      {"  jobs:\n    - {name: train, kind: trainig}\n",
       "'kind' must be training, processing or transform, not 'trainig' (did you mean 'training'?)"},
      {"  jobs:\n    - {name: train, kind: training, vpc_config: {subnets: [subnet-a]}}\n",
       "missing key 'security_groups' in vpc config"},
  }));
  CAPTURE(section);
  auto [from_scenario, from_native] = sectionErrors(section);
  auto has = [&](const std::vector<std::string>& messages) {
    return std::any_of(messages.begin(), messages.end(),
                       [&](const std::string& m) { return m.rfind(expected, 0) == 0; });
  };
  CAPTURE(from_scenario, from_native);
  CHECK(has(from_scenario));
  CHECK(has(from_native));
}

}  // namespace vpcsim::topology

// Tests for the scenario runner and the variant diff (sim/scenario_runner.cpp), on the default scenario.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "reports/scenario_report.h"

#include "reports/scenario_report.h"
#include "scenario/runner.h"
#include "tests/support/xml_check.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::scenario;  // NOLINT(google-build-using-namespace)

#ifndef VPCSIM_SOURCE_DIR
#define VPCSIM_SOURCE_DIR "."
#endif

namespace vpcsim::sim {
namespace {

const std::string kDefaultScenario = std::string(VPCSIM_SOURCE_DIR) + "/scenarios/sagemaker-studio-vpc-only.yaml";

scenario::Scenario load(const std::filesystem::path& file) {
  scenario::Scenario scenario;
  std::vector<topology::Diagnostic> errors;
  bool ok = scenario::loadScenario(file, scenario, errors);
  for (const auto& e : errors) UNSCOPED_INFO(e.str());
  REQUIRE(ok);
  return scenario;
}

// A copy of the default scenario with `extra` appended (more checks), in the temp folder.
class ScenarioCopy {
 public:
  explicit ScenarioCopy(const std::string& extra) {
    static std::atomic<int> counter{0};
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("vpcsim-wrong-" + std::to_string(random()) + "-" + std::to_string(counter++) + ".yaml");
    std::ifstream in(kDefaultScenario);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Paths in a scenario are relative to it: point them at the repository's templates.
    const std::string relative = "../tests/data/cfn/";
    const std::string absolute = std::string(VPCSIM_SOURCE_DIR) + "/tests/data/cfn/";
    for (auto at = text.find(relative); at != std::string::npos; at = text.find(relative, at + absolute.size())) {
      text.replace(at, relative.size(), absolute);
    }
    // ... and at the scenario's own files next to it.
    const std::string scenarios = std::string(VPCSIM_SOURCE_DIR) + "/scenarios/";
    for (const std::string key : {"plan: ", "template: "}) {
      for (const std::string name : {"capacity-growth.yaml", "studio-sign-in.yaml"}) {
        for (auto at = text.find(key + name); at != std::string::npos; at = text.find(key + name, at + 1)) {
          text.replace(at, key.size() + name.size(), key + scenarios + name);
        }
      }
    }
    lines_ = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    text += extra;
    std::ofstream(path_) << text;
  }
  ~ScenarioCopy() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  ScenarioCopy(const ScenarioCopy&) = delete;
  ScenarioCopy& operator=(const ScenarioCopy&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  /// Lines in the default scenario: `extra` starts on the line after.
  [[nodiscard]] int lines() const { return lines_; }

 private:
  std::filesystem::path path_;
  int lines_ = 0;
};

/// The default scenario run once, for the tests that only read the run.
const ScenarioRun& defaultRun() {
  static const ScenarioRun run = [] {
    auto scenario = load(kDefaultScenario);
    ScenarioRun out;
    std::vector<topology::Diagnostic> errors;
    bool ok = runScenario(scenario, out, errors);
    for (const auto& e : errors) UNSCOPED_INFO(e.str());
    REQUIRE(ok);
    REQUIRE(errors.empty());
    return out;
  }();
  return run;
}

}  // namespace

TEST_CASE("the default scenario passes in every variant", "[scenario]") {
  auto scenario = load(kDefaultScenario);
  const ScenarioRun& run = defaultRun();
  CHECK(run.variants == std::vector<std::string>{"baseline", "with-nat", "locked-egress", "ssm-endpoint-policy",
                                                 "ssm-endpoint-policy-fixed", "presigned-sourcevpc",
                                                 "presigned-sourceip", "presigned-vpcsourceip"});
  std::size_t expected_outcomes = 0;
  for (const auto& check : scenario.checks) {
    for (const auto& variant : run.variants) expected_outcomes += check.expectedIn(variant).empty() ? 0U : 1U;
  }
  CHECK(run.outcomes.size() == expected_outcomes);
  for (const auto& outcome : run.outcomes) {
    CAPTURE(outcome.check, outcome.variant);
    CHECK(outcome.pass);
  }
  CHECK(run.passed());
  const CheckOutcome* pypi = run.find("notebook -> PyPI", "baseline");
  REQUIRE(pypi != nullptr);
  CHECK(pypi->verdict == Verdict::kUnreachable);
  REQUIRE_FALSE(pypi->report.results.empty());
  CHECK(pypi->report.results[0].explanations.at(0).code == "NO_ROUTE_TO_DESTINATION");
  CHECK(run.find("notebook -> PyPI", "with-nat")->verdict == Verdict::kReachable);
  std::string text = reports::scenarioText(run);
  CHECK(text.find("\nnotebook -> PyPI" + std::string(44, ' ') + "unreachable ok             reachable ok               "
                  "unreachable ok             -                          -                          -          "
                  "                -                          -\n") != std::string::npos);
  CHECK(text.find("22 checks, 8 variants, capacity: 112 expectations hold, 0 fail\n") != std::string::npos);
  // The lab's endpoint-policy step: the Deny-only policy denies the MLOps role too.
  const CheckOutcome* mlops = run.find("mlops calls ssm:GetParameter", "ssm-endpoint-policy");
  REQUIRE(mlops != nullptr);
  CHECK(mlops->verdict == Verdict::kUnreachable);
  REQUIRE_FALSE(mlops->report.results.empty());
  CHECK(mlops->report.results[0].explanations.at(0).code == "ENDPOINT_POLICY_DENY");
}

TEST_CASE("the default scenario's access guarantee: only MLOps reads the parameter once the endpoint policy says so",
          "[scenario][access]") {
  const ScenarioRun& run = defaultRun();
  const CheckOutcome* baseline = run.find("only MLOps reads the SSM parameter from the Studio subnets", "baseline");
  REQUIRE(baseline != nullptr);
  CHECK(baseline->kind == CheckKind::kAccess);
  REQUIRE(baseline->access.has_value());
  CHECK(baseline->verdict == Verdict::kReachable);  // violated: the data scientist's role can
  CHECK(baseline->access->violations.size() == 2);  // from each of the two subnets
  std::string text = reports::scenarioJson(run);
  CHECK(text.find("\"verdict\": \"violated\"") != std::string::npos);
  const CheckOutcome* fixed =
      run.find("only MLOps reads the SSM parameter from the Studio subnets", "ssm-endpoint-policy-fixed");
  REQUIRE(fixed != nullptr);
  CHECK(fixed->verdict == Verdict::kUnreachable);  // holds
  CHECK(fixed->access->violations.empty());
  CHECK(run.find("only MLOps reads the SSM parameter from the Studio subnets", "with-nat") == nullptr);
}

TEST_CASE("the default scenario's sign-in perimeter: a URL created in the VPC does not open from the office",
          "[scenario][presigned]") {
  const ScenarioRun& run = defaultRun();
  // aws:SourceVpc: the call through the sagemaker.api endpoint has it; the
  // browser in the office reaches the public Studio endpoint without it, and
  // StringNotEquals on an absent key is true: the Deny applies.
  const CheckOutcome* office = run.find("URL created in the VPC, opened from the office", "presigned-sourcevpc");
  REQUIRE(office != nullptr);
  REQUIRE(office->presigned_url.has_value());
  const sim::PresignedUrlReport& url = *office->presigned_url;
  CHECK(url.verdict == Verdict::kUnreachable);
  CHECK(url.created.verdict == Verdict::kReachable);
  CHECK(url.opened.verdict == Verdict::kUnreachable);
  CHECK(url.resource == "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-studio/data-scientist");
  CHECK(url.principal.find(":role/studio-sign-in-StudioSignInRole-") != std::string::npos);
  REQUIRE(url.opened.results.size() == 1);
  CHECK(url.opened.results[0].explanations.at(0).code == "IDENTITY_POLICY_DENY");
  CHECK(url.opened.results[0].explanations.at(0).message ==
        "an explicit Deny applies to the call: statement OnlyFromTheStudioVpc");
  REQUIRE(url.opened.access.size() == 1);
  REQUIRE(url.opened.access[0].has_value());
  CHECK(url.opened.access[0]->request.context.find("aws:SourceVpc") == nullptr);
  for (const auto& answer : url.created.access) {
    REQUIRE(answer.has_value());
    CHECK(answer->decision.decision == policy::Decision::kAllow);
    REQUIRE(answer->endpoint != nullptr);
    CHECK(answer->endpoint->meta.logical_id == "VPCEndpointSagemakerAPI");
  }
  // aws:SourceIp: a call through an interface endpoint has no aws:SourceIp,
  // so the office-only Deny stops the URL from being created in the VPC.
  const CheckOutcome* in_vpc = run.find("URL created in the VPC, opened in the VPC", "presigned-sourceip");
  REQUIRE(in_vpc != nullptr);
  CHECK(in_vpc->presigned_url->created.verdict == Verdict::kUnreachable);
  CHECK(in_vpc->presigned_url->created.results.at(0).explanations.at(0).message ==
        "an explicit Deny applies to the call: statement OnlyFromTheOffice");
  // The text of a run names the check's question.
  std::string json = reports::scenarioJson(run);
  CHECK(json.find("\"summary\": \"the URL is created but does not open from ip:81.2.69.160: IDENTITY_POLICY_DENY at "
                  "studio-sign-in: an explicit Deny applies to the call: statement OnlyFromTheStudioVpc\"") !=
        std::string::npos);
}

TEST_CASE("a scenario run lints each variant's endpoint policies and lists the warnings with the variant",
          "[scenario][lint]") {
  const ScenarioRun& run = defaultRun();
  // Only the lab's Deny-only policy draws a warning; the fixed one has its Allow.
  REQUIRE(run.policy_warnings.size() == 1);
  CHECK(run.policy_warnings[0].variant == "ssm-endpoint-policy");
  REQUIRE(run.policy_warnings[0].warnings.size() == 1);
  const policy::PolicyWarning& warning = run.policy_warnings[0].warnings[0];
  CHECK(warning.code == policy::PolicyWarningCode::kDenyOnly);
  CHECK(warning.endpoint_name.find("(VPCEndpointSSM)") != std::string::npos);
  CHECK(warning.origin.find("sagemaker-studio-vpc-only.yaml:") != std::string::npos);
  // Warnings are not expectations: the run passes and the summary line keeps its counts.
  CHECK(run.passed());
  std::string text = reports::scenarioText(run);
  const std::size_t section = text.find("\nendpoint policy warnings:\n  [ssm-endpoint-policy] vpce-");
  CHECK(section != std::string::npos);
  CHECK(text.find("ENDPOINT_POLICY_DENY_ONLY: the policy has no Allow statement", section) != std::string::npos);
  CHECK(text.find("[ssm-endpoint-policy-fixed]") == std::string::npos);
  CHECK(text.find("18 checks, 5 variants, capacity: 73 expectations hold, 0 fail\n") > section);
  std::string json = reports::scenarioJson(run);
  CHECK(json.find("\"variant\": \"ssm-endpoint-policy\",\n      \"code\": \"ENDPOINT_POLICY_DENY_ONLY\"") !=
        std::string::npos);
  std::string junit = reports::scenarioJunit(run);
  CHECK(junit.find("<system-out>warning: vpce-") != std::string::npos);
  CHECK(vpcsim::test_support::xmlProblem(junit).empty());
  std::string sarif = reports::scenarioSarif(run);
  CHECK(sarif.find("\"ruleId\": \"ENDPOINT_POLICY_DENY_ONLY\"") != std::string::npos);
  CHECK(sarif.find("\"level\": \"warning\"") != std::string::npos);
}

TEST_CASE("the default scenario projects capacity and checks its expectation", "[scenario][capacity]") {
  auto scenario = load(kDefaultScenario);
  REQUIRE(scenario.capacity.has_value());
  CHECK(scenario.capacity->variants == std::vector<std::string>{"baseline"});
  ScenarioRun run;
  std::vector<topology::Diagnostic> errors;
  REQUIRE(runScenario(scenario, run, errors));
  REQUIRE(run.capacity.size() == 1);
  const CapacityOutcome& outcome = run.capacity[0];
  CHECK(outcome.variant == "baseline");
  CHECK(outcome.has_expectation);
  CHECK(outcome.headroom_months == 36);
  CHECK(outcome.with_az_loss);
  CHECK(outcome.pass);
  // The domain's two private /20 subnets, one per AZ; N-1 moves one AZ's load to the other.
  REQUIRE(outcome.projection.subnets.size() == 2);
  CHECK(outcome.projection.subnets[0].capacity == 4091);
  CHECK(outcome.projection.n_minus_one.size() == 2);
  for (const auto& lost : outcome.projection.n_minus_one) {
    REQUIRE(lost.subnets.size() == 1);
    CHECK(lost.subnets[0].peak > outcome.projection.subnets[0].peak);
  }
  std::string text = reports::scenarioText(run);
  CHECK(text.find("  expectation: no subnet runs out within 36 months (also with any one AZ lost): ok\n") !=
        std::string::npos);
  std::string json = reports::scenarioJson(run);
  CHECK(json.find("\"capacity\": [") != std::string::npos);
  CHECK(json.find("\"headroom_months\": 36") != std::string::npos);
}

TEST_CASE("a capacity expectation that does not hold fails the run and names the subnet", "[scenario][capacity]") {
  // A /20 holds 4,091 addresses; 5,000 spaces spread over two subnets need 2,500 each, and
  // 5,000 on the survivor when one AZ is lost (plus the endpoint interfaces the plan does
  // not model, which stay as the baseline).
  std::filesystem::path plan = std::filesystem::temp_directory_path() / "vpcsim-heavy-plan.yaml";
  std::ofstream(plan) << "horizon_months: 12\ntrials: 0\nconsumers:\n  - {kind: space, count: 5000}\n";
  ScenarioCopy file("");
  std::ifstream in(file.path());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const std::string from = "plan: " + std::string(VPCSIM_SOURCE_DIR) + "/scenarios/capacity-growth.yaml";
  REQUIRE(text.find(from) != std::string::npos);
  text.replace(text.find(from), from.size(), "plan: " + plan.string());
  std::ofstream(file.path()) << text;
  auto scenario = load(file.path());
  ScenarioRun run;
  std::vector<topology::Diagnostic> errors;
  REQUIRE(runScenario(scenario, run, errors));
  REQUIRE(run.capacity.size() == 1);
  const CapacityOutcome& outcome = run.capacity[0];
  CHECK_FALSE(outcome.pass);
  CHECK_FALSE(run.passed());
  REQUIRE(outcome.failures.size() == 2);  // both N-1 survivors; each subnet alone still fits
  CHECK(outcome.failures[0].find("with us-east-1a lost, subnet-") == 0);
  CAPTURE(outcome.failures);
  CHECK(outcome.failures[0].find("runs out in month 0 (capacity 4091, peak 50") != std::string::npos);
  std::string junit = reports::scenarioJunit(run);
  CHECK(junit.find("<testsuite name=\"sagemaker-studio-vpc-only.capacity\" tests=\"1\" failures=\"1\">") !=
        std::string::npos);
  CHECK(junit.find("<failure message=\"2 subnet(s) run out\">") != std::string::npos);
  std::filesystem::remove(plan);
}

TEST_CASE("a variant's in-place edits change the verdicts they should", "[scenario]") {
  const ScenarioRun& run = defaultRun();
  // locked-egress replaces SageMakerSecurityGroup's allow-all egress with
  // tcp/443 to 192.168.0.0/16: the S3 gateway endpoint's public addresses are
  // outside it, the interface endpoints' are inside.
  const CheckOutcome* s3 = run.find("notebook -> S3 (gateway endpoint)", "locked-egress");
  REQUIRE(s3 != nullptr);
  CHECK(s3->verdict == Verdict::kUnreachable);
  REQUIRE_FALSE(s3->report.results.empty());
  CHECK(s3->report.results[0].explanations.at(0).code == "ENI_SG_RULES_MISMATCH");
  CHECK(run.find("notebook -> SSM (interface endpoint)", "locked-egress")->verdict == Verdict::kReachable);
}

TEST_CASE("a verify check proves internet-free per variant and says which check fails", "[scenario]") {
  ScenarioCopy file(
      "  - name: isolated\n"
      "    verify: {internet_free: [subnet:PrivateSubnet1A]}\n"
      "    expect: holds\n");
  auto scenario = load(file.path());
  ScenarioRun run;
  std::vector<topology::Diagnostic> errors;
  REQUIRE(runScenario(scenario, run, errors));
  const CheckOutcome* baseline = run.find("isolated", "baseline");
  REQUIRE(baseline != nullptr);
  CHECK(baseline->kind == CheckKind::kVerify);
  CHECK(baseline->pass);
  REQUIRE(baseline->verify.size() == 1);
  CHECK(baseline->verify[0].findings.empty());
  // The NAT gateway's default route opens the subnet to the internet.
  const CheckOutcome* with_nat = run.find("isolated", "with-nat");
  REQUIRE(with_nat != nullptr);
  CHECK_FALSE(with_nat->pass);
  CHECK(with_nat->verdict == Verdict::kReachable);
  CHECK_FALSE(with_nat->verify[0].findings.empty());
  std::string text = reports::scenarioText(run);
  CHECK(text.find("isolated [with-nat]: expected holds, got violated (internet-free subnet:PrivateSubnet1A)\n") !=
        std::string::npos);
  std::string sarif = reports::scenarioSarif(run);
  CHECK(sarif.find("\"kind\": \"fail\"") != std::string::npos);
  CHECK(sarif.find("isolated [with-nat]: violated (expected holds)") != std::string::npos);
}

TEST_CASE("a wrong expectation fails the run and says why", "[scenario]") {
  ScenarioCopy file(
      "  - name: wrong\n"
      "    reach: {from: notebook:studio/data-scientist, to: pypi}\n"
      "    expect: reachable\n");
  auto scenario = load(file.path());
  ScenarioRun run;
  std::vector<topology::Diagnostic> errors;
  REQUIRE(runScenario(scenario, run, errors));
  CHECK_FALSE(run.passed());
  const CheckOutcome* wrong = run.find("wrong", "baseline");
  REQUIRE(wrong != nullptr);
  CHECK_FALSE(wrong->pass);
  CHECK(wrong->expected == Verdict::kReachable);
  CHECK(run.find("wrong", "with-nat")->pass);
  std::string text = reports::scenarioText(run);
  CHECK(text.find("wrong [baseline]: expected reachable, got unreachable (notebook:studio/data-scientist -> pypi, "
                  "tcp/443)\n") != std::string::npos);
  // `wrong` runs in all eight variants and reaches PyPI only with the NAT gateway.
  CHECK(text.find("23 checks, 8 variants, capacity: 113 expectations hold, 7 fail\n") != std::string::npos);
  std::string junit = reports::scenarioJunit(run);
  CHECK(junit.find("<testsuites name=\"sagemaker-studio-vpc-only\" tests=\"120\" failures=\"7\">") !=
        std::string::npos);
  CHECK(junit.find("<failure message=\"expected reachable, got unreachable\">") != std::string::npos);
  CHECK(vpcsim::test_support::xmlProblem(junit).empty());
  // The test case is named after the check in the failing variant as in the passing one, and carries
  // the verdict, why, and the assumptions the answer rests on, pass or fail.
  const std::string failing = "<testcase classname=\"sagemaker-studio-vpc-only.baseline\" name=\"wrong\">\n"
                              "      <failure message=\"expected reachable, got unreachable\">";
  const std::string passing = "<testcase classname=\"sagemaker-studio-vpc-only.with-nat\" name=\"wrong\">\n"
                              "      <system-out>reachable (expected reachable): notebook:studio/data-scientist -&gt; "
                              "pypi (tcp/443)\n";
  CHECK(junit.find(failing) != std::string::npos);
  CHECK(junit.find(passing) != std::string::npos);
  size_t failing_out = junit.find("<system-out>unreachable (expected reachable): notebook:studio/data-scientist -&gt; "
                                  "pypi (tcp/443)\n",
                                  junit.find(failing));
  REQUIRE(failing_out != std::string::npos);
  CHECK(junit.find("assumptions:\n  - no --protocol/--port given: tcp/443 assumed\n", failing_out) <
        junit.find("</system-out>", failing_out));
}

TEST_CASE("a check whose question cannot be answered is an input error at the check", "[scenario]") {
  ScenarioCopy file(
      "  - name: bad\n"
      "    reach: {from: notebook:studio/data-scientist, to: service:sssm}\n"
      "    expect: reachable\n");
  auto scenario = load(file.path());
  ScenarioRun run;
  std::vector<topology::Diagnostic> errors;
  CHECK_FALSE(runScenario(scenario, run, errors));
  REQUIRE(errors.size() == 1);  // once, not once per variant
  CHECK(errors[0].str() == file.path().string() + ":" + std::to_string(file.lines() + 1) +
                               ":5: error: check 'bad': 'sssm' is not a known AWS service (did you mean 'ssm'?)");
}

TEST_CASE("diff baseline -> with-nat names the NAT route as the responsible change", "[scenario]") {
  auto scenario = load(kDefaultScenario);
  ScenarioDiff diff;
  std::vector<topology::Diagnostic> errors;
  REQUIRE(diffVariants(scenario, "baseline", "with-nat", diff, errors));
  CHECK_FALSE(diff.empty());
  CHECK(diff.input_changes ==
        std::vector<std::string>{"stack sagemaker-admin-workshop-natgw added (" +
                                 (std::filesystem::path(VPCSIM_SOURCE_DIR) / "tests/data/cfn/network-natgw.yaml")
                                     .lexically_normal()
                                     .string() +
                                 ")"});
  CHECK(diff.only_after == std::vector<std::string>{"subnet:PublicSubnet1", "subnet:PublicSubnet2"});
  for (const std::string subnet : {"PrivateSubnet1A", "PrivateSubnet2A"}) {
    CAPTURE(subnet);
    auto it = std::find_if(diff.flows.begin(), diff.flows.end(), [&](const FlowChange& f) {
      return f.from == "subnet:" + subnet && f.security_groups == std::vector<std::string>{"SageMakerSecurityGroup"} &&
             f.to == "pypi" && f.traffic == "tcp/443";
    });
    REQUIRE(it != diff.flows.end());
    CHECK(it->before == Verdict::kUnreachable);
    CHECK(it->after == Verdict::kReachable);
    // Typed: the route to the NAT gateway is the hop the answer after adds.
    REQUIRE(it->parting.kind == Parting::Kind::kHopAdded);
    REQUIRE(it->parting.after.has_value());
    REQUIRE(it->parting.after->route != nullptr);
    CHECK(it->parting.after->kind == HopKind::kRouteTable);
    CHECK(it->parting.after->route->target == topology::RouteTarget::kNatGateway);
    CHECK(it->parting.after->route->destination == topology::Cidr::parse("0.0.0.0/0").value());
    // Worded by reports/.
    const std::string responsible = reports::responsibleText(it->parting);
    CHECK(responsible.rfind("route 0.0.0.0/0 -> nat-", 0) == 0);
    CHECK(responsible.find(" added to rtb-") != std::string::npos);
    CHECK(responsible.find(subnet + "RouteTable)") != std::string::npos);
    CHECK(it->origin.rfind("stack sagemaker-admin-workshop-natgw at ", 0) == 0);
  }
  // Interface endpoints are not affected by the NAT gateway; PyPI is asked about HTTPS only (no "pypi udp/53").
  for (const auto& flow : diff.flows) {
    CAPTURE(flow.from, flow.to, flow.traffic);
    CHECK(flow.to.rfind("service:", 0) != 0);
    if (flow.to == "pypi") CHECK(flow.traffic == "tcp/443");
  }
  CHECK(reports::diffText(diff).find("pypi udp/53") == std::string::npos);
  CHECK(reports::diffText(diff).find("-> internet icmp, tcp/443, udp/53: unreachable -> reachable") != std::string::npos);
  auto check = std::find_if(diff.checks.begin(), diff.checks.end(),
                            [](const FlowChange& f) { return f.check == "notebook -> PyPI"; });
  REQUIRE(check != diff.checks.end());
  CHECK(reports::responsibleText(check->parting).find("PrivateSubnet1ARouteTable") != std::string::npos);

  ScenarioDiff same;
  REQUIRE(diffVariants(scenario, "with-nat", "with-nat", same, errors));
  CHECK(same.empty());
  CHECK(same.flows_compared > 0);
  CHECK(reports::diffText(same).find("\nno change\n") != std::string::npos);
}

TEST_CASE("scenario runs and diffs are deterministic", "[scenario]") {
  auto scenario = load(kDefaultScenario);
  std::vector<topology::Diagnostic> errors;
  const ScenarioRun& first = defaultRun();
  ScenarioRun second;
  REQUIRE(runScenario(scenario, second, errors));
  CHECK(reports::scenarioJson(first) == reports::scenarioJson(second));
  CHECK(reports::scenarioJunit(first) == reports::scenarioJunit(second));
  ScenarioDiff a;
  ScenarioDiff b;
  REQUIRE(diffVariants(scenario, "baseline", "with-nat", a, errors));
  REQUIRE(diffVariants(scenario, "baseline", "with-nat", b, errors));
  CHECK(reports::diffText(a) == reports::diffText(b));
  CHECK(reports::diffJson(a) == reports::diffJson(b));
}

TEST_CASE("an unknown variant in a diff is an input error with a did-you-mean", "[scenario]") {
  auto scenario = load(kDefaultScenario);
  ScenarioDiff diff;
  std::vector<topology::Diagnostic> errors;
  CHECK_FALSE(diffVariants(scenario, "baseline", "with-nta", diff, errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() == kDefaultScenario + ": error: unknown variant 'with-nta' (did you mean 'with-nat'?)");
}

}  // namespace vpcsim::sim

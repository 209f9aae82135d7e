// The access matrix's guarantee as SARIF and JUnit (reports/reach_report.h),
// over the lab fixture (tests/data/policies/lab-ssm-endpoint.yaml).
#include <filesystem>
#include <memory>
#include <tuple>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "formats/loader.h"
#include "reports/reach_report.h"
#include "reports/sarif.h"
#include "sim/access_matrix.h"
#include "tests/support/xml_check.h"

namespace vpcsim::reports {
namespace {

using Json = nlohmann::json;

const std::filesystem::path kLab = std::filesystem::path(VPCSIM_SOURCE_DIR) / "tests/data/policies/lab-ssm-endpoint.yaml";

struct Lab {
  topology::Topology topo;
  std::unique_ptr<sim::Network> network;
  Lab() {
    std::vector<topology::Diagnostic> errors;
    REQUIRE(formats::loadNativeTopology(kLab, formats::LoadOptions{}, topo, errors));
    topo.finalize();
    network = std::make_unique<sim::Network>(topo);
  }
  sim::AccessMatrixReport matrix(std::vector<std::string> principals, std::vector<std::string> only) const {
    sim::AccessMatrixQuery query;
    query.from = {"notebook:lab/mlops", "notebook:lab/data-scientist"};
    query.to = "service:sagemaker.api";
    query.actions = {"sagemaker:DescribeDomain", "sagemaker:DeleteDomain"};
    query.principals = std::move(principals);
    query.only = std::move(only);
    auto report = sim::accessMatrix(*network, query);
    REQUIRE(report);
    return std::move(report).value();
  }
};

const std::string kGhost = "arn:aws:iam::111122223333:role/<ghost>&\"'";

TEST_CASE("each violating cell is a SARIF result at its deciding statement", "[reports][access]") {
  const Lab lab;
  const sim::AccessMatrixReport report = lab.matrix({"MLOps", "DataScientist", kGhost}, {"DataScientist"});
  REQUIRE(report.guarantee == sim::Verdict::kReachable);
  const Json log = Json::parse(accessMatrixSarif(report));
  CHECK(log["$schema"] == std::string(kSarifSchema));
  const Json& run = log["runs"][0];
  CHECK(run["tool"]["driver"]["rules"][0]["id"] == "access-guarantee");
  CHECK(run["properties"]["verdict"] == "violated");
  // MLOps may Describe from both notebooks (errors); the ghost role's calls
  // are undetermined (warnings); DataScientist is allowed; Delete is denied.
  const Json& results = run["results"];
  REQUIRE(results.size() == report.violations.size());
  REQUIRE(results.size() == 6);
  std::vector<std::string> levels;
  for (const auto& result : results) levels.push_back(result["level"]);
  CHECK(levels == std::vector<std::string>{"warning", "warning", "error", "warning", "warning", "error"});
  const Json& mlops = results[2];
  CHECK(mlops["message"]["text"] ==
        "arn:aws:iam::111122223333:role/MLOps sagemaker:DescribeDomain from notebook:lab/mlops: allowed; Allow "
        "statement #1 of default endpoint policy at default endpoint policy; Allow statement 'Describe' (#1) of "
        "sagemaker-read at " + kLab.string() + ":96:21 /Statement/0");
  // One location: the statement written in the file (the default endpoint policy is in none).
  REQUIRE(mlops["locations"].size() == 1);
  const Json& location = mlops["locations"][0];
  CHECK_THAT(location["physicalLocation"]["artifactLocation"]["uri"].get<std::string>(),
             Catch::EndsWith("tests/data/policies/lab-ssm-endpoint.yaml"));
  CHECK(location["physicalLocation"]["region"]["startLine"] == 96);
  CHECK(location["physicalLocation"]["region"]["startColumn"] == 21);
  CHECK(location["logicalLocations"][0]["fullyQualifiedName"] == "/Statement/0");
  CHECK(mlops["properties"]["endpoint"] == "vpce-sagemaker-api");
  // The same cell keeps its fingerprint across runs; other cells differ.
  const Json again = Json::parse(accessMatrixSarif(lab.matrix({"MLOps", "DataScientist", kGhost}, {"DataScientist"})));
  CHECK(again["runs"][0]["results"][2]["partialFingerprints"] == mlops["partialFingerprints"]);
  CHECK(results[5]["partialFingerprints"] != mlops["partialFingerprints"]);
  // An undetermined cell says what is missing.
  CHECK(results[0]["message"]["text"].get<std::string>().find("is not in the input, nor its identity policies") !=
        std::string::npos);
}

TEST_CASE("each cell of another principal is a JUnit testcase, failing where it can call", "[reports][access]") {
  const Lab lab;
  const sim::AccessMatrixReport report = lab.matrix({"MLOps", "DataScientist", kGhost}, {"DataScientist"});
  const std::string junit = accessMatrixJunit(report);
  CHECK(test_support::xmlProblem(junit).empty());
  // 2 principals outside the list x 2 actions x 2 sources.
  CHECK(junit.find("<testsuites name=\"vpcsim access\" tests=\"8\" failures=\"2\" errors=\"4\">") != std::string::npos);
  CHECK(junit.find("<testcase classname=\"vpcsim access\" name=\"arn:aws:iam::111122223333:role/&lt;ghost&gt;&amp;&quot;&apos; "
                   "sagemaker:DescribeDomain from notebook:lab/mlops\">") != std::string::npos);
  CHECK(junit.find("<failure type=\"violated\" message=\"allowed\">allowed\nAllow statement #1 of default endpoint "
                   "policy at default endpoint policy\nAllow statement &apos;Describe&apos; (#1) of sagemaker-read at " +
                   kLab.string() + ":96:21 /Statement/0\n</failure>") != std::string::npos);
  CHECK(junit.find("<system-out>denied (IDENTITY_POLICY_DENY)\n</system-out>") != std::string::npos);
  CHECK(junit.find("role/DataScientist sagemaker") == std::string::npos);  // allowed: no tests
}

TEST_CASE("without a guarantee SARIF and JUnit report nothing to fail", "[reports][access]") {
  const Lab lab;
  const sim::AccessMatrixReport report = lab.matrix({"MLOps"}, {});
  const Json log = Json::parse(accessMatrixSarif(report));
  CHECK(log["runs"][0]["results"].empty());
  CHECK(log["runs"][0]["properties"]["verdict"] == "no guarantee");
  CHECK(accessMatrixJunit(report) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vpcsim access\" tests=\"0\" failures=\"0\" "
        "errors=\"0\">\n</testsuites>\n");
}

TEST_CASE("a SARIF spot is a file with a line, a pointer, or both", "[reports]") {
  using Row = std::tuple<std::string, std::string, uint64_t, uint64_t, std::string>;
  const auto row = GENERATE(table<std::string, std::string, uint64_t, uint64_t, std::string>({
      Row{"stack.yaml:120:7", "stack.yaml", 120, 7, ""},
      Row{"snap/vpce.json:/VpcEndpoints/0/PolicyDocument/Statement/1", "snap/vpce.json", 0, 0,
          "/VpcEndpoints/0/PolicyDocument/Statement/1"},
      Row{"lab.yaml:96:21 /Statement/0", "lab.yaml", 96, 21, "/Statement/0"},
      Row{"default endpoint policy", "default endpoint policy", 0, 0, ""},
      Row{"scope.json", "scope.json", 0, 0, ""},
  }));
  CAPTURE(std::get<0>(row));
  const auto spot = parseSpot(std::get<0>(row));
  REQUIRE(spot);
  CHECK(spot->file == std::get<1>(row));
  CHECK(spot->line == std::get<2>(row));
  CHECK(spot->column == std::get<3>(row));
  CHECK(spot->pointer == std::get<4>(row));
}

}  // namespace
}  // namespace vpcsim::reports

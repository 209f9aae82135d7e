// The request context a traced path gives an API call, and reach --action
// on the lab fixture (tests/data/policies/lab-ssm-endpoint.yaml).
#include "sim/access.h"

#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "formats/loader.h"
#include "sim/access_matrix.h"
#include "sim/query.h"

namespace vpcsim::sim {
namespace {

const std::filesystem::path kLab = std::filesystem::path(VPCSIM_SOURCE_DIR) / "tests/data/policies/lab-ssm-endpoint.yaml";

topology::Topology labTopology() {
  topology::Topology topo;
  std::vector<topology::Diagnostic> errors;
  REQUIRE(formats::loadNativeTopology(kLab, formats::LoadOptions{}, topo, errors));
  topo.finalize();
  return topo;
}

std::string valueOf(const policy::RequestContext& context, std::string_view key) {
  const policy::ContextValue* value = context.find(key);
  if (value == nullptr) return "absent";
  if (value->state == policy::ContextValue::State::kUnknown) return "unknown";
  return value->values.empty() ? "" : value->values.front();
}

ReachReport reachFor(const Network& network, const std::string& from, const std::string& to,
                     std::optional<AccessQuery> access = std::nullopt) {
  ReachQuery query;
  query.from = from;
  query.to = to;
  query.access = std::move(access);
  auto report = reach(network, query);
  REQUIRE(report);
  REQUIRE_FALSE(report->results.empty());
  return *report;
}

TEST_CASE("the path decides the network condition keys of a call", "[access]") {
  const topology::Topology topo = labTopology();
  const Network network(topo);

  // Through the interface endpoint: the VPC keys, no aws:SourceIp.
  ReachReport ssm = reachFor(network, "notebook:lab/mlops", "service:ssm");
  REQUIRE(ssm.results[0].verdict == Verdict::kReachable);
  policy::RequestContext through_endpoint;
  const topology::VpcEndpoint* endpoint = addNetworkContext(network, ssm.results[0], through_endpoint);
  REQUIRE(endpoint != nullptr);
  CHECK(endpoint->meta.id == "vpce-ssm");
  CHECK(valueOf(through_endpoint, "aws:SourceVpc") == "vpc-lab");
  CHECK(valueOf(through_endpoint, "aws:SourceVpce") == "vpce-ssm");
  CHECK(valueOf(through_endpoint, "aws:SourceVpcArn") == "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-lab");
  CHECK(valueOf(through_endpoint, "aws:VpcSourceIp").rfind("10.0.1.", 0) == 0);
  CHECK(valueOf(through_endpoint, "aws:SourceIp") == "absent");

  // Out through the NAT gateway: its Elastic IP, no VPC keys.
  ReachReport sts = reachFor(network, "notebook:lab-nat/data-scientist", "service:sts");
  REQUIRE(sts.results[0].verdict == Verdict::kReachable);
  policy::RequestContext through_nat;
  CHECK(addNetworkContext(network, sts.results[0], through_nat) == nullptr);
  CHECK(valueOf(through_nat, "aws:SourceIp") == "3.3.3.3");
  CHECK(valueOf(through_nat, "aws:SourceVpc") == "absent");
  CHECK(valueOf(through_nat, "aws:VpcSourceIp") == "absent");

  // A host outside AWS: its own address.
  ReachReport outside = reachFor(network, "ip:81.2.69.160", "service:sts");
  REQUIRE(outside.results[0].verdict == Verdict::kReachable);
  policy::RequestContext from_outside;
  CHECK(addNetworkContext(network, outside.results[0], from_outside) == nullptr);
  CHECK(valueOf(from_outside, "aws:SourceIp") == "81.2.69.160");
}

TEST_CASE("a call on a KMS key without its key policy is not allowed", "[access]") {
  const topology::Topology topo = labTopology();
  const Network network(topo);
  // The same caller and path: an identity allow settles ssm:GetParameter,
  // but not kms:Decrypt, whose key policy the input does not hold.
  ReachReport report = reachFor(network, "ip:81.2.69.160", "service:sts");
  const auto* mlops = topo.iam.findPrincipal("arn:aws:iam::111122223333:role/MLOps");
  REQUIRE(mlops != nullptr);
  AccessQuery ssm{"ssm:GetParameter", "*", ""};
  CHECK(decideAccess(network, report.results[0], ssm, mlops->arn, mlops).decision.decision ==
        policy::Decision::kAllow);
  AccessQuery kms{"kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1", ""};
  topology::Topology with_kms = labTopology();
  for (auto& principal : with_kms.iam.principals) {
    if (principal.name == "MLOps") principal.inline_policies[0].statements[0].actions = {"ssm:*", "kms:*"};
  }
  const Network kms_network(with_kms);
  ReachReport kms_report = reachFor(kms_network, "ip:81.2.69.160", "service:sts");
  const auto* kms_mlops = with_kms.iam.findPrincipal("arn:aws:iam::111122223333:role/MLOps");
  AccessAnswer answer = decideAccess(kms_network, kms_report.results[0], kms, kms_mlops->arn, kms_mlops);
  CHECK(answer.decision.decision == policy::Decision::kUndetermined);
  CHECK(answer.decision.missing.find("key policy") != std::string::npos);
}

TEST_CASE("principals resolve by ARN, name or logical ID; unknown names are errors", "[access]") {
  const topology::Topology topo = labTopology();
  auto by_name = findPrincipal(topo, "MLOps");
  REQUIRE(by_name);
  REQUIRE(*by_name != nullptr);
  CHECK((*by_name)->arn == "arn:aws:iam::111122223333:role/MLOps");
  auto unheld_arn = findPrincipal(topo, "arn:aws:iam::999999999999:role/Other");
  REQUIRE(unheld_arn);
  CHECK(*unheld_arn == nullptr);
  auto typo = findPrincipal(topo, "MLOp");
  REQUIRE_FALSE(typo);
  CHECK(typo.error().find("did you mean 'MLOps'") != std::string::npos);
}

TEST_CASE("the access matrix decides every principal and action over one trace per source", "[access]") {
  const topology::Topology topo = labTopology();
  const Network network(topo);
  AccessMatrixQuery query;
  query.from = {"notebook:lab/mlops"};
  query.to = "service:sagemaker.api";
  query.actions = {"sagemaker:DescribeDomain", "sagemaker:DeleteDomain"};
  query.only = {"MLOps"};
  auto report = accessMatrix(network, query);
  REQUIRE(report);
  REQUIRE(report->cellCount() == 4);  // 2 principals x 2 actions x 1 source
  CHECK(report->guarantee == Verdict::kUnreachable);  // only MLOps can Describe; nobody can Delete
  query.only = {"DataScientist"};
  report = accessMatrix(network, query);
  REQUIRE(report);
  CHECK(report->guarantee == Verdict::kReachable);
  REQUIRE(report->violations.size() == 1);
  const AccessCell cell = report->cell(report->violations[0]);
  CHECK(cell.principal == "arn:aws:iam::111122223333:role/MLOps");
  CHECK(cell.action == "sagemaker:DescribeDomain");
}

}  // namespace
}  // namespace vpcsim::sim

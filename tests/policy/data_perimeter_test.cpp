// The data-perimeter example policies (tests/data/policies/data-perimeter,
// CC BY-SA 4.0, see NOTICE there): each Sid does what the examples'
// README says it does. Placeholders are replaced by concrete values.
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "formats/iam_policy.h"
#include "policy/evaluate.h"
#include "tests/policy/policy_builders.h"

using namespace vpcsim::policy;
using namespace vpcsim::policy::testing;
using vpcsim::topology::PolicyDocument;

#ifndef VPCSIM_SOURCE_DIR
#define VPCSIM_SOURCE_DIR "."
#endif

namespace {

constexpr const char* kOrg = "o-abcd1234";
constexpr const char* kThirdPartyA = "444455556666";
constexpr const char* kLoadBalancing = "127311923021";

/// Reads one example policy with its placeholders filled in.
PolicyDocument loadExample(const std::string& relative) {
  const std::string path = std::string(VPCSIM_SOURCE_DIR) + "/tests/data/policies/data-perimeter/" + relative;
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  const std::map<std::string, std::string> values = {
      {"<my-org-id>", kOrg},
      {"<my-corporate-cidr>", "203.0.113.0/24"},
      {"<my-vpc>", "vpc-0aaa"},
      {"<my-vpc-in-this-region>", "vpc-0aaa"},
      {"<my-vpc-region>", "us-east-1"},
      {"<my-vpc-region-2>", "us-east-1"},
      {"<region>", "us-east-1"},
      {"<load-balancing-account-id>", kLoadBalancing},
      {"<fin-space-account-id>", "999988887777"},
      {"<third-party-account-a>", kThirdPartyA},
      {"<third-party-account-b>", "777766665555"},
      {"<third-party-resource-arn>", "arn:aws:s3:::partner-bucket/*"},
      {"<action>", "s3:GetObject"},
  };
  for (const auto& [placeholder, value] : values) {
    for (std::size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at)) {
      text.replace(at, placeholder.size(), value);
    }
  }
  std::vector<vpcsim::topology::Diagnostic> errors;
  auto document = vpcsim::formats::parsePolicyText(text, relative, relative, errors);
  for (const auto& error : errors) FAIL(error.str());
  REQUIRE(document);
  return *document;
}

const PolicyDocument kAllowAll = document("identity", {allow({"*"})});

/// A role of the organization in kAccount, calling from inside the VPC.
Request orgRequest(std::string action, std::string resource) {
  Request r = roleRequest(std::move(action), std::move(resource));
  r.context.set("aws:PrincipalOrgID", kOrg);
  r.context.set("aws:PrincipalIsAWSService", "false");
  r.context.set("aws:SourceVpc", "vpc-0aaa");
  r.context.set("aws:SourceVpce", "vpce-0123");
  r.context.set("aws:VpceOrgID", kOrg);
  r.context.set("aws:VpcSourceIp", "10.0.1.5");
  r.context.set("aws:RequestedRegion", "us-east-1");
  return r;
}

/// The Sids of the endpoint statements that let the request through, or the deny code.
std::string throughEndpoint(const PolicyDocument& endpoint, const Request& r) {
  PolicySet set;
  set.identity = {&kAllowAll};
  set.endpoint = &endpoint;
  const AccessDecision d = decide(set, r);
  if (d.decision != Decision::kAllow) return std::string(denyCodeName(d.code));
  std::string sids;
  for (const auto& m : d.statements) {
    if (m.policy == &endpoint) sids += (sids.empty() ? "" : ",") + m.statement->sid;
  }
  return sids;
}

Decision underScp(const PolicyDocument& scp, const Request& r, DenyCode* code = nullptr) {
  static const PolicyDocument full = document("FullAWSAccess", {allow({"*"})});
  PolicySet set;
  set.identity = {&kAllowAll};
  set.service_control = std::vector<std::vector<const PolicyDocument*>>{{&full}, {&full, &scp}};
  const AccessDecision d = decide(set, r);
  if (code != nullptr) *code = d.code;
  return d.decision;
}

Decision underRcp(const PolicyDocument& rcp, const Request& r) {
  static const PolicyDocument full = document("RCPFullAWSAccess", {allow({"*"}).anyPrincipal()});
  PolicySet set;
  set.identity = {&kAllowAll};
  set.resource_control = std::vector<const PolicyDocument*>{&full, &rcp};
  return decide(set, r).decision;
}

}  // namespace

TEST_CASE("data perimeter endpoint policies: each Sid lets through what its README says", "[policy]") {
  const PolicyDocument ssm = loadExample("vpc_endpoint_policies/ssm_endpoint_policy.json");
  const PolicyDocument s3 = loadExample("vpc_endpoint_policies/s3_endpoint_policy.json");

  // AllowRequestsByOrgsIdentitiesToOrgsResources: org identities to org resources.
  Request r = orgRequest("ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/app");
  r.context.set("aws:ResourceOrgID", kOrg);
  CHECK(throughEndpoint(ssm, r) == "AllowRequestsByOrgsIdentitiesToOrgsResources");
  r.context.set("aws:ResourceOrgID", "o-other");
  CHECK(throughEndpoint(ssm, r) == "ENDPOINT_POLICY_DENY");
  // ... not identities of another organization.
  r.context.set("aws:ResourceOrgID", kOrg);
  r.context.set("aws:PrincipalOrgID", "o-other");
  CHECK(throughEndpoint(ssm, r) == "ENDPOINT_POLICY_DENY");

  // AllowRequestsByAWSServicePrincipals.
  Request service = orgRequest("ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/app");
  service.context.erase("aws:PrincipalOrgID");
  service.context.set("aws:PrincipalIsAWSService", "true");
  CHECK(throughEndpoint(ssm, service) == "AllowRequestsByAWSServicePrincipals");

  // AllowRequestsByOrgsIdentitiesToAWSResources: the listed SSM actions on AWS-owned resources.
  Request aws_parameter =
      orgRequest("ssm:GetParameter", "arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest/x");
  aws_parameter.context.set("aws:ResourceOrgID", "o-aws");
  CHECK(throughEndpoint(ssm, aws_parameter) == "AllowRequestsByOrgsIdentitiesToAWSResources");
  aws_parameter.action = "ssm:PutParameter";
  CHECK(throughEndpoint(ssm, aws_parameter) == "ENDPOINT_POLICY_DENY");
  Request document_request = orgRequest("ssm:getdocument", "arn:aws:ssm:us-east-1::document/AWS-RunShellScript");
  CHECK(throughEndpoint(ssm, document_request) == "AllowRequestsByOrgsIdentitiesToAWSResources");

  // AllowRequestsByOrgsIdentitiesToAnyResources: org identities tagged dp:exclude:resource.
  Request tagged = orgRequest("ssm:PutParameter", "arn:aws:ssm:us-east-1:999999999999:parameter/x");
  tagged.context.set("aws:ResourceOrgID", "o-other");
  CHECK(throughEndpoint(ssm, tagged) == "ENDPOINT_POLICY_DENY");
  tagged.context.set("aws:PrincipalTag/dp:exclude:resource", "true");
  CHECK(throughEndpoint(ssm, tagged) == "AllowRequestsByOrgsIdentitiesToAnyResources");

  // AllowRequestsToAWSOwnedResources: anyone to the listed AWS buckets, only reads.
  Request repo = orgRequest("s3:GetObject", "arn:aws:s3:::amazonlinux-2-repos-us-east-1/core/mirror.list");
  repo.context.erase("aws:PrincipalOrgID");
  CHECK(throughEndpoint(s3, repo) == "AllowRequestsToAWSOwnedResources");
  repo.action = "s3:PutObject";
  CHECK(throughEndpoint(s3, repo) == "ENDPOINT_POLICY_DENY");

  // AllowRequestsByThirdPartyIdentitiesToThirdPartyResources.
  Request partner = orgRequest("s3:GetObject", "arn:aws:s3:::partner-bucket/report.csv");
  partner.context.erase("aws:PrincipalOrgID");
  partner.context.set("aws:PrincipalAccount", kThirdPartyA);
  partner.context.set("aws:ResourceAccount", kThirdPartyA);
  CHECK(throughEndpoint(s3, partner) == "AllowRequestsByThirdPartyIdentitiesToThirdPartyResources");
  partner.context.set("aws:PrincipalAccount", "111111111111");
  CHECK(throughEndpoint(s3, partner) == "ENDPOINT_POLICY_DENY");

  // AllowRequestsByOrgsIdentitiesToThirdPartyResources.
  Request to_partner = orgRequest("s3:GetObject", "arn:aws:s3:::partner-bucket/report.csv");
  to_partner.context.set("aws:ResourceAccount", kThirdPartyA);
  CHECK(throughEndpoint(s3, to_partner) == "AllowRequestsByOrgsIdentitiesToThirdPartyResources");
  to_partner.resource = "arn:aws:s3:::other-bucket/report.csv";
  CHECK(throughEndpoint(s3, to_partner) == "ENDPOINT_POLICY_DENY");

  // Every example endpoint policy parses and lets an org identity reach org resources.
  for (const char* file : {"default_endpoint_policy.json", "cloudformation_endpoint_policy.json",
                           "ec2_endpoint_policy.json", "ecr.api_endpoint_policy.json", "iam_endpoint_policy.json",
                           "imagebuilder_endpoint_policy.json", "iot_endpoint_policy.json",
                           "lambda_endpoint_policy.json"}) {
    CAPTURE(file);
    const PolicyDocument policy = loadExample(std::string("vpc_endpoint_policies/") + file);
    Request own = orgRequest("ec2:DescribeInstances", "*");
    own.context.set("aws:ResourceOrgID", kOrg);
    CHECK(throughEndpoint(policy, own) == "AllowRequestsByOrgsIdentitiesToOrgsResources");
    own.context.set("aws:PrincipalOrgID", "o-stranger");
    CHECK(throughEndpoint(policy, own) == "ENDPOINT_POLICY_DENY");
  }
}

TEST_CASE("data perimeter SCPs: the network perimeter denies tagged principals outside the VPC or corporate network",
          "[policy]") {
  const PolicyDocument scp = loadExample("service_control_policies/network_perimeter_sourcevpc_scp.json");
  Request r = orgRequest("s3:GetObject", "arn:aws:s3:::corp-bucket/k");
  r.context.set("aws:PrincipalTag/dp:include:network", "true");
  // EnforceNetworkPerimeterSourceVPC: from the VPC, allowed.
  CHECK(underScp(scp, r) == Decision::kAllow);
  // From another VPC: denied.
  r.context.set("aws:SourceVpc", "vpc-0bbb");
  DenyCode code = DenyCode::kNone;
  CHECK(underScp(scp, r, &code) == Decision::kExplicitDeny);
  CHECK(code == DenyCode::kScpDeny);
  // From the corporate network (public endpoint: SourceIp, no VPC keys): allowed.
  Request corp = r;
  corp.context.erase("aws:SourceVpc");
  corp.context.erase("aws:SourceVpce");
  corp.context.erase("aws:VpcSourceIp");
  corp.context.set("aws:SourceIp", "203.0.113.9");
  CHECK(underScp(scp, corp) == Decision::kAllow);
  corp.context.set("aws:SourceIp", "198.51.100.9");
  CHECK(underScp(scp, corp) == Decision::kExplicitDeny);
  // Exemptions: AWS services acting for the principal; principals tagged
  // dp:exclude:network; principals not tagged dp:include:network; the EC2
  // infrastructure role; the actions in NotAction.
  Request via = corp;
  via.context.set("aws:ViaAWSService", "true");
  CHECK(underScp(scp, via) == Decision::kAllow);
  Request excluded = corp;
  excluded.context.set("aws:PrincipalTag/dp:exclude:network", "true");
  CHECK(underScp(scp, excluded) == Decision::kAllow);
  Request untagged = corp;
  untagged.context.erase("aws:PrincipalTag/dp:include:network");
  CHECK(underScp(scp, untagged) == Decision::kAllow);
  Request infra = corp;
  infra.context.set("aws:PrincipalArn", "arn:aws:iam::123456789012:role/aws:ec2-infrastructure");
  CHECK(underScp(scp, infra) == Decision::kAllow);
  Request rds = corp;
  rds.action = "rds-db:connect";
  CHECK(underScp(scp, rds) == Decision::kAllow);
  // SourceVPCRegion: the VPC of this region only for requests to this region.
  Request region = orgRequest("s3:GetObject", "arn:aws:s3:::corp-bucket/k");
  CHECK(underScp(scp, region) == Decision::kAllow);
  region.context.set("aws:RequestedRegion", "eu-west-1");
  CHECK(underScp(scp, region) == Decision::kExplicitDeny);

  // EnforceNetworkPerimeterVpceOrgID: endpoints of the organization, or the listed third parties'.
  const PolicyDocument orgid = loadExample("service_control_policies/network_perimeter_vpceorgid_scp.json");
  Request kms = orgRequest("kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/k");
  kms.context.set("aws:PrincipalTag/dp:include:network", "true");
  CHECK(underScp(orgid, kms) == Decision::kAllow);
  kms.context.set("aws:VpceOrgID", "o-other");
  CHECK(underScp(orgid, kms) == Decision::kExplicitDeny);
  kms.context.set("aws:VpceAccount", kThirdPartyA);
  CHECK(underScp(orgid, kms) == Decision::kAllow);
  // An action outside the list is not affected.
  kms.context.erase("aws:VpceAccount");
  kms.action = "sagemaker:CreatePresignedDomainUrl";
  CHECK(underScp(orgid, kms) == Decision::kAllow);
}

TEST_CASE("data perimeter RCPs: resources refuse tagged callers outside the perimeter", "[policy]") {
  const PolicyDocument rcp = loadExample("resource_control_policies/network_perimeter_sourcevpc_rcp.json");
  Request r = orgRequest("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:123456789012:secret:s");
  r.context.set("aws:PrincipalTag/dp:include:network", "true");
  CHECK(underRcp(rcp, r) == Decision::kAllow);
  r.context.set("aws:SourceVpc", "vpc-0bbb");
  CHECK(underRcp(rcp, r) == Decision::kExplicitDeny);
  // The listed accounts (load balancing, third parties) and resources tagged dp:exclude:network are exempt.
  Request lb = r;
  lb.context.set("aws:PrincipalAccount", kLoadBalancing);
  CHECK(underRcp(rcp, lb) == Decision::kAllow);
  Request tagged_resource = r;
  tagged_resource.context.set("aws:ResourceTag/dp:exclude:network", "true");
  CHECK(underRcp(rcp, tagged_resource) == Decision::kAllow);
  // Services not in the list are not affected.
  r.action = "s3:GetObject";
  CHECK(underRcp(rcp, r) == Decision::kAllow);

  const PolicyDocument orgid = loadExample("resource_control_policies/network_perimeter_vpceorgid_rcp.json");
  Request s3 = orgRequest("s3:GetObject", "arn:aws:s3:::corp-bucket/k");
  s3.context.set("aws:PrincipalTag/dp:include:network", "true");
  CHECK(underRcp(orgid, s3) == Decision::kAllow);
  s3.context.set("aws:VpceOrgID", "o-other");
  CHECK(underRcp(orgid, s3) == Decision::kExplicitDeny);
}

// Benchmarks policy::decide(): one request against a typical set of
// policies (an endpoint policy, two identity policies, two SCP levels and
// RCPs: 5 kinds, about 20 statements), and against identity policies of
// growing size. Target: one decide() under 50 microseconds (docs/performance.md).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "formats/iam_policy.h"
#include "policy/evaluate.h"

namespace {

namespace policy = vpcsim::policy;
namespace topology = vpcsim::topology;

topology::PolicyDocument parse(const std::string& text, const std::string& name) {
  std::vector<topology::Diagnostic> errors;
  auto document = vpcsim::formats::parsePolicyText(text, name, name, errors);
  if (!document) {
    for (const auto& error : errors) std::cerr << error.str() << "\n";
    std::abort();
  }
  return *document;
}

constexpr const char* kEndpoint = R"({"Version": "2012-10-17", "Statement": [
  {"Sid": "OrgToOrg", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
   "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abcd1234", "aws:ResourceOrgID": "o-abcd1234"}}},
  {"Sid": "Services", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
   "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}},
  {"Sid": "AwsResources", "Effect": "Allow", "Principal": "*",
   "Action": ["ssm:Describe*", "ssm:List*", "ssm:Get*", "ssm:SendCommand"],
   "Resource": ["arn:aws:ssm:us-east-1::parameter/aws/*", "arn:aws:ssm:us-east-1::document/*"],
   "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abcd1234"}}},
  {"Sid": "OnlyMlops", "Effect": "Deny", "Principal": "*", "Action": "ssm:PutParameter", "Resource": "*",
   "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/StudioRoleMLOps"}}}]})";

constexpr const char* kIdentity1 = R"({"Version": "2012-10-17", "Statement": [
  {"Sid": "Params", "Effect": "Allow", "Action": ["ssm:GetParameter", "ssm:GetParameters"],
   "Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/${aws:PrincipalTag/team}/*"},
  {"Sid": "Studio", "Effect": "Allow", "Action": ["sagemaker:CreatePresignedDomainUrl", "sagemaker:Describe*"],
   "Resource": "arn:aws:sagemaker:*:123456789012:user-profile/*"},
  {"Sid": "Cidr", "Effect": "Deny", "Action": "sagemaker:*", "Resource": "*",
   "Condition": {"NotIpAddress": {"aws:VpcSourceIp": ["10.0.0.0/16", "10.1.0.0/16"]}}},
  {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
   "Resource": "arn:aws:logs:*:*:log-group:/aws/sagemaker/*"}]})";

constexpr const char* kIdentity2 = R"({"Version": "2012-10-17", "Statement": [
  {"Sid": "S3", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
   "Resource": ["arn:aws:s3:::sagemaker-*", "arn:aws:s3:::sagemaker-*/*"]},
  {"Sid": "Vpce", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
   "Condition": {"StringNotEquals": {"aws:SourceVpce": ["vpce-0123", "vpce-0456"]}}},
  {"Sid": "Kms", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
   "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}},
  {"Sid": "Tags", "Effect": "Allow", "Action": "sagemaker:AddTags", "Resource": "*",
   "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost-center"]}}}]})";

constexpr const char* kFullAccess = R"({"Version": "2012-10-17", "Statement": [
  {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]})";

constexpr const char* kScp = R"({"Version": "2012-10-17", "Statement": [
  {"Sid": "NetworkPerimeter", "Effect": "Deny",
   "NotAction": ["es:ES*", "dax:GetItem", "dax:Query", "neptune-db:*", "kafka-cluster:*", "rds-db:connect"],
   "Resource": "*",
   "Condition": {"BoolIfExists": {"aws:ViaAWSService": "false"},
                 "NotIpAddressIfExists": {"aws:SourceIp": ["203.0.113.0/24"]},
                 "StringNotEqualsIfExists": {"aws:PrincipalTag/dp:exclude:network": "true", "aws:SourceVpc": ["vpc-0aaa"]},
                 "ArnNotLikeIfExists": {"aws:PrincipalArn": ["arn:aws:iam::*:role/aws:ec2-infrastructure"]},
                 "StringEquals": {"aws:PrincipalTag/dp:include:network": "true"}}},
  {"Sid": "Regions", "Effect": "Deny", "Action": "*", "Resource": "*",
   "Condition": {"StringNotEqualsIfExists": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}]})";

constexpr const char* kRcp = R"({"Version": "2012-10-17", "Statement": [
  {"Sid": "RCPFullAWSAccess", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
  {"Sid": "Perimeter", "Effect": "Deny", "Principal": "*", "Action": ["s3:*", "kms:*", "sqs:*"], "Resource": "*",
   "Condition": {"StringNotEqualsIfExists": {"aws:VpceOrgID": "o-abcd1234"},
                 "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]})";

struct Fixture {
  std::vector<topology::PolicyDocument> documents;
  policy::PolicySet set;
  policy::Request request;

  explicit Fixture(int extra_identity_statements) {
    documents.reserve(8);
    documents.push_back(parse(kEndpoint, "endpoint"));
    documents.push_back(parse(kIdentity1, "identity1"));
    documents.push_back(parse(kIdentity2, "identity2"));
    documents.push_back(parse(kFullAccess, "FullAWSAccess"));
    documents.push_back(parse(kScp, "perimeter SCP"));
    documents.push_back(parse(kRcp, "RCP"));
    // More identity statements that do not apply (other services), with conditions.
    std::string extra = R"({"Version": "2012-10-17", "Statement": [)";
    for (int i = 0; i < extra_identity_statements; ++i) {
      extra += fmt::format(R"({}{{"Effect": "Allow", "Action": "svc{}:Get*", "Resource": "arn:aws:svc{}:*:*:thing/{}/*",
        "Condition": {{"StringEquals": {{"aws:PrincipalTag/team": "t{}"}}}}}})",
                           i == 0 ? "" : ",", i, i, i, i);
    }
    extra += "]}";
    if (extra_identity_statements > 0) documents.push_back(parse(extra, "extra"));

    set.endpoint = &documents[0];
    set.identity = {&documents[1], &documents[2]};
    if (extra_identity_statements > 0) set.identity.push_back(&documents[6]);
    set.service_control = std::vector<std::vector<const topology::PolicyDocument*>>{{&documents[3]},
                                                                                    {&documents[3], &documents[4]}};
    set.resource_control = std::vector<const topology::PolicyDocument*>{&documents[5]};

    request.action = "ssm:GetParameter";
    request.resource = "arn:aws:ssm:us-east-1:123456789012:parameter/ml/db-password";
    request.principal_arn = "arn:aws:iam::123456789012:role/StudioRoleMLOps";
    request.principal_account = "123456789012";
    auto& c = request.context;
    c.set("aws:PrincipalArn", request.principal_arn);
    c.set("aws:PrincipalAccount", "123456789012");
    c.set("aws:PrincipalOrgID", "o-abcd1234");
    c.set("aws:ResourceOrgID", "o-abcd1234");
    c.set("aws:PrincipalTag/team", "ml");
    c.set("aws:PrincipalTag/dp:include:network", "true");
    c.set("aws:PrincipalIsAWSService", "false");
    c.set("aws:ViaAWSService", "false");
    c.set("aws:SourceVpc", "vpc-0aaa");
    c.set("aws:SourceVpce", "vpce-0123");
    c.set("aws:VpceOrgID", "o-abcd1234");
    c.set("aws:VpcSourceIp", "10.0.1.5");
    c.set("aws:RequestedRegion", "us-east-1");
  }
};

void BM_DecideTypical(benchmark::State& state) {
  const Fixture f(0);
  if (policy::decide(f.set, f.request).decision != policy::Decision::kAllow) {
    state.SkipWithError("the typical request is not allowed");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(policy::decide(f.set, f.request));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecideTypical);

void BM_DecideIdentityStatements(benchmark::State& state) {
  const Fixture f(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(policy::decide(f.set, f.request));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecideIdentityStatements)->RangeMultiplier(4)->Range(16, 1024);

}  // namespace

BENCHMARK_MAIN();

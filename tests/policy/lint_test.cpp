// The endpoint-policy linter (policy/lint.h): each rule on a policy that
// breaks it and on one that does not. Rules: docs/policies.md, "Endpoint
// policy lint".
#include "policy/lint.h"

#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "formats/iam_policy.h"

using namespace vpcsim::policy;
using vpcsim::topology::EndpointType;
using vpcsim::topology::VpcEndpoint;

namespace {

VpcEndpoint endpointWith(const std::string& json, EndpointType type = EndpointType::kInterface) {
  std::vector<vpcsim::topology::Diagnostic> errors;
  VpcEndpoint endpoint;
  endpoint.meta.id = "vpce-1";
  endpoint.type = type;
  endpoint.policy = vpcsim::formats::parsePolicyText(json, "vpce-1 policy", "p.json", errors);
  INFO(json);
  REQUIRE(errors.empty());
  REQUIRE(endpoint.policy.has_value());
  return endpoint;
}

std::vector<std::string> codes(const VpcEndpoint& endpoint) {
  std::vector<std::string> out;
  for (const auto& w : lintEndpointPolicy(endpoint)) out.emplace_back(policyWarningCodeName(w.code));
  return out;
}

/// One Allow statement with `body` spliced in after the Effect.
std::string allowWith(const std::string& body) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)" + body + "}]}";
}

const std::string kAllowAll = allowWith(R"("Principal":"*","Action":"*","Resource":"*")");

}  // namespace

TEST_CASE("an endpoint without a policy of its own and the default policy raise nothing", "[policy][lint]") {
  VpcEndpoint none;
  none.meta.id = "vpce-0";
  CHECK(lintEndpointPolicy(none).empty());
  CHECK(codes(endpointWith(kAllowAll)).empty());
  CHECK(codes(endpointWith(kAllowAll, EndpointType::kGateway)).empty());
}

TEST_CASE("a statement without a Principal element is flagged, with its index and Sid", "[policy][lint]") {
  VpcEndpoint endpoint = endpointWith(
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},)"
      R"({"Sid":"NoWho","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})");
  auto warnings = lintEndpointPolicy(endpoint);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].code == PolicyWarningCode::kNoPrincipal);
  CHECK(warnings[0].endpoint_id == "vpce-1");
  CHECK(warnings[0].statement == std::size_t{1});
  CHECK(warnings[0].sid == "NoWho");
  CHECK(warnings[0].origin == "p.json /Statement/1");
  CHECK(policyWarningCodeName(warnings[0].code) == "ENDPOINT_POLICY_NO_PRINCIPAL");
}

TEST_CASE("a policy over 20,480 characters is flagged; one at the limit is not", "[policy][lint]") {
  // A resource list padded to make the compact text exactly `size` characters.
  auto sized = [](std::size_t size) {
    const std::string head = R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":")";
    const std::string tail = R"("}]})";
    return head + std::string(size - head.size() - tail.size(), 'a') + tail;
  };
  VpcEndpoint at_limit = endpointWith(sized(20480));
  CHECK(at_limit.policy->size == 20480);
  CHECK(codes(at_limit).empty());
  VpcEndpoint over = endpointWith(sized(20481));
  auto warnings = lintEndpointPolicy(over);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].code == PolicyWarningCode::kTooLarge);
  CHECK(warnings[0].characters == 20481);
  CHECK_FALSE(warnings[0].statement.has_value());
  // The guide counts white space: the text as the input gave it.
  at_limit.policy_document = sized(20480) + "  ";
  REQUIRE(lintEndpointPolicy(at_limit).size() == 1);
  CHECK(lintEndpointPolicy(at_limit)[0].characters == 20482);
}

TEST_CASE("a gateway endpoint's statement names a principal other than *", "[policy][lint]") {
  const std::string named = allowWith(
      R"("Principal":{"AWS":"arn:aws:iam::111122223333:role/r"},"Action":"s3:*","Resource":"*")");
  VpcEndpoint gateway = endpointWith(named, EndpointType::kGateway);
  auto warnings = lintEndpointPolicy(gateway);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].code == PolicyWarningCode::kGatewayPrincipal);
  CHECK(warnings[0].key == "Principal");
  CHECK(warnings[0].value == "arn:aws:iam::111122223333:role/r");
  // The same on an interface endpoint is fine; {"AWS": "*"} is "*".
  CHECK(codes(endpointWith(named)).empty());
  CHECK(codes(endpointWith(allowWith(R"("Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*")"),
                           EndpointType::kGateway))
            .empty());
  // The way the guide says to name principals there: aws:PrincipalArn.
  CHECK(codes(endpointWith(allowWith(R"("Principal":"*","Action":"s3:*","Resource":"*",)"
                                     R"("Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/r"}})"),
                           EndpointType::kGateway))
            .empty());
}

TEST_CASE("wildcards and numeric operators on system-generated ID keys", "[policy][lint]") {
  using Row = std::tuple<std::string, std::vector<std::string>>;
  auto row = GENERATE(table<std::string, std::vector<std::string>>({
      Row{R"({"StringLike":{"aws:SourceVpc":"vpc-*"}})", {"ENDPOINT_POLICY_ID_KEY_WILDCARD"}},
      Row{R"({"StringEquals":{"aws:PrincipalAccount":"1111222233??"}})", {"ENDPOINT_POLICY_ID_KEY_WILDCARD"}},
      Row{R"({"StringLike":{"AWS:PRINCIPALORGID":"o-*"}})", {"ENDPOINT_POLICY_ID_KEY_WILDCARD"}},
      Row{R"({"NumericLessThan":{"aws:PrincipalAccount":"200000000000"}})", {"ENDPOINT_POLICY_ID_KEY_NUMERIC"}},
      Row{R"({"StringEquals":{"aws:SourceVpc":"vpc-0123456789abcdef0"}})", {}},
      Row{R"({"Null":{"aws:SourceVpce":"true"}})", {}},
      // Not an ID key: the six-character rule applies, which this value meets.
      Row{R"({"StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}})", {}},
  }));
  const std::string& condition = std::get<0>(row);
  CAPTURE(condition);
  CHECK(codes(endpointWith(allowWith(R"("Principal":"*","Action":"*","Resource":"*","Condition":)" + condition))) ==
        std::get<1>(row));
}

TEST_CASE("a wildcard in a string condition needs six consecutive characters beside it", "[policy][lint]") {
  CHECK(hasShortWildcard("*"));
  CHECK(hasShortWildcard("ab*"));
  CHECK(hasShortWildcard("abcde*"));
  CHECK_FALSE(hasShortWildcard("abcdef*"));
  CHECK_FALSE(hasShortWildcard("*abcdef"));
  CHECK_FALSE(hasShortWildcard("arn:aws:iam::111122223333:role/*"));
  CHECK(hasShortWildcard("o-??????z???"));
  CHECK(hasShortWildcard("abcdef*ab*"));  // the second wildcard has "ab" and nothing after it
  CHECK_FALSE(hasShortWildcard("no wildcard"));
  VpcEndpoint short_like = endpointWith(
      allowWith(R"("Principal":"*","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"*Ops*"}})"));
  auto warnings = lintEndpointPolicy(short_like);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].code == PolicyWarningCode::kShortWildcard);
  CHECK(warnings[0].key == "aws:PrincipalArn");
  CHECK(warnings[0].operator_text == "StringLike");
  CHECK(warnings[0].value == "*Ops*");
  CHECK(warnings[0].origin == "p.json /Statement/0/Condition/StringLike/aws:PrincipalArn");
  // StringEquals reads * as itself.
  CHECK(codes(endpointWith(allowWith(
            R"("Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"*"}})")))
            .empty());
}

TEST_CASE("an ARN's account part holds an account ID or a wildcard, not both", "[policy][lint]") {
  CHECK(hasMixedArnAccount("arn:aws:s3:us-east-1:1234*:accesspoint/ap"));
  CHECK(hasMixedArnAccount("arn:aws:iam::11112222333?:role/r"));
  CHECK_FALSE(hasMixedArnAccount("arn:aws:iam::*:role/r"));
  CHECK_FALSE(hasMixedArnAccount("arn:aws:iam::111122223333:role/*"));
  CHECK_FALSE(hasMixedArnAccount("arn:aws:s3:::bucket/*"));
  CHECK_FALSE(hasMixedArnAccount("not-an-arn:1*"));
  CHECK(codes(endpointWith(allowWith(R"("Principal":"*","Action":"*","Resource":"arn:aws:sqs:us-east-1:1111*:queue")"))) ==
        std::vector<std::string>{"ENDPOINT_POLICY_ARN_ACCOUNT_WILDCARD"});
  CHECK(codes(endpointWith(allowWith(R"("Principal":"*","Action":"*","Resource":"*",)"
                                     R"("Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::1111*:role/Studio-Role"}})"))) ==
        std::vector<std::string>{"ENDPOINT_POLICY_ARN_ACCOUNT_WILDCARD"});
}

TEST_CASE("a Deny-only policy denies every request through the endpoint", "[policy][lint]") {
  // The reference lab's SSM endpoint policy.
  VpcEndpoint lab = endpointWith(
      R"({"Version":"2012-10-17","Statement":[{"Sid":"DenySSMExceptMLOps","Effect":"Deny","Principal":"*",)"
      R"("Action":"ssm:*","Resource":"*","Condition":{"ArnNotEquals":)"
      R"({"aws:PrincipalArn":"arn:aws:iam::111122223333:role/MLOps"}}}]})");
  auto warnings = lintEndpointPolicy(lab);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].code == PolicyWarningCode::kDenyOnly);
  CHECK_FALSE(warnings[0].statement.has_value());
  CHECK(warnings[0].origin == "p.json");
  // With the Allow statement it needs, nothing.
  VpcEndpoint fixed = endpointWith(
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},)"
      R"({"Effect":"Deny","Principal":"*","Action":"ssm:*","Resource":"*","Condition":{"ArnNotEquals":)"
      R"({"aws:PrincipalArn":"arn:aws:iam::111122223333:role/MLOps"}}}]})");
  CHECK(codes(fixed).empty());
}

TEST_CASE("an unconditional Deny of everything to everyone closes the endpoint", "[policy][lint]") {
  const std::string deny_all = R"({"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"})";
  // Closed even with an Allow; no Deny-only warning on top (an Allow would not help).
  CHECK(codes(endpointWith(R"({"Statement":[)" + deny_all + "]}")) ==
        std::vector<std::string>{"ENDPOINT_POLICY_DENIES_ALL"});
  CHECK(codes(endpointWith(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},)" +
                           deny_all + "]}")) == std::vector<std::string>{"ENDPOINT_POLICY_DENIES_ALL"});
  // A condition, a narrower action or a NotAction: not closed by this statement.
  CHECK(codes(endpointWith(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},)"
                           R"({"Effect":"Deny","Principal":"*","Action":"*","Resource":"*",)"
                           R"("Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})"))
            .empty());
  CHECK(codes(endpointWith(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},)"
                           R"({"Effect":"Deny","Principal":"*","NotAction":"*","Resource":"*"}]})"))
            .empty());
}

TEST_CASE("every endpoint of a topology is linted, in endpoint order", "[policy][lint]") {
  vpcsim::topology::Topology topology;
  VpcEndpoint a = endpointWith(R"({"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]})");
  a.meta.id = "vpce-a";
  VpcEndpoint b;
  b.meta.id = "vpce-b";
  VpcEndpoint c = endpointWith(allowWith(R"("Action":"*","Resource":"*")"));
  c.meta.id = "vpce-c";
  topology.vpc_endpoints = {a, b, c};
  auto warnings = lintEndpointPolicies(topology);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].endpoint_id == "vpce-a");
  CHECK(warnings[0].code == PolicyWarningCode::kDenyOnly);
  CHECK(warnings[1].endpoint_id == "vpce-c");
  CHECK(warnings[1].code == PolicyWarningCode::kNoPrincipal);
}

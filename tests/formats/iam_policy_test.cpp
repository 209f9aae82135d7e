// The policy parser: elements, operators and their qualifiers, located errors.
#include "formats/iam_policy.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace vpcsim::formats {
namespace {

using topology::ConditionOperator;
using topology::Diagnostic;
using topology::PolicyEffect;
using topology::SetOperator;

std::vector<std::string> errorsOf(std::string_view text, const std::string& origin = "v.json:/PolicyDocument") {
  std::vector<Diagnostic> errors;
  auto parsed = parsePolicyText(text, "p", origin, errors);
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.str());
  if (!errors.empty()) CHECK_FALSE(parsed.has_value());
  return out;
}

TEST_CASE("a policy document parses into typed statements", "[iam-policy]") {
  std::vector<Diagnostic> errors;
  auto doc = parsePolicyText(R"({"Version": "2012-10-17", "Id": "x", "Statement": [
    {"Sid": "DenyOutside", "Effect": "Deny", "Principal": "*", "NotAction": ["ssm:Get*", "kms:Decrypt"],
     "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:SourceVpc": ["vpc-1", "vpc-2"]},
                                    "ForAnyValue:StringLike": {"aws:CalledVia": "*.amazonaws.com"},
                                    "Null": {"aws:SourceIp": true},
                                    "NumericLessThan": {"s3:max-keys": 10}}},
    {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:role/r", "111122223333"],
                                      "Service": "sagemaker.amazonaws.com"},
     "Action": "sagemaker:CreatePresignedDomainUrl", "NotResource": "arn:aws:s3:::b/*"}]})",
                             "endpoint policy", "v.json:/PolicyDocument", errors);
  REQUIRE(errors.empty());
  REQUIRE(doc.has_value());
  CHECK(doc->version == "2012-10-17");
  CHECK(doc->id == "x");
  REQUIRE(doc->statements.size() == 2);
  const auto& deny = doc->statements[0];
  CHECK(deny.sid == "DenyOutside");
  CHECK(deny.effect == PolicyEffect::kDeny);
  CHECK(deny.not_action);
  CHECK(deny.actions == std::vector<std::string>{"ssm:Get*", "kms:Decrypt"});
  CHECK(deny.has_principal);
  CHECK(deny.principals.any);
  CHECK(deny.origin == "v.json:/PolicyDocument/Statement/0");
  REQUIRE(deny.conditions.size() == 4);
  // nlohmann::json keeps object keys sorted: operators come in name order.
  CHECK(deny.conditions[0].op == ConditionOperator::kStringLike);
  CHECK(deny.conditions[0].set == SetOperator::kForAnyValue);
  CHECK(deny.conditions[1].op == ConditionOperator::kNull);
  CHECK(deny.conditions[1].values == std::vector<std::string>{"true"});
  CHECK(deny.conditions[2].op == ConditionOperator::kNumericLessThan);
  CHECK(deny.conditions[2].values == std::vector<std::string>{"10"});
  CHECK(deny.conditions[3].op == ConditionOperator::kStringNotEquals);
  CHECK(deny.conditions[3].if_exists);
  CHECK(deny.conditions[3].key == "aws:SourceVpc");
  CHECK(deny.conditions[3].values == std::vector<std::string>{"vpc-1", "vpc-2"});
  CHECK(deny.conditions[3].origin ==
        "v.json:/PolicyDocument/Statement/0/Condition/StringNotEqualsIfExists/aws:SourceVpc");
  const auto& allow = doc->statements[1];
  CHECK(allow.index == 1);
  CHECK_FALSE(allow.principals.any);
  CHECK(allow.principals.entries ==
        std::vector<std::pair<std::string, std::string>>{{"AWS", "arn:aws:iam::123456789012:role/r"},
                                                         {"AWS", "111122223333"},
                                                         {"Service", "sagemaker.amazonaws.com"}});
  CHECK(allow.not_resource);
  CHECK(allow.resources == std::vector<std::string>{"arn:aws:s3:::b/*"});
}

TEST_CASE("one statement object, and URL-encoded text from the IAM API, are documents too", "[iam-policy]") {
  std::vector<Diagnostic> errors;
  auto single = parsePolicyText(R"({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})", "p", "o",
                                errors);
  REQUIRE(single.has_value());
  CHECK(single->statements.size() == 1);
  auto encoded = parsePolicyText("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22"
                                 "Allow%22%2C%22Action%22%3A%22s3%3A*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D",
                                 "p", "o", errors);
  REQUIRE(encoded.has_value());
  CHECK(encoded->statements[0].actions == std::vector<std::string>{"s3:*"});
  CHECK(errors.empty());
}

TEST_CASE("bad policy documents are errors at the element", "[iam-policy]") {
  CHECK(errorsOf(R"({"Statement": [{"Effect": "Alow", "Action": "*"}]})") ==
        std::vector<std::string>{"v.json:/PolicyDocument/Statement/0/Effect: error: Effect must be Allow or Deny, "
                                 "not 'Alow'"});
  CHECK(errorsOf(R"({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*"}]})") ==
        std::vector<std::string>{
            "v.json:/PolicyDocument/Statement/0/NotAction: error: a statement has Action or NotAction, not both"});
  CHECK(errorsOf(R"({"Statement": [{"Effect": "Allow"}]})") ==
        std::vector<std::string>{"v.json:/PolicyDocument/Statement/0: error: a statement needs an Action or "
                                 "NotAction"});
  CHECK(errorsOf(R"({"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringEqual": {"k": "v"}}}]})") ==
        std::vector<std::string>{"v.json:/PolicyDocument/Statement/0/Condition/StringEqual: error: unknown condition "
                                 "operator 'StringEqual' (did you mean 'StringEquals'?)"});
  CHECK(errorsOf(R"({"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"NullIfExists": {"k": true}}}]})")
            .size() == 1);
  CHECK(errorsOf(R"({"Statement": [{"Effect": "Allow", "Action": "*", "Resorce": "*"}]})") ==
        std::vector<std::string>{"v.json:/PolicyDocument/Statement/0/Resorce: error: unknown statement element "
                                 "'Resorce' (did you mean 'Resource'?)"});
  CHECK(errorsOf(R"({"Statement": [{"Effect": "Allow", "Action": "*", "Principal": "arn:aws:iam::1:root"}]})")
            .size() == 1);
  CHECK(errorsOf(R"({"Version": "2012-10-17"})") ==
        std::vector<std::string>{"v.json:/PolicyDocument: error: a policy document needs a Statement"});
  CHECK(errorsOf("{not json") ==
        std::vector<std::string>{"v.json:/PolicyDocument: error: the policy document is not valid JSON"});
  CHECK(errorsOf(std::string(100000, '[')) ==
        std::vector<std::string>{"v.json:/PolicyDocument: error: the policy document nests deeper than 64"});
  CHECK(errorsOf("%7B%2", "o").size() == 1);
  // A template's place: line and column, then the pointer after a space.
  CHECK(errorsOf(R"({"Statement": [{"Effect": 1, "Action": "*"}]})", "t.yaml:40:9") ==
        std::vector<std::string>{"t.yaml:40:9 /Statement/0/Effect: error: expected a string, not a number"});
}

}  // namespace
}  // namespace vpcsim::formats

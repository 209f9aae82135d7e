// The IAM evaluation engine (policy/): conditions, names, principals,
// variables, and decide() across every kind of policy. Rules:
// ../shared/reference/iam-semantics.md and docs/policies.md.
#include "policy/evaluate.h"

#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "policy/conditions.h"
#include "policy/patterns.h"
#include "tests/policy/policy_builders.h"

using namespace vpcsim::policy;
using namespace vpcsim::policy::testing;
using vpcsim::topology::PolicyDocument;

namespace {

Match conditionOn(const PolicyCondition& condition, const RequestContext& context, bool variables = true) {
  std::vector<std::string> keys;
  return evaluateCondition(condition, context, variables, keys);
}

/// A value of the operator's type that the request holds in the present-key cases.
std::string sampleValue(ConditionOperator op) {
  switch (op) {
    case ConditionOperator::kNumericEquals:
    case ConditionOperator::kNumericNotEquals:
    case ConditionOperator::kNumericLessThan:
    case ConditionOperator::kNumericLessThanEquals:
    case ConditionOperator::kNumericGreaterThan:
    case ConditionOperator::kNumericGreaterThanEquals: return "10";
    case ConditionOperator::kDateEquals:
    case ConditionOperator::kDateNotEquals:
    case ConditionOperator::kDateLessThan:
    case ConditionOperator::kDateLessThanEquals:
    case ConditionOperator::kDateGreaterThan:
    case ConditionOperator::kDateGreaterThanEquals: return "2024-01-01T00:00:00Z";
    case ConditionOperator::kBool:
    case ConditionOperator::kNull: return "true";
    case ConditionOperator::kBinaryEquals: return "QmluYXJ5";
    case ConditionOperator::kIpAddress:
    case ConditionOperator::kNotIpAddress: return "10.0.0.1";
    case ConditionOperator::kArnEquals:
    case ConditionOperator::kArnLike:
    case ConditionOperator::kArnNotEquals:
    case ConditionOperator::kArnNotLike: return "arn:aws:iam::123456789012:role/r";
    default: return "value";
  }
}

std::string text(Match m) {
  switch (m) {
    case Match::kNo: return "no";
    case Match::kYes: return "yes";
    case Match::kUnknown: return "unknown";
  }
  return "?";
}

}  // namespace

TEST_CASE("a key absent from the request: positive false, negated true, IfExists true, ForAllValues true, "
          "ForAnyValue false",
          "[policy]") {
  const RequestContext empty;
  for (const auto op : allOperators()) {
    if (op == ConditionOperator::kNull) continue;
    const std::string name(vpcsim::topology::conditionOperatorName(op));
    const bool negated = isNegatedOperator(op);
    const std::string value = sampleValue(op);
    CAPTURE(name);
    CHECK(conditionOn(cond(name, "aws:SourceVpc", {value}), empty) == (negated ? Match::kYes : Match::kNo));
    CHECK(conditionOn(cond(name + "IfExists", "aws:SourceVpc", {value}), empty) == Match::kYes);
    CHECK(conditionOn(cond("ForAllValues:" + name, "aws:TagKeys", {value}), empty) == Match::kYes);
    CHECK(conditionOn(cond("ForAnyValue:" + name, "aws:TagKeys", {value}), empty) == Match::kNo);
    // An empty multivalued key counts as missing for the set operators.
    RequestContext no_values;
    no_values.setMulti("aws:TagKeys", {});
    CHECK(conditionOn(cond("ForAllValues:" + name, "aws:TagKeys", {value}), no_values) == Match::kYes);
    CHECK(conditionOn(cond("ForAnyValue:" + name, "aws:TagKeys", {value}), no_values) == Match::kNo);
    // An unknown value leaves every form undetermined.
    RequestContext unknown;
    unknown.setUnknown("aws:SourceVpc");
    CHECK(conditionOn(cond(name, "aws:SourceVpc", {value}), unknown) == Match::kUnknown);
    CHECK(conditionOn(cond(name + "IfExists", "aws:SourceVpc", {value}), unknown) == Match::kUnknown);
  }
}

TEST_CASE("a key present: every operator with a matching and a non-matching value", "[policy]") {
  // operator, policy value, request value, expected
  using Row = std::tuple<std::string, std::string, std::string, Match>;
  const auto row = GENERATE(table<std::string, std::string, std::string, Match>({
      Row{"StringEquals", "vpc-1", "vpc-1", Match::kYes},
      Row{"StringEquals", "vpc-1", "VPC-1", Match::kNo},
      Row{"StringNotEquals", "vpc-1", "vpc-2", Match::kYes},
      Row{"StringNotEquals", "vpc-1", "vpc-1", Match::kNo},
      Row{"StringEqualsIgnoreCase", "vpc-1", "VPC-1", Match::kYes},
      Row{"StringNotEqualsIgnoreCase", "vpc-1", "VPC-1", Match::kNo},
      Row{"StringLike", "vpc-*", "vpc-1", Match::kYes},
      Row{"StringLike", "vpc-?", "vpc-12", Match::kNo},
      Row{"StringLike", "a*b*c", "axxbyyc", Match::kYes},
      Row{"StringLike", "VPC-*", "vpc-1", Match::kNo},
      Row{"StringNotLike", "vpc-*", "subnet-1", Match::kYes},
      Row{"StringNotLike", "vpc-*", "vpc-1", Match::kNo},
      Row{"NumericEquals", "10", "10.0", Match::kYes},
      Row{"NumericEquals", "10", "ten", Match::kNo},
      Row{"NumericNotEquals", "10", "11", Match::kYes},
      Row{"NumericLessThan", "10", "9", Match::kYes},
      Row{"NumericLessThan", "10", "10", Match::kNo},
      Row{"NumericLessThanEquals", "10", "10", Match::kYes},
      Row{"NumericGreaterThan", "10", "10.5", Match::kYes},
      Row{"NumericGreaterThanEquals", "10", "9", Match::kNo},
      Row{"DateEquals", "2024-01-01T00:00:00Z", "1704067200", Match::kYes},
      Row{"DateEquals", "2024-01-01T01:00:00+01:00", "2024-01-01T00:00:00Z", Match::kYes},
      Row{"DateNotEquals", "2024-01-01", "2024-01-02", Match::kYes},
      Row{"DateLessThan", "2024-01-01T00:00:00Z", "2023-12-31T23:59:59Z", Match::kYes},
      Row{"DateLessThanEquals", "2024-01-01", "2024-01-01T00:00:01Z", Match::kNo},
      Row{"DateGreaterThan", "2024-01-01", "2024-01-01T00:00:00.5Z", Match::kYes},
      Row{"DateGreaterThanEquals", "2024-01-01", "not a date", Match::kNo},
      Row{"Bool", "true", "TRUE", Match::kYes},
      Row{"Bool", "false", "true", Match::kNo},
      Row{"Bool", "true", "yes", Match::kNo},
      Row{"BinaryEquals", "QmluYXJ5", "QmluYXJ5", Match::kYes},
      Row{"BinaryEquals", "QmluYXJ5", "QmluYXJz", Match::kNo},
      Row{"IpAddress", "10.0.0.0/8", "10.1.2.3", Match::kYes},
      Row{"IpAddress", "10.0.0.0/8", "11.0.0.1", Match::kNo},
      Row{"IpAddress", "10.0.0.7", "10.0.0.7", Match::kYes},
      Row{"IpAddress", "10.0.0.7", "10.0.0.8", Match::kNo},
      Row{"IpAddress", "2001:db8::/32", "2001:db8:1::5", Match::kYes},
      Row{"IpAddress", "2001:db8::/32", "2001:db9::5", Match::kNo},
      Row{"IpAddress", "10.0.0.0/8", "2001:db8::1", Match::kNo},
      Row{"NotIpAddress", "10.0.0.0/8", "192.0.2.1", Match::kYes},
      Row{"NotIpAddress", "10.0.0.0/8", "10.9.9.9", Match::kNo},
      Row{"ArnEquals", "arn:aws:iam::*:role/r", "arn:aws:iam::123456789012:role/r", Match::kYes},
      Row{"ArnLike", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:role/a/b", Match::kYes},
      Row{"ArnLike", "arn:aws:iam::*", "arn:aws:iam::123456789012:role/r", Match::kNo},
      Row{"ArnLike", "arn:aws:iam::123456789012:ROLE/*", "arn:aws:iam::123456789012:role/r", Match::kNo},
      Row{"ArnNotEquals", "arn:aws:iam::*:role/r", "arn:aws:iam::123456789012:role/s", Match::kYes},
      Row{"ArnNotLike", "arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/s", Match::kNo},
  }));
  const auto& [op, policy_value, request_value, expected] = row;
  CAPTURE(op, policy_value, request_value);
  RequestContext context;
  context.set("k:Key", request_value);
  CHECK(text(conditionOn(cond(op, "k:key", {policy_value}), context)) == text(expected));
}

TEST_CASE("Null is true exactly when the key is absent", "[policy]") {
  RequestContext present;
  present.set("aws:SourceVpc", "vpc-1");
  const RequestContext absent;
  CHECK(conditionOn(cond("Null", "aws:SourceVpc", {"true"}), absent) == Match::kYes);
  CHECK(conditionOn(cond("Null", "aws:SourceVpc", {"true"}), present) == Match::kNo);
  CHECK(conditionOn(cond("Null", "aws:SourceVpc", {"false"}), absent) == Match::kNo);
  CHECK(conditionOn(cond("Null", "aws:SourceVpc", {"false"}), present) == Match::kYes);
  RequestContext unknown;
  unknown.setUnknown("aws:SourceVpc");
  CHECK(conditionOn(cond("Null", "aws:SourceVpc", {"true"}), unknown) == Match::kUnknown);
}

TEST_CASE("values of one key OR; a negated operator with several values holds when none matches", "[policy]") {
  RequestContext context;
  context.set("aws:SourceVpc", "vpc-2");
  CHECK(conditionOn(cond("StringEquals", "aws:SourceVpc", {"vpc-1", "vpc-2"}), context) == Match::kYes);
  CHECK(conditionOn(cond("StringNotEquals", "aws:SourceVpc", {"vpc-1", "vpc-2"}), context) == Match::kNo);
  CHECK(conditionOn(cond("StringNotEquals", "aws:SourceVpc", {"vpc-1", "vpc-3"}), context) == Match::kYes);
}

TEST_CASE("set operators on multivalued keys", "[policy]") {
  RequestContext context;
  context.setMulti("aws:TagKeys", {"team", "cost"});
  CHECK(conditionOn(cond("ForAllValues:StringEquals", "aws:TagKeys", {"team", "cost", "env"}), context) == Match::kYes);
  CHECK(conditionOn(cond("ForAllValues:StringEquals", "aws:TagKeys", {"team"}), context) == Match::kNo);
  CHECK(conditionOn(cond("ForAnyValue:StringEquals", "aws:TagKeys", {"team"}), context) == Match::kYes);
  CHECK(conditionOn(cond("ForAnyValue:StringEquals", "aws:TagKeys", {"env"}), context) == Match::kNo);
  // ForAnyValue:StringNotEquals: some value is none of the listed.
  CHECK(conditionOn(cond("ForAnyValue:StringNotEquals", "aws:TagKeys", {"team"}), context) == Match::kYes);
  CHECK(conditionOn(cond("ForAllValues:StringNotEquals", "aws:TagKeys", {"team"}), context) == Match::kNo);
  // The SageMaker guide's ForAnyValue on a single-valued key: evaluated as documented.
  RequestContext single;
  single.set("aws:sourceVpce", "vpce-1");
  CHECK(conditionOn(cond("ForAnyValue:StringEquals", "aws:sourceVpce", {"vpce-1", "vpce-2"}), single) == Match::kYes);
  CHECK(conditionOn(cond("ForAnyValue:StringEquals", "aws:sourceVpce", {"vpce-1"}), RequestContext{}) == Match::kNo);
}

TEST_CASE("context key names compare case-insensitively, tag keys too", "[policy]") {
  RequestContext context;
  context.set("aws:PrincipalTag/Team", "ml");
  CHECK(context.find("AWS:principaltag/team") != nullptr);
  CHECK(conditionOn(cond("StringEquals", "aws:principaltag/TEAM", {"ml"}), context) == Match::kYes);
  // ... but values do not.
  CHECK(conditionOn(cond("StringEquals", "aws:PrincipalTag/team", {"ML"}), context) == Match::kNo);
  context.erase("Aws:PrincipalTag/TEAM");
  CHECK(context.find("aws:PrincipalTag/Team") == nullptr);
}

TEST_CASE("actions: case-insensitive with * and ?", "[policy]") {
  CHECK(actionMatches("ssm:GetParameter", "SSM:getparameter"));
  CHECK(actionMatches("ssm:Get*", "ssm:GetParameters"));
  CHECK(actionMatches("ssm:Get?arameter", "ssm:GetParameter"));
  CHECK(actionMatches("*", "s3:GetObject"));
  CHECK_FALSE(actionMatches("ssm:Get*", "ssmmessages:GetX"));
  CHECK_FALSE(actionMatches("ssm:GetParameter", "ssm:GetParameters"));
}

TEST_CASE("resource ARNs: case-sensitive, * within one field before the resource part", "[policy]") {
  CHECK(arnMatches("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c"));
  CHECK_FALSE(arnMatches("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/a"));
  CHECK(arnMatches("arn:aws:ssm:*:*:parameter/x", "arn:aws:ssm:us-east-1:123456789012:parameter/x"));
  // A * in the region field does not take the account with it.
  CHECK_FALSE(arnMatches("arn:aws:ssm:*:parameter/x", "arn:aws:ssm:us-east-1:123456789012:parameter/x"));
  CHECK_FALSE(arnMatches("arn:aws:ssm:us-*:parameter/x", "arn:aws:ssm:us-east-1:123456789012:parameter/x"));
  CHECK(arnMatches("arn:aws:ssm:us-*:1234????????:parameter/*", "arn:aws:ssm:us-east-1:123456789012:parameter/x"));
  CHECK(arnMatches("*", "arn:aws:s3:::bucket"));
  CHECK(arnMatches("*", "*"));
  // An action without a resource ("*") is named only by Resource "*".
  CHECK_FALSE(arnMatches("arn:aws:s3:::*", "*"));
  CHECK_FALSE(arnMatches("arn:aws:*", "arn:aws:s3:::bucket"));
}

TEST_CASE("wildcard matching is linear on hostile patterns", "[policy]") {
  const std::string text(5000, 'a');
  CHECK_FALSE(wildcardMatch("*a*a*a*a*a*a*a*a*a*b", text, false));
  CHECK(wildcardMatch("*a*a*a*a*a*a*a*a*a*", text, false));
  CHECK(wildcardMatch("", "", false));
  CHECK_FALSE(wildcardMatch("", "a", false));
  CHECK(wildcardMatch("**", "", false));
}

TEST_CASE("NotAction, NotResource with Allow and with Deny", "[policy]") {
  const Request get = roleRequest("ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/p");
  const Request put = roleRequest("s3:PutObject", "arn:aws:s3:::bucket/key");
  const PolicyDocument allow_not_ssm = document("p", {allow({"ssm:*"}).notAction()});
  CHECK(evaluatePolicies({&allow_not_ssm}, PolicyKind::kIdentity, get).decision == Decision::kImplicitDeny);
  CHECK(evaluatePolicies({&allow_not_ssm}, PolicyKind::kIdentity, put).decision == Decision::kAllow);
  const PolicyDocument deny_not_ssm = document("p", {allow({"*"}), deny({"ssm:*"}).notAction()});
  CHECK(evaluatePolicies({&deny_not_ssm}, PolicyKind::kIdentity, get).decision == Decision::kAllow);
  CHECK(evaluatePolicies({&deny_not_ssm}, PolicyKind::kIdentity, put).decision == Decision::kExplicitDeny);

  const PolicyDocument allow_not_bucket = document("p", {allow({"*"}).notResources({"arn:aws:s3:::bucket/*"})});
  CHECK(evaluatePolicies({&allow_not_bucket}, PolicyKind::kIdentity, put).decision == Decision::kImplicitDeny);
  CHECK(evaluatePolicies({&allow_not_bucket}, PolicyKind::kIdentity, get).decision == Decision::kAllow);
  const PolicyDocument deny_not_bucket =
      document("p", {allow({"*"}), deny({"*"}).notResources({"arn:aws:s3:::bucket/*"})});
  CHECK(evaluatePolicies({&deny_not_bucket}, PolicyKind::kIdentity, put).decision == Decision::kAllow);
  CHECK(evaluatePolicies({&deny_not_bucket}, PolicyKind::kIdentity, get).decision == Decision::kExplicitDeny);
  // A request without a resource ("*") is outside any NotResource list of ARNs.
  Request list = roleRequest("s3:ListAllMyBuckets", "*");
  CHECK(evaluatePolicies({&deny_not_bucket}, PolicyKind::kIdentity, list).decision == Decision::kExplicitDeny);
  const PolicyDocument allow_bucket = document("p", {allow({"s3:*"}, {"arn:aws:s3:::*"})});
  CHECK(evaluatePolicies({&allow_bucket}, PolicyKind::kIdentity, list).decision == Decision::kImplicitDeny);
}

TEST_CASE("Principal: any, account, role, service; ignored for identity policies and SCPs", "[policy]") {
  Request r = roleRequest("s3:GetObject", "arn:aws:s3:::b/k");
  const auto applies = [&](const PolicyDocument& d, PolicyKind kind) {
    return evaluatePolicies({&d}, kind, r).decision == Decision::kAllow;
  };
  CHECK(applies(document("p", {allow({"*"}).anyPrincipal()}), PolicyKind::kResource));
  CHECK(applies(document("p", {allow({"*"}).principal("AWS", "*")}), PolicyKind::kResource));
  CHECK(applies(document("p", {allow({"*"}).principal("AWS", kAccount)}), PolicyKind::kResource));
  CHECK(applies(document("p", {allow({"*"}).principal("AWS", "arn:aws:iam::123456789012:root")}), PolicyKind::kResource));
  CHECK_FALSE(applies(document("p", {allow({"*"}).principal("AWS", kOtherAccount)}), PolicyKind::kResource));
  CHECK(applies(document("p", {allow({"*"}).principal("AWS", kMlopsRole)}), PolicyKind::kEndpoint));
  CHECK_FALSE(applies(document("p", {allow({"*"}).principal("AWS", kScientistRole)}), PolicyKind::kEndpoint));
  CHECK_FALSE(applies(document("p", {allow({"*"}).principal("Service", "sagemaker.amazonaws.com")}),
                      PolicyKind::kResource));
  // A statement without Principal names nobody where one is required...
  CHECK_FALSE(applies(document("p", {allow({"*"})}), PolicyKind::kEndpoint));
  // ... and the element is not read for identity policies and SCPs.
  CHECK(applies(document("p", {allow({"*"}).principal("AWS", kOtherAccount)}), PolicyKind::kIdentity));
  CHECK(applies(document("p", {allow({"*"})}), PolicyKind::kServiceControl));

  Request service;
  service.action = "sts:AssumeRole";
  service.resource = kMlopsRole;
  service.principal_arn = "sagemaker.amazonaws.com";
  CHECK(evaluatePolicies({}, PolicyKind::kResource, service).decision == Decision::kImplicitDeny);
  const PolicyDocument trust = document("trust", {allow({"sts:AssumeRole"}).principal("Service", "sagemaker.amazonaws.com")});
  CHECK(evaluatePolicies({&trust}, PolicyKind::kResource, service).decision == Decision::kAllow);
  // Anonymous callers: only "*".
  Request anonymous;
  anonymous.action = "s3:GetObject";
  anonymous.resource = "arn:aws:s3:::b/k";
  const PolicyDocument account_only = document("p", {allow({"*"}).principal("AWS", kAccount)});
  const PolicyDocument everyone = document("p", {allow({"*"}).anyPrincipal()});
  CHECK(evaluatePolicies({&account_only}, PolicyKind::kResource, anonymous).decision == Decision::kImplicitDeny);
  CHECK(evaluatePolicies({&everyone}, PolicyKind::kResource, anonymous).decision == Decision::kAllow);
}

TEST_CASE("NotPrincipal: a Deny exempts a role session only when the role, the session and the account are listed",
          "[policy]") {
  Request r = roleRequest("s3:GetObject", "arn:aws:s3:::b/k");
  const std::string session = "arn:aws:sts::123456789012:assumed-role/StudioRoleMLOps/s1";
  const auto decision = [&](const PolicyDocument& d) {
    return evaluatePolicies({&d}, PolicyKind::kResource, r).decision;
  };
  const PolicyDocument role_only =
      document("p", {deny({"*"}).notPrincipal("AWS", kMlopsRole), allow({"*"}).anyPrincipal()});
  CHECK(decision(role_only) == Decision::kExplicitDeny);
  const PolicyDocument all_three = document(
      "p", {deny({"*"}).notPrincipal("AWS", kMlopsRole).notPrincipal("AWS", session).notPrincipal("AWS", kAccount),
            allow({"*"}).anyPrincipal()});
  // The session's name is not known: whether s1 is ours is undetermined.
  CHECK(decision(all_three) == Decision::kUndetermined);
  r.session_arn = session;
  CHECK(decision(all_three) == Decision::kAllow);
  r.session_arn = "arn:aws:sts::123456789012:assumed-role/StudioRoleMLOps/s2";
  CHECK(decision(all_three) == Decision::kExplicitDeny);
  // Another role: not exempt.
  Request other = roleRequest("s3:GetObject", "arn:aws:s3:::b/k", kScientistRole);
  CHECK(evaluatePolicies({&all_three}, PolicyKind::kResource, other).decision == Decision::kExplicitDeny);
  // NotPrincipal with Allow grants everyone not listed.
  const PolicyDocument allow_others = document("p", {allow({"*"}).notPrincipal("AWS", kScientistRole)});
  CHECK(evaluatePolicies({&allow_others}, PolicyKind::kResource, r).decision == Decision::kAllow);
}

TEST_CASE("policy variables in Resource and condition values", "[policy]") {
  Request r = roleRequest("s3:GetObject", "arn:aws:s3:::home/alice/notes");
  r.context.set("aws:username", "alice");
  r.context.set("aws:PrincipalTag/team", "ml");
  const auto decision = [&](const PolicyDocument& d) {
    return evaluatePolicies({&d}, PolicyKind::kIdentity, r).decision;
  };
  CHECK(decision(document("p", {allow({"s3:*"}, {"arn:aws:s3:::home/${aws:username}/*"})})) == Decision::kAllow);
  CHECK(decision(document("p", {allow({"s3:*"}, {"arn:aws:s3:::home/${aws:username}/*"})}, "2008-10-17")) ==
        Decision::kImplicitDeny);  // no variables before 2012-10-17: the text is literal
  CHECK(decision(document("p", {allow({"s3:*"}, {"arn:aws:s3:::home/${aws:userid}/*"})})) ==
        Decision::kImplicitDeny);  // unresolvable
  CHECK(decision(document("p", {allow({"s3:*"}, {"arn:aws:s3:::home/${aws:userid, 'alice'}/*"})})) ==
        Decision::kAllow);  // default value
  CHECK(decision(document("p", {allow({"*"}).when("StringEquals", "s3:prefix", {"${aws:PrincipalTag/TEAM}"})})) ==
        Decision::kImplicitDeny);  // s3:prefix absent
  r.context.set("s3:prefix", "ml");
  CHECK(decision(document("p", {allow({"*"}).when("StringEquals", "s3:prefix", {"${aws:PrincipalTag/TEAM}"})})) ==
        Decision::kAllow);
  // ${*} is a literal star, not a wildcard.
  r.context.set("s3:prefix", "a*");
  CHECK(decision(document("p", {allow({"*"}).when("StringLike", "s3:prefix", {"a${*}"})})) == Decision::kAllow);
  r.context.set("s3:prefix", "ab");
  CHECK(decision(document("p", {allow({"*"}).when("StringLike", "s3:prefix", {"a${*}"})})) == Decision::kImplicitDeny);
  CHECK(decision(document("p", {allow({"*"}).when("StringLike", "s3:prefix", {"a*"})})) == Decision::kAllow);
  // A variable whose key is unknown: undetermined.
  r.context.setUnknown("aws:username");
  CHECK(decision(document("p", {allow({"s3:*"}, {"arn:aws:s3:::home/${aws:username}/*"})})) == Decision::kUndetermined);
}

TEST_CASE("matchStatement lists the keys its conditions read, variables included", "[policy]") {
  Request r = roleRequest("s3:GetObject", "arn:aws:s3:::b/k");
  const PolicyDocument d = document(
      "p", {allow({"*"}).when("StringEquals", "aws:SourceVpc", {"${aws:PrincipalTag/vpc}"}).when("Bool", "AWS:ViaAWSService", {"false"})});
  const StatementMatch m = matchStatement(d, d.statements[0], PolicyKind::kIdentity, r);
  CHECK(m.match == Match::kNo);
  CHECK(m.keys_used == std::vector<std::string>{"aws:sourcevpc", "aws:viaawsservice"});
  r.context.set("aws:SourceVpc", "vpc-1");
  const StatementMatch m2 = matchStatement(d, d.statements[0], PolicyKind::kIdentity, r);
  CHECK(m2.keys_used == std::vector<std::string>{"aws:sourcevpc", "aws:principaltag/vpc", "aws:viaawsservice"});
}

// ---------------------------------------------------------------------------
// decide()

namespace {

const PolicyDocument kIdentityAll = document("identity", {allow({"*"})});

PolicySet identityOnly(const PolicyDocument& identity = kIdentityAll) {
  PolicySet set;
  set.identity = {&identity};
  return set;
}

}  // namespace

TEST_CASE("an explicit deny wins over every allow", "[policy]") {
  const PolicyDocument identity = document("identity", {allow({"*"}), deny({"ssm:DeleteParameter"})});
  const Request r = roleRequest("ssm:DeleteParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/p");
  const AccessDecision d = decide(identityOnly(identity), r);
  CHECK(d.decision == Decision::kExplicitDeny);
  CHECK(d.code == DenyCode::kIdentityPolicyDeny);
  REQUIRE(d.statements.size() == 1);
  CHECK(d.statements[0].statement == &identity.statements[1]);
  CHECK(decide(identityOnly(identity), roleRequest("ssm:GetParameter", "*")).decision == Decision::kAllow);
  CHECK(decide(PolicySet{}, r).decision == Decision::kImplicitDeny);
  CHECK(decide(PolicySet{}, r).code == DenyCode::kIdentityPolicyDeny);
}

TEST_CASE("the reference lab's Deny-only SSM endpoint policy denies the MLOps role too (implicitly)", "[policy]") {
  // Deny ssm:* unless aws:PrincipalArn is the MLOps role: the lab means
  // "only MLOps", but an endpoint policy grants nothing, so with no Allow
  // nothing passes (PrivateLink Guide; iam-semantics.md rule 2).
  const PolicyDocument ssm_endpoint = document(
      "vpce-ssm policy",
      {deny({"ssm:*"}).anyPrincipal().when("StringNotEquals", "aws:PrincipalArn", {kMlopsRole})});
  PolicySet set = identityOnly();
  set.endpoint = &ssm_endpoint;
  const std::string parameter = "arn:aws:ssm:us-east-1:123456789012:parameter/p";

  const AccessDecision mlops = decide(set, roleRequest("ssm:GetParameter", parameter, kMlopsRole));
  CHECK(mlops.decision == Decision::kImplicitDeny);
  CHECK(mlops.code == DenyCode::kEndpointPolicyDeny);
  CHECK(denyCodeName(mlops.code) == "ENDPOINT_POLICY_DENY");
  CHECK(mlops.deciding_kind == PolicyKind::kEndpoint);
  CHECK(mlops.keys_used == std::vector<std::string>{"aws:principalarn"});

  const AccessDecision scientist = decide(set, roleRequest("ssm:GetParameter", parameter, kScientistRole));
  CHECK(scientist.decision == Decision::kExplicitDeny);
  CHECK(scientist.code == DenyCode::kEndpointPolicyDeny);
  REQUIRE(scientist.statements.size() == 1);
  CHECK(scientist.statements[0].policy == &ssm_endpoint);

  // What the lab intends: add an Allow * statement.
  PolicyDocument fixed = ssm_endpoint;
  fixed.statements.push_back(allow({"*"}).anyPrincipal());
  set.endpoint = &fixed;
  CHECK(decide(set, roleRequest("ssm:GetParameter", parameter, kMlopsRole)).decision == Decision::kAllow);
  CHECK(decide(set, roleRequest("ssm:GetParameter", parameter, kScientistRole)).decision == Decision::kExplicitDeny);
}

TEST_CASE("the default endpoint policy (no document) lets everything through; the endpoint grants nothing",
          "[policy]") {
  PolicySet set;
  set.endpoint = nullptr;
  const Request r = roleRequest("ssm:GetParameter", "*");
  CHECK(decide(set, r).decision == Decision::kImplicitDeny);
  CHECK(decide(set, r).code == DenyCode::kIdentityPolicyDeny);
  set.identity = {&kIdentityAll};
  const AccessDecision d = decide(set, r);
  CHECK(d.decision == Decision::kAllow);
  CHECK(d.statements.size() == 2);  // the default endpoint statement and the identity allow
}

TEST_CASE("SCPs: an allow at every level, a deny at any", "[policy]") {
  const PolicyDocument full = document("FullAWSAccess", {allow({"*"})});
  const PolicyDocument only_s3 = document("OnlyS3", {allow({"s3:*"})});
  const PolicyDocument deny_ssm = document("DenySsm", {deny({"ssm:*"})});
  const Request ssm = roleRequest("ssm:GetParameter", "*");
  const Request s3 = roleRequest("s3:GetObject", "arn:aws:s3:::b/k");
  PolicySet set = identityOnly();
  set.service_control = std::vector<std::vector<const PolicyDocument*>>{{&full}, {&only_s3}, {&full}};
  CHECK(decide(set, s3).decision == Decision::kAllow);
  const AccessDecision d = decide(set, ssm);
  CHECK(d.decision == Decision::kImplicitDeny);
  CHECK(d.code == DenyCode::kScpDeny);
  set.service_control = std::vector<std::vector<const PolicyDocument*>>{{&full}, {}};
  CHECK(decide(set, s3).code == DenyCode::kScpDeny);  // a level with nothing attached allows nothing
  set.service_control = std::vector<std::vector<const PolicyDocument*>>{{&full, &deny_ssm}, {&full}};
  CHECK(decide(set, ssm).decision == Decision::kExplicitDeny);
  CHECK(decide(set, ssm).code == DenyCode::kScpDeny);
  CHECK(decide(set, s3).decision == Decision::kAllow);
}

TEST_CASE("SCPs of unknown levels: all allow passes, none fails, a mix is undetermined", "[policy]") {
  const PolicyDocument full = document("FullAWSAccess", {allow({"*"})});
  const PolicyDocument only_s3 = document("OnlyS3", {allow({"s3:*"})});
  const PolicyDocument deny_ssm = document("DenySsm", {deny({"ssm:*"})});
  const Request ssm = roleRequest("ssm:GetParameter", "*");
  const Request s3 = roleRequest("s3:GetObject", "arn:aws:s3:::b/k");
  const Request ec2 = roleRequest("ec2:DescribeVpcs", "*");
  PolicySet set = identityOnly();
  set.service_control_unplaced = std::vector<const PolicyDocument*>{&full, &only_s3};
  CHECK(decide(set, s3).decision == Decision::kAllow);  // every level holds one of them: each allows
  // FullAWSAccess and OnlyS3 at one level allow ssm; at two levels they do not.
  const AccessDecision mixed = decide(set, ssm);
  CHECK(mixed.decision == Decision::kUndetermined);
  CHECK(mixed.deciding_kind == PolicyKind::kServiceControl);
  CHECK(mixed.missing.find("which level (root, OU, account)") != std::string::npos);
  set.service_control_unplaced = std::vector<const PolicyDocument*>{&only_s3, &deny_ssm};
  const AccessDecision none = decide(set, ec2);  // no SCP allows it: whatever the levels, one lacks an allow
  CHECK(none.decision == Decision::kImplicitDeny);
  CHECK(none.code == DenyCode::kScpDeny);
  CHECK(decide(set, ssm).decision == Decision::kExplicitDeny);  // a Deny decides at any level
}

TEST_CASE("RCPFullAWSAccess allows everything to anyone", "[policy]") {
  const Request ssm = roleRequest("ssm:GetParameter", "*");
  PolicySet set = identityOnly();
  set.resource_control = std::vector<const PolicyDocument*>{&rcpFullAwsAccess()};
  CHECK(decide(set, ssm).decision == Decision::kAllow);
}

TEST_CASE("RCPs and permissions boundaries must allow too", "[policy]") {
  const PolicyDocument rcp_full = document("RCPFullAWSAccess", {allow({"*"}).anyPrincipal()});
  const PolicyDocument boundary = document("boundary", {allow({"s3:*"})});
  const Request ssm = roleRequest("ssm:GetParameter", "*");
  PolicySet set = identityOnly();
  set.resource_control = std::vector<const PolicyDocument*>{&rcp_full};
  set.boundary = std::vector<const PolicyDocument*>{&boundary};
  const AccessDecision d = decide(set, ssm);
  CHECK(d.decision == Decision::kImplicitDeny);
  CHECK(d.code == DenyCode::kBoundaryDeny);
  set.resource_control = std::vector<const PolicyDocument*>{};
  CHECK(decide(set, ssm).code == DenyCode::kRcpDeny);
  CHECK(decide(set, roleRequest("s3:GetObject", "arn:aws:s3:::b/k")).code == DenyCode::kRcpDeny);
}

TEST_CASE("resource policies: same account either allow suffices, across accounts both must", "[policy]") {
  const PolicyDocument bucket =
      document("bucket", {allow({"s3:GetObject"}, {"arn:aws:s3:::b/*"}).principal("AWS", kMlopsRole)});
  const Request r = roleRequest("s3:GetObject", "arn:aws:s3:::b/k");
  PolicySet set;
  set.resource = std::vector<const PolicyDocument*>{&bucket};
  CHECK(decide(set, r).decision == Decision::kAllow);  // no identity allow needed in one account
  set.cross_account = true;
  CHECK(decide(set, r).code == DenyCode::kIdentityPolicyDeny);
  set.identity = {&kIdentityAll};
  CHECK(decide(set, r).decision == Decision::kAllow);
  set.resource = std::nullopt;
  const AccessDecision d = decide(set, r);
  CHECK(d.decision == Decision::kImplicitDeny);
  CHECK(d.code == DenyCode::kResourcePolicyDeny);
  const PolicyDocument deny_bucket = document("bucket", {deny({"s3:*"}).anyPrincipal()});
  set.cross_account = false;
  set.resource = std::vector<const PolicyDocument*>{&deny_bucket};
  CHECK(decide(set, r).code == DenyCode::kResourcePolicyDeny);
}

TEST_CASE("explicit denies in several kinds: the code follows the fixed order", "[policy]") {
  const PolicyDocument deny_all = document("deny", {deny({"*"}).anyPrincipal()});
  const Request r = roleRequest("s3:GetObject", "arn:aws:s3:::b/k");
  PolicySet set;
  set.identity = {&deny_all};
  set.resource = std::vector<const PolicyDocument*>{&deny_all};
  set.service_control = std::vector<std::vector<const PolicyDocument*>>{{&deny_all}};
  AccessDecision d = decide(set, r);
  CHECK(d.code == DenyCode::kIdentityPolicyDeny);
  CHECK(d.statements.size() == 3);
  set.endpoint = &deny_all;
  d = decide(set, r);
  CHECK(d.code == DenyCode::kEndpointPolicyDeny);
  CHECK(d.statements.size() == 4);
}

TEST_CASE("unknown context values: undetermined only when the answer depends on them", "[policy]") {
  const PolicyDocument vpc_only =
      document("identity", {allow({"*"}), deny({"s3:*"}).when("StringNotEquals", "aws:SourceVpc", {"vpc-1"})});
  Request r = roleRequest("s3:GetObject", "arn:aws:s3:::b/k");
  r.context.setUnknown("aws:SourceVpc");
  AccessDecision d = decide(identityOnly(vpc_only), r);
  CHECK(d.decision == Decision::kUndetermined);
  CHECK(d.missing == "the value of aws:sourcevpc is not known");
  CHECK(d.statements.size() == 1);
  // A deny that may apply does not matter when nothing allows anyway.
  const PolicyDocument deny_only = document("identity", {deny({"s3:*"}).when("StringNotEquals", "aws:SourceVpc", {"vpc-1"})});
  d = decide(identityOnly(deny_only), r);
  CHECK(d.decision == Decision::kImplicitDeny);
  // An allow that may apply, nothing certain: undetermined.
  const PolicyDocument maybe_allow = document("identity", {allow({"*"}).when("StringEquals", "aws:SourceVpc", {"vpc-1"})});
  CHECK(decide(identityOnly(maybe_allow), r).decision == Decision::kUndetermined);
  // ... unless another allow is certain.
  const PolicyDocument certain = document("identity2", {allow({"s3:*"})});
  PolicySet both;
  both.identity = {&maybe_allow, &certain};
  CHECK(decide(both, r).decision == Decision::kAllow);
  // A certain gate denial decides whatever the unknown is.
  const PolicyDocument endpoint = document("vpce", {allow({"ssm:*"}).anyPrincipal()});
  PolicySet gated = identityOnly(maybe_allow);
  gated.endpoint = &endpoint;
  CHECK(decide(gated, r).code == DenyCode::kEndpointPolicyDeny);
  // evaluatePolicies: the same three values.
  CHECK(evaluatePolicies({&vpc_only}, PolicyKind::kIdentity, r).decision == Decision::kUndetermined);
  r.context.set("aws:SourceVpc", "vpc-2");
  CHECK(evaluatePolicies({&vpc_only}, PolicyKind::kIdentity, r).decision == Decision::kExplicitDeny);
  r.context.set("aws:SourceVpc", "vpc-1");
  CHECK(evaluatePolicies({&vpc_only}, PolicyKind::kIdentity, r).decision == Decision::kAllow);
}

TEST_CASE("identity policies not in the input: undetermined unless a deny decides alone", "[policy]") {
  PolicySet set;
  set.identity_loaded = false;
  const Request r = roleRequest("ssm:GetParameter", "*");
  AccessDecision d = decide(set, r);
  CHECK(d.decision == Decision::kUndetermined);
  CHECK(d.deciding_kind == PolicyKind::kIdentity);
  CHECK(d.missing == "the identity policies of arn:aws:iam::123456789012:role/StudioRoleMLOps are not in the input");
  const PolicyDocument deny_ssm = document("vpce", {deny({"ssm:*"}).anyPrincipal(), allow({"*"}).anyPrincipal()});
  set.endpoint = &deny_ssm;
  d = decide(set, r);
  CHECK(d.decision == Decision::kExplicitDeny);
  CHECK(d.code == DenyCode::kEndpointPolicyDeny);
  CHECK(d.missing.empty());
  // A gate that certainly allows nothing decides alone too.
  const PolicyDocument deny_only = document("vpce", {deny({"s3:*"}).anyPrincipal()});
  set.endpoint = &deny_only;
  d = decide(set, r);
  CHECK(d.decision == Decision::kImplicitDeny);
  CHECK(d.code == DenyCode::kEndpointPolicyDeny);
  // An allow in the identity policies the input holds is not enough: one it
  // does not hold (an AWS managed policy) may deny.
  const PolicyDocument known = document("known", {allow({"ssm:GetParameter"})});
  PolicySet partial = identityOnly(known);
  partial.identity_loaded = false;
  CHECK(decide(partial, r).decision == Decision::kUndetermined);
  partial.identity_loaded = true;
  CHECK(decide(partial, r).decision == Decision::kAllow);
}

TEST_CASE("keys_used: every key any statement read, sorted, once", "[policy]") {
  const PolicyDocument identity =
      document("identity", {allow({"*"}).when("Bool", "aws:ViaAWSService", {"false"}),
                            deny({"*"}).when("StringNotEqualsIfExists", "aws:SourceVpc", {"vpc-1"})});
  const PolicyDocument endpoint =
      document("vpce", {allow({"*"}).anyPrincipal().when("StringEquals", "aws:PrincipalAccount", {kAccount}),
                        allow({"*"}).anyPrincipal().when("StringEquals", "aws:PrincipalOrgID", {"o-1"})});
  PolicySet set = identityOnly(identity);
  set.endpoint = &endpoint;
  Request r = roleRequest("s3:GetObject", "arn:aws:s3:::b/k");
  CHECK(decide(set, r).decision == Decision::kExplicitDeny);  // IfExists: an absent aws:SourceVpc fires the Deny
  r.context.set("aws:SourceVpc", "vpc-1");
  const AccessDecision d = decide(set, r);
  CHECK(d.decision == Decision::kAllow);
  CHECK(d.keys_used ==
        std::vector<std::string>{"aws:principalaccount", "aws:principalorgid", "aws:sourcevpc", "aws:viaawsservice"});
}

TEST_CASE("resource policies within one account: an account principal delegates, a user's grant passes its boundary",
          "[policy]") {
  // IAM User Guide, "AWS JSON policy elements: Principal" (AWS account
  // principals delegate to the account) and "Policy evaluation logic"
  // (single-account flow charts). Found by the [oracle] test.
  const PolicyDocument to_account =
      document("bucket", {allow({"s3:GetObject"}, {"arn:aws:s3:::b/*"}).principal("AWS", kAccount)});
  const PolicyDocument to_root = document(
      "bucket", {allow({"s3:GetObject"}, {"arn:aws:s3:::b/*"}).principal("AWS", std::string("arn:aws:iam::") + kAccount + ":root")});
  const Request role = roleRequest("s3:GetObject", "arn:aws:s3:::b/k");
  PolicySet set;
  for (const PolicyDocument* bucket : {&to_account, &to_root}) {
    set.resource = std::vector<const PolicyDocument*>{bucket};
    set.identity = {};
    const AccessDecision d = decide(set, role);
    CHECK(d.decision == Decision::kImplicitDeny);
    CHECK(d.code == DenyCode::kIdentityPolicyDeny);
    set.identity = {&kIdentityAll};
    CHECK(decide(set, role).decision == Decision::kAllow);
    set.cross_account = true;  // across accounts the account grant is the resource side's allow
    CHECK(decide(set, role).decision == Decision::kAllow);
    set.cross_account = false;
  }

  // Permissions boundary: a same-account grant to a user's ARN (or to "*")
  // is not limited by the boundary's implicit deny; a role's is, unless the
  // grant names the role session.
  const std::string user = std::string("arn:aws:iam::") + kAccount + ":user/alice";
  Request alice = roleRequest("s3:GetObject", "arn:aws:s3:::b/k", user);
  const PolicyDocument boundary = document("boundary", {allow({"ec2:*"})});
  const PolicyDocument to_user = document("bucket", {allow({"s3:GetObject"}, {"arn:aws:s3:::b/*"}).principal("AWS", user)});
  const PolicyDocument to_anyone = document("bucket", {allow({"s3:GetObject"}, {"arn:aws:s3:::b/*"}).anyPrincipal()});
  const PolicyDocument to_role = document("bucket", {allow({"s3:GetObject"}, {"arn:aws:s3:::b/*"}).principal("AWS", kMlopsRole)});
  const std::string session = std::string("arn:aws:sts::") + kAccount + ":assumed-role/StudioRoleMLOps/s1";
  const PolicyDocument to_session = document("bucket", {allow({"s3:GetObject"}, {"arn:aws:s3:::b/*"}).principal("AWS", session)});
  PolicySet bounded;
  bounded.boundary = std::vector<const PolicyDocument*>{&boundary};
  bounded.resource = std::vector<const PolicyDocument*>{&to_user};
  CHECK(decide(bounded, alice).decision == Decision::kAllow);
  bounded.resource = std::vector<const PolicyDocument*>{&to_anyone};
  CHECK(decide(bounded, alice).decision == Decision::kAllow);
  bounded.resource = std::vector<const PolicyDocument*>{&to_account};
  CHECK(decide(bounded, alice).decision == Decision::kImplicitDeny);
  bounded.resource = std::vector<const PolicyDocument*>{&to_role};
  Request mlops = roleRequest("s3:GetObject", "arn:aws:s3:::b/k");
  mlops.session_arn = session;
  CHECK(decide(bounded, mlops).code == DenyCode::kBoundaryDeny);
  bounded.resource = std::vector<const PolicyDocument*>{&to_anyone};
  CHECK(decide(bounded, mlops).code == DenyCode::kBoundaryDeny);
  bounded.resource = std::vector<const PolicyDocument*>{&to_session};
  CHECK(decide(bounded, mlops).decision == Decision::kAllow);
  bounded.cross_account = true;  // across accounts the boundary limits every grant
  bounded.identity = {&kIdentityAll};
  bounded.resource = std::vector<const PolicyDocument*>{&to_user};
  CHECK(decide(bounded, alice).code == DenyCode::kBoundaryDeny);
}

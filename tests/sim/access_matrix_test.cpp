// The access matrix shares decisions between paths of one context class;
// checked against deciding every cell on its own (tests/support/access_reference.h)
// on generated topologies and policies.
#include "sim/access_matrix.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "formats/loader.h"
#include "policy/patterns.h"
#include "tests/support/access_reference.h"
#include "tests/support/temp_dir.h"

namespace vpcsim::sim {
namespace {

using test_support::ReferenceCell;
using test_support::ReferenceMatrix;

/// Deterministic draws (std::mt19937's output is fixed by the standard; the
/// distributions are not, so none is used).
struct Draw {
  std::mt19937 engine;
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(engine()) % n; }
  bool coin() { return (engine() & 1U) != 0; }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }
};

topology::Topology loadText(const std::string& text) {
  test_support::TempDir dir("access-matrix");
  const auto file = dir.write("topology.yaml", text);
  topology::Topology topo;
  std::vector<topology::Diagnostic> errors;
  const bool loaded = formats::loadNativeTopology(file, formats::LoadOptions{}, topo, errors);
  INFO(text);
  INFO((errors.empty() ? std::string() : errors.front().str()));
  REQUIRE(loaded);
  topo.finalize();
  return topo;
}

/// How the policies of one input may read aws:VpcSourceIp: not at all, only
/// through IpAddress/NotIpAddress with literal ranges (addresses then share
/// decision classes), or in any way.
enum class AddressReads { kNone, kRanges, kAny };

/// Statements of identityStatement() that read aws:VpcSourceIp, and those
/// that read it otherwise than as a literal range.
bool readsVpcSourceIp(std::size_t identity_case) {
  return identity_case == 1 || identity_case == 3 || identity_case == 7 || identity_case == 9;
}
bool readsVpcSourceIpNotAsRange(std::size_t identity_case) {
  return identity_case == 3 || identity_case == 7 || identity_case == 9;
}

/// One identity statement. Several read aws:VpcSourceIp or aws:SourceIp,
/// some only through a policy variable; which may read aws:VpcSourceIp, `address` says.
std::string identityStatement(Draw& draw, AddressReads address) {
  std::size_t which = draw.below(11);
  while ((address == AddressReads::kNone && readsVpcSourceIp(which)) ||
         (address == AddressReads::kRanges && readsVpcSourceIpNotAsRange(which))) {
    which = draw.below(11);
  }
  switch (which) {
    case 0: return R"({Effect: Allow, Action: "ssm:Get*", Resource: "*"})";
    case 1:
      return fmt::format(R"({{Effect: Allow, Action: "ssm:*", Resource: "*", Condition: {{IpAddress: {{"aws:VpcSourceIp": "10.0.{}.0/24"}}}}}})",
                         draw.below(3));
    case 2:
      return R"({Effect: Deny, Action: "ssm:Put*", Resource: "*", Condition: {NotIpAddress: {"aws:SourceIp": "3.3.3.0/24"}}})";
    case 3:
      return R"({Effect: Allow, Action: "ssm:Describe*", Resource: "*", Condition: {StringEquals: {"aws:PrincipalTag/ip": "${aws:VpcSourceIp}"}}})";
    case 4: return R"({Effect: Allow, Action: "ssm:*", Resource: "arn:aws:ssm:us-east-1:111122223333:parameter/${aws:SourceVpc}/*"})";
    case 5:
      return R"({Effect: Allow, Action: "ssm:List*", Resource: "*", Condition: {IpAddressIfExists: {"aws:SourceIp": "81.2.69.0/24"}}})";
    case 6:
      return R"({Effect: Deny, Action: "ssm:Delete*", Resource: "*", Condition: {StringNotEquals: {"aws:SourceVpce": "${aws:PrincipalTag/vpce}"}}})";
    case 7: return R"({Effect: Allow, Action: "ssm:GetParameter", Resource: "*", Condition: {"Null": {"aws:VpcSourceIp": "false"}}})";
    case 8: return R"({Effect: Allow, Action: "ssm:*", Resource: "arn:aws:ssm:us-east-1:111122223333:parameter/${aws:SourceIp}"})";
    case 9:
      return R"({Effect: Allow, Action: "ssm:Put*", Resource: "*", Condition: {StringLike: {"aws:PrincipalTag/ip": "${aws:VpcSourceIp, 'none'}"}}})";
    default: return R"({Effect: Deny, Action: "ssm:*", Resource: "*", Condition: {StringEquals: {"aws:PrincipalTag/team": "b"}}})";
  }
}

/// A policy document of 1-3 statements; without Version now and then (no
/// policy variables then).
std::string identityDocument(Draw& draw, AddressReads address) {
  std::string statements;
  const std::size_t count = 1 + draw.below(3);
  for (std::size_t i = 0; i < count; ++i) statements += (i == 0 ? "" : ", ") + identityStatement(draw, address);
  return fmt::format("{{{}Statement: [{}]}}", draw.below(4) == 0 ? "" : "Version: \"2012-10-17\", ", statements);
}

std::string endpointPolicy(Draw& draw, AddressReads address) {
  std::size_t which = draw.below(5);
  while ((address == AddressReads::kNone && (which == 1 || which == 3)) ||
         (address == AddressReads::kRanges && which == 3)) {
    which = draw.below(5);
  }
  switch (which) {
    case 0: return "";  // the default policy
    case 1:
      return fmt::format(
          R"(    policy: {{Version: "2012-10-17", Statement: [{{Effect: Allow, Principal: "*", Action: "*", Resource: "*"}}, {{Effect: Deny, Principal: "*", Action: "ssm:Put*", Resource: "*", Condition: {{NotIpAddress: {{"aws:VpcSourceIp": "10.0.{}.0/24"}}}}}}]}})"
          "\n",
          draw.below(3));
    case 2:
      return R"(    policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*", Action: "ssm:*", Resource: "*", Condition: {StringEquals: {"aws:PrincipalTag/team": "a"}}}]})"
             "\n";
    case 3:
      // Reads aws:VpcSourceIp only through a variable.
      return R"(    policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*", Action: "*", Resource: "*", Condition: {StringLike: {"aws:PrincipalTag/ip": "${aws:VpcSourceIp}"}}}]})"
             "\n";
    default:
      return R"(    policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*", Action: "*", Resource: "*"}]})"
             "\n";
  }
}

struct Generated {
  std::string text;
  AccessMatrixQuery query;
};

/// Two VPCs: vpc-1 reaches SSM through an interface endpoint (whose group
/// admits some subnets), vpc-2 through a NAT gateway (one subnet has no
/// route); interfaces with fixed addresses, two Studio domains over several
/// subnets, hosts outside AWS; roles (and a user in a group) with random
/// policies and tags.
Generated generate(uint32_t seed) {
  Draw draw{std::mt19937(seed)};
  // In one input of three no policy reads aws:VpcSourceIp; in one of three
  // only as literal ranges.
  const std::size_t reads = draw.below(3);
  const AddressReads read_address = reads == 0 ? AddressReads::kNone
                                    : reads == 1 ? AddressReads::kRanges
                                                 : AddressReads::kAny;
  Generated out;
  AccessMatrixQuery& query = out.query;
  std::string& text = out.text;
  std::vector<std::string> addresses;
  text = "region: us-east-1\naccount: \"111122223333\"\nvpcs:\n  - {id: vpc-1, cidr: 10.0.0.0/16}\n"
         "  - {id: vpc-2, cidr: 10.1.0.0/16}\nsubnets:\n";
  for (int i = 0; i < 3; ++i) {
    text += fmt::format("  - {{id: subnet-1-{}, vpc: vpc-1, az: us-east-1a, cidr: 10.0.{}.0/24}}\n", i, i);
    text += fmt::format("  - {{id: subnet-2-{}, vpc: vpc-2, az: us-east-1a, cidr: 10.1.{}.0/24}}\n", i, i);
  }
  text += "  - {id: subnet-1-e, vpc: vpc-1, az: us-east-1a, cidr: 10.0.100.0/24}\n"
          "  - {id: subnet-2-pub, vpc: vpc-2, az: us-east-1a, cidr: 10.1.100.0/24}\n"
          "internet_gateways:\n  - {id: igw-2, vpc: vpc-2}\n"
          "nat_gateways:\n  - {id: nat-2, subnet: subnet-2-pub, private_ip: 10.1.100.10, public_ip: 3.3.3.3}\n"
          "route_tables:\n"
          "  - {id: rtb-2, vpc: vpc-2, subnets: [subnet-2-0, subnet-2-1], routes: [{dest: 0.0.0.0/0, target: nat-2}]}\n"
          "  - {id: rtb-2-pub, vpc: vpc-2, subnets: [subnet-2-pub], routes: [{dest: 0.0.0.0/0, target: igw-2}]}\n";
  std::string admitted;
  for (int i = 0; i < 3; ++i) {
    if (draw.below(3) != 0) admitted += fmt::format("{}10.0.{}.0/24", admitted.empty() ? "" : ", ", i);
  }
  text += "security_groups:\n  - {id: sg-1, vpc: vpc-1, egress: [{protocol: all, cidr: 0.0.0.0/0}]}\n"
          "  - {id: sg-2, vpc: vpc-2, egress: [{protocol: all, cidr: 0.0.0.0/0}]}\n";
  text += fmt::format("  - {{id: sg-e, vpc: vpc-1, ingress: [{{protocol: tcp, ports: 443, cidrs: [{}]}}]}}\n",
                      admitted.empty() ? "10.0.200.0/24" : admitted);
  text += "vpc_endpoints:\n  - id: vpce-1\n    vpc: vpc-1\n    service: ssm\n    type: interface\n"
          "    subnets: [subnet-1-e]\n    security_groups: [sg-e]\n    private_dns: true\n";
  text += endpointPolicy(draw, read_address);
  text += "enis:\n";
  for (int vpc = 1; vpc <= 2; ++vpc) {
    for (int i = 0; i < 3; ++i) {
      const std::size_t count = 1 + draw.below(2);
      for (std::size_t j = 0; j < count; ++j) {
        const std::string address = fmt::format("10.{}.{}.{}", vpc - 1, i, 10 + j);
        text += fmt::format("  - {{id: eni-{}-{}-{}, subnet: subnet-{}-{}, ips: [{}], security_groups: [sg-{}]}}\n",
                            vpc, i, j, vpc, i, address, vpc);
        addresses.push_back(address);
        query.from.push_back(fmt::format("eni-{}-{}-{}", vpc, i, j));
      }
    }
  }
  text += "studio_domains:\n";
  for (int vpc = 1; vpc <= 2; ++vpc) {
    std::string subnets;
    for (int i = 0; i < 3; ++i) {
      if (i == 0 || draw.coin()) subnets += fmt::format("{}subnet-{}-{}", subnets.empty() ? "" : ", ", vpc, i);
    }
    text += fmt::format("  - {{id: d-{}, name: studio-{}, network_mode: VpcOnly, vpc: vpc-{}, subnets: [{}], "
                        "security_groups: [sg-{}], user_profiles: [{{name: p, execution_role: role-0}}]}}\n",
                        vpc, vpc, vpc, subnets, vpc);
    query.from.push_back(fmt::format("notebook:studio-{}/p", vpc));
  }
  query.from.push_back("subnet:subnet-1-1");
  query.security_groups = {"sg-1"};
  query.from.push_back(fmt::format("ip:81.2.69.{}", 1 + draw.below(200)));
  query.from.push_back("ip:198.51.100.7");

  text += "iam:\n  roles:\n";
  const std::size_t roles = 2 + draw.below(4);
  const std::vector<std::string> teams = {"a", "b"};
  const std::vector<std::string> endpoints = {"vpce-1", "vpce-other"};
  for (std::size_t i = 0; i < roles; ++i) {
    text += fmt::format("    - name: role-{}\n      tags: {{team: {}, vpce: {}, ip: \"{}\"}}\n      inline_policies:\n",
                        i, draw.pick(teams), draw.pick(endpoints), draw.pick(addresses));
    const std::size_t documents = 1 + draw.below(2);
    for (std::size_t d = 0; d < documents; ++d) {
      text += fmt::format("        - {{name: p{}, document: {}}}\n", d, identityDocument(draw, read_address));
    }
  }
  if (draw.coin()) {
    text += fmt::format("  users:\n    - {{name: user-0, groups: [g-0], tags: {{ip: \"{}\"}}}}\n", draw.pick(addresses));
    text += fmt::format("  groups:\n    - name: g-0\n      inline_policies:\n        - {{name: g, document: {}}}\n",
                        identityDocument(draw, read_address));
  }

  query.to = "service:ssm";
  const std::vector<std::string> actions = {"ssm:GetParameter", "ssm:PutParameter", "ssm:DescribeParameters",
                                            "ssm:DeleteParameter", "ssm:ListTagsForResource"};
  for (const auto& action : actions) {
    if (query.actions.empty() || draw.coin()) query.actions.push_back(action);
  }
  const std::vector<std::string> resources = {"*", "arn:aws:ssm:us-east-1:111122223333:parameter/vpc-1/x",
                                              "arn:aws:ssm:us-east-1:111122223333:parameter/3.3.3.3"};
  query.resource = draw.pick(resources);
  if (draw.coin()) {
    // Named principals, one of them not in the input.
    for (std::size_t i = 0; i < roles; ++i) query.principals.push_back(fmt::format("role-{}", i));
    query.principals.push_back("arn:aws:iam::111122223333:role/ghost");
  }
  if (draw.coin()) query.only = {"role-0"};
  return out;
}

std::string valueText(const policy::RequestContext& context, const std::string& key) {
  const policy::ContextValue* value = context.find(key);
  if (value == nullptr) return "absent";
  if (value->state == policy::ContextValue::State::kUnknown) return "unknown";
  std::string text = "=";
  for (const auto& item : value->values) text += item + ",";
  return text;
}

/// The first way the engine's cell differs from the reference's; "" when alike.
std::string difference(const AccessCell& fast, const ReferenceCell& slow) {
  if (fast.source != slow.source || fast.principal != slow.principal || fast.action != slow.action) return "order";
  if (fast.verdict != slow.verdict) return fmt::format("verdict {} vs {}", verdictName(fast.verdict), verdictName(slow.verdict));
  if (fast.no_path != slow.no_path) return "no_path";
  if ((fast.decision != nullptr) != slow.answer.has_value()) return "answer present";
  if (!slow.answer) return "";
  const policy::AccessDecision& a = *fast.decision;
  const policy::AccessDecision& b = slow.answer->decision;
  if (a.decision != b.decision) return "decision";
  if (a.code != b.code || a.deciding_kind != b.deciding_kind) return "code or kind";
  if (a.missing != b.missing) return "missing: " + a.missing + " vs " + b.missing;
  if (a.keys_used != b.keys_used) return "keys used";
  if (a.statements.size() != b.statements.size()) return "statement count";
  for (std::size_t i = 0; i < a.statements.size(); ++i) {
    const auto& x = a.statements[i];
    const auto& y = b.statements[i];
    if (x.policy != y.policy || x.statement != y.statement || x.match != y.match || x.grant != y.grant ||
        x.keys_used != y.keys_used) {
      return fmt::format("statement {}", i);
    }
  }
  const PreparedCall& call = *fast.call;
  const AccessAnswer& answer = *slow.answer;
  if (call.endpoint != answer.endpoint || call.principal != answer.principal) return "endpoint or principal";
  if (call.request.resource != answer.request.resource || call.request.principal_arn != answer.request.principal_arn ||
      call.request.principal_account != answer.request.principal_account) {
    return "request";
  }
  for (const auto& key : b.keys_used) {
    if (valueText(call.request.context, key) != valueText(answer.request.context, key)) {
      return fmt::format("context key {}: {} vs {}", key, valueText(call.request.context, key),
                         valueText(answer.request.context, key));
    }
  }
  if (call.assumptions != answer.assumptions) return "assumptions";
  return "";
}

TEST_CASE("the access matrix gives every cell the decision deciding it alone gives", "[access][access-matrix]") {
  std::size_t cells = 0;
  std::size_t shared = 0;
  std::size_t read_vpc_source_ip = 0;
  std::size_t read_as_ranges = 0;  // ... only through literal ranges: addresses share decision classes
  std::array<std::size_t, 5> verdicts{};  // per Verdict, and no path
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    CAPTURE(seed);
    const Generated generated = generate(seed);
    const topology::Topology topo = loadText(generated.text);
    const Network network(topo);
    auto report = accessMatrix(network, generated.query);
    REQUIRE(report);
    const ReferenceMatrix slow =
        test_support::referenceAccessMatrix(network, generated.query, report->principals, report->allowed);
    REQUIRE(report->cellCount() == slow.cells.size());
    for (std::size_t i = 0; i < slow.cells.size(); ++i) {
      CAPTURE(i, slow.cells[i].source, slow.cells[i].principal, slow.cells[i].action);
      INFO(generated.text);
      REQUIRE(difference(report->cell(i), slow.cells[i]).empty());
    }
    CHECK(report->assumptions == slow.assumptions);
    CHECK(report->violations == slow.violations);
    if (report->has_guarantee) CHECK(report->guarantee == slow.guarantee);
    for (const auto& cell : slow.cells) ++verdicts[cell.no_path ? 4 : static_cast<std::size_t>(cell.verdict)];
    cells += slow.cells.size();
    shared += report->decisions.size() < slow.cells.size() ? 1U : 0U;
    const NetworkKeysRead read = networkKeysRead(topo);
    read_vpc_source_ip += read.vpc_source_ip ? 1U : 0U;
    read_as_ranges += read.vpc_source_ip_ranges ? 1U : 0U;
  }
  // The inputs exercise both sides: sharing, and policies that read the address.
  CHECK(cells > 10000);
  CHECK(shared > 30);
  CHECK(read_vpc_source_ip > 30);
  CHECK(read_vpc_source_ip < 60);
  CAPTURE(read_as_ranges);
  CHECK(read_as_ranges > 5);
  CAPTURE(verdicts);
  CHECK(std::count(verdicts.begin(), verdicts.end(), 0) == 0);
}

/// `roles` roles allowed ssm:Get*, a policy reading aws:VpcSourceIp only if
/// `reads`, and `subnets` subnets behind one SSM endpoint.
std::string oneEndpoint(int subnets, const std::string& condition) {
  std::string text = "region: us-east-1\naccount: \"111122223333\"\nvpcs:\n  - {id: vpc-1, cidr: 10.0.0.0/16}\nsubnets:\n";
  for (int i = 0; i < subnets; ++i) {
    text += fmt::format("  - {{id: subnet-{}, az: us-east-1a, cidr: 10.0.{}.0/24}}\n", i, i);
  }
  text += "security_groups:\n  - {id: sg-all, egress: [{protocol: all, cidr: 0.0.0.0/0}], ingress: [{protocol: tcp, "
          "ports: 443, cidr: 10.0.0.0/16}]}\n"
          "vpc_endpoints:\n  - {id: vpce-ssm, service: ssm, type: interface, subnets: [subnet-0], "
          "security_groups: [sg-all], private_dns: true}\n"
          "iam:\n  roles:\n";
  for (int i = 0; i < 3; ++i) {
    text += fmt::format("    - name: role-{}\n      inline_policies:\n        - {{name: p, document: {{Version: "
                        "\"2012-10-17\", Statement: [{{Effect: Allow, Action: \"ssm:Get*\", Resource: \"*\"{}}}]}}}}\n",
                        i, condition);
  }
  return text;
}

TEST_CASE("sources behind one endpoint share decisions unless a policy reads the caller's address",
          "[access][access-matrix]") {
  const auto decisions = [](const std::string& condition) {
    const topology::Topology topo = loadText(oneEndpoint(4, condition));
    const Network network(topo);
    AccessMatrixQuery query;
    for (int i = 0; i < 4; ++i) query.from.push_back(fmt::format("subnet:subnet-{}", i));
    query.security_groups = {"sg-all"};
    query.to = "service:ssm";
    query.actions = {"ssm:GetParameter", "ssm:PutParameter"};
    auto report = accessMatrix(network, query);
    REQUIRE(report);
    REQUIRE(report->cellCount() == 4 * 3 * 2);
    return std::make_pair(report->decisions.size(), report->outcomes.size());
  };
  // 3 roles x 2 actions, decided once for the 4 sources, one row of outcomes.
  CHECK(decisions("") == std::make_pair(std::size_t{6}, std::size_t{6}));
  CHECK(decisions(R"(, Condition: {StringEquals: {"aws:SourceVpce": vpce-ssm}})") ==
        std::make_pair(std::size_t{6}, std::size_t{6}));
  // Read only as a literal range: the sources in 10.0.1.0/24 (subnet-1) and
  // the others make two decision classes; each source keeps its own row (its
  // calls show its own address).
  CHECK(decisions(R"(, Condition: {IpAddress: {"aws:VpcSourceIp": 10.0.1.0/24}})") ==
        std::make_pair(std::size_t{12}, std::size_t{24}));
  CHECK(decisions(R"(, Condition: {NotIpAddressIfExists: {"aws:VpcSourceIp": [10.0.1.0/24, 10.0.3.7]}})") ==
        std::make_pair(std::size_t{12}, std::size_t{24}));
  // Read by another operator, or through a policy variable: one class per source.
  CHECK(decisions(R"(, Condition: {StringLike: {"aws:VpcSourceIp": "10.0.1.*"}})") ==
        std::make_pair(std::size_t{24}, std::size_t{24}));
  CHECK(decisions(R"(, Condition: {StringEquals: {"aws:PrincipalTag/ip": "${aws:vpcsourceip}"}})") ==
        std::make_pair(std::size_t{24}, std::size_t{24}));
}

TEST_CASE("a key is read where a condition names it or a policy variable may", "[access][policy]") {
  const auto document = [](std::vector<std::string> resources, std::string key, std::vector<std::string> values) {
    topology::PolicyDocument d;
    topology::PolicyStatement s;
    s.has_resource = true;
    s.resources = std::move(resources);
    if (!key.empty()) s.conditions.push_back(topology::PolicyCondition{topology::ConditionOperator::kStringEquals,
                                                                        topology::SetOperator::kNone, false, "",
                                                                        std::move(key), std::move(values), ""});
    d.statements.push_back(std::move(s));
    return d;
  };
  using Row = std::tuple<std::vector<std::string>, std::string, std::vector<std::string>, bool>;
  const auto row = GENERATE(table<std::vector<std::string>, std::string, std::vector<std::string>, bool>({
      Row{{"*"}, "aws:VpcSourceIp", {"10.0.0.1"}, true},
      Row{{"*"}, "AWS:VPCSOURCEIP", {"10.0.0.1"}, true},
      Row{{"*"}, "aws:PrincipalTag/ip", {"${aws:VpcSourceIp}"}, true},
      Row{{"*"}, "aws:PrincipalTag/ip", {"x", "${ aws:vpcsourceip, 'none'}"}, true},
      Row{{"arn:aws:s3:::b/${aws:VpcSourceIp}/*"}, "", {}, true},
      Row{{"*"}, "aws:SourceIp", {"10.0.0.1"}, false},
      Row{{"*"}, "aws:SourceVpc", {"${aws:SourceVpce}"}, false},
      Row{{"arn:aws:s3:::b/*"}, "", {}, false},
  }));
  CAPTURE(std::get<0>(row), std::get<1>(row), std::get<2>(row));
  CHECK(policy::mayReadKey(document(std::get<0>(row), std::get<1>(row), std::get<2>(row)), "aws:VpcSourceIp") ==
        std::get<3>(row));
}

}  // namespace
}  // namespace vpcsim::sim

// Tests for the verify renderers (text, JSON, SARIF, JUnit) over hand-built reports.
#include "reports/verify_report.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/xml_check.h"

using namespace vpcsim;
using Json = nlohmann::json;

namespace {

/// A hop at a component named `label` (not a resource of any topology).
sim::Hop hop(std::string label, sim::HopKind kind, sim::HopAction action,
             sim::Direction direction = sim::Direction::kForward) {
  sim::Hop made;
  made.kind = kind;
  made.action = action;
  made.direction = direction;
  made.label = std::move(label);
  return made;
}

/// The model objects the hops below point at.
const topology::Route& natRoute() {
  static const topology::Route route = [] {
    topology::Route r;
    r.destination = topology::Cidr::parse("0.0.0.0/0").value();
    r.target = topology::RouteTarget::kNatGateway;
    r.target_id = "nat-1";
    return r;
  }();
  return route;
}
const topology::SgRule& sshRule() {
  static const topology::SgRule rule = [] {
    topology::SgRule r;
    r.protocol = topology::kProtocolTcp;
    r.from_port = 22;
    r.to_port = 22;
    r.cidr = topology::Cidr::parse("0.0.0.0/0").value();
    r.index = 1;
    return r;
  }();
  return rule;
}

sim::Hop routeHop() {
  sim::Hop made = hop("rtb-1 (PrivateRouteTable1)", sim::HopKind::kRouteTable, sim::HopAction::kRoute);
  made.route = &natRoute();
  return made;
}
sim::Hop igwHop(sim::HopAction action, sim::Direction direction, const char* from, const char* to) {
  sim::Hop made = hop("igw-1 (InternetGateway)", sim::HopKind::kInternetGateway, action, direction);
  made.from = topology::Ipv4::parse(from).value();
  made.to = topology::Ipv4::parse(to).value();
  return made;
}
sim::Hop sgHop() {
  sim::Hop made = hop("sg-1 <web & \"db\">", sim::HopKind::kSecurityGroup, sim::HopAction::kAllow);
  made.sg_rule = &sshRule();
  return made;
}

sim::VerifyReport internetFreeHolds() {
  sim::VerifyReport report;
  report.verdict = sim::Verdict::kUnreachable;
  report.sources = {"subnet:PrivateSubnet1A"};
  report.classes_checked = 12;
  report.source_classes = 3;
  report.header_classes = 4;
  report.assumptions = {"IPv4 only"};
  return report;
}

/// A finding opened by a route written in a CloudFormation template.
sim::InternetFinding templateFinding() {
  sim::InternetFinding finding;
  finding.rule = "internet-free";
  finding.source_subnet = "subnet-1 (PrivateSubnet1A)";
  finding.exit_point = "nat-1 (NatGateway1) -> igw-1 (InternetGateway)";
  finding.source = "eni-new (hypothetical, sg-1)";
  finding.example_text = "tcp 192.168.0.5:49152 -> 8.8.8.8:443";
  finding.round_trip = true;
  finding.path = {routeHop(),
                  igwHop(sim::HopAction::kTranslateSource, sim::Direction::kForward, "192.168.0.5", "3.3.3.3"),
                  igwHop(sim::HopAction::kTranslateDestination, sim::Direction::kReturn, "3.3.3.3", "192.168.0.5")};
  finding.classes = 7;
  finding.opening = "rtb-1 route 0.0.0.0/0 -> nat-1";
  finding.location = "network-vpc.yaml:212:9";
  return finding;
}

sim::VerifyReport internetFreeViolated() {
  sim::VerifyReport report = internetFreeHolds();
  report.verdict = sim::Verdict::kReachable;
  report.findings = {templateFinding()};
  return report;
}

/// A scope file violated by an ingress rule from a snapshot, plus a finding with no known opening.
sim::VerifyReport scopeViolated() {
  sim::VerifyReport report;
  report.check = "scope no-ssh";
  report.scope_origin = "scopes/no-ssh.json";
  report.verdict = sim::Verdict::kReachable;
  report.classes_checked = 40;
  report.source_classes = 5;
  report.header_classes = 8;
  sim::InternetFinding snapshot;
  snapshot.rule = "/MatchPaths/0";
  snapshot.source = "internet";
  snapshot.exit_point = "eni-1 <web & \"db\">";
  snapshot.example_text = "tcp 1.2.3.4:49152 -> 10.0.0.5:22";
  snapshot.path = {sgHop()};
  snapshot.classes = 1;
  snapshot.opening = "sg-1 ingress rule allow tcp 22 from 0.0.0.0/0";
  snapshot.location = "security-groups.json:/SecurityGroups/0/IpPermissions/1/IpRanges/0";
  sim::InternetFinding unknown;
  unknown.rule = "/MatchPaths/1";
  unknown.source_subnet = "subnet-2 (Public)";
  unknown.source = "eni-2";
  unknown.exit_point = "pcx-1";
  unknown.example_text = "udp 10.0.1.4:49152 -> 10.1.0.1:53";
  unknown.classes = 2;
  report.findings = {snapshot, unknown};
  report.assumptions = {"IPv4 only", "no prefix list entries"};
  return report;
}

sim::VerifyReport builtinUndetermined() {
  sim::VerifyReport report;
  report.check = "scope vpc-ingress";
  report.scope_origin = "builtin:AWS-VPC-Ingress";
  report.verdict = sim::Verdict::kUndetermined;
  report.undetermined_classes = 3;
  sim::TraceResult example;
  example.verdict = sim::Verdict::kUndetermined;
  example.source = "vgw-1";
  sim::Hop from_vpn = hop("vgw-1", sim::HopKind::kInternet, sim::HopAction::kSend);
  from_vpn.packet.source = topology::Ipv4::parse("10.9.0.1").value();
  from_vpn.packet.destination = topology::Ipv4::parse("10.0.0.5").value();
  example.path = {from_vpn};
  example.explanations = {{"NOT_MODELLED", "vgw-1", "traffic from the VPN is not in the input"}};
  report.undetermined = {example};
  return report;
}

Json parse(const std::string& text) {
  REQUIRE(!text.empty());
  CHECK(text.back() == '\n');
  return Json::parse(text);
}

}  // namespace

TEST_CASE("the overall verdict is violated, else undetermined, else holds", "[verify-report]") {
  auto [reports, expected, verdict] = GENERATE(table<std::vector<sim::VerifyReport>, std::string, sim::Verdict>({
      {{}, "holds", sim::Verdict::kUnreachable},
      {{internetFreeHolds()}, "holds", sim::Verdict::kUnreachable},
      {{internetFreeHolds(), builtinUndetermined()}, "undetermined", sim::Verdict::kUndetermined},
      {{builtinUndetermined(), scopeViolated()}, "violated", sim::Verdict::kReachable},
      {{internetFreeViolated(), internetFreeHolds()}, "violated", sim::Verdict::kReachable},
  }));
  CAPTURE(expected);
  CHECK(reports::overallVerdictName(reports) == expected);
  CHECK(reports::overallVerdict(reports) == verdict);
}

TEST_CASE("a single internet-free check reads as before", "[verify-report]") {
  CHECK(reports::verifyText({internetFreeHolds()}) ==
        "holds: no packet from any interface (existing or placed later with any of the VPC's security groups) in "
        "subnet:PrivateSubnet1A reaches the internet (12 classes checked: 3 source classes x 4 header classes)\n"
        "\n"
        "assumptions:\n"
        "  - IPv4 only\n");
  CHECK(reports::verifyText({internetFreeViolated()}) ==
        "violated: subnet:PrivateSubnet1A reaches the internet: 1 finding (12 classes checked: 3 source classes x 4 "
        "header classes)\n"
        "\n"
        "[finding] subnet-1 (PrivateSubnet1A) -> internet via nat-1 (NatGateway1) -> igw-1 (InternetGateway) (7 "
        "classes)\n"
        "  example: tcp 192.168.0.5:49152 -> 8.8.8.8:443 from eni-new (hypothetical, sg-1)\n"
        "  opened by: rtb-1 route 0.0.0.0/0 -> nat-1 at network-vpc.yaml:212:9\n"
        "    path:\n"
        "      route-table                  rtb-1 (PrivateRouteTable1)  route 0.0.0.0/0 -> nat-1\n"
        "      internet-gateway             igw-1 (InternetGateway)  translate source 192.168.0.5 -> 3.3.3.3\n"
        "    return path:\n"
        "      internet-gateway             igw-1 (InternetGateway)  translate destination 3.3.3.3 -> 192.168.0.5\n"
        "\n"
        "assumptions:\n"
        "  - IPv4 only\n");
}

TEST_CASE("a scope reads with its name, origin and matching path", "[verify-report]") {
  CHECK(reports::verifyText({scopeViolated()}) ==
        "scope no-ssh (scopes/no-ssh.json): violated: 2 findings (40 classes checked: 5 source classes x 8 header "
        "classes)\n"
        "\n"
        "[finding] /MatchPaths/0: internet -> eni-1 <web & \"db\"> (1 classes)\n"
        "  example: tcp 1.2.3.4:49152 -> 10.0.0.5:22 from internet\n"
        "  opened by: sg-1 ingress rule allow tcp 22 from 0.0.0.0/0 at "
        "security-groups.json:/SecurityGroups/0/IpPermissions/1/IpRanges/0\n"
        "    path:\n"
        "      security-group               sg-1 <web & \"db\">  ingress rule 1: tcp 22 from 0.0.0.0/0\n"
        "\n"
        "[finding] /MatchPaths/1: subnet-2 (Public) -> pcx-1 (2 classes)\n"
        "  example: udp 10.0.1.4:49152 -> 10.1.0.1:53 from eni-2\n"
        "\n"
        "assumptions:\n"
        "  - IPv4 only\n"
        "  - no prefix list entries\n");
  sim::VerifyReport holds = builtinUndetermined();
  holds.verdict = sim::Verdict::kUnreachable;
  holds.undetermined.clear();
  CHECK(reports::verifyText({holds}) ==
        "scope vpc-ingress (builtin:AWS-VPC-Ingress): holds: no path matches the scope (0 classes checked: 0 source "
        "classes x 0 header classes)\n");
  CHECK(reports::verifyText({builtinUndetermined()}) ==
        "scope vpc-ingress (builtin:AWS-VPC-Ingress): undetermined: no finding, but 3 classes could not be decided (0 "
        "classes checked: 0 source classes x 0 header classes)\n"
        "\n"
        "[undetermined] vgw-1\n"
        "    path:\n"
        "      internet                     vgw-1  tcp 10.9.0.1:49152 -> 10.0.0.5:443\n"
        "    NOT_MODELLED at vgw-1: traffic from the VPN is not in the input\n");
}

TEST_CASE("several checks end with the overall verdict and each assumption once", "[verify-report]") {
  std::string text = reports::verifyText({internetFreeHolds(), scopeViolated(), builtinUndetermined()});
  CHECK(text.starts_with("holds: no packet from any interface"));
  CHECK(text.find("\nscope no-ssh (scopes/no-ssh.json): violated: 2 findings") != std::string::npos);
  CHECK(text.find("\nscope vpc-ingress (builtin:AWS-VPC-Ingress): undetermined:") != std::string::npos);
  CHECK(text.ends_with("\n"
                       "overall: violated (internet-free: holds, scope no-ssh: violated, scope vpc-ingress: "
                       "undetermined)\n"
                       "\n"
                       "assumptions:\n"
                       "  - IPv4 only\n"
                       "  - no prefix list entries\n"));
}

TEST_CASE("verify JSON lists every check with rule, opening and location per finding", "[verify-report]") {
  Json root = parse(reports::verifyJson({internetFreeViolated(), scopeViolated(), builtinUndetermined()}));
  CHECK(root["verdict"] == "violated");
  REQUIRE(root["checks"].size() == 3);
  const Json& internet = root["checks"][0];
  CHECK(internet["check"] == "internet-free");
  CHECK(internet["scope_origin"] == "");
  CHECK(internet["verdict"] == "violated");
  CHECK(internet["sources"] == Json::array({"subnet:PrivateSubnet1A"}));
  CHECK(internet["classes_checked"] == 12);
  CHECK(internet["findings"][0] == Json::parse(R"json({
    "rule": "internet-free",
    "source_subnet": "subnet-1 (PrivateSubnet1A)",
    "exit_point": "nat-1 (NatGateway1) -> igw-1 (InternetGateway)",
    "classes": 7,
    "round_trip": true,
    "example": {"source": "eni-new (hypothetical, sg-1)", "packet": "tcp 192.168.0.5:49152 -> 8.8.8.8:443"},
    "path": [
      {"component": "rtb-1 (PrivateRouteTable1)", "type": "route-table", "rule": "route 0.0.0.0/0 -> nat-1", "direction": "forward"},
      {"component": "igw-1 (InternetGateway)", "type": "internet-gateway", "rule": "translate source 192.168.0.5 -> 3.3.3.3", "direction": "forward"},
      {"component": "igw-1 (InternetGateway)", "type": "internet-gateway", "rule": "translate destination 3.3.3.3 -> 192.168.0.5", "direction": "return"}
    ],
    "opening": "rtb-1 route 0.0.0.0/0 -> nat-1",
    "location": "network-vpc.yaml:212:9"
  })json"));
  const Json& scope = root["checks"][1];
  CHECK(scope["check"] == "scope no-ssh");
  CHECK(scope["scope_origin"] == "scopes/no-ssh.json");
  CHECK(scope["findings"][0]["rule"] == "/MatchPaths/0");
  CHECK(scope["findings"][0]["location"] == "security-groups.json:/SecurityGroups/0/IpPermissions/1/IpRanges/0");
  CHECK(scope["findings"][1]["opening"] == "");
  const Json& builtin = root["checks"][2];
  CHECK(builtin["verdict"] == "undetermined");
  CHECK(builtin["undetermined"][0]["explanations"][0]["code"] == "NOT_MODELLED");
  // The same keys, in the same order, for every check.
  auto ordered = nlohmann::ordered_json::parse(reports::verifyJson({internetFreeHolds(), builtinUndetermined()}));
  CHECK(ordered.begin().key() == "verdict");
  for (const auto& check : ordered["checks"]) {
    std::vector<std::string> keys;
    for (const auto& item : check.items()) keys.push_back(item.key());
    CHECK(keys == std::vector<std::string>{"check", "scope_origin", "verdict", "sources", "classes_checked",
                                           "source_classes", "header_classes", "undetermined_classes", "findings",
                                           "undetermined", "assumptions"});
  }
  CHECK(parse(reports::verifyJson({})) == Json::parse(R"json({"verdict": "holds", "checks": []})json"));
}

TEST_CASE("SARIF is a 2.1.0 log with one rule per check and one result per finding", "[verify-report]") {
  Json log = parse(reports::verifySarif({internetFreeViolated(), scopeViolated(), builtinUndetermined()}));
  CHECK(log["version"] == "2.1.0");
  CHECK(log["$schema"] ==
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
  REQUIRE(log["runs"].size() == 1);
  const Json& run = log["runs"][0];
  const Json& driver = run["tool"]["driver"];
  CHECK(driver["name"] == "vpcsim");
  CHECK_FALSE(driver.contains("informationUri"));
  CHECK_FALSE(driver.contains("version"));
  REQUIRE(driver["rules"].size() == 3);
  CHECK(driver["rules"][0]["id"] == "internet-free");
  CHECK(driver["rules"][1]["id"] == "scope/no-ssh");
  CHECK(driver["rules"][2]["id"] == "scope/vpc-ingress");
  for (const auto& rule : driver["rules"]) {
    CHECK(rule["shortDescription"]["text"].is_string());
    CHECK(rule["fullDescription"]["text"].is_string());
  }
  CHECK(driver["rules"][1]["properties"]["verdict"] == "violated");
  const Json& results = run["results"];
  REQUIRE(results.size() == 4);
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& result : results) seen.emplace_back(result["ruleId"], result["level"]);
  CHECK(seen == std::vector<std::pair<std::string, std::string>>{{"internet-free", "error"},
                                                                 {"scope/no-ssh", "error"},
                                                                 {"scope/no-ssh", "error"},
                                                                 {"scope/vpc-ingress", "warning"}});
  CHECK(results[3]["ruleIndex"] == 2);
  CHECK(results[3]["message"]["text"] ==
        "undetermined: vgw-1: NOT_MODELLED at vgw-1: traffic from the VPN is not in the input");
  CHECK_FALSE(results[3].contains("locations"));  // a builtin scope has no file
  CHECK(run["properties"]["verdict"] == "violated");
}

TEST_CASE("a SARIF result points at the template line and column that opens the path", "[verify-report]") {
  Json log = parse(reports::verifySarif({internetFreeViolated()}));
  const Json& result = log["runs"][0]["results"][0];
  Json rest = result;
  rest.erase("partialFingerprints");
  CHECK(rest == Json::parse(R"json({
    "ruleId": "internet-free",
    "ruleIndex": 0,
    "level": "error",
    "message": {"text": "subnet-1 (PrivateSubnet1A) -> nat-1 (NatGateway1) -> igw-1 (InternetGateway): 7 violating classes; example: tcp 192.168.0.5:49152 -> 8.8.8.8:443 from eni-new (hypothetical, sg-1); opened by rtb-1 route 0.0.0.0/0 -> nat-1"},
    "locations": [{
      "physicalLocation": {
        "artifactLocation": {"uri": "network-vpc.yaml"},
        "region": {"startLine": 212, "startColumn": 9}
      },
      "message": {"text": "rtb-1 route 0.0.0.0/0 -> nat-1"}
    }],
    "codeFlows": [{"threadFlows": [{"locations": [
      {"location": {"message": {"text": "route-table rtb-1 (PrivateRouteTable1): route 0.0.0.0/0 -> nat-1"}}, "properties": {"direction": "forward"}},
      {"location": {"message": {"text": "internet-gateway igw-1 (InternetGateway): translate source 192.168.0.5 -> 3.3.3.3"}}, "properties": {"direction": "forward"}},
      {"location": {"message": {"text": "internet-gateway igw-1 (InternetGateway): translate destination 3.3.3.3 -> 192.168.0.5"}}, "properties": {"direction": "return"}}
    ]}]}],
    "properties": {"classes": 7, "round_trip": true}
  })json"));
  // 64-bit FNV-1a of "internet-free", "internet-free", source group and exit, each followed by 0x1f.
  CHECK(result["partialFingerprints"] == Json{{"vpcsimFinding/v1", "e56c3f54550ee177"}});
}

TEST_CASE("a SARIF result points at the snapshot file and JSON pointer, or at the scope file", "[verify-report]") {
  Json log = parse(reports::verifySarif({scopeViolated()}));
  const Json& results = log["runs"][0]["results"];
  CHECK(results[0]["message"]["text"] ==
        "/MatchPaths/0: internet -> eni-1 <web & \"db\">: 1 violating class; example: tcp 1.2.3.4:49152 -> "
        "10.0.0.5:22 from internet; opened by sg-1 ingress rule allow tcp 22 from 0.0.0.0/0");
  CHECK(results[0]["locations"] == Json::parse(R"json([{
    "physicalLocation": {"artifactLocation": {"uri": "security-groups.json"}},
    "logicalLocations": [{"fullyQualifiedName": "/SecurityGroups/0/IpPermissions/1/IpRanges/0"}],
    "message": {"text": "sg-1 ingress rule allow tcp 22 from 0.0.0.0/0"}
  }])json"));
  // No opening known: the matching MatchPaths entry of the scope file.
  CHECK(results[1]["locations"] == Json::parse(R"json([{
    "physicalLocation": {"artifactLocation": {"uri": "scopes/no-ssh.json"}},
    "logicalLocations": [{"fullyQualifiedName": "/MatchPaths/1"}]
  }])json"));
  CHECK_FALSE(results[1].contains("codeFlows"));  // no hops
}

TEST_CASE("SARIF URIs stay relative and are percent-encoded where needed", "[verify-report]") {
  auto [location, uri, line] = GENERATE(table<std::string, std::string, int>({
      {"network-vpc.yaml:1:1", "network-vpc.yaml", 1},
      {"stacks/my vpc.yaml:30:5", "stacks/my%20vpc.yaml", 30},
      {"../up/a#b.yaml:7:3", "../up/a%23b.yaml", 7},
      {"/abs/snap/route-tables.json:/RouteTables/3/Routes/0", "/abs/snap/route-tables.json", 0},
      {"template.yaml", "template.yaml", 0},
      {"odd:name.yaml:2:4", "odd%3Aname.yaml", 2},
  }));
  CAPTURE(location);
  sim::VerifyReport report = internetFreeViolated();
  report.findings[0].location = location;
  Json physical = parse(reports::verifySarif({report}))["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
  CHECK(physical["artifactLocation"]["uri"] == uri);
  CHECK(physical.contains("region") == (line > 0));
  if (line > 0) CHECK(physical["region"]["startLine"] == line);
}

TEST_CASE("SARIF output is deterministic and fingerprints follow rule, source and exit", "[verify-report]") {
  std::vector<sim::VerifyReport> reports{internetFreeViolated(), scopeViolated(), builtinUndetermined()};
  std::string first = reports::verifySarif(reports);
  CHECK(reports::verifySarif(reports) == first);
  CHECK(first.find("\n  \"version\": \"2.1.0\",\n") != std::string::npos);  // pretty-printed
  auto fingerprintOf = [](const sim::VerifyReport& report) {
    return parse(reports::verifySarif({report}))["runs"][0]["results"][0]["partialFingerprints"]["vpcsimFinding/v1"]
        .get<std::string>();
  };
  std::string base = fingerprintOf(internetFreeViolated());
  sim::VerifyReport other_example = internetFreeViolated();
  other_example.findings[0].example_text = "udp 192.168.0.9:49152 -> 1.1.1.1:53";
  other_example.findings[0].classes = 9;
  other_example.findings[0].location = "network-vpc.yaml:300:9";
  CHECK(fingerprintOf(other_example) == base);
  sim::VerifyReport other_exit = internetFreeViolated();
  other_exit.findings[0].exit_point = "igw-1 (InternetGateway)";
  CHECK(fingerprintOf(other_exit) != base);
}

TEST_CASE("JUnit has one test case per check: a failure when violated, an error when undetermined", "[verify-report]") {
  std::string xml = reports::verifyJunit({internetFreeHolds(), scopeViolated(), builtinUndetermined()});
  CHECK(test_support::xmlProblem(xml).empty());
  CHECK(xml ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"vpcsim verify\" tests=\"3\" failures=\"1\" errors=\"1\">\n"
        "  <testsuite name=\"internet-free subnet:PrivateSubnet1A\" tests=\"1\" failures=\"0\" errors=\"0\">\n"
        "    <properties>\n"
        "      <property name=\"verdict\" value=\"holds\"/>\n"
        "      <property name=\"assumption\" value=\"IPv4 only\"/>\n"
        "    </properties>\n"
        "    <testcase classname=\"vpcsim verify\" name=\"internet-free subnet:PrivateSubnet1A\">\n"
        "      <system-out>holds: no packet from any interface (existing or placed later with any of the VPC&apos;s "
        "security groups) in subnet:PrivateSubnet1A reaches the internet (12 classes checked: 3 source classes x 4 "
        "header classes)\n"
        "assumptions:\n"
        "  - IPv4 only\n"
        "</system-out>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "  <testsuite name=\"scope no-ssh\" tests=\"1\" failures=\"1\" errors=\"0\">\n"
        "    <properties>\n"
        "      <property name=\"verdict\" value=\"violated\"/>\n"
        "      <property name=\"scope_origin\" value=\"scopes/no-ssh.json\"/>\n"
        "      <property name=\"assumption\" value=\"IPv4 only\"/>\n"
        "      <property name=\"assumption\" value=\"no prefix list entries\"/>\n"
        "    </properties>\n"
        "    <testcase classname=\"vpcsim verify\" name=\"scope no-ssh\">\n"
        "      <failure type=\"violated\" message=\"scope no-ssh (scopes/no-ssh.json): violated: 2 findings (40 "
        "classes checked: 5 source classes x 8 header classes)\">scope no-ssh (scopes/no-ssh.json): violated: 2 "
        "findings (40 classes checked: 5 source classes x 8 header classes)\n"
        "\n"
        "[finding] /MatchPaths/0: internet -&gt; eni-1 &lt;web &amp; &quot;db&quot;&gt; (1 classes)\n"
        "  example: tcp 1.2.3.4:49152 -&gt; 10.0.0.5:22 from internet\n"
        "  opened by: sg-1 ingress rule allow tcp 22 from 0.0.0.0/0 at "
        "security-groups.json:/SecurityGroups/0/IpPermissions/1/IpRanges/0\n"
        "    path:\n"
        "      security-group               sg-1 &lt;web &amp; &quot;db&quot;&gt;  ingress rule 1: tcp 22 from 0.0.0.0/0\n"
        "\n"
        "[finding] /MatchPaths/1: subnet-2 (Public) -&gt; pcx-1 (2 classes)\n"
        "  example: udp 10.0.1.4:49152 -&gt; 10.1.0.1:53 from eni-2\n"
        "</failure>\n"
        "      <system-out>assumptions:\n"
        "  - IPv4 only\n"
        "  - no prefix list entries\n"
        "</system-out>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "  <testsuite name=\"scope vpc-ingress\" tests=\"1\" failures=\"0\" errors=\"1\">\n"
        "    <properties>\n"
        "      <property name=\"verdict\" value=\"undetermined\"/>\n"
        "      <property name=\"scope_origin\" value=\"builtin:AWS-VPC-Ingress\"/>\n"
        "    </properties>\n"
        "    <testcase classname=\"vpcsim verify\" name=\"scope vpc-ingress\">\n"
        "      <error type=\"undetermined\" message=\"scope vpc-ingress (builtin:AWS-VPC-Ingress): undetermined: no "
        "finding, but 3 classes could not be decided (0 classes checked: 0 source classes x 0 header classes)\">scope "
        "vpc-ingress (builtin:AWS-VPC-Ingress): undetermined: no finding, but 3 classes could not be decided (0 "
        "classes checked: 0 source classes x 0 header classes)\n"
        "\n"
        "[undetermined] vgw-1\n"
        "    path:\n"
        "      internet                     vgw-1  tcp 10.9.0.1:49152 -&gt; 10.0.0.5:443\n"
        "    NOT_MODELLED at vgw-1: traffic from the VPN is not in the input\n"
        "</error>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
  sim::VerifyReport silent = builtinUndetermined();
  silent.undetermined.clear();
  std::string silent_xml = reports::verifyJunit({silent});
  CHECK(test_support::xmlProblem(silent_xml).empty());
  CHECK(silent_xml.find("    <testcase classname=\"vpcsim verify\" name=\"scope vpc-ingress\">\n"
                        "      <error type=\"undetermined\" message=\"scope vpc-ingress (builtin:AWS-VPC-Ingress): "
                        "undetermined: no finding, but 3 classes could not be decided") != std::string::npos);
}

/// The (classname, name) of every JUnit test case in `xml`.
std::vector<std::string> junitCaseNames(const std::string& xml) {
  std::vector<std::string> names;
  for (size_t at = xml.find("<testcase "); at != std::string::npos; at = xml.find("<testcase ", at + 1)) {
    names.push_back(xml.substr(at, xml.find('>', at) - at));
  }
  return names;
}

TEST_CASE("JUnit test names stay the same whether a check holds, is violated or undetermined", "[verify-report]") {
  sim::VerifyReport undetermined_free = internetFreeHolds();
  undetermined_free.verdict = sim::Verdict::kUndetermined;
  undetermined_free.undetermined_classes = 2;
  sim::VerifyReport scope_holds = scopeViolated();
  scope_holds.verdict = sim::Verdict::kUnreachable;
  scope_holds.findings.clear();
  sim::VerifyReport scope_other = scopeViolated();
  scope_other.findings.pop_back();
  scope_other.findings[0].exit_point = "eni-9";
  std::vector<std::string> names = junitCaseNames(reports::verifyJunit({internetFreeHolds(), scopeViolated()}));
  CHECK(names == std::vector<std::string>{
                     "<testcase classname=\"vpcsim verify\" name=\"internet-free subnet:PrivateSubnet1A\"",
                     "<testcase classname=\"vpcsim verify\" name=\"scope no-ssh\""});
  CHECK(junitCaseNames(reports::verifyJunit({internetFreeViolated(), scope_holds})) == names);
  CHECK(junitCaseNames(reports::verifyJunit({undetermined_free, scope_other})) == names);
  // A scope given twice is told apart by position, not by outcome.
  CHECK(junitCaseNames(reports::verifyJunit({scopeViolated(), scope_holds})) ==
        std::vector<std::string>{"<testcase classname=\"vpcsim verify\" name=\"scope no-ssh\"",
                                 "<testcase classname=\"vpcsim verify\" name=\"scope no-ssh#2\""});
}

TEST_CASE("SARIF carries the assumptions and every undetermined check as notifications", "[verify-report]") {
  Json log = parse(reports::verifySarif({internetFreeHolds(), scopeViolated(), builtinUndetermined()}));
  const Json& invocation = log["runs"][0]["invocations"][0];
  CHECK(invocation["executionSuccessful"] == true);
  CHECK(invocation["toolExecutionNotifications"] == Json::parse(R"json([
    {"level": "warning",
     "message": {"text": "scope/vpc-ingress: scope vpc-ingress (builtin:AWS-VPC-Ingress): undetermined: no finding, but 3 classes could not be decided (0 classes checked: 0 source classes x 0 header classes)"},
     "associatedRule": {"id": "scope/vpc-ingress", "index": 2}},
    {"level": "note", "message": {"text": "assumption: IPv4 only"}},
    {"level": "note", "message": {"text": "assumption: no prefix list entries"}}
  ])json"));
  CHECK(log["runs"][0]["tool"]["driver"]["rules"][1]["properties"]["assumptions"] ==
        Json::array({"IPv4 only", "no prefix list entries"}));
}

TEST_CASE("an undetermined check without examples is a SARIF warning, never a clean run", "[verify-report]") {
  sim::VerifyReport silent = builtinUndetermined();
  silent.undetermined.clear();
  Json results = parse(reports::verifySarif({internetFreeHolds(), silent}))["runs"][0]["results"];
  REQUIRE(results.size() == 1);
  CHECK(results[0]["ruleId"] == "scope/vpc-ingress");
  CHECK(results[0]["ruleIndex"] == 1);
  CHECK(results[0]["level"] == "warning");
  CHECK(results[0]["message"]["text"] ==
        "scope vpc-ingress (builtin:AWS-VPC-Ingress): undetermined: no finding, but 3 classes could not be decided (0 "
        "classes checked: 0 source classes x 0 header classes)");
  CHECK(parse(reports::verifySarif({internetFreeHolds()}))["runs"][0]["results"].empty());
}

TEST_CASE("class counts read as a product only when they multiply", "[verify-report]") {
  sim::VerifyReport report = internetFreeHolds();
  CHECK(reports::verifyText({report}).find("(12 classes checked: 3 source classes x 4 header classes)") !=
        std::string::npos);
  report.classes_checked = 384;
  report.source_classes = 16;
  report.header_classes = 12;
  std::string text = reports::verifyText({report});
  CHECK(text.find("(384 (source, header) class pairs checked over 16 source classes)") != std::string::npos);
  CHECK(text.find(" x ") == std::string::npos);
}

// Input-derived text in every output: escaped in text and diagnostics, valid JSON and SARIF, well-formed JUnit.
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "reports/describe_report.h"
#include "reports/markdown_report.h"
#include "reports/reach_report.h"
#include "reports/verify_report.h"
#include "reports/xml.h"
#include "sim/query.h"
#include "sim/verify/verify.h"
#include "tests/support/builder.h"
#include "tests/support/xml_check.h"
#include "topology/result.h"
#include "topology/safe_text.h"

using namespace vpcsim;
using namespace vpcsim::test_support;
using Json = nlohmann::json;

namespace {

/// A terminal-title escape sequence, a bell, a newline that would forge a
/// `[reachable]` line, and a byte that is not UTF-8.
const std::string kHostile = "\x1b]0;pwned\x07\n[reachable]\xff";
/// How escapeText() shows it.
const std::string kShown = "\\x1b]0;pwned\\x07\\n[reachable]\\xff";
/// How JSON carries it once parsed: the controls as they are, the bad byte as U+FFFD.
const std::string kJsonValue = "\x1b]0;pwned\x07\n[reachable]\xEF\xBF\xBD";

/// "" when `text` is safe on a terminal: well-formed UTF-8, no control
/// character but the newline, else what was found and where.
std::string terminalProblem(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    topology::CodePoint point = topology::decodeUtf8(std::string_view(text).substr(i));
    if (point.length == 0) return "invalid UTF-8 at byte " + std::to_string(i);
    if (point.value != U'\n' && !topology::escapedCodePoint(point.value).empty()) {
      return "control character at byte " + std::to_string(i);
    }
    i += point.length;
  }
  return "";
}

/// No line of `text` starts with `forged`.
bool noLineStartsWith(const std::string& text, const std::string& forged) {
  return !text.starts_with(forged) && text.find("\n" + forged) == std::string::npos;
}

/// Subnet a (named kHostile, public addresses on launch) routes to an internet gateway.
Topology hostileTopology() {
  Builder builder = Builder::twoSubnets();
  builder.igw("igw-1", "vpc-1").routeTable("rtb-1", "vpc-1", true, {},
                                           {local("10.0.0.0/16"), route("0.0.0.0/0", RouteTarget::kInternetGateway, "igw-1")});
  Topology topology = builder.build();
  for (auto& subnet : topology.subnets) {
    if (subnet.meta.id != "subnet-a") continue;
    subnet.meta.name = kHostile;
    subnet.map_public_ip_on_launch = true;  // a new interface gets a public address: a finding
  }
  return topology;
}

}  // namespace

TEST_CASE("escapeText shows controls and bad bytes escaped and keeps UTF-8 text", "[safe-output]") {
  auto [input, shown] = GENERATE(table<std::string, std::string>({
      {"subnet-1 (PrivateA)", "subnet-1 (PrivateA)"},
      {"", ""},
      {"\x1b]0;pwned\x07\n[reachable]", "\\x1b]0;pwned\\x07\\n[reachable]"},
      {"a\rholds", "a\\rholds"},
      {"tab\there", "tab\\there"},
      {std::string("nul\0x", 5), "nul\\x00x"},
      {"del\x7f", "del\\x7f"},
      {"\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"},
      {"bad \xff\xfe", "bad \\xff\\xfe"},
      {"overlong \xc0\xaf", "overlong \\xc0\\xaf"},
      {"surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80"},
      {"cut \xe2\x82", "cut \\xe2\\x82"},
      {"above \xf4\x90\x80\x80", "above \\xf4\\x90\\x80\\x80"},
      {"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x9a\x80", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x9a\x80"},
      {"c1 csi \xc2\x9b" "31m", "c1 csi \\u009b31m"},
      {"line\xe2\x80\xa8sep", "line\\u2028sep"},
      {"rlo \xe2\x80\xae" "txt", "rlo \\u202etxt"},
      {"back\\slash", "back\\slash"},
  }));
  CAPTURE(input);
  CHECK(topology::escapeText(input) == shown);
  CHECK(terminalProblem(topology::escapeText(input)).empty());
}

TEST_CASE("a diagnostic escapes its place, message and notes", "[safe-output]") {
  topology::Diagnostic diagnostic{"bad-cidr", "'" + kHostile + "' is not a CIDR", "evil\n.yaml:1:2",
                                  {"did you mean " + kHostile}};
  CHECK(diagnostic.str() == "evil\\n.yaml:1:2: error: '" + kShown + "' is not a CIDR\n  note: did you mean " + kShown);
}

TEST_CASE("XML escaping replaces what XML forbids and encodes newlines in attributes", "[safe-output]") {
  auto [input, content, attribute] = GENERATE(table<std::string, std::string, std::string>({
      {"a <b> & \"c\" 'd'", "a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;",
       "a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;"},
      {"line\nnext\ttab", "line\nnext\ttab", "line&#10;next&#9;tab"},
      {"cr\r", "cr&#13;", "cr&#13;"},
      {"\x1b]0;x\x07", "\\x1b]0;x\\x07", "\\x1b]0;x\\x07"},
      {"bad \xff", "bad \\xff", "bad \\xff"},
      {"nonchar \xef\xbf\xbe", "nonchar \\ufffe", "nonchar \\ufffe"},
      {"caf\xc3\xa9", "caf\xc3\xa9", "caf\xc3\xa9"},
  }));
  CAPTURE(input);
  CHECK(reports::xmlEscape(input) == content);
  CHECK(reports::xmlAttribute(input) == attribute);
  std::string document = "<a b=\"" + reports::xmlAttribute(input) + "\">" + reports::xmlEscape(input) + "</a>";
  CHECK(xmlProblem(document).empty());
}

TEST_CASE("the well-formedness check rejects what is not XML", "[safe-output]") {
  auto [document, problem] = GENERATE(table<std::string, std::string>({
      {"<a><b/></a>", ""},
      {"<?xml version=\"1.0\"?>\n<a x='1' y=\"&amp;&#10;\">t&lt;</a>\n", ""},
      {"<a><b></a>", "byte 6: end tag </a> does not match"},
      {"<a>\x1b</a>", "byte 3: character not allowed in XML"},
      {"<a>\xff</a>", "byte 3: not well-formed UTF-8"},
      {"<a>&nbsp;</a>", "byte 3: bad reference"},
      {"<a>&#27;</a>", "byte 3: bad reference"},
      {"<a x=\"<\"/>", "byte 6: '<' in an attribute value"},
      {"<a x=1/>", "byte 4: attribute without a quoted value"},
      {"<a/><b/>", "byte 4: a second root element"},
      {"<a>", "element <a> not closed"},
  }));
  CAPTURE(document);
  CHECK(xmlProblem(document) == problem);
}

TEST_CASE("a hostile subnet name is escaped in verify text and JUnit, replaced in JSON and SARIF", "[safe-output]") {
  Sim sim(hostileTopology());
  auto report = sim::verifyInternetFree(sim.network(), {"subnet-a"});
  REQUIRE(report);
  REQUIRE(report->verdict == sim::Verdict::kReachable);
  std::vector<sim::VerifyReport> reports{*report};

  std::string text = reports::verifyText(reports);
  CAPTURE(text);
  CHECK(terminalProblem(text).empty());
  CHECK(noLineStartsWith(text, "[reachable]"));
  CHECK(text.find("\n[finding] subnet-a (" + kShown + ") -> internet via igw-1 (") != std::string::npos);

  Json json = Json::parse(reports::verifyJson(reports));
  CHECK(json["checks"][0]["findings"][0]["source_subnet"] == "subnet-a (" + kJsonValue + ")");

  std::string sarif_text = reports::verifySarif(reports);
  CHECK(terminalProblem(sarif_text).empty());  // JSON escapes the controls itself
  Json sarif = Json::parse(sarif_text);
  CHECK(sarif["runs"][0]["results"][0]["message"]["text"].get<std::string>().starts_with("subnet-a (" + kJsonValue +
                                                                                         ") -> igw-1"));

  std::string junit = reports::verifyJunit(reports);
  CAPTURE(junit);
  CHECK(xmlProblem(junit).empty());
  CHECK(junit.find("\n[finding] subnet-a (" + kShown + ") -&gt; internet via igw-1 (") != std::string::npos);
}

TEST_CASE("a hostile subnet name is escaped in reach and describe text", "[safe-output]") {
  Sim sim(hostileTopology());
  sim::ReachQuery query;
  query.from = "eni-a";
  query.to = "ip:" + kHostile;  // an argument echoed back
  auto bad = sim::reach(sim.network(), query);
  REQUIRE_FALSE(bad);
  CHECK(terminalProblem(bad.diagnostic().str()).empty());
  query.to = "eni-b";
  auto report = sim::reach(sim.network(), query);
  REQUIRE(report);
  std::string text = reports::reachText(*report);
  CHECK(terminalProblem(text).empty());
  CHECK(Json::accept(reports::reachJson(*report)));

  Topology topology = hostileTopology();
  std::string describe = reports::describeText(topology);
  CAPTURE(describe);
  CHECK(terminalProblem(describe).empty());
  CHECK(describe.find("\n  subnet-a (" + kShown + ")  10.0.1.0/24  us-east-1a  2 interfaces  public-ip-on-launch\n") != std::string::npos);
  CHECK(Json::parse(reports::describeJson(topology))["vpcs"][0]["subnets"][0] == "subnet-a");
}

TEST_CASE("Markdown cells keep a hostile name on its row and out of markup", "[safe-output]") {
  // The cell escaper on its own: table bars, backquotes and tags.
  CHECK(reports::markdownCell("a|b `c` <img src=x onerror=alert(1)>") == "a\\|b \\`c\\` &lt;img src=x onerror=alert(1)>");
  Sim sim(hostileTopology());
  auto report = sim::verifyInternetFree(sim.network(), {"subnet-a"});
  REQUIRE(report);
  std::string markdown = reports::verifyMarkdown({*report});
  CAPTURE(markdown);
  CHECK(terminalProblem(markdown).empty());
  CHECK(noLineStartsWith(markdown, "[reachable]"));
  // The name stays in its own cell of the finding's row.
  CHECK(markdown.find("\n| internet-free | subnet-a (" + kShown + ") | igw-1 | 96 | ") != std::string::npos);
}

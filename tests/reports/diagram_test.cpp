// The network diagram (DOT from the topology, laid out as SVG by Graphviz) and HTML escaping of the report.
#include "reports/diagram.h"
#include "reports/html_report.h"

#include <string>

#include <catch2/catch.hpp>

#include "tests/support/builder.h"

using namespace vpcsim;
using namespace vpcsim::test_support;

namespace {

topology::Topology twoSubnets(const std::string& hostile_name) {
  topology::Topology t = Builder()
                             .vpc("vpc-1", "10.0.0.0/16")
                             .subnet("subnet-a", "vpc-1", "10.0.1.0/24", "us-east-1a")
                             .subnet("subnet-b", "vpc-1", "10.0.2.0/24", "us-east-1b")
                             .igw("igw-1", "vpc-1")
                             .routeTable("rtb-1", "vpc-1", true, {},
                                         {local("10.0.0.0/16"),
                                          route("0.0.0.0/0", topology::RouteTarget::kInternetGateway, "igw-1")})
                             .build();
  t.subnets[0].meta.name = hostile_name;
  return t;
}

}  // namespace

TEST_CASE("the diagram groups subnets by VPC and zone and draws each route target once per subnet", "[report]") {
  const std::string dot = reports::topologyDot(twoSubnets("web"));
  CHECK(dot.find("subgraph \"cluster_vpc-1\"") != std::string::npos);
  CHECK(dot.find("subgraph \"cluster_vpc-1/us-east-1a\"") != std::string::npos);
  CHECK(dot.find("\"subnet-a\" [id=\"n-subnet-a\", label=\"subnet-a (web)\\n10.0.1.0/24\\n0 interfaces\\nroute table rtb-1\"") !=
        std::string::npos);
  // Both subnets use the main table: one edge each to the gateway, labelled with the destination.
  CHECK(dot.find("\"subnet-a\" -> \"igw-1\" [id=\"e-subnet-a-igw-1\", label=\"0.0.0.0/0\"];") != std::string::npos);
  CHECK(dot.find("\"subnet-b\" -> \"igw-1\" [id=\"e-subnet-b-igw-1\", label=\"0.0.0.0/0\"];") != std::string::npos);
  CHECK(dot.find("\"igw-1\" -> \"internet\" [dir=both];") != std::string::npos);
  CHECK(reports::topologyDot(twoSubnets("web")) == dot);  // same input, same bytes
}

TEST_CASE("input text in the diagram stays text: quotes, DOT escapes, controls", "[report]") {
  const std::string hostile = "a\"] ; evil [label=\"x\\N\n\x1b[31m</svg><script>alert(1)</script>";
  const std::string dot = reports::topologyDot(twoSubnets(hostile));
  // The quote and the backslash are escaped, the newline and the escape byte shown as escapes.
  CHECK(dot.find("(a\\\"] ; evil [label=\\\"x\\\\N\\\\n\\\\x1b[31m</svg><script>alert(1)</script>)") !=
        std::string::npos);
  auto svg = reports::layoutSvg(dot);
  REQUIRE(svg.ok());
  // Graphviz writes the label as SVG text: markup in it is escaped.
  CHECK(svg->find("<script>") == std::string::npos);
  CHECK(svg->find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  // Element ids as Graphviz writes them (an escaped "-" reads as "-" in the DOM).
  CHECK(svg->find("id=\"n&#45;subnet&#45;a\"") != std::string::npos);
  CHECK(svg->find("id=\"n&#45;igw&#45;1\"") != std::string::npos);
  for (int i = 0; i < 3; ++i) CHECK(reports::layoutSvg(dot).value() == *svg);  // deterministic layout
}

TEST_CASE("a graph Graphviz cannot read is an error, not a crash", "[report]") {
  auto svg = reports::layoutSvg("digraph { a -> ");
  REQUIRE_FALSE(svg.ok());
  CHECK(svg.error().rfind("Graphviz could not read the diagram: ", 0) == 0);
}

TEST_CASE("HTML escaping covers text and both attribute quotes", "[report]") {
  CHECK(reports::htmlEscape("<a href=\"x\" title='y'>&amp;</a>") ==
        "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  CHECK(reports::htmlEscape("plain 10.0.0.0/16") == "plain 10.0.0.0/16");
}

TEST_CASE("an egress-only internet gateway is drawn in its VPC, one way to the internet", "[report]") {
  topology::Topology t = twoSubnets("web");
  topology::EgressOnlyInternetGateway eigw;
  eigw.meta.id = "eigw-1";
  eigw.vpc_id = "vpc-1";
  t.egress_only_internet_gateways.push_back(eigw);
  const std::string dot = reports::topologyDot(t);
  CHECK(dot.find("\"eigw-1\" [id=\"n-eigw-1\", label=\"egress-only internet gateway\\neigw-1\"") != std::string::npos);
  CHECK(dot.find("\"eigw-1\" -> \"internet\";") != std::string::npos);
  CHECK(dot.find("not in the input") == std::string::npos);
}

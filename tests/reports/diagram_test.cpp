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

namespace {

/// Two peered VPCs, one subnet each; vpc-1's subnet routes to the peering and the internet.
topology::Topology peeredVpcs() {
  topology::Topology t =
      Builder()
          .vpc("vpc-1", "10.0.0.0/16")
          .vpc("vpc-2", "10.1.0.0/16")
          .subnet("subnet-a", "vpc-1", "10.0.1.0/24", "us-east-1a")
          .subnet("subnet-b", "vpc-2", "10.1.1.0/24", "us-east-1a")
          .igw("igw-1", "vpc-1")
          .peering("pcx-1", "vpc-1", "vpc-2")
          .sg("sg-1", "vpc-1", {}, {})
          .eni("eni-1", "subnet-a", "10.0.1.10", {"sg-1"})
          .eni("eni-2", "subnet-a", "10.0.1.11", {"sg-1"})
          .routeTable("rtb-1", "vpc-1", true, {},
                      {local("10.0.0.0/16"), route("0.0.0.0/0", topology::RouteTarget::kInternetGateway, "igw-1"),
                       route("10.1.0.0/16", topology::RouteTarget::kPeeringConnection, "pcx-1")})
          .routeTable("rtb-2", "vpc-2", true, {}, {local("10.1.0.0/16")})
          .build();
  t.subnets[0].meta.name = "web";
  t.subnets[0].meta.tags = {{"Name", "web"}, {"team", "ml"}};
  return t;
}

}  // namespace

TEST_CASE("a small estate is one picture; a large one an overview and a picture per VPC", "[report]") {
  const topology::Topology t = peeredVpcs();
  auto whole = reports::diagramViews(t);
  REQUIRE(whole.size() == 1);
  CHECK(whole[0].key == "estate");
  CHECK(whole[0].dot == reports::topologyDot(t));

  auto views = reports::diagramViews(t, 1);  // more subnets than one: split
  REQUIRE(views.size() == 3);
  CHECK(views[0].key == "overview");
  CHECK(views[1].key == "vpc-1");
  CHECK(views[2].key == "vpc-2");
  // The overview: each VPC one node with its counts, the peering between them, the internet gateway.
  const std::string& overview = views[0].dot;
  CHECK(overview.find("\"vpc-1\" [id=\"n-vpc-1\", label=\"VPC vpc-1\\n10.0.0.0/16\\n1 subnet in 1 zone\\n2 interfaces\"") !=
        std::string::npos);
  CHECK(overview.find("\"pcx-1\" -> \"vpc-2\" [dir=none, style=dotted];") != std::string::npos);
  CHECK(overview.find("\"vpc-1\" -> \"igw-1\" [dir=both];") != std::string::npos);
  CHECK(overview.find("subnet-a") == std::string::npos);
  // vpc-1's picture: its subnet (interfaces counted by group), the gateway, the peering and vpc-2 as a node.
  const std::string& first = views[1].dot;
  CHECK(first.find("\"subnet-a\" [id=\"n-subnet-a\", label=\"subnet-a (web)\\n10.0.1.0/24\\n2 interfaces\\nsg-1 x2\\nroute table rtb-1\"") !=
        std::string::npos);
  CHECK(first.find("\"subnet-a\" -> \"pcx-1\"") != std::string::npos);
  CHECK(first.find("\"vpc-2\" [id=\"n-vpc-2\", label=\"VPC vpc-2\\n10.1.0.0/16\"") != std::string::npos);
  CHECK(first.find("subnet-b") == std::string::npos);
  CHECK(first.find("not in the input") == std::string::npos);
  // vpc-2's picture has no internet: its VPC has no gateway.
  CHECK(views[2].dot.find("\"internet\"") == std::string::npos);
  CHECK(views[2].dot.find("\"subnet-b\"") != std::string::npos);
  for (const auto& view : views) CHECK(reports::layoutSvg(view.dot).ok());
}

TEST_CASE("node info gives tags, a subnet's groups and its route table and network ACL by reference", "[report]") {
  const auto info = reports::nodeInfo(peeredVpcs());
  REQUIRE(info.count("subnet-a") == 1);
  const auto& subnet = info.at("subnet-a");
  CHECK(subnet.title == "subnet-a (web)");
  CHECK(subnet.tags == std::vector<std::pair<std::string, std::string>>{{"Name", "web"}, {"team", "ml"}});
  CHECK(subnet.lines == std::vector<std::string>{"10.0.1.0/24 in us-east-1a", "sg-1: 2 interfaces"});
  CHECK(subnet.refs == std::vector<std::string>{"rtb-1"});
  REQUIRE(info.count("rtb-1") == 1);
  CHECK(info.at("rtb-1").lines == std::vector<std::string>{"route table (main)", "  10.0.0.0/16 -> local",
                                                           "  0.0.0.0/0 -> igw-1", "  10.1.0.0/16 -> pcx-1"});
  CHECK(info.count("sg-1") == 1);
  CHECK(info.count("pcx-1") == 1);
}

TEST_CASE("the overview draws each estate (VPCs no link joins) as an island", "[report]") {
  topology::Topology t = peeredVpcs();
  topology::Vpc lone;
  lone.meta.id = "vpc-3";
  lone.cidrs.push_back(*topology::Cidr::parse("10.2.0.0/16"));
  t.vpcs.push_back(lone);
  t.finalize();
  auto views = reports::diagramViews(t, 1);
  REQUIRE(views.size() == 4);
  const std::string& overview = views[0].dot;
  // vpc-1 and vpc-2 are peered: one estate; vpc-3 is alone.
  CHECK(overview.find("subgraph \"cluster_estate_1\" {\n    id=\"estate-1\"; label=\"estate 1: 2 VPCs\"") != std::string::npos);
  CHECK(overview.find("subgraph \"cluster_estate_2\" {\n    id=\"estate-2\"; label=\"estate 2: 1 VPC\"") != std::string::npos);
  CHECK(overview.find("\"vpc-3\" [id=\"n-vpc-3\"") > overview.find("cluster_estate_2"));
  CHECK(reports::layoutSvg(overview).ok());
  // One estate: no island drawn.
  CHECK(reports::diagramViews(peeredVpcs(), 1)[0].dot.find("cluster_estate") == std::string::npos);
}

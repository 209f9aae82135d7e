// Tests for the inventory renderers (reports/describe_report.h): the estates section.
#include "reports/describe_report.h"

#include <string>

#include <catch2/catch.hpp>

namespace vpcsim::reports {
namespace {

using topology::PeeringConnection;
using topology::Topology;
using topology::Vpc;

Topology peeredPair() {
  Topology topo;
  for (const char* id : {"vpc-1", "vpc-2", "vpc-3"}) {
    Vpc vpc;
    vpc.meta.id = id;
    topo.vpcs.push_back(vpc);
  }
  PeeringConnection pcx;
  pcx.meta.id = "pcx-1";
  pcx.requester.vpc_id = "vpc-3";
  pcx.accepter.vpc_id = "vpc-1";
  pcx.status = "active";
  topo.peering_connections.push_back(pcx);
  topo.finalize();
  return topo;
}

TEST_CASE("describe lists the estates after the VPCs, numbered from 1", "[describe]") {
  const std::string text = describeText(peeredPair());
  CHECK(text.find("\nestates: 2\n  1  vpc-1, vpc-3\n  2  vpc-2\n") != std::string::npos);
  CHECK(text.find("estates:") > text.find("vpc-3  "));
  const std::string json = describeJson(peeredPair());
  CHECK(json.find(R"("estates": [
    {
      "members": [
        "vpc-1",
        "vpc-3"
      ]
    },
    {
      "members": [
        "vpc-2"
      ]
    }
  ],
  "ignored": [])") != std::string::npos);
}

TEST_CASE("describe of an empty topology has no estates section in text and an empty list in JSON", "[describe]") {
  CHECK(describeText(Topology{}).find("estates") == std::string::npos);
  CHECK(describeJson(Topology{}).find(R"("estates": [],)") != std::string::npos);
}

}  // namespace
}  // namespace vpcsim::reports

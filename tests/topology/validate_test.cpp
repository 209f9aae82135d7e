// The shared rule-value checks: AWS's ranges at their edges (EC2 API
// Reference, IpPermission, NetworkAclEntry / PortRange, IcmpTypeCode).
#include "topology/validate.h"

#include <optional>
#include <string>

#include <catch2/catch.hpp>

namespace vpcsim::topology {
namespace {

/// "ok", or "from: MESSAGE" / "to: MESSAGE".
std::string text(const std::optional<ValueProblem>& problem) {
  if (!problem) return "ok";
  return (problem->field == RuleField::kFrom ? "from: " : "to: ") + problem->message;
}

TEST_CASE("security group ports and ICMP numbers are checked at AWS's edges", "[validate]") {
  constexpr std::optional<int> kNone;
  auto [protocol, from, to, expected] = GENERATE_COPY(table<int, std::optional<int>, std::optional<int>, std::string>({
      {kProtocolTcp, 0, 65535, "ok"},
      {kProtocolTcp, 65535, 65535, "ok"},
      {kProtocolUdp, 53, 53, "ok"},
      {kProtocolTcp, -1, -1, "ok"},
      {kProtocolTcp, kNone, kNone, "ok"},
      {kProtocolTcp, 0, 65536, "to: port 65536 is out of range (0-65535)"},
      {kProtocolUdp, -1, 80, "from: port -1 is out of range (0-65535)"},
      {kProtocolTcp, 81, 80, "from: port range 81-80 is reversed (the first port is above the last)"},
      {kProtocolIcmp, -1, -1, "ok"},
      {kProtocolIcmp, 255, 255, "ok"},
      {kProtocolIcmp, 8, -1, "ok"},
      {kProtocolIcmp, 256, -1, "from: ICMP type 256 is out of range (-1-255)"},
      {kProtocolIcmp, -2, -1, "from: ICMP type -2 is out of range (-1-255)"},
      {kProtocolIcmpv6, 128, 300, "to: ICMP code 300 is out of range (-1-255)"},
      {kProtocolIcmp, -1, 0, "to: ICMP code 0 with every ICMP type (-1): every type takes every code (-1)"},
      {kProtocolAll, 70000, -5, "ok"},
      {50, 1, 0, "ok"},
  }));
  CAPTURE(protocol, from, to);
  CHECK(text(sgPortsProblem(protocol, from, to)) == expected);
}

TEST_CASE("network ACL port ranges and ICMP numbers are checked at AWS's edges", "[validate]") {
  CHECK(text(naclPortsProblem(0, 65535)) == "ok");
  CHECK(text(naclPortsProblem(22, 22)) == "ok");
  CHECK(text(naclPortsProblem(-1, 22)) == "from: port -1 is out of range (0-65535)");
  CHECK(text(naclPortsProblem(1024, 70000)) == "to: port 70000 is out of range (0-65535)");
  CHECK(text(naclPortsProblem(2, 1)) == "from: port range 2-1 is reversed (the first port is above the last)");
  CHECK(text(naclIcmpProblem(-1, -1)) == "ok");
  CHECK(text(naclIcmpProblem(3, 4)) == "ok");
  CHECK(text(naclIcmpProblem(999, -1)) == "from: ICMP type 999 is out of range (-1-255)");
  CHECK(text(naclIcmpProblem(0, 256)) == "to: ICMP code 256 is out of range (-1-255)");
}

}  // namespace
}  // namespace vpcsim::topology

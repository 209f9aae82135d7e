// Network Access Analyzer scopes above the documented limits are refused
// with "too large: ..." before any tracing (issue 17: 2,000 match paths or
// long port lists ran for minutes).
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "formats/scope_file.h"
#include "topology/limits.h"

namespace vpcsim::formats {
namespace {

using namespace topology::limits;  // NOLINT(google-build-using-namespace)

/// `count` match paths, each from `addresses` source blocks and `ports` destination ports to an internet gateway.
std::string scope(std::size_t count, std::size_t addresses, std::size_t ports) {
  std::string address_list;
  for (std::size_t i = 0; i < addresses; ++i) {
    address_list += fmt::format("{}\"10.{}.{}.0/24\"", i == 0 ? "" : ",", i / 256, i % 256);
  }
  std::string port_list;
  for (std::size_t i = 0; i < ports; ++i) port_list += fmt::format("{}\"{}\"", i == 0 ? "" : ",", i + 1);
  std::string path = fmt::format(
      R"({{"Source": {{"PacketHeaderStatement": {{"SourceAddresses": [{}], "DestinationPorts": [{}]}}}},
          "Destination": {{"ResourceStatement": {{"ResourceTypes": ["AWS::EC2::InternetGateway"]}}}}}})",
      address_list, port_list);
  std::string paths;
  for (std::size_t i = 0; i < count; ++i) paths += fmt::format("{}{}", i == 0 ? "" : ",", path);
  return fmt::format(R"({{"MatchPaths": [{}]}})", paths);
}

std::string diagnostic(std::size_t count, std::size_t addresses, std::size_t ports) {
  auto parsed = parseNaaScope(scope(count, addresses, ports), "scope.json");
  return parsed ? "ok" : parsed.diagnostic().str();
}

TEST_CASE("scopes at the limits parse and scopes above them are too large", "[naa][validation]") {
  CHECK(diagnostic(kScopePaths, 1, 1) == "ok");
  CHECK(diagnostic(1, kScopeListItems, kScopeListItems) == "ok");
  CHECK(diagnostic(kScopePaths + 1, 1, 1) ==
        fmt::format("scope.json:/MatchPaths: error: too large: the list has {} items (the limit is {})",
                    kScopePaths + 1, kScopeListItems));
  CHECK(diagnostic(1, 1, kScopeListItems + 1) ==
        fmt::format("scope.json:/MatchPaths/0/Source/PacketHeaderStatement/DestinationPorts: error: too large: the "
                    "list has {} items (the limit is {})",
                    kScopeListItems + 1, kScopeListItems));
  CHECK(diagnostic(3, 1, kScopePortsInTotal / 2) ==
        fmt::format("scope.json:/MatchPaths/2/Source/PacketHeaderStatement/DestinationPorts: error: too large: the "
                    "scope's port lists hold more than {} items together",
                    kScopePortsInTotal));
  // 100 paths of 10 addresses, 1 port and 1 type: the path list counts 100,
  // each path 12, so path 75 passes 1,000 at its addresses (100 + 75 * 12 + 10).
  REQUIRE(kScopeItemsInTotal == 1000);
  CHECK(diagnostic(100, 10, 1) ==
        "scope.json:/MatchPaths/75/Source/PacketHeaderStatement/SourceAddresses: error: too large: the scope's lists "
        "hold more than 1000 items together");
}

}  // namespace
}  // namespace vpcsim::formats

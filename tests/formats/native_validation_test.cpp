// Native topology files: values AWS cannot produce and the documented limits
// (the shared checks of topology/validate.h) are located errors (issue 17).
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "formats/loader.h"
#include "topology/limits.h"
#include "tests/support/text_input.h"

namespace vpcsim::formats {
namespace {

namespace fs = std::filesystem;

/// Loads `text` as the native file t.yaml; the diagnostics' texts, or "ok".
std::vector<std::string> loadNativeText(const std::string& text) {
  return testing::diagnosticsOfText("t.yaml", text, [](const fs::path&, const fs::path& file, auto& errors) {
    topology::Topology topo;
    return loadNativeTopology(file, LoadOptions{}, topo, errors);
  });
}

TEST_CASE("a native ICMP rule with every type and one code is an error at the code", "[native][validation]") {
  auto [code, expected] = GENERATE(table<std::string, std::string>({
      {"-1", "ok"},
      {"3", "t.yaml:3:81: error: ICMP code 3 with every ICMP type (-1): every type takes every code (-1)"},
  }));
  CAPTURE(code);
  CHECK(loadNativeText(fmt::format("vpcs: [{{id: vpc-a, cidr: 10.0.0.0/16}}]\nsecurity_groups:\n"
                                   "  - {{id: sg-a, vpc: vpc-a, ingress: [{{protocol: icmp, icmp_type: -1, icmp_code: "
                                   "{}, cidr: 0.0.0.0/0}}]}}\n",
                                   code)) == std::vector<std::string>{expected});
}

TEST_CASE("a native route table above the route limit is too large", "[native][validation]") {
  std::string routes;
  for (std::size_t i = 0; i <= topology::limits::kRoutesPerRouteTable; ++i) {
    routes += fmt::format("      - {{dest: 100.{}.{}.0/24, target: local}}\n", i / 256, i % 256);
  }
  CHECK(loadNativeText("vpcs: [{id: vpc-a, cidr: 10.0.0.0/16}]\nroute_tables:\n  - id: rtb-a\n    vpc: vpc-a\n"
                       "    routes:\n" +
                       routes) ==
        std::vector<std::string>{fmt::format(
            "t.yaml:3:5: error: too large: route table rtb-a has {} routes (the limit is {}; AWS allows at most 1000)",
            topology::limits::kRoutesPerRouteTable + 2,  // the routes given and the local route the file implies
            topology::limits::kRoutesPerRouteTable)});
}

}  // namespace
}  // namespace vpcsim::formats

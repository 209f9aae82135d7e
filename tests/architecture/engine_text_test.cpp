// Engines decide on typed values, never on rendered text: a scan of the engine sources.
//
// Hops (sim::Hop) and explanations are words only in reports/. If engine code
// read a hop's rendered rule, an explanation's message or a component's
// display text, rewording a message could silently change a verdict. This
// test reads every source file under sim/, capacity/ and scenario/ (the
// engines, the runner and the variant diff) and fails on the patterns such
// code takes; a line that must match one can say why with the marker
// "engine-text: allowed" (none does today).
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#ifndef VPCSIM_SOURCE_DIR
#define VPCSIM_SOURCE_DIR "."
#endif

namespace {

struct Pattern {
  const char* what;
  std::regex regex;
};

std::vector<Pattern> patterns() {
  return {
      {"reads an explanation's message", std::regex(R"(\.message\s*(\.|==|!=|\[))")},
      {"compares or searches a component's display text",
       std::regex(R"(\.component\s*(\.find|\.rfind|\.substr|\.starts_with|==|!=))")},
      {"compares rendered rule text", std::regex(R"(describe(SgRule|AclEntry|Packet)\([^;]*\)\s*(==|!=))")},
      {"names a hop type or phrase as text",
       std::regex(R"re("(delivered|translate source|translate destination|route-table|security-group|network-acl|)re"
                  R"re(nat-gateway|internet-gateway|network-interface|vpc-endpoint|vpc-peering-connection|)re"
                  R"re(transit-gateway-attachment|transit-gateway-route-table|forward|return)")re")},
      {"searches text for a rendered phrase", std::regex(R"((find|rfind|starts_with)\("(delivered|translate|route |rule ))")},
  };
}

}  // namespace

TEST_CASE("no engine code reads hop or explanation text", "[architecture]") {
  const std::vector<Pattern> checks = patterns();
  std::vector<std::filesystem::path> files;
  for (const char* folder : {"sim", "capacity", "scenario"}) {
    const std::filesystem::path root = std::filesystem::path(VPCSIM_SOURCE_DIR) / folder;
    REQUIRE(std::filesystem::is_directory(root));
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      const auto extension = entry.path().extension();
      if (entry.is_regular_file() && (extension == ".cpp" || extension == ".h")) files.push_back(entry.path());
    }
  }
  REQUIRE(files.size() > 5);
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.find("engine-text: allowed") != std::string::npos) continue;
      for (const auto& check : checks) {
        CAPTURE(file.string(), number, line);
        CHECK_FALSE(std::regex_search(line, check.regex));
      }
    }
  }
}

TEST_CASE("the engine-text scan catches the patterns it is for", "[architecture]") {
  // Lines the engines once held: each must be caught.
  const std::vector<std::string> bad = {
      R"(    return e.code == "NO_PATH" && e.message.find("delivered somewhere else") != std::string::npos;)",
      R"(    if (hop.type == "nat-gateway" && startsWith(hop.rule, "translate source")) nat = hop.component;)",
      R"(      if (describeSgRule(rule, false) == last->rule) {)",
      R"(    change.component = ha.component; if (ha.component == hb.component) {)",
  };
  const std::vector<Pattern> checks = patterns();
  for (const auto& line : bad) {
    CAPTURE(line);
    bool caught = false;
    for (const auto& check : checks) caught = caught || std::regex_search(line, check.regex);
    CHECK(caught);
  }
}

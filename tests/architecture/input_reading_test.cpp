// Input is read one way (docs/cli.md, "Input files and their limits"): a scan of the libraries for the ways around it.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#ifndef VPCSIM_SOURCE_DIR
#define VPCSIM_SOURCE_DIR "."
#endif

namespace {

struct Bypass {
  std::string text;  ///< what a line must not hold
  std::string why;
};

/// Ways to read or parse input that skip the input layer, and what each would bring back.
const std::vector<Bypass>& bypasses() {
  static const std::vector<Bypass> list = {
      {"#include <regex>", "std::regex backtracks (a 30,000-space line, AllowedPattern '(a+)+$')"},
      {"std::ifstream", "files are read with formats::readInputFile (regular files, size cap, UTF-8)"},
      {"YAML::Load(", "YAML is loaded with formats::loadYaml (nesting, alias bombs, alias cycles)"},
      {"YAML::LoadFile", "YAML is loaded with formats::loadYaml from readInputFile's text"},
      {"std::stod", "numbers are read with formats::parseDecimal (finite, no exception)"},
      {"std::stoi", "numbers are read with formats::parseWholeNumber (ranged, no exception)"},
      {"std::stol", "numbers are read with formats::parseWholeNumber (ranged, no exception)"},
      {"parser.load(", "simdjson reads files itself; snapshot files go through readInputFile"},
  };
  return list;
}

}  // namespace

TEST_CASE("the libraries read input only through the input layer", "[architecture]") {
  const std::filesystem::path root(VPCSIM_SOURCE_DIR);
  std::size_t lines = 0;
  for (const char* folder : {"topology", "formats", "sim", "capacity", "scenario", "reports", "cli"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root / folder)) {
      const auto extension = entry.path().extension();
      if (!entry.is_regular_file() || (extension != ".cpp" && extension != ".h")) continue;
      // The one place allowed to do what the others must not.
      if (entry.path().filename() == "yaml_document.cpp") continue;
      std::ifstream in(entry.path());
      std::string line;
      while (std::getline(in, line)) {
        ++lines;
        if (line.compare(std::min(line.find_first_not_of(' '), line.size()), 2, "//") == 0) continue;  // a comment
        for (const auto& bypass : bypasses()) {
          CAPTURE(entry.path().string(), line, bypass.why);
          CHECK(line.find(bypass.text) == std::string::npos);
        }
      }
    }
  }
  CHECK(lines > 10000);  // the scan saw the code there is
}

// Dependencies run one way, toward the model: a scan of every #include (docs/architecture.md).
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#ifndef VPCSIM_SOURCE_DIR
#define VPCSIM_SOURCE_DIR "."
#endif

namespace {

/// The project folders each folder may include from (itself always).
const std::map<std::string, std::set<std::string>>& allowed() {
  static const std::map<std::string, std::set<std::string>> table = {
      {"topology", {}},
      {"formats", {"topology"}},
      {"policy", {"topology"}},
      {"sim", {"topology"}},
      {"capacity", {"topology"}},
      {"scenario", {"topology", "formats", "sim", "capacity"}},
      {"reports", {"topology", "sim", "capacity", "scenario"}},
      {"cli", {"topology", "formats", "sim", "capacity", "scenario", "reports"}},
  };
  return table;
}

/// The project folder an include names ("sim/verify/verify.h" -> "sim"), or "" for a system header.
std::string folderOf(const std::string& line) {
  const std::string prefix = "#include \"";
  if (line.rfind(prefix, 0) != 0) return "";
  std::string path = line.substr(prefix.size());
  return path.substr(0, path.find('/'));
}

}  // namespace

TEST_CASE("each library includes only the folders below it", "[architecture]") {
  const std::filesystem::path root(VPCSIM_SOURCE_DIR);
  size_t includes = 0;
  for (const auto& [folder, may] : allowed()) {
    REQUIRE(std::filesystem::is_directory(root / folder));
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root / folder)) {
      const auto extension = entry.path().extension();
      if (!entry.is_regular_file() || (extension != ".cpp" && extension != ".h")) continue;
      std::ifstream in(entry.path());
      std::string line;
      while (std::getline(in, line)) {
        const std::string target = folderOf(line);
        if (target.empty() || target == folder) continue;
        ++includes;
        CAPTURE(entry.path().string(), line);
        CHECK(may.count(target) == 1);
      }
    }
  }
  CHECK(includes > 20);  // the scan saw the cross-folder includes there are
}

TEST_CASE("the layering scan names the folder an include reaches", "[architecture]") {
  CHECK(folderOf("#include \"sim/verify/verify.h\"") == "sim");
  CHECK(folderOf("#include \"topology/model.h\"") == "topology");
  CHECK(folderOf("#include <fmt/format.h>").empty());
  // A model header reaching up into an engine would be refused.
  CHECK(allowed().at("topology").count("sim") == 0);
  CHECK(allowed().at("sim").count("formats") == 0);
}

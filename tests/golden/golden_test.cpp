// Golden runner: executes the real vpcsim CLI on the corpus and diffs its output against pinned files.
//
// Each case of tests/golden/cases.yaml is run as `vpcsim ARGS...` from the
// repo root. The exit status must equal the case's hand-derived expect_exit
// (the check on the tool), and stdout must equal
// tests/golden/expected/<name>.json byte for byte (the pinned behaviour). A
// case with `stream: stderr` (an input error) pins its diagnostics instead,
// in tests/golden/expected/<name>.stderr.
//
// The `--update-golden` switch: run the suite with VPCSIM_UPDATE_GOLDEN=1 in
// the environment, e.g.
//   VPCSIM_UPDATE_GOLDEN=1 ./build/tests/vpcsim_tests "[golden]"
// and every case whose exit status matches expect_exit has its expected file
// rewritten instead of compared; review the diff before committing. A case
// whose exit status disagrees with expect_exit is never pinned: it keeps
// failing until the tool (or the derivation in cases.yaml) is fixed.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include "tests/support/xml_check.h"

namespace {

namespace fs = std::filesystem;

struct GoldenCase {
  std::string name;
  std::vector<std::string> args;
  int expect_exit = 0;
  bool pins_stderr = false;  ///< `stream: stderr`: the pinned output is the diagnostics
};

struct RunResult {
  int exit_status = -1;
  std::string output;  // stdout only
  std::string errors;  // stderr, for diagnostics
};

fs::path sourceDir() { return fs::path(VPCSIM_SOURCE_DIR); }
fs::path goldenDir() { return sourceDir() / "tests" / "golden"; }
fs::path expectedPath(const GoldenCase& golden) {
  return goldenDir() / "expected" / (golden.name + (golden.pins_stderr ? ".stderr" : ".json"));
}

bool updating() {
  const char* value = std::getenv("VPCSIM_UPDATE_GOLDEN");
  return value != nullptr && std::string(value) == "1";
}

const std::vector<GoldenCase>& goldenCases() {
  static const std::vector<GoldenCase> cases = [] {
    std::vector<GoldenCase> loaded;
    YAML::Node root = YAML::LoadFile((goldenDir() / "cases.yaml").string());
    for (const auto& node : root) {
      GoldenCase entry;
      entry.name = node["name"].as<std::string>();
      for (const auto& arg : node["args"]) entry.args.push_back(arg.as<std::string>());
      entry.expect_exit = node["expect_exit"].as<int>();
      entry.pins_stderr = node["stream"] && node["stream"].as<std::string>() == "stderr";
      loaded.push_back(std::move(entry));
    }
    return loaded;
  }();
  return cases;
}

std::string shellQuote(const std::string& text) {
  std::string quoted(1, '\'');
  for (char c : text) {
    if (c == '\'') {
      quoted.append("'\\''");
    } else {
      quoted.push_back(c);
    }
  }
  quoted.push_back('\'');
  return quoted;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Runs `vpcsim args...` from the repo root; captures stdout and the exit status.
RunResult runVpcsim(const std::vector<std::string>& args, const std::string& tag) {
  // Unique per process: two test runs at once (Release and ASan builds) must not share it.
  fs::path errors_file =
      fs::temp_directory_path() / ("vpcsim_golden_" + tag + "_" + std::to_string(getpid()) + ".stderr");
  std::ostringstream line;
  line << "cd " << shellQuote(sourceDir().string()) << " && " << shellQuote(VPCSIM_BINARY);
  for (const auto& arg : args) line << ' ' << shellQuote(arg);
  line << " 2>" << shellQuote(errors_file.string());
  std::string command = line.str();

  RunResult result;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t count = 0;
  while ((count = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, count);
  int status = pclose(pipe);
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.errors = readFile(errors_file);
  std::error_code ignored;
  fs::remove(errors_file, ignored);
  return result;
}

}  // namespace

TEST_CASE("every golden case exits as derived by hand and prints its pinned output", "[golden]") {
  const auto& cases = goldenCases();
  REQUIRE(!cases.empty());
  auto index = GENERATE(range(size_t{0}, goldenCases().size()));
  const GoldenCase& golden = cases.at(index);
  CAPTURE(golden.name);

  RunResult run = runVpcsim(golden.args, golden.name);
  INFO("stderr: " << run.errors);
  INFO("stdout: " << run.output);
  // The hand-derived verdict is the check on the tool: a disagreement fails
  // here and is never pinned, not even by VPCSIM_UPDATE_GOLDEN=1.
  REQUIRE(run.exit_status == golden.expect_exit);
  // JUnit output is well-formed XML whatever the input held.
  if (std::find(golden.args.begin(), golden.args.end(), "junit") != golden.args.end()) {
    CHECK(vpcsim::test_support::xmlProblem(run.output).empty());
  }

  fs::path expected = expectedPath(golden);
  const std::string& pinned = golden.pins_stderr ? run.errors : run.output;
  if (updating()) {
    std::ofstream out(expected, std::ios::binary | std::ios::trunc);
    out << pinned;
    REQUIRE(out.good());
    return;
  }
  INFO("expected file: " << expected.string() << " (VPCSIM_UPDATE_GOLDEN=1 rewrites it)");
  REQUIRE(fs::exists(expected));
  REQUIRE(pinned == readFile(expected));
}

TEST_CASE("the same query run twice prints identical output", "[golden]") {
  // Determinism (house style 12): a multi-hop case with NAT, IGW and both directions.
  std::vector<std::string> args = {"reach",  "--snapshot", "tests/data/corpus/lab-validation/aws_demo/aws_configs",
                                   "--from", "ip:10.1.1.62", "--to", "ip:8.8.8.8", "--protocol", "tcp", "--port", "443",
                                   "--output", "json"};
  RunResult first = runVpcsim(args, "determinism_1");
  RunResult second = runVpcsim(args, "determinism_2");
  REQUIRE(first.exit_status == 0);
  REQUIRE(!first.output.empty());
  REQUIRE(first.exit_status == second.exit_status);
  REQUIRE(first.output == second.output);

  // And a describe of a multi-account, multi-region snapshot.
  std::vector<std::string> describe = {"describe", "--snapshot",
                                       "tests/data/corpus/lab-validation/aws_tgw_peering/aws_configs", "--output",
                                       "json"};
  RunResult third = runVpcsim(describe, "determinism_3");
  RunResult fourth = runVpcsim(describe, "determinism_4");
  REQUIRE(third.exit_status == 0);
  REQUIRE(third.output == fourth.output);
}

TEST_CASE("every corpus snapshot is exercised by at least one golden case", "[golden]") {
  // A snapshot is a folder named aws_configs (Batfish layout).
  std::set<std::string> used;
  for (const auto& golden : goldenCases()) {
    for (size_t i = 0; i + 1 < golden.args.size(); ++i) {
      if (golden.args[i] == "--snapshot") used.insert(golden.args[i + 1]);
    }
  }
  fs::path corpus = sourceDir() / "tests" / "data" / "corpus";
  size_t snapshots = 0;
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    if (!entry.is_directory() || entry.path().filename() != "aws_configs") continue;
    ++snapshots;
    std::string relative = fs::relative(entry.path(), sourceDir()).generic_string();
    CAPTURE(relative);
    CHECK(used.count(relative) == 1);
  }
  CHECK(snapshots >= 20);
}

TEST_CASE("every pinned output file belongs to a golden case", "[golden]") {
  std::set<std::string> names;
  for (const auto& golden : goldenCases()) {
    CAPTURE(golden.name);
    CHECK(names.insert(golden.name).second);  // names are unique
  }
  for (const auto& entry : fs::directory_iterator(goldenDir() / "expected")) {
    std::string stem = entry.path().stem().string();
    CAPTURE(stem);
    CHECK(names.count(stem) == 1);
  }
}

// Tests for the capacity growth-plan parser and history CSV files.
#include "formats/plan_file.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

using namespace vpcsim::topology;

namespace {

std::vector<std::string> parseErrors(const std::string& text) {
  CapacityPlan plan;
  std::vector<Diagnostic> errors;
  parseCapacityPlan(text, "plan.yaml", ".", plan, errors);
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.str());
  return out;
}

}  // namespace

TEST_CASE("the sample growth plan for the default scenario parses", "[capacity]") {
  CapacityPlan plan;
  std::vector<Diagnostic> errors;
  REQUIRE(loadCapacityPlan(std::filesystem::path(VPCSIM_SOURCE_DIR) / "scenarios/capacity-growth.yaml", plan, errors));
  CHECK(errors.empty());
  CHECK(plan.horizon_months == 36);
  CHECK(plan.percentiles == std::vector<double>{50, 95, 99});
  CHECK(plan.trials == 2000);
  REQUIRE(plan.consumers.size() == 4);
  CHECK(plan.consumers[0].kind == ConsumerKind::kInterfaceEndpoint);
  CHECK(plan.consumers[0].count.start == 15);
  CHECK(plan.consumers[2].count.kind == SeriesKind::kCompound);
  CHECK(plan.consumers[2].count.monthly_growth == Approx(0.06));
  CHECK(plan.consumers[3].count.kind == SeriesKind::kLinear);
  REQUIRE(plan.jobs.size() == 2);
  CHECK(plan.jobs[0].business_hours);
  CHECK(plan.jobs[0].efa_share.start == Approx(0.1));
  CHECK(plan.jobs[1].arrivals_per_day.kind == SeriesKind::kSteps);
  CHECK(plan.jobs[1].arrivals_per_day.steps == std::vector<std::pair<int, double>>{{0, 50}, {12, 150}});
  CHECK(plan.jobs[1].distribution == DurationDistribution::kFixed);
  CHECK(plan.jobs[1].burst_multiplier == 3);
}

TEST_CASE("every series form parses", "[capacity]") {
  auto [text, kind] = GENERATE(table<std::string, SeriesKind>({
      {"count: 7", SeriesKind::kConstant},
      {"count: {constant: 7}", SeriesKind::kConstant},
      {"count: {start: 7, per_month: 1}", SeriesKind::kLinear},
      {"count: {start: 7, monthly_growth: 0.1}", SeriesKind::kCompound},
      {"count: {start: 7, yearly_growth: 0.5}", SeriesKind::kCompound},
      {"count: {start: 7, monthly_growth: 0.01, yearly_growth: 0.5}", SeriesKind::kCompound},
      {"count: {steps: [{month: 0, value: 7}]}", SeriesKind::kSteps},
  }));
  CAPTURE(text);
  CapacityPlan plan;
  std::vector<Diagnostic> errors;
  REQUIRE(parseCapacityPlan("consumers:\n  - {kind: space, " + text + "}\n", "plan.yaml", ".", plan, errors));
  REQUIRE(plan.consumers.size() == 1);
  CHECK(plan.consumers[0].count.kind == kind);
  CHECK(plan.consumers[0].count.start + (plan.consumers[0].count.steps.empty() ? 0 : 7) == 7);
}

TEST_CASE("plan errors point at file line and column with a did-you-mean", "[capacity]") {
  auto [text, expected] = GENERATE(table<std::string, std::string>({
      {"horizon_month: 12\n",
       "plan.yaml:1:1: error: unknown key 'horizon_month' in the plan (did you mean 'horizon_months'?)"},
      {"consumers:\n  - {kind: interface_endpiont}\n",
       "plan.yaml:2:12: error: unknown consumer kind 'interface_endpiont' (did you mean 'interface_endpoint'?)"},
      {"jobs:\n  - name: t\n    arrivals_per_dya: 3\n",
       "plan.yaml:3:5: error: unknown key 'arrivals_per_dya' in a job (did you mean 'arrivals_per_day'?)"},
      {"jobs:\n  - {arrivals_per_day: 1, efa_share: 1.5}\n",
       "plan.yaml:2:38: error: efa_share 1.5 is out of range (0-1)"},
      {"placement: most-free\n",
       "plan.yaml:1:12: error: unknown placement policy 'most-free' (did you mean 'most_free'?)"},
      {"consumers:\n  - {kind: custom, count: 3}\n", "plan.yaml:2:5: error: a custom consumer needs 'addresses'"},
      {"horizon_months: [1\n", "plan.yaml:2:1: error: invalid yaml: end of sequence flow not found"},
      {"consumers:\n  - {kind: space, count: {start: 1, yearly_growth: 1001}}\n",
       "plan.yaml:2:52: error: yearly_growth 1001 is out of range (-1-1000)"},
      {"consumers:\n  - {kind: space, count: {start: 1, monthly_growth: 10.5}}\n",
       "plan.yaml:2:53: error: monthly_growth 10.5 is out of range (-1-10)"},
      {"consumers:\n  - {kind: space, count: {start: 1, per_month: 1, yearly_growth: 0.1}}\n",
       "plan.yaml:2:66: error: count has both 'per_month' and 'yearly_growth'"},
  }));
  CAPTURE(text);
  auto errors = parseErrors(text);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == expected);
}

TEST_CASE("a history CSV is read with a header, comments and blank lines", "[capacity]") {
  auto rows = parseHistoryCsv("month,count\n# a comment\n-2, 10\n\n-1,12\n0,14\n", "h.csv");
  REQUIRE(rows.ok());
  CHECK(rows.value() == std::vector<std::pair<double, double>>{{-2, 10}, {-1, 12}, {0, 14}});
  auto bad = parseHistoryCsv("month,count\n1,2\n2,x\n", "h.csv");
  REQUIRE_FALSE(bad.ok());
  // The line is not echoed (a plan naming /etc/passwd would print it): line, column, what was expected.
  CHECK(bad.diagnostic().str() == "h.csv:3:3: error: the count is not a number (expected 'month,count')");
}

TEST_CASE("a fitted series reads its history file next to the plan", "[capacity]") {
  auto dir = std::filesystem::temp_directory_path() / "vpcsim-capacity-plan-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "users.csv") << "month,count\n1,10\n2,20\n3,30\n";
  std::ofstream(dir / "plan.yaml") << "consumers:\n  - {kind: space, count: {history: users.csv, fit: linear}}\n";
  CapacityPlan plan;
  std::vector<Diagnostic> errors;
  REQUIRE(loadCapacityPlan(dir / "plan.yaml", plan, errors));
  REQUIRE(plan.consumers.size() == 1);
  CHECK(plan.consumers[0].count.kind == SeriesKind::kFitted);
  CHECK(plan.consumers[0].count.history.size() == 3);
  std::ofstream(dir / "plan2.yaml") << "consumers:\n  - {kind: space, count: {history: missing.csv}}\n";
  errors.clear();
  CHECK_FALSE(loadCapacityPlan(dir / "plan2.yaml", plan, errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message.find("cannot read history file") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("non-finite and out-of-range numbers in a plan are located errors", "[capacity]") {
  auto [text, message] = GENERATE(table<std::string, std::string>({
      {"horizon_months: nan\n", "plan.yaml:1:17: error: horizon_months: 'nan' is not a number"},
      {"horizon_months: .inf\n", "plan.yaml:1:17: error: horizon_months: '.inf' is not a number"},
      {"trials: 1e999\n", "plan.yaml:1:9: error: trials 1e999 is out of range (0-10000000)"},
      {"seed: " + std::string(60, '9') + "\n",
       "plan.yaml:1:7: error: seed " + std::string(40, '9') + "... is out of range (0-9000000000000000)"},
      {"instance_types:\n  [a]: {addresses: 1}\n",
       "plan.yaml:2:3: error: expected a single value here, not a list or a mapping"},
      {"a: &a [*a]\n", "plan.yaml:1:4: error: recursive alias: this node contains an alias of itself"},
  }));
  CAPTURE(text);
  CHECK(parseErrors(text) == std::vector<std::string>{message});
}

TEST_CASE("history rows with nan, inf or huge numbers are located errors that do not echo the line", "[capacity]") {
  auto [text, message] = GENERATE(table<std::string, std::string>({
      {"month,count\n1,2\n2,nan\n", "h.csv:3:3: error: the count is not a number (expected 'month,count')"},
      {"nan,2\n", "h.csv:1:1: error: the month is not a number (expected 'month,count')"},
      {"1, inf\n", "h.csv:1:4: error: the count is not a number (expected 'month,count')"},
      {"1,1e999\n", "h.csv:1:3: error: the count is out of range"},
      {"root:x:0:0:root:/root:/bin/bash\n", "h.csv:1:1: error: expected 'month,count' (two numbers and a comma)"},
  }));
  CAPTURE(text);
  auto rows = parseHistoryCsv(text, "h.csv");
  REQUIRE_FALSE(rows.ok());
  CHECK(rows.diagnostic().str() == message);
}

TEST_CASE("a plan or history path that is a directory is an error", "[capacity]") {
  auto dir = std::filesystem::temp_directory_path() / "vpcsim-capacity-plan-dir-test";
  std::filesystem::create_directories(dir / "history");
  std::ofstream(dir / "plan.yaml") << "consumers:\n  - {kind: space, count: {history: history}}\n";
  CapacityPlan plan;
  std::vector<Diagnostic> errors;
  CHECK_FALSE(loadCapacityPlan(dir / "plan.yaml", plan, errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() == (dir / "plan.yaml").string() + ":2:36: error: cannot read history file '" +
                               (dir / "history").string() + "': is a directory, expected a file");
  errors.clear();
  CHECK_FALSE(loadCapacityPlan(dir, plan, errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() == dir.string() + ": error: is a directory, expected a file");
  std::filesystem::remove_all(dir);
}

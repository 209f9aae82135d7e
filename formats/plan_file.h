// The growth-plan file format for IP-capacity projection (docs/capacity.md).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "topology/capacity_plan.h"
#include "topology/result.h"

namespace vpcsim::formats {

using topology::CapacityPlan;
using topology::Diagnostic;
using topology::Result;

/// Parses a plan from YAML text. `file` names the text in diagnostics
/// (`file:line:col: error: ...`, with "did you mean" for misspelt keys and
/// kinds); history CSV paths are relative to `base_dir`. Returns false and
/// appends to `errors` on bad input.
bool parseCapacityPlan(std::string_view text, const std::string& file, const std::filesystem::path& base_dir,
                       CapacityPlan& plan, std::vector<Diagnostic>& errors);

/// Reads a plan file (see parseCapacityPlan).
bool loadCapacityPlan(const std::filesystem::path& file, CapacityPlan& plan, std::vector<Diagnostic>& errors);

/// Parses a history CSV ("month,count" rows, optional header, '#' comments).
/// Errors carry `file:line`.
Result<std::vector<std::pair<double, double>>> parseHistoryCsv(std::string_view text, const std::string& file);

}  // namespace vpcsim::formats

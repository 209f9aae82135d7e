// Renders reachability answers as text or JSON.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/access_matrix.h"
#include "sim/query.h"

namespace vpcsim::reports {

/// Human-readable report: verdict, then per source the path or the blocking
/// explanations, then assumptions. Deterministic.
std::string reachText(const sim::ReachReport& report);

/// JSON per the interface contract: verdict, results[] (verdict, path[],
/// explanations[]), assumptions[]. Pretty-printed with 2 spaces, trailing newline.
std::string reachJson(const sim::ReachReport& report);
/// reachJson's document before it becomes text, for reports that hold reach answers.
nlohmann::ordered_json reachJsonValue(const sim::ReachReport& report);

/// `vpcsim access`: one line per principal, action and source with the
/// decision and its deciding statement, then the guarantee and assumptions.
std::string accessMatrixText(const sim::AccessMatrixReport& report);

/// The same as JSON: cells[] (source, principal, action, verdict, call),
/// guarantee {only, verdict, violations[]}, assumptions[].
std::string accessMatrixJson(const sim::AccessMatrixReport& report);

/// One escaped line per cell that breaks the guarantee: "PRINCIPAL ACTION from SOURCE: allowed".
std::vector<std::string> accessViolationLines(const sim::AccessMatrixReport& report);

}  // namespace vpcsim::reports

// Renders reachability answers as text or JSON.
#pragma once

#include <string>

#include "sim/query.h"

namespace vpcsim::reports {

/// Human-readable report: verdict, then per source the path or the blocking
/// explanations, then assumptions. Deterministic.
std::string reachText(const sim::ReachReport& report);

/// JSON per the interface contract: verdict, results[] (verdict, path[],
/// explanations[]), assumptions[]. Pretty-printed with 2 spaces, trailing newline.
std::string reachJson(const sim::ReachReport& report);

}  // namespace vpcsim::reports

// Renders internet-free verification results as text or JSON.
#pragma once

#include <string>

#include "sim/verify.h"

namespace vpcsim::reports {

/// "holds: ..." with the classes checked and the assumptions, or the
/// findings (one example packet and path each), or the undetermined
/// classes. Deterministic.
std::string verifyText(const sim::InternetFreeReport& report);

/// JSON: verdict ("holds", "violated", "undetermined"), sources, counts,
/// findings[] (source_subnet, exit_point, classes, round_trip, example,
/// path[]), undetermined[], assumptions[]. Pretty-printed, trailing newline.
std::string verifyJson(const sim::InternetFreeReport& report);

/// "holds", "violated" or "undetermined".
std::string verifyVerdictName(const sim::InternetFreeReport& report);

}  // namespace vpcsim::reports

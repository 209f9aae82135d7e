// One check's outcome in words, shared by every rendering of a scenario run
// (text, JSON, JUnit, SARIF, HTML). Each string is escaped with
// topology::escapeText; callers escape again for their own syntax.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenario/runner.h"

namespace vpcsim::reports {

/// A verdict as the check states it: reach words, or holds / violated /
/// undetermined for a guarantee.
std::string_view outcomeWord(const scenario::CheckOutcome& outcome, sim::Verdict verdict);

/// The question a check asks: "FROM -> TO (TRAFFIC)", its verify checks, its
/// presigned URL or its access guarantee.
std::string outcomeQuestion(const scenario::CheckOutcome& outcome);

/// Why the verdict is what it is, one line each.
std::vector<std::string> outcomeReasons(const scenario::CheckOutcome& outcome);

/// The assumptions of the answer, each once, in order.
std::vector<std::string> outcomeAssumptions(const scenario::CheckOutcome& outcome);

}  // namespace vpcsim::reports

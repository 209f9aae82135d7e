// Renders scenario runs (text table, JSON, JUnit XML) and variant diffs (text, JSON).
#pragma once

#include <string>

#include "scenario/runner.h"

namespace vpcsim::reports {

/// A table of checks (rows) by variants (columns), each cell the verdict and
/// `ok` or `FAIL`; then, per failed expectation, why the verdict is what it
/// is; then a one-line summary. Deterministic.
std::string scenarioText(const scenario::ScenarioRun& run);

/// `{scenario, file, passed, variants[], checks[{name, results[{variant,
/// verdict, expected, pass, reach}]}]}` where `reach` is the `vpcsim reach`
/// JSON of that check. Pretty-printed with 2 spaces, trailing newline.
std::string scenarioJson(const scenario::ScenarioRun& run);

/// JUnit XML: one testsuite per variant, one testcase per (variant, check),
/// a `failure` element when the expectation does not hold.
std::string scenarioJunit(const scenario::ScenarioRun& run);
/// SARIF 2.1.0 for CI code-scanning views: one rule per check (and one for
/// capacity), one result per (check, variant): `kind: pass` when the
/// expectation holds, else `fail` at level error; the verdict, the
/// expectation and why in the message; assumptions as notifications.
std::string scenarioSarif(const scenario::ScenarioRun& run);

/// Where two answers part, in words: "route 0.0.0.0/0 -> nat-1 (..) added to
/// rtb-1 (..)", "at sg-1 (..) (security-group): ... (was: ...)"; empty when
/// nothing was found.
std::string responsibleText(const scenario::Parting& parting);

/// A flow in words, as given (not escaped): "FROM [SG,SG] -> TO TRAFFIC".
std::string flowText(const scenario::FlowChange& change);

/// The component at the hop where two answers part (or where the path after stops).
std::string partingComponent(const scenario::Parting& parting);


/// Input changes, then each check and derived flow whose verdict changes,
/// with the responsible hop and where it is defined; "no change" otherwise.
std::string diffText(const scenario::ScenarioDiff& diff);

/// `{scenario, from, to, changed, input_changes[], checks[], flows[],
/// flows_compared}`; a verdict missing in a variant is `null`.
std::string diffJson(const scenario::ScenarioDiff& diff);

}  // namespace vpcsim::reports

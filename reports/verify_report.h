// Renders the checks of one `vpcsim verify` run as text, JSON, SARIF 2.1.0 or JUnit XML.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reports/sarif.h"
#include "sim/verify/verify.h"

namespace vpcsim::reports {

/// "holds", "violated" or "undetermined" for one check (kPartial counts as
/// undetermined).
std::string verifyVerdictName(const sim::VerifyReport& report);

/// Overall verdict: violated if any check is violated, else undetermined if
/// any is, else holds. kReachable = violated, kUndetermined, kUnreachable =
/// holds; an empty list holds.
sim::Verdict overallVerdict(const std::vector<sim::VerifyReport>& reports);

/// overallVerdict() as "holds", "violated" or "undetermined".
std::string overallVerdictName(const std::vector<sim::VerifyReport>& reports);

/// One block per check, in the order given, separated by a blank line: the
/// headline ("holds: ..." for internet-free, "scope NAME (ORIGIN): holds: ..."
/// for a scope), then each finding ("[finding] ..." with the example, "opened
/// by: OPENING at LOCATION" when known, and the hop path), then the
/// undetermined examples unless the check is violated. With more than one
/// check an "overall: VERDICT (...)" line follows. Last, the assumptions of
/// all checks, each once, in first-seen order. A single internet-free report
/// reads as before. Deterministic; empty for an empty list.
std::string verifyText(const std::vector<sim::VerifyReport>& reports);

/// JSON `{"verdict": overall, "checks": [...]}`, one object per check:
/// check, scope_origin, verdict, sources, classes_checked, source_classes,
/// header_classes, undetermined_classes, findings[] (rule, source_subnet,
/// exit_point, classes, round_trip, example {source, packet}, path[]
/// {component, type, rule, direction}, opening, location), undetermined[]
/// (source, path[], explanations[] {code, component, message}),
/// assumptions[]. Pretty-printed with 2 spaces, trailing newline.
std::string verifyJson(const std::vector<sim::VerifyReport>& reports);

/// SARIF 2.1.0 log with one run: tool.driver "vpcsim" with one rule per
/// check ("internet-free" or "scope/NAME"; a repeated id gets "#2", "#3"),
/// one result (level "error") per finding and, for an undetermined check,
/// one result (level "warning") per undetermined example. A finding's
/// location is where its opening is written: "FILE:LINE:COL" becomes an
/// artifact URI plus region, "FILE:/pointer" an artifact URI plus a logical
/// location whose fullyQualifiedName is the pointer; without one, a scope
/// finding points at the scope file (not for builtin scopes) and other
/// results have no location. URIs are the paths as given, percent-encoded
/// where a URI needs it, never made absolute. The hop path is a codeFlow;
/// partialFingerprints["vpcsimFinding/v1"] hashes (rule id, matched rule,
/// source group, exit) so the same finding keeps its identity across runs.
/// Deterministic (no time stamps), pretty-printed, trailing newline.
std::string verifySarif(const std::vector<sim::VerifyReport>& reports);

/// JUnit XML: `<testsuites name="vpcsim verify">` with one testsuite per
/// check; a testcase with a `<failure>` per finding group (message "SOURCE
/// -> EXIT", body the example and path), a passing "no finding" testcase when
/// the check holds, a testcase with an `<error>` per undetermined example (or
/// one "undetermined" testcase when there is none) when it is undetermined.
/// Text is XML-escaped. Deterministic, trailing newline.
std::string verifyJunit(const std::vector<sim::VerifyReport>& reports);

}  // namespace vpcsim::reports

// Short GitHub-flavoured Markdown for pull-request comments (`--output
// markdown` on run, verify and diff; docs/report.md): a summary line, then
// tables. Every input string is escaped for a table cell.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenario/runner.h"
#include "sim/verify/verify.h"

namespace vpcsim::reports {

/// The check x variant table, each cell the verdict with a mark (expectation
/// holds or fails), then the failed expectations with their reasons.
std::string scenarioMarkdown(const scenario::ScenarioRun& run);

/// One row per check (verdict, findings, classes), then every finding and
/// undetermined example: source, where it goes, classes, the opening rule.
std::string verifyMarkdown(const std::vector<sim::VerifyReport>& reports);

/// The input changes, then every check and derived flow whose verdict
/// changes, with the hop responsible.
std::string diffMarkdown(const scenario::ScenarioDiff& diff);

/// `text` as one Markdown table cell: printable (escapeText), the table's
/// `|` and backquotes escaped, and `<` as an entity so no input becomes
/// markup in the rendered comment (escapeText already wrote line breaks as
/// `\n`).
std::string markdownCell(std::string_view text);

}  // namespace vpcsim::reports

// Markdown for pull-request comments: GitHub-flavoured tables, short.
#include "reports/markdown_report.h"

#include <fmt/format.h>

#include "reports/scenario_outcome.h"
#include "reports/scenario_report.h"
#include "reports/verify_report.h"
#include "topology/safe_text.h"

namespace vpcsim::reports {

std::string markdownCell(std::string_view text) {
  std::string out;
  for (char c : topology::escapeText(text)) {
    switch (c) {
      case '|': out += "\\|"; break;
      case '<': out += "&lt;"; break;  // no input opens a tag in the rendered comment
      case '`': out += "\\`"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string verdictOrAbsent(const std::optional<sim::Verdict>& verdict) {
  return verdict ? std::string(sim::verdictName(*verdict)) : std::string("(absent)");
}

/// "| a | b |" and its "|---|---|" rule.
std::string header(const std::vector<std::string>& cells) {
  std::string line = "|";
  std::string rule = "|";
  // (append, not `" " + text`: GCC 12 warns falsely about the latter at -O3.)
  for (const auto& cell : cells) {
    line.append(" ").append(markdownCell(cell)).append(" |");
    rule.append("---|");
  }
  return line.append("\n").append(rule).append("\n");
}

std::string row(const std::vector<std::string>& cells) {
  std::string line = "|";
  for (const auto& cell : cells) line.append(" ").append(markdownCell(cell)).append(" |");
  return line.append("\n");
}

}  // namespace

std::string scenarioMarkdown(const scenario::ScenarioRun& run) {
  std::size_t failed = 0;
  for (const auto& outcome : run.outcomes) failed += outcome.pass ? 0 : 1;
  std::string out = fmt::format("### vpcsim run {}: {}\n\n", markdownCell(run.name),
                                failed == 0 ? "every expectation holds" : fmt::format("{} expectation(s) fail", failed));
  std::vector<std::string> columns{"check"};
  columns.insert(columns.end(), run.variants.begin(), run.variants.end());
  out += header(columns);
  for (const auto& check : run.checks) {
    std::vector<std::string> cells{check};
    for (const auto& variant : run.variants) {
      const scenario::CheckOutcome* outcome = run.find(check, variant);
      cells.push_back(outcome == nullptr ? "-"
                                         : fmt::format("{} {}", outcome->pass ? "ok" : "FAIL",
                                                       outcomeWord(*outcome, outcome->verdict)));
    }
    out += row(cells);
  }
  if (failed > 0) {
    out += "\n**Failed expectations**\n\n";
    for (const auto& outcome : run.outcomes) {
      if (outcome.pass) continue;
      out += fmt::format("- {} [{}]: {} (expected {})", markdownCell(outcome.check), markdownCell(outcome.variant),
                         outcomeWord(outcome, outcome.verdict), outcomeWord(outcome, outcome.expected));
      auto reasons = outcomeReasons(outcome);
      if (!reasons.empty()) out += ": " + markdownCell(reasons.front());
      out += "\n";
    }
  }
  return out;
}

std::string verifyMarkdown(const std::vector<sim::VerifyReport>& reports) {
  std::string out = fmt::format("### vpcsim verify: {}\n\n", overallVerdictName(reports));
  out += header({"check", "verdict", "findings", "undetermined", "classes checked"});
  for (const auto& report : reports) {
    out += row({report.scope_origin.empty() ? report.check : fmt::format("{} ({})", report.check, report.scope_origin),
                verifyVerdictName(report), std::to_string(report.findings.size()),
                std::to_string(report.undetermined.size()), std::to_string(report.classes_checked)});
  }
  bool any = false;
  for (const auto& report : reports) any = any || !report.findings.empty() || !report.undetermined.empty();
  if (!any) return out;
  out.append("\n").append(header({"check", "source", "to", "classes", "example", "opened by"}));
  for (const auto& report : reports) {
    for (const auto& finding : report.findings) {
      out += row({report.check, finding.source_subnet.empty() ? finding.source : finding.source_subnet,
                  finding.exit_point, std::to_string(finding.classes), finding.example_text,
                  finding.opening.empty() ? "-" : finding.opening});
    }
    for (const auto& result : report.undetermined) {
      const std::string why = result.explanations.empty()
                                  ? std::string("undetermined")
                                  : result.explanations.front().code + ": " + result.explanations.front().message;
      out += row({report.check, result.source, "undetermined", "-", why, "-"});
    }
  }
  return out;
}

std::string diffMarkdown(const scenario::ScenarioDiff& diff) {
  std::string out = fmt::format("### vpcsim diff {}: {} -> {}\n\n", markdownCell(diff.scenario),
                                markdownCell(diff.from), markdownCell(diff.to));
  if (!diff.input_changes.empty()) {
    out += "**Input changes**\n\n";
    for (const auto& change : diff.input_changes) out += "- " + markdownCell(change) + "\n";
    out += "\n";
  }
  if (diff.checks.empty() && diff.flows.empty()) {
    out += fmt::format("No check and none of the {} flows compared changes its verdict.\n", diff.flows_compared);
    return out;
  }
  out += fmt::format("{} check(s) and {} of {} flows change their verdict.\n\n", diff.checks.size(), diff.flows.size(),
                     diff.flows_compared);
  out += header({"check or flow", "before", "after", "responsible", "defined at"});
  for (const auto* changes : {&diff.checks, &diff.flows}) {
    for (const auto& change : *changes) {
      std::string flow = flowText(change);
      if (!change.check.empty()) flow = change.check + ": " + flow;
      std::string responsible = responsibleText(change.parting);
      out += row({flow, verdictOrAbsent(change.before), verdictOrAbsent(change.after),
                  responsible.empty() ? "-" : responsible, change.origin.empty() ? "-" : change.origin});
    }
  }
  return out;
}

}  // namespace vpcsim::reports

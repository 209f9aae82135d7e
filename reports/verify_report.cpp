// Renders internet-free verification results as text or JSON.
#include "reports/verify_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace vpcsim::reports {

namespace {

std::string pathText(const std::vector<sim::Hop>& path) {
  std::string out;
  std::string direction;
  for (const auto& hop : path) {
    if (hop.direction != direction) {
      direction = hop.direction;
      out += fmt::format("    {}:\n", direction == "return" ? "return path" : "path");
    }
    out += fmt::format("      {:<28} {}  {}\n", hop.type, hop.component, hop.rule);
  }
  return out;
}

nlohmann::ordered_json pathJson(const std::vector<sim::Hop>& path) {
  nlohmann::ordered_json hops = nlohmann::ordered_json::array();
  for (const auto& hop : path) {
    hops.push_back({{"component", hop.component}, {"type", hop.type}, {"rule", hop.rule}, {"direction", hop.direction}});
  }
  return hops;
}

}  // namespace

std::string verifyVerdictName(const sim::InternetFreeReport& report) {
  switch (report.verdict) {
    case sim::Verdict::kUnreachable: return "holds";
    case sim::Verdict::kReachable: return "violated";
    case sim::Verdict::kUndetermined:
    case sim::Verdict::kPartial: break;
  }
  return "undetermined";
}

std::string verifyText(const sim::InternetFreeReport& report) {
  std::string sources = fmt::format("{}", fmt::join(report.sources, " "));
  std::string counts = fmt::format("{} classes checked: {} source classes x {} header classes", report.classes_checked,
                                   report.source_classes, report.header_classes);
  std::string out;
  if (report.verdict == sim::Verdict::kUnreachable) {
    out = fmt::format("holds: no packet from any interface (existing or placed later with any of the VPC's security "
                      "groups) in {} reaches the internet ({})\n",
                      sources, counts);
  } else if (report.verdict == sim::Verdict::kReachable) {
    out = fmt::format("violated: {} reaches the internet: {} finding{} ({})\n", sources, report.findings.size(),
                      report.findings.size() == 1 ? "" : "s", counts);
  } else {
    out = fmt::format("undetermined: no finding, but {} classes could not be decided ({})\n",
                      report.undetermined_classes, counts);
  }
  for (const auto& finding : report.findings) {
    out += fmt::format("\n[finding] {} -> internet via {} ({} classes{})\n",
                       finding.source_subnet.empty() ? finding.source : finding.source_subnet, finding.exit_point,
                       finding.classes, finding.round_trip ? "" : ", reply blocked in the example");
    out += fmt::format("  example: {} from {}\n", finding.example_text, finding.source);
    out += pathText(finding.path);
  }
  if (report.verdict != sim::Verdict::kReachable) {
    for (const auto& result : report.undetermined) {
      out += fmt::format("\n[undetermined] {}\n", result.source);
      out += pathText(result.path);
      for (const auto& explanation : result.explanations) {
        out += fmt::format("    {} at {}: {}\n", explanation.code, explanation.component, explanation.message);
      }
    }
  }
  if (!report.assumptions.empty()) {
    out += "\nassumptions:\n";
    for (const auto& assumption : report.assumptions) out += "  - " + assumption + "\n";
  }
  return out;
}

std::string verifyJson(const sim::InternetFreeReport& report) {
  nlohmann::ordered_json root;
  root["check"] = "internet-free";
  root["verdict"] = verifyVerdictName(report);
  root["sources"] = report.sources;
  root["classes_checked"] = report.classes_checked;
  root["source_classes"] = report.source_classes;
  root["header_classes"] = report.header_classes;
  root["undetermined_classes"] = report.undetermined_classes;
  root["findings"] = nlohmann::ordered_json::array();
  for (const auto& finding : report.findings) {
    nlohmann::ordered_json item;
    item["source_subnet"] = finding.source_subnet;
    item["exit_point"] = finding.exit_point;
    item["classes"] = finding.classes;
    item["round_trip"] = finding.round_trip;
    item["example"] = {{"source", finding.source}, {"packet", finding.example_text}};
    item["path"] = pathJson(finding.path);
    root["findings"].push_back(std::move(item));
  }
  root["undetermined"] = nlohmann::ordered_json::array();
  for (const auto& result : report.undetermined) {
    nlohmann::ordered_json item;
    item["source"] = result.source;
    item["path"] = pathJson(result.path);
    item["explanations"] = nlohmann::ordered_json::array();
    for (const auto& explanation : result.explanations) {
      item["explanations"].push_back(
          {{"code", explanation.code}, {"component", explanation.component}, {"message", explanation.message}});
    }
    root["undetermined"].push_back(std::move(item));
  }
  root["assumptions"] = report.assumptions;
  return root.dump(2) + "\n";
}

}  // namespace vpcsim::reports

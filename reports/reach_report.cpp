// Renders reachability answers as text or JSON.
#include "reports/reach_report.h"

#include <nlohmann/json.hpp>
#include <fmt/format.h>

namespace vpcsim::reports {

std::string reachText(const sim::ReachReport& report) {
  std::string out = fmt::format("{}: {} -> {} ({})\n", sim::verdictName(report.verdict), report.from, report.to,
                                report.traffic);
  for (const auto& result : report.results) {
    out += fmt::format("\n[{}] {}\n", sim::verdictName(result.verdict), result.source);
    std::string direction;
    for (const auto& hop : result.path) {
      if (hop.direction != direction) {
        direction = hop.direction;
        out += fmt::format("  {}:\n", direction == "return" ? "return path" : "path");
      }
      out += fmt::format("    {:<28} {}  {}\n", hop.type, hop.component, hop.rule);
    }
    for (const auto& explanation : result.explanations) {
      out += fmt::format("  blocked: {} at {}: {}\n", explanation.code, explanation.component, explanation.message);
    }
  }
  if (!report.assumptions.empty()) {
    out += "\nassumptions:\n";
    for (const auto& assumption : report.assumptions) out += "  - " + assumption + "\n";
  }
  return out;
}

std::string reachJson(const sim::ReachReport& report) {
  nlohmann::ordered_json root;
  root["verdict"] = sim::verdictName(report.verdict);
  root["from"] = report.from;
  root["to"] = report.to;
  root["traffic"] = report.traffic;
  root["results"] = nlohmann::ordered_json::array();
  for (const auto& result : report.results) {
    nlohmann::ordered_json item;
    item["source"] = result.source;
    item["verdict"] = sim::verdictName(result.verdict);
    item["path"] = nlohmann::ordered_json::array();
    for (const auto& hop : result.path) {
      item["path"].push_back({{"component", hop.component}, {"type", hop.type}, {"rule", hop.rule},
                              {"direction", hop.direction}});
    }
    item["explanations"] = nlohmann::ordered_json::array();
    for (const auto& explanation : result.explanations) {
      item["explanations"].push_back(
          {{"code", explanation.code}, {"component", explanation.component}, {"message", explanation.message}});
    }
    item["assumptions"] = result.assumptions;
    root["results"].push_back(std::move(item));
  }
  root["assumptions"] = report.assumptions;
  return root.dump(2) + "\n";
}

}  // namespace vpcsim::reports

// Renders reachability answers as text or JSON.
#include "reports/reach_report.h"

#include <nlohmann/json.hpp>
#include <fmt/format.h>

#include "reports/path_render.h"

namespace vpcsim::reports {

std::string reachText(const sim::ReachReport& report) {
  std::string out = fmt::format("{}: {} -> {} ({})\n", sim::verdictName(report.verdict), report.from, report.to,
                                report.traffic);
  for (const auto& result : report.results) {
    out += fmt::format("\n[{}] {}\n", sim::verdictName(result.verdict), result.source);
    out += pathText(result.path, 2);
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
    item["path"] = pathJson(result.path);
    item["explanations"] = explanationsJson(result.explanations);
    item["assumptions"] = result.assumptions;
    root["results"].push_back(std::move(item));
  }
  root["assumptions"] = report.assumptions;
  return root.dump(2) + "\n";
}

}  // namespace vpcsim::reports

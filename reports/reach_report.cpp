// Renders reachability answers as text or JSON.
#include "reports/reach_report.h"

#include <nlohmann/json.hpp>
#include <fmt/format.h>

#include "reports/path_render.h"
#include "reports/json_document.h"
#include "topology/safe_text.h"

namespace vpcsim::reports {

using topology::escapeText;

std::string reachText(const sim::ReachReport& report) {
  std::string out = fmt::format("{}: {} -> {} ({})\n", sim::verdictName(report.verdict), escapeText(report.from),
                                escapeText(report.to), escapeText(report.traffic));
  for (const auto& result : report.results) {
    out += fmt::format("\n[{}] {}\n", sim::verdictName(result.verdict), escapeText(result.source));
    out += pathText(result.path, 2);
    for (const auto& explanation : result.explanations) {
      out += "  blocked: " + escapeText(explanationText(explanation)) + "\n";
    }
  }
  if (!report.assumptions.empty()) {
    out += '\n';
    out += assumptionsText(report.assumptions);
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
  return jsonDocument(root);
}

}  // namespace vpcsim::reports

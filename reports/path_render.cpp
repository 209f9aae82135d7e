// Hop-by-hop paths as text and JSON.
#include "reports/path_render.h"

#include <fmt/format.h>

namespace vpcsim::reports {

std::string pathText(const std::vector<sim::Hop>& path, int indent) {
  const std::string heading(static_cast<size_t>(indent), ' ');
  const std::string line = heading + "  ";
  std::string out;
  std::string direction;
  for (const auto& hop : path) {
    if (hop.direction != direction) {
      direction = hop.direction;
      out += fmt::format("{}{}:\n", heading, direction == "return" ? "return path" : "path");
    }
    out += fmt::format("{}{:<28} {}  {}\n", line, hop.type, hop.component, hop.rule);
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

nlohmann::ordered_json explanationsJson(const std::vector<sim::Explanation>& explanations) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& explanation : explanations) {
    out.push_back({{"code", explanation.code}, {"component", explanation.component}, {"message", explanation.message}});
  }
  return out;
}

}  // namespace vpcsim::reports

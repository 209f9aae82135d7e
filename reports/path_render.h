// Hop-by-hop paths as text and JSON, shared by the reach and verify renderers.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/tracer.h"

namespace vpcsim::reports {

/// "path:" / "return path:" headings, then one line per hop (type, component,
/// rule); headings indented by `indent` spaces, hops by `indent + 2`.
std::string pathText(const std::vector<sim::Hop>& path, int indent);

/// [{component, type, rule, direction}, ...]
nlohmann::ordered_json pathJson(const std::vector<sim::Hop>& path);

/// [{code, component, message}, ...]
nlohmann::ordered_json explanationsJson(const std::vector<sim::Explanation>& explanations);

}  // namespace vpcsim::reports

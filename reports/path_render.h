// Hop-by-hop paths as text and JSON, shared by the reach, verify and scenario renderers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/tracer.h"

namespace vpcsim::reports {

/// The component type of a hop as reports name it ("route-table", "security-group", ...).
std::string_view hopTypeName(sim::HopKind kind);

/// "forward" or "return".
std::string_view directionName(sim::Direction direction);

/// What let the packet through at a hop, in words: the route, ACL entry or
/// SG rule, the translation, the packet sent or delivered, where it went next.
std::string hopRule(const sim::Hop& hop);

/// "CODE at COMPONENT: MESSAGE", unescaped (text renderers pass it through
/// topology::escapeText()).
std::string explanationText(const sim::Explanation& explanation);

/// "assumptions:" and one "  - ASSUMPTION" line each, escaped
/// (topology::escapeText()); "" for none.
std::string assumptionsText(const std::vector<std::string>& assumptions);

/// "path:" / "return path:" headings, then one line per hop (type, component,
/// rule); headings indented by `indent` spaces, hops by `indent + 2`.
/// Component and rule are escaped (topology::escapeText()).
std::string pathText(const std::vector<sim::Hop>& path, int indent);

/// [{component, type, rule, direction}, ...]
nlohmann::ordered_json pathJson(const std::vector<sim::Hop>& path);

/// [{code, component, message}, ...]
nlohmann::ordered_json explanationsJson(const std::vector<sim::Explanation>& explanations);

}  // namespace vpcsim::reports

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

/// One leg's heading, unescaped: "target i-1 at 10.0.1.5:80 of GROUP
/// (healthy, sees the client's address): reachable".
std::string legHeading(const sim::TargetLeg& leg);

/// The legs of a flow through a load balancer to its targets (one heading
/// line per target: verdict, target, group, health and how the target sees
/// the client; then its path and what blocked it), indented by `indent`.
std::string legsText(const std::vector<sim::TargetLeg>& legs, int indent);

/// [{load_balancer, target_group, target, address, port, health, routed,
///   fail_open, in_zone, client_ip_preserved, client_ip_setting_known,
///   verdict, path, explanations}, ...]
nlohmann::ordered_json legsJson(const std::vector<sim::TargetLeg>& legs);

/// [{code, component, message}, ...]
nlohmann::ordered_json explanationsJson(const std::vector<sim::Explanation>& explanations);

}  // namespace vpcsim::reports

// Hop-by-hop paths as text and JSON.
#include "reports/path_render.h"

#include <fmt/format.h>

#include "sim/rules.h"
#include "topology/safe_text.h"

namespace vpcsim::reports {

using sim::Hop;
using sim::HopAction;
using sim::HopKind;

std::string_view hopTypeName(HopKind kind) {
  switch (kind) {
    case HopKind::kNetworkInterface: return "network-interface";
    case HopKind::kNatGateway: return "nat-gateway";
    case HopKind::kSecurityGroup: return "security-group";
    case HopKind::kNetworkAcl: return "network-acl";
    case HopKind::kRouteTable: return "route-table";
    case HopKind::kInternetGateway: return "internet-gateway";
    case HopKind::kEgressOnlyInternetGateway: return "egress-only-internet-gateway";
    case HopKind::kInternet: return "internet";
    case HopKind::kVpcEndpoint: return "vpc-endpoint";
    case HopKind::kPeeringConnection: return "vpc-peering-connection";
    case HopKind::kTransitGatewayAttachment: return "transit-gateway-attachment";
    case HopKind::kTransitGatewayRouteTable: return "transit-gateway-route-table";
    case HopKind::kAwsService: return "aws-service";
    case HopKind::kPlatformNetwork: return "platform-network";
    case HopKind::kHostService: return "host-service";
  }
  return "unknown";
}

std::string_view directionName(sim::Direction direction) {
  return direction == sim::Direction::kReturn ? "return" : "forward";
}

namespace {

std::string routeText(const Hop& hop) {
  if (hop.route == nullptr) {
    return fmt::format("route {} -> local", hop.local_block6 ? hop.local_block6->str() : hop.local_block.str());
  }
  const topology::Route& route = *hop.route;
  return fmt::format("route {} -> {}{}", topology::destinationText(route), route.target_id,
                     route.blackhole ? " (blackhole)" : "");
}

}  // namespace

std::string hopRule(const Hop& hop) {
  switch (hop.action) {
    case HopAction::kSend: return sim::describePacket(hop.packet);
    case HopAction::kDeliver: return "delivered " + sim::describePacket(hop.packet);
    case HopAction::kAllow:
      if (hop.sg_rule != nullptr) return sim::describeSgRule(*hop.sg_rule, hop.egress);
      if (hop.acl_entry != nullptr) return sim::describeAclEntry(*hop.acl_entry);
      return fmt::format("{} rule *: deny all", hop.egress ? "outbound" : "inbound");
    case HopAction::kRoute:
      if (hop.tgw_route) {
        const sim::TgwRouteUsed& route = *hop.tgw_route;
        return fmt::format("{} route {} -> {}", route.is_static ? "static" : "propagated", route.destination.str(),
                           route.blackhole ? "blackhole" : route.attachment);
      }
      return routeText(hop);
    case HopAction::kTranslateSource:
      return fmt::format("translate source {} -> {}{}", hop.from.str(), hop.to.str(),
                         hop.private_nat ? " (private NAT gateway)" : "");
    case HopAction::kTranslateDestination:
      return fmt::format("translate destination {} -> {}", hop.from.str(), hop.to.str());
    case HopAction::kPass: return "IPv6, not translated";
    case HopAction::kToService: return "gateway endpoint to " + hop.next;
    case HopAction::kToPeerVpc: return "to " + hop.next;
    case HopAction::kIntoTransitGateway: return "into " + hop.next;
    case HopAction::kToPeerTransitGateway: return "peering to " + hop.next;
    case HopAction::kOutToVpc: return "out to " + hop.next;
    case HopAction::kInternetAccess: return "internet access";
  }
  return "";
}

std::string explanationText(const sim::Explanation& explanation) {
  return fmt::format("{} at {}: {}", explanation.code, explanation.component, explanation.message);
}

std::string assumptionsText(const std::vector<std::string>& assumptions) {
  if (assumptions.empty()) return "";
  std::string out = "assumptions:\n";
  for (const auto& assumption : assumptions) out += "  - " + topology::escapeText(assumption) + "\n";
  return out;
}

std::string pathText(const std::vector<Hop>& path, int indent) {
  const std::string heading(static_cast<size_t>(indent), ' ');
  const std::string line = heading + "  ";
  std::string out;
  bool started = false;
  sim::Direction direction = sim::Direction::kForward;
  for (const auto& hop : path) {
    if (!started || hop.direction != direction) {
      started = true;
      direction = hop.direction;
      out += fmt::format("{}{}:\n", heading, direction == sim::Direction::kReturn ? "return path" : "path");
    }
    out += fmt::format("{}{:<28} {}  {}\n", line, hopTypeName(hop.kind), topology::escapeText(sim::componentName(hop)),
                       topology::escapeText(hopRule(hop)));
  }
  return out;
}

nlohmann::ordered_json pathJson(const std::vector<Hop>& path) {
  nlohmann::ordered_json hops = nlohmann::ordered_json::array();
  for (const auto& hop : path) {
    hops.push_back({{"component", sim::componentName(hop)},
                    {"type", hopTypeName(hop.kind)},
                    {"rule", hopRule(hop)},
                    {"direction", directionName(hop.direction)}});
  }
  return hops;
}

namespace {

std::string legHealth(const sim::TargetLeg& leg) {
  std::string health = leg.target->health.empty() ? std::string("health not in the input") : leg.target->health;
  if (leg.fail_open) health += ", routed because every target of its group is unhealthy (fail open)";
  return health;
}

std::string legAddress(const sim::TargetLeg& leg) {
  if (!leg.address) return leg.target->id;
  return leg.address->isV6() ? fmt::format("[{}]:{}", leg.address->str(), leg.port)
                             : fmt::format("{}:{}", leg.address->str(), leg.port);
}

}  // namespace

std::string legHeading(const sim::TargetLeg& leg) {
  // "10.0.1.5:80", or "i-0abc at 10.0.1.5:80" for an instance target.
  std::string target = legAddress(leg);
  if (leg.address && leg.address->str() != leg.target->id) target = leg.target->id + " at " + target;
  return fmt::format("target {} of {} ({}{}{}): {}", target, topology::displayName(leg.group->meta), legHealth(leg),
                     leg.in_zone ? "" : ", another Availability Zone",
                     leg.address ? (leg.client_ip_preserved ? ", sees the client's address"
                                                            : ", sees the load balancer's address")
                                 : "",
                     sim::verdictName(leg.verdict));
}

std::string legsText(const std::vector<sim::TargetLeg>& legs, int indent) {
  const std::string heading(static_cast<size_t>(indent), ' ');
  std::string out;
  for (const auto& leg : legs) {
    out += heading + topology::escapeText(legHeading(leg)) + "\n";
    if (leg.client_ip_setting_unknown) {
      out += fmt::format("{}  (client IP preservation is not in the input: traced {})\n", heading,
                         leg.client_ip_preserved ? "on" : "off");
    }
    out += pathText(leg.path, indent + 2);
    for (const auto& explanation : leg.explanations) {
      out += heading + "  blocked: " + topology::escapeText(explanationText(explanation)) + "\n";
    }
  }
  return out;
}

nlohmann::ordered_json legsJson(const std::vector<sim::TargetLeg>& legs) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& leg : legs) {
    nlohmann::ordered_json item;
    item["load_balancer"] = topology::displayName(leg.load_balancer->meta);
    item["target_group"] = topology::displayName(leg.group->meta);
    item["target"] = leg.target->id;
    item["address"] = leg.address ? nlohmann::ordered_json(leg.address->str()) : nlohmann::ordered_json();
    item["port"] = leg.port;
    item["health"] = leg.target->health;
    item["routed"] = leg.routed;
    item["fail_open"] = leg.fail_open;
    item["in_zone"] = leg.in_zone;
    item["client_ip_preserved"] = leg.client_ip_preserved;
    item["client_ip_setting_known"] = !leg.client_ip_setting_unknown;
    item["verdict"] = sim::verdictName(leg.verdict);
    item["path"] = pathJson(leg.path);
    item["explanations"] = explanationsJson(leg.explanations);
    out.push_back(std::move(item));
  }
  return out;
}

nlohmann::ordered_json explanationsJson(const std::vector<sim::Explanation>& explanations) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& explanation : explanations) {
    out.push_back({{"code", explanation.code}, {"component", explanation.component}, {"message", explanation.message}});
  }
  return out;
}

}  // namespace vpcsim::reports

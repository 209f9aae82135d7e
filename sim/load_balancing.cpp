// Where a load balancer node sends a flow: target groups, health, cross-zone
// load balancing and client IP preservation (docs/semantics.md, "Load balancers").
#include "sim/load_balancing.h"

#include <algorithm>

namespace vpcsim::sim {

using namespace topology;

std::optional<std::string> attributeValue(const std::vector<std::pair<std::string, std::string>>& attributes,
                                          std::string_view key) {
  for (const auto& [name, value] : attributes) {
    if (name == key) return value;
  }
  return std::nullopt;
}

std::vector<std::string> listenerTargetGroups(const LbListener& listener) {
  std::vector<std::string> out;
  for (const auto* list : {&listener.target_group_arns, &listener.rule_target_group_arns}) {
    for (const auto& arn : *list) {
      if (std::find(out.begin(), out.end(), arn) == out.end()) out.push_back(arn);
    }
  }
  return out;
}

namespace {

constexpr std::string_view kCrossZone = "load_balancing.cross_zone.enabled";

Setting fromText(const std::string& text) { return text == "true" ? Setting::kOn : Setting::kOff; }

/// The load balancer's own cross-zone setting. Elastic Load Balancing User
/// Guide, "Cross-zone load balancing": always on at the load balancer level
/// for Application Load Balancers; off by default for Network and Gateway
/// Load Balancers (attribute load_balancing.cross_zone.enabled).
Setting loadBalancerCrossZone(const LoadBalancer& lb) {
  if (lb.type == LoadBalancerType::kApplication) return Setting::kOn;
  if (!lb.attributes_known) return Setting::kUnknown;
  std::optional<std::string> value = attributeValue(lb.attributes, kCrossZone);
  return value ? fromText(*value) : Setting::kOff;
}

/// A target group's cross-zone setting: its own attribute (true, false, or
/// use_load_balancer_configuration, the default) over the load balancer's
/// (Network Load Balancer Guide, "Edit target group attributes", Cross-zone
/// load balancing; Application Load Balancer Guide, same heading). A
/// snapshot without the group's attributes cannot tell whether it overrides.
Setting groupCrossZone(const TargetGroup& group, const LoadBalancer& lb) {
  if (!group.attributes_known) {
    // An Application Load Balancer's groups may turn it off; a Network Load
    // Balancer's may turn it on: either way the input cannot tell.
    return Setting::kUnknown;
  }
  std::optional<std::string> value = attributeValue(group.attributes, kCrossZone);
  if (value && (*value == "true" || *value == "false")) return fromText(*value);
  return loadBalancerCrossZone(lb);
}

/// Client IP preservation for a group's targets. Application Load Balancers
/// are proxies: targets see the load balancer node's address (Application
/// Load Balancer Guide, "HTTP headers and Application Load Balancers": the
/// client's address travels in X-Forwarded-For). Network Load Balancer Guide,
/// "Edit target group attributes", Client IP preservation: on, and fixed, for
/// UDP, TCP_UDP, QUIC and TCP_QUIC groups; for TCP and TLS groups attribute
/// preserve_client_ip.enabled, on by default for instance targets and off by
/// default for IP targets.
Setting clientIpPreservation(const TargetGroup& group, const LoadBalancer& lb) {
  if (lb.type != LoadBalancerType::kNetwork) return Setting::kOff;
  const std::string& protocol = group.protocol;
  if (protocol == "UDP" || protocol == "TCP_UDP" || protocol == "QUIC" || protocol == "TCP_QUIC") return Setting::kOn;
  if (!group.attributes_known) return Setting::kUnknown;
  if (std::optional<std::string> value = attributeValue(group.attributes, "preserve_client_ip.enabled")) {
    return fromText(*value);
  }
  return group.target_type == "instance" ? Setting::kOn : Setting::kOff;
}

/// Elastic Load Balancing routes new flows to healthy targets, to targets
/// whose health is not checked ("unavailable"), and here to targets whose
/// health the input does not give; not to targets that are registering
/// ("initial"), draining, unused or unhealthy (elbv2 API Reference,
/// TargetHealth).
bool routedByHealth(const LbTarget& target) {
  return target.health.empty() || target.health == "healthy" || target.health == "unavailable";
}

/// Fail open: when every target of a group is unhealthy, Network Load
/// Balancers ("Health checks for Network Load Balancer target groups") and
/// Application Load Balancers ("Health checks for Application Load Balancer
/// target groups") route to all of them regardless of health.
bool failsOpenTo(const LbTarget& target) {
  return target.health == "unhealthy" || target.health == "initial";
}

void resolveAddress(const Topology& topology, const TargetGroup& group, TargetChoice& choice) {
  const LbTarget& target = *choice.target;
  if (group.target_type == "ip") {
    auto parsed = IpAddress::parse(target.id);
    if (!parsed) {
      choice.problem = "its ID '" + target.id + "' is not an IP address";
      return;
    }
    choice.address = parsed.value();
    return;
  }
  if (group.target_type == "instance") {
    // Network Load Balancer Guide, "Target type": a target registered by
    // instance ID gets the traffic at the primary private IP address of the
    // instance's primary network interface.
    const Instance* instance = topology.findInstance(target.id);
    const Eni* eni = instance != nullptr && !instance->eni_ids.empty() ? topology.findEni(instance->eni_ids.front())
                                                                        : nullptr;
    if (eni == nullptr || eni->private_ips.empty()) {
      choice.problem = "instance " + target.id + " or its primary network interface is not in the input";
      return;
    }
    choice.eni = eni;
    choice.address = IpAddress(eni->private_ips.front());
    return;
  }
  if (group.target_type == "alb") {
    choice.problem = "it is an Application Load Balancer, whose own listeners and targets are not followed";
  } else if (group.target_type == "lambda") {
    choice.problem = "it is a Lambda function, which the load balancer invokes outside the VPC's network";
  } else {
    choice.problem = "its target type '" + group.target_type + "' is not known";
  }
}

}  // namespace

TargetPlan planTargets(const Topology& topology, const LoadBalancer& lb, const std::vector<std::string>& group_arns,
                       const std::string& node_zone) {
  TargetPlan plan;
  for (const auto& arn : group_arns) {
    const TargetGroup* group = topology.findTargetGroupByArn(arn);
    if (group == nullptr) {
      plan.missing_groups.push_back(arn);
      continue;
    }
    if (!group->targets_known) {
      plan.groups_without_targets.push_back(group);
      continue;
    }
    const bool any_routed = std::any_of(group->targets.begin(), group->targets.end(), routedByHealth);
    const Setting cross_zone = groupCrossZone(*group, lb);
    const Setting client_ip = clientIpPreservation(*group, lb);
    for (const auto& target : group->targets) {
      TargetChoice choice;
      choice.group = group;
      choice.target = &target;
      choice.port = target.port != 0 ? target.port : group->port;
      choice.cross_zone = cross_zone;
      choice.client_ip = client_ip;
      choice.routed = any_routed ? routedByHealth(target) : failsOpenTo(target);
      choice.fail_open = !any_routed && choice.routed;
      resolveAddress(topology, *group, choice);
      std::string zone = target.zone;
      if (zone.empty() && choice.eni != nullptr) zone = choice.eni->availability_zone;
      // "all": an IP target outside the VPC, which every node may use.
      choice.in_zone = zone.empty() || zone == "all" || zone == node_zone;
      plan.targets.push_back(std::move(choice));
    }
  }
  return plan;
}

}  // namespace vpcsim::sim

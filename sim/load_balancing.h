// Which targets a load balancer node may forward a flow to, and how: the
// target groups, health, cross-zone and client IP preservation settings of
// Elastic Load Balancing, as the input gives them (docs/semantics.md, "Load
// balancers"). The tracer follows the flow to each target this plans.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "topology/ip.h"
#include "topology/model.h"

namespace vpcsim::sim {

/// A yes/no setting as the input gives it; kUnknown when the input cannot
/// tell (the snapshot lacks the attributes and the setting can be changed).
enum class Setting : uint8_t { kOff, kOn, kUnknown };

/// One registered target a load balancer node may forward the flow to.
struct TargetChoice {
  const topology::TargetGroup* group = nullptr;
  const topology::LbTarget* target = nullptr;
  /// An instance target's primary interface (nullptr for other targets:
  /// the tracer finds the interface holding an IP target's address).
  const topology::Eni* eni = nullptr;
  /// Where the load balancer sends the flow; nullopt when it cannot be told
  /// (`problem` says why).
  std::optional<topology::IpAddress> address;
  int port = 0;  ///< the target's port, else the group's
  /// The target is in the node's Availability Zone (or in "all", an IP
  /// target outside the VPC): the node forwards to it with cross-zone load
  /// balancing on and off.
  bool in_zone = true;
  /// The load balancer routes new flows to it: it is healthy, its health is
  /// not checked or not in the input, or every target of the group is
  /// unhealthy and the load balancer fails open.
  bool routed = true;
  bool fail_open = false;  ///< routed only because no target of its group is healthy
  Setting cross_zone = Setting::kOn;        ///< the group's cross-zone setting
  Setting client_ip = Setting::kOff;        ///< client IP preservation for this target
  std::string problem;  ///< why the flow to this target cannot be followed; empty when it can
};

/// What a load balancer node does with a flow its listener takes.
struct TargetPlan {
  std::vector<TargetChoice> targets;  ///< every registered target of the groups, routed or not
  /// Target groups whose registered targets the input lacks (no describe-target-health).
  std::vector<const topology::TargetGroup*> groups_without_targets;
  /// ARNs the listener forwards to that name no target group of the input.
  std::vector<std::string> missing_groups;
};

/// The value of attribute `key` in `attributes`, if set.
std::optional<std::string> attributeValue(const std::vector<std::pair<std::string, std::string>>& attributes,
                                          std::string_view key);

/// Plans where the node of `lb` in Availability Zone `node_zone` sends a flow
/// of `protocol` (6 tcp, 17 udp) that a listener forwarding to `group_arns`
/// takes.
TargetPlan planTargets(const topology::Topology& topology, const topology::LoadBalancer& lb,
                       const std::vector<std::string>& group_arns, const std::string& node_zone);

/// The target groups a listener forwards to: its default action's, then
/// those its rules reach (Application Load Balancers), each once.
std::vector<std::string> listenerTargetGroups(const topology::LbListener& listener);

}  // namespace vpcsim::sim

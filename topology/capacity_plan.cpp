// Names of the growth plan's kinds and policies (topology/capacity_plan.h).
#include "topology/capacity_plan.h"

#include <array>

namespace vpcsim::topology {
namespace {

constexpr std::array<std::string_view, 14> kKindNames = {
    "jupyter_server", "kernel_gateway", "space", "efs_mount_target", "interface_endpoint",
    "gateway_endpoint", "nat_gateway", "notebook_instance", "lambda", "alb",
    "nlb", "ecs_task", "endpoint_instance", "custom"};

}  // namespace

std::string_view consumerKindName(ConsumerKind kind) { return kKindNames[static_cast<std::size_t>(kind)]; }

const std::vector<std::string_view>& consumerKindNames() {
  static const std::vector<std::string_view> names(kKindNames.begin(), kKindNames.end());
  return names;
}

std::string_view placementPolicyName(PlacementPolicy policy) {
  switch (policy) {
    case PlacementPolicy::kRandom: return "random";
    case PlacementPolicy::kRoundRobin: return "round_robin";
    case PlacementPolicy::kMostFree: return "most_free";
    case PlacementPolicy::kFirstFit: return "first_fit";
  }
  return "random";
}

}  // namespace vpcsim::topology

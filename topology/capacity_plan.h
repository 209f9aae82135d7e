// The growth plan of an IP-capacity projection: the model (formats/plan_file.h reads it; docs/capacity.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "topology/result.h"

namespace vpcsim::topology {

/// How a demand value changes over the months of the horizon (month 0 = now).
enum class SeriesKind { kConstant, kLinear, kCompound, kSteps, kFitted };

/// What a fitted series fits to its history: a straight line, or a straight
/// line through log(count) (compound growth).
enum class FitModel { kLinear, kCompound };

/// One demand figure over time. Evaluate with capacity::seriesAt (fitted series are
/// fitted there, by least squares with Eigen).
struct Series {
  SeriesKind kind = SeriesKind::kConstant;
  double start = 0;          ///< value at month 0 (constant, linear, compound)
  double per_month = 0;      ///< linear: added each month
  double monthly_growth = 0; ///< compound: fraction added each month (0.05 = 5 %)
  double yearly_growth = 0;  ///< compound: fraction added each year, spread evenly over its months;
                             ///< with monthly_growth both apply: start (1+mg)^m (1+yg)^(m/12)
  std::vector<std::pair<int, double>> steps;  ///< steps: (first month, value), sorted
  FitModel fit = FitModel::kLinear;           ///< fitted: model
  std::vector<std::pair<double, double>> history;  ///< fitted: (month, count); the last month is month 0

  static Series constant(double value) {
    Series s;
    s.start = value;
    return s;
  }
};

/// The kinds of address consumer ip-capacity.md lists, plus user-defined ones.
enum class ConsumerKind {
  kJupyterServer,      ///< Studio Classic JupyterServer: 1 per user profile
  kKernelGateway,      ///< Studio Classic KernelGateway: 1 per unique instance
  kSpace,              ///< JupyterLab / Code Editor space: 1 per running space
  kEfsMountTarget,     ///< 1 per AZ
  kInterfaceEndpoint,  ///< 1 per endpoint per AZ
  kGatewayEndpoint,    ///< 0
  kNatGateway,         ///< 1 + secondary addresses, in its subnet
  kNotebookInstance,   ///< 1 per notebook instance
  kLambda,             ///< 1 per (subnet, security-group set) pair
  kAlb,                ///< 8 free per subnet (minimum), per ALB per AZ
  kNlb,                ///< 1 per AZ per NLB
  kEcsTask,            ///< 1 per awsvpc / Fargate task
  kEndpointInstance,   ///< real-time endpoint instance: 2 (5 with EFA), x2 in blue/green
  kCustom,             ///< user-defined
};
std::string_view consumerKindName(ConsumerKind kind);
/// Every kind name the plan accepts, in declaration order.
const std::vector<std::string_view>& consumerKindNames();

/// Where a consumer's units go among the subnets in scope.
enum class Placement {
  kDefault,  ///< the kind's own rule (per_az for endpoints/EFS/NLB/ALB/Lambda, spread otherwise)
  kSpread,   ///< count divided evenly over the active subnets
  kPerAz,    ///< count in every active subnet
  kSubnet,   ///< all in one named subnet
};

/// One steady consumer (not a job queue).
struct Consumer {
  ConsumerKind kind = ConsumerKind::kCustom;
  std::string name;              ///< label; the kind name when not given
  Series count = Series::constant(1);  ///< units (users, endpoints, tasks, ...)
  std::optional<double> addresses;     ///< addresses per unit, overriding the rule
  Placement placement = Placement::kDefault;
  std::string subnet;            ///< for kSubnet (id or name)
  int secondary_addresses = 0;   ///< NAT gateway secondary private addresses
  bool efa = false;              ///< endpoint instances with EFA
  bool blue_green = false;       ///< endpoint instances: both fleets run (x2)
  std::string instance_type;     ///< endpoint instances: for per-type overrides
  std::string location;          ///< file:line:col of the entry
};

/// How long a job runs.
enum class DurationDistribution { kExponential, kFixed };

/// How SageMaker-like placement picks one of a job's subnets for the whole job.
enum class PlacementPolicy {
  kRandom,      ///< uniformly at random (the default; SageMaker does not document its choice)
  kRoundRobin,  ///< in turn
  kMostFree,    ///< the subnet with the most free addresses
  kFirstFit,    ///< the first listed subnet with room, else the next
};
std::string_view placementPolicyName(PlacementPolicy policy);

/// A stream of jobs (training, processing, batch transform).
struct JobClass {
  std::string name;
  std::string kind = "training";      ///< training, processing, transform
  Series arrivals_per_day = Series::constant(0);  ///< average per calendar day
  Series duration_hours = Series::constant(1);    ///< mean run time
  DurationDistribution distribution = DurationDistribution::kExponential;
  Series instances_per_job = Series::constant(1);  ///< rounded to a whole number
  Series efa_share = Series::constant(0);          ///< fraction of jobs on EFA instances
  std::string instance_type;          ///< for per-instance-type overrides
  std::optional<double> addresses_per_instance;  ///< overrides the rule and the type
  bool business_hours = false;        ///< arrivals only Mon-Fri 09-17 (same weekly total)
  double burst_probability = 0;       ///< fraction of time in a burst
  double burst_multiplier = 1;        ///< arrival-rate multiplier during a burst
  std::vector<std::string> subnets;   ///< empty: every subnet in scope
  std::string location;
};

/// Per-instance-type override.
struct InstanceTypeRule {
  std::optional<double> addresses;      ///< per instance without EFA
  std::optional<double> efa_addresses;  ///< per instance with EFA
};

/// Default per-unit numbers, every one overridable under `rules:`.
struct ConsumptionRules {
  double reserved_per_subnet = 5;
  double jupyter_server = 1;
  double kernel_gateway = 1;
  double space = 1;
  double efs_mount_target = 1;
  double interface_endpoint = 1;
  double gateway_endpoint = 0;
  double nat_gateway = 1;
  double notebook_instance = 1;
  double lambda = 1;
  double alb = 8;
  double nlb = 1;
  double ecs_task = 1;
  double job_instance = 2;
  double efa_instance = 5;
  double endpoint_instance = 2;
  double endpoint_efa_instance = 5;
  double blue_green_factor = 2;
};

/// AWS quotas to warn about (defaults are the AWS defaults).
struct Quotas {
  int enis_per_region = 5000;
  int lambda_enis_per_vpc = 500;
  int cidr_blocks_per_vpc = 5;
};

/// A whole growth plan.
struct CapacityPlan {
  std::string file;                 ///< where it was read, "" when built in code
  int horizon_months = 36;          ///< months 0..horizon inclusive
  std::vector<double> percentiles = {50, 95, 99};  ///< in percent, sorted
  PlacementPolicy placement = PlacementPolicy::kRandom;
  uint64_t seed = 42;
  int trials = 1000;                ///< Monte Carlo trials per month; 0 = analytic only
  bool n_minus_one = true;          ///< also project with each AZ lost
  std::vector<std::string> subnets; ///< subnets in scope (id or name); empty = default
  std::optional<Series> az_count;   ///< active AZs over time; absent = all in scope
  bool keep_snapshot_baseline = true;  ///< keep current ENIs of kinds the plan does not model
  ConsumptionRules rules;
  std::map<std::string, InstanceTypeRule> instance_types;
  Quotas quotas;
  std::vector<Consumer> consumers;
  std::vector<JobClass> jobs;
};

}  // namespace vpcsim::topology

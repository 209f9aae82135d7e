// IP-capacity projection: consumption rules, M/G/infinity job concurrency, seeded Monte Carlo, N-1, sizing.
#include "capacity/capacity.h"

#include "capacity/instance_types.h"

#include <Eigen/Dense>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <set>
#include <thread>
#include <utility>

#include <fmt/format.h>

namespace vpcsim::capacity {

using topology::CapacityPlan;
using topology::Consumer;
using topology::Diagnostic;
using topology::ConsumerKind;
using topology::JobClass;
using topology::Placement;
using topology::PlacementPolicy;
using topology::Series;
using topology::SeriesKind;

// VPC User Guide: Subnet CIDR blocks — "The first four IP addresses and the
// last IP address in each subnet CIDR block are not available for your use";
// the allowed block size is between /28 and /16.
int64_t usableAddresses(int prefix) {
  if (prefix < 16 || prefix > 28) return 0;
  return (int64_t{1} << (32 - prefix)) - 5;
}

std::optional<int> recommendedPrefix(double addresses) {
  for (int prefix = 28; prefix >= 16; --prefix)
    if (static_cast<double>(usableAddresses(prefix)) >= addresses) return prefix;
  return std::nullopt;
}

std::pair<double, double> fitHistory(const std::vector<std::pair<double, double>>& history, topology::FitModel model) {
  if (history.empty()) return {0, 0};
  const double last = history.back().first;
  const auto n = static_cast<Eigen::Index>(history.size());
  Eigen::MatrixXd a(n, 2);
  Eigen::VectorXd b(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto& [month, count] = history[static_cast<std::size_t>(i)];
    a(i, 0) = 1.0;
    a(i, 1) = month - last;
    b(i) = model == topology::FitModel::kCompound ? std::log(std::max(count, 1e-9)) : count;
  }
  if (n == 1) return {b(0), 0};
  // Ordinary least squares through a QR decomposition (Eigen: Solving linear least squares systems).
  Eigen::VectorXd x = a.colPivHouseholderQr().solve(b);
  return {x(0), x(1)};
}

double seriesAt(const Series& series, int month) {
  double value = 0;
  const double m = static_cast<double>(month);
  switch (series.kind) {
    case SeriesKind::kConstant: value = series.start; break;
    case SeriesKind::kLinear: value = series.start + series.per_month * m; break;
    // Monthly and yearly growth compound together: start x (1 + g_month)^m x (1 + g_year)^(m / 12).
    case SeriesKind::kCompound:
      value = series.start * std::pow(1.0 + series.monthly_growth, m) * std::pow(1.0 + series.yearly_growth, m / 12.0);
      break;
    case SeriesKind::kSteps:
      for (const auto& [first, v] : series.steps)
        if (first <= month) value = v;
      break;
    case SeriesKind::kFitted: {
      auto [intercept, slope] = fitHistory(series.history, series.fit);
      value = series.fit == topology::FitModel::kCompound ? std::exp(intercept + slope * m) : intercept + slope * m;
      break;
    }
  }
  if (std::isnan(value)) return 0;  // a degenerate fit: nothing to project
  return std::clamp(value, 0.0, kMaxSeriesValue);
}

double addressesPerUnit(const Consumer& c, const CapacityPlan& plan) {
  if (c.addresses) return *c.addresses;
  const auto& r = plan.rules;
  switch (c.kind) {
    // SageMaker Developer Guide: Connect Studio notebooks in a VPC to external resources —
    // Studio Classic creates an ENI for the JupyterServer app of each user profile.
    case ConsumerKind::kJupyterServer: return r.jupyter_server;
    // SageMaker Studio Administration Best Practices (whitepaper), Network management —
    // KernelGateway apps on the same instance share one ENI: 1 address per unique instance.
    case ConsumerKind::kKernelGateway: return r.kernel_gateway;
    // SageMaker Developer Guide: Amazon SageMaker Studio spaces — each running
    // JupyterLab / Code Editor space runs on its own instance with one ENI in a domain subnet.
    case ConsumerKind::kSpace: return r.space;
    // Amazon EFS User Guide: Managing mount targets — one mount target (one ENI) per AZ.
    case ConsumerKind::kEfsMountTarget: return r.efs_mount_target;
    // AWS PrivateLink Guide: Interface VPC endpoints — "creates an endpoint network
    // interface in each subnet that you enable".
    case ConsumerKind::kInterfaceEndpoint: return r.interface_endpoint;
    // AWS PrivateLink Guide: Gateway endpoints — route-table targets, no network interfaces.
    case ConsumerKind::kGatewayEndpoint: return r.gateway_endpoint;
    // VPC User Guide: NAT gateways — one ENI with a primary private address in its
    // subnet, plus any secondary private IPv4 addresses (up to 7 more per ENI by default).
    case ConsumerKind::kNatGateway: return r.nat_gateway + c.secondary_addresses;
    // SageMaker Developer Guide: Connect a notebook instance in a VPC to external
    // resources — the notebook instance gets one ENI in its subnet.
    case ConsumerKind::kNotebookInstance: return r.notebook_instance;
    // Lambda Developer Guide: Giving Lambda functions access to resources in an Amazon VPC —
    // Hyperplane ENIs are shared per unique (subnet, security-group set) combination.
    case ConsumerKind::kLambda: return r.lambda;
    // Elastic Load Balancing, Application Load Balancers: Subnets — "your subnets must have
    // at least 8 free IP addresses"; the load balancer scales up to about 100 addresses in total.
    case ConsumerKind::kAlb: return r.alb;
    // Elastic Load Balancing, Network Load Balancers — one network interface per enabled AZ.
    case ConsumerKind::kNlb: return r.nlb;
    // Amazon ECS Developer Guide: Task networking with awsvpc — each task gets its own ENI.
    case ConsumerKind::kEcsTask: return r.ecs_task;
    // SageMaker Developer Guide: Give SageMaker hosted endpoints access to resources in your
    // Amazon VPC — instances take addresses like jobs (2, 5 with EFA); blue/green
    // deployments run both fleets at once.
    case ConsumerKind::kEndpointInstance: {
      const double a = typedAddresses(c.instance_type, c.efa, c.efa ? r.endpoint_efa_instance : r.endpoint_instance, plan);
      return c.blue_green ? a * r.blue_green_factor : a;
    }
    case ConsumerKind::kCustom: return 0;
  }
  return 0;
}

// SageMaker Developer Guide: Give SageMaker training jobs access to resources in your
// Amazon VPC — "ensure that there are at least 2 private IP addresses for each instance
// in a training job" (5 with EFA, "Run training jobs with EFA"); newer multi-card
// instance types need more, hence the per-instance-type override.
double addressesPerInstance(const JobClass& job, bool efa, const CapacityPlan& plan) {
  if (job.addresses_per_instance) return *job.addresses_per_instance;
  return typedAddresses(job.instance_type, efa, efa ? plan.rules.efa_instance : plan.rules.job_instance, plan);
}

double typedAddresses(const std::string& instance_type, bool efa, double rule, const CapacityPlan& plan) {
  if (auto it = plan.instance_types.find(instance_type); it != plan.instance_types.end()) {
    if (efa && it->second.efa_addresses) return *it->second.efa_addresses;
    if (!efa && it->second.addresses) return *it->second.addresses;
  }
  if (efa)
    if (auto known = findEfaInstanceType(instance_type)) return efaAddresses(*known, rule);
  return rule;
}

bool knownInstanceType(const std::string& instance_type, const CapacityPlan& plan) {
  return plan.instance_types.count(instance_type) > 0 || findEfaInstanceType(instance_type).has_value();
}

// ---- Poisson and normal helpers ---------------------------------------------

double uniform01(Xoshiro256StarStar& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

namespace {

int64_t poissonSmall(double mean, Xoshiro256StarStar& rng) {
  // Inversion by sequential search (Devroye, Non-Uniform Random Variate Generation, X.3.3).
  double u = uniform01(rng);
  double p = std::exp(-mean);
  double cdf = p;
  int64_t k = 0;
  while (u > cdf && k < 10000) {
    ++k;
    p *= mean / static_cast<double>(k);
    cdf += p;
  }
  return k;
}

// Acklam's rational approximation of the standard normal quantile (|error| < 1.2e-9).
double normalQuantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01, -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  const double low = 0.02425;
  if (p < low) {
    double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  double q = p - 0.5;
  double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

}  // namespace

int64_t poissonSample(double mean, Xoshiro256StarStar& rng) {
  if (mean <= 0) return 0;
  // A sum of independent Poissons is Poisson: draw in chunks of mean <= 30 so
  // exp(-mean) never underflows; above 30,000 use the normal approximation.
  if (mean > 30000) {
    double u1 = std::max(uniform01(rng), 1e-300);
    double u2 = uniform01(rng);
    double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
    return std::max<int64_t>(0, std::llround(mean + z * std::sqrt(mean)));
  }
  int64_t total = 0;
  while (mean > 30) {
    total += poissonSmall(30, rng);
    mean -= 30;
  }
  return total + poissonSmall(mean, rng);
}

uint32_t uniformBelow(uint32_t n, Xoshiro256StarStar& rng) {
  // Lemire, "Fast random integer generation in an interval" (2019): the high word of a
  // 32x32-bit product, rejecting the 2^32 mod n low words that would make it uneven.
  uint64_t m = (rng() >> 32) * uint64_t{n};
  auto low = static_cast<uint32_t>(m);
  if (low < n) {
    const uint32_t reject = (0U - n) % n;
    while (low < reject) {
      m = (rng() >> 32) * uint64_t{n};
      low = static_cast<uint32_t>(m);
    }
  }
  return static_cast<uint32_t>(m >> 32);
}

std::vector<double> poissonPmf(double mean, std::size_t max_terms) {
  if (!(mean > 0)) return {1.0};
  const double mode = std::floor(mean);
  if (mode + 1 > static_cast<double>(max_terms)) return {};
  const auto top = static_cast<std::size_t>(mode);
  std::vector<double> pmf(top + 1, 0.0);
  // Start at the mode from the log-pmf, then pmf(k-1) = pmf(k) k / mean downward and
  // pmf(k+1) = pmf(k) mean / (k+1) upward; terms far below the mode may underflow to 0.
  pmf[top] = std::exp(mode * std::log(mean) - mean - std::lgamma(mode + 1));
  for (std::size_t k = top; k > 0; --k) pmf[k - 1] = pmf[k] * static_cast<double>(k) / mean;
  double p = pmf[top];
  for (std::size_t k = top + 1;; ++k) {
    p *= mean / static_cast<double>(k);
    // Past the mode the terms fall at least geometrically, so the rest is below ~1e-17.
    if (p < 1e-20) break;
    if (pmf.size() >= max_terms) return {};
    pmf.push_back(p);
  }
  return pmf;
}

int64_t poissonQuantile(double mean, double q) {
  if (mean <= 0) return 0;
  // Start at the mode where the pmf is largest, get the lower tail by the
  // downward recursion pmf(k-1) = pmf(k) * k / mean, then walk to the quantile.
  const auto mode = static_cast<int64_t>(std::floor(mean));
  const double log_pmf_mode =
      static_cast<double>(mode) * std::log(mean) - mean - std::lgamma(static_cast<double>(mode) + 1);
  const double pmf_mode = std::exp(log_pmf_mode);
  double lower = 0;  // P(N < mode)
  {
    double p = pmf_mode;
    for (int64_t k = mode; k > 0; --k) {
      p *= static_cast<double>(k) / mean;
      lower += p;
      if (p < 1e-18 * (lower + pmf_mode)) break;
    }
  }
  double cdf = lower + pmf_mode;  // P(N <= mode)
  int64_t k = mode;
  if (cdf >= q) {
    double p = pmf_mode;
    while (k > 0) {
      double below = cdf - p;  // P(N <= k-1)
      if (below < q) break;
      p *= static_cast<double>(k) / mean;
      cdf = below;
      --k;
    }
    return k;
  }
  double p = pmf_mode;
  while (cdf < q && k < mode + 100000000) {
    ++k;
    p *= mean / static_cast<double>(k);
    cdf += p;
    if (p < 1e-300 && cdf < q) break;  // numerical floor: q too close to 1
  }
  return k;
}

// ---- current use -------------------------------------------------------------

// EC2 API Reference: NetworkInterface — InterfaceType, RequesterId and
// Description name the service that owns a requester-managed ENI.
std::string eniOwnerKind(const topology::Eni& eni) {
  const std::string& type = eni.interface_type;
  const std::string& d = eni.description;
  const std::string& r = eni.requester_id;
  auto has = [](const std::string& s, const char* word) { return s.find(word) != std::string::npos; };
  if (type == "nat_gateway" || has(d, "Interface for NAT Gateway")) return "nat_gateway";
  if (type == "vpc_endpoint" || type == "gateway_load_balancer_endpoint" || has(d, "VPC Endpoint Interface"))
    return "vpc_endpoint";
  if (type == "lambda" || has(d, "AWS Lambda VPC ENI")) return "lambda";
  if (type == "network_load_balancer" || has(d, "ELB net/")) return "nlb";
  if (has(d, "ELB app/") || has(d, "ELB ")) return "alb";
  if (type == "efs" || has(d, "EFS mount target")) return "efs";
  if (has(d, "SageMaker") || has(r, "sagemaker")) return "sagemaker";
  if (has(d, "arn:aws:ecs") || has(r, "ecs")) return "ecs";
  if (!eni.instance_id.empty()) return "instance";
  if (type.empty() || type == "interface") return "other";
  return type;
}

std::vector<CurrentUse> currentUse(const topology::Topology& topology) {
  std::map<std::string, CurrentUse> by_subnet;
  std::set<std::string> eni_ids;
  for (const auto& eni : topology.enis) {
    eni_ids.insert(eni.meta.id);
    auto& use = by_subnet[eni.subnet_id];
    use.subnet_id = eni.subnet_id;
    auto n = static_cast<int64_t>(std::max<std::size_t>(1, eni.private_ips.size()));
    use.by_kind[eniOwnerKind(eni)] += n;
    use.total += n;
  }
  // Declared without ENIs (native format): one ENI per subnet per interface endpoint.
  for (const auto& endpoint : topology.vpc_endpoints) {
    if (endpoint.type != topology::EndpointType::kInterface || !endpoint.eni_ids.empty()) continue;
    for (const auto& subnet : endpoint.subnet_ids) {
      auto& use = by_subnet[subnet];
      use.subnet_id = subnet;
      use.by_kind["vpc_endpoint"] += 1;
      use.total += 1;
    }
  }
  for (const auto& nat : topology.nat_gateways) {
    if (!nat.eni_id.empty() && eni_ids.count(nat.eni_id)) continue;
    auto& use = by_subnet[nat.subnet_id];
    use.subnet_id = nat.subnet_id;
    auto n = static_cast<int64_t>(std::max<std::size_t>(1, nat.private_ips.size()));
    use.by_kind["nat_gateway"] += n;
    use.total += n;
  }
  std::vector<CurrentUse> out;
  for (auto& [id, use] : by_subnet) out.push_back(std::move(use));
  return out;
}

// ---- the projection -------------------------------------------------------------

namespace {

struct ScopeSubnet {
  std::string id;
  std::string name;
  std::string az;
  std::string vpc_id;
  std::string cidr;
  std::string ipv6_cidr;
  int prefix = 0;
  int64_t capacity = 0;
  int64_t baseline = 0;
};

// Snapshot owner kinds that a plan consumer kind replaces (so they are not counted twice).
const char* replacedKind(ConsumerKind kind) {
  switch (kind) {
    case ConsumerKind::kInterfaceEndpoint: return "vpc_endpoint";
    case ConsumerKind::kNatGateway: return "nat_gateway";
    case ConsumerKind::kEfsMountTarget: return "efs";
    case ConsumerKind::kLambda: return "lambda";
    case ConsumerKind::kAlb: return "alb";
    case ConsumerKind::kNlb: return "nlb";
    case ConsumerKind::kEcsTask: return "ecs";
    case ConsumerKind::kJupyterServer:
    case ConsumerKind::kKernelGateway:
    case ConsumerKind::kSpace:
    case ConsumerKind::kNotebookInstance:
    case ConsumerKind::kEndpointInstance: return "sagemaker";
    default: return nullptr;
  }
}

Placement effectivePlacement(const Consumer& c) {
  if (c.placement != Placement::kDefault) return c.placement;
  switch (c.kind) {
    case ConsumerKind::kEfsMountTarget:
    case ConsumerKind::kInterfaceEndpoint:
    case ConsumerKind::kGatewayEndpoint:
    case ConsumerKind::kLambda:
    case ConsumerKind::kAlb:
    case ConsumerKind::kNlb: return Placement::kPerAz;
    case ConsumerKind::kNatGateway: return Placement::kSubnet;
    default: return Placement::kSpread;
  }
}

// One Poisson stream of whole jobs landing in one subnet.
struct Stream {
  double mean = 0;       // jobs in the system at once, in this subnet
  double addresses = 0;  // per job
};

struct ResolvedJob {
  const JobClass* job = nullptr;
  std::vector<std::size_t> subnets;  // scope indexes
};

struct Engine {
  const topology::Topology& topology;
  const CapacityPlan& plan;
  std::vector<ScopeSubnet> scope;
  std::vector<std::string> azs;  // sorted distinct
  std::vector<std::optional<std::size_t>> consumer_subnet;
  std::vector<ResolvedJob> jobs;
  std::vector<CapacityWarning> warnings;

  std::optional<std::size_t> find(const std::string& key) const {
    for (std::size_t i = 0; i < scope.size(); ++i)
      if (scope[i].id == key || (!scope[i].name.empty() && scope[i].name == key)) return i;
    return std::nullopt;
  }

  // Which subnets are active in `month` (az_count) and not in the lost AZ.
  std::vector<char> active(int month, const std::string& lost_az, bool warn) {
    std::size_t az_limit = azs.size();
    if (plan.az_count) {
      auto wanted = static_cast<std::size_t>(std::max(1.0, std::round(seriesAt(*plan.az_count, month))));
      const bool already = std::any_of(warnings.begin(), warnings.end(),
                                       [](const CapacityWarning& w) { return w.code == "az-count"; });
      if (wanted > azs.size() && warn && !already)
        warnings.push_back({"az-count", fmt::format("month {}: the plan asks for {} AZs but only {} have subnets in scope; "
                                                    "add a subnet per new AZ",
                                                    month, wanted, azs.size()), ""});
      az_limit = std::min(wanted, azs.size());
    }
    std::vector<char> on(scope.size(), 0);
    for (std::size_t i = 0; i < scope.size(); ++i) {
      auto rank = static_cast<std::size_t>(std::lower_bound(azs.begin(), azs.end(), scope[i].az) - azs.begin());
      on[i] = rank < az_limit && scope[i].az != lost_az ? 1 : 0;
    }
    return on;
  }

  struct MonthModel {
    std::vector<double> mean;      // steady consumers, expected
    std::vector<double> steady;    // steady consumers, whole units (for percentiles)
    std::vector<std::vector<Stream>> streams;  // per subnet
    std::vector<double> enis;      // ENI estimate per subnet (expected)
    double lambda_enis = 0;
  };

  MonthModel model(int month, const std::vector<char>& on) const {
    MonthModel m;
    const std::size_t n = scope.size();
    m.mean.assign(n, 0);
    m.steady.assign(n, 0);
    m.streams.assign(n, {});
    m.enis.assign(n, 0);
    std::vector<std::size_t> active_list;
    for (std::size_t i = 0; i < n; ++i)
      if (on[i]) active_list.push_back(i);
    for (std::size_t i = 0; i < n; ++i) {
      m.mean[i] = m.steady[i] = static_cast<double>(scope[i].baseline);
      m.enis[i] = static_cast<double>(scope[i].baseline);
    }
    if (active_list.empty()) return m;
    const auto n_active = static_cast<double>(active_list.size());
    for (std::size_t c = 0; c < plan.consumers.size(); ++c) {
      const Consumer& consumer = plan.consumers[c];
      double count = seriesAt(consumer.count, month);
      double per_unit = consumer.kind == ConsumerKind::kCustom ? consumer.addresses.value_or(0)
                                                               : addressesPerUnit(consumer, plan);
      switch (effectivePlacement(consumer)) {
        case Placement::kPerAz:
          for (std::size_t i : active_list) {
            double whole = std::ceil(count - 1e-9);
            m.mean[i] += count * per_unit;
            m.steady[i] += whole * per_unit;
            m.enis[i] += count;
          }
          if (consumer.kind == ConsumerKind::kLambda) m.lambda_enis += count * n_active;
          break;
        case Placement::kSpread: {
          // Spread evenly: the fullest subnet holds ceil(count / n) units.
          double whole = std::ceil(count / n_active - 1e-9);
          for (std::size_t i : active_list) {
            m.mean[i] += count / n_active * per_unit;
            m.steady[i] += whole * per_unit;
            m.enis[i] += count / n_active;
          }
          break;
        }
        case Placement::kSubnet:
        case Placement::kDefault: {
          auto target = consumer_subnet[c];
          if (target && on[*target]) {
            m.mean[*target] += count * per_unit;
            m.steady[*target] += std::ceil(count - 1e-9) * per_unit;
            m.enis[*target] += count;
          }
          break;
        }
      }
    }
    for (const auto& rj : jobs) {
      std::vector<std::size_t> where;
      for (std::size_t s : rj.subnets)
        if (on[s]) where.push_back(s);
      if (where.empty()) continue;
      const JobClass& job = *rj.job;
      // Queueing theory, M/G/infinity: jobs in the system ~ Poisson(arrival rate x mean duration),
      // whatever the duration distribution; bursts raise the time-average rate.
      double rate_per_hour = seriesAt(job.arrivals_per_day, month) / 24.0;
      double burst_factor = 1 - job.burst_probability + job.burst_probability * job.burst_multiplier;
      double in_system = rate_per_hour * seriesAt(job.duration_hours, month) * burst_factor;
      double instances = std::max(1.0, std::round(seriesAt(job.instances_per_job, month)));
      double efa = std::clamp(seriesAt(job.efa_share, month), 0.0, 1.0);
      // Random placement thins the stream: each of k subnets sees Poisson(mean / k).
      double share = 1.0 / static_cast<double>(where.size());
      for (std::size_t s : where) {
        if (efa < 1) m.streams[s].push_back({in_system * (1 - efa) * share, instances * addressesPerInstance(job, false, plan)});
        if (efa > 0) m.streams[s].push_back({in_system * efa * share, instances * addressesPerInstance(job, true, plan)});
        m.enis[s] += in_system * share * instances;
      }
    }
    return m;
  }
};

// Quantile of sum_i c_i N_i, N_i ~ Poisson(mu_i) independent: exact for one
// stream, normal approximation (rounded up) for several.
double streamQuantile(const std::vector<Stream>& streams, double q) {
  std::vector<const Stream*> live;
  for (const auto& s : streams)
    if (s.mean > 0 && s.addresses > 0) live.push_back(&s);
  if (live.empty()) return 0;
  // Above a mean of 10^6 jobs the Poisson law is normal to within one job (and far past any subnet);
  // the exact walk would take millions of steps.
  if (live.size() == 1 && live[0]->mean <= 1e6)
    return live[0]->addresses * static_cast<double>(poissonQuantile(live[0]->mean, q));
  double mean = 0;
  double var = 0;
  for (const auto* s : live) {
    mean += s->addresses * s->mean;
    var += s->addresses * s->addresses * s->mean;
  }
  return std::max(0.0, std::ceil(mean + normalQuantile(q) * std::sqrt(var)));
}

// Weekly hourly profile of jobs in the system (M_t/G/infinity):
// m(h) = sum_u rate(h - u) * integral_u^{u+1} P(D > s) ds, folded onto the week,
// computed as one circulant matrix-vector product with Eigen.
Eigen::VectorXd weeklyInSystem(const JobClass& job, int month) {
  constexpr int kWeek = 168;
  const double per_day = seriesAt(job.arrivals_per_day, month);
  const double mean_duration = seriesAt(job.duration_hours, month);
  Eigen::VectorXd rate(kWeek);
  for (int h = 0; h < kWeek; ++h) {
    bool open = (h / 24) < 5 && (h % 24) >= 9 && (h % 24) < 17;
    rate(h) = job.business_hours ? (open ? per_day * 7.0 / 40.0 : 0.0) : per_day / 24.0;
  }
  Eigen::VectorXd kernel = Eigen::VectorXd::Zero(kWeek);
  if (mean_duration > 0) {
    const int span = static_cast<int>(std::min(40.0 * kWeek, std::ceil(mean_duration * 40) + 1));
    for (int u = 0; u < span; ++u) {
      double w = 0;
      double ud = static_cast<double>(u);
      if (job.distribution == topology::DurationDistribution::kFixed)
        w = std::clamp(mean_duration - ud, 0.0, 1.0);
      else
        w = mean_duration * (std::exp(-ud / mean_duration) - std::exp(-(ud + 1) / mean_duration));
      kernel(u % kWeek) += w;
    }
  }
  if (!job.business_hours) return Eigen::VectorXd::Constant(kWeek, kernel.sum() * per_day / 24.0);
  Eigen::MatrixXd circulant(kWeek, kWeek);
  for (int h = 0; h < kWeek; ++h)
    for (int i = 0; i < kWeek; ++i) circulant(h, i) = kernel(((h - i) % kWeek + kWeek) % kWeek);
  return circulant * rate;
}

// Uniform 11-bit fields, five from each output of the generator it owns (bits 0-54; the
// fields are disjoint bits, hence independent). The Monte Carlo needs 11 bits for most
// decisions and takes a fresh full draw only when those bits fall on a boundary. A small
// value type, so hot loops work on a copy held in registers.
class BitFields {
 public:
  static constexpr int kBits = 11;
  static constexpr int kPerOutput = 64 / kBits;
  explicit BitFields(const Xoshiro256StarStar& rng) : rng_(rng) {}
  uint32_t next() {
    if (left_ == 0) {
      pool_ = rng_();
      left_ = kPerOutput;
    }
    const auto field = static_cast<uint32_t>(pool_ & ((1U << kBits) - 1));
    pool_ >>= kBits;
    --left_;
    return field;
  }
  // A 64-bit draw whose top 11 bits are `field` and whose other bits are fresh.
  uint64_t extend(uint32_t field) { return (uint64_t{field} << (64 - kBits)) | (rng_() >> kBits); }
  // body(field) for the next n fields, the same fields as n calls of next(), with the
  // generator's outputs split in a register five at a time.
  template <class Body>
  void forEach(uint64_t n, Body&& body) {
    for (; n > 0 && left_ > 0; --n) body(next());
    for (; n >= kPerOutput; n -= kPerOutput) {
      uint64_t pool = rng_();
      for (int f = 0; f < kPerOutput; ++f) {
        body(static_cast<uint32_t>(pool & ((1U << kBits) - 1)));
        pool >>= kBits;
      }
    }
    for (; n > 0; --n) body(next());
  }

 private:
  Xoshiro256StarStar rng_;
  uint64_t pool_ = 0;
  int left_ = 0;
};

// True with probability below / 2^64: the top 11 bits decide unless they equal below's.
inline bool chance(uint64_t below, BitFields& bits) {
  const uint32_t field = bits.next();
  const auto top = static_cast<uint32_t>(below >> (64 - BitFields::kBits));
  if (field != top) return field < top;
  return bits.extend(field) < below;
}

// Threshold t with P(r < t) = p for a raw 64-bit draw r (to 2^-64); p in (0, 1).
uint64_t chanceThreshold(double p) {
  return static_cast<uint64_t>(std::clamp(p, 0.0, 0x1.fffffffffffffp-1) * 0x1.0p64);
}

// Exact sampler of a law tabulated on 0..size-1 (values below 2^15). The CDF is stored as
// cumulative integer thresholds; a draw is a 64-bit uniform r and returns the first value
// whose threshold is >= r (inversion: each value has probability (threshold gap) / 2^64,
// its probability to the 2^-53 rounding of the CDF). A guide table over r's top 11 bits
// (Chen and Asau 1974, "On generating random variates from an empirical distribution")
// holds the value itself for the buckets inside one value's range, so a draw usually needs
// only those 11 bits; a bucket that straddles values (about 1 draw in 140 in the benchmark)
// draws r's other 53 bits and searches from the bucket's first value. 2,048 buckets of
// 2 bytes: 4 KB per table.
class TableSampler {
 public:
  static constexpr std::size_t kMaxValues = std::size_t{1} << 15;  // guide entries hold a value or an index

  // `pmf`: probabilities (any positive total, normalised here) of 0..pmf.size()-1, at most kMaxValues.
  explicit TableSampler(const std::vector<double>& pmf) {
    double total = 0;
    for (double p : pmf) total += p;
    // upper_[i] = (cumulative probability x 2^64) - 1, so value i is drawn when
    // upper_[i-1] < r <= upper_[i]; values whose share rounds to nothing are left out and the
    // last value takes the rounding remainder (below 1e-16).
    double cdf = 0;
    for (std::size_t value = 0; value < pmf.size(); ++value) {
      if (!(pmf[value] > 0)) continue;
      cdf += pmf[value];
      const double x = cdf / total;
      uint64_t upper = std::numeric_limits<uint64_t>::max();
      if (x < 1) {
        const auto scaled = static_cast<uint64_t>(x * 0x1.0p64);
        if (scaled == 0) continue;
        upper = scaled - 1;
      }
      if (!upper_.empty() && upper <= upper_.back()) continue;
      upper_.push_back(upper);
      value_.push_back(static_cast<uint16_t>(value));
      if (upper == std::numeric_limits<uint64_t>::max()) break;
    }
    if (upper_.empty()) {
      upper_.push_back(0);
      value_.push_back(0);
    }
    upper_.back() = std::numeric_limits<uint64_t>::max();
    guide_.resize(std::size_t{1} << BitFields::kBits);
    std::size_t i = 0;
    for (std::size_t bucket = 0; bucket < guide_.size(); ++bucket) {
      const uint64_t lowest = uint64_t{bucket} << (64 - BitFields::kBits);
      const uint64_t highest = lowest + ((uint64_t{1} << (64 - BitFields::kBits)) - 1);
      while (upper_[i] < lowest) ++i;
      guide_[bucket] = upper_[i] >= highest ? value_[i] : static_cast<uint16_t>(kSearch | i);
    }
  }

  // Largest value a draw returns.
  uint64_t maxValue() const { return value_.back(); }

  uint64_t operator()(BitFields& bits) const { return at(bits.next(), bits); }
  // The draw whose top 11 bits are `field`; `bits` supplies the rest when needed.
  uint64_t at(uint32_t field, BitFields& bits) const {
    const uint16_t guide = guide_[field];
    if (guide < kSearch) [[likely]]
      return guide;
    std::size_t i = static_cast<std::size_t>(guide ^ kSearch);
    const uint64_t r = bits.extend(field);
    while (r > upper_[i]) ++i;
    return value_[i];
  }

 private:
  static constexpr uint16_t kSearch = uint16_t{1} << 15;  // guide entry: search from the index below

  std::vector<uint64_t> upper_;
  std::vector<uint16_t> value_;
  std::vector<uint16_t> guide_;  // per top-11-bits bucket: its value, or kSearch | first index
};

// Address load that one job class puts on one subnet in one (hour, burst) state:
// a_plain N_plain + a_efa N_efa, N_plain and N_efa independent Poisson counts (the thinned
// streams of the class's non-EFA and EFA jobs that land in this subnet). Its exact law is the
// convolution of the two Poisson laws, tabulated once; loads too spread out to tabulate
// (2^15 addresses or more) are drawn directly from the two Poisson counts.
class LoadSampler {
 public:
  LoadSampler(double plain_mean, uint64_t plain_addresses, double efa_mean, uint64_t efa_addresses)
      : plain_mean_(plain_mean), efa_mean_(efa_mean), plain_addresses_(plain_addresses), efa_addresses_(efa_addresses) {
    constexpr std::size_t kMax = TableSampler::kMaxValues;
    const std::vector<double> plain = poissonPmf(plain_mean, kMax);
    const std::vector<double> efa = poissonPmf(efa_mean, kMax);
    if (plain.empty() || efa.empty() || plain.size() * efa.size() > (std::size_t{1} << 22)) return;
    const uint64_t top = plain_addresses * (plain.size() - 1) + efa_addresses * (efa.size() - 1);
    if (top >= kMax) return;
    std::vector<double> pmf(static_cast<std::size_t>(top) + 1, 0.0);
    for (std::size_t i = 0; i < plain.size(); ++i)
      for (std::size_t j = 0; j < efa.size(); ++j)
        pmf[static_cast<std::size_t>(plain_addresses * i + efa_addresses * j)] += plain[i] * efa[j];
    table_.emplace(pmf);
  }

  // The load table; null when loads are drawn directly (unbounded).
  const TableSampler* table() const { return table_ ? &*table_ : nullptr; }

  // One draw. Loads that are not tabulated are drawn from `spare`, so the main generator
  // never leaves the caller's registers.
  uint64_t operator()(BitFields& bits, Xoshiro256StarStar& spare) const {
    if (table_) [[likely]]
      return (*table_)(bits);
    // Counts saturate first (every job takes at least one address when its addresses are not 0), so
    // the products stay far below 2^64.
    auto jobs = [&](double mean) { return std::min(static_cast<uint64_t>(poissonSample(mean, spare)), kSaturatedLoad); };
    return plain_addresses_ * jobs(plain_mean_) + efa_addresses_ * jobs(efa_mean_);
  }

 private:
  double plain_mean_ = 0;
  double efa_mean_ = 0;
  uint64_t plain_addresses_ = 0;
  uint64_t efa_addresses_ = 0;
  std::optional<TableSampler> table_;
};

// P(K = k), k = 0..n, for K ~ Binomial(n, p), computed outward from the mode like poissonPmf.
std::vector<double> binomialPmf(uint32_t n, double p) {
  std::vector<double> pmf(std::size_t{n} + 1, 0.0);
  if (!(p > 0)) {
    pmf[0] = 1;
    return pmf;
  }
  if (p >= 1) {
    pmf[n] = 1;
    return pmf;
  }
  const double nd = n;
  const auto mode = static_cast<std::size_t>(std::min(nd, std::floor((nd + 1) * p)));
  const double md = static_cast<double>(mode);
  pmf[mode] = std::exp(std::lgamma(nd + 1) - std::lgamma(md + 1) - std::lgamma(nd - md + 1) + md * std::log(p) +
                       (nd - md) * std::log1p(-p));
  const double odds = p / (1 - p);
  for (std::size_t k = mode; k > 0; --k)
    pmf[k - 1] = pmf[k] * static_cast<double>(k) / ((nd - static_cast<double>(k) + 1) * odds);
  for (std::size_t k = mode; k < n; ++k)
    pmf[k + 1] = pmf[k] * (nd - static_cast<double>(k)) / (static_cast<double>(k) + 1) * odds;
  return pmf;
}

// A run of the projection: the AZ lost ("" for the base case) and whether it reports the az-count warning.
struct Scenario {
  std::string lost_az;
  bool warn = false;
};

// The scope's subnets as projections: subnet facts filled in, months 0..horizon empty.
std::vector<SubnetProjection> emptyProjections(const std::vector<ScopeSubnet>& scope, int horizon) {
  std::vector<SubnetProjection> out(scope.size());
  for (std::size_t i = 0; i < scope.size(); ++i) {
    const auto& s = scope[i];
    out[i].subnet_id = s.id;
    out[i].name = s.name;
    out[i].availability_zone = s.az;
    out[i].cidr = s.cidr;
    out[i].ipv6_cidr = s.ipv6_cidr;
    out[i].prefix = s.prefix;
    out[i].capacity = s.capacity;
    out[i].current = s.baseline;
    out[i].months.resize(static_cast<std::size_t>(horizon) + 1);
  }
  return out;
}

// Expected use and analytic percentiles of every subnet in one month.
void analyticMonth(const Engine::MonthModel& model, const std::vector<double>& percentiles, int month,
                   std::vector<SubnetProjection>& out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    MonthUse use;
    use.month = month;
    double jobs_mean = 0;
    for (const auto& st : model.streams[i]) jobs_mean += st.mean * st.addresses;
    use.expected = model.mean[i] + jobs_mean;
    for (double p : percentiles) use.analytic.push_back(model.steady[i] + streamQuantile(model.streams[i], p / 100.0));
    out[i].months[static_cast<std::size_t>(month)] = std::move(use);
  }
}

// A weekly profile of jobs in the system and its load tables. Classes with the same rate,
// duration, pattern, subnet count, EFA share, burst multiplier and addresses per job share one.
struct Shape {
  double per_day = 0;
  double hours = 0;
  bool business = false;
  topology::DurationDistribution distribution = topology::DurationDistribution::kExponential;
  std::size_t subnets = 0;
  double efa = 0;
  double burst_m = 1;
  uint32_t plain_addresses = 0;
  uint32_t efa_addresses = 0;
  Eigen::VectorXd profile;
  std::vector<std::optional<LoadSampler>> tables;  // (hour, burst), built on first use
};

// Whether two shapes have the same parameters (profile and tables aside).
bool sameShape(const Shape& x, const Shape& y) {
  return x.per_day == y.per_day && x.hours == y.hours && x.business == y.business &&
         x.distribution == y.distribution && x.subnets == y.subnets && x.efa == y.efa && x.burst_m == y.burst_m &&
         x.plain_addresses == y.plain_addresses && x.efa_addresses == y.efa_addresses;
}

// One job class in one month: the subnets in service it lands in and the constants of its draws.
struct ClassMonth {
  std::size_t shape = 0;
  std::vector<std::size_t> where;
  double efa = 0;
  uint32_t plain_addresses = 0;
  uint32_t efa_addresses = 0;
  double burst_p = 0;
  double burst_m = 1;
  uint64_t burst_below = 0;  // a raw draw below this is a burst (0 < burst_p < 1)
  bool flat = true;          // the same mean every hour (no business hours)
};

// The job classes of one month that reach a subnet in service, and the shapes they share.
struct MonthClasses {
  std::vector<Shape> shapes;
  std::vector<ClassMonth> classes;
};

// Index of `wanted` in `shapes`, appended with `job`'s weekly profile when it is new.
std::size_t shapeIndex(std::vector<Shape>& shapes, Shape wanted, const JobClass& job, int month) {
  auto found = std::find_if(shapes.begin(), shapes.end(), [&](const Shape& x) { return sameShape(x, wanted); });
  if (found == shapes.end()) {
    wanted.profile = weeklyInSystem(job, month);
    wanted.tables.resize(168 * 2);
    shapes.push_back(std::move(wanted));
    found = shapes.end() - 1;
  }
  return static_cast<std::size_t>(found - shapes.begin());
}

// Whole addresses of one job, saturated at kSaturatedLoad (a larger job fills any subnet alone).
uint32_t jobAddresses(double addresses) {
  return static_cast<uint32_t>(std::min(std::ceil(addresses), static_cast<double>(kSaturatedLoad)));
}

// Per-class weekly profiles and per-job constants for one month.
MonthClasses monthClasses(const Engine& engine, const std::vector<char>& on, int month) {
  MonthClasses out;
  for (const auto& rj : engine.jobs) {
    const JobClass& job = *rj.job;
    ClassMonth cm;
    for (std::size_t s : rj.subnets)
      if (on[s]) cm.where.push_back(s);
    if (cm.where.empty()) continue;
    double instances = std::max(1.0, std::round(seriesAt(job.instances_per_job, month)));
    cm.efa = std::clamp(seriesAt(job.efa_share, month), 0.0, 1.0);
    cm.plain_addresses = jobAddresses(instances * addressesPerInstance(job, false, engine.plan));
    cm.efa_addresses = jobAddresses(instances * addressesPerInstance(job, true, engine.plan));
    cm.burst_p = job.burst_probability;
    cm.burst_m = job.burst_multiplier;
    if (cm.burst_p > 0 && cm.burst_p < 1) cm.burst_below = chanceThreshold(cm.burst_p);
    cm.flat = !job.business_hours;
    Shape wanted;
    wanted.per_day = seriesAt(job.arrivals_per_day, month);
    wanted.hours = seriesAt(job.duration_hours, month);
    wanted.business = job.business_hours;
    wanted.distribution = job.distribution;
    wanted.subnets = cm.where.size();
    wanted.efa = cm.efa;
    wanted.burst_m = job.burst_multiplier;
    wanted.plain_addresses = cm.plain_addresses;
    wanted.efa_addresses = cm.efa_addresses;
    cm.shape = shapeIndex(out.shapes, std::move(wanted), job, month);
    out.classes.push_back(std::move(cm));
  }
  return out;
}

// The generator of one (seed, month, scenario), so months are reproducible on their own.
Xoshiro256StarStar monthGenerator(uint64_t seed, int month, const std::string& lost_az) {
  uint64_t scenario_hash = 14695981039346656037ULL;  // FNV-1a: the same on every platform
  for (char ch : lost_az) scenario_hash = (scenario_hash ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
  return Xoshiro256StarStar(seed * uint64_t{1000003} + static_cast<uint64_t>(month) * uint64_t{7919} + scenario_hash);
}

// Per subnet, how many trials saw each job load; trials with no job in a subnet may be left out.
using Histograms = std::vector<std::vector<uint32_t>>;

// Counts one trial's job load of subnet `s`.
void recordLoad(Histograms& hist, std::size_t s, uint64_t load) {
  auto& h = hist[s];
  const auto v = static_cast<std::size_t>(std::min(load, kSaturatedLoad));
  if (h.size() <= v) h.resize(v + 1, 0);
  ++h[v];
}

// Classes linked by a shared subnet, with the subnets they reach. Within a group the loads of
// one trial add up before they are counted; a group whose subnets each get exactly one draw per
// trial records the draws directly.
struct Group {
  std::vector<std::size_t> classes;
  std::vector<std::size_t> subnets;
  bool direct = true;
};

// The groups of `classes` over `n` subnets (union-find on shared subnets), by first class.
std::vector<Group> groupClasses(const std::vector<ClassMonth>& classes, std::size_t n) {
  std::vector<Group> groups;
  std::vector<std::size_t> parent(classes.size());
  std::iota(parent.begin(), parent.end(), std::size_t{0});
  auto root = [&parent](std::size_t c) {
    while (parent[c] != c) c = parent[c] = parent[parent[c]];
    return c;
  };
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> first_class(n, kNone);
  for (std::size_t c = 0; c < classes.size(); ++c)
    for (std::size_t s : classes[c].where) {
      if (first_class[s] == kNone) first_class[s] = c;
      else parent[root(c)] = root(first_class[s]);
    }
  std::vector<std::size_t> group_of(classes.size(), kNone);
  for (std::size_t c = 0; c < classes.size(); ++c) {
    std::size_t& g = group_of[root(c)];
    if (g == kNone) {
      g = groups.size();
      groups.emplace_back();
    }
    groups[g].classes.push_back(c);
  }
  std::vector<char> seen_subnet(n, 0);
  for (Group& g : groups) {
    std::size_t draws = 0;
    for (std::size_t c : g.classes)
      for (std::size_t s : classes[c].where) {
        ++draws;
        if (!seen_subnet[s]) g.subnets.push_back(s);
        seen_subnet[s] = 1;
      }
    g.direct = draws == g.subnets.size();
  }
  return groups;
}

// Monte Carlo of one month under random placement. Random placement thins the Poisson stream:
// each subnet independently gets Poisson(mean / k) jobs of each type (the same law as placing N
// jobs one by one), so a subnet's load from a class is one draw from that class's load table for
// the hour and burst state. Trials are exchangeable and the results are per-subnet histograms,
// so trials are batched: first every trial's observation hour (uniform over the week, shared by
// all classes of the trial), then the trials of each hour together, block of hours by block of
// hours and group of subnets by group of subnets.
class RandomPlacementTrials {
 public:
  // Draws the trials' hours from `rng`, then seeds `spare_` from it, then splits it into `bits_`.
  RandomPlacementTrials(MonthClasses& month, int trials, Xoshiro256StarStar& rng, Histograms& hist)
      : shapes_(month.shapes),
        classes_(month.classes),
        hist_(hist),
        trial_load_(hist.size(), 0),
        groups_(groupClasses(month.classes, hist.size())),
        at_hour_(hourCounts(trials, rng)),
        spare_(rng()),
        bits_(rng),
        quiet_(month.classes.size() * kBlockHours),
        busy_(month.classes.size() * kBlockHours) {}

  // Records every trial's loads in the histograms.
  void run() {
    for (uint32_t first = 0; first < kWeekHours; first += kBlockHours) {
      const uint32_t last = std::min(kWeekHours, first + kBlockHours);
      prepareBlock(first, last);
      for (const Group& g : groups_)
        for (uint32_t hour = first; hour < last; ++hour) {
          const uint32_t count = at_hour_[hour];
          if (count == 0) continue;
          if (g.direct) drawDirect(g.classes[0], count, hour - first);
          else drawShared(g, count, hour - first);
        }
    }
  }

 private:
  static constexpr uint32_t kWeekHours = 168;
  // Hours go in blocks of 8: the block's tables (at most 2 per class shape and hour, about 4 KB
  // each) stay in cache while each group takes the block's trials with its histograms in L1.
  static constexpr uint32_t kBlockHours = 8;

  // How many of `trials` trials observe each hour of the week.
  static std::vector<uint32_t> hourCounts(int trials, Xoshiro256StarStar& rng) {
    std::vector<uint32_t> at_hour(kWeekHours, 0);
    for (int t = 0; t < trials; ++t) ++at_hour[uniformBelow(kWeekHours, rng)];
    return at_hour;
  }

  // The load table of class `cm` in `hour` and burst state, built on first use.
  const LoadSampler& table(const ClassMonth& cm, uint32_t hour, bool burst) {
    Shape& shape = shapes_[cm.shape];
    const uint32_t at = cm.flat ? 0 : hour;
    std::optional<LoadSampler>& entry = shape.tables[at * 2 + (burst ? 1U : 0U)];
    if (!entry) {
      double mean = shape.profile(static_cast<Eigen::Index>(at));
      if (burst) mean *= cm.burst_m;
      const double share = 1.0 / static_cast<double>(cm.where.size());
      entry.emplace(cm.efa < 1 ? mean * share * (1 - cm.efa) : 0.0, cm.plain_addresses,
                    cm.efa > 0 ? mean * share * cm.efa : 0.0, cm.efa_addresses);
    }
    return *entry;
  }

  // Points quiet_ and busy_ at each class's tables for the observed hours of [first, last).
  void prepareBlock(uint32_t first, uint32_t last) {
    for (uint32_t hour = first; hour < last; ++hour) {
      if (at_hour_[hour] == 0) continue;
      for (std::size_t c = 0; c < classes_.size(); ++c) {
        const ClassMonth& cm = classes_[c];
        const std::size_t at = c * kBlockHours + (hour - first);
        quiet_[at] = cm.burst_p >= 1 ? &table(cm, hour, true) : &table(cm, hour, false);
        busy_[at] = cm.burst_below > 0 ? &table(cm, hour, true) : quiet_[at];
      }
    }
  }

  // How many of an hour's `count` trials class `cm` spends in a burst: Binomial(count, p).
  uint32_t burstCount(const ClassMonth& cm, uint32_t count) {
    if (cm.burst_below == 0) return 0;
    if (count < TableSampler::kMaxValues) {
      const std::pair key{cm.burst_p, count};
      auto found = burst_counts_.find(key);
      if (found == burst_counts_.end())
        found = burst_counts_.emplace(key, TableSampler(binomialPmf(count, cm.burst_p))).first;
      return static_cast<uint32_t>(found->second(bits_));
    }
    uint32_t bursts = 0;
    BitFields local = bits_;
    for (uint32_t t = 0; t < count; ++t) bursts += chance(cm.burst_below, local) ? 1U : 0U;
    bits_ = local;
    return bursts;
  }

  // One class, one draw per subnet and trial: given how many of the trials are in a burst all
  // draws are independent, so the quiet trials' draws come first and the busy trials' after them
  // (the same law for the histograms, in tight loops). `offset`: the hour within the block.
  void drawDirect(std::size_t c, uint32_t count, uint32_t offset) {
    const ClassMonth& cm = classes_[c];
    const std::size_t at = c * kBlockHours + offset;
    const uint32_t bursts = burstCount(cm, count);
    drawInto(*quiet_[at], count - bursts, cm.where);
    drawInto(*busy_[at], bursts, cm.where);
  }

  // Classes sharing subnets: trial by trial, each class with its own burst flag, the loads of a
  // subnet added up before they are counted.
  void drawShared(const Group& g, uint32_t count, uint32_t offset) {
    BitFields local = bits_;
    for (uint32_t t = 0; t < count; ++t) {
      for (std::size_t c : g.classes) {
        const ClassMonth& cm = classes_[c];
        const std::size_t at = c * kBlockHours + offset;
        const bool burst = cm.burst_below > 0 && chance(cm.burst_below, local);
        const LoadSampler& draw = burst ? *busy_[at] : *quiet_[at];
        for (std::size_t s : cm.where) trial_load_[s] += draw(local, spare_);
      }
      for (std::size_t s : g.subnets) {
        recordLoad(hist_, s, trial_load_[s]);
        trial_load_[s] = 0;
      }
    }
    bits_ = local;
  }

  // `times` draws from `draw` for each subnet of `where`, subnet after subnet within a round so
  // that equal loads in a row do not wait on the same counter.
  void drawInto(const LoadSampler& draw, uint32_t times, const std::vector<std::size_t>& where) {
    if (times == 0) return;
    const TableSampler* loads = draw.table();
    if (!loads) {
      for (uint32_t t = 0; t < times; ++t)
        for (std::size_t s : where) recordLoad(hist_, s, draw(bits_, spare_));
      return;
    }
    const auto top = static_cast<std::size_t>(loads->maxValue());
    counts_.clear();
    for (std::size_t s : where) {
      if (hist_[s].size() <= top) hist_[s].resize(top + 1, 0);
      counts_.push_back(hist_[s].data());
    }
    BitFields local = bits_;
    uint32_t* const* subnet_counts = counts_.data();
    const std::size_t k = counts_.size();
    std::size_t next = 0;
    local.forEach(uint64_t{times} * k, [&](uint32_t field) {
      ++subnet_counts[next][loads->at(field, local)];
      next = next + 1 == k ? 0 : next + 1;
    });
    bits_ = local;
  }

  std::vector<Shape>& shapes_;
  const std::vector<ClassMonth>& classes_;
  Histograms& hist_;
  std::vector<uint64_t> trial_load_;  // per subnet, the current trial's load (shared groups)
  std::vector<Group> groups_;
  // Initialised in this order from the month's generator (the draws the stream depends on).
  std::vector<uint32_t> at_hour_;  // trials per hour of the week
  Xoshiro256StarStar spare_;       // the rare direct draws of loads too spread out to tabulate
  BitFields bits_;                 // the generator's outputs as 11-bit fields
  std::vector<uint32_t*> counts_;  // drawInto: the histograms of the subnets being drawn
  std::map<std::pair<double, uint32_t>, TableSampler> burst_counts_;  // (probability, trials)
  std::vector<const LoadSampler*> quiet_;  // per (class, hour of the block): the table without a burst
  std::vector<const LoadSampler*> busy_;   // ... and in a burst
};

// Monte Carlo of one month under the policies that depend on where earlier jobs of the trial
// went (round robin, most free, first fit): each trial places its jobs one by one.
class OrderedPlacementTrials {
 public:
  OrderedPlacementTrials(const Engine& engine, const MonthClasses& month, const std::vector<double>& steady,
                         Xoshiro256StarStar& rng, Histograms& hist)
      : engine_(engine), month_(month), steady_(steady), rng_(rng), hist_(hist), trial_load_(hist.size(), 0) {
    touched_.reserve(hist.size());
  }

  // Records `trials` trials' loads in the histograms.
  void run(int trials) {
    for (int t = 0; t < trials; ++t) {
      const auto hour = static_cast<Eigen::Index>(uniformBelow(168, rng_));
      for (const auto& cm : month_.classes) placeJobs(cm, hour);
      for (std::size_t s : touched_) {
        recordLoad(hist_, s, trial_load_[s]);
        trial_load_[s] = 0;
      }
      touched_.clear();
    }
  }

 private:
  // Draws how many jobs of class `cm` run at `hour` and places each one.
  void placeJobs(const ClassMonth& cm, Eigen::Index hour) {
    double mean = month_.shapes[cm.shape].profile(cm.flat ? 0 : hour);
    const bool burst = cm.burst_p >= 1 || (cm.burst_below > 0 && rng_() < cm.burst_below);
    if (burst) mean *= cm.burst_m;
    int64_t jobs_now = poissonSample(mean, rng_);
    for (int64_t j = 0; j < jobs_now && !saturated(cm.where); ++j) {
      uint32_t a = (cm.efa > 0 && (cm.efa >= 1 || uniform01(rng_) < cm.efa)) ? cm.efa_addresses : cm.plain_addresses;
      const std::size_t pick = pickSubnet(cm.where, a);
      if (trial_load_[pick] == 0) touched_.push_back(pick);
      trial_load_[pick] += a;
    }
  }

  // Whether every subnet of `where` holds kSaturatedLoad addresses in this trial: more jobs change
  // nothing that is recorded, so the trial's placing stops there.
  bool saturated(const std::vector<std::size_t>& where) const {
    return std::all_of(where.begin(), where.end(), [&](std::size_t s) { return trial_load_[s] >= kSaturatedLoad; });
  }

  // The subnet of `where` the plan's policy gives a job of `addresses` addresses.
  std::size_t pickSubnet(const std::vector<std::size_t>& where, uint32_t addresses) {
    const std::size_t k = where.size();
    switch (engine_.plan.placement) {
      case PlacementPolicy::kRandom: return where[uniformBelow(static_cast<uint32_t>(k), rng_)];
      case PlacementPolicy::kRoundRobin: return where[round_robin_++ % k];
      case PlacementPolicy::kMostFree:
      case PlacementPolicy::kFirstFit: break;
    }
    if (engine_.plan.placement == PlacementPolicy::kFirstFit)
      for (std::size_t s : where)
        if (freeIn(s) >= static_cast<double>(addresses)) return s;
    std::size_t pick = where[0];
    for (std::size_t s : where)
      if (freeIn(s) > freeIn(pick)) pick = s;
    return pick;
  }

  // Addresses still free in subnet `s` in the current trial.
  double freeIn(std::size_t s) const {
    return static_cast<double>(engine_.scope[s].capacity) - steady_[s] - static_cast<double>(trial_load_[s]);
  }

  const Engine& engine_;
  const MonthClasses& month_;
  const std::vector<double>& steady_;
  Xoshiro256StarStar& rng_;
  Histograms& hist_;
  std::vector<uint64_t> trial_load_;  // per subnet, the current trial's load
  std::vector<std::size_t> touched_;  // subnets with load in the current trial
  uint64_t round_robin_ = 0;
};

// Histograms of the job loads of one month over `trials` trials, from the month's own generator.
Histograms simulateJobs(const Engine& engine, const std::vector<char>& on, const std::vector<double>& steady,
                        const Scenario& scenario, int month, int trials, uint64_t seed) {
  MonthClasses classes = monthClasses(engine, on, month);
  Xoshiro256StarStar rng = monthGenerator(seed, month, scenario.lost_az);
  Histograms hist(engine.scope.size());
  if (engine.plan.placement == PlacementPolicy::kRandom)
    RandomPlacementTrials(classes, trials, rng, hist).run();
  else
    OrderedPlacementTrials(engine, classes, steady, rng, hist).run(trials);
  return hist;
}

// Simulated mean, P(full) and percentiles of one subnet-month from its histogram of job loads;
// trials not recorded had no job there and count as load 0.
void simulatedUse(std::vector<uint32_t>& h, double steady, double capacity, int trials,
                  const std::vector<double>& percentiles, MonthUse& use) {
  uint64_t recorded = 0;
  for (uint32_t c : h) recorded += c;
  if (h.empty()) h.resize(1, 0);
  h[0] += static_cast<uint32_t>(static_cast<uint64_t>(trials) - recorded);
  uint64_t total = 0;
  uint64_t over = 0;
  for (std::size_t v = 0; v < h.size(); ++v) {
    total += static_cast<uint64_t>(v) * h[v];
    if (steady + static_cast<double>(v) > capacity) over += h[v];
  }
  use.simulated_mean = steady + static_cast<double>(total) / static_cast<double>(trials);
  use.p_exhausted = static_cast<double>(over) / static_cast<double>(trials);
  for (double p : percentiles) {
    // Smallest v with at least ceil(p% of trials) samples at or below it.
    auto need = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(trials) - 1e-9));
    uint64_t acc = 0;
    std::size_t v = 0;
    for (; v < h.size(); ++v) {
      acc += h[v];
      if (acc >= need) break;
    }
    use.simulated.push_back(steady + static_cast<double>(std::min(v, h.size() - 1)));
  }
}

// Fills one month of every subnet: expected use, analytic percentiles and the Monte Carlo.
void projectMonth(const Engine& engine, const Scenario& scenario, const std::vector<char>& on, int month, int trials,
                  uint64_t seed, std::vector<SubnetProjection>& out) {
  const CapacityPlan& plan = engine.plan;
  const auto slot = static_cast<std::size_t>(month);
  const Engine::MonthModel model = engine.model(month, on);
  analyticMonth(model, plan.percentiles, month, out);
  if (trials == 0) return;
  if (engine.jobs.empty()) {
    // Without jobs nothing varies between trials: the Monte Carlo repeats the analytic figures.
    for (std::size_t i = 0; i < out.size(); ++i) {
      MonthUse& use = out[i].months[slot];
      use.simulated = use.analytic;
      use.simulated_mean = model.steady[i];
      use.p_exhausted = model.steady[i] > static_cast<double>(engine.scope[i].capacity) ? 1 : 0;
    }
    return;
  }
  Histograms hist = simulateJobs(engine, on, model.steady, scenario, month, trials, seed);
  for (std::size_t i = 0; i < out.size(); ++i)
    simulatedUse(hist[i], model.steady[i], static_cast<double>(engine.scope[i].capacity), trials, plan.percentiles,
                 out[i].months[slot]);
}

// Calls run(month) for months 0..horizon, on worker threads when `parallel`; the calls must be
// independent of each other, so the result does not depend on the thread count.
template <class Run>
void forEachMonth(int horizon, bool parallel, const Run& run) {
  const unsigned workers = std::max(1U, std::min(std::thread::hardware_concurrency(), static_cast<unsigned>(horizon + 1)));
  if (workers == 1 || !parallel) {
    for (int month = 0; month <= horizon; ++month) run(month);
    return;
  }
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w)
    pool.emplace_back([&] {
      for (int month = next++; month <= horizon; month = next++) run(month);
    });
  for (auto& t : pool) t.join();
}

// Headroom of every month, then the peak, exhaustion months and recommended prefix of one subnet.
void summarise(SubnetProjection& sp) {
  for (auto& use : sp.months) {
    double shown = use.expected;
    for (double v : use.analytic) shown = std::max(shown, v);
    for (double v : use.simulated) shown = std::max(shown, v);
    use.headroom = static_cast<double>(sp.capacity) - shown;
    sp.peak = std::max(sp.peak, shown);
    if (!sp.exhaustion_month && use.headroom < 0) sp.exhaustion_month = use.month;
    if (!sp.expected_exhaustion_month && use.expected > static_cast<double>(sp.capacity))
      sp.expected_exhaustion_month = use.month;
  }
  sp.recommended_prefix = recommendedPrefix(sp.peak);
}

// Every subnet in scope over months 0..horizon in one scenario (the base case or one AZ lost).
std::vector<SubnetProjection> project(Engine& engine, const Scenario& scenario, int horizon, int trials,
                                      uint64_t seed) {
  std::vector<SubnetProjection> out = emptyProjections(engine.scope, horizon);
  // Subnets in service per month, in month order (the az-count warning comes from here).
  std::vector<std::vector<char>> actives;
  for (int month = 0; month <= horizon; ++month) actives.push_back(engine.active(month, scenario.lost_az, scenario.warn));
  // Months are independent (each has its own generator), so they run on worker threads.
  const Engine& shared = engine;  // the workers only read it
  forEachMonth(horizon, trials > 0 && !engine.jobs.empty(), [&](int month) {
    projectMonth(shared, scenario, actives[static_cast<std::size_t>(month)], month, trials, seed, out);
  });
  for (auto& sp : out) summarise(sp);
  return out;
}

// First-fit placement of aligned blocks of `prefix` into `blocks`, avoiding `used`.
std::optional<topology::Cidr> placeBlock(const std::vector<topology::Cidr>& blocks,
                                         std::vector<std::pair<uint64_t, uint64_t>>& used, int prefix) {
  const uint64_t size = uint64_t{1} << (32 - prefix);
  std::sort(used.begin(), used.end());
  for (const auto& block : blocks) {
    if (block.prefix() > prefix) continue;
    uint64_t lo = block.first().value();
    uint64_t hi = uint64_t{block.last().value()} + 1;
    uint64_t pos = lo;
    while (pos + size <= hi) {
      pos = (pos + size - 1) / size * size;
      if (pos + size > hi) break;
      bool clash = false;
      for (const auto& [a, b] : used)
        if (a < pos + size && pos < b) {
          clash = true;
          pos = b;
          break;
        }
      if (!clash) {
        used.emplace_back(pos, pos + size);
        return topology::Cidr::of(topology::Ipv4(static_cast<uint32_t>(pos)), prefix);
      }
    }
  }
  return std::nullopt;
}

// Subnet keys in scope: the plan's subnets, else the Studio domains' subnets, else every subnet.
std::vector<std::string> scopeKeys(const topology::Topology& topology, const CapacityPlan& plan) {
  std::vector<std::string> keys = plan.subnets;
  if (keys.empty())
    for (const auto& d : topology.studio_domains) keys.insert(keys.end(), d.subnet_ids.begin(), d.subnet_ids.end());
  if (keys.empty())
    for (const auto& s : topology.subnets) keys.push_back(s.meta.id);
  return keys;
}

// The subnet a plan key names, by ID, else by Name tag (the last subnet with it); null if none.
const topology::Subnet* subnetByKey(const topology::Topology& topology, const std::string& key) {
  const topology::Subnet* subnet = topology.findSubnet(key);
  if (!subnet)
    for (const auto& s : topology.subnets)
      if (s.meta.name == key) subnet = &s;
  return subnet;
}

// Snapshot owner kinds the plan models itself, left out of the baseline so they are not counted twice.
std::set<std::string> replacedKinds(const CapacityPlan& plan) {
  std::set<std::string> replaced;
  for (const auto& c : plan.consumers)
    if (const char* k = replacedKind(c.kind)) replaced.insert(k);
  if (!plan.jobs.empty()) replaced.insert("sagemaker");
  return replaced;
}

// `subnet` in scope, its baseline left at 0.
ScopeSubnet scopeSubnet(const topology::Subnet& subnet) {
  ScopeSubnet s;
  s.id = subnet.meta.id;
  s.name = subnet.meta.name;
  s.az = subnet.availability_zone;
  s.vpc_id = subnet.vpc_id;
  s.cidr = subnet.cidr.str();
  if (auto blocks = topology::associatedIpv6(subnet.ipv6_blocks); !blocks.empty()) s.ipv6_cidr = blocks.front().str();
  s.prefix = subnet.cidr.prefix();
  s.capacity = usableAddresses(s.prefix);
  return s;
}

// Snapshot use of subnet `id` in owner kinds outside `replaced`, the baseline the plan keeps.
int64_t baselineOf(const std::string& id, const std::vector<CurrentUse>& current, const std::set<std::string>& replaced) {
  int64_t baseline = 0;
  for (const auto& use : current)
    if (use.subnet_id == id)
      for (const auto& [kind, count] : use.by_kind)
        if (!replaced.count(kind)) baseline += count;
  return baseline;
}

// Fills the engine's scope, sorted by (AZ, subnet ID), and its distinct AZs; keys that name no
// subnet go to `errors`.
void resolveScope(Engine& engine, const std::vector<CurrentUse>& current, std::vector<Diagnostic>& errors,
                  std::vector<std::string>& ipv6_only) {
  const CapacityPlan& plan = engine.plan;
  const std::set<std::string> replaced = plan.keep_snapshot_baseline ? replacedKinds(plan) : std::set<std::string>{};
  std::set<std::string> seen;
  for (const auto& key : scopeKeys(engine.topology, plan)) {
    const topology::Subnet* subnet = subnetByKey(engine.topology, key);
    if (!subnet) {
      errors.push_back({"unknown-subnet", fmt::format("no subnet named '{}' in the topology", key),
                        plan.file.empty() ? std::string("plan") : plan.file});
      continue;
    }
    if (!seen.insert(subnet->meta.id).second) continue;
    if (!subnet->hasIpv4()) {
      // No IPv4 block to run out of, and a /64 of IPv6 never does: sized by
      // ENIs (quotas), not addresses.
      ipv6_only.push_back(subnet->meta.id);
      continue;
    }
    ScopeSubnet s = scopeSubnet(*subnet);
    if (plan.keep_snapshot_baseline) s.baseline = baselineOf(s.id, current, replaced);
    engine.scope.push_back(std::move(s));
  }
  std::sort(engine.scope.begin(), engine.scope.end(),
            [](const ScopeSubnet& a, const ScopeSubnet& b) { return std::tie(a.az, a.id) < std::tie(b.az, b.id); });
  for (const auto& s : engine.scope) engine.azs.push_back(s.az);
  std::sort(engine.azs.begin(), engine.azs.end());
  engine.azs.erase(std::unique(engine.azs.begin(), engine.azs.end()), engine.azs.end());
}

// Resolves the subnets that consumers and jobs name; names out of scope go to `errors`.
void resolveTargets(Engine& engine, std::vector<Diagnostic>& errors) {
  for (const auto& c : engine.plan.consumers) {
    std::optional<std::size_t> target;
    if (!c.subnet.empty()) {
      target = engine.find(c.subnet);
      if (!target)
        errors.push_back({"subnet-out-of-scope",
                          fmt::format("consumer '{}' names subnet '{}', which is not in scope", c.name, c.subnet),
                          c.location.empty() ? std::string("plan") : c.location});
    }
    engine.consumer_subnet.push_back(target);
  }
  for (const auto& job : engine.plan.jobs) {
    ResolvedJob rj;
    rj.job = &job;
    if (job.subnets.empty()) {
      rj.subnets.resize(engine.scope.size());
      std::iota(rj.subnets.begin(), rj.subnets.end(), std::size_t{0});
    }
    for (const auto& key : job.subnets) {
      if (auto i = engine.find(key)) rj.subnets.push_back(*i);
      else
        errors.push_back({"subnet-out-of-scope",
                          fmt::format("job '{}' names subnet '{}', which is not in scope", job.name, key),
                          job.location.empty() ? std::string("plan") : job.location});
    }
    engine.jobs.push_back(std::move(rj));
  }
}

// N-1: the projection with each AZ lost in turn, the lost AZ's own subnets left out.
std::vector<FailureCase> projectFailures(Engine& engine, int horizon, int trials, uint64_t seed) {
  std::vector<FailureCase> out;
  for (const auto& az : engine.azs) {
    FailureCase fc;
    fc.lost_az = az;
    auto all = project(engine, Scenario{az, false}, horizon, trials, seed);
    for (auto& sp : all)
      if (sp.availability_zone != az) fc.subnets.push_back(std::move(sp));
    out.push_back(std::move(fc));
  }
  return out;
}

// Warnings for network interfaces per Region and Lambda ENIs per VPC near their quota (80 %) at
// the peak of the horizon (Amazon VPC quotas; Lambda quotas).
void quotaWarnings(Engine& engine, int horizon, std::vector<CapacityWarning>& warnings) {
  const topology::Topology& topology = engine.topology;
  const auto& quotas = engine.plan.quotas;
  // ENIs outside scope stay as they are.
  double outside = 0;
  for (const auto& eni : topology.enis)
    if (!engine.find(eni.subnet_id)) outside += 1;
  double peak_enis = static_cast<double>(topology.enis.size());
  double peak_lambda = 0;
  for (int month = 0; month <= horizon; ++month) {
    auto m = engine.model(month, engine.active(month, "", false));
    double total = 0;
    for (double e : m.enis) total += e;
    peak_enis = std::max(peak_enis, total + outside);
    peak_lambda = std::max(peak_lambda, m.lambda_enis);
  }
  if (peak_enis > 0.8 * quotas.enis_per_region)
    warnings.push_back({"enis-per-region",
                        fmt::format("about {:.0f} network interfaces at the peak, against the quota of {} per "
                                    "Region (Amazon VPC quotas: network interfaces per Region)",
                                    peak_enis, quotas.enis_per_region), ""});
  if (peak_lambda > 0.8 * quotas.lambda_enis_per_vpc)
    warnings.push_back({"lambda-enis-per-vpc",
                        fmt::format("about {:.0f} Lambda Hyperplane ENIs in scope, against the quota of {} per "
                                    "VPC (Lambda quotas: elastic network interfaces per VPC)",
                                    peak_lambda, quotas.lambda_enis_per_vpc), ""});
}

// Address ranges [first, last + 1) of every subnet of `vpc_id`.
std::vector<std::pair<uint64_t, uint64_t>> subnetRanges(const topology::Topology& topology, const std::string& vpc_id) {
  std::vector<std::pair<uint64_t, uint64_t>> used;
  for (const auto& s : topology.subnets)
    if (s.vpc_id == vpc_id) used.emplace_back(s.cidr.first().value(), uint64_t{s.cidr.last().value()} + 1);
  return used;
}

// Addresses scope subnet `i` must hold: its highest peak in the base case and every N-1 case.
double neededAddresses(const CapacityProjection& result, std::size_t i, const std::string& subnet_id) {
  double need = result.subnets[i].peak;
  for (const auto& fc : result.n_minus_one)
    for (const auto& p : fc.subnets)
      if (p.subnet_id == subnet_id) need = std::max(need, p.peak);
  return need;
}

// The plan's one-line statement, and the secondary block needed when `unplaced` addresses of
// the `resized` subnets did not fit (warning when that block exceeds the CIDR-blocks quota).
void stateFit(SubnetPlan& sp, uint64_t unplaced, std::size_t unplaced_count, std::size_t resized, const topology::Vpc* vpc,
              const CapacityPlan& plan, std::vector<CapacityWarning>& warnings) {
  if (unplaced > 0) {
    sp.fits = false;
    int prefix = 32;
    while (prefix > 16 && (uint64_t{1} << (32 - prefix)) < unplaced) --prefix;
    sp.secondary_cidr_prefix = prefix;
    // VPC User Guide, "VPC CIDR blocks" / "Add or remove a CIDR block from your VPC": a VPC takes
    // secondary IPv4 CIDR blocks (/16 to /28), and subnets can then be created in them.
    sp.statement = fmt::format(
        "no free block of the needed size is left in {}'s CIDR blocks for {} of the resized subnets (a new subnet "
        "cannot overlap any existing one, the one it replaces included): associate a secondary IPv4 CIDR block of "
        "/{} or larger with the VPC (VPC User Guide, \"Add or remove a CIDR block from your VPC\") and create them "
        "there",
        sp.vpc_id, unplaced_count, prefix);
    if (vpc && static_cast<int>(vpc->cidrs.size()) + 1 > plan.quotas.cidr_blocks_per_vpc)
      warnings.push_back({"cidr-blocks-per-vpc",
                          fmt::format("{} already has {} IPv4 CIDR blocks; a secondary block exceeds the "
                                      "default quota of {} (Amazon VPC quotas)",
                                      sp.vpc_id, vpc->cidrs.size(), plan.quotas.cidr_blocks_per_vpc), ""});
  } else if (resized == 0) {
    sp.statement = fmt::format("every subnet in {} is large enough for the horizon", sp.vpc_id);
  } else {
    sp.statement = fmt::format("{} subnet(s) need new, larger CIDRs; they fit {} without overlapping any existing "
                               "subnet (a subnet's CIDR cannot be changed, so create them, move the workload, then "
                               "delete the old ones)",
                               resized, sp.vpc_id);
  }
}

// Subnet plan for one VPC: keep the subnets large enough for their peak, place the others anew
// (sets each member's recommended prefix in `result`, may add a warning to it).
SubnetPlan planVpc(const Engine& engine, const std::string& vpc_id, const std::vector<std::size_t>& members,
                   CapacityProjection& result) {
  const topology::Vpc* vpc = engine.topology.findVpc(vpc_id);
  SubnetPlan sp;
  sp.vpc_id = vpc_id;
  if (vpc)
    for (const auto& c : vpc->cidrs) sp.vpc_cidrs.push_back(c.str());
  // Every subnet of the VPC stays where it is while the workload moves, the ones being replaced
  // included: a replacement never overlaps any existing subnet (VPC User Guide, "Subnet CIDR
  // blocks": the CIDR blocks of the subnets in a VPC cannot overlap).
  std::vector<std::pair<uint64_t, uint64_t>> used = subnetRanges(engine.topology, vpc_id);
  std::vector<std::pair<int, std::size_t>> order;  // (wanted prefix, scope index)
  std::size_t too_big = 0;
  for (std::size_t i : members) {
    const ScopeSubnet& s = engine.scope[i];
    const double need = neededAddresses(result, i, s.id);
    const std::optional<int> recommended = recommendedPrefix(need);
    result.subnets[i].recommended_prefix = recommended;
    if (!recommended) {
      // More than a /16 holds: no single subnet will do (prefix 0 marks it).
      sp.subnets.push_back({s.id, s.az, 0, "", true});
      ++too_big;
    } else if (*recommended >= s.prefix) {
      sp.subnets.push_back({s.id, s.az, s.prefix, s.cidr, false});
    } else {
      order.emplace_back(*recommended, i);
    }
  }
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    return std::tie(a.first, engine.scope[a.second].id) < std::tie(b.first, engine.scope[b.second].id);
  });
  uint64_t unplaced = 0;
  std::size_t unplaced_count = 0;
  for (const auto& [wanted, i] : order) {
    auto placed = vpc ? placeBlock(vpc->cidrs, used, wanted) : std::nullopt;
    sp.subnets.push_back({engine.scope[i].id, engine.scope[i].az, wanted, placed ? placed->str() : "", true});
    if (!placed) {
      unplaced += uint64_t{1} << (32 - wanted);
      ++unplaced_count;
    }
  }
  std::sort(sp.subnets.begin(), sp.subnets.end(),
            [](const PlannedSubnet& a, const PlannedSubnet& b) { return a.subnet_id < b.subnet_id; });
  stateFit(sp, unplaced, unplaced_count, order.size(), vpc, engine.plan, result.warnings);
  if (too_big > 0) {
    const std::string sentence = fmt::format("{} subnet(s) need more addresses than a /16 holds (65,531, the largest "
                                             "subnet AWS allows): split their load over more subnets",
                                             too_big);
    sp.statement = order.empty() ? sentence : sp.statement + "; " + sentence;
    sp.fits = false;
  }
  return sp;
}

// A warning for each job or endpoint-instance consumer whose instance type neither the plan's
// `instance_types:` nor the built-in EFA table knows: it gets the default rule, said out loud.
void instanceTypeWarnings(const CapacityPlan& plan, std::vector<CapacityWarning>& warnings) {
  auto check = [&](const std::string& type, const std::string& what, const std::string& location, double plain,
                   double efa) {
    if (type.empty() || knownInstanceType(type, plan)) return;
    warnings.push_back({"unknown-instance-type",
                        fmt::format("{}: instance type '{}' is neither in the plan's instance_types nor in the table "
                                    "of SageMaker EFA instance types (docs/capacity.md): each instance counts the "
                                    "default {:g} addresses ({:g} with EFA); add it under instance_types if it "
                                    "takes more",
                                    what, type, plain, efa),
                        location});
  };
  const auto& r = plan.rules;
  for (const auto& job : plan.jobs)
    if (!job.addresses_per_instance)
      check(job.instance_type, fmt::format("job '{}'", job.name), job.location, r.job_instance, r.efa_instance);
  for (const auto& c : plan.consumers)
    if (c.kind == ConsumerKind::kEndpointInstance && !c.addresses)
      check(c.instance_type, fmt::format("consumer '{}'", c.name), c.location, r.endpoint_instance,
            r.endpoint_efa_instance);
}

// Estimated Monte Carlo draws of one scenario over months 0..horizon (see kMaxMonteCarloWork):
// random placement draws once per trial, class and subnet (a direct Poisson draw, when the load is
// too spread out to tabulate, costs about mean / 30 steps up to a mean of 30,000, one above); ordered placement places each job
// and looks at every subnet of the class for it, until every subnet is saturated.
double monteCarloWork(const Engine& engine, int horizon, int trials) {
  if (trials == 0 || engine.jobs.empty()) return 0;
  double work = 0;
  const double saturated = static_cast<double>(kSaturatedLoad);
  for (int month = 0; month <= horizon; ++month)
    for (const auto& rj : engine.jobs) {
      const JobClass& job = *rj.job;
      const auto k = static_cast<double>(std::max<std::size_t>(1, rj.subnets.size()));
      const double instances = std::max(1.0, std::round(seriesAt(job.instances_per_job, month)));
      const double plain = jobAddresses(instances * addressesPerInstance(job, false, engine.plan));
      const double efa = jobAddresses(instances * addressesPerInstance(job, true, engine.plan));
      // The busiest hour: business hours put the week's arrivals in 40 hours; a burst multiplies.
      const double hours = std::min(seriesAt(job.duration_hours, month), 40.0 * 168);
      const double mean = seriesAt(job.arrivals_per_day, month) / 24.0 * hours * (job.business_hours ? 168.0 / 40 : 1) *
                          std::max(1.0, job.burst_multiplier);
      if (engine.plan.placement == PlacementPolicy::kRandom) {
        const double per_subnet = mean / k;
        const bool tabulated =
            (per_subnet + 10 * std::sqrt(per_subnet) + 10) * std::max(plain, efa) < static_cast<double>(1 << 15);
        const double cost = tabulated || per_subnet > 30000 ? 2 : 2 + 2 * per_subnet / 30;
        work += trials * k * cost;
      } else {
        double jobs = mean + 6 * std::sqrt(mean) + 1;
        // Each job takes at least min(plain, efa) addresses: past k x saturated / that, every subnet is full.
        if (std::min(plain, efa) >= 1) jobs = std::min(jobs, k * saturated / std::min(plain, efa) + 1);
        work += trials * k * (jobs + 1);
      }
    }
  return work;
}

}  // namespace

CapacityProjection projectCapacity(const topology::Topology& topology, const CapacityPlan& plan,
                                   const CapacityOptions& options) {
  CapacityProjection result;
  result.horizon_months = options.horizon_months.value_or(plan.horizon_months);
  result.percentiles = plan.percentiles;
  result.trials = options.trials.value_or(plan.trials);
  result.seed = options.seed.value_or(plan.seed);
  result.placement = std::string(topology::placementPolicyName(plan.placement));
  result.current = currentUse(topology);

  Engine engine{topology, plan, {}, {}, {}, {}, {}};
  resolveScope(engine, result.current, result.errors, result.ipv6_only_subnets);
  resolveTargets(engine, result.errors);

  const int horizon = result.horizon_months;
  const std::size_t scenarios = 1 + (options.n_minus_one && plan.n_minus_one && engine.azs.size() >= 2 ? engine.azs.size() : 0);
  const double work = monteCarloWork(engine, horizon, result.trials) * static_cast<double>(scenarios);
  if (work > kMaxMonteCarloWork) {
    result.errors.push_back(
        {"too-large",
         fmt::format("too large: the Monte Carlo would take about {:.2g} draws ({} trials x {} months x {} job "
                     "class(es) over {} subnet(s), {} scenario(s) with N-1), above the limit of {:.0g}; lower the "
                     "trials or the months, or set trials: 0 for the analytic figures alone",
                     work, result.trials, horizon + 1, engine.jobs.size(), engine.scope.size(), scenarios,
                     kMaxMonteCarloWork),
         plan.file.empty() ? std::string("plan") : plan.file});
    return result;
  }
  result.subnets = project(engine, Scenario{"", true}, horizon, result.trials, result.seed);
  if (options.n_minus_one && plan.n_minus_one && engine.azs.size() >= 2)
    result.n_minus_one = projectFailures(engine, horizon, result.trials, result.seed);

  instanceTypeWarnings(plan, result.warnings);
  quotaWarnings(engine, horizon, result.warnings);
  for (auto& w : engine.warnings) result.warnings.push_back(std::move(w));

  // Subnet plan per VPC, in VPC ID order.
  std::map<std::string, std::vector<std::size_t>> by_vpc;
  for (std::size_t i = 0; i < engine.scope.size(); ++i) by_vpc[engine.scope[i].vpc_id].push_back(i);
  for (const auto& [vpc_id, members] : by_vpc) result.subnet_plans.push_back(planVpc(engine, vpc_id, members, result));
  return result;
}

// SageMaker Studio Administration Best Practices (whitepaper), Network management:
// domain-level = interface endpoints x AZs + one EFS mount target per AZ; per user =
// JupyterServer + one ENI per KernelGateway instance + 2 per non-EFA training instance.
WhitepaperResult whitepaperExample(const WhitepaperInputs& in) {
  WhitepaperResult r;
  r.inputs = in;
  const int64_t azs = std::max(1, in.azs);
  r.per_az_domain = int64_t{in.interface_endpoints} + (in.efs ? 1 : 0);
  r.domain_level = r.per_az_domain * azs;
  r.user_level = 1 + int64_t{in.kernel_gateway_instances} + 2 * int64_t{in.training_instances};
  r.one_user_total = r.domain_level + r.user_level;
  const int64_t users_total = int64_t{in.users} * r.user_level;
  r.paper_total = r.per_az_domain + users_total;
  r.paper_prefix = recommendedPrefix(static_cast<double>(r.paper_total));
  r.vpc_total = r.domain_level + users_total;
  r.per_az_balanced = r.per_az_domain + (users_total + azs - 1) / azs;
  r.per_az_balanced_prefix = recommendedPrefix(static_cast<double>(r.per_az_balanced));
  const int64_t survivors = std::max<int64_t>(1, azs - 1);
  r.per_az_n_minus_one = r.per_az_domain + (users_total + survivors - 1) / survivors;
  r.per_az_n_minus_one_prefix = recommendedPrefix(static_cast<double>(r.per_az_n_minus_one));
  auto prefix = [](const std::optional<int>& p) {
    return p ? fmt::format("/{}", *p) : std::string("larger than /16");
  };
  r.explanation = fmt::format(
      "the paper adds one AZ's domain-level addresses ({}) to every user's addresses ({} x {} = {}), i.e. it sizes "
      "each subnet as if all users landed in it: {} -> {}. Strictly per AZ, each subnet holds its own {} "
      "domain-level addresses and only its share of the users: {} with users spread over {} AZs ({}), {} with one "
      "AZ lost ({}); the VPC as a whole needs {} ({} domain-level + {}). The paper's figure is the safe bound for "
      "jobs and apps that may all land in one subnet",
      r.per_az_domain, in.users, r.user_level, users_total, r.paper_total, prefix(r.paper_prefix), r.per_az_domain,
      r.per_az_balanced, azs, prefix(r.per_az_balanced_prefix), r.per_az_n_minus_one,
      prefix(r.per_az_n_minus_one_prefix), r.vpc_total, r.domain_level, users_total);
  return r;
}

}  // namespace vpcsim::capacity

// IP-capacity projection: address use per subnet and month, exhaustion, sizing, N-1 and quotas.
#pragma once

#include <bit>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "topology/capacity_plan.h"
#include "topology/model.h"
#include "topology/result.h"

namespace vpcsim::capacity {

/// Usable IPv4 addresses of a subnet with this prefix: 2^(32-p) - 5 (AWS keeps
/// five). 0 for prefixes above 28 or below 16, which AWS does not allow for subnets.
int64_t usableAddresses(int prefix);

/// Smallest subnet (largest prefix, /16 to /28) whose usable addresses cover
/// `addresses`; nullopt when even a /16 is too small.
std::optional<int> recommendedPrefix(double addresses);

/// Largest value a series takes: growth saturates here (far above any subnet's demand), so
/// steep growth stays finite and cheap.
inline constexpr double kMaxSeriesValue = 1e12;
/// Address loads of one subnet above this are counted as this many in the Monte Carlo: no subnet
/// holds more (a /16 holds 65,531), so the month it runs out and the prefix it needs ("larger
/// than /16") do not change; it bounds the Monte Carlo's memory and time under any growth.
inline constexpr uint64_t kSaturatedLoad = 65536;
/// Most Monte Carlo work a projection may take (estimated draws: trials x months x subnets per
/// job class, counted per job for ordered placement, summed over the base and N-1 cases);
/// larger plans are refused with "too large: ..." (docs/capacity.md, "Limits").
inline constexpr double kMaxMonteCarloWork = 4e9;

/// Value of a demand series at `month` (>= 0). Fitted series are fitted by
/// least squares (Eigen) on every call; never negative, never above kMaxSeriesValue.
double seriesAt(const topology::Series& series, int month);

/// Least-squares fit of a history: returns (intercept, slope) of
/// count = a + b*month (linear) or log(count) = a + b*month (compound), with
/// month 0 at the last history row.
std::pair<double, double> fitHistory(const std::vector<std::pair<double, double>>& history, topology::FitModel model);

/// Addresses one unit of a consumer takes under the plan's rules.
double addressesPerUnit(const topology::Consumer& consumer, const topology::CapacityPlan& plan);
/// Addresses one job instance takes (EFA or not), after per-type overrides.
double addressesPerInstance(const topology::JobClass& job, bool efa, const topology::CapacityPlan& plan);
/// Addresses one instance of `instance_type` takes: the plan's `instance_types:` row first, then
/// with EFA the built-in table (capacity/instance_types.h), else `rule`.
double typedAddresses(const std::string& instance_type, bool efa, double rule, const topology::CapacityPlan& plan);
/// Whether the plan's `instance_types:` or the built-in EFA table knows `instance_type`.
bool knownInstanceType(const std::string& instance_type, const topology::CapacityPlan& plan);

// ---- Poisson (M/G/infinity) helpers, identical on every platform ----------

/// Deterministic 64-bit generator of the Monte Carlo: xoshiro256** (Blackman and Vigna,
/// "Scrambled linear pseudorandom number generators", 2021), its 256-bit state filled from
/// the seed by splitmix64 as the authors recommend. Written here, not taken from a library,
/// so every platform gives the same stream; period 2^256 - 1. Satisfies
/// UniformRandomBitGenerator.
class Xoshiro256StarStar {
 public:
  using result_type = uint64_t;
  explicit Xoshiro256StarStar(uint64_t seed) {
    // splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators"):
    // a Weyl sequence scrambled by two multiply-xorshift rounds; never four zero words.
    for (uint64_t& word : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~uint64_t{0}; }
  result_type operator()() {
    const uint64_t out = std::rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return out;
  }

 private:
  uint64_t s_[4] = {};
};

/// Smallest k with P(N <= k) >= q for N ~ Poisson(mean); q in (0, 1).
int64_t poissonQuantile(double mean, double q);
/// Uniform double in [0, 1) from 53 bits of `rng` (own code, not <random>'s distributions).
double uniform01(Xoshiro256StarStar& rng);
/// Uniform integer in [0, n) for n >= 1, exactly (multiply-shift with rejection, Lemire 2019).
uint32_t uniformBelow(uint32_t n, Xoshiro256StarStar& rng);
/// One Poisson(mean) draw by inversion (chunked for large means); own code.
int64_t poissonSample(double mean, Xoshiro256StarStar& rng);
/// Probabilities P(N = 0..K) of N ~ Poisson(mean), computed outward from the mode (no
/// underflow at the mode for large means; relative rounding about 1e-16 x mean log mean),
/// K the last count past the mode whose probability is at least 1e-20 (the mass left out is
/// below 1e-17). {1} for mean <= 0; empty when more than `max_terms` terms would be needed.
std::vector<double> poissonPmf(double mean, std::size_t max_terms = 1 << 16);

/// Current address use of one subnet from the snapshot, by owner kind.
struct CurrentUse {
  std::string subnet_id;
  std::map<std::string, int64_t> by_kind;  ///< "vpc_endpoint", "nat_gateway", "efs", "sagemaker", "lambda", ...
  int64_t total = 0;
};
/// Owner kind of an ENI, from interface_type, requester_id and description.
std::string eniOwnerKind(const topology::Eni& eni);
/// Address use per subnet (sorted by subnet ID): each ENI's private addresses;
/// interface endpoints and NAT gateways without an ENI in the topology count 1
/// per subnet (the native format declares them without ENIs).
std::vector<CurrentUse> currentUse(const topology::Topology& topology);

/// Knobs of projectCapacity; the plan's own numbers win where it has them.
struct CapacityOptions {
  std::optional<int> horizon_months;  ///< overrides plan.horizon_months
  std::optional<int> trials;          ///< overrides plan.trials (0 = analytic only)
  std::optional<uint64_t> seed;       ///< overrides plan.seed
  bool n_minus_one = true;            ///< ANDed with plan.n_minus_one
};

/// One subnet in one month.
struct MonthUse {
  int month = 0;
  double expected = 0;                     ///< mean addresses in use
  std::vector<double> analytic;            ///< per plan percentile (M/G/infinity)
  std::vector<double> simulated;           ///< per plan percentile (Monte Carlo); empty when trials = 0
  double simulated_mean = 0;
  double p_exhausted = 0;                  ///< Monte Carlo: fraction of trials above capacity
  double headroom = 0;                     ///< capacity - highest percentile shown
};

struct SubnetProjection {
  std::string subnet_id;
  std::string name;
  std::string availability_zone;
  std::string cidr;               ///< "" for a planned subnet that does not exist yet
  /// The subnet's first associated IPv6 block, "" without one. A subnet's
  /// IPv6 block is a /64 (VPC User Guide, "IPv6 addresses"): 2^64
  /// addresses, more than any workload here takes, so only the IPv4 block
  /// and the ENI quotas limit a dual-stack subnet.
  std::string ipv6_cidr;
  int prefix = 0;
  int64_t capacity = 0;           ///< 2^(32-p) - 5
  int64_t current = 0;            ///< snapshot use kept as the baseline
  std::vector<MonthUse> months;   ///< 0..horizon
  std::optional<int> exhaustion_month;           ///< first month the highest percentile exceeds capacity
  std::optional<int> expected_exhaustion_month;  ///< first month the mean exceeds capacity
  double peak = 0;                               ///< highest percentile over the horizon
  std::optional<int> recommended_prefix;         ///< for `peak`
};

/// The same projection with one AZ lost and its load moved.
struct FailureCase {
  std::string lost_az;
  std::vector<SubnetProjection> subnets;  ///< the remaining subnets
};

/// A proposed subnet in the plan that fits the VPC's CIDR blocks.
struct PlannedSubnet {
  std::string subnet_id;
  std::string availability_zone;
  int prefix = 0;      ///< 0: more than a /16 would hold (no single subnet will do)
  std::string cidr;   ///< "" when it does not fit
  bool is_new = false;  ///< a new, larger subnet to create (the old one stays until the workload moved)
};

struct SubnetPlan {
  std::string vpc_id;
  std::vector<std::string> vpc_cidrs;
  std::vector<PlannedSubnet> subnets;
  bool fits = true;
  std::optional<int> secondary_cidr_prefix;  ///< size of the secondary block needed when it does not fit
  std::string statement;                     ///< one line for people
};

struct CapacityWarning {
  std::string code;     ///< "enis-per-region", "lambda-enis-per-vpc", "cidr-blocks-per-vpc", "az-count", ...
  std::string message;
  std::string location;  ///< file:line:col of the plan entry it is about, "" for the whole projection
};

struct CapacityProjection {
  int horizon_months = 0;
  std::vector<double> percentiles;
  int trials = 0;
  uint64_t seed = 0;
  std::string placement;
  std::vector<CurrentUse> current;
  std::vector<SubnetProjection> subnets;
  std::vector<FailureCase> n_minus_one;
  std::vector<SubnetPlan> subnet_plans;
  std::vector<CapacityWarning> warnings;
  std::vector<topology::Diagnostic> errors;  ///< plan references that could not be resolved
  /// IPv6-only subnets in scope: no IPv4 block, and their /64 never runs
  /// out, so they are not projected; the ENI quotas size them.
  std::vector<std::string> ipv6_only_subnets;
};

/// Projects address use for every subnet in scope (plan.subnets, else the
/// Studio domains' subnets, else every subnet). Never throws; unresolved
/// subnet names land in `errors` and the rest is still projected.
CapacityProjection projectCapacity(const topology::Topology& topology, const topology::CapacityPlan& plan,
                                   const CapacityOptions& options = {});

// ---- whitepaper mode and the topology-free calculator ------------------------

/// Inputs of the "SageMaker Studio Administration Best Practices" example; the defaults are the
/// paper's, and the calculator (`vpcsim capacity --users N --azs N ...`) takes any of them.
struct WhitepaperInputs {
  int azs = 3;
  int interface_endpoints = 10;   ///< per AZ
  bool efs = true;
  int users = 100;
  int kernel_gateway_instances = 2;  ///< per user, distinct instance types
  int training_instances = 1;        ///< per user, non-EFA
};

/// Every figure is an address count; a prefix is nullopt when even a /16 is too small.
struct WhitepaperResult {
  WhitepaperInputs inputs;
  int64_t per_az_domain = 0;  ///< 11: endpoints + EFS in one AZ
  int64_t domain_level = 0;   ///< 33: endpoints x AZs + EFS x AZs
  int64_t user_level = 0;     ///< 5: JupyterServer 1 + KernelGateway 2 + training 2
  int64_t one_user_total = 0; ///< 38
  int64_t paper_total = 0;    ///< 511: per-AZ domain-level (11) + users x user-level (500)
  std::optional<int> paper_prefix;  ///< 22
  int64_t vpc_total = 0;      ///< 533: all domain-level + users x user-level
  int64_t per_az_balanced = 0;  ///< per subnet with users spread evenly: 11 + ceil(500/3) = 178
  std::optional<int> per_az_balanced_prefix;
  int64_t per_az_n_minus_one = 0;  ///< one AZ lost: 11 + ceil(500/2) = 261 (the same as balanced with one AZ)
  std::optional<int> per_az_n_minus_one_prefix;
  std::string explanation;    ///< why the views differ
};

WhitepaperResult whitepaperExample(const WhitepaperInputs& inputs = {});

}  // namespace vpcsim::capacity

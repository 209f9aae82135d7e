// Tests for the IP-capacity engine: rules, formula, queueing, Monte Carlo, golden worked cases.
#include "capacity/capacity.h"
#include "formats/plan_file.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "reports/capacity_report.h"
#include "formats/loader.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)
using namespace vpcsim::capacity;  // NOLINT(google-build-using-namespace)

using namespace vpcsim;
using namespace vpcsim::topology;
using capacity::projectCapacity;

namespace {

// A VPC with these CIDR blocks and one subnet per entry of `subnets` (cidr, az), ids subnet-a, subnet-b, ...
Topology makeTopology(const std::vector<std::string>& vpc_cidrs,
                      const std::vector<std::pair<std::string, std::string>>& subnets) {
  Topology t;
  Vpc vpc;
  vpc.meta.id = "vpc-1";
  for (const auto& c : vpc_cidrs) vpc.cidrs.push_back(Cidr::parse(c).value());
  t.vpcs.push_back(vpc);
  char letter = 'a';
  for (const auto& [cidr, az] : subnets) {
    Subnet s;
    s.meta.id = std::string("subnet-") + letter++;
    s.vpc_id = "vpc-1";
    s.availability_zone = az;
    s.cidr = Cidr::parse(cidr).value();
    t.subnets.push_back(s);
  }
  t.finalize();
  return t;
}

Topology makeTopology(const std::string& vpc_cidr, const std::vector<std::pair<std::string, std::string>>& subnets) {
  return makeTopology(std::vector<std::string>{vpc_cidr}, subnets);
}

CapacityPlan parsePlan(const std::string& text) {
  CapacityPlan plan;
  std::vector<Diagnostic> errors;
  bool ok = parseCapacityPlan(text, "plan.yaml", ".", plan, errors);
  for (const auto& e : errors) UNSCOPED_INFO(e.str());
  REQUIRE(ok);
  return plan;
}

const capacity::SubnetProjection& subnet(const std::vector<capacity::SubnetProjection>& list, const std::string& id) {
  for (const auto& s : list)
    if (s.subnet_id == id) return s;
  FAIL("no projection for " << id);
  return list.front();
}

}  // namespace

TEST_CASE("usable addresses are two to the host bits minus five from /16 to /28", "[capacity]") {
  auto [prefix, usable] = GENERATE(table<int, int64_t>({{16, 65531}, {17, 32763}, {18, 16379}, {19, 8187},
                                                         {20, 4091}, {21, 2043}, {22, 1019}, {23, 507},
                                                         {24, 251}, {25, 123}, {26, 59}, {27, 27}, {28, 11},
                                                         {15, 0}, {29, 0}, {32, 0}}));
  CAPTURE(prefix);
  CHECK(capacity::usableAddresses(prefix) == usable);
}

TEST_CASE("the recommended prefix is the smallest subnet that holds the demand", "[capacity]") {
  auto [addresses, prefix] = GENERATE(table<double, int>({{0, 28}, {11, 28}, {11.5, 27}, {12, 27}, {251, 24},
                                                           {252, 23}, {511, 22}, {4091, 20}, {65531, 16}}));
  CAPTURE(addresses);
  CHECK(capacity::recommendedPrefix(addresses) == prefix);
  CHECK_FALSE(capacity::recommendedPrefix(65532).has_value());
}

TEST_CASE("every consumer kind takes the addresses of its rule", "[capacity]") {
  // ip-capacity.md, Consumers table.
  auto [kind, expected] = GENERATE(table<ConsumerKind, double>({
      {ConsumerKind::kJupyterServer, 1}, {ConsumerKind::kKernelGateway, 1}, {ConsumerKind::kSpace, 1},
      {ConsumerKind::kEfsMountTarget, 1}, {ConsumerKind::kInterfaceEndpoint, 1}, {ConsumerKind::kGatewayEndpoint, 0},
      {ConsumerKind::kNatGateway, 1}, {ConsumerKind::kNotebookInstance, 1}, {ConsumerKind::kLambda, 1},
      {ConsumerKind::kAlb, 8}, {ConsumerKind::kNlb, 1}, {ConsumerKind::kEcsTask, 1},
      {ConsumerKind::kEndpointInstance, 2}, {ConsumerKind::kCustom, 0}}));
  CAPTURE(consumerKindName(kind));
  CapacityPlan plan;
  Consumer c;
  c.kind = kind;
  CHECK(capacity::addressesPerUnit(c, plan) == expected);
  c.addresses = 3;  // every rule is overridable per consumer
  CHECK(capacity::addressesPerUnit(c, plan) == 3);
}

TEST_CASE("special consumer rules: NAT secondaries, endpoint EFA and blue/green, plan-wide overrides", "[capacity]") {
  CapacityPlan plan;
  Consumer nat;
  nat.kind = ConsumerKind::kNatGateway;
  nat.secondary_addresses = 2;
  CHECK(capacity::addressesPerUnit(nat, plan) == 3);
  Consumer endpoint;
  endpoint.kind = ConsumerKind::kEndpointInstance;
  endpoint.efa = true;
  CHECK(capacity::addressesPerUnit(endpoint, plan) == 5);
  endpoint.blue_green = true;
  CHECK(capacity::addressesPerUnit(endpoint, plan) == 10);
  plan.instance_types["ml.p5.48xlarge"].efa_addresses = 33;
  endpoint.instance_type = "ml.p5.48xlarge";
  CHECK(capacity::addressesPerUnit(endpoint, plan) == 66);
  plan.rules.interface_endpoint = 2;
  Consumer vpce;
  vpce.kind = ConsumerKind::kInterfaceEndpoint;
  CHECK(capacity::addressesPerUnit(vpce, plan) == 2);
}

TEST_CASE("job instances take 2 addresses, 5 with EFA, or the instance-type override", "[capacity]") {
  CapacityPlan plan;
  plan.instance_types["ml.p4d.24xlarge"] = InstanceTypeRule{3, 9};
  JobClass job;
  CHECK(capacity::addressesPerInstance(job, false, plan) == 2);
  CHECK(capacity::addressesPerInstance(job, true, plan) == 5);
  job.instance_type = "ml.p4d.24xlarge";
  CHECK(capacity::addressesPerInstance(job, false, plan) == 3);
  CHECK(capacity::addressesPerInstance(job, true, plan) == 9);
  job.addresses_per_instance = 4;
  CHECK(capacity::addressesPerInstance(job, true, plan) == 4);
}

TEST_CASE("series evaluate as constant, linear, compound, steps and fitted curves", "[capacity]") {
  Series linear;
  linear.kind = SeriesKind::kLinear;
  linear.start = 10;
  linear.per_month = 2;
  CHECK(capacity::seriesAt(linear, 6) == 22);
  Series compound;
  compound.kind = SeriesKind::kCompound;
  compound.start = 100;
  compound.monthly_growth = 0.1;
  CHECK(capacity::seriesAt(compound, 2) == Approx(121));
  Series steps;
  steps.kind = SeriesKind::kSteps;
  steps.steps = {{0, 5}, {12, 9}};
  CHECK(capacity::seriesAt(steps, 11) == 5);
  CHECK(capacity::seriesAt(steps, 12) == 9);
  Series shrinking = linear;
  shrinking.per_month = -5;
  CHECK(capacity::seriesAt(shrinking, 10) == 0);  // never negative
  // A history on the line 4 + 3*month (months -3..0) fits exactly; month 0 is the last row.
  Series fitted;
  fitted.kind = SeriesKind::kFitted;
  fitted.history = {{1, -5}, {2, -2}, {3, 1}, {4, 4}};
  auto [a, b] = capacity::fitHistory(fitted.history, FitModel::kLinear);
  CHECK(a == Approx(4));
  CHECK(b == Approx(3));
  CHECK(capacity::seriesAt(fitted, 2) == Approx(10));
  // 100 * 1.1^m for m = -3..0 fits a 10 % compound growth.
  fitted.fit = FitModel::kCompound;
  fitted.history = {{-3, 100 / 1.331}, {-2, 100 / 1.21}, {-1, 100 / 1.1}, {0, 100}};
  CHECK(capacity::seriesAt(fitted, 1) == Approx(110));
  CHECK(capacity::seriesAt(fitted, 12) == Approx(100 * std::pow(1.1, 12)));
}

TEST_CASE("monthly and yearly growth compound together and saturate far above any subnet", "[capacity]") {
  // start x (1 + g_month)^m x (1 + g_year)^(m / 12).
  auto [monthly, yearly, month, expected] = GENERATE(table<double, double, int, double>({
      {0.0, 0.5, 12, 150},             // 50 % a year: 1.5 x after 12 months
      {0.0, 0.5, 6, 100 * std::sqrt(1.5)},  // spread evenly: half a year is sqrt(1.5)
      {0.1, 0.0, 2, 121},              // monthly alone
      {0.1, 1.0, 12, 100 * std::pow(1.1, 12) * 2},  // both
      {-1.0, 0.0, 3, 0},               // -100 % a month: gone after month 0
      {1.0, 0.0, 600, capacity::kMaxSeriesValue},    // 2^600 saturates at 10^12
      {10.0, 1000.0, 600, capacity::kMaxSeriesValue},  // the largest growth in range stays finite
  }));
  CAPTURE(monthly, yearly, month);
  Series series;
  series.kind = SeriesKind::kCompound;
  series.start = 100;
  series.monthly_growth = monthly;
  series.yearly_growth = yearly;
  CHECK(seriesAt(series, month) == Approx(expected));
}

TEST_CASE("a plan with explosive growth runs in bounded memory and says when it is too large", "[capacity]") {
  // monthly_growth 1 doubles every month: 2^36 x 10 jobs a day at month 36. Loads saturate at 65,536
  // addresses, so the histograms stay small; the subnet runs out at month 0 (p99 of Poisson(10 x 2 / 24 x 24)
  // jobs x 200 addresses > 251) and needs more than a /16 by the end.
  auto topology = makeTopology("10.0.0.0/16", {{"10.0.0.0/24", "az-a"}, {"10.0.1.0/24", "az-b"}});
  const std::string jobs =
      "jobs:\n  - {arrivals_per_day: {start: 240, monthly_growth: 1}, duration_hours: 2, instances_per_job: 100}\n";
  auto plan = parsePlan("horizon_months: 36\ntrials: 200\npercentiles: [99]\n" + jobs);
  auto result = projectCapacity(topology, plan);
  REQUIRE(result.errors.empty());
  for (const auto& s : result.subnets) {
    CAPTURE(s.subnet_id);
    CHECK(s.exhaustion_month == 0);
    CHECK_FALSE(s.recommended_prefix.has_value());
    CHECK(s.months[36].simulated[0] == static_cast<double>(capacity::kSaturatedLoad));
  }
  CHECK(result.subnet_plans.at(0).statement ==
        "2 subnet(s) need more addresses than a /16 holds (65,531, the largest subnet AWS allows): split their load "
        "over more subnets");
  // Ordered placement of that many jobs, or ten million trials over 600 months: refused, not run.
  for (const std::string& extra : {std::string("placement: first_fit\n"), std::string()}) {
    CAPTURE(extra);
    auto big = parsePlan("horizon_months: 36\ntrials: 200000\npercentiles: [99]\n" + extra + jobs);
    capacity::CapacityOptions options;
    if (extra.empty()) {
      options.horizon_months = 600;
      options.trials = 10000000;
    }
    auto refused = projectCapacity(topology, big, options);
    REQUIRE(refused.errors.size() == 1);
    CHECK(refused.errors[0].code == "too-large");
    CHECK(refused.errors[0].message.rfind("too large: the Monte Carlo would take about ", 0) == 0);
    CHECK(refused.subnets.empty());
  }
}

TEST_CASE("the Poisson quantile matches hand-computed values", "[capacity]") {
  // Hand/CDF values: P(N<=1 | 1) = 0.7358; P(N<=14 | 10) = 0.9165, P(N<=15 | 10) = 0.9513;
  // P(N<=5 | 2) = 0.9834, P(N<=6 | 2) = 0.9955.
  auto [mean, q, k] = GENERATE(table<double, double, int64_t>({{1, 0.5, 1}, {2, 0.5, 2}, {2, 0.99, 6},
                                                               {10, 0.95, 15}, {0.6667, 0.95, 2}, {100, 0.99, 124},
                                                               {2.5, 0.9, 5}, {50, 0.5, 50}, {0, 0.99, 0}}));
  CAPTURE(mean, q);
  CHECK(capacity::poissonQuantile(mean, q) == k);
}

TEST_CASE("Poisson samples have the right mean within sampling error", "[capacity]") {
  auto mean = GENERATE(0.3, 2.0, 29.5, 75.0, 1000.0);
  CAPTURE(mean);
  const int n = 20000;
  // Two seeds of the Monte Carlo's generator. Standard error of the mean is sqrt(mean / n);
  // allow 4 of them.
  for (uint64_t seed : {uint64_t{7}, uint64_t{8}}) {
    capacity::Xoshiro256StarStar rng(seed);
    double total = 0;
    for (int i = 0; i < n; ++i) total += static_cast<double>(capacity::poissonSample(mean, rng));
    CHECK(std::abs(total / n - mean) <= 4 * std::sqrt(mean / n));
  }
}

TEST_CASE("Poisson probabilities match the formula and sum to one", "[capacity]") {
  auto mean = GENERATE(0.01, 0.5, 4.0, 30.0, 700.0, 5000.0);
  CAPTURE(mean);
  const std::vector<double> pmf = capacity::poissonPmf(mean);
  REQUIRE(pmf.size() > static_cast<std::size_t>(mean));
  double total = 0;
  double first_moment = 0;
  for (std::size_t k = 0; k < pmf.size(); ++k) {
    total += pmf[k];
    first_moment += static_cast<double>(k) * pmf[k];
  }
  // The mode's log-probability carries the rounding of lgamma (about 1e-16 of its size).
  CHECK(total == Approx(1).epsilon(1e-10));
  CHECK(first_moment == Approx(mean).epsilon(1e-10));
  // The formula exp(-m) m^k / k! in logs, at the mode and one standard deviation above it.
  for (auto k : {static_cast<std::size_t>(mean), static_cast<std::size_t>(mean + std::sqrt(mean)) + 1}) {
    CAPTURE(k);
    const double kd = static_cast<double>(k);
    CHECK(pmf[k] == Approx(std::exp(kd * std::log(mean) - mean - std::lgamma(kd + 1))).epsilon(1e-9));
  }
  CHECK(capacity::poissonPmf(0) == std::vector<double>{1.0});
  CHECK(capacity::poissonPmf(mean, 3).empty());  // more terms needed than allowed
}

TEST_CASE("bounded integers from the Monte Carlo generator are uniform", "[capacity]") {
  capacity::Xoshiro256StarStar rng(11);
  constexpr uint32_t kBuckets = 168;
  constexpr int kPer = 1000;
  std::vector<int> count(kBuckets, 0);
  for (uint32_t i = 0; i < kBuckets * kPer; ++i) {
    const uint32_t v = capacity::uniformBelow(kBuckets, rng);
    REQUIRE(v < kBuckets);
    ++count[v];
  }
  // Each count is Binomial(168,000, 1/168): standard deviation about 31.5; allow 5 of them.
  for (uint32_t b = 0; b < kBuckets; ++b) {
    CAPTURE(b);
    CHECK(std::abs(count[b] - kPer) <= 158);
  }
  CHECK(capacity::uniformBelow(1, rng) == 0);
}

TEST_CASE("analytic and Monte Carlo job concurrency agree within sampling error", "[capacity]") {
  // Jobs per day, hours, instances, EFA share, subnets: concurrency is Poisson(rate x duration).
  auto [per_day, hours, instances, efa, business] = GENERATE(table<double, double, int, double, bool>({
      {24, 2, 1, 0, false}, {48, 0.5, 4, 0, false}, {6, 10, 2, 0, false}, {12, 3, 8, 1, false},
      {24, 2, 1, 0, true}, {120, 1, 2, 0, true}}));
  CAPTURE(per_day, hours, instances, efa, business);
  const int trials = 20000;
  auto topology = makeTopology("10.0.0.0/16", {{"10.0.0.0/20", "az-a"}});
  CapacityPlan plan;
  plan.horizon_months = 0;
  plan.trials = trials;
  plan.percentiles = {50, 90};
  plan.n_minus_one = false;
  JobClass job;
  job.name = "t";
  job.arrivals_per_day = Series::constant(per_day);
  job.duration_hours = Series::constant(hours);
  job.instances_per_job = Series::constant(instances);
  job.efa_share = Series::constant(efa);
  job.business_hours = business;
  plan.jobs.push_back(job);
  auto result = projectCapacity(topology, plan);
  REQUIRE(result.subnets.size() == 1);
  const auto& m = result.subnets[0].months[0];
  const double per_job = instances * (efa > 0 ? 5.0 : 2.0);
  const double mu = per_day / 24 * hours;
  CHECK(m.expected == Approx(mu * per_job));
  // Mean: standard error sqrt(var / n) with var = per_job^2 * mu for a stationary Poisson;
  // business hours make the count a mixture over the week, so allow a wider band there.
  const double se = per_job * std::sqrt(mu / trials) * (business ? 3 : 1);
  CHECK(std::abs(m.simulated_mean - m.expected) <= 5 * se + 0.05 * per_job * (business ? 1 : 0));
  if (!business) {
    // Quantiles: the empirical q-quantile lies between the true (q -/+ d)-quantiles,
    // d = 4 sqrt(q (1 - q) / n) (binomial standard error of the empirical CDF).
    for (std::size_t i = 0; i < plan.percentiles.size(); ++i) {
      const double q = plan.percentiles[i] / 100;
      const double d = 4 * std::sqrt(q * (1 - q) / trials);
      CAPTURE(q);
      CHECK(m.analytic[i] == Approx(per_job * static_cast<double>(capacity::poissonQuantile(mu, q))));
      CHECK(m.simulated[i] >= per_job * static_cast<double>(capacity::poissonQuantile(mu, q - d)));
      CHECK(m.simulated[i] <= per_job * static_cast<double>(capacity::poissonQuantile(mu, q + d)));
    }
  }
}

namespace {

// P(N = k) for N ~ Poisson(mean), k = 0..limit, straight from the recurrence.
std::vector<double> poissonLaw(double mean, std::size_t limit = 400) {
  std::vector<double> p(limit + 1, 0.0);
  p[0] = std::exp(-mean);
  for (std::size_t k = 1; k <= limit; ++k) p[k] = p[k - 1] * mean / static_cast<double>(k);
  return p;
}

// Law of a x N_plain + b x N_efa, independent Poisson counts with means plain and efa.
std::vector<double> loadLaw(double plain, std::size_t a, double efa, std::size_t b) {
  const auto pn = poissonLaw(plain);
  const auto pe = poissonLaw(efa);
  std::vector<double> law(a * (pn.size() - 1) + b * (pe.size() - 1) + 1, 0.0);
  for (std::size_t i = 0; i < pn.size(); ++i)
    for (std::size_t j = 0; j < pe.size(); ++j) law[a * i + b * j] += pn[i] * pe[j];
  return law;
}

std::vector<double> mixture(const std::vector<double>& x, const std::vector<double>& y, double weight_y) {
  std::vector<double> out(std::max(x.size(), y.size()), 0.0);
  for (std::size_t v = 0; v < x.size(); ++v) out[v] += (1 - weight_y) * x[v];
  for (std::size_t v = 0; v < y.size(); ++v) out[v] += weight_y * y[v];
  return out;
}

std::vector<double> convolution(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> out(x.size() + y.size() - 1, 0.0);
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = 0; j < y.size(); ++j) out[i + j] += x[i] * y[j];
  return out;
}

// Smallest v with P(load <= v) >= q.
double quantile(const std::vector<double>& law, double q) {
  double cdf = 0;
  for (std::size_t v = 0; v < law.size(); ++v) {
    cdf += law[v];
    if (cdf >= q) return static_cast<double>(v);
  }
  return static_cast<double>(law.size() - 1);
}

// The simulated mean, percentiles and exhaustion probability of one subnet-month agree with
// the exact law of its load within sampling error (trials independent draws).
void checkAgainstLaw(const capacity::MonthUse& m, const std::vector<double>& law, const std::vector<double>& percentiles,
                     int trials, int64_t capacity) {
  double mean = 0;
  double second = 0;
  double over = 0;
  for (std::size_t v = 0; v < law.size(); ++v) {
    const double x = static_cast<double>(v);
    mean += x * law[v];
    second += x * x * law[v];
    if (x > static_cast<double>(capacity)) over += law[v];
  }
  const double sd = std::sqrt(second - mean * mean);
  CHECK(m.expected == Approx(mean).epsilon(1e-9));
  CHECK(std::abs(m.simulated_mean - mean) <= 5 * sd / std::sqrt(trials));
  CHECK(std::abs(m.p_exhausted - over) <= 5 * std::sqrt(over * (1 - over) / trials) + 1e-12);
  REQUIRE(m.simulated.size() == percentiles.size());
  for (std::size_t i = 0; i < percentiles.size(); ++i) {
    // The empirical q-quantile lies between the true (q -/+ d)-quantiles, d = 5 binomial
    // standard errors of the empirical CDF.
    const double q = percentiles[i] / 100;
    const double d = 5 * std::sqrt(q * (1 - q) / trials);
    CAPTURE(q, m.simulated[i], quantile(law, q - d), quantile(law, q + d));
    CHECK(m.simulated[i] >= quantile(law, q - d));
    CHECK(m.simulated[i] <= quantile(law, q + d));
  }
}

// A plan for this month only, without N-1: the Monte Carlo of one subnet-month.
CapacityPlan oneMonthPlan(int trials, std::vector<double> percentiles) {
  CapacityPlan plan;
  plan.horizon_months = 0;
  plan.trials = trials;
  plan.percentiles = std::move(percentiles);
  plan.n_minus_one = false;
  return plan;
}

}  // namespace

TEST_CASE("Monte Carlo loads with a mixed EFA share and bursts follow the exact compound Poisson law",
          "[capacity]") {
  // One flat class: 4 jobs in the system on average, 30 % on EFA (5 addresses per instance,
  // else 2), bursts 20 % of the time at 3x. The load is 2 N + 5 M with N, M Poisson, mixed
  // over the burst state; a /28 (11 addresses) runs out about half the time.
  const int trials = 40000;
  auto topology = makeTopology("10.0.0.0/16", {{"10.0.0.0/28", "az-a"}});
  CapacityPlan plan = oneMonthPlan(trials, {10, 25, 50, 75, 90, 99});
  JobClass job;
  job.name = "mixed";
  job.arrivals_per_day = Series::constant(48);
  job.duration_hours = Series::constant(2);
  job.efa_share = Series::constant(0.3);
  job.burst_probability = 0.2;
  job.burst_multiplier = 3;
  plan.jobs.push_back(job);
  auto result = projectCapacity(topology, plan);
  REQUIRE(result.subnets.size() == 1);
  const auto quiet = loadLaw(4 * 0.7, 2, 4 * 0.3, 5);
  const auto busy = loadLaw(12 * 0.7, 2, 12 * 0.3, 5);
  checkAgainstLaw(result.subnets[0].months[0], mixture(quiet, busy, 0.2), plan.percentiles, trials, 11);
}

TEST_CASE("Monte Carlo loads of job classes sharing a subnet add up with independent bursts", "[capacity]") {
  // Class A spreads 6 jobs in the system over subnets a and b, bursting 20 % of the time at
  // 3x; class B puts 2 jobs of 2 instances (half on EFA) in subnet a only, bursting 10 % of the
  // time at 2x. Subnet a's load is A's share plus B's; subnet b's is A's share alone.
  const int trials = 40000;
  auto topology = makeTopology("10.0.0.0/16", {{"10.0.0.0/26", "az-a"}, {"10.0.1.0/26", "az-b"}});
  auto plan = parsePlan("horizon_months: 0\ntrials: 40000\npercentiles: [5, 50, 90, 99]\nn_minus_one: false\njobs:\n"
                        "  - {name: a, arrivals_per_day: 72, duration_hours: 2, burst: {probability: 0.2, multiplier: 3}}\n"
                        "  - {name: b, arrivals_per_day: 24, duration_hours: 2, instances_per_job: 2, efa_share: 0.5,\n"
                        "     subnets: [subnet-a], burst: {probability: 0.1, multiplier: 2}}\n");
  auto result = projectCapacity(topology, plan);
  REQUIRE(result.subnets.size() == 2);
  const auto a_share = mixture(loadLaw(3, 2, 0, 5), loadLaw(9, 2, 0, 5), 0.2);
  const auto b_load = mixture(loadLaw(1, 4, 1, 10), loadLaw(2, 4, 2, 10), 0.1);
  {
    INFO("subnet-a");
    checkAgainstLaw(subnet(result.subnets, "subnet-a").months[0], convolution(a_share, b_load), plan.percentiles,
                    trials, 59);
  }
  {
    INFO("subnet-b");
    checkAgainstLaw(subnet(result.subnets, "subnet-b").months[0], a_share, plan.percentiles, trials, 59);
  }
}

TEST_CASE("Monte Carlo loads too large to tabulate are drawn directly from the same law", "[capacity]") {
  // 100 jobs of 100 EFA instances (500 addresses each) in the system on average: loads around
  // 50,000 addresses, beyond the 2^15 of a load table. A /16 holds 65,531, so it runs out
  // when more than 131 jobs run (about 0.15 % of the time).
  const int trials = 4000;
  auto topology = makeTopology("10.0.0.0/16", {{"10.0.0.0/16", "az-a"}});
  CapacityPlan plan = oneMonthPlan(trials, {5, 50, 95});
  JobClass job;
  job.name = "huge";
  job.arrivals_per_day = Series::constant(1200);
  job.duration_hours = Series::constant(2);
  job.instances_per_job = Series::constant(100);
  job.efa_share = Series::constant(1);
  plan.jobs.push_back(job);
  auto result = projectCapacity(topology, plan);
  REQUIRE(result.subnets.size() == 1);
  checkAgainstLaw(result.subnets[0].months[0], loadLaw(0, 200, 100, 500), plan.percentiles, trials, 65531);
}

TEST_CASE("the Monte Carlo projection is identical for the same seed", "[capacity]") {
  auto topology = makeTopology("10.0.0.0/16", {{"10.0.0.0/24", "az-a"}, {"10.0.1.0/24", "az-b"}});
  auto plan = parsePlan("trials: 500\nhorizon_months: 3\njobs:\n  - {arrivals_per_day: 40, duration_hours: 3, "
                        "instances_per_job: 3, business_hours: true, burst: {probability: 0.1, multiplier: 4}}\n");
  auto first = reports::capacityJson(projectCapacity(topology, plan));
  CHECK(first == reports::capacityJson(projectCapacity(topology, plan)));
  capacity::CapacityOptions other;
  other.seed = 43;
  CHECK(first != reports::capacityJson(projectCapacity(topology, plan, other)));
}

TEST_CASE("golden: the whitepaper example takes 38 addresses for one user and 511 for 100", "[capacity][golden]") {
  // SageMaker Studio Administration Best Practices, Network management:
  // domain-level = 10 endpoints x 3 AZs + 1 EFS mount target x 3 AZs = 33;
  // user-level = JupyterServer 1 + 2 KernelGateway instances x 1 + 1 training instance x 2 = 5;
  // one user: 33 + 5 = 38. 100 users by the paper: 11 (one AZ's domain-level) + 100 x 5 = 511 > 507 (/23) -> /22.
  // Strictly per AZ: 11 + ceil(500 / 3) = 178 -> /24 (251); with one AZ lost 11 + 250 = 261 -> /23 (507);
  // the VPC as a whole 33 + 500 = 533.
  auto r = capacity::whitepaperExample();
  CHECK(r.domain_level == 33);
  CHECK(r.user_level == 5);
  CHECK(r.one_user_total == 38);
  CHECK(r.paper_total == 511);
  CHECK(r.paper_prefix == 22);
  CHECK(r.vpc_total == 533);
  CHECK(r.per_az_balanced == 178);
  CHECK(r.per_az_balanced_prefix == 24);
  CHECK(r.per_az_n_minus_one == 261);
  CHECK(r.per_az_n_minus_one_prefix == 23);
  auto text = reports::whitepaperText(r);
  CHECK(text.find("paper's arithmetic: 511 -> /22") != std::string::npos);
  CHECK(text.find("why they differ: ") != std::string::npos);
}

TEST_CASE("golden: the whitepaper users projected on three /24 subnets", "[capacity][golden]") {
  // Same inputs as the paper through the engine. Per subnet (3 AZs): 10 endpoints + 1 EFS = 11,
  // 100 JupyterServers spread -> 33.33 expected (ceil 34), 200 KernelGateway instances -> 66.67 (67),
  // 100 training instances x 2 -> 66.67 (34 x 2 = 68). Expected 11 + 500 / 3 = 177.67; whole units 180.
  auto topology = makeTopology("10.0.0.0/16", {{"10.0.0.0/24", "az-a"}, {"10.0.1.0/24", "az-b"}, {"10.0.2.0/24", "az-c"}});
  auto plan = parsePlan(
      "horizon_months: 0\ntrials: 0\npercentiles: [95]\nn_minus_one: false\nconsumers:\n"
      "  - {kind: interface_endpoint, count: 10}\n  - {kind: efs_mount_target}\n"
      "  - {kind: jupyter_server, count: 100}\n  - {kind: kernel_gateway, count: 200}\n"
      "  - {kind: custom, name: training-instances, count: 100, addresses: 2}\n");
  auto result = projectCapacity(topology, plan);
  REQUIRE(result.subnets.size() == 3);
  for (const auto& s : result.subnets) {
    CAPTURE(s.subnet_id);
    CHECK(s.months[0].expected == Approx(11 + 500.0 / 3));
    CHECK(s.months[0].analytic[0] == 180);
    CHECK(s.capacity == 251);
    CHECK_FALSE(s.exhaustion_month.has_value());
    CHECK(s.recommended_prefix == 24);
  }
}

TEST_CASE("golden: an EFA training cluster overflows a /24 at the 99th percentile", "[capacity][golden]") {
  // One job an hour (24 a day), 2 hours fixed: Poisson(2) jobs at once. 16 EFA instances x 5 = 80
  // addresses per job. Expected 2 x 80 = 160 <= 251; p50 = 2 jobs = 160; p99 = 6 jobs
  // (P(N<=5) = 0.983, P(N<=6) = 0.9955) = 480 > 251, so the /24 runs out at month 0 and
  // a /23 (507) is recommended.
  auto topology = makeTopology("10.0.0.0/16", {{"10.0.0.0/24", "az-a"}});
  auto plan = parsePlan("horizon_months: 2\ntrials: 0\npercentiles: [50, 99]\njobs:\n"
                        "  - {name: llm, arrivals_per_day: 24, duration_hours: 2, duration_distribution: fixed, "
                        "instances_per_job: 16, efa_share: 1, instance_type: ml.p4d.24xlarge}\n");
  auto result = projectCapacity(topology, plan);
  const auto& s = result.subnets.at(0);
  CHECK(s.months[0].expected == Approx(160));
  CHECK(s.months[0].analytic == std::vector<double>{160, 480});
  CHECK(s.exhaustion_month == 0);
  CHECK_FALSE(s.expected_exhaustion_month.has_value());
  CHECK(s.recommended_prefix == 23);
  // With a per-type override of 9 addresses per EFA instance: 144 per job, p99 = 864 -> /22.
  plan.instance_types["ml.p4d.24xlarge"].efa_addresses = 9;
  auto bigger = projectCapacity(topology, plan);
  CHECK(bigger.subnets.at(0).months[0].analytic[1] == 864);
  CHECK(bigger.subnets.at(0).recommended_prefix == 22);
}

TEST_CASE("golden: losing an AZ moves its spaces to the other subnet, which then runs out", "[capacity][golden]") {
  // Two /26 subnets (59 usable). Per subnet: 5 endpoints + 80 spaces / 2 = 45 -> fits.
  // AZ a lost: subnet-b holds 5 + 80 = 85 > 59 -> runs out at month 0; /25 (123) recommended,
  // and the subnet plan asks for two /25s. Both old /26s (10.0.0.0-127) stay while the workload
  // moves, so only 10.0.0.128/25 is free in the /24 VPC: subnet-a gets it, subnet-b needs a
  // secondary block of /25.
  auto topology = makeTopology("10.0.0.0/24", {{"10.0.0.0/26", "az-a"}, {"10.0.0.64/26", "az-b"}});
  auto plan = parsePlan("horizon_months: 0\ntrials: 0\npercentiles: [95]\nconsumers:\n"
                        "  - {kind: interface_endpoint, count: 5}\n  - {kind: space, count: 80}\n");
  auto result = projectCapacity(topology, plan);
  CHECK(subnet(result.subnets, "subnet-a").months[0].expected == 45);
  CHECK_FALSE(subnet(result.subnets, "subnet-a").exhaustion_month.has_value());
  REQUIRE(result.n_minus_one.size() == 2);
  CHECK(result.n_minus_one[0].lost_az == "az-a");
  REQUIRE(result.n_minus_one[0].subnets.size() == 1);
  const auto& survivor = result.n_minus_one[0].subnets[0];
  CHECK(survivor.subnet_id == "subnet-b");
  CHECK(survivor.months[0].expected == 85);
  CHECK(survivor.exhaustion_month == 0);
  CHECK(survivor.recommended_prefix == 25);
  REQUIRE(result.subnet_plans.size() == 1);
  const auto& sp = result.subnet_plans[0];
  CHECK_FALSE(sp.fits);
  REQUIRE(sp.subnets.size() == 2);
  CHECK(sp.subnets[0].cidr == "10.0.0.128/25");
  CHECK(sp.subnets[1].cidr.empty());
  CHECK(sp.secondary_cidr_prefix == 25);
}

TEST_CASE("golden: with first-fit placement one subnet fills while the others have room", "[capacity][golden]") {
  // Three /27 subnets (27 usable). Poisson(2) jobs at once (24 a day x 2 h), 5 instances x 2 = 10
  // addresses per job. First fit puts at most 2 jobs (20) in subnet-a (a third needs 30 > 27), then b,
  // then c. Jobs in a = min(N, 2): P(a <= 10) = P(N <= 1) = 0.406 < 0.5, so a's median is 20 with 7 free,
  // less than one job; c gets a job only when N >= 5 (P = 0.053), so c's median is 0: 27 free.
  auto topology = makeTopology("10.0.0.0/24", {{"10.0.0.0/27", "az-a"}, {"10.0.0.32/27", "az-b"}, {"10.0.0.64/27", "az-c"}});
  auto plan = parsePlan("horizon_months: 0\ntrials: 20000\npercentiles: [50]\nplacement: first_fit\nn_minus_one: false\n"
                        "jobs:\n  - {arrivals_per_day: 24, duration_hours: 2, duration_distribution: fixed, "
                        "instances_per_job: 5}\n");
  auto result = projectCapacity(topology, plan);
  const auto& a = subnet(result.subnets, "subnet-a");
  const auto& c = subnet(result.subnets, "subnet-c");
  CHECK(a.months[0].simulated[0] == 20);
  CHECK(c.months[0].simulated[0] == 0);
  // a overflows only when all three are full: N >= 7, P = 0.0045; 4 binomial standard errors.
  CHECK(a.months[0].p_exhausted <= 0.0045 + 4 * std::sqrt(0.0045 / 20000));
  // c overflows only when every subnet is full and the fallback (most free) reaches it: N >= 9, P = 0.00024.
  CHECK(c.months[0].p_exhausted <= 0.00024 + 4 * std::sqrt(0.00024 / 20000));
  CHECK(subnet(result.subnets, "subnet-b").months[0].simulated[0] == 0);
}

TEST_CASE("golden: linear growth of spaces exhausts a /26 in month 14", "[capacity][golden]") {
  // 20 spaces + 3 a month in one /26 (59): 20 + 3m > 59 first at m = 14 (62). At month 24, 92 -> /25 (123).
  auto topology = makeTopology("10.0.0.0/24", {{"10.0.0.0/26", "az-a"}});
  auto plan = parsePlan("horizon_months: 24\ntrials: 0\nconsumers:\n  - {kind: space, count: {start: 20, per_month: 3}}\n");
  auto result = projectCapacity(topology, plan);
  const auto& s = result.subnets.at(0);
  CHECK(s.months[13].expected == 59);
  CHECK(s.exhaustion_month == 14);
  CHECK(s.expected_exhaustion_month == 14);
  CHECK(s.peak == 92);
  CHECK(s.recommended_prefix == 25);
  CHECK(s.months[24].headroom == 59 - 92);
}

TEST_CASE("golden: resized subnets that no longer fit the VPC need a secondary CIDR", "[capacity][golden]") {
  // Two /26 in a /24 VPC, 200 spaces each (400 spread over 2): 200 > 123 -> /24 (251) each. The only /24
  // of the VPC is the VPC itself, which overlaps both old subnets (they stay while the workload moves):
  // neither fits, 512 addresses are missing, a secondary /23.
  auto topology = makeTopology("10.0.0.0/24", {{"10.0.0.0/26", "az-a"}, {"10.0.0.64/26", "az-b"}});
  auto plan = parsePlan("horizon_months: 0\ntrials: 0\nn_minus_one: false\nconsumers:\n  - {kind: space, count: 400}\n");
  auto result = projectCapacity(topology, plan);
  REQUIRE(result.subnet_plans.size() == 1);
  const auto& sp = result.subnet_plans[0];
  CHECK_FALSE(sp.fits);
  CHECK(sp.secondary_cidr_prefix == 23);
  CHECK(sp.subnets[0].cidr.empty());
  CHECK(sp.subnets[1].cidr.empty());
  CHECK(sp.statement ==
        "no free block of the needed size is left in vpc-1's CIDR blocks for 2 of the resized subnets (a new subnet "
        "cannot overlap any existing one, the one it replaces included): associate a secondary IPv4 CIDR block of "
        "/23 or larger with the VPC (VPC User Guide, \"Add or remove a CIDR block from your VPC\") and create them "
        "there");
}

TEST_CASE("a replacement subnet never overlaps the subnet it replaces, another subnet or another proposal",
          "[capacity]") {
  // Each row: the VPC's CIDR blocks, its subnets (cidr, az; subnet-a, subnet-b, ... in order), the subnets in
  // scope, the addresses each scope subnet must hold (a custom consumer in that subnet), and the CIDR proposed
  // for each scope subnet ("" = needs the secondary block; the old CIDR when it is kept).
  struct Row {
    const char* name;
    std::vector<std::string> vpc_cidrs;
    std::vector<std::pair<std::string, std::string>> subnets;
    std::vector<std::pair<std::string, int>> demand;  // (subnet, addresses)
    std::vector<std::string> proposed;                // per demand row, in subnet ID order
    bool fits;
  };
  auto row = GENERATE(values<Row>({
      // /23 for 10.0.1.0/24: 10.0.0.0/23 would contain it; the next aligned /23 is 10.0.2.0/23.
      {"adjacent", {"10.0.0.0/16"}, {{"10.0.1.0/24", "az-a"}}, {{"subnet-a", 300}}, {"10.0.2.0/23"}, true},
      // /25 for 10.0.0.0/26 in a /24: .0/25 overlaps it, the next aligned /25 (.128) is free.
      {"alignment", {"10.0.0.0/24"}, {{"10.0.0.0/26", "az-a"}}, {{"subnet-a", 100}}, {"10.0.0.128/25"}, true},
      // The VPC is full: both halves are subnets, no /24 is free.
      {"vpc full", {"10.0.0.0/24"}, {{"10.0.0.0/25", "az-a"}, {"10.0.0.128/25", "az-b"}}, {{"subnet-a", 200}}, {""},
       false},
      // Two replacements: neither overlaps the old /26s (10.0.0.0/25) nor each other.
      {"two proposals", {"10.0.0.0/22"}, {{"10.0.0.0/26", "az-a"}, {"10.0.0.64/26", "az-b"}},
       {{"subnet-a", 200}, {"subnet-b", 200}}, {"10.0.1.0/24", "10.0.2.0/24"}, true},
      // A subnet out of scope still blocks its range.
      {"subnet out of scope", {"10.0.0.0/23"}, {{"10.0.0.0/26", "az-a"}, {"10.0.1.0/24", "az-b"}},
       {{"subnet-a", 200}}, {""}, false},
      // The secondary block of the VPC takes the replacement.
      {"secondary block", {"10.0.0.0/24", "10.1.0.0/24"}, {{"10.0.0.0/25", "az-a"}}, {{"subnet-a", 200}},
       {"10.1.0.0/24"}, true},
      // Large enough already: kept as it is.
      {"kept", {"10.0.0.0/24"}, {{"10.0.0.0/25", "az-a"}}, {{"subnet-a", 100}}, {"10.0.0.0/25"}, true},
  }));
  CAPTURE(row.name);
  const Topology topology = makeTopology(row.vpc_cidrs, row.subnets);
  std::string text = "horizon_months: 0\ntrials: 0\nn_minus_one: false\nsubnets: [";
  for (std::size_t i = 0; i < row.demand.size(); ++i) text += (i ? ", " : "") + row.demand[i].first;
  text += "]\nconsumers:\n";
  for (const auto& [id, addresses] : row.demand)
    text += "  - {kind: custom, name: load-" + id + ", count: " + std::to_string(addresses) +
            ", addresses: 1, subnet: " + id + "}\n";
  auto result = projectCapacity(topology, parsePlan(text));
  REQUIRE(result.subnet_plans.size() == 1);
  const auto& plan = result.subnet_plans[0];
  CHECK(plan.fits == row.fits);
  std::vector<std::string> proposed;
  for (const auto& s : plan.subnets) proposed.push_back(s.cidr);
  CHECK(proposed == row.proposed);
  // Whatever the row: no proposal overlaps an existing subnet other than itself when kept, or another proposal.
  for (std::size_t i = 0; i < plan.subnets.size(); ++i) {
    if (plan.subnets[i].cidr.empty() || !plan.subnets[i].is_new) continue;
    const Cidr mine = Cidr::parse(plan.subnets[i].cidr).value();
    for (const auto& s : topology.subnets) CHECK_FALSE(mine.overlaps(s.cidr));
    for (std::size_t j = 0; j < plan.subnets.size(); ++j)
      if (j != i && !plan.subnets[j].cidr.empty()) CHECK_FALSE(mine.overlaps(Cidr::parse(plan.subnets[j].cidr).value()));
  }
}

TEST_CASE("an EFA instance of a known SageMaker type takes one address per EFA interface plus one", "[capacity]") {
  // capacity/instance_types.h: EFA interfaces per type (one per network card); never below the
  // efa_instance rule of 5. Without EFA every type takes the job_instance rule, 2.
  auto [type, efa, expected, known] = GENERATE(table<std::string, bool, double, bool>({
      {"ml.p5.48xlarge", true, 33, true},     // 32 EFA interfaces + 1
      {"ml.p4d.24xlarge", true, 5, true},     // 4 + 1
      {"ml.trn1n.32xlarge", true, 17, true},  // 16 + 1
      {"ml.trn1.32xlarge", true, 9, true},    // 8 + 1
      {"ml.p3dn.24xlarge", true, 5, true},    // 1 + 1 = 2, the rule's 5 is the minimum
      {"ml.p5.48xlarge", false, 2, true},     // no EFA: the plain rule
      {"ml.m5.xlarge", true, 5, false},       // unknown: the rule, and a warning
      {"ml.p9.96xlarge", false, 2, false},
  }));
  CAPTURE(type, efa);
  CapacityPlan plan;
  JobClass job;
  job.instance_type = type;
  CHECK(capacity::addressesPerInstance(job, efa, plan) == expected);
  CHECK(capacity::knownInstanceType(type, plan) == known);
  // The plan's own row wins over the table.
  plan.instance_types[type].efa_addresses = 40;
  plan.instance_types[type].addresses = 3;
  CHECK(capacity::addressesPerInstance(job, efa, plan) == (efa ? 40 : 3));
}

TEST_CASE("an instance type nobody knows is said out loud, with the plan line, not silently defaulted",
          "[capacity]") {
  auto topology = makeTopology("10.0.0.0/16", {{"10.0.0.0/24", "az-a"}});
  auto plan = parsePlan("horizon_months: 0\ntrials: 0\nn_minus_one: false\ninstance_types:\n"
                        "  ml.custom.xlarge: {addresses: 3}\njobs:\n"
                        "  - {name: known, arrivals_per_day: 1, instance_type: ml.p5.48xlarge, efa_share: 1}\n"
                        "  - {name: mine, arrivals_per_day: 1, instance_type: ml.custom.xlarge}\n"
                        "  - {name: typo, arrivals_per_day: 1, instance_type: ml.p5.48xlarg}\n"
                        "consumers:\n  - {kind: endpoint_instance, name: api, count: 2, instance_type: ml.g9.xlarge}\n");
  auto result = projectCapacity(topology, plan);
  REQUIRE(result.warnings.size() == 2);
  CHECK(result.warnings[0].code == "unknown-instance-type");
  CHECK(result.warnings[0].location == "plan.yaml:9:5");
  CHECK(result.warnings[0].message ==
        "job 'typo': instance type 'ml.p5.48xlarg' is neither in the plan's instance_types nor in the table of "
        "SageMaker EFA instance types (docs/capacity.md): each instance counts the default 2 addresses (5 with EFA); "
        "add it under instance_types if it takes more");
  CHECK(result.warnings[1].location == "plan.yaml:11:5");
  const std::string text = reports::capacityOverviewText(result);
  CHECK(text.find("plan.yaml:9:5: warning: job 'typo': instance type 'ml.p5.48xlarg'") != std::string::npos);
  CHECK(reports::capacityJson(result).find("\"location\": \"plan.yaml:11:5\"") != std::string::npos);
}

TEST_CASE("quota warnings fire for Lambda ENIs per VPC and ENIs per Region", "[capacity]") {
  // 300 (subnet, SG set) pairs x 2 subnets = 600 Lambda ENIs > 80 % of 500; 5000 ECS tasks > 80 % of 5000 ENIs.
  auto topology = makeTopology("10.0.0.0/16", {{"10.0.0.0/18", "az-a"}, {"10.0.64.0/18", "az-b"}});
  auto plan = parsePlan("horizon_months: 0\ntrials: 0\nn_minus_one: false\nconsumers:\n"
                        "  - {kind: lambda, count: 300}\n  - {kind: ecs_task, count: 5000}\n");
  auto result = projectCapacity(topology, plan);
  std::vector<std::string> codes;
  for (const auto& w : result.warnings) codes.push_back(w.code);
  CHECK(codes == std::vector<std::string>{"enis-per-region", "lambda-enis-per-vpc"});
}

TEST_CASE("current use counts snapshot ENI addresses per subnet by owner kind", "[capacity]") {
  auto topology = makeTopology("10.0.0.0/16", {{"10.0.0.0/24", "az-a"}});
  auto eni = [&](const std::string& id, const std::string& type, const std::string& description, int ips) {
    Eni e;
    e.meta.id = id;
    e.subnet_id = "subnet-a";
    e.interface_type = type;
    e.description = description;
    for (int i = 0; i < ips; ++i) e.private_ips.push_back(Ipv4(static_cast<uint32_t>(0x0A000010 + i)));
    topology.enis.push_back(e);
  };
  eni("eni-1", "vpc_endpoint", "VPC Endpoint Interface vpce-1", 1);
  eni("eni-2", "nat_gateway", "Interface for NAT Gateway nat-1", 3);
  eni("eni-3", "interface", "EFS mount target for fs-1 (fsmt-1)", 1);
  eni("eni-4", "interface", "[DO NOT DELETE] ENI managed by SageMaker", 1);
  eni("eni-5", "lambda", "AWS Lambda VPC ENI-fn", 1);
  eni("eni-6", "interface", "", 2);
  topology.finalize();
  auto use = capacity::currentUse(topology);
  REQUIRE(use.size() == 1);
  CHECK(use[0].total == 9);
  CHECK(use[0].by_kind == std::map<std::string, int64_t>{{"efs", 1}, {"lambda", 1}, {"nat_gateway", 3}, {"other", 2},
                                                          {"sagemaker", 1}, {"vpc_endpoint", 1}});
  // Kinds the plan models are replaced, the rest stay as the baseline: 9 - endpoint 1 - efs 1 = 7.
  auto plan = parsePlan("horizon_months: 0\ntrials: 0\nconsumers:\n  - {kind: interface_endpoint, count: 4}\n"
                        "  - {kind: efs_mount_target}\n");
  auto result = projectCapacity(topology, plan);
  CHECK(result.subnets.at(0).current == 7);
  CHECK(result.subnets.at(0).months[0].expected == 12);
}

TEST_CASE("the sample plan projects the default SageMaker scenario", "[capacity]") {
  Topology topology;
  std::vector<Diagnostic> errors;
  const std::filesystem::path root(VPCSIM_SOURCE_DIR);
  REQUIRE(loadNativeTopology(root / "scenarios/sagemaker-studio-vpc-only.topology.yaml", {}, topology, errors));
  topology.finalize();
  CapacityPlan plan;
  REQUIRE(loadCapacityPlan(root / "scenarios/capacity-growth.yaml", plan, errors));
  capacity::CapacityOptions options;
  options.trials = 200;
  auto result = projectCapacity(topology, plan, options);
  CHECK(result.errors.empty());
  REQUIRE(result.subnets.size() == 2);
  for (const auto& s : result.subnets) {
    CAPTURE(s.subnet_id);
    CHECK(s.capacity == 4091);
    CHECK(s.current == 0);  // the 15 declared endpoints are modelled by the plan, not kept twice
    CHECK(s.months.size() == 37);
    // Month 0: 15 endpoints + 1 EFS + 40 spaces / 2 + 20 kernel gateways / 2 + jobs.
    CHECK(s.months[0].expected >= 46);
  }
  CHECK(result.n_minus_one.size() == 2);
  auto text = reports::capacityText(result);
  CHECK(text.find("subnet-private-1a (PrivateSubnet1A, us-east-1a) 192.168.0.0/20") != std::string::npos);
  auto csv = reports::capacityCsv(result);
  CHECK(csv.rfind("scenario,subnet,availability_zone,cidr,capacity,month,expected,p50,p95,p99", 0) == 0);
  CHECK(reports::capacityJson(result).find("\"subnet_plans\"") != std::string::npos);
}

TEST_CASE("golden: a third AZ added in month 6 takes its share of the spread load", "[capacity][golden]") {
  // 60 spaces spread over the active AZs: months 0-5 two AZs (30 each, az-c idle), from month 6
  // three AZs (20 each). Asking for 4 AZs at month 9 warns once: only 3 have subnets.
  auto topology = makeTopology("10.0.0.0/24", {{"10.0.0.0/26", "az-a"}, {"10.0.0.64/26", "az-b"}, {"10.0.0.128/26", "az-c"}});
  auto plan = parsePlan("horizon_months: 10\ntrials: 0\nn_minus_one: false\n"
                        "az_count: {steps: [{month: 0, value: 2}, {month: 6, value: 3}, {month: 9, value: 4}]}\n"
                        "consumers:\n  - {kind: space, count: 60}\n");
  auto result = projectCapacity(topology, plan);
  CHECK(subnet(result.subnets, "subnet-a").months[5].expected == 30);
  CHECK(subnet(result.subnets, "subnet-c").months[5].expected == 0);
  CHECK(subnet(result.subnets, "subnet-a").months[6].expected == 20);
  CHECK(subnet(result.subnets, "subnet-c").months[6].expected == 20);
  REQUIRE(result.warnings.size() == 1);
  CHECK(result.warnings[0].message ==
        "month 9: the plan asks for 4 AZs but only 3 have subnets in scope; add a subnet per new AZ");
}

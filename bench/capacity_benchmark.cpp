// Benchmarks the IP-capacity projection: 60 months over 1,000 subnets with 10,000 Monte Carlo trials.
#include <benchmark/benchmark.h>

#include <string>

#include <fmt/format.h>

#include "capacity/capacity.h"
#include "topology/capacity_plan.h"
#include "topology/model.h"

namespace {

namespace topology = vpcsim::topology;
namespace capacity = vpcsim::capacity;

// `subnets` /24 subnets, 200 to a /16 VPC, spread over 3 AZs.
topology::Topology makeTopology(int subnets) {
  topology::Topology t;
  for (int i = 0; i < subnets; ++i) {
    const int vpc = i / 200;
    if (i % 200 == 0) {
      topology::Vpc v;
      v.meta.id = fmt::format("vpc-{:03}", vpc);
      v.cidrs.push_back(topology::Cidr::parse(fmt::format("10.{}.0.0/16", vpc)).value());
      t.vpcs.push_back(v);
    }
    topology::Subnet s;
    s.meta.id = fmt::format("subnet-{:04}", i);
    s.vpc_id = fmt::format("vpc-{:03}", vpc);
    s.availability_zone = fmt::format("us-east-1{}", static_cast<char>('a' + i % 3));
    s.cidr = topology::Cidr::parse(fmt::format("10.{}.{}.0/24", vpc, i % 200)).value();
    t.subnets.push_back(s);
  }
  t.finalize();
  return t;
}

// Endpoints and spaces everywhere; one job class per group of 4 subnets (about 0.5 jobs at
// once per subnet at month 0, growing 3 % a month), with business hours and bursts.
topology::CapacityPlan makePlan(const topology::Topology& t, int trials) {
  topology::CapacityPlan plan;
  plan.horizon_months = 60;
  plan.trials = trials;
  plan.n_minus_one = false;
  topology::Consumer endpoints;
  endpoints.kind = topology::ConsumerKind::kInterfaceEndpoint;
  endpoints.count = topology::Series::constant(10);
  plan.consumers.push_back(endpoints);
  topology::Consumer spaces;
  spaces.kind = topology::ConsumerKind::kSpace;
  spaces.count.kind = topology::SeriesKind::kCompound;
  spaces.count.start = 20000;
  spaces.count.monthly_growth = 0.02;
  plan.consumers.push_back(spaces);
  for (std::size_t i = 0; i < t.subnets.size(); i += 4) {
    topology::JobClass job;
    job.name = fmt::format("jobs-{}", i / 4);
    job.arrivals_per_day.kind = topology::SeriesKind::kCompound;
    job.arrivals_per_day.start = 16;
    job.arrivals_per_day.monthly_growth = 0.03;
    job.duration_hours = topology::Series::constant(3);
    job.instances_per_job = topology::Series::constant(2);
    job.efa_share = topology::Series::constant(0.1);
    job.business_hours = i % 8 == 0;
    job.burst_probability = 0.05;
    job.burst_multiplier = 3;
    for (std::size_t j = i; j < i + 4 && j < t.subnets.size(); ++j) job.subnets.push_back(t.subnets[j].meta.id);
    plan.jobs.push_back(job);
  }
  return plan;
}

void BM_CapacityProjection(benchmark::State& state) {
  const auto subnets = static_cast<int>(state.range(0));
  const auto trials = static_cast<int>(state.range(1));
  auto t = makeTopology(subnets);
  auto plan = makePlan(t, trials);
  for (auto _ : state) {
    auto result = capacity::projectCapacity(t, plan);
    benchmark::DoNotOptimize(result);
  }
  // Items: subnet-months x trials.
  state.SetItemsProcessed(state.iterations() * subnets * 61 * trials);
}
BENCHMARK(BM_CapacityProjection)->Args({100, 1000})->Args({1000, 1000})->Args({1000, 10000})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CapacityProjectionNMinusOne(benchmark::State& state) {
  auto t = makeTopology(static_cast<int>(state.range(0)));
  auto plan = makePlan(t, static_cast<int>(state.range(1)));
  plan.n_minus_one = true;
  for (auto _ : state) benchmark::DoNotOptimize(capacity::projectCapacity(t, plan));
  state.SetItemsProcessed(state.iterations() * state.range(0) * 61 * state.range(1) * 4);
}
BENCHMARK(BM_CapacityProjectionNMinusOne)->Args({1000, 10000})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

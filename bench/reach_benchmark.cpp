// Benchmarks one reachability query (sim::reach) and one raw sim::trace on loaded topologies.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench/bench_common.h"
#include "sim/query.h"
#include "sim/tracer.h"
#include "formats/generator.h"
#include "formats/loader.h"
#include "formats/snapshot_writer.h"

namespace {

namespace topology = vpcsim::topology;
namespace sim = vpcsim::sim;
namespace formats = vpcsim::formats;

/// A topology loaded from a written snapshot, as `vpcsim reach` sees it, plus
/// the flows the benchmarks ask about.
struct Loaded {
  topology::Topology topo;
  std::unique_ptr<sim::Network> network;
  sim::ReachQuery to_internet;      ///< workload ENI -> internet tcp/443
  sim::ReachQuery to_eni;           ///< ENI -> ENI in another subnet of the same VPC
  sim::ReachQuery from_internet;    ///< internet -> public IP of an ENI
};

sim::ReachQuery tcp443(std::string from, std::string to) {
  sim::ReachQuery query;
  query.from = std::move(from);
  query.to = std::move(to);
  query.protocol = "tcp";
  query.port = 443;
  return query;
}

bool isWorkload(const topology::Eni& eni) {
  return eni.interface_type == "interface" && !eni.private_ips.empty();
}

sim::Verdict verdictOf(const sim::Network& network, const sim::ReachQuery& query) {
  auto report = sim::reach(network, query);
  return report ? report->verdict : sim::Verdict::kUndetermined;
}

/// Picks, deterministically, flows that are reachable when the topology has
/// one (a reachable trace walks the whole path both ways, the costly case);
/// falls back to the first candidate otherwise.
template <typename Make>
sim::ReachQuery pick(const Loaded& l, Make make) {
  const auto& enis = l.topo.enis;
  std::optional<sim::ReachQuery> first;
  int tried = 0;
  for (std::size_t k = 0; k < enis.size() && tried < 400; ++k) {
    const auto& eni = enis[(enis.size() / 2 + k * 7919) % enis.size()];  // spread over the list
    if (!isWorkload(eni)) continue;
    std::optional<sim::ReachQuery> query = make(eni);
    if (!query) continue;
    ++tried;
    if (!first) first = query;
    if (verdictOf(*l.network, *query) == sim::Verdict::kReachable) return *query;
  }
  if (!first) std::abort();
  return *first;
}

const Loaded& loaded(int enis) {
  static std::map<int, std::unique_ptr<Loaded>> cache;
  auto& slot = cache[enis];
  if (slot) return *slot;
  auto dir = vpcsim::bench::scratchDir("reach-" + std::to_string(enis));
  std::vector<topology::Diagnostic> errors;
  {
    topology::Topology generated = formats::generateTopology(vpcsim::bench::workload(enis));
    if (!formats::writeSnapshot(generated, dir, errors)) std::abort();
  }
  slot = std::make_unique<Loaded>();
  if (!formats::loadSnapshot(dir, formats::LoadOptions{}, slot->topo, errors)) std::abort();
  slot->topo.finalize();
  slot->network = std::make_unique<sim::Network>(slot->topo);
  Loaded& l = *slot;

  l.to_internet = pick(l, [](const topology::Eni& eni) {
    return std::optional<sim::ReachQuery>(tcp443(eni.meta.id, "internet"));
  });
  l.to_eni = pick(l, [&l](const topology::Eni& eni) -> std::optional<sim::ReachQuery> {
    // Nearest workload ENI in the same VPC but another subnet.
    const auto& all = l.topo.enis;
    for (std::size_t k = 1; k < all.size(); ++k) {
      const auto& other = all[(static_cast<std::size_t>(&eni - all.data()) + k) % all.size()];
      if (isWorkload(other) && other.vpc_id == eni.vpc_id && other.subnet_id != eni.subnet_id) {
        return tcp443(eni.meta.id, other.meta.id);
      }
    }
    return std::nullopt;
  });
  l.from_internet = pick(l, [](const topology::Eni& eni) -> std::optional<sim::ReachQuery> {
    if (eni.public_ips.empty()) return std::nullopt;
    return tcp443("internet", "ip:" + eni.public_ips.front().public_ip.str());
  });
  return l;
}

void runReach(benchmark::State& state, sim::ReachQuery Loaded::*which) {
  const Loaded& l = loaded(static_cast<int>(state.range(0)));
  const sim::ReachQuery& query = l.*which;
  std::size_t hops = 0;
  sim::Verdict verdict = sim::Verdict::kUndetermined;
  for (auto _ : state) {
    auto report = sim::reach(*l.network, query);
    if (!report) {
      state.SkipWithError(report.error().c_str());
      break;
    }
    verdict = report->verdict;
    hops = report->results.empty() ? 0 : report->results.front().path.size();
    benchmark::DoNotOptimize(report);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["hops"] = static_cast<double>(hops);
  state.SetLabel(query.from + " -> " + query.to + " " + std::string(sim::verdictName(verdict)));
}

void BM_ReachEniToInternet(benchmark::State& state) { runReach(state, &Loaded::to_internet); }
void BM_ReachEniToEni(benchmark::State& state) { runReach(state, &Loaded::to_eni); }
void BM_ReachInternetToPublicEni(benchmark::State& state) { runReach(state, &Loaded::from_internet); }
BENCHMARK(BM_ReachEniToInternet)->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ReachEniToEni)->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ReachInternetToPublicEni)->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMicrosecond);

/// sim::trace alone (no reference resolution or report assembly): the
/// ENI -> internet tcp/443 flow of BM_ReachEniToInternet.
void BM_TraceEniToInternet(benchmark::State& state) {
  const Loaded& l = loaded(static_cast<int>(state.range(0)));
  const topology::Eni* eni = l.topo.findEni(l.to_internet.from);
  if (eni == nullptr) std::abort();
  sim::Endpoint source;
  source.kind = sim::Endpoint::Kind::kEni;
  source.eni_id = eni->meta.id;
  source.address = eni->private_ips.front();
  source.label = eni->meta.id;
  sim::Target target;
  target.address = topology::Ipv4(0x08080808);  // the representative internet host sim::reach uses
  target.any_internet = true;
  target.label = "internet";
  sim::Packet packet;
  packet.source = source.address;
  packet.destination = target.address;
  sim::Verdict verdict = sim::Verdict::kUndetermined;
  for (auto _ : state) {
    sim::TraceResult result = sim::trace(*l.network, source, target, packet);
    verdict = result.verdict;
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(source.eni_id + " -> 8.8.8.8 " + std::string(sim::verdictName(verdict)));
}
BENCHMARK(BM_TraceEniToInternet)->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();

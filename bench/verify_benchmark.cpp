// Benchmarks the exhaustive checks behind `vpcsim verify`: the internet-exposure audit
// (Amazon-created igw-egress and igw-ingress scopes over every existing interface), the
// internet-free audit (IPv4 and IPv6) and each Amazon-created scope on generated
// topologies of growing size, a scope reaching private destinations, and the estate graph.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bench/bench_common.h"
#include "sim/estate.h"
#include "sim/tracer.h"
#include "sim/verify/verify.h"
#include "formats/generator.h"
#include "formats/scope_file.h"

namespace {

namespace topology = vpcsim::topology;
namespace sim = vpcsim::sim;
namespace formats = vpcsim::formats;

struct Built {
  topology::Topology topo;
  std::unique_ptr<sim::Network> network;
};

/// The benchmark workload of `enis` interfaces with `dual_stack_percent` of
/// its VPCs dual-stack and `load_balancer_percent` given a Network Load
/// Balancer (the same topology otherwise, whatever the shares).
const Built& built(int enis, int dual_stack_percent = 0, int load_balancer_percent = 0) {
  static std::map<std::tuple<int, int, int>, std::unique_ptr<Built>> cache;
  auto& slot = cache[{enis, dual_stack_percent, load_balancer_percent}];
  if (!slot) {
    formats::GeneratorOptions options = vpcsim::bench::workload(enis);
    options.dual_stack_percent = dual_stack_percent;
    options.load_balancer_percent = load_balancer_percent;
    slot = std::make_unique<Built>();
    slot->topo = formats::generateTopology(options);
    slot->network = std::make_unique<sim::Network>(slot->topo);
  }
  return *slot;
}

// Both directions, every existing interface, every protocol, port and address
// class; new interfaces (hypothetical ENIs) off, as "every ENI" asks.
// Arguments: workload interfaces, and the percent of VPCs with a Network Load
// Balancer (whose flows go on to their targets).
void BM_InternetExposureAudit(benchmark::State& state) {
  const Built& b = built(static_cast<int>(state.range(0)), 0, static_cast<int>(state.range(1)));
  sim::VerifyOptions options;
  options.hypothetical_enis = false;
  const auto egress = formats::builtinNaaScope("igw-egress").value();
  const auto ingress = formats::builtinNaaScope("igw-ingress").value();
  uint64_t classes = 0;
  uint64_t findings = 0;
  uint64_t traces = 0;
  for (auto _ : state) {
    classes = 0;
    findings = 0;
    traces = 0;
    for (const auto* scope : {&egress, &ingress}) {
      auto report = sim::verifyScope(*b.network, *scope, options);
      if (!report) {
        state.SkipWithError(report.error().c_str());
        return;
      }
      classes += report->classes_checked;
      findings += report->findings.size();
      traces += report->traces;
    }
    benchmark::DoNotOptimize(classes);
  }
  state.counters["enis"] = static_cast<double>(b.topo.enis.size());
  state.counters["load_balancers"] = static_cast<double>(b.topo.load_balancers.size());
  state.counters["classes"] = static_cast<double>(classes);
  state.counters["findings"] = static_cast<double>(findings);
  // The class-by-class engine traces every class; the factored one these.
  state.counters["traces"] = static_cast<double>(traces);
  state.counters["classes/s"] =
      benchmark::Counter(static_cast<double>(classes), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_rss_mb"] = static_cast<double>(vpcsim::bench::procStatusBytes("VmHWM")) / 1e6;
}
BENCHMARK(BM_InternetExposureAudit)
    ->ArgsProduct({{100, 1000, 10000, 100000}, {0, 50}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// `verify --internet-free` over every subnet (every existing interface; new
// interfaces off, as "every ENI" asks). Arguments: workload interfaces, and
// the percent of VPCs that are dual-stack (0: the IPv4-only audit; the IPv4
// topology is the same either way). The IPv6 half is factored by (subnet,
// source address class) (sim/verify.cpp, keyedIpv6).
void BM_InternetFreeAudit(benchmark::State& state) {
  const Built& b = built(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  double ipv6_addresses = 0;
  for (const auto& eni : b.topo.enis) ipv6_addresses += static_cast<double>(eni.ipv6_addresses.size());
  state.counters["enis"] = static_cast<double>(b.topo.enis.size());
  state.counters["ipv6_addresses"] = ipv6_addresses;
  std::vector<std::string> subnets;
  subnets.reserve(b.topo.subnets.size());
  for (const auto& subnet : b.topo.subnets) subnets.push_back(subnet.meta.id);
  sim::VerifyOptions options;
  options.hypothetical_enis = false;
  sim::InternetFreeReport last;
  for (auto _ : state) {
    auto report = sim::verifyInternetFree(*b.network, subnets, options);
    if (!report) {
      state.SkipWithError(report.error().c_str());
      return;
    }
    last = std::move(*report);
    benchmark::DoNotOptimize(last.classes_checked);
  }
  state.counters["source_classes"] = static_cast<double>(last.source_classes);
  state.counters["classes"] = static_cast<double>(last.classes_checked);
  state.counters["findings"] = static_cast<double>(last.findings.size());
  state.counters["traces"] = static_cast<double>(last.traces);
  state.counters["classes/s"] =
      benchmark::Counter(static_cast<double>(last.classes_checked), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_rss_mb"] = static_cast<double>(vpcsim::bench::procStatusBytes("VmHWM")) / 1e6;
}
BENCHMARK(BM_InternetFreeAudit)
    ->ArgsProduct({{100, 1000, 10000, 100000}, {0, 50}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// Each Amazon-created scope as `vpcsim verify --builtin NAME` runs it (new
// interfaces on), with a time limit: VPCSIM_BENCH_TIMEOUT seconds (default
// 30). A check that does not finish answers undetermined (TIMEOUT) and
// shows timed_out = 1. Arguments: the scope (0 igw-egress, 1 igw-ingress,
// 2 vpc-egress, 3 vpc-ingress) and the workload interfaces.
void BM_BuiltinScope(benchmark::State& state) {
  static const char* const kScopes[] = {"igw-egress", "igw-ingress", "vpc-egress", "vpc-ingress"};
  const auto scope = formats::builtinNaaScope(kScopes[state.range(0)]).value();
  const Built& b = built(static_cast<int>(state.range(1)));
  const char* env = std::getenv("VPCSIM_BENCH_TIMEOUT");
  const double seconds = env != nullptr ? std::atof(env) : 30.0;
  sim::VerifyReport last;
  for (auto _ : state) {
    sim::VerifyOptions options;
    options.deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                              std::chrono::duration<double>(seconds));
    auto report = sim::verifyScope(*b.network, scope, options);
    if (!report) {
      state.SkipWithError(report.error().c_str());
      return;
    }
    last = std::move(*report);
    benchmark::DoNotOptimize(last.classes_checked);
  }
  bool timed_out = false;
  for (const auto& result : last.undetermined) {
    timed_out = timed_out || (!result.explanations.empty() && result.explanations.front().code == "TIMEOUT");
  }
  state.SetLabel(kScopes[state.range(0)]);
  state.counters["enis"] = static_cast<double>(b.topo.enis.size());
  state.counters["classes"] = static_cast<double>(last.classes_checked);
  state.counters["findings"] = static_cast<double>(last.findings.size());
  state.counters["traces"] = static_cast<double>(last.traces);
  state.counters["timed_out"] = timed_out ? 1 : 0;
  state.counters["peak_rss_mb"] = static_cast<double>(vpcsim::bench::procStatusBytes("VmHWM")) / 1e6;
}
BENCHMARK(BM_BuiltinScope)
    ->ArgsProduct({{0, 1, 2, 3}, {1000, 10000, 100000}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// A scope that reaches private destinations (every interface to every
// interface), which runs class by class, on a generated topology of several
// estates: five VPCs, three joined by the transit gateway, two alone (seed
// 2). Arguments: workload interfaces, and 1 to decide classes to addresses
// only other estates hold as their shadow's (VerifyOptions::skip_other_estates),
// 0 to trace them. New interfaces off.
void BM_PrivateDestinationScope(benchmark::State& state) {
  static std::map<int, std::unique_ptr<Built>> cache;
  auto& slot = cache[static_cast<int>(state.range(0))];
  if (!slot) {
    formats::GeneratorOptions generator;
    generator.enis = static_cast<int>(state.range(0));
    generator.subnets = 100;
    generator.security_groups = 12;
    generator.seed = 2;
    slot = std::make_unique<Built>();
    slot->topo = formats::generateTopology(generator);
    slot->network = std::make_unique<sim::Network>(slot->topo);
  }
  const Built& b = *slot;
  auto scope = formats::parseNaaScope(R"({"MatchPaths": [{
      "Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NetworkInterface"]}},
      "Destination": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NetworkInterface"]}}}]})",
                                       "eni-to-eni.json");
  sim::VerifyOptions options;
  options.hypothetical_enis = false;
  options.skip_other_estates = state.range(1) != 0;
  uint64_t classes = 0;
  uint64_t traces = 0;
  for (auto _ : state) {
    auto report = sim::verifyScope(*b.network, scope.value(), options);
    if (!report) {
      state.SkipWithError(report.error().c_str());
      return;
    }
    classes = report->classes_checked;
    traces = report->traces;
    benchmark::DoNotOptimize(classes);
  }
  state.counters["enis"] = static_cast<double>(b.topo.enis.size());
  state.counters["estates"] = static_cast<double>(sim::findEstates(b.topo).list.size());
  state.counters["classes"] = static_cast<double>(classes);
  state.counters["traces"] = static_cast<double>(traces);
  state.counters["classes/s"] =
      benchmark::Counter(static_cast<double>(classes), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_PrivateDestinationScope)
    ->Args({30, 0})
    ->Args({30, 1})
    ->Args({60, 0})
    ->Args({60, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// The estate graph of a generated topology (sim/estate.h): what the lookup
// costs where verify asks for it.
void BM_FindEstates(benchmark::State& state) {
  const Built& b = built(static_cast<int>(state.range(0)));
  size_t estates = 0;
  for (auto _ : state) {
    estates = sim::findEstates(b.topo).list.size();
    benchmark::DoNotOptimize(estates);
  }
  state.counters["vpcs"] = static_cast<double>(b.topo.vpcs.size());
  state.counters["estates"] = static_cast<double>(estates);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(b.topo.vpcs.size()));
}
BENCHMARK(BM_FindEstates)->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMicrosecond);

// One header-class trace, the unit of work of the engine, for the per-packet comparison.
void BM_OneClassTrace(benchmark::State& state) {
  const Built& b = built(static_cast<int>(state.range(0)));
  const topology::Eni* eni = nullptr;
  for (const auto& candidate : b.topo.enis) {
    if (candidate.interface_type == "interface" && !candidate.private_ips.empty()) {
      eni = &candidate;
      break;
    }
  }
  sim::Endpoint source;
  source.kind = sim::Endpoint::Kind::kEni;
  source.eni_id = eni->meta.id;
  source.address = eni->private_ips.front();
  sim::Target target;
  target.address = topology::Ipv4(0x08080808);
  target.any_internet = true;
  sim::Packet packet;
  packet.source = source.address;
  packet.destination = target.address;
  for (auto _ : state) benchmark::DoNotOptimize(sim::trace(*b.network, source, target, packet));
}
BENCHMARK(BM_OneClassTrace)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();

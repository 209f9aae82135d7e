// Benchmarks topology generation, snapshot writing and the snapshot load path (load + finalize + Network).
#include <malloc.h>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <ctime>
#include <fstream>
#include <iterator>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "sim/tracer.h"
#include "formats/generator.h"
#include "formats/loader.h"
#include "formats/snapshot_writer.h"

namespace {

using vpcsim::bench::procStatusBytes;
using vpcsim::bench::workload;
namespace topology = vpcsim::topology;
namespace sim = vpcsim::sim;
namespace formats = vpcsim::formats;
/// Process CPU time: phase splits stay meaningful on a shared, busy machine.
struct Clock {
  using time_point = double;
  static double now() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  }
};

double millisSince(Clock::time_point start) { return Clock::now() - start; }

int64_t folderBytes(const std::filesystem::path& dir) {
  int64_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) total += static_cast<int64_t>(entry.file_size());
  }
  return total;
}

/// One snapshot folder per size, written once (outside every timed loop).
const std::filesystem::path& snapshotFor(int enis) {
  static std::map<int, std::filesystem::path> dirs;
  auto it = dirs.find(enis);
  if (it != dirs.end()) return it->second;
  auto dir = vpcsim::bench::scratchDir("load-" + std::to_string(enis));
  {
    topology::Topology generated = formats::generateTopology(workload(enis));
    std::vector<topology::Diagnostic> errors;
    if (!formats::writeSnapshot(generated, dir, errors)) std::abort();
  }
  malloc_trim(0);  // hand the generated topology's pages back before measuring RSS
  return dirs.emplace(enis, dir).first->second;
}

void BM_GenerateTopology(benchmark::State& state) {
  const auto options = workload(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    topology::Topology topo = formats::generateTopology(options);
    benchmark::DoNotOptimize(topo.enis.data());
    state.PauseTiming();
    topo = topology::Topology();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_GenerateTopology)->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMillisecond);

void BM_WriteSnapshot(benchmark::State& state) {
  const int enis = static_cast<int>(state.range(0));
  const topology::Topology topo = formats::generateTopology(workload(enis));
  const auto dir = vpcsim::bench::scratchDir("write-" + std::to_string(enis));
  for (auto _ : state) {
    std::vector<topology::Diagnostic> errors;
    if (!formats::writeSnapshot(topo, dir, errors)) {
      state.SkipWithError("writeSnapshot failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * enis);
  state.counters["snapshot_MB"] = static_cast<double>(folderBytes(dir)) / 1e6;
}
BENCHMARK(BM_WriteSnapshot)->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMillisecond);

/// The `vpcsim` load path: read the AWS JSON folder, finalize, index.
void BM_LoadSnapshot(benchmark::State& state) {
  const int enis = static_cast<int>(state.range(0));
  const auto& dir = snapshotFor(enis);
  malloc_trim(0);
  const int64_t rss_before = procStatusBytes("VmRSS");
  const bool reset = vpcsim::bench::resetPeakRss();
  double load_ms = 0;
  double finalize_ms = 0;
  double network_ms = 0;
  int64_t rss_loaded = 0;
  int64_t rss_kept = 0;
  std::size_t loaded_enis = 0;
  for (auto _ : state) {
    auto topo = std::make_unique<topology::Topology>();
    std::vector<topology::Diagnostic> errors;
    auto start = Clock::now();
    if (!formats::loadSnapshot(dir, formats::LoadOptions{}, *topo, errors)) {
      state.SkipWithError("loadSnapshot failed");
      break;
    }
    load_ms += millisSince(start);
    start = Clock::now();
    topo->finalize();
    finalize_ms += millisSince(start);
    start = Clock::now();
    auto network = std::make_unique<sim::Network>(*topo);
    network_ms += millisSince(start);
    benchmark::DoNotOptimize(network.get());

    state.PauseTiming();
    loaded_enis = topo->enis.size();
    rss_loaded = procStatusBytes("VmRSS");
    malloc_trim(0);  // what the loaded topology + indexes really keep resident
    rss_kept = procStatusBytes("VmRSS");
    network.reset();
    topo.reset();
    malloc_trim(0);
    state.ResumeTiming();
  }
  const auto n = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations() * enis);
  state.counters["load_cpu_ms"] = load_ms / n;
  state.counters["finalize_cpu_ms"] = finalize_ms / n;
  state.counters["network_cpu_ms"] = network_ms / n;
  state.counters["all_enis"] = static_cast<double>(loaded_enis);
  state.counters["rss_before_MB"] = static_cast<double>(rss_before) / 1e6;
  state.counters["rss_loaded_MB"] = static_cast<double>(rss_loaded) / 1e6;
  state.counters["rss_kept_MB"] = static_cast<double>(rss_kept) / 1e6;
  // Peak RSS over the loop; includes the benchmark's own baseline (rss_before).
  state.counters["peak_rss_MB"] = static_cast<double>(procStatusBytes("VmHWM")) / 1e6;
  if (!reset) state.SetLabel("peak_rss is process-wide (clear_refs refused)");
}
BENCHMARK(BM_LoadSnapshot)->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMillisecond);

/// Parse floors: read every snapshot file and build (and drop) a DOM,
/// converting nothing. kNlohmannDom is the nlohmann::json tree the loader
/// built before; kNlohmannAccept runs just nlohmann's lexer/validator
/// (json::accept), the floor for a SAX loader on it; kSimdjson is the
/// simdjson DOM the loader reads now.
enum class Parser { kNlohmannDom, kNlohmannAccept, kSimdjson };

void parseFloor(benchmark::State& state, Parser parser) {
  const int enis = static_cast<int>(state.range(0));
  const auto& dir = snapshotFor(enis);
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) files.push_back(entry.path());
  malloc_trim(0);
  vpcsim::bench::resetPeakRss();
  int64_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    for (const auto& file : files) {
      std::ifstream in(file, std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      bytes += static_cast<int64_t>(text.size());
      if (parser == Parser::kNlohmannAccept) {
        benchmark::DoNotOptimize(nlohmann::json::accept(text));
      } else if (parser == Parser::kNlohmannDom) {
        nlohmann::json doc = nlohmann::json::parse(text);
        benchmark::DoNotOptimize(doc.size());
      } else {
        simdjson::dom::parser dom;
        simdjson::dom::element doc;
        if (dom.parse(text).get(doc) != simdjson::SUCCESS) {
          state.SkipWithError("simdjson rejected a snapshot file");
          return;
        }
        benchmark::DoNotOptimize(doc.type());
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * enis);
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["peak_rss_MB"] = static_cast<double>(procStatusBytes("VmHWM")) / 1e6;
}
void BM_ParseJsonDom(benchmark::State& state) { parseFloor(state, Parser::kNlohmannDom); }
void BM_ParseJsonAcceptOnly(benchmark::State& state) { parseFloor(state, Parser::kNlohmannAccept); }
void BM_ParseJsonSimdjson(benchmark::State& state) { parseFloor(state, Parser::kSimdjson); }
BENCHMARK(BM_ParseJsonDom)->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseJsonAcceptOnly)->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseJsonSimdjson)->RangeMultiplier(10)->Range(1000, 100000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

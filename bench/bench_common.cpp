// Shared helpers for the benchmarks: the project's workload sizes, temp folders and /proc memory readings.
#include "bench/bench_common.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace vpcsim::bench {
namespace {

std::vector<std::filesystem::path>& scratchDirs() {
  static std::vector<std::filesystem::path> dirs;
  return dirs;
}

void removeScratchDirs() {
  for (const auto& dir : scratchDirs()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
}

}  // namespace

formats::GeneratorOptions workload(int enis) {
  formats::GeneratorOptions options;
  options.enis = enis;
  options.subnets = enis / 50;            // 2,000 at 100k
  options.security_groups = enis / 20;    // 5,000 at 100k
  options.rules_per_group = 10;           // 50,000 rules at 100k
  return options;
}

std::filesystem::path scratchDir(const std::string& name) {
  static std::once_flag registered;
  std::call_once(registered, [] { std::atexit(removeScratchDirs); });
  auto dir = std::filesystem::temp_directory_path() /
             ("vpcsim-bench-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  scratchDirs().push_back(dir);
  return dir;
}

int64_t procStatusBytes(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(status, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::istringstream in(line.substr(prefix.size()));
    int64_t kib = 0;
    in >> kib;
    return kib * 1024;
  }
  return 0;
}

bool resetPeakRss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

}  // namespace vpcsim::bench

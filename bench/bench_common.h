// Shared helpers for the benchmarks: the project's workload sizes, temp folders and /proc memory readings.
#pragma once

#include <cstdint>
#include <filesystem>

#include "formats/generator.h"

namespace vpcsim::bench {

/// Generator options for a workload of `enis` ENIs. At 100,000 ENIs this is
/// the target workload: 2,000 subnets, 5,000 security groups, 10 rules each
/// (50,000 SG rules); smaller sizes scale the same ratios down.
formats::GeneratorOptions workload(int enis);

/// A fresh, empty folder under the system temp dir, removed at process exit.
std::filesystem::path scratchDir(const std::string& name);

/// A /proc/self/status field in bytes ("VmHWM", "VmRSS"); 0 when unreadable.
int64_t procStatusBytes(const char* field);

/// Resets VmHWM to the current RSS (writes 5 to /proc/self/clear_refs, Linux
/// 4.0+). Returns false when the kernel refuses.
bool resetPeakRss();

}  // namespace vpcsim::bench

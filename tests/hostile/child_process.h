// Runs a program in a child process under resource limits and a wall-clock kill, capturing its output.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace vpcsim::hostile {

struct ChildLimits {
  double wall_seconds = 20;        ///< killed (whole process group, SIGKILL) after this
  long cpu_seconds = 30;           ///< RLIMIT_CPU, a backstop behind the wall clock
  long long address_space = 0;     ///< RLIMIT_AS in bytes; 0: no limit (ASan builds)
  long long file_size = 1LL << 30; ///< RLIMIT_FSIZE: no output file over 1 GiB
  size_t capture_bytes = 16u << 20;///< stdout and stderr kept up to this size each (the rest is drained)
};

struct ChildResult {
  bool timed_out = false;   ///< killed by the wall clock
  bool signaled = false;    ///< ended by a signal (including the wall-clock kill)
  int signal = 0;
  int exit_status = -1;     ///< when it exited normally
  long max_rss_kb = 0;      ///< peak resident set (getrusage ru_maxrss)
  double seconds = 0;       ///< wall-clock time
  std::string out;          ///< stdout (first capture_bytes)
  std::string err;          ///< stderr (first capture_bytes)
};

/// Runs `argv` (argv[0] is the program path) with stdin from /dev/null, in
/// `cwd`, as the leader of a new process group.
ChildResult runChild(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                     const ChildLimits& limits);

}  // namespace vpcsim::hostile

// Child runner for the hostile-input suite: fork, setrlimit, exec; poll both pipes against a deadline.
#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace vpcsim::hostile {

namespace {

void setLimit(int resource, long long value) {
  rlimit limit{};
  limit.rlim_cur = static_cast<rlim_t>(value);
  limit.rlim_max = static_cast<rlim_t>(value);
  setrlimit(resource, &limit);
}

/// In the child after fork(): only async-signal-safe calls until exec.
[[noreturn]] void execChild(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                            const ChildLimits& limits, int out_fd, int err_fd) {
  setpgid(0, 0);
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) dup2(null_fd, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  if (chdir(cwd.c_str()) != 0) _exit(127);
  if (limits.address_space > 0) setLimit(RLIMIT_AS, limits.address_space);
  setLimit(RLIMIT_CPU, limits.cpu_seconds);
  setLimit(RLIMIT_FSIZE, limits.file_size);
  setLimit(RLIMIT_CORE, 0);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

}  // namespace

ChildResult runChild(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                     const ChildLimits& limits) {
  if (argv.empty()) throw std::invalid_argument("runChild: empty argv");
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) execChild(argv, cwd, limits, out_pipe[1], err_pipe[1]);
  setpgid(pid, pid);  // also from the parent, so the group exists before any kill
  close(out_pipe[1]);
  close(err_pipe[1]);

  ChildResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_count = 2;
  auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(limits.wall_seconds));
  char buffer[65536];
  while (open_count > 0) {
    auto now = std::chrono::steady_clock::now();
    int wait_ms = 200;
    if (!result.timed_out) {
      if (now >= deadline) {
        result.timed_out = true;
        kill(-pid, SIGKILL);
      } else {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        wait_ms = static_cast<int>(left < 200 ? left + 1 : 200);
      }
    }
    if (poll(fds, 2, wait_ms) < 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t count = read(fds[i].fd, buffer, sizeof buffer);
      if (count <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
        continue;
      }
      size_t room = limits.capture_bytes > sinks[i]->size() ? limits.capture_bytes - sinks[i]->size() : 0;
      sinks[i]->append(buffer, std::min(room, static_cast<size_t>(count)));
    }
  }
  // Both pipes are closed; the child may still run (it closed them itself, or
  // a grandchild holds them no longer): wait for it under the same deadline.
  int status = 0;
  rusage usage{};
  while (true) {
    pid_t done = wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) break;
    if (!result.timed_out && std::chrono::steady_clock::now() >= deadline) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
    }
    usleep(10000);
  }
  kill(-pid, SIGKILL);  // leftovers of the group, if any
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.max_rss_kb = usage.ru_maxrss;
  if (WIFEXITED(status)) {
    result.exit_status = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signaled = true;
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace vpcsim::hostile

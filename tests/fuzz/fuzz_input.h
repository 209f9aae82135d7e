// Shared by the libFuzzer targets: turns one fuzzer input into files on disk for the loaders that take paths.
//
// Framing: an input is one or more files. A line `#FILE relative/path` at the
// very start of the input or after a newline starts a new file with that
// path; text before the first such line is the target's default file. Paths
// are confined to the scratch folder (no `..`, no absolute paths), so a
// fuzzer input cannot write outside it. scripts/fuzz.sh builds the seed
// corpora in this framing from tests/data.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace vpcsim::fuzz {

namespace fs = std::filesystem;

/// One file of a framed input: a path relative to the scratch folder and its bytes.
struct Frame {
  std::string path;
  std::string text;
};

/// Splits `input` into frames; the first one is named `default_name` unless
/// the input starts with a `#FILE` line.
inline std::vector<Frame> splitFrames(std::string_view input, const std::string& default_name) {
  static constexpr std::string_view kMarker = "#FILE ";
  std::vector<Frame> frames;
  Frame current{default_name, {}};
  bool started = false;
  size_t pos = 0;
  while (pos <= input.size()) {
    size_t end = input.find('\n', pos);
    std::string_view line = input.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (line.substr(0, kMarker.size()) == kMarker) {
      if (started || !current.text.empty()) frames.push_back(std::move(current));
      current = Frame{std::string(line.substr(kMarker.size())), {}};
    } else {
      current.text.append(line);
      if (end != std::string_view::npos) current.text.push_back('\n');
    }
    started = true;
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  frames.push_back(std::move(current));
  return frames;
}

/// A path a frame may write: relative, without `..`, not empty.
inline bool safeRelative(const std::string& path) {
  if (path.empty() || path.size() > 200 || path.find('\0') != std::string::npos) return false;
  fs::path p(path);
  if (p.is_absolute() || p.has_root_name() || p.has_root_directory()) return false;
  for (const auto& part : p) {
    if (part == ".." || part == ".") return false;
  }
  return true;
}

/// A fresh scratch folder per process, emptied for every input.
class Scratch {
 public:
  Scratch() : root_(fs::temp_directory_path() / ("vpcsim_fuzz_" + std::to_string(::getpid()))) {}
  ~Scratch() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  /// Empties the folder and writes every frame with a safe path into it.
  void write(const std::vector<Frame>& frames) {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
    fs::create_directories(root_);
    for (const auto& frame : frames) {
      if (!safeRelative(frame.path)) continue;
      fs::path target = root_ / frame.path;
      fs::create_directories(target.parent_path(), ignored);
      std::ofstream out(target, std::ios::binary | std::ios::trunc);
      out << frame.text;
    }
  }

  [[nodiscard]] const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

inline std::string_view asText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace vpcsim::fuzz

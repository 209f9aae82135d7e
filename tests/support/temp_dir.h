// A fresh folder under the system temp folder for a test, removed afterwards.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <unistd.h>

namespace vpcsim::test_support {

class TempDir {
 public:
  /// `vpcsim-NAME-PID` under the temp folder, emptied first.
  explicit TempDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / ("vpcsim-" + name + "-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// Writes `bytes` to `relative` (folders made as needed); returns its path.
  std::filesystem::path write(const std::string& relative, const std::string& bytes) const {
    std::filesystem::path file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
    return file;
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace vpcsim::test_support

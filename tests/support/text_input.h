// Loading an input written from a test's text: the diagnostics it gives.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "topology/result.h"

namespace vpcsim::testing {

/// Writes `text` to a file `name` in a fresh scratch folder and calls
/// load(folder, file, diagnostics) -> bool. Returns each diagnostic's text
/// from the file name on (the scratch folder left out), or {"ok"} when it
/// loads without any.
template <typename Load>
std::vector<std::string> diagnosticsOfText(const std::string& name, const std::string& text, Load&& load) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / fmt::format("vpcsim-text-input-{}", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << text;
  std::vector<topology::Diagnostic> diagnostics;
  bool ok = load(dir, dir / name, diagnostics);
  fs::remove_all(dir);
  std::vector<std::string> out;
  for (const auto& diagnostic : diagnostics) {
    std::string line = diagnostic.str();
    std::size_t at = line.find(name);
    out.push_back(at == std::string::npos ? line : line.substr(at));
  }
  if (ok && out.empty()) out.emplace_back("ok");
  if (ok != (out == std::vector<std::string>{"ok"})) out.emplace_back("(the result disagrees with the diagnostics)");
  return out;
}

}  // namespace vpcsim::testing

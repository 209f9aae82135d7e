// Loading test snapshots: a snapshot folder that fails to load fails the test.
#pragma once

#include <filesystem>
#include <vector>

#include <catch2/catch.hpp>

#include "formats/loader.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

namespace vpcsim::testing {

/// The finalized topology of a snapshot folder.
inline topology::Topology loadTestSnapshot(const std::filesystem::path& dir) {
  topology::Topology topo;
  std::vector<topology::Diagnostic> errors;
  bool ok = formats::loadSnapshot(dir, formats::LoadOptions{}, topo, errors);
  for (const auto& error : errors) UNSCOPED_INFO(error.str());
  REQUIRE(ok);
  topo.finalize();
  return topo;
}

}  // namespace vpcsim::testing

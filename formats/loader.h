// Entry points of the topology loaders: AWS snapshot folders and the native format.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "topology/model.h"
#include "topology/result.h"

namespace vpcsim::formats {

using topology::Diagnostic;
using topology::Result;
using topology::Topology;

/// Defaults applied where the input does not say.
struct LoadOptions {
  std::string region = "us-east-1";
  std::string account = "123456789012";
};

/// Reads every `.json` file under `dir` (any depth) that holds saved
/// `aws ec2 describe-*` output, recognised by its top-level key, and adds the
/// live objects to `into` (deleted / failed / disassociated ones go to
/// `into.ignored`). A folder named like a region (`us-east-2`) or
/// `accounts/ID` sets region / account below it. Returns false and appends to
/// `errors` (with `file:/json/pointer` locations) on bad input; `into` is then
/// unspecified. Does not call Topology::finalize().
bool loadSnapshot(const std::filesystem::path& dir, const LoadOptions& options, Topology& into,
                  std::vector<Diagnostic>& errors);

/// Reads a vpcsim native topology file (YAML or JSON, see docs/topology-format.md)
/// into `into`. Errors carry `file:line:column`. Does not call finalize().
bool loadNativeTopology(const std::filesystem::path& file, const LoadOptions& options, Topology& into,
                        std::vector<Diagnostic>& errors);

}  // namespace vpcsim::formats

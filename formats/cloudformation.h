// CloudFormation loader: evaluates templates as if deployed and maps their network into the model.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "formats/loader.h"

namespace vpcsim::formats {

using topology::Diagnostic;
using topology::Result;
using topology::Topology;

/// One stack to evaluate: a template plus the parameters it is deployed with.
struct StackSpec {
  std::filesystem::path file;  ///< YAML (short-form tags allowed) or JSON template
  std::string stack_name;      ///< empty: the file's base name without extension
  /// `aws cloudformation deploy --parameter-overrides` pairs. A value
  /// `@STACK.OUTPUT` is replaced by that earlier stack's output.
  std::vector<std::pair<std::string, std::string>> parameter_overrides;
};

/// Evaluates `stacks` in order — parameters (defaults, types, constraints),
/// pseudo parameters, Mappings, Conditions, Rules and every intrinsic
/// function — and adds the network resources they create to `into`, with
/// IDs synthesised stably from stack name and logical ID (same input, same
/// IDs), meta.logical_id set, and what AWS creates implicitly (main route
/// table, default NACL, default SG, default egress rule). Resource types
/// that do not shape the network go to `into.ignored`. Outputs and Exports
/// feed later stacks (`@STACK.OUTPUT`, Fn::ImportValue). Returns false and
/// appends diagnostics located at `file:line:column` on bad input. Does not
/// call Topology::finalize().
bool loadStacks(const std::vector<StackSpec>& stacks, const LoadOptions& options, Topology& into,
                std::vector<Diagnostic>& errors);

}  // namespace vpcsim::formats

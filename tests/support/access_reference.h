// The access matrix the obvious way, for tests: every cell decided on its
// own over every path with sim::decideAccess, nothing shared.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/access_matrix.h"

namespace vpcsim::test_support {

struct ReferenceCell {
  std::string source;
  std::string principal;
  std::string action;
  sim::Verdict verdict = sim::Verdict::kUnreachable;
  bool no_path = false;
  std::optional<sim::AccessAnswer> answer;  ///< on the first path that reaches the service
};

struct ReferenceMatrix {
  std::vector<ReferenceCell> cells;  ///< source, then principal, then action order
  std::vector<std::string> assumptions;
  sim::Verdict guarantee = sim::Verdict::kUnreachable;
  std::vector<std::size_t> violations;
};

/// `query` decided cell by cell for the principals `principal_arns` (the
/// engine's resolution of --principal, which this does not check) with the
/// guarantee that only `allowed` may call (none when empty). Traces each
/// source once (the paths do not depend on the caller).
ReferenceMatrix referenceAccessMatrix(const sim::Network& network, const sim::AccessMatrixQuery& query,
                                      const std::vector<std::string>& principal_arns,
                                      const std::vector<std::string>& allowed);

}  // namespace vpcsim::test_support

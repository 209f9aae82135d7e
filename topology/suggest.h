// Edit distance for "did you mean" suggestions in diagnostics.
#pragma once

#include <cstddef>
#include <string_view>

namespace vpcsim::topology {

/// Levenshtein distance between `a` and `b` (insertions, deletions and
/// substitutions each cost 1). `ignore_case` compares ASCII letters without case.
std::size_t editDistance(std::string_view a, std::string_view b, bool ignore_case = false);

}  // namespace vpcsim::topology

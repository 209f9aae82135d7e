// "Did you mean" suggestions for diagnostics: edit distance and the closest candidate.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vpcsim::topology {

/// Levenshtein distance between `a` and `b` (insertions, deletions and
/// substitutions each cost 1). `ignore_case` compares ASCII letters without case.
std::size_t editDistance(std::string_view a, std::string_view b, bool ignore_case = false);

/// How close a candidate must be to be suggested.
enum class Closeness {
  /// Within max(1, (n + 1) / 3) edits of the n-letter word, case counting,
  /// and not a complete rewrite: for keys and short names.
  kTypo,
  /// Within max(2, n / 3) edits ignoring case, or one a prefix of the other
  /// (3+ letters): for long, structured names (resource types, logical IDs).
  kLoose,
};

/// The candidate `word` most likely meant (the first of the closest), or "".
std::string closestCandidate(std::string_view word, const std::vector<std::string_view>& candidates,
                             Closeness closeness = Closeness::kTypo);

/// closestCandidate over any range of strings.
template <typename Range>
std::string closestIn(std::string_view word, const Range& candidates, Closeness closeness = Closeness::kTypo) {
  std::vector<std::string_view> views;
  for (const auto& candidate : candidates) views.emplace_back(candidate);
  return closestCandidate(word, views, closeness);
}

/// " (did you mean 'X'?)" for the closest candidate, or "". `quote` false
/// leaves the quotes out (CloudFormation messages quote names themselves).
template <typename Range>
std::string didYouMean(std::string_view word, const Range& candidates, Closeness closeness = Closeness::kTypo,
                       bool quote = true) {
  std::string best = closestIn(word, candidates, closeness);
  if (best.empty()) return best;
  return quote ? " (did you mean '" + best + "'?)" : " (did you mean " + best + "?)";
}

}  // namespace vpcsim::topology

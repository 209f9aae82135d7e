// "Did you mean" suggestions for diagnostics.
#include "topology/suggest.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <vector>

namespace vpcsim::topology {

std::size_t editDistance(std::string_view a, std::string_view b, bool ignore_case) {
  auto same = [ignore_case](char x, char y) {
    if (!ignore_case) return x == y;
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  };
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same(a[i - 1], b[j - 1]) ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closestCandidate(std::string_view word, const std::vector<std::string_view>& candidates,
                             Closeness closeness) {
  std::string best;
  if (closeness == Closeness::kTypo) {
    std::size_t limit = std::max<std::size_t>(1, (word.size() + 1) / 3);
    std::size_t best_distance = limit + 1;
    for (std::string_view candidate : candidates) {
      std::size_t distance = editDistance(word, candidate);
      if (distance < best_distance && distance < std::max(word.size(), candidate.size())) {
        best = std::string(candidate);
        best_distance = distance;
      }
    }
    return best;
  }
  std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (std::string_view candidate : candidates) {
    std::size_t distance = editDistance(word, candidate, true);
    bool prefix =
        word.size() >= 3 && (candidate.substr(0, word.size()) == word || word.substr(0, candidate.size()) == candidate);
    if ((distance <= limit || prefix) && distance < best_distance) {
      best = std::string(candidate);
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace vpcsim::topology

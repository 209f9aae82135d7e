// The one way a report's JSON (and SARIF) becomes text.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace vpcsim::reports {

/// `root` indented by 2 and ended by a newline. Control characters come out
/// as JSON escapes ("\u001b"); a byte that is not well-formed UTF-8 (a tag
/// value, a file name) becomes U+FFFD instead of making nlohmann::json throw,
/// so every JSON and SARIF report is valid UTF-8 JSON whatever the input held.
inline std::string jsonDocument(const nlohmann::ordered_json& root) {
  return root.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace vpcsim::reports

// The one way a report's JSON (and SARIF) becomes text.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace vpcsim::reports {

/// `root` indented by 2 and ended by a newline. Control characters come out
/// as JSON escapes ("\u001b"); a byte that is not well-formed UTF-8 (a tag
/// value, a file name) becomes U+FFFD instead of making nlohmann::json throw,
/// so every JSON and SARIF report is valid UTF-8 JSON whatever the input held.
/// C1 controls (U+0080-U+009F: U+009B is CSI to some terminals), the line
/// and paragraph separators and the bidirectional overrides, which
/// nlohmann::json writes as raw UTF-8, are written as \u escapes too, so a
/// document printed to a terminal cannot move the cursor or reorder a line.
/// They occur only inside strings (JSON's own syntax is ASCII).
inline std::string jsonDocument(const nlohmann::ordered_json& root) {
  const std::string dumped = root.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  std::string out;
  out.reserve(dumped.size() + 1);
  auto byte = [&](size_t i) { return i < dumped.size() ? static_cast<unsigned char>(dumped[i]) : 0U; };
  static constexpr char kHex[] = "0123456789abcdef";
  auto escape = [&](unsigned code) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(code >> static_cast<unsigned>(shift)) & 0xFU];
  };
  for (size_t i = 0; i < dumped.size(); ++i) {
    if (byte(i) == 0xC2 && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9F) {
      escape(byte(i + 1));
      ++i;
      continue;
    }
    if (byte(i) == 0xE2 && (byte(i + 1) == 0x80 || byte(i + 1) == 0x81) && byte(i + 2) >= 0x80 && byte(i + 2) <= 0xBF) {
      const unsigned code = 0x2000U | ((byte(i + 1) & 0x3FU) << 6U) | (byte(i + 2) & 0x3FU);
      if ((code >= 0x2028 && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069)) {
        escape(code);
        i += 2;
        continue;
      }
    }
    out += dumped[i];
  }
  out += "\n";
  return out;
}

}  // namespace vpcsim::reports

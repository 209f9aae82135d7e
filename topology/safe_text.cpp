// UTF-8 decoding and the escaper for text output and diagnostics.
#include "topology/safe_text.h"

#include <fmt/format.h>

namespace vpcsim::topology {

CodePoint decodeUtf8(std::string_view text) {
  if (text.empty()) return {};
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(0);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    value = lead & 0x1FU;
    minimum = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    value = lead & 0x0FU;
    minimum = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    value = lead & 0x07U;
    minimum = 0x10000;
  } else {
    return {};  // a continuation byte, an overlong lead (C0, C1) or above U+10FFFF (F5-FF)
  }
  if (text.size() < length) return {};
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0U) != 0x80U) return {};
    value = (value << 6U) | (byte(i) & 0x3FU);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {};
  return {value, length};
}

std::string escapedCodePoint(char32_t value) {
  switch (value) {
    case U'\n': return "\\n";
    case U'\r': return "\\r";
    case U'\t': return "\\t";
    default: break;
  }
  if (value < 0x20 || value == 0x7F) return fmt::format("\\x{:02x}", static_cast<unsigned>(value));
  bool c1 = value >= 0x80 && value <= 0x9F;                    // 0x9B is CSI on some terminals
  bool separator = value == 0x2028 || value == 0x2029;         // line and paragraph separators
  bool bidi = (value >= 0x202A && value <= 0x202E) || (value >= 0x2066 && value <= 0x2069);  // reorder what is shown
  if (c1 || separator || bidi) return fmt::format("\\u{:04x}", static_cast<unsigned>(value));
  return "";
}

std::string escapeText(std::string_view text) {
  bool plain = true;
  for (char c : text) plain = plain && c >= 0x20 && c < 0x7F;
  if (plain) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size();) {
    CodePoint point = decodeUtf8(text.substr(i));
    if (point.length == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    std::string escaped = escapedCodePoint(point.value);
    if (escaped.empty()) {
      out.append(text.substr(i, point.length));
    } else {
      out += escaped;
    }
    i += point.length;
  }
  return out;
}

}  // namespace vpcsim::topology

// XML text escaping and pieces shared by the JUnit renderers.
#include "reports/xml.h"

#include <fmt/format.h>

#include "topology/safe_text.h"

namespace vpcsim::reports {

namespace {

/// XML 1.0 section 2.2, production [2] Char.
bool xmlChar(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

std::string escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    topology::CodePoint point = topology::decodeUtf8(text.substr(i));
    if (point.length == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    switch (point.value) {
      case U'&': out += "&amp;"; break;
      case U'<': out += "&lt;"; break;
      case U'>': out += "&gt;"; break;
      case U'"': out += "&quot;"; break;
      case U'\'': out += "&apos;"; break;
      case U'\r': out += "&#13;"; break;
      case U'\n': out += attribute ? "&#10;" : "\n"; break;
      case U'\t': out += attribute ? "&#9;" : "\t"; break;
      default:
        if (xmlChar(point.value)) {
          out.append(text.substr(i, point.length));
        } else if (point.value < 0x20) {
          out += topology::escapedCodePoint(point.value);
        } else {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(point.value));  // U+FFFE, U+FFFF
        }
    }
    i += point.length;
  }
  return out;
}

}  // namespace

std::string xmlEscape(std::string_view text) { return escape(text, false); }

std::string xmlAttribute(std::string_view text) { return escape(text, true); }

std::string junitProperty(std::string_view name, std::string_view value) {
  return fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, xmlAttribute(topology::escapeText(value)));
}

}  // namespace vpcsim::reports

// A small XML 1.0 well-formedness check for tests of the JUnit renderers (no DTDs, no CDATA, no comments).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "topology/safe_text.h"

namespace vpcsim::test_support {

/// "" when `xml` is a well-formed XML 1.0 document of the kind the JUnit
/// renderers write (an optional `<?xml ...?>` declaration, then one root
/// element; elements, attributes, text, the five predefined entities and
/// numeric character references), else what is wrong and at which byte.
/// Checks: the text is well-formed UTF-8 of XML characters only (production
/// [2] Char), start and end tags nest and match, attribute values are quoted
/// and hold no '<', every '&' starts a known or numeric reference to a legal
/// character, and there is exactly one root element.
inline std::string xmlProblem(std::string_view xml) {
  auto at = [](std::size_t i, const std::string& what) { return "byte " + std::to_string(i) + ": " + what; };
  for (std::size_t i = 0; i < xml.size();) {
    topology::CodePoint point = topology::decodeUtf8(xml.substr(i));
    if (point.length == 0) return at(i, "not well-formed UTF-8");
    char32_t c = point.value;
    bool legal = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
                 c >= 0x10000;
    if (!legal) return at(i, "character not allowed in XML");
    i += point.length;
  }
  auto isNameChar = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == ':';
  };
  // An entity or character reference at xml[i] == '&': its length, 0 if invalid.
  auto reference = [&](std::size_t i) -> std::size_t {
    std::size_t end = xml.find(';', i);
    if (end == std::string_view::npos) return 0;
    std::string_view name = xml.substr(i + 1, end - i - 1);
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") return end - i + 1;
    if (name.size() < 2 || name[0] != '#') return 0;
    unsigned long value = 0;
    bool hex = name[1] == 'x';
    std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8) return 0;
    for (char d : digits) {
      int v = -1;
      if (d >= '0' && d <= '9') v = d - '0';
      if (hex && d >= 'a' && d <= 'f') v = d - 'a' + 10;
      if (hex && d >= 'A' && d <= 'F') v = d - 'A' + 10;
      if (v < 0) return 0;
      value = value * (hex ? 16 : 10) + static_cast<unsigned long>(v);
    }
    bool legal = value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value <= 0xD7FF) ||
                 (value >= 0xE000 && value <= 0xFFFD) || (value >= 0x10000 && value <= 0x10FFFF);
    return legal ? end - i + 1 : 0;
  };
  std::size_t i = 0;
  if (xml.starts_with("<?xml")) {
    std::size_t end = xml.find("?>");
    if (end == std::string_view::npos) return at(0, "unterminated XML declaration");
    i = end + 2;
  }
  std::vector<std::string_view> open;
  bool root_seen = false;
  while (i < xml.size()) {
    char c = xml[i];
    if (c == '&') {
      if (open.empty()) return at(i, "reference outside the root element");
      std::size_t length = reference(i);
      if (length == 0) return at(i, "bad reference");
      i += length;
      continue;
    }
    if (c == '>') return at(i, "'>' outside a tag");  // legal XML, but the renderers escape it
    if (c != '<') {
      if (open.empty() && c != ' ' && c != '\n' && c != '\t' && c != '\r') return at(i, "text outside the root element");
      ++i;
      continue;
    }
    bool closing = i + 1 < xml.size() && xml[i + 1] == '/';
    std::size_t name_start = i + (closing ? 2 : 1);
    std::size_t j = name_start;
    while (j < xml.size() && isNameChar(xml[j])) ++j;
    std::string_view name = xml.substr(name_start, j - name_start);
    if (name.empty()) return at(i, "tag without a name");
    if (closing) {
      if (open.empty() || open.back() != name) return at(i, "end tag </" + std::string(name) + "> does not match");
      open.pop_back();
      while (j < xml.size() && xml[j] == ' ') ++j;
      if (j >= xml.size() || xml[j] != '>') return at(j, "unterminated end tag");
      i = j + 1;
      continue;
    }
    if (open.empty() && root_seen) return at(i, "a second root element");
    root_seen = true;
    std::vector<std::string_view> attributes;
    while (true) {
      while (j < xml.size() && (xml[j] == ' ' || xml[j] == '\n' || xml[j] == '\t')) ++j;
      if (j >= xml.size()) return at(i, "unterminated start tag");
      if (xml[j] == '>' || (xml[j] == '/' && j + 1 < xml.size() && xml[j + 1] == '>')) break;
      std::size_t attribute_start = j;
      while (j < xml.size() && isNameChar(xml[j])) ++j;
      std::string_view attribute = xml.substr(attribute_start, j - attribute_start);
      if (attribute.empty()) return at(j, "bad attribute name");
      for (auto seen : attributes) {
        if (seen == attribute) return at(j, "repeated attribute " + std::string(attribute));
      }
      attributes.push_back(attribute);
      if (j + 1 >= xml.size() || xml[j] != '=' || (xml[j + 1] != '"' && xml[j + 1] != '\'')) {
        return at(j, "attribute without a quoted value");
      }
      char quote = xml[j + 1];
      j += 2;
      while (j < xml.size() && xml[j] != quote) {
        if (xml[j] == '<') return at(j, "'<' in an attribute value");
        if (xml[j] == '&') {
          std::size_t length = reference(j);
          if (length == 0) return at(j, "bad reference");
          j += length;
          continue;
        }
        ++j;
      }
      if (j >= xml.size()) return at(attribute_start, "unterminated attribute value");
      ++j;
    }
    if (xml[j] == '/') {
      i = j + 2;  // empty-element tag
    } else {
      open.push_back(name);
      i = j + 1;
    }
  }
  if (!open.empty()) return "element <" + std::string(open.back()) + "> not closed";
  if (!root_seen) return "no root element";
  return "";
}

}  // namespace vpcsim::test_support

// Helpers for reporting problems in JSON input.
#include "formats/json_text.h"

#include <algorithm>

namespace vpcsim::formats {


std::string child(const std::string& pointer, std::string_view key) {
  std::string out = pointer + "/";
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string child(const std::string& pointer, std::size_t index) { return pointer + "/" + std::to_string(index); }

std::string describeType(const nlohmann::json& value) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::null: return "null";
    case Type::object: return "an object";
    case Type::array: return "an array";
    case Type::string: return "a string";
    case Type::boolean: return "a boolean";
    case Type::number_integer:
    case Type::number_unsigned:
    case Type::number_float: return "a number";
    case Type::binary:
    case Type::discarded: return "a value";
  }
  return "a value";
}

std::pair<std::size_t, std::size_t> lineColumn(std::string_view text, std::size_t byte) {
  std::size_t index = byte == 0 ? 0 : std::min(byte - 1, text.size());
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < index; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, index - line_start + 1};
}

std::string parseErrorDetail(const std::string& what) {
  std::size_t start = what.find("parse error");
  if (start == std::string::npos) return what;
  std::size_t colon = what.find(": ", start);
  if (colon == std::string::npos) return what;
  return what.substr(colon + 2);
}

}  // namespace vpcsim::formats

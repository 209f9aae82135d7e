// Helpers for reporting problems in JSON input.
#include "formats/json_text.h"

#include <charconv>
#include <system_error>

#include <fmt/format.h>

#include "formats/number_text.h"

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

std::optional<std::pair<std::size_t, std::string>> findJsonLimitProblem(std::string_view text,
                                                                        std::size_t max_depth) {
  std::size_t depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return std::pair{i, fmt::format("too large: nested more than {} levels deep", max_depth)};
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t end = i;
      bool whole = true;
      while (end < text.size() && std::string_view("0123456789+-.eE").find(text[end]) != std::string_view::npos) {
        if (text[end] == '.' || text[end] == 'e' || text[end] == 'E') whole = false;
        ++end;
      }
      std::string_view number = text.substr(i, end - i);
      bool fits = false;
      if (whole) {
        long long signed_value = 0;
        unsigned long long unsigned_value = 0;
        const char* last = number.data() + number.size();
        auto as_signed = std::from_chars(number.data(), last, signed_value);
        auto as_unsigned = std::from_chars(number.data(), last, unsigned_value);
        fits = (as_signed.ec == std::errc() && as_signed.ptr == last) ||
               (as_unsigned.ec == std::errc() && as_unsigned.ptr == last);
        // Not a number at all (say "-"): a syntax error the parser reports.
        if (!fits && as_signed.ec != std::errc::result_out_of_range &&
            as_unsigned.ec != std::errc::result_out_of_range)
          fits = true;
      } else {
        double value = 0;
        fits = parseDecimal(number, value) != NumberStatus::kOutOfRange;
      }
      if (!fits) {
        std::string_view why = whole ? "whole numbers must fit in 64 bits" : "too large for a 64-bit floating-point number";
        return std::pair{i, fmt::format("number {} is out of range ({})", shortened(number), why)};
      }
      i = end - 1;
    }
  }
  return std::nullopt;
}

std::string parseErrorDetail(const std::string& what) {
  std::size_t start = what.find("parse error");
  if (start == std::string::npos) return what;
  std::size_t colon = what.find(": ", start);
  if (colon == std::string::npos) return what;
  return what.substr(colon + 2);
}

}  // namespace vpcsim::formats

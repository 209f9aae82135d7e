// Helpers for reporting problems in JSON input: JSON pointers, value kinds, parse-error positions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace vpcsim::formats {

/// Appends one reference token to a JSON pointer (RFC 6901: "~" -> "~0", "/" -> "~1").
std::string child(const std::string& pointer, std::string_view key);
/// Appends an array index to a JSON pointer.
std::string child(const std::string& pointer, std::size_t index);

/// "an object", "an array", "a string", "a number", "a boolean", "null".
std::string describeType(const nlohmann::json& value);

/// Line and column (1-based) of the byte nlohmann reports as the last one read.
std::pair<std::size_t, std::size_t> lineColumn(std::string_view text, std::size_t byte);

/// The first thing in JSON `text` that a parser may refuse for its size
/// rather than its syntax, with its byte offset: a number that is not a
/// finite double ("1e400"), a whole number that fits neither a signed nor an
/// unsigned 64-bit integer (simdjson's limit; 20-digit IDs), or nesting past
/// `max_depth` levels. Strings are skipped. nullopt when there is none; the
/// caller reports syntax errors as the parser found them.
std::optional<std::pair<std::size_t, std::string>> findJsonLimitProblem(std::string_view text, std::size_t max_depth);

/// The part of a nlohmann parse_error message after "parse error at line L, column C: ".
std::string parseErrorDetail(const std::string& what);

}  // namespace vpcsim::formats

// A read-only view of one value of a simdjson DOM, with the few operations the snapshot loader needs.
//
// The snapshot loader used to build an nlohmann::json tree per file; on a
// 100,000-interface snapshot (290 MB of JSON) that tree cost about 7 of the
// 9 seconds of a load. simdjson (Debian package libsimdjson-dev) parses the
// same files into a flat tape in well under a second. This view keeps the
// loader's reading code close to what it was (type tests, lookups by key,
// iteration). Where the libraries differ: object members are visited in key
// order, as nlohmann's std::map did; a repeated object key resolves to its
// first value (nlohmann took the last). RFC 8259 section 4 leaves repeated
// names to the implementation, `aws ec2 describe-*` never writes them, and
// stopping at the first match makes lookups about twice as fast (0.25 s of a
// 3 s load at 100,000 interfaces).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

namespace vpcsim::formats {

class JsonView {
 public:
  JsonView() = default;
  explicit JsonView(simdjson::dom::element element) : element_(element) {}

  [[nodiscard]] bool is_null() const { return type() == simdjson::dom::element_type::NULL_VALUE; }
  [[nodiscard]] bool is_object() const { return type() == simdjson::dom::element_type::OBJECT; }
  [[nodiscard]] bool is_array() const { return type() == simdjson::dom::element_type::ARRAY; }
  [[nodiscard]] bool is_string() const { return type() == simdjson::dom::element_type::STRING; }
  [[nodiscard]] bool is_boolean() const { return type() == simdjson::dom::element_type::BOOL; }
  /// A number written without fraction or exponent (signed or unsigned 64-bit).
  [[nodiscard]] bool is_number_integer() const {
    auto t = type();
    return t == simdjson::dom::element_type::INT64 || t == simdjson::dom::element_type::UINT64;
  }
  [[nodiscard]] bool is_number() const {
    return is_number_integer() || type() == simdjson::dom::element_type::DOUBLE;
  }

  /// The text of a string value; empty for other kinds.
  [[nodiscard]] std::string_view string() const {
    std::string_view out;
    if (element_.get_string().get(out) != simdjson::SUCCESS) return {};
    return out;
  }
  [[nodiscard]] bool boolean() const {
    bool out = false;
    if (element_.get_bool().get(out) != simdjson::SUCCESS) return false;
    return out;
  }
  /// An integer value; unsigned values above INT64_MAX come back as INT64_MAX.
  [[nodiscard]] int64_t integer() const {
    int64_t out = 0;
    if (element_.get_int64().get(out) == simdjson::SUCCESS) return out;
    uint64_t big = 0;
    if (element_.get_uint64().get(big) == simdjson::SUCCESS) return INT64_MAX;
    return 0;
  }

  /// The value of `key` in an object (the first one when the key repeats), or nullopt.
  [[nodiscard]] std::optional<JsonView> find(std::string_view key) const {
    simdjson::dom::object object;
    if (element_.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
    for (simdjson::dom::key_value_pair member : object) {
      if (member.key == key) return JsonView(member.value);
    }
    return std::nullopt;
  }
  [[nodiscard]] bool contains(std::string_view key) const { return find(key).has_value(); }

  /// An object's members in key order (a repeated key once, with its first value).
  [[nodiscard]] std::vector<std::pair<std::string_view, JsonView>> members() const;

  /// The value as compact JSON text (numbers as simdjson prints them).
  [[nodiscard]] std::string text() const { return simdjson::minify(element_); }

  /// Number of elements of an array (0 for other kinds).
  [[nodiscard]] std::size_t size() const {
    simdjson::dom::array array;
    if (element_.get_array().get(array) != simdjson::SUCCESS) return 0;
    return array.size();
  }

  /// Calls fn(element, index) for each element of an array.
  template <typename Fn>
  void forEachElement(Fn&& fn) const {
    simdjson::dom::array array;
    if (element_.get_array().get(array) != simdjson::SUCCESS) return;
    std::size_t index = 0;
    for (simdjson::dom::element item : array) fn(JsonView(item), index++);
  }

 private:
  [[nodiscard]] simdjson::dom::element_type type() const { return element_.type(); }

  simdjson::dom::element element_;
};

/// "an object", "an array", "a string", "a number", "a boolean", "null".
std::string describeType(const JsonView& value);

}  // namespace vpcsim::formats

// The simdjson view the snapshot loader reads through.
#include "formats/json_view.h"

#include <algorithm>

namespace vpcsim::formats {


std::vector<std::pair<std::string_view, JsonView>> JsonView::members() const {
  std::vector<std::pair<std::string_view, JsonView>> out;
  simdjson::dom::object object;
  if (element_.get_object().get(object) != simdjson::SUCCESS) return out;
  for (simdjson::dom::key_value_pair member : object) out.emplace_back(member.key, JsonView(member.value));
  // Key order, as nlohmann::json's std::map gave; a repeated key keeps its first value, as find() does.
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  out.erase(std::unique(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
            out.end());
  return out;
}

std::string describeType(const JsonView& value) {
  if (value.is_null()) return "null";
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  return "a value";
}

}  // namespace vpcsim::formats

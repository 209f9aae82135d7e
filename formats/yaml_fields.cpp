// Checked access to the keys of YAML mappings, with compiler-style diagnostics.
#include "formats/yaml_fields.h"

#include "topology/suggest.h"
#include "formats/number_text.h"

#include <algorithm>
#include <limits>
#include <utility>

#include <fmt/format.h>

namespace vpcsim::formats {

using namespace vpcsim::topology;  // the model this format fills


const Field* Fields::find(std::string_view key) const {
  auto it = items.find(key);
  if (it == items.end() || (null_is_absent && it->second.value.IsNull())) return nullptr;
  return &it->second;
}

bool parseInteger(std::string_view text, long long& out) {
  return parseWholeNumber(text, std::numeric_limits<long long>::min(), std::numeric_limits<long long>::max(), out) ==
         NumberStatus::kOk;
}

std::string YamlReader::loc(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0) return file_;
  return fmt::format("{}:{}:{}", file_, mark.line + 1, mark.column + 1);
}

void YamlReader::error(const YAML::Mark& mark, std::string code, std::string message) {
  bool known = !mark.is_null() && mark.line >= 0;
  add(Diagnostic{std::move(code), std::move(message), loc(mark)}, known ? mark.line : -1, known ? mark.column : -1);
}

void YamlReader::add(Diagnostic diagnostic, int line, int column) {
  errors_.push_back({line, column, std::move(diagnostic)});
}

void YamlReader::moveErrorsTo(std::vector<Diagnostic>& out, ErrorOrder order) {
  if (order == ErrorOrder::kFileOrder) {
    std::stable_sort(errors_.begin(), errors_.end(), [](const Pending& a, const Pending& b) {
      auto key = [](const Pending& e) {
        return std::make_pair(e.line < 0 ? std::numeric_limits<int>::max() : e.line, e.column);
      };
      return key(a) < key(b);
    });
  }
  for (auto& pending : errors_) out.push_back(std::move(pending.diagnostic));
  errors_.clear();
}

std::optional<Fields> YamlReader::fields(const YAML::Node& node, std::string_view what,
                                         const std::vector<std::string_view>& allowed) {
  if (!node.IsMap()) {
    error(node, std::string(dialect_.shape_code), fmt::format("{} must be a mapping", what));
    return std::nullopt;
  }
  Fields f{node, std::string(what), {}, true, dialect_.null_is_absent};
  for (auto it = node.begin(); it != node.end(); ++it) {
    YAML::Node key = it->first;  // copies: `it->` yields a temporary proxy
    if (dialect_.plain_keys && !key.IsScalar()) {
      error(key, "bad-shape", fmt::format("keys in {} must be plain strings", what));
      f.all_known = false;
      continue;
    }
    const std::string name = dialect_.plain_keys ? key.Scalar() : key.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      error(key, "unknown-key", fmt::format("unknown key '{}' in {}{}", name, what, didYouMean(name, allowed)));
      f.all_known = false;
      continue;
    }
    if (dialect_.duplicate_keys && f.items.count(name) != 0) {
      error(key, "duplicate-key", fmt::format("duplicate key '{}' in {}", name, what));
      continue;
    }
    YAML::Node value = it->second;
    f.items.emplace(name, Field{key, value});
  }
  return f;
}

std::optional<std::string> YamlReader::text(const Fields& f, std::string_view key, bool required) {
  const Field* field = f.find(key);
  if (field == nullptr || field->value.IsNull()) {
    if (required) error(f.node, "missing-key", fmt::format("missing key '{}' in {}", key, f.what));
    return std::nullopt;
  }
  if (!field->value.IsScalar()) {
    error(field->value, "bad-shape", fmt::format("'{}' in {} must be a single value", key, f.what));
    return std::nullopt;
  }
  return field->value.Scalar();
}

bool YamlReader::flag(const Fields& f, std::string_view key, bool fallback) {
  auto value = text(f, key);
  if (!value) return fallback;
  if (*value == "true" || *value == "yes") return true;
  if (*value == "false" || *value == "no") return false;
  error(f.find(key)->value, "bad-value", fmt::format("'{}' must be true or false, not '{}'", key, *value));
  return fallback;
}

std::optional<long long> YamlReader::number(const Fields& f, std::string_view key, long long min, long long max) {
  auto value = text(f, key);
  if (!value) return std::nullopt;
  long long out = 0;
  bool digits_only = value->size() <= 9 &&
                     std::all_of(value->begin(), value->end(), [](char c) { return c >= '0' && c <= '9'; });
  if ((!dialect_.signed_numbers && !digits_only) || parseWholeNumber(*value, min, max, out) != NumberStatus::kOk) {
    error(f.find(key)->value, "bad-value",
          fmt::format("'{}' must be a whole number from {} to {}, not '{}'", key, min, max, shortened(*value)));
    return std::nullopt;
  }
  return out;
}

std::vector<YamlItem> YamlReader::list(const Fields& f, std::string_view key) {
  std::vector<YamlItem> out;
  const Field* field = f.find(key);
  if (field == nullptr || field->value.IsNull()) return out;
  if (field->value.IsScalar()) {
    out.push_back({field->value.Scalar(), field->value});
    return out;
  }
  if (!field->value.IsSequence()) {
    error(field->value, "bad-shape", fmt::format(fmt::runtime(dialect_.list_shape), key, f.what));
    return out;
  }
  for (const auto& entry : field->value) {
    if (!entry.IsScalar()) {
      error(entry, "bad-shape", fmt::format(fmt::runtime(dialect_.list_entry), key, f.what));
      continue;
    }
    out.push_back({entry.Scalar(), entry});
  }
  return out;
}

std::vector<YAML::Node> YamlReader::nodes(const Fields& f, std::string_view key) {
  std::vector<YAML::Node> out;
  const Field* field = f.find(key);
  if (field == nullptr || field->value.IsNull()) return out;
  if (!field->value.IsSequence()) {
    error(field->value, "bad-shape", fmt::format("'{}' in {} must be a list", key, f.what));
    return out;
  }
  for (const auto& entry : field->value) out.push_back(entry);
  return out;
}

}  // namespace vpcsim::formats

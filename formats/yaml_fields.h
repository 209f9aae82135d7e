// Checked access to the keys of YAML mappings, with compiler-style diagnostics; shared by the YAML loaders.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "topology/result.h"

namespace vpcsim::formats {

using namespace vpcsim::topology;  // internal header: the model this format fills

/// One `key: value` of a mapping; both nodes are kept to point errors at.
struct Field {
  YAML::Node key;
  YAML::Node value;
};

/// The keys of one mapping, as YamlReader::fields accepted them.
struct Fields {
  YAML::Node node;   ///< the mapping
  std::string what;  ///< its name in messages: "subnet", "vpc config"
  std::map<std::string, Field, std::less<>> items;  ///< allowed keys; the first of duplicates
  bool all_known = true;        ///< false when a key was reported (unknown, or not a plain string)
  bool null_is_absent = false;  ///< from YamlDialect::null_is_absent

  /// The field for `key`, or nullptr when it is not there (nor, with
  /// null_is_absent, when it is written without a value).
  [[nodiscard]] const Field* find(std::string_view key) const;
  /// Whether `key` is there, with or without a value.
  [[nodiscard]] bool has(std::string_view key) const { return items.count(key) != 0; }
};

/// A scalar out of a list, with the node it came from.
struct YamlItem {
  std::string text;
  YAML::Node node;
};

/// Where the file formats read through YamlReader differ; each keeps its own
/// codes and wording, so their messages stay what they were.
struct YamlDialect {
  /// Code of "WHAT must be a mapping".
  std::string_view shape_code = "bad-shape";
  /// Report keys that are not plain strings; false reads every key with
  /// `as<std::string>()`, which throws YAML::TypedBadConversion on a collection.
  bool plain_keys = true;
  /// Report a key written twice.
  bool duplicate_keys = true;
  /// Fields::find treats `key:` without a value as absent.
  bool null_is_absent = false;
  /// number() takes a sign ("+5", "-5") and any length; false takes digits only, at most 9.
  bool signed_numbers = false;
  /// list() on a value that is neither a scalar nor a list; formatted with the key and Fields::what.
  std::string_view list_shape = "'{}' in {} must be a value or a list";
  /// list() on an entry that is not a scalar; formatted with the key and Fields::what.
  std::string_view list_entry = "items of '{}' in {} must be single values";
};

/// How YamlReader::moveErrorsTo orders the diagnostics.
enum class ErrorOrder {
  kAsReported,
  /// By line, then column; unplaced ones last; ties keep the report order.
  kFileOrder,
};

/// A decimal integer with an optional sign and nothing else around it.
/// False when `text` is not one or does not fit a long long.
bool parseInteger(std::string_view text, long long& out);

/// Reads the mappings of one YAML file against their allowed keys and
/// collects the errors it finds as `file:line:column` diagnostics. Nothing
/// throws except yaml-cpp itself (see YamlDialect::plain_keys).
class YamlReader {
 public:
  explicit YamlReader(std::string file, YamlDialect dialect = {}) : file_(std::move(file)), dialect_(dialect) {}

  [[nodiscard]] const std::string& file() const { return file_; }

  /// "file:line:column" (1-based), or the bare file name when the mark is unknown.
  [[nodiscard]] std::string loc(const YAML::Mark& mark) const;
  [[nodiscard]] std::string loc(const YAML::Node& node) const { return loc(node.Mark()); }

  /// Records an error at `mark` / `node`.
  void error(const YAML::Mark& mark, std::string code, std::string message);
  void error(const YAML::Node& node, std::string code, std::string message) {
    error(node.Mark(), std::move(code), std::move(message));
  }
  /// Records a diagnostic made elsewhere; `line` and `column` (0-based) place
  /// it for ErrorOrder::kFileOrder, -1 means unplaced.
  void add(Diagnostic diagnostic, int line = -1, int column = -1);

  /// True while no error was recorded (or since the last moveErrorsTo).
  [[nodiscard]] bool ok() const { return errors_.empty(); }
  /// Appends the recorded errors to `out` in `order` and forgets them.
  void moveErrorsTo(std::vector<Diagnostic>& out, ErrorOrder order);

  /// The keys of mapping `node` ("WHAT" in messages). Reports a node that is
  /// not a mapping (and returns nullopt), keys not in `allowed` (with a "did
  /// you mean"), and, per the dialect, keys that are not plain strings and
  /// duplicates; reported keys are left out of the result.
  std::optional<Fields> fields(const YAML::Node& node, std::string_view what,
                               const std::vector<std::string_view>& allowed);
  /// The scalar at `key`; nullopt when absent or null (an error if `required`)
  /// or not a scalar (an error).
  std::optional<std::string> text(const Fields& f, std::string_view key, bool required = false);
  /// true/yes or false/no at `key`; `fallback` when absent or bad (an error).
  bool flag(const Fields& f, std::string_view key, bool fallback);
  /// A whole number from `min` to `max` at `key`; nullopt when absent or bad (an error).
  std::optional<long long> number(const Fields& f, std::string_view key, long long min, long long max);
  /// A list of scalars at `key`; a single scalar is a list of one. Bad
  /// entries are reported and left out; absent or null is empty.
  std::vector<YamlItem> list(const Fields& f, std::string_view key);
  /// The entries of the list at `key`; absent or null is empty, anything else an error.
  std::vector<YAML::Node> nodes(const Fields& f, std::string_view key);

 private:
  struct Pending {
    int line = -1;
    int column = -1;
    Diagnostic diagnostic;
  };

  std::string file_;
  YamlDialect dialect_;
  std::vector<Pending> errors_;
};

}  // namespace vpcsim::formats

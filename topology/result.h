// Result-or-error value and the diagnostics that bad user input turns into.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "topology/safe_text.h"

namespace vpcsim::topology {

/// One problem found in user input, printed like compiler output:
/// `LOCATION: error: MESSAGE` where LOCATION is `file:/json/pointer` or
/// `file:line:column` (or empty when no place is known), then one
/// `  note: ...` line per note, each part through escapeText() (a message
/// quotes input). The one error type from loaders through
/// engines to the CLI: Result<T> carries one, loaders fill a list of them.
struct Diagnostic {
  std::string code;      ///< stable machine-readable code, e.g. "bad-cidr"
  std::string message;   ///< lowercase, no trailing period
  std::string location;  ///< where in the input, may be empty
  std::vector<std::string> notes = {};  ///< more about it (candidates, what to add), printed after

  [[nodiscard]] std::string str() const {
    std::string out = location.empty() ? "error: " + escapeText(message)
                                       : escapeText(location) + ": error: " + escapeText(message);
    for (const auto& note : notes) out += "\n  note: " + escapeText(note);
    return out;
  }
};

/// Shorthand for a Diagnostic with no place yet (code "error"): what a
/// function that does not know which file its text came from returns;
/// callers that know add the place.
struct Error {
  std::string message;
};

/// Either a value or a Diagnostic. Built implicitly from either (or an Error).
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}                 // NOLINT(google-explicit-constructor)
  Result(Diagnostic diagnostic) : data_(std::move(diagnostic)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : data_(Diagnostic{"error", std::move(error.message), {}}) {}  // NOLINT

  [[nodiscard]] bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] const T& value() const& {
    assert(ok());
    return std::get<0>(data_);
  }
  [[nodiscard]] T&& value() && {
    assert(ok());
    return std::get<0>(std::move(data_));
  }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  /// The diagnostic's message (without place or notes).
  [[nodiscard]] const std::string& error() const { return diagnostic().message; }
  [[nodiscard]] const Diagnostic& diagnostic() const {
    assert(!ok());
    return std::get<1>(data_);
  }

 private:
  std::variant<T, Diagnostic> data_;
};

}  // namespace vpcsim::topology

// Result-or-error value and the diagnostics that bad user input turns into.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace vpcsim::topology {

/// One problem found in user input, printed like compiler output:
/// `LOCATION: error: MESSAGE` where LOCATION is `file:/json/pointer` or
/// `file:line:column` (or empty when no place is known).
struct Diagnostic {
  std::string code;      ///< stable machine-readable code, e.g. "bad-cidr"
  std::string message;   ///< lowercase, no trailing period
  std::string location;  ///< where in the input, may be empty

  [[nodiscard]] std::string str() const {
    return location.empty() ? "error: " + message : location + ": error: " + message;
  }
};

/// Error half of a Result: a message without a location; callers that know
/// where the text came from wrap it into a Diagnostic.
struct Error {
  std::string message;
};

/// Either a value or an Error. Built implicitly from either.
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}           // NOLINT(google-explicit-constructor)
  Result(Error error) : data_(std::move(error)) {}       // NOLINT(google-explicit-constructor)

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
  [[nodiscard]] const std::string& error() const {
    assert(!ok());
    return std::get<1>(data_).message;
  }

 private:
  std::variant<T, Error> data_;
};

}  // namespace vpcsim::topology

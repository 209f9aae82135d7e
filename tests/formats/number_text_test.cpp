// Tests for the one number parser: grammar, finite values only, explicit ranges (formats/number_text.h).
#include "formats/number_text.h"

#include <limits>
#include <string>

#include <catch2/catch.hpp>

namespace vpcsim::formats {
namespace {

std::string name(NumberStatus status) {
  switch (status) {
    case NumberStatus::kOk: return "ok";
    case NumberStatus::kNotANumber: return "not a number";
    case NumberStatus::kOutOfRange: return "out of range";
  }
  return "?";
}

TEST_CASE("decimal numbers are read finite, with a strict grammar", "[numbers]") {
  auto [text, status, value] = GENERATE(table<std::string, std::string, double>({
      {"0", "ok", 0},
      {"42", "ok", 42},
      {"-2.5", "ok", -2.5},
      {"+5", "ok", 5},
      {".5", "ok", 0.5},
      {"5.", "ok", 5},
      {"1e3", "ok", 1000},
      {"1E-3", "ok", 0.001},
      {"1e-400", "ok", 0},           // below the double range: rounds to zero
      {"-1e-400", "ok", 0},
      {"1e999", "out of range", 0},  // beyond it: an error, never inf
      {"-1e999", "out of range", 0},
      {"1e99999999999999999999", "out of range", 0},
      {"1e-99999999999999999999", "ok", 0},
      {"0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
       "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
       "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
       "000000000000000000000001",
       "ok", 0},
      {"nan", "not a number", 0},
      {"NaN", "not a number", 0},
      {"inf", "not a number", 0},
      {"-infinity", "not a number", 0},
      {"0x10", "not a number", 0},
      {"", "not a number", 0},
      {"-", "not a number", 0},
      {".", "not a number", 0},
      {"1e", "not a number", 0},
      {"1e+", "not a number", 0},
      {" 1", "not a number", 0},
      {"1 ", "not a number", 0},
      {"1,5", "not a number", 0},
      {"+-1", "not a number", 0},
  }));
  CAPTURE(text);
  double out = -1;
  NumberStatus got = parseDecimal(text, out);
  CHECK(name(got) == status);
  if (got == NumberStatus::kOk) CHECK(out == value);
}

TEST_CASE("a 200,000-digit number is out of range, not a crash", "[numbers]") {
  std::string digits(200000, '9');
  double out = 0;
  CHECK(parseDecimal(digits, out) == NumberStatus::kOutOfRange);
  CHECK(parseDecimal("0." + digits, out) == NumberStatus::kOk);
  CHECK(out == Approx(1.0));
  long long whole = 0;
  CHECK(parseWholeNumber(digits, 0, 10, whole) == NumberStatus::kOutOfRange);
}

TEST_CASE("a decimal number outside the caller's range is out of range", "[numbers]") {
  double out = 0;
  CHECK(parseDecimal("240", 0, 240, out) == NumberStatus::kOk);
  CHECK(parseDecimal("240.01", 0, 240, out) == NumberStatus::kOutOfRange);
  CHECK(parseDecimal("-0.5", 0, 240, out) == NumberStatus::kOutOfRange);
  CHECK(parseDecimal("nan", 0, 240, out) == NumberStatus::kNotANumber);
}

TEST_CASE("whole numbers are digits with an optional sign, in range", "[numbers]") {
  constexpr long long kMin = std::numeric_limits<long long>::min();
  constexpr long long kMax = std::numeric_limits<long long>::max();
  auto [text, min, max, status] = GENERATE_COPY(table<std::string, long long, long long, std::string>({
      {"0", 0, 65535, "ok"},
      {"65535", 0, 65535, "ok"},
      {"65536", 0, 65535, "out of range"},
      {"-1", 0, 65535, "out of range"},
      {"+7", 0, 65535, "ok"},
      {"9223372036854775807", kMin, kMax, "ok"},
      {"9223372036854775808", kMin, kMax, "out of range"},  // 19 digits, one past the top
      {"-9223372036854775808", kMin, kMax, "ok"},
      {"12345678901234567890", kMin, kMax, "out of range"},  // 20 digits
      {"1.0", 0, 10, "not a number"},
      {"1e3", 0, 10000, "not a number"},
      {"", 0, 10, "not a number"},
      {"+", 0, 10, "not a number"},
      {"1 ", 0, 10, "not a number"},
  }));
  CAPTURE(text);
  long long out = -99;
  CHECK(name(parseWholeNumber(text, min, max, out)) == status);
}

TEST_CASE("long text is shortened for messages without splitting a character", "[numbers]") {
  CHECK(shortened("short") == "short");
  CHECK(shortened(std::string(50, '9')) == std::string(40, '9') + "...");
  CHECK(shortened("aaaaaaaaa\xC3\xA9", 10) == "aaaaaaaaa...");  // "é" straddles the cut
}

}  // namespace
}  // namespace vpcsim::formats

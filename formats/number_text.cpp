// Numbers read from input text: one strict grammar, finite values only, explicit ranges.
#include "formats/number_text.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace vpcsim::formats {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// The decimal exponent of the leading significant digit of a number that
/// isDecimalText accepts, saturated far beyond the double range: positive
/// means at least 1, negative below 1. Used only to tell an overflow from an
/// underflow when std::from_chars reports the value out of range.
long long decimalMagnitude(std::string_view text) {
  std::size_t i = (text[0] == '-' || text[0] == '+') ? 1 : 0;
  long long position = 0;  // digits before the point, counted from the first significant one
  bool significant = false;
  long long leading_fraction_zeros = 0;
  for (; i < text.size() && isDigit(text[i]); ++i) {
    if (text[i] != '0') significant = true;
    if (significant && position < 1'000'000'000) ++position;
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && isDigit(text[i]); ++i) {
      if (significant) continue;
      if (text[i] != '0') significant = true;
      else if (leading_fraction_zeros < 1'000'000'000) ++leading_fraction_zeros;
    }
  }
  long long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    for (; i < text.size(); ++i) {
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (text[i] - '0');
    }
    if (negative) exponent = -exponent;
  }
  long long magnitude = position > 0 ? position - 1 : -(leading_fraction_zeros + 1);
  return magnitude + exponent;
}

}  // namespace

bool isDecimalText(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  std::size_t whole = 0;
  for (; i < text.size() && isDigit(text[i]); ++i) ++whole;
  std::size_t fraction = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && isDigit(text[i]); ++i) ++fraction;
  }
  if (whole == 0 && fraction == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    std::size_t exponent = 0;
    for (; i < text.size() && isDigit(text[i]); ++i) ++exponent;
    if (exponent == 0) return false;
  }
  return i == text.size();
}

NumberStatus parseDecimal(std::string_view text, double& out) {
  if (!isDecimalText(text)) return NumberStatus::kNotANumber;
  std::string_view digits = text[0] == '+' ? text.substr(1) : text;  // from_chars takes no '+'
  double value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc::result_out_of_range) {
    if (decimalMagnitude(text) > 0) return NumberStatus::kOutOfRange;
    out = text[0] == '-' ? -0.0 : 0.0;
    return NumberStatus::kOk;
  }
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return NumberStatus::kNotANumber;
  if (!std::isfinite(value)) return NumberStatus::kOutOfRange;
  out = value;
  return NumberStatus::kOk;
}

NumberStatus parseDecimal(std::string_view text, double min, double max, double& out) {
  double value = 0;
  NumberStatus status = parseDecimal(text, value);
  if (status != NumberStatus::kOk) return status;
  if (value < min || value > max) return NumberStatus::kOutOfRange;
  out = value;
  return NumberStatus::kOk;
}

NumberStatus parseWholeNumber(std::string_view text, long long min, long long max, long long& out) {
  std::size_t i = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  if (i == text.size()) return NumberStatus::kNotANumber;
  for (std::size_t k = i; k < text.size(); ++k) {
    if (!isDigit(text[k])) return NumberStatus::kNotANumber;
  }
  std::string_view digits = text[0] == '+' ? text.substr(1) : text;
  long long value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc::result_out_of_range) return NumberStatus::kOutOfRange;
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return NumberStatus::kNotANumber;
  if (value < min || value > max) return NumberStatus::kOutOfRange;
  out = value;
  return NumberStatus::kOk;
}

std::string shortened(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  std::size_t cut = limit;
  // Do not cut a UTF-8 sequence in two.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

}  // namespace vpcsim::formats

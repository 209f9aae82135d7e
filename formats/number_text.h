// Numbers read from input text: one strict grammar, finite values only, explicit ranges.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vpcsim::formats {

/// Why a text is not the number asked for.
enum class NumberStatus {
  kOk,
  kNotANumber,  ///< not the grammar (this includes "nan", "inf", hex, spaces)
  kOutOfRange,  ///< the grammar, but beyond what the caller allows (or any finite double)
};

/// True when `text` is a decimal number: an optional sign, digits with an
/// optional fraction (or a fraction alone, ".5"), an optional exponent
/// (`[-+]?(D+(\.D*)?|\.D+)([eE][-+]?D+)?`). No spaces, "nan", "inf" or hex.
bool isDecimalText(std::string_view text);

/// Reads a decimal number (isDecimalText) as a finite double. A value beyond
/// the double range ("1e999", 400 digits) is kOutOfRange; one too small to
/// represent ("1e-400") rounds to zero, as JSON parsers do. Any number of
/// digits is fine. `out` is set only on kOk.
NumberStatus parseDecimal(std::string_view text, double& out);

/// Reads a decimal number from `min` to `max` (kOutOfRange outside).
NumberStatus parseDecimal(std::string_view text, double min, double max, double& out);

/// Reads a whole number: an optional sign and decimal digits, nothing else,
/// from `min` to `max` (kOutOfRange outside, however many digits).
NumberStatus parseWholeNumber(std::string_view text, long long min, long long max, long long& out);

/// `text` for a message: at most `limit` bytes, cut with "..." when longer,
/// so a 200,000-digit number is not printed in full.
std::string shortened(std::string_view text, std::size_t limit = 40);

}  // namespace vpcsim::formats

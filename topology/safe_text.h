// Printing input-derived text safely: UTF-8 decoding and the one escaper for text output and diagnostics.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vpcsim::topology {

/// One UTF-8 sequence at the start of some text.
struct CodePoint {
  char32_t value = 0;
  std::size_t length = 0;  ///< bytes taken; 0 when the text does not start with a well-formed sequence
};

/// The code point `text` starts with (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF); length 0 for an ill-formed start or
/// empty text.
CodePoint decodeUtf8(std::string_view text);

/// How escapeText() spells a code point it does not print as is: "\n", "\r",
/// "\t", "\xNN" for other C0 controls and DEL, "\uNNNN" for C1 controls, line
/// and paragraph separators and bidirectional overrides and isolates; "" for
/// a code point printed as is.
std::string escapedCodePoint(char32_t value);

/// `text` safe to print inside one line of a terminal or a log: every value
/// that comes from input (IDs, names, tag values, file names, echoed
/// arguments) goes through it before a text renderer or a diagnostic prints
/// it. Control characters are shown escaped (escapedCodePoint()), each byte
/// that is not part of well-formed UTF-8 as "\xNN"; printable ASCII and
/// other well-formed UTF-8 are kept. So no input can start a new output line,
/// move the cursor or send a terminal escape sequence. A backslash in the
/// input is kept as is.
std::string escapeText(std::string_view text);

}  // namespace vpcsim::topology

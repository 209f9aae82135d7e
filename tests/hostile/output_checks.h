// Checks on what the CLI printed: no raw control characters, valid UTF-8, well-formed XML.
#pragma once

#include <string>
#include <string_view>

namespace vpcsim::hostile {

/// Empty when `text` is valid UTF-8 holding no control character other than
/// newline and tab (no C0, DEL or C1 code point: no ANSI escape, carriage
/// return, backspace or terminal-title sequence can reach a terminal);
/// otherwise what is wrong and at which byte.
std::string unsafeTextProblem(std::string_view text);

/// Empty when `text` is a well-formed XML 1.0 document (UTF-8, only XML
/// characters, one root element, matched tags, quoted attributes, no
/// duplicate attribute, known entity and character references to XML
/// characters); otherwise the first problem and its byte offset. No DTD.
std::string xmlProblem(std::string_view text);

}  // namespace vpcsim::hostile

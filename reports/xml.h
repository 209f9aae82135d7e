// XML text escaping and pieces shared by the JUnit renderers.
#pragma once

#include <string>
#include <string_view>

namespace vpcsim::reports {

/// `text` as XML 1.0 element content: &, <, >, " and ' as their entities, a
/// carriage return as "&#13;" (a parser would turn it into a newline), and
/// every character XML 1.0 forbids (C0 controls other than tab, newline and
/// carriage return; U+FFFE, U+FFFF) and every byte that is not well-formed
/// UTF-8 replaced by its topology::escapeText() spelling ("\x1b", "\xff"), so
/// the document is well-formed whatever the input held.
std::string xmlEscape(std::string_view text);

/// `text` as a double- or single-quoted XML attribute value: as xmlEscape(),
/// and newline and tab as "&#10;" and "&#9;", which attribute-value
/// normalisation would otherwise turn into spaces.
std::string xmlAttribute(std::string_view text);

/// A JUnit `<property name="NAME" value="VALUE"/>` line (indented for a
/// testsuite's `<properties>`), the value made safe (escapeText) and quoted.
std::string junitProperty(std::string_view name, std::string_view value);

}  // namespace vpcsim::reports

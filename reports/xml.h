// XML text escaping shared by the JUnit renderers.
#pragma once

#include <string>
#include <string_view>

namespace vpcsim::reports {

/// `text` with &, <, >, " and ' replaced by their XML entities, safe inside
/// element content and double- or single-quoted attribute values. Other
/// characters pass through unchanged.
std::string xmlEscape(std::string_view text);

}  // namespace vpcsim::reports

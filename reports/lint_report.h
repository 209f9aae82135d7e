// Endpoint-policy lint findings (policy/lint.h) in words, for describe and scenario reports.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy/lint.h"

namespace vpcsim::reports {

/// What is wrong and what to do, unescaped, without the endpoint: "the policy
/// has no Allow statement, ...; add ...".
std::string policyWarningMessage(const policy::PolicyWarning& warning);

/// "ENDPOINT: CODE: MESSAGE (at ORIGIN)", escaped (topology::escapeText()).
std::string policyWarningLine(const policy::PolicyWarning& warning);

/// {code, endpoint, statement (index or null), sid, origin, key, operator,
/// value, characters (kTooLarge only), message}.
nlohmann::ordered_json policyWarningJson(const policy::PolicyWarning& warning);

}  // namespace vpcsim::reports

// Renders the presigned-URL perimeter answer (`vpcsim presigned-url`) as text or JSON.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sim/presigned.h"

namespace vpcsim::reports {

/// The verdict with what it means for the URL, then each leg as reach
/// shows it: the CreatePresignedDomainUrl call, then the browser opening it.
std::string presignedUrlText(const sim::PresignedUrlReport& report);

/// {verdict, profile, principal, action, resource, summary, created: <reach JSON>, opened: <reach JSON>}.
std::string presignedUrlJson(const sim::PresignedUrlReport& report);
/// The same, as a value to embed (scenario runs).
nlohmann::ordered_json presignedUrlJsonValue(const sim::PresignedUrlReport& report);

/// One sentence on what the verdict means for the URL ("the URL is created
/// but does not open from ip:A: ..."), not escaped.
std::string presignedUrlSummary(const sim::PresignedUrlReport& report);

}  // namespace vpcsim::reports

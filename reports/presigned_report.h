// Renders the presigned-URL perimeter answer (`vpcsim presigned-url`) as text or JSON.
#pragma once

#include <string>

#include "sim/presigned.h"

namespace vpcsim::reports {

/// The verdict with what it means for the URL, then each leg as reach
/// shows it: the CreatePresignedDomainUrl call, then the browser opening it.
std::string presignedUrlText(const sim::PresignedUrlReport& report);

/// {verdict, profile, principal, action, resource, summary, created: <reach JSON>, opened: <reach JSON>}.
std::string presignedUrlJson(const sim::PresignedUrlReport& report);

}  // namespace vpcsim::reports

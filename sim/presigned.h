// The Studio sign-in perimeter: a presigned domain URL is created with one
// network context and opened with another (docs/policies.md, "The
// presigned-URL perimeter").
#pragma once

#include <string>
#include <vector>

#include "sim/query.h"
#include "topology/result.h"

namespace vpcsim::sim {

/// `vpcsim presigned-url DOMAIN/PROFILE --created-from SRC --opened-from SRC --principal REF`.
struct PresignedUrlQuery {
  std::string profile;       ///< DOMAIN/PROFILE, as `notebook:` takes it
  std::string created_from;  ///< where sagemaker:CreatePresignedDomainUrl is called from (a reach source)
  std::string opened_from;   ///< where the browser opens the URL (a reach source)
  std::string principal;     ///< who creates the URL: an ARN, a role or user name, or a logical ID
  std::vector<std::string> security_groups;  ///< for subnet: sources
};

/// Both legs, each a reach answer with the call decided.
struct PresignedUrlReport {
  std::string profile;    ///< as given
  std::string resource;   ///< the user profile's ARN, the call's resource
  std::string principal;  ///< the creator's ARN
  /// created_from -> service:sagemaker.api, deciding CreatePresignedDomainUrl.
  ReachReport created;
  /// opened_from -> service:sagemaker.studio, deciding the same call again
  /// with the browser's network context.
  ReachReport opened;
  /// reachable: the URL is created and opens; unreachable: one leg fails
  /// everywhere; partial or undetermined otherwise.
  Verdict verdict = Verdict::kUnreachable;
};

/// The action whose policies decide both legs.
inline constexpr const char* kCreatePresignedDomainUrl = "sagemaker:CreatePresignedDomainUrl";

/// Traces and decides both legs. Unknown references and a missing
/// principal are errors.
topology::Result<PresignedUrlReport> presignedUrl(const Network& network, const PresignedUrlQuery& query);

/// Both legs must work: an unreachable leg makes the URL useless, two
/// reachable legs make it work; otherwise undetermined before partial.
Verdict bothLegs(Verdict created, Verdict opened);

}  // namespace vpcsim::sim

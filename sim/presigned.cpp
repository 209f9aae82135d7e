#include "sim/presigned.h"

#include <fmt/format.h>

#include "sim/network_index.h"
#include "topology/reference.h"

namespace vpcsim::sim {

using topology::Error;
using topology::Result;

Verdict bothLegs(Verdict created, Verdict opened) {
  if (created == Verdict::kUnreachable || opened == Verdict::kUnreachable) return Verdict::kUnreachable;
  if (created == Verdict::kReachable && opened == Verdict::kReachable) return Verdict::kReachable;
  if (created == Verdict::kUndetermined || opened == Verdict::kUndetermined) return Verdict::kUndetermined;
  return Verdict::kPartial;
}

Result<PresignedUrlReport> presignedUrl(const Network& network, const PresignedUrlQuery& query) {
  const topology::Topology& topo = network.topology();
  if (query.principal.empty()) {
    return Error{"presigned-url needs --principal: the role or user that calls CreatePresignedDomainUrl (its "
                 "identity policies decide both legs)"};
  }
  auto profile = topology::resolveReference(topo, "notebook:" + query.profile, topology::ReferenceRole::kSource);
  if (!profile) return Error{profile.error()};
  if (profile->profile == nullptr) {
    return Error{fmt::format("presigned-url takes DOMAIN/PROFILE (a user profile), not '{}'", query.profile)};
  }
  const topology::StudioDomain& domain = *profile->domain;
  PresignedUrlReport report;
  report.profile = query.profile;
  // Service Authorization Reference, "Actions, resources, and condition keys
  // for Amazon SageMaker AI": CreatePresignedDomainUrl acts on the
  // user-profile resource, arn:aws:sagemaker:REGION:ACCOUNT:user-profile/DOMAIN-ID/NAME.
  report.resource = fmt::format("arn:aws:sagemaker:{}:{}:user-profile/{}/{}", domain.meta.region,
                                domain.meta.account, domain.meta.id, profile->profile->name);

  auto leg = [&](const std::string& from, const char* service) -> Result<ReachReport> {
    ReachQuery reach_query;
    reach_query.from = from;
    reach_query.to = service;
    reach_query.protocol = "tcp";
    reach_query.port = 443;
    reach_query.security_groups = query.security_groups;
    reach_query.access = AccessQuery{kCreatePresignedDomainUrl, report.resource, query.principal};
    return reach(network, reach_query);
  };
  // SageMaker Developer Guide, "Connect to Studio through an interface VPC
  // endpoint": the CreatePresignedDomainUrl call goes to the SageMaker API
  // (through its interface endpoint from inside the VPC) ...
  auto created = leg(query.created_from, "service:sagemaker.api");
  if (!created) return Error{created.error()};
  // ... and the browser opens the URL at the Studio service
  // (aws.sagemaker.REGION.studio from inside the VPC). SageMaker API
  // Reference, "CreatePresignedDomainUrl": the IAM policies of the call "are
  // also enforced for every HTTP request and WebSocket frame that attempts to
  // connect to the app", so the same call is decided again with the
  // context of the browser's path: a URL created in one network context
  // and opened from another fails when the policies tie it to the first.
  auto opened = leg(query.opened_from, "service:sagemaker.studio");
  if (!opened) return Error{opened.error()};
  report.created = std::move(*created);
  report.opened = std::move(*opened);
  for (const auto& answer : report.created.access) {
    if (answer) {
      report.principal = answer->request.principal_arn;
      break;
    }
  }
  if (report.principal.empty()) {
    auto principal = findPrincipal(topo, query.principal);
    report.principal = principal && *principal != nullptr ? (*principal)->arn : query.principal;
  }
  report.verdict = bothLegs(report.created.verdict, report.opened.verdict);
  return report;
}

}  // namespace vpcsim::sim

// Who may make an API call over a traced path: the request context the path
// gives (docs/policies.md, "Request context from the path") and the policy
// decision for the call (policy/evaluate.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/evaluate.h"
#include "sim/tracer.h"
#include "topology/model.h"
#include "topology/result.h"

namespace vpcsim::sim {

/// `reach ... --action SERVICE:Action [--resource ARN] [--principal REF]`.
struct AccessQuery {
  std::string action;          ///< "ssm:GetParameter"
  std::string resource = "*";  ///< an ARN; "*" when the action takes none
  std::string principal;       ///< an ARN or a role/user name; empty: the source's execution role
};

/// True when `action` is SERVICE:Action ("ssm:GetParameter", "s3:Get*"):
/// one ':' with text on both sides (IAM User Guide, "IAM JSON policy
/// elements: Action").
bool isActionName(std::string_view action);

/// The decision for one traced source.
struct AccessAnswer {
  policy::Request request;            ///< the call, its principal and its context
  policy::AccessDecision decision;    ///< from policy::decide
  const topology::VpcEndpoint* endpoint = nullptr;  ///< the endpoint the call goes through, if any
  const topology::IamPrincipal* principal = nullptr;  ///< the caller, when the input holds it
  std::vector<std::string> assumptions;  ///< policy kinds taken as absent, and why
};

/// The condition keys the forward path of `result` gives a call made over
/// it (IAM User Guide, "AWS global condition context keys"): through a VPC
/// endpoint aws:SourceVpc, aws:SourceVpcArn, aws:SourceVpce and
/// aws:VpcSourceIp; otherwise aws:SourceIp, the address the service sees
/// (the NAT gateway's or the public address, or an outside host's own).
/// Returns the endpoint on the path, or nullptr.
const topology::VpcEndpoint* addNetworkContext(const Network& network, const TraceResult& result,
                                               policy::RequestContext& context);

/// The IAM principal `reference` names (an ARN, or a role or user name), or
/// nullptr with an ARN the input does not hold; an unknown name is an error.
topology::Result<const topology::IamPrincipal*> findPrincipal(const topology::Topology& topo,
                                                              const std::string& reference);

/// Decides `query` for a call made over `result` by `principal_arn` (the
/// resolved --principal, or the source's execution role).
AccessAnswer decideAccess(const Network& network, const TraceResult& result, const AccessQuery& query,
                          const std::string& principal_arn, const topology::IamPrincipal* principal);

/// Everything a call's decision rests on but its action: the request with
/// the caller's keys and the path's network keys, and the caller's
/// policies. Built once for many actions (the access matrix); points into
/// the Topology, which must outlive it.
struct PreparedCall {
  policy::Request request;  ///< the action is the last one decided (decideAction), empty before
  policy::PolicySet policies;
  const topology::VpcEndpoint* endpoint = nullptr;
  const topology::IamPrincipal* principal = nullptr;
  std::vector<std::string> assumptions;  ///< policy kinds taken as absent, and why
  std::vector<std::string> missing;      ///< the caller's policies the input does not hold
};

/// Prepares calls on `resource` by `principal_arn` (its IamPrincipal, or
/// nullptr when the input does not hold it) over a path whose network keys
/// are `network_context` (addNetworkContext) through `endpoint` (nullptr: none).
PreparedCall prepareCall(const topology::Topology& topo, const topology::VpcEndpoint* endpoint,
                         policy::RequestContext network_context, const std::string& resource,
                         const std::string& principal_arn, const topology::IamPrincipal* principal);

/// Decides `action` for a prepared call: the decision decideAccess gives.
/// Sets `call.request.action` to `action` (the request is not copied).
policy::AccessDecision decideAction(PreparedCall& call, const std::string& action);

/// The network keys addNetworkContext sets whose value differs between paths
/// through one endpoint (or none), and whether some policy may read them.
struct NetworkKeysRead {
  bool vpc_source_ip = false;  ///< aws:VpcSourceIp
  bool source_ip = false;      ///< aws:SourceIp
  /// When every policy reads aws:VpcSourceIp only through IpAddress /
  /// NotIpAddress conditions with literal values (policy::readsKeyOnlyAsIpRanges):
  /// those values, sorted, once each. Decisions then depend on the address
  /// only through which of them contain it.
  std::optional<std::vector<std::string>> vpc_source_ip_ranges;
};

/// Which of those keys some policy a decision could consult may read: every
/// principal's and group's inline policies, managed policies, SCPs, RCPs,
/// resource policies and endpoint policies of the input are searched
/// (policy::mayReadKey, conservative: a key named anywhere counts).
NetworkKeysRead networkKeysRead(const topology::Topology& topo);

}  // namespace vpcsim::sim

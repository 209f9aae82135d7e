#include "sim/access.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "policy/patterns.h"
#include "sim/network_index.h"
#include "topology/suggest.h"

namespace vpcsim::sim {
namespace {

using topology::IamPrincipal;
using topology::PolicyDocument;
using topology::Topology;
using topology::VpcEndpoint;

/// Field `index` (0-based) of an ARN's six ':'-separated fields; empty when absent.
std::string arnField(std::string_view arn, std::size_t index) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < index; ++i) {
    std::size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return "";
    start = colon + 1;
  }
  std::size_t end = index < 5 ? arn.find(':', start) : std::string_view::npos;
  return std::string(arn.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

/// The policy documents attached to `principal` and (users) its groups.
/// Returns false when one of them is not in the input (an AWS managed
/// policy, or a customer one the input does not hold).
bool identityPolicies(const Topology& topo, const IamPrincipal& principal, std::vector<const PolicyDocument*>& out,
                      std::vector<std::string>& missing) {
  auto attach = [&](const IamPrincipal& holder) {
    for (const auto& document : holder.inline_policies) out.push_back(&document);
    for (const auto& arn : holder.managed_policy_arns) {
      if (const auto* managed = topo.iam.findManagedPolicy(arn)) {
        out.push_back(&managed->document);
      } else {
        missing.push_back(arn);
      }
    }
  };
  attach(principal);
  // IAM User Guide, "IAM user groups": a user's permissions include its groups' policies.
  for (const auto& group_name : principal.groups) {
    auto group = std::find_if(topo.iam.principals.begin(), topo.iam.principals.end(), [&](const IamPrincipal& p) {
      return p.kind == topology::PrincipalKind::kGroup && p.name == group_name && p.account == principal.account;
    });
    if (group == topo.iam.principals.end()) {
      missing.push_back("group " + group_name);
    } else {
      attach(*group);
    }
  }
  return missing.empty();
}

}  // namespace

bool isActionName(std::string_view action) {
  std::size_t colon = action.find(':');
  return colon != std::string_view::npos && colon > 0 && colon + 1 < action.size() &&
         action.find(':', colon + 1) == std::string_view::npos;
}

const VpcEndpoint* addNetworkContext(const Network& network, const TraceResult& result,
                                     policy::RequestContext& context) {
  const Network::Index& ix = network.index();
  const VpcEndpoint* endpoint = nullptr;
  std::optional<topology::IpAddress> sender;
  std::optional<topology::IpAddress> seen;  // the source address after translations so far
  std::optional<topology::IpAddress> at_endpoint;
  for (const Hop& hop : result.path) {
    if (hop.direction != Direction::kForward) continue;
    if (!sender && hop.action == HopAction::kSend) sender = seen = hop.packet.source;
    if (hop.action == HopAction::kTranslateSource) seen = hop.to;
    if (hop.resource == nullptr || endpoint != nullptr) continue;
    // A gateway endpoint is a hop of its own; an interface endpoint is
    // where the request is delivered, at one of its network interfaces.
    if (hop.kind == HopKind::kVpcEndpoint) {
      endpoint = ix.topo.findVpcEndpoint(hop.resource->id);
      at_endpoint = seen;
    } else if (hop.kind == HopKind::kNetworkInterface && hop.action == HopAction::kDeliver) {
      if (auto it = ix.endpoint_by_eni.find(hop.resource->id); it != ix.endpoint_by_eni.end()) {
        endpoint = it->second;
        at_endpoint = seen;
      }
    }
  }
  if (endpoint != nullptr) {
    // IAM User Guide, "AWS global condition context keys": aws:SourceVpc,
    // aws:SourceVpcArn and aws:SourceVpce are the endpoint's VPC and ID;
    // aws:VpcSourceIp the caller's address as the endpoint sees it. A
    // request through an endpoint has no aws:SourceIp.
    const auto& meta = endpoint->meta;
    context.set("aws:SourceVpc", endpoint->vpc_id);
    context.set("aws:SourceVpcArn", fmt::format("arn:aws:ec2:{}:{}:vpc/{}", meta.region, meta.account,
                                                endpoint->vpc_id));
    context.set("aws:SourceVpce", meta.id);
    if (at_endpoint) {
      context.set("aws:VpcSourceIp", at_endpoint->str());
    } else {
      context.setUnknown("aws:VpcSourceIp");
    }
    return endpoint;
  }
  // The public endpoint sees the address after the last translation (a NAT
  // gateway's Elastic IP, an instance's public address), or an outside
  // host's own address.
  if (seen) {
    context.set("aws:SourceIp", seen->str());
  } else {
    context.setUnknown("aws:SourceIp");  // a path the tracer did not follow (a platform network)
  }
  return nullptr;
}

topology::Result<const IamPrincipal*> findPrincipal(const Topology& topo, const std::string& reference) {
  if (reference.rfind("arn:", 0) == 0) return topo.iam.findPrincipal(reference);
  std::vector<const IamPrincipal*> matches;
  std::vector<std::string_view> names;
  for (const auto& principal : topo.iam.principals) {
    if (principal.kind == topology::PrincipalKind::kGroup) continue;
    names.push_back(principal.name);
    if (principal.name == reference || principal.logical_id == reference) matches.push_back(&principal);
  }
  if (matches.size() == 1) return matches.front();
  if (matches.size() > 1) {
    std::string arns;
    for (const auto* match : matches) arns += (arns.empty() ? "" : ", ") + match->arn;
    return topology::Error{fmt::format("principal '{}' matches {} principals: {}; give the ARN", reference,
                                       matches.size(), arns)};
  }
  if (!topo.iam.principals_loaded) {
    return topology::Error{fmt::format("principal '{}' is not in the input: it holds no IAM roles or users (give "
                                       "the role's ARN, or add the IAM input; docs/policies.md)",
                                       reference)};
  }
  return topology::Error{fmt::format("principal '{}' is not in the input{}", reference,
                                     topology::didYouMean(reference, names))};
}

AccessAnswer decideAccess(const Network& network, const TraceResult& result, const AccessQuery& query,
                          const std::string& principal_arn, const IamPrincipal* principal) {
  policy::RequestContext network_context;
  const VpcEndpoint* endpoint = addNetworkContext(network, result, network_context);
  PreparedCall call =
      prepareCall(network.topology(), endpoint, std::move(network_context), query.resource, principal_arn, principal);
  AccessAnswer answer;
  answer.decision = decideAction(call, query.action);
  answer.request = std::move(call.request);
  answer.endpoint = endpoint;
  answer.principal = principal;
  answer.assumptions = std::move(call.assumptions);
  return answer;
}

PreparedCall prepareCall(const Topology& topo, const VpcEndpoint* endpoint, policy::RequestContext network_context,
                         const std::string& resource, const std::string& principal_arn,
                         const IamPrincipal* principal) {
  PreparedCall call;
  call.principal = principal;
  call.endpoint = endpoint;
  policy::Request& request = call.request;
  request.resource = resource;
  request.principal_arn = principal_arn;
  request.principal_account = arnField(principal_arn, 4);
  request.context = std::move(network_context);
  policy::RequestContext& context = request.context;

  // Principal keys (IAM User Guide, "AWS global condition context keys"):
  // for a role session aws:PrincipalArn is the role's ARN with its path.
  context.set("aws:PrincipalArn", principal_arn);
  context.set("aws:PrincipalAccount", request.principal_account);
  // aws:ViaAWSService is in every request; a call made by the caller itself is false.
  context.set("aws:ViaAWSService", "false");
  if (principal != nullptr) {
    context.set("aws:PrincipalType", principal->kind == topology::PrincipalKind::kRole ? "AssumedRole" : "User");
    if (principal->kind == topology::PrincipalKind::kUser) context.set("aws:username", principal->name);
    for (const auto& [key, value] : principal->tags) context.set("aws:PrincipalTag/" + key, value);
  } else {
    context.setUnknown("aws:PrincipalType");
  }
  // aws:PrincipalOrgID exists only when the account is in an organization.
  if (!topo.iam.organization_id.empty()) {
    context.set("aws:PrincipalOrgID", topo.iam.organization_id);
  } else {
    context.setUnknown("aws:PrincipalOrgID");
    call.assumptions.push_back("whether the account is in an AWS Organization is not in the input: "
                               "aws:PrincipalOrgID is unknown");
  }

  policy::PolicySet& set = call.policies;
  std::vector<std::string>& missing = call.missing;
  set.identity_loaded = principal != nullptr && identityPolicies(topo, *principal, set.identity, missing);
  if (principal != nullptr && !principal->permissions_boundary_arn.empty()) {
    if (const auto* boundary = topo.iam.findManagedPolicy(principal->permissions_boundary_arn)) {
      set.boundary = std::vector<const PolicyDocument*>{&boundary->document};
    } else {
      missing.push_back(principal->permissions_boundary_arn + " (permissions boundary)");
      set.identity_loaded = false;
    }
  }
  if (topo.iam.scps_loaded) {
    // Organizations User Guide, "SCP evaluation": at each level from the
    // root to the account some attached SCP must allow. Levels come from
    // the policies' targets; when any target is unknown, none is trusted
    // (an SCP of unknown level may sit at a known one).
    const auto& scps = topo.iam.service_control_policies;
    bool placed = std::all_of(scps.begin(), scps.end(),
                              [](const topology::OrganizationPolicy& scp) { return !scp.target.empty(); });
    if (placed) {
      std::map<std::string, std::vector<const PolicyDocument*>> by_target;
      for (const auto& scp : scps) by_target[scp.target].push_back(&scp.document);
      std::vector<std::vector<const PolicyDocument*>> levels;
      for (auto& [target, documents] : by_target) levels.push_back(std::move(documents));
      set.service_control = std::move(levels);
    } else {
      std::vector<const PolicyDocument*> documents;
      for (const auto& scp : scps) documents.push_back(&scp.document);
      set.service_control_unplaced = std::move(documents);
    }
  } else {
    call.assumptions.push_back("no SCPs in the input: taken as absent");
  }
  if (topo.iam.rcps_loaded) {
    // RCPFullAWSAccess is attached everywhere and cannot be detached
    // (Organizations User Guide, "RCP evaluation"): only Deny statements
    // of the other RCPs decide.
    std::vector<const PolicyDocument*> rcps{&policy::rcpFullAwsAccess()};
    for (const auto& rcp : topo.iam.resource_control_policies) rcps.push_back(&rcp.document);
    set.resource_control = std::move(rcps);
  } else {
    call.assumptions.push_back("no RCPs in the input: taken as absent");
  }
  std::vector<const PolicyDocument*> resource_policies;
  for (const auto& held : topo.iam.resource_policies) {
    const std::string& arn = held.resource_arn;
    bool covers = resource == arn || (resource.size() > arn.size() && resource.compare(0, arn.size(), arn) == 0 &&
                                      resource[arn.size()] == '/');
    if (covers) resource_policies.push_back(&held.document);
  }
  if (!resource_policies.empty()) {
    set.resource = std::move(resource_policies);
  } else if (resource != "*") {
    call.assumptions.push_back(fmt::format("no resource policy for {} in the input: taken as absent", resource));
  }
  if (endpoint != nullptr) set.endpoint = endpoint->policy ? &*endpoint->policy : nullptr;
  std::string resource_account = arnField(resource, 4);
  set.cross_account = !resource_account.empty() && !request.principal_account.empty() &&
                      resource_account != request.principal_account;
  return call;
}

policy::AccessDecision decideAction(PreparedCall& call, const std::string& action) {
  call.request.action = action;
  const policy::Request& request = call.request;
  policy::AccessDecision decision = policy::decide(call.policies, request);
  // AWS KMS Developer Guide, "Key policies in AWS KMS": every KMS key has a
  // key policy, and IAM policies allow nothing on a key unless its key
  // policy allows it (or delegates to the account). Without the key policy
  // an allow cannot be settled.
  const std::string_view service = std::string_view(action).substr(0, action.find(':'));
  if (policy::equalsIgnoreCase(service, "kms") && !call.policies.resource &&
      decision.decision == policy::Decision::kAllow) {
    decision.decision = policy::Decision::kUndetermined;
    decision.missing = fmt::format("the key policy of {} is not in the input (AWS KMS requires the key policy to "
                                   "allow the call)",
                                   request.resource);
  }
  if (!call.missing.empty() && decision.decision == policy::Decision::kUndetermined) {
    std::string list;
    for (const auto& item : call.missing) list += (list.empty() ? "" : ", ") + item;
    decision.missing = fmt::format("not in the input: {}", list);
  } else if (call.principal == nullptr && decision.decision == policy::Decision::kUndetermined) {
    decision.missing = fmt::format("{} is not in the input, nor its identity policies", request.principal_arn);
  }
  return decision;
}

NetworkKeysRead networkKeysRead(const Topology& topo) {
  NetworkKeysRead read;
  std::vector<std::string> ranges;
  bool only_ranges = true;
  const auto scan = [&](const PolicyDocument& document) {
    read.vpc_source_ip = read.vpc_source_ip || policy::mayReadKey(document, "aws:VpcSourceIp");
    read.source_ip = read.source_ip || policy::mayReadKey(document, "aws:SourceIp");
    only_ranges = only_ranges && policy::readsKeyOnlyAsIpRanges(document, "aws:VpcSourceIp", ranges);
  };
  for (const auto& principal : topo.iam.principals) {
    for (const auto& document : principal.inline_policies) scan(document);
  }
  for (const auto& managed : topo.iam.managed_policies) scan(managed.document);
  for (const auto& scp : topo.iam.service_control_policies) scan(scp.document);
  for (const auto& rcp : topo.iam.resource_control_policies) scan(rcp.document);
  for (const auto& held : topo.iam.resource_policies) scan(held.document);
  for (const auto& endpoint : topo.vpc_endpoints) {
    if (endpoint.policy) scan(*endpoint.policy);
  }
  if (read.vpc_source_ip && only_ranges) {
    std::sort(ranges.begin(), ranges.end());
    ranges.erase(std::unique(ranges.begin(), ranges.end()), ranges.end());
    read.vpc_source_ip_ranges = std::move(ranges);
  }
  return read;
}

}  // namespace vpcsim::sim

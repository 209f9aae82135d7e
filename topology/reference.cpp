// User references: one resolver, one ambiguity rule, one "did you mean".
#include "topology/reference.h"

#include <algorithm>
#include <cctype>

#include <algorithm>
#include <type_traits>

#include <fmt/format.h>

#include "topology/suggest.h"

namespace vpcsim::topology {
namespace {

bool startsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

/// How a reference reads: `name:TAG` matches Name tags only.
struct Spelling {
  std::string_view text;
  std::string_view tag;
  bool tag_only = false;
};

Spelling spell(std::string_view text) {
  bool tag_only = startsWith(text, "name:");
  return {text, tag_only ? text.substr(5) : text, tag_only};
}

template <typename T>
bool carries(const T& item, const Spelling& spelling, bool group_names) {
  if (!item.meta.name.empty() && item.meta.name == spelling.tag) return true;
  if (spelling.tag_only) return false;
  if (!item.meta.logical_id.empty() && item.meta.logical_id == spelling.text) return true;
  if constexpr (std::is_same_v<T, SecurityGroup>) {
    if (group_names && !item.group_name.empty() && item.group_name == spelling.text) return true;
  }
  return false;
}

/// Every resource of `kinds` the reference names: by ID, else by the other names.
std::vector<ResourceRef> resourcesNamed(const Topology& topo, const Spelling& spelling, ResourceKinds kinds,
                                        bool group_names) {
  std::vector<ResourceRef> by_id;
  if (!spelling.tag_only) {
    forEachResourceCollection(topo, [&](ResourceKind kind, const auto& items) {
      if (!kinds.contains(kind)) return;
      if (const auto* item = findById(items, spelling.text)) by_id.push_back({kind, &item->meta, item});
    });
  }
  if (!by_id.empty()) return by_id;
  std::vector<ResourceRef> matches;
  forEachResourceCollection(topo, [&](ResourceKind kind, const auto& items) {
    if (!kinds.contains(kind)) return;
    for (const auto& item : items) {
      if (carries(item, spelling, group_names)) matches.push_back({kind, &item.meta, &item});
    }
  });
  return matches;
}

std::string candidateList(const std::vector<ResourceRef>& refs) {
  std::string list;
  for (const auto& ref : refs) {
    list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", ref.meta->id, resourceKindName(ref.kind));
  }
  return list;
}

std::string_view article(std::string_view word) {
  return !word.empty() && std::string_view("aeiou").find(word.front()) != std::string_view::npos ? "an" : "a";
}

/// " (did you mean 'X'?)" over the IDs, logical IDs and Name tags of `kinds`.
std::string suggestion(const Topology& topo, const Spelling& spelling, const ResourceQuery& query) {
  std::vector<std::string> candidates;
  forEachResourceCollection(topo, [&](ResourceKind kind, const auto& items) {
    if (!query.kinds.contains(kind)) return;
    for (const auto& item : items) {
      if (!item.meta.name.empty()) candidates.push_back(spelling.tag_only ? "name:" + item.meta.name : item.meta.name);
      if (spelling.tag_only) continue;
      candidates.push_back(item.meta.id);
      if (!item.meta.logical_id.empty()) candidates.push_back(item.meta.logical_id);
      if constexpr (std::is_same_v<std::decay_t<decltype(item)>, SecurityGroup>) {
        if (query.group_names && !item.group_name.empty()) candidates.push_back(item.group_name);
      }
    }
  });
  // Instances only interface attachments name (snapshots without describe-instances).
  if (query.kinds.contains(ResourceKind::kInstance) && !spelling.tag_only) {
    for (const auto& id : topo.attachedInstanceIds()) {
      if (id != spelling.text) candidates.push_back(id);  // never suggest what was typed
    }
  }
  return didYouMean(spelling.text, candidates);
}

ReferenceError emptyReference(std::string_view what, std::string_view text) {
  return {ReferenceProblem::kEmpty, fmt::format("{} reference '{}' is empty", what, text)};
}

}  // namespace

std::string_view resourceKindName(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kVpc: return "vpc";
    case ResourceKind::kSubnet: return "subnet";
    case ResourceKind::kRouteTable: return "route table";
    case ResourceKind::kSecurityGroup: return "security group";
    case ResourceKind::kNetworkAcl: return "network acl";
    case ResourceKind::kInternetGateway: return "internet gateway";
    case ResourceKind::kEgressOnlyInternetGateway: return "egress-only internet gateway";
    case ResourceKind::kNatGateway: return "nat gateway";
    case ResourceKind::kVpcEndpoint: return "vpc endpoint";
    case ResourceKind::kNetworkInterface: return "network interface";
    case ResourceKind::kInstance: return "instance";
    case ResourceKind::kPrefixList: return "prefix list";
    case ResourceKind::kPeeringConnection: return "peering connection";
    case ResourceKind::kTransitGateway: return "transit gateway";
    case ResourceKind::kTgwAttachment: return "transit gateway attachment";
    case ResourceKind::kTgwRouteTable: return "transit gateway route table";
    case ResourceKind::kVpnGateway: return "vpn gateway";
    case ResourceKind::kVpnConnection: return "vpn connection";
    case ResourceKind::kLoadBalancer: return "load balancer";
    case ResourceKind::kTargetGroup: return "target group";
    case ResourceKind::kStudioDomain: return "studio domain";
  }
  return "resource";
}

std::string_view ReferenceError::code() const {
  switch (problem) {
    case ReferenceProblem::kEmpty: return "empty-reference";
    case ReferenceProblem::kAmbiguous: return "ambiguous-reference";
    case ReferenceProblem::kUnknown:
    case ReferenceProblem::kWrongKind: break;
  }
  return "unknown-reference";
}

std::variant<ResourceRef, ReferenceError> lookUpResource(const Topology& topo, std::string_view text,
                                                         const ResourceQuery& query) {
  Spelling spelling = spell(text);
  if (spelling.tag.empty()) return emptyReference(query.what, text);
  std::vector<ResourceRef> matches = resourcesNamed(topo, spelling, query.kinds, query.group_names);
  if (matches.size() == 1) return matches.front();
  if (matches.size() > 1) {
    return ReferenceError{ReferenceProblem::kAmbiguous, fmt::format("'{}'{} matches {} resources: {}", text,
                                                                    query.context, matches.size(),
                                                                    candidateList(matches))};
  }
  std::vector<ResourceRef> others = resourcesNamed(topo, spelling, query.kinds.complement(), query.group_names);
  if (!others.empty()) {
    return ReferenceError{ReferenceProblem::kWrongKind,
                          fmt::format("'{}'{} names {}, not {} {}", text, query.context, candidateList(others),
                                      article(query.what), query.what)};
  }
  return ReferenceError{ReferenceProblem::kUnknown, fmt::format("{} '{}'{} is not in the input{}", query.what, text,
                                                                query.context, suggestion(topo, spelling, query))};
}

Result<ResourceRef> findResource(const Topology& topo, std::string_view text, const ResourceQuery& query) {
  auto found = lookUpResource(topo, text, query);
  if (auto* error = std::get_if<ReferenceError>(&found)) {
    return Diagnostic{std::string(error->code()), std::move(error->message), ""};
  }
  return std::get<ResourceRef>(found);
}

// ---- reference forms ---------------------------------------------------------

namespace {

std::string_view roleWord(ReferenceRole role) {
  switch (role) {
    case ReferenceRole::kSource: return "source";
    case ReferenceRole::kDestination: return "destination";
    case ReferenceRole::kSecurityGroup: return "security group";
  }
  return "reference";
}

Error emptyError(std::string_view what, std::string_view text) { return Error{emptyReference(what, text).message}; }

/// A reference to an interface, instance, subnet or security group.
Result<Resolved> resourceReference(const Topology& topo, std::string_view reference, std::string_view name,
                                   const ResourceQuery& query) {
  // EC2 User Guide, "Elastic network interfaces": an attached interface
  // names its instance, so an instance describe-instances does not list is
  // still known by the interfaces attached to it.
  if (query.kinds.contains(ResourceKind::kInstance) && startsWith(name, "i-") && topo.findInstance(name) == nullptr) {
    std::vector<const Eni*> attached = topo.instanceInterfaces(name);
    if (!attached.empty()) {
      Resolved out;
      out.text = std::string(reference);
      out.kind = Resolved::Kind::kInstance;
      out.interfaces = std::move(attached);
      return out;
    }
  }
  auto found = findResource(topo, name, query);
  if (!found) return found.diagnostic();
  Resolved out;
  out.text = std::string(reference);
  if (const Eni* eni = found->as<Eni>()) {
    out.kind = Resolved::Kind::kInterface;
    out.eni = eni;
  } else if (const Instance* instance = found->as<Instance>()) {
    out.kind = Resolved::Kind::kInstance;
    out.instance = instance;
    out.interfaces = instanceInterfaces(topo, *instance);
  } else if (const Subnet* subnet = found->as<Subnet>()) {
    out.kind = Resolved::Kind::kSubnet;
    out.subnet = subnet;
  } else {
    out.kind = Resolved::Kind::kSecurityGroup;
    out.group = found->as<SecurityGroup>();
  }
  return out;
}

/// `ip:A.B.C.D` or `ip:IPV6`.
Result<IpAddress> addressOf(std::string_view text) { return IpAddress::parse(text); }

/// The studio domain with ID or name `ref`: exactly one.
Result<const StudioDomain*> studioDomain(const Topology& topo, std::string_view ref) {
  std::vector<ResourceRef> matches;
  std::vector<std::string> names;
  for (const auto& domain : topo.studio_domains) {
    if (domain.meta.id == ref || domain.meta.name == ref) {
      matches.push_back({ResourceKind::kStudioDomain, &domain.meta, &domain});
    }
    names.push_back(domain.meta.name);
  }
  if (matches.size() == 1) return matches.front().as<StudioDomain>();
  if (matches.empty()) {
    return Error{fmt::format("studio domain '{}' is not in the input{}", ref, didYouMean(ref, names))};
  }
  return Error{fmt::format("'{}' matches {} resources: {}", ref, matches.size(), candidateList(matches))};
}

/// `notebook:DOMAIN[/PROFILE]`.
Result<Resolved> notebookReference(const Topology& topo, std::string_view reference, std::string_view spec) {
  size_t slash = spec.find('/');
  std::string_view domain_ref = spec.substr(0, slash);
  if (domain_ref.empty()) return emptyError("studio domain", reference);
  auto domain = studioDomain(topo, domain_ref);
  if (!domain) return Error{domain.error()};
  Resolved out;
  out.kind = Resolved::Kind::kNotebook;
  out.text = std::string(reference);
  out.domain = *domain;
  if (slash == std::string_view::npos) return out;
  std::string_view profile = spec.substr(slash + 1);
  if (profile.empty()) return emptyError("user profile", reference);
  std::vector<std::string> names;
  std::string candidates;
  size_t matches = 0;
  for (const auto& p : topo.user_profiles) {
    if (p.domain != out.domain->meta.id && p.domain != out.domain->meta.name) continue;
    names.push_back(p.name);
    if (p.name != profile) continue;
    out.profile = &p;
    candidates += fmt::format("{}{} (user profile)", candidates.empty() ? "" : ", ", p.name);
    ++matches;
  }
  if (matches == 0) {
    return Error{fmt::format("user profile '{}' is not in domain {}{}", profile, out.domain->meta.name,
                             didYouMean(profile, names))};
  }
  if (matches > 1) {
    return Error{fmt::format("'{}' matches {} resources: {}", reference, matches, candidates)};
  }
  return out;
}

/// `job:NAME`.
Result<Resolved> jobReference(const Topology& topo, std::string_view reference, std::string_view name) {
  if (name.empty()) return emptyError("job", reference);
  Resolved out;
  out.kind = Resolved::Kind::kJob;
  out.text = std::string(reference);
  std::vector<std::string> names;
  std::string candidates;
  size_t matches = 0;
  for (const auto& job : topo.jobs) {
    names.push_back(job.name);
    if (job.name != name) continue;
    out.job = &job;
    candidates += fmt::format("{}{} ({} job)", candidates.empty() ? "" : ", ", job.name, job.kind);
    ++matches;
  }
  if (matches == 0) return Error{fmt::format("job '{}' is not in the input{}", name, didYouMean(name, names))};
  if (matches > 1) return Error{fmt::format("'{}' matches {} resources: {}", reference, matches, candidates)};
  return out;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

/// `lb:REF`: a load balancer by ARN, ID, name, logical ID or Name tag.
Result<Resolved> loadBalancerReference(const Topology& topo, std::string_view reference, std::string_view ref) {
  if (ref.empty()) return emptyError("load balancer", reference);
  Resolved out;
  out.kind = Resolved::Kind::kLoadBalancer;
  out.text = std::string(reference);
  out.load_balancer = topo.findLoadBalancer(ref);
  if (out.load_balancer == nullptr) {
    auto found = findResource(topo, ref, {{ResourceKind::kLoadBalancer}, "load balancer", "", false});
    if (!found) return found.diagnostic();
    out.load_balancer = found->as<LoadBalancer>();
  }
  return out;
}

/// A form with a name after its prefix (`service:`, `host:`, `ip:`).
Result<Resolved> namedForm(Resolved::Kind kind, std::string_view reference, std::string_view rest,
                           std::string_view what) {
  if (rest.empty()) return emptyError(what, reference);
  Resolved out;
  out.kind = kind;
  out.text = std::string(reference);
  if (kind == Resolved::Kind::kAddress) {
    auto address = addressOf(rest);
    if (!address) return Error{address.error()};
    out.address = *address;
  } else {
    out.name = std::string(rest);
  }
  return out;
}

}  // namespace

Result<Resolved> resolveReference(const Topology& topo, std::string_view reference, ReferenceRole role) {
  std::string_view what = roleWord(role);
  if (reference.empty()) return emptyError(what, reference);
  if (role == ReferenceRole::kSecurityGroup) {
    return resourceReference(topo, reference, reference, {{ResourceKind::kSecurityGroup}, what, "", true});
  }
  auto rest = [&](std::string_view prefix) { return reference.substr(prefix.size()); };
  bool destination_only = reference == "pypi" || startsWith(reference, "service:") || startsWith(reference, "host:") ||
                          startsWith(reference, "lb:");
  if (destination_only && role != ReferenceRole::kDestination) {
    return Error{fmt::format("'{}' can only be a destination", reference)};
  }
  if (reference == "internet" || reference == "pypi") {
    Resolved out;
    out.kind = reference == "internet" ? Resolved::Kind::kInternet : Resolved::Kind::kPypi;
    out.text = std::string(reference);
    return out;
  }
  if (startsWith(reference, "ip:")) return namedForm(Resolved::Kind::kAddress, reference, rest("ip:"), "address");
  if (startsWith(reference, "service:")) {
    return namedForm(Resolved::Kind::kService, reference, rest("service:"), "service");
  }
  if (startsWith(reference, "lb:")) return loadBalancerReference(topo, reference, rest("lb:"));
  if (startsWith(reference, "host:")) {
    // A load balancer's DNS name resolves to its nodes' addresses (Elastic
    // Load Balancing User Guide, "DNS name"); DNS names are case-insensitive.
    for (const auto& lb : topo.load_balancers) {
      if (!lb.dns_name.empty() && equalsIgnoringCase(lb.dns_name, rest("host:"))) {
        Resolved out;
        out.kind = Resolved::Kind::kLoadBalancer;
        out.text = std::string(reference);
        out.load_balancer = &lb;
        return out;
      }
    }
    return namedForm(Resolved::Kind::kHost, reference, rest("host:"), "host");
  }
  if (startsWith(reference, "notebook:")) return notebookReference(topo, reference, rest("notebook:"));
  if (startsWith(reference, "job:")) return jobReference(topo, reference, rest("job:"));
  const ResourceQuery subnets{{ResourceKind::kSubnet}, "subnet", "", false};
  if (startsWith(reference, "subnet:")) {
    if (rest("subnet:").empty()) return emptyError("subnet", reference);
    return resourceReference(topo, reference, rest("subnet:"), subnets);
  }
  if (startsWith(reference, "subnet-")) return resourceReference(topo, reference, reference, subnets);
  return resourceReference(
      topo, reference, reference,
      {{ResourceKind::kNetworkInterface, ResourceKind::kInstance, ResourceKind::kSubnet}, what, "", false});
}

std::vector<const Eni*> instanceInterfaces(const Topology& topo, const Instance& instance) {
  return topo.instanceInterfaces(instance.meta.id);
}

Result<std::vector<std::string>> securityGroupIds(const Topology& topo, const std::vector<std::string>& refs) {
  std::vector<std::string> ids;
  for (const auto& ref : refs) {
    auto group = resolveReference(topo, ref, ReferenceRole::kSecurityGroup);
    if (!group) return Error{group.error()};
    ids.push_back(group->group->meta.id);
  }
  return ids;
}

}  // namespace vpcsim::topology

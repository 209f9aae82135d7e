// Resolves user references (ip:, subnet:, notebook:, service:, ...) and runs traces.
#include "sim/query.h"

#include "topology/suggest.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "sim/network_index.h"
#include "sim/services.h"

namespace vpcsim::sim {

using namespace topology;

namespace {

// A stand-in for "a host on the public internet": Google's public resolver,
// which is outside every AWS service prefix.
constexpr uint32_t kInternetHost = 0x08080808;        // 8.8.8.8

Ipv4 internetClient() { return Ipv4(0x01010101); }  // 1.1.1.1, a client somewhere on the internet

bool startsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

/// The address of an `ip:` reference; IPv6 gets a clear "not analysed" error.
Result<Ipv4> parseAddressRef(const std::string& text) {
  if (text.find(':') != std::string::npos) {
    return Error{fmt::format("'{}' is an IPv6 address: IPv6 routes and rules are loaded but not analysed yet; "
                             "ask about an IPv4 address",
                             text)};
  }
  return Ipv4::parse(text);
}



/// A source after resolution, plus how to pick the destination for it.
struct Source {
  Endpoint endpoint;
  std::string vpc_id;
  std::string region;
  /// Set when the source bypasses the customer VPC (platform network) or has none.
  std::optional<TraceResult> fixed;
};

class Resolver {
 public:
  Resolver(const Network& network, const ReachQuery& query) : net_(network), ix_(network.index()), query_(query) {}

  const Topology& topo() const { return ix_.topo; }

  std::vector<std::string> allIds() const {
    std::vector<std::string> ids;
    auto add = [&](const auto& items) {
      for (const auto& item : items) {
        ids.push_back(item.meta.id);
        if (!item.meta.logical_id.empty()) ids.push_back(item.meta.logical_id);
        if (!item.meta.name.empty()) ids.push_back("name:" + item.meta.name);
      }
    };
    add(topo().enis);
    add(topo().instances);
    add(topo().subnets);
    add(topo().security_groups);
    add(topo().vpcs);
    for (auto& id : topo().attachedInstanceIds()) ids.push_back(std::move(id));
    return ids;
  }

  /// The instance `ref` names (ID, logical ID or Name tag of a described
  /// instance, or an instance ID an interface's attachment names) and its
  /// interfaces, primary first; nullopt when it names no instance.
  struct InstanceRef {
    std::string id;
    std::string label;
    std::vector<const Eni*> enis;
  };
  std::optional<InstanceRef> instanceOf(const std::string& ref) const {
    InstanceRef out;
    if (const Instance* instance = byRef(topo().instances, ref)) {
      out.id = instance->meta.id;
      out.label = displayName(instance->meta);
    } else if (startsWith(ref, "i-")) {
      // No describe-instances record: the interfaces whose attachment names it.
      out.id = ref;
      out.label = ref;
    } else {
      return std::nullopt;
    }
    out.enis = topo().instanceInterfaces(out.id);
    if (out.enis.empty() && topo().findInstance(out.id) == nullptr) return std::nullopt;
    return out;
  }

  Error unknownRef(const std::string& what, const std::string& ref) const {
    std::string hint = closestMatch(ref, allIds());
    return Error{fmt::format("{} '{}' is not in the input{}", what, ref,
                             hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint))};
  }

  /// Finds a resource of any kind by ID, logical ID or `name:` tag.
  template <typename T>
  const T* byRef(const std::vector<T>& items, const std::string& ref) const {
    if (const T* found = findById(items, ref)) return found;
    std::string name = startsWith(ref, "name:") ? ref.substr(5) : "";
    for (const auto& item : items) {
      if (item.meta.logical_id == ref) return &item;
      if (!name.empty() && item.meta.name == name) return &item;
    }
    // A bare word may also be a Name tag, when exactly one resource carries it.
    const T* tagged = nullptr;
    for (const auto& item : items) {
      if (item.meta.name != ref) continue;
      if (tagged != nullptr) return nullptr;
      tagged = &item;
    }
    return tagged;
  }

  Result<std::vector<std::string>> securityGroups(const std::vector<std::string>& refs) const {
    std::vector<std::string> ids;
    for (const auto& ref : refs) {
      const SecurityGroup* sg = byRef(topo().security_groups, ref);
      if (sg == nullptr) {
        for (const auto& group : topo().security_groups) {
          if (group.group_name == ref) sg = &group;
        }
      }
      if (sg == nullptr) return unknownRef("security group", ref);
      ids.push_back(sg->meta.id);
    }
    return ids;
  }

  /// A free address in `subnet` for a hypothetical interface: the lowest one
  /// after the four that AWS reserves at the start (VPC User Guide, "Subnet
  /// CIDR blocks": the first four and the last address are reserved).
  Ipv4 freeAddress(const Subnet& subnet) {
    uint32_t candidate = subnet.cidr.first().value() + 4;
    while (candidate < subnet.cidr.last().value() &&
           (ix_.by_private_ip.count(candidate) != 0 || taken_.count(candidate) != 0)) {
      ++candidate;
    }
    taken_.insert(candidate);
    return Ipv4(candidate);
  }

  Source eniSource(const Eni& eni, Ipv4 address) const {
    Source source;
    source.endpoint.kind = Endpoint::Kind::kEni;
    source.endpoint.eni_id = eni.meta.id;
    source.endpoint.address = address;
    source.endpoint.label = displayName(eni.meta);
    source.vpc_id = eni.vpc_id;
    source.region = eni.meta.region.empty() ? topo().default_region : eni.meta.region;
    return source;
  }

  Source hypotheticalSource(const Subnet& subnet, std::vector<std::string> groups, std::string label) {
    Source source;
    source.endpoint.kind = Endpoint::Kind::kHypotheticalEni;
    source.endpoint.subnet_id = subnet.meta.id;
    source.endpoint.security_group_ids = std::move(groups);
    source.endpoint.address = freeAddress(subnet);
    source.endpoint.label = std::move(label);
    source.vpc_id = subnet.vpc_id;
    source.region = subnet.meta.region.empty() ? topo().default_region : subnet.meta.region;
    return source;
  }

  Result<std::vector<Source>> sources(const std::string& ref) {
    std::vector<Source> out;
    if (ref == "internet") {
      Source source;
      source.endpoint.kind = Endpoint::Kind::kExternal;
      source.endpoint.address = internetClient();
      source.endpoint.label = "internet";
      source.region = topo().default_region;
      out.push_back(source);
      return out;
    }
    if (startsWith(ref, "ip:")) {
      auto address = parseAddressRef(ref.substr(3));
      if (!address) return Error{address.error()};
      if (auto it = ix_.by_private_ip.find(address->value()); it != ix_.by_private_ip.end()) {
        for (const Eni* eni : it->second) out.push_back(eniSource(*eni, *address));
        return out;
      }
      if (auto it = ix_.by_public_ip.find(address->value()); it != ix_.by_public_ip.end()) {
        for (const Eni* eni : it->second) {
          for (const auto& pub : eni->public_ips) {
            if (pub.public_ip == *address) out.push_back(eniSource(*eni, pub.private_ip));
          }
        }
        return out;
      }
      Source source;
      source.endpoint.kind = Endpoint::Kind::kExternal;
      source.endpoint.address = *address;
      source.endpoint.label = address->isPublic() ? "internet host " + address->str() : "outside host " + address->str();
      source.region = topo().default_region;
      out.push_back(source);
      return out;
    }
    if (startsWith(ref, "subnet:") || startsWith(ref, "subnet-")) {
      std::string name = startsWith(ref, "subnet:") ? ref.substr(7) : ref;
      const Subnet* subnet = byRef(topo().subnets, name);
      if (subnet == nullptr) return unknownRef("subnet", name);
      std::vector<std::string> groups;
      if (query_.security_groups.empty()) {
        // Interface spec: a new instance without groups gets the VPC's default SG.
        auto it = ix_.default_sg.find(subnet->vpc_id);
        if (it == ix_.default_sg.end()) {
          return Error{fmt::format("{} has no default security group in the input; name groups with --security-groups",
                                   subnet->vpc_id)};
        }
        groups.push_back(it->second->meta.id);
      } else {
        auto resolved = securityGroups(query_.security_groups);
        if (!resolved) return Error{resolved.error()};
        groups = *resolved;
      }
      out.push_back(hypotheticalSource(*subnet, groups, "new interface in " + displayName(subnet->meta)));
      return out;
    }
    if (startsWith(ref, "notebook:")) return notebookSources(ref.substr(9));
    if (startsWith(ref, "job:")) return jobSources(ref.substr(4));
    if (const Eni* eni = byRef(topo().enis, ref)) {
      if (eni->private_ips.empty()) return Error{fmt::format("interface {} has no private address", eni->meta.id)};
      out.push_back(eniSource(*eni, eni->private_ips.front()));
      return out;
    }
    if (std::optional<InstanceRef> instance = instanceOf(ref)) {
      for (const Eni* eni : instance->enis) {
        if (!eni->private_ips.empty()) out.push_back(eniSource(*eni, eni->private_ips.front()));
      }
      if (out.empty()) return Error{fmt::format("instance {} has no network interface in the input", ref)};
      return out;
    }
    if (const Subnet* subnet = byRef(topo().subnets, ref)) return sources("subnet:" + subnet->meta.id);
    return unknownRef("source", ref);
  }

  Result<std::vector<Source>> notebookSources(const std::string& spec) {
    std::string domain_ref = spec.substr(0, spec.find('/'));
    std::string profile = spec.find('/') == std::string::npos ? "" : spec.substr(spec.find('/') + 1);
    const StudioDomain* domain = topo().findStudioDomain(domain_ref);
    if (domain == nullptr) {
      std::vector<std::string> names;
      for (const auto& d : topo().studio_domains) names.push_back(d.meta.name);
      std::string hint = closestMatch(domain_ref, names);
      return Error{fmt::format("studio domain '{}' is not in the input{}", domain_ref,
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint))};
    }
    std::vector<std::string> groups = domain->security_group_ids;
    if (!profile.empty()) {
      const UserProfile* found = nullptr;
      std::vector<std::string> names;
      for (const auto& p : topo().user_profiles) {
        if (p.domain != domain->meta.id && p.domain != domain->meta.name) continue;
        names.push_back(p.name);
        if (p.name == profile) found = &p;
      }
      if (found == nullptr) {
        std::string hint = closestMatch(profile, names);
        return Error{fmt::format("user profile '{}' is not in domain {}{}", profile, domain->meta.name,
                                 hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint))};
      }
      // SageMaker API, UserSettings.SecurityGroups: in VpcOnly mode the
      // profile's groups are added to the domain's.
      for (const auto& id : found->security_group_ids) {
        if (std::find(groups.begin(), groups.end(), id) == groups.end()) groups.push_back(id);
      }
    }
    std::vector<Source> out;
    std::string label = "notebook:" + spec;
    if (domain->network_mode == StudioNetworkMode::kPublicInternetOnly) {
      Source source;
      source.endpoint.label = label;
      source.region = domain->meta.region.empty() ? topo().default_region : domain->meta.region;
      source.fixed = platformNetwork(label, "the domain is in PublicInternetOnly mode: notebook traffic goes through "
                                            "a SageMaker-managed VPC with internet access");
      out.push_back(source);
      return out;
    }
    for (const auto& subnet_id : domain->subnet_ids) {
      const Subnet* subnet = topo().findSubnet(subnet_id);
      if (subnet == nullptr) return Error{fmt::format("subnet {} of domain {} is not in the input", subnet_id, domain->meta.name)};
      out.push_back(hypotheticalSource(*subnet, groups, label + " in " + subnet->meta.id));
    }
    return out;
  }

  Result<std::vector<Source>> jobSources(const std::string& name) {
    const SageMakerJob* job = topo().findJob(name);
    if (job == nullptr) {
      std::vector<std::string> names;
      for (const auto& j : topo().jobs) names.push_back(j.name);
      std::string hint = closestMatch(name, names);
      return Error{fmt::format("job '{}' is not in the input{}", name,
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint))};
    }
    std::vector<Source> out;
    std::string label = "job:" + name;
    if (job->network_isolation) {
      Source source;
      source.endpoint.label = label;
      TraceResult result;
      result.source = label;
      result.verdict = Verdict::kUnreachable;
      // SageMaker Developer Guide, "Run training and inference containers in
      // internet-free mode": with network isolation the container has no
      // network access at all.
      result.explanations.push_back({"NETWORK_ISOLATION", label,
                                     "the job runs with EnableNetworkIsolation: its containers have no network access"});
      source.fixed = result;
      out.push_back(source);
      return out;
    }
    if (!job->has_vpc_config) {
      Source source;
      source.endpoint.label = label;
      source.fixed = platformNetwork(label, "the job has no VPC config: it runs in the SageMaker platform network, "
                                            "which has internet access");
      out.push_back(source);
      return out;
    }
    auto groups = securityGroups(job->security_group_ids);
    if (!groups) return Error{groups.error()};
    for (const auto& subnet_id : job->subnet_ids) {
      const Subnet* subnet = topo().findSubnet(subnet_id);
      if (subnet == nullptr) return Error{fmt::format("subnet {} of job {} is not in the input", subnet_id, name)};
      out.push_back(hypotheticalSource(*subnet, *groups, label + " in " + subnet->meta.id));
    }
    return out;
  }

  /// A source outside the customer VPC with internet access: it reaches
  /// internet and public AWS destinations and nothing private.
  std::optional<TraceResult> platformNetwork(const std::string& label, const std::string& why) const {
    TraceResult result;
    result.source = label;
    result.assumptions.push_back(why);
    result.verdict = Verdict::kUndetermined;  // decided per destination in run()
    return result;
  }

  /// Destinations for one source; several for an interface endpoint with
  /// one interface per AZ.
  Result<std::vector<Target>> targets(const std::string& ref, const Source& source) {
    std::vector<Target> out;
    auto internet = [&](std::string label, std::string service) {
      Target target;
      target.address = Ipv4(kInternetHost);
      target.any_internet = true;
      target.label = std::move(label);
      target.service = std::move(service);
      return target;
    };
    if (ref == "internet") {
      out.push_back(internet("internet", ""));
      return out;
    }
    if (ref == "pypi") {
      out.push_back(internet("pypi (pypi.org, files.pythonhosted.org)", ""));
      return out;
    }
    if (startsWith(ref, "ip:")) {
      auto address = parseAddressRef(ref.substr(3));
      if (!address) return Error{address.error()};
      Target target;
      target.address = *address;
      target.label = address->str();
      out.push_back(target);
      return out;
    }
    if (startsWith(ref, "host:")) {
      std::string host = ref.substr(5);
      if (auto service = findService(host, source.region)) return serviceTargets(*service, source, host);
      out.push_back(internet(host + " (internet host)", ""));
      return out;
    }
    if (startsWith(ref, "service:")) {
      std::string name = ref.substr(8);
      auto service = findService(name, source.region);
      if (!service) {
        std::string hint = closestMatch(name, serviceNames());
        return Error{fmt::format("'{}' is not a known AWS service{}", name,
                                 hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint))};
      }
      return serviceTargets(*service, source, service->key);
    }
    if (startsWith(ref, "notebook:") || startsWith(ref, "job:")) {
      auto resolved = startsWith(ref, "job:") ? jobSources(ref.substr(4)) : notebookSources(ref.substr(9));
      if (!resolved) return Error{resolved.error()};
      for (const auto& s : *resolved) {
        if (s.fixed || s.endpoint.kind != Endpoint::Kind::kHypotheticalEni) {
          return Error{fmt::format("{} has no interface in a customer VPC to send traffic to", ref)};
        }
        Target target;
        target.address = s.endpoint.address;
        target.label = s.endpoint.label;
        target.subnet_id = s.endpoint.subnet_id;
        target.security_group_ids = s.endpoint.security_group_ids;
        out.push_back(target);
      }
      return out;
    }
    if (startsWith(ref, "subnet:")) {
      // A new interface placed in that subnet, with the query's security
      // groups (or the VPC's default group, as a new instance gets).
      std::string name = ref.substr(7);
      const Subnet* subnet = byRef(topo().subnets, name);
      if (subnet == nullptr) return unknownRef("subnet", name);
      Target target;
      if (query_.security_groups.empty()) {
        auto it = ix_.default_sg.find(subnet->vpc_id);
        if (it == ix_.default_sg.end()) {
          return Error{fmt::format("{} has no default security group in the input; name groups with --security-groups",
                                   subnet->vpc_id)};
        }
        target.security_group_ids.push_back(it->second->meta.id);
      } else {
        auto resolved = securityGroups(query_.security_groups);
        if (!resolved) return Error{resolved.error()};
        target.security_group_ids = *resolved;
      }
      target.address = freeAddress(*subnet);
      target.subnet_id = subnet->meta.id;
      target.label = "new interface in " + displayName(subnet->meta);
      out.push_back(target);
      return out;
    }
    if (const Eni* eni = byRef(topo().enis, ref)) {
      if (eni->private_ips.empty()) return Error{fmt::format("interface {} has no private address", eni->meta.id)};
      Target target;
      target.address = eni->private_ips.front();
      target.label = displayName(eni->meta);
      out.push_back(target);
      return out;
    }
    if (std::optional<InstanceRef> instance = instanceOf(ref)) {
      const Eni* eni = instance->enis.empty() ? nullptr : instance->enis.front();
      if (eni == nullptr || eni->private_ips.empty()) {
        return Error{fmt::format("instance {} has no network interface in the input", ref)};
      }
      Target target;
      target.address = eni->private_ips.front();
      target.label = instance->label;
      out.push_back(target);
      return out;
    }
    return unknownRef("destination", ref);
  }

  /// PrivateLink guide, "Access an AWS service using an interface VPC
  /// endpoint": with private DNS on (and DNS support in the VPC) the
  /// service's name resolves to the endpoint's interfaces; otherwise to the
  /// public service, reached over the internet or a gateway endpoint.
  Result<std::vector<Target>> serviceTargets(const ServiceInfo& service, const Source& source, const std::string& label) {
    std::vector<Target> out;
    const Vpc* vpc = topo().findVpc(source.vpc_id);
    if (auto it = ix_.endpoints_by_vpc.find(source.vpc_id); it != ix_.endpoints_by_vpc.end()) {
      for (const VpcEndpoint* endpoint : it->second) {
        if (endpoint->type != EndpointType::kInterface || endpoint->service_name != service.endpoint_service) continue;
        if (!endpoint->private_dns) {
          notes_.insert(fmt::format("endpoint {} for {} has private DNS off, so {} resolves to the public service",
                                    endpoint->meta.id, service.key, service.hostname));
          continue;
        }
        if (vpc != nullptr && !vpc->dns_support) {
          notes_.insert(fmt::format("DNS_SUPPORT_DISABLED: {} has DNS support off, so the private DNS name of "
                                    "endpoint {} does not resolve",
                                    vpc->meta.id, endpoint->meta.id));
          continue;
        }
        auto enis = ix_.endpoint_enis.find(endpoint->meta.id);
        if (enis == ix_.endpoint_enis.end() || enis->second.empty()) continue;
        for (const Eni* eni : enis->second) {
          if (eni->private_ips.empty()) continue;
          Target target;
          target.address = eni->private_ips.front();
          target.service = service.endpoint_service;
          target.label = fmt::format("{} via {} ({})", label, displayName(endpoint->meta), eni->meta.id);
          out.push_back(target);
        }
        if (!out.empty()) return out;
      }
    }
    Target target;
    target.service = service.endpoint_service;
    target.label = label + " (public endpoint " + service.hostname + ")";
    target.address = Ipv4(kInternetHost);
    target.any_internet = true;
    if (service.gateway_endpoint) {
      for (const auto& list : topo().prefix_lists) {
        if (list.prefix_list_name == service.endpoint_service && !list.cidrs.empty()) {
          target.address = Ipv4(list.cidrs.front().first().value() + 1);
          target.any_internet = false;
          target.label += " at " + target.address.str();
          break;
        }
      }
    }
    out.push_back(target);
    return out;
  }

  const Network& net_;
  const Network::Index& ix_;
  const ReachQuery& query_;
  std::set<uint32_t> taken_;
  std::set<std::string> notes_;
};

struct Traffic {
  Packet packet;
  std::string text;
};

Result<std::vector<Traffic>> trafficFor(const ReachQuery& query, const std::string& to) {
  std::string protocol = query.protocol.empty() ? "tcp" : query.protocol;
  int default_port = 443;
  (void)to;
  Packet base;
  base.source_port = query.source_port.value_or(49152);
  base.destination_port = query.port.value_or(default_port);
  base.icmp_type = query.icmp_type.value_or(8);
  base.icmp_code = query.icmp_code.value_or(0);
  if (base.destination_port < 0 || base.destination_port > 65535) {
    return Error{fmt::format("port {} is out of range (0-65535)", base.destination_port)};
  }
  std::vector<Traffic> out;
  auto add = [&](int number) {
    Packet packet = base;
    packet.protocol = number;
    std::string text;
    if (number == kProtocolIcmp) {
      text = fmt::format("icmp type {} code {}", packet.icmp_type, packet.icmp_code);
    } else if (number == kProtocolTcp || number == kProtocolUdp) {
      text = fmt::format("{}/{}", protocolName(number), packet.destination_port);
    } else {
      text = "protocol " + std::to_string(number);
    }
    out.push_back({packet, text});
  };
  if (protocol == "any") {
    add(kProtocolTcp);
    add(kProtocolUdp);
    add(kProtocolIcmp);
    return out;
  }
  auto number = parseProtocol(protocol);
  if (!number || *number == kProtocolAll) {
    return Error{fmt::format("'{}' is not a protocol (tcp, udp, icmp, any or 0-255)", protocol)};
  }
  add(*number);
  return out;
}

int rank(Verdict verdict) {
  switch (verdict) {
    case Verdict::kReachable: return 3;
    case Verdict::kUndetermined: return 2;
    case Verdict::kPartial: return 1;
    case Verdict::kUnreachable: return 0;
  }
  return 0;
}

}  // namespace

Verdict combineVerdicts(const std::vector<Verdict>& verdicts) {
  if (verdicts.empty()) return Verdict::kUnreachable;
  bool reachable = false;
  bool unreachable = false;
  bool undetermined = false;
  for (Verdict verdict : verdicts) {
    reachable = reachable || verdict == Verdict::kReachable;
    unreachable = unreachable || verdict == Verdict::kUnreachable;
    undetermined = undetermined || verdict == Verdict::kUndetermined;
    if (verdict == Verdict::kPartial) reachable = unreachable = true;
  }
  if (reachable && unreachable) return Verdict::kPartial;
  if (undetermined) return Verdict::kUndetermined;
  return reachable ? Verdict::kReachable : Verdict::kUnreachable;
}

std::string closestMatch(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    size_t distance = topology::editDistance(name, candidate);
    if (distance < best_distance || (distance == best_distance && !best.empty() && candidate < best)) {
      if (distance < best_distance || candidate < best) best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

Result<ReachReport> reach(const Network& network, const ReachQuery& query) {
  Resolver resolver(network, query);
  auto sources = resolver.sources(query.from);
  if (!sources) return Error{sources.error()};
  auto traffic = trafficFor(query, query.to);
  if (!traffic) return Error{traffic.error()};
  ReachReport report;
  report.from = query.from;
  report.to = query.to;
  report.traffic = query.protocol == "any" ? "any (tcp, udp, icmp)" : traffic->front().text;
  if (query.protocol.empty() && !query.port) {
    report.assumptions.push_back("no --protocol/--port given: tcp/443 assumed");
  }
  std::vector<Verdict> verdicts;
  for (const Source& source : *sources) {
    auto targets = resolver.targets(query.to, source);
    if (!targets) return Error{targets.error()};
    if (source.fixed) {
      TraceResult result = *source.fixed;
      if (result.explanations.empty()) {
        // Platform network: internet and public AWS endpoints only.
        bool public_target = std::all_of(targets->begin(), targets->end(), [](const Target& t) {
          return t.address.isPublic() && t.subnet_id.empty();
        });
        result.verdict = public_target ? Verdict::kReachable : Verdict::kUnreachable;
        if (!public_target) {
          result.explanations.push_back({"NO_PATH", source.endpoint.label,
                                         "the platform network has no path into the customer VPC"});
        } else {
          result.path.push_back(platformInternetHop());
        }
      }
      verdicts.push_back(result.verdict);
      report.results.push_back(std::move(result));
      continue;
    }
    // Try each protocol ("any") and each target (one per endpoint AZ).
    std::vector<TraceResult> per_target;
    for (const Target& target : *targets) {
      TraceResult best;
      bool first = true;
      for (const Traffic& t : *traffic) {
        Packet packet = t.packet;
        packet.source = source.endpoint.address;
        packet.destination = target.address;
        if (source.endpoint.kind == Endpoint::Kind::kExternal && !target.subnet_id.empty()) {
          // From outside, a new interface is addressed by its public address,
          // which it has when its subnet maps one on launch.
          const Subnet* subnet = network.topology().findSubnet(target.subnet_id);
          if (subnet != nullptr && subnet->map_public_ip_on_launch) {
            packet.destination = Ipv4(kNewInterfacePublicAddress);
          }
        }
        TraceResult result = trace(network, source.endpoint, target, packet);
        if (first || rank(result.verdict) > rank(best.verdict)) best = std::move(result);
        first = false;
      }
      if (targets->size() > 1) best.source = source.endpoint.label + " -> " + target.label;
      if (target.any_internet) {
        best.assumptions.push_back(fmt::format("{} stands for any internet host outside the AWS prefixes in the "
                                               "input; {} is used as its address",
                                               target.label, target.address.str()));
      }
      per_target.push_back(std::move(best));
    }
    for (auto& result : per_target) {
      verdicts.push_back(result.verdict);
      report.results.push_back(std::move(result));
    }
  }
  for (const auto& note : resolver.notes_) report.assumptions.push_back(note);
  report.verdict = combineVerdicts(verdicts);
  // Assumptions shared by every result are listed once, in first-seen order.
  for (auto& result : report.results) {
    for (const auto& assumption : result.assumptions) {
      if (std::find(report.assumptions.begin(), report.assumptions.end(), assumption) == report.assumptions.end()) {
        report.assumptions.push_back(assumption);
      }
    }
  }
  report.assumptions.push_back("IPv4 only: IPv6 routes and rules are loaded but not analysed");
  return report;
}

}  // namespace vpcsim::sim

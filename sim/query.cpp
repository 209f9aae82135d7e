// Reachability queries: sources and destinations from resolved references, traced both ways.
#include "sim/query.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "sim/network_index.h"
#include "sim/rules.h"
#include "sim/services.h"
#include "sim/sources.h"
#include "topology/reference.h"
#include "topology/suggest.h"

namespace vpcsim::sim {

using namespace topology;

namespace {

// A stand-in for "a host on the public internet": Google's public resolver,
// which is outside every AWS service prefix; over IPv6 its IPv6 address.
constexpr uint32_t kInternetHost = 0x08080808;  // 8.8.8.8
constexpr Ipv6 kInternetHost6(0x2001486048600000ULL, 0x8888);  // 2001:4860:4860::8888

/// A source after resolution, plus how to pick the destination for it.
struct Source {
  Endpoint endpoint;
  /// The same source sending IPv6, when it can: an interface with an IPv6
  /// address, a new interface in a subnet with an IPv6 block.
  std::optional<Endpoint> endpoint6;
  std::string vpc_id;
  std::string region;
  /// Set when the source bypasses the customer VPC (platform network) or has none.
  std::optional<TraceResult> fixed;
};

/// A source outside the customer VPC with internet access: it reaches
/// internet and public AWS destinations and nothing private.
TraceResult platformNetwork(const std::string& label, const std::string& why) {
  TraceResult result;
  result.source = label;
  result.assumptions.push_back(why);
  result.verdict = Verdict::kUndetermined;  // decided per destination in reach()
  return result;
}

/// A workload without network access: it reaches nothing.
TraceResult isolated(const std::string& label, const std::string& why) {
  TraceResult result;
  result.source = label;
  result.verdict = Verdict::kUnreachable;
  result.explanations.push_back({"NETWORK_ISOLATION", label, why});
  return result;
}

Target internetTarget(std::string label, std::string service, bool ipv6 = false) {
  Target target;
  target.address = ipv6 ? IpAddress(kInternetHost6) : IpAddress(Ipv4(kInternetHost));
  target.any_internet = true;
  target.label = std::move(label);
  target.service = std::move(service);
  return target;
}

/// Builds the sources and destinations of one query; new interfaces get
/// distinct free addresses across both.
class ReachEndpoints {
 public:
  ReachEndpoints(const Network& network, const ReachQuery& query)
      : ix_(network.index()), planner_(network), picker_(network) {
    options_.subnets = SubnetSources::kNewInterface;
    options_.security_groups = query.security_groups;
  }

  const Topology& topo() const { return ix_.topo; }

  Result<std::vector<Source>> sources(const Resolved& from) {
    auto planned = planner_.plan(from, options_);
    if (!planned) return Error{planned.error()};
    std::vector<Source> out;
    for (const auto& item : *planned) out.push_back(sourceOf(item));
    return out;
  }

  /// Destinations for one source; several for an interface endpoint with
  /// one interface per AZ, or a workload with one interface per subnet.
  /// An internet destination answers over both families: a source that can
  /// send IPv6 gets an answer for each (an IPv6-only outside host, IPv6 only).
  static void addInternet(std::vector<Target>& out, const std::string& label, const Source& source) {
    if (!source.endpoint.address.isV6()) out.push_back(internetTarget(label, ""));
    if (source.endpoint6 || source.endpoint.address.isV6()) out.push_back(internetTarget(label + " over IPv6", "", true));
  }

  Result<std::vector<Target>> targets(const Resolved& to, const Source& source) {
    std::vector<Target> out;
    switch (to.kind) {
      case Resolved::Kind::kInternet: addInternet(out, "internet", source); break;
      case Resolved::Kind::kPypi: addInternet(out, "pypi (pypi.org, files.pythonhosted.org)", source); break;
      case Resolved::Kind::kAddress: {
        Target target;
        target.address = to.address;
        target.label = to.address.str();
        out.push_back(target);
        break;
      }
      case Resolved::Kind::kHost:
        if (auto service = findService(to.name, source.region)) return serviceTargets(*service, source, to.name);
        addInternet(out, to.name + " (internet host)", source);
        break;
      case Resolved::Kind::kService: {
        auto service = findService(to.name, source.region);
        if (!service) {
          return Error{fmt::format("'{}' is not a known AWS service{}", to.name, didYouMean(to.name, serviceNames()))};
        }
        return serviceTargets(*service, source, service->key);
      }
      case Resolved::Kind::kInterface:
      case Resolved::Kind::kInstance: return interfaceTarget(to, source);
      case Resolved::Kind::kLoadBalancer: return loadBalancerTargets(*to.load_balancer, source);
      case Resolved::Kind::kSubnet:
      case Resolved::Kind::kNotebook:
      case Resolved::Kind::kJob: return newInterfaceTargets(to, source);
      case Resolved::Kind::kSecurityGroup: return Error{fmt::format("'{}' is not a destination", to.text)};
    }
    return out;
  }

  std::set<std::string> notes;  ///< assumptions about name resolution, once each

 private:
  Source sourceOf(const PlannedSource& item) {
    Source source;
    switch (item.kind) {
      case PlannedSource::Kind::kInterface: {
        const Eni& eni = *item.eni;
        // An interface of an IPv6-only subnet sends from its IPv6 address.
        source.endpoint = interfaceEndpoint(eni, item.address              ? *item.address
                                                 : eni.private_ips.empty() ? IpAddress(eni.ipv6_addresses.front())
                                                                           : IpAddress(eni.private_ips.front()));
        if (!eni.ipv6_addresses.empty() && !source.endpoint.address.isV6()) {
          source.endpoint6 = interfaceEndpoint(eni, eni.ipv6_addresses.front());
        }
        source.vpc_id = eni.vpc_id;
        source.region = eni.meta.region.empty() ? topo().default_region : eni.meta.region;
        break;
      }
      case PlannedSource::Kind::kNewInterface:
        source.endpoint = item.endpoint;
        // VPC User Guide, "IPv6 addresses": an interface in a subnet with an
        // IPv6 block can have IPv6 addresses (on launch, or assigned later);
        // in an IPv6-only subnet it has those only.
        if (!item.subnet->hasIpv4()) {
          if (auto address6 = picker_.next6(*item.subnet)) source.endpoint.address = *address6;
        } else {
          source.endpoint.address = picker_.next(*item.subnet);
          if (auto address6 = picker_.next6(*item.subnet)) {
            source.endpoint6 = item.endpoint;
            source.endpoint6->address = *address6;
          }
        }
        source.vpc_id = item.subnet->vpc_id;
        source.region = item.subnet->meta.region.empty() ? topo().default_region : item.subnet->meta.region;
        break;
      case PlannedSource::Kind::kOutside:
        source.endpoint = item.endpoint;
        source.region = topo().default_region;
        break;
      case PlannedSource::Kind::kPlatformNetwork:
        source.endpoint = item.endpoint;
        source.region = item.region;
        source.fixed = platformNetwork(item.endpoint.label, item.reason);
        break;
      case PlannedSource::Kind::kIsolated:
        source.endpoint = item.endpoint;
        source.fixed = isolated(item.endpoint.label, item.reason);
        break;
    }
    return source;
  }

  /// An interface's primary address; an instance's first interface. From the
  /// internet an interface is reached only at a public address (VPC User
  /// Guide, "IP addressing for your VPCs and subnets": private addresses are
  /// not reachable over the internet), so an internet source tries each public
  /// address the interface (or any interface of the instance) holds, primary
  /// interface first; without one, the primary private address, which the
  /// trace then answers as unreachable from the internet.
  Result<std::vector<Target>> interfaceTarget(const Resolved& to, const Source& source) const {
    const Eni* eni = to.eni;
    std::vector<const Eni*> interfaces = {to.eni};
    if (to.kind == Resolved::Kind::kInstance) {
      eni = to.interfaces.empty() ? nullptr : to.interfaces.front();
      interfaces = to.interfaces;
      if (eni == nullptr || (eni->private_ips.empty() && eni->ipv6_addresses.empty())) {
        return Error{fmt::format("instance {} has no network interface in the input", to.text)};
      }
    } else if (eni->private_ips.empty() && eni->ipv6_addresses.empty()) {
      return Error{fmt::format("interface {} has no private address", eni->meta.id)};
    }
    const std::string label = displayName(to.instance != nullptr ? to.instance->meta : eni->meta);
    std::vector<Target> out;
    if (source.endpoint.address.isV6() || eni->private_ips.empty()) {
      for (const Eni* held : interfaces) {
        for (const auto& address : held->ipv6_addresses) {
          Target target;
          target.address = address;
          target.label = label + " at " + address.str();
          out.push_back(target);
        }
      }
      if (out.empty()) return Error{fmt::format("{} has no IPv6 address, and the source {} is IPv6", label, source.endpoint.label)};
      return out;
    }
    if (source.endpoint.kind == Endpoint::Kind::kExternal && source.endpoint.address.isPublic()) {
      for (const Eni* held : interfaces) {
        for (const auto& address : held->public_ips) {
          Target target;
          target.address = address.public_ip;
          target.label = label + " at " + address.public_ip.str();
          out.push_back(target);
        }
      }
    }
    if (out.empty()) {
      Target target;
      target.address = eni->private_ips.front();
      target.label = label;
      out.push_back(target);
    }
    return out;
  }

  /// A load balancer's nodes: its DNS name resolves to one address per
  /// node (Elastic Load Balancing User Guide, "DNS name"), a public one
  /// for an internet source when it is internet-facing, so a flow to it is
  /// asked of every node, in the order of their interfaces.
  Result<std::vector<Target>> loadBalancerTargets(const LoadBalancer& lb, const Source& source) const {
    const bool v6 = source.endpoint.address.isV6();
    const bool from_internet = source.endpoint.kind == Endpoint::Kind::kExternal && source.endpoint.address.isPublic();
    const std::string name = displayName(lb.meta);
    std::vector<Target> out;
    for (const auto& eni : topo().enis) {
      auto owner = ix_.load_balancer_by_eni.find(eni.meta.id);
      if (owner == ix_.load_balancer_by_eni.end() || owner->second != &lb) continue;
      const std::string node = fmt::format("{} node in {}", name, eni.availability_zone.empty() ? eni.subnet_id
                                                                                              : eni.availability_zone);
      auto add = [&](IpAddress address) {
        Target target;
        target.address = address;
        target.label = node + " at " + address.str();
        out.push_back(std::move(target));
      };
      if (v6) {
        for (const auto& address : eni.ipv6_addresses) add(address);
      } else if (from_internet && !eni.public_ips.empty()) {
        for (const auto& address : eni.public_ips) add(address.public_ip);
      } else if (!eni.private_ips.empty()) {
        add(eni.private_ips.front());
      }
    }
    if (out.empty()) {
      return Error{fmt::format("load balancer {} has no node interface{} in the input", name,
                               v6 ? " with an IPv6 address" : "")};
    }
    return out;
  }

  /// New interfaces: one in a subnet with the query's groups (or the VPC's
  /// default group, as a new instance gets), or a workload's.
  Result<std::vector<Target>> newInterfaceTargets(const Resolved& to, const Source& source) {
    auto planned = planner_.plan(to, options_);
    if (!planned) return Error{planned.error()};
    std::vector<Target> out;
    for (const auto& item : *planned) {
      if (item.kind != PlannedSource::Kind::kNewInterface) {
        return Error{fmt::format("{} has no interface in a customer VPC to send traffic to", to.text)};
      }
      Target target;
      target.security_group_ids = item.endpoint.security_group_ids;
      if (item.subnet->hasIpv4()) target.address = picker_.next(*item.subnet);
      if (source.endpoint.address.isV6() || !item.subnet->hasIpv4()) {
        auto address6 = picker_.next6(*item.subnet);
        if (!address6) {
          return Error{fmt::format("{} has no IPv6 block, and the source {} is IPv6", item.subnet->meta.id,
                                   source.endpoint.label)};
        }
        target.address = *address6;
      }
      target.subnet_id = item.subnet->meta.id;
      target.label = item.endpoint.label;
      out.push_back(target);
    }
    return out;
  }

  /// PrivateLink guide, "Access an AWS service using an interface VPC
  /// endpoint": with private DNS on (and DNS support in the VPC) the
  /// service's name resolves to the endpoint's interfaces; otherwise to the
  /// public service, reached over the internet or a gateway endpoint.
  Result<std::vector<Target>> serviceTargets(const ServiceInfo& service, const Source& source, const std::string& label) {
    std::vector<Target> out = endpointTargets(service, source, label);
    if (!out.empty()) return out;
    Target target = internetTarget(label + " (public endpoint " + service.hostname + ")", service.endpoint_service);
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

  /// The interfaces of the first interface endpoint in the source's VPC
  /// whose private DNS name the VPC resolves; none when there is no such endpoint.
  std::vector<Target> endpointTargets(const ServiceInfo& service, const Source& source, const std::string& label) {
    std::vector<Target> out;
    auto it = ix_.endpoints_by_vpc.find(source.vpc_id);
    if (it == ix_.endpoints_by_vpc.end()) return out;
    const Vpc* vpc = topo().findVpc(source.vpc_id);
    for (const VpcEndpoint* endpoint : it->second) {
      if (endpoint->type != EndpointType::kInterface || endpoint->service_name != service.endpoint_service) continue;
      if (!endpoint->private_dns) {
        notes.insert(fmt::format("endpoint {} for {} has private DNS off, so {} resolves to the public service",
                                 endpoint->meta.id, service.key, service.hostname));
        continue;
      }
      if (vpc != nullptr && !vpc->dns_support) {
        notes.insert(fmt::format("DNS_SUPPORT_DISABLED: {} has DNS support off, so the private DNS name of "
                                 "endpoint {} does not resolve",
                                 vpc->meta.id, endpoint->meta.id));
        continue;
      }
      auto enis = ix_.endpoint_enis.find(endpoint->meta.id);
      if (enis == ix_.endpoint_enis.end() || enis->second.empty()) continue;
      // PrivateLink Guide, "IP address types": a dualstack endpoint's
      // private DNS name resolves to its interfaces' IPv4 and IPv6
      // addresses, an ipv6 one's to IPv6 only (a source without IPv6 then
      // cannot connect: NO_IPV6_ADDRESS); a source that can send IPv6 gets
      // an answer over it too.
      const IpAddressType type = endpoint->ip_address_type;
      const bool over_ipv4 = type != IpAddressType::kIpv6 && !source.endpoint.address.isV6();
      const bool over_ipv6 = type == IpAddressType::kIpv6 ||
                             (type == IpAddressType::kDualStack &&
                              (source.endpoint6.has_value() || source.endpoint.address.isV6()));
      for (const Eni* eni : enis->second) {
        Target target;
        target.service = service.endpoint_service;
        target.label = fmt::format("{} via {} ({})", label, displayName(endpoint->meta), eni->meta.id);
        if (over_ipv4 && !eni->private_ips.empty()) {
          target.address = eni->private_ips.front();
          out.push_back(target);
        }
        if (over_ipv6 && !eni->ipv6_addresses.empty()) {
          target.address = eni->ipv6_addresses.front();
          target.label += " over IPv6";
          out.push_back(target);
        }
      }
      if (!out.empty()) return out;
    }
    return out;
  }

  const Network::Index& ix_;
  SourcePlanner planner_;
  SourceOptions options_;
  AddressPicker picker_;
};

struct Traffic {
  Packet packet;
  std::string text;
};

Result<std::vector<Traffic>> trafficFor(const ReachQuery& query) {
  std::string protocol = query.protocol.empty() ? "tcp" : query.protocol;
  Packet base;
  base.source_port = query.source_port.value_or(49152);
  base.destination_port = query.port.value_or(443);
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

/// A platform-network or isolated source: its fixed outcome, decided for
/// the destination (the platform network reaches internet and public AWS
/// endpoints only).
TraceResult fixedResult(const Source& source, const std::vector<Target>& targets) {
  TraceResult result = *source.fixed;
  if (!result.explanations.empty()) return result;
  bool public_target = std::all_of(targets.begin(), targets.end(),
                                   [](const Target& t) { return t.address.isPublic() && t.subnet_id.empty(); });
  result.verdict = public_target ? Verdict::kReachable : Verdict::kUnreachable;
  if (!public_target) {
    result.explanations.push_back({"NO_PATH", source.endpoint.label, "the platform network has no path into the customer VPC"});
  } else {
    result.path.push_back(platformInternetHop());
  }
  return result;
}

/// A host outside AWS calling a public AWS service endpoint: the request
/// and its reply cross the internet only, so nothing in the input can stop
/// them (the service's policies decide the call: reach --action). A service
/// endpoint answers HTTPS on tcp/443 (AWS General Reference, "Service
/// endpoints"); other traffic is not known to be answered.
TraceResult outsideToPublicService(const Source& source, const Target& target, Packet packet) {
  TraceResult result;
  result.source = source.endpoint.label;
  packet.source = source.endpoint.address;
  packet.destination = target.address;
  auto hop = [&](HopKind kind, Direction direction, HopAction action, const std::string& label, const Packet& p) {
    Hop h;
    h.kind = kind;
    h.direction = direction;
    h.action = action;
    h.label = label;
    h.packet = p;
    result.path.push_back(std::move(h));
  };
  hop(HopKind::kInternet, Direction::kForward, HopAction::kSend, source.endpoint.label, packet);
  if (packet.protocol != kProtocolTcp || packet.destination_port != 443) {
    result.verdict = Verdict::kUndetermined;
    result.explanations.push_back({"UNKNOWN_DESTINATION", target.label,
                                   fmt::format("whether {} answers {} is not known (AWS service endpoints take "
                                               "HTTPS on tcp/443)",
                                               target.label, describePacket(packet))});
    return result;
  }
  hop(HopKind::kAwsService, Direction::kForward, HopAction::kDeliver, target.label, packet);
  Packet back = packet;
  std::swap(back.source, back.destination);
  std::swap(back.source_port, back.destination_port);
  hop(HopKind::kAwsService, Direction::kReturn, HopAction::kSend, target.label, back);
  hop(HopKind::kInternet, Direction::kReturn, HopAction::kDeliver, source.endpoint.label, back);
  result.verdict = Verdict::kReachable;
  result.assumptions.push_back(fmt::format("{} is reached over the internet: nothing in the input lies on the path",
                                           target.label));
  return result;
}

/// One source to each target, the best outcome over the traffic tried ("any").
std::vector<TraceResult> traceSource(const Network& network, const Source& source, const std::vector<Target>& targets,
                                     const std::vector<Traffic>& traffic) {
  std::vector<TraceResult> out;
  for (const Target& target : targets) {
    if (source.endpoint.kind == Endpoint::Kind::kExternal && target.any_internet && !target.service.empty()) {
      out.push_back(outsideToPublicService(source, target, traffic.front().packet));
      continue;
    }
    // A packet has one address family: an IPv6 destination is asked from the
    // source's IPv6 address.
    const Endpoint* endpoint = &source.endpoint;
    if (target.address.isV6() && !endpoint->address.isV6() && source.endpoint6) endpoint = &*source.endpoint6;
    if (target.address.isV6() != endpoint->address.isV6()) {
      TraceResult result;
      result.source = targets.size() > 1 ? source.endpoint.label + " -> " + target.label : source.endpoint.label;
      result.verdict = Verdict::kUnreachable;
      result.explanations.push_back(
          {target.address.isV6() ? "NO_IPV6_ADDRESS" : "NO_IPV4_ADDRESS", source.endpoint.label,
           target.address.isV6()
               ? fmt::format("{} has no IPv6 address (nor its subnet an IPv6 block), so it cannot send to {}",
                             source.endpoint.label, target.address.str())
               : fmt::format("{} is an IPv6 host; it cannot send to IPv4 address {}", source.endpoint.label,
                             target.address.str())});
      out.push_back(std::move(result));
      continue;
    }
    TraceResult best;
    bool first = true;
    for (const Traffic& t : traffic) {
      Packet packet = t.packet;
      packet.source = endpoint->address;
      packet.destination = target.address;
      if (packet.destination.isV6() && packet.protocol == kProtocolIcmp) packet.protocol = kProtocolIcmpv6;
      if (source.endpoint.kind == Endpoint::Kind::kExternal && !target.subnet_id.empty()) {
        // From outside, a new interface is addressed by its public address,
        // which it has when its subnet maps one on launch.
        const Subnet* subnet = network.topology().findSubnet(target.subnet_id);
        if (subnet != nullptr && subnet->map_public_ip_on_launch && !packet.destination.isV6()) {
          packet.destination = Ipv4(kNewInterfacePublicAddress);
        }
      }
      TraceResult result = trace(network, *endpoint, target, packet);
      if (first || rank(result.verdict) > rank(best.verdict)) best = std::move(result);
      first = false;
    }
    if (targets.size() > 1) best.source = source.endpoint.label + " -> " + target.label;
    if (target.any_internet) {
      best.assumptions.push_back(fmt::format("{} stands for any internet host outside the AWS prefixes in the "
                                             "input; {} is used as its address",
                                             target.label, target.address.str()));
    }
    out.push_back(std::move(best));
  }
  return out;
}

/// ": statement SID" (or "statement #N", from 1, as the reports number them) of the first deciding Deny, or "".
std::string denyingStatement(const policy::AccessDecision& decision) {
  if (decision.statements.empty() || decision.statements.front().statement == nullptr) return "";
  const topology::PolicyStatement& statement = *decision.statements.front().statement;
  return statement.sid.empty() ? fmt::format(": statement #{}", statement.index + 1)
                               : fmt::format(": statement {}", statement.sid);
}

/// ": none of the SCPs of one level allows it: A, B" for an SCP level's implicit deny, or "".
std::string lackingLevel(const policy::AccessDecision& decision) {
  if (decision.lacking_allow.empty()) return "";
  std::string names;
  for (const auto* document : decision.lacking_allow) names += (names.empty() ? "" : ", ") + document->name;
  return fmt::format(": the SCPs of one level ({}) do not allow it", names);
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

/// The principal a call is made as: --principal, else the source's execution
/// role (a Studio profile's, else its domain's default; a job's).
Result<std::pair<std::string, const topology::IamPrincipal*>> callerOf(const Topology& topo, const Resolved& from,
                                                                        const AccessQuery& query) {
  std::string reference = query.principal;
  if (reference.empty() && from.kind == Resolved::Kind::kNotebook) {
    if (from.profile != nullptr) reference = from.profile->execution_role;
    if (reference.empty() && from.domain != nullptr) reference = from.domain->default_execution_role;
  }
  if (reference.empty() && from.kind == Resolved::Kind::kJob && from.job != nullptr) reference = from.job->role_arn;
  if (reference.empty()) {
    return Error{fmt::format("--action needs a caller: give --principal ARN|NAME ({} has no execution role in the "
                             "input)",
                             from.text)};
  }
  auto principal = findPrincipal(topo, reference);
  if (!principal) return Error{principal.error()};
  std::string arn = *principal != nullptr ? (*principal)->arn : reference;
  return std::pair{arn, *principal};
}

/// Decides the API call over every result that reaches its service; a
/// denied call makes the result unreachable with the policy's code, a call
/// the input cannot decide undetermined.
Result<bool> decideCalls(const Network& network, const Resolved& from, const Resolved& to,
                         const AccessQuery& query, ReachReport& report) {
  const Topology& topo = network.topology();
  if (to.kind != Resolved::Kind::kService) {
    return Error{fmt::format("--action needs a service: destination (an AWS API), not '{}'", to.text)};
  }
  auto caller = callerOf(topo, from, query);
  if (!caller) return Error{caller.error()};
  for (auto& result : report.results) {
    if (result.verdict != Verdict::kReachable) {
      report.access.emplace_back();
      continue;
    }
    AccessAnswer answer = decideAccess(network, result, query, caller->first, caller->second);
    const policy::AccessDecision& decision = answer.decision;
    if (decision.decision == policy::Decision::kExplicitDeny || decision.decision == policy::Decision::kImplicitDeny) {
      result.verdict = Verdict::kUnreachable;
      std::string component = decision.statements.empty() || decision.statements.front().policy == nullptr
                                  ? std::string(topology::policyKindName(decision.deciding_kind))
                                  : decision.statements.front().policy->name;
      std::string message = decision.decision == policy::Decision::kExplicitDeny
                                ? "an explicit Deny applies to the call" + denyingStatement(decision)
                                : fmt::format("no statement of the {} allows the call (implicit deny){}",
                                              topology::policyKindName(decision.deciding_kind),
                                              lackingLevel(decision));
      // PrivateLink Guide, "Control access to VPC endpoints using endpoint
      // policies": an endpoint policy grants nothing, so one with only Deny
      // statements lets no call through (the reference lab's mistake).
      if (decision.code == policy::DenyCode::kEndpointPolicyDeny &&
          decision.decision == policy::Decision::kImplicitDeny && answer.endpoint != nullptr &&
          answer.endpoint->policy) {
        const auto& statements = answer.endpoint->policy->statements;
        bool allows = std::any_of(statements.begin(), statements.end(), [](const topology::PolicyStatement& s) {
          return s.effect == topology::PolicyEffect::kAllow;
        });
        component = answer.endpoint->policy->name;
        if (!allows) {
          message = "the endpoint policy has only Deny statements, and an endpoint policy grants nothing: it lets no "
                    "call through; add an Allow statement (Allow * on * keeps the Deny statements deciding)";
        }
      }
      result.explanations.push_back({std::string(policy::denyCodeName(decision.code)), component, message});
    } else if (decision.decision == policy::Decision::kUndetermined) {
      result.verdict = Verdict::kUndetermined;
      result.explanations.push_back({"POLICY_UNDETERMINED", caller->first, decision.missing});
    }
    for (const auto& assumption : answer.assumptions) result.assumptions.push_back(assumption);
    report.access.emplace_back(std::move(answer));
  }
  return true;
}

/// Without --action a path through an endpoint whose policy is not the
/// default still says so (iam-semantics.md: the endpoint policy may deny
/// the call).
void noteEndpointPolicies(const Network& network, ReachReport& report) {
  for (const auto& result : report.results) {
    if (result.verdict != Verdict::kReachable) continue;
    policy::RequestContext unused;
    const topology::VpcEndpoint* endpoint = addNetworkContext(network, result, unused);
    if (endpoint == nullptr || !endpoint->policy) continue;
    std::size_t count = endpoint->policy->statements.size();
    std::string note = fmt::format("endpoint {} has its own policy ({} statement{}): the network path is open, but "
                                   "the policy may deny API calls; add --action SERVICE:Action to decide one",
                                   endpoint->meta.id, count, count == 1 ? "" : "s");
    if (std::find(report.assumptions.begin(), report.assumptions.end(), note) == report.assumptions.end()) {
      report.assumptions.push_back(note);
    }
  }
}

Result<ReachReport> reach(const Network& network, const ReachQuery& query) {
  const Topology& topo = network.topology();
  ReachEndpoints endpoints(network, query);
  auto from = resolveReference(topo, query.from, ReferenceRole::kSource);
  if (!from) return Error{from.error()};
  auto sources = endpoints.sources(*from);
  if (!sources) return Error{sources.error()};
  auto traffic = trafficFor(query);
  if (!traffic) return Error{traffic.error()};
  auto to = resolveReference(topo, query.to, ReferenceRole::kDestination);
  if (!to) return Error{to.error()};
  ReachReport report;
  report.from = query.from;
  report.to = query.to;
  report.traffic = query.protocol == "any" ? "any (tcp, udp, icmp)" : traffic->front().text;
  if (query.protocol.empty() && !query.port) {
    report.assumptions.push_back("no --protocol/--port given: tcp/443 assumed");
  }
  std::vector<Verdict> verdicts;
  for (const Source& source : *sources) {
    auto targets = endpoints.targets(*to, source);
    if (!targets) return Error{targets.error()};
    std::vector<TraceResult> results;
    if (source.fixed) {
      results.push_back(fixedResult(source, *targets));
    } else {
      results = traceSource(network, source, *targets, *traffic);
    }
    for (auto& result : results) {
      verdicts.push_back(result.verdict);
      report.results.push_back(std::move(result));
    }
  }
  for (const auto& note : endpoints.notes) report.assumptions.push_back(note);
  if (query.access) {
    auto decided = decideCalls(network, *from, *to, *query.access, report);
    if (!decided) return Error{decided.error()};
    verdicts.clear();
    for (const auto& result : report.results) verdicts.push_back(result.verdict);
  } else if (query.note_endpoint_policies) {
    noteEndpointPolicies(network, report);
  }
  report.verdict = combineVerdicts(verdicts);
  bool ipv6 = std::any_of(report.results.begin(), report.results.end(), [](const TraceResult& result) {
    return !result.path.empty() && result.path.front().packet.source.isV6();
  });
  if (ipv6) {
    for (auto& assumption : ipv6StandInAssumptions(topo)) report.assumptions.push_back(std::move(assumption));
  }
  // Assumptions shared by every result are listed once, in first-seen order.
  for (auto& result : report.results) {
    for (const auto& assumption : result.assumptions) {
      if (std::find(report.assumptions.begin(), report.assumptions.end(), assumption) == report.assumptions.end()) {
        report.assumptions.push_back(assumption);
      }
    }
  }
  return report;
}

}  // namespace vpcsim::sim

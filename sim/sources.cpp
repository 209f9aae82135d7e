// Sources of traffic: where a resolved reference's packets start, for reach and verify alike.
#include "sim/sources.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/network_index.h"
#include "sim/rules.h"

namespace vpcsim::sim {

using namespace topology;

namespace {

// A client somewhere on the internet, as a source.
constexpr uint32_t kInternetClient = 0x01010101;  // 1.1.1.1

std::string regionOf(const Topology& topo, const ResourceMeta& meta) {
  return meta.region.empty() ? topo.default_region : meta.region;
}

Result<std::vector<const Subnet*>> subnetsOf(const Topology& topo, const std::vector<std::string>& ids,
                                             std::string_view owner) {
  std::vector<const Subnet*> out;
  for (const auto& id : ids) {
    const Subnet* subnet = topo.findSubnet(id);
    if (subnet == nullptr) return Error{fmt::format("subnet {} of {} is not in the input", id, owner)};
    out.push_back(subnet);
  }
  return out;
}

Result<WorkloadPlacement> placeNotebook(const Topology& topo, const Resolved& notebook) {
  const StudioDomain& domain = *notebook.domain;
  WorkloadPlacement out;
  out.label = notebook.text;
  out.region = regionOf(topo, domain.meta);
  out.security_group_ids = domain.security_group_ids;
  if (notebook.profile != nullptr) {
    // SageMaker API, UserSettings.SecurityGroups: in VpcOnly mode the
    // profile's groups are added to the domain's.
    for (const auto& id : notebook.profile->security_group_ids) {
      if (std::find(out.security_group_ids.begin(), out.security_group_ids.end(), id) == out.security_group_ids.end()) {
        out.security_group_ids.push_back(id);
      }
    }
  }
  if (domain.network_mode == StudioNetworkMode::kPublicInternetOnly) {
    out.kind = WorkloadPlacement::Kind::kPlatformNetwork;
    out.reason = "the domain is in PublicInternetOnly mode: notebook traffic goes through a SageMaker-managed VPC "
                 "with internet access";
    return out;
  }
  auto subnets = subnetsOf(topo, domain.subnet_ids, "domain " + domain.meta.name);
  if (!subnets) return Error{subnets.error()};
  out.subnets = *subnets;
  return out;
}

Result<WorkloadPlacement> placeJob(const Topology& topo, const Resolved& reference) {
  const SageMakerJob& job = *reference.job;
  WorkloadPlacement out;
  out.label = reference.text;
  out.region = topo.default_region;
  if (job.network_isolation) {
    // SageMaker Developer Guide, "Run training and inference containers in
    // internet-free mode": with network isolation the container has no
    // network access at all.
    out.kind = WorkloadPlacement::Kind::kIsolated;
    out.reason = "the job runs with EnableNetworkIsolation: its containers have no network access";
    return out;
  }
  if (!job.has_vpc_config) {
    out.kind = WorkloadPlacement::Kind::kPlatformNetwork;
    out.reason = "the job has no VPC config: it runs in the SageMaker platform network, which has internet access";
    return out;
  }
  auto groups = securityGroupIds(topo, job.security_group_ids);
  if (!groups) return Error{groups.error()};
  out.security_group_ids = *groups;
  auto subnets = subnetsOf(topo, job.subnet_ids, "job " + job.name);
  if (!subnets) return Error{subnets.error()};
  out.subnets = *subnets;
  return out;
}

PlannedSource interfaceSource(const Eni& eni, std::optional<IpAddress> address = std::nullopt) {
  PlannedSource source;
  source.kind = PlannedSource::Kind::kInterface;
  source.eni = &eni;
  source.address = address;
  return source;
}

PlannedSource newInterfaceSource(const Subnet& subnet, std::vector<std::string> groups, std::string label) {
  PlannedSource source;
  source.kind = PlannedSource::Kind::kNewInterface;
  source.subnet = &subnet;
  source.endpoint = newInterfaceEndpoint(subnet, std::move(groups), Ipv4(), std::move(label));
  return source;
}

PlannedSource outsideSource(IpAddress address, std::string label) {
  PlannedSource source;
  source.kind = PlannedSource::Kind::kOutside;
  source.endpoint = outsideEndpoint(address, std::move(label));
  return source;
}

/// `ip:`: the interfaces holding the address privately, else publicly (at
/// the private address it maps to), else a host outside the input.
std::vector<PlannedSource> addressSources(const Network::Index& ix, IpAddress ip) {
  std::vector<PlannedSource> out;
  if (ip.isV6()) {
    if (const Eni* eni = ix.eniByIpv6(ip.v6())) {
      out.push_back(interfaceSource(*eni, ip));
    } else {
      out.push_back(outsideSource(ip, (ip.isPublic() ? "internet host " : "outside host ") + ip.str()));
    }
    return out;
  }
  const Ipv4 address = ip.v4();
  if (auto it = ix.by_private_ip.find(address.value()); it != ix.by_private_ip.end()) {
    for (const Eni* eni : it->second) out.push_back(interfaceSource(*eni, address));
    return out;
  }
  if (auto it = ix.by_public_ip.find(address.value()); it != ix.by_public_ip.end()) {
    for (const Eni* eni : it->second) {
      for (const auto& pub : eni->public_ips) {
        if (pub.public_ip == address) out.push_back(interfaceSource(*eni, pub.private_ip));
      }
    }
    return out;
  }
  out.push_back(outsideSource(address, (address.isPublic() ? "internet host " : "outside host ") + address.str()));
  return out;
}

std::vector<PlannedSource> workloadSources(const WorkloadPlacement& placement) {
  std::vector<PlannedSource> out;
  if (placement.kind != WorkloadPlacement::Kind::kSubnets) {
    PlannedSource source;
    source.kind = placement.kind == WorkloadPlacement::Kind::kIsolated ? PlannedSource::Kind::kIsolated
                                                                         : PlannedSource::Kind::kPlatformNetwork;
    source.endpoint.label = placement.label;
    source.reason = placement.reason;
    source.region = placement.region;
    out.push_back(std::move(source));
    return out;
  }
  for (const Subnet* subnet : placement.subnets) {
    out.push_back(newInterfaceSource(*subnet, placement.security_group_ids, placement.label + " in " + subnet->meta.id));
  }
  return out;
}

}  // namespace

Result<WorkloadPlacement> placeWorkload(const Topology& topo, const Resolved& workload) {
  if (workload.kind == Resolved::Kind::kNotebook) return placeNotebook(topo, workload);
  if (workload.kind == Resolved::Kind::kJob) return placeJob(topo, workload);
  return Error{fmt::format("'{}' is not a notebook or job", workload.text)};
}

Result<std::vector<PlannedSource>> SourcePlanner::plan(const Resolved& source, const SourceOptions& options) {
  const Topology& topo = network_.topology();
  std::vector<PlannedSource> out;
  switch (source.kind) {
    case Resolved::Kind::kInternet:
      out.push_back(outsideSource(Ipv4(kInternetClient), "internet"));
      return out;
    case Resolved::Kind::kAddress: return addressSources(network_.index(), source.address);
    case Resolved::Kind::kSubnet: return planSubnet(*source.subnet, options);
    case Resolved::Kind::kNotebook:
    case Resolved::Kind::kJob: {
      auto placement = placeWorkload(topo, source);
      if (!placement) return Error{placement.error()};
      return workloadSources(*placement);
    }
    case Resolved::Kind::kInterface:
      if (source.eni->private_ips.empty() && source.eni->ipv6_addresses.empty()) {
        return Error{fmt::format("interface {} has no private address", source.eni->meta.id)};
      }
      out.push_back(interfaceSource(*source.eni));
      return out;
    case Resolved::Kind::kInstance:
      for (const Eni* eni : source.interfaces) {
        if (!eni->private_ips.empty() || !eni->ipv6_addresses.empty()) out.push_back(interfaceSource(*eni));
      }
      if (out.empty()) return Error{fmt::format("instance {} has no network interface in the input", source.text)};
      return out;
    case Resolved::Kind::kSecurityGroup:
    case Resolved::Kind::kPypi:
    case Resolved::Kind::kService:
    case Resolved::Kind::kHost:
    case Resolved::Kind::kLoadBalancer: break;
  }
  return Error{fmt::format("'{}' can only be a destination", source.text)};
}

Result<std::vector<PlannedSource>> SourcePlanner::planSubnet(const Subnet& subnet, const SourceOptions& options) {
  std::vector<PlannedSource> out;
  if (options.subnets == SubnetSources::kNewInterface) {
    auto groups = newInterfaceGroups(network_, subnet, options.security_groups);
    if (!groups) return Error{groups.error()};
    out.push_back(newInterfaceSource(subnet, std::move(groups).value(), "new interface in " + displayName(subnet.meta)));
    return out;
  }
  for (const Eni* eni : interfacesIn(subnet)) {  // in topology order
    out.push_back(interfaceSource(*eni));
    out.back().subnet = &subnet;
  }
  if (!options.hypothetical_enis) return out;
  for (const auto& group : network_.topology().security_groups) {
    if (group.vpc_id != subnet.vpc_id) continue;
    out.push_back(newInterfaceSource(subnet, {group.meta.id}, "new interface in " + subnet.meta.id + " with " + group.meta.id));
  }
  return out;
}

const std::vector<const Eni*>& SourcePlanner::interfacesIn(const Subnet& subnet) {
  if (!indexed_) {
    for (const auto& eni : network_.topology().enis) enis_by_subnet_[eni.subnet_id].push_back(&eni);
    indexed_ = true;
  }
  static const std::vector<const Eni*> kNone;
  auto it = enis_by_subnet_.find(subnet.meta.id);
  return it == enis_by_subnet_.end() ? kNone : it->second;
}

Result<std::vector<std::string>> newInterfaceGroups(const Network& network, const Subnet& subnet,
                                                    const std::vector<std::string>& refs) {
  if (!refs.empty()) return securityGroupIds(network.topology(), refs);
  const auto& defaults = network.index().default_sg;
  auto it = defaults.find(subnet.vpc_id);
  if (it == defaults.end()) {
    return Error{fmt::format("{} has no default security group in the input; name groups with --security-groups",
                             subnet.vpc_id)};
  }
  return std::vector<std::string>{it->second->meta.id};
}

Endpoint interfaceEndpoint(const Eni& eni, IpAddress address) {
  Endpoint endpoint;
  endpoint.kind = Endpoint::Kind::kEni;
  endpoint.eni = &eni;
  endpoint.eni_id = eni.meta.id;
  endpoint.address = address;
  endpoint.label = displayName(eni.meta);
  return endpoint;
}

Endpoint newInterfaceEndpoint(const Subnet& subnet, std::vector<std::string> groups, IpAddress address, std::string label) {
  Endpoint endpoint;
  endpoint.kind = Endpoint::Kind::kHypotheticalEni;
  endpoint.subnet_id = subnet.meta.id;
  endpoint.security_group_ids = std::move(groups);
  endpoint.address = address;
  endpoint.label = std::move(label);
  return endpoint;
}

Endpoint outsideEndpoint(IpAddress address, std::string label) {
  Endpoint endpoint;
  endpoint.kind = Endpoint::Kind::kExternal;
  endpoint.address = address;
  endpoint.label = std::move(label);
  return endpoint;
}

Ipv4 AddressPicker::next(const Subnet& subnet) {
  if (!subnet.hasIpv4()) return Ipv4();  // callers ask IPv6-only subnets for next6()
  const auto& held = network_.index().by_private_ip;
  uint32_t candidate = subnet.cidr.first().value() + 4;
  while (candidate < subnet.cidr.last().value() && (held.count(candidate) != 0 || taken_.count(candidate) != 0)) {
    ++candidate;
  }
  taken_.insert(candidate);
  return Ipv4(candidate);
}

std::optional<Ipv6> AddressPicker::next6(const Subnet& subnet) {
  std::vector<Ipv6Block> blocks = associatedIpv6(subnet.ipv6_blocks);
  if (blocks.empty()) return std::nullopt;
  const Cidr6 block = analysedBlock(blocks.front());
  // A subnet's IPv6 block is a /64 (or wider): the low 64 bits never run out here.
  Ipv6 candidate(block.base().high(), block.base().low() + 4);
  while (block.contains(candidate) &&
         (network_.index().eniByIpv6(candidate) != nullptr || taken6_.count(candidate) != 0)) {
    candidate = Ipv6(candidate.high(), candidate.low() + 1);
  }
  taken6_.insert(candidate);
  return candidate;
}

}  // namespace vpcsim::sim

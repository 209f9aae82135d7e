// Internet-free check: traces one packet per header equivalence class from every source class.
//
// Soundness argument. Every decision the tracer takes on the way out reads
// the packet through a small set of predicates: "address in CIDR" (routes,
// prefix-list entries, NACL entries, SG CIDR rules, VPC/subnet/peer/TGW
// blocks, "is this the /32 of an ENI, NAT gateway or Elastic IP", "is this
// address public" = outside the RFC 6890 ranges), "protocol equals N",
// "port in [from, to]" and "ICMP type/code equals N". We collect every
// boundary those predicates use from the topology and cut each dimension
// into atoms [b_i, b_{i+1}). No boundary lies inside an atom, so every
// predicate is constant on it, so every rule, route and translation
// evaluates identically for all packets of the atom: one representative
// decides the whole class. The source port is read by no forward decision
// (NACLs and SGs match the destination port; the NAT gateway only rewrites
// it), and a finding is decided on the forward path (the packet leaves
// through an internet gateway), so one source port suffices. Hypothetical
// interfaces are traced at one address per source-address atom of their
// subnet, with each security group of the VPC alone: SG rules only allow,
// so a set of groups lets out exactly what one of its members lets out.
#include "sim/verify/verify.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/estate.h"
#include "sim/network_index.h"
#include "sim/query.h"
#include "sim/rules.h"
#include "sim/sources.h"
#include "sim/verify/verify_internal.h"
#include "topology/limits.h"
#include "topology/reference.h"
#include "topology/suggest.h"

namespace vpcsim::sim {

using namespace topology;
using namespace verify_detail;

namespace {

bool startsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

/// One source class: an interface (real or hypothetical) at one address.
struct SourceClass {
  /// For an existing interface only kind, eni and address are set (the
  /// rest, as strings, only when a trace or a label needs them: endpointOf).
  Endpoint endpoint;
  const Subnet* subnet = nullptr;  ///< nullptr for platform networks
  std::string platform_reason;     ///< set: the source bypasses the customer VPC with internet access
};

/// A source's endpoint with every field set.
Endpoint endpointOf(const SourceClass& source) {
  Endpoint endpoint = source.endpoint;
  if (endpoint.kind == Endpoint::Kind::kEni && endpoint.eni != nullptr) {
    endpoint.eni_id = endpoint.eni->meta.id;
    endpoint.label = displayName(endpoint.eni->meta);
  }
  return endpoint;
}

class Sources {
 public:
  /// `address_atoms`: the header space's; `placement_atoms`: the same
  /// without the edges of held addresses, which tell no free address apart.
  Sources(const Network::Index& ix, const std::vector<Atom>& address_atoms, std::vector<Atom> placement_atoms)
      : ix_(ix), atoms_(address_atoms), placement_(std::move(placement_atoms)) {
    size_t addresses = 0;
    for (const auto& eni : ix.topo.enis) addresses += eni.private_ips.size();
    out_.reserve(addresses);
    auto owned = [&](const auto& by_eni) {
      for (const auto& entry : by_eni) {
        if (const Eni* eni = ix.eniById(entry.first)) service_owned_.insert(eni);
      }
    };
    owned(ix.nat_by_eni);
    owned(ix.endpoint_by_eni);
  }

  const Topology& topo() const { return ix_.topo; }

  /// Adds the classes of the planned sources (sim/sources.h). A host outside
  /// the input is an error: the check is about what leaves the VPCs.
  std::optional<Error> add(const std::string& reference, const std::vector<PlannedSource>& planned) {
    for (const auto& source : planned) {
      switch (source.kind) {
        case PlannedSource::Kind::kInterface: {
          // `ip:` at an IPv6 address names the interface as a whole.
          std::optional<Ipv4> address;
          if (source.address && !source.address->isV6()) address = source.address->v4();
          addEni(*source.eni, source.subnet, address);
          break;
        }
        case PlannedSource::Kind::kNewInterface:
          addHypothetical(*source.subnet, source.endpoint.security_group_ids, source.endpoint.label);
          break;
        case PlannedSource::Kind::kPlatformNetwork: addPlatform(source.endpoint.label, source.reason); break;
        case PlannedSource::Kind::kIsolated: break;  // no network: it sends nothing
        case PlannedSource::Kind::kOutside:
          return Error{fmt::format("source '{}' is outside every VPC of the input; --internet-free takes "
                                   "interfaces, instances, subnets, notebooks and jobs",
                                   reference)};
      }
    }
    return std::nullopt;
  }

  void addPlatform(const std::string& label, const std::string& reason) {
    SourceClass source;
    source.endpoint.label = label;
    source.platform_reason = reason;
    out_.push_back(std::move(source));
  }

  /// An existing interface, once per private address (or at `only`, when
  /// set); interfaces that only AWS services own (NAT gateways, interface
  /// endpoints) start no traffic. `subnet`: the interface's, when the caller has it.
  void addEni(const Eni& eni, const Subnet* subnet, std::optional<Ipv4> only) {
    if (eni.interface_type == "nat_gateway" || eni.interface_type == "vpc_endpoint" || service_owned_.count(&eni) != 0) {
      return;
    }
    if (subnet == nullptr) subnet = topo().findSubnet(eni.subnet_id);
    if (subnet == nullptr) return;
    for (const auto& ip : eni.private_ips) {
      if (only && ip != *only) continue;
      bool has_public = std::any_of(eni.public_ips.begin(), eni.public_ips.end(),
                                    [&](const PublicAddress& pub) { return pub.private_ip == ip; });
      if (!rememberEni(eni, *subnet, atomIndex(atoms_, ip.value()), has_public)) continue;
      SourceClass source;
      source.subnet = subnet;
      source.endpoint.kind = Endpoint::Kind::kEni;
      source.endpoint.eni = &eni;
      source.endpoint.address = ip;
      out_.push_back(std::move(source));
    }
  }

  /// A new interface with `groups` at one free address of every
  /// source-address class of the subnet (AWS reserves the first four
  /// addresses and the last: VPC User Guide, "Subnet CIDR blocks"). Free
  /// addresses that only held ones lie between behave alike (no predicate
  /// but "is held" tells them apart), so the classes are placement atoms.
  void addHypothetical(const Subnet& subnet, std::vector<std::string> groups, const std::string& label) {
    if (!subnet.hasIpv4()) return;  // IPv6-only: its interfaces send IPv6 only (ipv6Sources)
    std::sort(groups.begin(), groups.end());
    uint64_t low = uint64_t{subnet.cidr.first().value()} + 4;
    uint64_t high = uint64_t{subnet.cidr.last().value()};  // exclusive: the last address is reserved
    for (size_t index = atomIndex(placement_, static_cast<uint32_t>(std::min(low, high))); index < placement_.size();
         ++index) {
      const Atom& atom = placement_[index];
      if (atom.first >= high) break;
      uint64_t address = std::max(atom.first, low);
      uint64_t end = std::min(atom.end, high);
      while (address < end && held().contains(address)) ++address;
      if (address >= end) continue;
      if (!remember(subnet, groups, index, subnet.map_public_ip_on_launch)) continue;
      SourceClass source;
      source.subnet = &subnet;
      source.endpoint = newInterfaceEndpoint(subnet, groups, Ipv4(static_cast<uint32_t>(address)), label);
      out_.push_back(std::move(source));
    }
  }

  static size_t atomIndex(const std::vector<Atom>& atoms, uint32_t address) {
    auto it = std::upper_bound(atoms.begin(), atoms.end(), uint64_t{address},
                               [](uint64_t value, const Atom& atom) { return value < atom.end; });
    return static_cast<size_t>(it - atoms.begin());
  }

  /// False when an identical new interface was already added.
  bool remember(const Subnet& subnet, const std::vector<std::string>& groups, size_t atom, bool has_public) {
    return seen_.insert(Seen{&subnet, groups, atom, has_public}).second;
  }

  /// As remember() for an existing interface: sources in one address class
  /// are few (held addresses are classes of their own), so they are found
  /// by class and their groups compared only then.
  bool rememberEni(const Eni& eni, const Subnet& subnet, size_t atom, bool has_public) {
    auto sortedGroups = [](const Eni& of) {
      std::vector<std::string> groups = of.security_group_ids;
      std::sort(groups.begin(), groups.end());
      return groups;
    };
    if (first_by_atom_.empty()) first_by_atom_.assign(atoms_.size() + 1, kNoSource);
    for (size_t index = first_by_atom_[atom]; index != kNoSource; index = next_in_atom_[index]) {
      const SourceClass& other = out_[index];
      bool other_public = std::any_of(other.endpoint.eni->public_ips.begin(), other.endpoint.eni->public_ips.end(),
                                      [&](const PublicAddress& pub) { return pub.private_ip == other.endpoint.address; });
      if (other.subnet == &subnet && other_public == has_public && sortedGroups(*other.endpoint.eni) == sortedGroups(eni)) {
        return false;
      }
    }
    next_in_atom_.resize(out_.size() + 1, kNoSource);
    next_in_atom_[out_.size()] = first_by_atom_[atom];
    first_by_atom_[atom] = out_.size();
    return true;
  }

  /// Private addresses of interfaces and NAT gateways (built when first needed).
  const AddressSet& held() {
    if (held_.sealed()) return held_;
    for (const auto& eni : ix_.topo.enis) {
      for (const auto& ip : eni.private_ips) held_.add(ip);
    }
    for (const auto& eni : ix_.synthetic_enis) {
      for (const auto& ip : eni.private_ips) held_.add(ip);
    }
    for (const auto& nat : ix_.topo.nat_gateways) {
      for (const auto& ip : nat.private_ips) held_.add(ip);
    }
    held_.seal();
    return held_;
  }

  std::vector<SourceClass> take() { return std::move(out_); }

 private:
  const Network::Index& ix_;
  const std::vector<Atom>& atoms_;
  std::vector<Atom> placement_;
  AddressSet held_;
  /// A new interface added: subnet, sorted groups, address atom, public address.
  struct Seen {
    const Subnet* subnet;
    std::vector<std::string> groups;
    size_t atom;
    bool has_public;
    bool operator==(const Seen& other) const {
      return subnet == other.subnet && groups == other.groups && atom == other.atom && has_public == other.has_public;
    }
  };
  struct SeenHash {
    size_t operator()(const Seen& seen) const {
      size_t h = std::hash<const void*>{}(seen.subnet) ^ (seen.atom * 0x9E3779B97F4A7C15ULL) ^
                 (seen.has_public ? 0x51ED27ULL : 0);
      for (const auto& group : seen.groups) h = h * 31 + std::hash<std::string>{}(group);
      return h;
    }
  };
  std::unordered_set<Seen, SeenHash> seen_;
  /// Sources of existing interfaces by address class, as chains of indexes into out_.
  static constexpr size_t kNoSource = SIZE_MAX;
  std::vector<size_t> first_by_atom_;
  std::vector<size_t> next_in_atom_;
  std::unordered_set<const Eni*> service_owned_;  ///< interfaces of NAT gateways and interface endpoints
  std::vector<SourceClass> out_;
};

/// Where the trace left for the internet: "nat -> igw" or "igw"; empty when
/// the forward packet never passed an internet gateway outward.
std::string exitPoint(const TraceResult& result) {
  std::string nat;
  for (const auto& hop : result.path) {
    if (hop.direction != Direction::kForward) break;
    // IPv6 leaves through an internet or egress-only gateway untranslated.
    bool ipv6_out = hop.action == HopAction::kPass && hop.egress &&
                    (hop.kind == HopKind::kInternetGateway || hop.kind == HopKind::kEgressOnlyInternetGateway);
    if (hop.action != HopAction::kTranslateSource && !ipv6_out) continue;
    if (hop.kind == HopKind::kNatGateway) nat = componentName(hop);
    if (hop.kind == HopKind::kInternetGateway || hop.kind == HopKind::kEgressOnlyInternetGateway) {
      return nat.empty() ? componentName(hop) : nat + " -> " + componentName(hop);
    }
  }
  return "";
}

// ---- Network Access Analyzer scopes ---------------------------------------



/// An ID from an ID or an ARN ("arn:aws:ec2:us-east-1:111:subnet/subnet-1" -> "subnet-1").
std::string bareId(const std::string& reference) {
  if (!startsWith(reference, "arn:")) return reference;
  // A load balancer's ARN ends "loadbalancer/net/NAME/HASH"; the model's ID
  // is what follows "loadbalancer/" (Elastic Load Balancing API Reference,
  // LoadBalancerArn).
  constexpr std::string_view kLoadBalancer = ":loadbalancer/";
  if (size_t at = reference.find(kLoadBalancer); at != std::string::npos) {
    return reference.substr(at + kLoadBalancer.size());
  }
  size_t slash = reference.rfind('/');
  return slash != std::string::npos ? reference.substr(slash + 1) : reference;
}

/// The CloudFormation-style type NAA uses for an ID, from its prefix ("" when unknown).
std::string_view resourceTypeOf(std::string_view id) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kPrefixes = {{
      {"eigw-", "AWS::EC2::EgressOnlyInternetGateway"},
      {"tgw-attach-", "AWS::EC2::TransitGatewayAttachment"},
      {"tgw-rtb-", "AWS::EC2::TransitGatewayRouteTable"},
      {"tgw-", "AWS::EC2::TransitGateway"},
      {"eni-", "AWS::EC2::NetworkInterface"},
      {"subnet-", "AWS::EC2::Subnet"},
      {"vpce-", "AWS::EC2::VPCEndpoint"},
      {"vpc-", "AWS::EC2::VPC"},
      {"igw-", "AWS::EC2::InternetGateway"},
      {"nat-", "AWS::EC2::NatGateway"},
      {"pcx-", "AWS::EC2::VPCPeeringConnection"},
      {"vgw-", "AWS::EC2::VPNGateway"},
      {"i-", "AWS::EC2::Instance"},
      {"sg-", "AWS::EC2::SecurityGroup"},
      {"acl-", "AWS::EC2::NetworkAcl"},
      {"rtb-", "AWS::EC2::RouteTable"},
  }};
  for (const auto& [prefix, type] : kPrefixes) {
    if (startsWith(id, prefix)) return type;
  }
  return "";
}

/// Resources one side of a path stands for. Built and read once per traced
/// class, so it holds views (into the topology, the source list or the
/// trace being judged, which outlive it) in small vectors, not string sets.
struct Side {
  std::vector<std::string_view> ids;
  std::vector<std::string_view> types;

  [[nodiscard]] bool hasId(std::string_view id) const { return std::find(ids.begin(), ids.end(), id) != ids.end(); }
  [[nodiscard]] bool hasType(std::string_view type) const {
    return std::find(types.begin(), types.end(), type) != types.end();
  }
  void addType(std::string_view type) {
    if (!type.empty() && !hasType(type)) types.push_back(type);
  }
  void add(std::string_view id) {
    if (id.empty() || hasId(id)) return;
    ids.push_back(id);
    addType(resourceTypeOf(id));
  }
  /// The smallest ID in string order (empty when none).
  [[nodiscard]] std::string_view smallestId() const {
    return ids.empty() ? std::string_view() : *std::min_element(ids.begin(), ids.end());
  }
};

/// What a traced flow touched: where it came from (origin and entry
/// gateways), where it went (delivery and exit gateways), what it passed.
struct FlowFacts {
  Side source;
  Side destination;
  Side through;
  bool reached = false;  ///< the forward packet was delivered or left through an exit
};

bool resourceMatches(const NaaResourceStatement& statement, const Side& side) {
  for (const auto& resource : statement.resources) {
    if (side.hasId(bareId(resource))) return true;
  }
  for (const auto& type : statement.resource_types) {
    if (side.hasType(type)) return true;
  }
  return false;
}

/// The resolved CIDRs of a scope's prefix lists.
using PrefixCidrs = std::map<std::string, std::vector<Cidr>>;

bool addressMatches(const IpAddress& address, const std::vector<Cidr>& cidrs, const std::vector<std::string>& lists,
                    const PrefixCidrs& resolved) {
  if (cidrs.empty() && lists.empty()) return true;
  for (const auto& block : cidrs) {
    if (block.contains(address)) return true;
  }
  for (const auto& list : lists) {
    for (const auto& block : resolved.at(bareId(list))) {
      if (block.contains(address)) return true;
    }
  }
  return false;
}

bool portMatches(const Packet& packet, int port, const std::vector<PortRange>& ranges) {
  if (ranges.empty()) return true;
  if (packet.protocol != kProtocolTcp && packet.protocol != kProtocolUdp) return false;
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const PortRange& range) { return port >= range.from && port <= range.to; });
}

/// NAA Guide, "Access scope" packet header statements: the packet as the
/// source sends it; an empty list does not constrain.
bool headerMatches(const NaaPacketHeader& header, const Packet& packet, const PrefixCidrs& lists) {
  if (!header.protocols.empty() &&
      std::find(header.protocols.begin(), header.protocols.end(), packet.protocol) == header.protocols.end()) {
    return false;
  }
  return addressMatches(packet.source, header.source_addresses, header.source_prefix_lists, lists) &&
         addressMatches(packet.destination, header.destination_addresses, header.destination_prefix_lists, lists) &&
         portMatches(packet, packet.source_port, header.source_ports) &&
         portMatches(packet, packet.destination_port, header.destination_ports);
}

bool sideMatches(const NaaPathStatement& statement, const Side& side, const Packet& packet, const PrefixCidrs& lists) {
  if (statement.resource && !resourceMatches(*statement.resource, side)) return false;
  return !statement.packet_header || headerMatches(*statement.packet_header, packet, lists);
}

/// Whether the source side of `path` alone can match: used for flows whose
/// forward path could not be decided.
bool sourceMatches(const NaaPath& path, const FlowFacts& facts, const Packet& packet, const PrefixCidrs& lists) {
  return sideMatches(path.source, facts.source, packet, lists) &&
         (!path.destination.packet_header || headerMatches(*path.destination.packet_header, packet, lists));
}

bool pathMatches(const NaaPath& path, const FlowFacts& facts, const Packet& packet, const PrefixCidrs& lists) {
  if (!facts.reached) return false;
  if (!sideMatches(path.source, facts.source, packet, lists)) return false;
  if (!sideMatches(path.destination, facts.destination, packet, lists)) return false;
  return std::all_of(path.through.begin(), path.through.end(),
                     [&](const NaaResourceStatement& statement) { return resourceMatches(statement, facts.through); });
}

/// The origin side of an interface source: the interface, its instance,
/// subnet, VPC and security groups.
Side originOf(const SourceClass& source) {
  Side side;
  side.addType("AWS::EC2::NetworkInterface");
  if (source.endpoint.kind == Endpoint::Kind::kEni) {
    if (const Eni* eni = source.endpoint.eni) {
      side.add(eni->meta.id);
      side.add(eni->instance_id);
      for (const auto& group : eni->security_group_ids) side.add(group);
    }
  } else {
    for (const auto& group : source.endpoint.security_group_ids) side.add(group);
  }
  if (source.subnet != nullptr) {
    side.add(source.subnet->meta.id);
    side.add(source.subnet->vpc_id);
  }
  return side;
}

/// The resources of interface `eni_id` a path delivered to it matches as
/// its destination: the interface, its instance, subnet, VPC, security
/// groups and VPC endpoint (nothing when the input lacks it).
void addInterface(const Network::Index& ix, const std::string& eni_id, Side& side) {
  const Eni* eni = ix.eniById(eni_id);
  if (eni == nullptr) return;
  side.add(eni->meta.id);
  side.add(eni->instance_id);
  side.add(eni->subnet_id);
  side.add(eni->vpc_id);
  for (const auto& group : eni->security_group_ids) side.add(group);
  if (auto it = ix.endpoint_by_eni.find(eni->meta.id); it != ix.endpoint_by_eni.end()) side.add(it->second->meta.id);
}

/// The resources of a new interface (a target with no interface ID): its
/// subnet, VPC and security groups.
void addNewInterface(const Topology& topo, const Target& target, Side& side) {
  side.add(target.subnet_id);
  if (const Subnet* subnet = topo.findSubnet(target.subnet_id)) side.add(subnet->vpc_id);
  for (const auto& group : target.security_group_ids) side.add(group);
}

/// Reads a trace: forward hops make the through side; entry gateways join
/// the source side, exit gateways and the delivered interface the destination.
void readPath(const Network::Index& ix, const TraceResult& result, const std::string& target_eni, FlowFacts& facts) {
  const Topology& topo = ix.topo;
  for (const auto& hop : result.path) {
    if (hop.direction != Direction::kForward) break;
    std::string_view id = hop.componentId();
    facts.through.add(id);
    if (hop.kind == HopKind::kNatGateway) {
      if (const NatGateway* nat = topo.findNatGateway(id)) facts.through.add(nat->subnet_id);
      facts.destination.add(id);
      facts.reached = true;
    } else if (hop.kind == HopKind::kInternetGateway || hop.kind == HopKind::kEgressOnlyInternetGateway) {
      // IPv6 passes untranslated; the tracer marks the outward pass `egress`.
      bool outward = hop.action == HopAction::kTranslateSource || (hop.action == HopAction::kPass && hop.egress);
      (outward ? facts.destination : facts.source).add(id);
      facts.reached = facts.reached || outward;
    } else if (hop.kind == HopKind::kPeeringConnection || hop.kind == HopKind::kTransitGatewayAttachment ||
               hop.kind == HopKind::kVpcEndpoint) {
      facts.destination.add(id);
      if (hop.kind != HopKind::kVpcEndpoint) facts.source.add(id);
      if (hop.kind == HopKind::kTransitGatewayAttachment) {
        if (const TgwAttachment* attachment = topo.findTgwAttachment(id)) {
          facts.destination.add(attachment->transit_gateway_id);
          facts.source.add(attachment->transit_gateway_id);
          facts.through.add(attachment->transit_gateway_id);
        }
      }
      facts.reached = true;
    } else if (hop.kind == HopKind::kNetworkInterface && hop.action == HopAction::kDeliver &&
               !result.delivered_elsewhere) {
      facts.reached = true;
      facts.destination.addType("AWS::EC2::NetworkInterface");
      addInterface(ix, target_eni, facts.destination);
    }
  }
  // A load balancer the flow reached forwards it to its targets
  // (TraceResult::legs; docs/semantics.md, "Load balancers"): the load
  // balancer and every target interface a leg reaches are destinations too.
  for (const auto& leg : result.legs) {
    if (leg.verdict != Verdict::kReachable && leg.verdict != Verdict::kPartial) continue;
    for (Side* side : {&facts.destination, &facts.through}) {
      side->add(leg.load_balancer->meta.id);
      side->add(leg.load_balancer->arn);
      side->addType("AWS::ElasticLoadBalancingV2::LoadBalancer");
    }
    for (const auto& hop : leg.path) {
      if (hop.direction != Direction::kForward) break;
      if (hop.kind == HopKind::kNetworkInterface && hop.action == HopAction::kDeliver && hop.resource != nullptr) {
        addInterface(ix, hop.resource->id, facts.destination);
      }
    }
  }
}

/// The route or SG rule that opens a path, and where it is written.
std::pair<std::string, std::string> openingOf(const std::vector<Hop>& path, bool inbound) {
  if (inbound) {
    const Hop* last = nullptr;
    for (const auto& hop : path) {
      if (hop.direction == Direction::kForward && hop.kind == HopKind::kSecurityGroup && hop.sg_rule != nullptr &&
          !hop.egress) {
        last = &hop;
      }
    }
    if (last == nullptr) return {};
    return {fmt::format("{} {}", last->componentId(), describeSgRule(*last->sg_rule, false)), last->sg_rule->source};
  }
  for (const auto& hop : path) {
    if (hop.direction != Direction::kForward) break;
    if (hop.kind != HopKind::kRouteTable || hop.route == nullptr) continue;
    const Route& route = *hop.route;
    if (route.target != RouteTarget::kInternetGateway && route.target != RouteTarget::kNatGateway &&
        route.target != RouteTarget::kEgressOnlyInternetGateway) {
      continue;
    }
    return {fmt::format("{} route {} -> {}", hop.componentId(), destinationText(route), route.target_id), route.source};
  }
  return {};
}

}  // namespace

InternetFinding verify_detail::exampleFinding(const Decision& decision, const std::string& source_label, const Packet& packet,
                                              TraceResult&& result, bool inbound) {
  InternetFinding finding;
  finding.rule = decision.rule;
  finding.source_subnet = decision.group;
  finding.exit_point = decision.detail;
  finding.source = source_label;
  finding.example = packet;
  finding.example_text = describePacket(packet);
  finding.round_trip = result.verdict == Verdict::kReachable || result.verdict == Verdict::kPartial;
  finding.path = std::move(result.path);
  finding.legs = std::move(result.legs);
  std::tie(finding.opening, finding.location) = openingOf(finding.path, inbound);
  return finding;
}

namespace {

/// Counts one traced class into `tally` as `decision` says.
void record(Tally& tally, const Decision& decision, const std::string& source_label,
            const Packet& packet, TraceResult&& result, bool inbound, bool held) {
  ++tally.classes_checked;
  ++tally.traces;
  for (const auto& assumption : result.assumptions) tally.assumptions.insert(generalise(assumption));
  if (decision.kind == Decision::Kind::kFinding) {
    tally.addFinding({decision.rule, decision.group, decision.detail}, 1,
                     exampleScore(decision.round_trip, packet, held),
                     [&] { return exampleFinding(decision, source_label, packet, std::move(result), inbound); });
  } else if (decision.kind == Decision::Kind::kUndetermined) {
    tally.addUndetermined({decision.group, decision.detail}, 1, [&] { return std::move(result); });
  }
}

/// The internet-free decision on a traced class from a subnet.
Decision internetDecision(const TraceResult& result, const std::string& subnet_name) {
  Decision decision;
  decision.group = subnet_name;
  std::string exit = exitPoint(result);
  if (!exit.empty()) {
    decision.kind = Decision::Kind::kFinding;
    decision.rule = "internet-free";
    decision.detail = exit;
    decision.round_trip = result.verdict == Verdict::kReachable || result.verdict == Verdict::kPartial;
  } else if (result.verdict == Verdict::kUndetermined) {
    decision.kind = Decision::Kind::kUndetermined;
    decision.detail = result.explanations.empty() ? "" : result.explanations.front().code;
  }
  return decision;
}

/// The tally of a check that did not finish by its deadline: no finding,
/// the classes of the parts that finished as checked, those of the parts
/// that did not as undetermined, and one example naming the latter.
Tally timedOut(const Watch& watch, const std::string& check) {
  Tally tally;
  tally.classes_checked = watch.finishedClasses();
  tally.undetermined_classes = std::max<uint64_t>(1, watch.unfinishedClasses());
  TraceResult result;
  result.verdict = Verdict::kUndetermined;
  result.source = check;
  result.explanations.push_back(
      {"TIMEOUT", check,
       fmt::format("not finished within the time limit (--timeout): {}; no finding of this check is reported, "
                   "since the unfinished parts could add classes to any of them",
                   fmt::join(watch.unfinished(), ", "))});
  tally.undetermined.try_emplace({check, "TIMEOUT"}, std::move(result));
  return tally;
}

/// Moves the groups into the report in key order and sets the verdict:
/// findings make it violated, else undetermined classes undetermined.
void finishReport(VerifyReport& report, Tally& tally) {
  report.classes_checked += tally.classes_checked;
  report.undetermined_classes += tally.undetermined_classes;
  report.traces += tally.traces;
  for (auto& [key, group] : tally.groups) {
    group.example.classes = group.classes;
    report.findings.push_back(std::move(group.example));
  }
  for (auto& [key, result] : tally.undetermined) report.undetermined.push_back(std::move(result));
  if (!report.findings.empty()) {
    report.verdict = Verdict::kReachable;
  } else if (report.undetermined_classes > 0) {
    report.verdict = Verdict::kUndetermined;
  }
  report.assumptions.assign(tally.assumptions.begin(), tally.assumptions.end());
}

/// Ends a check's report: finishReport, then its assumptions in order: what
/// it enumerated, `placed` when it placed new interfaces.
void finishWithAssumptions(VerifyReport& report, Tally& tally, const VerifyOptions& options, std::string enumerated,
                           std::string placed) {
  finishReport(report, tally);
  report.assumptions.push_back(std::move(enumerated));
  if (options.hypothetical_enis) report.assumptions.push_back(std::move(placed));
}

// ---- Enumerations and the two engines that run them ----------------------

/// What of a member's subnet its paths depend on: the VPC, the AZ (transit
/// gateway attachments pick by it, so only in VPCs with one), the route
/// table and the network ACL;
/// the subnet itself where it holds a NAT gateway, a transit gateway
/// attachment or an endpoint (traffic within one subnet skips its network
/// ACL) or lacks a table or an ACL (the tracer's words name it).
class SubnetKeys {
 public:
  explicit SubnetKeys(const Network::Index& ix) : ix_(ix) {
    for (const auto& nat : ix.topo.nat_gateways) special_.insert(nat.subnet_id);
    for (const auto& attachment : ix.topo.tgw_attachments) {
      attached_.insert(attachment.resource_id);
      every_az_ = every_az_ || attachment.resource_id.empty();
    }
    for (const auto& attachment : ix.topo.tgw_attachments) special_.insert(attachment.subnet_ids.begin(), attachment.subnet_ids.end());
    for (const auto& endpoint : ix.topo.vpc_endpoints) special_.insert(endpoint.subnet_ids.begin(), endpoint.subnet_ids.end());
    for (const auto& subnet : ix.topo.subnets) known_.emplace(&subnet, make(subnet));
  }

  /// The key of `subnet`, one of the topology's (any thread may ask).
  [[nodiscard]] const std::string& of(const Subnet& subnet) const { return known_.at(&subnet); }

 private:
  [[nodiscard]] std::string make(const Subnet& subnet) const {
    const RouteTable* table = ix_.routeTableFor(subnet);
    const NetworkAcl* acl = ix_.aclFor(subnet);
    if (table == nullptr || acl == nullptr || special_.count(subnet.meta.id) != 0) return subnet.meta.id;
    // Only a transit gateway attachment reads the AZ.
    bool az = every_az_ || attached_.count(subnet.vpc_id) != 0;
    return fmt::format("{}|{}|{}|{}", subnet.vpc_id, az ? subnet.availability_zone : "", table->meta.id, acl->meta.id);
  }

  const Network::Index& ix_;
  std::set<std::string> special_;
  std::set<std::string> attached_;  ///< resources with a transit gateway attachment (VPCs among them)
  bool every_az_ = false;           ///< an attachment does not say what it attaches
  std::unordered_map<const Subnet*, std::string> known_;
};

/// The reference engine: traces every (member, address class, header class,
/// source port) and decides each on its own, but for the classes
/// Enumeration::alike lets the shadow's stand-in decide (none unless set).
Tally tracePerClass(const Enumeration& e, const AddressSet& held, unsigned threads) {
  const size_t per_atom = e.headers.size() * e.source_ports.size();
  return tallyInParallel<Tally>(threads, e.members, [&](size_t member, Tally& part) {
    if (e.watch != nullptr) e.watch->decided(uint64_t{e.atoms.size()} * per_atom);
    // By (shadow, header class, source port): whether the stand-in's class
    // decides nothing (1) or something (0); -1 until traced.
    std::vector<int8_t> nothing(e.stand_ins.size() * per_atom, -1);
    for (size_t atom = 0; atom < e.atoms.size(); ++atom) {
      // A source can take long: the deadline is asked within it too (the part is then unfinished).
      if (e.watch != nullptr && atom % 256 == 255 && !e.watch->proceed()) return;
      Ipv4 other = e.address(atom);
      bool is_held = held.contains(other.value());
      const size_t shadow = e.shadow_of.empty() ? SIZE_MAX : e.shadow_of[atom];
      const bool stand_in = shadow != SIZE_MAX && e.stand_ins[shadow] == atom;
      const bool alike = shadow != SIZE_MAX && !stand_in && e.alike(member, atom);
      int8_t* known = shadow == SIZE_MAX ? nullptr : nothing.data() + shadow * per_atom;
      const std::string label = e.label(member, other);  // the same for every header class
      for (const HeaderClass& header : e.headers) {
        for (int source_port : e.source_ports) {
          if (alike) {
            if (*known < 0) {
              // The stand-in's class, traced ahead of its turn (it is traced again then).
              const size_t s = e.stand_ins[shadow];
              Packet packet = e.packet(member, s, header, source_port);
              TraceResult result = e.trace(member, s, packet, false, nullptr);
              ++part.traces;
              for (const auto& assumption : result.assumptions) part.assumptions.insert(generalise(assumption));
              *known = e.decide(member, packet, result).kind == Decision::Kind::kNone ? 1 : 0;
            }
            if (*known == 1) {
              // Decided as the stand-in's class: nothing to count but the class
              // (its assumptions are the stand-in's, which the tally has).
              ++part.classes_checked;
              ++known;
              continue;
            }
          }
          Packet packet = e.packet(member, atom, header, source_port);
          TraceResult result = e.trace(member, atom, packet, false, nullptr);
          Decision decision = e.decide(member, packet, result);
          if (stand_in) *known = decision.kind == Decision::Kind::kNone ? 1 : 0;
          if (known != nullptr) ++known;
          record(part, decision, label, packet, std::move(result), e.inbound, is_held);
        }
      }
    }
  }, e.watch);
}

/// Public addresses something in the input holds (their classes may differ
/// from their shadow's in whether the reply comes back).
AddressSet heldPublicAddresses(const Network::Index& ix) {
  AddressSet held;
  ix.forEachHeldAddress([&](Ipv4 address) {
    if (address.isPublic()) held.add(address);
  });
  held.seal();
  return held;
}

/// Whether the factored engine may run: no public address is held as a
/// private address (a VPC with a public CIDR; the tracer would look such a
/// holder up on the way) and no public address has two holders.
bool factorable(const Network::Index& ix) {
  AddressSet public_held;
  bool ok = true;
  for (const auto& eni : ix.topo.enis) {
    for (const auto& ip : eni.private_ips) ok = ok && !ip.isPublic();
    if (eni.public_ips.empty() || ix.nat_by_eni.count(eni.meta.id) != 0) continue;  // a NAT gateway's EIP: below
    for (const auto& pub : eni.public_ips) public_held.add(pub.public_ip);
  }
  for (const auto& eni : ix.synthetic_enis) {
    for (const auto& ip : eni.private_ips) ok = ok && !ip.isPublic();
  }
  for (const auto& nat : ix.topo.nat_gateways) {
    for (const auto& ip : nat.private_ips) ok = ok && !ip.isPublic();
    for (const auto& ip : nat.public_ips) public_held.add(ip);
  }
  return ok && public_held.distinct();
}

/// Runs an enumeration with the factored engine when it applies, else class by class.
Tally runEnumeration(const Network::Index& ix, const Enumeration& e, const std::vector<Cidr>& extra_cidrs,
                     bool factored, unsigned threads) {
  AddressSet held = heldPublicAddresses(ix);
  if (e.watch != nullptr) e.watch->plan(uint64_t{e.members} * e.atoms.size() * e.headers.size() * e.source_ports.size());
  if (!factored || e.source_ports.size() != 1 || !factorable(ix)) return tracePerClass(e, held, threads);
  return runFactoredEngine(ix, e, extra_cidrs, held, threads);
}

/// Interfaces sending to every class of `atoms`: the egress side of both
/// checks. `target` gives the flow's target for an address.
Enumeration egressEnumeration(const Network& network, const std::vector<SourceClass>& sources, std::vector<Atom> atoms,
                              std::vector<HeaderClass> headers, std::vector<int> source_ports,
                              std::function<Target(size_t atom, Ipv4 address)> target) {
  const Network::Index& ix = network.index();
  Enumeration e;
  e.egress = true;
  e.members = sources.size();
  e.atoms = std::move(atoms);
  e.headers = std::move(headers);
  e.source_ports = std::move(source_ports);
  auto groups = std::make_shared<std::vector<const std::vector<std::string>*>>();
  auto endpoints = std::make_shared<std::vector<Endpoint>>();  // endpointOf each source, once
  for (const SourceClass& source : sources) {
    const Eni* eni = source.endpoint.kind == Endpoint::Kind::kEni ? source.endpoint.eni : nullptr;
    groups->push_back(eni != nullptr ? &eni->security_group_ids : &source.endpoint.security_group_ids);
    endpoints->push_back(endpointOf(source));
  }
  const Atom* first_atom = e.atoms.data();
  e.packet = [&sources, first_atom](size_t member, size_t atom, const HeaderClass& header, int source_port) {
    return classPacket(sources[member].endpoint.address.v4(), atomAddress(first_atom[atom]), header, source_port);
  };
  e.trace = [&network, endpoints, target](size_t member, size_t atom, const Packet& packet, bool apart,
                                          Consulted* consulted) {
    const Endpoint& source = (*endpoints)[member];
    if (!apart) {
      return trace(network, source, target(atom, packet.destination.v4()), packet,
                   TraceOptions{apart, consulted, /*host_services=*/false});
    }
    Endpoint checked_apart = source;
    checked_apart.security_groups_checked_apart = true;
    return trace(network, checked_apart, target(atom, packet.destination.v4()), packet,
                 TraceOptions{apart, consulted, /*host_services=*/false});
  };
  e.label = [endpoints](size_t member, Ipv4 /*other*/) { return (*endpoints)[member].label; };
  e.groups = [groups](size_t member) -> const std::vector<std::string>& { return *(*groups)[member]; };
  const SubnetKeys subnet_keys(ix);
  auto subnet_names = std::make_shared<std::unordered_map<const Subnet*, std::string>>();
  for (const SourceClass& source : sources) {
    if (subnet_names->count(source.subnet) == 0) subnet_names->emplace(source.subnet, displayName(source.subnet->meta));
  }
  e.group = [&sources, subnet_names](size_t member) -> const std::string& {
    return subnet_names->at(sources[member].subnet);
  };
  // Key prefixes by subnet: [existing interface?][public address?].
  auto prefixes = std::make_shared<std::unordered_map<const Subnet*, std::array<std::array<std::string, 2>, 2>>>();
  for (const SourceClass& source : sources) {
    auto [it, inserted] = prefixes->try_emplace(source.subnet);
    if (!inserted) continue;
    for (bool eni : {false, true}) {
      for (bool has_public : {false, true}) {
        // The assumption that a new interface gets a public address names its subnet.
        bool named = !eni && source.subnet->map_public_ip_on_launch;
        it->second[eni][has_public] = fmt::format("{}|{}|{}", eni ? "eni" : "new",
                                                  named ? source.subnet->meta.id : subnet_keys.of(*source.subnet),
                                                  has_public);
      }
    }
  }
  e.key = [&sources, prefixes](size_t member) {
    const SourceClass& source = sources[member];
    bool has_public = source.subnet->map_public_ip_on_launch;
    if (source.endpoint.kind == Endpoint::Kind::kEni) {
      has_public = false;
      if (const Eni* eni = source.endpoint.eni) {
        for (const auto& pub : eni->public_ips) has_public = has_public || pub.private_ip == source.endpoint.address;
      }
    }
    bool eni = source.endpoint.kind == Endpoint::Kind::kEni;
    return std::make_pair(prefixes->at(source.subnet)[eni][has_public], source.endpoint.address.v4());
  };
  return e;
}

/// What holds a candidate address: the estates of its holders, sorted, and
/// the groups of its interfaces, sorted.
struct Holders {
  std::vector<size_t> estates;
  std::vector<std::string_view> groups;
};

/// The holders of a private address whose interfaces and NAT gateways all
/// lie in known estates; nullopt for a public address or any other.
std::optional<Holders> holdersOf(const Network::Index& ix, const Estates& estates, Ipv4 address) {
  const Topology& topo = ix.topo;
  const uint32_t value = address.value();
  if (address.isPublic() || ix.by_public_ip.count(value) != 0 || ix.nat_by_public_ip.count(value) != 0) {
    return std::nullopt;
  }
  Holders out;
  bool known = true;
  auto in = [&](const std::string& vpc_id) {
    std::optional<size_t> estate = estates.indexOf(vpc_id);
    known = known && estate.has_value();
    if (estate) out.estates.push_back(*estate);
  };
  auto subnetVpc = [&](const std::string& subnet_id) {
    if (const Subnet* subnet = topo.findSubnet(subnet_id)) in(subnet->vpc_id);
  };
  if (auto it = ix.by_private_ip.find(value); it != ix.by_private_ip.end()) {
    for (const Eni* eni : it->second) {
      in(eni->vpc_id);
      subnetVpc(eni->subnet_id);
      out.groups.insert(out.groups.end(), eni->security_group_ids.begin(), eni->security_group_ids.end());
    }
  }
  if (auto it = ix.nat_by_private_ip.find(value); it != ix.nat_by_private_ip.end()) {
    for (const NatGateway* nat : it->second) {
      in(nat->vpc_id);
      subnetVpc(nat->subnet_id);
    }
  }
  if (!known || out.estates.empty()) return std::nullopt;
  std::sort(out.estates.begin(), out.estates.end());
  out.estates.erase(std::unique(out.estates.begin(), out.estates.end()), out.estates.end());
  std::sort(out.groups.begin(), out.groups.end());
  out.groups.erase(std::unique(out.groups.begin(), out.groups.end()), out.groups.end());
  return out;
}

/// The candidates of the shadows: their holders, and by atom the index of
/// its holders in `holders` (SIZE_MAX for an atom that is no candidate).
struct Candidates {
  std::vector<Holders> holders;
  std::vector<size_t> holders_of;
};

/// Sets e.shadow_of and e.stand_ins: shadows in atom order, each one's first
/// unheld atom standing for its candidates; returns the candidates' holders.
Candidates findShadows(const Network::Index& ix, const std::vector<Cidr>& extra_cidrs, const Estates& estates,
                       Enumeration& e) {
  AddressSet held;
  ix.forEachHeldAddress([&](Ipv4 address) { held.add(address); });
  held.seal();
  Candidates out;
  out.holders_of.assign(e.atoms.size(), SIZE_MAX);
  const std::vector<Atom> coarse =
      atomsOf(addressBoundaries(ix, extra_cidrs, Coarser{true, false}), kAddressSpaceEnd);
  e.shadow_of.assign(e.atoms.size(), SIZE_MAX);
  size_t current = SIZE_MAX;
  size_t stand_in = SIZE_MAX;
  std::vector<size_t> candidates;
  auto close = [&] {
    if (stand_in != SIZE_MAX && !candidates.empty()) {
      e.shadow_of[stand_in] = e.stand_ins.size();
      for (size_t atom : candidates) e.shadow_of[atom] = e.stand_ins.size();
      e.stand_ins.push_back(stand_in);
    }
    stand_in = SIZE_MAX;
    candidates.clear();
  };
  for (size_t a = 0; a < e.atoms.size(); ++a) {
    const Atom& atom = e.atoms[a];
    auto it = std::upper_bound(coarse.begin(), coarse.end(), atom.first,
                               [](uint64_t v, const Atom& c) { return v < c.end; });
    auto index = static_cast<size_t>(it - coarse.begin());
    if (index != current) {
      close();
      current = index;
    }
    if (atom.end - atom.first != 1 || !held.contains(atom.first)) {
      if (stand_in == SIZE_MAX) stand_in = a;
      continue;
    }
    if (std::optional<Holders> found = holdersOf(ix, estates, Ipv4(static_cast<uint32_t>(atom.first)))) {
      out.holders_of[a] = out.holders.size();
      out.holders.push_back(std::move(*found));
      candidates.push_back(a);
    }
  }
  close();
  return out;
}

/// A source as decideOtherEstatesAlike sees it: its estates (the VPC of the
/// interface and of its subnet), the groups its egress rules reference, its address.
struct EstateMember {
  bool possible = true;
  std::vector<size_t> estates;
  std::vector<std::string_view> references;
  Ipv4 address;
};

/// The EstateMember of every source (e.groups gives its security groups).
std::vector<EstateMember> estateMembers(const Topology& topo, const Estates& estates,
                                        const std::vector<SourceClass>& sources, const Enumeration& e) {
  std::vector<EstateMember> members(sources.size());
  for (size_t m = 0; m < sources.size(); ++m) {
    EstateMember& member = members[m];
    const SourceClass& source = sources[m];
    member.address = source.endpoint.address.v4();
    std::vector<std::string_view> vpcs;
    if (source.subnet != nullptr) vpcs.emplace_back(source.subnet->vpc_id);
    if (source.endpoint.kind == Endpoint::Kind::kEni && source.endpoint.eni != nullptr) {
      vpcs.emplace_back(source.endpoint.eni->vpc_id);
    }
    member.possible = !vpcs.empty();
    for (std::string_view vpc : vpcs) {
      std::optional<size_t> estate = estates.indexOf(vpc);
      member.possible = member.possible && estate.has_value();
      if (estate) member.estates.push_back(*estate);
    }
    for (const auto& id : e.groups(m)) {
      const SecurityGroup* group = topo.findSecurityGroup(id);
      if (group == nullptr) continue;  // unsettled whoever the peer is
      for (const auto& rule : group->egress) {
        if (rule.peer_kind != PeerKind::kSecurityGroup) continue;
        member.possible = member.possible && topo.findSecurityGroup(rule.peer) != nullptr;
        member.references.emplace_back(rule.peer);
      }
    }
  }
  return members;
}

/// Whether `member`'s classes to `address`, which `holder` holds, decide as the stand-in's do.
bool decidesAlike(const EstateMember& member, const Holders& holder, Ipv4 address) {
  if (member.address == address) return false;
  for (size_t estate : member.estates) {
    if (std::binary_search(holder.estates.begin(), holder.estates.end(), estate)) return false;
  }
  for (std::string_view group : member.references) {
    if (std::binary_search(holder.groups.begin(), holder.groups.end(), group)) return false;
  }
  return true;
}

/// Lets the class-by-class engine decide a source's classes to a private
/// address that only interfaces and NAT gateways of other estates hold
/// (sim/estate.h) by the classes of the first atom of the same shadow that
/// nothing holds (Enumeration::alike), and only when those decide nothing.
///
/// Why that is sound. A shadow is an atom of the boundaries without the
/// edges of held single addresses, so every predicate but "who holds the
/// address" treats the held address and the stand-in alike (the argument at
/// the top of this file). The tracer asks who holds a destination in three
/// places. Delivery looks in the VPC the packet is in (Walk::nodeAt), and a
/// packet from the source stays in the source's estate, whose graph has an
/// edge for every way the tracer moves a packet to another VPC (active
/// peering, transit gateway attachments and route tables, routes to NAT
/// gateways); no holder is there, and neither address is the source's own
/// (a new interface may sit at a held address: excluded). The source's egress
/// security groups see the holder's groups as the peer (Walk::target_node_),
/// which matters to rules referencing a group only: excluded when a holder
/// carries a group the source's egress rules reference, or such a group is
/// not in the input (the stand-in's class is then unsettled, the held one
/// not). So both traces take the same hops with the same verdict,
/// explanation codes and assumptions (once generalised), and a scope judges
/// them alike; only texts naming the address or its holder differ, which
/// examples alone show, and a class that decides nothing gives no example.
/// No public address is a candidate: those are reached across the internet.
void decideOtherEstatesAlike(const Network::Index& ix, const std::vector<Cidr>& extra_cidrs,
                             const std::vector<SourceClass>& sources, Enumeration& e) {
  const Estates estates = findEstates(ix.topo);
  if (estates.list.size() < 2) return;  // one estate: every holder is in the source's
  auto candidates = std::make_shared<const Candidates>(findShadows(ix, extra_cidrs, estates, e));
  if (e.stand_ins.empty()) {
    e.shadow_of.clear();
    return;
  }
  auto members = std::make_shared<const std::vector<EstateMember>>(estateMembers(ix.topo, estates, sources, e));
  const Atom* atoms = e.atoms.data();
  e.alike = [members, candidates, atoms](size_t m, size_t atom) {
    const EstateMember& member = (*members)[m];
    const size_t h = candidates->holders_of[atom];
    if (!member.possible || h == SIZE_MAX) return false;
    return decidesAlike(member, candidates->holders[h], atomAddress(atoms[atom]));
  };
}

}  // namespace

// ---- IPv6 ------------------------------------------------------------------
// The IPv6 half of the internet-free check, class by class: every IPv6 block
// the input names cuts the 128-bit space into address classes (as the IPv4
// atoms do), and one packet per (IPv6 source class, destination class,
// header class) is traced. It is not factored like the IPv4 engine: its
// cost grows with IPv6 sources x IPv6 classes (docs/performance.md).

/// The address after `address`, or nullopt past the last one.
std::optional<Ipv6> nextIpv6(Ipv6 address) {
  if (address.low() != ~uint64_t{0}) return Ipv6(address.high(), address.low() + 1);
  if (address.high() != ~uint64_t{0}) return Ipv6(address.high() + 1, 0);
  return std::nullopt;
}

/// 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052).
constexpr uint64_t kNat64High = 0x0064ff9b00000000ULL;
Cidr6 nat64Prefix() { return Cidr6::of(Ipv6(kNat64High, 0), 96); }
/// 2000::/3, global unicast: the IPv6 internet (IpAddress::isPublic).
Cidr6 globalUnicast() { return Cidr6::of(Ipv6(uint64_t{0x2} << 60, 0), 3); }

/// Adds the edges of `cidr` to `edges`: its first address and the one past its last.
void addIpv6Edges(std::set<Ipv6>& edges, const Cidr6& cidr) {
  edges.insert(cidr.first());
  if (auto next = nextIpv6(cidr.last())) edges.insert(*next);
}

/// The edges every IPv6 partition has: ::, and those of 2000::/3 and 64:ff9b::/96.
std::set<Ipv6> fixedIpv6Edges() {
  std::set<Ipv6> edges{Ipv6()};
  addIpv6Edges(edges, globalUnicast());
  addIpv6Edges(edges, nat64Prefix());
  return edges;
}

/// The first address of every IPv6 class, sorted: the edges of every block
/// the input names (VPC and subnet blocks, routes, prefix lists, network ACL
/// entries, security-group rules), of
/// 2000::/3, and of 64:ff9b::/96 cut at every IPv4 class edge (a NAT64
/// destination stands for the IPv4 address in its last 32 bits).
std::vector<Ipv6> ipv6ClassStarts(const Topology& topo, const std::vector<Atom>& ipv4_atoms, bool interfaces = false) {
  std::set<Ipv6> starts = fixedIpv6Edges();
  auto block = [&](const Cidr6& cidr) { addIpv6Edges(starts, cidr); };
  for (const Atom& atom : ipv4_atoms) starts.insert(Ipv6(kNat64High, atom.first));
  for (const auto& vpc : topo.vpcs) {
    for (const auto& association : vpc.ipv6_blocks) block(analysedBlock(association.block));
  }
  for (const auto& subnet : topo.subnets) {
    for (const auto& association : subnet.ipv6_blocks) block(analysedBlock(association.block));
  }
  for (const auto& table : topo.route_tables) {
    for (const auto& route : table.routes) {
      if (route.destination_ipv6) block(analysedBlock(*route.destination_ipv6));
    }
  }
  for (const auto& list : topo.prefix_lists) {
    for (const auto& cidr : list.cidrs6) block(cidr);
  }
  for (const auto& acl : topo.network_acls) {
    for (const auto& entry : acl.entries) {
      if (entry.ipv6_cidr) block(analysedBlock(*entry.ipv6_cidr));
    }
  }
  for (const auto& group : topo.security_groups) {
    for (const auto* rules : {&group.ingress, &group.egress}) {
      for (const auto& rule : *rules) {
        if (rule.peer_kind == PeerKind::kIpv6Cidr) block(analysedBlock(rule.cidr6));
      }
    }
  }
  // Interface addresses are no edges unless asked for (scopes reaching
  // private destinations, which tell interfaces apart): no rule names them,
  // so sources in one class behave alike, and a destination an interface
  // holds leaves through the same gateway as its class (the exit decides an
  // internet finding; the round trip only which example is shown).
  // Load balancers' interfaces are edges always: a packet delivered to one
  // is undetermined (tracer.cpp), unlike one to a free address beside it.
  for (const auto& eni : topo.enis) {
    if (!interfaces && !isLoadBalancerInterface(eni)) continue;
    for (const auto& address : eni.ipv6_addresses) block(Cidr6::of(address, 128));
    for (const auto& prefix : eni.ipv6_prefixes) block(prefix);
  }
  return {starts.begin(), starts.end()};
}

/// Whether an IPv6 destination stands for the internet: a global unicast
/// address, or a NAT64 address whose IPv4 address is public.
bool ipv6Internet(const Ipv6& address) {
  if (nat64Prefix().contains(address)) return Ipv4(static_cast<uint32_t>(address.low())).isPublic();
  return IpAddress(address).isPublic();
}

/// The IPv6 source classes of the planned sources: each existing interface
/// at each IPv6 address (and the first address of each delegated prefix),
/// and a new interface per subnet with an IPv6 block and security groups
/// (VPC User Guide, "IPv6 addresses": an interface in such a subnet can get
/// IPv6 addresses at launch or later). Sources alike (subnet, groups,
/// address class) are traced once.
std::vector<SourceClass> ipv6Sources(const Network::Index& ix, const std::vector<PlannedSource>& planned,
                                     const std::vector<Ipv6>& starts) {
  std::vector<SourceClass> out;
  std::set<std::tuple<const Subnet*, std::vector<std::string>, size_t>> seen;
  auto classOf = [&](const Ipv6& address) {
    return static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), address) - starts.begin());
  };
  auto add = [&](const Subnet& subnet, std::vector<std::string> groups, const Ipv6& address, SourceClass source) {
    std::sort(groups.begin(), groups.end());
    if (!seen.insert({&subnet, std::move(groups), classOf(address)}).second) return;
    source.subnet = &subnet;
    source.endpoint.address = address;
    out.push_back(std::move(source));
  };
  std::set<const Eni*> service_owned;
  for (const auto& [id, nat] : ix.nat_by_eni) service_owned.insert(ix.eniById(id));
  for (const auto& [id, endpoint] : ix.endpoint_by_eni) service_owned.insert(ix.eniById(id));
  for (const auto& source : planned) {
    if (source.kind == PlannedSource::Kind::kInterface) {
      const Eni& eni = *source.eni;
      const Subnet* subnet = source.subnet != nullptr ? source.subnet : ix.topo.findSubnet(eni.subnet_id);
      if (subnet == nullptr || service_owned.count(&eni) != 0 || eni.interface_type == "nat_gateway" ||
          eni.interface_type == "vpc_endpoint") {
        continue;
      }
      std::vector<Ipv6> addresses = eni.ipv6_addresses;
      for (const auto& prefix : eni.ipv6_prefixes) addresses.push_back(prefix.first());
      for (const auto& address : addresses) {
        if (source.address && source.address->isV6() && source.address->v6() != address) continue;
        SourceClass added;
        added.endpoint.kind = Endpoint::Kind::kEni;
        added.endpoint.eni = &eni;
        add(*subnet, eni.security_group_ids, address, std::move(added));
      }
    } else if (source.kind == PlannedSource::Kind::kNewInterface) {
      std::vector<Ipv6Block> blocks = associatedIpv6(source.subnet->ipv6_blocks);
      if (blocks.empty()) continue;
      const Cidr6 block = analysedBlock(blocks.front());
      // The first free address from the fourth on (the subnet's reserved
      // addresses: VPC User Guide, "Subnet CIDR blocks").
      Ipv6 address(block.base().high(), block.base().low() + 4);
      while (ix.eniByIpv6(address) != nullptr) address = Ipv6(address.high(), address.low() + 1);
      SourceClass added;
      added.endpoint = source.endpoint;
      add(*source.subnet, source.endpoint.security_group_ids, address, std::move(added));
    }
  }
  return out;
}

/// The keyed IPv6 engine's tally: outcomes counted per group with the
/// coordinates (source, destination, header) of their example, merged so
/// that the result is the one the class-by-class loop (source, then
/// destination, then header) gives: the best score wins, the first in that
/// order among equals.
struct KeyedTally6 {
  using Coordinates = std::tuple<size_t, size_t, size_t>;  ///< source, destination, header
  struct Best {
    uint64_t classes = 0;
    int score = -1;
    Coordinates at;
    Decision decision;
  };
  struct First {
    uint64_t classes = 0;
    Coordinates at;
  };
  uint64_t classes_checked = 0;
  uint64_t traces = 0;
  std::map<FindingKey, Best> findings;
  std::map<UndeterminedKey, First> undetermined;
  std::set<std::string> assumptions;

  void count(const Decision& decision, uint64_t classes, int score, const Coordinates& at) {
    classes_checked += classes;
    if (decision.kind == Decision::Kind::kFinding) {
      Best& best = findings[{decision.rule, decision.group, decision.detail}];
      if (best.classes == 0 || score > best.score || (score == best.score && at < best.at)) {
        best.score = score;
        best.at = at;
        best.decision = decision;
      }
      best.classes += classes;
    } else if (decision.kind == Decision::Kind::kUndetermined) {
      First& first = undetermined[{decision.group, decision.detail}];
      if (first.classes == 0 || at < first.at) first.at = at;
      first.classes += classes;
    }
  }
  void append(KeyedTally6&& later) {
    classes_checked += later.classes_checked;
    traces += later.traces;
    assumptions.merge(later.assumptions);
    for (auto& [key, best] : later.findings) {
      auto [it, inserted] = findings.try_emplace(key, best);
      if (inserted) continue;
      Best& mine = it->second;
      const uint64_t classes = mine.classes + best.classes;
      if (best.score > mine.score || (best.score == mine.score && best.at < mine.at)) mine = best;
      mine.classes = classes;
    }
    for (auto& [key, first] : later.undetermined) {
      auto [it, inserted] = undetermined.try_emplace(key, first);
      if (inserted) continue;
      if (first.at < it->second.at) it->second.at = first.at;
      it->second.classes += first.classes;
    }
  }
};

/// The IPv6 half of internet-free, factored: sources of one subnet whose
/// addresses share a class (a key) differ only in their security groups,
/// so each (destination run, header class) is traced once for the key with
/// the groups checked apart (Endpoint::security_groups_checked_apart) and
/// each source's egress groups decide it. A run is the destination classes
/// that the subnet's route table and ACL, the key's groups and the VPC's
/// blocks treat alike; a trace that read anything else (another table, a
/// NAT gateway, a peering, a transit gateway, a group not checked apart)
/// stands for its class only, and the run is traced class by class. The
/// tally equals the class-by-class loop's (tested: factored_test.cpp).
Tally keyedIpv6(const Network& network, const std::vector<SourceClass>& sources, const std::vector<Ipv6>& starts,
                const std::vector<Ipv6>& destinations, const std::vector<HeaderClass>& headers,
                const VerifyOptions& options, Watch& watch) {
  const Network::Index& ix = network.index();
  // Keys: (subnet, source address class), members in source order.
  std::vector<std::vector<size_t>> keys;
  std::map<std::pair<const Subnet*, size_t>, size_t> key_of;
  for (size_t m = 0; m < sources.size(); ++m) {
    const size_t cls =
        static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), sources[m].endpoint.address.v6()) -
                            starts.begin());
    auto [it, inserted] = key_of.try_emplace({sources[m].subnet, cls}, keys.size());
    if (inserted) keys.emplace_back();
    keys[it->second].push_back(m);
  }
  std::vector<char> held(destinations.size(), 0);
  for (size_t d = 0; d < destinations.size(); ++d) held[d] = ix.eniByIpv6(destinations[d]) != nullptr ? 1 : 0;
  std::set<const RouteTable*> gateway_tables;
  for (const auto& [id, table] : ix.gateway_route_table) gateway_tables.insert(table);

  // A source's security groups: its interface's, or the new interface's.
  auto groupsOf = [&](size_t m) -> const std::vector<std::string>& {
    const Endpoint& endpoint = sources[m].endpoint;
    return endpoint.eni != nullptr ? endpoint.eni->security_group_ids : endpoint.security_group_ids;
  };
  KeyedTally6 keyed = tallyInParallel<KeyedTally6>(options.threads, keys.size(), [&](size_t k, KeyedTally6& part) {
    const std::vector<size_t>& members = keys[k];
    const Subnet& subnet = *sources[members.front()].subnet;
    const std::string group = displayName(subnet.meta);
    const RouteTable* table = ix.routeTableFor(subnet);
    const NetworkAcl* acl = ix.aclFor(subnet);
    // The edges the subnet's own tables, the key's groups and the VPC read.
    std::set<Ipv6> edges = fixedIpv6Edges();
    auto block = [&](const Cidr6& cidr) { addIpv6Edges(edges, cidr); };
    if (table != nullptr) {
      for (const auto& route : table->routes) {
        if (route.destination_ipv6) block(analysedBlock(*route.destination_ipv6));
        if (const PrefixList* list = ix.topo.findPrefixList(route.destination_prefix_list)) {
          for (const auto& cidr : list->cidrs6) block(cidr);
        }
      }
    }
    if (acl != nullptr) {
      for (const auto& entry : acl->entries) {
        if (entry.ipv6_cidr) block(analysedBlock(*entry.ipv6_cidr));
      }
    }
    for (size_t m : members) {
      for (const auto& id : groupsOf(m)) {
        const SecurityGroup* sg = ix.topo.findSecurityGroup(id);
        if (sg == nullptr) continue;
        for (const auto& rule : sg->egress) {
          if (rule.peer_kind == PeerKind::kIpv6Cidr) block(analysedBlock(rule.cidr6));
        }
      }
    }
    if (const Vpc* vpc = ix.topo.findVpc(subnet.vpc_id)) {
      for (const auto& association : vpc->ipv6_blocks) block(analysedBlock(association.block));
    }
    Endpoint keyed_source = endpointOf(sources[members.front()]);
    keyed_source.security_groups_checked_apart = true;
    // Runs of destination classes: between two edges, a held class alone.
    size_t d0 = 0;
    while (d0 < destinations.size()) {
      size_t d1 = d0 + 1;
      const auto run_edge = edges.upper_bound(destinations[d0]);
      while (d1 < destinations.size() && held[d0] == 0 && held[d1] == 0 &&
             (run_edge == edges.end() || destinations[d1] < *run_edge)) {
        ++d1;
      }
      const Ipv6& representative = destinations[d0];
      Target target;
      target.address = representative;
      target.any_internet = true;
      target.label = "internet";
      const Eni* holder = ix.eniByIpv6(representative);
      const bool holder_nat = holder != nullptr && ix.nat_by_eni.count(holder->meta.id) != 0;
      Peer peer;
      peer.address = representative;
      if (holder != nullptr && !holder_nat) peer.security_group_ids = &holder->security_group_ids;
      for (size_t h = 0; h < headers.size(); ++h) {
        Packet packet = classPacket(keyed_source.address, representative, headers[h], 49152);
        Consulted consulted;
        TraceResult result = trace(network, keyed_source, target, packet, TraceOptions{true, &consulted, false});
        ++part.traces;
        bool valid = !consulted.other && consulted.tgw_route_tables.empty() && result.checked_apart.has_value();
        for (const auto& hop : result.path) {
          valid = valid && hop.kind != HopKind::kNatGateway;
        }
        if (d1 - d0 > 1) {
          for (const auto& lookup : consulted.route_tables) {
            valid = valid && (lookup.table == table || gateway_tables.count(lookup.table) != 0);
          }
          for (const NetworkAcl* read : consulted.acls) valid = valid && read == acl;
        }
        auto traceOne = [&](size_t m, size_t d) {
          const Endpoint source = endpointOf(sources[m]);
          Target one = target;
          one.address = destinations[d];
          Packet full = classPacket(source.address, destinations[d], headers[h], 49152);
          TraceResult traced = trace(network, source, one, full, TraceOptions{false, nullptr, false});
          ++part.traces;
          for (const auto& assumption : traced.assumptions) part.assumptions.insert(generalise(assumption));
          Decision decision = internetDecision(traced, group);
          part.count(decision, 1, exampleScore(decision.round_trip, full, false), {m, d, h});
          return decision;
        };
        if (!valid) {
          for (size_t m : members) {
            for (size_t d = d0; d < d1; ++d) traceOne(m, d);
          }
          continue;
        }
        const Decision decision = internetDecision(result, group);
        const size_t before = result.checked_apart->assumptions;
        for (size_t i = 0; i < before && i < result.assumptions.size(); ++i) {
          part.assumptions.insert(generalise(result.assumptions[i]));
        }
        bool allowed_once = false;
        for (size_t m : members) {
          packet.source = sources[m].endpoint.address;
          SgDecision sg = evaluateSecurityGroups(ix.topo, groupsOf(m), true, packet, peer);
          if (sg.allowed == Tri::kUnknown) {
            // The groups cannot settle the packet, alike for every class of
            // the run (their blocks are edges): the trace stops there, the
            // same for each; the first class's stands for the rest.
            const Decision undecided = traceOne(m, d0);
            if (d1 - d0 > 1) part.count(undecided, d1 - d0 - 1, 0, {m, d0 + 1, h});
            continue;
          }
          if (sg.allowed == Tri::kNo) {
            part.classes_checked += d1 - d0;
            continue;
          }
          allowed_once = true;
          part.count(decision, d1 - d0, exampleScore(decision.round_trip, packet, false), {m, d0, h});
        }
        if (allowed_once) {
          for (const auto& assumption : result.assumptions) part.assumptions.insert(generalise(assumption));
        }
      }
      d0 = d1;
    }
  }, &watch);
  // The tally, with the winning examples traced in full.
  Tally tally;
  tally.classes_checked = keyed.classes_checked;
  tally.traces = keyed.traces;
  tally.assumptions = std::move(keyed.assumptions);
  auto full = [&](const KeyedTally6::Coordinates& at) {
    const auto [m, d, h] = at;
    const Endpoint source = endpointOf(sources[m]);
    Target target;
    target.address = destinations[d];
    target.any_internet = true;
    target.label = "internet";
    Packet packet = classPacket(source.address, destinations[d], headers[h], 49152);
    return std::make_pair(packet, trace(network, source, target, packet, TraceOptions{false, nullptr, false}));
  };
  // (Plain loops: clang 14, which the fuzz build uses, cannot capture structured bindings.)
  for (const auto& entry : keyed.findings) {
    const KeyedTally6::Best& best = entry.second;
    tally.addFinding(entry.first, best.classes, best.score, [&] {
      auto traced = full(best.at);
      return exampleFinding(best.decision, endpointOf(sources[std::get<0>(best.at)]).label, traced.first,
                            std::move(traced.second), false);
    });
  }
  for (const auto& entry : keyed.undetermined) {
    const KeyedTally6::First& first = entry.second;
    tally.addUndetermined(entry.first, first.classes, [&] { return full(first.at).second; });
  }
  return tally;
}

/// Traces every IPv6 source class to every IPv6 internet class under every
/// header class, into the returned tally.
Tally internetFreeIpv6(const Network& network, const std::vector<PlannedSource>& planned,
                       const std::vector<Atom>& ipv4_atoms, const std::vector<HeaderClass>& headers,
                       const VerifyOptions& options, uint64_t& source_classes, Watch& watch) {
  const Network::Index& ix = network.index();
  const std::vector<Ipv6> starts = ipv6ClassStarts(ix.topo, ipv4_atoms);
  std::vector<Ipv6> destinations;
  for (const auto& start : starts) {
    if (ipv6Internet(start)) destinations.push_back(start);
  }
  const std::vector<SourceClass> sources = ipv6Sources(ix, planned, starts);
  source_classes += sources.size();
  Tally tally;
  if (!sources.empty()) {
    for (auto& assumption : ipv6StandInAssumptions(ix.topo)) tally.assumptions.insert(std::move(assumption));
  }
  watch.plan(uint64_t{sources.size()} * destinations.size() * headers.size());
  if (options.factored) {
    tally.append(keyedIpv6(network, sources, starts, destinations, headers, options, watch));
    return tally;
  }
  tally.append(tallyInParallel<Tally>(options.threads, sources.size(), [&](size_t member, Tally& part) {
    const Endpoint source = endpointOf(sources[member]);
    const std::string subnet = displayName(sources[member].subnet->meta);
    for (const Ipv6& destination : destinations) {
      Target target;
      target.address = destination;
      target.any_internet = true;
      target.label = "internet";
      for (const HeaderClass& header : headers) {
        Packet packet = classPacket(source.address, destination, header, 49152);
        TraceResult result = trace(network, source, target, packet, TraceOptions{false, nullptr, false});
        Decision decision = internetDecision(result, subnet);
        record(part, decision, source.label, packet, std::move(result), false, false);
      }
    }
  }, &watch));
  return tally;
}

Result<InternetFreeReport> verifyInternetFree(const Network& network, const std::vector<std::string>& source_refs,
                                              const VerifyOptions& options) {
  const Network::Index& ix = network.index();
  if (source_refs.empty()) return Error{"--internet-free needs at least one source"};
  std::vector<Atom> address_atoms = atomsOf(addressBoundaries(ix, {}), kAddressSpaceEnd);
  Sources classes(ix, address_atoms, atomsOf(addressBoundaries(ix, {}, Coarser{true, false}), kAddressSpaceEnd));
  SourcePlanner planner(network);
  SourceOptions plan_options{SubnetSources::kEveryInterface, {}, options.hypothetical_enis};
  std::vector<PlannedSource> every_planned;
  for (const auto& ref : source_refs) {
    auto resolved = resolveReference(ix.topo, ref, ReferenceRole::kSource);
    if (!resolved) return Error{resolved.error()};
    auto planned = planner.plan(*resolved, plan_options);
    if (!planned) return Error{planned.error()};
    if (auto error = classes.add(ref, *planned)) return *error;
    every_planned.insert(every_planned.end(), planned->begin(), planned->end());
  }
  std::vector<SourceClass> sources = classes.take();
  std::vector<Atom> destinations;
  for (const Atom& atom : address_atoms) {
    if (Ipv4(static_cast<uint32_t>(atom.first)).isPublic()) destinations.push_back(atom);
  }
  std::vector<HeaderClass> headers = ProtocolSpace(ix.topo, {}).classes();
  const std::vector<HeaderClass> headers6 = headers;

  InternetFreeReport report;
  report.sources = source_refs;
  report.source_classes = sources.size();
  report.header_classes = uint64_t{destinations.size()} * headers.size();

  // Sources in the SageMaker platform network reach the internet whatever the VPC says.
  Tally tally;
  std::vector<SourceClass> interfaces;
  for (auto& source : sources) {
    if (source.platform_reason.empty()) {
      interfaces.push_back(std::move(source));
      continue;
    }
    tally.classes_checked += report.header_classes;
    tally.addFinding({"internet-free", "", "SageMaker-managed network"}, report.header_classes, 0, [&] {
      InternetFinding finding;
      finding.rule = "internet-free";
      finding.exit_point = "SageMaker-managed network";
      finding.source = source.endpoint.label;
      finding.example.destination = Ipv4(0x08080808);
      finding.example_text = source.platform_reason;
      finding.round_trip = true;
      finding.path.push_back(platformInternetHop());
      return finding;
    });
  }
  Enumeration e = egressEnumeration(network, interfaces, std::move(destinations), std::move(headers), {49152},
                                    [](size_t /*atom*/, Ipv4 address) {
                                      Target target;
                                      target.address = address;
                                      target.any_internet = true;
                                      target.label = "internet";
                                      return target;
                                    });
  e.decide = [&interfaces](size_t member, const Packet& /*packet*/, const TraceResult& result) {
    return internetDecision(result, displayName(interfaces[member].subnet->meta));
  };
  Watch watch(options, report.check);
  e.watch = &watch;
  watch.startPart("paths from the sources to the internet (IPv4)");
  tally.append(runEnumeration(ix, e, {}, options.factored, options.threads));
  watch.endPart();
  watch.startPart("paths from the sources to the internet (IPv6)");
  tally.append(internetFreeIpv6(network, every_planned, address_atoms, headers6, options, report.source_classes, watch));
  watch.endPart();
  if (!watch.unfinished().empty()) tally = timedOut(watch, report.check);
  finishWithAssumptions(
      report, tally, options,
      "the internet is every public IPv4 address (outside the RFC 6890 special ranges) and every global unicast "
      "IPv6 address (2000::/3, and 64:ff9b::/96 toward a public IPv4 address); a packet reaches it when it leaves "
      "through an internet gateway or an egress-only internet gateway, whether or not the reply returns",
      "interfaces placed later carry security groups of their subnet's VPC, get a public IPv4 address only where "
      "the subnet maps one on launch (no Elastic IP associated later), and an IPv6 address wherever the subnet has "
      "an IPv6 block");
  return report;
}

namespace {

/// Whether a side of a path names internet gateways only (so traffic from
/// it enters from the internet).
bool onlyInternetGateways(const NaaPathStatement& side) {
  if (!side.resource || side.packet_header) return false;
  for (const auto& type : side.resource->resource_types) {
    if (type != "AWS::EC2::InternetGateway") return false;
  }
  for (const auto& id : side.resource->resources) {
    if (!startsWith(bareId(id), "igw-")) return false;
  }
  return true;
}

/// Whether a statement of the scope names resources by ID.
bool namesResources(const NaaScope& scope) {
  bool names = false;
  for (const auto* paths : {&scope.match_paths, &scope.exclude_paths}) {
    for (const auto& path : *paths) {
      for (const auto* side : {&path.source, &path.destination}) {
        names = names || (side->resource && !side->resource->resources.empty());
      }
      for (const auto& statement : path.through) names = names || !statement.resources.empty();
    }
  }
  return names;
}

/// The IDs of every resource in the input a scope may name.
std::set<std::string> knownIds(const Topology& topo) {
  std::set<std::string> known;
  auto ids = [&](const auto& items) {
    for (const auto& item : items) known.insert(item.meta.id);
  };
  ids(topo.vpcs);
  ids(topo.subnets);
  ids(topo.route_tables);
  ids(topo.security_groups);
  ids(topo.network_acls);
  ids(topo.internet_gateways);
  ids(topo.egress_only_internet_gateways);
  ids(topo.nat_gateways);
  ids(topo.vpc_endpoints);
  ids(topo.enis);
  ids(topo.instances);
  // Network and Application Load Balancers are followed to their targets;
  // Gateway and Classic ones are not modelled (docs/semantics.md).
  for (const auto& lb : topo.load_balancers) {
    if (lb.type == LoadBalancerType::kNetwork || lb.type == LoadBalancerType::kApplication) known.insert(lb.meta.id);
  }
  // Instances only interface attachments name (no describe-instances output):
  // paths match them through their interfaces (originOf, readPath).
  for (auto& id : topo.attachedInstanceIds()) known.insert(std::move(id));
  ids(topo.peering_connections);
  ids(topo.transit_gateways);
  ids(topo.tgw_attachments);
  ids(topo.vpn_gateways);
  return known;
}

/// The resource statements of a path, each with its JSON pointer.
std::vector<std::pair<const NaaResourceStatement*, std::string>> resourceStatements(const NaaPath& path) {
  std::vector<std::pair<const NaaResourceStatement*, std::string>> statements;
  if (path.source.resource) statements.emplace_back(&*path.source.resource, path.pointer + "/Source");
  if (path.destination.resource) statements.emplace_back(&*path.destination.resource, path.pointer + "/Destination");
  for (size_t i = 0; i < path.through.size(); ++i) {
    statements.emplace_back(&path.through[i], fmt::format("{}/ThroughResources/{}", path.pointer, i));
  }
  return statements;
}

/// Where a matched flow ends: its exit to the internet, else the last
/// forward hop that delivers it or hands it to another network.
std::string pathEnd(const TraceResult& result) {
  std::string exit = exitPoint(result);
  if (!exit.empty()) return exit;
  for (auto it = result.path.rbegin(); it != result.path.rend() && exit.empty(); ++it) {
    if (it->direction == Direction::kForward &&
        (it->action == HopAction::kDeliver || it->kind == HopKind::kPeeringConnection ||
         it->kind == HopKind::kTransitGatewayAttachment || it->kind == HopKind::kVpcEndpoint ||
         it->kind == HopKind::kNatGateway)) {
      exit = componentName(*it);
    }
  }
  // A load balancer on the way: the targets its legs reach, in leg order.
  std::vector<std::string> reached;
  for (const auto& leg : result.legs) {
    if (leg.verdict != Verdict::kReachable && leg.verdict != Verdict::kPartial) continue;
    for (const auto& hop : leg.path) {
      if (hop.direction != Direction::kForward || hop.action != HopAction::kDeliver) continue;
      std::string name = componentName(hop);
      if (std::find(reached.begin(), reached.end(), name) == reached.end()) reached.push_back(std::move(name));
    }
  }
  if (!reached.empty()) exit += fmt::format(" -> {}", fmt::join(reached, ", "));
  return exit;
}

/// An interface the internet may reach: existing ones at each public
/// address, new ones in subnets that map public addresses on launch.
struct Inbound {
  Target target;
  std::string eni_id;  ///< "" for a hypothetical interface
  const Eni* eni = nullptr;
  Ipv4 private_address;
};

/// The interfaces reachable from the internet: existing ones with a public
/// address, and (`hypothetical`) new ones with each group of their VPC.
std::vector<Inbound> inboundTargets(const Topology& topo, bool hypothetical) {
  std::vector<Inbound> targets;
  for (const auto& eni : topo.enis) {
    for (const auto& pub : eni.public_ips) {
      Target target;
      target.address = pub.public_ip;
      target.label = displayName(eni.meta);
      targets.push_back({target, eni.meta.id, &eni, pub.private_ip});
    }
  }
  if (!hypothetical) return targets;
  for (const auto& subnet : topo.subnets) {
    if (!subnet.map_public_ip_on_launch || !subnet.hasIpv4()) continue;
    for (const auto& group : topo.security_groups) {
      if (group.vpc_id != subnet.vpc_id) continue;
      Target target;
      target.subnet_id = subnet.meta.id;
      target.security_group_ids = {group.meta.id};
      target.address = Ipv4(subnet.cidr.first().value() + 4);
      target.label = "new interface in " + subnet.meta.id + " with " + group.meta.id;
      targets.push_back({target, "", nullptr, target.address.v4()});
    }
  }
  return targets;
}

/// The factored engine's key of an inbound target: an interface the public
/// address reaches as it would reach another (the first holder of the
/// address, not a NAT gateway's, no load balancer) shares it with alike ones.
std::pair<std::string, Ipv4> inboundKey(const Network::Index& ix, const SubnetKeys& subnet_keys,
                                        const Inbound& inbound, size_t member) {
  if (inbound.eni_id.empty()) return std::make_pair("new|" + inbound.target.subnet_id, inbound.private_address);
  const Eni* eni = inbound.eni;
  auto holders = ix.by_public_ip.find(inbound.target.address.v4().value());
  bool plain_holder = eni != nullptr && ix.nat_by_public_ip.count(inbound.target.address.v4().value()) == 0 &&
                      holders != ix.by_public_ip.end() && holders->second.front() == eni;
  // What the tracer reads of the interface.
  bool balancer = eni != nullptr && topology::isLoadBalancerInterface(*eni);
  const Subnet* subnet = eni != nullptr ? ix.topo.findSubnet(eni->subnet_id) : nullptr;
  // A load balancer node's flows go on to its own listeners and targets
  // (tracer.cpp, atLoadBalancer): it shares its paths with no other member.
  std::string prefix = plain_holder && subnet != nullptr && !balancer
                           ? fmt::format("eni|{}|{}", subnet_keys.of(*subnet), eni->interface_type)
                           : fmt::format("own|{}", member);
  return std::make_pair(prefix, inbound.private_address);
}

/// Internet hosts in every class of `clients` sending to `targets`: the
/// ingress side of a scope check, but for its decisions (Enumeration::decide).
Enumeration inboundEnumeration(const Network& network, const std::vector<Inbound>& targets, std::vector<Atom> clients,
                               std::vector<HeaderClass> headers, std::vector<int> source_ports) {
  const Network::Index& ix = network.index();
  Enumeration e;
  e.egress = false;
  e.inbound = true;
  e.members = targets.size();
  e.atoms = std::move(clients);
  e.headers = std::move(headers);
  e.source_ports = std::move(source_ports);
  const Atom* first_atom = e.atoms.data();
  e.packet = [&targets, first_atom](size_t member, size_t atom, const HeaderClass& h, int source_port) {
    const Inbound& inbound = targets[member];
    return classPacket(atomAddress(first_atom[atom]),
                       inbound.eni_id.empty() ? Ipv4(kNewInterfacePublicAddress) : inbound.target.address.v4(), h,
                       source_port);
  };
  e.trace = [&network, &targets](size_t member, size_t /*atom*/, const Packet& packet, bool apart,
                                 Consulted* consulted) {
    Endpoint source;
    source.kind = Endpoint::Kind::kExternal;
    source.address = packet.source;
    source.label = "internet host " + packet.source.str();
    Target target = targets[member].target;
    target.security_groups_checked_apart = apart;
    return trace(network, source, target, packet, TraceOptions{apart, consulted, /*host_services=*/false});
  };
  e.label = [](size_t /*member*/, Ipv4 other) { return "internet host " + other.str(); };
  e.component = [&targets](size_t member) {
    // The label the tracer gives the delivered interface (tracer.cpp, nodeOfEni and the hypothetical target).
    const Eni* eni = targets[member].eni;
    return eni != nullptr ? displayName(eni->meta) : targets[member].target.label;
  };
  e.groups = [&targets](size_t member) -> const std::vector<std::string>& {
    const Inbound& inbound = targets[member];
    if (const Eni* eni = inbound.eni) return eni->security_group_ids;
    return inbound.target.security_group_ids;
  };
  auto subnet_keys = std::make_shared<const SubnetKeys>(ix);
  e.key = [&ix, &targets, subnet_keys](size_t member) {
    return inboundKey(ix, *subnet_keys, targets[member], member);
  };
  return e;
}

/// One scope's check (verifyScope), as steps over the state they share.
class ScopeCheck {
 public:
  ScopeCheck(const Network& network, const NaaScope& scope, const VerifyOptions& options)
      : network_(network), ix_(network.index()), topo_(ix_.topo), scope_(scope), options_(options) {}

  /// Runs the steps in order; the first error in the scope ends the check.
  Result<VerifyReport> run() {
    if (auto error = readPacketHeaders()) return *error;
    if (auto error = checkNamedResources()) return *error;
    chooseDirections();
    splitClasses();
    readFactorability();
    report_.check = "scope " + scope_.name;
    report_.scope_origin = scope_.origin;
    // Each part of the check, as the time limit names it when unfinished.
    // (A range over a std::array: indexing a C array of pairs holding member
    // pointers tripped GCC 12's UBSan bounds check with a bogus index.)
    struct Part {
      bool needed;
      std::optional<Error> (ScopeCheck::*run)();
      const char* name;
    };
    const std::array<Part, 4> parts{{
        {egress_needed_, &ScopeCheck::checkEgress, "paths from interfaces (IPv4)"},
        {egress_needed_, &ScopeCheck::checkEgressIpv6, "paths from interfaces (IPv6)"},
        {ingress_needed_, &ScopeCheck::checkIngress, "paths from the internet (IPv4)"},
        {ingress_needed_, &ScopeCheck::checkIngressIpv6, "paths from the internet (IPv6)"},
    }};
    for (const Part& part : parts) {
      if (!part.needed) continue;
      watch_.startPart(part.name);
      if (auto error = (this->*part.run)()) return *error;
      watch_.endPart();
    }
    if (!watch_.unfinished().empty()) tally_ = timedOut(watch_, report_.check);
    noteEntriesFromOutside();
    noteUnmodelled();
    finishWithAssumptions(
        report_, tally_, options_,
        "paths enumerated: from every interface to every destination address class, and from every public address "
        "class to every interface with a public address; a path matches when its forward packet gets as far as the "
        "destination (the reply is not required)",
        "interfaces placed later carry one security group of their subnet's VPC, get a public IPv4 address only "
        "where the subnet maps one on launch, and an IPv6 address wherever the subnet has an IPv6 block");
    return std::move(report_);
  }

 private:
  std::optional<Error> readPacketHeaders();
  std::optional<Error> readPacketHeader(const NaaPacketHeader& header);
  std::optional<Error> checkNamedResources();
  void chooseDirections();
  void splitClasses();
  void readFactorability();
  [[nodiscard]] Decision judge(const FlowFacts& facts, const Packet& packet, const TraceResult& result,
                               const std::string& source_group) const;
  [[nodiscard]] Decision judgeInbound(const TraceResult& result, const Packet& packet, const std::string& eni_id,
                                      const Target& target) const;
  Result<std::vector<SourceClass>> planSources() const;
  std::optional<Error> checkEgress();
  [[nodiscard]] std::optional<Error> withinClassLimit(uint64_t sources, uint64_t headers, bool factored) const;
  std::optional<Error> checkIngress();
  std::optional<Error> checkEgressIpv6();
  std::optional<Error> checkIngressIpv6();
  void noteEntryFromOutside(const NaaPath& path, const std::string& id, const std::string& what);
  void noteEntriesFromOutside();
  void noteUnmodelled();

  const Network& network_;
  const Network::Index& ix_;
  const Topology& topo_;
  const NaaScope& scope_;
  const VerifyOptions& options_;
  Watch watch_{options_, "scope " + scope_.name};  ///< the time limit and progress

  // Every CIDR, prefix list and port the scope names splits the classes (readPacketHeaders).
  std::vector<Cidr> extra_cidrs_;
  std::vector<PortRange> extra_ports_;
  std::set<uint64_t> source_port_points_;
  PrefixCidrs lists_;
  std::vector<std::string> unmodelled_;  ///< what the scope names that the input cannot describe
  // Which sides to enumerate (chooseDirections).
  bool egress_needed_ = false;
  bool ingress_needed_ = false;
  bool private_destinations_ = false;
  // The classes (splitClasses).
  std::vector<Atom> address_atoms_;
  std::vector<HeaderClass> headers_;
  std::vector<int> source_ports_{49152};
  // Whether the factored engine may run (readFactorability).
  bool egress_plain_ = true;  ///< the egress half may be factored (when it reaches public destinations only)
  std::vector<const NaaResourceStatement*> source_statements_;  ///< Source resource statements
  bool ingress_plain_ = true;  ///< no ThroughResources: the ingress half may be factored
  std::vector<const NaaResourceStatement*> destination_statements_;  ///< Destination resource statements
  std::vector<const NaaPacketHeader*> header_statements_;            ///< every packet-header statement
  VerifyReport report_;
  Tally tally_;
};

/// Reads every packet header statement of the scope; a prefix list not in
/// the input is an error (the last one found is reported).
std::optional<Error> ScopeCheck::readPacketHeaders() {
  std::optional<Error> bad;
  for (const auto* paths : {&scope_.match_paths, &scope_.exclude_paths}) {
    for (const auto& path : *paths) {
      for (const auto* side : {&path.source, &path.destination}) {
        if (!side->packet_header) continue;
        if (auto error = readPacketHeader(*side->packet_header)) bad = std::move(error);
      }
    }
  }
  return bad;
}

/// Adds one header's CIDRs, prefix lists and ports to the class boundaries.
std::optional<Error> ScopeCheck::readPacketHeader(const NaaPacketHeader& header) {
  std::optional<Error> bad;
  for (const auto* cidrs : {&header.source_addresses, &header.destination_addresses}) {
    extra_cidrs_.insert(extra_cidrs_.end(), cidrs->begin(), cidrs->end());
  }
  for (const auto* names : {&header.source_prefix_lists, &header.destination_prefix_lists}) {
    for (const auto& name : *names) {
      const PrefixList* list = topo_.findPrefixList(bareId(name));
      if (list == nullptr) {
        bad = Error{fmt::format("scope {}: prefix list '{}' is not in the input", scope_.name, name)};
        continue;
      }
      lists_[list->meta.id] = list->cidrs;
      extra_cidrs_.insert(extra_cidrs_.end(), list->cidrs.begin(), list->cidrs.end());
    }
  }
  extra_ports_.insert(extra_ports_.end(), header.destination_ports.begin(), header.destination_ports.end());
  for (const auto& range : header.source_ports) {
    source_port_points_.insert(static_cast<uint64_t>(std::clamp(range.from, 0, 65536)));
    source_port_points_.insert(static_cast<uint64_t>(std::clamp(range.to, -1, 65535) + 1));
  }
  return bad;
}

/// Resources the scope names must be in the input (a typo would silently
/// match nothing); resources of kinds the input does not describe make the
/// answer undetermined (unmodelled_).
std::optional<Error> ScopeCheck::checkNamedResources() {
  const std::set<std::string> known = namesResources(scope_) ? knownIds(topo_) : std::set<std::string>{};
  for (const auto* paths : {&scope_.match_paths, &scope_.exclude_paths}) {
    for (const auto& path : *paths) {
      for (const auto& [statement, where] : resourceStatements(path)) {
        for (const auto& resource : statement->resources) {
          std::string id = bareId(resource);
          if (known.count(id) != 0) continue;
          if (startsWith(resource, "arn:") && resourceTypeOf(id).empty()) {
            unmodelled_.push_back(fmt::format("{} names {}, which the input does not describe (resource groups, "
                                              "firewalls, Gateway and Classic Load Balancers are not modelled)",
                                              where, resource));
            continue;
          }
          return Error{fmt::format("scope {}: {} names resource '{}', which is not in the input{}", scope_.name,
                                   where, resource, didYouMean(id, known))};
        }
        for (const auto& type : statement->resource_types) {
          if (startsWith(type, "AWS::EC2::")) continue;
          // Paths through these are reported undetermined by the tracer
          // (Network Firewall, Gateway Load Balancer endpoints); as a
          // Source or Destination nothing in the input can match them.
          if (where.find("/ThroughResources/") == std::string::npos) {
            unmodelled_.push_back(fmt::format("{} names resource type {}, which the input does not describe", where,
                                              type));
          }
        }
      }
    }
  }
  return std::nullopt;
}

/// Which sides the match paths need: from interfaces, from the internet,
/// and whether a path may end at a private address.
void ScopeCheck::chooseDirections() {
  for (const auto& path : scope_.match_paths) {
    // Traffic from the internet enters only through an internet gateway;
    // everything else starts at an interface (or crosses a gateway inside the input).
    bool from_igw = onlyInternetGateways(path.source);
    ingress_needed_ = ingress_needed_ || !path.source.resource || from_igw ||
                      resourceMatches(*path.source.resource, Side{{}, {"AWS::EC2::InternetGateway"}});
    if (!path.source.resource) ingress_needed_ = true;
    for (const auto& id : path.source.resource ? path.source.resource->resources : std::vector<std::string>{}) {
      if (startsWith(bareId(id), "igw-")) ingress_needed_ = true;
    }
    egress_needed_ = egress_needed_ || !from_igw;
    private_destinations_ = private_destinations_ || !onlyInternetGateways(path.destination);
  }
}

/// Cuts addresses, headers and source ports into classes at the topology's
/// boundaries and the scope's.
void ScopeCheck::splitClasses() {
  address_atoms_ = atomsOf(addressBoundaries(ix_, extra_cidrs_), kAddressSpaceEnd);
  headers_ = ProtocolSpace(topo_, extra_ports_).classes();
  if (!source_port_points_.empty()) {
    source_ports_.clear();
    for (const Atom& atom : atomsOf(source_port_points_, 65536)) source_ports_.push_back(representative(atom, 49152));
  }
}

/// The factored engine needs every class of a key to match the scope alike.
/// Going out (to public destinations only), a class to a held public
/// address is decided as its shadow, but its path comes back in through
/// the holder's internet gateway (Source side) and is delivered to the
/// holder (Destination side: its interface, instance, subnet, VPC, groups,
/// endpoint): so no Source may name internet gateways and no Destination
/// anything a holder brings (by type, or by an ID other than an internet
/// gateway's). Any other Source statement, by ID or by type, is matched by
/// the interface's origin or by entry gateways of the key's shared path:
/// interfaces whose origins those statements match differently get keys of
/// their own (checkEgress).
/// Coming in from the internet, the Source side is read from the path
/// alone (the internet gateway and any gateway crossed), which every
/// target of a key shares; the Destination side adds the target's own
/// resources, so targets those statements match differently get keys of
/// their own (checkIngress): any resource statement will do there.
/// Packet headers: the scope's CIDRs cut the shadows and the keys'
/// address classes, its ports the paths' header classes, and both count
/// among the questions that let a trace stand for other cells
/// (factored_engine.cpp, CellClasses); coming in, the target's address
/// (the packet's destination) is part of its key. ThroughResources still
/// go class by class: the path's security groups are checked apart, so no
/// hop names them.
void ScopeCheck::readFactorability() {
  for (const auto* paths : {&scope_.match_paths, &scope_.exclude_paths}) {
    for (const auto& path : *paths) {
      egress_plain_ = egress_plain_ && path.through.empty();
      ingress_plain_ = ingress_plain_ && path.through.empty();
      if (path.destination.resource) destination_statements_.push_back(&*path.destination.resource);
      if (path.source.resource) source_statements_.push_back(&*path.source.resource);
      for (const auto* side : {&path.source, &path.destination}) {
        if (side->packet_header) header_statements_.push_back(&*side->packet_header);
      }
      static const std::set<std::string_view> kHolderTypes{
          "AWS::EC2::NetworkInterface", "AWS::EC2::Instance",      "AWS::EC2::Subnet",
          "AWS::EC2::VPC",              "AWS::EC2::SecurityGroup", "AWS::EC2::VPCEndpoint"};
      if (const auto& source = path.source.resource) {
        for (const auto& id : source->resources) {
          egress_plain_ = egress_plain_ && resourceTypeOf(bareId(id)) != "AWS::EC2::InternetGateway";
        }
        for (const auto& type : source->resource_types) {
          egress_plain_ = egress_plain_ && type != "AWS::EC2::InternetGateway";
        }
      }
      if (const auto& destination = path.destination.resource) {
        for (const auto& id : destination->resources) {
          egress_plain_ = egress_plain_ && resourceTypeOf(bareId(id)) == "AWS::EC2::InternetGateway";
        }
        for (const auto& type : destination->resource_types) {
          egress_plain_ = egress_plain_ && kHolderTypes.count(type) == 0;
        }
      }
    }
  }
}

/// Decides one traced flow against the scope.
Decision ScopeCheck::judge(const FlowFacts& facts, const Packet& packet, const TraceResult& result,
                           const std::string& source_group) const {
  Decision decision;
  decision.group = source_group;
  for (const auto& path : scope_.match_paths) {
    if (!pathMatches(path, facts, packet, lists_)) continue;
    bool excluded = std::any_of(scope_.exclude_paths.begin(), scope_.exclude_paths.end(),
                                [&](const NaaPath& exclude) { return pathMatches(exclude, facts, packet, lists_); });
    if (excluded) return decision;
    decision.kind = Decision::Kind::kFinding;
    decision.rule = path.pointer;
    decision.detail = pathEnd(result);
    decision.round_trip = result.verdict == Verdict::kReachable || result.verdict == Verdict::kPartial;
    return decision;
  }
  if (result.verdict != Verdict::kUndetermined) return decision;
  bool could = std::any_of(scope_.match_paths.begin(), scope_.match_paths.end(),
                           [&](const NaaPath& path) { return sourceMatches(path, facts, packet, lists_); });
  if (!could) return decision;
  decision.kind = Decision::Kind::kUndetermined;
  decision.detail = result.explanations.empty() ? "" : result.explanations.front().code;
  return decision;
}

/// The source classes of every subnet of the input.
Result<std::vector<SourceClass>> ScopeCheck::planSources() const {
  Sources classes(ix_, address_atoms_,
                  atomsOf(addressBoundaries(ix_, extra_cidrs_, Coarser{true, false}), kAddressSpaceEnd));
  SourcePlanner planner(network_);
  SourceOptions plan_options{SubnetSources::kEveryInterface, {}, options_.hypothetical_enis};
  for (const auto& subnet : topo_.subnets) {
    auto planned = planner.planSubnet(subnet, plan_options);
    if (!planned) return Error{planned.error()};
    if (auto error = classes.add(subnet.meta.id, *planned)) return *error;
  }
  return classes.take();
}

/// Traces from every interface (and new one) to every destination class.
std::optional<Error> ScopeCheck::checkEgress() {
  auto planned = planSources();
  if (!planned) return Error{planned.error()};
  const std::vector<SourceClass> sources = std::move(planned).value();
  report_.source_classes += sources.size();
  std::vector<Atom> destinations;
  std::vector<std::string> holders;  // the interface holding a destination, by destination
  for (const Atom& atom : address_atoms_) {
    Ipv4 address = atomAddress(atom);
    if (!private_destinations_ && !address.isPublic()) continue;
    std::string holder;
    if (auto it = ix_.by_private_ip.find(address.value()); it != ix_.by_private_ip.end() && atom.end - atom.first == 1) {
      holder = it->second.front()->meta.id;
    }
    destinations.push_back(atom);
    holders.push_back(holder);
  }
  report_.header_classes = uint64_t{destinations.size()} * headers_.size() * source_ports_.size();
  Enumeration e = egressEnumeration(network_, sources, std::move(destinations), headers_, source_ports_,
                                    [&holders](size_t atom, Ipv4 address) {
                                      Target target;
                                      target.address = address;
                                      target.any_internet = address.isPublic();
                                      target.label = holders[atom].empty() ? address.str() : holders[atom];
                                      return target;
                                    });
  // Origins are built when first needed (the factored engine decides for few members), once.
  std::vector<Side> origins(sources.size());
  std::vector<std::once_flag> origin_built(sources.size());
  auto origin = [&](size_t member) -> const Side& {
    std::call_once(origin_built[member], [&] { origins[member] = originOf(sources[member]); });
    return origins[member];
  };
  if (!source_statements_.empty()) {
    // A Source naming resources matches an interface's origin or an
    // entry gateway of its path; the path is the key's, so interfaces
    // whose origins those statements match alike decide alike.
    // Statements that name only resource types match every origin alike
    // (originOf gives each one type, AWS::EC2::NetworkInterface): their bits
    // are the same for every member, and no origin need be built for them.
    const bool types_only =
        std::all_of(source_statements_.begin(), source_statements_.end(),
                    [](const NaaResourceStatement* statement) { return statement->resources.empty(); });
    std::string same_bits = "|";
    if (types_only) {
      Side any;
      any.addType("AWS::EC2::NetworkInterface");
      for (const NaaResourceStatement* statement : source_statements_) {
        same_bits += resourceMatches(*statement, any) ? '1' : '0';
      }
    }
    e.key = [base = e.key, this, &origin, types_only, same_bits](size_t member) {
      auto key = base(member);
      if (types_only) {
        key.first += same_bits;
        return key;
      }
      key.first += '|';
      for (const NaaResourceStatement* statement : source_statements_) {
        key.first += resourceMatches(*statement, origin(member)) ? '1' : '0';
      }
      return key;
    };
  }
  e.decide = [&](size_t member, const Packet& packet, const TraceResult& result) {
    FlowFacts facts;
    facts.source = origin(member);
    // Held single addresses are atoms of their own, so the class's holder is the address's.
    auto holder = ix_.by_private_ip.find(packet.destination.v4().value());
    readPath(ix_, result, holder == ix_.by_private_ip.end() ? std::string() : holder->second.front()->meta.id, facts);
    return judge(facts, packet, result, displayName(sources[member].subnet->meta));
  };
  const bool factored = options_.factored && egress_plain_ && !private_destinations_;
  if (auto error = withinClassLimit(sources.size(), report_.header_classes, factored)) return error;
  if (private_destinations_ && options_.skip_other_estates) decideOtherEstatesAlike(ix_, extra_cidrs_, sources, e);
  e.scope_ports = extra_ports_;
  e.watch = &watch_;
  tally_.append(runEnumeration(ix_, e, extra_cidrs_, factored, options_.threads));
  return std::nullopt;
}

/// The IPv6 half of checkEgress, class by class: every IPv6 source class of
/// every subnet to every IPv6 destination class (internet classes only
/// unless a path may end at a private address).
std::optional<Error> ScopeCheck::checkEgressIpv6() {
  const std::vector<Ipv6> starts = ipv6ClassStarts(topo_, address_atoms_, private_destinations_);
  SourcePlanner planner(network_);
  SourceOptions plan_options{SubnetSources::kEveryInterface, {}, options_.hypothetical_enis};
  std::vector<PlannedSource> planned;
  for (const auto& subnet : topo_.subnets) {
    if (associatedIpv6(subnet.ipv6_blocks).empty()) continue;  // no IPv6 address can be in it
    auto more = planner.planSubnet(subnet, plan_options);
    if (!more) return Error{more.error()};
    planned.insert(planned.end(), more->begin(), more->end());
  }
  const std::vector<SourceClass> sources = ipv6Sources(ix_, planned, starts);
  if (sources.empty()) return std::nullopt;
  std::vector<Ipv6> destinations;
  for (size_t i = 0; i < starts.size(); ++i) {
    if (!private_destinations_ && !ipv6Internet(starts[i])) continue;
    destinations.push_back(starts[i]);
  }
  report_.source_classes += sources.size();
  const uint64_t pairs = uint64_t{destinations.size()} * headers_.size() * source_ports_.size();
  if (auto error = withinClassLimit(sources.size(), pairs, false)) return error;
  for (auto& assumption : ipv6StandInAssumptions(topo_)) tally_.assumptions.insert(std::move(assumption));
  watch_.plan(sources.size() * pairs);
  tally_.append(tallyInParallel<Tally>(options_.threads, sources.size(), [&](size_t member, Tally& part) {
    const Endpoint source = endpointOf(sources[member]);
    const Side origin = originOf(sources[member]);
    const std::string group = displayName(sources[member].subnet->meta);
    for (const Ipv6& destination : destinations) {
      const Eni* holder = ix_.eniByIpv6(destination);
      Target target;
      target.address = destination;
      target.any_internet = IpAddress(destination).isPublic() && holder == nullptr;
      target.label = holder != nullptr ? holder->meta.id : IpAddress(destination).str();
      for (const HeaderClass& header : headers_) {
        for (int source_port : source_ports_) {
          Packet packet = classPacket(source.address, destination, header, source_port);
          TraceResult result = trace(network_, source, target, packet, TraceOptions{false, nullptr, false});
          FlowFacts facts;
          facts.source = origin;
          readPath(ix_, result, holder != nullptr ? holder->meta.id : std::string(), facts);
          Decision decision = judge(facts, packet, result, group);
          record(part, decision, source.label, packet, std::move(result), false, holder != nullptr);
        }
      }
    }
  }, &watch_));
  return std::nullopt;
}

/// The IPv6 half of checkIngress: from every IPv6 internet class to every
/// interface at each of its IPv6 addresses, and to a new interface per
/// (subnet with an IPv6 block, security group of its VPC).
std::optional<Error> ScopeCheck::checkIngressIpv6() {
  struct Inbound6 {
    Target target;
    std::string eni_id;
  };
  std::vector<Inbound6> targets;
  for (const auto& eni : topo_.enis) {
    for (const auto& address : eni.ipv6_addresses) {
      Inbound6 inbound;
      inbound.target.address = address;
      inbound.target.label = displayName(eni.meta);
      inbound.eni_id = eni.meta.id;
      targets.push_back(std::move(inbound));
    }
  }
  if (options_.hypothetical_enis) {
    AddressPicker picker(network_);
    for (const auto& subnet : topo_.subnets) {
      std::optional<Ipv6> address = picker.next6(subnet);
      if (!address) continue;
      for (const auto& group : topo_.security_groups) {
        if (group.vpc_id != subnet.vpc_id) continue;
        Inbound6 inbound;
        inbound.target.address = *address;
        inbound.target.subnet_id = subnet.meta.id;
        inbound.target.security_group_ids = {group.meta.id};
        inbound.target.label = "new interface in " + subnet.meta.id + " with " + group.meta.id;
        targets.push_back(std::move(inbound));
      }
    }
  }
  if (targets.empty()) return std::nullopt;
  std::vector<Ipv6> clients;
  for (const auto& start : ipv6ClassStarts(topo_, address_atoms_)) {
    if (IpAddress(start).isPublic()) clients.push_back(start);
  }
  report_.source_classes += clients.size();
  const uint64_t pairs = uint64_t{clients.size()} * headers_.size() * source_ports_.size();
  if (auto error = withinClassLimit(targets.size(), pairs, false)) return error;
  watch_.plan(targets.size() * pairs);
  tally_.append(tallyInParallel<Tally>(options_.threads, targets.size(), [&](size_t member, Tally& part) {
    const Inbound6& inbound = targets[member];
    for (const Ipv6& client : clients) {
      Endpoint source;
      source.kind = Endpoint::Kind::kExternal;
      source.address = client;
      source.label = "internet host " + IpAddress(client).str();
      for (const HeaderClass& header : headers_) {
        for (int source_port : source_ports_) {
          Packet packet = classPacket(client, inbound.target.address, header, source_port);
          TraceResult result = trace(network_, source, inbound.target, packet, TraceOptions{false, nullptr, false});
          Decision decision = judgeInbound(result, packet, inbound.eni_id, inbound.target);
          record(part, decision, source.label, packet, std::move(result), true, false);
        }
      }
    }
  }, &watch_));
  return std::nullopt;
}

/// Decides a flow from the internet to interface `eni_id` (empty: the new
/// interface `target` stands for, named by its subnet, VPC and groups).
Decision ScopeCheck::judgeInbound(const TraceResult& result, const Packet& packet, const std::string& eni_id,
                                  const Target& target) const {
  FlowFacts facts;
  readPath(ix_, result, eni_id, facts);
  if (eni_id.empty() && facts.reached) addNewInterface(topo_, target, facts.destination);
  std::string entry = facts.source.ids.empty() ? "internet" : "internet via " + std::string(facts.source.smallestId());
  return judge(facts, packet, result, entry);
}

/// "too large" when a check class by class would trace more than
/// kScopeClassPairsByClass pairs (topology/limits.h); with a deadline the
/// time limit bounds the work instead.
std::optional<Error> ScopeCheck::withinClassLimit(uint64_t sources, uint64_t headers, bool factored) const {
  if (factored || options_.deadline || sources * headers <= limits::kScopeClassPairsByClass) return std::nullopt;
  return Error{fmt::format("too large: scope {} would trace {} (source, header) class pairs one by one ({} source "
                           "classes x {} header classes); the limit is {} (docs/cli.md, \"Limits\")",
                           scope_.name, sources * headers, sources, headers, limits::kScopeClassPairsByClass)};
}

/// Traces from every public address class to every interface the internet
/// can reach.
std::optional<Error> ScopeCheck::checkIngress() {
  const std::vector<Inbound> targets = inboundTargets(topo_, options_.hypothetical_enis);
  std::vector<Atom> clients;
  for (const Atom& atom : address_atoms_) {
    if (atomAddress(atom).isPublic()) clients.push_back(atom);
  }
  report_.source_classes += clients.size();
  if (report_.header_classes == 0) report_.header_classes = uint64_t{headers_.size()} * source_ports_.size();
  const bool factored = options_.factored && ingress_plain_;
  if (auto error = withinClassLimit(targets.size(), uint64_t{clients.size()} * headers_.size() * source_ports_.size(),
                                    factored)) {
    return error;
  }
  Enumeration e = inboundEnumeration(network_, targets, std::move(clients), headers_, source_ports_);
  e.scope_ports = extra_ports_;
  if (!destination_statements_.empty() || !header_statements_.empty()) {
    // A Destination matches the target's own resources or a gateway on the
    // path, a packet header the target's address; the path is the key's,
    // so targets whose own resources and address those statements match
    // alike decide alike (readFactorability).
    e.key = [base = e.key, this, &targets](size_t member) {
      auto key = base(member);
      Side own;
      if (targets[member].eni_id.empty()) {
        addNewInterface(topo_, targets[member].target, own);
      } else {
        addInterface(ix_, targets[member].eni_id, own);
      }
      key.first += '|';
      for (const NaaResourceStatement* statement : destination_statements_) {
        key.first += resourceMatches(*statement, own) ? '1' : '0';
      }
      // The packet's destination (inboundEnumeration).
      const IpAddress address = targets[member].eni_id.empty() ? IpAddress(Ipv4(kNewInterfacePublicAddress))
                                                               : targets[member].target.address;
      for (const NaaPacketHeader* header : header_statements_) {
        key.first += addressMatches(address, header->destination_addresses, header->destination_prefix_lists, lists_)
                         ? '1'
                         : '0';
      }
      return key;
    };
  }
  e.decide = [&](size_t member, const Packet& packet, const TraceResult& result) {
    return judgeInbound(result, packet, targets[member].eni_id, targets[member].target);
  };
  e.watch = &watch_;
  tally_.append(runEnumeration(ix_, e, extra_cidrs_, factored, options_.threads));
  return std::nullopt;
}

/// Counts traffic entering through `id` as undetermined when `path`'s Source may match it.
void ScopeCheck::noteEntryFromOutside(const NaaPath& path, const std::string& id, const std::string& what) {
  Side side;
  side.add(id);
  if (path.source.resource && !resourceMatches(*path.source.resource, side)) return;
  ++tally_.undetermined_classes;
  TraceResult result;
  result.verdict = Verdict::kUndetermined;
  result.source = id;
  result.explanations.push_back({"LEAVES_SNAPSHOT", id, what});
  tally_.undetermined.try_emplace({id, "LEAVES_SNAPSHOT"}, std::move(result));
}

/// Traffic entering from networks outside the input cannot be enumerated.
void ScopeCheck::noteEntriesFromOutside() {
  for (const auto& path : scope_.match_paths) {
    for (const auto& vgw : topo_.vpn_gateways) {
      noteEntryFromOutside(path, vgw.meta.id,
                           "traffic entering through this virtual private gateway (VPN, Direct Connect) comes from "
                           "networks not in the input and is not enumerated");
    }
    for (const auto& attachment : topo_.tgw_attachments) {
      if (attachment.resource_type != "vpc" && attachment.resource_type != "peering") {
        noteEntryFromOutside(path, attachment.meta.id,
                             fmt::format("traffic entering through this {} attachment comes from networks not in "
                                         "the input and is not enumerated",
                                         attachment.resource_type));
      }
    }
    for (const auto& pcx : topo_.peering_connections) {
      bool both = topo_.findVpc(pcx.requester.vpc_id) != nullptr && topo_.findVpc(pcx.accepter.vpc_id) != nullptr;
      if (!both) {
        noteEntryFromOutside(path, pcx.meta.id,
                             "the peer VPC of this peering connection is not in the input; traffic from it is not "
                             "enumerated");
      }
    }
  }
}

/// Counts each resource or type the input cannot describe as one undetermined class.
void ScopeCheck::noteUnmodelled() {
  for (const auto& reason : unmodelled_) {
    ++tally_.undetermined_classes;
    TraceResult result;
    result.verdict = Verdict::kUndetermined;
    result.source = scope_.name;
    result.explanations.push_back({"NOT_MODELLED", scope_.origin, reason});
    tally_.undetermined.try_emplace({reason, "NOT_MODELLED"}, std::move(result));
  }
}

}  // namespace

// The steps are ScopeCheck's; a scope without MatchPaths is an error.
Result<VerifyReport> verifyScope(const Network& network, const NaaScope& scope, const VerifyOptions& options) {
  if (scope.match_paths.empty()) return Error{fmt::format("scope {} has no MatchPaths", scope.name)};
  return ScopeCheck(network, scope, options).run();
}

// ---- HeaderSpace ---------------------------------------------------------

struct HeaderSpace::Impl {
  std::vector<Atom> address_atoms;
  ProtocolSpace protocols;
  size_t header_classes = 0;

  Impl(const Network& network, const std::vector<Cidr>& extra_cidrs, const std::vector<PortRange>& extra_ports)
      : address_atoms(atomsOf(addressBoundaries(network.index(), extra_cidrs), kAddressSpaceEnd)),
        protocols(network.index().topo, extra_ports),
        header_classes(protocols.classes().size()) {}
};

HeaderSpace::HeaderSpace(const Network& network, const std::vector<Cidr>& extra_cidrs,
                         const std::vector<PortRange>& extra_ports)
    : impl_(std::make_unique<Impl>(network, extra_cidrs, extra_ports)) {}

HeaderSpace::~HeaderSpace() = default;

Packet HeaderSpace::representative(const Packet& packet) const {
  Packet out = packet;
  out.destination = atomAddress(ProtocolSpace::atomOf(impl_->address_atoms, packet.destination.v4().value()));
  impl_->protocols.represent(out);
  return out;
}

size_t HeaderSpace::addressAtoms() const { return impl_->address_atoms.size(); }
size_t HeaderSpace::headerClasses() const { return impl_->header_classes; }

}  // namespace vpcsim::sim

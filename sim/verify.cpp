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
#include "sim/verify.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/network_index.h"
#include "sim/query.h"
#include "sim/rules.h"

namespace vpcsim::sim {

using namespace topology;

namespace {

constexpr uint64_t kAddressSpaceEnd = uint64_t{1} << 32;

bool startsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

/// Half-open atoms [first, end) cut from [0, space) at `points`.
struct Atom {
  uint64_t first = 0;
  uint64_t end = 0;
};

/// `points`: in ascending order, repeats allowed.
template <typename Points>
std::vector<Atom> atomsOf(const Points& points, uint64_t space) {
  std::vector<Atom> atoms;
  uint64_t previous = 0;
  auto cut = [&](uint64_t point) {
    if (point <= previous || point > space) return;
    atoms.push_back({previous, point});
    previous = point;
  };
  for (uint64_t point : points) cut(point);
  cut(space);
  return atoms;
}

/// A set of addresses, filled, then sealed and only asked.
class AddressSet {
 public:
  void add(Ipv4 address) { values_.push_back(address.value()); }
  void seal() {
    std::sort(values_.begin(), values_.end());
    values_.erase(std::unique(values_.begin(), values_.end()), values_.end());
    sealed_ = true;
  }
  [[nodiscard]] bool sealed() const { return sealed_; }
  [[nodiscard]] bool contains(uint64_t address) const {
    return std::binary_search(values_.begin(), values_.end(), static_cast<uint32_t>(address)) &&
           address < kAddressSpaceEnd;
  }
  /// False when an address is in the set twice (asked before sealing).
  [[nodiscard]] bool distinct() const {
    std::vector<uint32_t> sorted = values_;
    std::sort(sorted.begin(), sorted.end());
    return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
  }

 private:
  std::vector<uint32_t> values_;
  bool sealed_ = false;
};

/// The atom's preferred value when it holds it, else its first value.
int representative(const Atom& atom, int preferred) {
  auto value = static_cast<uint64_t>(preferred);
  return static_cast<int>(value >= atom.first && value < atom.end ? value : atom.first);
}

/// Which boundaries addressBoundaries() leaves out.
struct Coarser {
  bool held = false;             ///< the edges of held single addresses (Index::forEachHeldAddress)
  bool subnets_and_groups = false;  ///< subnet blocks and security-group rule CIDRs
};

/// Every address boundary any rule, route or address of the topology uses,
/// but those `coarser` leaves out.
std::vector<uint64_t> addressBoundaries(const Network::Index& ix, const std::vector<Cidr>& extra, Coarser coarser = {}) {
  const Network::Index::AddressPoints& known = ix.addressPoints();
  std::vector<uint64_t> points;
  for (const auto& block : extra) {
    points.push_back(block.first().value());
    points.push_back(uint64_t{block.last().value()} + 1);
  }
  std::sort(points.begin(), points.end());
  auto merge = [&](const std::vector<uint64_t>& more) {
    std::vector<uint64_t> merged(points.size() + more.size());
    std::merge(points.begin(), points.end(), more.begin(), more.end(), merged.begin());
    points = std::move(merged);
  };
  merge(known.base);
  if (!coarser.held) merge(known.held);
  if (!coarser.subnets_and_groups) merge(known.subnets_and_groups);
  return points;
}

/// One class of packet headers (the destination address is chosen apart).
struct HeaderClass {
  int protocol = kProtocolTcp;
  int destination_port = 443;
  int icmp_type = 8;
  int icmp_code = 0;
};

/// Protocol, port and ICMP atoms from every SG rule and NACL entry (and
/// the extra ports of a scope, for TCP and UDP).
struct ProtocolSpace {
  std::map<int, std::vector<Atom>> port_atoms;  ///< tcp, udp
  std::vector<Atom> type_atoms;
  std::vector<Atom> code_atoms;
  std::set<int> named;  ///< other protocol numbers some rule names
  int unnamed = -1;     ///< one protocol number no rule names, standing for all of them

  /// Without `security_groups`, only network ACL entries (and the fixed
  /// points) cut the space: the classes a path beyond an interface's own
  /// groups can tell apart.
  ProtocolSpace(const Topology& topo, const std::vector<PortRange>& extra_ports, bool security_groups = true) {
    std::map<int, std::set<uint64_t>> port_points;  // by protocol (tcp, udp)
    std::set<uint64_t> type_points{8, 9};           // echo request is answered by type 0
    std::set<uint64_t> code_points;
    std::set<int> protocols;
    auto ports = [&](int protocol, int from, int to) {
      if (protocol != kProtocolTcp && protocol != kProtocolUdp) return;
      if (from < 0 && to < 0) return;
      port_points[protocol].insert(static_cast<uint64_t>(std::clamp(from, 0, 65536)));
      port_points[protocol].insert(static_cast<uint64_t>(std::clamp(to, -1, 65535) + 1));
    };
    auto icmp = [&](int type, int code) {
      if (type >= 0) {
        type_points.insert(static_cast<uint64_t>(std::min(type, 256)));
        type_points.insert(static_cast<uint64_t>(std::min(type, 255) + 1));
      }
      if (code >= 0) {
        code_points.insert(static_cast<uint64_t>(std::min(code, 256)));
        code_points.insert(static_cast<uint64_t>(std::min(code, 255) + 1));
      }
    };
    for (const auto& group : topo.security_groups) {
      if (!security_groups) break;
      for (const auto* rules : {&group.ingress, &group.egress}) {
        for (const auto& rule : *rules) {
          protocols.insert(rule.protocol);
          ports(rule.protocol, rule.from_port, rule.to_port);
          if (rule.protocol == kProtocolIcmp) icmp(rule.from_port, rule.to_port);
        }
      }
    }
    for (const auto& acl : topo.network_acls) {
      for (const auto& entry : acl.entries) {
        protocols.insert(entry.protocol);
        ports(entry.protocol, entry.ports.from, entry.ports.to);
        if (entry.protocol == kProtocolIcmp) icmp(entry.icmp_type, entry.icmp_code);
      }
    }
    for (const auto& range : extra_ports) {
      ports(kProtocolTcp, range.from, range.to);
      ports(kProtocolUdp, range.from, range.to);
    }
    for (int protocol : {kProtocolTcp, kProtocolUdp}) {
      std::set<uint64_t> points = port_points[protocol];
      points.insert(1024);  // the NAT gateway's source-port floor
      port_atoms[protocol] = atomsOf(points, 65536);
    }
    type_atoms = atomsOf(type_points, 256);
    code_atoms = atomsOf(code_points, 256);
    // Protocol numbers named by a rule are classes of their own; every other
    // number behaves alike, so one unnamed number (ESP, 50, when free) stands
    // for them.
    for (int protocol : protocols) {
      if (protocol >= 0 && protocol != kProtocolTcp && protocol != kProtocolUdp && protocol != kProtocolIcmp) {
        named.insert(protocol);
      }
    }
    for (int candidate = 50; candidate < 50 + 256 && unnamed < 0; ++candidate) {
      int number = candidate % 256;
      if (number != kProtocolTcp && number != kProtocolUdp && number != kProtocolIcmp && named.count(number) == 0) {
        unnamed = number;
      }
    }
  }

  std::vector<HeaderClass> classes() const {
    std::vector<HeaderClass> out;
    for (int protocol : {kProtocolTcp, kProtocolUdp}) {
      for (const Atom& atom : port_atoms.at(protocol)) out.push_back({protocol, representative(atom, 443), 0, 0});
    }
    for (const Atom& type : type_atoms) {
      for (const Atom& code : code_atoms) {
        out.push_back({kProtocolIcmp, 0, representative(type, 8), representative(code, 0)});
      }
    }
    for (int protocol : named) out.push_back({protocol, 0, 0, 0});
    if (unnamed >= 0) out.push_back({unnamed, 0, 0, 0});
    return out;
  }

  static const Atom& atomOf(const std::vector<Atom>& atoms, uint64_t value) {
    auto it = std::upper_bound(atoms.begin(), atoms.end(), value,
                               [](uint64_t v, const Atom& atom) { return v < atom.end; });
    return it == atoms.end() ? atoms.back() : *it;
  }

  /// The class representative of `packet`'s protocol fields.
  void represent(Packet& packet) const {
    if (packet.protocol == kProtocolTcp || packet.protocol == kProtocolUdp) {
      const auto& atoms = port_atoms.at(packet.protocol);
      packet.destination_port =
          representative(atomOf(atoms, static_cast<uint64_t>(std::clamp(packet.destination_port, 0, 65535))), 443);
    } else if (packet.protocol == kProtocolIcmp) {
      packet.icmp_type = representative(atomOf(type_atoms, static_cast<uint64_t>(std::clamp(packet.icmp_type, 0, 255))), 8);
      packet.icmp_code = representative(atomOf(code_atoms, static_cast<uint64_t>(std::clamp(packet.icmp_code, 0, 255))), 0);
    } else if (named.count(packet.protocol) == 0 && unnamed >= 0) {
      packet.protocol = unnamed;
    }
    // Exactly the fields classes() gives the other protocols.
    if (packet.protocol != kProtocolTcp && packet.protocol != kProtocolUdp) packet.destination_port = 0;
    if (packet.protocol != kProtocolIcmp) {
      packet.icmp_type = 0;
      packet.icmp_code = 0;
    }
  }
};

/// The packet of a class.
Packet classPacket(Ipv4 source, Ipv4 destination, const HeaderClass& header, int source_port) {
  Packet packet;
  packet.source = source;
  packet.destination = destination;
  packet.protocol = header.protocol;
  packet.source_port = source_port;
  packet.destination_port = header.destination_port;
  packet.icmp_type = header.icmp_type;
  packet.icmp_code = header.icmp_code;
  return packet;
}

/// The representative address of an atom: 8.8.8.8 when it holds it, else its first address.
Ipv4 atomAddress(const Atom& atom) {
  return atom.first <= 0x08080808 && 0x08080808 < atom.end ? Ipv4(0x08080808) : Ipv4(static_cast<uint32_t>(atom.first));
}

/// One source class: an interface (real or hypothetical) at one address.
struct SourceClass {
  /// For an existing interface only kind, eni and address are set (the
  /// rest, as strings, only when needed: endpointOf, labelOf).
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
  Sources(const Network::Index& ix, const VerifyOptions& options, const std::vector<Atom>& address_atoms,
          std::vector<Atom> placement_atoms)
      : ix_(ix), options_(options), atoms_(address_atoms), placement_(std::move(placement_atoms)) {
    size_t addresses = 0;
    for (const auto& eni : ix.topo.enis) {
      enis_by_subnet_[eni.subnet_id].push_back(&eni);
      addresses += eni.private_ips.size();
    }
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

  Error unknown(const std::string& what, const std::string& ref) const {
    std::vector<std::string> ids;
    for (const auto& subnet : topo().subnets) {
      ids.push_back(subnet.meta.id);
      if (!subnet.meta.logical_id.empty()) ids.push_back(subnet.meta.logical_id);
      if (!subnet.meta.name.empty()) ids.push_back(subnet.meta.name);
    }
    for (const auto& eni : topo().enis) ids.push_back(eni.meta.id);
    std::string hint = closestMatch(ref, ids);
    return Error{fmt::format("{} '{}' is not in the input{}", what, ref,
                             hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint))};
  }

  template <typename T>
  const T* byRef(const std::vector<T>& items, const std::string& ref) const {
    if (const T* found = findById(items, ref)) return found;
    std::string name = startsWith(ref, "name:") ? ref.substr(5) : ref;
    const T* tagged = nullptr;
    for (const auto& item : items) {
      if (item.meta.logical_id == ref) return &item;
      if (item.meta.name == name) {
        if (tagged != nullptr) return nullptr;  // ambiguous Name tag
        tagged = &item;
      }
    }
    return tagged;
  }

  /// Adds the sources `ref` stands for; an error for unknown references.
  std::optional<Error> add(const std::string& ref) {
    if (startsWith(ref, "notebook:")) return addNotebook(ref.substr(9));
    if (startsWith(ref, "job:")) return addJob(ref.substr(4));
    bool subnet_form = startsWith(ref, "subnet:");
    std::string name = subnet_form ? ref.substr(7) : ref;
    if (!subnet_form) {
      if (const Eni* eni = byRef(topo().enis, ref)) {
        addEni(*eni);
        return std::nullopt;
      }
    }
    const Subnet* subnet = byRef(topo().subnets, name);
    if (subnet == nullptr) return unknown(subnet_form ? "subnet" : "source", name);
    if (auto it = enis_by_subnet_.find(subnet->meta.id); it != enis_by_subnet_.end()) {
      for (const Eni* eni : it->second) addEni(*eni, subnet);  // in topology order
    }
    if (options_.hypothetical_enis) {
      for (const auto& group : topo().security_groups) {
        if (group.vpc_id == subnet->vpc_id) {
          addHypothetical(*subnet, {group.meta.id}, "new interface in " + subnet->meta.id + " with " + group.meta.id);
        }
      }
    }
    return std::nullopt;
  }

  std::optional<Error> addNotebook(const std::string& spec) {
    std::string domain_ref = spec.substr(0, spec.find('/'));
    std::string profile = spec.find('/') == std::string::npos ? "" : spec.substr(spec.find('/') + 1);
    const StudioDomain* domain = topo().findStudioDomain(domain_ref);
    if (domain == nullptr) return Error{fmt::format("studio domain '{}' is not in the input", domain_ref)};
    std::vector<std::string> groups = domain->security_group_ids;
    if (!profile.empty()) {
      const UserProfile* found = nullptr;
      for (const auto& p : topo().user_profiles) {
        if ((p.domain == domain->meta.id || p.domain == domain->meta.name) && p.name == profile) found = &p;
      }
      if (found == nullptr) return Error{fmt::format("user profile '{}' is not in domain {}", profile, domain->meta.name)};
      for (const auto& id : found->security_group_ids) {
        if (std::find(groups.begin(), groups.end(), id) == groups.end()) groups.push_back(id);
      }
    }
    std::string label = "notebook:" + spec;
    if (domain->network_mode == StudioNetworkMode::kPublicInternetOnly) {
      addPlatform(label, "the domain is in PublicInternetOnly mode: notebook traffic goes through a SageMaker-managed "
                         "VPC with internet access");
      return std::nullopt;
    }
    for (const auto& subnet_id : domain->subnet_ids) {
      const Subnet* subnet = topo().findSubnet(subnet_id);
      if (subnet == nullptr) return Error{fmt::format("subnet {} of domain {} is not in the input", subnet_id, domain->meta.name)};
      addHypothetical(*subnet, groups, label + " in " + subnet->meta.id);
    }
    return std::nullopt;
  }

  std::optional<Error> addJob(const std::string& name) {
    const SageMakerJob* job = topo().findJob(name);
    if (job == nullptr) return Error{fmt::format("job '{}' is not in the input", name)};
    std::string label = "job:" + name;
    // SageMaker Developer Guide, "Run training and inference containers in
    // internet-free mode": with network isolation the container has no network.
    if (job->network_isolation) return std::nullopt;
    if (!job->has_vpc_config) {
      addPlatform(label, "the job has no VPC config: it runs in the SageMaker platform network, which has internet "
                         "access");
      return std::nullopt;
    }
    std::vector<std::string> groups;
    for (const auto& ref : job->security_group_ids) {
      const SecurityGroup* group = byRef(topo().security_groups, ref);
      if (group == nullptr) {
        for (const auto& candidate : topo().security_groups) {
          if (candidate.group_name == ref) group = &candidate;
        }
      }
      if (group == nullptr) return Error{fmt::format("security group '{}' of job {} is not in the input", ref, name)};
      groups.push_back(group->meta.id);
    }
    for (const auto& subnet_id : job->subnet_ids) {
      const Subnet* subnet = topo().findSubnet(subnet_id);
      if (subnet == nullptr) return Error{fmt::format("subnet {} of job {} is not in the input", subnet_id, name)};
      addHypothetical(*subnet, groups, label + " in " + subnet->meta.id);
    }
    return std::nullopt;
  }

  void addPlatform(const std::string& label, const std::string& reason) {
    SourceClass source;
    source.endpoint.label = label;
    source.platform_reason = reason;
    out_.push_back(std::move(source));
  }

  /// An existing interface, once per private address; interfaces that only
  /// AWS services own (NAT gateways, interface endpoints) start no traffic.
  /// `subnet`: the interface's, when the caller has it.
  void addEni(const Eni& eni, const Subnet* subnet = nullptr) {
    if (eni.interface_type == "nat_gateway" || eni.interface_type == "vpc_endpoint" || service_owned_.count(&eni) != 0) {
      return;
    }
    if (subnet == nullptr) subnet = topo().findSubnet(eni.subnet_id);
    if (subnet == nullptr) return;
    for (const auto& ip : eni.private_ips) {
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
      source.endpoint.kind = Endpoint::Kind::kHypotheticalEni;
      source.endpoint.subnet_id = subnet.meta.id;
      source.endpoint.security_group_ids = groups;
      source.endpoint.address = Ipv4(static_cast<uint32_t>(address));
      source.endpoint.label = label;
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
  const VerifyOptions& options_;
  const std::vector<Atom>& atoms_;
  std::vector<Atom> placement_;
  AddressSet held_;
  std::unordered_map<std::string_view, std::vector<const Eni*>> enis_by_subnet_;
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

/// Drops the per-packet address from the tracer's prefix-list assumption,
/// so one line stands for every class.
std::string generalise(const std::string& assumption) {
  const std::string_view marker = "its route is assumed not to match ";
  size_t at = assumption.find(marker);
  if (at == std::string::npos) return assumption;
  return assumption.substr(0, at) + "its route is assumed to match no internet address";
}

/// Where the trace left for the internet: "nat -> igw" or "igw"; empty when
/// the forward packet never passed an internet gateway outward.
std::string exitPoint(const TraceResult& result) {
  std::string nat;
  for (const auto& hop : result.path) {
    if (hop.direction != "forward") break;
    if (hop.type == "nat-gateway" && startsWith(hop.rule, "translate source")) nat = hop.component;
    if (hop.type == "internet-gateway" && startsWith(hop.rule, "translate source")) {
      return nat.empty() ? hop.component : nat + " -> " + hop.component;
    }
  }
  return "";
}

// ---- Network Access Analyzer scopes ---------------------------------------


/// The ID at the front of a hop's component ("nat-1 (name)" -> "nat-1"), a view into it.
std::string_view idOf(std::string_view component) { return component.substr(0, component.find(' ')); }

/// An ID from an ID or an ARN ("arn:aws:ec2:us-east-1:111:subnet/subnet-1" -> "subnet-1").
std::string bareId(const std::string& reference) {
  size_t slash = reference.rfind('/');
  return startsWith(reference, "arn:") && slash != std::string::npos ? reference.substr(slash + 1) : reference;
}

/// The CloudFormation-style type NAA uses for an ID, from its prefix ("" when unknown).
std::string_view resourceTypeOf(std::string_view id) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 15> kPrefixes = {{
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

bool addressMatches(Ipv4 address, const std::vector<Cidr>& cidrs, const std::vector<std::string>& lists,
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

/// Reads a trace: forward hops make the through side; entry gateways join
/// the source side, exit gateways and the delivered interface the destination.
void readPath(const Network::Index& ix, const TraceResult& result, const std::string& target_eni, FlowFacts& facts) {
  const Topology& topo = ix.topo;
  bool elsewhere = std::any_of(result.explanations.begin(), result.explanations.end(), [](const Explanation& e) {
    return e.code == "NO_PATH" && e.message.find("delivered somewhere else") != std::string::npos;
  });
  for (const auto& hop : result.path) {
    if (hop.direction != "forward") break;
    std::string_view id = idOf(hop.component);
    facts.through.add(id);
    if (hop.type == "nat-gateway") {
      if (const NatGateway* nat = topo.findNatGateway(id)) facts.through.add(nat->subnet_id);
      facts.destination.add(id);
      facts.reached = true;
    } else if (hop.type == "internet-gateway") {
      bool outward = startsWith(hop.rule, "translate source");
      (outward ? facts.destination : facts.source).add(id);
      facts.reached = facts.reached || outward;
    } else if (hop.type == "vpc-peering-connection" || hop.type == "transit-gateway-attachment" ||
               hop.type == "vpc-endpoint") {
      facts.destination.add(id);
      if (hop.type != "vpc-endpoint") facts.source.add(id);
      if (hop.type == "transit-gateway-attachment") {
        if (const TgwAttachment* attachment = topo.findTgwAttachment(id)) {
          facts.destination.add(attachment->transit_gateway_id);
          facts.source.add(attachment->transit_gateway_id);
          facts.through.add(attachment->transit_gateway_id);
        }
      }
      facts.reached = true;
    } else if (hop.type == "network-interface" && startsWith(hop.rule, "delivered") && !elsewhere) {
      facts.reached = true;
      facts.destination.addType("AWS::EC2::NetworkInterface");
      if (const Eni* eni = ix.eniById(target_eni)) {
        facts.destination.add(eni->meta.id);
        facts.destination.add(eni->instance_id);
        facts.destination.add(eni->subnet_id);
        facts.destination.add(eni->vpc_id);
        for (const auto& group : eni->security_group_ids) facts.destination.add(group);
        if (auto it = ix.endpoint_by_eni.find(eni->meta.id); it != ix.endpoint_by_eni.end()) {
          facts.destination.add(it->second->meta.id);
        }
      }
    }
  }
}

/// The route or SG rule that opens a path, and where it is written.
std::pair<std::string, std::string> openingOf(const Topology& topo, const std::vector<Hop>& path, bool inbound) {
  if (inbound) {
    const Hop* last = nullptr;
    for (const auto& hop : path) {
      if (hop.direction == "forward" && hop.type == "security-group") last = &hop;
    }
    if (last == nullptr) return {};
    const SecurityGroup* group = topo.findSecurityGroup(idOf(last->component));
    if (group == nullptr) return {};
    for (const auto& rule : group->ingress) {
      if (describeSgRule(rule, false) == last->rule) {
        return {fmt::format("{} {}", group->meta.id, last->rule), rule.source};
      }
    }
    return {};
  }
  for (const auto& hop : path) {
    if (hop.direction != "forward") break;
    if (hop.type != "route-table" || !startsWith(hop.rule, "route ")) continue;
    size_t arrow = hop.rule.find(" -> ");
    if (arrow == std::string::npos) continue;
    std::string destination = hop.rule.substr(6, arrow - 6);
    std::string target(idOf(std::string_view(hop.rule).substr(arrow + 4)));
    if (!startsWith(target, "igw-") && !startsWith(target, "nat-")) continue;
    const RouteTable* table = topo.findRouteTable(idOf(hop.component));
    if (table == nullptr) continue;
    for (const auto& route : table->routes) {
      std::string text = route.destination ? route.destination->str() : route.destination_prefix_list;
      if (text == destination && route.target_id == target) {
        return {fmt::format("{} route {} -> {}", table->meta.id, destination, target), route.source};
      }
    }
  }
  return {};
}

using FindingKey = std::tuple<std::string, std::string, std::string>;  ///< rule, source group, exit
using UndeterminedKey = std::pair<std::string, std::string>;            ///< source group, explanation code

/// How good an example a class makes: prefer an address no interface holds
/// (a plain internet host), then a round trip, then one to (or from)
/// 8.8.8.8, then tcp/443; among equals the first class checked. `held`: the
/// class's internet end is an address something in the input holds.
int exampleScore(bool round_trip, const Packet& p, bool held) {
  return (held ? 0 : 8) + (round_trip ? 4 : 0) +
         (p.destination == Ipv4(0x08080808) || p.source == Ipv4(0x08080808) ? 2 : 0) +
         (p.protocol == kProtocolTcp && p.destination_port == 443 ? 1 : 0);
}

/// The classes of one finding group and its best example so far.
template <typename Example>
struct ScoredGroup {
  uint64_t classes = 0;
  int score = -1;
  Example example;
};

/// What the checks of a run of classes add to a report: counts, finding
/// groups with their best example, the first example of every undetermined
/// group, assumptions. `Example` is a traced finding, or (factored engine)
/// the class to trace once the winner is known.
template <typename Example, typename Pending>
struct BasicTally {
  uint64_t classes_checked = 0;
  uint64_t undetermined_classes = 0;
  uint64_t traces = 0;
  std::map<FindingKey, ScoredGroup<Example>> groups;
  std::map<UndeterminedKey, Pending> undetermined;
  std::set<std::string> assumptions;

  /// Counts `classes` classes of group `key` whose best example scores
  /// `score`; make() gives that example when it beats the group's.
  template <typename Make>
  void addFinding(const FindingKey& key, uint64_t classes, int score, Make&& make) {
    addFinding(groups[key], classes, score, std::forward<Make>(make));
  }
  /// As above, into `group`, one of groups.
  template <typename Make>
  void addFinding(ScoredGroup<Example>& group, uint64_t classes, int score, Make&& make) {
    if (group.classes == 0 || score > group.score) {
      group.example = make();
      group.score = score;
    }
    group.classes += classes;
  }

  /// Counts `classes` undetermined classes of group `key`; make() gives the
  /// example when the group has none yet.
  template <typename Make>
  void addUndetermined(const UndeterminedKey& key, uint64_t classes, Make&& make) {
    undetermined_classes += classes;
    if (undetermined.count(key) == 0) undetermined.emplace(key, make());
  }

  /// Adds the tally of the classes checked after this one's: the result is
  /// the tally of both runs checked in order by one thread (the first best
  /// example of a group and the first undetermined example are kept).
  void append(BasicTally&& later) {
    classes_checked += later.classes_checked;
    undetermined_classes += later.undetermined_classes;
    traces += later.traces;
    assumptions.merge(later.assumptions);
    for (auto& [key, group] : later.groups) {
      auto [it, inserted] = groups.try_emplace(key);
      if (inserted) {
        it->second = std::move(group);
        continue;
      }
      uint64_t classes = it->second.classes + group.classes;
      if (group.score > it->second.score) it->second = std::move(group);
      it->second.classes = classes;
    }
    for (auto& [key, result] : later.undetermined) undetermined.try_emplace(key, std::move(result));
  }
};

using Tally = BasicTally<InternetFinding, TraceResult>;

/// How one class is decided, before it is counted.
struct Decision {
  enum class Kind { kNone, kFinding, kUndetermined };
  Kind kind = Kind::kNone;
  std::string rule;    ///< finding: "internet-free" or the scope path
  std::string group;   ///< the source subnet, or the entry point of inbound traffic
  std::string detail;  ///< finding: the exit point; undetermined: the explanation code
  bool round_trip = false;

  auto tie() const { return std::tie(kind, rule, group, detail, round_trip); }
  bool operator<(const Decision& other) const { return tie() < other.tie(); }
};

/// Fills a finding's example from a traced class.
InternetFinding exampleFinding(const Topology& topo, const Decision& decision, const std::string& source_label,
                               const Packet& packet, TraceResult&& result, bool inbound) {
  InternetFinding finding;
  finding.rule = decision.rule;
  finding.source_subnet = decision.group;
  finding.exit_point = decision.detail;
  finding.source = source_label;
  finding.example = packet;
  finding.example_text = describePacket(packet);
  finding.round_trip = result.verdict == Verdict::kReachable;
  finding.path = std::move(result.path);
  std::tie(finding.opening, finding.location) = openingOf(topo, finding.path, inbound);
  return finding;
}

/// Counts one traced class into `tally` as `decision` says.
void record(const Topology& topo, Tally& tally, const Decision& decision, const std::string& source_label,
            const Packet& packet, TraceResult&& result, bool inbound, bool held) {
  ++tally.classes_checked;
  ++tally.traces;
  for (const auto& assumption : result.assumptions) tally.assumptions.insert(generalise(assumption));
  if (decision.kind == Decision::Kind::kFinding) {
    tally.addFinding({decision.rule, decision.group, decision.detail}, 1,
                     exampleScore(decision.round_trip, packet, held),
                     [&] { return exampleFinding(topo, decision, source_label, packet, std::move(result), inbound); });
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
    decision.round_trip = result.verdict == Verdict::kReachable;
  } else if (result.verdict == Verdict::kUndetermined) {
    decision.kind = Decision::Kind::kUndetermined;
    decision.detail = result.explanations.empty() ? "" : result.explanations.front().code;
  }
  return decision;
}

/// Runs check(i, tally) for every i in [0, count) on all cores and returns
/// the tally one thread checking i = 0, 1, ... in order would give: items
/// go out in chunks, each chunk tallies on its own, and the chunks are
/// appended in index order. The traces share only the immutable Network.
/// Threads to use for VerifyOptions::threads (0 = one per core).
unsigned threadCount(unsigned threads) {
  return threads == 0 ? std::max(1U, std::thread::hardware_concurrency()) : threads;
}

template <typename TallyType, typename Check>
TallyType tallyInParallel(unsigned threads, size_t count, Check&& check) {
  const unsigned wanted = threadCount(threads);
  if (wanted == 1) {
    // One thread: one tally in index order, no merging (what the merged tallies must equal).
    TallyType total;
    for (size_t i = 0; i < count; ++i) check(i, total);
    return total;
  }
  constexpr size_t kChunk = 1;  // sources (or targets) per chunk: each is thousands of traces
  const size_t chunks = (count + kChunk - 1) / kChunk;
  std::vector<TallyType> parts(chunks);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t chunk = next++; chunk < chunks; chunk = next++) {
      for (size_t i = chunk * kChunk; i < std::min(count, (chunk + 1) * kChunk); ++i) check(i, parts[chunk]);
    }
  };
  const size_t helpers = std::min<size_t>(wanted, chunks);
  std::vector<std::future<void>> running;
  for (size_t t = 1; t < helpers; ++t) running.push_back(std::async(std::launch::async, work));
  work();
  for (auto& done : running) done.get();
  TallyType total;
  for (auto& part : parts) total.append(std::move(part));
  return total;
}

/// Runs work(i) for every i in [0, count) on all cores (no result order to keep).
template <typename Work>
void forEachInParallel(unsigned threads, size_t count, Work&& work) {
  const unsigned wanted = threadCount(threads);
  std::atomic<size_t> next{0};
  auto run = [&] {
    for (size_t i = next++; i < count; i = next++) work(i);
  };
  std::vector<std::future<void>> running;
  for (size_t t = 1; t < std::min<size_t>(wanted, count); ++t) running.push_back(std::async(std::launch::async, run));
  run();
  for (auto& done : running) done.get();
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

/// One direction of an exhaustive check: every member (an interface, or the
/// internet host standing for a target) against every address class in
/// `atoms` and every header class. Members are the interfaces whose own
/// security groups the factored engine checks apart: sources going out,
/// targets coming in.
struct Enumeration {
  bool egress = true;    ///< members send the packet (their egress groups); else they receive it
  bool inbound = false;  ///< findings are inbound paths (for openingOf)
  size_t members = 0;
  std::vector<Atom> atoms;  ///< address classes of the other end, in address order
  std::vector<HeaderClass> headers;
  std::vector<int> source_ports{49152};
  /// The packet of one class.
  std::function<Packet(size_t member, size_t atom, const HeaderClass&, int source_port)> packet;
  /// Traces one class's packet; `apart`: the member's security groups are
  /// checked apart (and the trace terse); `consulted`, when set, receives
  /// what the trace consulted.
  std::function<TraceResult(size_t member, size_t atom, const Packet&, bool apart, Consulted* consulted)> trace;
  std::function<Decision(size_t member, const Packet&, const TraceResult&)> decide;
  std::function<std::string(size_t member, Ipv4 other)> label;  ///< the finding's source label
  std::function<const std::vector<std::string>&(size_t member)> groups;
  /// What besides the address decides the member's path (subnet, kind,
  /// public address...), and the address; members whose keys and address
  /// classes match share their paths (factored engine).
  std::function<std::pair<std::string, Ipv4>(size_t member)> key;
  /// How a member appears as a component of a path (a target's delivered
  /// hop), when a decision can name it; empty when none can.
  std::function<std::string(size_t member)> component;
  /// The source group decisions give a member's classes (its subnet), when
  /// members of one key can differ in it; empty when they cannot.
  std::function<const std::string&(size_t member)> group;

  [[nodiscard]] Ipv4 address(size_t atom) const { return atomAddress(atoms[atom]); }
};

/// The reference engine: traces every (member, address class, header class,
/// source port) and decides each on its own.
Tally tracePerClass(const Topology& topo, const Enumeration& e, const AddressSet& held, unsigned threads) {
  return tallyInParallel<Tally>(threads, e.members, [&](size_t member, Tally& part) {
    for (size_t atom = 0; atom < e.atoms.size(); ++atom) {
      Ipv4 other = e.address(atom);
      bool is_held = held.contains(other.value());
      for (const HeaderClass& header : e.headers) {
        for (int source_port : e.source_ports) {
          Packet packet = e.packet(member, atom, header, source_port);
          TraceResult result = e.trace(member, atom, packet, false, nullptr);
          Decision decision = e.decide(member, packet, result);
          record(topo, part, decision, e.label(member, other), packet, std::move(result), e.inbound, is_held);
        }
      }
    }
  });
}

/// Row-major bit matrix: one row per shadow (below), one bit per header class.
class Bits {
 public:
  Bits() = default;
  Bits(size_t rows, size_t columns) : words_((columns + 63) / 64), bits_(rows * words_, 0) {}
  [[nodiscard]] size_t words() const { return words_; }
  uint64_t* row(size_t r) { return bits_.data() + r * words_; }
  [[nodiscard]] const uint64_t* row(size_t r) const { return bits_.data() + r * words_; }
  void set(size_t r, size_t c) { row(r)[c / 64] |= uint64_t{1} << (c % 64); }
  [[nodiscard]] bool empty() const {
    return std::all_of(bits_.begin(), bits_.end(), [](uint64_t w) { return w == 0; });
  }
  std::vector<uint64_t>& raw() { return bits_; }
  [[nodiscard]] const std::vector<uint64_t>& raw() const { return bits_; }

 private:
  size_t words_ = 0;
  std::vector<uint64_t> bits_;
};

/// How the tables a trace consults sort the factored engine's cells (an
/// address, one per shadow, and a path header class): two cells that every
/// table a trace consulted, and the tracer's fixed questions, sort alike
/// take the same path to the same verdict, so that trace decides both
/// (tracer.h, Consulted). A route table sorts addresses by the blocks of
/// its routes, of the prefix lists they name and of its VPC; a network ACL
/// by its entries' blocks and, within a protocol, destination ports by its
/// entries' ranges; a transit gateway route table by its static routes and
/// the blocks of the VPCs propagating into it. The fixed questions: is the
/// address public, is it the stand-in address of new interfaces (whether an
/// interface holds it is settled by the caller, who reuses only traces to
/// addresses nothing holds); protocol and ICMP type and code always count,
/// as does whether the port is below 1024 (the NAT gateway's floor).
class CellClasses {
 public:
  CellClasses(const Topology& topo, const std::vector<Ipv4>& addresses, const std::vector<HeaderClass>& headers)
      : topo_(topo) {
    // Classes by containment pattern: the blocks (or port ranges) holding
    // the value, one bit each; values with one pattern are told apart by no
    // block, whichever field of the packet the table reads them in.
    auto classesBy = [](size_t values, size_t items, auto&& holds) {
      std::map<std::vector<bool>, uint32_t> patterns;
      std::vector<uint32_t> out;
      out.reserve(values);
      std::vector<bool> pattern(items);
      for (size_t v = 0; v < values; ++v) {
        for (size_t i = 0; i < items; ++i) pattern[i] = holds(v, i);
        out.push_back(patterns.try_emplace(pattern, static_cast<uint32_t>(patterns.size())).first->second);
      }
      return out;
    };
    auto addressClasses = [&](const std::vector<Cidr>& blocks) {
      return classesBy(addresses.size(), blocks.size(), [&](size_t a, size_t b) { return blocks[b].contains(addresses[a]); });
    };
    for (const auto& table : topo.route_tables) {
      std::vector<Cidr> blocks;
      for (const auto& route : table.routes) {
        if (route.destination) blocks.push_back(*route.destination);
        if (const PrefixList* list = route.destination ? nullptr : topo.findPrefixList(route.destination_prefix_list)) {
          blocks.insert(blocks.end(), list->cidrs.begin(), list->cidrs.end());
        }
      }
      const Vpc* vpc = topo.findVpc(table.vpc_id);
      if (vpc != nullptr) blocks.insert(blocks.end(), vpc->cidrs.begin(), vpc->cidrs.end());
      table_vpc_.push_back(vpc);
      route_tables_.push_back({addressClasses(blocks), {}});
    }
    for (const auto& acl : topo.network_acls) {
      std::vector<Cidr> blocks;
      std::vector<PortRange> ranges;
      for (const auto& entry : acl.entries) {
        if (entry.cidr) blocks.push_back(*entry.cidr);
        ranges.push_back(entry.ports);
      }
      acls_.push_back({addressClasses(blocks), classesBy(headers.size(), ranges.size(), [&](size_t h, size_t r) {
                         return ranges[r].contains(headers[h].destination_port);
                       })});
    }
    for (const auto& table : topo.tgw_route_tables) {
      std::vector<Cidr> blocks;
      for (const auto& route : table.static_routes) blocks.push_back(route.destination);
      for (const auto& id : table.propagating_attachments) {
        const TgwAttachment* attachment = topo.findTgwAttachment(id);
        const Vpc* vpc = attachment != nullptr && attachment->resource_type == "vpc"
                             ? topo.findVpc(attachment->resource_id)
                             : nullptr;
        if (vpc != nullptr) blocks.insert(blocks.end(), vpc->cidrs.begin(), vpc->cidrs.end());
      }
      tgw_tables_.push_back({addressClasses(blocks), {}});
    }
    for (Ipv4 address : addresses) {
      fixed_.push_back((address.isPublic() ? 1U : 0U) | (address == Ipv4(kNewInterfacePublicAddress) ? 2U : 0U));
    }
    std::map<std::tuple<int, int, int, bool>, uint32_t> kinds;
    for (const HeaderClass& header : headers) {
      bool port = header.protocol == kProtocolTcp || header.protocol == kProtocolUdp;
      auto key = std::make_tuple(header.protocol, port ? 0 : header.icmp_type, port ? 0 : header.icmp_code,
                                 port && header.destination_port < 1024);
      kind_.push_back(kinds.try_emplace(key, static_cast<uint32_t>(kinds.size())).first->second);
    }
  }

  /// The tables `consulted` names, as sorted item codes; nullopt when the
  /// trace stands for its own packet alone.
  [[nodiscard]] std::optional<std::vector<uint64_t>> items(const Consulted& consulted) const {
    if (consulted.other) return std::nullopt;
    std::vector<uint64_t> out;
    for (const auto& lookup : consulted.route_tables) {
      auto index = indexIn(topo_.route_tables, lookup.table);
      if (!index || lookup.vpc != table_vpc_[*index]) return std::nullopt;
      out.push_back(code(kRouteTable, *index));
    }
    for (const auto* acl : consulted.acls) {
      auto index = indexIn(topo_.network_acls, acl);
      if (!index) return std::nullopt;
      out.push_back(code(kAcl, *index));
    }
    for (const auto* table : consulted.tgw_route_tables) {
      auto index = indexIn(topo_.tgw_route_tables, table);
      if (!index) return std::nullopt;
      out.push_back(code(kTgwRouteTable, *index));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  /// The cells' classes under `items`: a class for every address and one
  /// for every header; two cells share a class pair when every item (and
  /// the fixed questions) sorts them alike.
  struct Partition {
    std::vector<uint32_t> address;  ///< by address
    std::vector<uint32_t> header;   ///< by header
    size_t address_classes = 0;
    size_t header_classes = 0;
  };
  [[nodiscard]] Partition partition(const std::vector<uint64_t>& items) const {
    Partition out;
    // Signatures side by side in `seen`, `width` values each; classes are few, so found by scanning.
    std::vector<uint32_t> seen;
    std::vector<uint32_t> signature;
    auto classOf = [&](size_t& classes) {
      const size_t width = signature.size();
      for (size_t c = 0; c < classes; ++c) {
        if (std::equal(signature.begin(), signature.end(), seen.begin() + static_cast<std::ptrdiff_t>(c * width))) {
          return static_cast<uint32_t>(c);
        }
      }
      seen.insert(seen.end(), signature.begin(), signature.end());
      return static_cast<uint32_t>(classes++);
    };
    for (size_t a = 0; a < fixed_.size(); ++a) {
      signature.assign(1, fixed_[a]);
      for (uint64_t item : items) signature.push_back(table(item).address[a]);
      out.address.push_back(classOf(out.address_classes));
    }
    seen.clear();
    for (size_t h = 0; h < kind_.size(); ++h) {
      signature.assign(1, kind_[h]);
      for (uint64_t item : items) {
        if (static_cast<Kind>(item >> 32) == kAcl) signature.push_back(table(item).port[h]);
      }
      out.header.push_back(classOf(out.header_classes));
    }
    return out;
  }

 private:
  enum Kind : uint64_t { kRouteTable, kAcl, kTgwRouteTable };
  struct Classes {
    std::vector<uint32_t> address;  ///< by address
    std::vector<uint32_t> port;     ///< by header (network ACLs)
  };

  static uint64_t code(Kind kind, size_t index) { return uint64_t{kind} << 32 | index; }
  [[nodiscard]] const Classes& table(uint64_t item) const {
    auto index = static_cast<size_t>(item & 0xFFFFFFFFU);
    switch (static_cast<Kind>(item >> 32)) {
      case kRouteTable: return route_tables_[index];
      case kAcl: return acls_[index];
      case kTgwRouteTable: break;
    }
    return tgw_tables_[index];
  }
  template <typename T>
  static std::optional<size_t> indexIn(const std::vector<T>& items, const T* item) {
    if (items.empty() || item < items.data() || item >= items.data() + items.size()) return std::nullopt;
    return static_cast<size_t>(item - items.data());
  }

  const Topology& topo_;
  std::vector<Classes> route_tables_;
  std::vector<const Vpc*> table_vpc_;
  std::vector<Classes> acls_;
  std::vector<Classes> tgw_tables_;
  std::vector<uint32_t> fixed_;  ///< by address: public? the stand-in?
  std::vector<uint32_t> kind_;   ///< by header: protocol, ICMP type and code, port below 1024
};

/// The factored engine. Soundness argument, on top of the one at the top of
/// this file:
/// 1. Shadows. Cut the address space at every boundary except the edges of
///    single held addresses (Index::forEachHeldAddress); each of those coarser
///    atoms is a shadow. A class whose other end is an address nothing
///    holds behaves like every other such class of its shadow (no predicate
///    tells them apart). A class to a held public address leaves or enters
///    the VPC exactly like its shadow (the holder is looked up only beyond
///    the internet gateway), so it is decided alike; only whether the reply
///    comes back may differ, which matters for the example alone, and the
///    example prefers unheld addresses (exampleScore) and traces held ones.
/// 2. Security groups apart. The member's own groups are consulted once on
///    the path (egress as the source leaves, ingress as the target receives;
///    replies pass them statefully) and match public peers by CIDR and
///    prefix list only (references never match a public address), so a
///    class's fate is: the path's fate when the groups allow it, the path
///    cut where the groups are when they deny it or cannot tell. Each path
///    is traced once per key (members alike but for their groups) with the
///    groups checked apart; each member only combines its groups' allowed
///    and unsettled sets with the key's table.
/// The result equals tracePerClass's, report for report (tested).
class FactoredEngine {
 public:
  FactoredEngine(const Network::Index& ix, const Enumeration& e, const std::vector<Cidr>& extra_cidrs,
                 const AddressSet& held, unsigned threads)
      : ix_(ix), e_(e), held_(held), threads_(threads) {
    shadowsOf(atomsOf(addressBoundaries(ix, extra_cidrs, Coarser{true, false}), kAddressSpaceEnd));
    // A member's own address matters to its path only through routes and
    // network ACLs (the tracer reads no subnet block; its own groups are
    // apart and no other group sees it on a path to or from the internet).
    keys(atomsOf(addressBoundaries(ix, extra_cidrs, Coarser{true, true}), kAddressSpaceEnd));
    // The header classes paths can tell apart (the members' own groups cut the rest).
    ProtocolSpace path_space(ix.topo, {}, false);
    path_headers_ = path_space.classes();
    headers_of_path_.resize(path_headers_.size());
    for (size_t h = 0; h < e_.headers.size(); ++h) {
      Packet packet = headerPacket(h);
      path_space.represent(packet);
      auto it = std::find_if(path_headers_.begin(), path_headers_.end(), [&](const HeaderClass& c) {
        return c.protocol == packet.protocol && c.destination_port == packet.destination_port &&
               c.icmp_type == packet.icmp_type && c.icmp_code == packet.icmp_code;
      });
      if (it == path_headers_.end()) {
        // Not expected (represent() gives what classes() lists); a class of its own is always sound.
        path_headers_.push_back(e_.headers[h]);
        headers_of_path_.emplace_back();
        it = path_headers_.end() - 1;
      }
      headers_of_path_[static_cast<size_t>(it - path_headers_.begin())].push_back(h);
    }
  }

  Tally run() {
    const size_t rows = shadows_.size();
    const size_t columns = e_.headers.size();
    // Security groups of every member, each evaluated once.
    // The topology's groups by position, then those members name that the
    // input lacks, in order of first use; members' lists on every core.
    std::unordered_map<std::string_view, size_t> group_index;
    for (const auto& group : ix_.topo.security_groups) group_index.emplace(group.meta.id, group_index.size());
    group_start_.assign(e_.members + 1, 0);
    for (size_t m = 0; m < e_.members; ++m) group_start_[m + 1] = group_start_[m] + e_.groups(m).size();
    group_list_.assign(group_start_.back(), SIZE_MAX);
    constexpr size_t kMembersPerChunk = 4096;
    forEachInParallel(threads_, (e_.members + kMembersPerChunk - 1) / kMembersPerChunk, [&](size_t chunk) {
      for (size_t m = chunk * kMembersPerChunk; m < std::min(e_.members, (chunk + 1) * kMembersPerChunk); ++m) {
        const auto& ids = e_.groups(m);
        for (size_t i = 0; i < ids.size(); ++i) {
          if (auto it = group_index.find(ids[i]); it != group_index.end()) group_list_[group_start_[m] + i] = it->second;
        }
      }
    });
    for (size_t m = 0; m < e_.members; ++m) {
      for (size_t i = group_start_[m]; i < group_start_[m + 1]; ++i) {
        if (group_list_[i] != SIZE_MAX) continue;
        const std::string& id = e_.groups(m)[i - group_start_[m]];
        group_list_[i] = group_index.try_emplace(id, group_index.size()).first->second;
      }
    }
    std::vector<std::string> group_ids(group_index.size());
    for (const auto& [id, index] : group_index) group_ids[index] = id;
    std::vector<size_t> used(group_list_);
    std::sort(used.begin(), used.end());
    used.erase(std::unique(used.begin(), used.end()), used.end());
    allowed_.resize(group_ids.size());
    unsettled_.resize(group_ids.size());
    forEachInParallel(threads_, used.size(), [&](size_t u) {
      allowed_[used[u]] = Bits(rows, columns);
      unsettled_[used[u]] = Bits(rows, columns);
      evaluateGroup(group_ids[used[u]], used[u]);
    });
    // Every key's paths.
    std::vector<Ipv4> examples;
    for (const Shadow& shadow : shadows_) examples.push_back(e_.address(shadow.example));
    cells_ = std::make_unique<CellClasses>(ix_.topo, examples, path_headers_);
    tables_.resize(key_members_.size());
    forEachInParallel(threads_, key_members_.size(), [&](size_t k) { tabulate(k); });
    // Every member against its key's table.
    // In runs of members, each with its own memo (members of a key are mostly neighbours).
    const size_t runs = std::min<size_t>(e_.members, size_t{threadCount(threads_)} * 8);
    auto tally = tallyInParallel<Pending>(threads_, runs, [&](size_t run, Pending& part) {
      Run state;
      for (size_t m = run * e_.members / runs; m < (run + 1) * e_.members / runs; ++m) combine(m, part, state);
    });
    return finish(std::move(tally));
  }

 private:
  /// A class the engine traces once its group is known.
  struct Candidate {
    size_t member = 0;
    size_t atom = 0;
    size_t header = 0;
  };
  using Pending = BasicTally<Candidate, Candidate>;

  struct Shadow {
    size_t first = 0;      ///< its atoms [first, end) in e_.atoms
    size_t end = 0;
    size_t example = 0;    ///< the unheld atom an example uses (8.8.8.8's when it holds it)
    bool has_free = false; ///< some atom is not held
  };

  /// What the classes of one key come to, by the state of the member's groups.
  enum State { kAllowed, kDenied, kUnsettled, kStates };
  struct Table {
    std::vector<Decision> decisions;                        ///< those that count (finding, undetermined)
    std::vector<std::array<Bits, kStates>> cells;           ///< per decision
    std::vector<std::vector<std::string>> assumption_sets;  ///< generalised
    std::vector<std::array<Bits, kStates>> assumption_cells;
    uint64_t traces = 0;
  };

  void shadowsOf(const std::vector<Atom>& coarse) {
    size_t current = SIZE_MAX;
    for (size_t a = 0; a < e_.atoms.size(); ++a) {
      const Atom& atom = e_.atoms[a];
      auto it = std::upper_bound(coarse.begin(), coarse.end(), atom.first,
                                 [](uint64_t v, const Atom& c) { return v < c.end; });
      auto index = static_cast<size_t>(it - coarse.begin());
      if (index != current || shadows_.empty()) {
        shadows_.push_back(Shadow{a, a, a, false});
        current = index;
      }
      Shadow& shadow = shadows_.back();
      shadow.end = a + 1;
      bool is_held = atom.end - atom.first == 1 && held_.contains(atom.first);
      if (is_held) continue;
      bool eight = e_.address(a) == Ipv4(0x08080808);
      if (!shadow.has_free || eight) shadow.example = a;
      shadow.has_free = true;
    }
    for (const HeaderClass& header : e_.headers) {
      if (header.protocol == kProtocolTcp && header.destination_port == 443) break;
      ++https_;
    }
  }

  void keys(const std::vector<Atom>& coarse) {
    // The members' keys on every core, then numbered in member order.
    std::vector<std::pair<std::string, size_t>> of(e_.members);
    forEachInParallel(threads_, (e_.members + 1023) / 1024, [&](size_t chunk) {
      for (size_t m = chunk * 1024; m < std::min(e_.members, (chunk + 1) * 1024); ++m) {
        auto [prefix, address] = e_.key(m);
        auto it = std::upper_bound(coarse.begin(), coarse.end(), uint64_t{address.value()},
                                   [](uint64_t v, const Atom& c) { return v < c.end; });
        of[m] = {std::move(prefix), static_cast<size_t>(it - coarse.begin())};
      }
    });
    struct Hash {
      size_t operator()(const std::pair<std::string, size_t>& key) const {
        return std::hash<std::string>{}(key.first) ^ (key.second * 0x9E3779B97F4A7C15ULL);
      }
    };
    std::unordered_map<std::pair<std::string, size_t>, size_t, Hash> seen;
    key_of_.resize(e_.members);
    for (size_t m = 0; m < e_.members; ++m) {
      auto [found, inserted] = seen.try_emplace(std::move(of[m]), key_members_.size());
      if (inserted) key_members_.push_back(m);
      key_of_[m] = found->second;
    }
  }

  Packet headerPacket(size_t header) const { return classPacket(Ipv4(), Ipv4(), e_.headers[header], 49152); }

  /// The classes one group allows, and those it cannot settle, as
  /// evaluateSecurityGroups decides them for a public peer.
  void evaluateGroup(const std::string& id, size_t g) {
    Bits& yes = allowed_[g];
    Bits& unknown = unsettled_[g];
    const SecurityGroup* group = ix_.topo.findSecurityGroup(id);
    auto all = [&](Bits& bits, const std::vector<uint64_t>& mask) {
      for (size_t r = 0; r < shadows_.size(); ++r) {
        for (size_t w = 0; w < bits.words(); ++w) bits.row(r)[w] |= mask[w];
      }
    };
    std::vector<uint64_t> every((e_.headers.size() + 63) / 64, 0);
    for (size_t h = 0; h < e_.headers.size(); ++h) every[h / 64] |= uint64_t{1} << (h % 64);
    if (group == nullptr) {
      all(unknown, every);
      return;
    }
    for (const auto& rule : e_.egress ? group->egress : group->ingress) {
      std::vector<uint64_t> mask(every.size(), 0);
      for (size_t h = 0; h < e_.headers.size(); ++h) {
        if (sgRuleMatchesTraffic(rule, headerPacket(h))) mask[h / 64] |= uint64_t{1} << (h % 64);
      }
      if (std::all_of(mask.begin(), mask.end(), [](uint64_t w) { return w == 0; })) continue;
      std::vector<Cidr> cidrs;
      switch (rule.peer_kind) {
        case PeerKind::kCidr: cidrs.push_back(rule.cidr); break;
        case PeerKind::kIpv6Cidr: break;
        case PeerKind::kPrefixList:
          if (const PrefixList* list = ix_.topo.findPrefixList(rule.peer)) {
            cidrs = list->cidrs;
          } else {
            all(unknown, mask);
          }
          break;
        case PeerKind::kSecurityGroup:
          if (ix_.topo.findSecurityGroup(rule.peer) == nullptr) all(unknown, mask);
          break;
      }
      for (size_t r = 0; r < shadows_.size() && !cidrs.empty(); ++r) {
        Ipv4 peer = e_.address(shadows_[r].example);
        if (std::any_of(cidrs.begin(), cidrs.end(), [&](const Cidr& c) { return c.contains(peer); })) {
          for (size_t w = 0; w < yes.words(); ++w) yes.row(r)[w] |= mask[w];
        }
      }
    }
  }

  /// Decides every (shadow, path header) cell of key `k`, its member's
  /// groups apart: by a trace of its own, or by an earlier trace whose
  /// consulted tables sort it alike (CellClasses).
  void tabulate(size_t k) {
    Table& table = tables_[k];
    const size_t member = key_members_[k];
    std::map<Decision, size_t> decision_index;
    std::map<std::vector<std::string>, size_t> assumption_index;
    auto decisionOf = [&](const Decision& decision) -> int {
      if (decision.kind == Decision::Kind::kNone) return -1;
      auto [it, inserted] = decision_index.try_emplace(decision, table.decisions.size());
      if (inserted) {
        table.decisions.push_back(decision);
        table.cells.push_back({Bits(shadows_.size(), e_.headers.size()), Bits(shadows_.size(), e_.headers.size()),
                               Bits(shadows_.size(), e_.headers.size())});
      }
      return static_cast<int>(it->second);
    };
    auto assumptionsOf = [&](const std::vector<std::string>& texts, size_t count) -> int {
      if (count == 0) return -1;
      std::set<std::string> general;
      for (size_t i = 0; i < count; ++i) general.insert(generalise(texts[i]));
      std::vector<std::string> sorted(general.begin(), general.end());
      auto [it, inserted] = assumption_index.try_emplace(sorted, table.assumption_sets.size());
      if (inserted) {
        table.assumption_sets.push_back(sorted);
        table.assumption_cells.push_back({Bits(shadows_.size(), e_.headers.size()),
                                          Bits(shadows_.size(), e_.headers.size()),
                                          Bits(shadows_.size(), e_.headers.size())});
      }
      return static_cast<int>(it->second);
    };
    // What a cell comes to by the state of the member's groups: a decision
    // and an assumption set (indexes into the table, -1 for none) per state.
    struct Outcome {
      std::array<int, kStates> decision{};
      std::array<int, kStates> assumptions{};
    };
    auto apply = [&](const Outcome& outcome, size_t r, size_t p) {
      for (size_t state = 0; state < kStates; ++state) {
        for (size_t h : headers_of_path_[p]) {
          if (outcome.decision[state] >= 0) table.cells[static_cast<size_t>(outcome.decision[state])][state].set(r, h);
          if (outcome.assumptions[state] >= 0) {
            table.assumption_cells[static_cast<size_t>(outcome.assumptions[state])][state].set(r, h);
          }
        }
      }
    };
    auto traceCell = [&](size_t r, size_t p, Consulted& consulted) {
      Packet packet = e_.packet(member, shadows_[r].example, path_headers_[p], e_.source_ports.front());
      TraceResult result = e_.trace(member, shadows_[r].example, packet, true, &consulted);
      ++table.traces;
      Outcome outcome;
      Decision decision = e_.decide(member, packet, result);
      outcome.decision[kAllowed] = decisionOf(decision);
      outcome.assumptions[kAllowed] = assumptionsOf(result.assumptions, result.assumptions.size());
      if (!result.checked_apart) {
        // The groups were never consulted: every state fares alike.
        outcome.decision.fill(outcome.decision[kAllowed]);
        outcome.assumptions.fill(outcome.assumptions[kAllowed]);
        return outcome;
      }
      // Where the groups stand, a trace they stop ends (tracer.h, CheckedApart).
      const CheckedApart cut = *result.checked_apart;
      TraceResult stopped;
      stopped.source = result.source;
      stopped.path.assign(result.path.begin(), result.path.begin() + static_cast<std::ptrdiff_t>(cut.hops));
      stopped.assumptions.assign(result.assumptions.begin(),
                                 result.assumptions.begin() + static_cast<std::ptrdiff_t>(cut.assumptions));
      stopped.verdict = Verdict::kUnreachable;
      stopped.explanations = {{"ENI_SG_RULES_MISMATCH", "", ""}};
      outcome.decision[kDenied] = decisionOf(e_.decide(member, packet, stopped));
      outcome.assumptions[kDenied] = assumptionsOf(stopped.assumptions, cut.assumptions);
      stopped.verdict = Verdict::kUndetermined;
      stopped.explanations = {{"SG_RULE_UNRESOLVED", "", ""}};
      outcome.decision[kUnsettled] = decisionOf(e_.decide(member, packet, stopped));
      outcome.assumptions[kUnsettled] = outcome.assumptions[kDenied];
      return outcome;
    };
    // Traces by the tables they consulted: the cells' classes under those
    // tables, and what each traced class came to.
    struct Reuse {
      std::vector<uint64_t> items;
      CellClasses::Partition classes;
      std::vector<int> outcome_of;  ///< by (address class, header class): index into outcomes, -1 none yet
      std::vector<Outcome> outcomes;
      int* at(size_t r, size_t p) { return &outcome_of[classes.address[r] * classes.header_classes + classes.header[p]]; }
    };
    std::vector<Reuse> reuses;
    size_t last_hit = 0;
    Consulted consulted;
    for (size_t r = 0; r < shadows_.size(); ++r) {
      for (size_t p = 0; p < path_headers_.size(); ++p) {
        if (headers_of_path_[p].empty()) continue;
        // Only traces to addresses nothing holds stand for others (a holder changes the path beyond the gateway).
        const bool reusable = shadows_[r].has_free;
        const Outcome* known = nullptr;
        for (size_t n = 0; n < reuses.size() && reusable && known == nullptr; ++n) {
          const size_t i = (last_hit + n) % reuses.size();  // neighbouring cells mostly share tables
          if (int index = *reuses[i].at(r, p); index >= 0) {
            known = &reuses[i].outcomes[static_cast<size_t>(index)];
            last_hit = i;
          }
        }
        if (known != nullptr) {
          apply(*known, r, p);
          continue;
        }
        Outcome outcome = traceCell(r, p, consulted);
        apply(outcome, r, p);
        std::optional<std::vector<uint64_t>> items = reusable ? cells_->items(consulted) : std::nullopt;
        if (!items) continue;
        auto it = std::find_if(reuses.begin(), reuses.end(), [&](const Reuse& reuse) { return reuse.items == *items; });
        if (it == reuses.end()) {
          Reuse reuse;
          reuse.classes = cells_->partition(*items);
          reuse.items = std::move(*items);
          reuse.outcome_of.assign(reuse.classes.address_classes * reuse.classes.header_classes, -1);
          it = reuses.insert(reuses.end(), std::move(reuse));
        }
        *it->at(r, p) = static_cast<int>(it->outcomes.size());
        it->outcomes.push_back(outcome);
      }
    }
  }

  static bool any(const uint64_t* row, size_t words) {
    return std::any_of(row, row + words, [](uint64_t w) { return w != 0; });
  }
  static int lowest(const uint64_t* row, size_t words) {
    for (size_t w = 0; w < words; ++w) {
      if (row[w] != 0) return static_cast<int>(w * 64 + static_cast<size_t>(__builtin_ctzll(row[w])));
    }
    return -1;
  }
  [[nodiscard]] bool has(const uint64_t* row, size_t bit) const {
    return bit < e_.headers.size() && (row[bit / 64] >> (bit % 64) & 1) != 0;
  }

  /// What a member's classes come to, as the tally operations that count
  /// them (combine); members alike in key, group states, renames and
  /// example score share them.
  struct Combined {
    struct Op {
      bool finding = false;
      std::string rule, group, detail;  ///< the finding or undetermined key
      uint64_t classes = 0;
      int score = 0;
      size_t atom = 0;
      size_t header = 0;
    };
    std::vector<Op> ops;
    std::vector<size_t> assumption_sets;  ///< indexes into the key's table
    bool shared = true;  ///< false: an example was traced for this member alone (held addresses)
    // Within the run: what the run's tally already holds of it.
    bool assumptions_counted = false;
    std::vector<ScoredGroup<Candidate>*> finding_groups;  ///< by op, once counted
    std::vector<bool> undetermined_counted;               ///< by op
  };
  /// What decides a Combined.
  struct MemoKey {
    size_t key = 0;
    std::vector<uint64_t> states;  ///< allowed then unsettled bits
    const std::string* group = nullptr;
    std::string component;
    bool eight = false;
    bool operator==(const MemoKey& other) const {
      return key == other.key && states == other.states && group == other.group && component == other.component &&
             eight == other.eight;
    }
  };
  struct MemoHash {
    size_t operator()(const MemoKey& k) const {
      size_t h = k.key * 0x9E3779B97F4A7C15ULL ^ std::hash<const void*>{}(k.group) ^ (k.eight ? 0x5bd1e995 : 0) ^
                 std::hash<std::string>{}(k.component);
      for (uint64_t word : k.states) h = (h ^ word) * 0x100000001B3ULL;
      return h;
    }
  };
  /// One run of members (combine): its memo and scratch space.
  struct Run {
    std::unordered_map<MemoKey, Combined, MemoHash> known;
    std::array<Bits, kStates> state;
    MemoKey probe;
  };

  /// One member: its groups' states against its key's table.
  void combine(size_t m, Pending& part, Run& run) {
    const size_t k = key_of_[m];
    const size_t rows = shadows_.size();
    const size_t columns = e_.headers.size();
    const size_t words = (columns + 63) / 64;
    std::array<Bits, kStates>& state = run.state;
    if (state[kAllowed].raw().empty()) state = {Bits(rows, columns), Bits(rows, columns), Bits(rows, columns)};
    std::fill(state[kAllowed].raw().begin(), state[kAllowed].raw().end(), 0);
    std::fill(state[kUnsettled].raw().begin(), state[kUnsettled].raw().end(), 0);
    for (size_t i = group_start_[m]; i < group_start_[m + 1]; ++i) {
      const size_t g = group_list_[i];
      for (size_t w = 0; w < state[kAllowed].raw().size(); ++w) {
        state[kAllowed].raw()[w] |= allowed_[g].raw()[w];
        state[kUnsettled].raw()[w] |= unsettled_[g].raw()[w];
      }
    }
    for (size_t r = 0; r < rows; ++r) {
      for (size_t w = 0; w < words; ++w) {
        uint64_t valid = w + 1 < words || columns % 64 == 0 ? ~uint64_t{0} : (uint64_t{1} << (columns % 64)) - 1;
        uint64_t& yes = state[kAllowed].row(r)[w];
        uint64_t& unknown = state[kUnsettled].row(r)[w];
        unknown &= ~yes;
        state[kDenied].row(r)[w] = valid & ~yes & ~unknown;
      }
    }
    part.classes_checked += uint64_t{e_.atoms.size()} * columns;
    // A decision naming the key's traced member names this one instead.
    Rename rename;
    if (const size_t traced = key_members_[k]; traced != m) {
      if (e_.group) {
        rename.traced_group = &e_.group(traced);
        rename.group = &e_.group(m);
      }
      if (e_.component) std::tie(rename.traced_component, rename.component) = std::make_pair(e_.component(traced), e_.component(m));
    }
    // The example score reads the member's own address only as "is it 8.8.8.8" (exampleScore).
    Packet any = e_.packet(m, shadows_.front().example, e_.headers.front(), e_.source_ports.front());
    MemoKey& probe = run.probe;
    probe.key = k;
    probe.states.assign(state[kAllowed].raw().begin(), state[kAllowed].raw().end());
    probe.states.insert(probe.states.end(), state[kUnsettled].raw().begin(), state[kUnsettled].raw().end());
    probe.group = rename.group;
    probe.component = rename.component;
    probe.eight = (e_.egress ? any.source : any.destination) == Ipv4(0x08080808);
    auto found = run.known.find(probe);
    Combined fresh;
    if (found == run.known.end()) {
      fresh = tabulated(m, state, rename, part.traces);
      if (fresh.shared) found = run.known.emplace(probe, std::move(fresh)).first;
    }
    Combined& combined = found != run.known.end() ? found->second : fresh;
    const Table& table = tables_[k];
    if (!combined.assumptions_counted) {
      for (size_t s : combined.assumption_sets) {
        part.assumptions.insert(table.assumption_sets[s].begin(), table.assumption_sets[s].end());
      }
      combined.assumptions_counted = true;
      combined.finding_groups.assign(combined.ops.size(), nullptr);
      combined.undetermined_counted.assign(combined.ops.size(), false);
    }
    for (size_t i = 0; i < combined.ops.size(); ++i) {
      const Combined::Op& op = combined.ops[i];
      Candidate candidate{m, op.atom, op.header};
      if (op.finding) {
        ScoredGroup<Candidate>*& group = combined.finding_groups[i];
        if (group == nullptr) group = &part.groups[{op.rule, op.group, op.detail}];
        part.addFinding(*group, op.classes, op.score, [&] { return candidate; });
      } else if (!combined.undetermined_counted[i]) {
        part.addUndetermined({op.group, op.detail}, op.classes, [&] { return candidate; });
        combined.undetermined_counted[i] = true;
      } else {
        part.undetermined_classes += op.classes;  // the group has its example already
      }
    }
  }

  struct Rename {
    const std::string* traced_group = nullptr;
    const std::string* group = nullptr;
    std::string traced_component, component;
  };

  /// What member `m`'s classes come to, given its groups' `state`.
  Combined tabulated(size_t m, const std::array<Bits, kStates>& state, const Rename& rename, uint64_t& traces) const {
    const Table& table = tables_[key_of_[m]];
    const size_t rows = shadows_.size();
    const size_t columns = e_.headers.size();
    const size_t words = (columns + 63) / 64;
    Combined out;
    for (size_t s = 0; s < table.assumption_sets.size(); ++s) {
      bool hit = false;
      for (int t = 0; t < kStates && !hit; ++t) {
        const auto& cells = table.assumption_cells[s][static_cast<size_t>(t)].raw();
        const auto& mine = state[static_cast<size_t>(t)].raw();
        for (size_t i = 0; i < cells.size() && !hit; ++i) hit = (cells[i] & mine[i]) != 0;
      }
      if (hit) out.assumption_sets.push_back(s);
    }
    // Classes of each decision, then by finding group (round trip or not).
    std::map<FindingKey, std::pair<Bits, Bits>> findings;  // all, round trips
    for (size_t d = 0; d < table.decisions.size(); ++d) {
      const Decision& decision = table.decisions[d];
      Bits mine(rows, columns);
      for (int t = 0; t < kStates; ++t) {
        const auto& cells = table.cells[d][static_cast<size_t>(t)].raw();
        const auto& own = state[static_cast<size_t>(t)].raw();
        for (size_t i = 0; i < cells.size(); ++i) mine.raw()[i] |= cells[i] & own[i];
      }
      if (mine.empty()) continue;
      std::string group = decision.group;
      if (rename.group != nullptr && group == *rename.traced_group) group = *rename.group;
      if (decision.kind == Decision::Kind::kUndetermined) {
        size_t r = 0;
        while (!any(mine.row(r), words)) ++r;
        out.ops.push_back({false, "", group, decision.detail, weighted(mine), 0, shadows_[r].first,
                           static_cast<size_t>(lowest(mine.row(r), words))});
        continue;
      }
      std::string exit = decision.detail;
      if (exit == rename.traced_component) exit = rename.component;
      auto& [all, round_trips] =
          findings.try_emplace({decision.rule, group, exit}, Bits(rows, columns), Bits(rows, columns))
              .first->second;
      for (size_t i = 0; i < mine.raw().size(); ++i) {
        all.raw()[i] |= mine.raw()[i];
        if (decision.round_trip) round_trips.raw()[i] |= mine.raw()[i];
      }
    }
    for (const auto& [key, bits] : findings) {
      const uint64_t before = traces;
      auto [score, candidate] = best(m, bits.first, bits.second, traces);
      out.shared = out.shared && traces == before;
      out.ops.push_back({true, std::get<0>(key), std::get<1>(key), std::get<2>(key), weighted(bits.first), score,
                         candidate.atom, candidate.header});
    }
    return out;
  }

  /// Classes a bit matrix stands for: each shadow row counts its atoms.
  uint64_t weighted(const Bits& bits) const {
    uint64_t total = 0;
    for (size_t r = 0; r < shadows_.size(); ++r) {
      uint64_t ones = 0;
      for (size_t w = 0; w < bits.words(); ++w) ones += static_cast<uint64_t>(__builtin_popcountll(bits.row(r)[w]));
      total += ones * (shadows_[r].end - shadows_[r].first);
    }
    return total;
  }

  /// The first class with the best example score among a member's classes
  /// of one group, as tracePerClass would find it: unheld atoms first (each
  /// shadow's first unheld atom, or 8.8.8.8's, stands for its unheld atoms);
  /// held ones are traced only when no unheld class is in the group.
  std::pair<int, Candidate> best(size_t m, const Bits& all, const Bits& round_trips, uint64_t& traces) const {
    const size_t words = all.words();
    int best_score = -1;
    Candidate winner;
    for (size_t r = 0; r < shadows_.size(); ++r) {
      const Shadow& shadow = shadows_[r];
      if (!shadow.has_free || !any(all.row(r), words)) continue;
      const uint64_t* rt = round_trips.row(r);
      int header = 0;
      bool round_trip = false;
      if (has(rt, https_)) {
        header = static_cast<int>(https_);
        round_trip = true;
      } else if (any(rt, words)) {
        header = lowest(rt, words);
        round_trip = true;
      } else if (has(all.row(r), https_)) {
        header = static_cast<int>(https_);
      } else {
        header = lowest(all.row(r), words);
      }
      auto h = static_cast<size_t>(header);
      int score = exampleScore(round_trip, e_.packet(m, shadow.example, e_.headers[h], e_.source_ports.front()), false);
      if (score > best_score) {
        best_score = score;
        winner = Candidate{m, shadow.example, static_cast<size_t>(header)};
      }
    }
    if (best_score >= 0) return {best_score, winner};
    // Only held addresses: trace them in order (a held class may or may not get its reply back).
    for (size_t r = 0; r < shadows_.size(); ++r) {
      const uint64_t* row = all.row(r);
      if (!any(row, words)) continue;
      for (size_t atom = shadows_[r].first; atom < shadows_[r].end; ++atom) {
        for (size_t h = 0; h < e_.headers.size(); ++h) {
          if (!has(row, h)) continue;
          Packet packet = e_.packet(m, atom, e_.headers[h], e_.source_ports.front());
          TraceResult result = e_.trace(m, atom, packet, false, nullptr);
          ++traces;
          bool is_held = held_.contains(e_.address(atom).value());
          int score = exampleScore(result.verdict == Verdict::kReachable, packet, is_held);
          if (score > best_score) {
            best_score = score;
            winner = Candidate{m, atom, h};
          }
        }
      }
    }
    return {best_score, winner};
  }

  /// Traces the winning examples.
  Tally finish(Pending&& pending) const {
    Tally tally;
    tally.classes_checked = pending.classes_checked;
    tally.traces = pending.traces + pending.groups.size() + pending.undetermined.size();
    for (const Table& table : tables_) tally.traces += table.traces;
    tally.undetermined_classes = pending.undetermined_classes;
    tally.assumptions = std::move(pending.assumptions);
    // The examples' full traces, on every core.
    std::vector<std::pair<const FindingKey*, const ScoredGroup<Candidate>*>> groups;
    for (const auto& [key, group] : pending.groups) groups.emplace_back(&key, &group);
    std::vector<InternetFinding> examples(groups.size());
    std::vector<std::pair<const UndeterminedKey*, const Candidate*>> undetermined;
    for (const auto& [key, c] : pending.undetermined) undetermined.emplace_back(&key, &c);
    std::vector<TraceResult> undetermined_examples(undetermined.size());
    forEachInParallel(threads_, groups.size() + undetermined.size(), [&](size_t i) {
      const Candidate& c = i < groups.size() ? groups[i].second->example : *undetermined[i - groups.size()].second;
      Packet packet = e_.packet(c.member, c.atom, e_.headers[c.header], e_.source_ports.front());
      TraceResult result = e_.trace(c.member, c.atom, packet, false, nullptr);
      if (i >= groups.size()) {
        undetermined_examples[i - groups.size()] = std::move(result);
        return;
      }
      Decision decision = e_.decide(c.member, packet, result);
      std::string label = e_.label(c.member, e_.address(c.atom));
      examples[i] = exampleFinding(ix_.topo, decision, label, packet, std::move(result), e_.inbound);
    });
    for (size_t i = 0; i < groups.size(); ++i) {
      ScoredGroup<InternetFinding>& out = tally.groups[*groups[i].first];
      out.classes = groups[i].second->classes;
      out.score = groups[i].second->score;
      out.example = std::move(examples[i]);
    }
    for (size_t i = 0; i < undetermined.size(); ++i) {
      tally.undetermined.emplace(*undetermined[i].first, std::move(undetermined_examples[i]));
    }
    return tally;
  }

  const Network::Index& ix_;
  const Enumeration& e_;
  const AddressSet& held_;
  unsigned threads_;
  std::vector<Shadow> shadows_;
  std::vector<HeaderClass> path_headers_;             ///< classes of the paths (network ACLs cut them)
  std::vector<std::vector<size_t>> headers_of_path_;  ///< the header classes in each
  size_t https_ = 0;  ///< the header class of tcp/443 (headers.size() when none)
  std::vector<size_t> key_of_;
  std::vector<size_t> key_members_;  ///< the first member of every key
  std::vector<Bits> allowed_;        ///< per group
  std::vector<Bits> unsettled_;
  std::vector<size_t> group_start_;  ///< member m's groups: group_list_[group_start_[m], group_start_[m + 1])
  std::vector<size_t> group_list_;
  std::vector<Table> tables_;
  std::unique_ptr<CellClasses> cells_;  ///< how consulted tables sort the cells (tabulate)
};

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
  if (!factored || e.source_ports.size() != 1 || !factorable(ix)) return tracePerClass(ix.topo, e, held, threads);
  return FactoredEngine(ix, e, extra_cidrs, held, threads).run();
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
  for (const SourceClass& source : sources) {
    const Eni* eni = source.endpoint.kind == Endpoint::Kind::kEni ? source.endpoint.eni : nullptr;
    groups->push_back(eni != nullptr ? &eni->security_group_ids : &source.endpoint.security_group_ids);
  }
  const Atom* first_atom = e.atoms.data();
  e.packet = [&sources, first_atom](size_t member, size_t atom, const HeaderClass& header, int source_port) {
    return classPacket(sources[member].endpoint.address, atomAddress(first_atom[atom]), header, source_port);
  };
  e.trace = [&network, &sources, target](size_t member, size_t atom, const Packet& packet, bool apart,
                                         Consulted* consulted) {
    Endpoint source = endpointOf(sources[member]);
    source.security_groups_checked_apart = apart;
    return trace(network, source, target(atom, packet.destination), packet, TraceOptions{apart, consulted});
  };
  e.label = [&sources](size_t member, Ipv4 /*other*/) { return endpointOf(sources[member]).label; };
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
    return std::make_pair(prefixes->at(source.subnet)[eni][has_public], source.endpoint.address);
  };
  return e;
}

}  // namespace

Result<InternetFreeReport> verifyInternetFree(const Network& network, const std::vector<std::string>& source_refs,
                                              const VerifyOptions& options) {
  const Network::Index& ix = network.index();
  if (source_refs.empty()) return Error{"--internet-free needs at least one source"};
  std::vector<Atom> address_atoms = atomsOf(addressBoundaries(ix, {}), kAddressSpaceEnd);
  Sources resolver(ix, options, address_atoms,
                   atomsOf(addressBoundaries(ix, {}, Coarser{true, false}), kAddressSpaceEnd));
  for (const auto& ref : source_refs) {
    if (auto error = resolver.add(ref)) return *error;
  }
  std::vector<SourceClass> sources = resolver.take();
  std::vector<Atom> destinations;
  for (const Atom& atom : address_atoms) {
    if (Ipv4(static_cast<uint32_t>(atom.first)).isPublic()) destinations.push_back(atom);
  }
  std::vector<HeaderClass> headers = ProtocolSpace(ix.topo, {}).classes();

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
      finding.path.push_back({"SageMaker-managed network", "platform-network", "internet access", "forward"});
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
  tally.append(runEnumeration(ix, e, {}, options.factored, options.threads));
  finishReport(report, tally);
  report.assumptions.push_back(
      "the internet is every public IPv4 address (outside the RFC 6890 special ranges); a packet reaches it when it "
      "leaves through an internet gateway, whether or not the reply returns");
  if (options.hypothetical_enis) {
    report.assumptions.push_back(
        "interfaces placed later carry security groups of their subnet's VPC and get a public IPv4 address only "
        "where the subnet maps one on launch (no Elastic IP associated later)");
  }
  report.assumptions.push_back("IPv4 only: IPv6 routes and rules are loaded but not analysed");
  return report;
}


Result<VerifyReport> verifyScope(const Network& network, const NaaScope& scope, const VerifyOptions& options) {
  const Network::Index& ix = network.index();
  const Topology& topo = ix.topo;
  if (scope.match_paths.empty()) return Error{fmt::format("scope {} has no MatchPaths", scope.name)};

  // Every CIDR, prefix list and port the scope names splits the classes.
  std::vector<Cidr> extra_cidrs;
  std::vector<PortRange> extra_ports;
  std::set<uint64_t> source_port_points;
  PrefixCidrs lists;
  bool egress_needed = false;
  bool ingress_needed = false;
  bool private_destinations = false;
  std::optional<Error> bad;
  auto header = [&](const NaaPacketHeader& h) {
    for (const auto* cidrs : {&h.source_addresses, &h.destination_addresses}) {
      extra_cidrs.insert(extra_cidrs.end(), cidrs->begin(), cidrs->end());
    }
    for (const auto* names : {&h.source_prefix_lists, &h.destination_prefix_lists}) {
      for (const auto& name : *names) {
        const PrefixList* list = topo.findPrefixList(bareId(name));
        if (list == nullptr) {
          bad = Error{fmt::format("scope {}: prefix list '{}' is not in the input", scope.name, name)};
          continue;
        }
        lists[list->meta.id] = list->cidrs;
        extra_cidrs.insert(extra_cidrs.end(), list->cidrs.begin(), list->cidrs.end());
      }
    }
    extra_ports.insert(extra_ports.end(), h.destination_ports.begin(), h.destination_ports.end());
    for (const auto& range : h.source_ports) {
      source_port_points.insert(static_cast<uint64_t>(std::clamp(range.from, 0, 65536)));
      source_port_points.insert(static_cast<uint64_t>(std::clamp(range.to, -1, 65535) + 1));
    }
  };
  auto onlyInternetGateways = [](const NaaPathStatement& side) {
    if (!side.resource || side.packet_header) return false;
    for (const auto& type : side.resource->resource_types) {
      if (type != "AWS::EC2::InternetGateway") return false;
    }
    for (const auto& id : side.resource->resources) {
      if (!startsWith(bareId(id), "igw-")) return false;
    }
    return true;
  };
  for (const auto* paths : {&scope.match_paths, &scope.exclude_paths}) {
    for (const auto& path : *paths) {
      for (const auto* side : {&path.source, &path.destination}) {
        if (side->packet_header) header(*side->packet_header);
      }
    }
  }
  if (bad) return *bad;

  // Resources the scope names must be in the input (a typo would silently
  // match nothing); resources of kinds the input does not describe make the
  // answer undetermined.
  std::set<std::string> known;
  auto ids = [&](const auto& items) {
    for (const auto& item : items) known.insert(item.meta.id);
  };
  bool names_resources = false;
  for (const auto* paths : {&scope.match_paths, &scope.exclude_paths}) {
    for (const auto& path : *paths) {
      for (const auto* side : {&path.source, &path.destination}) {
        names_resources = names_resources || (side->resource && !side->resource->resources.empty());
      }
      for (const auto& statement : path.through) names_resources = names_resources || !statement.resources.empty();
    }
  }
  if (names_resources) {
  ids(topo.vpcs);
  ids(topo.subnets);
  ids(topo.route_tables);
  ids(topo.security_groups);
  ids(topo.network_acls);
  ids(topo.internet_gateways);
  ids(topo.nat_gateways);
  ids(topo.vpc_endpoints);
  ids(topo.enis);
  ids(topo.instances);
  ids(topo.peering_connections);
  ids(topo.transit_gateways);
  ids(topo.tgw_attachments);
  ids(topo.vpn_gateways);
  }
  std::vector<std::string> unmodelled;
  for (const auto* paths : {&scope.match_paths, &scope.exclude_paths}) {
    for (const auto& path : *paths) {
      std::vector<std::pair<const NaaResourceStatement*, std::string>> statements;
      if (path.source.resource) statements.emplace_back(&*path.source.resource, path.pointer + "/Source");
      if (path.destination.resource) statements.emplace_back(&*path.destination.resource, path.pointer + "/Destination");
      for (size_t i = 0; i < path.through.size(); ++i) {
        statements.emplace_back(&path.through[i], fmt::format("{}/ThroughResources/{}", path.pointer, i));
      }
      for (const auto& [statement, where] : statements) {
        for (const auto& resource : statement->resources) {
          std::string id = bareId(resource);
          if (known.count(id) != 0) continue;
          if (startsWith(resource, "arn:") && resourceTypeOf(id).empty()) {
            unmodelled.push_back(fmt::format("{} names {}, which the input does not describe (resource groups, "
                                             "firewalls and load balancers are not modelled)",
                                             where, resource));
            continue;
          }
          std::string hint = closestMatch(id, std::vector<std::string>(known.begin(), known.end()));
          return Error{fmt::format("scope {}: {} names resource '{}', which is not in the input{}", scope.name, where,
                                   resource, hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint))};
        }
        for (const auto& type : statement->resource_types) {
          if (startsWith(type, "AWS::EC2::")) continue;
          // Paths through these are reported undetermined by the tracer
          // (Network Firewall, Gateway Load Balancer endpoints); as a
          // Source or Destination nothing in the input can match them.
          if (where.find("/ThroughResources/") == std::string::npos) {
            unmodelled.push_back(fmt::format("{} names resource type {}, which the input does not describe", where,
                                             type));
          }
        }
      }
    }
  }

  for (const auto& path : scope.match_paths) {
    // Traffic from the internet enters only through an internet gateway;
    // everything else starts at an interface (or crosses a gateway inside the input).
    bool from_igw = onlyInternetGateways(path.source);
    ingress_needed = ingress_needed || !path.source.resource || from_igw ||
                     resourceMatches(*path.source.resource, Side{{}, {"AWS::EC2::InternetGateway"}});
    if (!path.source.resource) ingress_needed = true;
    for (const auto& id : path.source.resource ? path.source.resource->resources : std::vector<std::string>{}) {
      if (startsWith(bareId(id), "igw-")) ingress_needed = true;
    }
    egress_needed = egress_needed || !from_igw;
    private_destinations = private_destinations || !onlyInternetGateways(path.destination);
  }

  std::vector<Atom> address_atoms = atomsOf(addressBoundaries(ix, extra_cidrs), kAddressSpaceEnd);
  std::vector<HeaderClass> headers = ProtocolSpace(topo, extra_ports).classes();
  std::vector<int> source_ports{49152};
  if (!source_port_points.empty()) {
    source_ports.clear();
    for (const Atom& atom : atomsOf(source_port_points, 65536)) source_ports.push_back(representative(atom, 49152));
  }

  VerifyReport report;
  report.check = "scope " + scope.name;
  report.scope_origin = scope.origin;
  Tally tally;

  // Decides one traced flow against the scope.
  auto judge = [&](const FlowFacts& facts, const Packet& packet, const TraceResult& result,
                   const std::string& source_group) {
    Decision decision;
    decision.group = source_group;
    for (const auto& path : scope.match_paths) {
      if (!pathMatches(path, facts, packet, lists)) continue;
      bool excluded = std::any_of(scope.exclude_paths.begin(), scope.exclude_paths.end(),
                                  [&](const NaaPath& exclude) { return pathMatches(exclude, facts, packet, lists); });
      if (excluded) return decision;
      std::string exit = exitPoint(result);
      if (exit.empty()) {
        for (auto it = result.path.rbegin(); it != result.path.rend() && exit.empty(); ++it) {
          if (it->direction == "forward" && (startsWith(it->rule, "delivered") || it->type == "vpc-peering-connection" ||
                                             it->type == "transit-gateway-attachment" || it->type == "vpc-endpoint" ||
                                             it->type == "nat-gateway")) {
            exit = it->component;
          }
        }
      }
      decision.kind = Decision::Kind::kFinding;
      decision.rule = path.pointer;
      decision.detail = exit;
      decision.round_trip = result.verdict == Verdict::kReachable;
      return decision;
    }
    if (result.verdict != Verdict::kUndetermined) return decision;
    bool could = std::any_of(scope.match_paths.begin(), scope.match_paths.end(),
                             [&](const NaaPath& path) { return sourceMatches(path, facts, packet, lists); });
    if (!could) return decision;
    decision.kind = Decision::Kind::kUndetermined;
    decision.detail = result.explanations.empty() ? "" : result.explanations.front().code;
    return decision;
  };

  // The factored engine needs every class of a key to match the scope alike:
  // statements by resource type only, of interfaces and internet gateways,
  // nothing on the way, no packet header; going out, a Source naming
  // internet gateways or a Destination naming interfaces could tell a class
  // to a held public address (which comes back in) from its shadow.
  bool plain = true;
  bool egress_plain = true;
  for (const auto* paths : {&scope.match_paths, &scope.exclude_paths}) {
    for (const auto& path : *paths) {
      plain = plain && path.through.empty();
      for (const auto* side : {&path.source, &path.destination}) {
        plain = plain && !side->packet_header;
        if (!side->resource) continue;
        plain = plain && side->resource->resources.empty();
        for (const auto& type : side->resource->resource_types) {
          bool interface = type == "AWS::EC2::NetworkInterface";
          plain = plain && (interface || type == "AWS::EC2::InternetGateway");
          egress_plain = egress_plain && (side == &path.source ? interface : !interface);
        }
      }
    }
  }

  if (egress_needed) {
    Sources resolver(ix, options, address_atoms,
                     atomsOf(addressBoundaries(ix, extra_cidrs, Coarser{true, false}), kAddressSpaceEnd));
    for (const auto& subnet : topo.subnets) {
      if (auto error = resolver.add("subnet:" + subnet.meta.id)) return *error;
    }
    std::vector<SourceClass> sources = resolver.take();
    report.source_classes += sources.size();
    std::vector<Atom> destinations;
    std::vector<std::string> holders;  // the interface holding a destination, by destination
    for (const Atom& atom : address_atoms) {
      Ipv4 address = atomAddress(atom);
      if (!private_destinations && !address.isPublic()) continue;
      std::string holder;
      if (auto it = ix.by_private_ip.find(address.value()); it != ix.by_private_ip.end() && atom.end - atom.first == 1) {
        holder = it->second.front()->meta.id;
      }
      destinations.push_back(atom);
      holders.push_back(holder);
    }
    report.header_classes = uint64_t{destinations.size()} * headers.size() * source_ports.size();
    Enumeration e = egressEnumeration(network, sources, std::move(destinations), headers, source_ports,
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
    e.decide = [&](size_t member, const Packet& packet, const TraceResult& result) {
      std::call_once(origin_built[member], [&] { origins[member] = originOf(sources[member]); });
      FlowFacts facts;
      facts.source = origins[member];
      // Held single addresses are atoms of their own, so the class's holder is the address's.
      auto holder = ix.by_private_ip.find(packet.destination.value());
      readPath(ix, result, holder == ix.by_private_ip.end() ? std::string() : holder->second.front()->meta.id, facts);
      return judge(facts, packet, result, displayName(sources[member].subnet->meta));
    };
    tally.append(runEnumeration(ix, e, extra_cidrs, options.factored && plain && egress_plain && !private_destinations,
                                options.threads));
  }

  if (ingress_needed) {
    // Interfaces reachable from the internet: existing ones with a public
    // address, and new ones in subnets that map public addresses on launch.
    struct Inbound {
      Target target;
      std::string eni_id;  ///< "" for a hypothetical interface
      const Eni* eni = nullptr;
      Ipv4 private_address;
    };
    std::vector<Inbound> targets;
    for (const auto& eni : topo.enis) {
      for (const auto& pub : eni.public_ips) {
        Target target;
        target.address = pub.public_ip;
        target.label = displayName(eni.meta);
        targets.push_back({target, eni.meta.id, &eni, pub.private_ip});
      }
    }
    if (options.hypothetical_enis) {
      for (const auto& subnet : topo.subnets) {
        if (!subnet.map_public_ip_on_launch) continue;
        for (const auto& group : topo.security_groups) {
          if (group.vpc_id != subnet.vpc_id) continue;
          Target target;
          target.subnet_id = subnet.meta.id;
          target.security_group_ids = {group.meta.id};
          target.address = Ipv4(subnet.cidr.first().value() + 4);
          target.label = "new interface in " + subnet.meta.id + " with " + group.meta.id;
          targets.push_back({target, "", nullptr, target.address});
        }
      }
    }
    std::vector<Atom> clients;
    for (const Atom& atom : address_atoms) {
      if (atomAddress(atom).isPublic()) clients.push_back(atom);
    }
    report.source_classes += clients.size();
    if (report.header_classes == 0) report.header_classes = uint64_t{headers.size()} * source_ports.size();
    Enumeration e;
    e.egress = false;
    e.inbound = true;
    e.members = targets.size();
    e.atoms = std::move(clients);
    e.headers = headers;
    e.source_ports = source_ports;
    e.packet = [&](size_t member, size_t atom, const HeaderClass& h, int source_port) {
      const Inbound& inbound = targets[member];
      return classPacket(atomAddress(e.atoms[atom]),
                         inbound.eni_id.empty() ? Ipv4(kNewInterfacePublicAddress) : inbound.target.address, h,
                         source_port);
    };
    e.trace = [&](size_t member, size_t /*atom*/, const Packet& packet, bool apart, Consulted* consulted) {
      Endpoint source;
      source.kind = Endpoint::Kind::kExternal;
      source.address = packet.source;
      source.label = "internet host " + packet.source.str();
      Target target = targets[member].target;
      target.security_groups_checked_apart = apart;
      return trace(network, source, target, packet, TraceOptions{apart, consulted});
    };
    e.decide = [&](size_t member, const Packet& packet, const TraceResult& result) {
      const Inbound& inbound = targets[member];
      FlowFacts facts;
      readPath(ix, result, inbound.eni_id, facts);
      if (inbound.eni_id.empty() && facts.reached) {
        // A hypothetical interface: its subnet, VPC and groups.
        const Subnet* subnet = topo.findSubnet(inbound.target.subnet_id);
        facts.destination.add(inbound.target.subnet_id);
        if (subnet != nullptr) facts.destination.add(subnet->vpc_id);
        for (const auto& group : inbound.target.security_group_ids) facts.destination.add(group);
      }
      std::string entry = facts.source.ids.empty() ? "internet" : "internet via " + std::string(facts.source.smallestId());
      return judge(facts, packet, result, entry);
    };
    e.label = [](size_t /*member*/, Ipv4 other) { return "internet host " + other.str(); };
    e.component = [&](size_t member) {
      // The label the tracer gives the delivered interface (tracer.cpp, nodeOfEni and the hypothetical target).
      const Eni* eni = targets[member].eni;
      return eni != nullptr ? displayName(eni->meta) : targets[member].target.label;
    };
    e.groups = [&](size_t member) -> const std::vector<std::string>& {
      const Inbound& inbound = targets[member];
      if (const Eni* eni = inbound.eni) return eni->security_group_ids;
      return inbound.target.security_group_ids;
    };
    SubnetKeys subnet_keys(ix);
    e.key = [&](size_t member) {
      // An interface the public address reaches as it would reach another:
      // the first holder of the address, not a NAT gateway's, no load balancer.
      const Inbound& inbound = targets[member];
      if (inbound.eni_id.empty()) return std::make_pair("new|" + inbound.target.subnet_id, inbound.private_address);
      const Eni* eni = inbound.eni;
      auto holders = ix.by_public_ip.find(inbound.target.address.value());
      bool plain_holder = eni != nullptr && ix.nat_by_public_ip.count(inbound.target.address.value()) == 0 &&
                          holders != ix.by_public_ip.end() && holders->second.front() == eni;
      // What the tracer's isLoadBalancer reads.
      bool balancer = eni != nullptr && (eni->description.rfind("ELB ", 0) == 0 || eni->requester_id == "amazon-elb");
      const Subnet* subnet = eni != nullptr ? topo.findSubnet(eni->subnet_id) : nullptr;
      std::string prefix = plain_holder && subnet != nullptr
                               ? fmt::format("eni|{}|{}|{}", subnet_keys.of(*subnet), eni->interface_type, balancer)
                               : fmt::format("own|{}", member);
      return std::make_pair(prefix, inbound.private_address);
    };
    tally.append(runEnumeration(ix, e, extra_cidrs, options.factored && plain, options.threads));
  }

  // Traffic entering from networks outside the input cannot be enumerated.
  for (const auto& path : scope.match_paths) {
    auto note = [&](const std::string& id, const std::string& what) {
      Side side;
      side.add(id);
      if (path.source.resource && !resourceMatches(*path.source.resource, side)) return;
      ++tally.undetermined_classes;
      TraceResult result;
      result.verdict = Verdict::kUndetermined;
      result.source = id;
      result.explanations.push_back({"LEAVES_SNAPSHOT", id, what});
      tally.undetermined.try_emplace({id, "LEAVES_SNAPSHOT"}, std::move(result));
    };
    for (const auto& vgw : topo.vpn_gateways) {
      note(vgw.meta.id, "traffic entering through this virtual private gateway (VPN, Direct Connect) comes from "
                        "networks not in the input and is not enumerated");
    }
    for (const auto& attachment : topo.tgw_attachments) {
      if (attachment.resource_type != "vpc" && attachment.resource_type != "peering") {
        note(attachment.meta.id, fmt::format("traffic entering through this {} attachment comes from networks not in "
                                             "the input and is not enumerated",
                                             attachment.resource_type));
      }
    }
    for (const auto& pcx : topo.peering_connections) {
      bool both = topo.findVpc(pcx.requester.vpc_id) != nullptr && topo.findVpc(pcx.accepter.vpc_id) != nullptr;
      if (!both) {
        note(pcx.meta.id, "the peer VPC of this peering connection is not in the input; traffic from it is not "
                          "enumerated");
      }
    }
  }

  for (const auto& reason : unmodelled) {
    ++tally.undetermined_classes;
    TraceResult result;
    result.verdict = Verdict::kUndetermined;
    result.source = scope.name;
    result.explanations.push_back({"NOT_MODELLED", scope.origin, reason});
    tally.undetermined.try_emplace({reason, "NOT_MODELLED"}, std::move(result));
  }
  finishReport(report, tally);
  report.assumptions.push_back(
      "paths enumerated: from every interface to every destination address class, and from every public address "
      "class to every interface with a public address; a path matches when its forward packet gets as far as the "
      "destination (the reply is not required)");
  if (options.hypothetical_enis) {
    report.assumptions.push_back(
        "interfaces placed later carry one security group of their subnet's VPC and get a public IPv4 address only "
        "where the subnet maps one on launch");
  }
  report.assumptions.push_back("IPv4 only: IPv6 routes and rules are loaded but not analysed");
  return report;
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
  out.destination = atomAddress(ProtocolSpace::atomOf(impl_->address_atoms, packet.destination.value()));
  impl_->protocols.represent(out);
  return out;
}

size_t HeaderSpace::addressAtoms() const { return impl_->address_atoms.size(); }
size_t HeaderSpace::headerClasses() const { return impl_->header_classes; }

}  // namespace vpcsim::sim

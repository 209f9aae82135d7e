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
#include <map>
#include <optional>
#include <set>
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

/// RFC 6890 special-purpose ranges, as Ipv4::isPublic() knows them; their
/// edges split address atoms so each atom is all public or all special.
constexpr std::array<std::pair<uint32_t, int>, 15> kSpecialRanges = {{
    {0x00000000, 8}, {0x0A000000, 8}, {0x64400000, 10}, {0x7F000000, 8}, {0xA9FE0000, 16},
    {0xAC100000, 12}, {0xC0000000, 24}, {0xC0000200, 24}, {0xC0A80000, 16}, {0xC6120000, 15},
    {0xC6336400, 24}, {0xCB007100, 24}, {0xE0000000, 4}, {0xF0000000, 4}, {0xFFFFFFFF, 32},
}};

bool startsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

/// Half-open atoms [first, end) cut from [0, space) at `points`.
struct Atom {
  uint64_t first = 0;
  uint64_t end = 0;
};

std::vector<Atom> atomsOf(std::set<uint64_t> points, uint64_t space) {
  points.insert(0);
  points.insert(space);
  std::vector<Atom> atoms;
  uint64_t previous = 0;
  for (uint64_t point : points) {
    if (point > space) break;
    if (point > previous) atoms.push_back({previous, point});
    previous = point;
  }
  return atoms;
}

/// The atom's preferred value when it holds it, else its first value.
int representative(const Atom& atom, int preferred) {
  auto value = static_cast<uint64_t>(preferred);
  return static_cast<int>(value >= atom.first && value < atom.end ? value : atom.first);
}

/// Every address boundary any rule, route or address of the topology uses.
std::set<uint64_t> addressBoundaries(const Network::Index& ix) {
  const Topology& topo = ix.topo;
  std::set<uint64_t> points;
  auto cidr = [&](const Cidr& block) {
    points.insert(block.first().value());
    points.insert(uint64_t{block.last().value()} + 1);
  };
  auto host = [&](Ipv4 address) { cidr(Cidr::of(address, 32)); };
  for (const auto& [base, prefix] : kSpecialRanges) cidr(Cidr::of(Ipv4(base), prefix));
  host(Ipv4(0xC6336401));  // the tracer's stand-in public address of new interfaces
  for (const auto& vpc : topo.vpcs) {
    for (const auto& block : vpc.cidrs) cidr(block);
    for (const auto& block : vpc.disassociated_cidrs) cidr(block);
  }
  for (const auto& subnet : topo.subnets) cidr(subnet.cidr);
  for (const auto& table : topo.route_tables) {
    for (const auto& route : table.routes) {
      if (route.destination) cidr(*route.destination);
    }
  }
  for (const auto& list : topo.prefix_lists) {
    for (const auto& block : list.cidrs) cidr(block);
  }
  for (const auto& acl : topo.network_acls) {
    for (const auto& entry : acl.entries) {
      if (entry.cidr) cidr(*entry.cidr);
    }
  }
  for (const auto& group : topo.security_groups) {
    for (const auto* rules : {&group.ingress, &group.egress}) {
      for (const auto& rule : *rules) {
        if (rule.peer_kind == PeerKind::kCidr) cidr(rule.cidr);
      }
    }
  }
  for (const auto& eni : topo.enis) {
    for (const auto& ip : eni.private_ips) host(ip);
    for (const auto& pub : eni.public_ips) host(pub.public_ip);
  }
  for (const auto& eni : ix.synthetic_enis) {
    for (const auto& ip : eni.private_ips) host(ip);
  }
  for (const auto& nat : topo.nat_gateways) {
    for (const auto& ip : nat.private_ips) host(ip);
    for (const auto& ip : nat.public_ips) host(ip);
  }
  for (const auto& pcx : topo.peering_connections) {
    for (const auto& block : pcx.requester.cidrs) cidr(block);
    for (const auto& block : pcx.accepter.cidrs) cidr(block);
  }
  for (const auto& table : topo.tgw_route_tables) {
    for (const auto& route : table.static_routes) cidr(route.destination);
  }
  return points;
}

/// One class of packet headers (the destination address is chosen apart).
struct HeaderClass {
  int protocol = kProtocolTcp;
  int destination_port = 443;
  int icmp_type = 8;
  int icmp_code = 0;
};

/// Protocol, port and ICMP classes from every SG rule and NACL entry.
std::vector<HeaderClass> headerClasses(const Topology& topo) {
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
  std::vector<HeaderClass> out;
  for (int protocol : {kProtocolTcp, kProtocolUdp}) {
    std::set<uint64_t> points = port_points[protocol];
    points.insert(1024);  // the NAT gateway's source-port floor
    for (const Atom& atom : atomsOf(points, 65536)) {
      out.push_back({protocol, representative(atom, 443), 0, 0});
    }
  }
  for (const Atom& type : atomsOf(type_points, 256)) {
    for (const Atom& code : atomsOf(code_points, 256)) {
      out.push_back({kProtocolIcmp, 0, representative(type, 8), representative(code, 0)});
    }
  }
  // Protocol numbers named by a rule are classes of their own; every other
  // number behaves alike, so one unnamed number (ESP, 50, when free) stands
  // for them.
  for (int protocol : protocols) {
    if (protocol >= 0 && protocol != kProtocolTcp && protocol != kProtocolUdp && protocol != kProtocolIcmp) {
      out.push_back({protocol, 0, 0, 0});
    }
  }
  int unnamed = -1;
  for (int candidate = 50; candidate < 50 + 256 && unnamed < 0; ++candidate) {
    int number = candidate % 256;
    if (number != kProtocolTcp && number != kProtocolUdp && number != kProtocolIcmp && protocols.count(number) == 0) {
      unnamed = number;
    }
  }
  if (unnamed >= 0) out.push_back({unnamed, 0, 0, 0});
  return out;
}

/// One source class: an interface (real or hypothetical) at one address.
struct SourceClass {
  Endpoint endpoint;
  const Subnet* subnet = nullptr;  ///< nullptr for platform networks
  std::string platform_reason;     ///< set: the source bypasses the customer VPC with internet access
};

class Sources {
 public:
  Sources(const Network::Index& ix, const VerifyOptions& options, const std::vector<Atom>& address_atoms)
      : ix_(ix), options_(options), atoms_(address_atoms) {
    for (const auto& eni : ix.topo.enis) {
      for (const auto& ip : eni.private_ips) held_.insert(ip.value());
    }
    for (const auto& eni : ix.synthetic_enis) {
      for (const auto& ip : eni.private_ips) held_.insert(ip.value());
    }
    for (const auto& nat : ix.topo.nat_gateways) {
      for (const auto& ip : nat.private_ips) held_.insert(ip.value());
    }
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
    for (const auto& eni : topo().enis) {
      if (eni.subnet_id == subnet->meta.id) addEni(eni);
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
  void addEni(const Eni& eni) {
    if (ix_.nat_by_eni.count(eni.meta.id) != 0 || ix_.endpoint_by_eni.count(eni.meta.id) != 0 ||
        eni.interface_type == "nat_gateway" || eni.interface_type == "vpc_endpoint") {
      return;
    }
    const Subnet* subnet = topo().findSubnet(eni.subnet_id);
    if (subnet == nullptr) return;
    std::vector<std::string> groups = eni.security_group_ids;
    std::sort(groups.begin(), groups.end());
    for (const auto& ip : eni.private_ips) {
      bool has_public = std::any_of(eni.public_ips.begin(), eni.public_ips.end(),
                                    [&](const PublicAddress& pub) { return pub.private_ip == ip; });
      if (!remember(*subnet, groups, atomIndex(ip.value()), has_public)) continue;
      SourceClass source;
      source.subnet = subnet;
      source.endpoint.kind = Endpoint::Kind::kEni;
      source.endpoint.eni_id = eni.meta.id;
      source.endpoint.address = ip;
      source.endpoint.label = displayName(eni.meta);
      out_.push_back(std::move(source));
    }
  }

  /// A new interface with `groups` at one free address of every
  /// source-address atom of the subnet (AWS reserves the first four
  /// addresses and the last: VPC User Guide, "Subnet CIDR blocks").
  void addHypothetical(const Subnet& subnet, std::vector<std::string> groups, const std::string& label) {
    std::sort(groups.begin(), groups.end());
    uint64_t low = uint64_t{subnet.cidr.first().value()} + 4;
    uint64_t high = uint64_t{subnet.cidr.last().value()};  // exclusive: the last address is reserved
    for (size_t index = atomIndex(static_cast<uint32_t>(std::min(low, high))); index < atoms_.size(); ++index) {
      const Atom& atom = atoms_[index];
      if (atom.first >= high) break;
      uint64_t address = std::max(atom.first, low);
      uint64_t end = std::min(atom.end, high);
      while (address < end && held_.count(static_cast<uint32_t>(address)) != 0) ++address;
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

  size_t atomIndex(uint32_t address) const {
    auto it = std::upper_bound(atoms_.begin(), atoms_.end(), uint64_t{address},
                               [](uint64_t value, const Atom& atom) { return value < atom.end; });
    return static_cast<size_t>(it - atoms_.begin());
  }

  /// False when an identical class was already added.
  bool remember(const Subnet& subnet, const std::vector<std::string>& groups, size_t atom, bool has_public) {
    std::string key = fmt::format("{}|{}|{}|{}", subnet.meta.id, fmt::join(groups, ","), atom, has_public);
    return seen_.insert(key).second;
  }

  std::vector<SourceClass> take() { return std::move(out_); }

 private:
  const Network::Index& ix_;
  const VerifyOptions& options_;
  const std::vector<Atom>& atoms_;
  std::set<uint32_t> held_;
  std::set<std::string> seen_;
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

}  // namespace

Result<InternetFreeReport> verifyInternetFree(const Network& network, const std::vector<std::string>& source_refs,
                                              const VerifyOptions& options) {
  const Network::Index& ix = network.index();
  if (source_refs.empty()) return Error{"--internet-free needs at least one source"};
  std::vector<Atom> address_atoms = atomsOf(addressBoundaries(ix), kAddressSpaceEnd);
  Sources resolver(ix, options, address_atoms);
  for (const auto& ref : source_refs) {
    if (auto error = resolver.add(ref)) return *error;
  }
  std::vector<SourceClass> sources = resolver.take();
  std::vector<Ipv4> destinations;
  for (const Atom& atom : address_atoms) {
    Ipv4 first(static_cast<uint32_t>(atom.first));
    if (!first.isPublic()) continue;
    destinations.push_back(atom.first <= 0x08080808 && 0x08080808 < atom.end ? Ipv4(0x08080808) : first);
  }
  std::vector<HeaderClass> headers = headerClasses(ix.topo);

  InternetFreeReport report;
  report.sources = source_refs;
  report.source_classes = sources.size();
  report.header_classes = uint64_t{destinations.size()} * headers.size();
  std::map<std::pair<std::string, std::string>, InternetFinding> groups;
  std::map<std::pair<std::string, std::string>, TraceResult> undetermined;
  std::set<std::string> assumptions;
  Target target;
  target.any_internet = true;
  target.label = "internet";
  for (const SourceClass& source : sources) {
    if (!source.platform_reason.empty()) {
      InternetFinding& finding = groups[{"", "SageMaker-managed network"}];
      if (finding.classes == 0) {
        finding.exit_point = "SageMaker-managed network";
        finding.source = source.endpoint.label;
        finding.example.destination = Ipv4(0x08080808);
        finding.example_text = source.platform_reason;
        finding.round_trip = true;
        finding.path.push_back({"SageMaker-managed network", "platform-network", "internet access", "forward"});
      }
      finding.classes += report.header_classes;
      report.classes_checked += report.header_classes;
      continue;
    }
    std::string subnet_name = displayName(source.subnet->meta);
    for (Ipv4 destination : destinations) {
      target.address = destination;
      for (const HeaderClass& header : headers) {
        Packet packet;
        packet.source = source.endpoint.address;
        packet.destination = destination;
        packet.protocol = header.protocol;
        packet.destination_port = header.destination_port;
        packet.icmp_type = header.icmp_type;
        packet.icmp_code = header.icmp_code;
        TraceResult result = trace(network, source.endpoint, target, packet);
        ++report.classes_checked;
        for (const auto& assumption : result.assumptions) assumptions.insert(generalise(assumption));
        std::string exit = exitPoint(result);
        if (!exit.empty()) {
          InternetFinding& finding = groups[{subnet_name, exit}];
          bool round_trip = result.verdict == Verdict::kReachable;
          // Prefer a round-trip example, then one to 8.8.8.8 over tcp/443.
          auto score = [](bool trip, const Packet& p) {
            return (trip ? 4 : 0) + (p.destination == Ipv4(0x08080808) ? 2 : 0) +
                   (p.protocol == kProtocolTcp && p.destination_port == 443 ? 1 : 0);
          };
          if (finding.classes == 0 || score(round_trip, packet) > score(finding.round_trip, finding.example)) {
            finding.source_subnet = subnet_name;
            finding.exit_point = exit;
            finding.source = source.endpoint.label;
            finding.example = packet;
            finding.example_text = describePacket(packet);
            finding.round_trip = round_trip;
            finding.path = result.path;
          }
          ++finding.classes;
        } else if (result.verdict == Verdict::kUndetermined) {
          ++report.undetermined_classes;
          std::string code = result.explanations.empty() ? "" : result.explanations.front().code;
          auto [it, inserted] = undetermined.try_emplace({subnet_name, code});
          if (inserted) it->second = std::move(result);
        }
      }
    }
  }
  for (auto& [key, finding] : groups) report.findings.push_back(std::move(finding));
  for (auto& [key, result] : undetermined) report.undetermined.push_back(std::move(result));
  if (!report.findings.empty()) {
    report.verdict = Verdict::kReachable;
  } else if (report.undetermined_classes > 0) {
    report.verdict = Verdict::kUndetermined;
  }
  report.assumptions.assign(assumptions.begin(), assumptions.end());
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

}  // namespace vpcsim::sim

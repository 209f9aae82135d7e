// Naive reference evaluator: follows one concrete packet from an ENI by plain loops over the topology.
//
// Written to be obviously right rather than fast: no indexes, no caching,
// every lookup a loop over the Topology vectors, every AWS rule spelled out
// where it applies. It shares no code with sim/.
#include "tests/support/reference_evaluator.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

namespace vpcsim::reference {

using namespace topology;

std::string_view verdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kReachable: return "reachable";
    case Verdict::kUnreachable: return "unreachable";
    case Verdict::kUndetermined: return "undetermined";
    case Verdict::kPartial: return "partial";
  }
  return "undetermined";
}

std::string describe(const Packet& packet) {
  if (packet.protocol == kProtocolIcmp || packet.protocol == kProtocolIcmpv6) {
    return std::string(packet.protocol == kProtocolIcmp ? "icmp " : "icmpv6 ") + packet.source.str() + " -> " + packet.destination.str() + " type " +
           std::to_string(packet.icmp_type) + " code " + std::to_string(packet.icmp_code);
  }
  if (packet.protocol == kProtocolTcp || packet.protocol == kProtocolUdp) {
    return std::string(packet.protocol == kProtocolTcp ? "tcp " : "udp ") + packet.source.str() + ":" +
           std::to_string(packet.source_port) + " -> " + packet.destination.str() + ":" +
           std::to_string(packet.destination_port);
  }
  return "protocol " + std::to_string(packet.protocol) + " " + packet.source.str() + " -> " +
         packet.destination.str();
}

namespace {

/// Enough for any real path; more means the packet loops. A looping packet
/// is undetermined: no AWS document says whether it is dropped when its TTL
/// runs out or otherwise, and the project reports what the documents do not
/// settle as undetermined (docs/semantics.md, "Routing loops").
constexpr int kStepLimit = 64;

Ipv4 address(uint32_t a, uint32_t b, uint32_t c, uint32_t d) { return Ipv4((a << 24) | (b << 16) | (c << 8) | d); }

/// IANA IPv4 Special-Purpose Address Registry (RFC 6890): blocks that are
/// not globally reachable, plus multicast and the reserved class E.
bool isInternetAddress(Ipv4 ip) {
  const std::pair<Ipv4, int> special[] = {
      {address(0, 0, 0, 0), 8},       {address(10, 0, 0, 0), 8},     {address(100, 64, 0, 0), 10},
      {address(127, 0, 0, 0), 8},     {address(169, 254, 0, 0), 16}, {address(172, 16, 0, 0), 12},
      {address(192, 0, 0, 0), 24},    {address(192, 0, 2, 0), 24},   {address(192, 168, 0, 0), 16},
      {address(198, 18, 0, 0), 15},   {address(198, 51, 100, 0), 24}, {address(203, 0, 113, 0), 24},
      {address(224, 0, 0, 0), 4},     {address(240, 0, 0, 0), 4},
  };
  for (const auto& [base, prefix] : special) {
    if (Cidr::of(base, prefix).contains(ip)) return false;
  }
  return true;  // 255.255.255.255 lies in 240.0.0.0/4
}

/// RFC 4291, "Global Unicast Addresses" (IANA assigns them from 2000::/3):
/// the only IPv6 addresses an internet gateway carries to and from the
/// internet; ULA (fc00::/7), link-local (fe80::/10), multicast (ff00::/8)
/// and the NAT64 prefix 64:ff9b::/96 lie outside it.
bool isGlobalUnicast(Ipv6 ip) { return (ip.group(0) & 0xE000) == 0x2000; }

bool isInternetAddress(const IpAddress& ip) {
  return ip.isV6() ? isGlobalUnicast(ip.v6()) : isInternetAddress(ip.v4());
}

/// The IPv6 blocks a VPC or subnet owns: its associations in state
/// "associated" (EC2 API Reference, VpcIpv6CidrBlockAssociation: a block
/// being disassociated, or whose association failed, is not the VPC's).
/// Known blocks only; run() settles IPv6 packets with unknown ones as
/// undetermined before any of this is consulted.
std::vector<Cidr6> ownedIpv6(const std::vector<Ipv6Association>& associations) {
  std::vector<Cidr6> out;
  for (const auto& association : associations) {
    if (association.state == "associated" && association.block.known()) out.push_back(association.block.cidr());
  }
  return out;
}

bool anyContains(const std::vector<Cidr6>& blocks, const IpAddress& ip) {
  if (!ip.isV6()) return false;
  for (const auto& block : blocks) {
    if (block.contains(ip.v6())) return true;
  }
  return false;
}

/// Whether the interface holds IPv6 `ip`: one of its addresses, or inside a
/// prefix delegated to it (EC2 User Guide, "Assign prefixes to network
/// interfaces").
bool holdsIpv6(const Eni& eni, Ipv6 ip) {
  for (const auto& address : eni.ipv6_addresses) {
    if (address == ip) return true;
  }
  for (const auto& prefix : eni.ipv6_prefixes) {
    if (prefix.contains(ip)) return true;
  }
  return false;
}

/// Whether any IPv6 block of the input is known only at deployment
/// (Ipv6Block::known() false). The reference does not guess where AWS puts
/// such a block.
bool anyUnknownIpv6Block(const Topology& topo) {
  auto unknown = [](const std::vector<Ipv6Association>& associations) {
    for (const auto& association : associations) {
      if (!association.block.known()) return true;
    }
    return false;
  };
  for (const auto& vpc : topo.vpcs) {
    if (unknown(vpc.ipv6_blocks)) return true;
  }
  for (const auto& subnet : topo.subnets) {
    if (unknown(subnet.ipv6_blocks)) return true;
  }
  for (const auto& table : topo.route_tables) {
    for (const auto& route : table.routes) {
      if (route.destination_ipv6 && !route.destination_ipv6->known()) return true;
    }
  }
  for (const auto& acl : topo.network_acls) {
    for (const auto& entry : acl.entries) {
      if (entry.ipv6_cidr && !entry.ipv6_cidr->known()) return true;
    }
  }
  for (const auto& group : topo.security_groups) {
    for (const auto* rules : {&group.ingress, &group.egress}) {
      for (const auto& rule : *rules) {
        if (rule.peer_kind == PeerKind::kIpv6Cidr && !rule.cidr6.known()) return true;
      }
    }
  }
  return false;
}

bool contains(const std::vector<std::string>& ids, const std::string& id) {
  for (const auto& item : ids) {
    if (item == id) return true;
  }
  return false;
}

bool contains(const std::vector<Ipv4>& ips, Ipv4 ip) {
  for (const auto& item : ips) {
    if (item == ip) return true;
  }
  return false;
}

bool isTcpOrUdp(int protocol) { return protocol == kProtocolTcp || protocol == kProtocolUdp; }
bool isIcmp(int protocol) { return protocol == kProtocolIcmp || protocol == kProtocolIcmpv6; }

/// The reply to `packet`: addresses and ports swapped; an ICMP echo request
/// (type 8) is answered by an echo reply (type 0), RFC 792; an ICMPv6 echo
/// request (type 128) by an echo reply (type 129), RFC 4443 section 4.
Packet replyTo(const Packet& packet) {
  Packet reply = packet;
  reply.source = packet.destination;
  reply.destination = packet.source;
  reply.source_port = packet.destination_port;
  reply.destination_port = packet.source_port;
  if (packet.protocol == kProtocolIcmp && packet.icmp_type == 8) reply.icmp_type = 0;
  if (packet.protocol == kProtocolIcmpv6 && packet.icmp_type == 128) reply.icmp_type = 129;
  return reply;
}

/// The well-known NAT64 prefix 64:ff9b::/96 (RFC 6052), which a NAT gateway
/// translates (VPC User Guide, "DNS64 and NAT64").
bool isNat64(const IpAddress& ip) {
  return ip.isV6() && ip.v6().high() == 0x0064ff9b00000000ULL && (ip.v6().low() >> 32) == 0;
}

/// Whatever holds a private address inside a VPC: an ENI or a NAT gateway.
struct Holder {
  const Eni* eni = nullptr;         ///< set for an ordinary interface
  const NatGateway* nat = nullptr;  ///< set for a NAT gateway (its ENI is reported as the gateway)
  const Subnet* subnet = nullptr;
  IpAddress address;  ///< the private IPv4 or the IPv6 address the packet uses
};

/// Where a packet ended.
struct Outcome {
  enum class End { kDropped, kUndetermined, kHolder, kInternet, kService };
  End end = End::kDropped;
  Holder holder;  ///< kHolder
  Packet packet;  ///< as it arrived
};

Outcome dropped() { return Outcome{Outcome::End::kDropped, {}, {}}; }
Outcome undetermined() { return Outcome{Outcome::End::kUndetermined, {}, {}}; }

enum class Tri { kNo, kYes, kUnknown };

class Evaluator {
 public:
  explicit Evaluator(const Topology& topo) : topo_(topo) {}

  Result run(std::string_view source_eni_id, const Packet& packet) {
    const Eni* source_eni = nullptr;
    for (const auto& eni : topo_.enis) {
      if (eni.meta.id == source_eni_id) source_eni = &eni;
    }
    if (source_eni == nullptr) return finish(Verdict::kUndetermined, "source ENI is not in the input");
    const Subnet* source_subnet = subnetById(source_eni->subnet_id);
    if (source_subnet == nullptr) return finish(Verdict::kUndetermined, "source subnet is not in the input");
    Holder source;
    source.eni = source_eni;
    source.subnet = source_subnet;
    source.address = packet.source;
    if ((packet.source.isV6() || packet.destination.isV6()) && anyUnknownIpv6Block(topo_)) {
      return finish(Verdict::kUndetermined, "an IPv6 block of the input is known only at deployment");
    }

    // ---- services the host answers (Amazon DNS, metadata, Time Sync) ----
    if (std::optional<Result> answered = hostService(*source_eni, packet)) return *answered;

    // ---- the request ----
    note("forward: " + describe(packet) + " from " + source_eni->meta.id);
    Outcome forward = send(source, packet);
    if (forward.end == Outcome::End::kDropped) return finish(Verdict::kUnreachable, "request dropped");
    if (forward.end == Outcome::End::kUndetermined) return finish(Verdict::kUndetermined, "request undetermined");
    if (forward.end == Outcome::End::kHolder) {
      // Delivered to the interface holding the destination (privately or
      // through its public address); after NAT64, the IPv4 address embedded
      // in the destination.
      IpAddress wanted = packet.destination;
      if (nat64_destination_) wanted = Ipv4(static_cast<uint32_t>(nat64_destination_->v6().low()));
      bool right = forward.holder.address == wanted ||
                   (!wanted.isV6() && publicAddressOf(forward.holder) == std::optional<Ipv4>(wanted.v4()));
      if (!right) return finish(Verdict::kUnreachable, "request delivered somewhere else");
    }

    // ---- the reply: SGs are stateful (not checked), NACLs and routes are ----
    replying_ = true;
    steps_left_ = kStepLimit;
    Packet back = replyTo(forward.packet);
    note("reply: " + describe(back));
    Outcome returned;
    switch (forward.end) {
      case Outcome::End::kHolder: returned = send(forward.holder, back); break;
      case Outcome::End::kInternet: returned = fromInternet(back); break;
      case Outcome::End::kService: returned = replyFromService(back); break;
      case Outcome::End::kDropped:
      case Outcome::End::kUndetermined: break;
    }
    if (returned.end == Outcome::End::kDropped) return finish(Verdict::kUnreachable, "reply dropped");
    if (returned.end == Outcome::End::kUndetermined) return finish(Verdict::kUndetermined, "reply undetermined");
    bool home = returned.end == Outcome::End::kHolder && returned.holder.eni == source_eni &&
                returned.holder.address == packet.source && returned.packet.destination == packet.source;
    if (!home) return finish(Verdict::kUnreachable, "reply does not come back to the source");
    if (partial_) return finish(Verdict::kPartial, "reply back at the source; some load balancer targets do not answer");
    return finish(Verdict::kReachable, "reply back at the source");
  }

 private:
  /// The EC2 host answers these itself, unfiltered by security groups and
  /// network ACLs: DNS (udp/tcp 53) at 169.254.169.253 and at the base of
  /// the source VPC's first CIDR + 2; metadata (tcp 80) at 169.254.169.254
  /// and Time Sync (udp 123) at 169.254.169.123 for interfaces attached to
  /// an instance. Another VPC's base + 2 on port 53: undetermined.
  /// Over IPv6 the three are at fd00:ec2::253, fd00:ec2::254 and
  /// fd00:ec2::123 (Nitro instances only; taken to be one); the IPv6
  /// metadata endpoint answers only when HttpProtocolIpv6 is enabled (EC2
  /// User Guide, "Configure the instance metadata options"), which the input
  /// does not carry: undetermined.
  std::optional<Result> hostService(const Eni& source, const Packet& packet) {
    if (packet.destination.isV6()) return hostService6(source, packet);
    const uint32_t to = packet.destination.v4().value();
    const Vpc* own = nullptr;
    bool other_resolver = false;
    for (const auto& vpc : topo_.vpcs) {
      if (vpc.cidrs.empty()) continue;
      bool resolver = vpc.cidrs[0].base().value() + 2 == to;
      if (vpc.meta.id == source.vpc_id) {
        own = &vpc;
        if (resolver) other_resolver = false;
      }
      if (resolver && vpc.meta.id != source.vpc_id) other_resolver = true;
    }
    bool own_resolver = own != nullptr && own->cidrs[0].base().value() + 2 == to;
    int service_protocol = 0;
    int service_port = 0;
    bool dns = false;
    if (to == address(169, 254, 169, 253).value() || own_resolver) {
      dns = true;
      service_port = 53;
    } else if (to == address(169, 254, 169, 254).value()) {
      service_protocol = kProtocolTcp;
      service_port = 80;
    } else if (to == address(169, 254, 169, 123).value()) {
      service_protocol = kProtocolUdp;
      service_port = 123;
    } else if (other_resolver && isTcpOrUdp(packet.protocol) && packet.destination_port == 53) {
      return finish(Verdict::kUndetermined, "another VPC's DNS server");
    } else {
      return std::nullopt;
    }
    note("to a service the host answers: " + describe(packet));
    if (!isTcpOrUdp(packet.protocol)) return finish(Verdict::kUndetermined, "host service, not TCP or UDP");
    bool protocol_ok = dns || packet.protocol == service_protocol;
    if (!protocol_ok || packet.destination_port != service_port) {
      return finish(Verdict::kUnreachable, "host service does not answer this port");
    }
    if (dns) {
      if (own != nullptr && !own->dns_support) return finish(Verdict::kUnreachable, "DNS support disabled");
      return finish(Verdict::kReachable, "answered by the Amazon DNS server");
    }
    if (source.instance_id.empty()) return finish(Verdict::kUndetermined, "not an instance's interface");
    for (const auto& instance : topo_.instances) {
      if (instance.meta.id == source.instance_id && service_port == 80 && !instance.metadata_endpoint) {
        return finish(Verdict::kUnreachable, "metadata endpoint disabled");
      }
    }
    return finish(Verdict::kReachable, "answered by the host");
  }

  std::optional<Result> hostService6(const Eni& source, const Packet& packet) {
    const Ipv6 to = packet.destination.v6();
    if (to.high() != 0xfd000ec200000000ULL) return std::nullopt;
    int service_port = 0;
    if (to.low() == 0x253) {
      service_port = 53;
    } else if (to.low() == 0x254) {
      service_port = 80;
    } else if (to.low() == 0x123) {
      service_port = 123;
    } else {
      return std::nullopt;
    }
    note("to a service the host answers over IPv6: " + describe(packet));
    if (!isTcpOrUdp(packet.protocol)) return finish(Verdict::kUndetermined, "host service, not TCP or UDP");
    bool protocol_ok = service_port == 53 || (service_port == 80 ? packet.protocol == kProtocolTcp
                                                                  : packet.protocol == kProtocolUdp);
    if (!protocol_ok || packet.destination_port != service_port) {
      return finish(Verdict::kUnreachable, "host service does not answer this port");
    }
    if (service_port == 80) return finish(Verdict::kUndetermined, "IPv6 metadata endpoint may be disabled");
    if (service_port == 53) {
      const Vpc* own = vpcById(source.vpc_id);
      if (own != nullptr && !own->dns_support) return finish(Verdict::kUnreachable, "DNS support disabled");
      return finish(Verdict::kReachable, "answered by the Amazon DNS server");
    }
    if (source.instance_id.empty()) return finish(Verdict::kUndetermined, "not an instance's interface");
    return finish(Verdict::kReachable, "answered by the host");
  }

  // ---- bookkeeping ---------------------------------------------------------

  void note(std::string text) { steps_.push_back((replying_ ? "  [reply] " : "  ") + std::move(text)); }
  Outcome drop(const std::string& why) {
    note("DROP: " + why);
    return dropped();
  }
  Outcome unknown(const std::string& why) {
    note("UNDETERMINED: " + why);
    return undetermined();
  }
  Result finish(Verdict verdict, const std::string& why) {
    note(std::string(verdictName(verdict)) + ": " + why);
    return Result{verdict, std::move(steps_)};
  }
  /// Counts one routing step; false when the packet has gone round too
  /// often (kStepLimit: the caller answers undetermined, "routing loop").
  bool step() { return --steps_left_ > 0; }

  // ---- lookups: plain loops ----------------------------------------------

  const Vpc* vpcById(const std::string& id) const {
    for (const auto& vpc : topo_.vpcs) {
      if (vpc.meta.id == id) return &vpc;
    }
    return nullptr;
  }
  const Subnet* subnetById(const std::string& id) const {
    for (const auto& subnet : topo_.subnets) {
      if (subnet.meta.id == id) return &subnet;
    }
    return nullptr;
  }
  const SecurityGroup* groupById(const std::string& id) const {
    for (const auto& group : topo_.security_groups) {
      if (group.meta.id == id) return &group;
    }
    return nullptr;
  }
  const PrefixList* prefixListById(const std::string& id) const {
    for (const auto& list : topo_.prefix_lists) {
      if (list.meta.id == id) return &list;
    }
    return nullptr;
  }
  const NatGateway* natByEniId(const std::string& eni_id) const {
    for (const auto& nat : topo_.nat_gateways) {
      if (!nat.eni_id.empty() && nat.eni_id == eni_id) return &nat;
    }
    return nullptr;
  }

  /// VPC User Guide, "Subnet route tables": the explicitly associated table,
  /// else the VPC's main table.
  const RouteTable* routeTableOf(const Subnet& subnet) const {
    for (const auto& table : topo_.route_tables) {
      if (contains(table.subnet_ids, subnet.meta.id)) return &table;
    }
    for (const auto& table : topo_.route_tables) {
      if (table.main && table.vpc_id == subnet.vpc_id) return &table;
    }
    return nullptr;
  }

  /// VPC User Guide, "Network ACLs": the explicitly associated ACL, else the
  /// VPC's default ACL.
  const NetworkAcl* aclOf(const Subnet& subnet) const {
    for (const auto& acl : topo_.network_acls) {
      if (contains(acl.subnet_ids, subnet.meta.id)) return &acl;
    }
    for (const auto& acl : topo_.network_acls) {
      if (acl.is_default && acl.vpc_id == subnet.vpc_id) return &acl;
    }
    return nullptr;
  }

  Holder holderOfNat(const NatGateway& nat) const {
    Holder holder;
    holder.nat = &nat;
    holder.subnet = subnetById(nat.subnet_id);
    if (!nat.private_ips.empty()) holder.address = nat.private_ips.front();
    return holder;
  }

  /// What in `vpc_id` holds private `ip`: a NAT gateway, else an ENI; for
  /// IPv6, the interface with that address (a NAT gateway has none).
  std::optional<Holder> holderInVpc(const std::string& vpc_id, const IpAddress& ip) const {
    if (!ip.isV6()) {
      for (const auto& nat : topo_.nat_gateways) {
        if (nat.vpc_id == vpc_id && contains(nat.private_ips, ip.v4())) return holderOfNat(nat);
      }
    }
    for (const auto& eni : topo_.enis) {
      const bool holds = ip.isV6() ? holdsIpv6(eni, ip.v6()) : contains(eni.private_ips, ip.v4());
      if (eni.vpc_id != vpc_id || !holds) continue;
      if (const NatGateway* nat = natByEniId(eni.meta.id)) {
        if (ip.isV6()) continue;
        return holderOfNat(*nat);
      }
      Holder holder;
      holder.eni = &eni;
      holder.subnet = subnetById(eni.subnet_id);
      holder.address = ip;
      return holder;
    }
    return std::nullopt;
  }

  /// What holds public `ip` (a NAT gateway's Elastic IP, else an ENI's
  /// public IP); for IPv6, the interface with that address in any VPC: AWS
  /// does not translate IPv6, so the address the internet sees is the
  /// interface's own (VPC User Guide, "IPv6 addresses").
  std::optional<Holder> holderOfPublic(const IpAddress& ip) const {
    if (ip.isV6()) {
      for (const auto& eni : topo_.enis) {
        if (holdsIpv6(eni, ip.v6())) return holderInVpc(eni.vpc_id, ip);
      }
      return std::nullopt;
    }
    for (const auto& nat : topo_.nat_gateways) {
      if (contains(nat.public_ips, ip.v4())) return holderOfNat(nat);
    }
    for (const auto& eni : topo_.enis) {
      for (const auto& pub : eni.public_ips) {
        if (pub.public_ip == ip) return holderInVpc(eni.vpc_id, pub.private_ip);
      }
    }
    return std::nullopt;
  }

  /// The public IPv4 / Elastic IP that the internet gateway maps to this
  /// holder's private address, if any.
  std::optional<Ipv4> publicAddressOf(const Holder& holder) const {
    if (holder.nat != nullptr) {
      if (holder.nat->public_ips.empty()) return std::nullopt;
      return holder.nat->public_ips.front();
    }
    if (holder.eni == nullptr) return std::nullopt;
    for (const auto& pub : holder.eni->public_ips) {
      if (pub.private_ip == holder.address) return pub.public_ip;
    }
    return std::nullopt;
  }

  /// True when some interface carrying security group `group_id` holds `ip`
  /// as a private address (VPC User Guide, "Security group rules": a rule that
  /// references a group matches the private IPs of the group's members).
  bool memberOfGroupHolds(const std::string& group_id, const IpAddress& ip) const {
    for (const auto& eni : topo_.enis) {
      if (natByEniId(eni.meta.id) != nullptr) continue;  // a NAT gateway has no security groups
      const bool holds = ip.isV6() ? holdsIpv6(eni, ip.v6()) : contains(eni.private_ips, ip.v4());
      if (contains(eni.security_group_ids, group_id) && holds) return true;
    }
    return false;
  }

  // ---- rules ---------------------------------------------------------------

  /// VPC User Guide, "Security group rules": protocol -1 is everything; TCP
  /// and UDP match the destination port against the range; ICMP and ICMPv6
  /// use the from/to fields as type/code with -1 for any.
  static bool sgRuleMatchesTraffic(const SgRule& rule, const Packet& packet) {
    if (rule.protocol == kProtocolAll) return true;
    if (rule.protocol != packet.protocol) return false;
    if (isTcpOrUdp(packet.protocol)) {
      if (rule.from_port < 0 && rule.to_port < 0) return true;
      return rule.from_port <= packet.destination_port && packet.destination_port <= rule.to_port;
    }
    if (isIcmp(packet.protocol)) {
      bool type_ok = rule.from_port < 0 || rule.from_port == packet.icmp_type;
      bool code_ok = rule.to_port < 0 || rule.to_port == packet.icmp_code;
      return type_ok && code_ok;
    }
    return true;
  }

  /// Allowed if any rule of any of the groups allows it; rules never deny.
  /// VPC User Guide, "Security group rules": a rule names an IPv4 or an
  /// IPv6 CIDR (CidrIp / CidrIpv6) and matches peers of that family only.
  Tri securityGroupsAllow(const std::vector<std::string>& group_ids, bool egress, const Packet& packet) {
    const IpAddress peer = egress ? packet.destination : packet.source;
    bool unsure = false;
    for (const auto& group_id : group_ids) {
      const SecurityGroup* group = groupById(group_id);
      if (group == nullptr) {
        unsure = true;
        continue;
      }
      const std::vector<SgRule>& rules = egress ? group->egress : group->ingress;
      for (const auto& rule : rules) {
        if (!sgRuleMatchesTraffic(rule, packet)) continue;
        bool peer_matches = false;
        if (rule.peer_kind == PeerKind::kCidr) {
          peer_matches = !peer.isV6() && rule.cidr.contains(peer.v4());
        } else if (rule.peer_kind == PeerKind::kIpv6Cidr) {
          peer_matches = peer.isV6() && rule.cidr6.known() && rule.cidr6.cidr().contains(peer.v6());
        } else if (rule.peer_kind == PeerKind::kPrefixList) {
          const PrefixList* list = prefixListById(rule.peer);
          if (list == nullptr) {
            unsure = true;
          } else if (peer.isV6()) {
            for (const auto& cidr : list->cidrs6) peer_matches = peer_matches || cidr.contains(peer.v6());
          } else {
            for (const auto& cidr : list->cidrs) peer_matches = peer_matches || cidr.contains(peer.v4());
          }
        } else if (rule.peer_kind == PeerKind::kSecurityGroup && !egress && !replying_ && lb_node_ != nullptr) {
          // From a load balancer node the packet carries the node's groups,
          // whatever source address it has (Network Load Balancer Guide,
          // "Update the security groups for your Network Load Balancer").
          peer_matches = contains(lb_node_->security_group_ids, rule.peer);
        } else if (rule.peer_kind == PeerKind::kSecurityGroup) {
          peer_matches = memberOfGroupHolds(rule.peer, peer);
          if (!peer_matches && groupById(rule.peer) == nullptr) unsure = true;
        }
        if (peer_matches) {
          note(std::string(egress ? "SG egress " : "SG ingress ") + group_id + " rule " + std::to_string(rule.index) +
               " allows");
          return Tri::kYes;
        }
      }
    }
    return unsure ? Tri::kUnknown : Tri::kNo;
  }

  /// VPC User Guide, "Network ACL rules": rules of the direction in
  /// ascending rule number, the first match decides, nothing matching denies.
  /// A subnet with no ACL in the input is taken to allow everything. An
  /// entry names an IPv4 or an IPv6 block and matches packets of that
  /// family only, so an ACL without IPv6 entries denies all IPv6 traffic
  /// (VPC User Guide, "Custom network ACLs for your VPC": IPv6 needs rules
  /// of its own; ICMPv6 entries give type and code as ICMP ones do).
  bool naclAllows(const Subnet& subnet, bool egress, const Packet& packet) {
    const NetworkAcl* acl = aclOf(subnet);
    if (acl == nullptr) return true;
    const IpAddress peer = egress ? packet.destination : packet.source;
    const NaclEntry* first = nullptr;
    for (const auto& entry : acl->entries) {
      if (entry.egress != egress) continue;
      bool in_block = false;
      if (peer.isV6()) {
        in_block = entry.ipv6_cidr && entry.ipv6_cidr->known() && entry.ipv6_cidr->cidr().contains(peer.v6());
      } else {
        in_block = entry.cidr && entry.cidr->contains(peer.v4());
      }
      if (!in_block) continue;
      if (entry.protocol != kProtocolAll) {
        if (entry.protocol != packet.protocol) continue;
        if (isTcpOrUdp(packet.protocol) && !entry.ports.contains(packet.destination_port)) continue;
        if (isIcmp(packet.protocol)) {
          if (entry.icmp_type >= 0 && entry.icmp_type != packet.icmp_type) continue;
          if (entry.icmp_code >= 0 && entry.icmp_code != packet.icmp_code) continue;
        }
      }
      if (first == nullptr || entry.rule_number < first->rule_number) first = &entry;
    }
    bool allowed = first != nullptr && first->allow;
    note(std::string(egress ? "NACL out " : "NACL in ") + acl->meta.id + " of " + subnet.meta.id + ": " +
         (first != nullptr ? "rule " + std::to_string(first->rule_number) : std::string("no rule")) + " -> " +
         (allowed ? "allow" : "deny"));
    return allowed;
  }

  // ---- route lookup --------------------------------------------------------

  struct RouteChoice {
    bool found = false;
    const Route* route = nullptr;  ///< nullptr for the implicit local route
    int prefix = -1;
    int rank = -1;
    bool local = false;
    bool blackhole = false;
  };

  /// VPC User Guide, "How route priority works": the longest prefix wins (a
  /// prefix-list route counts with the length of its matching entry); on
  /// equal length static routes beat prefix-list routes, which beat
  /// propagated routes. "Route tables": every associated VPC CIDR block has a local route
  /// (even if the input omits it); a local route for a disassociated block
  /// does not route. An IPv6 destination is matched against the IPv6
  /// routes only (DestinationIpv6CidrBlock, the IPv6 entries of prefix
  /// lists, the local routes of the VPC's associated IPv6 blocks), an IPv4
  /// one against the IPv4 routes only.
  RouteChoice longestPrefixMatch(const RouteTable& table, const Vpc* vpc, const IpAddress& destination) const {
    if (destination.isV6()) return longestPrefixMatch6(table, vpc, destination.v6());
    return longestPrefixMatch4(table, vpc, destination.v4());
  }

  /// The better of two route candidates: the longer prefix, then the higher rank.
  static void keepBest(RouteChoice& best, const RouteChoice& candidate) {
    if (!best.found || candidate.prefix > best.prefix ||
        (candidate.prefix == best.prefix && candidate.rank > best.rank)) {
      best = candidate;
    }
  }

  RouteChoice longestPrefixMatch6(const RouteTable& table, const Vpc* vpc, Ipv6 destination) const {
    const std::vector<Cidr6> owned = vpc != nullptr ? ownedIpv6(vpc->ipv6_blocks) : std::vector<Cidr6>{};
    RouteChoice best;
    for (const auto& route : table.routes) {
      const bool local = route.target == RouteTarget::kLocal;
      if (route.destination_ipv6) {
        const Cidr6 block = route.destination_ipv6->cidr();
        if (local && vpc != nullptr) {
          bool associated = false;
          for (const auto& cidr : owned) associated = associated || cidr == block;
          if (!associated) continue;
        }
        if (!block.contains(destination)) continue;
        int rank = route.origin == "EnableVgwRoutePropagation" ? 1 : 3;
        keepBest(best, {true, &route, block.prefix(), rank, local, route.blackhole});
      } else if (!route.destination_prefix_list.empty()) {
        const PrefixList* list = prefixListById(route.destination_prefix_list);
        if (list == nullptr) continue;  // unknown entries: taken not to match
        for (const auto& cidr : list->cidrs6) {
          if (cidr.contains(destination)) keepBest(best, {true, &route, cidr.prefix(), 2, local, route.blackhole});
        }
      }
    }
    for (const auto& cidr : owned) {
      if (!cidr.contains(destination)) continue;
      bool listed = false;
      for (const auto& route : table.routes) {
        listed = listed || (route.target == RouteTarget::kLocal && route.destination_ipv6 &&
                            route.destination_ipv6->cidr() == cidr);
      }
      if (!listed) keepBest(best, {true, nullptr, cidr.prefix(), 0, true, false});
    }
    return best;
  }

  RouteChoice longestPrefixMatch4(const RouteTable& table, const Vpc* vpc, Ipv4 destination) const {
    std::vector<RouteChoice> candidates;
    for (const auto& route : table.routes) {
      const bool local = route.target == RouteTarget::kLocal;
      if (local && vpc != nullptr) {
        bool associated = false;
        for (const auto& cidr : vpc->cidrs) associated = associated || (route.destination && cidr == *route.destination);
        if (!associated) continue;
      }
      if (route.destination) {
        if (!route.destination->contains(destination)) continue;
        int rank = route.origin == "EnableVgwRoutePropagation" ? 1 : 3;
        candidates.push_back({true, &route, route.destination->prefix(), rank, local, route.blackhole});
      } else if (!route.destination_prefix_list.empty()) {
        const PrefixList* list = prefixListById(route.destination_prefix_list);
        if (list == nullptr) continue;  // unknown entries: taken not to match
        for (const auto& cidr : list->cidrs) {
          if (cidr.contains(destination)) candidates.push_back({true, &route, cidr.prefix(), 2, local, route.blackhole});
        }
      }
    }
    if (vpc != nullptr) {
      for (const auto& cidr : vpc->cidrs) {
        if (!cidr.contains(destination)) continue;
        bool listed = false;
        for (const auto& route : table.routes) {
          listed = listed || (route.target == RouteTarget::kLocal && route.destination == cidr);
        }
        if (!listed) candidates.push_back({true, nullptr, cidr.prefix(), 0, true, false});
      }
    }
    RouteChoice best;
    for (const auto& candidate : candidates) keepBest(best, candidate);
    return best;
  }

  static std::string routeText(const RouteChoice& choice, const IpAddress& destination) {
    if (choice.route == nullptr) return destination.str() + "/" + std::to_string(choice.prefix) + " -> local (implicit)";
    const Route& route = *choice.route;
    std::string dest = route.destination        ? route.destination->str()
                       : route.destination_ipv6 ? route.destination_ipv6->str()
                                                : route.destination_prefix_list;
    return dest + " -> " + route.target_id + (route.blackhole ? " (blackhole)" : "");
  }

  // ---- forwarding ----------------------------------------------------------

  /// A packet leaves `from`. VPC User Guide, "Security group rules": egress
  /// rules of the sender's groups apply to new traffic only (stateful).
  Outcome send(const Holder& from, const Packet& packet) {
    if (from.subnet == nullptr) return unknown("the sender's subnet is not in the input");
    if (!replying_ && from.eni != nullptr) {
      Tri allowed = securityGroupsAllow(from.eni->security_group_ids, true, packet);
      if (allowed == Tri::kUnknown) return unknown("security group egress cannot be settled");
      if (allowed == Tri::kNo) return drop("no SG egress rule of " + from.eni->meta.id + " allows it");
    }
    return routeOut(*from.subnet, packet);
  }

  /// The subnet's route table sends `packet` on. The subnet's outbound NACL
  /// applies unless the packet stays in the subnet (VPC User Guide, "Network
  /// ACLs": they filter traffic entering and leaving a subnet).
  Outcome routeOut(const Subnet& subnet, Packet packet) {
    if (!step()) return unknown("routing loop");
    const RouteTable* table = routeTableOf(subnet);
    if (table == nullptr) return unknown("subnet " + subnet.meta.id + " has no route table");
    const Vpc* vpc = vpcById(subnet.vpc_id);
    RouteChoice choice = longestPrefixMatch(*table, vpc, packet.destination);
    std::optional<Holder> local_holder;
    if (choice.found && choice.local) local_holder = holderInVpc(subnet.vpc_id, packet.destination);
    const bool stays_in_subnet = local_holder && local_holder->subnet == &subnet;
    if (!stays_in_subnet && !naclAllows(subnet, true, packet)) {
      return drop("outbound NACL of " + subnet.meta.id);
    }
    if (!choice.found) return drop("no route for " + packet.destination.str() + " in " + table->meta.id);
    note("route table " + table->meta.id + ": " + routeText(choice, packet.destination));
    if (choice.blackhole) return drop("blackhole route");
    if (choice.local) {
      if (!local_holder) return drop("nothing in " + subnet.vpc_id + " holds " + packet.destination.str());
      return deliver(*local_holder, packet, &subnet);
    }
    const Route& route = *choice.route;
    switch (route.target) {
      case RouteTarget::kInternetGateway: return outThroughInternetGateway(route.target_id, subnet, packet);
      case RouteTarget::kNatGateway: return intoNatGateway(route.target_id, subnet, packet);
      case RouteTarget::kVpcEndpoint: return intoGatewayEndpoint(route.target_id, packet);
      case RouteTarget::kPeeringConnection: return acrossPeering(route.target_id, subnet, packet);
      case RouteTarget::kTransitGateway:
        if (packet.destination.isV6()) return unknown("IPv6 through a transit gateway is not analysed");
        return throughTransitGateway(route.target_id, subnet, packet);
      case RouteTarget::kEgressOnlyInternetGateway: return outThroughEgressOnlyGateway(route.target_id, subnet, packet);
      case RouteTarget::kVirtualPrivateGateway: return unknown("virtual private gateway: far side not in the input");
      case RouteTarget::kNetworkInterface:
      case RouteTarget::kInstance: return unknown("middlebox " + route.target_id + " is not modelled");
      case RouteTarget::kLocal:
      case RouteTarget::kCarrierGateway:
      case RouteTarget::kLocalGateway:
      case RouteTarget::kCoreNetwork:
      case RouteTarget::kUnknown: break;
    }
    return unknown("route target " + route.target_id + " is not modelled");
  }

  /// A packet addressed to `holder` reaches it from `from_subnet` (nullptr:
  /// from outside the subnet's VPC routing, e.g. a gateway or peering). The
  /// holder's inbound NACL applies unless the packet comes from its own
  /// subnet; then its SG ingress (new traffic only).
  Outcome deliver(const Holder& holder, Packet packet, const Subnet* from_subnet) {
    if (holder.subnet == nullptr) return unknown("the destination's subnet is not in the input");
    if (holder.subnet != from_subnet && !naclAllows(*holder.subnet, false, packet)) {
      return drop("inbound NACL of " + holder.subnet->meta.id);
    }
    if (holder.nat != nullptr) {
      // VPC User Guide, "NAT gateways": a NAT gateway accepts only replies to
      // connections it translated; it never accepts new connections.
      if (!replying_ || nat_ != holder.nat || !(packet.destination == holder.address)) {
        return drop("NAT gateway " + holder.nat->meta.id + " accepts no connection toward it");
      }
      packet.destination = nat_original_source_;
      if (isTcpOrUdp(packet.protocol)) packet.destination_port = nat_original_port_;
      if (nat64_destination_) {
        // The reply of a NAT64 flow becomes IPv6 again, from the address
        // the client sent to (RFC 7915: ICMP echo reply 0 is ICMPv6 129).
        packet.source = *nat64_destination_;
        if (packet.protocol == kProtocolIcmp) {
          packet.protocol = kProtocolIcmpv6;
          if (packet.icmp_type == 0) packet.icmp_type = 129;
        }
      }
      note("NAT " + holder.nat->meta.id + " translates destination back to " + packet.destination.str());
      return routeOut(*holder.subnet, packet);
    }
    if (!replying_ && isLoadBalancerNode(*holder.eni)) return intoLoadBalancer(holder, packet);
    if (!replying_) {
      Tri allowed = securityGroupsAllow(holder.eni->security_group_ids, false, packet);
      if (allowed == Tri::kUnknown) return unknown("security group ingress cannot be settled");
      if (allowed == Tri::kNo) return drop("no SG ingress rule of " + holder.eni->meta.id + " allows it");
    }
    // PrivateLink Guide, interface endpoint considerations: TCP only.
    if (!replying_ && packet.protocol != topology::kProtocolTcp) {
      for (const auto& endpoint : topo_.vpc_endpoints) {
        if (endpoint.type != topology::EndpointType::kInterface) continue;
        for (const auto& id : endpoint.eni_ids) {
          if (id == holder.eni->meta.id) return drop("interface endpoint " + endpoint.meta.id + " carries only TCP");
        }
      }
    }
    note("delivered to " + holder.eni->meta.id + " at " + holder.address.str());
    return Outcome{Outcome::End::kHolder, holder, packet};
  }

  /// VPC User Guide, "NAT gateways": the packet enters the NAT gateway's
  /// subnet (inbound NACL), only TCP, UDP and ICMP pass, the source becomes
  /// the gateway's private IP, then the gateway's subnet routes it (outbound
  /// NACL and route table). A NAT gateway serves only its own VPC.
  Outcome intoNatGateway(const std::string& nat_id, const Subnet& from_subnet, Packet packet) {
    const NatGateway* nat = nullptr;
    for (const auto& candidate : topo_.nat_gateways) {
      if (candidate.meta.id == nat_id) nat = &candidate;
    }
    if (nat == nullptr) return drop("NAT gateway " + nat_id + " is not in the input");
    Holder holder = holderOfNat(*nat);
    if (holder.subnet == nullptr) return unknown("the NAT gateway's subnet is not in the input");
    if (holder.subnet != &from_subnet && !naclAllows(*holder.subnet, false, packet)) {
      return drop("inbound NACL of the NAT gateway's subnet " + holder.subnet->meta.id);
    }
    if (replying_) return drop("a reply routed into a NAT gateway would be translated as a new flow");
    if (packet.destination.isV6()) {
      // VPC User Guide, "DNS64 and NAT64": a NAT gateway translates IPv6
      // traffic to 64:ff9b::/96 into IPv4 toward the address in the last 32
      // bits; what it does with other IPv6 traffic is not documented.
      if (!isNat64(packet.destination)) return unknown("IPv6 to a NAT gateway outside 64:ff9b::/96");
      if (nat_ != nullptr) return unknown("a second NAT gateway on the path is not modelled");
      nat64_destination_ = packet.destination;
      packet.destination = Ipv4(static_cast<uint32_t>(packet.destination.v6().low()));
      // RFC 7915: ICMPv6 becomes ICMP, echo request 128 becoming 8.
      if (packet.protocol == kProtocolIcmpv6) {
        packet.protocol = kProtocolIcmp;
        if (packet.icmp_type == 128) packet.icmp_type = 8;
      }
      note("NAT64 " + nat->meta.id + " translates destination to " + packet.destination.str());
    }
    if (packet.destination == holder.address) return drop("a NAT gateway accepts no connection toward it");
    if (packet.protocol != kProtocolTcp && packet.protocol != kProtocolUdp && packet.protocol != kProtocolIcmp) {
      return drop("a NAT gateway forwards only TCP, UDP and ICMP");
    }
    if (nat_ != nullptr) return unknown("a second NAT gateway on the path is not modelled");
    nat_ = nat;
    nat_original_source_ = packet.source;
    nat_original_port_ = packet.source_port;
    packet.source = holder.address;
    // VPC User Guide, "NAT gateway basics": the gateway's source ports are 1024-65535.
    if (isTcpOrUdp(packet.protocol) && packet.source_port < 1024) packet.source_port = 1024;
    note("NAT " + nat->meta.id + " translates source to " + packet.source.str());
    return routeOut(*holder.subnet, packet);
  }

  /// VPC User Guide, "Internet gateways": attached to the VPC; the sender
  /// needs a public IPv4 or Elastic IP, which replaces the source address;
  /// only public destinations are reachable. A private NAT gateway cannot
  /// use an internet gateway.
  Outcome outThroughInternetGateway(const std::string& igw_id, const Subnet& subnet, Packet packet) {
    const InternetGateway* igw = nullptr;
    for (const auto& candidate : topo_.internet_gateways) {
      if (candidate.meta.id == igw_id) igw = &candidate;
    }
    if (igw == nullptr || !contains(igw->vpc_ids, subnet.vpc_id)) {
      return drop("internet gateway " + igw_id + " is not attached to " + subnet.vpc_id);
    }
    if (nat_ != nullptr && !nat_->is_public) return drop("a private NAT gateway cannot use an internet gateway");
    if (packet.destination.isV6()) return outOverIpv6(igw_id, false, subnet, packet);
    std::optional<Holder> sender = holderInVpc(subnet.vpc_id, packet.source);
    std::optional<Ipv4> public_source;
    if (sender) public_source = publicAddressOf(*sender);
    if (!public_source) return drop(packet.source.str() + " has no public IPv4 address");
    if (!isInternetAddress(packet.destination)) return drop(packet.destination.str() + " is not an internet address");
    packet.source = Ipv4(*public_source);
    note("IGW " + igw_id + " translates source to " + packet.source.str());
    if (holderOfPublic(packet.destination)) return fromInternet(packet);
    note("delivered to the internet host " + packet.destination.str());
    return Outcome{Outcome::End::kInternet, {}, packet};
  }

  /// VPC User Guide, "Enable outbound IPv6 traffic using an egress-only
  /// internet gateway": attached to one VPC, it carries IPv6 out of it (and
  /// the replies back in), never IPv4.
  Outcome outThroughEgressOnlyGateway(const std::string& eigw_id, const Subnet& subnet, const Packet& packet) {
    const EgressOnlyInternetGateway* eigw = nullptr;
    for (const auto& candidate : topo_.egress_only_internet_gateways) {
      if (candidate.meta.id == eigw_id) eigw = &candidate;
    }
    if (eigw == nullptr || eigw->vpc_id != subnet.vpc_id) {
      return drop("egress-only internet gateway " + eigw_id + " is not attached to " + subnet.vpc_id);
    }
    if (!packet.destination.isV6()) return drop("egress-only internet gateways carry IPv6 only");
    return outOverIpv6(eigw_id, true, subnet, packet);
  }

  /// An IPv6 packet leaves through an internet gateway or an egress-only
  /// one. Neither translates (VPC User Guide, "IPv6 addresses": IPv6
  /// addresses are globally unique), so the source must be an address of
  /// the VPC's associated IPv6 blocks and the destination a global unicast
  /// address (VPC User Guide, "Enable internet access for a VPC using an
  /// internet gateway").
  Outcome outOverIpv6(const std::string& gateway_id, bool egress_only, const Subnet& subnet, const Packet& packet) {
    const Vpc* vpc = vpcById(subnet.vpc_id);
    if (vpc == nullptr || !anyContains(ownedIpv6(vpc->ipv6_blocks), packet.source)) {
      return drop(packet.source.str() + " is not in an IPv6 block of " + subnet.vpc_id);
    }
    if (!isInternetAddress(packet.destination)) return drop(packet.destination.str() + " is not a global unicast address");
    if (!replying_ && ipv6_exit_.empty()) ipv6_exit_ = gateway_id;
    note(std::string(egress_only ? "EIGW " : "IGW ") + gateway_id + " carries IPv6 untranslated");
    if (holderOfPublic(packet.destination)) return fromInternet(packet);
    note("delivered to the internet host " + packet.destination.str());
    return Outcome{Outcome::End::kInternet, {}, packet};
  }

  /// An IPv6 packet on the internet toward an address an interface of the
  /// input holds. A request enters through an internet gateway attached to
  /// that VPC; an egress-only gateway lets in only the replies of flows
  /// that left through it (VPC User Guide, "Enable outbound IPv6 traffic
  /// using an egress-only internet gateway": it prevents the internet from
  /// initiating an IPv6 connection). A reply comes back through the gateway
  /// its request left by. The address must lie in an associated IPv6 block
  /// of the VPC.
  Outcome fromInternet6(const Packet& packet) {
    std::optional<Holder> holder = holderOfPublic(packet.destination);
    if (!holder) {
      if (replying_) return drop("the reply is addressed to no IPv6 address in the input");
      return unknown("nothing in the input holds " + packet.destination.str());
    }
    const std::string& vpc_id = holder->eni->vpc_id;
    std::string gateway_id;
    if (replying_ && !ipv6_exit_.empty()) {
      gateway_id = ipv6_exit_;
    } else {
      for (const auto& candidate : topo_.internet_gateways) {
        if (gateway_id.empty() && contains(candidate.vpc_ids, vpc_id)) gateway_id = candidate.meta.id;
      }
    }
    if (gateway_id.empty()) {
      for (const auto& eigw : topo_.egress_only_internet_gateways) {
        if (eigw.vpc_id == vpc_id) return drop("egress-only internet gateway " + eigw.meta.id + " lets no connection in");
      }
      return drop(vpc_id + " has no internet gateway");
    }
    const Vpc* vpc = vpcById(vpc_id);
    if (vpc == nullptr || !anyContains(ownedIpv6(vpc->ipv6_blocks), packet.destination)) {
      return drop(packet.destination.str() + " is not in an IPv6 block of " + vpc_id);
    }
    note("enters " + vpc_id + " through " + gateway_id + " untranslated");
    if (std::optional<Outcome> steered = gatewayRouteTable(gateway_id, vpc_id, packet.destination)) return *steered;
    return deliver(*holder, packet, nullptr);
  }

  /// VPC User Guide, "Gateway route tables": an edge-associated table steers
  /// what enters through the gateway; nullopt when it lets the packet go to
  /// its destination (or there is no such table).
  std::optional<Outcome> gatewayRouteTable(const std::string& gateway_id, const std::string& vpc_id,
                                           const IpAddress& destination) {
    for (const auto& table : topo_.route_tables) {
      if (!contains(table.gateway_ids, gateway_id)) continue;
      RouteChoice choice = longestPrefixMatch(table, vpcById(vpc_id), destination);
      if (!choice.found) return drop("gateway route table " + table.meta.id + " has no route");
      if (!choice.local) return unknown("gateway route table steers to a middlebox");
      break;
    }
    return std::nullopt;
  }

  /// A packet on the internet toward a public address: if something in the
  /// topology holds it, it enters that VPC through its internet gateway,
  /// which translates the destination to the private address.
  Outcome fromInternet(Packet packet) {
    if (!step()) return unknown("routing loop");
    if (packet.destination.isV6()) return fromInternet6(packet);
    std::optional<Holder> holder = holderOfPublic(packet.destination);
    if (!holder) {
      if (replying_) return drop("the reply is addressed to no public address in the input");
      return unknown("nothing in the input holds " + packet.destination.str());
    }
    std::string vpc_id = holder->nat != nullptr ? holder->nat->vpc_id : holder->eni->vpc_id;
    const InternetGateway* igw = nullptr;
    for (const auto& candidate : topo_.internet_gateways) {
      if (igw == nullptr && contains(candidate.vpc_ids, vpc_id)) igw = &candidate;
    }
    if (igw == nullptr) return drop(vpc_id + " has no internet gateway");
    packet.destination = holder->address;
    note("IGW " + igw->meta.id + " translates destination to " + packet.destination.str());
    if (std::optional<Outcome> steered = gatewayRouteTable(igw->meta.id, vpc_id, packet.destination)) return *steered;
    return deliver(*holder, packet, nullptr);
  }

  /// PrivateLink guide, "Gateway endpoints": reached by a prefix-list route;
  /// carries TCP only; the service answers.
  Outcome intoGatewayEndpoint(const std::string& endpoint_id, const Packet& packet) {
    const VpcEndpoint* endpoint = nullptr;
    for (const auto& candidate : topo_.vpc_endpoints) {
      if (candidate.meta.id == endpoint_id) endpoint = &candidate;
    }
    if (endpoint == nullptr) return drop("endpoint " + endpoint_id + " is not in the input");
    if (endpoint->type == EndpointType::kGatewayLoadBalancer) return unknown("GWLB endpoint: appliances not modelled");
    if (endpoint->type != EndpointType::kGateway) return drop("an interface endpoint is not a route target");
    // PrivateLink guide, "Gateway endpoints": they support IPv4 traffic only.
    if (packet.destination.isV6()) return drop("a gateway endpoint carries IPv4 only");
    if (packet.protocol != kProtocolTcp) return drop("a gateway endpoint carries TCP only");
    // PrivateLink guide, "Gateway endpoints": endpoint connections cannot be
    // extended out of a VPC; only traffic that originates in the endpoint's
    // VPC (its interfaces, or a NAT gateway there) may use it, not traffic
    // that arrived over a transit gateway, peering connection or VPN.
    if (!holderInVpc(endpoint->vpc_id, packet.source)) {
      return drop("source " + packet.source.str() + " is not in endpoint " + endpoint_id +
                  "'s VPC; gateway endpoint connections cannot be extended out of a VPC");
    }
    endpoint_vpc_ = endpoint->vpc_id;
    note("delivered to " + endpoint->service_name + " through " + endpoint_id);
    return Outcome{Outcome::End::kService, {}, packet};
  }

  /// The service answers through the endpoint into the endpoint's VPC, to
  /// whatever holds the reply's destination there.
  Outcome replyFromService(const Packet& packet) {
    std::optional<Holder> holder = holderInVpc(endpoint_vpc_, packet.destination);
    if (!holder) return drop("nothing in the endpoint's VPC holds " + packet.destination.str());
    return deliver(*holder, packet, nullptr);
  }

  /// VPC Peering guide: the connection must be active and join this VPC; the
  /// destination must lie in the peer VPC's CIDR blocks (peering is not
  /// transitive); a NAT gateway in the peer serves no peered traffic.
  Outcome acrossPeering(const std::string& pcx_id, const Subnet& subnet, const Packet& packet) {
    const PeeringConnection* pcx = nullptr;
    for (const auto& candidate : topo_.peering_connections) {
      if (candidate.meta.id == pcx_id) pcx = &candidate;
    }
    if (pcx == nullptr || pcx->status != "active") return drop("peering " + pcx_id + " is missing or not active");
    const PeeringSide* here = nullptr;
    const PeeringSide* there = nullptr;
    if (pcx->requester.vpc_id == subnet.vpc_id) {
      here = &pcx->requester;
      there = &pcx->accepter;
    } else if (pcx->accepter.vpc_id == subnet.vpc_id) {
      here = &pcx->accepter;
      there = &pcx->requester;
    }
    if (there == nullptr) return drop(pcx_id + " does not join " + subnet.vpc_id);
    const Vpc* peer_vpc = vpcById(there->vpc_id);
    if (packet.destination.isV6()) return acrossPeering6(*pcx, *here, *there, peer_vpc, packet);
    const std::vector<Cidr>& peer_cidrs = peer_vpc != nullptr ? peer_vpc->cidrs : there->cidrs;
    bool inside = false;
    for (const auto& cidr : peer_cidrs) inside = inside || cidr.contains(packet.destination.v4());
    if (!inside) return drop(packet.destination.str() + " is not in peer " + there->vpc_id + "'s CIDR blocks");
    // VPC Peering guide, "VPC peering limitations": no transitive peering and
    // no edge-to-edge routing, so the packet's source must lie in a CIDR
    // block of the sending VPC (traffic that entered this VPC over a transit
    // gateway, or a reply the NAT gateway translated back, does not pass).
    const Vpc* local_vpc = vpcById(here->vpc_id);
    const std::vector<Cidr>& local_cidrs = local_vpc != nullptr ? local_vpc->cidrs : here->cidrs;
    bool source_inside = false;
    for (const auto& cidr : local_cidrs) source_inside = source_inside || (!packet.source.isV6() && cidr.contains(packet.source.v4()));
    if (!source_inside) {
      return drop("source " + packet.source.str() + " is not in " + here->vpc_id +
                  "'s CIDR blocks; peering does not carry transit traffic");
    }
    if (peer_vpc == nullptr) return unknown("peer VPC " + there->vpc_id + " is not in the input");
    note("peering " + pcx_id + " into " + there->vpc_id);
    std::optional<Holder> holder = holderInVpc(there->vpc_id, packet.destination);
    if (!holder) return drop("nothing in " + there->vpc_id + " holds " + packet.destination.str());
    if (holder->nat != nullptr && !replying_) return drop("a NAT gateway serves no traffic from a peered VPC");
    return deliver(*holder, packet, nullptr);
  }

  /// VPC Peering guide, "VPC peering basics": IPv6 crosses a peering
  /// connection between the two VPCs' IPv6 blocks; the destination must lie
  /// in the peer's and, as for IPv4, the source in this VPC's (no transit).
  /// The blocks of a VPC missing from the input are not known.
  Outcome acrossPeering6(const PeeringConnection& pcx, const PeeringSide& here, const PeeringSide& there,
                         const Vpc* peer_vpc, const Packet& packet) {
    if (peer_vpc == nullptr) return unknown("peer VPC " + there.vpc_id + " and its IPv6 blocks are not in the input");
    if (!anyContains(ownedIpv6(peer_vpc->ipv6_blocks), packet.destination)) {
      return drop(packet.destination.str() + " is not in peer " + there.vpc_id + "'s CIDR blocks");
    }
    const Vpc* local_vpc = vpcById(here.vpc_id);
    if (local_vpc == nullptr) return unknown("the IPv6 blocks of " + here.vpc_id + " are not in the input");
    if (!anyContains(ownedIpv6(local_vpc->ipv6_blocks), packet.source)) {
      return drop("source " + packet.source.str() + " is not in " + here.vpc_id +
                  "'s CIDR blocks; peering does not carry transit traffic");
    }
    note("peering " + pcx.meta.id + " into " + there.vpc_id);
    std::optional<Holder> holder = holderInVpc(there.vpc_id, packet.destination);
    if (!holder) return drop("nothing in " + there.vpc_id + " holds " + packet.destination.str());
    return deliver(*holder, packet, nullptr);
  }

  /// Transit Gateway guide, "How transit gateways work": the VPC's
  /// attachment (with a subnet in the sender's AZ) and its associated route
  /// table; static and propagated routes, longest prefix, static first on a
  /// tie; the target VPC attachment delivers into that VPC in the same AZ if
  /// it can, where the attachment subnet's route table takes over.
  Outcome throughTransitGateway(const std::string& tgw_id, const Subnet& subnet, const Packet& packet) {
    const TgwAttachment* attachment = nullptr;
    for (const auto& candidate : topo_.tgw_attachments) {
      if (attachment == nullptr && candidate.transit_gateway_id == tgw_id && candidate.resource_type == "vpc" &&
          candidate.resource_id == subnet.vpc_id) {
        attachment = &candidate;
      }
    }
    if (attachment == nullptr) {
      bool tgw_known = false;
      for (const auto& tgw : topo_.transit_gateways) tgw_known = tgw_known || tgw.meta.id == tgw_id;
      if (!tgw_known) return unknown("transit gateway " + tgw_id + " is not in the input");
      return drop(tgw_id + " has no attachment to " + subnet.vpc_id);
    }
    if (!attachment->subnet_ids.empty()) {
      bool in_az = false;
      for (const auto& id : attachment->subnet_ids) {
        const Subnet* attached = subnetById(id);
        in_az = in_az || (attached != nullptr && attached->availability_zone == subnet.availability_zone);
      }
      if (!in_az) return drop("attachment " + attachment->meta.id + " has no subnet in " + subnet.availability_zone);
    }
    // Transit Gateway guide, "Network ACLs for transit gateways": traffic
    // from instances to the gateway is evaluated by the attachment subnet's
    // inbound rules (source IP), also when the instances share that subnet;
    // traffic from the gateway to instances by the attachment subnet's
    // outbound rules, except toward instances in that same subnet.
    if (const Subnet* attachment_subnet = attachmentSubnet(*attachment, subnet.availability_zone)) {
      if (!naclAllows(*attachment_subnet, false, packet)) {
        return drop("inbound NACL of attachment subnet " + attachment_subnet->meta.id +
                    (attachment_subnet == &subnet ? ", the sending subnet" : ""));
      }
    }
    if (attachment->association_route_table.empty()) return drop("attachment has no associated route table");
    const TgwRouteTable* table = nullptr;
    for (const auto& candidate : topo_.tgw_route_tables) {
      if (candidate.meta.id == attachment->association_route_table) table = &candidate;
    }
    if (table == nullptr) return drop("transit gateway route table is not in the input: no known route");

    struct TgwCandidate {
      Cidr destination;
      std::string attachment;
      bool blackhole = false;
      bool is_static = false;
    };
    std::vector<TgwCandidate> candidates;
    bool opaque = false;
    for (const auto& route : table->static_routes) {
      candidates.push_back({route.destination, route.attachment_ids.empty() ? "" : route.attachment_ids.front(),
                            route.blackhole, true});
    }
    for (const auto& id : table->propagating_attachments) {
      const TgwAttachment* source = nullptr;
      for (const auto& candidate : topo_.tgw_attachments) {
        if (candidate.meta.id == id) source = &candidate;
      }
      if (source == nullptr) continue;
      if (source->resource_type != "vpc") {
        opaque = true;  // BGP-learned routes are not in the input
        continue;
      }
      if (const Vpc* vpc = vpcById(source->resource_id)) {
        for (const auto& cidr : vpc->cidrs) candidates.push_back({cidr, id, false, false});
      }
    }
    const TgwCandidate* best = nullptr;
    for (const auto& candidate : candidates) {
      if (!candidate.destination.contains(packet.destination.v4())) continue;
      if (best == nullptr || candidate.destination.prefix() > best->destination.prefix() ||
          (candidate.destination.prefix() == best->destination.prefix() && candidate.is_static && !best->is_static)) {
        best = &candidate;
      }
    }
    if (best == nullptr) {
      if (opaque) return unknown("no known TGW route; VPN / Direct Connect routes are not in the input");
      return drop("TGW route table " + table->meta.id + " has no route for " + packet.destination.str());
    }
    note("TGW route table " + table->meta.id + ": " + best->destination.str() + " -> " +
         (best->blackhole ? std::string("blackhole") : best->attachment));
    if (best->blackhole) return drop("TGW blackhole route");
    const TgwAttachment* exit = nullptr;
    for (const auto& candidate : topo_.tgw_attachments) {
      if (candidate.meta.id == best->attachment) exit = &candidate;
    }
    if (exit == nullptr || exit->resource_type != "vpc") return unknown("the TGW sends it beyond the input");
    if (!step()) return unknown("routing loop");
    const Subnet* entry = attachmentSubnet(*exit, subnet.availability_zone);
    if (entry == nullptr) {
      std::optional<Holder> holder = holderInVpc(exit->resource_id, packet.destination);
      if (!holder) return drop("nothing in " + exit->resource_id + " holds " + packet.destination.str());
      return deliver(*holder, packet, nullptr);
    }
    // The packet leaves the attachment's interface in `entry` like any packet
    // sent from that subnet (outbound NACL unless it stays in the subnet).
    note("TGW attachment " + exit->meta.id + " enters " + exit->resource_id + " at " + entry->meta.id);
    return routeOut(*entry, packet);
  }

  /// The attachment's subnet in `az` (the AZ the traffic comes from), else
  /// its first subnet, else nullptr.
  const Subnet* attachmentSubnet(const TgwAttachment& attachment, const std::string& az) const {
    for (const auto& id : attachment.subnet_ids) {
      const Subnet* candidate = subnetById(id);
      if (candidate != nullptr && candidate->availability_zone == az) return candidate;
    }
    for (const auto& id : attachment.subnet_ids) {
      if (const Subnet* candidate = subnetById(id)) return candidate;
    }
    return nullptr;
  }

  // ---- load balancers -------------------------------------------------------

  /// EC2 User Guide, "Requester-managed network interfaces": Elastic Load
  /// Balancing's interfaces are described "ELB <id>" (or typed as its).
  static bool isLoadBalancerNode(const Eni& eni) {
    return eni.description.rfind("ELB ", 0) == 0 || eni.interface_type == "network_load_balancer" ||
           eni.interface_type == "gateway_load_balancer" || eni.requester_id == "amazon-elb";
  }

  static std::optional<std::string> attribute(const std::vector<std::pair<std::string, std::string>>& attributes,
                                              const std::string& key) {
    for (const auto& [name, value] : attributes) {
      if (name == key) return value;
    }
    return std::nullopt;
  }

  /// "on", "off" or "unknown".
  using Setting = std::string;

  /// Cross-zone load balancing for a group: its own attribute, else the load
  /// balancer's (always on for an ALB, default off for an NLB); a group whose
  /// attributes the input lacks may override either way.
  static Setting crossZone(const LoadBalancer& lb, const TargetGroup& group) {
    if (!group.attributes_known) return "unknown";
    auto own = attribute(group.attributes, "load_balancing.cross_zone.enabled");
    if (own && *own == "true") return "on";
    if (own && *own == "false") return "off";
    if (lb.type == LoadBalancerType::kApplication) return "on";
    if (!lb.attributes_known) return "unknown";
    auto value = attribute(lb.attributes, "load_balancing.cross_zone.enabled");
    return value && *value == "true" ? "on" : "off";
  }

  /// Client IP preservation: never for an ALB (a proxy); for an NLB always on
  /// UDP, TCP_UDP, QUIC and TCP_QUIC groups, else the attribute, by default on
  /// for instance targets and off for IP targets.
  static Setting preservation(const LoadBalancer& lb, const TargetGroup& group) {
    if (lb.type != LoadBalancerType::kNetwork) return "off";
    if (group.protocol == "UDP" || group.protocol == "TCP_UDP" || group.protocol == "QUIC" ||
        group.protocol == "TCP_QUIC") {
      return "on";
    }
    if (!group.attributes_known) return "unknown";
    auto value = attribute(group.attributes, "preserve_client_ip.enabled");
    if (value) return *value == "true" ? "on" : "off";
    return group.target_type == "instance" ? "on" : "off";
  }

  static bool listenerTakes(const std::string& protocol, int packet_protocol) {
    if (packet_protocol == kProtocolTcp) {
      for (const char* p : {"TCP", "TLS", "TCP_UDP", "TCP_QUIC", "HTTP", "HTTPS"}) {
        if (protocol == p) return true;
      }
    } else if (packet_protocol == kProtocolUdp) {
      for (const char* p : {"UDP", "TCP_UDP", "QUIC", "TCP_QUIC"}) {
        if (protocol == p) return true;
      }
    }
    return false;
  }

  struct Leg {
    const TargetGroup* group = nullptr;
    const LbTarget* target = nullptr;
    bool routed = false;
    bool in_zone = true;
    Setting cross_zone;
    Verdict verdict = Verdict::kUndetermined;
  };

  /// A request delivered to load balancer node `node`.
  Outcome intoLoadBalancer(const Holder& node, const Packet& packet) {
    if (!node.eni->security_group_ids.empty()) {
      Tri allowed = securityGroupsAllow(node.eni->security_group_ids, false, packet);
      if (allowed == Tri::kUnknown) return unknown("security group ingress cannot be settled");
      if (allowed == Tri::kNo) return drop("no SG ingress rule of load balancer " + node.eni->meta.id + " allows it");
    }
    const LoadBalancer* lb = nullptr;
    for (const auto& candidate : topo_.load_balancers) {
      if (node.eni->description == "ELB " + candidate.meta.id) lb = &candidate;
    }
    if (lb == nullptr) return unknown("load balancer interface " + node.eni->meta.id + " of no load balancer in the input");
    if (lb->type != LoadBalancerType::kNetwork && lb->type != LoadBalancerType::kApplication) {
      return unknown("a Gateway or Classic Load Balancer is not modelled");
    }
    bool any_listener = false;
    const LbListener* taking = nullptr;
    for (const auto& listener : topo_.lb_listeners) {
      if (lb->arn.empty() || listener.load_balancer_arn != lb->arn) continue;
      any_listener = true;
      if (taking == nullptr && listener.port == packet.destination_port && listenerTakes(listener.protocol, packet.protocol)) {
        taking = &listener;
      }
    }
    if (!any_listener) return unknown("no listener of " + lb->meta.id + " in the input");
    if (taking == nullptr) return drop("no listener of " + lb->meta.id + " takes it");
    if (depth_ >= 4) return unknown("load balancers nested too deep");
    std::vector<std::string> arns;
    for (const auto* list : {&taking->target_group_arns, &taking->rule_target_group_arns}) {
      for (const auto& arn : *list) {
        if (std::find(arns.begin(), arns.end(), arn) == arns.end()) arns.push_back(arn);
      }
    }
    if (arns.empty()) return unknown("the listener forwards to no target group");
    std::vector<Leg> legs;
    for (const auto& arn : arns) {
      const TargetGroup* group = nullptr;
      for (const auto& candidate : topo_.target_groups) {
        if (candidate.arn == arn) group = &candidate;
      }
      if (group == nullptr || !group->targets_known) return unknown("a forwarded group's targets are not in the input");
      bool any_healthy = false;
      for (const auto& target : group->targets) {
        any_healthy = any_healthy || target.health.empty() || target.health == "healthy" || target.health == "unavailable";
      }
      for (const auto& target : group->targets) {
        Leg leg;
        leg.group = group;
        leg.target = &target;
        const bool healthy = target.health.empty() || target.health == "healthy" || target.health == "unavailable";
        leg.routed = any_healthy ? healthy : (target.health == "unhealthy" || target.health == "initial");
        leg.cross_zone = crossZone(*lb, *group);
        legs.push_back(leg);
      }
    }
    if (legs.empty()) return drop("the forwarded groups have no registered target");
    for (auto& leg : legs) {
      // The target's address and zone.
      std::optional<IpAddress> address;
      std::string zone = leg.target->zone;
      const Eni* target_eni = nullptr;
      if (leg.group->target_type == "ip") {
        auto parsed = IpAddress::parse(leg.target->id);
        if (parsed) address = parsed.value();
      } else if (leg.group->target_type == "instance") {
        for (const auto& instance : topo_.instances) {
          if (instance.meta.id != leg.target->id || instance.eni_ids.empty()) continue;
          for (const auto& eni : topo_.enis) {
            if (eni.meta.id == instance.eni_ids.front() && !eni.private_ips.empty()) target_eni = &eni;
          }
        }
        if (target_eni != nullptr) address = IpAddress(target_eni->private_ips.front());
      }
      if (zone.empty() && target_eni != nullptr) zone = target_eni->availability_zone;
      leg.in_zone = zone.empty() || zone == "all" || zone == node.subnet->availability_zone;
      if (!leg.routed || (!leg.in_zone && leg.cross_zone == "off")) continue;
      if (!address) {
        leg.verdict = Verdict::kUndetermined;
        continue;
      }
      const Setting preserve = preservation(*lb, *leg.group);
      std::optional<Verdict> verdict;
      for (bool on : {true, false}) {
        if ((on && preserve == "off") || (!on && preserve == "on")) continue;
        Evaluator sub(topo_);
        sub.depth_ = depth_ + 1;
        Verdict v = sub.followTarget(node, *address, leg.target->port != 0 ? leg.target->port : leg.group->port, on, packet);
        for (auto& step : sub.steps_) note("  [target " + leg.target->id + "]" + step);
        verdict = !verdict || *verdict == v ? v : Verdict::kUndetermined;
      }
      leg.verdict = *verdict;
    }
    auto over = [&](bool cross_zone_on) {
      bool any = false, yes = false, no = false, unsure = false, in_zone_registered = false;
      for (const auto& leg : legs) {
        const std::string& health = leg.target->health;
        in_zone_registered = in_zone_registered || (leg.in_zone && health != "draining" &&
                                                    health != "unhealthy.draining" && health != "unused");
        bool zone_ok = leg.in_zone || leg.cross_zone == "on" || (leg.cross_zone == "unknown" && cross_zone_on);
        if (!leg.routed || !zone_ok) continue;
        any = true;
        yes = yes || leg.verdict == Verdict::kReachable || leg.verdict == Verdict::kPartial;
        no = no || leg.verdict == Verdict::kUnreachable || leg.verdict == Verdict::kPartial;
        unsure = unsure || leg.verdict == Verdict::kUndetermined;
      }
      if (!any) return in_zone_registered ? Verdict::kUndetermined : Verdict::kUnreachable;
      if (yes && !no && !unsure) return Verdict::kReachable;
      if (yes) return Verdict::kPartial;
      return unsure ? Verdict::kUndetermined : Verdict::kUnreachable;
    };
    const Verdict on = over(true);
    const Verdict off = over(false);
    const Verdict verdict = on == off ? on : Verdict::kUndetermined;
    switch (verdict) {
      case Verdict::kUnreachable: return drop("no target of " + lb->meta.id + " answers");
      case Verdict::kUndetermined: return unknown("the targets of " + lb->meta.id + " are not settled");
      case Verdict::kPartial: partial_ = true; break;
      case Verdict::kReachable: break;
    }
    note("load balancer " + lb->meta.id + " answers from " + node.address.str());
    return Outcome{Outcome::End::kHolder, node, packet};
  }

  /// The load balancer node `node` forwards `request` to `address`:`port`,
  /// from the client's address (`preserve`) or its own, and the target answers.
  Verdict followTarget(const Holder& node, const IpAddress& address, int port, bool preserve, const Packet& request) {
    Packet packet = request;
    packet.destination = address;
    packet.destination_port = port;
    const bool same_family = address.isV6() == request.source.isV6();
    Holder from = node;
    if (address.isV6() != node.address.isV6()) {
      if (address.isV6()) {
        if (node.eni->ipv6_addresses.empty()) return Verdict::kUndetermined;
        from.address = node.eni->ipv6_addresses.front();
      } else {
        if (node.eni->private_ips.empty()) return Verdict::kUndetermined;
        from.address = node.eni->private_ips.front();
      }
    }
    if (!(preserve && same_family)) packet.source = from.address;
    if (packet.source == packet.destination) {
      note("hairpin: the target is the client, with its address preserved");
      return Verdict::kUnreachable;
    }
    lb_node_ = node.eni;
    note("leg: " + describe(packet));
    if (!node.eni->security_group_ids.empty()) {
      Tri allowed = securityGroupsAllow(node.eni->security_group_ids, true, packet);
      if (allowed == Tri::kUnknown) return Verdict::kUndetermined;
      if (allowed == Tri::kNo) return Verdict::kUnreachable;
    }
    Outcome forward = routeOut(*node.subnet, packet);
    if (forward.end == Outcome::End::kDropped) return Verdict::kUnreachable;
    if (forward.end == Outcome::End::kUndetermined) return Verdict::kUndetermined;
    if (forward.end != Outcome::End::kHolder || !(forward.holder.address == address)) return Verdict::kUnreachable;
    replying_ = true;
    steps_left_ = kStepLimit;
    const Packet back = replyTo(forward.packet);
    if (preserve && same_family) {
      // Addressed to the client, the reply goes back to the node tracking the
      // flow: the target subnet's outbound and the node subnet's inbound ACL.
      const Holder& target = forward.holder;
      if (target.eni == nullptr || target.eni->vpc_id != node.eni->vpc_id) return Verdict::kUndetermined;
      if (target.subnet != node.subnet &&
          (!naclAllows(*target.subnet, true, back) || !naclAllows(*node.subnet, false, back))) {
        return Verdict::kUnreachable;
      }
    } else {
      Outcome returned = send(forward.holder, back);
      if (returned.end == Outcome::End::kDropped) return Verdict::kUnreachable;
      if (returned.end == Outcome::End::kUndetermined) return Verdict::kUndetermined;
      if (returned.end != Outcome::End::kHolder || returned.holder.eni != node.eni ||
          !(returned.holder.address == from.address)) {
        return Verdict::kUnreachable;
      }
    }
    return partial_ ? Verdict::kPartial : Verdict::kReachable;
  }

  const Topology& topo_;
  int depth_ = 0;            ///< load balancers this evaluation is behind
  const Eni* lb_node_ = nullptr;  ///< in a load balancer's leg: the node it leaves from
  bool partial_ = false;     ///< some load balancer on the way has targets that do not answer
  std::vector<std::string> steps_;
  bool replying_ = false;
  int steps_left_ = kStepLimit;
  const NatGateway* nat_ = nullptr;  ///< the NAT gateway that translated the request, if any
  IpAddress nat_original_source_;
  int nat_original_port_ = 0;
  std::optional<IpAddress> nat64_destination_;  ///< the IPv6 destination a NAT64 translation replaced
  std::string ipv6_exit_;  ///< the gateway an IPv6 request left its VPC by, if any
  std::string endpoint_vpc_;  ///< VPC of the gateway endpoint that carried the request
};

}  // namespace

Result evaluate(const Topology& topology, std::string_view source_eni_id, const Packet& packet) {
  Evaluator evaluator(topology);
  return evaluator.run(source_eni_id, packet);
}

}  // namespace vpcsim::reference

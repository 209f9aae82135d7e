// Security group and network ACL evaluation for one concrete packet.
#include "sim/rules.h"

#include <algorithm>

#include <fmt/format.h>

#include "topology/aws_defaults.h"

namespace vpcsim::sim {

using namespace topology;

namespace {

bool isPortProtocol(int protocol) { return protocol == kProtocolTcp || protocol == kProtocolUdp; }

std::string trafficText(int protocol, int from, int to) {
  if (protocol == kProtocolAll) return "all traffic";
  if (protocol == kProtocolIcmp || protocol == kProtocolIcmpv6) {
    const std::string name = protocolName(protocol);
    if (from < 0) return name + " all";
    return to < 0 ? fmt::format("{} type {}", name, from) : fmt::format("{} type {} code {}", name, from, to);
  }
  if (isPortProtocol(protocol)) {
    if (from < 0 || (from <= 0 && to >= 65535)) return protocolName(protocol) + " all ports";
    if (from == to) return fmt::format("{} {}", protocolName(protocol), from);
    return fmt::format("{} {}-{}", protocolName(protocol), from, to);
  }
  return "protocol " + protocolName(protocol);
}

}  // namespace

Cidr6 analysedBlock(const Ipv6Block& block) {
  if (block.known()) return block.cidr();
  // FNV-1a over the anchor: a fixed function, the same on every platform.
  const uint64_t hash = stableHash(block.anchor());
  // 3fff::/20, then 36 bits of the hash (bits 20-55), cut at the anchor's length.
  const uint64_t base_high = (uint64_t{0x3fff} << 48) | ((hash & ((uint64_t{1} << 36) - 1)) << 8);
  const Cidr6 anchor = Cidr6::of(Ipv6(base_high, 0), std::max(block.anchorPrefix(), 20));
  // The block is stored as its offset inside the anchor (ip.h, Ipv6Block).
  const Ipv6 place(anchor.base().high() | block.cidr().base().high(), anchor.base().low() | block.cidr().base().low());
  return Cidr6::of(place, block.prefix());
}

std::vector<std::string> ipv6StandInAssumptions(const Topology& topology) {
  std::vector<std::string> out;
  for (const auto& vpc : topology.vpcs) {
    for (const auto& association : vpc.ipv6_blocks) {
      if (association.block.known()) continue;
      out.push_back(fmt::format("the IPv6 block {} of {} is assigned at deployment: analysed at the stand-in {} "
                                "(the answers hold for any block AWS assigns, unless a fixed IPv6 block in the input "
                                "lies inside it)",
                                association.block.str(), displayName(vpc.meta), analysedBlock(association.block).str()));
    }
  }
  return out;
}

bool inAnyBlock(const std::vector<Ipv6Block>& blocks, const IpAddress& address) {
  return std::any_of(blocks.begin(), blocks.end(),
                     [&](const Ipv6Block& block) { return analysedBlock(block).contains(address); });
}

bool sgRuleMatchesTraffic(const SgRule& rule, const Packet& packet) {
  if (rule.protocol != kProtocolAll && rule.protocol != packet.protocol) return false;
  if (rule.protocol == kProtocolAll) return true;
  if (isPortProtocol(packet.protocol)) {
    // FromPort/ToPort absent (-1) means every port.
    if (rule.from_port < 0 && rule.to_port < 0) return true;
    return packet.destination_port >= rule.from_port && packet.destination_port <= rule.to_port;
  }
  if (packet.protocol == kProtocolIcmp || packet.protocol == kProtocolIcmpv6) {
    // VPC User Guide, "Security group rules": for ICMP (and ICMPv6) the port
    // fields hold the type and code; -1 means any.
    if (rule.from_port >= 0 && rule.from_port != packet.icmp_type) return false;
    if (rule.to_port >= 0 && rule.to_port != packet.icmp_code) return false;
    return true;
  }
  return true;
}

SgDecision evaluateSecurityGroups(const Topology& topo, const std::vector<std::string>& group_ids, bool egress,
                                  const Packet& packet, const Peer& peer) {
  SgDecision decision;
  for (const auto& group_id : group_ids) {
    const SecurityGroup* group = topo.findSecurityGroup(group_id);
    if (group == nullptr) {
      if (decision.allowed == Tri::kNo) {
        decision.allowed = Tri::kUnknown;
        decision.unknown_reason = fmt::format("security group {} is not in the input", group_id);
      }
      continue;
    }
    for (const auto& rule : egress ? group->egress : group->ingress) {
      if (!sgRuleMatchesTraffic(rule, packet)) continue;
      Tri match = Tri::kNo;
      switch (rule.peer_kind) {
        case PeerKind::kCidr:
          match = rule.cidr.contains(peer.address) ? Tri::kYes : Tri::kNo;
          break;
        case PeerKind::kIpv6Cidr:  // never matches an IPv4 packet (Cidr6::contains)
          match = analysedBlock(rule.cidr6).contains(peer.address) ? Tri::kYes : Tri::kNo;
          break;
        case PeerKind::kPrefixList: {
          const PrefixList* list = topo.findPrefixList(rule.peer);
          if (list == nullptr) {
            match = Tri::kUnknown;
            if (decision.allowed == Tri::kNo) {
              decision.unknown_reason = fmt::format("the entries of prefix list {} are not in the input", rule.peer);
            }
          } else {
            match = Tri::kNo;
            for (const auto& cidr : list->cidrs) {
              if (cidr.contains(peer.address)) match = Tri::kYes;
            }
            for (const auto& cidr : list->cidrs6) {
              if (cidr.contains(peer.address)) match = Tri::kYes;
            }
          }
          break;
        }
        case PeerKind::kSecurityGroup: {
          // A group reference matches traffic from/to the private addresses
          // of interfaces that carry the referenced group (VPC User Guide,
          // "Security group referencing").
          match = Tri::kNo;
          if (peer.security_group_ids != nullptr) {
            for (const auto& id : *peer.security_group_ids) {
              if (id == rule.peer) match = Tri::kYes;
            }
          }
          if (match == Tri::kNo && topo.findSecurityGroup(rule.peer) == nullptr && peer.security_group_ids == nullptr) {
            match = Tri::kUnknown;
            if (decision.allowed == Tri::kNo) {
              decision.unknown_reason =
                  fmt::format("rule references security group {}, which is not in the input", rule.peer);
            }
          }
          break;
        }
      }
      if (match == Tri::kYes) {
        decision.allowed = Tri::kYes;
        decision.group = group;
        decision.rule = &rule;
        return decision;
      }
      if (match == Tri::kUnknown) decision.allowed = Tri::kUnknown;
    }
  }
  return decision;
}

AclDecision evaluateAcl(const NetworkAcl& acl, bool egress, const Packet& packet) {
  const IpAddress& peer = egress ? packet.destination : packet.source;
  for (const auto& entry : acl.entries) {
    if (entry.egress != egress) continue;
    // An entry has an IPv4 or an IPv6 block and matches packets of its
    // family only: a custom ACL without IPv6 entries denies IPv6 by its
    // final rule (VPC User Guide, "Custom network ACLs for your VPC").
    bool in_block = entry.cidr ? entry.cidr->contains(peer)
                               : entry.ipv6_cidr && analysedBlock(*entry.ipv6_cidr).contains(peer);
    if (!in_block) continue;
    if (entry.protocol != kProtocolAll) {
      if (entry.protocol != packet.protocol) continue;
      if (isPortProtocol(packet.protocol) && !entry.ports.contains(packet.destination_port)) continue;
      if (packet.protocol == kProtocolIcmp || packet.protocol == kProtocolIcmpv6) {
        if (entry.icmp_type >= 0 && entry.icmp_type != packet.icmp_type) continue;
        if (entry.icmp_code >= 0 && entry.icmp_code != packet.icmp_code) continue;
      }
    }
    return AclDecision{entry.allow, &entry};
  }
  return AclDecision{false, nullptr};
}

std::string describeSgRule(const SgRule& rule, bool egress) {
  std::string peer;
  switch (rule.peer_kind) {
    case PeerKind::kCidr: peer = rule.cidr.str(); break;
    case PeerKind::kIpv6Cidr: peer = rule.cidr6.str(); break;
    case PeerKind::kPrefixList:
    case PeerKind::kSecurityGroup: peer = rule.peer; break;
  }
  return fmt::format("{} rule {}: {} {} {}", egress ? "egress" : "ingress", rule.index,
                     trafficText(rule.protocol, rule.from_port, rule.to_port), egress ? "to" : "from", peer);
}

std::string describeAclEntry(const NaclEntry& entry) {
  std::string traffic;
  if (entry.protocol == kProtocolIcmp || entry.protocol == kProtocolIcmpv6) {
    traffic = trafficText(entry.protocol, entry.icmp_type, entry.icmp_code);
  } else if (isPortProtocol(entry.protocol)) {
    traffic = trafficText(entry.protocol, entry.ports.from, entry.ports.to);
  } else {
    traffic = trafficText(entry.protocol, -1, -1);
  }
  std::string number = entry.rule_number >= 32767 ? "*" : std::to_string(entry.rule_number);
  std::string where = entry.cidr ? entry.cidr->str() : entry.ipv6_cidr ? entry.ipv6_cidr->str() : "";
  return fmt::format("{} rule {}: {} {} {} {}", entry.egress ? "outbound" : "inbound", number,
                     entry.allow ? "allow" : "deny", traffic, entry.egress ? "to" : "from", where);
}

std::string describePacket(const Packet& packet) {
  if (packet.protocol == kProtocolIcmp || packet.protocol == kProtocolIcmpv6) {
    return fmt::format("{} {} -> {} type {} code {}", protocolName(packet.protocol), packet.source.str(),
                       packet.destination.str(), packet.icmp_type, packet.icmp_code);
  }
  if (isPortProtocol(packet.protocol)) {
    // RFC 5952, section 6: an IPv6 address with a port is written in brackets.
    auto at = [](const IpAddress& address, int port) {
      return address.isV6() ? fmt::format("[{}]:{}", address.str(), port) : fmt::format("{}:{}", address.str(), port);
    };
    return fmt::format("{} {} -> {}", protocolName(packet.protocol), at(packet.source, packet.source_port),
                       at(packet.destination, packet.destination_port));
  }
  return fmt::format("protocol {} {} -> {}", packet.protocol, packet.source.str(), packet.destination.str());
}

}  // namespace vpcsim::sim

// Security group and network ACL evaluation for one concrete packet.
#pragma once

#include <string>
#include <vector>

#include "sim/tracer.h"
#include "topology/model.h"

namespace vpcsim::sim {

/// The block the engines analyse for `block`: the block itself when known;
/// for one AWS assigns only at deployment (an Amazon-provided or IPAM /56),
/// a stand-in inside 3fff::/20 (RFC 9637, reserved for documentation, so no
/// deployment receives it), its place fixed by a hash of the anchor so the
/// same input gives the same stand-in. The verdicts hold for whichever block
/// AWS assigns as long as no fixed IPv6 block the input names lies inside
/// it (docs/semantics.md, "IPv6 blocks known only at deployment").
Cidr6 analysedBlock(const topology::Ipv6Block& block);

/// One line per VPC IPv6 block known only at deployment, naming its
/// stand-in: the assumption every IPv6 answer over such a block makes.
std::vector<std::string> ipv6StandInAssumptions(const topology::Topology& topology);

/// Whether `address` lies in the analysed block of any of `blocks`.
bool inAnyBlock(const std::vector<topology::Ipv6Block>& blocks, const IpAddress& address);

/// Three-valued answer: a rule can match, cannot, or the input cannot tell.
enum class Tri { kNo, kYes, kUnknown };

/// What the peer of an SG evaluation is: its address and, when it is an ENI
/// we know, its security groups (for group-reference rules).
struct Peer {
  IpAddress address;
  const std::vector<std::string>* security_group_ids = nullptr;
};

struct SgDecision {
  Tri allowed = Tri::kNo;
  const topology::SecurityGroup* group = nullptr;  ///< the group of the matching rule
  const topology::SgRule* rule = nullptr;          ///< the matching rule, when allowed
  std::string unknown_reason;                      ///< when kUnknown
};

/// Evaluates the SGs `group_ids` for `packet` in one direction. `egress`
/// rules match the packet's destination, ingress rules its source.
/// VPC User Guide, "Security group rules": rules only allow; a packet is
/// allowed if any rule of any group on the interface allows it.
SgDecision evaluateSecurityGroups(const topology::Topology& topo, const std::vector<std::string>& group_ids,
                                  bool egress, const Packet& packet, const Peer& peer);

/// True when one SG rule matches the protocol and ports of `packet`.
bool sgRuleMatchesTraffic(const topology::SgRule& rule, const Packet& packet);

struct AclDecision {
  bool allowed = false;
  const topology::NaclEntry* entry = nullptr;  ///< nullptr: the implicit "*" deny
};

/// Evaluates a network ACL in one direction: entries in ascending rule
/// number, first match wins, no match denies (VPC User Guide, "Network ACL
/// rules").
AclDecision evaluateAcl(const topology::NetworkAcl& acl, bool egress, const Packet& packet);

/// Human-readable forms used in hops and explanations.
std::string describeSgRule(const topology::SgRule& rule, bool egress);
std::string describeAclEntry(const topology::NaclEntry& entry);
std::string describePacket(const Packet& packet);

}  // namespace vpcsim::sim

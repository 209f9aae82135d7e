// Naive reference evaluator: follows one concrete packet from an ENI by plain loops over the topology.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "topology/ip.h"
#include "topology/model.h"

namespace vpcsim::reference {

using topology::IpAddress;
using topology::Ipv4;
using topology::Ipv6;

/// One concrete IPv4 or IPv6 packet header (both addresses of one family,
/// except across a NAT64 translation). Deliberately not sim::Packet: the
/// reference shares nothing with the engine it checks.
struct Packet {
  IpAddress source;
  IpAddress destination;
  int protocol = topology::kProtocolTcp;  ///< 6 tcp, 17 udp, 1 icmp, 58 icmpv6, other numbers as is
  int source_port = 49152;                ///< TCP/UDP only
  int destination_port = 443;             ///< TCP/UDP only
  int icmp_type = 8;                      ///< ICMP and ICMPv6 only
  int icmp_code = 0;                      ///< ICMP and ICMPv6 only
};

/// kPartial: the flow reached a load balancer that forwards it to several
/// targets, some of which answer and some do not.
enum class Verdict { kReachable, kUnreachable, kUndetermined, kPartial };
std::string_view verdictName(Verdict verdict);

/// The verdict plus a readable trail of what was checked, for failure messages.
struct Result {
  Verdict verdict = Verdict::kUnreachable;
  std::vector<std::string> steps;
};

/// Decides whether `packet` sent by ENI `source_eni_id` (from one of its
/// private IPs, packet.source) is delivered to packet.destination and whether
/// the reply comes back to the source. Reachable only when both happen;
/// undetermined when the path leaves what the topology describes (VPN, VGW,
/// middlebox ENI, GWLB endpoint, unknown peer VPC), a rule names something
/// missing from the input, or the packet loops (still being forwarded after
/// 64 routing steps: no AWS document says what becomes of it, and the project
/// reports that as undetermined, docs/semantics.md); unreachable otherwise.
/// An unknown source ENI is undetermined.
///
/// Among the AWS rules it applies (each where it applies, with its document):
/// a gateway endpoint serves only traffic that originates in its VPC
/// (PrivateLink guide, "Gateway endpoints"); a peering connection carries only
/// packets whose source lies in the sending VPC (VPC Peering guide, "VPC
/// peering limitations"); traffic to a transit gateway meets the attachment
/// subnet's inbound rules also when it is sent from that subnet (Transit
/// Gateway guide, "Network ACLs for transit gateways").
///
/// A packet delivered to a load balancer node (an interface described
/// "ELB <id>") passes the node's security groups if it has any, a listener
/// must take its protocol and port, and the load balancer forwards it to each
/// registered target it routes to (Elastic Load Balancing guides: health and
/// fail open, cross-zone load balancing, client IP preservation; hairpinning
/// times out), each followed as a packet of its own from the node and back;
/// where the input leaves a setting open both values are weighed. Reachable
/// when every target answers, partial when some do (docs/semantics.md, "Load
/// balancers").
///
/// IPv6 packets follow IPv6 routes, NACL entries and SG rules only, leave
/// and enter untranslated through an internet gateway or (out, and the
/// replies back) an egress-only one, pass a NAT gateway only toward
/// 64:ff9b::/96 (NAT64) and never a gateway endpoint; through a transit
/// gateway, to another NAT gateway destination, or with an IPv6 block in the
/// input known only at deployment, they are undetermined.
Result evaluate(const topology::Topology& topology, std::string_view source_eni_id, const Packet& packet);

/// "tcp 10.0.0.5:49152 -> 8.8.8.8:443" style text (IPv6 addresses in RFC 5952 form).
std::string describe(const Packet& packet);

}  // namespace vpcsim::reference

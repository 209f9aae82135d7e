// Naive reference evaluator: follows one concrete packet from an ENI by plain loops over the topology.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "topology/ip.h"
#include "topology/model.h"

namespace vpcsim::reference {

using topology::Ipv4;

/// One concrete IPv4 packet header. Deliberately not sim::Packet: the
/// reference shares nothing with the engine it checks.
struct Packet {
  Ipv4 source;
  Ipv4 destination;
  int protocol = topology::kProtocolTcp;  ///< 6 tcp, 17 udp, 1 icmp, other numbers as is
  int source_port = 49152;                ///< TCP/UDP only
  int destination_port = 443;             ///< TCP/UDP only
  int icmp_type = 8;                      ///< ICMP only
  int icmp_code = 0;                      ///< ICMP only
};

enum class Verdict { kReachable, kUnreachable, kUndetermined };
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
Result evaluate(const topology::Topology& topology, std::string_view source_eni_id, const Packet& packet);

/// "tcp 10.0.0.5:49152 -> 8.8.8.8:443" style text.
std::string describe(const Packet& packet);

}  // namespace vpcsim::reference

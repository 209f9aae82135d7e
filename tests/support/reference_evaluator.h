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

/// AWS rules the production tracer is known to model differently. All are on
/// by default (the reference follows AWS); the differential test switches one
/// off to check that a disagreement is exactly that known difference.
struct Options {
  /// PrivateLink guide, "Gateway endpoints" (considerations): endpoint
  /// connections cannot be extended out of a VPC, so only traffic that
  /// originates in the endpoint's VPC (its own ENIs, or a NAT gateway there)
  /// may use a gateway endpoint; traffic arriving over a transit gateway,
  /// peering or VPN is dropped.
  bool gateway_endpoint_requires_source_in_vpc = true;
  /// VPC Peering guide, "Unsupported VPC peering configurations" (transitive
  /// peering, edge-to-edge routing): a peering connection carries only
  /// packets whose source lies in a CIDR block of the sending VPC.
  bool peering_requires_source_in_vpc = true;
  /// Transit Gateway guide, "How Network ACLs work with transit gateways":
  /// when instances and the transit gateway attachment share a subnet,
  /// traffic from the instances to the gateway is evaluated by that subnet's
  /// outbound and inbound rules. Off: the inbound rules are skipped then.
  bool tgw_attachment_acl_in_same_subnet = true;
  /// A packet caught in a routing loop is never delivered (it circles until
  /// its TTL runs out), so the verdict is unreachable. Off: undetermined.
  bool routing_loop_is_unreachable = true;
};

/// The verdict plus a readable trail of what was checked, for failure messages.
struct Result {
  Verdict verdict = Verdict::kUnreachable;
  std::vector<std::string> steps;
};

/// Decides whether `packet` sent by ENI `source_eni_id` (from one of its
/// private IPs, packet.source) is delivered to packet.destination and whether
/// the reply comes back to the source. Reachable only when both happen;
/// undetermined when the path leaves what the topology describes (VPN, VGW,
/// middlebox ENI, GWLB endpoint, unknown peer VPC) or a rule names something
/// missing from the input; unreachable otherwise. An unknown source ENI is
/// undetermined.
Result evaluate(const topology::Topology& topology, std::string_view source_eni_id, const Packet& packet,
                const Options& options = {});

/// "tcp 10.0.0.5:49152 -> 8.8.8.8:443" style text.
std::string describe(const Packet& packet);

}  // namespace vpcsim::reference

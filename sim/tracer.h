// Concrete packet tracer: follows one flow hop by hop, forward and back.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "topology/ip.h"
#include "topology/model.h"

namespace vpcsim::sim {

using topology::Cidr;
using topology::Ipv4;

/// The stand-in public IPv4 address (198.51.100.1, TEST-NET-2) of a new
/// interface in a subnet that maps public addresses on launch; an internet
/// client addresses such an interface by it. Never printed as a real address.
inline constexpr uint32_t kNewInterfacePublicAddress = 0xC6336401;

/// One concrete IPv4 packet header.
struct Packet {
  Ipv4 source;
  Ipv4 destination;
  int protocol = topology::kProtocolTcp;  ///< 6 tcp, 17 udp, 1 icmp, other numbers as is
  int source_port = 49152;                ///< client's ephemeral port (TCP/UDP)
  int destination_port = 443;             ///< TCP/UDP
  int icmp_type = 8;                      ///< ICMP only (8 = echo request)
  int icmp_code = 0;
};

enum class Verdict { kReachable, kUnreachable, kUndetermined, kPartial };
std::string_view verdictName(Verdict verdict);

/// One component a packet passed, with the rule that let it through.
struct Hop {
  std::string component;  ///< displayName(): ID plus Name tag / logical ID
  std::string type;       ///< network-interface, security-group, network-acl, route-table, ...
  std::string rule;       ///< the route / NACL entry / SG rule / translation used
  std::string direction;  ///< "forward" or "return"
};

/// Why a packet stops, with Reachability Analyzer's code where one fits.
struct Explanation {
  std::string code;
  std::string component;
  std::string message;
};

/// Where a flow starts. Exactly one of eni / hypothetical / external applies.
struct Endpoint {
  enum class Kind { kEni, kHypotheticalEni, kExternal };
  Kind kind = Kind::kExternal;
  std::string eni_id;                          ///< kEni
  const topology::Eni* eni = nullptr;          ///< kEni: the interface eni_id names, when the caller has it
  std::string subnet_id;                       ///< kHypotheticalEni
  std::vector<std::string> security_group_ids; ///< kHypotheticalEni
  Ipv4 address;        ///< source address (private IP of the ENI, or the outside host)
  std::string label;   ///< what the user asked for ("notebook:studio/ds in subnet-1")
  /// The caller evaluates this interface's egress security groups itself:
  /// the tracer lets the packet through them and notes where (see
  /// TraceResult::checked_apart). For the exhaustive engine, which traces
  /// a path once for every interface that shares it.
  bool security_groups_checked_apart = false;
};

/// Where a flow goes: an address, maybe standing for a named service.
struct Target {
  Ipv4 address;
  std::string service;        ///< "com.amazonaws.us-east-1.s3" when the address stands for it
  bool any_internet = false;  ///< the address is a representative internet host
  std::string label;
  std::string subnet_id;                        ///< a hypothetical ENI at the address (notebooks, jobs)
  std::vector<std::string> security_group_ids;  ///< its security groups
  /// As Endpoint::security_groups_checked_apart, for the ingress security
  /// groups of the interface holding `address` (or the hypothetical one).
  bool security_groups_checked_apart = false;
};

/// Where a trace passed security groups the caller checks apart: the packet
/// had made `hops` hops and the tracer `assumptions` assumptions by then. A
/// trace the groups stop ends there, with nothing more in its path.
struct CheckedApart {
  size_t hops = 0;
  size_t assumptions = 0;
};

/// Outcome of one (source, destination) trace.
struct TraceResult {
  Verdict verdict = Verdict::kUnreachable;
  std::string source;  ///< label of the source
  std::vector<Hop> path;  ///< forward hops then return hops (direction tells which)
  std::vector<Explanation> explanations;
  std::vector<std::string> assumptions;
  std::optional<CheckedApart> checked_apart;  ///< set when security groups were checked apart
};

/// Indexes built once over a topology; cheap to query, immutable.
class Network {
 public:
  /// Builds lookup indexes over `topology`, which must outlive the Network.
  explicit Network(const topology::Topology& topology);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  [[nodiscard]] const topology::Topology& topology() const;
  struct Index;
  [[nodiscard]] const Index& index() const { return *index_; }

 private:
  std::unique_ptr<Index> index_;
};

/// The tables a trace consulted about the packet's addresses and ports, in
/// the order it consulted them. Every branch a trace takes on the packet
/// goes through one of these, through a fixed question about the address
/// (is it public, is it the stand-in address, does an interface hold it),
/// through the protocol and ICMP fields, or sets `other`. So a packet that
/// every listed table, and those fixed questions, treat as this one takes
/// the same path with the same verdict (the exhaustive engine reuses the
/// trace for it; sim/factored_engine.cpp, FactoredEngine).
struct Consulted {
  struct Lookup {
    const topology::RouteTable* table = nullptr;
    const topology::Vpc* vpc = nullptr;  ///< whose CIDR blocks the implicit local routes cover
  };
  std::vector<Lookup> route_tables;
  std::vector<const topology::NetworkAcl*> acls;
  std::vector<const topology::TgwRouteTable*> tgw_route_tables;
  /// Something else read the packet (a security group not checked apart,
  /// a peering connection's blocks): the trace stands for its packet alone.
  bool other = false;

  void clear() {
    route_tables.clear();
    acls.clear();
    tgw_route_tables.clear();
    other = false;
  }
};

/// How much a trace writes down.
struct TraceOptions {
  /// Hops keep their components, types and directions, but of their rule
  /// texts only the leading words the exhaustive engine reads ("delivered",
  /// "translate source", "translate destination"), and explanations of
  /// dropped packets their codes: for the engine's many traces whose paths
  /// are never printed. Verdicts and codes are those of a full trace.
  bool terse = false;
  /// When set, cleared and filled with what the trace consulted.
  Consulted* consulted = nullptr;
};

/// Traces `packet` from `source` (whose address is packet.source) to `target`
/// (whose address is packet.destination) and the reply back. The verdict is
/// reachable only if the request is delivered and the reply returns;
/// undetermined when the path leaves what the topology describes (VPN, Direct
/// Connect, middlebox, unknown peer) or meets a rule whose meaning the input
/// cannot settle.
TraceResult trace(const Network& network, const Endpoint& source, const Target& target, const Packet& packet,
                  const TraceOptions& options = {});

}  // namespace vpcsim::sim

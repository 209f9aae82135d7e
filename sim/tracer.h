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
using topology::Cidr6;
using topology::IpAddress;
using topology::Ipv4;
using topology::Ipv6;

/// The stand-in public IPv4 address (198.51.100.1, TEST-NET-2) of a new
/// interface in a subnet that maps public addresses on launch; an internet
/// client addresses such an interface by it. Never printed as a real address.
inline constexpr uint32_t kNewInterfacePublicAddress = 0xC6336401;

/// One concrete packet header, IPv4 or IPv6 (both addresses of one family).
struct Packet {
  IpAddress source;
  IpAddress destination;
  int protocol = topology::kProtocolTcp;  ///< 6 tcp, 17 udp, 1 icmp, 58 icmpv6, other numbers as is
  int source_port = 49152;                ///< client's ephemeral port (TCP/UDP)
  int destination_port = 443;             ///< TCP/UDP
  int icmp_type = 8;                      ///< ICMP only (8 = echo request)
  int icmp_code = 0;
};

enum class Verdict { kReachable, kUnreachable, kUndetermined, kPartial };
std::string_view verdictName(Verdict verdict);

/// What a hop is: the kind of component the packet passed.
enum class HopKind : uint8_t {
  kNetworkInterface,
  kNatGateway,
  kSecurityGroup,
  kNetworkAcl,
  kRouteTable,
  kInternetGateway,
  kEgressOnlyInternetGateway,
  kInternet,
  kVpcEndpoint,
  kPeeringConnection,
  kTransitGatewayAttachment,
  kTransitGatewayRouteTable,
  kAwsService,
  kPlatformNetwork,  ///< the SageMaker-managed network (internet access outside the VPC)
  kHostService,      ///< a service the EC2 host answers itself: Amazon DNS, instance metadata, Time Sync
};

enum class Direction : uint8_t { kForward, kReturn };

/// What happened to the packet at a hop.
enum class HopAction : uint8_t {
  kSend,                  ///< the packet starts here (a sender, the internet, a service replying)
  kDeliver,               ///< the packet is delivered here
  kAllow,                 ///< a security-group rule or network ACL entry lets it through
  kRoute,                 ///< a route table (VPC or transit gateway) picks the next hop
  kTranslateSource,       ///< NAT / internet gateway rewrites the source
  kTranslateDestination,  ///< NAT / internet gateway rewrites the destination
  kPass,                  ///< a gateway carries the packet on unchanged (IPv6 at an internet gateway)
  kToService,             ///< a gateway endpoint hands it to its service (Hop::next: the service name)
  kToPeerVpc,             ///< a peering connection carries it (Hop::next: the peer VPC)
  kIntoTransitGateway,    ///< a VPC attachment takes it into a transit gateway (Hop::next: the gateway)
  kToPeerTransitGateway,  ///< a peering attachment carries it to another gateway (Hop::next)
  kOutToVpc,              ///< a VPC attachment delivers it into a VPC (Hop::next)
  kInternetAccess,        ///< a platform network sends it to the internet
};

/// A transit gateway route used by a hop (static, or propagated from an attachment).
struct TgwRouteUsed {
  Cidr destination;
  std::string attachment;  ///< the target attachment; empty for a blackhole
  bool is_static = false;
  bool blackhole = false;
};

/// One component a packet passed, with what let it through. Plain data: the
/// model objects it names (resource, route, ACL entry, SG rule) point into
/// the Topology that was traced and the Network over it (which holds the
/// interfaces it synthesises), so both must outlive the hop. Only reports/
/// turns a hop into words (reports/path_render.h).
struct Hop {
  HopKind kind = HopKind::kNetworkInterface;
  Direction direction = Direction::kForward;
  HopAction action = HopAction::kSend;
  /// The component, when it is a resource of the model (an interface, NAT
  /// gateway, group, ACL, table, gateway, endpoint, connection, attachment).
  const topology::ResourceMeta* resource = nullptr;
  /// The component's name when it is not a resource of the model: "internet",
  /// a new interface's label ("notebook:studio/ds in subnet-1"), a service, or
  /// a table the input names but does not hold.
  std::string label;
  /// kRoute in a VPC route table: the route, or nullptr for the implicit
  /// local route of `local_block`.
  const topology::Route* route = nullptr;
  Cidr local_block;
  std::optional<Cidr6> local_block6;  ///< set instead of local_block for an IPv6 block's local route
  /// kAllow at a network ACL / security group: the entry or rule, and its side.
  const topology::NaclEntry* acl_entry = nullptr;
  const topology::SgRule* sg_rule = nullptr;
  bool egress = false;
  /// kSend / kDeliver: the packet as it is there.
  Packet packet;
  /// kTranslateSource / kTranslateDestination: the address rewritten, and by what.
  IpAddress from;
  IpAddress to;
  bool private_nat = false;  ///< the translation is a private NAT gateway's
  /// kToService, kToPeerVpc, kIntoTransitGateway, kToPeerTransitGateway,
  /// kOutToVpc: where the packet goes next (a service name or an ID).
  std::string next;
  /// kRoute in a transit gateway route table.
  std::optional<TgwRouteUsed> tgw_route;

  /// The component's ID (resource) or label.
  [[nodiscard]] std::string_view componentId() const { return resource != nullptr ? resource->id : label; }
};

/// The name reports give a hop's component: displayName() of its resource
/// (a transit gateway route table by its ID alone), else its label.
std::string componentName(const Hop& hop);

/// The hop of a SageMaker job or notebook that reaches the internet through
/// the SageMaker-managed network rather than a customer VPC.
Hop platformInternetHop();

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
  IpAddress address;   ///< source address (private IP of the ENI, or the outside host)
  std::string label;   ///< what the user asked for ("notebook:studio/ds in subnet-1")
  /// The caller evaluates this interface's egress security groups itself:
  /// the tracer lets the packet through them and notes where (see
  /// TraceResult::checked_apart). For the exhaustive engine, which traces
  /// a path once for every interface that shares it.
  bool security_groups_checked_apart = false;
};

/// Where a flow goes: an address, maybe standing for a named service.
struct Target {
  IpAddress address;
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

/// The flow a load balancer forwards to one of its targets, and the reply
/// back to the load balancer (docs/semantics.md, "Load balancers").
struct TargetLeg {
  const topology::LoadBalancer* load_balancer = nullptr;
  const topology::TargetGroup* group = nullptr;
  const topology::LbTarget* target = nullptr;
  std::optional<IpAddress> address;  ///< where the flow goes; unset when the input cannot tell
  int port = 0;
  /// The target sees the client's address (client IP preservation) rather
  /// than the load balancer node's.
  bool client_ip_preserved = false;
  /// The input does not say whether client IP preservation is on: the leg
  /// is traced both ways and this is one of them.
  bool client_ip_setting_unknown = false;
  bool in_zone = true;  ///< in the node's Availability Zone (used with cross-zone load balancing off too)
  bool routed = true;   ///< new flows go to it (health, or the group fails open)
  bool fail_open = false;  ///< routed only because every target of its group is unhealthy
  Verdict verdict = Verdict::kUndetermined;
  std::vector<Hop> path;  ///< from the load balancer node to the target, then back
  std::vector<Explanation> explanations;
};

/// Outcome of one (source, destination) trace.
struct TraceResult {
  Verdict verdict = Verdict::kUnreachable;
  /// The request was delivered, but somewhere else than the destination
  /// (explanations then end with NO_PATH).
  bool delivered_elsewhere = false;
  std::string source;  ///< label of the source
  std::vector<Hop> path;  ///< forward hops then return hops (direction tells which)
  std::vector<Explanation> explanations;
  std::vector<std::string> assumptions;
  std::optional<CheckedApart> checked_apart;  ///< set when security groups were checked apart
  /// The flow reached a load balancer, which forwards it to these targets
  /// (each once, or twice when client IP preservation is not known).
  std::vector<TargetLeg> legs;
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
  /// Explanations of dropped packets keep their codes and components but
  /// not their messages: for the exhaustive engine's many traces whose
  /// explanations are never printed. Verdicts, hops and codes are those of a
  /// full trace.
  bool terse = false;
  /// When set, cleared and filled with what the trace consulted.
  Consulted* consulted = nullptr;
  /// Packets to the services the EC2 host answers for an interface itself
  /// (the Amazon DNS server at the VPC base + 2 and 169.254.169.253,
  /// instance metadata at 169.254.169.254, the Time Sync Service at
  /// 169.254.169.123) are answered by the host, unfiltered. The exhaustive
  /// engines turn this off: like Network Access Analyzer they analyse paths
  /// through the network's components, which these packets never take
  /// (docs/semantics.md, "Services the host answers").
  bool host_services = true;
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

// Concrete packet tracer: follows one flow through the VPC data plane and back.
#include "sim/tracer.h"

#include <algorithm>
#include <array>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/network_index.h"
#include "sim/load_balancing.h"
#include "sim/rules.h"

namespace vpcsim::sim {

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

std::string componentName(const Hop& hop) {
  if (hop.resource == nullptr) return hop.label;
  if (hop.kind == HopKind::kTransitGatewayRouteTable) return hop.resource->id;
  return displayName(*hop.resource);
}

Hop platformInternetHop() {
  Hop hop;
  hop.kind = HopKind::kPlatformNetwork;
  hop.action = HopAction::kInternetAccess;
  hop.label = "SageMaker-managed network";
  return hop;
}

namespace {

/// Something that sends or receives packets inside a VPC: an ENI (real,
/// synthesised or hypothetical) or a NAT gateway.
struct Node {
  const Eni* eni = nullptr;
  const NatGateway* nat = nullptr;
  const Subnet* subnet = nullptr;
  std::string vpc_id;
  std::vector<std::string> security_group_ids;
  IpAddress address;                   ///< the address the flow uses (IPv4 private, or IPv6)
  std::optional<Ipv4> public_address;  ///< IPv4 flows: the public address the internet sees
  std::string label;

  bool same(const Node& other) const {
    return subnet == other.subnet && address == other.address && nat == other.nat;
  }
};

/// Where a packet ended up.
struct Arrival {
  enum class Kind { kDropped, kUndetermined, kNode, kInternet, kService };
  Kind kind = Kind::kDropped;
  Node node;
  Packet packet;
};

Arrival dropped() { return Arrival{Arrival::Kind::kDropped, {}, {}}; }
Arrival undetermined() { return Arrival{Arrival::Kind::kUndetermined, {}, {}}; }

Packet reply(const Packet& packet);

/// Load balancers in front of load balancers followed at most this deep.
constexpr int kLoadBalancerDepth = 4;

constexpr int kHopBudget = 64;
/// The high 64 bits of 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052).
constexpr uint64_t kNat64High = 0x0064ff9b00000000ULL;

class Walk {
 public:
  Walk(const Network::Index& index, TraceResult& out, const Node& source, const Target& target)
      : ix_(index), out_(out), source_(source), target_(target) {}

  // ---- bookkeeping -------------------------------------------------------
  Hop& hop(HopKind kind, HopAction action, const ResourceMeta* resource, std::string label = {}) {
    Hop& added = out_.path.emplace_back();
    added.kind = kind;
    added.action = action;
    added.direction = is_return_ ? Direction::kReturn : Direction::kForward;
    added.resource = resource;
    added.label = std::move(label);
    return added;
  }
  /// A hop at an interface or NAT gateway: the packet leaves or arrives there.
  Hop& hop(const Node& node, HopAction action, const Packet& packet) {
    const ResourceMeta* resource = node.nat != nullptr ? &node.nat->meta : node.eni != nullptr ? &node.eni->meta : nullptr;
    Hop& added = hop(node.nat != nullptr ? HopKind::kNatGateway : HopKind::kNetworkInterface, action, resource,
                     resource != nullptr ? std::string() : node.label);
    added.packet = packet;
    return added;
  }
  /// A translation at a NAT or internet gateway.
  void translation(HopKind kind, HopAction action, const ResourceMeta& resource, IpAddress from, IpAddress to) {
    Hop& added = hop(kind, action, &resource);
    added.from = from;
    added.to = to;
  }
  /// A route-table hop: `route`, or the implicit local route of `local_block`.
  void routeHop(const RouteTable& table, const Route* route, Cidr local_block, std::optional<Cidr6> local_block6) {
    Hop& added = hop(HopKind::kRouteTable, HopAction::kRoute, &table.meta);
    added.route = route;
    added.local_block = local_block;
    added.local_block6 = local_block6;
  }
  /// A hop that hands the packet on to `next` (a service, VPC or gateway).
  void forwardHop(HopKind kind, HopAction action, const ResourceMeta& resource, std::string next) {
    hop(kind, action, &resource).next = std::move(next);
  }
  Arrival drop(std::string code, std::string component, std::string message) {
    if (is_return_) message = "return traffic: " + message;
    out_.explanations.push_back(Explanation{std::move(code), std::move(component), std::move(message)});
    return dropped();
  }
  Arrival unknown(std::string code, std::string component, std::string message) {
    if (is_return_) message = "return traffic: " + message;
    out_.explanations.push_back(Explanation{std::move(code), std::move(component), std::move(message)});
    return undetermined();
  }
  void assume(std::string text) {
    for (const auto& existing : out_.assumptions) {
      if (existing == text) return;
    }
    out_.assumptions.push_back(std::move(text));
  }
  bool spend() { return --budget_ > 0; }
  /// make(), or nothing in a terse trace (TraceOptions::terse).
  template <typename Make>
  std::string text(Make&& make) const {
    return terse_ ? std::string() : std::string(make());
  }
  void setReturn() {
    is_return_ = true;
    budget_ = kHopBudget;
  }

  // ---- nodes -------------------------------------------------------------
  Node nodeOfEni(const Eni& eni, IpAddress address) const {
    Node node;
    node.eni = &eni;
    node.subnet = ix_.topo.findSubnet(eni.subnet_id);
    node.vpc_id = eni.vpc_id;
    node.security_group_ids = eni.security_group_ids;
    node.address = address;
    for (const auto& pub : eni.public_ips) {
      if (pub.private_ip == address) node.public_address = pub.public_ip;
    }
    node.label = displayName(eni.meta);
    if (auto it = ix_.nat_by_eni.find(eni.meta.id); it != ix_.nat_by_eni.end()) {
      node.nat = it->second;
      node.security_group_ids.clear();  // a NAT gateway has no security group
      node.label = displayName(it->second->meta);
    }
    return node;
  }

  Node nodeOfNat(const NatGateway& nat) const {
    Node node;
    node.nat = &nat;
    node.subnet = ix_.topo.findSubnet(nat.subnet_id);
    node.vpc_id = nat.vpc_id;
    if (!nat.private_ips.empty()) node.address = nat.private_ips.front();
    if (!nat.public_ips.empty()) node.public_address = nat.public_ips.front();
    node.label = displayName(nat.meta);
    return node;
  }

  /// The node of `vpc_id` holding private `address` (or IPv6 `address`), if any.
  std::optional<Node> nodeAt(const std::string& vpc_id, IpAddress address) const {
    if (source_.vpc_id == vpc_id && source_.address == address && source_.subnet != nullptr) return source_;
    if (target_hypothetical_ && target_hypothetical_->vpc_id == vpc_id && target_hypothetical_->address == address) {
      return target_hypothetical_;
    }
    if (address.isV6()) {
      const Eni* eni = ix_.eniByIpv6(address.v6());
      if (eni != nullptr && eni->vpc_id == vpc_id) return nodeOfEni(*eni, address);
      return std::nullopt;
    }
    if (auto it = ix_.nat_by_private_ip.find(address.v4().value()); it != ix_.nat_by_private_ip.end()) {
      for (const NatGateway* nat : it->second) {
        if (nat->vpc_id == vpc_id) return nodeOfNat(*nat);
      }
    }
    if (const Eni* eni = ix_.eniByPrivateIp(vpc_id, address.v4())) return nodeOfEni(*eni, address);
    return std::nullopt;
  }

  /// The node holding public `address` (ENI association or NAT EIP; for
  /// IPv6, the interface holding the address, which is its public one too).
  std::optional<Node> nodeAtPublic(IpAddress address) const {
    if (address.isV6()) {
      if (source_.address == address && source_.subnet != nullptr) return source_;
      if (target_hypothetical_ && target_hypothetical_->address == address) return target_hypothetical_;
      if (const Eni* eni = ix_.eniByIpv6(address.v6())) return nodeOfEni(*eni, address);
      return std::nullopt;
    }
    if (source_.public_address == address && source_.subnet != nullptr) return source_;
    if (target_hypothetical_ && target_hypothetical_->public_address == address) return target_hypothetical_;
    if (auto it = ix_.nat_by_public_ip.find(address.v4().value()); it != ix_.nat_by_public_ip.end()) {
      return nodeOfNat(*it->second);
    }
    if (auto it = ix_.by_public_ip.find(address.v4().value()); it != ix_.by_public_ip.end() && !it->second.empty()) {
      const Eni* eni = it->second.front();
      for (const auto& pub : eni->public_ips) {
        if (pub.public_ip == address) return nodeOfEni(*eni, pub.private_ip);
      }
    }
    return std::nullopt;
  }

  Peer peerOf(const Node* node, IpAddress address) const {
    Peer peer;
    peer.address = address;
    if (node != nullptr && node->nat == nullptr) peer.security_group_ids = &node->security_group_ids;
    return peer;
  }

  // ---- steps -------------------------------------------------------------

  /// A packet leaves `from` (SG egress unless it is return traffic).
  Arrival leave(const Node& from, Packet packet) {
    hop(from, HopAction::kSend, packet);
    if (!is_return_ && from.nat == nullptr) {
      if (!checkSecurityGroups(from, true, packet)) return dropped();
    }
    sender_ = from;
    entered_from_outside_ = false;
    return routeFrom(*from.subnet, packet, &from);
  }

  bool checkSecurityGroups(const Node& node, bool egress, const Packet& packet) {
    // Groups the caller checks apart (Endpoint/Target::security_groups_checked_apart) let the packet through.
    bool apart = egress ? source_apart_ && node.same(source_)
                        : target_.security_groups_checked_apart &&
                              (node.address == target_.address || node.public_address == target_.address);
    if (apart && !out_.checked_apart) {
      out_.checked_apart = CheckedApart{out_.path.size(), out_.assumptions.size()};
      return true;
    }
    if (consulted_ != nullptr) consulted_->other = true;
    // The peer is known as an interface only while its address is untranslated.
    const Node* peer_node = nullptr;
    if (egress && target_node_ && target_node_->address == packet.destination) peer_node = &*target_node_;
    if (!egress && sender_ && sender_->address == packet.source) peer_node = &*sender_;
    Peer peer = peerOf(peer_node, egress ? packet.destination : packet.source);
    // Network Load Balancer Guide, "Update the security groups for your
    // Network Load Balancer": a target's rule naming the load balancer's
    // security group admits the load balancer's traffic even with client IP
    // preservation on (the client's own groups are not on the packet then).
    if (!egress && !is_return_ && via_load_balancer_ != nullptr) {
      peer.security_group_ids = &via_load_balancer_->security_group_ids;
    }
    SgDecision decision = evaluateSecurityGroups(ix_.topo, node.security_group_ids, egress, packet, peer);
    if (decision.allowed == Tri::kYes) {
      Hop& allowed = hop(HopKind::kSecurityGroup, HopAction::kAllow, &decision.group->meta);
      allowed.sg_rule = decision.rule;
      allowed.egress = egress;
      return true;
    }
    std::string groups;
    for (const auto& id : node.security_group_ids) groups += (groups.empty() ? "" : ", ") + id;
    if (decision.allowed == Tri::kUnknown) {
      unknown("SG_RULE_UNRESOLVED", groups, fmt::format("{} of {} cannot be settled: {}", egress ? "egress" : "ingress",
                                                        node.label, decision.unknown_reason));
      undetermined_ = true;
      return false;
    }
    bool no_rules = true;
    for (const auto& id : node.security_group_ids) {
      if (const auto* group = ix_.topo.findSecurityGroup(id)) {
        if (!(egress ? group->egress : group->ingress).empty()) no_rules = false;
      }
    }
    if (node.security_group_ids.empty()) {
      drop("SG_HAS_NO_RULES", node.label, fmt::format("{} has no security group", node.label));
    } else if (no_rules) {
      drop("SG_HAS_NO_RULES", groups,
           fmt::format("security groups {} of {} have no {} rules", groups, node.label, egress ? "egress" : "ingress"));
    } else {
      drop("ENI_SG_RULES_MISMATCH", groups,
           fmt::format("no {} rule of {} allows {}", egress ? "egress" : "ingress", groups, describePacket(packet)));
    }
    return false;
  }

  bool checkAcl(const Subnet& subnet, bool egress, const Packet& packet) {
    const NetworkAcl* acl = ix_.aclFor(subnet);
    if (acl == nullptr) {
      assume(fmt::format("subnet {} has no network ACL in the input; assumed to allow all traffic", subnet.meta.id));
      return true;
    }
    if (consulted_ != nullptr) consulted_->acls.push_back(acl);
    AclDecision decision = evaluateAcl(*acl, egress, packet);
    if (decision.allowed) {
      Hop& allowed = hop(HopKind::kNetworkAcl, HopAction::kAllow, &acl->meta);
      allowed.acl_entry = decision.entry;
      allowed.egress = egress;
      return true;
    }
    drop("SUBNET_ACL_RESTRICTION", displayName(acl->meta), text([&] {
           std::string rule = decision.entry != nullptr
                                  ? describeAclEntry(*decision.entry)
                                  : fmt::format("{} rule *: deny all", egress ? "outbound" : "inbound");
           return fmt::format("network ACL {} of subnet {} denies {} ({})", acl->meta.id, subnet.meta.id,
                              describePacket(packet), rule);
         }));
    return false;
  }

  struct RouteChoice {
    const Route* route = nullptr;
    int prefix = -1;
    bool implicit_local = false;
    Cidr local_block;                    ///< the VPC block of an implicit local route
    std::optional<Cidr6> local_block6;  ///< instead, for an IPv6 block
    /// A route to a prefix list the input does not hold, to a target other
    /// than a gateway endpoint, that could take the packet instead of
    /// `route` (the list may hold the destination with any prefix length).
    const Route* unsettled = nullptr;
  };

  /// VPC User Guide, "How route priority works": longest prefix match; on
  /// equal length a static route beats a prefix-list route, which beats a
  /// propagated one. Local routes cover only associated VPC CIDR blocks.
  RouteChoice lookup(const RouteTable& table, const Vpc* vpc, const Packet& packet) {
    if (consulted_ != nullptr) consulted_->route_tables.push_back({&table, vpc});
    const bool v6 = packet.destination.isV6();
    const int host_prefix = v6 ? 128 : 32;
    // An IPv6 packet matches IPv6 routes and an IPv4 one IPv4 routes
    // (VPC User Guide, "Route tables": a table holds routes of both families).
    std::vector<Ipv6Block> vpc_blocks6;
    if (vpc != nullptr && v6) vpc_blocks6 = associatedIpv6(vpc->ipv6_blocks);
    RouteChoice best;
    int best_rank = -1;
    const Route* unsettled = nullptr;
    auto consider = [&](const Route* route, int prefix, int rank) {
      if (prefix > best.prefix || (prefix == best.prefix && rank > best_rank)) {
        best.route = route;
        best.prefix = prefix;
        best.implicit_local = false;
        best_rank = rank;
      }
    };
    for (const auto& route : table.routes) {
      if (route.target == RouteTarget::kLocal && vpc != nullptr) {
        // Only associated blocks have a local route (e.g. not a disassociated block).
        bool associated = false;
        if (route.destination) {
          for (const auto& cidr : vpc->cidrs) associated = associated || cidr == *route.destination;
        } else if (route.destination_ipv6) {
          for (const auto& block : vpc_blocks6) associated = associated || block == *route.destination_ipv6;
        }
        if (!associated) continue;
      }
      const int rank = route.origin == "EnableVgwRoutePropagation" ? 1 : 3;
      if (route.destination) {
        if (route.destination->contains(packet.destination)) consider(&route, route.destination->prefix(), rank);
      } else if (route.destination_ipv6) {
        const Cidr6 block = analysedBlock(*route.destination_ipv6);
        if (block.contains(packet.destination)) consider(&route, block.prefix(), rank);
      } else if (!route.destination_prefix_list.empty()) {
        const PrefixList* list = ix_.topo.findPrefixList(route.destination_prefix_list);
        if (list != nullptr) {
          for (const auto& cidr : list->cidrs) {
            if (cidr.contains(packet.destination)) consider(&route, cidr.prefix(), 2);
          }
          for (const auto& cidr : list->cidrs6) {
            if (cidr.contains(packet.destination)) consider(&route, cidr.prefix(), 2);
          }
        } else if (!target_.service.empty() && route.target == RouteTarget::kVpcEndpoint && !v6) {
          const VpcEndpoint* endpoint = ix_.topo.findVpcEndpoint(route.target_id);
          if (endpoint != nullptr && endpoint->service_name == target_.service) {
            assume(fmt::format("prefix list {} is not in the input; taken to hold the addresses of {}",
                               route.destination_prefix_list, target_.service));
            consider(&route, 24, 2);
          }
        } else if (route.target == RouteTarget::kVpcEndpoint) {
          // A gateway endpoint's list is the AWS-managed list of its service
          // (S3, DynamoDB). Taking it not to match sends the packet on by the
          // other routes, toward the internet if anywhere: a finding is never
          // hidden by it.
          assume(fmt::format("prefix list {} is not in the input; its route is assumed not to match {}",
                             route.destination_prefix_list, packet.destination.str()));
        } else if (unsettled == nullptr) {
          unsettled = &route;
        }
      }
    }
    // Every associated CIDR block has a local route, even when the input
    // omits it (VPC User Guide, "Route tables": the local route cannot be
    // deleted).
    if (vpc != nullptr && best.prefix < host_prefix) {
      auto listed = [&](auto matches) {
        return std::any_of(table.routes.begin(), table.routes.end(),
                           [&](const Route& route) { return route.target == RouteTarget::kLocal && matches(route); });
      };
      for (const auto& cidr : vpc->cidrs) {
        if (cidr.contains(packet.destination) && cidr.prefix() > best.prefix &&
            !listed([&](const Route& route) { return route.destination == cidr; })) {
          best.route = nullptr;
          best.prefix = cidr.prefix();
          best.implicit_local = true;
          best.local_block = cidr;
        }
      }
      for (const auto& block : vpc_blocks6) {
        const Cidr6 cidr = analysedBlock(block);
        if (cidr.contains(packet.destination) && cidr.prefix() > best.prefix &&
            !listed([&](const Route& route) { return route.destination_ipv6 == block; })) {
          best.route = nullptr;
          best.prefix = cidr.prefix();
          best.implicit_local = true;
          best.local_block6 = cidr;
        }
      }
    }
    // An unknown list could hold the destination at any length up to the
    // host's; it loses only to a static host route (VPC User Guide, "How
    // route priority works": on equal length a static route beats a
    // prefix-list route) or when it leads where the chosen route leads anyway.
    if (unsettled != nullptr) {
      bool loses = best.prefix == host_prefix && best_rank == 3 && !best.implicit_local;
      bool same_way = best.route != nullptr && !best.implicit_local && best.route->target == unsettled->target &&
                      best.route->target_id == unsettled->target_id;
      if (!loses && !same_way) best.unsettled = unsettled;
    }
    return best;
  }

  static std::string routeText(const Route& route) {
    return fmt::format("route {} -> {}{}", destinationText(route), route.target_id, route.blackhole ? " (blackhole)" : "");
  }

  /// Routes `packet` out of `subnet`: route table lookup, the subnet's
  /// outbound NACL, then the target.
  Arrival routeFrom(const Subnet& subnet, Packet packet, const Node* origin) {
    // A packet still being forwarded after kHopBudget steps loops. No AWS
    // document says what becomes of it, so the verdict is undetermined
    // (docs/semantics.md, "Routing loops"), not unreachable.
    if (!spend()) {
      return unknown("ROUTING_LOOP", subnet.meta.id, "the packet loops between route tables until its TTL expires");
    }
    const RouteTable* table = ix_.routeTableFor(subnet);
    const Vpc* vpc = ix_.topo.findVpc(subnet.vpc_id);
    if (table == nullptr) {
      return unknown("NO_ROUTE_TABLE", subnet.meta.id,
                     fmt::format("subnet {} has no route table in the input (no association and no main table)",
                                 subnet.meta.id));
    }
    RouteChoice choice = lookup(*table, vpc, packet);
    bool local = choice.implicit_local || (choice.route != nullptr && choice.route->target == RouteTarget::kLocal);
    std::optional<Node> local_destination;
    if (local) local_destination = nodeAt(subnet.vpc_id, packet.destination);
    // VPC User Guide, "Network ACLs": NACLs filter traffic entering and
    // leaving a subnet; traffic between addresses of one subnet is not
    // evaluated.
    bool stays_in_subnet = local && local_destination && local_destination->subnet == &subnet;
    if (!stays_in_subnet && !checkAcl(subnet, true, packet)) return dropped();
    if (choice.unsettled != nullptr) {
      return unknown("PREFIX_LIST_NOT_IN_INPUT", displayName(table->meta),
                     fmt::format("route table {} sends prefix list {} to {}, and the list is not in the input: "
                                 "whether {} takes that route cannot be told (add describe-managed-prefix-lists "
                                 "output to the snapshot)",
                                 table->meta.id, choice.unsettled->destination_prefix_list,
                                 choice.unsettled->target_id, packet.destination.str()));
    }
    if (choice.prefix < 0) {
      return drop("NO_ROUTE_TO_DESTINATION", displayName(table->meta), text([&] {
                    return fmt::format("route table {} has no route for {}", table->meta.id, packet.destination.str());
                  }));
    }
    routeHop(*table, choice.implicit_local ? nullptr : choice.route, choice.local_block, choice.local_block6);
    if (choice.route != nullptr && choice.route->blackhole) {
      return drop("BAD_STATE_ROUTE", displayName(table->meta),
                  fmt::format("{} in {} is a blackhole (its target no longer exists)", routeText(*choice.route),
                              table->meta.id));
    }
    if (local) {
      if (!local_destination) {
        return drop("NO_INTERFACE_AT_DESTINATION", subnet.vpc_id,
                    fmt::format("no network interface in {} holds {}", subnet.vpc_id, packet.destination.str()));
      }
      return arrive(*local_destination, packet, &subnet, false);
    }
    const Route& route = *choice.route;
    switch (route.target) {
      case RouteTarget::kInternetGateway: return viaInternetGateway(route.target_id, subnet, packet, origin);
      case RouteTarget::kNatGateway: {
        const NatGateway* nat = ix_.topo.findNatGateway(route.target_id);
        if (nat == nullptr) {
          return drop("BAD_STATE_ROUTE", displayName(table->meta),
                      fmt::format("route target {} is not in the input", route.target_id));
        }
        return arrive(nodeOfNat(*nat), packet, &subnet, false);
      }
      case RouteTarget::kVpcEndpoint: return viaEndpoint(route.target_id, packet);
      case RouteTarget::kPeeringConnection: return viaPeering(route.target_id, subnet, packet);
      case RouteTarget::kTransitGateway:
        if (packet.destination.isV6()) {
          return unknown("IPV6_NOT_ANALYSED", route.target_id,
                         fmt::format("IPv6 traffic to {} goes to transit gateway {}; IPv6 through transit gateways is "
                                     "not analysed yet",
                                     packet.destination.str(), route.target_id));
        }
        return viaTransitGateway(route.target_id, subnet, packet);
      case RouteTarget::kVirtualPrivateGateway:
        return unknown("LEAVES_SNAPSHOT", route.target_id,
                       fmt::format("traffic to {} goes to virtual private gateway {} (VPN / Direct Connect); the far "
                                   "side is not in the input",
                                   packet.destination.str(), route.target_id));
      case RouteTarget::kNetworkInterface:
      case RouteTarget::kInstance:
        return unknown("MIDDLEBOX_NOT_MODELLED", route.target_id,
                       fmt::format("traffic is routed to appliance {}; what it forwards is not modelled",
                                   route.target_id));
      case RouteTarget::kEgressOnlyInternetGateway:
        if (packet.destination.isV6()) return viaEgressOnlyGateway(route.target_id, subnet, packet);
        return drop("CANNOT_ROUTE", route.target_id, "an egress-only internet gateway carries IPv6 traffic only");
      case RouteTarget::kCarrierGateway:
      case RouteTarget::kLocalGateway:
      case RouteTarget::kCoreNetwork:
      case RouteTarget::kUnknown:
      case RouteTarget::kLocal:
        break;
    }
    return unknown("LEAVES_SNAPSHOT", route.target_id,
                   fmt::format("traffic leaves through {} ({}), which is not modelled", route.target_id,
                               routeTargetName(route.target)));
  }

  /// A packet reaches `node` from `from_subnet` (nullptr: from outside the VPC).
  Arrival arrive(const Node& node, Packet packet, const Subnet* from_subnet, bool from_internet) {
    if (node.subnet == nullptr) {
      return unknown("UNKNOWN_SUBNET", node.label, fmt::format("the subnet of {} is not in the input", node.label));
    }
    if (node.subnet != from_subnet && !checkAcl(*node.subnet, false, packet)) return dropped();
    if (node.nat != nullptr) return throughNat(node, packet, from_internet);
    if (!is_return_ && node.eni != nullptr && isLoadBalancerInterface(*node.eni)) {
      // Elastic Load Balancing User Guide: a load balancer accepts traffic on
      // its listeners only and forwards it to its targets; a Network Load
      // Balancer without security groups filters nothing else.
      if (!node.security_group_ids.empty() && !checkSecurityGroups(node, false, packet)) return dropped();
      if (auto lb = ix_.load_balancer_by_eni.find(node.eni->meta.id); lb != ix_.load_balancer_by_eni.end()) {
        return atLoadBalancer(node, *lb->second, packet);
      }
      return unknown("LOAD_BALANCER", node.label,
                     fmt::format("{} belongs to a load balancer ({}); whether a listener takes {} and where its targets "
                                 "are is not in the input",
                                 node.label, node.eni->description, describePacket(packet)));
    }
    if (!is_return_ && !checkSecurityGroups(node, false, packet)) return dropped();
    // PrivateLink Guide, "Access an AWS service using an interface VPC
    // endpoint", considerations: interface endpoints support TCP traffic only.
    if (!is_return_ && node.eni != nullptr && packet.protocol != kProtocolTcp) {
      if (auto it = ix_.endpoint_by_eni.find(node.eni->meta.id);
          it != ix_.endpoint_by_eni.end() && it->second->type == EndpointType::kInterface) {
        return drop("VPCE_INTERFACE_PROTOCOL_RESTRICTION", displayName(it->second->meta),
                    fmt::format("interface endpoint {} carries only TCP, not {}", it->second->meta.id,
                                describePacket(packet)));
      }
    }
    hop(node, HopAction::kDeliver, packet);
    return Arrival{Arrival::Kind::kNode, node, packet};
  }

  /// Whether a listener's protocol takes the packet's: TCP and TLS
  /// listeners take TCP, UDP listeners UDP, TCP_UDP both; QUIC listeners
  /// UDP and TCP_QUIC both (Network Load Balancer Guide, "Listeners for
  /// your Network Load Balancers", Listener configuration). HTTP and HTTPS
  /// (Application Load Balancers) take TCP.
  static bool listenerTakes(const std::string& protocol, int packet_protocol) {
    if (packet_protocol == topology::kProtocolTcp) {
      return protocol == "TCP" || protocol == "TLS" || protocol == "TCP_UDP" || protocol == "TCP_QUIC" ||
             protocol == "HTTP" || protocol == "HTTPS";
    }
    if (packet_protocol == topology::kProtocolUdp) {
      return protocol == "UDP" || protocol == "TCP_UDP" || protocol == "QUIC" || protocol == "TCP_QUIC";
    }
    return false;
  }

  /// A request reaches `node` of load balancer `lb`. A packet no listener
  /// takes (its protocol and port) is not forwarded (Network Load Balancer
  /// Guide, "Listeners for your Network Load Balancers": a listener checks
  /// for connection requests on its protocol and port; Reachability Analyzer
  /// names this ELB_LISTENERS_MISMATCH). A listener's flow goes to the
  /// targets of its target groups the node may use (followTargets).
  Arrival atLoadBalancer(const Node& node, const LoadBalancer& lb, const Packet& packet) {
    if (consulted_ != nullptr) consulted_->other = true;  // listeners read the protocol and port
    const std::string name = displayName(lb.meta);
    const std::string type(loadBalancerTypeName(lb.type));
    if (lb.type == LoadBalancerType::kClassic || lb.type == LoadBalancerType::kGateway) {
      return unknown("LOAD_BALANCER", name,
                     fmt::format("{} is a {} load balancer; what it does with {} is not modelled", name, type,
                                 describePacket(packet)));
    }
    std::vector<const LbListener*> listeners;
    for (const auto& listener : ix_.topo.lb_listeners) {
      if (!lb.arn.empty() && listener.load_balancer_arn == lb.arn) listeners.push_back(&listener);
    }
    if (listeners.empty()) {
      return unknown("LOAD_BALANCER", name,
                     fmt::format("the input has no listener of {}: whether one takes {} is not known (add the "
                                 "elbv2 describe-listeners output)",
                                 name, describePacket(packet)));
    }
    const LbListener* taking = nullptr;
    std::string ports;
    for (const auto* listener : listeners) {
      ports += fmt::format("{}{} {}", ports.empty() ? "" : ", ", listener->protocol, listener->port);
      if (taking == nullptr && listener->port == packet.destination_port &&
          listenerTakes(listener->protocol, packet.protocol)) {
        taking = listener;
      }
    }
    if (taking == nullptr) {
      return drop("ELB_LISTENERS_MISMATCH", name,
                  fmt::format("no listener of {} takes {} (its listeners: {})", name, describePacket(packet), ports));
    }
    return followTargets(node, lb, *taking, packet);
  }

  /// What a verdict over a set of targets is, and why when it is not reachable.
  struct Outcome {
    Verdict verdict = Verdict::kUndetermined;
    std::string code;
    std::string message;
  };

  /// The flow from `node` of `lb`, taken by `listener`, to every target the
  /// node may route it to (sim/load_balancing.h), each in a leg of its own
  /// (TraceResult::legs). Reachable when every routed target's leg is,
  /// partial when some are, unreachable when none is (docs/semantics.md,
  /// "Load balancers").
  Arrival followTargets(const Node& node, const LoadBalancer& lb, const LbListener& listener, const Packet& packet) {
    const std::string name = displayName(lb.meta);
    const std::string listener_text = fmt::format("listener {} {} of {}", listener.protocol, listener.port, name);
    if (lb_depth_ >= kLoadBalancerDepth) {
      return unknown("LOAD_BALANCER", name,
                     fmt::format("the flow passes more than {} load balancers in a row; not followed further",
                                 kLoadBalancerDepth));
    }
    const std::vector<std::string> group_arns = listenerTargetGroups(listener);
    if (group_arns.empty()) {
      std::string actions = listener.other_actions.empty() ? std::string("none the input gives")
                                                           : fmt::format("{}", fmt::join(listener.other_actions, ", "));
      return unknown("LOAD_BALANCER_ACTION", name,
                     fmt::format("{} forwards to no target group (its actions: {}); what answers {} is not modelled",
                                 listener_text, actions, describePacket(packet)));
    }
    const std::string zone = node.subnet != nullptr ? node.subnet->availability_zone : std::string();
    const TargetPlan plan = planTargets(ix_.topo, lb, group_arns, zone);
    if (!plan.missing_groups.empty() || !plan.groups_without_targets.empty()) {
      std::vector<std::string> missing = plan.missing_groups;
      for (const auto* group : plan.groups_without_targets) missing.push_back(displayName(group->meta));
      return unknown("LOAD_BALANCER_TARGETS", name,
                     fmt::format("{} forwards {} to {}, whose registered targets are not in the input (add the "
                                 "elbv2 describe-target-groups and describe-target-health output)",
                                 listener_text, describePacket(packet), fmt::join(missing, ", ")));
    }
    if (plan.targets.empty()) {
      return drop("LOAD_BALANCER_NO_TARGETS", name,
                  fmt::format("{} forwards {} to target groups with no registered target", listener_text,
                              describePacket(packet)));
    }
    // One verdict per routed target (both ways of client IP preservation
    // when the input does not say which, undetermined if they differ).
    std::vector<Verdict> verdicts(plan.targets.size(), Verdict::kUndetermined);
    bool cross_zone_unknown = false;
    for (std::size_t i = 0; i < plan.targets.size(); ++i) {
      const TargetChoice& choice = plan.targets[i];
      if (!choice.routed) continue;
      if (choice.cross_zone == Setting::kUnknown && !choice.in_zone) cross_zone_unknown = true;
      if (!choice.in_zone && choice.cross_zone == Setting::kOff) continue;
      std::vector<bool> ways;
      if (choice.client_ip == Setting::kUnknown) {
        ways = {true, false};
      } else {
        ways = {choice.client_ip == Setting::kOn};
      }
      std::optional<Verdict> verdict;
      for (bool preserve : ways) {
        TargetLeg leg = followTarget(node, lb, choice, preserve, packet);
        leg.client_ip_setting_unknown = ways.size() > 1;
        leg.fail_open = choice.fail_open;
        verdict = !verdict || *verdict == leg.verdict ? leg.verdict : Verdict::kUndetermined;
        out_.legs.push_back(std::move(leg));
      }
      verdicts[i] = *verdict;
    }
    // Cross-zone load balancing on and off, where the input does not say.
    const Outcome on = outcomeOver(plan, verdicts, true, listener_text, packet);
    const Outcome off = outcomeOver(plan, verdicts, false, listener_text, packet);
    Outcome outcome = on;
    if (cross_zone_unknown && on.verdict != off.verdict) {
      outcome.verdict = Verdict::kUndetermined;
      outcome.code = "LOAD_BALANCER_CROSS_ZONE";
      outcome.message = fmt::format(
          "whether cross-zone load balancing is on for the target groups of {} is not in the input (add the elbv2 "
          "describe-load-balancer-attributes and describe-target-group-attributes output): on, the flow is {}; off, "
          "it is {}",
          listener_text, verdictName(on.verdict), verdictName(off.verdict));
    }
    switch (outcome.verdict) {
      case Verdict::kUnreachable: return drop(outcome.code, name, outcome.message);
      case Verdict::kUndetermined: return unknown(outcome.code, name, outcome.message);
      case Verdict::kPartial: partial_ = true; break;
      case Verdict::kReachable: break;
    }
    hop(node, HopAction::kDeliver, packet);
    return Arrival{Arrival::Kind::kNode, node, packet};
  }

  /// The verdict over the targets the node routes to, with cross-zone load
  /// balancing `cross_zone` wherever the input does not set it: reachable
  /// when every leg is, unreachable when none is, partial when some are.
  static Outcome outcomeOver(const TargetPlan& plan, const std::vector<Verdict>& verdicts, bool cross_zone,
                             const std::string& listener_text, const Packet& packet) {
    bool any = false, reachable = false, unreachable = false, unknown = false;
    bool registered_in_zone = false;
    for (std::size_t i = 0; i < plan.targets.size(); ++i) {
      const TargetChoice& choice = plan.targets[i];
      // Draining and unused targets take no new flows at all (elbv2 TargetHealth).
      const std::string& health = choice.target->health;
      const bool leaving = health == "draining" || health == "unhealthy.draining" || health == "unused";
      registered_in_zone = registered_in_zone || (choice.in_zone && !leaving);
      const bool zone_ok = choice.in_zone || choice.cross_zone == Setting::kOn ||
                           (choice.cross_zone == Setting::kUnknown && cross_zone);
      if (!choice.routed || !zone_ok) continue;
      any = true;
      switch (verdicts[i]) {
        case Verdict::kReachable: reachable = true; break;
        case Verdict::kUnreachable: unreachable = true; break;
        case Verdict::kPartial: reachable = unreachable = true; break;
        case Verdict::kUndetermined: unknown = true; break;
      }
    }
    const std::string what = fmt::format("{} takes {}", listener_text, describePacket(packet));
    if (!any) {
      // Elastic Load Balancing User Guide, "Cross-zone load balancing": with
      // it off, each node routes only to the registered targets in its own
      // Availability Zone. When those are all unhealthy while others are
      // healthy, what the node does with a flow sent to its address is not
      // documented.
      if (registered_in_zone) {
        return {Verdict::kUndetermined, "LOAD_BALANCER_ZONE_UNHEALTHY",
                what + ", but no target in the node's Availability Zone is healthy while others are, and cross-zone "
                       "load balancing is off; what the node does then is not documented"};
      }
      return {Verdict::kUnreachable, "LOAD_BALANCER_NO_TARGETS_IN_ZONE",
              what + ", but no target is registered in the node's Availability Zone and cross-zone load balancing "
                     "is off"};
    }
    if (reachable) return {unreachable || unknown ? Verdict::kPartial : Verdict::kReachable, "", ""};
    if (unknown) {
      return {Verdict::kUndetermined, "LOAD_BALANCER_TARGETS",
              what + " and forwards it to targets whose paths are not all settled (see each target)"};
    }
    return {Verdict::kUnreachable, "LOAD_BALANCER_NO_TARGET_PATH",
            what + ", and no target it routes to can be reached and answer (see each target)"};
  }

  /// The load balancer node's address of `family` (that of `like`): the
  /// address the client used, or its interface's other one.
  static std::optional<IpAddress> nodeAddressLike(const Node& node, const IpAddress& like) {
    if (node.address.isV6() == like.isV6()) return node.address;
    if (node.eni == nullptr) return std::nullopt;
    if (like.isV6()) {
      if (node.eni->ipv6_addresses.empty()) return std::nullopt;
      return IpAddress(node.eni->ipv6_addresses.front());
    }
    if (node.eni->private_ips.empty()) return std::nullopt;
    return IpAddress(node.eni->private_ips.front());
  }

  /// One leg: the load balancer node forwards the flow to `choice` and the
  /// target answers back to the node.
  TargetLeg followTarget(const Node& node, const LoadBalancer& lb, const TargetChoice& choice, bool preserve,
                         const Packet& request) {
    TargetLeg leg;
    leg.load_balancer = &lb;
    leg.group = choice.group;
    leg.target = choice.target;
    leg.address = choice.address;
    leg.port = choice.port;
    leg.in_zone = choice.in_zone;
    leg.routed = choice.routed;
    const std::string target_text = fmt::format("target {} of {}", choice.target->id, displayName(choice.group->meta));
    if (!choice.address) {
      leg.explanations.push_back(
          {"LOAD_BALANCER_TARGET", target_text, fmt::format("the flow to {} is not followed: {}", target_text, choice.problem)});
      return leg;
    }
    // Network Load Balancer Guide, "Edit target group attributes", Client IP
    // preservation: an IPv6 client's flow reaches IPv4 targets from the load
    // balancer's IPv4 address whatever the setting (and an IPv4 client's
    // reaches IPv6 targets from its IPv6 address).
    const bool same_family = choice.address->isV6() == request.source.isV6();
    leg.client_ip_preserved = preserve && same_family;
    Node from = node;
    std::optional<IpAddress> from_address = nodeAddressLike(node, *choice.address);
    if (!from_address) {
      leg.explanations.push_back({"LOAD_BALANCER_TARGET", target_text,
                                  fmt::format("{} has no address of the family of {} in the input",
                                              displayName(lb.meta), choice.address->str())});
      return leg;
    }
    from.address = *from_address;
    Packet packet = request;
    packet.destination = *choice.address;
    packet.destination_port = choice.port;
    if (!leg.client_ip_preserved) packet.source = from.address;
    if (lb.type == LoadBalancerType::kApplication) {
      // Application Load Balancer Guide, "How Application Load Balancers
      // work": the load balancer opens a connection of its own to the target.
      assume(fmt::format("{} connects to its targets from source port {} (its own ephemeral port, which the input "
                         "cannot give)",
                         displayName(lb.meta), packet.source_port));
    }
    if (packet.source == packet.destination) {
      // Network Load Balancer Guide, "Troubleshoot your Network Load
      // Balancer", Requests to a target from itself time out (hairpinning):
      // with the client's address preserved, source and destination are the
      // target's own address and its host drops the packet.
      leg.verdict = Verdict::kUnreachable;
      leg.explanations.push_back(
          {"LOAD_BALANCER_HAIRPIN", target_text,
           fmt::format("{} forwards the flow back to its sender {} with the client's address preserved: source and "
                       "destination are the same address and the connection times out",
                       displayName(lb.meta), packet.source.str())});
      return leg;
    }
    TraceResult sub_out;
    Target sub_target;
    sub_target.address = *choice.address;
    sub_target.label = target_text;
    Walk sub(ix_, sub_out, from, sub_target);
    sub.terse_ = terse_;
    sub.via_load_balancer_ = &from;
    sub.lb_depth_ = lb_depth_ + 1;
    sub.target_node_ = nodeAt(choice.group->vpc_id, *choice.address);
    auto finish = [&](Verdict verdict) {
      if (sub.undetermined_ && verdict == Verdict::kUnreachable) verdict = Verdict::kUndetermined;
      if (sub.partial_ && verdict == Verdict::kReachable) verdict = Verdict::kPartial;
      leg.verdict = verdict;
      leg.path = std::move(sub_out.path);
      for (auto& explanation : sub_out.explanations) leg.explanations.push_back(std::move(explanation));
      for (auto& assumption : sub_out.assumptions) assume(std::move(assumption));
      return std::move(leg);
    };
    const Arrival forward = sub.leaveLoadBalancer(from, packet);
    if (forward.kind == Arrival::Kind::kDropped) return finish(Verdict::kUnreachable);
    if (forward.kind == Arrival::Kind::kUndetermined) return finish(Verdict::kUndetermined);
    if (forward.kind != Arrival::Kind::kNode || !(forward.node.address == *choice.address)) {
      sub_out.explanations.push_back({"NO_PATH", target_text, "the packet is delivered somewhere else than the target"});
      return finish(Verdict::kUnreachable);
    }
    sub.setReturn();
    const Packet back = reply(forward.packet);
    const Arrival returned = leg.client_ip_preserved ? sub.returnToLoadBalancer(forward.node, from, back)
                                                     : sub.leave(forward.node, back);
    if (returned.kind == Arrival::Kind::kDropped) return finish(Verdict::kUnreachable);
    if (returned.kind == Arrival::Kind::kUndetermined) return finish(Verdict::kUndetermined);
    if (returned.kind != Arrival::Kind::kNode || !returned.node.same(from)) {
      sub_out.explanations.push_back(
          {"NO_PATH", displayName(lb.meta), "the target's reply does not come back to the load balancer"});
      return finish(Verdict::kUnreachable);
    }
    return finish(Verdict::kReachable);
  }

  /// A load balancer node sends the flow on to a target: through its
  /// security groups if it has any (a Network Load Balancer may have none,
  /// and then lets everything out: Network Load Balancer Guide, "Update the
  /// security groups for your Network Load Balancer"), then the node's
  /// subnet's route table and network ACL.
  Arrival leaveLoadBalancer(const Node& from, const Packet& packet) {
    hop(from, HopAction::kSend, packet);
    if (!from.security_group_ids.empty() && !checkSecurityGroups(from, true, packet)) return dropped();
    sender_ = from;
    entered_from_outside_ = false;
    return routeFrom(*from.subnet, packet, &from);
  }

  /// A target's reply to a flow whose client address the load balancer
  /// preserved: addressed to the client, it goes back to the load balancer
  /// node that tracks the flow, through the network ACLs of the target's
  /// subnet (outbound) and the node's (inbound), as the Network Load
  /// Balancer Guide's recommended network ACL rules ("Network ACLs": with
  /// client IP preservation, target subnets allow client addresses out on
  /// ephemeral ports) assume.
  Arrival returnToLoadBalancer(const Node& target, const Node& node, const Packet& back) {
    hop(target, HopAction::kSend, back);
    if (target.vpc_id != node.vpc_id) {
      return unknown("LOAD_BALANCER_RETURN", target.label,
                     fmt::format("{} is outside the load balancer's VPC and sees the client's address; how its reply "
                                 "returns to the load balancer is not modelled",
                                 target.label));
    }
    if (target.subnet != node.subnet) {
      if (target.subnet == nullptr || node.subnet == nullptr) {
        return unknown("UNKNOWN_SUBNET", target.label, "the subnet of the target or load balancer node is not in the input");
      }
      if (!checkAcl(*target.subnet, true, back) || !checkAcl(*node.subnet, false, back)) return dropped();
    }
    hop(node, HopAction::kDeliver, back);
    return Arrival{Arrival::Kind::kNode, node, back};
  }

  /// RFC 7915 (IP/ICMP translation), sections 4.2 and 5.2: ICMPv6 echo
  /// request/reply (128/129) become ICMP echo request/reply (8/0) toward
  /// IPv4, and back; other types keep their numbers here (the documented
  /// translations of error messages are not modelled).
  static void translateIcmp(Packet& packet, bool to_ipv4) {
    if (to_ipv4 && packet.protocol == kProtocolIcmpv6) {
      packet.protocol = kProtocolIcmp;
      if (packet.icmp_type == 128) packet.icmp_type = 8;
      if (packet.icmp_type == 129) packet.icmp_type = 0;
    } else if (!to_ipv4 && packet.protocol == kProtocolIcmp) {
      packet.protocol = kProtocolIcmpv6;
      if (packet.icmp_type == 8) packet.icmp_type = 128;
      if (packet.icmp_type == 0) packet.icmp_type = 129;
    }
  }

  /// VPC User Guide, "NAT gateways": a public NAT gateway translates the
  /// source to its private address (then the IGW to its EIP); it supports
  /// TCP, UDP and ICMP and never accepts connections initiated from outside.
  Arrival throughNat(const Node& nat_node, Packet packet, bool from_internet) {
    const NatGateway& nat = *nat_node.nat;
    if (is_return_) {
      if (!nat_source_ || !(packet.destination == nat_node.address)) {
        return drop("NGW_NO_INBOUND", displayName(nat.meta), "the NAT gateway has no connection for this reply");
      }
      if (nat64_destination_) {  // the reply of a NAT64 flow becomes IPv6 again
        translation(HopKind::kNatGateway, HopAction::kTranslateSource, nat.meta, packet.source, *nat64_destination_);
        packet.source = *nat64_destination_;
        translateIcmp(packet, false);
      }
      translation(HopKind::kNatGateway, HopAction::kTranslateDestination, nat.meta, packet.destination, *nat_source_);
      packet.destination = *nat_source_;
      if (packet.protocol == kProtocolTcp || packet.protocol == kProtocolUdp) packet.destination_port = nat_source_port_;
      return routeFrom(*nat_node.subnet, packet, &nat_node);
    }
    if (packet.destination.isV6()) {
      // VPC User Guide, "DNS64 and NAT64": a NAT gateway translates IPv6
      // traffic to the well-known prefix 64:ff9b::/96 into IPv4 toward the
      // address in its last 32 bits. Other IPv6 traffic it does not carry.
      const Cidr6 nat64 = Cidr6::of(Ipv6(kNat64High, 0), 96);
      if (!nat64.contains(packet.destination) || from_internet) {
        return unknown("NGW_IPV6_NOT_NAT64", displayName(nat.meta),
                       fmt::format("IPv6 traffic to {} reaches NAT gateway {}; a NAT gateway translates IPv6 only to "
                                   "64:ff9b::/96 (NAT64), and what it does with other IPv6 traffic is not documented",
                                   packet.destination.str(), nat.meta.id));
      }
      if (nat_source_) {
        return unknown("NGW_CHAIN", displayName(nat.meta), "the packet passes a second NAT gateway; not modelled");
      }
      const Ipv4 embedded(static_cast<uint32_t>(packet.destination.v6().low()));
      nat64_destination_ = packet.destination;
      translation(HopKind::kNatGateway, HopAction::kTranslateDestination, nat.meta, packet.destination, embedded);
      packet.destination = embedded;
      translateIcmp(packet, true);
      assume("the IPv6 client learns 64:ff9b::/96 addresses from DNS64 (Route 53 Resolver with DNS64 enabled on the "
             "subnet)");
    }
    if (from_internet || packet.destination == nat_node.address) {
      return drop("NGW_NO_INBOUND", displayName(nat.meta),
                  "a NAT gateway does not accept connections initiated toward it");
    }
    if (packet.protocol != kProtocolTcp && packet.protocol != kProtocolUdp && packet.protocol != kProtocolIcmp &&
        packet.protocol != kProtocolIcmpv6) {
      return drop("NGW_PROTOCOL_RESTRICTION", displayName(nat.meta),
                  fmt::format("a NAT gateway forwards only TCP, UDP and ICMP, not protocol {}", packet.protocol));
    }
    if (nat_source_) {
      return unknown("NGW_CHAIN", displayName(nat.meta), "the packet passes a second NAT gateway; not modelled");
    }
    nat_source_ = packet.source;
    nat_source_port_ = packet.source_port;
    translation(HopKind::kNatGateway, HopAction::kTranslateSource, nat.meta, packet.source, nat_node.address);
    out_.path.back().private_nat = !nat.is_public;
    packet.source = nat_node.address;
    sender_ = nat_node;
    entered_from_outside_ = false;
    // VPC User Guide, "NAT gateway basics": the gateway picks a source port
    // in 1024-65535 for each connection.
    if ((packet.protocol == kProtocolTcp || packet.protocol == kProtocolUdp) && packet.source_port < 1024) {
      assume(fmt::format("the NAT gateway translates source port {} to 1024 (it uses ports 1024-65535)",
                         packet.source_port));
      packet.source_port = 1024;
    }
    private_nat_ = !nat.is_public;
    return routeFrom(*nat_node.subnet, packet, &nat_node);
  }

  /// VPC User Guide, "Enable internet access for a VPC using an internet
  /// gateway": the gateway must be attached, and the instance needs a public
  /// IPv4 address or an Elastic IP, to which the source is translated.
  Arrival viaInternetGateway(const std::string& igw_id, const Subnet& subnet, Packet packet, const Node* origin) {
    const InternetGateway* igw = ix_.topo.findInternetGateway(igw_id);
    bool attached = false;
    if (igw != nullptr) {
      for (const auto& vpc : igw->vpc_ids) attached = attached || vpc == subnet.vpc_id;
    }
    if (!attached) {
      return drop("BAD_STATE_ROUTE", igw_id,
                  fmt::format("internet gateway {} is not attached to {}", igw_id, subnet.vpc_id));
    }
    if (private_nat_) {
      return drop("NGW_PRIVATE_CANNOT_USE_IGW", igw_id, "traffic from a private NAT gateway cannot use an internet gateway");
    }
    if (packet.destination.isV6()) return outOverIpv6(HopKind::kInternetGateway, igw->meta, subnet, packet);
    std::optional<Ipv4> public_source;
    std::optional<Node> sender = nodeAt(subnet.vpc_id, packet.source);
    if (origin != nullptr && origin->address == packet.source) sender = *origin;
    if (sender) public_source = sender->public_address;
    if (!public_source) {
      return drop("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", displayName(igw->meta),
                  fmt::format("{} has no public IPv4 address or Elastic IP, so the internet gateway drops its traffic",
                              packet.source.str()));
    }
    if (!packet.destination.isPublic()) {
      return drop("CANNOT_ROUTE", displayName(igw->meta),
                  fmt::format("{} is not a public address; the internet gateway cannot deliver it",
                              packet.destination.str()));
    }
    translation(HopKind::kInternetGateway, HopAction::kTranslateSource, igw->meta, packet.source, *public_source);
    packet.source = *public_source;
    sender_.reset();
    if (is_return_ && source_.subnet == nullptr) return Arrival{Arrival::Kind::kInternet, {}, packet};
    if (nodeAtPublic(packet.destination)) return fromInternet(packet);
    hop(HopKind::kInternet, HopAction::kDeliver, nullptr, "internet").packet = packet;
    return Arrival{Arrival::Kind::kInternet, {}, packet};
  }

  /// VPC User Guide, "Enable outbound IPv6 traffic using an egress-only
  /// internet gateway": it carries IPv6 traffic out of the VPC and the
  /// replies back, and drops connections the internet starts.
  Arrival viaEgressOnlyGateway(const std::string& eigw_id, const Subnet& subnet, const Packet& packet) {
    const EgressOnlyInternetGateway* eigw = ix_.topo.findEgressOnlyInternetGateway(eigw_id);
    if (eigw == nullptr || eigw->vpc_id != subnet.vpc_id) {
      return drop("BAD_STATE_ROUTE", eigw_id,
                  fmt::format("egress-only internet gateway {} is not attached to {}", eigw_id, subnet.vpc_id));
    }
    return outOverIpv6(HopKind::kEgressOnlyInternetGateway, eigw->meta, subnet, packet);
  }

  /// An IPv6 packet leaves the VPC through an internet gateway or an
  /// egress-only one. Neither translates: an interface's IPv6 address is
  /// global and is the one the internet sees, so the source must be an
  /// address of the VPC's IPv6 blocks (VPC User Guide, "IPv6 addresses";
  /// "Enable internet access for a VPC using an internet gateway").
  Arrival outOverIpv6(HopKind kind, const ResourceMeta& gateway, const Subnet& subnet, const Packet& packet) {
    const Vpc* vpc = ix_.topo.findVpc(subnet.vpc_id);
    if (vpc == nullptr || !inAnyBlock(associatedIpv6(vpc->ipv6_blocks), packet.source)) {
      return drop("CANNOT_ROUTE", displayName(gateway),
                  fmt::format("{} is not an IPv6 address of {}, so {} does not carry it to the internet",
                              packet.source.str(), subnet.vpc_id, gateway.id));
    }
    if (!packet.destination.isPublic()) {
      return drop("CANNOT_ROUTE", displayName(gateway),
                  fmt::format("{} is not a global unicast address; {} cannot deliver it", packet.destination.str(),
                              gateway.id));
    }
    hop(kind, HopAction::kPass, &gateway).egress = true;  // outward (scopes tell it from the way in)
    if (!is_return_) ipv6_exit_ = &gateway;
    sender_.reset();
    if (is_return_ && source_.subnet == nullptr) return Arrival{Arrival::Kind::kInternet, {}, packet};
    if (nodeAtPublic(packet.destination)) return fromInternet(packet);
    hop(HopKind::kInternet, HopAction::kDeliver, nullptr, "internet").packet = packet;
    return Arrival{Arrival::Kind::kInternet, {}, packet};
  }

  /// An IPv6 packet from the internet to the interface holding its
  /// destination: through an attached internet gateway, or, for the reply of
  /// a flow that left through an egress-only gateway, back through it.
  Arrival fromInternet6(const Packet& packet, const Node& holder) {
    const ResourceMeta* gateway = nullptr;
    HopKind kind = HopKind::kInternetGateway;
    if (is_return_ && ipv6_exit_ != nullptr) {
      const EgressOnlyInternetGateway* eigw = ix_.topo.findEgressOnlyInternetGateway(ipv6_exit_->id);
      kind = eigw != nullptr ? HopKind::kEgressOnlyInternetGateway : HopKind::kInternetGateway;
      gateway = ipv6_exit_;
    } else if (auto it = ix_.igws_by_vpc.find(holder.vpc_id); it != ix_.igws_by_vpc.end() && !it->second.empty()) {
      gateway = &it->second.front()->meta;
    }
    if (gateway == nullptr) {
      bool egress_only = std::any_of(ix_.topo.egress_only_internet_gateways.begin(),
                                     ix_.topo.egress_only_internet_gateways.end(),
                                     [&](const EgressOnlyInternetGateway& eigw) { return eigw.vpc_id == holder.vpc_id; });
      if (egress_only) {
        return drop("EIGW_NO_INBOUND", holder.vpc_id,
                    fmt::format("{} reaches the internet over IPv6 only through an egress-only internet gateway, which "
                                "drops connections started from the internet",
                                holder.vpc_id));
      }
      return drop("NO_PATH", holder.vpc_id,
                  fmt::format("{} has no attached internet gateway, so {} is not reachable from the internet",
                              holder.vpc_id, packet.destination.str()));
    }
    const Vpc* vpc = ix_.topo.findVpc(holder.vpc_id);
    if (vpc == nullptr || !inAnyBlock(associatedIpv6(vpc->ipv6_blocks), packet.destination)) {
      return drop("NO_PATH", displayName(*gateway),
                  fmt::format("{} is not in an IPv6 block of {}", packet.destination.str(), holder.vpc_id));
    }
    hop(kind, HopAction::kPass, gateway);
    entered_from_outside_ = true;
    return arriveFromGateway(holder, packet, gateway->id);
  }

  /// A packet from the internet toward a public address in the input.
  Arrival fromInternet(Packet packet) {
    if (!spend()) return unknown("ROUTING_LOOP", "internet", "the packet loops until its TTL expires");  // as routeFrom
    std::optional<Node> holder = nodeAtPublic(packet.destination);
    const char* what = packet.destination.isV6() ? "IPv6" : "public";
    if (!holder) {
      if (is_return_) {
        return drop("NO_PATH", "internet", fmt::format("the reply is addressed to no {} address in the input", what));
      }
      return unknown("UNKNOWN_DESTINATION", "internet",
                     fmt::format("no interface in the input holds {} address {}", what, packet.destination.str()));
    }
    if (packet.destination.isV6()) return fromInternet6(packet, *holder);
    const InternetGateway* igw = nullptr;
    if (auto it = ix_.igws_by_vpc.find(holder->vpc_id); it != ix_.igws_by_vpc.end() && !it->second.empty()) {
      igw = it->second.front();
    }
    if (igw == nullptr) {
      return drop("NO_PATH", holder->vpc_id,
                  fmt::format("{} has no attached internet gateway, so {} is not reachable from the internet",
                              holder->vpc_id, packet.destination.str()));
    }
    translation(HopKind::kInternetGateway, HopAction::kTranslateDestination, igw->meta, packet.destination,
                holder->address);
    packet.destination = holder->address;
    entered_from_outside_ = true;
    return arriveFromGateway(*holder, packet, igw->meta.id);
  }

  /// A packet that entered through gateway `gateway_id` (internet or
  /// egress-only) goes to `holder`.
  Arrival arriveFromGateway(const Node& holder, const Packet& packet, const std::string& gateway_id) {
    // VPC User Guide, "Gateway route tables": a route table associated with
    // the internet gateway (ingress routing) decides where inbound traffic goes.
    if (auto it = ix_.gateway_route_table.find(gateway_id); it != ix_.gateway_route_table.end()) {
      const RouteTable& table = *it->second;
      RouteChoice choice = lookup(table, ix_.topo.findVpc(holder.vpc_id), packet);
      if (choice.prefix < 0) {
        return drop("NO_ROUTE_TO_DESTINATION", displayName(table.meta),
                    fmt::format("gateway route table {} has no route for {}", table.meta.id, packet.destination.str()));
      }
      if (!choice.implicit_local && choice.route->target != RouteTarget::kLocal) {
        routeHop(table, choice.route, choice.local_block, choice.local_block6);
        return unknown("MIDDLEBOX_NOT_MODELLED", choice.route->target_id,
                       fmt::format("inbound traffic is steered to {} by the gateway route table; what it forwards is "
                                   "not modelled",
                                   choice.route->target_id));
      }
    }
    return arrive(holder, packet, nullptr, true);
  }

  Arrival viaEndpoint(const std::string& endpoint_id, const Packet& packet) {
    const VpcEndpoint* endpoint = ix_.topo.findVpcEndpoint(endpoint_id);
    if (endpoint == nullptr) {
      return drop("BAD_STATE_ROUTE", endpoint_id, fmt::format("route target {} is not in the input", endpoint_id));
    }
    if (endpoint->type == EndpointType::kGatewayLoadBalancer) {
      return unknown("MIDDLEBOX_NOT_MODELLED", displayName(endpoint->meta),
                     fmt::format("traffic goes to Gateway Load Balancer endpoint {}; the appliances behind it are not "
                                 "modelled",
                                 endpoint_id));
    }
    if (endpoint->type != EndpointType::kGateway) {
      return drop("CANNOT_ROUTE", displayName(endpoint->meta), "an interface endpoint is not a route target");
    }
    // PrivateLink Guide, "Gateway endpoints", considerations: gateway
    // endpoints support IPv4 traffic only.
    if (packet.destination.isV6()) {
      return drop("CANNOT_ROUTE", displayName(endpoint->meta),
                  fmt::format("gateway endpoint {} carries IPv4 traffic only", endpoint_id));
    }
    // PrivateLink guide, "Gateway endpoints": endpoint connections cannot be
    // extended out of a VPC; traffic that entered through a transit gateway,
    // peering connection or VPN cannot use the endpoint.
    if (entered_from_outside_) {
      return drop("VPCE_GATEWAY_NOT_EXTENDABLE", displayName(endpoint->meta),
                  fmt::format("{} entered the VPC from outside; gateway endpoint {} serves only traffic from the VPC",
                              packet.source.str(), endpoint_id));
    }
    // VPC Reachability Analyzer, explanation codes: gateway endpoints carry TCP only.
    if (packet.protocol != kProtocolTcp) {
      return drop("VPCE_GATEWAY_PROTOCOL_RESTRICTION", displayName(endpoint->meta),
                  fmt::format("gateway endpoint {} carries only TCP", endpoint_id));
    }
    // The endpoint's policy decides API calls, not packets: reach --action
    // evaluates it (sim/access.h), and reach notes a non-default one.
    forwardHop(HopKind::kVpcEndpoint, HopAction::kToService, endpoint->meta, endpoint->service_name);
    return Arrival{Arrival::Kind::kService, {}, packet};
  }

  /// VPC Peering guide, "VPC peering basics": traffic must be addressed to
  /// the peer VPC's CIDR; peering is not transitive (no edge-to-edge routing).
  Arrival viaPeering(const std::string& pcx_id, const Subnet& subnet, Packet packet) {
    if (consulted_ != nullptr) consulted_->other = true;  // the blocks of both VPCs
    const PeeringConnection* pcx = ix_.topo.findPeeringConnection(pcx_id);
    if (pcx == nullptr) {
      return drop("BAD_STATE_ROUTE", pcx_id, fmt::format("peering connection {} is not active or not in the input", pcx_id));
    }
    if (pcx->status != "active") {
      return drop("BAD_STATE_ROUTE", displayName(pcx->meta),
                  fmt::format("peering connection {} is {}, not active", pcx_id, pcx->status));
    }
    const PeeringSide* peer = nullptr;
    if (pcx->requester.vpc_id == subnet.vpc_id) peer = &pcx->accepter;
    if (pcx->accepter.vpc_id == subnet.vpc_id && peer == nullptr) peer = &pcx->requester;
    if (peer == nullptr) {
      return drop("CANNOT_ROUTE", displayName(pcx->meta), fmt::format("{} does not connect {}", pcx_id, subnet.vpc_id));
    }
    const Vpc* peer_vpc = ix_.topo.findVpc(peer->vpc_id);
    if (packet.destination.isV6() && peer_vpc == nullptr) {
      // The connection's IPv6 blocks (Ipv6CidrBlockSet) are not read.
      return unknown("LEAVES_SNAPSHOT", displayName(pcx->meta),
                     fmt::format("peer {} (account {}, {}) is not in the input, nor its IPv6 blocks", peer->vpc_id,
                                 peer->account, peer->region));
    }
    std::vector<Cidr> cidrs = peer_vpc != nullptr ? peer_vpc->cidrs : peer->cidrs;
    bool inside = false;
    for (const auto& cidr : cidrs) inside = inside || cidr.contains(packet.destination);
    // VPC Peering guide, "VPC peering basics": IPv6 traffic crosses a peering
    // connection between the VPCs' IPv6 blocks.
    if (peer_vpc != nullptr) inside = inside || inAnyBlock(associatedIpv6(peer_vpc->ipv6_blocks), packet.destination);
    if (!inside) {
      return drop("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", displayName(pcx->meta),
                  fmt::format("{} is not in a CIDR block of peer {}; peering is not transitive",
                              packet.destination.str(), peer->vpc_id));
    }
    // VPC Peering guide, "VPC peering limitations": no transitive peering and
    // no edge-to-edge routing, so the source must be an address of this VPC.
    // Without the VPC in the input, the blocks the connection lists for this
    // side stand for it; without those either, the rule cannot be settled.
    const Vpc* local_vpc = ix_.topo.findVpc(subnet.vpc_id);
    const PeeringSide& local_side = peer == &pcx->accepter ? pcx->requester : pcx->accepter;
    const std::vector<Cidr>& local_cidrs = local_vpc != nullptr ? local_vpc->cidrs : local_side.cidrs;
    if (local_cidrs.empty() || (packet.source.isV6() && local_vpc == nullptr)) {
      return unknown("UNKNOWN_VPC", displayName(pcx->meta),
                     fmt::format("the CIDR blocks of {} are not in the input, so whether source {} may use {} cannot "
                                 "be told",
                                 subnet.vpc_id, packet.source.str(), pcx_id));
    }
    bool local_source = false;
    for (const auto& cidr : local_cidrs) local_source = local_source || cidr.contains(packet.source);
    if (local_vpc != nullptr) {
      local_source = local_source || inAnyBlock(associatedIpv6(local_vpc->ipv6_blocks), packet.source);
    }
    if (!local_source) {
      return drop("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", displayName(pcx->meta),
                  fmt::format("source {} is not in a CIDR block of {}; peering carries no transit traffic",
                              packet.source.str(), subnet.vpc_id));
    }
    forwardHop(HopKind::kPeeringConnection, HopAction::kToPeerVpc, pcx->meta, peer->vpc_id);
    entered_from_outside_ = true;
    if (peer_vpc == nullptr) {
      return unknown("LEAVES_SNAPSHOT", displayName(pcx->meta),
                     fmt::format("peer {} (account {}, {}) is not in the input", peer->vpc_id, peer->account, peer->region));
    }
    std::optional<Node> holder = nodeAt(peer->vpc_id, packet.destination);
    if (!holder) {
      return drop("NO_INTERFACE_AT_DESTINATION", peer->vpc_id,
                  fmt::format("no network interface in {} holds {}", peer->vpc_id, packet.destination.str()));
    }
    if (holder->nat != nullptr && !is_return_) {
      return drop("NGW_REQUIRES_SOURCE_IN_VPC", holder->label, "a NAT gateway does not serve traffic from a peered VPC");
    }
    return arrive(*holder, packet, nullptr, false);
  }

  /// Transit Gateway guide, "How transit gateways work": the VPC attachment's
  /// associated route table picks the target attachment; a VPC reaches the
  /// gateway only from AZs where the attachment has a subnet.
  Arrival viaTransitGateway(const std::string& tgw_id, const Subnet& subnet, Packet packet) {
    const TgwAttachment* attachment = nullptr;
    if (auto it = ix_.tgw_vpc_attachment.find({tgw_id, subnet.vpc_id}); it != ix_.tgw_vpc_attachment.end()) {
      attachment = it->second;
    }
    if (attachment == nullptr) {
      if (ix_.topo.findTransitGateway(tgw_id) == nullptr) {
        return unknown("LEAVES_SNAPSHOT", tgw_id, fmt::format("transit gateway {} is not in the input", tgw_id));
      }
      return drop("TGW_ATTACH_NOT_FOUND", tgw_id, fmt::format("{} has no attachment to {}", tgw_id, subnet.vpc_id));
    }
    if (!attachment->subnet_ids.empty()) {
      bool in_az = false;
      for (const auto& id : attachment->subnet_ids) {
        const Subnet* attached = ix_.topo.findSubnet(id);
        in_az = in_az || (attached != nullptr && attached->availability_zone == subnet.availability_zone);
      }
      if (!in_az) {
        return drop("TGW_ATTACH_AZ_MISMATCH", displayName(attachment->meta),
                    fmt::format("attachment {} has no subnet in {}, so {} cannot reach the transit gateway",
                                attachment->meta.id, subnet.availability_zone, subnet.meta.id));
      }
    } else {
      assume(fmt::format("the subnets of attachment {} are not in the input; assumed to cover every AZ",
                         attachment->meta.id));
    }
    // Transit Gateway guide, "Network ACLs for transit gateways": the
    // attachment subnet's inbound rules see the traffic going to the gateway
    // (also when the sender is in that subnet) and its outbound rules the
    // traffic coming from it.
    if (const Subnet* entry = attachmentSubnet(*attachment, subnet.availability_zone);
        entry != nullptr && !checkAcl(*entry, false, packet)) {
      return dropped();
    }
    if (attachment->association_route_table.empty()) {
      return drop("TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION", displayName(attachment->meta),
                  fmt::format("attachment {} is not associated with a transit gateway route table",
                              attachment->meta.id));
    }
    forwardHop(HopKind::kTransitGatewayAttachment, HopAction::kIntoTransitGateway, attachment->meta, tgw_id);
    return throughTgwRouteTable(tgw_id, attachment->association_route_table, subnet.availability_zone, packet);
  }

  /// The attachment's subnet in `az`, else its first subnet, else nullptr.
  const Subnet* attachmentSubnet(const TgwAttachment& attachment, const std::string& az) const {
    const Subnet* chosen = nullptr;
    for (const auto& id : attachment.subnet_ids) {
      const Subnet* candidate = ix_.topo.findSubnet(id);
      if (candidate == nullptr) continue;
      if (chosen == nullptr || (candidate->availability_zone == az && chosen->availability_zone != az)) {
        chosen = candidate;
      }
    }
    return chosen;
  }

  /// Looks the destination up in transit gateway route table `table_id`
  /// (static routes plus the CIDRs of propagating VPC attachments) and
  /// forwards to the chosen attachment: a VPC, or across a TGW peering into
  /// the peer gateway's route table.
  Arrival throughTgwRouteTable(const std::string& tgw_id, const std::string& table_id, const std::string& az,
                               Packet packet) {
    if (!spend()) {  // as routeFrom
      return unknown("ROUTING_LOOP", tgw_id, "the packet loops through transit gateways until its TTL expires");
    }
    const TgwRouteTable* table = ix_.topo.findTgwRouteTable(table_id);
    struct Candidate {
      Cidr destination;
      std::string attachment;
      bool blackhole;
      bool is_static;
    };
    std::vector<Candidate> candidates;
    bool opaque_propagation = false;
    std::vector<std::string> propagating;
    if (table != nullptr) {
      for (const auto& route : table->static_routes) {
        candidates.push_back({route.destination, route.attachment_ids.empty() ? "" : route.attachment_ids.front(),
                              route.blackhole, true});
      }
      propagating = table->propagating_attachments;
    } else {
      return unknown("LEAVES_SNAPSHOT", table_id,
                     fmt::format("transit gateway route table {} is not in the input", table_id));
    }
    if (consulted_ != nullptr) consulted_->tgw_route_tables.push_back(table);
    for (const auto& id : propagating) {
      const TgwAttachment* source = ix_.topo.findTgwAttachment(id);
      if (source == nullptr) continue;
      if (source->resource_type == "vpc") {
        if (const Vpc* vpc = ix_.topo.findVpc(source->resource_id)) {
          for (const auto& cidr : vpc->cidrs) candidates.push_back({cidr, id, false, false});
        }
      } else {
        opaque_propagation = true;  // VPN / Direct Connect routes come from BGP
      }
    }
    const Candidate* best = nullptr;
    for (const auto& candidate : candidates) {
      if (!candidate.destination.contains(packet.destination)) continue;
      if (best == nullptr || candidate.destination.prefix() > best->destination.prefix() ||
          (candidate.destination.prefix() == best->destination.prefix() && candidate.is_static && !best->is_static)) {
        best = &candidate;
      }
    }
    if (best == nullptr) {
      if (opaque_propagation) {
        return unknown("TGW_RTB_CANNOT_ROUTE", table_id,
                       fmt::format("no known route for {} in {}; routes propagated from VPN / Direct Connect "
                                   "attachments are not in the input",
                                   packet.destination.str(), table_id));
      }
      return drop("TGW_RTB_CANNOT_ROUTE", table_id,
                  fmt::format("transit gateway route table {} has no route for {}", table_id, packet.destination.str()));
    }
    hop(HopKind::kTransitGatewayRouteTable, HopAction::kRoute, &table->meta).tgw_route =
        TgwRouteUsed{best->destination, best->blackhole ? std::string() : best->attachment, best->is_static,
                     best->blackhole};
    if (best->blackhole) {
      return drop("BAD_STATE_ROUTE", table_id, fmt::format("route {} is a blackhole", best->destination.str()));
    }
    const TgwAttachment* exit = ix_.topo.findTgwAttachment(best->attachment);
    if (exit != nullptr && exit->resource_type == "peering") {
      // Transit Gateway guide, "Transit gateway peering attachments": traffic
      // crossing a peering is routed by the peer gateway's route table
      // associated with the same attachment.
      bool local_side = exit->transit_gateway_id == tgw_id;
      std::string peer_tgw = local_side ? exit->resource_id : exit->transit_gateway_id;
      std::string peer_table = local_side ? exit->peer_association_route_table : exit->association_route_table;
      if (peer_table.empty()) {
        return unknown("LEAVES_SNAPSHOT", best->attachment,
                       fmt::format("traffic crosses peering attachment {} to {}, whose route table is not in the input",
                                   best->attachment, peer_tgw));
      }
      forwardHop(HopKind::kTransitGatewayAttachment, HopAction::kToPeerTransitGateway, exit->meta, peer_tgw);
      return throughTgwRouteTable(peer_tgw, peer_table, az, packet);
    }
    if (exit == nullptr || exit->resource_type != "vpc") {
      return unknown("LEAVES_SNAPSHOT", best->attachment,
                     fmt::format("traffic leaves through attachment {} ({}), whose far side is not in the input",
                                 best->attachment, exit != nullptr ? exit->resource_type : "unknown"));
    }
    forwardHop(HopKind::kTransitGatewayAttachment, HopAction::kOutToVpc, exit->meta, exit->resource_id);
    entered_from_outside_ = true;
    // Traffic enters the VPC at the attachment's interface, in the source's AZ
    // when the attachment has a subnet there, and is routed by that subnet's
    // route table.
    const Subnet* entry = attachmentSubnet(*exit, az);
    if (entry == nullptr) {
      assume(fmt::format("the subnets of attachment {} are not in the input; traffic is delivered directly",
                         exit->meta.id));
      std::optional<Node> holder = nodeAt(exit->resource_id, packet.destination);
      if (!holder) {
        return drop("NO_INTERFACE_AT_DESTINATION", exit->resource_id,
                    fmt::format("no network interface in {} holds {}", exit->resource_id, packet.destination.str()));
      }
      return arrive(*holder, packet, nullptr, false);
    }
    return routeFrom(*entry, packet, nullptr);
  }

  const Network::Index& ix_;
  TraceResult& out_;
  const Node& source_;
  const Target& target_;
  std::optional<Node> sender_;
  std::optional<Node> target_node_;
  std::optional<Node> target_hypothetical_;
  std::optional<IpAddress> nat_source_;
  std::optional<IpAddress> nat64_destination_;  ///< the IPv6 destination a NAT64 translation replaced
  int nat_source_port_ = 0;
  const ResourceMeta* ipv6_exit_ = nullptr;  ///< the gateway an IPv6 request left the VPC through
  bool private_nat_ = false;
  bool entered_from_outside_ = false;  ///< the packet crossed into its current VPC from elsewhere
  bool is_return_ = false;
  bool undetermined_ = false;
  bool source_apart_ = false;  ///< the source's egress groups are checked by the caller
  bool terse_ = false;         ///< TraceOptions::terse
  /// In a load balancer's leg to a target: the load balancer node the flow
  /// leaves from (its security groups are the peer a target's rules see).
  const Node* via_load_balancer_ = nullptr;
  /// Some target of a load balancer the flow reached is reachable and some
  /// are not: a reachable flow is partial.
  bool partial_ = false;
  int lb_depth_ = 0;  ///< load balancers this walk is behind (a leg's walk is one deeper)
  Consulted* consulted_ = nullptr;  ///< TraceOptions::consulted
  int budget_ = kHopBudget;

};

Packet reply(const Packet& packet) {
  Packet back = packet;
  back.source = packet.destination;
  back.destination = packet.source;
  back.source_port = packet.destination_port;
  back.destination_port = packet.source_port;
  // RFC 792: the reply to an echo request (type 8) is an echo reply (type 0);
  // RFC 4443, section 4.2: ICMPv6 echo request 128, echo reply 129.
  if (packet.protocol == kProtocolIcmp && packet.icmp_type == 8) back.icmp_type = 0;
  if (packet.protocol == kProtocolIcmpv6 && packet.icmp_type == 128) back.icmp_type = 129;
  return back;
}

/// The node `source` sends from (an empty one for an outside host); nullopt,
/// with the explanation in `result`, when the input lacks it.
std::optional<Node> sourceNode(const Network::Index& ix, const Endpoint& source, const Packet& packet,
                               TraceResult& result) {
  Node node;
  if (source.kind == Endpoint::Kind::kEni) {
    const Eni* eni = source.eni != nullptr ? source.eni : ix.eniById(source.eni_id);
    if (eni == nullptr) {
      result.explanations.push_back({"UNKNOWN_SOURCE", source.eni_id, "the source interface is not in the input"});
      return std::nullopt;
    }
    node.eni = eni;
    node.subnet = ix.topo.findSubnet(eni->subnet_id);
    node.vpc_id = eni->vpc_id;
    node.security_group_ids = eni->security_group_ids;
    node.address = packet.source;
    for (const auto& pub : eni->public_ips) {
      if (pub.private_ip == packet.source) node.public_address = pub.public_ip;
    }
    node.label = displayName(eni->meta);
  } else if (source.kind == Endpoint::Kind::kHypotheticalEni) {
    node.subnet = ix.topo.findSubnet(source.subnet_id);
    if (node.subnet == nullptr) {
      result.explanations.push_back({"UNKNOWN_SOURCE", source.subnet_id, "the source subnet is not in the input"});
      return std::nullopt;
    }
    node.vpc_id = node.subnet->vpc_id;
    node.security_group_ids = source.security_group_ids;
    node.address = packet.source;
    if (node.subnet->map_public_ip_on_launch && !packet.source.isV6()) {
      // EC2 User Guide, "Public IPv4 addresses": an instance launched in a
      // subnet with MapPublicIpOnLaunch receives a public address.
      node.public_address = Ipv4(kNewInterfacePublicAddress);
      result.assumptions.push_back(fmt::format(
          "the new interface in {} receives a public IPv4 address (the subnet maps public IPs on launch)",
          source.subnet_id));
    }
    node.label = source.label.empty() ? "new interface in " + source.subnet_id : source.label;
  }
  return node;
}

/// Tells the walk where the packet goes: the new interface placed at the
/// target, if any, and the node holding the target's address.
void placeTarget(Walk& walk, const Network::Index& ix, const Node& source_node, const Target& target,
                 const Packet& packet, bool external, TraceResult& result) {
  if (!target.subnet_id.empty()) {
    Node hypothetical;
    hypothetical.subnet = ix.topo.findSubnet(target.subnet_id);
    if (hypothetical.subnet != nullptr) {
      hypothetical.vpc_id = hypothetical.subnet->vpc_id;
      hypothetical.security_group_ids = target.security_group_ids;
      hypothetical.address = target.address;
      hypothetical.label = target.label;
      if (hypothetical.subnet->map_public_ip_on_launch) {
        // As for a new source interface: it gets a public address, the
        // stand-in one, which an internet client addresses.
        hypothetical.public_address = Ipv4(kNewInterfacePublicAddress);
        if (packet.destination == *hypothetical.public_address) {
          result.assumptions.push_back(fmt::format(
              "the new interface in {} receives a public IPv4 address (the subnet maps public IPs on launch)",
              target.subnet_id));
        }
      }
      walk.target_hypothetical_ = hypothetical;
    }
  }
  if (external) return;
  if (auto holder = walk.nodeAt(source_node.vpc_id, target.address)) {
    walk.target_node_ = holder;
  } else if (target.address.isV6()) {
    if (const Eni* eni = ix.eniByIpv6(target.address.v6())) walk.target_node_ = walk.nodeOfEni(*eni, target.address);
  } else if (auto it = ix.by_private_ip.find(target.address.v4().value()); it != ix.by_private_ip.end()) {
    walk.target_node_ = walk.nodeOfEni(*it->second.front(), target.address);
  }
}

/// The request of an outside host: from the internet, or from a private
/// address outside the input.
Arrival fromOutside(Walk& walk, const Endpoint& source, const Packet& packet) {
  walk.hop(HopKind::kInternet, HopAction::kSend, nullptr, source.label.empty() ? "internet" : source.label).packet =
      packet;
  bool stand_in = packet.destination == Ipv4(kNewInterfacePublicAddress) && walk.target_hypothetical_ &&
                  walk.target_hypothetical_->public_address;
  if (packet.source.isPublic() && !packet.destination.isPublic() && !stand_in) {
    // Private (RFC 1918 and other special-purpose) addresses are not routed
    // on the internet; an internet host reaches a VPC only through a public
    // address (VPC User Guide, "IP addressing for your VPCs and subnets").
    return walk.drop("NO_PATH", "internet",
                     fmt::format("{} is a private address; it cannot be reached from the internet",
                                 packet.destination.str()));
  }
  if (!packet.source.isPublic()) {
    return walk.unknown("LEAVES_SNAPSHOT", packet.source.str(),
                        fmt::format("{} is a private address outside every VPC in the input; how it reaches "
                                    "the VPC (VPN, Direct Connect) is not known",
                                    packet.source.str()));
  }
  return walk.fromInternet(packet);
}

/// Whether the request arrived where it was meant to.
bool arrivedAtTarget(const Arrival& forward, const Target& target, bool external) {
  // A NAT64 destination (64:ff9b::/96) arrives as the IPv4 address in its
  // last 32 bits (VPC User Guide, "DNS64 and NAT64").
  IpAddress wanted = target.address;
  if (wanted.isV6() && (wanted.v6().high() == kNat64High && (wanted.v6().low() >> 32) == 0)) {
    wanted = Ipv4(static_cast<uint32_t>(wanted.v6().low()));
  }
  switch (forward.kind) {
    case Arrival::Kind::kNode:
      return forward.node.address == wanted || forward.node.public_address == wanted;
    case Arrival::Kind::kInternet: return !external && wanted.isPublic();
    case Arrival::Kind::kService: return true;
    case Arrival::Kind::kDropped:
    case Arrival::Kind::kUndetermined: break;
  }
  return false;
}

/// The reply to a delivered request, which security groups let through
/// (they are stateful) but network ACLs and routes must allow.
Arrival replyLeg(Walk& walk, const Arrival& forward, const Node& source_node, const Target& target) {
  walk.setReturn();
  Packet back = reply(forward.packet);
  switch (forward.kind) {
    case Arrival::Kind::kNode: return walk.leave(forward.node, back);
    case Arrival::Kind::kInternet:
      walk.hop(HopKind::kInternet, HopAction::kSend, nullptr, "internet").packet = back;
      return walk.fromInternet(back);
    case Arrival::Kind::kService:
      walk.hop(HopKind::kAwsService, HopAction::kSend, nullptr, target.label).packet = back;
      return walk.arrive(source_node, back, nullptr, false);
    case Arrival::Kind::kDropped:
    case Arrival::Kind::kUndetermined: break;
  }
  return Arrival{};
}

/// A service the EC2 host answers for the interface itself. Security groups
/// and network ACLs do not filter traffic to or from the Amazon DNS server,
/// instance metadata or the Amazon Time Sync Service (VPC User Guide,
/// "Security group rules" and "Control subnet traffic with network access
/// control lists"), and the packets never cross the VPC's route tables.
struct HostService {
  std::string_view name;
  /// The TCP/UDP ports it answers on: port 53 over UDP and TCP for DNS,
  /// HTTP on tcp/80 for instance metadata (EC2 User Guide, "Access instance
  /// metadata"), NTP on udp/123 for Time Sync (EC2 User Guide, "Set the
  /// time reference on your EC2 instance").
  std::array<std::pair<int, int>, 2> ports;
  bool instances_only;  ///< answers EC2 instances (metadata, time), not every interface (DNS)
};

constexpr HostService kAmazonDns{"Amazon DNS server (Route 53 Resolver)",
                                 {{{kProtocolUdp, 53}, {kProtocolTcp, 53}}}, false};
constexpr HostService kInstanceMetadata{"instance metadata service", {{{kProtocolTcp, 80}, {kProtocolTcp, 80}}}, true};
constexpr HostService kTimeSync{"Amazon Time Sync Service", {{{kProtocolUdp, 123}, {kProtocolUdp, 123}}}, true};

/// "udp/53 and tcp/53": the ports a service answers on, from `ports`.
std::string portsText(const HostService& service) {
  std::string out;
  for (std::size_t i = 0; i < service.ports.size(); ++i) {
    const auto& [protocol, port] = service.ports[i];
    if (i > 0 && service.ports[i - 1] == service.ports[i]) continue;
    out += fmt::format("{}{}/{}", out.empty() ? "" : " and ", protocolName(protocol), port);
  }
  return out;
}

/// VPC User Guide, "Understanding Amazon DNS": the Route 53 Resolver is at
/// 169.254.169.253 and at the base of the VPC's primary IPv4 CIDR plus two.
/// The instance metadata service is at 169.254.169.254, the Time Sync
/// Service at 169.254.169.123 (EC2 User Guide).
/// Over IPv6 (Nitro instances only) they are at fd00:ec2::253, fd00:ec2::254
/// and fd00:ec2::123 (same documents).
const HostService* hostServiceAt(const Vpc* vpc, const IpAddress& ip) {
  if (ip.isV6()) {
    constexpr uint64_t kFd00Ec2 = 0xfd000ec200000000ULL;
    if (ip.v6().high() != kFd00Ec2) return nullptr;
    switch (ip.v6().low()) {
      case 0x253: return &kAmazonDns;
      case 0x254: return &kInstanceMetadata;
      case 0x123: return &kTimeSync;
      default: return nullptr;
    }
  }
  const Ipv4 address = ip.v4();
  constexpr uint32_t kDnsLinkLocal = 0xA9FEA9FD;  // 169.254.169.253
  constexpr uint32_t kMetadata = 0xA9FEA9FE;      // 169.254.169.254
  constexpr uint32_t kTime = 0xA9FEA97B;          // 169.254.169.123
  if (address.value() == kDnsLinkLocal) return &kAmazonDns;
  if (address.value() == kMetadata) return &kInstanceMetadata;
  if (address.value() == kTime) return &kTimeSync;
  if (vpc != nullptr && !vpc->cidrs.empty() && address.value() == vpc->cidrs.front().base().value() + 2) {
    return &kAmazonDns;
  }
  return nullptr;
}

/// The host's answer to a packet from `source` to one of its services;
/// nullopt when the packet is not for one (it takes the network).
std::optional<Verdict> answerHostService(Walk& walk, const Network::Index& ix, const Node& source,
                                         const Packet& packet) {
  const Vpc* vpc = ix.topo.findVpc(source.vpc_id);
  const HostService* service = hostServiceAt(vpc, packet.destination);
  if (service == nullptr) {
    // Another VPC's resolver address: whether it answers across a peering
    // connection or transit gateway is not documented (Route 53 Resolver
    // inbound endpoints are AWS's way in from outside a VPC).
    for (const auto& other : ix.topo.vpcs) {
      if (&other == vpc || hostServiceAt(&other, packet.destination) != &kAmazonDns) continue;
      if (packet.destination.isV6() || other.cidrs.front().base() != Ipv4(packet.destination.v4().value() - 2)) continue;
      bool dns_port = (packet.protocol == kProtocolUdp || packet.protocol == kProtocolTcp) &&
                      packet.destination_port == 53;
      if (!dns_port) continue;
      walk.unknown("HOST_SERVICE_OUTSIDE_VPC", other.meta.id,
                   fmt::format("{} is the Amazon DNS server of {}; whether it answers traffic from outside its VPC "
                               "is not known",
                               packet.destination.str(), other.meta.id));
      return Verdict::kUndetermined;
    }
    return std::nullopt;
  }
  const std::string where = fmt::format("{} at {}", service->name, packet.destination.str());
  walk.hop(source, HopAction::kSend, packet);
  if (packet.protocol != kProtocolTcp && packet.protocol != kProtocolUdp) {
    walk.unknown("HOST_SERVICE_PROTOCOL", std::string(service->name),
                 fmt::format("whether the {} answers {} is not documented", where, describePacket(packet)));
    return Verdict::kUndetermined;
  }
  bool served = std::any_of(service->ports.begin(), service->ports.end(), [&](const auto& port) {
    return port.first == packet.protocol && port.second == packet.destination_port;
  });
  if (!served) {
    walk.drop("HOST_SERVICE_PORT", std::string(service->name),
              fmt::format("the {} answers {} only", where, portsText(*service)));
    return Verdict::kUnreachable;
  }
  if (packet.destination.isV6()) {
    // EC2 User Guide, "Configure the instance metadata options": the IPv6
    // endpoint of instance metadata is off unless HttpProtocolIpv6 is
    // enabled, which the input does not carry; all three IPv6 addresses
    // answer on instances built on the Nitro System only.
    if (service == &kInstanceMetadata) {
      walk.unknown("HOST_SERVICE_IPV6", std::string(service->name),
                   fmt::format("the {} answers only when its IPv6 endpoint is enabled (HttpProtocolIpv6, off by "
                               "default), which the input does not say",
                               where));
      return Verdict::kUndetermined;
    }
    walk.assume(fmt::format("{} runs on the Nitro System, where the {} answers over IPv6", source.label, service->name));
  }
  if (service == &kAmazonDns) {
    // VPC User Guide, "DNS attributes for your VPC": with enableDnsSupport
    // false the Route 53 Resolver does not answer.
    if (vpc != nullptr && !vpc->dns_support) {
      walk.drop("DNS_SUPPORT_DISABLED", vpc->meta.id,
                fmt::format("DNS resolution is disabled in {} (enableDnsSupport false): the {} does not answer",
                            vpc->meta.id, service->name));
      return Verdict::kUnreachable;
    }
    walk.assume(fmt::format("DNS resolution is enabled in {} (enableDnsSupport, true unless the input says otherwise)",
                            source.vpc_id));
  } else if (source.eni == nullptr) {
    walk.assume(fmt::format("{} belongs to an EC2 instance, whose host answers the {}", source.label, service->name));
  } else {
    const Instance* instance = source.eni->instance_id.empty() ? nullptr : ix.topo.findInstance(source.eni->instance_id);
    if (source.eni->instance_id.empty()) {
      walk.unknown("HOST_SERVICE_NOT_INSTANCE", source.eni->meta.id,
                   fmt::format("the {} answers EC2 instances; {} is not attached to an instance in the input",
                               service->name, source.eni->meta.id));
      return Verdict::kUndetermined;
    }
    if (service == &kInstanceMetadata && instance != nullptr && !instance->metadata_endpoint) {
      walk.drop("METADATA_ENDPOINT_DISABLED", instance->meta.id,
                fmt::format("{} has the instance metadata endpoint disabled (MetadataOptions.HttpEndpoint)",
                            instance->meta.id));
      return Verdict::kUnreachable;
    }
  }
  walk.hop(HopKind::kHostService, HopAction::kDeliver, nullptr, where).packet = packet;
  walk.setReturn();
  const Packet back = reply(packet);
  walk.hop(HopKind::kHostService, HopAction::kSend, nullptr, where).packet = back;
  walk.hop(source, HopAction::kDeliver, back);
  return Verdict::kReachable;
}

}  // namespace

TraceResult trace(const Network& network, const Endpoint& source, const Target& target, const Packet& packet,
                  const TraceOptions& options) {
  const Network::Index& ix = network.index();
  if (options.consulted != nullptr) options.consulted->clear();
  TraceResult result;
  result.source = source.label;
  std::optional<Node> source_node = sourceNode(ix, source, packet, result);
  if (!source_node) {
    result.verdict = Verdict::kUndetermined;
    return result;
  }
  const bool external = source.kind == Endpoint::Kind::kExternal;
  Walk walk(ix, result, *source_node, target);
  walk.source_apart_ = source.security_groups_checked_apart;
  walk.terse_ = options.terse;
  walk.consulted_ = options.consulted;
  placeTarget(walk, ix, *source_node, target, packet, external, result);
  if (!external && source_node->subnet == nullptr) {
    result.verdict = Verdict::kUndetermined;
    result.explanations.push_back({"UNKNOWN_SUBNET", source_node->label, "the source's subnet is not in the input"});
    return result;
  }
  if (!external && options.host_services) {
    if (std::optional<Verdict> answered = answerHostService(walk, ix, *source_node, packet)) {
      result.verdict = *answered;
      return result;
    }
  }
  const Arrival forward = external ? fromOutside(walk, source, packet) : walk.leave(*source_node, packet);

  auto finish = [&](Verdict verdict) {
    result.verdict = walk.undetermined_ && verdict == Verdict::kUnreachable ? Verdict::kUndetermined : verdict;
    // Some targets of a load balancer on the way answer and some do not.
    if (walk.partial_ && result.verdict == Verdict::kReachable) result.verdict = Verdict::kPartial;
    return result;
  };
  if (forward.kind == Arrival::Kind::kDropped) return finish(Verdict::kUnreachable);
  if (forward.kind == Arrival::Kind::kUndetermined) return finish(Verdict::kUndetermined);
  if (!arrivedAtTarget(forward, target, external)) {
    result.delivered_elsewhere = true;
    result.explanations.push_back({"NO_PATH", target.label, "the packet is delivered somewhere else than the destination"});
    return finish(Verdict::kUnreachable);
  }
  const Arrival returned = replyLeg(walk, forward, *source_node, target);
  if (returned.kind == Arrival::Kind::kDropped) return finish(Verdict::kUnreachable);
  if (returned.kind == Arrival::Kind::kUndetermined) return finish(Verdict::kUndetermined);
  bool home = external ? returned.kind == Arrival::Kind::kInternet
                       : returned.kind == Arrival::Kind::kNode && returned.node.same(*source_node) &&
                             returned.packet.destination == packet.source;
  if (!home) {
    result.explanations.push_back(
        {"NO_PATH", source.label, "the reply does not come back to the source (asymmetric path)"});
    return finish(Verdict::kUnreachable);
  }
  return finish(Verdict::kReachable);
}

}  // namespace vpcsim::sim

// The VPC topology model: plain value structs, immutable after load.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "topology/iam.h"
#include "topology/ip.h"

namespace vpcsim::topology {

/// Identity shared by every resource: its AWS ID plus the names people use.
struct ResourceMeta {
  std::string id;          ///< AWS ID ("subnet-0abc"), or a stable synthetic one
  std::string name;        ///< the Name tag, empty when none
  /// Every tag the input gives (Name too), in input order: reports filter by them.
  std::vector<std::pair<std::string, std::string>> tags;
  std::string logical_id;  ///< CloudFormation logical ID, empty when not from a template
  std::string account;     ///< owner account
  std::string region;      ///< region
  std::string origin;      ///< where it was read: "Subnets.json:/Subnets/3"
};

/// "subnet-0abc (Name: private-a, PrivateSubnet1A)" style label for reports.
std::string displayName(const ResourceMeta& meta);

/// One IPv6 block association of a VPC or subnet (EC2 API Reference:
/// VpcIpv6CidrBlockAssociation, SubnetIpv6CidrBlockAssociation; the state is
/// associating | associated | disassociating | disassociated | failing | failed).
struct Ipv6Association {
  Ipv6Block block;
  std::string state = "associated";  ///< Ipv6CidrBlockState.State
  std::string association_id;        ///< empty when the input gives none
  std::string pool;                  ///< Ipv6Pool: "Amazon", a BYOIP or IPAM pool ID; empty when not given
  /// Only an associated block belongs to its owner: routes, rules and
  /// addresses see no other.
  [[nodiscard]] bool associated() const { return state == "associated"; }
};

/// The associated blocks of `associations`, in input order.
std::vector<Ipv6Block> associatedIpv6(const std::vector<Ipv6Association>& associations);

struct Vpc {
  ResourceMeta meta;
  std::vector<Cidr> cidrs;                ///< associated IPv4 blocks only, primary first
  std::vector<Cidr> disassociated_cidrs;  ///< kept for `describe`; never routed
  std::vector<Ipv6Association> ipv6_blocks;  ///< every IPv6 association the input lists, in order (not analysed yet)
  bool dns_support = true;                ///< enableDnsSupport
  bool dns_hostnames = false;             ///< enableDnsHostnames
  bool is_default = false;
};

struct Subnet {
  ResourceMeta meta;
  std::string vpc_id;
  std::string availability_zone;
  std::string availability_zone_id;
  Cidr cidr;  ///< the IPv4 block; unused (0.0.0.0/32) when ipv6_native
  std::vector<Ipv6Association> ipv6_blocks;  ///< every IPv6 association the input lists
  /// IPv6-only (Ipv6Native): no IPv4 block; its interfaces have IPv6
  /// addresses only (VPC User Guide, "IPv6-only subnets"). Code that reads
  /// `cidr` checks hasIpv4() first.
  bool ipv6_native = false;
  bool map_public_ip_on_launch = false;
  bool assign_ipv6_address_on_creation = false;  ///< AssignIpv6AddressOnCreation

  [[nodiscard]] bool hasIpv4() const { return !ipv6_native; }
};

/// Every route target type a VPC route table can name.
enum class RouteTarget {
  kLocal,
  kInternetGateway,
  kEgressOnlyInternetGateway,
  kNatGateway,
  kVpcEndpoint,          ///< gateway endpoint or GWLB endpoint
  kPeeringConnection,
  kTransitGateway,
  kVirtualPrivateGateway,
  kNetworkInterface,     ///< middlebox ENI
  kInstance,             ///< middlebox instance (its primary ENI)
  kCarrierGateway,
  kLocalGateway,
  kCoreNetwork,
  kUnknown,
};
std::string_view routeTargetName(RouteTarget target);

struct Route {
  std::optional<Cidr> destination;   ///< IPv4 destination, when the route has one
  std::string destination_prefix_list;  ///< "pl-..." when the destination is a prefix list
  std::optional<Ipv6Block> destination_ipv6;  ///< DestinationIpv6CidrBlock (not analysed yet)
  RouteTarget target = RouteTarget::kUnknown;
  std::string target_id;                ///< "local", "igw-...", "nat-..." ...
  bool blackhole = false;               ///< State "blackhole"
  std::string origin;                   ///< CreateRouteTable / CreateRoute / EnableVgwRoutePropagation
  std::string source;                   ///< file/pointer or template place of the route
};

struct RouteTable {
  ResourceMeta meta;
  std::string vpc_id;
  bool main = false;
  std::vector<std::string> subnet_ids;   ///< explicit subnet associations
  std::vector<std::string> gateway_ids;  ///< edge associations (IGW / VGW ingress routing)
  std::vector<Route> routes;
  std::vector<std::string> propagating_vgws;
};

/// A route's destination as reports print it: the IPv4 or IPv6 block, or the prefix list ID.
std::string destinationText(const Route& route);

/// What an SG rule names as its peer.
enum class PeerKind { kCidr, kIpv6Cidr, kPrefixList, kSecurityGroup };

/// One SG rule flattened to a single peer (AWS rules with several peers
/// become several SgRules sharing `index`).
struct SgRule {
  int protocol = kProtocolAll;  ///< -1 all, 6 tcp, 17 udp, 1 icmp, ...
  int from_port = -1;           ///< for ICMP: type (-1 any)
  int to_port = -1;             ///< for ICMP: code (-1 any)
  PeerKind peer_kind = PeerKind::kCidr;
  Cidr cidr;                    ///< when peer_kind == kCidr
  Ipv6Block cidr6;              ///< when peer_kind == kIpv6Cidr (CidrIpv6)
  std::string peer;             ///< "pl-..." or "sg-..." otherwise
  std::string peer_vpc_id;      ///< for a referenced group across a peering, when given
  std::string description;
  int index = 0;                ///< position of the AWS rule in its list
  std::string source;           ///< file/pointer or template place
};

struct SecurityGroup {
  ResourceMeta meta;
  std::string group_name;
  std::string vpc_id;
  std::string description;
  std::vector<SgRule> ingress;
  std::vector<SgRule> egress;
};

struct NaclEntry {
  int rule_number = 0;      ///< 1-32766; 32767 is the implicit "*" deny
  bool egress = false;
  bool allow = false;
  int protocol = kProtocolAll;
  std::optional<Cidr> cidr;              ///< absent for IPv6 entries
  std::optional<Ipv6Block> ipv6_cidr;    ///< Ipv6CidrBlock; absent for IPv4 entries
  PortRange ports;           ///< for TCP/UDP
  int icmp_type = -1;        ///< for ICMP, -1 any
  int icmp_code = -1;
  std::string source;
};

struct NetworkAcl {
  ResourceMeta meta;
  std::string vpc_id;
  bool is_default = false;
  std::vector<std::string> subnet_ids;
  std::vector<NaclEntry> entries;  ///< both directions, sorted by (egress, rule_number)
};

struct InternetGateway {
  ResourceMeta meta;
  std::vector<std::string> vpc_ids;  ///< attached (state available/attached)
};

/// An egress-only internet gateway: IPv6 out of one VPC and the replies back
/// in, nothing started from outside (VPC User Guide: Enable outbound IPv6
/// traffic using an egress-only internet gateway).
struct EgressOnlyInternetGateway {
  ResourceMeta meta;
  std::string vpc_id;  ///< the attached VPC; empty when detached
};

struct NatGateway {
  ResourceMeta meta;
  std::string vpc_id;
  std::string subnet_id;
  bool is_public = true;              ///< ConnectivityType public (default) vs private
  std::vector<Ipv4> private_ips;
  std::vector<Ipv4> public_ips;       ///< EIPs, public NAT only
  std::string eni_id;
};

enum class EndpointType { kGateway, kInterface, kGatewayLoadBalancer };
std::string_view endpointTypeName(EndpointType type);

/// An endpoint's IpAddressType (PrivateLink Guide: IP address types); ipv4 by default.
enum class IpAddressType { kIpv4, kDualStack, kIpv6 };
/// "ipv4", "dualstack" or "ipv6", as the EC2 API writes them.
std::string_view ipAddressTypeName(IpAddressType type);
/// The type an EC2 API value names; nullopt for any other text.
std::optional<IpAddressType> parseIpAddressType(std::string_view text);

struct VpcEndpoint {
  ResourceMeta meta;
  std::string vpc_id;
  std::string service_name;  ///< "com.amazonaws.us-east-1.s3"
  EndpointType type = EndpointType::kGateway;
  std::vector<std::string> route_table_ids;
  std::vector<std::string> subnet_ids;
  std::vector<std::string> eni_ids;
  std::vector<std::string> security_group_ids;
  bool private_dns = false;
  IpAddressType ip_address_type = IpAddressType::kIpv4;
  std::string policy_document;  ///< JSON text as the input gave it (the snapshot writer prints it)
  /// The parsed policy; nullopt when the input gave none, which means the
  /// default full-access policy (PrivateLink Guide, "Control access to VPC
  /// endpoints using endpoint policies").
  std::optional<PolicyDocument> policy;
};

struct PublicAddress {
  Ipv4 private_ip;
  Ipv4 public_ip;
  bool elastic = false;  ///< an Elastic IP rather than an auto-assigned public IP
};

struct Eni {
  ResourceMeta meta;
  std::string vpc_id;
  std::string subnet_id;
  std::string availability_zone;
  std::vector<Ipv4> private_ips;  ///< primary first
  std::vector<PublicAddress> public_ips;
  std::vector<Ipv6> ipv6_addresses;   ///< Ipv6Addresses (not analysed yet)
  std::vector<Cidr6> ipv6_prefixes;   ///< Ipv6Prefixes delegated to the interface
  std::vector<std::string> security_group_ids;
  std::string interface_type;  ///< "interface", "nat_gateway", "vpc_endpoint", ...
  std::string description;
  std::string requester_id;     ///< RequesterId (service that made it)
  std::string instance_id;      ///< attached instance, if any
  int device_index = -1;        ///< Attachment.DeviceIndex when the input gives it, else -1
  bool source_dest_check = true;
};

/// An interface Elastic Load Balancing owns (an NLB or GWLB interface, or an
/// ALB/CLB node): by its InterfaceType, its "ELB ..." description or its
/// requester (EC2 User Guide, "Requester-managed network interfaces").
bool isLoadBalancerInterface(const Eni& eni);

struct Instance {
  ResourceMeta meta;
  std::vector<std::string> eni_ids;  ///< device index order
  std::string state;
  /// MetadataOptions.HttpEndpoint is not "disabled": the instance metadata
  /// service answers at 169.254.169.254 (enabled unless the input says so).
  bool metadata_endpoint = true;
};

struct PrefixList {
  ResourceMeta meta;
  std::string prefix_list_name;  ///< "com.amazonaws.us-east-1.s3" for AWS-managed
  std::vector<Cidr> cidrs;
  std::vector<Cidr6> cidrs6;  ///< IPv6 entries
  bool aws_managed = false;
};

struct PeeringSide {
  std::string vpc_id;
  std::string account;
  std::string region;
  std::vector<Cidr> cidrs;
};

struct PeeringConnection {
  ResourceMeta meta;
  PeeringSide requester;
  PeeringSide accepter;
  std::string status;  ///< "active", "pending-acceptance", ...
};

struct TransitGateway {
  ResourceMeta meta;
  std::string default_association_route_table;
  std::string default_propagation_route_table;
};

struct TgwAttachment {
  ResourceMeta meta;
  std::string transit_gateway_id;
  std::string resource_type;  ///< vpc, vpn, peering, direct-connect-gateway, connect
  std::string resource_id;
  std::vector<std::string> subnet_ids;  ///< VPC attachments: one subnet per AZ
  std::string association_route_table;  ///< empty when not associated
  /// TGW peering only: the association on the peer gateway (resource_id),
  /// which a snapshot lists as a second record with the same attachment ID.
  std::string peer_association_route_table;
  std::string state;
};

struct TgwRoute {
  Cidr destination;
  std::vector<std::string> attachment_ids;
  bool blackhole = false;
  std::string source;
};

struct TgwRouteTable {
  ResourceMeta meta;
  std::string transit_gateway_id;
  std::vector<TgwRoute> static_routes;
  std::vector<std::string> propagating_attachments;
};

struct VpnGateway {
  ResourceMeta meta;
  std::vector<std::string> vpc_ids;
};

/// A Site-to-Site VPN; its far side lies beyond the snapshot.
struct VpnConnection {
  ResourceMeta meta;
  std::string vpn_gateway_id;
  std::string transit_gateway_id;
};

// ---- Elastic Load Balancing ------------------------------------------------

/// Elastic Load Balancing v2 load balancer types, and the Classic Load Balancer.
enum class LoadBalancerType { kApplication, kNetwork, kGateway, kClassic };
std::string_view loadBalancerTypeName(LoadBalancerType type);

/// One Availability Zone a load balancer has a node in (LoadBalancers.json
/// AvailabilityZones[]): its subnet and the addresses the input gives.
struct LoadBalancerZone {
  std::string subnet_id;
  std::string zone;
  std::vector<Ipv4> public_addresses;   ///< Elastic IPs of an internet-facing NLB (IpAddress)
  std::vector<Ipv4> private_addresses;  ///< PrivateIPv4Address of an internal NLB
  std::vector<Ipv6> ipv6_addresses;     ///< IPv6Address of a dual-stack NLB
};

/// A load balancer (elbv2 describe-load-balancers; elb
/// describe-load-balancers for Classic). Its nodes are the network
/// interfaces Elastic Load Balancing owns, described "ELB <id>".
struct LoadBalancer {
  ResourceMeta meta;  ///< id: "net/NAME/HASH" (the ARN's resource after "loadbalancer/"), name: its name
  std::string arn;
  LoadBalancerType type = LoadBalancerType::kApplication;
  bool internet_facing = false;  ///< Scheme
  std::string vpc_id;
  std::string dns_name;
  std::string ip_address_type;  ///< ipv4, dualstack, dualstack-without-public-ipv4
  std::string state;            ///< State.Code: active, provisioning, failed, ...
  std::vector<LoadBalancerZone> zones;
  std::vector<std::string> security_group_ids;
  /// Attributes as describe-load-balancer-attributes prints them, when the input gives them.
  std::vector<std::pair<std::string, std::string>> attributes;
  bool attributes_known = false;
};

/// A listener (elbv2 describe-listeners) and what its actions forward to.
struct LbListener {
  ResourceMeta meta;  ///< id: the listener ARN
  std::string load_balancer_arn;
  std::string protocol;  ///< TCP, UDP, TCP_UDP, TLS, HTTP, HTTPS, GENEVE, QUIC, TCP_QUIC
  int port = 0;          ///< 0 for a Gateway Load Balancer (every port)
  /// Target groups the default action forwards to (Type forward, TargetGroupArn or ForwardConfig).
  std::vector<std::string> target_group_arns;
  /// Target groups listener rules forward to (describe-rules), when the input gives them.
  std::vector<std::string> rule_target_group_arns;
  /// Default action types other than forward (fixed-response, redirect, authenticate-*).
  std::vector<std::string> other_actions;
};

/// A registered target and its health (elbv2 describe-target-health).
struct LbTarget {
  std::string id;    ///< instance ID, IP address, ALB ARN or Lambda ARN
  int port = 0;      ///< 0: the target group's port
  std::string zone;  ///< AvailabilityZone, "all" for an IP outside the VPC
  std::string health;  ///< healthy, unhealthy, unused, initial, draining, unavailable, "" when not given
  std::string health_reason;
};

/// A target group (elbv2 describe-target-groups) with its targets.
struct TargetGroup {
  ResourceMeta meta;  ///< id: "targetgroup/NAME/HASH", name: its name
  std::string arn;
  std::string target_type;  ///< instance, ip, alb, lambda
  std::string protocol;
  int port = 0;
  std::string vpc_id;
  std::vector<std::string> load_balancer_arns;
  std::vector<LbTarget> targets;
  bool targets_known = false;  ///< the input has describe-target-health for it
  /// describe-target-group-attributes, when the input gives them.
  std::vector<std::pair<std::string, std::string>> attributes;
  bool attributes_known = false;
};

// ---- SageMaker workloads (native topology format) ----------------------

enum class StudioNetworkMode { kVpcOnly, kPublicInternetOnly };

struct StudioDomain {
  ResourceMeta meta;  ///< id "d-...", name = domain name
  StudioNetworkMode network_mode = StudioNetworkMode::kPublicInternetOnly;
  std::string vpc_id;
  std::vector<std::string> subnet_ids;
  std::vector<std::string> security_group_ids;
  std::string default_execution_role;  ///< DefaultUserSettings.ExecutionRole (ARN), empty when unknown
};

struct UserProfile {
  std::string domain;  ///< domain name or ID
  std::string name;
  std::string execution_role;  ///< ARN or role name; empty: the domain's default execution role
  std::vector<std::string> security_group_ids;  ///< empty: the domain's SGs
};

struct SageMakerJob {
  std::string name;
  std::string kind;  ///< training, processing, transform
  bool has_vpc_config = false;
  std::vector<std::string> subnet_ids;
  std::vector<std::string> security_group_ids;
  bool network_isolation = false;
  int instance_count = 1;
  std::string role_arn;  ///< the job's execution role (ARN or role name), empty when unknown
};

/// An input object that was read but not modelled, and why.
struct IgnoredItem {
  std::string location;
  std::string what;
  std::string reason;
};

/// The whole loaded network. Each vector is sorted by meta.id (by name for
/// profiles and jobs) once loading finishes; use the find() helpers.
struct Topology {
  std::vector<Vpc> vpcs;
  std::vector<Subnet> subnets;
  std::vector<RouteTable> route_tables;
  std::vector<SecurityGroup> security_groups;
  std::vector<NetworkAcl> network_acls;
  std::vector<InternetGateway> internet_gateways;
  std::vector<EgressOnlyInternetGateway> egress_only_internet_gateways;
  std::vector<NatGateway> nat_gateways;
  std::vector<VpcEndpoint> vpc_endpoints;
  std::vector<Eni> enis;
  std::vector<Instance> instances;
  std::vector<PrefixList> prefix_lists;
  std::vector<PeeringConnection> peering_connections;
  std::vector<TransitGateway> transit_gateways;
  std::vector<TgwAttachment> tgw_attachments;
  std::vector<TgwRouteTable> tgw_route_tables;
  std::vector<VpnGateway> vpn_gateways;
  std::vector<VpnConnection> vpn_connections;
  std::vector<LoadBalancer> load_balancers;
  std::vector<LbListener> lb_listeners;
  std::vector<TargetGroup> target_groups;
  std::vector<StudioDomain> studio_domains;
  std::vector<UserProfile> user_profiles;
  std::vector<SageMakerJob> jobs;
  std::vector<IgnoredItem> ignored;
  IamInventory iam;  ///< roles, users, groups and policies (topology/iam.h)
  std::string default_region = "us-east-1";
  std::string default_account = "123456789012";

  /// Sorts every collection by its key so lookups and output are deterministic.
  void finalize();
  /// Moves every resource and ignored item of `other` to the end of this
  /// topology's collections (defaults are left alone). No deduplication.
  void absorb(Topology&& other);

  const Vpc* findVpc(std::string_view id) const;
  const Subnet* findSubnet(std::string_view id) const;
  const RouteTable* findRouteTable(std::string_view id) const;
  const SecurityGroup* findSecurityGroup(std::string_view id) const;
  const NetworkAcl* findNetworkAcl(std::string_view id) const;
  const InternetGateway* findInternetGateway(std::string_view id) const;
  const EgressOnlyInternetGateway* findEgressOnlyInternetGateway(std::string_view id) const;
  const NatGateway* findNatGateway(std::string_view id) const;
  const VpcEndpoint* findVpcEndpoint(std::string_view id) const;
  const Eni* findEni(std::string_view id) const;
  const Instance* findInstance(std::string_view id) const;
  const PrefixList* findPrefixList(std::string_view id) const;
  const PeeringConnection* findPeeringConnection(std::string_view id) const;
  const TransitGateway* findTransitGateway(std::string_view id) const;
  const TgwAttachment* findTgwAttachment(std::string_view id) const;
  const TgwRouteTable* findTgwRouteTable(std::string_view id) const;
  const VpnGateway* findVpnGateway(std::string_view id) const;
  /// A load balancer by ID ("net/NAME/HASH"), ARN or name.
  const LoadBalancer* findLoadBalancer(std::string_view id_arn_or_name) const;
  const TargetGroup* findTargetGroupByArn(std::string_view arn) const;
  const StudioDomain* findStudioDomain(std::string_view id_or_name) const;
  /// The interfaces of instance `id` in the input, primary first: those
  /// describe-instances lists for it (in device order), else, when it lists
  /// none of them or the input has no describe-instances output (Batfish-style
  /// snapshots), the interfaces whose attachment names the instance, by
  /// device index (unknown last), then ID. Empty when neither names it.
  std::vector<const Eni*> instanceInterfaces(std::string_view id) const;
  /// Instance IDs that only interface attachments name (no Instance record), sorted.
  std::vector<std::string> attachedInstanceIds() const;
  const SageMakerJob* findJob(std::string_view name) const;
};

/// Finds the element with meta.id == id in a vector sorted by meta.id.
template <typename T>
const T* findById(const std::vector<T>& items, std::string_view id) {
  auto it = std::lower_bound(items.begin(), items.end(), id,
                             [](const T& item, std::string_view key) { return item.meta.id < key; });
  return it != items.end() && it->meta.id == id ? &*it : nullptr;
}

}  // namespace vpcsim::topology

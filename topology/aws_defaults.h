// What AWS creates with every new VPC, and its implicit routes and rules; shared by the template and native loaders.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "topology/ip.h"
#include "topology/model.h"

namespace vpcsim::topology {

/// Rule number of the `*` entry that ends every network ACL.
inline constexpr int kCatchAllRuleNumber = 32767;

/// The local route for `block` (target "local", origin CreateRouteTable),
/// shown as coming from `source`. VPC User Guide: Route tables — every route
/// table holds a local route for each CIDR block of its VPC.
Route localRoute(const Cidr& block, std::string source);

/// Whether `routes` already has a local route for `block`.
bool hasLocalRoute(const std::vector<Route>& routes, const Cidr& block);

/// A network ACL entry for all protocols to or from 0.0.0.0/0.
NaclEntry allTrafficEntry(int rule_number, bool egress, bool allow, std::string source);

/// A network ACL entry for all protocols to or from ::/0.
NaclEntry allIpv6TrafficEntry(int rule_number, bool egress, bool allow, std::string source);

/// What AWS adds to a default network ACL when its VPC gets an IPv6 block:
/// rule 101 allowing all IPv6 traffic and the IPv6 `*` deny, in and out
/// (VPC User Guide: Default network ACL — "The IPv6 rules are added only if
/// you create your VPC with an associated IPv6 CIDR block or if you associate
/// an IPv6 CIDR block with your VPC"). Does nothing when the ACL has them.
void addDefaultIpv6Entries(NetworkAcl& acl, const std::string& source);

/// What AWS adds to a VPC's default security group when the VPC has an IPv6
/// block: outbound all to ::/0 (VPC User Guide: Default security groups for
/// your VPCs). Does nothing when the group has it.
void addDefaultIpv6Egress(SecurityGroup& sg, const std::string& source);

/// Appends the `*` deny entries, inbound then outbound. VPC User Guide:
/// Network ACL rules — every network ACL ends with a rule numbered * that
/// denies what no other rule matched; Custom network ACLs — a new ACL has
/// only these until rules are added.
void addCatchAllDenies(NetworkAcl& acl, const std::string& source);

// The three below take their account, region and origin from `vpc` (and no
// name or logical ID), point every route and rule at the VPC's origin, and
// use `id` as given: each loader has its own ID scheme.

/// The main route table: a local route per CIDR block of `vpc`, in order.
/// VPC User Guide: Route tables — main route table.
RouteTable mainRouteTable(const Vpc& vpc, std::string id);

/// The default network ACL: inbound then outbound, rule 100 allows all
/// IPv4 traffic ahead of the `*` deny. VPC User Guide: Default network ACL.
/// With an associated IPv6 block, also addDefaultIpv6Entries().
NetworkAcl defaultNetworkAcl(const Vpc& vpc, std::string id);

/// The default security group "default": inbound from members of the group
/// itself, outbound to 0.0.0.0/0. VPC User Guide: Default security groups
/// for your VPCs. With an associated IPv6 block, also addDefaultIpv6Egress().
SecurityGroup defaultSecurityGroup(const Vpc& vpc, std::string id);

/// A 64-bit hash of `text` that is the same on every run and platform.
uint64_t stableHash(std::string_view text);

/// A stable synthetic ID for a resource the input implies but does not name:
/// `prefix` then hex digits of a hash of `key` (the same key, the same ID).
std::string stableSyntheticId(std::string_view prefix, std::string_view key);

/// Synthesised ID of the AWS-managed prefix list of a gateway endpoint's
/// service ("com.amazonaws.REGION.s3"); its addresses are not known offline.
std::string managedPrefixListId(const std::string& service_name);

/// The route AWS adds to each route table a gateway endpoint is associated
/// with: the service's prefix list to the endpoint (PrivateLink Guide,
/// "Gateway endpoints"), shown as coming from `source`.
Route gatewayEndpointRoute(const std::string& prefix_list_id, const std::string& endpoint_id, std::string source);

// ---- Elastic Load Balancing: the names AWS makes for what the input creates ----

/// "aws", "aws-cn" or "aws-us-gov": the partition `region` belongs to (AWS
/// General Reference, "Amazon Resource Names (ARNs)").
std::string partitionOfRegion(std::string_view region);

/// The elbv2 type a Type value names ("application", "network", "gateway");
/// nullopt for any other text.
std::optional<LoadBalancerType> parseLoadBalancerType(std::string_view text);

/// "app", "net" or "gwy": the type part of a load balancer's ID ("net/NAME/HASH").
std::string_view loadBalancerIdPrefix(LoadBalancerType type);

/// "arn:PARTITION:elasticloadbalancing:REGION:ACCOUNT:RESOURCE", where
/// `resource` is "loadbalancer/net/NAME/HASH", "targetgroup/NAME/HASH" or
/// "listener/net/NAME/HASH/ID".
std::string elbArn(std::string_view region, std::string_view account, std::string_view resource);

/// The DNS name AWS gives a load balancer named `name` (Elastic Load
/// Balancing User Guide, "DNS name"): "NAME-NUMBER.REGION.elb.amazonaws.com"
/// for an Application Load Balancer, with "internal-" first when internal;
/// "NAME-HASH.elb.REGION.amazonaws.com" for Network and Gateway Load Balancers.
/// `hash` is the hex hash of the load balancer's ID.
std::string loadBalancerDnsName(LoadBalancerType type, bool internet_facing, std::string_view name,
                                std::string_view hash, std::string_view region);

/// Why a listener of a `type` load balancer cannot use `protocol` (ALB: HTTP
/// and HTTPS; NLB: TCP, TLS, UDP, TCP_UDP, QUIC, TCP_QUIC; GWLB: GENEVE —
/// elbv2 API Reference, CreateListener), as "'X' is not a protocol of a
/// network load balancer (TCP, ...)"; nullopt when it can.
std::optional<std::string> listenerProtocolProblem(LoadBalancerType type, std::string_view protocol);

/// The target types of a target group (elbv2 API Reference, CreateTargetGroup: TargetType).
inline constexpr std::string_view kTargetTypes[] = {"instance", "ip", "alb", "lambda"};
/// The protocols of a target group (CreateTargetGroup: Protocol).
inline constexpr std::string_view kTargetGroupProtocols[] = {"HTTP", "HTTPS", "TCP",  "TLS",     "UDP",
                                                             "TCP_UDP", "GENEVE", "QUIC", "TCP_QUIC"};
/// The states of a registered target (elbv2 API Reference, TargetHealth: State).
inline constexpr std::string_view kTargetHealthStates[] = {"initial", "healthy", "unhealthy", "unhealthy.draining",
                                                           "unused", "draining", "unavailable"};

}  // namespace vpcsim::topology

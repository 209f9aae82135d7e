// Seeded synthetic AWS topologies for benchmarks and randomized tests.
#pragma once

#include <cstdint>

#include "topology/model.h"

namespace vpcsim::formats {

using topology::Diagnostic;
using topology::Result;
using topology::Topology;

/// Size and shape of a generated topology. A count of 0 picks the default
/// shown; negative counts are treated as 0.
struct GeneratorOptions {
  int enis = 1000;          ///< workload ENIs (InterfaceType "interface"); NAT and endpoint ENIs come on top
  int subnets = 0;          ///< 0: max(2, enis / 50)
  int security_groups = 0;  ///< 0: max(2, enis / 20); includes each VPC's "default" group, raised to `vpcs` if lower
  int rules_per_group = 10; ///< flattened SgRules per group (ingress + egress)
  int vpcs = 0;             ///< 0: max(1, subnets / 20); VPCs beyond `subnets` get no subnets
  uint64_t seed = 1;
  /// Mix in IGWs, NAT gateways, peering, a transit gateway, gateway and
  /// interface endpoints, custom NACLs with denies, blackhole routes, prefix
  /// lists, appliance routes and overlapping VPCs. When false, every VPC is a
  /// plain set of subnets on its main route table and default NACL.
  bool variety = true;
  /// Share of VPCs (0-100, clamped) made dual-stack: an Amazon-provided /56
  /// from 2600:1f18::/32, a /64 per subnet (the first 256 subnets of a VPC),
  /// one IPv6 address per workload ENI, the IPv6 local route, the default
  /// NACL and security group IPv6 rules, and, with `variety`, `::/0` routes
  /// to the internet gateway or an egress-only internet gateway (or none)
  /// and IPv6 entries and rules in custom NACLs and groups (on top of
  /// `rules_per_group`). Rounded to the nearest VPC, at least one when
  /// above 0. Drawn from a random stream of its own: the IPv4 topology is
  /// the same whatever the share, and 0 adds nothing.
  int dual_stack_percent = 0;
  /// Share of VPCs (0-100, clamped) given a Network Load Balancer: one node
  /// interface (described "ELB net/NAME/HASH", as Elastic Load Balancing
  /// makes them) in each of up to two zones, internet-facing with an Elastic
  /// IP per node when the VPC has an internet gateway and public subnets,
  /// else internal; a TCP 443 listener forwarding to an IP target group on
  /// 8443 of two to four of the VPC's workload interfaces (healthy), cross-
  /// zone load balancing off. Drawn from a random stream of its own, after
  /// everything else: 0 adds nothing and the rest of the topology is the
  /// same whatever the share.
  int load_balancer_percent = 0;
};

/// Builds a realistic single-account (123456789012), single-region (us-east-1)
/// topology. The same options give the same topology on every platform and
/// standard library (own integer sampling over std::mt19937_64). IDs look like
/// AWS IDs and are unique. Every subnet lies in its VPC's CIDRs; every ENI IP
/// lies in its subnet, avoids the five reserved addresses and is unique in its
/// VPC. Precondition: enis <= 60000 * subnets. Calls Topology::finalize().
Topology generateTopology(const GeneratorOptions& options);

}  // namespace vpcsim::formats

// Differential test: sim::trace against the naive reference evaluator on seeded random topologies.
//
// For seeds 1..N it builds generateTopology({enis = 40, subnets = 8,
// vpcs = 1 + seed % 4, seed, variety = true}) and sends kPacketsPerTopology
// random packets from workload ENIs (to other ENIs' private IPs, ENI and NAT
// public IPs, internet hosts, S3 prefix-list addresses, unheld VPC and
// private addresses, blackholed ranges; tcp/udp/icmp and a protocol NAT
// gateways do not carry; ports from a boundary table),
// comparing the tracer's verdict with tests/support/reference_evaluator's.
// Then it makes the topology partly dual-stack (addIpv6: IPv6 blocks on
// VPCs and subnets, IPv6 addresses and prefixes on interfaces, IPv6 routes
// to internet, egress-only and NAT gateways and others, IPv6 NACL entries on
// some ACLs while others stay IPv4-only, SG rules with CidrIpv6) and sends
// kIpv6PacketsPerTopology IPv6 packets from interfaces' IPv6 addresses (to
// other interfaces in the same or other VPCs, which enter from the internet,
// internet hosts, NAT64 addresses, unheld VPC addresses, non-global and
// host-service addresses, prefix-list entries). The IPv4 packets are drawn
// and decided before the decoration, so their coverage is unchanged.
// A mismatch names its seed, packet index, packet, both verdicts, the
// tracer's path and the reference's trail.
//
// CI runs a fixed sweep of kDefaultSeeds seeds. For a longer sweep set
//   VPCSIM_DIFF_SEEDS=<count>   e.g. VPCSIM_DIFF_SEEDS=5000 ./vpcsim_tests "[differential]"
// which also prints agreement statistics. There is no list of tolerated
// differences: every disagreement fails.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "reports/path_render.h"

#include "sim/tracer.h"
#include "sim/rules.h"
#include "sim/verify/verify.h"
#include "tests/support/reference_evaluator.h"
#include "formats/generator.h"
#include "topology/model.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

namespace vpcsim::sim {
namespace {

using topology::Cidr;
using topology::Cidr6;
using topology::Eni;
using topology::IpAddress;
using topology::Ipv4;
using topology::Ipv6;
using topology::Ipv6Block;
using topology::Topology;

constexpr int kDefaultSeeds = 150;
constexpr int kPacketsPerTopology = 24;
constexpr int kIpv6PacketsPerTopology = 16;
constexpr int kMaxReportedMismatches = 20;

/// Boundary ports: 0, well-known, the 1023/1024 edge of the ephemeral range
/// NACLs commonly allow, and 65535.
constexpr std::array<int, 12> kPorts = {0, 22, 53, 80, 443, 1023, 1024, 3306, 8080, 32768, 49152, 65535};

int seedCount() {
  if (const char* text = std::getenv("VPCSIM_DIFF_SEEDS")) {
    int count = std::atoi(text);
    if (count > 0) return count;
  }
  return kDefaultSeeds;
}

/// Portable sampling over mt19937_64 (std distributions differ between
/// standard libraries, and a failing seed must reproduce everywhere).
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t below(uint64_t n) { return engine_() % n; }
  int percent() { return static_cast<int>(below(100)); }
  std::size_t index(std::size_t n) { return static_cast<std::size_t>(below(n)); }
  Ipv4 inside(const Cidr& cidr) {
    return Ipv4(cidr.base().value() + static_cast<uint32_t>(below(cidr.size())));
  }
  /// A random address of `cidr` (prefix 48 or longer).
  Ipv6 inside(const Cidr6& cidr) {
    const uint64_t high_bits = cidr.prefix() >= 64 ? 0 : (uint64_t{1} << (64 - cidr.prefix())) - 1;
    const uint64_t low_bits = cidr.prefix() <= 64 ? ~uint64_t{0} : (uint64_t{1} << (128 - cidr.prefix())) - 1;
    return Ipv6(cidr.base().high() | (engine_() & high_bits), cidr.base().low() | (engine_() & low_bits));
  }

 private:
  std::mt19937_64 engine_;
};

/// Rules the tracer once got wrong (docs/semantics.md), by name and the text
/// of the reference trail step that applies them: the sweep counts the
/// packets each decides and must exercise every one.
constexpr std::array<std::pair<const char*, const char*>, 6> kWatchedRules = {{
    {"gateway endpoint from outside its VPC", "gateway endpoint connections cannot be extended"},
    {"transit over peering", "peering does not carry transit traffic"},
    {"attachment NACL in the sending subnet", ", the sending subnet"},
    {"routing loop", "UNDETERMINED: routing loop"},
    {"load balancer listener", "takes it"},
    {"load balancer forwards to its targets", "[target "},
}};

/// IPv6 rules the sweep must exercise, by the reference trail text that
/// applies them (counted over IPv6 packets only).
constexpr std::array<std::pair<const char*, const char*>, 9> kWatchedIpv6Rules = {{
    {"egress-only gateway refuses the internet", "lets no connection in"},
    {"egress-only gateway out and back", "EIGW "},
    {"internet gateway untranslated", "IGW "},
    {"NAT64", "NAT64 "},
    {"NAT gateway outside 64:ff9b::/96", "outside 64:ff9b::/96"},
    {"gateway endpoint IPv4 only", "carries IPv4 only"},
    {"source outside the VPC's IPv6 blocks", " is not in an IPv6 block of "},
    {"NACL without a matching IPv6 entry", ": no rule -> deny"},
    {"IPv6 peering", "peering pcx-"},
}};

struct Probe {
  const Eni* source = nullptr;
  Packet packet;
  std::string kind;  ///< which destination class was drawn
};

/// Draws one packet: a random workload ENI's primary IP to a destination of a
/// random class.
Probe drawProbe(const Topology& topo, const std::vector<const Eni*>& workloads, Rng& rng) {
  Probe probe;
  probe.source = workloads[rng.index(workloads.size())];
  Packet& packet = probe.packet;
  packet.source = probe.source->private_ips.front();

  std::vector<Ipv4> publics;
  for (const auto& eni : topo.enis) {
    for (const auto& pub : eni.public_ips) publics.push_back(pub.public_ip);
  }
  const topology::PrefixList* s3 = nullptr;
  for (const auto& list : topo.prefix_lists) {
    if (list.prefix_list_name == "com.amazonaws.us-east-1.s3") s3 = &list;
  }
  auto internet = [&]() {
    if (rng.percent() < 40) return Ipv4((8U << 24) | (8U << 16) | (8U << 8) | 8U);
    for (;;) {
      Ipv4 candidate(static_cast<uint32_t>(rng.below(uint64_t{1} << 32)));
      if (candidate.isPublic()) return candidate;
    }
  };

  std::vector<const Eni*> nodes;  // load balancer nodes (generateTopology's load balancer stage)
  for (const auto& eni : topo.enis) {
    if (eni.interface_type == "network_load_balancer") nodes.push_back(&eni);
  }
  const int roll = !nodes.empty() && rng.percent() < 20 ? -1 : rng.percent();
  if (roll < 0) {
    // To a node's private or public address, on its listener's port half the time.
    probe.kind = "load-balancer";
    const Eni* node = nodes[rng.index(nodes.size())];
    packet.destination = node->private_ips.front();
    if (!node->public_ips.empty() && rng.percent() < 50) packet.destination = node->public_ips.front().public_ip;
  } else if (roll < 35) {
    probe.kind = "eni-private";
    const Eni* other = &topo.enis[rng.index(topo.enis.size())];
    for (int tries = 0; other == probe.source && tries < 4; ++tries) other = &topo.enis[rng.index(topo.enis.size())];
    packet.destination = other->private_ips[rng.index(other->private_ips.size())];
  } else if (roll < 47 && !publics.empty()) {
    probe.kind = "eni-public";
    packet.destination = publics[rng.index(publics.size())];
  } else if (roll < 72 && roll >= 60 && s3 != nullptr && !s3->cidrs.empty()) {
    probe.kind = "s3";
    packet.destination = rng.inside(s3->cidrs[rng.index(s3->cidrs.size())]);
  } else if (roll < 72) {
    probe.kind = "internet";
    packet.destination = internet();
  } else if (roll < 84) {
    probe.kind = "vpc-address";
    const topology::Vpc& vpc = topo.vpcs[rng.index(topo.vpcs.size())];
    packet.destination = vpc.cidrs.empty() ? internet() : rng.inside(vpc.cidrs[rng.index(vpc.cidrs.size())]);
  } else if (roll < 92) {
    probe.kind = "private";
    static const std::array<Cidr, 3> kPrivate = {Cidr::of(Ipv4(0x0A000000), 8), Cidr::of(Ipv4(0xAC100000), 12),
                                                 Cidr::of(Ipv4(0xC0A80000), 16)};
    packet.destination = rng.inside(kPrivate[rng.index(kPrivate.size())]);
  } else if (roll < 95) {
    probe.kind = "host-service";  // Amazon DNS (any VPC's base + 2, link-local), metadata, Time Sync
    const topology::Vpc& vpc = topo.vpcs[rng.index(topo.vpcs.size())];
    static const std::array<uint32_t, 3> kLinkLocal = {0xA9FEA9FD, 0xA9FEA9FE, 0xA9FEA97B};
    const size_t pick = rng.index(kLinkLocal.size() + 1);
    packet.destination = pick < kLinkLocal.size() || vpc.cidrs.empty() ? Ipv4(kLinkLocal[pick % kLinkLocal.size()])
                                                                       : Ipv4(vpc.cidrs.front().base().value() + 2);
  } else {
    probe.kind = "special";  // blackholed 198.18.0.0/15, corp and test ranges
    static const std::array<Cidr, 3> kSpecial = {Cidr::of(Ipv4(0xC6120000), 22), Cidr::of(Ipv4(0xC6130000), 16),
                                                 Cidr::of(Ipv4(0xCB007100), 24)};
    packet.destination = rng.inside(kSpecial[rng.index(kSpecial.size())]);
  }

  const int protocol = rng.percent();
  packet.protocol = protocol < 55   ? topology::kProtocolTcp
                    : protocol < 80 ? topology::kProtocolUdp
                    : protocol < 97 ? topology::kProtocolIcmp
                                    : 50;  // ESP: neither NAT gateways nor gateway endpoints carry it
  packet.destination_port = kPorts[rng.index(kPorts.size())];
  if (probe.kind == "load-balancer" && rng.percent() < 50) {
    packet.protocol = topology::kProtocolTcp;
    packet.destination_port = 443;  // the generated listeners' port
  }
  const int source_roll = rng.percent();
  packet.source_port = source_roll < 40   ? 1024 + static_cast<int>(rng.below(65535 - 1024 + 1))
                       : source_roll < 60 ? 49152
                                          : kPorts[rng.index(kPorts.size())];
  const int icmp = rng.percent();
  packet.icmp_type = icmp < 70 ? 8 : icmp < 85 ? 3 : 0;
  packet.icmp_code = icmp < 70 ? 0 : icmp < 85 ? 4 : 0;
  return probe;
}

/// The /56 of VPC `v` in topology `seed` (2600:1f18::/32 is Amazon's, so
/// the blocks are global unicast); `spare` gives a second, distinct one.
Cidr6 vpcBlock6(int seed, std::size_t v, bool spare = false) {
  const uint64_t high = (uint64_t{0x26001f18} << 32) | (static_cast<uint64_t>(seed & 0xffff) << 16) |
                        (static_cast<uint64_t>(v & 0x7f) << 8) | (spare ? 0x8000U : 0U);
  return Cidr6::of(Ipv6(high, 0), 56);
}

topology::Route route6(const Cidr6& destination, topology::RouteTarget target, std::string target_id) {
  topology::Route route;
  route.destination_ipv6 = Ipv6Block(destination);
  route.target = target;
  route.target_id = std::move(target_id);
  route.origin = "CreateRoute";
  return route;
}

topology::NaclEntry naclEntry6(int number, bool egress, bool allow, int protocol, const Cidr6& block, int from = 0,
                               int to = 65535) {
  topology::NaclEntry entry;
  entry.rule_number = number;
  entry.egress = egress;
  entry.allow = allow;
  entry.protocol = protocol;
  entry.ipv6_cidr = Ipv6Block(block);
  if (protocol == topology::kProtocolTcp || protocol == topology::kProtocolUdp) entry.ports = {from, to};
  if (protocol == topology::kProtocolIcmpv6) {
    entry.icmp_type = from;
    entry.icmp_code = to;
  }
  return entry;
}

topology::SgRule sgRule6(std::vector<topology::SgRule>& rules, int protocol, int from, int to, const Cidr6& peer) {
  topology::SgRule rule;
  rule.index = rules.empty() ? 0 : rules.back().index + 1;
  rule.protocol = protocol;
  rule.from_port = from;
  rule.to_port = to;
  rule.peer_kind = topology::PeerKind::kIpv6Cidr;
  rule.cidr6 = Ipv6Block(peer);
  return rule;
}

/// Makes a share of the topology dual-stack, as AWS lets one: IPv6 blocks
/// on VPCs (now and then a disassociated one) and their subnets, addresses
/// and delegated prefixes on workload interfaces, egress-only gateways,
/// IPv6 routes (::/0 and more specific ones, to every kind of target),
/// IPv6 entries on default and some custom ACLs (the others stay
/// IPv4-only), SG rules with CidrIpv6, IPv6 entries in prefix lists.
/// Touches nothing IPv4 packets look at.
void addIpv6(Topology& topo, int seed, Rng& rng) {
  using topology::RouteTarget;
  const Cidr6 any6 = Cidr6::of(Ipv6(0, 0), 0);
  for (auto& list : topo.prefix_lists) {
    if (list.prefix_list_name == "com.amazonaws.us-east-1.s3") list.cidrs6.push_back(*Cidr6::parse("2600:1fa0::/32"));
    if (list.prefix_list_name == "corp-networks") list.cidrs6.push_back(*Cidr6::parse("2a05:d000:c0::/48"));
  }
  std::map<std::string, Cidr6> block_of;  // dual-stack VPC -> its block
  std::map<std::string, Cidr6> stale_of;  // VPC -> a block it no longer has
  std::map<std::string, std::string> eigw_of;
  for (std::size_t v = 0; v < topo.vpcs.size(); ++v) {
    topology::Vpc& vpc = topo.vpcs[v];
    if (rng.percent() < 25) continue;
    const Cidr6 block = vpcBlock6(seed, v);
    block_of[vpc.meta.id] = block;
    vpc.ipv6_blocks.push_back({Ipv6Block(block), "associated", "vpc-cidr-assoc-6-" + std::to_string(v), "Amazon"});
    if (rng.percent() < 10) {
      vpc.ipv6_blocks.push_back({Ipv6Block(vpcBlock6(seed, v, true)), "disassociated", "", "Amazon"});
      stale_of[vpc.meta.id] = vpcBlock6(seed, v, true);
    }
    if (rng.percent() < 55) {
      topology::EgressOnlyInternetGateway eigw;
      eigw.meta.id = "eigw-" + std::to_string(seed) + "-" + std::to_string(v);
      eigw.vpc_id = rng.percent() < 95 ? vpc.meta.id : "";  // now and then detached
      eigw_of[vpc.meta.id] = eigw.meta.id;
      topo.egress_only_internet_gateways.push_back(eigw);
    }
  }
  std::map<std::string, Cidr6> subnet_block;
  std::map<std::string, int> subnets_in_vpc;
  for (auto& subnet : topo.subnets) {
    auto it = block_of.find(subnet.vpc_id);
    const int index = subnets_in_vpc[subnet.vpc_id]++;
    if (it == block_of.end() || rng.percent() < 20) continue;
    const Cidr6 block = Cidr6::of(Ipv6(it->second.base().high() | static_cast<uint64_t>(index & 0xff), 0), 64);
    subnet_block[subnet.meta.id] = block;
    subnet.ipv6_blocks.push_back({Ipv6Block(block), "associated", "", ""});
    subnet.assign_ipv6_address_on_creation = rng.percent() < 50;
  }
  for (auto& eni : topo.enis) {
    auto it = subnet_block.find(eni.subnet_id);
    if (it == subnet_block.end() || eni.interface_type != "interface" || rng.percent() < 25) continue;
    const int count = rng.percent() < 20 ? 2 : 1;
    for (int n = 0; n < count; ++n) {
      eni.ipv6_addresses.push_back(Ipv6(it->second.base().high(), 1 + rng.below(uint64_t{1} << 40)));
    }
    auto stale = stale_of.find(eni.vpc_id);
    if (stale != stale_of.end() && rng.percent() < 40) {
      // An address left from the disassociated block (input that lags
      // behind): no route, gateway or rule of the VPC covers it.
      eni.ipv6_addresses.front() = Ipv6(stale->second.base().high() | 1U, 1 + rng.below(uint64_t{1} << 40));
    }
    if (rng.percent() < 12) {  // a delegated /80 (EC2 User Guide, "Assign prefixes to network interfaces")
      eni.ipv6_prefixes.push_back(Cidr6::of(Ipv6(it->second.base().high(), (1 + rng.below(0xfffe)) << 48), 80));
    }
  }
  for (auto& table : topo.route_tables) {
    auto it = block_of.find(table.vpc_id);
    if (it == block_of.end()) continue;
    const std::string vpc_id = table.vpc_id;
    std::string igw;
    std::string nat;
    std::string tgw;
    std::vector<std::string> peerings;
    for (const auto& route : table.routes) {
      if (!route.destination || route.blackhole) continue;
      if (route.target == RouteTarget::kInternetGateway && route.destination->prefix() == 0) igw = route.target_id;
      if (route.target == RouteTarget::kNatGateway && route.destination->prefix() == 0) nat = route.target_id;
      if (route.target == RouteTarget::kTransitGateway) tgw = route.target_id;
      if (route.target == RouteTarget::kPeeringConnection &&
          std::find(peerings.begin(), peerings.end(), route.target_id) == peerings.end()) {
        peerings.push_back(route.target_id);
      }
    }
    std::string vpc_igw;
    for (const auto& gateway : topo.internet_gateways) {
      for (const auto& id : gateway.vpc_ids) {
        if (id == vpc_id && vpc_igw.empty()) vpc_igw = gateway.meta.id;
      }
    }
    const auto eigw = eigw_of.find(vpc_id);
    std::vector<topology::Route> added;
    if (rng.percent() < 60) added.push_back(route6(it->second, RouteTarget::kLocal, "local"));
    const int roll = rng.percent();
    if (!igw.empty()) {
      if (roll < 75) {
        added.push_back(route6(any6, RouteTarget::kInternetGateway, igw));
      } else if (roll < 88 && eigw != eigw_of.end()) {
        added.push_back(route6(any6, RouteTarget::kEgressOnlyInternetGateway, eigw->second));
      }
    } else if (eigw != eigw_of.end() && roll < 65) {
      added.push_back(route6(any6, RouteTarget::kEgressOnlyInternetGateway, eigw->second));
    } else if (!vpc_igw.empty() && roll < 80) {
      added.push_back(route6(any6, RouteTarget::kInternetGateway, vpc_igw));
    } else if (!nat.empty() && roll < 85) {
      added.push_back(route6(any6, RouteTarget::kNatGateway, nat));  // not NAT64: undetermined
    }
    if (!nat.empty() && rng.percent() < 50) {
      added.push_back(route6(*Cidr6::parse("64:ff9b::/96"), RouteTarget::kNatGateway, nat));
    }
    for (const auto& pcx_id : peerings) {
      const topology::PeeringConnection* pcx = topo.findPeeringConnection(pcx_id);
      if (pcx == nullptr || rng.percent() < 35) continue;
      const std::string& other = pcx->requester.vpc_id == vpc_id ? pcx->accepter.vpc_id : pcx->requester.vpc_id;
      auto peer = block_of.find(other);
      if (peer != block_of.end()) added.push_back(route6(peer->second, RouteTarget::kPeeringConnection, pcx_id));
    }
    if (!tgw.empty() && rng.percent() < 25) {
      added.push_back(route6(*Cidr6::parse("2600:1f18::/32"), RouteTarget::kTransitGateway, tgw));
    }
    const int extra = rng.percent();
    if (extra < 6) {
      topology::Route blackhole = route6(*Cidr6::parse("2a00:1450::/32"), RouteTarget::kNatGateway, "nat-gone");
      blackhole.blackhole = true;
      added.push_back(blackhole);
    } else if (extra < 10 && !igw.empty()) {
      topology::Route to_list;  // a prefix-list route: its IPv6 entries match too
      for (const auto& list : topo.prefix_lists) {
        if (list.prefix_list_name == "corp-networks") to_list.destination_prefix_list = list.meta.id;
      }
      to_list.target = RouteTarget::kInternetGateway;
      to_list.target_id = igw;
      to_list.origin = "CreateRoute";
      if (!to_list.destination_prefix_list.empty()) added.push_back(to_list);
    } else if (extra < 14) {
      added.push_back(route6(*Cidr6::parse("2001:4860::/32"), RouteTarget::kNetworkInterface, "eni-appliance6"));
    }
    for (auto& route : added) table.routes.push_back(std::move(route));
  }
  for (auto& acl : topo.network_acls) {
    auto it = block_of.find(acl.vpc_id);
    if (it == block_of.end()) continue;
    const Cidr6 vpc6 = it->second;
    auto& e = acl.entries;
    if (acl.is_default) {
      // The default ACL of a VPC with IPv6 allows all IPv6 both ways (VPC
      // User Guide, "Default network ACL"); sometimes it was edited.
      if (rng.percent() < 85) {
        e.push_back(naclEntry6(101, false, true, topology::kProtocolAll, any6));
        e.push_back(naclEntry6(101, true, true, topology::kProtocolAll, any6));
      }
    } else if (rng.percent() < 55) {
      if (rng.percent() < 25) e.push_back(naclEntry6(55, false, false, topology::kProtocolAll, vpcBlock6(seed, 1)));
      e.push_back(naclEntry6(401, false, true, topology::kProtocolTcp, any6, 443, 443));
      if (rng.percent() < 75) e.push_back(naclEntry6(402, false, true, topology::kProtocolTcp, any6, 1024, 65535));
      if (rng.percent() < 50) e.push_back(naclEntry6(403, false, true, topology::kProtocolUdp, any6, 1024, 65535));
      e.push_back(naclEntry6(404, false, true, topology::kProtocolAll, vpc6));
      // ICMPv6 in: any, echo requests only, or echo replies only (RFC 4443:
      // request 128, reply 129).
      const int icmp = rng.percent();
      if (icmp < 25) {
        e.push_back(naclEntry6(405, false, true, topology::kProtocolIcmpv6, any6, -1, -1));
      } else if (icmp < 50) {
        e.push_back(naclEntry6(405, false, true, topology::kProtocolIcmpv6, any6, 128, -1));
      } else if (icmp < 75) {
        e.push_back(naclEntry6(406, false, true, topology::kProtocolIcmpv6, any6, 129, 0));
      }
      if (rng.percent() < 70) {
        e.push_back(naclEntry6(401, true, true, topology::kProtocolAll, any6));
      } else {
        e.push_back(naclEntry6(401, true, true, topology::kProtocolTcp, any6, 443, 443));
        e.push_back(naclEntry6(402, true, true, topology::kProtocolTcp, any6, 1024, 65535));
        e.push_back(naclEntry6(403, true, true, topology::kProtocolAll, vpc6));
        if (rng.percent() < 50) e.push_back(naclEntry6(404, true, true, topology::kProtocolIcmpv6, any6, 129, -1));
      }
    }  // else the custom ACL stays IPv4-only and denies IPv6 by its final rule
    if (rng.percent() < 70) {  // the IPv6 "*" deny as AWS lists it; without it nothing matches, which also denies
      e.push_back(naclEntry6(32767, false, false, topology::kProtocolAll, any6));
      e.push_back(naclEntry6(32767, true, false, topology::kProtocolAll, any6));
    }
    // The model keeps entries sorted by (egress, rule number).
    std::stable_sort(e.begin(), e.end(), [](const topology::NaclEntry& a, const topology::NaclEntry& b) {
      return std::make_pair(a.egress, a.rule_number) < std::make_pair(b.egress, b.rule_number);
    });
  }
  for (auto& group : topo.security_groups) {
    auto it = block_of.find(group.vpc_id);
    if (it == block_of.end()) continue;
    bool egress_all = false;
    for (const auto& rule : group.egress) {
      egress_all = egress_all || (rule.peer_kind == topology::PeerKind::kCidr && rule.protocol == topology::kProtocolAll &&
                                  rule.cidr.prefix() == 0);
    }
    if (egress_all && rng.percent() < 75) {
      group.egress.push_back(sgRule6(group.egress, topology::kProtocolAll, -1, -1, any6));
    } else if (rng.percent() < 30) {
      group.egress.push_back(sgRule6(group.egress, topology::kProtocolTcp, 443, 443, any6));
    }
    if (rng.percent() < 40) {
      const int port = kPorts[rng.index(kPorts.size())];
      group.ingress.push_back(sgRule6(group.ingress, topology::kProtocolTcp, port, port, any6));
    }
    if (rng.percent() < 30) group.ingress.push_back(sgRule6(group.ingress, topology::kProtocolAll, -1, -1, it->second));
    if (rng.percent() < 25) {
      const bool echo = rng.percent() < 50;
      group.ingress.push_back(sgRule6(group.ingress, topology::kProtocolIcmpv6, echo ? 128 : -1, -1, any6));
    }
    if (rng.percent() < 10) {
      group.ingress.push_back(sgRule6(group.ingress, topology::kProtocolTcp, 22, 22, *Cidr6::parse("2a05:d000:c0::/48")));
    }
  }
}

/// The IPv6 addresses `eni` may send from or be reached at: its addresses
/// and, now and then, one inside a delegated prefix.
IpAddress ipv6Of(const Eni& eni, Rng& rng) {
  if (!eni.ipv6_prefixes.empty() && (eni.ipv6_addresses.empty() || rng.percent() < 30)) {
    return rng.inside(eni.ipv6_prefixes[rng.index(eni.ipv6_prefixes.size())]);
  }
  return eni.ipv6_addresses[rng.index(eni.ipv6_addresses.size())];
}

bool hasIpv6(const Eni& eni) { return !eni.ipv6_addresses.empty() || !eni.ipv6_prefixes.empty(); }

/// Draws one IPv6 packet from a random interface with IPv6 to a destination
/// of a random class.
Probe drawProbe6(const Topology& topo, const std::vector<const Eni*>& sources, int seed, Rng& rng) {
  Probe probe;
  probe.source = sources[rng.index(sources.size())];
  Packet& packet = probe.packet;
  packet.source = ipv6Of(*probe.source, rng);
  std::vector<const Eni*> holders;
  for (const auto& eni : topo.enis) {
    if (hasIpv6(eni) && &eni != probe.source) holders.push_back(&eni);
  }
  const int roll = rng.percent();
  if (roll < 40 && !holders.empty()) {
    probe.kind = "v6-eni";
    packet.destination = ipv6Of(*holders[rng.index(holders.size())], rng);
  } else if (roll < 58) {
    probe.kind = "v6-internet";
    packet.destination = rng.percent() < 40 ? *Ipv6::parse("2001:4860:4860::8888")
                                            : Ipv6(0x2a00000000000000ULL | rng.below(uint64_t{1} << 56), rng.below(~uint64_t{0}));
  } else if (roll < 70) {
    probe.kind = "v6-nat64";
    Ipv4 embedded((8U << 24) | (8U << 16) | (8U << 8) | 8U);
    const int pick = rng.percent();
    if (pick < 30) {
      for (const auto& eni : topo.enis) {
        if (!eni.public_ips.empty() && rng.percent() < 30) embedded = eni.public_ips.front().public_ip;
      }
    } else if (pick < 40 && !topo.nat_gateways.empty() && !topo.nat_gateways.front().private_ips.empty()) {
      embedded = topo.nat_gateways[rng.index(topo.nat_gateways.size())].private_ips.front();
    } else if (pick < 55) {
      embedded = Ipv4(0x0A000000U | static_cast<uint32_t>(rng.below(1U << 24)));
    }
    packet.destination = Ipv6(0x0064ff9b00000000ULL, embedded.value());
  } else if (roll < 82) {
    probe.kind = "v6-vpc-address";
    const std::size_t v = rng.index(topo.vpcs.size());
    packet.destination = rng.inside(vpcBlock6(seed, v, rng.percent() < 15));
  } else if (roll < 92) {
    probe.kind = "v6-special";
    static const std::array<const char*, 7> kSpecial = {"fd12:3456::1",      "fe80::1",       "ff02::1", "::1",
                                                        "64:ff9b:1::a00:1", "2600:1fa0::5", "2a05:d000:c0::9"};
    packet.destination = *Ipv6::parse(kSpecial[rng.index(kSpecial.size())]);
  } else {
    probe.kind = "v6-host-service";
    static const std::array<uint64_t, 4> kLow = {0x253, 0x254, 0x123, 0x53};
    packet.destination = Ipv6(0xfd000ec200000000ULL, kLow[rng.index(kLow.size())]);
  }
  const int protocol = rng.percent();
  packet.protocol = protocol < 55   ? topology::kProtocolTcp
                    : protocol < 78 ? topology::kProtocolUdp
                    : protocol < 97 ? topology::kProtocolIcmpv6
                                    : 50;  // ESP
  packet.destination_port = kPorts[rng.index(kPorts.size())];
  packet.source_port = rng.percent() < 50 ? 1024 + static_cast<int>(rng.below(65535 - 1024 + 1)) : 49152;
  const int icmp = rng.percent();
  packet.icmp_type = icmp < 70 ? 128 : icmp < 85 ? 1 : 129;
  packet.icmp_code = icmp < 70 ? 0 : icmp < 85 ? 4 : 0;
  return probe;
}

reference::Packet toReference(const Packet& packet) {
  reference::Packet out;
  out.source = packet.source;
  out.destination = packet.destination;
  out.protocol = packet.protocol;
  out.source_port = packet.source_port;
  out.destination_port = packet.destination_port;
  out.icmp_type = packet.icmp_type;
  out.icmp_code = packet.icmp_code;
  return out;
}

std::string tracerText(const TraceResult& result) {
  std::string text;
  for (const auto& hop : result.path) {
    text += "  [" + std::string(reports::directionName(hop.direction)) + "] " + std::string(reports::hopTypeName(hop.kind)) +
            " " + componentName(hop) + ": " + reports::hopRule(hop) + "\n";
  }
  for (const auto& why : result.explanations) text += "  " + why.code + " " + why.component + ": " + why.message + "\n";
  for (const auto& assumption : result.assumptions) text += "  assumes: " + assumption + "\n";
  return text;
}

std::string referenceText(const reference::Result& result) {
  std::string text;
  for (const auto& step : result.steps) text += step + "\n";
  return text;
}

/// Tallies of one sweep, printed with VPCSIM_DIFF_SEEDS.
struct Tally {
  int packets = 0;
  int mismatches = 0;
  std::map<std::string, int> agreed;       // verdict -> count
  std::map<std::string, int> kind_counts;  // destination class -> count
  std::map<std::string, int> reached_via;  // component on the path of a reachable packet -> count
  std::map<std::string, int> decided_by;   // rule of the reference that decided an agreed verdict -> count
};

/// Counts, for each watched rule whose text `trail` holds, one decision.
template <std::size_t N>
void countRules(const std::array<std::pair<const char*, const char*>, N>& rules, const std::string& trail,
                std::map<std::string, int>& decided_by) {
  for (const auto& [rule, text] : rules) {
    if (trail.find(text) != std::string::npos) ++decided_by[rule];
  }
}

/// Traces `probe` with both engines and records the outcome in `tally`;
/// a disagreement fails the test with both stories.
void compareOne(const Topology& topo, const Network& network, const Probe& probe, int seed, int n, Tally& tally) {
  Endpoint source;
  source.kind = Endpoint::Kind::kEni;
  source.eni_id = probe.source->meta.id;
  source.address = probe.packet.source;
  source.label = probe.source->meta.id;
  Target target;
  target.address = probe.packet.destination;
  target.label = probe.packet.destination.str();

  const TraceResult got = trace(network, source, target, probe.packet);
  const reference::Result want = reference::evaluate(topo, probe.source->meta.id, toReference(probe.packet));
  const bool v6 = probe.packet.source.isV6();
  ++tally.packets;
  ++tally.kind_counts[probe.kind];
  const std::string got_name(verdictName(got.verdict));
  const std::string want_name(reference::verdictName(want.verdict));
  if (got_name == want_name) {
    ++tally.agreed[(v6 ? "v6-" : "") + got_name];
    const std::string trail = referenceText(want);
    if (v6) {
      countRules(kWatchedIpv6Rules, trail, tally.decided_by);
    } else {
      countRules(kWatchedRules, trail, tally.decided_by);
    }
    if (want.verdict == reference::Verdict::kReachable) {
      for (const char* component : {"IGW ", "EIGW ", "NAT ", "NAT64 ", "peering ", "TGW route table", "through vpce-"}) {
        if (trail.find(component) != std::string::npos) ++tally.reached_via[(v6 ? "v6 " : "") + std::string(component)];
      }
    }
    return;
  }
  ++tally.mismatches;
  if (tally.mismatches > kMaxReportedMismatches) return;
  CAPTURE(seed, n, probe.kind);
  INFO("source " << probe.source->meta.id << " packet " << reference::describe(toReference(probe.packet)));
  INFO("tracer: " << got_name << "  reference: " << want_name);
  INFO("tracer path:\n" << tracerText(got));
  INFO("reference trail:\n" << referenceText(want));
  CHECK(got_name == want_name);
}

TEST_CASE("The tracer and the naive reference evaluator agree on seeded random topologies", "[differential]") {
  const int seeds = seedCount();
  Tally tally;
  int ipv6_packets = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    formats::GeneratorOptions options;
    options.enis = 40;
    options.subnets = 8;
    options.vpcs = 1 + seed % 4;  // 1-4 VPCs: peering and the transit gateway need two or more
    options.seed = static_cast<uint64_t>(seed);
    options.variety = true;
    options.load_balancer_percent = seed % 3 == 0 ? 0 : 70;  // Network Load Balancers in most topologies
    Topology topo = formats::generateTopology(options);
    std::vector<const Eni*> workloads;
    for (const auto& eni : topo.enis) {
      if (eni.interface_type == "interface" && !eni.private_ips.empty()) workloads.push_back(&eni);
    }
    REQUIRE_FALSE(workloads.empty());
    {
      const Network network(topo);
      Rng rng(static_cast<uint64_t>(seed) * uint64_t{0x9E3779B97F4A7C15} + 17);
      for (int n = 0; n < kPacketsPerTopology; ++n) compareOne(topo, network, drawProbe(topo, workloads, rng), seed, n, tally);
    }
    // The same topology made partly dual-stack, and IPv6 packets.
    Rng rng6(static_cast<uint64_t>(seed) * uint64_t{0xBF58476D1CE4E5B9} + 29);
    addIpv6(topo, seed, rng6);
    std::vector<const Eni*> sources6;
    for (const Eni* eni : workloads) {
      if (hasIpv6(*eni)) sources6.push_back(eni);
    }
    if (sources6.empty()) continue;
    const Network network6(topo);
    for (int n = 0; n < kIpv6PacketsPerTopology; ++n) {
      compareOne(topo, network6, drawProbe6(topo, sources6, seed, rng6), seed, kPacketsPerTopology + n, tally);
      ++ipv6_packets;
    }
  }
  if (std::getenv("VPCSIM_DIFF_SEEDS") != nullptr) {
    std::string summary = std::to_string(tally.packets) + " packets (" + std::to_string(ipv6_packets) + " IPv6) over " +
                          std::to_string(seeds) + " topologies; agreed:";
    for (const auto& [verdict, count] : tally.agreed) summary += " " + verdict + "=" + std::to_string(count);
    summary += "; destinations:";
    for (const auto& [kind, count] : tally.kind_counts) summary += " " + kind + "=" + std::to_string(count);
    summary += "; reachable via:";
    for (const auto& [component, count] : tally.reached_via) summary += " [" + component + "]=" + std::to_string(count);
    summary += "; decided by:";
    for (const auto& [rule, count] : tally.decided_by) summary += " [" + rule + "]=" + std::to_string(count);
    summary += "; mismatches: " + std::to_string(tally.mismatches);
    WARN(summary);
  }
  CHECK(tally.mismatches == 0);
  // The sweep must exercise every verdict of both families, or agreement means little.
  for (const char* verdict : {"reachable", "unreachable", "undetermined", "v6-reachable", "v6-unreachable",
                              "v6-undetermined"}) {
    CAPTURE(verdict);
    CHECK(tally.agreed[verdict] > 0);
  }
  if (seeds >= kDefaultSeeds) {
    for (const auto& [rule, text] : kWatchedRules) {
      CAPTURE(rule);
      CHECK(tally.decided_by[rule] > 0);
    }
    for (const auto& [rule, text] : kWatchedIpv6Rules) {
      CAPTURE(rule);
      CHECK(tally.decided_by[rule] > 0);
    }
  }
}

/// The forward outcome of a trace that decides findings: the verdict, the
/// (type, component) sequence of the hops, and whether the packet left
/// through an internet gateway.
std::string shape(const TraceResult& result) {
  std::string out(verdictName(result.verdict));
  for (const auto& hop : result.path) {
    out += " | " + std::string(reports::directionName(hop.direction)) + " " +
           std::string(reports::hopTypeName(hop.kind)) + " " + componentName(hop);
  }
  for (const auto& e : result.explanations) out += " ! " + e.code + " " + e.component;
  return out;
}

bool leavesThroughIgw(const TraceResult& result) {
  for (const auto& hop : result.path) {
    if (hop.direction != Direction::kForward) break;
    if (hop.kind == HopKind::kInternetGateway && hop.action == HopAction::kTranslateSource) return true;
  }
  return false;
}

// The exhaustive engine traces one representative packet per header class
// (sim::HeaderSpace). Its soundness rests on every packet of a class being
// treated like the representative; this samples random packets (the same
// generator as above) and checks that the tracer gives each the same verdict,
// hops and explanations as its class representative, and that
// verifyInternetFree reports a finding for every source a sampled packet
// takes to the internet. Seeds as above (VPCSIM_DIFF_SEEDS for a longer run).
TEST_CASE("Every packet behaves like its header-class representative, and verify finds every exit",
          "[differential][verify]") {
  const int seeds = std::max(1, seedCount() / 3);
  int packets = 0;
  int exits = 0;
  int mismatches = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    formats::GeneratorOptions options;
    options.enis = 40;
    options.subnets = 8;
    options.vpcs = 1 + seed % 4;
    options.seed = static_cast<uint64_t>(seed);
    options.variety = true;
    options.load_balancer_percent = seed % 3 == 0 ? 0 : 70;
    const Topology topo = formats::generateTopology(options);
    const Network network(topo);
    const HeaderSpace space(network);
    std::vector<const Eni*> workloads;
    for (const auto& eni : topo.enis) {
      if (eni.interface_type == "interface" && !eni.private_ips.empty()) workloads.push_back(&eni);
    }
    REQUIRE_FALSE(workloads.empty());
    Rng rng(static_cast<uint64_t>(seed) * uint64_t{0xD1B54A32D192ED03} + 5);
    std::map<std::string, bool> checked;  // ENI -> verify already run
    for (int n = 0; n < kPacketsPerTopology; ++n) {
      Probe probe = drawProbe(topo, workloads, rng);
      // Spread ports and ICMP fields over their whole range, not just the boundary table.
      if (rng.percent() < 50) probe.packet.destination_port = static_cast<int>(rng.below(65536));
      if (rng.percent() < 30) {
        probe.packet.icmp_type = static_cast<int>(rng.below(256));
        probe.packet.icmp_code = static_cast<int>(rng.below(256));
      }
      Endpoint source;
      source.kind = Endpoint::Kind::kEni;
      source.eni_id = probe.source->meta.id;
      source.address = probe.packet.source;
      source.label = probe.source->meta.id;
      auto traced = [&](const Packet& packet) {
        Target target;
        target.address = packet.destination;
        target.any_internet = packet.destination.isPublic();
        target.label = "destination";
        // As the exhaustive engines trace: through the network only (the
        // services the host answers are not on a network path).
        TraceOptions network_only;
        network_only.host_services = false;
        return trace(network, source, target, packet, network_only);
      };
      const Packet representative = space.representative(probe.packet);
      const TraceResult got = traced(probe.packet);
      const TraceResult rep = traced(representative);
      ++packets;
      if (shape(got) != shape(rep)) {
        ++mismatches;
        if (mismatches <= kMaxReportedMismatches) {
          CAPTURE(seed, n, probe.kind);
          INFO("packet " << describePacket(probe.packet) << "\nrepresentative " << describePacket(representative));
          INFO("packet path:\n" << tracerText(got) << "representative path:\n" << tracerText(rep));
          CHECK(shape(got) == shape(rep));
        }
      }
      if (!leavesThroughIgw(got) || checked[probe.source->meta.id]) continue;
      ++exits;
      checked[probe.source->meta.id] = true;
      VerifyOptions verify_options;
      verify_options.hypothetical_enis = false;
      auto report = verifyInternetFree(network, {probe.source->meta.id}, verify_options);
      REQUIRE(report);
      CAPTURE(seed, n, probe.source->meta.id, describePacket(probe.packet));
      CHECK(report->verdict == Verdict::kReachable);
    }
  }
  if (std::getenv("VPCSIM_DIFF_SEEDS") != nullptr) {
    WARN(packets << " packets over " << seeds << " topologies; " << exits << " sources reached the internet; "
                 << mismatches << " packets unlike their representative");
  }
  CHECK(mismatches == 0);
  CHECK(exits > 0);  // the sweep must reach the internet, or the second half checks nothing
}

}  // namespace
}  // namespace vpcsim::sim

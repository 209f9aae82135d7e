// Differential test: sim::trace against the naive reference evaluator on seeded random topologies.
//
// For seeds 1..N it builds generateTopology({enis = 40, subnets = 8,
// vpcs = 1 + seed % 4, seed, variety = true}) and sends kPacketsPerTopology
// random packets from workload ENIs (to other ENIs' private IPs, ENI and NAT
// public IPs, internet hosts, S3 prefix-list addresses, unheld VPC and
// private addresses, blackholed ranges; tcp/udp/icmp and a protocol NAT
// gateways do not carry; ports from a boundary table),
// comparing the tracer's verdict with tests/support/reference_evaluator's.
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
using topology::Eni;
using topology::Ipv4;
using topology::Topology;

constexpr int kDefaultSeeds = 150;
constexpr int kPacketsPerTopology = 24;
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

 private:
  std::mt19937_64 engine_;
};

/// Rules the tracer once got wrong (docs/semantics.md), by name and the text
/// of the reference trail step that applies them: the sweep counts the
/// packets each decides and must exercise every one.
constexpr std::array<std::pair<const char*, const char*>, 4> kWatchedRules = {{
    {"gateway endpoint from outside its VPC", "gateway endpoint connections cannot be extended"},
    {"transit over peering", "peering does not carry transit traffic"},
    {"attachment NACL in the sending subnet", ", the sending subnet"},
    {"routing loop", "UNDETERMINED: routing loop"},
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

  const int roll = rng.percent();
  if (roll < 35) {
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
  const int source_roll = rng.percent();
  packet.source_port = source_roll < 40   ? 1024 + static_cast<int>(rng.below(65535 - 1024 + 1))
                       : source_roll < 60 ? 49152
                                          : kPorts[rng.index(kPorts.size())];
  const int icmp = rng.percent();
  packet.icmp_type = icmp < 70 ? 8 : icmp < 85 ? 3 : 0;
  packet.icmp_code = icmp < 70 ? 0 : icmp < 85 ? 4 : 0;
  return probe;
}

reference::Packet toReference(const Packet& packet) {
  reference::Packet out;
  out.source = packet.source.v4();  // the generator draws IPv4 packets only
  out.destination = packet.destination.v4();
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

TEST_CASE("The tracer and the naive reference evaluator agree on seeded random topologies", "[differential]") {
  const int seeds = seedCount();
  int packets = 0;
  int mismatches = 0;
  std::map<std::string, int> agreed;       // verdict -> count
  std::map<std::string, int> kind_counts;  // destination class -> count
  std::map<std::string, int> reached_via;  // component on the path of a reachable packet -> count
  std::map<std::string, int> decided_by;   // rule of the reference that decided an agreed verdict -> count
  for (int seed = 1; seed <= seeds; ++seed) {
    formats::GeneratorOptions options;
    options.enis = 40;
    options.subnets = 8;
    options.vpcs = 1 + seed % 4;  // 1-4 VPCs: peering and the transit gateway need two or more
    options.seed = static_cast<uint64_t>(seed);
    options.variety = true;
    const Topology topo = formats::generateTopology(options);
    const Network network(topo);
    std::vector<const Eni*> workloads;
    for (const auto& eni : topo.enis) {
      if (eni.interface_type == "interface" && !eni.private_ips.empty()) workloads.push_back(&eni);
    }
    REQUIRE_FALSE(workloads.empty());
    Rng rng(static_cast<uint64_t>(seed) * uint64_t{0x9E3779B97F4A7C15} + 17);
    for (int n = 0; n < kPacketsPerTopology; ++n) {
      const Probe probe = drawProbe(topo, workloads, rng);
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
      ++packets;
      ++kind_counts[probe.kind];
      const std::string got_name(verdictName(got.verdict));
      const std::string want_name(reference::verdictName(want.verdict));
      if (got_name == want_name) {
        ++agreed[got_name];
        const std::string trail = referenceText(want);
        for (const auto& [rule, text] : kWatchedRules) {
          if (trail.find(text) != std::string::npos) ++decided_by[rule];
        }
        if (want.verdict == reference::Verdict::kReachable) {
          for (const char* component : {"IGW ", "NAT ", "peering ", "TGW route table", "through vpce-"}) {
            if (trail.find(component) != std::string::npos) ++reached_via[component];
          }
        }
        continue;
      }
      ++mismatches;
      if (mismatches > kMaxReportedMismatches) continue;
      CAPTURE(seed, n, probe.kind);
      INFO("source " << probe.source->meta.id << " packet " << reference::describe(toReference(probe.packet)));
      INFO("tracer: " << got_name << "  reference: " << want_name);
      INFO("tracer path:\n" << tracerText(got));
      INFO("reference trail:\n" << referenceText(want));
      CHECK(got_name == want_name);
    }
  }
  if (std::getenv("VPCSIM_DIFF_SEEDS") != nullptr) {
    std::string summary = std::to_string(packets) + " packets over " + std::to_string(seeds) + " topologies; agreed:";
    for (const auto& [verdict, count] : agreed) summary += " " + verdict + "=" + std::to_string(count);
    summary += "; destinations:";
    for (const auto& [kind, count] : kind_counts) summary += " " + kind + "=" + std::to_string(count);
    summary += "; reachable via:";
    for (const auto& [component, count] : reached_via) summary += " [" + component + "]=" + std::to_string(count);
    summary += "; decided by:";
    for (const auto& [rule, count] : decided_by) summary += " [" + rule + "]=" + std::to_string(count);
    summary += "; mismatches: " + std::to_string(mismatches);
    WARN(summary);
  }
  CHECK(mismatches == 0);
  // The sweep must exercise every verdict, or agreement means little.
  CHECK(agreed["reachable"] > 0);
  CHECK(agreed["unreachable"] > 0);
  CHECK(agreed["undetermined"] > 0);
  if (seeds >= kDefaultSeeds) {
    for (const auto& [rule, text] : kWatchedRules) {
      CAPTURE(rule);
      CHECK(decided_by[rule] > 0);
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

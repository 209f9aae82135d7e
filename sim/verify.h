// Exhaustive guarantees over every packet: the internet-free check behind `vpcsim verify`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/tracer.h"
#include "topology/result.h"

namespace vpcsim::sim {

/// Knobs of the exhaustive check; the defaults are what `vpcsim verify` uses.
struct VerifyOptions {
  /// Also check a hypothetical new interface per (subnet, security group of
  /// the subnet's VPC) at every address class of the subnet, standing for
  /// interfaces placed later.
  bool hypothetical_enis = true;
};

/// One group of violating header classes: same source subnet, same exit.
struct InternetFinding {
  std::string source_subnet;  ///< displayName() of the source subnet ("" for platform networks)
  std::string exit_point;     ///< "nat-1 (..) -> igw-1 (..)", "igw-1 (..)", or the platform network
  std::string source;         ///< label of the example source interface
  Packet example;             ///< one concrete packet of a violating class
  std::string example_text;   ///< describePacket(example)
  bool round_trip = false;    ///< the reply comes back too (else the packet only gets out)
  std::vector<Hop> path;      ///< hops of the example, forward then return
  uint64_t classes = 0;       ///< violating (source, header) classes in this group
};

/// Answer to an internet-free check. `verdict`: kUnreachable = holds (no
/// finding), kReachable = findings exist, kUndetermined = no finding but
/// some classes could not be decided.
struct InternetFreeReport {
  Verdict verdict = Verdict::kUnreachable;
  std::vector<std::string> sources;  ///< the references as given
  std::vector<InternetFinding> findings;  ///< sorted by (source_subnet, exit_point)
  /// Up to one example per undetermined (source subnet, explanation code).
  std::vector<TraceResult> undetermined;
  uint64_t classes_checked = 0;       ///< (source class x header class) pairs traced
  uint64_t source_classes = 0;
  uint64_t header_classes = 0;        ///< header classes per source (address x protocol x ports)
  uint64_t undetermined_classes = 0;
  std::vector<std::string> assumptions;
};

/// Checks that no packet from any interface the references stand for
/// reaches the internet (a public IPv4 address beyond an internet gateway),
/// by any protocol, port or address. References: `subnet:REF`, subnet IDs,
/// logical IDs and Name tags (every existing interface in the subnet plus
/// hypothetical ones, see VerifyOptions), ENI IDs, `notebook:D[/P]`, `job:N`.
/// The header space is split into classes at every boundary any rule or
/// route in the topology mentions, and one concrete packet per class is
/// traced with trace(). Unknown references are an error with a "did you mean".
topology::Result<InternetFreeReport> verifyInternetFree(const Network& network,
                                                        const std::vector<std::string>& source_refs,
                                                        const VerifyOptions& options = {});

}  // namespace vpcsim::sim

// Exhaustive guarantees over every packet: the internet-free check behind `vpcsim verify`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/tracer.h"
#include "topology/access_scope.h"
#include "topology/result.h"

namespace vpcsim::sim {

/// How far a running check has got (VerifyOptions::progress).
struct VerifyProgress {
  std::string_view check;  ///< "internet-free" or "scope NAME"
  std::string_view part;   ///< what it is tracing: "egress paths from interfaces (IPv4)", ...
  uint64_t done = 0;       ///< items (sources, targets, keys of interfaces) of the part's current loop finished
  uint64_t total = 0;      ///< items of that loop
  uint64_t classes = 0;    ///< classes decided so far by the check
};

/// Knobs of the exhaustive check; the defaults are what `vpcsim verify` uses.
struct VerifyOptions {
  /// Also check a hypothetical new interface per (subnet, security group of
  /// the subnet's VPC) at every address class of the subnet, standing for
  /// interfaces placed later.
  bool hypothetical_enis = true;
  /// Threads that trace classes; 0 = one per core. The report does not
  /// depend on it (classes are tallied in chunks merged in a fixed order).
  unsigned threads = 0;
  /// Factor each interface's own security groups out of the paths it shares
  /// with interfaces alike (sim/factored_engine.cpp, FactoredEngine); false traces
  /// every class on its own, the reference the factored engine is tested
  /// against. Reports are identical either way.
  bool factored = true;
  /// Where a scope reaches private destinations (traced class by class),
  /// decide a source's classes to an address that only interfaces and NAT
  /// gateways of other estates hold (sim/estate.h) by those to an address of
  /// the same class boundaries that nothing holds, whenever those decide
  /// nothing, instead of tracing them; false traces them, the reference this
  /// is tested against. Reports are identical either way.
  bool skip_other_estates = true;
  /// When set, work stops once this time has passed: every check not
  /// finished by then answers undetermined, with no finding and one
  /// undetermined example (code TIMEOUT) naming the parts not finished;
  /// never "holds" and never a partial list of findings. A time already
  /// passed makes every check undetermined. Checks that finish are
  /// reported exactly as without a deadline.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// When set, called now and then (from the tracing threads, one call at
  /// a time) with the progress of the running check; it never changes the
  /// report.
  std::function<void(const VerifyProgress&)> progress;
};

/// One group of violating header classes: same rule, same source subnet
/// (or entry point), same exit or destination.
struct InternetFinding {
  std::string rule;           ///< "internet-free", or the scope path that matched ("/MatchPaths/0")
  std::string source_subnet;  ///< displayName() of the source subnet ("" for platform networks and the internet)
  std::string exit_point;     ///< "nat-1 (..) -> igw-1 (..)", "igw-1 (..)", the platform network, or the destination
  std::string source;         ///< label of the example source interface
  Packet example;             ///< one concrete packet of a violating class
  std::string example_text;   ///< describePacket(example)
  bool round_trip = false;    ///< the reply comes back too (else the packet only gets out)
  std::vector<Hop> path;      ///< hops of the example, forward then return
  /// The example's legs from a load balancer on the path to its targets.
  std::vector<TargetLeg> legs;
  uint64_t classes = 0;       ///< violating (source, header) classes in this group
  /// The route or security-group rule that opens the path: the route to the
  /// internet gateway or NAT gateway on the way out, or, for traffic arriving
  /// at an interface, the ingress rule that lets it in. Empty when none applies.
  std::string opening;
  std::string location;       ///< where `opening` is written (template file:line:col, snapshot file:pointer)
};

/// Answer to an internet-free check. `verdict`: kUnreachable = holds (no
/// finding), kReachable = findings exist, kUndetermined = no finding but
/// some classes could not be decided.
struct InternetFreeReport {
  std::string check = "internet-free";  ///< or "scope NAME"
  std::string scope_origin;             ///< the scope file, or "builtin:AWS-..." ("" for internet-free)
  Verdict verdict = Verdict::kUnreachable;
  std::vector<std::string> sources;  ///< the references as given (internet-free)
  std::vector<InternetFinding> findings;  ///< sorted by (source_subnet, exit_point)
  /// Up to one example per undetermined (source subnet, explanation code).
  std::vector<TraceResult> undetermined;
  uint64_t classes_checked = 0;       ///< (source class x header class) pairs traced
  uint64_t source_classes = 0;
  uint64_t header_classes = 0;        ///< header classes per source (address x protocol x ports)
  uint64_t undetermined_classes = 0;
  /// Concrete traces the engine ran to decide the classes (not rendered:
  /// it says how, not what; benchmarks and tests compare the engines by it).
  uint64_t traces = 0;
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

/// The answer to a Network Access Analyzer scope has the same shape.
using VerifyReport = InternetFreeReport;

/// Evaluates a Network Access Analyzer access scope over every packet: a
/// finding is a forward path that some MatchPaths entry matches and no
/// ExcludePaths entry does. Paths enumerated: from every interface (existing,
/// and hypothetical ones per subnet and security group, see VerifyOptions)
/// to every destination address class, and from every public address class
/// on the internet to every interface that has (or would get) a public
/// address. A Source matches the path's origin (interface, its instance,
/// subnet, VPC, security groups; the internet gateway for traffic from the
/// internet) or any gateway the packet enters through (internet gateway,
/// peering connection, transit gateway, its attachment, virtual private
/// gateway); a Destination matches the interface delivered to (and its
/// instance, subnet, VPC) or any gateway the packet leaves through (internet
/// gateway outward, NAT gateway, peering, transit gateway, VPC endpoint,
/// virtual private gateway); ThroughResources match components on the
/// forward path; packet headers match the packet as the source sends it.
/// Scope CIDRs and ports split the header classes, so each class matches a
/// statement wholly or not at all. Unknown prefix lists in the scope are
/// an error. Undetermined when no finding exists but some matching path runs
/// through what is not evaluated, or traffic can enter from networks not in
/// the input (VPN, Direct Connect, peers outside the input).
topology::Result<VerifyReport> verifyScope(const Network& network, const topology::NaaScope& scope,
                                           const VerifyOptions& options = {});

/// The header-space partition the exhaustive checks use, for tests and
/// benchmarks: address atoms cut at every boundary a rule, route, address or
/// `extra_cidrs` uses; protocol, port and ICMP atoms likewise.
class HeaderSpace {
 public:
  explicit HeaderSpace(const Network& network, const std::vector<topology::Cidr>& extra_cidrs = {},
                       const std::vector<topology::PortRange>& extra_ports = {});
  ~HeaderSpace();
  HeaderSpace(const HeaderSpace&) = delete;
  HeaderSpace& operator=(const HeaderSpace&) = delete;

  /// `packet` with its destination, protocol, destination port and ICMP
  /// type/code replaced by the representative of their classes (the source
  /// address and port are kept); the engine traces exactly these packets.
  [[nodiscard]] Packet representative(const Packet& packet) const;
  [[nodiscard]] size_t addressAtoms() const;
  [[nodiscard]] size_t headerClasses() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace vpcsim::sim

// Runs a scenario's checks on every variant, and compares two variants flow by flow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capacity/capacity.h"
#include "policy/lint.h"
#include "sim/access_matrix.h"
#include "sim/presigned.h"
#include "sim/query.h"
#include "sim/verify/verify.h"
#include "topology/result.h"
#include "scenario/scenario.h"

namespace vpcsim::scenario {

using capacity::CapacityProjection;
using sim::Explanation;
using sim::Hop;
using sim::Network;
using sim::ReachReport;
using sim::Verdict;

/// The verdict named by `word` (reachable, unreachable, partial, undetermined;
/// for verify checks holds = kUnreachable, violated = kReachable).
std::optional<Verdict> parseVerdict(std::string_view word);

/// A variant's topology and the indexes over it. The Network refers to the
/// topology, and answers' hops point into both (the Network holds interfaces
/// it synthesises), so runs and diffs keep them alive while they are read.
struct VariantNetwork {
  topology::Topology topo;
  std::unique_ptr<Network> network;
};

/// What a check asks (ScenarioCheck): a reach question, a verify proof, a
/// presigned URL, or an access guarantee.
enum class CheckKind : uint8_t { kReach, kVerify, kPresignedUrl, kAccess };

/// One check run in one variant.
struct CheckOutcome {
  std::string variant;
  std::string check;
  CheckKind kind = CheckKind::kReach;
  /// For guarantees (verify, access) kUnreachable = holds, kReachable =
  /// violated, kUndetermined (sim::VerifyReport's convention).
  Verdict verdict = Verdict::kUnreachable;
  Verdict expected = Verdict::kUnreachable;
  bool pass = false;
  ReachReport report;  ///< the full answer of a reach check, for details and reports
  std::vector<sim::VerifyReport> verify;  ///< a verify check: one report per internet-free check and scope
  std::optional<sim::PresignedUrlReport> presigned_url;  ///< a presigned-URL check: both legs
  std::optional<sim::AccessMatrixReport> access;         ///< an access check: the matrix and its guarantee

  /// Verdicts read holds / violated / undetermined.
  [[nodiscard]] bool isGuarantee() const { return kind == CheckKind::kVerify || kind == CheckKind::kAccess; }
};

/// The scenario's capacity projection in one variant, and its expectation.
struct CapacityOutcome {
  std::string variant;
  std::string plan;               ///< the plan file as resolved
  CapacityProjection projection;
  bool has_expectation = false;
  int headroom_months = 0;        ///< the expectation: nothing runs out within this many months
  bool with_az_loss = false;      ///< ... also with any one AZ lost
  bool pass = true;               ///< true without an expectation
  /// Why the expectation fails: "subnet-1 (PrivateSubnet1A) runs out in month 14", "lost us-east-1a: ...".
  std::vector<std::string> failures;
};

/// The endpoint-policy lint of one variant's topology (policy/lint.h).
struct VariantPolicyWarnings {
  std::string variant;
  std::vector<policy::PolicyWarning> warnings;
};

/// Every check of a scenario run in every variant it names.
struct ScenarioRun {
  std::string name;
  std::string description;
  std::string file;
  std::vector<std::string> variants;  ///< baseline first, then file order
  std::vector<std::string> checks;    ///< check names, file order
  /// Check-major (file order), then variant order; only where the check runs.
  std::vector<CheckOutcome> outcomes;
  /// The capacity projection per variant (scenario order), when the scenario has one.
  std::vector<CapacityOutcome> capacity;
  /// The variants' networks, which the outcomes' paths point into.
  std::vector<std::shared_ptr<const VariantNetwork>> networks;
  /// Each variant's endpoint-policy warnings, variant order, only variants
  /// with some. Warnings do not fail a run (passed() ignores them).
  std::vector<VariantPolicyWarnings> policy_warnings;

  /// True when every expectation holds.
  [[nodiscard]] bool passed() const;
  /// The outcome of `check` in `variant`, or nullptr when it does not run there.
  [[nodiscard]] const CheckOutcome* find(const std::string& check, const std::string& variant) const;
};

/// Builds every variant's network (buildVariantTopology), lints its
/// endpoint policies once (policy::lintEndpointPolicies), and runs
/// each check there with sim::reach, then the capacity projection (plan
/// file, projectCapacity) in the variants it names. A plan that does not
/// load or names unknown subnets is an error. Returns false with diagnostics when an
/// input does not load or a check's question is malformed (unknown
/// reference: the diagnostic points at the check); `out` is then
/// incomplete. A failed expectation is not an error: see ScenarioRun::passed().
bool runScenario(const Scenario& scenario, ScenarioRun& out, std::vector<topology::Diagnostic>& errors);

/// Where the answers to one flow in two variants part, as typed values
/// (reports/scenario_report.h words it: "route 0.0.0.0/0 -> nat-1 added to rtb-1").
struct Parting {
  enum class Kind {
    kNotFound,    ///< neither answer has a result to compare
    kMissing,     ///< the flow cannot be asked in one variant
    kHopChanged,  ///< both paths go on, through different hops (`before`, `after`)
    kHopAdded,    ///< the path after goes on (`after`) where the one before stopped
    kHopRemoved,  ///< the path after stops where the one before went on (`before`)
    kSamePath,    ///< same hops, a different ending
  };
  Kind kind = Kind::kNotFound;
  std::optional<Hop> before;  ///< the first hop of the answer before that the answer after does not share
  std::optional<Hop> after;
  std::optional<Explanation> stop_before;  ///< first explanation of each answer, when any
  std::optional<Explanation> stop_after;
  std::string missing_variant;  ///< kMissing: the variant where the flow cannot be asked, and why
  std::string missing_reason;
};

/// One (source, destination, traffic) class whose verdict differs between two variants.
struct FlowChange {
  std::string check;  ///< the check's name, empty for a derived flow
  std::string from;
  std::vector<std::string> security_groups;  ///< empty: the VPC's default group (or what `from` implies)
  std::string to;
  std::string traffic;  ///< tcp/443, udp/53, icmp
  std::optional<Verdict> before;  ///< nullopt: the source or destination does not exist in that variant
  std::optional<Verdict> after;
  Parting parting;      ///< the first hop where the two paths part
  std::string origin;   ///< where that hop's component (or route) is defined: "stack nat at FILE:L:C"
};

/// What differs between two variants, and every flow whose verdict changes.
struct ScenarioDiff {
  std::string scenario;
  std::string from;
  std::string to;
  std::vector<std::string> input_changes;  ///< stacks added/removed, parameters changed, files layered
  std::vector<FlowChange> checks;          ///< the scenario's checks whose verdict changes (file order)
  std::vector<FlowChange> flows;           ///< derived flows whose verdict changes (stable order)
  std::size_t flows_compared = 0;          ///< derived flows evaluated in both variants
  /// Subnets (`subnet:REF`) that exist in one variant only; flows from or to
  /// them are not compared, only counted in flows_one_sided.
  std::vector<std::string> only_before;
  std::vector<std::string> only_after;
  std::size_t flows_one_sided = 0;
  /// The two variants' networks, which the hops of `checks` and `flows` point into.
  std::vector<std::shared_ptr<const VariantNetwork>> networks;

  [[nodiscard]] bool empty() const { return checks.empty() && flows.empty(); }
};

/// Compares variants `from` and `to`: every check's question, plus derived
/// flows — from a new interface in each subnet (with the VPC's default
/// security group, and with each security group the SageMaker domains and
/// jobs of that VPC use) to the internet, PyPI, each `service:` that has an
/// interface or gateway endpoint in either variant, and a new interface in
/// every other subnet (with the same groups), over tcp/443, udp/53 and ICMP
/// echo. Reports each flow whose verdict changes with the hop where the two
/// paths part; flows from or to a subnet that exists in one variant only are
/// counted, not listed (the subnets are). Returns false with diagnostics on bad input or unknown variants.
bool diffVariants(const Scenario& scenario, const std::string& from, const std::string& to, ScenarioDiff& out,
                  std::vector<topology::Diagnostic>& errors);

}  // namespace vpcsim::scenario

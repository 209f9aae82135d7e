// Runs a scenario's checks on every variant, and compares two variants flow by flow.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sim/capacity.h"
#include "sim/query.h"
#include "topology/result.h"
#include "topology/scenario.h"

namespace vpcsim::sim {

/// The verdict named by `word` (reachable, unreachable, partial, undetermined).
std::optional<Verdict> parseVerdict(std::string_view word);

/// One check run in one variant.
struct CheckOutcome {
  std::string variant;
  std::string check;
  Verdict verdict = Verdict::kUnreachable;
  Verdict expected = Verdict::kUnreachable;
  bool pass = false;
  ReachReport report;  ///< the full answer, for details and reports
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

  /// True when every expectation holds.
  [[nodiscard]] bool passed() const;
  /// The outcome of `check` in `variant`, or nullptr when it does not run there.
  [[nodiscard]] const CheckOutcome* find(const std::string& check, const std::string& variant) const;
};

/// Builds every variant's network (topology::buildVariantTopology) and runs
/// each check there with sim::reach, then the capacity projection (plan
/// file, projectCapacity) in the variants it names. A plan that does not
/// load or names unknown subnets is an error. Returns false with diagnostics when an
/// input does not load or a check's question is malformed (unknown
/// reference: the diagnostic points at the check); `out` is then
/// incomplete. A failed expectation is not an error: see ScenarioRun::passed().
bool runScenario(const topology::Scenario& scenario, ScenarioRun& out, std::vector<topology::Diagnostic>& errors);

/// One (source, destination, traffic) class whose verdict differs between two variants.
struct FlowChange {
  std::string check;  ///< the check's name, empty for a derived flow
  std::string from;
  std::vector<std::string> security_groups;  ///< empty: the VPC's default group (or what `from` implies)
  std::string to;
  std::string traffic;  ///< tcp/443, udp/53, icmp
  std::optional<Verdict> before;  ///< nullopt: the source or destination does not exist in that variant
  std::optional<Verdict> after;
  /// The first hop where the two paths part, e.g. "route 0.0.0.0/0 -> nat-1
  /// added to rtb-1 (PrivateSubnet1ARouteTable)"; empty when not found.
  std::string responsible;
  std::string component;  ///< the component at that hop
  std::string origin;     ///< where that component (or route) is defined: "stack nat at FILE:L:C"
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
bool diffVariants(const topology::Scenario& scenario, const std::string& from, const std::string& to, ScenarioDiff& out,
                  std::vector<topology::Diagnostic>& errors);

}  // namespace vpcsim::sim

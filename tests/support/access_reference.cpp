// The access matrix the obvious way: one decideAccess per cell and path.
#include "tests/support/access_reference.h"

#include <algorithm>

#include <catch2/catch.hpp>

#include "sim/query.h"

namespace vpcsim::test_support {

using sim::Verdict;

namespace {

void note(std::vector<std::string>& assumptions, const std::vector<std::string>& more) {
  for (const auto& assumption : more) {
    if (std::find(assumptions.begin(), assumptions.end(), assumption) == assumptions.end()) {
      assumptions.push_back(assumption);
    }
  }
}

}  // namespace

ReferenceMatrix referenceAccessMatrix(const sim::Network& network, const sim::AccessMatrixQuery& query,
                                      const std::vector<std::string>& principal_arns,
                                      const std::vector<std::string>& allowed) {
  ReferenceMatrix matrix;
  for (const auto& from : query.from) {
    sim::ReachQuery reach_query;
    reach_query.from = from;
    reach_query.to = query.to;
    reach_query.security_groups = query.security_groups;
    reach_query.note_endpoint_policies = false;
    auto paths = sim::reach(network, reach_query);
    REQUIRE(paths);
    note(matrix.assumptions, paths->assumptions);
    for (const auto& arn : principal_arns) {
      const topology::IamPrincipal* principal = network.topology().iam.findPrincipal(arn);
      for (const auto& action : query.actions) {
        ReferenceCell cell{from, arn, action, Verdict::kUnreachable, false, std::nullopt};
        std::vector<Verdict> verdicts;
        for (const auto& result : paths->results) {
          if (result.verdict != Verdict::kReachable) {
            verdicts.push_back(result.verdict == Verdict::kUndetermined ? Verdict::kUndetermined
                                                                          : Verdict::kUnreachable);
            continue;
          }
          sim::AccessAnswer answer =
              sim::decideAccess(network, result, sim::AccessQuery{action, query.resource, arn}, arn, principal);
          const policy::Decision decision = answer.decision.decision;
          verdicts.push_back(decision == policy::Decision::kAllow          ? Verdict::kReachable
                             : decision == policy::Decision::kUndetermined ? Verdict::kUndetermined
                                                                           : Verdict::kUnreachable);
          note(matrix.assumptions, answer.assumptions);
          if (!cell.answer) cell.answer = std::move(answer);
        }
        cell.no_path = !cell.answer;
        cell.verdict = sim::combineVerdicts(verdicts);
        matrix.cells.push_back(std::move(cell));
      }
    }
  }
  if (allowed.empty()) return matrix;
  bool violated = false;
  bool undetermined = false;
  for (std::size_t i = 0; i < matrix.cells.size(); ++i) {
    const ReferenceCell& cell = matrix.cells[i];
    if (std::find(allowed.begin(), allowed.end(), cell.principal) != allowed.end()) continue;
    const bool can = cell.verdict == Verdict::kReachable || cell.verdict == Verdict::kPartial;
    if (!can && cell.verdict != Verdict::kUndetermined) continue;
    matrix.violations.push_back(i);
    violated = violated || can;
    undetermined = undetermined || !can;
  }
  matrix.guarantee = violated ? Verdict::kReachable : undetermined ? Verdict::kUndetermined : Verdict::kUnreachable;
  return matrix;
}

}  // namespace vpcsim::test_support

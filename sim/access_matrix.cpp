#include "sim/access_matrix.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace vpcsim::sim {

using topology::Error;
using topology::Result;

Result<AccessMatrixReport> accessMatrix(const Network& network, const AccessMatrixQuery& query) {
  const topology::Topology& topo = network.topology();
  if (query.actions.empty()) return Error{"access needs at least one --action SERVICE:Action"};
  for (const auto& action : query.actions) {
    if (!isActionName(action)) {
      return Error{fmt::format("--action '{}' is not SERVICE:Action (for example ssm:GetParameter)", action)};
    }
  }
  AccessMatrixReport report;
  report.to = query.to;
  report.resource = query.resource;
  report.actions = query.actions;
  report.sources = query.from;

  // The principals: those named, else every role and user in the input.
  std::vector<std::pair<std::string, const topology::IamPrincipal*>> principals;
  if (query.principals.empty()) {
    if (!topo.iam.principals_loaded) {
      return Error{"access needs principals: the input holds no IAM roles or users (give --principal, or add the "
                   "IAM input; docs/policies.md)"};
    }
    for (const auto& principal : topo.iam.principals) {
      if (principal.kind != topology::PrincipalKind::kGroup) principals.emplace_back(principal.arn, &principal);
    }
  } else {
    for (const auto& reference : query.principals) {
      auto found = findPrincipal(topo, reference);
      if (!found) return Error{found.error()};
      principals.emplace_back(*found != nullptr ? (*found)->arn : reference, *found);
    }
  }
  std::sort(principals.begin(), principals.end());
  principals.erase(std::unique(principals.begin(), principals.end()), principals.end());
  for (const auto& [arn, principal] : principals) report.principals.push_back(arn);

  std::set<std::string> allowed;
  for (const auto& reference : query.only) {
    auto found = findPrincipal(topo, reference);
    if (!found) return Error{found.error()};
    allowed.insert(*found != nullptr ? (*found)->arn : reference);
  }
  report.has_guarantee = !query.only.empty();
  report.allowed.assign(allowed.begin(), allowed.end());

  for (const auto& from : query.from) {
    // The network paths do not depend on the caller: one trace per source.
    ReachQuery reach_query;
    reach_query.from = from;
    reach_query.to = query.to;
    reach_query.security_groups = query.security_groups;
    reach_query.note_endpoint_policies = false;  // the matrix decides the calls
    auto paths = reach(network, reach_query);
    if (!paths) return Error{paths.error()};
    for (const auto& assumption : paths->assumptions) {
      if (std::find(report.assumptions.begin(), report.assumptions.end(), assumption) == report.assumptions.end()) {
        report.assumptions.push_back(assumption);
      }
    }
    for (const auto& [arn, principal] : principals) {
      for (const auto& action : query.actions) {
        AccessCell cell;
        cell.source = from;
        cell.principal = arn;
        cell.action = action;
        AccessQuery call{action, query.resource, arn};
        std::vector<Verdict> verdicts;
        for (const auto& result : paths->results) {
          if (result.verdict != Verdict::kReachable) {
            verdicts.push_back(result.verdict == Verdict::kUndetermined ? Verdict::kUndetermined
                                                                          : Verdict::kUnreachable);
            continue;
          }
          AccessAnswer answer = decideAccess(network, result, call, arn, principal);
          switch (answer.decision.decision) {
            case policy::Decision::kAllow: verdicts.push_back(Verdict::kReachable); break;
            case policy::Decision::kExplicitDeny:
            case policy::Decision::kImplicitDeny: verdicts.push_back(Verdict::kUnreachable); break;
            case policy::Decision::kUndetermined: verdicts.push_back(Verdict::kUndetermined); break;
          }
          for (const auto& assumption : answer.assumptions) {
            if (std::find(report.assumptions.begin(), report.assumptions.end(), assumption) ==
                report.assumptions.end()) {
              report.assumptions.push_back(assumption);
            }
          }
          if (!cell.answer) cell.answer = std::move(answer);
        }
        cell.no_path = !cell.answer;
        cell.verdict = combineVerdicts(verdicts);
        report.cells.push_back(std::move(cell));
      }
    }
  }

  if (report.has_guarantee) {
    bool undetermined = false;
    for (std::size_t i = 0; i < report.cells.size(); ++i) {
      const AccessCell& cell = report.cells[i];
      if (allowed.count(cell.principal) != 0) continue;
      if (cell.verdict == Verdict::kReachable || cell.verdict == Verdict::kPartial) {
        report.violations.push_back(i);
      } else if (cell.verdict == Verdict::kUndetermined) {
        undetermined = true;
        report.violations.push_back(i);
      }
    }
    bool violated = std::any_of(report.violations.begin(), report.violations.end(), [&](std::size_t i) {
      return report.cells[i].verdict == Verdict::kReachable || report.cells[i].verdict == Verdict::kPartial;
    });
    report.guarantee = violated ? Verdict::kReachable : undetermined ? Verdict::kUndetermined : Verdict::kUnreachable;
  }
  return report;
}

}  // namespace vpcsim::sim

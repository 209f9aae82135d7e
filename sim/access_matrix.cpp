// The access matrix: one trace per source, one decision per (context class,
// principal, action), one row of outcomes per distinct source signature.
#include "sim/access_matrix.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "policy/conditions.h"

namespace vpcsim::sim {

using topology::Error;
using topology::Result;
using topology::VpcEndpoint;

namespace {

/// A path in a source's signature: a context class (>= 0), or one of these.
constexpr std::int64_t kPathUnreachable = -1;
constexpr std::int64_t kPathUndetermined = -2;

void addAssumption(std::vector<std::string>& to, const std::string& assumption) {
  if (std::find(to.begin(), to.end(), assumption) == to.end()) to.push_back(assumption);
}

/// Every entry of a network context, as one string (length-prefixed, so
/// distinct contexts give distinct strings).
std::string contextKey(const policy::RequestContext& context) {
  std::string key;
  for (const auto& entry : context.entries()) {
    const policy::ContextValue& value = entry.second;
    key += fmt::format("{}:{}{}", entry.first.size(), entry.first,
                       value.state == policy::ContextValue::State::kUnknown ? '?' : value.multivalued ? '*' : '=');
    for (const auto& item : value.values) key += fmt::format("{}:{}", item.size(), item);
    key += ';';
  }
  return key;
}

/// The decision class of a network context: its contextKey, except that
/// when the policies read aws:VpcSourceIp only as literal ranges, the address
/// is replaced by which of those ranges contain it, tested as the IpAddress
/// operator tests (policy::parseIpBlock, policy::ipInBlock).
std::string decisionKey(policy::RequestContext context, const NetworkKeysRead& read) {
  const policy::ContextValue* address = context.find("aws:VpcSourceIp");
  if (!read.vpc_source_ip_ranges || address == nullptr || address->state != policy::ContextValue::State::kPresent ||
      address->values.size() != 1) {
    return contextKey(context);
  }
  const auto parsed = policy::parseIpBlock(address->values.front());
  std::string membership = "ranges:";
  for (const auto& range : *read.vpc_source_ip_ranges) {
    const auto block = policy::parseIpBlock(range);
    membership += block && parsed && policy::ipInBlock(*block, *parsed) ? '1' : '0';
  }
  context.set("aws:VpcSourceIp", std::move(membership));
  return contextKey(context);
}

Verdict verdictOf(policy::Decision decision) {
  switch (decision) {
    case policy::Decision::kAllow: return Verdict::kReachable;
    case policy::Decision::kExplicitDeny:
    case policy::Decision::kImplicitDeny: return Verdict::kUnreachable;
    case policy::Decision::kUndetermined: break;
  }
  return Verdict::kUndetermined;
}

bool mayCall(Verdict verdict) { return verdict == Verdict::kReachable || verdict == Verdict::kPartial; }

}  // namespace

AccessCell AccessMatrixReport::cell(std::size_t index) const {
  const std::size_t per_source = principals.size() * actions.size();
  const std::size_t source = index / per_source;
  const std::size_t offset = index % per_source;
  const AccessOutcome& outcome = outcomes[source_rows[source] * per_source + offset];
  AccessCell cell;
  cell.index = index;
  cell.source = sources[source];
  cell.principal = principals[offset / actions.size()];
  cell.action = actions[offset % actions.size()];
  cell.verdict = outcome.verdict;
  cell.no_path = outcome.no_path;
  if (!outcome.no_path) {
    cell.call = &calls[outcome.call];
    cell.decision = &decisions[outcome.decision];
  }
  return cell;
}

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
  for (const auto& principal : principals) report.principals.push_back(principal.first);

  std::set<std::string> allowed;
  for (const auto& reference : query.only) {
    auto found = findPrincipal(topo, reference);
    if (!found) return Error{found.error()};
    allowed.insert(*found != nullptr ? (*found)->arn : reference);
  }
  report.has_guarantee = !query.only.empty();
  report.allowed.assign(allowed.begin(), allowed.end());

  const std::size_t actions = query.actions.size();
  const std::size_t per_source = principals.size() * actions;
  // A decision reads the path only through its network context (decideAccess):
  // paths with the same endpoint and the same values of the keys a policy
  // may read are decided alike. aws:VpcSourceIp and aws:SourceIp, which
  // differ between sources behind one endpoint or NAT gateway, are left out
  // of the class unless some policy may read them.
  const NetworkKeysRead read = networkKeysRead(topo);
  std::map<std::pair<const VpcEndpoint*, std::string>, std::size_t> class_ids;
  std::vector<std::size_t> class_decisions;  // per class: the index of its first decision
  std::vector<std::size_t> class_calls;      // per class: the index of its first call
  // Decision classes: context classes whose addresses fall in the same
  // ranges of the policies that read aws:VpcSourceIp (NetworkKeysRead).
  std::map<std::pair<const VpcEndpoint*, std::string>, std::size_t> decision_ids;  // -> first decision
  std::map<std::vector<std::int64_t>, std::size_t> row_ids;
  std::vector<Verdict> verdicts;

  for (const auto& from : query.from) {
    // The network paths do not depend on the caller: one trace per source.
    ReachQuery reach_query;
    reach_query.from = from;
    reach_query.to = query.to;
    reach_query.security_groups = query.security_groups;
    reach_query.note_endpoint_policies = false;  // the matrix decides the calls
    auto paths = reach(network, reach_query);
    if (!paths) return Error{paths.error()};
    for (const auto& assumption : paths->assumptions) addAssumption(report.assumptions, assumption);

    const std::size_t classes_before = class_decisions.size();
    std::vector<std::int64_t> signature;
    signature.reserve(paths->results.size());
    for (const auto& result : paths->results) {
      if (result.verdict != Verdict::kReachable) {
        signature.push_back(result.verdict == Verdict::kUndetermined ? kPathUndetermined : kPathUnreachable);
        continue;
      }
      policy::RequestContext context;
      const VpcEndpoint* endpoint = addNetworkContext(network, result, context);
      if (!read.vpc_source_ip) context.erase("aws:VpcSourceIp");
      if (!read.source_ip) context.erase("aws:SourceIp");
      auto found = class_ids.try_emplace({endpoint, contextKey(context)}, class_decisions.size());
      if (found.second) {
        auto shared = decision_ids.try_emplace({endpoint, decisionKey(context, read)}, report.decisions.size());
        class_decisions.push_back(shared.first->second);
        class_calls.push_back(report.calls.size());
        for (const auto& principal : principals) {
          PreparedCall& call = report.calls.emplace_back(
              prepareCall(topo, endpoint, context, query.resource, principal.first, principal.second));
          if (shared.second) {
            for (const auto& action : query.actions) report.decisions.push_back(decideAction(call, action));
          }
          call.request.action.clear();
        }
      }
      signature.push_back(static_cast<std::int64_t>(found.first->second));
    }

    // The calls' assumptions in the order a cell-by-cell pass meets them:
    // principal, action, path. Classes met at an earlier source are merged already.
    // A call's assumptions do not depend on the action: one pass per principal.
    if (class_decisions.size() > classes_before) {
      for (std::size_t principal = 0; principal < principals.size(); ++principal) {
        for (const std::int64_t entry : signature) {
          if (entry < 0 || static_cast<std::size_t>(entry) < classes_before) continue;
          const std::size_t call = class_calls[static_cast<std::size_t>(entry)] + principal;
          for (const auto& assumption : report.calls[call].assumptions) addAssumption(report.assumptions, assumption);
        }
      }
    }

    auto row = row_ids.try_emplace(std::move(signature), row_ids.size());
    report.source_rows.push_back(row.first->second);
    if (!row.second) continue;
    for (std::size_t offset = 0; offset < per_source; ++offset) {
      AccessOutcome outcome;
      outcome.no_path = true;
      verdicts.clear();
      for (const std::int64_t entry : row.first->first) {
        if (entry == kPathUnreachable || entry == kPathUndetermined) {
          verdicts.push_back(entry == kPathUndetermined ? Verdict::kUndetermined : Verdict::kUnreachable);
          continue;
        }
        const std::size_t decision = class_decisions[static_cast<std::size_t>(entry)] + offset;
        verdicts.push_back(verdictOf(report.decisions[decision].decision));
        if (outcome.no_path) {
          outcome.no_path = false;
          outcome.decision = decision;
          outcome.call = class_calls[static_cast<std::size_t>(entry)] + offset / actions;
        }
      }
      outcome.verdict = combineVerdicts(verdicts);
      report.outcomes.push_back(outcome);
    }
  }

  if (report.has_guarantee) {
    std::vector<bool> is_allowed;
    for (const auto& principal : principals) is_allowed.push_back(allowed.count(principal.first) != 0);
    // Per row, the outcomes another principal can (or may) make.
    std::vector<std::vector<std::size_t>> row_violations(row_ids.size());
    bool violated = false;
    bool undetermined = false;
    for (std::size_t row = 0; row < row_violations.size(); ++row) {
      for (std::size_t offset = 0; offset < per_source; ++offset) {
        if (is_allowed[offset / actions]) continue;
        const Verdict verdict = report.outcomes[row * per_source + offset].verdict;
        if (!mayCall(verdict) && verdict != Verdict::kUndetermined) continue;
        row_violations[row].push_back(offset);
        violated = violated || mayCall(verdict);
        undetermined = undetermined || verdict == Verdict::kUndetermined;
      }
    }
    for (std::size_t source = 0; source < report.source_rows.size(); ++source) {
      for (const std::size_t offset : row_violations[report.source_rows[source]]) {
        report.violations.push_back(source * per_source + offset);
      }
    }
    report.guarantee = violated ? Verdict::kReachable : undetermined ? Verdict::kUndetermined : Verdict::kUnreachable;
  }
  return report;
}

}  // namespace vpcsim::sim

// Who can call what through which path: every principal x action x source
// for one AWS service (`vpcsim access`), and the guarantee that only listed
// principals can (docs/policies.md, "Who can: the access matrix").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/access.h"
#include "sim/query.h"
#include "topology/result.h"

namespace vpcsim::sim {

struct AccessMatrixQuery {
  std::vector<std::string> from;        ///< sources, as reach takes them (subnet:, notebook:, ip:, ...)
  std::string to;                       ///< service:NAME
  std::vector<std::string> actions;     ///< SERVICE:Action, at least one
  std::string resource = "*";           ///< the resource of every action
  std::vector<std::string> principals;  ///< ARNs or names; empty: every role and user in the input
  std::vector<std::string> security_groups;  ///< for subnet: sources
  /// The guarantee: only these principals may make any of the calls; empty: no guarantee, matrix only.
  std::vector<std::string> only;
};

/// One principal, action and source: a view into an AccessMatrixReport,
/// valid while the report lives.
struct AccessCell {
  std::size_t index = 0;       ///< in the report's cell order
  std::string_view source;     ///< as given in `from`
  std::string_view principal;  ///< ARN
  std::string_view action;
  /// reachable: allowed over every path; unreachable: no path or denied on
  /// every path; partial: allowed over some paths; undetermined otherwise.
  Verdict verdict = Verdict::kUnreachable;
  bool no_path = false;  ///< the network reaches the service from no interface of the source
  /// On the first path that reaches the service: the call (its caller,
  /// request context, endpoint and policies) and its decision (the deciding
  /// statements); nullptr with no_path.
  const PreparedCall* call = nullptr;
  const policy::AccessDecision* decision = nullptr;
};

/// What one principal and action come to over one source's paths.
struct AccessOutcome {
  Verdict verdict = Verdict::kUnreachable;
  bool no_path = false;
  std::size_t decision = 0;  ///< index into AccessMatrixReport::decisions; unused with no_path
  std::size_t call = 0;      ///< index into AccessMatrixReport::calls; unused with no_path
};

struct AccessMatrixReport {
  std::string to;
  std::string resource;
  std::vector<std::string> actions;
  std::vector<std::string> principals;  ///< ARNs, sorted
  std::vector<std::string> sources;
  /// The calls, one per (context class, principal). A context class is an
  /// endpoint (or none) and the values of the network keys some policy may
  /// read (networkKeysRead); paths of one class share their calls and
  /// decisions. The request context of a call leaves out the network keys
  /// no policy reads (aws:VpcSourceIp, aws:SourceIp), which differ between
  /// its paths; its request's action is empty.
  std::vector<PreparedCall> calls;
  /// The decisions, one per (decision class, principal, action), in that
  /// order. A decision class is a context class, except that when every
  /// policy reads aws:VpcSourceIp only through IpAddress/NotIpAddress with
  /// literal ranges, addresses in the same ranges share one class: their
  /// decisions are the same (each context class keeps its own calls, so a
  /// cell shows its own address).
  std::vector<policy::AccessDecision> decisions;
  /// Per source, its row in `outcomes`: sources whose paths have the same
  /// verdicts and context classes, in order, share a row.
  std::vector<std::size_t> source_rows;
  /// Per row, principals x actions outcomes (principal, then action order).
  std::vector<AccessOutcome> outcomes;
  std::vector<std::string> assumptions;
  bool has_guarantee = false;
  std::vector<std::string> allowed;     ///< the guarantee's principals, as ARNs
  /// kUnreachable: holds (no other principal can); kReachable: violated;
  /// kUndetermined: an other principal's call is undetermined. Unset without a guarantee.
  Verdict guarantee = Verdict::kUnreachable;
  std::vector<std::size_t> violations;  ///< cell indexes where another principal can (or may)

  /// sources x principals x actions.
  [[nodiscard]] std::size_t cellCount() const { return sources.size() * principals.size() * actions.size(); }
  /// Cell `index` (< cellCount()) in source, then principal, then action order.
  [[nodiscard]] AccessCell cell(std::size_t index) const;
};

/// Traces each source to the service once and decides every principal x
/// action once per context class of the paths found (the same cells as
/// deciding each cell over each path with decideAccess).
topology::Result<AccessMatrixReport> accessMatrix(const Network& network, const AccessMatrixQuery& query);

}  // namespace vpcsim::sim

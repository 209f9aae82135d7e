// Who can call what through which path: every principal x action x source
// for one AWS service (`vpcsim access`), and the guarantee that only listed
// principals can (docs/policies.md, "Who can: the access matrix").
#pragma once

#include <optional>
#include <string>
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

/// One principal, action and source.
struct AccessCell {
  std::string source;     ///< as given in `from`
  std::string principal;  ///< ARN
  std::string action;
  /// reachable: allowed over every path; unreachable: no path or denied on
  /// every path; partial: allowed over some paths; undetermined otherwise.
  Verdict verdict = Verdict::kUnreachable;
  bool no_path = false;  ///< the network reaches the service from no interface of the source
  /// The decision on the first path that reaches the service (the deciding
  /// statements); nullopt with no_path.
  std::optional<AccessAnswer> answer;
};

struct AccessMatrixReport {
  std::string to;
  std::string resource;
  std::vector<std::string> actions;
  std::vector<std::string> principals;  ///< ARNs, sorted
  std::vector<std::string> sources;
  std::vector<AccessCell> cells;        ///< source, then principal, then action order
  std::vector<std::string> assumptions;
  bool has_guarantee = false;
  std::vector<std::string> allowed;     ///< the guarantee's principals, as ARNs
  /// kUnreachable: holds (no other principal can); kReachable: violated;
  /// kUndetermined: an other principal's call is undetermined. Unset without a guarantee.
  Verdict guarantee = Verdict::kUnreachable;
  std::vector<std::size_t> violations;  ///< indexes into cells where another principal can (or may)
};

/// Traces each source to the service once and decides every principal x
/// action over the paths found.
topology::Result<AccessMatrixReport> accessMatrix(const Network& network, const AccessMatrixQuery& query);

}  // namespace vpcsim::sim

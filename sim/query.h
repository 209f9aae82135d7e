// Reachability queries: resolves user references (topology/reference.h) and traces every source.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/access.h"
#include "sim/tracer.h"
#include "topology/result.h"

namespace vpcsim::sim {

/// A `vpcsim reach` question, with references as users type them.
struct ReachQuery {
  std::string from;
  std::string to;
  std::string protocol;  ///< tcp, udp, icmp, any, or a number; empty: tcp (or what the destination implies)
  std::optional<int> port;
  std::optional<int> source_port;  ///< client's ephemeral port; default 49152
  std::optional<int> icmp_type;    ///< default 8 (echo request)
  std::optional<int> icmp_code;    ///< default 0
  std::vector<std::string> security_groups;  ///< for `subnet:` sources
  /// `--action`: also decide the API call over each path (sim/access.h).
  std::optional<AccessQuery> access;
  /// Without `access`: note endpoints with their own policy on reachable
  /// paths (off for callers that decide the calls themselves).
  bool note_endpoint_policies = true;
};

/// Answer to a ReachQuery: one result per source interface.
struct ReachReport {
  Verdict verdict = Verdict::kUnreachable;
  std::string from;
  std::string to;
  std::string traffic;  ///< "tcp/443", "icmp type 8 code 0", "any"
  std::vector<TraceResult> results;
  /// With ReachQuery::access: the call's decision per result (same order);
  /// nullopt where the path does not reach the service.
  std::vector<std::optional<AccessAnswer>> access;
  std::vector<std::string> assumptions;
};

/// Resolves the references in `query` and traces each source both ways.
/// Unknown or malformed references are an error (with a "did you mean").
topology::Result<ReachReport> reach(const Network& network, const ReachQuery& query);

/// Combines per-source verdicts: all reachable -> reachable, all unreachable
/// -> unreachable, reachable and unreachable mixed -> partial, otherwise
/// undetermined.
Verdict combineVerdicts(const std::vector<Verdict>& verdicts);

}  // namespace vpcsim::sim

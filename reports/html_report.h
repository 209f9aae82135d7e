// The self-contained HTML reports (docs/report.md): of a scenario run
// (`vpcsim run --report FILE.html`: the check x variant matrix, each
// outcome's question, verdict, reasons and hop-by-hop paths, the network
// diagram of each variant with the selected check's path drawn on it, the
// capacity projection and the endpoint policy warnings), of a reach answer
// and of verify's findings. One file, no request to any network, every
// input string escaped for its context.
#pragma once

#include <string>

#include "capacity/capacity.h"
#include "scenario/runner.h"
#include "sim/query.h"
#include "sim/verify/verify.h"
#include "topology/result.h"

namespace vpcsim::reports {

/// The report as one HTML document. Same run, same bytes. An error when
/// Graphviz cannot lay a diagram out.
topology::Result<std::string> scenarioHtml(const scenario::ScenarioRun& run);

/// `vpcsim reach --report`: each source's answer and hops, drawn on the
/// network (`network` must be the one the report was traced on).
topology::Result<std::string> reachHtml(const sim::ReachReport& report, const sim::Network& network);

/// `vpcsim verify --report`: every finding (and undetermined example) of
/// every check in a sortable, filterable table, each with its example path
/// drawn on the network.
topology::Result<std::string> verifyHtml(const std::vector<sim::VerifyReport>& reports, const sim::Network& network);

/// `vpcsim capacity --report`: the subnets in a sortable table, each with a
/// chart of its projection (percentile band, expected use, capacity line,
/// the month it runs out, the worst case with one AZ lost) and each VPC's
/// subnet plan drawn inside its CIDR block.
topology::Result<std::string> capacityHtml(const capacity::CapacityProjection& projection,
                                           const std::string& plan_file);

/// `vpcsim diff --report`: every check and flow whose verdict changes in a
/// sortable table, each with the hop where the answers part drawn on the
/// variant it belongs to.
topology::Result<std::string> diffHtml(const scenario::ScenarioDiff& diff);

/// `text` escaped for HTML text and attribute values (& < > " ').
std::string htmlEscape(std::string_view text);

}  // namespace vpcsim::reports

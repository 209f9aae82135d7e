// The self-contained HTML report of a scenario run (`vpcsim run --report
// FILE.html`; docs/report.md): the check x variant matrix, each outcome's
// question, verdict, reasons and hop-by-hop paths, the network diagram of
// each variant with the selected check's path drawn on it, the capacity
// projection and the endpoint policy warnings. One file, no request to any
// network, every input string escaped for its context.
#pragma once

#include <string>

#include "scenario/runner.h"
#include "topology/result.h"

namespace vpcsim::reports {

/// The report as one HTML document. Same run, same bytes. An error when
/// Graphviz cannot lay a diagram out.
topology::Result<std::string> scenarioHtml(const scenario::ScenarioRun& run);

/// `text` escaped for HTML text and attribute values (& < > " ').
std::string htmlEscape(std::string_view text);

}  // namespace vpcsim::reports

// Renderers for IP-capacity projections: text table, JSON and CSV.
#pragma once

#include <optional>
#include <string>

#include "capacity/capacity.h"

namespace vpcsim::reports {

/// Per subnet: a header (CIDR, capacity, current use, exhaustion month,
/// recommended prefix) and a table of months (expected, each percentile
/// analytic and simulated, headroom); then N-1 summaries, the subnet plan,
/// warnings and errors. Two decimals everywhere; deterministic.
std::string capacityText(const capacity::CapacityProjection& projection);

/// The default text view: one row per subnet (AZ, CIDR, free now, the month it runs out — also with
/// one AZ lost — and the size the subnet plan proposes), the plan's statements and the warnings.
std::string capacityOverviewText(const capacity::CapacityProjection& projection);

/// capacityText without the month-by-month tables: one line per subnet.
std::string capacitySummaryText(const capacity::CapacityProjection& projection);

/// The first month subnet `id` runs out with any one AZ lost, or nullopt.
std::optional<int> exhaustionWithAzLost(const capacity::CapacityProjection& projection, const std::string& id);
/// What the subnet plan proposes for a subnet: "/20 (keep)", "/23 new at 10.0.2.0/23", ...
std::string proposalText(const capacity::CapacityProjection& projection, const capacity::SubnetProjection& subnet);

/// The whole projection as JSON (numbers rounded to two decimals).
std::string capacityJson(const capacity::CapacityProjection& projection);

/// One row per (scenario, subnet, month): scenario is "base" or "lost:<az>".
std::string capacityCsv(const capacity::CapacityProjection& projection);

/// The whitepaper example: the paper's arithmetic, the strict per-AZ view and why they differ.
std::string whitepaperText(const capacity::WhitepaperResult& result);
/// The same as JSON: the inputs, each figure, and each prefix (null when larger than a /16).
std::string whitepaperJson(const capacity::WhitepaperResult& result);

}  // namespace vpcsim::reports

// Renderers for IP-capacity projections: text table, JSON and CSV.
#pragma once

#include <string>

#include "sim/capacity.h"

namespace vpcsim::reports {

/// Per subnet: a header (CIDR, capacity, current use, exhaustion month,
/// recommended prefix) and a table of months (expected, each percentile
/// analytic and simulated, headroom); then N-1 summaries, the subnet plan,
/// warnings and errors. Two decimals everywhere; deterministic.
std::string capacityText(const sim::CapacityProjection& projection);

/// capacityText without the month-by-month tables: one line per subnet.
std::string capacitySummaryText(const sim::CapacityProjection& projection);

/// The whole projection as JSON (numbers rounded to two decimals).
std::string capacityJson(const sim::CapacityProjection& projection);

/// One row per (scenario, subnet, month): scenario is "base" or "lost:<az>".
std::string capacityCsv(const sim::CapacityProjection& projection);

/// The whitepaper example: the paper's arithmetic, the strict per-AZ view and why they differ.
std::string whitepaperText(const sim::WhitepaperResult& result);

}  // namespace vpcsim::reports

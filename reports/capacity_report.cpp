// Renderers for IP-capacity projections: text table, JSON and CSV.
#include "reports/capacity_report.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/json_document.h"
#include "topology/safe_text.h"

namespace vpcsim::reports {
namespace {

using Json = nlohmann::ordered_json;
using topology::escapeText;

double round2(double v) { return std::round(v * 100.0) / 100.0; }

std::string monthText(const std::optional<int>& month) { return month ? fmt::format("month {}", *month) : "not within the horizon"; }

std::string prefixText(const std::optional<int>& prefix) {
  return prefix ? fmt::format("/{}", *prefix) : std::string("larger than /16 (split the load)");
}

/// A CSV field (RFC 4180): escaped (topology::escapeText()), and quoted, with
/// quotes doubled, when it holds a comma or a quote.
std::string csvField(std::string_view text) {
  std::string field = escapeText(text);
  if (field.find_first_of(",\"") == std::string::npos) return field;
  std::string quoted = "\"";
  for (char c : field) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string percentileLabel(double p) { return fmt::format("p{}", fmt::format("{:g}", p)); }

// "LOCATION: warning: MESSAGE [CODE]" (without the location when there is none).
std::string warningLine(const capacity::CapacityWarning& w) {
  return fmt::format("{}warning: {} [{}]\n", w.location.empty() ? "" : escapeText(w.location) + ": ",
                     escapeText(w.message), escapeText(w.code));
}

void subnetText(std::string& out, const capacity::SubnetProjection& s, const capacity::CapacityProjection& p, bool months) {
  out += fmt::format("{} ({}{}) {} /{}: capacity {}, in use now {} (kept baseline), peak {:.2f}, runs out: {}, "
                     "recommended {}\n",
                     escapeText(s.subnet_id), s.name.empty() ? std::string() : fmt::format("{}, ", escapeText(s.name)),
                     escapeText(s.availability_zone), escapeText(s.cidr), s.prefix,
                     s.capacity, s.current, s.peak, monthText(s.exhaustion_month), prefixText(s.recommended_prefix));
  if (!months) return;
  std::string header = fmt::format("  {:>5} {:>10}", "month", "expected");
  for (double q : p.percentiles) header += fmt::format(" {:>10}", percentileLabel(q));
  if (p.trials > 0) {
    for (double q : p.percentiles) header += fmt::format(" {:>10}", fmt::format("mc-{}", percentileLabel(q)));
    header += fmt::format(" {:>8}", "P(full)");
  }
  header += fmt::format(" {:>10}\n", "headroom");
  out += header;
  for (const auto& m : s.months) {
    std::string row = fmt::format("  {:>5} {:>10.2f}", m.month, m.expected);
    for (double v : m.analytic) row += fmt::format(" {:>10.2f}", v);
    if (p.trials > 0) {
      for (double v : m.simulated) row += fmt::format(" {:>10.2f}", v);
      row += fmt::format(" {:>8.4f}", m.p_exhausted);
    }
    row += fmt::format(" {:>10.2f}\n", m.headroom);
    out += row;
  }
}

Json subnetJson(const capacity::SubnetProjection& s) {
  Json j;
  j["subnet"] = s.subnet_id;
  j["name"] = s.name;
  j["availability_zone"] = s.availability_zone;
  j["cidr"] = s.cidr;
  if (!s.ipv6_cidr.empty()) j["ipv6_cidr"] = s.ipv6_cidr;
  j["capacity"] = s.capacity;
  j["current"] = s.current;
  j["peak"] = round2(s.peak);
  j["exhaustion_month"] = s.exhaustion_month ? Json(*s.exhaustion_month) : Json(nullptr);
  j["expected_exhaustion_month"] = s.expected_exhaustion_month ? Json(*s.expected_exhaustion_month) : Json(nullptr);
  j["recommended_prefix"] = s.recommended_prefix ? Json(*s.recommended_prefix) : Json(nullptr);
  Json months = Json::array();
  for (const auto& m : s.months) {
    Json row;
    row["month"] = m.month;
    row["expected"] = round2(m.expected);
    Json a = Json::array();
    for (double v : m.analytic) a.push_back(round2(v));
    row["analytic"] = a;
    Json mc = Json::array();
    for (double v : m.simulated) mc.push_back(round2(v));
    row["simulated"] = mc;
    row["simulated_mean"] = round2(m.simulated_mean);
    row["p_exhausted"] = std::round(m.p_exhausted * 10000.0) / 10000.0;
    row["headroom"] = round2(m.headroom);
    months.push_back(row);
  }
  j["months"] = months;
  return j;
}

std::string projectionText(const capacity::CapacityProjection& p, bool months) {
  std::string out = fmt::format("capacity projection: {} months, percentiles", p.horizon_months);
  for (double q : p.percentiles) out += fmt::format(" {}", percentileLabel(q));
  out += fmt::format(", placement {}, ", escapeText(p.placement));
  out += p.trials > 0 ? fmt::format("{} Monte Carlo trials (seed {})\n", p.trials, p.seed) : "analytic only\n";
  for (const auto& e : p.errors) out += e.str() + "\n";
  for (const auto& s : p.subnets) {
    out += "\n";
    subnetText(out, s, p, months);
  }
  for (const auto& fc : p.n_minus_one) {
    out += fmt::format("\nN-1: {} lost, its load moved to the remaining subnets\n", escapeText(fc.lost_az));
    for (const auto& s : fc.subnets) {
      out += "  ";
      subnetText(out, s, p, false);
    }
  }
  for (const auto& plan : p.subnet_plans) {
    out += fmt::format("\nsubnet plan for {} (", escapeText(plan.vpc_id));
    for (std::size_t i = 0; i < plan.vpc_cidrs.size(); ++i) {
      out += fmt::format("{}{}", i ? ", " : "", escapeText(plan.vpc_cidrs[i]));
    }
    out += fmt::format("): {}\n", escapeText(plan.statement));
    for (const auto& s : plan.subnets)
      out += s.prefix == 0
                 ? fmt::format("  {:<28} {:<12} {}\n", escapeText(s.subnet_id), escapeText(s.availability_zone),
                               prefixText(std::nullopt))
                 : fmt::format("  {:<28} {:<12} /{:<3} {}\n", escapeText(s.subnet_id),
                               escapeText(s.availability_zone), s.prefix,
                               s.cidr.empty() ? "(needs the secondary block)"
                               : s.is_new     ? escapeText(s.cidr) + " (new subnet)"
                                              : escapeText(s.cidr));
  }
  if (!p.warnings.empty()) out += "\n";
  for (const auto& w : p.warnings) out += warningLine(w);
  return out;
}

}  // namespace

// The first month subnet `id` runs out in any N-1 case, or nullopt.
std::optional<int> exhaustionWithAzLost(const capacity::CapacityProjection& p, const std::string& id) {
  std::optional<int> first;
  for (const auto& fc : p.n_minus_one)
    for (const auto& s : fc.subnets)
      if (s.subnet_id == id && s.exhaustion_month && (!first || *s.exhaustion_month < *first)) first = s.exhaustion_month;
  return first;
}

// What the subnet plan proposes for subnet `id`: "/20 (keep)", "/23 new at 10.0.2.0/23", ...
std::string proposalText(const capacity::CapacityProjection& p, const capacity::SubnetProjection& s) {
  for (const auto& plan : p.subnet_plans)
    for (const auto& planned : plan.subnets) {
      if (planned.subnet_id != s.subnet_id) continue;
      if (planned.prefix == 0) return prefixText(std::nullopt);
      if (!planned.is_new) return fmt::format("/{} (keep)", planned.prefix);
      if (planned.cidr.empty()) return fmt::format("/{} (needs a secondary CIDR block)", planned.prefix);
      return fmt::format("/{} new at {}", planned.prefix, escapeText(planned.cidr));
    }
  return prefixText(s.recommended_prefix);
}

std::string capacityOverviewText(const capacity::CapacityProjection& p) {
  std::string out = fmt::format("capacity projection: {} months, percentiles", p.horizon_months);
  for (double q : p.percentiles) out += fmt::format(" {}", percentileLabel(q));
  out += fmt::format(", placement {}, ", p.placement);
  out += p.trials > 0 ? fmt::format("{} Monte Carlo trials (seed {})\n", p.trials, p.seed) : "analytic only\n";
  for (const auto& e : p.errors) out += e.str() + "\n";
  const std::string never = fmt::format("not within {} months", p.horizon_months);
  auto when = [&](const std::optional<int>& month) { return month ? fmt::format("month {}", *month) : never; };
  const bool lost = !p.n_minus_one.empty();
  out += fmt::format("\n{:<28} {:<12} {:<18} {:>8}  {:<22} {}{}\n", "subnet", "AZ", "CIDR", "free now", "runs out",
                     lost ? fmt::format("{:<22} ", "runs out, one AZ lost") : "", "proposed");
  for (const auto& s : p.subnets) {
    const double free_now = s.months.empty() ? static_cast<double>(s.capacity) : s.months[0].headroom;
    out += fmt::format("{:<28} {:<12} {:<18} {:>8.0f}  {:<22} {}{}\n", escapeText(s.subnet_id), escapeText(s.availability_zone), escapeText(s.cidr),
                       std::floor(free_now), when(s.exhaustion_month),
                       lost ? fmt::format("{:<22} ", when(exhaustionWithAzLost(p, s.subnet_id))) : "",
                       proposalText(p, s));
  }
  std::vector<std::string> dual_stack;
  for (const auto& s : p.subnets) {
    if (!s.ipv6_cidr.empty()) dual_stack.push_back(s.subnet_id);
  }
  // "a, b" and whether one or more subnets are meant.
  auto listed = [](const std::vector<std::string>& ids) {
    std::string text;
    for (const auto& id : ids) text += (text.empty() ? "" : ", ") + escapeText(id);
    return text;
  };
  if (!dual_stack.empty()) {
    out += fmt::format("\nIPv6: {} also {} an IPv6 /64 (2^64 addresses), which these workloads never run out of; "
                       "the IPv4 blocks above and the ENI quotas still limit {} (a new subnet proposed for one needs "
                       "a /64 of its VPC's IPv6 block too)\n",
                       listed(dual_stack), dual_stack.size() == 1 ? "holds" : "hold",
                       dual_stack.size() == 1 ? "it" : "them");
  }
  if (!p.ipv6_only_subnets.empty()) {
    const bool one = p.ipv6_only_subnets.size() == 1;
    out += fmt::format("\nIPv6-only: {} {} no IPv4 addresses to run out of and an IPv6 /64{}: not projected; the "
                       "ENI quotas size {}\n",
                       listed(p.ipv6_only_subnets), one ? "has" : "have", one ? "" : " each", one ? "it" : "them");
  }
  for (const auto& plan : p.subnet_plans) out += fmt::format("\nsubnet plan for {}: {}\n", plan.vpc_id, plan.statement);
  if (!p.warnings.empty()) out += "\n";
  for (const auto& w : p.warnings) out += warningLine(w);
  out += "\n(free now and runs out use the highest percentile; --detail prints every month, --output json or csv "
         "every figure)\n";
  return out;
}

std::string capacityText(const capacity::CapacityProjection& p) { return projectionText(p, true); }

std::string capacitySummaryText(const capacity::CapacityProjection& p) { return projectionText(p, false); }

std::string capacityJson(const capacity::CapacityProjection& p) {
  Json j;
  j["horizon_months"] = p.horizon_months;
  j["percentiles"] = p.percentiles;
  j["trials"] = p.trials;
  j["seed"] = p.seed;
  j["placement"] = p.placement;
  Json current = Json::array();
  for (const auto& c : p.current) {
    Json row;
    row["subnet"] = c.subnet_id;
    row["total"] = c.total;
    Json kinds = Json::object();
    for (const auto& [k, v] : c.by_kind) kinds[k] = v;
    row["by_kind"] = kinds;
    current.push_back(row);
  }
  j["current"] = current;
  Json subnets = Json::array();
  for (const auto& s : p.subnets) subnets.push_back(subnetJson(s));
  j["subnets"] = subnets;
  if (!p.ipv6_only_subnets.empty()) j["ipv6_only_subnets"] = p.ipv6_only_subnets;
  Json failures = Json::array();
  for (const auto& fc : p.n_minus_one) {
    Json f;
    f["lost_az"] = fc.lost_az;
    Json list = Json::array();
    for (const auto& s : fc.subnets) list.push_back(subnetJson(s));
    f["subnets"] = list;
    failures.push_back(f);
  }
  j["n_minus_one"] = failures;
  Json plans = Json::array();
  for (const auto& plan : p.subnet_plans) {
    Json pj;
    pj["vpc"] = plan.vpc_id;
    pj["vpc_cidrs"] = plan.vpc_cidrs;
    pj["fits"] = plan.fits;
    pj["secondary_cidr_prefix"] = plan.secondary_cidr_prefix ? Json(*plan.secondary_cidr_prefix) : Json(nullptr);
    pj["statement"] = plan.statement;
    Json list = Json::array();
    for (const auto& s : plan.subnets)
      list.push_back(Json{{"subnet", s.subnet_id}, {"availability_zone", s.availability_zone}, {"prefix", s.prefix},
                          {"cidr", s.cidr}, {"new", s.is_new}});
    pj["subnets"] = list;
    plans.push_back(pj);
  }
  j["subnet_plans"] = plans;
  Json warnings = Json::array();
  for (const auto& w : p.warnings)
    warnings.push_back(Json{{"code", w.code}, {"message", w.message}, {"location", w.location}});
  j["warnings"] = warnings;
  Json errors = Json::array();
  for (const auto& e : p.errors) errors.push_back(e.str());
  j["errors"] = errors;
  return jsonDocument(j);
}

std::string capacityCsv(const capacity::CapacityProjection& p) {
  std::string out = "scenario,subnet,availability_zone,cidr,capacity,month,expected";
  for (double q : p.percentiles) out += fmt::format(",{}", percentileLabel(q));
  for (double q : p.percentiles) out += fmt::format(",mc_{}", percentileLabel(q));
  out += ",p_exhausted,headroom\n";
  auto rows = [&](const std::string& scenario, const std::vector<capacity::SubnetProjection>& subnets) {
    for (const auto& s : subnets)
      for (const auto& m : s.months) {
        out += fmt::format("{},{},{},{},{},{},{:.2f}", csvField(scenario), csvField(s.subnet_id),
                           csvField(s.availability_zone), csvField(s.cidr), s.capacity, m.month, m.expected);
        for (std::size_t i = 0; i < p.percentiles.size(); ++i)
          out += fmt::format(",{:.2f}", i < m.analytic.size() ? m.analytic[i] : 0.0);
        for (std::size_t i = 0; i < p.percentiles.size(); ++i)
          out += i < m.simulated.size() ? fmt::format(",{:.2f}", m.simulated[i]) : std::string(",");
        out += fmt::format(",{:.4f},{:.2f}\n", m.p_exhausted, m.headroom);
      }
  };
  rows("base", p.subnets);
  for (const auto& fc : p.n_minus_one) rows(fmt::format("lost:{}", fc.lost_az), fc.subnets);
  return out;
}

std::string whitepaperText(const capacity::WhitepaperResult& r) {
  const auto& in = r.inputs;
  std::string out;
  out += fmt::format("inputs: {} users, {} AZs, {} interface endpoints per AZ, {}, {} KernelGateway instance(s) and {} "
                     "non-EFA training instance(s) per user\n",
                     in.users, in.azs, in.interface_endpoints, in.efs ? "EFS" : "no EFS", in.kernel_gateway_instances,
                     in.training_instances);
  out += fmt::format("domain-level addresses: {}\n", r.domain_level);
  out += fmt::format("user-level addresses: {}\n", r.user_level);
  out += fmt::format("one user in total: {}\n", r.one_user_total);
  out += fmt::format("paper's arithmetic: {} -> {}\n", r.paper_total, prefixText(r.paper_prefix));
  out += fmt::format("whole VPC: {}\n", r.vpc_total);
  out += fmt::format("strict per AZ, users spread: {} per subnet -> {}\n", r.per_az_balanced,
                     prefixText(r.per_az_balanced_prefix));
  out += fmt::format("strict per AZ, one AZ lost: {} per subnet -> {}\n", r.per_az_n_minus_one,
                     prefixText(r.per_az_n_minus_one_prefix));
  out += fmt::format("why they differ: {}\n", r.explanation);
  return out;
}

std::string whitepaperJson(const capacity::WhitepaperResult& r) {
  const auto& in = r.inputs;
  auto prefix = [](const std::optional<int>& p) { return p ? Json(*p) : Json(nullptr); };
  Json j;
  j["inputs"] = Json{{"users", in.users},
                     {"azs", in.azs},
                     {"interface_endpoints_per_az", in.interface_endpoints},
                     {"efs", in.efs},
                     {"kernel_gateway_instances_per_user", in.kernel_gateway_instances},
                     {"training_instances_per_user", in.training_instances}};
  j["domain_level"] = r.domain_level;
  j["domain_level_per_az"] = r.per_az_domain;
  j["user_level"] = r.user_level;
  j["one_user_total"] = r.one_user_total;
  j["paper"] = Json{{"addresses_per_subnet", r.paper_total}, {"prefix", prefix(r.paper_prefix)}};
  j["vpc_total"] = r.vpc_total;
  j["per_az_spread"] = Json{{"addresses_per_subnet", r.per_az_balanced}, {"prefix", prefix(r.per_az_balanced_prefix)}};
  j["per_az_one_az_lost"] =
      Json{{"addresses_per_subnet", r.per_az_n_minus_one}, {"prefix", prefix(r.per_az_n_minus_one_prefix)}};
  j["explanation"] = r.explanation;
  return j.dump(2) + "\n";
}

}  // namespace vpcsim::reports

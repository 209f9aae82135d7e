// Parser for the capacity growth-plan YAML and its history CSV files.
#include "formats/plan_file.h"

#include "topology/suggest.h"
#include "formats/input_file.h"
#include "formats/number_text.h"
#include "formats/yaml_document.h"
#include "formats/yaml_fields.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <tuple>

#include <fmt/format.h>

namespace vpcsim::formats {

using namespace vpcsim::topology;  // the model this format fills

namespace {

// The plan's wording: "bad-type" for shapes, keys read as text, duplicates not checked.
constexpr YamlDialect kPlanDialect{.shape_code = "bad-type", .plain_keys = false, .duplicate_keys = false};

class PlanParser {
 public:
  PlanParser(std::string file, std::filesystem::path base_dir)
      : yaml_(std::move(file), kPlanDialect), base_dir_(std::move(base_dir)) {}

  void run(const YAML::Node& root, CapacityPlan& plan);
  /// Appends the errors found so far to `out`, in the order found; false when there were any.
  bool report(std::vector<Diagnostic>& out) {
    bool ok = yaml_.ok();
    yaml_.moveErrorsTo(out, ErrorOrder::kAsReported);
    return ok;
  }

 private:
  // Checks that `node` is a map whose keys are all in `allowed`.
  bool checkKeys(const YAML::Node& node, std::string_view what, const std::vector<std::string_view>& allowed) {
    auto f = yaml_.fields(node, what, allowed);
    return f && f->all_known;
  }
  std::optional<double> number(const YAML::Node& node, std::string_view what, double min, double max) {
    if (!node.IsScalar()) {
      yaml_.error(node, "bad-type", fmt::format("{} must be a number", what));
      return std::nullopt;
    }
    const std::string& text = node.Scalar();
    double value = 0;
    switch (parseDecimal(text, min, max, value)) {
      case NumberStatus::kOk: return value;
      case NumberStatus::kNotANumber:
        yaml_.error(node, "bad-number", fmt::format("{}: '{}' is not a number", what, shortened(text)));
        return std::nullopt;
      case NumberStatus::kOutOfRange: break;
    }
    yaml_.error(node, "out-of-range", fmt::format("{} {} is out of range ({}-{})", what, shortened(text), min, max));
    return std::nullopt;
  }
  std::optional<bool> flag(const YAML::Node& node, std::string_view what) {
    if (node.IsScalar()) {
      const std::string& s = node.Scalar();
      if (s == "true" || s == "yes") return true;
      if (s == "false" || s == "no") return false;
    }
    yaml_.error(node, "bad-type", fmt::format("{} must be true or false", what));
    return std::nullopt;
  }
  std::optional<std::string> text(const YAML::Node& node, std::string_view what) {
    if (!node.IsScalar()) {
      yaml_.error(node, "bad-type", fmt::format("{} must be text", what));
      return std::nullopt;
    }
    return node.Scalar();
  }
  std::vector<std::string> textList(const YAML::Node& node, std::string_view what) {
    std::vector<std::string> out;
    if (!node.IsSequence()) {
      yaml_.error(node, "bad-type", fmt::format("{} must be a list", what));
      return out;
    }
    for (const auto& item : node)
      if (auto value = text(item, what)) out.push_back(*value);
    return out;
  }

  Series series(const YAML::Node& node, std::string_view what, double min, double max);
  void rules(const YAML::Node& node, ConsumptionRules& rules);
  void consumer(const YAML::Node& node, CapacityPlan& plan);
  void job(const YAML::Node& node, CapacityPlan& plan);

  YamlReader yaml_;
  std::filesystem::path base_dir_;
};

Series PlanParser::series(const YAML::Node& node, std::string_view what, double min, double max) {
  Series out;
  if (node.IsScalar()) {
    if (auto v = number(node, what, min, max)) out.start = *v;
    return out;
  }
  if (!checkKeys(node, what,
                 {"constant", "start", "per_month", "monthly_growth", "yearly_growth", "steps", "history", "fit"}))
    return out;
  auto get = [&](const char* key) { return node[key]; };
  if (get("constant")) {
    if (auto v = number(get("constant"), what, min, max)) out.start = *v;
    return out;
  }
  if (get("steps")) {
    out.kind = SeriesKind::kSteps;
    const YAML::Node steps = get("steps");
    if (!steps.IsSequence() || steps.size() == 0) {
      yaml_.error(steps, "bad-type", fmt::format("{} steps must be a non-empty list of {{month, value}}", what));
      return out;
    }
    for (const auto& step : steps) {
      if (!checkKeys(step, "a step", {"month", "value"})) continue;
      if (!step["month"] || !step["value"]) {
        yaml_.error(step, "missing-key", "a step needs 'month' and 'value'");
        continue;
      }
      auto month = number(step["month"], "step month", 0, 1200);
      auto value = number(step["value"], what, min, max);
      if (month && value) out.steps.emplace_back(static_cast<int>(*month), *value);
    }
    std::sort(out.steps.begin(), out.steps.end());
    return out;
  }
  if (get("history")) {
    out.kind = SeriesKind::kFitted;
    if (get("fit")) {
      auto model = text(get("fit"), "fit");
      if (model && *model == "linear") out.fit = FitModel::kLinear;
      else if (model && *model == "compound") out.fit = FitModel::kCompound;
      else if (model)
        yaml_.error(get("fit"), "bad-value",
                    fmt::format("unknown fit '{}' (expected linear or compound){}", *model,
                                didYouMean(*model, std::vector<std::string_view>{"linear", "compound"})));
    }
    auto name = text(get("history"), "history");
    if (!name) return out;
    std::filesystem::path path = base_dir_ / *name;
    auto csv = readInputFile(path);
    if (!csv) {
      yaml_.error(get("history"), "no-file",
                  fmt::format("cannot read history file '{}': {}", path.string(), csv.error()));
      return out;
    }
    auto rows = parseHistoryCsv(csv.value(), path.string());
    if (!rows) {
      yaml_.add(rows.diagnostic());
      return out;
    }
    out.history = rows.value();
    if (out.history.size() < 2)
      yaml_.error(get("history"), "short-history", fmt::format("history '{}' needs at least 2 rows to fit", *name));
    if (out.fit == FitModel::kCompound)
      for (const auto& [month, count] : out.history)
        if (count <= 0) {
          yaml_.error(get("history"), "bad-history", "a compound fit needs every count above 0");
          break;
        }
    return out;
  }
  if (!get("start")) {
    yaml_.error(node, "missing-key", fmt::format("{} needs 'constant', 'start', 'steps' or 'history'", what));
    return out;
  }
  if (auto v = number(get("start"), what, min, max)) out.start = *v;
  const char* growth = get("monthly_growth") ? "monthly_growth" : "yearly_growth";
  if (get("per_month") && get(growth)) {
    yaml_.error(get(growth), "conflict", fmt::format("{} has both 'per_month' and '{}'", what, growth));
  } else if (get("per_month")) {
    out.kind = SeriesKind::kLinear;
    if (auto v = number(get("per_month"), "per_month", -1e9, 1e9)) out.per_month = *v;
  } else if (get("monthly_growth") || get("yearly_growth")) {
    // Ranges (docs/capacity.md): -100 % to +1,000 % a month, -100 % to +100,000 % a year; values
    // saturate at 10^12 (capacity::kMaxSeriesValue), so steep growth stays finite.
    out.kind = SeriesKind::kCompound;
    if (get("monthly_growth"))
      if (auto v = number(get("monthly_growth"), "monthly_growth", -1, 10)) out.monthly_growth = *v;
    if (get("yearly_growth"))
      if (auto v = number(get("yearly_growth"), "yearly_growth", -1, 1000)) out.yearly_growth = *v;
  }
  return out;
}

void PlanParser::rules(const YAML::Node& node, ConsumptionRules& r) {
  const std::vector<std::pair<std::string_view, double*>> fields = {
      {"reserved_per_subnet", &r.reserved_per_subnet}, {"jupyter_server", &r.jupyter_server},
      {"kernel_gateway", &r.kernel_gateway},           {"space", &r.space},
      {"efs_mount_target", &r.efs_mount_target},       {"interface_endpoint", &r.interface_endpoint},
      {"gateway_endpoint", &r.gateway_endpoint},       {"nat_gateway", &r.nat_gateway},
      {"notebook_instance", &r.notebook_instance},     {"lambda", &r.lambda},
      {"alb", &r.alb},                                 {"nlb", &r.nlb},
      {"ecs_task", &r.ecs_task},                       {"job_instance", &r.job_instance},
      {"efa_instance", &r.efa_instance},               {"endpoint_instance", &r.endpoint_instance},
      {"endpoint_efa_instance", &r.endpoint_efa_instance}, {"blue_green_factor", &r.blue_green_factor}};
  std::vector<std::string_view> names;
  for (const auto& f : fields) names.push_back(f.first);
  if (!checkKeys(node, "rules", names)) return;
  for (const auto& [name, target] : fields)
    if (node[std::string(name)])
      if (auto v = number(node[std::string(name)], name, 0, 100000)) *target = *v;
}

void PlanParser::consumer(const YAML::Node& node, CapacityPlan& plan) {
  if (!checkKeys(node, "a consumer",
                 {"kind", "name", "count", "addresses", "placement", "subnet", "secondary_addresses", "efa",
                  "blue_green", "instance_type"}))
    return;
  Consumer c;
  c.location = yaml_.loc(node);
  if (!node["kind"]) {
    yaml_.error(node, "missing-key", "a consumer needs 'kind'");
    return;
  }
  auto kind = text(node["kind"], "kind");
  if (!kind) return;
  const auto& names = consumerKindNames();
  auto it = std::find(names.begin(), names.end(), *kind);
  if (it == names.end()) {
    yaml_.error(node["kind"], "unknown-kind",
                fmt::format("unknown consumer kind '{}'{}", *kind, didYouMean(*kind, names)));
    return;
  }
  c.kind = static_cast<ConsumerKind>(it - names.begin());
  c.name = node["name"] ? text(node["name"], "name").value_or(*kind) : *kind;
  if (node["count"]) c.count = series(node["count"], "count", 0, 1e9);
  if (node["addresses"]) c.addresses = number(node["addresses"], "addresses", 0, 100000);
  if (node["placement"]) {
    auto p = text(node["placement"], "placement");
    if (p == "spread") c.placement = Placement::kSpread;
    else if (p == "per_az") c.placement = Placement::kPerAz;
    else if (p == "subnet") c.placement = Placement::kSubnet;
    else if (p)
      yaml_.error(node["placement"], "bad-value",
                  fmt::format("unknown placement '{}' (expected spread, per_az or subnet){}", *p,
                              didYouMean(*p, std::vector<std::string_view>{"spread", "per_az", "subnet"})));
  }
  if (node["subnet"]) {
    c.subnet = text(node["subnet"], "subnet").value_or("");
    if (c.placement == Placement::kDefault) c.placement = Placement::kSubnet;
  }
  if (c.placement == Placement::kSubnet && c.subnet.empty())
    yaml_.error(node, "missing-key", "placement 'subnet' needs 'subnet'");
  if (c.kind == ConsumerKind::kNatGateway && c.subnet.empty())
    yaml_.error(node, "missing-key", "a nat_gateway consumer needs 'subnet'");
  if (node["secondary_addresses"])
    c.secondary_addresses = static_cast<int>(number(node["secondary_addresses"], "secondary_addresses", 0, 7).value_or(0));
  if (node["efa"]) c.efa = flag(node["efa"], "efa").value_or(false);
  if (node["blue_green"]) c.blue_green = flag(node["blue_green"], "blue_green").value_or(false);
  if (node["instance_type"]) c.instance_type = text(node["instance_type"], "instance_type").value_or("");
  if (c.kind == ConsumerKind::kCustom && !c.addresses)
    yaml_.error(node, "missing-key", "a custom consumer needs 'addresses'");
  plan.consumers.push_back(std::move(c));
}

void PlanParser::job(const YAML::Node& node, CapacityPlan& plan) {
  if (!checkKeys(node, "a job",
                 {"name", "kind", "arrivals_per_day", "duration_hours", "duration_distribution", "instances_per_job",
                  "efa_share", "instance_type", "addresses_per_instance", "business_hours", "burst", "subnets"}))
    return;
  JobClass j;
  j.location = yaml_.loc(node);
  j.name = node["name"] ? text(node["name"], "name").value_or("") : fmt::format("jobs-{}", plan.jobs.size() + 1);
  if (node["kind"]) {
    j.kind = text(node["kind"], "kind").value_or("training");
    const std::vector<std::string_view> kinds = {"training", "processing", "transform"};
    if (std::find(kinds.begin(), kinds.end(), j.kind) == kinds.end())
      yaml_.error(node["kind"], "unknown-kind",
                  fmt::format("unknown job kind '{}'{}", j.kind, didYouMean(j.kind, kinds)));
  }
  if (!node["arrivals_per_day"])
    yaml_.error(node, "missing-key", "a job needs 'arrivals_per_day'");
  else j.arrivals_per_day = series(node["arrivals_per_day"], "arrivals_per_day", 0, 1e7);
  if (node["duration_hours"]) j.duration_hours = series(node["duration_hours"], "duration_hours", 0, 1e5);
  if (node["duration_distribution"]) {
    auto d = text(node["duration_distribution"], "duration_distribution");
    if (d == "exponential") j.distribution = DurationDistribution::kExponential;
    else if (d == "fixed") j.distribution = DurationDistribution::kFixed;
    else if (d)
      yaml_.error(node["duration_distribution"], "bad-value",
                  fmt::format("unknown duration_distribution '{}' (expected exponential or fixed){}", *d,
                              didYouMean(*d, std::vector<std::string_view>{"exponential", "fixed"})));
  }
  if (node["instances_per_job"]) j.instances_per_job = series(node["instances_per_job"], "instances_per_job", 1, 10000);
  if (node["efa_share"]) j.efa_share = series(node["efa_share"], "efa_share", 0, 1);
  if (node["instance_type"]) j.instance_type = text(node["instance_type"], "instance_type").value_or("");
  if (node["addresses_per_instance"])
    j.addresses_per_instance = number(node["addresses_per_instance"], "addresses_per_instance", 0, 10000);
  if (node["business_hours"]) j.business_hours = flag(node["business_hours"], "business_hours").value_or(false);
  if (node["burst"]) {
    const YAML::Node b = node["burst"];
    if (checkKeys(b, "burst", {"probability", "multiplier"})) {
      if (b["probability"]) j.burst_probability = number(b["probability"], "burst probability", 0, 1).value_or(0);
      if (b["multiplier"]) j.burst_multiplier = number(b["multiplier"], "burst multiplier", 1, 1000).value_or(1);
    }
  }
  if (node["subnets"]) j.subnets = textList(node["subnets"], "subnets");
  plan.jobs.push_back(std::move(j));
}

void PlanParser::run(const YAML::Node& root, CapacityPlan& plan) {
  if (root.IsNull()) return;
  if (!checkKeys(root, "the plan",
                 {"horizon_months", "percentiles", "placement", "seed", "trials", "n_minus_one", "subnets",
                  "az_count", "keep_snapshot_baseline", "rules", "instance_types", "quotas", "consumers", "jobs"}))
    return;
  if (root["horizon_months"])
    plan.horizon_months = static_cast<int>(number(root["horizon_months"], "horizon_months", 0, 240).value_or(36));
  if (root["percentiles"]) {
    plan.percentiles.clear();
    if (!root["percentiles"].IsSequence())
      yaml_.error(root["percentiles"], "bad-type", "percentiles must be a list");
    else
      for (const auto& p : root["percentiles"])
        if (auto v = number(p, "percentile", 1, 99.99)) plan.percentiles.push_back(*v);
    std::sort(plan.percentiles.begin(), plan.percentiles.end());
  }
  if (root["placement"]) {
    auto p = text(root["placement"], "placement");
    const std::vector<std::string_view> names = {"random", "round_robin", "most_free", "first_fit"};
    auto it = p ? std::find(names.begin(), names.end(), *p) : names.end();
    if (it != names.end()) plan.placement = static_cast<PlacementPolicy>(it - names.begin());
    else if (p)
      yaml_.error(root["placement"], "bad-value",
                  fmt::format("unknown placement policy '{}'{}", *p, didYouMean(*p, names)));
  }
  if (root["seed"]) plan.seed = static_cast<uint64_t>(number(root["seed"], "seed", 0, 9e15).value_or(42));
  if (root["trials"]) plan.trials = static_cast<int>(number(root["trials"], "trials", 0, 10000000).value_or(1000));
  if (root["n_minus_one"]) plan.n_minus_one = flag(root["n_minus_one"], "n_minus_one").value_or(true);
  if (root["keep_snapshot_baseline"])
    plan.keep_snapshot_baseline = flag(root["keep_snapshot_baseline"], "keep_snapshot_baseline").value_or(true);
  if (root["subnets"]) plan.subnets = textList(root["subnets"], "subnets");
  if (root["az_count"]) plan.az_count = series(root["az_count"], "az_count", 1, 64);
  if (root["rules"]) rules(root["rules"], plan.rules);
  if (root["instance_types"]) {
    const YAML::Node types = root["instance_types"];
    if (!types.IsMap())
      yaml_.error(types, "bad-type", "instance_types must be a mapping of type to {addresses, efa_addresses}");
    else
      for (const auto& entry : types) {
        InstanceTypeRule rule;
        if (checkKeys(entry.second, "an instance type", {"addresses", "efa_addresses"})) {
          if (entry.second["addresses"]) rule.addresses = number(entry.second["addresses"], "addresses", 0, 10000);
          if (entry.second["efa_addresses"])
            rule.efa_addresses = number(entry.second["efa_addresses"], "efa_addresses", 0, 10000);
        }
        plan.instance_types[entry.first.as<std::string>()] = rule;
      }
  }
  if (root["quotas"]) {
    const YAML::Node q = root["quotas"];
    if (checkKeys(q, "quotas", {"enis_per_region", "lambda_enis_per_vpc", "cidr_blocks_per_vpc"})) {
      if (q["enis_per_region"])
        plan.quotas.enis_per_region = static_cast<int>(number(q["enis_per_region"], "enis_per_region", 1, 1e7).value_or(5000));
      if (q["lambda_enis_per_vpc"])
        plan.quotas.lambda_enis_per_vpc =
            static_cast<int>(number(q["lambda_enis_per_vpc"], "lambda_enis_per_vpc", 1, 1e7).value_or(500));
      if (q["cidr_blocks_per_vpc"])
        plan.quotas.cidr_blocks_per_vpc =
            static_cast<int>(number(q["cidr_blocks_per_vpc"], "cidr_blocks_per_vpc", 1, 50).value_or(5));
    }
  }
  if (root["consumers"]) {
    if (!root["consumers"].IsSequence())
      yaml_.error(root["consumers"], "bad-type", "consumers must be a list");
    else
      for (const auto& c : root["consumers"]) consumer(c, plan);
  }
  if (root["jobs"]) {
    if (!root["jobs"].IsSequence())
      yaml_.error(root["jobs"], "bad-type", "jobs must be a list");
    else
      for (const auto& j : root["jobs"]) job(j, plan);
  }
}

/// "nan", "inf" or "infinity" in any case, with an optional sign: not a
/// number, and not a header either.
bool spellsNonFinite(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  std::string lower;
  for (char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower == "nan" || lower == "inf" || lower == "infinity";
}

}  // namespace

Result<std::vector<std::pair<double, double>>> parseHistoryCsv(std::string_view text, const std::string& file) {
  std::vector<std::pair<double, double>> rows;
  int line_number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    std::size_t column = 1;  // of the first byte of `line` after trimming
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') {
      line.remove_prefix(1);
      ++column;
    }
    if (line.empty() || line.front() == '#') continue;
    auto at = [&](std::size_t offset) { return fmt::format("{}:{}:{}", file, line_number, column + offset); };
    std::size_t comma = line.find(',');
    if (comma == std::string_view::npos) {
      return Diagnostic{"bad-history", "expected 'month,count' (two numbers and a comma)", at(0)};
    }
    struct Cell {
      std::string_view text;
      std::size_t offset;  // from the start of `line`
    };
    auto cell = [&](std::size_t from, std::size_t to) {
      Cell c{line.substr(from, to - from), from};
      while (!c.text.empty() && c.text.front() == ' ') {
        c.text.remove_prefix(1);
        ++c.offset;
      }
      while (!c.text.empty() && c.text.back() == ' ') c.text.remove_suffix(1);
      return c;
    };
    Cell month_cell = cell(0, comma);
    Cell count_cell = cell(comma + 1, line.size());
    double month = 0;
    double count = 0;
    NumberStatus month_status = parseDecimal(month_cell.text, month);
    NumberStatus count_status = parseDecimal(count_cell.text, count);
    if (rows.empty() && month_status == NumberStatus::kNotANumber && !spellsNonFinite(month_cell.text))
      continue;  // a header row
    for (const auto& [status, c, what] : {std::tuple{month_status, month_cell, "month"},
                                          std::tuple{count_status, count_cell, "count"}}) {
      if (status == NumberStatus::kNotANumber)
        return Diagnostic{"bad-history", fmt::format("the {} is not a number (expected 'month,count')", what),
                          at(c.offset)};
      if (status == NumberStatus::kOutOfRange)
        return Diagnostic{"bad-history", fmt::format("the {} is out of range", what), at(c.offset)};
    }
    rows.emplace_back(month, count);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

bool parseCapacityPlan(std::string_view text, const std::string& file, const std::filesystem::path& base_dir,
                       CapacityPlan& plan, std::vector<Diagnostic>& errors) {
  plan.file = file;
  YAML::Node root;
  auto at = [&](const YAML::Mark& mark) { return fmt::format("{}:{}:{}", file, mark.line + 1, mark.column + 1); };
  if (YamlLoadError problem; !loadYaml(std::string(text), root, problem)) {
    errors.push_back(Diagnostic{problem.code, problem.message, at(problem.mark)});
    return false;
  }
  PlanParser parser(file, base_dir);
  try {
    parser.run(root, plan);
  } catch (const YAML::BadConversion& e) {
    // A key read as text (instance_types) that is a list or a mapping.
    parser.report(errors);
    errors.push_back(Diagnostic{"bad-type", "expected a single value here, not a list or a mapping", at(e.mark)});
    return false;
  } catch (const YAML::Exception& e) {
    parser.report(errors);
    errors.push_back(Diagnostic{"yaml", e.msg, at(e.mark)});
    return false;
  }
  return parser.report(errors);
}

bool loadCapacityPlan(const std::filesystem::path& file, CapacityPlan& plan, std::vector<Diagnostic>& errors) {
  auto text = readInputFile(file);
  if (!text) {
    errors.push_back(text.diagnostic());
    return false;
  }
  return parseCapacityPlan(text.value(), file.string(), file.parent_path(), plan, errors);
}

}  // namespace vpcsim::formats

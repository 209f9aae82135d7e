// Scenario runner: checks per variant, and the flow-by-flow diff of two variants.
#include "scenario/runner.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <type_traits>

#include <fmt/format.h>

#include "formats/plan_file.h"
#include "formats/scope_file.h"
#include "sim/services.h"
#include "topology/reference.h"

namespace vpcsim::scenario {

using namespace vpcsim::sim;       // the engines a scenario runs
using namespace vpcsim::capacity;  // and the projection

using topology::Diagnostic;
using topology::Topology;

namespace {

std::shared_ptr<VariantNetwork> build(const Scenario& scenario, const std::string& variant,
                                      std::vector<Diagnostic>& errors) {
  auto built = std::make_shared<VariantNetwork>();
  if (!buildVariantTopology(scenario, variant, built->topo, errors)) return nullptr;
  built->network = std::make_unique<Network>(built->topo);
  return built;
}

ReachQuery queryOf(const ScenarioReach& reach) {
  ReachQuery query;
  query.from = reach.from;
  query.to = reach.to;
  query.protocol = reach.protocol;
  query.port = reach.port;
  query.security_groups = reach.security_groups;
  if (!reach.action.empty()) {
    AccessQuery access;
    access.action = reach.action;
    if (!reach.resource.empty()) access.resource = reach.resource;
    access.principal = reach.principal;
    query.access = std::move(access);
  }
  return query;
}

std::string suffixFor(const std::string& variant) {
  return variant == kBaselineVariant ? "" : fmt::format(" in variant '{}'", variant);
}

/// Subnets whose highest percentile runs past capacity within `months`.
void exhaustedWithin(const std::vector<SubnetProjection>& subnets, int months, const std::string& prefix,
                     std::vector<std::string>& failures) {
  for (const auto& subnet : subnets) {
    if (subnet.exhaustion_month && *subnet.exhaustion_month <= months) {
      std::string name = subnet.name.empty() ? subnet.subnet_id : fmt::format("{} ({})", subnet.subnet_id, subnet.name);
      failures.push_back(fmt::format("{}{} runs out in month {} (capacity {}, peak {:.0f})", prefix, name,
                                     *subnet.exhaustion_month, subnet.capacity, subnet.peak));
    }
  }
}

/// The scenario's capacity projection in `variant`; false with a diagnostic when the plan is bad.
bool runCapacity(const ScenarioCapacity& spec, const std::string& variant, const Topology& topo,
                 CapacityOutcome& out, std::vector<Diagnostic>& errors) {
  topology::CapacityPlan plan;
  if (!formats::loadCapacityPlan(spec.plan, plan, errors)) return false;
  CapacityOptions options;
  options.horizon_months = spec.months;
  options.trials = spec.trials;
  out.variant = variant;
  out.plan = spec.plan.string();
  out.projection = projectCapacity(topo, plan, options);
  if (!out.projection.errors.empty()) {
    for (const auto& error : out.projection.errors) {
      errors.push_back({"bad-plan",
                        fmt::format("{} (capacity plan of the scenario at {}{})", error.message, spec.location,
                                    suffixFor(variant)),
                        error.location.empty() ? spec.location : error.location});
    }
    return false;
  }
  if (spec.expect_headroom_months) {
    out.has_expectation = true;
    out.headroom_months = *spec.expect_headroom_months;
    out.with_az_loss = spec.expect_with_az_loss;
    exhaustedWithin(out.projection.subnets, out.headroom_months, "", out.failures);
    if (out.with_az_loss) {
      for (const auto& lost : out.projection.n_minus_one) {
        exhaustedWithin(lost.subnets, out.headroom_months, fmt::format("with {} lost, ", lost.lost_az), out.failures);
      }
      if (out.projection.n_minus_one.empty()) {
        out.failures.push_back("no N-1 projection: the plan turns n_minus_one off or the subnets span one AZ");
      }
    }
    out.pass = out.failures.empty();
  }
  return true;
}

// ---- diff helpers -----------------------------------------------------------

/// A reference that stays the same across variants: the CloudFormation
/// logical ID when it names this resource alone, as a reach query reads it
/// (topology/reference.h), else the ID.
template <typename T>
std::string stableRef(const Topology& topo, const T& item) {
  if (item.meta.logical_id.empty()) return item.meta.id;
  constexpr bool kGroup = std::is_same_v<T, topology::SecurityGroup>;
  auto found = topology::findResource(topo, item.meta.logical_id, {{topology::kindOf<T>()}, "", "", kGroup});
  return found && found->meta == &item.meta ? item.meta.logical_id : item.meta.id;
}

struct FlowKey {
  std::string from;
  std::string group;  ///< one security group reference, empty: the VPC's default group
  std::string to;
  std::string protocol;
  int port = 0;

  auto operator<=>(const FlowKey&) const = default;

  [[nodiscard]] std::string traffic() const { return protocol == "icmp" ? "icmp" : fmt::format("{}/{}", protocol, port); }
  [[nodiscard]] ReachQuery query() const {
    ReachQuery q;
    q.from = from;
    q.to = to;
    q.protocol = protocol;
    if (protocol != "icmp") q.port = port;
    if (!group.empty()) q.security_groups.push_back(group);
    return q;
  }
};

/// The derived flows of one variant (see diffVariants).
void addFlows(const Topology& topo, std::set<std::string>& subnets,
              std::set<std::string>& services, std::map<std::string, std::set<std::string>>& groups) {
  std::map<std::string, std::set<std::string>> vpc_groups;  // VPC ID -> SageMaker group refs
  auto note = [&](const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      if (const auto* group = topo.findSecurityGroup(id)) {
        vpc_groups[group->vpc_id].insert(stableRef(topo, *group));
      }
    }
  };
  for (const auto& domain : topo.studio_domains) note(domain.security_group_ids);
  for (const auto& profile : topo.user_profiles) note(profile.security_group_ids);
  for (const auto& job : topo.jobs) note(job.security_group_ids);
  for (const auto& subnet : topo.subnets) {
    std::string ref = stableRef(topo, subnet);
    subnets.insert(ref);
    groups[ref].insert("");
    for (const auto& group : vpc_groups[subnet.vpc_id]) groups[ref].insert(group);
  }
  for (const auto& endpoint : topo.vpc_endpoints) {
    std::string region = endpoint.meta.region.empty() ? topo.default_region : endpoint.meta.region;
    if (auto service = findService(endpoint.service_name, region)) services.insert(service->key);
  }
}

/// Where the component of `hop` (or, for a route hop, the route) is defined,
/// with the stack it comes from; empty when the input does not say.
std::string originOf(const std::vector<formats::StackSpec>& stacks, const Hop& hop) {
  if (hop.resource == nullptr) return "";
  std::string origin;
  switch (hop.kind) {
    case HopKind::kRouteTable:
      origin = hop.resource->origin;
      if (hop.route != nullptr && !hop.route->source.empty()) origin = hop.route->source;
      break;
    case HopKind::kSecurityGroup:
    case HopKind::kNetworkAcl:
    case HopKind::kInternetGateway:
    case HopKind::kEgressOnlyInternetGateway:
    case HopKind::kNatGateway:
    case HopKind::kVpcEndpoint:
    case HopKind::kNetworkInterface:
    case HopKind::kPeeringConnection: origin = hop.resource->origin; break;
    case HopKind::kInternet:
    case HopKind::kTransitGatewayAttachment:
    case HopKind::kTransitGatewayRouteTable:
    case HopKind::kAwsService:
    case HopKind::kPlatformNetwork:
    case HopKind::kHostService: break;
  }
  if (origin.empty()) return "";
  for (const auto& stack : stacks) {
    std::string file = stack.file.string() + ":";
    if (origin.rfind(file, 0) == 0) return fmt::format("stack {} at {}", stack.stack_name, origin);
  }
  return origin;
}

/// Same component, same decision, same direction.
bool sameHop(const Hop& a, const Hop& b) {
  if (a.kind != b.kind || a.action != b.action || a.direction != b.direction) return false;
  if (componentName(a) != componentName(b)) return false;
  auto same_route = [](const topology::Route* x, const topology::Route* y) {
    if (x == nullptr || y == nullptr) return x == y;
    return x->destination == y->destination && x->destination_prefix_list == y->destination_prefix_list &&
           x->destination_ipv6 == y->destination_ipv6 && x->target_id == y->target_id && x->blackhole == y->blackhole;
  };
  auto same_sg_rule = [](const topology::SgRule* x, const topology::SgRule* y) {
    if (x == nullptr || y == nullptr) return x == y;
    return x->index == y->index && x->protocol == y->protocol && x->from_port == y->from_port &&
           x->to_port == y->to_port && x->peer_kind == y->peer_kind && x->cidr == y->cidr && x->peer == y->peer;
  };
  auto same_acl_entry = [](const topology::NaclEntry* x, const topology::NaclEntry* y) {
    if (x == nullptr || y == nullptr) return x == y;
    return x->rule_number == y->rule_number && x->egress == y->egress && x->allow == y->allow &&
           x->protocol == y->protocol && x->cidr == y->cidr && x->ports == y->ports && x->icmp_type == y->icmp_type &&
           x->icmp_code == y->icmp_code;
  };
  auto same_packet = [](const Packet& x, const Packet& y) {
    return x.source == y.source && x.destination == y.destination && x.protocol == y.protocol &&
           x.source_port == y.source_port && x.destination_port == y.destination_port && x.icmp_type == y.icmp_type &&
           x.icmp_code == y.icmp_code;
  };
  auto same_tgw_route = [](const std::optional<TgwRouteUsed>& x, const std::optional<TgwRouteUsed>& y) {
    if (!x || !y) return x.has_value() == y.has_value();
    return x->destination == y->destination && x->attachment == y->attachment && x->is_static == y->is_static &&
           x->blackhole == y->blackhole;
  };
  return a.label == b.label && a.local_block == b.local_block && a.egress == b.egress &&
         same_route(a.route, b.route) && same_sg_rule(a.sg_rule, b.sg_rule) &&
         same_acl_entry(a.acl_entry, b.acl_entry) && same_packet(a.packet, b.packet) && a.from == b.from &&
         a.to == b.to && a.private_nat == b.private_nat && a.next == b.next && same_tgw_route(a.tgw_route, b.tgw_route);
}

/// Finds the first hop where the two answers part, and where it is defined.
void explainChange(const ReachReport& before, const ReachReport& after,
                   const std::vector<formats::StackSpec>& stacks_before,
                   const std::vector<formats::StackSpec>& stacks_after, FlowChange& change) {
  if (before.results.empty() || after.results.empty()) return;
  std::size_t pick = 0;
  for (std::size_t i = 0; i < std::min(before.results.size(), after.results.size()); ++i) {
    if (before.results[i].verdict != after.results[i].verdict) {
      pick = i;
      break;
    }
  }
  const TraceResult& b = before.results[std::min(pick, before.results.size() - 1)];
  const TraceResult& a = after.results[std::min(pick, after.results.size() - 1)];
  Parting& parting = change.parting;
  if (!b.explanations.empty()) parting.stop_before = b.explanations.front();
  if (!a.explanations.empty()) parting.stop_after = a.explanations.front();
  std::size_t i = 0;
  while (i < b.path.size() && i < a.path.size() && sameHop(b.path[i], a.path[i])) ++i;
  if (i < b.path.size()) parting.before = b.path[i];
  if (i < a.path.size()) parting.after = a.path[i];
  if (parting.before && parting.after) {
    parting.kind = Parting::Kind::kHopChanged;
    change.origin = originOf(stacks_after, *parting.after);
  } else if (parting.after) {
    parting.kind = Parting::Kind::kHopAdded;
    change.origin = originOf(stacks_after, *parting.after);
  } else if (parting.before) {
    parting.kind = Parting::Kind::kHopRemoved;
    change.origin = originOf(stacks_before, *parting.before);
  } else {
    parting.kind = Parting::Kind::kSamePath;
  }
}

void inputChanges(const Scenario& scenario, const std::string& from, const std::string& to,
                  std::vector<std::string>& out) {
  auto a = variantStacks(scenario, from);
  auto b = variantStacks(scenario, to);
  auto find = [](const std::vector<formats::StackSpec>& stacks, const std::string& name) {
    auto it = std::find_if(stacks.begin(), stacks.end(), [&](const auto& s) { return s.stack_name == name; });
    return it == stacks.end() ? nullptr : &*it;
  };
  for (const auto& stack : a) {
    if (find(b, stack.stack_name) == nullptr) {
      out.push_back(fmt::format("stack {} removed ({})", stack.stack_name, stack.file.string()));
    }
  }
  for (const auto& stack : b) {
    const auto* old = find(a, stack.stack_name);
    if (old == nullptr) {
      out.push_back(fmt::format("stack {} added ({})", stack.stack_name, stack.file.string()));
      continue;
    }
    if (old->file != stack.file) {
      out.push_back(fmt::format("stack {}: template {} -> {}", stack.stack_name, old->file.string(), stack.file.string()));
    }
    auto value = [](const formats::StackSpec& s, const std::string& key) -> std::optional<std::string> {
      for (const auto& [k, v] : s.parameter_overrides) {
        if (k == key) return v;
      }
      return std::nullopt;
    };
    for (const auto& [key, v] : stack.parameter_overrides) {
      auto was = value(*old, key);
      if (!was) {
        out.push_back(fmt::format("stack {}: parameter {} set to {}", stack.stack_name, key, v));
      } else if (*was != v) {
        out.push_back(fmt::format("stack {}: parameter {} {} -> {}", stack.stack_name, key, *was, v));
      }
    }
    for (const auto& [key, v] : old->parameter_overrides) {
      if (!value(stack, key)) {
        out.push_back(fmt::format("stack {}: parameter {} unset (was {})", stack.stack_name, key, v));
      }
    }
  }
  auto files = [&](const std::string& variant) {
    std::vector<std::string> out_files;
    if (const auto* v = scenario.findVariant(variant)) {
      for (const auto& f : v->topologies) out_files.push_back(f.string());
    }
    return out_files;
  };
  auto fa = files(from);
  auto fb = files(to);
  for (const auto& f : fa) {
    if (std::find(fb.begin(), fb.end(), f) == fb.end()) out.push_back(fmt::format("topology {} removed", f));
  }
  for (const auto& f : fb) {
    if (std::find(fa.begin(), fa.end(), f) == fa.end()) out.push_back(fmt::format("topology {} added", f));
  }
  auto describeEdit = [](const ScenarioEdit& edit) {
    using Kind = ScenarioEdit::Kind;
    switch (edit.kind) {
      case Kind::kRemove: return fmt::format("remove {}", edit.target.text);
      case Kind::kAddRoute:
        return fmt::format("route {} -> {} in {}", edit.destination, edit.route_target.text, edit.target.text);
      case Kind::kRemoveRoute: return fmt::format("remove route {} from {}", edit.destination, edit.target.text);
      case Kind::kAddRule:
        return fmt::format("{} rule {} {} {} on {}", edit.egress ? "egress" : "ingress",
                           topology::protocolName(edit.protocol),
                           edit.from_port < 0 ? std::string("all") : fmt::format("{}-{}", edit.from_port, edit.to_port),
                           edit.peer, edit.target.text);
      case Kind::kRemoveRule:
        return fmt::format("remove {} rule {} of {}", edit.egress ? "egress" : "ingress", edit.index, edit.target.text);
      case Kind::kSetEndpointPolicy:
        return edit.policy ? fmt::format("policy of {} set ({} statements)", edit.target.text,
                                         edit.policy->statements.size())
                           : fmt::format("policy of {} set to the default (full access)", edit.target.text);
    }
    return std::string("edit");
  };
  for (const auto& [variant, sign] : {std::pair{from, "undone"}, std::pair{to, "applied"}}) {
    if (const auto* v = scenario.findVariant(variant)) {
      for (const auto& edit : v->edits) {
        out.push_back(fmt::format("edit {}: {} ({})", sign, describeEdit(edit), edit.location));
      }
    }
  }
}

}  // namespace

std::optional<Verdict> parseVerdict(std::string_view word) {
  for (Verdict verdict : {Verdict::kReachable, Verdict::kUnreachable, Verdict::kPartial, Verdict::kUndetermined}) {
    if (verdictName(verdict) == word) return verdict;
  }
  if (word == "holds") return Verdict::kUnreachable;
  if (word == "violated") return Verdict::kReachable;
  return std::nullopt;
}

namespace {

/// Runs a verify check on one variant's network, as `vpcsim verify` does
/// (factored engine, other estates skipped); scope files' logical IDs
/// resolve against the variant's topology.
topology::Result<std::vector<sim::VerifyReport>> runVerify(const ScenarioVerify& what, const VariantNetwork& variant) {
  sim::VerifyOptions options;
  options.factored = true;
  options.skip_other_estates = true;
  std::vector<sim::VerifyReport> out;
  if (!what.internet_free.empty()) {
    auto report = sim::verifyInternetFree(*variant.network, what.internet_free, options);
    if (!report) return report.diagnostic();
    out.push_back(std::move(report).value());
  }
  std::vector<topology::NaaScope> scopes;
  for (const auto& name : what.builtins) {
    auto scope = formats::builtinNaaScope(name);
    if (!scope) return scope.diagnostic();
    scopes.push_back(std::move(scope).value());
  }
  for (const auto& file : what.scopes) {
    auto loaded = formats::loadNaaScope(file);
    if (!loaded) return loaded.diagnostic();
    topology::NaaScope scope = std::move(loaded).value();
    if (auto error = formats::resolveNaaScopeNames(scope, variant.topo)) return *error;
    scopes.push_back(std::move(scope));
  }
  for (const auto& scope : scopes) {
    auto report = sim::verifyScope(*variant.network, scope, options);
    if (!report) return report.diagnostic();
    out.push_back(std::move(report).value());
  }
  return out;
}

/// A verify check's verdict over its reports: violated when one is, else
/// undetermined when one is, else holds.
Verdict verifyVerdict(const std::vector<sim::VerifyReport>& reports) {
  bool undetermined = false;
  for (const auto& report : reports) {
    if (report.verdict == Verdict::kReachable) return Verdict::kReachable;
    undetermined = undetermined || report.verdict != Verdict::kUnreachable;
  }
  return undetermined ? Verdict::kUndetermined : Verdict::kUnreachable;
}

}  // namespace

bool ScenarioRun::passed() const {
  return std::all_of(outcomes.begin(), outcomes.end(), [](const CheckOutcome& o) { return o.pass; }) &&
         std::all_of(capacity.begin(), capacity.end(), [](const CapacityOutcome& o) { return o.pass; });
}

const CheckOutcome* ScenarioRun::find(const std::string& check, const std::string& variant) const {
  for (const auto& outcome : outcomes) {
    if (outcome.check == check && outcome.variant == variant) return &outcome;
  }
  return nullptr;
}

bool runScenario(const Scenario& scenario, ScenarioRun& out, std::vector<Diagnostic>& errors) {
  out.name = scenario.name;
  out.description = scenario.description;
  out.file = scenario.file.string();
  out.variants = scenario.variantNames();
  for (const auto& check : scenario.checks) out.checks.push_back(check.name);
  std::map<std::string, std::shared_ptr<VariantNetwork>> built;
  bool ok = true;
  for (const auto& variant : out.variants) {
    auto b = build(scenario, variant, errors);
    if (b == nullptr) {
      ok = false;
      continue;
    }
    if (auto warnings = policy::lintEndpointPolicies(b->topo); !warnings.empty()) {
      out.policy_warnings.push_back({variant, std::move(warnings)});
    }
    out.networks.push_back(b);
    built.emplace(variant, std::move(b));
  }
  if (!ok) return false;
  for (const auto& check : scenario.checks) {
    for (const auto& variant : check.variants) {
      CheckOutcome outcome;
      outcome.variant = variant;
      outcome.check = check.name;
      std::optional<topology::Diagnostic> problem;
      if (check.verify) {
        outcome.kind = CheckKind::kVerify;
        auto reports = runVerify(*check.verify, *built.at(variant));
        if (reports) {
          outcome.verdict = verifyVerdict(*reports);
          outcome.verify = std::move(reports).value();
        } else {
          problem = reports.diagnostic();
        }
      } else if (check.access) {
        outcome.kind = CheckKind::kAccess;
        const ScenarioAccess& what = *check.access;
        sim::AccessMatrixQuery query;
        query.from = what.from;
        query.to = what.to;
        query.actions = what.actions;
        if (!what.resource.empty()) query.resource = what.resource;
        query.principals = what.principals;
        query.security_groups = what.security_groups;
        query.only = what.only;
        if (auto report = sim::accessMatrix(*built.at(variant)->network, query)) {
          outcome.verdict = report->guarantee;
          outcome.access = std::move(report).value();
        } else {
          problem = report.diagnostic();
        }
      } else if (check.presigned_url) {
        outcome.kind = CheckKind::kPresignedUrl;
        const ScenarioPresignedUrl& what = *check.presigned_url;
        auto report = sim::presignedUrl(*built.at(variant)->network,
                                        {what.profile, what.created_from, what.opened_from, what.principal,
                                         what.security_groups});
        if (report) {
          outcome.verdict = report->verdict;
          outcome.presigned_url = std::move(report).value();
        } else {
          problem = report.diagnostic();
        }
      } else if (auto report = reach(*built.at(variant)->network, queryOf(check.reach))) {
        outcome.verdict = report->verdict;
        outcome.report = std::move(report).value();
      } else {
        problem = report.diagnostic();
      }
      if (problem) {
        // Reported once, for the first variant where the question cannot be answered.
        errors.push_back({"bad-check",
                          fmt::format("check '{}'{}: {}", check.name, suffixFor(variant),
                                      problem->location.empty() ? problem->message
                                                                : problem->location + ": " + problem->message),
                          check.location});
        ok = false;
        break;
      }
      outcome.expected = parseVerdict(check.expectedIn(variant)).value_or(Verdict::kUndetermined);
      outcome.pass = outcome.verdict == outcome.expected;
      out.outcomes.push_back(std::move(outcome));
    }
  }
  if (scenario.capacity) {
    for (const auto& variant : out.variants) {
      const auto& wanted = scenario.capacity->variants;
      if (std::find(wanted.begin(), wanted.end(), variant) == wanted.end()) continue;
      CapacityOutcome outcome;
      if (!runCapacity(*scenario.capacity, variant, built.at(variant)->topo, outcome, errors)) {
        ok = false;
        break;
      }
      out.capacity.push_back(std::move(outcome));
    }
  }
  return ok;
}

bool diffVariants(const Scenario& scenario, const std::string& from, const std::string& to, ScenarioDiff& out,
                  std::vector<Diagnostic>& errors) {
  out.scenario = scenario.name;
  out.from = from;
  out.to = to;
  auto before = build(scenario, from, errors);
  auto after = build(scenario, to, errors);
  if (before == nullptr || after == nullptr) return false;
  out.networks = {before, after};
  inputChanges(scenario, from, to, out.input_changes);
  auto stacks_before = variantStacks(scenario, from);
  auto stacks_after = variantStacks(scenario, to);

  auto compare = [&](const ReachQuery& query, FlowChange change) -> std::optional<FlowChange> {
    auto a = reach(*before->network, query);
    auto b = reach(*after->network, query);
    if (a) change.before = a->verdict;
    if (b) change.after = b->verdict;
    if (change.before == change.after) return std::nullopt;
    if (a && b) {
      explainChange(*a, *b, stacks_before, stacks_after, change);
    } else {
      change.parting.kind = Parting::Kind::kMissing;
      change.parting.missing_variant = a ? to : from;
      change.parting.missing_reason = a ? b.error() : a.error();
    }
    return change;
  };

  for (const auto& check : scenario.checks) {
    // verify, presigned-URL and access checks compare by verdict in `run`, not flow by flow
    if (check.verify || check.presigned_url || check.access) continue;
    FlowChange change;
    change.check = check.name;
    change.from = check.reach.from;
    change.to = check.reach.to;
    change.security_groups = check.reach.security_groups;
    std::string protocol = check.reach.protocol.empty() ? "tcp" : check.reach.protocol;
    change.traffic = protocol == "icmp" || protocol == "any" ? protocol
                                                             : fmt::format("{}/{}", protocol, check.reach.port.value_or(443));
    if (auto changed = compare(queryOf(check.reach), change)) out.checks.push_back(std::move(*changed));
  }

  std::set<FlowKey> keys;
  std::set<std::string> subnets_before;
  std::set<std::string> subnets_after;
  std::set<std::string> services;
  std::map<std::string, std::set<std::string>> groups;
  addFlows(before->topo, subnets_before, services, groups);
  addFlows(after->topo, subnets_after, services, groups);
  std::set<std::string> subnets = subnets_before;
  subnets.insert(subnets_after.begin(), subnets_after.end());
  std::set<std::string> one_sided;
  for (const auto& subnet : subnets) {
    bool in_before = subnets_before.count(subnet) != 0;
    bool in_after = subnets_after.count(subnet) != 0;
    if (in_before && !in_after) out.only_before.push_back("subnet:" + subnet);
    if (in_after && !in_before) out.only_after.push_back("subnet:" + subnet);
    if (in_before != in_after) one_sided.insert("subnet:" + subnet);
  }
  // The internet and other subnets take any traffic: HTTPS, DNS and ping.
  // PyPI and AWS service endpoints serve HTTPS only (pip's index; interface
  // endpoints carry TCP only, PrivateLink Guide), so they get tcp/443 alone: a
  // udp/53 or icmp packet to them is no flow anyone runs, and it decides like
  // the same packet to the internet, which the internet flows already list.
  std::vector<std::string> https_only = {"pypi"};
  for (const auto& service : services) https_only.push_back("service:" + service);
  const std::vector<std::pair<std::string, int>> kAnyTraffic = {{"tcp", 443}, {"udp", 53}, {"icmp", 0}};
  const std::vector<std::pair<std::string, int>> kHttps = {{"tcp", 443}};
  for (const auto& subnet : subnets) {
    for (const auto& group : groups[subnet]) {
      std::vector<std::pair<std::string, const std::vector<std::pair<std::string, int>>*>> to_list;
      to_list.emplace_back("internet", &kAnyTraffic);
      for (const auto& destination : https_only) to_list.emplace_back(destination, &kHttps);
      for (const auto& other : subnets) {
        if (other != subnet) to_list.emplace_back("subnet:" + other, &kAnyTraffic);
      }
      for (const auto& [destination, traffic] : to_list) {
        for (const auto& [protocol, port] : *traffic) keys.insert({"subnet:" + subnet, group, destination, protocol, port});
      }
    }
  }
  // std::set order: by source, group, destination, protocol, port — stable across runs.
  for (const auto& key : keys) {
    FlowChange change;
    change.from = key.from;
    if (!key.group.empty()) change.security_groups.push_back(key.group);
    change.to = key.to;
    change.traffic = key.traffic();
    if (one_sided.count(key.from) != 0 || one_sided.count(key.to) != 0) {
      ++out.flows_one_sided;
      continue;
    }
    ++out.flows_compared;
    if (auto changed = compare(key.query(), change)) out.flows.push_back(std::move(*changed));
  }
  return true;
}

}  // namespace vpcsim::scenario

// Scenario files: YAML parsing with compiler-style diagnostics, and building each variant's topology.
#include "scenario/scenario.h"
#include "sim/access.h"
#include "topology/reference.h"

#include "topology/suggest.h"
#include "formats/sagemaker_section.h"
#include "formats/iam_policy.h"
#include "formats/input_file.h"
#include "formats/number_text.h"
#include "formats/yaml_document.h"
#include "formats/yaml_fields.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <iterator>
#include <limits>
#include <set>
#include <span>
#include <string_view>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace vpcsim::scenario {

using namespace vpcsim::topology;
using namespace vpcsim::formats;


namespace {

constexpr std::array<std::string_view, 4> kVerdicts = {"reachable", "unreachable", "partial", "undetermined"};
/// A verify check's verdicts (`vpcsim verify`: exit 0, 1, 3).
constexpr std::array<std::string_view, 3> kVerifyVerdicts = {"holds", "violated", "undetermined"};

class Parser {
 public:
  Parser(const std::filesystem::path& file, Scenario& out)
      : yaml_(file.string()), dir_(file.parent_path()), out_(out) {}

  bool run(std::vector<Diagnostic>& errors);

 private:
  /// YamlReader::number as an int: every range here fits one.
  std::optional<int> number(const Fields& f, std::string_view key, int min, int max) {
    auto value = yaml_.number(f, key, min, max);
    if (!value) return std::nullopt;
    return static_cast<int>(*value);
  }

  /// YamlReader::list with each entry's place, for references resolved later.
  std::vector<ScenarioRef> refs(const Fields& f, std::string_view key) { return placed(yaml_.list(f, key)); }
  /// List entries with their places.
  std::vector<ScenarioRef> placed(const std::vector<YamlItem>& items) {
    std::vector<ScenarioRef> out;
    for (const auto& item : items) out.push_back({item.text, yaml_.loc(item.node)});
    return out;
  }

  std::optional<ScenarioEdit> parseEdit(const YAML::Node& node);

  std::filesystem::path resolvePath(const std::string& path) const {
    std::filesystem::path p(path);
    if (p.is_absolute()) return p.lexically_normal();
    return (dir_ / p).lexically_normal();
  }

  /// `K: V` pairs; a list value (CommaDelimitedList, List<...>) is joined with commas.
  ParameterList parameters(const YAML::Node& node, std::string_view what) {
    ParameterList out;
    if (node.IsNull()) return out;
    if (!node.IsMap()) {
      yaml_.error(node, "bad-shape", fmt::format("{} must be a mapping of parameter names to values", what));
      return out;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      YAML::Node key = it->first;
      YAML::Node value = it->second;
      if (!key.IsScalar()) {
        yaml_.error(key, "bad-shape", fmt::format("keys in {} must be plain strings", what));
        continue;
      }
      bool duplicate = std::any_of(out.begin(), out.end(), [&](const auto& p) { return p.first == key.Scalar(); });
      if (duplicate) {
        yaml_.error(key, "duplicate-key", fmt::format("duplicate parameter '{}' in {}", key.Scalar(), what));
        continue;
      }
      std::string text;
      if (value.IsScalar()) {
        text = value.Scalar();
      } else if (value.IsSequence()) {
        for (const auto& item : value) {
          if (!item.IsScalar()) {
            yaml_.error(item, "bad-shape",
                        fmt::format("parameter '{}' must be a value or a list of values", key.Scalar()));
            continue;
          }
          text += (text.empty() ? "" : ",") + item.Scalar();
        }
      } else if (!value.IsNull()) {
        yaml_.error(value, "bad-shape",
                    fmt::format("parameter '{}' must be a value or a list of values", key.Scalar()));
        continue;
      }
      out.emplace_back(key.Scalar(), text);
    }
    return out;
  }

  std::optional<ScenarioStack> parseStack(const YAML::Node& node) {
    auto f = yaml_.fields(node, "stack", {"template", "stack_name", "parameters"});
    if (!f) return std::nullopt;
    auto file = yaml_.text(*f, "template", true);
    if (!file) return std::nullopt;
    ScenarioStack stack;
    stack.file = resolvePath(*file);
    stack.stack_name = yaml_.text(*f, "stack_name").value_or(stack.file.stem().string());
    stack.location = yaml_.loc(node);
    if (const Field* p = f->find("parameters")) stack.parameters = parameters(p->value, "parameters");
    return stack;
  }

  std::vector<ScenarioStack> stacks(const Fields& f, std::string_view key) {
    std::vector<ScenarioStack> out;
    for (const auto& node : yaml_.nodes(f, key)) {
      if (auto stack = parseStack(node)) out.push_back(std::move(*stack));
    }
    return out;
  }

  void parseInputs(const YAML::Node& node);
  void parseSageMaker(const YAML::Node& node);
  void parseDomain(const YAML::Node& node);
  void parseJob(const YAML::Node& node);
  void parseVariants(const YAML::Node& node);
  void parseCheck(const YAML::Node& node);
  void parseCapacity(const YAML::Node& node);
  void checkStackNames();
  void resolveChecks();

  YamlReader yaml_;
  std::filesystem::path dir_;
  Scenario& out_;
  /// Per check: where `variants`, `expect_by_variant` keys were written, for later validation.
  struct CheckPlaces {
    std::vector<std::pair<std::string, YAML::Node>> variants;
    std::vector<std::pair<std::string, YAML::Node>> expect_by_variant;
    YAML::Node node;
  };
  std::vector<CheckPlaces> check_places_;
  std::vector<std::vector<std::pair<std::string, YAML::Node>>> variant_removes_;
  std::vector<std::vector<std::pair<std::string, YAML::Node>>> variant_parameter_stacks_;
};

void Parser::parseInputs(const YAML::Node& node) {
  auto f = yaml_.fields(node, "inputs", {"snapshots", "topologies", "stacks"});
  if (!f) return;
  for (const auto& ref : refs(*f, "snapshots")) out_.snapshots.push_back(resolvePath(ref.text));
  for (const auto& ref : refs(*f, "topologies")) out_.topologies.push_back(resolvePath(ref.text));
  out_.stacks = stacks(*f, "stacks");
}

void Parser::parseSageMaker(const YAML::Node& node) {
  auto f = yaml_.fields(node, "sagemaker", {"studio_domains", "jobs"});
  if (!f) return;
  for (const auto& item : yaml_.nodes(*f, "studio_domains")) parseDomain(item);
  for (const auto& item : yaml_.nodes(*f, "jobs")) parseJob(item);
}

void Parser::parseDomain(const YAML::Node& node) {
  auto f = yaml_.fields(node, "studio domain",
                        {"id", "name", "network_mode", "vpc", "subnets", "security_groups", "user_profiles"});
  if (!f) return;
  ScenarioDomain domain;
  domain.location = yaml_.loc(node);
  domain.name = yaml_.text(*f, "name", true).value_or("");
  domain.id = yaml_.text(*f, "id").value_or(domain.name.empty() ? "" : "d-" + domain.name);
  for (const auto& other : out_.studio_domains) {
    if (!domain.name.empty() && other.name == domain.name) {
      yaml_.error(f->find("name")->value, "duplicate-id",
                  fmt::format("duplicate studio domain '{}' (first defined at {})", domain.name, other.location));
    }
  }
  formats::DomainSpec spec = formats::readStudioDomain(yaml_, node, *f);
  domain.network_mode = spec.network_mode;
  if (auto vpc = yaml_.text(*f, "vpc")) domain.vpc = ScenarioRef{*vpc, yaml_.loc(f->find("vpc")->value)};
  domain.subnets = placed(spec.subnets);
  domain.security_groups = placed(spec.security_groups);
  std::set<std::string> names;
  for (auto& item : spec.profiles) {
    if (!item.name.empty() && !names.insert(item.name).second) {
      yaml_.error(item.name_node, "duplicate-id",
                  fmt::format("duplicate user profile '{}' in studio domain '{}'", item.name, domain.name));
    }
    domain.user_profiles.push_back(
        {std::move(item.name), std::move(item.execution_role), placed(item.security_groups), yaml_.loc(item.node)});
  }
  out_.studio_domains.push_back(std::move(domain));
}

void Parser::parseJob(const YAML::Node& node) {
  std::optional<formats::JobSpec> spec = formats::readJob(yaml_, node);
  if (!spec) return;
  ScenarioJob job;
  job.location = yaml_.loc(node);
  job.name = spec->job.name;
  for (const auto& other : out_.jobs) {
    if (!job.name.empty() && other.name == job.name) {
      yaml_.error(spec->name_node, "duplicate-id",
                  fmt::format("duplicate job name '{}' (first defined at {})", job.name, other.location));
    }
  }
  job.kind = spec->job.kind;
  job.network_isolation = spec->job.network_isolation;
  job.instance_count = spec->job.instance_count;
  job.has_vpc_config = spec->job.has_vpc_config;
  job.subnets = placed(spec->subnets);
  job.security_groups = placed(spec->security_groups);
  out_.jobs.push_back(std::move(job));
}

void Parser::parseVariants(const YAML::Node& node) {
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    yaml_.error(node, "bad-shape", "variants must be a mapping of variant names to edits");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    YAML::Node key = it->first;
    YAML::Node value = it->second;
    if (!key.IsScalar()) {
      yaml_.error(key, "bad-shape", "variant names must be plain strings");
      continue;
    }
    ScenarioVariant variant;
    variant.name = key.Scalar();
    variant.location = yaml_.loc(key);
    if (variant.name == kBaselineVariant) {
      yaml_.error(key, "bad-value", "'baseline' is the scenario's inputs as given and cannot be redefined");
      continue;
    }
    if (out_.findVariant(variant.name) != nullptr) {
      yaml_.error(key, "duplicate-key", fmt::format("duplicate variant '{}'", variant.name));
      continue;
    }
    std::vector<std::pair<std::string, YAML::Node>> removes;
    std::vector<std::pair<std::string, YAML::Node>> parameter_stacks;
    if (!value.IsNull()) {
      auto f = yaml_.fields(value, "variant",
                            {"description", "add_stacks", "remove_stacks", "parameters", "topologies", "edits"});
      if (f) {
        variant.description = yaml_.text(*f, "description").value_or("");
        variant.add_stacks = stacks(*f, "add_stacks");
        if (const Field* field = f->find("remove_stacks")) {
          for (const auto& ref : refs(*f, "remove_stacks")) variant.remove_stacks.push_back(ref.text);
          if (field->value.IsSequence()) {
            for (const auto& item : field->value) removes.emplace_back(item.Scalar(), item);
          } else {
            removes.emplace_back(field->value.Scalar(), field->value);
          }
        }
        if (const Field* field = f->find("parameters")) {
          if (!field->value.IsMap()) {
            yaml_.error(field->value, "bad-shape", "'parameters' in variant must map stack names to parameters");
          } else {
            for (auto p = field->value.begin(); p != field->value.end(); ++p) {
              YAML::Node stack_key = p->first;
              std::string stack = stack_key.Scalar();
              variant.parameters.emplace_back(stack, parameters(p->second, "parameters of stack " + stack));
              parameter_stacks.emplace_back(stack, stack_key);
            }
          }
        }
        for (const auto& ref : refs(*f, "topologies")) variant.topologies.push_back(resolvePath(ref.text));
        for (const auto& item : yaml_.nodes(*f, "edits")) {
          if (auto edit = parseEdit(item)) variant.edits.push_back(std::move(*edit));
        }
      }
    }
    out_.variants.push_back(std::move(variant));
    variant_removes_.push_back(std::move(removes));
    variant_parameter_stacks_.push_back(std::move(parameter_stacks));
  }
}

/// `{remove: REF}`, `{add_route: {route_table, dest, target}}`,
/// `{remove_route: {route_table, dest}}`, `{add_rule: {security_group,
/// direction, protocol, ports, cidr|sg}}`, `{remove_rule: {security_group,
/// direction, index}}`.
std::optional<ScenarioEdit> Parser::parseEdit(const YAML::Node& node) {
  auto outer = yaml_.fields(node, "edit",
                            {"remove", "add_route", "remove_route", "add_rule", "remove_rule", "set_endpoint_policy"});
  if (!outer) return std::nullopt;
  if (outer->items.size() != 1) {
    yaml_.error(node, "bad-shape",
                "an edit has exactly one of remove, add_route, remove_route, add_rule, remove_rule, "
                "set_endpoint_policy");
    return std::nullopt;
  }
  const auto& [kind, field] = *outer->items.begin();
  ScenarioEdit edit;
  edit.location = yaml_.loc(field.key);
  if (kind == "remove") {
    edit.kind = ScenarioEdit::Kind::kRemove;
    if (!field.value.IsScalar()) {
      yaml_.error(field.value, "bad-shape", "'remove' takes one resource reference");
      return std::nullopt;
    }
    edit.target = {field.value.Scalar(), yaml_.loc(field.value)};
    return edit;
  }
  if (kind == "add_route" || kind == "remove_route") {
    bool add = kind == "add_route";
    edit.kind = add ? ScenarioEdit::Kind::kAddRoute : ScenarioEdit::Kind::kRemoveRoute;
    auto f = add ? yaml_.fields(field.value, kind, {"route_table", "dest", "target"})
                 : yaml_.fields(field.value, kind, {"route_table", "dest"});
    if (!f) return std::nullopt;
    auto table = yaml_.text(*f, "route_table", true);
    auto dest = yaml_.text(*f, "dest", true);
    std::optional<std::string> target = add ? yaml_.text(*f, "target", true) : std::optional<std::string>("");
    if (!table || !dest || !target) return std::nullopt;
    if (dest->rfind("pl-", 0) != 0) {
      auto cidr = Cidr::parse(*dest);
      if (!cidr) {
        yaml_.error(f->find("dest")->value, "bad-cidr", cidr.error());
        return std::nullopt;
      }
    }
    edit.target = {*table, yaml_.loc(f->find("route_table")->value)};
    edit.destination = *dest;
    if (add) edit.route_target = {*target, yaml_.loc(f->find("target")->value)};
    return edit;
  }
  if (kind == "set_endpoint_policy") {
    // `{endpoint: REF, policy: {...} | 'JSON text' | default}`: the policy
    // the endpoint gets (PrivateLink Guide, "Control access to VPC endpoints
    // using endpoint policies"); `default` is the full-access policy.
    edit.kind = ScenarioEdit::Kind::kSetEndpointPolicy;
    auto f = yaml_.fields(field.value, kind, {"endpoint", "policy"});
    if (!f) return std::nullopt;
    auto endpoint = yaml_.text(*f, "endpoint", true);
    const Field* policy = f->find("policy");
    if (policy == nullptr) yaml_.error(f->node, "missing-key", "missing key 'policy' in set_endpoint_policy");
    if (!endpoint || policy == nullptr) return std::nullopt;
    edit.target = {*endpoint, yaml_.loc(f->find("endpoint")->value)};
    if (policy->value.IsScalar() && policy->value.Scalar() == "default") return edit;
    edit.policy = parsePolicyYaml(policy->value, *endpoint + " endpoint policy (scenario edit)", yaml_,
                                  &edit.policy_text);
    if (!edit.policy) return std::nullopt;
    return edit;
  }
  bool add = kind == "add_rule";
  edit.kind = add ? ScenarioEdit::Kind::kAddRule : ScenarioEdit::Kind::kRemoveRule;
  auto f = add ? yaml_.fields(field.value, kind, {"security_group", "direction", "protocol", "ports", "cidr", "sg"})
               : yaml_.fields(field.value, kind, {"security_group", "direction", "index"});
  if (!f) return std::nullopt;
  auto group = yaml_.text(*f, "security_group", true);
  auto direction = yaml_.text(*f, "direction", true);
  if (!group || !direction) return std::nullopt;
  if (*direction != "ingress" && *direction != "egress") {
    yaml_.error(f->find("direction")->value, "bad-value",
                fmt::format("direction must be ingress or egress, not '{}'", *direction));
    return std::nullopt;
  }
  edit.target = {*group, yaml_.loc(f->find("security_group")->value)};
  edit.egress = *direction == "egress";
  if (!add) {
    auto index = number(*f, "index", 0, 100000);
    if (!index) {
      if (f->find("index") == nullptr) yaml_.error(f->node, "missing-key", "missing key 'index' in remove_rule");
      return std::nullopt;
    }
    edit.index = *index;
    return edit;
  }
  auto protocol = parseProtocol(yaml_.text(*f, "protocol").value_or("all"));
  if (!protocol) {
    yaml_.error(f->find("protocol")->value, "bad-value", protocol.error());
    return std::nullopt;
  }
  edit.protocol = *protocol;
  if (auto ports = yaml_.text(*f, "ports"); ports && *ports != "all") {
    size_t dash = ports->find('-');
    std::string low = ports->substr(0, dash);
    std::string high = dash == std::string::npos ? low : ports->substr(dash + 1);
    auto digits = [](const std::string& t) {
      return std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    long long from = -1;
    long long to = -1;
    bool ok = digits(low) && digits(high) && parseWholeNumber(low, 0, 65535, from) == NumberStatus::kOk &&
              parseWholeNumber(high, 0, 65535, to) == NumberStatus::kOk;
    if (!ok || from > to) {
      yaml_.error(f->find("ports")->value, "bad-value",
                  fmt::format("'{}' is not a port or port range (0-65535)", shortened(*ports)));
      return std::nullopt;
    }
    edit.from_port = static_cast<int>(from);
    edit.to_port = static_cast<int>(to);
  } else if (edit.protocol == kProtocolTcp || edit.protocol == kProtocolUdp) {
    edit.from_port = 0;
    edit.to_port = 65535;
  }
  auto cidr = yaml_.text(*f, "cidr");
  auto sg = yaml_.text(*f, "sg");
  if (cidr.has_value() == sg.has_value()) {
    yaml_.error(f->node, "bad-shape", "add_rule needs exactly one of 'cidr' or 'sg'");
    return std::nullopt;
  }
  if (cidr) {
    auto parsed = Cidr::parse(*cidr);
    if (!parsed) {
      yaml_.error(f->find("cidr")->value, "bad-cidr", parsed.error());
      return std::nullopt;
    }
    edit.peer = *cidr;
  } else {
    edit.peer = *sg;
    edit.route_target = {*sg, yaml_.loc(f->find("sg")->value)};
  }
  return edit;
}

void Parser::parseCheck(const YAML::Node& node) {
  auto f = yaml_.fields(node, "check",
                        {"name", "reach", "verify", "presigned_url", "access", "expect", "expect_by_variant", "variants"});
  if (!f) return;
  ScenarioCheck check;
  CheckPlaces places;
  places.node = node;
  check.location = yaml_.loc(node);
  check.name = yaml_.text(*f, "name", true).value_or("");
  for (const auto& other : out_.checks) {
    if (!check.name.empty() && other.name == check.name) {
      yaml_.error(f->find("name")->value, "duplicate-id",
                  fmt::format("duplicate check '{}' (first defined at {})", check.name, other.location));
    }
  }
  if (const Field* reach = f->find("reach")) {
    if (auto r = yaml_.fields(reach->value, "reach",
                              {"from", "to", "protocol", "port", "security_groups", "action", "resource", "principal"})) {
      check.reach.from = yaml_.text(*r, "from", true).value_or("");
      check.reach.to = yaml_.text(*r, "to", true).value_or("");
      check.reach.protocol = yaml_.text(*r, "protocol").value_or("");
      check.reach.port = number(*r, "port", 0, 65535);
      for (const auto& ref : refs(*r, "security_groups")) check.reach.security_groups.push_back(ref.text);
      check.reach.action = yaml_.text(*r, "action").value_or("");
      check.reach.resource = yaml_.text(*r, "resource").value_or("");
      check.reach.principal = yaml_.text(*r, "principal").value_or("");
      for (const auto& key : {"resource", "principal"}) {
        if (r->has(key) && check.reach.action.empty()) {
          yaml_.error(r->find(key)->value, "conflict", fmt::format("'{}' applies with 'action'", key));
        }
      }
      if (!check.reach.action.empty() && !sim::isActionName(check.reach.action)) {
        yaml_.error(r->find("action")->value, "bad-value",
                    fmt::format("action '{}' is not SERVICE:Action (for example ssm:GetParameter)", check.reach.action));
      }
    }
  } else if (const Field* verify = f->find("verify")) {
    if (auto v = yaml_.fields(verify->value, "verify", {"internet_free", "builtin", "scope"})) {
      ScenarioVerify what;
      for (const auto& ref : refs(*v, "internet_free")) what.internet_free.push_back(ref.text);
      for (const auto& ref : refs(*v, "builtin")) what.builtins.push_back(ref.text);
      for (const auto& ref : refs(*v, "scope")) what.scopes.push_back(resolvePath(ref.text));
      if (what.internet_free.empty() && what.builtins.empty() && what.scopes.empty()) {
        yaml_.error(verify->value, "missing-key",
                    fmt::format("check '{}': verify needs internet_free, builtin or scope", check.name));
      }
      check.verify = std::move(what);
    }
  } else if (const Field* presigned = f->find("presigned_url")) {
    if (auto p = yaml_.fields(presigned->value, "presigned_url",
                              {"profile", "created_from", "opened_from", "principal", "security_groups"})) {
      ScenarioPresignedUrl what;
      what.profile = yaml_.text(*p, "profile", true).value_or("");
      what.created_from = yaml_.text(*p, "created_from", true).value_or("");
      what.opened_from = yaml_.text(*p, "opened_from", true).value_or("");
      what.principal = yaml_.text(*p, "principal", true).value_or("");
      for (const auto& ref : refs(*p, "security_groups")) what.security_groups.push_back(ref.text);
      check.presigned_url = std::move(what);
    }
  } else if (const Field* access = f->find("access")) {
    if (auto a = yaml_.fields(access->value, "access",
                              {"from", "to", "actions", "resource", "principals", "only", "security_groups"})) {
      ScenarioAccess what;
      for (const auto& ref : refs(*a, "from")) what.from.push_back(ref.text);
      what.to = yaml_.text(*a, "to", true).value_or("");
      for (const auto& ref : refs(*a, "actions")) {
        if (!sim::isActionName(ref.text)) {
          yaml_.error(a->find("actions")->value, "bad-value",
                      fmt::format("action '{}' is not SERVICE:Action (for example ssm:GetParameter)", ref.text));
        }
        what.actions.push_back(ref.text);
      }
      what.resource = yaml_.text(*a, "resource").value_or("");
      for (const auto& ref : refs(*a, "principals")) what.principals.push_back(ref.text);
      for (const auto& ref : refs(*a, "only")) what.only.push_back(ref.text);
      for (const auto& ref : refs(*a, "security_groups")) what.security_groups.push_back(ref.text);
      for (const char* key : {"from", "actions", "only"}) {
        if (!a->has(key)) yaml_.error(access->value, "missing-key", fmt::format("missing key '{}' in access", key));
      }
      check.access = std::move(what);
    }
  } else {
    yaml_.error(node, "missing-key",
                fmt::format("missing key 'reach', 'verify', 'presigned_url' or 'access' in check '{}'", check.name));
  }
  const char* kinds[] = {"reach", "verify", "presigned_url", "access"};
  const char* first_kind = nullptr;
  for (const char* kind : kinds) {
    const Field* field = f->find(kind);
    if (field == nullptr) continue;
    if (first_kind == nullptr) {
      first_kind = kind;
    } else {
      yaml_.error(field->value, "conflict",
                  fmt::format("check '{}' has both '{}' and '{}': one question per check", check.name, first_kind,
                              kind));
    }
  }
  // verify and access checks state guarantees: holds, violated, undetermined.
  const bool guarantee = check.verify.has_value() || check.access.has_value();
  const std::span<const std::string_view> words =
      guarantee ? std::span<const std::string_view>(kVerifyVerdicts) : std::span<const std::string_view>(kVerdicts);
  auto verdict = [&](const YAML::Node& value, std::string_view key) -> std::string {
    if (!value.IsScalar()) {
      yaml_.error(value, "bad-shape", fmt::format("'{}' must be a single value", key));
      return "";
    }
    const std::string& word = value.Scalar();
    if (std::find(words.begin(), words.end(), word) == words.end()) {
      yaml_.error(value, "bad-value",
                  fmt::format("'{}' must be {}, not '{}'{}", key,
                              guarantee ? "holds, violated or undetermined"
                                           : "reachable, unreachable, partial or undetermined",
                              word, didYouMean(word, words)));
      return "";
    }
    return word;
  };
  if (const Field* expect = f->find("expect")) check.expect = verdict(expect->value, "expect");
  if (const Field* by = f->find("expect_by_variant")) {
    if (!by->value.IsMap()) {
      yaml_.error(by->value, "bad-shape", "'expect_by_variant' must map variant names to verdicts");
    } else {
      for (auto it = by->value.begin(); it != by->value.end(); ++it) {
        YAML::Node key = it->first;
        std::string word = verdict(it->second, "expect_by_variant");
        if (!word.empty()) check.expect_by_variant.emplace_back(key.Scalar(), word);
        places.expect_by_variant.emplace_back(key.Scalar(), key);
      }
    }
  }
  if (const Field* variants = f->find("variants")) {
    for (const auto& ref : refs(*f, "variants")) check.variants.push_back(ref.text);
    if (variants->value.IsSequence()) {
      for (const auto& item : variants->value) places.variants.emplace_back(item.Scalar(), item);
    } else if (variants->value.IsScalar()) {
      places.variants.emplace_back(variants->value.Scalar(), variants->value);
    }
  }
  if (f->find("expect") == nullptr && f->find("expect_by_variant") == nullptr) {
    yaml_.error(node, "missing-key", fmt::format("check '{}' needs 'expect' or 'expect_by_variant'", check.name));
  }
  out_.checks.push_back(std::move(check));
  check_places_.push_back(std::move(places));
}

void Parser::parseCapacity(const YAML::Node& node) {
  auto f = yaml_.fields(node, "capacity", {"plan", "months", "trials", "variants", "expect"});
  if (!f) return;
  ScenarioCapacity capacity;
  capacity.location = yaml_.loc(node);
  if (auto plan = yaml_.text(*f, "plan", true)) capacity.plan = resolvePath(*plan);
  capacity.months = number(*f, "months", 1, 600);
  capacity.trials = number(*f, "trials", 0, 10000000);
  std::vector<std::string> all = out_.variantNames();
  for (const auto& ref : refs(*f, "variants")) capacity.variants.push_back(ref.text);
  if (const Field* variants = f->find("variants")) {
    std::vector<YAML::Node> items;
    if (variants->value.IsScalar()) items.push_back(variants->value);
    if (variants->value.IsSequence()) {
      for (const auto& item : variants->value) items.push_back(item);
    }
    for (const auto& item : items) {
      if (item.IsScalar() && std::find(all.begin(), all.end(), item.Scalar()) == all.end()) {
        yaml_.error(
            item, "unknown-reference",
            fmt::format("capacity names unknown variant '{}'{}", item.Scalar(), didYouMean(item.Scalar(), all)));
      }
    }
  }
  if (capacity.variants.empty()) capacity.variants.push_back(kBaselineVariant);
  if (const Field* expect = f->find("expect")) {
    if (auto e = yaml_.fields(expect->value, "capacity expectation", {"headroom_months", "with_az_loss"})) {
      capacity.expect_headroom_months = number(*e, "headroom_months", 0, 600);
      capacity.expect_with_az_loss = yaml_.flag(*e, "with_az_loss", false);
      if (!capacity.expect_headroom_months) {
        yaml_.error(expect->value, "missing-key", "missing key 'headroom_months' in capacity expectation");
      }
    }
  }
  out_.capacity = std::move(capacity);
}

/// Stack names: unique per variant; removed and re-parameterised stacks must exist.
void Parser::checkStackNames() {
  std::vector<std::string> baseline;
  for (const auto& stack : out_.stacks) {
    if (std::find(baseline.begin(), baseline.end(), stack.stack_name) != baseline.end()) {
      yaml_.add(
          Diagnostic{"duplicate-id", fmt::format("duplicate stack name '{}'; give 'stack_name'", stack.stack_name),
                     stack.location},
          std::numeric_limits<int>::max(), 0);
    }
    baseline.push_back(stack.stack_name);
  }
  for (std::size_t v = 0; v < out_.variants.size(); ++v) {
    const ScenarioVariant& variant = out_.variants[v];
    for (const auto& [name, node] : variant_removes_[v]) {
      if (std::find(baseline.begin(), baseline.end(), name) == baseline.end()) {
        yaml_.error(
            node, "unknown-reference",
            fmt::format("variant '{}' removes unknown stack '{}'{}", variant.name, name, didYouMean(name, baseline)));
      }
    }
    std::vector<std::string> names;
    for (const auto& stack : out_.stacks) {
      if (std::find(variant.remove_stacks.begin(), variant.remove_stacks.end(), stack.stack_name) ==
          variant.remove_stacks.end()) {
        names.push_back(stack.stack_name);
      }
    }
    for (const auto& stack : variant.add_stacks) {
      if (std::find(names.begin(), names.end(), stack.stack_name) != names.end()) {
        yaml_.add(Diagnostic{"duplicate-id",
                             fmt::format("variant '{}' adds stack '{}', which it already has; give 'stack_name'",
                                         variant.name, stack.stack_name),
                             stack.location},
                  std::numeric_limits<int>::max(), 0);
      }
      names.push_back(stack.stack_name);
    }
    for (const auto& [name, node] : variant_parameter_stacks_[v]) {
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        yaml_.error(node, "unknown-reference",
                    fmt::format("variant '{}' sets parameters of unknown stack '{}'{}", variant.name, name,
                                didYouMean(name, names)));
      }
    }
  }
}

/// Variant names in checks must exist; each check gets its list of variants.
void Parser::resolveChecks() {
  std::vector<std::string> all = out_.variantNames();
  for (std::size_t c = 0; c < out_.checks.size(); ++c) {
    ScenarioCheck& check = out_.checks[c];
    const CheckPlaces& places = check_places_[c];
    bool bad = false;
    auto known = [&](const std::string& name, const YAML::Node& node) {
      if (std::find(all.begin(), all.end(), name) != all.end()) return true;
      yaml_.error(node, "unknown-reference",
                  fmt::format("check '{}' names unknown variant '{}'{}", check.name, name, didYouMean(name, all)));
      bad = true;
      return false;
    };
    for (const auto& [name, node] : places.variants) known(name, node);
    for (const auto& [name, node] : places.expect_by_variant) known(name, node);
    if (bad) continue;
    if (check.variants.empty()) {
      if (!check.expect.empty()) {
        check.variants = all;
      } else {
        // Only per-variant expectations: run where one is given, in scenario order.
        for (const auto& name : all) {
          for (const auto& pair : check.expect_by_variant) {
            if (pair.first == name) check.variants.push_back(name);
          }
        }
      }
    } else {
      std::vector<std::string> ordered;
      for (const auto& name : all) {
        if (std::find(check.variants.begin(), check.variants.end(), name) != check.variants.end()) {
          ordered.push_back(name);
        }
      }
      check.variants = ordered;
    }
    for (const auto& name : check.variants) {
      if (check.expectedIn(name).empty() && !(check.expect.empty() && check.expect_by_variant.empty())) {
        yaml_.error(places.node, "missing-key",
                    fmt::format("check '{}' has no expectation for variant '{}'", check.name, name));
      }
    }
  }
}

bool Parser::run(std::vector<Diagnostic>& errors) {
  auto text = formats::readInputFile(yaml_.file());
  if (!text) {
    errors.push_back(text.diagnostic());
    return false;
  }
  out_.file = yaml_.file();
  YAML::Node root;
  if (formats::YamlLoadError problem; !formats::loadYaml(text.value(), root, problem)) {
    yaml_.error(problem.mark, problem.code, problem.message);
  }
  if (yaml_.ok()) {
    try {
      auto f = yaml_.fields(root, "scenario",
                            {"version", "name", "description", "region", "account", "inputs", "sagemaker", "variants",
                             "checks", "capacity"});
      if (f) {
        if (auto version = yaml_.text(*f, "version"); version && *version != "1") {
          yaml_.error(f->find("version")->value, "bad-value",
                      fmt::format("unsupported version '{}' (expected 1)", *version));
        }
        out_.name = yaml_.text(*f, "name").value_or(std::filesystem::path(yaml_.file()).stem().string());
        out_.description = yaml_.text(*f, "description").value_or("");
        out_.region = yaml_.text(*f, "region").value_or(out_.region);
        out_.account = yaml_.text(*f, "account").value_or(out_.account);
        if (const Field* inputs = f->find("inputs")) {
          parseInputs(inputs->value);
        } else {
          yaml_.error(root, "missing-key", "missing key 'inputs' in scenario");
        }
        if (const Field* sagemaker = f->find("sagemaker")) parseSageMaker(sagemaker->value);
        if (const Field* variants = f->find("variants")) parseVariants(variants->value);
        for (const auto& node : yaml_.nodes(*f, "checks")) parseCheck(node);
        if (const Field* capacity = f->find("capacity")) parseCapacity(capacity->value);
        checkStackNames();
        resolveChecks();
      }
    } catch (const YAML::Exception& e) {
      yaml_.error(e.mark, "yaml-syntax", "invalid yaml: " + e.msg);
    }
  }
  bool ok = yaml_.ok();
  yaml_.moveErrorsTo(errors, ErrorOrder::kFileOrder);
  return ok;
}

// ---- resolving SageMaker references against a built topology --------------

class Resolver {
 public:
  Resolver(const Topology& topo, std::string suffix, std::vector<Diagnostic>& errors)
      : topo_(topo), suffix_(std::move(suffix)), errors_(errors) {}

  bool ok() const { return ok_; }

  /// The ID of the one resource of `kind` that `ref` names (topology/reference.h).
  std::optional<std::string> resolve(ResourceKind kind, const ScenarioRef& ref, std::string_view what,
                                     bool group_names = false) {
    auto found = lookUpResource(topo_, ref.text, {{kind}, what, suffix_, group_names});
    if (const auto* error = std::get_if<ReferenceError>(&found)) {
      fail(ref, std::string(error->code()), error->message);
      return std::nullopt;
    }
    return std::get<ResourceRef>(found).meta->id;
  }

  std::vector<std::string> subnets(const std::vector<ScenarioRef>& refs, std::string& vpc_id) {
    std::vector<std::string> out;
    for (const auto& ref : refs) {
      auto id = resolve(ResourceKind::kSubnet, ref, "subnet");
      if (!id) continue;
      const Subnet* subnet = topo_.findSubnet(*id);
      if (vpc_id.empty()) vpc_id = subnet->vpc_id;
      if (subnet->vpc_id != vpc_id) {
        fail(ref, "conflict", fmt::format("subnet '{}' is in {}, not in {}{}", ref.text, subnet->vpc_id, vpc_id, suffix_));
        continue;
      }
      out.push_back(*id);
    }
    return out;
  }

  std::vector<std::string> groups(const std::vector<ScenarioRef>& refs, const std::string& vpc_id) {
    std::vector<std::string> out;
    for (const auto& ref : refs) {
      auto id = resolve(ResourceKind::kSecurityGroup, ref, "security group", true);
      if (!id) continue;
      const SecurityGroup* group = topo_.findSecurityGroup(*id);
      if (!vpc_id.empty() && !group->vpc_id.empty() && group->vpc_id != vpc_id) {
        fail(ref, "conflict",
             fmt::format("security group '{}' is in {}, not in {}{}", ref.text, group->vpc_id, vpc_id, suffix_));
        continue;
      }
      out.push_back(*id);
    }
    return out;
  }

 private:
  void fail(const ScenarioRef& ref, std::string code, std::string message) {
    errors_.push_back({std::move(code), std::move(message), ref.location});
    ok_ = false;
  }

  const Topology& topo_;
  std::string suffix_;
  std::vector<Diagnostic>& errors_;
  bool ok_ = true;
};

}  // namespace

std::string ScenarioCheck::expectedIn(const std::string& variant) const {
  if (std::find(variants.begin(), variants.end(), variant) == variants.end()) return "";
  for (const auto& [variant_name, verdict] : expect_by_variant) {
    if (variant_name == variant) return verdict;
  }
  return expect;
}

std::vector<std::string> Scenario::variantNames() const {
  std::vector<std::string> names = {kBaselineVariant};
  for (const auto& variant : variants) names.push_back(variant.name);
  return names;
}

const ScenarioVariant* Scenario::findVariant(const std::string& variant_name) const {
  for (const auto& variant : variants) {
    if (variant.name == variant_name) return &variant;
  }
  return nullptr;
}

bool loadScenario(const std::filesystem::path& file, Scenario& out, std::vector<Diagnostic>& errors) {
  Parser parser(file, out);
  return parser.run(errors);
}

std::vector<StackSpec> variantStacks(const Scenario& scenario, const std::string& variant_name) {
  const ScenarioVariant* variant = scenario.findVariant(variant_name);
  assert(variant != nullptr || variant_name == kBaselineVariant);
  std::vector<StackSpec> out;
  auto add = [&](const ScenarioStack& stack) {
    StackSpec spec;
    spec.file = stack.file;
    spec.stack_name = stack.stack_name;
    spec.parameter_overrides = stack.parameters;
    if (variant != nullptr) {
      for (const auto& [name, overrides] : variant->parameters) {
        if (name != stack.stack_name) continue;
        for (const auto& [key, value] : overrides) {
          const std::string& wanted = key;  // a structured binding cannot be captured before clang 16 (fuzz build)
          auto it = std::find_if(spec.parameter_overrides.begin(), spec.parameter_overrides.end(),
                                 [&](const auto& p) { return p.first == wanted; });
          if (it != spec.parameter_overrides.end()) {
            it->second = value;
          } else {
            spec.parameter_overrides.emplace_back(key, value);
          }
        }
      }
    }
    out.push_back(std::move(spec));
  };
  for (const auto& stack : scenario.stacks) {
    if (variant != nullptr && std::find(variant->remove_stacks.begin(), variant->remove_stacks.end(),
                                        stack.stack_name) != variant->remove_stacks.end()) {
      continue;
    }
    add(stack);
  }
  if (variant != nullptr) {
    for (const auto& stack : variant->add_stacks) add(stack);
  }
  return out;
}

namespace {

RouteTarget targetKind(const Topology& topo, const std::string& id) {
  if (id == "local") return RouteTarget::kLocal;
  if (topo.findInternetGateway(id) != nullptr) return RouteTarget::kInternetGateway;
  if (topo.findEgressOnlyInternetGateway(id) != nullptr) return RouteTarget::kEgressOnlyInternetGateway;
  if (topo.findNatGateway(id) != nullptr) return RouteTarget::kNatGateway;
  if (topo.findVpcEndpoint(id) != nullptr) return RouteTarget::kVpcEndpoint;
  if (topo.findPeeringConnection(id) != nullptr) return RouteTarget::kPeeringConnection;
  if (topo.findTransitGateway(id) != nullptr) return RouteTarget::kTransitGateway;
  if (topo.findVpnGateway(id) != nullptr) return RouteTarget::kVirtualPrivateGateway;
  if (topo.findEni(id) != nullptr) return RouteTarget::kNetworkInterface;
  if (topo.findInstance(id) != nullptr || !topo.instanceInterfaces(id).empty()) return RouteTarget::kInstance;
  return RouteTarget::kUnknown;
}

}  // namespace

bool applyEdits(Topology& into, const std::vector<ScenarioEdit>& edits, const std::string& suffix,
                std::vector<Diagnostic>& errors) {
  size_t errors_before = errors.size();
  // Resolves `ref` to exactly one ID of `kinds` (topology/reference.h).
  auto resolveOne = [&](const ScenarioRef& ref, std::string_view what, ResourceKinds kinds) -> std::optional<std::string> {
    auto found = lookUpResource(into, ref.text, {kinds, what, suffix, false});
    if (const auto* error = std::get_if<ReferenceError>(&found)) {
      errors.push_back({std::string(error->code()), error->message, ref.location});
      return std::nullopt;
    }
    return std::get<ResourceRef>(found).meta->id;
  };
  const ResourceKinds route_targets{ResourceKind::kInternetGateway, ResourceKind::kEgressOnlyInternetGateway, ResourceKind::kNatGateway,
                                    ResourceKind::kVpcEndpoint,      ResourceKind::kPeeringConnection,
                                    ResourceKind::kTransitGateway,   ResourceKind::kVpnGateway,
                                    ResourceKind::kNetworkInterface, ResourceKind::kInstance};
  for (const auto& edit : edits) {
    switch (edit.kind) {
      case ScenarioEdit::Kind::kRemove: {
        auto id = resolveOne(edit.target, "resource", ResourceKinds::all());
        if (!id) break;
        forEachResourceCollection(into, [&](ResourceKind /*kind*/, auto& items) {
          items.erase(std::remove_if(items.begin(), items.end(), [&](const auto& item) { return item.meta.id == *id; }),
                      items.end());
        });
        break;
      }
      case ScenarioEdit::Kind::kAddRoute:
      case ScenarioEdit::Kind::kRemoveRoute: {
        auto table_id = resolveOne(edit.target, "route table", {ResourceKind::kRouteTable});
        if (!table_id) break;
        RouteTable& table = *std::find_if(into.route_tables.begin(), into.route_tables.end(),
                                          [&](const RouteTable& t) { return t.meta.id == *table_id; });
        auto matches = [&](const Route& route) {
          return edit.destination.rfind("pl-", 0) == 0
                     ? route.destination_prefix_list == edit.destination
                     : route.destination && route.destination->str() == edit.destination;
        };
        if (edit.kind == ScenarioEdit::Kind::kRemoveRoute) {
          size_t before = table.routes.size();
          table.routes.erase(std::remove_if(table.routes.begin(), table.routes.end(), matches), table.routes.end());
          if (table.routes.size() == before) {
            errors.push_back({"unknown-reference",
                              fmt::format("route table {} has no route to {}{}", table.meta.id, edit.destination, suffix),
                              edit.location});
          }
          break;
        }
        std::optional<std::string> target = "local";
        if (edit.route_target.text != "local") {
          // An instance only its interfaces' attachments name is a target too.
          const std::string& text = edit.route_target.text;
          bool attached_only = text.rfind("i-", 0) == 0 && into.findInstance(text) == nullptr &&
                               !into.instanceInterfaces(text).empty();
          target = attached_only ? text : resolveOne(edit.route_target, "route target", route_targets);
        }
        if (!target) break;
        table.routes.erase(std::remove_if(table.routes.begin(), table.routes.end(), matches), table.routes.end());
        Route route;
        if (edit.destination.rfind("pl-", 0) == 0) {
          route.destination_prefix_list = edit.destination;
        } else {
          route.destination = *Cidr::parse(edit.destination);
        }
        route.target = targetKind(into, *target);
        route.target_id = *target;
        route.origin = "CreateRoute";
        route.source = edit.location;
        table.routes.push_back(std::move(route));
        break;
      }
      case ScenarioEdit::Kind::kSetEndpointPolicy: {
        auto endpoint_id = resolveOne(edit.target, "VPC endpoint", {ResourceKind::kVpcEndpoint});
        if (!endpoint_id) break;
        VpcEndpoint& endpoint = *std::find_if(into.vpc_endpoints.begin(), into.vpc_endpoints.end(),
                                              [&](const VpcEndpoint& e) { return e.meta.id == *endpoint_id; });
        endpoint.policy = edit.policy;
        endpoint.policy_document = edit.policy_text;
        break;
      }
      case ScenarioEdit::Kind::kAddRule:
      case ScenarioEdit::Kind::kRemoveRule: {
        auto group_id = resolveOne(edit.target, "security group", {ResourceKind::kSecurityGroup});
        if (!group_id) break;
        SecurityGroup& group = *std::find_if(into.security_groups.begin(), into.security_groups.end(),
                                             [&](const SecurityGroup& g) { return g.meta.id == *group_id; });
        std::vector<SgRule>& rules = edit.egress ? group.egress : group.ingress;
        if (edit.kind == ScenarioEdit::Kind::kRemoveRule) {
          size_t before = rules.size();
          rules.erase(std::remove_if(rules.begin(), rules.end(), [&](const SgRule& r) { return r.index == edit.index; }),
                      rules.end());
          if (rules.size() == before) {
            errors.push_back({"unknown-reference",
                              fmt::format("security group {} has no {} rule {}{}", group.meta.id,
                                          edit.egress ? "egress" : "ingress", edit.index, suffix),
                              edit.location});
          }
          break;
        }
        SgRule rule;
        rule.protocol = edit.protocol;
        rule.from_port = edit.from_port;
        rule.to_port = edit.to_port;
        if (!edit.route_target.text.empty()) {
          auto peer = resolveOne(edit.route_target, "security group", {ResourceKind::kSecurityGroup});
          if (!peer) break;
          rule.peer_kind = PeerKind::kSecurityGroup;
          rule.peer = *peer;
        } else {
          rule.peer_kind = PeerKind::kCidr;
          rule.cidr = *Cidr::parse(edit.peer);
        }
        int next = 0;
        for (const auto& existing : rules) next = std::max(next, existing.index + 1);
        rule.index = next;
        rule.description = "added by the scenario";
        rule.source = edit.location;
        rules.push_back(std::move(rule));
        break;
      }
    }
  }
  return errors.size() == errors_before;
}

bool buildVariantTopology(const Scenario& scenario, const std::string& variant_name, Topology& into,
                          std::vector<Diagnostic>& errors) {
  const ScenarioVariant* variant = scenario.findVariant(variant_name);
  if (variant == nullptr && variant_name != kBaselineVariant) {
    errors.push_back({"unknown-reference",
                      fmt::format("unknown variant '{}'{}", variant_name, didYouMean(variant_name, scenario.variantNames())),
                      scenario.file.string()});
    return false;
  }
  LoadOptions options{scenario.region, scenario.account};
  into.default_region = scenario.region;
  into.default_account = scenario.account;
  bool ok = true;
  std::vector<StackSpec> stacks = variantStacks(scenario, variant_name);
  if (!stacks.empty()) ok = loadStacks(stacks, options, into, errors) && ok;
  for (const auto& dir : scenario.snapshots) ok = loadSnapshot(dir, options, into, errors) && ok;
  for (const auto& file : scenario.topologies) ok = loadNativeTopology(file, options, into, errors) && ok;
  if (variant != nullptr) {
    for (const auto& file : variant->topologies) ok = loadNativeTopology(file, options, into, errors) && ok;
  }
  into.finalize();
  if (!ok) return false;

  std::string suffix = variant == nullptr ? "" : fmt::format(" in variant '{}'", variant_name);
  Resolver resolver(into, suffix, errors);
  std::vector<StudioDomain> domains;
  std::vector<UserProfile> profiles;
  std::vector<SageMakerJob> jobs;
  for (const auto& spec : scenario.studio_domains) {
    StudioDomain domain;
    domain.meta.id = spec.id;
    domain.meta.name = spec.name;
    domain.meta.region = scenario.region;
    domain.meta.account = scenario.account;
    domain.meta.origin = spec.location;
    domain.network_mode = spec.network_mode;
    if (spec.vpc) {
      if (auto id = resolver.resolve(ResourceKind::kVpc, *spec.vpc, "vpc")) domain.vpc_id = *id;
    }
    domain.subnet_ids = resolver.subnets(spec.subnets, domain.vpc_id);
    domain.security_group_ids = resolver.groups(spec.security_groups, domain.vpc_id);
    for (const auto& p : spec.user_profiles) {
      UserProfile profile;
      profile.domain = spec.id;
      profile.name = p.name;
      profile.execution_role = p.execution_role;
      profile.security_group_ids = resolver.groups(p.security_groups, domain.vpc_id);
      profiles.push_back(std::move(profile));
    }
    domains.push_back(std::move(domain));
  }
  for (const auto& spec : scenario.jobs) {
    SageMakerJob job;
    job.name = spec.name;
    job.kind = spec.kind;
    job.has_vpc_config = spec.has_vpc_config;
    job.network_isolation = spec.network_isolation;
    job.instance_count = spec.instance_count;
    std::string vpc_id;
    job.subnet_ids = resolver.subnets(spec.subnets, vpc_id);
    job.security_group_ids = resolver.groups(spec.security_groups, vpc_id);
    jobs.push_back(std::move(job));
  }
  if (!resolver.ok()) return false;
  for (const auto& domain : domains) {
    if (into.findStudioDomain(domain.meta.id) != nullptr || into.findStudioDomain(domain.meta.name) != nullptr) {
      errors.push_back({"duplicate-id",
                        fmt::format("studio domain '{}' is already defined by the inputs{}", domain.meta.name, suffix),
                        domain.meta.origin});
      ok = false;
    }
  }
  for (const auto& job : jobs) {
    if (into.findJob(job.name) != nullptr) {
      errors.push_back({"duplicate-id", fmt::format("job '{}' is already defined by the inputs{}", job.name, suffix),
                        scenario.file.string()});
      ok = false;
    }
  }
  if (!ok) return false;
  Topology workloads;
  workloads.studio_domains = std::move(domains);
  workloads.user_profiles = std::move(profiles);
  workloads.jobs = std::move(jobs);
  into.absorb(std::move(workloads));
  into.finalize();
  if (variant != nullptr && !variant->edits.empty()) {
    if (!applyEdits(into, variant->edits, suffix, errors)) return false;
    into.finalize();
  }
  return true;
}

}  // namespace vpcsim::scenario

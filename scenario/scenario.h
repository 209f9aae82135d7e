// Scenario files: inputs, SageMaker workloads, what-if variants and checks, and the topology of each variant.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "formats/cloudformation.h"
#include "formats/loader.h"
#include "topology/model.h"
#include "topology/result.h"

namespace vpcsim::scenario {

using formats::StackSpec;
using topology::Diagnostic;
using topology::Topology;
using topology::kProtocolAll;
using topology::StudioNetworkMode;

/// A reference as written in the scenario (a resource ID, a CloudFormation
/// logical ID, a Name tag or `name:TAG`), with where it was written.
struct ScenarioRef {
  std::string text;
  std::string location;  ///< `file:line:column`
};

/// Ordered `K: V` pairs.
using ParameterList = std::vector<std::pair<std::string, std::string>>;

/// A CloudFormation stack of the scenario.
struct ScenarioStack {
  std::filesystem::path file;  ///< the template, resolved against the scenario's folder
  std::string stack_name;      ///< as written, or the file's base name without extension
  ParameterList parameters;    ///< in file order; values may be `@STACK.OUTPUT`
  std::string location;
};

struct ScenarioProfile {
  std::string name;
  std::string execution_role;
  std::vector<ScenarioRef> security_groups;
  std::string location;
};

struct ScenarioDomain {
  std::string id;  ///< `id`, default `d-<name>`
  std::string name;
  StudioNetworkMode network_mode = StudioNetworkMode::kPublicInternetOnly;
  std::optional<ScenarioRef> vpc;  ///< absent: the first subnet's VPC
  std::vector<ScenarioRef> subnets;
  std::vector<ScenarioRef> security_groups;
  std::vector<ScenarioProfile> user_profiles;
  std::string location;
};

struct ScenarioJob {
  std::string name;
  std::string kind;
  bool has_vpc_config = false;
  std::vector<ScenarioRef> subnets;
  std::vector<ScenarioRef> security_groups;
  bool network_isolation = false;
  int instance_count = 1;
  std::string location;
};

/// One in-place edit of the loaded network, applied after a variant's inputs load.
struct ScenarioEdit {
  enum class Kind { kRemove, kAddRoute, kRemoveRoute, kAddRule, kRemoveRule, kSetEndpointPolicy };
  Kind kind = Kind::kRemove;
  ScenarioRef target;        ///< the resource removed, or the route table / security group edited
  std::string destination;   ///< routes: CIDR or prefix-list ID
  ScenarioRef route_target;  ///< add_route: the target (ID, logical ID, Name tag, or `local`)
  bool egress = false;       ///< rules: direction
  int protocol = kProtocolAll;
  int from_port = -1;
  int to_port = -1;
  std::string peer;          ///< add_rule: CIDR or security group reference
  int index = -1;            ///< remove_rule: the AWS rule index
  /// set_endpoint_policy: the new policy and its JSON text; nullopt: the default full-access policy.
  std::optional<topology::PolicyDocument> policy;
  std::string policy_text;
  std::string location;
};

/// A what-if edit on top of the baseline (the scenario's inputs as given).
struct ScenarioVariant {
  std::string name;
  std::string description;
  std::vector<ScenarioStack> add_stacks;
  std::vector<std::string> remove_stacks;                     ///< stack names
  std::vector<std::pair<std::string, ParameterList>> parameters;  ///< stack name -> overrides
  std::vector<std::filesystem::path> topologies;               ///< native files layered on top
  std::vector<ScenarioEdit> edits;                             ///< applied in order, last
  std::string location;
};

/// The `reach` question of a check, as `vpcsim reach` takes it.
struct ScenarioReach {
  std::string from;
  std::string to;
  std::string protocol;  ///< empty: tcp
  std::optional<int> port;
  std::vector<std::string> security_groups;
  std::string action;     ///< an API call to decide over the path (reach --action); empty: none
  std::string resource;   ///< its resource ARN; empty: *
  std::string principal;  ///< its caller; empty: the source's execution role
};

/// A check proved over all packets: internet-free sources and Network Access
/// Analyzer scopes (built-in or files), as `vpcsim verify` takes them.
struct ScenarioVerify {
  std::vector<std::string> internet_free;     ///< source references
  std::vector<std::string> builtins;          ///< built-in scope names
  std::vector<std::filesystem::path> scopes;  ///< scope files, resolved against the scenario's folder
};

/// The Studio sign-in perimeter, as `vpcsim presigned-url` takes it: a
/// presigned domain URL created from one place and opened from another.
struct ScenarioPresignedUrl {
  std::string profile;       ///< DOMAIN/PROFILE
  std::string created_from;  ///< a reach source
  std::string opened_from;   ///< a reach source
  std::string principal;     ///< who calls CreatePresignedDomainUrl
  std::vector<std::string> security_groups;  ///< for subnet: sources
};

/// Who can make which calls, and the guarantee that only some principals
/// can, as `vpcsim access --only` takes it (verify verdicts).
struct ScenarioAccess {
  std::vector<std::string> from;        ///< reach sources
  std::string to;                       ///< service:NAME
  std::vector<std::string> actions;     ///< SERVICE:Action
  std::string resource;                 ///< empty: *
  std::vector<std::string> principals;  ///< empty: every role and user in the input
  std::vector<std::string> only;        ///< the principals that may
  std::vector<std::string> security_groups;
};

struct ScenarioCheck {
  std::string name;
  ScenarioReach reach;                  ///< a reach check (when no other question is set)
  std::optional<ScenarioVerify> verify;  ///< a verify check
  std::optional<ScenarioPresignedUrl> presigned_url;  ///< a presigned-URL check (reach verdicts)
  std::optional<ScenarioAccess> access;  ///< an access guarantee (verify verdicts)
  /// reachable|unreachable|partial|undetermined (reach), holds|violated|undetermined
  /// (verify); empty when only per variant
  std::string expect;
  std::vector<std::pair<std::string, std::string>> expect_by_variant;  ///< variant -> verdict
  std::vector<std::string> variants;  ///< where the check runs (resolved: never empty after load)
  std::string location;

  /// The verdict expected in `variant`, empty when the check does not run there.
  [[nodiscard]] std::string expectedIn(const std::string& variant) const;
};

/// The scenario's IP-capacity projection (`capacity:`), run by `vpcsim run`.
struct ScenarioCapacity {
  std::filesystem::path plan;         ///< the growth plan (docs/capacity.md), resolved against the scenario's folder
  std::optional<int> months;          ///< overrides the plan's horizon
  std::optional<int> trials;          ///< overrides the plan's Monte Carlo trials
  std::vector<std::string> variants;  ///< where it runs (resolved: never empty after load; default baseline)
  /// Expectation: no subnet in scope runs out (at the plan's highest
  /// percentile) within this many months; absent: projection only.
  std::optional<int> expect_headroom_months;
  bool expect_with_az_loss = false;   ///< the expectation also holds with any one AZ lost (N-1)
  std::string location;
};

struct Scenario {
  std::filesystem::path file;
  std::string name;
  std::string description;
  std::string region = "us-east-1";
  std::string account = "123456789012";
  std::vector<std::filesystem::path> snapshots;
  std::vector<std::filesystem::path> topologies;
  std::vector<ScenarioStack> stacks;
  std::vector<ScenarioDomain> studio_domains;
  std::vector<ScenarioJob> jobs;
  std::vector<ScenarioVariant> variants;  ///< file order, without the implicit baseline
  std::vector<ScenarioCheck> checks;      ///< file order
  std::optional<ScenarioCapacity> capacity;

  /// "baseline" then every variant in file order.
  [[nodiscard]] std::vector<std::string> variantNames() const;
  [[nodiscard]] const ScenarioVariant* findVariant(const std::string& name) const;
};

/// The name of the implicit variant made of the inputs as given.
inline constexpr const char* kBaselineVariant = "baseline";

/// Reads a scenario file (YAML; see docs/scenario-format.md). Paths in it are
/// resolved against the file's folder. Unknown keys, bad values, unknown
/// variant or stack names are errors located at `file:line:column`, with a
/// "did you mean" when a name is close. Returns false when anything is wrong;
/// `out` is then unspecified. Reads no input the scenario names.
bool loadScenario(const std::filesystem::path& file, Scenario& out, std::vector<Diagnostic>& errors);

/// The stacks `variant` deploys, in order: the baseline's (with the variant's
/// parameter overrides replacing or adding to the baseline's), minus the
/// removed ones, then the added ones. The variant must exist.
std::vector<StackSpec> variantStacks(const Scenario& scenario, const std::string& variant);

/// Builds the network of `variant`: its stacks (loadStacks), the snapshots,
/// the native topology files (the scenario's, then the variant's), then the
/// SageMaker domains and jobs with their references resolved by ID,
/// CloudFormation logical ID, Name tag (`name:TAG` or bare when unique) or,
/// for security groups, group name. Calls Topology::finalize(). Returns
/// false with diagnostics on bad input (unknown references carry the
/// scenario location and a "did you mean").
bool buildVariantTopology(const Scenario& scenario, const std::string& variant, Topology& into,
                          std::vector<Diagnostic>& errors);

/// Applies `edits` in order to a loaded topology: removes resources, adds or
/// replaces routes, adds or removes SG rules. References resolve by ID,
/// logical ID or Name tag; unknown or ambiguous ones are diagnostics at the
/// edit's location (`suffix` names the variant in messages).
bool applyEdits(Topology& into, const std::vector<ScenarioEdit>& edits, const std::string& suffix,
                std::vector<Diagnostic>& errors);

}  // namespace vpcsim::scenario

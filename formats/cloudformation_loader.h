// Internals the CloudFormation loader's files share: the loader class, stack state, resource records. Not an API.
// cloudformation.cpp runs the stacks, cloudformation_intrinsics.cpp evaluates, cloudformation_resources.cpp builds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "formats/cloudformation.h"
#include "formats/cloudformation_values.h"
#include "formats/loader.h"
#include "topology/model.h"

namespace vpcsim::formats::cfn {

using namespace vpcsim::topology;  // internal header: the model this format fills

// ---- per-type knowledge ------------------------------------------------------------

struct TypeInfo {
  std::string_view type;
  std::string_view id_prefix;               ///< Ref returns prefix + hash
  std::vector<std::string_view> attributes;  ///< Fn::GetAtt names (AWS CloudFormation Template Reference)
};

/// What vpcsim knows of an AWS::EC2 resource type; nullptr for other types.
const TypeInfo* typeInfo(std::string_view type);

/// An AWS::ElasticLoadBalancingV2 type vpcsim builds (LoadBalancer, Listener, ListenerRule, TargetGroup).
bool isElbType(std::string_view type);

// ---- the loader ----------------------------------------------------------------------

// One resource of the stack being loaded.
struct Resource {
  std::string logical;
  std::string type;
  std::string condition;  ///< empty: unconditional
  bool active = true;
  std::string id;         ///< what Ref returns for EC2 types
  const Value* node = nullptr;
  YAML::Mark mark;
  std::optional<Value> props;
  bool evaluating = false;
  std::size_t order = 0;
};

// What is known of one stack while it loads.
struct StackState {
  std::string name;
  std::string label;  ///< file name used in locations
  Value root;
  std::map<std::string, Value> parameters;
  std::map<std::string, const Value*> condition_nodes;
  std::map<std::string, bool> conditions;
  std::set<std::string> conditions_in_progress;
  std::map<std::string, Resource> resources;
  std::map<std::string, std::string> outputs;
};

// One intrinsic function call being evaluated.
struct Call {
  const std::string& name;  ///< long form: "Fn::Select", "Ref", "Condition"
  const Value& arg;         ///< the unevaluated argument
  const YAML::Mark& at;     ///< where the call stands
  std::string shown;        ///< "!Select", for messages
  /// The argument as a list of `min` to `max` items; fails with "!X takes a list of N arguments" otherwise.
  [[nodiscard]] const std::vector<Value>& args(std::size_t min, std::size_t max) const;
};

/// The largest parameter value CloudFormation takes (User Guide, "AWS
/// CloudFormation quotas": "Maximum size of a parameter value", 4,096 bytes).
inline constexpr std::size_t kMaxParameterValueBytes = 4096;

// A diagnostic held back until run() sorts them into file order.
struct Pending {
  std::string label;
  int line = -1;
  int column = -1;
  Diagnostic diagnostic;
};

class CfnLoader {
 public:
  CfnLoader(const LoadOptions& options, Topology& into) : options_(options), into_(into) {}
  bool run(const std::vector<StackSpec>& stacks, std::vector<Diagnostic>& errors);

 private:
  // -- diagnostics --
  std::string loc(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.line < 0) return stack_->label;
    return fmt::format("{}:{}:{}", stack_->label, mark.line + 1, mark.column + 1);
  }
  void error(const YAML::Mark& mark, std::string code, std::string message) {
    bool known = !mark.is_null() && mark.line >= 0;
    pending_.push_back({stack_->label, known ? mark.line : -1, known ? mark.column : -1,
                        Diagnostic{std::move(code), std::move(message), loc(mark)}});
  }
  void report(const CfnError& e) { error(e.mark, e.code, e.message); }
  /// A diagnostic made elsewhere (reading the file), unplaced for the sort.
  void add(Diagnostic diagnostic) { pending_.push_back({stack_->label, -1, -1, std::move(diagnostic)}); }
  /// A diagnostic made elsewhere (a policy document's), sorted as if at `mark`.
  void addAt(const YAML::Mark& mark, Diagnostic diagnostic) {
    bool known = !mark.is_null() && mark.line >= 0;
    pending_.push_back({stack_->label, known ? mark.line : -1, known ? mark.column : -1, std::move(diagnostic)});
  }

  // -- stack phases --
  bool loadStack(const StackSpec& spec);
  void resolveParameters(const StackSpec& spec);
  std::map<std::string, std::string> parameterOverrides(const StackSpec& spec, std::set<std::string>& unresolved);
  void resolveParameter(const std::string& name, const Value& decl, const std::map<std::string, std::string>& overrides);
  void checkParameterValues(const std::string& name, const Value& decl, const std::vector<Value>& elements,
                            bool numeric);
  void checkRules();
  /// Registers the template's resources; false when the stack cannot be built
  /// at all (too many resources, a circular dependency), already reported.
  bool registerResources();
  void buildResources();
  void evaluateOutputs();

  // -- evaluation --
  Value eval(const Value& v);
  Value evalFunction(const std::string& name, const Value& arg, const Value& call);
  Value fnGetAtt(const Call& c);
  Value fnJoin(const Call& c);
  Value fnSelect(const Call& c);
  Value fnSplit(const Call& c);
  Value fnIf(const Call& c);
  Value fnEquals(const Call& c);
  Value fnAndOr(const Call& c);
  Value fnNot(const Call& c);
  Value fnFindInMap(const Call& c);
  Value fnGetAzs(const Call& c);
  Value fnCidr(const Call& c);
  Value cidrIpv6(const Call& c, const std::string& block_text, long long count, long long bits);
  Value fnImportValue(const Call& c);
  Value fnBase64(const Call& c);
  Value fnLength(const Call& c);
  Value fnToJsonString(const Call& c);
  Value fnContains(const Call& c);
  Value fnEachMemberEquals(const Call& c);
  Value fnEachMemberIn(const Call& c);
  bool condition(const std::string& name, const YAML::Mark& at);
  bool truth(const Value& v, std::string_view what);
  Value ref(const std::string& name, const YAML::Mark& at, std::string_view shown);
  Value getAtt(const std::string& logical, const std::string& attribute, const YAML::Mark& at);
  Value propText(Resource& r, std::string_view key, const YAML::Mark& at);
  Value synthId(const Resource& r, std::string_view prefix, std::string_view what, const YAML::Mark& at);
  Value ec2Attribute(Resource& r, const std::string& attribute, const YAML::Mark& at);
  Value vpcAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at);
  Value subnetAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at);
  Value endpointAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at);
  Value interfaceAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at);
  Value firewallAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at);
  Value domainAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at);
  Value placeholderAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at);
  Value sub(const Value& arg, const YAML::Mark& at);
  std::string str(const Value& v, std::string_view what);
  std::vector<Value> listOf(const Value& v, std::string_view what);
  long long integer(const Value& v, std::string_view what);
  const Value& props(Resource& r);
  Resource* resource(const std::string& logical);
  std::string physicalId(const Resource& r) const;
  /// "{stack}-{logical}-{hash}" as CloudFormation names what the template
  /// leaves unnamed, shortened to `max` characters (0: no limit).
  std::string generatedName(const Resource& r, std::size_t max = 0) const;
  Ipv4 eipAddress(const std::string& allocation_id);
  std::optional<Ipv4> privateIpFor(Resource& r, const std::string& subnet_id, const Value* requested);
  std::string subnetAz(const std::string& subnet_id);
  std::vector<std::string> firewallSubnets(Resource& r);

  // -- property access on evaluated Properties --
  const Value* prop(const Resource& r, std::string_view key) const;
  std::optional<std::string> text(Resource& r, std::string_view key, bool required = false);
  std::vector<std::string> texts(Resource& r, std::string_view key);
  bool flag(Resource& r, std::string_view key, bool fallback);
  std::optional<Cidr> cidr(Resource& r, std::string_view key, bool required = false);
  /// r[key] as an IPv6 block: a CIDR block (host bits cleared when `loose`),
  /// or the text Ipv6Block prints for a block assigned at deployment.
  std::optional<Ipv6Block> ipv6Block(Resource& r, std::string_view key, bool loose);
  /// The IPv6 block an AWS::EC2::VPCCidrBlock asks for, as text; empty when none.
  std::string vpcCidrIpv6Text(Resource& r);
  ResourceMeta meta(Resource& r, const std::string& id);

  // -- model lookups (new resources first, then what `into` held) --
  template <typename T>
  T* lookup(std::vector<T>& mine, std::vector<T>& existing, std::string_view id) {
    for (auto& item : mine) {
      if (item.meta.id == id) return &item;
    }
    for (auto& item : existing) {
      if (item.meta.id == id) return &item;
    }
    return nullptr;
  }
  Vpc* vpc(std::string_view id) { return lookup(out_.vpcs, into_.vpcs, id); }
  Subnet* subnet(std::string_view id) { return lookup(out_.subnets, into_.subnets, id); }
  RouteTable* routeTable(std::string_view id) { return lookup(out_.route_tables, into_.route_tables, id); }
  SecurityGroup* securityGroup(std::string_view id) {
    return lookup(out_.security_groups, into_.security_groups, id);
  }
  // Built already, or a group of this stack built later (rules may name groups defined further down).
  bool knownSecurityGroup(const std::string& id) {
    if (securityGroup(id) != nullptr) return true;
    for (const auto& [logical, r] : stack_->resources) {
      if (r.active && r.type == "AWS::EC2::SecurityGroup" && r.id == id) return true;
    }
    return false;
  }
  NetworkAcl* networkAcl(std::string_view id) { return lookup(out_.network_acls, into_.network_acls, id); }
  Eni* eni(std::string_view id) { return lookup(out_.enis, into_.enis, id); }
  template <typename T>
  T* need(Resource& r, std::string_view key, const std::string& id, std::string_view kind, T* found) {
    if (found == nullptr) {
      const Value* at = prop(r, key);
      error(at != nullptr ? at->mark : r.mark, "unknown-reference",
            fmt::format("{}.{}: no {} '{}' in the loaded stacks", r.logical, key, kind, id));
    }
    return found;
  }
  std::string vpcOfSubnet(const std::string& subnet_id) {
    Subnet* s = subnet(subnet_id);
    return s != nullptr ? s->vpc_id : std::string();
  }

  // -- builders --
  void build(Resource& r);
  void buildVpc(Resource& r);
  void buildVpcCidr(Resource& r);
  void buildSubnet(Resource& r);
  void buildInternetGateway(Resource& r);
  void buildEgressOnlyInternetGateway(Resource& r);
  void buildVpnGateway(Resource& r);
  void buildGatewayAttachment(Resource& r);
  void buildSecurityGroup(Resource& r);
  void buildSgRule(Resource& r, bool egress);
  std::vector<SgRule> sgRules(Resource& r, const Value& rule, bool egress, int index, const std::string& self_id);
  void buildRouteTable(Resource& r);
  void buildRoute(Resource& r);
  void buildSubnetRouteTableAssociation(Resource& r);
  void buildGatewayRouteTableAssociation(Resource& r);
  void buildVgwPropagation(Resource& r);
  void buildNetworkAcl(Resource& r);
  void buildNetworkAclEntry(Resource& r);
  void buildSubnetAclAssociation(Resource& r);
  void buildEip(Resource& r);
  void buildEipAssociation(Resource& r);
  void buildNatGateway(Resource& r);
  void buildNetworkInterface(Resource& r);
  void buildInstance(Resource& r);
  void buildEndpoint(Resource& r);
  void buildFirewall(Resource& r);
  void buildPeering(Resource& r);
  void buildPrefixList(Resource& r);
  void buildTransitGateway(Resource& r);
  void buildTgwAttachment(Resource& r);
  void buildTgwRouteTable(Resource& r);
  void buildTgwRoute(Resource& r);
  void buildTgwAssociation(Resource& r, bool propagation);
  void buildStudioDomain(Resource& r);
  void buildUserProfile(Resource& r);

  // -- Elastic Load Balancing (cloudformation_elb.cpp) --
  /// What Ref returns for an ELB type (its ARN); nullopt for other types.
  std::optional<std::string> elbRef(Resource& r);
  /// Fn::GetAtt of an ELB type (DNSName, LoadBalancerFullName, TargetGroupName, ...).
  Value elbAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at);
  const Value* rawProp(const Resource& r, std::string_view key) const;
  std::string elbHash(const Resource& r) const;
  std::string elbName(Resource& r);
  LoadBalancerType elbType(Resource& r);
  std::string elbId(Resource& r);
  std::string elbArnOf(Resource& r);
  std::vector<std::string> forwardTargets(Resource& r, const Value& action, const std::string& what);
  std::vector<std::string> forwardedGroups(Resource& r, std::string_view key, LoadBalancer& lb,
                                           std::vector<std::string>* others);
  std::vector<std::pair<std::string, std::string>> keyValues(Resource& r, std::string_view key);
  std::optional<int> elbPort(Resource& r, std::string_view key);
  void buildLoadBalancer(Resource& r);
  void buildListener(Resource& r);
  void buildListenerRule(Resource& r);
  void buildTargetGroup(Resource& r);

  // -- IAM (cloudformation_iam.cpp) --
  /// What Ref returns for an AWS::IAM type: a role's, user's, group's or
  /// instance profile's name, a managed policy's ARN; nullopt for other types.
  std::optional<std::string> iamRef(Resource& r);
  /// Fn::GetAtt of an AWS::IAM type (Arn, RoleId, PolicyArn, ...).
  Value iamAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at);
  std::string iamName(Resource& r);
  std::string iamPath(Resource& r);
  std::string iamArn(Resource& r);
  /// One property evaluated on its own (Ref of a role needs RoleName and Path, not the whole role).
  std::optional<std::string> ownText(Resource& r, std::string_view key);
  /// A policy document property (object or JSON text) parsed; parse errors are reported, nullopt then.
  std::optional<PolicyDocument> policyDocument(const Value& v, std::string name);
  std::vector<PolicyDocument> inlinePolicies(Resource& r);
  IamPrincipal* iamPrincipal(PrincipalKind kind, std::string_view name);
  /// The principals the Roles / Users / Groups properties of `r` name, each given to `attach`.
  template <typename Attach>
  void forEachAttachedPrincipal(Resource& r, Attach&& attach);
  void buildIamPrincipal(Resource& r, PrincipalKind kind);
  void buildManagedPolicy(Resource& r);
  void buildIamPolicy(Resource& r);
  void buildUserToGroupAddition(Resource& r);
  void addLocalRoutes(RouteTable& table, const Vpc& owner, const std::string& source);
  void assignDefaultAcls();
  void ignore(const Resource& r, std::string reason) {
    out_.ignored.push_back({loc(r.mark), r.type + " " + r.logical, std::move(reason)});
  }

  const LoadOptions& options_;
  Topology& into_;
  Topology out_;
  StackState* stack_ = nullptr;
  std::vector<Pending> pending_;
  std::map<std::string, std::map<std::string, std::string>> stack_outputs_;  // stack -> output -> value
  std::map<std::string, std::string> exports_;
  std::map<std::string, Ipv4> eip_addresses_;            // allocation id -> public ip
  std::set<uint32_t> used_public_;
  std::map<std::string, uint32_t> next_host_;           // subnet -> next free offset
  std::map<std::string, Ipv4> allocated_ips_;           // "stack/logical" -> private ip
  std::map<std::string, std::string> instance_enis_;    // instance id -> primary eni id
  std::set<std::string> default_egress_;                // SGs still holding the implicit allow-all egress
  std::map<std::string, std::string> subnet_acl_;       // subnet -> explicitly associated acl
  std::map<std::string, std::string> default_acl_of_vpc_;
  std::map<std::string, std::string> main_table_of_vpc_;
  std::string region_;
  std::string account_;
};

}  // namespace vpcsim::formats::cfn

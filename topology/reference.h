// User references (docs/cli.md, "References"): one resolver, one ambiguity rule, one "did you mean".
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "topology/ip.h"
#include "topology/model.h"
#include "topology/result.h"

namespace vpcsim::topology {

/// Every kind of resource a reference can name by ID, logical ID or Name tag.
enum class ResourceKind : uint8_t {
  kVpc,
  kSubnet,
  kRouteTable,
  kSecurityGroup,
  kNetworkAcl,
  kInternetGateway,
  kEgressOnlyInternetGateway,
  kNatGateway,
  kVpcEndpoint,
  kNetworkInterface,
  kInstance,
  kPrefixList,
  kPeeringConnection,
  kTransitGateway,
  kTgwAttachment,
  kTgwRouteTable,
  kVpnGateway,
  kVpnConnection,
  kLoadBalancer,  ///< by its ID ("net/NAME/HASH"), logical ID or name
  kTargetGroup,   ///< by its ID ("targetgroup/NAME/HASH"), logical ID or name
  kStudioDomain,  ///< the last kind (ResourceKinds::all())
};

/// "subnet", "security group", "network interface", ... (lowercase, for messages).
std::string_view resourceKindName(ResourceKind kind);

/// Calls `fn(kind, collection)` for every resource collection of `topo`
/// (const or not), in kind order.
template <typename Topo, typename Fn>
void forEachResourceCollection(Topo& topo, Fn&& fn) {
  fn(ResourceKind::kVpc, topo.vpcs);
  fn(ResourceKind::kSubnet, topo.subnets);
  fn(ResourceKind::kRouteTable, topo.route_tables);
  fn(ResourceKind::kSecurityGroup, topo.security_groups);
  fn(ResourceKind::kNetworkAcl, topo.network_acls);
  fn(ResourceKind::kInternetGateway, topo.internet_gateways);
  fn(ResourceKind::kEgressOnlyInternetGateway, topo.egress_only_internet_gateways);
  fn(ResourceKind::kNatGateway, topo.nat_gateways);
  fn(ResourceKind::kVpcEndpoint, topo.vpc_endpoints);
  fn(ResourceKind::kNetworkInterface, topo.enis);
  fn(ResourceKind::kInstance, topo.instances);
  fn(ResourceKind::kPrefixList, topo.prefix_lists);
  fn(ResourceKind::kPeeringConnection, topo.peering_connections);
  fn(ResourceKind::kTransitGateway, topo.transit_gateways);
  fn(ResourceKind::kTgwAttachment, topo.tgw_attachments);
  fn(ResourceKind::kTgwRouteTable, topo.tgw_route_tables);
  fn(ResourceKind::kVpnGateway, topo.vpn_gateways);
  fn(ResourceKind::kVpnConnection, topo.vpn_connections);
  fn(ResourceKind::kLoadBalancer, topo.load_balancers);
  fn(ResourceKind::kTargetGroup, topo.target_groups);
  fn(ResourceKind::kStudioDomain, topo.studio_domains);
}

/// A set of resource kinds.
class ResourceKinds {
 public:
  constexpr ResourceKinds(std::initializer_list<ResourceKind> kinds) {
    for (ResourceKind kind : kinds) bits_ |= bit(kind);
  }
  /// Every kind.
  static constexpr ResourceKinds all() {
    ResourceKinds kinds{};
    kinds.bits_ = (uint32_t{1} << (static_cast<unsigned>(ResourceKind::kStudioDomain) + 1)) - 1;
    return kinds;
  }
  [[nodiscard]] constexpr bool contains(ResourceKind kind) const { return (bits_ & bit(kind)) != 0; }
  /// Every kind not in this set.
  [[nodiscard]] constexpr ResourceKinds complement() const {
    ResourceKinds out = all();
    out.bits_ &= ~bits_;
    return out;
  }

 private:
  static constexpr uint32_t bit(ResourceKind kind) { return uint32_t{1} << static_cast<unsigned>(kind); }
  uint32_t bits_ = 0;
};

/// One resource a reference names: its kind, its identity and the object.
struct ResourceRef {
  ResourceKind kind = ResourceKind::kVpc;
  const ResourceMeta* meta = nullptr;
  const void* object = nullptr;  ///< the Vpc, Subnet, ... that `kind` says; read it with as<T>()

  /// The object as a T, or nullptr when the resource is of another kind.
  template <typename T>
  [[nodiscard]] const T* as() const;
};

/// Why a reference resolves to no single resource.
enum class ReferenceProblem : uint8_t {
  kEmpty,      ///< nothing after the form (`subnet:`, `name:`) or an empty string
  kUnknown,    ///< nothing in the input carries it
  kAmbiguous,  ///< more than one resource carries it
  kWrongKind,  ///< only resources of kinds this place does not take carry it
};

/// A reference that failed, with its diagnostic text (docs/cli.md, "References").
struct ReferenceError {
  ReferenceProblem problem = ReferenceProblem::kUnknown;
  std::string message;
  /// The stable diagnostic code: "empty-reference", "unknown-reference", "ambiguous-reference".
  [[nodiscard]] std::string_view code() const;
};

/// What one lookup accepts and how its messages name things.
struct ResourceQuery {
  ResourceKinds kinds = ResourceKinds::all();
  std::string_view what = "resource";  ///< "subnet", "source", "route target": the word messages use
  std::string_view context;            ///< follows the reference in messages (" in variant 'v'")
  bool group_names = false;            ///< a security group's GroupName also names it
};

/// The one resource `text` names among `query.kinds`. An ID names its
/// resource; otherwise a CloudFormation logical ID, a Name tag (bare or as
/// `name:TAG`, which matches Name tags only) and, with `group_names`, a
/// security group's name. More than one resource matching is an error
/// listing every candidate with its kind ("'app' matches 2 resources:
/// subnet-1 (subnet), sg-2 (security group)"), in kind order then ID order;
/// an empty reference is an error, never a match; an unknown one suggests the
/// closest ID, logical ID or Name tag of the kinds asked for (topology/suggest.h).
std::variant<ResourceRef, ReferenceError> lookUpResource(const Topology& topo, std::string_view text,
                                                         const ResourceQuery& query);

/// lookUpResource with the error as a plain Error.
Result<ResourceRef> findResource(const Topology& topo, std::string_view text, const ResourceQuery& query);

// ---- reference forms ---------------------------------------------------------

/// Where a reference stands, which decides the forms it may take.
enum class ReferenceRole : uint8_t {
  kSource,         ///< `reach --from`, `verify --internet-free`
  kDestination,    ///< `reach --to`
  kSecurityGroup,  ///< `reach --security-groups`, the groups of a job
};

/// A reference after resolution: what it names, as model objects and
/// addresses. Pointers point into the topology it was resolved against.
struct Resolved {
  enum class Kind : uint8_t {
    kInterface,      ///< `eni-…`, a Name tag or logical ID of an interface
    kInstance,       ///< `i-…`, or an instance's Name tag or logical ID
    kSubnet,         ///< `subnet:REF`, `subnet-…`, or a subnet's Name tag or logical ID
    kSecurityGroup,  ///< in the security-group role
    kAddress,        ///< `ip:A.B.C.D` or `ip:IPV6`
    kInternet,       ///< `internet`
    kPypi,           ///< `pypi`
    kService,        ///< `service:NAME`
    kHost,           ///< `host:NAME`
    kNotebook,       ///< `notebook:DOMAIN[/PROFILE]`
    kJob,            ///< `job:NAME`
    /// `lb:REF` (ID, ARN, name or logical ID), or `host:` with a load
    /// balancer's DNS name: a flow to each of its nodes
    kLoadBalancer,
  };
  Kind kind = Kind::kInternet;
  std::string text;  ///< the reference as given (labels: "notebook:studio/ds")
  const Eni* eni = nullptr;
  const Instance* instance = nullptr;
  /// kInstance: its interfaces (instanceInterfaces), device index order.
  std::vector<const Eni*> interfaces;
  const Subnet* subnet = nullptr;
  const SecurityGroup* group = nullptr;
  IpAddress address;        ///< kAddress
  std::string name;         ///< kService: the service name; kHost: the host name
  const StudioDomain* domain = nullptr;   ///< kNotebook
  const UserProfile* profile = nullptr;   ///< kNotebook, when it names one
  const SageMakerJob* job = nullptr;      ///< kJob
  const LoadBalancer* load_balancer = nullptr;  ///< kLoadBalancer
};

/// Resolves `reference` in `role` (docs/cli.md, "References"). Errors: an
/// empty reference or form (`subnet:`, `notebook:`, ''); a form the role does
/// not take (`pypi` as a source); an unknown, ambiguous or wrong-kind name
/// (lookUpResource); a malformed address. `service:` names are
/// looked up per source region by the caller (sim/services.h).
Result<Resolved> resolveReference(const Topology& topo, std::string_view reference, ReferenceRole role);

/// The interfaces of an instance, device index order: those of its
/// interface IDs the input holds.
std::vector<const Eni*> instanceInterfaces(const Topology& topo, const Instance& instance);

/// Resolves each of `refs` as a security group; returns their IDs in order.
Result<std::vector<std::string>> securityGroupIds(const Topology& topo, const std::vector<std::string>& refs);

// ---- ResourceRef::as ----------------------------------------------------------

template <typename T>
constexpr ResourceKind kindOf();
template <> constexpr ResourceKind kindOf<Vpc>() { return ResourceKind::kVpc; }
template <> constexpr ResourceKind kindOf<Subnet>() { return ResourceKind::kSubnet; }
template <> constexpr ResourceKind kindOf<RouteTable>() { return ResourceKind::kRouteTable; }
template <> constexpr ResourceKind kindOf<SecurityGroup>() { return ResourceKind::kSecurityGroup; }
template <> constexpr ResourceKind kindOf<NetworkAcl>() { return ResourceKind::kNetworkAcl; }
template <> constexpr ResourceKind kindOf<InternetGateway>() { return ResourceKind::kInternetGateway; }
template <> constexpr ResourceKind kindOf<EgressOnlyInternetGateway>() { return ResourceKind::kEgressOnlyInternetGateway; }
template <> constexpr ResourceKind kindOf<NatGateway>() { return ResourceKind::kNatGateway; }
template <> constexpr ResourceKind kindOf<VpcEndpoint>() { return ResourceKind::kVpcEndpoint; }
template <> constexpr ResourceKind kindOf<Eni>() { return ResourceKind::kNetworkInterface; }
template <> constexpr ResourceKind kindOf<Instance>() { return ResourceKind::kInstance; }
template <> constexpr ResourceKind kindOf<PrefixList>() { return ResourceKind::kPrefixList; }
template <> constexpr ResourceKind kindOf<PeeringConnection>() { return ResourceKind::kPeeringConnection; }
template <> constexpr ResourceKind kindOf<TransitGateway>() { return ResourceKind::kTransitGateway; }
template <> constexpr ResourceKind kindOf<TgwAttachment>() { return ResourceKind::kTgwAttachment; }
template <> constexpr ResourceKind kindOf<TgwRouteTable>() { return ResourceKind::kTgwRouteTable; }
template <> constexpr ResourceKind kindOf<VpnGateway>() { return ResourceKind::kVpnGateway; }
template <> constexpr ResourceKind kindOf<VpnConnection>() { return ResourceKind::kVpnConnection; }
template <> constexpr ResourceKind kindOf<LoadBalancer>() { return ResourceKind::kLoadBalancer; }
template <> constexpr ResourceKind kindOf<TargetGroup>() { return ResourceKind::kTargetGroup; }
template <> constexpr ResourceKind kindOf<StudioDomain>() { return ResourceKind::kStudioDomain; }

template <typename T>
const T* ResourceRef::as() const {
  return kind == kindOf<T>() ? static_cast<const T*>(object) : nullptr;
}

}  // namespace vpcsim::topology

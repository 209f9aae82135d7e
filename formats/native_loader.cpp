// Loader for vpcsim's native topology format (YAML or JSON); see docs/topology-format.md.
#include "formats/iam_policy.h"
#include "formats/sagemaker_section.h"
#include "formats/loader.h"

#include "topology/aws_defaults.h"
#include "topology/reference.h"
#include "topology/suggest.h"
#include "formats/input_file.h"
#include "formats/yaml_document.h"
#include "topology/validate.h"
#include "formats/yaml_fields.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace vpcsim::formats {

using namespace vpcsim::topology;  // the model this format fills

namespace {

// ---- resource kinds and their ID namespaces ---------------------------

// The kinds of topology/reference.h; the loader keeps one ID namespace per kind.
using Kind = ResourceKind;
constexpr std::size_t kKindCount = static_cast<std::size_t>(ResourceKind::kStudioDomain) + 1;

std::string_view kindName(Kind kind) { return resourceKindName(kind); }

constexpr std::size_t index(Kind kind) { return static_cast<std::size_t>(kind); }

// Top-level sections that hold resources with IDs, in load order.
struct Section {
  std::string_view key;
  Kind kind;
};
constexpr std::array<Section, 20> kSections = {{
    {"vpcs", Kind::kVpc},
    {"prefix_lists", Kind::kPrefixList},
    {"subnets", Kind::kSubnet},
    {"internet_gateways", Kind::kInternetGateway},
    {"egress_only_internet_gateways", Kind::kEgressOnlyInternetGateway},
    {"vpn_gateways", Kind::kVpnGateway},
    {"security_groups", Kind::kSecurityGroup},
    {"enis", Kind::kNetworkInterface},
    {"network_interfaces", Kind::kNetworkInterface},
    {"instances", Kind::kInstance},
    {"nat_gateways", Kind::kNatGateway},
    {"peering_connections", Kind::kPeeringConnection},
    {"vpn_connections", Kind::kVpnConnection},
    {"transit_gateways", Kind::kTransitGateway},
    {"route_tables", Kind::kRouteTable},
    {"network_acls", Kind::kNetworkAcl},
    {"vpc_endpoints", Kind::kVpcEndpoint},
    {"target_groups", Kind::kTargetGroup},
    {"load_balancers", Kind::kLoadBalancer},
    {"studio_domains", Kind::kStudioDomain},
}};

// ---- "did you mean" ------------------------------------------------------




// ---- YAML helpers ----------------------------------------------------------

// The native format's wording; see YamlDialect.
constexpr YamlDialect kNativeDialect{
    .null_is_absent = true,
    .signed_numbers = true,
    .list_shape = "'{}' in {} must be a value or a list of values",
    .list_entry = "each entry of '{}' in {} must be a single value",
};

using Item = YamlItem;

RouteTarget targetFromPrefix(std::string_view id) {
  static constexpr std::array<std::pair<std::string_view, RouteTarget>, 12> kPrefixes = {{
      {"igw-", RouteTarget::kInternetGateway},
      {"eigw-", RouteTarget::kEgressOnlyInternetGateway},
      {"nat-", RouteTarget::kNatGateway},
      {"vpce-", RouteTarget::kVpcEndpoint},
      {"pcx-", RouteTarget::kPeeringConnection},
      {"tgw-", RouteTarget::kTransitGateway},
      {"vgw-", RouteTarget::kVirtualPrivateGateway},
      {"eni-", RouteTarget::kNetworkInterface},
      {"i-", RouteTarget::kInstance},
      {"cagw-", RouteTarget::kCarrierGateway},
      {"lgw-", RouteTarget::kLocalGateway},
      {"core-network-", RouteTarget::kCoreNetwork},
  }};
  for (const auto& [prefix, target] : kPrefixes) {
    if (id.substr(0, prefix.size()) == prefix) return target;
  }
  if (id.substr(0, 4) == "arn:" && id.find(":core-network/") != std::string_view::npos) {
    return RouteTarget::kCoreNetwork;
  }
  return RouteTarget::kUnknown;
}

std::optional<Kind> kindOfTarget(RouteTarget target) {
  switch (target) {
    case RouteTarget::kInternetGateway: return Kind::kInternetGateway;
    case RouteTarget::kEgressOnlyInternetGateway: return Kind::kEgressOnlyInternetGateway;
    case RouteTarget::kNatGateway: return Kind::kNatGateway;
    case RouteTarget::kVpcEndpoint: return Kind::kVpcEndpoint;
    case RouteTarget::kPeeringConnection: return Kind::kPeeringConnection;
    case RouteTarget::kTransitGateway: return Kind::kTransitGateway;
    case RouteTarget::kVirtualPrivateGateway: return Kind::kVpnGateway;
    case RouteTarget::kNetworkInterface: return Kind::kNetworkInterface;
    case RouteTarget::kInstance: return Kind::kInstance;
    case RouteTarget::kLocal:
    case RouteTarget::kCarrierGateway:
    case RouteTarget::kLocalGateway:
    case RouteTarget::kCoreNetwork:
    case RouteTarget::kUnknown: break;
  }
  return std::nullopt;
}

// Names accepted by `target_type:`.
const std::vector<std::pair<std::string, RouteTarget>>& targetTypeNames() {
  static const std::vector<std::pair<std::string, RouteTarget>> kNames = [] {
    std::vector<std::pair<std::string, RouteTarget>> names = {
        {"igw", RouteTarget::kInternetGateway},  {"eigw", RouteTarget::kEgressOnlyInternetGateway},
        {"nat", RouteTarget::kNatGateway},       {"vpce", RouteTarget::kVpcEndpoint},
        {"pcx", RouteTarget::kPeeringConnection}, {"tgw", RouteTarget::kTransitGateway},
        {"vgw", RouteTarget::kVirtualPrivateGateway}, {"eni", RouteTarget::kNetworkInterface},
        {"cagw", RouteTarget::kCarrierGateway},  {"lgw", RouteTarget::kLocalGateway},
    };
    for (RouteTarget target :
         {RouteTarget::kLocal, RouteTarget::kInternetGateway, RouteTarget::kEgressOnlyInternetGateway,
          RouteTarget::kNatGateway, RouteTarget::kVpcEndpoint, RouteTarget::kPeeringConnection,
          RouteTarget::kTransitGateway, RouteTarget::kVirtualPrivateGateway, RouteTarget::kNetworkInterface,
          RouteTarget::kInstance, RouteTarget::kCarrierGateway, RouteTarget::kLocalGateway,
          RouteTarget::kCoreNetwork}) {
      names.emplace_back(std::string(routeTargetName(target)), target);
    }
    return names;
  }();
  return kNames;
}

// ---- the loader ------------------------------------------------------------

class NativeLoader {
 public:
  NativeLoader(std::string file, const LoadOptions& options, Topology& into)
      : yaml_(std::move(file), kNativeDialect), region_(options.region), account_(options.account), into_(into) {}

  bool run(const std::filesystem::path& path, std::vector<Diagnostic>& errors);

 private:
  // -- field access --
  std::optional<Fields> fields(const YAML::Node& node, std::string_view what,
                               const std::vector<std::string_view>& allowed, bool common = true);
  std::optional<Cidr> cidrOf(const Item& item);
  std::optional<Ipv6Block> ipv6BlockOf(const Item& item);
  std::vector<Ipv6Association> ipv6Blocks(const Fields& f);
  std::optional<Ipv4> ipOf(const Item& item);
  std::vector<Cidr> cidrs(const Fields& f, std::string_view key);
  std::vector<Ipv4> ips(const Fields& f, std::string_view key);
  std::optional<std::string> idOf(const Fields& f);
  ResourceMeta meta(const Fields& f, const std::string& id);
  std::vector<std::pair<std::string, std::string>> tagsOf(const Fields& f);
  std::vector<std::pair<std::string, std::string>> keyValues(const Fields& f, std::string_view key,
                                                             std::string_view entry);

  // -- references --
  bool known(Kind kind, std::string_view id) const { return ids_[index(kind)].count(id) != 0; }
  bool ref(Kind kind, Item& item);
  std::vector<std::string> refs(Kind kind, std::vector<Item> items);
  std::string resolveVpc(const Fields& f, const std::string& derived = "", const YAML::Node* derived_from = nullptr);
  void attachVpcs(const Fields& f, std::vector<std::string>& vpc_ids);
  void checkSameVpc(Kind kind, const Item& item, const std::string& vpc_id);
  std::vector<std::string> sameVpcRefs(Kind kind, std::vector<Item> items, const std::string& vpc_id);
  void deriveVpc(Kind kind, const std::vector<Item>& items, std::string& derived, const YAML::Node*& derived_from) const;
  std::vector<std::string> subnetsOnePerZone(std::vector<Item> items, const std::string& vpc_id, const std::string& owner);
  std::string vpcOf(Kind kind, std::string_view id) const;

  template <typename T>
  const T* lookup(Kind kind, const std::vector<T>& local, const std::vector<T>& existing, std::string_view id) const {
    const auto& map = local_[index(kind)];
    if (auto it = map.find(id); it != map.end()) return &local[it->second];
    for (const auto& item : existing) {
      if (item.meta.id == id) return &item;
    }
    return nullptr;
  }
  const Vpc* vpc(std::string_view id) const { return lookup(Kind::kVpc, out_.vpcs, into_.vpcs, id); }
  const Subnet* subnet(std::string_view id) const { return lookup(Kind::kSubnet, out_.subnets, into_.subnets, id); }
  template <typename T>
  void add(Kind kind, std::vector<T>& items, T item) {
    local_[index(kind)].emplace(item.meta.id, items.size());
    items.push_back(std::move(item));
  }

  // -- sections --
  void registerIds(const YAML::Node& root);
  void registerId(Kind kind, const YAML::Node& item, std::string_view what);
  template <typename Fn>
  void forEach(const Fields& root, std::string_view section, Fn&& fn);
  void parseVpc(const YAML::Node& node);
  void parsePrefixList(const YAML::Node& node);
  void parseSubnet(const YAML::Node& node);
  void parseInternetGateway(const YAML::Node& node);
  void parseEgressOnlyInternetGateway(const YAML::Node& node);
  void parseVpnGateway(const YAML::Node& node);
  void parseSecurityGroup(const YAML::Node& node);
  void parseSgRules(const Fields& group, std::string_view key, const std::string& self_id, std::vector<SgRule>& into);
  void parseEni(const YAML::Node& node);
  void parseInstance(const YAML::Node& node);
  void parseNatGateway(const YAML::Node& node);
  void parsePeering(const YAML::Node& node);
  void parseVpnConnection(const YAML::Node& node);
  void parseTransitGateway(const YAML::Node& node);
  void parseTgwAttachment(const YAML::Node& node, const std::string& tgw_id);
  bool ownTgwAttachment(Item& item, const std::string& tgw_id);
  std::optional<std::string> parseTgwRouteTable(const YAML::Node& node, const std::string& tgw_id,
                                                std::set<std::string>& propagating);
  std::optional<TgwRoute> parseTgwRoute(const YAML::Node& node, const std::string& tgw_id);
  void checkTgwAssociations(const YAML::Node& node, const std::string& tgw_id, std::size_t first_attachment,
                            const std::vector<std::string>& table_ids);
  void applyTgwDefaults(const Fields& f, TransitGateway& tgw, std::size_t first_attachment,
                        const std::vector<std::string>& table_ids, const std::set<std::string>& propagating);
  void parseRouteTable(const YAML::Node& node);
  std::optional<Route> parseRoute(const YAML::Node& node);
  RouteTarget resolveTarget(Item& target, const Fields& route, bool blackhole);
  void parseNetworkAcl(const YAML::Node& node);
  void parseEndpoint(const YAML::Node& node);
  void parseTargetGroup(const YAML::Node& node);
  void parseLoadBalancer(const YAML::Node& node);
  void parseListener(const YAML::Node& node, const LoadBalancer& lb, std::set<int>& ports);
  void linkLoadBalancing();
  std::string loadBalancerArn(std::string_view id) const;
  void parseStudioDomain(const YAML::Node& node);
  void parseJob(const YAML::Node& node);
  void parseIam(const YAML::Node& node);
  std::optional<PolicyDocument> policyDocumentOf(const YAML::Node& value, std::string name);
  void parseManagedPolicy(const YAML::Node& node);
  void parseOrganizationPolicy(const YAML::Node& node, std::vector<OrganizationPolicy>& into);
  void parsePrincipal(const YAML::Node& node, PrincipalKind kind);
  void linkInstances();
  void addImpliedDefaults();
  void addGatewayEndpointRoutes();
  std::optional<PortRange> ports(const Fields& f, int protocol);

  YamlReader yaml_;
  std::string region_;
  std::string account_;
  Topology& into_;
  Topology out_;
  std::array<std::map<std::string, std::string, std::less<>>, kKindCount> ids_;     // id -> origin
  std::array<std::map<std::string, std::size_t, std::less<>>, kKindCount> local_;   // id -> index in out_
  std::map<std::string, std::string, std::less<>> main_tables_;      // vpc -> main route table
  std::map<std::string, std::string, std::less<>> subnet_tables_;    // subnet -> route table
  std::map<std::string, std::string, std::less<>> subnet_acls_;      // subnet -> network acl
  std::map<std::string, std::string, std::less<>> attachment_tgw_;   // tgw attachment -> tgw
  std::map<std::string, std::string, std::less<>> tgw_table_owner_;  // tgw route table -> tgw
  std::map<std::pair<std::string, uint32_t>, std::string> used_ips_;  // (vpc, ip) -> eni
  std::set<std::string, std::less<>> bad_cidr_subnets_;              // subnets whose cidr did not parse
};

// With `common`, every resource's `id`, `name`, `account`, `region` and `tags` are allowed too.
std::optional<Fields> NativeLoader::fields(const YAML::Node& node, std::string_view what,
                                           const std::vector<std::string_view>& allowed, bool common) {
  std::vector<std::string_view> keys = allowed;
  if (common) {
    for (std::string_view key : {"id", "name", "account", "region", "tags"}) keys.push_back(key);
  }
  return yaml_.fields(node, what, keys);
}

std::optional<Cidr> NativeLoader::cidrOf(const Item& item) {
  auto cidr = Cidr::parse(item.text);
  if (!cidr) {
    yaml_.error(item.node, "bad-cidr", cidr.error());
    return std::nullopt;
  }
  return *cidr;
}

// A known IPv6 block, or one assigned at deployment written as Ipv6Block prints it.
std::optional<Ipv6Block> NativeLoader::ipv6BlockOf(const Item& item) {
  auto block = Ipv6Block::parse(item.text);
  if (!block) {
    yaml_.error(item.node, "bad-cidr", block.error());
    return std::nullopt;
  }
  return *block;
}

// `ipv6_cidr` / `ipv6_cidrs` of a VPC or subnet: associated blocks.
std::vector<Ipv6Association> NativeLoader::ipv6Blocks(const Fields& f) {
  std::vector<Ipv6Association> out;
  for (const auto& key : {"ipv6_cidr", "ipv6_cidrs"}) {
    for (const auto& item : yaml_.list(f, key)) {
      if (auto block = ipv6BlockOf(item)) {
        Ipv6Association association;
        association.block = *block;
        out.push_back(std::move(association));
      }
    }
  }
  return out;
}

std::optional<Ipv4> NativeLoader::ipOf(const Item& item) {
  auto ip = Ipv4::parse(item.text);
  if (!ip) {
    yaml_.error(item.node, "bad-ip", ip.error());
    return std::nullopt;
  }
  return *ip;
}

std::vector<Cidr> NativeLoader::cidrs(const Fields& f, std::string_view key) {
  std::vector<Cidr> out;
  for (const auto& item : yaml_.list(f, key)) {
    if (auto cidr = cidrOf(item)) out.push_back(*cidr);
  }
  return out;
}

std::vector<Ipv4> NativeLoader::ips(const Fields& f, std::string_view key) {
  std::vector<Ipv4> out;
  for (const auto& item : yaml_.list(f, key)) {
    if (auto ip = ipOf(item)) out.push_back(*ip);
  }
  return out;
}

std::optional<std::string> NativeLoader::idOf(const Fields& f) {
  // Missing or malformed IDs were reported while registering IDs.
  const Field* field = f.find("id");
  if (field == nullptr || !field->value.IsScalar() || field->value.Scalar().empty()) return std::nullopt;
  return field->value.Scalar();
}

// `tags:` a mapping of keys to values, as the EC2 and IAM Tags lists hold them.
std::vector<std::pair<std::string, std::string>> NativeLoader::tagsOf(const Fields& f) {
  return keyValues(f, "tags", "tag");
}

// `key:` a mapping of keys to single values (tags, attributes), in file order.
std::vector<std::pair<std::string, std::string>> NativeLoader::keyValues(const Fields& f, std::string_view key,
                                                                         std::string_view entry) {
  std::vector<std::pair<std::string, std::string>> out;
  const Field* field = f.find(key);
  if (field == nullptr || field->value.IsNull()) return out;
  if (!field->value.IsMap()) {
    yaml_.error(field->value, "bad-shape", fmt::format("'{}' in {} must be a mapping of keys to values", key, f.what));
    return out;
  }
  for (auto it = field->value.begin(); it != field->value.end(); ++it) {
    if (!it->first.IsScalar() || !it->second.IsScalar()) {
      yaml_.error(it->first, "bad-shape", fmt::format("each {} in {} must be a key and a single value", entry, f.what));
      continue;
    }
    out.emplace_back(it->first.Scalar(), it->second.Scalar());
  }
  return out;
}

ResourceMeta NativeLoader::meta(const Fields& f, const std::string& id) {
  ResourceMeta m;
  m.id = id;
  m.name = yaml_.text(f, "name").value_or("");
  m.tags = tagsOf(f);
  if (m.name.empty()) {
    for (const auto& [key, value] : m.tags) {
      if (key == "Name") m.name = value;
    }
  }
  m.account = yaml_.text(f, "account").value_or(account_);
  m.region = yaml_.text(f, "region").value_or(region_);
  m.origin = yaml_.loc(f.node);
  return m;
}

// A reference names a resource of this file or of an input loaded before it
// by its ID; a resource of an earlier input (a template's, say) also by its
// logical ID or Name tag, through the one resolver (topology::lookUpResource).
// On success `item.text` holds the ID.
bool NativeLoader::ref(Kind kind, Item& item) {
  if (known(kind, item.text)) return true;
  if (!item.text.empty()) {
    auto found = topology::lookUpResource(into_, item.text, topology::ResourceQuery{{kind}, kindName(kind), {}, false});
    if (const auto* match = std::get_if<topology::ResourceRef>(&found)) {
      item.text = match->meta->id;
      return true;
    }
    const auto& error = std::get<topology::ReferenceError>(found);
    if (error.problem == topology::ReferenceProblem::kAmbiguous ||
        error.problem == topology::ReferenceProblem::kWrongKind) {
      yaml_.error(item.node, std::string(error.code()), error.message);
      return false;
    }
  }
  std::vector<std::string_view> candidates;
  for (const auto& [id, origin] : ids_[index(kind)]) candidates.push_back(id);
  topology::forEachResourceCollection(into_, [&](Kind collection_kind, const auto& items) {
    if (collection_kind != kind) return;
    for (const auto& resource : items) {
      if (!resource.meta.logical_id.empty()) candidates.push_back(resource.meta.logical_id);
    }
  });
  yaml_.error(item.node, "unknown-reference",
              fmt::format("unknown {} '{}'{}", kindName(kind), item.text, didYouMean(item.text, candidates)));
  return false;
}

std::vector<std::string> NativeLoader::refs(Kind kind, std::vector<Item> items) {
  std::vector<std::string> out;
  for (auto& item : items) {
    if (ref(kind, item)) out.push_back(item.text);
  }
  return out;
}

// The VPC named by `vpc:`; else the one derived from a subnet; else the
// file's only VPC; else an error.
std::string NativeLoader::resolveVpc(const Fields& f, const std::string& derived, const YAML::Node* derived_from) {
  if (f.find("vpc") != nullptr) {
    auto id = yaml_.text(f, "vpc");
    if (!id) return derived;
    Item item{*id, f.find("vpc")->value};
    if (!ref(Kind::kVpc, item)) return derived;
    if (!derived.empty() && derived != item.text && derived_from != nullptr) {
      yaml_.error(item.node, "conflict",
                  fmt::format("vpc '{}' does not match '{}', which is in vpc '{}'", *id, derived_from->Scalar(),
                              derived));
    }
    return item.text;
  }
  if (!derived.empty()) return derived;
  if (ids_[index(Kind::kVpc)].size() == 1) return ids_[index(Kind::kVpc)].begin()->first;
  if (derived_from == nullptr) yaml_.error(f.node, "missing-key", fmt::format("missing key 'vpc' in {}", f.what));
  return "";
}

// `vpc:` or `vpcs:`; absent means the file's only VPC, `vpcs: []` detached.
void NativeLoader::attachVpcs(const Fields& f, std::vector<std::string>& vpc_ids) {
  if (f.has("vpc") || f.has("vpcs")) {
    for (const auto& key : {"vpc", "vpcs"}) {
      for (auto& id : refs(Kind::kVpc, yaml_.list(f, key))) vpc_ids.push_back(std::move(id));
    }
  } else if (ids_[index(Kind::kVpc)].size() == 1) {
    vpc_ids.push_back(ids_[index(Kind::kVpc)].begin()->first);
  }
}

std::string NativeLoader::vpcOf(Kind kind, std::string_view id) const {
  switch (kind) {
    case Kind::kSubnet:
      if (const auto* s = subnet(id)) return s->vpc_id;
      break;
    case Kind::kSecurityGroup:
      if (const auto* sg = lookup(Kind::kSecurityGroup, out_.security_groups, into_.security_groups, id)) {
        return sg->vpc_id;
      }
      break;
    case Kind::kRouteTable:
      if (const auto* rt = lookup(Kind::kRouteTable, out_.route_tables, into_.route_tables, id)) return rt->vpc_id;
      break;
    case Kind::kTargetGroup:
      if (const auto* group = lookup(Kind::kTargetGroup, out_.target_groups, into_.target_groups, id)) {
        return group->vpc_id;
      }
      break;
    default: break;
  }
  return "";
}

// Reports a referenced resource that lives in another VPC than its user.
void NativeLoader::checkSameVpc(Kind kind, const Item& item, const std::string& vpc_id) {
  if (vpc_id.empty() || !known(kind, item.text)) return;
  std::string other = vpcOf(kind, item.text);
  if (!other.empty() && other != vpc_id) {
    yaml_.error(item.node, "conflict",
                fmt::format("{} '{}' is in vpc '{}', not '{}'", kindName(kind), item.text, other, vpc_id));
  }
}

// ---- pass 1: IDs -----------------------------------------------------------

void NativeLoader::registerId(Kind kind, const YAML::Node& item, std::string_view what) {
  if (!item.IsMap()) return;  // reported in pass 2
  YAML::Node id;
  for (auto it = item.begin(); it != item.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == "id") {
      id = it->second;
      break;
    }
  }
  if (!id.IsDefined() || id.IsNull()) {
    yaml_.error(item, "missing-key", fmt::format("missing key 'id' in {}", what));
    return;
  }
  if (!id.IsScalar() || id.Scalar().empty()) {
    yaml_.error(id, "bad-value", fmt::format("'id' in {} must be a non-empty string", what));
    return;
  }
  auto& table = ids_[index(kind)];
  if (auto it = table.find(id.Scalar()); it != table.end()) {
    yaml_.error(id, "duplicate-id",
                fmt::format("duplicate {} id '{}' (first defined at {})", kindName(kind), id.Scalar(), it->second));
    return;
  }
  table.emplace(id.Scalar(), yaml_.loc(item));
}

void NativeLoader::registerIds(const YAML::Node& root) {
  auto sequence = [&](const YAML::Node& map, std::string_view key) -> YAML::Node {
    if (!map.IsMap()) return YAML::Node();
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key && it->second.IsSequence()) return it->second;
    }
    return YAML::Node();
  };
  for (const auto& section : kSections) {
    YAML::Node items = sequence(root, section.key);
    if (!items.IsDefined()) continue;
    for (const auto& item : items) {
      registerId(section.kind, item, kindName(section.kind));
      if (section.kind != Kind::kTransitGateway) continue;
      YAML::Node attachments = sequence(item, "attachments");
      if (attachments.IsDefined()) {
        for (const auto& attachment : attachments) {
          registerId(Kind::kTgwAttachment, attachment, kindName(Kind::kTgwAttachment));
        }
      }
      YAML::Node tables = sequence(item, "route_tables");
      if (tables.IsDefined()) {
        for (const auto& table : tables) registerId(Kind::kTgwRouteTable, table, kindName(Kind::kTgwRouteTable));
      }
    }
  }
}

// ---- pass 2: resources ----------------------------------------------------

template <typename Fn>
void NativeLoader::forEach(const Fields& root, std::string_view section, Fn&& fn) {
  const Field* field = root.find(section);
  if (field == nullptr) return;
  if (!field->value.IsSequence()) {
    yaml_.error(field->value, "bad-shape", fmt::format("'{}' must be a list", section));
    return;
  }
  for (const auto& item : field->value) fn(item);
}

void NativeLoader::parseVpc(const YAML::Node& node) {
  auto f = fields(node, "vpc", {"cidr", "cidrs", "disassociated_cidrs", "ipv6_cidr", "ipv6_cidrs", "dns_support",
                                "dns_hostnames", "default"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  Vpc vpc;
  vpc.meta = meta(*f, *id);
  vpc.cidrs = cidrs(*f, "cidr");
  for (const auto& cidr : cidrs(*f, "cidrs")) vpc.cidrs.push_back(cidr);
  if (!f->has("cidr") && !f->has("cidrs")) yaml_.error(node, "missing-key", "missing key 'cidr' in vpc");
  vpc.disassociated_cidrs = cidrs(*f, "disassociated_cidrs");
  vpc.ipv6_blocks = ipv6Blocks(*f);
  vpc.dns_support = yaml_.flag(*f, "dns_support", true);
  vpc.dns_hostnames = yaml_.flag(*f, "dns_hostnames", false);
  vpc.is_default = yaml_.flag(*f, "default", false);
  add(Kind::kVpc, out_.vpcs, std::move(vpc));
}

void NativeLoader::parsePrefixList(const YAML::Node& node) {
  auto f = fields(node, "prefix list", {"prefix_list_name", "service", "cidr", "cidrs", "aws_managed"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  PrefixList list;
  list.meta = meta(*f, *id);
  if (auto service = yaml_.text(*f, "service")) {
    list.prefix_list_name = service->find('.') == std::string::npos
                                ? fmt::format("com.amazonaws.{}.{}", list.meta.region, *service)
                                : *service;
    list.aws_managed = true;
  }
  if (auto name = yaml_.text(*f, "prefix_list_name")) list.prefix_list_name = *name;
  if (list.prefix_list_name.empty()) list.prefix_list_name = list.meta.name;
  list.aws_managed = yaml_.flag(*f, "aws_managed", list.aws_managed);
  list.cidrs = cidrs(*f, "cidr");
  for (const auto& cidr : cidrs(*f, "cidrs")) list.cidrs.push_back(cidr);
  add(Kind::kPrefixList, out_.prefix_lists, std::move(list));
}

void NativeLoader::parseSubnet(const YAML::Node& node) {
  auto f = fields(node, "subnet",
                  {"vpc", "az", "az_id", "cidr", "ipv6_cidr", "ipv6_cidrs", "ipv6_native", "public_ip_on_launch",
                   "assign_ipv6_on_creation"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  Subnet s;
  s.meta = meta(*f, *id);
  s.vpc_id = resolveVpc(*f);
  s.availability_zone = yaml_.text(*f, "az", true).value_or("");
  s.availability_zone_id = yaml_.text(*f, "az_id").value_or("");
  s.ipv6_blocks = ipv6Blocks(*f);
  s.assign_ipv6_address_on_creation = yaml_.flag(*f, "assign_ipv6_on_creation", false);
  s.map_public_ip_on_launch = yaml_.flag(*f, "public_ip_on_launch", false);
  // An IPv6-only subnet has no IPv4 block (VPC User Guide, "IPv6-only subnets").
  s.ipv6_native = yaml_.flag(*f, "ipv6_native", false);
  if (s.ipv6_native) {
    s.cidr = Cidr::of(Ipv4(), 32);
    if (f->find("cidr") != nullptr) {
      yaml_.error(f->find("cidr")->value, "bad-cidr", "an IPv6-only subnet (ipv6_native) has no IPv4 cidr");
    }
    if (s.ipv6_blocks.empty()) yaml_.error(node, "missing-key", "an IPv6-only subnet (ipv6_native) needs ipv6_cidr");
    add(Kind::kSubnet, out_.subnets, std::move(s));
    return;
  }
  auto cidr_text = yaml_.text(*f, "cidr", true);
  if (cidr_text) {
    Item item{*cidr_text, f->find("cidr")->value};
    auto cidr = cidrOf(item);
    if (!cidr) bad_cidr_subnets_.insert(*id);
    // Outside its VPC, overlapping another subnet: topology::checkTopology,
    // once for every format.
    if (cidr) s.cidr = *cidr;
  }
  add(Kind::kSubnet, out_.subnets, std::move(s));
}

void NativeLoader::parseInternetGateway(const YAML::Node& node) {
  auto f = fields(node, "internet gateway", {"vpc", "vpcs"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  InternetGateway igw;
  igw.meta = meta(*f, *id);
  attachVpcs(*f, igw.vpc_ids);
  add(Kind::kInternetGateway, out_.internet_gateways, std::move(igw));
}

void NativeLoader::parseEgressOnlyInternetGateway(const YAML::Node& node) {
  auto f = fields(node, "egress-only internet gateway", {"vpc"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  EgressOnlyInternetGateway gateway;
  gateway.meta = meta(*f, *id);
  std::vector<std::string> vpc_ids;
  attachVpcs(*f, vpc_ids);
  if (!vpc_ids.empty()) gateway.vpc_id = vpc_ids.front();
  add(Kind::kEgressOnlyInternetGateway, out_.egress_only_internet_gateways, std::move(gateway));
}

void NativeLoader::parseVpnGateway(const YAML::Node& node) {
  auto f = fields(node, "vpn gateway", {"vpc", "vpcs"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  VpnGateway vgw;
  vgw.meta = meta(*f, *id);
  attachVpcs(*f, vgw.vpc_ids);
  add(Kind::kVpnGateway, out_.vpn_gateways, std::move(vgw));
}

std::optional<PortRange> NativeLoader::ports(const Fields& f, int protocol) {
  auto value = yaml_.text(f, "ports");
  if (!value) return PortRange{};
  const YAML::Node& at = f.find("ports")->value;
  if (*value == "all") return PortRange{};
  if (protocol != kProtocolTcp && protocol != kProtocolUdp) {
    yaml_.error(at, "bad-value", fmt::format("'ports' applies only to tcp and udp, not {}", protocolName(protocol)));
    return std::nullopt;
  }
  std::string_view view = *value;
  std::size_t dash = view.find('-', 1);
  long long from = 0;
  long long to = 0;
  bool ok = dash == std::string_view::npos
                ? parseInteger(view, from) && (to = from, true)
                : parseInteger(view.substr(0, dash), from) && parseInteger(view.substr(dash + 1), to);
  if (!ok || from < 0 || to > 65535 || from > to) {
    yaml_.error(at, "bad-value",
                fmt::format("'ports' must be a port, a range like 1024-65535 or 'all' (0-65535), not '{}'", *value));
    return std::nullopt;
  }
  return PortRange{static_cast<int>(from), static_cast<int>(to)};
}

void NativeLoader::parseSgRules(const Fields& group, std::string_view key, const std::string& self_id,
                                std::vector<SgRule>& into) {
  int index_in_list = 0;
  for (const auto& node : yaml_.nodes(group, key)) {
    int rule_index = index_in_list++;
    auto f = fields(node, "security group rule",
                    {"protocol", "ports", "icmp_type", "icmp_code", "cidr", "cidrs", "ipv6", "prefix_list", "sg",
                     "peer_vpc", "description"},
                    false);
    if (!f) continue;
    SgRule base;
    base.index = rule_index;
    base.source = yaml_.loc(node);
    base.description = yaml_.text(*f, "description").value_or("");
    base.peer_vpc_id = yaml_.text(*f, "peer_vpc").value_or("");
    auto protocol_text = yaml_.text(*f, "protocol", true);
    if (protocol_text) {
      auto protocol = parseProtocol(*protocol_text);
      if (!protocol) {
        yaml_.error(f->find("protocol")->value, "bad-value", protocol.error());
      } else {
        base.protocol = *protocol;
      }
    }
    bool icmp = base.protocol == kProtocolIcmp || base.protocol == kProtocolIcmpv6;
    if (base.protocol == kProtocolTcp || base.protocol == kProtocolUdp) {
      auto range = ports(*f, base.protocol);
      if (range) {
        base.from_port = range->from;
        base.to_port = range->to;
      }
    } else {
      ports(*f, base.protocol);
    }
    for (const auto& icmp_key : {"icmp_type", "icmp_code"}) {
      if (!f->has(icmp_key)) continue;
      if (!icmp) {
        yaml_.error(f->items.at(icmp_key).key, "bad-value", fmt::format("'{}' applies only to icmp", icmp_key));
        continue;
      }
      if (auto value = yaml_.number(*f, icmp_key, -1, 255)) {
        (std::string_view(icmp_key) == "icmp_type" ? base.from_port : base.to_port) = static_cast<int>(*value);
      }
    }
    if (auto problem = icmp ? topology::sgPortsProblem(base.protocol, base.from_port, base.to_port) : std::nullopt) {
      const char* field = problem->field == topology::RuleField::kFrom ? "icmp_type" : "icmp_code";
      yaml_.error(f->has(field) ? f->items.at(field).value : node, "bad-value", problem->message);
    }
    for (const auto& cidr_key : {"cidr", "cidrs"}) {
      for (const auto& item : yaml_.list(*f, cidr_key)) {
        if (auto cidr = cidrOf(item)) {
          SgRule rule = base;
          rule.peer_kind = PeerKind::kCidr;
          rule.cidr = *cidr;
          into.push_back(std::move(rule));
        }
      }
    }
    for (const auto& item : yaml_.list(*f, "ipv6")) {
      if (auto block = ipv6BlockOf(item)) {
        SgRule rule = base;
        rule.peer_kind = PeerKind::kIpv6Cidr;
        rule.cidr6 = *block;
        into.push_back(std::move(rule));
      }
    }
    for (auto& item : yaml_.list(*f, "prefix_list")) {
      if (!ref(Kind::kPrefixList, item)) continue;
      SgRule rule = base;
      rule.peer_kind = PeerKind::kPrefixList;
      rule.peer = item.text;
      into.push_back(std::move(rule));
    }
    for (auto& item : yaml_.list(*f, "sg")) {
      if (item.text != "self" && base.peer_vpc_id.empty() && !ref(Kind::kSecurityGroup, item)) continue;
      SgRule rule = base;
      rule.peer_kind = PeerKind::kSecurityGroup;
      rule.peer = item.text == "self" ? self_id : item.text;
      into.push_back(std::move(rule));
    }
    bool any_peer = false;
    for (const auto& peer_key : {"cidr", "cidrs", "ipv6", "prefix_list", "sg"}) any_peer = any_peer || f->has(peer_key);
    if (!any_peer) {
      yaml_.error(node, "missing-key", "security group rule needs a peer: cidr, cidrs, ipv6, prefix_list or sg");
    }
  }
}

void NativeLoader::parseSecurityGroup(const YAML::Node& node) {
  auto f = fields(node, "security group", {"vpc", "group_name", "default", "description", "ingress", "egress"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  SecurityGroup sg;
  sg.meta = meta(*f, *id);
  sg.vpc_id = resolveVpc(*f);
  sg.description = yaml_.text(*f, "description").value_or("");
  bool is_default = yaml_.flag(*f, "default", false);
  sg.group_name =
      yaml_.text(*f, "group_name").value_or(is_default ? "default" : sg.meta.name.empty() ? *id : sg.meta.name);
  parseSgRules(*f, "ingress", *id, sg.ingress);
  if (f->has("egress")) {
    parseSgRules(*f, "egress", *id, sg.egress);
  } else {
    // VPC User Guide: Security group rules — a new group has an outbound rule
    // allowing all traffic until it is removed.
    SgRule all;
    all.cidr = *Cidr::parse("0.0.0.0/0");
    all.source = yaml_.loc(node);
    sg.egress.push_back(all);
  }
  add(Kind::kSecurityGroup, out_.security_groups, std::move(sg));
}

void NativeLoader::parseEni(const YAML::Node& node) {
  auto f = fields(node, "network interface",
                  {"subnet", "vpc", "az", "ip", "ips", "public_ip", "public_ips", "ipv6", "ipv6_prefixes", "security_groups", "type",
                   "description", "requester", "instance", "source_dest_check"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  Eni eni;
  eni.meta = meta(*f, *id);
  const Subnet* home = nullptr;
  std::optional<Item> subnet_item;
  if (auto subnet_id = yaml_.text(*f, "subnet", true)) {
    subnet_item = Item{*subnet_id, f->find("subnet")->value};
    if (ref(Kind::kSubnet, *subnet_item)) {
      eni.subnet_id = subnet_item->text;
      home = subnet(eni.subnet_id);
    }
  }
  std::string derived_vpc = home != nullptr ? home->vpc_id : "";
  std::string derived_az = home != nullptr ? home->availability_zone : "";
  Cidr home_cidr = home != nullptr ? home->cidr : Cidr();
  bool have_home = home != nullptr && bad_cidr_subnets_.count(home->meta.id) == 0;
  eni.vpc_id = resolveVpc(*f, derived_vpc, subnet_item ? &subnet_item->node : nullptr);
  eni.availability_zone = yaml_.text(*f, "az").value_or(derived_az);
  for (const auto& key : {"ip", "ips"}) {
    for (const auto& item : yaml_.list(*f, key)) {
      auto ip = ipOf(item);
      if (!ip) continue;
      if (have_home && !home->hasIpv4()) {
        yaml_.error(item.node, "bad-ip",
                    fmt::format("{} is an IPv4 address, and subnet '{}' is IPv6-only", ip->str(), eni.subnet_id));
      } else if (have_home && !home_cidr.contains(*ip)) {
        yaml_.error(item.node, "bad-ip",
                    fmt::format("{} is outside subnet '{}' ({})", ip->str(), eni.subnet_id, home_cidr.str()));
      }
      auto [it, inserted] = used_ips_.emplace(std::make_pair(eni.vpc_id, ip->value()), *id);
      if (!inserted) {
        yaml_.error(item.node, "conflict",
                    fmt::format("{} is already used by network interface '{}'", ip->str(), it->second));
      }
      eni.private_ips.push_back(*ip);
    }
  }
  const bool ipv6_only = home != nullptr && !home->hasIpv4();
  if (ipv6_only && !f->has("ipv6")) {
    yaml_.error(node, "missing-key", "missing key 'ipv6' in a network interface of an IPv6-only subnet");
  } else if (!ipv6_only && !f->has("ip") && !f->has("ips")) {
    yaml_.error(node, "missing-key", "missing key 'ips' in network interface");
  }
  std::size_t paired = 0;
  for (const auto& key : {"public_ip", "public_ips"}) {
    for (const auto& item : yaml_.list(*f, key)) {
      auto ip = ipOf(item);
      if (!ip) continue;
      if (paired >= eni.private_ips.size()) {
        yaml_.error(item.node, "bad-ip", fmt::format("public ip {} has no private ip to map to", ip->str()));
        continue;
      }
      eni.public_ips.push_back({eni.private_ips[paired++], *ip, false});
    }
  }
  for (const auto& item : yaml_.list(*f, "ipv6")) {
    auto address = Ipv6::parse(item.text);
    if (address) {
      eni.ipv6_addresses.push_back(*address);
    } else {
      yaml_.error(item.node, "bad-ip", address.error());
    }
  }
  for (const auto& item : yaml_.list(*f, "ipv6_prefixes")) {
    auto prefix = Cidr6::parse(item.text);
    if (prefix) {
      eni.ipv6_prefixes.push_back(*prefix);
    } else {
      yaml_.error(item.node, "bad-cidr", prefix.error());
    }
  }
  for (auto& item : yaml_.list(*f, "security_groups")) {
    if (!ref(Kind::kSecurityGroup, item)) continue;
    checkSameVpc(Kind::kSecurityGroup, item, eni.vpc_id);
    eni.security_group_ids.push_back(item.text);
  }
  eni.interface_type = yaml_.text(*f, "type").value_or("interface");
  eni.description = yaml_.text(*f, "description").value_or("");
  eni.requester_id = yaml_.text(*f, "requester").value_or("");
  if (auto instance = yaml_.text(*f, "instance")) {
    if (Item item{*instance, f->find("instance")->value}; ref(Kind::kInstance, item)) eni.instance_id = item.text;
  }
  eni.source_dest_check = yaml_.flag(*f, "source_dest_check", true);
  add(Kind::kNetworkInterface, out_.enis, std::move(eni));
}

void NativeLoader::parseInstance(const YAML::Node& node) {
  auto f = fields(node, "instance", {"enis", "state"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  Instance instance;
  instance.meta = meta(*f, *id);
  for (auto& item : yaml_.list(*f, "enis")) {
    if (!ref(Kind::kNetworkInterface, item)) continue;
    if (auto it = local_[index(Kind::kNetworkInterface)].find(item.text); it != local_[index(Kind::kNetworkInterface)].end()) {
      Eni& eni = out_.enis[it->second];
      if (!eni.instance_id.empty() && eni.instance_id != *id) {
        yaml_.error(item.node, "conflict",
                    fmt::format("network interface '{}' is attached to instance '{}'", item.text, eni.instance_id));
        continue;
      }
      eni.instance_id = *id;
    }
    instance.eni_ids.push_back(item.text);
  }
  instance.state = yaml_.text(*f, "state").value_or("running");
  add(Kind::kInstance, out_.instances, std::move(instance));
}

// ENIs that name their instance join its ENI list when the instance omits them.
void NativeLoader::linkInstances() {
  for (const auto& eni : out_.enis) {
    if (eni.instance_id.empty()) continue;
    auto it = local_[index(Kind::kInstance)].find(eni.instance_id);
    if (it == local_[index(Kind::kInstance)].end()) continue;
    auto& list = out_.instances[it->second].eni_ids;
    if (std::find(list.begin(), list.end(), eni.meta.id) == list.end()) list.push_back(eni.meta.id);
  }
}

void NativeLoader::parseNatGateway(const YAML::Node& node) {
  auto f = fields(node, "nat gateway",
                  {"subnet", "vpc", "public", "private_ip", "private_ips", "public_ip", "public_ips", "eni"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  NatGateway nat;
  nat.meta = meta(*f, *id);
  std::string derived;
  std::optional<Item> subnet_item;
  if (auto subnet_id = yaml_.text(*f, "subnet", true)) {
    subnet_item = Item{*subnet_id, f->find("subnet")->value};
    if (ref(Kind::kSubnet, *subnet_item)) {
      nat.subnet_id = subnet_item->text;
      // A subnet whose own entry had an error is named but not kept.
      if (const Subnet* home = subnet(nat.subnet_id)) derived = home->vpc_id;
    }
  }
  nat.vpc_id = resolveVpc(*f, derived, subnet_item ? &subnet_item->node : nullptr);
  nat.is_public = yaml_.flag(*f, "public", true);
  for (const auto& key : {"private_ip", "private_ips"}) {
    for (const auto& ip : ips(*f, key)) nat.private_ips.push_back(ip);
  }
  for (const auto& key : {"public_ip", "public_ips"}) {
    for (const auto& ip : ips(*f, key)) nat.public_ips.push_back(ip);
  }
  if (!nat.is_public && !nat.public_ips.empty()) {
    yaml_.error(f->has("public_ip") ? f->items.at("public_ip").key : f->items.at("public_ips").key, "conflict",
                "a private nat gateway has no public ip");
  }
  if (auto eni = yaml_.text(*f, "eni")) {
    if (Item item{*eni, f->find("eni")->value}; ref(Kind::kNetworkInterface, item)) nat.eni_id = item.text;
  }
  add(Kind::kNatGateway, out_.nat_gateways, std::move(nat));
}

void NativeLoader::parsePeering(const YAML::Node& node) {
  auto f = fields(node, "peering connection", {"requester", "accepter", "status"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  PeeringConnection pcx;
  pcx.meta = meta(*f, *id);
  pcx.status = yaml_.text(*f, "status").value_or("active");
  for (const auto& [key, side] : {std::pair<std::string_view, PeeringSide*>{"requester", &pcx.requester},
                                  std::pair<std::string_view, PeeringSide*>{"accepter", &pcx.accepter}}) {
    const Field* field = f->find(key);
    if (field == nullptr) {
      yaml_.error(node, "missing-key", fmt::format("missing key '{}' in peering connection", key));
      continue;
    }
    Item vpc_item;
    std::vector<Cidr> given;
    bool has_cidrs = false;
    if (field->value.IsScalar()) {
      vpc_item = {field->value.Scalar(), field->value};
    } else {
      auto s = fields(field->value, "peering side", {"vpc", "account", "region", "cidr", "cidrs"}, false);
      if (!s) continue;
      auto vpc_id = yaml_.text(*s, "vpc", true);
      if (!vpc_id) continue;
      vpc_item = {*vpc_id, s->find("vpc")->value};
      side->account = yaml_.text(*s, "account").value_or("");
      side->region = yaml_.text(*s, "region").value_or("");
      has_cidrs = s->has("cidr") || s->has("cidrs");
      given = cidrs(*s, "cidr");
      for (const auto& cidr : cidrs(*s, "cidrs")) given.push_back(cidr);
    }
    const Vpc* peer = vpc(vpc_item.text);
    // Without cidrs the VPC must be in the input (this file, or an earlier one
    // by logical ID or Name tag); ref() reports it otherwise.
    if (peer == nullptr && !has_cidrs && ref(Kind::kVpc, vpc_item)) peer = vpc(vpc_item.text);
    side->vpc_id = vpc_item.text;
    if (peer != nullptr) {
      side->cidrs = has_cidrs ? given : peer->cidrs;
      if (side->account.empty()) side->account = peer->meta.account;
      if (side->region.empty()) side->region = peer->meta.region;
    } else if (has_cidrs) {
      side->cidrs = given;  // a VPC outside this file
      if (side->account.empty()) side->account = account_;
      if (side->region.empty()) side->region = region_;
    }
  }
  add(Kind::kPeeringConnection, out_.peering_connections, std::move(pcx));
}

void NativeLoader::parseVpnConnection(const YAML::Node& node) {
  auto f = fields(node, "vpn connection", {"vpn_gateway", "transit_gateway"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  VpnConnection vpn;
  vpn.meta = meta(*f, *id);
  if (auto vgw = yaml_.text(*f, "vpn_gateway")) {
    if (Item item{*vgw, f->find("vpn_gateway")->value}; ref(Kind::kVpnGateway, item)) vpn.vpn_gateway_id = item.text;
  }
  if (auto tgw = yaml_.text(*f, "transit_gateway")) {
    if (Item item{*tgw, f->find("transit_gateway")->value}; ref(Kind::kTransitGateway, item)) {
      vpn.transit_gateway_id = item.text;
    }
  }
  if (f->find("vpn_gateway") == nullptr && f->find("transit_gateway") == nullptr) {
    yaml_.error(node, "missing-key", "vpn connection needs 'vpn_gateway' or 'transit_gateway'");
  }
  add(Kind::kVpnConnection, out_.vpn_connections, std::move(vpn));
}

void NativeLoader::parseTransitGateway(const YAML::Node& node) {
  auto f = fields(node, "transit gateway",
                  {"default_association_route_table", "default_propagation_route_table", "attachments", "route_tables"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  TransitGateway tgw;
  tgw.meta = meta(*f, *id);

  // Attachments first, so route tables can check them.
  std::size_t first_attachment = out_.tgw_attachments.size();
  for (const auto& item : yaml_.nodes(*f, "attachments")) parseTgwAttachment(item, *id);

  std::set<std::string> propagating;
  std::vector<std::string> table_ids;
  for (const auto& item : yaml_.nodes(*f, "route_tables")) {
    if (auto table_id = parseTgwRouteTable(item, *id, propagating)) table_ids.push_back(*table_id);
  }
  checkTgwAssociations(node, *id, first_attachment, table_ids);
  applyTgwDefaults(*f, tgw, first_attachment, table_ids, propagating);
  add(Kind::kTransitGateway, out_.transit_gateways, std::move(tgw));
}

void NativeLoader::parseTgwAttachment(const YAML::Node& node, const std::string& tgw_id) {
  auto a = fields(node, "transit gateway attachment",
                  {"type", "resource", "vpc", "vpn", "subnets", "route_table", "state"});
  if (!a) return;
  auto attachment_id = idOf(*a);
  if (!attachment_id) return;
  TgwAttachment attachment;
  attachment.meta = meta(*a, *attachment_id);
  attachment.transit_gateway_id = tgw_id;
  attachment.state = yaml_.text(*a, "state").value_or("available");
  if (auto vpc_id = yaml_.text(*a, "vpc")) {
    attachment.resource_type = "vpc";
    if (Item item{*vpc_id, a->find("vpc")->value}; ref(Kind::kVpc, item)) attachment.resource_id = item.text;
  } else if (auto vpn_id = yaml_.text(*a, "vpn")) {
    attachment.resource_type = "vpn";
    if (Item item{*vpn_id, a->find("vpn")->value}; ref(Kind::kVpnConnection, item)) attachment.resource_id = item.text;
  } else {
    attachment.resource_type = yaml_.text(*a, "type", true).value_or("");
    attachment.resource_id = yaml_.text(*a, "resource").value_or("");
    static constexpr std::array<std::string_view, 5> kTypes = {"vpc", "vpn", "peering", "direct-connect-gateway",
                                                               "connect"};
    if (!attachment.resource_type.empty() &&
        std::find(kTypes.begin(), kTypes.end(), attachment.resource_type) == kTypes.end()) {
      yaml_.error(a->find("type")->value, "bad-value",
                  fmt::format("unknown attachment type '{}'{}", attachment.resource_type,
                              didYouMean(attachment.resource_type, kTypes)));
    }
  }
  std::set<std::string> azs;
  for (auto& subnet_item : yaml_.list(*a, "subnets")) {
    if (!ref(Kind::kSubnet, subnet_item)) continue;
    checkSameVpc(Kind::kSubnet, subnet_item, attachment.resource_type == "vpc" ? attachment.resource_id : "");
    const Subnet* s = subnet(subnet_item.text);
    if (s != nullptr && !azs.insert(s->availability_zone).second) {
      yaml_.error(subnet_item.node, "conflict",
                  fmt::format("attachment '{}' already has a subnet in {}", *attachment_id, s->availability_zone));
    }
    attachment.subnet_ids.push_back(subnet_item.text);
  }
  if (auto table = yaml_.text(*a, "route_table")) {
    if (Item item{*table, a->find("route_table")->value}; ref(Kind::kTgwRouteTable, item)) {
      attachment.association_route_table = item.text;
    }
  }
  attachment_tgw_.emplace(*attachment_id, tgw_id);
  add(Kind::kTgwAttachment, out_.tgw_attachments, std::move(attachment));
}

// A defined attachment of this transit gateway (a route table may not name another gateway's).
bool NativeLoader::ownTgwAttachment(Item& item, const std::string& tgw_id) {
  if (!ref(Kind::kTgwAttachment, item)) return false;
  auto it = attachment_tgw_.find(item.text);
  if (it != attachment_tgw_.end() && it->second != tgw_id) {
    yaml_.error(item.node, "conflict",
                fmt::format("transit gateway attachment '{}' belongs to transit gateway '{}'", item.text, it->second));
    return false;
  }
  return true;
}

// Adds the route table to out_ and returns its id; adds what it propagates to `propagating`.
std::optional<std::string> NativeLoader::parseTgwRouteTable(const YAML::Node& node, const std::string& tgw_id,
                                                            std::set<std::string>& propagating) {
  auto t = fields(node, "transit gateway route table", {"routes", "propagations", "associations"});
  if (!t) return std::nullopt;
  auto table_id = idOf(*t);
  if (!table_id) return std::nullopt;
  TgwRouteTable table;
  table.meta = meta(*t, *table_id);
  table.transit_gateway_id = tgw_id;
  tgw_table_owner_.emplace(*table_id, tgw_id);
  for (const auto& route_node : yaml_.nodes(*t, "routes")) {
    if (auto route = parseTgwRoute(route_node, tgw_id)) table.static_routes.push_back(std::move(*route));
  }
  for (auto& a : yaml_.list(*t, "propagations")) {
    if (!ownTgwAttachment(a, tgw_id)) continue;
    table.propagating_attachments.push_back(a.text);
    propagating.insert(a.text);
  }
  const auto& local_attachments = local_[index(Kind::kTgwAttachment)];
  for (auto& a : yaml_.list(*t, "associations")) {
    if (!ownTgwAttachment(a, tgw_id)) continue;
    auto it = local_attachments.find(a.text);
    if (it == local_attachments.end()) continue;
    TgwAttachment& target = out_.tgw_attachments[it->second];
    if (!target.association_route_table.empty() && target.association_route_table != *table_id) {
      yaml_.error(a.node, "conflict",
                  fmt::format("transit gateway attachment '{}' is already associated with '{}'", a.text,
                              target.association_route_table));
      continue;
    }
    target.association_route_table = *table_id;
  }
  add(Kind::kTgwRouteTable, out_.tgw_route_tables, std::move(table));
  return table_id;
}

std::optional<TgwRoute> NativeLoader::parseTgwRoute(const YAML::Node& node, const std::string& tgw_id) {
  auto r = fields(node, "transit gateway route", {"dest", "attachment", "attachments", "blackhole"}, false);
  if (!r) return std::nullopt;
  TgwRoute route;
  route.source = yaml_.loc(node);
  if (auto dest = yaml_.text(*r, "dest", true)) {
    if (auto cidr = cidrOf({*dest, r->find("dest")->value})) route.destination = *cidr;
  }
  route.blackhole = yaml_.flag(*r, "blackhole", false);
  for (const auto& key : {"attachment", "attachments"}) {
    for (auto& a : yaml_.list(*r, key)) {
      if (ownTgwAttachment(a, tgw_id)) route.attachment_ids.push_back(a.text);
    }
  }
  if (!route.blackhole && !r->has("attachment") && !r->has("attachments")) {
    yaml_.error(node, "missing-key", "missing key 'attachment' in transit gateway route");
  }
  return route;
}

// Attachment associations must name this gateway's tables.
void NativeLoader::checkTgwAssociations(const YAML::Node& node, const std::string& tgw_id, std::size_t first_attachment,
                                        const std::vector<std::string>& table_ids) {
  for (std::size_t i = first_attachment; i < out_.tgw_attachments.size(); ++i) {
    auto& a = out_.tgw_attachments[i];
    if (!a.association_route_table.empty() &&
        std::find(table_ids.begin(), table_ids.end(), a.association_route_table) == table_ids.end()) {
      yaml_.error(node, "conflict",
                  fmt::format("attachment '{}' is associated with '{}', which is not a route table of "
                              "transit gateway '{}'",
                              a.meta.id, a.association_route_table, tgw_id));
    }
  }
}

// Transit Gateways Guide: default route table association / propagation —
// new attachments are associated with, and propagate to, the defaults.
void NativeLoader::applyTgwDefaults(const Fields& f, TransitGateway& tgw, std::size_t first_attachment,
                                    const std::vector<std::string>& table_ids,
                                    const std::set<std::string>& propagating) {
  for (const auto& key : {"default_association_route_table", "default_propagation_route_table"}) {
    auto table = yaml_.text(f, key);
    if (!table) continue;
    Item item{*table, f.find(key)->value};
    if (!ref(Kind::kTgwRouteTable, item)) continue;
    const std::string& table_id = item.text;
    if (std::find(table_ids.begin(), table_ids.end(), table_id) == table_ids.end()) {
      yaml_.error(item.node, "conflict",
                  fmt::format("'{}' is not a route table of transit gateway '{}'", table_id, tgw.meta.id));
      continue;
    }
    bool association = std::string_view(key) == "default_association_route_table";
    (association ? tgw.default_association_route_table : tgw.default_propagation_route_table) = table_id;
    auto table_index = local_[index(Kind::kTgwRouteTable)].at(table_id);
    for (std::size_t i = first_attachment; i < out_.tgw_attachments.size(); ++i) {
      auto& a = out_.tgw_attachments[i];
      if (association) {
        if (a.association_route_table.empty()) a.association_route_table = table_id;
      } else if (propagating.count(a.meta.id) == 0) {
        out_.tgw_route_tables[table_index].propagating_attachments.push_back(a.meta.id);
      }
    }
  }
}

// A blackhole route's target may be gone (that is what makes it a blackhole),
// so it need not be defined.
RouteTarget NativeLoader::resolveTarget(Item& target, const Fields& route, bool blackhole) {
  if (auto type_text = yaml_.text(route, "target_type")) {
    const auto& names = targetTypeNames();
    auto it = std::find_if(names.begin(), names.end(), [&](const auto& entry) { return entry.first == *type_text; });
    if (it == names.end()) {
      std::vector<std::string_view> candidates;
      for (const auto& entry : names) candidates.push_back(entry.first);
      yaml_.error(route.find("target_type")->value, "bad-value",
                  fmt::format("unknown target type '{}'{}", *type_text, didYouMean(*type_text, candidates)));
      return RouteTarget::kUnknown;
    }
    if (auto kind = kindOfTarget(it->second); kind && !blackhole) ref(*kind, target);
    return it->second;
  }
  if (target.text == "local") return RouteTarget::kLocal;

  static constexpr std::array<std::pair<Kind, RouteTarget>, 9> kTargetKinds = {{
      {Kind::kInternetGateway, RouteTarget::kInternetGateway},
      {Kind::kEgressOnlyInternetGateway, RouteTarget::kEgressOnlyInternetGateway},
      {Kind::kNatGateway, RouteTarget::kNatGateway},
      {Kind::kVpcEndpoint, RouteTarget::kVpcEndpoint},
      {Kind::kPeeringConnection, RouteTarget::kPeeringConnection},
      {Kind::kTransitGateway, RouteTarget::kTransitGateway},
      {Kind::kVpnGateway, RouteTarget::kVirtualPrivateGateway},
      {Kind::kNetworkInterface, RouteTarget::kNetworkInterface},
      {Kind::kInstance, RouteTarget::kInstance},
  }};
  RouteTarget by_prefix = targetFromPrefix(target.text);
  std::vector<std::pair<Kind, RouteTarget>> matches;
  for (const auto& entry : kTargetKinds) {
    if (known(entry.first, target.text)) matches.push_back(entry);
  }
  if (matches.size() == 1) return (matches.front().second);
  if (matches.size() > 1) {
    auto prefix_kind = kindOfTarget(by_prefix);
    for (const auto& entry : matches) {
      if (prefix_kind && entry.first == *prefix_kind) return (entry.second);
    }
    yaml_.error(target.node, "ambiguous-reference",
                fmt::format("route target '{}' names more than one resource ({}, {}); add target_type", target.text,
                            kindName(matches[0].first), kindName(matches[1].first)));
    return RouteTarget::kUnknown;
  }
  if (by_prefix == RouteTarget::kUnknown && !target.text.empty()) {
    // A logical ID or Name tag of an earlier input's resource (a template's).
    topology::ResourceQuery query{{Kind::kInternetGateway, Kind::kEgressOnlyInternetGateway, Kind::kNatGateway, Kind::kVpcEndpoint,
                                   Kind::kPeeringConnection, Kind::kTransitGateway, Kind::kVpnGateway,
                                   Kind::kNetworkInterface, Kind::kInstance},
                                  "route target", {}, false};
    auto found = topology::lookUpResource(into_, target.text, query);
    if (const auto* match = std::get_if<topology::ResourceRef>(&found)) {
      target.text = match->meta->id;
      for (const auto& entry : kTargetKinds) {
        if (entry.first == match->kind) return (entry.second);
      }
    } else if (std::get<topology::ReferenceError>(found).problem == topology::ReferenceProblem::kAmbiguous) {
      const auto& error = std::get<topology::ReferenceError>(found);
      yaml_.error(target.node, std::string(error.code()), error.message);
      return RouteTarget::kUnknown;
    }
  }
  if (auto kind = kindOfTarget(by_prefix)) {
    if (!blackhole) ref(*kind, target);
    return by_prefix;
  }
  if (by_prefix != RouteTarget::kUnknown) return by_prefix;  // modelled only by name (carrier, local gateway)
  if (blackhole) return RouteTarget::kUnknown;
  std::vector<std::string_view> candidates;
  for (const auto& entry : kTargetKinds) {
    for (const auto& [id, origin] : ids_[index(entry.first)]) candidates.push_back(id);
  }
  std::string hint = didYouMean(target.text, candidates);
  yaml_.error(target.node, "unknown-reference",
              hint.empty() ? fmt::format("unknown route target '{}' (define it, or add target_type)", target.text)
                           : fmt::format("unknown route target '{}'{}", target.text, hint));
  return RouteTarget::kUnknown;
}

std::optional<Route> NativeLoader::parseRoute(const YAML::Node& node) {
  auto f = fields(node, "route", {"dest", "target", "target_type", "state", "origin"}, false);
  if (!f) return std::nullopt;
  Route route;
  route.source = yaml_.loc(node);
  route.origin = yaml_.text(*f, "origin").value_or("CreateRoute");
  if (auto dest = yaml_.text(*f, "dest", true)) {
    Item item{*dest, f->find("dest")->value};
    bool looks_ipv4 = !dest->empty() && (*dest)[0] >= '0' && (*dest)[0] <= '9' && dest->find(':') == std::string::npos;
    if (dest->find(':') != std::string::npos || dest->find('(') != std::string::npos) {
      route.destination_ipv6 = ipv6BlockOf(item);
    } else if (looks_ipv4) {
      if (auto cidr = cidrOf(item)) route.destination = *cidr;
    } else if (ref(Kind::kPrefixList, item)) {
      route.destination_prefix_list = item.text;
    }
  }
  if (auto state = yaml_.text(*f, "state")) {
    if (*state == "blackhole") {
      route.blackhole = true;
    } else if (*state != "active") {
      yaml_.error(f->find("state")->value, "bad-value",
                  fmt::format("'state' must be active or blackhole, not '{}'", *state));
    }
  }
  if (auto target = yaml_.text(*f, "target", true)) {
    Item item{*target, f->find("target")->value};
    route.target = resolveTarget(item, *f, route.blackhole);
    route.target_id = item.text;
  }
  return route;
}

void NativeLoader::parseRouteTable(const YAML::Node& node) {
  auto f = fields(node, "route table", {"vpc", "main", "subnets", "gateways", "routes", "propagating_vgws"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  RouteTable table;
  table.meta = meta(*f, *id);
  table.vpc_id = resolveVpc(*f);
  table.main = yaml_.flag(*f, "main", false);
  if (table.main && !table.vpc_id.empty()) {
    auto [it, inserted] = main_tables_.emplace(table.vpc_id, *id);
    if (!inserted) {
      yaml_.error(f->items.at("main").value, "conflict",
                  fmt::format("vpc '{}' already has main route table '{}'", table.vpc_id, it->second));
    }
  }
  for (auto& item : yaml_.list(*f, "subnets")) {
    if (!ref(Kind::kSubnet, item)) continue;
    checkSameVpc(Kind::kSubnet, item, table.vpc_id);
    auto [it, inserted] = subnet_tables_.emplace(item.text, *id);
    if (!inserted) {
      yaml_.error(item.node, "conflict",
                  fmt::format("subnet '{}' is already associated with route table '{}'", item.text, it->second));
      continue;
    }
    table.subnet_ids.push_back(item.text);
  }
  for (auto& item : yaml_.list(*f, "gateways")) {
    if (known(Kind::kInternetGateway, item.text) || known(Kind::kVpnGateway, item.text) ||
        ref(item.text.rfind("vgw-", 0) == 0 ? Kind::kVpnGateway : Kind::kInternetGateway, item)) {
      table.gateway_ids.push_back(item.text);
    }
  }
  for (const auto& vgw : refs(Kind::kVpnGateway, yaml_.list(*f, "propagating_vgws"))) {
    table.propagating_vgws.push_back(vgw);
  }
  for (const auto& route_node : yaml_.nodes(*f, "routes")) {
    if (auto route = parseRoute(route_node)) table.routes.push_back(std::move(*route));
  }
  // VPC User Guide: Route tables — every route table contains a local route
  // for each IPv4 CIDR of the VPC; the file may omit them.
  if (const auto* owner = vpc(table.vpc_id)) {
    std::vector<Route> locals;
    for (const auto& cidr : owner->cidrs) {
      if (!hasLocalRoute(table.routes, cidr)) locals.push_back(localRoute(cidr, yaml_.loc(node)));
    }
    table.routes.insert(table.routes.begin(), locals.begin(), locals.end());
  }
  add(Kind::kRouteTable, out_.route_tables, std::move(table));
}

void NativeLoader::parseNetworkAcl(const YAML::Node& node) {
  auto f = fields(node, "network acl", {"vpc", "default", "subnets", "entries"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  NetworkAcl acl;
  acl.meta = meta(*f, *id);
  acl.vpc_id = resolveVpc(*f);
  acl.is_default = yaml_.flag(*f, "default", false);
  for (auto& item : yaml_.list(*f, "subnets")) {
    if (!ref(Kind::kSubnet, item)) continue;
    checkSameVpc(Kind::kSubnet, item, acl.vpc_id);
    auto [it, inserted] = subnet_acls_.emplace(item.text, *id);
    if (!inserted) {
      yaml_.error(item.node, "conflict",
                  fmt::format("subnet '{}' is already associated with network acl '{}'", item.text, it->second));
      continue;
    }
    acl.subnet_ids.push_back(item.text);
  }
  std::set<std::pair<bool, int>> numbers;
  for (const auto& entry_node : yaml_.nodes(*f, "entries")) {
    auto e = fields(entry_node, "network acl entry",
                    {"rule", "action", "direction", "egress", "protocol", "cidr", "ipv6", "ports", "icmp_type",
                     "icmp_code"},
                    false);
    if (!e) continue;
    NaclEntry entry;
    entry.source = yaml_.loc(entry_node);
    if (auto rule = yaml_.number(*e, "rule", 1, 32766)) entry.rule_number = static_cast<int>(*rule);
    if (!e->has("rule")) yaml_.error(entry_node, "missing-key", "missing key 'rule' in network acl entry");
    if (auto action = yaml_.text(*e, "action", true)) {
      if (*action == "allow") {
        entry.allow = true;
      } else if (*action != "deny") {
        yaml_.error(e->find("action")->value, "bad-value",
                    fmt::format("'action' must be allow or deny, not '{}'", *action));
      }
    }
    if (e->has("direction") && e->has("egress")) {
      yaml_.error(e->items.at("egress").key, "conflict", "give either 'direction' or 'egress', not both");
    } else if (auto direction = yaml_.text(*e, "direction")) {
      if (*direction == "out" || *direction == "egress" || *direction == "outbound") {
        entry.egress = true;
      } else if (*direction != "in" && *direction != "ingress" && *direction != "inbound") {
        yaml_.error(e->find("direction")->value, "bad-value",
                    fmt::format("'direction' must be in or out, not '{}'", *direction));
      }
    } else if (e->has("egress")) {
      entry.egress = yaml_.flag(*e, "egress", false);
    } else {
      yaml_.error(entry_node, "missing-key", "missing key 'direction' in network acl entry");
    }
    if (auto protocol_text = yaml_.text(*e, "protocol", true)) {
      auto protocol = parseProtocol(*protocol_text);
      if (protocol) {
        entry.protocol = *protocol;
      } else {
        yaml_.error(e->find("protocol")->value, "bad-value", protocol.error());
      }
    }
    bool icmp = entry.protocol == kProtocolIcmp || entry.protocol == kProtocolIcmpv6;
    if (auto range = ports(*e, entry.protocol)) entry.ports = *range;
    for (const auto& icmp_key : {"icmp_type", "icmp_code"}) {
      if (!e->has(icmp_key)) continue;
      if (!icmp) {
        yaml_.error(e->items.at(icmp_key).key, "bad-value", fmt::format("'{}' applies only to icmp", icmp_key));
        continue;
      }
      if (auto value = yaml_.number(*e, icmp_key, -1, 255)) {
        (std::string_view(icmp_key) == "icmp_type" ? entry.icmp_type : entry.icmp_code) = static_cast<int>(*value);
      }
    }
    if (auto cidr_text = yaml_.text(*e, "cidr")) {
      entry.cidr = cidrOf({*cidr_text, e->find("cidr")->value});
    } else if (auto ipv6 = yaml_.text(*e, "ipv6")) {
      entry.ipv6_cidr = ipv6BlockOf({*ipv6, e->find("ipv6")->value});
    } else {
      yaml_.error(entry_node, "missing-key", "missing key 'cidr' in network acl entry");
    }
    if (entry.rule_number != 0 && !numbers.insert({entry.egress, entry.rule_number}).second) {
      yaml_.error(e->items.at("rule").value, "conflict",
                  fmt::format("rule {} is already used for {} entries", entry.rule_number,
                              entry.egress ? "outbound" : "inbound"));
    }
    acl.entries.push_back(std::move(entry));
  }
  // VPC User Guide: Network ACL rules — every network ACL ends with a rule
  // numbered * that denies what no other rule matched.
  addCatchAllDenies(acl, yaml_.loc(node));
  add(Kind::kNetworkAcl, out_.network_acls, std::move(acl));
}

void NativeLoader::parseEndpoint(const YAML::Node& node) {
  auto f = fields(node, "vpc endpoint", {"vpc", "service", "type", "route_tables", "subnets", "enis",
                                         "security_groups", "private_dns", "policy", "ip_address_type"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  VpcEndpoint endpoint;
  endpoint.meta = meta(*f, *id);
  std::string short_name;
  if (auto service = yaml_.text(*f, "service", true)) {
    bool full = service->rfind("com.", 0) == 0 || service->rfind("aws.", 0) == 0 || service->rfind("cn.", 0) == 0;
    short_name = full ? "" : *service;
    if (full) {
      endpoint.service_name = *service;
    } else if (*service == "notebook" || *service == "studio") {
      endpoint.service_name = fmt::format("aws.sagemaker.{}.{}", endpoint.meta.region, *service);
    } else {
      endpoint.service_name = fmt::format("com.amazonaws.{}.{}", endpoint.meta.region, *service);
    }
  }
  endpoint.type = short_name == "s3" || short_name == "dynamodb" ? EndpointType::kGateway : EndpointType::kInterface;
  if (auto type = yaml_.text(*f, "type")) {
    static constexpr std::array<std::string_view, 3> kTypes = {"Gateway", "Interface", "GatewayLoadBalancer"};
    auto it = std::find_if(kTypes.begin(), kTypes.end(), [&](std::string_view name) {
      return std::equal(name.begin(), name.end(), type->begin(), type->end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                        });
    });
    if (it == kTypes.end()) {
      yaml_.error(f->find("type")->value, "bad-value",
                  fmt::format("unknown endpoint type '{}'{}", *type, didYouMean(*type, kTypes)));
    } else {
      endpoint.type = static_cast<EndpointType>(it - kTypes.begin());
    }
  }
  auto route_tables = yaml_.list(*f, "route_tables");
  auto subnets = yaml_.list(*f, "subnets");
  std::string derived;
  const YAML::Node* derived_from = nullptr;
  deriveVpc(Kind::kSubnet, subnets, derived, derived_from);
  deriveVpc(Kind::kRouteTable, route_tables, derived, derived_from);
  endpoint.vpc_id = resolveVpc(*f, derived, derived_from);
  if (endpoint.type == EndpointType::kGateway && (f->has("subnets") || f->has("security_groups") || f->has("enis"))) {
    yaml_.error(f->has("subnets") ? f->items.at("subnets").key
                                  : f->has("enis") ? f->items.at("enis").key : f->items.at("security_groups").key,
                "conflict", "a gateway endpoint has route tables, not subnets, enis or security groups");
  }
  if (endpoint.type != EndpointType::kGateway && f->has("route_tables")) {
    yaml_.error(f->items.at("route_tables").key, "conflict",
                fmt::format("a {} endpoint has subnets, not route tables", endpointTypeName(endpoint.type)));
  }
  endpoint.route_table_ids = sameVpcRefs(Kind::kRouteTable, std::move(route_tables), endpoint.vpc_id);
  for (auto& subnet_id : subnetsOnePerZone(std::move(subnets), endpoint.vpc_id, fmt::format("endpoint '{}'", *id))) {
    if (!subnet_id.empty()) endpoint.subnet_ids.push_back(std::move(subnet_id));
  }
  endpoint.eni_ids = refs(Kind::kNetworkInterface, yaml_.list(*f, "enis"));
  endpoint.security_group_ids = sameVpcRefs(Kind::kSecurityGroup, yaml_.list(*f, "security_groups"), endpoint.vpc_id);
  endpoint.private_dns = yaml_.flag(*f, "private_dns", endpoint.type == EndpointType::kInterface);
  if (auto type_text = yaml_.text(*f, "ip_address_type")) {
    if (auto ip_type = parseIpAddressType(*type_text)) {
      endpoint.ip_address_type = *ip_type;
    } else {
      yaml_.error(f->find("ip_address_type")->value, "bad-value",
                  fmt::format("'{}' is not an IP address type (ipv4, dualstack or ipv6)", *type_text));
    }
  }
  if (const Field* policy = f->find("policy")) {
    endpoint.policy = parsePolicyYaml(policy->value, *id + " endpoint policy", yaml_, &endpoint.policy_document);
  }
  add(Kind::kVpcEndpoint, out_.vpc_endpoints, std::move(endpoint));
}

// ---- Elastic Load Balancing --------------------------------------------------

namespace {

/// "NAME" of an ID "net/NAME/HASH" or "targetgroup/NAME/HASH"; the ID itself otherwise.
std::string nameInId(const std::string& id) {
  std::size_t first = id.find('/');
  std::size_t last = id.rfind('/');
  if (first == std::string::npos || last == first) return id;
  return id.substr(first + 1, last - first - 1);
}

/// The type an ID's prefix ("app/", "net/", "gwy/") says; nullopt when it has none of them.
std::optional<LoadBalancerType> typeInId(std::string_view id) {
  for (auto type : {LoadBalancerType::kApplication, LoadBalancerType::kNetwork, LoadBalancerType::kGateway}) {
    std::string prefix = std::string(loadBalancerIdPrefix(type)) + "/";
    if (id.substr(0, prefix.size()) == prefix) return type;
  }
  return std::nullopt;
}

/// The target group's ARN resource: the ID, with "targetgroup/" first unless it has it.
std::string targetGroupResource(const std::string& id) {
  return id.rfind("targetgroup/", 0) == 0 ? id : "targetgroup/" + id;
}

/// `text` when it is one of `names`; else an error text with a "did you mean".
template <typename Names>
std::optional<std::string> notOneOf(std::string_view what, const std::string& text, const Names& names) {
  if (std::find(std::begin(names), std::end(names), text) != std::end(names)) return std::nullopt;
  std::string list;
  for (std::string_view name : names) list += fmt::format("{}{}", list.empty() ? "" : ", ", name);
  return fmt::format("unknown {} '{}' ({}){}", what, text, list, didYouMean(text, names));
}

}  // namespace

// The ARN of load balancer `id`: the loaded one's, else the one this file's region and account give it.
std::string NativeLoader::loadBalancerArn(std::string_view id) const {
  if (const auto* lb = lookup(Kind::kLoadBalancer, out_.load_balancers, into_.load_balancers, id)) return lb->arn;
  return elbArn(region_, account_, "loadbalancer/" + std::string(id));
}

void NativeLoader::parseTargetGroup(const YAML::Node& node) {
  auto f = fields(node, "target group", {"target_type", "protocol", "port", "vpc", "targets", "attributes"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  TargetGroup group;
  group.meta = meta(*f, *id);
  if (group.meta.name.empty()) group.meta.name = nameInId(*id);
  group.arn = elbArn(group.meta.region, group.meta.account, targetGroupResource(*id));
  // elbv2 API Reference, CreateTargetGroup: TargetType defaults to instance.
  group.target_type = yaml_.text(*f, "target_type").value_or("instance");
  if (auto problem = notOneOf("target type", group.target_type, kTargetTypes)) {
    yaml_.error(f->find("target_type")->value, "bad-value", *problem);
    return;
  }
  if (auto protocol = yaml_.text(*f, "protocol")) {
    if (auto problem = notOneOf("protocol", *protocol, kTargetGroupProtocols)) {
      yaml_.error(f->find("protocol")->value, "bad-value", *problem);
    }
    group.protocol = *protocol;
  }
  group.port = static_cast<int>(yaml_.number(*f, "port", 1, 65535).value_or(0));
  // A Lambda function's target group has no VPC.
  if (group.target_type != "lambda") group.vpc_id = resolveVpc(*f);
  group.targets_known = f->find("targets") != nullptr;
  for (const auto& target_node : yaml_.nodes(*f, "targets")) {
    auto t = fields(target_node, "target", {"id", "port", "zone", "health"}, false);
    if (!t) continue;
    auto target_id = yaml_.text(*t, "id", true);
    if (!target_id) continue;
    LbTarget target;
    Item item{*target_id, t->find("id")->value};
    if (group.target_type == "instance") {
      if (!ref(Kind::kInstance, item)) continue;
    } else if (group.target_type == "ip") {
      if (auto address = IpAddress::parse(item.text); !address) {
        yaml_.error(item.node, "bad-ip", address.error());
        continue;
      }
    } else if (group.target_type == "alb") {
      if (!ref(Kind::kLoadBalancer, item)) continue;
    }
    target.id = item.text;  // an alb target's ID becomes its ARN in linkLoadBalancing
    target.port = static_cast<int>(yaml_.number(*t, "port", 1, 65535).value_or(0));
    target.zone = yaml_.text(*t, "zone").value_or("");
    if (auto health = yaml_.text(*t, "health")) {
      if (auto problem = notOneOf("target health", *health, kTargetHealthStates)) {
        yaml_.error(t->find("health")->value, "bad-value", *problem);
        continue;
      }
      target.health = *health;
    }
    group.targets.push_back(std::move(target));
  }
  group.attributes_known = f->find("attributes") != nullptr;
  group.attributes = keyValues(*f, "attributes", "attribute");
  add(Kind::kTargetGroup, out_.target_groups, std::move(group));
}

void NativeLoader::parseLoadBalancer(const YAML::Node& node) {
  auto f = fields(node, "load balancer", {"type", "scheme", "vpc", "subnets", "subnet_mappings", "security_groups",
                                          "ip_address_type", "dns_name", "attributes", "listeners"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  LoadBalancer lb;
  lb.meta = meta(*f, *id);
  if (lb.meta.name.empty()) lb.meta.name = nameInId(*id);
  lb.arn = elbArn(lb.meta.region, lb.meta.account, "loadbalancer/" + *id);
  lb.state = "active";
  // The ID's prefix ("net/NAME/HASH") gives the type unless `type` does;
  // elbv2 API Reference, CreateLoadBalancer: application by default.
  std::optional<LoadBalancerType> id_type = typeInId(*id);
  lb.type = id_type.value_or(LoadBalancerType::kApplication);
  if (auto type = yaml_.text(*f, "type")) {
    static constexpr std::array<std::string_view, 3> kTypes = {"application", "network", "gateway"};
    if (auto problem = notOneOf("load balancer type", *type, kTypes)) {
      yaml_.error(f->find("type")->value, "bad-value", *problem);
      return;
    }
    lb.type = *parseLoadBalancerType(*type);
    if (id_type && *id_type != lb.type) {
      yaml_.error(f->find("type")->value, "conflict",
                  fmt::format("type {} does not match id '{}', which names a {} load balancer", *type, *id,
                              loadBalancerTypeName(*id_type)));
    }
  }
  std::string scheme = yaml_.text(*f, "scheme").value_or("internet-facing");
  if (scheme != "internet-facing" && scheme != "internal") {
    yaml_.error(f->find("scheme")->value, "bad-value",
                fmt::format("unknown scheme '{}' (internet-facing or internal)", scheme));
  }
  lb.internet_facing = scheme == "internet-facing";
  lb.ip_address_type = yaml_.text(*f, "ip_address_type").value_or("ipv4");
  static constexpr std::array<std::string_view, 3> kAddressTypes = {"ipv4", "dualstack", "dualstack-without-public-ipv4"};
  if (auto problem = notOneOf("ip address type", lb.ip_address_type, kAddressTypes)) {
    yaml_.error(f->find("ip_address_type")->value, "bad-value", *problem);
  }
  // `subnets`, or `subnet_mappings` giving each node's addresses (the API's
  // SubnetMappings: a private address of an internal NLB, an Elastic IP of
  // an internet-facing one).
  auto subnets = yaml_.list(*f, "subnets");
  std::vector<LoadBalancerZone> mapped;
  for (const auto& mapping : yaml_.nodes(*f, "subnet_mappings")) {
    auto m = fields(mapping, "subnet mapping", {"subnet", "private_ip", "public_ip", "ipv6"}, false);
    if (!m) continue;
    auto subnet_id = yaml_.text(*m, "subnet", true);
    if (!subnet_id) continue;
    subnets.push_back(Item{*subnet_id, m->find("subnet")->value});
    LoadBalancerZone zone;
    const Subnet* home = subnet(*subnet_id);
    for (const auto& item : yaml_.list(*m, "private_ip")) {
      auto address = ipOf(item);
      if (!address) continue;
      if (home != nullptr && home->hasIpv4() && bad_cidr_subnets_.count(home->meta.id) == 0 &&
          !home->cidr.contains(*address)) {
        yaml_.error(item.node, "bad-ip",
                    fmt::format("{} is outside subnet '{}' ({})", address->str(), *subnet_id, home->cidr.str()));
      }
      zone.private_addresses.push_back(*address);
    }
    zone.public_addresses = ips(*m, "public_ip");
    for (const auto& item : yaml_.list(*m, "ipv6")) {
      if (auto address = Ipv6::parse(item.text)) {
        zone.ipv6_addresses.push_back(*address);
      } else {
        yaml_.error(item.node, "bad-ip", address.error());
      }
    }
    mapped.push_back(std::move(zone));
  }
  if (f->has("subnets") && f->has("subnet_mappings")) {
    yaml_.error(f->items.at("subnet_mappings").key, "conflict", "give subnets or subnet_mappings, not both");
  } else if (!f->has("subnets") && !f->has("subnet_mappings")) {
    yaml_.error(f->node, "missing-key", "missing key 'subnets' in load balancer");
  }
  std::string derived;
  const YAML::Node* derived_from = nullptr;
  deriveVpc(Kind::kSubnet, subnets, derived, derived_from);
  lb.vpc_id = resolveVpc(*f, derived, derived_from);
  // Elastic Load Balancing User Guide: one subnet per Availability Zone.
  std::vector<std::string> subnet_ids =
      subnetsOnePerZone(std::move(subnets), lb.vpc_id, fmt::format("load balancer '{}'", *id));
  const bool by_mapping = !f->has("subnets");
  for (std::size_t i = 0; i < subnet_ids.size(); ++i) {
    if (subnet_ids[i].empty()) continue;
    const Subnet* s = subnet(subnet_ids[i]);
    LoadBalancerZone zone = by_mapping && i < mapped.size() ? std::move(mapped[i]) : LoadBalancerZone{};
    zone.subnet_id = subnet_ids[i];
    zone.zone = s != nullptr ? s->availability_zone : "";
    lb.zones.push_back(std::move(zone));
  }
  lb.security_group_ids = sameVpcRefs(Kind::kSecurityGroup, yaml_.list(*f, "security_groups"), lb.vpc_id);
  if (lb.type == LoadBalancerType::kGateway && f->has("security_groups")) {
    yaml_.error(f->items.at("security_groups").key, "conflict", "a gateway load balancer has no security groups");
  }
  lb.dns_name = yaml_.text(*f, "dns_name")
                    .value_or(loadBalancerDnsName(lb.type, lb.internet_facing, lb.meta.name,
                                                  fmt::format("{:016x}", stableHash(*id)), lb.meta.region));
  lb.attributes_known = f->find("attributes") != nullptr;
  lb.attributes = keyValues(*f, "attributes", "attribute");
  std::set<int> ports;
  for (const auto& listener : yaml_.nodes(*f, "listeners")) parseListener(listener, lb, ports);
  add(Kind::kLoadBalancer, out_.load_balancers, std::move(lb));
}

// One listener of `lb`; its target groups stay IDs until linkLoadBalancing.
void NativeLoader::parseListener(const YAML::Node& node, const LoadBalancer& lb, std::set<int>& ports) {
  auto f = fields(node, "listener", {"protocol", "port", "forward", "rule_forward"}, false);
  if (!f) return;
  LbListener listener;
  listener.load_balancer_arn = lb.arn;
  // elbv2 API Reference, CreateListener: a Gateway Load Balancer's listener
  // has no protocol or port (it takes every port, GENEVE to the appliances).
  if (lb.type == LoadBalancerType::kGateway) {
    for (const char* key : {"protocol", "port"}) {
      if (f->has(key)) {
        yaml_.error(f->items.at(key).key, "conflict", "a gateway load balancer's listener has no protocol or port");
      }
    }
    listener.protocol = "GENEVE";
  } else {
    auto protocol = yaml_.text(*f, "protocol", true);
    bool has_port = yaml_.text(*f, "port", true).has_value();
    auto port = has_port ? yaml_.number(*f, "port", 1, 65535) : std::nullopt;
    if (!protocol || !port) return;
    if (auto problem = listenerProtocolProblem(lb.type, *protocol)) {
      yaml_.error(f->find("protocol")->value, "bad-value", *problem);
      return;
    }
    listener.protocol = *protocol;
    listener.port = static_cast<int>(*port);
  }
  if (!ports.insert(listener.port).second) {
    yaml_.error(f->node, "conflict",
                fmt::format("load balancer '{}' already has a listener on port {}", lb.meta.id, listener.port));
    return;
  }
  listener.meta.id =
      elbArn(lb.meta.region, lb.meta.account,
             fmt::format("listener/{}/{:016x}", lb.meta.id, stableHash(fmt::format("{}/{}", lb.meta.id, listener.port))));
  listener.meta.account = lb.meta.account;
  listener.meta.region = lb.meta.region;
  listener.meta.origin = yaml_.loc(f->node);
  // elbv2 API Reference, RegisterTargets / CreateListener: a load balancer
  // forwards to target groups of its own VPC (Lambda groups have none).
  listener.target_group_arns = sameVpcRefs(Kind::kTargetGroup, yaml_.list(*f, "forward"), lb.vpc_id);
  listener.rule_target_group_arns = sameVpcRefs(Kind::kTargetGroup, yaml_.list(*f, "rule_forward"), lb.vpc_id);
  out_.lb_listeners.push_back(std::move(listener));
}

// Listeners name their target groups, and alb targets their load balancers,
// by ID in the file: both become ARNs, and each group learns the load
// balancers that forward to it (describe-target-groups LoadBalancerArns).
void NativeLoader::linkLoadBalancing() {
  auto group_arn = [&](const std::string& id) -> std::string {
    const auto* group = lookup(Kind::kTargetGroup, out_.target_groups, into_.target_groups, id);
    return group != nullptr ? group->arn : elbArn(region_, account_, targetGroupResource(id));
  };
  for (auto& listener : out_.lb_listeners) {
    for (auto* list : {&listener.target_group_arns, &listener.rule_target_group_arns}) {
      for (auto& id : *list) {
        auto local = local_[index(Kind::kTargetGroup)].find(id);
        if (local != local_[index(Kind::kTargetGroup)].end()) {
          auto& balancers = out_.target_groups[local->second].load_balancer_arns;
          if (std::find(balancers.begin(), balancers.end(), listener.load_balancer_arn) == balancers.end()) {
            balancers.push_back(listener.load_balancer_arn);
          }
        }
        id = group_arn(id);
      }
    }
  }
  for (auto& group : out_.target_groups) {
    if (group.target_type != "alb") continue;
    for (auto& target : group.targets) target.id = loadBalancerArn(target.id);
  }
}

void NativeLoader::parseStudioDomain(const YAML::Node& node) {
  auto f = fields(node, "studio domain",
                  {"network_mode", "vpc", "subnets", "security_groups", "user_profiles", "execution_role"});
  if (!f) return;
  auto id = idOf(*f);
  if (!id) return;
  StudioDomain domain;
  domain.meta = meta(*f, *id);
  domain.default_execution_role = yaml_.text(*f, "execution_role").value_or("");
  DomainSpec spec = readStudioDomain(yaml_, node, *f);
  domain.network_mode = spec.network_mode;
  std::string derived;
  const YAML::Node* derived_from = nullptr;
  if (!spec.subnets.empty() && known(Kind::kSubnet, spec.subnets.front().text)) {
    derived = vpcOf(Kind::kSubnet, spec.subnets.front().text);
    derived_from = &spec.subnets.front().node;
  }
  domain.vpc_id = resolveVpc(*f, derived, derived_from);
  domain.subnet_ids = sameVpcRefs(Kind::kSubnet, spec.subnets, domain.vpc_id);
  domain.security_group_ids = sameVpcRefs(Kind::kSecurityGroup, spec.security_groups, domain.vpc_id);
  std::set<std::string> names;
  for (auto& item : spec.profiles) {
    if (!item.name.empty() && !names.insert(item.name).second) {
      yaml_.error(item.name_node, "duplicate-id",
                  fmt::format("duplicate user profile '{}' in studio domain '{}'", item.name, *id));
    }
    UserProfile profile;
    profile.domain = *id;
    profile.name = std::move(item.name);
    profile.execution_role = std::move(item.execution_role);
    profile.security_group_ids = sameVpcRefs(Kind::kSecurityGroup, item.security_groups, domain.vpc_id);
    out_.user_profiles.push_back(std::move(profile));
  }
  add(Kind::kStudioDomain, out_.studio_domains, std::move(domain));
}

void NativeLoader::parseJob(const YAML::Node& node) {
  std::optional<JobSpec> spec = readJob(yaml_, node, true);
  if (!spec) return;
  SageMakerJob job = std::move(spec->job);
  if (!job.name.empty()) {
    for (const auto& other : out_.jobs) {
      if (other.name == job.name) {
        yaml_.error(spec->name_node, "duplicate-id", fmt::format("duplicate job name '{}'", job.name));
        break;
      }
    }
  }
  if (job.has_vpc_config) {
    // The job's VPC is its first subnet's; every subnet and group must be in it.
    for (auto& item : spec->subnets) {
      if (ref(Kind::kSubnet, item)) job.subnet_ids.push_back(item.text);
    }
    std::string job_vpc = job.subnet_ids.empty() ? "" : vpcOf(Kind::kSubnet, job.subnet_ids.front());
    for (const auto& item : spec->subnets) checkSameVpc(Kind::kSubnet, item, job_vpc);
    job.security_group_ids = sameVpcRefs(Kind::kSecurityGroup, spec->security_groups, job_vpc);
  }
  out_.jobs.push_back(std::move(job));
}

// ---- IAM --------------------------------------------------------------------

/// A policy document written as a YAML mapping or as JSON text, parsed by
/// the one policy parser; its problems are placed at the document.
std::optional<PolicyDocument> NativeLoader::policyDocumentOf(const YAML::Node& value, std::string name) {
  return parsePolicyYaml(value, std::move(name), yaml_);
}

// `iam:` holds roles, users, groups and managed_policies, the organization's
// SCPs and RCPs and its ID; docs/topology-format.md.
void NativeLoader::parseIam(const YAML::Node& node) {
  auto f = fields(node, "iam",
                  {"roles", "users", "groups", "managed_policies", "organization_id", "service_control_policies",
                   "resource_control_policies"},
                  false);
  if (!f) return;
  if (auto id = yaml_.text(*f, "organization_id")) {
    // Organizations API Reference, "Organization": Id matches ^o-[a-z0-9]{10,32}$.
    bool valid = id->size() >= 12 && id->size() <= 34 && id->rfind("o-", 0) == 0 &&
                 std::all_of(id->begin() + 2, id->end(),
                             [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
    if (!valid) {
      yaml_.error(f->find("organization_id")->value, "bad-value",
                  fmt::format("'organization_id' must be o- and 10 to 32 lowercase letters or digits, not '{}'", *id));
    }
    out_.iam.organization_id = *id;
  }
  forEach(*f, "service_control_policies",
          [&](const YAML::Node& n) { parseOrganizationPolicy(n, out_.iam.service_control_policies); });
  forEach(*f, "resource_control_policies",
          [&](const YAML::Node& n) { parseOrganizationPolicy(n, out_.iam.resource_control_policies); });
  // Listing them, even none, says the input holds every one that applies.
  if (f->has("service_control_policies")) out_.iam.scps_loaded = true;
  if (f->has("resource_control_policies")) out_.iam.rcps_loaded = true;
  // Managed policies first: principals may name them.
  forEach(*f, "managed_policies", [&](const YAML::Node& n) { parseManagedPolicy(n); });
  forEach(*f, "roles", [&](const YAML::Node& n) { parsePrincipal(n, PrincipalKind::kRole); });
  forEach(*f, "users", [&](const YAML::Node& n) { parsePrincipal(n, PrincipalKind::kUser); });
  forEach(*f, "groups", [&](const YAML::Node& n) { parsePrincipal(n, PrincipalKind::kGroup); });
  // Listing principals, even none, says which the account has.
  if (f->has("roles") || f->has("users") || f->has("groups")) out_.iam.principals_loaded = true;
}

/// "arn:aws:iam::123456789012:role/path/name" (IAM User Guide, "IAM ARNs").
std::string iamArn(std::string_view account, std::string_view kind, std::string_view path, std::string_view name) {
  return fmt::format("arn:aws:iam::{}:{}{}{}", account, kind, path, name);
}

void NativeLoader::parseOrganizationPolicy(const YAML::Node& node, std::vector<OrganizationPolicy>& into) {
  auto f = fields(node, "organization policy", {"name", "target", "document"}, false);
  if (!f) return;
  OrganizationPolicy policy;
  std::string name = yaml_.text(*f, "name", true).value_or("");
  policy.target = yaml_.text(*f, "target").value_or("");
  const Field* document = f->find("document");
  if (document == nullptr) {
    yaml_.error(node, "missing-key", "missing key 'document' in organization policy");
    return;
  }
  if (auto parsed = policyDocumentOf(document->value, name)) policy.document = std::move(*parsed);
  into.push_back(std::move(policy));
}

void NativeLoader::parseManagedPolicy(const YAML::Node& node) {
  auto f = fields(node, "managed policy", {"name", "path", "account", "document"}, false);
  if (!f) return;
  ManagedPolicy policy;
  policy.name = yaml_.text(*f, "name", true).value_or("");
  policy.path = yaml_.text(*f, "path").value_or("/");
  std::string account = yaml_.text(*f, "account").value_or(account_);
  if (policy.path.empty() || policy.path.front() != '/' || policy.path.back() != '/') {
    yaml_.error(f->find("path")->value, "bad-value",
                fmt::format("'path' must begin and end with a slash (/), not '{}'", policy.path));
  }
  policy.arn = iamArn(account, "policy", policy.path, policy.name);
  for (const auto& other : out_.iam.managed_policies) {
    if (!policy.name.empty() && other.arn == policy.arn) {
      yaml_.error(f->find("name")->value, "duplicate-id", fmt::format("duplicate managed policy '{}'", policy.name));
    }
  }
  const Field* document = f->find("document");
  if (document == nullptr) {
    yaml_.error(node, "missing-key", "missing key 'document' in managed policy");
    return;
  }
  if (auto parsed = policyDocumentOf(document->value, policy.arn)) policy.document = std::move(*parsed);
  out_.iam.managed_policies.push_back(std::move(policy));
}

void NativeLoader::parsePrincipal(const YAML::Node& node, PrincipalKind kind) {
  std::string_view kind_name = principalKindName(kind);
  std::vector<std::string_view> keys = {"name", "path", "account", "inline_policies", "managed_policies"};
  if (kind != PrincipalKind::kGroup) keys.insert(keys.end(), {"permissions_boundary", "tags"});
  if (kind == PrincipalKind::kRole) keys.push_back("trust_policy");
  if (kind == PrincipalKind::kUser) keys.push_back("groups");
  auto f = fields(node, kind_name, keys, false);
  if (!f) return;
  IamPrincipal principal;
  principal.kind = kind;
  principal.name = yaml_.text(*f, "name", true).value_or("");
  principal.path = yaml_.text(*f, "path").value_or("/");
  if (principal.path.empty() || principal.path.front() != '/' || principal.path.back() != '/') {
    yaml_.error(f->find("path")->value, "bad-value",
                fmt::format("'path' must begin and end with a slash (/), not '{}'", principal.path));
  }
  principal.account = yaml_.text(*f, "account").value_or(account_);
  principal.arn = iamArn(principal.account, kind_name, principal.path, principal.name);
  principal.origin = yaml_.loc(node);
  for (const auto& other : out_.iam.principals) {
    // IAM User Guide, "IAM identifiers": names are unique in an account whatever the path.
    if (!principal.name.empty() && other.kind == kind && other.name == principal.name &&
        other.account == principal.account) {
      yaml_.error(f->find("name")->value, "duplicate-id",
                  fmt::format("duplicate {} '{}' (first defined at {})", kind_name, principal.name, other.origin));
    }
  }
  for (const auto& entry : yaml_.nodes(*f, "inline_policies")) {
    auto p = fields(entry, "inline policy", {"name", "document"}, false);
    if (!p) continue;
    std::string name = yaml_.text(*p, "name", true).value_or("");
    const Field* document = p->find("document");
    if (document == nullptr) {
      yaml_.error(entry, "missing-key", "missing key 'document' in inline policy");
      continue;
    }
    if (auto parsed = policyDocumentOf(document->value, name)) principal.inline_policies.push_back(std::move(*parsed));
  }
  // An ARN (AWS managed policies, arn:aws:iam::aws:policy/..., are kept by
  // ARN: their documents are not in the input and the engine answers
  // undetermined for them), or the name of a managed policy of this file.
  for (const auto& item : yaml_.list(*f, "managed_policies")) {
    if (item.text.rfind("arn:", 0) == 0) {
      principal.managed_policy_arns.push_back(item.text);
      continue;
    }
    std::vector<std::string> names;
    std::string arn;
    for (const auto& policy : out_.iam.managed_policies) {
      names.push_back(policy.name);
      if (policy.name == item.text) arn = policy.arn;
    }
    if (arn.empty()) {
      yaml_.error(item.node, "unknown-reference",
                  fmt::format("no managed policy '{}' in this file (give an ARN for one defined elsewhere){}",
                              item.text, didYouMean(item.text, names)));
      continue;
    }
    principal.managed_policy_arns.push_back(arn);
  }
  principal.permissions_boundary_arn = yaml_.text(*f, "permissions_boundary").value_or("");
  principal.tags = tagsOf(*f);
  for (auto& item : yaml_.list(*f, "groups")) principal.groups.push_back(std::move(item.text));
  if (const Field* trust = f->find("trust_policy")) {
    principal.trust_policy = policyDocumentOf(trust->value, principal.name + " trust policy");
  }
  out_.iam.principals.push_back(std::move(principal));
}

/// The IDs of `items` that resolve as `kind`, each checked to lie in `vpc_id`.
// The VPC of the first of `items` (of `kind`) the file defines, unless `derived` is set already.
void NativeLoader::deriveVpc(Kind kind, const std::vector<Item>& items, std::string& derived,
                             const YAML::Node*& derived_from) const {
  for (const auto& item : items) {
    if (derived.empty() && known(kind, item.text)) {
      derived = vpcOf(kind, item.text);
      derived_from = &item.node;
    }
  }
}

// Subnet references in `vpc_id`, at most one per Availability Zone ("OWNER
// already has a subnet in AZ" otherwise), as endpoints and load balancers
// take them: the ID of each item, in order, "" for one that names no subnet.
std::vector<std::string> NativeLoader::subnetsOnePerZone(std::vector<Item> items, const std::string& vpc_id,
                                                         const std::string& owner) {
  std::vector<std::string> out;
  std::set<std::string> azs;
  for (auto& item : items) {
    if (!ref(Kind::kSubnet, item)) {
      out.emplace_back();
      continue;
    }
    checkSameVpc(Kind::kSubnet, item, vpc_id);
    const Subnet* s = subnet(item.text);
    if (s != nullptr && !azs.insert(s->availability_zone).second) {
      yaml_.error(item.node, "conflict", fmt::format("{} already has a subnet in {}", owner, s->availability_zone));
    }
    out.push_back(item.text);
  }
  return out;
}

std::vector<std::string> NativeLoader::sameVpcRefs(Kind kind, std::vector<Item> items, const std::string& vpc_id) {
  std::vector<std::string> out;
  for (auto& item : items) {
    if (!ref(kind, item)) continue;
    checkSameVpc(kind, item, vpc_id);
    out.push_back(item.text);
  }
  return out;
}

// PrivateLink Guide, "Gateway endpoints": AWS adds to each route table a
// gateway endpoint is associated with a route from the service's prefix list
// to the endpoint; a file that writes the route itself keeps it as written.
// The list is the file's (or the inputs') list of that service, else the
// AWS-managed one by its synthetic ID, as the CloudFormation loader names it.
void NativeLoader::addGatewayEndpointRoutes() {
  auto table = [&](const std::string& id) -> RouteTable* {
    for (auto* tables : {&out_.route_tables, &into_.route_tables}) {
      for (auto& candidate : *tables) {
        if (candidate.meta.id == id) return &candidate;
      }
    }
    return nullptr;
  };
  for (const auto& endpoint : out_.vpc_endpoints) {
    if (endpoint.type != EndpointType::kGateway) continue;
    std::string list_id = managedPrefixListId(endpoint.service_name);
    for (const auto* lists : {&into_.prefix_lists, &out_.prefix_lists}) {
      for (const auto& list : *lists) {
        if (list.prefix_list_name == endpoint.service_name) list_id = list.meta.id;
      }
    }
    for (const auto& table_id : endpoint.route_table_ids) {
      RouteTable* associated = table(table_id);
      if (associated == nullptr) continue;
      bool written = std::any_of(associated->routes.begin(), associated->routes.end(), [&](const Route& route) {
        return route.target == RouteTarget::kVpcEndpoint && route.target_id == endpoint.meta.id;
      });
      if (!written) associated->routes.push_back(gatewayEndpointRoute(list_id, endpoint.meta.id, endpoint.meta.origin));
    }
  }
}

// AWS creates a main route table, a default network ACL and a default
// security group with every VPC (topology/aws_defaults.h); the file may leave
// them out.
void NativeLoader::addImpliedDefaults() {
  auto claim = [&](Kind kind, const std::string& id, const Vpc& owner) {
    if (!known(kind, id)) {
      ids_[index(kind)].emplace(id, owner.meta.origin);
      return true;
    }
    yaml_.add(Diagnostic{"conflict",
                         fmt::format("cannot add the implied default {} '{}' for vpc '{}': the id is taken",
                                     kindName(kind), id, owner.meta.id),
                         owner.meta.origin});
    return false;
  };
  std::size_t vpc_count = out_.vpcs.size();
  for (std::size_t v = 0; v < vpc_count; ++v) {
    const Vpc owner = out_.vpcs[v];
    const std::string& vpc_id = owner.meta.id;
    if (main_tables_.count(vpc_id) == 0) {
      std::string id = "rtb-main-" + vpc_id;
      if (claim(Kind::kRouteTable, id, owner)) {
        main_tables_.emplace(vpc_id, id);
        add(Kind::kRouteTable, out_.route_tables, mainRouteTable(owner, id));
      }
    }

    bool has_default_sg = std::any_of(out_.security_groups.begin(), out_.security_groups.end(), [&](const auto& sg) {
      return sg.vpc_id == vpc_id && sg.group_name == "default";
    });
    if (!has_default_sg) {
      std::string id = "sg-default-" + vpc_id;
      if (claim(Kind::kSecurityGroup, id, owner)) {
        add(Kind::kSecurityGroup, out_.security_groups, defaultSecurityGroup(owner, id));
      }
    }

    std::size_t default_acl = out_.network_acls.size();
    for (std::size_t i = 0; i < out_.network_acls.size(); ++i) {
      const auto& acl = out_.network_acls[i];
      if (acl.vpc_id != vpc_id || !acl.is_default) continue;
      if (default_acl == out_.network_acls.size()) {
        default_acl = i;
      } else {
        yaml_.add(Diagnostic{"conflict",
                             fmt::format("vpc '{}' has two default network acls: '{}' and '{}'", vpc_id,
                                         out_.network_acls[default_acl].meta.id, acl.meta.id),
                             acl.meta.origin});
      }
    }
    if (default_acl == out_.network_acls.size()) {
      std::string id = "acl-default-" + vpc_id;
      if (!claim(Kind::kNetworkAcl, id, owner)) continue;
      // VPC User Guide: Default network ACL — allows all inbound and outbound
      // IPv4 traffic (rule 100) ahead of the * deny.
      add(Kind::kNetworkAcl, out_.network_acls, defaultNetworkAcl(owner, id));
    }
    // Subnets without an explicit association use the default network ACL.
    for (const auto& s : out_.subnets) {
      if (s.vpc_id == vpc_id && subnet_acls_.count(s.meta.id) == 0) {
        out_.network_acls[default_acl].subnet_ids.push_back(s.meta.id);
        subnet_acls_.emplace(s.meta.id, out_.network_acls[default_acl].meta.id);
      }
    }
  }
}

bool NativeLoader::run(const std::filesystem::path& path, std::vector<Diagnostic>& errors) {
  auto text = readInputFile(path);
  if (!text) {
    errors.push_back(text.diagnostic());
    return false;
  }
  YAML::Node root;
  if (YamlLoadError problem; !loadYaml(text.value(), root, problem)) yaml_.error(problem.mark, problem.code, problem.message);
  if (yaml_.ok() && !root.IsNull()) {
    try {
      // Resources already in `into` (another file, a snapshot) can be referenced.
      auto known_ids = [&](Kind kind, const auto& items) {
        for (const auto& item : items) ids_[index(kind)].emplace(item.meta.id, item.meta.origin);
      };
      known_ids(Kind::kVpc, into_.vpcs);
      known_ids(Kind::kSubnet, into_.subnets);
      known_ids(Kind::kRouteTable, into_.route_tables);
      known_ids(Kind::kSecurityGroup, into_.security_groups);
      known_ids(Kind::kNetworkAcl, into_.network_acls);
      known_ids(Kind::kInternetGateway, into_.internet_gateways);
      known_ids(Kind::kEgressOnlyInternetGateway, into_.egress_only_internet_gateways);
      known_ids(Kind::kNatGateway, into_.nat_gateways);
      known_ids(Kind::kVpcEndpoint, into_.vpc_endpoints);
      known_ids(Kind::kNetworkInterface, into_.enis);
      known_ids(Kind::kInstance, into_.instances);
      known_ids(Kind::kPrefixList, into_.prefix_lists);
      known_ids(Kind::kPeeringConnection, into_.peering_connections);
      known_ids(Kind::kTransitGateway, into_.transit_gateways);
      known_ids(Kind::kTgwAttachment, into_.tgw_attachments);
      known_ids(Kind::kTgwRouteTable, into_.tgw_route_tables);
      known_ids(Kind::kVpnGateway, into_.vpn_gateways);
      known_ids(Kind::kVpnConnection, into_.vpn_connections);
      known_ids(Kind::kLoadBalancer, into_.load_balancers);
      known_ids(Kind::kTargetGroup, into_.target_groups);
      known_ids(Kind::kStudioDomain, into_.studio_domains);

      std::vector<std::string_view> top = {"version", "region", "account", "jobs", "iam"};
      for (const auto& section : kSections) top.push_back(section.key);
      auto f = fields(root, "topology", top, false);
      if (f) {
        if (auto version = yaml_.text(*f, "version"); version && *version != "1") {
          yaml_.error(f->find("version")->value, "bad-value",
                      fmt::format("unsupported version '{}' (expected 1)", *version));
        }
        region_ = yaml_.text(*f, "region").value_or(region_);
        account_ = yaml_.text(*f, "account").value_or(account_);
        registerIds(root);
        forEach(*f, "vpcs", [&](const YAML::Node& n) { parseVpc(n); });
        forEach(*f, "prefix_lists", [&](const YAML::Node& n) { parsePrefixList(n); });
        forEach(*f, "subnets", [&](const YAML::Node& n) { parseSubnet(n); });
        forEach(*f, "internet_gateways", [&](const YAML::Node& n) { parseInternetGateway(n); });
        forEach(*f, "egress_only_internet_gateways", [&](const YAML::Node& n) { parseEgressOnlyInternetGateway(n); });
        forEach(*f, "vpn_gateways", [&](const YAML::Node& n) { parseVpnGateway(n); });
        forEach(*f, "security_groups", [&](const YAML::Node& n) { parseSecurityGroup(n); });
        forEach(*f, "enis", [&](const YAML::Node& n) { parseEni(n); });
        forEach(*f, "network_interfaces", [&](const YAML::Node& n) { parseEni(n); });
        forEach(*f, "instances", [&](const YAML::Node& n) { parseInstance(n); });
        linkInstances();
        forEach(*f, "nat_gateways", [&](const YAML::Node& n) { parseNatGateway(n); });
        forEach(*f, "peering_connections", [&](const YAML::Node& n) { parsePeering(n); });
        forEach(*f, "vpn_connections", [&](const YAML::Node& n) { parseVpnConnection(n); });
        forEach(*f, "transit_gateways", [&](const YAML::Node& n) { parseTransitGateway(n); });
        forEach(*f, "route_tables", [&](const YAML::Node& n) { parseRouteTable(n); });
        forEach(*f, "network_acls", [&](const YAML::Node& n) { parseNetworkAcl(n); });
        forEach(*f, "vpc_endpoints", [&](const YAML::Node& n) { parseEndpoint(n); });
        forEach(*f, "target_groups", [&](const YAML::Node& n) { parseTargetGroup(n); });
        forEach(*f, "load_balancers", [&](const YAML::Node& n) { parseLoadBalancer(n); });
        linkLoadBalancing();
        forEach(*f, "studio_domains", [&](const YAML::Node& n) { parseStudioDomain(n); });
        forEach(*f, "jobs", [&](const YAML::Node& n) { parseJob(n); });
        if (const Field* iam = f->find("iam")) parseIam(iam->value);
        addImpliedDefaults();
        addGatewayEndpointRoutes();
      }
    } catch (const YAML::Exception& e) {
      yaml_.error(e.mark, "yaml-syntax", "invalid yaml: " + e.msg);
    }
  }

  into_.default_region = region_;
  into_.default_account = account_;
  into_.absorb(std::move(out_));

  // Report in file order; unplaced diagnostics last.
  bool ok = yaml_.ok();
  yaml_.moveErrorsTo(errors, ErrorOrder::kFileOrder);
  return ok;
}

}  // namespace

bool loadNativeTopology(const std::filesystem::path& file, const LoadOptions& options, Topology& into,
                        std::vector<Diagnostic>& errors) {
  const topology::TopologyMark mark = topology::markOf(into);
  NativeLoader loader(file.string(), options, into);
  // The loader checks values as it reads them; the shared checks back it up.
  return loader.run(file, errors) && topology::checkTopology(into, mark, {}, errors);
}

}  // namespace vpcsim::formats

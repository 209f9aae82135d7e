// Loads folders of saved `aws ec2 describe-*` JSON output into the topology model.
#include "formats/iam_policy.h"
#include "formats/loader.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "formats/input_file.h"
#include "formats/json_text.h"
#include "formats/json_view.h"
#include "topology/aws_defaults.h"
#include "topology/validate.h"

namespace vpcsim::formats {

using namespace vpcsim::topology;  // the model this format fills

namespace {

namespace fs = std::filesystem;
using Json = JsonView;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return out;
}

bool isOneOf(std::string_view state, std::initializer_list<std::string_view> states) {
  std::string low = lower(state);
  return std::find(states.begin(), states.end(), std::string_view(low)) != states.end();
}

/// True for a path component named like an AWS region ("us-east-2",
/// "us-gov-west-1", "us-isob-east-1"):
/// `[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central)(east|west)?-[0-9]{1,2}`.
bool looksLikeRegion(std::string_view name) {
  auto lowerAt = [&](std::size_t i) { return i < name.size() && name[i] >= 'a' && name[i] <= 'z'; };
  auto take = [&](std::string_view word) {
    if (name.substr(0, word.size()) != word) return false;
    name.remove_prefix(word.size());
    return true;
  };
  if (!lowerAt(0) || !lowerAt(1)) return false;
  name.remove_prefix(2);
  if (!take("-gov") && take("-iso") && lowerAt(0)) name.remove_prefix(1);
  if (!take("-")) return false;
  if (!take("north") && !take("south") && !take("east") && !take("west") && !take("central")) return false;
  if (!take("east")) take("west");
  if (!take("-")) return false;
  std::size_t digits = 0;
  while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
  return (digits == 1 || digits == 2) && digits == name.size();
}

bool isAccountId(const std::string& component) {
  return component.size() == 12 &&
         std::all_of(component.begin(), component.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct PendingAddress {
  std::string location;
  std::string eni_id;
  std::string instance_id;
  std::optional<Ipv4> private_ip;
  Ipv4 public_ip;
};

/// Facts about a load balancer or target group that another file gives by
/// ARN (attributes, target health), attached once every file is read.
struct PendingByArn {
  std::string arn;
  std::string location;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<LbTarget> targets;
  bool health = false;  ///< targets (describe-target-health), else attributes
};

struct PendingVpcAttachment {
  TgwAttachment attachment;  // resource_type "vpc", subnet_ids filled
};

struct PendingTgwRoutes {
  std::string route_table_id;
  ResourceMeta meta;  // account/region/origin of the wrapper, for a stub table
  std::vector<TgwRoute> static_routes;
  std::vector<std::string> propagating_attachments;
  bool is_static = false;
};

/// A snapshot file parsed, or the diagnostic saying why not. The document
/// lives in the parser that read it (see SnapshotLoader::load).
struct ParsedFile {
  Json doc;
  Diagnostic error;  ///< message empty on success
};

/// Reads one file (readInputFile: a regular file, size-capped, UTF-8) and
/// parses it with `parser` (which keeps its buffers from one file to the
/// next). simdjson's errors carry no position: a number or nesting it
/// refuses is found again in the text (findJsonLimitProblem), and a syntax
/// error is found by parsing again with nlohmann::json, whose error names the
/// line and column.
ParsedFile parseFile(const fs::path& file, const std::string& rel, simdjson::dom::parser& parser) {
  static_assert(kInputFilePadding >= simdjson::SIMDJSON_PADDING, "the text is parsed in place");
  ParsedFile out;
  auto read = readInputFile(file);
  if (!read) {
    out.error = read.diagnostic();
    // Name the file as the loader names it (relative to the snapshot folder).
    const std::string& where = out.error.location;
    out.error.location = where.rfind(file.string(), 0) == 0 ? rel + where.substr(file.string().size()) : rel;
    return out;
  }
  const std::string& text = read.value();
  simdjson::dom::element root;
  simdjson::error_code parsed = parser.parse(text).get(root);
  if (parsed == simdjson::SUCCESS) {
    out.doc = Json(root);
    return out;
  }
  if (auto problem = findJsonLimitProblem(text, parser.max_depth())) {
    out.error = Diagnostic{"invalid-json", "invalid JSON: " + problem->second, textLocation(rel, text, problem->first)};
    return out;
  }
  try {
    [[maybe_unused]] nlohmann::json reparsed = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    auto [line, column] = lineColumn(text, e.byte);
    out.error = Diagnostic{"invalid-json", "invalid JSON: " + parseErrorDetail(e.what()),
                           fmt::format("{}:{}:{}", rel, line, column)};
    return out;
  } catch (const nlohmann::json::exception&) {  // NOLINT(bugprone-empty-catch): simdjson's message follows
  }
  out.error = Diagnostic{"invalid-json", fmt::format("invalid JSON: {}", simdjson::error_message(parsed)), rel};
  return out;
}

class SnapshotLoader {
 public:
  SnapshotLoader(const LoadOptions& options, Topology& into, std::vector<Diagnostic>& errors)
      : options_(options), topo_(into), errors_(errors) {
    seedSeen();
  }

  bool load(const fs::path& dir);

 private:
  using Handler = void (SnapshotLoader::*)(const Json& obj, const std::string& ptr);

  // ---- diagnostics and typed access --------------------------------------

  void error(std::string code, const std::string& ptr, std::string message) {
    errors_.push_back(Diagnostic{std::move(code), std::move(message), rel_ + ":" + ptr});
  }
  void typeError(const std::string& ptr, std::string_view expected, const Json& found) {
    error("wrong-type", ptr, fmt::format("expected {}, found {}", expected, describeType(found)));
  }
  void ignore(const std::string& location, std::string what, std::string reason) {
    topo_.ignored.push_back(IgnoredItem{location, std::move(what), std::move(reason)});
  }
  std::string at(const std::string& ptr) const { return rel_ + ":" + ptr; }

  static std::optional<Json> get(const Json& obj, std::string_view key) {
    std::optional<Json> value = obj.find(key);
    if (value && value->is_null()) return std::nullopt;
    return value;
  }

  std::string str(const Json& obj, std::string_view key, const std::string& ptr) {
    std::optional<Json> value = get(obj, key);
    if (!value) return {};
    if (!value->is_string()) {
      typeError(child(ptr, key), "a string", *value);
      return {};
    }
    return std::string(value->string());
  }

  std::optional<std::string> required(const Json& obj, std::string_view key, const std::string& ptr) {
    std::optional<Json> value = get(obj, key);
    if (!value || (value->is_string() && value->string().empty())) {
      error("missing-field", ptr, fmt::format("missing required field '{}'", key));
      return std::nullopt;
    }
    if (!value->is_string()) {
      typeError(child(ptr, key), "a string", *value);
      return std::nullopt;
    }
    return std::string(value->string());
  }

  bool flag(const Json& obj, std::string_view key, const std::string& ptr, bool fallback) {
    std::optional<Json> value = get(obj, key);
    if (!value) return fallback;
    if (!value->is_boolean()) {
      typeError(child(ptr, key), "a boolean", *value);
      return fallback;
    }
    return value->boolean();
  }

  std::optional<int> integer(const Json& obj, std::string_view key, const std::string& ptr) {
    std::optional<Json> value = get(obj, key);
    if (!value) return std::nullopt;
    if (!value->is_number_integer()) {
      typeError(child(ptr, key), "an integer", *value);
      return std::nullopt;
    }
    int64_t number = value->integer();
    if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max()) {
      error("bad-value", child(ptr, key), fmt::format("{} is out of range", number));
      return std::nullopt;
    }
    return static_cast<int>(number);
  }

  std::optional<Json> object(const Json& obj, std::string_view key, const std::string& ptr) {
    std::optional<Json> value = get(obj, key);
    if (!value) return std::nullopt;
    if (!value->is_object()) {
      typeError(child(ptr, key), "an object", *value);
      return std::nullopt;
    }
    return value;
  }

  std::optional<Json> array(const Json& obj, std::string_view key, const std::string& ptr) {
    std::optional<Json> value = get(obj, key);
    if (!value) return std::nullopt;
    if (!value->is_array()) {
      typeError(child(ptr, key), "an array", *value);
      return std::nullopt;
    }
    return value;
  }

  /// Calls fn(element, element_pointer, index) for each object in obj[key].
  template <typename Fn>
  void forEach(const Json& obj, std::string_view key, const std::string& ptr, Fn&& fn) {
    std::optional<Json> list = array(obj, key, ptr);
    if (!list) return;
    std::string list_ptr = child(ptr, key);
    list->forEachElement([&](const Json& item, size_t i) {
      std::string item_ptr = child(list_ptr, i);
      if (!item.is_object()) {
        typeError(item_ptr, "an object", item);
        return;
      }
      fn(item, item_ptr, i);
    });
  }

  std::vector<std::string> strings(const Json& obj, std::string_view key, const std::string& ptr) {
    std::vector<std::string> out;
    std::optional<Json> list = array(obj, key, ptr);
    if (!list) return out;
    list->forEachElement([&](const Json& item, size_t i) {
      if (!item.is_string()) {
        typeError(child(child(ptr, key), i), "a string", item);
        return;
      }
      out.emplace_back(item.string());
    });
    return out;
  }

  /// obj[list_key][*][field] as strings, e.g. Groups[].GroupId.
  std::vector<std::string> fieldOf(const Json& obj, std::string_view list_key, std::string_view field,
                                   const std::string& ptr) {
    std::vector<std::string> out;
    forEach(obj, list_key, ptr, [&](const Json& item, const std::string& item_ptr, size_t) {
      std::string value = str(item, field, item_ptr);
      if (!value.empty()) out.push_back(std::move(value));
    });
    return out;
  }

  /// `text` as a Cidr or Cidr6 block; nullopt (and an error at `ptr`) when bad.
  template <typename Block = Cidr>
  std::optional<Block> cidrFrom(const std::string& text, const std::string& ptr, bool strict) {
    auto cidr = strict ? Block::parse(text) : Block::parseLoose(text);
    if (!cidr) {
      error("bad-cidr", ptr, cidr.error());
      return std::nullopt;
    }
    return *cidr;
  }

  /// obj[key] as a CIDR block; nullopt when absent or bad (an error then). An
  /// empty string is an error: AWS never writes one, and dropping the object
  /// that holds it (a route, an ACL entry) would change the answer.
  template <typename Block = Cidr>
  std::optional<Block> cidrField(const Json& obj, std::string_view key, const std::string& ptr, bool strict) {
    std::string text = str(obj, key, ptr);
    if (text.empty()) {
      std::optional<Json> value = get(obj, key);
      if (value && value->is_string()) error("bad-cidr", child(ptr, key), "empty CIDR block");
      return std::nullopt;
    }
    return cidrFrom<Block>(text, child(ptr, key), strict);
  }

  /// obj[key] as a known IPv6 block (Ipv6CidrBlock, DestinationIpv6CidrBlock);
  /// nullopt when absent or bad (an error then).
  std::optional<Ipv6Block> ipv6Field(const Json& obj, std::string_view key, const std::string& ptr, bool strict) {
    auto block = cidrField<Cidr6>(obj, key, ptr, strict);
    if (!block) return std::nullopt;
    return Ipv6Block(*block);
  }

  /// The Ipv6CidrBlockAssociationSet of a VPC or subnet, every state kept;
  /// one not associated is listed as ignored (only an associated block is
  /// the owner's: EC2 API Reference, VpcCidrBlockState).
  std::vector<Ipv6Association> ipv6Associations(const Json& obj, const std::string& ptr, const std::string& owner) {
    std::vector<Ipv6Association> out;
    forEach(obj, "Ipv6CidrBlockAssociationSet", ptr, [&](const Json& assoc, const std::string& assoc_ptr, size_t) {
      if (!required(assoc, "Ipv6CidrBlock", assoc_ptr)) return;
      auto block = ipv6Field(assoc, "Ipv6CidrBlock", assoc_ptr, true);
      if (!block) return;
      Ipv6Association association;
      association.block = *block;
      association.association_id = str(assoc, "AssociationId", assoc_ptr);
      association.pool = str(assoc, "Ipv6Pool", assoc_ptr);
      if (std::optional<Json> state_obj = object(assoc, "Ipv6CidrBlockState", assoc_ptr)) {
        std::string state = str(*state_obj, "State", child(assoc_ptr, "Ipv6CidrBlockState"));
        if (!state.empty()) association.state = state;
      }
      if (!association.associated()) {
        ignore(at(assoc_ptr), fmt::format("{} IPv6 CIDR block {}", owner, block->str()), "state " + association.state);
      }
      out.push_back(std::move(association));
    });
    return out;
  }

  std::optional<Ipv4> ipField(const Json& obj, std::string_view key, const std::string& ptr) {
    std::string text = str(obj, key, ptr);
    if (text.empty()) return std::nullopt;
    auto ip = Ipv4::parse(text);
    if (!ip) {
      error("bad-address", child(ptr, key), ip.error());
      return std::nullopt;
    }
    return *ip;
  }

  ResourceMeta meta(const Json& obj, std::string id, const std::string& ptr) {
    ResourceMeta out;
    out.id = std::move(id);
    for (std::string_view tags_key : {"Tags", "TagSet"}) {
      forEach(obj, tags_key, ptr, [&](const Json& tag, const std::string& tag_ptr, size_t) {
        std::string key = str(tag, "Key", tag_ptr);
        std::string value = str(tag, "Value", tag_ptr);
        if (key == "Name") out.name = value;
        out.tags.emplace_back(std::move(key), std::move(value));
      });
    }
    std::string owner = str(obj, "OwnerId", ptr);
    out.account = isAccountId(owner) ? owner : account_;
    out.region = region_;
    out.origin = at(ptr);
    return out;
  }

  /// Records `meta` under `kind`; false (and an ignored entry) when the ID was already seen.
  bool first(std::string_view kind, const ResourceMeta& item) {
    std::string key = std::string(kind) + ":" + item.id;
    auto [it, inserted] = seen_.emplace(key, item.origin);
    if (!inserted) {
      // One describe output never lists an ID twice; two inputs may (a
      // subnet shared through RAM appears in both accounts' snapshots), and
      // the first one is kept.
      auto fileOf = [](std::string_view origin) { return origin.substr(0, origin.find(":/")); };
      if (!it->second.empty() && fileOf(it->second) == fileOf(item.origin)) {
        errors_.push_back(Diagnostic{"duplicate-id",
                                     fmt::format("{} {} is listed twice (first at {})", kind, item.id, it->second),
                                     item.origin});
        return false;
      }
      ignore(item.origin, item.id, fmt::format("duplicate of {}", it->second.empty() ? "an earlier input" : it->second));
    }
    return inserted;
  }

  /// False (and an ignored entry "state X") when `state` is one of `dead`.
  bool live(const std::string& state, std::initializer_list<std::string_view> dead, const ResourceMeta& item) {
    if (!isOneOf(state, dead)) return true;
    ignore(item.origin, item.id, "state " + state);
    return false;
  }

  void seedSeen() {
    auto seed = [this](std::string_view kind, const auto& items) {
      for (const auto& item : items) seen_.emplace(std::string(kind) + ":" + item.meta.id, item.meta.origin);
    };
    seed("vpc", topo_.vpcs);
    seed("subnet", topo_.subnets);
    seed("route-table", topo_.route_tables);
    seed("security-group", topo_.security_groups);
    seed("network-acl", topo_.network_acls);
    seed("internet-gateway", topo_.internet_gateways);
    seed("egress-only-internet-gateway", topo_.egress_only_internet_gateways);
    seed("nat-gateway", topo_.nat_gateways);
    seed("vpc-endpoint", topo_.vpc_endpoints);
    seed("eni", topo_.enis);
    seed("instance", topo_.instances);
    seed("prefix-list", topo_.prefix_lists);
    seed("peering", topo_.peering_connections);
    seed("transit-gateway", topo_.transit_gateways);
    seed("tgw-attachment", topo_.tgw_attachments);
    seed("tgw-route-table", topo_.tgw_route_tables);
    seed("vpn-gateway", topo_.vpn_gateways);
    seed("vpn-connection", topo_.vpn_connections);
    seed("load-balancer", topo_.load_balancers);
    seed("listener", topo_.lb_listeners);
    seed("target-group", topo_.target_groups);
    seed("studio-domain", topo_.studio_domains);
    for (const auto& principal : topo_.iam.principals) {
      seen_.emplace(fmt::format("{}:{}", principalKindName(principal.kind), principal.arn), principal.origin);
    }
    for (const auto& policy : topo_.iam.managed_policies) seen_.emplace("managed policy:" + policy.arn, "");
  }

  // ---- files --------------------------------------------------------------

  /// Adds every `.json` file under `dir` (any depth) to `files`; a folder
  /// that cannot be listed is an error, not skipped.
  bool listJsonFiles(const fs::path& dir, std::vector<fs::path>& files);
  void setPlace(const fs::path& absolute_file);
  void loadFile(ParsedFile parsed);
  void loadDocument(const Json& doc);

  // ---- one handler per top-level key ---------------------------------------

  void readVpc(const Json& obj, const std::string& ptr);
  void readSubnet(const Json& obj, const std::string& ptr);
  void readRouteTable(const Json& obj, const std::string& ptr);
  std::optional<Route> readRoute(const Json& obj, const std::string& ptr);
  void readSecurityGroup(const Json& obj, const std::string& ptr);
  void readPermissions(const Json& obj, std::string_view key, const std::string& ptr, std::vector<SgRule>& out);
  void readNetworkAcl(const Json& obj, const std::string& ptr);
  void readInternetGateway(const Json& obj, const std::string& ptr);
  void readEgressOnlyInternetGateway(const Json& obj, const std::string& ptr);
  std::vector<std::string> gatewayAttachments(const Json& obj, const std::string& ptr, const std::string& gateway_id);
  void readNatGateway(const Json& obj, const std::string& ptr);
  void readVpcEndpoint(const Json& obj, const std::string& ptr);
  void readNetworkInterface(const Json& obj, const std::string& ptr);
  void readReservation(const Json& obj, const std::string& ptr);
  void readAddress(const Json& obj, const std::string& ptr);
  void readPrefixList(const Json& obj, const std::string& ptr);
  void readManagedPrefixList(const Json& obj, const std::string& ptr);
  void addPrefixList(PrefixList list);
  void addPrefixListEntry(PrefixList& list, const std::string& text, const std::string& ptr);
  void readPeering(const Json& obj, const std::string& ptr);
  PeeringSide readPeeringSide(const Json& obj, const std::string& ptr);
  void readTransitGateway(const Json& obj, const std::string& ptr);
  void readTgwAttachment(const Json& obj, const std::string& ptr);
  void readTgwVpcAttachment(const Json& obj, const std::string& ptr);
  void readTgwRouteTable(const Json& obj, const std::string& ptr);
  void readTgwStaticRoutes(const Json& obj, const std::string& ptr);
  void readTgwPropagations(const Json& obj, const std::string& ptr);
  void readVpnGateway(const Json& obj, const std::string& ptr);
  void readVpnConnection(const Json& obj, const std::string& ptr);
  void readCustomerGateway(const Json& obj, const std::string& ptr);
  // Elastic Load Balancing (elbv2 and elb describe-* outputs).
  void readLoadBalancer(const Json& obj, const std::string& ptr);
  void readClassicLoadBalancer(const Json& obj, const std::string& ptr);
  void readListenerGroup(const Json& obj, const std::string& ptr);
  void readListener(const Json& obj, const std::string& ptr) { readListenerOf(obj, ptr, ""); }
  void readListenerOf(const Json& obj, const std::string& ptr, const std::string& load_balancer_arn);
  void readListenerRule(const Json& obj, const std::string& ptr);
  void readTargetGroup(const Json& obj, const std::string& ptr);
  void readTargetHealth(const Json& obj, const std::string& ptr);
  void readLoadBalancerAttributes(const Json& obj, const std::string& ptr);
  void readTargetGroupAttributes(const Json& obj, const std::string& ptr);
  std::vector<std::pair<std::string, std::string>> attributeList(const Json& obj, const std::string& ptr);
  std::vector<std::string> forwardTargets(const Json& action, const std::string& ptr);
  void readStudioDomain(const Json& doc);
  void readOrganizationPolicy(const Json& policy);
  void readOrganization(const Json& organization);
  void readUserProfile(const Json& obj, const std::string& ptr);

  // ---- IAM (get-account-authorization-details) ------------------------------

  std::optional<PolicyDocument> policyDocument(const Json& obj, std::string_view key, const std::string& ptr,
                                               std::string name);
  void readPrincipal(const Json& obj, const std::string& ptr, PrincipalKind kind);
  void readRoleDetail(const Json& obj, const std::string& ptr) { readPrincipal(obj, ptr, PrincipalKind::kRole); }
  void readUserDetail(const Json& obj, const std::string& ptr) { readPrincipal(obj, ptr, PrincipalKind::kUser); }
  void readGroupDetail(const Json& obj, const std::string& ptr) { readPrincipal(obj, ptr, PrincipalKind::kGroup); }
  void readManagedPolicy(const Json& obj, const std::string& ptr);

  // ---- cross-file resolution -------------------------------------------------

  void resolve();
  void resolveAddresses();
  void resolveTgwAttachments();
  void resolveTgwRouteTables();
  void resolveLoadBalancing();

  static const std::map<std::string, Handler, std::less<>>& handlers();
  /// Room for `count` more items of the list `key` (big snapshots grow these
  /// vectors to hundreds of megabytes; growing them step by step costs time).
  void reserveFor(std::string_view key, size_t count);

  const LoadOptions& options_;
  Topology& topo_;
  std::vector<Diagnostic>& errors_;
  std::unordered_map<std::string, std::string> seen_;  // "kind:id" -> origin of the kept copy
  std::unordered_set<std::string> dead_tgw_route_tables_;

  std::vector<PendingAddress> addresses_;
  std::vector<PendingVpcAttachment> vpc_attachments_;
  std::vector<PendingByArn> by_arn_;
  std::vector<std::pair<std::string, std::vector<std::string>>> rule_targets_;  // listener ARN -> target groups
  std::vector<PendingTgwRoutes> tgw_routes_;

  // The file being read.
  std::string rel_;
  std::string region_;
  std::string account_;
};

const std::map<std::string, SnapshotLoader::Handler, std::less<>>& SnapshotLoader::handlers() {
  static const std::map<std::string, Handler, std::less<>> kHandlers = {
      {"Vpcs", &SnapshotLoader::readVpc},
      {"Subnets", &SnapshotLoader::readSubnet},
      {"RouteTables", &SnapshotLoader::readRouteTable},
      {"SecurityGroups", &SnapshotLoader::readSecurityGroup},
      {"NetworkAcls", &SnapshotLoader::readNetworkAcl},
      {"InternetGateways", &SnapshotLoader::readInternetGateway},
      {"EgressOnlyInternetGateways", &SnapshotLoader::readEgressOnlyInternetGateway},
      {"NatGateways", &SnapshotLoader::readNatGateway},
      {"VpcEndpoints", &SnapshotLoader::readVpcEndpoint},
      {"NetworkInterfaces", &SnapshotLoader::readNetworkInterface},
      {"Reservations", &SnapshotLoader::readReservation},
      {"Addresses", &SnapshotLoader::readAddress},
      {"PrefixLists", &SnapshotLoader::readPrefixList},
      {"ManagedPrefixLists", &SnapshotLoader::readManagedPrefixList},
      {"VpcPeeringConnections", &SnapshotLoader::readPeering},
      {"TransitGateways", &SnapshotLoader::readTransitGateway},
      {"TransitGatewayAttachments", &SnapshotLoader::readTgwAttachment},
      {"TransitGatewayVpcAttachments", &SnapshotLoader::readTgwVpcAttachment},
      {"TransitGatewayRouteTables", &SnapshotLoader::readTgwRouteTable},
      {"TransitGatewayStaticRoutes", &SnapshotLoader::readTgwStaticRoutes},
      {"TransitGatewayPropagations", &SnapshotLoader::readTgwPropagations},
      {"VpnGateways", &SnapshotLoader::readVpnGateway},
      {"VpnConnections", &SnapshotLoader::readVpnConnection},
      {"CustomerGateways", &SnapshotLoader::readCustomerGateway},
      {"RoleDetailList", &SnapshotLoader::readRoleDetail},
      {"UserDetailList", &SnapshotLoader::readUserDetail},
      {"GroupDetailList", &SnapshotLoader::readGroupDetail},
      {"Policies", &SnapshotLoader::readManagedPolicy},
      {"UserProfiles", &SnapshotLoader::readUserProfile},
      {"LoadBalancers", &SnapshotLoader::readLoadBalancer},
      {"LoadBalancerDescriptions", &SnapshotLoader::readClassicLoadBalancer},
      {"LoadBalancerListeners", &SnapshotLoader::readListenerGroup},
      {"Listeners", &SnapshotLoader::readListener},
      {"Rules", &SnapshotLoader::readListenerRule},
      {"TargetGroups", &SnapshotLoader::readTargetGroup},
      {"LoadBalancerTargetHealth", &SnapshotLoader::readTargetHealth},
      {"LoadBalancerAttributes", &SnapshotLoader::readLoadBalancerAttributes},
      {"TargetGroupAttributes", &SnapshotLoader::readTargetGroupAttributes},
  };
  return kHandlers;
}

void SnapshotLoader::reserveFor(std::string_view key, size_t count) {
  auto more = [count](auto& items) { items.reserve(items.size() + count); };
  seen_.reserve(seen_.size() + count);
  if (key == "NetworkInterfaces") more(topo_.enis);
  if (key == "Reservations") more(topo_.instances);  // at least one instance per reservation
  if (key == "Subnets") more(topo_.subnets);
  if (key == "SecurityGroups") more(topo_.security_groups);
  if (key == "RouteTables") more(topo_.route_tables);
  if (key == "NetworkAcls") more(topo_.network_acls);
}

bool SnapshotLoader::load(const fs::path& dir) {
  size_t errors_before = errors_.size();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    errors_.push_back(Diagnostic{"io-error", "not a directory", dir.generic_string()});
    return false;
  }
  std::vector<fs::path> files;
  if (!listJsonFiles(dir, files)) return false;
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.generic_string() < b.generic_string(); });
  if (files.empty()) {
    errors_.push_back(Diagnostic{"no-input", "no .json files found", dir.generic_string()});
    return false;
  }
  fs::path base = fs::absolute(dir, ec);
  if (ec) base = dir;
  // Parse ahead on other threads while this file is turned into model
  // objects: files i + 1 and i + 2 are parsed while file i is read, each into
  // parser i % 3, which file i - 1 left free (its document is dropped before
  // file i + 2 starts). At most three documents are in memory and each parser
  // reuses its buffers. Processing stays in file order, so output is unchanged.
  static constexpr size_t kSlots = 3;
  std::vector<std::string> rels;
  rels.reserve(files.size());
  for (const auto& file : files) rels.push_back(file.lexically_relative(dir).generic_string());
  std::array<simdjson::dom::parser, kSlots> parsers;
  std::deque<std::future<ParsedFile>> ahead;
  size_t started = 0;
  auto fill = [&] {
    for (; started < files.size() && ahead.size() < kSlots - 1; ++started) {
      ahead.push_back(std::async(std::launch::async, [&files, &rels, &parsers, i = started] {
        return parseFile(files[i], rels[i], parsers[i % kSlots]);
      }));
    }
  };
  fill();
  for (size_t i = 0; i < files.size(); ++i) {
    ParsedFile parsed = ahead.front().get();
    ahead.pop_front();
    fill();
    rel_ = rels[i];
    setPlace(base / files[i].lexically_relative(dir));
    loadFile(std::move(parsed));
  }
  rel_.clear();
  resolve();
  return errors_.size() == errors_before;
}

bool SnapshotLoader::listJsonFiles(const fs::path& dir, std::vector<fs::path>& files) {
  std::vector<fs::path> folders = {dir};
  bool ok = true;
  while (!folders.empty()) {
    fs::path folder = std::move(folders.back());
    folders.pop_back();
    std::error_code ec;
    fs::directory_iterator it(folder, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::error_code entry_ec;
      // Folders are walked without following symbolic links (no loops);
      // a `.json` entry of any other kind goes to readInputFile, which
      // reads regular files (and links to them) and reports the rest.
      if (it->is_directory(entry_ec) && !it->is_symlink(entry_ec)) {
        folders.push_back(it->path());
      } else if (it->path().extension() == ".json" && !it->is_directory(entry_ec)) {
        files.push_back(it->path());
      }
    }
    if (ec) {
      errors_.push_back(Diagnostic{"io-error", "cannot list folder: " + ec.message(), folder.generic_string()});
      ok = false;
    }
  }
  return ok;
}

void SnapshotLoader::setPlace(const fs::path& absolute_file) {
  region_ = options_.region;
  account_ = options_.account;
  std::string previous;
  for (const auto& part : absolute_file.parent_path().lexically_normal()) {
    std::string component = part.string();
    if (looksLikeRegion(component)) region_ = component;
    if (previous == "accounts" && isAccountId(component)) account_ = component;
    previous = component;
  }
}

void SnapshotLoader::loadFile(ParsedFile parsed) {
  if (!parsed.error.message.empty()) {
    errors_.push_back(std::move(parsed.error));
    return;
  }
  // Every access is type-checked first; the view's accessors throw nothing.
  loadDocument(parsed.doc);
}

void SnapshotLoader::loadDocument(const Json& doc) {
  if (!doc.is_object()) {
    ignore(rel_, "file", "top-level value is not an object");
    return;
  }
  bool recognised = false;
  for (const auto& [key, value] : doc.members()) {
    auto handler = handlers().find(key);
    if (handler == handlers().end()) continue;
    recognised = true;
    // The principals of the account are in the input, even when a list is empty.
    if (key == "RoleDetailList" || key == "UserDetailList" || key == "GroupDetailList") {
      topo_.iam.principals_loaded = true;
    }
    std::string list_ptr = child(std::string(), key);
    if (!value.is_array()) {
      typeError(list_ptr, "an array", value);
      continue;
    }
    reserveFor(key, value.size());
    value.forEachElement([&](const Json& item, size_t i) {
      std::string item_ptr = child(list_ptr, i);
      if (!item.is_object()) {
        typeError(item_ptr, "an object", item);
        return;
      }
      (this->*(handler->second))(item, item_ptr);
    });
  }
  if (recognised) return;
  if (doc.contains("format_version") && (doc.contains("planned_values") || doc.contains("terraform_version"))) {
    ignore(rel_, "file", "terraform plan JSON is not a snapshot");
    return;
  }
  if (doc.contains("DomainId") && doc.contains("UserProfileName")) {
    readUserProfile(doc, "");
    return;
  }
  // `aws organizations describe-policy` and `describe-organization`.
  if (std::optional<Json> policy = get(doc, "Policy"); policy && policy->is_object() && policy->contains("Content")) {
    readOrganizationPolicy(*policy);
    return;
  }
  if (std::optional<Json> organization = get(doc, "Organization");
      organization && organization->is_object() && organization->contains("Id")) {
    readOrganization(*organization);
    return;
  }
  if (doc.contains("DomainId") && (doc.contains("DomainName") || doc.contains("AppNetworkAccessType"))) {
    readStudioDomain(doc);
    return;
  }
  std::string keys;
  for (const auto& [key, value] : doc.members()) keys += (keys.empty() ? "" : ", ") + std::string(key);
  ignore(rel_, keys.empty() ? "file" : keys, "not modelled");
}

// ---- VPCs and subnets ---------------------------------------------------------

void SnapshotLoader::readVpc(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "VpcId", ptr);
  if (!id) return;
  Vpc vpc;
  vpc.meta = meta(obj, *id, ptr);
  if (!live(str(obj, "State", ptr), {"deleted"}, vpc.meta)) return;
  if (!first("vpc", vpc.meta)) return;
  vpc.is_default = flag(obj, "IsDefault", ptr, false);
  auto primary = cidrField(obj, "CidrBlock", ptr, true);
  bool has_set = get(obj, "CidrBlockAssociationSet").has_value();
  forEach(obj, "CidrBlockAssociationSet", ptr, [&](const Json& assoc, const std::string& assoc_ptr, size_t) {
    auto cidr = cidrField(assoc, "CidrBlock", assoc_ptr, true);
    if (!cidr) return;
    std::string state;
    if (std::optional<Json> state_obj = object(assoc, "CidrBlockState", assoc_ptr)) {
      state = str(*state_obj, "State", child(assoc_ptr, "CidrBlockState"));
    }
    if (state.empty() || isOneOf(state, {"associated", "associating"})) {
      if (std::find(vpc.cidrs.begin(), vpc.cidrs.end(), *cidr) == vpc.cidrs.end()) vpc.cidrs.push_back(*cidr);
    } else {
      vpc.disassociated_cidrs.push_back(*cidr);
      ignore(at(assoc_ptr), fmt::format("{} CIDR block {}", vpc.meta.id, cidr->str()), "state " + state);
    }
  });
  if (primary) {
    auto it = std::find(vpc.cidrs.begin(), vpc.cidrs.end(), *primary);
    if (it != vpc.cidrs.end()) {
      std::rotate(vpc.cidrs.begin(), it, it + 1);
    } else if (!has_set) {
      vpc.cidrs.insert(vpc.cidrs.begin(), *primary);
    }
  }
  vpc.ipv6_blocks = ipv6Associations(obj, ptr, vpc.meta.id);
  topo_.vpcs.push_back(std::move(vpc));
}

void SnapshotLoader::readSubnet(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "SubnetId", ptr);
  if (!id) return;
  Subnet subnet;
  subnet.meta = meta(obj, *id, ptr);
  if (!live(str(obj, "State", ptr), {"deleted"}, subnet.meta)) return;
  auto vpc_id = required(obj, "VpcId", ptr);
  // EC2 API Reference, Subnet: an IPv6-only subnet (Ipv6Native) has no CidrBlock.
  subnet.ipv6_native = !get(obj, "CidrBlock") && flag(obj, "Ipv6Native", ptr, false);
  std::optional<Cidr> cidr = Cidr::of(Ipv4(), 32);
  if (!subnet.ipv6_native) {
    if (!required(obj, "CidrBlock", ptr)) return;
    cidr = cidrField(obj, "CidrBlock", ptr, true);
  }
  if (!vpc_id || !cidr) return;
  if (!first("subnet", subnet.meta)) return;
  subnet.vpc_id = *vpc_id;
  subnet.cidr = *cidr;
  subnet.availability_zone = str(obj, "AvailabilityZone", ptr);
  subnet.availability_zone_id = str(obj, "AvailabilityZoneId", ptr);
  subnet.map_public_ip_on_launch = flag(obj, "MapPublicIpOnLaunch", ptr, false);
  subnet.assign_ipv6_address_on_creation = flag(obj, "AssignIpv6AddressOnCreation", ptr, false);
  subnet.ipv6_blocks = ipv6Associations(obj, ptr, subnet.meta.id);
  topo_.subnets.push_back(std::move(subnet));
}

// ---- route tables --------------------------------------------------------------

void SnapshotLoader::readRouteTable(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "RouteTableId", ptr);
  if (!id) return;
  RouteTable table;
  table.meta = meta(obj, *id, ptr);
  table.vpc_id = str(obj, "VpcId", ptr);
  forEach(obj, "Associations", ptr, [&](const Json& assoc, const std::string& assoc_ptr, size_t) {
    if (std::optional<Json> state_obj = object(assoc, "AssociationState", assoc_ptr)) {
      std::string state = str(*state_obj, "State", child(assoc_ptr, "AssociationState"));
      if (isOneOf(state, {"disassociated", "disassociating", "failed"})) {
        ignore(at(assoc_ptr), str(assoc, "RouteTableAssociationId", assoc_ptr), "state " + state);
        return;
      }
    }
    if (flag(assoc, "Main", assoc_ptr, false)) table.main = true;
    std::string subnet = str(assoc, "SubnetId", assoc_ptr);
    if (!subnet.empty()) table.subnet_ids.push_back(subnet);
    std::string gateway = str(assoc, "GatewayId", assoc_ptr);
    if (!gateway.empty()) table.gateway_ids.push_back(gateway);
  });
  forEach(obj, "Routes", ptr, [&](const Json& route_obj, const std::string& route_ptr, size_t) {
    if (auto route = readRoute(route_obj, route_ptr)) table.routes.push_back(std::move(*route));
  });
  table.propagating_vgws = fieldOf(obj, "PropagatingVgws", "GatewayId", ptr);
  if (!first("route-table", table.meta)) return;
  topo_.route_tables.push_back(std::move(table));
}

std::optional<Route> SnapshotLoader::readRoute(const Json& obj, const std::string& ptr) {
  Route route;
  route.source = at(ptr);
  route.origin = str(obj, "Origin", ptr);
  route.blackhole = lower(str(obj, "State", ptr)) == "blackhole";
  route.destination_prefix_list = str(obj, "DestinationPrefixListId", ptr);
  if (get(obj, "DestinationCidrBlock").has_value()) {
    route.destination = cidrField(obj, "DestinationCidrBlock", ptr, true);
    if (!route.destination) return std::nullopt;
  } else if (get(obj, "DestinationIpv6CidrBlock").has_value()) {
    route.destination_ipv6 = ipv6Field(obj, "DestinationIpv6CidrBlock", ptr, true);
    if (!route.destination_ipv6) return std::nullopt;
  } else if (route.destination_prefix_list.empty()) {
    error("missing-field", ptr, "missing required field 'DestinationCidrBlock'");
    return std::nullopt;
  }
  static const std::pair<std::string_view, RouteTarget> kTargets[] = {
      {"NatGatewayId", RouteTarget::kNatGateway},
      {"EgressOnlyInternetGatewayId", RouteTarget::kEgressOnlyInternetGateway},
      {"TransitGatewayId", RouteTarget::kTransitGateway},
      {"VpcPeeringConnectionId", RouteTarget::kPeeringConnection},
      {"NetworkInterfaceId", RouteTarget::kNetworkInterface},
      {"InstanceId", RouteTarget::kInstance},
      {"CarrierGatewayId", RouteTarget::kCarrierGateway},
      {"LocalGatewayId", RouteTarget::kLocalGateway},
      {"CoreNetworkArn", RouteTarget::kCoreNetwork},
  };
  for (const auto& [key, target] : kTargets) {
    std::string value = str(obj, key, ptr);
    if (value.empty()) continue;
    route.target = target;
    route.target_id = value;
    return route;
  }
  std::string gateway = str(obj, "GatewayId", ptr);
  route.target_id = gateway;
  if (gateway == "local") {
    route.target = RouteTarget::kLocal;
  } else if (gateway.rfind("igw-", 0) == 0) {
    route.target = RouteTarget::kInternetGateway;
  } else if (gateway.rfind("vpce-", 0) == 0) {
    route.target = RouteTarget::kVpcEndpoint;
  } else if (gateway.rfind("vgw-", 0) == 0) {
    route.target = RouteTarget::kVirtualPrivateGateway;
  } else if (gateway.rfind("eigw-", 0) == 0) {
    route.target = RouteTarget::kEgressOnlyInternetGateway;
  }
  return route;
}

// ---- security groups and network ACLs ---------------------------------------------

void SnapshotLoader::readSecurityGroup(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "GroupId", ptr);
  if (!id) return;
  SecurityGroup group;
  group.meta = meta(obj, *id, ptr);
  group.group_name = str(obj, "GroupName", ptr);
  group.vpc_id = str(obj, "VpcId", ptr);
  group.description = str(obj, "Description", ptr);
  readPermissions(obj, "IpPermissions", ptr, group.ingress);
  readPermissions(obj, "IpPermissionsEgress", ptr, group.egress);
  if (!first("security-group", group.meta)) return;
  topo_.security_groups.push_back(std::move(group));
}

void SnapshotLoader::readPermissions(const Json& obj, std::string_view key, const std::string& ptr,
                                     std::vector<SgRule>& out) {
  forEach(obj, key, ptr, [&](const Json& perm, const std::string& perm_ptr, size_t index) {
    auto protocol_text = required(perm, "IpProtocol", perm_ptr);
    if (!protocol_text) return;
    auto protocol = parseProtocol(*protocol_text);
    if (!protocol) {
      error("bad-protocol", child(perm_ptr, "IpProtocol"), protocol.error());
      return;
    }
    SgRule base;
    base.protocol = *protocol;
    base.index = static_cast<int>(index);
    auto from = integer(perm, "FromPort", perm_ptr);
    auto to = integer(perm, "ToPort", perm_ptr);
    bool ported = base.protocol == kProtocolTcp || base.protocol == kProtocolUdp;
    if (auto problem = topology::sgPortsProblem(base.protocol, from, to)) {
      error("bad-value", child(perm_ptr, problem->field == topology::RuleField::kFrom ? "FromPort" : "ToPort"),
            problem->message);
      return;
    }
    base.from_port = from.value_or(ported ? 0 : -1);
    base.to_port = to.value_or(ported ? 65535 : -1);

    // One rule per peer listed in the permission (EC2 API Reference,
    // IpPermission: IpRanges, Ipv6Ranges, PrefixListIds, UserIdGroupPairs).
    // `fill` sets the peer from the entry; false drops the entry.
    auto peers = [&](std::string_view list, std::string_view id_key, PeerKind kind, auto&& fill) {
      forEach(perm, list, perm_ptr, [&](const Json& entry, const std::string& entry_ptr, size_t) {
        auto text = required(entry, id_key, entry_ptr);
        if (!text) return;
        SgRule rule = base;
        rule.peer_kind = kind;
        if (!fill(rule, entry, entry_ptr, *text)) return;
        rule.description = str(entry, "Description", entry_ptr);
        rule.source = at(entry_ptr);
        out.push_back(std::move(rule));
      });
    };
    peers("IpRanges", "CidrIp", PeerKind::kCidr,
          [&](SgRule& rule, const Json&, const std::string& entry_ptr, const std::string& text) {
            auto cidr = cidrFrom(text, child(entry_ptr, "CidrIp"), false);
            if (cidr) rule.cidr = *cidr;
            return cidr.has_value();
          });
    auto byId = [](SgRule& rule, const Json&, const std::string&, const std::string& text) {
      rule.peer = text;
      return true;
    };
    peers("Ipv6Ranges", "CidrIpv6", PeerKind::kIpv6Cidr,
          [&](SgRule& rule, const Json&, const std::string& entry_ptr, const std::string& text) {
            auto cidr = cidrFrom<Cidr6>(text, child(entry_ptr, "CidrIpv6"), false);
            if (cidr) rule.cidr6 = Ipv6Block(*cidr);
            return cidr.has_value();
          });
    peers("PrefixListIds", "PrefixListId", PeerKind::kPrefixList, byId);
    peers("UserIdGroupPairs", "GroupId", PeerKind::kSecurityGroup,
          [&](SgRule& rule, const Json& pair, const std::string& pair_ptr, const std::string& text) {
            rule.peer = text;
            rule.peer_vpc_id = str(pair, "VpcId", pair_ptr);
            return true;
          });
  });
}

void SnapshotLoader::readNetworkAcl(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "NetworkAclId", ptr);
  if (!id) return;
  NetworkAcl acl;
  acl.meta = meta(obj, *id, ptr);
  acl.vpc_id = str(obj, "VpcId", ptr);
  acl.is_default = flag(obj, "IsDefault", ptr, false);
  acl.subnet_ids = fieldOf(obj, "Associations", "SubnetId", ptr);
  forEach(obj, "Entries", ptr, [&](const Json& entry_obj, const std::string& entry_ptr, size_t) {
    NaclEntry entry;
    entry.source = at(entry_ptr);
    auto number = integer(entry_obj, "RuleNumber", entry_ptr);
    if (!number) {
      if (!get(entry_obj, "RuleNumber")) {
        error("missing-field", entry_ptr, "missing required field 'RuleNumber'");
      }
      return;
    }
    if (*number < 1 || *number > 32767) {
      error("bad-value", child(entry_ptr, "RuleNumber"),
            fmt::format("rule number {} is out of range (1-32767)", *number));
      return;
    }
    entry.rule_number = *number;
    entry.egress = flag(entry_obj, "Egress", entry_ptr, false);
    auto action = required(entry_obj, "RuleAction", entry_ptr);
    if (!action) return;
    if (isOneOf(*action, {"allow"})) {
      entry.allow = true;
    } else if (!isOneOf(*action, {"deny"})) {
      error("bad-value", child(entry_ptr, "RuleAction"), fmt::format("'{}' is not allow or deny", *action));
      return;
    }
    auto protocol_text = required(entry_obj, "Protocol", entry_ptr);
    if (!protocol_text) return;
    auto protocol = parseProtocol(*protocol_text);
    if (!protocol) {
      error("bad-protocol", child(entry_ptr, "Protocol"), protocol.error());
      return;
    }
    entry.protocol = *protocol;
    if (get(entry_obj, "CidrBlock").has_value()) {
      entry.cidr = cidrField(entry_obj, "CidrBlock", entry_ptr, false);
      if (!entry.cidr) return;
    } else if (get(entry_obj, "Ipv6CidrBlock").has_value()) {
      entry.ipv6_cidr = ipv6Field(entry_obj, "Ipv6CidrBlock", entry_ptr, false);
      if (!entry.ipv6_cidr) return;
    } else {
      error("missing-field", entry_ptr, "missing required field 'CidrBlock'");
      return;
    }
    if (std::optional<Json> range = object(entry_obj, "PortRange", entry_ptr)) {
      std::string range_ptr = child(entry_ptr, "PortRange");
      entry.ports.from = integer(*range, "From", range_ptr).value_or(0);
      entry.ports.to = integer(*range, "To", range_ptr).value_or(65535);
      if (auto problem = topology::naclPortsProblem(entry.ports.from, entry.ports.to)) {
        error("bad-value", child(range_ptr, problem->field == topology::RuleField::kFrom ? "From" : "To"),
              problem->message);
        return;
      }
    }
    if (std::optional<Json> icmp = object(entry_obj, "IcmpTypeCode", entry_ptr)) {
      std::string icmp_ptr = child(entry_ptr, "IcmpTypeCode");
      entry.icmp_type = integer(*icmp, "Type", icmp_ptr).value_or(-1);
      entry.icmp_code = integer(*icmp, "Code", icmp_ptr).value_or(-1);
      if (auto problem = topology::naclIcmpProblem(entry.icmp_type, entry.icmp_code)) {
        error("bad-value", child(icmp_ptr, problem->field == topology::RuleField::kFrom ? "Type" : "Code"),
              problem->message);
        return;
      }
    }
    acl.entries.push_back(std::move(entry));
  });
  std::stable_sort(acl.entries.begin(), acl.entries.end(), [](const NaclEntry& a, const NaclEntry& b) {
    return std::tie(a.egress, a.rule_number) < std::tie(b.egress, b.rule_number);
  });
  if (!first("network-acl", acl.meta)) return;
  topo_.network_acls.push_back(std::move(acl));
}

// ---- gateways ---------------------------------------------------------------------

// The VPCs a gateway is attached to (state available or attached).
std::vector<std::string> SnapshotLoader::gatewayAttachments(const Json& obj, const std::string& ptr,
                                                            const std::string& gateway_id) {
  std::vector<std::string> vpc_ids;
  forEach(obj, "Attachments", ptr, [&](const Json& attachment, const std::string& attachment_ptr, size_t) {
    std::string vpc = str(attachment, "VpcId", attachment_ptr);
    std::string state = str(attachment, "State", attachment_ptr);
    if (vpc.empty()) return;
    if (isOneOf(state, {"available", "attached"})) {
      vpc_ids.push_back(vpc);
    } else {
      ignore(at(attachment_ptr), fmt::format("{} attachment to {}", gateway_id, vpc), "state " + state);
    }
  });
  return vpc_ids;
}

void SnapshotLoader::readInternetGateway(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "InternetGatewayId", ptr);
  if (!id) return;
  InternetGateway gateway;
  gateway.meta = meta(obj, *id, ptr);
  if (!first("internet-gateway", gateway.meta)) return;
  gateway.vpc_ids = gatewayAttachments(obj, ptr, gateway.meta.id);
  topo_.internet_gateways.push_back(std::move(gateway));
}

// describe-egress-only-internet-gateways: Attachments names the one VPC.
void SnapshotLoader::readEgressOnlyInternetGateway(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "EgressOnlyInternetGatewayId", ptr);
  if (!id) return;
  EgressOnlyInternetGateway gateway;
  gateway.meta = meta(obj, *id, ptr);
  if (!first("egress-only-internet-gateway", gateway.meta)) return;
  std::vector<std::string> vpc_ids = gatewayAttachments(obj, ptr, gateway.meta.id);
  if (!vpc_ids.empty()) gateway.vpc_id = vpc_ids.front();
  for (size_t i = 1; i < vpc_ids.size(); ++i) {
    ignore(gateway.meta.origin, fmt::format("{} attachment to {}", gateway.meta.id, vpc_ids[i]),
           "an egress-only internet gateway attaches to one VPC; the first attachment is used");
  }
  topo_.egress_only_internet_gateways.push_back(std::move(gateway));
}

void SnapshotLoader::readNatGateway(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "NatGatewayId", ptr);
  if (!id) return;
  NatGateway nat;
  nat.meta = meta(obj, *id, ptr);
  if (!live(str(obj, "State", ptr), {"deleted", "deleting", "failed"}, nat.meta)) return;
  auto subnet = required(obj, "SubnetId", ptr);
  if (!subnet) return;
  nat.subnet_id = *subnet;
  nat.vpc_id = str(obj, "VpcId", ptr);
  nat.is_public = !isOneOf(str(obj, "ConnectivityType", ptr), {"private"});
  forEach(obj, "NatGatewayAddresses", ptr, [&](const Json& address, const std::string& address_ptr, size_t) {
    if (auto ip = ipField(address, "PrivateIp", address_ptr)) nat.private_ips.push_back(*ip);
    if (auto ip = ipField(address, "PublicIp", address_ptr)) nat.public_ips.push_back(*ip);
    std::string eni = str(address, "NetworkInterfaceId", address_ptr);
    if (nat.eni_id.empty()) nat.eni_id = eni;
  });
  if (!first("nat-gateway", nat.meta)) return;
  topo_.nat_gateways.push_back(std::move(nat));
}

void SnapshotLoader::readVpcEndpoint(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "VpcEndpointId", ptr);
  if (!id) return;
  VpcEndpoint endpoint;
  endpoint.meta = meta(obj, *id, ptr);
  if (!live(str(obj, "State", ptr), {"deleted", "deleting", "failed", "rejected", "expired"}, endpoint.meta)) {
    return;
  }
  std::string type = str(obj, "VpcEndpointType", ptr);
  if (type.empty() || isOneOf(type, {"gateway"})) {
    endpoint.type = EndpointType::kGateway;
  } else if (isOneOf(type, {"interface"})) {
    endpoint.type = EndpointType::kInterface;
  } else if (isOneOf(type, {"gatewayloadbalancer"})) {
    endpoint.type = EndpointType::kGatewayLoadBalancer;
  } else {
    ignore(endpoint.meta.origin, endpoint.meta.id, fmt::format("endpoint type {} not modelled", type));
    return;
  }
  endpoint.vpc_id = str(obj, "VpcId", ptr);
  endpoint.service_name = str(obj, "ServiceName", ptr);
  endpoint.route_table_ids = strings(obj, "RouteTableIds", ptr);
  endpoint.subnet_ids = strings(obj, "SubnetIds", ptr);
  endpoint.eni_ids = strings(obj, "NetworkInterfaceIds", ptr);
  endpoint.security_group_ids = fieldOf(obj, "Groups", "GroupId", ptr);
  endpoint.private_dns = flag(obj, "PrivateDnsEnabled", ptr, false);
  if (std::string type_text = str(obj, "IpAddressType", ptr); !type_text.empty()) {
    auto ip_type = parseIpAddressType(type_text);
    if (!ip_type) {
      error("bad-value", child(ptr, "IpAddressType"),
            fmt::format("'{}' is not an IP address type (ipv4, dualstack or ipv6)", type_text));
      return;
    }
    endpoint.ip_address_type = *ip_type;
  }
  endpoint.policy_document = str(obj, "PolicyDocument", ptr);
  // describe-vpc-endpoints prints PolicyDocument as JSON text.
  if (!endpoint.policy_document.empty()) {
    endpoint.policy = parsePolicyText(endpoint.policy_document, endpoint.meta.id + " endpoint policy",
                                      rel_ + ":" + child(ptr, "PolicyDocument"), errors_);
  }
  if (!first("vpc-endpoint", endpoint.meta)) return;
  topo_.vpc_endpoints.push_back(std::move(endpoint));
}

// ---- network interfaces, instances and addresses --------------------------------------

void SnapshotLoader::readNetworkInterface(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "NetworkInterfaceId", ptr);
  if (!id) return;
  Eni eni;
  eni.meta = meta(obj, *id, ptr);
  eni.vpc_id = str(obj, "VpcId", ptr);
  eni.subnet_id = str(obj, "SubnetId", ptr);
  eni.availability_zone = str(obj, "AvailabilityZone", ptr);
  eni.interface_type = str(obj, "InterfaceType", ptr);
  eni.description = str(obj, "Description", ptr);
  eni.requester_id = str(obj, "RequesterId", ptr);
  eni.source_dest_check = flag(obj, "SourceDestCheck", ptr, true);
  eni.security_group_ids = fieldOf(obj, "Groups", "GroupId", ptr);
  forEach(obj, "Ipv6Addresses", ptr, [&](const Json& item, const std::string& item_ptr, size_t) {
    auto text = required(item, "Ipv6Address", item_ptr);
    if (!text) return;
    auto address = Ipv6::parse(*text);
    if (!address) {
      error("bad-address", child(item_ptr, "Ipv6Address"), address.error());
      return;
    }
    eni.ipv6_addresses.push_back(*address);
  });
  forEach(obj, "Ipv6Prefixes", ptr, [&](const Json& item, const std::string& item_ptr, size_t) {
    if (!required(item, "Ipv6Prefix", item_ptr)) return;
    if (auto prefix = cidrField<Cidr6>(item, "Ipv6Prefix", item_ptr, true)) eni.ipv6_prefixes.push_back(*prefix);
  });
  if (std::optional<Json> attachment = object(obj, "Attachment", ptr)) {
    eni.instance_id = str(*attachment, "InstanceId", child(ptr, "Attachment"));
    eni.device_index = integer(*attachment, "DeviceIndex", child(ptr, "Attachment")).value_or(-1);
  }

  // A public address from an "Association" object: an EIP when it has an
  // allocation or is owned by someone other than Amazon's auto-assign pool.
  auto addPublic = [&](const Json& holder, const std::string& holder_ptr, Ipv4 private_ip) {
    std::optional<Json> association = object(holder, "Association", holder_ptr);
    if (!association) return;
    std::string assoc_ptr = child(holder_ptr, "Association");
    auto public_ip = ipField(*association, "PublicIp", assoc_ptr);
    if (!public_ip) return;
    std::string owner = str(*association, "IpOwnerId", assoc_ptr);
    bool elastic = !str(*association, "AllocationId", assoc_ptr).empty() || (!owner.empty() && owner != "amazon");
    for (const auto& existing : eni.public_ips) {
      if (existing.public_ip == *public_ip) return;
    }
    eni.public_ips.push_back(PublicAddress{private_ip, *public_ip, elastic});
  };

  std::vector<std::pair<Ipv4, bool>> private_ips;  // address, primary
  forEach(obj, "PrivateIpAddresses", ptr, [&](const Json& entry, const std::string& entry_ptr, size_t) {
    auto ip = ipField(entry, "PrivateIpAddress", entry_ptr);
    if (!ip) return;
    private_ips.emplace_back(*ip, flag(entry, "Primary", entry_ptr, false));
  });
  std::stable_partition(private_ips.begin(), private_ips.end(), [](const auto& ip) { return ip.second; });
  auto primary = ipField(obj, "PrivateIpAddress", ptr);
  if (private_ips.empty() && primary) private_ips.emplace_back(*primary, true);
  for (const auto& [ip, is_primary] : private_ips) eni.private_ips.push_back(ip);

  forEach(obj, "PrivateIpAddresses", ptr, [&](const Json& entry, const std::string& entry_ptr, size_t) {
    if (auto ip = ipField(entry, "PrivateIpAddress", entry_ptr)) addPublic(entry, entry_ptr, *ip);
  });
  if (!eni.private_ips.empty()) addPublic(obj, ptr, primary.value_or(eni.private_ips.front()));

  if (!first("eni", eni.meta)) return;
  topo_.enis.push_back(std::move(eni));
}

void SnapshotLoader::readReservation(const Json& obj, const std::string& ptr) {
  std::string owner = str(obj, "OwnerId", ptr);
  forEach(obj, "Instances", ptr, [&](const Json& instance_obj, const std::string& instance_ptr, size_t) {
    auto id = required(instance_obj, "InstanceId", instance_ptr);
    if (!id) return;
    Instance instance;
    instance.meta = meta(instance_obj, *id, instance_ptr);
    if (isAccountId(owner)) instance.meta.account = owner;
    if (std::optional<Json> state = object(instance_obj, "State", instance_ptr)) {
      instance.state = str(*state, "Name", child(instance_ptr, "State"));
    }
    if (!live(instance.state, {"terminated", "shutting-down"}, instance.meta)) return;
    if (std::optional<Json> options = object(instance_obj, "MetadataOptions", instance_ptr)) {
      // EC2 API reference, InstanceMetadataOptionsResponse: HttpEndpoint is "enabled" or "disabled".
      instance.metadata_endpoint = str(*options, "HttpEndpoint", child(instance_ptr, "MetadataOptions")) != "disabled";
    }
    std::vector<std::pair<int, std::string>> enis;  // device index, ENI
    forEach(instance_obj, "NetworkInterfaces", instance_ptr,
            [&](const Json& eni, const std::string& eni_ptr, size_t position) {
              auto eni_id = required(eni, "NetworkInterfaceId", eni_ptr);
              if (!eni_id) return;
              int device = std::numeric_limits<int>::max() / 2 + static_cast<int>(std::min<size_t>(position, 1000));
              if (std::optional<Json> attachment = object(eni, "Attachment", eni_ptr)) {
                device = integer(*attachment, "DeviceIndex", child(eni_ptr, "Attachment")).value_or(device);
              }
              enis.emplace_back(device, *eni_id);
            });
    std::stable_sort(enis.begin(), enis.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [device, eni_id] : enis) instance.eni_ids.push_back(std::move(eni_id));
    if (!first("instance", instance.meta)) return;
    topo_.instances.push_back(std::move(instance));
  });
}

void SnapshotLoader::readAddress(const Json& obj, const std::string& ptr) {
  PendingAddress address;
  address.location = at(ptr);
  std::string what = str(obj, "AllocationId", ptr);
  auto public_ip = ipField(obj, "PublicIp", ptr);
  if (!public_ip) {
    if (!get(obj, "PublicIp")) error("missing-field", ptr, "missing required field 'PublicIp'");
    return;
  }
  if (what.empty()) what = public_ip->str();
  address.public_ip = *public_ip;
  address.eni_id = str(obj, "NetworkInterfaceId", ptr);
  address.instance_id = str(obj, "InstanceId", ptr);
  address.private_ip = ipField(obj, "PrivateIpAddress", ptr);
  if (address.eni_id.empty() && address.instance_id.empty()) {
    ignore(address.location, what, "not associated");
    return;
  }
  addresses_.push_back(std::move(address));
}

// ---- prefix lists and peering ----------------------------------------------------------

void SnapshotLoader::addPrefixList(PrefixList list) {
  std::string key = "prefix-list:" + list.meta.id;
  if (seen_.count(key) != 0) {
    // Merge: describe-managed-prefix-lists lists AWS lists without entries.
    for (auto& existing : topo_.prefix_lists) {
      if (existing.meta.id == list.meta.id && existing.cidrs.empty() && !list.cidrs.empty()) {
        existing.cidrs = list.cidrs;
        return;
      }
    }
  }
  if (!first("prefix-list", list.meta)) return;
  topo_.prefix_lists.push_back(std::move(list));
}

void SnapshotLoader::addPrefixListEntry(PrefixList& list, const std::string& text, const std::string& ptr) {
  if (text.find(':') == std::string::npos) {
    if (auto cidr = cidrFrom(text, ptr, false)) list.cidrs.push_back(*cidr);
  } else if (auto cidr = cidrFrom<Cidr6>(text, ptr, false)) {
    list.cidrs6.push_back(*cidr);
  }
}

void SnapshotLoader::readPrefixList(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "PrefixListId", ptr);
  if (!id) return;
  PrefixList list;
  list.meta = meta(obj, *id, ptr);
  list.prefix_list_name = str(obj, "PrefixListName", ptr);
  list.aws_managed = true;
  std::vector<std::string> cidrs = strings(obj, "Cidrs", ptr);
  for (size_t i = 0; i < cidrs.size(); ++i) {
    addPrefixListEntry(list, cidrs[i], child(child(ptr, "Cidrs"), i));
  }
  addPrefixList(std::move(list));
}

void SnapshotLoader::readManagedPrefixList(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "PrefixListId", ptr);
  if (!id) return;
  PrefixList list;
  list.meta = meta(obj, *id, ptr);
  if (!live(str(obj, "State", ptr), {"delete-complete", "delete-in-progress", "create-failed"}, list.meta)) return;
  list.prefix_list_name = str(obj, "PrefixListName", ptr);
  list.aws_managed = str(obj, "OwnerId", ptr) == "AWS";
  forEach(obj, "Entries", ptr, [&](const Json& entry, const std::string& entry_ptr, size_t) {
    if (auto text = required(entry, "Cidr", entry_ptr)) addPrefixListEntry(list, *text, child(entry_ptr, "Cidr"));
  });
  addPrefixList(std::move(list));
}

PeeringSide SnapshotLoader::readPeeringSide(const Json& obj, const std::string& ptr) {
  PeeringSide side;
  side.vpc_id = str(obj, "VpcId", ptr);
  side.account = str(obj, "OwnerId", ptr);
  side.region = str(obj, "Region", ptr);
  forEach(obj, "CidrBlockSet", ptr, [&](const Json& block, const std::string& block_ptr, size_t) {
    if (auto cidr = cidrField(block, "CidrBlock", block_ptr, false)) side.cidrs.push_back(*cidr);
  });
  if (side.cidrs.empty()) {
    if (auto cidr = cidrField(obj, "CidrBlock", ptr, false)) side.cidrs.push_back(*cidr);
  }
  return side;
}

void SnapshotLoader::readPeering(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "VpcPeeringConnectionId", ptr);
  if (!id) return;
  PeeringConnection peering;
  peering.meta = meta(obj, *id, ptr);
  if (std::optional<Json> status = object(obj, "Status", ptr)) peering.status = str(*status, "Code", child(ptr, "Status"));
  if (!isOneOf(peering.status, {"active"})) {
    ignore(peering.meta.origin, peering.meta.id, "status " + peering.status);
    return;
  }
  if (std::optional<Json> side = object(obj, "RequesterVpcInfo", ptr)) {
    peering.requester = readPeeringSide(*side, child(ptr, "RequesterVpcInfo"));
  }
  if (std::optional<Json> side = object(obj, "AccepterVpcInfo", ptr)) {
    peering.accepter = readPeeringSide(*side, child(ptr, "AccepterVpcInfo"));
  }
  for (PeeringSide* side : {&peering.requester, &peering.accepter}) {
    if (side->region.empty()) side->region = region_;
    if (side->account.empty()) side->account = account_;
  }
  if (!first("peering", peering.meta)) return;
  topo_.peering_connections.push_back(std::move(peering));
}

// ---- transit gateways --------------------------------------------------------------

void SnapshotLoader::readTransitGateway(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "TransitGatewayId", ptr);
  if (!id) return;
  TransitGateway tgw;
  tgw.meta = meta(obj, *id, ptr);
  if (!live(str(obj, "State", ptr), {"deleted", "deleting"}, tgw.meta)) return;
  if (std::optional<Json> options = object(obj, "Options", ptr)) {
    std::string options_ptr = child(ptr, "Options");
    tgw.default_association_route_table = str(*options, "AssociationDefaultRouteTableId", options_ptr);
    tgw.default_propagation_route_table = str(*options, "PropagationDefaultRouteTableId", options_ptr);
  }
  if (!first("transit-gateway", tgw.meta)) return;
  topo_.transit_gateways.push_back(std::move(tgw));
}

void SnapshotLoader::readTgwAttachment(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "TransitGatewayAttachmentId", ptr);
  if (!id) return;
  TgwAttachment attachment;
  attachment.meta = meta(obj, *id, ptr);
  attachment.state = str(obj, "State", ptr);
  if (!live(attachment.state, {"deleted", "deleting", "failed", "failing", "rejected"}, attachment.meta)) return;
  attachment.transit_gateway_id = str(obj, "TransitGatewayId", ptr);
  attachment.resource_type = str(obj, "ResourceType", ptr);
  attachment.resource_id = str(obj, "ResourceId", ptr);
  if (std::optional<Json> association = object(obj, "Association", ptr)) {
    std::string assoc_ptr = child(ptr, "Association");
    if (isOneOf(str(*association, "State", assoc_ptr), {"associated"})) {
      attachment.association_route_table = str(*association, "TransitGatewayRouteTableId", assoc_ptr);
    }
  }
  if (seen_.count("tgw-attachment:" + attachment.meta.id) != 0) {
    // A TGW peering attachment has one ID but a side (and an association) on
    // each transit gateway; the second side's association is kept as the
    // peer association of the first.
    for (auto& kept : topo_.tgw_attachments) {
      if (kept.meta.id == attachment.meta.id && kept.transit_gateway_id != attachment.transit_gateway_id) {
        if (kept.peer_association_route_table.empty()) {
          kept.peer_association_route_table = attachment.association_route_table;
        }
        return;
      }
    }
  }
  if (!first("tgw-attachment", attachment.meta)) return;
  topo_.tgw_attachments.push_back(std::move(attachment));
}

void SnapshotLoader::readTgwVpcAttachment(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "TransitGatewayAttachmentId", ptr);
  if (!id) return;
  PendingVpcAttachment pending;
  TgwAttachment& attachment = pending.attachment;
  attachment.meta = meta(obj, *id, ptr);
  attachment.state = str(obj, "State", ptr);
  if (!live(attachment.state, {"deleted", "deleting", "failed", "failing", "rejected"}, attachment.meta)) return;
  attachment.transit_gateway_id = str(obj, "TransitGatewayId", ptr);
  attachment.resource_type = "vpc";
  attachment.resource_id = str(obj, "VpcId", ptr);
  attachment.subnet_ids = strings(obj, "SubnetIds", ptr);
  std::string owner = str(obj, "VpcOwnerId", ptr);
  if (isAccountId(owner)) attachment.meta.account = owner;
  vpc_attachments_.push_back(std::move(pending));
}

void SnapshotLoader::readTgwRouteTable(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "TransitGatewayRouteTableId", ptr);
  if (!id) return;
  TgwRouteTable table;
  table.meta = meta(obj, *id, ptr);
  if (!live(str(obj, "State", ptr), {"deleted", "deleting"}, table.meta)) {
    dead_tgw_route_tables_.insert(table.meta.id);
    return;
  }
  table.transit_gateway_id = str(obj, "TransitGatewayId", ptr);
  if (!first("tgw-route-table", table.meta)) return;
  topo_.tgw_route_tables.push_back(std::move(table));
}

void SnapshotLoader::readTgwStaticRoutes(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "TransitGatewayRouteTableId", ptr);
  if (!id) return;
  PendingTgwRoutes pending;
  pending.route_table_id = *id;
  pending.meta = meta(obj, *id, ptr);
  pending.is_static = true;
  forEach(obj, "Routes", ptr, [&](const Json& route_obj, const std::string& route_ptr, size_t) {
    std::string type = str(route_obj, "Type", route_ptr);
    std::string state = str(route_obj, "State", route_ptr);
    if (isOneOf(type, {"propagated"})) {
      ignore(at(route_ptr), "route", "propagated route (derived from propagations)");
      return;
    }
    if (isOneOf(state, {"deleted", "deleting"})) {
      ignore(at(route_ptr), "route", "state " + state);
      return;
    }
    if (!get(route_obj, "DestinationCidrBlock")) {
      if (!str(route_obj, "PrefixListId", route_ptr).empty()) {
        ignore(at(route_ptr), "route", "prefix-list destination not modelled");
      } else {
        error("missing-field", route_ptr, "missing required field 'DestinationCidrBlock'");
      }
      return;
    }
    auto destination = cidrField(route_obj, "DestinationCidrBlock", route_ptr, true);
    if (!destination) return;
    TgwRoute route;
    route.destination = *destination;
    route.blackhole = isOneOf(state, {"blackhole"});
    route.attachment_ids = fieldOf(route_obj, "TransitGatewayAttachments", "TransitGatewayAttachmentId", route_ptr);
    route.source = at(route_ptr);
    pending.static_routes.push_back(std::move(route));
  });
  tgw_routes_.push_back(std::move(pending));
}

void SnapshotLoader::readTgwPropagations(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "TransitGatewayRouteTableId", ptr);
  if (!id) return;
  PendingTgwRoutes pending;
  pending.route_table_id = *id;
  pending.meta = meta(obj, *id, ptr);
  forEach(obj, "TransitGatewayRouteTablePropagations", ptr,
          [&](const Json& propagation, const std::string& propagation_ptr, size_t) {
            auto attachment = required(propagation, "TransitGatewayAttachmentId", propagation_ptr);
            if (!attachment) return;
            std::string state = str(propagation, "State", propagation_ptr);
            if (!state.empty() && !isOneOf(state, {"enabled", "enabling"})) {
              ignore(at(propagation_ptr), *attachment, "state " + state);
              return;
            }
            pending.propagating_attachments.push_back(*attachment);
          });
  tgw_routes_.push_back(std::move(pending));
}

// ---- VPN ------------------------------------------------------------------------

void SnapshotLoader::readVpnGateway(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "VpnGatewayId", ptr);
  if (!id) return;
  VpnGateway gateway;
  gateway.meta = meta(obj, *id, ptr);
  if (!live(str(obj, "State", ptr), {"deleted", "deleting"}, gateway.meta)) return;
  forEach(obj, "VpcAttachments", ptr, [&](const Json& attachment, const std::string& attachment_ptr, size_t) {
    std::string vpc = str(attachment, "VpcId", attachment_ptr);
    std::string state = str(attachment, "State", attachment_ptr);
    if (vpc.empty()) return;
    if (state.empty() || isOneOf(state, {"attached", "available"})) {
      gateway.vpc_ids.push_back(vpc);
    } else {
      ignore(at(attachment_ptr), fmt::format("{} attachment to {}", gateway.meta.id, vpc), "state " + state);
    }
  });
  if (!first("vpn-gateway", gateway.meta)) return;
  topo_.vpn_gateways.push_back(std::move(gateway));
}

void SnapshotLoader::readVpnConnection(const Json& obj, const std::string& ptr) {
  auto id = required(obj, "VpnConnectionId", ptr);
  if (!id) return;
  VpnConnection connection;
  connection.meta = meta(obj, *id, ptr);
  if (!live(str(obj, "State", ptr), {"deleted", "deleting"}, connection.meta)) return;
  connection.vpn_gateway_id = str(obj, "VpnGatewayId", ptr);
  connection.transit_gateway_id = str(obj, "TransitGatewayId", ptr);
  if (!first("vpn-connection", connection.meta)) return;
  topo_.vpn_connections.push_back(std::move(connection));
}

void SnapshotLoader::readCustomerGateway(const Json& obj, const std::string& ptr) {
  ignore(at(ptr), str(obj, "CustomerGatewayId", ptr), "customer gateway (far side of a VPN) not modelled");
}

// ---- SageMaker ----------------------------------------------------------------------

void SnapshotLoader::readStudioDomain(const Json& doc) {
  const std::string ptr;
  auto id = required(doc, "DomainId", ptr);
  if (!id) return;
  StudioDomain domain;
  domain.meta = meta(doc, *id, ptr);
  domain.meta.origin = rel_;
  domain.meta.name = str(doc, "DomainName", ptr);
  domain.network_mode = isOneOf(str(doc, "AppNetworkAccessType", ptr), {"vpconly"})
                            ? StudioNetworkMode::kVpcOnly
                            : StudioNetworkMode::kPublicInternetOnly;
  domain.vpc_id = str(doc, "VpcId", ptr);
  domain.subnet_ids = strings(doc, "SubnetIds", ptr);
  if (std::optional<Json> settings = object(doc, "DefaultUserSettings", ptr)) {
    std::string settings_ptr = child(ptr, "DefaultUserSettings");
    domain.security_group_ids = strings(*settings, "SecurityGroups", settings_ptr);
    domain.default_execution_role = str(*settings, "ExecutionRole", settings_ptr);
  }
  if (!first("studio-domain", domain.meta)) return;
  topo_.studio_domains.push_back(std::move(domain));
}

// `describe-user-profile` (the whole file) or one entry of `list-user-profiles`
// (UserProfiles[], without UserSettings). A profile listed both ways is one
// profile: what describe-user-profile adds fills what the listing lacks.
void SnapshotLoader::readUserProfile(const Json& obj, const std::string& ptr) {
  auto domain = required(obj, "DomainId", ptr);
  auto name = required(obj, "UserProfileName", ptr);
  if (!domain || !name) return;
  ResourceMeta item;
  item.id = *domain + "/" + *name;
  item.origin = ptr.empty() ? rel_ : at(ptr);
  // SageMaker API Reference, DescribeUserProfile: Status Deleting and Failed
  // (creation failed) leave no profile to open.
  if (!live(str(obj, "Status", ptr), {"deleting", "failed"}, item)) return;
  UserProfile profile;
  profile.domain = *domain;
  profile.name = *name;
  if (std::optional<Json> settings = object(obj, "UserSettings", ptr)) {
    std::string settings_ptr = child(ptr, "UserSettings");
    profile.execution_role = str(*settings, "ExecutionRole", settings_ptr);
    profile.security_group_ids = strings(*settings, "SecurityGroups", settings_ptr);
  }
  for (auto& known : topo_.user_profiles) {
    if (known.domain != profile.domain || known.name != profile.name) continue;
    if (known.execution_role.empty()) known.execution_role = std::move(profile.execution_role);
    if (known.security_group_ids.empty()) known.security_group_ids = std::move(profile.security_group_ids);
    return;
  }
  topo_.user_profiles.push_back(std::move(profile));
}

// ---- IAM ----------------------------------------------------------------------------
// `aws iam get-account-authorization-details` (IAM API Reference,
// GetAccountAuthorizationDetails): RoleDetailList, UserDetailList,
// GroupDetailList and Policies. The CLI prints policy documents as JSON
// objects; the API returns them URL-encoded (RFC 3986) as strings.

std::optional<PolicyDocument> SnapshotLoader::policyDocument(const Json& obj, std::string_view key,
                                                             const std::string& ptr, std::string name) {
  std::optional<Json> value = get(obj, key);
  if (!value) return std::nullopt;
  std::string origin = at(child(ptr, key));
  if (!value->is_string() && !value->is_object()) {
    typeError(child(ptr, key), "an object or a string", *value);
    return std::nullopt;
  }
  std::vector<Diagnostic> problems;
  std::optional<PolicyDocument> document =
      parsePolicyText(value->is_string() ? std::string(value->string()) : value->text(), std::move(name), origin,
                      problems);
  bool ok = problems.empty();
  for (auto& problem : problems) errors_.push_back(std::move(problem));
  return ok ? document : std::nullopt;
}

void SnapshotLoader::readPrincipal(const Json& obj, const std::string& ptr, PrincipalKind kind) {
  struct Keys {
    std::string_view name, id, policies;
  };
  const Keys keys = kind == PrincipalKind::kRole   ? Keys{"RoleName", "RoleId", "RolePolicyList"}
                    : kind == PrincipalKind::kUser ? Keys{"UserName", "UserId", "UserPolicyList"}
                                                   : Keys{"GroupName", "GroupId", "GroupPolicyList"};
  auto arn = required(obj, "Arn", ptr);
  auto name = required(obj, keys.name, ptr);
  if (!arn || !name) return;
  IamPrincipal principal;
  principal.kind = kind;
  principal.arn = *arn;
  principal.name = *name;
  principal.path = get(obj, "Path") ? str(obj, "Path", ptr) : "/";
  principal.unique_id = str(obj, keys.id, ptr);
  // arn:PARTITION:iam::ACCOUNT:role/PATH/NAME
  std::vector<std::string_view> fields;
  for (std::string_view rest = principal.arn;;) {
    std::size_t colon = rest.find(':');
    fields.push_back(rest.substr(0, colon));
    if (colon == std::string_view::npos || fields.size() == 6) break;
    rest.remove_prefix(colon + 1);
  }
  principal.account = fields.size() > 4 && isAccountId(std::string(fields[4])) ? std::string(fields[4]) : account_;
  principal.origin = at(ptr);
  ResourceMeta item;
  item.id = principal.arn;
  item.origin = principal.origin;
  if (!first(principalKindName(kind), item)) return;
  forEach(obj, keys.policies, ptr, [&](const Json& entry, const std::string& entry_ptr, size_t) {
    auto policy_name = required(entry, "PolicyName", entry_ptr);
    if (!policy_name) return;
    if (!get(entry, "PolicyDocument")) {
      error("missing-field", entry_ptr, "missing required field 'PolicyDocument'");
      return;
    }
    if (auto document = policyDocument(entry, "PolicyDocument", entry_ptr, *policy_name)) {
      principal.inline_policies.push_back(std::move(*document));
    }
  });
  principal.managed_policy_arns = fieldOf(obj, "AttachedManagedPolicies", "PolicyArn", ptr);
  if (std::optional<Json> boundary = object(obj, "PermissionsBoundary", ptr)) {
    principal.permissions_boundary_arn = str(*boundary, "PermissionsBoundaryArn", child(ptr, "PermissionsBoundary"));
  }
  forEach(obj, "Tags", ptr, [&](const Json& tag, const std::string& tag_ptr, size_t) {
    principal.tags.emplace_back(str(tag, "Key", tag_ptr), str(tag, "Value", tag_ptr));
  });
  if (kind == PrincipalKind::kUser) principal.groups = strings(obj, "GroupList", ptr);
  if (kind == PrincipalKind::kRole) {
    if (!get(obj, "AssumeRolePolicyDocument")) {
      error("missing-field", ptr, "missing required field 'AssumeRolePolicyDocument'");
    } else {
      principal.trust_policy = policyDocument(obj, "AssumeRolePolicyDocument", ptr, principal.name + " trust policy");
    }
  }
  topo_.iam.principals.push_back(std::move(principal));
}

// `aws organizations describe-policy` (Organizations API Reference,
// DescribePolicy): {"Policy": {"PolicySummary": {Id, Arn, Name, Type, ...},
// "Content": "<the document as a JSON string>"}}. SCPs and RCPs count;
// the other types (tag, backup, ...) grant and deny nothing. The file does
// not say where the policy is attached: its level is unknown
// (docs/policies.md, "SCPs and RCPs").
void SnapshotLoader::readOrganizationPolicy(const Json& policy) {
  const std::string ptr = "/Policy";
  std::optional<Json> summary = object(policy, "PolicySummary", ptr);
  if (!summary) {
    error("missing-field", ptr, "missing required field 'PolicySummary'");
    return;
  }
  const std::string summary_ptr = child(ptr, "PolicySummary");
  auto type = required(*summary, "Type", summary_ptr);
  auto name = required(*summary, "Name", summary_ptr);
  if (!type || !name) return;
  std::vector<OrganizationPolicy>* into = nullptr;
  if (*type == "SERVICE_CONTROL_POLICY") {
    into = &topo_.iam.service_control_policies;
    topo_.iam.scps_loaded = true;
  } else if (*type == "RESOURCE_CONTROL_POLICY") {
    into = &topo_.iam.resource_control_policies;
    topo_.iam.rcps_loaded = true;
  } else {
    ignore(at(summary_ptr), *name, fmt::format("{} is not an access policy", *type));
    return;
  }
  // AWS attaches RCPFullAWSAccess itself (policy::rcpFullAwsAccess).
  if (*type == "RESOURCE_CONTROL_POLICY" && *name == "RCPFullAWSAccess") return;
  if (auto document = policyDocument(policy, "Content", ptr, *name)) into->push_back({std::move(*document), ""});
}

// `aws organizations describe-organization`: the account is in this organization (aws:PrincipalOrgID).
void SnapshotLoader::readOrganization(const Json& organization) {
  const std::string ptr = "/Organization";
  auto id = required(organization, "Id", ptr);
  if (!id) return;
  if (!topo_.iam.organization_id.empty() && topo_.iam.organization_id != *id) {
    error("conflict", child(ptr, "Id"),
          fmt::format("organization '{}' differs from '{}' read before", *id, topo_.iam.organization_id));
    return;
  }
  topo_.iam.organization_id = *id;
}

// Policies[]: each managed policy with every version; the default version's
// document is the one in force (IAM User Guide, "Versioning IAM policies").
void SnapshotLoader::readManagedPolicy(const Json& obj, const std::string& ptr) {
  auto arn = required(obj, "Arn", ptr);
  if (!arn) return;
  if (!get(obj, "PolicyVersionList")) {
    // `aws iam list-policies` and `aws organizations list-policies` also
    // print a top-level Policies list, without documents.
    ignore(at(ptr), *arn, "no PolicyVersionList: the policy's document is not in this file");
    return;
  }
  ManagedPolicy policy;
  policy.arn = *arn;
  policy.name = str(obj, "PolicyName", ptr);
  policy.path = get(obj, "Path") ? str(obj, "Path", ptr) : "/";
  ResourceMeta item;
  item.id = policy.arn;
  item.origin = at(ptr);
  if (!first("managed policy", item)) return;
  bool found = false;
  forEach(obj, "PolicyVersionList", ptr, [&](const Json& version, const std::string& version_ptr, size_t) {
    if (!flag(version, "IsDefaultVersion", version_ptr, false)) return;
    if (found) {
      error("bad-value", child(version_ptr, "IsDefaultVersion"), "a second default version");
      return;
    }
    found = true;
    if (!get(version, "Document")) {
      error("missing-field", version_ptr, "missing required field 'Document'");
      return;
    }
    if (auto document = policyDocument(version, "Document", version_ptr, policy.arn)) {
      policy.document = std::move(*document);
    }
  });
  if (!found) {
    error("missing-field", child(ptr, "PolicyVersionList"), "no version has IsDefaultVersion true");
    return;
  }
  topo_.iam.managed_policies.push_back(std::move(policy));
}

// ---- cross-file resolution ----------------------------------------------------------

// ---- Elastic Load Balancing ---------------------------------------------------------------

namespace {

/// The resource part of an Elastic Load Balancing ARN after `type` + "/":
/// "net/NAME/HASH" of ".../loadbalancer/net/NAME/HASH" (the "ELB <id>"
/// description of the load balancer's interfaces); the whole ARN otherwise.
std::string arnResource(const std::string& arn, std::string_view type) {
  std::string marker = ":" + std::string(type) + "/";
  std::size_t at = arn.find(marker);
  return at == std::string::npos ? arn : arn.substr(at + marker.size());
}

}  // namespace

void SnapshotLoader::readLoadBalancer(const Json& obj, const std::string& ptr) {
  auto arn = required(obj, "LoadBalancerArn", ptr);
  if (!arn) return;
  LoadBalancer lb;
  lb.meta = meta(obj, arnResource(*arn, "loadbalancer"), ptr);
  lb.meta.name = str(obj, "LoadBalancerName", ptr);
  lb.arn = *arn;
  // elbv2 DescribeLoadBalancers: Type is application (also when absent, as
  // older output omits it), network or gateway.
  const std::string type = str(obj, "Type", ptr);
  std::optional<LoadBalancerType> lb_type = type.empty() ? LoadBalancerType::kApplication : parseLoadBalancerType(type);
  if (!lb_type) {
    error("bad-value", child(ptr, "Type"), fmt::format("'{}' is not application, network or gateway", type));
    return;
  }
  lb.type = *lb_type;
  const std::string scheme = str(obj, "Scheme", ptr);
  if (!scheme.empty() && scheme != "internet-facing" && scheme != "internal") {
    error("bad-value", child(ptr, "Scheme"), fmt::format("'{}' is not internet-facing or internal", scheme));
    return;
  }
  lb.internet_facing = scheme == "internet-facing";
  lb.vpc_id = str(obj, "VpcId", ptr);
  lb.dns_name = str(obj, "DNSName", ptr);
  lb.ip_address_type = str(obj, "IpAddressType", ptr);
  if (std::optional<Json> state = object(obj, "State", ptr)) lb.state = str(*state, "Code", child(ptr, "State"));
  if (!live(lb.state, {"failed"}, lb.meta)) return;
  forEach(obj, "AvailabilityZones", ptr, [&](const Json& zone, const std::string& zone_ptr, size_t) {
    LoadBalancerZone node;
    node.subnet_id = str(zone, "SubnetId", zone_ptr);
    node.zone = str(zone, "ZoneName", zone_ptr);
    forEach(zone, "LoadBalancerAddresses", zone_ptr, [&](const Json& address, const std::string& address_ptr, size_t) {
      if (auto ip = ipField(address, "IpAddress", address_ptr)) node.public_addresses.push_back(*ip);
      if (auto ip = ipField(address, "PrivateIPv4Address", address_ptr)) node.private_addresses.push_back(*ip);
      std::string v6 = str(address, "IPv6Address", address_ptr);
      if (v6.empty()) return;
      auto parsed = Ipv6::parse(v6);
      if (!parsed) {
        error("bad-address", child(address_ptr, "IPv6Address"), parsed.error());
        return;
      }
      node.ipv6_addresses.push_back(*parsed);
    });
    lb.zones.push_back(std::move(node));
  });
  lb.security_group_ids = strings(obj, "SecurityGroups", ptr);
  if (!first("load-balancer", lb.meta)) return;
  topo_.load_balancers.push_back(std::move(lb));
}

// elb describe-load-balancers: a Classic Load Balancer is loaded (its
// subnets, groups, scheme) and traced as undetermined (docs/semantics.md).
void SnapshotLoader::readClassicLoadBalancer(const Json& obj, const std::string& ptr) {
  auto name = required(obj, "LoadBalancerName", ptr);
  if (!name) return;
  LoadBalancer lb;
  lb.meta = meta(obj, *name, ptr);
  lb.meta.name = *name;
  lb.type = LoadBalancerType::kClassic;
  lb.internet_facing = str(obj, "Scheme", ptr) == "internet-facing";
  lb.vpc_id = str(obj, "VPCId", ptr);
  lb.dns_name = str(obj, "DNSName", ptr);
  for (auto& subnet : strings(obj, "Subnets", ptr)) lb.zones.push_back(LoadBalancerZone{std::move(subnet), "", {}, {}, {}});
  lb.security_group_ids = strings(obj, "SecurityGroups", ptr);
  if (!first("load-balancer", lb.meta)) return;
  topo_.load_balancers.push_back(std::move(lb));
}

/// The target groups a forward action sends to (TargetGroupArn, or every
/// group of ForwardConfig.TargetGroups).
std::vector<std::string> SnapshotLoader::forwardTargets(const Json& action, const std::string& ptr) {
  std::vector<std::string> out;
  std::string single = str(action, "TargetGroupArn", ptr);
  if (!single.empty()) out.push_back(single);
  if (std::optional<Json> config = object(action, "ForwardConfig", ptr)) {
    forEach(*config, "TargetGroups", child(ptr, "ForwardConfig"), [&](const Json& group, const std::string& group_ptr, size_t) {
      std::string arn = str(group, "TargetGroupArn", group_ptr);
      if (!arn.empty() && std::find(out.begin(), out.end(), arn) == out.end()) out.push_back(arn);
    });
  }
  return out;
}

// The layout's LoadBalancerListeners.json: per load balancer, its describe-listeners output.
void SnapshotLoader::readListenerGroup(const Json& obj, const std::string& ptr) {
  std::string arn = str(obj, "LoadBalancerArn", ptr);
  forEach(obj, "Listeners", ptr, [&](const Json& listener, const std::string& listener_ptr, size_t) {
    readListenerOf(listener, listener_ptr, arn);
  });
}

void SnapshotLoader::readListenerOf(const Json& obj, const std::string& ptr, const std::string& load_balancer_arn) {
  auto arn = required(obj, "ListenerArn", ptr);
  if (!arn) return;
  LbListener listener;
  listener.meta = meta(obj, *arn, ptr);
  listener.load_balancer_arn = str(obj, "LoadBalancerArn", ptr);
  if (listener.load_balancer_arn.empty()) listener.load_balancer_arn = load_balancer_arn;
  listener.protocol = str(obj, "Protocol", ptr);
  listener.port = integer(obj, "Port", ptr).value_or(0);
  if (listener.port < 0 || listener.port > 65535) {
    error("bad-value", child(ptr, "Port"), fmt::format("port {} is out of range (0-65535)", listener.port));
    return;
  }
  forEach(obj, "DefaultActions", ptr, [&](const Json& action, const std::string& action_ptr, size_t) {
    std::string type = str(action, "Type", action_ptr);
    if (type == "forward") {
      for (auto& target : forwardTargets(action, action_ptr)) listener.target_group_arns.push_back(std::move(target));
    } else if (!type.empty()) {
      listener.other_actions.push_back(type);
    }
  });
  if (!first("listener", listener.meta)) return;
  topo_.lb_listeners.push_back(std::move(listener));
}

// elbv2 describe-rules: a rule names its listener in its ARN
// (".../listener-rule/app/NAME/HASH/LISTENER/RULE").
void SnapshotLoader::readListenerRule(const Json& obj, const std::string& ptr) {
  std::string rule_arn = str(obj, "RuleArn", ptr);
  std::size_t marker = rule_arn.find(":listener-rule/");
  std::size_t last = rule_arn.rfind('/');
  if (marker == std::string::npos || last == std::string::npos || last < marker) {
    ignore(at(ptr), rule_arn.empty() ? "rule" : rule_arn, "not an Elastic Load Balancing listener rule");
    return;
  }
  std::string listener = rule_arn.substr(0, last);
  listener.replace(marker, std::string_view(":listener-rule/").size(), ":listener/");
  std::vector<std::string> groups;
  forEach(obj, "Actions", ptr, [&](const Json& action, const std::string& action_ptr, size_t) {
    if (str(action, "Type", action_ptr) != "forward") return;
    for (auto& target : forwardTargets(action, action_ptr)) groups.push_back(std::move(target));
  });
  rule_targets_.emplace_back(std::move(listener), std::move(groups));
}

void SnapshotLoader::readTargetGroup(const Json& obj, const std::string& ptr) {
  auto arn = required(obj, "TargetGroupArn", ptr);
  if (!arn) return;
  TargetGroup group;
  group.meta = meta(obj, arnResource(*arn, "targetgroup"), ptr);
  if (group.meta.id != *arn) group.meta.id = "targetgroup/" + group.meta.id;
  group.meta.name = str(obj, "TargetGroupName", ptr);
  group.arn = *arn;
  group.target_type = str(obj, "TargetType", ptr);
  if (group.target_type.empty()) group.target_type = "instance";  // the API's default
  if (!isOneOf(group.target_type, {"instance", "ip", "alb", "lambda"})) {
    error("bad-value", child(ptr, "TargetType"),
          fmt::format("'{}' is not instance, ip, alb or lambda", group.target_type));
    return;
  }
  group.protocol = str(obj, "Protocol", ptr);
  group.port = integer(obj, "Port", ptr).value_or(0);
  group.vpc_id = str(obj, "VpcId", ptr);
  group.load_balancer_arns = strings(obj, "LoadBalancerArns", ptr);
  if (!first("target-group", group.meta)) return;
  topo_.target_groups.push_back(std::move(group));
}

// The layout's LoadBalancerTargetHealth.json: per target group, its describe-target-health output.
void SnapshotLoader::readTargetHealth(const Json& obj, const std::string& ptr) {
  PendingByArn pending;
  pending.arn = str(obj, "TargetGroupArn", ptr);
  pending.location = at(ptr);
  pending.health = true;
  forEach(obj, "TargetHealthDescriptions", ptr, [&](const Json& description, const std::string& description_ptr, size_t) {
    std::optional<Json> target = object(description, "Target", description_ptr);
    if (!target) return;
    const std::string target_ptr = child(description_ptr, "Target");
    LbTarget out;
    out.id = str(*target, "Id", target_ptr);
    out.port = integer(*target, "Port", target_ptr).value_or(0);
    out.zone = str(*target, "AvailabilityZone", target_ptr);
    if (std::optional<Json> health = object(description, "TargetHealth", description_ptr)) {
      out.health = str(*health, "State", child(description_ptr, "TargetHealth"));
      out.health_reason = str(*health, "Reason", child(description_ptr, "TargetHealth"));
    }
    if (out.id.empty()) {
      error("missing-field", target_ptr, "missing required field 'Id'");
      return;
    }
    pending.targets.push_back(std::move(out));
  });
  if (pending.arn.empty()) {
    ignore(pending.location, "target health", "names no TargetGroupArn: its target group is not known");
    return;
  }
  by_arn_.push_back(std::move(pending));
}

std::vector<std::pair<std::string, std::string>> SnapshotLoader::attributeList(const Json& obj, const std::string& ptr) {
  std::vector<std::pair<std::string, std::string>> out;
  forEach(obj, "Attributes", ptr, [&](const Json& attribute, const std::string& attribute_ptr, size_t) {
    out.emplace_back(str(attribute, "Key", attribute_ptr), str(attribute, "Value", attribute_ptr));
  });
  return out;
}

void SnapshotLoader::readLoadBalancerAttributes(const Json& obj, const std::string& ptr) {
  PendingByArn pending{str(obj, "LoadBalancerArn", ptr), at(ptr), attributeList(obj, ptr), {}, false};
  if (pending.arn.empty()) {
    ignore(pending.location, "load balancer attributes", "names no LoadBalancerArn: its load balancer is not known");
    return;
  }
  by_arn_.push_back(std::move(pending));
}

void SnapshotLoader::readTargetGroupAttributes(const Json& obj, const std::string& ptr) {
  PendingByArn pending{str(obj, "TargetGroupArn", ptr), at(ptr), attributeList(obj, ptr), {}, false};
  if (pending.arn.empty()) {
    ignore(pending.location, "target group attributes", "names no TargetGroupArn: its target group is not known");
    return;
  }
  by_arn_.push_back(std::move(pending));
}

/// Attaches attributes, target health and listener rules to what they name
/// by ARN; what names nothing in the input is listed as ignored.
void SnapshotLoader::resolveLoadBalancing() {
  std::unordered_map<std::string, LoadBalancer*> balancers;
  for (auto& lb : topo_.load_balancers) balancers.emplace(lb.arn, &lb);
  std::unordered_map<std::string, TargetGroup*> groups;
  for (auto& group : topo_.target_groups) groups.emplace(group.arn, &group);
  std::unordered_map<std::string, LbListener*> listeners;
  for (auto& listener : topo_.lb_listeners) listeners.emplace(listener.meta.id, &listener);
  for (auto& pending : by_arn_) {
    if (auto lb = balancers.find(pending.arn); lb != balancers.end() && !pending.health) {
      lb->second->attributes = std::move(pending.attributes);
      lb->second->attributes_known = true;
    } else if (auto group = groups.find(pending.arn); group != groups.end()) {
      if (pending.health) {
        group->second->targets = std::move(pending.targets);
        group->second->targets_known = true;
      } else {
        group->second->attributes = std::move(pending.attributes);
        group->second->attributes_known = true;
      }
    } else {
      ignore(pending.location, pending.arn, "names a load balancer or target group not in the input");
    }
  }
  for (auto& [listener, targets] : rule_targets_) {
    auto found = listeners.find(listener);
    if (found == listeners.end()) {
      ignore(listener, "listener rules", "their listener is not in the input");
      continue;
    }
    for (auto& target : targets) found->second->rule_target_group_arns.push_back(std::move(target));
  }
}

void SnapshotLoader::resolve() {
  resolveAddresses();
  resolveTgwAttachments();
  resolveTgwRouteTables();
  resolveLoadBalancing();
}

void SnapshotLoader::resolveAddresses() {
  std::unordered_map<std::string, size_t> eni_index;
  for (size_t i = 0; i < topo_.enis.size(); ++i) eni_index.emplace(topo_.enis[i].meta.id, i);
  // Instances name their ENIs; fill the back-reference where the ENI lacks it.
  std::unordered_map<std::string, std::string> primary_eni;
  for (const auto& instance : topo_.instances) {
    if (!instance.eni_ids.empty()) primary_eni.emplace(instance.meta.id, instance.eni_ids.front());
    for (const auto& eni_id : instance.eni_ids) {
      auto it = eni_index.find(eni_id);
      if (it != eni_index.end() && topo_.enis[it->second].instance_id.empty()) {
        topo_.enis[it->second].instance_id = instance.meta.id;
      }
    }
  }
  for (const auto& address : addresses_) {
    std::string eni_id = address.eni_id;
    if (eni_id.empty()) {
      auto it = primary_eni.find(address.instance_id);
      if (it != primary_eni.end()) eni_id = it->second;
    }
    auto it = eni_index.find(eni_id);
    if (it == eni_index.end()) {
      ignore(address.location, address.public_ip.str(),
             fmt::format("network interface {} is not in the snapshot",
                         eni_id.empty() ? address.instance_id : eni_id));
      continue;
    }
    Eni& eni = topo_.enis[it->second];
    auto existing = std::find_if(eni.public_ips.begin(), eni.public_ips.end(),
                                 [&](const PublicAddress& p) { return p.public_ip == address.public_ip; });
    if (existing != eni.public_ips.end()) {
      existing->elastic = true;
      continue;
    }
    Ipv4 private_ip = address.private_ip.value_or(eni.private_ips.empty() ? Ipv4() : eni.private_ips.front());
    eni.public_ips.push_back(PublicAddress{private_ip, address.public_ip, true});
  }
}

void SnapshotLoader::resolveTgwAttachments() {
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < topo_.tgw_attachments.size(); ++i) index.emplace(topo_.tgw_attachments[i].meta.id, i);
  for (auto& pending : vpc_attachments_) {
    TgwAttachment& from_vpc = pending.attachment;
    auto it = index.find(from_vpc.meta.id);
    if (it != index.end()) {
      TgwAttachment& kept = topo_.tgw_attachments[it->second];
      if (kept.subnet_ids.empty()) kept.subnet_ids = from_vpc.subnet_ids;
      if (kept.resource_id.empty()) kept.resource_id = from_vpc.resource_id;
      if (kept.resource_type.empty()) kept.resource_type = from_vpc.resource_type;
      if (kept.transit_gateway_id.empty()) kept.transit_gateway_id = from_vpc.transit_gateway_id;
      continue;
    }
    index.emplace(from_vpc.meta.id, topo_.tgw_attachments.size());
    seen_.emplace("tgw-attachment:" + from_vpc.meta.id, from_vpc.meta.origin);
    topo_.tgw_attachments.push_back(std::move(from_vpc));
  }
}

void SnapshotLoader::resolveTgwRouteTables() {
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < topo_.tgw_route_tables.size(); ++i) index.emplace(topo_.tgw_route_tables[i].meta.id, i);
  std::unordered_set<std::string> have_static;
  std::unordered_set<std::string> have_propagations;
  for (auto& pending : tgw_routes_) {
    const std::string& id = pending.route_table_id;
    if (dead_tgw_route_tables_.count(id) != 0) {
      ignore(pending.meta.origin, id, "route table is deleted");
      continue;
    }
    auto& done = pending.is_static ? have_static : have_propagations;
    if (!done.insert(id).second) {
      ignore(pending.meta.origin, id, "duplicate route table listing");
      continue;
    }
    auto it = index.find(id);
    if (it == index.end()) {
      // The snapshot lacks describe-transit-gateway-route-tables for this table:
      // build it from what names it.
      TgwRouteTable stub;
      stub.meta = pending.meta;
      for (const auto& tgw : topo_.transit_gateways) {
        if (tgw.default_association_route_table == id || tgw.default_propagation_route_table == id) {
          stub.transit_gateway_id = tgw.meta.id;
          break;
        }
      }
      if (stub.transit_gateway_id.empty()) {
        for (const auto& attachment : topo_.tgw_attachments) {
          if (attachment.association_route_table == id) {
            stub.transit_gateway_id = attachment.transit_gateway_id;
            break;
          }
        }
      }
      seen_.emplace("tgw-route-table:" + id, stub.meta.origin);
      it = index.emplace(id, topo_.tgw_route_tables.size()).first;
      topo_.tgw_route_tables.push_back(std::move(stub));
    }
    TgwRouteTable& table = topo_.tgw_route_tables[it->second];
    if (pending.is_static) {
      for (auto& route : pending.static_routes) table.static_routes.push_back(std::move(route));
    } else {
      for (auto& attachment : pending.propagating_attachments) {
        if (std::find(table.propagating_attachments.begin(), table.propagating_attachments.end(), attachment) ==
            table.propagating_attachments.end()) {
          table.propagating_attachments.push_back(std::move(attachment));
        }
      }
    }
  }
}

}  // namespace

bool loadSnapshot(const std::filesystem::path& dir, const LoadOptions& options, Topology& into,
                  std::vector<Diagnostic>& errors) {
  try {
    const topology::TopologyMark mark = topology::markOf(into);
    SnapshotLoader loader(options, into, errors);
    // Then values AWS cannot produce across objects, and the documented limits.
    return loader.load(dir) &&
           topology::checkTopology(
               into, mark,
               [](const std::string& origin, std::string_view field) { return fmt::format("{}/{}", origin, field); },
               errors);
  } catch (const std::exception& e) {
    // Filesystem or regex failures; nothing may escape the library boundary.
    errors.push_back(Diagnostic{"io-error", e.what(), dir.generic_string()});
    return false;
  }
}

}  // namespace vpcsim::formats

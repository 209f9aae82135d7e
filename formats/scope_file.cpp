// Strict parser for Network Access Analyzer access-scope JSON and the Amazon-created scopes.
#include "formats/scope_file.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <system_error>
#include <utility>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "formats/input_file.h"
#include "formats/json_text.h"
#include "topology/reference.h"
#include "topology/limits.h"
#include "topology/suggest.h"

namespace vpcsim::formats {

using namespace vpcsim::topology;  // the model this format fills

namespace {

using Json = nlohmann::json;


std::string joinNames(std::initializer_list<std::string_view> names, std::string_view separator) {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out += separator;
    out += name;
  }
  return out;
}

// ---- what NAA accepts where ----------------------------------------------

// Where a resource may appear in a path.
constexpr int kInSource = 1;
constexpr int kInDestination = 2;
constexpr int kInThrough = 4;
constexpr int kAnywhere = kInSource | kInDestination | kInThrough;
constexpr int kEnds = kInSource | kInDestination;

std::string placesText(int places) {
  std::string out;
  auto add = [&](int bit, std::string_view name) {
    if ((places & bit) == 0) return;
    if (!out.empty()) out += " and ";
    out += name;
  };
  add(kInSource, "Source");
  add(kInDestination, "Destination");
  add(kInThrough, "ThroughResources");
  return out;
}

/// A resource that a ResourceStatement may name by ID or ARN. NAA Guide:
/// "Network Access Analyzer resource statements" lists them with where each
/// may appear ("source and destination only", "through only").
struct IdKind {
  std::string_view what;
  std::string_view id_prefix;     ///< "" when only an ARN names it
  std::string_view arn_service;   ///< ARN service field
  std::string_view arn_resource;  ///< start of the ARN resource field
  int places;
};

constexpr std::array<IdKind, 15> kIdKinds = {{
    {"an EC2 instance", "i-", "ec2", "instance/", kEnds},
    {"an internet gateway", "igw-", "ec2", "internet-gateway/", kEnds},
    {"a NAT gateway", "nat-", "ec2", "natgateway/", kInThrough},
    // Network Firewall IDs are bare UUIDs, so only the ARN is recognised.
    {"a network firewall", "", "network-firewall", "firewall/", kInThrough},
    {"a network interface", "eni-", "ec2", "network-interface/", kEnds},
    {"a resource group", "", "resource-groups", "group/", kAnywhere},
    {"a security group", "sg-", "ec2", "security-group/", kEnds},
    {"a subnet", "subnet-", "ec2", "subnet/", kEnds},
    {"a transit gateway attachment", "tgw-attach-", "ec2", "transit-gateway-attachment/", kAnywhere},
    {"a VPC", "vpc-", "ec2", "vpc/", kEnds},
    {"a virtual private gateway", "vgw-", "ec2", "vpn-gateway/", kEnds},
    {"a VPC endpoint service", "vpce-svc-", "ec2", "vpc-endpoint-service/", kAnywhere},
    {"a VPC endpoint", "vpce-", "ec2", "vpc-endpoint/", kAnywhere},
    {"a VPC peering connection", "pcx-", "ec2", "vpc-peering-connection/", kAnywhere},
    // "You must specify the following components by ARN: Classic, Application,
    // Network, and Gateway Load Balancers (through only)".
    {"a load balancer", "", "elasticloadbalancing", "loadbalancer/", kInThrough},
}};

/// The kind whose ID prefix `id` starts with (the longest: vpce-svc- over vpce-).
const IdKind* idKindOf(std::string_view id) {
  const IdKind* match = nullptr;
  for (const IdKind& kind : kIdKinds) {
    if (kind.id_prefix.empty() || id.substr(0, kind.id_prefix.size()) != kind.id_prefix) continue;
    if (match == nullptr || kind.id_prefix.size() > match->id_prefix.size()) match = &kind;
  }
  return match;
}

/// CloudFormation User Guide, "Resources": "The logical ID must be
/// alphanumeric (A-Za-z0-9) and unique within the template" (at most 255).
bool isLogicalId(std::string_view text) {
  if (text.empty() || text.size() > 255 || std::isalpha(static_cast<unsigned char>(text.front())) == 0) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

constexpr std::string_view kIdPrefixList =
    "eni-, i-, igw-, nat-, pcx-, sg-, subnet-, tgw-attach-, vgw-, vpc-, vpce-, vpce-svc-";

/// A value of ResourceTypes. The NAA Guide list ("You can specify the
/// following components by resource type") plus AWS::EC2::NetworkInterface
/// and AWS::EC2::Instance, which the guide names only by ID but AWS's own
/// sample scopes (aws-samples/network-access-analyzer-multi-account-analysis,
/// aws-samples/aws-vpc-network-access-analyzer-automation) and the
/// Amazon-created scopes ("... to network interfaces") use as types. The guide
/// lists the firewall as AWS::NetworkFirewall::NetworkFirewall, but its own
/// example and CloudFormation spell it AWS::NetworkFirewall::Firewall.
struct TypeKind {
  std::string_view type;
  int places;
};

constexpr std::array<TypeKind, 12> kTypes = {{
    {"AWS::EC2::InternetGateway", kEnds},
    {"AWS::EC2::NatGateway", kInThrough},
    {"AWS::EC2::TransitGatewayAttachment", kAnywhere},
    {"AWS::EC2::VPCEndpoint", kInDestination | kInThrough},
    {"AWS::EC2::VPCEndpointService", kAnywhere},
    {"AWS::EC2::VPCPeeringConnection", kAnywhere},
    {"AWS::EC2::VPNGateway", kEnds},
    {"AWS::ElasticLoadBalancing::LoadBalancer", kInThrough},
    {"AWS::ElasticLoadBalancingV2::LoadBalancer", kInThrough},
    {"AWS::NetworkFirewall::Firewall", kInThrough},
    {"AWS::EC2::NetworkInterface", kEnds},
    {"AWS::EC2::Instance", kEnds},
}};

/// Types of resources the guide accepts only by ID or ARN, with the plural
/// used in the error.
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kIdOnlyTypes = {{
    {"AWS::EC2::Subnet", "subnets"},
    {"AWS::EC2::VPC", "VPCs"},
    {"AWS::EC2::SecurityGroup", "security groups"},
    {"AWS::ResourceGroups::Group", "resource groups"},
}};

// ---- the parser --------------------------------------------------------------

/// The first problem found; thrown inside this file only and turned into an
/// Error by parseNaaScope.
struct ScopeError {
  Diagnostic diagnostic;
};

class ScopeParser {
 public:
  explicit ScopeParser(std::string origin) : origin_(std::move(origin)) {}

  NaaScope parse(const Json& doc) {
    NaaScope scope;
    scope.origin = origin_;
    if (!doc.is_object()) {
      fail("wrong-type", "", fmt::format("expected an object (an access scope), found {}", describeType(doc)));
    }
    if (doc.contains("NetworkInsightsAccessScopeContent")) {
      // `get-network-insights-access-scope-content` output, or `create-...`
      // output, which also carries the NetworkInsightsAccessScope summary.
      keys(doc, "", "the output of get-network-insights-access-scope-content",
           {"NetworkInsightsAccessScopeContent", "NetworkInsightsAccessScope"});
      if (doc.contains("NetworkInsightsAccessScope"))
        asObject(doc["NetworkInsightsAccessScope"], "/NetworkInsightsAccessScope");
      const std::string ptr = "/NetworkInsightsAccessScopeContent";
      const Json& content = asObject(doc["NetworkInsightsAccessScopeContent"], ptr);
      keys(content, ptr, "NetworkInsightsAccessScopeContent",
           {"NetworkInsightsAccessScopeId", "MatchPaths", "ExcludePaths"});
      if (content.contains("NetworkInsightsAccessScopeId")) {
        scope.scope_id = asString(content["NetworkInsightsAccessScopeId"], child(ptr, "NetworkInsightsAccessScopeId"));
      }
      paths(content, ptr, scope);
    } else {
      // `create-network-insights-access-scope --cli-input-json` input.
      keys(doc, "", "the access scope", {"MatchPaths", "ExcludePaths", "ClientToken", "DryRun", "TagSpecifications"});
      if (doc.contains("ClientToken")) asString(doc["ClientToken"], "/ClientToken");
      if (doc.contains("DryRun") && !doc["DryRun"].is_boolean()) typeError("/DryRun", "a boolean", doc["DryRun"]);
      if (doc.contains("TagSpecifications")) asArray(doc["TagSpecifications"], "/TagSpecifications");
      paths(doc, "", scope);
    }
    return scope;
  }

 private:
  [[noreturn]] void fail(std::string code, const std::string& ptr, std::string message) const {
    throw ScopeError{Diagnostic{std::move(code), std::move(message), ptr.empty() ? origin_ : origin_ + ":" + ptr}};
  }
  [[noreturn]] void typeError(const std::string& ptr, std::string_view expected, const Json& found) const {
    fail("wrong-type", ptr, fmt::format("expected {}, found {}", expected, describeType(found)));
  }

  const Json& asObject(const Json& value, const std::string& ptr) const {
    if (!value.is_object()) typeError(ptr, "an object", value);
    return value;
  }
  const Json& asArray(const Json& value, const std::string& ptr) const {
    if (!value.is_array()) typeError(ptr, "an array", value);
    if (value.size() > topology::limits::kScopeListItems) {
      fail("too-large", ptr,
           fmt::format("too large: the list has {} items (the limit is {})", value.size(),
                       topology::limits::kScopeListItems));
    }
    list_items_ += value.size();
    if (list_items_ > topology::limits::kScopeItemsInTotal) {
      fail("too-large", ptr,
           fmt::format("too large: the scope's lists hold more than {} items together", topology::limits::kScopeItemsInTotal));
    }
    return value;
  }
  std::string asString(const Json& value, const std::string& ptr) const {
    if (!value.is_string()) typeError(ptr, "a string", value);
    return value.get<std::string>();
  }

  /// Every key of `obj` must be one of `allowed`.
  void keys(const Json& obj, const std::string& ptr, std::string_view what,
            std::initializer_list<std::string_view> allowed) const {
    for (const auto& item : obj.items()) {
      const std::string& key = item.key();
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string hint = didYouMean(key, allowed, Closeness::kLoose);
      if (hint.empty()) hint = fmt::format(" (known keys: {})", joinNames(allowed, ", "));
      fail("unknown-key", child(ptr, key), fmt::format("unknown key '{}' in {}{}", key, what, hint));
    }
  }

  /// The strings of the array obj[key] (absent = empty).
  std::vector<std::string> strings(const Json& obj, std::string_view key, const std::string& ptr) const {
    std::vector<std::string> out;
    std::string list_ptr = child(ptr, key);
    auto it = obj.find(std::string(key));
    if (it == obj.end()) return out;
    const Json& list = asArray(*it, list_ptr);
    for (std::size_t i = 0; i < list.size(); ++i) out.push_back(asString(list[i], child(list_ptr, i)));
    return out;
  }

  // ---- paths -----------------------------------------------------------------

  void paths(const Json& obj, const std::string& ptr, NaaScope& scope) const {
    // NAA Guide, "Match conditions": "A Network Access Scope must specify at
    // least one match condition."
    if (!obj.contains("MatchPaths")) {
      fail("missing-key", ptr, "missing MatchPaths: a Network Access Scope needs at least one match path");
    }
    scope.match_paths = pathList(obj["MatchPaths"], child(ptr, "MatchPaths"), "a MatchPaths entry");
    if (scope.match_paths.empty()) {
      fail("empty", child(ptr, "MatchPaths"),
           "MatchPaths is empty: a Network Access Scope needs at least one match path");
    }
    if (obj.contains("ExcludePaths")) {
      scope.exclude_paths = pathList(obj["ExcludePaths"], child(ptr, "ExcludePaths"), "an ExcludePaths entry");
    }
    // Each path is a verification of its own over every packet class.
    if (std::size_t count = scope.match_paths.size() + scope.exclude_paths.size(); count > topology::limits::kScopePaths) {
      fail("too-large", ptr,
           fmt::format("too large: the scope has {} match and exclude paths (the limit is {})", count,
                       topology::limits::kScopePaths));
    }
  }

  std::vector<NaaPath> pathList(const Json& value, const std::string& ptr, std::string_view what) const {
    std::vector<NaaPath> out;
    const Json& list = asArray(value, ptr);
    for (std::size_t i = 0; i < list.size(); ++i) out.push_back(path(list[i], child(ptr, i), what));
    return out;
  }

  NaaPath path(const Json& value, const std::string& ptr, std::string_view what) const {
    const Json& obj = asObject(value, ptr);
    keys(obj, ptr, what, {"Source", "Destination", "ThroughResources"});
    NaaPath out;
    out.pointer = ptr;
    if (obj.contains("Source")) out.source = pathStatement(obj["Source"], child(ptr, "Source"), "Source", kInSource);
    if (obj.contains("Destination")) {
      out.destination = pathStatement(obj["Destination"], child(ptr, "Destination"), "Destination", kInDestination);
    }
    if (obj.contains("ThroughResources")) {
      std::string list_ptr = child(ptr, "ThroughResources");
      const Json& list = asArray(obj["ThroughResources"], list_ptr);
      for (std::size_t i = 0; i < list.size(); ++i) out.through.push_back(through(list[i], child(list_ptr, i)));
    }
    // NAA Guide, "Exclusion conditions": "Each field is optional, but you must
    // specify at least one field." A match condition likewise needs a side.
    if (!out.source.given() && !out.destination.given() && out.through.empty()) {
      fail("empty", ptr,
           fmt::format("{} is empty: give at least one of Source, Destination or ThroughResources", what));
    }
    return out;
  }

  NaaPathStatement pathStatement(const Json& value, const std::string& ptr, std::string_view side, int place) const {
    const Json& obj = asObject(value, ptr);
    keys(obj, ptr, side, {"PacketHeaderStatement", "ResourceStatement"});
    NaaPathStatement out;
    if (obj.contains("PacketHeaderStatement")) {
      out.packet_header = packetHeader(obj["PacketHeaderStatement"], child(ptr, "PacketHeaderStatement"));
    }
    if (obj.contains("ResourceStatement")) {
      out.resource = resourceStatement(obj["ResourceStatement"], child(ptr, "ResourceStatement"), place);
    }
    if (!out.given())
      fail("empty", ptr, fmt::format("{} is empty: give a ResourceStatement, a PacketHeaderStatement or both", side));
    return out;
  }

  NaaResourceStatement through(const Json& value, const std::string& ptr) const {
    const Json& obj = asObject(value, ptr);
    keys(obj, ptr, "a ThroughResources entry", {"ResourceStatement"});
    // NAA Guide, "Exclusion conditions": "A through entry contains exactly one
    // element that contains a resource statement."
    if (!obj.contains("ResourceStatement")) {
      fail("empty", ptr, "a ThroughResources entry is empty: give its ResourceStatement");
    }
    return resourceStatement(obj["ResourceStatement"], child(ptr, "ResourceStatement"), kInThrough);
  }

  // ---- resource statements ------------------------------------------------------

  NaaResourceStatement resourceStatement(const Json& value, const std::string& ptr, int place) const {
    const Json& obj = asObject(value, ptr);
    // EC2 API Reference, ResourceStatementRequest: its only members are
    // Resources and ResourceTypes; resource sets (resource groups) are named
    // by ARN in Resources. The edit distance would suggest ResourceTypes.
    if (obj.contains("ResourceSetArns")) {
      fail("unknown-key", child(ptr, "ResourceSetArns"),
           "unknown key 'ResourceSetArns' in ResourceStatement: the EC2 API takes only Resources and ResourceTypes "
           "(give resource group ARNs in Resources)");
    }
    keys(obj, ptr, "ResourceStatement", {"Resources", "ResourceTypes"});
    NaaResourceStatement out;
    out.resources = strings(obj, "Resources", ptr);
    out.resource_types = strings(obj, "ResourceTypes", ptr);
    // NAA Guide, "Network Access Analyzer resource statements": "A single
    // resource statement can include either resource IDs or resource types,
    // but not both."
    if (!out.resources.empty() && !out.resource_types.empty()) {
      fail("conflict", ptr,
           "ResourceStatement has both Resources and ResourceTypes: a resource statement names resources by ID or "
           "by type, not both (split it into two paths)");
    }
    if (out.resources.empty() && out.resource_types.empty()) {
      fail("empty", ptr, "ResourceStatement is empty: give Resources or ResourceTypes");
    }
    for (std::size_t i = 0; i < out.resources.size(); ++i) {
      checkResource(out.resources[i], child(child(ptr, "Resources"), i), place);
    }
    for (std::size_t i = 0; i < out.resource_types.size(); ++i) {
      checkType(out.resource_types[i], child(child(ptr, "ResourceTypes"), i), place);
    }
    return out;
  }

  void checkPlace(int allowed, int place, const std::string& ptr, const std::string& subject) const {
    if ((allowed & place) != 0) return;
    fail("misplaced", ptr, fmt::format("{} is accepted only in {}", subject, placesText(allowed)));
  }

  void checkResource(const std::string& resource, const std::string& ptr, int place) const {
    if (resource.rfind("arn:", 0) == 0) {
      // arn:partition:service:region:account:resource
      std::array<std::string_view, 6> parts;
      std::string_view rest = resource;
      for (std::size_t i = 0; i < 5; ++i) {
        std::size_t colon = rest.find(':');
        if (colon == std::string_view::npos) {
          fail("bad-arn", ptr,
               fmt::format("'{}' is not an ARN (arn:partition:service:region:account:resource)", resource));
        }
        parts[i] = rest.substr(0, colon);
        rest = rest.substr(colon + 1);
      }
      parts[5] = rest;
      for (const IdKind& kind : kIdKinds) {
        if (parts[2] == kind.arn_service && parts[5].substr(0, kind.arn_resource.size()) == kind.arn_resource) {
          checkPlace(kind.places, place, ptr, fmt::format("'{}' is {}, which", resource, kind.what));
          return;
        }
      }
      fail("bad-resource", ptr,
           fmt::format("'{}' is not the ARN of a resource Network Access Analyzer accepts in a ResourceStatement",
                       resource));
    }
    const IdKind* match = idKindOf(resource);
    // A CloudFormation logical ID names a resource whose ID exists only
    // after deployment; resolveNaaScopeNames replaces it once the input is loaded.
    if (match == nullptr && isLogicalId(resource)) return;
    if (match == nullptr || resource.size() == match->id_prefix.size()) {
      fail("bad-resource", ptr,
           fmt::format("'{}' is not a resource Network Access Analyzer accepts: give an ID starting with {}, an ARN "
                       "or a template's logical ID",
                       resource, kIdPrefixList));
    }
    checkPlace(match->places, place, ptr, fmt::format("'{}' is {}, which", resource, match->what));
  }

  void checkType(const std::string& type, const std::string& ptr, int place) const {
    for (const TypeKind& kind : kTypes) {
      if (kind.type == type) {
        checkPlace(kind.places, place, ptr, fmt::format("resource type '{}'", type));
        return;
      }
    }
    for (const auto& [id_only, plural] : kIdOnlyTypes) {
      if (id_only == type) {
        fail("bad-type", ptr,
             fmt::format("resource type '{}' is not accepted in ResourceTypes: list {} by ID or ARN in Resources", type,
                         plural));
      }
    }
    std::vector<std::string_view> known;
    for (const TypeKind& kind : kTypes) known.push_back(kind.type);
    std::string hint = didYouMean(type, known, Closeness::kLoose);
    fail("bad-type", ptr, fmt::format("unknown resource type '{}'{}", type, hint));
  }

  // ---- packet header statements ---------------------------------------------------

  NaaPacketHeader packetHeader(const Json& value, const std::string& ptr) const {
    const Json& obj = asObject(value, ptr);
    keys(obj, ptr, "PacketHeaderStatement",
         {"SourceAddresses", "DestinationAddresses", "SourcePorts", "DestinationPorts", "SourcePrefixLists",
          "DestinationPrefixLists", "Protocols"});
    NaaPacketHeader out;
    out.source_addresses = cidrs(obj, "SourceAddresses", ptr);
    out.destination_addresses = cidrs(obj, "DestinationAddresses", ptr);
    out.source_prefix_lists = prefixLists(obj, "SourcePrefixLists", ptr);
    out.destination_prefix_lists = prefixLists(obj, "DestinationPrefixLists", ptr);
    out.source_ports = ports(obj, "SourcePorts", ptr);
    out.destination_ports = ports(obj, "DestinationPorts", ptr);
    out.protocols = protocols(obj, ptr);
    // NAA Guide, "Packet header statements": SourceAddresses "can't" be given
    // with SourcePrefixLists, and DestinationAddresses "is mutually exclusive
    // with" DestinationPrefixLists.
    if (!out.source_addresses.empty() && !out.source_prefix_lists.empty()) {
      fail("conflict", ptr,
           "PacketHeaderStatement has both SourceAddresses and SourcePrefixLists: give one or the other");
    }
    if (!out.destination_addresses.empty() && !out.destination_prefix_lists.empty()) {
      fail("conflict", ptr,
           "PacketHeaderStatement has both DestinationAddresses and DestinationPrefixLists: give one or the other");
    }
    // Same page: "if you use a packet header statement, you must use at least
    // one of its fields."
    if (out.source_addresses.empty() && out.destination_addresses.empty() && out.source_prefix_lists.empty() &&
        out.destination_prefix_lists.empty() && out.source_ports.empty() && out.destination_ports.empty() &&
        out.protocols.empty()) {
      fail("empty", ptr, "PacketHeaderStatement is empty: give at least one of its fields");
    }
    return out;
  }

  std::vector<Cidr> cidrs(const Json& obj, std::string_view key, const std::string& ptr) const {
    std::vector<Cidr> out;
    std::vector<std::string> texts = strings(obj, key, ptr);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      auto cidr = Cidr::parse(texts[i]);
      if (!cidr) fail("bad-cidr", child(child(ptr, key), i), cidr.error());
      out.push_back(*cidr);
    }
    return out;
  }

  std::vector<std::string> prefixLists(const Json& obj, std::string_view key, const std::string& ptr) const {
    std::vector<std::string> out = strings(obj, key, ptr);
    for (std::size_t i = 0; i < out.size(); ++i) {
      // "The IDs or ARNs of the prefix lists" (NAA Guide, "Packet header statements").
      const std::string& text = out[i];
      bool id = text.rfind("pl-", 0) == 0 && text.size() > 3;
      bool arn = text.rfind("arn:", 0) == 0 && text.find(":ec2:") != std::string::npos &&
                 text.find(":prefix-list/pl-") != std::string::npos;
      if (!id && !arn) {
        fail("bad-prefix-list", child(child(ptr, key), i),
             fmt::format("'{}' is not a prefix list ID (pl-...) or prefix list ARN", text));
      }
    }
    return out;
  }

  /// A decimal port with no sign, spaces or leading zeros; -1 when malformed,
  /// a value above 65535 is returned as is for the range message.
  static int64_t portNumber(std::string_view text) {
    if (text.empty() || text.size() > 6 || (text.size() > 1 && text[0] == '0')) return -1;
    int64_t value = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return -1;
      value = value * 10 + (c - '0');
    }
    return value;
  }

  std::vector<PortRange> ports(const Json& obj, std::string_view key, const std::string& ptr) const {
    std::vector<PortRange> out;
    std::string list_ptr = child(ptr, key);
    auto it = obj.find(std::string(key));
    if (it == obj.end()) return out;
    const Json& list = asArray(*it, list_ptr);
    port_items_ += list.size();
    if (port_items_ > topology::limits::kScopePortsInTotal) {
      fail("too-large", list_ptr,
           fmt::format("too large: the scope's port lists hold more than {} items together",
                       topology::limits::kScopePortsInTotal));
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Json& item = list[i];
      std::string item_ptr = child(list_ptr, i);
      // EC2 API Reference, PacketHeaderStatementRequest: the ports are an
      // "Array of strings". {"From": .., "To": ..} objects are how findings
      // print ports (AnalysisPacketHeader PortRange), not how scopes take them.
      if (item.is_object()) {
        fail("wrong-type", item_ptr,
             "expected a port string such as \"443\" or \"1024-65535\", found an object ({\"From\": .., \"To\": ..} "
             "is how findings print port ranges, not how scopes take them)");
      }
      if (item.is_number_integer()) {
        fail("wrong-type", item_ptr,
             fmt::format("expected a port string such as \"443\" or \"1024-65535\", found the number {} (write \"{}\")",
                         item.dump(), item.dump()));
      }
      if (!item.is_string()) {
        fail("wrong-type", item_ptr,
             fmt::format("expected a port string such as \"443\" or \"1024-65535\", found {}", describeType(item)));
      }
      out.push_back(portRange(item.get<std::string>(), item_ptr));
    }
    return out;
  }

  PortRange portRange(const std::string& text, const std::string& ptr) const {
    std::size_t dash = text.find('-');
    std::string_view low_text = std::string_view(text).substr(0, dash);
    std::string_view high_text = dash == std::string::npos ? low_text : std::string_view(text).substr(dash + 1);
    int64_t low = portNumber(low_text);
    int64_t high = portNumber(high_text);
    if (low < 0 || high < 0) {
      fail("bad-port", ptr, fmt::format("'{}' is not a port or port range (write \"443\" or \"1024-65535\")", text));
    }
    for (int64_t port : {low, high}) {
      if (port > 65535) fail("bad-port", ptr, fmt::format("port {} is out of range (0-65535)", port));
    }
    if (low > high) {
      fail("bad-port", ptr, fmt::format("port range '{}' is reversed (did you mean '{}-{}'?)", text, high, low));
    }
    return PortRange{static_cast<int>(low), static_cast<int>(high)};
  }

  std::vector<int> protocols(const Json& obj, const std::string& ptr) const {
    std::vector<int> out;
    std::vector<std::string> texts = strings(obj, "Protocols", ptr);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const std::string& text = texts[i];
      // EC2 API Reference, PacketHeaderStatementRequest: Protocols "Valid
      // Values: tcp | udp"; the NAA Guide's limitations: "limited to IPv4,
      // using UDP or TCP".
      if (text == "tcp" || text == "udp") {
        out.push_back(parseProtocol(text).value());
        continue;
      }
      std::string lowered = text;
      std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                     [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
      auto number = parseProtocol(lowered);
      std::string hint;
      if (number && (*number == kProtocolTcp || *number == kProtocolUdp)) {
        hint = fmt::format(" (did you mean '{}'?)", protocolName(*number));
      }
      fail("bad-protocol", child(child(ptr, "Protocols"), i),
           fmt::format("protocol '{}' is not supported: Network Access Analyzer takes only 'tcp' and 'udp'{}", text,
                       hint));
    }
    return out;
  }

  std::string origin_;
  /// Items of every list read so far (kScopeItemsInTotal); asArray() counts them.
  mutable std::size_t list_items_ = 0;
  /// Items of every port list read so far (kScopePortsInTotal).
  mutable std::size_t port_items_ = 0;
};

// ---- the Amazon-created scopes ------------------------------------------------

/// NAA Guide, "Getting started with Network Access Analyzer", step 1, describes
/// the four Amazon-created scopes in one line each; AWS does not publish their
/// JSON, so these texts encode those descriptions with the resource types the
/// guide's resource-statement page accepts. "VPC endpoints" is
/// AWS::EC2::VPCEndpointService on the ingress side, since the guide takes
/// AWS::EC2::VPCEndpoint only as "destination and through", and
/// AWS::EC2::VPCEndpoint on the egress side.
struct Builtin {
  std::string_view name;
  std::string_view aws_name;
  std::string_view json;
};

constexpr std::array<Builtin, 4> kBuiltins = {{
    {"igw-ingress", "All-IGW-Ingress",
     // "Identifies inbound paths from internet gateways to network interfaces."
     R"({"MatchPaths": [{
          "Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}},
          "Destination": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NetworkInterface"]}}}]})"},
    {"igw-egress", "AWS-IGW-Egress",
     // "Identifies outbound paths from network interfaces to internet gateways."
     R"({"MatchPaths": [{
          "Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NetworkInterface"]}},
          "Destination": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}}}]})"},
    {"vpc-ingress", "AWS-VPC-Ingress",
     // "Identifies inbound paths from internet gateways, peering connections,
     // VPC endpoints, VPNs, and transit gateways to VPCs." No Destination: a
     // path from these enters a VPC wherever it ends.
     R"({"MatchPaths": [{
          "Source": {"ResourceStatement": {"ResourceTypes": [
            "AWS::EC2::InternetGateway", "AWS::EC2::VPCPeeringConnection", "AWS::EC2::VPCEndpointService",
            "AWS::EC2::VPNGateway", "AWS::EC2::TransitGatewayAttachment"]}}}]})"},
    {"vpc-egress", "AWS-VPC-Egress",
     // "Identifies outbound paths from VPCs to internet gateways, peering
     // connections, VPC endpoints, VPNs, and transit gateways." No Source.
     R"({"MatchPaths": [{
          "Destination": {"ResourceStatement": {"ResourceTypes": [
            "AWS::EC2::InternetGateway", "AWS::EC2::VPCPeeringConnection", "AWS::EC2::VPCEndpoint",
            "AWS::EC2::VPNGateway", "AWS::EC2::TransitGatewayAttachment"]}}}]})"},
}};

}  // namespace

Result<NaaScope> parseNaaScope(std::string_view text, std::string origin) {
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    auto [line, column] = lineColumn(text, e.byte);
    return Diagnostic{"invalid-json", "invalid JSON: " + parseErrorDetail(e.what()),
                      fmt::format("{}:{}:{}", origin, line, column)};
  } catch (const Json::exception&) {
    // A number beyond a double ("1e400", nlohmann's out_of_range.406): say where.
    if (auto problem = findJsonLimitProblem(text, std::numeric_limits<std::size_t>::max())) {
      return Diagnostic{"invalid-json", "invalid JSON: " + problem->second, textLocation(origin, text, problem->first)};
    }
    return Diagnostic{"invalid-json", "invalid JSON: a value is out of range", origin};
  }
  try {
    NaaScope scope = ScopeParser(origin).parse(doc);
    scope.name = std::filesystem::path(origin).stem().string();
    return scope;
  } catch (const ScopeError& e) {
    return e.diagnostic;
  }
}

Result<NaaScope> loadNaaScope(const std::filesystem::path& file) {
  auto text = readInputFile(file);
  if (!text) return text.diagnostic();
  return parseNaaScope(text.value(), file.string());
}

Result<NaaScope> builtinNaaScope(std::string_view name) {
  for (const Builtin& builtin : kBuiltins) {
    if (name != builtin.name && name != builtin.aws_name) continue;
    auto scope = parseNaaScope(builtin.json, "builtin:" + std::string(builtin.aws_name));
    assert(scope.ok());
    NaaScope out = std::move(scope).value();
    out.name = std::string(builtin.name);
    return out;
  }
  std::vector<std::string_view> names;
  for (const Builtin& builtin : kBuiltins) names.push_back(builtin.name);
  for (const Builtin& builtin : kBuiltins) names.push_back(builtin.aws_name);
  std::string hint = didYouMean(name, names, Closeness::kLoose);
  if (hint.empty()) hint = fmt::format(" (built-in scopes: {})", fmt::join(builtinNaaScopeNames(), ", "));
  return Diagnostic{"unknown-scope", fmt::format("unknown built-in access scope '{}'{}", name, hint), ""};
}

std::vector<std::string> builtinNaaScopeNames() {
  std::vector<std::string> out;
  for (const Builtin& builtin : kBuiltins) out.emplace_back(builtin.name);
  return out;
}


std::optional<topology::Diagnostic> resolveNaaScopeNames(NaaScope& scope, const topology::Topology& topo) {
  auto resolve = [&](topology::NaaResourceStatement& statement, const std::string& ptr,
                     int place) -> std::optional<topology::Diagnostic> {
    for (size_t i = 0; i < statement.resources.size(); ++i) {
      std::string& name = statement.resources[i];
      if (!isLogicalId(name) || idKindOf(name) != nullptr) continue;
      const std::string where = fmt::format("{}:{}/Resources/{}", scope.origin, ptr, i);
      auto found = topology::lookUpResource(topo, name, topology::ResourceQuery{});
      if (const auto* error = std::get_if<topology::ReferenceError>(&found)) {
        return topology::Diagnostic{std::string(error->code()), error->message, where};
      }
      const std::string& id = std::get<topology::ResourceRef>(found).meta->id;
      const IdKind* kind = idKindOf(id);
      if (kind == nullptr) {
        return topology::Diagnostic{"bad-resource",
                                    fmt::format("'{}' names {}, which Network Access Analyzer does not accept in a "
                                                "ResourceStatement",
                                                name, id),
                                    where};
      }
      if ((kind->places & place) == 0) {
        return topology::Diagnostic{"misplaced",
                                    fmt::format("'{}' names {}, {}, which is accepted only in {}", name, id,
                                                kind->what, placesText(kind->places)),
                                    where};
      }
      name = id;
    }
    return std::nullopt;
  };
  for (auto* paths : {&scope.match_paths, &scope.exclude_paths}) {
    for (auto& path : *paths) {
      if (path.source.resource) {
        if (auto error = resolve(*path.source.resource, path.pointer + "/Source/ResourceStatement", kInSource)) {
          return error;
        }
      }
      if (path.destination.resource) {
        if (auto error =
                resolve(*path.destination.resource, path.pointer + "/Destination/ResourceStatement", kInDestination)) {
          return error;
        }
      }
      for (size_t i = 0; i < path.through.size(); ++i) {
        if (auto error = resolve(path.through[i], fmt::format("{}/ThroughResources/{}/ResourceStatement", path.pointer, i),
                                 kInThrough)) {
          return error;
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace vpcsim::formats

// Tests for NAA access scopes: AWS examples, built-in scopes and every error message (topology/naa_scope.h).
#include "formats/scope_file.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/addresses.h"
#include "tests/support/builder.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

namespace vpcsim::topology {
namespace {

const std::filesystem::path kScopeDir = std::filesystem::path(VPCSIM_SOURCE_DIR) / "tests/data/naa-scopes";

using Strings = std::vector<std::string>;

NaaScope load(const std::string& file) {
  auto scope = loadNaaScope(kScopeDir / file);
  INFO((scope.ok() ? std::string() : scope.diagnostic().str()));
  REQUIRE(scope.ok());
  return *scope;
}

NaaScope parse(const std::string& text) {
  auto scope = parseNaaScope(text, "scope.json");
  INFO((scope.ok() ? std::string() : scope.diagnostic().str()));
  REQUIRE(scope.ok());
  return *scope;
}

using test_support::cidr;

// Scopes whose only match path has the given Source / Destination / through entry.
std::string withSource(const std::string& statement) { return R"({"MatchPaths": [{"Source": )" + statement + "}]}"; }
std::string withDestination(const std::string& statement) {
  return R"({"MatchPaths": [{"Destination": )" + statement + "}]}";
}
std::string withThrough(const std::string& entry) {
  return R"({"MatchPaths": [{"Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}}}],
             "ExcludePaths": [{"ThroughResources": [)" +
         entry + "]}]}";
}
std::string withHeader(const std::string& header) { return withSource(R"({"PacketHeaderStatement": )" + header + "}"); }
std::string sourceIds(const std::string& ids) {
  return withSource(R"({"ResourceStatement": {"Resources": )" + ids + "}}");
}
std::string sourceTypes(const std::string& types) {
  return withSource(R"({"ResourceStatement": {"ResourceTypes": )" + types + "}}");
}

// ---- AWS's examples ------------------------------------------------------------

TEST_CASE("every example scope from AWS's documentation parses", "[naa]") {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kScopeDir)) {
    if (entry.path().extension() != ".json") continue;
    CAPTURE(entry.path().string());
    auto scope = loadNaaScope(entry.path());
    INFO((scope.ok() ? std::string() : scope.diagnostic().str()));
    CHECK(scope.ok());
    ++count;
  }
  CHECK(count >= 5);  // the directory was found and read
}

TEST_CASE("the subnet-isolation example has two match paths between the subnets", "[naa]") {
  NaaScope scope = load("01-subnet-isolation.json");
  CHECK(scope.name == "01-subnet-isolation");
  CHECK(scope.origin == (kScopeDir / "01-subnet-isolation.json").string());
  CHECK(scope.scope_id.empty());
  REQUIRE(scope.match_paths.size() == 2);
  CHECK(scope.exclude_paths.empty());
  for (std::size_t i = 0; i < 2; ++i) {
    const NaaPath& path = scope.match_paths[i];
    CAPTURE(i);
    CHECK(path.pointer == "/MatchPaths/" + std::to_string(i));
    REQUIRE(path.source.resource.has_value());
    REQUIRE(path.destination.resource.has_value());
    CHECK_FALSE(path.source.packet_header.has_value());
    CHECK_FALSE(path.destination.packet_header.has_value());
    CHECK(path.source.resource->resource_types.empty());
    CHECK(path.through.empty());
  }
  CHECK(scope.match_paths[0].source.resource->resources == Strings{"subnet-1-id"});
  CHECK(scope.match_paths[0].destination.resource->resources == Strings{"subnet-2-id"});
  CHECK(scope.match_paths[1].source.resource->resources == Strings{"subnet-2-id"});
  CHECK(scope.match_paths[1].destination.resource->resources == Strings{"subnet-1-id"});
}

TEST_CASE("the firewall-bypass example excludes paths through any network firewall", "[naa]") {
  NaaScope scope = load("02-igw-ingress-bypassing-network-firewall.json");
  REQUIRE(scope.match_paths.size() == 1);
  const NaaPath& match = scope.match_paths[0];
  REQUIRE(match.source.resource.has_value());
  CHECK(match.source.resource->resource_types == Strings{"AWS::EC2::InternetGateway"});
  CHECK(match.source.resource->resources.empty());
  REQUIRE(match.destination.resource.has_value());
  CHECK(match.destination.resource->resources == Strings{"subnet-814424dd"});
  REQUIRE(scope.exclude_paths.size() == 1);
  const NaaPath& exclude = scope.exclude_paths[0];
  CHECK(exclude.pointer == "/ExcludePaths/0");
  CHECK_FALSE(exclude.source.given());
  CHECK_FALSE(exclude.destination.given());
  REQUIRE(exclude.through.size() == 1);
  CHECK(exclude.through[0].resource_types == Strings{"AWS::NetworkFirewall::Firewall"});
  CHECK(exclude.through[0].resources.empty());
}

TEST_CASE("the internet-egress example excludes a trusted destination CIDR", "[naa]") {
  NaaScope scope = load("03-internet-egress-except-trusted-cidr.json");
  REQUIRE(scope.match_paths.size() == 1);
  CHECK_FALSE(scope.match_paths[0].source.given());
  REQUIRE(scope.match_paths[0].destination.resource.has_value());
  CHECK(scope.match_paths[0].destination.resource->resource_types == Strings{"AWS::EC2::InternetGateway"});
  REQUIRE(scope.exclude_paths.size() == 1);
  const NaaPathStatement& destination = scope.exclude_paths[0].destination;
  CHECK_FALSE(destination.resource.has_value());
  REQUIRE(destination.packet_header.has_value());
  CHECK(destination.packet_header->destination_addresses == std::vector<Cidr>{cidr("55.3.0.0/16")});
  CHECK(destination.packet_header->source_addresses.empty());
  CHECK(destination.packet_header->destination_ports.empty());
  CHECK(destination.packet_header->protocols.empty());
}

TEST_CASE("the bastion example matches a resource group and excludes destination port 22", "[naa]") {
  NaaScope scope = load("04-bastion-inbound-not-ssh.json");
  REQUIRE(scope.match_paths.size() == 1);
  REQUIRE(scope.match_paths[0].destination.resource.has_value());
  CHECK(scope.match_paths[0].destination.resource->resources ==
        Strings{"arn:aws:resource-groups:us-east-1:123456789012:group/bastions"});
  REQUIRE(scope.exclude_paths.size() == 1);
  const NaaPathStatement& destination = scope.exclude_paths[0].destination;
  REQUIRE(destination.packet_header.has_value());
  CHECK(destination.packet_header->destination_ports == std::vector<PortRange>{PortRange{22, 22}});
  CHECK(destination.packet_header->source_ports.empty());
}

TEST_CASE("the CLI getting-started example has a source-only and a destination-only match path", "[naa]") {
  NaaScope scope = load("06-cli-getting-started-vpc-to-igw.json");
  REQUIRE(scope.match_paths.size() == 2);
  REQUIRE(scope.match_paths[0].source.resource.has_value());
  CHECK(scope.match_paths[0].source.resource->resources == Strings{"vpc-abcd12e3"});
  CHECK_FALSE(scope.match_paths[0].destination.given());
  CHECK_FALSE(scope.match_paths[1].source.given());
  REQUIRE(scope.match_paths[1].destination.resource.has_value());
  CHECK(scope.match_paths[1].destination.resource->resource_types == Strings{"AWS::EC2::InternetGateway"});
  REQUIRE(scope.exclude_paths.size() == 1);
  REQUIRE(scope.exclude_paths[0].source.resource.has_value());
  CHECK(scope.exclude_paths[0].source.resource->resource_types == Strings{"AWS::EC2::InternetGateway"});
}

// ---- other accepted shapes -----------------------------------------------------------

TEST_CASE("get-network-insights-access-scope-content output is read with its scope ID", "[naa]") {
  NaaScope scope = parse(R"({"NetworkInsightsAccessScopeContent": {
      "NetworkInsightsAccessScopeId": "nis-0b1889d01c2801311",
      "MatchPaths": [{"Source": {"ResourceStatement": {"Resources": ["vpc-abcd12e3"]}}},
                     {"Destination": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}}}],
      "ExcludePaths": [{"Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}}}]}})");
  CHECK(scope.name == "scope");
  CHECK(scope.origin == "scope.json");
  CHECK(scope.scope_id == "nis-0b1889d01c2801311");
  REQUIRE(scope.match_paths.size() == 2);
  CHECK(scope.match_paths[1].pointer == "/NetworkInsightsAccessScopeContent/MatchPaths/1");
  REQUIRE(scope.exclude_paths.size() == 1);
  CHECK(scope.exclude_paths[0].pointer == "/NetworkInsightsAccessScopeContent/ExcludePaths/0");
}

TEST_CASE("create-network-insights-access-scope output and --cli-input-json extras are accepted", "[naa]") {
  NaaScope created = parse(R"({
      "NetworkInsightsAccessScope": {"NetworkInsightsAccessScopeId": "nis-1", "CreatedDate": "2024-10-01T13:35:01Z"},
      "NetworkInsightsAccessScopeContent": {"NetworkInsightsAccessScopeId": "nis-1",
        "MatchPaths": [{"Source": {"ResourceStatement": {"Resources": ["vpc-1"]}}}]}})");
  CHECK(created.scope_id == "nis-1");
  CHECK(created.match_paths.size() == 1);
  NaaScope input = parse(R"({"MatchPaths": [{"Source": {"ResourceStatement": {"Resources": ["vpc-1"]}}}],
      "ClientToken": "token", "DryRun": false,
      "TagSpecifications": [{"ResourceType": "network-insights-access-scope",
                             "Tags": [{"Key": "k", "Value": "v"}]}]})");
  CHECK(input.match_paths.size() == 1);
  CHECK(input.exclude_paths.empty());
}

TEST_CASE("a packet header statement reads addresses, prefix lists, port ranges and protocols", "[naa]") {
  NaaScope scope = parse(withSource(R"({"PacketHeaderStatement": {
      "SourceAddresses": ["10.0.0.0/16", "192.168.1.7"],
      "DestinationPrefixLists": ["pl-02cd2c6b", "arn:aws:ec2:us-east-1:123456789012:prefix-list/pl-0123"],
      "SourcePorts": ["0-65535"], "DestinationPorts": ["22", "1024-65535", "0", "65535"],
      "Protocols": ["tcp", "udp"]},
      "ResourceStatement": {"Resources": ["eni-1", "i-1", "sg-f15d59b3", "vgw-1", "tgw-attach-1", "vpce-1",
                                         "vpce-svc-1", "pcx-1", "igw-1"]}})"));
  const NaaPathStatement& source = scope.match_paths[0].source;
  REQUIRE(source.packet_header.has_value());
  const NaaPacketHeader& header = *source.packet_header;
  CHECK(header.source_addresses == std::vector<Cidr>{cidr("10.0.0.0/16"), cidr("192.168.1.7/32")});
  CHECK(header.destination_addresses.empty());
  CHECK(header.source_prefix_lists.empty());
  CHECK(header.destination_prefix_lists ==
        Strings{"pl-02cd2c6b", "arn:aws:ec2:us-east-1:123456789012:prefix-list/pl-0123"});
  CHECK(header.source_ports == std::vector<PortRange>{PortRange{0, 65535}});
  CHECK(header.destination_ports ==
        std::vector<PortRange>{PortRange{22, 22}, PortRange{1024, 65535}, PortRange{0, 0}, PortRange{65535, 65535}});
  CHECK(header.protocols == std::vector<int>{kProtocolTcp, kProtocolUdp});
  REQUIRE(source.resource.has_value());
  CHECK(source.resource->resources.size() == 9);
}

TEST_CASE("through-only resources are accepted in ThroughResources by ID, ARN and type", "[naa]") {
  NaaScope scope = parse(withThrough(R"({"ResourceStatement": {"Resources": ["nat-0abc",
      "arn:aws:network-firewall:us-east-1:123456789012:firewall/inspection",
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188"]}},
      {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NatGateway", "AWS::ElasticLoadBalancing::LoadBalancer",
       "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::EC2::VPCEndpoint"]}})"));
  REQUIRE(scope.exclude_paths.size() == 1);
  REQUIRE(scope.exclude_paths[0].through.size() == 2);
  CHECK(scope.exclude_paths[0].through[0].resources.size() == 3);
  CHECK(scope.exclude_paths[0].through[1].resource_types.size() == 4);
}

// ---- built-in scopes -------------------------------------------------------------------

TEST_CASE("each Amazon-created scope is built in with the documented sources and destinations", "[naa]") {
  auto [name, aws_name, source_types, destination_types] = GENERATE(table<std::string, std::string, Strings, Strings>({
      {"igw-ingress", "All-IGW-Ingress", {"AWS::EC2::InternetGateway"}, {"AWS::EC2::NetworkInterface"}},
      {"igw-egress", "AWS-IGW-Egress", {"AWS::EC2::NetworkInterface"}, {"AWS::EC2::InternetGateway"}},
      {"vpc-ingress", "AWS-VPC-Ingress",
       {"AWS::EC2::InternetGateway", "AWS::EC2::VPCPeeringConnection", "AWS::EC2::VPCEndpointService",
        "AWS::EC2::VPNGateway", "AWS::EC2::TransitGatewayAttachment"},
       {}},
      {"vpc-egress", "AWS-VPC-Egress", {},
       {"AWS::EC2::InternetGateway", "AWS::EC2::VPCPeeringConnection", "AWS::EC2::VPCEndpoint",
        "AWS::EC2::VPNGateway", "AWS::EC2::TransitGatewayAttachment"}},
  }));
  CAPTURE(name);
  for (const std::string& lookup : {name, aws_name}) {
    CAPTURE(lookup);
    auto scope = builtinNaaScope(lookup);
    INFO((scope.ok() ? std::string() : scope.diagnostic().str()));
    REQUIRE(scope.ok());
    CHECK(scope->name == name);
    CHECK(scope->origin == "builtin:" + aws_name);
    CHECK(scope->exclude_paths.empty());
    REQUIRE(scope->match_paths.size() == 1);
    const NaaPath& path = scope->match_paths[0];
    CHECK(path.pointer == "/MatchPaths/0");
    CHECK(path.through.empty());
    CHECK_FALSE(path.source.packet_header.has_value());
    CHECK_FALSE(path.destination.packet_header.has_value());
    CHECK(path.source.given() == !source_types.empty());
    if (path.source.given()) CHECK(path.source.resource->resource_types == source_types);
    CHECK(path.destination.given() == !destination_types.empty());
    if (path.destination.given()) CHECK(path.destination.resource->resource_types == destination_types);
  }
}

TEST_CASE("builtinNaaScopeNames lists the short names in documentation order", "[naa]") {
  CHECK(builtinNaaScopeNames() == Strings{"igw-ingress", "igw-egress", "vpc-ingress", "vpc-egress"});
}

TEST_CASE("an unknown built-in scope name is an error with a suggestion", "[naa]") {
  auto [name, message] = GENERATE(table<std::string, std::string>({
      {"igw-ingres", "unknown built-in access scope 'igw-ingres' (did you mean 'igw-ingress'?)"},
      // Names that are easy to get wrong: AWS calls the ingress one All-IGW-Ingress.
      {"AWS-IGW-Ingress", "unknown built-in access scope 'AWS-IGW-Ingress' (did you mean 'All-IGW-Ingress'?)"},
      {"AWS-All-IGW-Egress", "unknown built-in access scope 'AWS-All-IGW-Egress' (did you mean 'AWS-IGW-Egress'?)"},
      {"everything",
       "unknown built-in access scope 'everything' (built-in scopes: igw-ingress, igw-egress, vpc-ingress, "
       "vpc-egress)"},
  }));
  CAPTURE(name);
  auto scope = builtinNaaScope(name);
  REQUIRE_FALSE(scope.ok());
  CHECK(scope.error() == message);
}

// ---- errors ------------------------------------------------------------------------------

TEST_CASE("an invalid scope JSON is reported with line and column", "[naa]") {
  auto scope = parseNaaScope("{\n  \"MatchPaths\": [\n    {\"Source\": }\n  ]\n}\n", "scope.json");
  REQUIRE_FALSE(scope.ok());
  CHECK(scope.diagnostic().str() ==
        "scope.json:3:16: error: invalid JSON: syntax error while parsing value - unexpected '}'; expected '[', "
        "'{', or a literal");
}

TEST_CASE("an unreadable scope file is an error naming the file", "[naa]") {
  auto path = kScopeDir / "no-such-scope.json";
  auto scope = loadNaaScope(path);
  REQUIRE_FALSE(scope.ok());
  CHECK(scope.diagnostic().str() == path.string() + ": error: cannot open file: No such file or directory");
}

TEST_CASE("the shape of the document and of each path is checked", "[naa]") {
  const std::string igw_source = R"({"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}})";
  auto [text, message] = GENERATE_COPY(table<std::string, std::string>({
      {"[]", "scope.json: error: expected an object (an access scope), found an array"},
      {"{}", "scope.json: error: missing MatchPaths: a Network Access Scope needs at least one match path"},
      {R"({"ExcludePaths": []})",
       "scope.json: error: missing MatchPaths: a Network Access Scope needs at least one match path"},
      {R"({"MatchPaths": []})",
       "scope.json:/MatchPaths: error: MatchPaths is empty: a Network Access Scope needs at least one match path"},
      {R"({"MatchPaths": {}})", "scope.json:/MatchPaths: error: expected an array, found an object"},
      {R"({"MatchPaths": ["vpc-1"]})", "scope.json:/MatchPaths/0: error: expected an object, found a string"},
      {R"({"MatchPath": []})",
       "scope.json:/MatchPath: error: unknown key 'MatchPath' in the access scope (did you mean 'MatchPaths'?)"},
      {R"({"matchPaths": []})",
       "scope.json:/matchPaths: error: unknown key 'matchPaths' in the access scope (did you mean 'MatchPaths'?)"},
      {R"({"Scope/Name": 1})",
       "scope.json:/Scope~1Name: error: unknown key 'Scope/Name' in the access scope (known keys: MatchPaths, "
       "ExcludePaths, ClientToken, DryRun, TagSpecifications)"},
      {R"({"MatchPaths": [{"Source": )" + igw_source + R"(}], "DryRun": "no"})",
       "scope.json:/DryRun: error: expected a boolean, found a string"},
      {R"({"NetworkInsightsAccessScopeContent": {"MatchPaths": [{"Source": )" + igw_source + R"(}], "Tags": []}})",
       "scope.json:/NetworkInsightsAccessScopeContent/Tags: error: unknown key 'Tags' in "
       "NetworkInsightsAccessScopeContent (known keys: NetworkInsightsAccessScopeId, MatchPaths, ExcludePaths)"},
      {R"({"NetworkInsightsAccessScopeContent": {"NetworkInsightsAccessScopeId": "nis-1"}})",
       "scope.json:/NetworkInsightsAccessScopeContent: error: missing MatchPaths: a Network Access Scope needs at "
       "least one match path"},
      {R"({"MatchPaths": [{"Sourc": )" + igw_source + "}]}",
       "scope.json:/MatchPaths/0/Sourc: error: unknown key 'Sourc' in a MatchPaths entry (did you mean 'Source'?)"},
      {R"({"MatchPaths": [{"Source": )" + igw_source + R"(}], "ExcludePaths": [{"Through": []}]})",
       "scope.json:/ExcludePaths/0/Through: error: unknown key 'Through' in an ExcludePaths entry (did you mean "
       "'ThroughResources'?)"},
      {withDestination(R"({"PacketHeader": {"DestinationPorts": ["22"]}})"),
       "scope.json:/MatchPaths/0/Destination/PacketHeader: error: unknown key 'PacketHeader' in Destination (did "
       "you mean 'PacketHeaderStatement'?)"},
      {withSource(R"({"ResourceStatement": {"Resources": ["vpc-1"], "ResourceSetArns": ["arn:aws:x"]}})"),
       "scope.json:/MatchPaths/0/Source/ResourceStatement/ResourceSetArns: error: unknown key 'ResourceSetArns' "
       "in ResourceStatement: the EC2 API takes only Resources and ResourceTypes (give resource group ARNs in "
       "Resources)"},
      {withSource(R"({"ResourceStatement": {"ResourceIds": ["vpc-1"]}})"),
       "scope.json:/MatchPaths/0/Source/ResourceStatement/ResourceIds: error: unknown key 'ResourceIds' in "
       "ResourceStatement (did you mean 'Resources'?)"},
      {withSource(R"({"ResourceStatement": {"Ids": ["vpc-1"]}})"),
       "scope.json:/MatchPaths/0/Source/ResourceStatement/Ids: error: unknown key 'Ids' in ResourceStatement "
       "(known keys: Resources, ResourceTypes)"},
      {withHeader(R"({"DestinationPort": ["22"]})"),
       "scope.json:/MatchPaths/0/Source/PacketHeaderStatement/DestinationPort: error: unknown key "
       "'DestinationPort' in PacketHeaderStatement (did you mean 'DestinationPorts'?)"},
      {withSource(R"({"ResourceStatement": {"Resources": "vpc-1"}})"),
       "scope.json:/MatchPaths/0/Source/ResourceStatement/Resources: error: expected an array, found a string"},
      {sourceIds(R"(["vpc-1", 7])"),
       "scope.json:/MatchPaths/0/Source/ResourceStatement/Resources/1: error: expected a string, found a number"},
      {withSource("[]"), "scope.json:/MatchPaths/0/Source: error: expected an object, found an array"},
  }));
  CAPTURE(text);
  auto scope = parseNaaScope(text, "scope.json");
  REQUIRE_FALSE(scope.ok());
  CHECK(scope.diagnostic().str() == message);
}

TEST_CASE("empty statements are errors", "[naa]") {
  const std::string igw_source = R"({"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}})";
  auto [text, message] = GENERATE_COPY(table<std::string, std::string>({
      {R"({"MatchPaths": [{}]})",
       "scope.json:/MatchPaths/0: error: a MatchPaths entry is empty: give at least one of Source, Destination or "
       "ThroughResources"},
      {R"({"MatchPaths": [{"Source": )" + igw_source + R"(}], "ExcludePaths": [{"ThroughResources": []}]})",
       "scope.json:/ExcludePaths/0: error: an ExcludePaths entry is empty: give at least one of Source, "
       "Destination or ThroughResources"},
      {withSource("{}"),
       "scope.json:/MatchPaths/0/Source: error: Source is empty: give a ResourceStatement, a "
       "PacketHeaderStatement or both"},
      {withSource(R"({"ResourceStatement": {}})"),
       "scope.json:/MatchPaths/0/Source/ResourceStatement: error: ResourceStatement is empty: give Resources or "
       "ResourceTypes"},
      {withSource(R"({"ResourceStatement": {"Resources": [], "ResourceTypes": []}})"),
       "scope.json:/MatchPaths/0/Source/ResourceStatement: error: ResourceStatement is empty: give Resources or "
       "ResourceTypes"},
      {withHeader("{}"),
       "scope.json:/MatchPaths/0/Source/PacketHeaderStatement: error: PacketHeaderStatement is empty: give at "
       "least one of its fields"},
      {withHeader(R"({"DestinationPorts": []})"),
       "scope.json:/MatchPaths/0/Source/PacketHeaderStatement: error: PacketHeaderStatement is empty: give at "
       "least one of its fields"},
      {withThrough("{}"),
       "scope.json:/ExcludePaths/0/ThroughResources/0: error: a ThroughResources entry is empty: give its "
       "ResourceStatement"},
  }));
  CAPTURE(text);
  auto scope = parseNaaScope(text, "scope.json");
  REQUIRE_FALSE(scope.ok());
  CHECK(scope.diagnostic().str() == message);
}

TEST_CASE("resource statements are checked against what Network Access Analyzer accepts", "[naa]") {
  const std::string types = "scope.json:/MatchPaths/0/Source/ResourceStatement/ResourceTypes/0: error: ";
  const std::string ids = "scope.json:/MatchPaths/0/Source/ResourceStatement/Resources/0: error: ";
  auto [text, message] = GENERATE_COPY(table<std::string, std::string>({
      {withSource(R"({"ResourceStatement": {"Resources": ["subnet-1"], "ResourceTypes": ["AWS::EC2::VPNGateway"]}})"),
       "scope.json:/MatchPaths/0/Source/ResourceStatement: error: ResourceStatement has both Resources and "
       "ResourceTypes: a resource statement names resources by ID or by type, not both (split it into two paths)"},
      {sourceTypes(R"(["AWS::EC2::InternetGatway"])"),
       types + "unknown resource type 'AWS::EC2::InternetGatway' (did you mean 'AWS::EC2::InternetGateway'?)"},
      {sourceTypes(R"(["aws::ec2::vpngateway"])"),
       types + "unknown resource type 'aws::ec2::vpngateway' (did you mean 'AWS::EC2::VPNGateway'?)"},
      {withThrough(R"({"ResourceStatement": {"ResourceTypes": ["AWS::NetworkFirewall::NetworkFirewall"]}})"),
       "scope.json:/ExcludePaths/0/ThroughResources/0/ResourceStatement/ResourceTypes/0: error: unknown resource "
       "type 'AWS::NetworkFirewall::NetworkFirewall' (did you mean 'AWS::NetworkFirewall::Firewall'?)"},
      {sourceTypes(R"(["AWS::Lambda::Function"])"), types + "unknown resource type 'AWS::Lambda::Function'"},
      {sourceTypes(R"(["AWS::EC2::Subnet"])"),
       types + "resource type 'AWS::EC2::Subnet' is not accepted in ResourceTypes: list subnets by ID or ARN in "
               "Resources"},
      {sourceTypes(R"(["AWS::EC2::SecurityGroup"])"),
       types + "resource type 'AWS::EC2::SecurityGroup' is not accepted in ResourceTypes: list security groups by "
               "ID or ARN in Resources"},
      {sourceTypes(R"(["AWS::EC2::NatGateway"])"),
       types + "resource type 'AWS::EC2::NatGateway' is accepted only in ThroughResources"},
      {sourceTypes(R"(["AWS::EC2::VPCEndpoint"])"),
       types + "resource type 'AWS::EC2::VPCEndpoint' is accepted only in Destination and ThroughResources"},
      {withThrough(R"({"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}})"),
       "scope.json:/ExcludePaths/0/ThroughResources/0/ResourceStatement/ResourceTypes/0: error: resource type "
       "'AWS::EC2::InternetGateway' is accepted only in Source and Destination"},
      {sourceIds(R"(["rtb-0123"])"),
       ids + "'rtb-0123' is not a resource Network Access Analyzer accepts: give an ID starting with eni-, i-, "
             "igw-, nat-, pcx-, sg-, subnet-, tgw-attach-, vgw-, vpc-, vpce-, vpce-svc-, an ARN or a "
             "template's logical ID"},
      {sourceIds(R"(["tgw-0123"])"),
       ids + "'tgw-0123' is not a resource Network Access Analyzer accepts: give an ID starting with eni-, i-, "
             "igw-, nat-, pcx-, sg-, subnet-, tgw-attach-, vgw-, vpc-, vpce-, vpce-svc-, an ARN or a "
             "template's logical ID"},
      {sourceIds(R"(["subnet-"])"),
       ids + "'subnet-' is not a resource Network Access Analyzer accepts: give an ID starting with eni-, i-, "
             "igw-, nat-, pcx-, sg-, subnet-, tgw-attach-, vgw-, vpc-, vpce-, vpce-svc-, an ARN or a "
             "template's logical ID"},
      {sourceIds(R"(["nat-0abc"])"), ids + "'nat-0abc' is a NAT gateway, which is accepted only in ThroughResources"},
      {withThrough(R"({"ResourceStatement": {"Resources": ["subnet-1"]}})"),
       "scope.json:/ExcludePaths/0/ThroughResources/0/ResourceStatement/Resources/0: error: 'subnet-1' is a "
       "subnet, which is accepted only in Source and Destination"},
      {withDestination(R"({"ResourceStatement": {"Resources": [
           "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188"]}})"),
       "scope.json:/MatchPaths/0/Destination/ResourceStatement/Resources/0: error: "
       "'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188' is a load "
       "balancer, which is accepted only in ThroughResources"},
      {sourceIds(R"(["arn:aws:ec2:us-east-1:123456789012:route-table/rtb-1"])"),
       ids + "'arn:aws:ec2:us-east-1:123456789012:route-table/rtb-1' is not the ARN of a resource Network Access "
             "Analyzer accepts in a ResourceStatement"},
      {sourceIds(R"(["arn:aws:ec2"])"),
       ids + "'arn:aws:ec2' is not an ARN (arn:partition:service:region:account:resource)"},
  }));
  CAPTURE(text);
  auto scope = parseNaaScope(text, "scope.json");
  REQUIRE_FALSE(scope.ok());
  CHECK(scope.diagnostic().str() == message);
}

TEST_CASE("packet header values are checked: ports, protocols, addresses and prefix lists", "[naa]") {
  const std::string at = "scope.json:/MatchPaths/0/Source/PacketHeaderStatement";
  auto [text, message] = GENERATE_COPY(table<std::string, std::string>({
      {withHeader(R"({"DestinationPorts": [{"From": 22, "To": 22}]})"),
       at + "/DestinationPorts/0: error: expected a port string such as \"443\" or \"1024-65535\", found an object "
            "({\"From\": .., \"To\": ..} is how findings print port ranges, not how scopes take them)"},
      {withHeader(R"({"SourcePorts": [22]})"),
       at + "/SourcePorts/0: error: expected a port string such as \"443\" or \"1024-65535\", found the number 22 "
            "(write \"22\")"},
      {withHeader(R"({"SourcePorts": [true]})"),
       at + "/SourcePorts/0: error: expected a port string such as \"443\" or \"1024-65535\", found a boolean"},
      {withHeader(R"({"DestinationPorts": "22"})"), at + "/DestinationPorts: error: expected an array, found a string"},
      {withHeader(R"({"DestinationPorts": ["80-"]})"),
       at + "/DestinationPorts/0: error: '80-' is not a port or port range (write \"443\" or \"1024-65535\")"},
      {withHeader(R"({"DestinationPorts": ["80:90"]})"),
       at + "/DestinationPorts/0: error: '80:90' is not a port or port range (write \"443\" or \"1024-65535\")"},
      {withHeader(R"({"DestinationPorts": ["022"]})"),
       at + "/DestinationPorts/0: error: '022' is not a port or port range (write \"443\" or \"1024-65535\")"},
      {withHeader(R"({"DestinationPorts": ["70000"]})"),
       at + "/DestinationPorts/0: error: port 70000 is out of range (0-65535)"},
      {withHeader(R"({"DestinationPorts": ["1024-65536"]})"),
       at + "/DestinationPorts/0: error: port 65536 is out of range (0-65535)"},
      {withHeader(R"({"DestinationPorts": ["90-80"]})"),
       at + "/DestinationPorts/0: error: port range '90-80' is reversed (did you mean '80-90'?)"},
      {withHeader(R"({"Protocols": ["icmp"]})"),
       at + "/Protocols/0: error: protocol 'icmp' is not supported: Network Access Analyzer takes only 'tcp' and "
            "'udp'"},
      {withHeader(R"({"Protocols": ["-1"]})"),
       at + "/Protocols/0: error: protocol '-1' is not supported: Network Access Analyzer takes only 'tcp' and "
            "'udp'"},
      {withHeader(R"({"Protocols": ["6"]})"),
       at + "/Protocols/0: error: protocol '6' is not supported: Network Access Analyzer takes only 'tcp' and 'udp' "
            "(did you mean 'tcp'?)"},
      {withHeader(R"({"Protocols": ["UDP"]})"),
       at + "/Protocols/0: error: protocol 'UDP' is not supported: Network Access Analyzer takes only 'tcp' and "
            "'udp' (did you mean 'udp'?)"},
      {withHeader(R"({"Protocols": [6]})"), at + "/Protocols/0: error: expected a string, found a number"},
      {withHeader(R"({"SourceAddresses": ["10.0.0.0/33"]})"),
       at + "/SourceAddresses/0: error: prefix length 33 is out of range (0-32)"},
      {withHeader(R"({"DestinationAddresses": ["10.0.0.1/8"]})"),
       at + "/DestinationAddresses/0: error: '10.0.0.1/8' has host bits set (did you mean 10.0.0.0/8?)"},
      {withHeader(R"({"DestinationAddresses": ["::/0"]})"),
       at + "/DestinationAddresses/0: error: '::/0' is not an IPv4 CIDR block"},
      {withHeader(R"({"SourceAddresses": ["10.0.0.0/8"], "SourcePrefixLists": ["pl-1"]})"),
       at + ": error: PacketHeaderStatement has both SourceAddresses and SourcePrefixLists: give one or the other"},
      {withHeader(R"({"DestinationAddresses": ["10.0.0.0/8"], "DestinationPrefixLists": ["pl-1"]})"),
       at + ": error: PacketHeaderStatement has both DestinationAddresses and DestinationPrefixLists: give one or "
            "the other"},
      {withHeader(R"({"SourcePrefixLists": ["sg-1"]})"),
       at + "/SourcePrefixLists/0: error: 'sg-1' is not a prefix list ID (pl-...) or prefix list ARN"},
  }));
  CAPTURE(text);
  auto scope = parseNaaScope(text, "scope.json");
  REQUIRE_FALSE(scope.ok());
  CHECK(scope.diagnostic().str() == message);
}

TEST_CASE("a scope for a template names resources by logical ID, resolved once the input is loaded", "[naa]") {
  test_support::Builder b = test_support::Builder::twoSubnets();
  b.natGateway("nat-1", "subnet-b", "10.0.2.5", "3.3.3.3");
  Topology topo = b.build();
  topo.subnets[0].meta.logical_id = "PrivateSubnetA";
  topo.subnets[1].meta.logical_id = "PrivateSubnetB";
  topo.nat_gateways[0].meta.logical_id = "NatGatewayB";
  topo.finalize();
  auto scopeWith = [](const std::string& source, const std::string& destination) {
    auto scope = parseNaaScope(R"({"MatchPaths": [{"Source": {"ResourceStatement": {"Resources": [")" + source +
                                   R"("]}}, "Destination": {"ResourceStatement": {"Resources": [")" + destination +
                                   R"("]}}}]})",
                               "scope.json");
    REQUIRE(scope);
    return std::move(scope).value();
  };
  SECTION("logical IDs become IDs; IDs stay") {
    NaaScope scope = scopeWith("PrivateSubnetA", "subnet-b");
    CHECK_FALSE(resolveNaaScopeNames(scope, topo).has_value());
    CHECK(scope.match_paths[0].source.resource->resources == Strings{"subnet-a"});
    CHECK(scope.match_paths[0].destination.resource->resources == Strings{"subnet-b"});
  }
  SECTION("an unknown logical ID is located, with the resolver's suggestion") {
    NaaScope scope = scopeWith("PrivateSubnetC", "subnet-b");
    auto error = resolveNaaScopeNames(scope, topo);
    REQUIRE(error.has_value());
    CHECK(error->str() ==
          "scope.json:/MatchPaths/0/Source/ResourceStatement/Resources/0: error: resource 'PrivateSubnetC' is not "
          "in the input (did you mean 'PrivateSubnetA'?)");
  }
  SECTION("the place rules apply to the resource named") {
    NaaScope scope = scopeWith("NatGatewayB", "subnet-b");
    auto error = resolveNaaScopeNames(scope, topo);
    REQUIRE(error.has_value());
    CHECK(error->str() ==
          "scope.json:/MatchPaths/0/Source/ResourceStatement/Resources/0: error: 'NatGatewayB' names nat-1, a NAT "
          "gateway, which is accepted only in ThroughResources");
  }
}

TEST_CASE("a number beyond a double in a scope file is a located error, not a crash", "[scope]") {
  // nlohmann::json throws out_of_range.406 for 1e400; the message says where instead.
  auto scope = parseNaaScope(R"({"MatchPaths": [{"Source": {"PacketHeaderStatement": {"SourcePorts": [1e400]}}}]})",
                             "scope.json");
  REQUIRE_FALSE(scope.ok());
  CHECK(scope.diagnostic().str() ==
        "scope.json:1:71: error: invalid JSON: number 1e400 is out of range (too large for a 64-bit floating-point "
        "number)");
}

}  // namespace
}  // namespace vpcsim::topology

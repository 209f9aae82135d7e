// Tests for the CloudFormation loader: intrinsics, parameters, workshop and corpus templates.
#include "formats/cloudformation.h"
#include "formats/loader.h"

#include "sim/query.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

namespace vpcsim::topology {
namespace {

const std::filesystem::path kCfnDir = std::filesystem::path(VPCSIM_SOURCE_DIR) / "tests/data/cfn";
const std::filesystem::path kCorpus = std::filesystem::path(VPCSIM_CORPUS_DIR);

using Overrides = std::vector<std::pair<std::string, std::string>>;

struct Loaded {
  bool ok = false;
  Topology topo;
  std::vector<Diagnostic> errors;
  std::string text() const {
    std::string out;
    for (const auto& e : errors) out += e.str() + "\n";
    return out;
  }
};

Loaded load(const std::vector<StackSpec>& stacks) {
  Loaded out;
  out.ok = loadStacks(stacks, LoadOptions{}, out.topo, out.errors);
  return out;
}

const Overrides kVpcParams = {{"AvailabilityZones", "us-east-1a,us-east-1b"},
                              {"NumberOfAZs", "2"},
                              {"VPCCIDR", "192.168.0.0/16"},
                              {"PrivateSubnet1ACIDR", "192.168.0.0/20"},
                              {"PrivateSubnet2ACIDR", "192.168.16.0/20"}};
const Overrides kNatParams = {{"ExistingVPCId", "@sagemaker-vpc.VPCId"},
                              {"ExistingPrivateRouteTableIds", "@sagemaker-vpc.PrivateRouteTableIds"},
                              {"AvailabilityZones", "us-east-1a,us-east-1b"},
                              {"NumberOfAZs", "2"},
                              {"PublicSubnet1CIDR", "192.168.128.0/20"},
                              {"PublicSubnet2CIDR", "192.168.144.0/20"}};

StackSpec vpcStack() { return {kCfnDir / "network-vpc.yaml", "sagemaker-vpc", kVpcParams}; }
StackSpec natStack() { return {kCfnDir / "network-natgw.yaml", "sagemaker-natgw", kNatParams}; }

template <typename T>
const T* byLogical(const std::vector<T>& items, const std::string& logical) {
  for (const auto& item : items) {
    if (item.meta.logical_id == logical) return &item;
  }
  return nullptr;
}

std::filesystem::path writeTemplate(const std::string& name, const std::string& body) {
  auto dir = std::filesystem::temp_directory_path() / "vpcsim-cfn-test";
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::ofstream(path) << body;
  return path;
}

// A template whose probe endpoint keeps `expr` in its policy document (as a
// condition value, which may be a string, number, boolean or a list of them),
// so the evaluated value can be read back as JSON. `expr` sits on line 21,
// column 16.
std::string probeTemplate(const std::string& expr) {
  return "Parameters:\n"                                                 // 1
         "  P: {Type: String, Default: pv}\n"                            // 2
         "  Azs: {Type: CommaDelimitedList, Default: 'x,y'}\n"           // 3
         "Mappings:\n"                                                   // 4
         "  RegionMap:\n"                                                // 5
         "    us-east-1: {Ami: ami-123, Size: 2}\n"                      // 6
         "Conditions:\n"                                                 // 7
         "  Yes: !Equals [a, a]\n"                                       // 8
         "  No: !Not [!Condition Yes]\n"                                 // 9
         "Resources:\n"                                                  // 10
         "  VPC:\n"                                                      // 11
         "    Type: AWS::EC2::VPC\n"                                     // 12
         "    Properties: {CidrBlock: 10.0.0.0/16}\n"                    // 13
         "  Probe:\n"                                                    // 14
         "    Type: AWS::EC2::VPCEndpoint\n"                             // 15
         "    Properties:\n"                                             // 16
         "      VpcId: !Ref VPC\n"                                       // 17
         "      ServiceName: !Sub 'com.amazonaws.${AWS::Region}.s3'\n"   // 18
         "      PolicyDocument:\n"                                       // 19
         "        Statement: [{Effect: Allow, Action: '*', Resource: '*', Principal: '*',"
         " Condition: {StringEquals: {\n"                                 // 20
         "        Value: " + expr + "}}}]\n";                            // 21
}

TEST_CASE("intrinsic functions evaluate as CloudFormation documents them", "[cloudformation]") {
  auto [expr, expected] = GENERATE(table<std::string, std::string>({
      {"!Ref P", R"("pv")"},
      {"!Ref Azs", R"(["x","y"])"},
      {"[a, !If [Yes, !If [No, x, !Ref 'AWS::NoValue'], y], b]", R"(["a","b"])"},
      {"[a, !If [No, x, !Ref 'AWS::NoValue'], !If [Yes, z, w]]", R"(["a","z"])"},
      {"!Join [',', [a, !If [No, b, !Ref 'AWS::NoValue'], c]]", R"("a,c")"},
      {"!Join ['', [!Ref 'AWS::Partition', '.', !Ref 'AWS::URLSuffix']]", R"("aws.amazonaws.com")"},
      {"!Sub ['${A}-${AWS::Region}-${P}', {A: !Ref 'AWS::AccountId'}]", R"("123456789012-us-east-1-pv")"},
      {"!Sub '${!Literal}-${AWS::StackName}'", R"("${Literal}-fragment")"},
      {"!Sub '${VPC.CidrBlock}'", R"("10.0.0.0/16")"},
      {"!Select [1, !Split [':', 'us-east-1a:vpce-1']]", R"("vpce-1")"},
      {"!Split [',', 'a,b,,c']", R"(["a","b","","c"])"},
      {"!Cidr ['192.168.0.0/24', 6, 5]",
       R"(["192.168.0.0/27","192.168.0.32/27","192.168.0.64/27","192.168.0.96/27","192.168.0.128/27","192.168.0.160/27"])"},
      {"{'Fn::Cidr': ['192.168.0.0/24', '6', '5']}",
       R"(["192.168.0.0/27","192.168.0.32/27","192.168.0.64/27","192.168.0.96/27","192.168.0.128/27","192.168.0.160/27"])"},
      {"!Select [0, !Cidr [!GetAtt VPC.CidrBlock, 1, 8]]", R"("10.0.0.0/24")"},
      {"!GetAZs ''", R"(["us-east-1a","us-east-1b","us-east-1c","us-east-1d","us-east-1e","us-east-1f"])"},
      {"!GetAZs eu-west-1", R"(["eu-west-1a","eu-west-1b","eu-west-1c"])"},
      {"!Select [0, !GetAZs {Ref: 'AWS::Region'}]", R"("us-east-1a")"},
      {"!FindInMap [RegionMap, !Ref 'AWS::Region', Ami]", R"("ami-123")"},
      {"!Equals [!Ref P, pv]", "true"},
      {"!And [!Condition Yes, !Not [!Condition No]]", "true"},
      {"!Or [!Condition No, !Equals [2, '2']]", "true"},
      {"{'Fn::Length': [a, b, c]}", "3"},
      {"{'Fn::ToJsonString': {a: [1, x]}}", R"("{\"a\":[1,\"x\"]}")"},
      {"!Base64 hi", R"("aGk=")"},
      {"{'Fn::If': [No, 1, {Ref: 'AWS::NoValue'}]}", "null"},
  }));
  CAPTURE(expr);
  auto path = writeTemplate("fragment.yaml", probeTemplate(expr));
  auto loaded = load({{path, "", {}}});
  INFO(loaded.text());
  REQUIRE(loaded.ok);
  const auto* probe = byLogical(loaded.topo.vpc_endpoints, "Probe");
  REQUIRE(probe != nullptr);
  auto condition = nlohmann::json::parse(probe->policy_document)["Statement"][0]["Condition"]["StringEquals"];
  std::string actual = condition.contains("Value") ? condition["Value"].dump() : "null";
  CHECK(actual == expected);
}

TEST_CASE("intrinsic function errors point at the call", "[cloudformation]") {
  auto [expr, message] = GENERATE(table<std::string, std::string>({
      {"!Select [3, [a, b]]", "!Select index 3 is out of range (list has 2 elements)"},
      {"!GetAtt VPCC.CidrBlock", "!GetAtt VPCC.CidrBlock: no resource named VPCC (did you mean VPC?)"},
      {"!GetAtt VPC.MainRouteTableId",
       "!GetAtt VPC.MainRouteTableId: AWS::EC2::VPC has no attribute MainRouteTableId"},
      {"!Ref Pp", "!Ref Pp: no parameter or resource named Pp (did you mean P?)"},
      {"!If [Yess, a, b]", "no condition named Yess (did you mean Yes?)"},
      {"!FindInMap [RegionMap, !Ref 'AWS::Region', Amy]",
       "!FindInMap: mapping RegionMap has no key us-east-1.Amy (did you mean Ami?)"},
      {"!Cidr ['192.168.0.0/24', 9, 5]", "!Cidr cannot fit 9 /27 blocks in 192.168.0.0/24"},
      {"!ImportValue other-vpc", "!ImportValue other-vpc: no stack exports other-vpc"},
  }));
  CAPTURE(expr);
  auto path = writeTemplate("fragment.yaml", probeTemplate(expr));
  auto loaded = load({{path, "", {}}});
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 1);
  std::string where = expr.rfind("!If", 0) == 0 ? ":21:21" : ":21:16";  // the condition name itself
  CHECK(loaded.errors[0].str() == path.string() + where + ": error: " + message);
}

TEST_CASE("parameter constraints are checked and quote the constraint description", "[cloudformation]") {
  auto [key, value, message] = GENERATE(table<std::string, std::string, std::string>({
      {"VPCCIDR", "10.0.0.0/8",
       "106:3: error: parameter VPCCIDR: '10.0.0.0/8' does not match the allowed pattern "
       "(CIDR block parameter must be in the form x.x.x.x/16-28)"},
      {"NumberOfAZs", "4", "76:3: error: parameter NumberOfAZs: '4' is not one of the allowed values: 1, 2, 3"},
      {"AvailabilityZones2", "x", "error: no parameter named AvailabilityZones2 in the template (did you mean AvailabilityZones?)"},
  }));
  CAPTURE(key);
  Overrides params = kVpcParams;
  params.emplace_back(key, value);
  auto loaded = load({{kCfnDir / "network-vpc.yaml", "", params}});
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 1);
  std::string text = loaded.errors[0].str();
  CHECK(text.substr(text.size() - std::min(text.size(), message.size())) == message);
}

// A template with one parameter declared as `declaration` (on line 2) and one VPC.
std::string parameterTemplate(const std::string& declaration) {
  return "Parameters:\n"
         "  P: " + declaration + "\n"
         "Resources:\n"
         "  VPC: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: 10.0.0.0/16}}\n";
}

TEST_CASE("a backtracking AllowedPattern on a 4 KB value answers at once", "[cloudformation]") {
  // '(a+)+$' takes exponential time in a backtracking matcher (std::regex ran
  // past 20 s); RE2 matches in time linear in the value.
  auto path = writeTemplate("pattern.yaml", parameterTemplate("{Type: String, AllowedPattern: '(a+)+$'}"));
  std::string value = std::string(4095, 'a') + "b";
  auto start = std::chrono::steady_clock::now();
  auto loaded = load({{path, "", {{"P", value}}}});
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(2));
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0].str() == path.string() + ":2:3: error: parameter P: '" + std::string(100, 'a') +
                                      "...' does not match the allowed pattern (a+)+$");
  CHECK(load({{path, "", {{"P", std::string(4096, 'a')}}}}).ok);
}

TEST_CASE("AllowedPattern matches the whole value", "[cloudformation]") {
  auto path = writeTemplate("whole.yaml", parameterTemplate("{Type: String, AllowedPattern: '[a-z]+'}"));
  CHECK(load({{path, "", {{"P", "abc"}}}}).ok);
  auto partial = load({{path, "", {{"P", "abc1"}}}});
  REQUIRE(partial.errors.size() == 1);
  CHECK(partial.errors[0].message == "parameter P: 'abc1' does not match the allowed pattern [a-z]+");
}

TEST_CASE("an AllowedPattern RE2 cannot match in linear time is a located error", "[cloudformation]") {
  auto path = writeTemplate("backref.yaml", parameterTemplate("{Type: String, AllowedPattern: '(a)\\1'}"));
  auto loaded = load({{path, "", {{"P", "aa"}}}});
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0].str() == path.string() +
                                      ":2:37: error: parameter P: AllowedPattern '(a)\\1' is not a valid regular "
                                      "expression (invalid escape sequence: \\1)");
}

TEST_CASE("a parameter value over CloudFormation's 4,096 bytes is an error", "[cloudformation]") {
  auto path = writeTemplate("long.yaml", parameterTemplate("{Type: String}"));
  auto loaded = load({{path, "", {{"P", std::string(200000, '9')}}}});
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0].str() ==
        path.string() + ":2:3: error: parameter P: the value is 200000 bytes, more than CloudFormation's limit of 4096 bytes");
}

TEST_CASE("a parameter value from the command line must be UTF-8", "[cloudformation]") {
  // Fn::ToJsonString and JSON output would otherwise meet bytes nlohmann::json refuses to write.
  auto path = writeTemplate("utf8.yaml", parameterTemplate("{Type: String}"));
  auto loaded = load({{path, "", {{"P", "caf\xE9"}}}});
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0].str() ==
        path.string() + ":2:3: error: parameter P: invalid UTF-8 (byte 0xE9), expected UTF-8 text at byte 4 of the value");
}

TEST_CASE("Number parameters are finite and MinValue / MaxValue must be numbers", "[cloudformation]") {
  auto [declaration, value, message] = GENERATE(table<std::string, std::string, std::string>({
      {"{Type: Number}", "1e999", "2:3: error: parameter P: '1e999' is out of range for a number"},
      {"{Type: Number}", "nan", "2:3: error: parameter P: 'nan' is not a number"},
      {"{Type: Number, MinValue: 1}", "1e-400", "2:3: error: parameter P: 1e-400 is less than the minimum 1"},
      {"{Type: Number, MaxValue: 10}", std::string(400, '9'),
       "2:3: error: parameter P: '" + std::string(100, '9') + "...' is out of range for a number"},
      {"{Type: Number, MinValue: abc}", "5", "2:31: error: parameter P: MinValue 'abc' is not a finite number"},
      {"{Type: Number, MaxValue: 1e400}", "5", "2:31: error: parameter P: MaxValue '1e400' is not a finite number"},
      {"{Type: 'List<Number>', MaxValue: 10}", "1,20", "2:3: error: parameter P: 20 is greater than the maximum 10"},
  }));
  CAPTURE(declaration, value);
  auto path = writeTemplate("number.yaml", parameterTemplate(declaration));
  auto loaded = load({{path, "", {{"P", value}}}});
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0].str() == path.string() + ":" + message);
}

TEST_CASE("hostile template files are located errors", "[cloudformation]") {
  auto bomb = writeTemplate("bomb.yaml",
                            "Metadata:\n"
                            "  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
                            "  a1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\n"
                            "  a2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\n"
                            "  a3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\n"
                            "  a4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\n"
                            "  a5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\n"
                            "  a6: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]\n"
                            "  a7: &a7 [*a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6]\n"
                            "Resources: {}\n");
  auto loaded = load({{bomb, "", {}}});
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0].str() ==
        bomb.string() + ":2:3: error: too large: aliases (*name) expand the document by more than 1000000 nodes");
  auto recursive = writeTemplate("recursive.yaml", "Resources: &r {X: *r}\n");
  REQUIRE(load({{recursive, "", {}}}).errors.size() == 1);
  CHECK(load({{recursive, "", {}}}).errors[0].message == "recursive alias: this node contains an alias of itself");
  auto folder = std::filesystem::temp_directory_path() / "vpcsim-cfn-test";
  auto directory = load({{folder, "", {}}});
  REQUIRE(directory.errors.size() == 1);
  CHECK(directory.errors[0].str() == folder.string() + ": error: is a directory, expected a file");
}

TEST_CASE("a tagged block scalar on the line after its key is joined, whatever the spacing", "[cloudformation]") {
  // The line matcher that replaced std::regex: a line of only a tag and a block indicator.
  std::string body =
      "Resources:\n"
      "  VPC: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: 10.0.0.0/16}}\n"
      "Outputs:\n"
      "  Text:\n"
      "    Value:\n"
      "      \t !Sub  |-  \r\n"
      "        ${VPC}\n"
      "  Spaces:\n"
      "    Value: " + std::string(30000, ' ') + "\n";
  auto path = writeTemplate("tagged.yaml", body);
  auto loaded = load({{path, "", {}}});
  INFO(loaded.text());
  CHECK(loaded.ok);
}

TEST_CASE("a parameter without default or value is an error", "[cloudformation]") {
  auto loaded = load({{kCfnDir / "network-natgw.yaml", "", {}}});
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 3);
  CHECK(loaded.errors[0].str() ==
        (kCfnDir / "network-natgw.yaml").string() +
            ":18:3: error: parameter AvailabilityZones has no default and no value was given");
}

TEST_CASE("ssm parameter types cannot be resolved offline unless overridden", "[cloudformation]") {
  std::string body =
      "Parameters:\n"
      "  Cidr: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /net/cidr}\n"
      "Resources:\n"
      "  VPC: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: !Ref Cidr}}\n";
  auto path = writeTemplate("ssm.yaml", body);
  auto failed = load({{path, "", {}}});
  REQUIRE(failed.errors.size() == 1);
  CHECK(failed.errors[0].str() == path.string() +
                                      ":2:3: error: parameter Cidr: type AWS::SSM::Parameter::Value<String> cannot be "
                                      "resolved offline (give a value)");
  auto loaded = load({{path, "", {{"Cidr", "10.1.0.0/16"}}}});
  INFO(loaded.text());
  REQUIRE(loaded.ok);
  REQUIRE(loaded.topo.vpcs.size() == 1);
  CHECK(loaded.topo.vpcs[0].cidrs[0].str() == "10.1.0.0/16");
}

TEST_CASE("a failing rule assertion is an error carrying its description", "[cloudformation]") {
  Overrides params = kVpcParams;
  params.emplace_back("CreateNATGateways", "YES");
  params.emplace_back("CreatePrivateSubnets", "NO");
  params.emplace_back("CreateVPC", "NO");
  params.emplace_back("ExistingVPCId", "vpc-0123");
  params.emplace_back("ExistingPrivateSubnetIds", "subnet-1");
  params.emplace_back("ExistingPrivateRouteTableIds", "rtb-1");
  auto loaded = load({{kCfnDir / "network-vpc.yaml", "", params}});
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0].str() == (kCfnDir / "network-vpc.yaml").string() +
                                      ":379:17: error: rule NAT failed: To create NAT gateways you must set "
                                      "CreatePrivateSubnets to YES");
}

TEST_CASE("the workshop vpc template alone builds an internet-free vpc", "[cloudformation]") {
  auto loaded = load({vpcStack()});
  INFO(loaded.text());
  REQUIRE(loaded.ok);
  const auto& topo = loaded.topo;
  REQUIRE(topo.vpcs.size() == 1);
  const Vpc& vpc = topo.vpcs[0];
  CHECK(vpc.meta.logical_id == "VPC");
  CHECK(vpc.meta.name == "vpc-sagemaker-admin-workshop");
  CHECK(vpc.cidrs.size() == 1);
  CHECK(vpc.cidrs[0].str() == "192.168.0.0/16");
  CHECK(vpc.dns_support);
  CHECK(vpc.dns_hostnames);
  CHECK(vpc.meta.id.size() == 21);
  CHECK(vpc.meta.id.rfind("vpc-", 0) == 0);
  CHECK(vpc.meta.origin == (kCfnDir / "network-vpc.yaml").string() + ":459:3");

  REQUIRE(topo.subnets.size() == 2);
  const Subnet* a = byLogical(topo.subnets, "PrivateSubnet1A");
  const Subnet* b = byLogical(topo.subnets, "PrivateSubnet2A");
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(a->cidr.str() == "192.168.0.0/20");
  CHECK(a->availability_zone == "us-east-1a");
  // Every tag, in template order, values evaluated (reports filter by them).
  CHECK(a->meta.tags == std::vector<std::pair<std::string, std::string>>{
                            {"Name", "private-sn-1a-sagemaker-admin-workshop"},
                            {"project", "sagemaker-admin-workshop:us-east-1:123456789012"}});
  CHECK(b->cidr.str() == "192.168.16.0/20");
  CHECK(b->availability_zone == "us-east-1b");
  CHECK(topo.internet_gateways.empty());
  CHECK(topo.nat_gateways.empty());

  // Main route table (implicit) plus one per private subnet.
  REQUIRE(topo.route_tables.size() == 3);
  CHECK(std::count_if(topo.route_tables.begin(), topo.route_tables.end(), [](const auto& t) { return t.main; }) == 1);
  const VpcEndpoint* s3 = byLogical(topo.vpc_endpoints, "VPCEndpointS3");
  REQUIRE(s3 != nullptr);
  CHECK(s3->type == EndpointType::kGateway);
  CHECK(s3->service_name == "com.amazonaws.us-east-1.s3");
  CHECK(s3->policy_document ==
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})");
  for (const char* name : {"PrivateSubnet1ARouteTable", "PrivateSubnet2ARouteTable"}) {
    CAPTURE(name);
    const RouteTable* table = byLogical(topo.route_tables, name);
    REQUIRE(table != nullptr);
    REQUIRE(table->routes.size() == 2);
    CHECK(table->routes[0].target == RouteTarget::kLocal);
    CHECK(table->routes[0].destination->str() == "192.168.0.0/16");
    CHECK(table->routes[1].target == RouteTarget::kVpcEndpoint);
    CHECK(table->routes[1].target_id == s3->meta.id);
    CHECK(table->routes[1].destination_prefix_list.rfind("pl-", 0) == 0);
    CHECK(table->subnet_ids.size() == 1);
  }

  // Fifteen interface endpoints with private DNS in both subnets.
  int interfaces = 0;
  const SecurityGroup* endpoint_sg = byLogical(topo.security_groups, "VPCEndpointsSecurityGroup");
  const SecurityGroup* sagemaker_sg = byLogical(topo.security_groups, "SageMakerSecurityGroup");
  REQUIRE(endpoint_sg != nullptr);
  REQUIRE(sagemaker_sg != nullptr);
  for (const auto& endpoint : topo.vpc_endpoints) {
    if (endpoint.type != EndpointType::kInterface) continue;
    ++interfaces;
    CAPTURE(endpoint.service_name);
    CHECK(endpoint.private_dns);
    CHECK(endpoint.subnet_ids == std::vector<std::string>{a->meta.id, b->meta.id});
    CHECK(endpoint.security_group_ids == std::vector<std::string>{endpoint_sg->meta.id});
    CHECK(endpoint.vpc_id == vpc.meta.id);
  }
  CHECK(interfaces == 15);  // the fourteen of domain.md plus Service Catalog
  const VpcEndpoint* notebook = byLogical(topo.vpc_endpoints, "VPCEndpointSageMakerNotebook");
  REQUIRE(notebook != nullptr);
  CHECK(notebook->service_name == "aws.sagemaker.us-east-1.notebook");

  // SageMaker SG: all egress, ingress only from itself.
  REQUIRE(sagemaker_sg->ingress.size() == 1);
  CHECK(sagemaker_sg->ingress[0].peer_kind == PeerKind::kSecurityGroup);
  CHECK(sagemaker_sg->ingress[0].peer == sagemaker_sg->meta.id);
  CHECK(sagemaker_sg->ingress[0].protocol == kProtocolAll);
  REQUIRE(sagemaker_sg->egress.size() == 1);
  CHECK(sagemaker_sg->egress[0].cidr.str() == "0.0.0.0/0");
  CHECK(sagemaker_sg->egress[0].protocol == kProtocolAll);

  // Endpoint SG: 443 from the SageMaker SG, 443 and 2049 from each private
  // subnet, everything from the VPC CIDR.
  using Rule = std::tuple<int, int, int, std::string>;
  std::vector<Rule> rules;
  for (const auto& rule : endpoint_sg->ingress) {
    rules.emplace_back(rule.protocol, rule.from_port, rule.to_port,
                       rule.peer_kind == PeerKind::kCidr ? rule.cidr.str() : rule.peer);
  }
  std::sort(rules.begin(), rules.end());
  std::vector<Rule> expected = {
      {-1, -1, -1, "192.168.0.0/16"},
      {6, 443, 443, "192.168.0.0/20"},
      {6, 443, 443, "192.168.16.0/20"},
      {6, 443, 443, sagemaker_sg->meta.id},
      {6, 2049, 2049, "192.168.0.0/20"},
      {6, 2049, 2049, "192.168.16.0/20"},
  };
  std::sort(expected.begin(), expected.end());
  CHECK(rules == expected);
  REQUIRE(endpoint_sg->egress.size() == 1);
  CHECK(endpoint_sg->egress[0].cidr.str() == "0.0.0.0/0");

  // The implicit default SG and default NACL (holding both subnets).
  CHECK(std::count_if(topo.security_groups.begin(), topo.security_groups.end(),
                      [](const auto& sg) { return sg.group_name == "default"; }) == 1);
  REQUIRE(topo.network_acls.size() == 1);
  CHECK(topo.network_acls[0].is_default);
  CHECK(topo.network_acls[0].subnet_ids.size() == 2);
  CHECK(topo.network_acls[0].entries.size() == 4);

  // What was skipped, and why.
  auto ignored = [&](const std::string& what) -> std::string {
    for (const auto& item : topo.ignored) {
      if (item.what == what) return item.reason;
    }
    return "(not ignored)";
  };
  CHECK(ignored("AWS::EC2::InternetGateway InternetGateway") == "condition NATGatewaysCondition is false");
  CHECK(ignored("AWS::EC2::Subnet PrivateSubnet3A") == "condition PrivateSubnets&3AZCondition is false");
  CHECK(ignored("AWS::EC2::DHCPOptions DHCPOptions") == "resource type AWS::EC2::DHCPOptions does not shape the network");
  CHECK(ignored("AWS::SSM::Parameter VPCIdSSM") == "resource type AWS::SSM::Parameter does not shape the network");
}

TEST_CASE("the nat gateway stack routes the private subnets to the internet", "[cloudformation]") {
  auto loaded = load({vpcStack(), natStack()});
  INFO(loaded.text());
  REQUIRE(loaded.ok);
  const auto& topo = loaded.topo;
  REQUIRE(topo.vpcs.size() == 1);
  const std::string& vpc_id = topo.vpcs[0].meta.id;
  REQUIRE(topo.subnets.size() == 4);
  REQUIRE(topo.internet_gateways.size() == 1);
  CHECK(topo.internet_gateways[0].vpc_ids == std::vector<std::string>{vpc_id});
  REQUIRE(topo.nat_gateways.size() == 2);
  for (const char* name : {"NATGateway1", "NATGateway2"}) {
    CAPTURE(name);
    const NatGateway* nat = byLogical(topo.nat_gateways, name);
    REQUIRE(nat != nullptr);
    CHECK(nat->vpc_id == vpc_id);
    CHECK(nat->is_public);
    REQUIRE(nat->public_ips.size() == 1);
    CHECK(nat->public_ips[0].isPublic());
    CHECK((nat->public_ips[0].value() >> 24U) == 3U);
    REQUIRE(nat->private_ips.size() == 1);
    const Subnet* home = nullptr;
    for (const auto& s : topo.subnets) {
      if (s.meta.id == nat->subnet_id) home = &s;
    }
    REQUIRE(home != nullptr);
    CHECK(home->cidr.contains(nat->private_ips[0]));
    const Eni* eni = nullptr;
    for (const auto& e : topo.enis) {
      if (e.meta.id == nat->eni_id) eni = &e;
    }
    REQUIRE(eni != nullptr);
    CHECK(eni->interface_type == "nat_gateway");
    CHECK(eni->private_ips == nat->private_ips);
    REQUIRE(eni->public_ips.size() == 1);
    CHECK(eni->public_ips[0].elastic);
    CHECK(eni->public_ips[0].public_ip == nat->public_ips[0]);
  }
  const NatGateway* nat1 = byLogical(topo.nat_gateways, "NATGateway1");
  const NatGateway* nat2 = byLogical(topo.nat_gateways, "NATGateway2");
  for (auto [table_name, nat] : {std::pair{"PrivateSubnet1ARouteTable", nat1}, std::pair{"PrivateSubnet2ARouteTable", nat2}}) {
    CAPTURE(table_name);
    const RouteTable* table = byLogical(topo.route_tables, table_name);
    REQUIRE(table != nullptr);
    REQUIRE(table->routes.size() == 3);
    CHECK(table->routes[2].destination->str() == "0.0.0.0/0");
    CHECK(table->routes[2].target == RouteTarget::kNatGateway);
    CHECK(table->routes[2].target_id == nat->meta.id);
  }
  const RouteTable* public_table = byLogical(topo.route_tables, "PublicSubnetRouteTable");
  REQUIRE(public_table != nullptr);
  CHECK(public_table->subnet_ids.size() == 2);
  REQUIRE(public_table->routes.size() == 2);
  CHECK(public_table->routes[1].target == RouteTarget::kInternetGateway);
  CHECK(public_table->routes[1].target_id == topo.internet_gateways[0].meta.id);
  // New subnets of the second stack join the first stack's default NACL.
  REQUIRE(topo.network_acls.size() == 1);
  CHECK(topo.network_acls[0].subnet_ids.size() == 4);
}

TEST_CASE("references to other stacks name the stack or output that is missing", "[cloudformation]") {
  auto nat = natStack();
  nat.parameter_overrides[0].second = "@sagemaker-vcp.VPCId";
  nat.parameter_overrides[1].second = "@sagemaker-vpc.PrivateRouteTableId";
  auto loaded = load({vpcStack(), nat});
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 2);
  std::string file = (kCfnDir / "network-natgw.yaml").string();
  CHECK(loaded.errors[0].str() == file +
                                      ": error: parameter ExistingVPCId: @sagemaker-vcp.VPCId names no earlier stack "
                                      "sagemaker-vcp (did you mean sagemaker-vpc?)");
  CHECK(loaded.errors[1].str() == file +
                                      ": error: parameter ExistingPrivateRouteTableIds: stack sagemaker-vpc has no "
                                      "output PrivateRouteTableId (did you mean PrivateRouteTableIds?)");
}

// `--template T --topology overlay.yaml`: the overlay names the template's
// resources by logical ID (or Name tag) through the one resolver, and gets
// the IDs the template's resources were given.
TEST_CASE("a native overlay names a template's resources by logical id", "[cloudformation][native]") {
  Overrides params = kVpcParams;
  params.insert(params.end(), {{"CreateNATGateways", "YES"},
                               {"PublicSubnet1CIDR", "192.168.128.0/20"},
                               {"PublicSubnet2CIDR", "192.168.144.0/20"}});
  const StackSpec stack{kCfnDir / "network-vpc.yaml", "sagemaker-vpc", params};
  Loaded loaded = load({stack});
  REQUIRE(loaded.ok);
  auto overlay = writeTemplate("overlay.yaml", R"(security_groups:
  - id: sg-overlay
    vpc: VPC
    ingress: [{protocol: tcp, ports: 22, sg: SageMakerSecurityGroup}]
enis:
  - {id: eni-overlay, subnet: PrivateSubnet1A, ip: 192.168.0.50, security_groups: [sg-overlay, SageMakerSecurityGroup]}
route_tables:
  - id: rtb-overlay
    vpc: VPC
    subnets: [PrivateSubnet2A]
    routes: [{dest: 0.0.0.0/0, target: InternetGateway}]
)");
  // The template associates PrivateSubnet2A with its own table; the overlay's
  // second association is a conflict (topology::checkTopology: one route
  // table per subnet), which also shows the logical ID resolved.
  std::vector<Diagnostic> errors;
  CHECK_FALSE(loadNativeTopology(overlay, LoadOptions{}, loaded.topo, errors));
  REQUIRE(errors.size() == 1);
  const Subnet* private2 = byLogical(loaded.topo.subnets, "PrivateSubnet2A");
  REQUIRE(private2 != nullptr);
  CHECK(errors[0].message.find("subnet " + private2->meta.id + " is already associated with route table") !=
        std::string::npos);

  Loaded fresh = load({stack});
  REQUIRE(fresh.ok);
  auto good = writeTemplate("overlay-good.yaml", R"(security_groups:
  - id: sg-overlay
    vpc: VPC
    ingress: [{protocol: tcp, ports: 22, sg: SageMakerSecurityGroup}]
enis:
  - {id: eni-overlay, subnet: PrivateSubnet1A, ip: 192.168.0.50, security_groups: [sg-overlay, SageMakerSecurityGroup]}
route_tables:
  - id: rtb-overlay
    vpc: VPC
    routes: [{dest: 0.0.0.0/0, target: InternetGateway}]
)");
  errors.clear();
  REQUIRE(loadNativeTopology(good, LoadOptions{}, fresh.topo, errors));
  const Vpc* vpc = byLogical(fresh.topo.vpcs, "VPC");
  const Subnet* private1 = byLogical(fresh.topo.subnets, "PrivateSubnet1A");
  const SecurityGroup* sagemaker = byLogical(fresh.topo.security_groups, "SageMakerSecurityGroup");
  const InternetGateway* igw = byLogical(fresh.topo.internet_gateways, "InternetGateway");
  REQUIRE((vpc != nullptr && private1 != nullptr && sagemaker != nullptr && igw != nullptr));
  const auto& eni = fresh.topo.enis.back();
  CHECK(eni.meta.id == "eni-overlay");
  CHECK(eni.subnet_id == private1->meta.id);
  CHECK(eni.vpc_id == vpc->meta.id);
  CHECK(eni.security_group_ids == std::vector<std::string>{"sg-overlay", sagemaker->meta.id});
  const SecurityGroup& group = *std::find_if(fresh.topo.security_groups.begin(), fresh.topo.security_groups.end(),
                                             [](const SecurityGroup& g) { return g.meta.id == "sg-overlay"; });
  CHECK(group.vpc_id == vpc->meta.id);
  REQUIRE(group.ingress.size() == 1);
  CHECK(group.ingress[0].peer == sagemaker->meta.id);
  const RouteTable& table = *std::find_if(fresh.topo.route_tables.begin(), fresh.topo.route_tables.end(),
                                          [](const RouteTable& t) { return t.meta.id == "rtb-overlay"; });
  const Route& route = *std::find_if(table.routes.begin(), table.routes.end(),
                                     [](const Route& r) { return r.target == RouteTarget::kInternetGateway; });
  CHECK(route.target_id == igw->meta.id);

  // A logical ID of another kind, and a near miss, are located errors.
  Loaded again = load({stack});
  REQUIRE(again.ok);
  auto bad = writeTemplate("overlay-bad.yaml", R"(enis:
  - {id: eni-a, subnet: VPC, ip: 192.168.0.51}
  - {id: eni-b, subnet: PrivateSubnet1, ip: 192.168.0.52}
)");
  errors.clear();
  CHECK_FALSE(loadNativeTopology(bad, LoadOptions{}, again.topo, errors));
  std::string text;
  for (const auto& e : errors) text += e.str() + "\n";
  CHECK(text.find(":2:25: error: 'VPC' names") != std::string::npos);
  CHECK(text.find("vpc") != std::string::npos);
  CHECK(text.find(":3:25: error: unknown subnet 'PrivateSubnet1' (did you mean") != std::string::npos);
}

TEST_CASE("exports feed Fn::ImportValue in later stacks", "[cloudformation]") {
  auto first = writeTemplate("exporter.yaml",
                             "Resources:\n"
                             "  VPC: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: 10.9.0.0/16}}\n"
                             "Outputs:\n"
                             "  Id: {Value: !Ref VPC, Export: {Name: !Sub '${AWS::StackName}-vpc'}}\n");
  auto second = writeTemplate("importer.yaml",
                              "Resources:\n"
                              "  Subnet:\n"
                              "    Type: AWS::EC2::Subnet\n"
                              "    Properties:\n"
                              "      VpcId: !ImportValue net-vpc\n"
                              "      CidrBlock: !Select [2, !Cidr [10.9.0.0/16, 4, 8]]\n"
                              "      AvailabilityZone: !Select [1, !GetAZs '']\n");
  auto loaded = load({{first, "net", {}}, {second, "", {}}});
  INFO(loaded.text());
  REQUIRE(loaded.ok);
  REQUIRE(loaded.topo.subnets.size() == 1);
  CHECK(loaded.topo.subnets[0].vpc_id == loaded.topo.vpcs[0].meta.id);
  CHECK(loaded.topo.subnets[0].cidr.str() == "10.9.2.0/24");
  CHECK(loaded.topo.subnets[0].availability_zone == "us-east-1b");
}

TEST_CASE("a standalone egress rule replaces the default allow-all egress", "[cloudformation]") {
  auto path = writeTemplate("egress.yaml",
                            "Resources:\n"
                            "  VPC: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: 10.0.0.0/16}}\n"
                            "  SG: {Type: 'AWS::EC2::SecurityGroup', Properties: {GroupDescription: x, VpcId: !Ref VPC}}\n"
                            "  Other: {Type: 'AWS::EC2::SecurityGroup', Properties: {GroupDescription: y, VpcId: !Ref VPC}}\n"
                            "  Out:\n"
                            "    Type: AWS::EC2::SecurityGroupEgress\n"
                            "    Properties: {GroupId: !GetAtt SG.GroupId, IpProtocol: tcp, FromPort: 443, ToPort: 443,\n"
                            "                 DestinationSecurityGroupId: !Ref Other}\n");
  auto loaded = load({{path, "", {}}});
  INFO(loaded.text());
  REQUIRE(loaded.ok);
  const SecurityGroup* sg = byLogical(loaded.topo.security_groups, "SG");
  const SecurityGroup* other = byLogical(loaded.topo.security_groups, "Other");
  REQUIRE(sg != nullptr);
  REQUIRE(other != nullptr);
  REQUIRE(sg->egress.size() == 1);
  CHECK(sg->egress[0].peer == other->meta.id);
  CHECK(sg->egress[0].from_port == 443);
  REQUIRE(other->egress.size() == 1);
  CHECK(other->egress[0].cidr.str() == "0.0.0.0/0");
}

TEST_CASE("vpc attributes name the implicit default resources", "[cloudformation]") {
  auto path = writeTemplate("defaults.yaml",
                            "Resources:\n"
                            "  VPC: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: 10.0.0.0/16}}\n"
                            "  Rule:\n"
                            "    Type: AWS::EC2::SecurityGroupIngress\n"
                            "    Properties: {GroupId: !GetAtt VPC.DefaultSecurityGroup, IpProtocol: '-1', CidrIp: 10.0.0.0/8}\n"
                            "  Entry:\n"
                            "    Type: AWS::EC2::NetworkAclEntry\n"
                            "    Properties: {NetworkAclId: !GetAtt VPC.DefaultNetworkAcl, RuleNumber: 50, Protocol: 6,\n"
                            "                 RuleAction: deny, CidrBlock: 10.1.0.0/16, PortRange: {From: 22, To: 22}}\n");
  auto loaded = load({{path, "", {}}});
  INFO(loaded.text());
  REQUIRE(loaded.ok);
  REQUIRE(loaded.topo.security_groups.size() == 1);
  CHECK(loaded.topo.security_groups[0].group_name == "default");
  CHECK(loaded.topo.security_groups[0].ingress.size() == 2);
  REQUIRE(loaded.topo.network_acls.size() == 1);
  const auto& entries = loaded.topo.network_acls[0].entries;
  REQUIRE(entries.size() == 5);
  CHECK(entries[0].rule_number == 50);
  CHECK_FALSE(entries[0].allow);
  CHECK(entries[0].ports.from == 22);
}

TEST_CASE("identical inputs give identical ids", "[cloudformation]") {
  auto ids = [] {
    auto loaded = load({vpcStack(), natStack()});
    REQUIRE(loaded.ok);
    std::vector<std::string> out;
    for (const auto& x : loaded.topo.vpcs) out.push_back(x.meta.id);
    for (const auto& x : loaded.topo.subnets) out.push_back(x.meta.id);
    for (const auto& x : loaded.topo.route_tables) out.push_back(x.meta.id);
    for (const auto& x : loaded.topo.security_groups) out.push_back(x.meta.id);
    for (const auto& x : loaded.topo.network_acls) out.push_back(x.meta.id);
    for (const auto& x : loaded.topo.vpc_endpoints) out.push_back(x.meta.id);
    for (const auto& x : loaded.topo.nat_gateways) {
      out.push_back(x.meta.id);
      for (const auto& ip : x.public_ips) out.push_back(ip.str());
      for (const auto& ip : x.private_ips) out.push_back(ip.str());
    }
    for (const auto& x : loaded.topo.enis) out.push_back(x.meta.id);
    return out;
  };
  auto first = ids();
  auto second = ids();
  CHECK(first.size() > 30);
  CHECK(first == second);
  std::vector<std::string> sorted = first;
  std::sort(sorted.begin(), sorted.end());
  CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
}

TEST_CASE("the quick start vpc creates what its conditions select", "[cloudformation]") {
  auto file = kCorpus / "cfn-quickstart-aws-vpc/templates/aws-vpc.template.yaml";
  auto loaded = load({{file, "quickstart", {{"AvailabilityZones", "us-east-1a,us-east-1b"}, {"NumberOfAZs", "2"}}}});
  INFO(loaded.text());
  REQUIRE(loaded.ok);
  const auto& topo = loaded.topo;
  CHECK(topo.vpcs.size() == 1);
  CHECK(topo.subnets.size() == 4);
  CHECK(topo.nat_gateways.size() == 2);
  CHECK(topo.internet_gateways.size() == 1);
  for (const auto& subnet : topo.subnets) {
    CAPTURE(subnet.meta.logical_id);
    bool is_public = subnet.meta.logical_id.rfind("PublicSubnet", 0) == 0;
    CHECK(subnet.map_public_ip_on_launch == is_public);
  }
  const RouteTable* private_a = byLogical(topo.route_tables, "PrivateSubnet1ARouteTable");
  REQUIRE(private_a != nullptr);
  bool to_nat = std::any_of(private_a->routes.begin(), private_a->routes.end(), [&](const Route& r) {
    return r.target == RouteTarget::kNatGateway && r.target_id == byLogical(topo.nat_gateways, "NATGateway1")->meta.id;
  });
  CHECK(to_nat);

  auto four = load({{file, "quickstart4",
                     {{"AvailabilityZones", "us-east-1a,us-east-1b,us-east-1c,us-east-1d"},
                      {"NumberOfAZs", "4"},
                      {"CreateAdditionalPrivateSubnets", "true"}}}});
  INFO(four.text());
  REQUIRE(four.ok);
  CHECK(four.topo.subnets.size() == 12);
  CHECK(four.topo.nat_gateways.size() == 4);
  CHECK(four.topo.network_acls.size() == 5);  // default + one per additional private subnet
}

TEST_CASE("every corpus template loads with its parent's parameters", "[cloudformation]") {
  SECTION("studio vpc blog") {
    auto loaded = load({{kCorpus / "cfn-amazon-sagemaker-studio-vpc-blog/templates/vpc_template.yaml", "blog",
                         {{"ProjectName", "demo"}, {"VpcCIDR", "10.2.0.0/16"}, {"PrivateSubnetCIDR", "10.2.1.0/24"}}}});
    INFO(loaded.text());
    REQUIRE(loaded.ok);
    CHECK(loaded.topo.subnets.size() == 1);
    CHECK(loaded.topo.subnets[0].availability_zone == "us-east-1a");
    CHECK(loaded.topo.vpc_endpoints.size() == 10);
    CHECK(loaded.topo.internet_gateways.empty());
  }
  SECTION("secure data science network") {
    auto loaded = load({{kCorpus / "cfn-secure-data-science-reference-architecture/cloudformation/ds_env_network.yaml",
                         "ds",
                         {{"ProjectName", "demo"},
                          {"PyPIMirrorEndpointServiceName", "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"}}}});
    INFO(loaded.text());
    REQUIRE(loaded.ok);
    CHECK(loaded.topo.subnets.size() == 3);
    CHECK(loaded.topo.vpc_endpoints.size() == 11);
  }
  SECTION("studio behind network firewall") {
    auto loaded = load({{kCorpus / "cfn-amazon-sagemaker-studio-vpc-networkfirewall/cfn_templates/vpc.yaml", "fw",
                         {{"ProjectName", "demo"},
                          {"VPCCIDR", "10.2.0.0/16"},
                          {"FirewallSubnetCIDR", "10.2.1.0/24"},
                          {"NATGatewaySubnetCIDR", "10.2.2.0/24"},
                          {"SageMakerStudioSubnetCIDR", "10.2.3.0/24"},
                          {"DataBucketName", "data"},
                          {"ModelBucketName", "models"}}}});
    INFO(loaded.text());
    REQUIRE(loaded.ok);
    const auto& topo = loaded.topo;
    const VpcEndpoint* firewall = nullptr;
    for (const auto& endpoint : topo.vpc_endpoints) {
      if (endpoint.type == EndpointType::kGatewayLoadBalancer) firewall = &endpoint;
    }
    REQUIRE(firewall != nullptr);
    CHECK(firewall->meta.name == "Network Firewall NetworkFirewall");
    const RouteTable* nat_table = byLogical(topo.route_tables, "NATGatewayRouteTable");
    REQUIRE(nat_table != nullptr);
    REQUIRE(nat_table->routes.size() == 2);
    CHECK(nat_table->routes[1].target == RouteTarget::kVpcEndpoint);
    CHECK(nat_table->routes[1].target_id == firewall->meta.id);
    const RouteTable* edge = byLogical(topo.route_tables, "IGWIngressRouteTable");
    REQUIRE(edge != nullptr);
    CHECK(edge->gateway_ids == std::vector<std::string>{topo.internet_gateways.at(0).meta.id});
    const VpcEndpoint* s3 = byLogical(topo.vpc_endpoints, "VPCEndpointS3");
    REQUIRE(s3 != nullptr);
    CHECK(s3->policy_document.find("arn:aws:s3:::data/*") != std::string::npos);
  }
}

}  // namespace
}  // namespace vpcsim::topology

namespace vpcsim::topology {
namespace {

sim::Verdict notebookToPypi(std::vector<StackSpec> stacks) {
  auto loaded = load(stacks);
  INFO(loaded.text());
  REQUIRE(loaded.ok);
  loaded.topo.finalize();
  const Subnet* subnet = byLogical(loaded.topo.subnets, "PrivateSubnet1A");
  const SecurityGroup* sg = byLogical(loaded.topo.security_groups, "SageMakerSecurityGroup");
  REQUIRE(subnet != nullptr);
  REQUIRE(sg != nullptr);
  sim::Network network(loaded.topo);
  sim::ReachQuery query;
  query.from = "subnet:" + subnet->meta.id;
  query.security_groups = {sg->meta.id};
  query.to = "pypi";
  query.protocol = "tcp";
  query.port = 443;
  auto report = sim::reach(network, query);
  INFO((report.ok() ? "" : report.error()));
  REQUIRE(report.ok());
  return report->verdict;
}

TEST_CASE("a notebook reaches pypi only once the nat gateway stack is added", "[cloudformation]") {
  CHECK(notebookToPypi({vpcStack()}) == sim::Verdict::kUnreachable);
  CHECK(notebookToPypi({vpcStack(), natStack()}) == sim::Verdict::kReachable);
}


// ---- IPv6 ---------------------------------------------------------------------------

TEST_CASE("an Amazon-provided IPv6 block stays unknown through !GetAtt, !Select and !Cidr", "[cfn][ipv6]") {
  auto loaded = load({{kCfnDir / "dual-stack.yaml", "dual", {}}});
  INFO(loaded.text());
  REQUIRE(loaded.ok);
  const Vpc* vpc = byLogical(loaded.topo.vpcs, "Vpc");
  REQUIRE(vpc != nullptr);
  REQUIRE(vpc->ipv6_blocks.size() == 1);
  const Ipv6Block& pool = vpc->ipv6_blocks[0].block;
  CHECK_FALSE(pool.known());
  CHECK(pool.prefix() == 56);
  CHECK(pool.pool() == "amazon-provided");
  CHECK(vpc->ipv6_blocks[0].pool == "Amazon");
  CHECK(vpc->ipv6_blocks[0].association_id == pool.anchor());
  const Subnet* subnet = byLogical(loaded.topo.subnets, "SubnetA");
  REQUIRE(subnet != nullptr);
  CHECK(subnet->assign_ipv6_address_on_creation);
  REQUIRE(subnet->ipv6_blocks.size() == 1);
  CHECK(subnet->ipv6_blocks[0].block == *pool.subblock(1, 64));  // !Select [1, !Cidr [..., 4, 64]]
  REQUIRE(loaded.topo.egress_only_internet_gateways.size() == 1);
  const auto& eigw = loaded.topo.egress_only_internet_gateways[0];
  CHECK(eigw.vpc_id == vpc->meta.id);
  const RouteTable* table = byLogical(loaded.topo.route_tables, "Rt");
  REQUIRE(table != nullptr);
  REQUIRE(table->routes.size() == 2);
  CHECK(table->routes[1].destination_ipv6 == Ipv6Block());
  CHECK(table->routes[1].target == RouteTarget::kEgressOnlyInternetGateway);
  CHECK(table->routes[1].target_id == eigw.meta.id);
  const SecurityGroup* sg = byLogical(loaded.topo.security_groups, "Sg");
  REQUIRE(sg != nullptr);
  REQUIRE(sg->ingress.size() == 2);
  CHECK(sg->ingress[0].peer_kind == PeerKind::kIpv6Cidr);
  CHECK(sg->ingress[0].cidr6 == Ipv6Block());
  CHECK(sg->ingress[1].cidr6 == pool);
  // VPC User Guide: the default ACL and group gain their IPv6 rules with the block.
  const NetworkAcl& acl = loaded.topo.network_acls.at(0);
  REQUIRE(acl.is_default);
  int ipv6_entries = 0;
  for (const auto& entry : acl.entries) {
    if (entry.ipv6_cidr) {
      ++ipv6_entries;
      CHECK(*entry.ipv6_cidr == Ipv6Block());
      CHECK(entry.allow == (entry.rule_number == 101));
    }
  }
  CHECK(ipv6_entries == 4);
  for (const auto& group : loaded.topo.security_groups) {
    if (group.group_name != "default") continue;
    REQUIRE(group.egress.size() == 2);
    CHECK(group.egress[1].peer_kind == PeerKind::kIpv6Cidr);
    CHECK(group.egress[1].cidr6 == Ipv6Block());
  }
}

TEST_CASE("!Cidr splits a known IPv6 block and refuses what does not fit", "[cfn][ipv6]") {
  auto path = writeTemplate("cidr6.yaml", R"(Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Block:
    Type: AWS::EC2::VPCCidrBlock
    Properties: {VpcId: !Ref Vpc, Ipv6CidrBlock: "2600:1f18:abc:de00::/56"}
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
      Ipv6CidrBlock: !Select [255, !Cidr [!GetAtt Block.Ipv6CidrBlock, 256, 64]]
)");
  auto loaded = load({{path, "cidr6", {}}});
  INFO(loaded.text());
  REQUIRE(loaded.ok);
  REQUIRE(loaded.topo.subnets.size() == 1);
  CHECK(loaded.topo.subnets[0].ipv6_blocks.at(0).block.str() == "2600:1f18:abc:deff::/64");

  auto too_many = writeTemplate("cidr6-bad.yaml", R"(Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
      Ipv6CidrBlock: !Select [0, !Cidr ["2600:1f18:abc:de00::/56", 256, 65]]
)");
  auto bad = load({{too_many, "cidr6-bad", {}}});
  CHECK_FALSE(bad.ok);
  REQUIRE(bad.errors.size() == 1);
  CHECK(bad.errors[0].str() == too_many.string() +
                                   ":10:34: error: !Cidr cannot fit 256 /63 blocks in 2600:1f18:abc:de00::/56");
}

}  // namespace
}  // namespace vpcsim::topology

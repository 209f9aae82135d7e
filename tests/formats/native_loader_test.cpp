// Tests for the native topology loader (topology/native_loader.cpp).
#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "topology/aws_defaults.h"

#include "formats/loader.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

#ifndef VPCSIM_SOURCE_DIR
#define VPCSIM_SOURCE_DIR "."
#endif

namespace vpcsim::topology {
namespace {

// A file under the temp directory with a unique name, removed on scope exit.
class TempFile {
 public:
  explicit TempFile(const std::string& text, const std::string& extension = ".yaml") {
    static std::atomic<int> counter{0};
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("vpcsim-native-" + std::to_string(random()) + "-" + std::to_string(counter++) + extension);
    std::ofstream(path_) << text;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string name() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

struct Loaded {
  bool ok = false;
  Topology topology;
  std::vector<std::string> errors;
  std::string file;
};

Loaded load(const std::string& text, const std::string& extension = ".yaml") {
  TempFile file(text, extension);
  Loaded out;
  out.file = file.name();
  std::vector<Diagnostic> diagnostics;
  out.ok = loadNativeTopology(file.path(), LoadOptions{}, out.topology, diagnostics);
  for (const auto& d : diagnostics) out.errors.push_back(d.str());
  out.topology.finalize();
  return out;
}

// The first ```yaml block after the "example: full" marker of the format doc.
std::string docExample() {
  std::ifstream in(std::filesystem::path(VPCSIM_SOURCE_DIR) / "docs" / "topology-format.md");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string doc = buffer.str();
  auto marker = doc.find("<!-- example: full -->");
  auto begin = doc.find("```yaml\n", marker);
  auto end = doc.find("```\n", begin + 8);
  REQUIRE(marker != std::string::npos);
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  return doc.substr(begin + 8, end - begin - 8);
}

const std::string kBase = R"(vpcs:
  - {id: vpc-a, cidr: 10.0.0.0/16}
subnets:
  - {id: subnet-a, vpc: vpc-a, az: us-east-1a, cidr: 10.0.1.0/24}
)";

}  // namespace

TEST_CASE("the example in docs/topology-format.md loads with every section filled in", "[native]") {
  auto loaded = load(docExample());
  INFO(loaded.file);
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e);
  REQUIRE(loaded.ok);
  const Topology& t = loaded.topology;

  CHECK(t.default_region == "us-east-1");
  CHECK(t.default_account == "111122223333");
  REQUIRE(t.findVpc("vpc-ml") != nullptr);
  CHECK(t.findVpc("vpc-ml")->meta.name == "ml-vpc");
  CHECK(t.findVpc("vpc-ml")->meta.account == "111122223333");
  CHECK(t.subnets.size() == 4);
  CHECK(t.findSubnet("subnet-public-a")->map_public_ip_on_launch);

  const RouteTable* rtb = t.findRouteTable("rtb-private");
  REQUIRE(rtb != nullptr);
  REQUIRE(rtb->routes.size() == 5);
  CHECK(rtb->routes[0].target == RouteTarget::kLocal);
  CHECK(rtb->routes[0].destination->str() == "192.168.0.0/16");
  CHECK(rtb->routes[0].origin == "CreateRouteTable");
  CHECK(rtb->routes[1].target == RouteTarget::kNatGateway);
  CHECK(rtb->routes[2].target == RouteTarget::kVpcEndpoint);
  CHECK(rtb->routes[2].destination_prefix_list == "pl-s3");
  CHECK_FALSE(rtb->routes[2].destination.has_value());
  CHECK(rtb->routes[3].target == RouteTarget::kPeeringConnection);
  CHECK(rtb->routes[4].target == RouteTarget::kTransitGateway);
  CHECK(rtb->subnet_ids == std::vector<std::string>{"subnet-private-a", "subnet-private-b"});

  // Implied defaults.
  const RouteTable* main_table = t.findRouteTable("rtb-main-vpc-ml");
  REQUIRE(main_table != nullptr);
  CHECK(main_table->main);
  REQUIRE(main_table->routes.size() == 1);
  CHECK(main_table->routes[0].target == RouteTarget::kLocal);
  REQUIRE(t.findSecurityGroup("sg-default-vpc-shared") != nullptr);
  CHECK(t.findSecurityGroup("sg-default-vpc-shared")->group_name == "default");
  const NetworkAcl* default_acl = t.findNetworkAcl("acl-default-vpc-ml");
  REQUIRE(default_acl != nullptr);
  CHECK(default_acl->is_default);
  CHECK(default_acl->subnet_ids == std::vector<std::string>{"subnet-public-a"});
  CHECK(default_acl->entries.size() == 4);

  const SecurityGroup* sagemaker = t.findSecurityGroup("sg-sagemaker");
  REQUIRE(sagemaker != nullptr);
  REQUIRE(sagemaker->ingress.size() == 1);
  CHECK(sagemaker->ingress[0].peer_kind == PeerKind::kSecurityGroup);
  CHECK(sagemaker->ingress[0].peer == "sg-sagemaker");
  REQUIRE(sagemaker->egress.size() == 1);
  CHECK(sagemaker->egress[0].cidr.str() == "0.0.0.0/0");
  const SecurityGroup* endpoints = t.findSecurityGroup("sg-endpoints");
  REQUIRE(endpoints != nullptr);
  CHECK(endpoints->egress.empty());
  REQUIRE(endpoints->ingress.size() == 4);  // the two-CIDR rule becomes two rules
  CHECK(endpoints->ingress[1].index == 1);
  CHECK(endpoints->ingress[2].index == 1);
  CHECK(endpoints->ingress[3].protocol == kProtocolIcmp);
  CHECK(endpoints->ingress[3].from_port == 8);
  CHECK(endpoints->ingress[3].to_port == -1);

  const NetworkAcl* acl = t.findNetworkAcl("acl-private");
  REQUIRE(acl != nullptr);
  REQUIRE(acl->entries.size() == 6);  // four written plus the two "*" rules
  CHECK(acl->entries[0].rule_number == 90);
  CHECK_FALSE(acl->entries[0].allow);
  CHECK(acl->entries[0].ports.from == 22);
  CHECK(acl->entries.back().rule_number == 32767);

  const VpcEndpoint* s3 = t.findVpcEndpoint("vpce-s3");
  REQUIRE(s3 != nullptr);
  CHECK(s3->service_name == "com.amazonaws.us-east-1.s3");
  CHECK(s3->type == EndpointType::kGateway);
  const VpcEndpoint* ssm = t.findVpcEndpoint("vpce-ssm");
  REQUIRE(ssm != nullptr);
  CHECK(ssm->type == EndpointType::kInterface);
  CHECK(ssm->vpc_id == "vpc-ml");
  CHECK(ssm->private_dns);
  CHECK(ssm->policy_document == R"({"Statement":[{"Effect":"Deny","Principal":"*","Action":"ssm:*"}]})");
  REQUIRE(ssm->policy.has_value());
  REQUIRE(ssm->policy->statements.size() == 1);
  CHECK(ssm->policy->statements[0].effect == topology::PolicyEffect::kDeny);
  CHECK(ssm->policy->statements[0].actions == std::vector<std::string>{"ssm:*"});
  CHECK_FALSE(s3->policy.has_value());  // none given: the default full-access policy

  const Eni* notebook = t.findEni("eni-notebook");
  REQUIRE(notebook != nullptr);
  CHECK(notebook->vpc_id == "vpc-ml");
  CHECK(notebook->availability_zone == "us-east-1a");
  CHECK(notebook->security_group_ids == std::vector<std::string>{"sg-sagemaker"});
  CHECK(t.findInstance("i-notebook")->eni_ids == std::vector<std::string>{"eni-notebook"});
  const Eni* web = t.findEni("eni-web");
  REQUIRE(web->public_ips.size() == 1);
  CHECK(web->public_ips[0].private_ip.str() == "192.168.32.40");
  CHECK(web->public_ips[0].public_ip.str() == "54.1.2.3");

  const PeeringConnection* pcx = t.findPeeringConnection("pcx-1");
  REQUIRE(pcx != nullptr);
  CHECK(pcx->requester.cidrs.at(0).str() == "192.168.0.0/16");
  CHECK(pcx->requester.account == "111122223333");
  CHECK(pcx->accepter.account == "999988887777");
  CHECK(pcx->status == "active");

  const TgwAttachment* attachment = t.findTgwAttachment("tgw-attach-ml");
  REQUIRE(attachment != nullptr);
  CHECK(attachment->resource_type == "vpc");
  CHECK(attachment->association_route_table == "tgw-rtb-1");
  const TgwRouteTable* tgw_table = t.findTgwRouteTable("tgw-rtb-1");
  REQUIRE(tgw_table != nullptr);
  CHECK(tgw_table->propagating_attachments == std::vector<std::string>{"tgw-attach-ml", "tgw-attach-vpn"});
  REQUIRE(tgw_table->static_routes.size() == 2);
  CHECK(tgw_table->static_routes[1].blackhole);

  const StudioDomain* domain = t.findStudioDomain("ml-studio");
  REQUIRE(domain != nullptr);
  CHECK(domain->meta.id == "d-abc123");
  CHECK(domain->network_mode == StudioNetworkMode::kVpcOnly);
  REQUIRE(t.user_profiles.size() == 2);
  CHECK(t.user_profiles[0].name == "alice");
  CHECK(t.user_profiles[0].execution_role == "arn:aws:iam::111122223333:role/DataScientist");
  CHECK(domain->default_execution_role == "arn:aws:iam::111122223333:role/StudioDefault");
  REQUIRE(t.findJob("train-churn") != nullptr);
  CHECK(t.findJob("train-churn")->has_vpc_config);
  CHECK(t.findJob("train-churn")->instance_count == 4);
  CHECK(t.findJob("train-churn")->role_arn == "arn:aws:iam::111122223333:role/MLOps");

  CHECK(t.iam.principals_loaded);
  REQUIRE(t.iam.principals.size() == 5);
  const IamPrincipal* scientist = t.iam.findPrincipal("arn:aws:iam::111122223333:role/DataScientist");
  REQUIRE(scientist != nullptr);
  CHECK(scientist->managed_policy_arns ==
        std::vector<std::string>{"arn:aws:iam::111122223333:policy/RestrictSageMakerToCIDR",
                                 "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"});
  CHECK(scientist->tags == std::vector<std::pair<std::string, std::string>>{{"team", "team-A"}});
  REQUIRE(scientist->trust_policy.has_value());
  CHECK(scientist->trust_policy->statements.at(0).principals.entries ==
        std::vector<std::pair<std::string, std::string>>{{"Service", "sagemaker.amazonaws.com"}});
  const IamPrincipal* mlops = t.iam.findPrincipal("arn:aws:iam::111122223333:role/MLOps");
  REQUIRE(mlops != nullptr);
  REQUIRE(mlops->inline_policies.size() == 1);
  CHECK(mlops->inline_policies[0].name == "ssm-read");
  CHECK(mlops->inline_policies[0].statements.at(0).actions == std::vector<std::string>{"ssm:GetParameter"});
  const IamPrincipal* admin = t.iam.findPrincipal("arn:aws:iam::111122223333:user/platform-admin");
  REQUIRE(admin != nullptr);
  CHECK(admin->groups == std::vector<std::string>{"ml-platform"});
  CHECK(admin->permissions_boundary_arn == "arn:aws:iam::111122223333:policy/ml-boundary");
  REQUIRE(t.iam.managed_policies.size() == 1);
  const PolicyStatement& deny = t.iam.managed_policies[0].document.statements.at(0);
  CHECK(deny.effect == PolicyEffect::kDeny);
  CHECK(deny.conditions.at(0).values == std::vector<std::string>{"192.168.0.0/16"});
  CHECK_FALSE(t.findJob("preprocess")->has_vpc_config);

  const LoadBalancer* nlb = t.findLoadBalancer("notebook-nlb");
  REQUIRE(nlb != nullptr);
  CHECK(nlb->type == LoadBalancerType::kNetwork);
  CHECK_FALSE(nlb->internet_facing);
  CHECK(nlb->vpc_id == "vpc-ml");
  CHECK(nlb->arn == "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/notebook-nlb/0123456789abcdef");
  REQUIRE(t.lb_listeners.size() == 1);
  CHECK(t.lb_listeners[0].protocol == "TLS");
  CHECK(t.lb_listeners[0].port == 443);
  const TargetGroup* notebook_tg = t.findTargetGroupByArn(
      "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/notebook-tg/0123456789abcdef");
  REQUIRE(notebook_tg != nullptr);
  CHECK(t.lb_listeners[0].target_group_arns == std::vector<std::string>{notebook_tg->arn});
  REQUIRE(notebook_tg->targets.size() == 1);
  CHECK(notebook_tg->targets[0].id == "i-notebook");
  CHECK(notebook_tg->targets[0].health == "healthy");
  CHECK(notebook_tg->load_balancer_arns == std::vector<std::string>{nlb->arn});

  CHECK(t.findVpc("vpc-ml")->meta.origin == loaded.file + ":5:5");
}

TEST_CASE("the same topology written as JSON loads the same way", "[native]") {
  auto loaded = load(R"({
  "region": "eu-west-1",
  "vpcs": [{"id": "vpc-a", "cidr": "10.0.0.0/16"}],
  "subnets": [{"id": "subnet-a", "az": "eu-west-1a", "cidr": "10.0.1.0/24"}],
  "vpc_endpoints": [{"id": "vpce-ssm", "service": "ssm", "subnets": ["subnet-a"]}]
})",
                     ".json");
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e);
  REQUIRE(loaded.ok);
  CHECK(loaded.topology.findSubnet("subnet-a")->vpc_id == "vpc-a");
  CHECK(loaded.topology.findVpcEndpoint("vpce-ssm")->service_name == "com.amazonaws.eu-west-1.ssm");
  CHECK(loaded.topology.findSubnet("subnet-a")->meta.origin == loaded.file + ":4:15");
}

TEST_CASE("an unknown key is an error that suggests the nearest allowed key", "[native]") {
  auto loaded = load(kBase + R"(enis:
  - {id: eni-1, subnet_id: subnet-a, ips: [10.0.1.10]}
)");
  CHECK_FALSE(loaded.ok);
  CHECK(loaded.errors == std::vector<std::string>{
                             loaded.file + ":6:5: error: missing key 'subnet' in network interface",
                             loaded.file + ":6:17: error: unknown key 'subnet_id' in network interface (did you mean "
                                           "'subnet'?)",
                         });
}

TEST_CASE("an unknown top-level section is an error with a suggestion", "[native]") {
  auto loaded = load(kBase + "subnet:\n  - {id: x}\n");
  CHECK(loaded.errors ==
        std::vector<std::string>{loaded.file + ":5:1: error: unknown key 'subnet' in topology (did you mean 'subnets'?)"});
}

TEST_CASE("a bad cidr is reported with the message from Cidr::parse", "[native]") {
  auto loaded = load(R"(vpcs:
  - {id: vpc-a, cidr: 10.0.0.0/16}
subnets:
  - {id: subnet-a, az: us-east-1a, cidr: 10.0.1.1/24}
  - {id: subnet-b, az: us-east-1b, cidr: 10.0.2.0/33}
  - {id: subnet-c, az: us-east-1c, cidr: 10.1.0.0/24}
)");
  CHECK_FALSE(loaded.ok);
  CHECK(loaded.errors ==
        std::vector<std::string>{
            loaded.file + ":4:42: error: '10.0.1.1/24' has host bits set (did you mean 10.0.1.0/24?)",
            loaded.file + ":5:42: error: prefix length 33 is out of range (0-32)",
        });
}

// Outside its VPC and overlapping a sibling are checked once for every format
// (topology::checkTopology), after the file parsed, at the subnet's place.
TEST_CASE("a subnet outside its vpc or overlapping another is an error at the subnet", "[native]") {
  auto loaded = load(R"(vpcs:
  - {id: vpc-a, cidr: 10.0.0.0/16}
subnets:
  - {id: subnet-a, az: us-east-1a, cidr: 10.0.0.0/23}
  - {id: subnet-b, az: us-east-1b, cidr: 10.0.1.0/24}
  - {id: subnet-c, az: us-east-1c, cidr: 10.1.0.0/24}
)");
  CHECK_FALSE(loaded.ok);
  CHECK(loaded.errors ==
        std::vector<std::string>{
            loaded.file + ":6:5: error: subnet subnet-c (10.1.0.0/24) is outside its vpc vpc-a (10.0.0.0/16)",
            loaded.file + ":5:5: error: subnet subnet-b (10.0.1.0/24) overlaps subnet subnet-a (10.0.0.0/23) of vpc vpc-a",
        });
}

TEST_CASE("a reference to an unknown id names it and suggests a close one", "[native]") {
  auto loaded = load(kBase + R"(route_tables:
  - {id: rtb-1, subnets: [subnet-b], routes: [{dest: 0.0.0.0/0, target: nat-1}]}
nat_gateways:
  - {id: nat-one, subnet: subnet-a}
)");
  CHECK_FALSE(loaded.ok);
  CHECK(loaded.errors == std::vector<std::string>{
                             loaded.file + ":6:27: error: unknown subnet 'subnet-b' (did you mean 'subnet-a'?)",
                             loaded.file + ":6:73: error: unknown nat gateway 'nat-1'",
                         });
}

TEST_CASE("a duplicate id is an error pointing at the first definition", "[native]") {
  auto loaded = load(kBase + "  - {id: subnet-a, vpc: vpc-a, az: us-east-1b, cidr: 10.0.2.0/24}\n");
  CHECK_FALSE(loaded.ok);
  CHECK(loaded.errors == std::vector<std::string>{loaded.file + ":5:10: error: duplicate subnet id 'subnet-a' "
                                                                "(first defined at " +
                                                  loaded.file + ":4:5)"});
}

TEST_CASE("a yaml syntax error is reported with its line and column", "[native]") {
  auto loaded = load("vpcs:\n  - {id: vpc-a, cidr: 10.0.0.0/16\nsubnets: []\n");
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0] == loaded.file + ":3:8: error: invalid yaml: end of map flow not found");
}

TEST_CASE("a missing file is an io error naming the file", "[native]") {
  Topology topology;
  std::vector<Diagnostic> errors;
  auto path = std::filesystem::temp_directory_path() / "vpcsim-native-does-not-exist.yaml";
  CHECK_FALSE(loadNativeTopology(path, LoadOptions{}, topology, errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() == path.string() + ": error: cannot open file: No such file or directory");
}

TEST_CASE("route target types are inferred from the defined resource or the id prefix", "[native]") {
  auto [target, type_line, expected] = GENERATE(table<std::string, std::string, RouteTarget>({
      {"igw-1", "", RouteTarget::kInternetGateway},
      {"eigw-1", "", RouteTarget::kEgressOnlyInternetGateway},
      {"my-gateway", "", RouteTarget::kInternetGateway},
      {"my-nat", "", RouteTarget::kNatGateway},
      {"local", "", RouteTarget::kLocal},
      {"cagw-1", "", RouteTarget::kCarrierGateway},
      {"lgw-1", "", RouteTarget::kLocalGateway},
      {"eni-fw", "", RouteTarget::kNetworkInterface},
      {"i-fw", "", RouteTarget::kInstance},
      {"eni-fw", ", target_type: network-interface", RouteTarget::kNetworkInterface},
      {"my-nat", ", target_type: nat", RouteTarget::kNatGateway},
  }));
  CAPTURE(target, type_line);
  auto loaded = load(kBase + R"(internet_gateways:
  - {id: igw-1}
  - {id: my-gateway}
egress_only_internet_gateways:
  - {id: eigw-1}
nat_gateways:
  - {id: my-nat, subnet: subnet-a}
enis:
  - {id: eni-fw, subnet: subnet-a, ips: 10.0.1.5, instance: i-fw, source_dest_check: false}
instances:
  - {id: i-fw}
route_tables:
  - {id: rtb-1, routes: [{dest: 10.9.0.0/16, target: )" + target + type_line + R"(}]}
)");
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e);
  REQUIRE(loaded.ok);
  const RouteTable* table = loaded.topology.findRouteTable("rtb-1");
  REQUIRE(table != nullptr);
  REQUIRE(table->routes.size() == 2);
  CHECK(table->routes[1].target == expected);
  CHECK(table->routes[1].target_id == target);
}

TEST_CASE("a blackhole route may name a target that no longer exists", "[native]") {
  auto loaded = load(kBase + R"(route_tables:
  - {id: rtb-1, routes: [{dest: 10.9.0.0/16, target: pcx-deleted, state: blackhole}]}
)");
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e);
  REQUIRE(loaded.ok);
  const Route& route = loaded.topology.findRouteTable("rtb-1")->routes.at(1);
  CHECK(route.blackhole);
  CHECK(route.target == RouteTarget::kPeeringConnection);
  CHECK(route.target_id == "pcx-deleted");
}

TEST_CASE("security group ports accept a port, a range or all and reject the rest", "[native]") {
  auto [ports, ok, from, to] = GENERATE(table<std::string, bool, int, int>({
      {"443", true, 443, 443},
      {"0", true, 0, 0},
      {"65535", true, 65535, 65535},
      {"1024-65535", true, 1024, 65535},
      {"all", true, 0, 65535},
      {"65536", false, 0, 0},
      {"10-5", false, 0, 0},
      {"-1", false, 0, 0},
      {"http", false, 0, 0},
  }));
  CAPTURE(ports);
  auto loaded = load(kBase + "security_groups:\n  - {id: sg-1, ingress: [{protocol: tcp, ports: \"" + ports +
                     "\", cidr: 0.0.0.0/0}]}\n");
  REQUIRE(loaded.ok == ok);
  if (ok) {
    const auto& rule = loaded.topology.findSecurityGroup("sg-1")->ingress.at(0);
    CHECK(rule.from_port == from);
    CHECK(rule.to_port == to);
  } else {
    CHECK(loaded.errors == std::vector<std::string>{
                               loaded.file +
                               ":6:49: error: 'ports' must be a port, a range like 1024-65535 or 'all' (0-65535), not '" +
                               ports + "'"});
  }
}

TEST_CASE("a security group without an egress key gets the default allow-all egress rule", "[native]") {
  auto loaded = load(kBase + R"(security_groups:
  - {id: sg-default-egress}
  - {id: sg-no-egress, egress: []}
  - {id: sg-named, name: web, egress: [{protocol: udp, ports: 53, cidr: 10.0.0.2}]}
)");
  REQUIRE(loaded.ok);
  const auto& t = loaded.topology;
  REQUIRE(t.findSecurityGroup("sg-default-egress")->egress.size() == 1);
  CHECK(t.findSecurityGroup("sg-default-egress")->egress[0].protocol == kProtocolAll);
  CHECK(t.findSecurityGroup("sg-default-egress")->egress[0].cidr.str() == "0.0.0.0/0");
  CHECK(t.findSecurityGroup("sg-no-egress")->egress.empty());
  CHECK(t.findSecurityGroup("sg-named")->group_name == "web");
  CHECK(t.findSecurityGroup("sg-named")->egress.at(0).cidr.str() == "10.0.0.2/32");
}

TEST_CASE("a vpc without a main route table, default acl or default group gets the ones aws creates", "[native]") {
  auto loaded = load(kBase);
  REQUIRE(loaded.ok);
  const auto& t = loaded.topology;
  const RouteTable* main_table = t.findRouteTable("rtb-main-vpc-a");
  REQUIRE(main_table != nullptr);
  CHECK(main_table->main);
  CHECK(main_table->routes.at(0).destination->str() == "10.0.0.0/16");
  const SecurityGroup* sg = t.findSecurityGroup("sg-default-vpc-a");
  REQUIRE(sg != nullptr);
  CHECK(sg->ingress.at(0).peer == "sg-default-vpc-a");
  const NetworkAcl* acl = t.findNetworkAcl("acl-default-vpc-a");
  REQUIRE(acl != nullptr);
  CHECK(acl->is_default);
  CHECK(acl->subnet_ids == std::vector<std::string>{"subnet-a"});
  REQUIRE(acl->entries.size() == 4);
  CHECK(std::make_tuple(acl->entries[0].egress, acl->entries[0].rule_number, acl->entries[0].allow) ==
        std::make_tuple(false, 100, true));
  CHECK(std::make_tuple(acl->entries[1].egress, acl->entries[1].rule_number, acl->entries[1].allow) ==
        std::make_tuple(false, 32767, false));
}

TEST_CASE("every error in a file is reported in file order", "[native]") {
  auto loaded = load(R"(vpcs:
  - {id: vpc-a, cidr: 10.0.0.0/16, dns_suport: false}
subnets:
  - {id: subnet-a, vpc: vpc-b, az: us-east-1a, cidr: 10.0.1.0/24}
network_acls:
  - id: acl-1
    entries:
      - {rule: 0, action: permit, direction: sideways, protocol: tcp, cidr: 0.0.0.0/0}
)");
  CHECK_FALSE(loaded.ok);
  CHECK(loaded.errors ==
        std::vector<std::string>{
            loaded.file + ":2:36: error: unknown key 'dns_suport' in vpc (did you mean 'dns_support'?)",
            loaded.file + ":4:25: error: unknown vpc 'vpc-b' (did you mean 'vpc-a'?)",
            loaded.file + ":8:16: error: 'rule' must be a whole number from 1 to 32766, not '0'",
            loaded.file + ":8:27: error: 'action' must be allow or deny, not 'permit'",
            loaded.file + ":8:46: error: 'direction' must be in or out, not 'sideways'",
        });
}

TEST_CASE("loading the same file twice gives identical topologies", "[native]") {
  auto first = load(docExample());
  auto second = load(docExample());
  REQUIRE(first.ok);
  REQUIRE(second.ok);
  REQUIRE(first.topology.route_tables.size() == second.topology.route_tables.size());
  for (std::size_t i = 0; i < first.topology.route_tables.size(); ++i) {
    CHECK(first.topology.route_tables[i].meta.id == second.topology.route_tables[i].meta.id);
    CHECK(first.topology.route_tables[i].routes.size() == second.topology.route_tables[i].routes.size());
  }
}

}  // namespace vpcsim::topology

namespace vpcsim::topology {

TEST_CASE("a gateway endpoint's route tables get the route to its service's prefix list", "[native]") {
  // PrivateLink Guide, "Gateway endpoints": associating a route table with a
  // gateway endpoint adds a route from the service's prefix list to the
  // endpoint. Without it S3 would silently become unreachable.
  const std::string endpoint = "vpc_endpoints:\n  - {id: vpce-s3, vpc: vpc-a, service: s3, route_tables: [rtb-a]}\n";
  const std::string table = "route_tables:\n  - {id: rtb-a, vpc: vpc-a, subnets: [subnet-a], routes: []}\n";
  auto endpointRoutes = [](const Topology& topology) {
    std::vector<std::string> lists;
    for (const auto& route : topology.findRouteTable("rtb-a")->routes) {
      if (route.target == topology::RouteTarget::kVpcEndpoint && route.target_id == "vpce-s3") {
        lists.push_back(route.destination_prefix_list);
      }
    }
    return lists;
  };
  SECTION("without a declared list: the AWS-managed one, by the ID the CloudFormation loader gives it") {
    auto loaded = load(kBase + table + endpoint);
    INFO(loaded.errors.size());
    REQUIRE(loaded.ok);
    CHECK(endpointRoutes(loaded.topology) ==
          std::vector<std::string>{topology::managedPrefixListId("com.amazonaws.us-east-1.s3")});
  }
  SECTION("with the service's list declared: that list") {
    auto loaded = load(kBase + "prefix_lists:\n  - {id: pl-s3, service: s3, cidrs: [52.216.0.0/15]}\n" + table + endpoint);
    REQUIRE(loaded.ok);
    CHECK(endpointRoutes(loaded.topology) == std::vector<std::string>{"pl-s3"});
  }
  SECTION("a route the file writes itself is kept, not doubled") {
    auto loaded = load(kBase + "prefix_lists:\n  - {id: pl-s3, service: s3, cidrs: [52.216.0.0/15]}\n" +
                       "route_tables:\n  - {id: rtb-a, vpc: vpc-a, subnets: [subnet-a], routes: [{dest: pl-s3, "
                       "target: vpce-s3}]}\n" +
                       endpoint);
    REQUIRE(loaded.ok);
    CHECK(endpointRoutes(loaded.topology) == std::vector<std::string>{"pl-s3"});
  }
}


TEST_CASE("iam section errors are located, an unknown key with a did-you-mean", "[native][iam]") {
  auto loaded = load(R"(iam:
  managed_policies:
    - {name: p, document: {Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}}
  roles:
    - {name: r, managed_policies: [q], trust_polcy: x}
    - {name: r, path: service-role}
    - name: s
      inline_policies:
        - {name: bad, document: '{"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}'}
  groups:
    - {name: g, tags: {a: b}}
)");
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 6);
  CHECK(loaded.errors[0] == loaded.file + ":5:36: error: no managed policy 'q' in this file (give an ARN for one defined elsewhere)");
  CHECK(loaded.errors[1] == loaded.file + ":5:40: error: unknown key 'trust_polcy' in role (did you mean 'trust_policy'?)");
  CHECK(loaded.errors[2] == loaded.file + ":6:14: error: duplicate role 'r' (first defined at " + loaded.file + ":5:7)");
  CHECK(loaded.errors[3] == loaded.file + ":6:23: error: 'path' must begin and end with a slash (/), not 'service-role'");
  CHECK(loaded.errors[4] == loaded.file + ":9:33 /Statement/0/Effect: error: Effect must be Allow or Deny, not 'Maybe'");
  CHECK(loaded.errors[5] == loaded.file + ":11:17: error: unknown key 'tags' in group");
}

TEST_CASE("the iam section holds the organization's SCPs and RCPs and its ID", "[native][iam]") {
  auto loaded = load(kBase + R"(iam:
  organization_id: o-a1b2c3d4e5
  service_control_policies:
    - {name: FullAWSAccess, target: r-ab12, document: {Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}}
    - {name: NoSsm, document: {Statement: [{Effect: Deny, Action: 'ssm:*', Resource: '*'}]}}
  resource_control_policies: []
)");
  INFO(loaded.errors.size());
  REQUIRE(loaded.ok);
  const IamInventory& iam = loaded.topology.iam;
  CHECK(iam.organization_id == "o-a1b2c3d4e5");
  CHECK(iam.scps_loaded);
  REQUIRE(iam.service_control_policies.size() == 2);
  CHECK(iam.service_control_policies[0].target == "r-ab12");
  CHECK(iam.service_control_policies[1].target.empty());
  CHECK(iam.service_control_policies[1].document.name == "NoSsm");
  CHECK(iam.rcps_loaded);  // listed, even empty: the input says there are none but AWS's own
  CHECK_FALSE(iam.principals_loaded);
  auto bad = load(kBase + "iam:\n  organization_id: O-1\n  service_control_policies: [{name: x}]\n");
  CHECK_FALSE(bad.ok);
  REQUIRE(bad.errors.size() == 2);
  CHECK(bad.errors[0].find("'organization_id' must be o- and 10 to 32 lowercase letters or digits, not 'O-1'") !=
        std::string::npos);
  CHECK(bad.errors[1].find("missing key 'document' in organization policy") != std::string::npos);
}

TEST_CASE("an unquoted Null condition operator in YAML gets an error that says to quote it", "[native][iam]") {
  auto loaded = load(R"(iam:
  roles:
    - name: r
      inline_policies:
        - name: p
          document: {Statement: [{Effect: Deny, Action: '*', Resource: '*', Condition: {Null: {aws:SourceVpc: 'true'}}}]}
)");
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0].find("empty condition operator (in YAML an unquoted Null key reads as null: write 'Null' in "
                              "quotes)") != std::string::npos);
  auto quoted = load(R"(iam:
  roles:
    - name: r
      inline_policies:
        - name: p
          document: {Statement: [{Effect: Deny, Action: '*', Resource: '*', Condition: {'Null': {aws:SourceVpc: 'true'}}}]}
)");
  CHECK(quoted.ok);
}

TEST_CASE("a topology without an iam section leaves the principals not loaded", "[native][iam]") {
  auto without = load(kBase);
  REQUIRE(without.ok);
  CHECK_FALSE(without.topology.iam.principals_loaded);
  auto empty = load(kBase + "iam: {roles: []}\n");
  REQUIRE(empty.ok);
  CHECK(empty.topology.iam.principals_loaded);
}

TEST_CASE("IPv6 blocks, egress-only gateways and IPv6 peers load from the native format", "[native][ipv6]") {
  auto loaded = load(R"(vpcs:
  - {id: vpc-a, cidr: 10.0.0.0/16, ipv6_cidr: "amazon-provided(vpc-a-v6)/56"}
subnets:
  - {id: subnet-a, vpc: vpc-a, az: us-east-1a, cidr: 10.0.1.0/24, ipv6_cidr: "amazon-provided(vpc-a-v6)/56#0/64",
     assign_ipv6_on_creation: true}
egress_only_internet_gateways:
  - {id: eigw-1}
route_tables:
  - {id: rtb-1, subnets: [subnet-a], routes: [{dest: "::/0", target: eigw-1}]}
enis:
  - {id: eni-1, subnet: subnet-a, ips: 10.0.1.5, ipv6: "2600:1f18::5", ipv6_prefixes: "2600:1f18:0:0:1::/80"}
)");
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e);
  REQUIRE(loaded.ok);
  const Vpc* vpc = loaded.topology.findVpc("vpc-a");
  REQUIRE(vpc != nullptr);
  REQUIRE(vpc->ipv6_blocks.size() == 1);
  CHECK_FALSE(vpc->ipv6_blocks[0].block.known());
  const Subnet* subnet = loaded.topology.findSubnet("subnet-a");
  CHECK(subnet->ipv6_blocks.at(0).block == *vpc->ipv6_blocks[0].block.subblock(0, 64));
  CHECK(subnet->assign_ipv6_address_on_creation);
  const EgressOnlyInternetGateway* eigw = loaded.topology.findEgressOnlyInternetGateway("eigw-1");
  REQUIRE(eigw != nullptr);
  CHECK(eigw->vpc_id == "vpc-a");
  const RouteTable* table = loaded.topology.findRouteTable("rtb-1");
  REQUIRE(table->routes.size() == 2);
  CHECK(table->routes[1].target == RouteTarget::kEgressOnlyInternetGateway);
  CHECK(table->routes[1].destination_ipv6 == Ipv6Block());
  const Eni* eni = loaded.topology.findEni("eni-1");
  CHECK(eni->ipv6_addresses.at(0).str() == "2600:1f18::5");
  CHECK(eni->ipv6_prefixes.at(0).str() == "2600:1f18:0:0:1::/80");
  // The implied default ACL carries the IPv6 rules (VPC User Guide: Default network ACL).
  const NetworkAcl& acl = loaded.topology.network_acls.at(0);
  CHECK(acl.is_default);
  CHECK(acl.entries.size() == 8);
}

TEST_CASE("bad IPv6 text in the native format is an error at its place", "[native][ipv6]") {
  auto loaded = load(kBase + R"(security_groups:
  - {id: sg-1, ingress: [{protocol: tcp, ports: 443, ipv6: "2600::/129"}]}
)");
  CHECK_FALSE(loaded.ok);
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0] == loaded.file + ":6:60: error: prefix length 129 is out of range (0-128)");
}

TEST_CASE("tags: every resource may carry a mapping of tags; Name names it when `name` is not given", "[native]") {
  auto loaded = load(R"(vpcs:
  - {id: vpc-a, cidr: 10.0.0.0/16, tags: {Name: core, env: prod}}
subnets:
  - {id: subnet-a, vpc: vpc-a, az: us-east-1a, cidr: 10.0.1.0/24, name: web, tags: {Name: other, tier: public}}
)");
  REQUIRE(loaded.ok);
  using Tags = std::vector<std::pair<std::string, std::string>>;
  CHECK(loaded.topology.vpcs[0].meta.name == "core");
  CHECK(loaded.topology.vpcs[0].meta.tags == Tags{{"Name", "core"}, {"env", "prod"}});
  CHECK(loaded.topology.subnets[0].meta.name == "web");  // `name` wins
  CHECK(loaded.topology.subnets[0].meta.tags == Tags{{"Name", "other"}, {"tier", "public"}});

  auto bad = load(R"(vpcs:
  - {id: vpc-a, cidr: 10.0.0.0/16, tags: [env]}
  - {id: vpc-b, cidr: 10.1.0.0/16, tags: {env: [a, b]}}
)");
  CHECK_FALSE(bad.ok);
  CHECK(bad.errors == std::vector<std::string>{
                          bad.file + ":2:42: error: 'tags' in vpc must be a mapping of keys to values",
                          bad.file + ":3:43: error: each tag in vpc must be a key and a single value",
                      });
}

}  // namespace vpcsim::topology

namespace vpcsim::topology {
namespace {

// Two subnets in two zones, a group and an instance (lines 1-9), for the load balancing cases.
const std::string kLbBase = R"(vpcs:
  - {id: vpc-a, cidr: 10.0.0.0/16}
subnets:
  - {id: subnet-a, vpc: vpc-a, az: us-east-1a, cidr: 10.0.1.0/24}
  - {id: subnet-b, vpc: vpc-a, az: us-east-1b, cidr: 10.0.2.0/24}
security_groups:
  - {id: sg-alb, vpc: vpc-a}
instances:
  - {id: i-app}
)";

std::string elbArnOf(const std::string& resource) {
  return "arn:aws:elasticloadbalancing:us-east-1:123456789012:" + resource;
}

}  // namespace

TEST_CASE("load balancers, listeners and target groups load from the native format", "[native][elb]") {
  auto loaded = load(kLbBase + R"(target_groups:
  - id: targetgroup/app/1
    protocol: TCP
    port: 8080
    targets:
      - {id: i-app, health: healthy}
      - {id: i-app, port: 8081, zone: us-east-1a}
    attributes: {deregistration_delay.timeout_seconds: "30"}
  - {id: tg-web, target_type: ip, protocol: HTTP, port: 80, targets: [{id: 10.0.1.9}]}
  - {id: tg-api, name: api, protocol: HTTP, port: 80}
  - {id: tg-alb, target_type: alb, protocol: TCP, port: 80, targets: [{id: app/web/2}]}
load_balancers:
  - id: net/app/1
    scheme: internal
    subnets: [subnet-a, subnet-b]
    attributes: {load_balancing.cross_zone.enabled: "false"}
    listeners:
      - {protocol: TCP, port: 80, forward: targetgroup/app/1}
  - id: app/web/2
    subnets: [subnet-a, subnet-b]
    security_groups: [sg-alb]
    ip_address_type: dualstack
    listeners:
      - {protocol: HTTP, port: 80, forward: [tg-web], rule_forward: [tg-api]}
)");
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e);
  REQUIRE(loaded.ok);
  const Topology& t = loaded.topology;

  const LoadBalancer* nlb = t.findLoadBalancer("net/app/1");
  REQUIRE(nlb != nullptr);
  CHECK(nlb->meta.name == "app");
  CHECK(nlb->arn == elbArnOf("loadbalancer/net/app/1"));
  CHECK(nlb->type == LoadBalancerType::kNetwork);
  CHECK_FALSE(nlb->internet_facing);
  CHECK(nlb->vpc_id == "vpc-a");
  CHECK(nlb->ip_address_type == "ipv4");
  CHECK(nlb->state == "active");
  CHECK(nlb->dns_name == fmt::format("app-{:016x}.elb.us-east-1.amazonaws.com", stableHash("net/app/1")));
  REQUIRE(nlb->zones.size() == 2);
  CHECK(nlb->zones[0].subnet_id == "subnet-a");
  CHECK(nlb->zones[0].zone == "us-east-1a");
  CHECK(nlb->zones[1].subnet_id == "subnet-b");
  CHECK(nlb->zones[1].zone == "us-east-1b");
  CHECK(nlb->security_group_ids.empty());
  CHECK(nlb->attributes_known);
  CHECK(nlb->attributes == std::vector<std::pair<std::string, std::string>>{{"load_balancing.cross_zone.enabled", "false"}});

  const LoadBalancer* alb = t.findLoadBalancer("web");  // by name, as references take it
  REQUIRE(alb != nullptr);
  CHECK(alb->meta.id == "app/web/2");
  CHECK(alb->type == LoadBalancerType::kApplication);
  CHECK(alb->internet_facing);
  CHECK(alb->ip_address_type == "dualstack");
  CHECK(alb->security_group_ids == std::vector<std::string>{"sg-alb"});
  CHECK_FALSE(alb->attributes_known);
  CHECK(alb->dns_name == fmt::format("web-{}.us-east-1.elb.amazonaws.com",
                                     stableHash(fmt::format("{:016x}", stableHash("app/web/2"))) % 10000000000ULL));

  const TargetGroup* app = t.findTargetGroupByArn(elbArnOf("targetgroup/app/1"));
  const TargetGroup* web = t.findTargetGroupByArn(elbArnOf("targetgroup/tg-web"));
  const TargetGroup* api = t.findTargetGroupByArn(elbArnOf("targetgroup/tg-api"));
  const TargetGroup* to_alb = t.findTargetGroupByArn(elbArnOf("targetgroup/tg-alb"));
  REQUIRE(app != nullptr);
  REQUIRE(web != nullptr);
  REQUIRE(api != nullptr);
  REQUIRE(to_alb != nullptr);
  CHECK(app->meta.id == "targetgroup/app/1");
  CHECK(app->meta.name == "app");
  CHECK(app->target_type == "instance");
  CHECK(app->protocol == "TCP");
  CHECK(app->port == 8080);
  CHECK(app->vpc_id == "vpc-a");
  CHECK(app->targets_known);
  REQUIRE(app->targets.size() == 2);
  CHECK(app->targets[0].id == "i-app");
  CHECK(app->targets[0].port == 0);
  CHECK(app->targets[0].health == "healthy");
  CHECK(app->targets[1].port == 8081);
  CHECK(app->targets[1].zone == "us-east-1a");
  CHECK(app->targets[1].health.empty());
  CHECK(app->attributes_known);
  CHECK(app->attributes == std::vector<std::pair<std::string, std::string>>{{"deregistration_delay.timeout_seconds", "30"}});
  CHECK(app->load_balancer_arns == std::vector<std::string>{nlb->arn});
  CHECK(web->meta.name == "tg-web");
  CHECK(web->target_type == "ip");
  REQUIRE(web->targets.size() == 1);
  CHECK(web->targets[0].id == "10.0.1.9");
  CHECK(web->load_balancer_arns == std::vector<std::string>{alb->arn});
  CHECK(api->meta.name == "api");
  CHECK_FALSE(api->targets_known);
  CHECK_FALSE(api->attributes_known);
  CHECK(api->load_balancer_arns == std::vector<std::string>{alb->arn});
  REQUIRE(to_alb->targets.size() == 1);
  CHECK(to_alb->targets[0].id == alb->arn);
  CHECK(to_alb->load_balancer_arns.empty());

  REQUIRE(t.lb_listeners.size() == 2);
  const LbListener* nlb_listener = nullptr;
  const LbListener* alb_listener = nullptr;
  for (const auto& listener : t.lb_listeners) {
    (listener.load_balancer_arn == nlb->arn ? nlb_listener : alb_listener) = &listener;
  }
  REQUIRE(nlb_listener != nullptr);
  REQUIRE(alb_listener != nullptr);
  CHECK(nlb_listener->meta.id ==
        elbArnOf(fmt::format("listener/net/app/1/{:016x}", stableHash("net/app/1/80"))));
  CHECK(nlb_listener->protocol == "TCP");
  CHECK(nlb_listener->port == 80);
  CHECK(nlb_listener->target_group_arns == std::vector<std::string>{app->arn});
  CHECK(nlb_listener->rule_target_group_arns.empty());
  CHECK(alb_listener->protocol == "HTTP");
  CHECK(alb_listener->target_group_arns == std::vector<std::string>{web->arn});
  CHECK(alb_listener->rule_target_group_arns == std::vector<std::string>{api->arn});
}

TEST_CASE("subnet_mappings give a load balancer's nodes their addresses", "[native][elb]") {
  auto loaded = load(kLbBase + R"(load_balancers:
  - id: net/internal/1
    scheme: internal
    subnet_mappings:
      - {subnet: subnet-a, private_ip: 10.0.1.100}
      - {subnet: subnet-b}
  - id: net/public/2
    subnet_mappings:
      - {subnet: subnet-a, public_ip: 3.3.3.3, ipv6: "2600:1f18::10"}
)");
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e);
  REQUIRE(loaded.ok);
  const LoadBalancer* internal = loaded.topology.findLoadBalancer("net/internal/1");
  REQUIRE(internal != nullptr);
  REQUIRE(internal->zones.size() == 2);
  CHECK(internal->zones[0].subnet_id == "subnet-a");
  CHECK(internal->zones[0].zone == "us-east-1a");
  CHECK(internal->zones[0].private_addresses == std::vector<Ipv4>{*Ipv4::parse("10.0.1.100")});
  CHECK(internal->zones[1].subnet_id == "subnet-b");
  CHECK(internal->zones[1].private_addresses.empty());
  const LoadBalancer* outside = loaded.topology.findLoadBalancer("net/public/2");
  REQUIRE(outside != nullptr);
  REQUIRE(outside->zones.size() == 1);
  CHECK(outside->zones[0].public_addresses == std::vector<Ipv4>{*Ipv4::parse("3.3.3.3")});
  CHECK(outside->zones[0].ipv6_addresses == std::vector<Ipv6>{*Ipv6::parse("2600:1f18::10")});
}

TEST_CASE("a listener forwards only to target groups of its load balancer's vpc", "[native][elb]") {
  auto loaded = load(R"(vpcs:
  - {id: vpc-a, cidr: 10.0.0.0/16}
  - {id: vpc-b, cidr: 10.1.0.0/16}
subnets:
  - {id: subnet-a, vpc: vpc-a, az: us-east-1a, cidr: 10.0.1.0/24}
target_groups:
  - {id: tg-b, vpc: vpc-b, target_type: ip, targets: []}
  - {id: tg-lambda, target_type: lambda}
load_balancers:
  - {id: lb-1, subnets: [subnet-a], listeners: [{protocol: HTTP, port: 80, forward: [tg-b, tg-lambda]}]}
)");
  CHECK_FALSE(loaded.ok);
  CHECK(loaded.errors ==
        std::vector<std::string>{loaded.file + ":10:86: error: target group 'tg-b' is in vpc 'vpc-b', not 'vpc-a'"});
}

TEST_CASE("bad load balancing entries in the native format are located errors", "[native][elb]") {
  using Row = std::pair<std::string, std::string>;
  auto [body, expected] = GENERATE(table<std::string, std::string>({
      Row{"load_balancers:\n  - {id: lb-1, type: netwrk, subnets: [subnet-a]}\n",
          ":11:22: error: unknown load balancer type 'netwrk' (application, network, gateway) (did you mean 'network'?)"},
      Row{"load_balancers:\n  - {id: net/x/1, type: application, subnets: [subnet-a]}\n",
          ":11:25: error: type application does not match id 'net/x/1', which names a network load balancer"},
      Row{"load_balancers:\n  - {id: lb-1, scheme: public, subnets: [subnet-a]}\n",
          ":11:24: error: unknown scheme 'public' (internet-facing or internal)"},
      Row{"load_balancers:\n  - {id: lb-1, subnets: [subnet-a, subnet-c]}\n",
          ":11:36: error: unknown subnet 'subnet-c' (did you mean 'subnet-a'?)"},
      Row{"load_balancers:\n  - {id: lb-1, subnets: [subnet-a, subnet-a]}\n",
          ":11:36: error: load balancer 'lb-1' already has a subnet in us-east-1a"},
      Row{"load_balancers:\n  - {id: lb-1}\n", ":11:5: error: missing key 'subnets' in load balancer"},
      Row{"load_balancers:\n  - {id: lb-1, subnets: [subnet-a], subnet_mappings: [{subnet: subnet-b}]}\n",
          ":11:37: error: give subnets or subnet_mappings, not both"},
      Row{"load_balancers:\n  - {id: lb-1, subnet_mappings: [{subnet: subnet-a, private_ip: 10.0.2.5}]}\n",
          ":11:65: error: 10.0.2.5 is outside subnet 'subnet-a' (10.0.1.0/24)"},
      Row{"load_balancers:\n  - {id: net/x/1, subnets: [subnet-a], listeners: [{protocol: HTTP, port: 80}]}\n",
          ":11:63: error: 'HTTP' is not a protocol of a network load balancer (TCP, TLS, UDP, TCP_UDP, QUIC, TCP_QUIC)"},
      Row{"load_balancers:\n  - {id: lb-1, subnets: [subnet-a], listeners: [{protocol: HTTP, port: 0}]}\n",
          ":11:72: error: 'port' must be a whole number from 1 to 65535, not '0'"},
      Row{"load_balancers:\n  - {id: lb-1, subnets: [subnet-a], listeners: [{protocol: HTTP, port: 80}, "
          "{protocol: HTTPS, port: 80}]}\n",
          ":11:77: error: load balancer 'lb-1' already has a listener on port 80"},
      Row{"load_balancers:\n  - {id: lb-1, subnets: [subnet-a], listeners: [{protocol: HTTP, port: 80, forward: tg-1}]}\n",
          ":11:85: error: unknown target group 'tg-1'"},
      Row{"target_groups:\n  - {id: tg-1, target_type: instanse}\n",
          ":11:29: error: unknown target type 'instanse' (instance, ip, alb, lambda) (did you mean 'instance'?)"},
      Row{"target_groups:\n  - {id: tg-1, targets: [{id: i-ap}]}\n",
          ":11:31: error: unknown instance 'i-ap' (did you mean 'i-app'?)"},
      Row{"target_groups:\n  - {id: tg-1, target_type: ip, targets: [{id: 10.0.1.300}]}\n",
          ":11:48: error: '10.0.1.300' is not an IPv4 address"},
      Row{"target_groups:\n  - {id: tg-1, targets: [{id: i-app, health: fine}]}\n",
          ":11:46: error: unknown target health 'fine' (initial, healthy, unhealthy, unhealthy.draining, unused, "
          "draining, unavailable)"},
      Row{"target_groups:\n  - {id: tg-1, port: 65536}\n",
          ":11:22: error: 'port' must be a whole number from 1 to 65535, not '65536'"},
  }));
  CAPTURE(body);
  auto loaded = load(kLbBase + body);
  CHECK_FALSE(loaded.ok);
  CHECK(loaded.errors == std::vector<std::string>{loaded.file + expected});
}

}  // namespace vpcsim::topology

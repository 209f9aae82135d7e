// Tests for the CloudFormation Elastic Load Balancing types: load balancers, listeners, rules and target groups.
#include "formats/cloudformation.h"
#include "formats/loader.h"

#include "topology/aws_defaults.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

namespace vpcsim::topology {
namespace {

const std::filesystem::path kTemplate = std::filesystem::path(VPCSIM_SOURCE_DIR) / "tests/data/cfn/load-balancers.yaml";
constexpr const char* kStack = "shop";

struct Loaded {
  bool ok = false;
  Topology topo;
  std::vector<std::string> errors;
};

Loaded load(const std::filesystem::path& path) {
  Loaded out;
  std::vector<Diagnostic> diagnostics;
  out.ok = loadStacks({{path, kStack, {}}}, LoadOptions{}, out.topo, diagnostics);
  for (const auto& d : diagnostics) out.errors.push_back(d.str());
  return out;
}

template <typename T>
const T* byLogical(const std::vector<T>& items, const std::string& logical) {
  for (const auto& item : items) {
    if (item.meta.logical_id == logical) return &item;
  }
  return nullptr;
}

// The HASH of "net/NAME/HASH": sixteen hex digits of the stack and logical ID.
std::string hashOf(const std::string& logical) { return fmt::format("{:016x}", stableHash(std::string(kStack) + "/" + logical)); }

std::string arn(const std::string& resource) { return "arn:aws:elasticloadbalancing:us-east-1:123456789012:" + resource; }

std::string tag(const ResourceMeta& meta, const std::string& key) {
  for (const auto& [k, v] : meta.tags) {
    if (k == key) return v;
  }
  return "<no tag " + key + ">";
}

std::vector<const Eni*> nodesOf(const Topology& topo, const LoadBalancer& lb) {
  std::vector<const Eni*> out;
  for (const auto& eni : topo.enis) {
    if (eni.description == "ELB " + lb.meta.id) out.push_back(&eni);
  }
  return out;
}

std::filesystem::path writeTemplate(const std::string& name, const std::string& body) {
  auto dir = std::filesystem::temp_directory_path() / "vpcsim-cfn-elb-test";
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::ofstream(path) << body;
  return path;
}

// A VPC with two subnets in two zones and an instance, for the error cases (lines 1-6).
const std::string kBase =
    "Resources:\n"
    "  Vpc: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: 10.0.0.0/16}}\n"
    "  A: {Type: 'AWS::EC2::Subnet', Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a}}\n"
    "  B: {Type: 'AWS::EC2::Subnet', Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24, AvailabilityZone: us-east-1b}}\n"
    "  C: {Type: 'AWS::EC2::Subnet', Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.3.0/24, AvailabilityZone: us-east-1a}}\n"
    "  I: {Type: 'AWS::EC2::Instance', Properties: {SubnetId: !Ref A}}\n";

}  // namespace

TEST_CASE("an internal nlb and an internet-facing alb load from a template with every field", "[cloudformation][elb]") {
  auto loaded = load(kTemplate);
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e);
  REQUIRE(loaded.ok);
  const Topology& topo = loaded.topo;
  const Vpc* vpc = byLogical(topo.vpcs, "Vpc");
  REQUIRE(vpc != nullptr);
  auto subnet_id = [&](const std::string& logical) { return byLogical(topo.subnets, logical)->meta.id; };
  auto instance_id = [&](const std::string& logical) { return byLogical(topo.instances, logical)->meta.id; };
  for (const auto& item : topo.ignored) CHECK(item.what.find("ElasticLoadBalancing") == std::string::npos);

  // The internal NLB: its name, Type, Scheme, SubnetMappings and attributes.
  const LoadBalancer* nlb = byLogical(topo.load_balancers, "Nlb");
  REQUIRE(nlb != nullptr);
  const std::string nlb_id = "net/app-nlb/" + hashOf("Nlb");
  CHECK(nlb->meta.id == nlb_id);
  CHECK(nlb->meta.name == "app-nlb");
  CHECK(nlb->arn == arn("loadbalancer/" + nlb_id));
  CHECK(nlb->type == LoadBalancerType::kNetwork);
  CHECK_FALSE(nlb->internet_facing);
  CHECK(nlb->vpc_id == vpc->meta.id);
  CHECK(nlb->dns_name == "app-nlb-" + hashOf("Nlb") + ".elb.us-east-1.amazonaws.com");
  CHECK(nlb->ip_address_type == "ipv4");
  CHECK(nlb->state == "active");
  CHECK(nlb->security_group_ids.empty());
  CHECK(nlb->attributes_known);
  CHECK(nlb->attributes == std::vector<std::pair<std::string, std::string>>{{"load_balancing.cross_zone.enabled", "false"}});
  REQUIRE(nlb->zones.size() == 2);
  CHECK(nlb->zones[0].subnet_id == subnet_id("PrivateA"));
  CHECK(nlb->zones[0].zone == "us-east-1a");
  CHECK(nlb->zones[0].private_addresses == std::vector<Ipv4>{*Ipv4::parse("10.0.10.100")});
  CHECK(nlb->zones[0].public_addresses.empty());
  CHECK(nlb->zones[1].subnet_id == subnet_id("PrivateB"));
  CHECK(nlb->zones[1].zone == "us-east-1b");
  CHECK(nlb->zones[1].private_addresses.empty());
  // Its nodes: one interface per subnet, the mapped address or the subnet's first free one.
  auto nlb_nodes = nodesOf(topo, *nlb);
  REQUIRE(nlb_nodes.size() == 2);
  CHECK(nlb_nodes[0]->subnet_id == subnet_id("PrivateA"));
  CHECK(nlb_nodes[0]->private_ips == std::vector<Ipv4>{*Ipv4::parse("10.0.10.100")});
  CHECK(nlb_nodes[1]->subnet_id == subnet_id("PrivateB"));
  CHECK(nlb_nodes[1]->private_ips == std::vector<Ipv4>{*Ipv4::parse("10.0.11.4")});
  for (const Eni* node : nlb_nodes) {
    CHECK(node->interface_type == "network_load_balancer");
    CHECK(node->requester_id == "amazon-elb");
    CHECK(node->vpc_id == vpc->meta.id);
    CHECK(node->public_ips.empty());
    CHECK(node->security_group_ids.empty());
    CHECK_FALSE(node->source_dest_check);
    CHECK(isLoadBalancerInterface(*node));
  }

  // The internet-facing ALB: a generated name, the default type and scheme, its group.
  const LoadBalancer* alb = byLogical(topo.load_balancers, "Alb");
  REQUIRE(alb != nullptr);
  const std::string alb_name = fmt::format("shop-Alb-{:012X}", stableHash("shop/Alb") & 0xFFFFFFFFFFFFULL);
  const std::string alb_id = "app/" + alb_name + "/" + hashOf("Alb");
  CHECK(alb->meta.id == alb_id);
  CHECK(alb->meta.name == alb_name);
  CHECK(alb->arn == arn("loadbalancer/" + alb_id));
  CHECK(alb->type == LoadBalancerType::kApplication);
  CHECK(alb->internet_facing);
  CHECK(alb->dns_name == fmt::format("{}-{}.us-east-1.elb.amazonaws.com", alb_name, stableHash(hashOf("Alb")) % 10000000000ULL));
  CHECK(alb->security_group_ids == std::vector<std::string>{byLogical(topo.security_groups, "AlbSg")->meta.id});
  CHECK(alb->attributes.empty());
  REQUIRE(alb->zones.size() == 2);
  CHECK(alb->zones[0].subnet_id == subnet_id("PublicA"));
  CHECK(alb->zones[1].subnet_id == subnet_id("PublicB"));
  auto alb_nodes = nodesOf(topo, *alb);
  REQUIRE(alb_nodes.size() == 2);
  for (const Eni* node : alb_nodes) {
    CHECK(node->interface_type == "interface");
    CHECK(node->security_group_ids == alb->security_group_ids);
    REQUIRE(node->public_ips.size() == 1);
    CHECK_FALSE(node->public_ips[0].elastic);
    CHECK(node->public_ips[0].public_ip.isPublic());
  }
  CHECK(alb_nodes[0]->private_ips == std::vector<Ipv4>{*Ipv4::parse("10.0.0.4")});

  // Target groups: an instance group of two targets, an ip group, an empty group a rule forwards to.
  const TargetGroup* app = byLogical(topo.target_groups, "AppTg");
  REQUIRE(app != nullptr);
  CHECK(app->meta.id == "targetgroup/app-tg/" + hashOf("AppTg"));
  CHECK(app->meta.name == "app-tg");
  CHECK(app->arn == arn(app->meta.id));
  CHECK(app->target_type == "instance");
  CHECK(app->protocol == "TCP");
  CHECK(app->port == 8080);
  CHECK(app->vpc_id == vpc->meta.id);
  CHECK(app->load_balancer_arns == std::vector<std::string>{nlb->arn});
  CHECK(app->targets_known);
  REQUIRE(app->targets.size() == 2);
  CHECK(app->targets[0].id == instance_id("AppA"));
  CHECK(app->targets[0].port == 0);
  CHECK(app->targets[0].zone.empty());
  CHECK(app->targets[0].health.empty());
  CHECK(app->targets[1].id == instance_id("AppB"));
  CHECK(app->targets[1].port == 8081);
  CHECK(app->attributes_known);
  CHECK(app->attributes == std::vector<std::pair<std::string, std::string>>{{"preserve_client_ip.enabled", "true"}});
  const TargetGroup* web = byLogical(topo.target_groups, "WebTg");
  REQUIRE(web != nullptr);
  CHECK(web->target_type == "ip");
  CHECK(web->protocol == "HTTP");
  REQUIRE(web->targets.size() == 1);
  CHECK(web->targets[0].id == "10.0.10.20");
  CHECK(web->targets[0].zone == "us-east-1a");
  CHECK(web->load_balancer_arns == std::vector<std::string>{alb->arn});
  const TargetGroup* api = byLogical(topo.target_groups, "ApiTg");
  REQUIRE(api != nullptr);
  CHECK(api->targets.empty());
  CHECK(api->targets_known);
  CHECK(api->attributes.empty());
  CHECK(api->load_balancer_arns == std::vector<std::string>{alb->arn});

  // Listeners: the NLB's forwards to the instance group; the ALB's to the ip group, its rule to the api group.
  const LbListener* nlb_listener = byLogical(topo.lb_listeners, "NlbListener");
  REQUIRE(nlb_listener != nullptr);
  CHECK(nlb_listener->meta.id == arn("listener/" + nlb_id + "/" + hashOf("NlbListener")));
  CHECK(nlb_listener->load_balancer_arn == nlb->arn);
  CHECK(nlb_listener->protocol == "TCP");
  CHECK(nlb_listener->port == 80);
  CHECK(nlb_listener->target_group_arns == std::vector<std::string>{app->arn});
  CHECK(nlb_listener->rule_target_group_arns.empty());
  CHECK(nlb_listener->other_actions.empty());
  const LbListener* alb_listener = byLogical(topo.lb_listeners, "AlbListener");
  REQUIRE(alb_listener != nullptr);
  CHECK(alb_listener->load_balancer_arn == alb->arn);
  CHECK(alb_listener->protocol == "HTTP");
  CHECK(alb_listener->port == 80);
  CHECK(alb_listener->target_group_arns == std::vector<std::string>{web->arn});
  CHECK(alb_listener->rule_target_group_arns == std::vector<std::string>{api->arn});

  // Fn::GetAtt and Ref, read back from tags.
  const SecurityGroup* tags = byLogical(topo.security_groups, "Probe");
  REQUIRE(tags != nullptr);
  CHECK(tag(tags->meta, "NlbDns") == nlb->dns_name);
  CHECK(tag(tags->meta, "NlbFullName") == nlb_id);
  CHECK(tag(tags->meta, "AlbDns") == alb->dns_name);
  CHECK(tag(tags->meta, "AlbName") == alb_name);
  CHECK(tag(tags->meta, "AppTgFullName") == app->meta.id);
  CHECK(tag(tags->meta, "ApiTgName") == "api-tg");
  CHECK(tag(tags->meta, "AppTgBalancers") == nlb->arn);
  CHECK(tag(tags->meta, "ListenerRef") == nlb_listener->meta.id);
}

TEST_CASE("an alb without groups takes the vpc's default group; an nlb's elastic ips sit on its nodes", "[cloudformation][elb]") {
  auto path = writeTemplate("defaults.yaml",
                            kBase +
                                "  Eip: {Type: 'AWS::EC2::EIP'}\n"
                                "  Alb: {Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {Scheme: internal,"
                                " Subnets: [!Ref A, !Ref B]}}\n"
                                "  Nlb:\n"
                                "    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n"
                                "    Properties:\n"
                                "      Type: network\n"
                                "      SubnetMappings: [{SubnetId: !Ref A, AllocationId: !GetAtt Eip.AllocationId}]\n");
  auto loaded = load(path);
  for (const auto& e : loaded.errors) UNSCOPED_INFO(e);
  REQUIRE(loaded.ok);
  const Topology& topo = loaded.topo;
  const LoadBalancer* alb = byLogical(topo.load_balancers, "Alb");
  REQUIRE(alb != nullptr);
  CHECK_FALSE(alb->internet_facing);
  CHECK(alb->dns_name.rfind("internal-shop-Alb-", 0) == 0);
  std::string default_group;
  for (const auto& sg : topo.security_groups) {
    if (sg.group_name == "default") default_group = sg.meta.id;
  }
  CHECK(alb->security_group_ids == std::vector<std::string>{default_group});
  for (const Eni* node : nodesOf(topo, *alb)) CHECK(node->public_ips.empty());

  const LoadBalancer* nlb = byLogical(topo.load_balancers, "Nlb");
  REQUIRE(nlb != nullptr);
  CHECK(nlb->internet_facing);
  CHECK(nlb->security_group_ids.empty());
  REQUIRE(nlb->zones.size() == 1);
  REQUIRE(nlb->zones[0].public_addresses.size() == 1);
  auto nodes = nodesOf(topo, *nlb);
  REQUIRE(nodes.size() == 1);
  REQUIRE(nodes[0]->public_ips.size() == 1);
  CHECK(nodes[0]->public_ips[0].elastic);
  CHECK(nodes[0]->public_ips[0].public_ip == nlb->zones[0].public_addresses[0]);
  CHECK(nodes[0]->public_ips[0].private_ip == nodes[0]->private_ips.at(0));
}

TEST_CASE("bad load balancing values in a template are located errors", "[cloudformation][elb]") {
  using Row = std::pair<std::string, std::string>;
  auto [body, expected] = GENERATE(table<std::string, std::string>({
      Row{"  L: {Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {Type: netwrk, Subnets: [!Ref A]}}\n",
          ":7:77: error: L.Type: 'netwrk' is not application, network or gateway (did you mean network?)"},
      Row{"  L: {Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {Scheme: public, Subnets: [!Ref A]}}\n",
          ":7:79: error: L.Scheme: 'public' is not internet-facing or internal"},
      Row{"  L: {Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {Subnets: [!Ref A, !Ref C]}}\n",
          ":7:89: error: L: already has a subnet in us-east-1a"},
      Row{"  L: {Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {Type: network}}\n",
          ":7:3: error: L: needs Subnets or SubnetMappings"},
      Row{"  T: {Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {TargetType: instanse, VpcId: !Ref Vpc}}\n",
          ":7:82: error: T.TargetType: 'instanse' is not instance, ip, alb or lambda (did you mean instance?)"},
      Row{"  T: {Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {Port: 70000, VpcId: !Ref Vpc}}\n",
          ":7:76: error: T.Port: port 70000 is out of range (1-65535)"},
      Row{"  T: {Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {VpcId: !Ref Vpc, Targets: [{Id: i-nope}]}}\n",
          ":7:102: error: T.Targets.Id: no instance 'i-nope' in the loaded stacks"},
      Row{"  T: {Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {TargetType: ip, VpcId: !Ref Vpc, "
          "Targets: [{Id: 10.0.1.300}]}}\n",
          ":7:118: error: T.Targets.Id: '10.0.1.300' is not an IPv4 address"},
      Row{"  L: {Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {Type: network, Subnets: [!Ref A]}}\n"
          "  H: {Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: {LoadBalancerArn: !Ref L, Protocol: HTTP,"
          " Port: 80, DefaultActions: [{Type: fixed-response}]}}\n",
          ":8:102: error: H.Protocol: 'HTTP' is not a protocol of a network load balancer (TCP, TLS, UDP, TCP_UDP, "
          "QUIC, TCP_QUIC)"},
      Row{"  L: {Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {Subnets: [!Ref A, !Ref B]}}\n"
          "  H: {Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: {LoadBalancerArn: !Ref L, Protocol: HTTP,"
          " Port: 80, DefaultActions: [{Type: forward, TargetGroupArn: tg-missing}]}}\n",
          ":8:135: error: H.DefaultActions: no target group 'tg-missing' in the loaded stacks"},
      Row{"  V: {Type: 'AWS::EC2::VPC', Properties: {CidrBlock: 10.1.0.0/16}}\n"
          "  T: {Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {Name: other, VpcId: !Ref V}}\n"
          "  L: {Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {Type: network, Subnets: [!Ref A]}}\n"
          "  H: {Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: {LoadBalancerArn: !Ref L, Protocol: TCP,"
          " Port: 80, DefaultActions: [{Type: forward, TargetGroupArn: !Ref T}]}}\n",
          ":10:134: error: H.DefaultActions: target group targetgroup/other/" + hashOf("T") + " is in vpc " +
              stableSyntheticId("vpc-", "shop/V") + ", not " + stableSyntheticId("vpc-", "shop/Vpc")},
  }));
  CAPTURE(body);
  auto path = writeTemplate("bad.yaml", kBase + body);
  auto loaded = load(path);
  CHECK_FALSE(loaded.ok);
  CHECK(loaded.errors == std::vector<std::string>{path.string() + expected});
}

}  // namespace vpcsim::topology

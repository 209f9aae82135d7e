// Reference resolution: every form of docs/cli.md "References", resolved, unknown, ambiguous and empty.
#include "topology/reference.h"

#include <string>
#include <tuple>

#include <catch2/catch.hpp>
#include <fmt/format.h>

namespace vpcsim::topology {
namespace {

ResourceMeta meta(std::string id, std::string name = "", std::string logical_id = "") {
  ResourceMeta m;
  m.id = std::move(id);
  m.name = std::move(name);
  m.logical_id = std::move(logical_id);
  return m;
}

/// Name tag `app` on a subnet, a group and an interface; `web` on an
/// interface and its instance; `twin` on two subnets; `studio` a domain.
Topology sample() {
  Topology topo;
  topo.vpcs.push_back({meta("vpc-1", "main"), {*Cidr::parse("10.0.0.0/16")}, {}, {}, true, false, false});
  auto subnet = [&](std::string id, std::string name, std::string logical, const char* cidr) {
    Subnet s;
    s.meta = meta(std::move(id), std::move(name), std::move(logical));
    s.vpc_id = "vpc-1";
    s.cidr = *Cidr::parse(cidr);
    topo.subnets.push_back(s);
  };
  subnet("subnet-1", "app", "AppSubnet", "10.0.1.0/24");
  subnet("subnet-2", "data", "", "10.0.2.0/24");
  subnet("subnet-3", "twin", "", "10.0.3.0/24");
  subnet("subnet-4", "twin", "", "10.0.4.0/24");
  auto group = [&](std::string id, std::string name, std::string group_name, std::string logical) {
    SecurityGroup g;
    g.meta = meta(std::move(id), std::move(name), std::move(logical));
    g.group_name = std::move(group_name);
    g.vpc_id = "vpc-1";
    topo.security_groups.push_back(g);
  };
  group("sg-1", "", "default", "");
  group("sg-2", "app", "web-sg", "WebGroup");
  group("sg-3", "", "default", "");  // another VPC's default group, by name
  auto eni = [&](std::string id, std::string name, std::string subnet_id, const char* ip, std::string instance) {
    Eni e;
    e.meta = meta(std::move(id), std::move(name));
    e.subnet_id = std::move(subnet_id);
    e.vpc_id = "vpc-1";
    if (ip != nullptr) e.private_ips.push_back(*Ipv4::parse(ip));
    e.instance_id = std::move(instance);
    topo.enis.push_back(e);
  };
  eni("eni-1", "app", "subnet-1", "10.0.1.10", "");
  eni("eni-2", "web", "subnet-2", "10.0.2.20", "i-1");
  Instance instance;
  instance.meta = meta("i-1", "web");
  instance.eni_ids = {"eni-2", "eni-gone"};
  topo.instances.push_back(instance);
  StudioDomain domain;
  domain.meta = meta("d-1", "studio");
  topo.studio_domains.push_back(domain);
  topo.user_profiles.push_back({"studio", "ds", "", {}});
  LoadBalancer lb;
  lb.meta = meta("net/edge/1a2b", "edge", "EdgeNlb");
  lb.arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/edge/1a2b";
  lb.type = LoadBalancerType::kNetwork;
  lb.dns_name = "edge-1a2b.elb.us-east-1.amazonaws.com";
  topo.load_balancers.push_back(lb);
  topo.jobs.push_back({"train", "training", false, {}, {}, false, 1, ""});
  topo.jobs.push_back({"twin-job", "training", false, {}, {}, false, 1, ""});
  topo.jobs.push_back({"twin-job", "processing", false, {}, {}, false, 1, ""});
  topo.finalize();
  return topo;
}

/// "kind what" for a resolved reference, "error: message" otherwise.
std::string outcome(const Result<Resolved>& resolved) {
  if (!resolved) return "error: " + resolved.error();
  const Resolved& r = *resolved;
  switch (r.kind) {
    case Resolved::Kind::kInterface: return "interface " + r.eni->meta.id;
    case Resolved::Kind::kInstance: {
      std::string out = "instance " + r.instance->meta.id;
      for (const Eni* eni : r.interfaces) out += " " + eni->meta.id;
      return out;
    }
    case Resolved::Kind::kSubnet: return "subnet " + r.subnet->meta.id;
    case Resolved::Kind::kSecurityGroup: return "security group " + r.group->meta.id;
    case Resolved::Kind::kAddress: return "address " + r.address.str();
    case Resolved::Kind::kInternet: return "internet";
    case Resolved::Kind::kPypi: return "pypi";
    case Resolved::Kind::kService: return "service " + r.name;
    case Resolved::Kind::kHost: return "host " + r.name;
    case Resolved::Kind::kNotebook: return "notebook " + r.domain->meta.id + (r.profile ? "/" + r.profile->name : "");
    case Resolved::Kind::kJob: return "job " + r.job->name;
    case Resolved::Kind::kLoadBalancer: return "load balancer " + r.load_balancer->meta.id;
  }
  return "?";
}

constexpr ReferenceRole kSource = ReferenceRole::kSource;
constexpr ReferenceRole kDestination = ReferenceRole::kDestination;
constexpr ReferenceRole kGroup = ReferenceRole::kSecurityGroup;

}  // namespace

TEST_CASE("every reference form resolves, or fails with one rule for unknown, ambiguous and empty", "[reference]") {
  auto [reference, role, expected] = GENERATE(table<std::string, ReferenceRole, std::string>({
      // interfaces: ID, Name tag (bare and name:)
      {"eni-1", kSource, "interface eni-1"},
      {"eni-2", kDestination, "interface eni-2"},
      {"eni-11", kSource, "error: source 'eni-11' is not in the input (did you mean 'eni-1'?)"},
      {"eni-9", kDestination, "error: destination 'eni-9' is not in the input (did you mean 'eni-1'?)"},
      // instances: their interfaces in the input, device order
      {"i-1", kSource, "instance i-1 eni-2"},
      {"i-2", kSource, "error: source 'i-2' is not in the input (did you mean 'i-1'?)"},
      // subnets: subnet:ID, subnet:logical ID, subnet:Name tag, subnet:name:TAG, bare subnet-, bare names
      {"subnet:subnet-2", kSource, "subnet subnet-2"},
      {"subnet:AppSubnet", kSource, "subnet subnet-1"},
      {"subnet:app", kDestination, "subnet subnet-1"},
      {"subnet:name:data", kSource, "subnet subnet-2"},
      {"subnet-2", kSource, "subnet subnet-2"},
      {"data", kDestination, "subnet subnet-2"},
      {"AppSubnet", kSource, "subnet subnet-1"},
      {"subnet:dato", kSource, "error: subnet 'dato' is not in the input (did you mean 'data'?)"},
      {"subnet:name:dat", kSource, "error: subnet 'name:dat' is not in the input (did you mean 'name:data'?)"},
      {"subnet:twin", kSource, "error: 'twin' matches 2 resources: subnet-3 (subnet), subnet-4 (subnet)"},
      {"subnet:sg-2", kSource, "error: 'sg-2' names sg-2 (security group), not a subnet"},
      // one ambiguity rule: every candidate with its kind, kind order
      {"name:app", kSource, "error: 'name:app' matches 2 resources: subnet-1 (subnet), eni-1 (network interface)"},
      {"app", kDestination, "error: 'app' matches 2 resources: subnet-1 (subnet), eni-1 (network interface)"},
      {"web", kSource, "error: 'web' matches 2 resources: eni-2 (network interface), i-1 (instance)"},
      {"twin", kSource, "error: 'twin' matches 2 resources: subnet-3 (subnet), subnet-4 (subnet)"},
      // a resource no source can be
      {"vpc-1", kSource, "error: 'vpc-1' names vpc-1 (vpc), not a source"},
      {"main", kDestination, "error: 'main' names vpc-1 (vpc), not a destination"},
      {"WebGroup", kSource, "error: 'WebGroup' names sg-2 (security group), not a source"},
      // security groups: ID, logical ID, Name tag, group name
      {"sg-2", kGroup, "security group sg-2"},
      {"WebGroup", kGroup, "security group sg-2"},
      {"app", kGroup, "security group sg-2"},
      {"name:app", kGroup, "security group sg-2"},
      {"web-sg", kGroup, "security group sg-2"},
      {"name:web-sg", kGroup, "error: security group 'name:web-sg' is not in the input"},
      {"default", kGroup, "error: 'default' matches 2 resources: sg-1 (security group), sg-3 (security group)"},
      {"subnet-1", kGroup, "error: 'subnet-1' names subnet-1 (subnet), not a security group"},
      {"web-sq", kGroup, "error: security group 'web-sq' is not in the input (did you mean 'web-sg'?)"},
      // addresses and the outside world
      {"ip:10.0.1.10", kSource, "address 10.0.1.10"},
      {"ip:8.8.8.8", kDestination, "address 8.8.8.8"},
      {"ip:10.0.0.256", kSource, "error: '10.0.0.256' is not an IPv4 address"},
      {"ip:2001:db8::1", kDestination, "address 2001:db8::1"},
      {"ip:2001:DB8:0:0:0:0:0:1", kSource, "address 2001:db8::1"},
      {"ip:2001:db8::1::2", kDestination, "error: '2001:db8::1::2' is not an IPv6 address"},
      {"internet", kSource, "internet"},
      {"internet", kDestination, "internet"},
      {"pypi", kDestination, "pypi"},
      {"pypi", kSource, "error: 'pypi' can only be a destination"},
      {"service:ssm", kDestination, "service ssm"},
      {"service:ssm", kSource, "error: 'service:ssm' can only be a destination"},
      {"host:pypi.org", kDestination, "host pypi.org"},
      // load balancers: lb: by name, ID, ARN or logical ID; host: with the DNS name (any case)
      {"lb:edge", kDestination, "load balancer net/edge/1a2b"},
      {"lb:net/edge/1a2b", kDestination, "load balancer net/edge/1a2b"},
      {"lb:arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/edge/1a2b", kDestination,
       "load balancer net/edge/1a2b"},
      {"lb:EdgeNlb", kDestination, "load balancer net/edge/1a2b"},
      {"host:EDGE-1a2b.elb.us-east-1.amazonaws.com", kDestination, "load balancer net/edge/1a2b"},
      {"lb:edgy", kDestination, "error: load balancer 'edgy' is not in the input (did you mean 'edge'?)"},
      {"lb:edge", kSource, "error: 'lb:edge' can only be a destination"},
      // SageMaker workloads
      {"notebook:studio", kSource, "notebook d-1"},
      {"notebook:d-1/ds", kDestination, "notebook d-1/ds"},
      {"notebook:stdio", kSource, "error: studio domain 'stdio' is not in the input (did you mean 'studio'?)"},
      {"notebook:studio/dz", kSource, "error: user profile 'dz' is not in domain studio (did you mean 'ds'?)"},
      {"job:train", kSource, "job train"},
      {"job:trian", kSource, "error: job 'trian' is not in the input (did you mean 'train'?)"},
      {"job:twin-job", kSource,
       "error: 'job:twin-job' matches 2 resources: twin-job (training job), twin-job (processing job)"},
      // an empty reference is an error, never a match
      {"", kSource, "error: source reference '' is empty"},
      {"", kDestination, "error: destination reference '' is empty"},
      {"", kGroup, "error: security group reference '' is empty"},
      {"name:", kSource, "error: source reference 'name:' is empty"},
      {"subnet:", kSource, "error: subnet reference 'subnet:' is empty"},
      {"subnet:name:", kDestination, "error: subnet reference 'name:' is empty"},
      {"ip:", kDestination, "error: address reference 'ip:' is empty"},
      {"service:", kDestination, "error: service reference 'service:' is empty"},
      {"host:", kDestination, "error: host reference 'host:' is empty"},
      {"lb:", kDestination, "error: load balancer reference 'lb:' is empty"},
      {"notebook:", kSource, "error: studio domain reference 'notebook:' is empty"},
      {"notebook:/ds", kSource, "error: studio domain reference 'notebook:/ds' is empty"},
      {"notebook:studio/", kSource, "error: user profile reference 'notebook:studio/' is empty"},
      {"job:", kSource, "error: job reference 'job:' is empty"},
  }));
  CAPTURE(reference, static_cast<int>(role));
  static const Topology topo = sample();
  CHECK(outcome(resolveReference(topo, reference, role)) == expected);
}

TEST_CASE("lookUpResource gives scenarios a code and names the variant after the reference", "[reference]") {
  const Topology topo = sample();
  auto [text, kinds_word, code, message] = GENERATE(table<std::string, std::string, std::string, std::string>({
      {"twin", "subnet", "ambiguous-reference", "'twin' in variant 'v' matches 2 resources: subnet-3 (subnet), subnet-4 (subnet)"},
      {"dato", "subnet", "unknown-reference", "subnet 'dato' in variant 'v' is not in the input (did you mean 'data'?)"},
      {"", "subnet", "empty-reference", "subnet reference '' is empty"},
      {"main", "subnet", "unknown-reference", "'main' in variant 'v' names vpc-1 (vpc), not a subnet"},
  }));
  CAPTURE(text);
  auto found = lookUpResource(topo, text, {{ResourceKind::kSubnet}, kinds_word, " in variant 'v'", false});
  const auto* error = std::get_if<ReferenceError>(&found);
  REQUIRE(error != nullptr);
  CHECK(error->code() == code);
  CHECK(error->message == message);
}

TEST_CASE("an ID names its resource even when a Name tag elsewhere repeats it", "[reference]") {
  Topology topo = sample();
  topo.subnets[1].meta.name = "eni-1";  // subnet-2 tagged with an interface's ID
  topo.finalize();
  auto resolved = resolveReference(topo, "eni-1", ReferenceRole::kSource);
  REQUIRE(resolved);
  CHECK(resolved->kind == Resolved::Kind::kInterface);
  CHECK(resolved->eni->meta.id == "eni-1");
}

TEST_CASE("securityGroupIds resolves each reference in order or reports the first failure", "[reference]") {
  const Topology topo = sample();
  auto ids = securityGroupIds(topo, {"WebGroup", "sg-1"});
  REQUIRE(ids);
  CHECK(*ids == std::vector<std::string>{"sg-2", "sg-1"});
  auto bad = securityGroupIds(topo, {"sg-1", "default"});
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == "'default' matches 2 resources: sg-1 (security group), sg-3 (security group)");
}

}  // namespace vpcsim::topology

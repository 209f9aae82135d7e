// Source planning: what each resolved source reference starts from, for reach and verify alike.
#include "sim/sources.h"

#include <string>

#include <catch2/catch.hpp>

#include "sim/network_index.h"

namespace vpcsim::sim {
namespace {

using namespace topology;

ResourceMeta meta(std::string id, std::string name = "") {
  ResourceMeta m;
  m.id = std::move(id);
  m.name = std::move(name);
  return m;
}

/// vpc-1 with subnets 10.0.1.0/24 (eni-1 at .4 and .10, public 54.0.0.1 for
/// .10; eni-2 without address) and 10.0.2.0/24; groups sg-default and sg-web;
/// instance i-1 on eni-1; a VpcOnly and a PublicInternetOnly domain; jobs.
Topology sample() {
  Topology topo;
  Vpc vpc;
  vpc.meta = meta("vpc-1");
  vpc.cidrs = {*Cidr::parse("10.0.0.0/16")};
  topo.vpcs.push_back(vpc);
  for (auto [id, cidr] : {std::pair{"subnet-1", "10.0.1.0/24"}, std::pair{"subnet-2", "10.0.2.0/24"}}) {
    Subnet subnet;
    subnet.meta = meta(id, id == std::string("subnet-1") ? "app" : "");
    subnet.vpc_id = "vpc-1";
    subnet.cidr = *Cidr::parse(cidr);
    topo.subnets.push_back(subnet);
  }
  for (auto [id, name] : {std::pair{"sg-default", "default"}, std::pair{"sg-web", "web"}}) {
    SecurityGroup group;
    group.meta = meta(id);
    group.group_name = name;
    group.vpc_id = "vpc-1";
    topo.security_groups.push_back(group);
  }
  Eni one;
  one.meta = meta("eni-1");
  one.subnet_id = "subnet-1";
  one.vpc_id = "vpc-1";
  one.private_ips = {*Ipv4::parse("10.0.1.4"), *Ipv4::parse("10.0.1.10")};
  one.public_ips = {{*Ipv4::parse("10.0.1.10"), *Ipv4::parse("54.0.0.1"), false}};
  one.instance_id = "i-1";
  topo.enis.push_back(one);
  Eni two;
  two.meta = meta("eni-2");
  two.subnet_id = "subnet-1";
  two.vpc_id = "vpc-1";
  topo.enis.push_back(two);
  Instance instance;
  instance.meta = meta("i-1");
  instance.eni_ids = {"eni-1"};
  topo.instances.push_back(instance);
  StudioDomain vpc_only;
  vpc_only.meta = meta("d-1", "studio");
  vpc_only.network_mode = StudioNetworkMode::kVpcOnly;
  vpc_only.subnet_ids = {"subnet-1", "subnet-2"};
  vpc_only.security_group_ids = {"sg-default"};
  topo.studio_domains.push_back(vpc_only);
  StudioDomain public_domain;
  public_domain.meta = meta("d-2", "public");
  topo.studio_domains.push_back(public_domain);
  topo.user_profiles.push_back({"studio", "ds", "", {"sg-web", "sg-default"}});
  topo.jobs.push_back({"in-vpc", "processing", true, {"subnet-2"}, {"web"}, false, 1, ""});
  topo.jobs.push_back({"bad-group", "processing", true, {"subnet-2"}, {"sg-gone"}, false, 1, ""});
  topo.jobs.push_back({"no-vpc", "training", false, {}, {}, false, 1, ""});
  topo.jobs.push_back({"isolated", "training", true, {"subnet-2"}, {"web"}, true, 1, ""});
  topo.finalize();
  return topo;
}

std::string describe(const PlannedSource& source) {
  switch (source.kind) {
    case PlannedSource::Kind::kInterface:
      return source.eni->meta.id + (source.address ? " at " + source.address->str() : "") +
             (source.subnet != nullptr ? " in " + source.subnet->meta.id : "");
    case PlannedSource::Kind::kNewInterface: {
      std::string groups;
      for (const auto& id : source.endpoint.security_group_ids) groups += (groups.empty() ? "" : ",") + id;
      return "new in " + source.subnet->meta.id + " [" + groups + "] '" + source.endpoint.label + "'";
    }
    case PlannedSource::Kind::kOutside:
      return "outside " + source.endpoint.address.str() + " '" + source.endpoint.label + "'";
    case PlannedSource::Kind::kPlatformNetwork: return "platform '" + source.endpoint.label + "'";
    case PlannedSource::Kind::kIsolated: return "isolated '" + source.endpoint.label + "'";
  }
  return "?";
}

std::string plan(const Network& network, const std::string& reference, const SourceOptions& options) {
  auto resolved = resolveReference(network.topology(), reference, ReferenceRole::kSource);
  if (!resolved) return "error: " + resolved.error();
  SourcePlanner planner(network);
  auto planned = planner.plan(*resolved, options);
  if (!planned) return "error: " + planned.error();
  std::string out;
  for (const auto& source : *planned) out += (out.empty() ? "" : "; ") + describe(source);
  return out;
}

}  // namespace

TEST_CASE("each source reference plans the places its packets start from", "[sources]") {
  const SourceOptions reach_default{SubnetSources::kNewInterface, {}, true};
  const SourceOptions reach_groups{SubnetSources::kNewInterface, {"web"}, true};
  const SourceOptions verify_all{SubnetSources::kEveryInterface, {}, true};
  const SourceOptions verify_existing{SubnetSources::kEveryInterface, {}, false};
  auto [reference, options, expected] = GENERATE_COPY(table<std::string, SourceOptions, std::string>({
      {"subnet:app", reach_default, "new in subnet-1 [sg-default] 'new interface in subnet-1 (app)'"},
      {"subnet:app", reach_groups, "new in subnet-1 [sg-web] 'new interface in subnet-1 (app)'"},
      {"subnet-1", verify_all,
       "eni-1 in subnet-1; eni-2 in subnet-1; new in subnet-1 [sg-default] 'new interface in subnet-1 with "
       "sg-default'; new in subnet-1 [sg-web] 'new interface in subnet-1 with sg-web'"},
      {"subnet-1", verify_existing, "eni-1 in subnet-1; eni-2 in subnet-1"},
      {"ip:10.0.1.10", reach_default, "eni-1 at 10.0.1.10"},
      {"ip:54.0.0.1", reach_default, "eni-1 at 10.0.1.10"},
      {"ip:8.8.4.4", reach_default, "outside 8.8.4.4 'internet host 8.8.4.4'"},
      {"ip:192.168.0.1", reach_default, "outside 192.168.0.1 'outside host 192.168.0.1'"},
      {"internet", reach_default, "outside 1.1.1.1 'internet'"},
      {"eni-1", reach_default, "eni-1"},
      {"eni-2", reach_default, "error: interface eni-2 has no private address"},
      {"i-1", verify_all, "eni-1"},
      {"notebook:studio", reach_default,
       "new in subnet-1 [sg-default] 'notebook:studio in subnet-1'; new in subnet-2 [sg-default] 'notebook:studio in "
       "subnet-2'"},
      {"notebook:studio/ds", verify_all,
       "new in subnet-1 [sg-default,sg-web] 'notebook:studio/ds in subnet-1'; new in subnet-2 [sg-default,sg-web] "
       "'notebook:studio/ds in subnet-2'"},
      {"notebook:public", reach_default, "platform 'notebook:public'"},
      {"job:in-vpc", verify_all, "new in subnet-2 [sg-web] 'job:in-vpc in subnet-2'"},
      {"job:bad-group", reach_default, "error: security group 'sg-gone' is not in the input"},
      {"job:no-vpc", reach_default, "platform 'job:no-vpc'"},
      {"job:isolated", reach_default, "isolated 'job:isolated'"},
  }));
  CAPTURE(reference);
  static const Topology topo = sample();
  static const Network network(topo);
  CHECK(plan(network, reference, options) == expected);
}

TEST_CASE("a subnet without a default group needs named groups for a new interface", "[sources]") {
  Topology topo = sample();
  topo.security_groups.erase(topo.security_groups.begin());  // sg-default
  Network network(topo);
  CHECK(plan(network, "subnet:app", {SubnetSources::kNewInterface, {}, true}) ==
        "error: vpc-1 has no default security group in the input; name groups with --security-groups");
  CHECK(plan(network, "subnet:app", {SubnetSources::kNewInterface, {"sg-web"}, true}) ==
        "new in subnet-1 [sg-web] 'new interface in subnet-1 (app)'");
}

TEST_CASE("new interfaces get the lowest free addresses after the four reserved", "[sources]") {
  const Topology topo = sample();
  Network network(topo);
  AddressPicker picker(network);
  const Subnet& app = *topo.findSubnet("subnet-1");
  CHECK(picker.next(app).str() == "10.0.1.5");  // .4 is eni-1's
  CHECK(picker.next(app).str() == "10.0.1.6");
  CHECK(picker.next(*topo.findSubnet("subnet-2")).str() == "10.0.2.4");
}

TEST_CASE("placeWorkload merges a profile's groups into its domain's, once each", "[sources]") {
  const Topology topo = sample();
  auto notebook = resolveReference(topo, "notebook:studio/ds", ReferenceRole::kSource);
  REQUIRE(notebook);
  auto placement = placeWorkload(topo, *notebook);
  REQUIRE(placement);
  CHECK(placement->kind == WorkloadPlacement::Kind::kSubnets);
  CHECK(placement->security_group_ids == std::vector<std::string>{"sg-default", "sg-web"});
  CHECK(placement->subnets.size() == 2);
}

}  // namespace vpcsim::sim

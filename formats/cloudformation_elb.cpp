// CloudFormation Elastic Load Balancing v2: load balancers, listeners, listener rules and target groups, their ARNs and attributes.
#include "formats/cloudformation_loader.h"

#include "topology/aws_defaults.h"
#include "topology/suggest.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace vpcsim::formats::cfn {

using namespace vpcsim::topology;  // the model this format fills

namespace {

// Fn::GetAtt names of each type (AWS CloudFormation Template Reference,
// AWS::ElasticLoadBalancingV2::*, "Return values").
const std::vector<std::string>* elbAttributes(std::string_view type) {
  static const std::vector<std::string> kLoadBalancer = {"CanonicalHostedZoneID", "DNSName", "LoadBalancerArn",
                                                         "LoadBalancerFullName", "LoadBalancerName", "SecurityGroups"};
  static const std::vector<std::string> kListener = {"ListenerArn"};
  static const std::vector<std::string> kRule = {"IsDefault", "RuleArn"};
  static const std::vector<std::string> kTargetGroup = {"LoadBalancerArns", "TargetGroupArn", "TargetGroupFullName",
                                                        "TargetGroupName"};
  if (type == "AWS::ElasticLoadBalancingV2::LoadBalancer") return &kLoadBalancer;
  if (type == "AWS::ElasticLoadBalancingV2::Listener") return &kListener;
  if (type == "AWS::ElasticLoadBalancingV2::ListenerRule") return &kRule;
  if (type == "AWS::ElasticLoadBalancingV2::TargetGroup") return &kTargetGroup;
  return nullptr;
}

/// What follows ":" + `type` + "/" in an Elastic Load Balancing ARN; the whole text when it has no such part.
std::string afterArnType(const std::string& arn, std::string_view type) {
  std::string marker = fmt::format(":{}/", type);
  std::size_t at = arn.find(marker);
  return at == std::string::npos ? arn : arn.substr(at + marker.size());
}

template <typename T>
T* byArn(std::vector<T>& mine, std::vector<T>& existing, std::string_view arn) {
  for (auto* list : {&mine, &existing}) {
    for (auto& item : *list) {
      if (item.arn == arn) return &item;
    }
  }
  return nullptr;
}

void addUnique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

bool isElbType(std::string_view type) { return elbAttributes(type) != nullptr; }

// ---- names and ARNs (Ref and Fn::GetAtt read them before the resource is built) --------------

// The raw (unevaluated) property `key`, for placing an error.
const Value* CfnLoader::rawProp(const Resource& r, std::string_view key) const {
  const Value* properties = r.node->find("Properties");
  return properties != nullptr ? properties->find(key) : nullptr;
}

// Sixteen hex digits of the stack and logical ID: the HASH of "net/NAME/HASH".
std::string CfnLoader::elbHash(const Resource& r) const {
  return fmt::format("{:016x}", fnv1a(stack_->name + "/" + r.logical));
}

// Name, else what CloudFormation generates: a load balancer or target group
// name has at most 32 characters (Template Reference, Name).
std::string CfnLoader::elbName(Resource& r) { return ownText(r, "Name").value_or(generatedName(r, 32)); }

// Type, "application" by default (Template Reference, AWS::ElasticLoadBalancingV2::LoadBalancer).
LoadBalancerType CfnLoader::elbType(Resource& r) {
  std::string text = ownText(r, "Type").value_or("application");
  if (auto type = parseLoadBalancerType(text)) return *type;
  const Value* at = rawProp(r, "Type");
  std::array<std::string_view, 3> names = {"application", "network", "gateway"};
  fail(at != nullptr ? at->mark : r.mark,
       fmt::format("{}.Type: '{}' is not application, network or gateway{}", r.logical, text,
                   didYouMean(text, names, Closeness::kLoose, false)),
       "bad-value");
}

// The model ID: "net/NAME/HASH", "targetgroup/NAME/HASH", or a listener's / rule's ARN.
std::string CfnLoader::elbId(Resource& r) {
  if (r.type == "AWS::ElasticLoadBalancingV2::LoadBalancer") {
    return fmt::format("{}/{}/{}", loadBalancerIdPrefix(elbType(r)), elbName(r), elbHash(r));
  }
  if (r.type == "AWS::ElasticLoadBalancingV2::TargetGroup") {
    return fmt::format("targetgroup/{}/{}", elbName(r), elbHash(r));
  }
  return elbArnOf(r);
}

// What Ref returns: the ARN of each of the four types (Template Reference, "Return values").
std::string CfnLoader::elbArnOf(Resource& r) {
  if (r.type == "AWS::ElasticLoadBalancingV2::LoadBalancer") return elbArn(region_, account_, "loadbalancer/" + elbId(r));
  if (r.type == "AWS::ElasticLoadBalancingV2::TargetGroup") return elbArn(region_, account_, elbId(r));
  if (r.type == "AWS::ElasticLoadBalancingV2::Listener") {
    std::string balancer = afterArnType(ownText(r, "LoadBalancerArn").value_or(""), "loadbalancer");
    return elbArn(region_, account_, fmt::format("listener/{}/{}", balancer, elbHash(r)));
  }
  std::string listener = afterArnType(ownText(r, "ListenerArn").value_or(""), "listener");
  return elbArn(region_, account_, fmt::format("listener-rule/{}/{}", listener, elbHash(r)));
}

std::optional<std::string> CfnLoader::elbRef(Resource& r) {
  if (!isElbType(r.type)) return std::nullopt;
  return elbArnOf(r);
}

Value CfnLoader::elbAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at) {
  const std::vector<std::string>& names = *elbAttributes(r.type);
  if (std::find(names.begin(), names.end(), attribute) == names.end()) {
    fail(at, fmt::format("!GetAtt {}.{}: {} has no attribute {}{}", r.logical, attribute, r.type, attribute,
                         didYouMean(attribute, names, Closeness::kLoose, false)));
  }
  if (attribute == "DNSName") {
    LoadBalancerType type = elbType(r);
    bool internet_facing = ownText(r, "Scheme").value_or("internet-facing") != "internal";
    return Value::string(loadBalancerDnsName(type, internet_facing, elbName(r), elbHash(r), region_), at);
  }
  if (attribute == "CanonicalHostedZoneID") {
    return Value::string(fmt::format("Z{:012X}", fnv1a("elb-zone/" + region_) & 0xFFFFFFFFFFFFULL), at);
  }
  if (attribute == "LoadBalancerFullName" || attribute == "TargetGroupFullName") return Value::string(elbId(r), at);
  if (attribute == "LoadBalancerName" || attribute == "TargetGroupName") return Value::string(elbName(r), at);
  if (attribute == "SecurityGroups") {
    std::vector<std::string> groups;
    if (const Value* v = props(r).find("SecurityGroups"); v != nullptr && v->kind == Value::Kind::kList) {
      for (const auto& item : v->items) groups.push_back(str(item, r.logical + ".SecurityGroups"));
    }
    return Value::strings(groups, at);
  }
  if (attribute == "IsDefault") return Value::string("false", at);
  if (attribute == "LoadBalancerArns") {
    // The load balancers whose listeners of this stack forward to the group.
    std::string arn = elbArnOf(r);
    std::vector<std::string> balancers;
    for (auto& [logical, other] : stack_->resources) {
      if (!other.active || other.type != "AWS::ElasticLoadBalancingV2::Listener" || other.evaluating) continue;
      const Value* actions = props(other).find("DefaultActions");
      if (actions == nullptr || actions->kind != Value::Kind::kList) continue;
      for (const auto& action : actions->items) {
        std::vector<std::string> groups = forwardTargets(other, action, other.logical + ".DefaultActions");
        if (std::find(groups.begin(), groups.end(), arn) == groups.end()) continue;
        if (auto balancer = ownText(other, "LoadBalancerArn")) addUnique(balancers, *balancer);
      }
    }
    return Value::strings(balancers, at);
  }
  return Value::string(elbArnOf(r), at);
}

// ---- builders ------------------------------------------------------------------------------

// A forward action's target groups: TargetGroupArn, or every group of
// ForwardConfig.TargetGroups (Template Reference, Action and ForwardConfig).
std::vector<std::string> CfnLoader::forwardTargets(Resource& r, const Value& action, const std::string& what) {
  std::vector<std::string> out;
  const Value* type = action.find("Type");
  if (type == nullptr || !type->isScalar() || type->text != "forward") return out;
  if (const Value* single = action.find("TargetGroupArn"); single != nullptr && single->kind != Value::Kind::kNull) {
    out.push_back(str(*single, what + ".TargetGroupArn"));
  }
  const Value* config = action.find("ForwardConfig");
  const Value* groups = config != nullptr ? config->find("TargetGroups") : nullptr;
  if (groups != nullptr) {
    for (const auto& group : listOf(*groups, what + ".ForwardConfig.TargetGroups")) {
      const Value* arn = group.find("TargetGroupArn");
      if (arn == nullptr) {
        fail(group.mark.is_null() ? r.mark : group.mark,
             fmt::format("{}.ForwardConfig.TargetGroups: missing TargetGroupArn", what), "missing-property");
      }
      addUnique(out, str(*arn, what + ".ForwardConfig.TargetGroups.TargetGroupArn"));
    }
  }
  return out;
}

// The forward actions of `key` of a listener or rule, each group checked
// against the loaded target groups, which learn the load balancer's ARN
// (describe-target-groups LoadBalancerArns); other action types go to `others`.
std::vector<std::string> CfnLoader::forwardedGroups(Resource& r, std::string_view key, LoadBalancer& lb,
                                                    std::vector<std::string>* others) {
  std::vector<std::string> out;
  const Value* actions = prop(r, key);
  if (actions == nullptr) return out;
  std::string what = fmt::format("{}.{}", r.logical, key);
  for (const auto& action : listOf(*actions, what)) {
    const Value* type = action.find("Type");
    if (type == nullptr) fail(action.mark.is_null() ? r.mark : action.mark, what + ": missing Type", "missing-property");
    std::string type_text = str(*type, what + ".Type");
    if (type_text != "forward") {
      if (others != nullptr) others->push_back(type_text);
      continue;
    }
    std::vector<std::string> groups = forwardTargets(r, action, what);
    if (groups.empty()) {
      fail(action.mark.is_null() ? r.mark : action.mark,
           fmt::format("{}: a forward action needs TargetGroupArn or ForwardConfig.TargetGroups", what),
           "missing-property");
    }
    for (const auto& arn : groups) {
      TargetGroup* group = byArn(out_.target_groups, into_.target_groups, arn);
      if (group == nullptr) {
        fail(action.mark.is_null() ? r.mark : action.mark,
             fmt::format("{}: no target group '{}' in the loaded stacks", what, arn), "unknown-reference");
      }
      // elbv2 API Reference, CreateListener: a load balancer forwards to
      // target groups of its own VPC (a Lambda group has none).
      if (!group->vpc_id.empty() && group->vpc_id != lb.vpc_id) {
        fail(action.mark.is_null() ? r.mark : action.mark,
             fmt::format("{}: target group {} is in vpc {}, not {}", what, group->meta.id, group->vpc_id, lb.vpc_id),
             "conflict");
      }
      addUnique(group->load_balancer_arns, lb.arn);
      addUnique(out, arn);
    }
  }
  return out;
}

void CfnLoader::buildLoadBalancer(Resource& r) {
  LoadBalancer lb;
  lb.type = elbType(r);
  lb.meta = meta(r, elbId(r));
  lb.meta.name = elbName(r);
  lb.arn = elbArnOf(r);
  lb.state = "active";
  // Template Reference, AWS::ElasticLoadBalancingV2::LoadBalancer: Scheme
  // defaults to internet-facing, IpAddressType to ipv4.
  std::string scheme = text(r, "Scheme").value_or("internet-facing");
  if (scheme != "internet-facing" && scheme != "internal") {
    fail(prop(r, "Scheme")->mark, fmt::format("{}.Scheme: '{}' is not internet-facing or internal", r.logical, scheme),
         "bad-value");
  }
  lb.internet_facing = scheme == "internet-facing";
  lb.ip_address_type = text(r, "IpAddressType").value_or("ipv4");
  if (lb.ip_address_type != "ipv4" && lb.ip_address_type != "dualstack" &&
      lb.ip_address_type != "dualstack-without-public-ipv4") {
    fail(prop(r, "IpAddressType")->mark,
         fmt::format("{}.IpAddressType: '{}' is not ipv4, dualstack or dualstack-without-public-ipv4", r.logical,
                     lb.ip_address_type),
         "bad-value");
  }
  lb.dns_name = loadBalancerDnsName(lb.type, lb.internet_facing, lb.meta.name, elbHash(r), region_);

  // Subnets, or SubnetMappings with an Elastic IP (internet-facing NLB) or a
  // private address (internal NLB) per subnet.
  struct Mapping {
    std::string subnet_id;
    const Value* allocation = nullptr;
    const Value* private_ip = nullptr;
    const Value* place = nullptr;
  };
  std::vector<Mapping> mappings;
  const Value* subnets = prop(r, "Subnets");
  const Value* subnet_mappings = prop(r, "SubnetMappings");
  if (subnets != nullptr && subnet_mappings != nullptr) {
    fail(subnet_mappings->mark, fmt::format("{}: give Subnets or SubnetMappings, not both", r.logical), "conflict");
  }
  // The mappings point into `items`, which lives as long as they do.
  std::vector<Value> items;
  if (subnets != nullptr) {
    items = listOf(*subnets, r.logical + ".Subnets");
    for (const auto& item : items) {
      mappings.push_back({str(item, "each entry of " + r.logical + ".Subnets"), nullptr, nullptr, &item});
    }
  } else if (subnet_mappings != nullptr) {
    items = listOf(*subnet_mappings, r.logical + ".SubnetMappings");
    for (const auto& item : items) {
      const Value* id = item.find("SubnetId");
      if (id == nullptr) fail(item.mark, fmt::format("{}.SubnetMappings: missing SubnetId", r.logical), "missing-property");
      mappings.push_back({str(*id, r.logical + ".SubnetMappings.SubnetId"), item.find("AllocationId"),
                          item.find("PrivateIPv4Address"), &item});
    }
  }
  if (mappings.empty()) {
    fail(r.mark, fmt::format("{}: needs Subnets or SubnetMappings", r.logical), "missing-property");
  }
  std::set<std::string> zones_seen;
  for (const auto& mapping : mappings) {
    const YAML::Mark& at = mapping.place->mark.is_null() ? r.mark : mapping.place->mark;
    Subnet* home = subnet(mapping.subnet_id);
    if (home == nullptr) {
      fail(at, fmt::format("{}.Subnets: no subnet '{}' in the loaded stacks", r.logical, mapping.subnet_id),
           "unknown-reference");
    }
    if (lb.vpc_id.empty()) lb.vpc_id = home->vpc_id;
    if (home->vpc_id != lb.vpc_id) {
      fail(at, fmt::format("{}: subnet {} is in vpc {}, not {}", r.logical, mapping.subnet_id, home->vpc_id, lb.vpc_id),
           "conflict");
    }
    // Elastic Load Balancing User Guide: one subnet per Availability Zone.
    if (!zones_seen.insert(home->availability_zone).second) {
      fail(at, fmt::format("{}: already has a subnet in {}", r.logical, home->availability_zone), "conflict");
    }
    LoadBalancerZone zone;
    zone.subnet_id = mapping.subnet_id;
    zone.zone = home->availability_zone;
    if (mapping.allocation != nullptr && mapping.allocation->kind != Value::Kind::kNull) {
      if (!lb.internet_facing || lb.type != LoadBalancerType::kNetwork) {
        fail(mapping.allocation->mark,
             fmt::format("{}.SubnetMappings.AllocationId: only an internet-facing network load balancer takes an "
                         "Elastic IP", r.logical),
             "conflict");
      }
      zone.public_addresses.push_back(eipAddress(str(*mapping.allocation, r.logical + ".SubnetMappings.AllocationId")));
    }
    if (mapping.private_ip != nullptr && mapping.private_ip->kind != Value::Kind::kNull) {
      if (lb.internet_facing || lb.type != LoadBalancerType::kNetwork) {
        fail(mapping.private_ip->mark,
             fmt::format("{}.SubnetMappings.PrivateIPv4Address: only an internal network load balancer takes a "
                         "private address", r.logical),
             "conflict");
      }
    }
    lb.zones.push_back(std::move(zone));
  }

  lb.security_group_ids = texts(r, "SecurityGroups");
  for (const auto& group : lb.security_group_ids) {
    SecurityGroup* sg = need(r, "SecurityGroups", group, "security group", securityGroup(group));
    if (sg != nullptr && sg->vpc_id != lb.vpc_id) {
      fail(prop(r, "SecurityGroups")->mark,
           fmt::format("{}.SecurityGroups: security group {} is in vpc {}, not {}", r.logical, group, sg->vpc_id,
                       lb.vpc_id),
           "conflict");
    }
  }
  if (lb.type == LoadBalancerType::kGateway && !lb.security_group_ids.empty()) {
    fail(prop(r, "SecurityGroups")->mark,
         fmt::format("{}.SecurityGroups: a gateway load balancer has no security groups", r.logical), "conflict");
  }
  if (lb.type == LoadBalancerType::kApplication && lb.security_group_ids.empty()) {
    // Created through the API without security groups, a load balancer in a
    // nondefault VPC gets the VPC's default group (Classic Load Balancers
    // guide, "Configure security groups for your Classic Load Balancer"; an
    // ALB does the same, as ansible-collections/amazon.aws issue 10 reports).
    for (const auto* list : {&out_.security_groups, &into_.security_groups}) {
      for (const auto& sg : *list) {
        if (sg.vpc_id == lb.vpc_id && sg.group_name == "default") lb.security_group_ids.push_back(sg.meta.id);
      }
    }
  }
  lb.attributes = keyValues(r, "LoadBalancerAttributes");
  // A template sets the attributes it lists; every other one keeps its default.
  lb.attributes_known = true;

  // The load balancer's node in each subnet is a network interface Elastic
  // Load Balancing owns, described "ELB <id>" (Elastic Load Balancing User
  // Guide; EC2 User Guide, "Requester-managed network interfaces"), as the
  // NAT gateway's interface is made for it.
  for (std::size_t i = 0; i < lb.zones.size(); ++i) {
    const LoadBalancerZone& zone = lb.zones[i];
    Eni e;
    e.meta = meta(r, makeId("eni-", stack_->name + "/" + r.logical + "/eni/" + zone.subnet_id));
    e.meta.logical_id.clear();
    e.meta.name.clear();
    e.vpc_id = lb.vpc_id;
    e.subnet_id = zone.subnet_id;
    e.availability_zone = zone.zone;
    Resource shadow = r;
    shadow.logical = r.logical + "#" + zone.subnet_id;
    const Value* requested = mappings[i].private_ip;
    if (requested != nullptr && requested->kind == Value::Kind::kNull) requested = nullptr;
    if (auto ip = privateIpFor(shadow, zone.subnet_id, requested)) e.private_ips.push_back(*ip);
    if (requested != nullptr && !e.private_ips.empty()) lb.zones[i].private_addresses.push_back(e.private_ips.front());
    // The nodes of an internet-facing load balancer have public addresses:
    // the zone's Elastic IP, else one AWS assigns (none for
    // dualstack-without-public-ipv4).
    if (lb.internet_facing && lb.ip_address_type != "dualstack-without-public-ipv4" && !e.private_ips.empty()) {
      bool elastic = !zone.public_addresses.empty();
      Ipv4 public_ip = elastic ? zone.public_addresses.front() : eipAddress(e.meta.id);
      e.public_ips.push_back({e.private_ips.front(), public_ip, elastic});
    }
    e.security_group_ids = lb.security_group_ids;
    e.interface_type = lb.type == LoadBalancerType::kNetwork   ? "network_load_balancer"
                       : lb.type == LoadBalancerType::kGateway ? "gateway_load_balancer"
                                                               : "interface";
    e.description = "ELB " + lb.meta.id;
    e.requester_id = "amazon-elb";
    e.source_dest_check = false;
    out_.enis.push_back(std::move(e));
  }
  out_.load_balancers.push_back(std::move(lb));
}

// `key` (LoadBalancerAttributes, TargetGroupAttributes): a list of Key / Value pairs.
std::vector<std::pair<std::string, std::string>> CfnLoader::keyValues(Resource& r, std::string_view key) {
  std::vector<std::pair<std::string, std::string>> out;
  const Value* list = prop(r, key);
  if (list == nullptr) return out;
  std::string what = fmt::format("{}.{}", r.logical, key);
  for (const auto& item : listOf(*list, what)) {
    const Value* name = item.find("Key");
    const Value* value = item.find("Value");
    if (name == nullptr || value == nullptr) {
      fail(item.mark.is_null() ? r.mark : item.mark, fmt::format("{}: each attribute needs Key and Value", what),
           "missing-property");
    }
    out.emplace_back(str(*name, what + ".Key"), str(*value, what + ".Value"));
  }
  return out;
}

// A port property in 1-65535; nullopt when absent.
std::optional<int> CfnLoader::elbPort(Resource& r, std::string_view key) {
  const Value* v = prop(r, key);
  if (v == nullptr) return std::nullopt;
  long long port = integer(*v, fmt::format("{}.{}", r.logical, key));
  if (port < 1 || port > 65535) {
    fail(v->mark, fmt::format("{}.{}: port {} is out of range (1-65535)", r.logical, key, port), "bad-value");
  }
  return static_cast<int>(port);
}

void CfnLoader::buildListener(Resource& r) {
  LbListener listener;
  listener.meta = meta(r, elbArnOf(r));
  listener.load_balancer_arn = *text(r, "LoadBalancerArn", true);
  LoadBalancer* lb = byArn(out_.load_balancers, into_.load_balancers, listener.load_balancer_arn);
  if (lb == nullptr) {
    fail(prop(r, "LoadBalancerArn")->mark,
         fmt::format("{}.LoadBalancerArn: no load balancer '{}' in the loaded stacks", r.logical,
                     listener.load_balancer_arn),
         "unknown-reference");
  }
  // elbv2 API Reference, CreateListener: Protocol and Port are required for
  // Application and Network Load Balancers and not given for Gateway Load
  // Balancers, whose listener takes every port.
  if (lb->type == LoadBalancerType::kGateway) {
    for (const char* key : {"Protocol", "Port"}) {
      if (const Value* v = prop(r, key)) {
        fail(v->mark, fmt::format("{}.{}: a gateway load balancer's listener takes none", r.logical, key), "conflict");
      }
    }
    listener.protocol = "GENEVE";
  } else {
    listener.protocol = *text(r, "Protocol", true);
    if (auto problem = listenerProtocolProblem(lb->type, listener.protocol)) {
      fail(prop(r, "Protocol")->mark, fmt::format("{}.Protocol: {}", r.logical, *problem), "bad-value");
    }
    text(r, "Port", true);
    listener.port = *elbPort(r, "Port");
  }
  if (prop(r, "DefaultActions") == nullptr) {
    fail(r.mark, fmt::format("{}: missing property DefaultActions", r.logical), "missing-property");
  }
  listener.target_group_arns = forwardedGroups(r, "DefaultActions", *lb, &listener.other_actions);
  out_.lb_listeners.push_back(std::move(listener));
}

void CfnLoader::buildListenerRule(Resource& r) {
  std::string listener_arn = *text(r, "ListenerArn", true);
  LbListener* listener = lookup(out_.lb_listeners, into_.lb_listeners, listener_arn);
  if (listener == nullptr) {
    fail(prop(r, "ListenerArn")->mark,
         fmt::format("{}.ListenerArn: no listener '{}' in the loaded stacks", r.logical, listener_arn),
         "unknown-reference");
  }
  if (prop(r, "Actions") == nullptr) fail(r.mark, fmt::format("{}: missing property Actions", r.logical), "missing-property");
  // HTTP conditions (paths, hosts, headers) are not modelled: the listener
  // may forward to every group a rule names (docs/semantics.md).
  LoadBalancer* lb = byArn(out_.load_balancers, into_.load_balancers, listener->load_balancer_arn);
  if (lb == nullptr) {
    fail(prop(r, "ListenerArn")->mark,
         fmt::format("{}.ListenerArn: the load balancer of listener '{}' is not in the loaded stacks", r.logical,
                     listener_arn),
         "unknown-reference");
  }
  for (const auto& arn : forwardedGroups(r, "Actions", *lb, nullptr)) {
    addUnique(listener->rule_target_group_arns, arn);
  }
}

void CfnLoader::buildTargetGroup(Resource& r) {
  TargetGroup group;
  group.meta = meta(r, elbId(r));
  group.meta.name = elbName(r);
  group.arn = elbArnOf(r);
  // Template Reference, AWS::ElasticLoadBalancingV2::TargetGroup: TargetType
  // defaults to instance; Port, Protocol and VpcId are required unless it is lambda.
  group.target_type = text(r, "TargetType").value_or("instance");
  if (std::find(std::begin(kTargetTypes), std::end(kTargetTypes), group.target_type) == std::end(kTargetTypes)) {
    fail(prop(r, "TargetType")->mark,
         fmt::format("{}.TargetType: '{}' is not instance, ip, alb or lambda{}", r.logical, group.target_type,
                     didYouMean(group.target_type, kTargetTypes, Closeness::kLoose, false)),
         "bad-value");
  }
  const bool lambda = group.target_type == "lambda";
  if (auto protocol = text(r, "Protocol")) {
    if (std::find(std::begin(kTargetGroupProtocols), std::end(kTargetGroupProtocols), *protocol) ==
        std::end(kTargetGroupProtocols)) {
      fail(prop(r, "Protocol")->mark,
           fmt::format("{}.Protocol: '{}' is not a target group protocol{}", r.logical, *protocol,
                       didYouMean(*protocol, kTargetGroupProtocols, Closeness::kLoose, false)),
           "bad-value");
    }
    group.protocol = *protocol;
  }
  group.port = elbPort(r, "Port").value_or(0);
  if (!lambda) {
    group.vpc_id = *text(r, "VpcId", true);
    need(r, "VpcId", group.vpc_id, "vpc", vpc(group.vpc_id));
  }
  if (const Value* targets = prop(r, "Targets")) {
    std::string what = r.logical + ".Targets";
    for (const auto& item : listOf(*targets, what)) {
      const YAML::Mark& at = item.mark.is_null() ? r.mark : item.mark;
      const Value* id = item.find("Id");
      if (id == nullptr) fail(at, what + ": missing Id", "missing-property");
      LbTarget target;
      target.id = str(*id, what + ".Id");
      if (group.target_type == "instance" && lookup(out_.instances, into_.instances, target.id) == nullptr) {
        fail(id->mark, fmt::format("{}.Id: no instance '{}' in the loaded stacks", what, target.id), "unknown-reference");
      }
      if (group.target_type == "ip" && !IpAddress::parse(target.id)) {
        fail(id->mark, fmt::format("{}.Id: {}", what, IpAddress::parse(target.id).error()), "bad-ip");
      }
      if (group.target_type == "alb") {
        LoadBalancer* alb = byArn(out_.load_balancers, into_.load_balancers, target.id);
        if (alb == nullptr || alb->type != LoadBalancerType::kApplication) {
          fail(id->mark, fmt::format("{}.Id: no application load balancer '{}' in the loaded stacks", what, target.id),
               "unknown-reference");
        }
      }
      if (const Value* port = item.find("Port"); port != nullptr && port->kind != Value::Kind::kNull) {
        long long n = integer(*port, what + ".Port");
        if (n < 1 || n > 65535) fail(port->mark, fmt::format("{}.Port: port {} is out of range (1-65535)", what, n), "bad-value");
        target.port = static_cast<int>(n);
      }
      if (const Value* zone = item.find("AvailabilityZone"); zone != nullptr && zone->kind != Value::Kind::kNull) {
        target.zone = str(*zone, what + ".AvailabilityZone");
      }
      // A template says nothing of health: unknown, not healthy.
      group.targets.push_back(std::move(target));
    }
  }
  // The template registers exactly the targets it lists.
  group.targets_known = true;
  group.attributes = keyValues(r, "TargetGroupAttributes");
  group.attributes_known = true;
  out_.target_groups.push_back(std::move(group));
}

}  // namespace vpcsim::formats::cfn

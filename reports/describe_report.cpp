// Inventory of a loaded topology: what was modelled and what was ignored.
#include "reports/describe_report.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <fmt/format.h>

#include "policy/lint.h"
#include "sim/estate.h"
#include "reports/json_document.h"
#include "reports/lint_report.h"
#include "topology/safe_text.h"

namespace vpcsim::reports {

using namespace topology;  // escapeText, the model

namespace {

std::vector<std::pair<std::string, size_t>> counts(const Topology& t) {
  return {{"vpcs", t.vpcs.size()},
          {"subnets", t.subnets.size()},
          {"route tables", t.route_tables.size()},
          {"security groups", t.security_groups.size()},
          {"network ACLs", t.network_acls.size()},
          {"internet gateways", t.internet_gateways.size()},
          {"egress-only internet gateways", t.egress_only_internet_gateways.size()},
          {"NAT gateways", t.nat_gateways.size()},
          {"VPC endpoints", t.vpc_endpoints.size()},
          {"network interfaces", t.enis.size()},
          {"instances", t.instances.size()},
          {"prefix lists", t.prefix_lists.size()},
          {"peering connections", t.peering_connections.size()},
          {"transit gateways", t.transit_gateways.size()},
          {"transit gateway attachments", t.tgw_attachments.size()},
          {"transit gateway route tables", t.tgw_route_tables.size()},
          {"VPN gateways", t.vpn_gateways.size()},
          {"VPN connections", t.vpn_connections.size()},
          {"load balancers", t.load_balancers.size()},
          {"load balancer listeners", t.lb_listeners.size()},
          {"target groups", t.target_groups.size()},
          {"studio domains", t.studio_domains.size()},
          {"user profiles", t.user_profiles.size()},
          {"jobs", t.jobs.size()}};
}

template <typename Block>
std::string cidrList(const std::vector<Block>& cidrs) {
  std::string out;
  for (const auto& cidr : cidrs) out += (out.empty() ? "" : ", ") + cidr.str();
  return out;
}

/// "  ipv6 2600:1f18::/56" for the associated IPv6 blocks, then "(ipv6
/// associating: ...)" for each other state; empty when there are none.
std::string ipv6Text(const std::vector<Ipv6Association>& blocks) {
  std::string out;
  if (std::vector<Ipv6Block> associated = associatedIpv6(blocks); !associated.empty()) {
    out += "  ipv6 " + cidrList(associated);
  }
  std::map<std::string, std::vector<Ipv6Block>> others;
  for (const auto& association : blocks) {
    if (!association.associated()) others[association.state].push_back(association.block);
  }
  for (const auto& [state, list] : others) out += fmt::format("  (ipv6 {}: {})", state, cidrList(list));
  return out;
}


/// One resource of the inventory: its kind, identity and a short detail.
struct InventoryItem {
  std::string_view kind;  ///< "route table", "security group", ...
  const ResourceMeta* meta = nullptr;
  std::string detail;
};

/// "1 route", "2 routes"; "1 entry", "2 entries".
std::string count(size_t n, std::string_view one, std::string_view many = {}) {
  if (n == 1) return fmt::format("1 {}", one);
  return many.empty() ? fmt::format("{} {}s", n, one) : fmt::format("{} {}", n, many);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

/// The resources of `vpc_id` users name in scopes, references and scenario
/// edits (empty: those of no single VPC), in kind order then ID order.
std::vector<InventoryItem> inventory(const Topology& t, const std::string& vpc_id) {
  std::vector<InventoryItem> out;
  const bool shared = vpc_id.empty();
  auto in = [&](const std::vector<std::string>& ids) { return std::find(ids.begin(), ids.end(), vpc_id) != ids.end(); };
  for (const auto& table : t.route_tables) {
    if (table.vpc_id != vpc_id) continue;
    std::string detail = count(table.routes.size(), "route");
    if (table.main) detail += ", main";
    if (!table.subnet_ids.empty()) detail += ", subnets " + joined(table.subnet_ids);
    if (!table.gateway_ids.empty()) detail += ", edge " + joined(table.gateway_ids);
    std::vector<std::string> ipv6_routes;
    for (const auto& route : table.routes) {
      if (route.destination_ipv6) {
        ipv6_routes.push_back(fmt::format("{} -> {}{}", route.destination_ipv6->str(), route.target_id,
                                          route.blackhole ? " (blackhole)" : ""));
      }
    }
    if (!ipv6_routes.empty()) detail += ", IPv6 " + joined(ipv6_routes);
    out.push_back({"route table", &table.meta, detail});
  }
  for (const auto& group : t.security_groups) {
    if (group.vpc_id != vpc_id) continue;
    out.push_back({"security group", &group.meta,
                   fmt::format("group name {}, {} and {}", group.group_name.empty() ? "-" : group.group_name,
                               count(group.ingress.size(), "inbound rule"), count(group.egress.size(), "outbound rule"))});
  }
  for (const auto& acl : t.network_acls) {
    if (acl.vpc_id != vpc_id) continue;
    std::string detail = count(acl.entries.size(), "entry", "entries");
    if (acl.is_default) detail += ", default";
    if (!acl.subnet_ids.empty()) detail += ", subnets " + joined(acl.subnet_ids);
    out.push_back({"network ACL", &acl.meta, detail});
  }
  for (const auto& gateway : t.internet_gateways) {
    if (shared ? !gateway.vpc_ids.empty() : !in(gateway.vpc_ids)) continue;
    out.push_back({"internet gateway", &gateway.meta, gateway.vpc_ids.empty() ? "detached" : "attached"});
  }
  for (const auto& gateway : t.egress_only_internet_gateways) {
    if (gateway.vpc_id != vpc_id) continue;
    out.push_back({"egress-only internet gateway", &gateway.meta, gateway.vpc_id.empty() ? "detached" : "attached"});
  }
  for (const auto& nat : t.nat_gateways) {
    if (nat.vpc_id != vpc_id) continue;
    std::string addresses;
    for (Ipv4 address : nat.public_ips) addresses += (addresses.empty() ? "" : ", ") + address.str();
    out.push_back({"NAT gateway", &nat.meta,
                   fmt::format("{} in {}{}", nat.is_public ? "public" : "private", nat.subnet_id,
                               addresses.empty() ? "" : ", " + addresses)});
  }
  for (const auto& endpoint : t.vpc_endpoints) {
    if (endpoint.vpc_id != vpc_id) continue;
    out.push_back({"VPC endpoint", &endpoint.meta,
                   fmt::format("{} {}", endpointTypeName(endpoint.type), endpoint.service_name)});
  }
  for (const auto& lb : t.load_balancers) {
    if (lb.vpc_id != vpc_id) continue;
    std::vector<std::string> ports;
    for (const auto& listener : t.lb_listeners) {
      if (listener.load_balancer_arn == lb.arn && !lb.arn.empty()) {
        ports.push_back(fmt::format("{} {}", listener.protocol, listener.port));
      }
    }
    out.push_back({"load balancer", &lb.meta,
                   fmt::format("{} {}, {}, listeners {}", loadBalancerTypeName(lb.type),
                               lb.internet_facing ? "internet-facing" : "internal", count(lb.zones.size(), "zone"),
                               ports.empty() ? "none in the input" : joined(ports))});
  }
  for (const auto& group : t.target_groups) {
    if (group.vpc_id != vpc_id) continue;
    std::size_t healthy = 0;
    std::size_t unknown = 0;  // a template says nothing of health
    for (const auto& target : group.targets) {
      healthy += target.health == "healthy" ? 1U : 0U;
      unknown += target.health.empty() ? 1U : 0U;
    }
    std::string health = unknown == group.targets.size() && unknown > 0 ? std::string("health not in the input")
                                                                        : fmt::format("{} healthy", healthy);
    out.push_back({"target group", &group.meta,
                   fmt::format("{} {} {}, {}", group.target_type, group.protocol, group.port,
                               group.targets_known ? fmt::format("{} ({})", count(group.targets.size(), "target"), health)
                                                   : std::string("targets not in the input"))});
  }
  for (const auto& gateway : t.vpn_gateways) {
    if (shared ? !gateway.vpc_ids.empty() : !in(gateway.vpc_ids)) continue;
    out.push_back({"virtual private gateway", &gateway.meta, gateway.vpc_ids.empty() ? "detached" : "attached"});
  }
  for (const auto& instance : t.instances) {
    const Eni* first = instance.eni_ids.empty() ? nullptr : t.findEni(instance.eni_ids.front());
    if ((first != nullptr ? first->vpc_id : std::string()) != vpc_id) continue;
    out.push_back({"instance", &instance.meta,
                   instance.eni_ids.empty() ? "no interface in the input" : "interfaces " + joined(instance.eni_ids)});
  }
  if (!shared) return out;
  for (const auto& peering : t.peering_connections) {
    out.push_back({"peering connection", &peering.meta,
                   fmt::format("{} <-> {}, {}", peering.requester.vpc_id, peering.accepter.vpc_id, peering.status)});
  }
  for (const auto& gateway : t.transit_gateways) out.push_back({"transit gateway", &gateway.meta, ""});
  for (const auto& attachment : t.tgw_attachments) {
    out.push_back({"transit gateway attachment", &attachment.meta,
                   fmt::format("{} to {} {}", attachment.transit_gateway_id, attachment.resource_type,
                               attachment.resource_id)});
  }
  for (const auto& connection : t.vpn_connections) {
    out.push_back({"VPN connection", &connection.meta,
                   connection.vpn_gateway_id.empty() ? connection.transit_gateway_id : connection.vpn_gateway_id});
  }
  for (const auto& list : t.prefix_lists) {
    if (list.aws_managed) continue;
    out.push_back({"prefix list", &list.meta, count(list.cidrs.size(), "entry", "entries")});
  }
  return out;
}

std::string inventoryText(const std::vector<InventoryItem>& items, std::string_view indent) {
  std::string out;
  for (const auto& item : items) {
    out += fmt::format("{}{:<28} {}{}\n", indent, item.kind, escapeText(displayName(*item.meta)),
                       item.detail.empty() ? "" : "  " + escapeText(item.detail));
  }
  return out;
}

/// The IAM section: each principal, each managed policy (with those only
/// named, whose documents the input lacks), and the kinds not in the input.
struct IamLine {
  std::string_view kind;  ///< "role", "user", "group", "managed policy"
  std::string arn;
  std::string detail;
  bool in_input = true;  ///< false: a managed policy named by a principal whose document is not loaded
};

std::vector<IamLine> iamLines(const IamInventory& iam) {
  std::vector<IamLine> out;
  std::map<std::string, size_t> named;  // managed policy ARN -> principals naming it
  for (const auto& p : iam.principals) {
    std::vector<std::string> parts = {count(p.inline_policies.size(), "inline policy", "inline policies"),
                                      count(p.managed_policy_arns.size(), "managed policy", "managed policies")};
    if (!p.permissions_boundary_arn.empty()) parts.push_back("boundary " + p.permissions_boundary_arn);
    if (!p.groups.empty()) parts.push_back("groups " + joined(p.groups));
    out.push_back({principalKindName(p.kind), p.arn, joined(parts), true});
    for (const auto& arn : p.managed_policy_arns) ++named[arn];
    if (!p.permissions_boundary_arn.empty()) ++named[p.permissions_boundary_arn];
  }
  for (const auto& policy : iam.managed_policies) {
    auto it = named.find(policy.arn);
    size_t users = it == named.end() ? 0 : it->second;
    out.push_back({"managed policy", policy.arn,
                   fmt::format("{}, used by {}", count(policy.document.statements.size(), "statement"),
                               count(users, "principal")),
                   true});
  }
  for (const auto& [arn, users] : named) {
    if (iam.findManagedPolicy(arn) != nullptr) continue;
    out.push_back({"managed policy", arn,
                   fmt::format("used by {}; document not in the input", count(users, "principal")), false});
  }
  auto organizationPolicies = [&](std::string_view kind, const std::vector<OrganizationPolicy>& policies) {
    for (const auto& policy : policies) {
      out.push_back({kind, policy.document.name,
                     fmt::format("{}, {}", count(policy.document.statements.size(), "statement"),
                                 policy.target.empty() ? "level not in the input" : "attached at " + policy.target),
                     true});
    }
  };
  organizationPolicies("SCP", iam.service_control_policies);
  organizationPolicies("RCP", iam.resource_control_policies);
  if (!iam.organization_id.empty()) out.push_back({"organization", iam.organization_id, "aws:PrincipalOrgID", true});
  return out;
}

/// The IAM policy kinds the input does not hold (docs/policies.md, "Inputs").
std::vector<std::string> iamNotInInput(const IamInventory& iam) {
  std::vector<std::string> out;
  if (!iam.principals_loaded) out.emplace_back("principals (roles, users, groups)");
  if (!iam.scps_loaded) out.emplace_back("SCPs");
  if (!iam.rcps_loaded) out.emplace_back("RCPs");
  return out;
}

nlohmann::ordered_json inventoryJson(const std::vector<InventoryItem>& items) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& item : items) {
    out.push_back({{"kind", item.kind},
                   {"id", item.meta->id},
                   {"name", item.meta->name},
                   {"logical_id", item.meta->logical_id},
                   {"detail", item.detail}});
  }
  return out;
}
}  // namespace

std::string describeText(const Topology& t) {
  std::string out = "loaded:\n";
  for (const auto& [what, n] : counts(t)) {
    if (n != 0) out += fmt::format("  {:>6}  {}\n", n, what);
  }
  std::map<std::string, size_t> enis_per_subnet;
  for (const auto& eni : t.enis) ++enis_per_subnet[eni.subnet_id];
  for (const auto& vpc : t.vpcs) {
    out += fmt::format("\n{}  {}  {}{}{}\n", escapeText(displayName(vpc.meta)), cidrList(vpc.cidrs),
                       escapeText(vpc.meta.region.empty() ? t.default_region : vpc.meta.region),
                       vpc.disassociated_cidrs.empty() ? ""
                                                       : "  (disassociated: " + cidrList(vpc.disassociated_cidrs) + ")",
                       escapeText(ipv6Text(vpc.ipv6_blocks)));
    for (const auto& subnet : t.subnets) {
      if (subnet.vpc_id != vpc.meta.id) continue;
      auto found = enis_per_subnet.find(subnet.meta.id);
      size_t enis = found == enis_per_subnet.end() ? 0 : found->second;
      out += fmt::format("  {}  {}  {}  {} interfaces{}{}{}\n", escapeText(displayName(subnet.meta)),
                         subnet.hasIpv4() ? subnet.cidr.str() : std::string("IPv6-only"),
                         escapeText(subnet.availability_zone), enis, subnet.map_public_ip_on_launch ? "  public-ip-on-launch" : "",
                         escapeText(ipv6Text(subnet.ipv6_blocks)),
                         subnet.assign_ipv6_address_on_creation ? "  ipv6-on-creation" : "");
    }
    out += inventoryText(inventory(t, vpc.meta.id), "  ");
  }
  if (std::vector<InventoryItem> shared = inventory(t, ""); !shared.empty()) {
    out += "\nbetween VPCs and outside them:\n" + inventoryText(shared, "  ");
  }
  out += "\nIAM:\n";
  for (const auto& line : iamLines(t.iam)) {
    out += fmt::format("  {:<15} {}  {}\n", line.kind, escapeText(line.arn), escapeText(line.detail));
  }
  if (std::vector<std::string> missing = iamNotInInput(t.iam); !missing.empty()) {
    out += fmt::format("  not in the input: {}\n", joined(missing));
  }
  // Estates: what peerings and attachments join (sim/estate.h), numbered from 1.
  sim::Estates estates = sim::findEstates(t);
  if (!estates.list.empty()) {
    out += fmt::format("\nestates: {}\n", estates.list.size());
    for (size_t i = 0; i < estates.list.size(); ++i) {
      std::string members;
      for (const auto& id : estates.list[i].members) members += (members.empty() ? "" : ", ") + escapeText(id);
      out += fmt::format("  {}  {}\n", i + 1, members);
    }
  }
  // Endpoint-policy lint (policy/lint.h): what AWS refuses or what denies more than meant.
  if (std::vector<policy::PolicyWarning> warnings = policy::lintEndpointPolicies(t); !warnings.empty()) {
    out += fmt::format("\nendpoint policy warnings: {}\n", warnings.size());
    for (const auto& warning : warnings) out += "  " + policyWarningLine(warning) + "\n";
  }
  if (!t.ignored.empty()) {
    out += "\nignored:\n";
    for (const auto& item : t.ignored) {
      out += fmt::format("  {}: {}: {}\n", escapeText(item.location), escapeText(item.what), escapeText(item.reason));
    }
  }
  return out;
}

std::string describeJson(const Topology& t) {
  nlohmann::ordered_json root;
  nlohmann::ordered_json loaded;
  for (const auto& [what, n] : counts(t)) {
    // Keys added with IPv6 appear only when non-zero, so IPv4 inputs read as before.
    if (n != 0 || what != "egress-only internet gateways") loaded[what] = n;
  }
  root["loaded"] = loaded;
  root["vpcs"] = nlohmann::ordered_json::array();
  for (const auto& vpc : t.vpcs) {
    nlohmann::ordered_json item;
    item["id"] = vpc.meta.id;
    item["name"] = vpc.meta.name;
    item["cidrs"] = nlohmann::ordered_json::array();
    for (const auto& cidr : vpc.cidrs) item["cidrs"].push_back(cidr.str());
    if (!vpc.ipv6_blocks.empty()) {
      item["ipv6_cidrs"] = nlohmann::ordered_json::array();
      for (const auto& association : vpc.ipv6_blocks) {
        item["ipv6_cidrs"].push_back({{"cidr", association.block.str()},
                                      {"known", association.block.known()},
                                      {"state", association.state}});
      }
    }
    item["subnets"] = nlohmann::ordered_json::array();
    for (const auto& subnet : t.subnets) {
      if (subnet.vpc_id == vpc.meta.id) item["subnets"].push_back(subnet.meta.id);
    }
    item["resources"] = inventoryJson(inventory(t, vpc.meta.id));
    root["vpcs"].push_back(item);
  }
  root["shared"] = inventoryJson(inventory(t, ""));
  nlohmann::ordered_json iam;
  iam["principals"] = nlohmann::ordered_json::array();
  for (const auto& p : t.iam.principals) {
    iam["principals"].push_back({{"kind", principalKindName(p.kind)},
                                 {"arn", p.arn},
                                 {"name", p.name},
                                 {"path", p.path},
                                 {"inline_policies", p.inline_policies.size()},
                                 {"managed_policies", p.managed_policy_arns.size()},
                                 {"permissions_boundary", p.permissions_boundary_arn}});
  }
  iam["managed_policies"] = nlohmann::ordered_json::array();
  for (const auto& line : iamLines(t.iam)) {
    if (line.kind != "managed policy") continue;
    const ManagedPolicy* policy = t.iam.findManagedPolicy(line.arn);
    iam["managed_policies"].push_back({{"arn", line.arn},
                                       {"statements", policy != nullptr ? policy->document.statements.size() : 0},
                                       {"document_in_input", line.in_input}});
  }
  iam["not_in_input"] = iamNotInInput(t.iam);
  root["iam"] = iam;
  root["estates"] = nlohmann::ordered_json::array();
  for (const auto& estate : sim::findEstates(t).list) {
    nlohmann::ordered_json item;
    item["members"] = estate.members;
    root["estates"].push_back(item);
  }
  // Present when some endpoint has a policy of its own (the lint had something to read).
  if (std::any_of(t.vpc_endpoints.begin(), t.vpc_endpoints.end(), [](const VpcEndpoint& e) { return e.policy.has_value(); })) {
    root["warnings"] = nlohmann::ordered_json::array();
    for (const auto& warning : policy::lintEndpointPolicies(t)) root["warnings"].push_back(policyWarningJson(warning));
  }
  root["ignored"] = nlohmann::ordered_json::array();
  for (const auto& item : t.ignored) {
    root["ignored"].push_back({{"location", item.location}, {"what", item.what}, {"reason", item.reason}});
  }
  return jsonDocument(root);
}

}  // namespace vpcsim::reports

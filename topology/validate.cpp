// Checks for values AWS cannot produce and for the documented size limits.
#include "topology/validate.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "topology/limits.h"

namespace vpcsim::topology {

namespace {

constexpr int kMaxPort = 65535;
constexpr int kMaxIcmp = 255;

std::optional<ValueProblem> portsProblem(int from, int to) {
  for (auto [field, port] : {std::pair{RuleField::kFrom, from}, std::pair{RuleField::kTo, to}}) {
    if (port < 0 || port > kMaxPort) {
      return ValueProblem{field, fmt::format("port {} is out of range (0-{})", port, kMaxPort)};
    }
  }
  if (from > to) {
    return ValueProblem{RuleField::kFrom,
                        fmt::format("port range {}-{} is reversed (the first port is above the last)", from, to)};
  }
  return std::nullopt;
}

std::optional<ValueProblem> icmpProblem(int type, int code) {
  if (type < -1 || type > kMaxIcmp) {
    return ValueProblem{RuleField::kFrom, fmt::format("ICMP type {} is out of range (-1-{})", type, kMaxIcmp)};
  }
  if (code < -1 || code > kMaxIcmp) {
    return ValueProblem{RuleField::kTo, fmt::format("ICMP code {} is out of range (-1-{})", code, kMaxIcmp)};
  }
  return std::nullopt;
}

}  // namespace

std::optional<ValueProblem> sgPortsProblem(int protocol, std::optional<int> from, std::optional<int> to) {
  if (protocol == kProtocolTcp || protocol == kProtocolUdp) {
    // CloudFormation takes -1 (or no port) as every port; a snapshot lists 0-65535.
    int first = from.value_or(-1);
    int last = to.value_or(-1);
    if (first == -1 && last == -1) return std::nullopt;
    return portsProblem(from.value_or(0), to.value_or(kMaxPort));
  }
  if (protocol == kProtocolIcmp || protocol == kProtocolIcmpv6) {
    int type = from.value_or(-1);
    int code = to.value_or(-1);
    if (auto problem = icmpProblem(type, code)) return problem;
    // IpPermission: "If you specify all ICMP/ICMPv6 types, you must specify all ICMP/ICMPv6 codes."
    if (type == -1 && code != -1) {
      return ValueProblem{RuleField::kTo,
                          fmt::format("ICMP code {} with every ICMP type (-1): every type takes every code (-1)", code)};
    }
  }
  return std::nullopt;
}

std::optional<ValueProblem> naclPortsProblem(int from, int to) { return portsProblem(from, to); }

std::optional<ValueProblem> naclIcmpProblem(int type, int code) { return icmpProblem(type, code); }

TopologyMark markOf(const Topology& topo) {
  return TopologyMark{topo.vpcs.size(),           topo.subnets.size(),      topo.route_tables.size(),
                      topo.security_groups.size(), topo.network_acls.size(), topo.enis.size()};
}

namespace {

std::string cidrList(const std::vector<Cidr>& cidrs) {
  std::string out;
  for (const auto& cidr : cidrs) out += (out.empty() ? "" : ", ") + cidr.str();
  return out;
}

/// "too large: SUBJECT has COUNT WHAT (the limit is LIMIT; AWS)".
void tooLarge(std::vector<Diagnostic>& errors, std::string location, std::string_view subject, std::size_t count,
              std::string_view what, std::size_t limit, std::string_view aws) {
  errors.push_back(Diagnostic{
      "too-large", fmt::format("too large: {} has {} {} (the limit is {}{})", subject, count, what, limit, aws),
      std::move(location)});
}

void checkSubnets(const Topology& topo, const TopologyMark& since, const FieldLocation& where,
                  std::vector<Diagnostic>& errors) {
  std::unordered_map<std::string_view, const Vpc*> vpcs;
  for (const auto& vpc : topo.vpcs) vpcs.emplace(vpc.meta.id, &vpc);
  std::unordered_map<std::string_view, std::vector<std::size_t>> by_vpc;
  for (std::size_t i = 0; i < topo.subnets.size(); ++i) {
    if (topo.subnets[i].hasIpv4()) by_vpc[topo.subnets[i].vpc_id].push_back(i);
  }
  for (std::size_t i = since.subnets; i < topo.subnets.size(); ++i) {
    const Subnet& subnet = topo.subnets[i];
    auto it = vpcs.find(subnet.vpc_id);
    if (it == vpcs.end()) {
      // describe-vpcs lists every VPC a subnet of describe-subnets is in
      // (shared VPCs included, for a participant); without it nothing about
      // the subnet's routing or addresses can be settled.
      errors.push_back(Diagnostic{"unknown-reference",
                                  fmt::format("subnet {} is in vpc {}, which is not in the input", subnet.meta.id,
                                              subnet.vpc_id.empty() ? "''" : subnet.vpc_id),
                                  where(subnet.meta.origin, "VpcId")});
      continue;
    }
    if (it->second->cidrs.empty() || !subnet.hasIpv4()) continue;
    const auto& blocks = it->second->cidrs;
    if (std::none_of(blocks.begin(), blocks.end(), [&](const Cidr& block) { return block.contains(subnet.cidr); })) {
      errors.push_back(Diagnostic{"bad-cidr",
                                  fmt::format("subnet {} ({}) is outside its vpc {} ({})", subnet.meta.id,
                                              subnet.cidr.str(), subnet.vpc_id, cidrList(blocks)),
                                  where(subnet.meta.origin, "CidrBlock")});
    }
  }
  // Subnets of one VPC may not overlap (VPC User Guide, "Subnet CIDR blocks").
  // In address order, a block overlaps an earlier one only if the earlier
  // block reaching furthest contains its first address.
  std::vector<std::string_view> vpc_ids;
  for (const auto& [vpc_id, indexes] : by_vpc) vpc_ids.push_back(vpc_id);
  std::sort(vpc_ids.begin(), vpc_ids.end());
  for (std::string_view vpc_id : vpc_ids) {
    std::vector<std::size_t> indexes = by_vpc[vpc_id];
    std::sort(indexes.begin(), indexes.end(), [&](std::size_t a, std::size_t b) {
      return std::pair{topo.subnets[a].cidr, a} < std::pair{topo.subnets[b].cidr, b};
    });
    std::optional<std::size_t> reach;
    for (std::size_t index : indexes) {
      const Subnet& subnet = topo.subnets[index];
      if (reach && topo.subnets[*reach].cidr.last() >= subnet.cidr.first()) {
        const Subnet& other = topo.subnets[*reach];
        if (index >= since.subnets || *reach >= since.subnets) {
          const Subnet& later = index > *reach ? subnet : other;
          const Subnet& earlier = index > *reach ? other : subnet;
          errors.push_back(Diagnostic{"bad-cidr",
                                      fmt::format("subnet {} ({}) overlaps subnet {} ({}) of vpc {}", later.meta.id,
                                                  later.cidr.str(), earlier.meta.id, earlier.cidr.str(), vpc_id),
                                      where(later.meta.origin, "CidrBlock")});
        }
      }
      if (!reach || subnet.cidr.last() > topo.subnets[*reach].cidr.last()) reach = index;
    }
  }
}

void checkInterfaces(const Topology& topo, const TopologyMark& since, const FieldLocation& where,
                     std::vector<Diagnostic>& errors) {
  std::unordered_map<std::string_view, const Subnet*> subnets;
  for (const auto& subnet : topo.subnets) subnets.emplace(subnet.meta.id, &subnet);
  for (std::size_t i = since.enis; i < topo.enis.size(); ++i) {
    const Eni& eni = topo.enis[i];
    auto it = subnets.find(eni.subnet_id);
    if (it == subnets.end()) continue;
    const Cidr& block = it->second->cidr;
    for (const auto& ip : eni.private_ips) {
      if (block.contains(ip)) continue;
      errors.push_back(Diagnostic{"bad-address",
                                  fmt::format("address {} of {} is outside its subnet {} ({})", ip.str(), eni.meta.id,
                                              eni.subnet_id, block.str()),
                                  where(eni.meta.origin, "PrivateIpAddresses")});
    }
  }
}

void checkLimits(const Topology& topo, const TopologyMark& since, std::vector<Diagnostic>& errors) {
  std::size_t total_routes = 0;
  for (std::size_t i = since.route_tables; i < topo.route_tables.size(); ++i) {
    const RouteTable& table = topo.route_tables[i];
    total_routes += table.routes.size();
    if (table.routes.size() > limits::kRoutesPerRouteTable) {
      tooLarge(errors, table.meta.origin, "route table " + table.meta.id, table.routes.size(), "routes",
               limits::kRoutesPerRouteTable, "; AWS allows at most 1000");
    }
  }
  if (total_routes > limits::kRoutesInTotal) {
    tooLarge(errors, "", "the input", total_routes, "routes", limits::kRoutesInTotal, "");
  }
  for (std::size_t i = since.security_groups; i < topo.security_groups.size(); ++i) {
    const SecurityGroup& group = topo.security_groups[i];
    for (auto [rules, direction] : {std::pair{&group.ingress, "inbound"}, std::pair{&group.egress, "outbound"}}) {
      if (rules->size() <= limits::kRulesPerSecurityGroup) continue;
      tooLarge(errors, group.meta.origin, "security group " + group.meta.id, rules->size(),
               fmt::format("{} rules", direction), limits::kRulesPerSecurityGroup, "; AWS allows at most 1000");
    }
  }
  for (std::size_t i = since.network_acls; i < topo.network_acls.size(); ++i) {
    const NetworkAcl& acl = topo.network_acls[i];
    if (acl.entries.size() <= limits::kEntriesPerNetworkAcl) continue;
    tooLarge(errors, acl.meta.origin, "network acl " + acl.meta.id, acl.entries.size(), "entries",
             limits::kEntriesPerNetworkAcl, "; AWS allows at most 40 a direction");
  }
}

// A subnet is associated with one route table and one network ACL (VPC User
// Guide, "Subnet route tables": "each subnet can be associated with only one
// route table at a time"; "Network ACLs": "a subnet can be associated with
// only one network ACL at a time"). Each loader checks its own input; this
// catches a later input (an overlay on a template or snapshot) associating
// a subnet again, which AWS would do by replacing the association and which
// vpcsim must not settle silently either way.
template <typename Table>
void checkOneAssociation(const std::vector<Table>& tables, std::size_t since, std::string_view what,
                         const FieldLocation& where, std::vector<Diagnostic>& errors) {
  std::unordered_map<std::string_view, std::size_t> owner;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    for (const auto& subnet_id : tables[i].subnet_ids) {
      auto [it, inserted] = owner.emplace(subnet_id, i);
      if (inserted || it->second == i || i < since) continue;
      errors.push_back(Diagnostic{
          "conflict",
          fmt::format("subnet {} is already associated with {} {}; a subnet has one {} at a time (to move it, "
                      "remove the first association)",
                      subnet_id, what, tables[it->second].meta.id, what),
          where(tables[i].meta.origin, "Associations")});
    }
  }
}

}  // namespace

bool checkTopology(const Topology& topo, const TopologyMark& since, const FieldLocation& field_location,
                   std::vector<Diagnostic>& errors) {
  const FieldLocation where = field_location ? field_location
                                             : [](const std::string& origin, std::string_view) { return origin; };
  // Limits first: the other checks are linear, but a refused input need not be checked further.
  const std::size_t before = errors.size();
  checkLimits(topo, since, errors);
  if (errors.size() != before) return false;
  for (std::size_t i = since.vpcs; i < topo.vpcs.size(); ++i) {
    const Vpc& vpc = topo.vpcs[i];
    // EC2 API Reference, CreateVpc: a VPC gets an IPv4 CIDR block (CidrBlock
    // or an IPAM pool); its primary block cannot be disassociated.
    if (vpc.cidrs.empty()) {
      errors.push_back(
          Diagnostic{"bad-cidr", fmt::format("vpc {} has no IPv4 CIDR block", vpc.meta.id), where(vpc.meta.origin, "CidrBlock")});
    }
  }
  checkSubnets(topo, since, where, errors);
  checkInterfaces(topo, since, where, errors);
  checkOneAssociation(topo.route_tables, since.route_tables, "route table", where, errors);
  checkOneAssociation(topo.network_acls, since.network_acls, "network ACL", where, errors);
  return errors.size() == before;
}

}  // namespace vpcsim::topology

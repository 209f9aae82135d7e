// Topology lookups, sorting and display names.
#include "topology/model.h"

#include <climits>
#include <iterator>
#include <tuple>

namespace vpcsim::topology {
namespace {

template <typename T>
void sortById(std::vector<T>& items) {
  auto by_id = [](const T& a, const T& b) { return a.meta.id < b.meta.id; };
  if (std::is_sorted(items.begin(), items.end(), by_id)) return;
  // Sort an index and move each element once: the structs are large.
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return items[a].meta.id < items[b].meta.id; });
  std::vector<T> sorted;
  sorted.reserve(items.size());
  for (size_t i : order) sorted.push_back(std::move(items[i]));
  items = std::move(sorted);
}

}  // namespace

std::string displayName(const ResourceMeta& meta) {
  std::string out = meta.id;
  std::string extra;
  if (!meta.name.empty()) extra = meta.name;
  if (!meta.logical_id.empty() && meta.logical_id != meta.name) {
    extra += (extra.empty() ? "" : ", ") + meta.logical_id;
  }
  if (!extra.empty()) out += " (" + extra + ")";
  return out;
}

std::string_view routeTargetName(RouteTarget target) {
  switch (target) {
    case RouteTarget::kLocal: return "local";
    case RouteTarget::kInternetGateway: return "internet-gateway";
    case RouteTarget::kEgressOnlyInternetGateway: return "egress-only-internet-gateway";
    case RouteTarget::kNatGateway: return "nat-gateway";
    case RouteTarget::kVpcEndpoint: return "vpc-endpoint";
    case RouteTarget::kPeeringConnection: return "vpc-peering-connection";
    case RouteTarget::kTransitGateway: return "transit-gateway";
    case RouteTarget::kVirtualPrivateGateway: return "vpn-gateway";
    case RouteTarget::kNetworkInterface: return "network-interface";
    case RouteTarget::kInstance: return "instance";
    case RouteTarget::kCarrierGateway: return "carrier-gateway";
    case RouteTarget::kLocalGateway: return "local-gateway";
    case RouteTarget::kCoreNetwork: return "core-network";
    case RouteTarget::kUnknown: return "unknown";
  }
  return "unknown";
}

std::string_view loadBalancerTypeName(LoadBalancerType type) {
  switch (type) {
    case LoadBalancerType::kApplication: return "application";
    case LoadBalancerType::kNetwork: return "network";
    case LoadBalancerType::kGateway: return "gateway";
    case LoadBalancerType::kClassic: return "classic";
  }
  return "application";
}

std::string_view endpointTypeName(EndpointType type) {
  switch (type) {
    case EndpointType::kGateway: return "Gateway";
    case EndpointType::kInterface: return "Interface";
    case EndpointType::kGatewayLoadBalancer: return "GatewayLoadBalancer";
  }
  return "Gateway";
}

std::vector<Ipv6Block> associatedIpv6(const std::vector<Ipv6Association>& associations) {
  std::vector<Ipv6Block> out;
  for (const auto& association : associations) {
    if (association.associated()) out.push_back(association.block);
  }
  return out;
}

std::string destinationText(const Route& route) {
  if (route.destination) return route.destination->str();
  if (route.destination_ipv6) return route.destination_ipv6->str();
  return route.destination_prefix_list;
}

std::string_view ipAddressTypeName(IpAddressType type) {
  switch (type) {
    case IpAddressType::kIpv4: return "ipv4";
    case IpAddressType::kDualStack: return "dualstack";
    case IpAddressType::kIpv6: return "ipv6";
  }
  return "ipv4";
}

std::optional<IpAddressType> parseIpAddressType(std::string_view text) {
  for (IpAddressType type : {IpAddressType::kIpv4, IpAddressType::kDualStack, IpAddressType::kIpv6}) {
    if (text == ipAddressTypeName(type)) return type;
  }
  return std::nullopt;
}

void Topology::finalize() {
  sortById(vpcs);
  sortById(subnets);
  sortById(route_tables);
  sortById(security_groups);
  sortById(network_acls);
  sortById(internet_gateways);
  sortById(egress_only_internet_gateways);
  sortById(nat_gateways);
  sortById(vpc_endpoints);
  sortById(enis);
  sortById(instances);
  sortById(prefix_lists);
  sortById(peering_connections);
  sortById(transit_gateways);
  sortById(tgw_attachments);
  sortById(tgw_route_tables);
  sortById(vpn_gateways);
  sortById(vpn_connections);
  sortById(load_balancers);
  sortById(lb_listeners);
  sortById(target_groups);
  sortById(studio_domains);
  std::stable_sort(user_profiles.begin(), user_profiles.end(), [](const auto& a, const auto& b) {
    return std::tie(a.domain, a.name) < std::tie(b.domain, b.name);
  });
  std::stable_sort(jobs.begin(), jobs.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::stable_sort(iam.principals.begin(), iam.principals.end(),
                   [](const auto& a, const auto& b) { return a.arn < b.arn; });
  std::stable_sort(iam.managed_policies.begin(), iam.managed_policies.end(),
                   [](const auto& a, const auto& b) { return a.arn < b.arn; });
  for (auto& acl : network_acls) {
    std::stable_sort(acl.entries.begin(), acl.entries.end(), [](const NaclEntry& a, const NaclEntry& b) {
      return std::tie(a.egress, a.rule_number) < std::tie(b.egress, b.rule_number);
    });
  }
}

void Topology::absorb(Topology&& other) {
  auto append = [](auto& to, auto& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
    from.clear();
  };
  append(vpcs, other.vpcs);
  append(subnets, other.subnets);
  append(route_tables, other.route_tables);
  append(security_groups, other.security_groups);
  append(network_acls, other.network_acls);
  append(internet_gateways, other.internet_gateways);
  append(egress_only_internet_gateways, other.egress_only_internet_gateways);
  append(nat_gateways, other.nat_gateways);
  append(vpc_endpoints, other.vpc_endpoints);
  append(enis, other.enis);
  append(instances, other.instances);
  append(prefix_lists, other.prefix_lists);
  append(peering_connections, other.peering_connections);
  append(transit_gateways, other.transit_gateways);
  append(tgw_attachments, other.tgw_attachments);
  append(tgw_route_tables, other.tgw_route_tables);
  append(vpn_gateways, other.vpn_gateways);
  append(vpn_connections, other.vpn_connections);
  append(load_balancers, other.load_balancers);
  append(lb_listeners, other.lb_listeners);
  append(target_groups, other.target_groups);
  append(studio_domains, other.studio_domains);
  append(user_profiles, other.user_profiles);
  append(jobs, other.jobs);
  append(ignored, other.ignored);
  iam.principals_loaded = iam.principals_loaded || other.iam.principals_loaded;
  iam.scps_loaded = iam.scps_loaded || other.iam.scps_loaded;
  iam.rcps_loaded = iam.rcps_loaded || other.iam.rcps_loaded;
  append(iam.principals, other.iam.principals);
  append(iam.managed_policies, other.iam.managed_policies);
  append(iam.service_control_policies, other.iam.service_control_policies);
  append(iam.resource_control_policies, other.iam.resource_control_policies);
  append(iam.resource_policies, other.iam.resource_policies);
  if (iam.organization_id.empty()) iam.organization_id = std::move(other.iam.organization_id);
}

const Vpc* Topology::findVpc(std::string_view id) const { return findById(vpcs, id); }
const Subnet* Topology::findSubnet(std::string_view id) const { return findById(subnets, id); }
const RouteTable* Topology::findRouteTable(std::string_view id) const { return findById(route_tables, id); }
const SecurityGroup* Topology::findSecurityGroup(std::string_view id) const { return findById(security_groups, id); }
const NetworkAcl* Topology::findNetworkAcl(std::string_view id) const { return findById(network_acls, id); }
const InternetGateway* Topology::findInternetGateway(std::string_view id) const { return findById(internet_gateways, id); }
const EgressOnlyInternetGateway* Topology::findEgressOnlyInternetGateway(std::string_view id) const {
  return findById(egress_only_internet_gateways, id);
}
const NatGateway* Topology::findNatGateway(std::string_view id) const { return findById(nat_gateways, id); }
const VpcEndpoint* Topology::findVpcEndpoint(std::string_view id) const { return findById(vpc_endpoints, id); }
const Eni* Topology::findEni(std::string_view id) const { return findById(enis, id); }
const Instance* Topology::findInstance(std::string_view id) const { return findById(instances, id); }
const PrefixList* Topology::findPrefixList(std::string_view id) const { return findById(prefix_lists, id); }
const PeeringConnection* Topology::findPeeringConnection(std::string_view id) const { return findById(peering_connections, id); }
const TransitGateway* Topology::findTransitGateway(std::string_view id) const { return findById(transit_gateways, id); }
const TgwAttachment* Topology::findTgwAttachment(std::string_view id) const { return findById(tgw_attachments, id); }
const TgwRouteTable* Topology::findTgwRouteTable(std::string_view id) const { return findById(tgw_route_tables, id); }
const VpnGateway* Topology::findVpnGateway(std::string_view id) const { return findById(vpn_gateways, id); }

const LoadBalancer* Topology::findLoadBalancer(std::string_view id_arn_or_name) const {
  if (const auto* lb = findById(load_balancers, id_arn_or_name)) return lb;
  for (const auto& lb : load_balancers) {
    if (lb.arn == id_arn_or_name || lb.meta.name == id_arn_or_name) return &lb;
  }
  return nullptr;
}

const TargetGroup* Topology::findTargetGroupByArn(std::string_view arn) const {
  for (const auto& group : target_groups) {
    if (group.arn == arn) return &group;
  }
  return nullptr;
}

const StudioDomain* Topology::findStudioDomain(std::string_view id_or_name) const {
  if (const auto* domain = findById(studio_domains, id_or_name)) return domain;
  for (const auto& domain : studio_domains) {
    if (domain.meta.name == id_or_name) return &domain;
  }
  return nullptr;
}

const SageMakerJob* Topology::findJob(std::string_view name) const {
  for (const auto& job : jobs) {
    if (job.name == name) return &job;
  }
  return nullptr;
}

bool isLoadBalancerInterface(const Eni& eni) {
  return eni.interface_type == "network_load_balancer" || eni.interface_type == "gateway_load_balancer" ||
         eni.description.rfind("ELB ", 0) == 0 || eni.requester_id == "amazon-elb";
}

std::vector<const Eni*> Topology::instanceInterfaces(std::string_view id) const {
  std::vector<const Eni*> out;
  if (const Instance* instance = findInstance(id)) {
    for (const auto& eni_id : instance->eni_ids) {
      if (const Eni* eni = findEni(eni_id)) out.push_back(eni);
    }
    if (!out.empty()) return out;
  }
  // EC2 User Guide, "Elastic network interfaces": the primary interface has
  // device index 0; describe-network-interfaces gives it in Attachment.
  for (const auto& eni : enis) {
    if (!id.empty() && eni.instance_id == id) out.push_back(&eni);
  }
  auto device = [](const Eni* eni) { return eni->device_index < 0 ? INT_MAX : eni->device_index; };
  std::stable_sort(out.begin(), out.end(), [&](const Eni* a, const Eni* b) {
    return std::make_tuple(device(a), std::string_view(a->meta.id)) < std::make_tuple(device(b), std::string_view(b->meta.id));
  });
  return out;
}

std::vector<std::string> Topology::attachedInstanceIds() const {
  std::vector<std::string> out;
  for (const auto& eni : enis) {
    if (!eni.instance_id.empty() && findInstance(eni.instance_id) == nullptr) out.push_back(eni.instance_id);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace vpcsim::topology

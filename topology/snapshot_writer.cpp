// Saves a Topology as an AWS snapshot folder: the JSON `aws ec2 describe-*` prints.
#include "topology/snapshot_writer.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

namespace vpcsim::topology {
namespace {

// std::map-backed objects: keys come out sorted, like the corpus snapshots.
using Json = nlohmann::json;

/// A stable AWS-looking ID for objects the model does not keep (association
/// IDs, attachment IDs): FNV-1a over the parts, so equal input gives equal output.
std::string derivedId(std::string_view prefix, std::string_view a, std::string_view b = {}) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  auto feed = [&](std::string_view text) {
    for (char c : text) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ULL;
    }
    hash ^= 0xff;
    hash *= 0x100000001b3ULL;
  };
  feed(prefix);
  feed(a);
  feed(b);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(prefix);
  id += '0';
  for (int shift = 60; shift >= 0; shift -= 4) id += kHex[(hash >> shift) & 0xf];
  return id;
}

class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(const Topology& topology) : t_(topology) {
    for (const auto& sg : t_.security_groups) sg_names_.emplace(sg.meta.id, sg.group_name);
    for (const auto& eni : t_.enis) enis_.emplace(eni.meta.id, &eni);
    for (const auto& inst : t_.instances) {
      for (std::size_t i = 0; i < inst.eni_ids.size(); ++i) device_index_.emplace(inst.eni_ids[i], static_cast<int>(i));
    }
    for (const auto& att : t_.tgw_attachments) attachments_.emplace(att.meta.id, &att);
    for (const auto& subnet : t_.subnets) subnet_ips_.emplace(subnet.meta.id, 0);
    for (const auto& eni : t_.enis) {
      auto it = subnet_ips_.find(eni.subnet_id);
      if (it != subnet_ips_.end()) it->second += eni.private_ips.size();
    }
  }

  Json vpcs() const {
    Json items = Json::array();
    for (const auto& vpc : t_.vpcs) {
      Json j = base(vpc.meta, "VpcId");
      j["CidrBlock"] = vpc.cidrs.empty() ? std::string() : vpc.cidrs.front().str();
      Json set = Json::array();
      auto add = [&](const Cidr& c, const char* state) {
        set.push_back({{"AssociationId", derivedId("vpc-cidr-assoc-", vpc.meta.id, c.str())},
                       {"CidrBlock", c.str()},
                       {"CidrBlockState", {{"State", state}}}});
      };
      for (const auto& c : vpc.cidrs) add(c, "associated");
      for (const auto& c : vpc.disassociated_cidrs) add(c, "disassociated");
      j["CidrBlockAssociationSet"] = std::move(set);
      if (!vpc.ipv6_cidrs.empty()) {
        Json v6 = Json::array();
        for (const auto& c : vpc.ipv6_cidrs) {
          v6.push_back({{"AssociationId", derivedId("vpc-cidr-assoc-", vpc.meta.id, c)},
                        {"Ipv6CidrBlock", c},
                        {"Ipv6CidrBlockState", {{"State", "associated"}}}});
        }
        j["Ipv6CidrBlockAssociationSet"] = std::move(v6);
      }
      j["DhcpOptionsId"] = derivedId("dopt-", owner(vpc.meta));
      j["InstanceTenancy"] = "default";
      j["IsDefault"] = vpc.is_default;
      j["State"] = "available";
      items.push_back(std::move(j));
    }
    return {{"Vpcs", std::move(items)}};
  }

  Json subnets() const {
    Json items = Json::array();
    for (const auto& s : t_.subnets) {
      Json j = base(s.meta, "SubnetId");
      j["AssignIpv6AddressOnCreation"] = false;
      j["AvailabilityZone"] = s.availability_zone;
      if (!s.availability_zone_id.empty()) j["AvailabilityZoneId"] = s.availability_zone_id;
      const uint64_t used = subnet_ips_.at(s.meta.id);
      const uint64_t usable = s.cidr.size() > 5 ? s.cidr.size() - 5 : 0;
      j["AvailableIpAddressCount"] = usable > used ? usable - used : 0;
      j["CidrBlock"] = s.cidr.str();
      j["DefaultForAz"] = false;
      Json v6 = Json::array();
      for (const auto& c : s.ipv6_cidrs) {
        v6.push_back({{"AssociationId", derivedId("subnet-cidr-assoc-", s.meta.id, c)},
                      {"Ipv6CidrBlock", c},
                      {"Ipv6CidrBlockState", {{"State", "associated"}}}});
      }
      j["Ipv6CidrBlockAssociationSet"] = std::move(v6);
      j["MapPublicIpOnLaunch"] = s.map_public_ip_on_launch;
      j["State"] = "available";
      j["SubnetArn"] = arn(s.meta, "subnet/" + s.meta.id);
      j["VpcId"] = s.vpc_id;
      items.push_back(std::move(j));
    }
    return {{"Subnets", std::move(items)}};
  }

  static const char* targetKey(RouteTarget target) {
    switch (target) {
      case RouteTarget::kLocal:
      case RouteTarget::kInternetGateway:
      case RouteTarget::kVpcEndpoint:
      case RouteTarget::kVirtualPrivateGateway:
      case RouteTarget::kUnknown: return "GatewayId";
      case RouteTarget::kEgressOnlyInternetGateway: return "EgressOnlyInternetGatewayId";
      case RouteTarget::kNatGateway: return "NatGatewayId";
      case RouteTarget::kPeeringConnection: return "VpcPeeringConnectionId";
      case RouteTarget::kTransitGateway: return "TransitGatewayId";
      case RouteTarget::kNetworkInterface: return "NetworkInterfaceId";
      case RouteTarget::kInstance: return "InstanceId";
      case RouteTarget::kCarrierGateway: return "CarrierGatewayId";
      case RouteTarget::kLocalGateway: return "LocalGatewayId";
      case RouteTarget::kCoreNetwork: return "CoreNetworkArn";
    }
    return "GatewayId";
  }

  Json routeTables() const {
    Json items = Json::array();
    for (const auto& rt : t_.route_tables) {
      Json j = base(rt.meta, "RouteTableId");
      Json assocs = Json::array();
      auto association = [&](std::string_view key, const std::string& value, bool main) {
        Json a = {{"AssociationState", {{"State", "associated"}}},
                  {"Main", main},
                  {"RouteTableAssociationId", derivedId("rtbassoc-", rt.meta.id, value)},
                  {"RouteTableId", rt.meta.id}};
        if (!key.empty()) a[std::string(key)] = value;
        assocs.push_back(std::move(a));
      };
      if (rt.main) association("", "main", true);
      for (const auto& id : rt.subnet_ids) association("SubnetId", id, false);
      for (const auto& id : rt.gateway_ids) association("GatewayId", id, false);
      j["Associations"] = std::move(assocs);
      Json vgws = Json::array();
      for (const auto& id : rt.propagating_vgws) vgws.push_back({{"GatewayId", id}});
      j["PropagatingVgws"] = std::move(vgws);
      Json routes = Json::array();
      for (const auto& r : rt.routes) {
        Json route = Json::object();
        if (r.destination) route["DestinationCidrBlock"] = r.destination->str();
        if (!r.destination_prefix_list.empty()) route["DestinationPrefixListId"] = r.destination_prefix_list;
        if (!r.destination_ipv6.empty()) route["DestinationIpv6CidrBlock"] = r.destination_ipv6;
        route[targetKey(r.target)] = r.target_id;
        if (r.target == RouteTarget::kInstance) route["InstanceOwnerId"] = owner(rt.meta);
        route["Origin"] = !r.origin.empty() ? r.origin : r.target == RouteTarget::kLocal ? "CreateRouteTable" : "CreateRoute";
        route["State"] = r.blackhole ? "blackhole" : "active";
        routes.push_back(std::move(route));
      }
      j["Routes"] = std::move(routes);
      j["VpcId"] = rt.vpc_id;
      items.push_back(std::move(j));
    }
    return {{"RouteTables", std::move(items)}};
  }

  static std::string sgProtocol(int protocol) {
    switch (protocol) {
      case kProtocolAll: return "-1";
      case kProtocolTcp: return "tcp";
      case kProtocolUdp: return "udp";
      case kProtocolIcmp: return "icmp";
      case kProtocolIcmpv6: return "icmpv6";
      default: return std::to_string(protocol);
    }
  }

  /// Regroups flattened rules (several peers share `index`) into AWS permissions.
  Json permissions(const std::vector<SgRule>& rules, const ResourceMeta& group) const {
    std::vector<const SgRule*> sorted;
    sorted.reserve(rules.size());
    for (const auto& r : rules) sorted.push_back(&r);
    std::stable_sort(sorted.begin(), sorted.end(), [](const SgRule* a, const SgRule* b) { return a->index < b->index; });
    Json out = Json::array();
    const SgRule* head = nullptr;
    Json perm;
    auto flush = [&] {
      if (head != nullptr) out.push_back(std::move(perm));
    };
    for (const SgRule* r : sorted) {
      if (head == nullptr || r->index != head->index || r->protocol != head->protocol || r->from_port != head->from_port ||
          r->to_port != head->to_port) {
        flush();
        head = r;
        perm = {{"IpProtocol", sgProtocol(r->protocol)},
                {"IpRanges", Json::array()},
                {"Ipv6Ranges", Json::array()},
                {"PrefixListIds", Json::array()},
                {"UserIdGroupPairs", Json::array()}};
        if (r->protocol != kProtocolAll) {
          perm["FromPort"] = r->from_port;
          perm["ToPort"] = r->to_port;
        }
      }
      Json peer;
      const char* list = "IpRanges";
      switch (r->peer_kind) {
        case PeerKind::kCidr: peer = {{"CidrIp", r->cidr.str()}}; break;
        case PeerKind::kIpv6Cidr:
          peer = {{"CidrIpv6", r->peer}};
          list = "Ipv6Ranges";
          break;
        case PeerKind::kPrefixList:
          peer = {{"PrefixListId", r->peer}};
          list = "PrefixListIds";
          break;
        case PeerKind::kSecurityGroup:
          peer = {{"GroupId", r->peer}, {"UserId", owner(group)}};
          if (!r->peer_vpc_id.empty()) peer["VpcId"] = r->peer_vpc_id;
          list = "UserIdGroupPairs";
          break;
      }
      if (!r->description.empty()) peer["Description"] = r->description;
      perm[list].push_back(std::move(peer));
    }
    flush();
    return out;
  }

  Json securityGroups() const {
    Json items = Json::array();
    for (const auto& sg : t_.security_groups) {
      Json j = base(sg.meta, "GroupId");
      j["Description"] = sg.description;
      j["GroupName"] = sg.group_name;
      j["IpPermissions"] = permissions(sg.ingress, sg.meta);
      j["IpPermissionsEgress"] = permissions(sg.egress, sg.meta);
      j["VpcId"] = sg.vpc_id;
      items.push_back(std::move(j));
    }
    return {{"SecurityGroups", std::move(items)}};
  }

  Json networkAcls() const {
    Json items = Json::array();
    for (const auto& acl : t_.network_acls) {
      Json j = base(acl.meta, "NetworkAclId");
      Json assocs = Json::array();
      for (const auto& id : acl.subnet_ids) {
        assocs.push_back({{"NetworkAclAssociationId", derivedId("aclassoc-", acl.meta.id, id)},
                          {"NetworkAclId", acl.meta.id},
                          {"SubnetId", id}});
      }
      j["Associations"] = std::move(assocs);
      Json entries = Json::array();
      for (const auto& e : acl.entries) {
        Json entry = {{"Egress", e.egress},
                      {"Protocol", std::to_string(e.protocol)},
                      {"RuleAction", e.allow ? "allow" : "deny"},
                      {"RuleNumber", e.rule_number}};
        if (e.cidr) entry["CidrBlock"] = e.cidr->str();
        if (!e.ipv6_cidr.empty()) entry["Ipv6CidrBlock"] = e.ipv6_cidr;
        if (e.protocol == kProtocolTcp || e.protocol == kProtocolUdp) {
          entry["PortRange"] = {{"From", e.ports.from}, {"To", e.ports.to}};
        }
        if (e.protocol == kProtocolIcmp || e.protocol == kProtocolIcmpv6) {
          entry["IcmpTypeCode"] = {{"Code", e.icmp_code}, {"Type", e.icmp_type}};
        }
        entries.push_back(std::move(entry));
      }
      j["Entries"] = std::move(entries);
      j["IsDefault"] = acl.is_default;
      j["VpcId"] = acl.vpc_id;
      items.push_back(std::move(j));
    }
    return {{"NetworkAcls", std::move(items)}};
  }

  Json internetGateways(bool egress_only) const {
    Json items = Json::array();
    for (const auto& igw : t_.internet_gateways) {
      if (igw.egress_only != egress_only) continue;
      Json j = base(igw.meta, egress_only ? "EgressOnlyInternetGatewayId" : "InternetGatewayId");
      Json atts = Json::array();
      for (const auto& vpc : igw.vpc_ids) atts.push_back({{"State", egress_only ? "attached" : "available"}, {"VpcId", vpc}});
      j["Attachments"] = std::move(atts);
      if (egress_only) j.erase("OwnerId");  // describe-egress-only-internet-gateways prints no owner
      items.push_back(std::move(j));
    }
    return {{egress_only ? "EgressOnlyInternetGateways" : "InternetGateways", std::move(items)}};
  }

  Json natGateways() const {
    Json items = Json::array();
    for (const auto& nat : t_.nat_gateways) {
      Json j = base(nat.meta, "NatGatewayId");
      j.erase("OwnerId");
      j["ConnectivityType"] = nat.is_public ? "public" : "private";
      Json addrs = Json::array();
      for (std::size_t i = 0; i < nat.private_ips.size(); ++i) {
        Json a = {{"NetworkInterfaceId", nat.eni_id}, {"PrivateIp", nat.private_ips[i].str()}};
        if (i < nat.public_ips.size()) {
          a["AllocationId"] = derivedId("eipalloc-", nat.public_ips[i].str());
          a["PublicIp"] = nat.public_ips[i].str();
        }
        addrs.push_back(std::move(a));
      }
      j["NatGatewayAddresses"] = std::move(addrs);
      j["State"] = "available";
      j["SubnetId"] = nat.subnet_id;
      j["VpcId"] = nat.vpc_id;
      items.push_back(std::move(j));
    }
    return {{"NatGateways", std::move(items)}};
  }

  Json groups(const std::vector<std::string>& ids) const {
    Json out = Json::array();
    for (const auto& id : ids) {
      auto it = sg_names_.find(id);
      out.push_back({{"GroupId", id}, {"GroupName", it != sg_names_.end() ? it->second : std::string()}});
    }
    return out;
  }

  Json vpcEndpoints() const {
    Json items = Json::array();
    for (const auto& ep : t_.vpc_endpoints) {
      Json j = base(ep.meta, "VpcEndpointId");
      j["DnsEntries"] = Json::array();
      j["Groups"] = groups(ep.security_group_ids);
      j["NetworkInterfaceIds"] = ep.eni_ids;
      if (!ep.policy_document.empty()) j["PolicyDocument"] = ep.policy_document;
      j["PrivateDnsEnabled"] = ep.private_dns;
      j["RequesterManaged"] = false;
      j["RouteTableIds"] = ep.route_table_ids;
      j["ServiceName"] = ep.service_name;
      j["State"] = "available";
      j["SubnetIds"] = ep.subnet_ids;
      j["VpcEndpointType"] = std::string(endpointTypeName(ep.type));
      j["VpcId"] = ep.vpc_id;
      items.push_back(std::move(j));
    }
    return {{"VpcEndpoints", std::move(items)}};
  }

  Json publicAssociation(const Eni& eni, const PublicAddress& pub) const {
    Json a = {{"IpOwnerId", pub.elastic ? owner(eni.meta) : std::string("amazon")}, {"PublicIp", pub.public_ip.str()}};
    if (pub.elastic) {
      a["AllocationId"] = derivedId("eipalloc-", pub.public_ip.str());
      a["AssociationId"] = derivedId("eipassoc-", eni.meta.id, pub.public_ip.str());
    }
    return a;
  }

  const PublicAddress* publicFor(const Eni& eni, Ipv4 private_ip) const {
    for (const auto& pub : eni.public_ips) {
      if (pub.private_ip == private_ip) return &pub;
    }
    return nullptr;
  }

  /// One ENI as describe-network-interfaces prints it (also nested in Reservations).
  Json networkInterface(const Eni& eni) const {
    Json j = Json::object();
    j["NetworkInterfaceId"] = eni.meta.id;
    j["OwnerId"] = owner(eni.meta);
    j["TagSet"] = tags(eni.meta);
    const PublicAddress* primary_public = eni.private_ips.empty() ? nullptr : publicFor(eni, eni.private_ips.front());
    if (primary_public != nullptr) j["Association"] = publicAssociation(eni, *primary_public);
    if (!eni.instance_id.empty()) {
      auto it = device_index_.find(eni.meta.id);
      j["Attachment"] = {{"AttachmentId", derivedId("eni-attach-", eni.meta.id)},
                         {"DeleteOnTermination", it == device_index_.end() || it->second == 0},
                         {"DeviceIndex", it != device_index_.end() ? it->second : 0},
                         {"InstanceId", eni.instance_id},
                         {"InstanceOwnerId", owner(eni.meta)},
                         {"Status", "attached"}};
    }
    j["AvailabilityZone"] = eni.availability_zone;
    j["Description"] = eni.description;
    j["Groups"] = groups(eni.security_group_ids);
    j["InterfaceType"] = eni.interface_type.empty() ? std::string("interface") : eni.interface_type;
    Json v6 = Json::array();
    for (const auto& a : eni.ipv6_addresses) v6.push_back({{"Ipv6Address", a}});
    j["Ipv6Addresses"] = std::move(v6);
    if (!eni.private_ips.empty()) j["PrivateIpAddress"] = eni.private_ips.front().str();
    Json ips = Json::array();
    for (std::size_t i = 0; i < eni.private_ips.size(); ++i) {
      Json a = {{"Primary", i == 0}, {"PrivateIpAddress", eni.private_ips[i].str()}};
      if (const PublicAddress* pub = publicFor(eni, eni.private_ips[i]); pub != nullptr) {
        a["Association"] = publicAssociation(eni, *pub);
      }
      ips.push_back(std::move(a));
    }
    j["PrivateIpAddresses"] = std::move(ips);
    if (!eni.requester_id.empty()) j["RequesterId"] = eni.requester_id;
    j["RequesterManaged"] = !eni.requester_id.empty();
    j["SourceDestCheck"] = eni.source_dest_check;
    j["Status"] = eni.instance_id.empty() && eni.requester_id.empty() ? "available" : "in-use";
    j["SubnetId"] = eni.subnet_id;
    j["VpcId"] = eni.vpc_id;
    return j;
  }

  Json networkInterfaces() const {
    Json items = Json::array();
    for (const auto& eni : t_.enis) items.push_back(networkInterface(eni));
    return {{"NetworkInterfaces", std::move(items)}};
  }

  static int stateCode(const std::string& state) {
    if (state == "pending") return 0;
    if (state == "shutting-down") return 32;
    if (state == "terminated") return 48;
    if (state == "stopping") return 64;
    if (state == "stopped") return 80;
    return 16;
  }

  Json reservations() const {
    Json items = Json::array();
    for (const auto& inst : t_.instances) {
      Json i = base(inst.meta, "InstanceId");
      i.erase("OwnerId");
      i["InstanceType"] = "t3.micro";
      Json nics = Json::array();
      const Eni* primary = nullptr;
      for (const auto& id : inst.eni_ids) {
        auto it = enis_.find(id);
        if (it == enis_.end()) continue;
        if (primary == nullptr) primary = it->second;
        Json nic = networkInterface(*it->second);
        nic.erase("AvailabilityZone");
        nic.erase("TagSet");
        nic.erase("RequesterId");
        nic.erase("RequesterManaged");
        nics.push_back(std::move(nic));
      }
      i["NetworkInterfaces"] = std::move(nics);
      const std::string state = inst.state.empty() ? std::string("running") : inst.state;
      i["State"] = {{"Code", stateCode(state)}, {"Name", state}};
      if (primary != nullptr) {
        i["Placement"] = {{"AvailabilityZone", primary->availability_zone}, {"GroupName", ""}, {"Tenancy", "default"}};
        if (!primary->private_ips.empty()) {
          i["PrivateIpAddress"] = primary->private_ips.front().str();
          if (const PublicAddress* pub = publicFor(*primary, primary->private_ips.front()); pub != nullptr) {
            i["PublicIpAddress"] = pub->public_ip.str();
          }
        }
        i["SecurityGroups"] = groups(primary->security_group_ids);
        i["SourceDestCheck"] = primary->source_dest_check;
        i["SubnetId"] = primary->subnet_id;
        i["VpcId"] = primary->vpc_id;
      }
      items.push_back({{"Groups", Json::array()},
                       {"Instances", Json::array({std::move(i)})},
                       {"OwnerId", owner(inst.meta)},
                       {"ReservationId", derivedId("r-", inst.meta.id)}});
    }
    return {{"Reservations", std::move(items)}};
  }

  Json prefixLists() const {
    Json items = Json::array();
    for (const auto& pl : t_.prefix_lists) {
      Json cidrs = Json::array();
      for (const auto& c : pl.cidrs) cidrs.push_back(c.str());
      items.push_back({{"Cidrs", std::move(cidrs)},
                       {"PrefixListId", pl.meta.id},
                       {"PrefixListName", pl.prefix_list_name.empty() ? pl.meta.name : pl.prefix_list_name}});
    }
    return {{"PrefixLists", std::move(items)}};
  }

  static Json peeringSide(const PeeringSide& side) {
    Json set = Json::array();
    for (const auto& c : side.cidrs) set.push_back({{"CidrBlock", c.str()}});
    Json j = {{"CidrBlockSet", std::move(set)},
              {"OwnerId", side.account},
              {"PeeringOptions",
               {{"AllowDnsResolutionFromRemoteVpc", false},
                {"AllowEgressFromLocalClassicLinkToRemoteVpc", false},
                {"AllowEgressFromLocalVpcToRemoteClassicLink", false}}},
              {"Region", side.region},
              {"VpcId", side.vpc_id}};
    if (!side.cidrs.empty()) j["CidrBlock"] = side.cidrs.front().str();
    return j;
  }

  Json peeringConnections() const {
    Json items = Json::array();
    for (const auto& pcx : t_.peering_connections) {
      Json j = base(pcx.meta, "VpcPeeringConnectionId");
      j.erase("OwnerId");
      j["AccepterVpcInfo"] = peeringSide(pcx.accepter);
      j["RequesterVpcInfo"] = peeringSide(pcx.requester);
      std::string message = pcx.status;
      if (!message.empty()) message[0] = static_cast<char>(message[0] - 'a' + 'A');
      j["Status"] = {{"Code", pcx.status}, {"Message", message}};
      items.push_back(std::move(j));
    }
    return {{"VpcPeeringConnections", std::move(items)}};
  }

  Json transitGateways() const {
    Json items = Json::array();
    for (const auto& tgw : t_.transit_gateways) {
      Json j = base(tgw.meta, "TransitGatewayId");
      Json options = {{"AmazonSideAsn", 64512},
                      {"AutoAcceptSharedAttachments", "disable"},
                      {"DefaultRouteTableAssociation", tgw.default_association_route_table.empty() ? "disable" : "enable"},
                      {"DefaultRouteTablePropagation", tgw.default_propagation_route_table.empty() ? "disable" : "enable"},
                      {"DnsSupport", "enable"},
                      {"MulticastSupport", "disable"},
                      {"VpnEcmpSupport", "enable"}};
      if (!tgw.default_association_route_table.empty()) {
        options["AssociationDefaultRouteTableId"] = tgw.default_association_route_table;
      }
      if (!tgw.default_propagation_route_table.empty()) {
        options["PropagationDefaultRouteTableId"] = tgw.default_propagation_route_table;
      }
      j["Options"] = std::move(options);
      j["State"] = "available";
      j["TransitGatewayArn"] = arn(tgw.meta, "transit-gateway/" + tgw.meta.id);
      items.push_back(std::move(j));
    }
    return {{"TransitGateways", std::move(items)}};
  }

  Json tgwAttachments() const {
    Json items = Json::array();
    for (const auto& att : t_.tgw_attachments) {
      Json j = base(att.meta, "TransitGatewayAttachmentId");
      j.erase("OwnerId");
      if (!att.association_route_table.empty()) {
        j["Association"] = {{"State", "associated"}, {"TransitGatewayRouteTableId", att.association_route_table}};
      }
      j["ResourceId"] = att.resource_id;
      j["ResourceOwnerId"] = owner(att.meta);
      j["ResourceType"] = att.resource_type;
      j["State"] = att.state.empty() ? std::string("available") : att.state;
      j["TransitGatewayId"] = att.transit_gateway_id;
      j["TransitGatewayOwnerId"] = owner(att.meta);
      items.push_back(std::move(j));
    }
    return {{"TransitGatewayAttachments", std::move(items)}};
  }

  Json tgwVpcAttachments() const {
    Json items = Json::array();
    for (const auto& att : t_.tgw_attachments) {
      if (att.resource_type != "vpc") continue;
      Json j = base(att.meta, "TransitGatewayAttachmentId");
      j.erase("OwnerId");
      j["Options"] = {{"ApplianceModeSupport", "disable"}, {"DnsSupport", "enable"}, {"Ipv6Support", "disable"}};
      j["State"] = att.state.empty() ? std::string("available") : att.state;
      j["SubnetIds"] = att.subnet_ids;
      j["TransitGatewayId"] = att.transit_gateway_id;
      j["VpcId"] = att.resource_id;
      j["VpcOwnerId"] = owner(att.meta);
      items.push_back(std::move(j));
    }
    return {{"TransitGatewayVpcAttachments", std::move(items)}};
  }

  bool isDefaultTable(const TgwRouteTable& rt, bool association) const {
    for (const auto& tgw : t_.transit_gateways) {
      if (tgw.meta.id != rt.transit_gateway_id) continue;
      return (association ? tgw.default_association_route_table : tgw.default_propagation_route_table) == rt.meta.id;
    }
    return false;
  }

  Json tgwRouteTables() const {
    Json items = Json::array();
    for (const auto& rt : t_.tgw_route_tables) {
      Json j = base(rt.meta, "TransitGatewayRouteTableId");
      j.erase("OwnerId");
      j["DefaultAssociationRouteTable"] = isDefaultTable(rt, true);
      j["DefaultPropagationRouteTable"] = isDefaultTable(rt, false);
      j["State"] = "available";
      j["TransitGatewayId"] = rt.transit_gateway_id;
      items.push_back(std::move(j));
    }
    return {{"TransitGatewayRouteTables", std::move(items)}};
  }

  Json attachmentRef(const std::string& id) const {
    Json j = {{"TransitGatewayAttachmentId", id}};
    auto it = attachments_.find(id);
    if (it != attachments_.end()) {
      j["ResourceId"] = it->second->resource_id;
      j["ResourceType"] = it->second->resource_type;
    }
    return j;
  }

  Json tgwStaticRoutes() const {
    Json items = Json::array();
    for (const auto& rt : t_.tgw_route_tables) {
      Json routes = Json::array();
      for (const auto& r : rt.static_routes) {
        Json route = {{"DestinationCidrBlock", r.destination.str()},
                      {"State", r.blackhole ? "blackhole" : "active"},
                      {"Type", "static"}};
        if (!r.attachment_ids.empty()) {
          Json atts = Json::array();
          for (const auto& id : r.attachment_ids) atts.push_back(attachmentRef(id));
          route["TransitGatewayAttachments"] = std::move(atts);
        }
        routes.push_back(std::move(route));
      }
      items.push_back({{"AdditionalRoutesAvailable", false},
                       {"Routes", std::move(routes)},
                       {"TransitGatewayRouteTableId", rt.meta.id}});
    }
    return {{"TransitGatewayStaticRoutes", std::move(items)}};
  }

  Json tgwPropagations() const {
    Json items = Json::array();
    for (const auto& rt : t_.tgw_route_tables) {
      Json props = Json::array();
      for (const auto& id : rt.propagating_attachments) {
        Json p = attachmentRef(id);
        p["State"] = "enabled";
        props.push_back(std::move(p));
      }
      items.push_back({{"TransitGatewayRouteTableId", rt.meta.id}, {"TransitGatewayRouteTablePropagations", std::move(props)}});
    }
    return {{"TransitGatewayPropagations", std::move(items)}};
  }

  Json vpnGateways() const {
    Json items = Json::array();
    for (const auto& vgw : t_.vpn_gateways) {
      Json j = base(vgw.meta, "VpnGatewayId");
      j.erase("OwnerId");
      Json atts = Json::array();
      for (const auto& vpc : vgw.vpc_ids) atts.push_back({{"State", "attached"}, {"VpcId", vpc}});
      j["State"] = "available";
      j["Type"] = "ipsec.1";
      j["VpcAttachments"] = std::move(atts);
      items.push_back(std::move(j));
    }
    return {{"VpnGateways", std::move(items)}};
  }

  Json vpnConnections() const {
    Json items = Json::array();
    for (const auto& vpn : t_.vpn_connections) {
      Json j = base(vpn.meta, "VpnConnectionId");
      j.erase("OwnerId");
      j["State"] = "available";
      j["Type"] = "ipsec.1";
      if (!vpn.vpn_gateway_id.empty()) j["VpnGatewayId"] = vpn.vpn_gateway_id;
      if (!vpn.transit_gateway_id.empty()) j["TransitGatewayId"] = vpn.transit_gateway_id;
      items.push_back(std::move(j));
    }
    return {{"VpnConnections", std::move(items)}};
  }

  [[nodiscard]] bool hasEgressOnly() const {
    for (const auto& igw : t_.internet_gateways) {
      if (igw.egress_only) return true;
    }
    return false;
  }

 private:
  std::string owner(const ResourceMeta& meta) const { return meta.account.empty() ? t_.default_account : meta.account; }
  std::string region(const ResourceMeta& meta) const { return meta.region.empty() ? t_.default_region : meta.region; }
  std::string arn(const ResourceMeta& meta, const std::string& resource) const {
    return "arn:aws:ec2:" + region(meta) + ":" + owner(meta) + ":" + resource;
  }
  static Json tags(const ResourceMeta& meta) {
    Json out = Json::array();
    if (!meta.name.empty()) out.push_back({{"Key", "Name"}, {"Value", meta.name}});
    if (!meta.logical_id.empty()) out.push_back({{"Key", "aws:cloudformation:logical-id"}, {"Value", meta.logical_id}});
    return out;
  }
  /// The fields every describe object shares: its ID, OwnerId and Tags.
  Json base(const ResourceMeta& meta, const char* id_key) const {
    return {{id_key, meta.id}, {"OwnerId", owner(meta)}, {"Tags", tags(meta)}};
  }

  const Topology& t_;
  std::unordered_map<std::string_view, std::string_view> sg_names_;
  std::unordered_map<std::string_view, const Eni*> enis_;
  std::unordered_map<std::string_view, int> device_index_;
  std::unordered_map<std::string_view, const TgwAttachment*> attachments_;
  std::unordered_map<std::string_view, uint64_t> subnet_ips_;
};

/// Writes `text` to dir/name through a temporary file and a rename.
bool writeAtomically(const std::filesystem::path& dir, const std::string& name, const std::string& text,
                     std::vector<Diagnostic>& errors) {
  const std::filesystem::path target = dir / name;
  const std::filesystem::path temp = dir / ("." + name + ".tmp");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (out) out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      errors.push_back({"write-failed", "cannot write file", target.string()});
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, target, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    errors.push_back({"write-failed", "cannot rename " + temp.filename().string() + " into place: " + ec.message(),
                      target.string()});
    return false;
  }
  return true;
}

}  // namespace

bool writeSnapshot(const Topology& topology, const std::filesystem::path& dir, std::vector<Diagnostic>& errors) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    errors.push_back({"write-failed", "cannot create directory: " + ec.message(), dir.string()});
    return false;
  }
  const SnapshotBuilder b(topology);
  bool ok = true;
  auto write = [&](const std::string& name, const Json& json) {
    ok &= writeAtomically(dir, name, json.dump(1) + "\n", errors);
  };
  write("Vpcs.json", b.vpcs());
  write("Subnets.json", b.subnets());
  write("RouteTables.json", b.routeTables());
  write("SecurityGroups.json", b.securityGroups());
  write("NetworkAcls.json", b.networkAcls());
  write("InternetGateways.json", b.internetGateways(false));
  write("NatGateways.json", b.natGateways());
  write("VpcEndpoints.json", b.vpcEndpoints());
  write("NetworkInterfaces.json", b.networkInterfaces());
  write("Reservations.json", b.reservations());
  write("PrefixLists.json", b.prefixLists());
  write("VpcPeeringConnections.json", b.peeringConnections());
  write("TransitGateways.json", b.transitGateways());
  write("TransitGatewayAttachments.json", b.tgwAttachments());
  write("TransitGatewayVpcAttachments.json", b.tgwVpcAttachments());
  write("TransitGatewayRouteTables.json", b.tgwRouteTables());
  write("TransitGatewayStaticRoutes.json", b.tgwStaticRoutes());
  write("TransitGatewayPropagations.json", b.tgwPropagations());
  if (b.hasEgressOnly()) write("EgressOnlyInternetGateways.json", b.internetGateways(true));
  if (!topology.vpn_gateways.empty()) write("VpnGateways.json", b.vpnGateways());
  if (!topology.vpn_connections.empty()) write("VpnConnections.json", b.vpnConnections());
  return ok;
}

}  // namespace vpcsim::topology

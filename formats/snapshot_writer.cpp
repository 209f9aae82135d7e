// Saves a Topology as an AWS snapshot folder: the JSON `aws ec2 describe-*` prints.
#include "formats/snapshot_writer.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <unordered_map>
#include <utility>

namespace vpcsim::formats {

using namespace vpcsim::topology;  // the model this format fills

namespace {

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

/// Streams JSON to a file in exactly the layout of nlohmann::json::dump(1):
/// one-space indent, `"key": value`, `{}` / `[]` when empty. Callers emit keys
/// in sorted (byte) order, as the saved AWS snapshots have them; debug builds
/// assert it. Building a DOM for 100k ENIs is ten times slower.
class JsonOut {
 public:
  explicit JsonOut(std::ostream& out) : out_(out) { buf_.reserve(kFlushAt + 4096); }

  void beginObject() { open('{'); }
  void endObject() { close('}'); }
  void beginArray() { open('['); }
  void endArray() { close(']'); }

  void key(std::string_view k) {
    prefix();
#ifndef NDEBUG
    assert(!keys_.empty() && "key outside an object");
    assert((keys_.back().empty() || keys_.back() < k) && "keys must be written in sorted order");
    keys_.back().assign(k);
#endif
    string(k);
    buf_ += ": ";
    after_key_ = true;
  }

  template <typename T>
  void value(const T& v) {
    prefix();
    if constexpr (std::is_same_v<T, bool>) {
      buf_ += v ? "true" : "false";
    } else if constexpr (std::is_integral_v<T>) {
      char digits[24];
      const auto result = std::to_chars(digits, digits + sizeof digits, v);
      buf_.append(digits, result.ptr);
    } else {
      string(std::string_view(v));
    }
  }

  template <typename T>
  void field(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

  void stringArray(std::string_view k, const std::vector<std::string>& items) {
    key(k);
    beginArray();
    for (const auto& item : items) value(item);
    endArray();
  }

  /// Ends the document with a newline and flushes; false on an I/O error.
  bool finish() {
    buf_ += '\n';
    flush();
    out_.flush();
    return static_cast<bool>(out_);
  }

 private:
  static constexpr std::size_t kFlushAt = std::size_t{1} << 20;

  void prefix() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) buf_ += ',';
    first_.back() = false;
    buf_ += '\n';
    buf_.append(first_.size(), ' ');
  }
  void open(char bracket) {
    prefix();
    buf_ += bracket;
    first_.push_back(true);
#ifndef NDEBUG
    keys_.emplace_back();
#endif
  }
  void close(char bracket) {
    const bool empty = first_.back();
    first_.pop_back();
#ifndef NDEBUG
    keys_.pop_back();
#endif
    if (!empty) {
      buf_ += '\n';
      buf_.append(first_.size(), ' ');
    }
    buf_ += bracket;
    if (buf_.size() >= kFlushAt) flush();
  }
  void string(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    buf_ += '"';
    const auto plain = [](char c) { return c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20; };
    if (std::all_of(text.begin(), text.end(), plain)) {  // the common case: nothing to escape
      buf_.append(text);
      buf_ += '"';
      return;
    }
    for (char c : text) {
      switch (c) {
        case '"': buf_ += "\\\""; break;
        case '\\': buf_ += "\\\\"; break;
        case '\b': buf_ += "\\b"; break;
        case '\f': buf_ += "\\f"; break;
        case '\n': buf_ += "\\n"; break;
        case '\r': buf_ += "\\r"; break;
        case '\t': buf_ += "\\t"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            buf_ += "\\u00";
            buf_ += kHex[static_cast<unsigned char>(c) >> 4];
            buf_ += kHex[static_cast<unsigned char>(c) & 0xf];
          } else {
            buf_ += c;
          }
      }
    }
    buf_ += '"';
  }
  void flush() {
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }

  std::ostream& out_;
  std::string buf_;
  std::vector<bool> first_;
  bool after_key_ = false;
#ifndef NDEBUG
  std::vector<std::string> keys_;
#endif
};

class SnapshotWriter {
 public:
  explicit SnapshotWriter(const Topology& topology) : t_(topology) {
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

  void vpcs(JsonOut& j) const {
    for (const auto& vpc : t_.vpcs) {
      j.beginObject();
      j.field("CidrBlock", vpc.cidrs.empty() ? std::string() : vpc.cidrs.front().str());
      j.key("CidrBlockAssociationSet");
      j.beginArray();
      auto association = [&](const Cidr& c, const char* state) {
        j.beginObject();
        j.field("AssociationId", derivedId("vpc-cidr-assoc-", vpc.meta.id, c.str()));
        j.field("CidrBlock", c.str());
        j.key("CidrBlockState");
        j.beginObject();
        j.field("State", state);
        j.endObject();
        j.endObject();
      };
      for (const auto& c : vpc.cidrs) association(c, "associated");
      for (const auto& c : vpc.disassociated_cidrs) association(c, "disassociated");
      j.endArray();
      j.field("DhcpOptionsId", derivedId("dopt-", owner(vpc.meta)));
      j.field("InstanceTenancy", "default");
      if (!vpc.ipv6_blocks.empty()) ipv6Set(j, vpc.meta.id, vpc.ipv6_blocks);
      j.field("IsDefault", vpc.is_default);
      j.field("OwnerId", owner(vpc.meta));
      j.field("State", "available");
      tags(j, vpc.meta);
      j.field("VpcId", vpc.meta.id);
      j.endObject();
    }
  }

  void subnets(JsonOut& j) const {
    for (const auto& s : t_.subnets) {
      j.beginObject();
      j.field("AssignIpv6AddressOnCreation", s.assign_ipv6_address_on_creation);
      j.field("AvailabilityZone", s.availability_zone);
      if (!s.availability_zone_id.empty()) j.field("AvailabilityZoneId", s.availability_zone_id);
      const uint64_t used = subnet_ips_.at(s.meta.id);
      const uint64_t usable = s.cidr.size() > 5 ? s.cidr.size() - 5 : 0;
      j.field("AvailableIpAddressCount", usable > used ? usable - used : 0);
      j.field("CidrBlock", s.cidr.str());
      j.field("DefaultForAz", false);
      ipv6Set(j, s.meta.id, s.ipv6_blocks);
      j.field("MapPublicIpOnLaunch", s.map_public_ip_on_launch);
      j.field("OwnerId", owner(s.meta));
      j.field("State", "available");
      j.field("SubnetArn", arn(s.meta, "subnet/" + s.meta.id));
      j.field("SubnetId", s.meta.id);
      tags(j, s.meta);
      j.field("VpcId", s.vpc_id);
      j.endObject();
    }
  }

  static std::string_view targetKey(RouteTarget target) {
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

  void routeTables(JsonOut& j) const {
    std::vector<std::pair<std::string_view, std::string>> fields;
    for (const auto& rt : t_.route_tables) {
      j.beginObject();
      j.key("Associations");
      j.beginArray();
      auto association = [&](std::string_view key, const std::string& value, bool main) {
        j.beginObject();
        j.key("AssociationState");
        j.beginObject();
        j.field("State", "associated");
        j.endObject();
        if (key == "GatewayId") j.field("GatewayId", value);
        j.field("Main", main);
        j.field("RouteTableAssociationId", derivedId("rtbassoc-", rt.meta.id, value));
        j.field("RouteTableId", rt.meta.id);
        if (key == "SubnetId") j.field("SubnetId", value);
        j.endObject();
      };
      if (rt.main) association("", "main", true);
      for (const auto& id : rt.subnet_ids) association("SubnetId", id, false);
      for (const auto& id : rt.gateway_ids) association("GatewayId", id, false);
      j.endArray();
      j.field("OwnerId", owner(rt.meta));
      j.key("PropagatingVgws");
      j.beginArray();
      for (const auto& id : rt.propagating_vgws) {
        j.beginObject();
        j.field("GatewayId", id);
        j.endObject();
      }
      j.endArray();
      j.field("RouteTableId", rt.meta.id);
      j.key("Routes");
      j.beginArray();
      for (const auto& r : rt.routes) {
        // The target key varies, so sort this small object's keys at run time.
        fields.clear();
        if (r.destination) fields.emplace_back("DestinationCidrBlock", r.destination->str());
        if (!r.destination_prefix_list.empty()) fields.emplace_back("DestinationPrefixListId", r.destination_prefix_list);
        if (r.destination_ipv6) fields.emplace_back("DestinationIpv6CidrBlock", r.destination_ipv6->str());
        fields.emplace_back(targetKey(r.target), r.target_id);
        if (r.target == RouteTarget::kInstance) fields.emplace_back("InstanceOwnerId", owner(rt.meta));
        fields.emplace_back("Origin", !r.origin.empty()                   ? r.origin
                                      : r.target == RouteTarget::kLocal ? "CreateRouteTable"
                                                                         : "CreateRoute");
        fields.emplace_back("State", r.blackhole ? "blackhole" : "active");
        std::sort(fields.begin(), fields.end());
        j.beginObject();
        for (const auto& [k, v] : fields) j.field(k, v);
        j.endObject();
      }
      j.endArray();
      tags(j, rt.meta);
      j.field("VpcId", rt.vpc_id);
      j.endObject();
    }
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
  void permissions(JsonOut& j, std::string_view key, const std::vector<SgRule>& rules, const ResourceMeta& group) const {
    std::vector<const SgRule*> sorted;
    sorted.reserve(rules.size());
    for (const auto& r : rules) sorted.push_back(&r);
    std::stable_sort(sorted.begin(), sorted.end(), [](const SgRule* a, const SgRule* b) { return a->index < b->index; });
    const std::string user = owner(group);
    j.key(key);
    j.beginArray();
    std::array<std::vector<const SgRule*>, 4> peers;  // by PeerKind
    for (std::size_t begin = 0; begin < sorted.size();) {
      const SgRule& head = *sorted[begin];
      std::size_t end = begin + 1;
      while (end < sorted.size() && sorted[end]->index == head.index && sorted[end]->protocol == head.protocol &&
             sorted[end]->from_port == head.from_port && sorted[end]->to_port == head.to_port) {
        ++end;
      }
      for (auto& list : peers) list.clear();
      for (std::size_t i = begin; i < end; ++i) peers[static_cast<std::size_t>(sorted[i]->peer_kind)].push_back(sorted[i]);
      begin = end;

      auto peerList = [&](std::string_view list_key, PeerKind kind) {
        j.key(list_key);
        j.beginArray();
        for (const SgRule* r : peers[static_cast<std::size_t>(kind)]) {
          j.beginObject();
          switch (kind) {
            case PeerKind::kCidr:
              j.field("CidrIp", r->cidr.str());
              if (!r->description.empty()) j.field("Description", r->description);
              break;
            case PeerKind::kIpv6Cidr:
              j.field("CidrIpv6", r->cidr6.str());
              if (!r->description.empty()) j.field("Description", r->description);
              break;
            case PeerKind::kPrefixList:
              if (!r->description.empty()) j.field("Description", r->description);
              j.field("PrefixListId", r->peer);
              break;
            case PeerKind::kSecurityGroup:
              if (!r->description.empty()) j.field("Description", r->description);
              j.field("GroupId", r->peer);
              j.field("UserId", user);
              if (!r->peer_vpc_id.empty()) j.field("VpcId", r->peer_vpc_id);
              break;
          }
          j.endObject();
        }
        j.endArray();
      };
      const bool ports = head.protocol != kProtocolAll;
      j.beginObject();
      if (ports) j.field("FromPort", head.from_port);
      j.field("IpProtocol", sgProtocol(head.protocol));
      peerList("IpRanges", PeerKind::kCidr);
      peerList("Ipv6Ranges", PeerKind::kIpv6Cidr);
      peerList("PrefixListIds", PeerKind::kPrefixList);
      if (ports) j.field("ToPort", head.to_port);
      peerList("UserIdGroupPairs", PeerKind::kSecurityGroup);
      j.endObject();
    }
    j.endArray();
  }

  void securityGroups(JsonOut& j) const {
    for (const auto& sg : t_.security_groups) {
      j.beginObject();
      j.field("Description", sg.description);
      j.field("GroupId", sg.meta.id);
      j.field("GroupName", sg.group_name);
      permissions(j, "IpPermissions", sg.ingress, sg.meta);
      permissions(j, "IpPermissionsEgress", sg.egress, sg.meta);
      j.field("OwnerId", owner(sg.meta));
      tags(j, sg.meta);
      j.field("VpcId", sg.vpc_id);
      j.endObject();
    }
  }

  void networkAcls(JsonOut& j) const {
    for (const auto& acl : t_.network_acls) {
      j.beginObject();
      j.key("Associations");
      j.beginArray();
      for (const auto& id : acl.subnet_ids) {
        j.beginObject();
        j.field("NetworkAclAssociationId", derivedId("aclassoc-", acl.meta.id, id));
        j.field("NetworkAclId", acl.meta.id);
        j.field("SubnetId", id);
        j.endObject();
      }
      j.endArray();
      j.key("Entries");
      j.beginArray();
      for (const auto& e : acl.entries) {
        j.beginObject();
        if (e.cidr) j.field("CidrBlock", e.cidr->str());
        j.field("Egress", e.egress);
        if (e.protocol == kProtocolIcmp || e.protocol == kProtocolIcmpv6) {
          j.key("IcmpTypeCode");
          j.beginObject();
          j.field("Code", e.icmp_code);
          j.field("Type", e.icmp_type);
          j.endObject();
        }
        if (e.ipv6_cidr) j.field("Ipv6CidrBlock", e.ipv6_cidr->str());
        if (e.protocol == kProtocolTcp || e.protocol == kProtocolUdp) {
          j.key("PortRange");
          j.beginObject();
          j.field("From", e.ports.from);
          j.field("To", e.ports.to);
          j.endObject();
        }
        j.field("Protocol", std::to_string(e.protocol));
        j.field("RuleAction", e.allow ? "allow" : "deny");
        j.field("RuleNumber", e.rule_number);
        j.endObject();
      }
      j.endArray();
      j.field("IsDefault", acl.is_default);
      j.field("NetworkAclId", acl.meta.id);
      j.field("OwnerId", owner(acl.meta));
      tags(j, acl.meta);
      j.field("VpcId", acl.vpc_id);
      j.endObject();
    }
  }

  /// Attachments as describe-internet-gateways ("available") and
  /// describe-egress-only-internet-gateways ("attached") print them.
  static void gatewayAttachments(JsonOut& j, const std::vector<std::string>& vpc_ids, std::string_view state) {
    j.key("Attachments");
    j.beginArray();
    for (const auto& vpc : vpc_ids) {
      j.beginObject();
      j.field("State", state);
      j.field("VpcId", vpc);
      j.endObject();
    }
    j.endArray();
  }

  void internetGateways(JsonOut& j) const {
    for (const auto& igw : t_.internet_gateways) {
      j.beginObject();
      gatewayAttachments(j, igw.vpc_ids, "available");
      j.field("InternetGatewayId", igw.meta.id);
      j.field("OwnerId", owner(igw.meta));
      tags(j, igw.meta);
      j.endObject();
    }
  }

  void egressOnlyInternetGateways(JsonOut& j) const {
    for (const auto& gateway : t_.egress_only_internet_gateways) {
      j.beginObject();
      std::vector<std::string> vpc_ids;
      if (!gateway.vpc_id.empty()) vpc_ids.push_back(gateway.vpc_id);
      gatewayAttachments(j, vpc_ids, "attached");
      j.field("EgressOnlyInternetGatewayId", gateway.meta.id);
      tags(j, gateway.meta);
      j.endObject();
    }
  }

  void natGateways(JsonOut& j) const {
    for (const auto& nat : t_.nat_gateways) {
      j.beginObject();
      j.field("ConnectivityType", nat.is_public ? "public" : "private");
      j.key("NatGatewayAddresses");
      j.beginArray();
      for (std::size_t i = 0; i < nat.private_ips.size(); ++i) {
        const bool has_public = i < nat.public_ips.size();
        j.beginObject();
        if (has_public) j.field("AllocationId", derivedId("eipalloc-", nat.public_ips[i].str()));
        j.field("NetworkInterfaceId", nat.eni_id);
        j.field("PrivateIp", nat.private_ips[i].str());
        if (has_public) j.field("PublicIp", nat.public_ips[i].str());
        j.endObject();
      }
      j.endArray();
      j.field("NatGatewayId", nat.meta.id);
      j.field("State", "available");
      j.field("SubnetId", nat.subnet_id);
      tags(j, nat.meta);
      j.field("VpcId", nat.vpc_id);
      j.endObject();
    }
  }

  void groups(JsonOut& j, std::string_view key, const std::vector<std::string>& ids) const {
    j.key(key);
    j.beginArray();
    for (const auto& id : ids) {
      auto it = sg_names_.find(id);
      j.beginObject();
      j.field("GroupId", id);
      j.field("GroupName", it != sg_names_.end() ? it->second : std::string_view());
      j.endObject();
    }
    j.endArray();
  }

  void vpcEndpoints(JsonOut& j) const {
    for (const auto& ep : t_.vpc_endpoints) {
      j.beginObject();
      j.key("DnsEntries");
      j.beginArray();
      j.endArray();
      groups(j, "Groups", ep.security_group_ids);
      j.stringArray("NetworkInterfaceIds", ep.eni_ids);
      j.field("OwnerId", owner(ep.meta));
      if (!ep.policy_document.empty()) j.field("PolicyDocument", ep.policy_document);
      if (ep.ip_address_type != IpAddressType::kIpv4) j.field("IpAddressType", ipAddressTypeName(ep.ip_address_type));
      j.field("PrivateDnsEnabled", ep.private_dns);
      j.field("RequesterManaged", false);
      j.stringArray("RouteTableIds", ep.route_table_ids);
      j.field("ServiceName", ep.service_name);
      j.field("State", "available");
      j.stringArray("SubnetIds", ep.subnet_ids);
      tags(j, ep.meta);
      j.field("VpcEndpointId", ep.meta.id);
      j.field("VpcEndpointType", endpointTypeName(ep.type));
      j.field("VpcId", ep.vpc_id);
      j.endObject();
    }
  }

  void publicAssociation(JsonOut& j, const Eni& eni, const PublicAddress& pub) const {
    const std::string ip = pub.public_ip.str();
    j.key("Association");
    j.beginObject();
    if (pub.elastic) {
      j.field("AllocationId", derivedId("eipalloc-", ip));
      j.field("AssociationId", derivedId("eipassoc-", eni.meta.id, ip));
      j.field("IpOwnerId", owner(eni.meta));
    } else {
      j.field("IpOwnerId", "amazon");
    }
    j.field("PublicIp", ip);
    j.endObject();
  }

  static const PublicAddress* publicFor(const Eni& eni, Ipv4 private_ip) {
    for (const auto& pub : eni.public_ips) {
      if (pub.private_ip == private_ip) return &pub;
    }
    return nullptr;
  }

  /// One ENI as describe-network-interfaces prints it; `nested` drops the
  /// fields describe-instances leaves out of Instances[].NetworkInterfaces.
  void networkInterface(JsonOut& j, const Eni& eni, bool nested) const {
    j.beginObject();
    const PublicAddress* primary_public = eni.private_ips.empty() ? nullptr : publicFor(eni, eni.private_ips.front());
    if (primary_public != nullptr) publicAssociation(j, eni, *primary_public);
    if (!eni.instance_id.empty()) {
      auto it = device_index_.find(eni.meta.id);
      const int index = it != device_index_.end() ? it->second : std::max(eni.device_index, 0);
      j.key("Attachment");
      j.beginObject();
      j.field("AttachmentId", derivedId("eni-attach-", eni.meta.id));
      j.field("DeleteOnTermination", index == 0);
      j.field("DeviceIndex", index);
      j.field("InstanceId", eni.instance_id);
      j.field("InstanceOwnerId", owner(eni.meta));
      j.field("Status", "attached");
      j.endObject();
    }
    if (!nested) j.field("AvailabilityZone", eni.availability_zone);
    j.field("Description", eni.description);
    groups(j, "Groups", eni.security_group_ids);
    j.field("InterfaceType", eni.interface_type.empty() ? std::string_view("interface") : std::string_view(eni.interface_type));
    j.key("Ipv6Addresses");
    j.beginArray();
    for (const auto& a : eni.ipv6_addresses) {
      j.beginObject();
      j.field("Ipv6Address", a.str());
      j.endObject();
    }
    j.endArray();
    if (!eni.ipv6_prefixes.empty()) {
      j.key("Ipv6Prefixes");
      j.beginArray();
      for (const auto& prefix : eni.ipv6_prefixes) {
        j.beginObject();
        j.field("Ipv6Prefix", prefix.str());
        j.endObject();
      }
      j.endArray();
    }
    j.field("NetworkInterfaceId", eni.meta.id);
    j.field("OwnerId", owner(eni.meta));
    if (!eni.private_ips.empty()) j.field("PrivateIpAddress", eni.private_ips.front().str());
    j.key("PrivateIpAddresses");
    j.beginArray();
    for (std::size_t i = 0; i < eni.private_ips.size(); ++i) {
      j.beginObject();
      if (const PublicAddress* pub = publicFor(eni, eni.private_ips[i]); pub != nullptr) publicAssociation(j, eni, *pub);
      j.field("Primary", i == 0);
      j.field("PrivateIpAddress", eni.private_ips[i].str());
      j.endObject();
    }
    j.endArray();
    if (!nested) {
      if (!eni.requester_id.empty()) j.field("RequesterId", eni.requester_id);
      j.field("RequesterManaged", !eni.requester_id.empty());
    }
    j.field("SourceDestCheck", eni.source_dest_check);
    j.field("Status", eni.instance_id.empty() && eni.requester_id.empty() ? "available" : "in-use");
    j.field("SubnetId", eni.subnet_id);
    if (!nested) tags(j, eni.meta, "TagSet");
    j.field("VpcId", eni.vpc_id);
    j.endObject();
  }

  void networkInterfaces(JsonOut& j) const {
    for (const auto& eni : t_.enis) networkInterface(j, eni, false);
  }

  static int stateCode(std::string_view state) {
    if (state == "pending") return 0;
    if (state == "shutting-down") return 32;
    if (state == "terminated") return 48;
    if (state == "stopping") return 64;
    if (state == "stopped") return 80;
    return 16;
  }

  void reservations(JsonOut& j) const {
    for (const auto& inst : t_.instances) {
      const Eni* primary = nullptr;
      for (const auto& id : inst.eni_ids) {
        auto it = enis_.find(id);
        if (it != enis_.end()) {
          primary = it->second;
          break;
        }
      }
      const PublicAddress* pub = primary == nullptr || primary->private_ips.empty()
                                     ? nullptr
                                     : publicFor(*primary, primary->private_ips.front());
      j.beginObject();
      j.key("Groups");
      j.beginArray();
      j.endArray();
      j.key("Instances");
      j.beginArray();
      j.beginObject();
      j.field("InstanceId", inst.meta.id);
      j.field("InstanceType", "t3.micro");
      j.key("NetworkInterfaces");
      j.beginArray();
      for (const auto& id : inst.eni_ids) {
        auto it = enis_.find(id);
        if (it != enis_.end()) networkInterface(j, *it->second, true);
      }
      j.endArray();
      if (primary != nullptr) {
        j.key("Placement");
        j.beginObject();
        j.field("AvailabilityZone", primary->availability_zone);
        j.field("GroupName", "");
        j.field("Tenancy", "default");
        j.endObject();
        if (!primary->private_ips.empty()) j.field("PrivateIpAddress", primary->private_ips.front().str());
        if (pub != nullptr) j.field("PublicIpAddress", pub->public_ip.str());
        groups(j, "SecurityGroups", primary->security_group_ids);
        j.field("SourceDestCheck", primary->source_dest_check);
      }
      const std::string_view state = inst.state.empty() ? std::string_view("running") : std::string_view(inst.state);
      j.key("State");
      j.beginObject();
      j.field("Code", stateCode(state));
      j.field("Name", state);
      j.endObject();
      if (primary != nullptr) j.field("SubnetId", primary->subnet_id);
      tags(j, inst.meta);
      if (primary != nullptr) j.field("VpcId", primary->vpc_id);
      j.endObject();
      j.endArray();
      j.field("OwnerId", owner(inst.meta));
      j.field("ReservationId", derivedId("r-", inst.meta.id));
      j.endObject();
    }
  }

  void prefixLists(JsonOut& j) const {
    for (const auto& pl : t_.prefix_lists) {
      j.beginObject();
      j.key("Cidrs");
      j.beginArray();
      for (const auto& c : pl.cidrs) j.value(c.str());
      j.endArray();
      j.field("PrefixListId", pl.meta.id);
      j.field("PrefixListName", pl.prefix_list_name.empty() ? pl.meta.name : pl.prefix_list_name);
      j.endObject();
    }
  }

  static void peeringSide(JsonOut& j, std::string_view key, const PeeringSide& side) {
    j.key(key);
    j.beginObject();
    if (!side.cidrs.empty()) j.field("CidrBlock", side.cidrs.front().str());
    j.key("CidrBlockSet");
    j.beginArray();
    for (const auto& c : side.cidrs) {
      j.beginObject();
      j.field("CidrBlock", c.str());
      j.endObject();
    }
    j.endArray();
    j.field("OwnerId", side.account);
    j.key("PeeringOptions");
    j.beginObject();
    j.field("AllowDnsResolutionFromRemoteVpc", false);
    j.field("AllowEgressFromLocalClassicLinkToRemoteVpc", false);
    j.field("AllowEgressFromLocalVpcToRemoteClassicLink", false);
    j.endObject();
    j.field("Region", side.region);
    j.field("VpcId", side.vpc_id);
    j.endObject();
  }

  void peeringConnections(JsonOut& j) const {
    for (const auto& pcx : t_.peering_connections) {
      PeeringSide accepter = pcx.accepter;
      PeeringSide requester = pcx.requester;
      for (PeeringSide* side : {&accepter, &requester}) {
        if (side->account.empty()) side->account = t_.default_account;
        if (side->region.empty()) side->region = t_.default_region;
      }
      std::string message = pcx.status;
      if (!message.empty() && message[0] >= 'a' && message[0] <= 'z') message[0] = static_cast<char>(message[0] - 'a' + 'A');
      j.beginObject();
      peeringSide(j, "AccepterVpcInfo", accepter);
      peeringSide(j, "RequesterVpcInfo", requester);
      j.key("Status");
      j.beginObject();
      j.field("Code", pcx.status);
      j.field("Message", message);
      j.endObject();
      tags(j, pcx.meta);
      j.field("VpcPeeringConnectionId", pcx.meta.id);
      j.endObject();
    }
  }

  void transitGateways(JsonOut& j) const {
    for (const auto& tgw : t_.transit_gateways) {
      const bool assoc = !tgw.default_association_route_table.empty();
      const bool prop = !tgw.default_propagation_route_table.empty();
      j.beginObject();
      j.key("Options");
      j.beginObject();
      j.field("AmazonSideAsn", 64512);
      if (assoc) j.field("AssociationDefaultRouteTableId", tgw.default_association_route_table);
      j.field("AutoAcceptSharedAttachments", "disable");
      j.field("DefaultRouteTableAssociation", assoc ? "enable" : "disable");
      j.field("DefaultRouteTablePropagation", prop ? "enable" : "disable");
      j.field("DnsSupport", "enable");
      j.field("MulticastSupport", "disable");
      if (prop) j.field("PropagationDefaultRouteTableId", tgw.default_propagation_route_table);
      j.field("VpnEcmpSupport", "enable");
      j.endObject();
      j.field("OwnerId", owner(tgw.meta));
      j.field("State", "available");
      tags(j, tgw.meta);
      j.field("TransitGatewayArn", arn(tgw.meta, "transit-gateway/" + tgw.meta.id));
      j.field("TransitGatewayId", tgw.meta.id);
      j.endObject();
    }
  }

  void tgwAttachments(JsonOut& j) const {
    for (const auto& att : t_.tgw_attachments) {
      j.beginObject();
      if (!att.association_route_table.empty()) {
        j.key("Association");
        j.beginObject();
        j.field("State", "associated");
        j.field("TransitGatewayRouteTableId", att.association_route_table);
        j.endObject();
      }
      j.field("ResourceId", att.resource_id);
      j.field("ResourceOwnerId", owner(att.meta));
      j.field("ResourceType", att.resource_type);
      j.field("State", att.state.empty() ? std::string_view("available") : std::string_view(att.state));
      tags(j, att.meta);
      j.field("TransitGatewayAttachmentId", att.meta.id);
      j.field("TransitGatewayId", att.transit_gateway_id);
      j.field("TransitGatewayOwnerId", owner(att.meta));
      j.endObject();
    }
  }

  void tgwVpcAttachments(JsonOut& j) const {
    for (const auto& att : t_.tgw_attachments) {
      if (att.resource_type != "vpc") continue;
      j.beginObject();
      j.key("Options");
      j.beginObject();
      j.field("ApplianceModeSupport", "disable");
      j.field("DnsSupport", "enable");
      j.field("Ipv6Support", "disable");
      j.endObject();
      j.field("State", att.state.empty() ? std::string_view("available") : std::string_view(att.state));
      j.stringArray("SubnetIds", att.subnet_ids);
      tags(j, att.meta);
      j.field("TransitGatewayAttachmentId", att.meta.id);
      j.field("TransitGatewayId", att.transit_gateway_id);
      j.field("VpcId", att.resource_id);
      j.field("VpcOwnerId", owner(att.meta));
      j.endObject();
    }
  }

  bool isDefaultTable(const TgwRouteTable& rt, bool association) const {
    for (const auto& tgw : t_.transit_gateways) {
      if (tgw.meta.id == rt.transit_gateway_id) {
        return (association ? tgw.default_association_route_table : tgw.default_propagation_route_table) == rt.meta.id;
      }
    }
    return false;
  }

  void tgwRouteTables(JsonOut& j) const {
    for (const auto& rt : t_.tgw_route_tables) {
      j.beginObject();
      j.field("DefaultAssociationRouteTable", isDefaultTable(rt, true));
      j.field("DefaultPropagationRouteTable", isDefaultTable(rt, false));
      j.field("State", "available");
      tags(j, rt.meta);
      j.field("TransitGatewayId", rt.transit_gateway_id);
      j.field("TransitGatewayRouteTableId", rt.meta.id);
      j.endObject();
    }
  }

  /// {ResourceId, ResourceType, [State,] TransitGatewayAttachmentId}
  void attachmentRef(JsonOut& j, const std::string& id, bool with_state) const {
    auto it = attachments_.find(id);
    j.beginObject();
    if (it != attachments_.end()) {
      j.field("ResourceId", it->second->resource_id);
      j.field("ResourceType", it->second->resource_type);
    }
    if (with_state) j.field("State", "enabled");
    j.field("TransitGatewayAttachmentId", id);
    j.endObject();
  }

  void tgwStaticRoutes(JsonOut& j) const {
    for (const auto& rt : t_.tgw_route_tables) {
      j.beginObject();
      j.field("AdditionalRoutesAvailable", false);
      j.key("Routes");
      j.beginArray();
      for (const auto& r : rt.static_routes) {
        j.beginObject();
        j.field("DestinationCidrBlock", r.destination.str());
        j.field("State", r.blackhole ? "blackhole" : "active");
        if (!r.attachment_ids.empty()) {
          j.key("TransitGatewayAttachments");
          j.beginArray();
          for (const auto& id : r.attachment_ids) attachmentRef(j, id, false);
          j.endArray();
        }
        j.field("Type", "static");
        j.endObject();
      }
      j.endArray();
      j.field("TransitGatewayRouteTableId", rt.meta.id);
      j.endObject();
    }
  }

  void tgwPropagations(JsonOut& j) const {
    for (const auto& rt : t_.tgw_route_tables) {
      j.beginObject();
      j.field("TransitGatewayRouteTableId", rt.meta.id);
      j.key("TransitGatewayRouteTablePropagations");
      j.beginArray();
      for (const auto& id : rt.propagating_attachments) attachmentRef(j, id, true);
      j.endArray();
      j.endObject();
    }
  }

  void vpnGateways(JsonOut& j) const {
    for (const auto& vgw : t_.vpn_gateways) {
      j.beginObject();
      j.field("State", "available");
      tags(j, vgw.meta);
      j.field("Type", "ipsec.1");
      j.key("VpcAttachments");
      j.beginArray();
      for (const auto& vpc : vgw.vpc_ids) {
        j.beginObject();
        j.field("State", "attached");
        j.field("VpcId", vpc);
        j.endObject();
      }
      j.endArray();
      j.field("VpnGatewayId", vgw.meta.id);
      j.endObject();
    }
  }

  // ---- Elastic Load Balancing, in the layout the lab snapshots use ----

  void loadBalancers(JsonOut& j) const {
    for (const auto& lb : t_.load_balancers) {
      if (lb.type == LoadBalancerType::kClassic) continue;  // written by elb describe-load-balancers, not here
      j.beginObject();
      j.key("AvailabilityZones");
      j.beginArray();
      for (const auto& zone : lb.zones) {
        j.beginObject();
        j.key("LoadBalancerAddresses");
        j.beginArray();
        for (const auto& address : zone.public_addresses) {
          j.beginObject();
          j.field("IpAddress", address.str());
          j.endObject();
        }
        for (const auto& address : zone.private_addresses) {
          j.beginObject();
          j.field("PrivateIPv4Address", address.str());
          j.endObject();
        }
        j.endArray();
        j.field("SubnetId", zone.subnet_id);
        j.field("ZoneName", zone.zone);
        j.endObject();
      }
      j.endArray();
      if (!lb.dns_name.empty()) j.field("DNSName", lb.dns_name);
      if (!lb.ip_address_type.empty()) j.field("IpAddressType", lb.ip_address_type);
      j.field("LoadBalancerArn", lb.arn);
      j.field("LoadBalancerName", lb.meta.name);
      j.field("Scheme", lb.internet_facing ? "internet-facing" : "internal");
      if (!lb.security_group_ids.empty()) j.stringArray("SecurityGroups", lb.security_group_ids);
      j.key("State");
      j.beginObject();
      j.field("Code", lb.state.empty() ? std::string("active") : lb.state);
      j.endObject();
      j.field("Type", loadBalancerTypeName(lb.type));
      j.field("VpcId", lb.vpc_id);
      j.endObject();
    }
  }

  void loadBalancerListeners(JsonOut& j) const {
    for (const auto& lb : t_.load_balancers) {
      if (lb.type == LoadBalancerType::kClassic) continue;
      j.beginObject();
      j.key("Listeners");
      j.beginArray();
      for (const auto& listener : t_.lb_listeners) {
        if (listener.load_balancer_arn != lb.arn) continue;
        j.beginObject();
        j.key("DefaultActions");
        j.beginArray();
        if (!listener.target_group_arns.empty()) {
          j.beginObject();
          j.key("ForwardConfig");
          j.beginObject();
          j.key("TargetGroups");
          j.beginArray();
          for (const auto& arn : listener.target_group_arns) {
            j.beginObject();
            j.field("TargetGroupArn", arn);
            j.endObject();
          }
          j.endArray();
          j.endObject();
          j.field("Type", "forward");
          j.endObject();
        }
        j.endArray();
        j.field("ListenerArn", listener.meta.id);
        j.field("LoadBalancerArn", listener.load_balancer_arn);
        j.field("Port", listener.port);
        j.field("Protocol", listener.protocol);
        j.endObject();
      }
      j.endArray();
      j.field("LoadBalancerArn", lb.arn);
      j.endObject();
    }
  }

  void targetGroups(JsonOut& j) const {
    for (const auto& group : t_.target_groups) {
      j.beginObject();
      j.stringArray("LoadBalancerArns", group.load_balancer_arns);
      j.field("Port", group.port);
      j.field("Protocol", group.protocol);
      j.field("TargetGroupArn", group.arn);
      j.field("TargetGroupName", group.meta.name);
      j.field("TargetType", group.target_type);
      j.field("VpcId", group.vpc_id);
      j.endObject();
    }
  }

  void targetHealth(JsonOut& j) const {
    for (const auto& group : t_.target_groups) {
      if (!group.targets_known) continue;
      j.beginObject();
      j.field("TargetGroupArn", group.arn);
      j.key("TargetHealthDescriptions");
      j.beginArray();
      for (const auto& target : group.targets) {
        j.beginObject();
        j.key("Target");
        j.beginObject();
        if (!target.zone.empty()) j.field("AvailabilityZone", target.zone);
        j.field("Id", target.id);
        if (target.port != 0) j.field("Port", target.port);
        j.endObject();
        if (!target.health.empty()) {
          j.key("TargetHealth");
          j.beginObject();
          if (!target.health_reason.empty()) j.field("Reason", target.health_reason);
          j.field("State", target.health);
          j.endObject();
        }
        j.endObject();
      }
      j.endArray();
      j.endObject();
    }
  }

  static void attributes(JsonOut& j, const std::vector<std::pair<std::string, std::string>>& attributes) {
    j.key("Attributes");
    j.beginArray();
    for (const auto& [attribute, value] : attributes) {
      j.beginObject();
      j.field("Key", attribute);
      j.field("Value", value);
      j.endObject();
    }
    j.endArray();
  }

  void loadBalancerAttributes(JsonOut& j) const {
    for (const auto& lb : t_.load_balancers) {
      if (!lb.attributes_known || lb.type == LoadBalancerType::kClassic) continue;
      j.beginObject();
      attributes(j, lb.attributes);
      j.field("LoadBalancerArn", lb.arn);
      j.endObject();
    }
  }

  void targetGroupAttributes(JsonOut& j) const {
    for (const auto& group : t_.target_groups) {
      if (!group.attributes_known) continue;
      j.beginObject();
      attributes(j, group.attributes);
      j.field("TargetGroupArn", group.arn);
      j.endObject();
    }
  }

  void vpnConnections(JsonOut& j) const {
    for (const auto& vpn : t_.vpn_connections) {
      j.beginObject();
      j.field("State", "available");
      tags(j, vpn.meta);
      if (!vpn.transit_gateway_id.empty()) j.field("TransitGatewayId", vpn.transit_gateway_id);
      j.field("Type", "ipsec.1");
      j.field("VpnConnectionId", vpn.meta.id);
      if (!vpn.vpn_gateway_id.empty()) j.field("VpnGatewayId", vpn.vpn_gateway_id);
      j.endObject();
    }
  }

 private:
  std::string owner(const ResourceMeta& meta) const { return meta.account.empty() ? t_.default_account : meta.account; }
  std::string region(const ResourceMeta& meta) const { return meta.region.empty() ? t_.default_region : meta.region; }
  std::string arn(const ResourceMeta& meta, const std::string& resource) const {
    return "arn:aws:ec2:" + region(meta) + ":" + owner(meta) + ":" + resource;
  }
  static void tags(JsonOut& j, const ResourceMeta& meta, std::string_view key = "Tags") {
    j.key(key);
    j.beginArray();
    auto tag = [&](std::string_view k, const std::string& v) {
      j.beginObject();
      j.field("Key", k);
      j.field("Value", v);
      j.endObject();
    };
    bool named = false;
    bool logical = false;
    for (const auto& [tag_key, value] : meta.tags) {
      if (tag_key == "Name") {
        named = true;
        tag(tag_key, meta.name.empty() ? value : meta.name);
      } else {
        logical = logical || tag_key == "aws:cloudformation:logical-id";
        tag(tag_key, value);
      }
    }
    if (!named && !meta.name.empty()) tag("Name", meta.name);
    if (!logical && !meta.logical_id.empty()) tag("aws:cloudformation:logical-id", meta.logical_id);
    j.endArray();
  }
  // A block assigned at deployment is written in Ipv6Block's notation: a
  // snapshot reader refuses it rather than taking an invented address.
  static void ipv6Set(JsonOut& j, const std::string& owner_id, const std::vector<Ipv6Association>& blocks) {
    j.key("Ipv6CidrBlockAssociationSet");
    j.beginArray();
    for (const auto& association : blocks) {
      std::string block = association.block.str();
      j.beginObject();
      j.field("AssociationId",
              !association.association_id.empty()
                  ? association.association_id
                  : derivedId(owner_id.rfind("subnet-", 0) == 0 ? "subnet-cidr-assoc-" : "vpc-cidr-assoc-", owner_id,
                              block));
      j.field("Ipv6CidrBlock", block);
      j.key("Ipv6CidrBlockState");
      j.beginObject();
      j.field("State", association.state);
      j.endObject();
      if (!association.pool.empty()) j.field("Ipv6Pool", association.pool);
      j.endObject();
    }
    j.endArray();
  }

  const Topology& t_;
  std::unordered_map<std::string_view, std::string_view> sg_names_;
  std::unordered_map<std::string_view, const Eni*> enis_;
  std::unordered_map<std::string_view, int> device_index_;
  std::unordered_map<std::string_view, const TgwAttachment*> attachments_;
  std::unordered_map<std::string_view, uint64_t> subnet_ips_;
};

/// Writes {"<top>": [ items ]} to dir/name through a temporary file and a rename.
bool writeFile(const std::filesystem::path& dir, const std::string& name, std::string_view top,
               const std::function<void(JsonOut&)>& items, std::vector<Diagnostic>& errors) {
  const std::filesystem::path target = dir / name;
  const std::filesystem::path temp = dir / ("." + name + ".tmp");
  bool written = false;
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    if (file) {
      JsonOut j(file);
      j.beginObject();
      j.key(top);
      j.beginArray();
      items(j);
      j.endArray();
      j.endObject();
      written = j.finish();
      file.close();
      written = written && static_cast<bool>(file);
    }
  }
  std::error_code ec;
  if (!written) {
    std::filesystem::remove(temp, ec);
    errors.push_back({"write-failed", "cannot write file", target.string()});
    return false;
  }
  std::filesystem::rename(temp, target, ec);
  if (ec) {
    errors.push_back({"write-failed", "cannot move " + temp.filename().string() + " into place: " + ec.message(),
                      target.string()});
    std::filesystem::remove(temp, ec);
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
  const SnapshotWriter w(topology);
  bool ok = true;
  auto write = [&](const std::string& name, std::string_view top, void (SnapshotWriter::*items)(JsonOut&) const) {
    ok = writeFile(dir, name, top, [&](JsonOut& j) { (w.*items)(j); }, errors) && ok;
  };
  write("Vpcs.json", "Vpcs", &SnapshotWriter::vpcs);
  write("Subnets.json", "Subnets", &SnapshotWriter::subnets);
  write("RouteTables.json", "RouteTables", &SnapshotWriter::routeTables);
  write("SecurityGroups.json", "SecurityGroups", &SnapshotWriter::securityGroups);
  write("NetworkAcls.json", "NetworkAcls", &SnapshotWriter::networkAcls);
  ok = writeFile(dir, "InternetGateways.json", "InternetGateways",
                 [&](JsonOut& j) { w.internetGateways(j); }, errors) && ok;
  write("NatGateways.json", "NatGateways", &SnapshotWriter::natGateways);
  write("VpcEndpoints.json", "VpcEndpoints", &SnapshotWriter::vpcEndpoints);
  write("NetworkInterfaces.json", "NetworkInterfaces", &SnapshotWriter::networkInterfaces);
  write("Reservations.json", "Reservations", &SnapshotWriter::reservations);
  write("PrefixLists.json", "PrefixLists", &SnapshotWriter::prefixLists);
  write("VpcPeeringConnections.json", "VpcPeeringConnections", &SnapshotWriter::peeringConnections);
  write("TransitGateways.json", "TransitGateways", &SnapshotWriter::transitGateways);
  write("TransitGatewayAttachments.json", "TransitGatewayAttachments", &SnapshotWriter::tgwAttachments);
  write("TransitGatewayVpcAttachments.json", "TransitGatewayVpcAttachments", &SnapshotWriter::tgwVpcAttachments);
  write("TransitGatewayRouteTables.json", "TransitGatewayRouteTables", &SnapshotWriter::tgwRouteTables);
  write("TransitGatewayStaticRoutes.json", "TransitGatewayStaticRoutes", &SnapshotWriter::tgwStaticRoutes);
  write("TransitGatewayPropagations.json", "TransitGatewayPropagations", &SnapshotWriter::tgwPropagations);
  if (!topology.egress_only_internet_gateways.empty()) {
    write("EgressOnlyInternetGateways.json", "EgressOnlyInternetGateways", &SnapshotWriter::egressOnlyInternetGateways);
  }
  if (!topology.vpn_gateways.empty()) write("VpnGateways.json", "VpnGateways", &SnapshotWriter::vpnGateways);
  if (!topology.vpn_connections.empty()) write("VpnConnections.json", "VpnConnections", &SnapshotWriter::vpnConnections);
  if (!topology.load_balancers.empty()) {
    write("LoadBalancers.json", "LoadBalancers", &SnapshotWriter::loadBalancers);
    write("LoadBalancerListeners.json", "LoadBalancerListeners", &SnapshotWriter::loadBalancerListeners);
    write("LoadBalancerAttributes.json", "LoadBalancerAttributes", &SnapshotWriter::loadBalancerAttributes);
  }
  if (!topology.target_groups.empty()) {
    write("TargetGroups.json", "TargetGroups", &SnapshotWriter::targetGroups);
    write("LoadBalancerTargetHealth.json", "LoadBalancerTargetHealth", &SnapshotWriter::targetHealth);
    write("TargetGroupAttributes.json", "TargetGroupAttributes", &SnapshotWriter::targetGroupAttributes);
  }
  return ok;
}

bool writeFolderAtomically(const std::filesystem::path& dir,
                           const std::function<bool(const std::filesystem::path&)>& fill,
                           std::vector<Diagnostic>& errors) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (dir.empty()) {
    errors.push_back({"write-failed", "no output folder given", ""});
    return false;
  }
  // "out/", "out/." and "." name the folder itself: work on its absolute, normal form.
  fs::path target = fs::absolute(dir, ec).lexically_normal();
  if (ec) {
    errors.push_back({"write-failed", "cannot resolve the folder: " + ec.message(), dir.string()});
    return false;
  }
  if (!target.has_filename()) target = target.parent_path();
  fs::file_status status = fs::symlink_status(target, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) {
      errors.push_back({"output-exists", "exists and is not a folder; give a new or empty folder", dir.string()});
      return false;
    }
    if (!fs::is_empty(target, ec) || ec) {
      errors.push_back({"output-exists",
                        ec ? "cannot read the folder: " + ec.message()
                           : "folder is not empty; give a new or empty folder (nothing was written)",
                        dir.string()});
      return false;
    }
  }
  const fs::path parent = target.parent_path();
  fs::create_directories(parent, ec);
  if (ec) {
    errors.push_back({"write-failed", "cannot create the parent folder: " + ec.message(), dir.string()});
    return false;
  }
  // A fresh sibling on the same file system, so the final rename is atomic.
  fs::path temp;
  for (int n = 0; temp.empty(); ++n) {
    fs::path candidate = parent / ("." + target.filename().string() + ".partial-" + std::to_string(n));
    if (fs::create_directory(candidate, ec)) {
      temp = candidate;
    } else if (ec || n >= 1000) {
      errors.push_back({"write-failed", "cannot create a temporary folder next to it: " +
                                            (ec ? ec.message() : std::string("too many left over")),
                        dir.string()});
      return false;
    }
  }
  bool ok = fill(temp);
  if (ok) {
    fs::rename(temp, target, ec);  // replaces an empty folder (POSIX rename(2))
    if (ec) {
      errors.push_back({"write-failed", "cannot move the finished folder into place: " + ec.message(), dir.string()});
      ok = false;
    }
  }
  if (!ok) fs::remove_all(temp, ec);
  return ok;
}

bool writeNewSnapshot(const Topology& topology, const std::filesystem::path& dir, std::vector<Diagnostic>& errors) {
  return writeFolderAtomically(
      dir, [&](const std::filesystem::path& temp) { return writeSnapshot(topology, temp, errors); }, errors);
}

}  // namespace vpcsim::formats

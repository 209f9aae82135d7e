// Checks for values AWS cannot produce and for the documented size limits,
// shared by every loader: rule numbers per field, and the whole topology.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "topology/model.h"
#include "topology/result.h"

namespace vpcsim::topology {

/// Which of a rule's two numbers a problem is about: FromPort / PortRange.From /
/// IcmpTypeCode.Type, or ToPort / PortRange.To / IcmpTypeCode.Code.
enum class RuleField { kFrom, kTo };

/// A rule value AWS cannot produce: the field to point at and what is wrong.
struct ValueProblem {
  RuleField field = RuleField::kFrom;
  std::string message;
};

/// A security group rule's FromPort / ToPort (absent: nullopt) for `protocol`.
/// TCP and UDP: ports 0-65535, from <= to (-1 for both is every port, as
/// CloudFormation allows). ICMP and ICMPv6: type and code -1-255, and every
/// type (-1) needs every code (-1). Other protocols: AWS ignores the ports.
/// EC2 API Reference, IpPermission: FromPort / ToPort.
std::optional<ValueProblem> sgPortsProblem(int protocol, std::optional<int> from, std::optional<int> to);

/// A network ACL entry's PortRange From / To: ports 0-65535, from <= to.
/// EC2 API Reference, NetworkAclEntry / PortRange.
std::optional<ValueProblem> naclPortsProblem(int from, int to);

/// A network ACL entry's IcmpTypeCode Type / Code: -1 (all) or 0-255.
/// EC2 API Reference, IcmpTypeCode.
std::optional<ValueProblem> naclIcmpProblem(int type, int code);

/// Where the collections of a topology ended before a loader added to it:
/// checkTopology() looks at what was added after the mark only.
struct TopologyMark {
  std::size_t vpcs = 0;
  std::size_t subnets = 0;
  std::size_t route_tables = 0;
  std::size_t security_groups = 0;
  std::size_t network_acls = 0;
  std::size_t enis = 0;
};
TopologyMark markOf(const Topology& topo);

/// Turns a resource's origin and one of its fields (AWS name, e.g. "CidrBlock")
/// into the location to print. Snapshots append a JSON pointer step; when
/// empty (formats whose origin is a line and column), the origin is printed.
using FieldLocation = std::function<std::string(const std::string& origin, std::string_view field)>;

/// Appends an error for each resource added since `since` that AWS cannot
/// produce or that passes a documented limit (topology/limits.h):
/// a VPC without an IPv4 CIDR block, a subnet outside its VPC's blocks or
/// overlapping another subnet of its VPC, an interface address outside its
/// subnet, and route tables, security groups and network ACLs above their
/// limits ("too large: ..."). Resources before the mark are only looked up.
/// True when it found nothing.
bool checkTopology(const Topology& topo, const TopologyMark& since, const FieldLocation& where,
                   std::vector<Diagnostic>& errors);

}  // namespace vpcsim::topology

// Network Access Analyzer (NAA) access scopes: the model (formats/scope_file.h reads them).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "topology/ip.h"
#include "topology/result.h"

namespace vpcsim::topology {

/// A PacketHeaderStatement. Empty lists mean "any" (NAA Guide: packet header
/// statements). Addresses and prefix lists are never both set on one side.
struct NaaPacketHeader {
  std::vector<Cidr> source_addresses;
  std::vector<Cidr> destination_addresses;
  std::vector<std::string> source_prefix_lists;       ///< "pl-..." IDs or prefix-list ARNs, as written
  std::vector<std::string> destination_prefix_lists;  ///< "pl-..." IDs or prefix-list ARNs, as written
  std::vector<PortRange> source_ports;
  std::vector<PortRange> destination_ports;
  std::vector<int> protocols;  ///< kProtocolTcp and/or kProtocolUdp; empty = both
};

/// A ResourceStatement: resource IDs / ARNs, or resource types, never both.
struct NaaResourceStatement {
  std::vector<std::string> resources;       ///< IDs ("subnet-...") or ARNs, as written
  std::vector<std::string> resource_types;  ///< e.g. "AWS::EC2::InternetGateway"
};

/// The Source or Destination of a path; at least one of the two is set when
/// the side is given at all.
struct NaaPathStatement {
  std::optional<NaaPacketHeader> packet_header;
  std::optional<NaaResourceStatement> resource;

  /// False for a side the path does not constrain (not given in the JSON).
  [[nodiscard]] bool given() const { return packet_header.has_value() || resource.has_value(); }
};

/// One MatchPaths or ExcludePaths entry.
struct NaaPath {
  NaaPathStatement source;
  NaaPathStatement destination;
  std::vector<NaaResourceStatement> through;  ///< ThroughResources, one resource statement each
  std::string pointer;                        ///< JSON pointer of the entry, e.g. "/MatchPaths/0"
};

/// A whole access scope.
struct NaaScope {
  std::string name;      ///< file stem, or the short built-in name ("igw-ingress")
  std::string origin;    ///< file path, or "builtin:<AWS scope name>"
  std::string scope_id;  ///< NetworkInsightsAccessScopeId when the JSON carries one, else empty
  std::vector<NaaPath> match_paths;
  std::vector<NaaPath> exclude_paths;
};

}  // namespace vpcsim::topology

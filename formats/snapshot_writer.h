// Saves a Topology as an AWS snapshot folder: the JSON `aws ec2 describe-*` prints.
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include "topology/model.h"
#include "topology/result.h"

namespace vpcsim::formats {

using topology::Diagnostic;
using topology::Result;
using topology::Topology;

/// Writes one file per describe call into `dir` (created when missing):
/// Vpcs.json, Subnets.json, RouteTables.json, SecurityGroups.json,
/// NetworkAcls.json, InternetGateways.json, NatGateways.json,
/// VpcEndpoints.json, NetworkInterfaces.json, Reservations.json,
/// PrefixLists.json, VpcPeeringConnections.json, TransitGateways.json,
/// TransitGatewayAttachments.json, TransitGatewayVpcAttachments.json,
/// TransitGatewayRouteTables.json, TransitGatewayStaticRoutes.json and
/// TransitGatewayPropagations.json, plus EgressOnlyInternetGateways.json,
/// VpnGateways.json and VpnConnections.json when the topology has any.
/// Keys are those of the AWS CLI, sorted, indented by one space; the output
/// is byte-for-byte deterministic. Each file is written to a temporary name in
/// `dir` and renamed, so a file is either absent, old or complete. The whole
/// topology goes into one folder: account and region come from each object's
/// meta (OwnerId, ARNs), not from subfolders. SageMaker objects and ignored
/// items are not written. Returns false and appends a Diagnostic (location:
/// the path) for each file that could not be written.
bool writeSnapshot(const Topology& topology, const std::filesystem::path& dir,
                   std::vector<Diagnostic>& errors);

/// Creates the folder `dir` whole or not at all: refuses (a Diagnostic,
/// location `dir`) when `dir` exists and is not an empty folder; otherwise
/// creates a fresh sibling folder (`.NAME.partial-N` next to `dir`), lets
/// `fill` write into it, and renames it to `dir` only when `fill` returned
/// true. On any failure the sibling is removed, so `dir` is left as it was
/// (absent or empty) and never holds part of the output.
bool writeFolderAtomically(const std::filesystem::path& dir,
                           const std::function<bool(const std::filesystem::path&)>& fill,
                           std::vector<Diagnostic>& errors);

/// writeSnapshot() into a new (or empty) folder through writeFolderAtomically():
/// what `vpcsim generate --out DIR` does.
bool writeNewSnapshot(const Topology& topology, const std::filesystem::path& dir, std::vector<Diagnostic>& errors);

}  // namespace vpcsim::formats

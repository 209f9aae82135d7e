// Documented input limits (docs/cli.md, "Limits"): sizes beyond which vpcsim
// answers "too large: ..." (exit 2) instead of running away. Each is set far
// above the AWS quota for the same thing, so no input AWS can produce meets it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vpcsim::topology::limits {

// Amazon VPC User Guide, "Amazon VPC quotas":
//   routes per route table: 50 by default, adjustable up to 1,000;
//   inbound or outbound rules per security group: 60 by default, at most 1,000
//   (rules per group x groups per interface may not pass 1,000);
//   inbound or outbound rules per network ACL: 20 by default, at most 40.
// CloudFormation User Guide, "CloudFormation quotas": 500 resources per template.

/// Routes in one route table (AWS: at most 1,000).
inline constexpr std::size_t kRoutesPerRouteTable = 2'000;
/// Routes over every route table of the input.
inline constexpr std::size_t kRoutesInTotal = 200'000;
/// Rules in one direction of a security group, one per peer (AWS: at most 1,000).
inline constexpr std::size_t kRulesPerSecurityGroup = 5'000;
/// Entries of one network ACL, both directions (AWS: at most 40 a direction).
inline constexpr std::size_t kEntriesPerNetworkAcl = 1'000;
/// Resources in one CloudFormation template (AWS: 500).
inline constexpr std::size_t kResourcesPerTemplate = 5'000;
/// MatchPaths plus ExcludePaths of one Network Access Analyzer scope.
inline constexpr std::size_t kScopePaths = 100;
/// Items of one list in a scope (paths, resources, types, addresses, ports,
/// prefix lists, protocols). Each distinct port or address adds packet
/// classes that verify traces: 100 distinct ports take about 8 s on a
/// 30-interface lab snapshot, 1,000 about a minute.
inline constexpr std::size_t kScopeListItems = 100;
/// Items of every list of one scope together.
inline constexpr std::size_t kScopeItemsInTotal = 1'000;
/// Items of every port list (SourcePorts, DestinationPorts) of one scope together.
inline constexpr std::size_t kScopePortsInTotal = 200;
/// (source class, header class) pairs a scope check traces class by class
/// (scopes to private destinations, which the factored engine does not
/// decide yet): about a million a second here, 3.1 million for 250 subnets
/// of one interface each (3 s), about 50 million for 1,000 (33 s). Beyond
/// it the check answers "too large" instead of running for hours; the
/// factored engine's checks (internet-free, igw-* scopes) are not limited,
/// nor are checks given a time limit (`verify --timeout`).
inline constexpr std::uint64_t kScopeClassPairsByClass = 50'000'000;
/// Workload interfaces `generate --enis` writes: 200,000 take 0.4 GB of memory and
/// 0.6 GB of disk, so 500,000 stay near 1 GB and 1.4 GB (the benchmarks go to 100,000).
inline constexpr int kGenerateEnis = 500'000;
/// Subnets and security groups `generate` writes: 50,000 of each (with one
/// interface) take 1.1 s and 195 MB here and 190 MB of disk; 1,000,000 of
/// each ran out of 2 GB (the benchmarks use 2,000 and 5,000).
inline constexpr int kGenerateSubnets = 50'000;
inline constexpr int kGenerateSecurityGroups = 50'000;

}  // namespace vpcsim::topology::limits

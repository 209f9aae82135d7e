// Documented input limits (docs/cli.md, "Limits"): sizes beyond which vpcsim
// answers "too large: ..." (exit 2) instead of running away. Each is set far
// above the AWS quota for the same thing, so no input AWS can produce meets it.
#pragma once

#include <cstddef>

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
/// Items of one list in a scope (resources, types, addresses, ports, prefix lists).
inline constexpr std::size_t kScopeListItems = 1'000;
/// Workload interfaces `generate --enis` writes (the benchmarks go to 100,000).
inline constexpr int kGenerateEnis = 1'000'000;

}  // namespace vpcsim::topology::limits

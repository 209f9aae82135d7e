// Network Access Analyzer (NAA) access scopes read strictly from AWS's own JSON, plus the Amazon-created scopes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "topology/access_scope.h"
#include "topology/model.h"
#include "topology/result.h"

namespace vpcsim::formats {

using topology::NaaScope;
using topology::Result;

/// Parses access-scope JSON as AWS takes or prints it: the
/// `aws ec2 create-network-insights-access-scope --cli-input-json` input
/// (`{"MatchPaths": [...], "ExcludePaths": [...]}`, also ClientToken, DryRun
/// and TagSpecifications, which are checked for type and ignored) or the output
/// of `get-network-insights-access-scope-content` / `create-...`
/// (`{"NetworkInsightsAccessScopeContent": {...}}`). `origin` names the text
/// in errors and becomes NaaScope::origin; NaaScope::name is its file stem.
/// On the first problem returns an Error whose message is the whole
/// diagnostic, `origin:/json/pointer: error: ...` (`origin:line:column: ...`
/// for JSON syntax errors); see docs/naa-scopes.md for every message.
Result<NaaScope> parseNaaScope(std::string_view text, std::string origin);

/// Reads `file` and parses it with parseNaaScope (origin = the path as given).
/// An unreadable file is `path: error: cannot read file`.
Result<NaaScope> loadNaaScope(const std::filesystem::path& file);

/// Replaces each CloudFormation logical ID a scope names (allowed where an ID
/// is, for scopes written against a template, whose IDs exist only after
/// deployment) with the ID of the resource it names in `topo`, by the one
/// resolver (topology/reference.h: a logical ID, else a Name tag). An unknown
/// or ambiguous name, or one naming a resource Network Access Analyzer does
/// not accept in that place, is the diagnostic returned, located at
/// `origin:/json/pointer`.
std::optional<topology::Diagnostic> resolveNaaScopeNames(NaaScope& scope, const topology::Topology& topo);

/// One of the four Amazon-created scopes, by short name ("igw-ingress",
/// "igw-egress", "vpc-ingress", "vpc-egress") or AWS name ("All-IGW-Ingress",
/// "AWS-IGW-Egress", "AWS-VPC-Ingress", "AWS-VPC-Egress"). Any other name is
/// an Error (no location, with a "did you mean" when one is close).
Result<NaaScope> builtinNaaScope(std::string_view name);

/// The short names builtinNaaScope accepts, in the order above.
std::vector<std::string> builtinNaaScopeNames();

}  // namespace vpcsim::formats

// CloudFormation IAM resources: roles, users, groups, managed and inline policies into topology::IamInventory.
#include "formats/cloudformation_loader.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "formats/iam_policy.h"
#include "topology/suggest.h"

namespace vpcsim::formats::cfn {

using namespace vpcsim::topology;  // the model this format fills

namespace {

// What CloudFormation knows of each AWS::IAM type vpcsim reads (AWS
// CloudFormation Template Reference, "AWS Identity and Access Management"):
// the property naming it, the longest name it generates, the ARN resource
// type, the unique-ID prefix IAM gives (IAM User Guide, "IAM identifiers":
// "Understanding unique ID prefixes") and the Fn::GetAtt attributes.
struct IamType {
  std::string_view type;
  std::string_view name_key;  ///< empty: Ref gives no name (AWS::IAM::Policy)
  std::size_t max_name = 0;
  std::string_view arn_kind;  ///< "role", "user", "group", "policy", "instance-profile"
  std::string_view id_prefix;
  std::vector<std::string_view> attributes;
};

const std::vector<IamType>& iamTypes() {
  static const std::vector<IamType> kTypes = {
      {"AWS::IAM::Role", "RoleName", 64, "role", "AROA", {"Arn", "RoleId"}},
      {"AWS::IAM::User", "UserName", 64, "user", "AIDA", {"Arn"}},
      {"AWS::IAM::Group", "GroupName", 128, "group", "AGPA", {"Arn"}},
      {"AWS::IAM::ManagedPolicy", "ManagedPolicyName", 128, "policy", "ANPA",
       {"PolicyArn", "PolicyId", "AttachmentCount", "CreateDate", "DefaultVersionId", "IsAttachable",
        "PermissionsBoundaryUsageCount", "UpdateDate"}},
      {"AWS::IAM::InstanceProfile", "InstanceProfileName", 128, "instance-profile", "AIPA", {"Arn"}},
  };
  return kTypes;
}

const IamType* iamType(std::string_view type) {
  for (const auto& info : iamTypes()) {
    if (info.type == type) return &info;
  }
  return nullptr;
}

/// A stable unique ID in IAM's shape: the prefix and 17 upper-case letters and digits.
std::string uniqueId(std::string_view prefix, std::string_view key) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  uint64_t h = fnv1a(key);
  std::string out(prefix);
  for (int i = 0; i < 17; ++i) {
    out += kAlphabet[h % kAlphabet.size()];
    h /= kAlphabet.size();
    if (h == 0) h = fnv1a(out);
  }
  return out;
}

}  // namespace

std::optional<std::string> CfnLoader::ownText(Resource& r, std::string_view key) {
  const Value* found = nullptr;
  Value evaluated;
  if (r.props) {
    found = prop(r, key);
  } else if (const Value* properties = r.node->find("Properties");
             properties != nullptr && properties->kind == Value::Kind::kMap) {
    if (const Value* raw = properties->find(key)) {
      evaluated = eval(*raw);
      found = &evaluated;
    }
  }
  if (found == nullptr || found->kind == Value::Kind::kNull || found->kind == Value::Kind::kNoValue) {
    return std::nullopt;
  }
  return str(*found, fmt::format("{}.{}", r.logical, key));
}

std::string CfnLoader::iamName(Resource& r) {
  const IamType* info = iamType(r.type);
  if (info == nullptr || info->name_key.empty()) return physicalId(r);
  return ownText(r, info->name_key).value_or(generatedName(r, info->max_name));
}

// IAM User Guide, "IAM identifiers" ("Friendly names and paths"): a path
// starts and ends with a slash; "/" when none is given.
std::string CfnLoader::iamPath(Resource& r) {
  std::string path = ownText(r, "Path").value_or("/");
  if (path.empty() || path.front() != '/' || path.back() != '/') {
    const Value* properties = r.node->find("Properties");
    const Value* raw = properties != nullptr ? properties->find("Path") : nullptr;
    fail(raw != nullptr ? raw->mark : r.mark,
         fmt::format("{}.Path: '{}' must begin and end with a slash (/)", r.logical, path), "bad-value");
  }
  return path;
}

std::string CfnLoader::iamArn(Resource& r) {
  const IamType* info = iamType(r.type);
  // ARNs of IAM resources have no region (IAM User Guide, "IAM ARNs").
  return fmt::format("arn:{}:iam::{}:{}{}{}", partitionOf(region_), account_, info->arn_kind, iamPath(r), iamName(r));
}

std::optional<std::string> CfnLoader::iamRef(Resource& r) {
  // AWS CloudFormation Template Reference, Return values: Ref of a role,
  // user, group or instance profile is its name; of a managed policy, its ARN.
  const IamType* info = iamType(r.type);
  if (info == nullptr) return std::nullopt;
  if (r.type == "AWS::IAM::ManagedPolicy") return iamArn(r);
  return iamName(r);
}

Value CfnLoader::iamAttribute(Resource& r, const std::string& attribute, const YAML::Mark& at) {
  const IamType* info = iamType(r.type);
  if (info == nullptr) return placeholderAttribute(r, attribute, at);
  if (std::find(info->attributes.begin(), info->attributes.end(), attribute) == info->attributes.end()) {
    std::vector<std::string> names(info->attributes.begin(), info->attributes.end());
    fail(at, fmt::format("!GetAtt {}.{}: {} has no attribute {}{}", r.logical, attribute, r.type, attribute,
                         didYouMean(attribute, names, Closeness::kLoose, false)));
  }
  if (attribute == "Arn" || attribute == "PolicyArn") return Value::string(iamArn(r), at);
  if (attribute == "RoleId" || attribute == "PolicyId") {
    return Value::string(uniqueId(info->id_prefix, stack_->name + "/" + r.logical), at);
  }
  // Counts and dates of a managed policy: nothing the network depends on.
  return placeholderAttribute(r, attribute, at);
}

std::optional<PolicyDocument> CfnLoader::policyDocument(const Value& v, std::string name) {
  std::string origin = loc(v.mark);
  std::vector<Diagnostic> problems;
  // A document is a JSON object in the template; some templates give JSON text.
  std::optional<PolicyDocument> document =
      v.isScalar() ? parsePolicyText(v.text, std::move(name), origin, problems)
                   : parsePolicyDocument(toJson(v), std::move(name), origin, problems);
  bool ok = problems.empty();
  for (auto& problem : problems) addAt(v.mark, std::move(problem));
  return ok ? document : std::nullopt;
}

// AWS CloudFormation Template Reference, AWS::IAM::Role Policy: each entry
// of Policies is an inline policy, PolicyName and PolicyDocument.
std::vector<PolicyDocument> CfnLoader::inlinePolicies(Resource& r) {
  std::vector<PolicyDocument> out;
  const Value* policies = prop(r, "Policies");
  if (policies == nullptr) return out;
  for (const auto& entry : listOf(*policies, r.logical + ".Policies")) {
    if (entry.kind != Value::Kind::kMap) fail(entry.mark, fmt::format("{}.Policies: each entry must be a mapping", r.logical));
    const Value* name = entry.find("PolicyName");
    const Value* document = entry.find("PolicyDocument");
    if (name == nullptr || document == nullptr) {
      fail(entry.mark, fmt::format("{}.Policies: each entry needs PolicyName and PolicyDocument", r.logical),
           "missing-property");
    }
    if (auto parsed = policyDocument(*document, str(*name, r.logical + ".Policies.PolicyName"))) {
      out.push_back(std::move(*parsed));
    }
  }
  return out;
}

IamPrincipal* CfnLoader::iamPrincipal(PrincipalKind kind, std::string_view name) {
  for (auto* list : {&out_.iam.principals, &into_.iam.principals}) {
    for (auto& principal : *list) {
      if (principal.kind == kind && principal.name == name && principal.account == account_) return &principal;
    }
  }
  return nullptr;
}

template <typename Attach>
void CfnLoader::forEachAttachedPrincipal(Resource& r, Attach&& attach) {
  static constexpr std::array<std::pair<std::string_view, PrincipalKind>, 3> kLists = {{
      {"Roles", PrincipalKind::kRole},
      {"Users", PrincipalKind::kUser},
      {"Groups", PrincipalKind::kGroup},
  }};
  for (const auto& [key, kind] : kLists) {
    for (const auto& name : texts(r, key)) {
      if (IamPrincipal* principal = iamPrincipal(kind, name)) {
        attach(*principal);
      } else {
        // A principal created outside the loaded stacks: its other policies
        // are unknown too, so it stays out of the inventory (the engine then
        // answers undetermined for it).
        ignore(r, fmt::format("{} '{}' it attaches to is not in the input", principalKindName(kind), name));
      }
    }
  }
}

void CfnLoader::buildIamPrincipal(Resource& r, PrincipalKind kind) {
  IamPrincipal principal;
  principal.kind = kind;
  principal.name = iamName(r);
  principal.path = iamPath(r);
  principal.arn = iamArn(r);
  principal.account = account_;
  principal.unique_id = uniqueId(iamType(r.type)->id_prefix, stack_->name + "/" + r.logical);
  principal.logical_id = r.logical;
  principal.origin = loc(r.mark);
  if (const IamPrincipal* other = iamPrincipal(kind, principal.name)) {
    // IAM names are unique in an account whatever the path (IAM User Guide, "IAM identifiers").
    fail(r.mark,
         fmt::format("{}: {} name '{}' is already used by {}", r.logical, principalKindName(kind), principal.name,
                     other->origin),
         "duplicate-id");
  }
  principal.inline_policies = inlinePolicies(r);
  // AWS managed policies (arn:aws:iam::aws:policy/...) are named here but
  // their documents are not in any template: the ARN is kept, and the engine
  // answers undetermined for what only such a policy could decide.
  principal.managed_policy_arns = texts(r, "ManagedPolicyArns");
  if (kind != PrincipalKind::kGroup) {
    principal.permissions_boundary_arn = text(r, "PermissionsBoundary").value_or("");
    if (const Value* tags = prop(r, "Tags")) {
      for (const auto& tag : listOf(*tags, r.logical + ".Tags")) {
        const Value* key = tag.find("Key");
        const Value* value = tag.find("Value");
        if (key == nullptr || value == nullptr) {
          fail(tag.mark, fmt::format("{}.Tags: each tag needs Key and Value", r.logical), "missing-property");
        }
        principal.tags.emplace_back(str(*key, r.logical + ".Tags.Key"), str(*value, r.logical + ".Tags.Value"));
      }
    }
  }
  if (kind == PrincipalKind::kUser) principal.groups = texts(r, "Groups");
  if (kind == PrincipalKind::kRole) {
    const Value* trust = prop(r, "AssumeRolePolicyDocument");
    if (trust == nullptr) {
      fail(r.mark, fmt::format("{}: missing property AssumeRolePolicyDocument", r.logical), "missing-property");
    }
    principal.trust_policy = policyDocument(*trust, principal.name + " trust policy");
  }
  out_.iam.principals_loaded = true;
  out_.iam.principals.push_back(std::move(principal));
}

void CfnLoader::buildManagedPolicy(Resource& r) {
  ManagedPolicy policy;
  policy.name = iamName(r);
  policy.path = iamPath(r);
  policy.arn = iamArn(r);
  policy.logical_id = r.logical;
  const Value* document = prop(r, "PolicyDocument");
  if (document == nullptr) fail(r.mark, fmt::format("{}: missing property PolicyDocument", r.logical), "missing-property");
  auto parsed = policyDocument(*document, policy.arn);
  if (!parsed) return;
  policy.document = std::move(*parsed);
  forEachAttachedPrincipal(r, [&](IamPrincipal& principal) {
    auto& arns = principal.managed_policy_arns;
    if (std::find(arns.begin(), arns.end(), policy.arn) == arns.end()) arns.push_back(policy.arn);
  });
  out_.iam.managed_policies.push_back(std::move(policy));
}

// AWS::IAM::Policy: one inline policy put on every role, user and group it lists.
void CfnLoader::buildIamPolicy(Resource& r) {
  std::string name = *text(r, "PolicyName", true);
  const Value* document = prop(r, "PolicyDocument");
  if (document == nullptr) fail(r.mark, fmt::format("{}: missing property PolicyDocument", r.logical), "missing-property");
  if (prop(r, "Roles") == nullptr && prop(r, "Users") == nullptr && prop(r, "Groups") == nullptr) {
    fail(r.mark, fmt::format("{}: needs at least one of Roles, Users and Groups", r.logical), "missing-property");
  }
  auto parsed = policyDocument(*document, name);
  if (!parsed) return;
  forEachAttachedPrincipal(r, [&](IamPrincipal& principal) { principal.inline_policies.push_back(*parsed); });
}

void CfnLoader::buildUserToGroupAddition(Resource& r) {
  std::string group = *text(r, "GroupName", true);
  for (const auto& name : texts(r, "Users")) {
    IamPrincipal* user = iamPrincipal(PrincipalKind::kUser, name);
    if (user == nullptr) {
      ignore(r, fmt::format("user '{}' it adds to group '{}' is not in the input", name, group));
      continue;
    }
    if (std::find(user->groups.begin(), user->groups.end(), group) == user->groups.end()) user->groups.push_back(group);
  }
}

}  // namespace vpcsim::formats::cfn

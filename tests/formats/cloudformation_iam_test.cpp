// Tests for the CloudFormation loader's IAM resources (formats/cloudformation_iam.cpp): the workshop roles, Ref and Fn::GetAtt, errors.
#include "formats/cloudformation.h"
#include "formats/loader.h"

#include "topology/reference.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/text_input.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

namespace vpcsim::topology {
namespace {

const std::filesystem::path kCfnDir = std::filesystem::path(VPCSIM_SOURCE_DIR) / "tests/data/cfn";

using Overrides = std::vector<std::pair<std::string, std::string>>;

const Overrides kVpcParams = {{"AvailabilityZones", "us-east-1a,us-east-1b"},
                              {"NumberOfAZs", "2"},
                              {"VPCCIDR", "192.168.0.0/16"},
                              {"PrivateSubnet1ACIDR", "192.168.0.0/20"},
                              {"PrivateSubnet2ACIDR", "192.168.16.0/20"}};
const Overrides kDomainParams = {{"VpcId", "@sagemaker-vpc.VPCId"},
                                 {"SubnetIds", "@sagemaker-vpc.PrivateSubnetIds"},
                                 {"SecurityGroupIds", "@sagemaker-vpc.SageMakerSecurityGroupIds"},
                                 {"DefaultRoleArn", "@iam.StudioRoleDefaultArn"},
                                 {"DataScienceRoleArn", "@iam.StudioRoleDataScienceArn"},
                                 {"MLOpsRoleArn", "@iam.StudioRoleMLOpsArn"}};

std::vector<StackSpec> workshopStacks() {
  return {{kCfnDir / "network-vpc.yaml", "sagemaker-vpc", kVpcParams},
          {kCfnDir / "iam-roles.yaml", "iam", {}},
          {kCfnDir / "studio-domain.yaml", "studio", kDomainParams}};
}

struct Loaded {
  bool ok = false;
  Topology topo;
  std::string errors;
};

Loaded load(const std::vector<StackSpec>& stacks) {
  Loaded out;
  std::vector<Diagnostic> diagnostics;
  out.ok = loadStacks(stacks, LoadOptions{}, out.topo, diagnostics);
  out.topo.finalize();
  for (const auto& d : diagnostics) out.errors += d.str() + "\n";
  return out;
}

/// The diagnostics of one template written from `text` (see testing::diagnosticsOfText).
std::vector<std::string> diagnosticsOf(const std::string& text) {
  return testing::diagnosticsOfText("t.yaml", text, [](const auto&, const auto& file, auto& diagnostics) {
    Topology topo;
    return loadStacks({{file, "s", {}}}, LoadOptions{}, topo, diagnostics);
  });
}

const IamPrincipal* byLogical(const Topology& t, const std::string& logical) {
  for (const auto& p : t.iam.principals) {
    if (p.logical_id == logical) return &p;
  }
  return nullptr;
}

/// The role a notebook of `domain/profile` runs under: the profile's, else the domain's default.
const IamPrincipal* notebookRole(const Topology& t, const std::string& notebook) {
  auto resolved = resolveReference(t, "notebook:" + notebook, ReferenceRole::kSource);
  REQUIRE(resolved.ok());
  const Resolved& r = resolved.value();
  REQUIRE(r.profile != nullptr);
  std::string arn = r.profile->execution_role.empty() ? r.domain->default_execution_role : r.profile->execution_role;
  return t.iam.findPrincipal(arn);
}

std::vector<std::string> policyNames(const Topology& t, const IamPrincipal& p) {
  std::vector<std::string> out;
  for (const auto& arn : p.managed_policy_arns) {
    const ManagedPolicy* policy = t.iam.findManagedPolicy(arn);
    out.push_back(policy != nullptr ? policy->logical_id : arn);
  }
  return out;
}

}  // namespace

TEST_CASE("the workshop roles load with their managed policies and each studio profile gets its role",
          "[cloudformation][iam]") {
  auto loaded = load(workshopStacks());
  INFO(loaded.errors);
  REQUIRE(loaded.ok);
  const Topology& t = loaded.topo;
  CHECK(t.iam.principals_loaded);
  CHECK_FALSE(t.iam.scps_loaded);
  CHECK(t.iam.principals.size() == 5);
  CHECK(t.iam.managed_policies.size() == 9);

  const IamPrincipal* data_science = notebookRole(t, "sagemaker-admin-workshop/data-scientist");
  REQUIRE(data_science != nullptr);
  CHECK(data_science->logical_id == "StudioRoleDataScience");
  // Unnamed in the template: CloudFormation's "{stack}-{logical}-{random}" name.
  CHECK(data_science->name.rfind("iam-StudioRoleDataScience-", 0) == 0);
  CHECK(data_science->name.size() == std::string("iam-StudioRoleDataScience-").size() + 12);
  CHECK(data_science->arn == "arn:aws:iam::123456789012:role/" + data_science->name);
  CHECK(data_science->path == "/");
  CHECK(data_science->account == "123456789012");
  CHECK(data_science->unique_id.rfind("AROA", 0) == 0);
  CHECK(data_science->unique_id.size() == 21);
  CHECK(policyNames(t, *data_science) ==
        std::vector<std::string>{"SageMakerReadOnlyPolicy", "SageMakerAccessSupportingServicesPolicy",
                                 "SageMakerStudioDeveloperAccessPolicy", "SageMakerStudioDataScienceAccessPolicy",
                                 "SageMakerDeniedServicesPolicy"});
  CHECK(data_science->tags == std::vector<std::pair<std::string, std::string>>{
                                  {"project", "sagemaker-admin-workshop:us-east-1:123456789012"},
                                  {"role-type", "datascience"},
                                  {"team", "team-A"}});
  REQUIRE(data_science->trust_policy.has_value());
  REQUIRE(data_science->trust_policy->statements.size() == 1);
  CHECK(data_science->trust_policy->statements[0].principals.entries ==
        std::vector<std::pair<std::string, std::string>>{{"Service", "sagemaker.amazonaws.com"}});
  CHECK(data_science->trust_policy->origin.find("iam-roles.yaml:") != std::string::npos);

  const IamPrincipal* mlops = notebookRole(t, "sagemaker-admin-workshop/mlops-engineer");
  REQUIRE(mlops != nullptr);
  CHECK(mlops->logical_id == "StudioRoleMLOps");
  // The AWS managed policy is named by ARN only: its document is not in any input.
  CHECK(policyNames(t, *mlops).front() == "arn:aws:iam::aws:policy/AWSServiceCatalogEndUserReadOnlyAccess");
  CHECK(t.iam.findManagedPolicy("arn:aws:iam::aws:policy/AWSServiceCatalogEndUserReadOnlyAccess") == nullptr);

  // No UserSettings: the domain's default execution role.
  const IamPrincipal* fallback = notebookRole(t, "sagemaker-admin-workshop/default-user");
  REQUIRE(fallback != nullptr);
  CHECK(fallback->logical_id == "StudioRoleDefault");
  CHECK(policyNames(t, *fallback) == std::vector<std::string>{"SageMakerReadOnlyPolicy", "SageMakerDeniedServicesPolicy"});

  const IamPrincipal* flow_logs = byLogical(t, "VPCFlowLogsRole");
  REQUIRE(flow_logs != nullptr);
  REQUIRE(flow_logs->inline_policies.size() == 1);
  CHECK(flow_logs->inline_policies[0].name == "CloudWatchLogGroup");
  CHECK(flow_logs->inline_policies[0].statements.size() == 1);
}

TEST_CASE("the workshop's cidr restriction policy keeps its evaluated condition and where it is written",
          "[cloudformation][iam]") {
  auto loaded = load(workshopStacks());
  INFO(loaded.errors);
  REQUIRE(loaded.ok);
  const ManagedPolicy* restrict = nullptr;
  for (const auto& policy : loaded.topo.iam.managed_policies) {
    if (policy.logical_id == "RestrictSageMakerToCIDRPolicy") restrict = &policy;
  }
  REQUIRE(restrict != nullptr);
  CHECK(restrict->arn == "arn:aws:iam::123456789012:policy/" + restrict->name);
  CHECK(restrict->document.name == restrict->arn);
  CHECK(restrict->document.origin == (kCfnDir / "iam-roles.yaml").string() + ":599:9");
  REQUIRE(restrict->document.statements.size() == 1);
  const PolicyStatement& deny = restrict->document.statements[0];
  CHECK(deny.effect == PolicyEffect::kDeny);
  CHECK(deny.resources == std::vector<std::string>{"arn:aws:sagemaker:us-east-1:123456789012:user-profile/*/*"});
  REQUIRE(deny.conditions.size() == 1);
  CHECK(deny.conditions[0].op == ConditionOperator::kNotIpAddress);
  CHECK(deny.conditions[0].key == "aws:VpcSourceIp");
  CHECK(deny.conditions[0].values == std::vector<std::string>{"0.0.0.0/0"});
}

TEST_CASE("identical template inputs give identical iam names and arns", "[cloudformation][iam]") {
  auto first = load(workshopStacks());
  auto second = load(workshopStacks());
  REQUIRE(first.ok);
  REQUIRE(second.ok);
  REQUIRE(first.topo.iam.principals.size() == second.topo.iam.principals.size());
  for (std::size_t i = 0; i < first.topo.iam.principals.size(); ++i) {
    CHECK(first.topo.iam.principals[i].arn == second.topo.iam.principals[i].arn);
    CHECK(first.topo.iam.principals[i].unique_id == second.topo.iam.principals[i].unique_id);
  }
}

TEST_CASE("Ref and Fn::GetAtt of iam resources give names, paths and arns as CloudFormation does",
          "[cloudformation][iam]") {
  const std::string body = R"(Resources:
  Named:
    Type: AWS::IAM::Role
    Properties:
      RoleName: StudioRole
      Path: /service-role/
      AssumeRolePolicyDocument: '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: ssm-read
      Path: /team/
      Roles: [!Ref Named]
      Users: [!Ref Person]
      PolicyDocument:
        Version: '2012-10-17'
        Statement: [{Effect: Allow, Action: 'ssm:GetParameter', Resource: '*'}]
  Inline:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Groups: [!Ref Team]
      PolicyDocument: {Statement: {Effect: Deny, Action: 's3:*', Resource: '*'}}
  Person:
    Type: AWS::IAM::User
    Properties:
      Groups: [!Ref Team]
      PermissionsBoundary: !Ref Boundary
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: boundary
      PolicyDocument: {Statement: {Effect: Allow, Action: '*', Resource: '*'}}
  Team:
    Type: AWS::IAM::Group
  Addition:
    Type: AWS::IAM::UserToGroupAddition
    Properties: {GroupName: other-group, Users: [!Ref Person]}
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties: {Roles: [!Ref Named]}
  Domain:
    Type: AWS::SageMaker::Domain
    Properties:
      DomainName: d
      AuthMode: IAM
      DefaultUserSettings: {ExecutionRole: !GetAtt Named.Arn}
  User:
    Type: AWS::SageMaker::UserProfile
    Properties:
      DomainId: !GetAtt Domain.DomainId
      UserProfileName: u
      UserSettings: {ExecutionRole: !Sub '${Named.Arn}#${Named.RoleId}#${Policy.PolicyId}'}
)";
  auto path = std::filesystem::temp_directory_path() / "vpcsim-cfn-iam-test-refs.yaml";
  { std::ofstream(path) << body; }
  auto loaded = load({{path, "app", {}}});
  INFO(loaded.errors);
  REQUIRE(loaded.ok);
  const Topology& t = loaded.topo;
  const std::string role_arn = "arn:aws:iam::123456789012:role/service-role/StudioRole";
  const std::string policy_arn = "arn:aws:iam::123456789012:policy/team/ssm-read";
  const IamPrincipal* role = t.iam.findPrincipal(role_arn);
  REQUIRE(role != nullptr);
  CHECK(role->name == "StudioRole");
  CHECK(role->path == "/service-role/");
  CHECK(role->managed_policy_arns == std::vector<std::string>{policy_arn});
  REQUIRE(t.studio_domains.size() == 1);
  CHECK(t.studio_domains[0].default_execution_role == role_arn);
  REQUIRE(t.user_profiles.size() == 1);
  // "${Named.Arn}#${Named.RoleId}#${Policy.PolicyId}"
  const std::string& joined = t.user_profiles[0].execution_role;
  const std::string policy_id = joined.substr(joined.rfind('#') + 1);
  CHECK(joined == role_arn + "#" + role->unique_id + "#" + policy_id);
  CHECK(policy_id.rfind("ANPA", 0) == 0);
  CHECK(policy_id.size() == 21);

  const IamPrincipal* person = byLogical(t, "Person");
  REQUIRE(person != nullptr);
  CHECK(person->kind == PrincipalKind::kUser);
  CHECK(person->name.rfind("app-Person-", 0) == 0);
  CHECK(person->permissions_boundary_arn == "arn:aws:iam::123456789012:policy/boundary");
  CHECK(person->managed_policy_arns == std::vector<std::string>{policy_arn});
  const IamPrincipal* team = byLogical(t, "Team");
  REQUIRE(team != nullptr);
  CHECK(person->groups == std::vector<std::string>{team->name, "other-group"});
  REQUIRE(team->inline_policies.size() == 1);
  CHECK(team->inline_policies[0].name == "extra");
  CHECK(team->arn == "arn:aws:iam::123456789012:group/" + team->name);

  auto ignored = std::find_if(t.ignored.begin(), t.ignored.end(),
                              [](const IgnoredItem& item) { return item.what == "AWS::IAM::InstanceProfile Profile"; });
  REQUIRE(ignored != t.ignored.end());
  CHECK(ignored->reason == "an instance profile passes its role to EC2 instances; not modelled (the role is)");
  std::filesystem::remove(path);
}

TEST_CASE("a generated iam name fits the 64 characters of a role name", "[cloudformation][iam]") {
  const std::string logical(70, 'R');
  auto path = std::filesystem::temp_directory_path() / "vpcsim-cfn-iam-test-long.yaml";
  {
    std::ofstream(path) << "Resources:\n  " << logical
                        << ":\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: "
                           "{Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "
                           "'sts:AssumeRole'}]}\n";
  }
  auto loaded = load({{path, "a-stack", {}}});
  INFO(loaded.errors);
  REQUIRE(loaded.ok);
  REQUIRE(loaded.topo.iam.principals.size() == 1);
  const std::string& name = loaded.topo.iam.principals[0].name;
  CHECK(name.size() == 64);
  CHECK(name.rfind("a-stack-RRRR", 0) == 0);
  std::filesystem::remove(path);
}

TEST_CASE("a managed policy naming a role outside the input is listed as ignored", "[cloudformation][iam]") {
  auto path = std::filesystem::temp_directory_path() / "vpcsim-cfn-iam-test-outside.yaml";
  {
    std::ofstream(path) << "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      Roles: [elsewhere]\n"
                           "      PolicyDocument: {Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}\n";
  }
  auto loaded = load({{path, "s", {}}});
  REQUIRE(loaded.ok);
  CHECK_FALSE(loaded.topo.iam.principals_loaded);
  REQUIRE(loaded.topo.iam.managed_policies.size() == 1);
  REQUIRE(loaded.topo.ignored.size() == 1);
  CHECK(loaded.topo.ignored[0].reason == "role 'elsewhere' it attaches to is not in the input");
  std::filesystem::remove(path);
}

TEST_CASE("iam resource errors point at the template", "[cloudformation][iam]") {
  const std::string trust = "{Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: 'sts:AssumeRole'}]}";
  SECTION("a path without its slashes") {
    CHECK(diagnosticsOf("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Path: service-role\n"
                        "      AssumeRolePolicyDocument: " + trust + "\n") ==
          std::vector<std::string>{"t.yaml:5:13: error: R.Path: 'service-role' must begin and end with a slash (/)"});
  }
  SECTION("a role without a trust policy") {
    CHECK(diagnosticsOf("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties: {RoleName: r}\n") ==
          std::vector<std::string>{"t.yaml:2:3: error: R: missing property AssumeRolePolicyDocument"});
  }
  SECTION("an attribute the type does not have") {
    CHECK(diagnosticsOf("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: " +
                        trust +
                        "\n  D:\n    Type: AWS::SageMaker::Domain\n    Properties:\n      DomainName: d\n"
                        "      DefaultUserSettings: {ExecutionRole: !GetAtt R.Arm}\n") ==
          std::vector<std::string>{
              "t.yaml:10:44: error: !GetAtt R.Arm: AWS::IAM::Role has no attribute Arm (did you mean Arn?)"});
  }
  SECTION("two roles of one name") {
    auto found = diagnosticsOf("Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: r\n"
                               "      AssumeRolePolicyDocument: " + trust +
                               "\n  B:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: r\n"
                               "      AssumeRolePolicyDocument: " + trust + "\n");
    REQUIRE(found.size() == 1);
    CHECK(found[0].rfind("t.yaml:7:3: error: B: role name 'r' is already used by ", 0) == 0);
  }
  SECTION("a policy document the policy parser refuses is placed at the document") {
    auto found = diagnosticsOf("Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
                               "      PolicyDocument:\n        Statement: [{Effect: Maybe, Action: '*', Resource: '*'}]\n");
    REQUIRE(found.size() == 1);
    CHECK(found[0].rfind("t.yaml:6:9", 0) == 0);
    CHECK(found[0].find("Effect") != std::string::npos);
  }
}

}  // namespace vpcsim::topology

// The SageMaker section (Studio domains, user profiles, jobs) that native topology files and scenario files share.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "formats/yaml_fields.h"
#include "topology/model.h"

namespace vpcsim::formats {

/// A user profile as the file writes it.
struct ProfileSpec {
  YAML::Node node;
  YAML::Node name_node;  ///< to point a duplicate name at
  std::string name;
  std::string execution_role;
  std::vector<YamlItem> security_groups;  ///< as written, for the caller to resolve
};

/// A Studio domain as the file writes it. Its identity keys (`id`, `name`,
/// ...) and `vpc` stay in `fields` for the caller, which names and places
/// the domain its own way; references are kept as written.
struct DomainSpec {
  topology::StudioNetworkMode network_mode = topology::StudioNetworkMode::kPublicInternetOnly;
  std::vector<YamlItem> subnets;
  std::vector<YamlItem> security_groups;
  std::vector<ProfileSpec> profiles;
};

/// A SageMaker job as the file writes it (`job.subnet_ids` / `security_group_ids` left empty).
struct JobSpec {
  topology::SageMakerJob job;
  YAML::Node name_node;  ///< to point a duplicate name at
  std::vector<YamlItem> subnets;
  std::vector<YamlItem> security_groups;
};

/// Reads the body of a `studio_domains` entry whose keys `fields` holds:
/// `network_mode` (VpcOnly or PublicInternetOnly, the default), `subnets`
/// (required for VpcOnly), `security_groups` and `user_profiles` (each with
/// a required `name`, `execution_role`, `security_groups`). Errors go to `yaml`.
DomainSpec readStudioDomain(YamlReader& yaml, const YAML::Node& node, const Fields& fields);

/// Reads a `jobs` entry: `name` and `kind` (training, processing or
/// transform) required, `network_isolation`, `instance_count` (1-10000),
/// `vpc_config` with both `subnets` and `security_groups`, and with
/// `with_execution_role` `execution_role` (the job's role, into
/// `job.role_arn`). nullopt when the entry is not a mapping of those keys.
/// Errors go to `yaml`.
std::optional<JobSpec> readJob(YamlReader& yaml, const YAML::Node& node, bool with_execution_role = false);

/// The keys a user profile takes.
inline const std::vector<std::string_view> kProfileKeys = {"name", "execution_role", "security_groups"};

}  // namespace vpcsim::formats

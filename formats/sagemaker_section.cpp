// The SageMaker section shared by native topology files and scenario files.
#include "formats/sagemaker_section.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "topology/suggest.h"

namespace vpcsim::formats {

using namespace vpcsim::topology;  // the model this format fills

DomainSpec readStudioDomain(YamlReader& yaml, const YAML::Node& node, const Fields& fields) {
  DomainSpec spec;
  if (auto mode = yaml.text(fields, "network_mode")) {
    // SageMaker Developer Guide, "Connect Studio notebooks in a VPC to external
    // resources": AppNetworkAccessType is VpcOnly or PublicInternetOnly.
    if (*mode == "VpcOnly") {
      spec.network_mode = StudioNetworkMode::kVpcOnly;
    } else if (*mode != "PublicInternetOnly") {
      std::array<std::string_view, 2> modes = {"VpcOnly", "PublicInternetOnly"};
      yaml.error(fields.find("network_mode")->value, "bad-value",
                 fmt::format("'network_mode' must be VpcOnly or PublicInternetOnly, not '{}'{}", *mode,
                             didYouMean(*mode, modes)));
    }
  }
  spec.subnets = yaml.list(fields, "subnets");
  spec.security_groups = yaml.list(fields, "security_groups");
  if (spec.network_mode == StudioNetworkMode::kVpcOnly && spec.subnets.empty()) {
    yaml.error(node, "missing-key", "missing key 'subnets' in studio domain (VpcOnly needs subnets)");
  }
  for (const auto& profile_node : yaml.nodes(fields, "user_profiles")) {
    auto p = yaml.fields(profile_node, "user profile", kProfileKeys);
    if (!p) continue;
    ProfileSpec profile;
    profile.node = profile_node;
    profile.name = yaml.text(*p, "name", true).value_or("");
    if (const Field* name = p->find("name")) profile.name_node = name->value;
    profile.execution_role = yaml.text(*p, "execution_role").value_or("");
    profile.security_groups = yaml.list(*p, "security_groups");
    spec.profiles.push_back(std::move(profile));
  }
  return spec;
}

std::optional<JobSpec> readJob(YamlReader& yaml, const YAML::Node& node, bool with_execution_role) {
  std::vector<std::string_view> keys = {"name", "kind", "vpc_config", "network_isolation", "instance_count"};
  if (with_execution_role) keys.push_back("execution_role");
  auto f = yaml.fields(node, "job", keys);
  if (!f) return std::nullopt;
  JobSpec spec;
  SageMakerJob& job = spec.job;
  job.name = yaml.text(*f, "name", true).value_or("");
  if (const Field* name = f->find("name")) spec.name_node = name->value;
  job.kind = yaml.text(*f, "kind", true).value_or("");
  static constexpr std::array<std::string_view, 3> kKinds = {"training", "processing", "transform"};
  if (!job.kind.empty() && std::find(kKinds.begin(), kKinds.end(), job.kind) == kKinds.end()) {
    yaml.error(f->find("kind")->value, "bad-value",
               fmt::format("'kind' must be training, processing or transform, not '{}'{}", job.kind,
                           didYouMean(job.kind, kKinds)));
  }
  job.role_arn = yaml.text(*f, "execution_role").value_or("");
  job.network_isolation = yaml.flag(*f, "network_isolation", false);
  job.instance_count = static_cast<int>(yaml.number(*f, "instance_count", 1, 10000).value_or(1));
  if (const Field* config = f->find("vpc_config")) {
    if (auto c = yaml.fields(config->value, "vpc config", {"subnets", "security_groups"})) {
      job.has_vpc_config = true;
      if (!c->has("subnets")) yaml.error(config->value, "missing-key", "missing key 'subnets' in vpc config");
      if (!c->has("security_groups")) {
        yaml.error(config->value, "missing-key", "missing key 'security_groups' in vpc config");
      }
      spec.subnets = yaml.list(*c, "subnets");
      spec.security_groups = yaml.list(*c, "security_groups");
    }
  }
  return spec;
}

}  // namespace vpcsim::formats

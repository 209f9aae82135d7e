// Built-in catalogue of AWS service endpoint names and host names.
#include "sim/services.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace vpcsim::sim {
namespace {

struct Entry {
  std::string_view key;
  std::string_view endpoint;  ///< {r} = region
  std::string_view host;      ///< {r} = region
  bool gateway;
};

// PrivateLink guide, "AWS services that integrate with AWS PrivateLink" (service
// names), and the AWS General Reference "Service endpoints" (host names).
constexpr std::array<Entry, 36> kServices = {{
    {"athena", "com.amazonaws.{r}.athena", "athena.{r}.amazonaws.com", false},
    {"cloudformation", "com.amazonaws.{r}.cloudformation", "cloudformation.{r}.amazonaws.com", false},
    {"codeartifact.api", "com.amazonaws.{r}.codeartifact.api", "codeartifact.{r}.amazonaws.com", false},
    {"codebuild", "com.amazonaws.{r}.codebuild", "codebuild.{r}.amazonaws.com", false},
    {"codecommit", "com.amazonaws.{r}.codecommit", "codecommit.{r}.amazonaws.com", false},
    {"codepipeline", "com.amazonaws.{r}.codepipeline", "codepipeline.{r}.amazonaws.com", false},
    {"dynamodb", "com.amazonaws.{r}.dynamodb", "dynamodb.{r}.amazonaws.com", true},
    {"ec2", "com.amazonaws.{r}.ec2", "ec2.{r}.amazonaws.com", false},
    {"ec2messages", "com.amazonaws.{r}.ec2messages", "ec2messages.{r}.amazonaws.com", false},
    {"ecr.api", "com.amazonaws.{r}.ecr.api", "api.ecr.{r}.amazonaws.com", false},
    {"ecr.dkr", "com.amazonaws.{r}.ecr.dkr", "dkr.ecr.{r}.amazonaws.com", false},
    {"ecs", "com.amazonaws.{r}.ecs", "ecs.{r}.amazonaws.com", false},
    {"elasticfilesystem", "com.amazonaws.{r}.elasticfilesystem", "elasticfilesystem.{r}.amazonaws.com", false},
    {"events", "com.amazonaws.{r}.events", "events.{r}.amazonaws.com", false},
    {"execute-api", "com.amazonaws.{r}.execute-api", "execute-api.{r}.amazonaws.com", false},
    {"git-codecommit", "com.amazonaws.{r}.git-codecommit", "git-codecommit.{r}.amazonaws.com", false},
    {"glue", "com.amazonaws.{r}.glue", "glue.{r}.amazonaws.com", false},
    {"kms", "com.amazonaws.{r}.kms", "kms.{r}.amazonaws.com", false},
    {"lambda", "com.amazonaws.{r}.lambda", "lambda.{r}.amazonaws.com", false},
    {"logs", "com.amazonaws.{r}.logs", "logs.{r}.amazonaws.com", false},
    {"monitoring", "com.amazonaws.{r}.monitoring", "monitoring.{r}.amazonaws.com", false},
    {"s3", "com.amazonaws.{r}.s3", "s3.{r}.amazonaws.com", true},
    {"sagemaker.api", "com.amazonaws.{r}.sagemaker.api", "api.sagemaker.{r}.amazonaws.com", false},
    {"sagemaker.featurestore-runtime", "com.amazonaws.{r}.sagemaker.featurestore-runtime",
     "featurestore-runtime.sagemaker.{r}.amazonaws.com", false},
    {"sagemaker.notebook", "aws.sagemaker.{r}.notebook", "notebook.{r}.sagemaker.aws", false},
    {"sagemaker.runtime", "com.amazonaws.{r}.sagemaker.runtime", "runtime.sagemaker.{r}.amazonaws.com", false},
    {"sagemaker.studio", "aws.sagemaker.{r}.studio", "studio.{r}.sagemaker.aws", false},
    {"secretsmanager", "com.amazonaws.{r}.secretsmanager", "secretsmanager.{r}.amazonaws.com", false},
    {"servicecatalog", "com.amazonaws.{r}.servicecatalog", "servicecatalog.{r}.amazonaws.com", false},
    {"sns", "com.amazonaws.{r}.sns", "sns.{r}.amazonaws.com", false},
    {"sqs", "com.amazonaws.{r}.sqs", "sqs.{r}.amazonaws.com", false},
    {"ssm", "com.amazonaws.{r}.ssm", "ssm.{r}.amazonaws.com", false},
    {"ssmmessages", "com.amazonaws.{r}.ssmmessages", "ssmmessages.{r}.amazonaws.com", false},
    {"states", "com.amazonaws.{r}.states", "states.{r}.amazonaws.com", false},
    {"sts", "com.amazonaws.{r}.sts", "sts.{r}.amazonaws.com", false},
    {"xray", "com.amazonaws.{r}.xray", "xray.{r}.amazonaws.com", false},
}};

std::string expand(std::string_view pattern, std::string_view region) {
  std::string out(pattern);
  for (size_t pos = out.find("{r}"); pos != std::string::npos; pos = out.find("{r}")) out.replace(pos, 3, region);
  return out;
}

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::optional<ServiceInfo> findService(std::string_view name, std::string_view region) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!lower.empty() && lower.back() == '.') lower.pop_back();
  for (const auto& entry : kServices) {
    ServiceInfo info{std::string(entry.key), expand(entry.endpoint, region), expand(entry.host, region), entry.gateway};
    if (lower == entry.key || lower == info.endpoint_service || lower == info.hostname) return info;
    // Host names under the service's domain: bucket.s3.us-east-1.amazonaws.com,
    // 123456789012.dkr.ecr.us-east-1.amazonaws.com, d-xxx.studio.us-east-1.sagemaker.aws.
    if (endsWith(lower, "." + info.hostname)) return info;
  }
  // Global S3 names (s3.amazonaws.com, bucket.s3.amazonaws.com) serve the
  // region's buckets through the same prefix list.
  if (lower == "s3.amazonaws.com" || endsWith(lower, ".s3.amazonaws.com")) return findService("s3", region);
  return std::nullopt;
}

std::vector<std::string> serviceNames() {
  std::vector<std::string> names;
  for (const auto& entry : kServices) names.emplace_back(entry.key);
  return names;
}

}  // namespace vpcsim::sim

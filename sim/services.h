// Built-in catalogue of AWS service endpoint names and host names, per region.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vpcsim::sim {

struct ServiceInfo {
  std::string key;               ///< short name users type: "s3", "sagemaker.api"
  std::string endpoint_service;  ///< VPC endpoint service name in the region
  std::string hostname;          ///< the regional DNS name clients resolve
  bool gateway_endpoint = false; ///< S3 and DynamoDB also offer gateway endpoints
};

/// Looks up a service by short name ("ssm"), endpoint service name
/// ("com.amazonaws.us-east-1.ssm") or host name ("ssm.us-east-1.amazonaws.com").
/// Returns nullopt for names that are not AWS services (internet hosts).
std::optional<ServiceInfo> findService(std::string_view name, std::string_view region);

/// Short names of every service in the catalogue, sorted.
std::vector<std::string> serviceNames();

}  // namespace vpcsim::sim

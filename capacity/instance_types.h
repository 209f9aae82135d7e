// SageMaker ML instance types with EFA and their network interfaces (typed data for capacity projection).
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace vpcsim::capacity {

/// One SageMaker training / processing instance type that supports EFA.
struct EfaInstanceType {
  std::string_view name;       ///< "ml.p5.48xlarge"
  int max_network_interfaces;  ///< EC2 maximum network interfaces of the underlying type
  int efa_interfaces;          ///< EFA interfaces, one per network card
};

/// The table, sorted by name. Sources: Amazon EC2 User Guide, "Elastic network interfaces —
/// Maximum IP addresses per network interface" (maximum network interfaces and network cards
/// per instance type) and "Elastic Fabric Adapter — Supported instance types"; SageMaker
/// Developer Guide, "Run training jobs with EFA" (ml.* types with EFA) and "Give SageMaker
/// Training Jobs Access to Resources in Your Amazon VPC" (2 addresses per instance, 5 with
/// EFA). Types whose figures could not be checked are left out: they get the plan's defaults
/// and a warning, and `instance_types:` in the plan overrides any row.
inline constexpr std::array<EfaInstanceType, 9> kEfaInstanceTypes = {{
    {"ml.c5n.18xlarge", 15, 1},
    {"ml.c5n.9xlarge", 8, 1},
    {"ml.g5.48xlarge", 7, 1},
    {"ml.p3dn.24xlarge", 15, 1},
    {"ml.p4d.24xlarge", 60, 4},
    {"ml.p4de.24xlarge", 60, 4},
    {"ml.p5.48xlarge", 64, 32},
    {"ml.trn1.32xlarge", 40, 8},
    {"ml.trn1n.32xlarge", 80, 16},
}};

/// The row for `name`, or nullopt.
std::optional<EfaInstanceType> findEfaInstanceType(std::string_view name);

/// Addresses one instance of a known EFA type takes with EFA: one per EFA interface (one per
/// network card) plus the primary interface's, and never below the plan's `efa_instance` rule
/// (5, SageMaker's documented minimum): ml.p5.48xlarge 33, ml.p4d.24xlarge 5.
double efaAddresses(const EfaInstanceType& type, double efa_instance_rule);

}  // namespace vpcsim::capacity

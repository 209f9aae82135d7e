// SageMaker ML instance types with EFA: lookup and the addresses an instance takes.
#include "capacity/instance_types.h"

#include <algorithm>

namespace vpcsim::capacity {

std::optional<EfaInstanceType> findEfaInstanceType(std::string_view name) {
  auto it = std::lower_bound(kEfaInstanceTypes.begin(), kEfaInstanceTypes.end(), name,
                             [](const EfaInstanceType& t, std::string_view n) { return t.name < n; });
  if (it == kEfaInstanceTypes.end() || it->name != name) return std::nullopt;
  return *it;
}

double efaAddresses(const EfaInstanceType& type, double efa_instance_rule) {
  return std::max(efa_instance_rule, 1.0 + type.efa_interfaces);
}

}  // namespace vpcsim::capacity

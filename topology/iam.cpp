#include "topology/iam.h"

#include <algorithm>

namespace vpcsim::topology {

std::string_view conditionOperatorName(ConditionOperator op) {
  switch (op) {
    case ConditionOperator::kStringEquals: return "StringEquals";
    case ConditionOperator::kStringNotEquals: return "StringNotEquals";
    case ConditionOperator::kStringEqualsIgnoreCase: return "StringEqualsIgnoreCase";
    case ConditionOperator::kStringNotEqualsIgnoreCase: return "StringNotEqualsIgnoreCase";
    case ConditionOperator::kStringLike: return "StringLike";
    case ConditionOperator::kStringNotLike: return "StringNotLike";
    case ConditionOperator::kNumericEquals: return "NumericEquals";
    case ConditionOperator::kNumericNotEquals: return "NumericNotEquals";
    case ConditionOperator::kNumericLessThan: return "NumericLessThan";
    case ConditionOperator::kNumericLessThanEquals: return "NumericLessThanEquals";
    case ConditionOperator::kNumericGreaterThan: return "NumericGreaterThan";
    case ConditionOperator::kNumericGreaterThanEquals: return "NumericGreaterThanEquals";
    case ConditionOperator::kDateEquals: return "DateEquals";
    case ConditionOperator::kDateNotEquals: return "DateNotEquals";
    case ConditionOperator::kDateLessThan: return "DateLessThan";
    case ConditionOperator::kDateLessThanEquals: return "DateLessThanEquals";
    case ConditionOperator::kDateGreaterThan: return "DateGreaterThan";
    case ConditionOperator::kDateGreaterThanEquals: return "DateGreaterThanEquals";
    case ConditionOperator::kBool: return "Bool";
    case ConditionOperator::kBinaryEquals: return "BinaryEquals";
    case ConditionOperator::kIpAddress: return "IpAddress";
    case ConditionOperator::kNotIpAddress: return "NotIpAddress";
    case ConditionOperator::kArnEquals: return "ArnEquals";
    case ConditionOperator::kArnLike: return "ArnLike";
    case ConditionOperator::kArnNotEquals: return "ArnNotEquals";
    case ConditionOperator::kArnNotLike: return "ArnNotLike";
    case ConditionOperator::kNull: return "Null";
  }
  return "";
}

std::string_view policyKindName(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kIdentity: return "identity policy";
    case PolicyKind::kPermissionsBoundary: return "permissions boundary";
    case PolicyKind::kServiceControl: return "SCP";
    case PolicyKind::kResourceControl: return "RCP";
    case PolicyKind::kResource: return "resource policy";
    case PolicyKind::kEndpoint: return "endpoint policy";
    case PolicyKind::kSession: return "session policy";
  }
  return "";
}

std::string_view principalKindName(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::kRole: return "role";
    case PrincipalKind::kUser: return "user";
    case PrincipalKind::kGroup: return "group";
  }
  return "";
}

namespace {
template <typename T>
const T* findByArn(const std::vector<T>& items, std::string_view arn) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& item) { return item.arn == arn; });
  return it == items.end() ? nullptr : &*it;
}
}  // namespace

const IamPrincipal* IamInventory::findPrincipal(std::string_view arn) const { return findByArn(principals, arn); }
const ManagedPolicy* IamInventory::findManagedPolicy(std::string_view arn) const {
  return findByArn(managed_policies, arn);
}

}  // namespace vpcsim::topology

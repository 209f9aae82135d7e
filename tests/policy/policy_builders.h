// Policy documents built in C++ for the policy tests (no parser needed).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "policy/evaluate.h"
#include "topology/iam.h"

namespace vpcsim::policy::testing {

using topology::ConditionOperator;
using topology::PolicyCondition;
using topology::PolicyEffect;
using topology::SetOperator;

/// Every condition operator, in enum order.
inline std::vector<ConditionOperator> allOperators() {
  std::vector<ConditionOperator> out;
  for (int i = 0; i <= static_cast<int>(ConditionOperator::kNull); ++i) out.push_back(static_cast<ConditionOperator>(i));
  return out;
}

/// "ForAnyValue:StringNotEqualsIfExists" -> a condition on `key` with `values`.
inline PolicyCondition cond(const std::string& text, std::string key, std::vector<std::string> values) {
  PolicyCondition c;
  c.operator_text = text;
  std::string name = text;
  if (name.rfind("ForAnyValue:", 0) == 0) {
    c.set = SetOperator::kForAnyValue;
    name = name.substr(12);
  } else if (name.rfind("ForAllValues:", 0) == 0) {
    c.set = SetOperator::kForAllValues;
    name = name.substr(13);
  }
  if (name.size() > 8 && name.substr(name.size() - 8) == "IfExists") {
    c.if_exists = true;
    name.resize(name.size() - 8);
  }
  bool found = false;
  for (const auto op : allOperators()) {
    if (topology::conditionOperatorName(op) == name) {
      c.op = op;
      found = true;
    }
  }
  if (!found) throw std::invalid_argument("unknown operator " + text);
  c.key = std::move(key);
  c.values = std::move(values);
  return c;
}

struct StatementBuilder {
  topology::PolicyStatement s;

  StatementBuilder& sid(std::string v) { s.sid = std::move(v); return *this; }
  StatementBuilder& notAction() { s.not_action = true; return *this; }
  StatementBuilder& resources(std::vector<std::string> v) {
    s.has_resource = true;
    s.resources = std::move(v);
    return *this;
  }
  StatementBuilder& notResources(std::vector<std::string> v) {
    resources(std::move(v));
    s.not_resource = true;
    return *this;
  }
  StatementBuilder& anyPrincipal() {
    s.has_principal = true;
    s.principals.any = true;
    return *this;
  }
  StatementBuilder& principal(std::string type, std::string value) {
    s.has_principal = true;
    s.principals.entries.emplace_back(std::move(type), std::move(value));
    return *this;
  }
  StatementBuilder& notPrincipal(std::string type, std::string value) {
    principal(std::move(type), std::move(value));
    s.not_principal = true;
    return *this;
  }
  StatementBuilder& when(const std::string& op, std::string key, std::vector<std::string> values) {
    s.conditions.push_back(cond(op, std::move(key), std::move(values)));
    return *this;
  }
  operator topology::PolicyStatement() const { return s; }  // NOLINT: builder converts implicitly
};

inline StatementBuilder statement(PolicyEffect effect, std::vector<std::string> actions,
                                  std::vector<std::string> resources = {"*"}) {
  StatementBuilder b;
  b.s.effect = effect;
  b.s.actions = std::move(actions);
  b.resources(std::move(resources));
  return b;
}
inline StatementBuilder allow(std::vector<std::string> actions, std::vector<std::string> resources = {"*"}) {
  return statement(PolicyEffect::kAllow, std::move(actions), std::move(resources));
}
inline StatementBuilder deny(std::vector<std::string> actions, std::vector<std::string> resources = {"*"}) {
  return statement(PolicyEffect::kDeny, std::move(actions), std::move(resources));
}

inline topology::PolicyDocument document(std::string name, std::vector<topology::PolicyStatement> statements,
                                         std::string version = "2012-10-17") {
  topology::PolicyDocument d;
  d.name = std::move(name);
  d.version = std::move(version);
  d.statements = std::move(statements);
  for (std::size_t i = 0; i < d.statements.size(); ++i) d.statements[i].index = i;
  return d;
}

inline constexpr const char* kAccount = "123456789012";
inline constexpr const char* kOtherAccount = "210987654321";
inline constexpr const char* kMlopsRole = "arn:aws:iam::123456789012:role/StudioRoleMLOps";
inline constexpr const char* kScientistRole = "arn:aws:iam::123456789012:role/StudioRoleDataScientist";

/// A request by a role of kAccount with the principal keys set.
inline Request roleRequest(std::string action, std::string resource, std::string role = kMlopsRole) {
  Request r;
  r.action = std::move(action);
  r.resource = std::move(resource);
  r.principal_arn = role;
  r.principal_account = kAccount;
  r.context.set("aws:PrincipalArn", role);
  r.context.set("aws:PrincipalAccount", kAccount);
  r.context.set("aws:ViaAWSService", "false");
  return r;
}

}  // namespace vpcsim::policy::testing

// [oracle]: vpcsim's IAM engine (policy::decide) against an independent
// implementation, the npm package @cloud-copilot/iam-simulate (pinned in
// tests/oracle/package-lock.json), run as a separate Node process
// (tests/oracle/iam_oracle.mjs) and used only as a test oracle. Random cases
// from a seed, within the features both implement; every decision must agree,
// except the documented differences (docs/policies.md, "Differences from
// other tools"), where the oracle is given the case as AWS documents it
// (see oracleView) and must then agree. docs/testing.md, "IAM oracle test".
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "formats/iam_policy.h"
#include "policy/evaluate.h"
#include "policy/patterns.h"

using nlohmann::json;
using namespace vpcsim::policy;
using vpcsim::topology::PolicyDocument;

#ifndef VPCSIM_SOURCE_DIR
#define VPCSIM_SOURCE_DIR "."
#endif

namespace {

constexpr const char* kAccount = "111111111111";
constexpr const char* kOtherAccount = "222222222222";
constexpr const char* kCaller = "arn:aws:iam::111111111111:user/alice";

/// A seeded generator whose draws do not depend on the standard library's
/// distributions (the same seed gives the same cases everywhere).
class Draw {
 public:
  explicit Draw(uint64_t seed) : rng_(seed) {}
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename T>
  const T& among(const std::vector<T>& items) { return items[below(items.size())]; }

 private:
  std::mt19937_64 rng_;
};

// ---------------------------------------------------------------------------
// The request

/// An action and a resource ARN of that action's resource type (the oracle
/// checks the pair against AWS's service reference). "{account}" is the
/// resource's account.
struct ActionResource {
  std::string action;
  std::string resource;
  bool rcp_service;  ///< the service takes RCPs (Organizations User Guide, "Resource control policies")
};

const std::vector<ActionResource>& actionPool() {
  static const std::vector<ActionResource> pool = {
      {"s3:GetObject", "arn:aws:s3:::amzn-bucket-a/photos/cat.jpg", true},
      {"s3:PutObject", "arn:aws:s3:::amzn-bucket-b/logs/2024/app.log", true},
      {"s3:ListBucket", "arn:aws:s3:::amzn-bucket-a", true},
      {"ssm:GetParameter", "arn:aws:ssm:us-east-1:{account}:parameter/app/db-password", false},
      {"sqs:SendMessage", "arn:aws:sqs:us-east-1:{account}:orders-queue", true},
      {"dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:{account}:table/Orders", true},
      {"sagemaker:CreatePresignedDomainUrl", "arn:aws:sagemaker:us-east-1:{account}:user-profile/d-abc123/alice",
       false},
  };
  return pool;
}

std::string withAccount(std::string text, const std::string& account) {
  const std::string hole = "{account}";
  const std::size_t at = text.find(hole);
  if (at != std::string::npos) text.replace(at, hole.size(), account);
  return text;
}

enum class KeyType : uint8_t { kString, kArn, kIp, kBool, kNumeric, kMultiString };

/// A condition key, the values a request may carry and the values policies
/// compare it with.
struct KeySpec {
  std::string name;
  KeyType type;
  std::vector<std::string> request_values;
  std::vector<std::string> policy_values;
};

const std::vector<KeySpec>& keyPool() {
  static const std::vector<KeySpec> pool = {
      {"aws:SourceVpc", KeyType::kString, {"vpc-1111aaaa", "vpc-2222bbbb"},
       {"vpc-1111aaaa", "vpc-2222bbbb", "vpc-1111*", "vpc-????bbbb", "VPC-1111AAAA"}},
      {"aws:PrincipalTag/Team", KeyType::kString, {"ml", "data", "ML"}, {"ml", "data", "M*", "d?ta", "Ml"}},
      {"aws:PrincipalArn", KeyType::kArn, {kCaller},
       {kCaller, "arn:aws:iam::111111111111:user/*", "arn:aws:iam::*:user/alice",
        "arn:aws:iam::222222222222:user/alice", "arn:aws:iam::111111111111:role/*", "arn:aws:iam::111111111111:user/al?ce"}},
      {"aws:SourceArn", KeyType::kArn, {"arn:aws:sns:us-east-1:111111111111:topic-a", "arn:aws:s3:::amzn-bucket-a"},
       {"arn:aws:sns:us-east-1:111111111111:topic-a", "arn:aws:sns:*:111111111111:*", "arn:aws:s3:::amzn-bucket-?",
        "arn:aws:s3:::*", "arn:aws:sns:us-east-1:111111111111:TOPIC-A"}},
      {"aws:SourceIp", KeyType::kIp, {"203.0.113.7", "198.51.100.20", "2001:db8::5"},
       {"203.0.113.0/24", "198.51.100.20/32", "0.0.0.0/0", "2001:db8::/32", "203.0.113.7", "198.51.0.0/16"}},
      {"aws:VpcSourceIp", KeyType::kIp, {"10.0.1.5", "10.1.2.3"}, {"10.0.0.0/16", "10.0.1.5/32", "10.1.0.0/16"}},
      {"aws:SecureTransport", KeyType::kBool, {"true", "false"}, {"true", "false"}},
      {"aws:ViaAWSService", KeyType::kBool, {"true", "false"}, {"true", "false"}},
      {"aws:MultiFactorAuthAge", KeyType::kNumeric, {"0", "30", "3600", "86400"}, {"30", "3600", "100", "0"}},
      {"aws:TagKeys", KeyType::kMultiString, {"env", "team", "cost-center"}, {"env", "team", "owner", "t*", "Env"}},
      {"aws:CalledVia", KeyType::kMultiString, {"athena.amazonaws.com", "cloudformation.amazonaws.com"},
       {"athena.amazonaws.com", "*.amazonaws.com", "glue.amazonaws.com"}},
  };
  return pool;
}

/// One generated case: the policies by kind (the oracle's input format,
/// tests/oracle/iam_oracle.mjs) and the request.
struct Case {
  std::size_t id = 0;
  json policies = json::object();
  json request = json::object();
  /// What the oracle is given when it differs from `policies` (a known
  /// difference, oracleView); empty otherwise.
  json oracle_policies;
  json oracle_request;  ///< likewise for the request
  std::vector<std::string> differences;  ///< the known differences the case hits
};

// ---------------------------------------------------------------------------
// Known differences (docs/policies.md, "Differences from other tools"): their
// names in the test's summary.

constexpr const char* kEndpointPrincipal = "endpoint policy Principal other than \"*\"";
constexpr const char* kIpZero = "IpAddress/NotIpAddress with 0.0.0.0/0";
constexpr const char* kIpFamily = "IPv4 block against an IPv6 address (or the reverse)";
constexpr const char* kAnyValueIfExists = "ForAnyValue:...IfExists on an absent key";
/// Not generated: the oracle matches no pattern with a wildcard before the
/// resource part's "/" and a "/" after it ("...:user-prof?le/d-abc123/alice");
/// AWS allows wildcards anywhere in the resource part (IAM User Guide, "IAM
/// JSON policy elements: Resource"). A trailing "*" ("...:user-*") is generated.
constexpr const char* kTypeWildcard = "wildcard inside the resource type (not generated)";
/// Not generated either: a multivalued key under an operator without
/// ForAnyValue/ForAllValues (AWS: "may lead to unintended outcomes").
constexpr const char* kNoSetOperator = "multivalued key without a set operator (not generated)";
constexpr const char* kEmptyList = "multivalued key with an empty list";

// ---------------------------------------------------------------------------
// Policies

std::string mixCase(Draw& draw, const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (!draw.chance(30)) continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    else if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

/// An Action entry that may or may not name `action`.
std::string actionPattern(Draw& draw, const std::string& action) {
  const std::size_t colon = action.find(':');
  const std::string service = action.substr(0, colon);
  const std::string name = action.substr(colon + 1);
  std::string pattern;
  switch (draw.below(10)) {
    case 0: pattern = action; break;
    case 1: pattern = service + ":*"; break;
    case 2: pattern = "*"; break;
    case 3: pattern = service + ":" + name.substr(0, 1 + draw.below(name.size() - 1)) + "*"; break;
    case 4: pattern = service + ":*" + name.substr(draw.below(name.size())); break;
    case 5: {
      std::string changed = name;
      changed[draw.below(changed.size())] = '?';
      pattern = service + ":" + changed;
      break;
    }
    case 6: pattern = action + "s"; break;  // a near miss
    case 7: pattern = service + ":" + name.substr(0, name.size() - 1); break;
    default: pattern = draw.among(actionPool()).action; break;
  }
  return draw.chance(40) ? mixCase(draw, pattern) : pattern;
}

/// A Resource entry that may or may not name `resource`.
std::string resourcePattern(Draw& draw, const std::string& resource) {
  // Fields: arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE.
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    const std::size_t colon = resource.find(':', start);
    fields.push_back(resource.substr(start, colon - start));
    start = colon + 1;
  }
  const std::string head = resource.substr(0, start);
  const std::string rest = resource.substr(start);
  const auto join = [&] {
    std::string out;
    for (const auto& field : fields) out += field + ":";
    return out + rest;
  };
  // Wildcards inside the resource part go after its first "/" (see
  // kTypeWildcard): "user-profile/d-*", never "user-prof?le/...".
  const std::size_t slash = rest.find('/');
  const std::size_t wildcard_from = slash == std::string::npos ? 0 : slash + 1;
  switch (draw.below(11)) {
    case 0: return resource;
    case 1: return "*";
    case 2: return head + rest.substr(0, draw.below(rest.size() + 1)) + "*";
    case 3: {
      std::string changed = rest;
      changed[wildcard_from + draw.below(changed.size() - wildcard_from)] = '?';
      return head + changed;
    }
    case 4: {
      std::string changed = rest;
      char& c = changed[draw.below(changed.size())];
      c = c == 'x' ? 'y' : 'x';
      return head + changed;
    }
    case 5: fields[3] = fields[3].empty() ? "" : "*"; return join();
    case 6: fields[4] = fields[4].empty() ? "" : "*"; return join();
    case 7: return "arn:aws:" + fields[2] + ":*:*:*";
    case 8: return head + mixCase(draw, rest);
    case 9: {
      std::string changed = rest;
      const std::size_t at = wildcard_from + draw.below(changed.size() - wildcard_from);
      changed.replace(at, draw.below(changed.size() - at) + 1, "*");
      return head + changed;
    }
    default: return withAccount(draw.among(actionPool()).resource, draw.chance(50) ? kAccount : kOtherAccount);
  }
}

json oneOrMany(std::vector<std::string> values) {
  if (values.size() == 1) return values.front();
  return values;
}

/// A Condition block of one or two conditions.
json conditionBlock(Draw& draw) {
  json block = json::object();
  const std::size_t count = 1 + draw.below(2);
  for (std::size_t i = 0; i < count; ++i) {
    const KeySpec& key = draw.among(keyPool());
    std::string op;
    std::vector<std::string> values;
    const std::size_t value_count = 1 + (draw.chance(30) ? 1 : 0);
    if (draw.chance(12)) {
      op = "Null";
      values.push_back(draw.chance(50) ? "true" : "false");
    } else {
      static const std::vector<std::string> strings = {"StringEquals",           "StringNotEquals",
                                                       "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
                                                       "StringLike",             "StringNotLike"};
      static const std::vector<std::string> arns = {"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
                                                    "StringLike", "StringEquals"};
      static const std::vector<std::string> ips = {"IpAddress", "NotIpAddress"};
      static const std::vector<std::string> numerics = {"NumericEquals",   "NumericNotEquals",
                                                        "NumericLessThan", "NumericLessThanEquals",
                                                        "NumericGreaterThan", "NumericGreaterThanEquals"};
      switch (key.type) {
        case KeyType::kString:
        case KeyType::kMultiString: op = draw.among(strings); break;
        case KeyType::kArn: op = draw.among(arns); break;
        case KeyType::kIp: op = draw.among(ips); break;
        case KeyType::kBool: op = "Bool"; break;
        case KeyType::kNumeric: op = draw.among(numerics); break;
      }
      for (std::size_t v = 0; v < value_count; ++v) values.push_back(draw.among(key.policy_values));
      if (draw.chance(25)) op += "IfExists";
      // Set operators belong on multivalued keys (IAM User Guide, "Set
      // operators for multivalued context keys"); now and then a
      // single-valued key gets one too, as real policies do.
      // Without one a multivalued key is not generated: see kDifferences.
      if (key.type == KeyType::kMultiString || draw.chance(8)) {
        op = (draw.chance(50) ? "ForAnyValue:" : "ForAllValues:") + op;
      }
    }
    // Condition key names are case-insensitive: vary the case now and then.
    const std::string name = draw.chance(20) ? mixCase(draw, key.name) : key.name;
    json& under = block[op];
    bool taken = false;
    for (const auto& [written, unused] : under.items()) {
      if (equalsIgnoreCase(written, key.name)) taken = true;
    }
    if (!taken) under[name] = oneOrMany(values);
  }
  return block;
}

/// Who a Principal element names, as the generator chose it.
enum class Names : uint8_t { kEveryone, kTheCaller, kSomeoneElse };

struct Statement {
  json body;
  Names names = Names::kEveryone;
};

struct StatementShape {
  unsigned allow_percent = 70;
  bool principal = false;        ///< the kind takes a Principal element
  bool star_principal = false;   ///< only Principal "*" (RCPs)
  bool not_elements = true;      ///< NotAction / NotResource may appear
  /// RCPs: no NotAction, and no Action "*" (Organizations User Guide, "RCP
  /// syntax"; the oracle rejects both).
  bool rcp = false;
};

Statement statement(Draw& draw, const StatementShape& shape, const std::string& action, const std::string& resource) {
  Statement out;
  json& s = out.body;
  s["Effect"] = draw.chance(shape.allow_percent) ? "Allow" : "Deny";
  std::vector<std::string> actions;
  for (std::size_t i = 0, n = 1 + draw.below(3); i < n; ++i) {
    std::string pattern = actionPattern(draw, action);
    if (shape.rcp && pattern == "*") pattern = action.substr(0, action.find(':')) + ":*";
    actions.push_back(std::move(pattern));
  }
  s[shape.not_elements && !shape.rcp && draw.chance(15) ? "NotAction" : "Action"] = oneOrMany(actions);
  std::vector<std::string> resources;
  for (std::size_t i = 0, n = 1 + draw.below(2); i < n; ++i) resources.push_back(resourcePattern(draw, resource));
  s[shape.not_elements && draw.chance(15) ? "NotResource" : "Resource"] = oneOrMany(resources);
  if (shape.principal) {
    const std::size_t pick = shape.star_principal ? 0 : draw.below(6);
    switch (pick) {
      case 0: s["Principal"] = "*"; break;
      case 1: s["Principal"] = {{"AWS", "*"}}; break;
      case 2: s["Principal"] = {{"AWS", kCaller}}; out.names = Names::kTheCaller; break;
      case 3: s["Principal"] = {{"AWS", kAccount}}; out.names = Names::kTheCaller; break;
      case 4: s["Principal"] = {{"AWS", std::string("arn:aws:iam::") + kAccount + ":root"}}; out.names = Names::kTheCaller; break;
      default:
        s["Principal"] = {{"AWS", draw.chance(50) ? "arn:aws:iam::111111111111:user/bob" : kOtherAccount}};
        out.names = Names::kSomeoneElse;
        break;
    }
  }
  if (draw.chance(55)) s["Condition"] = conditionBlock(draw);
  return out;
}

json documentOf(const std::vector<Statement>& statements) {
  json list = json::array();
  for (const auto& s : statements) list.push_back(s.body);
  return {{"Version", "2012-10-17"}, {"Statement", list}};
}

std::vector<Statement> statements(Draw& draw, const StatementShape& shape, const std::string& action,
                                  const std::string& resource, std::size_t most) {
  std::vector<Statement> out;
  for (std::size_t i = 0, n = 1 + draw.below(most); i < n; ++i) out.push_back(statement(draw, shape, action, resource));
  return out;
}

/// AWS's FullAWSAccess SCP and RCPFullAWSAccess RCP.
json fullAccess(bool principal) {
  json s = {{"Effect", "Allow"}, {"Action", "*"}, {"Resource", "*"}};
  if (principal) s["Principal"] = "*";
  return {{"Version", "2012-10-17"}, {"Statement", json::array({s})}};
}

/// Known difference "endpoint policy Principal" (docs/policies.md): the
/// oracle accepts only Principal "*" in an endpoint policy, where AWS reads
/// the element (PrivateLink Guide, "Control access to VPC endpoints using
/// endpoint policies": "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]}).
/// The oracle gets the policy as AWS applies it to this caller: a statement
/// whose Principal names the caller with Principal "*", one that names
/// someone else left out (it cannot apply).
json endpointAsApplied(const std::vector<Statement>& statements) {
  json list = json::array();
  for (const auto& s : statements) {
    if (s.names == Names::kSomeoneElse) continue;
    json body = s.body;
    body["Principal"] = "*";
    list.push_back(body);
  }
  // A policy whose statements all name others allows nothing: an Allow of
  // no action says so (NotAction "*" names none).
  if (list.empty()) list.push_back({{"Effect", "Allow"}, {"Principal", "*"}, {"NotAction", "*"}, {"Resource", "*"}});
  return {{"Version", "2012-10-17"}, {"Statement", list}};
}

// ---------------------------------------------------------------------------
// Known differences (docs/policies.md, "Differences from other tools"). A case
// that hits one is compared on the decision AWS documents: the oracle is
// given an equivalent case it evaluates as documented. Each rewrite is named
// here and counted in the test's summary.


/// A condition that always holds (true) or never (false) for the oracle:
/// Null on a key no generated request carries, one key for each value so
/// that several in one block AND as they should.
json constantCondition(bool value) {
  return value ? json{{"aws:SourceVpce", "true"}} : json{{"aws:SourceAccount", "false"}};
}

const json* contextValue(const json& context, const std::string& key) {
  for (const auto& [name, value] : context.items()) {
    if (equalsIgnoreCase(name, key)) return &value;
  }
  return nullptr;
}

/// One Condition block as the oracle must see it to evaluate it as AWS
/// documents; the differences it hit are added to `hit`.
json oracleBlock(const json& block, const json& context, std::set<std::string>& hit) {
  json out = json::object();
  const auto add = [&](const std::string& op, const std::string& key, const json& values) {
    out[op][key] = values;
  };
  for (const auto& [op, keys] : block.items()) {
    const bool any_value = op.rfind("ForAnyValue:", 0) == 0;
    const bool if_exists = op.size() > 8 && op.substr(op.size() - 8) == "IfExists";
    const bool ip = op.find("IpAddress") != std::string::npos;
    const bool negated = op.find("NotIpAddress") != std::string::npos;
    for (const auto& [key, values] : keys.items()) {
      const json* value = contextValue(context, key);
      const bool absent = value == nullptr || (value->is_array() && value->empty());
      // IAM User Guide, "...IfExists condition operators": "If the key is
      // not present, evaluate the condition element as true" (the oracle
      // answers false under ForAnyValue).
      if (any_value && if_exists && absent) {
        hit.insert(kAnyValueIfExists);
        const json constant = constantCondition(true);
        add("Null", constant.begin().key(), constant.begin().value());
        continue;
      }
      if (!ip) {
        add(op, key, values);
        continue;
      }
      // IAM User Guide, "IP address condition operators": a CIDR block;
      // 0.0.0.0/0 holds every IPv4 address (the oracle matches none with
      // it): given as its two halves. An address of the other family is in
      // no block of this one.
      std::vector<std::string> list = values.is_array() ? values.get<std::vector<std::string>>()
                                                        : std::vector<std::string>{values.get<std::string>()};
      std::vector<std::string> rewritten;
      for (const auto& block_text : list) {
        if (block_text == "0.0.0.0/0") {
          hit.insert(kIpZero);
          rewritten.push_back("0.0.0.0/1");
          rewritten.push_back("128.0.0.0/1");
        } else {
          rewritten.push_back(block_text);
        }
      }
      if (!absent && value->is_string()) {
        const bool v6 = value->get<std::string>().find(':') != std::string::npos;
        std::vector<std::string> same;
        for (const auto& block_text : rewritten) {
          if ((block_text.find(':') != std::string::npos) == v6) same.push_back(block_text);
        }
        if (same.size() != rewritten.size()) hit.insert(kIpFamily);
        if (same.empty()) {
          const json constant = constantCondition(negated);
          add("Null", constant.begin().key(), constant.begin().value());
          continue;
        }
        rewritten = same;
      }
      add(op, key, rewritten);
    }
  }
  return out;
}

/// Rewrites every Condition of `policies` for the oracle (oracleBlock).
void rewriteConditions(json& node, const json& context, std::set<std::string>& hit) {
  if (node.is_array()) {
    for (auto& item : node) rewriteConditions(item, context, hit);
  } else if (node.is_object()) {
    if (node.contains("Effect") && node.contains("Condition")) {
      node["Condition"] = oracleBlock(node["Condition"], context, hit);
      return;
    }
    for (auto& [unused, value] : node.items()) rewriteConditions(value, context, hit);
  }
}

/// Applies the rewrites to a generated case.
void applyKnownDifferences(Case& c) {
  std::set<std::string> hit;
  json policies = c.oracle_policies.is_null() ? c.policies : c.oracle_policies;
  rewriteConditions(policies, c.request["context"], hit);
  json request = c.request;
  // A multivalued key with no values is absent for vpcsim (docs/policies.md,
  // "Conditions"; IAM User Guide, "Set operators for multivalued context
  // keys": a key that "resolves to a null dataset" counts as missing); the
  // oracle treats it as present. It gets the key left out.
  json context = json::object();
  for (const auto& [key, value] : request["context"].items()) {
    if (value.is_array() && value.empty()) {
      hit.insert(kEmptyList);
    } else {
      context[key] = value;
    }
  }
  request["context"] = context;
  if (hit.empty()) return;
  c.oracle_policies = policies;
  c.oracle_request = request;
  c.differences.insert(c.differences.end(), hit.begin(), hit.end());
}

Case generate(Draw& draw, std::size_t id) {
  Case c;
  c.id = id;
  const ActionResource& pick = draw.among(actionPool());
  const bool cross_account = draw.chance(25);
  const std::string account = cross_account ? kOtherAccount : kAccount;
  const std::string action = draw.chance(30) ? mixCase(draw, pick.action) : pick.action;
  const std::string resource = withAccount(pick.resource, account);

  // The request context: each key absent or with values.
  json context = json::object();
  for (const KeySpec& key : keyPool()) {
    if (draw.chance(40)) continue;
    if (key.type == KeyType::kMultiString) {
      std::vector<std::string> values;
      for (const auto& value : key.request_values) {
        if (draw.chance(50)) values.push_back(value);
      }
      context[key.name] = values;
    } else {
      context[key.name] = draw.among(key.request_values);
    }
  }
  c.request = {{"principal", kCaller},       {"action", action},    {"resource", resource},
               {"resourceAccount", account}, {"context", context}};

  json endpoint_as_applied;  // the endpoint policy for the oracle, when it differs
  const StatementShape identity_shape{};
  if (draw.chance(80)) {
    json docs = json::array();
    for (std::size_t i = 0, n = 1 + draw.below(2); i < n; ++i) {
      docs.push_back(documentOf(statements(draw, identity_shape, pick.action, resource, 3)));
    }
    c.policies["identity"] = docs;
  }
  if (draw.chance(35)) {
    const StatementShape shape{70, true, false, true};
    c.policies["resource"] = documentOf(statements(draw, shape, pick.action, resource, 3));
  }
  if (draw.chance(30)) {
    const StatementShape shape{75, true, false, true};
    const auto endpoint = statements(draw, shape, pick.action, resource, 3);
    c.policies["endpoint"] = documentOf(endpoint);
    const bool named = std::any_of(endpoint.begin(), endpoint.end(),
                                   [](const Statement& s) { return s.body["Principal"] != "*"; });
    if (named) {
      endpoint_as_applied = endpointAsApplied(endpoint);
      c.differences.push_back(kEndpointPrincipal);
    }
  }
  if (draw.chance(25)) {
    json levels = json::array();
    for (std::size_t level = 0, n = 1 + draw.below(2); level < n; ++level) {
      json docs = json::array();
      if (draw.chance(75)) docs.push_back(fullAccess(false));
      if (docs.empty() || draw.chance(50)) {
        const StatementShape shape{40, false, false, true};
        docs.push_back(documentOf(statements(draw, shape, pick.action, resource, 2)));
      }
      levels.push_back(docs);
    }
    c.policies["scp"] = levels;
  }
  if (pick.rcp_service && draw.chance(20)) {
    // Customer RCPs deny; RCPFullAWSAccess is always attached (the oracle
    // adds it itself; vpcsim is given it, see vpcsimDecision).
    const StatementShape shape{0, true, true, true, true};
    c.policies["rcp"] = json::array({documentOf(statements(draw, shape, pick.action, resource, 2))});
  }
  if (draw.chance(20)) {
    c.policies["boundary"] = json::array({documentOf(statements(draw, identity_shape, pick.action, resource, 2))});
  }
  if (!endpoint_as_applied.is_null()) {
    c.oracle_policies = c.policies;
    c.oracle_policies["endpoint"] = endpoint_as_applied;
  }
  applyKnownDifferences(c);
  return c;
}

// ---------------------------------------------------------------------------
// vpcsim's answer

std::string decisionName(Decision decision) {
  switch (decision) {
    case Decision::kAllow: return "Allowed";
    case Decision::kExplicitDeny: return "ExplicitlyDenied";
    case Decision::kImplicitDeny: return "ImplicitlyDenied";
    case Decision::kUndetermined: return "Undetermined";
  }
  return "?";
}

/// Parses one document with vpcsim's own parser; a failure is a generator bug.
PolicyDocument parse(const json& document, const std::string& name, std::vector<std::string>& problems) {
  std::vector<vpcsim::topology::Diagnostic> errors;
  auto parsed = vpcsim::formats::parsePolicyText(document.dump(), name, name, errors);
  for (const auto& error : errors) problems.push_back(error.str());
  return parsed ? *parsed : PolicyDocument{};
}

/// vpcsim's decision for the case; `why` receives the deciding statements.
std::string vpcsimDecision(const Case& c, std::vector<std::string>& problems, std::string& why) {
  // Own the documents for the lifetime of the pointers in PolicySet.
  std::vector<std::vector<PolicyDocument>> owned;
  const auto documents = [&](const json& list, const std::string& name) {
    owned.emplace_back();
    for (const auto& doc : list) owned.back().push_back(parse(doc, name, problems));
    std::vector<const PolicyDocument*> pointers;
    for (const auto& doc : owned.back()) pointers.push_back(&doc);
    return pointers;
  };
  owned.reserve(16);
  const json& p = c.policies;
  PolicySet set;
  if (p.contains("identity")) set.identity = documents(p["identity"], "identity");
  if (p.contains("resource")) set.resource = documents(json::array({p["resource"]}), "resource");
  if (p.contains("endpoint")) set.endpoint = documents(json::array({p["endpoint"]}), "endpoint").front();
  if (p.contains("scp")) {
    set.service_control.emplace();
    for (const auto& level : p["scp"]) set.service_control->push_back(documents(level, "scp"));
  }
  if (p.contains("rcp")) {
    // RCPFullAWSAccess is attached at every level and cannot be detached
    // (Organizations User Guide, "Resource control policies"); the oracle's
    // API adds it by itself.
    json with_default = p["rcp"];
    with_default.push_back(fullAccess(true));
    set.resource_control = documents(with_default, "rcp");
  }
  if (p.contains("boundary")) set.boundary = documents(p["boundary"], "boundary");

  const json& r = c.request;
  Request request;
  request.action = r["action"];
  request.resource = r["resource"];
  request.principal_arn = r["principal"];
  request.principal_account = kAccount;
  set.cross_account = r["resourceAccount"] != kAccount;
  for (const auto& [key, value] : r["context"].items()) {
    if (value.is_array()) request.context.setMulti(key, value.get<std::vector<std::string>>());
    else request.context.set(key, value.get<std::string>());
  }
  const AccessDecision decision = decide(set, request);
  why = std::string(denyCodeName(decision.code));
  for (const auto& statement : decision.statements) why += " " + statement.statement->origin;
  return decisionName(decision.decision);
}

// ---------------------------------------------------------------------------
// The oracle

std::string shellQuote(const std::string& text) {
  std::string out = "'";
  for (const char ch : text) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string commandOutput(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  pclose(pipe);
  return out;
}

/// Why the oracle cannot run here, or empty when it can.
std::string oracleMissing(const std::string& root, std::string& node) {
  node = commandOutput("command -v node 2>/dev/null");
  while (!node.empty() && (node.back() == '\n' || node.back() == '\r')) node.pop_back();
  if (node.empty()) return "node is not installed";
  std::ifstream package(root + "/tests/oracle/node_modules/@cloud-copilot/iam-simulate/package.json");
  if (!package.good()) return "tests/oracle/node_modules is not installed";
  return {};
}

/// One case as the oracle reads it (tests/oracle/iam_oracle.mjs).
json oracleInput(const Case& c) {
  return {{"id", c.id},
          {"policies", c.oracle_policies.is_null() ? c.policies : c.oracle_policies},
          {"request", c.oracle_request.is_null() ? c.request : c.oracle_request}};
}

/// Runs the oracle once over every case: id -> decision (or "error: ...").
std::map<std::size_t, std::string> runOracle(const std::string& node, const std::string& root,
                                             const std::vector<Case>& cases) {
  const char* tmp = std::getenv("TMPDIR");
  std::string input = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/vpcsim-oracle-XXXXXX";
  const int fd = mkstemp(input.data());
  REQUIRE(fd >= 0);
  {
    std::ofstream out(input);
    for (const auto& c : cases) out << oracleInput(c).dump() << '\n';
  }
  close(fd);
  const std::string output =
      commandOutput(shellQuote(node) + " " + shellQuote(root + "/tests/oracle/iam_oracle.mjs") + " < " + shellQuote(input));
  std::remove(input.c_str());
  std::map<std::size_t, std::string> answers;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    const json answer = json::parse(line, nullptr, false);
    if (answer.is_discarded() || !answer.contains("id") || !answer["id"].is_number()) continue;
    const auto id = answer["id"].get<std::size_t>();
    answers[id] = answer.contains("decision") ? answer["decision"].get<std::string>()
                                              : "error: " + answer.value("error", std::string("?"));
  }
  return answers;
}

std::size_t fromEnv(const char* name, std::size_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  return static_cast<std::size_t>(std::strtoull(text, nullptr, 10));
}

}  // namespace

TEST_CASE("IAM decisions agree with the iam-simulate oracle", "[oracle][policy]") {
  const std::string root = VPCSIM_SOURCE_DIR;
  std::string node;
  const std::string missing = oracleMissing(root, node);
  if (!missing.empty()) {
    const char* required = std::getenv("VPCSIM_ORACLE_REQUIRED");
    if (required != nullptr && std::string(required) == "1") {
      FAIL("the IAM oracle cannot run: " << missing << "; run scripts/install-deps.sh");
    }
    WARN("[oracle] skipped: " << missing << " (run scripts/install-deps.sh; VPCSIM_ORACLE_REQUIRED=1 makes this fail)");
    return;
  }

#if defined(__SANITIZE_ADDRESS__)
  constexpr std::size_t kDefaultCases = 300;  // the same code paths, at ASan's pace
#else
  constexpr std::size_t kDefaultCases = 2000;
#endif
  const std::size_t count = fromEnv("VPCSIM_ORACLE_CASES", kDefaultCases);
  const uint64_t seed = fromEnv("VPCSIM_ORACLE_SEED", 20261101);
  Draw draw(seed);
  std::vector<Case> cases;
  for (std::size_t i = 0; i < count; ++i) cases.push_back(generate(draw, i));

  const auto answers = runOracle(node, root, cases);
  REQUIRE(answers.size() == cases.size());

  std::map<std::string, std::size_t> outcomes;
  std::map<std::string, std::size_t> differences;
  std::size_t disagreements = 0;
  // VPCSIM_ORACLE_DUMP=FILE writes every disagreeing case there, one JSON
  // line each, in the oracle's input format (to replay with iam_oracle.mjs).
  const char* dump_path = std::getenv("VPCSIM_ORACLE_DUMP");
  std::ofstream dump;
  if (dump_path != nullptr && *dump_path != '\0') dump.open(dump_path);
  for (const auto& c : cases) {
    std::vector<std::string> problems;
    std::string why;
    const std::string ours = vpcsimDecision(c, problems, why);
    for (const auto& problem : problems) FAIL_CHECK("case " << c.id << ": vpcsim rejects a generated policy: " << problem);
    const std::string& theirs = answers.at(c.id);
    ++outcomes[ours];
    for (const auto& difference : c.differences) ++differences[difference];
    if (ours == theirs) continue;
    ++disagreements;
    // What the oracle got (a line iam_oracle.mjs reads as it is), and what
    // vpcsim got when a known difference made them differ.
    json shown = oracleInput(c);
    if (!c.differences.empty()) {
      shown["vpcsim_input"] = {{"policies", c.policies}, {"request", c.request}};
      shown["known_differences"] = c.differences;
    }
    if (dump.is_open()) {
      shown["vpcsim"] = ours;
      shown["oracle"] = theirs;
      shown["vpcsim_why"] = why;
      dump << shown.dump() << '\n';
    }
    if (disagreements <= 10) {
      FAIL_CHECK("seed " << seed << " case " << c.id << ": vpcsim " << ours << ", iam-simulate " << theirs
                         << "\n" << shown.dump());
    }
  }
  std::ostringstream summary;
  summary << "[oracle] seed " << seed << ": " << cases.size() << " cases, " << disagreements << " disagreements;";
  for (const auto& [outcome, n] : outcomes) summary << " " << outcome << " " << n;
  for (const auto& [difference, n] : differences) summary << "; known difference '" << difference << "': " << n;
  INFO(summary.str());
  CHECK(disagreements == 0);
  // The cases must exercise every outcome, or agreement proves little.
  if (count >= 200) {
    CHECK(outcomes["Allowed"] > count / 20);
    CHECK(outcomes["ExplicitlyDenied"] > count / 20);
    CHECK(outcomes["ImplicitlyDenied"] > count / 20);
  }
}

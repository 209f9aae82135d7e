// The one parser of IAM policy documents, whatever format carries them:
// describe-vpc-endpoints and get-account-authorization-details (JSON text or
// objects), CloudFormation and the native YAML (converted to JSON first).
// IAM User Guide, "IAM JSON policy element reference" and "IAM JSON policy
// grammar".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/yaml_fields.h"
#include "topology/iam.h"
#include "topology/result.h"

namespace vpcsim::formats {

/// Parses `document` into typed statements. `origin` is where the document
/// is written ("Vpce.json:/VpcEndpoints/0/PolicyDocument", "stack.yaml:40:9");
/// a problem inside it is placed at `origin` followed by the element's JSON
/// pointer ("...PolicyDocument/Statement/1/Effect", "stack.yaml:40:9
/// /Statement/1/Effect"). Errors (nullopt): not an object, no Statement, an
/// Effect other than Allow/Deny, both or neither of Action/NotAction (and of
/// Resource/NotResource, Principal/NotPrincipal), an unknown element or
/// condition operator, a value of the wrong JSON type. Statement may be one
/// object or a list; Action, Resource and condition values a string or a list.
std::optional<topology::PolicyDocument> parsePolicyDocument(const nlohmann::json& document, std::string name,
                                                            const std::string& origin,
                                                            std::vector<topology::Diagnostic>& errors);

/// The same from JSON text: describe-vpc-endpoints prints PolicyDocument as a
/// string, and IAM's API returns documents URL-encoded (RFC 3986; decoded
/// when the text starts with "%7B"). Invalid JSON is an error at `origin`.
std::optional<topology::PolicyDocument> parsePolicyText(std::string_view text, std::string name,
                                                        const std::string& origin,
                                                        std::vector<topology::Diagnostic>& errors);

/// A policy written in a YAML file (native topology, scenario): a mapping,
/// or JSON text in a scalar. Problems are recorded in `yaml` at the value
/// (nullopt then). `text`, when given, receives the document as compact JSON.
std::optional<topology::PolicyDocument> parsePolicyYaml(const YAML::Node& value, std::string name, YamlReader& yaml,
                                                        std::string* text = nullptr);

}  // namespace vpcsim::formats

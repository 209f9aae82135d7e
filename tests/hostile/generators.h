// Small generators of the hostile inputs: every file is written at test time, so the repository stays small.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace vpcsim::hostile {

namespace fs = std::filesystem;

/// `count` copies of `text`.
std::string repeat(const std::string& text, size_t count);

/// A JSON string literal holding `raw` bytes as they are (quotes and
/// backslashes escaped, nothing else: invalid UTF-8 stays invalid).
std::string jsonRaw(const std::string& raw);

/// The folder a case writes its inputs into (emptied first), with helpers
/// that return the absolute path of what they create.
class Workspace {
 public:
  explicit Workspace(const std::string& case_name);
  [[nodiscard]] const fs::path& root() const { return root_; }
  std::string path(const std::string& name) const;
  std::string write(const std::string& name, const std::string& content) const;
  std::string folder(const std::string& name) const;
  std::string fifo(const std::string& name) const;

 private:
  fs::path root_;
};

/// A native topology (docs/topology-format.md): one VPC `vpc-1` named by
/// the YAML scalar `vpc_name`, public subnet `subnet-a` (10.0.1.0/24) named
/// `subnet_name`, `igw-1`, route table `rtb-1` (routes: `routes`, a YAML
/// flow sequence body), `sg-1` with ingress `ingress` (YAML block sequence
/// items, 6-space indent) and `eni-1` at 10.0.1.10 / 54.10.10.10.
struct NativeParts {
  std::string vpc_name = "lab";
  std::string subnet_name = "public-a";
  std::string routes = "{dest: 0.0.0.0/0, target: igw-1}";
  std::string ingress = "      - {protocol: tcp, ports: 22, cidr: 0.0.0.0/0}\n";
  std::string extra;  ///< appended top-level YAML
};
std::string nativeTopology(const NativeParts& parts = {});

/// A snapshot folder of describe-* JSON with the same network as
/// nativeTopology(); each part is raw JSON spliced in as written.
struct SnapshotParts {
  std::string vpc_name = "\"lab\"";  ///< JSON value of the VPC's Name tag
  std::string vpc_id = "\"vpc-1\"";
  std::string vpc_cidr = "\"10.0.0.0/16\"";
  std::string subnets = R"({"SubnetId":"subnet-a","VpcId":"vpc-1","CidrBlock":"10.0.1.0/24","AvailabilityZone":"us-east-1a","State":"available","MapPublicIpOnLaunch":true})";
  std::string extra_routes;  ///< JSON objects after the local and default routes, comma-led
  std::string ingress = R"({"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]})";
  std::string eni_ip = "\"10.0.1.10\"";
};
/// Writes the snapshot into `ws/name/` and returns that folder.
std::string writeSnapshot(const Workspace& ws, const std::string& name, const SnapshotParts& parts = {});

/// A CloudFormation template with a Number parameter `Size` (default
/// `size_default`, as YAML text) and a String parameter `Label` (default
/// `label_default`, constraint lines `label_constraints`), a VPC tagged with
/// both and a subnet; `extra_resources` is appended under Resources.
struct TemplateParts {
  std::string size_default = "2";
  std::string label_default = "lab";
  std::string label_constraints;
  std::string extra_resources;
  std::string extra;  ///< appended top-level YAML
};
std::string cfnTemplate(const TemplateParts& parts = {});

/// A scenario over `topology` (a file name in the same folder) with one
/// reach check named by the YAML scalar `check_name`, `from` and `to`.
std::string scenarioFile(const std::string& topology, const std::string& check_name = "ssh in",
                         const std::string& from = "internet", const std::string& to = "eni-1",
                         const std::string& extra = "");

/// A capacity plan: `horizon` months (YAML text), `trials`, one consumer
/// count series `count` (YAML text), `extra` top-level YAML.
std::string capacityPlan(const std::string& horizon = "12", const std::string& trials = "0",
                         const std::string& count = "5", const std::string& extra = "");

/// A YAML "billion laughs" document: `levels` anchors, each a list of
/// `width` aliases of the previous one, under `key`.
std::string aliasBomb(const std::string& key, int levels, int width);

}  // namespace vpcsim::hostile

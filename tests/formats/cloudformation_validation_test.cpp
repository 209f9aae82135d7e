// CloudFormation templates AWS would refuse: dependency cycles, rule values
// out of range and more resources than the documented limit (issue 17).
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "formats/cloudformation.h"
#include "topology/limits.h"
#include "tests/support/text_input.h"

namespace vpcsim::formats {
namespace {

namespace fs = std::filesystem;

/// Loads `text` as the template t.yaml; the diagnostics' texts, or "ok".
std::vector<std::string> loadTemplateText(const std::string& text) {
  return testing::diagnosticsOfText("t.yaml", text, [](const fs::path&, const fs::path& file, auto& errors) {
    topology::Topology topo;
    return loadStacks({StackSpec{file, "t", {}}}, LoadOptions{}, topo, errors);
  });
}

constexpr const char* kHead = R"(Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
)";

std::string ingress(const std::string& rule) {
  return std::string(kHead) + R"(  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - )" + rule + "\n";
}

std::string aclEntry(const std::string& fields) {
  return std::string(kHead) + R"(  Acl:
    Type: AWS::EC2::NetworkAcl
    Properties:
      VpcId: !Ref Vpc
  Entry:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 100
      RuleAction: allow
      CidrBlock: 0.0.0.0/0
      )" + fields + "\n";
}

TEST_CASE("template rule values AWS refuses are located errors", "[cloudformation][validation]") {
  auto [text, expected] = GENERATE_COPY(table<std::string, std::vector<std::string>>({
      {ingress("{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8}"), {"ok"}},
      {ingress("{IpProtocol: tcp, FromPort: -1, ToPort: -1, CidrIp: 10.0.0.0/8}"), {"ok"}},
      {ingress("{IpProtocol: tcp, FromPort: 443, ToPort: 80, CidrIp: 10.0.0.0/8}"),
       {"t.yaml:12:39: error: Sg.SecurityGroupIngress.FromPort: port range 443-80 is reversed (the first port is "
        "above the last)"}},
      {ingress("{IpProtocol: icmp, FromPort: 999, ToPort: -1, CidrIp: 10.0.0.0/8}"),
       {"t.yaml:12:40: error: Sg.SecurityGroupIngress.FromPort: ICMP type 999 is out of range (-1-255)"}},
      {ingress("{IpProtocol: icmp, FromPort: -1, ToPort: 3, CidrIp: 10.0.0.0/8}"),
       {"t.yaml:12:52: error: Sg.SecurityGroupIngress.ToPort: ICMP code 3 with every ICMP type (-1): every type "
        "takes every code (-1)"}},
      {aclEntry("Protocol: 6\n      PortRange: {From: 80, To: 70000}"),
       {"t.yaml:18:33: error: Entry.PortRange.To: port 70000 is out of range (0-65535)"}},
      {aclEntry("Protocol: 6\n      PortRange: {From: 90, To: 80}"),
       {"t.yaml:18:25: error: Entry.PortRange.From: port range 90-80 is reversed (the first port is above the last)"}},
      {aclEntry("Protocol: 1\n      Icmp: {Type: 999, Code: -1}"),
       {"t.yaml:18:20: error: Entry.Icmp.Type: ICMP type 999 is out of range (-1-255)"}},
  }));
  CAPTURE(text);
  CHECK(loadTemplateText(text) == expected);
}

TEST_CASE("resources that depend on each other in a circle are an error naming the circle",
          "[cloudformation][validation]") {
  auto [text, expected] = GENERATE_COPY(table<std::string, std::vector<std::string>>({
      {std::string(kHead) + R"(  A:
    Type: AWS::EC2::SecurityGroup
    DependsOn: B
    Properties: {GroupDescription: a, VpcId: !Ref Vpc}
  B:
    Type: AWS::EC2::SecurityGroup
    DependsOn: [Vpc, A]
    Properties: {GroupDescription: b, VpcId: !Ref Vpc}
)",
       {"t.yaml:6:3: error: circular dependency between resources: A -> B -> A"}},
      {std::string(kHead) + R"(  A:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "for ${C.GroupId}"
      VpcId: !Ref Vpc
  B:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: b
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 1, ToPort: 1, SourceSecurityGroupId: !Ref A}]
  C:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub ["${X} ${!B}", {X: !GetAtt B.GroupId}]
      VpcId: !Ref Vpc
)",
       {"t.yaml:6:3: error: circular dependency between resources: A -> C -> B -> A"}},
      {std::string(kHead) + R"(  A:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub ["${B} ${!A}", {B: literal}]
      VpcId: !Ref Vpc
  B:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "${AWS::StackName}"
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 1, ToPort: 1, SourceSecurityGroupId: !Ref A}]
)",
       {"ok"}},
  }));
  CAPTURE(text);
  CHECK(loadTemplateText(text) == expected);
}

TEST_CASE("a template with more resources than the limit is too large", "[cloudformation][validation]") {
  std::string text = "Resources:\n";
  for (std::size_t i = 0; i <= topology::limits::kResourcesPerTemplate; ++i) {
    text += fmt::format("  R{}:\n    Type: AWS::SNS::Topic\n", i);
  }
  CHECK(loadTemplateText(text) ==
        std::vector<std::string>{fmt::format("t.yaml:2:3: error: too large: the template has {} resources (the limit "
                                             "is {}; CloudFormation allows 500)",
                                             topology::limits::kResourcesPerTemplate + 1,
                                             topology::limits::kResourcesPerTemplate)});
}

}  // namespace
}  // namespace vpcsim::formats

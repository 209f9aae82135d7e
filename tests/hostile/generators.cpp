// Generators for the hostile-input suite (see generators.h).
#include "generators.h"

#include <sys/stat.h>

#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace vpcsim::hostile {

std::string repeat(const std::string& text, size_t count) {
  std::string out;
  out.reserve(text.size() * count);
  for (size_t i = 0; i < count; ++i) out += text;
  return out;
}

std::string jsonRaw(const std::string& raw) {
  std::string out = "\"";
  for (char c : raw) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

Workspace::Workspace(const std::string& case_name)
    : root_(fs::temp_directory_path() / ("vpcsim_hostile_" + std::to_string(::getpid())) / case_name) {
  std::error_code ignored;
  fs::remove_all(root_, ignored);
  fs::create_directories(root_);
}

std::string Workspace::path(const std::string& name) const { return (root_ / name).string(); }

std::string Workspace::write(const std::string& name, const std::string& content) const {
  fs::path target = root_ / name;
  fs::create_directories(target.parent_path());
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out.good()) throw std::runtime_error("cannot write " + target.string());
  return target.string();
}

std::string Workspace::folder(const std::string& name) const {
  fs::create_directories(root_ / name);
  return path(name);
}

std::string Workspace::fifo(const std::string& name) const {
  fs::path target = root_ / name;
  fs::create_directories(target.parent_path());
  if (mkfifo(target.c_str(), 0600) != 0) throw std::runtime_error("mkfifo failed: " + target.string());
  return target.string();
}

std::string nativeTopology(const NativeParts& parts) {
  return "region: us-east-1\n"
         "account: \"123456789012\"\n"
         "vpcs:\n"
         "  - {id: vpc-1, name: " + parts.vpc_name + ", cidr: 10.0.0.0/16}\n"
         "subnets:\n"
         "  - {id: subnet-a, vpc: vpc-1, az: us-east-1a, cidr: 10.0.1.0/24, public_ip_on_launch: true, name: " +
         parts.subnet_name + "}\n"
         "internet_gateways:\n"
         "  - {id: igw-1, vpc: vpc-1}\n"
         "route_tables:\n"
         "  - {id: rtb-1, vpc: vpc-1, subnets: [subnet-a], routes: [" + parts.routes + "]}\n"
         "security_groups:\n"
         "  - id: sg-1\n"
         "    vpc: vpc-1\n"
         "    ingress:\n" + parts.ingress +
         "enis:\n"
         "  - {id: eni-1, subnet: subnet-a, ips: [10.0.1.10], public_ip: 54.10.10.10, security_groups: [sg-1]}\n" +
         parts.extra;
}

std::string writeSnapshot(const Workspace& ws, const std::string& name, const SnapshotParts& parts) {
  ws.write(name + "/Vpcs.json", R"({"Vpcs":[{"VpcId":)" + parts.vpc_id + R"(,"CidrBlock":)" + parts.vpc_cidr +
                                    R"(,"State":"available","OwnerId":"123456789012","Tags":[{"Key":"Name","Value":)" +
                                    parts.vpc_name + "}]}]}\n");
  ws.write(name + "/Subnets.json", R"({"Subnets":[)" + parts.subnets + "]}\n");
  ws.write(name + "/InternetGateways.json",
           R"({"InternetGateways":[{"InternetGatewayId":"igw-1","Attachments":[{"VpcId":"vpc-1","State":"available"}]}]})"
           "\n");
  ws.write(name + "/RouteTables.json",
           R"({"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true,"RouteTableId":"rtb-1"}],)"
           R"("Routes":[{"DestinationCidrBlock":"10.0.0.0/16","GatewayId":"local","State":"active"},)"
           R"({"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1","State":"active"})" +
               parts.extra_routes + "]}]}\n");
  ws.write(name + "/SecurityGroups.json",
           R"({"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[)" + parts.ingress +
               R"(],"IpPermissionsEgress":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}]})" "\n");
  ws.write(name + "/NetworkInterfaces.json",
           R"({"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","SubnetId":"subnet-a","VpcId":"vpc-1","PrivateIpAddress":)" +
               parts.eni_ip + R"(,"PrivateIpAddresses":[{"PrivateIpAddress":)" + parts.eni_ip +
               R"(,"Primary":true,"Association":{"PublicIp":"54.10.10.10"}}],"Groups":[{"GroupId":"sg-1","GroupName":"web"}],)"
               R"("Status":"in-use","InterfaceType":"interface"}]})" "\n");
  return ws.path(name);
}

std::string cfnTemplate(const TemplateParts& parts) {
  return "AWSTemplateFormatVersion: \"2010-09-09\"\n"
         "Parameters:\n"
         "  Size:\n"
         "    Type: Number\n"
         "    Default: " + parts.size_default + "\n"
         "  Label:\n"
         "    Type: String\n"
         "    Default: " + parts.label_default + "\n" + parts.label_constraints +
         "Resources:\n"
         "  Vpc:\n"
         "    Type: AWS::EC2::VPC\n"
         "    Properties:\n"
         "      CidrBlock: 10.0.0.0/16\n"
         "      Tags: [{Key: Name, Value: !Ref Label}, {Key: Size, Value: !Ref Size}]\n"
         "  Subnet:\n"
         "    Type: AWS::EC2::Subnet\n"
         "    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a}\n" +
         parts.extra_resources + parts.extra;
}

std::string scenarioFile(const std::string& topology, const std::string& check_name, const std::string& from,
                         const std::string& to, const std::string& extra) {
  return "name: hostile\n"
         "inputs:\n"
         "  topologies: [" + topology + "]\n"
         "checks:\n"
         "  - name: " + check_name + "\n"
         "    reach: {from: " + from + ", to: " + to + ", protocol: tcp, port: 22}\n"
         "    expect: reachable\n" + extra;
}

std::string capacityPlan(const std::string& horizon, const std::string& trials, const std::string& count,
                         const std::string& extra) {
  return "horizon_months: " + horizon + "\n"
         "trials: " + trials + "\n"
         "seed: 1\n"
         "consumers:\n"
         "  - {kind: custom, name: pods, addresses: 1, count: " + count + "}\n" + extra;
}

std::string aliasBomb(const std::string& key, int levels, int width) {
  std::string out = key + ":\n  l0: &l0 [lol]\n";
  for (int level = 1; level < levels; ++level) {
    std::string name = "l";
    name += std::to_string(level);
    std::string previous = "*l";
    previous += std::to_string(level - 1);
    out += "  ";
    out += name;
    out += ": &";
    out += name;
    out += " [";
    for (int i = 0; i < width; ++i) {
      if (i > 0) out += ", ";
      out += previous;
    }
    out += "]\n";
  }
  return out;
}

}  // namespace vpcsim::hostile

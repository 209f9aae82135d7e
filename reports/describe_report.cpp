// Inventory of a loaded topology: what was modelled and what was ignored.
#include "reports/describe_report.h"

#include <map>

#include <nlohmann/json.hpp>
#include <fmt/format.h>

#include "sim/estate.h"
#include "reports/json_document.h"
#include "topology/safe_text.h"

namespace vpcsim::reports {

using namespace topology;  // escapeText, the model

namespace {

std::vector<std::pair<std::string, size_t>> counts(const Topology& t) {
  return {{"vpcs", t.vpcs.size()},
          {"subnets", t.subnets.size()},
          {"route tables", t.route_tables.size()},
          {"security groups", t.security_groups.size()},
          {"network ACLs", t.network_acls.size()},
          {"internet gateways", t.internet_gateways.size()},
          {"NAT gateways", t.nat_gateways.size()},
          {"VPC endpoints", t.vpc_endpoints.size()},
          {"network interfaces", t.enis.size()},
          {"instances", t.instances.size()},
          {"prefix lists", t.prefix_lists.size()},
          {"peering connections", t.peering_connections.size()},
          {"transit gateways", t.transit_gateways.size()},
          {"transit gateway attachments", t.tgw_attachments.size()},
          {"transit gateway route tables", t.tgw_route_tables.size()},
          {"VPN gateways", t.vpn_gateways.size()},
          {"VPN connections", t.vpn_connections.size()},
          {"studio domains", t.studio_domains.size()},
          {"user profiles", t.user_profiles.size()},
          {"jobs", t.jobs.size()}};
}

std::string cidrList(const std::vector<Cidr>& cidrs) {
  std::string out;
  for (const auto& cidr : cidrs) out += (out.empty() ? "" : ", ") + cidr.str();
  return out;
}

}  // namespace

std::string describeText(const Topology& t) {
  std::string out = "loaded:\n";
  for (const auto& [what, n] : counts(t)) {
    if (n != 0) out += fmt::format("  {:>6}  {}\n", n, what);
  }
  std::map<std::string, size_t> enis_per_subnet;
  for (const auto& eni : t.enis) ++enis_per_subnet[eni.subnet_id];
  for (const auto& vpc : t.vpcs) {
    out += fmt::format("\n{}  {}  {}{}\n", escapeText(displayName(vpc.meta)), cidrList(vpc.cidrs),
                       escapeText(vpc.meta.region.empty() ? t.default_region : vpc.meta.region),
                       vpc.disassociated_cidrs.empty() ? ""
                                                       : "  (disassociated: " + cidrList(vpc.disassociated_cidrs) + ")");
    for (const auto& subnet : t.subnets) {
      if (subnet.vpc_id != vpc.meta.id) continue;
      auto found = enis_per_subnet.find(subnet.meta.id);
      size_t enis = found == enis_per_subnet.end() ? 0 : found->second;
      out += fmt::format("  {}  {}  {}  {} interfaces{}\n", escapeText(displayName(subnet.meta)), subnet.cidr.str(),
                         escapeText(subnet.availability_zone), enis, subnet.map_public_ip_on_launch ? "  public-ip-on-launch" : "");
    }
  }
  // Estates: what peerings and attachments join (sim/estate.h), numbered from 1.
  sim::Estates estates = sim::findEstates(t);
  if (!estates.list.empty()) {
    out += fmt::format("\nestates: {}\n", estates.list.size());
    for (size_t i = 0; i < estates.list.size(); ++i) {
      std::string members;
      for (const auto& id : estates.list[i].members) members += (members.empty() ? "" : ", ") + escapeText(id);
      out += fmt::format("  {}  {}\n", i + 1, members);
    }
  }
  if (!t.ignored.empty()) {
    out += "\nignored:\n";
    for (const auto& item : t.ignored) {
      out += fmt::format("  {}: {}: {}\n", escapeText(item.location), escapeText(item.what), escapeText(item.reason));
    }
  }
  return out;
}

std::string describeJson(const Topology& t) {
  nlohmann::ordered_json root;
  nlohmann::ordered_json loaded;
  for (const auto& [what, n] : counts(t)) loaded[what] = n;
  root["loaded"] = loaded;
  root["vpcs"] = nlohmann::ordered_json::array();
  for (const auto& vpc : t.vpcs) {
    nlohmann::ordered_json item;
    item["id"] = vpc.meta.id;
    item["name"] = vpc.meta.name;
    item["cidrs"] = nlohmann::ordered_json::array();
    for (const auto& cidr : vpc.cidrs) item["cidrs"].push_back(cidr.str());
    item["subnets"] = nlohmann::ordered_json::array();
    for (const auto& subnet : t.subnets) {
      if (subnet.vpc_id == vpc.meta.id) item["subnets"].push_back(subnet.meta.id);
    }
    root["vpcs"].push_back(item);
  }
  root["estates"] = nlohmann::ordered_json::array();
  for (const auto& estate : sim::findEstates(t).list) {
    nlohmann::ordered_json item;
    item["members"] = estate.members;
    root["estates"].push_back(item);
  }
  root["ignored"] = nlohmann::ordered_json::array();
  for (const auto& item : t.ignored) {
    root["ignored"].push_back({{"location", item.location}, {"what", item.what}, {"reason", item.reason}});
  }
  return jsonDocument(root);
}

}  // namespace vpcsim::reports

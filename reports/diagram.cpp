#include "reports/diagram.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <graphviz/gvc.h>
#include <graphviz/gvplugin.h>

#include "sim/estate.h"
#include "sim/rules.h"
#include "topology/safe_text.h"

// Graphviz's dot layout and core (SVG) renderers, linked in rather than
// loaded by name: no plugin configuration file is read, and the text
// renderer that measures with the machine's fonts (pango) is never used.
extern "C" {
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;  // NOLINT(readability-identifier-naming)
extern gvplugin_library_t gvplugin_core_LTX_library;        // NOLINT(readability-identifier-naming)
}

namespace vpcsim::reports {
namespace {

using topology::ResourceMeta;
using topology::Topology;

/// Input text made printable (topology::escapeText: control characters and
/// bytes that are not UTF-8 shown as escapes; idempotent).
std::string safe(std::string_view text) { return topology::escapeText(text); }

/// A DOT double-quoted string: each line made printable, quotes and
/// backslashes escaped (so "\N" or "\l" in a tag value stays text), line
/// breaks as DOT's "\n".
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (start > 0) out += "\\n";
    for (char c : safe(text.substr(start, end - start))) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    start = end + 1;
  }
  return out + "\"";
}

/// The SVG element id of a resource's node.
std::string nodeId(std::string_view id) { return quoted(fmt::format("n-{}", id)); }

/// "id (Name)" or "id", printable.
std::string title(const ResourceMeta& meta) { return safe(topology::displayName(meta)); }

/// The subnet's explicit route table, else its VPC's main one.
const topology::RouteTable* diagramRouteTable(const Topology& t, const topology::Subnet& subnet) {
  const topology::RouteTable* main = nullptr;
  for (const auto& table : t.route_tables) {
    for (const auto& id : table.subnet_ids) {
      if (id == subnet.meta.id) return &table;
    }
    if (table.main && table.vpc_id == subnet.vpc_id && main == nullptr) main = &table;
  }
  return main;
}

/// The network ACL associated with the subnet (the last association the input lists).
const topology::NetworkAcl* diagramAcl(const Topology& t, const topology::Subnet& subnet) {
  const topology::NetworkAcl* acl = nullptr;
  for (const auto& candidate : t.network_acls) {
    for (const auto& id : candidate.subnet_ids) {
      if (id == subnet.meta.id) acl = &candidate;
    }
  }
  return acl;
}

class DotWriter {
 public:
  /// The whole estate, or with `only_vpc` one VPC and what its routes,
  /// attachments and peering connections reach.
  DotWriter(const Topology& t, const std::string* only_vpc, bool overview = false)
      : t_(t), only_vpc_(only_vpc), overview_(overview) {
    if (only_vpc_ != nullptr) collectNeighbours();
    for (const auto& eni : t_.enis) {
      if (!inView(eni.vpc_id)) continue;
      SubnetInterfaces& here = interfaces_[eni.subnet_id];
      ++here.count;
      for (const auto& group : eni.security_group_ids) ++here.by_group[group];
    }
  }

  std::string write() {
    writeHeader();
    for (const auto& vpc : t_.vpcs) {
      if (inView(vpc.meta.id)) writeVpc(vpc);
    }
    writeOutside();
    writeRouteEdges();
    out_ += lb_edges_;
    out_ += "}\n";
    return out_;
  }

  /// The overview: one node per VPC (its subnets, zones and interfaces
  /// counted), the gateways, transit gateways, peering connections and
  /// virtual private gateways between them.
  std::string writeOverview() {
    writeHeader();
    std::map<std::string, std::size_t> enis;
    for (const auto& eni : t_.enis) ++enis[eni.vpc_id];
    // Estates (the parts a packet can move between) as islands, when there are several.
    const sim::Estates estates = sim::findEstates(t_);
    if (estates.list.size() > 1) {
      for (std::size_t e = 0; e < estates.list.size(); ++e) {
        std::size_t vpcs = 0;
        for (const auto& member : estates.list[e].members) vpcs += t_.findVpc(member) != nullptr ? 1U : 0U;
        out_ += fmt::format("  subgraph {} {{\n    id={}; label={}; style=\"dotted\"; color=\"#57606a\";\n",
                            quoted(fmt::format("cluster_estate_{}", e + 1)), quoted(fmt::format("estate-{}", e + 1)),
                            quoted(fmt::format("estate {}: {} VPC{}", e + 1, vpcs, plural(vpcs))));
        for (const auto& member : estates.list[e].members) {
          if (const topology::Vpc* vpc = t_.findVpc(member)) writeVpcNode(*vpc, enis, "    ");
          if (const topology::TransitGateway* tgw = t_.findTransitGateway(member)) {
            node(tgw->meta.id, "transit gateway\n" + title(tgw->meta), "box", "#fde8e8", "    ");
          }
          if (const topology::VpnGateway* vgw = t_.findVpnGateway(member)) {
            node(vgw->meta.id, "virtual private gateway\n" + title(vgw->meta), "box", "#fde8e8", "    ");
          }
        }
        out_ += "  }\n";
      }
    } else {
      for (const auto& vpc : t_.vpcs) writeVpcNode(vpc, enis, "  ");
    }
    writeOutside();
    out_ += "}\n";
    return out_;
  }

 private:
  void writeVpcNode(const topology::Vpc& vpc, std::map<std::string, std::size_t>& enis, std::string_view indent) {
    std::set<std::string> zones;
    std::size_t subnets = 0;
    for (const auto& subnet : t_.subnets) {
      if (subnet.vpc_id != vpc.meta.id) continue;
      ++subnets;
      zones.insert(subnet.availability_zone);
    }
    std::size_t nats = 0;
    for (const auto& nat : t_.nat_gateways) {
      const topology::Subnet* home = t_.findSubnet(nat.subnet_id);
      nats += home != nullptr && home->vpc_id == vpc.meta.id ? 1U : 0U;
    }
    std::size_t endpoints = 0;
    for (const auto& endpoint : t_.vpc_endpoints) endpoints += endpoint.vpc_id == vpc.meta.id ? 1U : 0U;
    std::size_t balancers = 0;
    for (const auto& lb : t_.load_balancers) balancers += lb.vpc_id == vpc.meta.id ? 1U : 0U;
    std::string label = fmt::format("VPC {}\n{}\n{} subnet{} in {} zone{}\n{} interface{}", title(vpc.meta),
                                    cidrsOf(vpc), subnets, plural(subnets), zones.size(), plural(zones.size()),
                                    enis[vpc.meta.id], plural(enis[vpc.meta.id]));
    if (nats > 0) label += fmt::format("\n{} NAT gateway{}", nats, plural(nats));
    if (endpoints > 0) label += fmt::format("\n{} endpoint{}", endpoints, plural(endpoints));
    if (balancers > 0) label += fmt::format("\n{} load balancer{}", balancers, plural(balancers));
    node(vpc.meta.id, label, "box", "#eef5ff", indent);
  }

  static std::string_view plural(std::size_t n) { return n == 1 ? "" : "s"; }

  static std::string cidrsOf(const topology::Vpc& vpc) {
    std::string cidrs;
    for (const auto& cidr : vpc.cidrs) {
      if (!cidrs.empty()) cidrs += ' ';
      cidrs += cidr.str();
    }
    return cidrs;
  }

  void writeHeader() {
    out_ += "digraph vpcsim {\n";
    out_ += "  graph [rankdir=LR, compound=true, fontname=\"Helvetica\", fontsize=11, nodesep=0.25, ranksep=0.7];\n";
    out_ += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", fontsize=10];\n";
    out_ += "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#666666\"];\n";
  }

  /// Whether a resource of this VPC belongs in the picture.
  [[nodiscard]] bool inView(const std::string& vpc_id) const { return only_vpc_ == nullptr || vpc_id == *only_vpc_; }
  /// Whether a resource outside the VPCs belongs in the picture.
  [[nodiscard]] bool outsideInView(const std::string& id) const {
    return only_vpc_ == nullptr || neighbours_.count(id) != 0;
  }

  /// What one VPC's picture shows outside it: its route targets, the
  /// transit gateways it is attached to, its peering connections and VPN gateways.
  void collectNeighbours() {
    for (const auto& subnet : t_.subnets) {
      if (subnet.vpc_id != *only_vpc_) continue;
      if (const topology::RouteTable* table = routeTableOf(subnet)) {
        for (const auto& route : table->routes) neighbours_.insert(route.target_id);
      }
    }
    for (const auto& attachment : t_.tgw_attachments) {
      bool here = attachment.resource_id == *only_vpc_;
      for (const auto& id : attachment.subnet_ids) {
        const topology::Subnet* subnet = t_.findSubnet(id);
        here = here || (subnet != nullptr && subnet->vpc_id == *only_vpc_);
      }
      if (here) neighbours_.insert(attachment.transit_gateway_id);
    }
    for (const auto& peering : t_.peering_connections) {
      if (peering.requester.vpc_id == *only_vpc_ || peering.accepter.vpc_id == *only_vpc_) {
        neighbours_.insert(peering.meta.id);
      }
    }
    for (const auto& vgw : t_.vpn_gateways) {
      for (const auto& id : vgw.vpc_ids) {
        if (id == *only_vpc_) neighbours_.insert(vgw.meta.id);
      }
    }
  }

  void node(std::string_view id, const std::string& label, std::string_view shape, std::string_view fill,
            std::string_view indent) {
    out_ += fmt::format("{}{} [id={}, label={}, shape={}, fillcolor=\"{}\"];\n", indent, quoted(id), nodeId(id),
                        quoted(label), shape, fill);
    drawn_.insert(std::string(id));
  }

  void writeVpc(const topology::Vpc& vpc) {
    // The cluster's id is not the VPC's node id: lighting a path lights the
    // VPC's node in the overview, not the whole cluster here.
    out_ += fmt::format("  subgraph {} {{\n    id={}; label={}; style=\"rounded\"; color=\"#1f6feb\";\n",
                        quoted("cluster_" + vpc.meta.id), quoted("c-" + vpc.meta.id),
                        quoted(title(vpc.meta) + "\n" + cidrsOf(vpc)));
    std::map<std::string, std::vector<const topology::Subnet*>> by_zone;
    for (const auto& subnet : t_.subnets) {
      if (subnet.vpc_id == vpc.meta.id) by_zone[subnet.availability_zone].push_back(&subnet);
    }
    for (const auto& [zone, subnets] : by_zone) {
      out_ += fmt::format("    subgraph {} {{\n      id={}; label={}; style=\"dashed\"; color=\"#999999\";\n",
                          quoted("cluster_" + vpc.meta.id + "/" + zone), quoted("z-" + vpc.meta.id + "/" + zone),
                          quoted(zone.empty() ? "zone not given" : safe(zone)));
      for (const auto* subnet : subnets) writeSubnet(*subnet);
      for (const auto& nat : t_.nat_gateways) {
        const topology::Subnet* home = t_.findSubnet(nat.subnet_id);
        if (home != nullptr && home->vpc_id == vpc.meta.id && home->availability_zone == zone) {
          node(nat.meta.id, "NAT gateway\n" + title(nat.meta), "box", "#fff4d6", "      ");
        }
      }
      out_ += "    }\n";
    }
    for (const auto& igw : t_.internet_gateways) {
      for (const auto& attached : igw.vpc_ids) {
        if (attached == vpc.meta.id && drawn_.count(igw.meta.id) == 0) {
          node(igw.meta.id, "internet gateway\n" + title(igw.meta), "box", "#e6f4ea", "    ");
        }
      }
    }
    for (const auto& eigw : t_.egress_only_internet_gateways) {
      if (eigw.vpc_id == vpc.meta.id) {
        node(eigw.meta.id, "egress-only internet gateway\n" + title(eigw.meta), "box", "#e6f4ea", "    ");
      }
    }
    // Load balancers in their VPC, an edge to each subnet holding one of their nodes.
    for (const auto& lb : t_.load_balancers) {
      if (lb.vpc_id != vpc.meta.id) continue;
      node(lb.meta.id,
           fmt::format("{} load balancer\n{}\n{}", topology::loadBalancerTypeName(lb.type), title(lb.meta),
                       lb.internet_facing ? "internet-facing" : "internal"),
           "box", "#e8f0fe", "    ");
      for (const auto& zone : lb.zones) {
        if (t_.findSubnet(zone.subnet_id) != nullptr) {
          lb_edges_ += fmt::format("  {} -> {} [style=dashed, dir=none, label=\"node\"];\n", quoted(lb.meta.id),
                                   quoted(zone.subnet_id));
        }
      }
    }
    for (const auto& endpoint : t_.vpc_endpoints) {
      if (endpoint.vpc_id != vpc.meta.id) continue;
      node(endpoint.meta.id,
           fmt::format("{} endpoint\n{}\n{}", topology::endpointTypeName(endpoint.type), title(endpoint.meta),
                       safe(endpoint.service_name)),
           "box", "#f3e8ff", "    ");
    }
    out_ += "  }\n";
  }

  void writeSubnet(const topology::Subnet& subnet) {
    // Interfaces are summarised: how many, and by security group the most used.
    const SubnetInterfaces& here = interfaces_[subnet.meta.id];
    const std::size_t enis = here.count;
    const auto& by_group = here.by_group;
    const topology::RouteTable* table = routeTableOf(subnet);
    const topology::NetworkAcl* acl = aclOf(subnet);
    std::string blocks = subnet.hasIpv4() ? subnet.cidr.str() : std::string("IPv6-only");
    for (const auto& block : topology::associatedIpv6(subnet.ipv6_blocks)) blocks.append("\n").append(safe(block.str()));
    std::string label = fmt::format("{}\n{}\n{} interface{}", title(subnet.meta), blocks, enis, plural(enis));
    if (!by_group.empty()) {
      std::vector<std::pair<std::size_t, std::string>> groups;
      for (const auto& [group, count] : by_group) groups.emplace_back(count, group);
      std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
      constexpr std::size_t kShownGroups = 2;
      for (std::size_t i = 0; i < groups.size() && i < kShownGroups; ++i) {
        label += fmt::format("\n{} x{}", safe(groups[i].second), groups[i].first);
      }
      if (groups.size() > kShownGroups) label += fmt::format("\n+{} more groups", groups.size() - kShownGroups);
    }
    if (table != nullptr) label += "\nroute table " + safe(table->meta.id);
    if (acl != nullptr) label += "\nnetwork ACL " + safe(acl->meta.id);
    node(subnet.meta.id, label, "box", "#eef5ff", "      ");
  }

  const topology::RouteTable* routeTableOf(const topology::Subnet& subnet) const {
    return diagramRouteTable(t_, subnet);
  }
  const topology::NetworkAcl* aclOf(const topology::Subnet& subnet) const { return diagramAcl(t_, subnet); }

  void writeOutside() {
    bool internet = false;
    for (const auto& igw : t_.internet_gateways) {
      bool attached = false;
      for (const auto& vpc : igw.vpc_ids) attached = attached || inView(vpc);
      if (!attached && only_vpc_ != nullptr) continue;
      if (!internet) node("internet", "internet", "ellipse", "#f6f8fa", "  ");
      internet = true;
      if (drawn_.count(igw.meta.id) == 0) node(igw.meta.id, "internet gateway\n" + title(igw.meta), "box", "#e6f4ea", "  ");
      out_ += fmt::format("  {} -> {} [dir=both];\n", quoted(igw.meta.id), quoted("internet"));
      if (overview()) {
        for (const auto& vpc : igw.vpc_ids) {
          if (drawn_.count(vpc) != 0) out_ += fmt::format("  {} -> {} [dir=both];\n", quoted(vpc), quoted(igw.meta.id));
        }
      }
    }
    // Egress-only: outbound flows and their replies (VPC User Guide, "Enable outbound IPv6 traffic using an
    // egress-only internet gateway").
    for (const auto& eigw : t_.egress_only_internet_gateways) {
      if (!inView(eigw.vpc_id)) continue;
      if (drawn_.count(eigw.meta.id) == 0) {
        node(eigw.meta.id, "egress-only internet gateway\n" + title(eigw.meta), "box", "#e6f4ea", "  ");
      }
      if (drawn_.count("internet") == 0) node("internet", "internet", "ellipse", "#f6f8fa", "  ");
      out_ += fmt::format("  {} -> {};\n", quoted(eigw.meta.id), quoted("internet"));
      if (overview() && drawn_.count(eigw.vpc_id) != 0) {
        out_ += fmt::format("  {} -> {};\n", quoted(eigw.vpc_id), quoted(eigw.meta.id));
      }
    }
    for (const auto& tgw : t_.transit_gateways) {
      if (outsideInView(tgw.meta.id) && drawn_.count(tgw.meta.id) == 0) {
        node(tgw.meta.id, "transit gateway\n" + title(tgw.meta), "box", "#fde8e8", "  ");
      }
    }
    for (const auto& attachment : t_.tgw_attachments) {
      if (drawn_.count(attachment.transit_gateway_id) == 0) continue;
      if (overview()) {
        if (attachment.resource_type == "vpc" && drawn_.count(attachment.resource_id) != 0) {
          out_ += fmt::format("  {} -> {} [style=dotted, dir=none, label={}];\n", quoted(attachment.resource_id),
                              quoted(attachment.transit_gateway_id), quoted(safe(attachment.meta.id)));
        }
        continue;
      }
      for (const auto& subnet : attachment.subnet_ids) {
        if (drawn_.count(subnet) == 0) continue;
        out_ += fmt::format("  {} -> {} [style=dotted, dir=none, label={}];\n", quoted(subnet),
                            quoted(attachment.transit_gateway_id), quoted(safe(attachment.meta.id)));
      }
    }
    for (const auto& peering : t_.peering_connections) {
      if (!outsideInView(peering.meta.id)) continue;
      node(peering.meta.id, "peering\n" + title(peering.meta), "box", "#fde8e8", "  ");
      for (const auto* side : {&peering.requester, &peering.accepter}) {
        const topology::Vpc* vpc = t_.findVpc(side->vpc_id);
        if (vpc == nullptr) continue;
        if (overview()) {
          out_ += fmt::format("  {} -> {} [dir=none, style=dotted];\n", quoted(peering.meta.id), quoted(side->vpc_id));
        } else if (inView(side->vpc_id)) {
          out_ += fmt::format("  {} -> {} [lhead={}, dir=none, style=dotted];\n", quoted(peering.meta.id),
                              quoted(anyNodeOf(side->vpc_id)), quoted("cluster_" + side->vpc_id));
        } else {
          // The other VPC has a picture of its own: a node for it (the page opens it on a click).
          if (drawn_.count(side->vpc_id) == 0) {
            node(side->vpc_id, "VPC " + title(vpc->meta) + "\n" + cidrsOf(*vpc), "box", "#eef5ff", "  ");
          }
          out_ += fmt::format("  {} -> {} [dir=none, style=dotted];\n", quoted(peering.meta.id), quoted(side->vpc_id));
        }
      }
    }
    for (const auto& vgw : t_.vpn_gateways) {
      if (!outsideInView(vgw.meta.id)) continue;
      if (drawn_.count(vgw.meta.id) == 0) {
        node(vgw.meta.id, "virtual private gateway\n" + title(vgw.meta), "box", "#fde8e8", "  ");
      }
      if (overview()) {
        for (const auto& vpc : vgw.vpc_ids) {
          if (drawn_.count(vpc) != 0) out_ += fmt::format("  {} -> {} [dir=none];\n", quoted(vpc), quoted(vgw.meta.id));
        }
      }
    }
  }

  /// Whether this is the overview (VPCs drawn as nodes, no subnets).
  [[nodiscard]] bool overview() const { return overview_; }

  /// A node inside the VPC's cluster for edges to the cluster (its first subnet).
  std::string anyNodeOf(const std::string& vpc_id) const {
    for (const auto& subnet : t_.subnets) {
      if (subnet.vpc_id == vpc_id) return subnet.meta.id;
    }
    return vpc_id;
  }

  /// One edge per subnet and route target, labelled with its destinations.
  void writeRouteEdges() {
    for (const auto& subnet : t_.subnets) {
      if (!inView(subnet.vpc_id)) continue;
      const topology::RouteTable* table = routeTableOf(subnet);
      if (table == nullptr) continue;
      std::map<std::string, std::vector<std::string>> by_target;  // target -> destinations, in route order
      for (const auto& route : table->routes) {
        if (route.target_id.empty() || route.target_id == "local") continue;
        std::string destination = topology::destinationText(route);
        by_target[route.target_id].push_back(safe(route.blackhole ? destination + " (blackhole)" : destination));
      }
      for (const auto& [target, destinations] : by_target) {
        if (drawn_.count(target) == 0) {
          node(target, safe(target) + "\n(not in the input)", "box", "#f6f8fa", "  ");
        }
        std::string label;
        for (const auto& d : destinations) {
          if (!label.empty()) label += '\n';
          label += d;
        }
        out_ += fmt::format("  {} -> {} [id={}, label={}];\n", quoted(subnet.meta.id), quoted(target),
                            quoted(fmt::format("e-{}-{}", subnet.meta.id, target)), quoted(label));
      }
    }
  }

  struct SubnetInterfaces {
    std::size_t count = 0;
    std::map<std::string, std::size_t> by_group;  ///< interfaces per security group
  };

  const Topology& t_;
  const std::string* only_vpc_ = nullptr;
  bool overview_ = false;
  std::map<std::string, SubnetInterfaces> interfaces_;  ///< by subnet
  std::set<std::string> neighbours_;
  std::string out_;
  std::string lb_edges_;  ///< load balancer -> node subnet edges, after the clusters
  std::set<std::string> drawn_;
};

// Graphviz names each object by the address of its interned name, and keeps
// subgraphs ordered by that ID: the layout would then depend on where the
// heap put the strings. These disciplines number names in the order the
// graph first uses them instead, and read the DOT text from memory.
struct NamesInOrder {
  std::map<std::string, IDTYPE, std::less<>> ids;
  std::map<IDTYPE, std::string> names;
  IDTYPE anonymous = 1;  ///< odd IDs: objects without a name (as Graphviz's own discipline)
};

void* openNames(Agraph_t* /*graph*/, Agdisc_t* /*disc*/) { return new NamesInOrder(); }

long mapName(void* state, int /*objtype*/, char* name, IDTYPE* id, int create) {
  auto* names = static_cast<NamesInOrder*>(state);
  if (name == nullptr) {
    *id = names->anonymous;
    names->anonymous += 2;
    return 1;
  }
  if (auto found = names->ids.find(name); found != names->ids.end()) {
    *id = found->second;
    return 1;
  }
  if (create == 0) return 0;
  *id = 2 * (names->ids.size() + 1);  // even: named
  names->ids.emplace(name, *id);
  names->names.emplace(*id, name);
  return 1;
}

long allocName(void* /*state*/, int /*objtype*/, IDTYPE /*id*/) { return 0; }  // no IDs chosen by callers
void freeName(void* /*state*/, int /*objtype*/, IDTYPE /*id*/) {}              // names live as long as the graph

char* printName(void* state, int /*objtype*/, IDTYPE id) {
  auto* names = static_cast<NamesInOrder*>(state);
  auto found = names->names.find(id);
  return found == names->names.end() ? nullptr : found->second.data();
}

void closeNames(void* state) { delete static_cast<NamesInOrder*>(state); }
void registerName(void* /*state*/, int /*objtype*/, void* /*object*/) {}

Agiddisc_t kNamesInOrder = {openNames, mapName, allocName, freeName, printName, closeNames, registerName};

struct TextChannel {
  const std::string* text;
  std::size_t at = 0;
};

int readText(void* channel, char* buffer, int size) {
  auto* in = static_cast<TextChannel*>(channel);
  if (size <= 0 || in->at >= in->text->size()) return 0;
  // One line at a time, as Graphviz's own readers give it.
  std::size_t end = in->text->find('\n', in->at);
  end = end == std::string::npos ? in->text->size() : end + 1;
  std::size_t n = std::min(end - in->at, static_cast<std::size_t>(size - 1));
  in->text->copy(buffer, n, in->at);
  buffer[n] = '\0';
  in->at += n;
  return static_cast<int>(n);
}

Agiodisc_t kTextReader = {readText, AgIoDisc.putstr, AgIoDisc.flush};

/// Graphviz's error messages, collected instead of printed (reset per render).
std::string& graphvizErrors() {
  static std::string errors;
  return errors;
}

int collectError(char* message) {
  graphvizErrors() += message == nullptr ? "" : message;
  return 0;
}

/// One Graphviz context with the linked-in plugins, freed on every path.
class GraphvizSession {
 public:
  GraphvizSession() : context_(gvContextPlugins(kPlugins, 0)) {
    graphvizErrors().clear();
    previous_ = agseterrf(collectError);
  }
  ~GraphvizSession() {
    if (graph_ != nullptr) {
      if (laid_out_) gvFreeLayout(context_, graph_);
      agclose(graph_);
    }
    if (context_ != nullptr) gvFreeContext(context_);
    agseterrf(previous_);
  }
  GraphvizSession(const GraphvizSession&) = delete;
  GraphvizSession& operator=(const GraphvizSession&) = delete;

  topology::Result<std::string> render(const std::string& dot) {
    if (context_ == nullptr) return topology::Error{"Graphviz could not start"};
    TextChannel channel{&dot};
    Agdisc_t disc{&AgMemDisc, &kNamesInOrder, &kTextReader};
    agreadline(0);  // the lexer's line count is global: count this graph's lines from the start
    graph_ = agread(&channel, &disc);
    if (graph_ == nullptr) return failure("could not read the diagram");
    if (gvLayout(context_, graph_, "dot") != 0) return failure("could not lay the diagram out");
    laid_out_ = true;
    char* data = nullptr;
    unsigned int length = 0;
    if (gvRenderData(context_, graph_, "svg", &data, &length) != 0 || data == nullptr) {
      return failure("could not render the diagram");
    }
    std::string svg(data, length);
    gvFreeRenderData(data);
    return svg;
  }

 private:
  static topology::Error failure(std::string_view what) {
    std::string detail = graphvizErrors();
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    return topology::Error{
        fmt::format("Graphviz {}{}", what, detail.empty() ? "" : ": " + topology::escapeText(detail))};
  }

  static inline lt_symlist_t kPlugins[] = {  // NOLINT(cppcoreguidelines-avoid-c-arrays)
      {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
      {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
      {nullptr, nullptr}};
  GVC_t* context_ = nullptr;
  Agraph_t* graph_ = nullptr;
  bool laid_out_ = false;
  agusererrf previous_ = nullptr;
};

}  // namespace

std::string topologyDot(const Topology& topology) { return DotWriter(topology, nullptr).write(); }

std::vector<DiagramView> diagramViews(const Topology& topology, std::size_t whole_estate_subnets) {
  std::vector<DiagramView> views;
  if (topology.subnets.size() <= whole_estate_subnets || topology.vpcs.size() <= 1) {
    views.push_back({"estate", "the whole network", DotWriter(topology, nullptr).write()});
    return views;
  }
  views.push_back({"overview", fmt::format("overview: {} VPCs", topology.vpcs.size()),
                   DotWriter(topology, nullptr, true).writeOverview()});
  for (const auto& vpc : topology.vpcs) {
    std::string label = "VPC " + title(vpc.meta);
    if (!vpc.cidrs.empty()) label += " " + vpc.cidrs.front().str();
    views.push_back({vpc.meta.id, label, DotWriter(topology, &vpc.meta.id).write()});
  }
  return views;
}

std::map<std::string, NodeInfo> nodeInfo(const Topology& t) {
  std::map<std::string, NodeInfo> out;
  auto add = [&](const ResourceMeta& meta, std::vector<std::string> lines) {
    NodeInfo& info = out[meta.id];
    info.title = topology::displayName(meta);
    info.tags = meta.tags;
    info.lines = std::move(lines);
    return &info;
  };
  std::map<std::string, std::map<std::string, std::size_t>> groups_by_subnet;
  for (const auto& eni : t.enis) {
    for (const auto& group : eni.security_group_ids) ++groups_by_subnet[eni.subnet_id][group];
  }
  for (const auto& vpc : t.vpcs) {
    std::vector<std::string> lines;
    for (const auto& cidr : vpc.cidrs) lines.push_back("CIDR " + cidr.str());
    for (const auto& block : topology::associatedIpv6(vpc.ipv6_blocks)) lines.push_back("IPv6 CIDR " + block.str());
    add(vpc.meta, std::move(lines));
  }
  for (const auto& subnet : t.subnets) {
    std::vector<std::string> lines;
    lines.push_back(fmt::format("{} in {}", subnet.hasIpv4() ? subnet.cidr.str() : "IPv6-only",
                                subnet.availability_zone.empty() ? "zone not given" : subnet.availability_zone));
    std::vector<std::string> refs;
    if (const topology::RouteTable* table = diagramRouteTable(t, subnet)) refs.push_back(table->meta.id);
    if (const topology::NetworkAcl* acl = diagramAcl(t, subnet)) refs.push_back(acl->meta.id);
    for (const auto& [group, count] : groups_by_subnet[subnet.meta.id]) {
      lines.push_back(fmt::format("{}: {} interface{}", group, count, count == 1 ? "" : "s"));
    }
    add(subnet.meta, std::move(lines))->refs = std::move(refs);
  }
  // Route tables and network ACLs once each; subnets refer to theirs.
  for (const auto& table : t.route_tables) {
    std::vector<std::string> lines{table.main ? "route table (main)" : "route table"};
    for (const auto& route : table.routes) {
      lines.push_back(fmt::format("  {} -> {}{}", topology::destinationText(route), route.target_id,
                                  route.blackhole ? " (blackhole)" : ""));
    }
    add(table.meta, std::move(lines));
  }
  for (const auto& sg : t.security_groups) {
    std::vector<std::string> lines{"security group " + sg.group_name};
    for (const auto& rule : sg.ingress) lines.push_back("  " + sim::describeSgRule(rule, false));
    for (const auto& rule : sg.egress) lines.push_back("  " + sim::describeSgRule(rule, true));
    add(sg.meta, std::move(lines));
  }
  for (const auto& acl : t.network_acls) {
    std::vector<std::string> lines{acl.is_default ? "network ACL (default)" : "network ACL"};
    for (const auto& entry : acl.entries) lines.push_back("  " + sim::describeAclEntry(entry));
    add(acl.meta, std::move(lines));
  }
  for (const auto& nat : t.nat_gateways) add(nat.meta, {"NAT gateway in " + nat.subnet_id});
  for (const auto& igw : t.internet_gateways) add(igw.meta, {"internet gateway"});
  for (const auto& eigw : t.egress_only_internet_gateways) add(eigw.meta, {"egress-only internet gateway"});
  for (const auto& endpoint : t.vpc_endpoints) {
    add(endpoint.meta, {fmt::format("{} endpoint for {}", topology::endpointTypeName(endpoint.type),
                                    endpoint.service_name)});
  }
  for (const auto& tgw : t.transit_gateways) add(tgw.meta, {"transit gateway"});
  for (const auto& peering : t.peering_connections) {
    add(peering.meta, {fmt::format("peering {} <-> {} ({})", peering.requester.vpc_id, peering.accepter.vpc_id,
                                   peering.status)});
  }
  for (const auto& vgw : t.vpn_gateways) add(vgw.meta, {"virtual private gateway"});
  // A load balancer: its nodes, listeners and what they forward to, each target and its health.
  for (const auto& lb : t.load_balancers) {
    std::vector<std::string> lines{fmt::format("{} load balancer, {}{}", topology::loadBalancerTypeName(lb.type),
                                               lb.internet_facing ? "internet-facing" : "internal",
                                               lb.dns_name.empty() ? "" : ", " + lb.dns_name)};
    for (const auto& zone : lb.zones) {
      std::string addresses;
      for (const auto& address : zone.public_addresses) addresses.append(" ").append(address.str());
      for (const auto& address : zone.private_addresses) addresses.append(" ").append(address.str());
      lines.push_back(fmt::format("node in {} {}{}", zone.subnet_id, zone.zone, addresses));
    }
    for (const auto& group : lb.security_group_ids) lines.push_back("security group " + group);
    for (const auto& listener : t.lb_listeners) {
      if (listener.load_balancer_arn != lb.arn || lb.arn.empty()) continue;
      lines.push_back(fmt::format("listener {} {}", listener.protocol, listener.port));
      std::vector<std::string> groups = listener.target_group_arns;
      groups.insert(groups.end(), listener.rule_target_group_arns.begin(), listener.rule_target_group_arns.end());
      for (const auto& arn : groups) {
        const topology::TargetGroup* group = t.findTargetGroupByArn(arn);
        if (group == nullptr) {
          lines.push_back("  forward to " + arn + " (not in the input)");
          continue;
        }
        lines.push_back(fmt::format("  forward to {} ({} {} {})", topology::displayName(group->meta),
                                    group->target_type, group->protocol, group->port));
        if (!group->targets_known) lines.emplace_back("    targets not in the input");
        for (const auto& target : group->targets) {
          lines.push_back(fmt::format("    {}:{} {} {}", target.id, target.port == 0 ? group->port : target.port,
                                      target.zone, target.health.empty() ? "health not given" : target.health));
        }
      }
    }
    add(lb.meta, std::move(lines));
  }
  return out;
}

topology::Result<std::string> layoutSvg(const std::string& dot) {
  GraphvizSession session;
  return session.render(dot);
}

}  // namespace vpcsim::reports

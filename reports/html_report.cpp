#include "reports/html_report.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/capacity_report.h"
#include "reports/diagram.h"
#include "reports/lint_report.h"
#include "reports/path_render.h"
#include "reports/scenario_outcome.h"
#include "reports/scenario_report.h"
#include "sim/network_index.h"
#include "sim/rules.h"
#include "topology/safe_text.h"

namespace vpcsim::reports {

std::string htmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

/// Input text made printable, then escaped for HTML.
std::string html(std::string_view text) { return htmlEscape(topology::escapeText(text)); }

/// Multi-line text for a <pre>: each line as html() makes it, the line
/// breaks kept (escapeText would write them as "\n").
std::string htmlLines(std::string_view text) {
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    out += html(text.substr(at, end - at));
    if (end < text.size()) out += '\n';
    at = end + 1;
  }
  return out;
}

// Everything the page needs is here: no script, style or font is fetched.
constexpr std::string_view kStyle = R"(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:12px 20px;border-bottom:1px solid #d0d7de}
h1{font-size:20px;margin:0 0 4px}
h2{font-size:16px;margin:18px 0 8px}
h3{font-size:15px;margin:0 0 6px}
main{padding:12px 20px}
.panes{display:grid;grid-template-columns:minmax(380px,1fr) minmax(420px,1.3fr);gap:16px}
.matrix-wrap{overflow:auto;max-height:45vh}
table{border-collapse:collapse;font-size:13px}
th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}
.matrix button{border:0;background:none;font:inherit;cursor:pointer;padding:0;text-decoration:underline dotted}
td.ok{background:#dafbe1}td.fail{background:#ffebe9;font-weight:600}td.none{color:#8c959f}
tr.selected td.check,td.selected{outline:2px solid #0969da}
.detail{border:1px solid #d0d7de;border-radius:6px;padding:10px;margin-bottom:12px}
.detail table{width:100%}
.verdict-fail{color:#cf222e;font-weight:600}.verdict-ok{color:#1a7f37;font-weight:600}
p.leg{margin:10px 0 4px 16px;font-weight:600}p.leg+table{margin-left:16px;width:calc(100% - 16px)}
.diagram{overflow:auto;border:1px solid #d0d7de;border-radius:6px;max-height:80vh}
.diagram svg{max-width:none}
.hl polygon,.hl path,.hl ellipse{stroke:#cf222e !important;stroke-width:3px}
.hl-return polygon,.hl-return path,.hl-return ellipse{stroke:#0969da !important;stroke-width:3px;stroke-dasharray:5 3}
.hl-block polygon,.hl-block path,.hl-block ellipse{stroke:#cf222e !important;stroke-width:5px;fill:#ffebe9 !important}
.found polygon,.found path,.found ellipse{fill:#fff8c5 !important;stroke:#9a6700 !important;stroke-width:3px}
.filtering g.node:not(.found),.filtering g.edge{opacity:.15}
.node-info-panel{border:1px solid #d0d7de;border-radius:6px;padding:8px;margin-bottom:8px;font-size:12px;max-height:30vh;overflow:auto}
.node-info-panel ul{margin:0;padding-left:18px;white-space:pre-wrap}
.node-info-panel li.more{cursor:pointer;text-decoration:underline dotted}
pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}
.muted{color:#57606a}
)";

// Shows the outcome clicked in the matrix, its variant's diagram, and draws
// its path on the diagram by the element ids the diagram gives resources.
constexpr std::string_view kScript = R"(
(function () {
  // A view's element for a resource ID ("v0d1" + "-n-" + "subnet-1").
  function element(view, n) { return document.getElementById(view.id + '-n-' + n); }
  function showView(diagram, key) {
    diagram.querySelectorAll('.view').forEach(function (v) { v.hidden = v.getAttribute('data-key') !== key; });
    var select = diagram.querySelector('.view-select');
    if (select) select.value = key;
  }
  function show(id) {
    document.querySelectorAll('.detail').forEach(function (d) { d.hidden = d.id !== 'd-' + id; });
    document.querySelectorAll('td.selected').forEach(function (c) { c.classList.remove('selected'); });
    var detail = document.getElementById('d-' + id);
    if (!detail) return;
    var assumptions = detail.getAttribute('data-assumptions');
    document.querySelectorAll('details.assumptions').forEach(function (d) { d.hidden = d.id !== assumptions; });
    var cell = document.querySelector('[data-outcome="' + id + '"]');
    if (cell) cell.parentNode.classList.add('selected');
    var variant = detail.getAttribute('data-variant');
    document.querySelectorAll('.diagram').forEach(function (d) { d.hidden = d.id !== variant; });
    var diagram = document.getElementById(variant);
    // The forward path in red, what only the reply crosses dashed blue, where it stops thick red.
    [['data-nodes', 'hl'], ['data-return-nodes', 'hl-return'], ['data-block-nodes', 'hl-block']].forEach(function (k) {
      document.querySelectorAll('.' + k[1]).forEach(function (e) { e.classList.remove(k[1]); });
      if (!diagram) return;
      (detail.getAttribute(k[0]) || '').split(' ').forEach(function (n) {
        if (!n) return;
        diagram.querySelectorAll('.view').forEach(function (v) {
          var e = element(v, n);
          if (e) e.classList.add(k[1]);
        });
      });
    });
    // The VPC picture showing most of the path (the first of equals), else the overview.
    if (diagram) {
      var best = null, most = 0;
      diagram.querySelectorAll('.view').forEach(function (v) {
        var lit = v.querySelectorAll('.hl, .hl-return, .hl-block').length;
        if (v.getAttribute('data-key') === 'overview') lit = lit > 0 ? 0.5 : 0;
        if (lit > most) { most = lit; best = v; }
      });
      if (best) showView(diagram, best.getAttribute('data-key'));
    }
    window.vpcsimSelected = id;
  }
  // A list table: a heading sorts by its column (numbers as numbers), the box filters rows.
  document.querySelectorAll('th[data-sort]').forEach(function (th) {
    th.addEventListener('click', function () {
      var body = th.closest('table').tBodies[0], col = +th.getAttribute('data-sort');
      var up = th.getAttribute('data-dir') !== 'up';
      th.setAttribute('data-dir', up ? 'up' : 'down');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent, y = b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y);
        return up ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  var filter = document.getElementById('filter');
  if (filter) filter.addEventListener('input', function () {
    var q = filter.value.toLowerCase();
    document.querySelectorAll('table.list tbody tr').forEach(function (r) {
      r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0;
    });
  });
  document.querySelectorAll('[data-outcome]').forEach(function (b) {
    b.addEventListener('click', function () { show(b.getAttribute('data-outcome')); });
  });
  // What the page knows of each node (tags, routes, rules), per variant; read when first needed.
  function info(diagram) {
    if (!diagram.vpcsimInfo) {
      var block = diagram.querySelector('script.node-info');
      diagram.vpcsimInfo = block ? JSON.parse(block.textContent) : {};
    }
    return diagram.vpcsimInfo;
  }
  function resourceOf(g) { var at = g.id.indexOf('-n-'); return at < 0 ? '' : g.id.slice(at + 3); }
  // Find on the diagram: every node and group whose text or tags ("key=value") hold the words.
  var find = document.getElementById('find');
  var only = document.getElementById('only-found');
  function search(q) {
    q = q.toLowerCase();
    var n = 0;
    document.querySelectorAll('.diagram').forEach(function (diagram) {
      var known = info(diagram), counts = {};
      diagram.querySelectorAll('.view').forEach(function (view) {
        var here = 0;
        view.querySelectorAll('g.node, g.cluster').forEach(function (g) {
          var text = g.textContent.toLowerCase(), about = known[resourceOf(g)];
          if (about) about.tags.forEach(function (t) { text += '\n' + (t[0] + '=' + t[1]).toLowerCase(); });
          var hit = q !== '' && text.indexOf(q) >= 0;
          g.classList.toggle('found', hit);
          if (hit) here++;
        });
        counts[view.getAttribute('data-key')] = here;
        if (!diagram.hidden) n += here;
      });
      diagram.classList.toggle('filtering', q !== '' && !!(only && only.checked));
      diagram.querySelectorAll('.view-select option').forEach(function (o) {
        var c = counts[o.value] || 0;
        o.textContent = o.getAttribute('data-label') + (q !== '' && c > 0 ? ' (' + c + ' found)' : '');
      });
    });
    var count = document.getElementById('found');
    if (count) count.textContent = q === '' ? '' : n + ' found';
  }
  if (find) find.addEventListener('input', function () { search(find.value); });
  if (only) only.addEventListener('change', function () { search(find ? find.value : ''); });
  document.querySelectorAll('.view-select').forEach(function (select) {
    select.addEventListener('change', function () { showView(select.closest('.diagram'), select.value); });
  });
  // A click on a node tells what the diagram summarises of it; a VPC's node opens its picture.
  var panel = document.getElementById('node-info');
  document.querySelectorAll('.diagram').forEach(function (diagram) {
    diagram.addEventListener('click', function (event) {
      var g = event.target.closest ? event.target.closest('g.node') : null;
      if (!g || !panel) return;
      var id = resourceOf(g), about = info(diagram)[id];
      panel.textContent = '';
      var head = document.createElement('h3');
      head.textContent = about ? about.title : id;
      panel.appendChild(head);
      var list = document.createElement('ul');
      function item(text) { var li = document.createElement('li'); li.textContent = text; list.appendChild(li); return li; }
      // A line naming another entry ("sg-1: 3 interfaces") unfolds its lines (the group's rules) on a click.
      function line(text) {
        var li = item(text), more = info(diagram)[text.split(':')[0]];
        if (!more) return;
        li.classList.add('more');
        li.addEventListener('click', function () {
          if (li.querySelector('ul')) return;
          var sub = document.createElement('ul');
          [more.title].concat(more.lines).forEach(function (l) {
            var x = document.createElement('li');
            x.textContent = l;
            sub.appendChild(x);
          });
          li.appendChild(sub);
        });
      }
      if (about) {
        about.tags.forEach(function (t) { item('tag ' + t[0] + '=' + t[1]); });
        about.lines.forEach(line);
        about.refs.forEach(function (r) {
          var more = info(diagram)[r];
          if (!more) return;
          item(more.lines[0] + ' ' + more.title);
          more.lines.slice(1).forEach(item);
        });
      }
      panel.appendChild(list);
      panel.hidden = false;
      var view = diagram.querySelector('.view[data-key="' + id + '"]');
      if (view && view.hidden) showView(diagram, id);
    });
  });
  // A link may find (report.html#find=nat-) or name the outcome (report.html#o12);
  // else the first failure, else the first check.
  if (find && location.hash.indexOf('#find=') === 0) {
    find.value = decodeURIComponent(location.hash.slice(6));
    search(find.value);
  }
  var named = location.hash ? document.querySelector('[data-outcome="' + location.hash.slice(1) + '"]') : null;
  var first = named || document.querySelector('td.fail [data-outcome]') || document.querySelector('[data-outcome]');
  if (first) show(first.getAttribute('data-outcome'));
  // When the page was ready, for the browser test's timing (ms after navigation started).
  document.documentElement.setAttribute('data-ready-ms', String(Math.round(performance.now())));
})();
)";

/// The SVG Graphviz wrote, without its XML prolog, doctype and comments (an
/// HTML document holds the element itself), its element ids prefixed with
/// `prefix` and "-" so that the diagrams of several variants in one page
/// keep them unique ("v1-n-subnet-1").
std::string inlineSvg(const std::string& svg, std::string_view prefix) {
  std::string out;
  std::size_t start = svg.find("<svg");
  if (start == std::string::npos) return out;
  auto append = [&](std::size_t from, std::size_t to) {
    constexpr std::string_view kId = " id=\"";
    for (std::size_t at = from; at < to;) {
      std::size_t id = svg.find(kId, at);
      if (id == std::string::npos || id >= to) {
        out.append(svg, at, to - at);
        return;
      }
      out.append(svg, at, id + kId.size() - at);
      out.append(prefix);
      out += '-';
      at = id + kId.size();
    }
  };
  for (std::size_t at = start; at < svg.size();) {
    std::size_t comment = svg.find("<!--", at);
    if (comment == std::string::npos) {
      append(at, svg.size());
      break;
    }
    append(at, comment);
    std::size_t end = svg.find("-->", comment);
    at = end == std::string::npos ? svg.size() : end + 3;
  }
  return out;
}

/// The diagram elements a path touches: each hop's resource, and for an
/// interface its subnet and the endpoint it belongs to.
/// The diagram elements of one resource: itself, and for an interface its
/// subnet and the endpoint or load balancer it belongs to.
void resourceNodes(const std::string& id, const sim::Network* network, std::set<std::string>& ids) {
  ids.insert(id);
  if (network == nullptr) return;
  const sim::Network::Index& index = network->index();
  if (const topology::Eni* eni = index.eniById(id)) {
    ids.insert(eni->subnet_id);
    // A load balancer's interface is described "ELB <id>".
    if (topology::isLoadBalancerInterface(*eni) && eni->description.rfind("ELB ", 0) == 0) {
      ids.insert(eni->description.substr(4));
    }
  }
  if (auto owner = index.endpoint_by_eni.find(id); owner != index.endpoint_by_eni.end()) {
    ids.insert(owner->second->meta.id);
  }
}

std::set<std::string> pathNodes(const std::vector<sim::Hop>& path, const sim::Network* network) {
  std::set<std::string> ids;
  std::set<std::string_view> resources;
  for (const auto& hop : path) {
    if (hop.resource != nullptr) resources.insert(hop.resource->id);
  }
  // An interface the question made up (notebook:, subnet:) is no resource:
  // its subnet is the one holding the address it sends from or receives at.
  // VPCs may overlap: of several such subnets, those whose route table or
  // network ACL the path crosses.
  auto subnetHolding = [&](const topology::IpAddress& address) {
    if (network == nullptr) return;
    std::vector<const topology::Subnet*> holding;
    std::vector<const topology::Subnet*> crossed;
    for (const auto& subnet : network->topology().subnets) {
      if ((subnet.hasIpv4() && subnet.cidr.contains(address)) ||
          sim::inAnyBlock(topology::associatedIpv6(subnet.ipv6_blocks), address)) {
        holding.push_back(&subnet);
        const topology::RouteTable* table = network->index().routeTableFor(subnet);
        const topology::NetworkAcl* acl = network->index().aclFor(subnet);
        if ((table != nullptr && resources.count(table->meta.id) != 0) ||
            (acl != nullptr && resources.count(acl->meta.id) != 0)) {
          crossed.push_back(&subnet);
        }
      }
    }
    for (const auto* subnet : crossed.empty() ? holding : crossed) ids.insert(subnet->meta.id);
  };
  for (const auto& hop : path) {
    if (hop.kind == sim::HopKind::kNetworkInterface && hop.direction == sim::Direction::kForward &&
        (hop.resource == nullptr || network == nullptr || network->index().eniById(hop.resource->id) == nullptr)) {
      subnetHolding(hop.action == sim::HopAction::kDeliver ? hop.packet.destination : hop.packet.source);
    }
    if (hop.resource != nullptr) resourceNodes(hop.resource->id, network, ids);
  }
  return ids;
}

/// What the page shows, whatever command made it: a table of selectable
/// answers (rows x columns), each answer's details, a diagram per network.
struct Page {
  struct Entry {
    std::string row;
    std::string column;
    std::string cell;  ///< the word the table shows
    bool ok = true;
    std::string heading;
    std::string subheading;
    std::string question;
    std::string verdict_line;
    std::vector<std::string> reasons;
    std::vector<const sim::TraceResult*> traces;
    bool trace_verdicts = true;  ///< print each trace's verdict (not for a finding's example)
    /// The assumptions behind the answer: shared by the entries of one check
    /// and written once (a verify report has thousands of findings).
    const std::vector<std::string>* assumptions = nullptr;
    std::size_t network = 0;
    std::vector<std::string> fields;  ///< the row of a list table (list_columns)
    std::string body_html;            ///< more of the details, as HTML (a chart)
    std::set<std::string> nodes;      ///< more diagram elements to light than the traces touch
  };
  struct Diagram {
    std::string label;
    const topology::Topology* topology = nullptr;
    const sim::Network* network = nullptr;
  };
  std::string title;
  std::string description;
  std::string summary_html;  ///< the header's last line, as HTML
  std::string table_heading = "Checks";
  std::string details_heading = "Selected check";
  std::string row_heading = "check";
  std::vector<std::string> rows;
  std::vector<std::string> columns;
  /// When set, the table is a list, one entry a row under these headings,
  /// sortable by a click on a heading and filtered by a text box.
  std::vector<std::string> list_columns;
  std::vector<Entry> entries;
  std::vector<Diagram> diagrams;
  std::string extra;  ///< more sections under the details (capacity, warnings), as HTML
  std::deque<sim::TraceResult> owned;  ///< traces the page made up (a finding's example)
  std::deque<std::vector<std::string>> owned_assumptions;  ///< assumption lists the page made up
};

class PageWriter {
 public:
  explicit PageWriter(const Page& page) : page_(page) {}

  topology::Result<std::string> write() {
    out_ += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    // No request leaves the page: scripts and styles are inline, nothing else loads.
    out_ += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "script-src 'unsafe-inline'; img-src data:\">\n";
    out_ += fmt::format("<title>vpcsim: {}</title>\n<style>{}</style>\n</head>\n<body>\n", html(page_.title), kStyle);
    out_ += fmt::format("<header><h1>{}</h1><div>{}</div><div class=\"muted\">{}</div></header>\n",
                        html(page_.title), html(page_.description), page_.summary_html);
    out_ += "<main>\n<div class=\"matrix-wrap\">\n";
    if (page_.list_columns.empty()) {
      writeMatrix();
    } else {
      writeList();
    }
    out_ += "</div>\n<div class=\"panes\">\n<div>\n";
    writeDetails();
    // Without a diagram the right pane takes the other sections.
    if (!page_.diagrams.empty()) out_ += page_.extra;
    out_ += "</div>\n<div>\n";
    if (page_.diagrams.empty()) out_ += page_.extra;
    if (!page_.diagrams.empty()) {
      out_ += "<h2>Network</h2>\n<p><input id=\"find\" type=\"search\" placeholder=\"find: ID, name, CIDR, "
              "tag=value\" aria-label=\"find on the diagram\"> <label><input id=\"only-found\" type=\"checkbox\"> "
              "only matches</label> <span id=\"found\" class=\"muted\"></span></p>\n"
              "<div id=\"node-info\" class=\"node-info-panel\" hidden></div>\n";
    }
    if (auto problem = writeDiagrams()) return *problem;
    out_ += "</div>\n</div>\n</main>\n";
    out_ += fmt::format("<script>{}</script>\n</body>\n</html>\n", kScript);
    return std::move(out_);
  }

 private:
  static std::string entryId(std::size_t index) { return fmt::format("o{}", index); }

  const Page::Entry* find(const std::string& row, const std::string& column, std::size_t& index) const {
    for (std::size_t i = 0; i < page_.entries.size(); ++i) {
      if (page_.entries[i].row == row && page_.entries[i].column == column) {
        index = i;
        return &page_.entries[i];
      }
    }
    return nullptr;
  }

  void writeMatrix() {
    out_ += fmt::format("<h2>{}</h2>\n<table class=\"matrix\">\n<tr><th>{}</th>", html(page_.table_heading),
                        html(page_.row_heading));
    for (const auto& column : page_.columns) out_ += "<th>" + html(column) + "</th>";
    out_ += "</tr>\n";
    for (const auto& row : page_.rows) {
      out_ += "<tr><td class=\"check\">" + html(row) + "</td>";
      for (const auto& column : page_.columns) {
        std::size_t index = 0;
        const Page::Entry* entry = find(row, column, index);
        if (entry == nullptr) {
          out_ += "<td class=\"none\">-</td>";
          continue;
        }
        out_ += fmt::format("<td class=\"{}\"><button data-outcome=\"{}\">{}</button></td>", entry->ok ? "ok" : "fail",
                            entryId(index), html(entry->cell));
      }
      out_ += "</tr>\n";
    }
    out_ += "</table>\n";
  }

  void writeList() {
    out_ += fmt::format("<h2>{}</h2>\n<p><input id=\"filter\" type=\"search\" placeholder=\"filter\" "
                        "aria-label=\"filter the rows\"></p>\n<table class=\"matrix list\">\n<thead><tr>",
                        html(page_.table_heading));
    for (std::size_t c = 0; c < page_.list_columns.size(); ++c) {
      out_ += fmt::format("<th data-sort=\"{}\">{}</th>", c, html(page_.list_columns[c]));
    }
    out_ += "</tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < page_.entries.size(); ++i) {
      const Page::Entry& entry = page_.entries[i];
      out_ += "<tr>";
      for (std::size_t c = 0; c < entry.fields.size(); ++c) {
        if (c == 0) {
          out_ += fmt::format("<td class=\"{}\"><button data-outcome=\"{}\">{}</button></td>", entry.ok ? "ok" : "fail",
                              entryId(i), html(entry.fields[c]));
        } else {
          out_ += "<td>" + html(entry.fields[c]) + "</td>";
        }
      }
      out_ += "</tr>\n";
    }
    out_ += "</tbody>\n</table>\n";
  }

  void writeDetails() {
    out_ += "<h2>" + html(page_.details_heading) + "</h2>\n";
    std::map<const std::vector<std::string>*, std::size_t> assumption_ids;
    std::vector<const std::vector<std::string>*> assumption_sets;
    for (std::size_t i = 0; i < page_.entries.size(); ++i) {
      const Page::Entry& entry = page_.entries[i];
      const sim::Network* network = entry.network < page_.diagrams.size() ? page_.diagrams[entry.network].network
                                                                          : nullptr;
      std::set<std::string> nodes = entry.nodes;
      std::set<std::string> return_nodes;
      std::set<std::string> block_nodes;
      for (const auto* result : entry.traces) {
        std::vector<sim::Hop> forward;
        std::vector<sim::Hop> back;
        for (const auto& hop : result->path) (hop.direction == sim::Direction::kReturn ? back : forward).push_back(hop);
        for (const auto& leg : result->legs) {
          for (const auto& hop : leg.path) (hop.direction == sim::Direction::kReturn ? back : forward).push_back(hop);
        }
        for (const auto& id : pathNodes(forward, network)) nodes.insert(id);
        for (const auto& id : pathNodes(back, network)) return_nodes.insert(id);
        // The component an explanation names: its ID, before the name in brackets.
        auto blocked = [&](const std::vector<sim::Explanation>& explanations) {
          for (const auto& explanation : explanations) {
            resourceNodes(explanation.component.substr(0, explanation.component.find(' ')), network, block_nodes);
          }
        };
        blocked(result->explanations);
        for (const auto& leg : result->legs) blocked(leg.explanations);
      }
      // Route tables and network ACLs are drawn inside their subnets' boxes:
      // a stop at one lights the subnets on the path that use it.
      if (network != nullptr) {
        for (const auto& subnet : network->topology().subnets) {
          if (nodes.count(subnet.meta.id) == 0) continue;
          const topology::RouteTable* table = network->index().routeTableFor(subnet);
          const topology::NetworkAcl* acl = network->index().aclFor(subnet);
          if ((table != nullptr && block_nodes.count(table->meta.id) != 0) ||
              (acl != nullptr && block_nodes.count(acl->meta.id) != 0)) {
            block_nodes.insert(subnet.meta.id);
          }
        }
      }
      // The VPCs the path's subnets lie in: their nodes in the overview.
      if (network != nullptr) {
        const auto& vpc_of = vpcOfSubnet(*network);
        for (auto* ids : {&nodes, &return_nodes}) {
          std::vector<std::string> vpcs;
          for (const auto& id : *ids) {
            if (auto it = vpc_of.find(id); it != vpc_of.end()) vpcs.push_back(it->second);
          }
          ids->insert(vpcs.begin(), vpcs.end());
        }
      }
      auto listed = [](const std::set<std::string>& ids, const std::set<std::string>& except) {
        std::string out;
        for (const auto& id : ids) {
          if (except.count(id) == 0) out += (out.empty() ? "" : " ") + id;
        }
        return out;
      };
      // The section's id is not the entry's: a link to report.html#oN selects
      // the entry without scrolling the page to it.
      std::string assumptions;
      if (entry.assumptions != nullptr && !entry.assumptions->empty()) {
        auto [it, added] = assumption_ids.emplace(entry.assumptions, assumption_ids.size());
        if (added) assumption_sets.push_back(entry.assumptions);
        assumptions = fmt::format(" data-assumptions=\"a{}\"", it->second);
      }
      out_ += fmt::format("<section class=\"detail\" id=\"d-{}\" data-variant=\"v{}\" data-nodes=\"{}\" "
                          "data-return-nodes=\"{}\" data-block-nodes=\"{}\"{} hidden>\n",
                          entryId(i), entry.network, html(listed(nodes, {})), html(listed(return_nodes, nodes)),
                          html(listed(block_nodes, {})), assumptions);
      out_ += fmt::format("<h3>{}{}</h3>\n", html(entry.heading),
                          entry.subheading.empty() ? ""
                                                   : " <span class=\"muted\">[" + html(entry.subheading) + "]</span>");
      if (!entry.question.empty()) out_ += fmt::format("<p>{}</p>\n", html(entry.question));
      out_ += fmt::format("<p class=\"{}\">{}</p>\n", entry.ok ? "verdict-ok" : "verdict-fail",
                          html(entry.verdict_line));
      if (!entry.reasons.empty()) {
        out_ += "<ul>";
        for (const auto& reason : entry.reasons) out_ += "<li>" + html(reason) + "</li>";
        out_ += "</ul>\n";
      }
      out_ += entry.body_html;
      for (const auto* result : entry.traces) writeTrace(*result, entry.trace_verdicts);
      out_ += "</section>\n";
    }
    // Each set of assumptions once, shown under the selected entry's details.
    for (std::size_t i = 0; i < assumption_sets.size(); ++i) {
      out_ += fmt::format("<details class=\"assumptions\" id=\"a{}\" hidden><summary>assumptions</summary><ul>", i);
      for (const auto& assumption : *assumption_sets[i]) out_ += "<li>" + html(assumption) + "</li>";
      out_ += "</ul></details>\n";
    }
  }

  /// One source's answer: its verdict, then its hops as Reachability Analyzer lists them.
  void writeTrace(const sim::TraceResult& result, bool with_verdict) {
    out_ += with_verdict ? fmt::format("<p><b>{}</b>: {}</p>\n", html(result.source),
                                       htmlEscape(sim::verdictName(result.verdict)))
                         : fmt::format("<p><b>{}</b></p>\n", html(result.source));
    writeHops(result.path);
    writeBlocked(result.explanations);
    // A load balancer on the path: each target's leg under it.
    for (const auto& leg : result.legs) {
      out_ += "<p class=\"leg\">load balancer to " + html(legHeading(leg)) + "</p>\n";
      writeHops(leg.path);
      writeBlocked(leg.explanations);
    }
  }

  /// Hops as Reachability Analyzer lists them.
  void writeHops(const std::vector<sim::Hop>& path) {
    if (path.empty()) return;
    out_ += "<table><tr><th></th><th>type</th><th>component</th><th>rule</th></tr>\n";
    for (const auto& hop : path) {
      out_ += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                          hop.direction == sim::Direction::kReturn ? "&larr;" : "&rarr;",
                          htmlEscape(hopTypeName(hop.kind)), html(sim::componentName(hop)), html(hopRule(hop)));
    }
    out_ += "</table>\n";
  }

  void writeBlocked(const std::vector<sim::Explanation>& explanations) {
    for (const auto& explanation : explanations) {
      out_ += "<p class=\"verdict-fail\">blocked: " + html(explanationText(explanation)) + "</p>\n";
    }
  }

  /// Each variant's pictures (one, or an overview and one per VPC, with a
  /// selector), and what the page tells of a clicked node, as JSON.
  std::optional<topology::Error> writeDiagrams() {
    for (std::size_t i = 0; i < page_.diagrams.size(); ++i) {
      const Page::Diagram& diagram = page_.diagrams[i];
      std::vector<DiagramView> views = diagramViews(*diagram.topology);
      out_ += fmt::format("<div class=\"diagram\" id=\"v{}\"{}>\n{}", i, i == 0 ? "" : " hidden",
                          diagram.label.empty() ? "" : "<p class=\"muted\">variant " + html(diagram.label) + "</p>\n");
      if (views.size() > 1) {
        out_ += "<p><label>picture <select class=\"view-select\">";
        for (const auto& view : views) {
          out_ += fmt::format("<option value=\"{}\" data-label=\"{}\">{}</option>", html(view.key), html(view.label),
                              html(view.label));
        }
        out_ += "</select></label> <span class=\"muted\">click a VPC to open its picture</span></p>\n";
      }
      for (std::size_t j = 0; j < views.size(); ++j) {
        auto svg = layoutSvg(views[j].dot);
        if (!svg) {
          std::string where = views.size() > 1 ? fmt::format("{}: ", views[j].label) : std::string();
          return topology::Error{diagram.label.empty()
                                     ? where + svg.error()
                                     : fmt::format("variant '{}': {}{}", diagram.label, where, svg.error())};
        }
        const std::string prefix = fmt::format("v{}d{}", i, j);
        out_ += fmt::format("<div class=\"view\" id=\"{}\" data-key=\"{}\"{}>\n{}</div>\n", prefix,
                            html(views[j].key), j == 0 ? "" : " hidden", inlineSvg(*svg, prefix));
      }
      out_ += "<script type=\"application/json\" class=\"node-info\">" + nodeInfoJson(*diagram.topology) +
              "</script>\n</div>\n";
    }
    return std::nullopt;
  }

  /// nodeInfo as JSON for a <script> block: every string made printable
  /// (valid UTF-8), and "<" written as \u003c so no input text can end the block.
  static std::string nodeInfoJson(const topology::Topology& topology) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [id, info] : nodeInfo(topology)) {
      nlohmann::json tags = nlohmann::json::array();
      for (const auto& [key, value] : info.tags) {
        tags.push_back(nlohmann::json::array({topology::escapeText(key), topology::escapeText(value)}));
      }
      nlohmann::json lines = nlohmann::json::array();
      for (const auto& line : info.lines) lines.push_back(topology::escapeText(line));
      nlohmann::json refs = nlohmann::json::array();
      for (const auto& ref : info.refs) refs.push_back(topology::escapeText(ref));
      out[topology::escapeText(id)] = {
          {"title", topology::escapeText(info.title)}, {"tags", tags}, {"lines", lines}, {"refs", refs}};
    }
    std::string text = out.dump();
    std::string safe;
    safe.reserve(text.size());
    for (char c : text) {
      if (c == '<') {
        safe += "\\u003c";
      } else {
        safe += c;
      }
    }
    return safe;
  }

  /// Each subnet's VPC, by subnet ID, once per network.
  const std::map<std::string, std::string, std::less<>>& vpcOfSubnet(const sim::Network& network) {
    auto [it, added] = vpc_of_subnet_.try_emplace(&network);
    if (added) {
      for (const auto& subnet : network.topology().subnets) it->second.emplace(subnet.meta.id, subnet.vpc_id);
    }
    return it->second;
  }

  const Page& page_;
  std::string out_;
  std::map<const sim::Network*, std::map<std::string, std::string, std::less<>>> vpc_of_subnet_;
};

/// The traced answers behind a scenario outcome.
std::vector<const sim::TraceResult*> outcomeTraces(const scenario::CheckOutcome& outcome) {
  std::vector<const sim::TraceResult*> out;
  auto add = [&](const sim::ReachReport& report) {
    for (const auto& result : report.results) out.push_back(&result);
  };
  switch (outcome.kind) {
    case scenario::CheckKind::kReach: add(outcome.report); break;
    case scenario::CheckKind::kPresignedUrl:
      add(outcome.presigned_url->created);
      add(outcome.presigned_url->opened);
      break;
    case scenario::CheckKind::kVerify:
      for (const auto& report : outcome.verify) {
        for (const auto& result : report.undetermined) out.push_back(&result);
      }
      break;
    case scenario::CheckKind::kAccess: break;
  }
  return out;
}

Page scenarioPage(const scenario::ScenarioRun& run) {
  Page page;
  std::size_t held = 0;
  std::size_t failed = 0;
  for (const auto& outcome : run.outcomes) ++(outcome.pass ? held : failed);
  for (const auto& outcome : run.capacity) {
    if (outcome.has_expectation) ++(outcome.pass ? held : failed);
  }
  page.title = run.name;
  page.description = run.description;
  page.summary_html = fmt::format("{} &middot; {} checks, {} variants{}: {} expectations hold, {} fail", html(run.file),
                                  run.checks.size(), run.variants.size(), run.capacity.empty() ? "" : ", capacity",
                                  held, failed);
  page.rows = run.checks;
  page.columns = run.variants;
  for (std::size_t i = 0; i < run.networks.size() && i < run.variants.size(); ++i) {
    page.diagrams.push_back({run.variants[i], &run.networks[i]->topo, run.networks[i]->network.get()});
  }
  for (const auto& outcome : run.outcomes) {
    Page::Entry entry;
    entry.row = outcome.check;
    entry.column = outcome.variant;
    entry.ok = outcome.pass;
    entry.cell = std::string(outcomeWord(outcome, outcome.verdict)) + (outcome.pass ? "" : " (FAIL)");
    entry.heading = outcome.check;
    entry.subheading = outcome.variant;
    entry.question = outcomeQuestion(outcome);
    entry.verdict_line = fmt::format("{} (expected {}){}", outcomeWord(outcome, outcome.verdict),
                                     outcomeWord(outcome, outcome.expected), outcome.pass ? "" : ": FAIL");
    entry.reasons = outcomeReasons(outcome);
    entry.traces = outcomeTraces(outcome);
    entry.assumptions = &page.owned_assumptions.emplace_back(outcomeAssumptions(outcome));
    for (std::size_t i = 0; i < run.variants.size(); ++i) {
      if (run.variants[i] == outcome.variant) entry.network = i;
    }
    page.entries.push_back(std::move(entry));
  }
  if (!run.capacity.empty()) {
    page.extra += "<h2>Capacity</h2>\n";
    for (const auto& outcome : run.capacity) {
      page.extra += fmt::format("<h3>{} <span class=\"muted\">plan {}</span></h3>\n", html(outcome.variant),
                                html(outcome.plan));
      page.extra += "<pre>" + htmlLines(capacitySummaryText(outcome.projection)) + "</pre>\n";
      if (outcome.has_expectation) {
        page.extra += fmt::format("<p class=\"{}\">no subnet runs out within {} months{}: {}</p>\n",
                                  outcome.pass ? "verdict-ok" : "verdict-fail", outcome.headroom_months,
                                  outcome.with_az_loss ? " (also with any one AZ lost)" : "",
                                  outcome.pass ? "ok" : "FAIL");
        for (const auto& failure : outcome.failures) page.extra += "<p>" + html(failure) + "</p>\n";
      }
    }
  }
  if (!run.policy_warnings.empty()) {
    page.extra += "<h2>Endpoint policy warnings</h2>\n<ul>\n";
    for (const auto& variant : run.policy_warnings) {
      for (const auto& warning : variant.warnings) {
        page.extra += fmt::format("<li>[{}] {}</li>\n", html(variant.variant), html(policyWarningLine(warning)));
      }
    }
    page.extra += "</ul>\n";
  }
  return page;
}

Page reachPage(const sim::ReachReport& report, const sim::Network& network) {
  Page page;
  page.title = fmt::format("reach {} -> {}", report.from, report.to);
  page.description = fmt::format("{} ({})", sim::verdictName(report.verdict), report.traffic);
  page.summary_html = html(fmt::format("{} answer{}, each traced both ways", report.results.size(),
                                       report.results.size() == 1 ? "" : "s"));
  page.table_heading = "Answers";
  page.row_heading = "source";
  page.details_heading = "Selected answer";
  page.columns = {"verdict"};
  page.diagrams.push_back({"", &network.topology(), &network});
  for (const auto& result : report.results) {
    Page::Entry entry;
    entry.row = result.source;
    entry.column = "verdict";
    entry.cell = std::string(sim::verdictName(result.verdict));
    entry.ok = result.verdict == sim::Verdict::kReachable;
    entry.heading = result.source;
    entry.question = fmt::format("{} -> {} ({})", report.from, report.to, report.traffic);
    entry.verdict_line = entry.cell;
    entry.traces = {&result};
    entry.assumptions = &report.assumptions;
    if (std::find(page.rows.begin(), page.rows.end(), result.source) == page.rows.end()) {
      page.rows.push_back(result.source);
    } else {
      entry.row = fmt::format("{} #{}", result.source, page.entries.size() + 1);
      page.rows.push_back(entry.row);
    }
    page.entries.push_back(std::move(entry));
  }
  return page;
}

Page verifyPage(const std::vector<sim::VerifyReport>& reports, const sim::Network& network) {
  Page page;
  page.title = "verify";
  std::string verdicts;
  for (const auto& report : reports) {
    const std::string word = report.verdict == sim::Verdict::kUnreachable ? "holds"
                             : report.verdict == sim::Verdict::kReachable ? "violated"
                                                                           : "undetermined";
    verdicts += fmt::format("{}{}: {}", verdicts.empty() ? "" : "; ", report.check, word);
  }
  page.description = verdicts;
  page.table_heading = "Findings";
  page.details_heading = "Selected finding";
  page.list_columns = {"check", "source", "to", "classes", "reply returns", "opened by"};
  page.diagrams.push_back({"", &network.topology(), &network});
  for (const auto& report : reports) {
    const std::string check = report.scope_origin.empty() ? report.check
                                                          : fmt::format("{} ({})", report.check, report.scope_origin);
    for (const auto& finding : report.findings) {
      sim::TraceResult& example = page.owned.emplace_back();
      example.source = fmt::format("example: {} from {}", finding.example_text, finding.source);
      example.path = finding.path;
      example.legs = finding.legs;
      Page::Entry entry;
      entry.ok = false;
      entry.fields = {check,
                      finding.source_subnet.empty() ? std::string("-") : finding.source_subnet,
                      finding.exit_point,
                      std::to_string(finding.classes),
                      finding.round_trip ? "yes" : "no",
                      finding.opening.empty() ? std::string("-") : finding.opening};
      entry.heading = fmt::format("{} -> {}", finding.source_subnet.empty() ? finding.source : finding.source_subnet,
                                  finding.exit_point);
      entry.subheading = check;
      entry.verdict_line = fmt::format("violated: {} ({} classes)", finding.rule, finding.classes);
      if (!finding.opening.empty()) {
        entry.reasons.push_back(fmt::format("opened by {}{}", finding.opening,
                                            finding.location.empty() ? "" : " at " + finding.location));
      }
      entry.traces = {&example};
      entry.trace_verdicts = false;
      entry.assumptions = &report.assumptions;
      page.entries.push_back(std::move(entry));
    }
    for (const auto& result : report.undetermined) {
      Page::Entry entry;
      entry.ok = false;
      const std::string code = result.explanations.empty() ? std::string() : result.explanations.front().code;
      entry.fields = {check, result.source, "undetermined: " + code, "-", "-", "-"};
      entry.heading = result.source;
      entry.subheading = check;
      entry.verdict_line = "undetermined";
      entry.traces = {&result};
      entry.assumptions = &report.assumptions;
      page.entries.push_back(std::move(entry));
    }
    if (report.findings.empty() && report.undetermined.empty()) {
      Page::Entry entry;
      entry.fields = {check, "-", "holds", std::to_string(report.classes_checked), "-", "-"};
      entry.heading = check;
      entry.verdict_line = fmt::format("holds over {} classes", report.classes_checked);
      entry.assumptions = &report.assumptions;
      page.entries.push_back(std::move(entry));
    }
  }
  page.summary_html = html(fmt::format("{} check{}, {} row{}", reports.size(), reports.size() == 1 ? "" : "s",
                                       page.entries.size(), page.entries.size() == 1 ? "" : "s"));
  return page;
}

/// A subnet's projection as an SVG line chart: the band between the lowest
/// and highest percentile, the expected use, the worst projection with one
/// AZ lost (dashed), the capacity line and the month it runs out.
std::string capacityChart(const capacity::CapacityProjection& p, const capacity::SubnetProjection& s) {
  constexpr double kWidth = 560;
  constexpr double kHeight = 220;
  constexpr double kLeft = 56;
  constexpr double kRight = 12;
  constexpr double kTop = 12;
  constexpr double kBottom = 30;
  const int horizon = std::max(1, p.horizon_months);
  // The worst N-1 case for this subnet: the highest peak.
  const capacity::SubnetProjection* lost = nullptr;
  std::string lost_az;
  for (const auto& failure : p.n_minus_one) {
    for (const auto& other : failure.subnets) {
      if (other.subnet_id == s.subnet_id && (lost == nullptr || other.peak > lost->peak)) {
        lost = &other;
        lost_az = failure.lost_az;
      }
    }
  }
  double top = static_cast<double>(s.capacity);
  auto highest = [](const capacity::MonthUse& m) { return m.analytic.empty() ? m.expected : m.analytic.back(); };
  auto lowest = [](const capacity::MonthUse& m) { return m.analytic.empty() ? m.expected : m.analytic.front(); };
  for (const auto& m : s.months) top = std::max(top, highest(m));
  if (lost != nullptr) {
    for (const auto& m : lost->months) top = std::max(top, highest(m));
  }
  top = std::max(1.0, top * 1.1);
  auto x = [&](int month) { return kLeft + (kWidth - kLeft - kRight) * month / horizon; };
  auto y = [&](double value) { return kTop + (kHeight - kTop - kBottom) * (1.0 - value / top); };
  auto line = [&](const std::vector<capacity::MonthUse>& months, auto value) {
    std::string points;
    for (const auto& m : months) points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", x(m.month), y(value(m)));
    return points;
  };
  std::string svg = fmt::format(
      "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" role=\"img\" "
      "aria-label=\"projected addresses in use in {} over {} months\">\n",
      kWidth, kHeight, html(s.subnet_id), horizon);
  // Axes and their labels.
  svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#57606a\"/>"
                     "<line x1=\"{0:.1f}\" y1=\"{2:.1f}\" x2=\"{3:.1f}\" y2=\"{2:.1f}\" stroke=\"#57606a\"/>\n",
                     kLeft, kTop, kHeight - kBottom, kWidth - kRight);
  for (int month : {0, horizon / 2, horizon}) {
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"{}\">month {}</text>\n",
                       x(month), kHeight - 10, month == horizon ? "end" : month == 0 ? "start" : "middle", month);
  }
  for (double value : {0.0, top / 2, top}) {
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"end\">{:.0f}</text>\n",
                       kLeft - 4, y(value) + 4, value);
  }
  if (!s.months.empty()) {
    // The band: the highest percentile forward, the lowest back.
    std::string band = line(s.months, highest);
    for (auto it = s.months.rbegin(); it != s.months.rend(); ++it) {
      band += fmt::format(" {:.1f},{:.1f}", x(it->month), y(lowest(*it)));
    }
    svg += fmt::format("<polygon points=\"{}\" fill=\"#0969da\" fill-opacity=\"0.18\" stroke=\"none\"/>\n", band);
    svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"#0969da\" stroke-width=\"2\"/>\n",
                       line(s.months, [](const capacity::MonthUse& m) { return m.expected; }));
  }
  if (lost != nullptr && !lost->months.empty()) {
    svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"#bc4c00\" stroke-width=\"1.5\" "
                       "stroke-dasharray=\"5 3\"><title>highest percentile with {} lost</title></polyline>\n",
                       line(lost->months, highest), html(lost_az));
  }
  svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#cf222e\" "
                     "stroke-dasharray=\"6 3\"/><text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" fill=\"#cf222e\">"
                     "capacity {}</text>\n",
                     kLeft, y(static_cast<double>(s.capacity)), kWidth - kRight, y(static_cast<double>(s.capacity)),
                     kLeft + 4, y(static_cast<double>(s.capacity)) - 4, s.capacity);
  if (s.exhaustion_month) {
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#cf222e\"/>"
                       "<text x=\"{3:.1f}\" y=\"{4:.1f}\" font-size=\"11\" fill=\"#cf222e\">runs out: month {5}</text>\n",
                       x(*s.exhaustion_month), kTop, kHeight - kBottom, x(*s.exhaustion_month) + 4, kTop + 12,
                       *s.exhaustion_month);
  }
  svg += "</svg>\n";
  std::string legend = "<p class=\"muted\">band: p" +
                       (p.percentiles.empty() ? std::string("-")
                                              : fmt::format("{:g} to p{:g}", p.percentiles.front(), p.percentiles.back())) +
                       "; line: expected; red: capacity" + (lost != nullptr ? "; dashed: highest with " + html(lost_az) + " lost" : "") +
                       "</p>\n";
  return svg + legend;
}

/// A VPC's subnet plan drawn inside its first CIDR block: the subnets there
/// now (grey) and the new ones proposed (green), each where its addresses lie.
std::string planDrawing(const capacity::SubnetPlan& plan, const std::vector<capacity::SubnetProjection>& existing) {
  if (plan.vpc_cidrs.empty()) return "";
  auto vpc = topology::Cidr::parse(plan.vpc_cidrs.front());
  if (!vpc) return "";
  constexpr double kWidth = 560;
  const double size = static_cast<double>(vpc->size());
  std::string svg = fmt::format("<svg class=\"plan\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"46\" "
                                "role=\"img\" aria-label=\"subnet plan of {}\">\n"
                                "<rect x=\"0\" y=\"4\" width=\"{:.0f}\" height=\"24\" fill=\"#f6f8fa\" stroke=\"#57606a\"/>\n",
                                kWidth, html(plan.vpc_id), kWidth);
  // The subnets there now, under the plan's.
  for (const auto& subnet : existing) {
    auto block = topology::Cidr::parse(subnet.cidr);
    if (!block || !vpc->contains(*block)) continue;
    const double left = kWidth * static_cast<double>(block->base().value() - vpc->base().value()) / size;
    const double width = std::max(1.0, kWidth * static_cast<double>(block->size()) / size);
    svg += fmt::format("<rect x=\"{:.1f}\" y=\"4\" width=\"{:.1f}\" height=\"24\" fill=\"#8c959f\" stroke=\"#fff\">"
                       "<title>{} {} (now)</title></rect>\n",
                       left, width, html(subnet.subnet_id), html(subnet.cidr));
  }
  for (const auto& planned : plan.subnets) {
    auto block = topology::Cidr::parse(planned.cidr);
    if (!block || !vpc->contains(*block) || !planned.is_new) continue;
    const double left = kWidth * static_cast<double>(block->base().value() - vpc->base().value()) / size;
    const double width = std::max(1.0, kWidth * static_cast<double>(block->size()) / size);
    svg += fmt::format("<rect x=\"{:.1f}\" y=\"4\" width=\"{:.1f}\" height=\"24\" fill=\"{}\" stroke=\"#fff\">"
                       "<title>{} {}{}</title></rect>\n",
                       left, width, planned.is_new ? "#2da44e" : "#0969da", html(planned.subnet_id),
                       html(planned.cidr), planned.is_new ? " (new)" : "");
  }
  svg += fmt::format("<text x=\"0\" y=\"42\" font-size=\"11\">{}</text><text x=\"{:.0f}\" y=\"42\" font-size=\"11\" "
                     "text-anchor=\"end\">{} addresses</text>\n</svg>\n",
                     html(plan.vpc_cidrs.front()), kWidth, vpc->size());
  return svg;
}

Page capacityPage(const capacity::CapacityProjection& p, const std::string& plan_file) {
  Page page;
  page.title = "capacity";
  page.description = fmt::format("plan {}: {} months", plan_file, p.horizon_months);
  page.summary_html = html(fmt::format("{} subnets projected{}", p.subnets.size(),
                                       p.n_minus_one.empty() ? "" : ", with every one AZ lost"));
  page.table_heading = "Subnets";
  page.details_heading = "Selected subnet";
  page.list_columns = {"subnet", "AZ", "CIDR", "free now", "runs out (month)", "one AZ lost (month)", "proposed"};
  for (const auto& s : p.subnets) {
    const double free_now = s.months.empty() ? static_cast<double>(s.capacity) : s.months[0].headroom;
    const std::optional<int> lost = exhaustionWithAzLost(p, s.subnet_id);
    Page::Entry entry;
    entry.ok = !s.exhaustion_month && !lost;
    entry.fields = {s.subnet_id,
                    s.availability_zone,
                    s.cidr,
                    fmt::format("{:.0f}", std::floor(free_now)),
                    s.exhaustion_month ? std::to_string(*s.exhaustion_month) : "-",
                    lost ? std::to_string(*lost) : "-",
                    proposalText(p, s)};
    entry.heading = s.name.empty() ? s.subnet_id : fmt::format("{} ({})", s.subnet_id, s.name);
    entry.subheading = s.cidr;
    entry.verdict_line = s.exhaustion_month ? fmt::format("runs out in month {}", *s.exhaustion_month)
                                            : fmt::format("does not run out within {} months", p.horizon_months);
    entry.body_html = capacityChart(p, s);
    page.entries.push_back(std::move(entry));
  }
  for (const auto& plan : p.subnet_plans) {
    page.extra += fmt::format("<h2>Subnet plan for {}</h2>\n<p>{}</p>\n{}<p class=\"muted\">grey: subnets now; "
                              "green: new subnets proposed</p>\n",
                              html(plan.vpc_id), html(plan.statement), planDrawing(plan, p.subnets));
  }
  page.extra += "<h2>Projection</h2>\n<pre>" + htmlLines(capacityOverviewText(p)) + "</pre>\n";
  return page;
}

Page diffPage(const scenario::ScenarioDiff& diff) {
  Page page;
  page.title = fmt::format("diff {}: {} -> {}", diff.scenario, diff.from, diff.to);
  page.description = fmt::format("{} check(s) and {} of {} flows change their verdict", diff.checks.size(),
                                 diff.flows.size(), diff.flows_compared);
  std::string inputs;
  for (const auto& change : diff.input_changes) inputs += (inputs.empty() ? "" : "; ") + change;
  page.summary_html = html(inputs.empty() ? std::string("no input change") : "input changes: " + inputs);
  page.table_heading = "Changed verdicts";
  page.details_heading = "Selected change";
  page.list_columns = {"check or flow", "before", "after", "responsible", "defined at"};
  for (std::size_t i = 0; i < diff.networks.size(); ++i) {
    page.diagrams.push_back({i == 0 ? diff.from : diff.to, &diff.networks[i]->topo, diff.networks[i]->network.get()});
  }
  for (const auto* changes : {&diff.checks, &diff.flows}) {
    for (const auto& change : *changes) {
      auto word = [](const std::optional<sim::Verdict>& verdict) {
        return verdict ? std::string(sim::verdictName(*verdict)) : std::string("(absent)");
      };
      std::string flow = flowText(change);
      if (!change.check.empty()) flow = change.check + ": " + flow;
      const std::string responsible = responsibleText(change.parting);
      Page::Entry entry;
      entry.ok = change.after == sim::Verdict::kUnreachable;
      entry.fields = {flow, word(change.before), word(change.after), responsible.empty() ? "-" : responsible,
                      change.origin.empty() ? "-" : change.origin};
      entry.heading = flow;
      entry.verdict_line = fmt::format("{} -> {}", word(change.before), word(change.after));
      if (!responsible.empty()) entry.reasons.push_back("responsible: " + responsible);
      if (!change.origin.empty()) entry.reasons.push_back("defined at: " + change.origin);
      // The hop where the answers part, drawn on the variant it belongs to.
      const scenario::Parting& parting = change.parting;
      const bool after = parting.after.has_value();
      if (after || parting.before) {
        sim::TraceResult& hop = page.owned.emplace_back();
        hop.source = fmt::format("where the answers part ({})", after ? diff.to : diff.from);
        hop.path.push_back(after ? *parting.after : *parting.before);
        entry.traces = {&hop};
        entry.trace_verdicts = false;
        entry.network = after && page.diagrams.size() > 1 ? 1 : 0;
        // A route: the subnets whose table it is and where it leads.
        const sim::Hop& parted = hop.path.front();
        if (parted.kind == sim::HopKind::kRouteTable && entry.network < page.diagrams.size()) {
          const sim::Network* network = page.diagrams[entry.network].network;
          for (const auto& subnet : network->topology().subnets) {
            const topology::RouteTable* table = network->index().routeTableFor(subnet);
            if (table != nullptr && parted.resource != nullptr && table->meta.id == parted.resource->id) {
              entry.nodes.insert(subnet.meta.id);
            }
          }
          if (parted.route != nullptr) entry.nodes.insert(parted.route->target_id);
        }
      }
      page.entries.push_back(std::move(entry));
    }
  }
  return page;
}

}  // namespace

topology::Result<std::string> diffHtml(const scenario::ScenarioDiff& diff) {
  const Page page = diffPage(diff);
  return PageWriter(page).write();
}

topology::Result<std::string> capacityHtml(const capacity::CapacityProjection& projection, const std::string& plan_file) {
  const Page page = capacityPage(projection, plan_file);
  return PageWriter(page).write();
}

topology::Result<std::string> reachHtml(const sim::ReachReport& report, const sim::Network& network) {
  const Page page = reachPage(report, network);
  return PageWriter(page).write();
}

topology::Result<std::string> verifyHtml(const std::vector<sim::VerifyReport>& reports, const sim::Network& network) {
  const Page page = verifyPage(reports, network);
  return PageWriter(page).write();
}

topology::Result<std::string> scenarioHtml(const scenario::ScenarioRun& run) {
  const Page page = scenarioPage(run);
  return PageWriter(page).write();
}

}  // namespace vpcsim::reports

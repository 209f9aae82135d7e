#include "reports/html_report.h"

#include <set>
#include <string_view>

#include <fmt/format.h>

#include "reports/capacity_report.h"
#include "reports/diagram.h"
#include "reports/lint_report.h"
#include "reports/path_render.h"
#include "reports/scenario_outcome.h"
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

// Everything the page needs is here: no script, style or font is fetched.
constexpr std::string_view kStyle = R"(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:12px 20px;border-bottom:1px solid #d0d7de}
h1{font-size:20px;margin:0 0 4px}
h2{font-size:16px;margin:18px 0 8px}
h3{font-size:15px;margin:0 0 6px}
main{padding:12px 20px}
.panes{display:grid;grid-template-columns:minmax(380px,1fr) minmax(420px,1.3fr);gap:16px}
.matrix-wrap{overflow:auto}
table{border-collapse:collapse;font-size:13px}
th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}
.matrix button{border:0;background:none;font:inherit;cursor:pointer;padding:0;text-decoration:underline dotted}
td.ok{background:#dafbe1}td.fail{background:#ffebe9;font-weight:600}td.none{color:#8c959f}
tr.selected td.check,td.selected{outline:2px solid #0969da}
.detail{border:1px solid #d0d7de;border-radius:6px;padding:10px;margin-bottom:12px}
.detail table{width:100%}
.verdict-fail{color:#cf222e;font-weight:600}.verdict-ok{color:#1a7f37;font-weight:600}
.diagram{overflow:auto;border:1px solid #d0d7de;border-radius:6px;max-height:80vh}
.diagram svg{max-width:none}
.hl polygon,.hl path,.hl ellipse{stroke:#cf222e !important;stroke-width:3px}
pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}
.muted{color:#57606a}
)";

// Shows the outcome clicked in the matrix, its variant's diagram, and draws
// its path on the diagram by the element ids the diagram gives resources.
constexpr std::string_view kScript = R"(
(function () {
  function show(id) {
    document.querySelectorAll('.detail').forEach(function (d) { d.hidden = d.id !== 'd-' + id; });
    document.querySelectorAll('td.selected').forEach(function (c) { c.classList.remove('selected'); });
    var detail = document.getElementById('d-' + id);
    if (!detail) return;
    var cell = document.querySelector('[data-outcome="' + id + '"]');
    if (cell) cell.parentNode.classList.add('selected');
    var variant = detail.getAttribute('data-variant');
    document.querySelectorAll('.diagram').forEach(function (d) { d.hidden = d.id !== variant; });
    document.querySelectorAll('.hl').forEach(function (e) { e.classList.remove('hl'); });
    (detail.getAttribute('data-nodes') || '').split(' ').forEach(function (n) {
      if (!n) return;
      var e = document.getElementById(variant + '-n-' + n);
      if (e) e.classList.add('hl');
    });
    window.vpcsimSelected = id;
  }
  document.querySelectorAll('[data-outcome]').forEach(function (b) {
    b.addEventListener('click', function () { show(b.getAttribute('data-outcome')); });
  });
  // A link may name the outcome (report.html#o12); else the first failure, else the first check.
  var named = location.hash ? document.querySelector('[data-outcome="' + location.hash.slice(1) + '"]') : null;
  var first = named || document.querySelector('td.fail [data-outcome]') || document.querySelector('[data-outcome]');
  if (first) show(first.getAttribute('data-outcome'));
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
std::set<std::string> pathNodes(const std::vector<sim::Hop>& path, const sim::Network* network) {
  std::set<std::string> ids;
  // An interface the question made up (notebook:, subnet:) is no resource:
  // its subnet is the one holding the address it sends from or receives at.
  auto subnetHolding = [&](const topology::IpAddress& address) {
    if (network == nullptr) return;
    for (const auto& subnet : network->topology().subnets) {
      if ((subnet.hasIpv4() && subnet.cidr.contains(address)) || sim::inAnyBlock(topology::associatedIpv6(subnet.ipv6_blocks), address)) {
        ids.insert(subnet.meta.id);
      }
    }
  };
  for (const auto& hop : path) {
    if (hop.kind == sim::HopKind::kNetworkInterface && hop.direction == sim::Direction::kForward) {
      subnetHolding(hop.action == sim::HopAction::kDeliver ? hop.packet.destination : hop.packet.source);
    }
    if (hop.resource == nullptr) continue;
    const std::string& id = hop.resource->id;
    ids.insert(id);
    if (network == nullptr) continue;
    const sim::Network::Index& index = network->index();
    if (const topology::Eni* eni = index.eniById(id)) ids.insert(eni->subnet_id);
    if (auto owner = index.endpoint_by_eni.find(id); owner != index.endpoint_by_eni.end()) {
      ids.insert(owner->second->meta.id);
    }
  }
  return ids;
}

class HtmlWriter {
 public:
  explicit HtmlWriter(const scenario::ScenarioRun& run) : run_(run) {}

  topology::Result<std::string> write() {
    std::size_t held = 0;
    std::size_t failed = 0;
    for (const auto& outcome : run_.outcomes) ++(outcome.pass ? held : failed);
    for (const auto& outcome : run_.capacity) {
      if (outcome.has_expectation) ++(outcome.pass ? held : failed);
    }
    out_ += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    // No request leaves the page: scripts and styles are inline, nothing else loads.
    out_ += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "script-src 'unsafe-inline'; img-src data:\">\n";
    out_ += fmt::format("<title>vpcsim: {}</title>\n<style>{}</style>\n</head>\n<body>\n", html(run_.name), kStyle);
    out_ += fmt::format("<header><h1>{}</h1><div>{}</div><div class=\"muted\">{} &middot; {} checks, {} variants{}: "
                        "{} expectations hold, {} fail</div></header>\n",
                        html(run_.name), html(run_.description), html(run_.file), run_.checks.size(),
                        run_.variants.size(), run_.capacity.empty() ? "" : ", capacity", held, failed);
    out_ += "<main>\n<div class=\"matrix-wrap\">\n";
    writeMatrix();
    out_ += "</div>\n<div class=\"panes\">\n<div>\n";
    writeDetails();
    writeCapacity();
    writeWarnings();
    out_ += "</div>\n<div>\n<h2>Network</h2>\n";
    if (auto problem = writeDiagrams()) return *problem;
    out_ += "</div>\n</div>\n</main>\n";
    out_ += fmt::format("<script>{}</script>\n</body>\n</html>\n", kScript);
    return std::move(out_);
  }

 private:
  static std::string outcomeId(std::size_t index) { return fmt::format("o{}", index); }
  std::string variantId(const std::string& variant) const {
    for (std::size_t i = 0; i < run_.variants.size(); ++i) {
      if (run_.variants[i] == variant) return fmt::format("v{}", i);
    }
    return "v0";
  }

  void writeMatrix() {
    out_ += "<h2>Checks</h2>\n<table class=\"matrix\">\n<tr><th>check</th>";
    for (const auto& variant : run_.variants) out_ += "<th>" + html(variant) + "</th>";
    out_ += "</tr>\n";
    for (const auto& check : run_.checks) {
      out_ += "<tr><td class=\"check\">" + html(check) + "</td>";
      for (const auto& variant : run_.variants) {
        const scenario::CheckOutcome* outcome = run_.find(check, variant);
        if (outcome == nullptr) {
          out_ += "<td class=\"none\">-</td>";
          continue;
        }
        std::size_t index = static_cast<std::size_t>(outcome - run_.outcomes.data());
        out_ += fmt::format("<td class=\"{}\"><button data-outcome=\"{}\">{}{}</button></td>",
                            outcome->pass ? "ok" : "fail", outcomeId(index),
                            htmlEscape(outcomeWord(*outcome, outcome->verdict)), outcome->pass ? "" : " (FAIL)");
      }
      out_ += "</tr>\n";
    }
    out_ += "</table>\n";
  }

  /// The traced answers behind an outcome, with the network they ran on.
  std::vector<const sim::TraceResult*> traces(const scenario::CheckOutcome& outcome) const {
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

  const sim::Network* networkOf(const std::string& variant) const {
    for (std::size_t i = 0; i < run_.variants.size() && i < run_.networks.size(); ++i) {
      if (run_.variants[i] == variant) return run_.networks[i]->network.get();
    }
    return nullptr;
  }

  void writeDetails() {
    out_ += "<h2>Selected check</h2>\n";
    for (std::size_t i = 0; i < run_.outcomes.size(); ++i) {
      const scenario::CheckOutcome& outcome = run_.outcomes[i];
      std::vector<const sim::TraceResult*> results = traces(outcome);
      std::set<std::string> nodes;
      const sim::Network* network = networkOf(outcome.variant);
      for (const auto* result : results) {
        for (const auto& id : pathNodes(result->path, network)) nodes.insert(id);
      }
      std::string node_list;
      for (const auto& id : nodes) node_list += (node_list.empty() ? "" : " ") + id;
      // The section's id is not the outcome's: a link to report.html#oN selects
      // the outcome without scrolling the page to it.
      out_ += fmt::format("<section class=\"detail\" id=\"d-{}\" data-variant=\"{}\" data-nodes=\"{}\" hidden>\n",
                          outcomeId(i), variantId(outcome.variant), html(node_list));
      out_ += fmt::format("<h3>{} <span class=\"muted\">[{}]</span></h3>\n", html(outcome.check),
                          html(outcome.variant));
      out_ += fmt::format("<p>{}</p>\n", html(outcomeQuestion(outcome)));
      out_ += fmt::format("<p class=\"{}\">{} (expected {}){}</p>\n", outcome.pass ? "verdict-ok" : "verdict-fail",
                          htmlEscape(outcomeWord(outcome, outcome.verdict)),
                          htmlEscape(outcomeWord(outcome, outcome.expected)), outcome.pass ? "" : ": FAIL");
      if (auto reasons = outcomeReasons(outcome); !reasons.empty()) {
        out_ += "<ul>";
        for (const auto& reason : reasons) out_ += "<li>" + html(reason) + "</li>";
        out_ += "</ul>\n";
      }
      for (const auto* result : results) writeTrace(*result);
      if (auto assumptions = outcomeAssumptions(outcome); !assumptions.empty()) {
        out_ += "<details><summary>assumptions</summary><ul>";
        for (const auto& assumption : assumptions) out_ += "<li>" + html(assumption) + "</li>";
        out_ += "</ul></details>\n";
      }
      out_ += "</section>\n";
    }
  }

  /// One source's answer: its verdict, then its hops as Reachability Analyzer lists them.
  void writeTrace(const sim::TraceResult& result) {
    out_ += fmt::format("<p><b>{}</b>: {}</p>\n", html(result.source), htmlEscape(sim::verdictName(result.verdict)));
    if (!result.path.empty()) {
      out_ += "<table><tr><th></th><th>type</th><th>component</th><th>rule</th></tr>\n";
      for (const auto& hop : result.path) {
        out_ += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                            hop.direction == sim::Direction::kReturn ? "&larr;" : "&rarr;",
                            htmlEscape(hopTypeName(hop.kind)), html(sim::componentName(hop)), html(hopRule(hop)));
      }
      out_ += "</table>\n";
    }
    for (const auto& explanation : result.explanations) {
      out_ += "<p class=\"verdict-fail\">blocked: " + html(explanationText(explanation)) + "</p>\n";
    }
  }

  void writeCapacity() {
    if (run_.capacity.empty()) return;
    out_ += "<h2>Capacity</h2>\n";
    for (const auto& outcome : run_.capacity) {
      out_ += fmt::format("<h3>{} <span class=\"muted\">plan {}</span></h3>\n", html(outcome.variant),
                          html(outcome.plan));
      out_ += "<pre>" + html(capacitySummaryText(outcome.projection)) + "</pre>\n";
      if (outcome.has_expectation) {
        out_ += fmt::format("<p class=\"{}\">no subnet runs out within {} months{}: {}</p>\n",
                            outcome.pass ? "verdict-ok" : "verdict-fail", outcome.headroom_months,
                            outcome.with_az_loss ? " (also with any one AZ lost)" : "", outcome.pass ? "ok" : "FAIL");
        for (const auto& failure : outcome.failures) out_ += "<p>" + html(failure) + "</p>\n";
      }
    }
  }

  void writeWarnings() {
    if (run_.policy_warnings.empty()) return;
    out_ += "<h2>Endpoint policy warnings</h2>\n<ul>\n";
    for (const auto& variant : run_.policy_warnings) {
      for (const auto& warning : variant.warnings) {
        out_ += fmt::format("<li>[{}] {}</li>\n", html(variant.variant), html(policyWarningLine(warning)));
      }
    }
    out_ += "</ul>\n";
  }

  std::optional<topology::Error> writeDiagrams() {
    for (std::size_t i = 0; i < run_.networks.size() && i < run_.variants.size(); ++i) {
      auto svg = layoutSvg(topologyDot(run_.networks[i]->topo));
      if (!svg) return topology::Error{fmt::format("variant '{}': {}", run_.variants[i], svg.error())};
      out_ += fmt::format("<div class=\"diagram\" id=\"v{}\"{}>\n<p class=\"muted\">variant {}</p>\n{}</div>\n", i,
                          i == 0 ? "" : " hidden", html(run_.variants[i]), inlineSvg(*svg, fmt::format("v{}", i)));
    }
    return std::nullopt;
  }

  const scenario::ScenarioRun& run_;
  std::string out_;
};

}  // namespace

topology::Result<std::string> scenarioHtml(const scenario::ScenarioRun& run) { return HtmlWriter(run).write(); }

}  // namespace vpcsim::reports

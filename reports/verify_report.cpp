// Renders the checks of one `vpcsim verify` run as text, JSON, SARIF 2.1.0 or JUnit XML.
#include "reports/verify_report.h"

#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "reports/path_render.h"
#include "reports/xml.h"

namespace vpcsim::reports {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kScopePrefix = "scope ";
// SARIF 2.1.0 (OASIS Standard, errata 01): the schema the log declares.
constexpr std::string_view kSarifSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr std::string_view kFingerprintKey = "vpcsimFinding/v1";

bool isScope(const sim::VerifyReport& report) { return report.check.starts_with(kScopePrefix); }

std::string scopeName(const sim::VerifyReport& report) { return report.check.substr(kScopePrefix.size()); }

/// "subnet-1 (PrivateA)", or the example source for platform networks and the internet.
std::string sourceGroup(const sim::InternetFinding& finding) {
  return finding.source_subnet.empty() ? finding.source : finding.source_subnet;
}

std::string openedBy(const sim::InternetFinding& finding) {
  if (finding.opening.empty()) return "";
  return finding.location.empty() ? finding.opening : fmt::format("{} at {}", finding.opening, finding.location);
}

/// The example, what opens the path, and the hops: the lines under a "[finding]" headline.
std::string findingBody(const sim::InternetFinding& finding) {
  std::string out = fmt::format("  example: {} from {}\n", finding.example_text, finding.source);
  if (!finding.opening.empty()) out += fmt::format("  opened by: {}\n", openedBy(finding));
  out += pathText(finding.path, 4);
  return out;
}

std::string undeterminedBody(const sim::TraceResult& result) {
  std::string out = pathText(result.path, 4);
  for (const auto& explanation : result.explanations) {
    out += fmt::format("    {} at {}: {}\n", explanation.code, explanation.component, explanation.message);
  }
  return out;
}

std::string countsText(const sim::VerifyReport& report) {
  return fmt::format("{} classes checked: {} source classes x {} header classes", report.classes_checked,
                     report.source_classes, report.header_classes);
}

std::string internetFreeHeadline(const sim::VerifyReport& report) {
  std::string sources = fmt::format("{}", fmt::join(report.sources, " "));
  if (report.verdict == sim::Verdict::kUnreachable) {
    return fmt::format("holds: no packet from any interface (existing or placed later with any of the VPC's security "
                       "groups) in {} reaches the internet ({})\n",
                       sources, countsText(report));
  }
  if (report.verdict == sim::Verdict::kReachable) {
    return fmt::format("violated: {} reaches the internet: {} finding{} ({})\n", sources, report.findings.size(),
                       report.findings.size() == 1 ? "" : "s", countsText(report));
  }
  if (report.undetermined_classes == 0 && !report.unanalysed.empty()) {
    return fmt::format("undetermined: no finding over IPv4, but {} IPv6 route{} leave{} a VPC and IPv6 is not "
                       "analysed ({})\n",
                       report.unanalysed.size(), report.unanalysed.size() == 1 ? "" : "s",
                       report.unanalysed.size() == 1 ? "s" : "", countsText(report));
  }
  return fmt::format("undetermined: no finding, but {} classes could not be decided ({})\n",
                     report.undetermined_classes, countsText(report));
}

std::string scopeHeadline(const sim::VerifyReport& report) {
  std::string name = report.scope_origin.empty() ? report.check
                                                 : fmt::format("{} ({})", report.check, report.scope_origin);
  if (report.verdict == sim::Verdict::kUnreachable) {
    return fmt::format("{}: holds: no path matches the scope ({})\n", name, countsText(report));
  }
  if (report.verdict == sim::Verdict::kReachable) {
    return fmt::format("{}: violated: {} finding{} ({})\n", name, report.findings.size(),
                       report.findings.size() == 1 ? "" : "s", countsText(report));
  }
  if (report.undetermined_classes == 0 && !report.unanalysed.empty()) {
    return fmt::format("{}: undetermined: no path matches over IPv4, but {} IPv6 route{} leave{} a VPC and IPv6 is "
                       "not analysed ({})\n",
                       name, report.unanalysed.size(), report.unanalysed.size() == 1 ? "" : "s",
                       report.unanalysed.size() == 1 ? "s" : "", countsText(report));
  }
  return fmt::format("{}: undetermined: no finding, but {} classes could not be decided ({})\n", name,
                     report.undetermined_classes, countsText(report));
}

/// One check without its assumptions.
std::string checkText(const sim::VerifyReport& report) {
  bool scope = isScope(report);
  std::string out = scope ? scopeHeadline(report) : internetFreeHeadline(report);
  for (const auto& finding : report.findings) {
    if (scope) {
      out += fmt::format("\n[finding] {}: {} -> {} ({} classes)\n", finding.rule, sourceGroup(finding),
                         finding.exit_point, finding.classes);
    } else {
      out += fmt::format("\n[finding] {} -> internet via {} ({} classes{})\n", sourceGroup(finding),
                         finding.exit_point, finding.classes,
                         finding.round_trip ? "" : ", reply blocked in the example");
    }
    out += findingBody(finding);
  }
  if (report.verdict != sim::Verdict::kReachable) {
    for (const auto& result : report.undetermined) {
      out += fmt::format("\n[undetermined] {}\n", result.source);
      out += undeterminedBody(result);
    }
  }
  return out;
}

Json checkJson(const sim::VerifyReport& report) {
  Json root;
  root["check"] = report.check;
  root["scope_origin"] = report.scope_origin;
  root["verdict"] = verifyVerdictName(report);
  root["sources"] = report.sources;
  root["classes_checked"] = report.classes_checked;
  root["source_classes"] = report.source_classes;
  root["header_classes"] = report.header_classes;
  root["undetermined_classes"] = report.undetermined_classes;
  root["findings"] = Json::array();
  for (const auto& finding : report.findings) {
    Json item;
    item["rule"] = finding.rule;
    item["source_subnet"] = finding.source_subnet;
    item["exit_point"] = finding.exit_point;
    item["classes"] = finding.classes;
    item["round_trip"] = finding.round_trip;
    item["example"] = {{"source", finding.source}, {"packet", finding.example_text}};
    item["path"] = pathJson(finding.path);
    item["opening"] = finding.opening;
    item["location"] = finding.location;
    root["findings"].push_back(std::move(item));
  }
  root["undetermined"] = Json::array();
  for (const auto& result : report.undetermined) {
    Json item;
    item["source"] = result.source;
    item["path"] = pathJson(result.path);
    item["explanations"] = explanationsJson(result.explanations);
    root["undetermined"].push_back(std::move(item));
  }
  root["assumptions"] = report.assumptions;
  return root;
}

// ---- SARIF ----

/// Where a finding's opening is written, split for SARIF.
struct Spot {
  std::string file;
  uint64_t line = 0;  ///< 0: no region
  uint64_t column = 0;
  std::string pointer;  ///< JSON pointer inside `file`, "" for none
};

std::optional<uint64_t> positive(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size() || value == 0) return std::nullopt;
  return value;
}

/// "FILE:LINE:COL" (templates), "FILE:/json/pointer" (snapshots) or a bare
/// "FILE"; nullopt for "".
std::optional<Spot> parseSpot(std::string_view location) {
  if (location.empty()) return std::nullopt;
  size_t last = location.rfind(':');
  if (last != std::string_view::npos && last > 0) {
    size_t before = location.rfind(':', last - 1);
    if (before != std::string_view::npos && before > 0) {
      auto line = positive(location.substr(before + 1, last - before - 1));
      auto column = positive(location.substr(last + 1));
      if (line && column) return Spot{std::string(location.substr(0, before)), *line, *column, ""};
    }
  }
  if (size_t pointer = location.find(":/"); pointer != std::string_view::npos && pointer > 0) {
    return Spot{std::string(location.substr(0, pointer)), 0, 0, std::string(location.substr(pointer + 1))};
  }
  if (location.back() == ':') location.remove_suffix(1);  // a snapshot pointer to the whole document
  return Spot{std::string(location), 0, 0, ""};
}

/// A path as a relative (or absolute-path) URI reference: every byte outside
/// RFC 3986 unreserved characters, sub-delimiters, '@' and '/' is
/// percent-encoded (':' too, so no segment reads as a scheme).
std::string uriOf(std::string_view path) {
  std::string out;
  for (char c : path) {
    auto byte = static_cast<unsigned char>(c);
    bool plain = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') ||
                 std::string_view("-._~!$&'()*+,;=@/").find(c) != std::string_view::npos;
    out += plain ? std::string(1, c) : fmt::format("%{:02X}", byte);
  }
  return out;
}

Json sarifLocation(const Spot& spot, const std::string& message) {
  Json physical;
  physical["artifactLocation"] = {{"uri", uriOf(spot.file)}};
  if (spot.line > 0) physical["region"] = {{"startLine", spot.line}, {"startColumn", spot.column}};
  Json location;
  location["physicalLocation"] = std::move(physical);
  if (!spot.pointer.empty()) location["logicalLocations"] = Json::array({{{"fullyQualifiedName", spot.pointer}}});
  if (!message.empty()) location["message"] = {{"text", message}};
  return location;
}

/// The scope file a scope finding without a location points at ("" for builtin scopes).
std::string scopeFile(const sim::VerifyReport& report) {
  if (!isScope(report) || report.scope_origin.empty() || report.scope_origin.starts_with("builtin:")) return "";
  return report.scope_origin;
}

Json findingLocations(const sim::VerifyReport& report, const sim::InternetFinding& finding) {
  Json locations = Json::array();
  if (auto spot = parseSpot(finding.location)) {
    locations.push_back(sarifLocation(*spot, finding.opening));
  } else if (std::string file = scopeFile(report); !file.empty()) {
    // The matching MatchPaths entry, inside the scope file.
    locations.push_back(sarifLocation(Spot{file, 0, 0, finding.rule}, ""));
  }
  return locations;
}

Json codeFlows(const std::vector<sim::Hop>& path) {
  Json steps = Json::array();
  for (const auto& hop : path) {
    Json step;
    step["location"] = {{"message",
                          {{"text", fmt::format("{} {}: {}", hopTypeName(hop.kind), sim::componentName(hop),
                                                hopRule(hop))}}}};
    step["properties"] = {{"direction", directionName(hop.direction)}};
    steps.push_back(std::move(step));
  }
  return Json::array({{{"threadFlows", Json::array({{{"locations", std::move(steps)}}})}}});
}

/// 64-bit FNV-1a over the fields (each followed by a unit separator), as 16 hex digits.
std::string fingerprint(const std::vector<std::string_view>& fields) {
  uint64_t hash = 14695981039346656037ULL;
  auto add = [&hash](unsigned char byte) {
    hash ^= byte;
    hash *= 1099511628211ULL;
  };
  for (auto field : fields) {
    for (char c : field) add(static_cast<unsigned char>(c));
    add(0x1f);
  }
  return fmt::format("{:016x}", hash);
}

Json sarifRule(const sim::VerifyReport& report, const std::string& id) {
  Json rule;
  rule["id"] = id;
  if (isScope(report)) {
    std::string origin = report.scope_origin.empty() ? "" : fmt::format(" ({})", report.scope_origin);
    rule["shortDescription"] = {{"text", fmt::format("No path matches the access scope {}", scopeName(report))}};
    rule["fullDescription"] = {
        {"text", fmt::format("Network Access Analyzer scope {}{}, evaluated over every packet: a finding is a path "
                             "that some MatchPaths entry matches and no ExcludePaths entry does.",
                             scopeName(report), origin)}};
  } else {
    std::string sources = report.sources.empty() ? "the sources" : fmt::format("{}", fmt::join(report.sources, " "));
    rule["shortDescription"] = {{"text", "No packet from the sources reaches the internet"}};
    rule["fullDescription"] = {
        {"text", fmt::format("No packet (any protocol, port or address) from any interface in {}, existing or placed "
                             "later with any of the VPC's security groups, reaches a public address beyond an "
                             "internet gateway.",
                             sources)}};
  }
  rule["defaultConfiguration"] = {{"level", "error"}};
  rule["properties"] = {{"verdict", verifyVerdictName(report)}, {"classes_checked", report.classes_checked}};
  return rule;
}

Json findingResult(const sim::VerifyReport& report, const std::string& id, size_t index,
                   const sim::InternetFinding& finding) {
  std::string group = sourceGroup(finding);
  std::string text = fmt::format("{} -> {}: {} violating class{}; example: {} from {}", group, finding.exit_point,
                                 finding.classes, finding.classes == 1 ? "" : "es", finding.example_text,
                                 finding.source);
  if (isScope(report)) text = fmt::format("{}: {}", finding.rule, text);
  if (!finding.opening.empty()) text += fmt::format("; opened by {}", finding.opening);
  Json result;
  result["ruleId"] = id;
  result["ruleIndex"] = index;
  result["level"] = "error";
  result["message"] = {{"text", text}};
  if (Json locations = findingLocations(report, finding); !locations.empty()) result["locations"] = locations;
  if (!finding.path.empty()) result["codeFlows"] = codeFlows(finding.path);
  result["partialFingerprints"] = {
      {std::string(kFingerprintKey), fingerprint({id, finding.rule, group, finding.exit_point})}};
  result["properties"] = {{"classes", finding.classes}, {"round_trip", finding.round_trip}};
  return result;
}

Json undeterminedResult(const sim::VerifyReport& report, const std::string& id, size_t index,
                        const sim::TraceResult& example) {
  std::string code = example.explanations.empty() ? "" : example.explanations.front().code;
  std::string text = fmt::format("undetermined: {}", example.source);
  if (!example.explanations.empty()) {
    const auto& first = example.explanations.front();
    text += fmt::format(": {} at {}: {}", first.code, first.component, first.message);
  }
  Json result;
  result["ruleId"] = id;
  result["ruleIndex"] = index;
  result["level"] = "warning";
  result["message"] = {{"text", text}};
  if (std::string file = scopeFile(report); !file.empty()) {
    result["locations"] = Json::array({sarifLocation(Spot{file, 0, 0, ""}, "")});
  }
  if (!example.path.empty()) result["codeFlows"] = codeFlows(example.path);
  result["partialFingerprints"] = {{std::string(kFingerprintKey), fingerprint({id, "undetermined", example.source, code})}};
  result["properties"] = {{"undetermined_classes", report.undetermined_classes}};
  return result;
}

/// "internet-free" or "scope/NAME", unique within the run.
std::vector<std::string> ruleIds(const std::vector<sim::VerifyReport>& reports) {
  std::vector<std::string> ids;
  std::map<std::string, int> seen;
  for (const auto& report : reports) {
    std::string id = isScope(report) ? "scope/" + scopeName(report) : report.check;
    int count = ++seen[id];
    ids.push_back(count == 1 ? id : fmt::format("{}#{}", id, count));
  }
  return ids;
}

// ---- JUnit ----

struct Testcase {
  std::string name;
  std::string kind;  ///< "", "failure" or "error"
  std::string message;
  std::string body;
};

std::vector<Testcase> testcases(const sim::VerifyReport& report) {
  std::vector<Testcase> cases;
  for (const auto& finding : report.findings) {
    std::string edge = fmt::format("{} -> {}", sourceGroup(finding), finding.exit_point);
    std::string name = isScope(report) ? fmt::format("{}: {}", finding.rule, edge) : edge;
    std::string body = fmt::format("{} ({} classes)\n{}", edge, finding.classes, findingBody(finding));
    cases.push_back({name, "failure", edge, body});
  }
  if (report.verdict == sim::Verdict::kUnreachable) {
    cases.push_back({"no finding", "", "", ""});
  } else if (report.verdict != sim::Verdict::kReachable) {
    for (const auto& example : report.undetermined) {
      std::string message = "undetermined";
      if (!example.explanations.empty()) {
        const auto& first = example.explanations.front();
        message = fmt::format("{} at {}: {}", first.code, first.component, first.message);
      }
      cases.push_back({"undetermined: " + example.source, "error", message, undeterminedBody(example)});
    }
    if (report.undetermined.empty()) {
      cases.push_back({"undetermined", "error",
                       fmt::format("{} classes could not be decided", report.undetermined_classes), ""});
    }
  }
  return cases;
}

size_t countKind(const std::vector<Testcase>& cases, std::string_view kind) {
  size_t count = 0;
  for (const auto& c : cases) count += c.kind == kind ? 1U : 0U;
  return count;
}

}  // namespace

std::string verifyVerdictName(const sim::VerifyReport& report) {
  switch (report.verdict) {
    case sim::Verdict::kUnreachable: return "holds";
    case sim::Verdict::kReachable: return "violated";
    case sim::Verdict::kUndetermined:
    case sim::Verdict::kPartial: break;
  }
  return "undetermined";
}

sim::Verdict overallVerdict(const std::vector<sim::VerifyReport>& reports) {
  sim::Verdict overall = sim::Verdict::kUnreachable;
  for (const auto& report : reports) {
    if (report.verdict == sim::Verdict::kReachable) return sim::Verdict::kReachable;
    if (report.verdict != sim::Verdict::kUnreachable) overall = sim::Verdict::kUndetermined;
  }
  return overall;
}

std::string overallVerdictName(const std::vector<sim::VerifyReport>& reports) {
  sim::VerifyReport summary;
  summary.verdict = overallVerdict(reports);
  return verifyVerdictName(summary);
}

std::string verifyText(const std::vector<sim::VerifyReport>& reports) {
  std::string out;
  std::vector<std::string> assumptions;
  std::set<std::string> seen;
  std::vector<std::string> verdicts;
  for (const auto& report : reports) {
    if (!out.empty()) out += "\n";
    out += checkText(report);
    verdicts.push_back(fmt::format("{}: {}", report.check, verifyVerdictName(report)));
    for (const auto& assumption : report.assumptions) {
      if (seen.insert(assumption).second) assumptions.push_back(assumption);
    }
  }
  if (reports.size() > 1) {
    out += fmt::format("\noverall: {} ({})\n", overallVerdictName(reports), fmt::join(verdicts, ", "));
  }
  if (!assumptions.empty()) {
    out += "\nassumptions:\n";
    for (const auto& assumption : assumptions) out += "  - " + assumption + "\n";
  }
  return out;
}

std::string verifyJson(const std::vector<sim::VerifyReport>& reports) {
  Json root;
  root["verdict"] = overallVerdictName(reports);
  root["checks"] = Json::array();
  for (const auto& report : reports) root["checks"].push_back(checkJson(report));
  return root.dump(2) + "\n";
}

std::string verifySarif(const std::vector<sim::VerifyReport>& reports) {
  std::vector<std::string> ids = ruleIds(reports);
  Json rules = Json::array();
  Json results = Json::array();
  for (size_t i = 0; i < reports.size(); ++i) {
    const auto& report = reports[i];
    rules.push_back(sarifRule(report, ids[i]));
    for (const auto& finding : report.findings) results.push_back(findingResult(report, ids[i], i, finding));
    if (report.verdict == sim::Verdict::kReachable || report.verdict == sim::Verdict::kUnreachable) continue;
    for (const auto& example : report.undetermined) results.push_back(undeterminedResult(report, ids[i], i, example));
  }
  Json driver;
  driver["name"] = "vpcsim";
  driver["rules"] = std::move(rules);
  Json run;
  run["tool"] = {{"driver", std::move(driver)}};
  run["results"] = std::move(results);
  run["properties"] = {{"verdict", overallVerdictName(reports)}};
  Json root;
  root["$schema"] = std::string(kSarifSchema);
  root["version"] = "2.1.0";
  root["runs"] = Json::array({std::move(run)});
  return root.dump(2) + "\n";
}

std::string verifyJunit(const std::vector<sim::VerifyReport>& reports) {
  std::vector<std::vector<Testcase>> suites;
  size_t tests = 0;
  size_t failures = 0;
  size_t errors = 0;
  for (const auto& report : reports) {
    suites.push_back(testcases(report));
    tests += suites.back().size();
    failures += countKind(suites.back(), "failure");
    errors += countKind(suites.back(), "error");
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"vpcsim verify\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", tests,
                     failures, errors);
  for (size_t i = 0; i < reports.size(); ++i) {
    const auto& cases = suites[i];
    std::string suite = xmlEscape(reports[i].check);
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", suite, cases.size(),
                       countKind(cases, "failure"), countKind(cases, "error"));
    for (const auto& c : cases) {
      out += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", suite, xmlEscape(c.name));
      if (c.kind.empty()) {
        out += "/>\n";
        continue;
      }
      out += fmt::format(">\n      <{} message=\"{}\">{}</{}>\n    </testcase>\n", c.kind, xmlEscape(c.message),
                         xmlEscape(c.body), c.kind);
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace vpcsim::reports

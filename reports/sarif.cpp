// SARIF 2.1.0 pieces shared by the reports that write SARIF.
#include "reports/sarif.h"

#include <charconv>

#include <fmt/format.h>

#include "reports/json_document.h"

namespace vpcsim::reports {

using Json = nlohmann::ordered_json;

namespace {

std::optional<uint64_t> positive(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size() || value == 0) return std::nullopt;
  return value;
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

}  // namespace

std::optional<SarifSpot> parseSpot(std::string_view location) {
  if (location.empty()) return std::nullopt;
  // A policy element: the document's place, a space, the element's pointer.
  if (size_t space = location.find(" /"); space != std::string_view::npos) {
    auto document = parseSpot(location.substr(0, space));
    if (document && document->line > 0) {
      document->pointer = std::string(location.substr(space + 1));
      return document;
    }
  }
  size_t last = location.rfind(':');
  if (last != std::string_view::npos && last > 0) {
    size_t before = location.rfind(':', last - 1);
    if (before != std::string_view::npos && before > 0) {
      auto line = positive(location.substr(before + 1, last - before - 1));
      auto column = positive(location.substr(last + 1));
      if (line && column) return SarifSpot{std::string(location.substr(0, before)), *line, *column, ""};
    }
  }
  if (size_t pointer = location.find(":/"); pointer != std::string_view::npos && pointer > 0) {
    return SarifSpot{std::string(location.substr(0, pointer)), 0, 0, std::string(location.substr(pointer + 1))};
  }
  if (location.back() == ':') location.remove_suffix(1);  // a snapshot pointer to the whole document
  return SarifSpot{std::string(location), 0, 0, ""};
}

nlohmann::ordered_json sarifLocation(const SarifSpot& spot, const std::string& message) {
  Json physical;
  physical["artifactLocation"] = {{"uri", uriOf(spot.file)}};
  if (spot.line > 0) physical["region"] = {{"startLine", spot.line}, {"startColumn", spot.column}};
  Json location;
  location["physicalLocation"] = std::move(physical);
  if (!spot.pointer.empty()) location["logicalLocations"] = Json::array({{{"fullyQualifiedName", spot.pointer}}});
  if (!message.empty()) location["message"] = {{"text", message}};
  return location;
}

std::string sarifFingerprint(const std::vector<std::string_view>& fields) {
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

std::string sarifLog(Json rules, Json results, Json notifications, Json properties) {
  Json driver;
  driver["name"] = "vpcsim";
  driver["rules"] = std::move(rules);
  Json run;
  run["tool"] = {{"driver", std::move(driver)}};
  run["invocations"] = Json::array({{{"executionSuccessful", true},
                                     {"toolExecutionNotifications", std::move(notifications)}}});
  run["results"] = std::move(results);
  run["properties"] = std::move(properties);
  Json root;
  root["$schema"] = std::string(kSarifSchema);
  root["version"] = "2.1.0";
  root["runs"] = Json::array({std::move(run)});
  return jsonDocument(root);
}

}  // namespace vpcsim::reports

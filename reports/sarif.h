// SARIF 2.1.0 pieces shared by the reports that write SARIF (verify, access).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace vpcsim::reports {

/// The SARIF 2.1.0 schema (OASIS Standard, errata 01) every SARIF document vpcsim writes names.
inline constexpr std::string_view kSarifSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The partialFingerprints key of vpcsim's results.
inline constexpr std::string_view kSarifFingerprintKey = "vpcsimFinding/v1";

/// Where something is written, split for SARIF.
struct SarifSpot {
  std::string file;
  uint64_t line = 0;  ///< 0: no region
  uint64_t column = 0;
  std::string pointer;  ///< JSON pointer inside `file`, "" for none
};

/// "FILE:LINE:COL" (templates, YAML), "FILE:/json/pointer" (snapshots),
/// "FILE:LINE:COL /json/pointer" (an element of a policy document written
/// at FILE:LINE:COL) or a bare "FILE"; nullopt for "".
std::optional<SarifSpot> parseSpot(std::string_view location);

/// A SARIF location: the file as a relative URI reference (the path as
/// given, percent-encoded where a URI needs it, never made absolute), the
/// region when the spot has a line, the pointer as a logical location's
/// fullyQualifiedName; `message` when not empty.
nlohmann::ordered_json sarifLocation(const SarifSpot& spot, const std::string& message);

/// 64-bit FNV-1a over the fields (each followed by a unit separator), as 16 hex digits.
std::string sarifFingerprint(const std::vector<std::string_view>& fields);

/// A SARIF log of one run: tool.driver "vpcsim" with `rules`, one
/// invocation (executionSuccessful: the run succeeded whatever the verdict)
/// with `notifications`, `results` and the run's `properties`.
/// Deterministic (no time stamps), pretty-printed, trailing newline.
std::string sarifLog(nlohmann::ordered_json rules, nlohmann::ordered_json results,
                     nlohmann::ordered_json notifications, nlohmann::ordered_json properties);

}  // namespace vpcsim::reports

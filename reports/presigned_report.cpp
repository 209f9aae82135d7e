#include "reports/presigned_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/json_document.h"
#include "reports/path_render.h"
#include "reports/reach_report.h"
#include "topology/safe_text.h"

namespace vpcsim::reports {
namespace {

using topology::escapeText;

/// The first explanation of a leg's first result that is not reachable.
const sim::Explanation* firstBlock(const sim::ReachReport& leg) {
  for (const auto& result : leg.results) {
    if (result.verdict != sim::Verdict::kReachable && !result.explanations.empty()) {
      return &result.explanations.front();
    }
  }
  return nullptr;
}

}  // namespace

std::string presignedUrlSummary(const sim::PresignedUrlReport& report) {
  using sim::Verdict;
  auto reason = [](const sim::ReachReport& leg) {
    const sim::Explanation* block = firstBlock(leg);
    return block == nullptr ? std::string() : ": " + explanationText(*block);
  };
  if (report.verdict == Verdict::kReachable) return "the URL is created and opens";
  if (report.created.verdict == Verdict::kUnreachable) {
    return fmt::format("the URL is not created from {}{}", report.created.from, reason(report.created));
  }
  if (report.opened.verdict == Verdict::kUnreachable) {
    return fmt::format("the URL is created but does not open from {}{}", report.opened.from,
                       reason(report.opened));
  }
  if (report.verdict == Verdict::kUndetermined) {
    const sim::ReachReport& leg = report.created.verdict == Verdict::kUndetermined ? report.created : report.opened;
    return fmt::format("the input cannot settle whether the URL is {}{}",
                       &leg == &report.created ? "created" : "opened", reason(leg));
  }
  return "the URL is created and opens from some interfaces of the sources only";
}

std::string presignedUrlText(const sim::PresignedUrlReport& report) {
  std::string out = fmt::format("{}: presigned URL for {} by {}, created from {}, opened from {}\n",
                                sim::verdictName(report.verdict), escapeText(report.profile),
                                escapeText(report.principal), escapeText(report.created.from),
                                escapeText(report.opened.from));
  out += fmt::format("  {}\n", escapeText(presignedUrlSummary(report)));
  out += fmt::format("  call: {} on {}\n", sim::kCreatePresignedDomainUrl, escapeText(report.resource));
  out += "\n== created: the CreatePresignedDomainUrl call ==\n";
  out += reachText(report.created);
  out += "\n== opened: the browser loads the URL (the call's policies decide again) ==\n";
  out += reachText(report.opened);
  return out;
}

std::string presignedUrlJson(const sim::PresignedUrlReport& report) {
  return jsonDocument(presignedUrlJsonValue(report));
}

nlohmann::ordered_json presignedUrlJsonValue(const sim::PresignedUrlReport& report) {
  nlohmann::ordered_json root;
  root["verdict"] = sim::verdictName(report.verdict);
  root["profile"] = report.profile;
  root["principal"] = report.principal;
  root["action"] = sim::kCreatePresignedDomainUrl;
  root["resource"] = report.resource;
  root["summary"] = presignedUrlSummary(report);
  root["created"] = reachJsonValue(report.created);
  root["opened"] = reachJsonValue(report.opened);
  return root;
}

}  // namespace vpcsim::reports

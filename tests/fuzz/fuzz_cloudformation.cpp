// libFuzzer target: the CloudFormation loader, as `--template FILE --parameter-overrides K=V ...` uses it.
// Input: the template's bytes, then optionally a `#FILE parameters` frame
// holding one `K=V` override per line (the CLI's --parameter-overrides words).
#include <string>
#include <utility>
#include <vector>

#include "formats/cloudformation.h"
#include "fuzz_input.h"

namespace {

/// `K=V` lines of the parameters frame; a line without `=` is skipped, as the CLI rejects it before loading.
std::vector<std::pair<std::string, std::string>> overrides(const std::vector<vpcsim::fuzz::Frame>& frames) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& frame : frames) {
    if (frame.path != "parameters") continue;
    size_t pos = 0;
    while (pos < frame.text.size()) {
      size_t end = frame.text.find('\n', pos);
      if (end == std::string::npos) end = frame.text.size();
      std::string line = frame.text.substr(pos, end - pos);
      size_t equals = line.find('=');
      if (equals != std::string::npos) pairs.emplace_back(line.substr(0, equals), line.substr(equals + 1));
      pos = end + 1;
    }
  }
  return pairs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static vpcsim::fuzz::Scratch scratch;
  auto frames = vpcsim::fuzz::splitFrames(vpcsim::fuzz::asText(data, size), "template.yaml");
  scratch.write(frames);
  vpcsim::formats::StackSpec stack;
  stack.file = scratch.root() / "template.yaml";
  stack.parameter_overrides = overrides(frames);
  vpcsim::topology::Topology topology;
  std::vector<vpcsim::topology::Diagnostic> errors;
  if (vpcsim::formats::loadStacks({stack}, vpcsim::formats::LoadOptions{}, topology, errors)) topology.finalize();
  return 0;
}

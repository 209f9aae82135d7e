// libFuzzer target: capacity plan files, as `capacity --plan` loads them, with the history CSVs they name.
// Input: the plan's bytes (`plan.yaml`), then optional `#FILE history.csv`
// frames (any relative name the plan's `history:` points at).
#include <vector>

#include "formats/plan_file.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static vpcsim::fuzz::Scratch scratch;
  auto frames = vpcsim::fuzz::splitFrames(vpcsim::fuzz::asText(data, size), "plan.yaml");
  scratch.write(frames);
  vpcsim::topology::CapacityPlan plan;
  std::vector<vpcsim::topology::Diagnostic> errors;
  vpcsim::formats::loadCapacityPlan(scratch.root() / "plan.yaml", plan, errors);
  // The history CSV parser on its own, for every extra frame.
  for (size_t i = 1; i < frames.size(); ++i) (void)vpcsim::formats::parseHistoryCsv(frames[i].text, frames[i].path);
  return 0;
}

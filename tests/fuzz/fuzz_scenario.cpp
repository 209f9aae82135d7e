// libFuzzer target: scenario files, as `run` and `diff` load them: the file, then every variant's network.
// Input: the scenario's bytes (`scenario.yaml`), then optional `#FILE` frames
// for the templates, topologies and plans it names by relative path.
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static vpcsim::fuzz::Scratch scratch;
  scratch.write(vpcsim::fuzz::splitFrames(vpcsim::fuzz::asText(data, size), "scenario.yaml"));
  vpcsim::scenario::Scenario scenario;
  std::vector<vpcsim::topology::Diagnostic> errors;
  if (!vpcsim::scenario::loadScenario(scratch.root() / "scenario.yaml", scenario, errors)) return 0;
  for (const std::string& variant : scenario.variantNames()) {
    vpcsim::topology::Topology topology;
    vpcsim::scenario::buildVariantTopology(scenario, variant, topology, errors);
  }
  return 0;
}

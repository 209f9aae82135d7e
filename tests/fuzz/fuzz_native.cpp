// libFuzzer target: the native topology loader (YAML or JSON), as `--topology` uses it.
// Input: the file's bytes (extra `#FILE` frames are written but unused).
#include <vector>

#include "formats/loader.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static vpcsim::fuzz::Scratch scratch;
  scratch.write(vpcsim::fuzz::splitFrames(vpcsim::fuzz::asText(data, size), "topology.yaml"));
  vpcsim::topology::Topology topology;
  std::vector<vpcsim::topology::Diagnostic> errors;
  if (vpcsim::formats::loadNativeTopology(scratch.root() / "topology.yaml", vpcsim::formats::LoadOptions{}, topology,
                                          errors)) {
    topology.finalize();
  }
  return 0;
}

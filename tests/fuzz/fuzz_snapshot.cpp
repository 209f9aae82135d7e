// libFuzzer target: the snapshot loader (a folder of saved `aws ec2 describe-*` JSON), as `--snapshot` uses it.
// Input: framed files (fuzz_input.h); unnamed text is `Vpcs.json`. Folder
// names matter to the loader (`us-east-2/`, `accounts/ID/`), so seeds keep them.
#include <vector>

#include "formats/loader.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static vpcsim::fuzz::Scratch scratch;
  scratch.write(vpcsim::fuzz::splitFrames(vpcsim::fuzz::asText(data, size), "Vpcs.json"));
  vpcsim::topology::Topology topology;
  std::vector<vpcsim::topology::Diagnostic> errors;
  if (vpcsim::formats::loadSnapshot(scratch.root(), vpcsim::formats::LoadOptions{}, topology, errors)) {
    topology.finalize();
  }
  return 0;
}

// libFuzzer target: Network Access Analyzer scope files, as `verify --scope FILE` loads them.
// Input: the JSON text; parsed in memory by the same parseNaaScope that loadNaaScope calls.
#include "formats/scope_file.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)vpcsim::formats::parseNaaScope(vpcsim::fuzz::asText(data, size), "scope.json");
  return 0;
}

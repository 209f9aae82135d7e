// The hostile-input cases, grouped by the classes of issue 17 ("Hostile input").
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "generators.h"

namespace vpcsim::hostile {

/// What a case must end in, beyond the properties every case has (under
/// 20 s, exit 0-4, no signal, clean output, parseable JSON/SARIF/JUnit).
enum class Expect {
  kAnyStatus,       ///< any exit status 0-4: the input is legal, only the properties count
  kInputError,      ///< exit 2: the input is wrong and must be refused
  kErrorOrWarning,  ///< exit 2, or a line with "warning" in the output: never silently accepted
};

struct HostileCase {
  std::string name;  ///< unique; also the folder name of its inputs
  /// Writes the inputs into the workspace and returns the CLI arguments
  /// (without the program name).
  std::function<std::vector<std::string>(const Workspace&)> setup;
  Expect expect = Expect::kAnyStatus;
};

std::vector<HostileCase> numberCases();     ///< [numbers]
std::vector<HostileCase> textCases();       ///< [text]: control characters, invalid UTF-8, BOM, UTF-16
std::vector<HostileCase> yamlCases();       ///< [yaml]: aliases, alias bombs, nesting, cycles
std::vector<HostileCase> regexCases();      ///< [regex]: AllowedPattern
std::vector<HostileCase> fileCases();       ///< [files]: /dev/zero, folders, fifos, missing files
std::vector<HostileCase> sizeCases();       ///< [sizes]: huge counts
std::vector<HostileCase> cliCases();        ///< [cli]: contradictory and empty options
std::vector<HostileCase> snapshotValueCases();  ///< [impossible]: values AWS cannot produce
std::vector<HostileCase> planCases();       ///< [plans]: nan, inf, steep growth
/// [regressions]: every input saved under tests/data/hostile/<target>/ (the
/// fuzz targets' framing, tests/fuzz/fuzz_input.h), run by the CLI command
/// that loads that kind of input.
std::vector<HostileCase> regressionCases();

}  // namespace vpcsim::hostile

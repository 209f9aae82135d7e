#!/bin/sh
# Builds vpcsim twice and runs the whole test suite on each build:
# Release with warnings as errors, then Debug under AddressSanitizer + UBSan;
# then the libFuzzer targets, 30 s each (scripts/fuzz.sh, a third build with clang).
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
# The [oracle] IAM test fails here, rather than skipping, when Node.js or the
# oracle's packages are missing (scripts/install-deps.sh installs them).
export VPCSIM_ORACLE_REQUIRED=1

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DVPCSIM_WARNINGS_AS_ERRORS=ON -DVPCSIM_BUILD_BENCHMARKS=ON
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVPCSIM_SANITIZE=ON -DVPCSIM_WARNINGS_AS_ERRORS=ON
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS="suppressions=$PWD/tests/lsan-graphviz.supp:print_suppressions=0" \
  ctest --test-dir build-asan --output-on-failure
scripts/fuzz.sh "${VPCSIM_FUZZ_SECONDS:-30}"
echo "all tests passed (Release, Debug+ASan+UBSan, and fuzzing)"

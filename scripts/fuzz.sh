#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) and
# runs each one for a bounded time; fails when any target finds a crash,
# a leak, a timeout (> 20 s on one input) or an input using over 2 GB.
#   scripts/fuzz.sh [seconds-per-target]      (default 30)
# Seeds come from tests/data, scenarios/ and the saved regression inputs of
# tests/data/hostile/<target>/ (framed as tests/fuzz/fuzz_input.h says);
# the growing corpus stays in build-fuzz/corpus/<target>/ between runs.
# A crashing input is written to build-fuzz/artifacts/<target>/: replay it
# with `build-fuzz/fuzz/fuzz_<target> FILE`, then save it under
# tests/data/hostile/<target>/ as a regression input (docs/testing.md).
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-30}
jobs=$(nproc 2>/dev/null || echo 2)
build=${VPCSIM_FUZZ_BUILD:-build-fuzz}
targets="snapshot native cloudformation scenario plan scope"
max_len=262144
# clang 14 matches libclang-rt-14-dev (libFuzzer and the sanitizer runtimes).
cxx=${VPCSIM_FUZZ_CXX:-clang++-14}

# A build folder configured with another compiler: CMake would drop the -D options below.
if [ -f "$build/CMakeCache.txt" ] && ! grep -q "^CMAKE_CXX_COMPILER:[A-Z]*=\(.*/\)\?$cxx\$" "$build/CMakeCache.txt"; then
  rm -f "$build/CMakeCache.txt"
fi
launcher=""
if command -v ccache >/dev/null 2>&1; then launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"; fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
  -DVPCSIM_FUZZ=ON -DVPCSIM_BUILD_TESTS=OFF $launcher >/dev/null
cmake --build "$build" -j "$jobs" --target vpcsim_fuzzers

# Seed corpora, rebuilt every run from the repository.
seeds="$build/seeds"
rm -rf "$seeds"
for t in $targets; do mkdir -p "$seeds/$t" "$build/corpus/$t" "$build/artifacts/$t"; done
add_seed() {  # add_seed TARGET FILE: one file, as it is, if small enough
  size=$(wc -c <"$2")
  if [ "$size" -le "$max_len" ]; then cp "$2" "$seeds/$1/$(echo "$2" | tr '/' '_')"; fi
}
# A snapshot folder becomes one framed input: "#FILE relative/path" lines.
find tests/data -type d -name aws_configs | sort | while read -r dir; do
  out="$seeds/snapshot/$(echo "$dir" | tr '/' '_')"
  (cd "$dir" && find . -name '*.json' -type f | sort | while read -r f; do
    printf '#FILE %s\n' "${f#./}"
    cat "$f"
    printf '\n'
  done) >"$out"
  if [ "$(wc -c <"$out")" -gt "$max_len" ]; then rm -f "$out"; fi
done
find tests/data scenarios -name '*.yaml' -type f | sort | while read -r f; do
  if grep -q '^Resources:' "$f"; then add_seed cloudformation "$f"
  elif grep -q '^vpcs:' "$f"; then add_seed native "$f"
  elif grep -q '^checks:\|^inputs:' "$f"; then add_seed scenario "$f"
  elif grep -q '^horizon_months:\|^consumers:' "$f"; then add_seed plan "$f"
  fi
done
# The YAML examples of the format documents: every ```yaml block, one seed each.
doc_examples() {  # doc_examples TARGET DOC
  awk -v dir="$seeds/$1" -v stem="$(basename "$2" .md)" '
    /^```yaml/ { n++; file = dir "/doc_" stem "_" n ".yaml"; inside = 1; next }
    /^```/ { inside = 0; next }
    inside { print > file }' "$2"
}
doc_examples scenario docs/scenario-format.md
doc_examples plan docs/capacity.md
doc_examples native docs/topology-format.md
find tests/data -name '*.json' -path '*naa*' -type f | sort | while read -r f; do add_seed scope "$f"; done
for t in $targets; do
  if [ -d "tests/data/hostile/$t" ]; then
    find "tests/data/hostile/$t" -type f | sort | while read -r f; do add_seed "$t" "$f"; done
  fi
done

# The targets write their scratch files under the build folder.
mkdir -p "$build/tmp"
export TMPDIR="$PWD/$build/tmp"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=""
for t in $targets; do
  log="$build/fuzz-$t.log"
  echo "fuzz_$t: $(ls "$seeds/$t" | wc -l) seeds, $seconds s"
  if "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -max_len="$max_len" \
      -print_final_stats=1 -artifact_prefix="$build/artifacts/$t/" "$build/corpus/$t" "$seeds/$t" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | tr '\n' ' '
    echo
  else
    echo "fuzz_$t FAILED (log: $log):"
    # The error, then the stack frames in vpcsim's own code.
    grep -E 'ERROR: |SUMMARY: |Test unit written to|terminate called|what\(\)' "$log" | head -10
    grep -E '^ +#[0-9]+ .*(vpcsim|LLVMFuzzerTestOneInput)' "$log" | sed -E 's/ 0x[0-9a-f]+ in / /; s/ \(BuildId.*//' |
      cut -c1-240 | head -15
    failed="$failed $t"
  fi
done
if [ -n "$failed" ]; then
  echo "fuzzing found crashes in:$failed"
  exit 1
fi
echo "fuzzing: no crash in $seconds s per target"

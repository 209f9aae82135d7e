#!/bin/sh
# Installs vpcsim's build and test dependencies from Debian packages (run as
# root), then the IAM test oracle's npm packages (tests/oracle, pinned by its
# package-lock.json; docs/testing.md, "IAM oracle test").
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
packages="cmake ninja-build g++ nlohmann-json3-dev libsimdjson-dev catch2 libbenchmark-dev libyaml-cpp-dev libcli11-dev libfmt-dev libboost-graph-dev libeigen3-dev libre2-dev libgraphviz-dev chromium pkg-config clang libclang-rt-14-dev"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js and npm run the oracle. Checked by command, not by package: a
# machine may have them from another package (a nodejs that bundles npm
# conflicts with Debian's npm package).
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq $missing
fi

# The oracle's packages, exactly as locked; again only when the lockfile
# changed since the last install.
oracle="$root/tests/oracle"
stamp="$oracle/node_modules/.vpcsim-lock-cksum"
want=$(cksum < "$oracle/package-lock.json")
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --prefix "$oracle" --no-audit --no-fund --loglevel=error >/dev/null
  printf '%s\n' "$want" > "$stamp"
fi

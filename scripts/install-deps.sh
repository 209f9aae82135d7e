#!/bin/sh
# Installs vpcsim's build and test dependencies from Debian packages (run as root).
set -eu
packages="cmake ninja-build g++ nlohmann-json3-dev libsimdjson-dev catch2 libbenchmark-dev libyaml-cpp-dev libcli11-dev libfmt-dev libboost-graph-dev libeigen3-dev libre2-dev pkg-config clang libclang-rt-14-dev"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq $missing
fi

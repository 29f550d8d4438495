#!/bin/sh
# Quick start, step 1: install the Debian packages, build chipgate in
# ./build and run the demo. Safe to run again.
set -eu
cd "$(dirname "$0")/.."
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2046
$SUDO apt-get install -y -q --no-install-recommends $(cat scripts/packages.txt)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
./build/chipgate demo

#!/usr/bin/env bash
# Installs what sluice needs to build, test and run, from Debian 12 packages.
# Idempotent: does nothing when everything is present. Uses sudo when not root.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git curl ca-certificates clang
  # runtime libraries
  libzmq3-dev cppzmq-dev libprotobuf-dev protobuf-compiler libboost-dev libboost-system-dev
  libicu-dev libspdlog-dev libfmt-dev libyaml-cpp-dev libsqlite3-dev sqlite3 libcli11-dev
  libxml2-dev libcurl4-openssl-dev libssl-dev zlib1g-dev libbrotli-dev libxxhash-dev
  libpqxx-dev postgresql liblinear-dev libfasttext-dev
  # tests, benchmarks and the anchors they compare against
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-jieba python3-readability python3-lxml python3-sklearn
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2

#!/bin/sh
# Speed of the linear plugin on THUCNews titles and the cost of the plugin ABI, side by side.
#
#   tests/bench/classify/speed.sh [BUILD_DIR] [SHARED_DIR]
#
# Trains a model on dev.txt (once, into a temporary directory) and runs classify_bench over the
# 10,000 test titles on one core (taskset when available).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${1:-$root/build}
shared=${2:-${SLUICE_SHARED_DIR:-$root/../shared}}
data=$shared/data/cls/thucnews_title
[ -f "$data/dev.txt" ] || { echo "speed.sh: no $data/dev.txt (needs ../shared)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/bin/sluice" train --axis news "$data/dev.txt" -o "$tmp/news.bin" --threads 1 -q
pin=""
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"
SLUICE_BIN="$build/bin/sluice" $pin "$build/bin/classify_bench" "$tmp/news.bin" "$data/test.txt" \
  "$build/lib/sluice/plugins/linear.so" "${REPEAT:-7}"

#!/bin/sh
# Speed of the linear plugin on THUCNews titles and the cost of the plugin ABI, side by side.
#
#   tests/bench/classify/speed.sh [BUILD_DIR] [SHARED_DIR]
#
# Trains a model on dev.txt (once, into a temporary directory) and runs classify_bench over the
# 10,000 test titles on one core (taskset when available).
set -eu
. "$(cd "$(dirname "$0")" && pwd)/bench_env.sh"
"$build/bin/sluice" train --axis news "$data/dev.txt" -o "$tmp/news.bin" --threads 1 -q
pin=""
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"
SLUICE_BIN="$build/bin/sluice" $pin "$build/bin/classify_bench" "$tmp/news.bin" "$data/test.txt" \
  "$build/lib/sluice/plugins/linear.so" "${REPEAT:-7}"

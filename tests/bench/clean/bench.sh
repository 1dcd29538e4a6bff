#!/bin/sh
# Extraction speed, one core, side by side with the python3-readability anchor on the same pages.
#   tests/bench/clean/bench.sh [BUILD_DIR] [SECONDS] [PATH …]   (default pages: shared/data/pages/real)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${1:-$root/build}
seconds=${2:-5}
[ $# -ge 2 ] && shift 2 || shift $#
shared=${SLUICE_SHARED_DIR:-$root/../shared}
[ $# -gt 0 ] || set -- "$shared/data/pages/real"
[ -x "$build/bin/clean_bench" ] || { echo "build clean_bench first: cmake --build $build --target clean_bench" >&2; exit 1; }
# One core for both, so the numbers are per core.
run1() { if command -v taskset >/dev/null; then taskset -c 0 "$@"; else "$@"; fi; }
sluice_out=$(run1 "$build/bin/clean_bench" --seconds "$seconds" "$@")
echo "$sluice_out"
if /usr/bin/python3 -c 'import readability' 2>/dev/null; then
  anchor_out=$(run1 /usr/bin/python3 "$here/readability_anchor.py" --seconds "$seconds" "$@")
  echo "$anchor_out"
  ours=$(echo "$sluice_out" | awk '/^extract/ {print $3}')
  theirs=$(echo "$anchor_out" | awk '{print $2}')
  awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "speed-up over python3-readability (per CPU-second): %.1fx\n", a / b }'
else
  echo "python3-readability not installed: anchor skipped"
fi

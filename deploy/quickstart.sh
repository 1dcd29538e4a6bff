#!/usr/bin/env bash
# The README's quick start. On a fresh Debian 12 machine:
#
#   deploy/quickstart.sh demo   installs packages, builds, runs the bundled demo (the demo bureau
#                               site → fetch → clean → segment → classify → store into
#                               ./sluice-data/sluice.db, with throughput logs), then searches it
#   deploy/quickstart.sh test   installs packages, builds, runs the test suite
#
# Options: demo [--duration 60s] [--query 教育强国]. BUILD_DIR (default: build) and JOBS (default:
# the number of cores) can be set in the environment.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
BUILD_DIR="${BUILD_DIR:-build}"
JOBS="${JOBS:-$(nproc)}"

build() {
  deploy/install-deps.sh
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release ${CMAKE_ARGS:-} >&2
  fi
  cmake --build "$BUILD_DIR" -j"$JOBS" >&2
}

cmd="${1:-}"
shift || true
case "$cmd" in
  demo)
    duration=60s
    query=教育强国
    while [ $# -gt 0 ]; do
      case "$1" in
        --duration) duration="$2"; shift 2 ;;
        --query) query="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
      esac
    done
    build
    echo "== sluice run (the bundled demo, for $duration; Ctrl-C stops it early) ==" >&2
    "$BUILD_DIR/bin/sluice" run --duration "$duration"
    echo "== sluice search $query ==" >&2
    "$BUILD_DIR/bin/sluice" search "$query"
    ;;
  test)
    build
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$JOBS" --timeout 600 "$@"
    ;;
  *)
    echo "usage: deploy/quickstart.sh demo [--duration 60s] [--query 教育强国] | test [ctest options]" >&2
    exit 64
    ;;
esac

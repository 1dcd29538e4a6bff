# Sourced by quality.sh and speed.sh: where the build and ../shared are, the THUCNews-title data,
# and a temporary directory removed on exit. Arguments: [BUILD_DIR] [SHARED_DIR].
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${1:-$root/build}
shared=${2:-${SLUICE_SHARED_DIR:-$root/../shared}}
data=$shared/data/cls/thucnews_title
[ -f "$data/dev.txt" ] || { echo "$(basename "$0"): no $data/dev.txt (needs ../shared)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

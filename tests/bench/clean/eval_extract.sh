#!/bin/sh
# Quality of the clean stage on the shared gold, side by side with the python3-readability anchor,
# measured with shared/tools/eval_extract.py exactly as it is.
#
#   tests/bench/clean/eval_extract.sh [BUILD_DIR] [SHARED_DIR]
#
# Prints, for data/sites (everything; general scorer alone; readability) and data/pages/real
# (everything; general scorer alone; readability): the scorer's report with per-site LCS F1,
# field accuracy and the five worst pages, plus what the scorer does not check — column accuracy,
# duplicate and challenge marks. Needs python3; the anchor needs /usr/bin/python3 with
# python3-readability and python3-lxml (Debian packages).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${1:-$root/build}
shared=${2:-${SLUICE_SHARED_DIR:-$root/../shared}}
sluice=$build/bin/sluice
tools=$shared/tools
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

[ -x "$sluice" ] || { echo "no sluice binary at $sluice (build it first)" >&2; exit 1; }
[ -d "$shared/data/sites" ] || { echo "no shared data at $shared" >&2; exit 1; }

section() { printf '\n==== %s\n' "$1"; }

extras() {  # gold pred: column accuracy, duplicates and challenges (the scorer ignores them)
  python3 - "$1" "$2" <<'PY'
import json, sys
gold = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
pred = {}
for l in open(sys.argv[2], encoding="utf-8"):
    if l.strip():
        r = json.loads(l); pred[(r.get("site"), r.get("url_path"))] = r
cols = [g for g in gold if "column" in g and g.get("expect") != "challenge"]
ok = sum((pred.get((g["site"], g["url_path"])) or {}).get("column") == g["column"] for g in cols)
if cols: print("column exact-match: %.3f (%d/%d)" % (ok / len(cols), ok, len(cols)))
for g in gold:
    p = pred.get((g["site"], g["url_path"])) or {}
    e = g.get("expect") or ""
    if e.startswith("duplicate_of:"):
        print("duplicate: %s -> %s (gold %s)" % (g["path"], p.get("duplicate_of"), e[13:]))
    if e == "challenge":
        print("challenge: %s -> %s" % (g["path"], p.get("challenge")))
marked = [r for r in pred.values() if r.get("duplicate_of")]
print("rows marked duplicate: %d" % len(marked))
PY
}

run() {  # name data-dir flags...
  name=$1; data=$2; shift 2
  "$sluice" extract --jsonl "$shared/data/$data" "$@" > "$out/$name.jsonl"
  python3 "$tools/eval_extract.py" "$shared/data/$data/gold.jsonl" "$out/$name.jsonl" --worst 5
  extras "$shared/data/$data/gold.jsonl" "$out/$name.jsonl"
}

anchor() {  # name data-dir root
  name=$1; data=$2; rootdir=$3
  if /usr/bin/python3 -c 'import readability, lxml' 2>/dev/null; then
    /usr/bin/python3 "$tools/baseline_extract.py" "$shared/data/$data/gold.jsonl" "$rootdir" --method readability \
      > "$out/$name.jsonl" 2>/dev/null
    python3 "$tools/eval_extract.py" "$shared/data/$data/gold.jsonl" "$out/$name.jsonl" --worst 5
  else
    echo "python3-readability / python3-lxml not installed: anchor skipped"
  fi
}

section "sites: sluice extract (known containers + general scorer)"
run sites sites
section "sites: sluice extract --general-only (known containers and site rules off)"
run sites_general sites --general-only
section "sites: python3-readability anchor"
anchor sites_readability sites "$shared/data/sites"

section "pages/real: sluice extract"
run real pages/real
section "pages/real: sluice extract --general-only"
run real_general pages/real --general-only
section "pages/real: python3-readability anchor"
anchor real_readability pages/real "$shared/data/pages/real"

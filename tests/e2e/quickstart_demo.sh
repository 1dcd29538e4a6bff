#!/usr/bin/env bash
# The README's quick start demo command, run exactly as written (`deploy/quickstart.sh demo`),
# then checked: every stage logged throughput, the demo site's notices were stored — including
# ones published while the pipeline ran — and the search at the end found ranked notices about
# 教育强国 with highlighted snippets.
# usage: tests/e2e/quickstart_demo.sh   (BUILD_DIR selects the build tree, as for the quick start)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
log="$(mktemp /tmp/sluice-quickstart-XXXXXX.log)"
trap 'rm -f "$log"' EXIT
rm -rf sluice-data   # a fresh demo, as on a new machine
if ! deploy/quickstart.sh demo > "$log" 2>&1; then
  cat "$log"; echo "FAIL: deploy/quickstart.sh demo exited non-zero"; exit 1
fi
fail() { cat "$log"; echo "FAIL: $*"; exit 1; }
for stage in fetch clean segment classify store; do
  grep -q "stage=$stage workers=" "$log" || fail "no throughput line for stage $stage"
done
grep -q "pipeline docs=" "$log" || fail "no pipeline line"
grep -q "pipeline stopped (clean)" "$log" || fail "the demo did not drain cleanly"
stored=$(grep "summary of the whole run" -A 10 "$log" | sed -n 's/.*stage=store .* docs=\([0-9]*\).*/\1/p' | head -1)
[ -n "$stored" ] && [ "$stored" -ge 24 ] || fail "expected the 22 initial notices plus published ones stored, got '${stored:-none}'"
published=$(sed -n 's/.*\[demo-site\] stopping after .* \([0-9]*\) notice(s) published.*/\1/p' "$log" | tail -1)
[ -n "$published" ] && [ "$published" -ge 2 ] || fail "the demo site should publish while the pipeline runs"
# The search after the run: ranked hits with the query highlighted.
grep -q "== sluice search 教育强国 ==" "$log" || fail "no search"
hits=$(grep -cE "^ *[0-9]+\. " "$log" || true)
[ "$hits" -ge 3 ] || fail "expected at least 3 ranked notices for 教育强国, got $hits"
grep -q "\[教育强国\]" "$log" || fail "no highlighted snippet"
echo "quick start demo: ok ($stored documents stored, $published published during the run, $hits hits)"

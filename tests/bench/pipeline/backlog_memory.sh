#!/usr/bin/env bash
# Bounded memory under a large backlog: 1,000,000 documents recorded in the ledger at once
# (backlog_target raised so the generator does not pause), drained by a deliberately slow
# stage. Samples the resident memory of every process every second and prints the maximum per
# process next to the backlog at that time. Memory must stay flat while the backlog shrinks.
# usage: tests/bench/pipeline/backlog_memory.sh [BUILD_DIR] [DOCS] [SECONDS]
set -euo pipefail
build="$(cd "${1:-build}" && pwd)"
docs="${2:-1000000}"
secs="${3:-90}"
work="$(mktemp -d /tmp/sluice-backlog-XXXXXX)"
trap 'kill $run 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/p.yaml" <<YAML
name: backlog
data_dir: $work/data
metrics: {listen: ""}
log: {stats_interval: 10s}
ledger: {backlog_target: 5000000, window: 1000}
source: {name: gen, kind: generate, config: {count: $docs, payload_bytes: 500, batch: 2048}}
stages:
  - {name: slow, stage: $build/tests/plugins/faulty.so, config: {sleep_us: 200}}
  - {name: sink, stage: passthrough}
YAML
"$build/bin/sluice" run "$work/p.yaml" --duration "${secs}s" > "$work/run.log" 2>&1 &
run=$!
declare -A max
for ((t = 0; t < secs; t++)); do
  sleep 1
  for pid in $(pgrep -f "stage .* --config $work/p.yaml") $run; do
    name=$(tr '\0' ' ' < /proc/$pid/cmdline 2>/dev/null | awk '{print ($2=="stage") ? $3 : "supervisor"}') || continue
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null) || continue
    [ -n "$rss" ] || continue
    [ "${max[$name]:-0}" -ge "$rss" ] || max[$name]=$rss
  done
  if ((t % 15 == 0)); then
    open=$(sqlite3 "$work/data/ledger-gen-0.db" "SELECT COUNT(*) FROM docs WHERE state < 2" 2>/dev/null || echo "?")
    echo "t=${t}s backlog(open in ledger)=$open max RSS so far: $(for k in "${!max[@]}"; do printf '%s=%dMB ' "$k" $((max[$k] / 1024)); done)"
  fi
done
wait $run || true
open=$(sqlite3 "$work/data/ledger-gen-0.db" "SELECT COUNT(*) FROM docs WHERE state < 2")
done_=$(sqlite3 "$work/data/ledger-gen-0.db" "SELECT COUNT(*) FROM docs WHERE state = 2")
echo "end: $done_ delivered, $open still in the ledger backlog; ledger file $(du -m "$work/data/ledger-gen-0.db" | cut -f1)MB"
echo "max RSS per process: $(for k in "${!max[@]}"; do printf '%s=%dMB ' "$k" $((max[$k] / 1024)); done)"

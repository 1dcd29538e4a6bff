#!/usr/bin/env bash
# End-to-end throughput, side by side on the same pages and cores:
#   sluice    warc replay → clean ×2 → segment → classify (rules + linear) → store (SQLite/FTS5)
#   python    python3-readability → jieba → scikit-learn TF-IDF+LinearSVC → SQLite/FTS5, 2 processes
# The pages are the shared evaluation pages (sites + real, ~50 distinct, repeated under new URLs).
# usage: tests/bench/e2e/run.sh [BUILD_DIR] [SHARED_DIR] [DOCS]
set -euo pipefail
build="$(cd "${1:-build}" && pwd)"
shared="$(cd "${2:-../shared}" && pwd)"
docs="${3:-2000}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d /tmp/sluice-e2e-XXXXXX)"
trap 'rm -rf "$work"' EXIT
train="$shared/data/cls/thucnews_title/dev.txt"

/usr/bin/python3 "$here/make_warc.py" "$shared" "$docs" "$work/pages.warc"
# A topic model for the linear plugin (evaluation data: used here only, never shipped).
"$build/bin/sluice" train --axis topic "$train" -o "$work/topic.model" > /dev/null 2>&1

cat > "$work/pipeline.yaml" <<YAML
name: e2e-bench
data_dir: $work/data
metrics: {listen: ""}
log: {level: info, stats_interval: 5s}
ledger: {window: 2000}
source: {name: replay, kind: warc, config: {paths: [$work/pages.warc], all_html: true}}
stages:
  - {name: clean, workers: 2}
  - {name: segment}
  - name: classify
    config:
      classifiers:
        - plugin: rules
        - {plugin: linear, config: {model: $work/topic.model}}
  - {name: store}
YAML
"$build/bin/sluice" check "$work/pipeline.yaml" > /dev/null
start=$(date +%s.%N)
"$build/bin/sluice" run "$work/pipeline.yaml" > "$work/run.log" 2>&1 || { tail -30 "$work/run.log"; exit 1; }
end=$(date +%s.%N)
stored=$(sqlite3 "$work/data/sluice.db" "SELECT COUNT(*) FROM documents")
sluice_rate=$(echo "$stored / ($end - $start)" | bc -l)
printf "sluice: %d docs in %.1f s = %.1f docs/s (whole run: start-up, replay, drain)\n" "$stored" "$(echo "$end - $start" | bc -l)" "$sluice_rate"
{ grep -E "summary of the whole run" -A 7 "$work/run.log" || true; } | sed "s/^.*\] /  /" | tail -6

py=$(/usr/bin/python3 "$here/python_pipeline.py" "$work/pages.warc" "$train" "$work/py.db" --workers 2)
echo "$py"
py_rate=$(echo "$py" | sed -n 's/.*= \([0-9.]*\) docs\/s.*/\1/p')
printf "ratio sluice/python: %.1fx\n" "$(echo "$sluice_rate / $py_rate" | bc -l)"

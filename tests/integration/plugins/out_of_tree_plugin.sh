#!/usr/bin/env bash
# CI check of the plugin story for a user: install sluice, build the example stage plugin out of
# tree with find_package(Sluice), run it in a pipeline, and see its output in the documents.
# usage: out_of_tree_plugin.sh BUILD_DIR
set -euo pipefail
src="$(cd "$(dirname "$0")/../../.." && pwd)"
build="$(cd "${1:?build dir}" && pwd)"
work="$(mktemp -d /tmp/sluice-oot-XXXXXX)"
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src/plugins/examples/paragraph_counter" -B "$work/pc" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/pc" >/dev/null
test -f "$work/pc/paragraph_counter.so"
# Only sluice_plugin_v1 is exported; no protobuf is linked.
nm -D --defined-only "$work/pc/paragraph_counter.so" | grep -q " T sluice_plugin_v1$"
! ldd "$work/pc/paragraph_counter.so" | grep -q protobuf

cat > "$work/pipeline.yaml" <<YAML
name: oot
data_dir: $work/data
metrics: {listen: ""}
log: {stats_interval: 1s}
source: {name: gen, kind: generate, config: {count: 200, payload_bytes: 300}}
stages:
  - {name: counter, stage: $work/pc/paragraph_counter.so, config: {min_chars: 80}}
  - {name: last, stage: passthrough}
YAML
"$work/prefix/bin/sluice" check "$work/pipeline.yaml"
"$work/prefix/bin/sluice" run "$work/pipeline.yaml" > "$work/run.log" 2>&1 || { cat "$work/run.log"; exit 1; }
grep -q "stage=counter workers=1 docs=200" "$work/run.log" || { cat "$work/run.log"; exit 1; }
grep -q "pipeline docs=200" "$work/run.log" || { cat "$work/run.log"; exit 1; }
# A config typo is reported by the plugin with the file and line.
sed -i 's/min_chars: 80/min_chrs: 80/' "$work/pipeline.yaml"
if "$work/prefix/bin/sluice" check "$work/pipeline.yaml" 2> "$work/check.err"; then echo "typo not caught"; exit 1; fi
grep -q 'pipeline.yaml:7:.*unknown key "min_chrs" (did you mean "min_chars"?)' "$work/check.err" || { cat "$work/check.err"; exit 1; }
echo "out-of-tree plugin: ok"

#!/bin/sh
# Quality of the linear classifier on THUCNews-title, side by side with the scikit-learn anchor.
#
#   tests/bench/classify/quality.sh [BUILD_DIR] [SHARED_DIR]
#
# Trains `sluice train` on dev.txt, labels test.txt with `sluice classify`, scores it with
# shared/tools/eval_cls.py, and runs shared/tools/anchor_cls.py (char 1-3-gram TF-IDF + LinearSVC)
# in the same run. Prints accuracy, macro-F1, education F1 and prediction docs/s for both.
# Needs /usr/bin/python3 with python3-sklearn (Debian) for the anchor.
set -eu
. "$(cd "$(dirname "$0")" && pwd)/bench_env.sh"
py=/usr/bin/python3
[ -x "$py" ] || py=python3

start=$(date +%s.%N)
"$build/bin/sluice" train --axis news "$data/dev.txt" -o "$tmp/news.bin" --threads 1 2> "$tmp/train.log"
end=$(date +%s.%N)
grep -E "C=|wrote" "$tmp/train.log" | sed 's/^/  /' >&2
cut -f1 "$data/test.txt" > "$tmp/titles.txt"
"$build/bin/sluice" classify --model "$tmp/news.bin" < "$tmp/titles.txt" > "$tmp/pred.txt"
"$py" "$shared/tools/eval_cls.py" "$data/test.txt" "$tmp/pred.txt" --classes "$data/class.txt" --json > "$tmp/sluice.json"
"$build/bin/sluice" eval --model "$tmp/news.bin" "$data/test.txt" --json > "$tmp/sluice_eval.json"
"$py" "$shared/tools/anchor_cls.py" --json --repeat 5 > "$tmp/anchor.json"

"$py" - "$tmp/sluice.json" "$tmp/sluice_eval.json" "$tmp/anchor.json" "$start" "$end" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); own = json.load(open(sys.argv[2])); a = json.load(open(sys.argv[3]))
train_s = float(sys.argv[5]) - float(sys.argv[4])
edu = s["per_class"]["3"]["F1"]
print(f"{'THUCNews-title, train dev / test test':40} {'accuracy':>9} {'macro-F1':>9} {'edu F1':>7} {'docs/s':>9} {'train s':>8}")
print(f"{'sluice linear (eval_cls.py)':40} {s['accuracy']:9.4f} {s['macro_F1']:9.4f} {edu:7.4f} {own['docs_per_s']:9.0f} {train_s:8.1f}")
print(f"{'anchor: sklearn TF-IDF + LinearSVC':40} {a['accuracy']:9.4f} {a['macro_F1']:9.4f} {a['education_F1']:7.4f} {a['docs_per_s']:9.0f} {a['train_s']:8.1f}")
print(f"difference (sluice - anchor): accuracy {s['accuracy'] - a['accuracy']:+.4f}, macro-F1 {s['macro_F1'] - a['macro_F1']:+.4f}, "
      f"education F1 {edu - a['education_F1']:+.4f}")
print("note: sluice docs/s = `sluice eval` prediction loop incl. feature extraction; sluice train s includes 5-fold CV over 4 C values")
PY

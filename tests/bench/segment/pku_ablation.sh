#!/bin/sh
# Scores `sluice segment` on the SIGHAN-2005 PKU test set with each convention switched off in
# turn, so every idea's contribution can be re-measured. Not run by ctest.
#   sh tests/bench/segment/pku_ablation.sh [build/bin/sluice] [../shared]
set -eu
SLUICE=${1:-build/bin/sluice}
SHARED=${2:-${SLUICE_SHARED_DIR:-$(dirname "$0")/../../../../shared}}
PKU=$SHARED/data/cws/pku
SCORE="python3 $SHARED/tools/score_cws.py $PKU/gold.utf8"
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
run() {
  label=$1
  shift
  "$SLUICE" segment "$@" < "$PKU/test.utf8" > "$OUT"
  printf '%-44s %s\n' "$label" "$($SCORE "$OUT" --train-words "$PKU/training_words.utf8" | tail -1)"
}
printf '%-44s %s\n' "configuration" "      P       R      F1   OOV-R    IV-R OOVrate  lines  gold_w  pred_w fallbk"
run "shipped defaults"
run "--no-hmm" --no-hmm
run "--hmm all (jieba-style HMM)" --hmm all
run "--no-name-split" --no-name-split
run "--split-bias 0" --split-bias 0
run "--compound-penalty 0" --compound-penalty 0
run "--no-lexicon" --no-lexicon
run "--char-model-weight 0" --char-model-weight 0
run "plain DAG + token rules (all of the above off)" --split-bias 0 --compound-penalty 0 --no-name-split --no-hmm --no-lexicon --char-model-weight 0
for b in 0.5 1.5 2; do run "--split-bias $b" --split-bias $b; done
for w in 0.25 1; do run "--char-model-weight $w" --char-model-weight $w; done
for p in 2 10; do run "--compound-penalty $p" --compound-penalty $p; done

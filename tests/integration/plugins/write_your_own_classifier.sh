#!/usr/bin/env bash
# Runs the "Write your own classifier" section of plugins/examples/keyword_classifier/README.md
# exactly as written: every ```sh block in order, in one shell (so `cd` and `export` carry over),
# after writing each block marked <!-- file: NAME --> to NAME in the shell's current directory;
# each ```text block is output that must have appeared by then. HOME is a fresh temporary
# directory, so the README's "$HOME/.local" install and "$HOME/keyword_classifier" land there;
# the first block runs in the repository root (the README says "from your sluice checkout") and
# reuses its build/ directory.
#
#   tests/integration/plugins/write_your_own_classifier.sh
#
# Exit 0: every step worked. Exit 77 (skip): everything up to the pipeline step worked, but this
# sluice has no `run` command yet (the runtime lands separately). Anything else: a step failed;
# the output of all steps is printed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
readme=$repo/plugins/examples/keyword_classifier/README.md
example=$repo/plugins/examples/keyword_classifier
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home"
log=$work/steps.log

awk -v repo="$repo" -v logfile="$log" '
  function q(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
  BEGIN { print "set -euo pipefail"; print "exec >>" q(logfile) " 2>&1"; print "cd " q(repo) }
  /^## / { in_section = ($0 == "## Write your own classifier"); next }
  !in_section { next }
  /^<!-- file: .* -->$/ { file = $0; sub(/^<!-- file: /, "", file); sub(/ -->$/, "", file); next }
  /^```/ && !in_block {
    in_block = 1; lang = substr($0, 4); n = 0
    next
  }
  /^```$/ && in_block {
    in_block = 0
    if (file != "") {
      print "cat > " q(file) " <<\047SLUICE_README_EOF\047"
      for (i = 1; i <= n; i++) print buf[i]
      print "SLUICE_README_EOF"
      print "echo \"+ wrote " file "\""
    } else if (lang == "sh") {
      runs = 0
      for (i = 1; i <= n; i++) if (buf[i] ~ /sluice run /) runs = 1
      if (runs) {
        print "if ! sluice run --help >/dev/null 2>&1; then echo \"SKIP: this sluice has no run command yet; the pipeline step waits for the runtime\"; exit 77; fi"
      }
      for (i = 1; i <= n; i++) { print "echo " q("+ " buf[i]); print buf[i] }
    } else if (lang == "text") {
      for (i = 1; i <= n; i++)
        print "grep -qF -- " q(buf[i]) " " q(logfile) " || { echo " q("expected output missing: " buf[i]) "; exit 1; }"
    }
    file = ""
    next
  }
  in_block { buf[++n] = $0 }
' "$readme" > "$work/steps.sh"

rc=0
HOME="$work/home" bash "$work/steps.sh" || rc=$?
cat "$log"
if [ "$rc" -ne 0 ]; then
  [ "$rc" -eq 77 ] || echo "write_your_own_classifier.sh: a README step failed (exit $rc)" >&2
  # The files the README shows must be the example's files, whichever step stopped us.
fi
for f in keyword_classifier.cc CMakeLists.txt; do
  if ! cmp -s "$work/home/keyword_classifier/$f" "$example/$f"; then
    echo "write_your_own_classifier.sh: README's $f differs from $example/$f" >&2
    exit 1
  fi
done
exit "$rc"

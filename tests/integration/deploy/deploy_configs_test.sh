#!/usr/bin/env bash
# Every pipeline file shipped under deploy/ passes `sluice check` (the runtime's keys and every
# stage's own config), and the Kubernetes manifests are well-formed YAML whose workloads run
# commands sluice has. Container-only paths are mapped to the repository's (deploy/sites) and the
# PostgreSQL store to SQLite for the check, since the PostgreSQL back end has its own tests.
# usage: deploy_configs_test.sh BUILD_DIR
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
sluice="$(cd "$1" && pwd)/bin/sluice"
work="$(mktemp -d /tmp/sluice-deploy-XXXXXX)"
trap 'rm -rf "$work"' EXIT
cd "$work"
"$sluice" check                                         # the built-in default (deploy/configs/demo.yaml)
"$sluice" check "$repo/deploy/configs/demo.yaml"
"$sluice" check "$repo/deploy/configs/bureaus.yaml"
"$sluice" check "$repo/deploy/configs/relabel.yaml"
for f in "$repo/deploy/configs/compose.yaml" "$repo/deploy/k8s/pipeline.yaml"; do
  /usr/bin/python3 - "$f" "$repo" "$work" > "$work/$(basename "$f")" <<'PY'
import sys, yaml
f, repo, work = sys.argv[1:]
p = yaml.safe_load(open(f))
p["data_dir"] = work + "/data"
p["source"]["config"]["site_files"] = [repo + "/deploy/sites"]
store = [s for s in p["stages"] if s["name"] == "store"][0]
assert store["config"]["backend"] == "postgres", "update this test: the store section changed"
store["config"] = {"backend": "sqlite"}
store["workers"] = 1
print(yaml.safe_dump(p, allow_unicode=True))
PY
  "$sluice" check "$work/$(basename "$f")"
done
# Kubernetes: parseable, and every container runs a sluice command that exists.
/usr/bin/python3 - "$repo/deploy/k8s/sluice.yaml" "$sluice" <<'PY'
import subprocess, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
commands = subprocess.run([sys.argv[2], "--help"], capture_output=True, text=True).stdout
kinds = {}
for d in docs:
    kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    spec = d.get("spec", {}).get("template", {}).get("spec", {})
    for c in spec.get("containers", []):
        argv = c.get("args") or c.get("command")
        cmd = argv[0] if argv[0] != "sh" else argv[2].split()[2]  # sh -c "exec sluice CMD …"
        assert "  %s " % cmd in commands, "%s: container %s runs unknown command %r" % (d["metadata"]["name"], c["name"], cmd)
assert kinds.get("StatefulSet") == 1 and kinds.get("Deployment", 0) >= 8, kinds
import os
cm = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "sluice-pipeline"][0]
assert cm["data"]["pipeline.yaml"] == open(os.path.join(os.path.dirname(sys.argv[1]), "pipeline.yaml")).read(), \
    "deploy/k8s/sluice.yaml embeds an old deploy/k8s/pipeline.yaml: copy it into the ConfigMap"
print("k8s manifests: ok", kinds)
PY
echo "deploy configs: ok"

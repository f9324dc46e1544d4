#!/bin/bash
# deploy/daemonset.yaml as a node runs it, with `podman kube play`. Podman
# 4.3 plays Pods, not DaemonSets, so the test plays the DaemonSet's pod
# template as the Pod the DaemonSet would start on a node, with its
# hostPath cache, read-only root and emptyDir /tmp as written: twice, and
# the second run is a cache hit that leaves the tree as it was.
. "$(dirname "$0")/../lib.sh"
command -v podman >/dev/null || skip_all "podman is not installed (scripts/deps.txt installs it)"
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml is not installed (scripts/deps.txt)"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "this kernel has no BTF"
export CONTAINERS_CONF=$TESTS_DIR/../containers/containers.conf
"$TESTS_DIR/container/build-image" runner localhost/provision-headers-runner:test >"$TMP/build.log" ||
	{ tail -n 5 "$TMP/build.log" | sed 's/^/# /'; skip_all "cannot build the runner image here"; }
env=$("$TESTS_DIR/fixtures/closematch-bank") || { echo "Bail out! cannot build the close-match bank"; exit 1; }
# shellcheck disable=SC1090
. "$env"
REL=$(uname -r)
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
mkdir -p "$TMP/bank" "$TMP/cache" "$TMP/node"
cp -al "$BANK/$BANK_6_12" "$TMP/bank/"

python3 - "$TESTS_DIR/../deploy/daemonset.yaml" "$TMP/pod.yaml" "$TMP/node" "$TMP/bank" "$TMP/cache" <<'PY'
import os, sys, yaml
src, dst, node, bank, cache = sys.argv[1:6]
docs = list(yaml.safe_load_all(open(src)))
ds = [d for d in docs if d["kind"] == "DaemonSet"][0]
spec = ds["spec"]["template"]["spec"]
pod = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "ebpf-agent-ds", "labels": ds["spec"]["template"]["metadata"]["labels"],
                    # keep the init container after it ran, to read its log
                    "annotations": {"io.podman.annotations.init.container.type": "always"}},
       "spec": spec}
# Podman 4.3 gives init containers the pod's restart policy (Always for a
# DaemonSet): an init container that succeeded is started again and again
# until podman gives up (podman issues 15631, 16343; fixed in 4.6). A node
# starting the pod once is what is played: Never, so a failed init
# container fails the play instead of looping.
spec["restartPolicy"] = "Never"
init = spec["initContainers"][0]
assert init["image"] == "registry.example/provision-headers-runner:0.1.0"
init["image"] = "localhost/provision-headers-runner:test"
# The test machine has no exact headers: a BTF-corrected close match from
# a bank is the best a node like it can get; --require stays strict.
env = [e for e in init["env"] if e["name"] != "PROVISION_HEADERS_REQUIRE"]
assert len(env) == len(init["env"]) - 1
init["env"] = env + [{"name": "PROVISION_HEADERS_REQUIRE", "value": "btf-corrected"},
                     {"name": "PROVISION_HEADERS_BANK", "value": "/bank"}]
init["volumeMounts"].append({"name": "bank", "mountPath": "/bank", "readOnly": True})
# podman's default seccomp profile refuses bpf(), which Kubernetes' default
# (Unconfined for most runtimes, or a profile allowing it with CAP_BPF) does not.
init["securityContext"]["privileged"] = True
assert init["securityContext"]["readOnlyRootFilesystem"] is True
agent = spec["containers"][0]
agent["image"] = "localhost/provision-headers-runner:test"
agent["command"] = ["/usr/bin/provision-headers-runner", "--no-builtin", "--probe",
                    "/usr/share/provision-headers/bpf/count_by_tgid.c"]
agent["securityContext"] = {"privileged": True}
agent["volumeMounts"].append({"name": "tracefs", "mountPath": "/sys/kernel/tracing"})
for v in spec["volumes"]:
    hp = v.get("hostPath")
    if not hp or hp["path"] == "/sys/kernel/tracing":
        continue
    hp["path"] = cache if v["name"] == "cache" else node + hp["path"]
    os.makedirs(hp["path"], exist_ok=True)
spec["volumes"].append({"name": "bank", "hostPath": {"path": bank, "type": "Directory"}})
yaml.safe_dump(pod, open(dst, "w"), sort_keys=False)
PY
ok $? "the DaemonSet's pod template, as a node would run it"

play() { # play N: one node start of the pod; sets INIT_LOG and AGENT_RC
	podman pod rm -f ebpf-agent-ds >/dev/null 2>&1
	podman kube play "$TMP/pod.yaml" >"$TMP/kube$1.out" 2>&1
	PLAY_RC=$?
	podman wait ebpf-agent-ds-agent >/dev/null 2>&1
	AGENT_RC=$(podman inspect --format '{{.State.ExitCode}}' ebpf-agent-ds-agent 2>/dev/null)
	INIT_LOG=$(podman logs ebpf-agent-ds-provision-headers 2>&1)
}
play 1
is "$PLAY_RC" 0 "podman kube play: the initContainer succeeds" || { tail -n 3 "$TMP/kube1.out"; grep -v ' ok ' <<<"$INIT_LOG" | tail -n 8; } | sed 's/^/#   /'
like "$INIT_LOG" "btf-correction: [0-9]+ structs rewritten" "...publishing a BTF-corrected tree into the hostPath cache"
like "$INIT_LOG" "verdict: headers right for this kernel" "...validated in the pod's own PID namespace"
is "$AGENT_RC" 0 "the agent compiles and loads its probe against the cache"
[ -s "$TMP/cache/$REL/manifest.json" ] && [ -d "$TMP/cache/$REL/build/include" ]
ok $? "the tree and its manifest are in the node's cache"
before=$(stat -c '%i %Y' "$TMP/cache/$REL/build" "$TMP/cache/$REL/manifest.json")

play 2
is "$PLAY_RC" 0 "a second start on the same node succeeds" || { tail -n 3 "$TMP/kube2.out"; tail -n 8 <<<"$INIT_LOG"; } | sed 's/^/#   /'
like "$INIT_LOG" "cache: .* is published and complete \(btf-corrected, validation: ok\), nothing to do" "...as a cache hit that says what the tree is"
unlike_rebuild=$(grep -c 'close-match: providing' <<<"$INIT_LOG")
is "$unlike_rebuild" 0 "...that builds nothing"
is "$(stat -c '%i %Y' "$TMP/cache/$REL/build" "$TMP/cache/$REL/manifest.json")" "$before" "...and leaves the tree as it was"
is "$AGENT_RC" 0 "the agent runs again"
podman pod rm -f ebpf-agent-ds >/dev/null 2>&1
done_testing

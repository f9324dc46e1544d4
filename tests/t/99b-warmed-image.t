#!/bin/bash
# The image-build cache warmer as users run it: the Containerfile's warmed
# stage bakes exact trees for two real Debian kernels from the signed
# mirror on 127.0.0.1 into a store; then deploy/daemonset-warmed.yaml's pod
# template is played with `podman kube play` on a node with no network and
# no headers: the initContainer publishes the node's kernel from the baked,
# read-only store (--offline), and an agent that mounts only the volume
# compiles and loads a BCC program against it.
. "$(dirname "$0")/../lib.sh"
command -v podman >/dev/null || skip_all "podman is not installed (scripts/deps.txt installs it)"
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml is not installed (scripts/deps.txt)"
export CONTAINERS_CONF=$TESTS_DIR/../containers/containers.conf
load_apt_fixture
"$TESTS_DIR/container/build-image" runner localhost/provision-headers-runner:test >"$TMP/build-runner.log" 2>&1 ||
	{ tail -n 5 "$TMP/build-runner.log" | sed 's/^/# /'; skip_all "cannot build the runner image here"; }
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
start_mirror "$REPO"
OTHER=$(ls "$REPO/debian/pool/main/l/" 2>/dev/null | sed -n 's/^linux-headers-\(6\.1\.0-[0-9]*-amd64\)_.*/\1/p' | grep -vx "$RELEASE" | head -n 1)
[ -n "$OTHER" ] || OTHER=$RELEASE

"$TESTS_DIR/container/build-image" warmed localhost/provision-headers-warmed:test bookworm \
	--build-arg WARM_KERNELS="$RELEASE $OTHER" --build-arg WARM_MIRROR="$MIRROR/ok/debian bookworm main" \
	--build-arg WARM_ARGS="--retries 2" --build-arg WARM_KEYRING="$(cat "$KEY_ASC")" >"$TMP/build-warmed.log" 2>&1
ok $? "the warmed stage builds, warming $RELEASE and $OTHER from the mirror" || tail -n 12 "$TMP/build-warmed.log" | sed 's/^/#   /'
like "$(cat "$TMP/build-warmed.log")" "cache verify: /var/cache/provision-headers: every object matches its hash and every tree its index" "...and the baked store passes cache verify"
ls_out=$(podman run --rm --network none --read-only localhost/provision-headers-warmed:test cache ls 2>&1)
like "$ls_out" "$RELEASE" "cache ls in the image lists $RELEASE (PROVISION_HEADERS_CACHE_DIR is set by the image)"
like "$ls_out" "$OTHER" "...and $OTHER"
podman run --rm --network none --entrypoint /bin/sh localhost/provision-headers-warmed:test -c \
	'test ! -e /var/cache/provision-headers/.warm && test ! -e /tmp/warm-keyring.asc'
ok $? "the image keeps only the store: no warm staging, no keyring file"
"$TESTS_DIR/container/build-image" warmed localhost/provision-headers-warmed:none >"$TMP/build-none.log" 2>&1
rc=$?
ok $(( rc == 0 )) "the warmed stage without WARM_KERNELS fails the build"
like "$(cat "$TMP/build-none.log")" "give the kernels with --build-arg WARM_KERNELS" "...saying how to give them"
# The kernel list comes from what nodes report (kubectl): it is data, never
# shell code, and a name that is no release fails the build.
"$TESTS_DIR/container/build-image" warmed localhost/provision-headers-warmed:evil bookworm \
	--build-arg WARM_KERNELS="$RELEASE \$(echo INJECTED-SUBST>&2) ;echo INJECTED-SEMI>&2 *" \
	--build-arg WARM_MIRROR="$MIRROR/ok/debian bookworm main" --build-arg WARM_KEYRING="$(cat "$KEY_ASC")" \
	>"$TMP/build-evil.log" 2>&1
rc=$?
ok $(( rc == 0 )) "a kernel list with shell code in it fails the build"
is "$(grep -cx 'INJECTED-SUBST\|INJECTED-SEMI' "$TMP/build-evil.log")" 0 "...and none of it ran"
like "$(cat "$TMP/build-evil.log")" "/tmp/warm-kernels:2" "...the warm names the list's line that is no release"
kill "$MIRROR_PID" 2>/dev/null # the node has no way to the mirror from here on

# deploy/daemonset-warmed.yaml's pod template on a node with no headers.
mkdir -p "$TMP/node"
python3 - "$TESTS_DIR/../deploy/daemonset-warmed.yaml" "$TMP/pod.yaml" "$TMP/node" "$RELEASE" <<'PY'
import os, sys, yaml
src, dst, node, release = sys.argv[1:5]
ds = [d for d in yaml.safe_load_all(open(src)) if d["kind"] == "DaemonSet"][0]
spec = ds["spec"]["template"]["spec"]
pod = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "ebpf-agent-warmed", "labels": ds["spec"]["template"]["metadata"]["labels"],
                    "annotations": {"io.podman.annotations.init.container.type": "always"}},
       "spec": spec}
spec["restartPolicy"] = "Never"  # podman 4.3 restarts init containers with the pod's policy (see 99-daemonset.t)
spec["hostNetwork"] = False
init = spec["initContainers"][0]
assert init["image"] == "registry.example/provision-headers-warmed:0.1.0"
init["image"] = "localhost/provision-headers-warmed:test"
assert init["securityContext"]["readOnlyRootFilesystem"] is True
env = {e["name"]: e["value"] for e in init["env"]}
assert env["PROVISION_HEADERS_OFFLINE"] == "1" and env["PROVISION_HEADERS_REQUIRE"] == "exact"
# This machine runs a custom kernel no store holds: the node plays one
# that runs the warmed Debian kernel.
init["env"].append({"name": "PROVISION_HEADERS_KERNEL_RELEASE", "value": release})
agent = spec["containers"][0]
agent["image"] = "localhost/provision-headers-runner:test"
agent["command"] = ["/usr/bin/provision-headers-runner", "--tree", "/lib/modules/%s/build" % release, "--btf", "/none",
                    "--no-builtin", "--probe", "/usr/share/provision-headers/bpf/count_by_start_time.c"]
agent["securityContext"] = {"privileged": True}  # podman's seccomp profile refuses bpf()
agent["volumeMounts"].append({"name": "tracefs", "mountPath": "/sys/kernel/tracing"})
spec["volumes"].append({"name": "tracefs", "hostPath": {"path": "/sys/kernel/tracing", "type": "Directory"}})
for v in spec["volumes"]:
    hp = v.get("hostPath")
    if hp and hp["path"] != "/sys/kernel/tracing":
        hp["path"] = node + hp["path"]
        os.makedirs(hp["path"], exist_ok=True)
yaml.safe_dump(pod, open(dst, "w"), sort_keys=False)
PY
ok $? "deploy/daemonset-warmed.yaml's pod template, as a node runs it"

play() { # play N: one start of the pod; sets PLAY_RC, INIT_LOG, AGENT_RC
	podman pod rm -f ebpf-agent-warmed >/dev/null 2>&1
	podman kube play --network none "$TMP/pod.yaml" >"$TMP/kube$1.out" 2>&1
	PLAY_RC=$?
	podman wait ebpf-agent-warmed-agent >/dev/null 2>&1
	AGENT_RC=$(podman inspect --format '{{.State.ExitCode}}' ebpf-agent-warmed-agent 2>/dev/null)
	INIT_LOG=$(podman logs ebpf-agent-warmed-provision-headers 2>&1)
}
play 1
is "$PLAY_RC" 0 "podman kube play: the initContainer succeeds with no network" || { tail -n 3 "$TMP/kube1.out"; tail -n 8 <<<"$INIT_LOG"; } | sed 's/^/#   /'
like "$INIT_LOG" "cache: providing headers from the store of /var/cache/provision-headers " "...from the baked store"
like "$INIT_LOG" "cache: published /var/lib/provision-headers/$RELEASE/build \(exact" "...publishing $RELEASE exact into the node's volume"
tree=$TMP/node/var/lib/provision-headers/$RELEASE
like "$(cat "$tree/manifest.json" 2>&1)" '"exact":true' "the node's volume holds the exact tree and its manifest"
pass_if "...and it equals the Debian packages' tree (what BCC needs of it)" -- \
	python3 "$TESTS_DIR/tools/compare-tree.py" "$tree/build" x86 "$HOST_ROOT/usr/src/linux-headers-${RELEASE%-amd64}-common" \
	"$HOST_ROOT/usr/src/linux-headers-$RELEASE"
is "$AGENT_RC" 0 "the agent, with only the volume, compiles and loads its probe against it"
before=$(stat -c '%i %Y' "$tree/build" "$tree/manifest.json")
play 2
is "$PLAY_RC" 0 "a second start on the node succeeds"
like "$INIT_LOG" "cache: .* is published and complete \(exact" "...as a cache hit on the node's volume"
is "$(stat -c '%i %Y' "$tree/build" "$tree/manifest.json")" "$before" "...that leaves the tree as it was"
podman pod rm -f ebpf-agent-warmed >/dev/null 2>&1

# A node running a kernel the store lacks: the store's trees are only a
# close match for it, which --require exact does not publish: exit 7, one
# line, nothing published.
mkdir -p "$TMP/o-miss" "$TMP/emptyroot"
podman run --rm --network none --read-only --tmpfs /tmp -v "$TMP/emptyroot:/host:ro" -v "$TMP/o-miss:/out" \
	-e PROVISION_HEADERS_OFFLINE=1 -e PROVISION_HEADERS_KERNEL_RELEASE=6.1.0-1-amd64 -e PROVISION_HEADERS_REQUIRE=exact \
	localhost/provision-headers-warmed:test >/dev/null 2>"$TMP/miss.err"
is "$?" 7 "a kernel the baked store lacks: exit 7 (--require exact not met)"
like "$(cat "$TMP/miss.err")" "close-match: not published: the tree is approximate \(a close match\) and --require exact asks for an exact one" \
	"...saying the store's trees are only a close match for it"
like "$(cat "$TMP/miss.err")" "offline" "...with the line saying --offline kept it off the network"
is "$(find "$TMP/o-miss" -mindepth 1 -maxdepth 1 ! -name .lock | wc -l)" 0 "...and nothing published"
done_testing

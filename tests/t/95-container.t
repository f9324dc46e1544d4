#!/bin/bash
# The images as users deploy them, with podman: build on a debootstrapped
# base, run as an initContainer (host root read-only at /host, output as
# the volume) for the host, kheaders, distro and close-match strategies,
# then an agent container that mounts only the volume compiles and loads
# a BCC program; finally `podman kube play` of deploy/pod.yaml.
. "$(dirname "$0")/../lib.sh"
command -v podman >/dev/null || skip_all "podman is not installed (scripts/deps.txt installs it)"
export CONTAINERS_CONF=$TESTS_DIR/../containers/containers.conf
base=$("$TESTS_DIR/container/base-image" 2>"$TMP/base.err") || { sed 's/^/# /' "$TMP/base.err"; skip_all "cannot build the base image with debootstrap and podman import"; }
podman run --rm --network none "localhost/$base" true 2>"$TMP/run.err" || { sed 's/^/# /' "$TMP/run.err"; skip_all "podman cannot run containers here"; }
load_apt_fixture
ROOT_DIR=$TESTS_DIR/..
REL=$(uname -r)

build() { # build TARGET TAG
	"$TESTS_DIR/container/build-image" "$1" "$2" >"$TMP/build-$1.log"
}
build runner localhost/provision-headers-runner:test
ok $? "the runner image builds from the Containerfile" || tail -n 20 "$TMP/build-runner.log" | sed 's/^/#   /'
build provisioner localhost/provision-headers:test
ok $? "the provisioner image builds (the same build stage)"
psize=$(podman image inspect --format '{{.Size}}' localhost/provision-headers:test)
rsize=$(podman image inspect --format '{{.Size}}' localhost/provision-headers-runner:test)
echo "# image sizes: provisioner $((psize / 1000000)) MB, runner $((rsize / 1000000)) MB (base $(( $(podman image inspect --format '{{.Size}}' "localhost/$base") / 1000000 )) MB)"
ok $(( psize * 2 > rsize ? 1 : 0 )) "the provisioner image is at most half the runner image"
grep -Eq 'provisioner image: [0-9]+ MB' "$ROOT_DIR/README.md" && grep -Eq 'runner image: [0-9]+ MB' "$ROOT_DIR/README.md"
ok $? "README.md reports both image sizes"
podman run --rm --network none --entrypoint /bin/sh localhost/provision-headers:test -c \
	'! command -v provision-headers-runner && ! ls /usr/lib/x86_64-linux-gnu/libbcc* 2>/dev/null' >/dev/null
ok $? "the provisioner image carries no libbcc and no runner"

init() { # init ROOT OUT [podman options] -- [env...]: the initContainer
	local root=$1 out=$2; shift 2
	podman run --rm "$@" -v "$root:/host:ro" -v "$out:/out" localhost/provision-headers:test >"$TMP/init.out" 2>"$TMP/init.err"
}
agent() { # agent OUT [runner options]: mounts only the volume at /lib/modules
	local out=$1; shift
	podman run --rm --network none --privileged -v /sys/kernel/tracing:/sys/kernel/tracing -v "$out:/lib/modules:ro" --entrypoint /usr/bin/provision-headers-runner \
		localhost/provision-headers-runner:test "$@" >"$TMP/agent.out" 2>"$TMP/agent.err"
}
probe=/usr/share/provision-headers/bpf/count_by_start_time.c

# host
mkdir -p "$TMP/o-host"
init "$HOST_ROOT" "$TMP/o-host" --network none -e PROVISION_HEADERS_KERNEL_RELEASE="$RELEASE"
ok $? "host strategy in the initContainer (host root read-only at /host)" || tail -n 5 "$TMP/init.err" | sed 's/^/#   /'
agent "$TMP/o-host" --tree "/lib/modules/$RELEASE/build" --btf /none --no-builtin --probe "$probe"
ok $? "an agent with only the volume compiles and loads a task_struct probe against it" || tail -n 5 "$TMP/agent.err" | sed 's/^/#   /'

# kheaders
kroot=$TMP/kroot
mkdir -p "$kroot/sys/kernel" "$TMP/o-kh"
cp "$("$TESTS_DIR/fixtures/kheaders-archive")" "$kroot/sys/kernel/kheaders.tar.xz"
init "$kroot" "$TMP/o-kh" --network none -e PROVISION_HEADERS_KERNEL_RELEASE="$RELEASE" -e PROVISION_HEADERS_STRATEGY=kheaders
ok $? "kheaders strategy in the initContainer" || tail -n 5 "$TMP/init.err" | sed 's/^/#   /'
agent "$TMP/o-kh" --tree "/lib/modules/$RELEASE/build" --btf /none --no-builtin --probe "$probe"
ok $? "...and the agent compiles and loads against it"

# distro, from the local mirror
start_mirror "$REPO"
aroot=$TMP/aroot
mkdir -p "$aroot/etc/apt/keyrings" "$aroot/usr/lib" "$TMP/o-apt"
cp "$HOST_ROOT/usr/lib/os-release" "$aroot/usr/lib/"
ln -s ../usr/lib/os-release "$aroot/etc/os-release"
cp "$KEY_GPG" "$aroot/etc/apt/keyrings/test.gpg"
echo "deb [signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/ok/debian bookworm main" >"$aroot/etc/apt/sources.list"
init "$aroot" "$TMP/o-apt" --network host -e PROVISION_HEADERS_KERNEL_RELEASE="$RELEASE" -e PROVISION_HEADERS_STRATEGY=distro \
	-e http_proxy=http://127.0.0.1:9 -e no_proxy=127.0.0.1
ok $? "distro strategy in the initContainer, from the mirror on 127.0.0.1" || tail -n 5 "$TMP/init.err" | sed 's/^/#   /'
# As deploy/ runs it: a read-only root, /tmp an emptyDir, the verdict in a termination log.
mkdir -p "$TMP/o-ro"
init "$aroot" "$TMP/o-ro" --network host --read-only --tmpfs /tmp -e PROVISION_HEADERS_KERNEL_RELEASE="$RELEASE" \
	-e PROVISION_HEADERS_STRATEGY=distro -e PROVISION_HEADERS_TERMINATION_LOG=/out/termination-log \
	-e http_proxy=http://127.0.0.1:9 -e no_proxy=127.0.0.1
ok $? "distro strategy with a read-only root filesystem and a /tmp emptyDir" || tail -n 5 "$TMP/init.err" | sed 's/^/#   /'
init "$aroot" "$TMP/o-ro" --network none --read-only --tmpfs /tmp -e PROVISION_HEADERS_KERNEL_RELEASE="$RELEASE" \
	-e PROVISION_HEADERS_STRATEGY=cache,distro
like "$(cat "$TMP/init.err")" "cache: .* is published and complete \(exact, validation: not run\), nothing to do" \
	"a rerun on a warm cache volume (the DaemonSet's hostPath) is a cache hit, and says the tree is exact"
like "$(cat "$TMP/o-ro/termination-log" 2>&1)" "^ok: $RELEASE: published by distro \(exact," "...and the termination log holds the verdict"
agent "$TMP/o-apt" --tree "/lib/modules/$RELEASE/build" --btf /none --no-builtin --probe "$probe"
ok $? "...and the agent compiles and loads against it"

# close-match for the running kernel: the agent sets no flag at all.
bank_env=$("$TESTS_DIR/fixtures/closematch-bank")
# shellcheck disable=SC1090
. "$bank_env"
mkdir -p "$TMP/bank" "$TMP/o-cm" "$TMP/emptyroot"
cp -al "$BANK/$BANK_6_12" "$TMP/bank/"
init "$TMP/emptyroot" "$TMP/o-cm" --network none -v "$TMP/bank:/bank:ro" -e PROVISION_HEADERS_BANK=/bank \
	-e PROVISION_HEADERS_STRATEGY=close-match
ok $? "close-match for the running kernel in the initContainer" || tail -n 5 "$TMP/init.err" | sed 's/^/#   /'
agent "$TMP/o-cm" --no-builtin --probe /usr/share/provision-headers/bpf/count_by_tgid.c
ok $? "the agent's BCC finds /lib/modules/$REL/build with no flag, compiles and loads" || tail -n 5 "$TMP/agent.err" | sed 's/^/#   /'
like "$(cat "$TMP/agent.err")" "compiled against /lib/modules/$REL/build" "...from the volume"

# podman kube play of deploy/pod.yaml, on the test's host root.
mkdir -p "$TMP/kube/lib-modules" "$TMP/kube/usr-src" "$TMP/kube/etc" "$TMP/kube/boot" "$TMP/kube/sys-kernel"
python3 - "$ROOT_DIR/deploy/pod.yaml" "$TMP/pod.yaml" "$TMP/kube" "$TMP/bank" <<'PY'
import sys
src, dst, kube, bank = sys.argv[1:5]
y = open(src).read()
y = y.replace("registry.example/provision-headers-runner:0.1.0", "localhost/provision-headers-runner:test")
assert "localhost/provision-headers-runner:test" in y and "registry.example" not in y
for host, local in (("/lib/modules", "lib-modules"), ("/usr/src", "usr-src"), ("/etc", "etc"), ("/boot", "boot"),
                    ("/sys/kernel", "sys-kernel")):  # tracefs (/sys/kernel/tracing) stays the real one
    y = y.replace("hostPath: { path: %s," % host, "hostPath: { path: %s/%s," % (kube, local))
# The test machine has no headers: close-match from a bank, reported not failed.
y = y.replace("- { name: PROVISION_HEADERS_REQUIRE, value: no-mismatch }",
              "- { name: PROVISION_HEADERS_REQUIRE, value: none }\n        - { name: PROVISION_HEADERS_BANK, value: /bank }")
y = y.replace("        - { name: headers, mountPath: /out }\n", "        - { name: headers, mountPath: /out }\n        - { name: bank, mountPath: /bank, readOnly: true }\n", 1)
y = y.replace("    - { name: headers, emptyDir: {} }", "    - { name: headers, emptyDir: {} }\n    - { name: bank, hostPath: { path: %s, type: Directory } }" % bank)
# podman's default seccomp profile refuses bpf(): the agent runs privileged here.
y = y.replace("          add: [BPF, PERFMON]   # SYS_ADMIN on kernels before 5.8", "          add: [BPF, PERFMON]\n        privileged: true")
open(dst, "w").write(y)
PY
podman pod rm -f ebpf-agent >/dev/null 2>&1
podman kube play "$TMP/pod.yaml" >"$TMP/kube.out" 2>&1
rc=$?
ok $rc "podman kube play deploy/pod.yaml"
[ $rc -eq 0 ] || tail -n 10 "$TMP/kube.out" | sed 's/^/#   /'
podman wait ebpf-agent-agent >/dev/null 2>&1
# podman removes a kube play init container once it has run; the agent
# only starts after it succeeded, and finds its tree.
is "$(podman inspect --format '{{.State.ExitCode}}' ebpf-agent-agent 2>/dev/null)" 0 "the agent container compiled and loaded its probe"
like "$(podman logs ebpf-agent-agent 2>&1)" "compiled against /lib/modules/$REL/build" "...from the emptyDir the init container filled"
like "$(podman pod inspect ebpf-agent --format '{{.State}}' 2>&1)" "Exited" "the Pod's status says it ran to the end"
podman pod rm -f ebpf-agent >/dev/null 2>&1
done_testing

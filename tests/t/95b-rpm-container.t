#!/bin/bash
# The provisioner image as an initContainer on RPM-family nodes: a
# Rocky-like and an Amazon-Linux-2023-like host root, read-only at /host,
# whose repo files point at signed RPM repositories on 127.0.0.1
# (tests/fixtures/rpm-repo). Each provisions the exact kernel-devel tree
# into the volume, and an agent container that mounts only the volume
# compiles and loads a BCC program against it.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-rpm.sh"
command -v podman >/dev/null || skip_all "podman is not installed (scripts/deps.txt installs it)"
command -v rpm2cpio >/dev/null && command -v createrepo_c >/dev/null || skip_all "rpm or createrepo-c not installed"
export CONTAINERS_CONF=$TESTS_DIR/../containers/containers.conf
load_debian_fixture
rpmenv=$("$TESTS_DIR/fixtures/rpm-repo") || { echo "Bail out! cannot build the rpm repositories"; exit 1; }
# shellcheck disable=SC1090
. "$rpmenv"
for target in provisioner runner; do
	tag=localhost/provision-headers:test
	[ $target = runner ] && tag=localhost/provision-headers-runner:test
	"$TESTS_DIR/container/build-image" $target $tag >"$TMP/build-$target.log" 2>&1 ||
		{ tail -n 5 "$TMP/build-$target.log" | sed 's/^/# /'; skip_all "cannot build the $target image here"; }
done
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
rpm_mirror_tree "$TMP/srv"
start_mirror "$TMP/srv"
probe=/usr/share/provision-headers/bpf/count_by_start_time.c

init() { # init ROOT OUT RELEASE NETWORK [podman options, last: they win]: the initContainer, as deploy/ runs it
	local root=$1 out=$2 rel=$3 net=$4; shift 4
	podman run --rm --network "$net" --read-only --tmpfs /tmp -v "$root:/host:ro" -v "$out:/out" \
		-e PROVISION_HEADERS_KERNEL_RELEASE="$rel" -e PROVISION_HEADERS_STRATEGY=distro \
		-e PROVISION_HEADERS_TERMINATION_LOG=/out/termination-log -e http_proxy=http://127.0.0.1:9 -e no_proxy=127.0.0.1 \
		"$@" localhost/provision-headers:test >"$TMP/init.out" 2>"$TMP/init.err"
}
agent() { # agent OUT RELEASE: mounts only the volume at /lib/modules
	podman run --rm --network none --privileged -v /sys/kernel/tracing:/sys/kernel/tracing -v "$1:/lib/modules:ro" \
		--entrypoint /usr/bin/provision-headers-runner localhost/provision-headers-runner:test \
		--tree "/lib/modules/$2/build" --btf /none --no-builtin --probe "$probe" >"$TMP/agent.out" 2>"$TMP/agent.err"
}
node() { # node NAME ROOT RELEASE RPM PACKAGE: one node's initContainer and agent
	local name=$1 root=$2 rel=$3 rpmfile=$4 pkg=$5 out=$TMP/o-$1
	mkdir -p "$out" "$TMP/x-$name"
	init "$root" "$out" "$rel" host
	ok $? "$name: the initContainer provisions $rel from the node's repo files" || tail -n 8 "$TMP/init.err" | sed 's/^/#   /'
	like "$(cat "$out/termination-log" 2>&1)" "^ok: $rel: published by distro \(exact," "$name: the termination log holds the verdict"
	like "$(cat "$out/$rel/manifest.json" 2>&1)" "\"name\":\"$pkg\"" "$name: the manifest names $pkg"
	like "$(cat "$TMP/init.err")" "checking the signature of .*$pkg-" "$name: the RPM's own signature is checked in the container (librpm in the image)"
	( cd "$TMP/x-$name" && rpm2cpio "$rpmfile" | cpio -idm --quiet )
	pass_if "$name: the tree equals the package's /usr/src/kernels/<release> (what BCC needs of it)" -- \
		python3 "$TESTS_DIR/tools/compare-tree.py" "$out/$rel/build" x86 "$TMP/x-$name/usr/src/kernels/$rel"
	agent "$out" "$rel"
	ok $? "$name: an agent with only the volume compiles and loads a task_struct probe against it" ||
		tail -n 5 "$TMP/agent.err" | sed 's/^/#   /'
	# The DaemonSet's second start on the node: its hostPath is warm.
	init "$root" "$out" "$rel" none -e PROVISION_HEADERS_STRATEGY=cache,distro
	like "$(cat "$TMP/init.err")" "cache: .* is published and complete \(exact" "$name: a restart on the warm volume is a cache hit, offline"
}

rocky_root "$TMP/rocky" pub/rocky
node rocky "$TMP/rocky" "$EL_RELEASE" "$EL_RPM" kernel-devel
al2023_root "$TMP/al2023"
node al2023 "$TMP/al2023" "$AMZN_RELEASE" "$AMZN_RPM" kernel6.12-devel

# A node whose repository is gone: nothing published, one line naming the URL.
rocky_root "$TMP/gone" gone/rocky
mkdir -p "$TMP/o-gone"
init "$TMP/gone" "$TMP/o-gone" "$EL_RELEASE" host
is "$?" 5 "a node whose repository answers 404 fails the initContainer (exit 5: the network)"
like "$(cat "$TMP/init.err")" "$MIRROR/ok/gone/rocky/9/BaseOS/x86_64/os/repodata/repomd.xml" "...with a line naming the URL"
is "$(find "$TMP/o-gone" -mindepth 1 -maxdepth 1 ! -name .lock ! -name termination-log | wc -l)" 0 "...and nothing published"
done_testing

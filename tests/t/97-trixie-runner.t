#!/bin/bash
# The images built on Debian 13 (trixie: BCC 0.31, what users on 6.12+
# kernels want): the Containerfile with --build-arg BASE=<a trixie base>
# (debootstrapped through the mirror this host's apt sources name),
# packages from containers/packages. In the runner image, a close match
# from the bank's Debian 6.12 tree is corrected from the kernel's BTF and
# validated, and its net/sock.h, linux/skbuff.h, linux/netdevice.h and
# linux/filter.h compile and load with BCC 0.31.
. "$(dirname "$0")/../lib.sh"
command -v podman >/dev/null || skip_all "podman is not installed (scripts/deps.txt installs it)"
[ "$(id -u)" -eq 0 ] || skip_all "podman with --privileged and BPF need root"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "the running kernel has no BTF"
export CONTAINERS_CONF=$TESTS_DIR/../containers/containers.conf
base=$("$TESTS_DIR/container/base-image" trixie 2>"$TMP/base.err") ||
	{ sed 's/^/# /' "$TMP/base.err"; skip_all "cannot build the trixie base image with debootstrap and podman import"; }
podman run --rm --network none "localhost/$base" true 2>"$TMP/run.err" || { sed 's/^/# /' "$TMP/run.err"; skip_all "podman cannot run containers here"; }
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
ROOT_DIR=$TESTS_DIR/..
REL=$(uname -r)
RUNNER=localhost/provision-headers-runner:test-trixie
PROV=localhost/provision-headers:test-trixie

build() { # build TARGET TAG: podman's layer cache makes the second target cheap
	"$TESTS_DIR/container/build-image" "$1" "$2" trixie >"$TMP/build-$1.log"
}
build runner "$RUNNER"
ok $? "the runner image builds from a Debian 13 base" || { tail -n 20 "$TMP/build-runner.log" | sed 's/^/#   /'; done_testing; exit; }
build provisioner "$PROV"
ok $? "the provisioner image builds from it too" || tail -n 20 "$TMP/build-provisioner.log" | sed 's/^/#   /'
is "$(podman image inspect --format '{{index .Labels "org.opencontainers.image.base.name"}}' "$RUNNER")" "localhost/$base" \
	"the image's label names its base"
psize=$(podman image inspect --format '{{.Size}}' "$PROV")
rsize=$(podman image inspect --format '{{.Size}}' "$RUNNER")
echo "# trixie image sizes: provisioner $((psize / 1000000)) MB, runner $((rsize / 1000000)) MB (base $(( $(podman image inspect --format '{{.Size}}' "localhost/$base") / 1000000 )) MB)"
bcc=$(podman run --rm --network none --entrypoint /usr/bin/dpkg-query "$RUNNER" -W -f '${Version}' libbpfcc 2>&1)
like "$bcc" '^0\.(3[1-9]|[4-9][0-9])\.' "the runner carries Debian 13's BCC ($bcc)"
podman run --rm --network none --entrypoint /bin/sh "$PROV" -c \
	'! command -v provision-headers-runner && ! ls /usr/lib/x86_64-linux-gnu/libbcc* 2>/dev/null' >/dev/null
ok $? "the trixie provisioner image carries no libbcc and no runner"

# The provisioner as the initContainer, with the runner's --validate: a
# close match from the bank's Debian 6.12 tree, corrected from the
# kernel's BTF (the container sees the host's /sys), validated by BCC 0.31
# in the container's own PID namespace, as in a Pod without hostPID.
bank_env=$("$TESTS_DIR/fixtures/closematch-bank") || { echo "Bail out! cannot build the close-match bank"; exit 1; }
# shellcheck disable=SC1090
. "$bank_env"
mkdir -p "$TMP/bank" "$TMP/out" "$TMP/emptyroot"
cp -al "$BANK/$BANK_6_12" "$TMP/bank/"
podman run --rm --network none --privileged -v /sys/kernel/tracing:/sys/kernel/tracing -v "$TMP/emptyroot:/host:ro" \
	-v "$TMP/out:/out" -v "$TMP/bank:/bank:ro" -e PROVISION_HEADERS_BANK=/bank -e PROVISION_HEADERS_STRATEGY=close-match \
	"$RUNNER" --validate --require btf-corrected --json >"$TMP/init.out" 2>"$TMP/init.err"
rc=$?
is "$rc" 0 "close-match in the trixie image: corrected, validated, --require btf-corrected met"
[ "$rc" -eq 0 ] || tail -n 12 "$TMP/init.err" | sed 's/^/#   /'
grep -E 'chose|btf-correction:|validation:' "$TMP/init.err" | sed 's/^/# /'
like "$(cat "$TMP/init.err")" "validation: close match corrected from the kernel's BTF, no mismatch found" \
	"the runner's verdict: no mismatch"
m=$TMP/out/$REL/manifest.json
jq_() { python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
is "$(jq_ "$m" 'm["level"]')" btf-corrected "manifest.json: level btf-corrected"
is "$(jq_ "$m" 'm["validation"]["btf_compared"] >= 1000 and m["validation"]["btf_compared"] == m["validation"]["btf_agree"]')" True \
	"BCC 0.31 compiled the tree: at least 1000 members compared with BTF, none disagreeing"
echo "# runner in validation: $(jq_ "$m" 'm["validation"]["btf_compared"]') compared, $(jq_ "$m" 'm["validation"]["btf_agree"]') agree"

# The 6.12 tree's network headers with BCC 0.31's own uapi bpf.h, in an
# agent that mounts only the volume: compiled, loaded, attached.
cat >"$TMP/net.c" <<'C'
#include <net/sock.h>
#include <linux/skbuff.h>
#include <linux/netdevice.h>
#include <linux/filter.h>
BPF_HASH(seen, u32, u64);
TRACEPOINT_PROBE(syscalls, sys_enter_getppid)
{
	u32 k = sizeof(struct sock) + sizeof(struct sk_buff);
	u64 v = sizeof(struct net_device);
	seen.update(&k, &v);
	return 0;
}
C
podman run --rm --network none --privileged -v /sys/kernel/tracing:/sys/kernel/tracing -v "$TMP/out:/lib/modules:ro" \
	-v "$TMP/net.c:/probe/net.c:ro" --entrypoint /usr/bin/provision-headers-runner "$RUNNER" --no-builtin --probe /probe/net.c \
	>"$TMP/agent.out" 2>"$TMP/agent.err"
rc=$?
is "$rc" 0 "net/sock.h, linux/skbuff.h, linux/netdevice.h, linux/filter.h compile and load with BCC 0.31 in the trixie runner"
[ "$rc" -eq 0 ] || grep -E 'error' "$TMP/agent.err" | head -n 8 | sed 's/^/#   /'
like "$(cat "$TMP/agent.err")" "compiled against /lib/modules/$REL/build" "...against the volume, with no flag"

done_testing

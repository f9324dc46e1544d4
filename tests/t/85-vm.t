#!/bin/bash
# A kernel whose exact headers exist: Debian's own 6.1 kernel booted under
# qemu (software emulation) with this machine's files shared over 9p.
# There the tree provisioned from that kernel's exact Debian packages must
# pass every check of the runner, BTF included, and a real module loads
# through the provisioner's libkmod code path.
. "$(dirname "$0")/../lib.sh"
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 is not installed (scripts/deps.txt installs it)"
[ "$(id -u)" -eq 0 ] || skip_all "the VM shares / over 9p: run as root"
load_debian_fixture
VM=$TESTS_DIR/vm/run-vm
cache=${PH_FIXTURES:-/var/cache/provision-headers-tests}/vm-$RELEASE
mkdir -p "$TMP/vm"

# The fixture's host root reaches the guest as one tar: thousands of small
# files read one by one over 9p under emulation take many minutes; one
# stream and the guest's own tmpfs take seconds.
hostroot_tar=${PH_FIXTURES:-/var/cache/provision-headers-tests}/vm-hostroot-$RELEASE.tar
if [ ! -s "$hostroot_tar" ] || [ "$HOST_ROOT" -nt "$hostroot_tar" ]; then
	tar -C "$HOST_ROOT" -cf "$hostroot_tar.tmp" . && mv "$hostroot_tar.tmp" "$hostroot_tar"
fi
cat >"$TMP/vm/script" <<SCRIPT
set -u
export ASAN_OPTIONS='$ASAN_OPTIONS' UBSAN_OPTIONS='$UBSAN_OPTIONS'
echo "guest kernel: \$(uname -r)"
mkdir -p /tmp/hostroot && tar -C /tmp/hostroot -xf "$hostroot_tar"
t0=\$(date +%s)
"$PH" --host-root /tmp/hostroot --output /tmp/out --bpf-dir "$TESTS_DIR/../bpf" --validate --require exact --json >/mnt/status.json 2>/mnt/provision.err
echo "provision exit: \$? (\$((\$(date +%s) - t0)) s in the guest)"
cp /tmp/out/$RELEASE/manifest.json /mnt/manifest.json 2>/dev/null
"$PH_BUILD/tests/tools/modload-tool" "$cache/modroot" "$RELEASE" vxlan
echo "modload exit: \$?"
for m in vxlan udp_tunnel; do [ -d /sys/module/\$m ] && echo "module present: \$m"; done
SCRIPT
# The script's files come back through the work folder: keep a copy.
cat >>"$TMP/vm/script" <<'SCRIPT'
tar -C /mnt -cf /mnt/results.tar status.json provision.err manifest.json 2>/dev/null
base64 -w0 /mnt/results.tar; echo
SCRIPT
out=$("$VM" "$RELEASE" "$TMP/vm/script" 1500 2>"$TMP/vm.err")
rc=$?
if [ $rc -eq 125 ]; then
	sed 's/^/# /' "$TMP/vm.err" | tail -n 20
	echo "Bail out! the Debian-kernel VM did not run"
	exit 1
fi
echo "$out" | grep -v '^[A-Za-z0-9+/=]\{200,\}$' | sed 's/^/# /'
echo "$out" | grep '^[A-Za-z0-9+/=]\{200,\}$' | tail -n 1 | base64 -d | tar -C "$TMP/vm" -x
like "$out" "guest kernel: $RELEASE" "the VM runs Debian's kernel $RELEASE"
like "$out" "provision exit: 0" "provisioning with --validate --require exact succeeds there"
[ "$(grep -c 'provision exit: 0' <<<"$out")" -eq 1 ] || sed 's/^/#   /' "$TMP/vm/provision.err" | tail -n 15
j() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$TMP/vm/$1" "$2"; }
is "$(j manifest.json 'd["validation"]["verdict"]')" "ok" "the manifest records the verdict: ok"
# The validation the provisioner ran there is the runner's whole result.
for c in count start_time real_parent; do
	is "$(j manifest.json '[x["status"] for x in d["validation"]["checks"] if x["name"] == "'$c'"][0]')" "ok" "ground truth check $c passes"
done
is "$(j manifest.json 'len(d["validation"]["btf"]) > 0 and all(b["match"] for b in d["validation"]["btf"])')" "True" \
	"every member the probes read agrees with that kernel's BTF"
is "$(j manifest.json 'sorted(set(b["member"] for b in d["validation"]["btf"]))')" \
	"['task_struct.group_leader', 'task_struct.real_parent', 'task_struct.start_time', 'task_struct.tgid']" \
	"...the members of the bundled probes"
like "$out" "modload exit: 0" "a real module (vxlan) loads through the provisioner's libkmod path"
like "$out" "module present: vxlan" "...is in the guest kernel"
like "$out" "module present: udp_tunnel" "...with its dependencies, as modprobe would"
done_testing

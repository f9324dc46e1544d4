#!/bin/bash
# Validation from inside a PID namespace, as in a Kubernetes pod without
# hostPID: the probes see the kernel's process IDs, getpid() and fork()
# give the pod's, and the runner translates (bpf/pid_ns.c) so that right
# headers are still found right and wrong ones still wrong.
. "$(dirname "$0")/../lib.sh"
RUNNER=$PH_BUILD/provision-headers-runner
[ "$(id -u)" -eq 0 ] || skip_all "the runner loads BPF programs: run as root"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "this kernel has no BTF"
unshare -p -f --mount-proc true 2>/dev/null || skip_all "cannot make a PID namespace here (unshare -p)"
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
[ -e /sys/kernel/tracing/events/syscalls/sys_enter_getppid ] || skip_all "no syscalls:sys_enter_getppid tracepoint here"
env=$("$TESTS_DIR/fixtures/closematch-bank") || { echo "Bail out! cannot build the close-match bank"; exit 1; }
# shellcheck disable=SC1090
. "$env"
load_debian_fixture
BPF=$TESTS_DIR/../bpf
REL=$(uname -r)
IN_PIDNS=(unshare -p -f --mount-proc)
# One candidate, the one close-match picks from the whole bank, keeps it short.
mkdir -p "$TMP/empty" "$TMP/bank"
cp -al "$BANK/$BANK_6_12" "$TMP/bank/"

runner_in_pidns() { # TREE: the runner as PID 1 of a new PID namespace
	"${IN_PIDNS[@]}" "$RUNNER" --bpf-dir "$BPF" --tree "$1" >"$TMP/r.out" 2>"$TMP/r.err"
	R_RC=$?
	R_ERR=$(cat "$TMP/r.err")
}

PH_WRAP=(env PROVISION_HEADERS_HOST_ROOT="$TMP/empty")
run_ph --strategy close-match --bank "$TMP/bank" --output "$TMP/out" -q
is "$PH_RC" 0 "a BTF-corrected close match to validate"

runner_in_pidns "$TMP/out/$REL/build"
is "$R_RC" 0 "in a PID namespace, the corrected tree is found right" || grep -v ' ok ' "$TMP/r.err" | sed 's/^/#   /'
like "$R_ERR" "ok   pid namespace: child 2 here is [0-9]+ to the kernel, this runner 1 is [0-9]+" \
	"the runner names both numbers of its child and of itself"
like "$R_ERR" "ok   real_parent: real parent [0-9]+" "the parent check compares the kernel's numbers"
like "$R_ERR" "ok   start_time: .*as /proc/2/stat says" "the start time is read from the namespace's /proc"

# Debian 6.1's own headers are wrong for this kernel, namespace or not.
PH_WRAP=()
run_ph --host-root "$HOST_ROOT" --kernel-release "$RELEASE" --output "$TMP/old" -q
runner_in_pidns "$TMP/old/$RELEASE/build"
is "$R_RC" 1 "in a PID namespace, a wrong tree is still found wrong (exit 1)"
like "$R_ERR" "FAIL start_time: task_struct->group_leader->start_time read as" "...by the start-time check"
like "$R_ERR" "ok   count: 25 calls counted for TGID [0-9]+" "...while the struct-free counter finds the child"

# The whole initContainer step, provisioning and validating in the namespace.
rm -rf "$TMP/out"
PH_WRAP=("${IN_PIDNS[@]}" env PROVISION_HEADERS_HOST_ROOT="$TMP/empty")
run_ph --strategy close-match --bank "$TMP/bank" --output "$TMP/out" --bpf-dir "$BPF" --validate --require btf-corrected --json
is "$PH_RC" 0 "provision-headers --validate --require btf-corrected passes in a PID namespace" || tail -n 5 "$TMP/ph.err" | sed 's/^/#   /'
is "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["validation"]["verdict"])' "$TMP/out/$REL/manifest.json" 2>&1)" "ok" \
	"...and the manifest's verdict is ok"
done_testing

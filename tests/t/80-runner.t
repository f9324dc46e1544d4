#!/bin/bash
# The BCC runner on this machine's real kernel: a tree from older Debian
# headers is caught by ground truth and by the BTF cross-check, naming
# the members; compiler and verifier errors are shown; without privileges
# it says it cannot validate and why.
. "$(dirname "$0")/../lib.sh"
RUNNER=$PH_BUILD/provision-headers-runner
[ "$(id -u)" -eq 0 ] || skip_all "the runner tests load BPF programs: run as root"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "this kernel has no BTF"
load_debian_fixture
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
[ -e /sys/kernel/tracing/events/syscalls/sys_enter_getppid ] || skip_all "no syscalls:sys_enter_getppid tracepoint here"
BPF=$TESTS_DIR/../bpf

run_runner() {
	"${PH_WRAP[@]}" "$RUNNER" --bpf-dir "$BPF" "$@" >"$TMP/r.out" 2>"$TMP/r.err"
	R_RC=$?
	R_OUT=$(cat "$TMP/r.out")
	R_ERR=$(cat "$TMP/r.err")
}
field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$R_OUT" "$1"; }

# The Debian 6.1 tree against this kernel.
run_ph --host-root "$HOST_ROOT" --kernel-release "$RELEASE" --output "$TMP/out" -q
OLD=$TMP/out/$RELEASE/build
run_runner --tree "$OLD" --json
is "$R_RC" 1 "a tree from other kernel headers: headers wrong (exit 1)"
like "$R_ERR" "ok   count: 25 calls counted" "the struct-free counter still counts right"
like "$R_ERR" "FAIL start_time: task_struct->group_leader->start_time read as [0-9]+ ticks after boot; /proc/[0-9]+/stat says [0-9]+" \
	"the start-time check catches the wrong offset, with both values"
like "$R_ERR" "FAIL real_parent: task_struct->real_parent->tgid read as [0-9]+, the real parent is $$|FAIL real_parent: .*the real parent is" \
	"the parent check catches it too"
like "$R_ERR" "FAIL btf: task_struct.start_time: tree has offset [0-9]+ size 8, kernel has offset [0-9]+ size 8" \
	"the BTF cross-check names the member and both layouts"
like "$R_ERR" "verdict: HEADERS WRONG for this kernel: .*task_struct.start_time" "the verdict names the members"
is "$(field 'd["verdict"]')" "mismatch" "--json: verdict"
is "$(field '"task_struct.real_parent" in d["mismatches"] and "task_struct.start_time" in d["mismatches"]')" "True" \
	"--json: the mismatched members"
is "$(field 'len([b for b in d["btf"] if not b["match"]])')" "4" "--json: every member read by the probes differs in BTF"

# The bundled probes whose truth comes from outside the kernel, on a
# close match from the bank: corrected from this kernel's BTF they read
# what the child's own system calls say; uncorrected they read other
# memory, and each check shows both values.
if benv=$("$TESTS_DIR/fixtures/closematch-bank" 2>"$TMP/bank.err"); then
	# shellcheck disable=SC1090
	. "$benv"
	mkdir -p "$TMP/emptyroot"
	PH_WRAP=(env PROVISION_HEADERS_HOST_ROOT="$TMP/emptyroot")
	run_ph --strategy close-match --bank "$BANK" --output "$TMP/cm" -q
	CORR=$TMP/cm/$(uname -r)/build
	PH_WRAP=(unshare -m sh -c 'mount -t tmpfs none /sys/kernel/btf && exec "$@"' hide-btf
		env PROVISION_HEADERS_HOST_ROOT="$TMP/emptyroot")
	run_ph --strategy close-match --bank "$BANK" --output "$TMP/cm0" -q
	UNC=$TMP/cm0/$(uname -r)/build
	PH_WRAP=()
	run_runner --tree "$CORR" --json
	is "$R_RC" 0 "the close match corrected from BTF: every bundled probe reads right (exit 0)"
	[ "$R_RC" -eq 0 ] || grep -v 'ok ' "$TMP/r.err" | head -n 12 | sed 's/^/#   /'
	is "$(grep -v '^provision-headers-runner: ' "$TMP/r.err")" "" "...and every line on its stderr is the runner's own"
	is "$(field '",".join(c["name"] for c in d["checks"] if c["status"] == "ok" and c["name"] in ("arg_start","f_pos","i_ino","tcp_ports"))')" \
		"arg_start,f_pos,i_ino,tcp_ports" "--json: the arg_start, f_pos, i_ino and tcp_ports checks pass"
	like "$R_ERR" "ok   arg_start: mm->arg_start 0x[0-9a-f]+, as /proc/[0-9]+/stat says" "mm->arg_start equals /proc/<pid>/stat's field 48"
	like "$R_ERR" "ok   f_pos: fd [0-9]+ at offset 12345, as lseek\([0-9]+, 0, SEEK_CUR\) says \(25 calls\)" \
		"fd[fd]->f_pos equals lseek(fd, 0, SEEK_CUR) at the odd offset 12345"
	like "$R_ERR" "ok   i_ino: fd [0-9]+ has inode [1-9][0-9]*, as fstat\([0-9]+\) says \(25 calls\)" "f_inode->i_ino equals fstat's st_ino"
	like "$R_ERR" "ok   tcp_ports: socket fd [0-9]+: local port [1-9][0-9]*, remote port [1-9][0-9]*, as getsockname\(\) and getpeername\(\) say" \
		"skc_num and skc_dport (byte order minded) equal getsockname and getpeername on loopback"
	run_runner --tree "$UNC" --json
	is "$R_RC" 1 "the same close match uncorrected: headers wrong (exit 1)"
	like "$R_ERR" "FAIL arg_start: current->mm->arg_start read as 0x[0-9a-f]+; /proc/[0-9]+/stat says 0x[0-9a-f]+" \
		"arg_start fails, with the value read and the true one"
	like "$R_ERR" "FAIL f_pos: current->files->fdt->fd\[[0-9]+\]->f_pos read as -?[0-9]+; lseek\([0-9]+, 0, SEEK_CUR\) says 12345" \
		"f_pos fails, with both values"
	like "$R_ERR" "FAIL i_ino: .*->f_inode->i_ino read as [0-9]+; fstat\([0-9]+\) says st_ino [0-9]+" "i_ino fails, with both values"
	like "$R_ERR" "FAIL tcp_ports: socket fd [0-9]+: sk->__sk_common.skc_num read as [0-9]+ and skc_dport as [0-9]+; getsockname\(\) says local port [0-9]+" \
		"tcp_ports fails, with both values"
	is "$(field 'all(m in d["mismatches"] for m in ("mm_struct.arg_start","file.f_pos","inode.i_ino","sock_common.skc_num"))')" "True" \
		"--json: the mismatches name mm_struct.arg_start, file.f_pos, inode.i_ino and sock_common.skc_num"
	is "$(field '[c["detail"] for c in d["checks"] if c["name"] == "f_pos"][0].endswith("(25 of 25 calls seen)")')" "True" \
		"--json: the f_pos detail carries both values and the calls seen"
else
	sed 's/^/#   /' "$TMP/bank.err" | tail -n 5
	for i in $(seq 15); do ok 0 "# SKIP no close-match bank"; done
fi

# User probes: a syntax error, a verifier refusal, a good one.
cat >"$TMP/syntax.c" <<'C'
TRACEPOINT_PROBE(syscalls, sys_enter_getppid) { return this is not C; }
C
run_runner --tree "$OLD" --no-builtin --probe "$TMP/syntax.c"
is "$R_RC" 3 "a probe with a syntax error: compile failed (exit 3)"
like "$R_ERR" "error: use of undeclared identifier 'this'|error: " "the compiler's message is shown"
cat >"$TMP/verifier.c" <<'C'
BPF_HASH(counts, u32, u64);
TRACEPOINT_PROBE(syscalls, sys_enter_getppid)
{
	u32 key = 1;
	u64 *v = counts.lookup(&key);
	(*v)++; /* no NULL check: the verifier must refuse */
	return 0;
}
C
run_runner --tree "$OLD" --no-builtin --probe "$TMP/verifier.c"
like "$R_ERR" "FAIL load .*verifier.c: the verifier refused tracepoint__syscalls__sys_enter_getppid" "a verifier refusal fails the load check"
like "$R_ERR" "invalid mem access|map_value_or_null" "...with the verifier's own words"
cat >"$TMP/good.c" <<'C'
#include <linux/sched.h>
BPF_HASH(seen, u32, u64);
TRACEPOINT_PROBE(syscalls, sys_enter_getppid)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	u32 k = t->tgid;
	seen.increment(k);
	return 0;
}
C
run_runner --tree "$OLD" --no-builtin --probe "$TMP/good.c" --json
like "$R_ERR" "ok   load .*good.c: tracepoint__syscalls__sys_enter_getppid attached" "a user probe compiles, loads and attaches"
like "$R_ERR" "FAIL btf: task_struct.tgid: tree has offset" "the user probe's own members are cross-checked with BTF"
is "$R_RC" 1 "...so the old tree is reported wrong for it"
# A user probe with more #include lines than the member-offset program
# once had room for (it overflowed the heap).
{ for i in $(seq 300); do echo '#include <linux/sched.h>'; done; cat "$TMP/good.c"; } >"$TMP/includes.c"
run_runner --tree "$OLD" --no-builtin --no-load --probe "$TMP/includes.c"
is "$R_RC" 1 "a probe with 300 #include lines: its members are still cross-checked (exit 1)"
like "$R_ERR" "FAIL btf: task_struct.tgid: tree has offset" "...naming the member"
if grep -q Sanitizer "$TMP/r.err"; then ok 1 "...with no sanitizer report"; sed 's/^/#   /' "$TMP/r.err" | head -n 8; else ok 0 "...with no sanitizer report"; fi

# Without privileges: cannot validate, and why; BTF still reported.
PH_WRAP=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all)
chmod -R a+rX "$TMP"
cat >"$TMP/nostruct.c" <<'C'
BPF_HASH(c, u32, u64);
TRACEPOINT_PROBE(syscalls, sys_enter_getppid) { u32 k = 0; c.increment(k); return 0; }
C
run_runner --tree "$OLD" --no-builtin --probe "$TMP/nostruct.c" --json
is "$R_RC" 2 "unprivileged: cannot validate (exit 2)"
like "$R_ERR" "cannot validate here: .*CAP_BPF" "...naming the capability it needs"
run_runner --tree "$OLD" --json
like "$(field 'd["cannot_validate"]')" "CAP_BPF" "unprivileged builtin run: says it cannot load"
is "$(field 'len(d["btf"])')" "4" "...and still reports the BTF cross-check"
PH_WRAP=()

# No tracefs, in a private mount namespace (the host's mount is
# untouched): as root the runner mounts it, says so in one line and goes
# on; without CAP_SYS_ADMIN it cannot, and says how. libbcc's own
# "open(.../id): No such file or directory" never reaches the terminal.
if unshare -m true 2>/dev/null; then
	host_mounts=$(findmnt -rn -t tracefs | wc -l)
	unshare -m sh -c "umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null; umount /sys/kernel/debug 2>/dev/null;
		'$RUNNER' --bpf-dir '$BPF' --tree '$OLD' --no-builtin --probe '$TMP/nostruct.c' && findmnt -rn -t tracefs -o TARGET" \
		>"$TMP/r.out" 2>"$TMP/r.err"
	is "$?" 0 "without tracefs, as root: the runner mounts it and the probe attaches (exit 0)"
	like "$(cat "$TMP/r.err")" "ok   tracefs: tracefs was not mounted: mounted it at /sys/kernel/tracing" "...saying so in one line"
	is "$(cat "$TMP/r.out")" "/sys/kernel/tracing" "...mounted at /sys/kernel/tracing in its namespace"
	is "$(findmnt -rn -t tracefs | wc -l)" "$host_mounts" "...and the host's mounts are untouched"
	NOADMIN=(setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin)
	unshare -m sh -c "umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null; umount /sys/kernel/debug 2>/dev/null;
		exec ${NOADMIN[*]} '$RUNNER' --bpf-dir '$BPF' --tree '$OLD' --no-builtin --probe '$TMP/nostruct.c'" >"$TMP/r.out" 2>"$TMP/r.err"
	is "$?" 2 "without tracefs and without CAP_SYS_ADMIN: cannot validate (exit 2)"
	like "$(cat "$TMP/r.err")" "cannot be mounted here \(Operation not permitted\): mount it with 'mount -t tracefs nodev /sys/kernel/tracing'" \
		"...saying why and how to mount it"
	is "$(grep -v '^provision-headers-runner: ' "$TMP/r.err")" "" "...and every line on stderr is the runner's own (no libbcc open() line)"
	unshare -m sh -c "umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null; umount /sys/kernel/debug 2>/dev/null;
		exec ${NOADMIN[*]} '$RUNNER' --bpf-dir '$BPF' --tree '$OLD' --no-builtin --probe '$TMP/nostruct.c' --verbose" >"$TMP/r.out" 2>"$TMP/r.err"
	like "$(cat "$TMP/r.err")" "provision-headers-runner: libbcc: open\(/sys/kernel/[a-z/]*tracing/events/syscalls/sys_enter_getppid/id\): No such file" \
		"--verbose: libbcc's line is shown, behind the runner's prefix"
else
	for i in $(seq 8); do ok 0 "# SKIP no mount namespaces"; done
fi
# libbpf's own warning on a file that is not BTF: not shown (the runner says it).
echo "not BTF" >"$TMP/bad.btf"
"$RUNNER" --tree "$OLD" --btf-only --btf "$TMP/bad.btf" >"$TMP/r.out" 2>"$TMP/r.err"
is "$(grep -v '^provision-headers-runner: ' "$TMP/r.err")" "" "a file that is not BTF: no 'libbpf:' line of libbpf's own on stderr"
"$RUNNER" --tree "$OLD" --btf-only --btf "$TMP/bad.btf" --verbose >"$TMP/r.out" 2>"$TMP/r.err"
like "$(cat "$TMP/r.err")" "provision-headers-runner: libbpf: failed to get EHDR from $TMP/bad.btf" "...with --verbose it is, behind the prefix"

# An attach that fails after tracefs was looked for at its first place
# (only /sys/kernel/debug/tracing here): the attach's own error is
# reported, not the ENOENT of that look.
cat >"$TMP/ftrace.c" <<'C'
int tracepoint__ftrace__function(void *ctx) { return 0; }
C
if unshare -m true 2>/dev/null; then
	unshare -m sh -c "umount /sys/kernel/tracing && mount -t tmpfs none /sys/kernel/debug && mkdir /sys/kernel/debug/tracing &&
		mount -t tracefs nodev /sys/kernel/debug/tracing || exit 99
		'$RUNNER' --bpf-dir '$BPF' --tree '$OLD' --no-builtin --probe '$TMP/ftrace.c'" >"$TMP/r.out" 2>"$TMP/r.err"
	is "$?" 2 "an event that cannot take a BPF program: cannot validate (exit 2)"
	like "$(cat "$TMP/r.err")" "tracepoint__ftrace__function not attached: Invalid argument" \
		"...with the attach's own error, not the errno of a later stat()"
else
	ok 0 "# SKIP no mount namespaces"; ok 0 "# SKIP no mount namespaces"
fi

# The fork for ground truth fails: said, and the four pipe ends it made
# are closed (strace injects the failure into the runner's one fork).
if command -v strace >/dev/null; then
	ASAN_OPTIONS=detect_leaks=0 strace -f -qq -o "$TMP/strace.log" -e trace=pipe,pipe2,clone,close \
		-e inject=clone:error=EAGAIN:when=1 "$RUNNER" --bpf-dir "$BPF" --tree "$OLD" --json >"$TMP/r.out" 2>"$TMP/r.err"
	R_OUT=$(cat "$TMP/r.out")
	is "$(field 'd["cannot_validate"]')" "cannot fork a child: Resource temporarily unavailable" \
		"no child for ground truth: not validated, saying why"
	python3 - "$TMP/strace.log" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
at = next(i for i, l in enumerate(lines) if "INJECTED" in l and "clone(" in l)
pipes = [l for l in lines[:at] if re.search(r"\bpipe2?\(\[", l)][-2:]
fds = [int(x) for l in pipes for x in re.search(r"\[(\d+), (\d+)\]", l).groups()]
closed = {int(m.group(1)) for l in lines[at:] for m in [re.search(r"close\((\d+)\)\s+= 0", l)] if m}
left = [fd for fd in fds if fd not in closed]
print("# pipe ends %s, left open after the failed fork: %s" % (fds, left))
sys.exit(1 if len(fds) != 4 or left else 0)
PY
	ok $? "...and every pipe end made for the child is closed"
else
	ok 0 "# SKIP no strace"; ok 0 "# SKIP no strace"
fi

# The tree given is the tree used, whatever the environment holds (the
# runner once passed itself a flag through the environment).
PH_RUNNER_BCC_DEFAULT_TREE=1 "$RUNNER" --bpf-dir "$BPF" --tree "$OLD" --no-builtin --no-load --probe "$TMP/good.c" \
	>"$TMP/r.out" 2>"$TMP/r.err"
is "$?" 1 "PH_RUNNER_BCC_DEFAULT_TREE=1 in the environment: --tree is still used (the old tree is found wrong)"
like "$(cat "$TMP/r.err")" "ok   compile .*good.c: compiled against $OLD" "...and the probe compiles against it"

# --version; an unknown option is one line, with the usage exit code.
"$RUNNER" --version >"$TMP/r.out" 2>&1
is "$?" 0 "--version: exit 0"
like "$(cat "$TMP/r.out")" "^provision-headers-runner [0-9]+\.[0-9]+" "...printing the version"
"$RUNNER" --no-such-option >"$TMP/r.out" 2>"$TMP/r.err"
is "$?" 4 "an unknown option: exit 4 (usage)"
is "$(cat "$TMP/r.err")" "provision-headers-runner: unknown option '--no-such-option' (try --help)" "...in one line"
"$RUNNER" --tree >"$TMP/r.out" 2>"$TMP/r.err"
is "$(cat "$TMP/r.err")" "provision-headers-runner: option '--tree' needs a value (try --help)" "a missing value: one line too"

# --validate in the provisioner: a tree for another kernel is not checked
# against this one.
run_ph --host-root "$HOST_ROOT" --kernel-release "$RELEASE" --output "$TMP/out" --validate --json
is "$PH_RC" 0 "--validate on a tree for another kernel: not validated, not failed by default"
like "$PH_ERR" "not validated: the tree is for $RELEASE, not for the running kernel" "...and says why"
like "$(cat "$TMP/out/$RELEASE/manifest.json")" '"verdict":"not-validated"' "the manifest records it"
run_ph --host-root "$HOST_ROOT" --kernel-release "$RELEASE" --output "$TMP/out" --validate --require validated
is "$PH_RC" 7 "--require validated turns that into exit 7"

# A recorded validation is read back from the volume, which anyone may
# have written: wrong JSON types are ignored, not fatal (json-c aborts on
# an array call on null).
R=$(uname -r)
IFS=. read -r maj min pat _ <<<"$R"
pat=${pat%%[!0-9]*}
[ "${pat:-0}" -gt 255 ] && pat=255
make_mini_tree "$TMP/vout/$R/build" "$R" $(( (maj << 16) + (min << 8) + ${pat:-0} ))
for mm in null '[null, 7, "task_struct.tgid"]' '"task_struct.tgid"'; do
	printf '{"release": "%s", "exact": "yes", "validation": {"verdict": "mismatch", "mismatches": %s}}\n' "$R" "$mm" \
		>"$TMP/vout/$R/manifest.json"
	run_ph --output "$TMP/vout" --strategy cache --validate
	is "$PH_RC" 7 "a recorded mismatch with \"mismatches\": $mm: exit 7, no abort"
	like "$PH_ERR" "validation: the headers are WRONG for this kernel:" "...reported as the recorded mismatch"
	case $mm in \[*) like "$PH_ERR" "WRONG for this kernel: task_struct.tgid$" "...naming only the string entries";; esac
done
done_testing

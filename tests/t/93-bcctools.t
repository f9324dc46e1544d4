#!/bin/bash
# Real BCC tools this project did not write, as Debian ships them
# (bpfcc-tools 0.26, run by /usr/bin/python3 with python3-bpfcc), against
# a close match from the bank: corrected from the kernel's BTF they
# report the truth about processes the test starts (PID, parent, exit
# code, lifetime); against the same tree uncorrected they do not.
# BCC 0.26 takes its headers from $BCC_KERNEL_SOURCE when set (else
# /lib/modules/$(uname -r)/build, then /proc/kheaders): the test points it
# at each tree in turn. Only tracepoints: this kernel has no kprobes.
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "loading BPF programs and hiding /sys/kernel/btf need root"
[ -r /proc/config.gz ] || skip_all "no /proc/config.gz: this test needs the running kernel's config"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "the running kernel has no BTF"
EXITSNOOP=/usr/sbin/exitsnoop-bpfcc
TCPLIFE=/usr/sbin/tcplife-bpfcc
[ -x "$EXITSNOOP" ] && [ -x "$TCPLIFE" ] || skip_all "bpfcc-tools is not installed (scripts/deps.txt installs it)"
/usr/bin/python3 -c 'import bcc' 2>/dev/null || skip_all "/usr/bin/python3 cannot import bcc (python3-bpfcc)"
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
[ -e /sys/kernel/tracing/events/sched/sched_process_exit ] || skip_all "no tracefs with the sched tracepoints"
env=$("$TESTS_DIR/fixtures/closematch-bank") || { echo "Bail out! cannot build the close-match bank"; exit 1; }
# shellcheck disable=SC1090
. "$env"
REL=$(uname -r)
EMPTY=$TMP/emptyroot
mkdir -p "$EMPTY"

# The two trees: corrected from /sys/kernel/btf/vmlinux, and the same
# close match with /sys/kernel/btf hidden (a mount namespace), uncorrected.
PH_WRAP=(env PROVISION_HEADERS_HOST_ROOT="$EMPTY")
run_ph --strategy close-match --bank "$BANK" --output "$TMP/fixed"
is "$PH_RC" 0 "close-match with the kernel's BTF publishes"
like "$PH_ERR" "published .*\(btf-corrected," "...corrected from BTF"
PH_WRAP=(unshare -m sh -c 'mount -t tmpfs none /sys/kernel/btf && exec "$@"' hide-btf env PROVISION_HEADERS_HOST_ROOT="$EMPTY")
run_ph --strategy close-match --bank "$BANK" --output "$TMP/raw"
is "$PH_RC" 0 "close-match with /sys/kernel/btf hidden publishes"
like "$PH_ERR" "published .*\(approximate," "...uncorrected"
FIXED=$TMP/fixed/$REL/build
RAW=$TMP/raw/$REL/build

# Unique names, so each child's line is found by its comm (which BPF
# reads with a helper, right whatever the headers say).
for n in ph-exit7 ph-sig ph-parent ph-child3 ph-last; do ln -s /bin/sh "$TMP/$n"; done

TOOL_PID=
# start_tool NAME TREE HEADER-REGEX CMD...: runs a BCC tool compiled
# against TREE, its output in $TMP/NAME.out; returns once it printed its
# header (it compiled, loaded and attached) or failed.
start_tool() {
	local name=$1 tree=$2 header=$3; shift 3
	: >"$TMP/$name.out"
	# timeout: SIGINT reaches the tool (a background job's is ignored)
	# and a stuck tool cannot outlive the test.
	env BCC_KERNEL_SOURCE="$tree" PYTHONUNBUFFERED=1 timeout -s INT -k 10 600 "$@" \
		>"$TMP/$name.out" 2>"$TMP/$name.err" &
	TOOL_PID=$!
	for _ in $(seq 1 1800); do
		grep -Eq "$header" "$TMP/$name.out" && return 0
		kill -0 "$TOOL_PID" 2>/dev/null || break
		sleep 0.1
	done
	grep -v '^ ' "$TMP/$name.err" | grep -E 'error|Error' | head -n 5 | sed 's/^/#   /'
	return 1
}
stop_tool() {
	kill -INT "$TOOL_PID" 2>/dev/null
	wait "$TOOL_PID" 2>/dev/null
}
# wait_line FILE REGEX: up to 30 s for the tool to print a matching line.
wait_line() {
	for _ in $(seq 1 300); do grep -Eq "$2" "$1" && return 0; sleep 0.1; done
	return 1
}
uptime_s() { cut -d' ' -f1 /proc/uptime; }
# field OUT COMM N: column N of the line exitsnoop printed for COMM
# (PCOMM PID PPID TID AGE EXIT_CODE...).
field() { awk -v c="$2" -v n="$3" '$1 == c { print $n; exit }' "$1"; }
exitcode() { awk -v c="$2" '$1 == c { $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); sub(/ +$/, ""); print; exit }' "$1"; }

# exitsnoop_run TREE NAME: exitsnoop (tracepoint sched:sched_process_exit,
# reading task->tgid, pid, real_parent->tgid, start_time, exit_code)
# while the test starts children whose truth it knows.
exitsnoop_run() {
	local tree=$1 name=$2 t0 t1
	start_tool "$name" "$tree" '^PCOMM +PID +PPID' "$EXITSNOOP" || return 1
	t0=$(uptime_s)
	"$TMP/ph-exit7" -c 'sleep 0.3; exit 7' &
	E7_PID=$!
	wait "$E7_PID"
	E7_RC=$?
	t1=$(uptime_s)
	E7_MAX=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a + 0.05 }')
	"$TMP/ph-sig" -c 'kill -TERM $$' &
	SIG_PID=$!
	wait "$SIG_PID"
	# A grandchild: its parent is not the test's shell.
	"$TMP/ph-parent" -c "\"$TMP/ph-child3\" -c 'exit 3' & echo \$! >\"$TMP/child3.pid\"; wait" &
	PARENT_PID=$!
	wait "$PARENT_PID"
	C3_PID=$(cat "$TMP/child3.pid")
	"$TMP/ph-last" -c 'exit 0' &
	wait $!
	wait_line "$TMP/$name.out" '^ph-last '
	stop_tool
	return 0
}

ME=$BASHPID
exitsnoop_run "$FIXED" exitsnoop-fixed
ok $? "exitsnoop-bpfcc compiles and attaches against the corrected tree" || sed 's/^/#   /' "$TMP/exitsnoop-fixed.err" | tail -n 10
O=$TMP/exitsnoop-fixed.out
grep -E '^(PCOMM|ph-)' "$O" | sed 's/^/# /'
is "$E7_RC" 7 "(the child exited 7)"
is "$(field "$O" ph-exit7 2) $(field "$O" ph-exit7 3) $(field "$O" ph-exit7 4)" "$E7_PID $ME $E7_PID" \
	"corrected: exitsnoop reports the child's PID, its parent (this shell) and TID"
is "$(exitcode "$O" ph-exit7)" "code 7" "...its exit code"
age=$(field "$O" ph-exit7 5)
ok "$(awk -v a="${age:-x}" -v m="$E7_MAX" 'BEGIN { exit !(a ~ /^[0-9.]+$/ && a >= 0.30 && a <= m) }'; echo $?)" \
	"...and its age from task->start_time: $age s, at least its 0.3 s sleep and at most the $E7_MAX s the test waited"
is "$(field "$O" ph-sig 2) $(field "$O" ph-sig 3) $(exitcode "$O" ph-sig)" "$SIG_PID $ME signal 15 (TERM)" \
	"a child killed by SIGTERM: PID, parent, signal"
is "$(field "$O" ph-child3 2) $(field "$O" ph-child3 3) $(exitcode "$O" ph-child3)" "$C3_PID $PARENT_PID code 3" \
	"a grandchild: its PID, its parent's PID (task->real_parent->tgid), exit code 3"
is "$(field "$O" ph-parent 2) $(field "$O" ph-parent 3) $(exitcode "$O" ph-parent)" "$PARENT_PID $ME 0" \
	"...and its parent's own line, exit 0"

exitsnoop_run "$RAW" exitsnoop-raw
ok $? "exitsnoop-bpfcc compiles and attaches against the uncorrected tree too" || sed 's/^/#   /' "$TMP/exitsnoop-raw.err" | tail -n 10
O=$TMP/exitsnoop-raw.out
grep -E '^(PCOMM|ph-)' "$O" | sed 's/^/# /'
[ "$(field "$O" ph-exit7 2) $(field "$O" ph-exit7 3) $(exitcode "$O" ph-exit7)" != "$E7_PID $ME code 7" ]
ok $? "uncorrected: exitsnoop does not report the child's PID, parent and exit code"
[ "$(field "$O" ph-child3 2) $(field "$O" ph-child3 3)" != "$C3_PID $PARENT_PID" ]
ok $? "...nor the grandchild's PID and parent"
age=$(field "$O" ph-exit7 5)
ok "$(awk -v a="${age:-x}" -v m="$E7_MAX" 'BEGIN { exit (a ~ /^[0-9.]+$/ && a >= 0.30 && a <= m) }'; echo $?)" \
	"...nor its age (${age:-no line})"
wrong=$(awk '$1 ~ /^ph-/ && $2 == 0 { n++ } END { print n + 0 }' "$O")
echo "# uncorrected: $wrong of the test's children reported with PID 0"

# tcplife (tracepoint sock:inet_sock_set_state; includes net/sock.h and
# linux/tcp.h, reads tcp_sock's bytes_received and bytes_acked) while the
# test makes one loopback connection that moves known byte counts.
cat >"$TMP/tcp.py" <<'PYEOF'
import socket, sys, threading
up, down = int(sys.argv[1]), int(sys.argv[2])
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
def serve():
    c, _ = srv.accept()
    got = 0
    while got < up:
        got += len(c.recv(65536))
    c.sendall(b"y" * down)
    c.close()
t = threading.Thread(target=serve)
t.start()
cl = socket.create_connection(srv.getsockname())
cl.sendall(b"x" * up)
got = 0
while got < down:
    d = cl.recv(65536)
    if not d:
        break
    got += len(d)
print(cl.getsockname()[1], srv.getsockname()[1], got)
cl.close()
t.join()
srv.close()
PYEOF
# tcplife_run TREE NAME: tcplife while one loopback connection moves
# 300000 bytes up and 500000 down; sets CPORT SPORT GOT PY_PID and the
# line tcplife printed for it in LINE. Returns 1 if tcplife did not start.
tcplife_run() {
	local tree=$1 name=$2 rc=0
	LINE=
	start_tool "$name" "$tree" '^PID +COMM +LADDR' "$TCPLIFE" -4 || rc=1
	/usr/bin/python3 "$TMP/tcp.py" 300000 500000 >"$TMP/$name.ports" &
	PY_PID=$!
	wait "$PY_PID"
	read -r CPORT SPORT GOT <"$TMP/$name.ports"
	[ "$rc" -eq 0 ] && wait_line "$TMP/$name.out" "^[0-9]+ +[^ ]+ +127\\.0\\.0\\.1 +$SPORT "
	stop_tool
	LINE=$(awk -v c="$CPORT" -v s="$SPORT" '$4 == c && $6 == s' "$TMP/$name.out")
	return "$rc"
}
KB="$((300000 / 1024)) $((500000 / 1024))"
tcplife_run "$FIXED" tcplife
ok $? "tcplife-bpfcc (net/sock.h, linux/tcp.h) compiles and attaches against the corrected tree" ||
	sed 's/^/#   /' "$TMP/tcplife.err" | tail -n 10
sed 's/^/# /' "$TMP/tcplife.out"
is "$GOT" 500000 "(the client received all it was sent)"
is "$(echo "$LINE" | awk '{print $1, $2}')" "$PY_PID python3" "corrected: tcplife reports the client's connection with its PID and comm"
is "$(echo "$LINE" | awk '{print $7, $8}')" "$KB" \
	"...and its KB sent and received (tcp_sock->bytes_acked, bytes_received, corrected from BTF)"

# The same against the uncorrected tree: it does not compile, or its
# byte counts are wrong (tcp_sock's members sit elsewhere in 6.18).
tcplife_run "$RAW" tcplife-raw
raw_rc=$?
sed 's/^/# /' "$TMP/tcplife-raw.out"
[ "$raw_rc" -eq 0 ] || grep -v '^ ' "$TMP/tcplife-raw.err" | grep -E 'error' | head -n 3 | sed 's/^/#   /'
if [ -n "$LINE" ]; then raw_kb="KB $(echo "$LINE" | awk '{print $7, $8}')"; else raw_kb="rc $raw_rc, no line"; fi
[ "$raw_rc" -ne 0 ] || [ "$(echo "$LINE" | awk '{print $7, $8}')" != "$KB" ]
ok $? "uncorrected: tcplife does not report the KB sent and received ($raw_kb)"
done_testing

#!/bin/bash
# SIGTERM (a pod deleted) and SIGINT (^C) in the middle of a run: the
# unfinished tree is removed, the user is told, the exit code is 128 + the
# signal, and the next run succeeds.
. "$(dirname "$0")/../lib.sh"
load_debian_fixture
args=(--host-root "$HOST_ROOT" --kernel-release "$RELEASE")

interrupt_run() { # interrupt_run SIGNAL WANT-CODE
	local sig=$1 want=$2 out=$TMP/out-$1 pid rc
	"$PH" "${args[@]}" --output "$out" >/dev/null 2>"$TMP/$sig.err" &
	pid=$!
	for _ in $(seq 1 500); do
		[ -n "$(find "$out/.staging" -mindepth 3 -type f 2>/dev/null | head -n 1)" ] && break
		sleep 0.01
	done
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	if grep -q 'host: published' "$TMP/$sig.err"; then
		ok 0 "# SKIP the run finished before SIG$sig arrived"
		return
	fi
	is "$rc" "$want" "SIG$sig mid-run: exit $want"
	like "$(cat "$TMP/$sig.err")" "interrupted by .*: removing the unfinished tree .*\.staging/.*; nothing was published" \
		"SIG$sig: the user is told what happened"
	is "$(find "$out/.staging" -mindepth 1 2>/dev/null | wc -l | tr -d ' ')" 0 "SIG$sig: no staging left behind"
	ok "$([ ! -e "$out/$RELEASE" ] && echo 0 || echo 1)" "SIG$sig: nothing published"
	run_ph "${args[@]}" --output "$out"
	is "$PH_RC" 0 "SIG$sig: the next run succeeds"
	! grep -q Sanitizer "$TMP/$sig.err"; ok $? "SIG$sig: no sanitizer report"
}
interrupt_run TERM 143
interrupt_run INT 130
done_testing

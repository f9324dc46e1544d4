#!/bin/bash
# Publishing: two provisioners on one volume, a run killed mid-way, a
# read-only, full or non-directory output volume.
. "$(dirname "$0")/../lib.sh"
load_debian_fixture
args=(--host-root "$HOST_ROOT" --kernel-release "$RELEASE")

# Two at once.
OUT=$TMP/both
"$PH" "${args[@]}" --output "$OUT" >"$TMP/a.out" 2>"$TMP/a.err" &
pa=$!
"$PH" "${args[@]}" --output "$OUT" >"$TMP/b.out" 2>"$TMP/b.err" &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
is "$ra/$rb" "0/0" "two provisioners started at once both succeed"
is "$(ls -A "$OUT" | tr '\n' ' ')" ".lock $RELEASE " "one tree, no staging left"
cat "$TMP/a.err" "$TMP/b.err" | grep -q 'waited for another provisioner\|nothing to do'
ok $? "one of them waited for the other and reused its tree"
is "$(cat "$TMP/a.err" "$TMP/b.err" | grep -c 'host: published')" 1 "the tree was built once"
! grep -q Sanitizer "$TMP/a.err" "$TMP/b.err"; ok $? "no sanitizer report"

# Killed in the middle.
OUT=$TMP/killed
"$PH" "${args[@]}" --output "$OUT" >/dev/null 2>&1 &
pk=$!
for _ in $(seq 1 400); do
	[ -n "$(find "$OUT/.staging" -mindepth 3 -type f 2>/dev/null | head -n 1)" ] && break
	sleep 0.01
done
kill -9 $pk 2>/dev/null; wait $pk 2>/dev/null
[ ! -e "$OUT/$RELEASE" ]; ok $? "a run killed with SIGKILL mid-copy leaves no visible tree"
run_ph "${args[@]}" --output "$OUT"
is "$PH_RC" 0 "the next run succeeds"
is "$(ls -A "$OUT" | tr '\n' ' ')" ".lock $RELEASE " "and cleans what the killed run left"

# Output volume failures.
mkdir -p "$TMP/ro" "$TMP/full"
if mount -t tmpfs -o ro,size=1m tmpfs "$TMP/ro" 2>/dev/null; then
	run_ph "${args[@]}" --output "$TMP/ro"
	is "$PH_RC" 6 "read-only output volume: exit 6"
	like "$PH_ERR" "output $TMP/ro: .*Read-only file system" "the line names the volume and the cause"
	umount "$TMP/ro"
else
	ok 0 "# SKIP cannot mount tmpfs here"; ok 0 "# SKIP cannot mount tmpfs here"
fi
if mount -t tmpfs -o size=2m tmpfs "$TMP/full" 2>/dev/null; then
	run_ph "${args[@]}" --output "$TMP/full"
	is "$PH_RC" 6 "full output volume: exit 6"
	like "$PH_ERR" "output volume: cannot write $TMP/full/.staging/.*: No space left on device" "the line names the volume and says it is full"
	is "$(ls -A "$TMP/full" | tr '\n' ' ')" ".lock " "the full volume holds no tree and no staging"
	umount "$TMP/full"
else
	ok 0 "# SKIP cannot mount tmpfs here"; ok 0 "# SKIP"; ok 0 "# SKIP"
fi
echo x >"$TMP/afile"
run_ph "${args[@]}" --output "$TMP/afile"
is "$PH_RC" 6 "output that is a file: exit 6"
like "$PH_ERR" "output $TMP/afile: Not a directory" "the line names it"
is "$(cat "$TMP/afile")" "x" "the file is left as it was"
done_testing

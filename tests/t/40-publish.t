#!/bin/bash
# Publishing: two and eight provisioners on one volume, two releases at
# once, a run killed mid-way, a read-only (tmpfs or bind mount), full or
# non-directory output volume, for the host, kheaders and distro paths.
. "$(dirname "$0")/../lib.sh"
load_apt_fixture
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

# Eight at once, same release: one builds, seven wait for it and reuse it.
OUT=$TMP/eight
pids=()
for i in 1 2 3 4 5 6 7 8; do
	"$PH" "${args[@]}" --output "$OUT" >"$TMP/e$i.out" 2>"$TMP/e$i.err" &
	pids+=($!)
done
rcs=""
for p in "${pids[@]}"; do wait "$p"; rcs="$rcs$?"; done
is "$rcs" "00000000" "eight provisioners started at once all succeed"
is "$(cat "$TMP"/e?.err | grep -c 'host: published')" 1 "exactly one of them built the tree"
is "$(cat "$TMP"/e?.err | grep -c 'nothing to do')" 7 "the seven others reused it"
ok "$( [ "$(cat "$TMP"/e?.err | grep -c 'waited for another provisioner')" -ge 1 ] && echo 0 || echo 1)" \
	"...at least one of them after waiting for the builder"
is "$(cat "$TMP"/e?.out | LC_ALL=C sort -u | wc -l | tr -d ' ')" "$(wc -l <"$TMP/e1.out" | tr -d ' ')" \
	"all eight print the same result"
is "$(ls -A "$OUT" | tr '\n' ' ')" ".lock $RELEASE " "one tree, no staging left"
! grep -q Sanitizer "$TMP"/e?.err; ok $? "no sanitizer report"

# Two releases on one volume at once (distro from the local mirror): both published.
start_mirror "$REPO"
DROOT=$TMP/droot
mkdir -p "$DROOT/etc/apt/keyrings" "$DROOT/usr/lib"
cp "$HOST_ROOT/usr/lib/os-release" "$DROOT/usr/lib/os-release"
cp "$KEY_GPG" "$DROOT/etc/apt/keyrings/test.gpg"
echo "deb [arch=amd64 signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/ok/debian bookworm main" >"$DROOT/etc/apt/sources.list"
dargs=(--host-root "$DROOT" --strategy cache,distro --retries 2)
OUT=$TMP/tworel
"${NO_NETWORK[@]}" "$PH" "${dargs[@]}" --kernel-release "$RELEASE" --output "$OUT" >/dev/null 2>"$TMP/r1.err" &
p1=$!
"${NO_NETWORK[@]}" "$PH" "${dargs[@]}" --kernel-release "$RELEASE2" --output "$OUT" >/dev/null 2>"$TMP/r2.err" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
is "$r1/$r2" "0/0" "two releases provisioned on one volume at once both succeed"
[ "$r1/$r2" = 0/0 ] || tail -n 5 "$TMP/r1.err" "$TMP/r2.err" | sed 's/^/#   /'
is "$(cat "$TMP/r1.err" "$TMP/r2.err" | grep -c 'distro: published')" 2 "both are published"
is "$(ls -A "$OUT" | LC_ALL=C sort | tr '\n' ' ')" "$(printf '%s\n' .lock "$RELEASE" "$RELEASE2" | LC_ALL=C sort | tr '\n' ' ')" \
	"two trees, no staging left"
for r in "$RELEASE" "$RELEASE2"; do
	is "$(sed -n 's/#define UTS_RELEASE "\(.*\)"/\1/p' "$OUT/$r/build/include/generated/utsrelease.h")" "$r" "...the tree of $r is that kernel's"
done
! grep -q Sanitizer "$TMP/r1.err" "$TMP/r2.err"; ok $? "no sanitizer report"

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
# A read-only bind mount (a volume mounted ro into the pod): exit 6, one
# clean line, the volume untouched.
mkdir -p "$TMP/rosrc" "$TMP/robind"
echo keep >"$TMP/rosrc/marker"
if mount --bind "$TMP/rosrc" "$TMP/robind" 2>/dev/null && mount -o remount,bind,ro "$TMP/robind" 2>/dev/null; then
	run_ph "${args[@]}" --output "$TMP/robind"
	is "$PH_RC" 6 "read-only bind-mounted output volume: exit 6"
	like "$PH_ERR" "output $TMP/robind: .*Read-only file system" "the line names the volume and the cause"
	is "$(echo "$PH_ERR" | grep -c 'error')" 1 "...in one error line"
	is "$(ls -A "$TMP/rosrc" | tr '\n' ' ')" "marker " "the volume is left as it was"
	umount "$TMP/robind"
else
	umount "$TMP/robind" 2>/dev/null
	for _ in 1 2 3 4; do ok 0 "# SKIP cannot bind-mount here"; done
fi

# Full volumes on the kheaders and distro paths, and one that fills up only
# at the very end of a host run: exit 6, the volume named, no tree, no staging.
full_volume() { # full_volume NAME SIZE OPTIONS...
	local name=$1 size=$2 dir=$TMP/full-$1; shift 2
	mkdir -p "$dir"
	if ! mount -t tmpfs -o "size=$size" tmpfs "$dir" 2>/dev/null; then
		for _ in 1 2 3; do ok 0 "# SKIP cannot mount tmpfs here"; done
		return
	fi
	"${NO_NETWORK[@]}" "$PH" "$@" --output "$dir" >/dev/null 2>"$TMP/full.err"
	is "$?" 6 "$name: full output volume: exit 6"
	like "$(grep error "$TMP/full.err")" "^provision-headers: error: .*cannot write .*$dir/.*: No space left on device$" \
		"$name: the line names the volume and says it is full"
	is "$(ls -A "$dir" | tr '\n' ' ')" ".lock " "$name: the full volume holds no tree and no staging"
	umount "$dir"
}
KROOT=$TMP/kroot
mkdir -p "$KROOT/sys/kernel" "$KROOT/boot"
cp "$("$TESTS_DIR/fixtures/kheaders-archive")" "$KROOT/sys/kernel/kheaders.tar.xz"
cp "$HOST_ROOT/boot/config-$RELEASE" "$KROOT/boot/"
full_volume kheaders 2m --host-root "$KROOT" --kernel-release "$RELEASE" --strategy kheaders
full_volume distro 2m "${dargs[@]}" --kernel-release "$RELEASE"
# The space a whole host run takes on tmpfs, less a little.
mkdir -p "$TMP/measure"
if mount -t tmpfs -o size=1g tmpfs "$TMP/measure" 2>/dev/null; then
	"$PH" "${args[@]}" --output "$TMP/measure" >/dev/null 2>&1
	used=$(df -k --output=used "$TMP/measure" | tail -n 1 | tr -d ' ')
	umount "$TMP/measure"
	full_volume "host, full at the end" "$((used - 64))k" "${args[@]}"
else
	for _ in 1 2 3; do ok 0 "# SKIP cannot mount tmpfs here"; done
fi

echo x >"$TMP/afile"
run_ph "${args[@]}" --output "$TMP/afile"
is "$PH_RC" 6 "output that is a file: exit 6"
like "$PH_ERR" "output $TMP/afile: Not a directory" "the line names it"
is "$(cat "$TMP/afile")" "x" "the file is left as it was"
done_testing

#!/bin/bash
# A mirror that drips a byte a second is a stall, and --deadline bounds a
# whole run however slowly a mirror answers; another release on the same
# volume is not held up meanwhile.
. "$(dirname "$0")/../lib.sh"
load_apt_fixture
start_mirror "$REPO"

root_for() { # root_for DIR FAULT
	mkdir -p "$1/etc/apt/keyrings" "$1/usr/lib"
	cp "$HOST_ROOT/usr/lib/os-release" "$1/usr/lib/os-release"
	cp "$KEY_GPG" "$1/etc/apt/keyrings/test.gpg"
	echo "deb [signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/$2/debian bookworm main" >"$1/etc/apt/sources.list"
}

root_for "$TMP/drip" drip
run_ph --host-root "$TMP/drip" --kernel-release "$RELEASE" --output "$TMP/o-drip" --strategy distro --retries 1 \
	--stall-timeout 3
is "$PH_RC" 5 "a mirror dripping a byte a second counts as stalled: exit 5"
like "$PH_ERR" "\.deb: Operation too slow" "...as too slow (not a body cut short), naming the package URL"
ok "$([ ! -e "$TMP/o-drip/$RELEASE" ] && echo 0 || echo 1)" "nothing is published"

root_for "$TMP/slow" slow
run_ph --host-root "$TMP/slow" --kernel-release "$RELEASE" --output "$TMP/o-slow" --strategy distro --retries 3 \
	--deadline 5
is "$PH_RC" 5 "a mirror too slow to finish within --deadline: exit 5"
like "$PH_ERR" "\.deb: (not fetched: the run's --deadline has passed|Operation timed out)" \
	"...saying the deadline cut it short, retries included"

# While one release waits on the slow mirror, another release on the same
# volume provisions without waiting for it.
"${NO_NETWORK[@]}" "$PH" --host-root "$TMP/slow" --kernel-release "$RELEASE" --output "$TMP/shared" --strategy distro \
	--deadline 20 >/dev/null 2>"$TMP/slow.err" &
slow_pid=$!
sleep 2
make_mini_tree "$TMP/hr/usr/src/linux-headers-9.9.0-other" 9.9.0-other $(( (9 << 16) + (9 << 8) ))
run_ph --host-root "$TMP/hr" --kernel-release 9.9.0-other --output "$TMP/shared" --strategy host
is "$PH_RC" 0 "another release provisions on the same volume meanwhile"
kill -0 "$slow_pid" 2>/dev/null
ok $? "...while the slow one still holds its own release's lock"
kill "$slow_pid" 2>/dev/null
wait "$slow_pid" 2>/dev/null
done_testing

#!/bin/bash
# warm --jobs N (issue 15): at most N package downloads at once, seen at
# the local signed mirror (tests/tools/mirror-server.py logs how many
# bodies it is sending when each starts, counted until before its last
# byte): --jobs 1 never has two at once, and --jobs 3 has two at once
# (the /pair/ fault holds a body until another is asked for, so this
# needs no timing). Every tree still equals dpkg -x of its packages. A
# warm killed (SIGKILL) in the middle of a download resumes: the rerun
# completes, fetches no package of a kernel already stored, and cache
# verify passes.
. "$(dirname "$0")/../lib.sh"
load_apt_fixture
# shellcheck disable=SC1090
. "$("$TESTS_DIR/fixtures/apt-fleet")" || { echo "Bail out! cannot build the fleet repository"; exit 1; }
start_mirror "$FLEET"
read -r A1 A2 A3 <<<"$FLEET_ABIS"
POOL=$FLEET/debian/pool/main/l
deb() { ls "$POOL/$1"_*.deb | sort -V | tail -n 1; }
E=$TMP/fedora-root
mkdir -p "$E/etc"
printf 'ID=fedora\nVERSION_ID=40\nNAME="Fedora Linux"\n' >"$E/etc/os-release"
args() { # args FAULT: the repository through that fault path
	printf '%s\n' --host-root "$E" --distro debian:12 --mirror "$MIRROR/$1/debian bookworm main" --keyring "$FLEET_KEY" \
		--retries 2
}
mapfile -t OK_ARGS < <(args ok)
mapfile -t PAIR_ARGS < <(args pair)
KERNELS=("$A1-amd64" "$A2-amd64" "$A3-amd64")
# The most bodies the mirror sent at once among the log lines after $1.
most_at_once() { tail -n +"$(($1 + 1))" "$TMP/mirror.log" | sed -n 's/^mirror: body .*, \([0-9]*\) at once$/\1/p' | sort -n | tail -n 1; }
log_lines() { wc -l <"$TMP/mirror.log"; }
same_as_dpkg() { # same_as_dpkg CACHE: every fleet kernel's tree against dpkg -x
	local abi bad=""
	for abi in "$A1" "$A2" "$A3"; do
		rm -rf "$TMP/dpkg"; mkdir -p "$TMP/dpkg"
		dpkg -x "$(deb "linux-headers-$abi-common")" "$TMP/dpkg" && dpkg -x "$(deb "linux-headers-$abi-amd64")" "$TMP/dpkg"
		python3 "$TESTS_DIR/tools/compare-tree.py" "$1/trees/$abi-amd64/build" x86 \
			"$TMP/dpkg/usr/src/linux-headers-$abi-common" "$TMP/dpkg/usr/src/linux-headers-$abi-amd64" \
			>"$TMP/cmp-$abi" 2>&1 || bad="$bad $abi"
	done
	echo "$bad"
}

run_ph warm --help
like "$PH_OUT" "--jobs N" "warm --help names --jobs"

# --jobs 1: strictly one download at a time.
from=$(log_lines)
run_ph warm "${KERNELS[@]}" --jobs 1 "${OK_ARGS[@]}" --cache-dir "$TMP/c1"
is "$PH_RC" 0 "warm of three kernels with --jobs 1"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
is "$(tail -n +"$((from + 1))" "$TMP/mirror.log" | grep -c '^mirror: body .*\.deb, ')" 6 "...six packages sent"
is "$(most_at_once "$from")" 1 "...never two at once"
is "$(same_as_dpkg "$TMP/c1")" "" "...each tree equals dpkg -x of its packages, file by file"

like "$PH_ERR" "warm: $A3-amd64 \(amd64\), kernel 3 of 3" "...not on a terminal: a plain line per kernel, saying which of how many"
! printf '%s' "$PH_ERR" | grep -q $'\r\|\033'; ok $? "...and no progress drawing"

# --jobs 3 (and the environment's name for it), on a terminal: two
# packages at once, and one progress line for the whole warm.
from=$(log_lines)
if command -v script >/dev/null; then
	printf -v cmd '%q ' "${NO_NETWORK[@]}" PROVISION_HEADERS_JOBS=3 "$PH" warm "${KERNELS[@]}" "${PAIR_ARGS[@]}" \
		--cache-dir "$TMP/c3"
	script -qec "$cmd" /dev/null >"$TMP/tty.out"
	is "$?" 0 "warm of three kernels with PROVISION_HEADERS_JOBS=3, on a terminal"
	like "$(tr '\r' '\n' <"$TMP/tty.out")" "provision-headers: 0/3 kernels, [0-9]+ KiB fetched; downloading 2 files" \
		"...one progress line: kernels done of all, bytes fetched, downloads running"
	like "$(tr '\r' '\n' <"$TMP/tty.out")" "provision-headers: 2/3 kernels, [0-9]+ KiB fetched; downloading" \
		"...counting the kernels done"
else
	PROVISION_HEADERS_JOBS=3 run_ph warm "${KERNELS[@]}" "${PAIR_ARGS[@]}" --cache-dir "$TMP/c3"
	is "$PH_RC" 0 "warm of three kernels with PROVISION_HEADERS_JOBS=3 (no script(1): not on a terminal)"
fi
is "$(most_at_once "$from")" 2 "...downloads a kernel's two packages at once"
is "$(same_as_dpkg "$TMP/c3")" "" "...each tree equals dpkg -x of its packages, file by file"
run_ph warm "${KERNELS[@]}" --jobs 0 "${OK_ARGS[@]}" --cache-dir "$TMP/c0"
like "$PH_RC:$PH_ERR" "^2:.*--jobs" "--jobs 0: exit 2, naming the option"

# Killed in the middle of the second kernel's download, then run again.
kill "$MIRROR_PID"; wait "$MIRROR_PID" 2>/dev/null
rm -f "$TMP/mirror.port"
from=$(log_lines)
export MIRROR_SLOW_MATCH="linux-headers-$A2-common"
start_mirror "$FLEET"
unset MIRROR_SLOW_MATCH
mapfile -t OK_ARGS < <(args ok)
K=$TMP/killed
a1_gets() { grep -c "\"GET [^ ]*linux-headers-$A1-\(common\|amd64\)_[^ ]*\.deb " "$TMP/mirror.log"; }
a1_before=$(a1_gets)
"${NO_NETWORK[@]}" "$PH" warm "${KERNELS[@]}" --jobs 2 "${OK_ARGS[@]}" --cache-dir "$K" >"$TMP/k.out" 2>"$TMP/k.err" &
pid=$!
slow_started() { tail -n +"$((from + 1))" "$TMP/mirror.log" | grep -q "^mirror: body .*linux-headers-$A2-common"; }
for _ in $(seq 1 1200); do
	slow_started && break
	sleep 0.1
done
kill -9 "$pid"; wait "$pid" 2>/dev/null
slow_started
ok $? "warm was killed while the second kernel's package was coming"
is "$(ls "$K/trees" | tr '\n' ' ')" "$A1-amd64 " "...with the first kernel stored"
kill "$MIRROR_PID"; wait "$MIRROR_PID" 2>/dev/null
rm -f "$TMP/mirror.port"
start_mirror "$FLEET"
mapfile -t OK_ARGS < <(args ok)
run_ph warm "${KERNELS[@]}" --jobs 2 "${OK_ARGS[@]}" --cache-dir "$K"
is "$PH_RC" 0 "the rerun completes"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
like "$PH_ERR" "$A1-amd64 is in the store of $K already" "...skipping the kernel stored before the kill"
is "$(a1_gets)" "$((a1_before + 2))" "...whose two packages were fetched once each in the two runs together"
is "$(ls "$K/trees" | sort | tr '\n' ' ')" "$(printf '%s ' "${KERNELS[@]}" | tr ' ' '\n' | sort | tr '\n' ' ')" \
	"...the store holds the three kernels"
is "$(same_as_dpkg "$K")" "" "...each tree equals dpkg -x of its packages, file by file"
run_ph cache verify --cache-dir "$K"
is "$PH_RC" 0 "cache verify passes after the killed run and its rerun"
done_testing

#!/bin/bash
# SIGKILL anywhere: every strategy that runs here (host and kheaders from
# the Debian fixture, distro from the local signed mirror, close-match from
# the bank) is killed at points spread over a whole run - its duration is
# measured first, then each trial kills a fresh run at another fraction of
# it (0 to 115%). After each kill <out>/<release> is absent or a complete
# tree (the same tree an undisturbed run publishes, reused as it is by the
# next run); the next run succeeds and leaves no staging; nothing but the
# lock, staging and the tree is ever in the volume. PH_KILL_SCALE=N runs N
# times as many kills.
. "$(dirname "$0")/../lib.sh"
load_apt_fixture
ARCHIVE=$("$TESTS_DIR/fixtures/kheaders-archive") || { echo "Bail out! cannot build the kheaders archive"; exit 1; }
start_mirror "$REPO"
# Kills per strategy, weighted to the fast ones so the file stays short;
# PH_KILL_SCALE=N multiplies them all.
declare -A TRIALS=([host]=21 [kheaders]=14 [distro]=5 [close-match]=10)
SCALE=${PH_KILL_SCALE:-1}

# One strategy: its name, release, options and the environment it runs in.
declare -A S_REL S_ARGS S_ENV
add_strategy() { # add_strategy NAME RELEASE "ENV..." OPTIONS...
	local n=$1; S_REL[$n]=$2; S_ENV[$n]=$3; shift 3; S_ARGS[$n]="$*"
	STRATEGIES+=("$n")
}
STRATEGIES=()
add_strategy host "$RELEASE" "" --host-root "$HOST_ROOT" --kernel-release "$RELEASE" --strategy cache,host

KROOT=$TMP/kroot
mkdir -p "$KROOT/sys/kernel" "$KROOT/boot"
cp "$ARCHIVE" "$KROOT/sys/kernel/kheaders.tar.xz"
cp "$HOST_ROOT/boot/config-$RELEASE" "$KROOT/boot/"
add_strategy kheaders "$RELEASE" "" --host-root "$KROOT" --kernel-release "$RELEASE" --strategy cache,kheaders

DROOT=$TMP/droot
mkdir -p "$DROOT/etc/apt/keyrings" "$DROOT/usr/lib"
cp "$HOST_ROOT/usr/lib/os-release" "$DROOT/usr/lib/os-release"
cp "$KEY_GPG" "$DROOT/etc/apt/keyrings/test.gpg"
echo "deb [arch=amd64 signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/ok/debian bookworm main" >"$DROOT/etc/apt/sources.list"
add_strategy distro "$RELEASE" "" --host-root "$DROOT" --kernel-release "$RELEASE" --strategy cache,distro --retries 2

# close-match needs the running kernel's config and BTF, as 90-closematch.t.
if [ -r /proc/config.gz ] && [ -r /sys/kernel/btf/vmlinux ] &&
	env=$("$TESTS_DIR/fixtures/closematch-bank" 2>/dev/null); then
	# shellcheck disable=SC1090
	. "$env"
	mkdir -p "$TMP/emptyroot" "$TMP/bank1"
	# One candidate (the nearest 6.12): the same writes into the volume as
	# with three, without the BTF scoring of the others, which only reads.
	cp -al "$BANK/$BANK_6_12" "$TMP/bank1/" 2>/dev/null || cp -a "$BANK/$BANK_6_12" "$TMP/bank1/"
	add_strategy close-match "$(uname -r)" "PROVISION_HEADERS_HOST_ROOT=$TMP/emptyroot" --strategy cache,close-match --bank "$TMP/bank1"
else
	echo "# close-match: no running kernel config, BTF or bank here; not tried"
fi

ph() { # ph STRATEGY OUT [more]: runs it, stderr to $TMP/ph.err
	local s=$1 out=$2; shift 2
	# shellcheck disable=SC2086
	env ${S_ENV[$s]} "${NO_NETWORK[@]}" "$PH" ${S_ARGS[$s]} --output "$out" "$@" >/dev/null 2>"$TMP/ph.err"
}
now_ms() { date +%s%3N; }
volume_holds() { ls -A "$1" 2>/dev/null | LC_ALL=C sort | tr '\n' ' '; }

KILLS=0; KILLED_PUBLISHED=0; KILLED_BEFORE=0
for s in "${STRATEGIES[@]}"; do
	rel=${S_REL[$s]}
	# An undisturbed run: its tree is the reference, its duration the scale.
	t0=$(now_ms)
	ph "$s" "$TMP/ref-$s"
	rc=$?
	dur=$(( $(now_ms) - t0 ))
	is "$rc" 0 "$s: an undisturbed run publishes ($dur ms)"
	[ "$rc" -eq 0 ] || { tail -n 5 "$TMP/ph.err" | sed 's/^/#   /'; continue; }
	ref=$(tree_digest "$TMP/ref-$s/$rel/build")
	! grep -q Sanitizer "$TMP/ph.err"; ok $? "$s: no sanitizer report"

	b0=$KILLED_BEFORE p0=$KILLED_PUBLISHED
	n=$(( TRIALS[$s] * SCALE ))
	[ "$n" -ge 2 ] || n=2
	for i in $(seq 1 "$n"); do
		out=$TMP/k-$s-$i
		# Kill points spread from the start to 15% past the measured end,
		# so that some land on the publish itself when a run is slower.
		delay_ms=$(( dur * 115 * (i - 1) / (100 * (n - 1)) + (i == 1 ? 5 : 0) ))
		delay=$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))
		# shellcheck disable=SC2086
		env ${S_ENV[$s]} "${NO_NETWORK[@]}" "$PH" ${S_ARGS[$s]} --output "$out" >/dev/null 2>"$TMP/killed.err" &
		pid=$!
		sleep "$delay"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		KILLS=$((KILLS + 1))
		what="$s, killed at ${delay}s of ${dur}ms"
		after=$(volume_holds "$out")
		like "[$after]" "^\[(\.lock )?(\.staging )?($(printf '%s' "$rel" | sed 's/[+.]/\\&/g') )?]$" \
			"$what: only the lock, staging and the tree are in the volume"
		if [ -e "$out/$rel" ]; then
			KILLED_PUBLISHED=$((KILLED_PUBLISHED + 1))
			is "$(tree_digest "$out/$rel/build")" "$ref" "$what: the visible tree is complete"
			ph "$s" "$out"; rc=$?
			is "$rc" 0 "$what: the next run succeeds"
			! grep -q ': published' "$TMP/ph.err" && grep -q 'nothing to do' "$TMP/ph.err"
			ok $? "$what: ...and reuses the tree as it is"
		else
			KILLED_BEFORE=$((KILLED_BEFORE + 1))
			ok 0 "$what: no tree is visible"
			ph "$s" "$out"; rc=$?
			is "$rc" 0 "$what: the next run succeeds"
			grep -q "$s: published" "$TMP/ph.err"
			ok $? "$what: ...and builds the tree"
		fi
		[ "$rc" -eq 0 ] || tail -n 5 "$TMP/ph.err" | sed 's/^/#   /'
		is "$(volume_holds "$out")" ".lock $rel " "$what: then the lock and the tree only, no staging"
		grep -q Sanitizer "$TMP/killed.err" "$TMP/ph.err" && ok 1 "$what: sanitizer report"
		rm -rf "$out"
	done
	echo "# $s: $n kills, $((KILLED_BEFORE - b0)) before publishing, $((KILLED_PUBLISHED - p0)) after"
	rm -rf "$TMP/ref-$s"
done
echo "# $KILLS runs killed with SIGKILL over ${#STRATEGIES[@]} strategies (${STRATEGIES[*]}):" \
	"$KILLED_BEFORE before publishing, $KILLED_PUBLISHED after"
ok $(( KILLS >= 50 ? 0 : 1 )) "at least 50 kills ($KILLS)"
done_testing

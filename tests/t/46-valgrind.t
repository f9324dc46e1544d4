#!/bin/bash
# One end-to-end run of each strategy that runs here under valgrind's
# memcheck, with the normal (non-sanitizer) build: no memory errors and no
# definite leaks. host and kheaders from the Debian fixture, distro from the
# local signed mirror, close-match from the bank. One strategy per run and
# no --validate: valgrind is slow. valgrind 3.19 (Debian 12) does not know
# openat2 and answers ENOSYS, so under it the confinement layer takes its
# fallback walk (util/confine.c), the path of kernels without openat2.
. "$(dirname "$0")/../lib.sh"
command -v valgrind >/dev/null || skip_all "valgrind is not installed (scripts/deps.txt)"
# valgrind cannot run a sanitizer build: always the plain build/.
VG_PH=${PH_VALGRIND_BIN:-$TESTS_DIR/../build/provision-headers}
[ -x "$VG_PH" ] || skip_all "no $VG_PH: run make all first"
load_apt_fixture
ARCHIVE=$("$TESTS_DIR/fixtures/kheaders-archive") || { echo "Bail out! cannot build the kheaders archive"; exit 1; }
start_mirror "$REPO"

vg_run() { # vg_run NAME RELEASE [env VAR=...] -- OPTIONS...
	local name=$1 rel=$2 wrap=() out=$TMP/out-$1 rc
	shift 2
	while [ "$1" != "--" ]; do wrap+=("$1"); shift; done
	shift
	"${NO_NETWORK[@]}" "${wrap[@]}" valgrind --leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=99 "$VG_PH" "$@" --output "$out" >/dev/null 2>"$TMP/vg-$name.err"
	rc=$?
	is "$rc" 0 "$name under valgrind: exit 0, no memory error, no definite leak"
	[ "$rc" -eq 0 ] || grep -E '^==[0-9]+== ( {3}at|Invalid|Conditional|definitely|[0-9,]+ bytes in)|error:' \
		"$TMP/vg-$name.err" | head -n 30 | sed 's/^/#   /'
	like "$(cat "$TMP/vg-$name.err")" "$name: published" "$name: ...and it published a tree"
	like "$(cat "$TMP/vg-$name.err")" "ERROR SUMMARY: 0 errors" "$name: valgrind counted no error"
	like "$(cat "$TMP/vg-$name.err")" "definitely lost: 0 bytes|All heap blocks were freed" "$name: nothing definitely lost"
	[ -r "$out/$rel/build/include/generated/utsrelease.h" ]
	ok $? "$name: the tree is there"
}

vg_run host "$RELEASE" -- --host-root "$HOST_ROOT" --kernel-release "$RELEASE" --strategy host

KROOT=$TMP/kroot
mkdir -p "$KROOT/sys/kernel" "$KROOT/boot"
cp "$ARCHIVE" "$KROOT/sys/kernel/kheaders.tar.xz"
cp "$HOST_ROOT/boot/config-$RELEASE" "$KROOT/boot/"
vg_run kheaders "$RELEASE" -- --host-root "$KROOT" --kernel-release "$RELEASE" --strategy kheaders

DROOT=$TMP/droot
mkdir -p "$DROOT/etc/apt/keyrings" "$DROOT/usr/lib"
cp "$HOST_ROOT/usr/lib/os-release" "$DROOT/usr/lib/os-release"
cp "$KEY_GPG" "$DROOT/etc/apt/keyrings/test.gpg"
echo "deb [arch=amd64 signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/ok/debian bookworm main" >"$DROOT/etc/apt/sources.list"
vg_run distro "$RELEASE" -- --host-root "$DROOT" --kernel-release "$RELEASE" --strategy distro --retries 2

if [ -r /proc/config.gz ] && [ -r /sys/kernel/btf/vmlinux ] &&
	env=$("$TESTS_DIR/fixtures/closematch-bank" 2>/dev/null); then
	# shellcheck disable=SC1090
	. "$env"
	mkdir -p "$TMP/emptyroot" "$TMP/onebank"
	# One candidate: the same build, rewrite and BTF correction, without
	# ranking three trees (minutes under valgrind).
	cp -al "$BANK/$BANK_6_12" "$TMP/onebank/"
	vg_run close-match "$(uname -r)" env "PROVISION_HEADERS_HOST_ROOT=$TMP/emptyroot" -- --strategy close-match --bank "$TMP/onebank"
else
	echo "# close-match: no running kernel config, BTF or bank here; not run"
fi
done_testing

#!/bin/bash
# The distro strategy against real signed apt repositories on 127.0.0.1:
# one-line and deb822 sources, inline and file keys, the right ABI of
# two, an Ubuntu-style zstd repository, and every fault of the chain.
. "$(dirname "$0")/../lib.sh"
load_apt_fixture
start_mirror "$REPO"

# A fake Debian host whose apt sources point at the local mirror.
debian_root() { # debian_root DIR SOURCES-TEXT [deb822]
	mkdir -p "$1/etc/apt/sources.list.d" "$1/etc/apt/keyrings" "$1/usr/lib"
	cp "$HOST_ROOT/usr/lib/os-release" "$1/usr/lib/os-release"
	cp "$KEY_GPG" "$1/etc/apt/keyrings/test.gpg"
	if [ "${3:-}" = deb822 ]; then printf '%s\n' "$2" >"$1/etc/apt/sources.list.d/test.sources"
	else printf '%s\n' "$2" >"$1/etc/apt/sources.list"; fi
}
provision() { # provision ROOT RELEASE OUT [more options]
	local root=$1 rel=$2 out=$3; shift 3
	run_ph --host-root "$root" --kernel-release "$rel" --output "$out" --strategy distro --retries 2 "$@"
}
nothing_published() { is "$(ls -A "$1" 2>/dev/null | tr '\n' ' ')" ".lock " "$2: nothing published, no staging left"; }

# One-line sources, signed-by a binary keyring.
R1=$TMP/r1
debian_root "$R1" "deb [arch=amd64 signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/ok/debian bookworm main
deb-src $MIRROR/ok/debian bookworm main"
provision "$R1" "$RELEASE" "$TMP/o1"
is "$PH_RC" 0 "one-line sources: fetched, verified, extracted"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
like "$PH_ERR" "good signature by $KEY_FPR" "the signature is checked and its key named"
TREE=$TMP/o1/$RELEASE/build
mkdir -p "$TMP/dpkg"
dpkg -x "$DEB_COMMON" "$TMP/dpkg" && dpkg -x "$DEB_AMD64" "$TMP/dpkg"
pass_if "the tree equals what dpkg -x gives for the same packages" -- \
	python3 "$TESTS_DIR/tools/compare-tree.py" "$TREE" x86 "$TMP/dpkg/usr/src/linux-headers-$ABI-common" "$TMP/dpkg/usr/src/linux-headers-$RELEASE"
BCC_KERNEL_SOURCE=$TREE "$BCC_COMPILE" "$TESTS_DIR/data/task_probe.c" >"$TMP/bcc.out" 2>&1
ok $? "BCC compiles a task_struct program against the downloaded tree"
python3 - "$TMP/o1/$RELEASE/manifest.json" "$MIRROR" "$KEY_FPR" "$(sha256sum <"$DEB_AMD64" | cut -d' ' -f1)" \
	"$(sha256sum <"$DEB_COMMON" | cut -d' ' -f1)" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
mirror, fpr, amd64, common = sys.argv[2:6]
types = [s["type"] for s in m["sources"]]
assert m["strategy"] == "distro" and m["exact"] is True
rel = [s for s in m["sources"] if s["type"] == "release"][0]
assert rel["url"] == mirror + "/ok/debian/dists/bookworm/InRelease" and rel["signed_by"] == fpr, rel
assert any(s["type"] == "index" and s["url"].endswith("Packages.xz") for s in m["sources"])
pk = {s["name"]: s for s in m["sources"] if s["type"] == "package"}
assert sorted(h["sha256"] for h in pk.values()) == sorted([amd64, common]), pk
assert all(s["url"].startswith(mirror) and s["size"] > 0 for s in pk.values())
assert not any("kbuild" in n for n in pk), "kbuild is not needed for BCC"
PY
ok $? "the manifest lists every URL with its size and SHA-256, and the key's fingerprint"

# The other ABI of the same repository.
provision "$R1" "$RELEASE2" "$TMP/o1"
is "$PH_RC" 0 "the second ABI from the same index"
like "$(cat "$TMP/o1/$RELEASE2/manifest.json")" "linux-headers-$ABI2-common" "...from its own packages"
is "$(sed -n 's/#define UTS_RELEASE "\(.*\)"/\1/p' "$TMP/o1/$RELEASE2/build/include/generated/utsrelease.h")" "$RELEASE2" \
	"...and its tree is that kernel's"

# deb822, key inline in Signed-By (with a disabled stanza and deb-src).
inline=$(sed -e 's/^$/./' -e 's/^/ /' "$KEY_ASC")
R2=$TMP/r2
debian_root "$R2" "Types: deb deb-src
URIs: $MIRROR/ok/debian
Suites: bookworm
Components: main
Architectures: amd64
Signed-By:
$inline

Types: deb
URIs: http://127.0.0.1:1/never-used
Suites: bookworm
Components: main
Enabled: no" deb822
provision "$R2" "$RELEASE" "$TMP/o2"
is "$PH_RC" 0 "deb822 sources with an inline key; disabled stanzas ignored"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
pass_if "same tree as from the one-line sources" -- diff -r "$TREE" "$TMP/o2/$RELEASE/build"

# deb822 without Signed-By: the host's trusted.gpg.d (armoured key).
R3=$TMP/r3
debian_root "$R3" "Types: deb
URIs: $MIRROR/ok/debian
Suites: bookworm
Components: main" deb822
mkdir -p "$R3/etc/apt/trusted.gpg.d" && cp "$KEY_ASC" "$R3/etc/apt/trusted.gpg.d/test.asc"
provision "$R3" "$RELEASE" "$TMP/o3"
is "$PH_RC" 0 "no Signed-By: the keys in trusted.gpg.d (ASCII-armoured) are used"

# --mirror and --keyring, no host sources at all.
mkdir -p "$TMP/r4/usr/lib" && cp "$HOST_ROOT/usr/lib/os-release" "$TMP/r4/usr/lib/"
provision "$TMP/r4" "$RELEASE" "$TMP/o4" --mirror "$MIRROR/ok/debian bookworm main" --keyring "$KEY_GPG"
is "$PH_RC" 0 "--mirror with --keyring"

# A read-only root (readOnlyRootFilesystem): /tmp is read-only, TMPDIR
# names the writable emptyDir; the GnuPG home goes there.
ro_tmp() { # ro_tmp TMPDIR-OR-EMPTY: runs the --mirror case with /tmp read-only
	"${NO_NETWORK[@]}" unshare -m sh -c 'mount --bind /tmp /tmp && mount -t tmpfs tmpfs "$1" && mkdir "$1/tmp" &&
		mount -o remount,bind,ro /tmp && { [ -z "$7" ] || export TMPDIR="$1/tmp"; } &&
		exec "$2" --host-root "$3" --kernel-release "$4" --output "$1/out" --strategy distro \
			--mirror "$5" --keyring "$6" -q' \
		sh "$TMP/w" "$PH" "$TMP/r4" "$RELEASE" "$MIRROR/ok/debian bookworm main" "$KEY_GPG" "$1" >/dev/null 2>"$TMP/ro.err"
}
if mkdir -p "$TMP/w" && unshare -m sh -c 'mount --bind /tmp /tmp && mount -o remount,bind,ro /tmp' 2>/dev/null; then
	ro_tmp ""
	is "$?" 4 "/tmp read-only and no TMPDIR: exit 4"
	like "$(cat "$TMP/ro.err")" "cannot create a temporary GnuPG home in /tmp \(set TMPDIR to a writable directory\)" \
		"...saying where it tried to write and what to set"
	ro_tmp yes
	is "$?" 0 "/tmp read-only, TMPDIR on a writable directory: the distro strategy verifies and publishes"
	[ -s "$TMP/ro.err" ] && sed 's/^/#   /' "$TMP/ro.err" | tail -n 5
else
	ok 0 "# SKIP no mount namespace"; ok 0 "# SKIP"; ok 0 "# SKIP"
fi

# Ubuntu-style: Ubuntu names and Depends, data.tar.zst.
U=$TMP/ru
mkdir -p "$U/etc/apt/keyrings" "$U/etc"
printf 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\n' >"$U/etc/os-release"
cp "$KEY_GPG" "$U/etc/apt/keyrings/test.gpg"
echo "deb [signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/ok/ubuntu jammy main" >"$U/etc/apt/sources.list"
for rel in "$UBUNTU_RELEASE" "$UBUNTU_AWS_RELEASE"; do
	provision "$U" "$rel" "$TMP/ou"
	is "$PH_RC" 0 "Ubuntu-style repository: $rel"
	[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
	BCC_KERNEL_SOURCE=$TMP/ou/$rel/build "$BCC_COMPILE" "$TESTS_DIR/data/task_probe.c" >/dev/null 2>&1
	ok $? "BCC compiles against the $rel tree"
	is "$(find "$TMP/ou/$rel/build" -type l -lname '/*' | wc -l)" 0 "$rel: the symlink farm became a volume-only tree"
done
like "$(cat "$TMP/ou/$UBUNTU_AWS_RELEASE/manifest.json")" "linux-aws-headers-" "the aws flavour pulled linux-aws-headers through Depends"

# Faults: a copy of the repository, damaged one way each time.
fault_repo() { rm -rf "$REPO/f-$1"; cp -al "$REPO/debian" "$REPO/f-$1"; echo "$REPO/f-$1"; }
fault() { # fault NAME URL-PATH EXIT REGEX [options]
	local name=$1 path=$2 code=$3 re=$4; shift 4
	local r=$TMP/fr-$name
	debian_root "$r" "deb [signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/$path bookworm main"
	provision "$r" "$RELEASE" "$TMP/fo-$name" "$@"
	is "$PH_RC" "$code" "$name: exit $code"
	like "$PH_ERR" "$re" "$name: the line names the URL"
	nothing_published "$TMP/fo-$name" "$name"
}
d=$(fault_repo badsig)
rm "$d/dists/bookworm/InRelease"; sed 's/^Origin: Debian/Origin: Tampered/' "$REPO/debian/dists/bookworm/InRelease" >"$d/dists/bookworm/InRelease"
fault "bad signature" ok/f-badsig 4 "$MIRROR/ok/f-badsig/dists/bookworm/InRelease: BAD signature"
d=$(fault_repo unknownkey)
rm "$d/dists/bookworm/InRelease"; cp "$REPO/InRelease.untrusted" "$d/dists/bookworm/InRelease"
fault "unknown key" ok/f-unknownkey 4 "$MIRROR/ok/f-unknownkey/dists/bookworm/InRelease: signed by key [0-9A-F]+, which is not in the trusted keyrings"
r=$TMP/fr-unknownkey-q
debian_root "$r" "deb [signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/ok/f-unknownkey bookworm main"
provision "$r" "$RELEASE" "$TMP/fo-unknownkey-q" -q
is "$PH_RC" 4 "unknown key under -q: exit 4"
like "$PH_ERR" "^provision-headers: error: distro: .*signed by key [0-9A-F]+, which is not in the trusted keyrings; keyrings tried: $r/etc/apt/keyrings/test\.gpg; to trust the key, add its keyring with --keyring FILE" \
	"...the one line names the key, the keyrings tried and the option that adds one"
is "$(printf '%s\n' "$PH_ERR" | wc -l)" 1 "...and it is the only line -q prints"
d=$(fault_repo packages)
rm "$d/dists/bookworm/main/binary-amd64/Packages.xz"
sed 's/^Size: .*/Size: 1/' "$REPO/debian/dists/bookworm/main/binary-amd64/Packages" | xz -T1 >"$d/dists/bookworm/main/binary-amd64/Packages.xz"
fault "tampered Packages" ok/f-packages 4 "$MIRROR/ok/f-packages/dists/bookworm/main/binary-amd64/Packages.xz: hash mismatch"
d=$(fault_repo deb)
deb=$(basename "$DEB_AMD64")
rm "$d/pool/main/l/$deb"; cp "$REPO/debian/pool/main/l/$deb" "$d/pool/main/l/$deb"
printf 'X' | dd of="$d/pool/main/l/$deb" bs=1 seek=100000 conv=notrunc status=none
fault "tampered .deb" ok/f-deb 4 "$MIRROR/ok/f-deb/pool/main/l/$deb: hash mismatch"
d=$(fault_repo missing)
rm "$d/pool/main/l/$deb"
fault "404" ok/f-missing 5 "$MIRROR/ok/f-missing/pool/main/l/$deb: HTTP 404"
fault "reset mid-body" reset/debian 5 "$MIRROR/reset/debian/pool/main/l/.*\.deb: (Recv failure: Connection reset by peer|transfer closed)"
fault "stall" stall/debian 5 "$MIRROR/stall/debian/pool/main/l/.*\.deb: .*(too slow|timed out|Timeout)" --stall-timeout 2 --retries 1
fault "redirect loop" redirect-loop/debian 5 "$MIRROR/redirect-loop/debian/pool/main/l/.*\.deb: .*[Rr]edirects"

r=$TMP/r500
debian_root "$r" "deb [signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/500once/debian bookworm main"
provision "$r" "$RELEASE" "$TMP/o500"
is "$PH_RC" 0 "HTTP 500 then success: retried"
like "$PH_ERR" "retrying $MIRROR/500once/debian/pool/main/l/.*\.deb \(attempt 2 of 2\) after: .*HTTP 500" "...saying so"

# Credentials from auth.conf.
r=$TMP/rauth
debian_root "$r" "deb [signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/auth/debian bookworm main"
provision "$r" "$RELEASE" "$TMP/oauth0"
is "$PH_RC" 5 "a repository that needs credentials, without auth.conf: exit 5"
like "$PH_ERR" "$MIRROR/auth/debian/dists/bookworm/InRelease: HTTP 401" "...naming the URL"
printf 'machine 127.0.0.1:%s/auth login test password secret\n' "${MIRROR##*:}" >"$r/etc/apt/auth.conf"
provision "$r" "$RELEASE" "$TMP/oauth"
is "$PH_RC" 0 "with the host's auth.conf the same repository works"

# A release the index does not have: fall through to the next strategy.
r=$TMP/rmiss
debian_root "$r" "deb [signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/ok/debian bookworm main"
make_mini_tree "$r/usr/src/linux-headers-9.9.9-none" 9.9.9-none $(( (9 << 16) + (9 << 8) + 9 ))
run_ph --host-root "$r" --kernel-release 9.9.9-none --output "$TMP/omiss" --strategy distro,host
is "$PH_RC" 0 "a package missing from the index falls through to the next strategy"
like "$PH_ERR" "distro: skipped: no package linux-headers-9.9.9-none in the amd64 indexes of 1 apt source" "...saying what was missing"
# warm: several kernels into one cache, the indexes read once.
run_ph warm "$RELEASE" "$RELEASE2" --host-root "$R1" --output "$TMP/warm"
is "$PH_RC" 0 "warm fills a cache with two kernels"
is "$(ls "$TMP/warm" | tr '\n' ' ')" "$RELEASE2 $RELEASE " "...one tree each"
is "$(echo "$PH_ERR" | grep -c 'good signature')" 1 "...reading the signed index once"
mkdir -p "$TMP/empty-host"
run_ph --host-root "$TMP/empty-host" --kernel-release "$RELEASE" --output "$TMP/from-warm" --cache-dir "$TMP/warm" --strategy cache
is "$PH_RC" 0 "a node with no network takes the tree from the warmed cache"
# close-match from the distribution's repository (what the distro strategy
# offers it): a kernel of the same series the mirror has no package for
# gets the nearest header packages, downloaded, checked and rewritten.
CM_REL=${RELEASE%%-*}
CM_REL=${CM_REL%.*}.250-99-amd64
run_ph --host-root "$R1" --kernel-release "$CM_REL" --output "$TMP/ocm" --strategy distro,close-match --retries 2
is "$PH_RC" 0 "close-match builds a tree from the repository's nearest header package"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
like "$PH_ERR" "close-match: chose [0-9.]+-[0-9]+-amd64 \(Debian package linux-headers-[0-9.]+-[0-9]+-amd64 .* from $MIRROR/ok/debian\)" \
	"...naming the package it chose"
like "$(cat "$TMP/ocm/$CM_REL/manifest.json")" '"type":"package"' "...the manifest lists the packages downloaded"
is "$(sed -n 's/#define UTS_RELEASE "\(.*\)"/\1/p' "$TMP/ocm/$CM_REL/build/include/generated/utsrelease.h")" "$CM_REL" \
	"...and the tree is rewritten for the kernel asked"
done_testing

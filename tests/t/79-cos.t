#!/bin/bash
# Container-Optimized OS: the distro strategy's tarball back end
# (distros/cos.json) against a local server with the kernel headers
# tarball of a build, laid out as COS publishes it
# (./usr/src/linux-headers-<release>/, its .config inside), made from the
# real Debian header tree. A fake COS host root (ID=cos, BUILD_ID,
# /boot/config-<release>), --mirror replacing the template's base, and
# every fault: a bad checksum, 404, a stall, a corrupt tarball, no
# checksum file, a config the host does not have.
. "$(dirname "$0")/../lib.sh"
load_debian_fixture
COS_REL=6.1.192+
REL_RE=${COS_REL//+/\\+}
BUILD=17800.66.78

# The tarball's tree: the Debian common part, the arch part over it (as
# tests/fixtures/rpm-repo lays out one tree), named for the COS release.
T=$TMP/hdr/usr/src/linux-headers-$COS_REL
mkdir -p "$T"
cp -a "$HOST_ROOT/usr/src/linux-headers-$ABI-common/." "$T/"
rm -f "$T/scripts" "$T/tools"
( cd "$HOST_ROOT/usr/src/linux-headers-$RELEASE" && find . -mindepth 1 \( -type f -o -type d \) ! -name Makefile -print0 |
	cpio -0 -pdm --quiet "$T" )
echo "#define UTS_RELEASE \"$COS_REL\"" >"$T/include/generated/utsrelease.h"
echo "$COS_REL" >"$T/include/config/kernel.release"
SRV=$TMP/srv
mkdir -p "$SRV/cos/$BUILD"
tar -C "$TMP/hdr" -czf "$SRV/cos/$BUILD/kernel-headers.tgz" .
( cd "$SRV/cos/$BUILD" && sha256sum kernel-headers.tgz >kernel-headers.tgz.sha256 )
TGZ_SHA=$(cut -d' ' -f1 "$SRV/cos/$BUILD/kernel-headers.tgz.sha256")
start_mirror "$SRV"

cos_root() { # cos_root DIR BUILD_ID [CONFIG-FILE]
	mkdir -p "$1/etc" "$1/boot"
	printf 'NAME="Container-Optimized OS"\nID=cos\nPRETTY_NAME="Container-Optimized OS from Google"\nVERSION=113\nVERSION_ID=113\nBUILD_ID=%s\n' \
		"$2" >"$1/etc/os-release"
	[ -z "${3+x}" ] && cp "$T/.config" "$1/boot/config-$COS_REL"
	[ -n "${3:-}" ] && cp "$3" "$1/boot/config-$COS_REL"
	return 0
}
provision() { # provision ROOT OUT MIRROR-BASE [more options]
	local root=$1 out=$2 base=$3; shift 3
	run_ph --host-root "$root" --kernel-release "$COS_REL" --output "$out" --strategy distro --retries 2 \
		--mirror "$base" "$@"
}
nothing_published() { is "$(ls -A "$1" 2>/dev/null | tr '\n' ' ')" ".lock " "$2: nothing published, no staging left"; }
one_line() { # one_line REGEX NAME: exactly one error line matches
	is "$(grep -cE "$1" <<<"$PH_ERR")" 1 "$2"
}

# The data file: recognised by ID=cos, no host name but the placeholder.
like "$(cat "$TESTS_DIR/../distros/cos.json")" '"headers_url_template": "https://cos-mirror.example/[^"]*\{build_id\}/kernel-headers.tgz"' \
	"distros/cos.json: the URL is a template with {build_id} and a placeholder host"

# A good build: fetched from the mirror, checked against its checksum file.
R=$TMP/cos
cos_root "$R" "$BUILD"
provision "$R" "$TMP/o" "$MIRROR/ok/cos"
is "$PH_RC" 0 "COS: the headers tarball of BUILD_ID fetched, verified, published"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
URL=$MIRROR/ok/cos/$BUILD/kernel-headers.tgz
like "$PH_ERR" "fetching $URL" "--mirror replaced the template's base; {build_id} from os-release"
like "$PH_ERR" "verified $URL \(sha256 $TGZ_SHA\)" "...checked against the published $URL.sha256"
like "$PH_ERR" "the tarball's .config agrees with the host's .*/boot/config-$REL_RE" "the config is checked against the host's"
B=$TMP/o/$COS_REL/build
is "$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$B/include/generated/utsrelease.h" 2>/dev/null)" "$COS_REL" \
	"published under the release: include/generated/utsrelease.h says $COS_REL"
pass_if "the tree equals the tarball's usr/src/linux-headers-<release> (what BCC needs of it)" -- \
	python3 "$TESTS_DIR/tools/compare-tree.py" "$B" x86 "$T"
BCC_KERNEL_SOURCE=$B "$BCC_COMPILE" "$TESTS_DIR/data/task_probe.c" >"$TMP/bcc.out" 2>&1
ok $? "BCC compiles a task_struct program against the COS tree"
python3 - "$TMP/o/$COS_REL/manifest.json" "$URL" "$TGZ_SHA" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
url, sha = sys.argv[2:4]
assert m["strategy"] == "distro" and m["exact"] is True, m
ck = [s for s in m["sources"] if s["type"] == "checksum"]
assert len(ck) == 1 and ck[0]["url"] == url + ".sha256", ck
pk = [s for s in m["sources"] if s["type"] == "package"]
assert len(pk) == 1 and pk[0]["url"] == url and pk[0]["sha256"] == sha and pk[0]["name"] == "kernel-headers", pk
PY
ok $? "the manifest lists the checksum file and the tarball's URL and SHA-256"
before=$(tree_digest "$TMP/o")

# Faults: each one line naming the URL, its exit code, the volume as it was.
fault() { # fault NAME BUILD_ID EXIT REGEX [MIRROR-BASE [options]]
	local name=$1 build=$2 code=$3 re=$4 base=${5:-$MIRROR/ok/cos}; shift 4; [ $# -gt 0 ] && shift
	local r=$TMP/r-$name
	cos_root "$r" "$build"
	provision "$r" "$TMP/fo-$name" "$base" "$@"
	is "$PH_RC" "$code" "$name: exit $code"
	one_line "$re" "$name: one line names the URL and the fault"
	nothing_published "$TMP/fo-$name" "$name"
}
mkdir -p "$SRV/cos/badsum"
ln "$SRV/cos/$BUILD/kernel-headers.tgz" "$SRV/cos/badsum/kernel-headers.tgz"
echo "0000000000000000000000000000000000000000000000000000000000000000  kernel-headers.tgz" \
	>"$SRV/cos/badsum/kernel-headers.tgz.sha256"
fault badsum badsum 4 "$MIRROR/ok/cos/badsum/kernel-headers.tgz: hash mismatch: sha256 $TGZ_SHA; the published checksum is 0{64}"
fault missing 99999.0.0 5 "$MIRROR/ok/cos/99999.0.0/kernel-headers.tgz: .*404"
like "$PH_ERR" "no checksum published at $MIRROR/ok/cos/99999.0.0/kernel-headers.tgz.sha256" "...after saying no checksum is published"
fault stall "$BUILD" 5 "$MIRROR/stall/cos/$BUILD/kernel-headers.tgz: .*(too slow|timed out|Timeout)" "$MIRROR/stall/cos" \
	--stall-timeout 2 --retries 1
# A checksum list that names only other files: no checksum for the
# tarball, so it is refused rather than taken unverified.
mkdir -p "$SRV/cos/othersum"
ln "$SRV/cos/$BUILD/kernel-headers.tgz" "$SRV/cos/othersum/kernel-headers.tgz"
printf '%s  toolchain.tar.xz\n%s  kernel-headers.tgz.sig\n' "$TGZ_SHA" "$TGZ_SHA" >"$SRV/cos/othersum/kernel-headers.tgz.sha256"
fault othersum othersum 4 "$MIRROR/ok/cos/othersum/kernel-headers.tgz.sha256: no single checksum line for kernel-headers.tgz"
# A list where the tarball's own line is right is taken (sha256sum -b, a folder).
mkdir -p "$SRV/cos/listsum"
ln "$SRV/cos/$BUILD/kernel-headers.tgz" "$SRV/cos/listsum/kernel-headers.tgz"
printf '# checksums\n%s  toolchain.tar.xz\n%s *out/kernel-headers.tgz\n' "$(printf '%064d' 0)" "$TGZ_SHA" \
	>"$SRV/cos/listsum/kernel-headers.tgz.sha256"
cos_root "$TMP/r-listsum" listsum
provision "$TMP/r-listsum" "$TMP/o-listsum" "$MIRROR/ok/cos"
is "$PH_RC" 0 "a checksum list: the tarball's own line is used"
like "$PH_ERR" "verified $MIRROR/ok/cos/listsum/kernel-headers.tgz \(sha256 $TGZ_SHA\)" "...and the tarball verified against it"

# A corrupt tarball whose published checksum matches it: the
# decompressor, not the hash, refuses it.
mkdir -p "$SRV/cos/corrupt"
head -c 2000000 "$SRV/cos/$BUILD/kernel-headers.tgz" >"$SRV/cos/corrupt/kernel-headers.tgz"
printf 'garbage' | dd of="$SRV/cos/corrupt/kernel-headers.tgz" bs=1 seek=1000000 conv=notrunc status=none
( cd "$SRV/cos/corrupt" && sha256sum kernel-headers.tgz >kernel-headers.tgz.sha256 )
fault corrupt corrupt 8 "$MIRROR/ok/cos/corrupt/kernel-headers.tgz: .*corrupt"

# A fault over a volume that already holds a tree: it stays as it was.
r=$TMP/r-over
cos_root "$r" badsum
provision "$r" "$TMP/o" "$MIRROR/ok/cos"
is "$PH_RC" 4 "a bad checksum over a published volume: exit 4"
is "$(tree_digest "$TMP/o")" "$before" "...the published volume is as it was, byte for byte"

# No checksum file: provisioned, and one line says it is not verified.
mkdir -p "$SRV/cos/nosum"
ln "$SRV/cos/$BUILD/kernel-headers.tgz" "$SRV/cos/nosum/kernel-headers.tgz"
r=$TMP/r-nosum
cos_root "$r" nosum
provision "$r" "$TMP/o-nosum" "$MIRROR/ok/cos"
is "$PH_RC" 0 "no checksum published: provisioned"
one_line "no checksum published at $MIRROR/ok/cos/nosum/kernel-headers.tgz.sha256: $MIRROR/ok/cos/nosum/kernel-headers.tgz is not verified" \
	"...and one line says the tarball is not verified"
like "$(cat "$TMP/o-nosum/$COS_REL/build/include/generated/utsrelease.h" 2>/dev/null)" "\"$REL_RE\"" "...the tree is published"
jq_() { python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
is "$(jq_ "$TMP/o-nosum/$COS_REL/manifest.json" 'm["exact"], m["level"]')" "(False, 'close-match')" \
	"...as a close match, not exact: nothing vouched for it"
like "$PH_ERR" "was checked against no checksum: published as a close match, not exact" "...saying so"
run_ph --host-root "$r" --kernel-release "$COS_REL" --output "$TMP/o-nosum2" --strategy distro --retries 2 \
	--mirror "$MIRROR/ok/cos" --require exact
is "$PH_RC" 7 "...so --require exact refuses it (exit 7)"

# A tarball without a .config: nothing ties it to this kernel's build.
rm -rf "$TMP/hdr-noconfig" && cp -a "$TMP/hdr" "$TMP/hdr-noconfig"
rm -f "$TMP/hdr-noconfig/usr/src/linux-headers-$COS_REL/.config"
mkdir -p "$SRV/cos/noconfig"
tar -C "$TMP/hdr-noconfig" -czf "$SRV/cos/noconfig/kernel-headers.tgz" .
( cd "$SRV/cos/noconfig" && sha256sum kernel-headers.tgz >kernel-headers.tgz.sha256 )
cos_root "$TMP/r-noconfig2" noconfig
provision "$TMP/r-noconfig2" "$TMP/fo-noconfig2" "$MIRROR/ok/cos"
is "$PH_RC" 8 "a tarball without a .config: exit 8"
one_line "kernel-headers.tgz: \.config is missing: the tarball cannot be tied to this kernel's build" "...one line saying so"
nothing_published "$TMP/fo-noconfig2" "no .config"

# One configuration for a mixed fleet: a lone URL (the COS base) beside an
# apt source. The COS node takes the lone URL; an apt node takes its apt
# source and leaves the lone URL alone.
provision "$R" "$TMP/o-mixed" "$MIRROR/ok/cos" --mirror "$MIRROR/ok/debian bookworm main"
is "$PH_RC" 0 "COS with --mirror BASE and an apt --mirror too: the lone URL is the COS base"
D=$TMP/deb-root
mkdir -p "$D/etc/apt/keyrings" "$D/usr/lib"
printf 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' >"$D/usr/lib/os-release"
run_ph --host-root "$D" --kernel-release 6.1.0-999-amd64 --output "$TMP/o-debmixed" --strategy distro --retries 1 \
	--mirror "$MIRROR/ok/cos" --mirror "$MIRROR/nothing/debian bookworm main"
like "$PH_ERR" "$MIRROR/nothing/debian" "a Debian node with the same two --mirror: apt reads its own source"
ok "$([ "$PH_RC" -ne 1 ] && [ "$PH_RC" -ne 2 ] && echo 0 || echo 1)" "...and the lone URL is no error (exit $PH_RC, not 1 or 2)"

# A tarball has no index to give its size: --max-tree-size caps the download.
provision "$R" "$TMP/fo-big" "$MIRROR/ok/cos" --max-tree-size 100k
is "$PH_RC" 4 "a tarball larger than --max-tree-size: refused (exit 4)"
nothing_published "$TMP/fo-big" "too big"

# The kernel config is the host's: a tarball built with another one is
# not this kernel's, and without a host config the tarball is not fetched.
sed 's/^CONFIG_HZ=.*/CONFIG_HZ=100/' "$T/.config" >"$TMP/other.config"
r=$TMP/r-config
cos_root "$r" "$BUILD" "$TMP/other.config"
provision "$r" "$TMP/fo-config" "$MIRROR/ok/cos"
is "$PH_RC" 4 "a tarball whose .config differs from the host's: exit 4"
one_line "$URL: its .config differs from the host's .*/boot/config-$REL_RE in 1 symbol\(s\), CONFIG_HZ first" \
	"...one line names the URL and the symbol"
nothing_published "$TMP/fo-config" "config"
r=$TMP/r-noconfig
cos_root "$r" "$BUILD" ""
rm -f "$r/boot/config-$COS_REL"
provision "$r" "$TMP/fo-noconfig" "$MIRROR/ok/cos"
is "$PH_RC" 3 "no kernel config on the host: the distro strategy is skipped (exit 3 with nothing else asked)"
like "$PH_ERR" "no kernel config for $REL_RE on the host .*not trusted alone" "...saying why"
unlike_fetch=$(grep -c "fetching $URL" <<<"$PH_ERR")
is "$unlike_fetch" 0 "...before anything is downloaded"

# Without --mirror the shipped template's placeholder host is never tried.
run_ph --host-root "$R" --kernel-release "$COS_REL" --output "$TMP/fo-nomirror" --strategy distro
is "$PH_RC" 3 "no --mirror: the distro strategy is skipped, not a network failure"
like "$PH_ERR" "cos.json: the headers URL https://cos-mirror.example/cos-tools/$BUILD/kernel-headers.tgz has a placeholder host: give its base with --mirror URL" \
	"...saying to give the base with --mirror"

# No BUILD_ID: nothing to name the tarball by.
r=$TMP/r-nobuild
cos_root "$r" "$BUILD"
sed -i '/^BUILD_ID=/d' "$r/etc/os-release"
provision "$r" "$TMP/fo-nobuild" "$MIRROR/ok/cos"
is "$PH_RC" 3 "no BUILD_ID: the distro strategy is skipped"
like "$PH_ERR" "cos.json: no BUILD_ID in the host's os-release" "...saying why"

# A BUILD_ID too long for the tool is refused, never cut short (a shorter
# build id names another build).
r=$TMP/r-longbuild
cos_root "$r" "17800.66.78.$(printf '%052d' 7)"
provision "$r" "$TMP/fo-longbuild" "$MIRROR/ok/cos"
is "$PH_RC" 3 "a 64-byte BUILD_ID: the distro strategy is skipped"
like "$PH_ERR" "cos.json: the host's os-release has a BUILD_ID longer than 63 bytes: refused" "...saying why"
is "$(grep -c "GET /ok/cos/17800.66.78.0" "$TMP/mirror.log")" 0 "...and nothing is asked of the mirror"
# Every key too long is known, not only the first: a too-long VERSION_ID
# before it does not make the BUILD_ID's refusal read "no BUILD_ID".
r=$TMP/r-longboth
cos_root "$r" "17800.66.78.$(printf '%052d' 7)"
sed -i "s/^VERSION_ID=.*/VERSION_ID=$(printf '%070d' 113)/" "$r/etc/os-release"
provision "$r" "$TMP/fo-longboth" "$MIRROR/ok/cos"
is "$PH_RC" 3 "a too-long VERSION_ID before a too-long BUILD_ID: the distro strategy is skipped"
like "$PH_ERR" "cos.json: the host's os-release has a BUILD_ID longer than 63 bytes: refused" "...naming the BUILD_ID (not 'no BUILD_ID')"

# --list-distros names COS.
run_ph --list-distros
like "$PH_OUT" "Container-Optimized OS +tarball +cos +kernel-headers" "--list-distros lists Container-Optimized OS"
done_testing

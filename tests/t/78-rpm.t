#!/bin/bash
# The distro strategy's rpm back end against real RPM repositories on
# 127.0.0.1 (tests/fixtures/rpm-repo: rpmbuild, rpmsign, createrepo_c,
# repomd.xml signed): fake Rocky and Amazon Linux 2023 host roots whose
# repo files point at the local server, and every fault of the chain.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-rpm.sh"
load_debian_fixture
command -v rpm2cpio >/dev/null && command -v createrepo_c >/dev/null || skip_all "rpm or createrepo-c not installed"
rpmenv=$("$TESTS_DIR/fixtures/rpm-repo") || { echo "Bail out! cannot build the rpm repositories"; exit 1; }
# shellcheck disable=SC1090
. "$rpmenv"
# The server's root: the repositories where the repo files' variables
# put them, and the damaged copies the faults below make.
SRV=$TMP/srv
rpm_mirror_tree "$SRV"
start_mirror "$SRV"

provision() { # provision ROOT RELEASE OUT [more options]
	local root=$1 rel=$2 out=$3; shift 3
	run_ph --host-root "$root" --kernel-release "$rel" --output "$out" --strategy distro --retries 2 "$@"
}
nothing_published() { is "$(ls -A "$1" 2>/dev/null | tr '\n' ' ')" ".lock " "$2: nothing published, no staging left"; }

# Rocky: repomd signed, primary.xml.xz, an xz payload.
R=$TMP/rocky
rocky_root "$R" pub/rocky
provision "$R" "$EL_RELEASE" "$TMP/o-rocky"
is "$PH_RC" 0 "Rocky: fetched, verified, extracted"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
like "$PH_ERR" "repomd.xml: good signature by $RPM_KEY_FPR" "repomd.xml's signature is checked and its key named"
like "$PH_ERR" "reading $MIRROR/ok/pub/rocky/9/BaseOS/x86_64/os/repodata/[0-9a-f]+-primary.xml.xz" \
	"\$releasever (9 from VERSION_ID 9.4), \$basearch and \$contentdir (a vars file) expanded"
like "$PH_ERR" "gpgcheck=1 in .*rocky.repo:[0-9]+: checking the signature of Packages/k/kernel-devel-.*\.rpm" \
	"gpgcheck=1: the RPM's own signature is checked (librpm, while it streams)"
TREE=$TMP/o-rocky/$EL_RELEASE/build
mkdir -p "$TMP/x-rocky" && ( cd "$TMP/x-rocky" && rpm2cpio "$EL_RPM" | cpio -idm --quiet )
pass_if "the tree equals the package's /usr/src/kernels/<release> (what BCC needs of it)" -- \
	python3 "$TESTS_DIR/tools/compare-tree.py" "$TREE" x86 "$TMP/x-rocky/usr/src/kernels/$EL_RELEASE"
BCC_KERNEL_SOURCE=$TREE "$BCC_COMPILE" "$TESTS_DIR/data/task_probe.c" >"$TMP/bcc.out" 2>&1
ok $? "BCC compiles a task_struct program against the Rocky tree"
python3 - "$TMP/o-rocky/$EL_RELEASE/manifest.json" "$MIRROR" "$RPM_KEY_FPR" "$(sha256sum <"$EL_RPM" | cut -d' ' -f1)" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
mirror, fpr, rpm_sha = sys.argv[2:5]
assert m["strategy"] == "distro" and m["exact"] is True, m
md = [s for s in m["sources"] if s["type"] == "repomd"][0]
assert md["url"] == mirror + "/ok/pub/rocky/9/BaseOS/x86_64/os/repodata/repomd.xml" and md["signed_by"] == fpr, md
assert any(s["type"] == "index" and s["url"].endswith("primary.xml.xz") for s in m["sources"])
pk = [s for s in m["sources"] if s["type"] == "package"]
assert len(pk) == 1 and pk[0]["name"] == "kernel-devel" and pk[0]["sha256"] == rpm_sha, pk
PY
ok $? "the manifest lists repomd.xml with its signer, primary.xml and the package's URL and SHA-256"

# Amazon Linux 2023: kernel6.12-devel, zstd payload, primary.xml.zst,
# $releasever from /etc/dnf/vars, repo_gpgcheck off as on AL2023.
A=$TMP/al2023
al2023_root "$A"
provision "$A" "$AMZN_RELEASE" "$TMP/o-al"
is "$PH_RC" 0 "Amazon Linux 2023: kernel6.12-devel fetched and extracted"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
like "$PH_ERR" "reading $MIRROR/ok/al2023/2023.6.20250107/x86_64/repodata/[0-9a-f]+-primary.xml.zst" \
	"\$releasever from /etc/dnf/vars/releasever; primary.xml.zst"
like "$PH_ERR" "NOT checking the signature of .*repomd.xml \(repo_gpgcheck is off in " "...and says the repomd is not signature-checked"
like "$PH_ERR" "gpgcheck=1 in .*amazonlinux.repo:[0-9]+: checking the signature of Packages/kernel6.12-devel-" \
	"...but the RPM's own signature is (gpgcheck=1)"
like "$(cat "$TMP/o-al/$AMZN_RELEASE/manifest.json" 2>/dev/null)" '"name":"kernel6.12-devel"' "the package is kernel6.12-devel"
mkdir -p "$TMP/x-al" && ( cd "$TMP/x-al" && rpm2cpio "$AMZN_RPM" | cpio -idm --quiet )
pass_if "the tree equals the package's /usr/src/kernels/<release>" -- \
	python3 "$TESTS_DIR/tools/compare-tree.py" "$TMP/o-al/$AMZN_RELEASE/build" x86 "$TMP/x-al/usr/src/kernels/$AMZN_RELEASE"
BCC_KERNEL_SOURCE=$TMP/o-al/$AMZN_RELEASE/build "$BCC_COMPILE" "$TESTS_DIR/data/task_probe.c" >/dev/null 2>&1
ok $? "BCC compiles against the Amazon Linux tree"

# Fedora 40: $releasever is the whole VERSION_ID, the gpgkey's name has
# variables in it, as Fedora's repo files write them.
F=$TMP/fedora
fedora_root "$F"
provision "$F" "$EL_RELEASE" "$TMP/o-fedora"
is "$PH_RC" 0 "Fedora: kernel-devel fetched, verified, extracted"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
like "$PH_ERR" "reading $MIRROR/ok/fedora/updates/40/Everything/x86_64/repodata/[0-9a-f]+-primary" \
	"\$releasever 40 (VERSION_ID) and \$basearch expanded"
like "$PH_ERR" "gpgcheck=1 in .*fedora-updates.repo:[0-9]+: checking the signature of Packages/k/kernel-devel-" \
	"...the RPM's signature checked with the key named through \$releasever-\$basearch"
like "$(cat "$TMP/o-fedora/$EL_RELEASE/manifest.json" 2>/dev/null)" '"origin":"Fedora package kernel-devel ' "...the manifest says Fedora"
pass_if "the tree equals the package's /usr/src/kernels/<release>" -- \
	python3 "$TESTS_DIR/tools/compare-tree.py" "$TMP/o-fedora/$EL_RELEASE/build" x86 "$TMP/x-rocky/usr/src/kernels/$EL_RELEASE"
BCC_KERNEL_SOURCE=$TMP/o-fedora/$EL_RELEASE/build "$BCC_COMPILE" "$TESTS_DIR/data/task_probe.c" >/dev/null 2>&1
ok $? "BCC compiles against the Fedora tree"

# Faults: a copy of the Rocky repository, damaged one way each time.
fault_repo() { # fault_repo NAME [SOURCE]: prints the copy's folder
	local d=$SRV/f-$1/9/BaseOS/x86_64/os
	mkdir -p "$(dirname "$d")" && cp -al "${2:-$RPM_REPO/el}" "$d" && echo "$d"
}
fault() { # fault NAME EXIT REGEX [repo_gpgcheck [gpgcheck [options]]]
	local name=$1 code=$2 re=$3 gpg=${4:-1} rpmgpg=${5:-1}; shift 3; [ $# -gt 0 ] && shift; [ $# -gt 0 ] && shift
	local r=$TMP/fr-$name
	rocky_root "$r" "f-$name" "$gpg" "$rpmgpg"
	provision "$r" "$EL_RELEASE" "$TMP/fo-$name" "$@"
	is "$PH_RC" "$code" "$name: exit $code"
	like "$PH_ERR" "$re" "$name: the line names the URL and the fault"
	nothing_published "$TMP/fo-$name" "$name"
}
replace() { rm -f "$2" && cp "$1" "$2"; } # a hard-linked file is replaced, never written through
# The fixture's throwaway key signs the repomd.xml of a damaged copy, so
# that only the damage is refused (a copy: the cache stays as built).
mkdir -m 700 "$TMP/gnupg" && cp -a "$RPM_GNUPGHOME/pubring.kbx" "$RPM_GNUPGHOME/trustdb.gpg" "$RPM_GNUPGHOME/private-keys-v1.d" "$TMP/gnupg/"
resign() { rm -f "$1/repodata/repomd.xml.asc" && GNUPGHOME=$TMP/gnupg gpg --batch --quiet --yes --local-user "$RPM_KEY_FPR" --armor --detach-sign \
	-o "$1/repodata/repomd.xml.asc" "$1/repodata/repomd.xml"; }
d=$(fault_repo badsig)
replace "$RPM_REPO/el/repodata/repomd.xml" "$d/repodata/repomd.xml"
sed -i 's|<revision>|<revision>1|' "$d/repodata/repomd.xml"
fault badsig 4 "$MIRROR/ok/f-badsig/9/BaseOS/x86_64/os/repodata/repomd.xml.asc: BAD signature"
d=$(fault_repo nosig)
rm "$d/repodata/repomd.xml.asc"
fault nosig 4 "$MIRROR/ok/f-nosig/9/BaseOS/x86_64/os/repodata/repomd.xml.asc: repo_gpgcheck=1 in .*rocky.repo.*, but the repository has no signature"
d=$(fault_repo rpm)
rpmfile=$(cd "$d" && ls Packages/k/*.rpm)
replace "$RPM_REPO/el/$rpmfile" "$d/$rpmfile"
printf 'X' | dd of="$d/$rpmfile" bs=1 seek=200000 conv=notrunc status=none
fault rpm 4 "$MIRROR/ok/f-rpm/9/BaseOS/x86_64/os/$rpmfile: hash mismatch: sha256 "
d=$(fault_repo primary)
primary=$(cd "$d" && ls repodata/*-primary.xml.xz)
replace "$RPM_REPO/el/$primary" "$d/$primary"
printf 'X' | dd of="$d/$primary" bs=1 seek=100 conv=notrunc status=none
fault primary 4 "$MIRROR/ok/f-primary/9/BaseOS/x86_64/os/$primary: checksum mismatch: sha256 "
# Malformed XML, signed and with a matching checksum: the parser, not
# the hash, refuses it.
d=$(fault_repo malformed)
replace "$RPM_REPO/el/repodata/repomd.xml" "$d/repodata/repomd.xml"
rm "$d/$primary" && xz -dc "$RPM_REPO/el/$primary" | sed 's|</package>|</packag>|' | xz -T1 >"$d/$primary"
python3 "$TESTS_DIR/tools/recompress-primary.py" "$d" xz && resign "$d"
fault malformed 8 "$MIRROR/ok/f-malformed/9/BaseOS/x86_64/os/repodata/[0-9a-f]+-primary.xml.xz: malformed primary.xml: line [0-9]+: mismatched tag"
# A truncated payload the (re-made, signed) index vouches for: the
# checksum matches, the decompressor finds the cpio cut short.
d=$(fault_repo truncated)
rm -rf "$d/repodata" "$d/$rpmfile"
head -c 6000000 "$RPM_REPO/el/$rpmfile" >"$d/$rpmfile"
createrepo_c --quiet --no-database --general-compress-type xz "$d" >/dev/null && resign "$d"
# (gpgcheck=0: with it, the RPM's payload digest would refuse it first.)
fault truncated 8 "$MIRROR/ok/f-truncated/9/BaseOS/x86_64/os/$rpmfile: corrupt RPM payload|$MIRROR/ok/f-truncated/9/BaseOS/x86_64/os/$rpmfile: .*(truncat|corrupt)" 1 0
# An RPM changed after signing, under a re-made, signed index: only its
# own signature check (gpgcheck=1) can tell.
d=$(fault_repo rpmsig)
rm -rf "$d/repodata" "$d/$rpmfile"
cp "$RPM_REPO/el/$rpmfile" "$d/$rpmfile"
printf 'X' | dd of="$d/$rpmfile" bs=1 seek=200000 conv=notrunc status=none
createrepo_c --quiet --no-database --general-compress-type xz "$d" >/dev/null && resign "$d"
fault rpmsig 4 "$MIRROR/ok/f-rpmsig/9/BaseOS/x86_64/os/$rpmfile: RPM signature check failed \(librpm: .*NOT OK.*\); keys tried: .*/etc/pki/rpm-gpg/RPM-GPG-KEY-test"
# Signed, but by a key the repository's gpgkey is not.
fault_repo otherkey >/dev/null
r=$TMP/fr-otherkey-root
rocky_root "$r" f-otherkey
load_apt_fixture_key=$("$TESTS_DIR/fixtures/apt-repo") && KEY_ASC=$(sed -n 's/^KEY_ASC=//p' "$load_apt_fixture_key")
cp "$KEY_ASC" "$r/etc/pki/rpm-gpg/RPM-GPG-KEY-test"
sed -i 's/^repo_gpgcheck=1/repo_gpgcheck=0/' "$r/etc/yum.repos.d/rocky.repo"
provision "$r" "$EL_RELEASE" "$TMP/fo-otherkey"
is "$PH_RC" 4 "an RPM signed by another key than the repository's gpgkey: exit 4"
like "$PH_ERR" "$MIRROR/ok/f-otherkey/9/BaseOS/x86_64/os/$rpmfile: RPM signature check failed \(librpm: .*SIGNATURES NOT OK" "...naming the URL"
nothing_published "$TMP/fo-otherkey" "otherkey"
# A payload with a symlink leading out of the tree.
fault_repo hostile "$RPM_REPO/hostile" >/dev/null
fault hostile 8 "$MIRROR/ok/f-hostile/9/BaseOS/x86_64/os/Packages/kernel-devel-.*\.rpm: symlink '.*include/escape' points outside the tree"

# A release no repository has: fall through to the next strategy.
r=$TMP/rmiss
rocky_root "$r" pub/rocky
make_mini_tree "$r/usr/src/kernels/9.9.9-1.el9.x86_64" 9.9.9-1.el9.x86_64 $(( (9 << 16) + (9 << 8) + 9 ))
run_ph --host-root "$r" --kernel-release 9.9.9-1.el9.x86_64 --output "$TMP/omiss" --strategy distro,host
is "$PH_RC" 0 "a package missing from the repositories falls through to the next strategy"
like "$PH_ERR" "distro: skipped: no package kernel-devel .*for 9.9.9-1.el9.x86_64 in the x86_64 primary indexes of 1 repositor" \
	"...saying what was missing"

# --list-distros names the RPM families.
run_ph --list-distros
is "$PH_RC" 0 "--list-distros exits 0"
like "$PH_OUT" "RHEL and its rebuilds +rpm +rhel centos rocky almalinux ol" "...and lists the RHEL family with its IDs"
like "$PH_OUT" "Amazon Linux 2023 +rpm +amzn .*kernel\{major\}\.\{minor\}-devel" "...and Amazon Linux 2023 with kernel6.x-devel naming"
# (COS's tarball is named kernel-headers too: only the rpm rows count.)
! printf '%s\n' "$PH_OUT" | grep -E '^.{24} rpm ' | grep -qw 'kernel-headers'; ok $? "...and never the UAPI-only kernel-headers"
printf '%s\n' "$PH_OUT" | grep -cE '^.{24} rpm ' | grep -qx 4; ok $? "...(the four rpm rows read: RHEL, Fedora, Amazon Linux 2023, openSUSE and SLES)"
gpgconf --homedir "$TMP/gnupg" --kill gpg-agent 2>/dev/null
done_testing

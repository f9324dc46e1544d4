#!/bin/bash
# openSUSE and SLES through the distro strategy's rpm back end: the two
# packages of SUSE's split tree (kernel-default-devel, the build tree
# under /usr/src/linux-<ver>-obj/x86_64/default, and kernel-devel, the
# source tree under /usr/src/linux-<ver>) from a real RPM repository on
# 127.0.0.1 (tests/fixtures/rpm-repo-suse), fetched in parallel, each
# checksum- and signature-checked, merged into one tree as Debian's two
# are. Fake Leap 15.6 and SLES 15 SP6 host roots with zypper repo files.
. "$(dirname "$0")/../lib.sh"
load_debian_fixture
command -v rpm2cpio >/dev/null && command -v createrepo_c >/dev/null || skip_all "rpm or createrepo-c not installed"
suseenv=$("$TESTS_DIR/fixtures/rpm-repo-suse") || { echo "Bail out! cannot build the SUSE rpm repository"; exit 1; }
rpmenv=$("$TESTS_DIR/fixtures/rpm-repo") || { echo "Bail out! cannot build the rpm repositories"; exit 1; }
# shellcheck disable=SC1090
. "$rpmenv"
# shellcheck disable=SC1090
. "$suseenv"
SRV=$TMP/srv
mkdir -p "$SRV/distribution/leap/15.6/repo" "$SRV/SUSE/Updates/SLE-Module-Basesystem/15-SP6"
cp -al "$SUSE_REPO" "$SRV/distribution/leap/15.6/repo/oss"
cp -al "$SUSE_REPO" "$SRV/SUSE/Updates/SLE-Module-Basesystem/15-SP6/x86_64"
start_mirror "$SRV"

# suse_root DIR ID VERSION_ID ID_LIKE REPO-FILE-BODY
suse_root() {
	mkdir -p "$1/etc/zypp/repos.d" "$1/etc/zypp/vars.d" "$1/usr/lib/rpm/gnupg/keys"
	printf 'NAME="%s"\nID="%s"\nID_LIKE="%s"\nVERSION_ID="%s"\n' "$2" "$2" "$4" "$3" >"$1/etc/os-release"
	cp "$RPM_KEY" "$1/usr/lib/rpm/gnupg/keys/gpg-pubkey-test.asc"
	printf '%s\n' "$5" >"$1/etc/zypp/repos.d/$2.repo"
}
leap_repo() { # leap_repo FOLDER (under distribution/leap/$releasever/repo)
	cat <<REPO
[repo-oss]
name=Main Repository
enabled=1
autorefresh=1
baseurl=$MIRROR/ok/distribution/leap/\$releasever/repo/$1/
path=/
type=rpm-md
keeppackages=0
gpgcheck=1
repo_gpgcheck=1
pkg_gpgcheck=1
gpgkey=file:///usr/lib/rpm/gnupg/keys/gpg-pubkey-test.asc
priority=99

[repo-non-oss]
name=Non-OSS Repository
enabled=0
autorefresh=1
baseurl=http://127.0.0.1:1/never
type=rpm-md
REPO
}
provision() { # provision ROOT OUT [more options]
	local root=$1 out=$2; shift 2
	run_ph --host-root "$root" --kernel-release "${REL:-$SUSE_RELEASE}" --output "$out" --strategy distro --retries 2 "$@"
}
nothing_published() { is "$(ls -A "$1" 2>/dev/null | tr '\n' ' ')" ".lock " "$2: nothing published, no staging left"; }
X=$TMP/x
rm -rf "$X"; mkdir -p "$X" && ( cd "$X" && rpm2cpio "$SUSE_DEVEL_RPM" | cpio -idm --quiet && rpm2cpio "$SUSE_SOURCE_RPM" | cpio -idm --quiet )
OBJ=$X/usr/src/linux-$SUSE_VERSION-obj/x86_64/default
SRC=$X/usr/src/linux-$SUSE_VERSION

# openSUSE Leap 15.6: $releasever from VERSION_ID, zypper's keys
# (autorefresh, type, path, keeppackages, pkg_gpgcheck, priority) ignored.
L=$TMP/leap
suse_root "$L" opensuse-leap 15.6 "suse opensuse" "$(leap_repo oss)"
provision "$L" "$TMP/o-leap"
is "$PH_RC" 0 "openSUSE Leap: kernel-default-devel and kernel-devel fetched, verified, merged"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
like "$PH_ERR" "reading $MIRROR/ok/distribution/leap/15.6/repo/oss/repodata/[0-9a-f]+-primary.xml.gz" \
	"the zypper repo file is read, \$releasever is 15.6 (VERSION_ID)"
like "$PH_ERR" "repomd.xml: good signature by $RPM_KEY_FPR" "repo_gpgcheck=1: repomd.xml's signature is checked"
like "$PH_ERR" "checking the signature of x86_64/kernel-default-devel-6\.1\.192-150600\.[0-9]+\.25\.1\.x86_64\.rpm" \
	"gpgcheck=1: kernel-default-devel's own signature is checked"
like "$PH_ERR" "checking the signature of noarch/kernel-devel-6\.1\.192-150600\.[0-9]+\.25\.1\.noarch\.rpm" \
	"...and kernel-devel's (the noarch companion of the same version, not the decoy)"
like "$PH_ERR" "distro: verified $MIRROR/ok/distribution/leap/15.6/repo/oss/noarch/kernel-devel-[^ ]+ \(sha256 [0-9a-f]{64}\)" \
	"...and its checksum"
TREE=$TMP/o-leap/$SUSE_RELEASE/build
pass_if "the tree equals the two packages' contents (what BCC needs of them; build over source)" -- \
	python3 "$TESTS_DIR/tools/compare-tree.py" "$TREE" x86 "$SRC" "$OBJ"
cmp -s "$TREE/Makefile" "$SRC/Makefile"; ok $? "the Makefile is the source tree's real one, not the obj tree's relative wrapper"
is "$(cat "$TREE/include/config/kernel.release" 2>/dev/null)" "$SUSE_RELEASE" "the build side's generated files (kernel.release) win"
[ -f "$TREE/include/linux/kconfig.h" ] && [ -n "$(ls "$TREE/arch/x86/include/generated/asm" 2>/dev/null)" ]
ok $? "both halves are in it: include/linux/kconfig.h (kernel-devel), arch/x86/include/generated (kernel-default-devel)"
python3 - "$TMP/o-leap/$SUSE_RELEASE/manifest.json" "$MIRROR" "$(sha256sum <"$SUSE_DEVEL_RPM" | cut -d' ' -f1)" \
	"$(sha256sum <"$SUSE_SOURCE_RPM" | cut -d' ' -f1)" "$SUSE_RELEASE" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
mirror, devel_sha, src_sha, rel = sys.argv[2:6]
assert m["strategy"] == "distro" and m["exact"] is True, m
pk = [s for s in m["sources"] if s["type"] == "package"]
got = sorted((p["name"], p["version"], p["sha256"]) for p in pk)
want = sorted([("kernel-default-devel", "6.1.192-150600.%s.25.1" % rel.split(".")[3], devel_sha),
               ("kernel-devel", "6.1.192-150600.%s.25.1" % rel.split(".")[3], src_sha)])
assert got == want, (got, want)
assert all(p["url"].startswith(mirror + "/ok/distribution/leap/15.6/repo/oss/") for p in pk), pk
assert any(s["type"] == "repomd" and s.get("signed_by") for s in m["sources"]), m["sources"]
PY
ok $? "the manifest: exact, both packages with their URLs and SHA-256, the signed repomd.xml"
BCC_KERNEL_SOURCE=$TREE "$BCC_COMPILE" "$TESTS_DIR/data/task_probe.c" >"$TMP/bcc.out" 2>&1
ok $? "BCC compiles a task_struct program against the merged SUSE tree"
[ "$(tail -n1 "$TMP/bcc.out")" = "compiled 1 function(s)" ] || sed 's/^/#   /' "$TMP/bcc.out" | tail -n 3
# The volume alone: moved elsewhere, with no package root beside it.
mv "$TMP/o-leap" "$TMP/moved" && rm -rf "$X/usr/src"
BCC_KERNEL_SOURCE=$TMP/moved/$SUSE_RELEASE/build "$BCC_COMPILE" "$TESTS_DIR/data/task_probe.c" >/dev/null 2>&1
ok $? "...and still does with only the volume, moved, and the packages' files gone"
rm -rf "$X"; mkdir -p "$X" && ( cd "$X" && rpm2cpio "$SUSE_DEVEL_RPM" | cpio -idm --quiet && rpm2cpio "$SUSE_SOURCE_RPM" | cpio -idm --quiet )

# The versions are matched whole: 150600.N.2 is a prefix of 150600.N.25,
# and each release gets its own pair (--dry-run names it).
sub=$(echo "$SUSE_VERSION" | cut -d. -f4)
run_ph --host-root "$L" --kernel-release "6.1.192-150600.$sub.2-default" --output "$TMP/o-dry" --strategy distro --dry-run
like "$PH_ERR" "dry-run: distro would provide headers from openSUSE and SLES packages kernel-default-devel_6\.1\.192-150600\.$sub\.2\.1 kernel-devel_6\.1\.192-150600\.$sub\.2\.1" \
	"a neighbouring release whose version is a prefix of another's gets its own pair"
run_ph --host-root "$L" --kernel-release "6.1.192-150600.$sub-default" --output "$TMP/o-dry" --strategy distro --dry-run
like "$PH_ERR" "dry-run: distro: no package kernel-default-devel .*for 6\.1\.192-150600\.$sub-default" \
	"...and a release that is a prefix of both matches neither"

# SLES 15 SP6: ID sles, ${releasever} as zypper also writes it, and a
# custom variable from /etc/zypp/vars.d.
S=$TMP/sles
suse_root "$S" sles 15.6 "suse" "[SLE-Module-Basesystem15-SP6-Updates]
name=SLE-Module-Basesystem15-SP6-Updates
enabled=1
autorefresh=1
baseurl=$MIRROR/ok/SUSE/Updates/SLE-Module-Basesystem/\${releasever_major}-SP\${sp}/\$basearch/
type=rpm-md
gpgcheck=1
repo_gpgcheck=1
gpgkey=file:///usr/lib/rpm/gnupg/keys/gpg-pubkey-test.asc"
echo 15 >"$S/etc/zypp/vars.d/releasever_major"
echo 6 >"$S/etc/zypp/vars.d/sp"
provision "$S" "$TMP/o-sles"
is "$PH_RC" 0 "SLES 15 SP6: the split pair fetched, verified, merged"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
like "$PH_ERR" "reading $MIRROR/ok/SUSE/Updates/SLE-Module-Basesystem/15-SP6/x86_64/repodata/" \
	"\${var} from /etc/zypp/vars.d and \$basearch expanded"
pass_if "the SLES tree equals the packages' contents" -- \
	python3 "$TESTS_DIR/tools/compare-tree.py" "$TMP/o-sles/$SUSE_RELEASE/build" x86 "$SRC" "$OBJ"

# The azure flavour (SLES's public cloud kernel) comes from sources of
# its own: kernel-azure-devel needs kernel-devel-azure, and both folders
# carry -azure (the data file's variant_flavours).
REL=$SUSE_AZURE_RELEASE provision "$S" "$TMP/o-azure"
is "$PH_RC" 0 "SLES, the azure flavour: kernel-azure-devel and kernel-devel-azure"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
python3 -c 'import json, sys; m = json.load(open(sys.argv[1]))
assert [s["name"] for s in m["sources"] if s["type"] == "package"] == ["kernel-azure-devel", "kernel-devel-azure"], m["sources"]' \
	"$TMP/o-azure/$SUSE_AZURE_RELEASE/manifest.json"
ok $? "...the pair in the manifest"
XA=$TMP/xa
mkdir -p "$XA" && ( cd "$XA" && rpm2cpio "$SUSE_AZURE_DEVEL_RPM" | cpio -idm --quiet && rpm2cpio "$SUSE_AZURE_SOURCE_RPM" | cpio -idm --quiet )
pass_if "the azure tree equals its packages' contents (linux-<ver>-azure-obj/x86_64/azure over linux-<ver>-azure)" -- \
	python3 "$TESTS_DIR/tools/compare-tree.py" "$TMP/o-azure/$SUSE_AZURE_RELEASE/build" x86 "$XA/usr/src/linux-$SUSE_VERSION-azure" \
	"$XA/usr/src/linux-$SUSE_VERSION-azure-obj/x86_64/azure"

# Faults: copies of the repository, damaged one way each.
fault_repo() { # fault_repo NAME: prints the copy's folder
	local d=$SRV/distribution/leap/15.6/repo/f-$1
	cp -al "$SUSE_REPO" "$d" && echo "$d"
}
mkdir -m 700 "$TMP/gnupg" && cp -a "$RPM_GNUPGHOME/pubring.kbx" "$RPM_GNUPGHOME/trustdb.gpg" "$RPM_GNUPGHOME/private-keys-v1.d" "$TMP/gnupg/"
resign() { rm -f "$1/repodata/repomd.xml.asc" && GNUPGHOME=$TMP/gnupg gpg --batch --quiet --yes --local-user "$RPM_KEY_FPR" \
	--armor --detach-sign -o "$1/repodata/repomd.xml.asc" "$1/repodata/repomd.xml"; }

# The companion missing: a clear line, and the next strategy's turn.
d=$(fault_repo nocompanion)
rm -rf "$d/repodata" "$d/noarch"
createrepo_c --quiet --no-database --general-compress-type gz "$d" >/dev/null && resign "$d"
r=$TMP/r-nocompanion
suse_root "$r" opensuse-leap 15.6 "suse opensuse" "$(leap_repo f-nocompanion)"
make_mini_tree "$r/usr/src/kernels/$SUSE_RELEASE" "$SUSE_RELEASE" $(( (6 << 16) + (1 << 8) + 192 ))
run_ph --host-root "$r" --kernel-release "$SUSE_RELEASE" --output "$TMP/o-nocompanion" --strategy distro,host --retries 2
is "$PH_RC" 0 "a missing kernel-devel: the distro strategy is skipped and the next one provides"
like "$PH_ERR" "distro: skipped: kernel-default-devel 6\.1\.192-150600\.[0-9]+\.25\.1 needs kernel-devel = $SUSE_VERSION \(.*suse\.json\), which none of the x86_64 primary indexes of 1 repositories has" \
	"...saying which package needs which companion"
like "$(cat "$TMP/o-nocompanion/$SUSE_RELEASE/manifest.json" 2>/dev/null)" '"strategy":"host"' "...and the host strategy's tree is published"

# The companion's checksum wrong (the index still lists the old one).
d=$(fault_repo badsum)
f=$(cd "$d" && ls noarch/kernel-devel-[0-9]*.25.1.noarch.rpm)
rm -f "$d/$f" && cp "$SUSE_REPO/$f" "$d/$f"
printf 'X' | dd of="$d/$f" bs=1 seek=300000 conv=notrunc status=none
r=$TMP/r-badsum
suse_root "$r" opensuse-leap 15.6 "suse opensuse" "$(leap_repo f-badsum)"
provision "$r" "$TMP/o-badsum"
is "$PH_RC" 4 "kernel-devel with a wrong checksum: exit 4"
like "$PH_ERR" "$MIRROR/ok/distribution/leap/15.6/repo/f-badsum/$f: hash mismatch: sha256 " "...naming the companion's URL"
nothing_published "$TMP/o-badsum" "badsum"

# The companion holds most of the tree: it must come from the chosen
# package's repository, or one that checks at least as much. Here the
# signed repository has kernel-default-devel only, and a second one
# serves kernel-devel of the same build with gpgcheck off.
mkdir -p "$SRV/split/main/x86_64" "$SRV/split/extra/noarch"
cp -l "$SUSE_DEVEL_RPM" "$SRV/split/main/x86_64/"
cp -l "$SUSE_SOURCE_RPM" "$SRV/split/extra/noarch/"
createrepo_c -q "$SRV/split/main" && createrepo_c -q "$SRV/split/extra"
split_repos() { # split_repos EXTRA-GPGCHECK
	cat <<REPO
[split-main]
baseurl=$MIRROR/ok/split/main/
gpgcheck=1
repo_gpgcheck=0
gpgkey=file:///usr/lib/rpm/gnupg/keys/gpg-pubkey-test.asc

[split-extra]
baseurl=$MIRROR/ok/split/extra/
gpgcheck=$1
repo_gpgcheck=0
gpgkey=file:///usr/lib/rpm/gnupg/keys/gpg-pubkey-test.asc
REPO
}
r=$TMP/r-laxcompanion
suse_root "$r" opensuse-leap 15.6 "suse opensuse" "$(split_repos 0)"
provision "$r" "$TMP/o-laxcompanion"
is "$PH_RC" 4 "kernel-devel only in a repository with gpgcheck off, beside a signed kernel-default-devel: exit 4"
like "$PH_ERR" "needs kernel-devel .* found only in split-extra \(.*opensuse-leap.repo:[0-9]+\), whose checks \(gpgcheck=0, repo_gpgcheck=0\) are weaker than those of the repository of kernel-default-devel: refused" \
	"...saying which repository checks less"
nothing_published "$TMP/o-laxcompanion" "laxcompanion"
r=$TMP/r-splitok
suse_root "$r" opensuse-leap 15.6 "suse opensuse" "$(split_repos 1)"
provision "$r" "$TMP/o-splitok"
is "$PH_RC" 0 "...with gpgcheck on there too, the pair is taken from the two repositories"
like "$(cat "$TMP/o-splitok/$SUSE_RELEASE/manifest.json" 2>/dev/null)" \
	"\"origin\":\"openSUSE and SLES package kernel-default-devel [^\"]* from $MIRROR/ok/split/main, with kernel-devel [^\"]* from $MIRROR/ok/split/extra\"" \
	"...and the manifest's origin names both packages and both repositories"

# A stock openSUSE repo file says nothing of signatures: zypper checks
# them, with the keys the system trusts (/usr/lib/rpm/gnupg/keys), and
# so does the tool (suse.json's gpgcheck_default, key_dirs).
stock_repo() { # stock_repo FOLDER
	printf '[repo-oss]\nname=Main Repository\nenabled=1\nautorefresh=1\nbaseurl=%s/\ntype=rpm-md\nkeeppackages=0\n' "$1"
}
r=$TMP/r-stock
suse_root "$r" opensuse-leap 15.6 "suse opensuse" "$(stock_repo "$MIRROR/ok/distribution/leap/\$releasever/repo/oss")"
provision "$r" "$TMP/o-stock"
is "$PH_RC" 0 "a stock repo file with no gpgcheck and no gpgkey provisions"
like "$PH_ERR" "1 repositories leave gpgcheck, repo_gpgcheck or gpgkey unsaid: .*suse.json's defaults apply \(gpgcheck=1, repo_gpgcheck=1, the keys of its key_dirs\)" \
	"...saying the family's defaults apply"
like "$PH_ERR" "repomd.xml: good signature by $RPM_KEY_FPR" "...repomd.xml's signature checked with the key of /usr/lib/rpm/gnupg/keys"
like "$PH_ERR" "checking the signature of noarch/kernel-devel-" "...and the packages' own signatures"
r=$TMP/r-stockunsigned
suse_root "$r" opensuse-leap 15.6 "suse opensuse" "$(stock_repo "$MIRROR/ok/split/main")"
provision "$r" "$TMP/o-stockunsigned"
is "$PH_RC" 4 "...and an unsigned repository behind such a file is refused (exit 4), as zypper refuses it"
like "$PH_ERR" "$MIRROR/ok/split/main/repodata/repomd.xml" "...naming its repomd.xml"
nothing_published "$TMP/o-stockunsigned" "stockunsigned"

# --list-distros reads suse.json.
run_ph --list-distros
like "$PH_OUT" "openSUSE and SLES +rpm +opensuse-leap opensuse-tumbleweed sles sle-micro suse +kernel-\{flavour\}-devel \+ kernel-devel" \
	"--list-distros lists openSUSE and SLES with the split pair"
gpgconf --homedir "$TMP/gnupg" --kill gpg-agent 2>/dev/null
done_testing

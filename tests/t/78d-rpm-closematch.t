#!/bin/bash
# close-match from RPM repositories: a Rocky-like host root whose running
# release (--kernel-release) no repository has, and a repository holding
# the kernel-devel of another kernel of the same series (the fixture's
# real tree, tests/fixtures/rpm-repo) beside one of the next series that
# is nearer by version code (a small tree built here). The same series
# comes first; the RPM is fetched, verified and rewritten as apt's are.
# (--kernel-release is not the running kernel: the running kernel's BTF
# neither ranks nor corrects the tree, as 92-btf.t shows.)
. "$(dirname "$0")/../lib.sh"
load_debian_fixture
command -v rpmbuild >/dev/null && command -v createrepo_c >/dev/null || skip_all "rpm or createrepo-c not installed"
rpmenv=$("$TESTS_DIR/fixtures/rpm-repo") || { echo "Bail out! cannot build the rpm repositories"; exit 1; }
# shellcheck disable=SC1090
. "$rpmenv"
mkdir -m 700 "$TMP/gnupg" && cp -a "$RPM_GNUPGHOME/pubring.kbx" "$RPM_GNUPGHOME/trustdb.gpg" "$RPM_GNUPGHOME/private-keys-v1.d" "$TMP/gnupg/"
export GNUPGHOME=$TMP/gnupg

# The repository: the fixture's kernel-devel (6.1.192) and a 6.2.0 one,
# and a kernel-rt-devel of the same series (another flavour: never a
# candidate), signed with the fixture's throwaway key.
NEXT_REL=6.2.0-1.el9.x86_64
RT_REL=6.1.200-1.el9.x86_64+rt
REPO=$TMP/srv/el/9/BaseOS/x86_64/os
mkdir -p "$REPO/Packages"
cp -al "$EL_RPM" "$REPO/Packages/"
rpmpkg() { # rpmpkg NAME VERSION RELEASE KREL VERSION-CODE
	local top=$TMP/rpmbuild
	rm -rf "$top"; mkdir -p "$top/SPECS"
	make_mini_tree "$TMP/tree-$4" "$4" "$5"
	cat >"$top/SPECS/$1.spec" <<SPEC
Name: $1
Version: $2
Release: $3
Summary: test kernel headers
License: GPL-2.0-only
BuildArch: x86_64
AutoReqProv: no
Provides: kernel-devel-uname-r = $4
%description
Kernel headers for the provision-headers tests.
%install
mkdir -p %{buildroot}/usr/src/kernels
cp -a $TMP/tree-$4 %{buildroot}/usr/src/kernels/$4
%files
/usr/src/kernels/$4
SPEC
	rpmbuild --quiet -bb --define "_topdir $top" --define "__os_install_post %{nil}" --define "debug_package %{nil}" \
		--define "_build_id_links none" "$top/SPECS/$1.spec" >/dev/null 2>"$TMP/rpmbuild.log" &&
		rpmsign --addsign --define "_gpg_name $RPM_KEY_FPR" --define "_gpg_path $GNUPGHOME" --define "__gpg $(command -v gpg)" \
			"$top"/RPMS/x86_64/*.rpm >/dev/null 2>>"$TMP/rpmbuild.log" && mv "$top"/RPMS/x86_64/*.rpm "$REPO/Packages/"
}
rpmpkg kernel-devel 6.2.0 1.el9 "$NEXT_REL" $(( (6 << 16) + (2 << 8) ))
ok $? "a kernel-devel of the next series is built and signed"
rpmpkg kernel-rt-devel 6.1.200 1.el9 "$RT_REL" $(( (6 << 16) + (1 << 8) + 200 ))
ok $? "a kernel-rt-devel of the same series is built and signed"
createrepo_c --quiet --no-database --general-compress-type xz "$REPO" >/dev/null &&
	gpg --batch --quiet --yes --local-user "$RPM_KEY_FPR" --armor --detach-sign -o "$REPO/repodata/repomd.xml.asc" "$REPO/repodata/repomd.xml"
ok $? "the repository is indexed and its repomd.xml signed"
start_mirror "$TMP/srv"

R=$TMP/rocky
mkdir -p "$R/etc/yum.repos.d" "$R/etc/pki/rpm-gpg"
printf 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\nPLATFORM_ID="platform:el9"\n' >"$R/etc/os-release"
cp "$RPM_KEY" "$R/etc/pki/rpm-gpg/RPM-GPG-KEY-test"
cat >"$R/etc/yum.repos.d/rocky.repo" <<REPO
[baseos]
name=Rocky Linux \$releasever - BaseOS
baseurl=$MIRROR/el/\$releasever/BaseOS/\$basearch/os/
gpgcheck=1
repo_gpgcheck=1
enabled=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-test
REPO

# 6.1.250: 58 sublevels from 6.1.192, but 6 version codes from 6.2.0.
REL=6.1.250-99.el9.x86_64
OUT=$TMP/out
run_ph --host-root "$R" --kernel-release "$REL" --output "$OUT" --strategy distro,close-match --retries 2
is "$PH_RC" 0 "close-match publishes a tree from the RPM repository's nearest kernel-devel"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 12 | sed 's/^/#   /'
like "$PH_ERR" "distro: skipped: no package kernel-devel .*for $REL" "the distro strategy has no package for the release itself"
like "$PH_ERR" "close-match: chose $EL_RELEASE \(RHEL and its rebuilds package kernel-devel 6\.1\.192-[0-9]+\.el9 from $MIRROR/el/9/BaseOS/x86_64/os\)" \
	"...close-match chose the same series' kernel-devel, naming the RPM"
like "$PH_ERR" "gpgcheck=1 in .*rocky.repo:[0-9]+: checking the signature of Packages/kernel-devel-6\.1\.192" \
	"...its RPM signature checked as the exact package's is"
python3 - "$OUT/$REL/manifest.json" "$EL_RELEASE" "$NEXT_REL" "$MIRROR" "$(sha256sum <"$EL_RPM" | cut -d' ' -f1)" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
el, nxt, mirror, sha = sys.argv[2:6]
assert m["strategy"] == "close-match" and m["exact"] is False, (m["strategy"], m["exact"])
cm = m["close_match"]
assert cm["candidate"]["release"] == el, cm["candidate"]
assert cm["candidate"]["origin"].startswith("RHEL and its rebuilds package kernel-devel 6.1.192-"), cm["candidate"]
order = [c["release"] for c in cm["candidates"]]
assert order == [el, nxt], order  # the same series first, though 6.2.0 is nearer by code
pk = [s for s in m["sources"] if s["type"] == "package"]
assert len(pk) == 1 and pk[0]["name"] == "kernel-devel" and pk[0]["sha256"] == sha, pk
assert pk[0]["url"].startswith(mirror + "/el/9/BaseOS/x86_64/os/Packages/kernel-devel-6.1.192"), pk
assert any(s["type"] == "repomd" for s in m["sources"]), m["sources"]
PY
ok $? "the manifest: the RPM origin and SHA-256, the same series' candidate before the nearer 6.2.0"
! echo "$PH_ERR" | grep -q "candidate $(printf '%s' "$RT_REL" | sed 's/[+.]/\\&/g')"
ok $? "the kernel-rt-devel (another flavour) is no candidate"
T=$OUT/$REL/build
is "$(sed -n 's/#define UTS_RELEASE "\(.*\)"/\1/p' "$T/include/generated/utsrelease.h")" "$REL" "the tree is rewritten for the release asked"
like "$(cat "$T/include/generated/uapi/linux/version.h")" "#define LINUX_VERSION_CODE $(( (6 << 16) + (1 << 8) + 250 ))" \
	"...version.h carries the code of 6.1.250"
cmp -s "$T/include/linux/sched.h" "$EL_TREE/include/linux/sched.h"
ok $? "...and an untouched header is the RPM's own"

# --max-distance same-minor: only the same series is a candidate.
run_ph --host-root "$R" --kernel-release 6.2.7-1.el9.x86_64 --output "$TMP/o2" --strategy close-match --max-distance same-minor --dry-run
like "$PH_ERR" "close-match would provide headers from 1 candidate\(s\), nearest $(printf '%s' "$NEXT_REL" | sed 's/[+.]/\\&/g') \(6\.2\.0\)" \
	"for a 6.2 kernel with --max-distance same-minor: only the 6.2.0 kernel-devel"
gpgconf --homedir "$TMP/gnupg" --kill gpg-agent 2>/dev/null
done_testing

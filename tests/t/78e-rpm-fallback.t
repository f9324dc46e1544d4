#!/bin/bash
# The data files' fallback repositories (vault, archive): a Rocky 9.4 host
# whose repositories no longer hold its kernel's kernel-devel (it moved to
# the vault when 9.5 shipped) gets it from the data file's fallback
# template for ID=rocky, $version_id expanded, its packages checked with
# the host's own keys. Everything on 127.0.0.1: the test's data dir points
# the template at the local server.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-rpm.sh"
load_debian_fixture
command -v rpm2cpio >/dev/null && command -v createrepo_c >/dev/null || skip_all "rpm or createrepo-c not installed"
rpmenv=$("$TESTS_DIR/fixtures/rpm-repo") || { echo "Bail out! cannot build the rpm repositories"; exit 1; }
# shellcheck disable=SC1090
. "$rpmenv"
SRV=$TMP/srv
# The host's repository: signed (repomd.xml.asc), but no EL kernel left in it.
mkdir -p "$SRV/moved/rocky/9/BaseOS/x86_64" "$SRV/vault/rocky/9.4/AppStream/x86_64"
cp -al "$RPM_REPO/amzn" "$SRV/moved/rocky/9/BaseOS/x86_64/os"
cp -al "$RPM_REPO/el" "$SRV/vault/rocky/9.4/AppStream/x86_64/os"
mkdir -p "$SRV/pub/rocky/9/BaseOS/x86_64" && cp -al "$RPM_REPO/el" "$SRV/pub/rocky/9/BaseOS/x86_64/os"
start_mirror "$SRV"
# The data dir: the shipped one, with rhel.json's fallbacks on 127.0.0.1.
mkdir -p "$TMP/data"
cp -r "$TESTS_DIR/../distros" "$TMP/data/distros"
python3 - "$TMP/data/distros/rhel.json" "$MIRROR" <<'PY'
import json, sys
path, mirror = sys.argv[1:3]
d = json.load(open(path))
assert d["fallback_repos"], "rhel.json ships fallback templates"
d["fallback_repos"] = ["almalinux=" + mirror + "/ok/nothing/$version_id",
                       "rocky=" + mirror + "/ok/vault/rocky/$version_id/AppStream/$basearch/os/",
                       "rocky=not a url $version_id"]
json.dump(d, open(path, "w"))
PY
provision() { # provision ROOT OUT [more options]
	local root=$1 out=$2; shift 2
	run_ph --host-root "$root" --kernel-release "$EL_RELEASE" --output "$out" --strategy distro --retries 2 \
		--data-dir "$TMP/data" "$@"
}

R=$TMP/rocky
rocky_root "$R" moved/rocky
provision "$R" "$TMP/o"
is "$PH_RC" 0 "the release is not in the host's repository: fetched from the fallback (vault) repository"
like "$PH_ERR" "reading $MIRROR/ok/moved/rocky/9/BaseOS/x86_64/os/repodata/[0-9a-f]+-primary" "...after the host's own repository was read"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 6 | sed 's/^/#   /'
like "$PH_ERR" "distro: $EL_RELEASE is not in the host's repositories: reading the fallback repository $MIRROR/ok/vault/rocky/9.4/AppStream/x86_64/os \(.*rhel.json fallback_repos\[1\]\)" \
	"...the one for ID=rocky, \$version_id 9.4 and \$basearch expanded"
is "$(grep -c '/ok/nothing/' "$TMP/mirror.log")" 0 "...never another ID's (almalinux)"
like "$PH_ERR" "fallback_repos\[2\] 'rocky=not a url \\\$version_id' does not expand to an http\(s\) URL: not read" \
	"...and a template that is no URL is said and skipped"
like "$PH_ERR" "checking the signature of Packages/k/kernel-devel-" "...its package's own signature checked with the host's key"
like "$(cat "$TMP/o/$EL_RELEASE/manifest.json" 2>/dev/null)" "\"origin\":\"RHEL and its rebuilds package kernel-devel [^\"]* from $MIRROR/ok/vault/rocky/9.4/AppStream/x86_64/os\"" \
	"the manifest names the vault as the origin"
mkdir -p "$TMP/x" && ( cd "$TMP/x" && rpm2cpio "$EL_RPM" | cpio -idm --quiet )
pass_if "the tree equals the package's /usr/src/kernels/<release>" -- \
	python3 "$TESTS_DIR/tools/compare-tree.py" "$TMP/o/$EL_RELEASE/build" x86 "$TMP/x/usr/src/kernels/$EL_RELEASE"

# A release the host's repositories have: the fallbacks are never read.
A=$TMP/rocky-has
rocky_root "$A" pub/rocky
: >"$TMP/mirror.log"
provision "$A" "$TMP/o-has"
is "$PH_RC" 0 "a release the host's repositories hold is provisioned from them"
is "$(grep -c '/ok/vault/' "$TMP/mirror.log")" 0 "a release the host's repositories hold: no fallback is asked"

# A host whose repositories check no packages: nothing could vouch for a
# fallback's, so it is not read.
N=$TMP/rocky-nokey
rocky_root "$N" moved/rocky 1 0
provision "$N" "$TMP/o-nokey"
is "$PH_RC" 3 "no host repository checks packages (gpgcheck=0): the fallback is not read, distro finds nothing (3)"
like "$PH_ERR" "not reading the fallback repository $MIRROR/ok/vault/rocky/9.4/AppStream/x86_64/os .*no repository of the host checks its packages" \
	"...saying why"

# The shipped data files carry public fallback templates, no Debian host.
pass_if "rhel.json and fedora.json ship fallback_repos templates" -- python3 - "$TESTS_DIR/../distros" <<'PY'
import json, sys
for name in ("rhel", "fedora"):
    d = json.load(open("%s/%s.json" % (sys.argv[1], name)))
    assert d.get("fallback_repos") and all("://" in t for t in d["fallback_repos"]), name
PY
done_testing

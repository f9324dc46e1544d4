#!/bin/bash
# How the rpm back end reaches its repositories, against the real RPM
# repositories of tests/fixtures/rpm-repo on 127.0.0.1: a mirrorlist, a
# metalink (repomd.xml checked against its hashes), a repo file's proxy
# (the local mirror answering as a proxy), sslcacert (a local HTTPS
# server with a throwaway CA), and --mirror URL with --keyring on a
# Rocky-like host root that has no repo files.
. "$(dirname "$0")/../lib.sh"
load_debian_fixture
command -v rpm2cpio >/dev/null && command -v createrepo_c >/dev/null || skip_all "rpm or createrepo-c not installed"
command -v openssl >/dev/null || skip_all "openssl not installed"
rpmenv=$("$TESTS_DIR/fixtures/rpm-repo") || { echo "Bail out! cannot build the rpm repositories"; exit 1; }
# shellcheck disable=SC1090
. "$rpmenv"
SRV=$TMP/srv
mkdir -p "$SRV/9" "$SRV/lists"
cp -al "$RPM_REPO/el" "$SRV/9/x86_64"
cp -al "$RPM_REPO/amzn" "$SRV/other"
start_mirror "$SRV"
GOOD=$MIRROR/ok/9/x86_64
DEAD=http://127.0.0.1:1/dead/9/x86_64
REPOMD_SHA=$(sha256sum <"$SRV/9/x86_64/repodata/repomd.xml" | cut -d' ' -f1)

rocky_root() { # rocky_root DIR: os-release, the key, and the repo body on stdin
	mkdir -p "$1/etc/yum.repos.d" "$1/etc/pki/rpm-gpg"
	printf 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\nPLATFORM_ID="platform:el9"\n' \
		>"$1/etc/os-release"
	cp "$RPM_KEY" "$1/etc/pki/rpm-gpg/RPM-GPG-KEY-test"
	{ printf '[baseos]\nname=BaseOS\nenabled=1\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-test\n'; cat; } \
		>"$1/etc/yum.repos.d/rocky.repo"
}
provision() { # provision ROOT OUT [more options]
	local root=$1 out=$2; shift 2
	run_ph --host-root "$root" --kernel-release "$EL_RELEASE" --output "$out" --strategy distro --retries 2 "$@"
}
nothing_published() { is "$(ls -A "$1" 2>/dev/null | tr '\n' ' ')" ".lock " "$2: nothing published, no staging left"; }
mkdir -p "$TMP/x-el" && ( cd "$TMP/x-el" && rpm2cpio "$EL_RPM" | cpio -idm --quiet )
exact() { # exact OUT NAME: the tree equals the package's
	pass_if "$2: the tree equals the package's /usr/src/kernels/<release>" -- \
		python3 "$TESTS_DIR/tools/compare-tree.py" "$1/$EL_RELEASE/build" x86 "$TMP/x-el/usr/src/kernels/$EL_RELEASE"
}
package_url() { python3 -c 'import json,sys; print([s["url"] for s in json.load(open(sys.argv[1]))["sources"] if s["type"]=="package"][0])' "$1/$EL_RELEASE/manifest.json" 2>/dev/null; }
metalink() { # metalink SHA256 URL:PREFERENCE...: a metalink of repomd.xml on stdout
	printf '<?xml version="1.0" encoding="utf-8"?>\n<metalink version="3.0" xmlns="http://www.metalinker.org/" type="dynamic">\n'
	printf ' <files>\n  <file name="repomd.xml">\n   <verification>\n    <hash type="md5">0123456789abcdef0123456789abcdef</hash>\n'
	printf '    <hash type="sha256">%s</hash>\n   </verification>\n   <resources maxconnections="1">\n' "$1"
	shift
	for u in "$@"; do
		printf '    <url protocol="http" type="http" preference="%s">%s/repodata/repomd.xml</url>\n' "${u##*=}" "${u%=*}"
	done
	printf '   </resources>\n  </file>\n </files>\n</metalink>\n'
}

# A repository with only a mirrorlist ($releasever expanded in its URL):
# the first mirror listed is dead, the second serves.
printf '# mirrors of BaseOS 9\n\n%s/\n%s\n' "$DEAD" "$GOOD" >"$SRV/lists/mirrorlist-9-x86_64.txt"
R=$TMP/r-ml
rocky_root "$R" <<REPO
mirrorlist=$MIRROR/ok/lists/mirrorlist-\$releasever-\$basearch.txt
REPO
provision "$R" "$TMP/o-ml"
is "$PH_RC" 0 "mirrorlist only: provisioned"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
like "$PH_ERR" "$MIRROR/ok/lists/mirrorlist-9-x86_64.txt: 2 mirror\(s\) of \[baseos\]" "...the list read, its variables expanded"
like "$PH_ERR" "\[baseos\] mirror 1 of 2 refused, trying the next: $DEAD/repodata/repomd.xml: " \
	"...the dead mirror refused in one line naming its URL"
is "$(echo "$PH_ERR" | grep -c 'refused, trying the next')" 1 "...one line, not one per retry"
like "$PH_ERR" "$GOOD/repodata/repomd.xml: good signature by $RPM_KEY_FPR" "...the second one's repomd.xml signature checked"
is "$(package_url "$TMP/o-ml")" "$GOOD/Packages/k/kernel-devel-$EL_RELEASE.rpm" "...the package from the mirror that served"
exact "$TMP/o-ml" mirrorlist

# A metalink: the most preferred mirror serves another repository's
# repomd.xml (its hash is not the metalink's): refused, the next serves.
metalink "$REPOMD_SHA" "$MIRROR/ok/other=100" "$GOOD=90" "$DEAD=10" >"$SRV/lists/metalink-9.xml"
R=$TMP/r-meta
rocky_root "$R" <<REPO
metalink=$MIRROR/ok/lists/metalink-\$releasever.xml
REPO
provision "$R" "$TMP/o-meta"
is "$PH_RC" 0 "metalink with the right hash: provisioned"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
like "$PH_ERR" "metalink-9.xml: 3 mirror\(s\) of \[baseos\], repomd.xml checked against its hashes" "...its mirrors read"
like "$PH_ERR" "mirror 1 of 3 refused, trying the next: $MIRROR/ok/other/repodata/repomd.xml: sha256 [0-9a-f]{64} matches none of the 1 hash\(es\) $MIRROR/ok/lists/metalink-9.xml lists" \
	"...the most preferred mirror's repomd.xml, not the metalink's, refused in one line"
is "$(package_url "$TMP/o-meta")" "$GOOD/Packages/k/kernel-devel-$EL_RELEASE.rpm" "...the package from the mirror whose repomd.xml matched"
! echo "$PH_ERR" | grep -q "127.0.0.1:1/dead"; ok $? "...and the least preferred one is never tried"
exact "$TMP/o-meta" metalink
python3 - "$TMP/o-meta/$EL_RELEASE/manifest.json" "$MIRROR/ok/lists/metalink-9.xml" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert any(s["type"] == "metalink" and s["url"] == sys.argv[2] for s in m["sources"]), m["sources"]
PY
ok $? "...the manifest lists the metalink"

# yum's mirrorlist= may serve a metalink: read as one, hashes and all.
sed -i 's/^metalink=/mirrorlist=/' "$R/etc/yum.repos.d/rocky.repo"
provision "$R" "$TMP/o-meta-ml"
is "$PH_RC" 0 "a mirrorlist= URL serving a metalink: provisioned"
like "$PH_ERR" "mirror 1 of 3 refused, trying the next: $MIRROR/ok/other/repodata/repomd.xml: sha256 [0-9a-f]{64} matches none" \
	"...read as a metalink, its hash checked"

# A metalink whose hash no mirror's repomd.xml has: every mirror refused.
metalink "$(printf '%064d' 0)" "$GOOD=100" >"$SRV/lists/metalink-bad.xml"
R=$TMP/r-metabad
rocky_root "$R" <<REPO
metalink=$MIRROR/ok/lists/metalink-bad.xml
REPO
provision "$R" "$TMP/o-metabad"
is "$PH_RC" 4 "a metalink whose hash does not match: exit 4"
like "$PH_ERR" "distro: $GOOD/repodata/repomd.xml: sha256 $REPOMD_SHA matches none of the 1 hash\(es\) $MIRROR/ok/lists/metalink-bad.xml lists" \
	"...one line naming the mirror's URL and the metalink"
nothing_published "$TMP/o-metabad" metalink-bad

# Bad metalink XML: one line naming its URL, exit 8.
printf '<metalink><files><file name="repomd.xml"><resources><url>%s/repodata/repomd.xml</url></file></files></metalink>\n' "$GOOD" \
	>"$SRV/lists/broken.xml"
R=$TMP/r-metaxml
rocky_root "$R" <<REPO
metalink=$MIRROR/ok/lists/broken.xml
REPO
provision "$R" "$TMP/o-metaxml"
is "$PH_RC" 8 "a malformed metalink: exit 8"
like "$PH_ERR" "distro: $MIRROR/ok/lists/broken.xml: malformed metalink: line 1: mismatched tag" "...one line naming its URL"
is "$(echo "$PH_ERR" | grep -c 'malformed metalink')" 1 "...once"
nothing_published "$TMP/o-metaxml" metalink-xml

# proxy=: the repository's host is unreachable but through the proxy (the
# local mirror answering as one, with the credentials of the repo file).
# run_ph's no_proxy (127.0.0.1) is emptied, so that 127.0.0.1 is proxied.
PH_WRAP=(env no_proxy= NO_PROXY=)
R=$TMP/r-proxy
rocky_root "$R" <<REPO
baseurl=http://127.0.0.1:1/ok/9/x86_64/
proxy=$MIRROR
proxy_username=puser
proxy_password=p4ss
REPO
: >"$TMP/mirror.log.before"; cp "$TMP/mirror.log" "$TMP/mirror.log.before"
provision "$R" "$TMP/o-proxy"
is "$PH_RC" 0 "proxy=: provisioned through the proxy"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
new_log=$(diff "$TMP/mirror.log.before" "$TMP/mirror.log" | sed -n 's/^> //p')
is "$(echo "$new_log" | grep -c '"GET http://127.0.0.1:1/ok/9/x86_64/repodata/repomd.xml HTTP')" 1 "...repomd.xml came through the proxy"
is "$(echo "$new_log" | grep -cE '"GET http://127.0.0.1:1/ok/9/x86_64/(repodata/[0-9a-f]+-primary|Packages/k/kernel-devel-).* 200')" 2 \
	"...and so did primary.xml and the package"
like "$new_log" "proxy-authorization puser:p4ss" "...with proxy_username and proxy_password"
exact "$TMP/o-proxy" proxy
# proxy=_none_: not even the environment's proxy (run_ph's, dead).
R=$TMP/r-envproxy
rocky_root "$R" <<REPO
baseurl=$GOOD
REPO
provision "$R" "$TMP/o-envproxy"
is "$PH_RC" 5 "no proxy= key: the environment's (dead) proxy is used, and fails"
like "$PH_ERR" "$GOOD/repodata/repomd.xml: .*127.0.0.1 port 9" "...through it"
sed -i 's/^baseurl=.*/&\nproxy=_none_/' "$R/etc/yum.repos.d/rocky.repo"
provision "$R" "$TMP/o-noproxy"
is "$PH_RC" 0 "proxy=_none_: the environment's proxy is not used"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 4 | sed 's/^/#   /'
# shellcheck disable=SC2034 # run_ph's
PH_WRAP=()

# username= and password=: the server asks for them (HTTP basic), for
# the indexes and the package alike.
R=$TMP/r-auth
rocky_root "$R" <<REPO
baseurl=$MIRROR/auth/9/x86_64/
username=test
password=secret
REPO
provision "$R" "$TMP/o-auth"
is "$PH_RC" 0 "username=/password=: provisioned from a repository that asks for them"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 4 | sed 's/^/#   /'
like "$(package_url "$TMP/o-auth")" "^$MIRROR/auth/9/x86_64/Packages/k/kernel-devel-" "...the package too"
sed -i 's/^password=.*/password=wrong/' "$R/etc/yum.repos.d/rocky.repo"
provision "$R" "$TMP/o-auth-bad"
is "$PH_RC" 5 "a wrong password: exit 5"
like "$PH_ERR" "skipping repository baseos .*: $MIRROR/auth/9/x86_64/repodata/repomd.xml: HTTP 401" "...the line names the URL"

# sslcacert: an HTTPS server whose certificate a throwaway CA signed.
C=$TMP/ca
mkdir -p "$C"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$C/ca.key" -out "$C/ca.pem" -days 2 -subj "/CN=provision-headers test CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$C/srv.key" -out "$C/srv.csr" -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$C/ext"
openssl x509 -req -in "$C/srv.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" -CAcreateserial -out "$C/srv.pem" -days 2 \
	-extfile "$C/ext" 2>/dev/null
python3 "$TESTS_DIR/tools/https-server.py" "$SRV" "$TMP/https.port" "$C/srv.pem" "$C/srv.key" 2>>"$TMP/https.log" &
HTTPS_PID=$!
trap 'kill $MIRROR_PID $HTTPS_PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 100); do [ -s "$TMP/https.port" ] && break; sleep 0.05; done
HTTPS=https://127.0.0.1:$(cat "$TMP/https.port")
ssl_root() { # ssl_root DIR [more repo lines]
	rocky_root "$1" <<REPO
baseurl=$HTTPS/9/x86_64/
$2
REPO
	mkdir -p "$1/etc/pki/tls/certs"
}
R=$TMP/r-ssl
ssl_root "$R" "sslcacert=/etc/pki/tls/certs/test-ca.pem"
cp "$C/ca.pem" "$R/etc/pki/tls/certs/test-ca.pem"
provision "$R" "$TMP/o-ssl"
is "$PH_RC" 0 "sslcacert: the HTTPS repository's certificate checked against the host's CA file"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
like "$(package_url "$TMP/o-ssl")" "^$HTTPS/9/x86_64/Packages/k/kernel-devel-" "...the package came over HTTPS too"
exact "$TMP/o-ssl" sslcacert
R=$TMP/r-nossl
ssl_root "$R" ""
provision "$R" "$TMP/o-nossl"
is "$PH_RC" 5 "no sslcacert: the throwaway CA is not trusted (exit 5)"
like "$PH_ERR" "skipping repository baseos .*$HTTPS/9/x86_64/repodata/repomd.xml: .*(certificate|SSL)" "...the line names the URL"
nothing_published "$TMP/o-nossl" no-sslcacert
R=$TMP/r-noverify
ssl_root "$R" "sslverify=0"
provision "$R" "$TMP/o-noverify"
is "$PH_RC" 0 "sslverify=0: honoured"
like "$PH_ERR" "warning: distro: sslverify=0 in .*rocky.repo:[0-9]+: NOT checking the TLS certificates of \[baseos\]" "...with a warning line"
# A CA file that is a link leading out of the host root: the host would
# not see that file, so neither does the tool.
R=$TMP/r-sslesc
ssl_root "$R" "sslcacert=/etc/pki/tls/certs/test-ca.pem"
ln -s "$C/ca.pem" "$R/etc/pki/tls/certs/test-ca.pem"
provision "$R" "$TMP/o-sslesc"
is "$PH_RC" 8 "sslcacert a link leading out of the host root: refused as a bad repo file (exit 8)"
like "$PH_ERR" "distro: $R/etc/yum.repos.d/rocky.repo:1: sslcacert $R/etc/pki/tls/certs/test-ca.pem cannot be read under the host root: No such file" \
	"...one line naming the repo file and the CA file"
nothing_published "$TMP/o-sslesc" sslcacert-escape

# --mirror URL on an RPM host without repo files: an rpm-md base, its
# variables expanded, trusted through --keyring alone.
R=$TMP/r-mirror
rocky_root "$R" </dev/null
rm -r "$R/etc/yum.repos.d" "$R/etc/pki"
provision "$R" "$TMP/o-mirror" --mirror "$DEAD" --mirror "$MIRROR/ok/\$releasever/\$basearch" --keyring "$RPM_KEY" \
	--mirror "http://127.0.0.1:1/debian bookworm main"
is "$PH_RC" 0 "--mirror URL --keyring K: provisioned on a host with no repo files"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
like "$PH_ERR" "skipping repository mirror-1 \(--mirror $DEAD\): $DEAD/repodata/repomd.xml: " \
	"...each lone --mirror is a repository: the dead one skipped in one line"
like "$PH_ERR" "$GOOD/repodata/repomd.xml: good signature by $RPM_KEY_FPR" "...repomd.xml checked against --keyring"
like "$PH_ERR" "gpgcheck=1 in --mirror $MIRROR/ok/\\\$releasever/\\\$basearch: checking the signature of Packages/k/kernel-devel-" \
	"...and the package's own signature too"
like "$PH_ERR" "--mirror 'http://127.0.0.1:1/debian bookworm main' is an apt source: not used on this RPM host" \
	"...an apt --mirror ignored with one line"
exact "$TMP/o-mirror" --mirror
provision "$R" "$TMP/o-mirror-nokey" --mirror "$GOOD"
is "$PH_RC" 4 "--mirror URL without --keyring: exit 4"
like "$PH_ERR" "--mirror URL on an RPM host needs the repository's signing key: give it with --keyring FILE" "...saying what to give"
nothing_published "$TMP/o-mirror-nokey" mirror-nokey
done_testing

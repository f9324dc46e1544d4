#!/bin/bash
# --cache-url (issue 15): a warmed cache directory served read-only by a
# static HTTP server (tests/tools/mirror-server.py, which logs every
# request). A node with only --cache-url provisions exactly, fetching the
# index, the tree's file list and each of its objects once; a node whose
# local store holds a kernel of the same series fetches only the objects
# it lacks; a corrupt object is refused by URL, a missing or malformed
# index fails in one line, a release the index lacks falls through to the
# next strategy, --offline never asks; the output volume is untouched by
# every failure.
. "$(dirname "$0")/../lib.sh"
load_apt_fixture
# shellcheck disable=SC1090
. "$("$TESTS_DIR/fixtures/closematch-bank")"
start_mirror "$REPO"

C=$TMP/cache
NAIVE=$TMP/naive
D=$TMP/rd
mkdir -p "$D/etc/apt/keyrings" "$D/usr/lib" "$TMP/empty"
cp "$HOST_ROOT/usr/lib/os-release" "$D/usr/lib/os-release"
cp "$KEY_GPG" "$D/etc/apt/keyrings/test.gpg"
echo "deb [arch=amd64 signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/ok/debian bookworm main" >"$D/etc/apt/sources.list"

run_ph warm "$RELEASE" "$RELEASE2" --host-root "$D" --cache-dir "$C" --output "$NAIVE" --retries 2
is "$PH_RC" 0 "warm two Debian 6.1 kernels into a store"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
kill "$MIRROR_PID"; wait "$MIRROR_PID" 2>/dev/null

content_digest() {
	( cd "$1" && find . -printf '%y %p -> %l\n' | LC_ALL=C sort &&
	  find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum ) | sha256sum | cut -d' ' -f1
}
# What the server must be asked for a release: the list, then each of
# its objects once (one path a line, relative to the cache).
wanted() { # wanted CACHE RELEASE [HAVE-RELEASE]
	python3 - "$@" <<'PY'
import json, os, sys
cache, rel, have = sys.argv[1], sys.argv[2], sys.argv[3:]
idx = json.load(open(os.path.join(cache, "index.json")))
def objs(r):
    l = idx["trees"][r]["list"]
    rows = json.load(open(os.path.join(cache, "objects", l[:2], l)))["entries"]
    return l, {row[2] for row in rows if row[0] == "f"}
l, want = objs(rel)
for h in have:
    want -= objs(h)[1]
print("objects/%s/%s" % (l[:2], l))
for h in sorted(want):
    print("objects/%s/%s" % (h[:2], h))
PY
}

# The static server: the warmed cache (hardlinked copies of it) under
# $TMP/www, each request logged.
W=$TMP/www
mkdir -p "$W"
cp -al "$C" "$W/c"
python3 "$TESTS_DIR/tools/mirror-server.py" "$W" "$TMP/www.port" 2>>"$TMP/www.log" &
WWW_PID=$!
trap 'kill $WWW_PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 100); do [ -s "$TMP/www.port" ] && break; sleep 0.05; done
URL=http://127.0.0.1:$(cat "$TMP/www.port")
# The paths requested since mark (a line count of the log), one a line, in order.
requests_since() { tail -n +"$(($1 + 1))" "$TMP/www.log" | sed -n 's/^mirror: "GET \/\([^ ]*\) HTTP.*/\1/p'; }
mark() { wc -l <"$TMP/www.log"; }

# Node 1: no local cache at all, only --cache-url. The store for this run
# sits in the work directory beside the staging tree, and goes with it.
m=$(mark)
run_ph --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$TMP/n1" --cache-url "$URL/c/" \
	--strategy cache
is "$PH_RC" 0 "a node with only --cache-url provisions $RELEASE"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
is "$(content_digest "$TMP/n1/$RELEASE/build")" "$(content_digest "$NAIVE/$RELEASE/build")" \
	"...exactly the warmed tree, file by file"
like "$(cat "$TMP/n1/$RELEASE/manifest.json")" "\"url\":\"$URL/c/\"" "...and the manifest names the cache URL"
requests_since "$m" >"$TMP/req1"
{ echo c/index.json; wanted "$C" "$RELEASE" | sed 's|^|c/|'; } >"$TMP/want1"
is "$(head -n 2 "$TMP/req1" | tr '\n' ' ')" "$(head -n 2 "$TMP/want1" | tr '\n' ' ')" "...asking for the index first, then the tree's file list"
is "$(LC_ALL=C sort "$TMP/req1" | uniq -d | wc -l)" 0 "...nothing twice"
is "$(LC_ALL=C sort "$TMP/req1" | cmp -s - <(LC_ALL=C sort "$TMP/want1"); echo $?)" 0 \
	"...and exactly the index, the list and each of its $(($(wc -l <"$TMP/want1") - 2)) objects"
like "$PH_ERR" "cache: fetching $(($(wc -l <"$TMP/want1") - 2)) of the $(($(wc -l <"$TMP/want1") - 2)) objects of $RELEASE" "...as it says"
like "$(cat "$TMP/n1/$RELEASE/manifest.json")" '"linked":true' "...published by hardlink from the run's store"
jq_() { python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
is "$(jq_ "$TMP/n1/$RELEASE/manifest.json" 'm["exact"], m["level"]')" "(False, 'close-match')" \
	"...but the index's word that the tree is exact is not believed without a pin"
like "$PH_ERR" "cache: the index of $URL/c/ says $RELEASE is exact; without a pin \(--cache-url URL#sha256=HASH of index.json\) that is not believed" \
	"...saying so in one line"
# Pinned: the index's SHA-256 given with the URL; then its word is the operator's.
pin=$(sha256sum <"$C/index.json" | cut -d' ' -f1)
run_ph --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$TMP/n1p" --cache-url "$URL/c/#sha256=$pin" \
	--strategy cache --require exact
is "$PH_RC" 0 "with the index pinned (--cache-url URL#sha256=HASH), --require exact is met"
is "$(jq_ "$TMP/n1p/$RELEASE/manifest.json" 'm["exact"]')" "True" "...the tree is recorded exact"
run_ph -q --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$TMP/n1q" \
	--cache-url "$URL/c/#sha256=$(printf '1%.0s' $(seq 64))" --strategy cache
is "$PH_RC" 4 "an index that does not hash to the pin: exit 4"
like "$PH_ERR" "^provision-headers: error: cache: $URL/c/index.json: hash mismatch: it hashes to $pin, the --cache-url pin says 1{64}" \
	"...one line naming the URL and both hashes"
[ ! -e "$TMP/n1q/$RELEASE" ]; ok $? "...and nothing is published"
run_ph --cache-url "$URL/c#md5=abc" --version
is "$PH_RC" 2 "a fragment that is not #sha256= and 64 hex digits is refused before any work (exit 2)"
is "$(cd "$TMP/n1" && find . -path ./.lock -prune -o -path "./$RELEASE" -prune -o -print | LC_ALL=C sort | tr '\n' ' ')" ". " \
	"...and the run's store is gone with the work directory (only the tree is left)"

# Node 2: a local store (--cache-dir) that the first kernel filled; the
# second kernel of the series needs only the objects it does not share.
L=$TMP/local
run_ph --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$TMP/n2" --cache-url "$URL/c" --cache-dir "$L" \
	--strategy cache
is "$PH_RC" 0 "a node with --cache-dir and --cache-url provisions $RELEASE into its local store"
run_ph cache verify --cache-dir "$L"
is "$PH_RC" 0 "...and its local store verifies"
m=$(mark)
run_ph --host-root "$TMP/empty" --kernel-release "$RELEASE2" --output "$TMP/n2" --cache-url "$URL/c" --cache-dir "$L" \
	--strategy cache
is "$PH_RC" 0 "the same node provisions $RELEASE2"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
is "$(content_digest "$TMP/n2/$RELEASE2/build")" "$(content_digest "$NAIVE/$RELEASE2/build")" "...exactly"
requests_since "$m" | LC_ALL=C sort >"$TMP/req2"
{ echo c/index.json; wanted "$C" "$RELEASE2" "$RELEASE" | sed 's|^|c/|'; } | LC_ALL=C sort >"$TMP/want2"
all2=$(wanted "$C" "$RELEASE2" | wc -l)
need2=$(($(wc -l <"$TMP/want2") - 2))
echo "# $RELEASE2: $((all2 - 1)) objects, $need2 not shared with $RELEASE"
ok "$([ "$need2" -gt 0 ] && [ "$need2" -lt $((all2 - 1)) ]; echo $?)" "...the two kernels share objects, and not all"
is "$(cmp -s "$TMP/req2" "$TMP/want2"; echo $?)" 0 "...fetching only the index, its list and the $need2 objects the local store lacked"
is "$(content_digest "$TMP/n2/$RELEASE/build")" "$(content_digest "$NAIVE/$RELEASE/build")" "...the first kernel's tree is as it was"

# The output volume before each failure, to compare after it.
vol_digest() { ( cd "$1" && find . -printf '%y %p %s\n' | LC_ALL=C sort ) | sha256sum | cut -d' ' -f1; }
F=$TMP/fail-out
cp -a "$TMP/n1" "$F"
before=$(vol_digest "$F")

# A corrupt object on the server (same size, one byte changed).
cp -al "$C" "$W/bad"
obj=$(wanted "$C" "$RELEASE" | sed -n 5p)
cp "$W/bad/$obj" "$TMP/o"; rm -f "$W/bad/$obj"
printf 'X' | dd of="$TMP/o" bs=1 seek=0 conv=notrunc 2>/dev/null
cmp -s "$TMP/o" "$C/$obj" && printf 'Y' | dd of="$TMP/o" bs=1 seek=0 conv=notrunc 2>/dev/null
cp "$TMP/o" "$W/bad/$obj"
run_ph -q --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$F" --force --cache-url "$URL/bad" --strategy cache
is "$PH_RC" 4 "a corrupt object on the server: exit 4"
is "$(printf '%s\n' "$PH_ERR" | wc -l)" 1 "...one line"
like "$PH_ERR" "^provision-headers: error: cache: $URL/bad/$obj: hash mismatch" "...naming its URL"
is "$(vol_digest "$F")" "$before" "...the output volume is as it was"

# A malformed file list (its hash is what the index says: an index can
# point at anything; what it points at is still checked).
cp -al "$C" "$W/badlist"
printf '{"entries":[["f","../escape","%s",1,420]]}' "$(printf '0%.0s' $(seq 64))" >"$TMP/list"
lsha=$(sha256sum <"$TMP/list" | cut -d' ' -f1)
mkdir -p "$W/badlist/objects/${lsha:0:2}" && cp "$TMP/list" "$W/badlist/objects/${lsha:0:2}/$lsha"
python3 - "$W/badlist/index.json" "$RELEASE" "$lsha" <<'PY'
import json, sys
p, rel, sha = sys.argv[1:]
idx = json.load(open(p))
idx["trees"][rel]["list"] = sha
open(p + ".new", "w").write(json.dumps(idx))
PY
rm -f "$W/badlist/index.json"; mv "$W/badlist/index.json.new" "$W/badlist/index.json"
run_ph -q --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$F" --force --cache-url "$URL/badlist" --strategy cache
is "$PH_RC" 8 "a file list with a path out of the tree: exit 8"
like "$PH_ERR" "unsafe path '\.\./escape'" "...and says why"
is "$(vol_digest "$F")" "$before" "...the output volume is as it was"

# A server's list whose links lead out of the tree: refused, as a
# package's would be (absolute, climbing, and through another link).
hostile_list() { # hostile_list NAME LIST-JSON: a copy of the cache whose index points at LIST-JSON
	cp -al "$C" "$W/$1"
	printf '%s' "$2" >"$TMP/list-$1"
	local sha
	sha=$(sha256sum <"$TMP/list-$1" | cut -d' ' -f1)
	mkdir -p "$W/$1/objects/${sha:0:2}" && cp "$TMP/list-$1" "$W/$1/objects/${sha:0:2}/$sha"
	python3 - "$W/$1/index.json" "$RELEASE" "$sha" <<'PY'
import json, sys
p, rel, sha = sys.argv[1:]
idx = json.load(open(p))
idx["trees"][rel]["list"] = sha
open(p + ".new", "w").write(json.dumps(idx))
PY
	rm -f "$W/$1/index.json"; mv "$W/$1/index.json.new" "$W/$1/index.json"
}
for hl in 'abs|{"release":"'"$RELEASE"'","entries":[["d","build"],["l","build/evil.h","/etc/shadow"]]}' \
	'up|{"release":"'"$RELEASE"'","entries":[["d","build"],["l","build/up","../../etc"]]}' \
	'chain|{"release":"'"$RELEASE"'","entries":[["d","build"],["l","build/self","."],["l","build/out","self/../../x"]]}'; do
	name=${hl%%|*}
	hostile_list "links-$name" "${hl#*|}"
	run_ph -q --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$F" --force --cache-url "$URL/links-$name" \
		--strategy cache
	is "$PH_RC" 8 "a file list with a symlink leading out ($name): exit 8"
	like "$PH_ERR" "leads outside the tree" "...saying so"
	is "$(vol_digest "$F")" "$before" "...the output volume is as it was"
done
# A list of another kernel, and a tree that is not a tree for this
# kernel: refused, and never kept in the local store to fail again.
hostile_list other '{"release":"9.9.9-other","entries":[["d","build"]]}'
run_ph -q --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$F" --force --cache-url "$URL/other" --strategy cache
is "$PH_RC" 8 "a file list of another kernel: exit 8"
like "$PH_ERR" "is the list of another kernel \(9\.9\.9-other\)" "...saying so"
hostile_list empty '{"release":"'"$RELEASE"'","entries":[["d","build"]]}'
P=$TMP/poison
run_ph -q --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$F" --force --cache-url "$URL/empty" \
	--cache-dir "$P" --strategy cache
is "$PH_RC" 8 "a file list of an empty build/: exit 8"
like "$PH_ERR" "is not a tree for this kernel" "...saying so"
is "$(vol_digest "$F")" "$before" "...the output volume is as it was"
run_ph cache ls --cache-dir "$P"
! grep -q "$RELEASE" <<<"$PH_OUT"; ok $? "...and the local store does not keep that tree"
run_ph --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$TMP/n9" --cache-url "$URL/c" --cache-dir "$P" \
	--strategy cache
is "$PH_RC" 0 "the same local store with a sound server next: it fetches and serves"

# No index at the URL (HTTP 404).
run_ph -q --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$F" --force --cache-url "$URL/nothing" --strategy cache
is "$PH_RC" 5 "no index.json at the URL (HTTP 404): exit 5"
is "$(printf '%s\n' "$PH_ERR" | wc -l)" 1 "...one line"
like "$PH_ERR" "^provision-headers: error: cache: $URL/nothing/index.json: HTTP 404" "...naming the URL"
is "$(vol_digest "$F")" "$before" "...the output volume is as it was"

# A server that stops sending in the middle of a body (the file list).
run_ph -q --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$F" --force --cache-url "$URL/stall/c" \
	--strategy cache --stall-timeout 1 --retries 1
is "$PH_RC" 5 "a stalled download: exit 5"
is "$(printf '%s\n' "$PH_ERR" | wc -l)" 1 "...one line"
like "$PH_ERR" "^provision-headers: error: cache: $URL/stall/c/objects/[0-9a-f]{2}/[0-9a-f]{64}: " "...naming the URL"
is "$(vol_digest "$F")" "$before" "...the output volume is as it was"

# An index that is not one.
mkdir -p "$W/junk" && echo 'not json' >"$W/junk/index.json"
run_ph -q --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$F" --force --cache-url "$URL/junk" --strategy cache
is "$PH_RC" 8 "a malformed index: exit 8"
like "$PH_ERR" "^provision-headers: error: cache: $URL/junk/index.json: not a cache index" "...one line naming the URL"
is "$(vol_digest "$F")" "$before" "...the output volume is as it was"

# A release the index lacks: a cache miss, the next strategy (host) goes on.
H=$TMP/rh
mkdir -p "$H/usr/src" "$H/lib/modules/$BANK_6_12"
cp -al "$BANK/$BANK_6_12/build" "$H/usr/src/linux-headers-$BANK_6_12"
ln -s "/usr/src/linux-headers-$BANK_6_12" "$H/lib/modules/$BANK_6_12/build"
run_ph --host-root "$H" --kernel-release "$BANK_6_12" --output "$TMP/n4" --cache-url "$URL/c" --strategy cache,host
is "$PH_RC" 0 "a release the index lacks falls through to the next strategy"
like "$PH_ERR" "cache: skipped: no tree for ${BANK_6_12//+/\\+} in the index of --cache-url $URL/c/index.json" "...saying so in one line"
like "$PH_ERR" "host: published" "...and host publishes it"

# --offline: the server is never asked.
m=$(mark)
run_ph --offline --host-root "$TMP/empty" --kernel-release "$RELEASE2" --output "$TMP/n5" --cache-url "$URL/c" --strategy cache
is "$PH_RC" 3 "--offline with --cache-url and no local cache: exit 3"
like "$PH_ERR" "cache: --cache-url $URL/c not used: --offline forbids the network" "...saying why in one line"
is "$(requests_since "$m" | wc -l)" 0 "...and the server was not asked"
# --offline with a local store that has the kernel: served from it.
run_ph --offline --host-root "$TMP/empty" --kernel-release "$RELEASE2" --output "$TMP/n6" --cache-url "$URL/c" \
	--cache-dir "$L" --strategy cache
is "$PH_RC" 0 "--offline with --cache-url: the local store still serves what it has"
is "$(requests_since "$m" | wc -l)" 0 "...and the server was not asked"

# Any static server will do: python3 -m http.server in the cache dir.
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$C" >"$TMP/hs.out" 2>"$TMP/hs.log" &
HS_PID=$!
trap 'kill $WWW_PID $HS_PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 100); do grep -q ' port [0-9]' "$TMP/hs.out" 2>/dev/null && break; sleep 0.05; done
HS=http://127.0.0.1:$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$TMP/hs.out" | head -n 1)
run_ph --host-root "$TMP/empty" --kernel-release "$RELEASE2" --output "$TMP/n8" --cache-url "$HS" --strategy cache
is "$PH_RC" 0 "python3 -m http.server in the cache directory serves a node"
is "$(content_digest "$TMP/n8/$RELEASE2/build")" "$(content_digest "$NAIVE/$RELEASE2/build")" "...exactly"
is "$(grep -c '"GET /objects/' "$TMP/hs.log")" "$(wanted "$C" "$RELEASE2" | wc -l)" "...each object (and the list) asked for once"
kill "$HS_PID"

# The environment variable is the option.
PROVISION_HEADERS_CACHE_URL=$URL/nothing run_ph -q --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$TMP/n7" \
	--strategy cache
like "$PH_ERR" "$URL/nothing/index.json: HTTP 404" "PROVISION_HEADERS_CACHE_URL is --cache-url"
run_ph --cache-url ftp://example/x --version
is "$PH_RC" 2 "--cache-url takes http:// and https:// URLs only (exit 2)"

done_testing

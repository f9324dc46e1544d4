#!/bin/bash
# The cache is also a close-match bank (issue 15): a real Debian kernel
# warmed into a store (objects, file lists, index.json: no <release>/build
# folder at the top), then a node running a kernel no repository and no
# store has, with only --cache-dir: close-match takes the stored tree,
# served from the store by hardlink, and the manifest says so. A stored
# tree of another arch is never a candidate. Then the store's use lock
# (<cache>/.use.lock): held exclusively (as a prune holds it), a serving
# run falls through and cache ls gives up, each naming the lock file;
# held shared (as a serving run holds it), a prune waits and removes
# nothing until it is let go.
. "$(dirname "$0")/../lib.sh"
load_apt_fixture
start_mirror "$REPO"

C=$TMP/cache
D=$TMP/rd
mkdir -p "$D/etc/apt/keyrings" "$D/usr/lib"
cp "$HOST_ROOT/usr/lib/os-release" "$D/usr/lib/os-release"
cp "$KEY_GPG" "$D/etc/apt/keyrings/test.gpg"
echo "deb [arch=amd64 signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/ok/debian bookworm main" >"$D/etc/apt/sources.list"
run_ph warm "$RELEASE" --host-root "$D" --cache-dir "$C" --output "$TMP/naive" --retries 2
is "$PH_RC" 0 "warm one Debian kernel into the store"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
[ ! -e "$C/$RELEASE" ] && [ -d "$C/trees/$RELEASE/build" ]
ok $? "...kept as the store keeps it (trees/, objects/, index.json), not as <cache>/<release>/build"
kill "$MIRROR_PID" 2>/dev/null

# A node with no os-release and no sources: nothing but the store.
E=$TMP/empty
mkdir -p "$E"
CM_REL=${RELEASE%%-*}
CM_REL=${CM_REL%.*}.250-99-amd64
OUT=$TMP/out
run_ph --host-root "$E" --kernel-release "$CM_REL" --output "$OUT" --cache-dir "$C" --strategy cache,close-match
is "$PH_RC" 0 "close-match publishes a tree for a kernel in no store and no repository, from the store"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
like "$PH_ERR" "close-match: $(printf '%s' "$RELEASE" | sed 's/[+.]/\\&/g') served from the store of $C \([0-9]+ files, hardlinked\)" \
	"...served from the store by hardlink"
like "$PH_ERR" "close-match: chose $(printf '%s' "$RELEASE" | sed 's/[+.]/\\&/g') \(store of warmed cache $C \(first from Debian package linux-headers-" \
	"...naming the store and where the tree first came from"
python3 - "$OUT/$CM_REL/manifest.json" "$RELEASE" "$C" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
rel, cache = sys.argv[2:4]
assert m["strategy"] == "close-match" and m["exact"] is False, (m["strategy"], m["exact"])
c = m["close_match"]["candidate"]
assert c["release"] == rel and c["origin"].startswith("store of warmed cache " + cache + " (first from Debian package"), c
src = [s for s in m["sources"] if s["type"] == "close-match"]
assert src == [{"type": "close-match", "path": cache, "store": True, "release": rel}], m["sources"]
PY
ok $? "the manifest: the stored candidate, its origin and the store as the source"
T=$OUT/$CM_REL/build
is "$(sed -n 's/#define UTS_RELEASE "\(.*\)"/\1/p' "$T/include/generated/utsrelease.h")" "$CM_REL" "the tree is rewritten for the release asked"
is "$(stat -c %i "$T/include/linux/kernel.h")" "$(stat -c %i "$C/trees/$RELEASE/build/include/linux/kernel.h")" \
	"an untouched file is the store's object (a hardlink), not a copy"
is "$(sed -n 's/#define UTS_RELEASE "\(.*\)"/\1/p' "$C/trees/$RELEASE/build/include/generated/utsrelease.h")" "$RELEASE" \
	"the stored tree is left as it was"
run_ph cache verify --cache-dir "$C"
is "$PH_RC" 0 "cache verify passes after close-match used the store"

# The same store, its one tree said to be arm64 in the index: no candidate.
A=$TMP/cache-arm
cp -al "$C" "$A"
python3 - "$A/index.json" <<'PY'
import json, os, sys
p = sys.argv[1]
idx = json.load(open(p))
for t in idx["trees"].values():
    t["arch"] = "arm64"
os.remove(p)  # a hardlink of the first store's index: never written through
json.dump(idx, open(p, "w"))
PY
run_ph --host-root "$E" --kernel-release "$CM_REL" --output "$TMP/o-arm" --cache-dir "$A" --strategy cache,close-match
is "$PH_RC" 3 "a store holding only another arch's tree: no candidate (exit 3)"
like "$PH_ERR" "are for another architecture \(arm64\), not x86" "...saying so"
[ ! -e "$TMP/o-arm/$CM_REL" ]; ok $? "...and nothing is published"

# The use lock held exclusively, by flock(1) as a prune would hold it.
L=$C/.use.lock
hold() { # hold -x|-s NAME: holds the lock until $TMP/NAME.go exists
	rm -f "$TMP/$2.held" "$TMP/$2.go"
	flock "$1" "$L" -c "touch '$TMP/$2.held'; while [ ! -e '$TMP/$2.go' ]; do sleep 0.1; done" &
	for _ in $(seq 1 600); do [ -e "$TMP/$2.held" ] && break; sleep 0.1; done
}
hold -x ex
run_ph --host-root "$E" --kernel-release "$RELEASE" --output "$TMP/o-locked" --cache-dir "$C" --strategy cache
is "$PH_RC" 3 "a serving run does not wait for ever on a held prune lock: it falls through (exit 3)"
like "$PH_ERR" "cache: $C/\.use\.lock is held by a cache prune; gave up waiting after [0-9]+ s: the store is passed over" \
	"...in one line naming the lock file"
[ ! -e "$TMP/o-locked/$RELEASE" ]; ok $? "...and nothing is published"
run_ph --host-root "$E" --kernel-release "$CM_REL" --output "$TMP/o-locked" --cache-dir "$C" --strategy close-match
is "$PH_RC" 3 "close-match passes the stored candidate over (exit 3: it was the only one)"
like "$PH_ERR" "close-match: candidate $(printf '%s' "$RELEASE" | sed 's/[+.]/\\&/g') passed over: $C/\.use\.lock is held by a cache prune" \
	"...naming the lock file"
run_ph cache ls --cache-dir "$C"
is "$PH_RC" 6 "cache ls gives up too (exit 6)"
like "$PH_ERR" "cache ls: $C/\.use\.lock is held by a cache prune" "...naming the lock file"
touch "$TMP/ex.go"; wait
run_ph --host-root "$E" --kernel-release "$RELEASE" --output "$TMP/o-locked" --cache-dir "$C" --strategy cache
is "$PH_RC" 0 "let go, the same run is served from the store"

# The use lock held shared, as a serving run holds it: prune waits.
hold -s sh
"${NO_NETWORK[@]}" "$PH" cache prune --cache-dir "$C" --keep 9.9.9-none >"$TMP/prune.out" 2>"$TMP/prune.err" &
PRUNE=$!
for _ in $(seq 1 600); do grep -q 'waiting for the runs reading' "$TMP/prune.err" && break; sleep 0.1; done
like "$(cat "$TMP/prune.err")" "cache prune: waiting for the runs reading $C to finish \(lock file $C/\.use\.lock\)" \
	"prune waits for a reader, naming the lock file"
[ -d "$C/trees/$RELEASE/build" ] && [ ! -s "$TMP/prune.out" ]
ok $? "...and has removed nothing while it waits"
touch "$TMP/sh.go"
wait "$PRUNE"
is "$?" 0 "let go, prune finishes (exit 0)"
like "$(cat "$TMP/prune.out")" "^removed tree $C/trees/$(printf '%s' "$RELEASE" | sed 's/[+.]/\\&/g') " "...and removes what it said"
[ ! -e "$C/trees/$RELEASE" ]; ok $? "...the tree is gone"
wait
done_testing

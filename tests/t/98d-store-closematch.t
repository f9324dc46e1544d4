#!/bin/bash
# The cache is also a close-match bank (issue 15): a real Debian kernel
# warmed into a store (objects, file lists, index.json: no <release>/build
# folder at the top), then a node running a kernel no repository and no
# store has, with only --cache-dir: close-match takes the stored tree,
# served from the store by hardlink, and the manifest says so. A stored
# tree of another arch is never a candidate.
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
done_testing

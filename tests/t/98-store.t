#!/bin/bash
# The content-addressed store of a warmed cache (issue 15): warm real
# Debian and Ubuntu 6.1 kernels from the local signed mirror and two 6.12
# trees of the close-match bank into one cache; every stored tree equals
# what was published, file by file; cache ls figures; the bytes of the
# store against the naive trees; verify names a corrupt object and a
# replaced tree file; serving by hardlink and, across filesystems, by a
# hashed copy; --offline with the server stopped; prune removes exactly
# what it says; a warm killed mid-ingest is completed by the next run.
. "$(dirname "$0")/../lib.sh"
load_apt_fixture
# shellcheck disable=SC1090
. "$("$TESTS_DIR/fixtures/closematch-bank")"
start_mirror "$REPO"

C=$TMP/cache
NAIVE=$TMP/naive

# A Debian host whose apt sources point at the local mirror.
D=$TMP/rd
mkdir -p "$D/etc/apt/keyrings" "$D/usr/lib"
cp "$HOST_ROOT/usr/lib/os-release" "$D/usr/lib/os-release"
cp "$KEY_GPG" "$D/etc/apt/keyrings/test.gpg"
echo "deb [arch=amd64 signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/ok/debian bookworm main" >"$D/etc/apt/sources.list"
# An Ubuntu host (same kernel series, other packages).
U=$TMP/ru
mkdir -p "$U/etc/apt/keyrings"
printf 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\n' >"$U/etc/os-release"
cp "$KEY_GPG" "$U/etc/apt/keyrings/test.gpg"
echo "deb [signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/ok/ubuntu jammy main" >"$U/etc/apt/sources.list"
# A host with the bank's 6.12 trees installed (another series).
H=$TMP/rh
for rel in "$BANK_6_12_BPO" "$BANK_6_12"; do
	mkdir -p "$H/usr/src" "$H/lib/modules/$rel"
	cp -al "$BANK/$rel/build" "$H/usr/src/linux-headers-$rel"
	ln -s "/usr/src/linux-headers-$rel" "$H/lib/modules/$rel/build"
done
SERIES61="$RELEASE $RELEASE2 $UBUNTU_RELEASE $UBUNTU_AWS_RELEASE"
ALL="$SERIES61 $BANK_6_12_BPO $BANK_6_12"

# Warm: each tree published into --output (the naive trees) and stored.
run_ph warm "$RELEASE" "$RELEASE2" --host-root "$D" --cache-dir "$C" --output "$NAIVE" --retries 2
is "$PH_RC" 0 "warm two Debian 6.1 kernels into the store"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
like "$PH_ERR" "warm: stored $RELEASE2 in $C \([0-9]+ new bytes" "...each one stored"
run_ph warm "$UBUNTU_RELEASE" "$UBUNTU_AWS_RELEASE" --host-root "$U" --cache-dir "$C" --output "$NAIVE" --retries 2
is "$PH_RC" 0 "warm two Ubuntu 6.1 kernels into the same store"
run_ph warm "$BANK_6_12_BPO" "$BANK_6_12" --host-root "$H" --cache-dir "$C" --output "$NAIVE" --strategy host
is "$PH_RC" 0 "warm two 6.12 kernels (host strategy) into the same store"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'

# Every stored tree equals its published tree: names, types, symlink
# targets and contents (modes differ: objects are read-only).
content_digest() {
	( cd "$1" && find . -printf '%y %p -> %l\n' | LC_ALL=C sort &&
	  find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum ) | sha256sum | cut -d' ' -f1
}
bad=""
for rel in $ALL; do
	[ -d "$C/trees/$rel/build" ] && [ "$(content_digest "$C/trees/$rel")" = "$(content_digest "$NAIVE/$rel")" ] ||
		bad="$bad $rel"
done
is "$bad" "" "each of the 6 stored trees equals its published tree, file by file"
is "$(find "$C/trees" -type f ! -perm 0444 | wc -l)" 0 "every stored file is read-only (0444)"
is "$(find "$C/objects" -type f -links 1 | wc -l)" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["trees"]))' "$C/index.json")" \
	"every object but the trees' file lists is hardlinked into a tree"
python3 - "$C" $ALL <<'PY'
import hashlib, json, os, sys
cache, rels = sys.argv[1], sys.argv[2:]
idx = json.load(open(os.path.join(cache, "index.json")))
assert sorted(idx["trees"]) == sorted(rels), idx["trees"].keys()
for rel in rels:
    top = os.path.join(cache, "trees", rel)
    for d, _, files in os.walk(top):
        for f in files:
            p = os.path.join(d, f)
            if os.path.islink(p):
                continue
            h = hashlib.sha256(open(p, "rb").read()).hexdigest()
            o = os.path.join(cache, "objects", h[:2], h)
            assert os.path.samefile(p, o), (p, o)
PY
ok $? "each tree file is the hardlink of the object named by its own SHA-256"

# cache ls: the figures, checked against the trees themselves.
run_ph cache ls --cache-dir "$C" --json
is "$PH_RC" 0 "cache ls --json"
printf '%s\n' "$PH_OUT" >"$TMP/ls.json"
python3 - "$TMP/ls.json" "$NAIVE" "$C" $ALL <<'PY'
import hashlib, json, os, sys
ls, naive, cache, rels = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4:]
trees = {t["release"]: t for t in ls["trees"]}
assert sorted(trees) == sorted(rels), trees.keys()
shas = {}
for rel in rels:
    files = {}
    for d, _, fs in os.walk(os.path.join(naive, rel)):
        for f in fs:
            p = os.path.join(d, f)
            if not os.path.islink(p):
                data = open(p, "rb").read()
                files[p] = (hashlib.sha256(data).hexdigest(), len(data))
    shas[rel] = files
    t = trees[rel]
    assert t["files"] == len(files), (rel, t["files"], len(files))
    assert t["bytes"] == sum(s for _, s in files.values()), rel
    assert t["arch"] == "x86" and t["exact"] is True and t["level"] == "exact", t
    assert 0 <= t["age_seconds"] < 3600, t
users = {}
for rel, files in shas.items():
    for h, s in set(files.values()):
        users.setdefault(h, set()).add(rel)
for rel, files in shas.items():
    unique = sum(s for h, s in set(files.values()) if users[h] == {rel})
    assert trees[rel]["unique_bytes"] == unique, (rel, trees[rel]["unique_bytes"], unique)
PY
ok $? "...bytes, files, unique bytes, arch and exactness of each tree match the trees on disk"
run_ph cache ls --cache-dir "$C"
like "$PH_OUT" "^KERNEL +ARCH +BYTES +UNIQUE +LEVEL +AGE" "cache ls: a table"
is "$(printf '%s\n' "$PH_OUT" | awk 'NR > 1 && $2 == "x86" && $4 == "MiB" && $7 == "exact" && $8 ~ /^[0-9]+[smhd]$/ { print $1 }' | LC_ALL=C sort | tr '\n' ' ')" \
	"$(printf '%s\n' $ALL | LC_ALL=C sort | tr '\n' ' ')" "...one row per kernel: arch, bytes, unique bytes, level, age"

# Bytes on disk: the store against the naive trees. For one series, the
# objects the 6.1 trees use (each once, their file lists included).
python3 - "$C" "$NAIVE" $SERIES61 <<'PY' >"$TMP/ratio"
import json, os, sys
cache, naive, rels = sys.argv[1], sys.argv[2], sys.argv[3:]
idx = json.load(open(os.path.join(cache, "index.json")))
def files(top):
    for d, _, fs in os.walk(top):
        for f in fs:
            p = os.path.join(d, f)
            if not os.path.islink(p):
                yield p
inodes = {}
for rel in rels:
    for p in files(os.path.join(cache, "trees", rel)):
        st = os.stat(p)
        inodes[st.st_ino] = st.st_size
    l = idx["trees"][rel]["list"]
    inodes[os.stat(os.path.join(cache, "objects", l[:2], l)).st_ino] = os.path.getsize(os.path.join(cache, "objects", l[:2], l))
store = sum(inodes.values())
tree = sum(os.path.getsize(p) for rel in rels for p in files(os.path.join(naive, rel)))
print("%d %d %.3f" % (store, tree, store / tree))
PY
read -r sbytes nbytes ratio <"$TMP/ratio"
echo "# one series (4 kernels of 6.1): store $sbytes bytes, naive trees $nbytes bytes, ratio $ratio"
echo "# whole cache (6 kernels): du of the cache $(du -sb "$C" | cut -f1) bytes (hardlinks once), naive trees $(du -sb "$NAIVE" | cut -f1) bytes"
awk -v r="$ratio" 'BEGIN { exit !(r <= 0.35) }'
ok $? "the store of one series takes at most 0.35x the bytes of its naive trees ($ratio)"

# A rerun of warm stores nothing twice: the index and objects do not change.
before=$(find "$C/objects" -type f | wc -l)
run_ph warm "$RELEASE" "$RELEASE2" --host-root "$D" --cache-dir "$C" --output "$NAIVE"
is "$PH_RC" 0 "warm again"
like "$PH_ERR" "warm: $RELEASE2 is in the store of $C already" "...the tree is in the store already"
is "$(find "$C/objects" -type f | wc -l)" "$before" "...and no object was added"

run_ph cache verify --cache-dir "$C"
is "$PH_RC" 0 "cache verify: a sound store passes (exit 0)"

# Serving: the cache strategy, from a host with no headers.
mkdir -p "$TMP/empty"
run_ph --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$TMP/served" --cache-dir "$C" --strategy cache
is "$PH_RC" 0 "the cache strategy publishes the stored tree"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
is "$(content_digest "$TMP/served/$RELEASE/build")" "$(content_digest "$NAIVE/$RELEASE/build")" "...equal to the published tree"
like "$(cat "$TMP/served/$RELEASE/manifest.json")" '"linked":true' "...by hardlink (same filesystem)"
[ "$(stat -c %i "$TMP/served/$RELEASE/build/include/linux/sched.h")" = "$(stat -c %i "$C/trees/$RELEASE/build/include/linux/sched.h")" ]
ok $? "...the published file is the object"
# Across filesystems (/dev/shm is a tmpfs): copied, each copy hashed.
SHM=$(mktemp -d /dev/shm/ph-store.XXXXXX)
trap 'kill $MIRROR_PID 2>/dev/null; rm -rf "$TMP" "$SHM"' EXIT
run_ph --host-root "$TMP/empty" --kernel-release "$RELEASE2" --output "$SHM/out" --cache-dir "$C" --strategy cache
is "$PH_RC" 0 "on another filesystem the stored tree is copied"
like "$(cat "$SHM/out/$RELEASE2/manifest.json")" '"linked":false' "...the manifest says so"
is "$(content_digest "$SHM/out/$RELEASE2/build")" "$(content_digest "$NAIVE/$RELEASE2/build")" "...equal to the published tree"

# --offline, the mirror stopped: each kernel from the cache, exactly.
kill "$MIRROR_PID"; wait "$MIRROR_PID" 2>/dev/null
mkdir -p "$TMP/dpkg"
dpkg -x "$DEB_COMMON" "$TMP/dpkg" && dpkg -x "$DEB_AMD64" "$TMP/dpkg"
bad=""
for rel in $ALL; do
	root=$D
	case $rel in *generic|*aws) root=$U ;; 6.12*) root=$TMP/empty ;; esac
	run_ph --offline --host-root "$root" --kernel-release "$rel" --output "$TMP/off" --cache-dir "$C"
	[ "$PH_RC" -eq 0 ] && [ "$(content_digest "$TMP/off/$rel/build")" = "$(content_digest "$NAIVE/$rel/build")" ] ||
		bad="$bad $rel:$PH_RC"
done
is "$bad" "" "--offline, server stopped: every kernel is provisioned from the cache, equal to its published tree"
pass_if "...and the Debian one equals what dpkg -x gives for its packages" -- \
	python3 "$TESTS_DIR/tools/compare-tree.py" "$TMP/off/$RELEASE/build" x86 "$TMP/dpkg/usr/src/linux-headers-$ABI-common" \
	"$TMP/dpkg/usr/src/linux-headers-$RELEASE"
# (A 5.10 kernel: the store is a close-match bank, and its trees are of
# another major, beyond --max-distance; 98d shows the close match.)
run_ph -q --offline --host-root "$D" --kernel-release 5.10.0-99-amd64 --output "$TMP/off-1" --cache-dir "$C"
is "$PH_RC" 3 "--offline, a kernel the cache lacks (and no close match): exit 3"
is "$(printf '%s\n' "$PH_ERR" | wc -l)" 1 "...in one line"
like "$PH_ERR" "^provision-headers: error: offline: no tree for 5.10.0-99-amd64 .*--offline forbids the network" "...that says why"
run_ph --offline --host-root "$D" --kernel-release 5.10.0-99-amd64 --output "$TMP/off-2" --cache-dir "$C"
like "$PH_ERR" "distro: skipped: --offline" "...distro was not even probed"
PROVISION_HEADERS_OFFLINE=1 run_ph -q --host-root "$D" --kernel-release 5.10.0-99-amd64 --output "$TMP/off-3" --cache-dir "$C"
like "$PH_ERR" "offline: no tree" "PROVISION_HEADERS_OFFLINE=1 is --offline"

# Corruption: one object changed in place (same size), then one tree
# file replaced by a copy. verify names each and fails (exit 4).
obj=$(find "$C/objects" -type f -links +1 -size +1k | head -n 1)
rel_obj=${obj#"$C"/}
cp "$obj" "$TMP/obj.orig"
chmod u+w "$obj"; printf 'X' | dd of="$obj" bs=1 seek=10 conv=notrunc 2>/dev/null; chmod 0444 "$obj"
run_ph cache verify --cache-dir "$C"
is "$PH_RC" 4 "cache verify: a corrupt object fails (exit 4)"
like "$PH_OUT" "^BAD object $C/$rel_obj: content hashes to" "...and is named"
is "$(printf '%s\n' "$PH_OUT" | grep -c '^BAD')" 1 "...and nothing else"
# A copy from the store hashes what it copies: the corrupt object is refused.
users=$(find "$C/trees" -samefile "$obj" | head -n 1)
urel=${users#"$C"/trees/}; urel=${urel%%/*}
run_ph --host-root "$TMP/empty" --kernel-release "$urel" --output "$SHM/bad" --cache-dir "$C" --strategy cache
is "$PH_RC" 4 "a copy across filesystems refuses the corrupt object (exit 4)"
like "$PH_ERR" "does not match its hash" "...and says why"
cp "$TMP/obj.orig" "$TMP/fix"; chmod u+w "$obj"; cat "$TMP/fix" >"$obj"; chmod 0444 "$obj"
f=$C/trees/$RELEASE/build/include/linux/sched.h
cp "$f" "$TMP/sched.h"; rm -f "$f"; cp "$TMP/sched.h" "$f"
run_ph cache verify --cache-dir "$C"
is "$PH_RC" 4 "cache verify: a tree file that is no longer its object fails"
like "$PH_OUT" "^BAD tree $C/trees/$RELEASE: build/include/linux/sched.h: is not its object" "...and is named"
run_ph --host-root "$TMP/empty" --kernel-release "$RELEASE" --output "$TMP/served2" --cache-dir "$C" --strategy cache
is "$PH_RC" 4 "such a tree is not served (exit 4)"
like "$PH_ERR" "sched.h: is not its object" "...and the error names the file"
rm -f "$f"; ln "$C/objects/$(sha256sum <"$TMP/sched.h" | cut -c1-2)/$(sha256sum <"$TMP/sched.h" | cut -d' ' -f1)" "$f"
run_ph cache verify --cache-dir "$C"
is "$PH_RC" 0 "repaired: verify passes again"

# Prune: keep the Debian 6.1 kernels; what goes is printed, and exactly
# that goes.
find "$C/objects" -type f | LC_ALL=C sort >"$TMP/objs.before"
run_ph cache prune --cache-dir "$C" --keep "$RELEASE,$RELEASE2" --dry-run
is "$PH_RC" 0 "cache prune --dry-run"
printf '%s\n' "$PH_OUT" >"$TMP/dry"
find "$C/objects" -type f | LC_ALL=C sort >"$TMP/objs.dry"
is "$(cmp -s "$TMP/objs.before" "$TMP/objs.dry"; echo $?)" 0 "...removes nothing"
is "$(grep -c '^would remove tree' "$TMP/dry")" 4 "...and names the 4 trees not kept"
run_ph cache prune --cache-dir "$C" --keep "$RELEASE,$RELEASE2"
is "$PH_RC" 0 "cache prune --keep"
is "$(printf '%s\n' "$PH_OUT" | sed 's/^removed/would remove/')" "$(cat "$TMP/dry")" "...prints what the dry run printed"
find "$C/objects" -type f | LC_ALL=C sort >"$TMP/objs.after"
comm -23 "$TMP/objs.before" "$TMP/objs.after" >"$TMP/gone"
printf '%s\n' "$PH_OUT" | sed -n 's/^removed object \(.*\) ([0-9]* bytes)$/\1/p' | LC_ALL=C sort >"$TMP/said"
is "$(cmp -s "$TMP/gone" "$TMP/said"; echo $?)" 0 "...exactly the objects it printed are gone ($(wc -l <"$TMP/gone"))"
is "$(ls "$C/trees" | LC_ALL=C sort | tr '\n' ' ')" "$(printf '%s\n' "$RELEASE" "$RELEASE2" | LC_ALL=C sort | tr '\n' ' ')" \
	"...exactly the kept trees are left"
run_ph cache verify --cache-dir "$C"
is "$PH_RC" 0 "...and the store verifies"
# --older-than: one tree made old in the index.
python3 - "$C/index.json" "$RELEASE2" <<'PY'
import json, sys, time
p, rel = sys.argv[1:]
idx = json.load(open(p))
idx["trees"][rel]["time"] = int(time.time()) - 10 * 86400
json.dump(idx, open(p, "w"))
PY
run_ph cache prune --cache-dir "$C" --older-than 5 --dry-run
is "$(printf '%s\n' "$PH_OUT" | grep '^would remove tree')" "would remove tree $C/trees/$RELEASE2 ($(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["trees"][sys.argv[2]]["bytes"])' "$C/index.json" "$RELEASE2") bytes)" \
	"cache prune --older-than 5 names only the 10-day-old tree"
echo "$RELEASE2" >"$TMP/keep"
run_ph cache prune --cache-dir "$C" --keep-from "$TMP/keep"
is "$(printf '%s\n' "$PH_OUT" | grep -c '^removed tree')" 1 "cache prune --keep-from FILE removes the one tree not listed"
is "$(ls "$C/trees")" "$RELEASE2" "...and keeps the listed one"
run_ph cache prune --cache-dir "$C"
is "$PH_RC" 2 "cache prune with nothing to keep named: exit 2"

# A warm killed (SIGKILL) in the middle of storing a tree: the rerun
# completes it and the store verifies.
rm -f "$TMP/mirror.port"
start_mirror "$REPO"
sed -i "s|http://127.0.0.1:[0-9]*|$MIRROR|" "$D/etc/apt/sources.list"
K=$TMP/killed
"${NO_NETWORK[@]}" "$PH" warm "$RELEASE" "$RELEASE2" --host-root "$D" --cache-dir "$K" >/dev/null 2>"$TMP/k.err" &
pid=$!
for _ in $(seq 1 3000); do
	compgen -G "$K/tmp/tree.*/build/include/linux" >/dev/null && break
	sleep 0.01
done
kill -9 "$pid"; wait "$pid" 2>/dev/null
ok "$(compgen -G "$K/tmp/tree.*" >/dev/null; echo $?)" "warm was killed while it was storing a tree"
run_ph warm "$RELEASE" "$RELEASE2" --host-root "$D" --cache-dir "$K"
is "$PH_RC" 0 "the rerun completes"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
is "$(ls -A "$K/tmp")" "" "...nothing of the killed run is left"
is "$(ls "$K/trees" | tr '\n' ' ')" "$RELEASE2 $RELEASE " "...both trees are stored"
is "$(ls -A "$K/.warm" | tr '\n' ' ')" ".lock " "...and only the store keeps them (no second copy in .warm)"
run_ph cache verify --cache-dir "$K"
is "$PH_RC" 0 "...and the store verifies"
is "$(content_digest "$K/trees/$RELEASE/build")" "$(content_digest "$NAIVE/$RELEASE/build")" "...with the same tree as before"

done_testing

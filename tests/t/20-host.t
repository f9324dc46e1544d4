#!/bin/bash
# The host strategy on a fake Debian host root built from real packages:
# the published tree equals the package contents, BCC compiles against
# it, a second run is a cache hit, --dry-run touches nothing.
. "$(dirname "$0")/../lib.sh"
load_debian_fixture
OUT=$TMP/out

run_ph --host-root "$HOST_ROOT" --kernel-release "$RELEASE" --output "$OUT" --json
is "$PH_RC" 0 "provisions from the fake Debian root"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | sed 's/^/#   /'
like "$PH_ERR" "host: providing headers from $HOST_ROOT/lib/modules/$RELEASE/build" "log names the strategy and the path"
like "$PH_OUT" '"result":"published"' "--json reports the publication"
like "$PH_OUT" '"strategy":"host"' "--json names the strategy"
TREE=$OUT/$RELEASE/build

pkg=$TMP/pkg
mkdir -p "$pkg"
dpkg -x "$DEB_COMMON" "$pkg" && dpkg -x "$DEB_AMD64" "$pkg"
pass_if "tree equals the package contents file by file (dpkg -x)" -- \
	python3 "$TESTS_DIR/tools/compare-tree.py" "$TREE" x86 "$pkg/usr/src/linux-headers-$ABI-common" "$pkg/usr/src/linux-headers-$RELEASE"
grep 'files checked' "$TMP/last.out" | sed 's/^/# /'
is "$(find "$TREE" -type l -lname '/*' | wc -l)" 0 "no absolute symlink in the tree"
is "$(find "$TREE/include/config" -type f | wc -l | tr -d ' ')" "$(ls "$pkg/usr/src/linux-headers-$RELEASE/include/config/" | grep -c '\.')" \
	"only the kconfig outputs of include/config are kept"
[ ! -e "$TREE/scripts" ] && [ ! -e "$TREE/arch/arm64" ] && [ ! -e "$TREE/Module.symvers" ]
ok $? "scripts/, other arches and Module.symvers are left out"

python3 - "$OUT/$RELEASE/manifest.json" "$TREE" "$HOST_ROOT" <<'PY' >"$TMP/m.out" 2>&1
import json, os, sys
m = json.load(open(sys.argv[1]))
tree = sys.argv[2]
files = sum(len(f) for _, _, f in os.walk(tree)) - sum(1 for d, _, f in os.walk(tree) for x in f if os.path.islink(os.path.join(d, x)))
code = int(open(os.path.join(tree, "include/generated/uapi/linux/version.h")).readline().split()[2])
assert m["strategy"] == "host", m["strategy"]
assert m["exact"] is True
assert m["tree"]["version_code"] == code, (m["tree"]["version_code"], code)
assert m["tree"]["files"] == files, (m["tree"]["files"], files)
assert m["release"] == os.path.basename(os.path.dirname(tree))
assert any(s["role"] == "source" for s in m["sources"]), m["sources"]
# One convention: host files as the host sees them, the host root recorded.
assert m["host_root"] == sys.argv[3], m["host_root"]
for s in m["sources"]:
    assert s["path"].startswith("/usr/src/linux-headers-"), s["path"]
    assert os.path.isdir(sys.argv[3] + s["path"]), s["path"]
assert m["origin"] == "host headers at /lib/modules/%s/build" % m["release"], m["origin"]
assert m["tool_version"] and m["timings"]["total_ms"] >= 0
print("manifest ok")
PY
ok $? "manifest records strategy, exactness, sources, version code and file count"
[ -s "$TMP/m.out" ] && grep -v 'manifest ok' "$TMP/m.out" | sed 's/^/#   /'

BCC_KERNEL_SOURCE=$TREE "$BCC_COMPILE" "$TESTS_DIR/data/task_probe.c" >"$TMP/bcc.out" 2>&1
ok $? "BCC compiles a task_struct program against the published tree"
[ $? -eq 0 ] || tail -n 20 "$TMP/bcc.out" | sed 's/^/#   /'
BCC_KERNEL_SOURCE=$TMP/no-such-tree "$BCC_COMPILE" "$TESTS_DIR/data/task_probe.c" >/dev/null 2>&1
ok $((! $?)) "the same program does not compile without a tree (the check can fail)"

before=$(tree_digest "$OUT/$RELEASE")
run_ph --host-root "$HOST_ROOT" --kernel-release "$RELEASE" --output "$OUT"
is "$PH_RC" 0 "second run succeeds"
like "$PH_ERR" "cache: .* is published and complete \\(exact, validation: not run\\), nothing to do" "second run is a cache hit, saying what the tree is"
is "$(tree_digest "$OUT/$RELEASE")" "$before" "cache hit changes nothing"

run_ph --host-root "$HOST_ROOT" --kernel-release "$RELEASE" --output "$OUT" --force
is "$PH_RC" 0 "--force rebuilds over a published tree"
is "$(ls -A "$OUT" | tr '\n' ' ')" ".lock $RELEASE " "after --force only the tree and the lock remain"

run_ph --host-root "$HOST_ROOT" --kernel-release "$RELEASE" --output "$TMP/dry" --dry-run
is "$PH_RC" 0 "--dry-run succeeds"
like "$PH_ERR" "dry-run: host would provide headers from $HOST_ROOT/lib/modules/$RELEASE/build" "--dry-run says what it would do"
[ ! -e "$TMP/dry" ]
ok $? "--dry-run creates nothing"

# The same tree through the other places headers live: /usr/src only.
alt=$TMP/alt-root
mkdir -p "$alt/usr/src"
cp -a "$HOST_ROOT/usr/src/." "$alt/usr/src/"
cp -a "$HOST_ROOT/usr/lib" "$alt/usr/"
run_ph --host-root "$alt" --kernel-release "$RELEASE" --output "$TMP/out-usrsrc"
is "$PH_RC" 0 "finds /usr/src/linux-headers-<release> without /lib/modules, source from the wrapper Makefile"
pass_if "that tree equals the first" -- diff -r "$TREE" "$TMP/out-usrsrc/$RELEASE/build"
done_testing

#!/bin/bash
# A hostile output volume or bank (a shared hostPath that other pods can
# write): planted symlinks where the tool writes or looks for trees, and
# a forged manifest beside a bare tree. Nothing is written outside, and
# nothing is believed that the tree itself does not show.
. "$(dirname "$0")/../lib.sh"
load_debian_fixture
args=(--host-root "$HOST_ROOT" --kernel-release "$RELEASE")
victim=$TMP/victim
mkdir -p "$victim"
victim_state() { find "$victim" -printf '%p %s\n' | sort; }
before=$(victim_state)

# A dangling .lock symlink: the lock never creates its target.
OUT=$TMP/out-lock
mkdir -p "$OUT"
ln -s "$victim/created-by-lock" "$OUT/.lock"
run_ph "${args[@]}" --output "$OUT"
is "$PH_RC" 0 "provisions with a planted .lock symlink"
ok "$([ ! -e "$victim/created-by-lock" ] && echo 0 || echo 1)" "nothing created at the .lock symlink's target"
ok "$([ -f "$OUT/.lock" ] && [ ! -L "$OUT/.lock" ] && echo 0 || echo 1)" "the .lock is a plain file now"

# .staging as a symlink out of the volume.
OUT=$TMP/out-staging
mkdir -p "$OUT"
ln -s "$victim" "$OUT/.staging"
run_ph "${args[@]}" --output "$OUT"
is "$PH_RC" 0 "provisions with a planted .staging symlink"
is "$(victim_state)" "$before" "nothing staged at its target"

# <out>/<release> and <out>/<release>/build as symlinks to a real tree
# elsewhere: never taken as a published tree.
good=$TMP/out-good
run_ph "${args[@]}" --output "$good"
is "$PH_RC" 0 "a real tree to point at"
OUT=$TMP/out-rel
mkdir -p "$OUT"
ln -s "$good/$RELEASE" "$OUT/$RELEASE"
run_ph "${args[@]}" --output "$OUT" --strategy host
is "$PH_RC" 0 "runs with <out>/<release> planted as a symlink"
unlike=$(echo "$PH_ERR" | grep -c 'nothing to do')
is "$unlike" 0 "the symlinked release dir is not reused as published"
ok "$([ -d "$OUT/$RELEASE" ] && [ ! -L "$OUT/$RELEASE" ] && echo 0 || echo 1)" "a real tree replaced the symlink"
ok "$([ -f "$good/$RELEASE/manifest.json" ] && cmp -s "$good/$RELEASE/manifest.json" "$good/$RELEASE/manifest.json" && echo 0 || echo 1)" "the tree it pointed at is still there"
OUT=$TMP/out-build
mkdir -p "$OUT/$RELEASE"
cp "$good/$RELEASE/manifest.json" "$OUT/$RELEASE/"
ln -s "$good/$RELEASE/build" "$OUT/$RELEASE/build"
run_ph "${args[@]}" --output "$OUT" --strategy host
is "$PH_RC" 0 "runs with <out>/<release>/build planted as a symlink"
is "$(echo "$PH_ERR" | grep -c 'nothing to do')" 0 "a symlinked build is not reused"
ok "$([ ! -L "$OUT/$RELEASE/build" ] && echo 0 || echo 1)" "the published build is a real directory"

# A forged manifest (exact, validation passed) beside a bare tree holding
# only the three files the version checks read.
OUT=$TMP/out-forged
b=$OUT/$RELEASE/build
mkdir -p "$b/include/generated/uapi/linux"
cp "$good/$RELEASE/build/include/generated/uapi/linux/version.h" "$b/include/generated/uapi/linux/"
cp "$good/$RELEASE/build/include/generated/utsrelease.h" "$good/$RELEASE/build/include/generated/autoconf.h" "$b/include/generated/"
python3 - "$good/$RELEASE/manifest.json" "$OUT/$RELEASE/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["exact"] = True
m["validation"] = {"verdict": "passed", "mismatches": []}
json.dump(m, open(sys.argv[2], "w"))
PY
run_ph "${args[@]}" --output "$OUT" --strategy host
is "$PH_RC" 0 "runs over a forged manifest"
is "$(echo "$PH_ERR" | grep -c 'nothing to do')" 0 "the bare tree is not reused because its manifest says so"
ok "$([ -f "$OUT/$RELEASE/build/include/linux/kconfig.h" ] && echo 0 || echo 1)" "a complete tree is published in its place"

# A bank candidate whose include/generated is a symlink out of the bank:
# close-match never writes its rewritten files there.
bank=$TMP/bank
make_mini_tree "$bank/6.17.0-mini/build" 6.17.0-mini $(( (6 << 16) + (17 << 8) ))
mv "$bank/6.17.0-mini/build/include/generated" "$victim/generated"
ln -s "$victim/generated" "$bank/6.17.0-mini/build/include/generated"
before=$(victim_state)
run_ph --strategy close-match --bank "$bank" --output "$TMP/out-cm"
ok "$([ "$PH_RC" -ne 0 ] && echo 0 || echo 1)" "a candidate with a symlinked include/generated is refused (exit $PH_RC)"
like "$PH_ERR" "include/generated|symbolic links" "...with a message that says why"
is "$(victim_state)" "$before" "nothing written at the symlink's target"
ok "$([ ! -e "$TMP/out-cm/$(uname -r)" ] && echo 0 || echo 1)" "and nothing published"
# A bank candidate whose .config is a link out of the bank: close-match
# reads a candidate's files beneath the candidate, so what the link leads
# to is not merged into the published .config (or anywhere else).
bank2=$TMP/bank2
mkdir -p "$TMP/outside2"
printf 'CONFIG_FROM_OUTSIDE_BANK=y\nCONFIG_HZ=250\n' >"$TMP/outside2/config"
make_mini_tree "$bank2/6.17.0-mini/build" 6.17.0-mini $(( (6 << 16) + (17 << 8) ))
rm -f "$bank2/6.17.0-mini/build/.config"
ln -s "$TMP/outside2/config" "$bank2/6.17.0-mini/build/.config"
run_ph --strategy close-match --bank "$bank2" --output "$TMP/out-cm2"
ok "$(grep -rqs FROM_OUTSIDE_BANK "$TMP/out-cm2" && echo 1 || echo 0)" "a candidate's .config linked out of the bank is not read (exit $PH_RC)"
done_testing

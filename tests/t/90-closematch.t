#!/bin/bash
# close-match on this machine for real: a 6.18 kernel with no headers
# anywhere, a bank of real Debian trees (6.1, two 6.12, 7.x).
. "$(dirname "$0")/../lib.sh"
[ -r /proc/config.gz ] || skip_all "no /proc/config.gz: this test needs the running kernel's config"
[ "$(id -u)" -eq 0 ] || skip_all "loading the probe needs root"
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
env=$("$TESTS_DIR/fixtures/closematch-bank") || { echo "Bail out! cannot build the close-match bank"; exit 1; }
# shellcheck disable=SC1090
. "$env"
REL=$(uname -r)
OUT=$TMP/out
# A host root without apt sources: the bank is the only candidate source,
# and nothing but loopback is ever contacted. /proc and /sys still come
# from this machine (the runtime fallback), so the kernel is the real one.
EMPTY=$TMP/emptyroot
mkdir -p "$EMPTY"
PH_WRAP=(env PROVISION_HEADERS_HOST_ROOT="$EMPTY")
BPF=$TESTS_DIR/../bpf
manifest() { python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1/$REL/manifest.json" "$2"; }

run_ph --strategy close-match --bank "$BANK" --output "$OUT" --bpf-dir "$BPF"
is "$PH_RC" 0 "close-match publishes a tree for the running kernel from the bank"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 8 | sed 's/^/#   /'
for r in "$BANK_6_12" "$BANK_6_12_BPO" "$BANK_6_1"; do
	like "$PH_ERR" "close-match: $(printf '%s' "$r" | sed 's/[+.]/\\&/g') \(bank .*\): [0-9]+ of [0-9]+ struct members agree with the kernel's BTF" \
		"the BTF agreement of candidate $r is reported"
done
echo "$PH_ERR" | grep 'struct members agree' | sed 's/^/# /'
is "$(manifest "$OUT" 'm["close_match"]["candidate"]["release"]')" "$BANK_6_12" \
	"the nearest 6.12 wins: best layout agreement, then nearest version"
is "$(manifest "$OUT" 'm["exact"]')" "False" "the manifest marks the tree as an approximation"
is "$(manifest "$OUT" 'any(c["release"] == "'"$BANK_7"'" for c in m["close_match"]["candidates"])')" "False" \
	"the 7.x tree (another major) is not a candidate by default"
T=$OUT/$REL/build
CODE=$("$PH" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version_code"])')
like "$(cat "$T/include/generated/uapi/linux/version.h")" "#define LINUX_VERSION_CODE $CODE" "version.h carries the running kernel's code"
like "$(cat "$T/include/generated/uapi/linux/version.h")" "#define LINUX_VERSION_SUBLEVEL" "...and its parts"
is "$(sed -n 's/#define UTS_RELEASE "\(.*\)"/\1/p' "$T/include/generated/utsrelease.h")" "$REL" "UTS_RELEASE is the running release"
hz=$(zcat /proc/config.gz | sed -n 's/^CONFIG_HZ=//p')
like "$(cat "$T/include/generated/autoconf.h")" "#define CONFIG_HZ $hz" "autoconf.h carries the running kernel's CONFIG_HZ"
like "$(cat "$T/include/generated/timeconst.h")" "Time conversion constants for HZ == $hz" "timeconst.h is computed for it"
pass_if ".config is the running kernel's for every symbol it sets" -- sh -c "zcat /proc/config.gz | grep '^CONFIG_' | sort >'$TMP/run.cfg'; grep '^CONFIG_' '$T/.config' | sort >'$TMP/tree.cfg'; comm -23 '$TMP/run.cfg' '$TMP/tree.cfg' | head -5; [ -z \"\$(comm -23 '$TMP/run.cfg' '$TMP/tree.cfg')\" ]"
is "$(stat -c %i "$T/include/linux/kernel.h")" "$(stat -c %i "$BANK/$BANK_6_12/build/include/linux/kernel.h")" \
	"an untouched file is a hardlink into the bank, not a copy"
is "$(sed -n 's/#define UTS_RELEASE "\(.*\)"/\1/p' "$BANK/$BANK_6_12/build/include/generated/utsrelease.h")" "$BANK_6_12" \
	"the bank's own files are left as they were"
shared=$(find "$T" -type f -links +1 | wc -l); all=$(find "$T" -type f | wc -l)
ok $(( (all - shared) * 20 < all ? 0 : 1 )) "only the rewritten files (close-match's and the BTF correction's) are new ($((all - shared)) of $all)"

# BCC compiles against it and loads into this kernel: the probe fires;
# corrected from the kernel's BTF (tests/t/92-btf.t), every member agrees.
"$PH_BUILD/provision-headers-runner" --bpf-dir "$BPF" --tree "$T" >"$TMP/run.out" 2>"$TMP/run.err"
rc=$?
like "$(cat "$TMP/run.err")" "ok   count: 25 calls counted" "BCC compiled, loaded and attached a probe; it fired for every call"
is "$rc" 0 "...and the runner finds the BTF-corrected close match right (exit 0)"
grep -E 'FAIL' "$TMP/run.err" | head -3 | sed 's/^/# /'

# Uncorrected (the provisioner sees no BTF): the runner names the members
# the approximation gets wrong; --validate turns that into the documented
# exit code; --require none reports only.
OUTU=$TMP/out-uncorrected
PH_WRAP=(unshare -m sh -c 'mount -t tmpfs none /sys/kernel/btf && exec "$@"' hide-btf env PROVISION_HEADERS_HOST_ROOT="$EMPTY")
run_ph --strategy close-match --bank "$BANK" --output "$OUTU"
PH_WRAP=(env PROVISION_HEADERS_HOST_ROOT="$EMPTY")
is "$(manifest "$OUTU" 'm["level"]')" "close-match" "without BTF the close match stays uncorrected"
"$PH_BUILD/provision-headers-runner" --bpf-dir "$BPF" --tree "$OUTU/$REL/build" >"$TMP/run.out" 2>"$TMP/run.err"
is "$?" 1 "...and the runner names the members this approximation gets wrong (exit 1)"
grep -E 'FAIL (start_time|real_parent|btf)' "$TMP/run.err" | head -3 | sed 's/^/# /'
run_ph --strategy cache,close-match --bank "$BANK" --output "$OUTU" --bpf-dir "$BPF" --validate --json
is "$PH_RC" 7 "--validate on a close match with named mismatches: exit 7"
like "$PH_ERR" "validation: the headers are WRONG for this kernel: .*task_struct" "...naming the members"
like "$PH_OUT" '"verdict":"mismatch"' "--json carries the validation verdict"
run_ph --strategy cache,close-match --bank "$BANK" --output "$OUTU" --validate --require none
is "$PH_RC" 0 "--require none: reported, not failed"
like "$(manifest "$OUTU" 'm["validation"]["verdict"]')" "mismatch" "the manifest keeps the validation result"

# Distance and arch.
mkdir -p "$TMP/far" && cp -al "$BANK/$BANK_7" "$TMP/far/"
run_ph --strategy close-match --bank "$TMP/far" --output "$TMP/o-far"
is "$PH_RC" 3 "a candidate of another major is refused by default (exit 3)"
like "$PH_ERR" "1 candidate tree\(s\) in .*, all beyond --max-distance same-major of 6\.18" "...saying why"
[ ! -e "$TMP/o-far/$REL" ]; ok $? "...and nothing is published"
run_ph --strategy close-match --bank "$TMP/far" --output "$TMP/o-far" --max-distance any
is "$PH_RC" 0 "--max-distance any accepts it"
mkdir -p "$TMP/arm/6.17.0-arm64/build"
cp -a "$BANK/$BANK_6_12/build/include" "$TMP/arm/6.17.0-arm64/build/"
mkdir -p "$TMP/arm/6.17.0-arm64/build/arch/arm64/include"
run_ph --strategy close-match --bank "$TMP/arm" --output "$TMP/o-arm"
is "$PH_RC" 3 "a bank with only another arch: exit 3"
like "$PH_ERR" "are for another architecture \(arm64\), not x86" "...with a clear error"
run_ph --strategy close-match --bank "$BANK" --output "$TMP/o-dry" --dry-run
like "$PH_ERR" "dry-run: close-match would provide headers from 3 candidate\(s\), nearest $(printf '%s' "$BANK_6_12" | sed 's/[+.]/\\&/g')" \
	"--dry-run names the nearest candidate"

# patches/: one that applies, one that does not.
data=$TMP/data
mkdir -p "$data/patches" "$TMP/one"
cp -r "$TESTS_DIR/../distros" "$data/"
cp -al "$BANK/$BANK_6_1" "$TMP/one/"
cat >"$data/patches/fix.patch" <<'P'
--- a/include/linux/kconfig.h
+++ b/include/linux/kconfig.h
@@ -1,2 +1,3 @@
 /* SPDX-License-Identifier: GPL-2.0 */
+/* patched by provision-headers tests */
 #ifndef __LINUX_KCONFIG_H
P
printf 'fix.patch 6.1 6.1\n' >"$data/patches/series"
run_ph --strategy close-match --bank "$TMP/one" --output "$TMP/o-patch" --data-dir "$data"
is "$PH_RC" 0 "a patch in range applies"
like "$(cat "$TMP/o-patch/$REL/build/include/linux/kconfig.h")" "patched by provision-headers tests" "...to the tree"
! grep -q "patched by" "$BANK/$BANK_6_1/build/include/linux/kconfig.h"
ok $? "...and not through a hardlink into the bank"
printf 'fix.patch 6.1 6.1\nbroken.patch * *\n' >"$data/patches/series"
printf -- '--- a/include/linux/kconfig.h\n+++ b/include/linux/kconfig.h\n@@ -1,1 +1,1 @@\n-no such line\n+x\n' >"$data/patches/broken.patch"
run_ph --strategy close-match --bank "$TMP/one" --output "$TMP/o-broken" --data-dir "$data"
is "$PH_RC" 8 "a patch that does not apply: exit 8"
like "$PH_ERR" "patch $data/patches/broken.patch does not apply" "...naming the patch"
[ ! -e "$TMP/o-broken/$REL" ]; ok $? "...and nothing is published"

# The ranking reads the runner's answer with every type checked: a runner
# that answers "btf": null counts as nothing measured, not as a crash.
printf '#!/bin/sh\necho %s\n' "'{\"btf\": null}'" >"$TMP/null-runner"
printf '#!/bin/sh\necho %s\n' "'{\"btf\": []}'" >"$TMP/empty-runner"
chmod +x "$TMP/null-runner" "$TMP/empty-runner"
mkdir -p "$TMP/two" && cp -al "$BANK/$BANK_6_12" "$BANK/$BANK_6_1" "$TMP/two/"
run_ph --strategy close-match --bank "$TMP/two" --output "$TMP/o-null" --runner "$TMP/null-runner"
is "$PH_RC" 0 'a runner answering "btf": null does not abort close-match'
like "$PH_ERR" "close-match: $(printf '%s' "$BANK_6_12" | sed 's/[+.]/\\&/g'): .* do not compile here" "...its answer counts as nothing measured"
is "$(manifest "$TMP/o-null" 'm["close_match"]["chosen_by"]')" "version nearness" "...and the nearest version wins"

# A candidate built for ranking that fails to build (here a malformed
# .config) is passed over for the next one, not the end of close-match.
mkdir -p "$TMP/bad" && cp -al "$BANK/$BANK_6_12" "$BANK/$BANK_6_1" "$TMP/bad/"
rm "$TMP/bad/$BANK_6_12/build/.config"
printf 'CONFIG_HZ=250\nnot a config line\n' >"$TMP/bad/$BANK_6_12/build/.config"
run_ph --strategy close-match --bank "$TMP/bad" --output "$TMP/o-bad" --runner "$TMP/empty-runner"
is "$PH_RC" 0 "a nearer candidate that fails to build does not sink close-match"
like "$PH_ERR" "candidate $(printf '%s' "$BANK_6_12" | sed 's/[+.]/\\&/g') passed over: .*\.config" "...it is passed over, saying why"
is "$(manifest "$TMP/o-bad" 'm["close_match"]["candidate"]["release"]')" "$BANK_6_1" "...and the next one is used"
done_testing

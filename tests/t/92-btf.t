#!/bin/bash
# The BTF correction of a close match on this machine for real: the 6.18
# kernel's own BTF rewrites a Debian 6.12 tree from the bank, the runner
# compares every member of the structs probes read, the bundled probes
# read the right memory. Then --btf FILE where the machine's BTF is hidden
# (a mount namespace), a corrupt file, another release's file.
. "$(dirname "$0")/../lib.sh"
[ -r /proc/config.gz ] || skip_all "no /proc/config.gz: this test needs the running kernel's config"
[ "$(id -u)" -eq 0 ] || skip_all "loading the probes and hiding /sys/kernel/btf need root"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "the running kernel has no BTF"
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
env=$("$TESTS_DIR/fixtures/closematch-bank") || { echo "Bail out! cannot build the close-match bank"; exit 1; }
# shellcheck disable=SC1090
. "$env"
REL=$(uname -r)
BPF=$TESTS_DIR/../bpf
RUNNER=$PH_BUILD/provision-headers-runner
EMPTY=$TMP/emptyroot
mkdir -p "$EMPTY"
PH_WRAP=(env PROVISION_HEADERS_HOST_ROOT="$EMPTY")
# The same, with /sys/kernel/btf hidden from the provisioner and the runner.
HIDE_BTF=(unshare -m sh -c 'mount -t tmpfs none /sys/kernel/btf && exec "$@"' hide-btf env PROVISION_HEADERS_HOST_ROOT="$EMPTY")
jq_() { python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
manifest() { jq_ "$1/$REL/manifest.json" "$2"; }
# runner_counts TREE: "compared agree" over every member of the bundled structs.
runner_counts() {
	"$RUNNER" --tree "$1" --btf-only --structs all --json 2>"$TMP/runner.err" |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["btf_compared"], d["btf_agree"])'
}

# Corrected from the running kernel's own BTF, validated.
OUT=$TMP/out
run_ph --strategy close-match --bank "$BANK" --output "$OUT" --bpf-dir "$BPF" --validate --json
is "$PH_RC" 0 "close-match with the kernel's BTF: validated, exit 0"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 12 | sed 's/^/#   /'
like "$PH_ERR" "btf-correction: [0-9]+ structs rewritten from /sys/kernel/btf/vmlinux, [0-9]+ members asserted" \
	"the correction says what it did"
echo "$PH_ERR" | grep 'btf-correction:' | sed 's/^/# /'
like "$PH_ERR" "validation: close match corrected from the kernel's BTF, no mismatch found" "validation reports the new level"
like "$PH_OUT" '"level":"btf-corrected"' "--json reports level btf-corrected"
is "$(manifest "$OUT" 'm["level"]')" "btf-corrected" "manifest.json: level btf-corrected"
is "$(manifest "$OUT" 'm["exact"]')" "False" "...and still not exact"
is "$(manifest "$OUT" 'm["validation"]["verdict"]')" "ok" "the runner's verdict: ok"
is "$(manifest "$OUT" 'm["validation"]["btf_compared"] >= 1000 and m["validation"]["btf_compared"] == m["validation"]["btf_agree"]')" \
	"True" "the runner compared at least 1000 members with BTF, none disagreeing"
echo "# runner in validation: $(manifest "$OUT" 'm["validation"]["btf_compared"]') compared, $(manifest "$OUT" 'm["validation"]["btf_agree"]') agree"
is "$(manifest "$OUT" '",".join(c["name"] for c in m["validation"]["checks"] if c["name"] in ("count","start_time","real_parent","arg_start","f_pos","i_ino","tcp_ports") and c["status"] == "ok")')" \
	"count,start_time,real_parent,arg_start,f_pos,i_ino,tcp_ports" \
	"the ground-truth probes pass (count, start_time, real_parent, arg_start, f_pos, i_ino, tcp_ports)"
is "$(manifest "$OUT" 'all(k in m["close_match"]["btf_correction"] for k in ("structs_rewritten","members_checked","members_opaque","members_kept_from_tree"))')" \
	"True" "the manifest lists structs and members checked, made opaque and kept"
is "$(manifest "$OUT" 'any(s.startswith("struct task_struct ") for s in m["close_match"]["btf_correction"]["structs"])')" "True" \
	"...task_struct among the structs rewritten"
T=$OUT/$REL/build
like "$(grep -c '_Static_assert(__builtin_offsetof(struct task_struct' "$T/include/linux/sched.h")" '^[0-9]{3}' \
	"linux/sched.h asserts task_struct's offsets"
! grep -q '_Static_assert' "$BANK/$BANK_6_12/build/include/linux/sched.h"
ok $? "the bank's own sched.h is untouched (the tree's file was written anew, not through the hardlink)"
cat >"$TMP/net.c" <<'C'
#include <net/sock.h>
#include <linux/skbuff.h>
#include <linux/netdevice.h>
#include <linux/filter.h>
int f(void *ctx) { return 0; }
C
pass_if "net/sock.h, linux/skbuff.h, linux/filter.h compile with this BCC despite its own uapi bpf.h" -- \
	env BCC_KERNEL_SOURCE="$T" "$BCC_COMPILE" "$TMP/net.c"
run_ph --strategy cache,close-match --bank "$BANK" --output "$OUT" --validate --require btf-corrected
is "$PH_RC" 0 "--require btf-corrected accepts it"
run_ph --strategy cache,close-match --bank "$BANK" --output "$OUT" --validate --require exact
is "$PH_RC" 7 "--require exact does not (exit 7)"

# Before and after, member by member.
OUT0=$TMP/out-uncorrected
PH_WRAP=("${HIDE_BTF[@]}")
run_ph --strategy close-match --bank "$BANK" --output "$OUT0"
is "$PH_RC" 0 "with /sys/kernel/btf hidden and no --btf, close-match still publishes"
is "$(manifest "$OUT0" 'm["level"]')" "close-match" "...uncorrected (level close-match)"
read -r c0 a0 <<<"$(runner_counts "$OUT0/$REL/build")"
read -r c1 a1 <<<"$(runner_counts "$T")"
echo "# members compared/agreeing with BTF: uncorrected $c0/$a0, corrected $c1/$a1"
ok $(( a0 < c0 ? 0 : 1 )) "the uncorrected tree has members at wrong offsets ($((c0 - a0)) of $c0)"
ok $(( c1 >= 1000 && c1 == a1 ? 0 : 1 )) "the corrected tree: $c1 compared, $((c1 - a1)) disagree"

# --btf FILE with the machine's BTF hidden: raw, and as BTFHub ships it.
cp /sys/kernel/btf/vmlinux "$TMP/$REL.btf"
OUT2=$TMP/out-btf
run_ph --strategy close-match --bank "$BANK" --output "$OUT2" --bpf-dir "$BPF" --btf "$TMP/$REL.btf" --validate
is "$PH_RC" 0 "--btf FILE (raw) without /sys/kernel/btf: validated, exit 0"
is "$(manifest "$OUT2" 'm["level"]')" "btf-corrected" "...btf-corrected"
is "$(manifest "$OUT2" 'm["close_match"]["btf_correction"]["btf"]')" "$TMP/$REL.btf" "...from the file given"
is "$(manifest "$OUT2" 'm["validation"]["btf_compared"] == m["validation"]["btf_agree"] and m["validation"]["btf_compared"] >= 1000')" \
	"True" "...and the runner, given the same file, finds no member disagreeing"
cmp -s <(cd "$T" && find include arch -name '*.h' | sort | xargs cat) <(cd "$OUT2/$REL/build" && find include arch -name '*.h' | sort | xargs cat)
ok $? "...the same headers as with the kernel's own BTF"
tar -cJf "$TMP/$REL.btf.tar.xz" -C "$TMP" "$REL.btf"
# The runner reads raw BTF: it is given the archive's BTF in a private
# file under $TMPDIR, removed afterwards.
mkdir -p "$TMP/xztmp"
TMPDIR=$TMP/xztmp run_ph --strategy close-match --bank "$BANK" --output "$TMP/out-xz" --bpf-dir "$BPF" \
	--btf "$TMP/$REL.btf.tar.xz" --validate
is "$PH_RC" 0 "--btf FILE.btf.tar.xz (BTFHub's archive) without /sys/kernel/btf: validated, exit 0"
is "$(manifest "$TMP/out-xz" 'm["level"]')" "btf-corrected" "...btf-corrected"
is "$(manifest "$TMP/out-xz" 'm["validation"]["btf_compared"] >= 1000 and m["validation"]["btf_compared"] == m["validation"]["btf_agree"]')" \
	"True" "...and the runner, given the archive's BTF as a raw file, compares every member with it, none disagreeing"
echo "# runner with the archive's BTF: $(manifest "$TMP/out-xz" 'm["validation"]["btf_compared"]') compared, $(manifest "$TMP/out-xz" 'm["validation"]["btf_agree"]') agree"
is "$(ls -A "$TMP/xztmp")" "" "...and the raw BTF file it was given under \$TMPDIR is removed"
PROVISION_HEADERS_BTF=$TMP/$REL.btf run_ph --strategy close-match --bank "$BANK" --output "$TMP/out-env"
is "$(manifest "$TMP/out-env" 'm["level"]')" "btf-corrected" "PROVISION_HEADERS_BTF does the same"

# A corrupt BTF file: one clear line, nothing published.
mkdir -p "$TMP/cut"; head -c 100000 "$TMP/$REL.btf" >"$TMP/cut/$REL.btf"
run_ph --strategy close-match --bank "$BANK" --output "$TMP/out-cut" --btf "$TMP/cut/$REL.btf"
is "$PH_RC" 8 "a truncated BTF file: exit 8"
like "$PH_ERR" "--btf $TMP/cut/$REL\.btf: not valid BTF \(corrupt or truncated\)" "...naming the file and what is wrong"
is "$(echo "$PH_ERR" | grep -c 'error')" 1 "...in one error line"
[ ! -e "$TMP/out-cut/$REL" ]; ok $? "...and nothing is published"
cp "$TMP/$REL.btf" "$TMP/6.1.0-99-amd64.btf"
run_ph --strategy close-match --bank "$BANK" --output "$TMP/out-other" --btf "$TMP/6.1.0-99-amd64.btf"
is "$PH_RC" 2 "a BTF file named for another release is refused (exit 2)"
like "$PH_ERR" "--btf .*6\.1\.0-99-amd64\.btf is named for kernel 6\.1\.0-99-amd64, not $REL: refused" "...with a clear line"
[ ! -e "$TMP/out-other/$REL" ]; ok $? "...and nothing is published"

# The struct check compiles every group's headers in one unit; when one
# group's headers do not compile against a tree, each group is compiled
# alone, so the others are still compared.
read -r c_all a_all <<<"$(runner_counts "$OUT/$REL/build")"
mkdir -p "$TMP/brokensock" && cp -a "$OUT/$REL/build/." "$TMP/brokensock/"
sock_h=$(readlink -f "$TMP/brokensock/include/net/sock.h")
case $sock_h in "$TMP/brokensock/"*) echo '#error broken on purpose by the test' >>"$sock_h" ;; esac
read -r c_b a_b <<<"$(runner_counts "$TMP/brokensock")"
like "$(cat "$TMP/runner.err")" "sock,sock_common,socket,sk_buff,net_device: net/sock.h.* do not compile against the tree; their members are not compared" \
	"a tree whose net/sock.h does not compile: that group is skipped, saying so"
ok "$([ "$c_b" -gt 0 ] && [ "$c_b" -lt "$c_all" ] && [ "$c_b" = "$a_b" ] && echo 0 || echo 1)" \
	"...and the other groups are still compared, all agreeing ($c_b of the $c_all members)"

# Another release than the running kernel's never gets the running kernel's BTF.
PH_WRAP=(env PROVISION_HEADERS_HOST_ROOT="$EMPTY")
run_ph --strategy close-match --bank "$BANK" --output "$TMP/out-rel" --kernel-release 6.18.1-other
is "$PH_RC" 0 "close-match for --kernel-release 6.18.1-other"
is "$(jq_ "$TMP/out-rel/6.18.1-other/manifest.json" 'm["level"]')" "close-match" \
	"...is not corrected with the running kernel's BTF"
! echo "$PH_ERR" | grep -q 'btf-correction'
ok $? "...and says nothing of a correction"
done_testing

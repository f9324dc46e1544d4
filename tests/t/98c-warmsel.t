#!/bin/bash
# warm's selection (issue 15): --kernels-from (comments, blank lines,
# duplicates, kubectl's one-line form, stdin; a bad line named by
# FILE:LINE), --latest N of --distro debian:12 against a local signed
# mirror holding three 6.1 ABIs (the two newest chosen and warmed exactly,
# against dpkg -x of their packages), --series and --flavour, and --arch
# amd64,arm64 on this x86_64 machine: the arm64 tree keeps arch/arm64 and
# no arch/x86, equals its real Debian arm64 packages, cache ls names its
# arch, and no run-time lookup on this machine serves it.
. "$(dirname "$0")/../lib.sh"
load_apt_fixture
# shellcheck disable=SC1090
. "$("$TESTS_DIR/fixtures/apt-fleet")" || { echo "Bail out! cannot build the fleet repository"; exit 1; }
[ "$(uname -m)" = x86_64 ] || skip_all "the arm64 checks assume an x86_64 machine"
start_mirror "$FLEET"
read -r A1 A2 A3 <<<"$FLEET_ABIS"
POOL=$FLEET/debian/pool/main/l
deb() { ls "$POOL/$1"_*.deb | sort -V | tail -n 1; }

# A build machine that is not Debian: --distro says what the kernels are for.
E=$TMP/fedora-root
mkdir -p "$E/etc"
printf 'ID=fedora\nVERSION_ID=40\nNAME="Fedora Linux"\n' >"$E/etc/os-release"
REPO_ARGS=(--host-root "$E" --mirror "$MIRROR/ok/debian bookworm main" --keyring "$FLEET_KEY" --retries 2)
C=$TMP/cache
NAIVE=$TMP/naive

# --kernels-from: one a line, comments, blanks, duplicates, kubectl's form.
cat >"$TMP/kernels" <<EOF
# the fleet's kernels
$A1-amd64

   $A2-amd64   # the canary pool
$A1-amd64
EOF
printf '%s-amd64 %s-amd64 %s-amd64' "$A3" "$A1" "$A3" >>"$TMP/kernels" # kubectl's jsonpath: one line, no newline
run_ph warm --kernels-from "$TMP/kernels" --distro debian:12 --dry-run "${REPO_ARGS[@]}"
is "$PH_RC" 0 "warm --kernels-from FILE --dry-run"
is "$PH_OUT" "$(printf '%s amd64\n' "$A1-amd64" "$A2-amd64" "$A3-amd64")" \
	"...chooses each release once, in the file's order, comments, blank lines and kubectl's one-line form read"
like "$PH_ERR" "distro would provide headers from Debian packages linux-headers-$A3-amd64_" "...and warms each (dry run)"
"${NO_NETWORK[@]}" "$PH" warm --kernels-from - --distro debian:12 --dry-run "${REPO_ARGS[@]}" \
	<<<"$A2-amd64 $A2-amd64" >"$TMP/stdin.out" 2>/dev/null
is "$?:$(cat "$TMP/stdin.out")" "0:$A2-amd64 amd64" "--kernels-from - reads standard input"

# A bad line: one line naming FILE:LINE, exit 2, nothing fetched.
printf '%s-amd64\n\n%s-amd64;reboot\n' "$A1" "$A2" >"$TMP/bad"
requests=$(grep -c '"GET ' "$TMP/mirror.log")
run_ph warm --kernels-from "$TMP/bad" --distro debian:12 "${REPO_ARGS[@]}" --output "$TMP/o-bad"
is "$PH_RC" 2 "--kernels-from with a line that is no release: exit 2"
is "$PH_ERR" "provision-headers: error: $TMP/bad:3: word 1 is not a kernel release (it contains a character other than letters, digits and . _ + ~ -: byte 0x3b at character $((${#A2} + 7)))" \
	"...one line naming FILE:LINE, the word and its first bad byte (not the word: the file may be a secret one)"
is "$PH_OUT:$(grep -c '"GET ' "$TMP/mirror.log"):$([ -e "$TMP/o-bad/$A1-amd64" ] && echo warmed)" ":$requests:" \
	"...before anything is chosen, fetched or warmed"
printf '6.1.0-%s\n' "$(printf 'x%.0s' $(seq 1 70))" >"$TMP/long"
run_ph warm --kernels-from "$TMP/long" --distro debian:12 "${REPO_ARGS[@]}"
is "$PH_RC:$(printf '%s\n' "$PH_ERR" | wc -l)" "2:1" "a release longer than 64 characters: exit 2, one line"
is "$PH_ERR" "provision-headers: error: $TMP/long:1: word 1 is not a kernel release (it is longer than 64 characters)" "...naming FILE:LINE"
printf 'root:$6$saltsalt$SECRETHASH:19000:0:99999:7:::\n' >"$TMP/shadow"
run_ph warm --kernels-from "$TMP/shadow" --distro debian:12 "${REPO_ARGS[@]}"
is "$PH_RC:$(printf '%s\n' "$PH_ERR" | grep -c 'saltsalt\|SECRET\|root')" "2:0" "a shadow-like file: exit 2, no piece of its line printed"
mkfifo "$TMP/fifo"
timeout 120 "${NO_NETWORK[@]}" "$PH" warm --kernels-from "$TMP/fifo" --distro debian:12 "${REPO_ARGS[@]}" >/dev/null 2>"$TMP/fifo.err"
is "$?:$(cat "$TMP/fifo.err")" "2:provision-headers: error: --kernels-from $TMP/fifo: not a regular file (a FIFO, socket or device is not read; - reads standard input)" \
	"--kernels-from a FIFO no one writes: refused at once (exit 2), not waited on"
printf '%s-amd64\n\0%s-amd64\n' "$A1" "$A2" >"$TMP/nul"
run_ph warm --kernels-from "$TMP/nul" --distro debian:12 "${REPO_ARGS[@]}"
like "$PH_RC:$PH_ERR" "^2:provision-headers: error: --kernels-from $TMP/nul: a NUL byte: not a text file\$" \
	"a list with a NUL byte: exit 2, not read as ending there"
run_ph warm --kernels-from "$TMP/missing" --distro debian:12 "${REPO_ARGS[@]}"
is "$PH_RC" 2 "--kernels-from a file that is not there: exit 2"

# The options' own checks.
run_ph warm --latest 2 --distro debian "${REPO_ARGS[@]}"
is "$PH_RC" 2 "--distro without :VERSION: exit 2"
run_ph warm --series 6.1 --distro debian:12 "$A1-amd64" "${REPO_ARGS[@]}"
like "$PH_RC:$PH_ERR" "^2:.*--series chooses among what --latest lists" "--series without --latest: exit 2"
run_ph --latest 2 --output "$TMP/o-x"
like "$PH_RC:$PH_ERR" "^2:.*--latest is an option of warm only" "--latest outside warm: exit 2"
run_ph warm --arch amd64,x86_64 "$A1-amd64"
like "$PH_RC:$PH_ERR" "^2:.*architecture 'x86_64' is listed twice \(as x86_64\)" "--arch amd64,x86_64 names one architecture twice: exit 2"
run_ph warm --arch arm64,sparc "$A1-amd64"
like "$PH_RC:$PH_ERR" "^2:.*unknown architecture 'sparc'" "--arch with an unknown name: exit 2"
run_ph warm --arch amd64,arm64 6.1.0-56 --dry-run "${REPO_ARGS[@]}"
like "$PH_RC:$PH_ERR" "^2:.*6\.1\.0-56 does not end with the name of one --arch" \
	"a release naming no arch, with two --arch: exit 2"
run_ph warm "$A1-amd64" --arch arm64 --distro debian:12 --dry-run "${REPO_ARGS[@]}"
is "$PH_RC:$PH_OUT" "2:" "a release naming amd64 with --arch arm64 only: exit 2, nothing chosen"
is "$PH_ERR" "provision-headers: error: warm: $A1-amd64 names the architecture amd64, which warm is not for (--arch arm64); add it to --arch" \
	"...in one line"
printf '%s-arm64\n%s-amd64\n' "$A1" "$A2" >"$TMP/mixed"
run_ph warm --kernels-from "$TMP/mixed" --arch aarch64 --distro debian:12 --dry-run "${REPO_ARGS[@]}"
like "$PH_RC:$PH_ERR" "^2:provision-headers: error: warm: $A2-amd64 from --kernels-from $TMP/mixed names the architecture amd64" \
	"...from --kernels-from too"

# --latest without --distro on this Fedora-like root: not an apt distribution.
run_ph -q warm --latest 2 "${REPO_ARGS[@]}" --dry-run
like "$PH_RC:$PH_ERR" "^[1-9]:provision-headers: error: warm --latest: " \
	"--latest on a non-Debian build root without --distro fails, in one line"
echo "# $PH_ERR"

# --latest 2: the two newest ABIs of the series, warmed exactly.
run_ph warm --distro debian:12 --latest 2 "${REPO_ARGS[@]}" --cache-dir "$C" --output "$NAIVE"
is "$PH_RC" 0 "warm --distro debian:12 --latest 2 (three 6.1 ABIs in the index)"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
is "$PH_OUT" "$(printf '%s amd64\n' "$A1-amd64" "$A2-amd64")" "...prints the two newest it chose, one a line, before warming"
is "$(ls "$C/trees" | tr '\n' ' ')" "$A2-amd64 $A1-amd64 " "...and the store holds exactly those two"
bad=""
for abi in "$A1" "$A2"; do
	rm -rf "$TMP/dpkg"; mkdir -p "$TMP/dpkg"
	dpkg -x "$(deb "linux-headers-$abi-common")" "$TMP/dpkg" && dpkg -x "$(deb "linux-headers-$abi-amd64")" "$TMP/dpkg"
	python3 "$TESTS_DIR/tools/compare-tree.py" "$C/trees/$abi-amd64/build" x86 "$TMP/dpkg/usr/src/linux-headers-$abi-common" \
		"$TMP/dpkg/usr/src/linux-headers-$abi-amd64" >"$TMP/cmp-$abi" 2>&1 || bad="$bad $abi"
	sed 's/^/# '"$abi"': /' "$TMP/cmp-$abi" | tail -n 1
done
is "$bad" "" "...each stored tree equals dpkg -x of its packages, file by file"

run_ph warm --distro debian:12 --latest all --series 6.1 "${REPO_ARGS[@]}" --dry-run
is "$PH_OUT" "$(printf '%s amd64\n' "$A1-amd64" "$A2-amd64" "$A3-amd64")" "--latest all --series 6.1: every ABI, newest first"
run_ph warm --distro debian:12 --latest 1 --flavour cloud "${REPO_ARGS[@]}" --dry-run
is "$PH_RC:$PH_OUT" "0:$A1-cloud-amd64 amd64" "--latest 1 --flavour cloud: the cloud flavour's newest"
run_ph -q warm --distro debian:12 --latest 1 --series 6.12 "${REPO_ARGS[@]}" --dry-run
like "$PH_RC:$PH_ERR" "^3:provision-headers: error: warm --latest: no header package of the default flavour of series 6\.12 in the amd64 indexes" \
	"--series the index lacks: exit 3, one line saying so"

# --arch amd64,arm64: an arm64 tree on this x86_64 machine.
fetched_amd64=$(grep -c "GET [^ ]*linux-headers-$A1-amd64_" "$TMP/mirror.log")
run_ph warm --distro debian:12 --latest 1 --arch amd64,arm64 "${REPO_ARGS[@]}" --cache-dir "$C" --output "$NAIVE"
is "$PH_RC" 0 "warm --latest 1 --arch amd64,arm64"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
is "$PH_OUT" "$(printf '%s\n' "$A1-amd64 amd64" "$A1-arm64 arm64")" "...chooses the newest of each architecture"
like "$PH_ERR" "binary-arm64/Packages" "...reading the arm64 index"
ARM=$C/trees/$A1-arm64/build
[ -d "$ARM/arch/arm64/include/asm" ] && [ ! -e "$ARM/arch/x86" ] && [ "$(ls "$ARM/arch")" = arm64 ]
ok $? "...the arm64 tree has arch/arm64/include and no arch/x86"
rm -rf "$TMP/dpkg"; mkdir -p "$TMP/dpkg"
dpkg -x "$(deb "linux-headers-$A1-common")" "$TMP/dpkg" && dpkg -x "$(deb "linux-headers-$A1-arm64")" "$TMP/dpkg"
pass_if "...and equals dpkg -x of the real Debian arm64 packages, file by file" -- \
	python3 "$TESTS_DIR/tools/compare-tree.py" "$ARM" arm64 "$TMP/dpkg/usr/src/linux-headers-$A1-common" \
	"$TMP/dpkg/usr/src/linux-headers-$A1-arm64"
grep 'files checked' "$TMP/last.out" | sed 's/^/# arm64: /'
is "$(grep -c "GET [^ ]*linux-headers-$A1-amd64_" "$TMP/mirror.log")" "$fetched_amd64" \
	"...the amd64 kernel stored before is not fetched again"
run_ph cache ls --cache-dir "$C"
is "$(printf '%s\n' "$PH_OUT" | awk -v r="$A1-arm64" '$1 == r { print $2 }')" arm64 "cache ls shows the arm64 tree's arch"
is "$(printf '%s\n' "$PH_OUT" | awk -v r="$A1-amd64" '$1 == r { print $2 }')" x86 "...and the amd64 tree's"
run_ph warm "$A2-arm64" --arch amd64,arm64 --distro debian:12 --dry-run "${REPO_ARGS[@]}"
is "$PH_RC:$PH_OUT" "0:$A2-arm64 arm64" "a named release goes to the --arch its name ends with"
run_ph warm "$A2-arm64" --arch x86_64,aarch64 --distro debian:12 --dry-run "${REPO_ARGS[@]}"
is "$PH_RC:$PH_OUT" "0:$A2-arm64 arm64" "...the kernel's names (x86_64, aarch64) work as Debian's do"

# The store and the output keep one tree per release: another arch's tree
# of the same name is never taken for this one, nor replaced by it.
C2=$TMP/cache-other-arch
cp -a "$C" "$C2"
python3 - "$C2/index.json" "$A1-amd64" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["trees"][sys.argv[2]]["arch"] = "arm64"
json.dump(d, open(sys.argv[1], "w"))
PY
run_ph warm "$A1-amd64" --distro debian:12 "${REPO_ARGS[@]}" --cache-dir "$C2"
is "$PH_RC:$(printf '%s\n' "$PH_ERR" | grep -c 'nothing to do')" "6:0" \
	"a release the store holds for another arch: not taken as stored (exit 6)"
like "$PH_ERR" "error: warm: the store of $C2 holds $A1-amd64 for arm64; not warmed for x86 \(the store keeps one tree per release until it is keyed by release and arch\)" \
	"...one line naming the release and both arches"
O=$TMP/o-other-arch
mkdir -p "$O/$A1-arm64"
python3 - "$NAIVE/$A1-arm64/manifest.json" "$O/$A1-arm64/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["kernel"]["arch"] = "x86"
json.dump(m, open(sys.argv[2], "w"))
PY
before=$(tree_digest "$O/$A1-arm64")
run_ph warm "$A1-arm64" --arch arm64 --distro debian:12 "${REPO_ARGS[@]}" --output "$O"
is "$PH_RC:$(tree_digest "$O/$A1-arm64")" "6:$before" "an output/<release> of another arch is not replaced (exit 6, left as it was)"
like "$PH_ERR" "error: warm: $O/$A1-arm64 holds the tree of $A1-arm64 for x86; not replaced by the one for arm64" \
	"...one line naming it"

run_ph cache verify --cache-dir "$C"
is "$PH_RC" 0 "cache verify: the mixed-arch store is sound"
python3 - "$C/index.json" "$A1-arm64" "$A1-amd64" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["trees"]
assert t[sys.argv[2]]["arch"] == "arm64" and t[sys.argv[3]]["arch"] == "x86", t
PY
ok $? "index.json records each tree's arch"

# The host's own apt sources (a Debian root whose sources.list names the
# mirror, signed-by its key), with no --mirror and no --distro.
D=$TMP/debian-root
mkdir -p "$D/etc/apt/keyrings"
printf 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' >"$D/etc/os-release"
cp "$FLEET_KEY" "$D/etc/apt/keyrings/fleet.gpg"
echo "deb [signed-by=/etc/apt/keyrings/fleet.gpg] $MIRROR/ok/debian bookworm main" >"$D/etc/apt/sources.list"
run_ph warm --latest 1 --arch arm64 --host-root "$D" --dry-run
is "$PH_RC:$PH_OUT" "0:$A1-arm64 arm64" "--latest from the host's apt sources (no --mirror), for arm64 only"

# No run-time lookup on this x86_64 machine serves the arm64 tree: not
# from the store, not from the older layout, not as the published tree.
kill "$MIRROR_PID"; wait "$MIRROR_PID" 2>/dev/null
run_ph --offline --host-root "$E" --kernel-release "$A1-arm64" --cache-dir "$C" --output "$TMP/rt" --strategy cache
is "$PH_RC" 3 "--kernel-release of the arm64 kernel, its tree in the store: a miss on this machine (exit 3)"
[ ! -e "$TMP/rt/$A1-arm64/build" ]
ok $? "...nothing published"
run_ph --offline --host-root "$E" --kernel-release "$A1-arm64" --cache-dir "$NAIVE" --output "$TMP/rt2" --strategy cache
is "$PH_RC:$([ -e "$TMP/rt2/$A1-arm64/build" ] && echo served)" "3:" "...nor from a cache dir of the older layout"
# The whole chain: close-match may rewrite a tree of this machine's arch
# from the cache (as a bank) for the release, never the arm64 tree.
run_ph --offline --host-root "$E" --kernel-release "$A1-arm64" --cache-dir "$NAIVE" --output "$TMP/rt4"
[ "$PH_RC" -ne 0 ] || { [ -d "$TMP/rt4/$A1-arm64/build/arch/x86/include" ] && [ ! -e "$TMP/rt4/$A1-arm64/build/arch/arm64" ]; }
ok $? "...and the whole chain makes no tree of it from the arm64 one (rc $PH_RC$(grep -o '"strategy": *"[a-z-]*"' "$TMP/rt4/$A1-arm64/manifest.json" 2>/dev/null | sed 's/"strategy": */, /'))"
run_ph --offline --host-root "$E" --kernel-release "$A1-arm64" --cache-dir "$C" --output "$TMP/rt5"
[ "$PH_RC" -ne 0 ] || { [ -d "$TMP/rt5/$A1-arm64/build/arch/x86/include" ] && [ ! -e "$TMP/rt5/$A1-arm64/build/arch/arm64" ]; }
ok $? "...nor from the store as a close-match bank: only its trees of this machine's arch are candidates (rc $PH_RC)"
before=$(tree_digest "$NAIVE/$A1-arm64")
run_ph --offline --host-root "$E" --kernel-release "$A1-arm64" --output "$NAIVE" --strategy cache
is "$PH_RC:$(tree_digest "$NAIVE/$A1-arm64")" "3:$before" \
	"...nor is it reused as the tree published in the output volume (left as it was)"
run_ph --offline --host-root "$E" --kernel-release "$A1-amd64" --cache-dir "$C" --output "$TMP/rt3"
is "$PH_RC" 0 "the amd64 kernel from the same store is served (the miss above is the arch's)"
rm -rf "$TMP/dpkg"; mkdir -p "$TMP/dpkg"
dpkg -x "$(deb "linux-headers-$A1-common")" "$TMP/dpkg" && dpkg -x "$(deb "linux-headers-$A1-amd64")" "$TMP/dpkg"
pass_if "...exactly" -- python3 "$TESTS_DIR/tools/compare-tree.py" "$TMP/rt3/$A1-amd64/build" x86 \
	"$TMP/dpkg/usr/src/linux-headers-$A1-common" "$TMP/dpkg/usr/src/linux-headers-$A1-amd64"

done_testing

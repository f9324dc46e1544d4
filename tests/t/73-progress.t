#!/bin/bash
# Download progress: on a terminal, one line for every download running at
# once, index downloads included, erased before each log line (never
# "94% of 10286 KiBprovision-headers: ..."); no progress, only step lines,
# when stderr is not a terminal.
. "$(dirname "$0")/../lib.sh"
load_apt_fixture
start_mirror "$REPO"
command -v script >/dev/null || skip_all "no script(1) for a terminal"
mkdir -p "$TMP/r/usr/lib" && cp "$HOST_ROOT/usr/lib/os-release" "$TMP/r/usr/lib/"
args=(--host-root "$TMP/r" --kernel-release "$RELEASE" --strategy distro --mirror "$MIRROR/ok/debian bookworm main"
	--keyring "$KEY_GPG")

# On a terminal (script(1) gives the run a pty; stdout and stderr both go there).
printf -v cmd '%q ' "${NO_NETWORK[@]}" "$PH" "${args[@]}" --output "$TMP/o-tty"
script -qec "$cmd" /dev/null >"$TMP/tty.out"
is "$?" 0 "a run on a terminal succeeds"
python3 - "$TMP/tty.out" >"$TMP/check.out" <<'PY'
import re, sys
raw = open(sys.argv[1], encoding="utf-8", errors="replace", newline="").read().replace("\r\n", "\n")
ERASE = "\r\x1b[K"
bad, progress, index_progress = [], 0, False
lines = raw.split("\n")
for i, line in enumerate(lines):
    segs = line.split(ERASE)
    for seg in segs:
        if "provision-headers:" in seg[1:]:
            bad.append(seg)           # a log line glued to something before it
        if seg.startswith("provision-headers: downloading "):
            progress += 1
    # what stays visible on a finished line is a log line, never progress
    if i < len(lines) - 1 and segs[-1].startswith("provision-headers: downloading "):
        bad.append("unended: " + segs[-1])
    if i > 0 and "Packages.xz" in lines[i - 1] and "distro: reading" in lines[i - 1] and "downloading" in line:
        index_progress = True
print("glued:", len(bad))
for b in bad[:3]:
    print("  ", repr(b[:160]))
print("progress:", progress)
print("index progress:", index_progress)
print("ends clean:", lines[-1].split(ERASE)[-1] == "")
PY
out=$(cat "$TMP/check.out")
like "$out" "glued: 0" "every progress line is erased before the next log line, and no line ends on progress"
like "$out" "progress: [1-9]" "...progress is shown"
like "$out" "index progress: True" "...for the Packages index download too"
like "$out" "ends clean: True" "...and the last one is erased when the downloads end"
like "$(cat "$TMP/tty.out")" "downloading 2 files|downloading 1 file" "one line counts the downloads running at once"
[ "$(grep -c 'downloading' "$TMP/tty.out")" -ge 1 ]; ok $? "...drawn at least once"

# Not a terminal: step lines, no carriage return, no escape.
run_ph "${args[@]}" --output "$TMP/o-pipe"
is "$PH_RC" 0 "a run with stderr to a file succeeds"
! printf '%s' "$PH_ERR" | grep -q $'\r\|\033'; ok $? "...with no progress drawing in its log"
like "$PH_ERR" "distro: fetching .*_all\.deb \([0-9]+ bytes\)" "...and a step line per download"
done_testing

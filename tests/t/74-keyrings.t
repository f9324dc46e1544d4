#!/bin/bash
# Keyrings are the host's trust: they are read under the host root only.
# A Signed-By that climbs out with "..", or a link under keyrings/ or
# trusted.gpg.d/ to a key outside the host root, must not make a key the
# host does not trust verify a repository.
. "$(dirname "$0")/../lib.sh"
load_apt_fixture
start_mirror "$REPO"
outside=$TMP/outside
mkdir -p "$outside"
cp "$KEY_GPG" "$outside/test.gpg"

root_with() { # root_with DIR SIGNED-BY-OPTION
	mkdir -p "$1/etc/apt/keyrings" "$1/etc/apt/trusted.gpg.d" "$1/usr/lib"
	cp "$HOST_ROOT/usr/lib/os-release" "$1/usr/lib/os-release"
	echo "deb $2 $MIRROR/ok/debian bookworm main" >"$1/etc/apt/sources.list"
}
provision() { run_ph --host-root "$1" --kernel-release "$RELEASE" --output "$2" --strategy distro --retries 1; }

# The key inside the host root: verified (the control case).
r=$TMP/good
root_with "$r" "[signed-by=/etc/apt/keyrings/test.gpg]"
cp "$KEY_GPG" "$r/etc/apt/keyrings/test.gpg"
provision "$r" "$TMP/o-good"
is "$PH_RC" 0 "a key inside the host root verifies the repository"

r=$TMP/dotdot
root_with "$r" "[signed-by=/../../../../../../../..$outside/test.gpg]"
provision "$r" "$TMP/o-dotdot"
is "$PH_RC" 4 "Signed-By climbing out with .. finds no key: exit 4"
ok "$([ ! -e "$TMP/o-dotdot/$RELEASE" ] && echo 0 || echo 1)" "...and nothing is published"

r=$TMP/link
root_with "$r" "[signed-by=/etc/apt/keyrings/test.gpg]"
ln -s "$outside/test.gpg" "$r/etc/apt/keyrings/test.gpg"
provision "$r" "$TMP/o-link"
is "$PH_RC" 4 "a keyring linked to a key outside the host root is not used: exit 4"

r=$TMP/trusted-d
root_with "$r" ""
ln -s "$outside/test.gpg" "$r/etc/apt/trusted.gpg.d/evil.gpg"
provision "$r" "$TMP/o-trusted"
is "$PH_RC" 4 "a trusted.gpg.d entry linked outside the host root is not used: exit 4"

# A link that stays inside the host root is followed, as apt would.
r=$TMP/inside-link
root_with "$r" ""
mkdir -p "$r/usr/share/keyrings"
cp "$KEY_GPG" "$r/usr/share/keyrings/test.gpg"
ln -s /usr/share/keyrings/test.gpg "$r/etc/apt/trusted.gpg.d/test.gpg"
provision "$r" "$TMP/o-inside"
is "$PH_RC" 0 "a trusted.gpg.d link to a key inside the host root is followed"

# The apt sources themselves are host files: read under the host root
# only. A sources.list, a sources.list.d entry or the whole directory
# linked to sources outside the host root is not read.
echo "deb [signed-by=/etc/apt/keyrings/test.gpg] $MIRROR/ok/debian bookworm main" >"$outside/sources.list"
mkdir -p "$outside/sources.list.d"
cp "$outside/sources.list" "$outside/sources.list.d/evil.list"
root_linked() { # root_linked DIR: a root with the key but no sources of its own
	root_with "$1" ""
	rm "$1/etc/apt/sources.list"
	cp "$KEY_GPG" "$1/etc/apt/keyrings/test.gpg"
}
r=$TMP/src-link
root_linked "$r"
ln -s "$outside/sources.list" "$r/etc/apt/sources.list"
provision "$r" "$TMP/o-src-link"
ok "$([ "$PH_RC" -ne 0 ] && echo 0 || echo 1)" "sources.list linked outside the host root is not read (exit $PH_RC)"
like "$PH_ERR" "no apt sources under" "...the run finds no sources"
ok "$([ ! -e "$TMP/o-src-link/$RELEASE" ] && echo 0 || echo 1)" "...and nothing is published"

r=$TMP/src-d-link
root_linked "$r"
mkdir -p "$r/etc/apt/sources.list.d"
ln -s "../../../../../../../../..$outside/sources.list.d/evil.list" "$r/etc/apt/sources.list.d/evil.list"
provision "$r" "$TMP/o-src-d-link"
ok "$([ "$PH_RC" -ne 0 ] && echo 0 || echo 1)" "a sources.list.d entry climbing out with .. is not read (exit $PH_RC)"
like "$PH_ERR" "sources.list.d/evil.list: a link that leads nowhere inside the host root" "...one warning line names it"

r=$TMP/src-dir-link
root_linked "$r"
ln -s "$outside/sources.list.d" "$r/etc/apt/sources.list.d"
provision "$r" "$TMP/o-src-dir-link"
ok "$([ "$PH_RC" -ne 0 ] && echo 0 || echo 1)" "sources.list.d linked to a directory outside the host root is not read (exit $PH_RC)"
ok "$([ ! -e "$TMP/o-src-dir-link/$RELEASE" ] && echo 0 || echo 1)" "...and nothing is published"

# Files apt would not read either are reported, one line each, never
# left out silently: one past the 1 MiB cap, a FIFO.
r=$TMP/src-odd
root_with "$r" "[signed-by=/etc/apt/keyrings/test.gpg]"
cp "$KEY_GPG" "$r/etc/apt/keyrings/test.gpg"
mkdir -p "$r/etc/apt/sources.list.d"
head -c 1100000 /dev/zero | tr '\0' '#' >"$r/etc/apt/sources.list.d/huge.list"
mkfifo "$r/etc/apt/sources.list.d/pipe.list"
PH_WRAP=(timeout 120)
provision "$r" "$TMP/o-src-odd"
PH_WRAP=()
is "$PH_RC" 0 "an oversized and a FIFO sources.list.d file do not stop the run"
like "$PH_ERR" "sources.list.d/huge.list: larger than 1048576 bytes, not read" "...the oversized file is named"
like "$PH_ERR" "sources.list.d/pipe.list: not a regular file, not read" "...the FIFO is named"
is "$(grep -c 'sources.list.d/' <<<"$PH_ERR")" 2 "...one line each"
done_testing

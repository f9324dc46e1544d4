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
done_testing

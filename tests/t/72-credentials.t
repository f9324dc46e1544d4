#!/bin/bash
# Credentials in a source URI (http://user:password@host/...) reach the
# server, and nowhere else: not stderr, not --json, not manifest.json on
# the shared volume.
. "$(dirname "$0")/../lib.sh"
load_apt_fixture
start_mirror "$REPO"

r=$TMP/root
mkdir -p "$r/etc/apt/keyrings" "$r/usr/lib"
cp "$HOST_ROOT/usr/lib/os-release" "$r/usr/lib/os-release"
cp "$KEY_GPG" "$r/etc/apt/keyrings/test.gpg"
with_creds=$(echo "$MIRROR" | sed 's|://|://test:secret@|')
echo "deb [signed-by=/etc/apt/keyrings/test.gpg] $with_creds/auth/debian bookworm main" >"$r/etc/apt/sources.list"
run_ph --host-root "$r" --kernel-release "$RELEASE" --output "$TMP/out" --strategy distro --retries 2 --json
is "$PH_RC" 0 "the credentials in the source URI reach the server"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | tail -n 5 | sed 's/^/#   /'
ok "$(grep -q test:secret <<<"$PH_ERR" && echo 1 || echo 0)" "the password appears nowhere in stderr"
ok "$(grep -q test:secret <<<"$PH_OUT" && echo 1 || echo 0)" "nor in --json"
ok "$(grep -rq test:secret "$TMP/out" && echo 1 || echo 0)" "nor anywhere in the volume (manifest.json included)"
like "$(cat "$TMP/out/$RELEASE/manifest.json")" "://\*\*\*@127\.0\.0\.1" "the manifest shows where, with the credentials masked"

# A failure names the URL, still masked.
echo "deb [signed-by=/etc/apt/keyrings/test.gpg] $(echo "$MIRROR" | sed 's|://|://test:pw-wrong-51e2@|')/auth/nowhere bookworm main" \
	>"$r/etc/apt/sources.list"
run_ph --host-root "$r" --kernel-release "$RELEASE" --output "$TMP/out2" --strategy distro --retries 1
ok "$([ "$PH_RC" -ne 0 ] && echo 0 || echo 1)" "a failing repository fails (exit $PH_RC)"
ok "$(grep -q pw-wrong-51e2 <<<"$PH_ERR" && echo 1 || echo 0)" "its error line does not show the password"
like "$PH_ERR" "://\*\*\*@127\.0\.0\.1" "...but names the URL"
done_testing

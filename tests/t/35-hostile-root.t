#!/bin/bash
# A hostile host root: config sources, os-release and the kheaders
# archive symlinked out of the root (to /proc/self/environ, to files of
# the machine the provisioner runs on). Everything is opened confined to
# the host root, so none of it is read and nothing of it is published.
. "$(dirname "$0")/../lib.sh"
load_debian_fixture
ARCHIVE=$("$TESTS_DIR/fixtures/kheaders-archive") || { echo "Bail out! cannot build the kheaders archive"; exit 1; }
field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print("null" if v is None else v)' "$PH_OUT" "$1"; }

R=6.1.0-99-hostile
outside=$TMP/outside
mkdir -p "$outside"
echo "CONFIG_FROM_OUTSIDE=y" >"$outside/config"
echo "ID=outside" >"$outside/os-release"
cp "$ARCHIVE" "$outside/kheaders.tar.xz"

root=$TMP/root
mkdir -p "$root/boot" "$root/lib/modules/$R" "$root/etc" "$root/sys/kernel"
ln -s /proc/self/environ "$root/boot/config-$R"
ln -s "$outside/config" "$root/lib/modules/$R/config"
ln -s "$outside/os-release" "$root/etc/os-release"
run_ph status --json --host-root "$root" --kernel-release "$R"
is "$PH_RC" 0 "status runs on the hostile root"
is "$(field config_source)" "null" "no config source: /boot/config-<release> -> /proc/self/environ and an absolute link out are not followed out"
is "$(field distro_id)" "null" "etc/os-release linked out of the root is not read"

# Relative links that climb out stop at the root, as they would on the host.
rm "$root/lib/modules/$R/config"
ln -s "../../../../../../../../../../../$outside/config" "$root/lib/modules/$R/config"
run_ph status --json --host-root "$root" --kernel-release "$R"
is "$(field config_source)" "null" "a climbing relative link out of the root finds nothing"

# A link that stays inside the root is followed, as the host would.
mkdir -p "$root/usr/lib"
echo "ID=inside" >"$root/usr/lib/os-release"
rm "$root/etc/os-release"
ln -s ../usr/lib/os-release "$root/etc/os-release"
echo "CONFIG_INSIDE=y" >"$root/lib/modules/$R/config.real"
rm "$root/lib/modules/$R/config"
ln -s "/lib/modules/$R/config.real" "$root/lib/modules/$R/config"
run_ph status --json --host-root "$root" --kernel-release "$R"
is "$(field distro_id)" "inside" "a relative os-release link inside the root is followed"
is "$(field config_source)" "modules" "an absolute config link is re-rooted and followed inside the root"

# kheaders: the archive linked outside is not used; with a real archive
# inside and the config linked to /proc/self/environ, the environment of
# the provisioner (a token in it) never reaches the published .config.
k=$TMP/kroot
mkdir -p "$k/sys/kernel" "$k/boot"
ln -s "$outside/kheaders.tar.xz" "$k/sys/kernel/kheaders.tar.xz"
run_ph --host-root "$k" --kernel-release "$RELEASE" --output "$TMP/out" --strategy kheaders
ok "$([ "$PH_RC" -ne 0 ] && echo 0 || echo 1)" "kheaders.tar.xz linked out of the root is not extracted (exit $PH_RC)"
ok "$([ ! -e "$TMP/out/$RELEASE" ] && echo 0 || echo 1)" "and nothing is published"
rm "$k/sys/kernel/kheaders.tar.xz"
cp "$ARCHIVE" "$k/sys/kernel/kheaders.tar.xz"
ln -s /proc/self/environ "$k/boot/config-$RELEASE"
PH_SECRET_TOKEN=hunter2-do-not-publish run_ph --host-root "$k" --kernel-release "$RELEASE" --output "$TMP/out" --strategy kheaders
is "$PH_RC" 0 "kheaders from inside the root provisions"
ok "$([ ! -e "$TMP/out/$RELEASE/build/.config" ] && echo 0 || echo 1)" "no .config from /proc/self/environ"
ok "$(grep -rq hunter2 "$TMP/out" && echo 1 || echo 0)" "the provisioner's environment appears nowhere in the volume"
done_testing

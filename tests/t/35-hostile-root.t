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

# A FIFO where the config should be: no hang, no config.
fifo=$TMP/fifo-root
mkdir -p "$fifo/boot"
mkfifo "$fifo/boot/config-$R"
PH_WRAP=(timeout 20)
run_ph status --json --host-root "$fifo" --kernel-release "$R"
PH_WRAP=()
is "$PH_RC" 0 "a FIFO at /boot/config-<release> does not hang the run"
is "$(field config_source)" "null" "and is not taken for a config"

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

# The module directory libkmod reads is the one inside the host root:
# /lib/modules/<release> linked to a module tree outside (one that knows
# kheaders) is not used; the same tree inside the root is.
m=$TMP/mroot
mkdir -p "$outside/mods/lib/modules/$R" "$m/lib/modules"
echo "kernel/kernel/kheaders.ko" >"$outside/mods/lib/modules/$R/modules.builtin"
depmod -b "$outside/mods" "$R" 2>/dev/null
ln -s "$outside/mods/lib/modules/$R" "$m/lib/modules/$R"
run_ph --host-root "$m" --kernel-release "$R" --output "$TMP/mout" --strategy kheaders
like "$PH_ERR" "no module directory $m/lib/modules/$R" "a module directory linked out of the root is not given to libkmod"
rm "$m/lib/modules/$R"
cp -a "$outside/mods/lib/modules/$R" "$m/lib/modules/$R"
run_ph --host-root "$m" --kernel-release "$R" --output "$TMP/mout" --strategy kheaders
like "$PH_ERR" "the kernel has no module support \\(no /proc/modules\\), cannot load kheaders" "the same tree inside the root is read (libkmod finds kheaders through the confined fd)"

# The running kernel's BTF: a /sys/kernel/btf/vmlinux under the host root
# that links out is not used; the container's own, of the same kernel, is.
b=$TMP/broot
mkdir -p "$b/sys/kernel/btf"
echo "not btf" >"$outside/vmlinux"
ln -s "$outside/vmlinux" "$b/sys/kernel/btf/vmlinux"
run_ph status --host-root "$b"
like "$PH_OUT" "btf: +/sys/kernel/btf/vmlinux" "a BTF file linked out of the root is not used"

# The host strategy: links inside a host header tree that lead to host
# secrets or to a large unrelated directory are not copied, and
# --max-tree-size bounds what is copied.
h=$TMP/hroot
H=6.1.0-98-hosttree
make_mini_tree "$h/usr/src/linux-headers-$H" "$H" $(( (6 << 16) + (1 << 8) ))
mkdir -p "$h/lib/modules/$H" "$h/etc" "$h/opt/big"
ln -s "/usr/src/linux-headers-$H" "$h/lib/modules/$H/build"
echo "root-password-hash" >"$h/etc/shadow-like"
chmod 0640 "$h/etc/shadow-like"
ln -s /etc/shadow-like "$h/usr/src/linux-headers-$H/include/linux/secret.h"
echo "private" >"$h/usr/src/linux-headers-$H/include/linux/private.h"
chmod 0600 "$h/usr/src/linux-headers-$H/include/linux/private.h"
head -c 3000000 /dev/zero >"$h/opt/big/blob"
ln -s /opt/big "$h/usr/src/linux-headers-$H/include/big"
run_ph --host-root "$h" --kernel-release "$H" --output "$TMP/hout" --strategy host
is "$PH_RC" 0 "the host strategy provisions the tree"
T=$TMP/hout/$H/build
ok "$([ ! -e "$T/include/linux/secret.h" ] && echo 0 || echo 1)" "a link to a 0640 host file outside the header places is not copied"
ok "$([ ! -e "$T/include/linux/private.h" ] && echo 0 || echo 1)" "a file not readable by everyone is not copied"
ok "$([ ! -e "$T/include/big" ] && echo 0 || echo 1)" "a link to a large unrelated directory is not followed"
ok "$(grep -rq root-password-hash "$TMP/hout" && echo 1 || echo 0)" "the secret appears nowhere in the volume"
like "$PH_ERR" "left out 1 file\(s\) not readable by everyone and 2 link\(s\)" "the log says what was left out"
head -c 3000000 /dev/zero >"$h/usr/src/linux-headers-$H/include/linux/huge.h"
run_ph --host-root "$h" --kernel-release "$H" --output "$TMP/hout2" --strategy host --max-tree-size 1M
is "$PH_RC" 8 "a host tree past --max-tree-size: exit 8"
like "$PH_ERR" "larger than --max-tree-size" "...saying so"
ok "$([ ! -e "$TMP/hout2/$H" ] && echo 0 || echo 1)" "and nothing is published"
# A host root given through a symlink (a mount point reached by a link):
# links inside the header tree are still recognised as inside the root.
ln -s "$TMP/hroot" "$TMP/hroot-via-link"
ln -s kconfig.h "$h/usr/src/linux-headers-$H/include/linux/kconfig-alias.h"
rm -f "$h/usr/src/linux-headers-$H/include/linux/huge.h"
run_ph --host-root "$TMP/hroot-via-link" --kernel-release "$H" --output "$TMP/hout3" --strategy host
is "$PH_RC" 0 "a host root reached through a symlink provisions"
is "$(readlink "$TMP/hout3/$H/build/include/linux/kconfig-alias.h")" "kconfig.h" "...keeping a link inside the tree as a link"

# A host that swaps a header directory for a symlink out of the root
# while the copy runs: every host path of the copy is opened confined, so
# whatever the directory is at the moment of an open, nothing outside the
# root is read. (Before, the copy went by path strings checked a moment
# earlier, and copied the outside files the link led to.)
q=$TMP/qroot
Q=6.1.0-97-race
make_mini_tree "$q/usr/src/linux-headers-$Q" "$Q" $(( (6 << 16) + (1 << 8) ))
mkdir -p "$q/lib/modules/$Q" "$q/usr/src/linux-headers-$Q/include/race" "$outside/race"
ln -s "/usr/src/linux-headers-$Q" "$q/lib/modules/$Q/build"
for i in $(seq 1 400); do
	echo "/* inside */" >"$q/usr/src/linux-headers-$Q/include/race/f$i.h"
	echo "OUTSIDE-RACE" >"$outside/race/f$i.h"
done
python3 - "$q/usr/src/linux-headers-$Q/include/race" "$outside/race" "$TMP/flip.stop" <<'PY' &
import ctypes, os, sys, time
d, target, stop = sys.argv[1:]
libc = ctypes.CDLL(None, use_errno=True)
link = d + ".link"
os.symlink(target, link)
end = time.time() + 300  # never outlive the test
while not os.path.exists(stop) and time.time() < end:
    # RENAME_EXCHANGE: the name is always there, a directory or a link.
    for _ in range(2):
        if libc.renameat2(-100, d.encode(), -100, link.encode(), 2) != 0:
            sys.exit("renameat2: " + os.strerror(ctypes.get_errno()))
        time.sleep(0.0005)
PY
flipper=$!
for i in $(seq 1 10); do
	run_ph --host-root "$q" --kernel-release "$Q" --output "$TMP/qout$i" --strategy host
done
touch "$TMP/flip.stop"
wait "$flipper"
ok "$(grep -rlq OUTSIDE-RACE "$TMP"/qout* && echo 1 || echo 0)" "a directory swapped for a link out of the root mid-copy: nothing from outside is copied (10 runs)"
# The build tree's wrapper Makefile names the source tree; a Makefile
# linked out of the root is not read, so what it names is not merged in.
w=$TMP/wroot
W=6.1.0-96-wrapper
make_mini_tree "$w/usr/src/linux-headers-$W" "$W" $(( (6 << 16) + (1 << 8) ))
mkdir -p "$w/lib/modules/$W" "$w/usr/src/linux-src-$W/include/linux"
ln -s "/usr/src/linux-headers-$W" "$w/lib/modules/$W/build"
echo "/* from the source tree */" >"$w/usr/src/linux-src-$W/include/linux/from-source.h"
echo "include /usr/src/linux-src-$W/Makefile" >"$outside/Makefile"
rm -f "$w/usr/src/linux-headers-$W/Makefile"
ln -s "$outside/Makefile" "$w/usr/src/linux-headers-$W/Makefile"
run_ph --host-root "$w" --kernel-release "$W" --output "$TMP/wout" --strategy host
ok "$([ ! -e "$TMP/wout/$W/build/include/linux/from-source.h" ] && echo 0 || echo 1)" "a wrapper Makefile linked out of the root is not read (exit $PH_RC)"
done_testing

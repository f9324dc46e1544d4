#!/bin/bash
# Symlinks on the host are resolved under the host root: absolute targets
# re-rooted, relative ones resolved, many levels; loops and escapes are
# refused with their own message; links inside the tree stay relative.
. "$(dirname "$0")/../lib.sh"
R=9.1.0-test
CODE=$(( (9 << 16) + (1 << 8) ))

# Many levels, absolute and relative, none of which exist outside the fake root.
root=$TMP/chain
make_mini_tree "$root/opt/vendor/kernel-$R" "$R" "$CODE"
mkdir -p "$root/lib/modules/$R" "$root/usr/src"
ln -s /usr/src/step1 "$root/lib/modules/$R/build"
ln -s ../src/step2 "$root/usr/src/step1"            # relative, through a sibling
ln -s /opt/vendor/kernel-$R "$root/usr/src/step2"    # absolute: must be re-rooted
ln -s ../uapi/linux/version.h "$root/opt/vendor/kernel-$R/include/linux/vlink.h"   # inside the tree
ln -s /usr/include/outside-header.h "$root/opt/vendor/kernel-$R/include/linux/outside.h"     # outside, re-rooted
ln -s /etc/hostname-of-host "$root/opt/vendor/kernel-$R/include/linux/etc-link.h"     # outside the header places
mkdir -p "$root/etc" "$root/usr/include" "$root/opt/vendor/kernel-$R/include/uapi/linux"
echo '/* uapi version */' >"$root/opt/vendor/kernel-$R/include/uapi/linux/version.h"
echo 'fake-root-header' >"$root/usr/include/outside-header.h"
echo 'fake-root-hostname' >"$root/etc/hostname-of-host"
ln -s ../../scripts "$root/opt/vendor/kernel-$R/include/linux/scripts-link"  # to a part that is not copied

run_ph --host-root "$root" --kernel-release "$R" --output "$TMP/out1"
is "$PH_RC" 0 "follows a chain of absolute and relative symlinks under the host root"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | sed 's/^/#   /'
T=$TMP/out1/$R/build
is "$(readlink "$T/include/linux/vlink.h")" "../uapi/linux/version.h" "a link inside the tree stays a relative link"
is "$(cat "$T/include/linux/outside.h" 2>/dev/null)" "fake-root-header" "a link out of the tree into a header place is re-rooted and its content copied"
[ ! -L "$T/include/linux/outside.h" ]; ok $? "...as a regular file"
[ ! -e "$T/include/linux/etc-link.h" ]; ok $? "a link to /etc (not a place headers live) is left out"
[ ! -e "$T/include/linux/scripts-link" ] || [ ! -L "$T/include/linux/scripts-link" ]
ok $? "a link to a part that is not copied does not dangle"
is "$(find "$T" -xtype l | wc -l)" 0 "no dangling link in the tree"
[ -e "$T/arch/x86/include/asm/ptrace.h" ] && [ ! -e "$T/arch/arm64" ] && [ ! -e "$T/scripts" ] && [ ! -e "$T/include/config/BPF" ]
ok $? "only the running arch and the kconfig outputs are copied"

# A loop.
root=$TMP/loop
mkdir -p "$root/lib/modules/$R" "$root/usr/src"
ln -s /usr/src/a "$root/lib/modules/$R/build"
ln -s /usr/src/b "$root/usr/src/a"
ln -s a "$root/usr/src/b"
run_ph --host-root "$root" --kernel-release "$R" --output "$TMP/out2"
is "$PH_RC" 3 "a symlink loop: no headers (exit 3)"
like "$PH_ERR" "host: skipped: $root/lib/modules/$R/build: refused, symlink loop" "a symlink loop is refused by name"
[ ! -e "$TMP/out2/$R" ]; ok $? "nothing published after a loop"

# An escape out of the host root.
root=$TMP/escape
mkdir -p "$root/lib/modules/$R"
ln -s ../../../../../../../../../../usr/src/whatever "$root/lib/modules/$R/build"
run_ph --host-root "$root" --kernel-release "$R" --output "$TMP/out3"
is "$PH_RC" 3 "an escaping symlink: no headers (exit 3)"
like "$PH_ERR" "refused, a symlink climbs out of the host root" "an escape is refused by name"

# Headers for another kernel behind the right name are not published.
root=$TMP/wrong
make_mini_tree "$root/usr/src/linux-headers-$R" "9.0.0-other" "$(( (9 << 16) ))"
run_ph --host-root "$root" --kernel-release "$R" --output "$TMP/out4"
is "$PH_RC" 4 "mismatched headers fail the tree check (exit 4)"
like "$PH_ERR" "tree check failed: .*version.h: version 9.0 does not match kernel $R" "the mismatch names version.h"
is "$(ls -A "$TMP/out4" | tr '\n' ' ')" ".lock " "nothing but the lock is left in the volume"

# Incomplete headers (no kconfig.h) are skipped with the path named.
root=$TMP/incomplete
make_mini_tree "$root/usr/src/kernels/$R" "$R" "$CODE"
rm "$root/usr/src/kernels/$R/include/linux/kconfig.h"
run_ph --host-root "$root" --kernel-release "$R" --output "$TMP/out5"
is "$PH_RC" 3 "incomplete headers: exit 3"
like "$PH_ERR" "$root/usr/src/kernels/$R: no include/linux/kconfig.h" "the incomplete tree is named"
done_testing

#!/bin/bash
# make install-files and make uninstall: what one installs, the other
# removes, and nothing else.
. "$(dirname "$0")/../lib.sh"
root=$(cd "$TESTS_DIR/.." && pwd)
san=0
case $PH_BUILD in */build-san) san=1 ;; esac
dest=$TMP/dest
make -s -C "$root" SAN=$san install-files PREFIX=/usr DESTDIR="$dest" >"$TMP/install.log" 2>&1
is "$?" 0 "make install-files into a DESTDIR"
for f in usr/bin/provision-headers usr/bin/provision-headers-runner usr/share/man/man1/provision-headers.1 \
	usr/share/bash-completion/completions/provision-headers usr/share/provision-headers/distros/debian.json; do
	ok "$([ -e "$dest/$f" ] && echo 0 || echo 1)" "installs /$f"
done
like "$("$dest/usr/bin/provision-headers" --version 2>&1)" "^provision-headers [0-9]" "the installed binary runs"
make -s -C "$root" SAN=$san uninstall PREFIX=/usr DESTDIR="$dest" >>"$TMP/install.log" 2>&1
is "$?" 0 "make uninstall"
is "$(find "$dest" \( -type f -o -type l \) | wc -l | tr -d ' ')" 0 "removes every file it installed"
done_testing

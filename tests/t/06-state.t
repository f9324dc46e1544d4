#!/bin/bash
# No mutable file-scope state (a static or global variable, also one
# declared inside a function) in the code that runs once per download or
# per runner: downloads run in threads, and state shared between runs or
# threads is a defect. Read from the objects' symbol tables, so a static
# anywhere in them is seen. util/log.c (the log level) is the allowed one.
. "$(dirname "$0")/../lib.sh"
command -v objdump >/dev/null || skip_all "no objdump"

# Writable data objects of an object file, ASan's own left out.
mutable() {
	objdump -t "$1" | awk '$3 == "O" && $4 ~ /^\.(bss|data)/ && $4 !~ /rel\.ro/ && $NF !~ /^__odr_asan/ { print $NF }' |
		tr '\n' ' '
}

for o in lib/net/fetch lib/pkgfetch/download lib/pkgfetch/index lib/rpm/primary lib/rpm/rpmrepo lib/rpm/payload runner/main runner/compile runner/groundtruth runner/bpfload runner/btfcheck runner/userprobe \
	 runner/report runner/truthchild runner/truthcheck runner/libout; do
	obj=$PH_BUILD/obj/$o.o
	[ -f "$obj" ] || { ok 1 "$o.o exists"; continue; }
	is "$(mutable "$obj")" "" "src/$o.c holds no mutable file-scope state"
done

# The check notices one.
printf 'int f(void) { static int calls; return ++calls; }\n' >"$TMP/s.c"
cc -c "$TMP/s.c" -o "$TMP/s.o"
like "$(mutable "$TMP/s.o")" "calls" "a function-scope static is found"
done_testing

#!/bin/bash
# The source tree's layers: no file includes a header of a layer above
# its own, and the check itself notices one that does.
. "$(dirname "$0")/../lib.sh"
root=$(cd "$TESTS_DIR/.." && pwd)

out=$("$root/scripts/check-layers" 2>&1)
is "$?" 0 "no upward #include in src/ ${out:+($out)}"

copy="$TMP/tree"
mkdir -p "$copy"
cp -a "$root/src" "$root/Makefile" "$root/scripts" "$copy/"
sed -i '1a #include "strategies/context.h"' "$copy/src/util/path.c"
out=$("$copy/scripts/check-layers" 2>&1)
is "$?" 1 "an upward include (util -> strategies) is refused"
like "$out" "src/util/path.c includes strategies/context.h" "the refusal names the file and the header"

# No file opens a path under the host root, the volume, a bank or a cache
# by string except those scripts/opens-allowed names with a reason.
out=$("$root/scripts/check-opens" 2>&1)
is "$?" 0 "every open by path in src/ is in scripts/opens-allowed ${out:+($out)}"
copy2="$TMP/tree2"
mkdir -p "$copy2"
cp -a "$root/src" "$root/scripts" "$copy2/"
printf 'int sneaky(void);\nint sneaky(void) { return open("/host/etc/shadow", 0); }\n' >>"$copy2/src/lib/kernel/osrelease.c"
out=$("$copy2/scripts/check-opens" 2>&1)
is "$?" 1 "a new open() by path outside the confinement layer is refused"
like "$out" "src/lib/kernel/osrelease.c: open\\(\\) by path is not in scripts/opens-allowed" "...naming the file and the call"
cp -a "$root/src" "$root/scripts" "$copy2/"
sed -i 's/fopen(/fopen_unused(/' "$copy2/src/runner/compile.c"
out=$("$copy2/scripts/check-opens" 2>&1)
is "$?" 1 "an allowed line whose call is gone is refused (it would let a new one in)"
like "$out" "src/runner/compile.c fopen is no longer called" "...naming the stale line"

done_testing

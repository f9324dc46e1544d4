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

done_testing

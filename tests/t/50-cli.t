#!/bin/bash
# The command line and the environment: help, version, usage errors,
# every option through its environment variable, --json on failure.
. "$(dirname "$0")/../lib.sh"
R=9.1.0-cli
CODE=$(( (9 << 16) + (1 << 8) ))
root=$TMP/root
make_mini_tree "$root/usr/src/linux-headers-$R" "$R" "$CODE"

run_ph --help
is "$PH_RC" 0 "--help exits 0"
like "$PH_OUT" "--kernel-release" "--help lists the options"
run_ph --version
like "$PH_OUT" "^provision-headers [0-9]+\.[0-9]+" "--version prints the version"

run_ph --no-such-option
is "$PH_RC" 2 "unknown option: exit 2"
like "$PH_ERR" "unknown option --no-such-option" "...named"
run_ph --strategy host,bogus
is "$PH_RC" 2 "unknown strategy: exit 2"
like "$PH_ERR" "unknown strategy 'bogus'" "...named"
run_ph --strategy host,host
is "$PH_RC" 2 "a strategy listed twice: exit 2"
run_ph --output
is "$PH_RC" 2 "option without its value: exit 2"
PROVISION_HEADERS_FORCE=maybe run_ph status
is "$PH_RC" 2 "bad boolean in the environment: exit 2"
like "$PH_ERR" "PROVISION_HEADERS_FORCE: expected" "...names the variable"
run_ph extra-argument
is "$PH_RC" 2 "stray argument: exit 2"

# Everything through the environment, no command line.
PROVISION_HEADERS_OUTPUT=$TMP/env-out PROVISION_HEADERS_HOST_ROOT=$root PROVISION_HEADERS_KERNEL_RELEASE=$R \
PROVISION_HEADERS_STRATEGY=host PROVISION_HEADERS_JSON=true PROVISION_HEADERS_VERBOSITY=quiet run_ph
is "$PH_RC" 0 "provisions from environment variables alone"
[ -f "$TMP/env-out/$R/build/include/linux/kconfig.h" ]; ok $? "...into PROVISION_HEADERS_OUTPUT"
like "$PH_OUT" '"strategy":"host"' "PROVISION_HEADERS_JSON prints the status object"
is "$PH_ERR" "" "PROVISION_HEADERS_VERBOSITY=quiet prints nothing on success"
PROVISION_HEADERS_OUTPUT=$TMP/env-out PROVISION_HEADERS_HOST_ROOT=$root PROVISION_HEADERS_KERNEL_RELEASE=$R \
PROVISION_HEADERS_STRATEGY=host PROVISION_HEADERS_DRY_RUN=yes run_ph --output "$TMP/cli-out"
is "$PH_RC" 0 "the command line wins over the environment"
[ ! -e "$TMP/cli-out" ]; ok $? "PROVISION_HEADERS_DRY_RUN touches nothing"
PROVISION_HEADERS_OUTPUT=$TMP/env-out PROVISION_HEADERS_HOST_ROOT=$root PROVISION_HEADERS_KERNEL_RELEASE=$R \
PROVISION_HEADERS_STRATEGY=cache PROVISION_HEADERS_FORCE=1 run_ph
is "$PH_RC" 3 "PROVISION_HEADERS_FORCE skips the published tree"

mkdir -p "$TMP/cache/$R"
cp -a "$TMP/env-out/$R/build" "$TMP/cache/$R/build"
PROVISION_HEADERS_CACHE_DIR=/nonexistent:$TMP/cache run_ph --host-root "$root" --kernel-release "$R" \
	--output "$TMP/from-cache" --strategy cache
is "$PH_RC" 0 "a warmed cache from PROVISION_HEADERS_CACHE_DIR provides the tree"
pass_if "the tree equals the cached one" -- diff -r "$TMP/cache/$R/build" "$TMP/from-cache/$R/build"
like "$(cat "$TMP/from-cache/$R/manifest.json")" '"strategy":"cache"' "the manifest says it came from the cache"

# Failure as JSON, and strategies this version lacks.
run_ph --host-root "$TMP/empty" --kernel-release "$R" --output "$TMP/none" --json --strategy close-match,kheaders,host
is "$PH_RC" 3 "no headers anywhere: exit 3"
like "$PH_ERR" "close-match: skipped: no candidate tree in $TMP/none" "close-match says where it looked"
like "$PH_ERR" "no strategy could provide headers for $R \\(tried close-match,kheaders,host\\)" "the final line lists every strategy tried"
like "$PH_ERR" "host: skipped: none of $TMP/empty/lib/modules/$R/build, .* exists" "the host strategy names every path it tried"
like "$PH_OUT" '"exit_code":3' "--json carries the exit code"
like "$PH_OUT" '"error":"no strategy could provide headers' "--json carries the error line"
done_testing

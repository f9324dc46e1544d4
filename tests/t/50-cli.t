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
run_ph --valdiate
is "$PH_RC" 2 "a mistyped option: exit 2"
like "$PH_ERR" "unknown option --valdiate \(did you mean --validate\?\)" "...with the nearest option"
run_ph --strategy host,bogus
is "$PH_RC" 2 "unknown strategy: exit 2"
like "$PH_ERR" "unknown strategy 'bogus'" "...named"
run_ph --strategy closematch
is "$PH_RC" 2 "a mistyped strategy: exit 2"
like "$PH_ERR" "^provision-headers: --strategy: unknown strategy 'closematch' \(did you mean close-match\?\)" \
	"...names the option and suggests the strategy"
# A distribution without a definition: the supported IDs, a clean path.
mkdir -p "$TMP/fedora/etc" && printf 'ID=gentoo\nVERSION_ID=2.17\n' >"$TMP/fedora/etc/os-release"
run_ph --host-root "$TMP/fedora" --kernel-release "$R" --output "$TMP/o-fedora" --strategy distro -q
is "$PH_RC" 3 "a distribution without a definition: exit 3"
like "$PH_ERR" "distro: no definition in /[^ ]*distros matches ID=gentoo \(supported IDs, also matched through ID_LIKE: amzn, cos, debian, .*rocky, .*ubuntu" \
	"...the one line under -q lists the supported IDs"
! printf '%s' "$PH_ERR" | grep -q '/\.\./'; ok $? "...and prints a clean path (no /../)"
run_ph --host-root "$TMP/fedora" --kernel-release "$R" --output "$TMP/o-fedora" --strategy distro --dry-run
like "$PH_ERR" "dry-run: distro reads the package indexes \(apt Packages, rpm primary.xml\) over the network" "--dry-run says the distro strategy reads indexes over the network"
run_ph --strategy host,host
is "$PH_RC" 2 "a strategy listed twice: exit 2"
run_ph --output
is "$PH_RC" 2 "option without its value: exit 2"
PROVISION_HEADERS_FORCE=maybe run_ph status
is "$PH_RC" 2 "bad boolean in the environment: exit 2"
like "$PH_ERR" "PROVISION_HEADERS_FORCE: expected" "...names the variable"
run_ph extra-argument
is "$PH_RC" 2 "stray argument: exit 2"

# The option table: --list-options prints it; the man page and the bash
# completion list exactly its options, and the man page its defaults.
DOC=$TESTS_DIR/../doc
run_ph --list-options
is "$PH_RC" 0 "--list-options exits 0"
printf '%s\n' "$PH_OUT" >"$TMP/table"
table=$(cut -f1 "$TMP/table" | grep '^--' | LC_ALL=C sort)
like "$table" "--max-tree-size" "...with the options"
like "$(grep -- '^--max-tree-size' "$TMP/table")" "PROVISION_HEADERS_MAX_TREE_SIZE	size	2G" \
	"...each with its variable, type and default"
like "$(grep -- '^--require' "$TMP/table")" "enum:none\|no-mismatch\|validated\|btf-corrected\|exact" "...an enum with its values"
man=$(sed -n '/^\.SH OPTIONS/,/^\.SH EXIT/p' "$DOC/provision-headers.1" | awk 'prev == ".TP" { print } { prev = $0 }' |
	grep -oE '\\-\\-([a-z]|\\-)+' | tr -d '\\' | LC_ALL=C sort -u)
is "$man" "$table" "the man page lists exactly the table's options"
comp=$(sed -n '/local opts="/,/^[[:space:]]*"$/p' "$DOC/provision-headers.bash-completion" | grep -oE -- '--[a-z-]+' |
	LC_ALL=C sort -u)
is "$comp" "$table" "the bash completion lists exactly the table's options"
zcomp=$(sed -nE "s/^[[:space:]]+('\\([^)]*\\)')?(\\{-[a-z],|'\\*?)(--[a-z-]+).*/\\3/p" "$DOC/_provision-headers" |
	LC_ALL=C sort -u)
is "$zcomp" "$table" "the zsh completion lists exactly the table's options"
if command -v zsh >/dev/null; then
	is "$(zsh -fc "fpath=($DOC \$fpath); autoload -Uz compinit && compinit -u -D; print -r -- \${_comps[provision-headers]}" 2>&1)" \
		"_provision-headers" "...and zsh's compinit binds it to provision-headers"
else
	ok 0 "# SKIP no zsh"
fi
# complete WORDS...: what the bash completion offers for the last word.
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _provision_headers; printf "%s\n" "${COMPREPLY[@]}"' \
		sh "$DOC/provision-headers.bash-completion" provision-headers "$@" 2>/dev/null | LC_ALL=C sort | tr '\n' ' '
}
is "$(complete_words --strategy host,k)" "host,kheaders " "bash completion completes inside a comma list"
is "$(complete_words --strategy cache,host,)" "cache,host,close-match cache,host,distro cache,host,kheaders " \
	"...offering only the strategies not listed yet"
like "$(complete_words --kernel-release "$(uname -r | cut -c1-3)")" "(^| )$(uname -r | sed 's/[.+]/\\&/g')( |$)" \
	"--kernel-release offers the running release"
like "$(complete_words warm "")" "$(uname -r | sed 's/[.+]/\\&/g')" "...and so does warm"
bad=""
while IFS=$'\t' read -r name _ _ _ def; do
	[ "$name" = - ] || [ "$def" = - ] && continue
	manname=$(printf '%s' "$name" | sed 's/-/\\-/g')
	text=$(awk -v n="$manname" 'found { print; exit } prev == ".TP" && index($0, n) { found = 1 } { prev = $0 }' \
		"$DOC/provision-headers.1")
	case $text in *"default $def"*) ;; *) bad="$bad $name" ;; esac
done <"$TMP/table"
is "$bad" "" "the man page states each default as the table does"

# Every value is checked before any work: exit 2, one line naming the
# option or variable, nothing created.
refused() { # refused NAME REGEX -- ARGS...
	local name=$1 re=$2; shift 3
	run_ph --host-root "$root" --kernel-release "$R" --output "$TMP/never" "$@"
	is "$PH_RC" 2 "$name: exit 2"
	like "$PH_ERR" "$re" "...says: $re"
	is "$(printf '%s\n' "$PH_ERR" | wc -l)" 1 "...in one line"
	[ ! -e "$TMP/never" ]; ok $? "...before any work"
}
refused "--max-tree-size past 64 bits" "^provision-headers: --max-tree-size: '17179869185G' is too large" -- \
	--max-tree-size 17179869185G
refused "--max-distance far" "--max-distance: expected same-major, same-minor, any or a number, got 'far'" -- \
	--max-distance far
refused "--mirror bogus" "--mirror 'bogus': expected 'URL SUITE \[COMPONENT...\]'" -- --mirror bogus
refused "--keyring that is not there" "--keyring /nope.gpg: No such file or directory" -- --keyring /nope.gpg
refused "--retries out of range" "--retries: expected a whole number from 1 to 20, got '99'" -- --retries 99
refused "--connect-timeout not a number" "--connect-timeout: expected a whole number" -- --connect-timeout 1m
refused "--require mistyped" "--require: .*got 'exakt' \(did you mean exact\?\)" -- --require exakt
refused "--output empty" "--output must not be empty" -- --output=
refused "--kernel-release with a newline" "--kernel-release: '9.1.0\\\\x0aevil' is not a kernel release" -- \
	--kernel-release "$(printf '9.1.0\nevil')"
run_ph --host-root /nonexistent --output "$TMP/never"
is "$PH_RC" 2 "--host-root /nonexistent: exit 2"
like "$PH_ERR" "^provision-headers: --host-root /nonexistent: No such file or directory" "...named"
PROVISION_HEADERS_STRATEGY=hots run_ph --host-root "$root" --kernel-release "$R" --output "$TMP/never"
is "$PH_RC" 2 "PROVISION_HEADERS_STRATEGY=hots: exit 2"
like "$PH_ERR" "^provision-headers: PROVISION_HEADERS_STRATEGY: unknown strategy 'hots' \(did you mean host\?\)" \
	"...names the variable and suggests the strategy"
PROVISION_HEADERS_OUTPUT= run_ph --host-root "$root" --kernel-release "$R" --strategy host
is "$PH_RC" 2 "an empty PROVISION_HEADERS_OUTPUT: exit 2"
like "$PH_ERR" "PROVISION_HEADERS_OUTPUT must not be empty" "...not the default folder"
PROVISION_HEADERS_KERNEL_RELEASE=$(printf '9.1.0\033[2J') run_ph --host-root "$root" --output "$TMP/never"
is "$PH_RC" 2 "a control character in PROVISION_HEADERS_KERNEL_RELEASE: exit 2"
like "$PH_ERR" "PROVISION_HEADERS_KERNEL_RELEASE: '9.1.0\\\\x1b\[2J' is not a kernel release" "...shown escaped"
PROVISION_HEADERS_STRATGY=host run_ph --host-root "$root" --kernel-release "$R" --output "$TMP/never"
is "$PH_RC" 2 "an unknown PROVISION_HEADERS_ variable: exit 2"
like "$PH_ERR" "PROVISION_HEADERS_STRATGY: no such variable \(did you mean PROVISION_HEADERS_STRATEGY\?\)" "...suggests one"
[ ! -e "$TMP/never" ]; ok $? "nothing was created by any refused run"

# Subcommands.
run_ph warm --help
is "$PH_RC" 0 "warm --help exits 0"
like "$PH_OUT" "^Usage: provision-headers warm \[OPTIONS\] \[RELEASE\.\.\.\] \[--kernels-from FILE\]" "...and shows warm's usage"
run_ph status --help
is "$PH_RC" 0 "status --help exits 0"
like "$PH_OUT" "^Usage: provision-headers status" "...and shows status's usage"
run_ph help
is "$PH_RC" 0 "help exits 0"
like "$PH_OUT" "--kernel-release" "...and lists the options"
run_ph help warm
like "$PH_OUT" "^Usage: provision-headers warm" "help warm shows warm's usage"
run_ph warm "$R" "$R" --host-root "$root" --output "$TMP/warm-json" --json
is "$PH_RC" 0 "warm --json"
is "$(printf '%s\n' "$PH_OUT" | python3 -c 'import json,sys; print(" ".join(json.loads(l)["release"] + ":" + str(json.loads(l)["exit_code"]) for l in sys.stdin))')" \
	"$R:0" "...one object per release, each naming its release (a release named twice is warmed once)"
run_ph warm notakernel --output "$TMP/never"
is "$PH_RC" 2 "warm notakernel: exit 2"
like "$PH_ERR" "warm: 'notakernel' is not a kernel release" "...named"
run_ph stauts
is "$PH_RC" 2 "a mistyped subcommand: exit 2"
like "$PH_ERR" "unexpected argument 'stauts' \(did you mean status\?\)" "...with the nearest one"
run_ph cache --help
is "$PH_RC" 0 "cache --help exits 0"
like "$PH_OUT" "^Usage: provision-headers cache ls\|verify\|prune" "...and shows cache's usage"
run_ph cache lss --cache-dir "$TMP"
is "$PH_RC" 2 "cache with a mistyped action: exit 2"
like "$PH_ERR" "cache: unknown action 'lss' \(did you mean ls\?\)" "...with the nearest one"
run_ph cache ls
is "$PH_RC" 2 "cache ls without --cache-dir: exit 2"
like "$PH_ERR" "name the cache with --cache-dir" "...says what is missing"
run_ph cache prune --cache-dir "$TMP"
is "$PH_RC" 2 "cache prune with nothing named to keep: exit 2"
run_ph cache prune --cache-dir "$TMP" --keep 'bad release'
is "$PH_RC" 2 "--keep takes kernel releases only"
run_ph cache verify --cache-dir "$TMP/no-cache"
is "$PH_RC" 3 "cache verify of no cache: exit 3"
is "$(complete_words cache "")" "ls prune verify " "bash completion offers cache's actions"

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
mkdir -p "$TMP/empty"
run_ph --host-root "$TMP/empty" --kernel-release "$R" --output "$TMP/none" --json --strategy close-match,kheaders,host
is "$PH_RC" 3 "no headers anywhere: exit 3"
like "$PH_ERR" "close-match: skipped: no candidate tree in $TMP/none" "close-match says where it looked"
like "$PH_ERR" "no strategy could provide headers for $R \\(tried close-match,kheaders,host\\)" "the final line lists every strategy tried"
like "$PH_ERR" "host: skipped: none of $TMP/empty/lib/modules/$R/build, .* exists" "the host strategy names every path it tried"
like "$PH_OUT" '"exit_code":3' "--json carries the exit code"
like "$PH_OUT" '"error":"no strategy could provide headers' "--json carries the error line"

# The failure kind, not the errno, decides the exit code: a host file
# that cannot be read (EACCES, as root without CAP_DAC_OVERRIDE) means no
# headers from there (3), not a network failure (5, as it was).
NODAC=(setpriv --inh-caps=-dac_override,-dac_read_search --bounding-set=-dac_override,-dac_read_search)
noread=$TMP/noread
make_mini_tree "$noread/usr/src/linux-headers-$R" "$R" "$CODE"
# Readable by everyone but its owner, root: the host strategy copies it
# (it leaves out only files others cannot read), and the open fails.
chmod 0004 "$noread/usr/src/linux-headers-$R/include/linux/kconfig.h"
PH_WRAP=("${NODAC[@]}")
run_ph --host-root "$noread" --kernel-release "$R" --output "$TMP/o-noread" --strategy host --json
is "$PH_RC" 3 "an unreadable host header: exit 3 (no headers), not 5 (network)"
like "$PH_ERR" "host: cannot copy $noread/usr/src/linux-headers-$R/include/linux/kconfig.h: Permission denied" \
	"...naming the file and the errno"
like "$PH_OUT" '"exit_code":3' "...in --json too"
PH_WRAP=()
echo 'not an archive' >"$TMP/bad.tar.xz"
mkdir -p "$TMP/badkh/sys/kernel"
cp "$TMP/bad.tar.xz" "$TMP/badkh/sys/kernel/kheaders.tar.xz"
run_ph --host-root "$TMP/badkh" --kernel-release "$R" --output "$TMP/o-badkh" --strategy kheaders
is "$PH_RC" 8 "a corrupt kheaders archive is still bad input (8)"
# The images set PROVISION_HEADERS_HOST_ROOT=/host: cache commands never
# read the host, so they run where it is not mounted; a run still needs it.
mkdir -p "$TMP/emptycache"
PROVISION_HEADERS_HOST_ROOT=$TMP/no-such-root run_ph cache ls --cache-dir "$TMP/emptycache"
is "$PH_RC" 0 "cache ls with an unmounted PROVISION_HEADERS_HOST_ROOT: the host root is not asked"
PROVISION_HEADERS_HOST_ROOT=$TMP/no-such-root run_ph status
is "$PH_RC" 2 "...while a run (status) still refuses it (2)"
like "$PH_ERR" "PROVISION_HEADERS_HOST_ROOT $TMP/no-such-root: No such file or directory" "...naming the variable"
done_testing

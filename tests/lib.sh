# Shared helpers for the shell tests: TAP output, the binaries under test,
# the fixtures. Sourced by every tests/t/*.t.
set -u
PH_BUILD=${PH_BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build}
PH_BUILD=$(cd "$PH_BUILD" && pwd)
PH=$PH_BUILD/provision-headers
BCC_COMPILE=$PH_BUILD/tests/tools/bcc-compile
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# A short allocation stack and a 32 MB quarantine: the runner hosts LLVM
# (libbcc), whose every allocation ASan otherwise records 30 frames deep;
# this takes a runner check from 36 s to 22 s, still catching the same
# errors and leaks (reports show 5 frames of where memory was allocated).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:malloc_context_size=5:quarantine_size_mb=32}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
_tap_n=0
_tap_failed=0
TMP=$(mktemp -d /tmp/ph-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

ok() { # ok CONDITION-STATUS NAME
	local status=$1; shift
	_tap_n=$((_tap_n + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $_tap_n - $*"
	else
		echo "not ok $_tap_n - $*"
		_tap_failed=$((_tap_failed + 1))
	fi
}
pass_if() { # pass_if NAME -- COMMAND...
	local name=$1; shift
	[ "$1" = "--" ] && shift
	"$@" >"$TMP/last.out" 2>&1
	local s=$?
	ok $s "$name"
	[ $s -eq 0 ] || sed 's/^/#   /' "$TMP/last.out" | tail -n 20
	return $s
}
is() { # is GOT WANT NAME
	if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; echo "#   got '$1', want '$2'"; fi
}
like() { # like TEXT REGEX NAME
	if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else ok 1 "$3"; echo "#   '$1' does not match /$2/" | head -n 5; fi
}
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
done_testing() { echo "1..$_tap_n"; [ $_tap_failed -eq 0 ]; }

# Runs the provisioner, keeping stdout, stderr and the exit code.
PH_WRAP=()   # a command to run the provisioner under (setpriv, unshare)
# Tests talk to 127.0.0.1 only: any other host the provisioner might try
# goes to a proxy that is not there, and fails at once.
NO_NETWORK=(env http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 no_proxy=127.0.0.1,localhost)
run_ph() {
	"${NO_NETWORK[@]}" "${PH_WRAP[@]}" "$PH" "$@" >"$TMP/ph.out" 2>"$TMP/ph.err"
	PH_RC=$?
	PH_OUT=$(cat "$TMP/ph.out")
	PH_ERR=$(cat "$TMP/ph.err")
	if grep -q 'Sanitizer' "$TMP/ph.err"; then
		echo "# sanitizer report:"; sed 's/^/#   /' "$TMP/ph.err" | head -n 40
		PH_RC=99
	fi
}

load_debian_fixture() {
	local env
	env=$("$TESTS_DIR/fixtures/debian-headers") || { echo "Bail out! cannot fetch Debian header fixtures"; exit 1; }
	# shellcheck disable=SC1090
	. "$env"
}
# A digest of every name, type, mode, link target and content below a dir.
tree_digest() {
	( cd "$1" && find . -printf '%y %m %p -> %l\n' | LC_ALL=C sort && \
	  find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum ) | sha256sum | cut -d' ' -f1
}

# A minimal configured kernel tree for release $2 at $1: the files BCC
# and the tree checks need, version code $3.
make_mini_tree() {
	local dir=$1 release=$2 code=$3
	mkdir -p "$dir/include/linux" "$dir/include/generated/uapi/linux" "$dir/arch/x86/include/asm" \
		"$dir/arch/arm64/include/asm" "$dir/include/config" "$dir/scripts"
	echo '/* kconfig.h */' >"$dir/include/linux/kconfig.h"
	echo "#define LINUX_VERSION_CODE $code" >"$dir/include/generated/uapi/linux/version.h"
	echo "#define UTS_RELEASE \"$release\"" >"$dir/include/generated/utsrelease.h"
	echo '#define CONFIG_BPF 1' >"$dir/include/generated/autoconf.h"
	echo 'CONFIG_BPF=y' >"$dir/include/config/auto.conf"
	echo 'x' >"$dir/include/config/BPF"
	echo '/* x86 */' >"$dir/arch/x86/include/asm/ptrace.h"
	echo '/* arm64 */' >"$dir/arch/arm64/include/asm/ptrace.h"
	echo 'VERSION = 6' >"$dir/Makefile"
	echo 'CONFIG_BPF=y' >"$dir/.config"
	echo 'not needed' >"$dir/scripts/kallsyms"
}

# Starts the local mirror on 127.0.0.1 serving $1; sets MIRROR (its URL).
start_mirror() {
	python3 "$TESTS_DIR/tools/mirror-server.py" "$1" "$TMP/mirror.port" 2>>"$TMP/mirror.log" &
	MIRROR_PID=$!
	trap 'kill $MIRROR_PID 2>/dev/null; rm -rf "$TMP"' EXIT
	for _ in $(seq 1 100); do [ -s "$TMP/mirror.port" ] && break; sleep 0.05; done
	MIRROR=http://127.0.0.1:$(cat "$TMP/mirror.port")
}
load_apt_fixture() {
	local env
	load_debian_fixture
	env=$("$TESTS_DIR/fixtures/apt-repo") || { echo "Bail out! cannot build the apt repositories"; exit 1; }
	# shellcheck disable=SC1090
	. "$env"
}

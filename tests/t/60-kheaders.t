#!/bin/bash
# The kheaders strategy: a kheaders.tar.xz built as gen_kheaders.sh builds
# it from real Debian headers; libkmod with prepared module trees; hostile
# archives, each refused with its own message.
. "$(dirname "$0")/../lib.sh"
load_debian_fixture
ARCHIVE=$("$TESTS_DIR/fixtures/kheaders-archive") || { echo "Bail out! cannot build the kheaders archive"; exit 1; }

root=$TMP/kroot
mkdir -p "$root/sys/kernel" "$root/boot"
cp "$ARCHIVE" "$root/sys/kernel/kheaders.tar.xz"
cp "$HOST_ROOT/boot/config-$RELEASE" "$root/boot/"
run_ph --host-root "$root" --kernel-release "$RELEASE" --output "$TMP/out" --strategy kheaders
is "$PH_RC" 0 "provisions from <root>/sys/kernel/kheaders.tar.xz"
[ "$PH_RC" -eq 0 ] || echo "$PH_ERR" | sed 's/^/#   /'
like "$PH_ERR" "kheaders: extracted [0-9]+ files .* from $root/sys/kernel/kheaders.tar.xz" "the log names the archive"
TREE=$TMP/out/$RELEASE/build
mkdir -p "$TMP/tar"
tar -xJf "$ARCHIVE" -C "$TMP/tar"
pass_if "the tree holds exactly what tar -xJf extracts, plus .config" -- \
	diff -r --no-dereference -x .config "$TMP/tar" "$TREE"
pass_if ".config comes from the kernel's config source" -- cmp "$root/boot/config-$RELEASE" "$TREE/.config"
python3 - "$TMP/out/$RELEASE/manifest.json" "$(sha256sum <"$ARCHIVE" | cut -d' ' -f1)" "$(stat -c %s "$ARCHIVE")" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
k = [s for s in m["sources"] if s["type"] == "kheaders"][0]
assert m["strategy"] == "kheaders" and m["exact"] is True
assert k["sha256"] == sys.argv[2], (k["sha256"], sys.argv[2])
assert k["size"] == int(sys.argv[3])
assert any(s["type"] == "config" for s in m["sources"])
# host files as the host sees them (the fake root's prefix removed)
assert k["path"] == "/sys/kernel/kheaders.tar.xz", k["path"]
assert [s["path"] for s in m["sources"] if s["type"] == "config"] == ["/boot/config-" + m["release"]], m["sources"]
assert m["origin"].startswith("/sys/kernel/kheaders.tar.xz"), m["origin"]
PY
ok $? "the manifest records kheaders, the archive's size and SHA-256, and the config source"
BCC_KERNEL_SOURCE=$TREE "$BCC_COMPILE" "$TESTS_DIR/data/task_probe.c" >"$TMP/bcc.out" 2>&1
ok $? "BCC compiles a task_struct program against the kheaders tree"
[ $? -eq 0 ] || tail -n 20 "$TMP/bcc.out" | sed 's/^/#   /'

# The running kernel with no config file anywhere (its /proc/config.gz
# masked as a container runtime masks it) and configs built in: the log
# says why no .config is added (it printed an uninitialised buffer).
R=$(uname -r)
if [ -f /proc/config.gz ] && unshare -m true 2>/dev/null; then
	r=$TMP/kroot-run
	mkdir -p "$r/sys/kernel" "$r/proc" "$r/lib/modules/$R"
	: >"$r/proc/modules"
	cp "$ARCHIVE" "$r/sys/kernel/kheaders.tar.xz"
	echo kernel/kernel/configs.ko >"$r/lib/modules/$R/modules.builtin"
	depmod -b "$r" "$R" 2>/dev/null
	PH_WRAP=(unshare -m sh -c 'mount --bind /dev/null /proc/config.gz && exec "$@"' sh)
	run_ph --host-root "$r" --output "$TMP/out-run" --strategy kheaders
	PH_WRAP=()
	like "$PH_ERR" "kheaders: no kernel config to add as .config \(the configs module is in the kernel, but there is no /proc/config.gz, /boot/config-$R or /lib/modules/$R/config\)" \
		"no config for the running kernel: the log says why"
else
	ok 0 "# SKIP needs /proc/config.gz and mount namespaces"
fi

# libkmod: prepared module trees, no kheaders.tar.xz yet.
R=9.0.0-kmod
modroot() { # modroot DIR [MODULE...]: a module dir indexed by depmod
	local dir=$1; shift
	mkdir -p "$dir/lib/modules/$R/kernel/kernel"
	for m in "$@"; do printf 'not a real module' >"$dir/lib/modules/$R/kernel/kernel/$m.ko"; done
	depmod -b "$dir" "$R" 2>/dev/null
	make_mini_tree "$dir/usr/src/linux-headers-$R" "$R" $(( 9 << 16 ))
}
modroot "$TMP/m1" configs
run_ph --host-root "$TMP/m1" --kernel-release "$R" --output "$TMP/o1" --strategy kheaders,host
is "$PH_RC" 0 "kheaders absent from the module dir: falls through to the next strategy"
like "$PH_ERR" "kheaders: skipped: no $TMP/m1/sys/kernel/kheaders.tar.xz, and module kheaders not found in $TMP/m1/lib/modules/$R" \
	"...saying the module does not exist, and where it looked"
like "$PH_ERR" "host: published" "...and the next strategy publishes"

modroot "$TMP/m2" kheaders
mkdir -p "$TMP/m2/proc" && : >"$TMP/m2/proc/modules"   # a kernel with module support
PH_WRAP=(setpriv --inh-caps=-sys_module --bounding-set=-sys_module)
run_ph --host-root "$TMP/m2" --kernel-release "$R" --output "$TMP/o2" --strategy kheaders,host
PH_WRAP=()
is "$PH_RC" 0 "loading refused for lack of CAP_SYS_MODULE: falls through"
like "$PH_ERR" "loading module kheaders needs CAP_SYS_MODULE" "...naming the capability the pod needs"

run_ph --host-root "$TMP/m2" --kernel-release "$R" --output "$TMP/o3" --strategy kheaders
is "$PH_RC" 3 "with the capability, the real libkmod insert reaches this kernel: no headers"
like "$PH_ERR" "kheaders: the kernel has no module support, cannot load kheaders|kheaders: loading kheaders from .* failed" \
	"...and the kernel's refusal is reported"

rm "$TMP/m2/proc/modules"
run_ph --host-root "$TMP/m2" --kernel-release "$R" --output "$TMP/o4" --strategy kheaders --dry-run
is "$PH_RC" 3 "a kernel without module support: nothing to load"
like "$PH_ERR" "the kernel has no module support \(no /proc/modules\)" "...said plainly"

: >"$TMP/m2/proc/modules"
mkdir -p "$TMP/m2/etc/modprobe.d"
echo "blacklist kheaders" >"$TMP/m2/etc/modprobe.d/no-kheaders.conf"
run_ph --host-root "$TMP/m2" --kernel-release "$R" --output "$TMP/o5" --strategy kheaders
is "$PH_RC" 3 "a blacklisted module is not loaded"
like "$PH_ERR" "module kheaders is blacklisted by the host's modprobe configuration" "...and the blacklist is named"

# Hostile archives.
HR=9.0.0-k
python3 "$TESTS_DIR/tools/hostile-archives.py" "$TMP/hostile" "$TMP/canary" "$HR"
mkdir -p "$TMP/canary"
hostile() { # hostile CASE EXPECTED-RC REGEX NAME
	local r=$TMP/h-$1
	mkdir -p "$r/sys/kernel"
	cp "$TMP/hostile/$1.tar.xz" "$r/sys/kernel/kheaders.tar.xz"
	run_ph --host-root "$r" --kernel-release "$HR" --output "$TMP/ho-$1" --strategy kheaders --max-tree-size 4M
	is "$PH_RC" "$2" "$4: exit $2"
	like "$PH_ERR" "$3" "$4: its own message"
	[ ! -e "$TMP/ho-$1/$HR" ]; ok $? "$4: nothing published"
	is "$(ls -A "$TMP/ho-$1" | tr '\n' ' ')" ".lock " "$4: no staging left"
}
hostile dotdot 8 "member '.*escaped' climbs out of the tree, refused" "../ escape"
hostile absolute 8 "member '$TMP/canary/absolute' has an absolute path, refused" "absolute path"
hostile symlink-etc 8 "symlink 'include/linux/passwd.h' points outside the tree \('/etc/passwd'\)" "symlink to /etc"
hostile symlink-up 8 "symlink 'include/up' points outside the tree" "relative symlink out"
hostile symlink-chain 8 "symlink 'include/esc' leads outside the tree through other links" "symlink chain escape"
hostile through-symlink 8 "member 'include/dir/evil.h' would be written through a symlink" "write through a symlink"
hostile hardlink-escape 8 "hardlink 'include/linux/shadow.h' points outside the tree" "hardlink escape"
hostile device 8 "member 'include/null' is a device node, refused" "device node"
hostile fifo 8 "member 'include/pipe' is a fifo, refused" "fifo"
hostile truncated 8 "kheaders.tar.xz: corrupt archive" "truncated xz"
hostile corrupt 8 "kheaders.tar.xz: corrupt archive" "corrupt xz"
hostile bomb 8 "archive expands past the cap of 4194304 bytes" "xz bomb past --max-tree-size"
hostile hardlink-symlink 8 "hardlink 'include/top' -> 'include/a/b/c/deep' is not to a regular file, refused" \
	"hardlink to a symlink (moves the link to another depth)"
hostile sparse 8 "archive expands past the cap of 4194304 bytes \(at 'include/linux/sparse.h', 107374182400 bytes declared\)" \
	"sparse member declaring 100 GB past --max-tree-size"
is "$(ls -A "$TMP/canary")" "" "nothing was written outside the staging area"

r=$TMP/h-file-over-dir
mkdir -p "$r/sys/kernel"
cp "$TMP/hostile/file-over-dir.tar.xz" "$r/sys/kernel/kheaders.tar.xz"
run_ph --host-root "$r" --kernel-release "$HR" --output "$TMP/ho-fod" --strategy kheaders
is "$PH_RC" 0 "a file that replaces a non-empty directory is extracted ($(echo "$PH_ERR" | tail -n 1))"
is "$(cat "$TMP/ho-fod/$HR/build/include/d" 2>/dev/null)" "/* now a file */" "...as the later member says"

r=$TMP/h-setuid
mkdir -p "$r/sys/kernel"
cp "$TMP/hostile/setuid.tar.xz" "$r/sys/kernel/kheaders.tar.xz"
run_ph --host-root "$r" --kernel-release "$HR" --output "$TMP/ho-setuid" --strategy kheaders
is "$PH_RC" 0 "an archive with setuid and setgid files is extracted"
is "$(find "$TMP/ho-setuid/$HR/build" -perm /6000 | wc -l)" 0 "...with the setuid and setgid bits dropped"
done_testing

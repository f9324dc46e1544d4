#!/bin/bash
# Kernel identity, on this machine's real kernel and on fake host roots.
. "$(dirname "$0")/../lib.sh"

# This machine: the vDSO's version code equals the one the release gives
# (a plain kernel: its release carries the real sublevel).
run_ph status --json
is "$PH_RC" 0 "status --json runs"
json=$PH_OUT
field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print("null" if v is None else str(v).lower() if isinstance(v,bool) else v)' "$json" "$1"; }
rel=$(uname -r)
is "$(field release)" "$rel" "release is uname -r"
is "$(field version_code_source)" "vdso" "version code comes from the vDSO note"
IFS=.- read -r ma mi su _ <<<"$rel"
su=${su%%[!0-9]*}
[ "$su" -gt 255 ] && su=255
is "$(field version_code)" "$(( (ma << 16) + (mi << 8) + su ))" "vDSO version code equals the one derived from uname -r"
case $(uname -m) in x86_64) want=x86;; aarch64) want=arm64;; *) want=$(uname -m);; esac
is "$(field arch)" "$want" "machine mapped to the kernel's arch directory"
if [ -r /sys/kernel/btf/vmlinux ]; then want=true; else want=false; fi
is "$(field btf)" "$want" "BTF presence"
if [ -r /proc/config.gz ]; then
	is "$(field config_source)" "proc" "/proc/config.gz is the config source of the running kernel"
else
	ok 0 "# SKIP no /proc/config.gz here"
fi
run_ph --print-kernel
like "$PH_OUT" "version code: +[0-9]+ \([0-9]+\.[0-9]+\.[0-9]+, from vdso\)" "--print-kernel prints the version code and its source"

# A fake root: os-release (quoted and unquoted), config source order.
R=5.15.0-91-generic
root=$TMP/ubuntu
mkdir -p "$root/etc" "$root/boot" "$root/lib/modules/$R"
printf 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\n' >"$root/etc/os-release"
echo 'CONFIG_X=y' >"$root/lib/modules/$R/config"
run_ph status --json --host-root "$root" --kernel-release "$R"
json=$PH_OUT
is "$(field distro_id)" "ubuntu" "distro ID from <root>/etc/os-release (unquoted)"
is "$(field distro_version_id)" "22.04" "VERSION_ID (quoted)"
is "$(field running)" "false" "another release is not the running kernel"
is "$(field version_code)" "$(( (5 << 16) + (15 << 8) ))" "version code from the release string"
is "$(field version_code_source)" "release" "...and it says so"
is "$(field config_source)" "modules" "config from <root>/lib/modules/<release>/config"
is "$(field btf)" "false" "no BTF claimed for a kernel that is not running"
echo 'CONFIG_X=y' >"$root/boot/config-$R"
run_ph status --json --host-root "$root" --kernel-release "$R"
json=$PH_OUT
is "$(field config_source)" "boot" "/boot/config-<release> wins over the modules dir"
is "$(field config)" "$root/boot/config-$R" "the config path is under the host root"

rm "$root/etc/os-release"
mkdir -p "$root/usr/lib"
printf "ID='rhel'\nVERSION_ID='9.3'\n" >"$root/usr/lib/os-release"
run_ph status --json --host-root "$root" --kernel-release "$R"
json=$PH_OUT
is "$(field distro_id)/$(field distro_version_id)" "rhel/9.3" "falls back to usr/lib/os-release, single quotes"

run_ph status --host-root "$root" --kernel-release "../../etc"
is "$PH_RC" 2 "a release with a slash is refused as a usage error"
done_testing

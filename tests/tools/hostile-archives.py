#!/usr/bin/env python3
"""Writes the hostile kheaders archives the tests feed to the extractor.

usage: hostile-archives.py OUTDIR CANARY_DIR RELEASE

Each OUTDIR/<case>.tar.xz starts with a small valid header tree for
RELEASE (so that only the hostile part can make it fail) followed by the
hostile member. CANARY_DIR is where an escape would land."""
import io
import lzma
import os
import sys
import tarfile

out, canary, release = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)


def good_members():
    files = {
        "include/linux/kconfig.h": b"/* kconfig */\n",
        "include/generated/uapi/linux/version.h": b"#define LINUX_VERSION_CODE 589824\n",
        "include/generated/utsrelease.h": f'#define UTS_RELEASE "{release}"\n'.encode(),
        "include/generated/autoconf.h": b"#define CONFIG_BPF 1\n",
        "arch/x86/include/asm/ptrace.h": b"/* x86 */\n",
        "arch/arm64/include/asm/ptrace.h": b"/* arm64 */\n",
    }
    for name, data in files.items():
        ti = tarfile.TarInfo("./" + name)
        ti.size = len(data)
        ti.mode = 0o644
        yield ti, data


def reg(name, data=b"x\n", mode=0o644):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mode = mode
    return ti, data


def link(name, target, kind):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.linkname = target
    return ti, None


def sparse(name, real_size):
    """A PAX 1.0 sparse member: 512 bytes of data, real_size declared."""
    base = os.path.basename(name)
    ti = tarfile.TarInfo(os.path.join(os.path.dirname(name), "GNUSparseFile.0", base))
    ti.pax_headers = {"GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": name,
                      "GNU.sparse.realsize": str(real_size)}
    sparse_map = b"1\n0\n512\n".ljust(512, b"\0")
    data = sparse_map + b"x" * 512
    ti.size = len(data)
    ti.mode = 0o644
    return ti, data


def special(name, kind):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.devmajor, ti.devminor = 1, 3
    return ti, None


rel_escape = os.path.relpath(os.path.join(canary, "escaped"), "/")
cases = {
    "dotdot": [reg("./include/../../../../../../../../" + rel_escape)],
    "absolute": [reg(os.path.join(canary, "absolute"))],
    "symlink-etc": [link("./include/linux/passwd.h", "/etc/passwd", tarfile.SYMTYPE)],
    "symlink-up": [link("./include/up", "../../../../../../../../etc", tarfile.SYMTYPE)],
    "symlink-chain": [link("./include/a/b/deep", "../..", tarfile.SYMTYPE),
                      link("./include/esc", "a/b/deep/../../../..", tarfile.SYMTYPE)],
    "through-symlink": [link("./include/dir", "linux", tarfile.SYMTYPE), reg("./include/dir/evil.h")],
    "hardlink-escape": [link("./include/linux/shadow.h", "../../../../../etc/shadow", tarfile.LNKTYPE)],
    "device": [special("./include/null", tarfile.CHRTYPE)],
    "fifo": [special("./include/pipe", tarfile.FIFOTYPE)],
    "setuid": [reg("./include/linux/suid.h", b"/* suid */\n", 0o4755), reg("./include/linux/sgid.h", b"x\n", 0o2755)],
    "bomb": [reg("./include/linux/zeros.h", bytes(8 << 20))],
    # A symlink harmless at its own depth, hardlinked at another depth
    # where the same text would lead out of the tree.
    "hardlink-symlink": [link("./include/a/b/c/deep", "../../../x", tarfile.SYMTYPE),
                         link("./include/top", "include/a/b/c/deep", tarfile.LNKTYPE)],
    "sparse": [sparse("./include/linux/sparse.h", 100 << 30)],
    # A later member replaces a non-empty directory with a file.
    "file-over-dir": [reg("./include/d/x.h"), reg("./include/d", b"/* now a file */\n")],
}


def write(name, members, compress=True):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT if any(ti.pax_headers for ti, _ in members) else tarfile.GNU_FORMAT) as tf:
        for ti, data in list(good_members()) + members:
            tf.addfile(ti, io.BytesIO(data) if data is not None else None)
    raw = buf.getvalue()
    data = lzma.compress(raw, preset=6) if compress else raw
    with open(os.path.join(out, name + ".tar.xz"), "wb") as f:
        f.write(data)
    return data


for name, members in cases.items():
    write(name, members)

valid = write("valid", [])
with open(os.path.join(out, "truncated.tar.xz"), "wb") as f:
    f.write(valid[: len(valid) // 2])
corrupt = bytearray(valid)
for i in range(len(corrupt) // 3, len(corrupt) // 3 + 64):
    corrupt[i] ^= 0x5A
with open(os.path.join(out, "corrupt.tar.xz"), "wb") as f:
    f.write(corrupt)

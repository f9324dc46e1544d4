#!/usr/bin/env python3
"""Checks a published tree against the package contents it came from.

usage: compare-tree.py TREE ARCH SOURCE_DIR [BUILD_DIR]

Every regular file in TREE must equal the file at the same place in
BUILD_DIR (the flavour package) or, failing that, SOURCE_DIR (the common
package); the wrapper Makefile of BUILD_DIR is the exception. Every file
BCC needs from the packages (include/**, arch/ARCH/include/**, .config,
Makefile, include/config/auto.conf) must be in TREE. Symlinks in TREE
must be relative and stay inside it. Prints one line per problem."""
import filecmp
import os
import sys

tree, arch, source = sys.argv[1], sys.argv[2], sys.argv[3]
build = sys.argv[4] if len(sys.argv) > 4 else None
problems = []


def wanted(rel):
    if rel in ("Makefile", ".config") or rel in (
        "include/config/" + n for n in ("auto.conf", "auto.conf.cmd", "kernel.release", "tristate.conf")
    ):
        return True
    if rel.startswith("include/config/"):
        return False
    return rel.startswith("include/") or rel.startswith(f"arch/{arch}/include/")


def walk(top):
    for d, dirs, files in os.walk(top):
        for n in files + [x for x in dirs if os.path.islink(os.path.join(d, x))]:
            p = os.path.join(d, n)
            yield os.path.relpath(p, top), p


count = 0
for rel, p in walk(tree):
    if os.path.islink(p):
        target = os.readlink(p)
        real = os.path.realpath(p)
        if target.startswith("/"):
            problems.append(f"absolute symlink {rel} -> {target}")
        elif not real.startswith(os.path.realpath(tree) + "/"):
            problems.append(f"symlink leaves the tree: {rel} -> {target}")
        elif not os.path.exists(p):
            problems.append(f"dangling symlink {rel} -> {target}")
        continue
    count += 1
    if not wanted(rel):
        problems.append(f"unexpected file {rel}")
        continue
    candidates = []
    if build and rel != "Makefile":
        candidates.append(os.path.join(build, rel))
    candidates.append(os.path.join(source, rel))
    origin = next((c for c in candidates if os.path.lexists(c)), None)
    if origin is None:
        problems.append(f"file not in the packages: {rel}")
    elif not filecmp.cmp(p, origin, shallow=False):
        problems.append(f"content differs from {origin}: {rel}")

for top in [x for x in (source, build) if x]:
    for rel, p in walk(top):
        if wanted(rel) and os.path.exists(p) and not os.path.lexists(os.path.join(tree, rel)):
            problems.append(f"missing from the tree: {rel} (from {top})")

for line in problems[:50]:
    print(line)
print(f"{count} files checked, {len(problems)} problems")
sys.exit(1 if problems else 0)

#!/usr/bin/env python3
"""Recompresses a repository's primary index and updates repomd.xml, as a
repository published with another compression would have it.

usage: recompress-primary.py REPO FORMAT     (FORMAT: zst, gz, xz)

The tools (zstd, gzip, xz) do the compression; the new file is named by
its sha256 as createrepo_c names them, and repomd.xml's checksum, size
and location for primary are rewritten (its open-* values stay: the
uncompressed text is the same)."""
import hashlib
import os
import re
import subprocess
import sys

repo, fmt = sys.argv[1], sys.argv[2]
repomd_path = os.path.join(repo, "repodata", "repomd.xml")
repomd = open(repomd_path).read()
m = re.search(r'(<data type="primary">.*?</data>)', repomd, re.S)
block = m.group(1)
href = re.search(r'<location href="([^"]+)"', block).group(1)
old = os.path.join(repo, href)
ext = old.rsplit(".", 1)[1]
decompress = {"xz": ["xz", "-dc"], "gz": ["gzip", "-dc"], "zst": ["zstd", "-dcq"]}[ext]
compress = {"xz": ["xz", "-c", "-T1"], "gz": ["gzip", "-nc"], "zst": ["zstd", "-cq", "-3"]}[fmt]
plain = subprocess.run(decompress + [old], check=True, stdout=subprocess.PIPE).stdout
data = subprocess.run(compress, input=plain, check=True, stdout=subprocess.PIPE).stdout
digest = hashlib.sha256(data).hexdigest()
new_href = "repodata/%s-primary.xml.%s" % (digest, fmt)
open(os.path.join(repo, new_href), "wb").write(data)
os.unlink(old)
new_block = re.sub(r'<checksum type="[^"]+">[0-9a-f]+</checksum>',
                   '<checksum type="sha256">%s</checksum>' % digest, block, count=1)
new_block = re.sub(r'<location href="[^"]+"/>', '<location href="%s"/>' % new_href, new_block)
new_block = re.sub(r'<size>\d+</size>', '<size>%d</size>' % len(data), new_block)
open(repomd_path, "w").write(repomd.replace(block, new_block))

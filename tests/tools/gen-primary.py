#!/usr/bin/env python3
"""Writes a generated primary.xml of about MB megabytes on stdout, as a
big repository's: every 5000th package a kernel-devel.

usage: gen-primary.py MB"""
import sys
out = sys.stdout
out.write('<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="0">\n')
pkg = '''<package type="rpm">
  <name>%s</name>
  <arch>x86_64</arch>
  <version epoch="0" ver="1.%d" rel="1.el9"/>
  <checksum type="sha256" pkgid="YES">%064x</checksum>
  <summary>Package number %d of a generated index</summary>
  <description>A generated package description, long enough to look like the real ones in a primary index of a big repository. %d</description>
  <packager>Tests</packager>
  <url>http://127.0.0.1/</url>
  <time file="1700000000" build="1700000000"/>
  <size package="123456" installed="654321" archive="654999"/>
  <location href="Packages/p/pkg-%d.rpm"/>
  <format>
    <rpm:license>MIT</rpm:license>
    <rpm:provides>
      <rpm:entry name="%s" flags="EQ" epoch="0" ver="1.%d" rel="1.el9"/>
      <rpm:entry name="%s(x86-64)" flags="EQ" epoch="0" ver="1.%d" rel="1.el9"/>
    </rpm:provides>
    <rpm:requires>
      <rpm:entry name="libc.so.6()(64bit)"/>
      <rpm:entry name="rtld(GNU_HASH)"/>
    </rpm:requires>
  </format>
</package>
'''
total = 0
i = 0
target = int(sys.argv[1]) * 1000 * 1000
while total < target:
    name = ("kernel-devel" if i % 5000 == 0 else "pkg-%d" % i)
    s = pkg % (name, i, i, i, i, i, name, i, name, i)
    out.write(s)
    total += len(s)
    i += 1
out.write('</metadata>\n')

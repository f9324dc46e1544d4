#!/usr/bin/env python3
"""A local HTTPS server for the tests, on 127.0.0.1 only.

usage: https-server.py ROOT PORTFILE CERT KEY

Serves ROOT over TLS with the certificate CERT (PEM, its chain after it)
and its key KEY, made by the test with a throwaway CA. Writes the port it
listens on to PORTFILE and logs each request to stderr ('https: "GET
/path HTTP/1.1" 200 -')."""
import functools
import os
import http.server
import ssl
import sys

ROOT, PORTFILE, CERT, KEY = sys.argv[1:5]


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write("https: " + (fmt % args) + "\n")


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=ROOT))
server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()

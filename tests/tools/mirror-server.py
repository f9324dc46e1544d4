#!/usr/bin/env python3
"""A local HTTP mirror for the tests, on 127.0.0.1 only, with faults.

usage: mirror-server.py ROOT PORTFILE

Serves ROOT. A first path component naming a fault applies it:
  /ok/...            no fault
  /500once/...       the first request for each .deb gets HTTP 500
  /reset/...         .deb bodies stop after half, the connection is reset
  /stall/...         .deb (and .tgz) bodies stop after half and the server goes quiet
  /redirect-loop/... .deb requests redirect to themselves, forever
  /auth/...          every request needs Basic auth test:secret
  /drip/...          .deb bodies trickle at one byte a second (at most 120 s)
  /slow/...          .deb bodies come at 4 KiB a second (at most 120 s)
  /pair/...          each .deb body waits (at most 5 s) until another one is
                     being sent, so a client that asks for two at once
                     is seen doing so, whatever the timing
With MIRROR_SLOW_MATCH set, any body whose path holds that text comes as
in /slow/. Each body sent is logged with the number of bodies being sent
at that moment ('mirror: body /path, 2 at once'), counted from its start
to before its last byte, so a client that waits for one body before
asking for the next is never seen with two.
Anything else is served as is. A request in absolute form (GET
http://host:port/path, what a client sends a proxy) is served from its
path, as a proxy in front of this mirror would; the log keeps the
absolute form, so the tests count what went through a proxy, and the
credentials of a Proxy-Authorization header are logged ('mirror:
proxy-authorization user:password'). What counts as a body for the faults: a
.deb, or an object of a warmed cache (a path with /objects/ in it). Writes
the port it listens on to PORTFILE, logs each request to stderr
('mirror: "GET /path HTTP/1.1" 200 -'), which the tests count."""
import base64
import http.server
import os
import socket
import socketserver
import sys
import threading
import time

ROOT = os.path.abspath(sys.argv[1])
PORTFILE = sys.argv[2]
seen_500 = set()
lock = threading.Lock()


FAULTS = ("ok", "500once", "reset", "stall", "redirect-loop", "auth", "drip", "slow", "pair")
SLOW_MATCH = os.environ.get("MIRROR_SLOW_MATCH", "")
active = 0
active_changed = threading.Condition(lock)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("mirror: " + (fmt % args) + "\n")

    def send_plain(self, code, text=b""):
        self.send_response(code)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def do_GET(self):
        if self.path.startswith("http://"):
            auth = self.headers.get("Proxy-Authorization", "")
            if auth.startswith("Basic "):
                sys.stderr.write("mirror: proxy-authorization %s\n" % base64.b64decode(auth[6:]).decode(errors="replace"))
            self.path = "/" + (self.path.split("/", 3) + [""])[3]
        parts = self.path.split("/", 2)
        fault = parts[1] if len(parts) > 2 else ""
        rel = parts[2] if fault in FAULTS else self.path.lstrip("/")
        if fault not in FAULTS:
            fault = ""
        rel = rel.split("?")[0]
        path = os.path.realpath(os.path.join(ROOT, rel))
        if not path.startswith(ROOT + "/") or not os.path.isfile(path):
            return self.send_plain(404, b"not found\n")
        # bodies the faults apply to: packages, headers tarballs, cache objects
        is_deb = path.endswith((".deb", ".tgz")) or "/objects/" in "/" + rel
        if fault == "auth":
            want = "Basic " + base64.b64encode(b"test:secret").decode()
            if self.headers.get("Authorization") != want:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="test"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        if fault == "500once" and is_deb:
            with lock:
                first = path not in seen_500
                seen_500.add(path)
            if first:
                return self.send_plain(500, b"try again\n")
        if fault == "redirect-loop" and is_deb:
            self.send_response(302)
            self.send_header("Location", self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with open(path, "rb") as f:
            data = f.read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if is_deb and fault in ("", "ok", "slow", "pair") and data:
            return self.send_counted(fault, rel, data)
        if fault in ("drip", "slow") and is_deb:
            trickle(self.wfile, data, 1 if fault == "drip" else 4096, 120)
            self.close_connection = True
            return
        if fault in ("reset", "stall") and is_deb:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            if fault == "stall":
                time.sleep(60)
            # An abortive close (RST), mid-body.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(data)


    def send_counted(self, fault, rel, data):
        """A body, counted among those being sent at once."""
        global active
        with active_changed:
            active += 1
            sys.stderr.write("mirror: body /%s, %d at once\n" % (rel, active))
            active_changed.notify_all()
            if fault == "pair":
                active_changed.wait_for(lambda: active > 1, timeout=5)
        try:
            if fault == "slow" or (SLOW_MATCH and SLOW_MATCH in rel):
                trickle(self.wfile, data[:-1], 4096, 120)
                self.close_connection = True
            else:
                self.wfile.write(data[:-1])
        finally:
            with active_changed:
                active -= 1
        try:
            self.wfile.write(data[-1:])
        except OSError:
            pass


def trickle(wfile, data, chunk, limit_s):
    """Writes data chunk bytes a second; stops after limit_s seconds or
    when the client goes away, so the server always ends by itself."""
    start = time.monotonic()
    for i in range(0, len(data), chunk):
        if time.monotonic() - start > limit_s:
            return
        try:
            wfile.write(data[i:i + chunk])
            wfile.flush()
        except OSError:
            return
        time.sleep(1)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()

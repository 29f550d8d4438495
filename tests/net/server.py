#!/usr/bin/env python3
"""Loopback HTTP(S) server for chipgate's network tests (stdlib only).

Started by the C tests: binds 127.0.0.1 on an ephemeral port, prints the
port on stdout, and serves until killed. The path chooses the behaviour:

GET  /files/NAME        ROOT/NAME with ETag + Last-Modified; honours
                        If-None-Match / If-Modified-Since with 304
GET  /noetag/NAME       ROOT/NAME without validators
GET  /status/NNN        status NNN (503 carries Retry-After: 120)
GET  /reset             Content-Length 100000, 1000 bytes, then TCP RST
GET  /truncated         Content-Length 1000, 100 bytes, then close
GET  /slow              waits 3 s before answering
GET  /big?n=N           N bytes with Content-Length
GET  /bigchunked?n=N    N bytes, chunked (no Content-Length)
GET  /redirect?to=URL   302 to URL
GET  /loop              302 to /loop, for ever
GET  /lm/NAME           ROOT/NAME with Last-Modified only (the same date for
                        every file); honours If-Modified-Since with 304
GET  /drip/NAME         ROOT/NAME with Content-Length, 1 byte per second
GET  /lie/NAME?cl=N     ROOT/NAME, whole, under Content-Length N (shorter
                        or longer than the body), then close
GET  /close/NAME?cut=N  the first N bytes of ROOT/NAME (all if no cut),
                        no Content-Length, not chunked, then close
GET  /chunkcut/NAME?cut=N  the first N bytes of ROOT/NAME chunked, without
                        the last chunk, then close
GET  /bighdr?kb=K       200 with a K KB header (default 100)
GET  /set/SPEC/NAME     a folder of files: as /files/NAME, except when SPEC
                        is "NAME=FAULT": then NAME answers FAULT, one of
                        a status number, cut (half the body, framed only
                        by the close), lie (Content-Length 1000 too long),
                        big (3 MB), uncond (503 to a GET without
                        validators, else as /files/), drip, chunkcut (at
                        half), bighdr, loop (as those paths); SPEC "ctl" reads
                        "NAME=FAULT" from ROOT/setfault on each request
GET  /status/NNN        (429 also carries Retry-After: 120)
POST /fault             behaves as ROOT/hookmode says (re-read each time):
                        ok, drip, bighdr, big (2 MB body), redirect,
                        or a status number
POST /hook              checks the Standard Webhooks signature (401 if bad)
POST /flaky             500 the first time a webhook-id is seen, then 200
POST /gone              410
POST /busy              503 with Retry-After: 120
POST /slowhook          waits 3 s, then 200

Every POST is appended as one JSON line to --record FILE; every GET's
path is appended as one line to ROOT/gets.log, and as "path<TAB>
If-None-Match<TAB>If-Modified-Since" ("-" for none) to ROOT/conds.log.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ARGS = None
LOCK = threading.Lock()
SEEN = set()
LAST_MODIFIED = "Wed, 21 Oct 2026 07:28:00 GMT"


def verify(headers, body):
    """True if webhook-signature matches the secret (Standard Webhooks)."""
    if not ARGS.secret:
        return False
    key = base64.b64decode(ARGS.secret.split("_", 1)[1])
    msg_id = headers.get("webhook-id", "")
    ts = headers.get("webhook-timestamp", "")
    signed = msg_id.encode() + b"." + ts.encode() + b"." + body
    want = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    for sig in headers.get("webhook-signature", "").split():
        if sig.startswith("v1,") and hmac.compare_digest(
                sig[3:].encode(), want):
            return True
    return False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes

    def log_message(self, *a):
        pass

    def reply(self, code, body=b"", headers=None):
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if code != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if code != 304:
            self.wfile.write(body)

    def file_body(self, name):
        path = os.path.join(ARGS.root, os.path.basename(name))
        with open(path, "rb") as f:
            return f.read()

    def drip(self, body, headers=None):
        """Content-Length body, one byte per second."""
        self.send_response(200)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for i in range(len(body)):
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass
        self.close_connection = True

    def raw(self, head, body):
        """Writes a status line + headers + body as given, then closes."""
        try:
            self.wfile.write(head + b"\r\n" + body)
            self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True

    def fault_get(self, p, q):
        """The misbehaving GETs; None if p is not one of them."""
        name = p.split("/", 2)[2] if p.count("/") >= 2 else ""
        if p == "/loop":
            return self.reply(302, b"", {"Location": "/loop"})
        if p == "/bighdr":
            kb = int(q.get("kb", ["100"])[0])
            return self.reply(200, b"ok\n", {"X-Pad": "p" * (kb * 1024)})
        try:
            if p.startswith("/lm/"):
                body = self.file_body(name)
                hdr = {"Last-Modified": LAST_MODIFIED}
                if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                    return self.reply(304, b"", hdr)
                return self.reply(200, body, hdr)
            if p.startswith("/drip/"):
                return self.drip(self.file_body(name))
            if p.startswith("/lie/"):
                body = self.file_body(name)
                return self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n"
                                % int(q["cl"][0]), body)
            if p.startswith("/close/"):
                body = self.file_body(name)
                body = body[:int(q.get("cut", [len(body)])[0])]
                return self.raw(b"HTTP/1.1 200 OK\r\nConnection: close\r\n",
                                body)
            if p.startswith("/chunkcut/"):
                body = self.file_body(name)[:int(q["cut"][0])]
                return self.raw(b"HTTP/1.1 200 OK\r\n"
                                b"Transfer-Encoding: chunked\r\n",
                                b"%x\r\n%s\r\n" % (len(body), body))
        except OSError:
            return self.reply(404, b"no such file\n")
        return None

    def serve_file(self, name, validators):
        """ROOT/name, with ETag + Last-Modified and 304 if validators."""
        try:
            body = self.file_body(name)
        except OSError:
            return self.reply(404, b"no such file\n")
        if not validators:
            return self.reply(200, body)
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
        hdr = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if (inm and inm == etag) or (not inm and ims == LAST_MODIFIED):
            return self.reply(304, b"", hdr)
        return self.reply(200, body, hdr)

    def set_get(self, p, spec, name):
        """/set/SPEC/NAME: one file of a folder misbehaves (see above)."""
        if spec == "ctl":
            try:
                with open(os.path.join(ARGS.root, "setfault")) as f:
                    spec = f.read().strip()
            except OSError:
                spec = ""
        bad, _, fault = spec.partition("=")
        if fault == "uncond" and (self.headers.get("If-None-Match") or
                                  self.headers.get("If-Modified-Since")):
            bad = None
        if bad != name:
            return self.serve_file(name, True)
        if fault == "uncond":
            return self.reply(503, b"busy\n", {"Retry-After": "120"})
        if fault.isdigit():
            hdr = {"Retry-After": "120"} if fault in ("503", "429") else {}
            return self.reply(int(fault), b"status %s\n" % fault.encode(),
                              hdr)
        if fault == "big":
            return self.reply(200, b"z" * (3 * 1024 * 1024))
        try:
            body = self.file_body(name)
        except OSError:
            return self.reply(404, b"no such file\n")
        if fault == "drip":
            return self.drip(body)
        if fault == "chunkcut":
            return self.fault_get("/chunkcut/" + name,
                                  {"cut": [str(len(body) // 2)]})
        if fault in ("bighdr", "loop"):
            return self.fault_get("/" + fault, {})
        if fault == "cut":
            return self.raw(b"HTTP/1.1 200 OK\r\nConnection: close\r\n",
                            body[:len(body) // 2])
        if fault == "lie":
            return self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n"
                            % (len(body) + 1000), body)
        return self.reply(400, b"unknown fault\n")

    def do_GET(self):
        u = urlparse(self.path)
        q = parse_qs(u.query)
        p = u.path
        with LOCK, open(os.path.join(ARGS.root, "gets.log"), "a") as f:
            f.write(self.path + "\n")
        with LOCK, open(os.path.join(ARGS.root, "conds.log"), "a") as f:
            f.write("%s\t%s\t%s\n" % (
                self.path, self.headers.get("If-None-Match", "-"),
                self.headers.get("If-Modified-Since", "-")))
        if p in ("/loop", "/bighdr") or p.split("/")[1] in (
                "lm", "drip", "lie", "close", "chunkcut"):
            return self.fault_get(p, q)
        if p.startswith("/set/") and p.count("/") == 3:
            return self.set_get(p, p.split("/")[2], p.split("/")[3])
        if p.startswith("/files/") or p.startswith("/noetag/"):
            return self.serve_file(p.split("/", 2)[2],
                                   p.startswith("/files/"))
        if p.startswith("/status/"):
            code = int(p.split("/")[2])
            hdr = {"Retry-After": "120"} if code in (503, 429) else {}
            return self.reply(code, b"status %d\n" % code, hdr)
        if p == "/reset":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"x" * 1000)
            self.wfile.flush()
            time.sleep(0.1)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        if p == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"y" * 100)
            self.close_connection = True
            return
        if p == "/slow":
            time.sleep(3)
            return self.reply(200, b"late\n")
        if p == "/big":
            return self.reply(200, b"z" * int(q["n"][0]))
        if p == "/bigchunked":
            n = int(q["n"][0])
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"z" * 65536
            try:
                while n > 0:
                    c = chunk[:min(n, len(chunk))]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(c), c))
                    n -= len(c)
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
            self.close_connection = True
            return
        if p == "/redirect":
            return self.reply(302, b"", {"Location": q["to"][0]})
        return self.reply(404, b"unknown path\n")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        p = urlparse(self.path).path
        ok = verify(self.headers, body)
        msg_id = self.headers.get("webhook-id", "")
        code = 200 if ok else 401
        hdr = {}
        if p == "/flaky":
            with LOCK:
                first = msg_id not in SEEN
                SEEN.add(msg_id)
            if first:
                code = 500
        elif p == "/gone":
            code = 410
        elif p == "/busy":
            code = 503
            hdr = {"Retry-After": "120"}
        elif p == "/slowhook":
            time.sleep(3)
        elif p == "/fault":
            return self.fault_post(ok, msg_id)
        if ARGS.record:
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            rec = {"path": p, "id": msg_id,
                   "timestamp": self.headers.get("webhook-timestamp"),
                   "valid": ok, "code": code, "body": data}
            with LOCK, open(ARGS.record, "a") as f:
                f.write(json.dumps(rec) + "\n")
        self.reply(code, b"ok\n" if code == 200 else b"no\n", hdr)


    def fault_post(self, ok, msg_id):
        try:
            with open(os.path.join(ARGS.root, "hookmode")) as f:
                mode = f.read().strip()
        except OSError:
            mode = "ok"
        if ARGS.record:
            rec = {"path": "/fault", "id": msg_id, "valid": ok, "mode": mode}
            with LOCK, open(ARGS.record, "a") as f:
                f.write(json.dumps(rec) + "\n")
        if mode == "drip":
            return self.drip(b"x" * 100)
        if mode == "bighdr":
            return self.reply(200, b"ok\n", {"X-Pad": "p" * 102400})
        if mode == "big":
            return self.reply(200, b"z" * (2 * 1024 * 1024))
        if mode == "redirect":
            return self.reply(302, b"", {"Location": "/hook"})
        if mode.isdigit():
            code = int(mode)
            hdr = {"Retry-After": "120"} if code in (503, 429) else {}
            return self.reply(code, b"no\n", hdr)
        return self.reply(200 if ok else 401, b"ok\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that hang up on purpose (caps, timeouts) are normal


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=".")
    ap.add_argument("--record")
    ap.add_argument("--secret-file")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ARGS = ap.parse_args()
    ARGS.secret = None
    if ARGS.secret_file:
        with open(ARGS.secret_file) as f:
            ARGS.secret = f.read().strip()
    srv = Server(("127.0.0.1", 0), Handler)
    if ARGS.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    sys.stdout.write("%d\n" % srv.server_address[1])
    sys.stdout.flush()
    srv.serve_forever()


if __name__ == "__main__":
    main()

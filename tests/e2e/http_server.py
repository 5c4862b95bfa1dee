#!/usr/bin/env python3
"""A loopback HTTP server for end-to-end tests of wisp's repository client.

Serves the files of --dir (no directory listings), sends ETag = "<sha256 of the file>" and
answers If-None-Match with 304, optionally requires Basic auth (--auth USER:PASS) or redirects
every request to another server (--redirect-to BASE_URL: 302 to BASE_URL + path), and appends
"METHOD PATH STATUS" for every request to --log, plus " (auth)" when an Authorization header came. It binds 127.0.0.1 on a free port and writes
that port to --port-file (atomically, so a poller never reads half a number).
"""
import argparse
import base64
import hashlib
import http.server
import os
import posixpath
import sys
import threading
import urllib.parse


def make_handler(root, log_path, auth, redirect_to):
    log_lock = threading.Lock()
    expected = "Basic " + base64.b64encode(auth.encode()).decode() if auth else None

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # keep stderr quiet
            pass

        def record(self, status):
            with log_lock, open(log_path, "a") as log:
                sent_auth = " (auth)" if self.headers.get("Authorization") else ""
                log.write(f"{self.command} {self.path} {status}{sent_auth}\n")

        def reply(self, status, body=b"", headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD" and status != 304:
                self.wfile.write(body)
            self.record(status)

        def resolve(self):
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            parts = [p for p in posixpath.normpath(path).split("/") if p not in ("", ".", "..")]
            return os.path.join(root, *parts)

        def do_GET(self):
            if expected and self.headers.get("Authorization") != expected:
                self.reply(401, b"unauthorized\n", [("WWW-Authenticate", 'Basic realm="wisp-test"')])
                return
            if redirect_to:
                self.reply(302, headers=[("Location", redirect_to + self.path)])
                return
            path = self.resolve()
            if not os.path.isfile(path):
                self.reply(404, b"not found\n")
                return
            with open(path, "rb") as f:
                body = f.read()
            etag = '"' + hashlib.sha256(body).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                self.reply(304, headers=[("ETag", etag)])
                return
            self.reply(200, body, [("ETag", etag), ("Content-Type", "application/octet-stream")])

        do_HEAD = do_GET

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--auth", help="USER:PASS required as Basic auth")
    parser.add_argument("--redirect-to", help="answer every request with a redirect to this base URL")
    args = parser.parse_args()

    handler = make_handler(os.path.abspath(args.dir), args.log, args.auth, args.redirect_to)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

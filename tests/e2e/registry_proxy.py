#!/usr/bin/env python3
"""A loopback proxy in front of a registry for end-to-end tests of wisp's registry client.

It forwards every request to --upstream (keeping the client's Host header, so the registry's
Location headers point back at the proxy), appends "METHOD PATH STATUS" for each request to
--log, and injects faults at chosen points:

  --fault KIND@WHICH=ACTION   (repeatable)
    KIND    ping, blob-head, blob-get, upload-start, upload-patch, upload-put, manifest-head,
            manifest-get, manifest-put-digest, manifest-put-tag, tags, any
    WHICH   N (the Nth request of that kind, from 1), N-M, N+ (N and every later one) or *
    ACTION  drop          read part of the request, then close the connection without answering
            status:CODE   answer CODE with a distribution error body (429 adds Retry-After: 1)
            slow:SECONDS  wait, then forward
            truncate      forward, but cut the response body in half and close the connection

With --token USER:PASS it also plays a Docker token server: /v2/ requests need
"Authorization: Bearer T" with a token from GET /token?service=&scope= (Basic USER:PASS), whose
scopes cover the request; otherwise 401 with a Bearer challenge naming the scope. Tokens are
logged as "TOKEN <scopes>" lines. With --refresh-token R it also takes the OAuth2 form
POST /token (grant_type=refresh_token&refresh_token=R&service=&scope=), logged as "TOKEN oauth ...".
The upstream registry then runs without auth.

--page-tags N serves tag lists itself, N tags a page in lexical order with RFC 5988 Link headers
(Debian's registry 2.8 neither sorts nor pages them).

--redirect-blobs sends blob GETs to a second listener of this proxy (another origin, as a CDN
would be) and logs whether an Authorization header arrived there ("REDIRECTED GET PATH auth=yes|no");
that listener fetches from the registry with --upstream-auth USER:PASS, as a CDN has its own access.

Binds 127.0.0.1 on a free port and writes it to --port-file atomically.
"""
import argparse
import base64
import http.client
import http.server
import json
import os
import re
import secrets
import socket
import sys
import threading
import time
import urllib.parse

KINDS = [
    ("ping", "GET", re.compile(r"^/v2/?$")),
    ("blob-head", "HEAD", re.compile(r"^/v2/.+/blobs/[a-z0-9]+:[a-f0-9]+$")),
    ("blob-get", "GET", re.compile(r"^/v2/.+/blobs/[a-z0-9]+:[a-f0-9]+$")),
    ("upload-start", "POST", re.compile(r"^/v2/.+/blobs/uploads/?$")),
    ("upload-patch", "PATCH", re.compile(r"^/v2/.+/blobs/uploads/.+$")),
    ("upload-put", "PUT", re.compile(r"^/v2/.+/blobs/uploads/.+$")),
    ("manifest-head", "HEAD", re.compile(r"^/v2/.+/manifests/.+$")),
    ("manifest-get", "GET", re.compile(r"^/v2/.+/manifests/.+$")),
    ("manifest-put-digest", "PUT", re.compile(r"^/v2/.+/manifests/[a-z0-9]+:[a-f0-9]+$")),
    ("manifest-put-tag", "PUT", re.compile(r"^/v2/.+/manifests/[^:/]+$")),
    ("tags", "GET", re.compile(r"^/v2/.+/tags/list$")),
]
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization",
              "proxy-authenticate", "content-length"}


def kind_of(method, path):
    for name, want_method, pattern in KINDS:
        if method == want_method and pattern.match(path):
            return name
    return None


class Fault:
    def __init__(self, spec):
        m = re.match(r"^([a-z-]+)@(\*|\d+\+|\d+-\d+|\d+)=(drop|status:\d{3}|slow:[0-9.]+|truncate)$", spec)
        if not m:
            raise SystemExit(f"bad --fault {spec!r}")
        self.kind, which, self.action = m.groups()
        if which == "*":
            self.first, self.last = 1, None
        elif which.endswith("+"):
            self.first, self.last = int(which[:-1]), None
        elif "-" in which:
            a, b = which.split("-")
            self.first, self.last = int(a), int(b)
        else:
            self.first = self.last = int(which)

    def applies(self, kind, count):
        if self.kind != "any" and self.kind != kind:
            return False
        return count >= self.first and (self.last is None or count <= self.last)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT of the registry")
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--fault", action="append", default=[])
    parser.add_argument("--token", help="USER:PASS: act as a Bearer token server")
    parser.add_argument("--refresh-token", help="an identity token accepted by POST /token")
    parser.add_argument("--redirect-blobs", action="store_true")
    parser.add_argument("--page-tags", type=int, default=0)
    parser.add_argument("--upstream-auth", help="USER:PASS the redirect listener uses upstream")
    args = parser.parse_args()

    upstream = urllib.parse.urlsplit(args.upstream)
    faults = [Fault(f) for f in args.fault]
    counts = {}
    tokens = {}  # token -> set of "repository:NAME:ACTION"
    lock = threading.Lock()
    expected_basic = "Basic " + base64.b64encode(args.token.encode()).decode() if args.token else None
    state = {"redirect_port": None, "port": None}

    def log(line):
        with lock, open(args.log, "a") as f:
            f.write(line + "\n")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *a):
            pass

        # --- helpers -------------------------------------------------------------------
        def read_body(self, limit=None):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().strip().split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        break
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                return b"".join(chunks)
            length = int(self.headers.get("Content-Length") or 0)
            if limit is not None:
                length = min(length, limit)
            return self.rfile.read(length) if length else b""

        def answer(self, status, body=b"", headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def drop(self):
            # Take a little of the body (a cut upload), then vanish without an answer.
            self.read_body(limit=32 * 1024)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def bearer_check(self, path):
            """None when the request may pass, else the scope it lacks."""
            m = re.match(r"^/v2/(.+?)/(blobs|manifests|tags|referrers)/", path)
            if not m:
                return None if path.rstrip("/") == "/v2" and self.token_scopes() is not None else "ping"
            name = m.group(1)
            action = "pull" if self.command in ("GET", "HEAD") else "push"
            scopes = self.token_scopes()
            need = f"repository:{name}:{action}"
            if scopes is not None and need in scopes:
                # A mount also needs pull on the repository it mounts from.
                q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                if "from" in q and f"repository:{q['from'][0]}:pull" not in scopes:
                    return f"repository:{q['from'][0]}:pull"
                return None
            return f"repository:{name}:pull,push" if action == "push" else need

        def token_scopes(self):
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer "):
                return None
            with lock:
                return tokens.get(auth[7:])

        def serve_token(self):
            oauth = self.command == "POST"
            if oauth:
                q = urllib.parse.parse_qs(self.read_body().decode())
                if not args.refresh_token or q.get("grant_type") != ["refresh_token"] or \
                        q.get("refresh_token") != [args.refresh_token]:
                    log("TOKEN oauth refused")
                    self.answer(401, b'{"details":"bad refresh token"}', [("Content-Type", "application/json")])
                    return
            elif self.headers.get("Authorization") != expected_basic:
                log(f"TOKEN refused")
                self.answer(401, b'{"details":"bad credentials"}', [("Content-Type", "application/json")])
                return
            else:
                q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            granted = set()
            for scope in q.get("scope", []):
                for one in scope.split(" "):
                    parts = one.split(":")
                    if len(parts) == 3 and parts[0] == "repository":
                        for action in parts[2].split(","):
                            granted.add(f"repository:{parts[1]}:{action}")
            token = secrets.token_hex(16)
            with lock:
                tokens[token] = granted
            log("TOKEN " + ("oauth " if oauth else "") + " ".join(sorted(granted)))
            field = "access_token" if oauth else "token"
            self.answer(200, json.dumps({field: token, "expires_in": 300}).encode(),
                        [("Content-Type", "application/json")])

        # --- the proxy ---------------------------------------------------------------------
        def handle_any(self):
            path = urllib.parse.urlsplit(self.path).path
            if state["redirect_port"] and self.server.server_address[1] == state["redirect_port"]:
                log(f"REDIRECTED {self.command} {path} auth={'yes' if self.headers.get('Authorization') else 'no'}")
                return self.forward(path, strip_auth=True)
            if args.token and path == "/token":
                return self.serve_token()
            kind = kind_of(self.command, path)
            fault = None
            with lock:
                if kind:
                    counts[kind] = counts.get(kind, 0) + 1
                for f in faults:
                    if f.applies(kind, counts.get(kind, 0) if kind else 0):
                        fault = f
                        break
            if args.token:
                missing = self.bearer_check(path)
                if missing:
                    self.read_body()
                    realm = f"http://127.0.0.1:{state['port']}/token"
                    challenge = f'Bearer realm="{realm}",service="wisp-test"'
                    if missing != "ping":
                        challenge += f',scope="{missing}"'
                    log(f"{self.command} {self.path} 401")
                    self.answer(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                                [("WWW-Authenticate", challenge), ("Content-Type", "application/json")])
                    return
            if fault:
                log(f"FAULT {fault.action} {self.command} {self.path}")
                if fault.action == "drop":
                    return self.drop()
                if fault.action.startswith("status:"):
                    code = int(fault.action[7:])
                    self.read_body()
                    headers = [("Content-Type", "application/json")]
                    if code == 429:
                        headers.append(("Retry-After", "1"))
                    body = json.dumps({"errors": [{"code": "TOOMANYREQUESTS" if code == 429 else "UNKNOWN",
                                                   "message": f"injected {code}"}]}).encode()
                    log(f"{self.command} {self.path} {code}")
                    return self.answer(code, body, headers)
                if fault.action.startswith("slow:"):
                    time.sleep(float(fault.action[5:]))
            if args.page_tags and kind == "tags":
                return self.serve_tag_page(path)
            if args.redirect_blobs and kind == "blob-get":
                location = f"http://localhost:{state['redirect_port']}{self.path}"
                log(f"{self.command} {self.path} 307")
                return self.answer(307, b"", [("Location", location)])
            self.forward(self.path, truncate=fault is not None and fault.action == "truncate")

        def serve_tag_page(self, path):
            conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
            headers = {"Authorization": self.headers["Authorization"]} if self.headers.get("Authorization") else {}
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            data = response.read()
            conn.close()
            if response.status != 200:
                log(f"{self.command} {self.path} {response.status}")
                return self.answer(response.status, data, [(k, v) for k, v in response.getheaders()
                                                           if k.lower() not in HOP_BY_HOP])
            doc = json.loads(data)
            tags = sorted(doc.get("tags") or [])
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            n = int(q.get("n", [args.page_tags])[0])
            last = q.get("last", [None])[0]
            if last is not None:
                tags = [t for t in tags if t > last]
            page, rest = tags[:n], tags[n:]
            headers = [("Content-Type", "application/json")]
            if rest:
                query = urllib.parse.urlencode({"n": n, "last": page[-1]})
                headers.append(("Link", f'<{path}?{query}>; rel="next"'))
            log(f"{self.command} {self.path} 200")
            self.answer(200, json.dumps({"name": doc.get("name"), "tags": page}).encode(), headers)

        def forward(self, target, strip_auth=False, truncate=False):
            body = self.read_body()
            conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=120)
            conn.putrequest(self.command, target, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", self.headers.get("Host", f"127.0.0.1:{state['port']}"))
            for name, value in self.headers.items():
                lname = name.lower()
                if lname in HOP_BY_HOP or lname == "host":
                    continue
                if lname == "authorization" and (strip_auth or args.token):
                    continue
                conn.putheader(name, value)
            if strip_auth and args.upstream_auth:
                conn.putheader("Authorization", "Basic " + base64.b64encode(args.upstream_auth.encode()).decode())
            if body or self.command in ("PUT", "POST", "PATCH"):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders()
            if body:
                conn.send(body)
            response = conn.getresponse()
            data = response.read()
            conn.close()
            log(f"{self.command} {self.path} {response.status}")
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() in HOP_BY_HOP:
                    continue
                self.send_header(name, value)
            if self.command == "HEAD":
                self.send_header("Content-Length", response.getheader("Content-Length", "0"))
                self.end_headers()
                return
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if truncate:
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(data)

        do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = handle_any

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state["port"] = server.server_address[1]
    if args.redirect_blobs:
        second = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        second.daemon_threads = True
        state["redirect_port"] = second.server_address[1]
        threading.Thread(target=second.serve_forever, daemon=True).start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(state["port"]))
    os.rename(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

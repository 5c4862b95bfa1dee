#!/usr/bin/env bash
# wisp resolve / wisp lock against a loopback HTTP repository: ETag revalidation (304), the
# download cache, --offline, Basic auth from HTTP_AUTH, and the lockfile's shape.
source "$(dirname "$0")/lib.sh"

# Loopback only: never send these requests through a proxy from the environment.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY HTTP_AUTH
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1

SERVER_PIDS=()
cleanup() {
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_server NAME [--auth USER:PASS]: serves $WORK/repo; sets PORT, PID and LOG.
start_server() {
  local name=$1; shift
  LOG="$WORK/$name.log"
  : >"$LOG"
  python3 "$ROOT/tests/e2e/http_server.py" --dir "$WORK/repo" --port-file "$WORK/$name.port" \
    --log "$LOG" "$@" &
  PID=$!
  SERVER_PIDS+=("$PID")
  for _ in $(seq 100); do
    [ -s "$WORK/$name.port" ] && break
    kill -0 "$PID" 2>/dev/null || fail "server $name exited early"
    sleep 0.1
  done
  [ -s "$WORK/$name.port" ] || fail "server $name did not start within 10 s"
  PORT=$(cat "$WORK/$name.port")
}

stop_server() {
  kill "$1"
  wait "$1" 2>/dev/null || true
}

cp -r "$TESTDATA/apk/apko-mini-repo" "$WORK/repo"
chmod -R u+w "$WORK/repo"
KEY="$WORK/repo/melange.rsa.pub"
CACHE="$WORK/cache"

start_server plain
URL="http://127.0.0.1:$PORT"
resolve() { "$WISP" resolve --repository "$URL" --keyring "$KEY" --arch x86_64 "$@"; }
EXPECTED=$'pretend-baselayout=1.0.0-r0\nreplayout=1.0.0-r0'

# 1. First resolve downloads the index.
expect_exit 0 resolve --cache-dir "$CACHE" replayout
[ "$OUT" = "$EXPECTED" ] || fail "unexpected resolution: $OUT"
pass
expect_contains "$(cat "$LOG")" "GET /x86_64/APKINDEX.tar.gz 200"

# 2. Second resolve revalidates it: If-None-Match with the stored ETag, answered with 304.
expect_exit 0 resolve --cache-dir "$CACHE" replayout
[ "$OUT" = "$EXPECTED" ] || fail "unexpected resolution on the second run: $OUT"
pass
[ "$(grep -c 'GET /x86_64/APKINDEX.tar.gz 304' "$LOG")" = 1 ] || fail "expected one 304: $(cat "$LOG")"
pass

# 3. JSON output names the repository; dot output is a digraph.
expect_exit 0 resolve --cache-dir "$CACHE" --format json replayout
python3 - "$OUT" "$URL" <<'EOF' || fail "bad JSON output: $OUT"
import json, sys
doc = json.loads(sys.argv[1])
assert [p["name"] for p in doc] == ["pretend-baselayout", "replayout"], doc
assert all(p["repository"] == sys.argv[2] and p["checksum"].startswith("Q1") for p in doc), doc
EOF
pass
expect_exit 0 resolve --cache-dir "$CACHE" --format dot replayout
expect_contains "$OUT" 'digraph'

# 4. A package that does not exist: a solver error, not a crash.
expect_exit 1 resolve --cache-dir "$CACHE" replayout no-such-package
expect_contains "$ERR" "no-such-package"

# 5. wisp lock on an image config for two archs, while the server is up.
cat >"$WORK/image.yaml" <<EOF
contents:
  repositories:
    - $URL
  keyring:
    - $KEY
  packages:
    - replayout
archs: [x86_64, aarch64]
EOF
expect_exit 0 "$WISP" lock "$WORK/image.yaml" --cache-dir "$CACHE"
[ -f "$WORK/image.lock.json" ] || fail "image.lock.json was not written"
pass
python3 - "$WORK/image.lock.json" "$URL" "$WORK/repo" <<'EOF' || fail "bad lockfile: $(cat "$WORK/image.lock.json")"
import base64, hashlib, json, os, sys
lock = json.load(open(sys.argv[1]))
url, repo = sys.argv[2], sys.argv[3]
assert list(lock) == ["version", "config", "contents"], list(lock)
assert lock["version"] == "v1"
assert lock["config"]["name"].endswith("image.yaml")
assert lock["config"]["checksum"].startswith("sha256-")
assert len(base64.b64decode(lock["config"]["checksum"][7:])) == 32
contents = lock["contents"]
assert list(contents) == ["keyring", "build_repositories", "runtime_repositories", "repositories", "packages"], list(contents)
assert contents["keyring"][0]["content"].startswith("-----BEGIN PUBLIC KEY-----")
assert sorted(r["architecture"] for r in contents["repositories"]) == ["aarch64", "x86_64"]
for r in contents["repositories"]:
    assert r["url"] == f"{url}/{r['architecture']}/APKINDEX.tar.gz", r
    assert r["name"] == url[len("http://"):] + "/" + r["architecture"], r
pkgs = contents["packages"]
assert sorted((p["architecture"], p["name"]) for p in pkgs) == [
    ("aarch64", "pretend-baselayout"), ("aarch64", "replayout"),
    ("x86_64", "pretend-baselayout"), ("x86_64", "replayout")], pkgs
def digest(alg, data):
    return alg + "-" + base64.b64encode(hashlib.new(alg, data).digest()).decode()
for p in pkgs:
    assert list(p) == ["name", "url", "version", "architecture", "signature", "control", "data", "checksum"], list(p)
    assert p["url"] == f"{url}/{p['architecture']}/{p['name']}-{p['version']}.apk", p
    data = open(os.path.join(repo, p["architecture"], f"{p['name']}-{p['version']}.apk"), "rb").read()
    end = 0
    for part, alg in (("signature", "sha1"), ("control", "sha1"), ("data", "sha256")):
        rng = p[part]["range"]
        assert rng.startswith("bytes="), rng
        first, last = map(int, rng[6:].split("-"))
        assert first == end, (part, rng, end)
        assert p[part]["checksum"] == digest(alg, data[first:last + 1]), (part, p[part])
        end = last + 1
    assert end == len(data), (end, len(data))
    control = p["control"]["range"][6:].split("-")
    sha1 = hashlib.sha1(data[int(control[0]):int(control[1]) + 1]).digest()
    assert p["checksum"] == "Q1" + base64.b64encode(sha1).decode(), p
EOF
pass
expect_contains "$(cat "$LOG")" "GET /aarch64/replayout-1.0.0-r0.apk 200"

# 6. Server gone: --offline works from the cache (indexes and packages), and lock gives the
#    same bytes.
stop_server "$PID"
cp "$WORK/image.lock.json" "$WORK/first.lock.json"
expect_exit 0 resolve --cache-dir "$CACHE" --offline replayout
[ "$OUT" = "$EXPECTED" ] || fail "unexpected offline resolution: $OUT"
pass
expect_exit 0 "$WISP" lock "$WORK/image.yaml" --cache-dir "$CACHE" --offline -o "$WORK/offline.lock.json"
cmp -s "$WORK/first.lock.json" "$WORK/offline.lock.json" || fail "offline lock differs"
pass

# 7. Without --offline the dead server is a network error that points at --offline.
expect_exit 1 resolve --cache-dir "$CACHE" replayout
expect_one_line "$ERR"
expect_contains "$ERR" "use --offline"

# 8. Offline with an empty cache: one clear line.
expect_exit 1 resolve --cache-dir "$WORK/empty-cache" --offline replayout
expect_one_line "$ERR"
expect_contains "$ERR" "offline and not cached: $URL/x86_64/APKINDEX.tar.gz"

# 9. Basic auth: HTTP_AUTH for host:port; a wrong password or none is a clear error.
start_server auth --auth wisp:s3cret
URL="http://127.0.0.1:$PORT"
expect_exit 1 env HTTP_AUTH="basic:127.0.0.1:$PORT:wisp:wrong" \
  "$WISP" resolve -r "$URL" -k "$KEY" --arch x86_64 --cache-dir "$WORK/auth-cache" replayout
expect_one_line "$ERR"
expect_contains "$ERR" "$URL/x86_64/APKINDEX.tar.gz: HTTP 401"
expect_contains "$ERR" "credentials refused"
case "$ERR" in *wrong*) fail "the password leaked into: $ERR" ;; esac
pass
expect_exit 1 "$WISP" resolve -r "$URL" -k "$KEY" --arch x86_64 --cache-dir "$WORK/auth-cache" replayout
expect_contains "$ERR" "no credentials for this host"
expect_exit 0 env HTTP_AUTH="basic:127.0.0.1:$PORT:wisp:s3cret" \
  "$WISP" resolve -r "$URL" -k "$KEY" --arch x86_64 --cache-dir "$WORK/auth-cache" replayout
[ "$OUT" = "$EXPECTED" ] || fail "unexpected resolution with auth: $OUT"
pass
# Credentials in the URL work too and never show in messages.
expect_exit 1 "$WISP" resolve -r "http://wisp:wrong@127.0.0.1:$PORT" -k "$KEY" --arch x86_64 \
  --cache-dir "$WORK/auth-cache" replayout
case "$ERR" in *wrong*) fail "the password leaked into: $ERR" ;; esac
pass
expect_exit 2 env HTTP_AUTH="basic:onlyhost" "$WISP" resolve -r "$URL" -k "$KEY" --arch x86_64 replayout
expect_contains "$ERR" "HTTP_AUTH entry 1"

# 10. Untrusted index: without the key it is refused; --allow-untrusted says so loudly.
expect_exit 1 env HTTP_AUTH="basic:127.0.0.1:$PORT:wisp:s3cret" \
  "$WISP" resolve -r "$URL" --arch x86_64 --cache-dir "$WORK/auth-cache" replayout
expect_contains "$ERR" "--keyring"
expect_exit 0 env HTTP_AUTH="basic:127.0.0.1:$PORT:wisp:s3cret" \
  "$WISP" resolve -r "$URL" --arch x86_64 --cache-dir "$WORK/auth-cache" --allow-untrusted replayout
expect_contains "$ERR" "WARNING: signature checks skipped for $URL/x86_64/APKINDEX.tar.gz"

# 11. Redirects: a server that wants credentials sends us to another origin; the password goes
#     to the first one only.
start_server target
TARGET_URL="http://127.0.0.1:$PORT"
TARGET_LOG=$LOG
start_server front --auth wisp:s3cret --redirect-to "$TARGET_URL"
FRONT_LOG=$LOG
expect_exit 0 env HTTP_AUTH="basic:127.0.0.1:$PORT:wisp:s3cret" \
  "$WISP" resolve -r "http://127.0.0.1:$PORT" -k "$KEY" --arch x86_64 --cache-dir "$WORK/redirect-cache" replayout
[ "$OUT" = "$EXPECTED" ] || fail "unexpected resolution through a redirect: $OUT"
pass
expect_contains "$(cat "$FRONT_LOG")" "GET /x86_64/APKINDEX.tar.gz 302 (auth)"
expect_contains "$(cat "$TARGET_LOG")" "GET /x86_64/APKINDEX.tar.gz 200"
if grep -q '(auth)' "$TARGET_LOG"; then fail "credentials were sent across the redirect: $(cat "$TARGET_LOG")"; fi
pass

finish

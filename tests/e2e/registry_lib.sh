# Registry helpers for end-to-end scripts (source after lib.sh): Debian's docker-registry on
# 127.0.0.1 with its own config file and a free port, optionally with htpasswd (bcrypt) auth or
# TLS from a throwaway CA, and the fault-injecting proxy (registry_proxy.py) in front of it.
# Every server is stopped by its PID when the script exits, whatever the outcome.

# Loopback only: never send these requests through a proxy from the environment, and keep
# the developer's own Docker credentials out of it.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY REGISTRY_AUTH_FILE XDG_RUNTIME_DIR
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export DOCKER_CONFIG=$WORK/docker-config
mkdir -p "$DOCKER_CONFIG"

command -v docker-registry >/dev/null || { echo "SKIP: docker-registry is not installed (scripts/setup-deps)"; exit 0; }
command -v skopeo >/dev/null || { echo "SKIP: skopeo is not installed (scripts/setup-deps)"; exit 0; }

REGISTRY_PIDS=()
registry_cleanup() {
  local pid
  for pid in "${REGISTRY_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${REGISTRY_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap registry_cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL PID WHAT: polls URL (any HTTP answer counts) up to ~10 s while PID lives.
wait_http() {
  local url=$1 pid=$2 what=$3 i
  for i in $(seq 200); do
    curl -s -k -o /dev/null "$url" && return 0
    kill -0 "$pid" 2>/dev/null || fail "$what exited early"
    sleep 0.05
  done
  fail "$what did not answer within 10 s"
}

# make_ca DIR: a CA and a server certificate for 127.0.0.1/localhost signed by it.
make_ca() {
  local dir=$1
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=wisp test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$dir/ext.cnf"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/ext.cnf" -out "$dir/server.crt" 2>/dev/null
}

# start_registry NAME [--auth USER:PASS] [--tls CADIR] [--relative]: sets REG (127.0.0.1:PORT),
# REG_PID and REG_DIR. --relative makes Location headers relative URLs.
start_registry() {
  local name=$1; shift
  local auth="" tls="" relative=false
  while [ $# -gt 0 ]; do
    case $1 in
      --auth) auth=$2; shift 2 ;;
      --tls) tls=$2; shift 2 ;;
      --relative) relative=true; shift ;;
      *) fail "start_registry: unknown option $1" ;;
    esac
  done
  REG_DIR=$WORK/registry-$name
  mkdir -p "$REG_DIR/data"
  local port; port=$(free_port)
  {
    echo "version: 0.1"
    echo "log: {level: warn, accesslog: {disabled: true}}"
    echo "storage: {filesystem: {rootdirectory: $REG_DIR/data}, delete: {enabled: true}}"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    echo "  secret: wisp-test-only"
    $relative && echo "  relativeurls: true"
    if [ -n "$tls" ]; then
      echo "  tls: {certificate: $tls/server.crt, key: $tls/server.key}"
    fi
    if [ -n "$auth" ]; then
      htpasswd -Bbn "${auth%%:*}" "${auth#*:}" >"$REG_DIR/htpasswd" 2>/dev/null
      echo "auth: {htpasswd: {realm: wisp-test, path: $REG_DIR/htpasswd}}"
    fi
  } >"$REG_DIR/config.yml"
  docker-registry serve "$REG_DIR/config.yml" >"$REG_DIR/log" 2>&1 &
  REG_PID=$!
  REGISTRY_PIDS+=("$REG_PID")
  REG=127.0.0.1:$port
  local scheme=http
  [ -n "$tls" ] && scheme=https
  wait_http "$scheme://$REG/v2/" "$REG_PID" "registry $name"
}

# start_proxy NAME UPSTREAM_HOSTPORT [proxy options...]: sets PROXY (127.0.0.1:PORT), PROXY_PID
# and PROXY_LOG.
start_proxy() {
  local name=$1 upstream=$2; shift 2
  PROXY_LOG=$WORK/proxy-$name.log
  : >"$PROXY_LOG"
  rm -f "$WORK/proxy-$name.port"
  python3 "$ROOT/tests/e2e/registry_proxy.py" --upstream "http://$upstream" --port-file "$WORK/proxy-$name.port" \
    --log "$PROXY_LOG" "$@" &
  PROXY_PID=$!
  REGISTRY_PIDS+=("$PROXY_PID")
  local i
  for i in $(seq 200); do
    [ -s "$WORK/proxy-$name.port" ] && break
    kill -0 "$PROXY_PID" 2>/dev/null || fail "proxy $name exited early"
    sleep 0.05
  done
  [ -s "$WORK/proxy-$name.port" ] || fail "proxy $name did not start within 10 s"
  PROXY=127.0.0.1:$(cat "$WORK/proxy-$name.port")
}

stop_pid() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# count_log FILE REGEX: how many lines match.
count_log() { grep -cE "$2" "$1" || true; }

# The apko mini repo as a two-arch image (x86_64 + aarch64): writes $WORK/mini.yaml and builds
# it into $WORK/mini (tag mini).
build_mini() {
  local mini=$TESTDATA/apk/apko-mini-repo
  cat >"$WORK/mini.yaml" <<YAML
contents:
  repositories: [ $mini ]
  keyring: [ $mini/melange.rsa.pub ]
  packages: [ replayout, custom-ca-certs-1 ]
archs: [ x86_64, aarch64 ]
YAML
  SOURCE_DATE_EPOCH=1700000000 "$WISP" build -q "$WORK/mini.yaml" --cache-dir "$WORK/cache" -t mini -o "$WORK/mini" \
    || fail "building the mini image"
  MINI_DIGEST=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "mini") | .digest' \
    "$WORK/mini/index.json")
  [ -n "$MINI_DIGEST" ] || fail "no mini entry in $WORK/mini/index.json"
}

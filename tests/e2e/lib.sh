# Shared helpers for end-to-end scripts: source it, then call the functions below.
set -euo pipefail
WISP=${1:?usage: SCRIPT WISP_BINARY TESTDATA_DIR}
TESTDATA=${2:?usage: SCRIPT WISP_BINARY TESTDATA_DIR}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
checks=0

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { checks=$((checks + 1)); }

# expect_exit CODE CMD...: runs CMD, captures stdout/stderr in $OUT/$ERR, checks the exit code.
expect_exit() {
  local want=$1; shift
  local got=0
  "$@" >"$WORK/.out" 2>"$WORK/.err" || got=$?
  OUT=$(cat "$WORK/.out"); ERR=$(cat "$WORK/.err")
  [ "$got" = "$want" ] || fail "expected exit $want, got $got from: $* | stdout: $OUT | stderr: $ERR"
  pass
}

# expect_contains HAYSTACK NEEDLE
expect_contains() {
  case "$1" in *"$2"*) pass ;; *) fail "expected to find '$2' in: $1" ;; esac
}

# expect_one_line TEXT: an error report is exactly one line.
expect_one_line() {
  [ "$(printf '%s\n' "$1" | wc -l)" = 1 ] || fail "expected a one-line message, got: $1"
  pass
}

finish() { echo "$checks passed, 0 failed"; }

#!/usr/bin/env bash
# wisp push and pull through a proxy that drops connections, answers 500/503/429 and stalls at
# chosen points of a transfer. Either the copy completes with the right digests, or it fails
# with one clear line and no tag points at a partial image. Also: blob redirects to another
# origin never carry the registry's credentials, and interrupted downloads resume.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
export SOURCE_DATE_EPOCH=1700000000

build_mini
start_registry plain --relative
BACKEND=$REG
# Small chunks, so that every layer goes up in several PATCH requests.
PUSH=("$WISP" push --chunk-size 1024 "$WORK/mini")

# pushed_ok REPO:TAG: the registry (asked directly) has the image under the tag, byte for byte,
# and every blob of it pulls back with the right digest.
pushed_ok() {
  expect_exit 0 "$WISP" digest "$BACKEND/$1"
  [ "$OUT" = "$MINI_DIGEST" ] || fail "$1 has digest $OUT, want $MINI_DIGEST"
  pass
  rm -rf "$WORK/check"
  expect_exit 0 "$WISP" pull "$BACKEND/$1" "$WORK/check"
  expect_exit 0 skopeo copy -q --all "oci:$WORK/check" "oci:$WORK/check-skopeo:x"
}

# tag_absent REPO:TAG: the tag names nothing.
tag_absent() {
  expect_exit 1 "$WISP" digest "$BACKEND/$1"
  expect_contains "$ERR" "manifest unknown"
}

# faulty_push NAME REPO:TAG FAULT... : push through a fresh proxy with the given faults.
faulty_push() {
  local name=$1 target=$2; shift 2
  local faults=()
  for f in "$@"; do faults+=(--fault "$f"); done
  start_proxy "$name" "$BACKEND" "${faults[@]}"
}

# --- faults the push rides out ------------------------------------------------------------------
# Connections cut in the middle of PATCH requests (twice in a row, so that libcurl's own resend
# on a fresh connection fails too): that blob's upload starts over from a new session. One blob
# at a time, so that both cuts hit the same upload.
faulty_push drop-patch r/drop-patch:1 'upload-patch@2-3=drop'
expect_exit 0 "${PUSH[@]}" -j 1 "$PROXY/r/drop-patch:1"
[ "$(count_log "$PROXY_LOG" '^FAULT drop PATCH')" = 2 ] || fail "faults not hit: $(cat "$PROXY_LOG")"
pass
[ "$(count_log "$PROXY_LOG" '^POST /v2/r/drop-patch/blobs/uploads/ 202')" -ge 5 ] || fail "want 4 uploads + a restart: $(cat "$PROXY_LOG")"
pass
pushed_ok r/drop-patch:1
stop_pid "$PROXY_PID"

# The registry answers 500 to the final PUT of the first upload and 503 to the first manifest.
faulty_push errors r/errors:1 'upload-put@1=status:500' 'manifest-put-digest@1=status:503'
expect_exit 0 "${PUSH[@]}" "$PROXY/r/errors:1"
[ "$(count_log "$PROXY_LOG" '^FAULT')" = 2 ] || fail "faults not hit: $(cat "$PROXY_LOG")"
pass
pushed_ok r/errors:1
stop_pid "$PROXY_PID"

# Throttling: two 429s (Retry-After: 1) when starting uploads; a slow registry on every HEAD.
faulty_push throttle r/throttle:1 'upload-start@1-2=status:429' 'blob-head@*=slow:0.2'
start=$(date +%s%N)
expect_exit 0 "${PUSH[@]}" -j 1 "$PROXY/r/throttle:1"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$elapsed_ms" -ge 2000 ] || fail "Retry-After: 1 was not honoured twice (push took $elapsed_ms ms)"
pass
pushed_ok r/throttle:1
stop_pid "$PROXY_PID"

# A dropped connection on a manifest PUT and on a HEAD (both simply sent again).
faulty_push drops r/drops:1 'manifest-put-digest@2=drop' 'blob-head@1=drop' 'manifest-put-tag@1=drop'
expect_exit 0 "${PUSH[@]}" "$PROXY/r/drops:1"
[ "$(count_log "$PROXY_LOG" '^FAULT drop')" = 3 ] || fail "faults not hit: $(cat "$PROXY_LOG")"
pass
pushed_ok r/drops:1
stop_pid "$PROXY_PID"

# --- faults that outlast the retries: a clear error, and no tag on a partial image ----------------
# Every final blob PUT fails: no blob completes, nothing is tagged.
faulty_push blob-down r/blob-down:1 'upload-put@*=status:500'
expect_exit 1 "${PUSH[@]}" --retries 2 "$PROXY/r/blob-down:1"
expect_one_line "$ERR"
expect_contains "$ERR" "uploading blob sha256:"
expect_contains "$ERR" "HTTP 500: UNKNOWN: injected 500 (after 3 attempts)"
tag_absent r/blob-down:1
stop_pid "$PROXY_PID"

# The index itself cannot be stored (the platform manifests could): the tag must not exist.
faulty_push index-down r/index-down:1 'manifest-put-digest@3+=status:500'
expect_exit 1 "${PUSH[@]}" --retries 1 "$PROXY/r/index-down:1"
expect_one_line "$ERR"
expect_contains "$ERR" "$PROXY: PUT /v2/r/index-down/manifests/$MINI_DIGEST: HTTP 500"
tag_absent r/index-down:1
[ "$(count_log "$PROXY_LOG" '^PUT /v2/r/index-down/manifests/[^s]')" = 0 ] || fail "a tag PUT was attempted"
pass
stop_pid "$PROXY_PID"

# A connection cut on every PATCH: the push gives up naming the transport failure.
faulty_push patch-down r/patch-down:1 'upload-patch@*=drop'
expect_exit 1 "${PUSH[@]}" --retries 1 "$PROXY/r/patch-down:1"
expect_one_line "$ERR"
expect_contains "$ERR" "PATCH http://$PROXY/v2/r/patch-down/blobs/uploads/"
tag_absent r/patch-down:1
# The same push with the faults gone completes (the partial sessions were cancelled or are harmless).
expect_exit 0 "${PUSH[@]}" "$BACKEND/r/patch-down:1"
pushed_ok r/patch-down:1
stop_pid "$PROXY_PID"

# --- pulls --------------------------------------------------------------------------------------
"$WISP" push -q "$WORK/mini" "$BACKEND/r/src:1" >/dev/null || fail "seeding r/src"
# A blob response cut in half: the download resumes with a Range request and verifies.
start_proxy truncate "$BACKEND" --fault 'blob-get@1=truncate' --fault 'manifest-get@2=status:502'
expect_exit 0 "$WISP" pull "$PROXY/r/src:1" "$WORK/pulled-truncated"
[ "$OUT" = "$MINI_DIGEST" ] || fail "pull after a truncated blob: $OUT"
pass
expect_contains "$(cat "$PROXY_LOG")" "FAULT truncate GET"
expect_exit 0 skopeo copy -q --all "oci:$WORK/pulled-truncated" "oci:$WORK/pulled-truncated-check:x"
stop_pid "$PROXY_PID"
# Blobs that never come: an error, and the layout names no image.
start_proxy blob-gone "$BACKEND" --fault 'blob-get@*=status:500'
expect_exit 1 "$WISP" pull --retries 1 "$PROXY/r/src:1" "$WORK/pulled-broken"
expect_one_line "$ERR"
expect_contains "$ERR" "HTTP 500"
[ ! -e "$WORK/pulled-broken/index.json" ] || fail "a failed pull wrote index.json"
pass
stop_pid "$PROXY_PID"

# --- redirects ----------------------------------------------------------------------------------
# Blob GETs are redirected to another origin: followed, without the registry's credentials.
start_registry auth --auth tester:s3cret
start_proxy redirect "$REG" --redirect-blobs --upstream-auth tester:s3cret
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$PROXY" "$(printf 'tester:s3cret' | base64)" >"$DOCKER_CONFIG/config.json"
"$WISP" push -q "$WORK/mini" "$PROXY/r/redirect:1" >/dev/null || fail "push through the redirecting proxy"
expect_exit 0 "$WISP" pull "$PROXY/r/redirect:1" "$WORK/pulled-redirect"
[ "$OUT" = "$MINI_DIGEST" ] || fail "pull through redirects: $OUT"
pass
[ "$(count_log "$PROXY_LOG" '^REDIRECTED GET .* auth=no')" = 4 ] || fail "redirected blob GETs: $(grep REDIRECTED "$PROXY_LOG")"
pass
[ "$(count_log "$PROXY_LOG" 'auth=yes')" = 0 ] || fail "credentials followed a redirect to another host"
pass

finish

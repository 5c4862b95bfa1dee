#!/usr/bin/env bash
# wisp against Debian's docker-registry with htpasswd (bcrypt) auth, with skopeo as the referee:
# credentials (wrong, missing, wisp login, credential helpers), publish of a two-arch image whose
# digest skopeo sees byte for byte, skopeo pulling what wisp pushed and wisp pulling what skopeo
# pushed with the same digests, re-push uploading nothing, tags with pagination, archives, and a
# TLS registry with a throwaway CA.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
export SOURCE_DATE_EPOCH=1700000000

build_mini
start_registry auth --auth tester:s3cret
AUTH_REG=$REG
AUTH_DIR=$REG_DIR
SK=(--tls-verify=false --creds tester:s3cret)
blob_files() { find "$AUTH_DIR/data" -path '*/blobs/*' -name data -type f | wc -l; }

# --- credentials -------------------------------------------------------------------------------
# None at all: a one-line error saying how to get some, and nothing stored.
expect_exit 1 "$WISP" push "$WORK/mini" "$AUTH_REG/t/mini:1"
expect_one_line "$ERR"
expect_contains "$ERR" "HTTP 401"
expect_contains "$ERR" "no credentials for $AUTH_REG; run 'wisp login $AUTH_REG'"
# A wrong password in the Docker config: refused, naming the user; nothing pushed.
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$AUTH_REG" "$(printf 'tester:wrong' | base64)" >"$DOCKER_CONFIG/config.json"
expect_exit 1 "$WISP" push "$WORK/mini" "$AUTH_REG/t/mini:1"
expect_one_line "$ERR"
expect_contains "$ERR" "credentials for user 'tester' refused by $AUTH_REG"
[ "$(blob_files)" = 0 ] || fail "a refused push stored blobs"
pass
expect_exit 1 skopeo inspect "${SK[@]}" "docker://$AUTH_REG/t/mini:1"

# wisp login: a wrong password is refused and saves nothing; the right one is saved (0600).
rm -f "$DOCKER_CONFIG/config.json"
expect_exit 1 sh -c "echo wrong | '$WISP' login $AUTH_REG -u tester --password-stdin"
expect_contains "$ERR" "credentials for user 'tester' refused"
[ ! -e "$DOCKER_CONFIG/config.json" ] || fail "a refused login wrote the config"
pass
expect_exit 0 sh -c "echo s3cret | '$WISP' login $AUTH_REG -u tester --password-stdin"
expect_contains "$OUT" "Login Succeeded"
[ "$(stat -c %a "$DOCKER_CONFIG/config.json")" = 600 ] || fail "config.json is not 0600"
pass
[ "$(jq -r --arg r "$AUTH_REG" '.auths[$r].auth' "$DOCKER_CONFIG/config.json" | base64 -d)" = "tester:s3cret" ] \
  || fail "config.json auths entry: $(cat "$DOCKER_CONFIG/config.json")"
pass
# skopeo reads what wisp login wrote.
expect_exit 0 skopeo login --tls-verify=false --get-login "$AUTH_REG"
expect_contains "$OUT" tester

# --- publish: a two-arch image, byte for byte ---------------------------------------------------
expect_exit 0 "$WISP" publish "$WORK/mini.yaml" --cache-dir "$WORK/cache" "$AUTH_REG/t/mini:1" "docker://$AUTH_REG/t/mini:latest"
[ "$OUT" = "$(printf '%s\n%s' "$AUTH_REG/t/mini:1@$MINI_DIGEST" "$AUTH_REG/t/mini:latest@$MINI_DIGEST")" ] \
  || fail "publish printed: $OUT (want digest $MINI_DIGEST)"
pass
raw_digest() { echo "sha256:$(skopeo inspect --raw "${SK[@]}" "docker://$1" | sha256sum | cut -d' ' -f1)"; }
[ "$(raw_digest "$AUTH_REG/t/mini:1")" = "$MINI_DIGEST" ] || fail "skopeo inspect --raw bytes do not hash to wisp's digest"
pass
expect_exit 0 skopeo inspect --raw "${SK[@]}" "docker://$AUTH_REG/t/mini:1"
expect_contains "$OUT" '"application/vnd.oci.image.index.v1+json"'
# Each platform's manifest is there by digest too, and skopeo picks arm64 out of the index.
expect_exit 0 skopeo inspect "${SK[@]}" --override-arch arm64 "docker://$AUTH_REG/t/mini:1"
expect_contains "$OUT" '"Architecture": "arm64"'
# skopeo copies the pushed image to a layout: same index digest, same blobs as wisp's layout.
expect_exit 0 skopeo copy -q --all --src-tls-verify=false --src-creds tester:s3cret "docker://$AUTH_REG/t/mini:1" "oci:$WORK/skopeo-pulled:1"
[ "$(jq -r '.manifests[0].digest' "$WORK/skopeo-pulled/index.json")" = "$MINI_DIGEST" ] || fail "skopeo's copy has another index digest"
pass
for blob in $(ls "$WORK/skopeo-pulled/blobs/sha256"); do
  [ -f "$WORK/mini/blobs/sha256/$blob" ] || fail "skopeo pulled blob $blob that wisp's layout lacks"
done
pass

# --- re-push uploads nothing (counted by a proxy in front of the registry) -----------------------
start_proxy count "$AUTH_REG"
echo s3cret | "$WISP" login -q "$PROXY" -u tester --password-stdin >/dev/null || fail "login through the proxy"
: >"$PROXY_LOG"
expect_exit 0 "$WISP" push --json "oci:$WORK/mini:mini" "$PROXY/t/mini:1"
[ "$(jq -r '.blobs.copied' <<<"$OUT")" = 0 ] && [ "$(jq -r '.blobs.present' <<<"$OUT")" = 4 ] || fail "re-push: $OUT"
pass
[ "$(count_log "$PROXY_LOG" '^(POST|PATCH|PUT) /v2/.*/blobs/uploads')" = 0 ] || fail "re-push started uploads: $(cat "$PROXY_LOG")"
pass
# The registry has the index by digest, so only the tag is written again.
[ "$(count_log "$PROXY_LOG" '^HEAD /v2/t/mini/manifests/sha256:')" = 1 ] || fail "re-push: $(cat "$PROXY_LOG")"
pass
[ "$(count_log "$PROXY_LOG" '^(PUT|POST|PATCH) ')" = 1 ] && grep -q '^PUT /v2/t/mini/manifests/1 201' "$PROXY_LOG" \
  || fail "re-push should write only the tag: $(cat "$PROXY_LOG")"
pass
# A new repository of the same registry: the blobs are uploaded once each, manifests by digest, tag last.
: >"$PROXY_LOG"
expect_exit 0 "$WISP" push "$WORK/mini" "$PROXY/other/mini:7"
[ "$(count_log "$PROXY_LOG" '^PUT /v2/other/mini/blobs/uploads/.* 201')" = 4 ] || fail "first push: $(cat "$PROXY_LOG")"
pass
last_put=$(grep -E '^PUT /v2/other/mini/manifests/' "$PROXY_LOG" | tail -1)
expect_contains "$last_put" "PUT /v2/other/mini/manifests/7 201"
[ "$(count_log "$PROXY_LOG" '^PUT /v2/other/mini/manifests/sha256:.* 201')" = 3 ] || fail "want 2 manifests + index by digest"
pass
stop_pid "$PROXY_PID"

# --- wisp reads what skopeo wrote -----------------------------------------------------------------
# (a) An OCI image pushed by skopeo: same digests.
expect_exit 0 skopeo copy -q --all --dest-tls-verify=false --dest-creds tester:s3cret "oci:$WORK/mini:mini" "docker://$AUTH_REG/sk/mini:2"
expect_exit 0 "$WISP" pull "$AUTH_REG/sk/mini:2" "$WORK/wisp-pulled:2"
[ "$OUT" = "$MINI_DIGEST" ] || fail "wisp pull of skopeo's push: $OUT"
pass
diff <(ls "$WORK/mini/blobs/sha256" | sort) <(ls "$WORK/wisp-pulled/blobs/sha256" | sort) >/dev/null \
  || { comm -3 <(ls "$WORK/mini/blobs/sha256" | sort) <(ls "$WORK/wisp-pulled/blobs/sha256" | sort) | grep -v '^\s' && fail "pulled blobs differ"; }
pass
expect_exit 0 skopeo inspect --raw "oci:$WORK/wisp-pulled:2"
# (b) A docker-archive that skopeo converts to a Docker schema 2 manifest on the way in.
expect_exit 0 "$WISP" copy --platform linux/amd64 "oci:$WORK/mini:mini" "docker-archive:$WORK/mini-amd64.tar:mini:amd64"
expect_exit 0 skopeo copy -q --dest-tls-verify=false --dest-creds tester:s3cret "docker-archive:$WORK/mini-amd64.tar" "docker://$AUTH_REG/sk/v2s2:1"
skopeo_digest=$(raw_digest "$AUTH_REG/sk/v2s2:1")
expect_exit 0 "$WISP" pull "$AUTH_REG/sk/v2s2:1" "$WORK/v2s2"
[ "$OUT" = "$skopeo_digest" ] || fail "wisp pull of a v2s2 image: $OUT, skopeo says $skopeo_digest"
pass
expect_exit 0 "$WISP" manifest "$AUTH_REG/sk/v2s2:1"
expect_contains "$OUT" 'application/vnd.docker.distribution.manifest.v2+json'
expect_exit 0 skopeo inspect "oci:$WORK/v2s2"
expect_contains "$OUT" '"Architecture": "amd64"'

# --- digest, manifest, tags ---------------------------------------------------------------------
expect_exit 0 "$WISP" digest "$AUTH_REG/t/mini:1"
[ "$OUT" = "$MINI_DIGEST" ] || fail "wisp digest: $OUT"
pass
expect_exit 0 "$WISP" digest --platform linux/arm64 "$AUTH_REG/t/mini:1"
arm_digest=$(jq -r '.manifests[] | select(.platform.architecture == "arm64") | .digest' "$WORK/mini/blobs/sha256/${MINI_DIGEST#sha256:}")
[ "$OUT" = "$arm_digest" ] || fail "wisp digest --platform linux/arm64: $OUT, want $arm_digest"
pass
[ "$("$WISP" manifest "$AUTH_REG/t/mini@$MINI_DIGEST" | sha256sum | cut -d' ' -f1)" = "${MINI_DIGEST#sha256:}" ] \
  || fail "wisp manifest bytes do not hash to the digest"
pass
for i in 2 3 4 5; do "$WISP" copy -q "$AUTH_REG/t/mini:1" "$AUTH_REG/t/mini:v$i" >/dev/null || fail "tagging v$i"; done
expect_exit 0 "$WISP" tags "$AUTH_REG/t/mini"
[ "$(sort <<<"$OUT")" = "$(printf '1\nlatest\nv2\nv3\nv4\nv5')" ] || fail "tags: $OUT"
pass
# Pages: the proxy serves two tags a page with Link headers, wisp follows them all.
start_proxy pages "$AUTH_REG" --page-tags 2
echo s3cret | "$WISP" login -q "$PROXY" -u tester --password-stdin >/dev/null || fail "login through the proxy"
expect_exit 0 "$WISP" tags "$PROXY/t/mini"
[ "$OUT" = "$(printf '1\nlatest\nv2\nv3\nv4\nv5')" ] || fail "paged tags: $OUT"
pass
[ "$(count_log "$PROXY_LOG" '^GET /v2/t/mini/tags/list.* 200')" = 3 ] || fail "want 3 pages: $(cat "$PROXY_LOG")"
pass
stop_pid "$PROXY_PID"
expect_exit 1 "$WISP" tags "$AUTH_REG/no/such"
expect_contains "$ERR" "repository unknown"
expect_exit 1 "$WISP" digest "$AUTH_REG/t/mini:nope"
expect_contains "$ERR" "manifest unknown"

# --- archives both ways ---------------------------------------------------------------------------
expect_exit 0 "$WISP" pull "$AUTH_REG/t/mini:1" "oci-archive:$WORK/mini.oci.tar:1"
expect_exit 0 skopeo inspect --raw "oci-archive:$WORK/mini.oci.tar:1"
[ "$(printf '%s' "$OUT" | sha256sum | cut -d' ' -f1)" = "${MINI_DIGEST#sha256:}" ] || fail "oci-archive index digest"
pass
expect_exit 0 "$WISP" pull --platform linux/arm64 "$AUTH_REG/t/mini:1" "docker-archive:$WORK/mini-arm64.tar:mini:arm64"
expect_exit 0 skopeo inspect "docker-archive:$WORK/mini-arm64.tar"
expect_contains "$OUT" '"Architecture": "arm64"'
expect_exit 0 "$WISP" push "docker-archive:$WORK/mini-arm64.tar" "$AUTH_REG/t/from-archive:1"
[ "$OUT" = "$AUTH_REG/t/from-archive:1@$arm_digest" ] || fail "docker-archive round trip changed the digest: $OUT"
pass
# A docker archive holds one platform: without --platform the host's is chosen.
expect_exit 0 "$WISP" copy "$AUTH_REG/t/mini:1" "docker-archive:$WORK/host.tar"
expect_exit 1 "$WISP" copy --platform linux/s390x "$AUTH_REG/t/mini:1" "docker-archive:$WORK/none.tar"
expect_contains "$ERR" "no image for linux/s390x (the index has linux/amd64, linux/arm64"
[ ! -e "$WORK/none.tar" ] || fail "a failed copy left an archive"
pass

# --- credential helpers ---------------------------------------------------------------------------
mkdir -p "$WORK/bin"
cat >"$WORK/bin/docker-credential-wisptest" <<'HELPER'
#!/bin/sh
# Keeps one credential in $WISPTEST_STORE; logs each call.
echo "$1" >>"$WISPTEST_STORE.calls"
case $1 in
  get) read -r url; if [ -f "$WISPTEST_STORE" ]; then cat "$WISPTEST_STORE"; else echo "credentials not found in native keychain"; exit 1; fi ;;
  store) cat >"$WISPTEST_STORE" ;;
  erase) rm -f "$WISPTEST_STORE" ;;
esac
HELPER
chmod +x "$WORK/bin/docker-credential-wisptest"
export PATH="$WORK/bin:$PATH" WISPTEST_STORE=$WORK/helper-store.json
printf '{"credsStore":"wisptest"}\n' >"$DOCKER_CONFIG/config.json"
expect_exit 1 "$WISP" digest "$AUTH_REG/t/mini:1"
expect_contains "$ERR" "no credentials for $AUTH_REG"
expect_exit 0 sh -c "echo s3cret | '$WISP' login $AUTH_REG -u tester --password-stdin"
[ "$(jq -r .Username "$WISPTEST_STORE")" = tester ] && [ "$(jq -r .Secret "$WISPTEST_STORE")" = s3cret ] \
  || fail "the helper did not store the credential"
pass
[ "$(jq -r --arg r "$AUTH_REG" '.auths[$r] | length' "$DOCKER_CONFIG/config.json")" = 0 ] || fail "the password leaked into config.json"
pass
expect_exit 0 "$WISP" digest "$AUTH_REG/t/mini:1"
[ "$OUT" = "$MINI_DIGEST" ] || fail "digest through credsStore"
pass
# credHelpers for this registry wins over a wrong auths entry.
printf '{"auths":{"%s":{"auth":"%s"}},"credHelpers":{"%s":"wisptest"}}\n' "$AUTH_REG" "$(printf 'tester:wrong' | base64)" "$AUTH_REG" \
  >"$DOCKER_CONFIG/config.json"
expect_exit 0 "$WISP" digest "$AUTH_REG/t/mini:1"
grep -q '^get$' "$WISPTEST_STORE.calls" || fail "the helper was not asked"
pass
rm -f "$DOCKER_CONFIG/config.json"

# --- TLS with a throwaway CA ----------------------------------------------------------------------
make_ca "$WORK/ca"
start_registry tls --tls "$WORK/ca"
TLS_REG=$REG
expect_exit 1 "$WISP" push "$WORK/mini" "$TLS_REG/t/mini:1"
expect_one_line "$ERR"
expect_contains "$ERR" "cannot reach registry $TLS_REG"
expect_contains "$ERR" "certificate"
expect_exit 0 "$WISP" push --ca-cert "$WORK/ca/ca.crt" "$WORK/mini" "docker://$TLS_REG/t/mini:1"
[ "$OUT" = "$TLS_REG/t/mini:1@$MINI_DIGEST" ] || fail "TLS push: $OUT"
pass
expect_exit 0 skopeo inspect --raw --cert-dir "$WORK/ca-skopeo" --tls-verify=false "docker://$TLS_REG/t/mini:1"
[ "$(printf '%s' "$OUT" | sha256sum | cut -d' ' -f1)" = "${MINI_DIGEST#sha256:}" ] || fail "TLS registry digest"
pass
expect_exit 0 "$WISP" pull --insecure "$TLS_REG/t/mini:1" "$WORK/tls-pulled"
[ "$OUT" = "$MINI_DIGEST" ] || fail "--insecure pull: $OUT"
pass
SSL_CERT_FILE=$WORK/ca/ca.crt expect_exit 0 "$WISP" digest "$TLS_REG/t/mini:1"
# Registry to registry: blobs stream through temp files from the auth registry to the TLS one.
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$AUTH_REG" "$(printf 'tester:s3cret' | base64)" >"$DOCKER_CONFIG/config.json"
expect_exit 0 "$WISP" copy --json --ca-cert "$WORK/ca/ca.crt" "$AUTH_REG/sk/v2s2:1" "$TLS_REG/t/copied:1"
[ "$(jq -r .digest <<<"$OUT")" = "$skopeo_digest" ] && [ "$(jq -r .blobs.copied <<<"$OUT")" = 2 ] || fail "cross-registry copy: $OUT"
pass
expect_exit 0 "$WISP" pull --ca-cert "$WORK/ca/ca.crt" "$TLS_REG/t/copied:1" "$WORK/copied"
[ "$OUT" = "$skopeo_digest" ] || fail "pull of the cross-registry copy: $OUT"
pass

finish

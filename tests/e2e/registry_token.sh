#!/usr/bin/env bash
# wisp against a registry that wants Bearer tokens (the test proxy plays the token server in
# front of Debian's registry, which cannot issue them): the challenge, the token request with
# Basic credentials, tokens cached per scope set, scopes widened for cross-repository mounts,
# OAuth2 identity tokens, and clear errors for missing or wrong credentials. skopeo checks that
# the token server behaves like a real one.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
export SOURCE_DATE_EPOCH=1700000000

build_mini
start_registry backend
BACKEND=$REG
start_proxy token "$BACKEND" --token tester:s3cret --refresh-token identity-123
TOKEN_REG=$PROXY

# The token server is credible: skopeo gets in with the password, not without.
"$WISP" push -q "$WORK/mini" "$BACKEND/seed/mini:1" >/dev/null || fail "seeding the backend"
expect_exit 0 skopeo inspect --tls-verify=false --creds tester:s3cret "docker://$TOKEN_REG/seed/mini:1"
expect_exit 1 skopeo inspect --tls-verify=false "docker://$TOKEN_REG/seed/mini:1"

# No credentials: the token server refuses, and the message says what to do.
expect_exit 1 "$WISP" push "$WORK/mini" "$TOKEN_REG/t/mini:1"
expect_one_line "$ERR"
expect_contains "$ERR" "token request refused"
expect_contains "$ERR" "no credentials; run 'wisp login $TOKEN_REG'"
# wisp login checks the password with the token server.
expect_exit 1 sh -c "echo nope | '$WISP' login $TOKEN_REG -u tester --password-stdin"
expect_contains "$ERR" "credentials for user 'tester' refused"
expect_exit 0 sh -c "echo s3cret | '$WISP' login $TOKEN_REG -u tester --password-stdin"

# Push: one token for the repository's pull+push scope, reused for every request.
: >"$PROXY_LOG"
expect_exit 0 "$WISP" push "$WORK/mini" "$TOKEN_REG/t/mini:1"
[ "$OUT" = "$TOKEN_REG/t/mini:1@$MINI_DIGEST" ] || fail "push with tokens: $OUT"
pass
expect_contains "$(cat "$PROXY_LOG")" "TOKEN repository:t/mini:pull repository:t/mini:push"
[ "$(count_log "$PROXY_LOG" '^TOKEN')" -le 2 ] || fail "tokens are not cached: $(grep TOKEN "$PROXY_LOG")"
pass
expect_exit 0 "$WISP" digest "$BACKEND/t/mini:1"
[ "$OUT" = "$MINI_DIGEST" ] || fail "backend digest after a token push: $OUT"
pass

# A copy to another repository mounts the blobs: the token then covers both repositories.
: >"$PROXY_LOG"
expect_exit 0 "$WISP" copy --json "$TOKEN_REG/t/mini:1" "$TOKEN_REG/u/mini:2"
[ "$(jq -r .blobs.mounted <<<"$OUT")" = 4 ] || fail "blobs not mounted: $OUT"
pass
grep -q '^TOKEN .*repository:t/mini:pull.*repository:u/mini:push' "$PROXY_LOG" || fail "no token for the mount: $(grep TOKEN "$PROXY_LOG")"
pass
[ "$(count_log "$PROXY_LOG" '^(PATCH|PUT) /v2/u/mini/blobs/uploads')" = 0 ] || fail "a mounted blob was uploaded"
pass

# Pull with a pull-only token.
expect_exit 0 "$WISP" pull "$TOKEN_REG/u/mini:2" "$WORK/pulled"
[ "$OUT" = "$MINI_DIGEST" ] || fail "pull with tokens: $OUT"
pass

# An OAuth2 identity token (config "identitytoken") is exchanged with the refresh_token POST.
printf '{"auths":{"%s":{"identitytoken":"identity-123"}}}\n' "$TOKEN_REG" >"$DOCKER_CONFIG/config.json"
: >"$PROXY_LOG"
expect_exit 0 "$WISP" digest "$TOKEN_REG/u/mini:2"
[ "$OUT" = "$MINI_DIGEST" ] || fail "digest with an identity token: $OUT"
pass
expect_contains "$(cat "$PROXY_LOG")" "TOKEN oauth repository:u/mini:pull"
printf '{"auths":{"%s":{"identitytoken":"stale"}}}\n' "$TOKEN_REG" >"$DOCKER_CONFIG/config.json"
expect_exit 1 "$WISP" digest "$TOKEN_REG/u/mini:2"
expect_contains "$ERR" "identity token refused"

finish

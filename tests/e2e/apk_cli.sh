#!/usr/bin/env bash
# The apk commands against real third-party fixtures, and the CLI's usage behaviour.
source "$(dirname "$0")/lib.sh"

mini=$TESTDATA/apk/apko-mini-repo
wolfi=$TESTDATA/apk/wolfi-index

# Real indexes verify with the key beside them, and not with another one.
expect_exit 0 "$WISP" index verify "$wolfi/x86_64/APKINDEX.tar.gz" --keyring "$wolfi/wolfi-signing.rsa.pub"
expect_contains "$OUT" "wolfi-signing.rsa.pub"
for arch in x86_64 aarch64; do
  expect_exit 0 "$WISP" index verify "$mini/$arch/APKINDEX.tar.gz" --keyring "$mini/melange.rsa.pub"
  expect_exit 1 "$WISP" index verify "$mini/$arch/APKINDEX.tar.gz" --keyring "$wolfi/wolfi-signing.rsa.pub"
  expect_contains "$ERR" "APKINDEX.tar.gz"
  expect_one_line "$ERR"
  expect_exit 0 "$WISP" pkg verify "$mini/$arch"/*.apk --keyring "$mini/melange.rsa.pub"
done
expect_exit 0 "$WISP" pkg verify "$TESTDATA/apk/wolfi-packages/aarch64/hello-wolfi-2.12-r1.apk" \
  --keyring "$TESTDATA/apk/wolfi-packages/wolfi-signing.rsa.pub"

# Package info, human and JSON.
expect_exit 0 "$WISP" pkg info "$TESTDATA/apk/wolfi-packages/aarch64/hello-wolfi-2.12-r1.apk" --json
expect_contains "$OUT" '"hello-wolfi"'
expect_contains "$OUT" '"2.12-r1"'

# Version comparison, like apk version -t.
expect_exit 0 "$WISP" pkg vercmp 1.0_alpha 1.0
[ "$OUT" = "<" ] || fail "vercmp 1.0_alpha 1.0 printed '$OUT'"
expect_exit 0 "$WISP" pkg vercmp 1.0-r1 1.0-r1
[ "$OUT" = "=" ] || fail "vercmp equal printed '$OUT'"
expect_exit 0 "$WISP" pkg vercmp 1.0.1 1.0a
[ "$OUT" = ">" ] || fail "vercmp 1.0.1 1.0a printed '$OUT'"

# Usage: --help everywhere, typos get a suggestion and exit 2.
for cmd in keygen "pkg create" "pkg info" "pkg verify" "pkg vercmp" "index create" "index show" "index verify"; do
  # shellcheck disable=SC2086
  expect_exit 0 "$WISP" $cmd --help
done
expect_exit 2 "$WISP" pkg inof
expect_contains "$ERR" "Did you mean 'wisp pkg info'"
expect_exit 2 "$WISP" index verify
expect_exit 1 "$WISP" pkg info "$WORK/does-not-exist.apk"
expect_contains "$ERR" "does-not-exist.apk"
expect_one_line "$ERR"
finish

#!/usr/bin/env bash
# The bundled example builds a signed repository; outputs are reproducible and tampering is caught.
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1700000000

expect_exit 0 "$ROOT/examples/hello/run.sh" "$WISP" "$WORK/a"
repo=$WORK/a/repo/$(uname -m)
for f in APKINDEX.tar.gz hello-baselayout-1.0-r0.apk hello-greeting-1.0-r0.apk hello-app-1.0-r0.apk; do
  [ -s "$repo/$f" ] || fail "missing $repo/$f"
done
pass
[ "$(stat -c %a "$WORK/a/keys/example.rsa")" = 600 ] || fail "private key is not mode 0600"
pass

# Same inputs, same key, same SOURCE_DATE_EPOCH: byte-identical packages and index.
mkdir -p "$WORK/b"
for pkg in baselayout greeting app; do
  dir=$ROOT/examples/hello/$pkg
  [ "$pkg" = app ] && dir=$WORK/a/app  # the compiled program
  expect_exit 0 "$WISP" pkg create "$dir" --config "$ROOT/examples/hello/$pkg.yaml" \
    --key "$WORK/a/keys/example.rsa" -o "$WORK/b/hello-$pkg-1.0-r0.apk"
  cmp -s "$WORK/b/hello-$pkg-1.0-r0.apk" "$repo/hello-$pkg-1.0-r0.apk" || fail "$pkg.apk is not reproducible"
  pass
done
expect_exit 0 "$WISP" index create "$WORK"/b/*.apk --key "$WORK/a/keys/example.rsa" \
  --description "wisp example" -o "$WORK/b/APKINDEX.tar.gz"
cmp -s "$WORK/b/APKINDEX.tar.gz" "$repo/APKINDEX.tar.gz" || fail "APKINDEX.tar.gz is not reproducible"
pass

# The index lists both packages with the checksums of the files.
expect_exit 0 "$WISP" index show "$repo/APKINDEX.tar.gz" --keyring "$WORK/a/keys/example.rsa.pub" --json
expect_contains "$OUT" '"hello-greeting"'
expect_contains "$OUT" '"hello-baselayout"'

# One flipped byte anywhere in a package is detected.
size=$(stat -c %s "$repo/hello-greeting-1.0-r0.apk")
for offset in 20 $((size / 3)) $((size / 2)) $((size - 20)); do
  cp "$repo/hello-greeting-1.0-r0.apk" "$WORK/bad.apk"
  printf '\xff' | dd of="$WORK/bad.apk" bs=1 seek="$offset" conv=notrunc status=none
  cmp -s "$WORK/bad.apk" "$repo/hello-greeting-1.0-r0.apk" && continue  # byte was already 0xff
  expect_exit 1 "$WISP" pkg verify "$WORK/bad.apk" --keyring "$WORK/a/keys/example.rsa.pub"
  expect_contains "$ERR" "bad.apk"
  expect_one_line "$ERR"
done

# An index signed by another key is refused.
expect_exit 0 "$WISP" keygen --apk other -o "$WORK/other" --bits 2048
expect_exit 1 "$WISP" index verify "$repo/APKINDEX.tar.gz" --keyring "$WORK/other/other.rsa.pub"
expect_one_line "$ERR"
finish

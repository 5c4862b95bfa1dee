#!/usr/bin/env bash
# wisp build end to end: the bundled example becomes an OCI layout that skopeo, umoci and
# oci-image-tool accept and that runs under runc as the image file says; builds are
# reproducible; the apko mini repo builds for two archs; bad image files fail cleanly.
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1700000000

# The example: static program + base layout, packaged, indexed and built by run.sh.
expect_exit 0 "$ROOT/examples/hello/run.sh" "$WISP" "$WORK/ex"
layout=$WORK/ex/image
[ -f "$layout/oci-layout" ] && [ -f "$layout/index.json" ] || fail "no OCI layout in $layout"
pass
expect_exit 0 skopeo inspect --raw "oci:$layout:hello:latest"
expect_contains "$OUT" '"application/vnd.oci.image.manifest.v1+json"'
expect_exit 0 skopeo inspect "oci:$layout:hello:latest"
expect_contains "$OUT" '"Architecture": "amd64"'
# oci-image-tool (1.0 rc) checks the layout and each object against the spec's schemas. Its
# --ref matching predates the final annotation key, so every entry is validated instead.
validate_layout() {
  local dir=$1 blobs=$1/blobs/sha256 idx m c
  expect_exit 0 oci-image-tool validate --type image "$dir"
  idx=$(jq -r '.manifests[0].digest' "$dir/index.json" | cut -d: -f2)
  expect_exit 0 oci-image-tool validate --type imageIndex "$blobs/$idx"
  for m in $(jq -r '.manifests[].digest' "$blobs/$idx" | cut -d: -f2); do
    expect_exit 0 oci-image-tool validate --type manifest "$blobs/$m"
    c=$(jq -r '.config.digest' "$blobs/$m" | cut -d: -f2)
    expect_exit 0 oci-image-tool validate --type config "$blobs/$c"
  done
}
validate_layout "$layout"

# Run it: umoci makes the bundle, runc runs it (terminal off: there is no TTY here).
expect_exit 0 umoci unpack --image "$layout:hello:latest" "$WORK/bundle"
jq '.process.terminal=false' "$WORK/bundle/config.json" >"$WORK/config.json"
mv "$WORK/config.json" "$WORK/bundle/config.json"
id=wisp-e2e-$$
expect_exit 0 runc run -b "$WORK/bundle" "$id"
runc delete -f "$id" >/dev/null 2>&1 || true
expect_contains "$OUT" "user: uid=65532 gid=65532 name=nonroot"
expect_contains "$OUT" "cwd: /home/nonroot"
expect_contains "$OUT" "arg[1]: --greeting"
expect_contains "$OUT" "arg[2]: hello from wisp"
expect_contains "$OUT" "env: GREETING_FILE=/usr/share/hello/greeting.txt"
expect_contains "$OUT" "env: SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"
expect_contains "$OUT" "greeting: "

# Distroless: only what the packages and the image file put there (no shell, no apk binary).
rootfs=$WORK/bundle/rootfs
for absent in bin/sh bin/busybox sbin/apk usr/bin/env; do
  [ ! -e "$rootfs/$absent" ] || fail "$absent is in the image"
  pass
done
[ "$(stat -c %a "$rootfs/tmp")" = 1777 ] || fail "/tmp is not 1777"
pass
grep -q '^P:hello-app$' "$rootfs/usr/lib/apk/db/installed" || fail "installed db lacks hello-app"
pass
[ "$(cat "$rootfs/etc/apk/arch")" = "$(uname -m)" ] || fail "/etc/apk/arch"
pass

# Reproducible: another directory, another time, same index digest.
index_digest() { sha256sum "$1/index.json" | cut -d' ' -f1; }
rebuild() {
  (cd "$WORK" && "$WISP" build "$ROOT/examples/hello/image.yaml" -r "$WORK/ex/repo" \
    -k "$WORK/ex/keys/example.rsa.pub" --cache-dir "$WORK/cache2" -t hello:latest -o "$1")
}
expect_exit 0 rebuild "$WORK/again/image"
[ "$(index_digest "$layout")" = "$(index_digest "$WORK/again/image")" ] || fail "index.json differs between builds"
pass
diff <(ls "$layout/blobs/sha256") <(ls "$WORK/again/image/blobs/sha256") >/dev/null || fail "blobs differ"
pass
# A different build date changes the digests.
SOURCE_DATE_EPOCH=1700000001 expect_exit 0 rebuild "$WORK/later/image"
[ "$(index_digest "$layout")" != "$(index_digest "$WORK/later/image")" ] || fail "build date ignored"
pass

# The apko mini repo: two archs in one index.
mini=$TESTDATA/apk/apko-mini-repo
cat >"$WORK/mini.yaml" <<YAML
contents:
  repositories: [ $mini ]
  keyring: [ $mini/melange.rsa.pub ]
  packages: [ replayout, custom-ca-certs-1 ]
archs: [ x86_64, aarch64 ]
YAML
expect_exit 0 "$WISP" build "$WORK/mini.yaml" --cache-dir "$WORK/cache" -t mini -o "$WORK/mini"
# index.json names the multi-arch index under the tag; the index lists one manifest per arch.
expect_exit 0 jq -r '.manifests[0].mediaType + " " + .manifests[0].annotations["org.opencontainers.image.ref.name"]' "$WORK/mini/index.json"
[ "$OUT" = "application/vnd.oci.image.index.v1+json mini" ] || fail "index.json entry: $OUT"
pass
nested=$(jq -r '.manifests[0].digest' "$WORK/mini/index.json" | cut -d: -f2)
expect_exit 0 jq -r '.manifests[].platform.architecture' "$WORK/mini/blobs/sha256/$nested"
[ "$OUT" = "$(printf 'amd64\narm64')" ] || fail "index platforms: $OUT"
pass
expect_exit 0 skopeo inspect --override-arch arm64 "oci:$WORK/mini:mini"
expect_contains "$OUT" '"Architecture": "arm64"'
validate_layout "$WORK/mini"

# A lockfile installs exactly the locked set, offline from the cache: the same image.
expect_exit 0 "$WISP" lock "$WORK/mini.yaml" --cache-dir "$WORK/cache"
expect_exit 0 "$WISP" build "$WORK/mini.yaml" --lockfile "$WORK/mini.lock.json" --offline \
  --cache-dir "$WORK/cache" -t mini -o "$WORK/mini-locked"
cmp -s "$WORK/mini/index.json" "$WORK/mini-locked/index.json" || fail "lockfile build differs"
pass
# A stale lock is refused.
cp "$WORK/mini.yaml" "$WORK/mini2.yaml" && echo "cmd: /x" >>"$WORK/mini2.yaml"
expect_exit 2 "$WISP" build -q "$WORK/mini2.yaml" --lockfile "$WORK/mini.lock.json" --cache-dir "$WORK/cache" -o "$WORK/stale"
expect_contains "$ERR" "stale"
[ ! -e "$WORK/stale" ] || fail "stale lock left output"
pass

# docker-tar: one arch, readable by skopeo's docker-archive transport (docker load's format).
expect_exit 0 "$WISP" build "$WORK/mini.yaml" --format docker-tar --arch aarch64 -t mini:1 \
  --cache-dir "$WORK/cache" -o "$WORK/mini.tar"
expect_exit 0 skopeo inspect docker-archive:"$WORK/mini.tar"
expect_contains "$OUT" '"Architecture": "arm64"'
expect_exit 0 tar -xOf "$WORK/mini.tar" manifest.json
expect_contains "$OUT" '"RepoTags":["mini:1"]'
expect_exit 0 tar -tf "$WORK/mini.tar"
expect_contains "$OUT" "manifest.json"
expect_contains "$OUT" "oci-layout"

# zstd layers decompress to the tar the config's diff_id names.
expect_exit 0 "$WISP" build "$WORK/mini.yaml" --compression zstd --cache-dir "$WORK/cache" -t mini -o "$WORK/mini-zstd"
blobs=$WORK/mini-zstd/blobs/sha256
nested=$(jq -r '.manifests[0].digest' "$WORK/mini-zstd/index.json" | cut -d: -f2)
manifest=$(jq -r '.manifests[0].digest' "$blobs/$nested" | cut -d: -f2)
[ "$(jq -r '.layers[0].mediaType' "$blobs/$manifest")" = application/vnd.oci.image.layer.v1.tar+zstd ] || fail "zstd media type"
pass
layer=$(jq -r '.layers[0].digest' "$blobs/$manifest" | cut -d: -f2)
config=$(jq -r '.config.digest' "$blobs/$manifest" | cut -d: -f2)
[ "sha256:$(zstd -dc "$blobs/$layer" | sha256sum | cut -d' ' -f1)" = "$(jq -r '.rootfs.diff_ids[0]' "$blobs/$config")" ] \
  || fail "zstd layer does not match its diff_id"
pass

# umoci cannot pick a platform: each arch is also under "<tag>-<arch>".
expect_exit 0 umoci unpack --image "$WORK/mini:mini-aarch64" "$WORK/mini-arm"
[ "$(cat "$WORK/mini-arm/rootfs/etc/apk/arch")" = aarch64 ] || fail "mini-aarch64 is not the aarch64 image"
pass

# Layering by origin: one layer per package group plus the image files; the same tree as one
# layer; and a changed package changes only its own layer and the final one.
layered() {  # layered OUT_DIR REPO
  cat >"$WORK/layered.yaml" <<YAML
contents: { packages: [ hello-app ] }
archs: [ host ]
layering: { strategy: origin, budget: 4 }
YAML
  "$WISP" build -q "$WORK/layered.yaml" -r "$2" -k "$WORK/ex/keys/example.rsa.pub" --cache-dir "$WORK/cache3" -t l -o "$1"
}
layer_digests() {  # the manifest's layer digests, one per line
  local blobs=$1/blobs/sha256 idx m
  idx=$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)
  m=$(jq -r '.manifests[0].digest' "$blobs/$idx" | cut -d: -f2)
  jq -r '.layers[].digest' "$blobs/$m"
}
expect_exit 0 layered "$WORK/lay1" "$WORK/ex/repo"
[ "$(layer_digests "$WORK/lay1" | wc -l)" = 4 ] || fail "expected 3 package layers + 1: $(layer_digests "$WORK/lay1")"
pass
expect_exit 0 umoci unpack --image "$WORK/lay1:l" "$WORK/lay1-bundle"
expect_exit 0 umoci unpack --image "$WORK/ex/image:hello:latest" "$WORK/single-bundle"
# Same files with the same content (modes of the home dir differ: the layered file has no paths).
diff -r --no-dereference "$WORK/lay1-bundle/rootfs/usr" "$WORK/single-bundle/rootfs/usr" >/dev/null || fail "layered tree differs"
pass
cp -r "$WORK/ex/repo" "$WORK/repo2"
arch=$(uname -m)
mkdir -p "$WORK/greeting2/usr/share/hello"
echo "Hello again, from a newer package." >"$WORK/greeting2/usr/share/hello/greeting.txt"
expect_exit 0 "$WISP" pkg create "$WORK/greeting2" --config "$ROOT/examples/hello/greeting.yaml" --version 1.0-r1 \
  --key "$WORK/ex/keys/example.rsa" -o "$WORK/repo2/$arch/hello-greeting-1.0-r1.apk"
expect_exit 0 "$WISP" index create "$WORK"/repo2/"$arch"/*.apk --key "$WORK/ex/keys/example.rsa" \
  -o "$WORK/repo2/$arch/APKINDEX.tar.gz"
expect_exit 0 layered "$WORK/lay2" "$WORK/repo2"
common=$(comm -12 <(layer_digests "$WORK/lay1" | sort) <(layer_digests "$WORK/lay2" | sort) | wc -l)
[ "$common" = 2 ] || fail "expected the app and baselayout layers to be shared, $common are"
pass

# Bad image files: one line naming the file and the cause, exit 1 or 2, no output left behind.
bad() {  # bad NAME YAML EXPECTED_TEXT
  printf '%s\n' "$2" >"$WORK/$1.yaml"
  local got=0
  "$WISP" build -q "$WORK/$1.yaml" --cache-dir "$WORK/cache" -o "$WORK/out-$1" >"$WORK/.out" 2>"$WORK/.err" || got=$?
  ERR=$(cat "$WORK/.err")
  [ "$got" != 0 ] || fail "$1: build succeeded"
  expect_contains "$ERR" "$1.yaml"
  expect_contains "$ERR" "$3"
  expect_one_line "$ERR"
  [ ! -e "$WORK/out-$1" ] || fail "$1: output left behind"
  pass
}
base="contents: { repositories: [ $mini ], keyring: [ $mini/melange.rsa.pub ], packages: [ replayout ] }
archs: [ x86_64 ]"
bad unknown_key "$base
entrypont: { command: /x }" "unknown key 'entrypont'"
bad bad_permissions "$base
paths: [ { path: /x, type: directory, permissions: \"0755\" } ]" "permissions"
bad unknown_user "$base
accounts: { run-as: nobody }" "run-as user 'nobody'"
bad missing_package "contents: { repositories: [ $mini ], keyring: [ $mini/melange.rsa.pub ], packages: [ no-such-package ] }
archs: [ x86_64 ]" "no-such-package"

# Two packages of different origins writing one file: a file conflict naming both.
mkdir -p "$WORK/clash/x86_64" "$WORK/clash-a/etc" "$WORK/clash-b/etc"
echo a >"$WORK/clash-a/etc/clash"
echo b >"$WORK/clash-b/etc/clash"
expect_exit 0 "$WISP" keygen --apk clash -o "$WORK/clash-keys" --bits 2048
for p in a b; do
  expect_exit 0 "$WISP" pkg create "$WORK/clash-$p" --name "clash-$p" --version 1-r0 --arch x86_64 \
    --key "$WORK/clash-keys/clash.rsa" -o "$WORK/clash/x86_64/clash-$p-1-r0.apk"
done
expect_exit 0 "$WISP" index create "$WORK"/clash/x86_64/*.apk --key "$WORK/clash-keys/clash.rsa" \
  -o "$WORK/clash/x86_64/APKINDEX.tar.gz"
bad conflict "contents: { repositories: [ $WORK/clash ], keyring: [ $WORK/clash-keys/clash.rsa.pub ], packages: [ clash-a, clash-b ] }
archs: [ x86_64 ]" "file conflict: '/etc/clash' is in both clash-a-1-r0"
finish

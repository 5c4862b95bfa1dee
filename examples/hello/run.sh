#!/usr/bin/env bash
# wisp's main job on the bundled example, end to end: compile a static program, package it and a
# base layout as signed .apk files, index them into a signed repository, then build an OCI image
# from image.yaml and that repository.
# Usage: examples/hello/run.sh WISP_BINARY OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wisp=$(readlink -f "${1:?usage: run.sh WISP_BINARY OUT_DIR}")
out=${2:?usage: run.sh WISP_BINARY OUT_DIR}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
arch=$(uname -m)  # x86_64 and aarch64 are also apk's names

rm -rf "$out"
mkdir -p "$out/keys" "$out/repo/$arch" "$out/app/usr/bin"
cc -static -O2 -Wall -Werror -o "$out/app/usr/bin/hello" "$here/app/hello.c"
"$wisp" keygen --apk example -o "$out/keys"
for pkg in baselayout greeting; do
  "$wisp" pkg create "$here/$pkg" --config "$here/$pkg.yaml" --key "$out/keys/example.rsa" \
    -o "$out/repo/$arch/hello-$pkg-1.0-r0.apk"
done
"$wisp" pkg create "$out/app" --config "$here/app.yaml" --key "$out/keys/example.rsa" \
  -o "$out/repo/$arch/hello-app-1.0-r0.apk"
"$wisp" index create "$out"/repo/"$arch"/*.apk --key "$out/keys/example.rsa" \
  --description "wisp example" -o "$out/repo/$arch/APKINDEX.tar.gz"
"$wisp" index verify "$out/repo/$arch/APKINDEX.tar.gz" --keyring "$out/keys/example.rsa.pub"
"$wisp" pkg verify "$out"/repo/"$arch"/*.apk --keyring "$out/keys/example.rsa.pub"

"$wisp" build "$here/image.yaml" -r "$out/repo" -k "$out/keys/example.rsa.pub" \
  --cache-dir "$out/cache" -t hello:latest -o "$out/image"
echo "example image: $out/image (OCI layout; try: skopeo inspect oci:$out/image:hello:latest)"

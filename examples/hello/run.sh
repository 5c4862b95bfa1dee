#!/usr/bin/env bash
# wisp's main job on the bundled example, end to end: create a signing key, package two small
# directories as signed .apk files, index them into a signed APKINDEX, and verify everything.
# Usage: examples/hello/run.sh WISP_BINARY OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wisp=$(readlink -f "${1:?usage: run.sh WISP_BINARY OUT_DIR}")
out=${2:?usage: run.sh WISP_BINARY OUT_DIR}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}

rm -rf "$out"
mkdir -p "$out/keys" "$out/repo/x86_64"
"$wisp" keygen --apk example -o "$out/keys"
for pkg in baselayout greeting; do
  "$wisp" pkg create "$here/$pkg" --config "$here/$pkg.yaml" --key "$out/keys/example.rsa" \
    -o "$out/repo/x86_64/hello-$pkg-1.0-r0.apk"
done
"$wisp" index create "$out"/repo/x86_64/*.apk --key "$out/keys/example.rsa" \
  --description "wisp example" -o "$out/repo/x86_64/APKINDEX.tar.gz"
"$wisp" index verify "$out/repo/x86_64/APKINDEX.tar.gz" --keyring "$out/keys/example.rsa.pub"
"$wisp" pkg verify "$out"/repo/x86_64/*.apk --keyring "$out/keys/example.rsa.pub"
"$wisp" index show "$out/repo/x86_64/APKINDEX.tar.gz" --keyring "$out/keys/example.rsa.pub"
echo "example repository: $out/repo (key: $out/keys/example.rsa.pub)"

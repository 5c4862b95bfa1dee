#!/usr/bin/env bash
# SBOMs end to end: wisp build writes SPDX 2.3 and CycloneDX 1.6 documents per arch (and SPDX
# for the index) that validate against the official schemas (Debian's python3-jsonschema) and
# the checks schemas miss; their purls round-trip through npm's packageurl-js; they list exactly
# the image's installed packages; two builds give identical bytes; `wisp sbom` on the written
# image (OCI layout, docker archive) gives the same documents, and reads images wisp did not
# build (made by umoci from a wisp image's rootfs, then skopeo's docker-archive).
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1700000000
SCHEMAS=$TESTDATA/sbom-schemas
PY=/usr/bin/python3
CHECK="$PY $ROOT/tests/e2e/sbom_check.py"
NODE_MODULES=$ROOT/.tools/node_modules
$PY -c 'import jsonschema' 2>/dev/null || fail "python3-jsonschema is missing: run scripts/setup-deps"
[ -f "$NODE_MODULES/packageurl-js/package.json" ] || fail "packageurl-js is missing: run scripts/setup-deps"

valid() {  # valid FILE...: schemas, semantic checks, purl round trips
  expect_exit 0 $CHECK "$SCHEMAS" "$@"
  $CHECK --purls "$@" >"$WORK/purls"
  expect_exit 0 node "$ROOT/tests/e2e/sbom_purl.js" "$NODE_MODULES" <"$WORK/purls"
}
packages_of() { $CHECK --packages "$1"; }
# The "name version" lines of an apk installed database.
db_packages() { awk -F: '/^P:/{p=$2} /^V:/{print p " " $2}' "$1" | sort -u; }
# installed_db LAYOUT_BLOBS MANIFEST_HEX OUT: the image's apk database, from its (single) layer.
installed_db() {
  local layer
  layer=$(jq -r '.layers[0].digest' "$1/$2" | cut -d: -f2)
  tar -xzOf "$1/$layer" usr/lib/apk/db/installed >"$3" || fail "no installed db in layer $layer"
}

# The example: SBOMs land beside the output directory.
arch=$(uname -m)
expect_exit 0 "$ROOT/examples/hello/run.sh" "$WISP" "$WORK/ex"
for f in sbom-$arch.spdx.json sbom-$arch.cdx.json sbom-index.spdx.json; do
  [ -f "$WORK/ex/$f" ] || fail "the example build wrote no $f"
  pass
done
valid "$WORK"/ex/sbom-*.json
expect_exit 0 jq -r '.packages[] | select(.name=="hello-app") | .licenseDeclared' "$WORK/ex/sbom-$arch.spdx.json"
[ "$OUT" = "Apache-2.0" ] || fail "hello-app licence: $OUT"
pass
expect_exit 0 jq -r '.relationships[] | select(.relationshipType=="DEPENDS_ON") | .spdxElementId + " " + .relatedSpdxElement' \
  "$WORK/ex/sbom-$arch.spdx.json"
expect_contains "$OUT" "SPDXRef-Package-apk-hello-app-1.0-r0 SPDXRef-Package-apk-hello-greeting-1.0-r0"
expect_contains "$OUT" "SPDXRef-Package-apk-hello-greeting-1.0-r0 SPDXRef-Package-apk-hello-baselayout-1.0-r0"

# The apko mini repo, two archs, SBOMs in a chosen directory.
mini=$TESTDATA/apk/apko-mini-repo
cat >"$WORK/mini.yaml" <<YAML
contents:
  repositories: [ $mini ]
  keyring: [ $mini/melange.rsa.pub ]
  packages: [ replayout, custom-ca-certs-1 ]
archs: [ x86_64, aarch64 ]
YAML
build_mini() {  # build_mini OUT SBOM_DIR
  "$WISP" build -q "$WORK/mini.yaml" --cache-dir "$WORK/cache" -t mini:1 -o "$1" --sbom-dir "$2"
}
expect_exit 0 build_mini "$WORK/mini" "$WORK/sboms"
files="sbom-x86_64.spdx.json sbom-x86_64.cdx.json sbom-aarch64.spdx.json sbom-aarch64.cdx.json sbom-index.spdx.json"
for f in $files; do
  [ -f "$WORK/sboms/$f" ] || fail "no $f in --sbom-dir"
  pass
done
valid "$WORK"/sboms/*.json
# Each package's own melange SBOM adds its recipe, described-by the package.
expect_exit 0 jq -r '.relationships[] | select(.relationshipType=="DESCRIBED_BY") | .spdxElementId' "$WORK/sboms/sbom-x86_64.spdx.json"
[ "$OUT" = "$(printf 'SPDXRef-Package-apk-%s-1.0.0-r0\n' custom-ca-certs-1 pretend-baselayout replayout)" ] \
  || fail "DESCRIBED_BY: $OUT"
pass
expect_exit 0 jq -r '[.packages[].externalRefs[]?.referenceLocator | select(startswith("pkg:apk/"))] | .[0]' \
  "$WORK/sboms/sbom-aarch64.spdx.json"
expect_contains "$OUT" "?arch=aarch64"

# The package list is the image's installed database, in both formats and both archs.
blobs=$WORK/mini/blobs/sha256
index=$(jq -r '.manifests[0].digest' "$WORK/mini/index.json" | cut -d: -f2)
for pair in "amd64 x86_64" "arm64 aarch64"; do
  set -- $pair
  manifest=$(jq -r ".manifests[] | select(.platform.architecture==\"$1\") | .digest" "$blobs/$index" | cut -d: -f2)
  installed_db "$blobs" "$manifest" "$WORK/installed-$2"
  db_packages "$WORK/installed-$2" >"$WORK/db-$2"
  [ "$(wc -l <"$WORK/db-$2")" -ge 3 ] || fail "too few packages in the $2 database"
  packages_of "$WORK/sboms/sbom-$2.spdx.json" >"$WORK/spdx-$2"
  packages_of "$WORK/sboms/sbom-$2.cdx.json" >"$WORK/cdx-$2"
  diff "$WORK/db-$2" "$WORK/spdx-$2" || fail "$2: SPDX packages differ from the installed db"
  pass
  diff "$WORK/db-$2" "$WORK/cdx-$2" || fail "$2: CycloneDX packages differ from the installed db"
  pass
  # The image is described by its manifest digest.
  expect_exit 0 jq -r '.packages[0].versionInfo' "$WORK/sboms/sbom-$2.spdx.json"
  [ "$OUT" = "sha256:$manifest" ] || fail "$2 SPDX describes $OUT, not the manifest"
  pass
done
expect_exit 0 jq -r '.packages[0].versionInfo' "$WORK/sboms/sbom-index.spdx.json"
[ "$OUT" = "sha256:$index" ] || fail "index SPDX describes $OUT"
pass

# Byte-identical across builds; another build date changes them.
expect_exit 0 build_mini "$WORK/mini2" "$WORK/sboms2"
for f in $files; do
  cmp -s "$WORK/sboms/$f" "$WORK/sboms2/$f" || fail "$f differs between two builds"
  pass
done
SOURCE_DATE_EPOCH=1700000001 expect_exit 0 build_mini "$WORK/mini3" "$WORK/sboms3"
cmp -s "$WORK/sboms/sbom-x86_64.spdx.json" "$WORK/sboms3/sbom-x86_64.spdx.json" && fail "build date ignored"
pass
[ "$(jq -r .documentNamespace "$WORK/sboms/sbom-x86_64.spdx.json")" != "$(jq -r .documentNamespace "$WORK/sboms3/sbom-x86_64.spdx.json")" ] \
  || fail "documentNamespace does not change with the image"
pass

# wisp sbom on the written layout gives the build's documents.
expect_exit 0 "$WISP" sbom "oci:$WORK/mini:mini:1" --arch aarch64 -o "$WORK/read-aarch64.spdx.json"
cmp "$WORK/read-aarch64.spdx.json" "$WORK/sboms/sbom-aarch64.spdx.json" || fail "wisp sbom differs from the build's SPDX"
pass
expect_exit 0 "$WISP" sbom "$WORK/mini" --arch amd64 --format cyclonedx -o "$WORK/read-x86_64.cdx.json"
cmp "$WORK/read-x86_64.cdx.json" "$WORK/sboms/sbom-x86_64.cdx.json" || fail "wisp sbom differs from the build's CycloneDX"
pass
expect_exit 0 "$WISP" sbom "oci:$WORK/mini" --index -o "$WORK/read-index.spdx.json"
cmp "$WORK/read-index.spdx.json" "$WORK/sboms/sbom-index.spdx.json" || fail "wisp sbom --index differs"
pass
expect_exit 1 "$WISP" sbom "oci:$WORK/mini" --arch s390x
expect_contains "$ERR" "no s390x image here"
expect_exit 1 "$WISP" sbom "oci:$WORK/mini:nope"
expect_contains "$ERR" "no image tagged 'nope'"

# docker-tar: SBOMs beside the archive by default; wisp sbom reads the archive alike.
mkdir -p "$WORK/d"
expect_exit 0 "$WISP" build -q "$WORK/mini.yaml" --format docker-tar --arch x86_64 -t mini:1 \
  --cache-dir "$WORK/cache" -o "$WORK/d/mini.tar" --sbom-formats spdx
[ -f "$WORK/d/sbom-x86_64.spdx.json" ] && [ ! -e "$WORK/d/sbom-x86_64.cdx.json" ] && [ ! -e "$WORK/d/sbom-index.spdx.json" ] \
  || fail "docker-tar SBOM files: $(ls "$WORK/d")"
pass
expect_exit 0 "$WISP" sbom "docker-archive:$WORK/d/mini.tar" -o "$WORK/d/read.spdx.json"
cmp "$WORK/d/read.spdx.json" "$WORK/d/sbom-x86_64.spdx.json" || fail "wisp sbom differs on the docker archive"
pass
valid "$WORK/d/sbom-x86_64.spdx.json"
expect_exit 0 "$WISP" build -q "$WORK/mini.yaml" --no-sbom --cache-dir "$WORK/cache" -t mini -o "$WORK/nosbom/image"
[ -z "$(ls "$WORK/nosbom" | grep sbom)" ] || fail "--no-sbom wrote SBOMs"
pass
expect_exit 2 "$WISP" build -q "$WORK/mini.yaml" --sbom-formats spdx,xml --cache-dir "$WORK/cache" -o "$WORK/bad"
expect_contains "$ERR" "unknown SBOM format 'xml'"

# An image wisp did not build: umoci makes one from the example image's rootfs.
expect_exit 0 umoci unpack --image "$WORK/ex/image:hello:latest" "$WORK/orig"
expect_exit 0 umoci init --layout "$WORK/foreign"
expect_exit 0 umoci new --image "$WORK/foreign:img"
expect_exit 0 umoci unpack --image "$WORK/foreign:img" "$WORK/fb"
cp -a "$WORK/orig/rootfs/." "$WORK/fb/rootfs/"
expect_exit 0 umoci repack --image "$WORK/foreign:img" "$WORK/fb"
expect_exit 0 "$WISP" sbom "oci:$WORK/foreign:img" -o "$WORK/foreign.spdx.json"
expect_exit 0 "$WISP" sbom "oci:$WORK/foreign:img" --format cyclonedx -o "$WORK/foreign.cdx.json"
valid "$WORK/foreign.spdx.json" "$WORK/foreign.cdx.json"
db_packages "$WORK/orig/rootfs/usr/lib/apk/db/installed" >"$WORK/db-foreign"
packages_of "$WORK/foreign.spdx.json" >"$WORK/spdx-foreign"
diff "$WORK/db-foreign" "$WORK/spdx-foreign" || fail "umoci image: SPDX packages differ from its installed db"
pass
packages_of "$WORK/ex/sbom-$arch.spdx.json" >"$WORK/spdx-built"
diff "$WORK/spdx-built" "$WORK/spdx-foreign" || fail "umoci image: packages differ from the build-time SBOM"
pass
# A second layer deletes a package from the database and whites out os-release.
expect_exit 0 umoci unpack --image "$WORK/foreign:img" "$WORK/fb2"
awk 'BEGIN{RS="";ORS="\n\n"} !/\nP:hello-app\n/' "$WORK/fb2/rootfs/usr/lib/apk/db/installed" >"$WORK/installed.new"
cp "$WORK/installed.new" "$WORK/fb2/rootfs/usr/lib/apk/db/installed"
rm "$WORK/fb2/rootfs/etc/os-release"
expect_exit 0 umoci repack --image "$WORK/foreign:img" "$WORK/fb2"
expect_exit 0 "$WISP" sbom "oci:$WORK/foreign:img" -o "$WORK/foreign2.spdx.json"
valid "$WORK/foreign2.spdx.json"
packages_of "$WORK/foreign2.spdx.json" >"$WORK/spdx-foreign2"
grep -v '^hello-app ' "$WORK/spdx-foreign" | diff - "$WORK/spdx-foreign2" || fail "the upper layer's database is not the one read"
pass
expect_exit 0 jq -r '[.packages[] | select(.primaryPackagePurpose=="OPERATING_SYSTEM")] | length' "$WORK/foreign2.spdx.json"
[ "$OUT" = 0 ] || fail "the whited-out os-release is still read"
pass
expect_exit 0 jq -r '[.packages[] | select(.primaryPackagePurpose=="ARCHIVE")] | length' "$WORK/foreign2.spdx.json"
[ "$OUT" = 2 ] || fail "expected two layers, got $OUT"
pass
# skopeo's docker-archive is the pre-OCI `docker save` form: manifest.json and plain layer tars.
expect_exit 0 skopeo copy "oci:$WORK/foreign:img" "docker-archive:$WORK/foreign.tar:foreign:2"
expect_exit 0 "$WISP" sbom "$WORK/foreign.tar" -o "$WORK/foreign3.spdx.json"
valid "$WORK/foreign3.spdx.json"
packages_of "$WORK/foreign3.spdx.json" | diff "$WORK/spdx-foreign2" - || fail "docker-archive packages differ"
pass
expect_exit 0 jq -r '.packages[0].externalRefs[0].referenceLocator' "$WORK/foreign3.spdx.json"
expect_contains "$OUT" "pkg:oci/foreign@sha256:"
expect_contains "$OUT" "tag=2"
finish

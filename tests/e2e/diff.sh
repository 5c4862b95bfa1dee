#!/usr/bin/env bash
# wisp diff end to end: two images from the apko mini repo plus a generated package in two
# versions (one pinned to the older): one package added, one removed, one changed, as chainctl's
# JSON, markdown and text; an image against itself is an empty diff; with a generated apk secdb
# the vulnerability the upgrade fixes is "removed" and the one the new package brings "added";
# a Debian tracker feed does the same for tiny Debian images; FROM and TO from a layout, a docker
# archive and a registry; bad input fails in one line.
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1700000000
mini=$TESTDATA/apk/apko-mini-repo

# A repository with diffpkg 1.0-r0 and 1.1-r0 (origin diffpkg-src, as a subpackage would have).
mkdir -p "$WORK/keys" "$WORK/repo/x86_64" "$WORK/pkgdir/usr/share/diffpkg"
expect_exit 0 "$WISP" keygen --apk difftest -o "$WORK/keys"
for v in 1.0-r0 1.1-r0; do
  echo "$v" >"$WORK/pkgdir/usr/share/diffpkg/version"
  cat >"$WORK/diffpkg.yaml" <<YAML
name: diffpkg
version: $v
description: A package in two versions, for wisp diff
license: MIT
origin: diffpkg-src
arch: x86_64
YAML
  expect_exit 0 "$WISP" pkg create "$WORK/pkgdir" --config "$WORK/diffpkg.yaml" --key "$WORK/keys/difftest.rsa" \
    -o "$WORK/repo/x86_64/diffpkg-$v.apk"
done
expect_exit 0 "$WISP" index create "$WORK"/repo/x86_64/*.apk --key "$WORK/keys/difftest.rsa" \
  -o "$WORK/repo/x86_64/APKINDEX.tar.gz"

image_file() {  # image_file OUT PACKAGES...
  local out=$1; shift
  cat >"$out" <<YAML
contents:
  repositories: [ $mini, $WORK/repo ]
  keyring: [ $mini/melange.rsa.pub, $WORK/keys/difftest.rsa.pub ]
  packages: [ $(IFS=,; echo "$*") ]
archs: [ x86_64 ]
YAML
}
image_file "$WORK/a.yaml" replayout custom-ca-certs-1 diffpkg=1.0-r0
image_file "$WORK/b.yaml" replayout custom-ca-certs-2 diffpkg
expect_exit 0 "$WISP" build -q "$WORK/a.yaml" --cache-dir "$WORK/cache" -t diff:a -o "$WORK/a"
expect_exit 0 "$WISP" build -q "$WORK/b.yaml" --cache-dir "$WORK/cache" -t diff:b -o "$WORK/b"
expect_exit 0 "$WISP" build -q "$WORK/b.yaml" --cache-dir "$WORK/cache" -t diff:b --format docker-tar -o "$WORK/b.tar"

# Packages: chainctl's JSON shape, purls as wisp's SBOMs write them.
expect_exit 0 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b"
echo "$OUT" >"$WORK/ab.json"
q() { jq -c "$1" "$WORK/ab.json"; }
[ "$(q '[.packages.added[] | [.name, .version]]')" = '[["custom-ca-certs-2","1.0.0-r0"]]' ] || fail "added: $OUT"
pass
[ "$(q '[.packages.removed[].name]')" = '["custom-ca-certs-1"]' ] || fail "removed: $OUT"
pass
[ "$(q '[.packages.changed[] | [.name, .previous.version, .current.version]]')" = '[["diffpkg","1.0-r0","1.1-r0"]]' ] \
  || fail "changed: $OUT"
pass
expect_contains "$(q '.packages.changed[0].current.reference')" '"pkg:apk/replaces/diffpkg@1.1-r0?arch=x86_64&'
expect_contains "$(q '.packages.added[0].reference')" 'pkg:apk/replaces/custom-ca-certs-2@1.0.0-r0?arch=x86_64'
[ "$(q 'has("vulnerabilities")')" = false ] || fail "vulnerabilities without --feed: $OUT"
pass
expect_contains "$(q '.warnings')" "no --feed given"
[ "$(q '[.image.from.layers, .image.to.layers, .image.layersDelta]')" = '[1,1,0]' ] || fail "layers: $OUT"
pass
# The sizes are the manifests' layer sizes.
layer_size() {  # layer_size LAYOUT TAG
  local m
  m=$(jq -r --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]==$t) | .digest' \
    "$1/index.json" | cut -d: -f2)
  if jq -e '.manifests' "$1/blobs/sha256/$m" >/dev/null; then  # an index: its only image
    m=$(jq -r '.manifests[0].digest' "$1/blobs/sha256/$m" | cut -d: -f2)
  fi
  jq '[.layers[].size] | add' "$1/blobs/sha256/$m"
}
[ "$(q '.image.from.size')" = "$(layer_size "$WORK/a" diff:a)" ] || fail "FROM size: $OUT"
pass
[ "$(q '.image.sizeDelta')" = "$(( $(layer_size "$WORK/b" diff:b) - $(layer_size "$WORK/a" diff:a) ))" ] \
  || fail "size delta: $OUT"
pass

# The docker archive of B gives the same package diff; so does --platform linux/amd64 / --arch.
expect_exit 0 "$WISP" diff "oci:$WORK/a" "docker-archive:$WORK/b.tar" --platform linux/amd64
[ "$(jq -c .packages <<<"$OUT")" = "$(q .packages)" ] || fail "docker-archive TO: $OUT"
pass
expect_exit 0 "$WISP" diff "$WORK/a" "$WORK/b.tar" --arch amd64
[ "$(jq -c .packages <<<"$OUT")" = "$(q .packages)" ] || fail "plain paths: $OUT"
pass

# Reversed, added and removed swap and the change goes the other way.
expect_exit 0 "$WISP" diff "oci:$WORK/b" "oci:$WORK/a"
[ "$(jq -c '[.packages.added[].name, .packages.removed[].name, .packages.changed[0].current.version]' <<<"$OUT")" \
  = '["custom-ca-certs-1","custom-ca-certs-2","1.0-r0"]' ] || fail "reversed: $OUT"
pass

# An image against itself (layout vs archive of the same build: the same packages).
expect_exit 0 "$WISP" diff "oci:$WORK/b" "docker-archive:$WORK/b.tar"
[ "$(jq -c '[.packages.added, .packages.removed, .packages.changed] | map(length)' <<<"$OUT")" = '[0,0,0]' ] \
  || fail "identical images: $OUT"
pass
[ "$(jq -c '.image.sizeDelta' <<<"$OUT")" = 0 ] || fail "identical size: $OUT"
pass

# -t: only oci (the images themselves) — the image digests differ; '-' adds them to the packages.
expect_exit 0 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b" -t oci
[ "$(jq -c '[.packages.added, .packages.removed] | map(length)' <<<"$OUT")" = '[0,0]' ] || fail "-t oci: $OUT"
pass
expect_contains "$(jq -c '.packages.changed[0].current.reference' <<<"$OUT")" '"pkg:oci/diff@sha256:'
expect_exit 0 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b" -t -
[ "$(jq '.packages.changed | length' <<<"$OUT")" = 2 ] || fail "-t -: $OUT"
pass
expect_exit 0 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b" -t deb
[ "$(jq -c '[.packages.added, .packages.removed, .packages.changed] | map(length)' <<<"$OUT")" = '[0,0,0]' ] \
  || fail "-t deb on apk images: $OUT"
pass

# Markdown and text.
expect_exit 0 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b" -o markdown
expect_contains "$OUT" "| Name | Version | Reference |"
expect_contains "$OUT" "| custom-ca-certs-2 | 1.0.0-r0 |"
expect_contains "$OUT" "| diffpkg | 1.0-r0 | 1.1-r0 |"
expect_contains "$OUT" "| layers | 1 | 1 | 0 |"
expect_exit 0 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b" -o text
expect_contains "$OUT" "packages: 1 added, 1 removed, 1 changed"
expect_contains "$OUT" "  ~ diffpkg 1.0-r0 -> 1.1-r0"

# Vulnerabilities from a generated secdb keyed on the images' real source packages: the
# upgrade fixes CVE-2099-0001 (diffpkg-src < 1.1-r0), custom-ca-certs-2 brings CVE-2099-0002,
# replayout's CVE-2099-0003 is in both, and "0" rules CVE-2099-0004 out.
cat >"$WORK/secdb.json" <<'JSON'
{"apkurl": "{{urlprefix}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk", "archs": ["x86_64"],
 "reponame": "test", "urlprefix": "https://example.invalid",
 "packages": [
  {"pkg": {"name": "diffpkg-src", "secfixes": {"1.1-r0": ["CVE-2099-0001"]}}},
  {"pkg": {"name": "custom-ca-certs-2", "secfixes": {"2.0.0-r0": ["CVE-2099-0002"], "0": ["CVE-2099-0004"]}}},
  {"pkg": {"name": "replayout", "secfixes": {"9.0-r0": ["CVE-2099-0003"]}}}
 ]}
JSON
expect_exit 0 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b" --feed "$WORK/secdb.json"
echo "$OUT" >"$WORK/abv.json"
[ "$(jq -c '[.vulnerabilities.added[].id]' "$WORK/abv.json")" = '["CVE-2099-0002"]' ] || fail "vulns added: $OUT"
pass
[ "$(jq -c '[.vulnerabilities.removed[].id]' "$WORK/abv.json")" = '["CVE-2099-0001"]' ] || fail "vulns removed: $OUT"
pass
[ "$(jq -r '.vulnerabilities.removed[0] | keys | join(",")' "$WORK/abv.json")" = "id,reference,severity" ] \
  || fail "vuln fields: $OUT"
pass
expect_contains "$(jq -r '.vulnerabilities.removed[0].reference' "$WORK/abv.json")" ":distro:"
[ "$(jq -c '.warnings' "$WORK/abv.json")" = '[]' ] || fail "warnings with --feed: $OUT"
pass
expect_exit 0 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b" --feed "file://$WORK/secdb.json" -o markdown
expect_contains "$OUT" "### Removed vulnerabilities (1)"
expect_contains "$OUT" "| CVE-2099-0001 |"
expect_exit 0 "$WISP" diff "oci:$WORK/a" "oci:$WORK/a" --feed "$WORK/secdb.json"
[ "$(jq -c '[.vulnerabilities.added, .vulnerabilities.removed] | map(length)' <<<"$OUT")" = '[0,0]' ] \
  || fail "same image, vulns: $OUT"
pass

# Debian: tiny distroless-style images (status.d) and a Debian security tracker feed keyed on
# the source package; the upgrade to 1.0-2 fixes CVE-2099-1000, urgency high.
expect_exit 0 python3 "$ROOT/tests/e2e/diff_deb_layout.py" "$WORK/deb"
cat >"$WORK/tracker.json" <<'JSON'
{"foo": {"CVE-2099-1000": {"description": "a flaw", "scope": "local",
  "releases": {"bookworm": {"status": "resolved", "fixed_version": "1.0-2", "urgency": "high"}}}}}
JSON
expect_exit 0 "$WISP" diff "oci:$WORK/deb:d1" "oci:$WORK/deb:d2" --feed "$WORK/tracker.json" --feed "$WORK/secdb.json"
[ "$(jq -c '[.packages.changed[] | [.name, .previous.version, .current.version]]' <<<"$OUT")" \
  = '[["libfoo1","1.0-1","1.0-2"]]' ] || fail "deb changed: $OUT"
pass
[ "$(jq -c '.vulnerabilities' <<<"$OUT")" \
  = '{"added":[],"removed":[{"id":"CVE-2099-1000","reference":"debian:distro:debian:12","severity":"High"}]}' ] \
  || fail "deb vulns: $OUT"
pass
# A Debian image against an apk one: nothing matches, and a warning says why.
expect_exit 0 "$WISP" diff "oci:$WORK/deb:d1" "oci:$WORK/a" --feed "$WORK/tracker.json"
[ "$(jq -c '[.packages.added, .packages.removed] | map(length)' <<<"$OUT")" = '[4,1]' ] || fail "deb vs apk: $OUT"
pass
expect_contains "$(jq -r '.warnings[]' <<<"$OUT")" "different distros"
# A Debian image whose os-release names no release cannot use a tracker feed; without feeds it diffs.
expect_exit 2 "$WISP" diff "oci:$WORK/deb:d1" "oci:$WORK/deb:nocodename" --feed "$WORK/tracker.json"
expect_one_line "$ERR"
expect_contains "$ERR" "names no release codename"
expect_exit 0 "$WISP" diff "oci:$WORK/deb:d1" "oci:$WORK/deb:nocodename"

# Bad input: one line, usage errors exit 2, the rest 1.
expect_exit 1 "$WISP" diff "oci:$WORK/a" "oci:$WORK/nope"
expect_one_line "$ERR"
expect_exit 1 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b" --arch aarch64
expect_one_line "$ERR"
expect_exit 2 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b" --arch riscv99
expect_one_line "$ERR"
expect_exit 2 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b" --arch amd64 --platform linux/amd64
expect_one_line "$ERR"
expect_exit 2 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b" -t rpm
expect_one_line "$ERR"
expect_exit 2 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b" -o yaml
expect_exit 2 "$WISP" diff "oci:$WORK/a"
echo '{"packages": 3}' >"$WORK/bad-feed.json"
expect_exit 1 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b" --feed "$WORK/bad-feed.json"
expect_one_line "$ERR"
expect_contains "$ERR" "error: $WORK/bad-feed.json: "
expect_exit 1 "$WISP" diff "oci:$WORK/a" "oci:$WORK/b" --feed "$WORK/missing.json"
expect_one_line "$ERR"

# A registry: push A, diff docker://REG/... against B's layout.
if command -v docker-registry >/dev/null && command -v skopeo >/dev/null; then
  source "$(dirname "$0")/registry_lib.sh"
  start_registry diff
  expect_exit 0 "$WISP" push -q "oci:$WORK/a:diff:a" "$REG/diff/app:a"
  expect_exit 0 "$WISP" diff "docker://$REG/diff/app:a" "oci:$WORK/b" --feed "$WORK/secdb.json"
  [ "$(jq -c '[.packages, .vulnerabilities]' <<<"$OUT")" = "$(jq -c '[.packages, .vulnerabilities]' "$WORK/abv.json")" ] \
    || fail "registry FROM: $OUT"
  pass
  expect_exit 0 "$WISP" diff "$REG/diff/app:a" "$REG/diff/app:a"
  [ "$(jq -c '[.packages.added, .packages.removed, .packages.changed] | map(length)' <<<"$OUT")" = '[0,0,0]' ] \
    || fail "registry identical: $OUT"
  pass
  expect_exit 1 "$WISP" diff "$REG/diff/app:missing" "oci:$WORK/b"
  expect_one_line "$ERR"
else
  echo "SKIP (registry part): docker-registry or skopeo is not installed"
fi
finish

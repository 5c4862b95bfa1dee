#!/usr/bin/env bash
# wisp publish --sign-key --attest-sbom, the nightly rebuild in one command, against Debian's
# docker-registry: the two-arch mini image is pushed, its index and both platform manifests are
# signed and each one's SBOMs attested (predicates equal to `wisp sbom`); publishing the same
# file again (same digests) keeps one signature per key and one attestation per SBOM type; a
# wrong password fails before anything is pushed. The independent Python checker verifies
# every signature and envelope.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
export SOURCE_DATE_EPOCH=1700000000
PY=/usr/bin/python3
CHECK="$PY $ROOT/tests/e2e/sign_check.py"
$PY -c 'import cryptography, nacl' 2>/dev/null || fail "python3-cryptography or python3-nacl is missing: run scripts/setup-deps"

build_mini
start_registry publish-sign
REPO=t/nightly
IMG=$REG/$REPO
HEX=${MINI_DIGEST#sha256:}
AMD64=$(jq -r '.manifests[] | select(.platform.architecture == "amd64") | .digest' "$WORK/mini/blobs/sha256/$HEX")
ARM64=$(jq -r '.manifests[] | select(.platform.architecture == "arm64") | .digest' "$WORK/mini/blobs/sha256/$HEX")
[ -n "$AMD64" ] && [ -n "$ARM64" ] || fail "the mini index lacks amd64/arm64 entries"
SK=(--tls-verify=false)
has_tag() { skopeo inspect --raw "${SK[@]}" "docker://$IMG:$1" >/dev/null 2>&1; }
layers() { skopeo inspect --raw "${SK[@]}" "docker://$IMG:$1" | jq '.layers | length'; }
att_types() { skopeo inspect --raw "${SK[@]}" "docker://$IMG:$1" | jq -r '.layers[].annotations.predicateType' | sort; }
PUBLISH=("$WISP" publish "$WORK/mini.yaml" --cache-dir "$WORK/cache")

export COSIGN_PASSWORD=correct-horse
mkdir -p "$WORK/k1" "$WORK/k2"
(cd "$WORK/k1" && "$WISP" keygen -q --cosign) || fail "keygen --cosign (k1)"
(cd "$WORK/k2" && COSIGN_PASSWORD=other-pass "$WISP" keygen -q --cosign) || fail "keygen --cosign (k2)"
K1=$WORK/k1/cosign.key; P1=$WORK/k1/cosign.pub; K2=$WORK/k2/cosign.key; P2=$WORK/k2/cosign.pub

# --- refused before anything is built or pushed --------------------------------------------------
expect_exit 1 env COSIGN_PASSWORD=wrong "${PUBLISH[@]}" "$IMG:1" --sign-key "$K1" --attest-sbom
expect_one_line "$ERR"
expect_contains "$ERR" "$K1"
expect_contains "$ERR" "wrong password"
has_tag 1 && fail "a publish with a wrong key password pushed the image"
pass
expect_exit 2 "${PUBLISH[@]}" "$IMG:1" --attest-sbom
has_tag 1 && fail "--attest-sbom without --sign-key pushed the image"
pass

# --- publish, sign and attest ---------------------------------------------------------------------
expect_exit 0 "${PUBLISH[@]}" "$IMG:1" --sign-key "$K1" --sign-annotations env=nightly --attest-sbom
[ "$OUT" = "$IMG:1@$MINI_DIGEST" ] || fail "publish printed: $OUT (want digest $MINI_DIGEST)"
pass
# The index and each platform manifest carry one signature that verifies (with its annotation).
expect_exit 0 "$WISP" verify --key "$P1" -a env=nightly "$IMG:1"
[ "$(jq -r '.[0].critical.image["docker-manifest-digest"]' <<<"$OUT")" = "$MINI_DIGEST" ] || fail "verify: $OUT"
pass
expect_exit 1 "$WISP" verify --key "$P2" "$IMG:1"
for d in "$MINI_DIGEST" "$AMD64" "$ARM64"; do
  expect_exit 0 "$WISP" verify --key "$P1" -a env=nightly "$IMG@$d"
  [ "$(layers "sha256-${d#sha256:}.sig")" = 1 ] || fail "$d: want one signature layer"
  pass
  expect_exit 0 $CHECK sig "$REG" "$REPO" "$d" "$P1"
  [ "$OUT" = 1 ] || fail "python verified $OUT signatures of $d under k1, want 1"
  pass
done

# Each arch: its SPDX and CycloneDX SBOMs attested on its manifest digest, equal to `wisp sbom`.
check_arch_attestations() {
  local digest=$1 arch=$2
  expect_exit 0 "$WISP" sbom "oci:$WORK/mini:mini" --arch "$arch" -o "$WORK/$arch.spdx.json"
  expect_exit 0 "$WISP" sbom "oci:$WORK/mini:mini" --arch "$arch" --format cyclonedx -o "$WORK/$arch.cdx.json"
  expect_exit 0 "$WISP" verify-attestation --key "$P1" --type spdxjson "$IMG@$digest"
  [ "$(printf '%s\n' "$OUT" | wc -l)" = 1 ] || fail "$arch: want one SPDX attestation, got: $OUT"
  pass
  local statement
  statement=$(jq -r .payload <<<"$OUT" | base64 -d)
  [ "$(jq -r '.subject[0].digest.sha256' <<<"$statement")" = "${digest#sha256:}" ] || fail "$arch subject: $statement"
  pass
  [ "$(jq -r '.subject[0].name' <<<"$statement")" = "$IMG" ] || fail "$arch subject name: $statement"
  pass
  [ "$(jq -S .predicate <<<"$statement")" = "$(jq -S . "$WORK/$arch.spdx.json")" ] \
    || fail "$arch: the SPDX predicate is not what wisp sbom gives"
  pass
  expect_exit 0 "$WISP" verify-attestation --key "$P1" --type cyclonedx "$IMG@$digest"
  statement=$(jq -r .payload <<<"$OUT" | base64 -d)
  [ "$(jq -S .predicate <<<"$statement")" = "$(jq -S . "$WORK/$arch.cdx.json")" ] \
    || fail "$arch: the CycloneDX predicate is not what wisp sbom gives"
  pass
  expect_exit 0 $CHECK att "$REG" "$REPO" "$digest" "$P1"
  [ "$(sort <<<"$OUT")" = "$(printf '%s\n' "1 https://cyclonedx.org/bom -" "1 https://spdx.dev/Document SPDX-2.3")" ] \
    || fail "python att check of $arch: $OUT"
  pass
}
check_arch_attestations "$AMD64" x86_64
check_arch_attestations "$ARM64" aarch64
# The index: its SPDX document on the index digest.
expect_exit 0 "$WISP" sbom "oci:$WORK/mini:mini" --index -o "$WORK/index.spdx.json"
expect_exit 0 "$WISP" verify-attestation --key "$P1" --type spdxjson "$IMG:1"
[ "$(jq -r .payload <<<"$OUT" | base64 -d | jq -S .predicate)" = "$(jq -S . "$WORK/index.spdx.json")" ] \
  || fail "the index predicate is not what wisp sbom --index gives"
pass
expect_exit 0 $CHECK att "$REG" "$REPO" "$MINI_DIGEST" "$P1"
[ "$OUT" = "1 https://spdx.dev/Document SPDX-2.3" ] || fail "python att check of the index: $OUT"
pass

# --- the nightly rebuild: same file, same digests -------------------------------------------------
# Two REFs of one repository: each lists the same signatures, nothing is signed twice.
expect_exit 0 "${PUBLISH[@]}" --json "$IMG:1" "$IMG:latest" --sign-key "$K1" --sign-annotations env=nightly --attest-sbom
PUB_JSON=$OUT
[ "$(jq length <<<"$PUB_JSON")" = 2 ] || fail "publish --json: $PUB_JSON"
pass
[ "$(jq -r '[.[].signatures | length] | join(",")' <<<"$PUB_JSON")" = 3,3 ] \
  || fail "publish --json signatures: $PUB_JSON"
pass
[ "$(jq -r '[.[].signatures[].added] | unique | join(",")' <<<"$PUB_JSON")" = false ] \
  || fail "re-signing the same digests with the same key added signatures: $PUB_JSON"
pass
[ "$(jq -r '[.[0].signatures[].reference] | sort | join(" ")' <<<"$PUB_JSON")" = \
  "$(printf '%s\n' "$IMG@$MINI_DIGEST" "$IMG@$AMD64" "$IMG@$ARM64" | sort | paste -sd' ')" ] \
  || fail "publish --json signed references: $PUB_JSON"
pass
[ "$(jq -r '.[0].signatures[0].tag' <<<"$PUB_JSON")" = "$IMG:sha256-$HEX.sig" ] || fail "signature tag: $PUB_JSON"
pass
[ "$(jq -r '[.[].attestations | length] | join(",")' <<<"$PUB_JSON")" = 5,5 ] \
  || fail "publish --json attestations (index SPDX + 2 x SPDX/CycloneDX per REF): $PUB_JSON"
pass
[ "$(jq -r '[.[0].attestations[] | select(.reference == "'"$IMG@$AMD64"'") | .predicateType] | sort | join(" ")' <<<"$PUB_JSON")" \
  = "https://cyclonedx.org/bom https://spdx.dev/Document" ] || fail "amd64 attestations: $PUB_JSON"
pass
has_tag latest || fail "the second REF was not pushed"
pass
for d in "$MINI_DIGEST" "$AMD64" "$ARM64"; do
  [ "$(layers "sha256-${d#sha256:}.sig")" = 1 ] || fail "$d: a rebuild added a signature layer"
  pass
done
# --replace semantics: still one attestation of each type, not two.
for d in "$AMD64" "$ARM64"; do
  [ "$(att_types "sha256-${d#sha256:}.att" | paste -sd' ')" = "https://cyclonedx.org/bom https://spdx.dev/Document" ] \
    || fail "$d: attestations after the rebuild: $(att_types "sha256-${d#sha256:}.att")"
  pass
  expect_exit 0 "$WISP" verify-attestation --key "$P1" --type spdxjson "$IMG@$d"
  [ "$(printf '%s\n' "$OUT" | wc -l)" = 1 ] || fail "$d: want one SPDX attestation after the rebuild"
  pass
done
[ "$(layers "sha256-$HEX.att")" = 1 ] || fail "the index has more than one attestation after the rebuild"
pass

# A second key: one more signature layer per digest; both keys verify. (--sign-annotations
# before the REF takes one value, not the REF too.)
expect_exit 0 env COSIGN_PASSWORD=other-pass "${PUBLISH[@]}" --sign-key "$K2" --sign-annotations team=wisp "$IMG:1"
[ "$OUT" = "$IMG:1@$MINI_DIGEST" ] || fail "publish with k2 printed: $OUT"
pass
for d in "$MINI_DIGEST" "$AMD64" "$ARM64"; do
  [ "$(layers "sha256-${d#sha256:}.sig")" = 2 ] || fail "$d: want a signature layer per key"
  pass
  expect_exit 0 "$WISP" verify --key "$P2" -a team=wisp "$IMG@$d"
  expect_exit 0 "$WISP" verify --key "$P1" -a env=nightly "$IMG@$d"
done
# Without --attest-sbom the attestations are left alone.
[ "$(layers "sha256-${AMD64#sha256:}.att")" = 2 ] || fail "a publish without --attest-sbom touched the attestations"
pass
expect_exit 0 "$WISP" verify-attestation --key "$P1" --type spdxjson "$IMG@$AMD64"
finish

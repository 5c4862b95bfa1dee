#!/usr/bin/env bash
# cosign-compatible signing against Debian's docker-registry: wisp keygen --cosign, sign (index,
# --recursive children, -a annotations, a second key, repeats deduplicated, $COSIGN_REPOSITORY),
# verify (right key, other key, missing annotation, tampered payload), attest an SPDX SBOM and
# verify-attestation (--type filters, --replace). skopeo reads the .sig manifest; an independent
# Python checker (Debian python3-cryptography + python3-nacl, no wisp code) decrypts the key
# file, verifies every signature and DSSE envelope and checks payload and statement shapes;
# sigstore-js (@sigstore/verify, offline) verifies a signature and an envelope as keyed bundles.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
export SOURCE_DATE_EPOCH=1700000000
PY=/usr/bin/python3
CHECK="$PY $ROOT/tests/e2e/sign_check.py"
$PY -c 'import cryptography, nacl' 2>/dev/null || fail "python3-cryptography or python3-nacl is missing: run scripts/setup-deps"

build_mini
start_registry sign
REPO=t/mini
IMG=$REG/$REPO
expect_exit 0 "$WISP" push "$WORK/mini" "$IMG:1"
HEX=${MINI_DIGEST#sha256:}
AMD64=$(jq -r '.manifests[] | select(.platform.architecture == "amd64") | .digest' "$WORK/mini/blobs/sha256/$HEX")
ARM64=$(jq -r '.manifests[] | select(.platform.architecture == "arm64") | .digest' "$WORK/mini/blobs/sha256/$HEX")
[ -n "$AMD64" ] && [ -n "$ARM64" ] || fail "the mini index lacks amd64/arm64 entries"
SK=(--tls-verify=false)
has_tag() { skopeo inspect --raw "${SK[@]}" "docker://$IMG:$1" >/dev/null 2>&1; }
layers() { skopeo inspect --raw "${SK[@]}" "docker://$IMG:$1" | jq '.layers | length'; }

# --- keys ----------------------------------------------------------------------------------------
export COSIGN_PASSWORD=correct-horse
mkdir -p "$WORK/k1" "$WORK/k2"
(cd "$WORK/k1" && "$WISP" keygen -q --cosign) || fail "keygen --cosign (k1)"
(cd "$WORK/k2" && COSIGN_PASSWORD=other-pass "$WISP" keygen -q --cosign) || fail "keygen --cosign (k2)"
K1=$WORK/k1/cosign.key; P1=$WORK/k1/cosign.pub; K2=$WORK/k2/cosign.key; P2=$WORK/k2/cosign.pub
expect_exit 0 $CHECK key "$K1" "$P1" "$COSIGN_PASSWORD"
expect_contains "$OUT" "PKCS#8"
expect_exit 0 $CHECK key "$K2" "$P2" other-pass

# --- sign and verify -----------------------------------------------------------------------------
# A tag of a two-arch image: the index digest is signed.
expect_exit 0 "$WISP" sign --key "$K1" -a env=test -a team=wisp "$IMG:1"
[ "$OUT" = "$IMG@$MINI_DIGEST" ] || fail "sign printed: $OUT"
pass
has_tag "sha256-$HEX.sig" || fail "no sha256-$HEX.sig tag"
pass
has_tag "sha256-${AMD64#sha256:}.sig" && fail "the amd64 child was signed without --recursive"
pass
# skopeo sees an OCI manifest with one simple-signing layer carrying the signature annotation.
expect_exit 0 skopeo inspect --raw "${SK[@]}" "docker://$IMG:sha256-$HEX.sig"
SIG_MANIFEST=$OUT
[ "$(jq -r .mediaType <<<"$SIG_MANIFEST")" = application/vnd.oci.image.manifest.v1+json ] || fail "$SIG_MANIFEST"
pass
[ "$(jq -r '.layers[0].mediaType' <<<"$SIG_MANIFEST")" = application/vnd.dev.cosign.simplesigning.v1+json ] \
  || fail "layer media type: $SIG_MANIFEST"
pass
jq -e '.layers[0].annotations["dev.cosignproject.cosign/signature"] | test("^[A-Za-z0-9+/]+=*$")' <<<"$SIG_MANIFEST" \
  >/dev/null || fail "no base64 signature annotation: $SIG_MANIFEST"
pass
# The payload, byte for byte what cosign writes.
PAYLOAD=$(curl -sf "http://$REG/v2/$REPO/blobs/$(jq -r '.layers[0].digest' <<<"$SIG_MANIFEST")")
WANT='{"critical":{"identity":{"docker-reference":"'$IMG'"},"image":{"docker-manifest-digest":"'$MINI_DIGEST'"},"type":"cosign container image signature"},"optional":{"env":"test","team":"wisp"}}'
[ "$PAYLOAD" = "$WANT" ] || fail "payload: $PAYLOAD"
pass
expect_exit 0 $CHECK sig "$REG" "$REPO" "$MINI_DIGEST" "$P2"
[ "$OUT" = 0 ] || fail "python verified $OUT signatures under k2, want 0"
pass
# sigstore-js, a third verifier: the .sig layer wrapped as a keyed messageSignature bundle.
SIGSTORE="node $ROOT/tests/e2e/sigstore_verify.js"
SIG_B64=$(jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' <<<"$SIG_MANIFEST")
printf '%s' "$PAYLOAD" >"$WORK/payload.json"
expect_exit 0 $SIGSTORE message "$P1" "$WORK/payload.json" "$SIG_B64"
expect_contains "$OUT" "sigstore-js: verified"
expect_exit 1 $SIGSTORE message "$P2" "$WORK/payload.json" "$SIG_B64"
printf '%s ' "$PAYLOAD" >"$WORK/payload-changed.json"
expect_exit 1 $SIGSTORE message "$P1" "$WORK/payload-changed.json" "$SIG_B64"
expect_exit 0 $CHECK sig "$REG" "$REPO" "$MINI_DIGEST" "$P1"
[ "$OUT" = 1 ] || fail "python verified $OUT signatures under k1, want 1"
pass

# verify: right key (by tag and by digest), with and without annotations.
expect_exit 0 "$WISP" verify --key "$P1" "$IMG:1"
[ "$(jq -r '.[0].critical.image["docker-manifest-digest"]' <<<"$OUT")" = "$MINI_DIGEST" ] || fail "verify stdout: $OUT"
pass
[ "$(printf '%s\n' "$OUT" | wc -l)" = 1 ] || fail "verify stdout is not one line"
pass
expect_contains "$ERR" "The signatures were verified against the specified public key"
expect_exit 0 "$WISP" verify --key "$P1" -a env=test "docker://$IMG@$MINI_DIGEST"
# Wrong key, wrong or unknown annotation, unsigned digest: one-line errors, exit 1.
expect_exit 1 "$WISP" verify --key "$P2" "$IMG:1"
expect_one_line "$ERR"
expect_contains "$ERR" "no matching signatures"
expect_contains "$ERR" "$P2"
[ -z "$OUT" ] || fail "a failed verify printed: $OUT"
pass
expect_exit 1 "$WISP" verify --key "$P1" -a env=prod "$IMG:1"
expect_contains "$ERR" "annotation env=prod missing"
expect_exit 1 "$WISP" verify --key "$P1" -a owner=x "$IMG:1"
expect_exit 1 "$WISP" verify --key "$P1" "$IMG@$AMD64"
expect_one_line "$ERR"
expect_contains "$ERR" "no signatures found"
# A wrong password: refused, naming the key file, nothing pushed.
expect_exit 1 env COSIGN_PASSWORD=wrong "$WISP" sign --key "$K1" "$IMG@$ARM64"
expect_one_line "$ERR"
expect_contains "$ERR" "$K1"
has_tag "sha256-${ARM64#sha256:}.sig" && fail "a sign with a wrong password pushed a signature"
pass

# The same key and annotations again: no new layer. Another key: a second layer; both verify.
expect_exit 0 "$WISP" sign --json --key "$K1" -a env=test -a team=wisp "$IMG:1"
[ "$(jq -c . <<<"$OUT")" = '{"reference":"'"$IMG@$MINI_DIGEST"'","tag":"'"$IMG:sha256-$HEX.sig"'","added":false}' ] \
  || fail "re-signing: $OUT"
pass
[ "$(layers "sha256-$HEX.sig")" = 1 ] || fail "re-signing added a layer"
pass
expect_exit 0 env COSIGN_PASSWORD=other-pass "$WISP" sign --key "$K2" "$IMG:1"
[ "$(layers "sha256-$HEX.sig")" = 2 ] || fail "a second key should add a layer"
pass
expect_exit 0 "$WISP" verify --key "$P1" "$IMG:1"
expect_exit 0 "$WISP" verify --key "$P2" "$IMG:1"
[ "$(jq -r '.[0].optional' <<<"$OUT")" = null ] || fail "k2's payload has no annotations: $OUT"
pass
expect_exit 0 $CHECK sig "$REG" "$REPO" "$MINI_DIGEST" "$P2"
[ "$OUT" = 1 ] || fail "python verified $OUT signatures under k2, want 1"
pass
# k1's signature is still there (read-modify-write kept it).
expect_exit 0 $CHECK sig "$REG" "$REPO" "$MINI_DIGEST" "$P1"
[ "$OUT" = 1 ] || fail "k1's signature was lost"
pass

# --recursive: the index and each platform's manifest.
expect_exit 0 "$WISP" sign --key "$K1" --recursive "$IMG:1"
[ "$(printf '%s\n' "$OUT" | sort)" = "$(printf '%s\n' "$IMG@$MINI_DIGEST" "$IMG@$AMD64" "$IMG@$ARM64" | sort)" ] \
  || fail "sign --recursive printed: $OUT"
pass
for d in "$AMD64" "$ARM64"; do
  has_tag "sha256-${d#sha256:}.sig" || fail "--recursive did not sign $d"
  pass
  expect_exit 0 "$WISP" verify --key "$P1" "$IMG@$d"
  expect_exit 0 $CHECK sig "$REG" "$REPO" "$d" "$P1"
  [ "$OUT" = 1 ] || fail "python: $d"
  pass
done

# $COSIGN_REPOSITORY: signatures in another repository of the registry.
expect_exit 0 env COSIGN_REPOSITORY="$REG/sigs" "$WISP" sign --key "$K1" "$IMG@$ARM64"
skopeo inspect --raw "${SK[@]}" "docker://$REG/sigs:sha256-${ARM64#sha256:}.sig" >/dev/null \
  || fail "no signature in \$COSIGN_REPOSITORY"
pass
expect_exit 0 env COSIGN_REPOSITORY="$REG/sigs" "$WISP" verify --key "$P1" "$IMG@$ARM64"

# --sign-container-identity: the docker-reference cosign would write for another name.
expect_exit 0 env COSIGN_PASSWORD=other-pass "$WISP" sign --key "$K2" --sign-container-identity registry.example/team/app "$IMG@$AMD64"
expect_exit 0 skopeo inspect --raw "${SK[@]}" "docker://$IMG:sha256-${AMD64#sha256:}.sig"
expect_exit 0 curl -sf "http://$REG/v2/$REPO/blobs/$(jq -r '.layers[1].digest' <<<"$OUT")"
[ "$(jq -r '.critical.identity["docker-reference"]' <<<"$OUT")" = registry.example/team/app ] || fail "identity: $OUT"
pass
expect_exit 0 "$WISP" verify --key "$P2" "$IMG@$AMD64"

# Tampering: a payload changed after signing (signature annotation kept) no longer verifies.
expect_exit 0 "$WISP" push "$WORK/mini" "$REG/t/tamper:1"
expect_exit 0 "$WISP" sign --key "$K1" "$REG/t/tamper:1"
expect_exit 0 "$WISP" verify --key "$P1" "$REG/t/tamper:1"
expect_exit 0 $CHECK tamper "$REG" t/tamper "$MINI_DIGEST"
expect_exit 1 "$WISP" verify --key "$P1" "$REG/t/tamper:1"
expect_one_line "$ERR"
expect_contains "$ERR" "invalid signature"
expect_exit 0 $CHECK sig "$REG" t/tamper "$MINI_DIGEST" "$P1"
[ "$OUT" = 0 ] || fail "python verified a tampered payload"
pass

# --- attest and verify-attestation ---------------------------------------------------------------
# The amd64 image's SPDX SBOM, attested on its manifest digest (as Chainguard does per arch).
expect_exit 0 "$WISP" sbom "oci:$WORK/mini:mini" --arch x86_64 -o "$WORK/amd64.spdx.json"
expect_exit 0 "$WISP" attest --key "$K1" --type spdxjson --predicate "$WORK/amd64.spdx.json" "$IMG@$AMD64"
[ "$OUT" = "$IMG@$AMD64" ] || fail "attest printed: $OUT"
pass
ATT=sha256-${AMD64#sha256:}.att
expect_exit 0 skopeo inspect --raw "${SK[@]}" "docker://$IMG:$ATT"
[ "$(jq -r '.layers[0].mediaType' <<<"$OUT")" = application/vnd.dsse.envelope.v1+json ] || fail "att layer: $OUT"
pass
[ "$(jq -c '.layers[0].annotations' <<<"$OUT")" = '{"dev.cosignproject.cosign/signature":"","predicateType":"https://spdx.dev/Document"}' ] \
  || fail "att annotations: $OUT"
pass
expect_exit 0 $CHECK att "$REG" "$REPO" "$AMD64" "$P1"
[ "$OUT" = "1 https://spdx.dev/Document SPDX-2.3" ] || fail "python att check: $OUT"
pass
expect_exit 0 $CHECK att "$REG" "$REPO" "$AMD64" "$P2"
[ "$OUT" = "0 https://spdx.dev/Document SPDX-2.3" ] || fail "python verified the envelope under k2: $OUT"
pass

expect_exit 0 "$WISP" verify-attestation --key "$P1" --type spdxjson "$IMG@$AMD64"
[ "$(printf '%s\n' "$OUT" | wc -l)" = 1 ] || fail "verify-attestation printed $OUT"
pass
[ "$(jq -r .payloadType <<<"$OUT")" = application/vnd.in-toto+json ] || fail "envelope: $OUT"
pass
printf '%s' "$OUT" >"$WORK/envelope.json"
STATEMENT=$(jq -r .payload <<<"$OUT" | base64 -d)
# sigstore-js checks the DSSE envelope as a keyed dsseEnvelope bundle (PAE over the statement).
expect_exit 0 $SIGSTORE dsse "$P1" "$WORK/envelope.json"
expect_exit 1 $SIGSTORE dsse "$P2" "$WORK/envelope.json"
jq -c '.payloadType = "application/json"' "$WORK/envelope.json" >"$WORK/envelope-retyped.json"
expect_exit 1 $SIGSTORE dsse "$P1" "$WORK/envelope-retyped.json"
[ "$(jq -r '.subject[0].digest.sha256' <<<"$STATEMENT")" = "${AMD64#sha256:}" ] || fail "statement: $STATEMENT"
pass
# The predicate is the SBOM itself.
[ "$(jq -S .predicate <<<"$STATEMENT")" = "$(jq -S . "$WORK/amd64.spdx.json")" ] || fail "the predicate is not the SBOM"
pass
expect_exit 0 "$WISP" verify-attestation --key "$P1" "$IMG@$AMD64"
expect_exit 1 "$WISP" verify-attestation --key "$P1" --type cyclonedx "$IMG@$AMD64"
expect_one_line "$ERR"
expect_contains "$ERR" "no matching attestations of type https://cyclonedx.org/bom"
expect_exit 1 "$WISP" verify-attestation --key "$P2" --type spdxjson "$IMG@$AMD64"
expect_contains "$ERR" "invalid signature"
expect_exit 1 "$WISP" verify-attestation --key "$P1" "$IMG@$ARM64"
expect_contains "$ERR" "no attestations found"
expect_exit 2 "$WISP" attest --key "$K1" --type nonsense --predicate "$WORK/amd64.spdx.json" "$IMG@$AMD64"
printf 'not json' >"$WORK/bad.json"
expect_exit 1 "$WISP" attest --key "$K1" --type cyclonedx --predicate "$WORK/bad.json" "$IMG@$AMD64"
expect_contains "$ERR" "bad.json"

# Attestations accumulate; --replace drops those of the same predicate type only.
expect_exit 0 "$WISP" sbom "oci:$WORK/mini:mini" --arch x86_64 --format cyclonedx -o "$WORK/amd64.cdx.json"
expect_exit 0 "$WISP" attest --key "$K1" --type cyclonedx --predicate "$WORK/amd64.cdx.json" "$IMG@$AMD64"
expect_exit 0 "$WISP" attest --key "$K1" --type spdxjson --predicate "$WORK/amd64.spdx.json" "$IMG@$AMD64"
[ "$(layers "$ATT")" = 3 ] || fail "want 3 attestations, got $(layers "$ATT")"
pass
expect_exit 0 "$WISP" verify-attestation --key "$P1" --type cyclonedx "$IMG@$AMD64"
[ "$(jq -r .payload <<<"$OUT" | base64 -d | jq -r .predicate.bomFormat)" = CycloneDX ] || fail "cdx: $OUT"
pass
expect_exit 0 "$WISP" attest --key "$K1" --replace --type spdxjson --predicate "$WORK/amd64.spdx.json" "$IMG@$AMD64"
[ "$(layers "$ATT")" = 2 ] || fail "--replace: want 2 attestations, got $(layers "$ATT")"
pass
expect_exit 0 $CHECK att "$REG" "$REPO" "$AMD64" "$P1"
[ "$(sort <<<"$OUT")" = "$(printf '%s\n' "1 https://cyclonedx.org/bom -" "1 https://spdx.dev/Document SPDX-2.3")" ] \
  || fail "after --replace: $OUT"
pass
# A custom predicate wraps the text with SOURCE_DATE_EPOCH's time.
printf 'hello\n' >"$WORK/note.txt"
expect_exit 0 "$WISP" attest --key "$K1" --predicate "$WORK/note.txt" "$IMG@$ARM64"
expect_exit 0 "$WISP" verify-attestation --key "$P1" --type custom "$IMG@$ARM64"
[ "$(jq -r .payload <<<"$OUT" | base64 -d | jq -c .predicate)" = '{"Data":"hello\n","Timestamp":"2023-11-14T22:13:20Z"}' ] \
  || fail "custom predicate: $OUT"
pass

# Not a registry: a usage error.
expect_exit 2 "$WISP" sign --key "$K1" "oci:$WORK/mini:mini"
finish

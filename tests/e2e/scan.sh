#!/usr/bin/env bash
# wisp scan end to end: the apko mini image (x86_64 + aarch64) against apk secdb feeds written
# here for its real packages (a fix newer than the installed version matches, an older one does
# not, "0" suppresses), table and JSON output, --fail-on exit codes, --only-fixed, distro
# filtering, a feed over loopback HTTP, the image read from a registry (wisp sbom too), and
# broken feeds reported in one line naming them.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
export XDG_CACHE_HOME=$WORK/xdg-cache

build_mini
IMG=$WORK/mini
# secdb DISTRO_URLPREFIX OUT: the feed; an empty prefix leaves the distro unnamed (applies to any apk image).
secdb() {
  local prefix=""
  [ -n "$1" ] && prefix="\"urlprefix\": \"$1\", \"reponame\": \"os\","
  cat >"$2" <<JSON
{ "apkurl": "{{urlprefix}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk", "archs": ["x86_64"], $prefix
  "packages": [
    {"pkg": {"name": "replayout", "secfixes": {"1.0.0-r1": ["CVE-2099-0001"]}}},
    {"pkg": {"name": "custom-ca-certs-1", "secfixes": {"0.9.0-r0": ["CVE-2099-0002"], "1.0.0-r0": ["CVE-2099-0005"]}}},
    {"pkg": {"name": "pretend-baselayout", "secfixes": {"1.0.0-r5": ["CVE-2099-0003"], "1.0.0-r2": ["CVE-2099-0004 GHSA-aaaa-bbbb-cccc"],
                                                        "0": ["CVE-2099-0003"]}}},
    {"pkg": {"name": "not-installed", "secfixes": {"9.9-r0": ["CVE-2099-0009"]}}}
  ]
}
JSON
}
secdb "" "$WORK/feed.json"

# Table: the three matches, sorted by package; older fixes, equal versions and "0" rulings absent.
expect_exit 0 "$WISP" scan "$IMG" --arch x86_64 --feed "$WORK/feed.json"
expect_contains "$(printf '%s\n' "$OUT" | head -1)" "NAME"
expect_contains "$OUT" "VULNERABILITY"
[ "$(printf '%s\n' "$OUT" | sed 1d | awk '{print $1 " " $2 " " $3 " " $4 " " $5}')" = "pretend-baselayout 1.0.0-r0 1.0.0-r2 CVE-2099-0004 Unknown
pretend-baselayout 1.0.0-r0 1.0.0-r2 GHSA-aaaa-bbbb-cccc Unknown
replayout 1.0.0-r0 1.0.0-r1 CVE-2099-0001 Unknown" ] || fail "scan table: $OUT"
pass
expect_contains "$ERR" "3 vulnerability matches (0 critical, 0 high, 0 medium, 0 low, 0 negligible, 3 unknown)"

# JSON, the other arch.
expect_exit 0 "$WISP" scan "$IMG" --arch aarch64 --feed "$WORK/feed.json" -o json
printf '%s\n' "$OUT" >"$WORK/scan.json"
[ "$(jq -r '.matches | length' "$WORK/scan.json")" = 3 ] || fail "json matches: $OUT"
pass
[ "$(jq -r '.image.arch + " " + .image.distro.name + " " + (.image.digest | startswith("sha256:") | tostring)' "$WORK/scan.json")" = "aarch64 replaces true" ] \
  || fail "json image: $(jq -c .image "$WORK/scan.json")"
pass
expect_exit 0 jq -e '.matches[] | select(.vulnerability.id == "CVE-2099-0001")
  | select(.vulnerability.fix.versions == ["1.0.0-r1"] and .vulnerability.fix.state == "fixed"
           and .artifact.name == "replayout" and .artifact.version == "1.0.0-r0" and .artifact.upstream == "replayout"
           and (.artifact.purl | startswith("pkg:apk/replaces/replayout@1.0.0-r0?arch=aarch64"))
           and .vulnerability.namespace == "replaces:distro:replaces:rolling")' "$WORK/scan.json"
expect_exit 0 jq -e --arg f "$WORK/feed.json" '.feeds == [{"source": $f, "kind": "apk-secdb", "distro": "", "packages": 4}]' "$WORK/scan.json"
expect_exit 0 jq -e '[.matches[].vulnerability.id] | index("CVE-2099-0003") == null and index("CVE-2099-0002") == null
  and index("CVE-2099-0005") == null and index("CVE-2099-0009") == null' "$WORK/scan.json"

# --fail-on: secdb has no severities, so only "unknown" (any match) fails.
expect_exit 1 "$WISP" scan "$IMG" --arch x86_64 --feed "$WORK/feed.json" --fail-on unknown
expect_contains "$ERR" "3 matches at or above severity unknown (--fail-on)"
expect_exit 0 "$WISP" scan "$IMG" --arch x86_64 --feed "$WORK/feed.json" --fail-on low
expect_exit 2 "$WISP" scan "$IMG" --arch x86_64 --feed "$WORK/feed.json" --fail-on severe
expect_exit 2 "$WISP" scan "$IMG" --arch x86_64
expect_exit 0 "$WISP" scan "$IMG" --arch x86_64 --feed "$WORK/feed.json" --only-fixed -o json
[ "$(printf '%s\n' "$OUT" | jq '.matches | length')" = 3 ] || fail "--only-fixed: $OUT"
pass

# A feed for another distro (Wolfi's urlprefix) does not apply to this image.
secdb "https://packages.wolfi.dev" "$WORK/wolfi.json"
expect_exit 0 "$WISP" scan "$IMG" --arch x86_64 --feed "$WORK/wolfi.json" -o json
expect_contains "$ERR" "0 vulnerability matches"
expect_exit 0 jq -e '.matches == [] and .feeds[0].distro == "wolfi"' <<<"$OUT"
# The committed real feeds parse (and name nothing installed here).
expect_exit 0 "$WISP" scan "$IMG" --arch x86_64 --feed "$TESTDATA/secdb/wolfi-security.json" \
  --feed "$TESTDATA/secdb/chainguard-security.json" -o json
expect_exit 0 jq -e '[.feeds[].distro] == ["wolfi", "chainguard"]' <<<"$OUT"

# Broken feeds: one line naming the feed, exit 1.
printf '{"packages": [{"pkg": {"name": "x", "secfixes": {"1-r0": "CVE-1"}}}]}' >"$WORK/bad.json"
expect_exit 1 "$WISP" scan "$IMG" --arch x86_64 --feed "$WORK/bad.json"
expect_one_line "$ERR"
expect_contains "$ERR" "$WORK/bad.json"
printf '{"packages": [' >"$WORK/truncated.json"
expect_exit 1 "$WISP" scan "$IMG" --arch x86_64 --feed "$WORK/truncated.json"
expect_one_line "$ERR"
expect_contains "$ERR" "$WORK/truncated.json"
expect_exit 1 "$WISP" scan "$IMG" --arch x86_64 --feed "$WORK/missing.json"
expect_one_line "$ERR"
expect_contains "$ERR" "$WORK/missing.json"
# A JSON object without "packages" is read as Debian tracker data, which needs a release.
echo '{}' >"$WORK/empty.json"
expect_exit 2 "$WISP" scan "$IMG" --arch x86_64 --feed "$WORK/empty.json"
expect_contains "$ERR" "--release"

# A feed over loopback HTTP.
mkdir -p "$WORK/www"
cp "$WORK/feed.json" "$WORK/www/security.json"
python3 "$ROOT/tests/e2e/http_server.py" --dir "$WORK/www" --port-file "$WORK/http.port" --log "$WORK/http.log" &
HTTP_PID=$!
REGISTRY_PIDS+=("$HTTP_PID")
for _ in $(seq 200); do
  [ -s "$WORK/http.port" ] && break
  kill -0 "$HTTP_PID" 2>/dev/null || fail "the feed server exited early"
  sleep 0.05
done
[ -s "$WORK/http.port" ] || fail "the feed server did not start within 10 s"
URL=http://127.0.0.1:$(cat "$WORK/http.port")
expect_exit 0 "$WISP" scan "$IMG" --arch x86_64 --feed "$URL/security.json" -o json
expect_exit 0 jq -e --arg u "$URL/security.json" '(.matches | length) == 3 and .feeds[0].source == $u' <<<"$OUT"
expect_exit 1 "$WISP" scan "$IMG" --arch x86_64 --feed "$URL/nope.json"
expect_one_line "$ERR"
expect_contains "$ERR" "$URL/nope.json"
stop_pid "$HTTP_PID"

# From a registry: scan (one platform pulled) and sbom (the same document as from the layout).
start_registry scan
expect_exit 0 "$WISP" push -q "oci:$IMG:mini" "docker://$REG/t/mini:1"
expect_exit 0 "$WISP" scan "docker://$REG/t/mini:1" --arch x86_64 --feed "$WORK/feed.json" -o json
printf '%s\n' "$OUT" >"$WORK/reg.json"
expect_exit 0 "$WISP" scan "$IMG" --arch x86_64 --feed "$WORK/feed.json" -o json
[ "$(jq -c '.matches' "$WORK/reg.json")" = "$(jq -c '.matches' <<<"$OUT")" ] || fail "registry scan differs from layout scan"
pass
expect_exit 0 "$WISP" scan "$REG/t/mini:1" --arch aarch64 --feed "$WORK/feed.json"
expect_contains "$ERR" "3 vulnerability matches"
expect_exit 0 "$WISP" sbom "docker://$REG/t/mini:1" --arch x86_64
printf '%s\n' "$OUT" >"$WORK/reg.spdx.json"
expect_exit 0 "$WISP" sbom "$IMG" --arch x86_64
printf '%s\n' "$OUT" >"$WORK/layout.spdx.json"
apk_packages() { jq -c '[.packages[] | select(.externalRefs // [] | map(.referenceLocator) | any(startswith("pkg:apk/")))]' "$1"; }
[ "$(apk_packages "$WORK/reg.spdx.json")" = "$(apk_packages "$WORK/layout.spdx.json")" ] \
  || fail "wisp sbom from the registry lists other packages than from the layout"
pass
# The image keeps the name it has in the registry.
expect_exit 0 jq -e --arg r "$REG/t/mini" '.packages[0].name == "mini"
  and (.packages[0].externalRefs[0].referenceLocator | contains("repository_url=" + ($r | gsub("/"; "%2F"))) and contains("tag=1"))' \
  "$WORK/reg.spdx.json" || { jq -c ".packages[0]" "$WORK/reg.spdx.json" >&2; false; }
expect_exit 0 "$WISP" sbom "docker://$REG/t/mini:1" --index
expect_exit 0 jq -e '.packages | length > 0' <<<"$OUT"
expect_exit 1 "$WISP" scan "docker://$REG/t/absent:1" --feed "$WORK/feed.json"
expect_one_line "$ERR"
expect_contains "$ERR" "$REG/t/absent:1"

finish

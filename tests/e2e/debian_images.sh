#!/usr/bin/env bash
# Debian images end to end, from real bookworm .debs: an isolated apt fetches the closures for
# amd64 and arm64 (versions never hard-coded), the test builds a local repository signed with a
# throwaway key and serves it on loopback, and wisp builds examples/debian/{static,base,nginx}.yaml
# for x86_64 + aarch64 from it. Then: skopeo and umoci accept the layouts; the nginx image serves
# a page under runc as uid 65532 (and its arm64 variant too when qemu binfmt can be used); each
# image and arch holds exactly apt's closure minus the excluded packages and what only they pull
# in; status.d holds distroless-style stanzas and md5sums; `wisp sbom` lists every package as a
# pkg:deb purl; builds are reproducible; InRelease, Release.gpg, trusted=yes and flat repositories
# give the same layers; a wrong signed-by key fails cleanly. Needs root, network and
# scripts/setup-deps.
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1700000000
# wisp and curl talk to loopback only; apt keeps the environment's proxy for the real mirror.
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export DEB_WORK=$WORK/deb
mkdir -p "$DEB_WORK"
source "$ROOT/tests/e2e/debian_lib.sh"
CHECK="python3 $ROOT/tests/e2e/debian_check.py"

[ "$(id -u)" = 0 ] || fail "needs root (runc, binfmt_misc)"
for tool in apt-get dpkg-deb dpkg-scanpackages apt-ftparchive gpg gpgv gpgconf xz curl jq python3 skopeo umoci runc flock; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run scripts/setup-deps"
done

SERVER_PID=
CONTAINERS=()
BINFMT_MOUNTED=
BINFMT_REGISTERED=
cleanup() {
  local id
  for id in "${CONTAINERS[@]}"; do
    runc kill "$id" KILL >/dev/null 2>&1 || true
    runc delete -f "$id" >/dev/null 2>&1 || true
  done
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  [ -z "$BINFMT_REGISTERED" ] || echo -1 >/proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null || true
  [ -z "$BINFMT_MOUNTED" ] || umount /proc/sys/fs/binfmt_misc 2>/dev/null || true
  deb_stop_gpg_agent "$WORK/gnupg"
  rm -rf "$WORK"
}
trap cleanup EXIT

# The three images' package lists and excludes, read from the templates themselves.
yaml_list() {  # yaml_list FILE KEY: the flow list under contents.KEY, comma-separated
  python3 - "$1" "$2" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"^\s+" + sys.argv[2] + r":\s*\[([^\]]*)\]", text, re.M)
print(",".join(x.strip() for x in m.group(1).replace("\n", " ").split(",") if x.strip()) if m else "")
PY
}
IMAGES="static base nginx"
for img in $IMAGES; do
  declare "PKGS_$img=$(yaml_list "$ROOT/examples/debian/$img.yaml" packages)"
  declare "EXCL_$img=$(yaml_list "$ROOT/examples/debian/$img.yaml" exclude)"
done
[ "$PKGS_static" = "base-files,netbase,tzdata,ca-certificates" ] || fail "static.yaml packages: $PKGS_static"
pass

# 1. Real .debs, amd64 and arm64: the closure of the union of the three lists (the site
# package is ours and comes in step 2).
upstream=${PKGS_nginx//,/ }
upstream=${upstream//wisp-nginx-site/}
# shellcheck disable=SC2086
deb_fetch "$DEB_WORK/debs" $upstream
for a in amd64 arm64; do
  n=$(ls "$DEB_WORK/debs/$a" | wc -l)
  [ "$n" -ge 20 ] || fail "only $n .debs fetched for $a"
  pass
  echo "fetched $n bookworm .debs for $a"
done

# 2. The site package, the repository, its signature and keyrings (the right key and a wrong one).
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BODY="wisp-debian-e2e-$$-$RANDOM$RANDOM"
mkdir -p "$DEB_WORK/site"
deb_site_package "$DEB_WORK/site/wisp-nginx-site_1.0_all.deb" "$PORT" "$BODY"
REPO=$WORK/www/signed
deb_repo "$REPO" "$DEB_WORK/debs/amd64" "$DEB_WORK/debs/arm64" "$DEB_WORK/site"
FPR=$(deb_keygen "$WORK/gnupg" "wisp e2e repository")
OTHER=$(deb_keygen "$WORK/gnupg" "wisp e2e stranger")
[ -n "$FPR" ] && [ -n "$OTHER" ] || fail "no key fingerprints"
deb_sign "$WORK/gnupg" "$FPR" "$REPO/dists/bookworm"
deb_export "$WORK/gnupg" "$FPR" "$WORK/keyring.gpg"
deb_export "$WORK/gnupg" "$OTHER" "$WORK/wrong.gpg"
expect_exit 0 gpgv --keyring "$WORK/keyring.gpg" "$REPO/dists/bookworm/InRelease"
expect_exit 0 gpgv --keyring "$WORK/keyring.gpg" "$REPO/dists/bookworm/Release.gpg" "$REPO/dists/bookworm/Release"
# Variants of the same repository: detached signature only, unsigned, and flat (one Packages
# for both archs beside the .debs).
for v in detached unsigned; do
  mkdir -p "$WORK/www/$v/dists"
  ln -s "$REPO/pool" "$WORK/www/$v/pool"
  cp -r "$REPO/dists/bookworm" "$WORK/www/$v/dists/"
  rm "$WORK/www/$v/dists/bookworm/InRelease"
done
rm "$WORK/www/unsigned/dists/bookworm/Release.gpg"
mkdir -p "$WORK/www/flat"
ln "$REPO"/pool/main/*.deb "$WORK/www/flat/"
(cd "$WORK/www/flat" && dpkg-scanpackages --multiversion . /dev/null >Packages 2>/dev/null && gzip -9nk Packages && xz -k Packages) \
  || fail "flat repository index"

: >"$WORK/server.log"
python3 "$ROOT/tests/e2e/http_server.py" --dir "$WORK/www" --port-file "$WORK/server.port" --log "$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do
  [ -s "$WORK/server.port" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the repository server exited early"
  sleep 0.1
done
[ -s "$WORK/server.port" ] || fail "the repository server did not start within 10 s"
URL=http://127.0.0.1:$(cat "$WORK/server.port")
expect_exit 0 curl -fsS -o /dev/null "$URL/signed/dists/bookworm/InRelease"

# An image file from a template: its repository lines replaced by REPO_LINE.
image_file() {  # image_file NAME REPO_LINE OUT
  python3 - "$ROOT/examples/debian/$1.yaml" "$2" >"$3" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"(\n  repositories:\n)(    - deb .*\n)+", lambda m: m.group(1) + "    - " + sys.argv[2] + "\n", text)
print(text, end="")
PY
  grep -qF -- "- $2" "$3" || fail "no repository line replaced in $1.yaml"
}
SIGNED_LINE="deb [signed-by=$WORK/keyring.gpg] $URL/signed bookworm main"

# 3. Build the three images, both archs.
for img in $IMAGES; do
  image_file "$img" "$SIGNED_LINE" "$WORK/$img.yaml"
  expect_exit 0 "$WISP" build -v "$WORK/$img.yaml" -o "$WORK/out-$img/image" -t "$img" --cache-dir "$WORK/cache"
  # wisp names what it dropped, per Debian arch.
  for x in $(eval "echo \${EXCL_$img//,/ }"); do
    expect_contains "$ERR" "note: amd64: excluded $x (wanted by"
    expect_contains "$ERR" "note: arm64: excluded $x (wanted by"
  done
  layout=$WORK/out-$img/image
  expect_exit 0 skopeo inspect --raw "oci:$layout:$img"
  expect_contains "$OUT" '"application/vnd.oci.image.index.v1+json"'
  for pair in "x86_64 amd64" "aarch64 arm64"; do
    set -- $pair
    expect_exit 0 skopeo inspect --override-arch "$2" "oci:$layout:$img"
    expect_contains "$OUT" "\"Architecture\": \"$2\""
    expect_exit 0 skopeo inspect "oci:$layout:$img-$1"
    expect_contains "$OUT" "\"Architecture\": \"$2\""
    expect_exit 0 umoci unpack --image "$layout:$img-$1" "$WORK/$img-$1"
    [ -f "$WORK/out-$img/sbom-$1.spdx.json" ] || fail "$img: no sbom-$1.spdx.json beside the layout"
    pass
  done
done

# 4. Closure: per image and arch, the image's packages are apt's choice from this repository
# alone, minus the excluded packages and those only they pull in.
echo "deb [signed-by=$WORK/keyring.gpg] file:$REPO bookworm main" >"$WORK/local.list"
LOCAL_APT=(-o Dir::Etc::SourceList="$WORK/local.list" -o Dir::Etc::SourceParts=/dev/null)
for pair in "x86_64 amd64" "aarch64 arm64"; do
  set -- $pair
  DEB_WORK=$WORK/deb-local deb_aptiso "$2" "${LOCAL_APT[@]}" update >"$WORK/local-update.log" 2>&1 \
    || fail "apt update from the local repository ($2): $(cat "$WORK/local-update.log")"
  grep -q '^W:\|^E:' "$WORK/local-update.log" && fail "apt complains about the local repository: $(cat "$WORK/local-update.log")"
  pass
  for img in $IMAGES; do
    pkgs=$(eval "echo \$PKGS_$img")
    DEB_WORK=$WORK/deb-local deb_closure "$2" "${LOCAL_APT[@]}" ${pkgs//,/ } >"$WORK/chosen-$img-$2"
    $CHECK expected "$REPO/dists/bookworm/main/binary-$2/Packages" "$WORK/chosen-$img-$2" \
      --request "$pkgs" --exclude "$(eval "echo \$EXCL_$img")" >"$WORK/expected-$img-$2" || fail "closure of $img ($2)"
    $CHECK statusd "$WORK/$img-$1/rootfs" "$REPO" "$2" >"$WORK/statusd-$img-$2" || fail "status.d of $img ($1)"
    pass
    diff <(cut -d' ' -f1 "$WORK/statusd-$img-$2") "$WORK/expected-$img-$2" >"$WORK/diff" \
      || fail "$img ($1): image packages (<) differ from apt's closure minus excludes (>): $(cat "$WORK/diff")"
    pass
    # `wisp resolve` answers the same without building (name=version in install order).
    expect_exit 0 "$WISP" resolve "$WORK/$img.yaml" --arch "$1" --cache-dir "$WORK/cache"
    diff <(printf '%s\n' "$OUT" | cut -d= -f1 | sort) <(sort "$WORK/expected-$img-$2") >"$WORK/diff" \
      || fail "$img ($1): wisp resolve (<) differs from apt's closure minus excludes (>): $(cat "$WORK/diff")"
    pass
    # Every status.d package is a pkg:deb purl in `wisp sbom` and in the SBOM written by the build.
    expect_exit 0 "$WISP" sbom "oci:$WORK/out-$img/image:$img-$1"
    printf '%s\n' "$OUT" >"$WORK/sbom-$img-$1.json"
    $CHECK purls "$WORK/sbom-$img-$1.json" >"$WORK/purls-$img-$2" || fail "purls of $img ($1)"
    diff "$WORK/statusd-$img-$2" "$WORK/purls-$img-$2" >"$WORK/diff" \
      || fail "$img ($1): status.d (<) and wisp sbom's pkg:deb purls (>) differ: $(cat "$WORK/diff")"
    pass
    $CHECK purls "$WORK/out-$img/sbom-$1.spdx.json" | diff "$WORK/purls-$img-$2" - >"$WORK/diff" \
      || fail "$img ($1): the build's sbom-$1.spdx.json lists other packages than wisp sbom: $(cat "$WORK/diff")"
    pass
  done
done
# Licences come from the packages' DEP-5 copyright files (dpkg's database records none).
lic=$(jq -r '.packages[] | select(.name=="ca-certificates") | .licenseDeclared' "$WORK/out-static/sbom-x86_64.spdx.json")
expect_contains "$lic" "MPL-2.0"
expect_contains "$lic" "GPL-2.0-or-later"
lic=$(jq -r '.packages[] | select(.name=="tzdata") | .licenseDeclared' "$WORK/out-static/sbom-x86_64.spdx.json")
[ "$lic" = "LicenseRef-public-domain" ] || fail "tzdata's licence in the SBOM is '$lic'"
pass
# The build's SBOMs validate against the SPDX 2.3 / CycloneDX 1.6 schemas (sbom.sh's checker), and
# the CycloneDX document lists the same packages.
if python3 -c 'import jsonschema' 2>/dev/null; then
  expect_exit 0 python3 "$ROOT/tests/e2e/sbom_check.py" "$TESTDATA/sbom-schemas" "$WORK"/out-*/sbom-*.json
else
  echo "SKIP SBOM schema validation: python3-jsonschema is missing (scripts/setup-deps)"
fi
for img in $IMAGES; do
  python3 "$ROOT/tests/e2e/sbom_check.py" --packages "$WORK/out-$img/sbom-x86_64.cdx.json" \
    | diff <(cut -d' ' -f1,2 "$WORK/statusd-$img-amd64") - >"$WORK/diff" || fail "$img: CycloneDX packages differ: $(cat "$WORK/diff")"
  pass
done
echo "closures: static $(wc -l <"$WORK/expected-static-amd64"), base $(wc -l <"$WORK/expected-base-amd64"), nginx $(wc -l <"$WORK/expected-nginx-amd64") packages (amd64)"
# The distroless sets, for the record: static has no C library, base is the glibc set.
[ "$(tr '\n' ' ' <"$WORK/expected-static-amd64")" = "base-files ca-certificates netbase tzdata " ] \
  || fail "static closure: $(cat "$WORK/expected-static-amd64")"
pass
grep -qx libc6 "$WORK/expected-base-arm64" && grep -qx nginx "$WORK/expected-nginx-arm64" && ! grep -qx iproute2 "$WORK/expected-nginx-arm64" \
  || fail "unexpected base/nginx closures"
pass

# 5. Files wisp generates instead of running maintainer scripts.
for img in $IMAGES; do
  for arch in x86_64 aarch64; do
    r=$WORK/$img-$arch/rootfs
    grep -qx 'root:x:0:0:.*' "$r/etc/passwd" && grep -q '^nobody:x:65534:65534:' "$r/etc/passwd" \
      && grep -q '^nonroot:x:65532:65532:' "$r/etc/passwd" || fail "$img $arch /etc/passwd: $(cat "$r/etc/passwd")"
    pass
    grep -q '^root:x:0:' "$r/etc/group" && grep -q '^nonroot:x:65532:' "$r/etc/group" || fail "$img $arch /etc/group"
    pass
    bundle=$r/etc/ssl/certs/ca-certificates.crt
    [ -s "$bundle" ] || fail "$img $arch: no $bundle"
    certs=$(find "$r/usr/share/ca-certificates" -name '*.crt' | wc -l)
    [ "$certs" -gt 100 ] && [ "$(grep -c 'BEGIN CERTIFICATE' "$bundle")" = "$certs" ] \
      || fail "$img $arch: CA bundle holds $(grep -c 'BEGIN CERTIFICATE' "$bundle") certificates, the package $certs"
    pass
    [ "$(stat -c %a "$r/tmp")" = 1777 ] || fail "$img $arch: /tmp is $(stat -c %a "$r/tmp")"
    pass
    for absent in bin/sh bin/bash usr/bin/perl usr/bin/debconf usr/bin/mawk usr/bin/openssl; do
      [ ! -e "$r/$absent" ] || fail "$img $arch: $absent is in the image"
      pass
    done
  done
done
# Scanners need os-release (ID debian, VERSION_ID 12) and read licences from each copyright file.
for img in $IMAGES; do
  r=$WORK/$img-aarch64/rootfs
  [ "$(readlink "$r/etc/os-release")" = ../usr/lib/os-release ] && grep -qx ID=debian "$r/usr/lib/os-release" \
    && grep -qx 'VERSION_ID="12"' "$r/usr/lib/os-release" || fail "$img: os-release"
  pass
  for p in $(cut -d' ' -f1 "$WORK/statusd-$img-arm64"); do
    [ -f "$r/usr/share/doc/$p/copyright" ] || fail "$img: no /usr/share/doc/$p/copyright"
  done
  pass
done
[ "$(stat -c '%u:%g %a' "$WORK/nginx-x86_64/rootfs/var/lib/nginx")" = "65532:65532 750" ] \
  || fail "paths: /var/lib/nginx is $(stat -c '%u:%g %a' "$WORK/nginx-x86_64/rootfs/var/lib/nginx")"
pass
[ ! -e "$WORK/static-x86_64/rootfs/lib/x86_64-linux-gnu/libc.so.6" ] || fail "static has a C library"
pass

# 6. Run nginx under runc as the image says (uid 65532), on the host's loopback.
runc_bundle() {  # runc_bundle BUNDLE: no TTY here; the host netns to reach loopback
  jq '.process.terminal=false | del(.linux.namespaces[] | select(.type=="network"))' "$1/config.json" >"$1/config.new"
  mv "$1/config.new" "$1/config.json"
}
serve_and_check() {  # serve_and_check BUNDLE ID
  local bundle=$1 id=$2 got="" pid i
  runc_bundle "$bundle"
  CONTAINERS+=("$id")
  runc run -d -b "$bundle" "$id" </dev/null >"$WORK/$id.log" 2>&1 || fail "runc run $id: $(cat "$WORK/$id.log")"
  for i in $(seq 150); do
    got=$(curl -fsS --max-time 2 "http://127.0.0.1:$PORT/" 2>/dev/null) && break
    [ "$(runc state "$id" 2>/dev/null | jq -r .status)" = running ] || fail "$id stopped: $(cat "$WORK/$id.log")"
    sleep 0.1
  done
  [ "$got" = "$BODY" ] || fail "$id: curl got '$got', not '$BODY' (log: $(cat "$WORK/$id.log"))"
  pass
  pid=$(runc state "$id" | jq -r .pid)
  [ "$(awk '/^Uid:/{print $2, $3}' "/proc/$pid/status")" = "65532 65532" ] || fail "$id: nginx master runs as $(grep ^Uid: "/proc/$pid/status")"
  pass
  expect_exit 0 runc ps "$id"
  [ "$(printf '%s\n' "$OUT" | awk 'NR>1{print $1}' | sort -u)" = 65532 ] || fail "$id: processes not all uid 65532: $OUT"
  pass
  runc kill "$id" TERM >/dev/null 2>&1 || true
  runc delete -f "$id" >/dev/null 2>&1 || fail "runc delete $id"
  CONTAINERS=("${CONTAINERS[@]/$id/}")
}
serve_and_check "$WORK/nginx-x86_64" "wisp-deb-e2e-$$-amd64"

# arm64 with qemu-user-static through binfmt_misc, when this machine allows it.
arm64_skip=""
if [ "$(uname -m)" = aarch64 ]; then
  arm64_skip=""
elif [ ! -f /usr/lib/binfmt.d/qemu-aarch64.conf ] || ! command -v qemu-aarch64-static >/dev/null; then
  arm64_skip="qemu-user-static is not installed"
else
  if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
    if mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null; then BINFMT_MOUNTED=1
    else arm64_skip="binfmt_misc cannot be mounted"; fi
  fi
  if [ -z "$arm64_skip" ] && [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    if cat /usr/lib/binfmt.d/qemu-aarch64.conf >/proc/sys/fs/binfmt_misc/register 2>/dev/null; then BINFMT_REGISTERED=1
    else arm64_skip="cannot register the qemu-aarch64 binfmt handler"; fi
  fi
  if [ -z "$arm64_skip" ] && ! grep -q '^flags:.*F' /proc/sys/fs/binfmt_misc/qemu-aarch64; then
    arm64_skip="the registered qemu-aarch64 handler lacks the F flag (it cannot run inside containers)"
  fi
fi
# The ELF machine of the arm64 image's nginx is AArch64 (183) either way.
[ "$(od -An -tu2 -j18 -N2 "$WORK/nginx-aarch64/rootfs/usr/sbin/nginx" | tr -d ' ')" = 183 ] || fail "nginx-aarch64 is not an AArch64 binary"
pass
if [ -n "$arm64_skip" ]; then
  echo "SKIP arm64 run: $arm64_skip"
else
  serve_and_check "$WORK/nginx-aarch64" "wisp-deb-e2e-$$-arm64"
  echo "arm64 run: nginx-aarch64 served the page as uid 65532"
fi

# 7. Reproducible: another output directory and a cold cache give the same index.
index_digest() { sha256sum "$1/index.json" | cut -d' ' -f1; }
expect_exit 0 "$WISP" build -q "$WORK/static.yaml" -o "$WORK/again/image" -t static --cache-dir "$WORK/cache-again"
[ "$(index_digest "$WORK/out-static/image")" = "$(index_digest "$WORK/again/image")" ] \
  || fail "static: index.json differs between two builds"
pass
# A lockfile pins the same packages: `wisp lock`, then a --lockfile --offline build (no index
# read, .debs from the cache) gives the same image; a stale lock is refused.
expect_exit 0 "$WISP" lock "$WORK/nginx.yaml" -o "$WORK/nginx.lock.json" --cache-dir "$WORK/cache"
[ "$(jq '[.contents.packages[] | select(.architecture == "amd64")] | length' "$WORK/nginx.lock.json")" \
  = "$(wc -l <"$WORK/expected-nginx-amd64")" ] || fail "nginx.lock.json does not lock the amd64 closure"
pass
expect_exit 0 "$WISP" build -q "$WORK/nginx.yaml" --lockfile "$WORK/nginx.lock.json" --offline \
  -o "$WORK/locked/image" -t nginx --cache-dir "$WORK/cache"
[ "$(index_digest "$WORK/out-nginx/image")" = "$(index_digest "$WORK/locked/image")" ] \
  || fail "nginx: the --lockfile build differs from the resolved build"
pass
printf '# changed\n' >>"$WORK/nginx.yaml"
expect_exit 2 "$WISP" build -q "$WORK/nginx.yaml" --lockfile "$WORK/nginx.lock.json" -o "$WORK/stale/image" \
  --cache-dir "$WORK/cache"
expect_contains "$ERR" "is stale"
expect_one_line "$ERR"
[ ! -e "$WORK/stale/image" ] || fail "a refused build left $WORK/stale/image"
pass

# 8. A key that did not sign the repository: one line, non-zero exit, nothing written.
image_file static "deb [signed-by=$WORK/wrong.gpg] $URL/signed bookworm main" "$WORK/wrong-key.yaml"
got=0
"$WISP" build -q "$WORK/wrong-key.yaml" -o "$WORK/out-wrong/image" -t static --cache-dir "$WORK/cache-wrong" \
  >"$WORK/.out" 2>"$WORK/.err" || got=$?
ERR=$(cat "$WORK/.err")
[ "$got" != 0 ] || fail "a wrong signed-by key was accepted"
pass
expect_one_line "$ERR"
case "$ERR" in *[Ss]ignature* | *gpgv* | *[Vv]erif* | *signed-by* | *key*) pass ;; *) fail "the error does not say what failed: $ERR" ;; esac
[ ! -e "$WORK/out-wrong/image" ] && [ -z "$(ls -A "$WORK/out-wrong" 2>/dev/null)" ] \
  || fail "a failed build left $(ls -R "$WORK/out-wrong" | head -5 | tr '\n' ' ')"
pass
# 9. The other repository forms give the same layers: Release + Release.gpg, trusted=yes
# (unsigned, and a flat repository).
layers_of() {  # layers_of LAYOUT TAG: the layer digests of the TAG manifest
  local blobs=$1/blobs/sha256 m
  m=$(jq -r --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]==$t) | .digest' "$1/index.json" | cut -d: -f2)
  [ -n "$m" ] || fail "no manifest tagged $2 in $1"
  jq -r '.layers[].digest' "$blobs/$m"
}
for form in "detached|deb [signed-by=$WORK/keyring.gpg] $URL/detached bookworm main" \
            "unsigned|deb [trusted=yes] $URL/unsigned bookworm main" \
            "flat|deb [trusted=yes] $URL/flat ./"; do
  name=${form%%|*}
  image_file static "${form#*|}" "$WORK/static-$name.yaml"
  expect_exit 0 "$WISP" build -q "$WORK/static-$name.yaml" -o "$WORK/out-$name/image" -t static --cache-dir "$WORK/cache-$name"
  for arch in x86_64 aarch64; do
    [ "$(layers_of "$WORK/out-$name/image" "static-$arch")" = "$(layers_of "$WORK/out-static/image" "static-$arch")" ] \
      || fail "static from the $name repository has other layers ($arch)"
    pass
  done
done
grep -q '^GET /detached/dists/bookworm/Release.gpg 200' "$WORK/server.log" || fail "Release.gpg was never fetched"
pass

finish

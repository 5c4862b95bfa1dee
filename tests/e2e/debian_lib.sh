# Helpers for the Debian end-to-end test and benchmark: real bookworm .debs fetched with an
# isolated apt (the system's sources, nothing of its state), a tiny site package built here, and
# a local Debian repository signed with a throwaway key. Source it with DEB_WORK set to a scratch
# directory; every function fails loudly through deb_die.
# See /work/shared/docs/spec/debian-and-runtime.md §1-§2 (docs/spec in the shared checkout).

deb_die() { echo "FAIL: $*" >&2; exit 1; }

# The Debian arch names wisp's apko-style names map to.
deb_arch_of() { case $1 in x86_64) echo amd64 ;; aarch64) echo arm64 ;; *) deb_die "no Debian arch for $1" ;; esac; }

# deb_aptiso ARCH APT_GET_ARGS...: apt-get with private lists and cache, an empty dpkg status
# (so apt resolves the bare Depends/Pre-Depends closure, no Essential set) and a forced arch.
# Extra -o options may come first in APT_GET_ARGS (e.g. another source list).
deb_aptiso() {
  local arch=$1 d=$DEB_WORK/aptiso-$1; shift
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$DEB_WORK/empty"
  [ -e "$DEB_WORK/empty/status" ] || : >"$DEB_WORK/empty/status"
  apt-get -q -o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" -o Dir::State::status="$DEB_WORK/empty/status" \
    -o APT::Architecture="$arch" -o APT::Architectures::="$arch" -o APT::Install-Recommends=0 \
    -o APT::Sandbox::User=root "$@"
}

# deb_closure ARCH PKGS...: the packages apt would install for PKGS, "name" per line.
deb_closure() {
  local arch=$1; shift
  deb_aptiso "$arch" -s install "$@" >"$DEB_WORK/closure.out" 2>"$DEB_WORK/closure.err" \
    || deb_die "apt cannot resolve $* for $arch: $(cat "$DEB_WORK/closure.err")"
  awk '/^Inst /{print $2}' "$DEB_WORK/closure.out"
}

# deb_fetch OUT_DIR PKGS...: downloads, for amd64 and arm64, the closure of PKGS (give the union of
# the images' package lists: one apt call costs seconds) into OUT_DIR/<arch>/. The .debs
# are kept in ${XDG_CACHE_HOME:-$HOME/.cache}/wisp-e2e-debs/<arch> across runs: a cached file is
# reused only when its SHA256 is the one apt's fresh index gives for it, so a point release
# simply downloads the new versions (and drops files no longer wanted).
deb_fetch() {
  local out=$1 arch names uris cache f size sum want
  shift
  for arch in amd64 arm64; do
    deb_aptiso "$arch" update >"$DEB_WORK/update-$arch.log" 2>&1 \
      || deb_die "apt-get update ($arch) failed: $(tail -3 "$DEB_WORK/update-$arch.log")"
    names=$(deb_closure "$arch" "$@" | sort -u)
    [ -n "$names" ] || deb_die "empty closure for $arch"
    # 'URL' FILENAME SIZE SHA256:HEX, one per package.
    uris=$DEB_WORK/uris-$arch
    # shellcheck disable=SC2086
    deb_aptiso "$arch" download --print-uris $names >"$uris" 2>"$DEB_WORK/uris.err" \
      || deb_die "apt-get download --print-uris ($arch): $(cat "$DEB_WORK/uris.err")"
    [ "$(wc -l <"$uris")" = "$(echo "$names" | wc -l)" ] || deb_die "apt gave $(wc -l <"$uris") URIs for $(echo "$names" | wc -l) packages"
    cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/wisp-e2e-debs/$arch
    mkdir -p "$cache" "$out/$arch"
    (
      flock 9  # two runs at once share the cache safely
      want=()
      while read -r _ f size sum; do
        [ -f "$cache/$f" ] && [ "SHA256:$(sha256sum "$cache/$f" | cut -d' ' -f1)" = "$sum" ] || want+=("${f%%_*}")
      done <"$uris"
      if [ ${#want[@]} -gt 0 ]; then
        local tmp
        tmp=$(mktemp -d "$cache/.dl.XXXXXX")
        (cd "$tmp" && deb_aptiso "$arch" download "${want[@]}") >"$DEB_WORK/download-$arch.log" 2>&1 \
          || { rm -rf "$tmp"; deb_die "apt-get download ($arch) failed: $(tail -3 "$DEB_WORK/download-$arch.log")"; }
        mv "$tmp"/*.deb "$cache/" && rmdir "$tmp"
      fi
      # Keep only this run's files; check every one against the index.
      for f in "$cache"/*.deb; do
        awk '{print $2}' "$uris" | grep -qxF "$(basename "$f")" || rm -f "$f"
      done
      while read -r _ f size sum; do
        [ "SHA256:$(sha256sum "$cache/$f" | cut -d' ' -f1)" = "$sum" ] || deb_die "$f: SHA256 differs from apt's index"
        ln -f "$cache/$f" "$out/$arch/$f" 2>/dev/null || cp "$cache/$f" "$out/$arch/$f"
      done <"$uris"
    ) 9>"$cache/.lock" || exit 1
  done
}

# deb_site_package OUT_DEB PORT BODY: wisp-nginx-site, Architecture all: /etc/nginx/wisp.conf
# (non-root nginx: listen on loopback PORT, pid in /tmp, temp dirs in /var/lib/nginx, which the
# image must hand to the user nginx runs as, logs to stderr) and /var/www/html/index.html holding
# BODY. Depends on nginx-light, so the nginx image needs only it.
deb_site_package() {
  local out=$1 port=$2 body=$3 src
  src=$DEB_WORK/site-src
  rm -rf "$src" && mkdir -p "$src/DEBIAN" "$src/etc/nginx" "$src/var/www/html"
  cat >"$src/DEBIAN/control" <<EOF
Package: wisp-nginx-site
Version: 1.0
Architecture: all
Maintainer: wisp e2e <e2e@wisp.invalid>
Depends: nginx-light
Section: httpd
Priority: optional
Description: nginx site for wisp's Debian end-to-end test
 Serves one page on 127.0.0.1:$port as a non-root user.
EOF
  cat >"$src/etc/nginx/wisp.conf" <<EOF
# Runs as whatever user starts it (65532 in the image): no 'user' directive; it writes only its
# pid file (/tmp) and temp dirs (/var/lib/nginx, owned by that user); logs go to stderr.
daemon off;
worker_processes 1;
pid /tmp/nginx.pid;
error_log stderr notice;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path /var/lib/nginx/body;
  proxy_temp_path /var/lib/nginx/proxy;
  fastcgi_temp_path /var/lib/nginx/fastcgi;
  uwsgi_temp_path /var/lib/nginx/uwsgi;
  scgi_temp_path /var/lib/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    root /var/www/html;
    location / { index index.html; }
  }
}
EOF
  printf '%s\n' "$body" >"$src/var/www/html/index.html"
  mkdir -p "$src/usr/share/doc/wisp-nginx-site"
  printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nFiles: *\nCopyright: none\nLicense: CC0-1.0\n' \
    >"$src/usr/share/doc/wisp-nginx-site/copyright"
  (cd "$src" && find etc usr var -type f | LC_ALL=C sort | xargs md5sum) >"$src/DEBIAN/md5sums"
  find "$src" -exec touch -h -d @"${SOURCE_DATE_EPOCH:-1700000000}" {} +
  dpkg-deb --root-owner-group -Zgzip --build "$src" "$out" >/dev/null || deb_die "dpkg-deb --build failed"
}

# deb_repo REPO_DIR DEB_DIR...: a Debian repository (pool/main, dists/bookworm/main/binary-{amd64,arm64}
# with Packages, .gz and .xz, Release) holding the .debs of DEB_DIRs. Unsigned; see deb_sign.
deb_repo() {
  local repo=$1 a p
  shift
  rm -rf "$repo" && mkdir -p "$repo/pool/main"
  # Pool names as the archive writes them, NAME_UPSTREAM-REVISION_ARCH.deb without the epoch
  # (apt-get download writes the epoch as "%3a" into file names, which no archive has).
  local name
  for d in "$@"; do
    for p in "$d"/*.deb; do
      name=$(dpkg-deb -f "$p" Package Version Architecture | awk -F': ' '
        /^Package:/{n=$2} /^Version:/{v=$2; sub(/^[0-9]+:/, "", v)} /^Architecture:/{a=$2} END{print n "_" v "_" a ".deb"}')
      ln -f "$p" "$repo/pool/main/$name" 2>/dev/null || cp -f "$p" "$repo/pool/main/$name"
    done
  done
  for a in amd64 arm64; do
    mkdir -p "$repo/dists/bookworm/main/binary-$a"
    p=$repo/dists/bookworm/main/binary-$a/Packages
    (cd "$repo" && dpkg-scanpackages --arch "$a" --multiversion pool/main /dev/null) >"$p" 2>"$DEB_WORK/scan.err" \
      || deb_die "dpkg-scanpackages: $(cat "$DEB_WORK/scan.err")"
    gzip -9nkf "$p" && xz -kf "$p"
  done
  apt-ftparchive -o APT::FTPArchive::Release::Origin=wisp-e2e -o APT::FTPArchive::Release::Codename=bookworm \
    -o APT::FTPArchive::Release::Suite=bookworm -o APT::FTPArchive::Release::Architectures="amd64 arm64" \
    -o APT::FTPArchive::Release::Components=main release "$repo/dists/bookworm" >"$DEB_WORK/Release" \
    || deb_die "apt-ftparchive release failed"
  mv "$DEB_WORK/Release" "$repo/dists/bookworm/Release"  # never written inside the tree it hashes
}

# deb_keygen GNUPGHOME NAME: a throwaway signing key without passphrase; prints its fingerprint.
deb_keygen() {
  mkdir -p -m 700 "$1"
  GNUPGHOME=$1 gpg --batch --quiet --passphrase '' --pinentry-mode loopback \
    --quick-gen-key "$2 <e2e@wisp.invalid>" default default never 2>"$DEB_WORK/keygen.err" \
    || deb_die "gpg key generation: $(cat "$DEB_WORK/keygen.err")"
  GNUPGHOME=$1 gpg --batch --with-colons --list-secret-keys "$2 <e2e@wisp.invalid>" 2>/dev/null | awk -F: '/^fpr:/{print $10; exit}'
}

# deb_sign GNUPGHOME FPR DIST_DIR: InRelease (clearsigned) and Release.gpg (detached) for DIST_DIR/Release.
deb_sign() {
  local g=(env GNUPGHOME="$1" gpg --batch --yes --quiet --local-user "$2" --digest-algo SHA256)
  "${g[@]}" --clearsign -o "$3/InRelease" "$3/Release" || deb_die "gpg --clearsign failed"
  "${g[@]}" -abs -o "$3/Release.gpg" "$3/Release" || deb_die "gpg -abs failed"
}

# deb_export GNUPGHOME FPR OUT: the public key as a binary keyring (what signed-by= takes).
deb_export() { GNUPGHOME=$1 gpg --batch --export "$2" >"$3" && [ -s "$3" ] || deb_die "gpg --export $2 failed"; }

# deb_stop_gpg_agent GNUPGHOME: the agent gpg started for that home only.
deb_stop_gpg_agent() { [ -d "$1" ] && gpgconf --homedir "$1" --kill gpg-agent 2>/dev/null || true; }

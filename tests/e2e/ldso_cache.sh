#!/usr/bin/env bash
# /etc/ld.so.cache end to end: a dynamic program whose library lives in /opt/greet/lib (no rpath,
# no LD_LIBRARY_PATH) runs under runc only because wisp wrote the cache from /etc/ld.so.conf;
# the same image without ld.so.conf fails to load it. The host's ldconfig reads the cache.
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1700000000
arch=$(uname -m)
[ "$arch" = x86_64 ] || fail "this test packages the host's x86_64 glibc; host is $arch"
interp=$(readelf -l /bin/true | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
[ "$interp" = /lib64/ld-linux-x86-64.so.2 ] || fail "unexpected host interpreter: $interp"
pass

# The library and the program that needs it.
src=$WORK/src app=$WORK/app conf=$WORK/conf repo=$WORK/repo/$arch
mkdir -p "$src" "$app/opt/greet/lib" "$app/usr/bin" "$app/lib64" "$app/lib/x86_64-linux-gnu" \
  "$conf/etc/ld.so.conf.d" "$repo"
cat >"$src/greet.c" <<'C'
#include <stdio.h>
void greet(const char* who) { printf("hello, %s, from libgreet\n", who); }
C
cat >"$src/main.c" <<'C'
void greet(const char* who);
int main(void) { greet("runc"); return 0; }
C
expect_exit 0 cc -shared -fPIC -Wl,-soname,libgreet.so.1 -o "$src/libgreet.so" "$src/greet.c"
expect_exit 0 cc -o "$app/usr/bin/greet" "$src/main.c" -L"$src" -lgreet
expect_exit 0 readelf -d "$app/usr/bin/greet"
case "$OUT" in *RPATH* | *RUNPATH*) fail "the program must not carry a search path" ;; esac
pass
cp "$src/libgreet.so" "$app/opt/greet/lib/libgreet.so.1.0.0"
ln -s libgreet.so.1.0.0 "$app/opt/greet/lib/libgreet.so.1"
# The host's glibc runtime: the interpreter where the program asks for it, libc where Debian has it.
cp -L "$interp" "$app/lib64/ld-linux-x86-64.so.2"
cp -L /lib/x86_64-linux-gnu/libc.so.6 "$app/lib/x86_64-linux-gnu/libc.so.6"
printf '# wisp e2e\ninclude /etc/ld.so.conf.d/*.conf\n/opt/greet/lib\n' >"$conf/etc/ld.so.conf"
printf '/lib/x86_64-linux-gnu\n' >"$conf/etc/ld.so.conf.d/x86_64-linux-gnu.conf"

expect_exit 0 "$WISP" keygen --apk greet -o "$WORK/keys"
expect_exit 0 "$WISP" pkg create "$app" --name greet-app --version 1.0-r0 --arch "$arch" \
  --key "$WORK/keys/greet.rsa" -o "$repo/greet-app-1.0-r0.apk"
expect_exit 0 "$WISP" pkg create "$conf" --name greet-ldconf --version 1.0-r0 --arch "$arch" \
  --key "$WORK/keys/greet.rsa" -o "$repo/greet-ldconf-1.0-r0.apk"
expect_exit 0 "$WISP" index create "$repo"/*.apk --key "$WORK/keys/greet.rsa" -o "$repo/APKINDEX.tar.gz"

build() {  # build NAME PACKAGES...: builds and unpacks $WORK/NAME-bundle
  local name=$1; shift
  cat >"$WORK/$name.yaml" <<YAML
contents: { packages: [ $(IFS=,; echo "$*") ] }
entrypoint: { command: /usr/bin/greet }
archs: [ host ]
YAML
  expect_exit 0 "$WISP" build "$WORK/$name.yaml" -r "$WORK/repo" -k "$WORK/keys/greet.rsa.pub" \
    --cache-dir "$WORK/cache" -t "$name" -o "$WORK/$name"
  expect_exit 0 umoci unpack --image "$WORK/$name:$name" "$WORK/$name-bundle"
  jq '.process.terminal=false' "$WORK/$name-bundle/config.json" >"$WORK/config.json"
  mv "$WORK/config.json" "$WORK/$name-bundle/config.json"
}
run() {  # run NAME WANT_EXIT: runs the bundle under runc
  local id=wisp-e2e-ldso-$1-$$ got=0
  runc run -b "$WORK/$1-bundle" "$id" >"$WORK/.out" 2>"$WORK/.err" || got=$?
  runc delete -f "$id" >/dev/null 2>&1 || true
  OUT=$(cat "$WORK/.out"); ERR=$(cat "$WORK/.err")
  [ "$got" = "$2" ] || fail "runc run $1: expected exit $2, got $got | stdout: $OUT | stderr: $ERR"
  pass
}

# With ld.so.conf: the cache names libgreet, and the loader finds it through the cache.
build with greet-app greet-ldconf
cache=$WORK/with-bundle/rootfs/etc/ld.so.cache
[ -f "$cache" ] || fail "no /etc/ld.so.cache in the image"
pass
expect_exit 0 ldconfig -p -C "$cache"
expect_contains "$OUT" "libgreet.so.1 (libc6,x86-64) => /opt/greet/lib/libgreet.so.1"
expect_contains "$OUT" "libc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6"
run with 0
expect_contains "$OUT" "hello, runc, from libgreet"

# Without ld.so.conf: no cache, and the library is not found.
build without greet-app
[ ! -e "$WORK/without-bundle/rootfs/etc/ld.so.cache" ] || fail "a cache without /etc/ld.so.conf"
pass
run without 127
expect_contains "$ERR" "libgreet.so.1"
finish

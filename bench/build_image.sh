#!/usr/bin/env bash
# wisp build against the floor for the same root filesystem:
#   tar --sort=name | pigz -6 | sha256sum   on the unpacked tree (what any builder must at least do)
# for (a) the bundled example and (b) a generated repository of 300 packages, ~200 MB installed,
# with a warm download cache. Prints hyperfine medians, the ratio, and wisp's peak RSS.
# Usage: bench/build_image.sh WISP_BINARY [WORK_DIR] [RUNS]
set -euo pipefail
wisp=$(readlink -f "${1:?usage: build_image.sh WISP_BINARY [WORK_DIR] [RUNS]}")
work=$(readlink -f "${2:-/tmp/wisp-bench-build}")
runs=${3:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
export SOURCE_DATE_EPOCH=1700000000
arch=$(uname -m)
mkdir -p "$work"

# (a) The example (creates its repository and a first build, which warms the cache).
"$root/examples/hello/run.sh" "$wisp" "$work/example" >/dev/null

# (b) 300 packages made of this machine's own libraries and programs: real binaries compress like
# real packages do. Files are dealt round-robin into packages until ~200 MB are placed.
big=$work/big
if [ ! -f "$big/repo/$arch/APKINDEX.tar.gz" ]; then
  rm -rf "$big" && mkdir -p "$big/src" "$big/repo/$arch"
  "$wisp" keygen --apk bench -o "$big/keys" --bits 2048 >/dev/null
  budget=$((200 * 1024 * 1024)); placed=0; i=0
  while IFS= read -r f; do
    size=$(stat -c %s "$f")
    [ "$size" -gt 0 ] && [ "$size" -lt $((8 * 1024 * 1024)) ] || continue
    n=$((i % 300)); i=$((i + 1))
    dest="$big/src/p$n/usr/lib/bench-p$n/$(basename "$f")"
    mkdir -p "$(dirname "$dest")" && cp "$f" "$dest"
    placed=$((placed + size))
    [ "$placed" -lt "$budget" ] || break
  done < <(find /usr/lib /usr/bin /usr/libexec /usr/share -xdev -type f -readable 2>/dev/null | LC_ALL=C sort)
  for n in $(seq 0 299); do
    [ -d "$big/src/p$n" ] || mkdir -p "$big/src/p$n/usr/lib/bench-p$n"
    "$wisp" pkg create "$big/src/p$n" --name "bench-p$n" --version 1.0-r0 --origin "bench-o$((n / 3))" \
      --key "$big/keys/bench.rsa" -o "$big/repo/$arch/bench-p$n-1.0-r0.apk"
  done
  "$wisp" index create "$big"/repo/"$arch"/*.apk --key "$big/keys/bench.rsa" -o "$big/repo/$arch/APKINDEX.tar.gz"
  {
    echo "contents:"
    echo "  packages:"
    for n in $(seq 0 299); do echo "    - bench-p$n"; done
    echo "archs: [ host ]"
  } >"$big/image.yaml"
fi

bench_one() {  # NAME YAML REPO KEY
  local name=$1 yaml=$2 repo=$3 key=$4
  local build=("$wisp" build -q "$yaml" -r "$repo" -k "$key" --cache-dir "$work/$name-cache" -o "$work/$name-out")
  "${build[@]}"  # warm the cache
  # The floor works on the same tree, unpacked from wisp's own layer.
  rm -rf "$work/$name-tree" && mkdir -p "$work/$name-tree"
  local layer
  local blobs=$work/$name-out/blobs/sha256 index manifest layer
  index=$(jq -r '.manifests[0].digest' "$work/$name-out/index.json" | cut -d: -f2)
  manifest=$(jq -r '.manifests[0].digest' "$blobs/$index" | cut -d: -f2)
  layer=$(jq -r '.layers[0].digest' "$blobs/$manifest" | cut -d: -f2)
  tar -xzf "$blobs/$layer" -C "$work/$name-tree" --no-same-owner 2>/dev/null || true
  echo "== $name: $(du -sh --apparent-size "$work/$name-tree" | cut -f1) unpacked"
  hyperfine --runs "$runs" --warmup 1 --export-json "$work/$name.json" \
    -n wisp "${build[*]}" \
    -n floor "tar --sort=name -C $work/$name-tree -cf - . | pigz -6 | sha256sum" >/dev/null
  jq -r '.results[] | "\(.command): median \(.median * 1000 | floor) ms"' "$work/$name.json"
  jq -r '(.results[1].median / .results[0].median) as $r | "ratio floor/wisp: \($r * 100 | floor / 100)x"' "$work/$name.json"
  /usr/bin/time -f "wisp peak RSS: %M KiB" "${build[@]}" 2>&1 | tail -1
  local zbuild=("${build[@]}" --compression zstd)
  hyperfine --runs "$runs" --warmup 1 --export-json "$work/$name-zstd.json" -n wisp-zstd "${zbuild[*]}" >/dev/null
  jq -r '.results[] | "\(.command): median \(.median * 1000 | floor) ms"' "$work/$name-zstd.json"
  echo "sizes: gzip $(du -sb "$work/$name-out/blobs" | cut -f1) B (wisp), floor $(tar --sort=name -C "$work/$name-tree" -cf - . | pigz -6 | wc -c) B (pigz -6 layer)"
}
bench_one example "$root/examples/hello/image.yaml" "$work/example/repo" "$work/example/keys/example.rsa.pub"
bench_one big "$big/image.yaml" "$big/repo" "$big/keys/bench.rsa.pub"

#!/usr/bin/env bash
# Push and pull of a ~200 MB multi-layer image against Debian's docker-registry on loopback:
# wisp push/pull against skopeo copy of the same OCI layout, hyperfine medians and the ratio.
# Each push run starts from an empty registry (its storage is wiped in --prepare; the registry
# keeps no cache in this configuration), each pull run from an empty layout.
# Usage: bench/registry_push_pull.sh WISP_BINARY [WORK_DIR] [RUNS] [LAYERS] [MIB_PER_LAYER]
set -euo pipefail
wisp=$(readlink -f "${1:?usage: registry_push_pull.sh WISP_BINARY [WORK_DIR] [RUNS] [LAYERS] [MIB_PER_LAYER]}")
work=$(readlink -m "${2:-/tmp/wisp-bench-registry}")
runs=${3:-5}
layers=${4:-8}
mib=${5:-25}
for tool in docker-registry skopeo hyperfine jq python3; do
  command -v "$tool" >/dev/null || { echo "registry bench: $tool is missing (scripts/setup-deps)"; exit 1; }
done
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 DOCKER_CONFIG=$work/docker-config
mkdir -p "$work" "$DOCKER_CONFIG"

# --- the image: LAYERS gzip layers of MIB_PER_LAYER MiB of random bytes each (incompressible, so
# the bytes on the wire are the size asked for), one config, one manifest, in an OCI layout.
layout=$work/layout-${layers}x${mib}
if [ ! -f "$layout/index.json" ]; then
  rm -rf "$layout" && mkdir -p "$layout/blobs/sha256" "$work/gen"
  diff_ids=() layer_json=()
  for i in $(seq "$layers"); do
    rm -rf "$work/gen/l" && mkdir -p "$work/gen/l"
    head -c "$((mib * 1024 * 1024))" /dev/urandom >"$work/gen/l/data-$i.bin"
    tar --sort=name --mtime=@0 --owner=0 --group=0 -C "$work/gen/l" -cf "$work/gen/layer.tar" .
    diff_ids+=("\"sha256:$(sha256sum "$work/gen/layer.tar" | cut -d' ' -f1)\"")
    gzip -1 -n -c "$work/gen/layer.tar" >"$work/gen/layer.tar.gz"
    d=$(sha256sum "$work/gen/layer.tar.gz" | cut -d' ' -f1)
    mv "$work/gen/layer.tar.gz" "$layout/blobs/sha256/$d"
    layer_json+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$(stat -c %s "$layout/blobs/sha256/$d")}")
  done
  rm -rf "$work/gen"
  config=$(printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[%s]},"config":{}}' \
    "$(IFS=,; echo "${diff_ids[*]}")")
  c=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
  printf '%s' "$config" >"$layout/blobs/sha256/$c"
  manifest=$(printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[%s]}' \
    "$c" "${#config}" "$(IFS=,; echo "${layer_json[*]}")")
  m=$(printf '%s' "$manifest" | sha256sum | cut -d' ' -f1)
  printf '%s' "$manifest" >"$layout/blobs/sha256/$m"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"bench"}}]}' \
    "$m" "${#manifest}" >"$layout/index.json"
fi
echo "== image: $layers layers, $(du -sb "$layout/blobs" | cut -f1) bytes of blobs"

# --- the registry ---------------------------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
storage=$work/registry-data
rm -rf "$storage" && mkdir -p "$storage"
printf 'version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\nstorage: {filesystem: {rootdirectory: %s}, delete: {enabled: true}}\nhttp: {addr: "127.0.0.1:%s", secret: bench}\n' \
  "$storage" "$port" >"$work/registry.yml"
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
reg_pid=$!
trap 'kill $reg_pid 2>/dev/null; wait $reg_pid 2>/dev/null || true' EXIT
for _ in $(seq 200); do curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null && break; sleep 0.05; done
reg=127.0.0.1:$port

report() {  # JSON FIRST_NAME SECOND_NAME
  jq -r '.results[] | "\(.command): median \(.median * 1000 | floor) ms (min \(.min * 1000 | floor), max \(.max * 1000 | floor))"' "$1"
  jq -r '(.results[1].median / .results[0].median) as $r | "ratio skopeo/wisp: \($r * 100 | floor / 100)x"' "$1"
}

echo "== push (empty registry each run)"
hyperfine --runs "$runs" --warmup 1 --prepare "rm -rf $storage/docker" --export-json "$work/push.json" \
  -n wisp "$wisp push -q oci:$layout:bench $reg/bench/img:1" \
  -n skopeo "skopeo copy -q --dest-tls-verify=false oci:$layout:bench docker://$reg/bench/img:1" >/dev/null
report "$work/push.json"

"$wisp" push -q "oci:$layout:bench" "$reg/bench/img:1" >/dev/null
echo "== pull (empty layout each run)"
hyperfine --runs "$runs" --warmup 1 --prepare "rm -rf $work/pulled-wisp $work/pulled-skopeo" --export-json "$work/pull.json" \
  -n wisp "$wisp pull -q $reg/bench/img:1 oci:$work/pulled-wisp:1" \
  -n skopeo "skopeo copy -q --src-tls-verify=false docker://$reg/bench/img:1 oci:$work/pulled-skopeo:1" >/dev/null
report "$work/pull.json"

echo "== re-push of an unchanged image"
hyperfine --runs "$runs" --warmup 1 --export-json "$work/repush.json" \
  -n wisp "$wisp push -q oci:$layout:bench $reg/bench/img:1" \
  -n skopeo "skopeo copy -q --dest-tls-verify=false oci:$layout:bench docker://$reg/bench/img:1" >/dev/null
report "$work/repush.json"
/usr/bin/time -f "wisp pull peak RSS: %M KiB" "$wisp" pull -q "$reg/bench/img:1" "oci:$work/pulled-rss:1" 2>&1 >/dev/null | tail -1
rm -rf "$work/pulled-rss"
/usr/bin/time -f "wisp push peak RSS: %M KiB" "$wisp" push -q "oci:$layout:bench" "$reg/bench/img:rss" 2>&1 >/dev/null | tail -1

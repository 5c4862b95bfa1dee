#!/usr/bin/env bash
# wisp build of examples/debian/nginx.yaml (x86_64 + aarch64, warm download cache) against
#   floor:      tar --sort=name | pigz -6 | sha256sum   of the same two root filesystems, unpacked
#               (what any builder must at least do to produce those layers), and
#   mmdebstrap: mmdebstrap --variant=$MM_VARIANT (default extract) --include=<the image's packages>
#               per arch into a tarball, when mmdebstrap is installed. extract unpacks without
#               running maintainer scripts, as wisp does; it cannot skip dependencies, though, so
#               it unpacks apt's whole closure (debconf, mawk, openssl, iproute2 and what they pull
#               in: about twice the packages). --variant=custom does not work for this set: it runs
#               dpkg inside the new root, which has none. mmdebstrap is not in scripts/setup-deps:
#               when you run this by hand, pass --install-mmdebstrap to have the script apt-get
#               install it (CI never does).
# The .debs are real bookworm packages fetched by an isolated apt (tests/e2e/debian_lib.sh) into a
# signed local repository, read through file:// so no HTTP server times into the numbers.
# Prints hyperfine medians and the ratios.
# Usage: bench/debian_nginx.sh WISP_BINARY [WORK_DIR] [RUNS] [--install-mmdebstrap]
set -euo pipefail
install_mm=""
args=()
for a in "$@"; do
  case $a in --install-mmdebstrap) install_mm=1 ;; *) args+=("$a") ;; esac
done
set -- "${args[@]}"
wisp=$(readlink -f "${1:?usage: debian_nginx.sh WISP_BINARY [WORK_DIR] [RUNS] [--install-mmdebstrap]}")
work=$(readlink -f "${2:-/tmp/wisp-bench-debian}")
runs=${3:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
export SOURCE_DATE_EPOCH=1700000000
export DEB_WORK=$work/deb
mkdir -p "$DEB_WORK"
# shellcheck source=../tests/e2e/debian_lib.sh
source "$root/tests/e2e/debian_lib.sh"

if [ -n "$install_mm" ] && ! command -v mmdebstrap >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
fi

# The repository: the nginx image's closure for both archs plus the site package.
pkgs=$(python3 -c 'import re,sys; t=open(sys.argv[1]).read(); m=re.search(r"^\s+packages:\s*\[([^\]]*)\]", t, re.M); print(" ".join(x.strip() for x in m.group(1).replace("\n"," ").split(",") if x.strip()))' \
  "$root/examples/debian/nginx.yaml")
deb_fetch "$DEB_WORK/debs" ${pkgs//wisp-nginx-site/}
mkdir -p "$DEB_WORK/site"
deb_site_package "$DEB_WORK/site/wisp-nginx-site_1.0_all.deb" 8080 "wisp bench"
repo=$work/repo
deb_repo "$repo" "$DEB_WORK/debs/amd64" "$DEB_WORK/debs/arm64" "$DEB_WORK/site"
if [ ! -s "$work/keyring.gpg" ]; then
  rm -rf "$work/gnupg"
  deb_keygen "$work/gnupg" "wisp bench" >"$work/fpr"
  deb_export "$work/gnupg" "$(cat "$work/fpr")" "$work/keyring.gpg"
fi
deb_sign "$work/gnupg" "$(cat "$work/fpr")" "$repo/dists/bookworm"
deb_stop_gpg_agent "$work/gnupg"
python3 - "$root/examples/debian/nginx.yaml" "deb [signed-by=$work/keyring.gpg] file://$repo bookworm main" >"$work/nginx.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
print(re.sub(r"(\n  repositories:\n)(    - deb .*\n)+", lambda m: m.group(1) + "    - " + sys.argv[2] + "\n", text), end="")
PY

build=("$wisp" build -q "$work/nginx.yaml" -t nginx --cache-dir "$work/cache" -o "$work/out/image")
"${build[@]}"  # warm the cache

# The floor works on the same trees, unpacked from wisp's own layouts.
trees=()
for arch in x86_64 aarch64; do
  rm -rf "$work/tree-$arch"
  umoci unpack --image "$work/out/image:nginx-$arch" "$work/tree-$arch" >/dev/null
  trees+=("$work/tree-$arch/rootfs")
done
image_pkgs=$(ls "$work/tree-x86_64/rootfs/var/lib/dpkg/status.d" | grep -v '\.md5sums$' | paste -sd, -)
echo "== nginx: $(echo "$image_pkgs" | tr , '\n' | wc -l) packages; unpacked $(du -sh --apparent-size "${trees[0]}" | cut -f1) (x86_64), $(du -sh --apparent-size "${trees[1]}" | cut -f1) (aarch64)"
floor="for t in ${trees[*]}; do tar --sort=name -C \$t -cf - . | pigz -6 | sha256sum; done"
cmds=(-n wisp "${build[*]}" -n floor "$floor")
if command -v mmdebstrap >/dev/null; then
  # copy:// because file:// URIs must be reachable inside the new root.
  mm="for a in amd64 arm64; do mmdebstrap --quiet --variant=${MM_VARIANT:-extract} --architectures=\$a --include=$image_pkgs"
  mm+=" bookworm $work/mm-\$a.tar 'deb [trusted=yes] copy://$repo bookworm main' || exit 1; done"
  cmds+=(-n mmdebstrap "$mm")
else
  echo "(mmdebstrap is not installed: pass --install-mmdebstrap to compare with it)"
fi
hyperfine --runs "$runs" --warmup 1 --export-json "$work/debian_nginx.json" "${cmds[@]}" >/dev/null
jq -r '.results[] | "\(.command): median \(.median * 1000 | floor) ms"' "$work/debian_nginx.json"
jq -r '.results[0].median as $w | .results[1:][] | "ratio \(.command)/wisp: \(.median / $w * 100 | floor / 100)x"' "$work/debian_nginx.json"
/usr/bin/time -f "wisp peak RSS: %M KiB" "${build[@]}" 2>&1 | tail -1
echo "sizes: wisp layout $(du -sb "$work/out/image/blobs" | cut -f1) B, floor $(for t in "${trees[@]}"; do tar --sort=name -C "$t" -cf - . | pigz -6 | wc -c; done | awk '{s+=$1} END{print s}') B (pigz -6 layers)"

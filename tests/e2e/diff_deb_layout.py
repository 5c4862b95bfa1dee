#!/usr/bin/env python3
"""Writes an OCI layout (argv[1]) of tiny distroless-style Debian images for diff.sh, one layer
each: os-release and one status.d file for libfoo1 (Source: foo). Tags: d1 (1.0-1, bookworm),
d2 (1.0-2, bookworm), nocodename (1.0-1, VERSION_ID 99 and no VERSION_CODENAME)."""
import gzip, hashlib, io, json, os, sys, tarfile
out = sys.argv[1]
os.makedirs(out + "/blobs/sha256", exist_ok=True)
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    open(f"{out}/blobs/sha256/{d}", "wb").write(data)
    return "sha256:" + d
manifests = []
BOOKWORM = 'ID=debian\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n'
for tag, version, os_release in [("d1", "1.0-1", BOOKWORM), ("d2", "1.0-2", BOOKWORM),
                                 ("nocodename", "1.0-1", 'ID=debian\nVERSION_ID="99"\n')]:
    files = {"etc/os-release": os_release,
             "var/lib/dpkg/status.d/libfoo1": f"Package: libfoo1\nVersion: {version}\nArchitecture: amd64\nSource: foo\n"
                                              "Maintainer: x <x@example.com>\nDescription: foo\n"}
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name); info.size = len(data); info.mtime = 0
            t.addfile(info, io.BytesIO(data))
    diff_id = "sha256:" + hashlib.sha256(raw.getvalue()).hexdigest()
    layer = gzip.compress(raw.getvalue(), mtime=0)
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [diff_id]},
                         "config": {}}).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(config), "size": len(config)},
                           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": blob(layer), "size": len(layer)}]}).encode()
    manifests.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": blob(manifest), "size": len(manifest),
                      "annotations": {"org.opencontainers.image.ref.name": tag}})
open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
open(out + "/index.json", "w").write(json.dumps({"schemaVersion": 2, "manifests": manifests}))

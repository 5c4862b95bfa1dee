#!/usr/bin/python3
"""Independent checks of what wisp sign / attest / keygen --cosign write, with Debian's
python3-cryptography and python3-nacl (no wisp code): the registry is read over plain HTTP.

  sign_check.py key KEY PUB PASSWORD      decrypt cosign.key (scrypt + secretbox), compare with PUB
  sign_check.py sig REG REPO DIGEST PUB   verify every .sig layer; prints how many verify under PUB
  sign_check.py att REG REPO DIGEST PUB   verify every .att layer (PAE); prints "N TYPE..." per layer
  sign_check.py tamper REG REPO DIGEST    rewrite the first .sig layer's payload (signature kept)
"""
import base64
import hashlib
import json
import sys
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
import nacl.secret

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
DSSE = "application/vnd.dsse.envelope.v1+json"
SIG_ANNOTATION = "dev.cosignproject.cosign/signature"
ZERO_TIME = "0001-01-01T00:00:00Z"


def die(msg):
    print(f"sign_check: {msg}", file=sys.stderr)
    sys.exit(1)


def http(method, url, body=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(req) as resp:
        return resp.read(), resp.headers


def get_manifest(reg, repo, ref):
    body, headers = http("GET", f"http://{reg}/v2/{repo}/manifests/{ref}", headers={"Accept": OCI_MANIFEST})
    if headers.get("Content-Type") != OCI_MANIFEST:
        die(f"{repo}:{ref}: Content-Type {headers.get('Content-Type')}")
    return body


def get_blob(reg, repo, desc):
    body, _ = http("GET", f"http://{reg}/v2/{repo}/blobs/{desc['digest']}")
    if "sha256:" + hashlib.sha256(body).hexdigest() != desc["digest"] or len(body) != desc["size"]:
        die(f"blob {desc['digest']}: wrong bytes")
    return body


def b64(text):
    return base64.b64decode(text, validate=True)


def attachment(reg, repo, digest, suffix):
    """The .sig/.att manifest, checked for cosign's layout; returns (manifest, layer blobs)."""
    tag = digest.replace(":", "-") + suffix
    manifest = json.loads(get_manifest(reg, repo, tag))
    if manifest.get("schemaVersion") != 2 or manifest.get("mediaType") != OCI_MANIFEST:
        die(f"{tag}: not an OCI image manifest: {manifest}")
    if manifest["config"]["mediaType"] != OCI_CONFIG:
        die(f"{tag}: config media type {manifest['config']['mediaType']}")
    config = json.loads(get_blob(reg, repo, manifest["config"]))
    layers = manifest["layers"]
    want_config = {
        "architecture": "", "created": ZERO_TIME, "history": [{"created": ZERO_TIME}] * len(layers),
        "os": "", "rootfs": {"type": "layers", "diff_ids": [l["digest"] for l in layers]}, "config": {},
    }
    if config != want_config:
        die(f"{tag}: config {config}")
    return manifest, [get_blob(reg, repo, l) for l in layers]


def load_pub(path):
    with open(path, "rb") as f:
        key = serialization.load_pem_public_key(f.read())
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        die(f"{path}: not a P-256 public key")
    return key


def verifies(pub, message, signature):
    try:
        pub.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        return True
    except InvalidSignature:
        return False


def check_key(key_path, pub_path, password):
    text = open(key_path).read().strip().splitlines()
    label = text[0]
    if label not in ("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----", "-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----"):
        die(f"{key_path}: PEM label {label}")
    doc = json.loads(b64("".join(text[1:-1])))
    if list(doc) != ["kdf", "cipher", "ciphertext"]:
        die(f"{key_path}: members {list(doc)}")
    kdf, cipher = doc["kdf"], doc["cipher"]
    params = kdf["params"]
    if kdf["name"] != "scrypt" or list(params) != ["N", "r", "p"] or params["r"] != 8 or params["p"] != 1 \
            or params["N"] not in (32768, 65536, 131072) or cipher["name"] != "nacl/secretbox":
        die(f"{key_path}: kdf/cipher {kdf} {cipher}")
    salt, nonce = b64(kdf["salt"]), b64(cipher["nonce"])
    if len(salt) != 32 or len(nonce) != 24:
        die(f"{key_path}: salt/nonce sizes")
    secret = hashlib.scrypt(password.encode(), salt=salt, n=params["N"], r=8, p=1, maxmem=256 << 20, dklen=32)
    # PyNaCl's SecretBox takes the MAC-first layout of crypto_secretbox_easy, as cosign writes it.
    der = nacl.secret.SecretBox(secret).decrypt(b64(doc["ciphertext"]), nonce)
    private = serialization.load_der_private_key(der, password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey) or private.curve.name != "secp256r1":
        die(f"{key_path}: the plaintext is not a P-256 PKCS#8 key")
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if private.public_key().public_bytes(*spki) != load_pub(pub_path).public_bytes(*spki):
        die(f"{key_path}: its public key is not {pub_path}")
    print(f"{label[11:-5]} N={params['N']} {len(der)}-byte PKCS#8")


def check_sig(reg, repo, digest, pub_path):
    pub = load_pub(pub_path)
    manifest, blobs = attachment(reg, repo, digest, ".sig")
    good = 0
    for layer, payload in zip(manifest["layers"], blobs):
        if layer["mediaType"] != SIMPLE_SIGNING:
            die(f"layer media type {layer['mediaType']}")
        if not verifies(pub, payload, b64(layer["annotations"][SIG_ANNOTATION])):
            continue
        doc = json.loads(payload)
        # containers/image's exact members.
        if list(doc) != ["critical", "optional"] or list(doc["critical"]) != ["identity", "image", "type"] \
                or list(doc["critical"]["identity"]) != ["docker-reference"] \
                or list(doc["critical"]["image"]) != ["docker-manifest-digest"] \
                or doc["critical"]["type"] != "cosign container image signature":
            die(f"payload shape: {payload!r}")
        if doc["critical"]["image"]["docker-manifest-digest"] != digest:
            die(f"payload signs {doc['critical']['image']}, not {digest}")
        if doc["critical"]["identity"]["docker-reference"] != f"{reg}/{repo}":
            die(f"docker-reference {doc['critical']['identity']}")
        good += 1
    print(good)


def pae(payload_type, payload):
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def check_att(reg, repo, digest, pub_path):
    pub = load_pub(pub_path)
    manifest, blobs = attachment(reg, repo, digest, ".att")
    for layer, blob in zip(manifest["layers"], blobs):
        ann = layer.get("annotations", {})
        if layer["mediaType"] != DSSE or ann.get(SIG_ANNOTATION) != "":
            die(f"layer {layer}")
        env = json.loads(blob)
        if env["payloadType"] != "application/vnd.in-toto+json" or len(env["signatures"]) != 1:
            die(f"envelope {env['payloadType']} with {len(env['signatures'])} signatures")
        payload = b64(env["payload"])
        ok = verifies(pub, pae(env["payloadType"], payload), b64(env["signatures"][0]["sig"]))
        statement = json.loads(payload)
        if list(statement) != ["_type", "subject", "predicateType", "predicate"] \
                or statement["_type"] != "https://in-toto.io/Statement/v0.1":
            die(f"statement members {list(statement)}")
        if statement["subject"] != [{"name": f"{reg}/{repo}", "digest": {"sha256": digest.split(":")[1]}}]:
            die(f"subject {statement['subject']}")
        if ann.get("predicateType") != statement["predicateType"]:
            die(f"annotation {ann.get('predicateType')} vs statement {statement['predicateType']}")
        print(int(ok), statement["predicateType"], statement["predicate"].get("spdxVersion", "-")
              if isinstance(statement["predicate"], dict) else "string")


def tamper(reg, repo, digest):
    manifest, blobs = attachment(reg, repo, digest, ".sig")
    payload = blobs[0].replace(b'"optional":', b'"optional" :', 1)
    if payload == blobs[0]:
        die("nothing to tamper with")
    base = f"http://{reg}/v2/{repo}"

    def push_blob(data):
        d = "sha256:" + hashlib.sha256(data).hexdigest()
        _, headers = http("POST", f"{base}/blobs/uploads/", b"")
        loc = headers["Location"]
        loc = loc if loc.startswith("http") else f"http://{reg}{loc}"
        http("PUT", f"{loc}{'&' if '?' in loc else '?'}digest={d}", data, {"Content-Type": "application/octet-stream"})
        return d

    layer = manifest["layers"][0]
    layer["digest"], layer["size"] = push_blob(payload), len(payload)
    config = json.loads(get_blob(reg, repo, manifest["config"]))
    config["rootfs"]["diff_ids"][0] = layer["digest"]
    config_bytes = json.dumps(config, separators=(",", ":")).encode()
    manifest["config"]["digest"], manifest["config"]["size"] = push_blob(config_bytes), len(config_bytes)
    http("PUT", f"{base}/manifests/{digest.replace(':', '-')}.sig", json.dumps(manifest).encode(),
         {"Content-Type": OCI_MANIFEST})
    print(layer["digest"])


def main(argv):
    commands = {"key": (check_key, 3), "sig": (check_sig, 4), "att": (check_att, 4), "tamper": (tamper, 3)}
    if len(argv) < 2 or argv[1] not in commands or len(argv) - 2 != commands[argv[1]][1]:
        die(__doc__)
    commands[argv[1]][0](*argv[2:])


if __name__ == "__main__":
    main(sys.argv)

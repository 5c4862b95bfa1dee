#!/usr/bin/python3
"""Validates SBOM files wisp wrote: the official JSON schemas (SPDX 2.3, CycloneDX 1.6) with
Debian's python3-jsonschema, then the checks a schema cannot make.

Usage: sbom_check.py SCHEMA_DIR FILE...   (*.spdx.json or *.cdx.json)
       sbom_check.py --packages FILE      prints "name version" of each apk/deb package, sorted
       sbom_check.py --purls FILE...      prints every purl, one per line
Exit 0 when every file passes; otherwise one line per problem on stderr and exit 1.
"""
import json
import re
import sys

import jsonschema


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def validator(schema_dir, kind):
    if kind == "spdx":
        schema = load(f"{schema_dir}/spdx-2.3.schema.json")
        return jsonschema.Draft7Validator(schema, format_checker=jsonschema.draft7_format_checker)
    schema = load(f"{schema_dir}/cyclonedx-bom-1.6.schema.json")
    store = {}
    for name in ("cyclonedx-spdx.schema.json", "cyclonedx-jsf-0.82.schema.json"):
        s = load(f"{schema_dir}/{name}")
        store[s["$id"]] = s
    resolver = jsonschema.RefResolver.from_schema(schema, store=store)
    return jsonschema.Draft7Validator(schema, resolver=resolver, format_checker=jsonschema.draft7_format_checker)


SPDX_ID = re.compile(r"^SPDXRef-[A-Za-z0-9.-]+$")
LICENSE_REF = re.compile(r"LicenseRef-[A-Za-z0-9.-]+")
CREATED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def spdx_problems(doc):
    ns = doc.get("documentNamespace", "")
    if not re.match(r"^[a-z][a-z0-9+.-]*://", ns):
        yield f"documentNamespace '{ns}' is not an absolute URI"
    if "#" in ns:
        yield "documentNamespace contains '#'"
    if not CREATED.match(doc.get("creationInfo", {}).get("created", "")):
        yield "creationInfo.created is not YYYY-MM-DDThh:mm:ssZ"
    ids = {doc["SPDXID"]}
    for p in doc.get("packages", []):
        pid = p["SPDXID"]
        if not SPDX_ID.match(pid):
            yield f"bad SPDXID {pid}"
        if pid in ids:
            yield f"duplicate SPDXID {pid}"
        ids.add(pid)
        if p.get("filesAnalyzed", True):
            yield f"{pid}: filesAnalyzed is not false"
        if "packageVerificationCode" in p:
            yield f"{pid}: verification code without files"
    defined = {i["licenseId"] for i in doc.get("hasExtractedLicensingInfos", [])}
    for p in doc.get("packages", []):
        for field in ("licenseDeclared", "licenseConcluded"):
            for ref in LICENSE_REF.findall(p.get(field, "")):
                if ref not in defined:
                    yield f"{p['SPDXID']}: {ref} is not in hasExtractedLicensingInfos"
    describes = False
    for r in doc.get("relationships", []):
        a, t, b = r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"]
        if a == "SPDXRef-DOCUMENT" and t == "DESCRIBES":
            describes = True
        for end in (a, b):
            if end not in ids and end not in ("NONE", "NOASSERTION") and not end.startswith("DocumentRef-"):
                yield f"relationship {a} {t} {b}: {end} is not defined"
    if not describes and not doc.get("documentDescribes"):
        yield "nothing is DESCRIBED by the document"


def cdx_problems(bom):
    refs = set()
    meta = bom.get("metadata", {}).get("component")
    components = ([meta] if meta else []) + bom.get("components", [])
    for c in components:
        ref = c.get("bom-ref")
        if ref in refs:
            yield f"duplicate bom-ref {ref}"
        refs.add(ref)
        for lic in c.get("licenses", []):
            if "expression" in lic and len(c["licenses"]) != 1:
                yield f"{ref}: licenses mix an expression with other entries"
    for d in bom.get("dependencies", []):
        for ref in [d["ref"]] + d.get("dependsOn", []):
            if ref not in refs:
                yield f"dependency on undefined bom-ref {ref}"
    if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", bom.get("metadata", {}).get("timestamp", "")):
        yield "metadata.timestamp is not a UTC date-time"


def purls(path):
    doc = load(path)
    if "spdxVersion" in doc:
        for p in doc.get("packages", []):
            for r in p.get("externalRefs", []):
                if r["referenceType"] == "purl":
                    yield r["referenceLocator"]
    else:
        meta = doc.get("metadata", {}).get("component", {})
        for c in [meta] + doc.get("components", []):
            if "purl" in c:
                yield c["purl"]


def main(argv):
    if argv[1] == "--packages":
        doc = load(argv[2])
        rows = set()
        if "spdxVersion" in doc:
            for p in doc["packages"]:
                if any(r["referenceLocator"].startswith(("pkg:apk/", "pkg:deb/")) for r in p.get("externalRefs", [])):
                    rows.add(f"{p['name']} {p['versionInfo']}")
        else:
            for c in doc.get("components", []):
                if c.get("purl", "").startswith(("pkg:apk/", "pkg:deb/")):
                    rows.add(f"{c['name']} {c['version']}")
        print("\n".join(sorted(rows)))
        return 0
    if argv[1] == "--purls":
        for path in argv[2:]:
            for p in purls(path):
                print(p)
        return 0
    schema_dir, files = argv[1], argv[2:]
    validators = {"spdx": validator(schema_dir, "spdx"), "cdx": validator(schema_dir, "cdx")}
    bad = 0
    for path in files:
        kind = "spdx" if path.endswith(".spdx.json") else "cdx"
        doc = load(path)
        problems = [f"schema: {e.message} at /{'/'.join(map(str, e.absolute_path))}"
                    for e in validators[kind].iter_errors(doc)]
        problems += list(spdx_problems(doc) if kind == "spdx" else cdx_problems(doc))
        for p in problems:
            print(f"{path}: {p}", file=sys.stderr)
        bad += bool(problems)
    print(f"sbom_check: {len(files) - bad} of {len(files)} documents valid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

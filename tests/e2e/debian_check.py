#!/usr/bin/env python3
"""Checks for wisp's Debian images, used by debian_images.sh.

  expected PACKAGES CHOSEN --request a,b --exclude x,y
      The packages an image must hold: apt's choice (CHOSEN, one name per line, from
      `apt-get -s install`) minus the excluded ones and minus those reachable only through them.
      Edges go from each chosen package's Depends/Pre-Depends clauses to the chosen packages
      that satisfy an alternative by name or by Provides; versions were apt's business already.
      Prints the names, sorted.
  statusd ROOTFS REPO ARCH
      Checks /var/lib/dpkg/status.d of an unpacked image against the .debs of the local
      repository REPO (its Packages for ARCH): one control stanza per package, without Status,
      with the fields of the .deb's control file, and <pkg>.md5sums equal to the .deb's md5sums
      member when it has one. Prints "name version arch" per package, sorted.
  purls SPDX_JSON
      The pkg:deb purls of an SPDX document as "name version arch" lines, sorted.
Exits 1 with a message on stderr when a check fails.
"""
import json
import os
import re
import subprocess
import sys
import urllib.parse


def die(msg):
    print(f"debian_check: {msg}", file=sys.stderr)
    sys.exit(1)


def stanzas(text):
    """deb822 paragraphs as dicts; continuation lines are kept, joined with newlines."""
    out = []
    for para in re.split(r"\n\s*\n", text.strip()):
        fields, last = {}, None
        for line in para.splitlines():
            if line.startswith((" ", "\t")) and last:
                fields[last] += "\n" + line
            elif ":" in line:
                last, value = line.split(":", 1)
                fields[last] = value.strip()
            elif line.strip():
                die(f"not a control line: {line!r}")
        if fields:
            out.append(fields)
    return out


def names_in(field):
    """Each clause of a relation field as the list of its alternatives' names."""
    clauses = []
    for clause in field.split(","):
        alts = [re.split(r"[\s(:\[]", a.strip(), maxsplit=1)[0] for a in clause.split("|")]
        alts = [a for a in alts if a]
        if alts:
            clauses.append(alts)
    return clauses


def expected(packages_file, chosen_file, request, exclude):
    chosen = [l.split()[0] for l in open(chosen_file) if l.strip()]
    index = {}
    for s in stanzas(open(packages_file).read()):
        index.setdefault(s["Package"], s)
    missing = [c for c in chosen if c not in index]
    if missing:
        die(f"apt chose packages that are not in {packages_file}: {missing}")
    providers = {}  # name or virtual name -> chosen packages that satisfy it
    for c in chosen:
        providers.setdefault(c, set()).add(c)
        for alts in names_in(index[c].get("Provides", "")):
            providers.setdefault(alts[0], set()).add(c)
    excluded = set(exclude)
    seen, todo = set(), [r for r in request if r not in excluded]
    unknown = [r for r in todo if r not in providers]
    if unknown:
        die(f"requested packages apt did not choose: {unknown}")
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        s = index[p]
        for field in ("Pre-Depends", "Depends"):
            for alts in names_in(s.get(field, "")):
                for a in alts:
                    for q in providers.get(a, ()):
                        if q not in excluded and q not in seen:
                            todo.append(q)
    for name in sorted(seen):
        print(name)


def control_of(deb, member):
    r = subprocess.run(["dpkg-deb", "-I", deb, member], capture_output=True)
    return r.stdout.decode() if r.returncode == 0 else None


def statusd(rootfs, repo, arch):
    d = os.path.join(rootfs, "var/lib/dpkg/status.d")
    if not os.path.isdir(d):
        die(f"no /var/lib/dpkg/status.d in {rootfs}")
    packages = os.path.join(repo, f"dists/bookworm/main/binary-{arch}/Packages")
    debs = {}
    for s in stanzas(open(packages).read()):
        debs[(s["Package"], s["Version"])] = os.path.join(repo, s["Filename"])
    for bad in ("var/lib/dpkg/status", "var/lib/dpkg/info"):
        if os.path.lexists(os.path.join(rootfs, bad)):
            die(f"/{bad} exists: distroless images use status.d only")
    files = sorted(os.listdir(d))
    rows = []
    for f in files:
        if f.endswith(".md5sums"):
            if f[: -len(".md5sums")] not in files:
                die(f"status.d/{f} without status.d/{f[:-8]}")
            continue
        text = open(os.path.join(d, f)).read()
        got = stanzas(text)
        if len(got) != 1:
            die(f"status.d/{f} holds {len(got)} stanzas, not 1")
        got = got[0]
        for key in ("Package", "Version", "Architecture"):
            if key not in got:
                die(f"status.d/{f} has no {key}: line")
        if "Status" in got:
            die(f"status.d/{f} has a Status: line (distroless status.d stanzas have none)")
        if got["Package"] != f:
            die(f"status.d/{f} describes {got['Package']}")
        deb = debs.get((got["Package"], got["Version"]))
        if not deb:
            die(f"status.d/{f}: {got['Package']} {got['Version']} is not in the repository for {arch}")
        want = stanzas(control_of(deb, "control"))[0]
        for key, value in want.items():
            if got.get(key) != value:
                die(f"status.d/{f}: {key} is {got.get(key)!r}, the .deb says {value!r}")
        md5 = control_of(deb, "md5sums")
        md5_path = os.path.join(d, f + ".md5sums")
        if md5 is not None:
            if not os.path.isfile(md5_path):
                die(f"no status.d/{f}.md5sums though the .deb has md5sums")
            if open(md5_path).read() != md5:
                die(f"status.d/{f}.md5sums differs from the .deb's md5sums")
        elif os.path.exists(md5_path):
            die(f"status.d/{f}.md5sums exists but the .deb has no md5sums")
        rows.append(f"{got['Package']} {got['Version']} {got['Architecture']}")
    if not rows:
        die("status.d is empty")
    for r in sorted(rows):
        print(r)


def purls(spdx):
    doc = json.load(open(spdx))
    rows = set()
    for p in doc.get("packages", []):
        for ref in p.get("externalRefs", []):
            loc = ref.get("referenceLocator", "")
            if not loc.startswith("pkg:deb/"):
                continue
            m = re.fullmatch(r"pkg:deb/debian/([^@?#]+)@([^?#]+)\?(.*)", loc)
            if not m:
                die(f"malformed Debian purl {loc!r}")
            q = urllib.parse.parse_qs(m.group(3))
            if "arch" not in q:
                die(f"purl without arch: {loc}")
            name, version = urllib.parse.unquote(m.group(1)), urllib.parse.unquote(m.group(2))
            if p.get("name") != name or p.get("versionInfo") != version:
                die(f"purl {loc} disagrees with its package {p.get('name')} {p.get('versionInfo')}")
            rows.add(f"{name} {version} {q['arch'][0]}")
    for r in sorted(rows):
        print(r)


def main(argv):
    if len(argv) >= 3 and argv[0] == "expected":
        args = {"--request": "", "--exclude": ""}
        rest = argv[3:]
        while rest:
            key, value, rest = rest[0], rest[1], rest[2:]
            if key not in args:
                die(f"unknown option {key}")
            args[key] = value
        split = lambda v: [x for x in v.split(",") if x]
        expected(argv[1], argv[2], split(args["--request"]), split(args["--exclude"]))
    elif len(argv) == 4 and argv[0] == "statusd":
        statusd(*argv[1:])
    elif len(argv) == 2 and argv[0] == "purls":
        purls(argv[1])
    else:
        die(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

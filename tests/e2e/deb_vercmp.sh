#!/usr/bin/env bash
# Debian version order, differentially: a large seeded set of version pairs (epochs, long digit
# runs with leading zeros, letters, ~ + . - :, revisions, pairs one character apart, swapped and
# equal pairs) decided by `dpkg --compare-versions` and by `wisp pkg vercmp --deb --batch`, which
# must agree on every pair. Then validity: `--deb --valid` against dpkg's errors and warnings.
# DEB_VERCMP_PAIRS overrides the pair count (default 20000; dpkg costs ~4 ms a call).
source "$(dirname "$0")/lib.sh"
command -v dpkg >/dev/null || fail "dpkg is needed as the oracle"
command -v python3 >/dev/null || fail "python3 is needed to generate the pairs"
pairs=${DEB_VERCMP_PAIRS:-20000}
start=$SECONDS

python3 - "$pairs" >"$WORK/pairs" <<'PY'
import random, sys

rng = random.Random(20261130)
ALNUM = "0123456789abcdefxyzABZ"

def valid(v):
    # dpkg's parseversion without warnings (the rules wisp's version_is_valid implements).
    if not v or any(c in " \t" for c in v):
        return False
    if ":" in v:
        epoch, v = v.split(":", 1)
        if not epoch.isdigit() or not epoch.isascii() or int(epoch) > 2**31 - 1 or not v:
            return False
    up, rev = v.rsplit("-", 1) if "-" in v else (v, None)
    if rev == "" or not up or not up[0].isdigit():
        return False
    ok_up = set("0123456789.+-~:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    ok_rev = ok_up - set("-:")
    return all(c in ok_up for c in up) and all(c in ok_rev for c in (rev or ""))

def digits():
    r = rng.random()
    if r < 0.1:
        n = "".join(rng.choice("0123456789") for _ in range(rng.randint(15, 40)))
    else:
        n = str(rng.randint(0, 120))
    if rng.random() < 0.2:
        n = "0" * rng.randint(1, 3) + n
    return n

def run(seps):
    kind = rng.random()
    if kind < 0.45:
        return digits()
    if kind < 0.7:
        return "".join(rng.choice("abcxyzABZ") for _ in range(rng.randint(1, 3)))
    return rng.choice(seps) * (2 if rng.random() < 0.1 else 1)

def version():
    has_epoch = rng.random() < 0.3
    has_rev = rng.random() < 0.6
    seps = ".+~" + ("-" if has_rev else "") + (":" if has_epoch else "")
    v = digits() + "".join(run(seps) for _ in range(rng.randint(0, 6)))
    if has_rev:
        v += "-" + "".join(run(".+~") for _ in range(rng.randint(1, 4)))
    if has_epoch:
        v = digits()[:3] + ":" + v
    return v

def valid_version():
    while True:
        v = version()
        if valid(v):
            return v

def mutate(v):
    # One character changed, inserted or deleted; near-equal versions hit the subtle rules.
    for _ in range(50):
        i = rng.randrange(len(v) + 1)
        op = rng.random()
        c = rng.choice(ALNUM + ".+~-:~")
        if op < 0.4 and i < len(v):
            w = v[:i] + c + v[i + 1:]
        elif op < 0.8:
            w = v[:i] + c + v[i:]
        else:
            w = v[:i] + v[i + 1:]
        if w != v and valid(w):
            return w
    return v

def same_value(v):
    # A differently spelled equal version: epoch 0 spelled out, revision 0, leading zeros.
    r = rng.random()
    if r < 0.3 and ":" not in v:
        return "0:" + v
    if r < 0.6 and "-" not in v and ":" not in v:
        return v + "-0"
    out = []
    for i, c in enumerate(v):
        if c.isdigit() and (i == 0 or not v[i - 1].isdigit()) and rng.random() < 0.5:
            out.append("0")
        out.append(c)
    w = "".join(out)
    return w if valid(w) else v

n = int(sys.argv[1])
out = []
while len(out) < n:
    a = valid_version()
    r = rng.random()
    if r < 0.35:
        b = valid_version()
    elif r < 0.75:
        b = mutate(a)
    elif r < 0.93:
        b = same_value(a)
    else:
        b = a
    out.append((a, b))
    if len(out) < n and rng.random() < 0.3:
        out.append((b, a))
for a, b in out:
    print(a, b)
PY
[ "$(wc -l <"$WORK/pairs")" = "$pairs" ] || fail "the generator wrote $(wc -l <"$WORK/pairs") pairs, not $pairs"
pass

# The oracle: chunks of pairs through dpkg, two at a time, each chunk's answers in its own file.
mkdir "$WORK/chunks"
split -l 500 -d -a 4 "$WORK/pairs" "$WORK/chunks/c"
oracle='while read -r a b; do
  if dpkg --compare-versions "$a" lt "$b"; then echo "<"
  elif dpkg --compare-versions "$a" eq "$b"; then echo "="
  else echo ">"; fi
done <"$1" >"$1.dpkg" 2>"$1.err"'
ls "$WORK"/chunks/c???? | xargs -P2 -n1 bash -c "$oracle" _ || fail "dpkg failed on a chunk"
cat "$WORK"/chunks/c????.err >"$WORK/dpkg.err"
[ ! -s "$WORK/dpkg.err" ] || fail "dpkg complained about generated versions: $(head -5 "$WORK/dpkg.err")"
cat "$WORK"/chunks/c????.dpkg >"$WORK/dpkg.out"
pass
oracle_seconds=$((SECONDS - start))

expect_exit 0 "$WISP" pkg vercmp --deb --batch <"$WORK/pairs"
printf '%s\n' "$OUT" >"$WORK/wisp.out"
[ "$(wc -l <"$WORK/wisp.out")" = "$pairs" ] || fail "wisp printed $(wc -l <"$WORK/wisp.out") lines for $pairs pairs"
pass
paste -d ' ' "$WORK/pairs" "$WORK/dpkg.out" "$WORK/wisp.out" |
  awk '$3 != $4 { print "  " $1 " " $3 " " $2 " (dpkg), wisp says " $4; bad++ }
       END { exit bad > 0 }' >"$WORK/diff" ||
  fail "wisp and dpkg disagree on $(wc -l <"$WORK/diff") of $pairs pairs; first ones:
$(head -20 "$WORK/diff")"
pass
lt=$(grep -c '<' "$WORK/dpkg.out" || true)
eq=$(grep -c '=' "$WORK/dpkg.out" || true)
gt=$(grep -c '>' "$WORK/dpkg.out" || true)
echo "deb_vercmp: $pairs pairs agree with dpkg ($lt <, $eq =, $gt >; dpkg took ${oracle_seconds}s)"

# Validity: dpkg refuses (exit 2) or warns about these; wisp's --valid must call them invalid,
# and the valid ones valid. (dpkg's strtol epoch also takes "+1:1.0"; wisp refuses that on
# purpose, so it is not in the list.)
cat >"$WORK/validity" <<'EOF'
1.0
0:1.0
1:2:3
1.0-1-2
00:1
2147483647:1
1.0~rc1+dfsg-1~bpo12+1
1A.b-C.d
a1.0
1.0_1
1.0-1_2
1.0-a:b
1.0-
:1.0
1:
-1
1:-1
a:1.0
2147483648:1
99999999999999999999:1
~1
.1
1.0/2
1,0
1.0=
1.0-1+a=b
1.0-!
1:a
1#2
EOF
valid_dpkg=0
while read -r v; do
  if dpkg --compare-versions "$v" eq "$v" 2>"$WORK/v.err" && [ ! -s "$WORK/v.err" ]; then dpkg_ok=1; else dpkg_ok=0; fi
  if "$WISP" pkg vercmp --deb --valid "$v" >/dev/null; then wisp_ok=1; else wisp_ok=0; fi
  [ "$dpkg_ok" = "$wisp_ok" ] || fail "validity of '$v': dpkg says $dpkg_ok, wisp says $wisp_ok"
  valid_dpkg=$((valid_dpkg + dpkg_ok))
  pass
done <"$WORK/validity"
echo "deb_vercmp: validity of $(wc -l <"$WORK/validity") versions agrees with dpkg ($valid_dpkg valid)"
echo "deb_vercmp: ${SECONDS}s in all"
finish

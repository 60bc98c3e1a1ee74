#!/usr/bin/env bash
# What students type: upper-case names, `help CMD`, --shape given more than
# once, and a progress line with cases done/total and the time left.
set -euo pipefail
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Names are matched ignoring case, through the one parser each kind has.
"$rooflab" predict --device h100-sxm5 --op GEMM --m 512 --n 512 --k 512 --precision FP16 \
    --json >"$out/upper.json"
"$rooflab" predict --device h100-sxm5 --op gemm --m 512 --n 512 --k 512 --precision fp16 \
    --json >"$out/lower.json"
cmp "$out/upper.json" "$out/lower.json"

# `rooflab help CMD` is `rooflab CMD --help`, for every command.
for cmd in run bench ceilings report compare merge devices predict fit version; do
    "$rooflab" help "$cmd" >"$out/help" 2>"$out/help.err"
    "$rooflab" "$cmd" --help >"$out/dashhelp" 2>/dev/null
    cmp "$out/help" "$out/dashhelp" || { echo "help $cmd differs from $cmd --help"; exit 1; }
    grep -q "usage: rooflab $cmd" "$out/help" || { echo "help $cmd: no usage"; exit 1; }
done
"$rooflab" help >"$out/help"
grep -q "commands:" "$out/help"
set +e
"$rooflab" help frobnicate >"$out/stdout" 2>"$out/stderr"
code=$?
set -e
[ "$code" -eq 2 ] || { echo "help frobnicate exited $code"; exit 1; }
[ "$(wc -l <"$out/stderr")" -eq 1 ] && grep -q "unknown command 'frobnicate'" "$out/stderr"
[ ! -s "$out/stdout" ]

# Every --shape is measured, in the order given; with stderr not a terminal,
# one plain progress line per case with an estimate after the first.
"$rooflab" run --device cpu --ops gemm --precision fp32 --repetitions 1 --threads 2 \
    --shape m=64,n=32,k=16 --shape m=40,n=24,k=8 --shape m=16,n=16,k=16 \
    --out "$out/run" >"$out/stdout" 2>"$out/stderr"
python3 - "$out/run/results.json" <<'PY'
import json, sys
cases = json.load(open(sys.argv[1]))["cases"]
got = [(c["shape"]["m"], c["shape"]["n"], c["shape"]["k"]) for c in cases]
assert got == [(64, 32, 16), (40, 24, 8), (16, 16, 16)], got
PY
grep -q '^\[1/3\] .* (estimating time left)$' "$out/stderr"
grep -Eq '^\[2/3\] .* \(about [0-9]+(s|m[0-9]{2}s) left\)$' "$out/stderr"
grep -Eq '^\[3/3\] .* \(about [0-9]+(s|m[0-9]{2}s) left\)$' "$out/stderr"
! grep -q $'\r' "$out/stderr"
! grep -q $'\033' "$out/stderr"
echo ok

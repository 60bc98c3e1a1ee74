#!/usr/bin/env bash
# Bad input: one clear line on stderr, a non-zero exit, no half-written file.
set -uo pipefail
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failures=0

expect_error() {
    local pattern=$1
    shift
    "$@" >"$out/stdout" 2>"$out/stderr"
    local code=$?
    local lines
    lines=$(wc -l <"$out/stderr")
    if [ "$code" -eq 0 ] || ! grep -q -- "$pattern" "$out/stderr" || [ "$lines" -ne 1 ]; then
        echo "FAIL: '$*' exited $code, stderr ($lines lines):"
        cat "$out/stderr"
        failures=$((failures + 1))
    fi
}

expect_error "unknown command 'frobnicate'" "$rooflab" frobnicate
expect_error "unknown option '--colour'" "$rooflab" run --colour
expect_error "unknown op 'matmul'" "$rooflab" run --ops matmul --out "$out/x"
expect_error "unknown precision 'fp12'" "$rooflab" run --precision fp12 --out "$out/x"
expect_error "unknown suite" "$rooflab" run --suite huge --out "$out/x"
expect_error "unknown device 'tpu'" "$rooflab" run --device tpu --out "$out/x"
expect_error "\-\-threads: 0 is out of range" "$rooflab" run --threads 0 --out "$out/x"
expect_error "\-\-threads: 'two' is not a whole number" "$rooflab" run --threads two --out "$out/x"
expect_error "\-\-repetitions: -3 is out of range" "$rooflab" run --repetitions -3 --out "$out/x"
expect_error "m must be a positive integer (got 0)" "$rooflab" run --ops gemm --shape m=0,n=4,k=4 --out "$out/x"
expect_error "rows must be a positive integer (got -5)" "$rooflab" run --ops softmax --shape rows=-5,cols=4 --out "$out/x"
expect_error "cols='abc' is not a whole number" "$rooflab" run --ops softmax --shape rows=5,cols=abc --out "$out/x"
expect_error "overflows" "$rooflab" run --ops layernorm --precision fp64 --shape rows=2147483648,cols=2147483648 --out "$out/x"
expect_error "refusing to start" "$rooflab" run --device cpu --ops copy --shape count=4000000000000 --out "$out/x"
expect_error "cannot create output folder" "$rooflab" run --device cpu --suite tiny --out /dev/null/results
expect_error "option --out needs a value" "$rooflab" run --out
expect_error "unexpected argument 'extra'" "$rooflab" version extra

# nothing was written for the refused runs
if [ -e "$out/x" ]; then
    echo "FAIL: a refused run created $out/x"
    failures=$((failures + 1))
fi
# --help works on every subcommand
for cmd in run bench version devices predict fit; do
    if ! "$rooflab" "$cmd" --help >"$out/help" 2>&1 || ! grep -q "usage: rooflab $cmd" "$out/help"; then
        echo "FAIL: rooflab $cmd --help"
        failures=$((failures + 1))
    fi
done
[ "$failures" -eq 0 ] && echo "ok: bad input handled" || exit 1

#!/usr/bin/env bash
# rooflab bench speaks Google Benchmark: --benchmark_filter selects cases,
# --benchmark_format=json gives its JSON, counters carry the model's rates.
set -euo pipefail
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$rooflab" bench --device cpu --suite tiny --threads 2 --benchmark_filter='^(copy|softmax)/' \
    --benchmark_repetitions=2 --benchmark_min_time=0.01 --benchmark_format=json >"$out/gb.json"
python3 - "$out/gb.json" <<'PY'
import json, os, sys
doc = json.load(open(sys.argv[1]))
assert "context" in doc and "benchmarks" in doc
names = {b["run_name"] for b in doc["benchmarks"]}
assert names, "no benchmarks ran"
assert all(n.startswith(("copy/", "softmax/")) for n in names), names
iters = [b for b in doc["benchmarks"] if b["run_type"] == "iteration"]
# ROOFLAB_MAX_REPS (set for emulators) caps the 2 repetitions asked for.
reps = min(2, int(os.environ.get("ROOFLAB_MAX_REPS", "2")))
assert len(iters) == reps * len(names), (len(iters), names)
for b in iters:
    assert "error_occurred" not in b, b
    assert b["byte_per_s"] > 0 and b["real_time"] > 0, b
assert reps < 2 or any(b["run_type"] == "aggregate" and b["aggregate_name"] == "median"
                      for b in doc["benchmarks"])
print(f"ok: {sorted(names)}")
PY
"$rooflab" bench --device cpu --suite tiny --benchmark_list_tests=true | grep -q '^gemm/fp64/'
# the console output has no "Library was built as DEBUG" banner (Debian's
# libbenchmark prints it; rooflab's times are manual, so it does not apply),
# while other lines of its context on stderr still come through
"$rooflab" bench --device cpu --suite tiny --threads 2 --benchmark_filter='^copy/' \
    --benchmark_min_time=0.01 >"$out/console.out" 2>"$out/console.err"
grep -q '^copy/' "$out/console.out"
grep -q '^Run on' "$out/console.err"
if grep -q 'built as DEBUG' "$out/console.out" "$out/console.err"; then
    echo "FAIL: the DEBUG banner is printed"; exit 1
fi

#!/usr/bin/env bash
# End to end: the tiny suite on the CPU writes a valid, complete results.json
# and results.csv with every case validated.
set -euo pipefail
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$rooflab" run --device cpu --suite tiny --repetitions 2 --threads 2 --out "$out/run" >"$out/stdout" 2>"$out/stderr"
grep -q "validation" "$out/stdout"
grep -q "\[1/" "$out/stderr"
python3 - "$out/run/results.json" "$out/run/results.csv" <<'PY'
import csv, json, os, sys
doc = json.load(open(sys.argv[1]))
assert doc["schema"] == "rooflab.results/1", doc["schema"]
assert doc["status"] == "complete", doc["status"]
for key in ("tool", "date", "host", "cpu", "blas", "environment", "cases"):
    assert key in doc, key
assert doc["blas"]["corename"], doc["blas"]
# clocks and power at the first and the last case (fields the device cannot read are left out)
assert set(doc["device_state"]) == {"start", "end"}, doc["device_state"]
ops = {c["op"] for c in doc["cases"]}
want = {"gemm", "layernorm", "softmax", "residual_layernorm", "residual_layernorm_unfused",
        "scale_mask_softmax", "scale_mask_softmax_unfused", "bias_gelu", "bias_gelu_unfused",
        "copy", "triad", "fma"}
assert want <= ops, want - ops
for c in doc["cases"]:
    assert c["status"] == "ok", (c["name"], c.get("message"))
    assert c["validation"]["passed"], c["name"]
    assert c["validation"]["max_rel_err"] <= c["validation"]["tolerance"]
    t = c["time_s"]
    assert 0 < t["p10"] <= t["median"] <= t["p90"], (c["name"], t)
    # ROOFLAB_MAX_REPS (set for emulators) caps the 2 repetitions asked for.
    assert t["repetitions"] >= min(2, int(os.environ.get("ROOFLAB_MAX_REPS", "2")))
    assert abs(c["achieved"]["byte_per_s"] - c["bytes"] / t["median"]) <= 1e-6 * c["achieved"]["byte_per_s"]
    assert c["cache"], c["name"]
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == len(doc["cases"]), (len(rows), len(doc["cases"]))
assert {r["name"] for r in rows} == {c["name"] for c in doc["cases"]}
print(f"ok: {len(rows)} cases")
PY
# no temporary files left behind
! ls "$out/run" | grep -q '\.tmp$'

#!/usr/bin/env bash
# A CPU with no stored ceilings: the run's own copy, moving at least 4x the
# last-level cache, stands in as the DRAM roof, so every case gets a
# prediction, a bound and a share of its roof. A copy that fits in cache
# does not, and stored ceilings win over it.
set -euo pipefail
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export XDG_CACHE_HOME="$out/cache" ROOFLAB_MAX_REPS=2

# In cache: no roof from it. The run also says how much cache rooflab flushes.
"$rooflab" run --device cpu --ops copy --precision fp32 --shape count=4096 \
    --out "$out/small" >"$out/stdout" 2>"$out/stderr"
if grep -q "stands in as the DRAM roof" "$out/stderr"; then
    echo "FAIL: a copy in cache became the DRAM roof"
    exit 1
fi
cache=$(python3 - "$out/small/results.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert not d["ceilings"]["measured"]["memory"], d["ceilings"]["measured"]
print(int(d["device_cache_bytes"]))
PY
)
# A copy whose traffic (8 bytes a float) is at least 4x that cache.
count=$(((4 * cache + 7) / 8 + 1024))
"$rooflab" run --device cpu --ops copy,layernorm --precision fp32 --shape "count=$count" \
    --shape rows=64,cols=1024 --out "$out/run" >"$out/stdout" 2>"$out/stderr"
grep -q "this run's copy/triad stands in as the DRAM roof" "$out/stderr"
python3 - "$out/run/results.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
mem = d["ceilings"]["measured"]["memory"]
assert len(mem) == 1 and mem[0]["level"] == "DRAM", mem
assert mem[0]["source"].startswith("this run's copy/fp32/count="), mem[0]
copy = [c for c in d["cases"] if c["op"] == "copy"][0]
assert abs(mem[0]["byte_per_s"] - copy["achieved"]["byte_per_s"]) < 1e-6 * mem[0]["byte_per_s"]
for c in d["cases"]:
    p = c.get("predicted")
    assert p and p["bound"] == "memory", (c["name"], p)
PY

# Stored ceilings win: a stored DRAM roof is used as it is.
mkdir -p "$out/cache/rooflab/ceilings"
cat >"$out/cache/rooflab/ceilings/roof-test-host-cpu.json" <<'JSON'
{"schema": "rooflab.ceilings/1", "host": "roof-test-host", "device": "cpu",
 "device_description": "stored for the test", "date": "2026-01-01T00:00:00Z",
 "measured": {"memory": [{"level": "DRAM", "byte_per_s": 12345000000,
                          "source": "measured: stored for the test"}], "compute": []}}
JSON
ROOFLAB_HOST=roof-test-host "$rooflab" run --device cpu --ops copy --precision fp32 \
    --shape "count=$count" --out "$out/stored" >"$out/stdout" 2>"$out/stderr"
if grep -q "stands in as the DRAM roof" "$out/stderr"; then
    echo "FAIL: this run's copy replaced the stored DRAM roof"
    exit 1
fi
python3 - "$out/stored/results.json" <<'PY'
import json, sys
mem = json.load(open(sys.argv[1]))["ceilings"]["measured"]["memory"]
assert [(m["level"], m["byte_per_s"]) for m in mem] == [("DRAM", 12345000000)], mem
PY
echo "roof from copy: ok"

#!/usr/bin/env bash
# `rooflab ceilings` compares what it measured with the ceilings it is about
# to replace. Stored figures 100x above this machine: each ceiling is
# measured again and named in one warning line (new figure, stored figure
# and its date), the drop is noted in the stored source, the exit status is
# 0. Nothing stored, or a stored file that cannot be read: no warning.
set -euo pipefail
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Fast: one repetition of one call per case, and a synthetic topology (hwloc
# reads it from HWLOC_SYNTHETIC) whose 1 MB last-level cache ends the
# working-set sweep at 8 MB.
export XDG_CACHE_HOME="$out/cache" ROOFLAB_MAX_REPS=1 ROOFLAB_HOST=drift-test-host
export HWLOC_SYNTHETIC="Package:1 L3:1(size=1MB) L2:2(size=256KB) L1d:1(size=32KB) Core:1 PU:1"
stored="$out/cache/rooflab/ceilings/drift-test-host-cpu.json"

no_warning() { # what: the stderr of a run that compared nothing
    if grep -q "warning\|again" "$out/stderr"; then
        echo "FAIL: $1"
        cat "$out/stderr"
        exit 1
    fi
}

# Nothing stored: measured and stored as ever.
"$rooflab" ceilings --device cpu --threads 2 >"$out/stdout" 2>"$out/stderr"
no_warning "a first run warned"
test -f "$stored"

# Stored figures far above this machine.
python3 - "$stored" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for kind, key in (("memory", "byte_per_s"), ("compute", "flop_per_s")):
    for r in d["measured"][kind]:
        r[key] *= 100
d["date"] = "2026-01-01T00:00:00Z"
json.dump(d, open(sys.argv[1], "w"))
PY
cp "$stored" "$out/seeded.json"
"$rooflab" ceilings --device cpu --threads 2 >"$out/stdout" 2>"$out/stderr"
python3 - "$out/seeded.json" "$stored" "$out/stderr" <<'PY'
import json, re, sys
old, new = (json.load(open(p)) for p in sys.argv[1:3])
warnings = [l for l in open(sys.argv[3]) if "warning" in l]
def ceilings(d):
    out = {}
    for r in d["measured"]["memory"]:
        out[r["level"] + " bandwidth"] = (r["byte_per_s"], "GB/s", r["source"])
    for r in d["measured"]["compute"]:
        out[r["precision"] + " " + r["unit"]] = (r["flop_per_s"], "GFLOP/s", r["source"])
    return out
before, after = ceilings(old), ceilings(new)
assert before and set(before) == set(after), (before, after)
assert len(warnings) == len(before), warnings
for name, (was, unit, _) in before.items():
    mine = [w for w in warnings if w.startswith(f"rooflab ceilings: warning: {name} fell to ")]
    assert len(mine) == 1, (name, warnings)
    w = mine[0]
    now, _, source = after[name]
    # the figure stored is the one the warning names, measured, not the old one
    got = float(re.search(r"fell to ([\d.]+) ", w).group(1)) * 1e9
    assert abs(got - now) <= 0.01e9, (w, now)
    assert 0 < now < 0.7 * was, (name, now, was)
    assert f"the {was / 1e9:.2f} {unit} stored 2026-01-01T00:00:00Z" in w, w
    assert "throttled or shared" in w and "rerun `rooflab ceilings`" in w, w
    assert source.startswith("measured: ") and source.endswith(
        f" the {was / 1e9:.4g} {unit} of 2026-01-01T00:00:00Z"), source
print(f"{len(warnings)} ceilings warned")
PY
grep -q "ceilings below 0.7x the stored, noted in the source" "$out/stdout"
if [ -n "$(find "$out/cache/rooflab/ceilings" -name "*.tmp")" ]; then
    echo "FAIL: a temporary file was left beside the stored ceilings"
    exit 1
fi

# A stored file that cannot be read: said in one line, then a first run.
printf '{"schema": "rooflab.ceilings/1", "measured": {"memory": [' >"$stored"
"$rooflab" ceilings --device cpu --threads 2 >"$out/stdout" 2>"$out/stderr"
no_warning "a run over a malformed file warned"
test "$(grep -c "cannot compare with the stored ceilings" "$out/stderr")" -eq 1
python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["measured"]["compute"]' "$stored"
# `run --ceilings` stores ceilings too, and checks them the same way.
python3 - "$stored" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["measured"]["compute"]:
    r["flop_per_s"] *= 100
json.dump(d, open(sys.argv[1], "w"))
PY
"$rooflab" run --device cpu --suite tiny --ops copy --threads 2 --ceilings \
    --out "$out/run" >"$out/stdout" 2>"$out/stderr"
if ! grep -q "^rooflab ceilings: warning: fp32 simd fell to " "$out/stderr"; then
    echo "FAIL: run --ceilings did not warn of a fallen ceiling"
    cat "$out/stderr"
    exit 1
fi
echo "ceilings drift: ok"

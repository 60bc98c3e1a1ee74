#!/usr/bin/env bash
# ROOFLAB_MAX_REPS caps the measurement (for tests and emulators): each case
# is still validated, then timed ROOFLAB_MAX_REPS repetitions of that many
# calls; the run says the times are not representative and records the
# variable. A value that is not a whole number in [1, 1000] is refused.
set -euo pipefail
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for bad in 0 two 1001 ""; do
    for cmd in "run --suite tiny --out $out/bad" "ceilings --out $out/bad" "bench"; do
        code=0
        # shellcheck disable=SC2086
        ROOFLAB_MAX_REPS=$bad "$rooflab" $cmd >"$out/stdout" 2>"$out/stderr" || code=$?
        if [ "$code" -ne 2 ] || [ "$(wc -l <"$out/stderr")" -ne 1 ] ||
            ! grep -q "ROOFLAB_MAX_REPS" "$out/stderr"; then
            echo "FAIL: ROOFLAB_MAX_REPS='$bad' rooflab $cmd exited $code:"
            cat "$out/stderr"
            exit 1
        fi
    done
done

ROOFLAB_MAX_REPS=2 "$rooflab" run --device cpu --suite tiny --ops softmax,layernorm,gemm \
    --repetitions 5 --threads 2 --out "$out/run" >"$out/stdout" 2>"$out/stderr"
grep -q "ROOFLAB_MAX_REPS=2 caps the measurement" "$out/stderr"
python3 - "$out/run/results.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["status"] == "complete", doc["status"]
assert doc["environment"].get("ROOFLAB_MAX_REPS") == "2", doc["environment"]
assert doc["cases"], "no cases"
for c in doc["cases"]:
    assert c["status"] == "ok", (c["name"], c.get("message"))
    assert c["validation"]["passed"], c["name"]
    # 2 repetitions of 2 calls, though --repetitions asked for 5
    assert c["time_s"]["repetitions"] == 4, (c["name"], c["time_s"])
PY
echo "ok"

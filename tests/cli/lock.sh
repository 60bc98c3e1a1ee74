#!/usr/bin/env bash
# One run at a time per output folder: a second run into the same --out is
# refused in one line naming the first one's pid; --wait-lock waits for it.
set -uo pipefail
rooflab=$1
out=$(mktemp -d)
trap 'kill "${holder:-}" "${first:-}" 2>/dev/null; rm -rf "$out"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
tiny=(--device cpu --suite tiny --ops copy --repetitions 2 --threads 2)

# Two real runs: the second starts while the first holds the folder.
"$rooflab" run --device cpu --suite tiny --ops copy,triad,fma --repetitions 20 --threads 2 \
    --out "$out/both" >/dev/null 2>"$out/first.err" &
first=$!
for _ in $(seq 1 600); do
    [ -s "$out/both/.rooflab.lock" ] && break
    sleep 0.05
done
"$rooflab" run "${tiny[@]}" --out "$out/both" >/dev/null 2>"$out/second.err"
code=$?
if [ "$code" -ne 2 ] || [ "$(wc -l <"$out/second.err")" -ne 1 ] ||
    ! grep -q "in use by another rooflab run (pid $first)" "$out/second.err"; then
    fail "second run into a busy folder: exit $code"; cat "$out/second.err"
fi
wait "$first" || fail "the first run failed: $(cat "$out/first.err")"
python3 - "$out/both/results.json" <<'PY' || fail "the first run's results are not complete"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["status"] == "complete" and len(doc["cases"]) == 3, doc["status"]
PY

# --wait-lock: waits for the holder (here flock(1) for 2 s), then runs.
mkdir -p "$out/wait"
flock "$out/wait/.rooflab.lock" sh -c ': >"$1"; sleep 2' sh "$out/held" &
holder=$!
while [ ! -e "$out/held" ]; do sleep 0.02; done
start=$(date +%s.%N)
"$rooflab" run "${tiny[@]}" --wait-lock --out "$out/wait" >/dev/null 2>"$out/wait.err"
code=$?
waited=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]) >= 1.5)" \
    "$start" "$(date +%s.%N)")
if [ "$code" -ne 0 ] || ! grep -q "waiting for the run" "$out/wait.err" || [ "$waited" != True ]; then
    fail "--wait-lock: exit $code, waited long enough: $waited"; cat "$out/wait.err"
fi
[ -s "$out/wait/results.json" ] || fail "--wait-lock wrote no results"

# The lock is released when a run ends, even a refused or failed one.
"$rooflab" run "${tiny[@]}" --out "$out/wait" >/dev/null 2>&1 || fail "a run after --wait-lock"
[ "$failures" -eq 0 ] && echo "ok: one run per output folder" || exit 1

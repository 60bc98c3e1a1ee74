#!/usr/bin/env bash
# SIGINT keeps what was finished: results.json says "partial" and holds the
# cases completed before the interrupt.
set -uo pipefail
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$rooflab" run --device cpu --suite tiny --repetitions 400 --threads 2 --out "$out/run" >"$out/stdout" 2>"$out/stderr" &
pid=$!
# wait until at least one case has been written
for _ in $(seq 1 200); do
    if python3 -c "import json,sys; d=json.load(open('$out/run/results.json')); sys.exit(0 if d['cases'] else 1)" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
kill -INT "$pid"
wait "$pid"
code=$?
if [ "$code" -ne 130 ]; then
    echo "FAIL: exit code $code after SIGINT (want 130)"; cat "$out/stderr"; exit 1
fi
python3 - "$out/run/results.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["status"] == "partial", doc["status"]
assert len(doc["cases"]) >= 1
assert all(c["status"] == "ok" for c in doc["cases"])
print(f"ok: partial with {len(doc['cases'])} cases")
PY

#!/usr/bin/env bash
# SIGINT keeps what was finished: results.json says "partial" and holds the
# cases completed before the interrupt.
set -uo pipefail
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Enough repetitions that the run is still going when the signal comes.
"$rooflab" run --device cpu --suite tiny --repetitions 30 --threads 2 --out "$out/run" >"$out/stdout" 2>"$out/stderr" &
pid=$!
# wait until at least one case has been written (results.json is replaced
# atomically, so a grep never sees half a file)
for _ in $(seq 1 1200); do
    grep -q '"op"' "$out/run/results.json" 2>/dev/null && break
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

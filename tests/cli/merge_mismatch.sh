#!/usr/bin/env bash
# rooflab merge of runs that are not one set (different suites, different
# rooflab versions): merged case by case, and the mismatch named per run.
set -eu
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ref="$ROOFLAB_SOURCE_DIR/results/reference/cpu-epyc-zen4-2t"
python3 - "$ref/quick/results.json" "$out/older.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["tool"]["version"] = "0.0.9"
json.dump(d, open(sys.argv[2], "w"))
PY
"$rooflab" merge "$ref/quick/results.json" "$ref/llm-llama-3.2-1b/results.json" \
    "$out/older.json" --out "$out/m" >"$out/table.txt"
grep -q "Not one set: the runs are of 2 different suites: quick (vm, vm#3); llm (vm#2)." \
    "$out/table.txt" || { cat "$out/table.txt"; echo "merge_mismatch: suites not named" >&2; exit 1; }
grep -q "Not one set: the runs are of 2 different rooflab versions: [0-9.]* (vm, vm#2); 0.0.9 (vm#3)." \
    "$out/table.txt" || { cat "$out/table.txt"; echo "merge_mismatch: versions not named" >&2; exit 1; }
test -s "$out/m/merge.json"
# One set: no such line.
"$rooflab" merge "$ref/quick/results.json" "$ref/quick/results.json" --out "$out/same" \
    >"$out/same.txt"
if grep -q "Not one set" "$out/same.txt"; then
    echo "merge_mismatch: a mismatch named for one set" >&2
    exit 1
fi
echo "merge_mismatch: ok"

#!/usr/bin/env bash
# Device choice without a usable GPU: --device auto says in one line why the
# GPU is not used and runs on the CPU; --device cuda:0 is refused in one line
# (no fallback the user did not ask for). With a GPU present the fallback
# cannot be shown, and the test says so.
set -euo pipefail
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
tiny=(--suite tiny --ops copy --precision fp32 --repetitions 2 --threads 1)

if ! "$rooflab" version | grep -q "CUDA backend: built in"; then
    if "$rooflab" run --device cuda:0 "${tiny[@]}" --out "$out/x" 2>"$out/stderr" >/dev/null; then
        echo "FAIL: --device cuda:0 ran in a build without CUDA"
        exit 1
    fi
    grep -q "built without CUDA" "$out/stderr"
    [ "$(wc -l <"$out/stderr")" -eq 1 ]
    echo "ok: CUDA not built in; --device cuda:0 refused in one line"
    exit 0
fi

if "$rooflab" run --device cuda:0 "${tiny[@]}" --out "$out/gpu" >/dev/null 2>"$out/stderr"; then
    echo "SKIPPED: a usable GPU is present, so the CPU fallback cannot be shown here"
    exit 0
fi
# Explicit cuda:0: one line naming the CUDA side, no claim of a fallback.
[ "$(wc -l <"$out/stderr")" -eq 1 ] || { cat "$out/stderr"; exit 1; }
grep -q "cuda: " "$out/stderr"
! grep -q "falling back" "$out/stderr"
[ ! -e "$out/gpu/results.json" ]
echo "--device cuda:0: $(cat "$out/stderr")"

# auto: the same reason plus the fallback, then a complete CPU run.
"$rooflab" run --device auto "${tiny[@]}" --out "$out/auto" >/dev/null 2>"$out/stderr"
grep -q "^rooflab: cuda: .*; falling back to the CPU$" "$out/stderr" || { cat "$out/stderr"; exit 1; }
python3 - "$out/auto/results.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["status"] == "complete", doc["status"]
assert doc["device"] == "cpu", doc["device"]
assert all(c["status"] == "ok" for c in doc["cases"])
PY
echo "--device auto: $(grep "falling back" "$out/stderr")"

#!/usr/bin/env bash
# Draws docs/merge-strip-chart.png: `rooflab merge` of eight synthetic GPUs of
# one node (tests/cli/synthetic_results.py; the numbers are made up), one of
# them 20 % slow and one 8 % slow, rendered with headless Chromium.
#   scripts/docs/merge_strip_chart.sh [build/rooflab]
set -euo pipefail
rooflab=${1:-build/rooflab}
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for gpu in 0 1 2 3 4 5 6 7; do
    scale=1.0
    [ "$gpu" = 5 ] && scale=1.25  # 0.8x the median: a straggler
    [ "$gpu" = 2 ] && scale=1.087 # 0.92x: slower, inside the threshold
    python3 "$here/tests/cli/synthetic_results.py" "$work/g$gpu.json" --host node17 \
        --scale "$scale" --seed 7
    # one node, eight devices; a little per-device noise so the dots spread
    python3 - "$work/g$gpu.json" "$gpu" <<'PY'
import json, random, sys
path, gpu = sys.argv[1], int(sys.argv[2])
r = json.load(open(path))
r["device"] = f"cuda:{gpu}"
rng = random.Random(gpu)
keep = [c for c in r["cases"] if c.get("status") == "ok"][:14]
for c in keep:
    f = 1 + rng.uniform(-0.03, 0.03)
    for k in ("median", "min", "max", "p10", "p90"):
        if k in c["time_s"]:
            c["time_s"][k] *= f
    for k in ("flop_per_s", "byte_per_s"):
        if c["achieved"].get(k):
            c["achieved"][k] /= f
r["cases"] = keep
json.dump(r, open(path, "w"), indent=1)
PY
done
"$rooflab" merge "$work"/g*.json --out "$work/merged" >/dev/null
height=$(sed -n 's/.*<svg[^>]* height="\([0-9]*\)".*/\1/p' "$work/merged/spread.svg" | head -1)
chromium --headless --no-sandbox --hide-scrollbars --screenshot="$here/docs/merge-strip-chart.png" \
    --window-size=960,"$height" "$work/merged/spread.svg" 2>/dev/null
echo "wrote docs/merge-strip-chart.png (960x$height)"

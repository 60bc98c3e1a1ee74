#!/usr/bin/env bash
# The interactive roofline of report.html in a real browser, held equal to
# `rooflab predict --json` over many cases (tests/cli/interactive_check.py),
# then the same check on a copy whose script has one formula perturbed, which
# must fail; and the page fetches nothing. Without Chromium the test is
# skipped, except in CI (CI=true), where its absence fails.
set -euo pipefail
rooflab=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/find_browser.sh
. "$here/lib/find_browser.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

python3 "$here/synthetic_results.py" "$out/results.json" >/dev/null
"$rooflab" report "$out/results.json" >/dev/null
page=$out/report.html

# Nothing is fetched: no src/href/url() to another origin, no fetch or XHR.
if grep -Eio '(src|href|action)[[:space:]]*=[[:space:]]*["'"'"']?(https?:)?//[^"'"'"' >]*|url\([[:space:]]*["'"'"']?(https?:)?//|fetch\(|XMLHttpRequest|import\(|<link[^>]*>' "$page"; then
    echo "FAILED: report.html refers to the network (above)"
    exit 1
fi

# The check can fail: the same page with GEMM's FLOP count off by one part in
# 1e6 (2.000002 m n k), and one with LayerNorm counted at 9 FLOP an element.
sed 's/return 2\.0 \* s\.m \* s\.n \* s\.k;/return 2.000002 * s.m * s.n * s.k;/' "$page" >"$out/gemm-off.html"
sed 's/LAYERNORM_FLOP_PER_ELEM = 8,/LAYERNORM_FLOP_PER_ELEM = 9,/' "$page" >"$out/ln-off.html"
for broken in gemm-off ln-off; do
    if cmp -s "$page" "$out/$broken.html"; then
        echo "FAILED: $broken: the formula to perturb is not in the page's script"
        exit 1
    fi
done
python3 "$here/interactive_check.py" "$rooflab" "$browser" "$out" "$out/results.json" "$page" \
    "$out/gemm-off.html" "$out/ln-off.html"

# A page of predictions (predict --out) carries the panel too, opened on its
# first case, with no measured points.
"$rooflab" predict --device orin-nx-16gb@MAXN,h100-sxm5 --op gemm --sweep 256..1024 \
    --precision fp16 --out "$out/pred" >/dev/null 2>&1
"$rooflab" predict --device orin-nx-16gb --power-mode MAXN --op gemm --m 256 --n 256 --k 256 \
    --precision fp16 --json >"$out/first.json"
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$out/profile" --virtual-time-budget=5000 --dump-dom \
    "file://$out/pred/report.html" >"$out/pred.dom" 2>/dev/null
python3 - "$out/pred.dom" "$out/first.json" <<'PY'
import json, re, sys
dom, want = open(sys.argv[1]).read(), json.load(open(sys.argv[2]))
m = re.search(r'<div class="lab-verdict" id="lab-verdict"([^>]*)>', dom)
assert m, "no verdict in predict's report.html"
attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', m.group(1)))
assert attrs["state"] == "shown", attrs
assert attrs["bound"] == want["bound"] and attrs["binding"] == want["binding_roof"], (attrs, want)
for k, j in (("time", "predicted_time_s"), ("attainable", "attainable_flop_per_s"), ("mfu", "mfu")):
    assert abs(float(attrs[k]) - want[j]) <= 1e-9 * want[j], (k, attrs[k], want[j])
assert 'id="lab-device"' in dom and 'class="lab-measured"' not in dom
assert re.search(r'<option value="orin-nx-16gb" selected', dom) or \
    'Orin NX 16GB, power mode MAXN' in dom, "the panel does not open on the first case's device"
print("ok: predict --out's report.html opens the panel on its first case, as predict --json")
PY

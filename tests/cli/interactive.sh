#!/usr/bin/env bash
# The interactive roofline of report.html in a real browser, held equal to
# `rooflab predict --json` over many cases (tests/cli/interactive_check.py),
# then the same check on a copy whose script has one formula perturbed, which
# must fail; and the page fetches nothing. Without Chromium the test is
# skipped, except in CI (CI=true), where its absence fails.
set -euo pipefail
rooflab=$1
here=$(cd "$(dirname "$0")" && pwd)
browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "FAILED: chromium not installed (CI must install it: make deps-test)"
        exit 1
    fi
    echo "SKIPPED: chromium not installed"
    exit 0
fi
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

#!/usr/bin/env bash
# Fused kernels beside their unfused chains, and the flags on numbers that
# cannot be trusted as they stand: a synthetic results file holds a pair whose
# chain is faster (gain 0.66 against 1.67 predicted), a pair at 0.6 of its
# prediction (not flagged), a noisy case, a point above its measured roof and
# compute roofs from an estimated clock; `rooflab report` must say each. A
# real run writes the same pairs into results.json.
set -euo pipefail
rooflab=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

python3 "$here/synthetic_results.py" "$out/s.json" --scenario flags >/dev/null
"$rooflab" report "$out/s.json" --out "$out/rep" >"$out/report.log"
python3 - "$out/s.json" "$out/rep/report.html" "$out/report.log" <<'PY'
import html as H, json, re, sys
doc = json.load(open(sys.argv[1]))
page = open(sys.argv[2], encoding="utf-8").read()
log = open(sys.argv[3]).read()
cases = {c["name"]: c for c in doc["cases"]}

# every fused/unfused pair present is paired, at every shape, from the cases
pairs = [(c, cases[c["name"].replace("_unfused/", "/")]) for c in doc["cases"]
         if "_unfused/" in c["name"] and c["status"] == "ok"]
assert len(pairs) == 9, len(pairs)
table = page[page.index('id="fusion"'):]
table = table[:table.index("</table>")]
rows = re.findall(r"<tr class=\"(ok|fail)\">(.*?)</tr>", table, re.S)
assert len(rows) == len(pairs), (len(rows), len(pairs))
for u, f in pairs:
    gain = u["time_s"]["median"] / f["time_s"]["median"]
    pred = u["predicted"]["time_s"] / f["predicted"]["time_s"]
    shape = ",".join(f"{k}={v}" for k, v in f["shape"].items())
    row = next(r for r in rows if f">{f['op']} vs {u['op']}<" in r[1] and f">{shape}<" in r[1])
    assert f"{gain:.2f}\u00d7" in row[1], (f["name"], gain, row[1])
    assert f"{pred:.2f}\u00d7" in row[1], (f["name"], pred)
    flagged = gain < 1 or gain / pred < 0.5
    assert (row[0] == "fail") == flagged, (f["name"], gain, pred, row[0])
    line = next(l for l in log.splitlines() if l.split()[:1] == [f["op"]] and shape in l)
    assert line.endswith("FLAG") == flagged, line

# the planted pair: the chain 0.66x the fused kernel where 1.67x is predicted
row = next(r for r in rows if "residual_layernorm vs" in r[1] and ">rows=16384,cols=4096<" in r[1])
assert row[0] == "fail" and "0.66\u00d7" in row[1] and "1.67\u00d7" in row[1], row
assert "the unfused chain is faster" in row[1] and "likely cause:" in row[1], row
# 1.2x of 2x predicted is 0.6 of the prediction: shown, not flagged
row = next(r for r in rows if "bias_gelu vs" in r[1] and ">rows=16384,cols=4096<" in r[1])
assert row[0] == "ok" and "1.20\u00d7" in row[1], row
# the causes named: none known for the large pair; the cache for the small one
row = next(r for r in rows if "residual_layernorm vs" in r[1] and ">rows=16384,cols=4096<" in r[1])
assert "no cause in the recorded facts" in row[1], row
row = next(r for r in rows if "scale_mask_softmax vs" in r[1] and ">rows=512,cols=768<" in r[1])
assert row[0] == "fail" and "0.90×" in row[1], row
assert "intermediate (1.57 MB) fits in the 32.0 MB last-level cache" in row[1], row
assert "noise" not in row[1], row
print("ok: fusion table")

# flags: exactly the cases the rules name, each with its reason, in the log and the page
measured = doc["ceilings"]["measured"]
def top_compute(prec):
    v = [r["flop_per_s"] for r in measured["compute"] if r["precision"] == prec]
    return max(v) if v else None
dram = min(r["byte_per_s"] for r in measured["memory"])
body = page[page.index('id="cases"'):]
body = body[:body.index("</table>")]
case_rows = {H.unescape(re.search(r'</span>(.*?)<', r).group(1)): r
             for r in re.findall(r"<tr class=\"(?:ok|fail|skip)\">(.*?)</tr>", body, re.S)}
stale = noisy = 0
for c in doc["cases"]:
    if c["status"] != "ok":
        continue
    row = case_rows[c["name"]]
    top = top_compute(c["precision"])
    above = (c["flops"] > 0 and top and c["achieved"]["flop_per_s"] > 1.02 * top) or \
            (c["cache"].startswith("not flushed: working set") and
             c["achieved"]["byte_per_s"] > 1.02 * dram)
    assert ("ceilings are stale: re-run `rooflab ceilings`" in row) == bool(above), c["name"]
    assert ("noisy: CV" in row) == (c["time_s"]["cv"] > 0.10), c["name"]
    stale += bool(above)
    noisy += c["time_s"]["cv"] > 0.10
    # never an MFU over 100 % without its reason beside it
    cells = re.findall(r'<td class="n[^"]*" data-v="([^"]*)">([^<]*)</td>', row)
    mfu_cell = cells[-2]
    if mfu_cell[0] and float(mfu_cell[0]) > 100:
        assert "see note" in mfu_cell[1] and "MFU" in row and "&gt; 100 %" in row, row
assert noisy == 1 and stale >= 1, (noisy, stale)
assert "noisy: CV 0.95" in log and "gemm/fp32/m=128,n=128,k=128" in log
# the planted point above its measured roof: 1.05 TFLOP/s over the 0.97 measured
row = case_rows["fma/fp32/count=65536,iters=256"]
assert "above the measured fp32 simd roof" in row and "MFU 108.2 % &gt; 100 %" in row, row
# estimated roofs: MFU against the measured FMA peak, labelled; 0.9 / 0.97 = 92.8 %
assert "MFU is taken against the measured FMA peak" in page and "Note: MFU is taken" in log
row = case_rows["gemm/fp32/m=2048,n=2048,k=2048"]
assert "92.8 % (vs measured)" in row and "would give 111.6 %" in row, row
svg = open(sys.argv[2].replace("report.html", "roofline.svg"), encoding="utf-8").read()
for title in re.findall(r"<title>(.*?)</title>", svg, re.S):
    m = re.search(r"MFU predicted [0-9.]+ %, measured ([0-9.]+) %", title)
    if m and float(m.group(1)) > 100:
        assert "&gt; 100 %: " in title, title
assert "measured 108.2 % (against the measured FMA peak)" in svg
print(f"ok: flags ({noisy} noisy, {stale} above a measured roof)")

# notes: the GEMM names the core type and the variable that forced it; no
# fused kernel is told to fuse; a chain cites its fused twin's measured gain
row = case_rows["gemm/fp64/m=128,n=128,k=128"]
assert "OpenBLAS core Haswell in force (set by OPENBLAS_CORETYPE=Haswell)" in row, row
chains = 0
for c in doc["cases"]:
    if c["status"] != "ok":
        continue
    row = case_rows[c["name"]]
    if c["op"] in ("residual_layernorm", "scale_mask_softmax", "bias_gelu"):
        assert "fuse " not in row, row
    if c["op"].endswith("_unfused") and "why: unfused chain" in row:
        assert "its fused twin" in row and "faster here" in row, row
        chains += 1
assert chains >= 1, chains
assert "Why (cases below half their prediction):" in log
print("ok: notes")
PY

# a real run: results.json's "fusion" agrees with its own cases
if ROOFLAB_MAX_REPS=2 "$rooflab" run --device cpu --suite tiny --threads 2 \
        --ops residual_layernorm,residual_layernorm_unfused,bias_gelu,bias_gelu_unfused \
        --out "$out/run" >"$out/run.log" 2>&1; then
    grep -q "^Fusion" "$out/run.log"
    python3 - "$out/run/results.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
cases = {c["name"]: c for c in doc["cases"]}
fusion = doc["fusion"]
assert len(fusion) == sum(1 for c in doc["cases"] if "_unfused/" in c["name"]), fusion
for p in fusion:
    f, u = cases[p["fused"]], cases[p["unfused"]]
    assert f["shape"] == u["shape"] and f["precision"] == u["precision"] == p["precision"]
    assert p["fused_median_s"] == f["time_s"]["median"]
    assert abs(p["measured_gain"] - u["time_s"]["median"] / f["time_s"]["median"]) < 1e-9
    assert abs(p["byte_ratio"] - u["bytes"] / f["bytes"]) < 1e-9
    assert p["flagged"] == (p["measured_gain"] < 1 or
                            (p["measured_over_predicted"] or 1) < 0.5)
    assert not p["flagged"] or p["likely_cause"], p
assert doc["launch_overhead"]["time_s"] > 0, doc.get("launch_overhead")
load = doc["load_average"]
assert len(load["start"]) == len(load["end"]) == 3 and min(load["start"] + load["end"]) >= 0
for c in doc["cases"]:
    s = c["sampling"]
    # ROOFLAB_MAX_REPS=2: at most 2 repetitions of 2 calls
    assert s["stop_reason"] in ("max repetitions", "noise target"), s
    assert s["repetitions"] == 2 and c["time_s"]["repetitions"] == 4, (s, c["time_s"])
print(f"ok: {len(fusion)} pairs in results.json")
PY
    grep -q "^Load average (1, 5, 15 min): " "$out/run.log"
else
    echo "note: rooflab run failed here:"; tail -3 "$out/run.log"; exit 1
fi

# the stopping rule in a real run: a loose target stops on noise, an
# unreachable one on the time limit, and each case says which
"$rooflab" run --device cpu --suite tiny --ops copy --threads 2 --max-noise 50 --timeout 30 \
    --out "$out/loose" >"$out/loose.log" 2>&1
"$rooflab" run --device cpu --suite tiny --ops copy --threads 2 --max-noise 0.0001 \
    --timeout 0.2 --out "$out/tight" >"$out/tight.log" 2>&1
python3 - "$out/loose/results.json" "$out/tight/results.json" <<'PY'
import json, sys
loose, tight = (json.load(open(p)) for p in sys.argv[1:3])
for c in loose["cases"]:
    s = c["sampling"]
    assert s["stop_reason"] == "noise target" and s["noise"] <= 0.5, s
    assert s["repetitions"] == 5 and s["noise_target"] == 0.5, s  # the minimum: --repetitions 5
for c in tight["cases"]:
    s = c["sampling"]
    assert s["stop_reason"] in ("timeout", "max repetitions"), s
    assert s["stop_reason"] == "max repetitions" or s["noise"] > 1e-6, s
    assert s["repetitions"] >= 5, s
print("ok: stopping rule in a run")
PY
for bad in "--max-noise -1" "--max-noise x" "--timeout nan" "--min-samples 0"; do
    code=0
    # shellcheck disable=SC2086
    "$rooflab" run --device cpu --suite tiny $bad --out "$out/bad" >/dev/null 2>"$out/err" || code=$?
    [ "$code" -eq 2 ] && [ "$(wc -l <"$out/err")" -eq 1 ] || { echo "FAIL: $bad -> $code"; cat "$out/err"; exit 1; }
done

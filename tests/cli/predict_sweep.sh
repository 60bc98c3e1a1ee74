#!/usr/bin/env bash
# rooflab predict with several devices, precisions and shapes: the Act I
# command of the roofline lab, its table, JSON and --out files.
set -eu
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

act1=(predict --device h100-sxm5,orin-nx-16gb,orin-nx-16gb@MAXN --op gemm --precision fp16,fp8
      --sweep 128..8192)
"$rooflab" "${act1[@]}" >"$out/table.txt" 2>"$out/table.err"
"$rooflab" "${act1[@]}" --json >"$out/act1.json" 2>/dev/null
"$rooflab" "${act1[@]}" --out "$out/lab" >/dev/null 2>"$out/out.err"

# Orin NX (sm_87) has no fp8 tensor cores: those two series are refused, by
# name, on stderr and in the table, and the rest is predicted.
[ "$(grep -c 'not predicted: orin-nx-16gb@.* gemm fp8' "$out/table.err")" = 2 ] ||
    { cat "$out/table.err"; exit 1; }
grep -q "Not predicted (14 cases" "$out/table.txt" || { cat "$out/table.txt"; exit 1; }
grep -q "h100-sxm5 gemm fp16 (ridge 295.3 FLOP/B): memory-bound 128^3 256^3 512^3; compute-bound 1024^3" \
    "$out/table.txt" || { cat "$out/table.txt"; exit 1; }

python3 - "$out/act1.json" "$out/lab" <<'PY'
import json, os, re, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "rooflab.predictions/1"
labels = [x["label"] for x in d["devices"]]
assert labels == ["h100-sxm5", "orin-nx-16gb@15W", "orin-nx-16gb@MAXN"], labels
preds = d["predictions"]
assert len(preds) == 3 * 7 + 7, len(preds)   # H100 at fp16 and fp8, Orin at fp16 only
assert len(d["refused"]) == 2 and all(r["precision"] == "fp8" for r in d["refused"])
sizes = [128 << i for i in range(7)]
for p in preds:
    n = int(re.match(r"m=(\d+),n=\1,k=\1$", p["shape"]).group(1))
    assert n in sizes
    e = {"fp16": 2, "fp8": 1}[p["precision"]]
    # square GEMM: 2 n^3 FLOPs over 3 n^2 elements (fp8 writes fp16 results)
    out_e = 2 if p["precision"] == "fp8" else e
    assert p["flops"] == 2 * n**3
    assert p["bytes"] == 2 * n * n * e + n * n * out_e, (p["bytes"], n)
    bound = "memory" if p["intensity"] < p["ridge"] else "compute"
    assert p["bound"] == bound, p
    assert abs(p["ridge"] - p["peak_flop_per_s"] / p["byte_per_s"]) < 1e-9 * p["ridge"]
# MAXN raises the GPU clock and SMs: its fp16 ridge is above the default mode's
r15 = {p["ridge"] for p in preds if p.get("power_mode") == "15W"}
rmx = {p["ridge"] for p in preds if p.get("power_mode") == "MAXN"}
assert len(r15) == 1 and len(rmx) == 1 and rmx.pop() > r15.pop()

lab = sys.argv[2]
assert sorted(os.listdir(lab)) == ["predictions.json", "report.html", "roofline.svg"], os.listdir(lab)
assert json.load(open(os.path.join(lab, "predictions.json"))) == d
svg = open(os.path.join(lab, "roofline.svg")).read()
assert svg.count('class="m"') == len(preds), svg.count('class="m"')
assert svg.count('<g class="case"') == len(preds)
for dev in labels:
    assert "(%s)" % dev in svg or dev in svg, dev
assert svg.count('class="ridge"') >= 4
assert 'class="region memory-bound"' in svg and 'class="region compute-bound"' in svg
# every point tells its device, precision and shape on hover
for m in re.finditer(r'<g class="case" data-name="([^"]*)"><title>([^<]*)</title>', svg):
    assert re.search(r"(h100-sxm5|orin-nx-16gb@\w+) gemm fp(16|8) \d+", m.group(1)), m.group(1)
    assert "intensity" in m.group(2) and "ridge" in m.group(2)
html = open(os.path.join(lab, "report.html")).read()
assert html.count("<tr") >= len(preds) + 1
assert "<svg" in html and "Not predicted" in html
PY

# --shape repeats, in the order given; a row op's sweep doubles its row length
"$rooflab" predict --device h100-sxm5 --op gemm --precision fp16 --shape m=64,n=64,k=64 \
    --shape m=4096,n=128,k=512 --json >"$out/shapes.json"
"$rooflab" predict --device h100-sxm5 --op layernorm --precision fp16 --rows 1024 \
    --sweep 256..2048 --json >"$out/rows.json"
python3 - "$out/shapes.json" "$out/rows.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["predictions"]
assert [p["shape"] for p in s] == ["m=64,n=64,k=64", "m=4096,n=128,k=512"], s
r = json.load(open(sys.argv[2]))["predictions"]
assert [p["shape"] for p in r] == ["rows=1024,cols=%d" % c for c in (256, 512, 1024, 2048)], r
PY

# --hypothetical predicts what no backend runs (LayerNorm over int8), marked
"$rooflab" predict --device orin-nx-16gb --op layernorm --precision fp16,int8 --rows 1024 \
    --sweep 1024..2048 --hypothetical >"$out/hyp.txt" 2>"$out/hyp.err"
[ ! -s "$out/hyp.err" ] || { cat "$out/hyp.err"; exit 1; }
[ "$(grep -c HYPOTHETICAL "$out/hyp.txt")" = 2 ] || { cat "$out/hyp.txt"; exit 1; }
echo "predict sweep: ok"

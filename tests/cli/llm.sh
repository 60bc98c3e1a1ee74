#!/usr/bin/env bash
# The llm suite: one layer of a small model measured and added up; a model
# that cannot fit is refused before anything runs, in one line.
set -euo pipefail
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$rooflab" run --device cpu --suite llm --model tinyllama-1.1b --batch 1 --seq 32 --repetitions 2 \
    --out "$out/run" >"$out/stdout" 2>"$out/stderr"
grep -q "One transformer layer of tinyllama-1.1b" "$out/stdout"
grep -q "tokens/s measured" "$out/stdout"
python3 - "$out/run/results.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
llm = doc["llm"]
assert llm["model"] == "tinyllama-1.1b" and llm["layers"] == 22, llm
roles = [c["role"] for c in llm["layer_cases"]]
assert roles == ["residual_norm", "qkv_proj", "attn_scores", "attn_softmax", "attn_values",
                 "out_proj", "mlp_gate_up", "mlp_act", "mlp_down"], roles
# qkv: (32 + 2*4) heads x 64 = 2560 wide, at 32 tokens
assert any(c["name"] == "gemm/fp32/m=32,n=2560,k=2048" for c in doc["cases"])
# Q.K^T per KV head (4 of them), its 8 query heads x 32 positions stacked; P.V; SiLU*gate
names = {c["name"] for c in doc["cases"]}
for n in ["gemm/fp32/batch=4,m=256,n=32,k=64", "gemm/fp32/batch=4,m=256,n=64,k=32",
          "silu_gate/fp32/rows=32,cols=5632"]:
    assert n in names, (n, sorted(names))
layer = sum(c["per_layer"] * c["measured_s"] for c in llm["layer_cases"])
assert abs(layer - llm["layer_measured_s"]) <= 1e-12 + 1e-9 * layer
assert abs(llm["prefill_tokens_per_s_measured"] - 32 / (22 * layer)) <= 1e-6 * llm["prefill_tokens_per_s_measured"]
assert all(c["status"] == "ok" and c["validation"]["passed"] for c in doc["cases"])
print("ok: llm layer", round(layer * 1e3, 3), "ms")
PY
# report.html carries the layer table, from the run and when re-drawn from results.json
"$rooflab" report --out "$out/redrawn" "$out/run/results.json" >/dev/null
for html in "$out/run/report.html" "$out/redrawn/report.html"; do
    python3 - "$html" "$out/run/results.json" <<'PY'
import json, re, sys
html, doc = open(sys.argv[1]).read(), json.load(open(sys.argv[2]))
table = html[html.index('<table class="sortable" id="llm">'):]
table = table[:table.index("</table>")]
rows = re.findall(r"<tr><td>([a-z_]+)</td><td class=\"case\">([^<]+)</td>", table)
llm = doc["llm"]
assert rows == [(c["role"], c["case"]) for c in llm["layer_cases"]], rows
# the shares of the measured layer add up to 100 %
shares = [float(v) for v in re.findall(r'data-v="([0-9.e+-]+)">[0-9.]+ %', table)]
assert len(shares) == len(rows) and abs(sum(shares) - 100) < 1e-3, shares
assert "%.4g tokens/s" % llm["prefill_tokens_per_s_measured"] in html
print("ok: llm table in", sys.argv[1].split("/")[-2])
PY
done
# a run of another suite has no such table
"$rooflab" run --device cpu --suite tiny --ops softmax --repetitions 1 --out "$out/tiny" >/dev/null 2>&1
! grep -q 'id="llm"' "$out/tiny/report.html"
# Llama-3-70B in bf16 needs about 141 GB of weights: refused up front.
if "$rooflab" run --device cpu --model llama-3-70b --batch 8 --seq 2048 --out "$out/refused" 2>"$out/err"; then
    echo "FAIL: llama-3-70b was not refused"; exit 1
fi
[ "$(wc -l <"$out/err")" -eq 1 ] || { echo "FAIL: refusal is not one line:"; cat "$out/err"; exit 1; }
grep -q "does not fit" "$out/err"
grep -q "weights 141 GB" "$out/err"
[ ! -e "$out/refused" ] || { echo "FAIL: a refused run wrote $out/refused"; exit 1; }
# the llm suite's options are checked
if "$rooflab" run --suite llm --model tinyllama-1.1b --out "$out/x" 2>"$out/err"; then exit 1; fi
grep -q "needs --model, --batch and --seq" "$out/err"
if "$rooflab" run --model no-such-model --batch 1 --seq 1 --out "$out/x" 2>"$out/err"; then exit 1; fi
[ "$(wc -l <"$out/err")" -eq 1 ]
# a layout the layer's shapes do not describe is refused, not measured
if "$rooflab" run --device cpu --model phi-2 --batch 1 --seq 8 --out "$out/x" 2>"$out/err"; then
    exit 1
fi
[ "$(wc -l <"$out/err")" -eq 1 ] && grep -q "Llama-style layer" "$out/err" ||
    { echo "FAIL: phi-2 not refused:"; cat "$out/err"; exit 1; }
echo "ok: llm suite"

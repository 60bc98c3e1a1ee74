#!/usr/bin/env bash
# predict --suite llm: one decoder layer's kernels predicted on catalog
# devices, added up exactly into the layer and the model; the fit verdict in
# front and a refusal when the model does not fit.
set -euo pipefail
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$rooflab" predict --suite llm --model llama-3-8b --device h100-sxm5 --batch 8 --seq 512 \
    --json >"$out/prefill.json"
"$rooflab" predict --suite llm --model llama-2-7b --device h100-sxm5 --batch 1 --seq 512 \
    --phase decode --json >"$out/decode.json"
"$rooflab" predict --suite llm --model llama-3-8b --device orin-nx-16gb --power-mode MAXN \
    --batch 8 --seq 512 --dtype int8 --json >"$out/orin_maxn.json"
"$rooflab" predict --suite llm --model llama-3-8b --device orin-nx-16gb \
    --batch 8 --seq 512 --dtype int8 --json >"$out/orin.json"
python3 - "$out" <<'PY'
import json, sys
d = sys.argv[1]
def load(n): return json.load(open(f"{d}/{n}.json"))
def close(a, b, rel=1e-12): assert abs(a - b) <= rel * max(abs(a), abs(b)), (a, b)
p = load("prefill")
assert p["fit"]["fits"] and p["phase"] == "prefill" and p["tokens"] == 8 * 512
layer = p["layers"][0]
roles = [k["role"] for k in layer["kernels"]]
for r in ["attn_norm", "mlp_norm", "q_proj", "k_proj", "v_proj", "attn_scores", "attn_softmax",
          "attn_values", "o_proj", "gate_proj", "up_proj", "mlp_act", "down_proj"]:
    assert r in roles, (r, roles)
ks = {k["role"]: k for k in layer["kernels"]}
assert ks["mlp_act"]["op"] == "silu_gate"
assert ks["attn_scores"]["shape"] == "batch=64,m=2048,n=512,k=128"   # 8 seqs x 8 KV heads, 4 q-heads stacked
# the per-kernel sums are the layer's, and the layers + embedding + lm_head the model's
close(sum(k["count"] * k["flops"] for k in layer["kernels"]), layer["flops"])
close(sum(k["count"] * k["bytes"] for k in layer["kernels"]), layer["bytes"])
close(sum(k["count"] * k["predicted_time_s"] for k in layer["kernels"]), layer["predicted_time_s"])
m = p["model_step"]
close(32 * layer["flops"] + p["embedding"]["flops"] + p["lm_head"]["flops"], m["flops"])
close(32 * layer["predicted_time_s"] + p["embedding"]["predicted_time_s"]
      + p["lm_head"]["predicted_time_s"], m["predicted_time_s"])
close(m["tokens_per_s"], 8 * 512 / m["predicted_time_s"])
# Llama-3-8B's weight GEMMs: 2 FLOPs per token per weight (6,979,321,856 per layer
# without its two 4096-wide norms: (8,030,261,248 - 2*128256*4096 - 4096)/32 - 2*4096)
w = sum(k["count"] * k["flops"] for k in layer["kernels"]
        if k["op"] == "gemm" and not k["role"].startswith("attn_"))
close(w, 2 * 4096 * ((8030261248 - 2 * 128256 * 4096 - 4096) / 32 - 2 * 4096), 1e-12)
assert p["lm_head"]["shape"] == "m=8,n=128256,k=4096"
# decode at batch 1 in fp16: a GEMV, about 1 FLOP/B, memory-bound
q = {k["role"]: k for k in load("decode")["layers"][0]["kernels"]}
assert load("decode")["precision"] == "fp16"
assert 0.99 < q["q_proj"]["intensity"] < 1.0, q["q_proj"]["intensity"]
assert all(k["bound"] == "memory" for k in q.values()), [k["role"] for k in q.values() if k["bound"] != "memory"]
# Orin NX: int8 weight GEMMs; MAXN is faster than the default 15 W mode
o, om = load("orin"), load("orin_maxn")
assert o["power_mode"] == "15W" and om["power_mode"] == "MAXN"
assert {k["precision"] for k in o["layers"][0]["kernels"] if k["role"] == "q_proj"} == {"int8"}
assert o["fit"]["dtype"] == "int8" and o["fit"]["fits"]
assert om["model_step"]["predicted_time_s"] < o["model_step"]["predicted_time_s"]
print("ok: llm predictions add up")
PY
# text: the fit verdict in front, the decode note
"$rooflab" predict --suite llm --model llama-3-8b --device h100-sxm5 --batch 8 --seq 512 \
    --phase decode --out "$out/dir" >"$out/decode.txt"
head -3 "$out/decode.txt" | grep -q "^Fit (as rooflab fit.*FITS"
grep -q "Why decode is memory-bound" "$out/decode.txt"
grep -q "<- this run" "$out/decode.txt"
cmp -s "$out/decode.txt" "$out/dir/llm_prediction.txt"
python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['phase'] == 'decode'" \
    "$out/dir/llm_prediction.json"
# Llama-3-8B in bf16 does not fit an Orin NX 16GB: refused in one line, as run refuses it
if "$rooflab" predict --suite llm --model llama-3-8b --device orin-nx-16gb --batch 8 --seq 512 \
    >"$out/o" 2>"$out/err"; then
    echo "FAIL: not refused"; exit 1
else
    rc=$?
fi
[ "$rc" -eq 2 ] && [ "$(wc -l <"$out/err")" -eq 1 ] && [ ! -s "$out/o" ] &&
    grep -q "does not fit orin-nx-16gb" "$out/err" ||
    { echo "FAIL: refusal"; cat "$out/err"; exit 1; }
# every shipped config, both phases, both devices: a prediction or a fit refusal
mkdir "$out/all"
for cfg in "$(dirname "$0")"/../../model/configs/*.json; do
    name=$(basename "$cfg" .json)
    for dev in "h100-sxm5" "orin-nx-16gb --dtype int8"; do
        for phase in prefill decode; do
            # shellcheck disable=SC2086
            if ! "$rooflab" predict --suite llm --model "$name" --device $dev --batch 4 \
                --seq 2048 --phase $phase --json >"$out/all/$name-${dev%% *}-$phase.json" \
                2>"$out/err"; then
                grep -q "does not fit" "$out/err" ||
                    { echo "FAIL: $name $dev $phase:"; cat "$out/err"; exit 1; }
                rm "$out/all/$name-${dev%% *}-$phase.json"
            fi
        done
    done
done
python3 - "$out/all" <<'PY'
import json, os, sys
files = sorted(os.listdir(sys.argv[1]))
for f in files:
    p = json.load(open(os.path.join(sys.argv[1], f)))
    for l in p["layers"]:
        s = sum(k["count"] * k["flops"] for k in l["kernels"])
        assert abs(s - l["flops"]) <= 1e-12 * s, (f, s, l["flops"])
        assert l["predicted_time_s"] > 0, f
    assert sum(l["layers"] for l in p["layers"]) == p["model_step"]["layers"], f
assert len(files) >= 60, len(files)   # most configs fit at batch 4 x 2048
print("ok:", len(files), "predictions of the shipped configs")
PY
# bad input: one line, exit 2
for args in "--phase generate" "--dtype int4" "--power-mode MAXN" "--batch 0"; do
    # shellcheck disable=SC2086
    if "$rooflab" predict --suite llm --model llama-3-8b --device h100-sxm5 --batch 1 --seq 8 \
        $args 2>"$out/err" >/dev/null; then
        echo "FAIL: accepted $args"; exit 1
    fi
    [ "$(wc -l <"$out/err")" -eq 1 ] || { echo "FAIL: $args:"; cat "$out/err"; exit 1; }
done
if "$rooflab" predict --suite quick --model llama-3-8b --device h100-sxm5 --batch 1 --seq 8 \
    2>"$out/err"; then exit 1; fi
grep -q "one suite, llm" "$out/err"
echo "ok: predict --suite llm"

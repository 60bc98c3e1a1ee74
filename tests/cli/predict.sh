#!/usr/bin/env bash
# rooflab predict: the worked derivation, its JSON, and one-line errors.
set -eu
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# 512^3 fp16 GEMM on an H100 SXM5: memory-bound at 170.7 FLOP/B, ridge 295 (dense).
"$rooflab" predict --device h100-sxm5 --op gemm --m 512 --n 512 --k 512 --precision fp16 \
    --json >"$out/gemm.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["flops"] == 2 * 512**3, d["flops"]
assert d["bytes"] == 3 * 512 * 512 * 2, d["bytes"]
assert abs(d["intensity"] - 512 / 3) < 1e-9, d["intensity"]
assert abs(d["ridge"] - 295.34) < 0.01, d["ridge"]
assert d["bound"] == "memory", d["bound"]
assert abs(d["attainable_flop_per_s"] - 512 / 3 * 3350e9) < 1e3
assert abs(d["predicted_time_s"] - d["bytes"] / 3350e9) < 1e-15
assert abs(d["mfu"] - 512 / 3 * 3350e9 / 989.4e12) < 1e-9
for key in ("flops", "bytes", "intensity", "ridge", "bound", "attainable_flop_per_s",
            "predicted_time_s", "mfu"):
    assert key in d, key
' "$out/gemm.json"

# The text form shows every step with units.
"$rooflab" predict --device h100-sxm5 --op gemm --m 512 --n 512 --k 512 --precision fp16 \
    >"$out/gemm.txt"
for step in "FLOPs" "Bytes" "Intensity" "Ridge" "memory-bound" "Attainable" "MFU" "FLOP/B" \
    "TFLOP/s"; do
    grep -q -- "$step" "$out/gemm.txt" || { echo "missing '$step'"; cat "$out/gemm.txt"; exit 1; }
done

# Each op against the unit that runs it (H100 SXM5: 132 SMs at 1980 MHz).
roof() { # op precision shape... -> "roof peak bound"
    local op=$1 prec=$2
    shift 2
    "$rooflab" predict --device h100-sxm5 --op "$op" --precision "$prec" "$@" --json |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["roof"], d["peak_flop_per_s"], d["mfu"])'
}
check_roof() { # expected-roof expected-peak got
    python3 -c '
import sys
want_roof, want_peak, got = sys.argv[1], float(sys.argv[2]), sys.argv[3].split()
assert got[0] + " " + got[1] == want_roof, (got, want_roof)
assert abs(float(got[2]) - want_peak) < 1e-6 * want_peak, (got, want_peak)
' "$@"
}
fma="--count 1048576 --iters 1000"
# fp16 FMA probe: half2 SIMT, 132 x 256 x 2 x 1.98 GHz = 133.8 TFLOP/s, not the 989.4 tensor peak
check_roof "fp16 simt" 133.81632e12 "$(roof fma fp16 $fma)"
check_roof "bf16 simt" 133.81632e12 "$(roof fma bf16 $fma)"
# tf32 FMA: fp32 SIMT, 132 x 128 x 2 x 1.98 GHz = 66.9 (not 494.7); no backend runs the
# probe at tf32, so only as a hypothetical
check_roof "fp32 simt" 66.90816e12 "$(roof fma tf32 $fma --hypothetical)"
# fp64 FMA: the vector fp64 pipes, 33.5; fp64 GEMM: DMMA, 67
check_roof "fp64 simt" 33.45408e12 "$(roof fma fp64 $fma)"
check_roof "fp64 tensor" 67e12 "$(roof gemm fp64 --m 4096 --n 4096 --k 4096)"
check_roof "fp16 tensor" 989.4e12 "$(roof gemm fp16 --m 4096 --n 4096 --k 4096)"
check_roof "fp32 simt" 66.90816e12 "$(roof gemm fp32 --m 4096 --n 4096 --k 4096)"
# LayerNorm over fp16 storage: fp32 SIMT arithmetic
check_roof "fp32 simt" 66.90816e12 "$(roof layernorm fp16 --rows 4096 --cols 4096)"
# The compute-bound fp16 FMA probe reaches 100 % of its own roof
[ "$(roof fma fp16 $fma | cut -d' ' -f4)" = "1" ] || { echo "fma mfu"; exit 1; }
"$rooflab" predict --device h100-sxm5 --op fma --count 1048576 --iters 1000 --precision fp16 \
    >"$out/fma.txt"
grep -q "fp16 simt" "$out/fma.txt" || { cat "$out/fma.txt"; exit 1; }
# softmax: the special-function rate, 132 x 16 x 1980 MHz exp/s
"$rooflab" predict --device h100-sxm5 --op softmax --rows 4096 --cols 4096 --precision fp16 \
    --json >"$out/softmax.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["roof"] == "fp32 simt", d
assert d["transcendentals"] == 4096 * 4096, d
assert abs(d["mufu_op_per_s"] - 132 * 16 * 1980e6) < 1, d
assert d["binding_roof"] == "HBM3", d
' "$out/softmax.json"

# A Jetson in its default 15 W mode: peaks derived for 4 SMs at 612 MHz.
"$rooflab" predict --device orin-nx-16gb --op gemm --m 4096 --n 4096 --k 4096 \
    --precision fp16 --json >"$out/orin.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["power_mode"] == "15W", d
assert abs(d["peak_flop_per_s"] - 4 * 2048 * 612e6) < 1, d["peak_flop_per_s"]
assert d["bound"] == "compute", d["bound"]
' "$out/orin.json"
"$rooflab" predict --device orin-nx-16gb --power-mode MAXN --op softmax --rows 1024 \
    --cols 1024 --precision fp16 --json >"$out/maxn.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["power_mode"] == "MAXN" and d["bound"] == "memory", d
' "$out/maxn.json"

# The Orin Nano's 15W mode in both nvpmodel confs: two devices, two labels
# (the Super conf's 15W runs the GPU at 612 MHz, the original's at 625).
"$rooflab" predict --device orin-nano-8gb@15W,orin-nano-8gb@15W@super --op gemm --m 4096 \
    --n 4096 --k 4096 --precision fp16 --json >"$out/nano-confs.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
labels = [x["label"] for x in d["devices"]]
assert labels == ["orin-nano-8gb@15W", "orin-nano-8gb@15W@super"], labels
assert [x["super_conf"] for x in d["devices"]] == [False, True], d["devices"]
peaks = sorted(p["peak_flop_per_s"] for p in d["predictions"])
assert peaks[0] < peaks[1], peaks
' "$out/nano-confs.json"

# A fused/unfused pair reports the predicted fusion gain: the chain moves 5
# matrices and the keys the causal mask lets through, the fused op 1 and
# those keys (4096 x 4097 / 2 in one square block).
"$rooflab" predict --device h100-sxm5 --op scale_mask_softmax_unfused --rows 4096 \
    --cols 4096 --precision fp16 --json >"$out/fusion.json"
python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["fusion"]
mat, seen = 4096 * 4096, 4096 * 4097 / 2
assert f["memory_bound"] and abs(f["speedup"] - (5 * mat + seen) / (mat + seen)) < 1e-9, f
assert f["fused_bytes"] == (mat + seen) * 2, f
' "$out/fusion.json"

# The mask's blocks: at decode (--queries 1) every key is read; a square
# block reads about half of them.
"$rooflab" predict --device h100-sxm5 --op scale_mask_softmax --rows 64 --cols 512 \
    --queries 1 --precision fp32 --json >"$out/decode.json"
"$rooflab" predict --device h100-sxm5 --op scale_mask_softmax --shape rows=1024,cols=512 \
    --precision fp32 --json >"$out/prefill.json"
python3 -c '
import json, sys
d, p = (json.load(open(f)) for f in sys.argv[1:3])
assert d["shape"] == "rows=64,cols=512,queries=1" and d["bytes"] == 2 * 64 * 512 * 4, d
assert d["flops"] == 6 * 64 * 512 and d["transcendentals"] == 64 * 512, d
assert p["bytes"] == (1024 * 512 + 2 * 512 * 513 / 2) * 4, p
' "$out/decode.json" "$out/prefill.json"

"$rooflab" predict --help >"$out/help.txt"
grep -q "usage: rooflab predict" "$out/help.txt"

# Errors: exit 2, one line on stderr.
expect_error() {
    local pattern=$1
    shift
    set +e
    "$@" >"$out/stdout" 2>"$out/stderr"
    local code=$?
    set -e
    if [ "$code" -ne 2 ] || ! grep -q -- "$pattern" "$out/stderr" ||
        [ "$(wc -l <"$out/stderr")" -ne 1 ]; then
        echo "FAIL: '$*' exited $code:"
        cat "$out/stderr"
        exit 1
    fi
}
expect_error "unknown device 'tpu-v9'" "$rooflab" predict --device tpu-v9 --op gemm --m 8 \
    --n 8 --k 8 --precision fp16
expect_error "unknown power mode '99W'" "$rooflab" predict --device orin-nx-16gb \
    --power-mode 99W --op gemm --m 8 --n 8 --k 8 --precision fp16
expect_error "no power modes" "$rooflab" predict --device h100-sxm5 --power-mode MAXN \
    --op gemm --m 8 --n 8 --k 8 --precision fp16
expect_error "fp8 GEMM needs an sm_89" "$rooflab" predict --device a100-sxm4-80gb --op gemm \
    --m 8 --n 8 --k 8 --precision fp8
expect_error "no fp8 tensor peak" "$rooflab" predict --device a100-sxm4-80gb --op gemm --m 8 \
    --n 8 --k 8 --precision fp8 --hypothetical
# What no backend runs is refused, naming what is supported (the CUDA backend's table) ...
expect_error "layernorm runs in fp32, fp16 and bf16 storage" "$rooflab" predict \
    --device h100-sxm5 --op layernorm --rows 8 --cols 8 --precision int8
expect_error "triad runs in fp64, fp32, fp16 and bf16" "$rooflab" predict --device h100-sxm5 \
    --op triad --count 1024 --precision fp8
expect_error "fma runs in fp64, fp32, fp16 and bf16 (not tf32)" "$rooflab" predict \
    --device h100-sxm5 --op fma --count 1024 --precision tf32
# ... unless asked for: then every line says it is hypothetical.
"$rooflab" predict --device h100-sxm5 --op layernorm --rows 4096 --cols 4096 --precision int8 \
    --hypothetical >"$out/hyp.txt"
[ "$(grep -c . "$out/hyp.txt")" -gt 10 ] || { cat "$out/hyp.txt"; exit 1; }
if grep -v '^HYPOTHETICAL | ' "$out/hyp.txt"; then echo "unmarked line"; exit 1; fi
"$rooflab" predict --device h100-sxm5 --op layernorm --rows 4096 --cols 4096 --precision int8 \
    --hypothetical --json >"$out/hyp.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["hypothetical"] is True and "layernorm" in d["hypothetical_because"], d
assert d["roof"] == "fp32 simt", d
' "$out/hyp.json"
expect_error "a shape is required" "$rooflab" predict --device h100-sxm5 --op gemm \
    --precision fp16
expect_error "unknown precision 'fp12'" "$rooflab" predict --device h100-sxm5 --op gemm --m 8 \
    --n 8 --k 8 --precision fp12
expect_error "\-\-device ID is required" "$rooflab" predict --op gemm --precision fp16
expect_error "only scale_mask_softmax takes queries" "$rooflab" predict --device h100-sxm5 \
    --op softmax --rows 8 --cols 8 --queries 2 --precision fp32
expect_error "\-\-queries: 0 is out of range" "$rooflab" predict --device h100-sxm5 \
    --op scale_mask_softmax --rows 8 --cols 8 --queries 0 --precision fp32
# A catalog file with an absurd number (the shipped H100 entry with its
# bandwidth in MB/s): refused, naming the file and the field.
mkdir -p "$out/absurd/devices/catalog"
sed '/"bandwidth_gb_per_s"/,/"value"/s/"value": 3350,/"value": 3350000,/' \
    "$ROOFLAB_SOURCE_DIR/devices/catalog/h100-sxm5.json" \
    >"$out/absurd/devices/catalog/h100-sxm5.json"
grep -q '"value": 3350000,' "$out/absurd/devices/catalog/h100-sxm5.json" \
    || { echo "predict.sh: the H100 entry's bandwidth line changed; update the test" >&2; exit 1; }
ROOFLAB_DATA_DIR="$out/absurd" \
    expect_error "h100-sxm5.json: memory.bandwidth_gb_per_s" "$rooflab" predict \
    --device h100-sxm5 --op gemm --m 8 --n 8 --k 8 --precision fp16
echo "predict: ok"

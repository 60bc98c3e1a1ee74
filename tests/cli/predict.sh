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

# A fused/unfused pair reports the predicted fusion gain.
"$rooflab" predict --device h100-sxm5 --op scale_mask_softmax_unfused --rows 4096 \
    --cols 4096 --precision fp16 --json >"$out/fusion.json"
python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["fusion"]
assert f["memory_bound"] and abs(f["speedup"] - 3.0) < 1e-9, f
' "$out/fusion.json"

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
expect_error "no dense fp8 peak" "$rooflab" predict --device a100-sxm4-80gb --op gemm --m 8 \
    --n 8 --k 8 --precision fp8
expect_error "m must be a positive integer" "$rooflab" predict --device h100-sxm5 --op gemm \
    --precision fp16
expect_error "unknown precision 'fp12'" "$rooflab" predict --device h100-sxm5 --op gemm --m 8 \
    --n 8 --k 8 --precision fp12
expect_error "\-\-device ID is required" "$rooflab" predict --op gemm --precision fp16
echo "predict: ok"

#!/usr/bin/env bash
# rooflab devices ID: one catalog entry in full, every source a citation.
set -eu
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$rooflab" devices h100-sxm5 >"$out/h100.txt"
for want in "dense tensor" "dense SIMT" "sparse" "Sources:" \
    "Glenn K. Lockwood: NVIDIA H100 (digital garden). https://glennklockwood.com/garden/processors/h100" \
    "NVIDIA CUDA C++ Programming Guide" "special-function"; do
    grep -qF -- "$want" "$out/h100.txt" || { echo "missing '$want'"; cat "$out/h100.txt"; exit 1; }
done
# fp16: tensor 989.4, SIMT 133.8, sparse 1979, side by side on one line
grep -E '^  fp16 +989\.4 +133\.8 +1979 ' "$out/h100.txt" >/dev/null ||
    { echo "fp16 row"; grep fp16 "$out/h100.txt"; exit 1; }
# no bare source keys: every citation is a number listed with its title and URL
if grep -E '\[(HPC|GK-H100|PG|CC|LLMC)[] ]|(^| )(HPC|GK-H100)$' "$out/h100.txt"; then
    echo "a source key printed as a key"
    exit 1
fi
n=$(grep -cE '^  \[[0-9]+\] .+\. https?://' "$out/h100.txt")
[ "$n" -ge 5 ] || { echo "only $n citations"; exit 1; }

"$rooflab" devices h100-sxm5 --json >"$out/h100.json"
python3 - "$out/h100.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["peak_flop_per_s"]
assert abs(p["fp16"]["dense_tensor"]["value"] - 989.4e12) < 1e6, p["fp16"]
assert abs(p["fp16"]["dense_simt"]["value"] - 132 * 256 * 2 * 1980e6) < 1, p["fp16"]
assert abs(p["fp16"]["sparse_not_used_for_roofs"]["value"] - 1979e12) < 1e6, p["fp16"]
assert abs(p["fp64"]["dense_tensor"]["value"] - 67e12) < 1e6
assert abs(p["fp64"]["dense_simt"]["value"] - 132 * 64 * 2 * 1980e6) < 1
assert "dense_tensor" not in p["fp32"], p["fp32"]
cited = p["fp16"]["dense_tensor"]["cited"]
assert cited and all(c["url"].startswith("http") and c["title"] for c in cited), cited
assert d["mufu_op_per_s"]["value"] == 132 * 16 * 1980e6
assert d["sources"]["PG"]["url"].startswith("https://docs.nvidia.com/cuda/"), d["sources"]["PG"]
assert d["power_modes"] == []
PY

# A Jetson: every mode, the peak table for the chosen one.
"$rooflab" devices orin-nx-16gb --power-mode MAXN >"$out/nx.txt"
grep -q ">MAXN" "$out/nx.txt" || { cat "$out/nx.txt"; exit 1; }
grep -q "15W\*" "$out/nx.txt" || { cat "$out/nx.txt"; exit 1; }
grep -E '^  fp16 +15\.04 ' "$out/nx.txt" >/dev/null || { grep fp16 "$out/nx.txt"; exit 1; }
"$rooflab" devices orin-nx-16gb --json >"$out/nx.json"
python3 - "$out/nx.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["power_mode"] == "15W", d["power_mode"]
assert abs(d["peak_flop_per_s"]["fp16"]["dense_tensor"]["value"] - 4 * 2048 * 612e6) < 1
modes = {m["name"]: m for m in d["power_modes"]}
assert abs(modes["MAXN"]["dense_simt_flop_per_s"]["fp32"] - 8 * 128 * 2 * 918e6) < 1, modes["MAXN"]
for m in d["power_modes"]:
    assert m["dense_simt_flop_per_s"]["fp32"] > 0 and m["mufu_op_per_s"] > 0, m
    assert m["cited"], m
PY

# Errors: exit 2, one line.
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
expect_error "unknown device 'tpu-v9'" "$rooflab" devices tpu-v9
expect_error "no power modes" "$rooflab" devices h100-sxm5 --power-mode MAXN
expect_error "unknown power mode '99W'" "$rooflab" devices orin-nx-16gb --power-mode 99W
expect_error "needs a catalog ID" "$rooflab" devices --power-mode MAXN
expect_error "no power modes" "$rooflab" devices h100-sxm5@MAXN
expect_error "names its power mode and \-\-power-mode names another" "$rooflab" devices \
    orin-nano-8gb@25W --power-mode 15W
# ID@MODE as --power-mode; a Super conf's mode says so.
"$rooflab" devices orin-nano-8gb@25W@super >"$out/super.txt"
grep -q "^Peaks in power mode 25W (Super conf)" "$out/super.txt" \
    || { echo "FAIL: devices orin-nano-8gb@25W@super:"; cat "$out/super.txt"; exit 1; }
expect_error "unexpected argument 'b'" "$rooflab" devices a b
echo "devices entry: ok"

#!/usr/bin/env bash
# rooflab fit: the memory plan, its JSON fields and its exit codes
# (0 fits, 1 does not fit, 2 bad input).
set -eu
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() { # expected-exit, then the command
    local want=$1
    shift
    set +e
    "$@" >"$out/stdout" 2>"$out/stderr"
    local code=$?
    set -e
    if [ "$code" -ne "$want" ]; then
        echo "FAIL: '$*' exited $code, expected $want"
        cat "$out/stdout" "$out/stderr"
        exit 1
    fi
}

# Llama-3-8B in fp16 does not fit a 16 GB Orin NX at batch 8, seq 2048 ...
run 1 "$rooflab" fit --model llama-3-8b --device orin-nx-16gb --batch 8 --seq 2048 \
    --dtype fp16 --json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["params"] == 8030261248, d["params"]
assert d["kv_bytes_per_token"] == 131072, d["kv_bytes_per_token"]
assert d["weights_bytes"] == 2 * 8030261248
assert d["kv_cache_bytes"] == 131072 * 8 * 2048
assert d["fits"] is False and d["max_batch_at_seq"] == 0
assert d["total_bytes"] == d["weights_bytes"] + d["kv_cache_bytes"] + \
    d["activation_bytes"] + d["reserve_bytes"]
for key in ("params", "weights_bytes", "kv_bytes_per_token", "kv_cache_bytes",
            "activation_bytes", "reserve_bytes", "total_bytes", "capacity_bytes", "fits",
            "max_batch_at_seq", "max_seq_at_batch"):
    assert key in d, key
' "$out/stdout"

# ... names the weights as what breaks it, and suggests the widest precision that fits.
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["breaks"] == "weights", d["breaks"]
assert d["would_fit"]["dtype"] == "int8" and d["would_fit"]["kv_dtype"] == "fp16", d["would_fit"]
rows = d["by_precision"]
assert len(rows) == 9 and rows[0]["dtype"] == "fp16" and rows[-1]["dtype"] == "int4", rows
assert [r["fits"] for r in rows] == [False] * 3 + [True] * 6, rows
assert all(r["max_batch_at_seq"] >= 8 for r in rows if r["fits"]), rows
' "$out/stdout"
run 1 "$rooflab" fit --model llama-3-8b --device orin-nx-16gb --batch 8 --seq 2048
for word in "breaks it: the weights alone" "would fit: --dtype int8 --kv-dtype bf16" \
    "by precision" "int4     int4"; do
    grep -q -- "$word" "$out/stdout" || { echo "missing '$word'"; cat "$out/stdout"; exit 1; }
done
# The KV-cache breaks Llama-3-8B at batch 64 x seq 8192 on an H100.
run 1 "$rooflab" fit --model llama-3-8b --device h100-sxm5 --batch 64 --seq 8192 --json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["breaks"] == "kv_cache" and d["would_fit"]["kv_dtype"] == "int4", d
' "$out/stdout"
# Nothing fits: said so, no suggestion.
run 1 "$rooflab" fit --model llama-3-70b --device orin-nano-8gb --batch 1 --seq 1024 --json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["breaks"] == "weights" and d["would_fit"] is None, d
' "$out/stdout"

# ... while int4 weights fit.
run 0 "$rooflab" fit --model llama-3-8b --device orin-nx-16gb --batch 8 --seq 2048 \
    --dtype int4 --json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["fits"] is True and d["total_bytes"] <= d["capacity_bytes"], d
assert d["breaks"] == "none", d
assert d["max_batch_at_seq"] >= 8 and d["max_seq_at_batch"] >= 2048, d
' "$out/stdout"

# Text: the breakdown and the verdict.
run 0 "$rooflab" fit --model llama-3-8b --device h100-sxm5 --batch 8 --seq 2048
for word in parameters weights KV-cache activations reserve total "verdict: FITS" \
    "largest batch" "longest seq"; do
    grep -q -- "$word" "$out/stdout" || { echo "missing '$word'"; cat "$out/stdout"; exit 1; }
done

# Tied embeddings and an explicit head_dim, through a path to a config.json.
run 0 "$rooflab" fit --model "$(dirname "$0")/../../model/configs/llama-3.2-1b.json" \
    --device orin-nano-8gb --batch 1 --seq 1024 --json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["params"] == 1235814400 and d["kv_bytes_per_token"] == 32768, d
' "$out/stdout"

# A Jetson fixture through --device auto --root.
run 0 "$rooflab" fit --model tinyllama-1.1b --device auto \
    --root "$(dirname "$0")/../data/jetson-orin-nx-16gb-15w" --batch 1 --seq 512 --json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["device"] == "orin-nx-16gb" and d["power_mode"] == "15W", d
' "$out/stdout"

run 0 "$rooflab" fit --help

# Bad input: exit 2 and one line on stderr.
bad() {
    local pattern=$1
    shift
    run 2 "$@"
    if ! grep -q -- "$pattern" "$out/stderr" || [ "$(wc -l <"$out/stderr")" -ne 1 ]; then
        echo "FAIL: '$*':"
        cat "$out/stderr"
        exit 1
    fi
}
bad "unknown device 'tpu'" "$rooflab" fit --model llama-3-8b --device tpu --batch 1 --seq 1
bad "unknown power mode '99W'" "$rooflab" fit --model llama-3-8b --device orin-nx-16gb \
    --power-mode 99W --batch 1 --seq 1
bad "unknown power mode '99W'" "$rooflab" fit --model llama-3-8b --device orin-nx-16gb@99W \
    --batch 1 --seq 1
bad "names its power mode and \-\-power-mode names another" "$rooflab" fit --model llama-3-8b \
    --device orin-nx-16gb@MAXN --power-mode 15W --batch 1 --seq 1
bad "the power mode is missing" "$rooflab" fit --model llama-3-8b --device orin-nx-16gb@ \
    --batch 1 --seq 1
# ID@MODE names the mode as --power-mode does.
run 0 "$rooflab" fit --model tinyllama-1.1b --device orin-nx-16gb@MAXN --batch 1 --seq 512 --json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["device"] == "orin-nx-16gb" and d["power_mode"] == "MAXN", d
' "$out/stdout"
bad "unknown model 'gpt-9'" "$rooflab" fit --model gpt-9 --device h100-sxm5 --batch 1 --seq 1
bad "unknown dtype 'int3'" "$rooflab" fit --model llama-3-8b --device h100-sxm5 --batch 1 \
    --seq 1 --dtype int3
bad "\-\-batch: 0 is out of range" "$rooflab" fit --model llama-3-8b --device h100-sxm5 \
    --batch 0 --seq 1
bad "overflows" "$rooflab" fit --model llama-3-70b --device h100-sxm5 \
    --batch 4000000000000 --seq 4000000000000
printf '{"hidden_size": 4096, "num_hidden_layers": 32' >"$out/broken.json"
bad "not valid JSON" "$rooflab" fit --model "$out/broken.json" --device h100-sxm5 --batch 1 \
    --seq 1
printf '{"hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 10}' \
    >"$out/missing.json"
bad "intermediate_size" "$rooflab" fit --model "$out/missing.json" --device h100-sxm5 \
    --batch 1 --seq 1
# Nothing detected: one line, exit 2, and (under LeakSanitizer) nothing leaked.
bad "no device detected under /nonexistent" "$rooflab" fit --model tinyllama-1.1b \
    --device auto --root /nonexistent --batch 1 --seq 1

# A catalog whose capacity is not a finite size is refused before any cast.
here=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out/data/devices" "$out/data/model"
cp -r "$here/devices/catalog" "$out/data/devices/"
cp -r "$here/model/configs" "$out/data/model/"
python3 -c '
import json, sys
path = sys.argv[1]
d = json.load(open(path))
d["memory"]["capacity_bytes"]["value"] = 12345.5
open(path, "w").write(json.dumps(d).replace("12345.5", "1e400"))
' "$out/data/devices/catalog/h100-sxm5.json"
grep -q '1e400' "$out/data/devices/catalog/h100-sxm5.json" || { echo "fixture not made"; exit 1; }
ROOFLAB_DATA_DIR="$out/data" bad "capacity_bytes" "$rooflab" fit --model llama-3-8b \
    --device h100-sxm5 --batch 1 --seq 1

# The host's own memory, through the detection.
run 0 "$rooflab" fit --model tinyllama-1.1b --device cpu --batch 1 --seq 16 --json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["device"] == "cpu" and d["capacity_bytes"] > 0, d
' "$out/stdout"
# Mixtral: every expert in memory (93.4 GB of bf16 weights), two per token in FLOPs.
run 1 "$rooflab" fit --model mixtral-8x7b --device h100-sxm5 --batch 1 --seq 4096 --json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["family"] == "mixtral" and d["assumed_llama"] is False, d
assert d["params"] == 46702792704 and d["active_params"] == 12879925248, d
assert d["weights_bytes"] == 2 * 46702792704 and d["fits"] is False, d
' "$out/stdout"

# An unknown model_type is refused; --assume-llama counts it as Llama and says so.
printf '{"model_type": "falcon", "hidden_size": 64, "num_hidden_layers": 2,
  "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100}' >"$out/falcon.json"
bad "model_type 'falcon' is not in the architecture table" "$rooflab" fit \
    --model "$out/falcon.json" --device h100-sxm5 --batch 1 --seq 1
run 0 "$rooflab" fit --model "$out/falcon.json" --device h100-sxm5 --batch 1 --seq 1 \
    --assume-llama --json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["assumed_llama"] is True and d["family"] == "llama", d
assert "assume-llama" in d["layout"] and "falcon" in d["layout"], d
' "$out/stdout"
run 0 "$rooflab" fit --model "$out/falcon.json" --device h100-sxm5 --batch 1 --seq 1 \
    --assume-llama
grep -q "assumed: --assume-llama" "$out/stdout" || { cat "$out/stdout"; exit 1; }

echo "fit: ok"

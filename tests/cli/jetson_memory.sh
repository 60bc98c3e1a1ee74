#!/usr/bin/env bash
# On a Jetson, CPU and GPU share one DRAM: fit --device auto plans against
# what /proc/meminfo says is available now (MemAvailable less the kernel's
# vm.min_free_kbytes reserve), and `devices --json` says where that came from.
set -eu
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
data="$(dirname "$0")/../data"

# The Orin Nano Super fixture: MemAvailable 5242880 kB, min_free_kbytes 67584.
"$rooflab" fit --model tinyllama-1.1b --device auto --root "$data/jetson-orin-nano-8gb-super-25w" \
    --batch 1 --seq 512 --json >"$out/fit.json"
"$rooflab" devices --root "$data/jetson-orin-nano-8gb-super-25w" --json >"$out/devices.json"
# A board with only a tenth as much available: the same plan no longer fits.
cp -r "$data/jetson-orin-nano-8gb-super-25w" "$out/busy"
sed -i 's/^MemAvailable:.*/MemAvailable:    524288 kB/' "$out/busy/proc/meminfo"
set +e
"$rooflab" fit --model tinyllama-1.1b --device auto --root "$out/busy" --batch 1 --seq 512 \
    --json >"$out/busy.json"
code=$?
set -e
[ "$code" -eq 1 ] || { echo "FAIL: a busy board should not fit (exit $code)"; exit 1; }
python3 - "$out" <<'PY'
import json, sys
d = sys.argv[1]
available = (5242880 - 67584) * 1024
fit = json.load(open(d + "/fit.json"))
assert fit["capacity_bytes"] == 8000000000, fit
assert fit["reserve_bytes"] == (1 << 30) + 8000000000 - available, fit
assert fit["fits"], fit
busy = json.load(open(d + "/busy.json"))
assert busy["reserve_bytes"] == (1 << 30) + 8000000000 - (524288 - 67584) * 1024, busy
assert not busy["fits"], busy
devices = json.load(open(d + "/devices.json"))
profiles = devices["devices"] if isinstance(devices, dict) else devices
jetson = [p for p in profiles if p.get("kind") == "jetson"][0]
assert jetson["memory_available"]["bytes"] == available, jetson["memory_available"]
assert "MemAvailable" in jetson["memory_available"]["source"], jetson["memory_available"]
assert "min_free_kbytes" in jetson["memory_available"]["source"], jetson["memory_available"]
PY
echo "jetson memory: ok"

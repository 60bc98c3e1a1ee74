#!/usr/bin/env bash
# End to end: `rooflab report` draws a well-formed roofline.svg and a
# self-contained report.html from a results file (a real tiny CPU run, and a
# synthetic run with ceilings and predictions); `compare` and `merge` find a
# slower host; missing or malformed files fail with one line and exit 2.
set -euo pipefail
rooflab=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# the checks on one report folder: DIR RESULTS.json
check_report() {
    python3 - "$1" "$2" <<'PY'
import json, re, sys, xml.etree.ElementTree as ET
d, results = sys.argv[1], json.load(open(sys.argv[2]))
svg = ET.parse(f"{d}/roofline.svg").getroot()
ns = "{http://www.w3.org/2000/svg}"
assert svg.tag == ns + "svg", svg.tag
cls = lambda e: (e.get("class") or "").split()
els = list(svg.iter())
ok = [c for c in results["cases"] if c["status"] == "ok"]
measured = [e for e in els if "m" in cls(e)]
predicted = [e for e in els if "p" in cls(e)]
labels = [e for e in els if "pt-label" in cls(e)]
groups = [e for e in els if "case" in cls(e)]
assert len(measured) == len(ok), (len(measured), len(ok))
assert len(predicted) == sum(1 for c in ok if "predicted" in c), len(predicted)
assert len(groups) == len(ok)
assert all(g.find(ns + "title") is not None and g.find(ns + "title").text for g in groups)
assert 1 <= len(labels) <= 8, len(labels)
names = {g.get("data-name") for g in groups}
assert names == {c["name"] for c in ok}, names ^ {c["name"] for c in ok}
html = open(f"{d}/report.html", encoding="utf-8").read()
assert "<svg" in html and "</html>" in html
# self-contained: nothing fetched (the SVG namespace is a name, not a fetch)
assert not re.search(r"<(script|link|img|iframe)[^>]*(src|href)\s*=", html, re.I), "external resource"
assert not re.search(r"https?://(?!www\.w3\.org/2000/svg\")", html), "network reference"
assert "@import" not in html and "url(" not in html
for c in results["cases"]:
    assert c["name"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in html, c["name"]
print(f"ok: {d}: {len(measured)} points, {len(labels)} labels")
PY
}

# 1. a real run on this machine, when the CPU backend runs here
if "$rooflab" run --device cpu --suite tiny --repetitions 2 --threads 2 --out "$out/run" \
        >"$out/run.log" 2>&1; then
    "$rooflab" report "$out/run/results.json" >"$out/report.log"
    check_report "$out/run" "$out/run/results.json"
else
    echo "note: rooflab run failed here, the synthetic run covers the report:"; tail -3 "$out/run.log"
fi

# 2. a synthetic run with both ceiling sets, predictions and failed cases
python3 "$here/synthetic_results.py" "$out/a.json" --host node-a >/dev/null
"$rooflab" report "$out/a.json" --out "$out/rep" >"$out/report.log"
grep -q "roofline.svg" "$out/report.log"
check_report "$out/rep" "$out/a.json"
grep -q 'DRAM 89.6 GB/s (datasheet)' "$out/rep/roofline.svg"
grep -q 'L1 2.10 TB/s (measured)' "$out/rep/roofline.svg"

# 3. compare: B is A with every time x 1.25 and one case missing
python3 - "$out/a.json" "$out/b.json" "$out/c.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
def scaled(doc, host, s, drop=None):
    doc = json.loads(json.dumps(doc))
    doc["host"] = host
    doc["cases"] = [c for c in doc["cases"] if c["name"] != drop]
    for c in doc["cases"]:
        if c["status"] == "ok":
            for k in ("median", "p10", "p90", "min", "max"):
                c["time_s"][k] *= s
            c["achieved"]["flop_per_s"] /= s
            c["achieved"]["byte_per_s"] /= s
    return doc
json.dump(scaled(a, "node-b", 1.25, drop=a["cases"][3]["name"]), open(sys.argv[2], "w"))
json.dump(scaled(a, "node-c", 1.0), open(sys.argv[3], "w"))
PY
"$rooflab" compare "$out/a.json" "$out/b.json" --out "$out/cmp" >"$out/compare.log"
grep -q "Only in A (1)" "$out/compare.log"
python3 - "$out/cmp" "$out/a.json" <<'PY'
import csv, json, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
a = json.load(open(sys.argv[2]))
rows = list(csv.DictReader(open(f"{d}/compare.csv")))
assert len(rows) == len(a["cases"]), (len(rows), len(a["cases"]))
both = [r for r in rows if r["in"] == "both" and r["rate_ratio"]]
assert both
for r in both:
    assert abs(float(r["rate_ratio"]) - 0.8) < 1e-6, r
    assert abs(float(r["time_ratio"]) - 1.25) < 1e-6, r
assert [r["in"] for r in rows].count("a") == 1
ET.parse(f"{d}/compare.svg")
print(f"ok: compare, {len(both)} ratios")
PY

# 4. merge: three hosts, node-b 20 % slower
"$rooflab" merge "$out/a.json" "$out/b.json" "$out/c.json" --out "$out/merge" >"$out/merge.log"
python3 - "$out/merge" <<'PY'
import csv, json, sys
d = sys.argv[1]
m = json.load(open(f"{d}/merge.json"))
assert m["hosts"] == ["node-a", "node-b", "node-c"], m["hosts"]
ran = [c for c in m["cases"] if c["hosts"] == 3]
assert ran
for c in ran:
    assert c["slow_hosts"] == ["node-b"], c
    assert abs(c["spread"] - 1.25) < 1e-6, c
    assert abs(c["ratios"]["node-b"] - 0.8) < 1e-6, c
rows = list(csv.DictReader(open(f"{d}/merge.csv")))
assert len(rows) == len(m["cases"])
s = json.load(open(f"{d}/stragglers.json"))["stragglers"]
assert [x["host"] for x in s] == ["node-b"], s
assert s[0]["lagging"] == len(ran) and abs(s[0]["worst_ratio"] - 0.8) < 1e-6, s
assert "node-b (" in open(f"{d}/../merge.log").read()
# the spread: one dot per host and case that all three ran, node-b's below the line
import xml.etree.ElementTree as ET
svg = ET.parse(f"{d}/spread.svg").getroot()
ns = "{http://www.w3.org/2000/svg}"
dots = [g for g in svg.iter(f"{ns}g") if g.get("class", "").startswith("dot")]
slow = [g for g in dots if g.get("class") == "dot slow"]
assert len(dots) == sum(c["hosts"] for c in m["cases"] if c["hosts"] >= 2), len(dots)
assert len(slow) == len(ran) and all("node-b" in g.find(f"{ns}title").text for g in slow)
assert any(l.get("class") == "threshold" for l in svg.iter(f"{ns}line"))
page = open(f"{d}/report.html").read()
assert "<svg" in page and "Stragglers" in page and "node-b" in page
print(f"ok: merge, {len(ran)} cases on 3 hosts, node-b a straggler")
PY

# 5. merge names each GPU by its PCI bus id and UUID where the runs recorded them
python3 - "$out" <<'PY'
import json, sys
d = sys.argv[1]
for i, host in enumerate("ab"):
    r = json.load(open(f"{d}/{host}.json"))
    r["device_profile"] = {"id": "h100-sxm5", "pci_bus_id": f"00000000:{0x17 + i:02X}:00.0",
                           "uuid": f"GPU-0000000{i}-aaaa-bbbb-cccc-dddddddddddd"}
    json.dump(r, open(f"{d}/gpu-{host}.json", "w"))
PY
"$rooflab" merge "$out/gpu-a.json" "$out/gpu-b.json" "$out/c.json" --out "$out/merge-gpu" \
    >/dev/null
python3 - "$out/merge-gpu/report.html" <<'PY'
import sys
page = open(sys.argv[1]).read()
assert "<th>PCI bus id</th><th>UUID</th>" in page
assert "00000000:17:00.0" in page and "GPU-00000001-aaaa-bbbb-cccc-dddddddddddd" in page
print("ok: merge shows the GPUs' PCI bus ids and UUIDs")
PY

# 5. bad input: one line on stderr, exit 2
expect_fail() {
    local rc=0
    "$rooflab" "$@" >/dev/null 2>"$out/err" || rc=$?
    [ "$rc" -eq 2 ] || { echo "expected exit 2 from: $*, got $rc"; exit 1; }
    [ "$(wc -l <"$out/err")" -eq 1 ] || { echo "expected one line from: $*"; cat "$out/err"; exit 1; }
}
echo '{"schema": "rooflab.results/1", "cases": [' >"$out/broken.json"
expect_fail report "$out/missing.json"
expect_fail report "$out/broken.json"
expect_fail report
expect_fail report "$out/a.json" --bogus
expect_fail compare "$out/a.json"
expect_fail compare "$out/a.json" "$out/broken.json"
expect_fail merge
expect_fail merge "$out/a.json" "$out/missing.json"
grep -q "missing.json" "$out/err"
"$rooflab" report --help | grep -q "usage: rooflab report"
"$rooflab" compare --help | grep -q "usage: rooflab compare"
"$rooflab" merge --help | grep -q "usage: rooflab merge"
# no temporary files left behind
! find "$out" -name '*.tmp' | grep -q .
echo "ok: report, compare, merge"

#!/usr/bin/env python3
"""Check that a results set agrees with itself: results.json parses, the CSV
has one row per case, the SVG and the HTML name every case, and no temporary
file is left. Prints one line; exit 1 on the first disagreement.
usage: check_set.py DIR [expected status]"""
import csv, glob, json, os, sys

d = sys.argv[1]
want = sys.argv[2] if len(sys.argv) > 2 else None
def fail(why):
    print(f"inconsistent set in {d}: {why}", file=sys.stderr)
    sys.exit(1)
tmp = glob.glob(os.path.join(d, "*.tmp"))
if tmp:
    fail("temporary files left: " + ", ".join(os.path.basename(t) for t in tmp))
try:
    doc = json.load(open(os.path.join(d, "results.json")))
except Exception as e:  # noqa: BLE001 - any failure to read is the finding
    fail(f"results.json: {e}")
names = [c["name"] for c in doc["cases"]]
rows = list(csv.DictReader(open(os.path.join(d, "results.csv"))))
if [r["name"] for r in rows] != names:
    fail(f"results.csv has {len(rows)} rows, results.json {len(names)} cases")
svg = open(os.path.join(d, "roofline.svg")).read()
html = open(os.path.join(d, "report.html")).read()
for n in names:
    if f'data-name="{n}"' not in svg:
        fail(f"roofline.svg lacks {n}")
    if n not in html:
        fail(f"report.html lacks {n}")
if want and doc["status"] != want:
    fail(f"status {doc['status']}, expected {want}")
print(f"consistent: {doc['status']}, {len(names)} cases in json, csv, svg and html")

#!/usr/bin/env bash
# report.html in a real browser: headless Chromium renders it to a PNG of the
# expected size that is not blank. Without Chromium the test is skipped,
# except in CI (CI=true), where Chromium is installed and its absence fails.
set -euo pipefail
rooflab=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/find_browser.sh
. "$here/lib/find_browser.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
png=${OUT:-$out}/report.png

python3 "$here/synthetic_results.py" "$out/results.json" >/dev/null
"$rooflab" report "$out/results.json" >/dev/null
# A private profile folder: no first-run state, works with a read-only HOME.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --no-first-run --user-data-dir="$out/profile" \
    --screenshot="$png" --window-size=1280,1800 "file://$out/report.html" \
    >"$out/chromium.log" 2>&1 || { cat "$out/chromium.log"; exit 1; }

python3 - "$png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, ihdr = 8, b"", None
while pos < len(data):
    (n,) = struct.unpack(">I", data[pos:pos + 4])
    kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
w, h, depth, ctype = ihdr[:4]
assert (w, h) == (1280, 1800), (w, h)
assert depth == 8 and ctype in (2, 6), (depth, ctype)
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
nonwhite, colours = 0, set()
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        for x in range(0, w, 2):
            px = bytes(line[x * bpp:x * bpp + 3])
            colours.add(px)
            nonwhite += px != b"\xff\xff\xff"
    prev = line
sampled = (h // 4 + (h % 4 > 0)) * (w // 2)
frac = nonwhite / sampled
# the page: tables, the roofline and its coloured points
assert frac > 0.03, f"almost blank: {frac:.3%} non-white"
assert len(colours) > 50, f"only {len(colours)} colours"
print(f"ok: {w}x{h} PNG, {frac:.1%} non-white, {len(colours)} colours")
PY

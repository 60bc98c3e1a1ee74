#!/usr/bin/env bash
# Hostile files where rooflab reads them: results files (report, compare,
# merge) and the ceilings cache (run). Numbers no device produces are refused
# in one line naming the field; binary garbage is never echoed; a folder or
# an unreadable file is said as such.
set -euo pipefail
rooflab=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

python3 "$here/synthetic_results.py" "$out/good.json" >/dev/null

# expect_fail WORDS CMD...: exit 2, one printable line on stderr holding WORDS
expect_fail() {
    local words=$1 rc=0
    shift
    "$rooflab" "$@" >/dev/null 2>"$out/err" || rc=$?
    [ "$rc" -eq 2 ] || { echo "expected exit 2 from: $*, got $rc"; cat "$out/err"; exit 1; }
    [ "$(wc -l <"$out/err")" -eq 1 ] || { echo "expected one line from: $*"; cat -v "$out/err"; exit 1; }
    if LC_ALL=C grep -q '[^[:print:]]' "$out/err"; then
        echo "raw bytes in the message of: $*"; cat -v "$out/err"; exit 1
    fi
    grep -qF -- "$words" "$out/err" || { echo "'$words' not in: $(cat "$out/err")"; exit 1; }
}

# mutate NAME PYTHON: good.json changed by a Python statement on `d`
mutate() {
    python3 - "$out/good.json" "$out/$1.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
open(sys.argv[2], "w").write(json.dumps(d).replace("Infinity", "1e999"))
PY
}

mutate tiny_roof 'd["ceilings"]["measured"]["memory"][0]["byte_per_s"] = 5e-324'
mutate huge_roof 'd["ceilings"]["datasheet"]["compute"][0]["flop_per_s"] = 1e308'
mutate inf_roof 'd["ceilings"]["datasheet"]["memory"][0]["byte_per_s"] = float("inf")'
mutate huge_shape 'd["cases"][0]["shape"]["m"] = 1e300'
mutate negative_reps 'd["cases"][0]["time_s"]["repetitions"] = -1'
mutate negative_version 'd["cases"][1]["kernel_version"] = -1'
mutate huge_threads 'd["threads"] = 1e300'
mutate text_number 'd["cases"][2]["flops"] = "lots"'
for cmd in report compare merge; do
    args() { if [ "$cmd" = report ]; then echo "$1"; else echo "$out/good.json $1"; fi; }
    # shellcheck disable=SC2046
    expect_fail "outside the plausible" $cmd $(args "$out/tiny_roof.json") --out "$out/o"
    # shellcheck disable=SC2046
    expect_fail "outside the plausible" $cmd $(args "$out/huge_roof.json") --out "$out/o"
    # shellcheck disable=SC2046
    expect_fail "byte_per_s" $cmd $(args "$out/inf_roof.json") --out "$out/o"
    # shellcheck disable=SC2046
    expect_fail '"m" is 1e+300' $cmd $(args "$out/huge_shape.json") --out "$out/o"
    # shellcheck disable=SC2046
    expect_fail "repetitions" $cmd $(args "$out/negative_reps.json") --out "$out/o"
    # shellcheck disable=SC2046
    expect_fail "kernel_version" $cmd $(args "$out/negative_version.json") --out "$out/o"
    # shellcheck disable=SC2046
    expect_fail "threads" $cmd $(args "$out/huge_threads.json") --out "$out/o"
    # shellcheck disable=SC2046
    expect_fail "not a number" $cmd $(args "$out/text_number.json") --out "$out/o"
done
[ ! -e "$out/o/roofline.svg" ] || { echo "a refused file was drawn"; exit 1; }

# binary garbage, a terminal escape in a case's op, a folder, an empty file
head -c 3000 /bin/sh >"$out/garbage.json"
printf '{"schema": "rooflab.results/1", "cases": [{"op": "\\u001b[2J\\u0007gemm\xff\xfe", "precision": "fp32"}]}' \
    >"$out/escape.json"
mkdir "$out/folder.json"
: >"$out/empty.json"
for cmd in report compare merge; do
    args() { if [ "$cmd" = report ]; then echo "$1"; else echo "$out/good.json $1"; fi; }
    # shellcheck disable=SC2046
    expect_fail "malformed JSON at line 1" $cmd $(args "$out/garbage.json")
    # shellcheck disable=SC2046
    expect_fail "unknown op '?[2J?gemm??" $cmd $(args "$out/escape.json")
    # shellcheck disable=SC2046
    expect_fail "Is a directory" $cmd $(args "$out/folder.json")
    # shellcheck disable=SC2046
    expect_fail "unexpected end" $cmd $(args "$out/empty.json")
done
if [ "$(id -u)" -ne 0 ]; then
    cp "$out/good.json" "$out/locked.json"
    chmod 000 "$out/locked.json"
    expect_fail "Permission denied" report "$out/locked.json"
else
    echo "note: running as root, the permission-denied row is not testable here"
fi

# the ceilings cache of `rooflab run`: refused, with the reason, not "no ceilings yet"
host=$(hostname)
if [[ "$host" =~ ^[A-Za-z0-9.-]+$ ]]; then
    cache="$out/cache/rooflab/ceilings"
    mkdir -p "$cache"
    run() {
        XDG_CACHE_HOME="$out/cache" "$rooflab" run --device cpu --suite tiny --ops copy \
            --repetitions 2 --threads 1 --out "$out/run" >/dev/null 2>"$out/run.err"
    }
    printf '{"schema": "rooflab.ceilings/1", "measured": {"memory": [{"level": "L1", "byte_per_s": 5e-324}]}}' \
        >"$cache/$host-cpu.json"
    run
    grep -q "ignoring stored ceilings: .*outside the plausible" "$out/run.err" ||
        { echo "hostile ceilings not refused:"; cat "$out/run.err"; exit 1; }
    rm "$cache/$host-cpu.json"
    mkdir "$cache/$host-cpu.json"
    run
    grep -q "ignoring stored ceilings: .*Is a directory" "$out/run.err" ||
        { echo "a folder as the ceilings file not said as such:"; cat "$out/run.err"; exit 1; }
    ! grep -q "no measured ceilings" "$out/run.err"
else
    echo "note: host name '$host' is not a plain name, the ceilings cache rows are skipped"
fi
echo "ok: hostile files refused in one line"

#!/usr/bin/env bash
# The bad-input table (bad_input.tsv): every row an input rooflab must refuse
# (or a fault it must survive) with an expected exit code and one line on
# stderr holding the expected words. Each row runs in a fresh empty folder.
# Checked for every row: the exit code, exactly one line on stderr, the
# words in it, no control character and no invalid UTF-8 in it (raw bytes
# from a file are never echoed).
#
# Rows are bash. They see: $R rooflab, $T the row's empty folder (also the
# working directory), $DATA tests/data, $GOOD a folder holding a complete
# results set, and the helpers below, whose own output is one line too.
set -uo pipefail
rooflab=$1
here=$(cd "$(dirname "$0")" && pwd)
table=${BAD_INPUT_TABLE:-$here/bad_input.tsv}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
min_rows=60

export R=$rooflab DATA=$here/../data CHECK_SET=$here/lib/check_set.py
export GOOD=$work/good
"$R" run --device cpu --suite tiny --ops copy,triad --repetitions 1 --threads 2 --out "$GOOD" \
    >/dev/null 2>"$work/good.err" || { echo "FAIL: the reference run: $(cat "$work/good.err")"; exit 1; }

# Helpers for the rows (exported to their shells).
prelude=$(cat <<'SH'
trap 'kill $(jobs -p) 2>/dev/null' EXIT
tiny=(--device cpu --suite tiny --ops copy,triad,fma --threads 2)
# Hold DIR's lock as another run would (pid written unless "nopid").
hold_lock() {
    mkdir -p "$1"
    ( exec 9>>"$1/.rooflab.lock"; flock 9; [ "${2:-}" = nopid ] || echo "$BASHPID" >"$1/.rooflab.lock"
      : >"$1/.held"; sleep 60 ) &
    while [ ! -e "$1/.held" ]; do sleep 0.02; done
}
# A run stopped by signal $1 after its first case; prints the check of its
# set (one line) and exits with rooflab's code.
signal_run() {
    "$R" run "${tiny[@]}" --repetitions 10 --out "$T/run" >/dev/null 2>"$T/err" &
    local pid=$!
    for _ in $(seq 1 1200); do
        grep -q '"op"' "$T/run/results.json" 2>/dev/null && break; sleep 0.05
    done
    kill -"$1" "$pid"; wait "$pid"; local code=$?
    python3 "$CHECK_SET" "$T/run" partial 2>&1 >/dev/null | cat >&2
    python3 "$CHECK_SET" "$T/run" partial >/dev/null 2>&1 && echo "exit $code, set consistent" >&2
    return "$code"
}
# A --wait-lock run into a held folder, stopped by signal $1 while waiting;
# prints its stderr but the line saying it waits.
waiting_run() {
    hold_lock "$T/run"
    "$R" run "${tiny[@]}" --wait-lock --out "$T/run" >/dev/null 2>"$T/err" &
    local pid=$!
    for _ in $(seq 1 600); do grep -q "waiting for the run" "$T/err" && break; sleep 0.02; done
    kill -"$1" "$pid"; wait "$pid"; local code=$?
    grep -v "waiting for the run" "$T/err" >&2
    return "$code"
}
# Run a command; fail (a second line) when it left anything new in $T.
creates_nothing() {
    local before; before=$(find "$T" | sort)
    "$@"; local code=$?
    local after; after=$(find "$T" | sort)
    [ "$after" = "$before" ] || echo "created: $(comm -13 <(echo "$before") <(echo "$after") | head -1)" >&2
    return "$code"
}
# Run a command against a copy of $GOOD in $T/run; fail when it changed it.
keeps_good() {
    mkdir -p "$T/run"
    cp "$GOOD"/* "$T/run/"
    "$@"; local code=$?
    for f in results.json results.csv roofline.svg report.html; do
        cmp -s "$GOOD/$f" "$T/run/$f" || echo "changed: $f" >&2
    done
    return "$code"
}
# A tiny run whose stored ceilings are the file $1; only its line about them.
with_stored_ceilings() {
    mkdir -p "$T/cache/rooflab/ceilings"
    cp -r "$1" "$T/cache/rooflab/ceilings/tablehost-cpu.json"
    ROOFLAB_HOST=tablehost XDG_CACHE_HOME=$T/cache "$R" run --device cpu --suite tiny --ops copy --repetitions 1 \
        --threads 2 --out "$T/run" >/dev/null 2>"$T/err"; local code=$?
    grep "stored ceilings" "$T/err" >&2
    return "$code"
}
# Bytes no text reader should echo: NUL, escape sequences, invalid UTF-8.
binary_file() { printf '\x00\x1b[31m\xff\xfe{"schema\n\r\x07' >"$1"; head -c 200 /dev/urandom >>"$1"; }
SH
)

rows=0 failures=0
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '' | '#'*) continue ;; esac
    IFS=$'\t' read -r want words cmd <<<"$line"
    rows=$((rows + 1))
    T=$(mktemp -d "$work/row.XXXXXX")
    (cd "$T" && T=$T timeout 120 bash -c "$prelude"$'\n'"$cmd") >"$work/stdout" 2>"$work/stderr"
    code=$?
    # ROOFLAB_MAX_REPS (set for emulators) adds its note; it is not the error.
    sed -i '/^rooflab [a-z]*: note: ROOFLAB_MAX_REPS=[0-9]* caps the measurement/d' "$work/stderr"
    problem=
    lines=$(wc -l <"$work/stderr")
    if [ "$code" -ne "$want" ]; then
        problem="exit $code, want $want"
    elif [ "$lines" -ne 1 ] || [ "$(tail -c1 "$work/stderr" | od -An -c | tr -d ' ')" != '\n' ]; then
        problem="$lines lines on stderr, want one"
    elif ! grep -qF -- "$words" "$work/stderr"; then
        problem="stderr lacks '$words'"
    elif LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$work/stderr" ||
        [ "$(tr -d '\000' <"$work/stderr" | wc -c)" -ne "$(wc -c <"$work/stderr")" ]; then
        problem="control characters on stderr"
    elif ! iconv -f UTF-8 -t UTF-8 "$work/stderr" >/dev/null 2>&1; then
        problem="invalid UTF-8 on stderr"
    fi
    if [ -n "$problem" ]; then
        failures=$((failures + 1))
        echo "FAIL row $rows: $cmd"
        echo "  $problem; stderr:"
        head -c 2000 "$work/stderr" | cat -v | sed 's/^/    /'
    fi
    rm -rf "$T"
done <"$table"

if [ "$rows" -lt "$min_rows" ]; then
    echo "FAIL: the table has $rows rows, at least $min_rows expected"; exit 1
fi
[ "$failures" -eq 0 ] && echo "ok: $rows bad inputs handled" || { echo "$failures of $rows rows failed"; exit 1; }

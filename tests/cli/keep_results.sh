#!/usr/bin/env bash
# A run never loses the results already in its --out: a run that fails
# before its first case touches nothing, and a run that stops with fewer
# cases than the folder holds writes beside them, in --out/partial-<date>/.
set -uo pipefail
rooflab=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
three=(--device cpu --suite tiny --ops copy,triad,fma --threads 2)
sums() { (cd "$out/run" && md5sum results.json results.csv roofline.svg report.html); }

"$rooflab" run "${three[@]}" --repetitions 2 --out "$out/run" >/dev/null 2>&1 || fail "first run"
sums >"$out/before"

# Fails at the ceilings (no cache folder) after the output folder is checked.
env -u XDG_CACHE_HOME HOME= "$rooflab" run "${three[@]}" --ceilings --out "$out/run" \
    >/dev/null 2>"$out/err"
code=$?
# ROOFLAB_MAX_REPS (set for emulators) adds its note; it is not the error.
sed -i '/^rooflab run: note: ROOFLAB_MAX_REPS=/d' "$out/err"
[ "$code" -eq 2 ] && [ "$(wc -l <"$out/err")" -eq 1 ] || { fail "--ceilings without HOME: exit $code"; cat "$out/err"; }
sums | cmp -s - "$out/before" || fail "a run that failed before its first case changed the results"
ls "$out/run" | grep -qv -e '^results\.json$' -e '^results\.csv$' -e '^roofline\.svg$' \
    -e '^report\.html$' && fail "stray files: $(ls "$out/run")"

# Stopped after one case: the three-case set stays, the one case goes beside.
"$rooflab" run "${three[@]}" --repetitions 20 --out "$out/run" >"$out/stdout" 2>"$out/err" &
pid=$!
for _ in $(seq 1 1200); do
    compgen -G "$out/run/partial-*/results.json" >/dev/null && break
    sleep 0.05
done
kill -INT "$pid"
wait "$pid"
code=$?
[ "$code" -eq 130 ] || fail "stopped run: exit $code"
sums | cmp -s - "$out/before" || fail "a stopped run with fewer cases replaced the results"
side=$(compgen -G "$out/run/partial-*")
if [ -z "$side" ]; then
    fail "the stopped run's cases were not kept"
else
    python3 "$here/lib/check_set.py" "$side" partial || fail "the side folder's set"
    grep -q "holds a run of more cases" "$out/err" || fail "no word on where the cases went"
fi

# A complete run replaces the set and leaves no side folder of its own.
rm -rf "$side"
"$rooflab" run "${three[@]}" --repetitions 2 --out "$out/run" >/dev/null 2>&1 || fail "rerun"
python3 "$here/lib/check_set.py" "$out/run" complete || fail "the complete rerun's set"
compgen -G "$out/run/partial-*" >/dev/null && fail "a complete run left a side folder"
sums | cmp -s - "$out/before" && fail "the complete rerun did not replace the results"
[ "$failures" -eq 0 ] && echo "ok: existing results kept" || exit 1

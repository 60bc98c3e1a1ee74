#!/usr/bin/env bash
# Paths built from outside names stay where they belong: a host called
# "../../x" writes under results/runs/ and looks up its ceilings inside the
# cache folder; `rooflab ceilings` finds out that it cannot store its
# ceilings before it spends a minute measuring them.
set -uo pipefail
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

mkdir -p "$out/cwd/a/b" "$out/cache"
(cd "$out/cwd/a/b" && ROOFLAB_HOST='../../x' XDG_CACHE_HOME="$out/cache" "$rooflab" run \
    --device cpu --suite tiny --ops copy --repetitions 2 --threads 2 >/dev/null 2>"$out/err") ||
    fail "run as host ../../x: $(cat "$out/err")"
made=$(cd "$out/cwd" && find . -name results.json)
case "$made" in
./a/b/results/runs/*-_._.._x-cpu/results.json) ;;
*) fail "a run as host ../../x wrote $made" ;;
esac

# The stored ceilings of that host are looked up inside the cache folder.
grep -q "no measured ceilings for cpu on ../../x" "$out/err" || fail "ceilings lookup: $(cat "$out/err")"
[ -z "$(ls "$out/cache")" ] || fail "the lookup created $(ls -R "$out/cache")"

# rooflab ceilings with no place for its cache: refused at once, one line.
start=$(date +%s)
XDG_CACHE_HOME=/dev/null/cache "$rooflab" ceilings --device cpu >/dev/null 2>"$out/err"
code=$?
took=$(($(date +%s) - start))
if [ "$code" -ne 2 ] || [ "$(wc -l <"$out/err")" -ne 1 ] || [ "$took" -gt 5 ] ||
    ! grep -q "cannot create output folder /dev/null/cache" "$out/err"; then
    fail "ceilings into /dev/null/cache: exit $code after $took s"; cat "$out/err"
fi
[ "$failures" -eq 0 ] && echo "ok: paths stay in place" || exit 1

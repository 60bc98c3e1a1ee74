#!/usr/bin/env bash
# Every command's --help: exit 0, a usage line, and text printed as written
# (a "%%" left in a string that is printed with fputs shows up doubled).
set -eu
rooflab=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$rooflab" --help >"$out/top.txt"
grep -q '^usage: rooflab <command>' "$out/top.txt"
# The commands the top-level help lists, so a new one is covered too.
commands=$(awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1}' "$out/top.txt")
[ "$(echo "$commands" | wc -w)" -ge 10 ] || { echo "too few commands listed: $commands"; exit 1; }
for c in $commands; do
    "$rooflab" "$c" --help >"$out/$c.txt" 2>&1 || { echo "$c --help failed"; exit 1; }
    grep -q "^usage: rooflab $c" "$out/$c.txt" || { echo "$c --help: no usage line"; exit 1; }
    if grep -n '%%' "$out/$c.txt"; then
        echo "$c --help prints a doubled percent sign"
        exit 1
    fi
done
# Models a --help names as shipped ("model/configs: a, b, ...") are shipped.
configs=$(cd "$(dirname "$0")/../../model/configs" && pwd)
named=$(cat "$out"/*.txt | tr '\n' ' ' | grep -o 'model/configs: [^;)]*' |
        sed 's/model\/configs: //; s/\.\.\.//g' | tr ', ' '\n\n' | grep -v '^$' | sort -u)
[ -n "$named" ] || { echo "no help text names a shipped model"; exit 1; }
for m in $named; do
    [ -f "$configs/$m.json" ] || { echo "a --help names model '$m', which is not in model/configs"; exit 1; }
done
echo "usage: $(echo $commands | wc -w) commands checked; models named: $(echo $named)"

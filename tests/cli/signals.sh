#!/usr/bin/env bash
# SIGTERM, SIGHUP and SIGINT stop a run the same way: the current write
# finishes, the finished cases are written once more as "partial", the four
# files agree, no temporary file is left, the exit code is 128 + the signal.
# A second signal while the results are being written waits for the write.
# fsync is made slow (0.3 s) through a preloaded shim, so that a signal can
# be sent for sure while a results file is half-way written.
set -uo pipefail
rooflab=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failures=0
if ! command -v cc >/dev/null; then
    echo "SKIPPED: no C compiler for the slow-fsync shim"; exit 77
fi
cat >"$out/slow_fsync.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <unistd.h>
int fsync(int fd)
{
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    usleep(300000);
    return real(fd);
}
C
cc -shared -fPIC -o "$out/slow_fsync.so" "$out/slow_fsync.c" -ldl || exit 1

# Start a run; return once one of its results files is being written.
start_run() {
    local dir=$1
    # Under AddressSanitizer the shim may not come first.
    LD_PRELOAD="$out/slow_fsync.so" ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
        "$rooflab" run --device cpu --suite tiny --ops copy,triad,fma --repetitions 10 \
        --threads 2 --out "$dir" >"$out/stdout" 2>"$out/stderr" &
    pid=$!
    wait_for_write "$dir"
}
wait_for_write() {
    for _ in $(seq 1 3000); do
        compgen -G "$1/*.tmp" >/dev/null && return
        sleep 0.01
    done
}

for sig in TERM HUP INT; do
    start_run "$out/$sig"
    kill -"$sig" "$pid"
    wait "$pid"
    code=$?
    want=$((128 + $(kill -l "$sig")))
    if [ "$code" -ne "$want" ] || ! grep -q "(partial: interrupted)" "$out/stdout"; then
        echo "FAIL: SIG$sig: exit $code (want $want), stdout:"; cat "$out/stdout" "$out/stderr"
        failures=$((failures + 1))
    elif ! python3 "$here/lib/check_set.py" "$out/$sig" partial; then
        echo "FAIL: SIG$sig left an inconsistent set"; failures=$((failures + 1))
    fi
done

# Two Ctrl-Cs: the second lands while a file is being written.
start_run "$out/twice"
kill -INT "$pid"
sleep 0.5
wait_for_write "$out/twice"
kill -INT "$pid" 2>/dev/null
wait "$pid"
code=$?
if [ "$code" -ne 130 ]; then
    echo "FAIL: two SIGINTs: exit $code, want 130"; cat "$out/stderr"; failures=$((failures + 1))
elif ! python3 "$here/lib/check_set.py" "$out/twice" partial; then
    echo "FAIL: a second SIGINT cut the write"; failures=$((failures + 1))
fi
[ "$failures" -eq 0 ] && echo "ok: signals keep a consistent set" || exit 1

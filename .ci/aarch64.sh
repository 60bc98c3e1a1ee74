#!/usr/bin/env bash
# CI: the ARM CPU path (Jetson, Graviton, ...). Cross-compiles rooflab for
# aarch64 with the CUDA backend off, using Debian's cross toolchain and the
# :arm64 dev packages of the dependencies, then runs the test suite and a
# small `rooflab run` under qemu-user. Time means nothing under emulation
# (50-100x slow), so ROOFLAB_MAX_REPS caps every measurement: what this pass
# checks is that everything builds for Arm and that every kernel matches its
# float64 reference there.
#
# One thread: under qemu-user 7.2 (Debian 12) a process spins forever in
# pthread_create. OMP_THREAD_LIMIT=1 keeps OpenMP to the main thread (the CPU
# backend then tells OpenBLAS the same), and OPENBLAS_NUM_THREADS=1 keeps
# OpenBLAS's pthreads build from starting its workers when it loads.
#
# A stall must fail this step, not hang CI: every emulated program runs
# under a timeout, each test under ctest's, and the whole pass under a
# budget (ROOFLAB_AARCH64_BUDGET_S, default 840 s), with a message that
# says what stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-aarch64}
budget_s=${ROOFLAB_AARCH64_BUDGET_S:-840}
test_timeout_s=${ROOFLAB_AARCH64_TEST_TIMEOUT_S:-240}
step() { echo "== $1 ($(date +%T), ${SECONDS}s)"; }
left() {
    local l=$((budget_s - SECONDS))
    echo $((l > 10 ? l : 10))
}
fail() {
    echo "aarch64: FAILED: $*" >&2
    exit 1
}

step "cross toolchain, qemu-user and the arm64 libraries"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64 # install-deps.sh updates the package lists
fi
./scripts/install-deps.sh crossbuild-essential-arm64 qemu-user-static \
    libopenblas-dev:arm64 libhwloc-dev:arm64 libbenchmark-dev:arm64 libcmocka-dev:arm64 \
    libcjson-dev:arm64 libsleef-dev:arm64

step "configure and build for aarch64"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DROOFLAB_CUDA=OFF \
    -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
cmake --build "$build" -j "${JOBS:-2}"
readelf -h "$build/rooflab" | grep -q "Machine: *AArch64" || fail "$build/rooflab is not an AArch64 binary"

export ROOFLAB_MAX_REPS=1 OMP_THREAD_LIMIT=1 OPENBLAS_NUM_THREADS=1
qemu=(qemu-aarch64-static -L /usr/aarch64-linux-gnu)

# Under the limits above a tiny run takes seconds; if it does not finish in
# two minutes the emulator has stalled, and every test would time out too.
step "qemu-aarch64 runs rooflab (a stall check)"
canary=$(mktemp -d)
trap 'rm -rf "$canary"' EXIT
if ! timeout -k 5 120 "${qemu[@]}" "$build/rooflab" run --device cpu --ops gemm,softmax \
    --precision fp32 --shape m=257,n=129,k=65 --shape rows=7,cols=1023 --threads 2 \
    --out "$canary/run" >"$canary/log" 2>&1; then
    cat "$canary/log" >&2
    fail "a two-case run under qemu-aarch64 did not finish within 120 s (or failed): a qemu-user stall (it spins once a second thread starts: check that OMP_THREAD_LIMIT=1 and OPENBLAS_NUM_THREADS=1 reach the program) or a broken build"
fi

step "tests under qemu-aarch64 (each at most ${test_timeout_s}s)"
# Left out: the browser test (an x86 browser renders an x86 run's report as
# well), the interrupt test (its signal timing assumes native speed), the
# llm suite's test (minutes of emulated GEMM validation; its plan is plain
# arithmetic tested natively, and its kernels are checked here by
# test_kernels_cpu and the tiny run) and test_multi_run (it forks rooflab
# once per device and stops them from a second thread; under qemu-user the
# forked children spin before their exec, and what it tests, processes and
# signals, is the same on every architecture), the signals test (it slows
# fsync with a preload library built for the host, which the emulated
# binary cannot load, so its signals arrive after the run has ended) and the
# fusion-flags test (its stopping-rule checks need uncapped sampling; the
# rule is unit-tested by test_sampling, which runs here) and the ceilings
# test (a full working-set sweep and 2048^3 GEMMs, minutes emulated, for a
# choice of DRAM roof that is plain arithmetic).
# The per-test timeout catches a stall in one test; the outer one, the
# budget of the whole pass.
ctest_log=$canary/ctest.log
rc=0
timeout -k 10 "$(left)" ctest --test-dir "$build" -j 1 --output-on-failure \
    --timeout "$test_timeout_s" -E '^(cli_(ceilings_dram|ceilings_drift|chromium|interrupt|llm|signals|fusion_flags)|test_multi_run)$' 2>&1 | tee "$ctest_log" ||
    rc=$?
if [ "$rc" -ne 0 ]; then
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        fail "the tests under qemu-aarch64 ran past the pass's budget of ${budget_s}s (a stall, or emulation too slow on this machine)"
    fi
    slow=$(grep -E '\*\*\*Timeout' "$ctest_log" | awk '{print $4}' | paste -sd, - || true)
    [ -n "$slow" ] &&
        fail "under qemu-aarch64, $slow ran past ${test_timeout_s}s: a qemu-user stall or a test too slow for emulation"
    fail "tests failed under qemu-aarch64 (see above)"
fi

step "a small run under qemu-aarch64"
timeout -k 5 "$(left)" "${qemu[@]}" "$build/rooflab" run --device cpu --suite tiny \
    --threads 2 --out "$canary/tiny" ||
    fail "the tiny suite under qemu-aarch64 failed or ran past the budget of ${budget_s}s"
step "done"

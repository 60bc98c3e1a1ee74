#!/usr/bin/env bash
# Run the tiny suite (every op, the default precisions) under valgrind's
# memcheck: invalid reads and writes, uses of uninitialised values and
# definite leaks fail the step. The build targets plain x86-64
# (-DROOFLAB_NATIVE=OFF) and OpenBLAS is held to its Haswell kernels:
# valgrind cannot execute AVX-512.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh cmake ninja-build pkg-config gcc g++ valgrind python3 \
    libopenblas-dev libhwloc-dev libbenchmark-dev libcjson-dev libsleef-dev
build=${MEMCHECK_BUILD:-build-memcheck}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROOFLAB_NATIVE=OFF \
    -DROOFLAB_CUDA=OFF -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target rooflab
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export OPENBLAS_CORETYPE=Haswell
# rooflab re-executes itself to set this one; under valgrind /proc/self/exe
# is valgrind's own tool, so it is set here
export OMP_WAIT_POLICY=PASSIVE
memcheck() {
    valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite --num-callers=30 "$@"
}
memcheck "$build/rooflab" run --device cpu --suite tiny --repetitions 2 --threads 2 --seed 1 \
    --out "$out/run"
python3 tests/cli/synthetic_results.py "$out/b.json" --host node-b --scale 1.2 >/dev/null
memcheck "$build/rooflab" report "$out/run/results.json" --out "$out/report" >/dev/null
memcheck "$build/rooflab" compare "$out/run/results.json" "$out/b.json" --out "$out/cmp" >/dev/null
memcheck "$build/rooflab" merge "$out/run/results.json" "$out/b.json" --out "$out/merge" >/dev/null
echo "valgrind: the tiny suite, report, compare and merge ran clean"

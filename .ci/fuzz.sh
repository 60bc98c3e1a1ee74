#!/usr/bin/env bash
# Fuzz the readers of hostile input: build the libFuzzer targets of
# tests/fuzz with clang (ASan + UBSan + float-divide-by-zero) and run each
# for FUZZ_SECONDS (default 60) from its committed seed corpus. A crash, a
# sanitizer report, a leak or a hang (10 s per input) fails the step and
# leaves the input in build-fuzz/fuzz-work/<target>/.
#
#   .ci/fuzz.sh                         every target, 60 s each (CI)
#   FUZZ_SECONDS=600 .ci/fuzz.sh fuzz_results fuzz_catalog    longer, locally
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh cmake ninja-build pkg-config clang-14 libomp-14-dev \
    libopenblas-dev libhwloc-dev libbenchmark-dev libcjson-dev libsleef-dev
seconds=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD:-build-fuzz}
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DROOFLAB_FUZZ=ON -DROOFLAB_CUDA=OFF -DROOFLAB_NATIVE=OFF -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target fuzz_all
targets=("$@")
[ ${#targets[@]} -gt 0 ] ||
    targets=(fuzz_results fuzz_ceilings fuzz_catalog fuzz_hf_config fuzz_options)
failed=0
for t in "${targets[@]}"; do
    work="$build/fuzz-work/$t"
    mkdir -p "$work/corpus" "$work/artifacts"
    # new inputs go to the work folder; the committed seeds are only read
    if "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
            "$work/corpus" "tests/fuzz/corpus/$t" >"$work/log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
        echo "fuzz: $t: ${runs:-?} inputs in ${seconds} s, no crash"
    else
        echo "fuzz: $t FAILED; the input is in $work/artifacts/, the log ends:"
        tail -40 "$work/log"
        failed=1
    fi
done
exit "$failed"

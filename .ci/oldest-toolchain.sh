#!/usr/bin/env bash
# CI: the oldest toolchain rooflab supports, that of Ubuntu 22.04 / JetPack 6:
# CMake 3.22.1 (from PyPI, in a venv) and GCC 11 configure, build and test the
# default preset (CUDA code included); then every host C file that includes a
# CUDA header is compiled (syntax only) against the CUDA 12.2 headers of
# JetPack 6.0, taken from NVIDIA's PyPI wheels. Device code is compiled by the
# installed nvcc; docs/portability.md lists what it uses and since when.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/cuda/bin:$PATH"
tools=${ROOFLAB_CI_TOOLS:-/tmp/rooflab-ci-tools}
build=build-oldest
./scripts/install-deps.sh python3-venv gcc-11 g++-11

step() { echo "== $1 ($(date +%T))"; }

step "CMake 3.22.1 and the CUDA 12.2 headers from PyPI"
if [ ! -x "$tools/venv/bin/cmake" ]; then
    python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install -q cmake==3.22.1
fi
if [ ! -d "$tools/cuda-12.2/nvidia/cublas/include" ]; then
    "$tools/venv/bin/pip" install -q --target "$tools/cuda-12.2" \
        nvidia-cuda-runtime-cu12==12.2.140 nvidia-cublas-cu12==12.2.5.6
fi
cmake=$tools/venv/bin/cmake
ctest=$tools/venv/bin/ctest
"$cmake" --version | head -1

step "configure and build with CMake 3.22.1 and GCC 11"
CC=gcc-11 CXX=g++-11 "$cmake" --preset default -B "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
"$cmake" --build "$build" -j "${JOBS:-2}"

step "test"
"$ctest" --test-dir "$build" -j 1 --output-on-failure

step "host code against the CUDA 12.2 headers"
python3 .ci/cuda_headers_check.py "$build/compile_commands.json" \
    "$tools/cuda-12.2/nvidia/cuda_runtime/include" "$tools/cuda-12.2/nvidia/cublas/include"
step "done"

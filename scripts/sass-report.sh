#!/usr/bin/env bash
# The CUDA kernels' SASS report (scripts/sass_report.py): registers, spills,
# shared memory, occupancy, 128-bit loads per loop trip, bank conflicts, for
# every kernel of the sm_90 and sm_87 builds, into docs/kernels-sass.md.
#
#   scripts/sass-report.sh [--build DIR] [--out FILE] [--check]
#
# cuobjdump comes from the toolkit when it has one, else from the PyPI wheel
# nvidia-cuda-cuobjdump (and nvidia-cuda-nvdisasm, which cuobjdump -sass runs)
# in the Python that runs this (set PYTHON to a venv's
# python3; .ci/sass-check.sh makes one).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if ! command -v cuobjdump >/dev/null 2>&1 || ! command -v nvdisasm >/dev/null 2>&1; then
    for dir in /usr/local/cuda/bin \
               "$("$PYTHON" -c 'import nvidia, os; print(os.path.dirname(nvidia.__path__[0]))' 2>/dev/null)"; do
        [ -n "$dir" ] || continue
        for tool in cuobjdump nvdisasm; do
            found=$(find "$dir" -maxdepth 4 -name "$tool" -type f 2>/dev/null | head -n 1)
            [ -z "$found" ] || PATH="$(dirname "$found"):$PATH"
        done
    done
fi
if ! command -v cuobjdump >/dev/null 2>&1 || ! command -v nvdisasm >/dev/null 2>&1; then
    echo "sass-report: needs cuobjdump and nvdisasm (pip install nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm, or run .ci/sass-check.sh)" >&2
    exit 2
fi
exec "$PYTHON" scripts/sass_report.py "$@"

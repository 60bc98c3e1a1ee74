#!/usr/bin/env bash
# CI: the SASS report of the CUDA build (scripts/sass-report.sh --check):
# fails when a kernel spills or a v4 row kernel's theoretical occupancy is
# under its floor. The toolkit on CI lacks cuobjdump, so it comes from the
# PyPI wheel, in a venv under the build folder. Run after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
if ! ls "$BUILD"/kernels/cuda/CMakeFiles/rl_kernels_cuda.dir/*.cu.o >/dev/null 2>&1; then
    echo "sass-check: $BUILD has no CUDA objects (built without the toolkit?)" >&2
    exit 1
fi
./scripts/install-deps.sh python3 python3-venv binutils
VENV="$BUILD/.sass-venv"
if [ ! -x "$VENV/bin/python3" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm
PYTHON="$VENV/bin/python3" ./scripts/sass-report.sh --build "$BUILD" --out "$BUILD/kernels-sass.md" --check

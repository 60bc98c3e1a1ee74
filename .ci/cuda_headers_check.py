#!/usr/bin/env python3
"""Compile (syntax only) every host C/C++ file of a CUDA build against other
CUDA headers, e.g. those of CUDA 12.2, the oldest release rooflab supports.

usage: cuda_headers_check.py compile_commands.json INCLUDE_DIR...

Each command from compile_commands.json that names the build's CUDA include
directory runs again with that directory replaced by INCLUDE_DIRs and
-fsyntax-only in place of the output. CUDART_VERSION as those headers define
it is printed first, so the log shows which CUDA was checked.

Device code needs nvcc, which those headers do not bring: for the .cu files
(and the .cuh files beside them) every intrinsic (__name) and runtime name
(cudaName) they use must be declared in INCLUDE_DIRs, except the few that
nvcc declares itself (NVCC_BUILTINS), which are as old as CUDA."""
import glob
import json
import os
import re
import shlex
import subprocess
import sys


# Declared by nvcc's own headers (crt/), not by the runtime's: CUDA 1.x names.
NVCC_BUILTINS = {"__syncthreads", "__expf", "__fdividef"}
# Keywords and qualifiers that look like intrinsics.
CUDA_KEYWORDS = {"__global__", "__device__", "__host__", "__shared__", "__restrict__",
                 "__forceinline__", "__launch_bounds__", "__constant__", "__noinline__"}


def check_device_names(commands, include_dirs):
    """Names the device code uses that the given headers do not declare."""
    sources = set()
    for entry in commands:
        if entry["file"].endswith(".cu"):
            sources.add(entry["file"])
            sources.update(glob.glob(os.path.join(os.path.dirname(entry["file"]), "*.cuh")))
    names = set()
    for path in sources:
        text = open(path, errors="replace").read()
        text = re.sub(r"//[^\n]*|/\*.*?\*/", " ", text, flags=re.S)
        names.update(re.findall(r"\b(__[a-z][a-z0-9_]*[a-z0-9]|cuda[A-Z][A-Za-z0-9_]*)\b", text))
    names -= CUDA_KEYWORDS | NVCC_BUILTINS
    headers = ""
    for d in include_dirs:
        for path in glob.glob(os.path.join(d, "**", "*.h*"), recursive=True):
            headers += open(path, errors="replace").read()
    declared = set(re.findall(r"\b(__[a-z][a-z0-9_]*[a-z0-9]|cuda[A-Z][A-Za-z0-9_]*)\b", headers))
    return len(sources), sorted(names), sorted(names - declared)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().splitlines()[3])
    commands = json.load(open(sys.argv[1]))
    new_dirs = [os.path.abspath(d) for d in sys.argv[2:]]
    for d in new_dirs:
        if not os.path.isdir(d):
            sys.exit(f"cuda_headers_check: no such directory: {d}")

    def is_cuda_include(path):
        return os.path.isfile(os.path.join(path, "cuda_runtime_api.h"))

    checked = failed = 0
    version_shown = False
    for entry in commands:
        if entry["file"].endswith(".cu"):
            continue
        args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
        out, swapped, i = [], False, 0
        while i < len(args):
            a = args[i]
            if a in ("-isystem", "-I") and i + 1 < len(args) and is_cuda_include(args[i + 1]):
                if not swapped:
                    for d in new_dirs:
                        out += ["-isystem", d]
                swapped, i = True, i + 2
                continue
            if a.startswith("-I") and len(a) > 2 and is_cuda_include(a[2:]):
                if not swapped:
                    for d in new_dirs:
                        out += ["-isystem", d]
                swapped, i = True, i + 1
                continue
            if a == "-o" and i + 1 < len(args):
                i += 2
                continue
            out.append(a)
            i += 1
        if not swapped:
            continue
        # Only files that really include a CUDA header are of interest.
        source = open(entry["file"], errors="replace").read()
        if "cuda" not in source.lower() and "cublas" not in source.lower():
            continue
        if not version_shown:
            probe = [out[0], "-E", "-P", "-x", "c", "-"] + [
                a for j, a in enumerate(out) if a == "-isystem" or (j and out[j - 1] == "-isystem")]
            text = subprocess.run(probe, input="#include <cuda_runtime_api.h>\nCUDART_VERSION\n",
                                  capture_output=True, text=True, check=True).stdout
            print(f"CUDART_VERSION of the headers checked: {text.strip().splitlines()[-1]}")
            version_shown = True
        result = subprocess.run(out + ["-fsyntax-only", "-Werror=implicit-function-declaration"], cwd=entry["directory"],
                                capture_output=True, text=True)
        rel = os.path.relpath(entry["file"])
        checked += 1
        if result.returncode != 0:
            failed += 1
            print(f"FAILED {rel}\n{result.stderr}")
        else:
            print(f"ok     {rel}")
    print(f"{checked} host files checked, {failed} failed")
    count, used, missing = check_device_names(commands, new_dirs)
    print(f"device code: {count} files use {len(used)} CUDA names; "
          f"not declared in these headers: {' '.join(missing) or 'none'}")
    failed += len(missing)
    if checked == 0:
        sys.exit("cuda_headers_check: no file includes a CUDA header (was CUDA enabled?)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

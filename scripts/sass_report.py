#!/usr/bin/env python3
"""Static evidence about the CUDA kernels, from their compiled SASS.

For every kernel of every CUDA object in the build (one table per target
architecture): registers, spills, static shared memory, theoretical
occupancy at the kernel's block size, the 128-bit global loads per loop
trip, shared-memory accesses that are bank-conflicted by their layout, and
the division slow paths. Needs cuobjdump (the PyPI wheel
nvidia-cuda-cuobjdump carries it where the toolkit does not) and c++filt.

    sass_report.py --build build --out docs/kernels-sass.md [--check]

--check exits 1 when a kernel spills or a v4 kernel's occupancy is under
the floor (OCCUPANCY_FLOOR), 2 on bad input.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

# Per-SM limits (CUDA C Programming Guide, "Technical Specifications per
# Compute Capability"): registers, threads, blocks, warps, shared memory per
# SM, and the shared memory the runtime reserves per block.
ARCH_LIMITS = {
    "sm_90": dict(regs=65536, threads=2048, blocks=32, warps=64, smem=233472, reserved=1024),
    "sm_87": dict(regs=65536, threads=1536, blocks=16, warps=48, smem=167936, reserved=1024),
}
REG_ALLOC_UNIT = 256  # registers are allocated per warp in units of 256

# The floor for v4 kernels. 50 % is 32 warps of 64 on sm_90: with 4
# 16-byte loads in flight per thread that is 64 KiB in flight per SM, about
# 2.5x what Little's law asks at H100's 3.35 TB/s over 132 SMs with 1 us of
# loaded DRAM latency (25 KB), so a lower occupancy would starve DRAM.
OCCUPANCY_FLOOR = 0.50

# Block sizes of the kernels launched with a size other than their
# __launch_bounds__ (the maximum in the ELF): v3's block follows the row
# length (2 packs per thread, 32..1024), so report it at both ends.
EXTRA_BLOCKS = {
    "sm_vec_kernel": [32, 1024],
    "ln_vec_kernel": [32, 1024],
}


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip().splitlines()[-1:]))
    return r.stdout


def demangle(names):
    out = run(["c++filt"] + list(names)) if names else ""
    return dict(zip(names, out.splitlines()))


def short_name(pretty):
    """rlcu::(anonymous namespace)::sm_vec_kernel<float, true>(...) -> sm_vec_kernel<float, true>"""
    s = re.sub(r"\(anonymous namespace\)::", "", pretty)
    s = s.replace("rlcu::", "").replace("__nv_bfloat16", "bf16").replace("__half", "half")
    depth, end = 0, len(s)
    for i, c in enumerate(s):  # cut the parameter list: the first '(' at depth 0
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
        elif c == "(" and depth == 0:
            end = i
            break
    return s[:end].replace("void ", "")


def parse_resources(text):
    """cuobjdump -res-usage: {mangled: dict(reg, stack, shared, local)}"""
    res, fn = {}, None
    for line in text.splitlines():
        m = re.match(r"\s*Function (\S+):", line)
        if m:
            fn = m.group(1)
            continue
        m = re.search(r"REG:(\d+) STACK:(\d+) SHARED:(\d+) LOCAL:(\d+)", line)
        if m and fn:
            res[fn] = dict(reg=int(m.group(1)), stack=int(m.group(2)), shared=int(m.group(3)),
                           local=int(m.group(4)))
            fn = None
    return res


def parse_max_threads(text):
    """cuobjdump -elf: {mangled: x*y*z of EIATTR_MAX_THREADS} (__launch_bounds__)."""
    out, fn, want = {}, None, False
    for line in text.splitlines():
        m = re.match(r"^\.nv\.info\.(\S+)$", line)
        if m:
            fn = m.group(1)
            continue
        if "EIATTR_MAX_THREADS" in line:
            want = True
            continue
        if want and line.strip().startswith("Value:"):
            dims = [int(v, 16) for v in re.findall(r"0x[0-9a-fA-F]+", line)]
            n = 1
            for d in dims:
                n *= d
            if fn:
                out[fn] = n
            want = False
    return out


INSN = re.compile(r"/\*([0-9a-f]{4,})\*/\s+(@!?U?P\w+\s+)?([A-Z][A-Z0-9_.]*)([^;]*);")


def parse_sass(text):
    """cuobjdump -sass: {mangled: [(address, opcode, operands)]}"""
    funcs, fn = {}, None
    for line in text.splitlines():
        m = re.match(r"\s*Function : (\S+)", line)
        if m:
            fn = m.group(1)
            funcs[fn] = []
            continue
        m = INSN.search(line)
        if m and fn:
            funcs[fn].append((int(m.group(1), 16), m.group(3), m.group(4).strip()))
    return funcs


def is_ldg128(op):
    return op.startswith("LDG.") and ".128" in op


def loop_loads(insns):
    """128-bit global loads per loop trip: for every loop (a backward branch)
    that loads, the LDG.128 in its body outside the loops nested in it.
    Returns (min, max) over those loops, or None without such a loop, and
    the LDG.128 outside every loop."""
    loops = []
    for addr, op, args in insns:
        if op.startswith("BRA"):
            m = re.search(r"0x([0-9a-f]+)", args)
            if m:
                tgt = int(m.group(1), 16)
                if tgt < addr:  # backward; 'BRA self' at the end is the trap after EXIT
                    loops.append((tgt, addr))
    loads = [a for a, op, _ in insns if is_ldg128(op)]
    counts = []
    for lo, hi in loops:
        inner = [(l2, h2) for l2, h2 in loops if (l2, h2) != (lo, hi) and lo <= l2 and h2 <= hi]
        n = sum(1 for a in loads if lo <= a <= hi and not any(l2 <= a <= h2 for l2, h2 in inner))
        if n:
            counts.append(n)
    outside = sum(1 for a in loads if not any(lo <= a <= hi for lo, hi in loops))
    return (min(counts), max(counts)) if counts else None, outside


SHMEM = re.compile(r"^(LDS|STS)(\.U8|\.S8|\.U16|\.S16|\.64|\.128)?$")
ADDR = re.compile(r"\[(R\d+|RZ)(?:\+(?:UR\d+\+)?(0x[0-9a-f]+|-0x[0-9a-f]+))?\]")


def bank_conflicts(insns):
    """128-bit (and 64-bit) shared accesses whose thread footprint is wider
    than the access: the same base register used at offsets one access
    apart (srow[t*8 + 0..3], srow[t*8 + 4..7]) means each thread owns 32
    contiguous bytes, so a quarter warp of STS.128 spans 256 bytes: 2-way
    conflicted. Returns (conflicted accesses, 64/128-bit shared accesses).
    A heuristic: a base that is not thread-strided would be a false alarm,
    and a conflict from an index computed elsewhere is not seen."""
    by_base = {}
    wide = 0
    for _, op, args in insns:
        m = SHMEM.match(op)
        if not m or m.group(2) not in (".64", ".128"):
            continue
        wide += 1
        width = 16 if m.group(2) == ".128" else 8
        a = ADDR.search(args)
        if not a or a.group(1) == "RZ":
            continue
        off = int(a.group(2), 16) if a.group(2) else 0
        by_base.setdefault((a.group(1), width), []).append(off)
    conflicted = 0
    for (_, width), offs in by_base.items():
        s = set(offs)
        if any((o + width) in s for o in s):
            conflicted += len(offs)
    return conflicted, wide


def occupancy(arch, regs, threads, smem):
    lim = ARCH_LIMITS[arch]
    warps = (threads + 31) // 32
    per_warp = -(-regs * 32 // REG_ALLOC_UNIT) * REG_ALLOC_UNIT
    by_regs = (lim["regs"] // per_warp) // warps if per_warp else lim["blocks"]
    by_smem = lim["smem"] // (smem + lim["reserved"])
    by_threads = lim["threads"] // (warps * 32)
    blocks = min(by_regs, by_smem, by_threads, lim["blocks"])
    return blocks * warps / lim["warps"]


def analyse(obj, arch):
    args = ["-arch", arch, obj]
    res = parse_resources(run(["cuobjdump", "-res-usage"] + args))
    mt = parse_max_threads(run(["cuobjdump", "-elf"] + args))
    sass = parse_sass(run(["cuobjdump", "-sass"] + args))
    names = demangle(sorted(sass))
    rows = []
    for fn, insns in sass.items():
        r = res.get(fn, dict(reg=0, stack=0, shared=0, local=0))
        # The shared memory the ELF reports includes the 1 KiB the runtime
        # reserves on sm_90; count a kernel's own static shared memory.
        static = max(r["shared"] - (1024 if arch == "sm_90" else 0), 0)
        name = short_name(names.get(fn, fn))
        base = name.split("<")[0]
        blocks = sorted(set([mt.get(fn, 256)] + EXTRA_BLOCKS.get(base, [])))
        spills = sum(1 for _, op, _ in insns if op.startswith(("STL", "LDL")))
        lt, outside = loop_loads(insns)
        conflicted, wide = bank_conflicts(insns)
        rows.append(dict(
            file=os.path.basename(obj).split(".")[0], name=name, regs=r["reg"],
            spills=spills, local=r["local"], stack=r["stack"],
            smem=static, blocks=blocks,
            occ=[occupancy(arch, r["reg"], b, static) for b in blocks],
            loop_loads=lt, outside=outside, conflicted=conflicted, wide=wide,
            calls=sum(1 for _, op, _ in insns if op.startswith("CALL")),
            rcp=sum(1 for _, op, _ in insns if op == "MUFU.RCP"),
            v4="_v4" in base))
    return rows


def fmt_loads(r):
    if r["loop_loads"] is None:
        s = "-"
    else:
        lo, hi = r["loop_loads"]
        s = str(lo) if lo == hi else "%d-%d" % (lo, hi)
    return s + (" (+%d)" % r["outside"] if r["outside"] else "")


def write_report(path, per_arch, objs):
    lines = [
        "# The CUDA kernels in SASS",
        "",
        "Written by `scripts/sass-report.sh` from the build's CUDA objects (%s) with"
        % ", ".join("`%s`" % os.path.basename(o) for o in objs),
        "`cuobjdump`; regenerate it after changing a kernel. No GPU is involved: every",
        "figure is read from the compiled code or computed from the per-SM limits.",
        "",
        "Columns:",
        "- **regs**: registers per thread; **spill**: local-memory loads and stores",
        "  (`LDL`/`STL`) in the code, which must be 0.",
        "- **smem**: static shared memory per block (bytes; the dynamic shared memory of",
        "  v3's cached rows comes on top at run time).",
        "- **block → occ**: theoretical occupancy (resident warps / the SM's maximum) at",
        "  the block size the kernel is launched with (its `__launch_bounds__`; v3's",
        "  row kernels at both ends of their range), limited by registers, threads,",
        "  blocks per SM and static shared memory. v4 kernels must reach %d %%." % round(OCCUPANCY_FLOOR * 100),
        "- **LDG.128/trip**: 128-bit global loads in the body of each loop that loads",
        "  (min-max over such loops, nested loops counted separately), `(+n)` loads",
        "  outside every loop (straight-line code, e.g. a fully unrolled row).",
        "- **conflicted**: 64/128-bit shared accesses whose layout gives each thread a",
        "  footprint wider than the access (the same base register at offsets one",
        "  access apart), so a quarter warp spans more than 32 banks: at least 2-way",
        "  bank-conflicted; of **wide** 64/128-bit shared accesses. A heuristic: it does",
        "  not see conflicts from indices computed elsewhere.",
        "- **calls / rcp**: subroutine calls (the IEEE division slow path) and",
        "  `MUFU.RCP`s in the code.",
        "",
    ]
    for arch, rows in per_arch.items():
        lines += ["## %s" % arch, "",
                  "| file | kernel | regs | spill | smem | block → occ | LDG.128/trip | conflicted / wide | calls / rcp |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in sorted(rows, key=lambda r: (r["file"], r["name"])):
            occ = ", ".join("%d → %d %%" % (b, round(o * 100)) for b, o in zip(r["blocks"], r["occ"]))
            lines.append("| %s | `%s` | %d | %d | %d | %s | %s | %d / %d | %d / %d |" % (
                r["file"], r["name"], r["regs"], r["spills"], r["smem"], occ, fmt_loads(r),
                r["conflicted"], r["wide"], r["calls"], r["rcp"]))
        lines.append("")
    text = "\n".join(lines)
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".kernels-sass.")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build", help="the CMake build folder (default: build)")
    ap.add_argument("--out", default="docs/kernels-sass.md")
    ap.add_argument("--arch", action="append", help="sm_90, sm_87 (default: both)")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if a kernel spills or a v4 kernel is under the occupancy floor")
    a = ap.parse_args()
    objs = sorted(glob.glob(os.path.join(a.build, "kernels/cuda/CMakeFiles/rl_kernels_cuda.dir/*.cu.o")))
    if not objs:
        print("sass-report: no CUDA objects under %s/kernels/cuda (build with CUDA first)" % a.build,
              file=sys.stderr)
        return 2
    archs = a.arch or ["sm_90", "sm_87"]
    for arch in archs:
        if arch not in ARCH_LIMITS:
            print("sass-report: unknown architecture %s (know %s)" % (arch, ", ".join(ARCH_LIMITS)),
                  file=sys.stderr)
            return 2
    per_arch = {}
    try:
        for arch in archs:
            per_arch[arch] = [r for o in objs for r in analyse(o, arch)]
    except (RuntimeError, FileNotFoundError) as e:
        print("sass-report: %s" % e, file=sys.stderr)
        return 2
    for arch, rows in per_arch.items():
        if not rows:
            print("sass-report: the build has no %s code" % arch, file=sys.stderr)
            return 2
    write_report(a.out, per_arch, objs)
    bad = []
    for arch, rows in per_arch.items():
        for r in rows:
            if r["spills"] or r["local"]:
                bad.append("%s %s spills (%d local-memory accesses, %d bytes local)"
                           % (arch, r["name"], r["spills"], r["local"]))
            if r["v4"] and min(r["occ"]) < OCCUPANCY_FLOOR:
                bad.append("%s %s occupancy %d %% is under the floor of %d %%"
                           % (arch, r["name"], round(min(r["occ"]) * 100), round(OCCUPANCY_FLOOR * 100)))
    n = sum(len(r) for r in per_arch.values())
    print("sass-report: %d kernels (%s) written to %s" % (n, ", ".join(archs), a.out))
    for b in bad:
        print("sass-report: %s" % b, file=sys.stderr)
    return 1 if (a.check and bad) else 0


if __name__ == "__main__":
    sys.exit(main())

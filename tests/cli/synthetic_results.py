#!/usr/bin/env python3
"""Write a synthetic rooflab results.json (schema rooflab.results/1) with ~60
cases over several ops and precisions, both ceiling sets and predictions, for
the report tests. The numbers are made up but self-consistent: intensity =
flops / bytes, rates = flops (bytes) / median time, predictions from the
datasheet roofs.

usage: synthetic_results.py OUT.json [--host NAME] [--scale S] [--seed N] [--scenario flags]
  --scale S  multiplies every measured time by S (S > 1: a slower host)
  --scenario flags
             adds what the report must flag: a fused pair whose unfused chain is
             faster (gain 0.66 against 1.67 predicted), a pair that is not flagged,
             a noisy case (CV 0.95), a point above its measured roof, and compute
             roofs from an estimated clock below the measured FMA peak
"""
import argparse
import json
import random

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--host", default="node-a")
ap.add_argument("--scale", type=float, default=1.0)
ap.add_argument("--seed", type=int, default=7)
ap.add_argument("--scenario", choices=["flags"])
args = ap.parse_args()
rng = random.Random(args.seed)

SIZE = {"fp64": 8, "fp32": 4, "fp16": 2, "bf16": 2}
datasheet = {
    "memory": [{"level": "DRAM", "byte_per_s": 89.6e9, "source": "2 x DDR5-5600 channels (synthetic)"}],
    "compute": [
        {"precision": "fp64", "unit": "simd", "flop_per_s": 0.538e12, "source": "8 cores x 2 FMA x 4 lanes x 4.2 GHz (synthetic)"},
        {"precision": "fp32", "unit": "simd", "flop_per_s": 1.075e12, "source": "8 cores x 2 FMA x 8 lanes x 4.2 GHz (synthetic)"},
    ],
}
measured = {
    "memory": [
        {"level": "L1", "byte_per_s": 2.1e12, "source": "triad sweep plateau, 16 KiB-32 KiB (synthetic)"},
        {"level": "L2", "byte_per_s": 780e9, "source": "triad sweep plateau, 256 KiB-1 MiB (synthetic)"},
        {"level": "L3", "byte_per_s": 310e9, "source": "triad sweep plateau, 4-16 MiB (synthetic)"},
        {"level": "DRAM", "byte_per_s": 71.3e9, "source": "triad sweep plateau, >= 128 MiB (synthetic)"},
    ],
    "compute": [
        {"precision": "fp64", "unit": "simd", "flop_per_s": 0.49e12, "source": "fma probe (synthetic)"},
        {"precision": "fp32", "unit": "simd", "flop_per_s": 0.97e12, "source": "fma probe (synthetic)"},
        {"precision": "fp32", "unit": "blas", "flop_per_s": 0.81e12, "source": "sgemm 4096^3 (synthetic)"},
    ],
}
if args.scenario == "flags":
    # the CPU's compute roofs from an estimated clock, below the measured FMA peak
    for roof in datasheet["compute"]:
        roof["flop_per_s"] *= 0.75
        roof["source"] = "estimate: 8 cores x 3150 MHz x 32 FLOP/cycle (synthetic)"
peak = {p["precision"]: p["flop_per_s"] for p in datasheet["compute"]}
peak["bf16"] = peak["fp16"] = peak["fp32"]
bw = datasheet["memory"][0]["byte_per_s"]

cases = []

def add(op, prec, shape, flops, nbytes, eff, status="ok", cache=None):
    name = f"{op}/{prec}/" + ",".join(f"{k}={v}" for k, v in shape.items())
    inten = flops / nbytes
    pk = peak[prec]
    pred_rate = min(pk, inten * bw) if flops > 0 else 0.0
    pred_t = max(flops / pk, nbytes / bw)
    bound = "compute" if flops / pk >= nbytes / bw else "memory"
    t = pred_t / eff * args.scale * rng.uniform(0.97, 1.03)
    c = {"name": name, "op": op, "precision": prec, "shape": shape, "backend": "cpu",
         "kernel_version": 0, "kernel": "openblas" if op == "gemm" else "omp-simd",
         "flops": flops, "bytes": nbytes, "intensity": inten, "status": status}
    ws = nbytes / 1e6
    if status == "ok":
        c["time_s"] = {"median": t, "p10": t * 0.98, "p90": t * 1.04, "min": t * 0.97,
                       "max": t * 1.1, "cv": 0.02, "repetitions": 10}
        c["achieved"] = {"flop_per_s": flops / t, "byte_per_s": nbytes / t}
        c["cache"] = cache or (f"flushed before each sample: working set {ws:.3g} MB < 4x cache 32 MB"
                               if ws < 128 else f"not flushed: working set {ws:.3g} MB >= 4x cache 32 MB")
        c["validation"] = {"passed": True, "max_rel_err": 3e-7, "tolerance": 5e-6,
                           "checked_units": 100, "total_units": 100}
    elif status == "failed_validation":
        c["message"] = "max rel err 3.1e-2 > tolerance 5e-6 at row 17"
        c["validation"] = {"passed": False, "max_rel_err": 3.1e-2, "tolerance": 5e-6,
                           "checked_units": 100, "total_units": 100}
    else:
        c["message"] = "no kernel for this precision on the cpu backend"
    c["predicted"] = {"flop_per_s": pred_rate, "time_s": pred_t, "bound": bound,
                      "mfu": pred_rate / pk}
    if status == "ok":
        c["mfu"] = (flops / t) / pk
    cases.append(c)

for prec in ("fp32", "fp64"):
    for n in (64, 128, 256, 512, 1024, 2048):
        e = SIZE[prec]
        eff = {64: 0.12, 128: 0.3, 256: 0.55, 512: 0.7, 1024: 0.82, 2048: 0.86}[n]
        add("gemm", prec, {"m": n, "n": n, "k": n}, 2.0 * n ** 3, 3.0 * n * n * e, eff)
add("gemm", "bf16", {"m": 1024, "n": 1024, "k": 1024}, 2.0 * 1024 ** 3, 3.0 * 1024 ** 2 * 2, 0.3,
    status="unsupported")
ROW = {"layernorm": (8, 2, 2), "softmax": (5, 2, 0), "residual_layernorm": (9, 3, 2),
       "residual_layernorm_unfused": (9, 5, 2), "scale_mask_softmax": (6, 1, 0),
       "scale_mask_softmax_unfused": (6, 5, 0), "bias_gelu": (20, 2, 1), "bias_gelu_unfused": (20, 4, 1)}
for op, (fpe, arrays, params) in ROW.items():
    for rows, cols in ((512, 768), (4096, 1024), (16384, 4096)):
        e = 4
        flops = float(fpe * rows * cols)
        nbytes = float((arrays * rows * cols + params * cols) * e)
        if op.startswith("scale_mask_softmax"):
            # square causal blocks: the FLOPs and the reads of x count the keys seen
            seen = sum(min(cols, r % cols + 1) for r in range(rows))
            flops = float(fpe * seen)
            nbytes = float((arrays * rows * cols + seen) * e)
        eff = rng.uniform(0.25, 0.9) if rows > 512 else rng.uniform(0.08, 0.3)
        add(op, "fp32", {"rows": rows, "cols": cols}, flops, nbytes, eff)
    if op in ("softmax", "layernorm"):
        add(op, "fp16", {"rows": 4096, "cols": 1024}, float(fpe * 4096 * 1024),
            float((arrays * 4096 * 1024 + params * 1024) * 2), 0.5,
            status="failed_validation" if op == "softmax" else "unsupported")
for n in (1 << 16, 1 << 20, 1 << 24, 1 << 26):
    add("copy", "fp32", {"count": n}, 0.0, 8.0 * n, rng.uniform(0.5, 0.95))
    add("triad", "fp32", {"count": n}, 2.0 * n, 12.0 * n, rng.uniform(0.5, 0.95))
for prec in ("fp32", "fp64"):
    for iters in (64, 256):
        n = 1 << 16
        add("fma", prec, {"count": n, "iters": iters}, 2.0 * n * iters, 2.0 * n * SIZE[prec],
            rng.uniform(0.7, 0.95), cache="not flushed: compute probe")

environment = {}

def case(name):
    return next(c for c in cases if c["name"] == name)

def set_time(c, t, cv=None):
    c["time_s"].update({"median": t, "p10": t * 0.98, "p90": t * 1.04, "min": t * 0.97,
                        "max": t * 1.1})
    if cv is not None:
        c["time_s"]["cv"] = cv
    c["achieved"] = {"flop_per_s": c["flops"] / t, "byte_per_s": c["bytes"] / t}

if args.scenario == "flags":
    # the unfused chain 0.66x the fused kernel, where 5/3 is predicted (both memory-bound)
    f = case("residual_layernorm/fp32/rows=16384,cols=4096")
    u = case("residual_layernorm_unfused/fp32/rows=16384,cols=4096")
    set_time(f, f["predicted"]["time_s"] / 0.8, cv=0.02)
    set_time(u, f["time_s"]["median"] * 0.66, cv=0.02)
    # a chain faster in cache: its 1.57 MB intermediate fits the 32 MB LLC
    f = case("scale_mask_softmax/fp32/rows=512,cols=768")
    u = case("scale_mask_softmax_unfused/fp32/rows=512,cols=768")
    set_time(u, f["time_s"]["median"] * 0.9, cv=0.02)
    f["time_s"]["cv"] = 0.02
    # a pair at 1.2x of 2x predicted: ratio 0.6, not flagged
    f = case("bias_gelu/fp32/rows=16384,cols=4096")
    u = case("bias_gelu_unfused/fp32/rows=16384,cols=4096")
    set_time(f, f["predicted"]["time_s"] / 0.8, cv=0.02)
    set_time(u, f["time_s"]["median"] * 1.2, cv=0.02)
    # a noisy case
    case("gemm/fp32/m=128,n=128,k=128")["time_s"]["cv"] = 0.95
    # OpenBLAS forced to a narrower core than the CPU has
    environment["OPENBLAS_CORETYPE"] = "Haswell"
    # above its estimated roof but below the measured FMA peak (0.97 TFLOP/s)
    g = case("gemm/fp32/m=2048,n=2048,k=2048")
    set_time(g, g["flops"] / 0.9e12)
    g["mfu"] = 0.9e12 / peak["fp32"]
    # above the measured FMA peak: the ceilings are stale
    p = case("fma/fp32/count=65536,iters=256")
    set_time(p, p["flops"] / 1.05e12)
    p["mfu"] = 1.05e12 / peak["fp32"]

doc = {
    "schema": "rooflab.results/1",
    "tool": {"name": "rooflab", "version": "0.1.0", "git_revision": "synthetic"},
    "status": "complete",
    "date": "2025-01-01T00:00:00Z",
    "host": args.host,
    "device": "cpu",
    "device_description": "Synthetic 8-core CPU <test & \"quotes\">",
    "suite": "synthetic",
    "seed": "1",
    "threads": 8,
    "cpu": {"model": "Synthetic 8-core CPU", "arch": "x86_64", "cores": 8, "threads": 16,
            "numa_nodes": 1, "memory_bytes": 32e9, "isa": "avx2 fma", "caches": [], "llc_bytes": 32e6},
    "blas": {"config": "OpenBLAS 0.3.21 (synthetic)", "corename": "Haswell", "threads": 8},
    "environment": environment,
    "ceilings": {"datasheet": datasheet, "measured": measured},
    "cases": cases,
}
with open(args.out, "w") as f:
    json.dump(doc, f, indent=1)
print(f"{args.out}: {len(cases)} cases")

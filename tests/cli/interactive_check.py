#!/usr/bin/env python3
"""The interactive roofline of report.html against `rooflab predict --json`.

Sets the page's controls in headless Chromium for many cases (devices, Jetson
power modes, precisions, GEMM shapes either side of the ridge, every row op,
cases predict refuses), reads back what the page shows, and holds it equal to
predict: bound, binding roof and compute roof exactly, numbers to a relative
1e-9, refusals with predict's own message. Then predict-first: the verdict is
hidden until an answer is clicked, and the answer is judged right or wrong.

usage: interactive_check.py ROOFLAB BROWSER WORKDIR RESULTS_JSON PAGE [BROKEN_PAGE...]
PAGE, report.html of the run RESULTS_JSON, must agree with predict and show the
run's measured points; each BROKEN_PAGE (a copy whose script was deliberately
perturbed) must disagree, which shows that the check can fail."""
import base64
import json
import re
import subprocess
import sys
from multiprocessing.pool import ThreadPool

rooflab, browser, work, results, page = sys.argv[1:6]
broken_pages = sys.argv[6:]

# (device, power mode or None): a discrete GPU without fp8, two with it, Jetson modes
# with a capped memory clock (10W), the default, MAXN and a Super-conf mode.
MACHINES = [
    ("h100-sxm5", None),
    ("a100-sxm4-80gb", None),
    ("h200-sxm", None),
    ("orin-nx-16gb", None),
    ("orin-nx-16gb", "MAXN"),
    ("orin-nx-16gb", "10W"),
    ("orin-nano-8gb", "MAXN_SUPER@super"),
    ("agx-orin-64gb", "MODE_50W"),
]
PRECISIONS = ["fp64", "fp32", "tf32", "fp16", "bf16", "fp8", "int8"]
GEMMS = [(128, 128, 128), (2048, 2048, 2048), (16384, 16384, 16384), (8, 8192, 8192),
         (4096, 1, 4096), (1000, 3000, 77)]
ROW_OPS = ["layernorm", "softmax", "residual_layernorm", "residual_layernorm_unfused",
           "scale_mask_softmax", "scale_mask_softmax_unfused", "bias_gelu", "bias_gelu_unfused"]
ROWS = [(4096, 4096), (1, 768), (32768, 128)]

cases = []
for mi, (dev, mode) in enumerate(MACHINES):
    for pi, prec in enumerate(PRECISIONS):
        for gi, (m, n, k) in enumerate(GEMMS):
            if (mi + pi + gi) % 2 == 0 or gi < 2:
                cases.append(dict(device=dev, mode=mode, precision=prec, op="gemm", m=m, n=n, k=k))
        for oi, op in enumerate(ROW_OPS):
            # row ops run over fp32, fp16 and bf16 storage; a few of the others are refusals
            if (mi + pi + oi) % (3 if prec in ("fp32", "fp16", "bf16") else 8) == 0:
                rows, cols = ROWS[(mi + oi) % len(ROWS)]
                cases.append(dict(device=dev, mode=mode, precision=prec, op=op, rows=rows,
                                  cols=cols))


def predict(c):
    cmd = [rooflab, "predict", "--device", c["device"], "--op", c["op"], "--precision",
           c["precision"], "--json"]
    if c["mode"]:
        cmd += ["--power-mode", c["mode"]]
    if c["op"] == "gemm":
        cmd += ["--m", str(c["m"]), "--n", str(c["n"]), "--k", str(c["k"])]
    else:
        cmd += ["--rows", str(c["rows"]), "--cols", str(c["cols"])]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode == 0:
        return json.loads(p.stdout), None
    if p.returncode != 2 or not p.stderr.startswith("rooflab predict: "):
        sys.exit(f"FAILED: {' '.join(cmd)}: exit {p.returncode}: {p.stderr}")
    return None, p.stderr.strip()


with ThreadPool(2) as pool:
    expected = pool.map(predict, cases)
refused = sum(1 for e in expected if e[1])
bounds = {e[0]["bound"] for e in expected if e[0]}
# the inputs must cover both sides of the ridge, ops with exps, both kinds of refusal
assert bounds == {"memory", "compute"}, bounds
assert any(e[0] and e[0].get("transcendentals") for e in expected)
assert any(e[1] and "cuda:" in e[1] for e in expected)
assert any(e[1] and "no fp64 simt peak" in e[1] for e in expected)

# predict first: hidden until answered, then judged (one right, one wrong answer)
quiz = []
for c, (want, _) in zip(cases, expected):
    if want and len(quiz) < 6:
        other = "compute" if want["bound"] == "memory" else "memory"
        quiz.append((dict(c, predict=1, answer=want["bound"] if len(quiz) % 2 else other),
                     want))
items = [dict(c, predict=0) for c in cases] + [q for q, _ in quiz]
for it in items:
    if it["mode"] is None:
        del it["mode"]
batch = base64.urlsafe_b64encode(json.dumps(items).encode()).decode().rstrip("=")


def run_browser(path):
    dom = subprocess.run(
        ["timeout", "180", browser, "--headless", "--no-sandbox", "--disable-gpu",
         "--no-first-run", f"--user-data-dir={work}/profile", "--virtual-time-budget=20000",
         "--dump-dom", f"file://{path}#batch={batch}"],
        capture_output=True, text=True)
    m = re.search(r'<pre id="rl-lab-batch"[^>]*>(.*?)</pre>', dom.stdout, re.S)
    if not m:
        sys.exit(f"FAILED: the page wrote no batch result (exit {dom.returncode})\n"
                 f"{dom.stderr[-2000:]}")
    text = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    return json.loads(text.replace("&amp;", "&")), dom.stdout


NUMS = [("flops", "flops"), ("bytes", "bytes"), ("intensity", "intensity"),
        ("peak", "peak_flop_per_s"), ("ridge", "ridge"), ("byte_per_s", "byte_per_s"),
        ("attainable", "attainable_flop_per_s"), ("time", "predicted_time_s"), ("mfu", "mfu")]


def close(a, b):
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def compare(got):
    """Every disagreement between the page's answers and predict's."""
    errors = []
    if len(got) != len(items):
        return [f"{len(got)} answers for {len(items)} settings"]
    for c, (want, refusal), g in zip(cases, expected, got):
        where = json.dumps(c)
        v = g["before"]
        if not g["applied"]:
            errors.append(f"{where}: the page does not offer these settings")
            continue
        if refusal:
            if v["state"] != "refused" or v.get("refusal", "\0") not in refusal:
                errors.append(f"{where}: predict refuses ({refusal}), the page shows "
                              f"{v['state']} {v.get('refusal')!r}")
            continue
        if v["state"] != "shown":
            errors.append(f"{where}: predict gives a prediction, the page shows {v['state']} "
                          f"{v.get('refusal')!r}")
            continue
        for page_key, json_key in (("bound", "bound"), ("binding", "binding_roof"),
                                   ("roof", "roof")):
            if v[page_key] != want[json_key]:
                errors.append(f"{where}: {page_key} {v[page_key]!r} != predict's "
                              f"{want[json_key]!r}")
        for page_key, json_key in NUMS:
            if not close(v[page_key], want[json_key]):
                errors.append(f"{where}: {page_key} {v[page_key]!r} != predict's "
                              f"{want[json_key]!r}")
        if not v["point_drawn"]:
            errors.append(f"{where}: no point drawn")
    for (q, want), g in zip(quiz, got[len(cases):]):
        where = json.dumps(q)
        b, a = g["before"], g.get("after", {})
        if b["state"] != "hidden" or "bound" in b or b["point_drawn"] or \
                not g.get("answer_offered"):
            errors.append(f"{where}: predict-first shows the verdict before an answer: {b}")
        for word in ("memory-bound", "compute-bound"):
            if word in b["verdict_text"]:
                errors.append(f"{where}: the hidden verdict says {word}")
        if a.get("state") != "shown" or a.get("bound") != want["bound"]:
            errors.append(f"{where}: after the answer: {a}")
        right = "yes" if q["answer"] == want["bound"] else "no"
        if g.get("right") != right or not g.get("feedback", "").startswith(
                "\u2713 Right" if right == "yes" else "\u2717 Not this time"):
            errors.append(f"{where}: answer {q['answer']} judged {g.get('right')}: "
                          f"{g.get('feedback')}")
    return errors


got, dom = run_browser(page)
errors = compare(got)
if errors:
    print("\n".join(errors[:40]))
    sys.exit(f"FAILED: {len(errors)} disagreements between the page and rooflab predict")
# the run's measured points stay on the chart
measured = dom.count('class="lab-measured"')
run = json.load(open(results))
want = sum(1 for c in run["cases"] if c["status"] == "ok" and c["flops"] > 0)
if measured != want or want == 0:
    sys.exit(f"FAILED: {measured} measured points on the chart, the run has {want}")
print(f"ok: {len(cases)} cases ({len(cases) - refused} predicted, {refused} refused) agree with "
      f"rooflab predict; {len(quiz)} predict-first answers judged; {measured} measured points "
      f"drawn")

for broken in broken_pages:
    errors = compare(run_browser(broken)[0])
    if not errors:
        sys.exit(f"FAILED: {broken}, whose script was perturbed, still agrees with predict")
    print(f"ok: {broken.rsplit('/', 1)[-1]} disagrees with predict ({len(errors)} "
          f"mismatches), e.g. {errors[0]}")

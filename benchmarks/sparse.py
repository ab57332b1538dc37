"""L1 / elastic-net logistic regression benchmark: ``python -m benchmarks.sparse``.

    .venv/bin/python -m benchmarks.sparse --quick          # n/10, d/10: development
    .venv/bin/python -m benchmarks.sparse                  # -> benchmarks/RESULTS-sparse.md
    .venv/bin/python -m benchmarks.sparse --cases 'text-20k-*,sweep' --peers logreg,skglm
    .venv/bin/python -m benchmarks.sparse --list

Every peer minimises the same objective (sparse_objectives.py) and is scored
by suboptimality F(w) - F(reference) against a tight, cached reference.
Tolerances mean different things in different libraries, so each peer walks a
ladder of tolerances (loose to tight) and is compared with logreg at equal
accuracy: for each logreg fit, speed-up = (time of the fastest other fit on
the same case with suboptimality <= logreg's + slack) / (logreg's time).
See benchmarks/README.md ("L1 and elastic net").
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.measure import wait_until_idle
from benchmarks.peers import MAX_DENSE_HESSIAN_PARAMS
from benchmarks.problems import CACHE_DIR, ensure_cached, load, load_meta
from benchmarks.report import machine_block, machine_info, machine_line, now_utc
from benchmarks.sparse_objectives import alpha_max
from benchmarks.sparse_peers import LOGREG_TOLS, SPARSE_PEERS
from benchmarks.sparse_problems import (DATASETS, Case, calibrate, get_reference,
                                        logreg_l1_available)
from benchmarks.sparse_worker import run_jobs

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = Path(__file__).resolve().parent / "RESULTS-sparse.md"
DEFAULT_QUICK_OUT = CACHE_DIR / "RESULTS-sparse-quick.md"
BUSY_CORES = 0.25

CASES = {c.name: c for c in [
    Case("text-20k-l1", "l1-text-20k", "intercept",
         description="L1, unpenalised intercept (scikit-learn's objective)"),
    Case("text-20k-l1-noint", "l1-text-20k", "noint",
         description="L1, no intercept (the formulation celer and liblinear share)"),
    Case("text-20k-l1-liblinear", "l1-text-20k", "liblinear",
         description="L1, liblinear's penalised intercept (liblinear vs logreg's liblinear mode)"),
    Case("text-100k-l1", "l1-text-100k", "intercept",
         description="L1, unpenalised intercept"),
    Case("text-100k-l1-noint", "l1-text-100k", "noint", description="L1, no intercept"),
    Case("dense-500-l1", "l1-dense-500", "intercept", description="L1, unpenalised intercept"),
    Case("dense-500-l1-noint", "l1-dense-500", "noint", description="L1, no intercept"),
    Case("dense-500-enet", "l1-dense-500", "intercept", l1_ratio=0.5,
         description="elastic net l1_ratio=0.5, unpenalised intercept"),
    Case("dense-500-enet-noint", "l1-dense-500", "noint", l1_ratio=0.5, default=False,
         description="elastic net l1_ratio=0.5, no intercept"),
]}
SPECIAL = {"sweep": "10 penalties alpha_max .. alpha_max/100 on l1-text-20k (intercept)",
           "sweep-noint": "the same sweep without intercept (adds celer and liblinear)",
           "first-fit": "logreg's first fit in a fresh process, empty vs populated numba cache"}
SPECIAL_DEFAULT = ("sweep", "first-fit")
# Peers run in this order: logreg first (its accuracy sets the others'
# targets), then the fast peers, the slow ones last (--deadline cuts those).
RUN_ORDER = ("logreg-auto", "logreg-newton-cd", "logreg-liblinear", "skglm", "celer",
             "sklearn-liblinear", "glum-irls-cd", "logreg-saga", "sklearn-saga")
SWEEP_DATASET = "l1-text-20k"
SWEEP_POINTS = 10


# --------------------------------------------------------------------------
# Cases and the penalty sweep
# --------------------------------------------------------------------------

def prepare_case(case: Case, opts, log=print) -> dict:
    """Data, calibrated C and tight reference of a case (computed in this process)."""
    problem = DATASETS[case.dataset]
    folder = ensure_cached(problem, opts.quick)
    meta = load_meta(folder)
    X, y = load(folder)
    log(f"\n== {case.name}: {meta['shape'][0]} x {meta['shape'][1]} {meta['format']}")
    calib = calibrate(folder, X, y, case.l1_ratio, case.keep, log=log)
    C = calib["C"]
    ref = get_reference(folder, X, y, C, case.l1_ratio, case.formulation, opts.logreg_ok,
                        log=log)
    amax = alpha_max(X, y, case.formulation)
    log(f"  C={C:.6g} (L1 weight {case.l1_ratio / (C * meta['shape'][0]) / amax:.3g} x "
        f"alpha_max), reference {ref['objective']:.15g} ({ref['method']}, "
        f"viol {ref['violation']:.1e}, nnz {ref['nnz']})")
    return {"case": case.name, "kind": "case", "meta": meta, "calib": calib, "C": C,
            "alpha_max": amax, "reference": ref, "folder": str(folder),
            "formulation": case.formulation, "l1_ratio": case.l1_ratio, "results": {}}


def prepare_sweep(opts, formulation="intercept", log=print) -> dict:
    """10 log-spaced penalties from alpha_max to alpha_max/100, their references."""
    problem = DATASETS[SWEEP_DATASET]
    folder = ensure_cached(problem, opts.quick)
    meta = load_meta(folder)
    X, y = load(folder)
    n = X.shape[0]
    amax = alpha_max(X, y, formulation)
    alphas = amax * 10.0 ** (-2.0 * np.arange(SWEEP_POINTS) / (SWEEP_POINTS - 1))
    Cs = [1.0 / (n * a) for a in alphas]
    log(f"\n== sweep: {SWEEP_POINTS} penalties on {SWEEP_DATASET} ({formulation}), "
        f"L1 weight {alphas[0]:.3g} .. {alphas[-1]:.3g}")
    refs = [get_reference(folder, X, y, C, 1.0, formulation, opts.logreg_ok, log=log)
            for C in Cs]
    log("  reference nnz " + " ".join(str(r["nnz"]) for r in refs))
    return {"case": "sweep" if formulation == "intercept" else "sweep-noint", "kind": "sweep", "meta": meta, "alphas": alphas.tolist(),
            "Cs": Cs, "alpha_max": amax, "formulation": formulation, "l1_ratio": 1.0,
            "references": refs, "folder": str(folder), "results": {}}


def _nnz_text(v):
    return str(v) if not isinstance(v, list) else f"{v[0]}..{v[-1]}"


def _skip_reason(peer_name, task, opts):
    peer = SPARSE_PEERS[peer_name]
    reason = peer.skip_reason(task["formulation"], task["l1_ratio"])
    if reason is None and peer.library in opts.unavailable:
        reason = opts.unavailable[peer.library]
    if reason is None and peer.dense_hessian and not opts.force:
        p = task["meta"]["shape"][1] + 1
        if p > MAX_DENSE_HESSIAN_PARAMS:
            reason = (f"forms a dense {p} x {p} Hessian ({p * p * 8 / 1e9:.1f} GB per copy; "
                      "quick-size d=10000 peaked at 6.3 GB); --force to run")
    return reason


def _target_and_cap(task, opts):
    """Stop rule of a non-logreg ladder: as accurate as the best logreg fit.

    The cap stops a ladder whose fits, still less accurate, take longer than
    cap_ratio x the fastest logreg solver's time to its most accurate fit.
    """
    logreg = {n: recs for n, (recs, _) in task["results"].items()
              if SPARSE_PEERS[n].library == "logreg" and recs}
    if not logreg:
        return opts.slack, None
    target = min(r["subopt"] for recs in logreg.values() for r in recs) + opts.slack
    cap = opts.cap_ratio * min(max(min(r["times"]) for r in recs) for recs in logreg.values())
    return target, max(cap, 1.0)


def _job(peer_name, task, opts):
    peer = SPARSE_PEERS[peer_name]
    is_logreg = peer.library == "logreg"
    target, cap = (None, None) if is_logreg else _target_and_cap(task, opts)
    spec = {"job": task["case"], "folder": task["folder"],
            "l1_ratio": task["l1_ratio"], "formulation": task["formulation"],
            "target": target, "cap": cap, "budget": opts.budget,
            "deadline": opts.deadline_at,
            "repeats": opts.repeats, "repeat_budget": opts.repeat_budget}
    if task["kind"] == "sweep":
        # whole decades of the peer's ladder: a whole path per step is expensive
        tols = (list(opts.logreg_tols) if is_logreg else
                [t for t in peer.tols if abs(np.log10(t) - round(np.log10(t))) < 1e-9])
        spec.update(kind="path", Cs=task["Cs"], tols=tols, cold=opts.sweep_cold,
                    ref_objectives=[r["objective"] for r in task["references"]],
                    budget=2 * opts.budget, repeats=1, repeat_budget=0.0)
    else:
        spec.update(kind="ladder", C=task["C"], ref_objective=task["reference"]["objective"],
                    tols=list(opts.logreg_tols) if is_logreg else list(peer.tols))
    return spec


def run_all(tasks, peers, opts, log=print):
    """logreg peers first (their accuracy sets the others' targets), one worker per peer."""
    order = [p for p in RUN_ORDER if p in peers] + [p for p in peers if p not in RUN_ORDER]
    by_name = {t["case"]: t for t in tasks}

    def on_record(spec, r):
        log(f"  {spec['job']:22s} {peer:18s} tol={r['tol']:<8g} {min(r['times']):8.3f} s  "
            f"subopt {r['subopt']:9.1e}  viol {r['violation']:8.1e}  nnz {_nnz_text(r['nnz'])}"
            + ("  (BUSY)" if (r.get("foreign_cores") or 0) > BUSY_CORES else ""))

    def on_end(spec, records, end):
        if end["reason"] not in ("reached", "ladder end") or not records:
            log(f"  {spec['job']:22s} {peer:18s} {end['reason']}: {end.get('detail', '')}")
            if end.get("traceback"):
                log("    " + end["traceback"].rstrip().replace("\n", "\n    "))

    for peer in order:
        jobs = []
        for task in tasks:
            reason = _skip_reason(peer, task, opts)
            if reason:
                task["results"][peer] = ([], {"reason": "skip", "detail": reason})
            else:
                jobs.append(_job(peer, task, opts))
        if not jobs:
            continue
        if time.time() > opts.deadline_at:
            for job in jobs:
                by_name[job["job"]]["results"][peer] = (
                    [], {"reason": "skip", "detail": "run deadline reached (--deadline)"})
            log(f"\n-- {peer}: skipped, run deadline reached")
            continue
        log(f"\n-- {peer}: {', '.join(j['job'] for j in jobs)}")
        if opts.wait_idle > 0:
            wait_until_idle(opts.wait_idle, BUSY_CORES, log=log)
        for job, value in run_jobs(peer, jobs, opts.timeout, on_record, on_end).items():
            by_name[job]["results"][peer] = value
    for task in tasks:
        # report peers in registry order
        task["results"] = {p: task["results"][p] for p in SPARSE_PEERS if p in task["results"]}
        task["speedups"] = speedups(task["results"], opts.slack)
        task["settings"] = _settings(opts)


def speedups(results, slack):
    """Speed-up rows, one per logreg fit (see the module docstring).

    Non-logreg peers that never got that accurate give a lower bound: the
    time of their slowest (most accurate) fit, or the per-fit timeout when a
    fit was killed, assuming that a tighter fit is not faster.
    """
    rows = []
    others = {n: v for n, v in results.items() if SPARSE_PEERS[n].library != "logreg"}
    for name, (records, _) in results.items():
        if SPARSE_PEERS[name].library != "logreg":
            continue
        for r in records:
            t = min(r["times"])
            best, bounds = None, []
            for other, (orecs, oend) in others.items():
                good = [o for o in orecs if o["subopt"] <= r["subopt"] + slack]
                if good:
                    fast = min(good, key=lambda o: min(o["times"]))
                    if best is None or min(fast["times"]) < best[2]:
                        best = (other, fast["tol"], min(fast["times"]), fast["subopt"])
                elif oend["reason"] in ("capped", "budget", "ladder end", "timeout", "deadline"):
                    lb = max([min(o["times"]) for o in orecs], default=0.0)
                    if oend["reason"] == "timeout":
                        lb = max(lb, oend.get("timeout", 0.0))
                    bounds.append((other, lb))
            row = {"logreg": name, "tol": r["tol"], "time": t, "subopt": r["subopt"],
                   "violation": r["violation"], "nnz": r["nnz"]}
            if best is not None:
                # A peer that did not get there may still be faster than
                # `best` with more tolerance steps; only a lower bound above
                # best's time keeps `best` the fastest.
                unresolved = [o for o, lb in bounds if lb < best[2]]
                row.update(peer=best[0], peer_tol=best[1], peer_time=best[2],
                           peer_subopt=best[3], ratio=best[2] / t,
                           unresolved=unresolved)
            elif bounds:
                o, lb = min(bounds, key=lambda b: b[1])
                row.update(peer=o, peer_time=lb, ratio=lb / t, lower_bound=True,
                           peer_tol=None, peer_subopt=None, unresolved=[])
            rows.append(row)
    return rows


def _settings(opts):
    return {"slack": opts.slack, "timeout": opts.timeout, "budget": opts.budget,
            "cap_ratio": opts.cap_ratio, "quick": opts.quick, "deadline": opts.deadline,
            "logreg_tols": list(opts.logreg_tols)}


# --------------------------------------------------------------------------
# First fit in a fresh process (numba compilation)
# --------------------------------------------------------------------------

_FIRST_FIT_CODE = r"""
import json, os, sys, time, warnings
t0 = time.perf_counter()
import numpy as np, scipy.sparse as sp
warnings.simplefilter("ignore")
kind, peer = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(0)
if kind == "dense":
    X = rng.standard_normal((1000, 50))
else:
    X = sp.random(1000, 1000, density=0.01, format="csr", random_state=1)
    X.data[:] = 1.0 + rng.random(X.nnz)
w = np.zeros(X.shape[1]); w[:5] = 2.0
z = np.asarray(X @ w).ravel(); z = 2.0 * (z - z.mean()) / z.std()
y = (rng.random(1000) < 1 / (1 + np.exp(-z))).astype(int)
amax = np.max(np.abs(X.T @ (y - y.mean()))) / 1000
C = 1.0 / (1000 * 0.2 * amax)
t1 = time.perf_counter()
if peer == "logreg":
    from logreg import LogisticRegression
    make = lambda: LogisticRegression(penalty="l1", C=C)
elif peer == "skglm":
    from skglm import SparseLogisticRegression
    make = lambda: SparseLogisticRegression(alpha=1 / (C * 1000))
elif peer == "celer":
    from celer import LogisticRegression
    make = lambda: LogisticRegression(C=C)
elif peer == "glum":
    from glum import GeneralizedLinearRegressor
    y = y.astype(float)
    make = lambda: GeneralizedLinearRegressor(family="binomial", alpha=1 / (C * 1000),
                                              l1_ratio=1.0, solver="irls-cd")
else:
    from sklearn.linear_model import LogisticRegression
    make = lambda: LogisticRegression(l1_ratio=1.0, C=C, solver=peer)
def cpu():
    # busy CPU seconds of the machine, CPU seconds of this process
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK"), time.process_time()
b0, o0 = cpu()
t2 = time.perf_counter()
make().fit(X, y)
t3 = time.perf_counter()
b1, o1 = cpu()
m = make().fit(X, y)
t4 = time.perf_counter()
print(json.dumps({"data_s": t1 - t0, "import_s": t2 - t1, "fit1_s": t3 - t2, "fit2_s": t4 - t3,
                  "nnz": int(np.count_nonzero(m.coef_)),
                  # /proc/stat counts 10 ms ticks: no estimate for very short fits
                  "foreign_cores": (max(0.0, ((b1 - b0) - (o1 - o0)) / (t3 - t2))
                                    if t3 - t2 >= 0.2 else None),
                  "solver": getattr(m, "solver_", None)}))
"""


def _cache_files(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*")
                  if p.suffix in (".nbi", ".nbc"))


def _beside_source():
    """numba cache files beside logreg's source (the default location)."""
    src = REPO_ROOT / "src" / "logreg"
    return {str(p.relative_to(REPO_ROOT)): p.stat().st_mtime
            for p in src.rglob("__pycache__/*") if p.suffix in (".nbi", ".nbc")}


def _fresh_process(kind, peer, cache_dir, timeout=300):
    env = dict(os.environ)
    env.pop("NUMBA_CACHE_DIR", None)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = str(cache_dir)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _FIRST_FIT_CODE, kind, peer],
                          capture_output=True, text=True, env=env, cwd=REPO_ROOT,
                          timeout=timeout)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"ok": False, "error": last, "wall_s": wall}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return dict(out, ok=True, wall_s=wall)


def run_first_fit(opts, log=print) -> dict:
    """Cold (empty numba cache) and warm (populated cache) first fits of logreg.

    ``NUMBA_CACHE_DIR`` overrides every numba cache location (it is checked
    before the default "__pycache__ beside the source"), so a fresh empty
    directory is an honest cold start whatever is cached beside logreg's
    source; the warm run reuses the directory the cold run filled.
    """
    before = _beside_source()
    rows = []
    for kind in ("dense", "sparse"):
        for rep in range(opts.first_fit_repeats):
            with tempfile.TemporaryDirectory(prefix="numba-cold-") as tmp:
                cold = _fresh_process(kind, "logreg", tmp)
                cold["cache_files"] = len(_cache_files(tmp))
                warm = _fresh_process(kind, "logreg", tmp)
            for label, r in (("cold", cold), ("warm", warm)):
                rows.append(dict(r, kind=kind, peer="logreg", state=label, rep=rep))
                log(f"  first fit logreg {kind:6s} {label}: "
                    + (f"fit {r['fit1_s']:.3f} s (import {r['import_s']:.3f} s, "
                       f"second fit {r['fit2_s']:.3f} s, process {r['wall_s']:.2f} s)"
                       if r["ok"] else f"ERROR {r['error']}"))
        default = _fresh_process(kind, "logreg", None)
        rows.append(dict(default, kind=kind, peer="logreg", state="default location", rep=0))
    after = _beside_source()
    for peer in opts.first_fit_context:
        r = _fresh_process("dense", peer, None)
        rows.append(dict(r, kind="dense", peer=peer, state="fresh process", rep=0))
        log(f"  first fit {peer} dense: "
            + (f"fit {r['fit1_s']:.3f} s, second {r['fit2_s']:.3f} s" if r["ok"]
               else f"ERROR {r['error']}"))
    return {"case": "first-fit", "kind": "first-fit", "rows": rows,
            "beside_source": {"before": len(before), "after": len(after),
                              "changed": sorted(k for k in after
                                                if before.get(k) != after[k])}}


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------

def _cell(x):
    return str(x).replace("|", "\\|").replace("\n", " ")


def _md_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _fits_table(result, x_bytes, path=False):
    rows = []
    for name, (records, end) in result["results"].items():
        for i, r in enumerate(records):
            notes = []
            if (r.get("foreign_cores") or 0) > BUSY_CORES:
                notes.append(f"BUSY machine ({r['foreign_cores']:.1f} other cores)")
            notes += [w[:100] for w in r["warnings"]]
            if i == len(records) - 1 and end["reason"] not in ("reached", "ladder end"):
                notes.append(_end_text(end))
            t = min(r["times"])
            if path:
                rows.append([name, f"{r['tol']:g}", r["mode"], f"{t:.3f}",
                             f"{r['subopt']:.1e}", f"{r['violation']:.1e}",
                             " ".join(str(k) for k in r["nnz"]), "; ".join(notes)])
            else:
                rows.append([name, f"{r['tol']:g}", f"{t:.3f}", len(r["times"]),
                             "" if r["n_iter"] is None else r["n_iter"],
                             f"{r['objective']:.12f}", f"{r['subopt']:.1e}",
                             f"{r['violation']:.1e}", r["nnz"],
                             f"{r['peak_bytes'] / 1e6:.1f}", "; ".join(notes)])
        if not records:
            rows.append([name] + ["-"] * (7 if path else 9) + [_end_text(end)])
    if path:
        header = ["peer", "tol", "path", "time s", "max subopt", "max viol",
                  "nnz per penalty", "notes"]
    else:
        header = ["peer", "tol", "time s", "runs", "iters", "objective", "subopt",
                  "viol", "nnz", "peak MB", "notes"]
    return _md_table(header, rows)


def _end_text(end):
    reason, detail = end["reason"], end.get("detail", "")
    return {"skip": f"skipped: {detail}", "error": f"error: {detail}",
            "died": f"error: {detail}", "timeout": f"did not reach: {detail}",
            "capped": "did not reach: stopped, slower than cap-ratio x logreg",
            "budget": "did not reach: time budget spent",
            "deadline": "did not reach: run deadline (--deadline) reached"}.get(reason, reason)


def _speedup_cells(row):
    if "ratio" not in row:
        return ["-", "-", "-", "no peer ran"]
    if row.get("lower_bound"):
        return [f"{row['peer']} (did not reach)", f">= {row['peer_time']:.3f}",
                "-", f">= {row['ratio']:.2f}x"]
    extra = (f" (not resolved: {', '.join(row['unresolved'])})"
             if row.get("unresolved") else "")
    return [f"{row['peer']} tol={row['peer_tol']:g}", f"{row['peer_time']:.3f}",
            f"{row['peer_subopt']:.1e}", f"{row['ratio']:.2f}x{extra}"]


def _speedup_table(result):
    rows = [[r["logreg"], f"{r['tol']:g}", f"{r['time']:.3f}", f"{r['subopt']:.1e}",
             f"{r['violation']:.1e}", _nnz_text(r["nnz"]), *_speedup_cells(r)]
            for r in result["speedups"]]
    if not rows:
        return "No logreg fit (see the notes above)."
    return _md_table(["logreg", "tol", "time s", "subopt", "viol", "nnz",
                      "fastest peer at that accuracy", "its time s", "its subopt",
                      "speed-up"], rows)


def _summary_rows(result):
    """logreg-auto's rows (all logreg rows if it did not run) for the summary table."""
    rows = []
    chosen = [r for r in result.get("speedups", []) if r["logreg"] == "logreg-auto"] \
        or result.get("speedups", [])
    for r in chosen:
        cells = _speedup_cells(r)
        met = "-" if "ratio" not in r else ("yes" if r["ratio"] >= 2.0 else
                                            ("no" if not r.get("lower_bound") else "?"))
        rows.append([result["case"], f"{r['logreg']} tol={r['tol']:g}",
                     f"{r['time']:.3f}", f"{r['subopt']:.1e}", cells[0], cells[1],
                     cells[3], met])
    if result["kind"] != "first-fit" and not rows:
        reasons = {end.get("detail", "") for n, (_, end) in result["results"].items()
                   if SPARSE_PEERS[n].library == "logreg"}
        rows.append([result["case"], "logreg: " + ("; ".join(sorted(r for r in reasons if r))
                                                   or "not run")[:150],
                     "-", "-", "-", "-", "-", "-"])
    return rows


def _first_fit_section(result):
    rows = []
    for r in result["rows"]:
        if r["ok"]:
            busy = r.get("foreign_cores") or 0.0
            rows.append([r["peer"], r["kind"], r["state"], r["rep"] + 1,
                         f"{r['fit1_s']:.3f}", f"{r['fit2_s']:.3f}",
                         f"{r['import_s']:.3f}", f"{r['wall_s']:.2f}",
                         r.get("cache_files", ""), r.get("nnz", ""),
                         f"BUSY machine ({busy:.1f} other cores)" if busy > BUSY_CORES else ""])
        else:
            rows.append([r["peer"], r["kind"], r["state"], r["rep"] + 1] + ["-"] * 4
                        + ["", "", f"error: {r['error'][:150]}"])
    med = []
    for kind in ("dense", "sparse"):
        for state in ("cold", "warm"):
            v = [r["fit1_s"] for r in result["rows"] if r["ok"] and r["peer"] == "logreg"
                 and r["kind"] == kind and r["state"] == state]
            if v:
                target = 2.0 if state == "cold" else 0.3
                med.append(f"{kind} {state}: median first fit {np.median(v):.3f} s "
                           f"(target {target:g} s: {'met' if np.median(v) <= target else 'NOT met'})")
    bs = result["beside_source"]
    text = ("Small problems: dense 1000 x 50 and sparse CSR 1000 x 1000 (1% non-zeros), "
            "L1 penalty at 0.2 x alpha_max, default tol and solver.  Each row is one fresh "
            "Python process: **first fit** includes importing the solver kernels and "
            "compiling (cold) or loading (warm) them; **import** is `from logreg import "
            "LogisticRegression`; **process** is the whole process wall time (interpreter "
            "start, numpy/scipy imports, data, both fits).  cold = `NUMBA_CACHE_DIR` set "
            "to a new empty directory (numba then neither reads nor writes the default "
            "`__pycache__` beside the source); warm = a second process with the directory "
            "the cold run filled (**cache files** = numba index/data files it wrote); "
            "default location = no `NUMBA_CACHE_DIR`, numba's own cache beside "
            f"`src/logreg` ({bs['before']} numba files there before this measurement, "
            f"{bs['after']} after).  Other libraries for context (a fresh process each; "
            "skglm's numba functions are not cached, so it compiles in every process).\n\n"
            + ("  \n".join(med) + "\n\n" if med else ""))
    return text + _md_table(["peer", "data", "numba cache", "rep", "first fit s",
                             "second fit s", "import s", "process s", "cache files",
                             "nnz", "notes"], rows)


def render_section(result, run) -> str:
    name = result["case"]
    quick = " (quick sizes)" if run["quick"] else ""
    head = f"<!-- case: {name} -->\n### {name}{quick}\n\n"
    foot = (f"\n<!-- summary: {json.dumps(_summary_rows(result))} -->\n"
            f"<!-- /case: {name} -->\n")
    runline = (f"Run {run['date']}: `{run['command']}` on {machine_line(run['machine'])}.\n\n")
    if result["kind"] == "first-fit":
        return head + runline + _first_fit_section(result) + "\n" + foot
    m = result["meta"]
    n, d = m["shape"]
    density = (f", nnz {m['nnz']} ({m['nnz'] / (n * d):.2%})"
               if m["format"] in ("csr", "csc") else "")
    s = result["settings"]
    if result["kind"] == "sweep":
        refs = result["references"]
        desc = (f"{DATASETS[SWEEP_DATASET].description}.  \n"
                f"X: {n} x {d} {m['dtype']} {m['format']}{density}, {m['x_bytes'] / 1e6:.1f} MB; "
                f"{m['positive_fraction']:.1%} positives.  \n"
                f"Formulation `{result['formulation']}`, L1, {len(result['Cs'])} penalties: L1 "
                f"weight alpha_max = {result['alpha_max']:.4g} down to alpha_max/100 "
                "(log-spaced), i.e. C = "
                + ", ".join(f"{C:.4g}" for C in result["Cs"]) + ".  \n"
                "Reference non-zeros per penalty: "
                + " ".join(str(r["nnz"]) for r in refs)
                + f"; worst reference violation {max(r['violation'] for r in refs):.1e}.  \n"
                "Each peer fits the whole path once per tolerance (time = whole path); "
                "**max subopt** is the worst suboptimality over the 10 penalties; a peer's "
                "ladder stops at the first tolerance whose worst suboptimality is <= "
                f"logreg's + {s['slack']:g}.  The path column says whether the peer was "
                "warm-started along the path.")
    else:
        case = CASES[name]
        ref, calib = result["reference"], result["calib"]
        desc = (f"{DATASETS[case.dataset].description}.  \n"
                f"X: {n} x {d} {m['dtype']} {m['format']}{density}, **{m['x_bytes'] / 1e6:.1f} MB**; "
                f"{m['positive_fraction']:.1%} positives.  \n"
                f"Objective: {case.description} (formulation `{case.formulation}`, "
                f"l1_ratio={case.l1_ratio:g}), **C = {result['C']:.6g}**: L1 weight "
                f"l1_ratio/(C n) = {case.l1_ratio / (result['C'] * n):.4g} = "
                f"{case.l1_ratio / (result['C'] * n) / result['alpha_max']:.3g} x alpha_max "
                f"(alpha_max = {result['alpha_max']:.4g} for this formulation; C calibrated with "
                f"intercept to keep >= {calib['target']} features).  \n"
                f"Reference: {ref['objective']:.15g} via {ref['method']}, violation "
                f"{ref['violation']:.1e}, **{ref['nnz']} of {d} features kept** "
                f"({ref['nnz'] / d:.1%}); other tight solves: "
                + (", ".join(f"{k} {v[0] - ref['objective']:+.1e} (viol {v[1]:.0e})"
                             for k, v in ref["others"].items()) or "none") + ".")
    settings = (f"Settings: slack {s['slack']:g}, per-fit timeout {s['timeout']:g} s, "
                f"per-peer budget {s['budget']:g} s, cap {s['cap_ratio']:g} x logreg's time, "
                f"logreg tols {', '.join(f'{t:g}' for t in s['logreg_tols'])}.")
    return (head + desc + "\n\n" + runline + settings + "\n\n"
            + _speedup_table(result) + "\n\nAll fits:\n\n"
            + _fits_table(result, m["x_bytes"], path=result["kind"] == "sweep") + "\n"
            + foot)


_SECTION = re.compile(r"<!-- case: (\S+) -->\n.*?<!-- /case: \1 -->\n", re.S)
_SUMMARY = re.compile(r"<!-- summary: (.*?) -->")


def _header(run, summary_rows):
    return f"""# logreg L1 / elastic-net benchmark results

*Generated by `python -m benchmarks.sparse` (see `benchmarks/README.md`, "L1
and elastic net"); do not edit by hand.  Each section records the date,
command and machine of the run that produced it.*

Every fit is scored on the same objective by the harness
(`benchmarks/sparse_objectives.py`): **subopt** = F(fit) - F(reference),
**viol** = largest violation of the optimality conditions (logreg's `tol`
scale), **nnz** = non-zero coefficients.  Each peer runs a ladder of
tolerances, loose to tight, and stops once it is as accurate as the most
accurate logreg fit (+ slack).  **speed-up** = time of the fastest non-logreg
fit whose subopt <= logreg's subopt + slack, divided by logreg's time; ">="
when no peer got that accurate within its time limits (lower bound from its
slowest fit, assuming a tighter fit is not faster).  Target: >= 2x on every
problem.

## Summary

{_md_table(["case", "logreg fit", "time s", "subopt", "fastest peer at equal accuracy",
            "its time s", "speed-up", ">= 2x"], summary_rows)}

(logreg-auto only; every logreg solver's rows are in the case sections.  "?": a
lower bound below 2x, no peer got as accurate within its limits.)

## Machine of the most recent run ({run['date']})

{machine_block(run['machine'])}

## Cases

"""


def update_results(path: Path, results, run) -> None:
    sections = {}
    if path.exists():
        for m in _SECTION.finditer(path.read_text()):
            sections[m.group(1)] = m.group(0)
    for res in results:
        sections[res["case"]] = render_section(res, run)
    order = [n for n in [*CASES, *SPECIAL] if n in sections]
    order += sorted(n for n in sections if n not in order)
    summary = []
    for n in order:
        m = _SUMMARY.search(sections[n])
        if m:
            summary += json.loads(m.group(1))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_header(run, summary) + "\n".join(sections[n] for n in order))


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------

def _select(spec, universe, default, groups, what):
    if not spec:
        return list(default)
    chosen = []
    for token in spec.split(","):
        token = token.strip()
        if token == "all":
            matches = list(universe)
        elif token in groups:
            matches = groups[token]
        else:
            matches = [u for u in universe if fnmatch.fnmatchcase(u, token)]
        if not matches:
            sys.exit(f"unknown {what} {token!r}; see --list")
        chosen += [m for m in matches if m not in chosen]
    return chosen


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.sparse", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="n/10 and d/10 (development)")
    p.add_argument("--cases", help="comma list of case names, globs, 'sweep', 'first-fit' "
                   "or 'all' (default: the cases marked * in --list, sweep, first-fit)")
    p.add_argument("--peers", help="comma list of peer names, globs or library names "
                   "(logreg, skglm, celer, glum, sklearn); default all")
    p.add_argument("--out", help="markdown file to update ('-' for none; default "
                   f"{DEFAULT_OUT.name}, or {DEFAULT_QUICK_OUT} with --quick)")
    p.add_argument("--slack", type=float, default=1e-7,
                   help="a peer fit counts as accurate as a logreg fit if its subopt is "
                   "<= logreg's + slack (default 1e-7)")
    p.add_argument("--logreg-tols", default=",".join(f"{t:g}" for t in LOGREG_TOLS),
                   help="tolerances of the logreg fits (default 1e-4,1e-6)")
    p.add_argument("--timeout", type=float, default=40.0,
                   help="seconds one fit (or one sweep path) may take before it is killed")
    p.add_argument("--budget", type=float, default=40.0,
                   help="seconds of fitting per (case, peer) ladder (sweep: twice this)")
    p.add_argument("--cap-ratio", type=float, default=20.0,
                   help="stop a peer's ladder once one of its fits, still less accurate "
                   "than logreg, is slower than this many times logreg's slowest fit")
    p.add_argument("--deadline", type=float, default=12.0, metavar="MINUTES",
                   help="after this many minutes of fitting (data and references "
                   "excluded), remaining ladders stop and remaining peers are skipped; "
                   "peers run fastest first, so the slow ones absorb the cut (default 12)")
    p.add_argument("--repeats", type=int, default=3, help="max best-of-k fits per tolerance")
    p.add_argument("--repeat-budget", type=float, default=2.0,
                   help="repeat a fit only while the total stays under this (s)")
    p.add_argument("--sweep-cold", action="store_true",
                   help="fit every penalty of the sweep from scratch (no warm starts)")
    p.add_argument("--first-fit-repeats", type=int, default=3)
    p.add_argument("--first-fit-context", default="skglm,celer,liblinear",
                   help="other libraries timed in a fresh process for context ('' for none)")
    p.add_argument("--force", action="store_true",
                   help="also run glum (dense d x d Hessian) when d > 5000")
    p.add_argument("--wait-idle", type=float, default=0.0, metavar="SECONDS",
                   help="before each worker, wait up to this long for an idle machine")
    p.add_argument("--list", action="store_true")
    args = p.parse_args(argv)
    args.logreg_tols = [float(t) for t in args.logreg_tols.split(",") if t]
    args.first_fit_context = [t for t in args.first_fit_context.split(",") if t]
    return args


def main(argv=None):
    opts = parse_args(argv)
    if opts.list:
        for name, c in CASES.items():
            print(f"{name:24s} {'*' if c.default else ' '} {c.dataset}: {c.description}")
        for name, text in SPECIAL.items():
            print(f"{name:24s} {'*' if name in SPECIAL_DEFAULT else ' '} {text}")
        print("(* = default)\n")
        for name, p in SPARSE_PEERS.items():
            print(f"{name:20s} {'/'.join(p.formulations):20s} "
                  f"{'L1+enet' if p.enet else 'L1 only':8s} tols {p.tols[0]:g}..{p.tols[-1]:g}")
        return
    universe = [*CASES, *SPECIAL]
    default = [n for n, c in CASES.items() if c.default] + list(SPECIAL_DEFAULT)
    cases = _select(opts.cases, universe, default, {}, "case")
    groups = {}
    for name, peer in SPARSE_PEERS.items():
        groups.setdefault(peer.library, []).append(name)
    peers = _select(opts.peers, list(SPARSE_PEERS), list(SPARSE_PEERS), groups, "peer")

    versions, locations, opts.unavailable = {}, {}, {}
    from benchmarks.sparse_peers import library_version
    for lib in ["sklearn", *dict.fromkeys(SPARSE_PEERS[p].library for p in peers)]:
        if lib in versions:
            continue
        try:
            versions[lib], loc = library_version(lib)
            if lib == "logreg":
                locations[lib] = loc
        except Exception as exc:  # noqa: BLE001
            opts.unavailable[lib] = f"{lib} not importable ({type(exc).__name__}: {exc})"
            print(f"NOTE: {opts.unavailable[lib]}; its peers are skipped.")
    try:
        import numba
        versions["numba"] = numba.__version__
    except ImportError:
        pass
    opts.logreg_ok, why = (logreg_l1_available() if "logreg" not in opts.unavailable
                           else (False, opts.unavailable["logreg"]))
    if not opts.logreg_ok:
        print(f"NOTE: logreg cannot fit L1 yet ({why}); references use the peers only")
    machine = machine_info(versions, locations)
    print(f"machine: {machine_line(machine)}")

    started, t0 = now_utc(), time.perf_counter()
    tasks = []
    for name in cases:
        if name in CASES:
            tasks.append(prepare_case(CASES[name], opts))
        elif name in ("sweep", "sweep-noint"):
            tasks.append(prepare_sweep(opts, "intercept" if name == "sweep" else "noint"))
    opts.deadline_at = time.time() + 60.0 * opts.deadline
    run_all(tasks, peers, opts)
    results = list(tasks)
    if "first-fit" in cases:
        print("\n== first fit in a fresh process")
        if "logreg" in opts.unavailable:
            print("  skipped: " + opts.unavailable["logreg"])
        else:
            results.append(run_first_fit(opts))
    print(f"\ntotal time {time.perf_counter() - t0:.0f} s")

    out = opts.out or str(DEFAULT_QUICK_OUT if opts.quick else DEFAULT_OUT)
    if out != "-":
        command = " ".join(["python -m benchmarks.sparse"] +
                           [shlex.quote(a) for a in sys.argv[1:]])
        run = {"date": started, "command": command, "quick": opts.quick,
               "machine": machine}
        update_results(Path(out), results, run)
        print(f"wrote {out}")


if __name__ == "__main__":
    main()

"""Cross-validated logistic regression: ``python -m benchmarks.cv``.

    .venv/bin/python -m benchmarks.cv --quick        # small sizes: development (~1 min)
    .venv/bin/python -m benchmarks.cv                # -> benchmarks/RESULTS-cv.md
    .venv/bin/python -m benchmarks.cv --problems cv-dense-l2 --peers logreg,sklearn-lbfgs

Times ``logreg.LogisticRegressionCV`` against scikit-learn's
``LogisticRegressionCV`` and glum's ``GeneralizedLinearRegressorCV`` on the
same data, the same folds (5-fold stratified, fixed seed), the same 20
values of C (``np.logspace(-4, 4, 20)``, scikit-learn's grid; glum gets the
same penalties as ``alpha = 1 / (C * n_train)``), the same scoring
(log-loss, glum's deviance criterion) and ``tol=1e-4``, one job each.
Every peer fits each fold's whole path with warm starts, picks C and refits
on all the data.

Each (problem, peer) runs in a fresh process (imports, numba's cache and
BLAS thread pools are warmed on a small slice first), best of
``--repeats``. Reported: wall time, speed-up (peer's time / logreg's), the
chosen C, and the objective value and optimality violation of the refit on
the full data (``sparse_objectives``, the objective each peer minimises:
liblinear's includes a penalized intercept, the others' do not).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.problems import CACHE_DIR, Problem, dense_binary, ensure_cached, load, load_meta
from benchmarks.report import machine_block, machine_line, machine_info, now_utc
from benchmarks.sparse_problems import text_l1

DEFAULT_OUT = Path(__file__).resolve().parent / "RESULTS-cv.md"
DEFAULT_QUICK_OUT = CACHE_DIR / "RESULTS-cv-quick.md"
N_CS, N_FOLDS, TOL, SEED = 20, 5, 1e-4, 0

PROBLEMS = {p.name: p for p in [
    Problem("cv-dense-l2", "binary",
            "dense float64 C-order, n=50000, d=100, AR(1) rho=0.6 features, Bernoulli labels; L2",
            dense_binary, {"n": 50_000, "d": 100}, {"n": 10_000}),
    Problem("cv-text-l1", "binary",
            "sparse CSR tf-idf-like, n=50000, d=20000, ~0.25% non-zeros, labels from a 1%-sparse "
            "true model (sparse_problems.text_l1); L1",
            text_l1, {"n": 50_000, "d": 20_000, "density": 0.0025, "version": 1},
            {"n": 5_000, "d": 2_000}),
]}
PENALTY = {"cv-dense-l2": 0.0, "cv-text-l1": 1.0}  # l1_ratio


@dataclass(frozen=True)
class Peer:
    name: str
    library: str
    solver: str
    l1_ratios: tuple = (0.0, 1.0)  # penalties it is run on
    formulation: str = "intercept"
    default: bool = True


PEERS = {p.name: p for p in [
    Peer("logreg", "logreg", "auto"),
    Peer("sklearn-lbfgs", "sklearn", "lbfgs", (0.0,)),
    Peer("sklearn-newton-cholesky", "sklearn", "newton-cholesky", (0.0,)),
    Peer("sklearn-liblinear", "sklearn", "liblinear", (1.0,), "liblinear"),
    # Same objective as logreg's L1, but it ran past 240 s even on the quick sizes:
    # not run unless asked for (--peers ...,sklearn-saga).
    Peer("sklearn-saga", "sklearn", "saga", (1.0,), default=False),
    Peer("glum", "glum", "auto"),
]}


def _folds(y):
    from sklearn.model_selection import StratifiedKFold

    return list(StratifiedKFold(N_FOLDS, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y))


def _fit(peer: Peer, X, y, l1_ratio, folds, Cs, n_jobs=1):
    """Fit one peer's CV; returns (C chosen, coef, intercept)."""
    if peer.library == "logreg":
        from logreg import LogisticRegressionCV

        model = LogisticRegressionCV(
            Cs=Cs, cv=folds, penalty="l1" if l1_ratio == 1 else "l2", scoring="neg_log_loss", tol=TOL,
            n_jobs=n_jobs,
        ).fit(X, y)
        return float(model.C_[0]), model.coef_.ravel(), float(model.intercept_[0])
    if peer.library == "sklearn":
        from sklearn.linear_model import LogisticRegressionCV

        model = LogisticRegressionCV(
            Cs=Cs, cv=folds, l1_ratios=(l1_ratio,), solver=peer.solver, scoring="neg_log_loss", tol=TOL,
            use_legacy_attributes=False, n_jobs=n_jobs,
        ).fit(X, y)
        return float(model.C_), model.coef_.ravel(), float(model.intercept_[0])
    from glum import GeneralizedLinearRegressorCV

    n_train = len(folds[0][0])
    alphas = np.sort(1.0 / (np.asarray(Cs) * n_train))[::-1]
    model = GeneralizedLinearRegressorCV(
        family="binomial", l1_ratio=l1_ratio, alphas=alphas, cv=folds, gradient_tol=TOL, n_jobs=n_jobs
    ).fit(X, np.asarray(y, dtype=np.float64))
    # glum's alpha is that of the mean over the rows it fits; as a C on the full data:
    return 1.0 / (float(model.alpha_) * X.shape[0]), np.ravel(model.coef_), float(model.intercept_)


def _child(conn, peer_name, folder, l1_ratio, repeats, threads, n_jobs):
    try:
        from threadpoolctl import threadpool_limits

        limits = threadpool_limits(threads) if threads else None  # 0 or None: no limit
        warnings.simplefilter("ignore")
        peer = PEERS[peer_name]
        X, y = load(folder)
        folds = _folds(y)
        Cs = np.logspace(-4, 4, N_CS)
        # Warm-up on a slice: imports, numba's compiled kernels, BLAS buffers.
        rows = np.arange(min(2000, X.shape[0]))
        _fit(peer, X[rows], y[rows], l1_ratio, _folds(y[rows]), Cs[::5])
        times, out = [], None
        for _ in range(repeats):
            t0 = time.perf_counter()
            out = _fit(peer, X, y, l1_ratio, folds, Cs, n_jobs)
            times.append(time.perf_counter() - t0)
        from benchmarks.sparse_objectives import objective, violation

        C, coef, intercept = out
        quality = dict(C=C, l1_ratio=l1_ratio, formulation=peer.formulation)
        conn.send({
            "ok": True, "time_s": min(times), "times": times, "C": C,
            "nnz": int(np.count_nonzero(coef)),
            "objective": objective(X, y, coef, intercept, **quality),
            "violation": violation(X, y, coef, intercept, **quality),
            "limits": None if limits is None else str(threads),
        })
    except Exception:  # noqa: BLE001 - reported in the table
        conn.send({"ok": False, "error": traceback.format_exc(limit=3).strip().splitlines()[-1]})


def run_one(peer_name, folder, l1_ratio, repeats, timeout, threads, n_jobs=1):
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, peer_name, str(folder), l1_ratio, repeats, threads, n_jobs))
    proc.start()
    child.close()
    if parent.poll(timeout):
        try:
            result = parent.recv()
        except EOFError:  # the worker died without answering (e.g. out of memory)
            proc.join(5)
            result = {"ok": False, "error": f"the worker process died (exit code {proc.exitcode})"}
    else:
        result = {"ok": False, "error": f"timeout after {timeout:.0f} s", "timeout": timeout}
    proc.join(5)
    if proc.is_alive():
        proc.kill()
        proc.join()
    return result


def render(results, run) -> str:
    lines = [
        "# LogisticRegressionCV benchmark",
        "",
        "Generated by `python -m benchmarks.cv` (see its docstring): 5-fold stratified CV, "
        f"{N_CS} values of C (`np.logspace(-4, 4, {N_CS})`), scoring log-loss, tol={TOL:g}, "
        f"n_jobs={run['n_jobs']}, BLAS threads={run['threads'] or 'not limited'}; "
        "each fold's path warm-started; refit at the chosen C. Speed-up = peer's time / logreg's time. "
        "Objective and violation are those of the refit on all the data, for the objective the peer "
        "minimises (liblinear penalizes the intercept; glum's chosen alpha is shown as the C it means "
        "on the full data).",
        "",
        f"- date: {run['date']}",
        f"- command: `{run['command']}`",
        f"- machine: {machine_line(run['machine'])}",
        "",
    ]
    for name, rows in results.items():
        problem = PROBLEMS[name]
        lines += [f"## {name}", "", problem.description + (" (quick size)" if run["quick"] else ""), ""]
        lines += ["| peer | time (s) | speed-up | C chosen | non-zeros | objective | violation |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        base = rows.get("logreg", {})
        for peer, r in rows.items():
            if not r["ok"]:
                limit = r.get("timeout")
                if limit is not None and base.get("ok"):
                    # Timed out (warm-up included): a lower bound on its time.
                    lines.append(f"| {peer} | > {limit:.0f} (timeout) | > {limit / base['time_s']:.0f}x | | | | |")
                else:
                    lines.append(f"| {peer} | {r['error']} | | | | | |")
                continue
            ratio = r["time_s"] / base["time_s"] if base.get("ok") else float("nan")
            lines.append(
                f"| {peer} | {r['time_s']:.3f} | {ratio:.2f}x | {r['C']:.4g} | {r['nnz']} | "
                f"{r['objective']:.8f} | {r['violation']:.1e} |"
            )
        lines.append("")
    lines += ["## Machine", "", machine_block(run["machine"]), ""]
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cv", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (development)")
    parser.add_argument("--problems", default=",".join(PROBLEMS), help="comma-separated: " + ", ".join(PROBLEMS))
    parser.add_argument("--peers", default=",".join(p.name for p in PEERS.values() if p.default),
                        help="comma-separated: " + ", ".join(PEERS) + " (default: all but sklearn-saga)")
    parser.add_argument("--repeats", type=int, default=None, help="best of k (default: 3 quick, 1 full)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per (problem, peer), warm-up included (default: 120 quick, 600 full)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS/OpenMP threads per peer (threadpoolctl; 0 = no limit). Default 1: on a shared "
                             "2-core machine multi-threaded BLAS timings measure contention")
    parser.add_argument("--n-jobs", type=int, default=1,
                        help="n_jobs of every peer's CV (default 1; logreg runs folds in threads, scikit-learn "
                             "lbfgs/liblinear in processes)")
    parser.add_argument("--out", default=None, help="markdown file ('-' for none)")
    return parser.parse_args(argv)


def main(argv=None):
    import sys

    args = parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 1)
    timeout = args.timeout or (120.0 if args.quick else 600.0)
    problems = [p.strip() for p in args.problems.split(",") if p.strip()]
    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    for name in problems + peers:
        if name not in PROBLEMS and name not in PEERS:
            raise SystemExit(f"unknown problem or peer {name!r}")
    results = {}
    for name in problems:
        problem = PROBLEMS[name]
        folder = ensure_cached(problem, args.quick)
        meta = load_meta(folder)
        l1_ratio = PENALTY[name]
        print(f"{name}: {meta['shape']} {meta['format']} ({'quick' if args.quick else 'full'})", flush=True)
        rows = {}
        for peer in peers:
            if l1_ratio not in PEERS[peer].l1_ratios:
                continue
            r = run_one(peer, folder, l1_ratio, repeats, timeout, args.threads, args.n_jobs)
            rows[peer] = r
            print(f"  {peer:24s} " + (f"{r['time_s']:8.3f} s  C={r['C']:.4g}  obj={r['objective']:.8f}  "
                                      f"viol={r['violation']:.1e}" if r["ok"] else r["error"]), flush=True)
        if rows.get("logreg", {}).get("ok"):
            for peer, r in rows.items():
                if r["ok"] and peer != "logreg":
                    print(f"  speed-up vs {peer}: {r['time_s'] / rows['logreg']['time_s']:.2f}x")
        results[name] = rows
    versions = {}
    for lib in ("sklearn", "glum", "logreg"):
        try:
            versions[lib] = __import__(lib).__version__
        except Exception:  # noqa: BLE001
            versions[lib] = "not installed"
    run = {"date": now_utc(), "command": "python -m benchmarks.cv " + " ".join(sys.argv[1:] if argv is None else argv),
           "machine": machine_info(versions), "quick": args.quick, "n_jobs": args.n_jobs,
           "threads": args.threads}
    out = args.out or str(DEFAULT_QUICK_OUT if args.quick else DEFAULT_OUT)
    if out != "-":
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(render(results, run))
        print(f"wrote {out}")
    json_out = CACHE_DIR / ("cv-quick.json" if args.quick else "cv.json")
    json_out.parent.mkdir(parents=True, exist_ok=True)
    json_out.write_text(json.dumps({"run": {k: v for k, v in run.items() if k != "machine"}, "results": results},
                                   indent=1, default=str))


if __name__ == "__main__":
    main()

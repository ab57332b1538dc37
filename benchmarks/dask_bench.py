"""logreg on a Dask cluster against dask-ml, and against in-memory logreg (issue 7).

    python -m benchmarks.dask_bench [--quick] [--out FILE]

A LocalCluster of two worker processes (1 thread each), each limited to
``--memory-limit`` (default 1 GB). X is generated lazily on the workers by
``dask.array.random`` with a fixed seed, chunk by chunk, and is never
persisted: every pass over X regenerates it. In full mode X is 3 GB, larger
than one worker's memory (and than both together).

Rows:

- ``big``: logreg on the dask array against dask-ml's ``LogisticRegression``
  (solver "lbfgs", dask-ml's fastest smooth solver here; dask_glm's ADMM
  solves the same problem) on the same cluster and data, both minimizing the
  same objective: no intercept (dask-ml penalizes its intercept, scikit-learn
  and logreg do not, so the data have none and neither model fits one), L2
  penalty ``||w||^2 / (2 C)`` on the *sum* of the losses. Objectives are
  recomputed here from the returned coefficients, on the per-sample scale.
- ``fits``: a subset that fits in the client's memory, logreg on the dask
  array against logreg on the same rows as a NumPy array.

Peak worker memory is the largest resident set size of each worker process
during a fit, sampled every 0.1 s from the client (psutil through
``client.run``).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import threading
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def _rss():
    import psutil

    return psutil.Process().memory_info().rss


class PeakMemory:
    """Peak RSS of every worker process while the block runs (sampled from the client)."""

    def __init__(self, client, interval=0.1):
        self.client, self.interval = client, interval

    def __enter__(self):
        self.peak = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def _poll(self):
        while not self._stop.is_set():
            try:
                for worker, rss in self.client.run(_rss).items():
                    self.peak[worker] = max(self.peak.get(worker, 0), rss)
            except Exception:  # a worker restarting under memory pressure
                pass
            self._stop.wait(self.interval)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def max_mb(self):
        return max(self.peak.values(), default=0) / 2**20


def make_data(n, d, chunk, seed=0):
    """Lazy X (n, d) and y: y = 1[X beta + logistic noise > 0], generated per chunk."""
    import dask.array as da

    rng = da.random.default_rng(seed)
    X = rng.standard_normal((n, d), chunks=(chunk, d))
    beta = np.random.default_rng(seed).normal(scale=1.0 / np.sqrt(d), size=d)
    noise = rng.logistic(size=n, chunks=chunk)
    y = (X @ beta + noise > 0).astype(np.float64)
    return X, y


def objective(X, y, w, C):
    """Per-sample objective: mean log-loss + ||w||^2 / (2 C n), one pass over the lazy data."""
    import dask

    eta = X @ w
    total = (da_logaddexp(eta) - y * eta).sum()
    (value,) = dask.compute(total)
    n = X.shape[0]
    return float(value) / n + float(w @ w) / (2 * C * n)


def da_logaddexp(eta):
    import dask.array as da

    return da.logaddexp(0.0, eta)


def timed(fn, client=None):
    if client is None:
        t0 = time.perf_counter()
        out = fn()
        return out, time.perf_counter() - t0, float("nan")
    with PeakMemory(client) as mem:
        t0 = time.perf_counter()
        out = fn()
        elapsed = time.perf_counter() - t0
    return out, elapsed, mem.max_mb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test, about a minute)")
    parser.add_argument("--out", default=None, help="markdown output (default benchmarks/RESULTS-dask.md; "
                        "quick: benchmarks/.cache/RESULTS-dask-quick.md)")
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--tol", type=float, default=1e-6,
                        help="logreg's tol (per-sample gradient); dask-ml gets n * tol on its summed objective")
    args = parser.parse_args(argv)

    import dask
    import distributed

    from logreg import LogisticRegression

    if args.quick:
        n, d, chunk, n_fit = 400_000, 20, 50_000, 100_000
    else:
        n, d, chunk, n_fit = 7_500_000, 50, 100_000, 1_000_000  # X: 3.0 GB, chunks 40 MB
    out = args.out or (os.path.join(HERE, ".cache", "RESULTS-dask-quick.md") if args.quick
                       else os.path.join(HERE, "RESULTS-dask.md"))
    C, tol = args.C, args.tol
    x_gb = n * d * 8 / 1e9

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=":0", memory_limit=args.memory_limit,
    )
    client = distributed.Client(cluster)
    rows = []
    try:
        X, y = make_data(n, d, chunk)
        print(f"X: {n} x {d} float64 = {x_gb:.2f} GB in {len(X.chunks[0])} chunks; "
              f"workers: 2 x {args.memory_limit}")

        # -- big: logreg on dask vs dask-ml on the same cluster and data ------------
        est, t_lr, mem_lr = timed(
            lambda: LogisticRegression(C=C, fit_intercept=False, tol=tol, max_iter=200).fit(X, y), client
        )
        obj_lr = objective(X, y, est.coef_.ravel(), C)
        rows.append(("big", "logreg (dask)", est.solver_, t_lr, obj_lr, int(est.n_iter_[0]), mem_lr))
        print(rows[-1])

        from dask_ml.linear_model import LogisticRegression as DaskMLLogisticRegression

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            peer, t_dm, mem_dm = timed(
                lambda: DaskMLLogisticRegression(
                    penalty="l2", C=C, fit_intercept=False, solver="lbfgs", tol=n * tol, max_iter=200
                ).fit(X, y),
                client,
            )
        obj_dm = objective(X, y, np.asarray(peer.coef_).ravel(), C)
        rows.append(("big", "dask-ml lbfgs", "lbfgs", t_dm, obj_dm, "", mem_dm))
        print(rows[-1])

        est1, t_l1, mem_l1 = timed(
            lambda: LogisticRegression(penalty="l1", C=0.01 * C, fit_intercept=False, tol=tol, max_iter=200)
            .fit(X, y), client,
        )
        w1 = est1.coef_.ravel()
        obj_l1 = _l1_objective(X, y, w1, 0.01 * C)
        rows.append(("big L1 (C/100)", "logreg (dask)", est1.solver_, t_l1, obj_l1, int(est1.n_iter_[0]), mem_l1))
        print(rows[-1], "non-zeros", np.count_nonzero(w1))

        # -- fits: the same rows on the cluster and in memory ------------------------
        Xs, ys = X[:n_fit], y[:n_fit]
        est_d, t_d, mem_d = timed(
            lambda: LogisticRegression(C=C, fit_intercept=False, tol=tol).fit(Xs, ys), client
        )
        # Gather block by block: computing Xs whole would concatenate it on one
        # worker, over its memory limit.
        Xm = np.concatenate(dask.compute(*Xs.to_delayed().ravel()))
        ym = np.concatenate(dask.compute(*ys.to_delayed().ravel()))
        est_m, t_m, _ = timed(lambda: LogisticRegression(C=C, fit_intercept=False, tol=tol).fit(Xm, ym))
        diff = float(np.max(np.abs(est_d.coef_ - est_m.coef_)))
        rows.append(("fits", "logreg (dask)", est_d.solver_, t_d, objective(Xs, ys, est_d.coef_.ravel(), C),
                     int(est_d.n_iter_[0]), mem_d))
        rows.append(("fits", "logreg (numpy)", est_m.solver_, t_m, objective(Xs, ys, est_m.coef_.ravel(), C),
                     int(est_m.n_iter_[0]), float("nan")))
        print(rows[-2:], "max |coef diff|", diff)
    finally:
        client.close()
        cluster.close()

    ratio_dm = t_dm / t_lr
    ratio_mem = t_d / t_m
    _write(out, args, n, d, chunk, n_fit, x_gb, rows, ratio_dm, ratio_mem, diff)
    print(f"dask-ml / logreg time: {ratio_dm:.2f}x;  logreg dask / in-memory on {n_fit} rows: {ratio_mem:.2f}x")
    print(f"written to {out}")


def _l1_objective(X, y, w, C):
    import dask

    eta = X @ w
    (value,) = dask.compute((da_logaddexp(eta) - y * eta).sum())
    n = X.shape[0]
    return float(value) / n + float(np.abs(w).sum()) / (C * n)


def _write(out, args, n, d, chunk, n_fit, x_gb, rows, ratio_dm, ratio_mem, diff):
    import dask
    import distributed
    import psutil

    try:
        import dask_ml

        dm_version = dask_ml.__version__
    except ImportError:  # pragma: no cover
        dm_version = "?"
    import logreg

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# logreg on Dask: benchmark results",
        "",
        "*Generated by `python -m benchmarks.dask_bench" + (" --quick" if args.quick else "") + "`; do not edit by hand.*",
        "",
        f"- date: {now}; machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        f"- Python {platform.python_version()}; dask {dask.__version__}, distributed {distributed.__version__}, "
        f"dask-ml {dm_version}, logreg {getattr(logreg, '__version__', '?')}",
        f"- cluster: LocalCluster, 2 worker processes x 1 thread, memory_limit={args.memory_limit} each",
        f"- data: X {n:,} x {d} float64 = {x_gb:.2f} GB, generated lazily on the workers "
        f"(`dask.array.random.default_rng(0)`, chunks of {chunk:,} rows), never persisted; "
        "y = 1[X beta + logistic noise > 0]",
        f"- objective (both libraries): mean log-loss + ||w||^2 / (2 C n), C = {args.C:g}, no intercept; "
        f"logreg tol = {args.tol:g}, dask-ml tol = n * {args.tol:g} (its objective is the sum)",
        "- peak MB: largest RSS of a worker process during the fit (sampled every 0.1 s)",
        "",
        "| data | fit | solver | time s | objective | iterations | peak worker MB |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for data, name, solver, t, obj, it, mem in rows:
        mem_text = "-" if mem != mem else f"{mem:.0f}"
        lines.append(f"| {data} | {name} | {solver} | {t:.2f} | {obj:.10f} | {it} | {mem_text} |")
    lines += [
        "",
        f"- **dask-ml time / logreg time (big): {ratio_dm:.2f}x**",
        f"- **logreg on dask / logreg in memory ({n_fit:,} rows that fit): {ratio_mem:.2f}x**; "
        f"max |coef difference| {diff:.2e}",
        "",
    ]
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as fh:
        fh.write("\n".join(lines))


if __name__ == "__main__":
    main()

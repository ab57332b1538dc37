"""Data, penalty calibration and tight references for the L1 / elastic-net benchmark.

Data sets are generated from fixed seeds and cached by ``problems.py``'s
cache (``benchmarks/.cache/data``); penalties (C) and references are cached
as JSON under ``benchmarks/.cache/sparse/``.
"""

from __future__ import annotations

import json
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from benchmarks.problems import CACHE_DIR, Problem, _correlated_rows, _rngs, sparse_text
from benchmarks.sparse_objectives import C_for, alpha_max, nnz, objective, violation

# Bump when a generator here changes (it is part of the data cache key).
SPARSE_GENERATOR_VERSION = 1
# Bump when the calibration or the reference methods change.
SPARSE_REFERENCE_VERSION = 1
SPARSE_CACHE = CACHE_DIR / "sparse"

# A reference is "certified" when its optimality violation (sparse_objectives.
# violation, same scale as logreg's tol) is at most this.
CERTIFIED_VIOLATION = 1e-9


# --------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------

def text_l1(n, d, density, support=0.01, signal=3.0, seed=20, version=1):
    """Sparse tf-idf-like CSR data with labels from a *sparse* true model.

    X is ``problems.sparse_text``'s (Zipf-like column frequencies, sublinear
    tf x idf, rows L2-normalised); its labels are discarded.  The true model
    has ``support * d`` non-zero N(0, 1) weights on columns drawn among the
    more frequent half (a weight on a column that occurs in five documents
    carries no signal); the predictor is scaled to std ``signal`` and
    centred so that about half the labels are positive.
    """
    del version  # only part of the cache key
    X, _ = sparse_text(n, d, density=density, seed=seed)
    rng_w, rng_y = _rngs(seed + 1000, 2)
    df = np.diff(X.tocsc().indptr)
    candidates = np.flatnonzero(df >= max(5, np.median(df)))
    k = max(5, int(round(support * d)))
    w = np.zeros(d)
    w[rng_w.choice(candidates, size=min(k, candidates.size), replace=False)] = \
        rng_w.standard_normal(min(k, candidates.size))
    z = X @ w
    z = signal * (z - np.median(z)) / z.std() + 0.2
    y = (rng_y.random(n) < expit(z)).astype(np.int64)
    return X, y


def dense_l1(n, d, support=0.05, rho=0.6, signal=2.5, intercept=0.3, seed=21,
             version=1):
    """Dense AR(1)-correlated Gaussian features, sparse true model.

    ``support * d`` of the true weights are non-zero (N(0, 1), random
    positions); the predictor has std ``signal``; Bernoulli labels.
    """
    del version
    rng_x, rng_w, rng_y = _rngs(seed, 3)
    X, L = _correlated_rows(rng_x, n, d, rho, np.float64, "C")
    k = max(2, int(round(support * d)))
    w = np.zeros(d)
    w[rng_w.choice(d, size=k, replace=False)] = rng_w.standard_normal(k)
    w *= signal / np.linalg.norm(L.T @ w)
    y = (rng_y.random(n) < expit(X @ w + intercept)).astype(np.int64)
    return X, y


def _quick(n, d):
    return {"n": n // 10, "d": d // 10}


DATASETS = {p.name: p for p in [
    Problem("l1-text-20k", "binary",
            "sparse CSR tf-idf-like, n=50000, d=20000, ~0.25% non-zeros, Zipf "
            "column frequencies, labels from a 1%-sparse true model",
            text_l1, {"n": 50_000, "d": 20_000, "density": 0.0025,
                      "version": SPARSE_GENERATOR_VERSION}, _quick(50_000, 20_000)),
    Problem("l1-text-100k", "binary",
            "sparse CSR tf-idf-like, n=50000, d=100000, ~0.1% non-zeros, Zipf "
            "column frequencies, labels from a 1%-sparse true model",
            text_l1, {"n": 50_000, "d": 100_000, "density": 0.001,
                      "version": SPARSE_GENERATOR_VERSION}, _quick(50_000, 100_000)),
    Problem("l1-dense-500", "binary",
            "dense float64 C-order, n=50000, d=500, AR(1) rho=0.6 features, labels "
            "from a 5%-sparse true model",
            dense_l1, {"n": 50_000, "d": 500, "version": SPARSE_GENERATOR_VERSION},
            _quick(50_000, 500)),
]}


# --------------------------------------------------------------------------
# Penalty calibration
# --------------------------------------------------------------------------

def _skglm_fit(X, y, C, l1_ratio, fit_intercept, tol, model=None, max_iter=100):
    from skglm import SparseLogisticRegression

    if model is None:
        model = SparseLogisticRegression(alpha=1.0 / (C * X.shape[0]), l1_ratio=l1_ratio,
                                         tol=tol, max_iter=max_iter, max_epochs=10_000,
                                         fit_intercept=fit_intercept, warm_start=True)
    model.set_params(alpha=1.0 / (C * X.shape[0]), tol=tol)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return model


def _cache_json(path: Path, compute):
    if path.exists():
        return json.loads(path.read_text())
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=1))
    return value


def calibrate(folder, X, y, l1_ratio: float, keep: float, log=print) -> dict:
    """C (with intercept) such that about ``keep * d`` coefficients are non-zero.

    The L1 weight r / (C n) = f * alpha_max walks down the grid
    f = 10^(-k/20) (a warm-started skglm path at tol 1e-6) and stops at the
    first f keeping at least ``keep * d`` features.  Cached per data set.
    """
    path = (SPARSE_CACHE / f"{Path(folder).name}-calib-r{l1_ratio:g}-keep{keep:g}"
            f"-v{SPARSE_REFERENCE_VERSION}.json")

    def compute():
        n, d = X.shape
        amax = alpha_max(X, y, "intercept")
        target = max(1, int(np.ceil(keep * d)))
        t0 = time.perf_counter()
        model, f, kept = None, 1.0, 0
        for k in range(1, 121):
            f = 10.0 ** (-k / 20)
            model = _skglm_fit(X, y, C_for(f * amax, n, l1_ratio), l1_ratio, True,
                               1e-6, model)
            kept = nnz(model.coef_)
            if kept >= target:
                break
        out = {"alpha_max": amax, "fraction": f, "C": C_for(f * amax, n, l1_ratio),
               "kept": kept, "target": target, "seconds": time.perf_counter() - t0}
        log(f"  calibrated C={out['C']:.6g} (L1 weight {f:.3g} x alpha_max) keeps "
            f"{kept}/{d} in {out['seconds']:.1f} s")
        return out

    return _cache_json(path, compute)


# --------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------

def _augment(X):
    """[X, 1]: liblinear's penalised intercept as an ordinary coefficient."""
    ones = np.ones((X.shape[0], 1))
    if sp.issparse(X):
        return sp.hstack([X, sp.csr_matrix(ones)], format="csr")
    return np.hstack([X, ones])


def _reference_candidates(X, y, C, l1_ratio, formulation, logreg_ok):
    """[(method, solve)] of tight solves; solve() -> (coef, intercept)."""
    Xa = _augment(X) if formulation == "liblinear" else X
    fit_intercept = formulation == "intercept"

    def split(coef, intercept):
        coef = np.asarray(coef, dtype=np.float64).reshape(-1)
        if formulation == "liblinear":
            return coef[:-1], coef[-1]
        return coef, (np.asarray(intercept).reshape(-1)[0] if fit_intercept else 0.0)

    def solve_logreg():
        from benchmarks.peers import import_logreg

        LR = import_logreg().LogisticRegression
        kw = dict(C=C, tol=1e-10, max_iter=10_000)
        if formulation == "liblinear":
            kw.update(penalty="l1", solver="liblinear", fit_intercept=True)
        else:
            kw.update(penalty="l1" if l1_ratio == 1 else "elasticnet",
                      l1_ratio=None if l1_ratio == 1 else l1_ratio,
                      solver="newton-cd", fit_intercept=fit_intercept)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = LR(**kw).fit(X, y)
        return np.asarray(m.coef_).reshape(-1), \
            (float(np.asarray(m.intercept_).reshape(-1)[0]) if formulation != "noint" else 0.0)

    def solve_skglm():
        m = _skglm_fit(Xa, y, C, l1_ratio, fit_intercept, 1e-12, max_iter=1000)
        return split(m.coef_, m.intercept_)

    def solve_celer():
        from celer import LogisticRegression as Celer

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = Celer(C=C, tol=1e-12, max_iter=1000).fit(Xa, y)
        return split(m.coef_, 0.0)

    out = []
    if logreg_ok:
        out.append(("logreg " + ("liblinear" if formulation == "liblinear" else "newton-cd")
                    + " tol=1e-10", solve_logreg))
    out.append(("skglm tol=1e-12", solve_skglm))
    if l1_ratio == 1.0 and formulation != "intercept":
        out.append(("celer tol=1e-12", solve_celer))
    return out


def logreg_l1_available() -> tuple[bool, str]:
    """Can logreg fit an L1 model?  (False, reason) until it lands."""
    try:
        from benchmarks.peers import import_logreg

        LR = import_logreg().LogisticRegression
        rng = np.random.default_rng(0)
        X = rng.standard_normal((60, 3))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            LR(penalty="l1", solver="newton-cd", C=1.0).fit(X, np.arange(60) % 2)
        return True, ""
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return False, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def get_reference(folder, X, y, C: float, l1_ratio: float, formulation: str,
                  logreg_ok: bool, log=print) -> dict:
    """Cached tight reference ``{"objective", "violation", "nnz", "method", ...}``.

    Every candidate of :func:`_reference_candidates` is solved (a second
    independent solve cross-checks the first; ``spread`` records how far
    their objectives are apart) and the lowest objective is kept.  The cache
    key records whether logreg took part, so references are recomputed once
    logreg's L1 solver is available.
    """
    tag = "withlogreg" if logreg_ok else "peers"
    path = (SPARSE_CACHE / f"{Path(folder).name}-ref-{formulation}-r{l1_ratio:g}-C{C:.10g}"
            f"-{tag}-v{SPARSE_REFERENCE_VERSION}.json")

    def compute():
        cands = []
        for method, solve in _reference_candidates(X, y, C, l1_ratio, formulation,
                                                   logreg_ok):
            t0 = time.perf_counter()
            try:
                coef, intercept = solve()
            except Exception as exc:  # noqa: BLE001 - e.g. logreg solver not there yet
                log(f"  reference candidate {method} failed: {type(exc).__name__}: {exc}")
                continue
            seconds = time.perf_counter() - t0
            cands.append({"method": method, "seconds": seconds,
                          "objective": objective(X, y, coef, intercept, C, l1_ratio,
                                                 formulation),
                          "violation": violation(X, y, coef, intercept, C, l1_ratio,
                                                 formulation),
                          "nnz": nnz(coef)})
        best = min(cands, key=lambda c: c["objective"])
        best = dict(best, spread=max(c["objective"] for c in cands) - best["objective"],
                    others={c["method"]: [c["objective"], c["violation"]]
                            for c in cands if c["method"] != best["method"]})
        if best["violation"] > CERTIFIED_VIOLATION:
            log(f"  WARNING: reference violation {best['violation']:.1e} > "
                f"{CERTIFIED_VIOLATION:g}")
        return best

    return _cache_json(path, compute)


@dataclass(frozen=True)
class Case:
    """One benchmarked optimisation problem: data x formulation x penalty."""

    name: str
    dataset: str
    formulation: str  # see sparse_objectives.FORMULATIONS
    l1_ratio: float = 1.0
    keep: float = 0.05  # target fraction of non-zero coefficients (calibration)
    default: bool = True
    description: str = ""

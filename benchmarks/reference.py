"""Tightly solved reference objective per (problem, C, objective kind).

The reference is the lowest objective (as computed by objectives.py) among
scikit-learn solves at tol=1e-10 on the data upcast to float64, tried in turn
until one is certified by a tiny gradient.  Its
max |gradient| (again from objectives.py, not from scikit-learn) is stored
with it as a certificate: a value near 1e-10 shows both that the solve is
tight and that objectives.py uses the same scaling as scikit-learn.

References are cached as JSON under benchmarks/.cache/ref/, keyed by the
data folder (which encodes the problem and its generator parameters).
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from benchmarks.objectives import gradient_max_abs, objective
from benchmarks.peers import MAX_DENSE_HESSIAN_PARAMS
from benchmarks.problems import CACHE_DIR

REFERENCE_VERSION = 1
REFERENCE_TOL = 1e-10
# A solve whose max |gradient| is below this is accepted without trying the
# next method.
CERTIFIED_GRAD = 1e-9


def _augment_with_ones(X):
    """[X, 1]: liblinear's penalised intercept as an ordinary coefficient."""
    ones = np.ones((X.shape[0], 1))
    if sp.issparse(X):
        return sp.hstack([X, sp.csr_matrix(ones)], format="csr")
    return np.hstack([X, ones])


def _methods(n_classes: int, n_params: int):
    """scikit-learn solvers to try, most reliable-and-fast first.

    newton-cholesky is exact and quick for binary problems with a small
    Hessian; for multinomial problems scikit-learn's newton-cholesky is slow
    (minutes at n=100k), so newton-cg goes first there.
    """
    small = n_params <= MAX_DENSE_HESSIAN_PARAMS
    if n_classes == 2 and small:
        return [("newton-cholesky", 1_000), ("newton-cg", 1_000), ("lbfgs", 50_000)]
    return ([("newton-cg", 1_000), ("lbfgs", 50_000)]
            + ([("newton-cholesky", 1_000)] if small else []))


def _solve(X, y, C, kind):
    from sklearn.linear_model import LogisticRegression

    X64 = X.astype(np.float64, copy=False)
    fit_intercept = kind == "l2"
    if kind == "liblinear":
        # With intercept_scaling=1, liblinear's objective is exactly L2
        # logistic regression without intercept on [X, 1] (scaled by C n).
        X64 = _augment_with_ones(X64)
    n_classes = len(np.unique(y))
    n_params = (1 if n_classes == 2 else n_classes) * (X.shape[1] + 1)
    candidates = []
    for solver, max_iter in _methods(n_classes, n_params):
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            # Near machine precision line searches may give up; the gradient
            # certificate below is what decides whether the result is usable.
            warnings.simplefilter("ignore")
            model = LogisticRegression(C=C, solver=solver, tol=REFERENCE_TOL,
                                       max_iter=max_iter,
                                       fit_intercept=fit_intercept).fit(X64, y)
        seconds = time.perf_counter() - t0
        if kind == "liblinear":
            coef, intercept = model.coef_[:, :-1], model.coef_[:, -1]
        else:
            coef, intercept = model.coef_, model.intercept_
        candidates.append({
            "objective": objective(X, y, coef, intercept, C, kind),
            "grad_max_abs": gradient_max_abs(X, y, coef, intercept, C, kind),
            "method": f"sklearn {solver} tol={REFERENCE_TOL:g}",
            "n_iter": int(np.max(model.n_iter_)), "seconds": seconds})
        if candidates[-1]["grad_max_abs"] <= CERTIFIED_GRAD:
            break  # certified optimal to well below any benchmarked tol
    best = min(candidates, key=lambda c: c["objective"])
    best["others"] = {c["method"]: c["objective"] for c in candidates if c is not best}
    return best


def get_reference(data_folder, X, y, C: float, kind: str, log=print) -> dict:
    """Cached reference ``{"objective", "grad_max_abs", "method", ...}``."""
    path = (CACHE_DIR / "ref" /
            f"{Path(data_folder).name}-C{C:g}-{kind}-v{REFERENCE_VERSION}.json")
    if path.exists():
        return json.loads(path.read_text())
    log(f"  computing {kind} reference (cached afterwards) ...")
    ref = _solve(X, y, C, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ref, indent=1))
    log(f"  reference {ref['objective']:.15g} via {ref['method']} "
        f"in {ref['seconds']:.1f} s, max|grad| {ref['grad_max_abs']:.1e}")
    return ref

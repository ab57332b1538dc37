"""Exact L1 / elastic-net objectives and optimality measures for the sparse benchmark.

Every fit is scored here, from its ``coef_`` / ``intercept_``, never from a
library's own report.  Binary problems, labels y in {0, 1}, n samples, C the
inverse regularisation strength and r = l1_ratio:

``"intercept"`` (scikit-learn's objective, logreg's; intercept b unpenalised)::

    F(w, b) = mean_i logloss(y_i, x_i.w + b)
              + (r ||w||_1 + (1 - r)/2 ||w||^2) / (C n)

``"noint"``: the same with b = 0 (no intercept).  This is the only
formulation that every peer supports: celer fits no intercept, and
scikit-learn's liblinear without intercept minimises exactly this (times C n).

``"liblinear"`` (L1 only, r = 1): liblinear's objective with
``intercept_scaling = 1``, where the intercept is the weight of a constant
feature and is penalised like the others::

    F(w, b) = mean_i logloss_i + (||w||_1 + |b|) / (C n)

:func:`violation` is the largest violation of the optimality conditions of F
(the distance of 0 to the subdifferential, coordinate-wise, max over
coordinates), the quantity logreg's ``tol`` bounds and skglm's ``tol`` uses.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

FORMULATIONS = ("intercept", "noint", "liblinear")


def as_params(coef, intercept, n_features: int):
    """float64 ``w`` of shape (d,) and scalar ``b`` from any peer's output."""
    w = np.asarray(coef, dtype=np.float64).reshape(-1)
    if w.size != n_features:
        raise ValueError(f"coef has {w.size} entries, expected {n_features}")
    b = np.asarray(intercept, dtype=np.float64).reshape(-1)
    if b.size > 1:
        raise ValueError(f"intercept has shape {b.shape}; binary problems only")
    return w, float(b[0]) if b.size else 0.0


def _check(formulation, l1_ratio, b):
    if formulation not in FORMULATIONS:
        raise ValueError(f"unknown formulation {formulation!r}")
    if formulation == "liblinear" and l1_ratio != 1.0:
        raise ValueError("the liblinear formulation is L1 only")
    if formulation == "noint" and b != 0.0:
        raise ValueError(f"no-intercept formulation but intercept {b!r}")


def _margin(X, w, b):
    z = X @ w if not sp.issparse(X) else X.astype(np.float64, copy=False) @ w
    return np.asarray(z, dtype=np.float64) + b


def objective(X, y, coef, intercept, C: float, l1_ratio: float = 1.0,
              formulation: str = "intercept") -> float:
    """F at the given solution (see the module docstring)."""
    n, d = X.shape
    w, b = as_params(coef, intercept, d)
    _check(formulation, l1_ratio, b)
    z = _margin(X, w, b)
    # log(1 + exp(-z)) for y = 1, log(1 + exp(z)) for y = 0, no cancellation.
    loss = np.sum(np.logaddexp(0.0, np.where(y == 1, -z, z))) / n
    l1 = np.sum(np.abs(w)) + (abs(b) if formulation == "liblinear" else 0.0)
    return float(loss + (l1_ratio * l1 + 0.5 * (1.0 - l1_ratio) * (w @ w)) / (C * n))


def _dist_to_subdiff(g, x, lam):
    """|min over s in lam * d|x| of g + s| for each coordinate."""
    return np.where(x != 0.0, np.abs(g + lam * np.sign(x)),
                    np.maximum(0.0, np.abs(g) - lam))


def violation(X, y, coef, intercept, C: float, l1_ratio: float = 1.0,
              formulation: str = "intercept") -> float:
    """max over coordinates of the distance of 0 to the subdifferential of F."""
    n, d = X.shape
    w, b = as_params(coef, intercept, d)
    _check(formulation, l1_ratio, b)
    r = expit(_margin(X, w, b)) - (y == 1)
    g = np.asarray(X.T @ r).reshape(-1) / n + (1.0 - l1_ratio) * w / (C * n)
    lam = l1_ratio / (C * n)
    worst = float(np.max(_dist_to_subdiff(g, w, lam))) if d else 0.0
    gb = float(np.sum(r)) / n
    if formulation == "intercept":
        worst = max(worst, abs(gb))
    elif formulation == "liblinear":
        worst = max(worst, float(_dist_to_subdiff(np.array([gb]), np.array([b]), lam)[0]))
    return worst


def alpha_max(X, y, formulation: str = "intercept") -> float:
    """Smallest L1 weight (of the mean-scaled objective) giving w = 0.

    With an unpenalised intercept the all-zero-coefficient model has
    b = logit(mean y), so alpha_max = max_j |X_j^T (y - mean y)| / n; without
    intercept it is max_j |X_j^T (y - 1/2)| / n.  For elastic net with
    l1_ratio r the L1 weight is r / (C n), so w = 0 exactly when
    r / (C n) >= alpha_max.  (For the liblinear formulation the constant
    column joins the max.)
    """
    n = X.shape[0]
    yf = (np.asarray(y) == 1).astype(np.float64)
    centre = yf.mean() if formulation == "intercept" else 0.5
    g = np.abs(np.asarray(X.T @ (yf - centre)).reshape(-1)) / n
    value = float(np.max(g))
    if formulation == "liblinear":
        value = max(value, abs(float(np.sum(yf - centre))) / n)
    return value


def C_for(alpha: float, n: int, l1_ratio: float = 1.0) -> float:
    """C whose L1 weight r / (C n) equals ``alpha``."""
    return l1_ratio / (n * alpha)


def nnz(coef) -> int:
    return int(np.count_nonzero(np.asarray(coef)))

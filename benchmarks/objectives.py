"""Exact objectives (and gradients) evaluated by the harness itself.

No library's own loss report is trusted: every fit is scored by evaluating
the objective below at its ``coef_`` / ``intercept_``, in float64 whatever
the dtype of X, with numerically stable log-sum-exp forms.

Objectives, with n samples and C the inverse regularisation strength:

``"l2"`` (scikit-learn lbfgs / newton-* with the default L2 penalty, glum
with ``alpha = 1/(C n)``, logreg)::

    binary:       mean_i logloss(y_i, x_i.w + b)           + ||w||^2   / (2 C n)
    multinomial:  mean_i [logsumexp(Z_i) - Z_{i,y_i}],
                  Z = X W^T + b (full K-row parametrisation) + ||W||_F^2 / (2 C n)

    The intercept is not penalised.

``"liblinear"`` (binary only): liblinear minimises
``0.5 (||w||^2 + (b/s)^2) + C sum_i logloss_i`` with the intercept b penalised
(s = intercept_scaling = 1 here).  It is reported divided by ``C n`` so that
its values are on the same scale as ``"l2"``::

    mean_i logloss_i + (||w||^2 + b^2) / (2 C n)
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, logsumexp, softmax

OBJECTIVE_KINDS = ("l2", "liblinear")

# Dense X is processed in row blocks so that float32 data is upcast one block
# at a time instead of copying the whole (possibly 400 MB) matrix.
_BLOCK = 65_536


def as_params(coef, intercept, n_features: int):
    """Normalise a solution to float64 ``W`` of shape (K, d) and ``b`` (K,).

    Accepts scikit-learn's (K, d) / (K,) as well as glum's (d,) / scalar.
    """
    W = np.asarray(coef, dtype=np.float64)
    W = W.reshape(-1, n_features)
    b = np.asarray(intercept, dtype=np.float64).reshape(-1)
    if b.size == 1 and W.shape[0] > 1:
        b = np.full(W.shape[0], b[0])
    if b.size != W.shape[0]:
        raise ValueError(f"intercept shape {b.shape} does not match coef {W.shape}")
    return W, b


def _row_blocks(X):
    """Yield (row slice, float64 block of X)."""
    if sp.issparse(X):
        yield slice(0, X.shape[0]), X.astype(np.float64, copy=False)
        return
    n = X.shape[0]
    for start in range(0, n, _BLOCK):
        sl = slice(start, min(start + _BLOCK, n))
        yield sl, np.asarray(X[sl], dtype=np.float64)


def _check_kind(kind, W):
    if kind not in OBJECTIVE_KINDS:
        raise ValueError(f"unknown objective kind {kind!r}")
    if kind == "liblinear" and W.shape[0] != 1:
        raise ValueError("the liblinear objective is binary-only")


def _penalty(W, b, C, n, kind):
    sq = np.sum(W * W)
    if kind == "liblinear":
        sq += np.sum(b * b)
    return sq / (2.0 * C * n)


def objective(X, y, coef, intercept, C: float, kind: str = "l2") -> float:
    """Objective value of a solution (see module docstring)."""
    n, d = X.shape
    W, b = as_params(coef, intercept, d)
    _check_kind(kind, W)
    total = 0.0
    for sl, Xb in _row_blocks(X):
        yb = y[sl]
        if W.shape[0] == 1:
            z = Xb @ W[0] + b[0]
            # logloss = log(1 + exp(-z)) for y=1, log(1 + exp(z)) for y=0;
            # the signed form avoids cancellation for large |z|.
            total += np.sum(np.logaddexp(0.0, np.where(yb == 1, -z, z)))
        else:
            Z = Xb @ W.T + b
            total += np.sum(logsumexp(Z, axis=1) - Z[np.arange(Z.shape[0]), yb])
    return float(total / n + _penalty(W, b, C, n, kind))


def gradient(X, y, coef, intercept, C: float, kind: str = "l2"):
    """Gradient ``(dW, db)`` of :func:`objective`; used to certify references."""
    n, d = X.shape
    W, b = as_params(coef, intercept, d)
    _check_kind(kind, W)
    gW = np.zeros_like(W)
    gb = np.zeros_like(b)
    for sl, Xb in _row_blocks(X):
        yb = y[sl]
        if W.shape[0] == 1:
            r = expit(Xb @ W[0] + b[0]) - (yb == 1)
            gW[0] += Xb.T @ r
            gb[0] += r.sum()
        else:
            R = softmax(Xb @ W.T + b, axis=1)
            R[np.arange(R.shape[0]), yb] -= 1.0
            gW += np.asarray(Xb.T @ R).T
            gb += R.sum(axis=0)
    gW = gW / n + W / (C * n)
    gb = gb / n
    if kind == "liblinear":
        gb += b / (C * n)
    return gW, gb


def gradient_max_abs(X, y, coef, intercept, C: float, kind: str = "l2") -> float:
    """max |gradient| over all parameters (scikit-learn / glum's tol scale)."""
    gW, gb = gradient(X, y, coef, intercept, C, kind)
    return float(max(np.max(np.abs(gW)), np.max(np.abs(gb))))

"""Shared data generators and independent (plain NumPy) reference computations.

Nothing here calls logreg: the reference loss, gradient and objective are
written from the textbook formulas so that the tests check the library against
something it did not compute itself.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import log_expit, logsumexp

# Storage layouts every backend test runs on: (name, container, dtype, order).
DENSE_KINDS = ["dense-f64-C", "dense-f64-F", "dense-f32-C", "dense-f32-F"]
SPARSE_KINDS = ["csr-f64", "csr-f32", "csc-f64", "csc-f32"]
ALL_KINDS = DENSE_KINDS + SPARSE_KINDS


def kind_dtype(kind: str):
    return np.float32 if "f32" in kind else np.float64


def is_sparse_kind(kind: str) -> bool:
    return kind.startswith(("csr", "csc"))


def convert(X: np.ndarray, kind: str):
    """X (dense float64) stored as ``kind``; values rounded to the kind's dtype."""
    dtype = kind_dtype(kind)
    if kind.startswith("dense"):
        order = kind.rsplit("-", 1)[1]
        out = np.array(X, dtype=dtype, order=order)
        assert out.flags[f"{order}_CONTIGUOUS"]
        return out
    fmt = kind.split("-")[0]
    out = sp.csr_matrix(X.astype(dtype)) if fmt == "csr" else sp.csc_matrix(X.astype(dtype))
    assert out.format == fmt and out.dtype == dtype
    return out


def densify(X) -> np.ndarray:
    """The exact float64 values of a stored X (float32 -> float64 is exact)."""
    if sp.issparse(X):
        X = X.toarray()
    return np.asarray(X, dtype=np.float64)


def make_X(n: int, d: int, seed: int = 0, density: float = 0.5, scale: float = 1.0) -> np.ndarray:
    """Standard-normal features with about ``1 - density`` of the entries exactly zero.

    Every column keeps at least one non-zero so no coefficient is undetermined
    for reasons unrelated to what a test checks.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * scale
    mask = rng.random((n, d)) < density
    mask[rng.integers(n, size=d), np.arange(d)] = True
    return X * mask


def make_labels(X: np.ndarray, n_classes: int, seed: int = 0, strength: float = 1.0) -> np.ndarray:
    """Class codes 0..K-1 drawn from a logistic model (noisy: not separable).

    Every class is guaranteed to appear at least a few times.
    """
    rng = np.random.default_rng(seed + 1000)
    n, d = X.shape
    W = rng.normal(size=(n_classes, d)) * strength
    b = rng.normal(size=n_classes) * 0.5
    eta = X @ W.T + b
    prob = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))
    u = rng.random(n)[:, None]
    y = (u > np.cumsum(prob, axis=1)).sum(axis=1)
    y = np.minimum(y, n_classes - 1)
    # make sure every class is present
    y[: 3 * n_classes] = np.repeat(np.arange(n_classes), 3)
    return y.astype(np.intp)


def make_weights(n: int, seed: int = 0, zero_fraction: float = 0.1) -> np.ndarray:
    rng = np.random.default_rng(seed + 2000)
    w = rng.uniform(0.2, 3.0, size=n)
    w[rng.random(n) < zero_fraction] = 0.0
    return w


def make_separable(n: int = 120, d: int = 4, seed: int = 0):
    """Binary data separated by a margin (every sample on its class's side)."""
    rng = np.random.default_rng(seed + 3000)
    X = rng.normal(size=(n, d))
    w = rng.normal(size=d)
    score = X @ w
    keep = np.abs(score) > 0.3
    X, score = X[keep], score[keep]
    return X, (score > 0).astype(np.intp)


# -- independent reference: loss, gradient, objective -----------------------------


def np_eta(Xd, W, b):
    """eta = X W^T + b for W of shape (rows, d) and b of shape (rows,)."""
    return Xd @ W.T + b


def np_loss_gradient(Xd, y, sw, W, b, multinomial):
    """Weighted-mean log-loss and its gradient in (W, b), from the formulas.

    Binary (one row): loss_i = -y log sigma(eta) - (1-y) log sigma(-eta).
    Multinomial (K rows): loss_i = logsumexp(eta_i) - eta_{i, y_i}.
    """
    Xd = np.asarray(Xd, dtype=np.float64)
    w = np.asarray(sw, dtype=np.float64)
    w = w / w.sum()
    eta = np_eta(Xd, W, b)
    if multinomial:
        lse = logsumexp(eta, axis=1)
        losses = lse - eta[np.arange(len(y)), y]
        prob = np.exp(eta - lse[:, None])
        Y = np.zeros_like(prob)
        Y[np.arange(len(y)), y] = 1.0
        resid = w[:, None] * (prob - Y)
    else:
        t = np.asarray(y, dtype=np.float64)
        e = eta[:, 0]
        losses = -t * log_expit(e) - (1 - t) * log_expit(-e)
        prob = np.exp(log_expit(e))
        resid = (w * (prob - t))[:, None]
    value = float(w @ losses)
    gW = resid.T @ Xd
    gb = resid.sum(axis=0)
    return value, gW, gb


def np_objective(Xd, y, sw, W, b, C, multinomial, factors=None):
    """scikit-learn's objective: weighted mean log-loss + ||W||^2 / (2 C sum(sw))."""
    value, _, _ = np_loss_gradient(Xd, y, sw, W, b, multinomial)
    if np.isinf(C):
        return value
    f = np.ones(W.shape[1]) if factors is None else np.asarray(factors, dtype=np.float64)
    return value + float(np.sum(f * W * W)) / (2.0 * C * float(np.sum(sw)))


def np_objective_gradient(Xd, y, sw, W, b, C, multinomial, factors=None):
    """Gradient of :func:`np_objective` in (W, b)."""
    _, gW, gb = np_loss_gradient(Xd, y, sw, W, b, multinomial)
    if not np.isinf(C):
        f = np.ones(W.shape[1]) if factors is None else np.asarray(factors, dtype=np.float64)
        gW = gW + f * W / (C * float(np.sum(sw)))
    return gW, gb


def estimator_objective(model, X, y_labels, sw=None, class_weight_per_sample=None):
    """sklearn-style objective at a fitted estimator's (coef_, intercept_).

    ``y_labels`` are the original labels; a binary model (one row of coef_)
    uses the sigmoid, several rows the full softmax.
    """
    Xd = densify(X)
    classes = np.unique(y_labels)
    y = np.searchsorted(classes, y_labels)
    n = Xd.shape[0]
    sw = np.ones(n) if sw is None else np.asarray(sw, dtype=np.float64)
    if class_weight_per_sample is not None:
        sw = sw * class_weight_per_sample
    W = np.asarray(model.coef_, dtype=np.float64)
    b = np.asarray(model.intercept_, dtype=np.float64)
    multinomial = W.shape[0] > 1
    return np_objective(Xd, y, sw, W, b, model.C, multinomial)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)

"""Finite-difference and reference checks of LogisticLoss, per backend and dtype.

Finite differences are central: (f(c + h e_j) - f(c - h e_j)) / 2h, whose error
is truncation (h^2/6 |f'''|) plus rounding (about u |f| / h, u the unit
roundoff of the arithmetic that computes f).

- float64 backends: u = 1.1e-16 and h = 1e-5 give ~1e-11 rounding and ~1e-11
  truncation on gradients of size ~0.1-1, so a relative error of 1e-7 is
  generous and still catches any wrong factor.
- float32 backends compute eta = X w in float32 (u = 6e-8, relative to |eta| of
  a few units): the rounding term becomes ~6e-8 * O(1) / h. With h = 2**-8
  (and coefficients on a 2**-12 grid, so that c +- h is exact in float32) that
  is ~2e-5 against gradients of size ~0.1, i.e. ~2e-4 relative; truncation is
  ~1e-5. A bound of 2e-3 covers both with a safety factor of ~10 and is still
  three orders below what any wrong formula (a missing weight, scaling or
  sign) produces.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import log_expit, logsumexp

from logreg.backends import as_design_matrix
from logreg.core.loss import LogisticLoss

from conftest import convert, densify, kind_dtype, make_labels, make_weights, make_X, np_loss_gradient

N, D, K = 60, 4, 3
KINDS = ["dense-f64-F", "dense-f32-C", "csr-f64", "csc-f32"]
EXTRAS = ["plain", "weights", "offset", "weights+offset"]
INTERCEPTS = [None, 1.0, 2.5]  # None: no intercept; else intercept_scaling


def fd_settings(kind):
    if kind_dtype(kind) == np.float32:
        return 2.0**-8, 2e-3
    return 1e-5, 1e-7


def build_loss(kind, multinomial, intercept, extras, n=N, d=D, seed=0):
    Xd = make_X(n, d, seed=seed, density=0.7)
    X = convert(Xd, kind)
    codes = make_labels(Xd, K if multinomial else 2, seed=seed)
    rng = np.random.default_rng(seed + 7)
    sw = make_weights(n, seed=seed) if "weights" in extras else np.ones(n)
    offset = None
    if "offset" in extras:
        offset = rng.normal(size=(n, K)) if multinomial else rng.normal(size=n)
    loss = LogisticLoss(
        as_design_matrix(X),
        codes if multinomial else codes.astype(np.float64),
        n_classes=K if multinomial else 2,
        multinomial=multinomial,
        sample_weight=sw,
        offset=offset,
        fit_intercept=intercept is not None,
        intercept_scaling=1.0 if intercept is None else intercept,
    )
    return loss, X, codes, sw, offset


def grid_coef(loss, seed=0, scale=0.5):
    """Random coefficients on a 2**-12 grid: exactly representable in float32."""
    rng = np.random.default_rng(seed + 11)
    return np.round(rng.normal(size=loss.n_coef) * scale * 4096) / 4096


def fd_gradient(f, c, h):
    g = np.empty_like(c)
    for j in range(c.size):
        e = np.zeros_like(c)
        e[j] = h
        g[j] = (f(c + e) - f(c - e)) / (2 * h)
    return g


def fd_jacobian(g, c, h):
    cols = []
    for j in range(c.size):
        e = np.zeros_like(c)
        e[j] = h
        cols.append((g(c + e) - g(c - e)) / (2 * h))
    return np.column_stack(cols)


def rel_err(approx, exact):
    return np.max(np.abs(approx - exact)) / np.max(np.abs(exact))


cases = pytest.mark.parametrize(
    "kind,multinomial,intercept,extras",
    [
        (kind, multinomial, intercept, extras)
        for kind in KINDS
        for multinomial in (False, True)
        for intercept in INTERCEPTS
        for extras in EXTRAS
    ],
)


@cases
def test_gradient_matches_finite_differences(kind, multinomial, intercept, extras):
    loss, *_ = build_loss(kind, multinomial, intercept, extras)
    c = grid_coef(loss)
    h, tol = fd_settings(kind)
    value, grad = loss.loss_gradient(c)
    assert np.isfinite(value) and grad.shape == (loss.n_coef,) and grad.dtype == np.float64
    fd = fd_gradient(lambda z: loss.value(loss.eta(z)), c, h)
    assert rel_err(fd, grad) < tol


@cases
def test_hessian_matches_finite_differences_of_gradient(kind, multinomial, intercept, extras):
    loss, *_ = build_loss(kind, multinomial, intercept, extras)
    c = grid_coef(loss)
    h, tol = fd_settings(kind)
    H = loss.hessian(loss.eta(c))
    assert H.shape == (loss.n_coef, loss.n_coef) and H.dtype == np.float64
    fd = fd_jacobian(lambda z: loss.loss_gradient(z)[1], c, h)
    assert rel_err(fd, H) < tol
    # symmetric to rounding of the arithmetic that formed it
    sym_tol = 1e-5 if kind_dtype(kind) == np.float32 else 1e-13
    assert rel_err(H.T, H) < sym_tol


@cases
def test_hessian_operator_matches_hessian(kind, multinomial, intercept, extras):
    loss, *_ = build_loss(kind, multinomial, intercept, extras)
    c = grid_coef(loss)
    eta = loss.eta(c)
    H = loss.hessian(eta)
    prob = loss.probabilities(eta)
    op = loss.hessian_operator(eta)
    op_with_prob = loss.hessian_operator(eta, prob)
    rng = np.random.default_rng(5)
    # float32 products: ~d * u32 relative to the sum of absolute terms
    rtol = 1e-5 if kind_dtype(kind) == np.float32 else 1e-12
    for _ in range(3):
        v = rng.normal(size=loss.n_coef)
        expected = H @ v
        scale = np.max(np.abs(H) @ np.abs(v))
        assert np.max(np.abs(op(v) - expected)) <= rtol * scale
        assert np.max(np.abs(op_with_prob(v) - expected)) <= rtol * scale


@cases
def test_value_and_gradient_match_numpy_reference(kind, multinomial, intercept, extras):
    """Against the formulas written out in conftest (float64 on X's exact values)."""
    loss, X, codes, sw, offset = build_loss(kind, multinomial, intercept, extras)
    c = grid_coef(loss)
    Xd = densify(X)
    M = c.reshape(loss.n_rows, -1)
    W = M[:, :D]
    b = np.zeros(loss.n_rows) if intercept is None else M[:, D] * intercept
    # put the offset into the reference through an extra, fixed column
    if offset is not None:
        off = offset if multinomial else offset[:, None]
        Xref = np.hstack([Xd, off])
        Wref = np.hstack([W, np.eye(loss.n_rows) if multinomial else np.ones((1, 1))])
    else:
        Xref, Wref = Xd, W
    value_ref, gW, gb = np_loss_gradient(Xref, codes, sw, Wref, b, multinomial)
    grad_ref = np.hstack([gW[:, :D], (gb * intercept)[:, None]]) if intercept is not None else gW[:, :D]
    value, grad = loss.loss_gradient(c)
    rtol = 1e-5 if kind_dtype(kind) == np.float32 else 1e-12
    assert value == pytest.approx(value_ref, rel=rtol)
    assert np.max(np.abs(grad - grad_ref.ravel())) <= rtol * max(1.0, np.max(np.abs(grad_ref)))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("multinomial", [False, True])
def test_eta_is_affine_in_coef(kind, multinomial):
    loss, _, _, _, offset = build_loss(kind, multinomial, 2.5, "offset")
    a, b = grid_coef(loss, seed=1), grid_coef(loss, seed=2)
    tol = 1e-5 if kind_dtype(kind) == np.float32 else 1e-12
    np.testing.assert_allclose(loss.eta(a) - offset, loss.direction_eta(a), rtol=0, atol=tol * 10)
    np.testing.assert_allclose(
        loss.direction_eta(a + b), loss.direction_eta(a) + loss.direction_eta(b), rtol=0, atol=tol * 10
    )


@pytest.mark.parametrize("multinomial", [False, True])
def test_value_and_residual_consistent_with_loss_gradient(multinomial):
    loss, *_ = build_loss("dense-f64-C", multinomial, 1.0, "weights+offset")
    c = grid_coef(loss)
    eta = loss.eta(c)
    value, resid, prob = loss.value_and_residual(eta)
    v2, g2 = loss.loss_gradient(c)
    assert value == v2
    np.testing.assert_array_equal(loss.gradient_from_residual(resid), g2)
    if multinomial:
        np.testing.assert_allclose(prob.sum(axis=1), 1.0, rtol=1e-14)
        assert resid.shape == (N, K)
    else:
        assert resid.shape == (N,)
    assert np.all((prob >= 0) & (prob <= 1))


# -- numerical stability -------------------------------------------------------------


def direct_value(eta, y, w, multinomial):
    w = w / w.sum()
    if multinomial:
        return float(w @ (logsumexp(eta, axis=1) - eta[np.arange(len(y)), y]))
    return float(w @ (-y * log_expit(eta) - (1 - y) * log_expit(-eta)))


@pytest.mark.parametrize("kind", ["dense-f64-C", "dense-f32-F", "csr-f64"])
@pytest.mark.parametrize("multinomial", [False, True])
def test_extreme_eta_gives_finite_values(kind, multinomial):
    """eta of magnitude 1e3, correct and wrong side: no overflow, exact value."""
    n = 8
    Xd = np.zeros((n, 2))
    X = convert(Xd, kind)
    rng = np.random.default_rng(0)
    if multinomial:
        y = np.array([0, 1, 2, 0, 1, 2, 0, 1])
        offset = rng.choice([-1e3, 1e3, -800.0, 999.0, 0.0], size=(n, K))
    else:
        y = np.array([1, 0, 0, 1, 1, 0, 1, 0], dtype=np.float64)
        offset = np.array([-1e3, 1e3, -1e3, 1e3, 800.0, -750.0, 30.0, 0.0])
    sw = np.array([1e6, 1.0, 2.0, 1e-3, 5.0, 1.0, 3.0, 1.0])
    loss = LogisticLoss(
        as_design_matrix(X),
        y,
        n_classes=K if multinomial else 2,
        multinomial=multinomial,
        sample_weight=sw,
        offset=offset,
        fit_intercept=True,
    )
    c = np.zeros(loss.n_coef)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        eta = loss.eta(c)
        value, resid, prob = loss.value_and_residual(eta)
        _, grad = loss.loss_gradient(c)
        H = loss.hessian(eta)
        Hv = loss.hessian_operator(eta)(np.ones(loss.n_coef))
    for arr in (value, resid, prob, grad, H, Hv):
        assert np.all(np.isfinite(arr))
    assert value == pytest.approx(direct_value(offset, y, sw, multinomial), rel=1e-13)
    # a wrong-side eta of 1e3 costs about 1e3
    assert value > 1.0


@pytest.mark.parametrize("kind", ["dense-f64-F", "dense-f32-C", "csc-f64", "csr-f32"])
@pytest.mark.parametrize("multinomial", [False, True])
@pytest.mark.parametrize("coef_scale", [1e-6, 1.0])
def test_huge_features_give_finite_values(kind, multinomial, coef_scale):
    """Features of size 1e8: eta up to ~1e8, gradients ~1e8, all finite and right."""
    n, d = 40, 3
    rng = np.random.default_rng(1)
    Xd = rng.normal(size=(n, d)) * 1e8
    X = convert(Xd, kind)
    Xd = densify(X)
    y = rng.integers(0, K if multinomial else 2, size=n)
    sw = rng.uniform(0.5, 1e6, size=n)
    loss = LogisticLoss(
        as_design_matrix(X),
        y if multinomial else y.astype(np.float64),
        n_classes=K if multinomial else 2,
        multinomial=multinomial,
        sample_weight=sw,
        fit_intercept=True,
    )
    c = rng.normal(size=loss.n_coef) * coef_scale
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        eta = loss.eta(c)
        value, grad = loss.loss_gradient(c)
        H = loss.hessian(eta)
    assert np.isfinite(value) and np.all(np.isfinite(grad)) and np.all(np.isfinite(H))
    M = c.reshape(loss.n_rows, d + 1)
    eta_ref = Xd @ M[:, :d].T + M[:, d]
    if not multinomial:
        eta_ref = eta_ref[:, 0]
    rtol = 1e-5 if kind_dtype(kind) == np.float32 else 1e-12
    # eta itself within float32/float64 rounding of the sum of |terms|
    terms = np.abs(Xd) @ np.abs(M[:, :d].T) + np.abs(M[:, d])
    if not multinomial:
        terms = terms[:, 0]
    assert np.all(np.abs(eta - eta_ref) <= rtol * terms)
    # the value computed from the library's eta equals the direct formula
    assert value == pytest.approx(direct_value(eta, y.astype(float) if not multinomial else y, sw, multinomial), rel=1e-13)
    # and from the exact eta within the rounding of eta
    ref = direct_value(eta_ref, y.astype(float) if not multinomial else y, sw, multinomial)
    assert abs(value - ref) <= rtol * (np.max(terms) + 1.0)


# -- the intercept-only start ----------------------------------------------------------


@pytest.mark.parametrize("multinomial", [False, True])
@pytest.mark.parametrize("intercept_scaling", [1.0, 2.5])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("kind", ["dense-f64-C", "csr-f32"])
def test_null_coef_zeroes_intercept_gradient(multinomial, intercept_scaling, weighted, kind):
    n = 90
    Xd = make_X(n, 3, seed=4)
    rng = np.random.default_rng(9)
    if multinomial:
        y = rng.choice(K, size=n, p=[0.6, 0.3, 0.1])
    else:
        y = (rng.random(n) < 0.15).astype(np.float64)
        y[:2] = [0.0, 1.0]
    sw = make_weights(n, seed=3) if weighted else np.ones(n)
    loss = LogisticLoss(
        as_design_matrix(convert(Xd, kind)),
        y,
        n_classes=K if multinomial else 2,
        multinomial=multinomial,
        sample_weight=sw,
        fit_intercept=True,
        intercept_scaling=intercept_scaling,
    )
    c0 = loss.null_coef()
    M = c0.reshape(loss.n_rows, -1)
    assert np.all(M[:, :3] == 0.0)
    _, grad = loss.loss_gradient(c0)
    G = grad.reshape(loss.n_rows, -1)
    np.testing.assert_allclose(G[:, 3], 0.0, atol=1e-12)
    # it is the intercept-only minimizer: no other intercept does better
    base = loss.value(loss.eta(c0))
    for delta in (1e-3, -1e-3):
        for r in range(loss.n_rows):
            trial = c0.copy().reshape(loss.n_rows, -1)
            trial[r, 3] += delta
            assert loss.value(loss.eta(trial.ravel())) >= base


def test_null_coef_without_intercept_is_zero():
    Xd = make_X(30, 3)
    y = make_labels(Xd, 2).astype(float)
    loss = LogisticLoss(
        as_design_matrix(Xd), y, n_classes=2, multinomial=False, sample_weight=np.ones(30), fit_intercept=False
    )
    np.testing.assert_array_equal(loss.null_coef(), np.zeros(3))


# -- the Hessian against its formula, on row subsets, and its flat directions ---------------


def np_hessian(Xd, codes, sw, c, multinomial, intercept, offset=None):
    """The loss Hessian from its formula: blocks Z^T diag(w p_k (delta_kl - p_l)) Z."""
    n, d = Xd.shape
    w = sw / sw.sum()
    Z = Xd if intercept is None else np.hstack([Xd, np.full((n, 1), intercept)])
    p = Z.shape[1]
    rows = K if multinomial else 1
    M = c.reshape(rows, p)
    eta = Z @ M.T
    if offset is not None:
        eta = eta + (offset if multinomial else offset[:, None])
    if not multinomial:
        pr = 1 / (1 + np.exp(-eta[:, 0]))
        return Z.T @ ((w * pr * (1 - pr))[:, None] * Z)
    P = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))
    H = np.zeros((rows * p, rows * p))
    for k in range(rows):
        for l in range(rows):
            h = w * P[:, k] * ((k == l) - P[:, l])
            H[k * p : (k + 1) * p, l * p : (l + 1) * p] = Z.T @ (h[:, None] * Z)
    return H


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("multinomial", [False, True])
@pytest.mark.parametrize("intercept", INTERCEPTS)
def test_hessian_matches_formula(kind, multinomial, intercept):
    loss, X, codes, sw, offset = build_loss(kind, multinomial, intercept, "weights+offset")
    c = grid_coef(loss)
    H = loss.hessian(loss.eta(c))
    expected = np_hessian(densify(X), codes, sw, c, multinomial, intercept, offset)
    rtol = 1e-5 if kind_dtype(kind) == np.float32 else 1e-12
    assert np.max(np.abs(H - expected)) <= rtol * np.max(np.abs(expected))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("multinomial", [False, True])
@pytest.mark.parametrize("intercept", [None, 2.5])
def test_subsampled_hessian_is_hessian_of_the_subset(kind, multinomial, intercept):
    """hessian(rows=idx) is the Hessian of the weighted mean over the rows idx.

    The weights of the subset are renormalized, so it equals the Hessian of a
    loss built on X[idx] with the weights sw[idx].
    """
    loss, X, codes, sw, offset = build_loss(kind, multinomial, intercept, "weights+offset")
    c = grid_coef(loss)
    idx = np.sort(np.random.default_rng(3).choice(N, size=25, replace=False))
    idx = idx[sw[idx] > 0] if np.any(sw[idx] > 0) else idx
    sub_X = X[idx] if not hasattr(X, "tocsr") else X.tocsr()[idx]
    sub = LogisticLoss(
        as_design_matrix(sub_X),
        codes[idx] if multinomial else codes[idx].astype(float),
        n_classes=K if multinomial else 2,
        multinomial=multinomial,
        sample_weight=sw[idx],
        offset=None if offset is None else offset[idx],
        fit_intercept=intercept is not None,
        intercept_scaling=1.0 if intercept is None else intercept,
    )
    H_rows = loss.hessian(loss.eta(c), rows=idx)
    H_sub = sub.hessian(sub.eta(c))
    rtol = 1e-5 if kind_dtype(kind) == np.float32 else 1e-12
    assert np.max(np.abs(H_rows - H_sub)) <= rtol * np.max(np.abs(H_sub))
    # and with all rows it is the full Hessian
    H_all = loss.hessian(loss.eta(c), rows=np.arange(N))
    H = loss.hessian(loss.eta(c))
    assert np.max(np.abs(H_all - H)) <= rtol * np.max(np.abs(H))


@pytest.mark.parametrize("kind", ["dense-f64-C", "csr-f64"])
@pytest.mark.parametrize("intercept", [None, 1.0, 2.5])
def test_flat_directions_have_no_curvature(kind, intercept):
    """Adding the same number to column j of every class leaves the softmax unchanged."""
    loss, *_ = build_loss(kind, True, intercept, "weights")
    p = loss.p
    penalized = np.ones(p, dtype=bool)
    penalized[1] = False
    if intercept is not None:
        penalized[-1] = False
    flat = loss.flat_directions_without_curvature(penalized)
    expected_cols = [1] + ([p - 1] if intercept is not None else [])
    assert len(flat) == len(expected_cols)
    c = grid_coef(loss)
    eta = loss.eta(c)
    H = loss.hessian(eta)
    for idx, j in zip(flat, expected_cols):
        np.testing.assert_array_equal(np.sort(idx), np.arange(K) * p + j)
        v = np.zeros(loss.n_coef)
        v[idx] = 1.0
        assert np.max(np.abs(H @ v)) <= 1e-12 * np.max(np.abs(H))
        # the loss itself is unchanged along v, and its gradient is orthogonal to v
        assert loss.value(loss.eta(c + 0.7 * v)) == pytest.approx(loss.value(eta), rel=1e-13)
        assert abs(loss.loss_gradient(c)[1] @ v) <= 1e-13
    # a penalized column is not flat for the objective, and binary models have none
    binary, *_ = build_loss(kind, False, intercept, "weights")
    assert binary.flat_directions_without_curvature(np.zeros(binary.p, dtype=bool)) == []


@pytest.mark.parametrize("multinomial", [False, True])
def test_tiny_losses_keep_relative_precision(multinomial):
    """Confident, correct predictions: losses of 1e-18 are computed as 1e-18, not 0.

    A well-classified observation's loss is log(1 + e^-margin); written as
    softplus(eta) - y * eta (or logsumexp(eta) - eta_y) it is the difference
    of two numbers of size |eta| and keeps only ~eps * |eta| absolute
    precision (relative error 1e-7 at eta = 20, 100 % at eta = 40). Where the
    total loss is small (nearly separated classes, weak penalty) that noise
    dominates the objective that line searches compare.
    """
    etas = np.array([20.0, 40.0, 700.0])
    n = etas.size
    if multinomial:
        y = np.zeros(n, dtype=np.intp)
        offset = np.column_stack([etas, np.zeros(n), np.zeros(n)])
        expected = np.log1p(2.0 * np.exp(-etas))  # log(1 + sum_{k != y} e^(eta_k - eta_y))
    else:
        y = np.ones(n)
        offset = etas
        expected = -log_expit(etas)  # ~ e^-eta
    for i in range(n):
        loss = LogisticLoss(
            as_design_matrix(np.zeros((1, 1))),
            y[i : i + 1],
            n_classes=K if multinomial else 2,
            multinomial=multinomial,
            sample_weight=np.ones(1),
            offset=offset[i : i + 1],
            fit_intercept=False,
        )
        value = loss.value(loss.eta(np.zeros(loss.n_coef)))
        assert value == pytest.approx(expected[i], rel=1e-12, abs=1e-320)
        assert value > 0 or expected[i] == 0

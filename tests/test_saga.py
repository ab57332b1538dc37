"""The "saga" and "sag" solvers, checked against independent references.

- KKT: the gradient of the smooth part is recomputed here from the formulas
  (plain NumPy, eta = X W' + b + offset), and the optimality conditions of
  the L1 term and the box are written out here (not logreg's
  ``violation_vector``);
- objective: equal to scikit-learn's saga optimum (tol 1e-10) on the same
  values, both objectives evaluated here; for L1, the same zero pattern on a
  problem where no coefficient is near its threshold;
- exact just-in-time updates: after a few epochs, CSR (lazy updates of the
  skipped steps, closed form) and dense (every coefficient at every step)
  runs of the same sample order agree to rounding;
- bounds (some excluding zero), per-feature penalty factors (one of them 0),
  no intercept, liblinear's penalized intercept (== a penalized constant
  column), sample weights (2 == duplicated row, 0 == dropped row), offsets,
  determinism, float32 X passed uncopied, max_iter, and that ``import
  logreg`` compiles nothing; and the estimator with penalty="l1"/"elasticnet".
"""

from __future__ import annotations

import functools
import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, log_expit, logsumexp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

import logreg
from logreg._fitting import build_problem, solve_problem
from logreg.solvers import get_solver

from conftest import convert, densify, make_labels, make_X

N, D, K = 240, 8, 3
KINDS = ["dense-C", "dense-F", "csr", "csc"]
DTYPES = [np.float64, np.float32]
MODES = ["binary", "multinomial"]
# name: (C, l1_ratio). C = 0.1 (with seed 1) makes the L1 problems sparse with every zero
# coefficient well inside its threshold (checked in the test).
PENALTIES = {"l2": (1.0, 0.0), "l1": (0.1, 1.0), "enet": (0.1, 0.5)}


def tol_for(dtype):
    # float32: the stopping pass computes X @ float32(coef) (relative rounding
    # 6e-8 on eta), which puts a floor of ~1e-7 under the measured gradient.
    return 1e-5 if dtype == np.float32 else 1e-9


def slack_for(dtype):
    """What an independent float64 gradient may add to tol (see test_solvers.kkt_slack)."""
    return 1e-5 if dtype == np.float32 else 1e-12


# -- data -------------------------------------------------------------------------------


def stored(Xd, kind, dtype):
    name = {"dense-C": "dense-{}-C", "dense-F": "dense-{}-F", "csr": "csr-{}", "csc": "csc-{}"}[kind]
    return convert(Xd, name.format("f32" if dtype == np.float32 else "f64"))


@functools.lru_cache(maxsize=None)
def dataset(mode, seed=1):
    Xd = make_X(N, D, seed=seed, density=0.6)
    codes = make_labels(Xd, 2 if mode == "binary" else K, seed=seed)
    return Xd, codes


def target(codes, mode):
    return codes.astype(float) if mode == "binary" else codes


def problem_for(X, codes, mode, C, l1_ratio, sw=None, **kw):
    sw = np.ones(X.shape[0]) if sw is None else sw
    return build_problem(
        X, target(codes, mode), sw, n_classes=2 if mode == "binary" else K,
        multinomial=mode == "multinomial", C=C, penalty_factor=np.ones(X.shape[1]),
        l1_ratio=l1_ratio, fit_intercept=True, **kw,
    )


# -- independent reference ------------------------------------------------------------


def split(coef, rows, d):
    M = np.asarray(coef, dtype=np.float64).reshape(rows, d + 1)
    return M[:, :d], M[:, d]


def ref_loss_gradient(Xd, y, sw, W, b, multinomial, offset=None):
    """Weighted-mean log-loss and its gradient (rows, d + 1), from the formulas."""
    w = sw / sw.sum()
    eta = Xd @ W.T + b
    if offset is not None:
        eta = eta + (offset if offset.ndim == 2 else offset[:, None])
    if multinomial:
        lse = logsumexp(eta, axis=1)
        losses = lse - eta[np.arange(len(y)), y]
        onehot = np.eye(W.shape[0])[y]
        resid = w[:, None] * (np.exp(eta - lse[:, None]) - onehot)
    else:
        e = eta[:, 0]
        losses = -y * log_expit(e) - (1 - y) * log_expit(-e)
        resid = (w * (expit(e) - y))[:, None]
    grad = np.hstack([resid.T @ Xd, resid.sum(axis=0)[:, None]])
    return float(w @ losses), grad


def ref_penalty_weights(rows, d, C, l1_ratio, sw):
    """Flat (l1, l2) weights of scikit-learn's penalty; the intercept unpenalized."""
    alpha = 1.0 / (C * sw.sum())
    per = np.tile(np.append(np.ones(d), 0.0), rows) * alpha
    return l1_ratio * per, (1 - l1_ratio) * per


def ref_objective(Xd, y, sw, W, b, C, l1_ratio, multinomial):
    value, _ = ref_loss_gradient(Xd, y, sw, W, b, multinomial)
    alpha = 1.0 / (C * sw.sum())
    return value + alpha * (l1_ratio * np.abs(W).sum() + 0.5 * (1 - l1_ratio) * (W * W).sum())


def ref_kkt(coef, smooth_grad, l1, lower=None, upper=None):
    """Largest violation of 0 in smooth_grad + l1 * d|coef| + normal cone of the box.

    For each coefficient: the set of admissible values of -g is the interval
    [lo_c, hi_c] = l1 * sign(c) (or [-l1, l1] at 0), widened to -inf below at
    an active lower bound and to +inf above at an active upper bound; the
    violation is the distance of -g to that interval.
    """
    c, g = np.asarray(coef), np.asarray(smooth_grad)
    lo_c = np.where(c > 0, l1, -l1)
    hi_c = np.where(c < 0, -l1, l1)
    if lower is not None:
        lo_c = np.where(c <= lower, -np.inf, lo_c)
    if upper is not None:
        hi_c = np.where(c >= upper, np.inf, hi_c)
    return float(np.max(np.maximum(np.maximum(lo_c - (-g), (-g) - hi_c), 0.0)))


def ref_kkt_of(result, Xd, codes, mode, C, l1_ratio, sw=None, lower=None, upper=None, offset=None):
    rows = 1 if mode == "binary" else K
    sw = np.ones(len(codes)) if sw is None else sw
    W, b = split(result.coef, rows, Xd.shape[1])
    y = target(codes, mode)
    _, g = ref_loss_gradient(Xd, y, sw, W, b, mode == "multinomial", offset)
    l1, l2 = ref_penalty_weights(rows, Xd.shape[1], C, l1_ratio, sw)
    return ref_kkt(result.coef, g.ravel() + l2 * result.coef, l1, lower, upper)


@functools.lru_cache(maxsize=None)
def sklearn_optimum(mode, pen, dtype):
    """scikit-learn's saga at tol 1e-10 on the float64 values of the stored data."""
    Xd, codes = dataset(mode)
    Xv = densify(stored(Xd, "dense-C", dtype))
    C, ratio = PENALTIES[pen]
    model = SkLogisticRegression(C=C, l1_ratio=ratio, solver="saga", tol=1e-10, max_iter=10000).fit(Xv, codes)
    W, b = model.coef_, model.intercept_
    return W, b, ref_objective(Xv, target(codes, mode), np.ones(N), W, b, C, ratio, mode == "multinomial")


CASES = [
    (solver, kind, dtype, mode, pen)
    for solver in ("saga", "sag")
    for kind in KINDS
    for dtype in DTYPES
    for mode in MODES
    for pen in PENALTIES
    if solver == "saga" or pen == "l2"
]


@pytest.mark.parametrize(
    "solver, kind, dtype, mode, pen", CASES,
    ids=[f"{s}-{k}-{np.dtype(t).name}-{m}-{p}" for s, k, t, m, p in CASES],
)
def test_kkt_and_sklearn_objective(solver, kind, dtype, mode, pen):
    Xd, codes = dataset(mode)
    X = stored(Xd, kind, dtype)
    Xv = densify(X)
    C, ratio = PENALTIES[pen]
    tol = tol_for(dtype)
    result = solve_problem(problem_for(X, codes, mode, C, ratio), solver, None, tol=tol, max_iter=20000)
    assert result.converged and result.solver == solver and result.n_iter > 0
    assert ref_kkt_of(result, Xv, codes, mode, C, ratio) <= tol + slack_for(dtype)

    rows = 1 if mode == "binary" else K
    W, b = split(result.coef, rows, D)
    ours = ref_objective(Xv, target(codes, mode), np.ones(N), W, b, C, ratio, mode == "multinomial")
    W_sk, _, theirs = sklearn_optimum(mode, pen, dtype)
    # at gradient <= tol the objective is within ~tol^2 / curvature of the minimum
    assert ours == pytest.approx(theirs, rel=1e-9 if dtype == np.float64 else 1e-7, abs=0)
    if ratio > 0:
        assert np.array_equal(W == 0, W_sk == 0)
        assert np.any(W == 0)
        # well conditioned: every zero is well inside its threshold, so the
        # pattern is not decided by rounding
        _, g = ref_loss_gradient(Xv, target(codes, mode), np.ones(N), W, b, mode == "multinomial")
        l1_w = ratio / (C * N)
        assert np.max(np.abs(g[:, :D][W == 0])) < 0.9 * l1_w


# -- exact just-in-time updates -----------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("short_tables", [False, True])
def test_sparse_lazy_updates_match_dense_steps(mode, short_tables, monkeypatch):
    """Same sample order, same maps: CSR with skipped steps applied in closed
    form equals dense with every coefficient stepped every time, to rounding.

    Very sparse rows (most coefficients skip many steps), per-feature penalty
    factors (several tables), L1 + L2, and bounds that exclude zero on some
    coefficients. ``short_tables`` forces a flush of all features every 7
    steps (the path taken when many distinct L2 weights would make long tables).
    """
    from logreg.solvers import saga as saga_module

    if short_tables:
        monkeypatch.setattr(saga_module, "_TABLE_ENTRIES", 7)
    d = 30
    Xd = make_X(300, d, seed=3, density=0.08)
    codes = make_labels(Xd, 2 if mode == "binary" else K, seed=3)
    rows = 1 if mode == "binary" else K
    lower = np.full((rows, d), -0.3)
    upper = np.full((rows, d), 0.25)
    lower[:, 0], upper[:, 1] = 0.05, -0.05  # boxes away from zero
    factors = np.random.default_rng(0).uniform(0.5, 2.0, d)
    factors[2] = 0.0  # unpenalized: its own table (rho = 1)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, 300)
    for ratio in (0.0, 0.6, 1.0):
        coefs = []
        for X in (Xd, sp.csr_matrix(Xd)):
            problem = build_problem(
                X, target(codes, mode), sw, n_classes=2 if mode == "binary" else K,
                multinomial=mode == "multinomial", C=0.2, penalty_factor=factors,
                l1_ratio=ratio, lower=lower, upper=upper,
            )
            start = np.clip(problem.loss.null_coef(), problem.lower, problem.upper)
            result = saga_module.solve_saga(problem, start, tol=0.0, max_iter=3)
            assert result.n_iter == 3 and not result.converged
            coefs.append(result.coef)
        assert np.max(np.abs(coefs[0] - coefs[1])) <= 1e-12, ratio


# -- bounds ---------------------------------------------------------------------------------


@pytest.mark.parametrize("solver, ratio", [("saga", 0.0), ("saga", 0.5), ("sag", 0.0)])
@pytest.mark.parametrize("kind", ["dense-C", "csr"])
@pytest.mark.parametrize("mode", MODES)
def test_bounds(solver, ratio, kind, mode):
    Xd, codes = dataset(mode)
    X = stored(Xd, kind, np.float64)
    rows = 1 if mode == "binary" else K
    lower = np.full((rows, D), -0.4)
    upper = np.full((rows, D), 0.3)
    lower[:, 0] = 0.1  # excludes zero
    C = 1.0
    problem = problem_for(X, codes, mode, C, ratio, lower=lower, upper=upper)
    result = solve_problem(problem, solver, None, tol=1e-9, max_iter=20000)
    assert result.converged
    lo, hi = problem.lower, problem.upper
    assert np.all(result.coef >= lo) and np.all(result.coef <= hi)
    active = (result.coef == lo) | (result.coef == hi)
    assert active.sum() >= 2  # the bounds bind (exactly, not approximately)
    assert ref_kkt_of(result, Xd, codes, mode, C, ratio, lower=lo, upper=hi) <= 1e-9 + 1e-12
    if ratio == 0.0:
        ref = solve_problem(problem, "lbfgs", None, tol=1e-9, max_iter=2000)
        assert result.objective == pytest.approx(ref.objective, rel=1e-10)


# -- penalty factors, no intercept, liblinear's penalized intercept --------------------------


@pytest.mark.parametrize("kind", ["dense-C", "csr"])
@pytest.mark.parametrize("mode", MODES)
def test_penalty_factors_and_a_penalized_constant_column(kind, mode):
    """Per-feature factors (one 0: an unpenalized feature, its own lazy table)
    without intercept, checked by the independent KKT; and liblinear's
    objective (intercept of scaling s, penalized like a feature) equals the
    model without intercept on [X, s] with every column penalized."""
    Xd, codes = dataset(mode)
    rows = 1 if mode == "binary" else K
    factors = np.linspace(0.0, 2.0, D)
    ratio, C = 0.5, 0.5
    n_classes = 2 if mode == "binary" else K
    common = dict(n_classes=n_classes, multinomial=mode == "multinomial", C=C, l1_ratio=ratio)
    problem = build_problem(stored(Xd, kind, np.float64), target(codes, mode), np.ones(N),
                            penalty_factor=factors, fit_intercept=False, **common)
    res = solve_problem(problem, "saga", None, tol=1e-9, max_iter=20000)
    assert res.converged
    W = res.coef.reshape(rows, D)
    _, g = ref_loss_gradient(Xd, target(codes, mode), np.ones(N), W, np.zeros(rows), mode == "multinomial")
    alpha = 1.0 / (C * N)
    l1 = np.tile(alpha * ratio * factors, rows)
    l2 = np.tile(alpha * (1 - ratio) * factors, rows)
    assert ref_kkt(res.coef, g[:, :D].ravel() + l2 * res.coef, l1) <= 1e-9 + 1e-12

    s = 2.0
    Z = np.hstack([Xd, np.full((N, 1), s)])
    a = solve_problem(build_problem(stored(Xd, kind, np.float64), target(codes, mode), np.ones(N),
                                    penalty_factor=np.ones(D), liblinear=True, intercept_scaling=s, **common),
                      "saga", None, tol=1e-10, max_iter=20000)
    b = solve_problem(build_problem(stored(Z, kind, np.float64), target(codes, mode), np.ones(N),
                                    penalty_factor=np.ones(D + 1), fit_intercept=False, **common),
                      "saga", None, tol=1e-10, max_iter=20000)
    assert a.converged and b.converged
    np.testing.assert_allclose(a.coef, b.coef, rtol=0, atol=1e-8)


# -- weights, offsets, determinism -------------------------------------------------------


@pytest.mark.parametrize("solver", ["saga", "sag"])
@pytest.mark.parametrize("kind", ["dense-C", "csr"])
@pytest.mark.parametrize("mode", MODES)
def test_weight_two_is_a_duplicated_row_and_zero_a_dropped_one(solver, kind, mode):
    Xd, codes = dataset(mode)
    rng = np.random.default_rng(5)
    sw = rng.integers(0, 3, size=N).astype(float)  # 0, 1 or 2
    rep = np.repeat(np.arange(N), sw.astype(int))
    ratio = 0.5 if solver == "saga" else 0.0
    a = solve_problem(problem_for(stored(Xd, kind, np.float64), codes, mode, 0.3, ratio, sw=sw),
                      solver, None, tol=1e-11, max_iter=50000)
    b = solve_problem(problem_for(stored(Xd[rep], kind, np.float64), codes[rep], mode, 0.3, ratio),
                      solver, None, tol=1e-11, max_iter=50000)
    assert a.converged and b.converged
    np.testing.assert_allclose(a.coef, b.coef, rtol=0, atol=1e-8)


def test_offset_shifts_the_intercept():
    """A constant offset o (unpenalized intercept) moves the intercept by -o exactly;
    a random offset is checked with the independent KKT (eta includes it)."""
    Xd, codes = dataset("binary")
    base = solve_problem(problem_for(Xd, codes, "binary", 1.0, 0.5), "saga", None, tol=1e-11, max_iter=20000)
    shifted = solve_problem(problem_for(Xd, codes, "binary", 1.0, 0.5, offset=np.full(N, 0.7)),
                            "saga", None, tol=1e-11, max_iter=20000)
    np.testing.assert_allclose(shifted.coef[:D], base.coef[:D], atol=1e-8)
    assert shifted.coef[D] == pytest.approx(base.coef[D] - 0.7, abs=1e-8)
    for mode in MODES:
        Xd, codes = dataset(mode)
        rng = np.random.default_rng(2)
        offset = rng.normal(size=N) if mode == "binary" else rng.normal(size=(N, K))
        for kind in ("dense-C", "csr"):
            res = solve_problem(problem_for(stored(Xd, kind, np.float64), codes, mode, 1.0, 0.5, offset=offset),
                                "saga", None, tol=1e-9, max_iter=20000)
            assert res.converged
            assert ref_kkt_of(res, Xd, codes, mode, 1.0, 0.5, offset=offset) <= 1e-9 + 1e-12


@pytest.mark.parametrize("solver", ["saga", "sag"])
@pytest.mark.parametrize("kind", ["dense-C", "dense-F", "csr"])
def test_deterministic(solver, kind):
    Xd, codes = dataset("multinomial")
    X = stored(Xd, kind, np.float64)
    runs = [solve_problem(problem_for(X, codes, "multinomial", 1.0, 0.0), solver, None, tol=1e-8, max_iter=5000)
            for _ in range(2)]
    assert runs[0].n_iter == runs[1].n_iter
    assert np.array_equal(runs[0].coef, runs[1].coef)


def test_float32_x_is_not_copied_to_float64(monkeypatch):
    """The kernels receive the stored float32 array itself."""
    from logreg._kernels import saga as kernels

    seen = []
    original = kernels.dense_epoch

    def spy(X, *args):
        seen.append(X)
        return original(X, *args)

    monkeypatch.setattr(kernels, "dense_epoch", spy)
    Xd, codes = dataset("binary")
    X = stored(Xd, "dense-F", np.float32)
    solve_problem(problem_for(X, codes, "binary", 1.0, 0.0), "saga", None, tol=1e-5, max_iter=1000)
    assert seen and all(x is X for x in seen)


# -- stopping, registry, import ---------------------------------------------------------------


def test_max_iter_reached_warns_and_reports():
    Xd, codes = dataset("multinomial")
    problem = problem_for(Xd, codes, "multinomial", 1.0, 1.0)
    with pytest.warns(ConvergenceWarning, match="saga did not converge after 3 iterations"):
        result = solve_problem(problem, "saga", None, tol=1e-12, max_iter=3)
    assert result.n_iter == 3 and not result.converged
    assert "maximum number of epochs" in result.message
    assert result.optimality == pytest.approx(problem.optimality(result.coef), rel=1e-12)
    assert result.objective == pytest.approx(problem.objective(result.coef), rel=1e-12)


def test_sag_refuses_l1_and_both_take_bounds():
    Xd, codes = dataset("binary")
    with pytest.raises(ValueError, match="only smooth penalties"):
        solve_problem(problem_for(Xd, codes, "binary", 1.0, 1.0), "sag", None, tol=1e-6, max_iter=10)
    spec_saga, spec_sag = get_solver("saga"), get_solver("sag")
    assert spec_saga.l1 and spec_saga.bounds and not spec_sag.l1 and spec_sag.bounds


def test_import_logreg_compiles_nothing():
    code = (
        "import sys, logreg\n"
        "from logreg.solvers import get_solver\n"
        "get_solver('saga')\n"
        "assert 'numba' not in sys.modules and 'logreg._kernels.saga' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- through the estimator -----------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("penalty", [dict(penalty="l1"), dict(penalty="elasticnet", l1_ratio=0.5)])
def test_estimator_saga(mode, penalty):
    Xd, codes = dataset(mode)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = logreg.LogisticRegression(solver="saga", C=0.5, tol=1e-8, max_iter=5000, **penalty).fit(Xd, codes)
    assert model.solver_ == "saga"
    ratio = penalty.get("l1_ratio", 1.0)
    ref = SkLogisticRegression(C=0.5, l1_ratio=ratio, solver="saga", tol=1e-10, max_iter=10000).fit(Xd, codes)
    y, multi = target(codes, mode), mode == "multinomial"
    ours = ref_objective(Xd, y, np.ones(N), model.coef_, model.intercept_, 0.5, ratio, multi)
    theirs = ref_objective(Xd, y, np.ones(N), ref.coef_, ref.intercept_, 0.5, ratio, multi)
    assert ours == pytest.approx(theirs, rel=1e-8)
    assert np.array_equal(model.coef_ == 0, ref.coef_ == 0)

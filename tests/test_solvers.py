"""Optimality of every solver's answer, checked with the library's measure and independently.

The independent check recomputes the gradient of scikit-learn's objective
(weighted mean log-loss + ||W||^2 / (2 C sum(sw))) with NumPy from the
returned coefficients (conftest.np_objective_gradient); it never calls the
library's loss.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from logreg._fitting import build_problem, solve_problem
from logreg.solvers import available_solvers, check_supported, get_solver

from conftest import (
    convert,
    densify,
    make_labels,
    make_separable,
    make_weights,
    make_X,
    np_objective,
    np_objective_gradient,
)

SOLVERS = ["lbfgs", "newton-cholesky", "newton-cg"]
N, D, K = 300, 10, 3


def test_registry_names():
    assert set(SOLVERS) <= set(available_solvers())
    for name in SOLVERS:
        assert get_solver(name).name == name
    with pytest.raises(ValueError, match="unknown solver"):
        get_solver("no-such-solver")


def tol_for(dtype):
    return 1e-4 if dtype == np.float32 else 1e-6


def kkt_slack(dtype):
    """How far an independent float64 gradient may exceed tol at the returned point.

    float64: only summation-order rounding (~1e-16 relative on O(1) terms).
    float32: the solver saw products computed in float32 (u = 6e-8) on features
    of size ~3 and residuals <= 1, so its gradient differs from the float64 one
    by at most ~ d * u * max|x| ~ 1e-6 per entry; 1e-5 bounds it safely.
    """
    return 1e-5 if dtype == np.float32 else 1e-12


def _problems(mode, X, codes, sw, C, factor, fit_intercept=True):
    """One problem (binary, multinomial) or one binary problem per class (ovr)."""
    common = dict(C=C, penalty_factor=factor, fit_intercept=fit_intercept)
    if mode == "binary":
        return [(build_problem(X, codes.astype(float), sw, n_classes=2, multinomial=False, **common), codes, False)]
    if mode == "multinomial":
        return [(build_problem(X, codes, sw, n_classes=K, multinomial=True, **common), codes, True)]
    out = []
    for k in range(K):
        target = (codes == k).astype(np.intp)
        out.append((build_problem(X, target.astype(float), sw, n_classes=2, multinomial=False, **common), target, False))
    return out


def _independent_gradient(problem, coef, Xd, y, sw, C, multinomial, factor):
    M = problem.loss.as_matrix(coef)
    d = Xd.shape[1]
    W = M[:, :d]
    b = M[:, d] if problem.loss.fit_intercept else np.zeros(M.shape[0])
    gW, gb = np_objective_gradient(Xd, y, sw, W, b, C, multinomial, factors=factor)
    if problem.loss.fit_intercept:
        return np.hstack([gW, gb[:, None]]).ravel()
    return gW.ravel()


def _data(mode, dtype, container, seed=0):
    Xd = make_X(N, D, seed=seed, density=0.6)
    codes = make_labels(Xd, 2 if mode == "binary" else K, seed=seed)
    kind = ("csr" if container == "sparse" else "dense") + ("-f32" if dtype == np.float32 else "-f64")
    if kind.startswith("dense"):
        kind += "-C"
    X = convert(Xd, kind)
    return X, densify(X), codes, make_weights(N, seed=seed)


CASES = [
    (solver, container, dtype, mode, C)
    for solver in SOLVERS
    for container in ("dense", "sparse")
    for dtype in (np.float64, np.float32)
    for mode in ("binary", "multinomial", "ovr")
    for C in (1.0, np.inf)
]


@pytest.mark.parametrize(
    "solver,container,dtype,mode,C",
    CASES,
    ids=[f"{s}-{c}-{np.dtype(t).name}-{m}-C{C}" for s, c, t, m, C in CASES],
)
def test_optimality_within_tol(solver, container, dtype, mode, C):
    X, Xd, codes, sw = _data(mode, dtype, container)
    factor = np.ones(D)
    factor[1] = 0.0  # one unpenalized feature
    factor[2] = 3.0
    tol = tol_for(dtype)
    for problem, y, multinomial in _problems(mode, X, codes, sw, C, factor):
        result = get_solver(solver).solve(problem, problem.loss.null_coef(), tol=tol, max_iter=500)
        assert result.solver == solver
        assert result.converged, result.message
        assert np.all(np.isfinite(result.coef))
        assert result.coef.shape == (problem.n_coef,)
        assert result.optimality <= tol
        # the library's own measure, recomputed at the returned point (float32:
        # a fresh X @ float32(coef) differs from the solver's tracked eta by rounding)
        assert problem.optimality(result.coef) <= tol + kkt_slack(dtype)
        # The reported objective is that of the returned coefficients. Newton
        # updates eta incrementally (eta += t X step), so in float32 the tracked
        # eta differs from X @ float32(coef) by the float32 rounding of the
        # products (u32 |X||coef| ~ 1e-7): the objective then agrees to ~1e-7.
        obj_rtol = 1e-6 if dtype == np.float32 else 1e-12
        assert result.objective == pytest.approx(problem.objective(result.coef), rel=obj_rtol)
        # independently: NumPy gradient of sklearn's objective, float64, from the coefficients
        g = _independent_gradient(problem, result.coef, Xd, y, sw, C, multinomial, factor)
        assert np.max(np.abs(g)) <= tol + kkt_slack(dtype)


@pytest.mark.parametrize("container", ["dense", "sparse"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("mode", ["binary", "multinomial", "ovr"])
@pytest.mark.parametrize("C", [0.1, np.inf])
def test_objective_values_agree_across_solvers(container, dtype, mode, C):
    """Same problem, every solver: the same minimum.

    At a point with gradient <= tol the objective exceeds the minimum by at
    most ~||g||^2 / (2 mu); with tol = 1e-6 and curvature mu >~ 1e-2 that is
    ~1e-10, so 1e-8 relative is a real check (float64). In float32 tol = 1e-4
    gives ~1e-6, plus float32 evaluation noise ~1e-7: relative 1e-5.
    """
    X, Xd, codes, sw = _data(mode, dtype, container, seed=1)
    tol = tol_for(dtype)
    rtol = 1e-5 if dtype == np.float32 else 1e-8
    factor = np.ones(D)
    for problem, y, multinomial in _problems(mode, X, codes, sw, C, factor):
        values = {}
        for solver in SOLVERS:
            result = get_solver(solver).solve(problem, problem.loss.null_coef(), tol=tol, max_iter=500)
            assert result.converged, (solver, result.message)
            M = problem.loss.as_matrix(result.coef)
            values[solver] = np_objective(Xd, y, sw, M[:, :D], M[:, D], C, multinomial)
        ref = values["newton-cholesky"]
        for solver, value in values.items():
            assert value == pytest.approx(ref, rel=rtol), (solver, values)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("multinomial", [False, True])
def test_optimality_without_intercept_and_from_zero(solver, fit_intercept, multinomial):
    X, Xd, codes, sw = _data("multinomial" if multinomial else "binary", np.float64, "dense", seed=2)
    problem = build_problem(
        X,
        codes if multinomial else codes.astype(float),
        sw,
        n_classes=K if multinomial else 2,
        multinomial=multinomial,
        C=0.5,
        penalty_factor=np.ones(D),
        fit_intercept=fit_intercept,
    )
    result = get_solver(solver).solve(problem, np.zeros(problem.n_coef), tol=1e-8, max_iter=500)
    assert result.converged and result.optimality <= 1e-8
    g = _independent_gradient(problem, result.coef, Xd, codes, sw, 0.5, multinomial, np.ones(D))
    assert np.max(np.abs(g)) <= 1e-8 + 1e-12


# -- sub-sampled Hessians (newton-cholesky with many rows) ------------------------------------


@pytest.mark.parametrize("container", ["dense", "sparse"])
@pytest.mark.parametrize("mode", ["binary", "multinomial"])
def test_newton_cholesky_many_rows(container, mode, monkeypatch):
    """n = 17000 rows (> 2 * 8192): newton-cholesky starts from Hessians of row subsets.

    The answer must still meet tol (checked independently) and be
    deterministic (bit-identical on a second run). Forcing the subset to grow
    at once (to all rows) must reach the same minimum.
    """
    from logreg.solvers import newton_cholesky

    n, d = 17000, 5
    Xd = make_X(n, d, seed=11, density=0.8)
    codes = make_labels(Xd, 2 if mode == "binary" else K, seed=11)
    X = convert(Xd, "csr-f64" if container == "sparse" else "dense-f64-F")
    sw = make_weights(n, seed=11)
    multinomial = mode == "multinomial"
    target = codes if multinomial else codes.astype(float)
    problem = build_problem(
        X, target, sw, n_classes=K if multinomial else 2, multinomial=multinomial, C=1.0, penalty_factor=np.ones(d)
    )
    assert 2 * max(32 * problem.n_coef, 8192) < n  # the premise: sub-sampling is used
    tol = 1e-9
    solver = get_solver("newton-cholesky")
    result = solver.solve(problem, problem.loss.null_coef(), tol=tol, max_iter=100)
    assert result.converged, result.message
    g = _independent_gradient(problem, result.coef, Xd, codes, sw, 1.0, multinomial, np.ones(d))
    assert np.max(np.abs(g)) <= tol + 1e-12
    again = solver.solve(problem, problem.loss.null_coef(), tol=tol, max_iter=100)
    np.testing.assert_array_equal(again.coef, result.coef)
    monkeypatch.setattr(newton_cholesky, "_SLOW_CONTRACTION", 1e-6)  # grow the subset every iteration
    full = solver.solve(problem, problem.loss.null_coef(), tol=tol, max_iter=100)
    assert full.converged, full.message
    M, R = problem.loss.as_matrix(result.coef), problem.loss.as_matrix(full.coef)
    f = np_objective(Xd, codes, sw, M[:, :d], M[:, d], 1.0, multinomial)
    f_full = np_objective(Xd, codes, sw, R[:, :d], R[:, d], 1.0, multinomial)
    assert f == pytest.approx(f_full, rel=1e-12)
    np.testing.assert_allclose(result.coef, full.coef, atol=1e-7)


@pytest.mark.parametrize("mode", ["binary", "multinomial"])
def test_preconditioned_newton_cg_many_rows(mode):
    """n = 30000 dense rows: newton-cg preconditions CG with the Hessian's
    class blocks from a row subset (trust region in that norm). It must reach
    tol (checked independently), use fewer Hessian products than plain CG,
    and land on newton-cholesky's minimum.
    """
    from logreg.solvers import trust_region

    n, d = 30000, 6
    Xd = make_X(n, d, seed=5, density=0.9)
    Xd[:, 1] = 0.9 * Xd[:, 0] + 0.1 * Xd[:, 1]  # correlated features: plain CG works harder
    multinomial = mode == "multinomial"
    codes = make_labels(Xd, K if multinomial else 2, seed=5)
    target = codes if multinomial else codes.astype(float)
    sw = make_weights(n, seed=5)
    problem = build_problem(
        Xd, target, sw, n_classes=K if multinomial else 2, multinomial=multinomial, C=1.0, penalty_factor=np.ones(d)
    )
    loss = problem.loss
    rows = trust_region._preconditioner_rows(n, loss.p)
    precond = trust_region._preconditioner(problem, loss.probabilities(loss.eta(loss.null_coef())), rows)
    assert isinstance(precond, trust_region._BlockPreconditioner)  # the premise
    tol = 1e-9
    products = {}

    def counting(solve_fn):
        calls = [0]
        real = loss.hessian_operator

        def operator(*args, **kwargs):
            inner = real(*args, **kwargs)

            def product(v):
                calls[0] += 1
                return inner(v)

            return product

        loss.hessian_operator = operator
        try:
            return solve_fn(), calls[0]
        finally:
            del loss.hessian_operator

    result, products["pcg"] = counting(
        lambda: get_solver("newton-cg").solve(problem, loss.null_coef(), tol=tol, max_iter=100)
    )
    assert result.converged, result.message
    g = _independent_gradient(problem, result.coef, Xd, codes, sw, 1.0, multinomial, np.ones(d))
    assert np.max(np.abs(g)) <= tol + 1e-12
    original = trust_region._preconditioner
    trust_region._preconditioner = lambda *a: trust_region._Identity
    try:
        plain, products["cg"] = counting(
            lambda: get_solver("newton-cg").solve(problem, loss.null_coef(), tol=tol, max_iter=100)
        )
    finally:
        trust_region._preconditioner = original
    assert plain.converged
    assert products["pcg"] < products["cg"]
    newton = get_solver("newton-cholesky").solve(problem, loss.null_coef(), tol=tol, max_iter=100)
    M, R = loss.as_matrix(result.coef), loss.as_matrix(newton.coef)
    f = np_objective(Xd, codes, sw, M[:, :d], M[:, d], 1.0, multinomial)
    f_newton = np_objective(Xd, codes, sw, R[:, :d], R[:, d], 1.0, multinomial)
    assert f == pytest.approx(f_newton, rel=1e-12)


def test_hessian_blocks_are_the_diagonal_blocks_of_the_hessian():
    n, d = 400, 5
    Xd = make_X(n, d, seed=3)
    codes = make_labels(Xd, K, seed=3)
    problem = build_problem(
        Xd, codes, make_weights(n, seed=3), n_classes=K, multinomial=True, C=1.0, penalty_factor=np.ones(d)
    )
    loss = problem.loss
    coef = np.random.default_rng(3).normal(size=loss.n_coef) * 0.3
    eta = loss.eta(coef)
    prob = loss.probabilities(eta)
    H = loss.hessian(eta, prob)
    blocks = loss.hessian_blocks(prob)
    p = loss.p
    for k in range(K):
        np.testing.assert_allclose(blocks[k], H[k * p : (k + 1) * p, k * p : (k + 1) * p], rtol=1e-12, atol=1e-15)


# -- hard problems -------------------------------------------------------------------------


def test_newton_cholesky_singular_hessian_duplicated_column():
    """A duplicated column and no penalty: the Hessian is singular, the minimum is not unique.

    The solver must still converge to a finite minimizer whose objective
    equals that of the model without the duplicate (the duplicate's
    coefficients only need to add up).
    """
    Xd = make_X(200, 4, seed=5, density=1.0)
    y = make_labels(Xd, 2, seed=5).astype(float)
    sw = np.ones(200)
    Xdup = np.column_stack([Xd, Xd[:, 1]])
    tol = 1e-8
    problem = build_problem(Xdup, y, sw, n_classes=2, multinomial=False, C=np.inf, penalty_factor=np.ones(5))
    H = problem.loss.hessian(problem.loss.eta(problem.loss.null_coef()))
    assert np.linalg.matrix_rank(H) < H.shape[0]  # the premise: singular
    result = get_solver("newton-cholesky").solve(problem, problem.loss.null_coef(), tol=tol, max_iter=100)
    assert result.converged, result.message
    assert np.all(np.isfinite(result.coef))
    assert result.optimality <= tol
    g = _independent_gradient(problem, result.coef, Xdup, y.astype(int), sw, np.inf, False, None)
    assert np.max(np.abs(g)) <= tol + 1e-12
    reduced = build_problem(Xd, y, sw, n_classes=2, multinomial=False, C=np.inf, penalty_factor=np.ones(4))
    ref = get_solver("newton-cholesky").solve(reduced, reduced.loss.null_coef(), tol=tol, max_iter=100)
    assert ref.converged
    assert result.objective == pytest.approx(ref.objective, rel=1e-12)
    c = result.coef
    np.testing.assert_allclose([c[0], c[1] + c[4], c[2], c[3], c[5]], ref.coef, atol=1e-6)


@pytest.mark.parametrize("solver", SOLVERS)
def test_singular_multinomial_without_penalty(solver):
    """Full K-row softmax, C=inf: a flat direction (adding a row to every class) exists."""
    X, Xd, codes, sw = _data("multinomial", np.float64, "dense", seed=6)
    problem = build_problem(X, codes, sw, n_classes=K, multinomial=True, C=np.inf, penalty_factor=np.ones(D))
    result = get_solver(solver).solve(problem, problem.loss.null_coef(), tol=1e-7, max_iter=1000)
    assert result.converged, result.message
    assert np.all(np.isfinite(result.coef))
    g = _independent_gradient(problem, result.coef, Xd, codes, sw, np.inf, True, None)
    assert np.max(np.abs(g)) <= 1e-7 + 1e-12


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("container", ["dense", "sparse"])
@pytest.mark.parametrize("C", [1.0, 1e4])
def test_separable_data_with_l2_has_finite_solution(solver, container, C):
    Xd, y = make_separable(seed=1)
    X = convert(Xd, "csr-f64" if container == "sparse" else "dense-f64-C")
    sw = np.ones(len(y))
    problem = build_problem(X, y.astype(float), sw, n_classes=2, multinomial=False, C=C, penalty_factor=np.ones(Xd.shape[1]))
    tol = 1e-7
    result = get_solver(solver).solve(problem, problem.loss.null_coef(), tol=tol, max_iter=2000)
    assert result.converged, result.message
    assert np.all(np.isfinite(result.coef))
    g = _independent_gradient(problem, result.coef, Xd, y, sw, C, False, np.ones(Xd.shape[1]))
    assert np.max(np.abs(g)) <= tol + 1e-12
    if C == 1e4:
        # a weak penalty: the fit separates the data, yet stays bounded
        M = result.coef.reshape(1, -1)
        assert np.all(((Xd @ M[0, :-1] + M[0, -1]) > 0) == (y == 1))
    assert np.linalg.norm(result.coef) < 1e3


# -- box bounds (lbfgs) ------------------------------------------------------------------------


@pytest.mark.parametrize("container", ["dense", "sparse"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("mode", ["binary", "multinomial"])
def test_bounds_respected_and_projected_gradient_within_tol(container, dtype, mode):
    X, Xd, codes, sw = _data(mode, dtype, container, seed=3)
    rows = 1 if mode == "binary" else K
    rng = np.random.default_rng(0)
    lower = np.full((rows, D), -0.15)
    upper = np.full((rows, D), 0.2)
    lower[:, 0] = -np.inf  # one free feature
    upper[:, 1] = np.inf   # one half-bounded
    upper[:, 2] = lower[:, 2] = rng.normal(size=rows) * 0.1  # one fixed
    tol = tol_for(dtype)
    C = 10.0
    target = codes if mode == "multinomial" else codes.astype(float)
    problem = build_problem(
        X, target, sw, n_classes=K if rows > 1 else 2, multinomial=rows > 1, C=C,
        penalty_factor=np.ones(D), lower=lower, upper=upper,
    )
    assert problem.has_bounds
    result = get_solver("lbfgs").solve(problem, problem.loss.null_coef(), tol=tol, max_iter=1000)
    assert result.converged, result.message
    M = problem.loss.as_matrix(result.coef)
    W = M[:, :D]
    # exactly inside the box
    assert np.all(W >= lower) and np.all(W <= upper)
    np.testing.assert_array_equal(W[:, 2], lower[:, 2])
    # some bounds are active (otherwise the test proves nothing about projection)
    active = (W == lower) | (W == upper)
    assert active[:, 3:].sum() >= 2
    # independent projected gradient: c - clip(c - g, lo, hi), intercept free
    g = _independent_gradient(problem, result.coef, Xd, codes, sw, C, rows > 1, None).reshape(rows, D + 1)
    lo = np.hstack([lower, np.full((rows, 1), -np.inf)])
    hi = np.hstack([upper, np.full((rows, 1), np.inf)])
    projected = M - np.clip(M - g, lo, hi)
    assert np.max(np.abs(projected)) <= tol + kkt_slack(dtype)
    assert result.optimality <= tol


@pytest.mark.parametrize("multi_class", ["auto", "ovr"])
def test_estimator_bounds_respected(multi_class):
    from logreg import LogisticRegression

    X, Xd, codes, _ = _data("multinomial", np.float64, "dense", seed=3)
    lower, upper = -0.1, np.full(D, 0.15)
    upper[0] = np.inf
    model = LogisticRegression(
        lower_bounds=lower, upper_bounds=upper, C=10.0, tol=1e-6, max_iter=1000, multi_class=multi_class
    ).fit(X, codes)
    assert model.solver_ == "lbfgs"
    W = model.coef_
    assert np.all(W >= lower) and np.all(W <= upper)
    assert np.sum((W == lower) | (W == upper)) >= 2
    lo = np.hstack([np.full((K, D), lower), np.full((K, 1), -np.inf)])
    hi = np.hstack([np.tile(upper, (K, 1)), np.full((K, 1), np.inf)])
    M = np.hstack([W, model.intercept_[:, None]])
    for rows, target, multinomial in (
        [(slice(None), codes, True)] if multi_class == "auto"
        else [(slice(k, k + 1), (codes == k).astype(int), False) for k in range(K)]
    ):
        gW, gb = np_objective_gradient(Xd, target, np.ones(N), W[rows], model.intercept_[rows], 10.0, multinomial)
        g = np.hstack([gW, gb[:, None]])
        projected = M[rows] - np.clip(M[rows] - g, lo[rows], hi[rows])
        assert np.max(np.abs(projected)) <= 1e-6 + 1e-12


@pytest.mark.parametrize("solver", ["newton-cholesky", "newton-cg"])
def test_bounds_rejected_by_other_solvers(solver):
    X, _, codes, sw = _data("binary", np.float64, "dense")
    problem = build_problem(
        X, codes.astype(float), sw, n_classes=2, multinomial=False, C=1.0, penalty_factor=np.ones(D),
        lower=np.zeros((1, D)), upper=np.full((1, D), np.inf),
    )
    with pytest.raises(ValueError, match="bounds"):
        check_supported(get_solver(solver), problem)
    with pytest.raises(ValueError, match="bounds"):
        solve_problem(problem, solver, None, tol=1e-6, max_iter=100)


@pytest.mark.parametrize("given", ["lower", "upper"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_build_problem_accepts_one_sided_bounds(given, fit_intercept):
    """build_problem documents lower=None/upper=None independently: one bound alone must work."""
    X, Xd, codes, sw = _data("binary", np.float64, "dense")
    bound = np.full((1, D), 0.05 if given == "upper" else -0.05)
    problem = build_problem(
        X, codes.astype(float), sw, n_classes=2, multinomial=False, C=1.0, penalty_factor=np.ones(D),
        fit_intercept=fit_intercept, **{given: bound},
    )
    assert problem.has_bounds
    result = get_solver("lbfgs").solve(problem, np.zeros(problem.n_coef), tol=1e-6, max_iter=500)
    assert result.converged
    W = problem.loss.as_matrix(result.coef)[:, :D]
    assert np.all(W <= bound) if given == "upper" else np.all(W >= bound)
    assert np.any(W == bound)


# -- non-convergence is reported ----------------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("mode", ["binary", "multinomial"])
def test_convergence_warning_names_optimality(solver, mode):
    X, _, codes, sw = _data(mode, np.float64, "dense", seed=4)
    multinomial = mode == "multinomial"
    problem = build_problem(
        X, codes if multinomial else codes.astype(float), sw, n_classes=K if multinomial else 2,
        multinomial=multinomial, C=100.0, penalty_factor=np.ones(D),
    )
    with pytest.warns(ConvergenceWarning, match=r"optimality violation is [0-9.e+-]+") as record:
        result = solve_problem(problem, solver, None, tol=1e-12, max_iter=1)
    assert not result.converged
    assert result.n_iter <= 1
    assert result.optimality > 1e-12
    # the number in the message is the optimality at the returned coefficients
    assert f"{problem.optimality(result.coef):.3g}" in str(record[0].message)
    assert solver in str(record[0].message)


def test_no_warning_when_converged():
    X, _, codes, sw = _data("binary", np.float64, "dense")
    problem = build_problem(X, codes.astype(float), sw, n_classes=2, multinomial=False, C=1.0, penalty_factor=np.ones(D))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = solve_problem(problem, "auto", None, tol=1e-6, max_iter=100)
    assert result.converged


@pytest.mark.parametrize("solver", SOLVERS)
def test_estimator_warns_with_max_iter_1(solver):
    from logreg import LogisticRegression

    X, _, codes, _ = _data("multinomial", np.float64, "dense", seed=4)
    with pytest.warns(ConvergenceWarning, match="optimality violation"):
        LogisticRegression(solver=solver, max_iter=1, tol=1e-12, C=100.0).fit(X, codes)

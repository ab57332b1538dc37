"""Metamorphic relations of LogisticRegression: transformed input, predictable output.

The Newton solvers run at tol = 1e-10 (max |gradient| of the per-sample
objective); L-BFGS at 1e-8, because its line search needs decreases of f that
float64 can still resolve (at |g| ~ 1e-10 they are ~1e-18, below eps * f).
Two fits of the same strongly convex problem then differ by at most
2 ||g||_2 / mu, mu the smallest curvature. Here (C = 1, 200 rows) mu is about
2.5e-2 for binary models and exactly alpha = 1 / (C n) = 5e-3 for the
multinomial (adding one vector to every class's coefficients changes only the
penalty). With ||g||_2 <= sqrt(21) * tol that bounds the differences by
~2e-7 for Newton and ~2e-5 for L-BFGS: coefficients are compared at atol
1e-6 and 2e-5 (and 1e-7 relative).

A ConvergenceWarning fails these tests: every fit must reach its tol.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from logreg import LogisticRegression

from conftest import make_labels, make_weights, make_X, np_objective_gradient

pytestmark = pytest.mark.filterwarnings("error::sklearn.exceptions.ConvergenceWarning")

SOLVERS = ["newton-cholesky", "newton-cg", "lbfgs"]
MODES = ["binary", "multinomial", "ovr"]
N, D, K = 200, 6, 3
TOL = 1e-10
ATOL, RTOL = 1e-6, 1e-7


def tol_for(solver):
    return 1e-8 if solver == "lbfgs" else TOL


def atol_for(solver):
    return 2e-5 if solver == "lbfgs" else ATOL


def model(solver, mode, **kw):
    kw.setdefault("tol", tol_for(solver))
    kw.setdefault("max_iter", 1000)
    multi = {"binary": "auto", "multinomial": "multinomial", "ovr": "ovr"}[mode]
    return LogisticRegression(solver=solver, multi_class=multi, **kw)


def data(mode, seed=0, n=N, d=D):
    X = make_X(n, d, seed=seed, density=0.7)
    y = make_labels(X, 2 if mode == "binary" else K, seed=seed)
    return X, y


def centered(values, mode):
    """Remove what a full-softmax model does not determine.

    Adding the same number to column j of every class's coefficients leaves
    the probabilities unchanged; only a penalty on column j pins it (to zero
    mean over classes). Unpenalized columns (the intercept, penalty_factor 0,
    C = inf) are therefore compared after subtracting their mean over classes;
    for penalized columns the mean is zero at the optimum, so this is neutral.
    """
    v = np.asarray(values, dtype=float)
    return v - v.mean(axis=0) if mode == "multinomial" else v


def assert_same_model(a, b, mode, atol=ATOL, rtol=RTOL):
    np.testing.assert_array_equal(a.classes_, b.classes_)
    np.testing.assert_allclose(centered(a.coef_, mode), centered(b.coef_, mode), atol=atol, rtol=rtol)
    np.testing.assert_allclose(centered(a.intercept_, mode), centered(b.intercept_, mode), atol=atol, rtol=rtol)


solver_mode = pytest.mark.parametrize("solver,mode", [(s, m) for s in SOLVERS for m in MODES])


@solver_mode
def test_weight_two_equals_duplicated_row(solver, mode):
    X, y = data(mode)
    rng = np.random.default_rng(1)
    twice = rng.random(N) < 0.3
    sw = np.where(twice, 2.0, 1.0)
    weighted = model(solver, mode).fit(X, y, sample_weight=sw)
    Xdup = np.vstack([X, X[twice]])
    ydup = np.concatenate([y, y[twice]])
    duplicated = model(solver, mode).fit(Xdup, ydup)
    assert_same_model(weighted, duplicated, mode, atol=atol_for(solver))


@solver_mode
def test_weight_zero_equals_removed_row(solver, mode):
    X, y = data(mode, seed=2)
    rng = np.random.default_rng(2)
    drop = rng.random(N) < 0.25
    drop[: 3 * K] = False  # keep every class present
    sw = make_weights(N, seed=5, zero_fraction=0.0)
    sw_zeroed = np.where(drop, 0.0, sw)
    zeroed = model(solver, mode).fit(X, y, sample_weight=sw_zeroed)
    removed = model(solver, mode).fit(X[~drop], y[~drop], sample_weight=sw[~drop])
    assert_same_model(zeroed, removed, mode, atol=atol_for(solver))


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("mode", ["binary", "multinomial"])
@pytest.mark.parametrize("with_sample_weight", [False, True])
def test_balanced_class_weight_equals_its_sample_weights(solver, mode, with_sample_weight):
    X, y = data(mode, seed=3)
    y = y.copy()
    y[np.flatnonzero(y == 0)[3:40]] = 1  # unbalance the classes a little more
    sw = make_weights(N, seed=3, zero_fraction=0.0) if with_sample_weight else np.ones(N)
    # "balanced": n / (K * count_k), with (weighted) counts as scikit-learn defines them
    K_ = len(np.unique(y))
    counts = np.bincount(y, weights=sw)
    per_class = sw.sum() / (K_ * counts)
    balanced = model(solver, mode, class_weight="balanced").fit(
        X, y, sample_weight=sw if with_sample_weight else None
    )
    explicit = model(solver, mode).fit(X, y, sample_weight=sw * per_class[y])
    assert_same_model(balanced, explicit, mode, atol=atol_for(solver))


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("mode", ["binary", "multinomial"])
def test_dict_class_weight_equals_its_sample_weights(solver, mode):
    X, y = data(mode, seed=4)
    weights = {0: 0.5, 1: 3.0, 2: 1.7}
    cw = {k: v for k, v in weights.items() if k in set(y.tolist())}
    a = model(solver, mode, class_weight=cw).fit(X, y)
    b = model(solver, mode).fit(X, y, sample_weight=np.array([cw[k] for k in y]))
    assert_same_model(a, b, mode, atol=atol_for(solver))


@solver_mode
def test_row_permutation_invariance(solver, mode):
    X, y = data(mode, seed=5)
    sw = make_weights(N, seed=5)
    perm = np.random.default_rng(5).permutation(N)
    a = model(solver, mode).fit(X, y, sample_weight=sw)
    b = model(solver, mode).fit(X[perm], y[perm], sample_weight=sw[perm])
    assert_same_model(a, b, mode, atol=atol_for(solver))


@solver_mode
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_dense_equals_sparse(solver, mode, fmt):
    X, y = data(mode, seed=6)
    sw = make_weights(N, seed=6)
    Xs = sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
    a = model(solver, mode).fit(X, y, sample_weight=sw)
    b = model(solver, mode).fit(Xs, y, sample_weight=sw)
    assert_same_model(a, b, mode, atol=atol_for(solver))
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(Xs), atol=1e-7)


def np_objective_hessian(X, W, b, multinomial, C=1.0):
    """Hessian of sklearn's objective (unit weights) in (W, b), rows flattened as (W_k, b_k)."""
    n, d = X.shape
    Xa = np.hstack([X, np.ones((n, 1))])
    eta = X @ W.T + b
    pen = np.diag(np.r_[np.ones(d), 0.0]) / (C * n)
    if not multinomial:
        p = 1 / (1 + np.exp(-eta[:, 0]))
        return Xa.T @ ((p * (1 - p))[:, None] * Xa) / n + pen
    P = np.exp(eta - eta.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    k_ = W.shape[0]
    H = np.zeros((k_ * (d + 1), k_ * (d + 1)))
    for k in range(k_):
        for l in range(k_):
            h = P[:, k] * ((k == l) - P[:, l])
            H[k * (d + 1) : (k + 1) * (d + 1), l * (d + 1) : (l + 1) * (d + 1)] = Xa.T @ (h[:, None] * Xa) / n
        H[k * (d + 1) : (k + 1) * (d + 1), k * (d + 1) : (k + 1) * (d + 1)] += pen
    return H


@solver_mode
def test_float32_close_to_float64(solver, mode):
    """Fit on float32 X and on the same values in float64.

    The float32 fit stops at tol = 1e-5 (its products carry ~1e-7 relative
    rounding, so much tighter tols are out of reach). The float64 gradient of
    the objective at the float32 solution must then be <= tol plus the float32
    rounding of the gradient (d * u32 * max|x| ~ 2e-6), and the coefficients
    must lie within 2 ||g||_2 / mu of the float64 solution, with mu the
    smallest curvature of the float64 objective at its solution (computed here
    with NumPy; for the multinomial, leaving out the one flat direction, a
    common shift of the intercepts, which centering removes).
    """
    X, y = data(mode, seed=7)
    X32 = X.astype(np.float32)
    X64 = X32.astype(np.float64)
    f32 = model(solver, mode, tol=1e-5).fit(X32, y)
    f64 = model(solver, mode).fit(X64, y)
    assert f32.coef_.dtype == np.float64
    sw = np.ones(X64.shape[0])
    if mode == "ovr":
        rows = [((y == k).astype(int), slice(k, k + 1), False) for k in range(K)]
    else:
        rows = [(y, slice(None), mode == "multinomial")]
    gmax = 1e-5 + 2e-6
    for target, part, multinomial in rows:
        W32, b32 = f32.coef_[part], f32.intercept_[part]
        gW, gb = np_objective_gradient(X64, target, sw, W32, b32, 1.0, multinomial)
        assert max(np.max(np.abs(gW)), np.max(np.abs(gb))) <= gmax
        W64, b64 = f64.coef_[part], f64.intercept_[part]
        eig = np.linalg.eigvalsh(np_objective_hessian(X64, W64, b64, multinomial))
        mu = eig[1] if multinomial else eig[0]
        assert mu > 0
        bound = 2 * np.sqrt(W64.size + b64.size) * gmax / mu
        diff = np.hstack([(centered(W32, mode) - centered(W64, mode)).ravel(), centered(b32, mode) - centered(b64, mode)])
        assert np.linalg.norm(diff) <= bound


# L-BFGS runs only the mild scaling: on a feature scaled by 1e3 or 1e-2 it needs
# hundreds of iterations and still stalls near 3e-8 > tol = 1e-8 (f stops
# decreasing in float64), which is a conditioning limit, not the relation tested.
SCALING_CASES = [(s, m, f) for s in ("newton-cholesky", "newton-cg") for m in MODES for f in (10.0, 1e-2, 1e3)]
SCALING_CASES += [("lbfgs", m, 10.0) for m in MODES]


@pytest.mark.parametrize("solver,mode,s", SCALING_CASES)
def test_scaling_an_unpenalized_feature_scales_its_coefficient(solver, mode, s):
    X, y = data(mode, seed=8)
    j = 2
    factor = np.ones(D)
    factor[j] = 0.0
    Xs = X.copy()
    Xs[:, j] *= s
    a = model(solver, mode, penalty_factor=factor).fit(X, y)
    b = model(solver, mode, penalty_factor=factor).fit(Xs, y)
    expected = centered(a.coef_, mode)
    expected[:, j] /= s
    got = centered(b.coef_, mode)
    # column j's coefficient is compared relative to its own size
    np.testing.assert_allclose(got[:, j], expected[:, j], rtol=1e-6, atol=atol_for(solver) / s)
    others = np.arange(D) != j
    np.testing.assert_allclose(got[:, others], expected[:, others], atol=atol_for(solver), rtol=RTOL)
    np.testing.assert_allclose(centered(b.intercept_, mode), centered(a.intercept_, mode), atol=atol_for(solver), rtol=RTOL)


def test_scaling_a_penalized_feature_changes_the_fit():
    """Control for the test above: with a penalty on the feature the relation must fail."""
    X, y = data("binary", seed=8)
    Xs = X.copy()
    Xs[:, 2] *= 10.0
    a = model("newton-cholesky", "binary", C=0.05).fit(X, y)
    b = model("newton-cholesky", "binary", C=0.05).fit(Xs, y)
    assert abs(b.coef_[0, 2] - a.coef_[0, 2] / 10) > 1e-3


@solver_mode
def test_zero_penalty_factor_equals_no_penalty(solver, mode):
    X, y = data(mode, seed=9)
    a = model(solver, mode, penalty_factor=np.zeros(D), C=0.3).fit(X, y)
    b = model(solver, mode, C=np.inf).fit(X, y)
    c = model(solver, mode, penalty=None).fit(X, y)
    # unpenalized: curvature only from the loss (~0.1), so the same 1e-6 applies
    assert_same_model(a, b, mode, atol=atol_for(solver))
    assert_same_model(b, c, mode, atol=atol_for(solver))


@solver_mode
def test_relabeling_classes(solver, mode):
    X, y = data(mode, seed=10)
    ref = model(solver, mode).fit(X, y)
    if mode == "binary":
        relabels = [np.array([False, True]), np.array(["neg", "pos"]), np.array([-1, 7]), np.array([1.0, 2.0])]
    else:
        relabels = [np.array(["a", "b", "c"]), np.array([-3, 0, 10]), np.array(["x0", "x1", "x2"], dtype=object)]
    for labels in relabels:
        other = model(solver, mode).fit(X, labels[y])
        np.testing.assert_array_equal(other.classes_, labels)
        np.testing.assert_allclose(centered(other.coef_, mode), centered(ref.coef_, mode), atol=atol_for(solver), rtol=RTOL)
        np.testing.assert_allclose(centered(other.intercept_, mode), centered(ref.intercept_, mode), atol=atol_for(solver))
        np.testing.assert_array_equal(other.predict(X), labels[ref.predict(X)])
        np.testing.assert_allclose(other.predict_proba(X), ref.predict_proba(X), atol=1e-7)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("mode", ["multinomial", "ovr"])
def test_relabeling_that_reorders_classes_permutes_rows(solver, mode):
    X, y = data(mode, seed=11)
    ref = model(solver, mode).fit(X, y)
    labels = np.array(["c", "b", "a"])  # class 0 -> "c": sorted order reverses
    other = model(solver, mode).fit(X, labels[y])
    np.testing.assert_array_equal(other.classes_, ["a", "b", "c"])
    np.testing.assert_allclose(
        centered(other.coef_, mode), centered(ref.coef_[::-1], mode), atol=atol_for(solver), rtol=RTOL
    )
    np.testing.assert_allclose(
        centered(other.intercept_, mode), centered(ref.intercept_[::-1], mode), atol=atol_for(solver), rtol=RTOL
    )
    np.testing.assert_allclose(other.predict_proba(X), ref.predict_proba(X)[:, ::-1], atol=1e-7)


@pytest.mark.parametrize("solver", SOLVERS + ["liblinear"])
@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_binary_label_swap_flips_sign(solver, class_weight):
    X, y = data("binary", seed=12)
    sw = make_weights(N, seed=12)
    # liblinear at its default tol: its relative stopping rule is symmetric in
    # the classes, so even its early iterate must flip exactly
    kw = dict(class_weight=class_weight, tol=tol_for(solver), max_iter=1000)
    if solver == "liblinear":
        kw.update(intercept_scaling=2.0, tol=1e-4)
    a = LogisticRegression(solver=solver, **kw).fit(X, y, sample_weight=sw)
    b = LogisticRegression(solver=solver, **kw).fit(X, 1 - y, sample_weight=sw)
    np.testing.assert_allclose(b.coef_, -a.coef_, atol=atol_for(solver), rtol=RTOL)
    np.testing.assert_allclose(b.intercept_, -a.intercept_, atol=atol_for(solver), rtol=RTOL)
    np.testing.assert_allclose(b.predict_proba(X), a.predict_proba(X)[:, ::-1], atol=1e-7)


@pytest.mark.parametrize("mode", ["binary", "ovr"])
@pytest.mark.parametrize("relation", ["duplicated", "removed"])
def test_liblinear_weights_equal_repeats_at_tight_tol(mode, relation):
    """liblinear's objective (penalized intercept) is the same for weights and repeats.

    Its stopping rule is relative to the row counts, so the two stop at
    different iterates at the default tol; at tol = 1e-10 both are within
    ~1e-10 * ||g_0|| / mu of the one minimum, so they agree to 1e-6.
    (A ConvergenceWarning for liblinear's "reductions below 1e-12" end is
    ignored here; see test_sklearn_parity for that warning.)
    """
    X, y = data(mode, seed=13)
    rng = np.random.default_rng(13)
    pick = rng.random(N) < 0.3
    pick[: 3 * K] = False
    kw = dict(solver="liblinear", tol=1e-10, intercept_scaling=2.0, C=0.5, max_iter=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if relation == "duplicated":
            a = LogisticRegression(**kw).fit(X, y, sample_weight=np.where(pick, 2.0, 1.0))
            b = LogisticRegression(**kw).fit(np.vstack([X, X[pick]]), np.concatenate([y, y[pick]]))
        else:
            a = LogisticRegression(**kw).fit(X, y, sample_weight=np.where(pick, 0.0, 1.0))
            b = LogisticRegression(**kw).fit(X[~pick], y[~pick])
    np.testing.assert_allclose(a.coef_, b.coef_, atol=ATOL, rtol=RTOL)
    np.testing.assert_allclose(a.intercept_, b.intercept_, atol=ATOL, rtol=RTOL)
    # both are at the minimum of liblinear's objective: check its gradient independently
    Xa = np.hstack([X, np.full((N, 1), 2.0)])
    sw = np.where(pick, 2.0, 1.0) if relation == "duplicated" else np.where(pick, 0.0, 1.0)
    rows = a.coef_.shape[0]
    for k in range(rows):
        t = (y == (1 if mode == "binary" else k)).astype(float)
        w = np.append(a.coef_[k], a.intercept_[k] / 2.0)
        p = 1 / (1 + np.exp(-(Xa @ w)))
        grad = w + 0.5 * Xa.T @ (sw * (p - t))  # liblinear: 0.5 ||w||^2 + C sum sw_i loss_i
        # in the per-sample scaling (divide by C sum sw): liblinear ends when
        # decreases of f fall below 1e-12 f, i.e. at |g| ~ sqrt(1e-12 f mu) ~ 5e-8
        assert np.max(np.abs(grad)) / (0.5 * sw.sum()) <= 1e-7

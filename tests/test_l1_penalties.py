"""L1 and elastic-net penalties of ``logreg.LogisticRegression``, checked independently.

Every reference quantity here is computed from the formulas in plain NumPy,
in float64 on the exact values of the stored X (float32 -> float64 is exact);
nothing logreg computed is copied into an expected value.

The objective (scikit-learn's) of one binary or multinomial problem is

    F(W, b) = (1/S) sum_i s_i loss_i
              + (1/(C S)) sum_{k,j} f_j (r |W_kj| + (1 - r)/2 W_kj^2)

with s the sample weights (times class weights), S = sum s, f the
``penalty_factor``, r = ``l1_ratio``; the intercept is unpenalized except
with solver="liblinear", where it is c * intercept_scaling with c an ordinary
L1-penalized coefficient. One-vs-rest fits one binary problem per class.

What is tested and why:

1. Optimality (the meaning of ``tol``). At the returned (coef_, intercept_)
   the test recomputes the gradient G of the smooth part and checks, for each
   coefficient, the distance from -G to the subdifferential
   f_j r/(C S) d|W_kj| (extended by the normal cone of the box when W_kj sits
   exactly on a bound), and |dF/db| for the intercept: each must be <= tol.
   For float32 X the solver's own products are float32, so the float64
   recomputation may differ from what the solver saw by a rounding term: the
   test adds a worst-case float32 rounding bound (about a tenth of tol here),
   derived below in ``rounding_allowance``; for float64 that term is ~1e-13.
   Bounds must be respected exactly (no slack).
2. Agreement with scikit-learn's liblinear (tol 1e-10; one-vs-rest through
   OneVsRestClassifier) and saga (tol 1e-12) on small standardized problems,
   after checking that each reference meets the KKT conditions to 1e-7:
   objective values (computed here) agree to 1e-8 relative, and so do the
   sets of zero coefficients, except coordinates whose KKT condition at the
   reference is within 1e-6 of switching (the zero/non-zero decision there is
   not determined at the references' accuracy); the tests also require that
   enough coordinates are compared.
3. Metamorphic relations (weights vs duplication/removal, permutation,
   dense/sparse, float32/float64, class_weight, penalty_factor scaling,
   warm start, tiny C, l1_ratio spellings, the regularization path). Two
   fits of the same objective are compared with a bound, not a guessed
   tolerance: if the smooth part is mu-strongly convex and v1, v2 are the
   minimum-norm subgradients measured (as in 1.) at the two fits, then
   ||theta1 - theta2|| <= (||v1|| + ||v2||) / mu. mu is the smallest
   eigenvalue of the Hessian at the first fit (halved: the Hessian may vary
   between the two points, at most ~1e-3 apart); for the multinomial model
   the one exact null direction (a common shift of all intercepts) is
   projected out and intercepts are compared centered. Pure-L1 multinomial
   models are not strongly convex along a common shift of every class's
   coefficients of a feature (the loss is constant there and the L1 term
   piecewise linear), so those relations use elastic-net there.
   Path: for exact minimizers theta(C) of f + lambda g, g(theta(C)) is
   non-increasing in lambda = 1/(C S) for *any* f (add the two optimality
   inequalities), so the penalty value, e.g. the L1 norm for L1, cannot
   decrease when C grows; the test allows the accuracy slack Lip(g) * radius.
   (The number of non-zeros, or each |W_j|, is not monotone in general and is
   not tested.)
4. Exact zeros: every coordinate whose gradient is strictly inside the L1
   threshold is exactly 0.0; l1_ratio=0 gives the L2 fit.
5. Bad input raises ValueError naming the parameter.

A ConvergenceWarning (from logreg or from the scikit-learn references) fails
the test.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, log_expit, logsumexp
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from logreg import LogisticRegression

pytestmark = pytest.mark.filterwarnings("error::sklearn.exceptions.ConvergenceWarning")

N, D, K = 200, 8, 3
MODES = ["binary", "multinomial", "ovr"]
KINDS = ["dense64", "dense32", "csr", "csc"]
PENALTIES = {"l1": dict(penalty="l1"), "enet": dict(penalty="elasticnet", l1_ratio=0.5)}
TOL64, TOL32 = 1e-6, 1e-4
TIGHT = 1e-10


# --------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------


def make_data(mode, n=N, d=D, seed=0, density=0.7, center=False):
    """Scaled Gaussian features (~1-density exact zeros), labels from a sparse logistic model.

    Three informative features, the rest pure noise, so that moderate C gives
    both zero and non-zero coefficients; a non-zero true intercept so that the
    (liblinear-penalized) intercept is not trivially zero.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    if density < 1:
        mask = rng.random((n, d)) < density
        mask[rng.integers(n, size=d), np.arange(d)] = True
        X = X * mask
    if center:
        X = X - X.mean(axis=0)
    X = X / X.std(axis=0)
    n_classes = 2 if mode == "binary" else K
    W = np.zeros((n_classes, d))
    W[:, :3] = rng.normal(size=(n_classes, 3)) * 1.5
    b = np.linspace(-0.6, 0.6, n_classes)
    eta = X @ W.T + b
    P = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))
    y = (rng.random(n)[:, None] > np.cumsum(P, axis=1)).sum(axis=1)
    y = np.minimum(y, n_classes - 1)
    y[: 3 * n_classes] = np.repeat(np.arange(n_classes), 3)
    return X, y


def convert(X, kind):
    if kind == "dense64":
        return np.ascontiguousarray(X, dtype=np.float64)
    if kind == "dense32":
        return np.ascontiguousarray(X, dtype=np.float32)
    if kind == "dense32F":
        return np.asfortranarray(X, dtype=np.float32)
    if kind == "dense64F":
        return np.asfortranarray(X, dtype=np.float64)
    if kind == "csr":
        return sp.csr_matrix(X)
    if kind == "csc":
        return sp.csc_matrix(X)
    raise ValueError(kind)


def exact(X):
    """The float64 values of a stored X (exact for float32)."""
    if sp.issparse(X):
        X = X.toarray()
    return np.asarray(X, dtype=np.float64)


MULTI = {"binary": "auto", "multinomial": "multinomial", "ovr": "ovr"}


def fit(X, y, mode="binary", sample_weight=None, **kw):
    kw.setdefault("max_iter", 1000)
    model = LogisticRegression(multi_class=MULTI[mode], **kw)
    return model.fit(X, y, sample_weight=sample_weight)


def saga_kw(kw):
    """logreg's saga is first order: more epochs, same tol meaning."""
    if kw.get("solver") == "saga":
        kw = dict(kw, max_iter=max(kw.get("max_iter", 0), 20000))
    return kw


# --------------------------------------------------------------------------------------
# the independent reference: problem blocks, gradient, KKT violations, objective
# --------------------------------------------------------------------------------------


class Block:
    """One binary or multinomial problem: rows ``rows`` of coef_/intercept_."""

    def __init__(self, rows, t, s, multinomial):
        self.rows, self.t, self.s, self.multinomial = rows, t, s, multinomial


class Ref:
    """Everything needed to evaluate the objective of a fitted estimator.

    Parameters mirror the estimator's; ``mode`` is binary / multinomial / ovr.
    ``cw`` are per-sample class weights already applied per block (None = 1).
    """

    def __init__(self, X, y, mode, *, C=1.0, l1_ratio=1.0, factor=None, sw=None, cw=None,
                 lower=None, upper=None, liblinear_scaling=None, fit_intercept=True):
        self.X = exact(X)
        self.dtype = X.dtype
        n, d = self.X.shape
        self.n, self.d = n, d
        classes = np.unique(y)
        yc = np.searchsorted(classes, y)
        sw = np.ones(n) if sw is None else np.asarray(sw, dtype=np.float64)
        s = sw if cw is None else sw * cw
        self.C, self.ratio = float(C), float(l1_ratio)
        self.factor = np.ones(d) if factor is None else np.asarray(factor, dtype=np.float64)
        self.scaling = liblinear_scaling
        self.fit_intercept = fit_intercept
        n_classes = classes.size
        if mode == "binary":
            self.blocks = [Block(slice(0, 1), (yc == 1).astype(float), s, False)]
            n_rows = 1
        elif mode == "multinomial":
            self.blocks = [Block(slice(0, n_classes), yc, s, True)]
            n_rows = n_classes
        else:
            self.blocks = [Block(slice(k, k + 1), (yc == k).astype(float), s, False)
                           for k in range(n_classes)]
            n_rows = n_classes
        self.lower = None if lower is None else np.broadcast_to(np.asarray(lower, float), (n_rows, d))
        self.upper = None if upper is None else np.broadcast_to(np.asarray(upper, float), (n_rows, d))

    # weights of the two penalty terms for one block
    def l1w(self, blk):
        return self.ratio * self.factor / (self.C * blk.s.sum())

    def l2w(self, blk):
        return (1.0 - self.ratio) * self.factor / (self.C * blk.s.sum())

    def residual(self, blk, W, b):
        """w_i (p_i - y_i), rows (n, rows): the loss gradient in eta."""
        w = blk.s / blk.s.sum()
        eta = self.X @ W.T + b
        if blk.multinomial:
            P = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))
            Y = np.zeros_like(P)
            Y[np.arange(self.n), blk.t] = 1.0
            return w[:, None] * (P - Y), eta
        return (w * (expit(eta[:, 0]) - blk.t))[:, None], eta

    def smooth_gradient(self, blk, W, b):
        R, _ = self.residual(blk, W, b)
        return R.T @ self.X + self.l2w(blk) * W, R.sum(axis=0)

    def violations(self, blk, W, b):
        """Per-coefficient KKT violations: (rows, d) for W, (rows,) for the intercept."""
        G, gb = self.smooth_gradient(blk, W, b)
        l1w = np.broadcast_to(self.l1w(blk), W.shape)
        # -G must lie in [lo_end, hi_end]: the subdifferential of l1w * |W|
        lo_end = np.where(W > 0, l1w, -l1w)
        hi_end = np.where(W < 0, -l1w, l1w)
        if self.lower is not None:
            lo_end = np.where(W == self.lower[blk.rows], -np.inf, lo_end)
        if self.upper is not None:
            hi_end = np.where(W == self.upper[blk.rows], np.inf, hi_end)
        vW = np.maximum(np.maximum(lo_end + G, -G - hi_end), 0.0)
        if not self.fit_intercept:
            return vW, np.zeros(W.shape[0])
        if self.scaling is None:
            return vW, np.abs(gb)
        # liblinear: c = b / scaling is an L1-penalized coefficient, dF/dc = scaling * gb
        c = b / self.scaling
        gc = self.scaling * gb
        lc = 1.0 / (self.C * blk.s.sum())
        lo_c = np.where(c > 0, lc, -lc)
        hi_c = np.where(c < 0, -lc, lc)
        return vW, np.maximum(np.maximum(lo_c + gc, -gc - hi_c), 0.0)

    def rounding_allowance(self, blk, W, b):
        """Worst-case difference between the solver's gradient (in X's precision) and ours.

        eta_i = sum_j x_ij w_j in precision eps (w rounded first): error
        e_i <= (d + 1) eps sum_j |x_ij w_j|. The residual moves by at most
        w_i e_i (sigmoid slope <= 1/4, softmax <= 2 max|d eta|: 2 w_i e_i).
        X^T r with r rounded: (n + 1) eps sum_i |x_ij| |r_i| plus
        sum_i |x_ij| |dr_i|. Intercept: n eps sum |r| + sum |dr|.
        """
        eps = np.finfo(self.dtype).eps
        R, _ = self.residual(blk, W, b)
        w = blk.s / blk.s.sum()
        A = np.abs(self.X)
        e = (self.d + 1) * eps * (A @ np.abs(W).T)           # (n, rows)
        dR = 2.0 * w[:, None] * e.max(axis=1, keepdims=True)   # (n, 1)
        aW = (self.n + 1) * eps * (np.abs(R).T @ A) + (dR.T @ A)
        ab = self.n * eps * np.abs(R).sum(axis=0) + dR.sum()
        return aW, ab

    def objective(self, W, b):
        total = 0.0
        for blk in self.blocks:
            Wk, bk = W[blk.rows], b[blk.rows]
            w = blk.s / blk.s.sum()
            eta = self.X @ Wk.T + bk
            if blk.multinomial:
                losses = logsumexp(eta, axis=1) - eta[np.arange(self.n), blk.t]
            else:
                e = eta[:, 0]
                losses = -blk.t * log_expit(e) - (1 - blk.t) * log_expit(-e)
            pen = np.sum(self.factor * (self.ratio * np.abs(Wk) + 0.5 * (1 - self.ratio) * Wk**2))
            if self.scaling is not None:
                pen += self.ratio * np.sum(np.abs(bk / self.scaling))
            total += float(w @ losses) + pen / (self.C * blk.s.sum())
        return total

    def penalty_value(self, blk, W):
        Wk = W[blk.rows]
        return float(np.sum(self.factor * (self.ratio * np.abs(Wk) + 0.5 * (1 - self.ratio) * Wk**2)))

    def hessian(self, blk, W, b):
        """Hessian of the smooth part in theta = (row 0: W_0, b_0; row 1: ...)."""
        _, eta = self.residual(blk, W, b)
        w = blk.s / blk.s.sum()
        X1 = np.hstack([self.X, np.ones((self.n, 1))])
        p = self.d + 1
        reg = np.append(self.l2w(blk), 0.0)
        if not blk.multinomial:
            mu = expit(eta[:, 0])
            return X1.T @ ((w * mu * (1 - mu))[:, None] * X1) + np.diag(reg)
        P = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))
        rows = P.shape[1]
        H = np.zeros((rows * p, rows * p))
        for k in range(rows):
            for m in range(rows):
                h = w * (P[:, k] * (k == m) - P[:, k] * P[:, m])
                H[k * p:(k + 1) * p, m * p:(m + 1) * p] = X1.T @ (h[:, None] * X1)
        return H + np.diag(np.tile(reg, rows))


def coefs(model):
    return np.asarray(model.coef_, dtype=np.float64), np.asarray(model.intercept_, dtype=np.float64)


def max_violation(ref, W, b, with_allowance=True):
    """max over coefficients of (violation - allowance); <= tol is the requirement."""
    worst = -np.inf
    for blk in ref.blocks:
        vW, vb = ref.violations(blk, W[blk.rows], b[blk.rows])
        if with_allowance:
            aW, ab = ref.rounding_allowance(blk, W[blk.rows], b[blk.rows])
        else:
            aW, ab = 0.0, 0.0
        worst = max(worst, float(np.max(vW - aW)), float(np.max(vb - ab)))
    return worst


def assert_optimal(ref, model, tol):
    W, b = coefs(model)
    if ref.lower is not None:
        assert np.all(W >= ref.lower), (W, ref.lower)
    if ref.upper is not None:
        assert np.all(W <= ref.upper), (W, ref.upper)
    worst = max_violation(ref, W, b)
    assert worst <= tol, f"KKT violation {worst:.3e} > tol {tol:.1e}"


def theta(ref, blk, W, b):
    """Flat (W_k, b_k) per row; multinomial intercepts centered (their null direction)."""
    Wk, bk = W[blk.rows], b[blk.rows].copy()
    if blk.multinomial:
        bk = bk - bk.mean()
    return np.column_stack([Wk, bk]).ravel()


def strong_convexity(ref, blk, W, b):
    H = ref.hessian(blk, W[blk.rows], b[blk.rows])
    if blk.multinomial:
        p = ref.d + 1
        u = np.zeros(H.shape[0])
        u[p - 1::p] = 1.0
        u /= np.linalg.norm(u)
        # orthonormal basis of the complement of u
        Q = np.linalg.svd(np.eye(H.shape[0]) - np.outer(u, u))[0][:, :-1]
        H = Q.T @ H @ Q
    return float(np.linalg.eigvalsh(H)[0])


def violation_norm(ref, blk, W, b):
    vW, vb = ref.violations(blk, W[blk.rows], b[blk.rows])
    return float(np.sqrt(np.sum(vW**2) + np.sum(vb**2)))


def distance_bound(ref, blk, Wa, ba, Wb, bb):
    """Radius within which two approximate minimizers must lie (see module docstring)."""
    mu = 0.5 * strong_convexity(ref, blk, Wa, ba)
    assert mu > 1e-4, f"test problem not strongly convex enough (mu={mu:.2e})"
    return (violation_norm(ref, blk, Wa, ba) + violation_norm(ref, blk, Wb, bb)) / mu


def assert_same_solution(ref, a, b_, ref_b=None):
    """a, b_: fitted models or (coef, intercept) pairs minimizing the same objective."""
    Wa, ba = a if isinstance(a, tuple) else coefs(a)
    Wb, bb = b_ if isinstance(b_, tuple) else coefs(b_)
    ref_b = ref if ref_b is None else ref_b
    assert Wa.shape == Wb.shape and ba.shape == bb.shape
    for blk, blk_b in zip(ref.blocks, ref_b.blocks):
        mu = 0.5 * strong_convexity(ref, blk, Wa, ba)
        assert mu > 1e-4, f"test problem not strongly convex enough (mu={mu:.2e})"
        radius = (violation_norm(ref, blk, Wa, ba) + violation_norm(ref_b, blk_b, Wb, bb)) / mu
        gap = np.linalg.norm(theta(ref, blk, Wa, ba) - theta(ref, blk, Wb, bb))
        assert gap <= radius + 1e-12, f"solutions differ by {gap:.3e} > bound {radius:.3e}"
        # the bound must be a real check, not a vacuous one
        assert radius < 1e-3


# --------------------------------------------------------------------------------------
# 1. optimality: tol is the KKT violation of the objective
# --------------------------------------------------------------------------------------

SOLVERS = ["auto", "newton-cd", "saga"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("pen", list(PENALTIES))
@pytest.mark.parametrize("solver", SOLVERS)
def test_optimality(solver, pen, kind, mode):
    X, y = make_data(mode, n=150 if solver == "saga" else N, seed=1)
    Xs = convert(X, kind)
    tol = TOL32 if kind == "dense32" else TOL64
    kw = saga_kw(dict(solver=solver, C=0.2, tol=tol, **PENALTIES[pen]))
    model = fit(Xs, y, mode, **kw)
    ref = Ref(Xs, y, mode, C=0.2, l1_ratio=kw.get("l1_ratio", 1.0))
    assert_optimal(ref, model, tol)
    if solver == "auto":
        assert model.solver_ == "newton-cd"
    # the problem has both zero and non-zero coefficients (the test covers both branches)
    W, _ = coefs(model)
    assert np.any(W == 0) and np.any(W != 0)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("pen", list(PENALTIES))
@pytest.mark.parametrize("solver", SOLVERS)
def test_optimality_penalty_factor(solver, pen, mode):
    X, y = make_data(mode, n=150, seed=2)
    # feature 0 (informative) and 5, 7 (noise) unpenalized; others scaled
    factor = np.array([0.0, 1.0, 2.0, 0.5, 1.0, 0.0, 3.0, 0.0])
    kw = saga_kw(dict(solver=solver, C=0.2, tol=TOL64, penalty_factor=factor, **PENALTIES[pen]))
    model = fit(X, y, mode, **kw)
    ref = Ref(X, y, mode, C=0.2, l1_ratio=kw.get("l1_ratio", 1.0), factor=factor)
    assert_optimal(ref, model, TOL64)
    W, _ = coefs(model)
    # an unpenalized noise feature is (generically) not exactly zero
    assert np.all(W[:, [5, 7]] != 0)


def make_hard_data(mode, seed):
    """Wider, correlated (AR 0.8), badly scaled columns (10^-1 .. 10^1): n=80, d=20."""
    rng = np.random.default_rng(seed)
    n, d = 80, 20
    Z = rng.normal(size=(n, d))
    X = np.empty_like(Z)
    X[:, 0] = Z[:, 0]
    for j in range(1, d):
        X[:, j] = 0.8 * X[:, j - 1] + 0.6 * Z[:, j]
    n_classes = 2 if mode == "binary" else K
    W = np.zeros((n_classes, d))
    W[:, [0, 4, 9, 15]] = rng.normal(size=(n_classes, 4))
    eta = X @ W.T
    P = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))
    y = (rng.random(n)[:, None] > np.cumsum(P, axis=1)).sum(axis=1)
    y = np.minimum(y, n_classes - 1)
    y[: 3 * n_classes] = np.repeat(np.arange(n_classes), 3)
    X = X * 10.0 ** rng.uniform(-1, 1, size=d)
    sw = rng.uniform(0.0, 3.0, size=n)
    sw[rng.random(n) < 0.1] = 0.0
    return X, y, sw


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("pen", list(PENALTIES))
@pytest.mark.parametrize("solver", ["auto", "newton-cd"])
def test_optimality_hard(solver, pen, mode, fit_intercept):
    """Correlated, badly scaled, weighted (sample and class weights), p comparable to n."""
    X, y, sw = make_hard_data(mode, seed=21)
    class_weight = {0: 1.0, 1: 2.0} if mode == "binary" else {0: 1.0, 1: 2.0, 2: 0.5}
    cw = np.array([class_weight[c] for c in y])
    tol = 1e-8
    kw = dict(solver=solver, C=1.0, tol=tol, class_weight=class_weight,
              fit_intercept=fit_intercept, **PENALTIES[pen])
    model = fit(X, y, mode, sample_weight=sw, **kw)
    ref = Ref(X, y, mode, C=1.0, l1_ratio=kw.get("l1_ratio", 1.0), sw=sw, cw=cw,
              fit_intercept=fit_intercept)
    assert_optimal(ref, model, tol)
    if not fit_intercept:
        assert np.all(model.intercept_ == 0)


@pytest.mark.parametrize("pen", list(PENALTIES))
@pytest.mark.parametrize("solver", SOLVERS)
def test_optimality_two_class_multinomial(solver, pen):
    """Two classes, multi_class="multinomial": coef_ is the class-1 row w1 = (w1 - w0) / 2.

    Elastic-net: the optimum of the symmetric model has w0 = -w1 (the loss
    sees only w1 - w0, the penalty is strictly convex and even). L1: any split
    with opposite signs costs the same, so (-w, w) is an optimum too. Either
    way the two-row model (-coef_, coef_), (-b, b) must satisfy the K = 2
    multinomial KKT conditions.
    """
    X, y = make_data("binary", n=150, seed=22)
    kw = saga_kw(dict(solver=solver, C=0.2, tol=TOL64, **PENALTIES[pen]))
    model = LogisticRegression(multi_class="multinomial", **kw).fit(X, y)
    W, b = coefs(model)
    assert W.shape == (1, D)
    ref = Ref(X, y, "multinomial", C=0.2, l1_ratio=kw.get("l1_ratio", 1.0))
    W2, b2 = np.vstack([-W, W]), np.concatenate([-b, b])
    assert max_violation(ref, W2, b2) <= TOL64
    assert np.any(W == 0) and np.any(W != 0)


def box(n_rows, d=D):
    lo = np.full(d, -0.3)
    hi = np.full(d, 0.4)
    lo[5], hi[5] = 0.5, 1.0      # excludes zero (positive)
    lo[6], hi[6] = -1.0, -0.25   # excludes zero (negative)
    lo[7], hi[7] = -np.inf, np.inf
    if n_rows is None:
        return lo, hi
    # per-row bounds: shift row k's box a little so rows differ
    shift = 0.05 * np.arange(n_rows)[:, None]
    return lo + shift, hi + shift


@pytest.mark.parametrize("per_row", [False, True])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("pen", list(PENALTIES))
@pytest.mark.parametrize("solver", SOLVERS)
def test_optimality_with_bounds(solver, pen, mode, per_row):
    X, y = make_data(mode, n=150, seed=3)
    n_rows = 1 if mode == "binary" else K
    lo, hi = box(n_rows if per_row else None)
    kw = saga_kw(dict(solver=solver, C=0.5, tol=TOL64, lower_bounds=lo, upper_bounds=hi, **PENALTIES[pen]))
    model = fit(X, y, mode, **kw)
    ref = Ref(X, y, mode, C=0.5, l1_ratio=kw.get("l1_ratio", 1.0), lower=lo, upper=hi)
    assert_optimal(ref, model, TOL64)
    W, _ = coefs(model)
    # the boxes are active: some coefficients sit exactly on each side
    assert np.any(W == ref.lower) and np.any(W == ref.upper)
    assert np.all(W[:, 5] >= ref.lower[:, 5]) and np.all(W[:, 5] > 0)
    assert np.all(W[:, 6] < 0)


@pytest.mark.parametrize("mode", ["binary", "ovr"])
@pytest.mark.parametrize("scaling", [1.0, 3.0])
def test_optimality_liblinear_tight(scaling, mode):
    X, y = make_data(mode, seed=4)
    model = fit(X, y, mode, solver="liblinear", penalty="l1", C=0.2, tol=TIGHT,
                intercept_scaling=scaling, max_iter=10000)
    ref = Ref(X, y, mode, C=0.2, l1_ratio=1.0, liblinear_scaling=scaling)
    # liblinear's rule is relative; at tol 1e-10 the absolute violation is far below 1e-6
    assert_optimal(ref, model, TOL64)


# --------------------------------------------------------------------------------------
# 2. agreement with scikit-learn (objective values and zero patterns)
# --------------------------------------------------------------------------------------


def undecided(ref, W, b, margin=1e-6):
    """Coordinates whose zero/non-zero status is not determined at accuracy ``margin``.

    At a reference solution: a zero coefficient whose |gradient| is within
    margin of the L1 threshold, or a non-zero one smaller than margin.
    Returns a boolean array shaped like W (and like b for the liblinear intercept).
    """
    uW = np.zeros(W.shape, dtype=bool)
    ub = np.zeros(b.shape, dtype=bool)
    for blk in ref.blocks:
        G, gb = ref.smooth_gradient(blk, W[blk.rows], b[blk.rows])
        l1w = np.broadcast_to(ref.l1w(blk), G.shape)
        Wk = W[blk.rows]
        uW[blk.rows] = np.where(Wk == 0, l1w - np.abs(G) < margin, np.abs(Wk) < margin)
        if ref.scaling is not None:
            c = b[blk.rows] / ref.scaling
            gc = ref.scaling * gb
            lc = 1.0 / (ref.C * blk.s.sum())
            ub[blk.rows] = np.where(c == 0, lc - np.abs(gc) < margin, np.abs(c) < margin)
    return uW, ub


def assert_agree(ref, ours, theirs, compare_intercept_zeros=False):
    Wo, bo = ours
    Wt, bt = theirs
    fo, ft = ref.objective(Wo, bo), ref.objective(Wt, bt)
    assert abs(fo - ft) <= 1e-8 * abs(ft), (fo, ft)
    uW, ub = undecided(ref, Wt, bt)
    decided = ~uW
    assert np.array_equal(Wo[decided] == 0, Wt[decided] == 0), (Wo, Wt)
    # enough decided coordinates of both kinds for the check to mean something
    assert np.sum(decided & (Wt == 0)) >= 3 and np.sum(decided & (Wt != 0)) >= 3
    if compare_intercept_zeros:
        assert np.array_equal((bo == 0)[~ub], (bt == 0)[~ub])


@pytest.mark.parametrize("C", [0.1, 0.4])
@pytest.mark.parametrize("mode", ["binary", "ovr"])
@pytest.mark.parametrize("scaling", [1.0, 3.0])
def test_agrees_with_sklearn_liblinear(scaling, mode, C):
    X, y = make_data(mode, d=12, seed=5, density=1.0, center=True)
    sk = SkLogisticRegression(l1_ratio=1.0, solver="liblinear", C=C, tol=TIGHT, max_iter=10000,
                              intercept_scaling=scaling)
    if mode == "ovr":
        sk = OneVsRestClassifier(sk).fit(X, y)
        theirs = (np.vstack([e.coef_ for e in sk.estimators_]),
                  np.concatenate([e.intercept_ for e in sk.estimators_]))
    else:
        sk.fit(X, y)
        theirs = (sk.coef_, np.asarray(sk.intercept_, dtype=float))
    ours = fit(X, y, mode, solver="liblinear", penalty="l1", C=C, tol=TIGHT,
               intercept_scaling=scaling, max_iter=10000)
    ref = Ref(X, y, mode, C=C, l1_ratio=1.0, liblinear_scaling=scaling)
    # the reference itself must be an accurate minimizer for the comparison to mean anything
    assert max_violation(ref, *theirs, with_allowance=False) <= 1e-7
    assert_agree(ref, coefs(ours), theirs, compare_intercept_zeros=True)
    # a penalized intercept that is not trivially zero in at least one problem
    assert np.any(theirs[1] != 0)


@pytest.mark.parametrize("mode", ["binary", "multinomial"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("solver", ["auto", "newton-cd", "saga"])
def test_agrees_with_sklearn_saga(solver, l1_ratio, mode):
    X, y = make_data(mode, d=12, seed=6, density=1.0, center=True)
    C = 0.1
    sk = SkLogisticRegression(l1_ratio=l1_ratio, solver="saga", C=C, tol=1e-12, max_iter=100000).fit(X, y)
    theirs = (sk.coef_, np.asarray(sk.intercept_, dtype=float))
    kw = saga_kw(dict(solver=solver, C=C, tol=TIGHT if solver != "saga" else 1e-8,
                      penalty="elasticnet", l1_ratio=l1_ratio))
    ours = fit(X, y, mode, **kw)
    ref = Ref(X, y, mode, C=C, l1_ratio=l1_ratio)
    # the reference itself must be an accurate minimizer for the comparison to mean anything
    assert max_violation(ref, *theirs, with_allowance=False) <= 1e-7
    assert_agree(ref, coefs(ours), theirs)


# --------------------------------------------------------------------------------------
# 3. metamorphic relations
# --------------------------------------------------------------------------------------

# multinomial pure L1 has a flat direction (see docstring): elastic-net there
META = [("binary", "l1"), ("binary", "enet"), ("ovr", "l1"), ("multinomial", "enet")]


def meta_kw(pen, **kw):
    out = dict(solver="newton-cd", C=0.3, tol=TIGHT, **PENALTIES[pen])
    out.update(kw)
    return out


def ratio_of(pen):
    return PENALTIES[pen].get("l1_ratio", 1.0)


@pytest.mark.parametrize("mode,pen", META)
def test_weight_two_equals_duplicated_rows(mode, pen):
    X, y = make_data(mode, n=120, seed=7)
    dup = np.arange(0, 120, 3)
    sw = np.ones(120)
    sw[dup] = 2.0
    a = fit(X, y, mode, sample_weight=sw, **meta_kw(pen))
    Xd, yd = np.vstack([X, X[dup]]), np.concatenate([y, y[dup]])
    b = fit(Xd, yd, mode, **meta_kw(pen))
    ref = Ref(X, y, mode, C=0.3, l1_ratio=ratio_of(pen), sw=sw)
    ref_d = Ref(Xd, yd, mode, C=0.3, l1_ratio=ratio_of(pen))
    assert abs(ref.objective(*coefs(b)) - ref_d.objective(*coefs(b))) < 1e-14  # same function
    assert_same_solution(ref, a, b, ref_b=ref_d)


@pytest.mark.parametrize("mode,pen", META)
def test_weight_zero_equals_removed_rows(mode, pen):
    X, y = make_data(mode, n=150, seed=8)
    sw = np.ones(150)
    drop = np.arange(10, 150, 4)
    sw[drop] = 0.0
    a = fit(X, y, mode, sample_weight=sw, **meta_kw(pen))
    keep = sw > 0
    b = fit(X[keep], y[keep], mode, **meta_kw(pen))
    ref = Ref(X, y, mode, C=0.3, l1_ratio=ratio_of(pen), sw=sw)
    ref_k = Ref(X[keep], y[keep], mode, C=0.3, l1_ratio=ratio_of(pen))
    assert_same_solution(ref, a, b, ref_b=ref_k)


@pytest.mark.parametrize("mode,pen", META)
def test_row_permutation(mode, pen):
    X, y = make_data(mode, n=150, seed=9)
    perm = np.random.default_rng(0).permutation(150)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, 150)
    a = fit(X, y, mode, sample_weight=sw, **meta_kw(pen))
    b = fit(X[perm], y[perm], mode, sample_weight=sw[perm], **meta_kw(pen))
    ref = Ref(X, y, mode, C=0.3, l1_ratio=ratio_of(pen), sw=sw)
    ref_p = Ref(X[perm], y[perm], mode, C=0.3, l1_ratio=ratio_of(pen), sw=sw[perm])
    assert_same_solution(ref, a, b, ref_b=ref_p)


@pytest.mark.parametrize("solver", ["newton-cd", "saga"])
@pytest.mark.parametrize("kind", ["csr", "csc", "dense64F"])
@pytest.mark.parametrize("mode,pen", META)
def test_dense_equals_sparse(mode, pen, kind, solver):
    X, y = make_data(mode, n=150, seed=10, density=0.4)
    kw = meta_kw(pen, solver=solver, **({"tol": 1e-8, "max_iter": 20000} if solver == "saga" else {}))
    a = fit(X, y, mode, **kw)
    b = fit(convert(X, kind), y, mode, **kw)
    ref = Ref(X, y, mode, C=0.3, l1_ratio=ratio_of(pen))
    assert_same_solution(ref, a, b)


@pytest.mark.parametrize("kind", ["dense32", "dense32F"])
@pytest.mark.parametrize("mode,pen", META)
def test_float32_close_to_float64(mode, pen, kind):
    X, y = make_data(mode, n=150, seed=11)
    X32 = convert(X, kind)
    X64 = X32.astype(np.float64)  # the same numbers: the same objective
    a = fit(X64, y, mode, **meta_kw(pen))
    b = fit(X32, y, mode, **meta_kw(pen, tol=TOL32))
    ref = Ref(X64, y, mode, C=0.3, l1_ratio=ratio_of(pen))
    # b is a float32 solve: its (exactly measured) violation is tol32 + rounding
    ref32 = Ref(X32, y, mode, C=0.3, l1_ratio=ratio_of(pen))
    assert_optimal(ref32, b, TOL32)
    Wa, ba = coefs(a)
    Wb, bb = coefs(b)
    for blk in ref.blocks:
        radius = distance_bound(ref, blk, Wa, ba, Wb, bb)
        gap = np.linalg.norm(theta(ref, blk, Wa, ba) - theta(ref, blk, Wb, bb))
        assert gap <= radius, (gap, radius)


@pytest.mark.parametrize("mode,pen", [("binary", "l1"), ("binary", "enet"), ("multinomial", "enet")])
def test_class_weight_balanced_equals_sample_weights(mode, pen):
    X, y = make_data(mode, n=150, seed=12)
    y = y.copy()
    y[:40] = 0  # imbalance
    counts = np.bincount(y)
    cw = (len(y) / (len(counts) * counts))[y]
    a = fit(X, y, mode, class_weight="balanced", **meta_kw(pen))
    b = fit(X, y, mode, sample_weight=cw, **meta_kw(pen))
    ref = Ref(X, y, mode, C=0.3, l1_ratio=ratio_of(pen), sw=cw)
    assert_same_solution(ref, a, b)


@pytest.mark.parametrize("c", [0.25, 4.0])
@pytest.mark.parametrize("mode,pen", META)
def test_uniform_penalty_factor_equals_rescaled_C(mode, pen, c):
    X, y = make_data(mode, n=150, seed=13)
    a = fit(X, y, mode, **meta_kw(pen, penalty_factor=np.full(D, c)))
    b = fit(X, y, mode, **meta_kw(pen, C=0.3 / c))
    ref = Ref(X, y, mode, C=0.3 / c, l1_ratio=ratio_of(pen))
    assert_same_solution(ref, a, b)


@pytest.mark.parametrize("mode,pen", META)
def test_warm_start_same_solution(mode, pen):
    X, y = make_data(mode, n=150, seed=14)
    cold = fit(X, y, mode, **meta_kw(pen, C=0.1))
    warm = LogisticRegression(multi_class=MULTI[mode], warm_start=True, max_iter=1000,
                              **meta_kw(pen, C=1.0)).fit(X, y)
    warm.set_params(C=0.1)
    warm.fit(X, y)
    ref = Ref(X, y, mode, C=0.1, l1_ratio=ratio_of(pen))
    assert_same_solution(ref, cold, warm)
    # and restarting at the solution stays there
    warm.fit(X, y)
    assert_same_solution(ref, cold, warm)


@pytest.mark.parametrize("solver", ["auto", "newton-cd", "saga"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("pen", list(PENALTIES))
def test_tiny_C_gives_null_model(pen, mode, solver):
    X, y = make_data(mode, n=150, seed=15)
    sw = np.random.default_rng(2).uniform(0.5, 2.0, 150)
    C = 1e-4  # L1 threshold r / (C S) >= 16, |gradient| at the null model <= max |x| < 6
    tol = 1e-8 if solver == "saga" else TIGHT
    model = fit(X, y, mode, sample_weight=sw, **saga_kw(dict(solver=solver, C=C, tol=tol, **PENALTIES[pen])))
    W, b = coefs(model)
    assert np.all(W == 0.0)
    classes = np.unique(y)
    S_k = np.array([sw[y == c].sum() for c in classes])
    if mode == "binary":
        expected = np.array([np.log(S_k[1] / S_k[0])])
    elif mode == "multinomial":
        expected = np.log(S_k) - np.log(S_k).mean()
        b = b - b.mean()
    else:
        expected = np.log(S_k / (S_k.sum() - S_k))
    # |b - b*| <= |dF/db| / (min curvature); curvature of the intercept block >= p(1-p) >= 0.05 here
    ref = Ref(X, y, mode, C=C, l1_ratio=ratio_of(pen), sw=sw)
    for blk in ref.blocks:
        _, vb = ref.violations(blk, W[blk.rows], model.intercept_[blk.rows])
        assert np.all(vb <= tol)
    np.testing.assert_allclose(b, expected, rtol=0, atol=tol / 0.05 * np.sqrt(K) + 1e-12)


@pytest.mark.parametrize("mode,pen", META)
def test_penalty_value_monotone_along_path(mode, pen):
    """g(theta(C)) is non-decreasing in C for exact minimizers (see module docstring)."""
    X, y = make_data(mode, n=150, seed=16)
    Cs = np.geomspace(0.01, 3.0, 7)
    ratio = ratio_of(pen)
    prev = None
    for C in Cs:
        model = fit(X, y, mode, **meta_kw(pen, C=C))
        W, b = coefs(model)
        ref = Ref(X, y, mode, C=C, l1_ratio=ratio)
        vals, slack = [], []
        for blk in ref.blocks:
            vals.append(ref.penalty_value(blk, W))
            # g is Lipschitz with constant <= ||f (r + (1-r)(|W|+rad))||_2 near W; radius from KKT
            rad = 2 * violation_norm(ref, blk, W, b) / strong_convexity(ref, blk, W, b)
            Wk = W[blk.rows]
            lip = np.linalg.norm(ref.factor * (ratio + (1 - ratio) * (np.abs(Wk) + rad)))
            slack.append(lip * rad)
        vals, slack = np.array(vals), np.array(slack)
        if prev is not None:
            assert np.all(vals >= prev[0] - prev[1] - slack), (C, vals, prev)
        prev = (vals, slack)
    assert np.all(prev[0] > 0)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("ratio", [1.0, 0.5])
def test_l1_ratio_alone_selects_penalty(mode, ratio):
    """scikit-learn >= 1.8 spelling: l1_ratio with the default penalty."""
    if mode == "multinomial" and ratio == 1.0:
        ratio = 0.7  # pure-L1 multinomial has a flat direction; see docstring
    X, y = make_data(mode, n=150, seed=17)
    pen = "l1" if ratio == 1.0 else "elasticnet"
    a = fit(X, y, mode, solver="newton-cd", C=0.3, tol=TIGHT, penalty=pen, l1_ratio=ratio)
    b = fit(X, y, mode, solver="newton-cd", C=0.3, tol=TIGHT, l1_ratio=ratio)
    ref = Ref(X, y, mode, C=0.3, l1_ratio=ratio)
    assert_optimal(ref, b, TIGHT)
    assert_same_solution(ref, a, b)


# --------------------------------------------------------------------------------------
# 4. exact zeros, and l1_ratio = 0 is the L2 fit
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["dense64", "csr"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_exact_zeros(solver, kind, mode):
    X, y = make_data(mode, n=150, seed=18)
    model = fit(convert(X, kind), y, mode, **saga_kw(dict(solver=solver, penalty="l1", C=0.1, tol=TOL64)))
    W, b = coefs(model)
    ref = Ref(X, y, mode, C=0.1, l1_ratio=1.0)
    inside = np.zeros(W.shape, dtype=bool)
    for blk in ref.blocks:
        G, _ = ref.smooth_gradient(blk, W[blk.rows], b[blk.rows])
        # strictly inside the threshold by more than tol: the exact solution is 0 there
        inside[blk.rows] = np.abs(G) < ref.l1w(blk) - 10 * TOL64
    assert inside.sum() >= 3
    assert np.all(W[inside] == 0.0), W[inside]
    # a zero is a true zero, not a tiny float
    assert not np.any((W != 0) & (np.abs(W) < 1e-12))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("solver", ["auto", "newton-cd", "saga"])
def test_l1_ratio_zero_is_l2(solver, mode):
    X, y = make_data(mode, n=150, seed=19)
    a = fit(X, y, mode, **saga_kw(dict(solver=solver, penalty="elasticnet", l1_ratio=0.0, C=0.3,
                                          tol=TIGHT if solver != "saga" else 1e-8)))
    b = fit(X, y, mode, solver="newton-cg", penalty="l2", C=0.3, tol=TIGHT)
    ref = Ref(X, y, mode, C=0.3, l1_ratio=0.0)
    assert_same_solution(ref, a, b)


# --------------------------------------------------------------------------------------
# 5. bad input
# --------------------------------------------------------------------------------------

XB, YB = make_data("binary", n=60, seed=20)


@pytest.mark.parametrize("ratio", [-0.1, 1.5, "a", np.nan])
def test_bad_l1_ratio(ratio):
    with pytest.raises(ValueError, match="l1_ratio"):
        LogisticRegression(penalty="elasticnet", l1_ratio=ratio).fit(XB, YB)


def test_elasticnet_needs_l1_ratio():
    with pytest.raises(ValueError, match="l1_ratio"):
        LogisticRegression(penalty="elasticnet").fit(XB, YB)


@pytest.mark.parametrize("factor", [-1.0, np.nan, np.inf])
def test_bad_penalty_factor(factor):
    f = np.ones(D)
    f[2] = factor
    with pytest.raises(ValueError, match="penalty_factor"):
        LogisticRegression(penalty="l1", penalty_factor=f).fit(XB, YB)


def test_penalty_factor_wrong_length():
    with pytest.raises(ValueError, match="penalty_factor"):
        LogisticRegression(penalty="l1", penalty_factor=np.ones(D + 1)).fit(XB, YB)


def test_lower_above_upper():
    lo = np.zeros(D)
    hi = np.ones(D)
    lo[3] = 2.0
    with pytest.raises(ValueError, match="lower_bounds|upper_bounds"):
        LogisticRegression(penalty="l1", lower_bounds=lo, upper_bounds=hi).fit(XB, YB)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg", "newton-cholesky", "sag"])
@pytest.mark.parametrize("pen", list(PENALTIES))
def test_smooth_solver_rejects_l1(solver, pen):
    with pytest.raises(ValueError, match="newton-cd") as info:
        LogisticRegression(solver=solver, **PENALTIES[pen]).fit(XB, YB)
    assert solver in str(info.value)

"""Firth's bias-reduced logistic regression (logreg.inference.firth).

The references here are independent of logreg: the penalized log-likelihood
l(b) + 1/2 log det(X'WX) is written out below from its definition and
maximized with scipy.optimize.minimize (numerical gradients); the modified
score and the hat matrix are formed explicitly; the 2x2-table and
intercept-only cases have closed forms (Firth's estimate = adding 1/2 to every
cell, Firth 1993; Heinze & Schemper 2002).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.optimize import minimize
from scipy.special import expit, log_expit

from logreg.inference.firth import (
    FirthFit,
    fit_firth,
    penalized_lr_pvalue,
    penalized_lr_test,
    profile_penalized_ci,
)
from logreg.inference.separation import detect_separation

CHI2_95 = stats.chi2.ppf(0.95, 1)


# ---------------------------------------------------------------------------
# independent reference
# ---------------------------------------------------------------------------
def ref_loglik(beta, X, y, w, off):
    eta = X @ beta + off
    return float(np.sum(w * (y * log_expit(eta) + (1 - y) * log_expit(-eta))))


def ref_penalized(beta, X, y, w, off):
    eta = X @ beta + off
    p = expit(eta)
    info = X.T @ ((w * p * (1 - p))[:, None] * X)
    sign, logdet = np.linalg.slogdet(info)
    if sign <= 0:
        return -np.inf
    return ref_loglik(beta, X, y, w, off) + 0.5 * logdet


def ref_maximize(X, y, w=None, off=None, fixed=None, start=None):
    """argmax and max of the penalized log-likelihood; ``fixed`` = {j: value} held fixed
    (the full X stays in the penalty)."""
    n, k = X.shape
    w = np.ones(n) if w is None else np.asarray(w, float)
    off = np.zeros(n) if off is None else np.asarray(off, float)
    fixed = fixed or {}
    free = [j for j in range(k) if j not in fixed]

    def full(theta):
        beta = np.zeros(k)
        beta[free] = theta
        for j, v in fixed.items():
            beta[j] = v
        return beta

    def negative(theta):
        value = ref_penalized(full(theta), X, y, w, off)
        return 1e300 if not np.isfinite(value) else -value

    theta = np.zeros(len(free)) if start is None else np.asarray(start, float)[free]
    for method in ("BFGS", "Nelder-Mead", "BFGS"):  # polish: BFGS, simplex, BFGS again
        opts = {"gtol": 1e-10} if method == "BFGS" else {"xatol": 1e-10, "fatol": 1e-14, "maxiter": 20000}
        theta = minimize(negative, theta, method=method, options=opts).x
    return full(theta), -negative(theta)


def ref_modified_score(beta, X, y, w, off):
    p = expit(X @ beta + off)
    Wh = np.sqrt(w * p * (1 - p))
    A = Wh[:, None] * X
    H = A @ np.linalg.inv(A.T @ A) @ A.T
    h = np.diag(H)
    return X.T @ (w * (y - p) + h * (0.5 - p)), h


def make_data(seed, n=60, k=3):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=(n, k - 1))])
    beta = np.linspace(-0.5, 1.0, k)
    y = (rng.random(n) < expit(X @ beta)).astype(float)
    return X, y


# ---------------------------------------------------------------------------
# the estimate
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["plain", "weights", "offset"])
def test_matches_independent_maximization(case):
    X, y = make_data(0, n=40)
    rng = np.random.default_rng(1)
    w = rng.integers(1, 4, size=40).astype(float) if case == "weights" else None
    off = rng.normal(scale=0.5, size=40) if case == "offset" else None
    fit = fit_firth(X, y, w, offset=off)
    assert isinstance(fit, FirthFit) and fit.converged
    beta_ref, lp_ref = ref_maximize(X, y, w, off)
    np.testing.assert_allclose(fit.params, beta_ref, atol=2e-6)
    ww = np.ones(40) if w is None else w
    oo = np.zeros(40) if off is None else off
    assert fit.llf_penalized == pytest.approx(lp_ref, abs=1e-9)
    assert fit.llf_penalized >= lp_ref - 1e-12  # ours is at least as good
    assert fit.llf == pytest.approx(ref_loglik(fit.params, X, y, ww, oo), rel=1e-12)
    score, h = ref_modified_score(fit.params, X, y, ww, oo)
    np.testing.assert_allclose(score, 0.0, atol=1e-8)
    np.testing.assert_allclose(fit.score, score, atol=1e-8)
    np.testing.assert_allclose(fit.hat, h, rtol=1e-10, atol=1e-14)
    p = expit(X @ fit.params + oo)
    np.testing.assert_allclose(fit.cov, np.linalg.inv(X.T @ ((ww * p * (1 - p))[:, None] * X)), rtol=1e-10)


def test_frequency_weights_equal_repeated_rows():
    X, y = make_data(2, n=30)
    w = np.random.default_rng(3).integers(1, 4, size=30)
    a = fit_firth(X, y, w.astype(float))
    b = fit_firth(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(a.params, b.params, atol=1e-10)
    assert a.llf_penalized == pytest.approx(b.llf_penalized, rel=1e-12)


@pytest.mark.parametrize("cells", [(5, 0, 3, 7), (4, 2, 3, 9), (0, 6, 8, 0)])
def test_two_by_two_table_adds_one_half_to_each_cell(cells):
    # x = 1: a successes, b failures; x = 0: c successes, d failures.
    a, b, c, d = cells
    x = np.r_[np.ones(a + b), np.zeros(c + d)]
    y = np.r_[np.ones(a), np.zeros(b), np.ones(c), np.zeros(d)]
    fit = fit_firth(np.column_stack([np.ones_like(x), x]), y)
    assert fit.converged
    expected = [np.log((c + 0.5) / (d + 0.5)), np.log((a + 0.5) * (d + 0.5) / ((b + 0.5) * (c + 0.5)))]
    np.testing.assert_allclose(fit.params, expected, rtol=1e-10)


def test_intercept_only_closed_form():
    y = np.r_[np.ones(3), np.zeros(14)]
    fit = fit_firth(np.ones((17, 1)), y)
    assert expit(fit.params[0]) == pytest.approx(3.5 / 18, rel=1e-10)
    y = np.zeros(10)  # all failures: ML is -inf, Firth is not
    assert expit(fit_firth(np.ones((10, 1)), y).params[0]) == pytest.approx(0.5 / 11, rel=1e-10)


def test_finite_under_complete_separation():
    rng = np.random.default_rng(4)
    x = rng.normal(size=25)
    z = rng.normal(size=25)
    y = (x + 0.3 * z > 0).astype(float)
    X = np.column_stack([np.ones(25), x, z])
    sep = detect_separation(X, y)
    assert sep.kind == "complete"
    # plain ML diverges: the log-likelihood keeps rising towards 0 along the separating direction
    lls = [ref_loglik(t * sep.direction, X, y, np.ones(25), np.zeros(25)) for t in (1, 10, 100, 1000)]
    assert np.all(np.diff(lls) > 0) and lls[-1] > -1e-10
    fit = fit_firth(X, y)
    assert fit.converged and np.all(np.isfinite(fit.params)) and np.abs(fit.params).max() < 20
    beta_ref, _ = ref_maximize(X, y)
    np.testing.assert_allclose(fit.params, beta_ref, atol=1e-5)
    score, _ = ref_modified_score(fit.params, X, y, np.ones(25), np.zeros(25))
    np.testing.assert_allclose(score, 0.0, atol=1e-8)


def test_quasi_separation_and_start_params():
    rng = np.random.default_rng(5)
    n = 50
    d = (rng.random(n) < 0.3).astype(float)
    x = rng.normal(size=n)
    y = np.where(d == 1, 1.0, (rng.random(n) < expit(x)).astype(float))
    X = np.column_stack([np.ones(n), x, d])
    assert detect_separation(X, y).kind == "quasi-complete"
    fit = fit_firth(X, y)
    again = fit_firth(X, y, start_params=fit.params + 0.5)
    beta_ref, _ = ref_maximize(X, y)
    np.testing.assert_allclose(fit.params, beta_ref, atol=1e-5)
    np.testing.assert_allclose(again.params, fit.params, atol=1e-9)


def test_not_converged_and_bad_input():
    X, y = make_data(6)
    fit = fit_firth(X, y, max_iter=1)
    assert not fit.converged and fit.n_iter == 1
    with pytest.raises(ValueError, match="full column rank"):
        fit_firth(np.column_stack([X, X[:, 1]]), y)
    with pytest.raises(ValueError):
        fit_firth(X, y + 1)
    with pytest.raises(ValueError):
        fit_firth(X, y, start_params=[0.0])


# ---------------------------------------------------------------------------
# penalized likelihood-ratio inference
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("separated", [False, True])
def test_profile_interval_ends_hit_the_chi2_cutoff(separated):
    X, y = make_data(7, n=30)
    if separated:
        y = (X[:, 1] + 0.3 * X[:, 2] > 0).astype(float)
        assert detect_separation(X, y).kind == "complete"
    fit = fit_firth(X, y)
    j = 1
    lo, hi = profile_penalized_ci(X, y, j, 0.05, fit=fit)
    assert np.isfinite(lo) and np.isfinite(hi) and lo < fit.params[j] < hi
    for end in (lo, hi):
        lp_end = max(ref_maximize(X, y, fixed={j: end}, start=start)[1] for start in (None, fit.params))
        assert 2 * (fit.llf_penalized - lp_end) == pytest.approx(CHI2_95, abs=1e-5)
    # the interval is not the Wald interval (asymmetric under separation)
    lo90, hi90 = profile_penalized_ci(X, y, j, alpha=0.10)
    assert lo < lo90 < hi90 < hi


def test_penalized_lr_test_keeps_column_in_penalty():
    X, y = make_data(8, n=35, k=4)
    fit = fit_firth(X, y)
    j = 2
    stat, pvalue = penalized_lr_test(X, y, j, fit=fit)
    _, lp0 = ref_maximize(X, y, fixed={j: 0.0}, start=fit.params)
    assert stat == pytest.approx(2 * (fit.llf_penalized - lp0), abs=1e-6)
    assert pvalue == pytest.approx(stats.chi2.sf(stat, 1), rel=1e-12)
    assert penalized_lr_pvalue(X, y, j) == pytest.approx(pvalue, rel=1e-8)
    # Dropping the column instead changes the penalty and the statistic.
    dropped = fit_firth(np.delete(X, j, axis=1), y)
    assert abs(2 * (fit.llf_penalized - dropped.llf_penalized) - stat) > 1e-3
    # joint test of two coefficients, two degrees of freedom
    stat2, p2 = penalized_lr_test(X, y, [1, 3])
    _, lp00 = ref_maximize(X, y, fixed={1: 0.0, 3: 0.0}, start=fit.params)
    assert stat2 == pytest.approx(2 * (fit.llf_penalized - lp00), abs=1e-6)
    assert p2 == pytest.approx(stats.chi2.sf(stat2, 2), rel=1e-12)


def test_interval_and_test_agree():
    # b_j = 0 lies outside the (1 - alpha) profile interval exactly when the test rejects at alpha
    X, y = make_data(9, n=40)
    fit = fit_firth(X, y)
    for j in range(3):
        p = penalized_lr_pvalue(X, y, j, fit=fit)
        lo, hi = profile_penalized_ci(X, y, j, alpha=0.05, fit=fit)
        assert (p < 0.05) == (not lo <= 0 <= hi)
        lo_p, hi_p = profile_penalized_ci(X, y, j, alpha=p, fit=fit)
        assert min(abs(lo_p), abs(hi_p)) == pytest.approx(0.0, abs=1e-6)


def test_logit_fit_method_firth_matches_fit_firth_and_reports_logistf_statistics():
    import warnings as _w

    from logreg.inference.firth import fit_firth, penalized_lr_pvalue, profile_penalized_ci
    from logreg.models import Logit

    rng = np.random.default_rng(3)
    X = np.column_stack([np.ones(40), rng.normal(size=40)])
    y = (X[:, 1] > 0).astype(float)  # completely separated: plain ML diverges
    with _w.catch_warnings():
        _w.simplefilter("error")  # Firth must not warn about separation
        res = Logit(y, X).fit(method="firth", disp=False)
    direct = fit_firth(X, y)
    np.testing.assert_allclose(res.params, direct.params, rtol=1e-10)
    np.testing.assert_allclose(res.cov_params(), direct.cov, rtol=1e-8)
    assert np.all(np.isfinite(res.params)) and res.converged
    np.testing.assert_allclose(res.firth_pvalues(), [penalized_lr_pvalue(X, y, j) for j in range(2)], rtol=1e-6)
    np.testing.assert_allclose(res.firth_conf_int(), [profile_penalized_ci(X, y, j) for j in range(2)], rtol=1e-6)
    overlapping = (X[:, 1] + rng.normal(size=40) > 0).astype(float)
    with pytest.raises(ValueError, match="method='firth'"):
        Logit(overlapping, X).fit(disp=False).firth_pvalues()

"""get_prediction, wald_test/t_test, compare_lr_test and profile-likelihood intervals.

References: statsmodels (prediction, Wald and z tests on the spector data),
likelihood ratios computed here from two fits, and for the profile intervals
independent fits by statsmodels' Logit with an offset plus a brute-force grid.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats
from scipy.special import expit

import logreg

sm = pytest.importorskip("statsmodels.api")


@pytest.fixture(scope="module")
def spector():
    data = sm.datasets.spector.load_pandas()
    X = sm.add_constant(data.exog)
    ref = sm.Logit(data.endog, X).fit(disp=0)
    res = logreg.Logit(data.endog, X).fit(disp=0)
    return data.endog, X, ref, res


# -- 1. get_prediction -------------------------------------------------------------------
def test_prediction_matches_statsmodels(spector):
    y, X, ref, res = spector
    for exog in (None, X.iloc[[0, 5, 7]]):
        ours = res.get_prediction(exog).summary_frame()
        theirs = ref.get_prediction(exog).summary_frame()
        assert list(ours.columns) == ["predicted", "se", "ci_lower", "ci_upper"]
        assert list(ours.index) == list(theirs.index)
        np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-6, atol=1e-10)
    ours, theirs = res.get_prediction(), ref.get_prediction()
    np.testing.assert_allclose(ours.conf_int(alpha=0.1), theirs.conf_int(alpha=0.1), rtol=1e-6)
    np.testing.assert_allclose(ours.conf_int(alpha=0.1, method="delta"),
                               theirs.conf_int(alpha=0.1, method="delta"), rtol=1e-6)
    np.testing.assert_allclose(ours.linpred_se, theirs.linpred_se, rtol=1e-6)


def test_prediction_independent_formula(spector):
    # eta -+ z sqrt(x' Cov x) on the link scale, then the logistic function
    y, X, _, res = spector
    x = np.array([[1.0, 3.0, 20.0, 1.0], [1.0, 2.5, 25.0, 0.0]])
    b, cov = res.params.to_numpy(), res.cov_params().to_numpy()
    eta = x @ b
    se_eta = np.sqrt([xi @ cov @ xi for xi in x])
    z = stats.norm.ppf(0.95)
    pred = res.get_prediction(x)
    np.testing.assert_allclose(pred.predicted, expit(eta), rtol=1e-12)
    np.testing.assert_allclose(pred.linpred_se, se_eta, rtol=1e-10)
    np.testing.assert_allclose(pred.se, expit(eta) * (1 - expit(eta)) * se_eta, rtol=1e-10)
    np.testing.assert_allclose(pred.conf_int(0.1), np.column_stack([expit(eta - z * se_eta), expit(eta + z * se_eta)]),
                               rtol=1e-10)
    frame = pred.summary_frame(alpha=0.1)
    np.testing.assert_allclose(frame[["ci_lower", "ci_upper"]].to_numpy(), pred.conf_int(0.1))
    np.testing.assert_allclose(pred.predicted, res.predict(x))


def test_prediction_bounds_at_extreme_points(spector):
    _, _, _, res = spector
    x = np.array([[1.0, 10.0, 60.0, 1.0], [1.0, -10.0, 0.0, 0.0], [1.0, 4.0, 30.0, 1.0], [1.0, 200.0, 900.0, 1.0]])
    pred = res.get_prediction(x)
    ci = pred.conf_int()
    assert np.all(np.isfinite(ci))
    assert np.all((ci >= 0) & (ci <= 1))
    assert np.all(ci[:, 0] <= pred.predicted) and np.all(pred.predicted <= ci[:, 1])
    # the symmetric delta interval can leave [0, 1]; the default one does not
    assert (pred.conf_int(method="delta") < 0).any() or (pred.conf_int(method="delta") > 1).any()


def test_prediction_arrays_and_mnlogit():
    rng = np.random.default_rng(0)
    X = logreg.add_constant(rng.normal(size=(200, 2)))
    y = (rng.random(200) < expit(X @ [0.2, 1.0, -0.5])).astype(float)
    res = logreg.Logit(y, X).fit(disp=0)
    frame = res.get_prediction().summary_frame()
    assert frame.shape == (200, 4)
    np.testing.assert_allclose(frame["predicted"], res.predict())
    labels = rng.integers(0, 3, size=200)
    mres = logreg.MNLogit(labels, X).fit(disp=0)
    with pytest.raises(NotImplementedError, match="binary Logit"):
        mres.get_prediction()


# -- 2. Wald and z tests ----------------------------------------------------------------
RESTRICTIONS = ["GPA = TUCE", "GPA = 0, PSI = 0", "2*GPA - PSI = 1", "TUCE", "GPA - 0.5 * TUCE + PSI*2 = -1.5e0"]


@pytest.mark.parametrize("spec", RESTRICTIONS)
def test_wald_and_t_test_match_statsmodels(spector, spec):
    _, _, ref, res = spector
    ours, theirs = res.wald_test(spec), ref.wald_test(spec, scalar=True)
    assert ours.statistic == pytest.approx(float(theirs.statistic), rel=1e-6)
    assert ours.pvalue == pytest.approx(float(theirs.pvalue), rel=1e-6)
    assert ours.df == int(theirs.df_denom) == spec.count(",") + 1
    assert "Wald test (chi2)" in str(ours)
    t_ours, t_theirs = res.t_test(spec), ref.t_test(spec)
    np.testing.assert_allclose(t_ours.effect, np.ravel(t_theirs.effect), rtol=1e-6)
    np.testing.assert_allclose(t_ours.sd, np.ravel(t_theirs.sd), rtol=1e-6)
    np.testing.assert_allclose(t_ours.tvalue, np.ravel(t_theirs.tvalue), rtol=1e-6)
    np.testing.assert_allclose(t_ours.pvalue, np.ravel(t_theirs.pvalue), rtol=1e-6)
    np.testing.assert_allclose(t_ours.summary_frame().to_numpy(), t_theirs.summary_frame().to_numpy(), rtol=1e-6)
    assert list(t_ours.summary_frame().columns) == list(t_theirs.summary_frame().columns)
    assert "Test for Constraints" in t_ours.summary()


def test_wald_test_matrix_forms(spector):
    _, _, ref, res = spector
    R = np.array([[0.0, 1.0, -1.0, 0.0], [0.0, 0.0, 0.0, 1.0]])
    q = np.array([0.0, 1.0])
    expected = ref.wald_test((R, q), scalar=True)
    for ours in (res.wald_test(R, q), res.wald_test((R, q)), res.wald_test("GPA = TUCE, PSI = 1"),
                 res.wald_test(["GPA = TUCE", "PSI = 1"])):
        assert ours.statistic == pytest.approx(float(expected.statistic), rel=1e-6)
    # independent formula: (Rb - q)' (R V R')^-1 (Rb - q)
    b, V = res.params.to_numpy(), res.cov_params().to_numpy()
    d = R @ b - q
    assert res.wald_test(R, q).statistic == pytest.approx(d @ np.linalg.solve(R @ V @ R.T, d), rel=1e-12)


def test_wald_test_robust_cov_and_mnlogit():
    data = sm.datasets.spector.load_pandas()
    X = sm.add_constant(data.exog)
    res = logreg.Logit(data.endog, X).fit(disp=0, cov_type="HC1")
    V = res.cov_params().to_numpy()
    b = res.params.to_numpy()
    assert res.wald_test("PSI").statistic == pytest.approx(b[3] ** 2 / V[3, 3], rel=1e-12)
    rng = np.random.default_rng(1)
    Xm = logreg.add_constant(rng.normal(size=(300, 2)))
    labels = rng.integers(0, 3, 300)
    mres = logreg.MNLogit(labels, Xm).fit(disp=0)
    ref = sm.MNLogit(labels, Xm).fit(disp=0)
    R = np.zeros((1, 6))
    R[0, 1], R[0, 4] = 1.0, -1.0  # statsmodels' flat order: equation by equation
    expected = float(ref.wald_test(R, scalar=True).statistic)
    assert mres.wald_test("1:x1 = 2:x1").statistic == pytest.approx(expected, rel=1e-5)
    assert mres.wald_test(R).statistic == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize(
    "spec, match",
    [("GPA = foo", "unknown term"), ("GPA * TUCE = 0", "not linear"), ("GPA = TUCE = 0", "more than one"),
     ("3 = 1", "no parameter"), ("GPA +", "ends with an operator"), ("GPA = TUCE, ", "empty restriction"),
     ("GPAX = 0", "unknown term")],
)
def test_restriction_parse_errors(spector, spec, match):
    with pytest.raises(ValueError, match=match):
        spector[3].wald_test(spec)


def test_restriction_parser_names_with_punctuation():
    from logreg.inference.hypothesis import parse_restrictions

    names = ["Intercept", "C(rank)[T.2]", "C(rank)[T.3]", "gre", "x1", "x10"]
    R, q = parse_restrictions("C(rank)[T.2] = C(rank)[T.3], 2*x10 - x1 = 1, -gre", names)
    np.testing.assert_array_equal(R, [[0, 1, -1, 0, 0, 0], [0, 0, 0, 0, -1, 2], [0, 0, 0, -1, 0, 0]])
    np.testing.assert_array_equal(q, [0, 1, 0])
    with pytest.raises(ValueError, match="linearly dependent"):
        logreg.Logit(*_small()).fit(disp=0).wald_test("x1 = 0, 2*x1 = 0")


def _small():
    rng = np.random.default_rng(2)
    X = logreg.add_constant(rng.normal(size=(150, 2)))
    y = (rng.random(150) < expit(X @ [0.3, 0.8, -0.4])).astype(float)
    return y, X


# -- 3. likelihood ratio ------------------------------------------------------------------
def test_compare_lr_test(spector):
    y, X, _, full = spector
    restricted = logreg.Logit(y, X[["const", "GPA"]]).fit(disp=0)
    lr, p, df = full.compare_lr_test(restricted)
    ref_full = sm.Logit(y, X).fit(disp=0)
    ref_restr = sm.Logit(y, X[["const", "GPA"]]).fit(disp=0)
    expected = 2 * (ref_full.llf - ref_restr.llf)
    assert lr == pytest.approx(expected, rel=1e-8)
    assert p == pytest.approx(stats.chi2.sf(expected, 2), rel=1e-7)
    assert df == 2
    with pytest.raises(ValueError, match="fewer parameters"):
        restricted.compare_lr_test(full)
    other = logreg.Logit(y.iloc[:-1], X.iloc[:-1, :2]).fit(disp=0)
    with pytest.raises(ValueError, match="same observations"):
        full.compare_lr_test(other)
    not_nested = logreg.Logit(y, X[["const"]].assign(z=np.arange(len(y)) ** 2.0)).fit(disp=0)
    with pytest.warns(UserWarning, match="not nested"):
        full.compare_lr_test(not_nested)


# -- 4. profile-likelihood intervals -----------------------------------------------------------
def _independent_profile_llf(y, X, j, b, start):
    """max over the other coefficients with b_j fixed: plain NumPy log-likelihood and scipy's
    trust-region Newton (statsmodels' Logit with an offset diverges here without a line search)."""
    from scipy.optimize import minimize
    from scipy.special import log_expit

    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    rest, offset = np.delete(X, j, axis=1), X[:, j] * b

    def negll(c):
        eta = rest @ c + offset
        return -np.sum(y * log_expit(eta) + (1 - y) * log_expit(-eta))

    def grad(c):
        return -rest.T @ (y - expit(rest @ c + offset))

    def hess(c):
        p = expit(rest @ c + offset)
        return rest.T @ (rest * (p * (1 - p))[:, None])

    fit = minimize(negll, np.delete(np.asarray(start), j), jac=grad, hess=hess, method="trust-exact",
                   options={"gtol": 1e-10})
    c = fit.x
    for _ in range(3):  # polish: plain Newton steps from next to the optimum
        c = c - np.linalg.solve(hess(c), grad(c))
    g = grad(c)
    assert g @ np.linalg.solve(hess(c), g) < 1e-12  # the llf is off by half this
    return -negll(c)


@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_profile_interval_ends_hit_the_chi2_quantile(spector, alpha):
    y, X, ref, res = spector
    ci = res.conf_int(alpha=alpha, method="profile")
    crit = stats.chi2.ppf(1 - alpha, 1)
    assert list(ci.index) == list(X.columns)
    for j in range(X.shape[1]):
        lo, hi = ci.iloc[j]
        assert lo < res.params.iloc[j] < hi
        for end in (lo, hi):
            lr = 2 * (ref.llf - _independent_profile_llf(y, X, j, end, ref.params))
            assert lr == pytest.approx(crit, abs=1e-6)


def test_profile_interval_matches_grid_profile(spector):
    # brute force: the profile LR on a fine grid, interpolated linearly at the crossing
    y, X, ref, res = spector
    crit = stats.chi2.ppf(0.95, 1)
    j = 3  # PSI
    ci = res.conf_int(method="profile", cols=[j])
    lo, hi = np.asarray(ci)[0]
    b_hat, se = res.params.iloc[j], res.bse.iloc[j]
    for end, side in ((lo, -1), (hi, 1)):
        grid = b_hat + side * np.linspace(0, 4 * se, 801)
        lr = np.array([2 * (ref.llf - _independent_profile_llf(y, X, j, b, ref.params)) for b in grid])
        k = int(np.argmax(lr > crit))
        t = (crit - lr[k - 1]) / (lr[k] - lr[k - 1])
        assert end == pytest.approx(grid[k - 1] + t * (grid[k] - grid[k - 1]), abs=1e-4)
    # profile intervals differ from the Wald ones (asymmetric around the estimate)
    wald = np.asarray(res.conf_int(cols=[j]))[0]
    assert abs((hi - b_hat) - (b_hat - lo)) > 1e-3
    assert not np.allclose([lo, hi], wald, atol=1e-2)


def test_profile_interval_arrays_weights_and_single_column():
    y, X = _small()
    w = np.random.default_rng(3).integers(1, 4, size=len(y)).astype(float)
    res = logreg.Logit(y, X, weights=w).fit(disp=0)
    ci = res.conf_int(method="profile")
    assert isinstance(ci, np.ndarray) and ci.shape == (3, 2)
    # frequency weights: the same as the duplicated rows
    rows = np.repeat(np.arange(len(y)), w.astype(int))
    dup = logreg.Logit(y[rows], X[rows]).fit(disp=0).conf_int(method="profile")
    np.testing.assert_allclose(ci, dup, atol=1e-6)
    one = logreg.Logit(y, X[:, :1]).fit(disp=0)
    lo, hi = one.conf_int(method="profile")[0]
    llf = lambda b: np.sum(y * np.log(expit(b)) + (1 - y) * np.log(expit(-b)))  # noqa: E731
    for end in (lo, hi):
        assert 2 * (one.llf - llf(end)) == pytest.approx(stats.chi2.ppf(0.95, 1), abs=1e-6)
    with pytest.raises(ValueError, match="method"):
        res.conf_int(method="exact")


def test_profile_interval_under_quasi_separation_is_infinite():
    # x < 0 -> y = 0 and x > 0 -> y = 1, mixed at x = 0: the slope's upper end does not exist
    x = np.array([-2.0, -1.5, -1.0, -0.5, 0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 1.5, 2.0])
    y = np.array([0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = logreg.Logit(y, logreg.add_constant(x)).fit(disp=0, maxiter=100)
    with pytest.warns(RuntimeWarning, match="infinite"):
        lo, hi = res.conf_int(method="profile")[1]
    assert np.isfinite(lo) and hi == np.inf


def test_mnlogit_profile_not_implemented():
    rng = np.random.default_rng(0)
    X = logreg.add_constant(rng.normal(size=(100, 1)))
    res = logreg.MNLogit(rng.integers(0, 3, 100), X).fit(disp=0)
    with pytest.raises(NotImplementedError, match="wald"):
        res.conf_int(method="profile")

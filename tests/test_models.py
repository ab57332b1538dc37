"""The statsmodels-style front-end: logreg.models (Logit, MNLogit, logit, add_constant)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import logreg.models as sm
from logreg.exceptions import SeparationWarning

smx = pytest.importorskip("statsmodels.api")

RTOL = 1e-6


@pytest.fixture
def tutorial():
    x = sm.add_constant(np.arange(10).reshape(-1, 1))
    y = np.array([0, 1, 0, 0, 1, 1, 1, 1, 1, 1])
    return x, y


# -- the tutorial's numbers -------------------------------------------------------
def test_tutorial_numbers(tutorial, capsys):
    x, y = tutorial
    assert_array_equal(x, np.column_stack([np.ones(10), np.arange(10.0)]))
    result = sm.Logit(y, x).fit(method="newton")
    out = capsys.readouterr().out
    assert re.fullmatch(
        r"Optimization terminated successfully\.\n {9}Current function value: 0\.350471\n {9}Iterations \d+\n", out
    )
    assert isinstance(result.params, np.ndarray)
    assert_allclose(result.params, [-1.972805, 0.82240094], rtol=1e-6)
    assert_allclose(result.bse, [1.737, 0.528], atol=5e-4)
    assert_allclose(result.bse, [1.7366, 0.5281], atol=5e-5)  # summary2's digits
    assert_allclose(result.tvalues, [-1.136, 1.557], atol=5e-4)
    assert_allclose(result.pvalues, [0.256, 0.119], atol=5e-4)
    assert_allclose(result.conf_int(), [[-5.377, 1.431], [-0.213, 1.858]], atol=5e-4)
    assert_allclose(result.conf_int(), [[-5.3765, 1.4309], [-0.2127, 1.8575]], atol=5e-5)
    assert result.llf == pytest.approx(-3.5047, abs=5e-5)
    assert result.llnull == pytest.approx(-6.1086, abs=5e-5)
    assert result.llr_pvalue == pytest.approx(0.02248, abs=5e-6)
    assert result.prsquared == pytest.approx(0.4263, abs=5e-5)
    assert result.aic == pytest.approx(11.0094, abs=5e-5)
    assert result.bic == pytest.approx(11.6146, abs=5e-5)
    assert result.df_model == 1 and result.df_resid == 8 and result.nobs == 10
    assert result.converged and result.mle_retvals["converged"]
    assert result.mle_retvals["iterations"] == int(out.split("Iterations ")[1])
    assert result.method == "MLE" and result.cov_type == "nonrobust" and result.use_t is False
    assert result.model.endog_names == "y" and result.model.exog_names == ["const", "x1"]
    assert_array_equal(result.pred_table(), [[2.0, 1.0], [1.0, 6.0]])
    assert_allclose(
        result.predict(x),
        [0.12208792, 0.24041529, 0.41872657, 0.62114189, 0.78864861,
         0.89465521, 0.95080891, 0.97777369, 0.99011108, 0.99563083],
        rtol=1e-7,
    )
    assert_array_equal((result.predict(x) >= 0.5).astype(int), [0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
    assert_allclose(result.predict(), result.predict(x))
    assert not result.separated


@pytest.mark.parametrize("method", ["lbfgs", "bfgs", "irls"])
def test_other_methods_agree(tutorial, method):
    x, y = tutorial
    ref = sm.Logit(y, x).fit(disp=False)
    res = sm.Logit(y, x).fit(method=method, disp=False)
    assert res.converged
    assert_allclose(res.params, ref.params, rtol=1e-5)
    assert_allclose(res.bse, ref.bse, rtol=1e-5)


def test_disp_false_prints_nothing(tutorial, capsys):
    sm.Logit(*tutorial[::-1]).fit(disp=False)
    assert capsys.readouterr().out == ""


def test_unknown_method(tutorial):
    with pytest.raises(ValueError, match="method"):
        sm.Logit(tutorial[1], tutorial[0]).fit(method="powell", disp=False)


# -- parity with statsmodels on its data sets -------------------------------------
def _compare_scalars(ours, theirs, names=("llf", "llnull", "llr", "llr_pvalue", "prsquared", "aic", "bic",
                                          "df_model", "df_resid", "nobs")):
    for name in names:
        assert getattr(ours, name) == pytest.approx(getattr(theirs, name), rel=RTOL), name


def test_spector_parity_pandas():
    data = smx.datasets.spector.load_pandas()
    X = sm.add_constant(data.exog)
    theirs = smx.Logit(data.endog, X).fit(disp=0)
    ours = sm.Logit(data.endog, X).fit(disp=False)
    for name in ("params", "bse", "tvalues", "pvalues"):
        mine = getattr(ours, name)
        assert isinstance(mine, pd.Series)
        pd.testing.assert_series_equal(mine, getattr(theirs, name), rtol=RTOL, check_names=False)
    pd.testing.assert_frame_equal(ours.conf_int(), theirs.conf_int(), rtol=RTOL)
    pd.testing.assert_frame_equal(ours.conf_int(0.1), theirs.conf_int(0.1), rtol=RTOL)
    pd.testing.assert_frame_equal(ours.cov_params(), theirs.cov_params(), rtol=1e-5)
    _compare_scalars(ours, theirs)
    assert ours.model.endog_names == "GRADE"
    assert ours.model.exog_names == ["const", "GPA", "TUCE", "PSI"]
    assert_array_equal(ours.pred_table(), theirs.pred_table())
    pd.testing.assert_series_equal(ours.fittedvalues, theirs.fittedvalues, rtol=RTOL, check_names=False)
    pd.testing.assert_series_equal(ours.resid_pearson, theirs.resid_pearson, rtol=1e-5, check_names=False)
    pd.testing.assert_series_equal(ours.resid_dev, theirs.resid_dev, rtol=1e-5, check_names=False)
    pd.testing.assert_series_equal(ours.predict(X), theirs.predict(X), rtol=RTOL, check_names=False)
    assert ours.deviance == pytest.approx(-2 * theirs.llf, rel=RTOL)


def test_spector_parity_arrays():
    data = smx.datasets.spector.load()
    X = smx.add_constant(np.asarray(data.exog))
    y = np.asarray(data.endog)
    theirs = smx.Logit(y, X).fit(disp=0)
    ours = sm.Logit(y, X).fit(disp=False)
    assert ours.model.exog_names == theirs.model.exog_names == ["const", "x1", "x2", "x3"]
    for name in ("params", "bse", "pvalues", "tvalues"):
        assert isinstance(getattr(ours, name), np.ndarray)
        assert_allclose(getattr(ours, name), getattr(theirs, name), rtol=RTOL)
    assert_allclose(ours.conf_int(), theirs.conf_int(), rtol=RTOL)
    assert_allclose(ours.cov_params(), theirs.cov_params(), rtol=1e-5)
    _compare_scalars(ours, theirs)


def test_llnull_without_constant_matches_statsmodels():
    data = smx.datasets.spector.load()
    X = np.asarray(data.exog)
    y = np.asarray(data.endog)
    theirs = smx.Logit(y, X).fit(disp=0)
    ours = sm.Logit(y, X).fit(disp=False)
    assert ours.k_constant == 0
    _compare_scalars(ours, theirs, ("llf", "llnull", "aic", "bic", "df_model"))
    assert_allclose(ours.params, theirs.params, rtol=RTOL)


@pytest.fixture(scope="module")
def anes():
    data = smx.datasets.anes96.load_pandas()
    X = sm.add_constant(data.exog[["logpopul", "selfLR", "age", "educ", "income"]])
    return data.endog, X


def test_mnlogit_parity_anes96(anes):
    y, X = anes
    theirs = smx.MNLogit(y, X).fit(disp=0)
    ours = sm.MNLogit(y, X).fit(disp=False)
    assert ours.converged
    for name in ("params", "bse", "pvalues", "tvalues"):
        mine = getattr(ours, name)
        assert isinstance(mine, pd.DataFrame) and mine.shape == (6, 6)
        pd.testing.assert_frame_equal(mine, getattr(theirs, name), rtol=RTOL, check_column_type=False)
    pd.testing.assert_frame_equal(ours.conf_int(), theirs.conf_int(), rtol=RTOL)
    pd.testing.assert_frame_equal(ours.cov_params(), theirs.cov_params(), rtol=1e-5)
    _compare_scalars(ours, theirs)
    assert_array_equal(ours.pred_table(), theirs.pred_table())
    assert_allclose(ours.predict(), theirs.predict(), rtol=1e-6, atol=1e-12)
    assert ours.model.J == 7 and ours.model.endog_names == "PID"


def test_mnlogit_arrays_shapes(anes):
    y, X = anes
    y, X = np.asarray(y), np.asarray(X)
    theirs = smx.MNLogit(y, X).fit(disp=0)
    ours = sm.MNLogit(y, X).fit(disp=False)
    assert ours.params.shape == (6, 6) and isinstance(ours.params, np.ndarray)
    assert_allclose(ours.params, theirs.params, rtol=RTOL)
    assert_allclose(ours.bse, theirs.bse, rtol=RTOL)
    assert ours.conf_int().shape == theirs.conf_int().shape == (6, 6, 2)
    assert_allclose(ours.conf_int(), theirs.conf_int(), rtol=RTOL)
    assert ours.predict().shape == (len(y), 7)


def test_mnlogit_string_labels_first_is_reference():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 2))
    eta = np.column_stack([np.zeros(300), 0.5 + x @ [1.0, -1.0], -0.5 + x @ [-1.0, 0.5]])
    codes = (eta + rng.gumbel(size=eta.shape)).argmax(axis=1)
    labels = np.array(["apple", "banana", "cherry"])[codes]
    X = sm.add_constant(x)
    ours = sm.MNLogit(labels, X).fit(disp=False)
    theirs = smx.MNLogit(codes, X).fit(disp=0)
    assert_allclose(ours.params, theirs.params, rtol=RTOL)
    assert_allclose(ours.bse, theirs.bse, rtol=RTOL)
    assert list(ours.model.classes) == ["apple", "banana", "cherry"]


# -- weights ------------------------------------------------------------------------
def test_frequency_weights_equal_duplicated_rows():
    data = smx.datasets.spector.load()
    X = sm.add_constant(np.asarray(data.exog))
    y = np.asarray(data.endog)
    w = np.ones(len(y))
    w[::3] = 2.0
    dup = np.repeat(np.arange(len(y)), w.astype(int))
    weighted = sm.Logit(y, X, weights=w).fit(disp=False)
    duplicated = sm.Logit(y[dup], X[dup]).fit(disp=False)
    for name in ("params", "bse", "pvalues"):
        assert_allclose(getattr(weighted, name), getattr(duplicated, name), rtol=1e-7)
    _compare_scalars(weighted, duplicated)
    assert_allclose(weighted.pred_table(), duplicated.pred_table())
    assert weighted.nobs == w.sum()


def test_mnlogit_frequency_weights(anes):
    y, X = anes
    y, X = np.asarray(y)[:300], np.asarray(X)[:300]
    w = np.where(np.arange(300) % 4 == 0, 2.0, 1.0)
    dup = np.repeat(np.arange(300), w.astype(int))
    weighted = sm.MNLogit(y, X, weights=w).fit(disp=False)
    duplicated = sm.MNLogit(y[dup], X[dup]).fit(disp=False)
    assert_allclose(weighted.params, duplicated.params, rtol=1e-6)
    assert_allclose(weighted.bse, duplicated.bse, rtol=1e-6)
    _compare_scalars(weighted, duplicated, ("llf", "llnull", "aic", "bic", "df_resid"))


# -- formula ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def admissions():
    rng = np.random.default_rng(0)
    n = 200
    df = pd.DataFrame({
        "gre": rng.normal(600, 100, n), "gpa": rng.normal(3.3, 0.4, n),
        "rank": rng.integers(1, 5, n), "cat": rng.choice(list("abc"), n),
    })
    eta = -3 + 0.004 * df.gre + 0.3 * df.gpa - 0.5 * (df["rank"] - 1)
    df["admit"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    return df


@pytest.mark.parametrize("formula", [
    "admit ~ gre + gpa + C(rank)",
    "admit ~ C(cat):gpa + gre*gpa + np.log(gre) + C(rank)",
    "admit ~ gpa + gre:gpa + gre + C(cat)*gpa",
])
def test_formula_names_and_numbers_match_statsmodels(admissions, formula):
    smf = pytest.importorskip("statsmodels.formula.api")
    theirs = smf.logit(formula, admissions).fit(disp=0)
    ours = sm.logit(formula, admissions).fit(disp=False)
    assert ours.model.exog_names == theirs.model.exog_names
    assert ours.model.endog_names == "admit"
    pd.testing.assert_series_equal(ours.params, theirs.params, rtol=1e-6)
    pd.testing.assert_series_equal(ours.bse, theirs.bse, rtol=1e-6)
    new = admissions.head(5)
    pd.testing.assert_series_equal(ours.predict(new), theirs.predict(new), rtol=1e-6, check_names=False)


def test_mnlogit_formula(admissions):
    res = sm.mnlogit("cat ~ gre + C(rank)", admissions).fit(disp=False)
    assert list(res.params.index) == ["Intercept", "C(rank)[T.2]", "C(rank)[T.3]", "C(rank)[T.4]", "gre"]
    assert res.conf_int().index[0] == ("b", "Intercept")


# -- add_constant ---------------------------------------------------------------------
def test_add_constant():
    x = np.arange(6.0).reshape(3, 2)
    assert_array_equal(sm.add_constant(x)[:, 0], 1.0)
    assert_array_equal(sm.add_constant(x, prepend=False)[:, -1], 1.0)
    with_const = sm.add_constant(x)
    assert sm.add_constant(with_const) is not None and sm.add_constant(with_const).shape == (3, 3)
    assert sm.add_constant(with_const, has_constant="add").shape == (3, 4)
    with pytest.raises(ValueError, match="constant"):
        sm.add_constant(with_const, has_constant="raise")
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    out = sm.add_constant(df)
    assert list(out.columns) == ["const", "a"] and list(df.columns) == ["a"]
    assert list(sm.add_constant(df, prepend=False).columns) == ["a", "const"]
    assert sm.add_constant(out) is out
    assert_array_equal(sm.add_constant(np.arange(3)), [[1, 0], [1, 1], [1, 2]])
    assert_array_equal(sm.add_constant(np.ones((3, 1))), np.ones((3, 1)))
    with pytest.raises(ValueError, match="has_constant"):
        sm.add_constant(x, has_constant="maybe")


# -- bad input and diagnostics ---------------------------------------------------------
def test_endog_must_be_binary(tutorial):
    x, _ = tutorial
    with pytest.raises(ValueError, match="0/1"):
        sm.Logit(np.arange(10), x)
    with pytest.raises(ValueError, match="observations"):
        sm.Logit(np.zeros(9), x)
    with pytest.raises(ValueError, match="NaN"):
        sm.Logit(np.zeros(10), np.full((10, 2), np.nan))
    res = sm.Logit(np.array([False, True] * 5), x).fit(disp=False)
    assert res.converged


def test_separation_warns():
    x = sm.add_constant(np.arange(10.0))
    y = (np.arange(10) >= 5).astype(float)
    with pytest.warns(SeparationWarning):
        res = sm.Logit(y, x).fit(disp=False, maxiter=100)
    assert res.separated


def test_singular_information_gives_nan_bse():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(100, 2))
    X = sm.add_constant(np.column_stack([x, x[:, 0] + x[:, 1]]))
    y = (rng.random(100) < 0.5).astype(float)
    with pytest.warns(sm.SingularInformationWarning):
        res = sm.Logit(y, X).fit(disp=False)
    assert np.isfinite(res.bse[0])
    assert np.isnan(res.bse[1:]).all()
    assert np.isfinite(res.llf)


def test_non_convergence_warns():
    from sklearn.exceptions import ConvergenceWarning

    data = smx.datasets.spector.load()
    X = sm.add_constant(np.asarray(data.exog))
    with pytest.warns(ConvergenceWarning):
        res = sm.Logit(np.asarray(data.endog), X).fit(maxiter=1, disp=False)
    assert not res.converged and not res.mle_retvals["converged"]


def test_odds_ratios():
    data = smx.datasets.spector.load_pandas()
    res = sm.Logit(data.endog, sm.add_constant(data.exog)).fit(disp=False)
    table = res.odds_ratios()
    assert list(table.index) == ["const", "GPA", "TUCE", "PSI"]
    assert_allclose(table["OR"], np.exp(res.params))
    assert_allclose(table[["2.5%", "97.5%"]], np.exp(res.conf_int()))


def test_results_are_cached(tutorial):
    res = sm.Logit(tutorial[1], tutorial[0]).fit(disp=False)
    assert res.bse is res.bse and res.llnull == res.llnull


# -- robust covariances and summaries (other modules, written concurrently) ----------------
def test_hc0_matches_statsmodels():
    pytest.importorskip("logreg.inference.covariance")
    data = smx.datasets.spector.load()
    X = sm.add_constant(np.asarray(data.exog))
    y = np.asarray(data.endog)
    theirs = smx.Logit(y, X).fit(disp=0, cov_type="HC0")
    ours = sm.Logit(y, X).fit(disp=False, cov_type="HC0")
    assert ours.cov_type == "HC0"
    assert_allclose(ours.bse, theirs.bse, rtol=1e-6)
    hc1 = sm.Logit(y, X).fit(disp=False, cov_type="HC1")
    n, k = len(y), X.shape[1]
    assert_allclose(hc1.bse, ours.bse * np.sqrt(n / (n - k)), rtol=1e-6)


def test_cluster_covariance_runs():
    pytest.importorskip("logreg.inference.covariance")
    data = smx.datasets.spector.load()
    X = sm.add_constant(np.asarray(data.exog))
    groups = np.arange(len(X)) % 8
    res = sm.Logit(np.asarray(data.endog), X).fit(disp=False, cov_type="cluster", cov_kwds={"groups": groups})
    assert res.bse.shape == (4,) and np.isfinite(res.bse).all()
    with pytest.raises(ValueError, match="groups"):
        sm.Logit(np.asarray(data.endog), X).fit(disp=False, cov_type="cluster")


def test_summary_delegates(tutorial):
    pytest.importorskip("logreg.inference.summary")
    res = sm.Logit(tutorial[1], tutorial[0]).fit(disp=False)
    text = str(res.summary())
    assert "const" in text and "x1" in text
    assert "x1" in str(res.summary2())


@pytest.mark.parametrize("cov_type", ["HC0", "HC1", "HC2", "HC3", "cluster"])
def test_robust_covariances_treat_frequency_weights_as_repeated_rows(cov_type):
    rng = np.random.default_rng(7)
    n = 120
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 2))])
    y = (X @ [0.2, 1.0, -0.5] + rng.logistic(size=n) > 0).astype(float)
    groups = np.repeat(np.arange(30), 4)
    w = np.ones(n)
    w[:20] = 2.0
    repeat = np.r_[np.arange(n), np.arange(20)]
    kw_w = {"groups": groups} if cov_type == "cluster" else None
    kw_r = {"groups": groups[repeat]} if cov_type == "cluster" else None
    weighted = sm.Logit(y, X, weights=w).fit(disp=False, cov_type=cov_type, cov_kwds=kw_w)
    repeated = sm.Logit(y[repeat], X[repeat]).fit(disp=False, cov_type=cov_type, cov_kwds=kw_r)
    np.testing.assert_allclose(weighted.params, repeated.params, rtol=1e-9)
    np.testing.assert_allclose(weighted.bse, repeated.bse, rtol=1e-7)


def test_rank_matches_numpy_on_collinear_and_ill_scaled_designs():
    from logreg.models import _rank

    rng = np.random.default_rng(5)
    X = rng.normal(size=(300, 5))
    assert _rank(X) == 5
    X[:, 4] = X[:, 0] - 2 * X[:, 1]  # exact linear dependence
    assert _rank(X) == np.linalg.matrix_rank(X) == 4
    Y = rng.normal(size=(300, 4)) * [1e-6, 1.0, 1e6, 1.0]  # units differ, still full rank
    assert _rank(Y) == 4
    Z = np.column_stack([Y, Y[:, 1] + 1e-3 * rng.normal(size=300)])  # nearly, not exactly, collinear
    assert _rank(Z) == 5

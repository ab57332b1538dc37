"""Logit/MNLogit.fit_regularized(method="l1"): statsmodels' objective, trimming and inference.

The references are statsmodels' own L1 fits (scipy's slsqp, run to acc=1e-12)
and optimality conditions computed here with plain NumPy from the textbook
score, so nothing below trusts logreg's loss or gradient.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, softmax

import logreg
import logreg.models as lm

sm = pytest.importorskip("statsmodels.api")


def _sm_l1(model, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit_regularized(method="l1", disp=0, acc=1e-12, maxiter=2000, **kwargs)


@pytest.fixture(scope="module")
def spector():
    data = sm.datasets.spector.load_pandas()
    return sm.add_constant(data.exog), data.endog


@pytest.fixture(scope="module")
def anes():
    data = sm.datasets.anes96.load_pandas().data
    X = sm.add_constant(data[["logpopul", "TVnews", "age", "educ", "income"]])
    return X, data["PID"]


# --------------------------------------------------------------- independent KKT
def _logit_score(X, y, params, w=None):
    X, y, b = np.asarray(X, float), np.asarray(y, float), np.asarray(params, float)
    w = np.ones(len(y)) if w is None else np.asarray(w, float)
    return X.T @ (w * (y - expit(X @ b)))


def _mnlogit_score(X, y, params):
    """d loglike / d params for reference-coded params (k, J-1), flat in statsmodels' order."""
    X = np.asarray(X, float)
    B = np.asarray(params, float)
    codes = np.unique(np.asarray(y), return_inverse=True)[1]
    P = softmax(np.column_stack([np.zeros(len(X)), X @ B]), axis=1)
    Y = np.eye(B.shape[1] + 1)[codes]
    return (X.T @ (Y - P)[:, 1:]).ravel(order="F")


def _assert_kkt(params, score, alpha, atol):
    params, score, alpha = (np.ravel(np.asarray(a, float), order="F") for a in (params, score, alpha))
    nz = params != 0
    # d/db [-loglike + alpha |b|] = -score + alpha sign(b) = 0 off zero; |score| <= alpha at zero.
    assert_allclose(score[nz], alpha[nz] * np.sign(params[nz]), atol=atol, rtol=0)
    assert np.all(np.abs(score[~nz]) <= alpha[~nz] + atol)


# --------------------------------------------------------------- Logit parity
@pytest.mark.parametrize("alpha", [0.5, 2.0, 5.0])
def test_logit_matches_statsmodels(spector, alpha):
    X, y = spector
    theirs = _sm_l1(sm.Logit(y, X), alpha=alpha)
    ours = lm.Logit(y, X).fit_regularized(alpha=alpha, disp=False)
    assert isinstance(ours.params, pd.Series) and list(ours.params.index) == list(X.columns)
    assert_allclose(ours.params, theirs.params, atol=1e-5)
    assert_array_equal(ours.trimmed, theirs.trimmed)
    assert_array_equal(ours.params[ours.trimmed], 0.0)
    assert ours.nnz_params == theirs.nnz_params
    assert ours.df_model == theirs.df_model and ours.df_resid == theirs.df_resid
    for attr in ("llf", "llnull", "aic", "bic", "prsquared"):
        assert getattr(ours, attr) == pytest.approx(getattr(theirs, attr), abs=1e-5), attr
    keep = ~ours.trimmed
    assert np.isnan(ours.bse[~keep]).all() and np.isnan(ours.pvalues[~keep]).all()
    assert np.isnan(np.asarray(ours.conf_int())[~keep]).all()
    assert_allclose(ours.bse[keep], theirs.bse[keep], rtol=1e-4)
    assert_allclose(ours.tvalues[keep], theirs.tvalues[keep], rtol=1e-4, atol=1e-6)
    assert_allclose(ours.pvalues[keep], theirs.pvalues[keep], rtol=1e-4, atol=1e-6)
    assert_allclose(np.asarray(ours.conf_int())[keep], np.asarray(theirs.conf_int())[keep], atol=1e-4)
    cov = np.asarray(ours.cov_params())
    assert np.isnan(cov[~keep]).all() and np.isnan(cov[:, ~keep]).all()
    assert_allclose(cov[np.ix_(keep, keep)], np.asarray(theirs.cov_params())[np.ix_(keep, keep)], rtol=1e-4)
    assert ours.mle_retvals["converged"]
    _assert_kkt(ours.params, _logit_score(X, y, ours.params), np.full(4, alpha), atol=1e-6)


def test_logit_summary_states_the_penalty(spector):
    X, y = spector
    ours = lm.Logit(y, X).fit_regularized(alpha=2.0, disp=False)
    text = str(ours.summary())
    assert "L1-penalized" in text and "alpha = 2" in text
    assert "ignore that the penalty selected" in text
    assert re.search(r"Df Model:\s+1\b", text)
    assert re.search(r"\nconst\s+0\s+nan\s+nan", text)
    assert "L1-penalized" in str(ours.summary2())


def test_logit_per_parameter_alpha_leaves_constant_unpenalized(spector):
    X, y = spector
    alpha = np.array([0.0, 3.0, 3.0, 3.0])
    theirs = _sm_l1(sm.Logit(y, X), alpha=alpha)
    ours = lm.Logit(y, X).fit_regularized(alpha=alpha, disp=False)
    assert_allclose(ours.params, theirs.params, atol=1e-5)
    assert_array_equal(ours.trimmed, theirs.trimmed)
    assert ours.params["const"] != 0 and not ours.trimmed[0]
    assert ours.llf == pytest.approx(theirs.llf, abs=1e-5)
    _assert_kkt(ours.params, _logit_score(X, y, ours.params), alpha, atol=1e-6)
    assert_allclose(np.asarray(ours.alpha), alpha)


def test_logit_huge_alpha_keeps_only_the_constant(spector):
    X, y = spector
    ours = lm.Logit(y, X).fit_regularized(alpha=[0, 1e6, 1e6, 1e6], disp=False)
    assert_array_equal(ours.params.iloc[1:], 0.0)
    assert ours.params["const"] == pytest.approx(np.log(y.mean() / (1 - y.mean())), abs=1e-7)
    assert ours.nnz_params == 1 and ours.df_model == 0
    assert ours.trimmed.tolist() == [False, True, True, True]
    assert ours.llf == pytest.approx(ours.llnull, abs=1e-8)
    # with a scalar alpha the constant is penalized too (statsmodels' rule)
    everything = lm.Logit(y, X).fit_regularized(alpha=1e6, disp=False)
    assert_array_equal(everything.params, 0.0) and everything.trimmed.all()
    assert np.isnan(everything.bse).all() and everything.nnz_params == 0


def test_alpha_zero_is_the_ordinary_fit(spector, anes):
    X, y = spector
    ml = lm.Logit(y, X).fit(disp=False)
    l1 = lm.Logit(y, X).fit_regularized(alpha=0, disp=False)
    assert not l1.trimmed.any() and l1.nnz_params == 4 and l1.df_model == ml.df_model
    assert_allclose(l1.params, ml.params, rtol=1e-6)
    assert_allclose(l1.bse, ml.bse, rtol=1e-6)
    assert l1.llf == pytest.approx(ml.llf, abs=1e-9) and l1.aic == pytest.approx(ml.aic, abs=1e-8)
    Xm, ym = anes
    ml = lm.MNLogit(ym, Xm).fit(disp=False)
    l1 = lm.MNLogit(ym, Xm).fit_regularized(alpha=0, disp=False)
    assert_allclose(l1.params, ml.params, rtol=1e-5, atol=1e-8)
    assert_allclose(l1.bse, ml.bse, rtol=1e-5)
    assert l1.llf == pytest.approx(ml.llf, abs=1e-8) and l1.df_model == ml.df_model


# --------------------------------------------------------------- MNLogit parity
@pytest.fixture(scope="module")
def anes_alpha_matrix(anes):
    X, y = anes
    J1 = y.nunique() - 1
    alpha = np.full((X.shape[1], J1), 15.0)
    alpha[0] = 0.0  # constants unpenalized
    alpha[:, 2] = 40.0  # one equation penalized harder
    return alpha


@pytest.mark.parametrize("kind", ["scalar", "matrix"])
def test_mnlogit_matches_statsmodels(anes, anes_alpha_matrix, kind):
    X, y = anes
    alpha = 10.0 if kind == "scalar" else anes_alpha_matrix
    theirs = _sm_l1(sm.MNLogit(y, X), alpha=alpha)
    ours = lm.MNLogit(y, X).fit_regularized(alpha=alpha, disp=False)
    assert ours.params.shape == theirs.params.shape == (6, 6)
    assert_allclose(ours.params, theirs.params, atol=1e-5)
    trimmed = np.asarray(theirs.trimmed)
    assert_array_equal(ours.trimmed, trimmed)
    assert 0 < trimmed.sum() < trimmed.size
    assert_array_equal(np.asarray(ours.params).ravel(order="F")[trimmed], 0.0)
    assert ours.nnz_params == theirs.nnz_params
    assert ours.df_model == theirs.df_model and ours.df_resid == theirs.df_resid
    for attr in ("llf", "llnull", "aic", "bic"):
        assert getattr(ours, attr) == pytest.approx(getattr(theirs, attr), abs=1e-4), attr
    bse_o = np.asarray(ours.bse).ravel(order="F")
    bse_t = np.asarray(theirs.bse).ravel(order="F")
    assert np.isnan(bse_o[trimmed]).all() and np.isfinite(bse_o[~trimmed]).all()
    assert_allclose(bse_o[~trimmed], bse_t[~trimmed], rtol=1e-4)
    p_o = np.asarray(ours.pvalues).ravel(order="F")
    # params agree to 1e-5 (slsqp's accuracy), so z to ~3e-4 on std errors ~0.03
    assert_allclose(p_o[~trimmed], np.asarray(theirs.pvalues).ravel(order="F")[~trimmed], atol=3e-4)
    ci = np.asarray(ours.conf_int())
    assert np.isnan(ci[trimmed]).all()
    # (statsmodels' own conf_int() of L1 MNLogit results fails on pandas input: its 3-D array)
    q = 1.959963984540054
    p_t = np.asarray(theirs.params).ravel(order="F")
    assert_allclose(ci[~trimmed], np.column_stack([p_t - q * bse_t, p_t + q * bse_t])[~trimmed], atol=1e-4)
    alpha_full = np.broadcast_to(alpha, ours.params.shape)
    _assert_kkt(ours.params, _mnlogit_score(X, y, ours.params), alpha_full, atol=1e-5)
    assert "L1-penalized" in str(ours.summary())


def test_mnlogit_flat_alpha_is_statsmodels_order(anes, anes_alpha_matrix):
    X, y = anes
    model = lm.MNLogit(y, X)
    a = model.fit_regularized(alpha=anes_alpha_matrix, disp=False)
    b = model.fit_regularized(alpha=anes_alpha_matrix.ravel(order="F"), disp=False)
    assert_allclose(a.params, b.params, rtol=0, atol=0)


def test_mnlogit_huge_alpha_keeps_only_the_constants(anes):
    X, y = anes
    alpha = np.full((X.shape[1], y.nunique() - 1), 1e7)
    alpha[0] = 0.0
    ours = lm.MNLogit(y, X).fit_regularized(alpha=alpha, disp=False)
    params = np.asarray(ours.params)
    assert_array_equal(params[1:], 0.0)
    freq = y.value_counts(normalize=True).sort_index().to_numpy()
    assert_allclose(params[0], np.log(freq[1:] / freq[0]), atol=1e-6)
    assert ours.nnz_params == y.nunique() - 1 and ours.df_model == 0
    assert ours.llf == pytest.approx(ours.llnull, abs=1e-6)


# --------------------------------------------------------------- options
def test_trim_modes_match_statsmodels(spector):
    X, y = spector
    for mode in ("off", "size"):
        theirs = _sm_l1(sm.Logit(y, X), alpha=2.0, trim_mode=mode)
        ours = lm.Logit(y, X).fit_regularized(alpha=2.0, disp=False, trim_mode=mode)
        assert_array_equal(ours.trimmed, theirs.trimmed)
        assert ours.nnz_params == theirs.nnz_params and ours.df_model == theirs.df_model
        assert_allclose(ours.params, theirs.params, atol=1e-5)
        assert ours.aic == pytest.approx(theirs.aic, abs=1e-5)
    # "off": the exact zeros stay, every parameter gets a standard error
    assert mode == "size"
    off = lm.Logit(y, X).fit_regularized(alpha=2.0, disp=False, trim_mode="off")
    assert not off.trimmed.any() and off.nnz_params == 4 and np.isfinite(off.bse).all()
    assert (off.params == 0).sum() == 2
    theirs = _sm_l1(sm.Logit(y, X), alpha=2.0, trim_mode="off")
    assert_allclose(off.bse, theirs.bse, rtol=1e-4)


def test_refit_is_the_unpenalized_fit_on_the_support(spector):
    X, y = spector
    ours = lm.Logit(y, X).fit_regularized(alpha=2.0, disp=False, refit=True)
    support = ~ours.trimmed
    sub = sm.Logit(y, X.loc[:, support]).fit(disp=0)
    assert_allclose(ours.params[support], sub.params, rtol=1e-6)
    assert_array_equal(ours.params[~support], 0.0)
    assert_allclose(ours.bse[support], sub.bse, rtol=1e-6)
    assert ours.llf == pytest.approx(sub.llf, abs=1e-9)
    assert ours.nnz_params == support.sum() and "after the refit" in str(ours.summary())


def test_frequency_weights_equal_repeated_rows(spector):
    X, y = spector
    w = np.tile([1.0, 2.0, 3.0, 1.0], len(y) // 4)
    rows = np.repeat(np.arange(len(y)), w.astype(int))
    weighted = lm.Logit(y, X, weights=w).fit_regularized(alpha=3.0, disp=False)
    repeated = lm.Logit(y.iloc[rows], X.iloc[rows]).fit_regularized(alpha=3.0, disp=False)
    assert_allclose(weighted.params, repeated.params, atol=1e-7)
    assert_array_equal(weighted.trimmed, repeated.trimmed)
    assert_allclose(weighted.bse, repeated.bse, rtol=1e-5)
    assert weighted.llf == pytest.approx(repeated.llf, abs=1e-7)
    _assert_kkt(weighted.params, _logit_score(X, y, weighted.params, w), np.full(4, 3.0), atol=1e-6)


def test_formula_front_end(spector):
    X, y = spector
    data = pd.concat([X.drop(columns="const"), y], axis=1)
    model = logreg.logit("GRADE ~ GPA + TUCE + PSI", data)
    assert isinstance(model, lm.Logit)
    alpha = [0.0, 1.0, 1.0, 1.0]
    via_formula = model.fit_regularized(alpha=alpha, disp=False)
    direct = lm.Logit(y, X).fit_regularized(alpha=alpha, disp=False)
    assert list(via_formula.params.index) == ["Intercept", "GPA", "TUCE", "PSI"]
    assert_allclose(via_formula.params.to_numpy(), direct.params.to_numpy(), rtol=1e-10)
    assert_allclose(via_formula.predict(data.iloc[:3]), direct.predict(X.iloc[:3]), rtol=1e-10)


def test_disp_prints_and_method_alias(spector, capsys):
    X, y = spector
    a = lm.Logit(y, X).fit_regularized(alpha=2.0)
    out = capsys.readouterr().out
    assert "Optimization terminated successfully." in out and "Iterations" in out
    b = lm.Logit(y, X).fit_regularized(method="l1_cvxopt_cp", alpha=2.0, disp=False, acc=1e-10)
    assert capsys.readouterr().out == ""
    assert_allclose(a.params, b.params, rtol=0, atol=0)


def test_unconverged_fit_fails_the_quality_check(spector):
    X, y = spector
    with pytest.warns(Warning) as record:
        res = lm.Logit(y, X).fit_regularized(alpha=0.5, maxiter=0, disp=False)
    messages = " ".join(str(r.message) for r in record)
    assert "QC check did not pass" in messages and "Could not trim" in messages
    assert not res.trimmed.any() and not res.mle_retvals["converged"]


@pytest.mark.parametrize(
    "kwargs, pattern",
    [
        ({"alpha": -1.0}, "alpha must be non-negative"),
        ({"alpha": [0.0, 1.0, -2.0, 1.0]}, "alpha must be non-negative"),
        ({"alpha": [1.0, 1.0]}, r"alpha has shape \(2,\).*4 values"),
        ({"alpha": np.nan}, "alpha must be finite"),
        ({"alpha": "big"}, "alpha must be a number"),
        ({"method": "l2"}, "method must be 'l1'.*l1_cvxopt_cp"),
        ({"trim_mode": "sometimes"}, "trim_mode must be one of"),
        ({"maxiter": -1}, "maxiter must be"),
        ({"tol": 0.0}, "tol must be a positive"),
        ({"qc_tol": -1.0}, "qc_tol must be"),
        ({"start_params": [0.0, 1.0]}, "start_params has shape"),
        ({"callback": print}, "callback is not supported"),
    ],
)
def test_bad_input_names_the_parameter(spector, kwargs, pattern):
    X, y = spector
    with pytest.raises(ValueError, match=pattern):
        lm.Logit(y, X).fit_regularized(disp=False, **{"alpha": 1.0, **kwargs})


def test_bad_input_mnlogit_and_unknown_keyword(anes, spector):
    X, y = anes
    with pytest.raises(ValueError, match=r"alpha has shape \(6, 5\).*\(6, 6\) like params, or 36 values"):
        lm.MNLogit(y, X).fit_regularized(alpha=np.ones((6, 5)), disp=False)
    X, y = spector
    with pytest.raises(TypeError, match="unsupported fit_regularized arguments"):
        lm.Logit(y, X).fit_regularized(alpha=1.0, disp=False, bogus=1)


# --------------------------------------------------------------- the rest of the results
def _objective(llf, params, alpha):
    return -llf + float(np.sum(np.ravel(alpha, order="F") * np.abs(np.ravel(np.asarray(params), order="F"))))


def test_objective_no_worse_than_statsmodels(spector, anes):
    X, y = spector
    theirs = _sm_l1(sm.Logit(y, X), alpha=0.5)
    ours = lm.Logit(y, X).fit_regularized(alpha=0.5, disp=False)
    assert _objective(ours.llf, ours.params, 0.5) <= _objective(theirs.llf, theirs.params, 0.5) + 1e-9
    Xm, ym = anes
    theirs = _sm_l1(sm.MNLogit(ym, Xm), alpha=10.0)
    ours = lm.MNLogit(ym, Xm).fit_regularized(alpha=10.0, disp=False)
    assert _objective(ours.llf, ours.params, 10.0) <= _objective(theirs.llf, theirs.params, 10.0) + 1e-9


def test_wald_and_t_tests_on_untrimmed_parameters(spector):
    X, y = spector
    theirs = _sm_l1(sm.Logit(y, X), alpha=2.0)
    ours = lm.Logit(y, X).fit_regularized(alpha=2.0, disp=False)
    assert ours.trimmed.tolist() == [True, True, False, False]
    wald_o, wald_t = ours.wald_test("TUCE = 0, PSI = 0"), theirs.wald_test("TUCE = 0, PSI = 0", scalar=True)
    assert wald_o.statistic == pytest.approx(float(wald_t.statistic), rel=1e-4)
    t_o, t_t = ours.t_test("TUCE = 0"), theirs.t_test("TUCE = 0")
    assert_allclose(t_o.sd, np.ravel(t_t.sd), rtol=1e-4)
    with pytest.raises(ValueError, match="not available"):
        ours.wald_test("GPA = 0")


def test_numpy_input_layouts(spector, anes):
    X, y = spector
    ours = lm.Logit(y.to_numpy(), X.to_numpy()).fit_regularized(alpha=2.0, disp=False)
    framed = lm.Logit(y, X).fit_regularized(alpha=2.0, disp=False)
    assert isinstance(ours.params, np.ndarray) and ours.params.shape == (4,)
    assert_allclose(ours.params, framed.params, rtol=0, atol=0)
    assert ours.conf_int().shape == (4, 2) and np.isnan(ours.conf_int()[ours.trimmed]).all()
    Xm, ym = anes
    res = lm.MNLogit(ym.to_numpy(), Xm.to_numpy()).fit_regularized(alpha=10.0, disp=False)
    assert res.params.shape == (6, 6) and res.conf_int().shape == (6, 6, 2)
    mask = res.trimmed.reshape(6, 6, order="F")  # (k, J-1) like params
    assert_array_equal(res.params[mask], 0.0) and np.isnan(res.bse[mask]).all()
    assert np.isnan(res.conf_int()[mask.T]).all() and np.isfinite(res.conf_int()[~mask.T]).all()


def test_mnlogit_refit_solves_the_score_equations_on_the_support(anes):
    X, y = anes
    res = lm.MNLogit(y, X).fit_regularized(alpha=10.0, disp=False, refit=True)
    score = _mnlogit_score(X, y, res.params)
    keep = ~res.trimmed
    assert 0 < res.trimmed.sum() and res.nnz_params == keep.sum()
    assert_allclose(score[keep], 0.0, atol=1e-5)
    assert_array_equal(np.asarray(res.params).ravel(order="F")[~keep], 0.0)
    assert np.isfinite(np.asarray(res.bse).ravel(order="F")[keep]).all()


def test_separated_data_warn_that_the_penalized_estimates_are_finite():
    x = np.arange(20.0)
    y = (x > 9.5).astype(float)
    X = lm.add_constant(x)
    with pytest.warns(lm.SeparationWarning, match="L1-penalized estimates are finite"):
        res = lm.Logit(y, X).fit_regularized(alpha=0.01, disp=False)
    assert np.all(np.isfinite(res.params))
    _assert_kkt(res.params, _logit_score(X, y, res.params), np.full(2, 0.01), atol=1e-6)  # tol * n = 2e-7


def test_start_params_do_not_change_the_solution(spector, anes):
    X, y = spector
    base = lm.Logit(y, X).fit_regularized(alpha=2.0, disp=False)
    moved = lm.Logit(y, X).fit_regularized(alpha=2.0, disp=False, start_params=[1.0, -1.0, 0.5, 2.0])
    assert_allclose(moved.params, base.params, atol=1e-7)
    Xm, ym = anes
    base = lm.MNLogit(ym, Xm).fit_regularized(alpha=10.0, disp=False)
    start = np.full((6, 6), 0.01)
    moved = lm.MNLogit(ym, Xm).fit_regularized(alpha=10.0, disp=False, start_params=start)
    assert_allclose(moved.params, base.params, atol=1e-6)
    assert_array_equal(moved.trimmed, base.trimmed)

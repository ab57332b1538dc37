"""Marginal effects (logreg.inference.margins) against statsmodels' get_margeff and by hand."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

sm = pytest.importorskip("statsmodels.api")

from logreg.inference.margins import MarginalEffects, _effects_and_jacobian, get_margeff  # noqa: E402
from logreg.models import Logit, MNLogit  # noqa: E402

ATS = ["overall", "mean", "median", "zero"]
METHODS = ["dydx", "eydx", "dyex", "eyex"]
COLUMNS = ["Std. Err.", "z", "Pr(>|z|)", "Conf. Int. Low", "Cont. Int. Hi."]


@pytest.fixture(scope="module")
def spector():
    data = sm.datasets.spector.load_pandas()
    X = sm.add_constant(data.exog)  # const, GPA (continuous), TUCE (count), PSI (dummy)
    y = data.endog
    ours = Logit(y, X).fit(disp=False)
    theirs = sm.Logit(y, X).fit(disp=0)
    return X, y, ours, theirs


@pytest.fixture(scope="module")
def anes():
    data = sm.datasets.anes96.load_pandas().data.copy()
    data["y3"] = np.clip(data["PID"], 0, 2)
    data["rich"] = (data["income"] > 15).astype(float)
    X = sm.add_constant(data[["logpopul", "TVnews", "age", "educ", "rich"]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = MNLogit(data["y3"], X).fit(disp=False)
        theirs = sm.MNLogit(data["y3"], X).fit(disp=0)
    return X, data["y3"], ours, theirs


def _close(a, b, rtol=1e-6):
    np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12)


# ------------------------------------------------------------------ Logit parity
@pytest.mark.parametrize("at, method", list(itertools.product(ATS, METHODS)))
def test_logit_matches_statsmodels(spector, at, method):
    _, _, ours, theirs = spector
    me, ref = get_margeff(ours, at=at, method=method), theirs.get_margeff(at=at, method=method)
    _close(me.margeff, ref.margeff)
    _close(me.margeff_se, ref.margeff_se)
    _close(me.margeff_cov, ref.margeff_cov)
    with np.errstate(invalid="ignore"):  # statsmodels: 0/0 where an ex-effect is at x = 0
        ref_t, ref_p = ref.tvalues, ref.pvalues
    _close(me.tvalues, ref_t)  # NaN where statsmodels has NaN
    _close(me.pvalues, ref_p)
    _close(me.conf_int(0.1), ref.conf_int(0.1))


@pytest.mark.parametrize("at, method, dummy, count", [
    ("overall", "dydx", True, False), ("mean", "dydx", True, False),
    ("overall", "eydx", True, False), ("mean", "eydx", True, False),
    ("overall", "dydx", False, True), ("mean", "dydx", False, True),
    ("overall", "eydx", False, True), ("mean", "eydx", True, True),
    ("overall", "dydx", True, True),
])
def test_logit_dummy_count_match_statsmodels(spector, at, method, dummy, count):
    _, _, ours, theirs = spector
    me = get_margeff(ours, at=at, method=method, dummy=dummy, count=count)
    ref = theirs.get_margeff(at=at, method=method, dummy=dummy, count=count)
    _close(me.margeff, ref.margeff)
    _close(me.margeff_se, ref.margeff_se)
    assert (me.dummy_idx is None) == (ref.dummy_idx is None)
    assert (me.count_idx is None) == (ref.count_idx is None)
    if dummy:
        np.testing.assert_array_equal(me.dummy_idx, ref.dummy_idx)  # PSI
    if count:
        np.testing.assert_array_equal(me.count_idx, ref.count_idx)  # TUCE


def test_logit_atexog_and_all_match_statsmodels(spector):
    _, _, ours, theirs = spector
    me, ref = get_margeff(ours, at="mean", atexog={3: 1.0}), theirs.get_margeff(at="mean", atexog={3: 1.0})
    _close(me.margeff, ref.margeff)
    _close(me.margeff_se, ref.margeff_se)
    _close(get_margeff(ours, at="all").margeff, theirs.get_margeff(at="all").margeff)
    with pytest.raises(ValueError, match="at='all'"):
        get_margeff(ours, at="all").summary_frame()


def test_summary_frame_and_summary(spector):
    _, _, ours, theirs = spector
    for method in METHODS:
        frame = get_margeff(ours, method=method).summary_frame(alpha=0.1)
        ref = theirs.get_margeff(method=method).summary_frame(alpha=0.1)
        assert list(frame.columns) == list(ref.columns)
        assert list(frame.columns)[1:] == COLUMNS
        assert list(frame.index) == ["GPA", "TUCE", "PSI"]
        pd.testing.assert_frame_equal(frame, ref, rtol=1e-6)
    assert get_margeff(ours).summary_frame().columns[0] == "dy/dx"
    for at, method in [("overall", "dydx"), ("mean", "eyex"), ("median", "dyex")]:
        with np.errstate(invalid="ignore"):  # median PSI is 0: statsmodels divides 0 by 0
            ref_text = str(theirs.get_margeff(at=at, method=method).summary())
        assert str(get_margeff(ours, at=at, method=method).summary()) == ref_text
    text = str(get_margeff(ours).summary())
    assert text.splitlines()[0].strip() == "Logit Marginal Effects"
    assert "Dep. Variable:" in text and "At:" in text and "overall" in text
    assert "<table" in get_margeff(ours).summary()._repr_html_()


def test_arrays_give_statsmodels_names():
    data = sm.datasets.spector.load()
    X = sm.add_constant(np.asarray(data.exog, dtype=float))
    y = np.asarray(data.endog, dtype=float)
    me = get_margeff(Logit(y, X).fit(disp=False))
    assert isinstance(me, MarginalEffects)
    assert list(me.summary_frame().index) == ["x1", "x2", "x3"]
    _close(me.margeff, sm.Logit(y, X).fit(disp=0).get_margeff().margeff)


# ------------------------------------------------------------------ by hand
def test_dydx_overall_by_hand(spector):
    X, _, ours, _ = spector
    b = np.asarray(ours.params)
    p = 1.0 / (1.0 + np.exp(-(np.asarray(X) @ b)))
    expected = np.mean(p * (1 - p)) * b[1:]
    _close(get_margeff(ours).margeff, expected, rtol=1e-12)
    # dummy: average discrete change of PSI
    X0, X1 = np.asarray(X, dtype=float).copy(), np.asarray(X, dtype=float).copy()
    X0[:, 3], X1[:, 3] = 0, 1
    change = np.mean(1 / (1 + np.exp(-(X1 @ b))) - 1 / (1 + np.exp(-(X0 @ b))))
    _close(get_margeff(ours, dummy=True).margeff[2], change, rtol=1e-12)


def test_weighted_fit_equals_duplicated_rows(spector):
    X, y, _, _ = spector
    rng = np.random.default_rng(0)
    w = rng.integers(1, 4, size=len(y)).astype(float)
    rows = np.repeat(np.arange(len(y)), w.astype(int))
    weighted = Logit(y, X, weights=w).fit(disp=False)
    duplicated = Logit(y.iloc[rows].reset_index(drop=True), X.iloc[rows].reset_index(drop=True)).fit(disp=False)
    for at, method in itertools.product(["overall", "mean", "median"], METHODS):
        a = get_margeff(weighted, at=at, method=method)
        b = get_margeff(duplicated, at=at, method=method)
        _close(a.margeff, b.margeff, rtol=1e-7)
        _close(a.margeff_se, b.margeff_se, rtol=1e-6)
    a = get_margeff(weighted, dummy=True, count=True)
    b = get_margeff(duplicated, dummy=True, count=True)
    _close(a.margeff, b.margeff, rtol=1e-7)
    _close(a.margeff_se, b.margeff_se, rtol=1e-6)


def test_jacobian_matches_finite_differences():
    """The analytic Jacobian (the delta method's G) against central differences."""
    rng = np.random.default_rng(1)
    X = np.column_stack([np.ones(40), rng.normal(size=40), rng.integers(0, 2, 40), rng.integers(0, 5, 40)])
    w = rng.uniform(0.5, 2.0, 40)
    for J in (2, 3):
        B = np.column_stack([np.zeros(4), rng.normal(scale=0.5, size=(4, J - 1))])
        for method, dummy, count in [("dydx", [], []), ("eydx", [2], [3]), ("dyex", [], []),
                                     ("eyex", [], []), ("dydx", [2], [3])]:
            eff, jac = _effects_and_jacobian(X, B, method, dummy, count, w)
            h = 1e-6
            for k, d in itertools.product(range(4), range(1, J)):
                Bp, Bm = B.copy(), B.copy()
                Bp[k, d] += h
                Bm[k, d] -= h
                num = (_effects_and_jacobian(X, Bp, method, dummy, count, w)[0]
                       - _effects_and_jacobian(X, Bm, method, dummy, count, w)[0]) / (2 * h)
                np.testing.assert_allclose(jac[:, :, k, d - 1], num, rtol=1e-6, atol=1e-8)


# ------------------------------------------------------------------ MNLogit
@pytest.mark.parametrize("at, method", list(itertools.product(ATS, ["dydx", "eydx"])))
def test_mnlogit_matches_statsmodels(anes, at, method):
    # statsmodels 0.15's MNLogit fails for dyex/eyex and for dummy/count
    # (broadcasting errors); those are covered by the finite-difference test.
    _, _, ours, theirs = anes
    me, ref = get_margeff(ours, at=at, method=method), theirs.get_margeff(at=at, method=method)
    assert me.margeff.shape == ref.margeff.shape == (5, 3)
    _close(me.margeff, ref.margeff, rtol=1e-6)
    _close(me.margeff_se, ref.margeff_se, rtol=1e-6)
    _close(me.conf_int(), ref.conf_int(), rtol=1e-6)


def test_mnlogit_summary_matches_statsmodels(anes):
    _, _, ours, theirs = anes
    me, ref = get_margeff(ours), theirs.get_margeff()
    pd.testing.assert_frame_equal(me.summary_frame(), ref.summary_frame(), rtol=1e-6)
    assert str(me.summary()) == str(ref.summary())


def test_mnlogit_dummy_by_hand(anes):
    X, _, ours, _ = anes
    me = get_margeff(ours, dummy=True)
    x = np.asarray(X, dtype=float)
    x0, x1 = x.copy(), x.copy()
    x0[:, 5], x1[:, 5] = 0, 1
    change = (ours.predict(x1) - ours.predict(x0)).mean(axis=0)
    _close(me.margeff[4], change, rtol=1e-10)
    _close(me.margeff.sum(axis=1), 0.0)  # probabilities sum to one
    assert np.all(np.isfinite(me.margeff_se))


# ------------------------------------------------------------------ errors
def test_invalid_options(spector):
    _, _, ours, _ = spector
    with pytest.raises(ValueError, match="at must be"):
        get_margeff(ours, at="max")
    with pytest.raises(ValueError, match="method must be"):
        get_margeff(ours, method="dxdy")
    with pytest.raises(ValueError, match="dummy=True"):
        get_margeff(ours, method="eyex", dummy=True)
    with pytest.raises(ValueError, match="dummy=True"):
        get_margeff(ours, at="median", count=True)
    with pytest.raises(ValueError, match="alpha"):
        get_margeff(ours).conf_int(1.5)


def test_results_method_is_wired_to_get_margeff():
    import statsmodels.api as sms

    data = sms.datasets.spector.load_pandas()
    exog = sms.add_constant(data.exog, prepend=False)
    ours = Logit(data.endog, exog).fit(disp=False)
    theirs = sms.Logit(data.endog, exog).fit(disp=0)
    np.testing.assert_allclose(ours.get_margeff(at="mean").margeff, theirs.get_margeff(at="mean").margeff, rtol=1e-6)

"""LogisticRegression.summary(X, y): statsmodels-style inference for the estimator's own fit.

Unpenalized fits must reproduce logreg.Logit/MNLogit (themselves tested against statsmodels);
L2 standard errors are checked against the penalized information computed here in NumPy;
L1 fits must refuse inference."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.special import expit

import logreg
from logreg import LogisticRegression

rng = np.random.default_rng(11)
N = 300
X = rng.standard_normal((N, 3))
Y = (X @ [1.0, -0.7, 0.0] + 0.3 + rng.logistic(size=N) > 0).astype(int)
Y3 = np.digitize(X[:, 0] - 0.5 * X[:, 1] + rng.logistic(size=N), [-1.0, 1.0])


def test_unpenalized_binary_equals_logit():
    model = LogisticRegression(C=np.inf, tol=1e-10).fit(X, Y)
    res = model.results(X, Y)
    ref = logreg.Logit(Y, logreg.add_constant(X)).fit(disp=0)
    np.testing.assert_allclose(res.params, ref.params, rtol=1e-7)
    np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-6)
    np.testing.assert_allclose(res.pvalues, ref.pvalues, rtol=1e-5)
    assert res.llf == pytest.approx(ref.llf, rel=1e-10)
    assert "Logit Regression Results" in str(model.summary(X, Y))


def test_unpenalized_multinomial_equals_mnlogit():
    model = LogisticRegression(C=np.inf, tol=1e-10).fit(X, Y3)
    res = model.results(X, Y3)
    ref = logreg.MNLogit(Y3, logreg.add_constant(X)).fit(disp=0)
    np.testing.assert_allclose(np.asarray(res.params), np.asarray(ref.params), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(np.asarray(res.bse), np.asarray(ref.bse), rtol=1e-5)


def test_two_class_multinomial_is_the_binary_logit():
    model = LogisticRegression(C=np.inf, tol=1e-10, multi_class="multinomial").fit(X, Y)
    ref = logreg.Logit(Y, logreg.add_constant(X)).fit(disp=0)
    np.testing.assert_allclose(model.results(X, Y).params, ref.params, rtol=1e-6)


@pytest.mark.parametrize("C", [0.05, 1.0])
def test_l2_standard_errors_are_from_the_penalized_information(C):
    factor = np.array([1.0, 2.0, 0.0])
    model = LogisticRegression(C=C, tol=1e-10, penalty_factor=factor).fit(X, Y)
    res = model.results(X, Y)
    Z = np.column_stack([np.ones(N), X])
    b = np.r_[model.intercept_, model.coef_[0]]
    p = expit(Z @ b)
    info = Z.T @ (Z * (p * (1 - p))[:, None]) + np.diag(np.r_[0.0, factor / C])
    np.testing.assert_allclose(res.bse, np.sqrt(np.diag(np.linalg.inv(info))), rtol=1e-8)
    text = str(model.summary(X, Y))
    assert "L2-penalized" in text and "posterior" in text


def test_liblinear_penalizes_the_intercept_in_the_information():
    model = LogisticRegression(solver="liblinear", C=0.5, tol=1e-10, intercept_scaling=2.0).fit(X, Y)
    Z = np.column_stack([np.ones(N), X])
    p = expit(Z @ np.r_[model.intercept_, model.coef_[0]])
    info = Z.T @ (Z * (p * (1 - p))[:, None]) + np.diag([1 / (0.5 * 4.0), 2.0, 2.0, 2.0])
    np.testing.assert_allclose(model.results(X, Y).bse, np.sqrt(np.diag(np.linalg.inv(info))), rtol=1e-8)


@pytest.mark.parametrize("params", [{"penalty": "l1"}, {"penalty": "elasticnet", "l1_ratio": 0.5}])
def test_l1_refuses_inference_after_selection(params):
    model = LogisticRegression(C=0.05, **params).fit(X, Y)
    res = model.results(X, Y)
    assert np.all(np.isnan(res.bse)) and np.all(np.isnan(res.pvalues))
    np.testing.assert_allclose(res.params, np.r_[model.intercept_, model.coef_[0]])
    assert "not shown" in str(model.summary(X, Y))


def test_names_and_weights_are_carried():
    frame = pd.DataFrame(X, columns=["age", "income", "noise"])
    w = rng.uniform(0.5, 2.0, N)
    model = LogisticRegression(C=np.inf, tol=1e-10).fit(frame, Y, sample_weight=w)
    res = model.results(frame, Y, sample_weight=w)
    ref = logreg.Logit(Y, logreg.add_constant(frame), weights=w).fit(disp=0)
    assert list(res.model.exog_names) == ["const", "age", "income", "noise"]
    np.testing.assert_allclose(np.asarray(res.bse), np.asarray(ref.bse), rtol=1e-6)


def test_bad_calls_say_what_to_do():
    model = LogisticRegression().fit(X, Y)
    with pytest.raises(TypeError, match="keeps no training data"):
        model.summary()
    with pytest.raises(ValueError, match="dense"):
        model.summary(sp.csr_matrix(X), Y)
    with pytest.raises(ValueError, match="not fitted on"):
        model.summary(X, Y + 5)
    with pytest.raises(ValueError, match="one label per row"):
        model.summary(X, Y[:-1])
    with pytest.raises(ValueError, match="one-vs-rest"):
        LogisticRegression(multi_class="ovr").fit(X, Y3).summary(X, Y3)
    with pytest.raises(NotImplementedError, match="penalized multinomial"):
        LogisticRegression().fit(X, Y3).summary(X, Y3)

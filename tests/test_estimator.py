"""Front-end behaviour of LogisticRegression that the other files do not cover."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.special import expit

from logreg import LogisticRegression

rng = np.random.default_rng(42)
X = rng.standard_normal((300, 4))
y3 = np.digitize(X[:, 0] + 0.5 * X[:, 1] + rng.standard_normal(300), [-0.7, 0.7])
y2 = (X[:, 0] - X[:, 2] + rng.standard_normal(300) > 0).astype(int)


def test_warm_start_starts_from_the_previous_solution():
    model = LogisticRegression(solver="newton-cholesky", warm_start=True, tol=1e-10)
    model.fit(X, y2)
    first = model.coef_.copy()
    assert model.n_iter_[0] > 0
    model.fit(X, y2)  # already optimal: no iteration needed
    assert model.n_iter_[0] == 0
    np.testing.assert_array_equal(model.coef_, first)
    cold = LogisticRegression(solver="newton-cholesky", tol=1e-10, C=0.3).fit(X, y2)
    model.set_params(C=0.3).fit(X, y2)
    np.testing.assert_allclose(model.coef_, cold.coef_, atol=1e-9)


def test_warm_start_ignored_when_shapes_change():
    model = LogisticRegression(warm_start=True).fit(X, y2)
    model.fit(X, y3)  # three classes now: the old binary solution cannot seed it
    assert model.coef_.shape == (3, 4)


def test_n_jobs_gives_the_same_one_vs_rest_model():
    serial = LogisticRegression(multi_class="ovr", tol=1e-10).fit(X, y3)
    parallel = LogisticRegression(multi_class="ovr", tol=1e-10, n_jobs=2).fit(X, y3)
    np.testing.assert_array_equal(serial.coef_, parallel.coef_)
    np.testing.assert_array_equal(serial.intercept_, parallel.intercept_)


def test_dataframe_input_keeps_feature_names_and_checks_them():
    df = pd.DataFrame(X, columns=["age", "income", "tenure", "score"])
    labels = pd.Series(np.where(y2 == 1, "churn", "stay"))
    model = LogisticRegression().fit(df, labels)
    np.testing.assert_array_equal(model.feature_names_in_, ["age", "income", "tenure", "score"])
    np.testing.assert_array_equal(model.classes_, ["churn", "stay"])
    assert set(model.predict(df)) <= {"churn", "stay"}
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        from_array = model.predict_proba(X)
    np.testing.assert_allclose(model.predict_proba(df), from_array)
    with pytest.raises(ValueError, match="feature names"):
        model.predict(df[["income", "age", "tenure", "score"]])


def test_two_class_multinomial_is_binary_with_doubled_C():
    # Symmetric softmax rows w1 = -w0 = v penalized by (|w0|^2 + |w1|^2) / (2C n)
    # equal a binary model with beta = 2 v and C' = 2 C; coef_ reports v.
    multi = LogisticRegression(multi_class="multinomial", C=0.5, tol=1e-10, solver="newton-cholesky").fit(X, y2)
    binary = LogisticRegression(C=1.0, tol=1e-10, solver="newton-cholesky").fit(X, y2)
    assert multi.coef_.shape == (1, 4)
    np.testing.assert_allclose(multi.coef_, binary.coef_ / 2, atol=1e-8)
    np.testing.assert_allclose(multi.intercept_, binary.intercept_ / 2, atol=1e-8)
    np.testing.assert_allclose(multi.predict_proba(X), binary.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize("multi_class", ["ovr", "multinomial"])
def test_predict_proba_formulas(multi_class):
    model = LogisticRegression(multi_class=multi_class).fit(X, y3)
    scores = X @ model.coef_.T + model.intercept_
    if multi_class == "ovr":
        expected = expit(scores) / expit(scores).sum(axis=1, keepdims=True)
    else:
        expected = np.exp(scores - scores.max(axis=1, keepdims=True))
        expected /= expected.sum(axis=1, keepdims=True)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba, expected, rtol=1e-12)
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(expected), rtol=1e-10)
    np.testing.assert_array_equal(model.predict(X), model.classes_[np.argmax(expected, axis=1)])


def test_auto_reports_its_choice():
    assert LogisticRegression().fit(X, y2).solver_ == "newton-cholesky"
    assert LogisticRegression().fit(sp.csr_matrix(X), y2).solver_ == "newton-cg"
    assert LogisticRegression().fit(X, y3).solver_ == "newton-cg"
    assert LogisticRegression(lower_bounds=-1.0, upper_bounds=1.0).fit(X, y2).solver_ == "lbfgs"
    assert LogisticRegression(solver="liblinear").fit(X, y2).solver_ == "liblinear"


def test_spellings_of_no_penalty_agree():
    fits = [
        LogisticRegression(penalty=None, tol=1e-10, solver="newton-cholesky").fit(X, y2),
        LogisticRegression(penalty="none", tol=1e-10, solver="newton-cholesky").fit(X, y2),
        LogisticRegression(C=np.inf, tol=1e-10, solver="newton-cholesky").fit(X, y2),
    ]
    for other in fits[1:]:
        np.testing.assert_allclose(other.coef_, fits[0].coef_, atol=1e-10)


def test_l1_ratio_zero_is_l2():
    a = LogisticRegression(l1_ratio=0.0, tol=1e-10).fit(X, y2)
    b = LogisticRegression(tol=1e-10).fit(X, y2)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-12)


def test_verbose_prints_progress(capsys):
    LogisticRegression(verbose=1, solver="newton-cg").fit(X, y2)
    out = capsys.readouterr().out
    assert "newton-cg iter" in out and "objective" in out


def test_fit_does_not_modify_inputs():
    Xc, yc, sw = X.copy(), y2.copy(), np.linspace(0.5, 2, 300)
    swc = sw.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LogisticRegression(class_weight="balanced").fit(Xc, yc, sample_weight=sw)
    np.testing.assert_array_equal(Xc, X)
    np.testing.assert_array_equal(yc, y2)
    np.testing.assert_array_equal(sw, swc)


def test_unpenalized_fit_on_a_dataframe_warns_only_about_separation():
    df = pd.DataFrame(X[:, :2], columns=["a", "b"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LogisticRegression(C=np.inf).fit(df, y2)  # overlapping classes: no warning at all

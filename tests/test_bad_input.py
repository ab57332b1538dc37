"""Bad input gets a clear error (or a warning) that names the problem."""

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from logreg import LogisticRegression, SeparationWarning

rng = np.random.default_rng(0)
X = rng.standard_normal((40, 3))
y = (X[:, 0] + 0.5 * rng.standard_normal(40) > 0).astype(int)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X(bad):
    Xb = X.copy()
    Xb[3, 1] = bad
    with pytest.raises(ValueError, match="(NaN|infinity)"):
        LogisticRegression().fit(Xb, y)


def test_non_finite_sparse_X():
    Xb = sp.csr_matrix(X)
    Xb.data[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LogisticRegression().fit(Xb, y)


def test_nan_in_y():
    yb = y.astype(float)
    yb[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LogisticRegression().fit(X, yb)


def test_single_class():
    with pytest.raises(ValueError, match="only one class"):
        LogisticRegression().fit(X, np.ones(40))


def test_continuous_y():
    with pytest.raises(ValueError, match="continuous"):
        LogisticRegression().fit(X, rng.standard_normal(40))


def test_empty_X():
    with pytest.raises(ValueError, match="0 sample"):
        LogisticRegression().fit(np.empty((0, 3)), np.empty(0))
    with pytest.raises(ValueError, match="0 feature"):
        LogisticRegression().fit(np.empty((5, 0)), [0, 1, 0, 1, 0])


def test_lengths_differ():
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LogisticRegression().fit(X, y[:-1])


def test_wrong_feature_count_at_predict():
    model = LogisticRegression().fit(X, y)
    for method in (model.predict, model.predict_proba, model.decision_function):
        with pytest.raises(ValueError, match="X has 2 features, but LogisticRegression is expecting 3"):
            method(X[:, :2])


def test_non_numeric_column_is_named():
    df = pd.DataFrame({"age": rng.integers(20, 60, 40), "city": ["a", "b"] * 20})
    with pytest.raises(ValueError, match="non-numeric column.*'city'"):
        LogisticRegression().fit(df, y)


def test_predict_before_fit():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        LogisticRegression().predict(X)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"C": -1.0}, "C must be a positive number"),
        ({"C": 0}, "C must be a positive number"),
        ({"tol": 0}, "tol must be a positive number"),
        ({"max_iter": -1}, "max_iter must be a non-negative integer"),
        ({"solver": "magic"}, "solver must be one of"),
        ({"multi_class": "both"}, "multi_class must be one of"),
        ({"penalty": "l3"}, "penalty must be one of"),
        ({"l1_ratio": 1.5}, r"l1_ratio must be a number in \[0, 1\]"),
        ({"penalty": "elasticnet"}, "needs l1_ratio"),
        ({"dual": True}, "dual=True is only supported"),
        ({"solver": "liblinear", "C": np.inf}, "needs a penalty"),
        ({"solver": "liblinear", "multi_class": "multinomial"}, "one-vs-rest only"),
        ({"class_weight": "heavy"}, "class_weight must be"),
        ({"class_weight": {7: 2.0}}, "not present in y"),
        ({"penalty_factor": [1.0, -1.0, 1.0]}, "non-negative"),
        ({"penalty_factor": [1.0, 1.0]}, "one entry per feature"),
        ({"lower_bounds": 1.0, "upper_bounds": 0.0}, "no feasible solution"),
        ({"lower_bounds": np.inf}, "no feasible solution"),
        ({"upper_bounds": -np.inf, "penalty": "l1"}, "no feasible solution"),
        ({"penalty": "l1", "l1_ratio": 1.5}, "l1_ratio"),
        ({"l1_ratio": -0.1}, "l1_ratio"),
        ({"penalty": "elasticnet"}, "l1_ratio"),
        ({"penalty": "l1", "penalty_factor": -1.0}, "penalty_factor"),
        ({"penalty": "elasticnet", "l1_ratio": 0.5, "solver": "liblinear"}, "elasticnet"),
        ({"penalty": "l1", "solver": "sag"}, "only smooth penalties"),
        ({"lower_bounds": [0.0, 0.0]}, "lower_bounds must be"),
        ({"lower_bounds": 0.0, "solver": "newton-cholesky"}, "does not support lower_bounds"),
    ],
)
def test_bad_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        LogisticRegression(**params).fit(X, y)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg", "newton-cholesky"])
@pytest.mark.parametrize("params", [{"penalty": "l1"}, {"penalty": "elasticnet", "l1_ratio": 0.5}, {"l1_ratio": 1.0}])
def test_smooth_solvers_refuse_l1_and_name_the_capable_ones(params, solver):
    with pytest.raises(ValueError, match="only smooth penalties.*'newton-cd'"):
        LogisticRegression(solver=solver, **params).fit(X, y)


def test_negative_or_zero_sample_weight():
    with pytest.raises(ValueError, match="[Nn]egative"):
        LogisticRegression().fit(X, y, sample_weight=-np.ones(40))
    with pytest.raises(ValueError, match="zero"):
        LogisticRegression().fit(X, y, sample_weight=np.zeros(40))
    with pytest.raises(ValueError, match="NaN|infinity"):
        LogisticRegression().fit(X, y, sample_weight=np.full(40, np.nan))


@pytest.mark.parametrize("solver", ["auto", "lbfgs", "newton-cholesky", "newton-cg", "liblinear"])
def test_huge_features_give_finite_probabilities(solver):
    Xh = X * 1e8
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence may be slow on such a scale; that is warned, not wrong
        model = LogisticRegression(solver=solver).fit(Xh, y)
    proba = model.predict_proba(Xh)
    assert np.all(np.isfinite(proba))
    assert np.all(np.isfinite(model.coef_))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.all(np.isfinite(model.predict_log_proba(Xh)))


def _separable():
    Xs = np.vstack([rng.standard_normal((20, 2)) - 3, rng.standard_normal((20, 2)) + 3])
    ys = np.repeat([0, 1], 20)
    return Xs, ys


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky", "newton-cg"])
def test_separated_data_with_l2_give_finite_coefficients(solver):
    Xs, ys = _separable()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither a separation nor a convergence warning
        model = LogisticRegression(solver=solver, C=1.0).fit(Xs, ys)
    assert np.all(np.isfinite(model.coef_)) and np.all(np.abs(model.coef_) < 100)
    assert model.score(Xs, ys) == 1.0


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky", "newton-cg"])
@pytest.mark.parametrize("multi_class", ["auto", "multinomial"])
def test_separated_data_without_penalty_warn(solver, multi_class):
    Xs, ys = _separable()
    with pytest.warns(SeparationWarning, match="perfectly separated"):
        model = LogisticRegression(solver=solver, C=np.inf, multi_class=multi_class).fit(Xs, ys)
    assert np.all(np.isfinite(model.coef_))
    assert np.all(np.isfinite(model.predict_proba(Xs)))


def test_no_separation_warning_on_overlapping_data():
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        LogisticRegression(C=np.inf).fit(X, y)


def test_import_loads_no_heavy_dependency():
    # `import logreg` stays fast (its time is measured in benchmarks/, not
    # asserted here) because it imports neither scikit-learn (about 1 s) nor
    # SciPy: the estimators load on first use.
    code = "import sys, logreg; print(sorted(m for m in ('sklearn', 'scipy', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

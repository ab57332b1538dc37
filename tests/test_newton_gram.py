"""newton-gram (proximal Newton, subproblem by CD on the Hessian) on in-memory data.

It is the L1/elastic-net solver for Dask input, but nothing in it is
Dask-specific: on dense NumPy data it must reach newton-cd's optimum.
"""

import numpy as np
import pytest

from logreg import LogisticRegression


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    n, d = 3000, 25
    X = rng.normal(size=(n, d))
    eta = X[:, 0] - X[:, 1] + 0.5 * X[:, 2]
    return X, (eta + rng.logistic(size=n) > 0).astype(int), np.digitize(eta + rng.logistic(size=n), [-1, 1])


@pytest.mark.parametrize(
    "params, multi",
    [
        (dict(penalty="l1", C=0.05), False),
        (dict(penalty="elasticnet", l1_ratio=0.5, C=0.05), False),
        (dict(penalty="l1", C=0.1), True),
        (dict(penalty="l1", C=0.05, lower_bounds=-0.2, upper_bounds=0.3), False),
        (dict(penalty="l2", C=1.0), False),
    ],
)
def test_newton_gram_reaches_newton_cd_optimum(data, params, multi):
    X, y, y3 = data
    yy = y3 if multi else y
    ref = LogisticRegression(solver="newton-cd", tol=1e-10, **params).fit(X, yy)
    est = LogisticRegression(solver="newton-gram", tol=1e-10, **params).fit(X, yy)
    assert est.solver_ == "newton-gram"
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=0, atol=1e-7)
    np.testing.assert_allclose(est.intercept_, ref.intercept_, rtol=0, atol=1e-7)
    if params["penalty"] == "l1":
        assert np.array_equal(est.coef_ == 0, ref.coef_ == 0)


def test_newton_gram_with_sub_sampled_hessians(data):
    """n large enough that the first Hessians come from row subsets."""
    rng = np.random.default_rng(4)
    n, d = 40_000, 8
    X = rng.normal(size=(n, d))
    y = (X[:, 0] - X[:, 3] + rng.logistic(size=n) > 0).astype(int)
    ref = LogisticRegression(penalty="l1", C=0.002, solver="newton-cd", tol=1e-10).fit(X, y)
    est = LogisticRegression(penalty="l1", C=0.002, solver="newton-gram", tol=1e-10).fit(X, y)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=0, atol=1e-7)

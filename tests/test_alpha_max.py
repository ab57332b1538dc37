"""alpha_max: the path start. At C = 1/(alpha_max * S) every penalized coefficient is
exactly zero; a little weaker and at least one is not. Checked against fits, not formulas."""

import numpy as np
import pytest
import scipy.sparse as sp

import logreg
from logreg import LogisticRegression

rng = np.random.default_rng(3)
N, D = 200, 8
X = rng.standard_normal((N, D))
X[:, 2] *= 5.0
Y2 = (X[:, 0] - 0.5 * X[:, 2] + rng.logistic(size=N) > 0).astype(int)
Y3 = np.digitize(X[:, 0] + 0.3 * X[:, 1] + rng.logistic(size=N), [-1.0, 1.0])


def _C(alpha, weight_sum):
    return 1.0 / (alpha * weight_sum)


@pytest.mark.parametrize(
    "y, params",
    [
        (Y2, {}),
        (Y2, {"penalty": "elasticnet", "l1_ratio": 0.3}),
        (Y2, {"penalty_factor": np.r_[0.0, np.ones(D - 1)]}),  # an unpenalized feature
        (Y2, {"penalty_factor": np.linspace(0.5, 2.0, D)}),
        (Y3, {}),  # multinomial
        (Y3, {"multi_class": "ovr"}),
        (Y2, {"fit_intercept": False}),
        (Y2, {"solver": "liblinear", "intercept_scaling": 2.0}),
    ],
)
@pytest.mark.parametrize("sparse", [False, True])
def test_every_penalized_coefficient_is_zero_exactly_at_alpha_max(y, params, sparse):
    data = sp.csr_matrix(X) if sparse else X
    a = logreg.alpha_max(data, y, **params)
    assert np.isfinite(a) and a > 0
    fit = dict(params, penalty=params.get("penalty", "l1"), tol=1e-10, max_iter=1000)
    factor = np.asarray(params.get("penalty_factor", np.ones(D)))
    at = LogisticRegression(C=_C(a, N) * (1 - 1e-9), **fit).fit(data, y)
    assert np.all(at.coef_[:, factor > 0] == 0.0)
    if params.get("solver") == "liblinear":
        assert np.all(at.intercept_ == 0.0)
    beyond = LogisticRegression(C=_C(a, N) * 1.05, **fit).fit(data, y)
    moved = np.any(beyond.coef_[:, factor > 0] != 0.0)
    if params.get("solver") == "liblinear":  # the penalized intercept may be the first to move
        moved = moved or np.any(beyond.intercept_ != 0.0)
    assert moved


def test_alpha_max_scales_with_class_weights_like_the_objective():
    # Doubling every weight leaves the (mean-loss) alpha_max unchanged.
    a1 = logreg.alpha_max(X, Y2)
    a2 = logreg.alpha_max(X, Y2, sample_weight=np.full(N, 2.0))
    assert a1 == pytest.approx(a2, rel=1e-12)


def test_alpha_max_needs_an_l1_term():
    with pytest.raises(ValueError, match="L1 term"):
        logreg.alpha_max(X, Y2, penalty="l2")

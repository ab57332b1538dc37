"""Parity with scikit-learn where the objective is the same.

The objective (weighted mean log-loss + ||W||^2 / (2 C sum(sw)), class weights
folded into sw, unpenalized intercept, full softmax for K > 2) is computed by
the test itself (conftest.np_objective) at both libraries' coefficients. Both
fits are run to a tight tol, so at a common minimum the two values agree to
second order in the gradient (~1e-15): 1e-9 relative is a real check.
Coefficients of a strongly convex problem agree to ~||g|| / mu, well inside
atol 1e-5.

solver="liblinear" runs liblinear's trust-region Newton method with
liblinear's stopping rule from the same start (zero), so it reproduces
liblinear's iterates: coefficients then agree to rounding (1e-8), even at the
default tol where neither is close to the exact minimum, and the iteration
counts agree too.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.class_weight import compute_class_weight

from logreg import LogisticRegression

from conftest import make_labels, make_weights, make_X, np_objective

N, D, K = 240, 6, 3


def data(n_classes, seed=0, n=N, d=D):
    X = make_X(n, d, seed=seed, density=0.7)
    y = make_labels(X, n_classes, seed=seed)
    return X, y


def fit_ours(**kw):
    """Our fit; a ConvergenceWarning from it fails the test."""

    def run(X, y, sample_weight=None):
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            return LogisticRegression(**kw).fit(X, y, sample_weight=sample_weight)

    return run


def class_weight_vector(class_weight, y, sw):
    classes = np.unique(y)
    if class_weight is None:
        return np.ones(len(y))
    cw = compute_class_weight(class_weight, classes=classes, y=y, sample_weight=sw)
    return cw[np.searchsorted(classes, y)]


def objective(coef, intercept, X, y, sw, C):
    """sklearn's objective at (coef, intercept): binary for one row, softmax for K rows."""
    classes = np.unique(y)
    codes = np.searchsorted(classes, y)
    coef = np.asarray(coef, dtype=float)
    return np_objective(np.asarray(X.toarray() if sp.issparse(X) else X, float), codes, sw, coef,
                        np.asarray(intercept, float), C, coef.shape[0] > 1)


def centered(b):
    b = np.asarray(b, dtype=float)
    return b - b.mean() if b.size > 1 else b


WEIGHTINGS = ["none", "sample_weight", "balanced", "dict", "sample_weight+balanced"]
OUR_SOLVERS = {"newton-cholesky": 1e-10, "newton-cg": 1e-10, "lbfgs": 1e-8}


@pytest.mark.parametrize("n_classes", [2, K])
@pytest.mark.parametrize("weighting", WEIGHTINGS)
@pytest.mark.parametrize("sk_solver", ["lbfgs", "newton-cholesky"])
@pytest.mark.parametrize("C", [1.0, 0.05])
def test_objective_and_coefficients_match_sklearn(n_classes, weighting, sk_solver, C):
    X, y = data(n_classes, seed=1)
    sw = make_weights(N, seed=1) if "sample_weight" in weighting else None
    cw = None
    if "balanced" in weighting:
        cw = "balanced"
    elif weighting == "dict":
        cw = {0: 2.0, 1: 0.5, 2: 1.5} if n_classes == 3 else {0: 2.0, 1: 0.5}
    ref = SkLogisticRegression(solver=sk_solver, C=C, tol=1e-10, max_iter=2000, class_weight=cw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref.fit(X, y, sample_weight=sw)
    sw_eff = (np.ones(N) if sw is None else sw) * class_weight_vector(cw, y, sw)
    f_ref = objective(ref.coef_, ref.intercept_, X, y, sw_eff, C)
    for solver, tol in OUR_SOLVERS.items():
        ours = fit_ours(solver=solver, C=C, tol=tol, max_iter=1000, class_weight=cw)(X, y, sw)
        assert ours.coef_.shape == ref.coef_.shape
        f_ours = objective(ours.coef_, ours.intercept_, X, y, sw_eff, C)
        assert f_ours == pytest.approx(f_ref, rel=1e-9), solver
        np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
        np.testing.assert_allclose(centered(ours.intercept_), centered(ref.intercept_), atol=1e-5)
        np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("sparse", [False, True])
def test_no_penalty_matches_sklearn(sparse):
    X, y = data(2, seed=2)
    Xf = sp.csr_matrix(X) if sparse else X
    ref = SkLogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-10, max_iter=1000).fit(X, y)
    ours = fit_ours(C=np.inf, tol=1e-10, solver="newton-cg" if sparse else "newton-cholesky")(Xf, y)
    f_ref = objective(ref.coef_, ref.intercept_, X, y, np.ones(N), np.inf)
    assert objective(ours.coef_, ours.intercept_, X, y, np.ones(N), np.inf) == pytest.approx(f_ref, rel=1e-9)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_without_intercept_matches_sklearn(fit_intercept):
    X, y = data(K, seed=3)
    ref = SkLogisticRegression(C=0.5, fit_intercept=fit_intercept, tol=1e-10, max_iter=2000).fit(X, y)
    ours = fit_ours(C=0.5, fit_intercept=fit_intercept, tol=1e-10, solver="newton-cholesky")(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(centered(ours.intercept_), centered(ref.intercept_), atol=1e-5)
    if not fit_intercept:
        np.testing.assert_array_equal(ours.intercept_, 0.0)


# -- one-vs-rest --------------------------------------------------------------------------------


@pytest.mark.parametrize("class_weight", [None, "balanced"])
@pytest.mark.parametrize("solver", list(OUR_SOLVERS))
def test_ovr_matches_one_vs_rest_classifier(class_weight, solver):
    X, y = data(K, seed=4)
    ref = OneVsRestClassifier(
        SkLogisticRegression(C=0.7, tol=1e-10, max_iter=2000, class_weight=class_weight)
    ).fit(X, y)
    ours = fit_ours(
        multi_class="ovr", solver=solver, C=0.7, tol=OUR_SOLVERS[solver], max_iter=1000, class_weight=class_weight
    )(X, y)
    assert ours.coef_.shape == (K, D)
    for k, est in enumerate(ref.estimators_):
        target = (y == k).astype(int)
        sw_eff = class_weight_vector(class_weight, target, None)
        f_ref = objective(est.coef_, est.intercept_, X, target, sw_eff, 0.7)
        f_ours = objective(ours.coef_[k : k + 1], ours.intercept_[k : k + 1], X, target, sw_eff, 0.7)
        assert f_ours == pytest.approx(f_ref, rel=1e-9)
        np.testing.assert_allclose(ours.coef_[k], est.coef_[0], atol=1e-5)
        np.testing.assert_allclose(ours.intercept_[k], est.intercept_[0], atol=1e-5)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)


def test_ovr_with_sample_weight_matches_per_class_fits():
    X, y = data(K, seed=5)
    sw = make_weights(N, seed=5)
    ours = fit_ours(multi_class="ovr", solver="newton-cholesky", C=0.7, tol=1e-10)(X, y, sw)
    for k in range(K):
        target = (y == k).astype(int)
        est = SkLogisticRegression(C=0.7, tol=1e-10, max_iter=2000).fit(X, target, sample_weight=sw)
        f_ref = objective(est.coef_, est.intercept_, X, target, sw, 0.7)
        f_ours = objective(ours.coef_[k : k + 1], ours.intercept_[k : k + 1], X, target, sw, 0.7)
        assert f_ours == pytest.approx(f_ref, rel=1e-9)
        np.testing.assert_allclose(ours.coef_[k], est.coef_[0], atol=1e-5)
        np.testing.assert_allclose(ours.intercept_[k], est.intercept_[0], atol=1e-5)


# -- liblinear ------------------------------------------------------------------------------------


def liblinear_reference(X, y, *, C, intercept_scaling, class_weight, sample_weight, tol):
    """liblinear through scikit-learn: its binary estimator, or its own one-vs-rest for K > 2.

    scikit-learn >= 1.8 refuses multiclass y with solver="liblinear"; the
    function it used until then (and that LinearSVC still uses) runs
    liblinear's built-in one-vs-rest, where class k is trained against the
    rest with C_k = class_weight[k] * C for the positives and C for the rest.
    """
    if len(np.unique(y)) == 2:
        est = SkLogisticRegression(
            solver="liblinear", C=C, intercept_scaling=intercept_scaling, class_weight=class_weight, tol=tol
        ).fit(X, y, sample_weight=sample_weight)
        return est.coef_, est.intercept_, est.n_iter_
    from sklearn.svm._base import _fit_liblinear

    return _fit_liblinear(
        X, y, C, True, intercept_scaling, class_weight, "l2", False, 0, 100, tol,
        multi_class="ovr", loss="logistic_regression", sample_weight=sample_weight,
    )


@pytest.mark.parametrize("n_classes", [2, K])
@pytest.mark.parametrize("intercept_scaling", [1.0, 2.5])
@pytest.mark.parametrize("class_weight", [None, "dict", "balanced"])
@pytest.mark.parametrize("sparse", [False, True])
def test_liblinear_reproduces_liblinear(n_classes, intercept_scaling, class_weight, sparse):
    X, y = data(n_classes, seed=6)
    Xf = sp.csr_matrix(X) if sparse else X
    cw = {0: 1.7, 1: 0.6, 2: 1.2} if class_weight == "dict" else class_weight
    if cw is not None and not isinstance(cw, str):
        cw = {k: v for k, v in cw.items() if k < n_classes}
    C = 0.8
    coef, intercept, n_iter = liblinear_reference(
        Xf, y, C=C, intercept_scaling=intercept_scaling, class_weight=cw, sample_weight=None, tol=1e-4
    )
    ours = LogisticRegression(solver="liblinear", C=C, intercept_scaling=intercept_scaling, class_weight=cw).fit(Xf, y)
    assert ours.coef_.shape == coef.shape
    np.testing.assert_allclose(ours.coef_, coef, rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, intercept, rtol=0, atol=1e-8)
    # same iterates: the same number of them
    assert int(np.max(ours.n_iter_)) == int(np.max(n_iter))


@pytest.mark.parametrize("n_classes", [2, K])
@pytest.mark.parametrize("tol", [1e-4, 1e-8])
def test_liblinear_reproduces_liblinear_with_sample_weight(n_classes, tol):
    X, y = data(n_classes, seed=7)
    sw = make_weights(N, seed=7, zero_fraction=0.0)
    coef, intercept, n_iter = liblinear_reference(
        X, y, C=2.0, intercept_scaling=1.5, class_weight=None, sample_weight=sw, tol=tol
    )
    ours = LogisticRegression(solver="liblinear", C=2.0, intercept_scaling=1.5, tol=tol).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, coef, rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, intercept, rtol=0, atol=1e-8)
    assert int(np.max(ours.n_iter_)) == int(np.max(n_iter))


def test_liblinear_multiclass_reference_is_one_vs_rest_classifier():
    """Control: without class weights liblinear's one-vs-rest = OneVsRestClassifier of binary fits."""
    X, y = data(K, seed=8)
    coef, intercept, _ = liblinear_reference(
        X, y, C=0.8, intercept_scaling=2.5, class_weight=None, sample_weight=None, tol=1e-4
    )
    ovr = OneVsRestClassifier(SkLogisticRegression(solver="liblinear", C=0.8, intercept_scaling=2.5)).fit(X, y)
    ours = LogisticRegression(solver="liblinear", C=0.8, intercept_scaling=2.5).fit(X, y)
    for k, est in enumerate(ovr.estimators_):
        np.testing.assert_allclose(est.coef_[0], coef[k], atol=1e-8)
        np.testing.assert_allclose(ours.coef_[k], est.coef_[0], rtol=0, atol=1e-8)
        np.testing.assert_allclose(ours.intercept_[k], est.intercept_[0], rtol=0, atol=1e-8)


@pytest.mark.parametrize("n_classes", [2, K])
def test_liblinear_tight_tol_warns_only_where_liblinear_does(n_classes):
    """At a tight tol liblinear ends on its "actred and prered too small" rule.

    That is a normal end of liblinear's TRON (scikit-learn warns only when
    max_iter is reached), and the result is the same as liblinear's. logreg
    must not report it as non-convergence, least of all with a message whose
    "largest optimality violation" is already below the tol it quotes.
    """
    X, y = data(n_classes, seed=7)
    sw = make_weights(N, seed=7, zero_fraction=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        coef, intercept, n_iter = liblinear_reference(
            X, y, C=2.0, intercept_scaling=1.5, class_weight=None, sample_weight=sw, tol=1e-8
        )
        assert int(np.max(n_iter)) < 100  # scikit-learn/liblinear: converged, no warning
        ours = LogisticRegression(solver="liblinear", C=2.0, intercept_scaling=1.5, tol=1e-8).fit(
            X, y, sample_weight=sw
        )
    np.testing.assert_allclose(ours.coef_, coef, rtol=0, atol=1e-8)

"""Regularization paths and LogisticRegressionCV.

Optimality is checked with an independent NumPy computation of the
subdifferential distance at every point of a path; LogisticRegressionCV is
compared with scikit-learn's on the same folds and scoring at a tight
tolerance, where both must reach the same unique optimum.
"""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from conftest import np_loss_gradient  # noqa: E402
from sklearn.linear_model import LogisticRegressionCV as SkLogisticRegressionCV  # noqa: E402
from sklearn.metrics import get_scorer  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import logreg  # noqa: E402
from logreg import LogisticRegression, LogisticRegressionCV, regularization_path  # noqa: E402

RNG = np.random.default_rng(11)
N, D = 160, 6
X = RNG.standard_normal((N, D))
X[:, 3] *= 3.0
Y2 = (X[:, 0] - 0.8 * X[:, 1] + 0.3 * X[:, 3] + RNG.logistic(size=N) > 0).astype(int)
Y3 = np.digitize(X[:, 0] + 0.6 * X[:, 2] + RNG.logistic(size=N), [-1.0, 1.0])
SW = RNG.uniform(0.5, 2.0, size=N)


def np_max_violation(X, y, sw, W, b, C, l1_ratio, multinomial, factors=None):
    """Largest optimality violation of sklearn's objective, from the textbook formulas.

    Objective: weighted mean log-loss + alpha * sum f (r |w| + (1 - r) / 2 w^2)
    with alpha = 1 / (C * sum(sw)). Zero coefficients: max(|g| - l1, 0);
    others: |g + l1 sign(w)|; the (unpenalized) intercept: |g_b|.
    """
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    W = np.atleast_2d(W)
    b = np.atleast_1d(b)
    _, gW, gb = np_loss_gradient(Xd, y, sw, W, b, multinomial)
    f = np.ones(W.shape[1]) if factors is None else np.asarray(factors, dtype=np.float64)
    alpha = 1.0 / (C * float(np.sum(sw)))
    l1, l2 = alpha * l1_ratio * f, alpha * (1 - l1_ratio) * f
    g = gW + l2 * W
    v = np.where(W != 0, np.abs(g + l1 * np.sign(W)), np.maximum(np.abs(g) - l1, 0.0))
    return max(float(v.max()), float(np.abs(gb).max()))


# -- regularization_path -----------------------------------------------------------


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("classes", [2, 3])
@pytest.mark.parametrize("sparse", [False, True])
def test_every_point_of_a_path_is_optimal_within_tol(l1_ratio, classes, sparse):
    y = Y2 if classes == 2 else Y3
    data = sp.csr_matrix(X) if sparse else X
    tol = 1e-6
    path = regularization_path(data, y, l1_ratio=l1_ratio, n_Cs=25, sample_weight=SW, tol=tol)
    assert len(path) >= 5
    assert np.all(np.diff(path.Cs) > 0) and np.all(np.diff(path.alphas) < 0)
    assert np.allclose(path.alphas, 1.0 / (path.Cs * SW.sum()))
    for C, W, b, reported in zip(path.Cs, path.coefs, path.intercepts, path.optimality):
        measured = np_max_violation(X, y, SW, W, b, C, l1_ratio, multinomial=classes > 2)
        assert measured <= tol * (1 + 1e-6)
        assert reported == pytest.approx(measured, rel=1e-3, abs=1e-12)
    assert path.coefs.shape == (len(path), 1 if classes == 2 else 3, D)
    assert np.array_equal(path.n_nonzero, np.count_nonzero(np.any(path.coefs != 0, axis=1), axis=1))


@pytest.mark.parametrize("l1_ratio", [1.0, 0.3])
@pytest.mark.parametrize("y", [Y2, Y3], ids=["binary", "multinomial"])
def test_path_starts_at_alpha_max_with_every_penalized_coefficient_zero(l1_ratio, y):
    path = regularization_path(X, y, l1_ratio=l1_ratio, n_Cs=10)
    assert np.all(path.coefs[0] == 0.0)
    assert np.any(path.coefs[1] != 0.0)
    assert path.alpha_max == pytest.approx(logreg.alpha_max(X, y, penalty="elasticnet", l1_ratio=l1_ratio))
    assert path.Cs[0] == pytest.approx(1.0 / (path.alpha_max * N))
    # glmnet's grid: n > d gives alpha_min = 1e-4 alpha_max
    full = regularization_path(X, y, l1_ratio=l1_ratio, n_Cs=10, early_stop=False)
    assert full.Cs[-1] / full.Cs[0] == pytest.approx(1e4)


def test_l2_path_starts_where_glmnet_starts_it():
    # No penalty zeroes an L2 fit: the grid starts at the alpha_max of l1_ratio=1e-3.
    path = regularization_path(X, Y2, l1_ratio=0.0, n_Cs=5, early_stop=False)
    a = logreg.alpha_max(X, Y2, penalty="elasticnet", l1_ratio=1e-3)
    assert path.Cs[0] == pytest.approx(1.0 / (a * N))
    assert np.abs(path.coefs[0]).max() < 0.05 * np.abs(path.coefs[-1]).max()


def _suppressor_data(seed=0):
    """x2 is nearly uncorrelated with y at the null model, but enters as soon as x1 does.

    With a small penalty factor on x2, the bound on its gradient moves slowly
    (slope 0.1) while its gradient moves fast: the sequential strong rule,
    which assumes a slope of at most 1 in units of the factor, discards x2
    just before it becomes active. Twenty noise columns make the screened
    fit run on a subset of the columns.
    """
    rng = np.random.default_rng(seed)
    n = 300
    x1 = rng.standard_normal(n)
    x2 = 0.9 * x1 + np.sqrt(1 - 0.81) * rng.standard_normal(n)
    X = np.column_stack([x1, x2, rng.standard_normal((n, 20))])
    y = (rng.random(n) < 1 / (1 + np.exp(-(4 * x1 - 3.6 * x2)))).astype(int)
    factors = np.ones(22)
    factors[1] = 0.1
    return X, y, factors


def test_kkt_check_brings_back_a_feature_the_strong_rule_wrongly_discarded():
    Xs, ys, factors = _suppressor_data()
    tol = 1e-8
    path = regularization_path(Xs, ys, n_Cs=30, C_min_ratio=1e-2, tol=tol, early_stop=False, penalty_factor=factors)
    # It happened: a discarded feature violated the optimality conditions and came back.
    assert path.n_readmitted.sum() >= 1
    assert path.n_screened[1] > 0  # screened fits ran (later, most columns survive: full fits)
    for C, W, b in zip(path.Cs, path.coefs, path.intercepts):
        assert np_max_violation(Xs, ys, np.ones(len(ys)), W, b, C, 1.0, False, factors) <= tol * (1 + 1e-6)
    plain = regularization_path(
        Xs, ys, n_Cs=30, C_min_ratio=1e-2, tol=tol, early_stop=False, penalty_factor=factors, screening=False
    )
    assert np.all(plain.n_screened == 0)
    np.testing.assert_allclose(path.coefs, plain.coefs, atol=1e-6)
    assert np.array_equal(path.coefs != 0, plain.coefs != 0)


def test_early_stop_ends_the_path_when_the_deviance_ratio_saturates():
    rng = np.random.default_rng(5)
    Xe = rng.standard_normal((200, 3))
    ye = (Xe[:, 0] + 0.05 * rng.standard_normal(200) > 0).astype(int)  # nearly separable
    path = regularization_path(Xe, ye, n_Cs=100)
    assert path.stopped_early and 5 <= len(path) < 100
    last, before = path.deviance_ratio[-1], path.deviance_ratio[-2]
    assert last > 0.999 or last - before < 1e-5 * last
    full = regularization_path(Xe, ye, n_Cs=100, early_stop=False)
    assert not full.stopped_early and len(full) == 100
    np.testing.assert_allclose(full.coefs[: len(path)], path.coefs, atol=1e-3)
    # dev.ratio: 0 at the null model, increasing along the path
    assert path.deviance_ratio[0] == pytest.approx(0.0, abs=1e-12)
    assert np.all(np.diff(full.deviance_ratio) > -1e-6)


def test_given_grid_is_solved_in_increasing_C_and_matches_single_fits():
    Cs = [10.0, 0.01, 1.0, 0.1]
    path = regularization_path(X, Y3, l1_ratio=0.5, Cs=Cs, tol=1e-8)
    assert np.array_equal(path.Cs, np.sort(Cs)) and not path.stopped_early
    for C, W, b in zip(path.Cs, path.coefs, path.intercepts):
        single = LogisticRegression(penalty="elasticnet", l1_ratio=0.5, C=C, tol=1e-8).fit(X, Y3)
        np.testing.assert_allclose(W, single.coef_, atol=2e-6)
        np.testing.assert_allclose(b, single.intercept_, atol=2e-6)


@pytest.mark.parametrize(
    "y, solver, l1_ratio",
    [
        (Y3, "newton-cholesky", 0.0),  # the chord-Newton path on a multinomial problem
        (Y2, "lbfgs", 0.0),
        (Y3, "newton-cg", 0.0),
        (Y2, "newton-cd", 0.0),
        (Y2, "saga", 1.0),
    ],
)
def test_path_with_each_solver_is_optimal(y, solver, l1_ratio):
    tol = 1e-6
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning
        path = regularization_path(X, y, l1_ratio=l1_ratio, Cs=np.logspace(-2, 2, 6), solver=solver, tol=tol,
                                   max_iter=10_000)
    for C, W, b in zip(path.Cs, path.coefs, path.intercepts):
        assert np_max_violation(X, y, np.ones(N), W, b, C, l1_ratio, y is Y3) <= tol * (1 + 1e-6)


def test_liblinear_path_penalizes_the_intercept_like_liblinear_fits():
    path = regularization_path(X, Y2, l1_ratio=1.0, Cs=[0.05, 0.5], solver="liblinear", intercept_scaling=2.0,
                               tol=1e-9)
    for C, W, b in zip(path.Cs, path.coefs, path.intercepts):
        single = LogisticRegression(penalty="l1", C=C, solver="liblinear", intercept_scaling=2.0, tol=1e-12)
        single.fit(X, Y2)
        np.testing.assert_allclose(W, single.coef_, atol=1e-6)
        np.testing.assert_allclose(b, single.intercept_, atol=1e-6)


def test_bounds_along_a_path():
    path = regularization_path(X, Y2, l1_ratio=1.0, n_Cs=8, lower_bounds=0.0, tol=1e-8)
    assert np.all(path.coefs >= 0)
    for C, W, b in zip(path.Cs, path.coefs, path.intercepts):
        ref = LogisticRegression(penalty="l1", C=C, lower_bounds=0.0, tol=1e-10).fit(X, Y2)
        np.testing.assert_allclose(W, ref.coef_, atol=1e-6)


def test_one_vs_rest_path_has_a_row_per_class():
    path = regularization_path(X, Y3, l1_ratio=1.0, n_Cs=8, multi_class="ovr", tol=1e-7)
    assert path.coefs.shape == (len(path), 3, D) and not path.multinomial
    for C, W, b in zip(path.Cs, path.coefs, path.intercepts):
        for k in range(3):
            yk = (Y3 == k).astype(int)
            assert np_max_violation(X, yk, np.ones(N), W[k], b[k], C, 1.0, False) <= 1e-7 * (1 + 1e-6)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"l1_ratio": 1.5}, "l1_ratio"),
        ({"Cs": [1.0, -1.0]}, "Cs"),
        ({"n_Cs": 0}, "n_Cs"),
        ({"C_min_ratio": 2.0}, "C_min_ratio"),
        ({"C": 1.0}, "Cs="),
        ({"lower_bounds": 0.5}, "give Cs"),
    ],
)
def test_path_bad_input(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        regularization_path(X, Y2, **kwargs)


# -- LogisticRegressionCV vs scikit-learn's ---------------------------------------


def _folds(y, k=4):
    return list(StratifiedKFold(k, shuffle=True, random_state=0).split(X, y))


def _sklearn_cv(**kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SkLogisticRegressionCV(use_legacy_attributes=True, **kwargs)


@pytest.mark.parametrize(
    "y, scoring, extra",
    [
        (Y2, "neg_log_loss", {}),
        (Y2, "accuracy", {}),
        (Y3, "neg_log_loss", {}),
        (Y2, "roc_auc", {"class_weight": "balanced"}),
        (Y3, "neg_log_loss", {"fit_intercept": False}),
    ],
)
def test_same_choice_and_refit_as_sklearn_with_l2(y, scoring, extra):
    folds = _folds(y)
    sk = _sklearn_cv(
        Cs=8, cv=folds, scoring=scoring, solver="newton-cholesky", tol=1e-12, max_iter=1000, l1_ratios=(0,), **extra
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.fit(X, y)
    ours = LogisticRegressionCV(Cs=8, cv=folds, scoring=scoring, tol=1e-9, **extra).fit(X, y)
    _compare(ours, sk, l1_axis=False)


def _compare(ours, sk, l1_axis):
    np.testing.assert_array_equal(ours.C_, sk.C_)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_, atol=1e-6)
    np.testing.assert_allclose(ours.Cs_, sk.Cs_)
    assert list(ours.scores_) == list(sk.scores_) and list(ours.coefs_paths_) == list(sk.coefs_paths_)
    for k in sk.scores_:
        expected_scores = sk.scores_[k] if l1_axis else sk.scores_[k][..., 0]
        expected_paths = sk.coefs_paths_[k] if l1_axis else sk.coefs_paths_[k][..., 0, :]
        assert ours.scores_[k].shape == expected_scores.shape
        np.testing.assert_allclose(ours.scores_[k], expected_scores, atol=1e-6)
        assert ours.coefs_paths_[k].shape == expected_paths.shape
        np.testing.assert_allclose(ours.coefs_paths_[k], expected_paths, atol=2e-5)
    assert ours.n_iter_.shape == (sk.n_iter_.shape if l1_axis else sk.n_iter_.shape[:-1])
    assert ours.C_.shape == sk.C_.shape and ours.l1_ratio_.shape == sk.l1_ratio_.shape
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-6)


def test_same_choice_and_refit_as_sklearn_with_l1_liblinear():
    # liblinear's objective (penalized intercept) in both; the l1_ratio axis kept as scikit-learn keeps it.
    folds = _folds(Y2)
    sk = _sklearn_cv(Cs=6, cv=folds, scoring="neg_log_loss", solver="liblinear", tol=1e-12, l1_ratios=(1,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.fit(X, Y2)
    ours = LogisticRegressionCV(Cs=6, cv=folds, scoring="neg_log_loss", solver="liblinear", tol=1e-10, l1_ratios=(1.0,))
    ours.fit(X, Y2)
    _compare(ours, sk, l1_axis=True)
    np.testing.assert_array_equal(ours.l1_ratio_, [1.0])


def test_sample_weight_and_refit_false_average_like_sklearn():
    folds = _folds(Y3)
    kwargs = dict(Cs=6, cv=folds, scoring="neg_log_loss", refit=False)
    sk = _sklearn_cv(solver="newton-cholesky", tol=1e-12, max_iter=1000, l1_ratios=(0,), **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.fit(X, Y3, sample_weight=SW)
    ours = LogisticRegressionCV(tol=1e-9, **kwargs).fit(X, Y3, sample_weight=SW)
    np.testing.assert_allclose(ours.C_, sk.C_)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.scores_[0], sk.scores_[0][..., 0], atol=1e-6)


def test_elasticnet_grid_over_l1_ratios():
    folds = _folds(Y2)
    model = LogisticRegressionCV(
        Cs=5, l1_ratios=[0.2, 0.8], penalty="elasticnet", cv=folds, scoring="neg_log_loss", tol=1e-8
    )
    model.fit(X, Y2)
    assert model.scores_[1].shape == (4, 5, 2) and model.coefs_paths_[1].shape == (4, 5, 2, D + 1)
    assert model.n_iter_.shape == (1, 4, 5, 2)
    total = model.scores_[1].sum(axis=0)
    i, j = np.unravel_index(np.argmax(total), total.shape)
    assert model.C_[0] == model.Cs_[i] and model.l1_ratio_[0] == [0.2, 0.8][j]
    ref = LogisticRegression(penalty="elasticnet", l1_ratio=model.l1_ratio_[0], C=model.C_[0], tol=1e-10).fit(X, Y2)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-6)
    # every fold's path is optimal for its training rows
    for f, (train, _) in enumerate(folds):
        for c, C in enumerate(model.Cs_):
            for r, ratio in enumerate([0.2, 0.8]):
                w = model.coefs_paths_[1][f, c, r]
                v = np_max_violation(X[train], Y2[train], np.ones(len(train)), w[:D], w[D], C, ratio, False)
                assert v <= 1e-8 * (1 + 1e-6)


def test_fast_scorers_equal_sklearn_scorers():
    from logreg.model_selection import _FoldModel, _fold_scorer

    for y in (Y2, Y3):
        classes = np.unique(y)
        model = LogisticRegression(C=0.3).fit(X, y)
        fold = _FoldModel()
        fold.classes_, fold.coef_, fold.intercept_ = model.classes_, model.coef_, model.intercept_
        fold._multinomial, fold.n_features_in_ = model._multinomial, D
        for name in ("accuracy", "neg_log_loss"):
            for weight in (None, SW):
                kw = {} if weight is None else {"sample_weight": weight}
                expected = get_scorer(name)(model, X, y, **kw)
                assert _fold_scorer(name, classes)(fold, X, y, y, weight) == pytest.approx(expected, rel=1e-13)


def test_sparse_and_dataframe_inputs_and_string_labels_give_the_same_fit():
    pd = pytest.importorskip("pandas")
    folds = _folds(Y3)
    labels = np.array(["a", "b", "c"])[Y3]
    kwargs = dict(Cs=4, cv=folds, penalty="l1", scoring="neg_log_loss", tol=1e-8)
    dense = LogisticRegressionCV(**kwargs).fit(X, labels)
    sparse = LogisticRegressionCV(**kwargs).fit(sp.csr_matrix(X), labels)
    frame = LogisticRegressionCV(**kwargs).fit(pd.DataFrame(X, columns=list("uvwxyz")), labels)
    assert list(dense.scores_) == ["a", "b", "c"]
    for other in (sparse, frame):
        np.testing.assert_allclose(other.coef_, dense.coef_, atol=1e-7)
        np.testing.assert_allclose(other.scores_["b"], dense.scores_["b"], atol=1e-9)
    assert list(frame.feature_names_in_) == list("uvwxyz")
    assert set(dense.predict(X)) <= {"a", "b", "c"}


def test_a_class_missing_from_a_training_fold():
    # class 2 appears only in the last test fold: that fold's model never sees it
    y = Y3.copy()
    rare = np.flatnonzero(y == 2)[:6]
    y[y == 2] = 1
    y[rare] = 2
    test_last = np.zeros(N, dtype=bool)
    test_last[rare] = True
    test_last[np.flatnonzero(~test_last)[:34]] = True
    folds = [(np.flatnonzero(~test_last), np.flatnonzero(test_last))] + _folds(y, k=3)[:2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegressionCV(Cs=4, cv=folds, scoring="neg_log_loss").fit(X, y)
    assert np.all(np.isfinite(model.scores_[0]))
    assert model.coefs_paths_[2].shape == (3, 4, D + 1)


def test_one_vs_rest_cv_and_penalty_factor():
    folds = _folds(Y3)
    factors = np.r_[0.0, np.ones(D - 1)]
    model = LogisticRegressionCV(
        Cs=4, cv=folds, multi_class="ovr", penalty="l1", penalty_factor=factors, tol=1e-8, scoring="neg_log_loss"
    ).fit(X, Y3)
    assert model.coef_.shape == (3, D) and not model._multinomial
    ref = LogisticRegression(
        C=model.C_[0], multi_class="ovr", penalty="l1", penalty_factor=factors, tol=1e-10
    ).fit(X, Y3)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-6)
    assert np.all(model.coef_[:, 0] != 0)  # unpenalized feature
    for f, (train, _) in enumerate(folds):
        for c, C in enumerate(model.Cs_):
            for k in range(3):
                w = model.coefs_paths_[k][f, c]
                yk = (Y3[train] == k).astype(int)
                v = np_max_violation(X[train], yk, np.ones(len(train)), w[:D], w[D], C, 1.0, False, factors)
                assert v <= 1e-8 * (1 + 1e-6)


# -- selection="1se", parallel folds, progress bar ----------------------------------------


def test_one_standard_error_rule():
    folds = _folds(Y3, k=5)
    common = dict(Cs=12, cv=folds, scoring="neg_log_loss")
    best = LogisticRegressionCV(**common).fit(X, Y3)
    one_se = LogisticRegressionCV(selection="1se", **common).fit(X, Y3)
    scores = one_se.scores_[0]
    mean, se = scores.mean(axis=0), scores.std(axis=0, ddof=1) / np.sqrt(5)
    i_best = int(np.argmax(scores.sum(axis=0)))
    assert best.C_[0] == best.Cs_[i_best] == one_se.C_min_
    assert one_se.C_[0] == one_se.C_1se_ <= best.C_[0]
    i = int(np.flatnonzero(one_se.Cs_ == one_se.C_[0])[0])
    assert mean[i] >= mean[i_best] - se[i_best]
    # the smallest such C: the next smaller one is out of the band (when there is one)
    if i > 0:
        assert mean[i - 1] < mean[i_best] - se[i_best]
    ref = LogisticRegression(C=one_se.C_[0], tol=1e-10).fit(X, Y3)
    np.testing.assert_allclose(one_se.coef_, ref.coef_, atol=1e-3)


def test_parallel_folds_give_the_same_fit():
    folds = _folds(Y2)
    one = LogisticRegressionCV(Cs=5, cv=folds, penalty="l1").fit(X, Y2)
    two = LogisticRegressionCV(Cs=5, cv=folds, penalty="l1", n_jobs=2).fit(X, Y2)
    np.testing.assert_array_equal(one.coef_, two.coef_)
    np.testing.assert_array_equal(one.scores_[1], two.scores_[1])


def test_progress_bar_when_verbose(capsys):
    LogisticRegressionCV(Cs=3, cv=3, verbose=1).fit(X, Y2)
    err = capsys.readouterr().err
    assert "LogisticRegressionCV" in err and "9/9" in err
    LogisticRegressionCV(Cs=3, cv=3).fit(X, Y2)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    "params, match",
    [
        ({"selection": "best"}, "selection"),
        ({"penalty": None}, "penalty"),
        ({"penalty": "elasticnet"}, "l1_ratios"),
        ({"l1_ratios": [0.5, 2.0]}, "l1_ratios"),
        ({"penalty": "l1", "l1_ratios": [0.5]}, "l1_ratios"),
        ({"Cs": 0}, "Cs"),
        ({"Cs": [1.0, np.nan]}, "Cs"),
    ],
)
def test_cv_bad_input(params, match):
    with pytest.raises(ValueError, match=match):
        LogisticRegressionCV(**params).fit(X, Y2)


@parametrize_with_checks([LogisticRegressionCV(Cs=3, cv=3)])
def test_sklearn_compatible_cv_estimator(estimator, check):
    check(estimator)


# -- plots ----------------------------------------------------------------------------------


def test_path_plot_draws_one_line_per_coefficient():
    from logreg.plot import RegularizationPathDisplay

    path = regularization_path(X, Y3, n_Cs=10)
    disp = RegularizationPathDisplay.from_path(path, feature_names=list("abcdef"))
    assert len(disp.lines_) == 3 * D
    np.testing.assert_allclose(disp.lines_[0].get_xdata(), np.log10(path.Cs))
    np.testing.assert_allclose(disp.lines_[D + 2].get_ydata(), path.coefs[:, 1, 2])
    assert disp.ax_.get_xlabel() == "log10(C)" and disp.top_ax_ is not None
    plt.close(disp.figure_)


def test_cv_curve_marks_the_chosen_and_one_standard_error_C():
    from logreg.plot import CVCurveDisplay, RegularizationPathDisplay

    model = LogisticRegressionCV(Cs=8, cv=_folds(Y2, k=5), scoring="neg_log_loss", selection="1se").fit(X, Y2)
    disp = CVCurveDisplay.from_estimator(model)
    scores = model.scores_[1]
    np.testing.assert_allclose(disp.mean_, scores.mean(axis=0))
    np.testing.assert_allclose(disp.se_, scores.std(axis=0, ddof=1) / np.sqrt(5))
    line, (bars,) = disp.errorbar_.lines[0], disp.errorbar_.lines[2]
    np.testing.assert_allclose(line.get_xdata(), np.log10(model.Cs_))
    assert len(bars.get_segments()) == 8
    assert disp.marks_["chosen C"].get_xdata()[0] == pytest.approx(np.log10(model.C_[0]))
    if model.C_min_ != model.C_[0]:
        assert disp.marks_["best mean score"].get_xdata()[0] == pytest.approx(np.log10(model.C_min_))
    path_disp = RegularizationPathDisplay.from_estimator(model)
    assert len(path_disp.lines_) == D and "chosen C" in path_disp.marks_
    plt.close("all")

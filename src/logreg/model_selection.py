"""``logreg.LogisticRegressionCV``: choose C (and l1_ratio) by cross-validation.

Each fold fits its whole path of penalties with warm starts, from the
strongest penalty (smallest C) to the weakest, with the strong-rule
screening of :mod:`logreg.paths` for L1 and elastic-net; the folds (times
the l1_ratios) run in parallel with joblib. Everything else follows
scikit-learn's ``LogisticRegressionCV`` (its attributes in their legacy
layout, scikit-learn's default in 1.9): the grid ``np.logspace(-4, 4, Cs)``
for an integer ``Cs``, the scoring, the refit at the best C warm-started at
the folds' mean, and ``refit=False``'s averaging. ``selection="1se"`` adds
cv.glmnet's one-standard-error rule.
"""

from __future__ import annotations

import inspect
import numbers
from types import SimpleNamespace

import numpy as np
from joblib import Parallel, delayed
from scipy.special import expit
from sklearn.metrics import get_scorer, make_scorer
from sklearn.model_selection import check_cv
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import check_is_fitted

from . import _validation as v
from .estimator import LogisticRegression
from ._pathwise import PlanPath, check_Cs, progress, solver_for

_SELECTIONS = ("min", "1se")


class LogisticRegressionCV(LogisticRegression):
    """Logistic regression with C (and l1_ratio) chosen by cross-validation.

    Parameters
    ----------
    Cs : int or array-like of float, default=10
        The values of C to try; an integer ``k`` means ``np.logspace(-4, 4, k)``
        (scikit-learn's grid). Each fold solves them from the smallest C up,
        warm-starting each at the previous solution.
    l1_ratios : array-like of float in [0, 1], optional
        Elastic-net mixings to try (0 = L2, 1 = L1); required with
        ``penalty="elasticnet"``. Given with the default ``penalty="l2"`` they
        select the penalty alone (scikit-learn >= 1.8's spelling). With
        ``l1_ratios=None`` the attributes have no l1_ratio axis.
    cv : int, cross-validation generator or iterable, default=5
        As scikit-learn's ``check_cv`` takes it (stratified k-fold for an integer).
    scoring : str, callable or None, default=None
        A scikit-learn scorer name or callable; None is accuracy. The fold
        scores weigh the test rows by ``sample_weight`` when it is given, as
        scikit-learn's do. Accuracy and ``"neg_log_loss"`` are computed
        directly (the same numbers as scikit-learn's scorers, without their
        per-call input checks), other scorings through scikit-learn.
    solver : str, default="auto"
        Any :class:`~logreg.LogisticRegression` solver. ``"liblinear"`` means
        liblinear's objective (penalized intercept).
    tol : float, default=1e-4
        Every fit, along the paths and at the refit, stops when the largest
        violation of its optimality conditions is at most ``tol``.
    max_iter : int, default=100
        Solver iterations per penalty.
    class_weight : None, "balanced" or dict, default=None
        "balanced" is computed once on the whole of y (as scikit-learn does) and
        applied as the same dict in every fold and the refit.
    n_jobs : int or None, default=None
        Threads fitting the folds (times the l1_ratios) in parallel (joblib's
        threading backend: no copy of X per worker; the BLAS products and
        NumPy's elementwise work release the GIL).
    verbose : int, default=0
        > 0: a progress bar over folds and penalties. With 0 a bar appears
        only on a terminal, once a fit has run for 10 seconds.
    refit : bool, default=True
        True: refit on all the data at the chosen C and l1_ratio, warm-started
        at the folds' mean solution there. False: average the coefficients
        (and C, l1_ratio) of each fold's best point (with ``selection="1se"``,
        of every fold's point at the one-standard-error C).
    multi_class : {"auto", "ovr", "multinomial"}, default="auto"
    random_state : None, int or RandomState
        Accepted for compatibility; the solvers are deterministic (the
        splitter's own ``random_state`` decides the folds).
    penalty : {"l2", "l1", "elasticnet"}, default="l2"
    fit_intercept : bool, default=True
    intercept_scaling : float, default=1.0
        Only with ``solver="liblinear"``.
    penalty_factor : array of shape (n_features,), optional
        Per-feature multipliers of the penalty (0 = unpenalized).
    selection : {"min", "1se"}, default="min"
        "min": the C (and l1_ratio) of the best mean score. "1se": at the best
        l1_ratio, the smallest C (strongest penalty) whose mean score is within
        one standard error (over the folds) of the best, cv.glmnet's
        ``lambda.1se``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    Cs_ : ndarray of shape (n_cs,)
        The grid, in the order given.
    l1_ratios_ : ndarray of shape (n_l1_ratios,)
        The l1_ratios tried (``[0.0]`` for l2, ``[1.0]`` for l1 when
        ``l1_ratios=None``, where scikit-learn reports ``[None]``).
    C_ : ndarray of shape (1,) or (n_classes,)
        The chosen C, repeated per class for more than two classes.
    l1_ratio_ : ndarray of shape (1,) or (n_classes,)
    scores_ : dict
        Class label (the positive class only when binary) -> scores of shape
        (n_folds, n_cs) or (n_folds, n_cs, n_l1_ratios); the same array for
        every class.
    coefs_paths_ : dict
        Class label -> coefficients (intercept last) of shape
        (n_folds, n_cs, n_dof) or (n_folds, n_cs, n_l1_ratios, n_dof).
    n_iter_ : ndarray of shape (1, n_folds, n_cs) or (1, n_folds, n_cs, n_l1_ratios)
        Solver iterations at each point (the largest over one-vs-rest classes);
        a point whose warm start already satisfied ``tol`` counts 1, the pass
        that checked it.
    C_min_, C_1se_ : float
        The C of the best mean score and the one-standard-error C, at the
        chosen l1_ratio, whichever ``selection`` picked.
    n_features_in_, feature_names_in_
    """

    def __init__(
        self,
        *,
        Cs=10,
        l1_ratios=None,
        cv=5,
        scoring=None,
        solver="auto",
        tol=1e-4,
        max_iter=100,
        class_weight=None,
        n_jobs=None,
        verbose=0,
        refit=True,
        multi_class="auto",
        random_state=None,
        penalty="l2",
        fit_intercept=True,
        intercept_scaling=1.0,
        penalty_factor=None,
        selection="min",
    ):
        self.Cs = Cs
        self.l1_ratios = l1_ratios
        self.cv = cv
        self.scoring = scoring
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.class_weight = class_weight
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.refit = refit
        self.multi_class = multi_class
        self.random_state = random_state
        self.penalty = penalty
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.penalty_factor = penalty_factor
        self.selection = selection

    # -- parameters -------------------------------------------------------------------
    def _grid(self):
        Cs = self.Cs
        if isinstance(Cs, numbers.Integral) and not isinstance(Cs, bool):
            if Cs < 1:
                raise ValueError(f"Cs must be a positive integer or an array of positive numbers, got {Cs!r}")
            return np.logspace(-4, 4, int(Cs))
        if isinstance(Cs, (bool, str)) or np.ndim(Cs) != 1:
            raise ValueError(f"Cs must be a positive integer or a 1-d array of positive numbers, got {Cs!r}")
        return check_Cs(Cs)

    def _l1_grid(self):
        """(l1_ratios tried, whether the attributes carry an l1_ratio axis)."""
        ratios = self.l1_ratios
        if ratios is not None:
            values = np.asarray(ratios, dtype=object).ravel() if not isinstance(ratios, str) else None
            ok = values is not None and values.size > 0 and all(
                isinstance(r, numbers.Real) and not isinstance(r, bool) and 0 <= r <= 1 for r in values
            )
            if not ok:
                raise ValueError(f"l1_ratios must be a non-empty array of numbers in [0, 1], got {ratios!r}")
            values = np.asarray(values, dtype=np.float64)
        if self.penalty == "elasticnet":
            if ratios is None:
                raise ValueError("penalty='elasticnet' needs l1_ratios, an array of numbers in [0, 1]")
            return values, True
        if self.penalty == "l1":
            if ratios is not None:
                raise ValueError(
                    "l1_ratios is for penalty='elasticnet' (or the default 'l2'); penalty='l1' means l1_ratio=1"
                )
            return np.array([1.0]), False
        if self.penalty == "l2":
            return (np.array([0.0]), False) if ratios is None else (values, True)
        raise ValueError(
            f"penalty must be 'l2', 'l1' or 'elasticnet' (cross-validation tunes a penalty), got {self.penalty!r}"
        )

    def _estimator_params(self, class_weight):
        return dict(
            penalty="elasticnet",
            tol=self.tol,
            fit_intercept=self.fit_intercept,
            intercept_scaling=self.intercept_scaling,
            class_weight=class_weight,
            solver=self.solver,
            max_iter=self.max_iter,
            multi_class=self.multi_class,
            penalty_factor=self.penalty_factor,
        )

    def _scorer(self):
        return get_scorer("accuracy" if self.scoring is None else self.scoring)

    # -- fitting ----------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None):
        """Fit every fold's path, choose C (and l1_ratio), and refit.

        Returns
        -------
        self
        """
        Cs = self._grid()
        l1_ratios, l1_axis = self._l1_grid()
        if self.selection not in _SELECTIONS:
            raise ValueError(f"selection must be one of {_SELECTIONS}, got {self.selection!r}")
        if not isinstance(self.refit, (bool, np.bool_)):
            raise ValueError(f"refit must be True or False, got {self.refit!r}")
        sw_given = sample_weight is not None
        X, y, classes, y_enc, sample_weight = v.validate_fit_data(self, X, y, sample_weight)
        class_weight = self.class_weight
        if isinstance(class_weight, str) and class_weight == "balanced":
            # On the whole of y, once: every fold and the refit use the same weights.
            weights = compute_class_weight("balanced", classes=classes, y=y, sample_weight=sample_weight)
            class_weight = dict(zip(classes.tolist(), weights))
        params = self._estimator_params(class_weight)
        for ratio in l1_ratios:  # every parameter error before any fit
            LogisticRegression(l1_ratio=float(ratio), **params)._check_params()
        if class_weight is not None:
            v.class_weights_per_sample(class_weight, classes, y_enc, sample_weight)
        folds = list(check_cv(self.cv, y, classifier=True).split(X, y))
        scorer = _fold_scorer(self.scoring, classes)

        tasks = [(f, j) for f in range(len(folds)) for j in range(len(l1_ratios))]
        total = len(tasks) * Cs.size
        common = dict(
            X=X, y=y, y_enc=y_enc, sample_weight=sample_weight, sw_given=sw_given, classes=classes, Cs=Cs,
            params=params, scorer=scorer,
        )
        with progress(total, self.verbose, "LogisticRegressionCV") as bar:
            if self.n_jobs in (None, 1) or len(tasks) == 1:
                out = [
                    _fold_path(train=folds[f][0], test=folds[f][1], l1_ratio=l1_ratios[j], tick=bar.update, **common)
                    for f, j in tasks
                ]
            else:
                jobs = Parallel(n_jobs=self.n_jobs, prefer="threads", return_as="generator")(
                    delayed(_fold_path)(train=folds[f][0], test=folds[f][1], l1_ratio=l1_ratios[j], tick=None, **common)
                    for f, j in tasks
                )
                out = []
                for result in jobs:
                    out.append(result)
                    bar.update(Cs.size)

        n_folds, n_l1, n_cs = len(folds), len(l1_ratios), Cs.size
        scores = np.array([o.scores for o in out]).reshape(n_folds, n_l1, n_cs).transpose(0, 2, 1)
        n_iter = np.array([o.n_iter for o in out]).reshape(n_folds, n_l1, n_cs).transpose(0, 2, 1)
        # paths: (n_folds, n_cs, n_l1, n_rows, n_dof)
        paths = np.array([o.coefs for o in out])
        paths = paths.reshape(n_folds, n_l1, *paths.shape[1:]).transpose(0, 2, 1, 3, 4)
        raw = [[out[f * n_l1 + j].raw for j in range(n_l1)] for f in range(n_folds)]  # [fold][l1][c] -> keys

        best_c, best_l = self._select(scores, Cs)
        self.Cs_ = Cs
        self.l1_ratios_ = l1_ratios
        self.classes_ = classes
        self._multinomial = out[0].multinomial
        n_classes = classes.size
        repeat = 1 if n_classes == 2 else n_classes
        self._refit_model = None
        if self.refit:
            C, l1_ratio = float(Cs[best_c]), float(l1_ratios[best_l])
            n_keys = len(raw[0][0][0])
            warm = [np.mean([raw[f][best_l][best_c][k] for f in range(n_folds)], axis=0) for k in range(n_keys)]
            self._refit(X, classes, y_enc, sample_weight, params, C, l1_ratio, warm)
        else:
            # Each fold's own best point; coefficients, C and l1_ratio averaged.
            per_fold = [np.unravel_index(np.argmax(scores[f]), scores[f].shape) for f in range(n_folds)]
            if self.selection == "1se":
                per_fold = [(best_c, best_l)] * n_folds
            w = np.mean([paths[f, c, l] for f, (c, l) in enumerate(per_fold)], axis=0)
            self.coef_ = w[:, : X.shape[1]]
            self.intercept_ = w[:, X.shape[1]] if self.fit_intercept else np.zeros(w.shape[0])
            C = float(np.mean([Cs[c] for c, _ in per_fold]))
            l1_ratio = float(np.mean([l1_ratios[l] for _, l in per_fold]))
        self.C_ = np.full(repeat, C)
        self.l1_ratio_ = np.full(repeat, l1_ratio)

        keys = classes[1:] if n_classes == 2 else classes
        if not l1_axis:
            scores, n_iter, paths = scores[:, :, 0], n_iter[:, :, 0], paths[:, :, 0]
        self.scores_ = {k: scores.copy() for k in keys}
        # paths[..., row, dof]: one row per class (a single row when binary).
        self.coefs_paths_ = {k: paths[..., min(i, paths.shape[-2] - 1), :] for i, k in enumerate(keys)}
        self.n_iter_ = n_iter[None]
        return self

    def _select(self, scores, Cs):
        """(C index, l1_ratio index) of the chosen point; sets C_min_ and C_1se_.

        scores: (n_folds, n_cs, n_l1). "min" is scikit-learn's argmax of the
        sum over folds (first index on ties).
        """
        total = scores.sum(axis=0)
        best_c, best_l = np.unravel_index(np.argmax(total), total.shape)
        n_folds = scores.shape[0]
        mean = scores.mean(axis=0)[:, best_l]
        se = scores.std(axis=0, ddof=1)[:, best_l] / np.sqrt(n_folds) if n_folds > 1 else np.zeros(len(Cs))
        within = np.flatnonzero(mean >= mean[best_c] - se[best_c])
        one_se = within[np.argmin(Cs[within])]
        self.C_min_, self.C_1se_ = float(Cs[best_c]), float(Cs[one_se])
        if self.selection == "1se":
            return int(one_se), int(best_l)
        return int(best_c), int(best_l)

    def _refit(self, X, classes, y_enc, sample_weight, params, C, l1_ratio, warm):
        from dataclasses import replace

        from ._fitting import solve_problem

        model = LogisticRegression(C=C, l1_ratio=l1_ratio, **params)
        C, l1_ratio, liblinear = model._check_params()
        plan = model._plan(X, classes, y_enc, sample_weight, C, l1_ratio, liblinear)
        solver = solver_for(model, l1_ratio, liblinear)
        outputs = []
        for key, start in zip(plan.keys, warm):
            problem = replace(plan.problem_for(key), stopping="optimality")
            outputs.append((problem, solve_problem(problem, solver, start, tol=self.tol, max_iter=self.max_iter)))
        model._store(outputs, plan.multinomial, classes.size, X.shape[1])
        model.classes_, model.n_features_in_ = classes, X.shape[1]
        if hasattr(self, "feature_names_in_"):
            model.feature_names_in_ = self.feature_names_in_
        self.coef_, self.intercept_ = model.coef_, model.intercept_
        self.solver_ = model.solver_
        self._refit_model = model

    # Prediction (decision_function, predict, predict_proba, predict_log_proba)
    # is LogisticRegression's, inherited, as scikit-learn's LogisticRegressionCV
    # inherits LogisticRegression's.

    def results(self, X=None, y=None, sample_weight=None):
        """statsmodels-style results of the refit at ``C_`` (see :meth:`LogisticRegression.results`)."""
        check_is_fitted(self)
        refit = getattr(self, "_refit_model", None)
        if refit is None:
            raise TypeError(
                "refit=False averages the folds' coefficients, which is no fit of any one problem: "
                "results()/summary() need refit=True"
            )
        return refit.results(X, y, sample_weight)

    def score(self, X, y, sample_weight=None):
        """The ``scoring`` metric (accuracy by default) of the fitted model on (X, y)."""
        check_is_fitted(self)
        kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
        return self._scorer()(self, X, y, **kwargs)


def _with_labels(scorer, classes):
    """The scorer with ``labels=classes`` when its metric takes labels.

    A test fold may lack a class; metrics such as log-loss then need the full
    list (scikit-learn's LogisticRegressionCV does the same).
    """
    func = getattr(scorer, "_score_func", None)
    if func is None or "labels" not in inspect.signature(func).parameters:
        return scorer
    kwargs = dict(getattr(scorer, "_kwargs", {}))
    if classes.size <= 2 and "pos_label" in inspect.signature(func).parameters:
        kwargs.setdefault("pos_label", classes[-1])
    kwargs["labels"] = classes
    return make_scorer(
        func,
        greater_is_better=scorer._sign == 1,
        response_method=scorer._response_method,
        **kwargs,
    )


def _fold_path(*, X, y, y_enc, sample_weight, sw_given, classes, Cs, params, scorer, train, test, l1_ratio, tick):
    """One fold's path at one l1_ratio: coefficients, scores and iterations at every C.

    Returns arrays in the order of ``Cs`` (solved from the smallest C up).
    """
    model = _FoldModel(l1_ratio=float(l1_ratio), **params)
    _, l1_ratio, liblinear = model._check_params()
    d = X.shape[1]
    plan = model._plan(X[train], classes, y_enc[train], sample_weight[train], 1.0, l1_ratio, liblinear)
    path = PlanPath(
        model,
        plan,
        n_features=d,
        n_classes=classes.size,
        l1_ratio=l1_ratio,
        solver=solver_for(model, l1_ratio, liblinear),
        tol=model.tol,
        max_iter=model.max_iter,
        screening=True,
    )
    model.classes_ = classes
    model.n_features_in_ = d
    X_test = X[test]
    test_weight = sample_weight[test] if sw_given else None
    n_cs = Cs.size
    coefs, raw, scores, n_iter = [None] * n_cs, [None] * n_cs, np.empty(n_cs), np.zeros(n_cs, dtype=np.int64)
    previous = None
    for i in np.argsort(Cs, kind="stable"):
        keys_coef, info = path.step(Cs[i])
        W = model.coef_
        b = model.intercept_
        coefs[i] = np.column_stack([W, b]) if model.fit_intercept else W.copy()
        raw[i] = keys_coef
        # A warm start already optimal costs one pass (the optimality check): counted as 1.
        n_iter[i] = max(info.max_n_iter, 1)
        if info.n_iter == 0 and previous is not None:
            scores[i] = previous  # the same coefficients as at the previous C: the same score
        else:
            scores[i] = scorer(model, X_test, y[test], y_enc[test], test_weight)
        previous = scores[i]
        if tick is not None:
            tick(1)
    return SimpleNamespace(coefs=np.array(coefs), raw=raw, scores=scores, n_iter=n_iter, multinomial=plan.multinomial)


class _FoldModel(LogisticRegression):
    """The model of one fold at one point of its path, as the scorers see it.

    Its test data were validated once with the training data, so predictions
    skip the per-call validation (a few milliseconds per call, which adds up
    over folds times penalties).
    """

    def decision_function(self, X):
        return self._scores(X)


def _fold_scorer(scoring, classes):
    """score(model, X_test, y_test, y_test_encoded, sample_weight) for the folds.

    Accuracy (the default) and log-loss, the common choices, are computed
    here exactly as scikit-learn's ``accuracy_score`` and ``log_loss`` compute
    them (the same clipping of probabilities at machine epsilon), without
    their per-call input checks; any other scoring goes through scikit-learn's
    scorer, with ``labels=classes`` when its metric takes labels.
    """
    if scoring is None or (isinstance(scoring, str) and scoring == "accuracy"):

        def accuracy(model, X, y, y_enc, weight):
            scores = model.decision_function(X)
            pred = (scores > 0).astype(np.intp) if scores.ndim == 1 else np.argmax(scores, axis=1)
            return float(np.average(pred == y_enc, weights=weight))

        return accuracy
    if isinstance(scoring, str) and scoring == "neg_log_loss":

        def neg_log_loss(model, X, y, y_enc, weight):
            scores = model._scores(X)  # X was validated with the training data
            if scores.ndim == 1 and not model._multinomial:
                # scikit-learn's scorer passes P(positive) and forms 1 - p itself.
                p1 = expit(scores)
                p_true = np.where(y_enc == 1, p1, 1.0 - p1)
            else:
                proba = np.exp(model._log_proba(scores))
                if proba.shape[1] == 2:
                    proba[:, 0] = 1.0 - proba[:, 1]
                p_true = proba[np.arange(proba.shape[0]), y_enc]
            eps = np.finfo(np.float64).eps
            return -float(np.average(-np.log(np.clip(p_true, eps, 1 - eps)), weights=weight))

        return neg_log_loss
    scorer = _with_labels(get_scorer(scoring), classes)

    def generic(model, X, y, y_enc, weight):
        return scorer(model, X, y) if weight is None else scorer(model, X, y, sample_weight=weight)

    return generic

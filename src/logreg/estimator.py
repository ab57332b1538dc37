"""``logreg.LogisticRegression``: the scikit-learn front-end.

It accepts both the tutorial's spelling (``penalty=``, ``multi_class=``) and
scikit-learn >= 1.8's (``l1_ratio`` alone, ``C=np.inf`` for no penalty),
turns the data into one binary problem, one multinomial problem or one binary
problem per class (one-vs-rest), and stores what the solvers return in
scikit-learn's attributes. It computes no loss and knows no solver internals.
"""

from __future__ import annotations

import warnings
from typing import Callable, NamedTuple

import numpy as np
from joblib import Parallel, delayed
from scipy.special import log_expit, log_softmax, logsumexp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from . import _validation as v
from ._fitting import build_problem, solve_problem
from .exceptions import SeparationWarning

_PENALTIES = ("l2", "l1", "elasticnet", "none", None)


class _Plan(NamedTuple):
    """What a fit solves: problem keys, the model kind and a problem factory."""

    keys: list
    multinomial: bool
    problem_for: Callable
_MULTI_CLASS = ("auto", "ovr", "multinomial")


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression classifier (binary, multinomial or one-vs-rest).

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet", None, "none"}, default="l2"
        The tutorial's spelling. ``l1_ratio`` in (0, 1] alone (scikit-learn
        >= 1.8's spelling) also selects elastic-net/L1; ``C=np.inf`` means no
        penalty.
    C : float, default=1.0
        Inverse regularization strength: the objective is the weighted mean
        log-loss plus ``||coef||^2 / (2 * C * sum(sample_weight))``, exactly
        scikit-learn's.
    l1_ratio : float or None, default=None
        Elastic-net mixing (0 = L2, 1 = L1).
    dual : bool, default=False
        Accepted with ``solver="liblinear"`` and an L2 penalty; the primal
        problem is solved, which has the same solution.
    tol : float, default=1e-4
        Stop when the largest violation of the optimality conditions of the
        (per-sample scaled) objective is below ``tol``, for every solver.
        ``solver="liblinear"`` uses liblinear's own relative rule instead, so
        that it stops where liblinear stops.
    fit_intercept : bool, default=True
    intercept_scaling : float, default=1.0
        Only with ``solver="liblinear"``: the intercept is the weight of a
        constant feature of this value, and is penalized like the others.
    class_weight : None, "balanced" or dict, default=None
    random_state : int, RandomState or None
        Accepted for compatibility; the solvers here are deterministic.
    solver : {"auto", "lbfgs", "newton-cholesky", "newton-cg", "newton-cd", "liblinear", "saga", "sag"}, default="auto"
        "auto" picks by problem shape ("newton-cd", proximal Newton with
        coordinate descent, for l1 and elasticnet). "liblinear" means
        liblinear's objective (penalized intercept), computed by the methods
        liblinear uses: trust-region Newton for l2, proximal Newton with
        coordinate descent (newGLMNET) for l1. "saga" and "sag" are the
        stochastic average gradient methods, for users who ask for them.
    max_iter : int, default=100
    multi_class : {"auto", "ovr", "multinomial"}, default="auto"
        "auto" is multinomial for more than two classes, except with
        liblinear (one-vs-rest).
    verbose : int, default=0
    warm_start : bool, default=False
    n_jobs : int or None
        Threads fitting the one-vs-rest classes in parallel.
    penalty_factor : array of shape (n_features,), optional
        Per-feature multipliers of the penalty; 0 leaves a feature unpenalized.
    lower_bounds, upper_bounds : float or array, optional
        Box constraints on the coefficients (not the intercept), of shape
        (n_features,) or (n_classes, n_features). Bounds may exclude 0: the
        fit starts from the projection of its usual start onto the box.

    Attributes
    ----------
    classes_, coef_, intercept_, n_iter_, n_features_in_, feature_names_in_
        As in scikit-learn.
    solver_ : str
        The solver that ran (what "auto" chose).
    """

    def __init__(
        self,
        penalty="l2",
        *,
        C=1.0,
        l1_ratio=None,
        dual=False,
        tol=1e-4,
        fit_intercept=True,
        intercept_scaling=1.0,
        class_weight=None,
        random_state=None,
        solver="auto",
        max_iter=100,
        multi_class="auto",
        verbose=0,
        warm_start=False,
        n_jobs=None,
        penalty_factor=None,
        lower_bounds=None,
        upper_bounds=None,
    ):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.dual = dual
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.random_state = random_state
        self.solver = solver
        self.max_iter = max_iter
        self.multi_class = multi_class
        self.verbose = verbose
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # -- parameters -----------------------------------------------------------
    def _effective_penalty(self):
        """(C, l1_ratio) after the penalty spelling is resolved; C = inf means no penalty."""
        if self.penalty not in _PENALTIES:
            raise ValueError(f"penalty must be one of {_PENALTIES}, got {self.penalty!r}")
        v.check_positive_number("C", self.C, allow_inf=True)
        ratio = self.l1_ratio
        if ratio is not None:
            if isinstance(ratio, bool) or not (
                isinstance(ratio, (int, float, np.integer, np.floating)) and 0 <= ratio <= 1
            ):
                raise ValueError(f"l1_ratio must be a number in [0, 1], got {ratio!r}")
        if self.penalty == "elasticnet" and ratio is None:
            raise ValueError("penalty='elasticnet' needs l1_ratio in [0, 1]")
        if self.penalty in (None, "none"):
            return np.inf, 0.0
        if self.penalty == "l1":
            return float(self.C), 1.0
        # "elasticnet", or "l2" with scikit-learn >= 1.8's l1_ratio alone.
        return float(self.C), float(ratio or 0.0)

    def _check_params(self):
        C, l1_ratio = self._effective_penalty()
        v.check_positive_number("tol", self.tol)
        if not isinstance(self.max_iter, (int, np.integer)) or isinstance(self.max_iter, bool) or self.max_iter < 0:
            raise ValueError(f"max_iter must be a non-negative integer, got {self.max_iter!r}")
        if self.multi_class not in _MULTI_CLASS:
            raise ValueError(f"multi_class must be one of {_MULTI_CLASS}, got {self.multi_class!r}")
        from .solvers import available_solvers

        known = ["auto", "liblinear", *available_solvers()]
        if self.solver not in known:
            raise ValueError(f"solver must be one of {known}, got {self.solver!r}")
        liblinear = self.solver == "liblinear"
        if self.dual and not (liblinear and np.isfinite(C) and l1_ratio == 0):
            raise ValueError("dual=True is only supported with solver='liblinear' and an L2 penalty")
        if liblinear:
            v.check_positive_number("intercept_scaling", self.intercept_scaling)
            if not np.isfinite(C):
                raise ValueError("solver='liblinear' needs a penalty: give a finite C")
            if self.multi_class == "multinomial":
                raise ValueError("solver='liblinear' fits one-vs-rest only; use multi_class='ovr' or another solver")
            if 0 < l1_ratio < 1:
                raise ValueError("solver='liblinear' supports penalty='l1' or 'l2', not elasticnet; use solver='saga' or 'auto'")
        return C, l1_ratio, liblinear

    # -- fitting ----------------------------------------------------------------
    def fit(self, X, y, sample_weight=None):
        """Fit the model to X (n_samples, n_features) and labels y.

        Returns
        -------
        self
        """
        C, l1_ratio, liblinear = self._check_params()
        X, y, classes, y_enc, sample_weight = v.validate_fit_data(self, X, y, sample_weight)
        plan = self._plan(X, classes, y_enc, sample_weight, C, l1_ratio, liblinear)
        warm = self._warm_start_coefs(len(plan.keys))
        # liblinear's algorithms: trust-region Newton for L2, newGLMNET (proximal
        # Newton with coordinate descent) for L1.
        solver = ("newton-cd" if l1_ratio > 0 else "newton-cg") if liblinear else self.solver

        def run(i, key):
            problem = plan.problem_for(key)
            start = warm[i] if warm[i] is not None and warm[i].size == problem.n_coef else None
            result = solve_problem(
                problem, solver, start, tol=self.tol, max_iter=self.max_iter, verbose=self.verbose
            )
            return problem, result

        if len(plan.keys) > 1 and self.n_jobs not in (None, 1):
            outputs = Parallel(n_jobs=self.n_jobs, prefer="threads")(
                delayed(run)(i, key) for i, key in enumerate(plan.keys)
            )
        else:
            outputs = [run(i, key) for i, key in enumerate(plan.keys)]

        self.classes_ = classes
        self._store(outputs, plan.multinomial, classes.size, X.shape[1])
        if not np.isfinite(C):
            self._warn_if_separated(X, y_enc, sample_weight, plan.multinomial)
        return self

    def _plan(self, X, classes, y_enc, sample_weight, C, l1_ratio, liblinear):
        """The problems this estimator's parameters define on validated data.

        One binary or multinomial problem (key None), or one binary problem
        per class for one-vs-rest (keys 0..K-1); built lazily, one at a time.
        """
        n_classes, n_features = classes.size, X.shape[1]
        factor = v.check_penalty_factor(self.penalty_factor, n_features)
        multinomial = self.multi_class == "multinomial" or (
            self.multi_class == "auto" and not liblinear and n_classes > 2
        )
        n_models = 1 if (multinomial or n_classes == 2) else n_classes
        rows = n_classes if multinomial else 1
        lower, upper = v.check_bounds(self.lower_bounds, self.upper_bounds, rows * n_models, n_features)

        def problem_for(k):
            """Problem k: the multinomial/binary problem (k=None) or class k vs rest."""
            if multinomial:
                target, weights = y_enc, sample_weight * self._own_class_weights(classes, y_enc, sample_weight)
            else:
                positive = 1 if k is None else k
                target = (y_enc == positive).astype(np.float64)
                weights = sample_weight * self._binary_class_weights(
                    classes, y_enc, positive, sample_weight, liblinear, ovr=k is not None
                )
            part = slice(None) if k is None else slice(k * rows, (k + 1) * rows)
            return build_problem(
                X,
                target,
                weights,
                n_classes=n_classes if multinomial else 2,
                multinomial=multinomial,
                C=C,
                penalty_factor=factor,
                l1_ratio=l1_ratio,
                fit_intercept=self.fit_intercept,
                liblinear=liblinear,
                intercept_scaling=self.intercept_scaling,
                lower=None if lower is None else lower[part],
                upper=None if upper is None else upper[part],
            )

        keys = [None] if n_models == 1 else list(range(n_classes))
        return _Plan(keys, multinomial, problem_for)

    def _own_class_weights(self, classes, y_enc, sample_weight):
        return v.class_weights_per_sample(self.class_weight, classes, y_enc, sample_weight)

    def _binary_class_weights(self, classes, y_enc, positive, sample_weight, liblinear, ovr):
        """Class weights of one binary sub-problem, as scikit-learn applies them.

        Binary problems weight each sample by its own class's weight. In
        one-vs-rest, "balanced" balances each positive-vs-rest problem; with
        liblinear, a dict or "balanced" weights only the positive class
        (liblinear trains class k against the rest with C_p = w_k C, C_n = C).
        """
        if self.class_weight is None:
            return np.ones(y_enc.shape[0])
        if not ovr:
            return self._own_class_weights(classes, y_enc, sample_weight)
        if liblinear:
            per_class = v.class_weights_per_sample(self.class_weight, classes, y_enc, sample_weight)
            return np.where(y_enc == positive, per_class, 1.0)
        if self.class_weight == "balanced":
            binary = (y_enc == positive).astype(np.intp)
            return v.class_weights_per_sample("balanced", np.array([0, 1]), binary, sample_weight)
        return self._own_class_weights(classes, y_enc, sample_weight)

    def _warm_start_coefs(self, n_models):
        previous = getattr(self, "_solver_coefs", None) if self.warm_start else None
        if previous is None or len(previous) != n_models:
            return [None] * n_models
        return previous

    def _store(self, outputs, multinomial, n_classes, n_features):
        coefs, intercepts, n_iter, coefs_raw = [], [], [], []
        for problem, result in outputs:
            loss = problem.loss
            M = loss.as_matrix(result.coef)
            W = M[:, :n_features]
            b = M[:, n_features] * loss.intercept_scaling if loss.fit_intercept else np.zeros(M.shape[0])
            coefs.append(W)
            intercepts.append(b)
            n_iter.append(result.n_iter)
            coefs_raw.append(result.coef)
        coef = np.vstack(coefs)
        intercept = np.concatenate(intercepts)
        if multinomial and n_classes == 2:
            # One row, as scikit-learn reports a two-class multinomial model:
            # the symmetric parametrisation's class-1 row, w1 = (w1 - w0) / 2.
            coef = (coef[1:] - coef[:1]) / 2
            intercept = (intercept[1:] - intercept[:1]) / 2
        self.coef_ = coef
        self.intercept_ = intercept if self.fit_intercept else np.zeros(coef.shape[0])
        self.n_iter_ = np.asarray(n_iter, dtype=np.int32)
        self.solver_ = outputs[0][1].solver if self.solver != "liblinear" else "liblinear"
        self._multinomial = multinomial
        self._solver_coefs = coefs_raw

    def _warn_if_separated(self, X, y_enc, sample_weight, multinomial):
        """Warn when the unpenalized fit classifies every (weighted) sample correctly."""
        decision = self._scores(X)  # X is validated already: no second check
        used = sample_weight > 0
        if decision.ndim == 1:
            separated = np.all(np.where(y_enc[used] == 1, decision[used] > 0, decision[used] < 0))
        else:
            separated = np.all(np.argmax(decision[used], axis=1) == y_enc[used])
        if separated:
            warnings.warn(
                "the classes are perfectly separated: without a penalty the maximum-likelihood "
                "coefficients are infinite, and those returned are large and depend on when the "
                "solver stopped. Use an L2 penalty (finite C) or, for inference, Firth's method.",
                SeparationWarning,
                stacklevel=3,
            )

    # -- inference ------------------------------------------------------------------
    def summary(self, X=None, y=None, sample_weight=None):
        """statsmodels-style coefficient table of this fit, on its training data.

        The estimator keeps no training data, so pass it back:
        ``model.summary(X_train, y_train)``. Returns the summary object of
        ``logreg.Logit`` (binary) or ``logreg.MNLogit`` (multinomial) results
        (text, HTML in notebooks, LaTeX); :meth:`results` gives the results.
        For penalized fits the notes say what the standard errors mean; after
        L1 or elastic-net selection none are shown.
        """
        return self.results(X, y, sample_weight).summary()

    def results(self, X=None, y=None, sample_weight=None):
        """statsmodels-style results (params, bse, pvalues, conf_int, ...) of this fit."""
        if X is None or y is None:
            raise TypeError(
                "LogisticRegression keeps no training data: pass it back, as in model.summary(X_train, y_train)"
            )
        from .inference.estimator_summary import estimator_results

        return estimator_results(self, X, y, sample_weight)

    # -- prediction ---------------------------------------------------------------
    # On a dask array each method returns a lazy dask array with X's row
    # chunks: the same NumPy code runs on every block (map_blocks).
    def decision_function(self, X):
        """Linear predictor: shape (n_samples,) for two classes, else (n_samples, n_classes)."""
        check_is_fitted(self)
        X = v.validate_predict_data(self, X)
        if v.is_dask_collection(X):
            return self._blockwise(X, self._scores, self.coef_.shape[0], np.float64)
        return self._scores(X)

    def _scores(self, X):
        scores = X @ self.coef_.T.astype(X.dtype, copy=False)
        scores = np.asarray(scores, dtype=np.float64) + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def _blockwise(self, X, fn, n_columns, dtype):
        """fn on each row block of a dask X: (n,) when n_columns is 1, else (n, n_columns)."""
        if n_columns == 1:
            return X.map_blocks(fn, drop_axis=1, dtype=dtype, meta=np.empty((0,), dtype=dtype))
        return X.map_blocks(
            fn, chunks=(X.chunks[0], (n_columns,)), dtype=dtype, meta=np.empty((0, 0), dtype=dtype)
        )

    def predict(self, X):
        """Class labels: the class with the largest decision value."""
        check_is_fitted(self)
        X = v.validate_predict_data(self, X)
        if v.is_dask_collection(X):
            return self._blockwise(X, lambda b: self._labels(self._scores(b)), 1, self.classes_.dtype)
        return self._labels(self._scores(X))

    def _labels(self, scores):
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(np.intp)]
        return self.classes_[np.argmax(scores, axis=1)]

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``."""
        check_is_fitted(self)
        X = v.validate_predict_data(self, X)
        if v.is_dask_collection(X):
            fn = lambda b: np.exp(self._log_proba(self._scores(b)))  # noqa: E731
            return self._blockwise(X, fn, self.classes_.size, np.float64)
        return np.exp(self._log_proba(self._scores(X)))

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities, computed stably."""
        check_is_fitted(self)
        X = v.validate_predict_data(self, X)
        if v.is_dask_collection(X):
            fn = lambda b: self._log_proba(self._scores(b))  # noqa: E731
            return self._blockwise(X, fn, self.classes_.size, np.float64)
        return self._log_proba(self._scores(X))

    def _log_proba(self, scores):
        if self._multinomial:
            if scores.ndim == 1:  # two-class multinomial: softmax of (-eta, eta)
                scores = np.column_stack([-scores, scores])
            return log_softmax(scores, axis=1)
        if scores.ndim == 1:
            return np.column_stack([log_expit(-scores), log_expit(scores)])
        # One-vs-rest: each class's sigmoid, normalized to sum to one.
        log_p = log_expit(scores)
        return log_p - logsumexp(log_p, axis=1, keepdims=True)

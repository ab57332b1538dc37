"""statsmodels-style results for a fitted ``LogisticRegression``.

The estimator keeps no training data (scikit-learn's convention, and the
reason its model files stay small), so :meth:`LogisticRegression.summary`
takes the data back: ``model.summary(X, y)``. The coefficients are the
estimator's; the statistics come from the same results classes that
``logreg.Logit`` and ``logreg.MNLogit`` use, on the design ``[const, X]``.

What the standard errors mean depends on the penalty, and the summary says so:

- no penalty: the maximum-likelihood inference of ``Logit``/``MNLogit``,
  number for number;
- L2: the square roots of the diagonal of the inverse *penalized*
  information ``(X'WX + diag(f_j / C))^-1``, i.e. the posterior standard
  deviations of the Gaussian-prior model whose mode the fit is; they are not
  sampling standard errors of an unbiased estimator;
- L1 and elastic-net: no standard errors, z, p-values or intervals at all.
  The penalty selected the features, and classical inference after selection
  is misleading (the intervals undercover); the notes say what to do instead.
"""

from __future__ import annotations

import numpy as np

from ..core.result import SolverResult


def estimator_results(estimator, X, y, sample_weight=None):
    """LogitResults/MNLogitResults for a fitted estimator on its training data."""
    import scipy.sparse as sp
    from sklearn.utils.validation import check_is_fitted

    from .. import _validation as v
    from .._fitting import build_problem
    from ..models import Logit, MNLogit
    from .results import LogitResults, MNLogitResults

    check_is_fitted(estimator)
    if sp.issparse(X):
        raise ValueError("summary() needs a dense X (it forms the information matrix); use X.toarray()")
    C, l1_ratio, liblinear = estimator._check_params()
    X_checked = v.validate_predict_data(estimator, X)
    y = np.asarray(y)
    if y.shape != (X_checked.shape[0],):
        raise ValueError(f"y must have one label per row of X ({X_checked.shape[0]}), got shape {y.shape}")
    known = np.isin(y, estimator.classes_)
    if not known.all():
        raise ValueError(f"y has labels the model was not fitted on, e.g. {y[~known][:3].tolist()}")
    y_enc = np.searchsorted(estimator.classes_, y)
    weights = np.ones(X_checked.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    if weights.shape != (X_checked.shape[0],) or not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError("sample_weight must hold one finite, non-negative weight per row of X")
    n_classes = estimator.classes_.size
    multinomial = estimator._multinomial
    if n_classes > 2 and not multinomial:
        raise ValueError(
            "summary() describes one model; a one-vs-rest fit is several binary ones. Fit "
            "LogisticRegression(multi_class='multinomial') or one binary model per class instead"
        )
    penalized = np.isfinite(C)
    if multinomial and penalized:
        raise NotImplementedError(
            "summary() of a penalized multinomial model is not available: its symmetric coefficients "
            "have no reference-coded covariance without the penalty. Use C=np.inf (or logreg.MNLogit)"
        )
    names = _feature_names(estimator, X_checked.shape[1])
    exog, exog_names = _design(X_checked, names, estimator.fit_intercept)
    class_weight = estimator._own_class_weights(estimator.classes_, y_enc, weights)
    weights = weights * class_weight
    two_class_multinomial = multinomial and n_classes == 2
    coef, intercept = estimator.coef_, estimator.intercept_
    if two_class_multinomial:
        # The two-class softmax in scikit-learn's one-row form is the logit with 2 * coef.
        coef, intercept = 2 * coef, 2 * intercept

    if not multinomial or two_class_multinomial:
        model = Logit((y_enc == 1).astype(float), exog, weights=weights)
        model.exog_names = exog_names
        params = np.concatenate([intercept[:1], coef[0]]) if estimator.fit_intercept else coef[0].copy()
        target, results_class = model.endog, LogitResults
    else:
        model = MNLogit(y_enc, exog, weights=weights)
        model.exog_names = exog_names
        model.classes = estimator.classes_
        rows = np.column_stack([intercept, coef]) if estimator.fit_intercept else coef
        params = rows.ravel()
        target, results_class = model.endog, MNLogitResults
    problem = build_problem(
        model.exog, target, model._sample_weight, n_classes=n_classes, multinomial=multinomial and not two_class_multinomial,
        C=np.inf, penalty_factor=np.ones(model.exog.shape[1]), fit_intercept=False,
    )
    value, grad = problem.loss.loss_gradient(params)
    solver_result = SolverResult(
        coef=params, n_iter=int(np.max(estimator.n_iter_)), converged=True,
        optimality=float(np.max(np.abs(grad))), objective=value, solver=estimator.solver_,
        message="coefficients of a fitted LogisticRegression",
    )
    results = results_class(model, problem, solver_result, method=estimator.solver_, cov_type="nonrobust", cov_kwds=None)
    results.summary_notes = []
    if penalized:
        _describe_penalty(results, estimator, C, l1_ratio, liblinear, model.exog.shape[1])
    return results


def _describe_penalty(results, estimator, C, l1_ratio, liblinear, k):
    kind = "L1" if l1_ratio == 1 else ("elastic-net" if l1_ratio > 0 else "L2")
    results.method = f"{kind}-penalized ML"
    if l1_ratio > 0:
        results._trimmed = np.ones(k, dtype=bool)  # every standard error NaN
        results.summary_notes = [
            f"{kind}-penalized fit (C = {C:g}, l1_ratio = {l1_ratio:g}): the coefficients are shrunk and "
            "the penalty selected the features, so standard errors, z, p-values and confidence intervals "
            "are not shown: after selection they would be misleading.",
            "For inference, refit the selected features without a penalty on data not used to select "
            "them, or see Logit(...).fit_regularized() for statsmodels' conventions.",
        ]
        return
    factor = estimator.penalty_factor
    per_feature = np.ones(k - estimator.fit_intercept) if factor is None else np.asarray(factor, dtype=float)
    diagonal = per_feature / C
    if estimator.fit_intercept:
        # liblinear penalizes c with intercept = s * c: 1/C on c is 1/(C s^2) on the intercept.
        intercept_term = 1.0 / (C * estimator.intercept_scaling**2) if liblinear else 0.0
        diagonal = np.concatenate([[intercept_term], diagonal])
    results._penalty_information = np.diag(diagonal)
    results.summary_notes = [
        f"L2-penalized fit (C = {C:g}): the coefficients are shrunk toward 0 and biased.",
        "Std. errors are from the inverse penalized information (X'WX + P)^-1: the posterior standard "
        "deviations of the Gaussian-prior (ridge) model; z, p-values and intervals refer to that model, "
        "not to unbiased maximum-likelihood estimates.",
    ]


def _feature_names(estimator, d):
    names = getattr(estimator, "feature_names_in_", None)
    return [str(n) for n in names] if names is not None else [f"x{j + 1}" for j in range(d)]


def _design(X, names, fit_intercept):
    """[const, X] with names, as an array (names are set on the model)."""
    X = np.asarray(X, dtype=np.float64)
    if not fit_intercept:
        return X, list(names)
    return np.column_stack([np.ones(X.shape[0]), X]), ["const", *names]

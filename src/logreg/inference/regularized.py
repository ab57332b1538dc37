"""L1-penalized fits of ``Logit``/``MNLogit``: statsmodels' ``fit_regularized(method="l1")``.

The objective is statsmodels' ::

    -loglike(b) + sum_k alpha_k |b_k|

over every parameter (the constant is a column of ``exog`` and is penalized
too unless its ``alpha`` entry is 0). Divided by the number of observations
(the sum of the frequency weights) it is the core's mean loss plus an L1 term
with per-coefficient weights ``alpha_k / nobs``, which the proximal-Newton
coordinate-descent solver ``"newton-cd"`` solves to a subdifferential
distance <= ``tol``, with exact zeros.

``MNLogit`` keeps statsmodels' reference coding: the core's multinomial loss
has one coefficient row per category (a symmetric softmax), so the first
category's row is fixed at zero by box bounds and carries no penalty; the
other rows are statsmodels' ``params`` columns. (Penalizing the symmetric
parametrization instead would be a different problem.)

After the fit, statsmodels' post-processing is reproduced: the quality check
``qc_tol`` (|score_k| may exceed alpha_k by at most that relative amount), the
trimming (``trim_mode``), ``nnz_params``, ``df_model = nnz_params - 1``
(binary) or ``nnz_params - (J - 1)`` (multinomial), and standard errors from
the unpenalized log-likelihood's Hessian restricted to the untrimmed
parameters, NaN for the trimmed ones. These standard errors ignore that the
penalty selected (and shrank) the parameters: they are not valid
post-selection inference, which the summary says in a note.
"""

from __future__ import annotations

import dataclasses
import numbers
import warnings

import numpy as np

from ..core.penalty import ElasticNetPenalty
from ..core.result import SolverResult
from ..exceptions import SeparationWarning, convergence_warning_class
from .results import LogitResults, MNLogitResults

__all__ = ["fit_regularized", "L1LogitResults", "L1MNLogitResults"]

_METHODS = ("l1", "l1_cvxopt_cp")
_TRIM_MODES = ("auto", "size", "off")
# statsmodels' maxiter="defined_by_method" for method="l1".
_DEFAULT_MAXITER = 1000
# Accuracy settings of statsmodels' own solvers (slsqp's acc, cvxopt's), accepted
# and ignored: logreg's solver stops on ``tol`` instead.
_FOREIGN_SOLVER_OPTIONS = ("acc", "abstol", "reltol", "feastol", "refinement", "full_output")
# The solver's tolerance is tightened to this fraction of the smallest positive
# alpha_k / nobs, so that the relative subgradient tests of trim_mode="auto"
# (auto_trim_tol, 1%) and qc_tol (3%) are decided by the model, not by the
# solver's stopping point; never below _TOL_FLOOR (rounding).
_TOL_FRACTION = 1e-3
_TOL_FLOOR = 1e-13


class _L1Results:
    """What an L1 fit adds to the ordinary results (statsmodels' ``L1BinaryResults`` attributes).

    Attributes
    ----------
    trimmed : ndarray of bool
        Parameters set to zero by the trimming (flat, statsmodels' order).
    nnz_params : int
        Number of untrimmed parameters; ``df_model`` and AIC/BIC count only these.
    alpha : ndarray
        The penalty weights, shaped like ``params``.
    """

    def __init__(self, model, problem, solver_result, *, trimmed, alpha, settings, retvals):
        self.trimmed = np.asarray(trimmed, dtype=bool)
        self._trimmed = self.trimmed  # the covariance hook of _Results
        self._refit = bool(settings["refit"])
        super().__init__(model, problem, solver_result, method="l1", cov_type="nonrobust", cov_kwds=None)
        self.nnz_params = int((~self.trimmed).sum())
        self.df_model = float(self.nnz_params - self._n_constants)
        self.df_resid = float(self.nobs - self.nnz_params)
        self.alpha = self._wrap_params(alpha)
        self.mle_settings.update(settings)
        self.mle_retvals.update(retvals)
        self.mle_retvals["trimmed"] = self.trimmed
        shown = f"{float(alpha[0]):g}" if np.ptp(alpha) == 0 else "per parameter, see results.alpha"
        self.summary_notes = [
            f"L1-penalized fit (alpha = {shown}): {self.trimmed.sum()} of {self.trimmed.size} parameters "
            "are set to zero (trimmed) and have no standard errors.",
            "Standard errors, z and p-values of the non-zero parameters use the unpenalized "
            "log-likelihood's Hessian restricted to them" + (" (after the refit)" if settings["refit"] else "")
            + "; they ignore that the penalty selected"
            + ("" if settings["refit"] else " and shrank") + " these parameters, so they are not valid "
            "post-selection inference.",
        ]

    def _check_separation(self):
        """The ordinary check, with a warning that fits a penalized fit (whose estimates are finite)."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            super()._check_separation()
        for w in caught:
            message = w.message
            if issubclass(w.category, SeparationWarning) and not self._refit:
                report = getattr(self, "separation_report", None)
                columns = report.columns if report is not None else []
                where = f" (diverging: {', '.join(map(str, columns))})" if columns else ""
                if report is not None:
                    kind, exists = f"{report.kind.capitalize()} separation", "does not exist"
                else:  # MNLogit: only the |y - p| rule
                    kind = "Complete separation" if self.separated else "Possibly quasi-complete separation"
                    exists = "does not exist" if self.separated else "may not exist"
                message = (
                    f"{kind}: the unpenalized maximum-likelihood estimate {exists}{where}. "
                    "The L1-penalized estimates are finite, but their standard errors (from the unpenalized "
                    "log-likelihood's Hessian) are unreliable, and refit=True would not converge."
                )
                self._separation_etext = [message]
            warnings.warn(message, w.category, stacklevel=6)

    def conf_int(self, alpha: float = 0.05, *args, **kwargs):
        method = kwargs.get("method", args[-1] if args and isinstance(args[-1], str) else "wald")
        if method != "wald":
            raise NotImplementedError("an L1-penalized fit has only Wald confidence intervals (method='wald')")
        return super().conf_int(alpha, *args, **kwargs)


class L1LogitResults(_L1Results, LogitResults):
    """Results of ``Logit.fit_regularized`` (statsmodels' ``L1BinaryResults``)."""

    _n_constants = 1


class L1MNLogitResults(_L1Results, MNLogitResults):
    """Results of ``MNLogit.fit_regularized`` (statsmodels' ``L1MultinomialResults``)."""

    @property
    def _n_constants(self):
        return self.model.J - 1


def fit_regularized(
    model,
    *,
    start_params=None,
    method="l1",
    maxiter="defined_by_method",
    disp=True,
    callback=None,
    alpha=0,
    trim_mode="auto",
    auto_trim_tol=0.01,
    size_trim_tol=1e-4,
    qc_tol=0.03,
    qc_verbose=False,
    refit=False,
    tol=1e-8,
    **kwargs,
):
    """L1-penalized maximum likelihood for a ``Logit`` or ``MNLogit`` model.

    Minimizes ``-loglike(b) + sum_k alpha_k |b_k|`` (statsmodels'
    ``fit_regularized(method="l1")``) with logreg's proximal-Newton
    coordinate-descent solver, then trims and computes standard errors as
    statsmodels does.

    Parameters
    ----------
    start_params : array_like, optional
        Starting values (default zeros), shaped like ``params``.
    method : {"l1", "l1_cvxopt_cp"}
        Both name the same objective, solved by logreg's own solver (neither
        scipy's slsqp nor cvxopt is used).
    maxiter : int or "defined_by_method"
        Outer (proximal Newton) iterations; "defined_by_method" means 1000.
    disp : bool
        Print statsmodels-style convergence lines.
    callback : None
        Not supported (statsmodels calls it at every slsqp iteration).
    alpha : float or array_like
        Non-negative penalty weights: a scalar for every parameter (constant
        included), or one per parameter: shape ``(k,)`` for Logit; for MNLogit
        ``(k, J - 1)`` like ``params``, or flat in statsmodels' order
        (equation by equation).
    trim_mode : {"auto", "size", "off"}
        "auto": trim (set to zero, report NaN standard errors for) parameter k
        when ``(alpha_k - |dloglike/db_k|) / alpha_k > auto_trim_tol``;
        "size": when ``|b_k| < size_trim_tol``; "off": none. Parameters with
        ``alpha_k = 0`` are never trimmed. As the solver returns exact zeros,
        "auto" trims the zeros, except a zero whose score is within
        ``auto_trim_tol`` of ``alpha_k`` (statsmodels keeps those too).
    auto_trim_tol, size_trim_tol : float
    qc_tol : float
        Quality check: warn (ConvergenceWarning) and trim nothing in "auto"
        mode when ``(|score_k| - alpha_k) / alpha_k > qc_tol`` for some k.
    qc_verbose : bool
        Add a table of alpha, score and params to the warning.
    refit : bool
        logreg extension: after the selection, refit the unpenalized model
        with the trimmed parameters fixed at zero; params, llf and standard
        errors are then those of that maximum-likelihood fit.
    tol : float
        Stopping tolerance of the solver on the per-observation scale (largest
        subdifferential distance of ``objective / nobs``); tightened to
        ``1e-3 * min(alpha_k > 0) / nobs`` when that is smaller.
    **kwargs
        statsmodels' solver settings ``acc``, ``abstol``, ``reltol``,
        ``feastol``, ``refinement`` and ``full_output`` are accepted and
        ignored (``tol`` sets the accuracy).

    Returns
    -------
    L1LogitResults or L1MNLogitResults
    """
    from .._fitting import build_problem, solve_problem
    from ..models import MNLogit, _print_convergence

    unknown = sorted(set(kwargs) - set(_FOREIGN_SOLVER_OPTIONS))
    if unknown:
        raise TypeError(f"unsupported fit_regularized arguments: {unknown}")
    if method not in _METHODS:
        raise ValueError(
            f"method must be 'l1' (or its alias 'l1_cvxopt_cp': the same objective, solved by logreg's "
            f"own solver, cvxopt is not needed), got {method!r}"
        )
    if callback is not None:
        raise ValueError("callback is not supported by logreg's fit_regularized")
    if maxiter == "defined_by_method":
        maxiter = _DEFAULT_MAXITER
    if isinstance(maxiter, bool) or not isinstance(maxiter, numbers.Integral) or maxiter < 0:
        raise ValueError(f"maxiter must be a non-negative integer or 'defined_by_method', got {maxiter!r}")
    if not (isinstance(tol, numbers.Real) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    if trim_mode not in _TRIM_MODES:
        raise ValueError(f"trim_mode must be one of {_TRIM_MODES}, got {trim_mode!r}")
    for name, value in (("auto_trim_tol", auto_trim_tol), ("size_trim_tol", size_trim_tol), ("qc_tol", qc_tol)):
        if not (isinstance(value, numbers.Real) and value >= 0):
            raise ValueError(f"{name} must be a non-negative number, got {value!r}")

    multinomial = isinstance(model, MNLogit)
    K = model.exog.shape[1]
    J = model.J if multinomial else 2
    n_rows = J if multinomial else 1
    n_params = K * (J - 1)
    alpha_flat = _flat_params_argument(alpha, "alpha", K, J, multinomial)
    if not np.all(np.isfinite(alpha_flat)):
        raise ValueError("alpha must be finite")
    if (alpha_flat < 0).any():
        raise ValueError(f"alpha must be non-negative, got a minimum of {alpha_flat.min():g}")
    # The free parameters in the core's flat layout: all of them for Logit;
    # rows 1..J-1 of the (J, K) matrix for MNLogit, which read row-major are
    # statsmodels' flat (equation-by-equation) order.
    free = slice(K, None) if multinomial else slice(None)
    coef0 = np.zeros(n_rows * K)
    if start_params is not None:
        coef0[free] = _flat_params_argument(start_params, "start_params", K, J, multinomial)
    base = build_problem(
        model.exog, model.endog, model._sample_weight, n_classes=J, multinomial=multinomial,
        C=np.inf, penalty_factor=np.ones(K), fit_intercept=False,
    )
    W = base.loss.weight_sum

    def with_penalty(l1_free, fixed_zero):
        """The problem with per-coefficient L1 weights (free layout, unscaled) and zeros fixed by bounds."""
        factors = np.zeros(n_rows * K)
        factors[free] = l1_free
        # One weight per coefficient: MNLogit's class rows get their own.
        penalty = ElasticNetPenalty(1.0 / W, factors.reshape(n_rows, K), n_rows, l1_ratio=1.0)
        fixed = np.zeros(n_rows * K, dtype=bool)
        fixed[free] = fixed_zero
        if multinomial:
            fixed[:K] = True  # the reference category
        lower = np.where(fixed, 0.0, -np.inf) if fixed.any() else None
        upper = np.where(fixed, 0.0, np.inf) if fixed.any() else None
        return dataclasses.replace(base, penalty=penalty, lower=lower, upper=upper)

    positive = alpha_flat[alpha_flat > 0]
    solver_tol = float(tol)
    if positive.size:
        solver_tol = min(solver_tol, max(_TOL_FRACTION * float(positive.min()) / W, _TOL_FLOOR))
    problem = with_penalty(alpha_flat, np.zeros(n_params, dtype=bool))
    result = solve_problem(problem, "newton-cd", coef0, tol=solver_tol, max_iter=int(maxiter))

    def score(coef):
        """d loglike / d params (unpenalized, total scale) in statsmodels' flat order."""
        return -W * problem.loss.loss_gradient(coef)[1][free]

    coef = result.coef.copy()
    params = coef[free]  # a view: trimming writes into coef
    grad = score(coef)
    passed = _quality_check(params, alpha_flat, grad, qc_tol, qc_verbose)
    trimmed = _trim(params, alpha_flat, grad, passed, trim_mode, size_trim_tol, auto_trim_tol)
    objective = problem.objective(coef)
    retvals = {"l1_iterations": int(result.n_iter), "l1_objective": float(objective), "qc_passed": bool(passed)}
    result = dataclasses.replace(result, coef=coef, objective=objective, optimality=problem.optimality(coef))
    if refit:
        refit_problem = with_penalty(np.zeros(n_params), trimmed)
        result = solve_problem(refit_problem, "newton-cd", coef, tol=float(tol), max_iter=int(maxiter))
        result = dataclasses.replace(result, objective=problem.loss.value(problem.loss.eta(result.coef)))
    if disp:
        _print_convergence(result)
    settings = {
        "optimizer": method, "alpha": alpha_flat.copy(), "start_params": coef0[free].copy(),
        "maxiter": int(maxiter), "tol": float(tol), "solver_tol": solver_tol, "trim_mode": trim_mode,
        "size_trim_tol": size_trim_tol, "auto_trim_tol": auto_trim_tol, "qc_tol": qc_tol,
        "qc_verbose": bool(qc_verbose), "refit": bool(refit),
    }
    cls = L1MNLogitResults if multinomial else L1LogitResults
    return cls(model, problem, result, trimmed=trimmed, alpha=alpha_flat, settings=settings, retvals=retvals)


def _flat_params_argument(value, name, K, J, multinomial):
    """A scalar or per-parameter argument as a flat float vector in statsmodels' order."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers") from None
    n_params = K * (J - 1)
    if arr.ndim == 0 and name == "alpha":
        return np.full(n_params, float(arr))
    if multinomial and arr.shape == (K, J - 1):
        return arr.ravel(order="F")
    if arr.ndim == 1 and arr.size == n_params:
        return arr.copy()
    expected = f"({K}, {J - 1}) like params, or {n_params} values in statsmodels' flat order" if multinomial else (
        f"{K} values, one per column of exog"
    )
    scalar = "a scalar or " if name == "alpha" else ""
    raise ValueError(f"{name} has shape {arr.shape}; expected {scalar}{expected}")


def _quality_check(params, alpha, score, qc_tol, qc_verbose):
    """statsmodels' qc_results: |score_k| may exceed alpha_k by at most qc_tol (relative)."""
    penalized = alpha > 0
    failed = np.zeros(alpha.size, dtype=bool)
    failed[penalized] = (np.abs(score[penalized]) - alpha[penalized]) / alpha[penalized] > qc_tol
    if failed.any():
        message = (
            f"QC check did not pass for {failed.sum()} out of {alpha.size} parameters: |dloglike/db_k| exceeds "
            f"alpha_k by more than qc_tol={qc_tol:g} (relative). Increase maxiter, or decrease alpha; "
            "trim_mode='auto' trims nothing."
        )
        if qc_verbose:
            rows = [f"{'passed':>8} {'alpha':>11} {'score':>11} {'param':>11}"]
            rows += [
                f"{str(not f):>8} {a:11.3e} {s:11.3e} {p:11.3e}" for f, a, s, p in zip(failed, alpha, score, params)
            ]
            message += "\n" + "\n".join(rows)
        warnings.warn(message, convergence_warning_class(), stacklevel=4)
    return not failed.any()


def _trim(params, alpha, score, passed, trim_mode, size_trim_tol, auto_trim_tol):
    """statsmodels' do_trim_params: set the trimmed entries of ``params`` to 0 (in place), return the mask."""
    penalized = alpha != 0
    trimmed = np.zeros(alpha.size, dtype=bool)
    if trim_mode == "auto":
        if not passed:
            warnings.warn(
                "Could not trim params automatically due to failed QC check. "
                "Trimming using trim_mode == 'size' will still work.",
                convergence_warning_class(),
                stacklevel=4,
            )
            return trimmed
        slack = np.zeros(alpha.size)
        slack[penalized] = (alpha[penalized] - np.abs(score[penalized])) / alpha[penalized]
        trimmed = penalized & (slack > auto_trim_tol)
    elif trim_mode == "size":
        trimmed = penalized & (np.abs(params) < size_trim_tol)
    params[trimmed] = 0.0
    return trimmed

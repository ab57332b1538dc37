"""From validated arrays to a solved Problem: shared by every front-end.

Front-ends (the scikit-learn estimator, later Logit/MNLogit and the CV code)
decide *what* to fit; this module builds the :class:`~logreg.core.Problem`,
runs the chosen solver and reports non-convergence the same way for all.
"""

from __future__ import annotations

import warnings

import numpy as np

from .backends import as_design_matrix
from .core import ElasticNetPenalty, LogisticLoss, Problem
from .exceptions import convergence_warning_class
from .solvers import check_supported, choose_solver, get_solver


def build_problem(
    X,
    target,
    sample_weight,
    *,
    n_classes: int,
    multinomial: bool,
    C: float,
    penalty_factor: np.ndarray,
    l1_ratio: float = 0.0,
    fit_intercept: bool = True,
    liblinear: bool = False,
    intercept_scaling: float = 1.0,
    lower=None,
    upper=None,
    offset=None,
) -> Problem:
    """One binary or multinomial problem with scikit-learn's scaling of ``C``.

    ``target`` is 0/1 for a binary problem and class codes for a multinomial
    one. ``l1_ratio`` mixes the penalty (0 = L2, 1 = L1), scaled like scikit-learn's:
    ``(l1_ratio * ||w||_1 + (1 - l1_ratio) / 2 * ||w||^2) / (C * sum(sample_weight))``.
    ``liblinear=True`` is liblinear's objective: the intercept becomes a
    penalized coefficient of a constant column of value ``intercept_scaling``,
    and the solver stops by liblinear's relative-gradient rule.
    """
    matrix = as_design_matrix(X)
    loss = LogisticLoss(
        matrix,
        target,
        n_classes=n_classes,
        multinomial=multinomial,
        sample_weight=sample_weight,
        offset=offset,
        fit_intercept=fit_intercept,
        intercept_scaling=intercept_scaling if (liblinear and fit_intercept) else 1.0,
    )
    alpha = 0.0 if np.isinf(C) else 1.0 / (C * loss.weight_sum)
    factors = np.asarray(penalty_factor, dtype=np.float64)
    if fit_intercept:
        factors = np.append(factors, 1.0 if liblinear else 0.0)
    penalty = ElasticNetPenalty(alpha, factors, loss.n_rows, l1_ratio=l1_ratio)
    flat_lower = flat_upper = None
    if lower is not None or upper is not None:
        shape = np.shape(lower if lower is not None else upper)
        lower = np.full(shape, -np.inf) if lower is None else lower
        upper = np.full(shape, np.inf) if upper is None else upper
        flat_lower = _with_free_intercept(lower, fit_intercept, -np.inf)
        flat_upper = _with_free_intercept(upper, fit_intercept, np.inf)
    counts = (1, 1)
    if not multinomial:
        n_pos = int(np.count_nonzero(np.asarray(target) > 0.5))
        counts = (len(target) - n_pos, n_pos)
    return Problem(
        loss=loss,
        penalty=penalty,
        lower=flat_lower,
        upper=flat_upper,
        stopping="liblinear" if liblinear else "optimality",
        class_counts=counts,
        radius_scale=(C if np.isfinite(C) else 1.0) * loss.weight_sum,
    )


def _with_free_intercept(bound, fit_intercept, fill):
    if not fit_intercept:
        return np.asarray(bound, dtype=np.float64).ravel()
    rows = np.asarray(bound, dtype=np.float64)
    free = np.full((rows.shape[0], 1), fill)
    return np.hstack([rows, free]).ravel()


def resolve_solver(problem: Problem, solver: str):
    """The registered solver for a name ('auto' picks by problem shape)."""
    name = choose_solver(problem) if solver == "auto" else solver
    spec = get_solver(name)
    check_supported(spec, problem)
    return spec


def solve_problem(problem: Problem, solver: str, coef0, *, tol, max_iter, verbose=0):
    """Run a solver; warn with ConvergenceWarning when it stopped short of tol."""
    spec = resolve_solver(problem, solver)
    if coef0 is None:
        coef0 = np.zeros(problem.n_coef) if problem.stopping == "liblinear" else problem.loss.null_coef()
    coef0 = np.asarray(coef0, dtype=np.float64)
    if problem.has_bounds:
        # Bounds that exclude 0 make the usual start infeasible: start from
        # its projection onto the box (validation already rejected empty boxes).
        lo = -np.inf if problem.lower is None else problem.lower
        hi = np.inf if problem.upper is None else problem.upper
        coef0 = np.clip(coef0, lo, hi)
    result = spec.solve(problem, coef0, tol=tol, max_iter=max_iter, verbose=verbose)
    if not result.converged:
        hint = (
            "Increase max_iter, standardize the features (sklearn.preprocessing.StandardScaler)"
            " or use a stronger penalty (smaller C)."
        )
        if problem.loss.X.dtype == np.float32:
            hint += " With float32 X, a tol below about 1e-5 may be out of reach: use float64."
        warnings.warn(
            f"{result.solver} did not converge after {result.n_iter} iterations: the largest "
            f"optimality violation is {result.optimality:.3g} (tol={tol:g}; {result.message}). {hint}",
            convergence_warning_class(),
            stacklevel=3,
        )
    return result


def unpenalized_start(problem: Problem) -> np.ndarray:
    """The minimizer over the coefficients that carry no penalty, the others at 0.

    This is the solution at and above ``alpha_max``: the intercept-only model
    in closed form, or a fit on the unpenalized columns (penalty factor 0)
    when there are any.
    """
    loss, penalty = problem.loss, problem.penalty
    free = (penalty.l1 == 0.0) & (penalty.l2 == 0.0)
    coef = np.zeros(problem.n_coef)
    if not free.any():
        return coef
    free_columns = loss.as_matrix(free).any(axis=0)
    only_intercept = loss.fit_intercept and not free_columns[: loss.n_features].any()
    if only_intercept and loss.offset is None and loss.intercept_scaling == 1.0:
        return loss.null_coef()
    keep = np.flatnonzero(free_columns[: loss.n_features])
    sub_X = loss.X.X[:, keep]
    sub_loss = LogisticLoss(
        as_design_matrix(sub_X.tocsr() if hasattr(sub_X, "tocsr") else np.asarray(sub_X)),
        loss.y,
        n_classes=loss.n_classes,
        multinomial=loss.multinomial,
        sample_weight=loss.w,
        offset=loss.offset,
        fit_intercept=loss.fit_intercept,
        intercept_scaling=loss.intercept_scaling,
    )
    sub = Problem(loss=sub_loss, penalty=ElasticNetPenalty(0.0, np.zeros(sub_loss.p), sub_loss.n_rows))
    result = solve_problem(sub, "auto", None, tol=1e-10, max_iter=200)
    columns = list(keep) + ([loss.n_features] if loss.fit_intercept else [])
    loss.as_matrix(coef)[:, columns] = sub_loss.as_matrix(result.coef)
    return coef


def alpha_max(problem: Problem):
    """The smallest penalty strength at which every penalized coefficient is 0.

    Returns ``(alpha, coef)``: ``alpha`` on the scale of ``problem.penalty.alpha``
    (the penalty of the per-sample mean loss, glmnet's lambda), and the
    solution there, a warm start for a path. At ``coef`` the optimality
    conditions of a penalized coefficient j read ``|g_j| <= alpha * l1_ratio
    * f_j``, which gives ``alpha = max_j |g_j| / (l1_ratio * f_j)``.
    Bounds are ignored here; a path with bounds that exclude 0 has no such
    point (the caller checks).
    """
    penalty = problem.penalty
    if penalty.l1_ratio <= 0.0:
        raise ValueError(
            "alpha_max needs an L1 term (l1_ratio > 0): with a pure L2 penalty no finite "
            "strength makes the coefficients exactly zero"
        )
    coef = unpenalized_start(problem)
    _, grad = problem.loss.loss_gradient(coef)
    weight = penalty.l1 / penalty.alpha if penalty.alpha > 0 else np.zeros_like(penalty.l1)
    penalized = weight > 0
    if not penalized.any():
        return 0.0, coef
    return float(np.max(np.abs(grad[penalized]) / weight[penalized])), coef

"""L-BFGS-B (SciPy) on the scaled objective; the only solver that takes bounds."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from ..core.result import SolverResult
from .base import SolverSpec, register


def solve(problem, coef0, *, tol, max_iter, verbose=0) -> SolverResult:
    """Minimize with SciPy's L-BFGS-B, stopping on the shared optimality measure.

    SciPy's ``gtol`` is the max-norm of the projected gradient, which is exactly
    ``Problem.optimality``; ``ftol`` is 0 so that the gradient test, not a
    relative decrease of f below rounding, decides convergence (a tight tol
    would otherwise be unreachable). The run ends at tol, at max_iter, or when
    the line search can no longer make progress.
    """
    last = {}

    n_eval = [0]

    def fun(coef):
        value, grad = problem.objective_gradient(coef)
        last["coef"], last["grad"] = coef, grad
        n_eval[0] += 1
        if verbose:
            print(f"lbfgs eval {n_eval[0]:4d}  objective {value:.10g}  max|grad| {np.max(np.abs(grad)):.3e}")
        return value, grad

    bounds = None
    if problem.has_bounds:
        lo = problem.lower if problem.lower is not None else np.full(problem.n_coef, -np.inf)
        hi = problem.upper if problem.upper is not None else np.full(problem.n_coef, np.inf)
        bounds = list(zip(lo, hi))
        coef0 = np.clip(coef0, lo, hi)
    res = minimize(
        fun,
        coef0,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={
            "maxiter": max_iter,
            "maxfun": max(15000, 2 * max_iter),
            "gtol": tol,
            "ftol": 0.0,
            "maxls": 50,
        },
    )
    coef = res.x
    grad = last["grad"] if np.array_equal(last.get("coef"), coef) else res.jac
    optimality = problem.optimality(coef, grad)
    return SolverResult(
        coef=coef,
        n_iter=int(res.nit),
        converged=optimality <= tol,
        optimality=optimality,
        objective=float(res.fun),
        solver="lbfgs",
        message=str(res.message),
    )


register(SolverSpec("lbfgs", solve, bounds=True, description="limited-memory BFGS (SciPy L-BFGS-B)"))

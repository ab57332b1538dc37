"""L-BFGS-B (SciPy) on the scaled objective; the only solver that takes bounds."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from ..core.result import SolverResult
from .base import SolverSpec, register


def solve(problem, coef0, *, tol, max_iter, verbose=0) -> SolverResult:
    """Minimize with SciPy's L-BFGS-B, stopping on the shared optimality measure.

    SciPy's ``gtol`` is the max-norm of the projected gradient, which is exactly
    ``Problem.optimality``; ``ftol`` is set near machine precision so that the
    gradient test, not a stalled objective, decides convergence.
    """
    last = {}

    def fun(coef):
        value, grad = problem.objective_gradient(coef)
        last["coef"], last["grad"] = coef, grad
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
            "ftol": 64 * np.finfo(float).eps,
            "maxls": 50,
            "iprint": (verbose - 1) if verbose else -1,
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

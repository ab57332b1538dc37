"""Newton's method with a Cholesky-factored Hessian.

Each iteration costs one gradient pass, one Hessian (chunked SYRK) and one
pass for the direction's linear predictor; the line search then runs in eta
space without touching X again. The Hessian may be singular (collinear
columns, no penalty, separated data): the step then falls back to the
minimum-norm solution of the Newton system from an eigendecomposition.

When n is much larger than the number of coefficients, forming the exact
Hessian costs many passes' worth of flops while a Hessian from a random subset
of rows is almost as good a step far from the optimum (sub-sampled Newton;
Roosta-Khorasani & Mahoney 2019, Math. Program. 174). The solver starts with
a subset of ``max(32 * p, 8192)`` rows (p coefficients per class) and quadruples it whenever an
iteration reduces the optimality violation by less than a factor 2, up to all
rows, where it is exact Newton with its quadratic convergence. The gradient is
always exact, so the stopping rule is unaffected.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve, eigh

from ..core.result import SolverResult
from .base import SolverSpec, register
from .line_search import add_curvature_on_flat_directions, armijo_in_eta_space


def newton_direction(H: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """Solve H s = -grad; min-norm pseudo-inverse step when H is singular."""
    try:
        factor = cho_factor(H, lower=False, check_finite=False)
        step = -cho_solve(factor, grad, check_finite=False)
        if np.all(np.isfinite(step)):
            return step
    except LinAlgError:
        pass
    eigval, eigvec = eigh(H, check_finite=False)
    cutoff = max(eigval.max(), 0.0) * H.shape[0] * np.finfo(float).eps * 10
    keep = eigval > cutoff
    return -(eigvec[:, keep] @ ((eigvec[:, keep].T @ grad) / eigval[keep]))


# Subset growth: start size per coefficient, minimum size, and the contraction
# of the optimality violation per iteration below which the subset is enlarged.
_ROWS_PER_COEF = 32
_MIN_ROWS = 8192
_SLOW_CONTRACTION = 0.5


def uses_exact_hessian(n_samples, n_per_row) -> bool:
    """Whether the solver runs exact Newton from the start (no row subsets)."""
    return 2 * max(_ROWS_PER_COEF * n_per_row, _MIN_ROWS) >= n_samples


def _row_subsets(n_samples, n_per_row):
    """Sorted random row subsets of growing size, ending with None (all rows).

    Seeded, so fits are deterministic.
    """
    rng = np.random.default_rng(0)
    size = max(_ROWS_PER_COEF * n_per_row, _MIN_ROWS)
    while 2 * size < n_samples:
        yield np.sort(rng.choice(n_samples, size, replace=False))
        size *= 4
    while True:
        yield None


def solve(problem, coef0, *, tol, max_iter, verbose=0) -> SolverResult:
    loss, penalty = problem.loss, problem.penalty
    coef = np.array(coef0, dtype=np.float64)
    eta = loss.eta(coef)
    flat = loss.flat_directions_without_curvature(penalty.penalized_columns)
    subsets = _row_subsets(loss.n_samples, loss.p)
    rows = next(subsets)
    message = "maximum number of iterations reached"
    converged = False
    n_iter = 0
    previous = np.inf
    while True:
        value, resid, prob = loss.value_and_residual(eta)
        objective = value + penalty.value(coef)
        grad = loss.gradient_from_residual(resid) + penalty.gradient(coef)
        optimality = problem.optimality(coef, grad)
        if verbose:
            used = loss.n_samples if rows is None else rows.size
            print(
                f"newton-cholesky iter {n_iter:3d}  objective {objective:.10g}  "
                f"optimality {optimality:.3e}  hessian rows {used}"
            )
        if optimality <= tol:
            converged, message = True, "optimality within tol"
            break
        if n_iter >= max_iter:
            break
        if rows is not None and optimality > _SLOW_CONTRACTION * previous:
            rows = next(subsets)
        previous = optimality
        H = loss.hessian(eta, prob, rows=rows)
        H[np.diag_indices_from(H)] += penalty.hessian_diag()
        add_curvature_on_flat_directions(H, flat)
        step = newton_direction(H, grad)
        direction_eta = loss.direction_eta(step)
        t, eta_new, objective_new = armijo_in_eta_space(
            problem, coef, eta, step, direction_eta, objective, grad @ step
        )
        n_iter += 1
        if t == 0.0:
            if rows is not None:
                rows = next(subsets)  # a poor sub-sampled step: retry with more rows
                continue
            message = "line search could not decrease the objective (numerical precision reached)"
            break
        coef = coef + t * step
        eta = eta_new
    return SolverResult(coef, n_iter, converged, optimality, objective, "newton-cholesky", message)


register(
    SolverSpec(
        "newton-cholesky",
        solve,
        dense_hessian=True,
        description="Newton steps from the full Hessian (blocked SYRK), Cholesky-factored",
    )
)

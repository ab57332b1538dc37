"""Proximal Newton with the quadratic subproblem solved on its Gram matrix.

For L1 and elastic-net penalties when X gives no column access (a Dask
cluster), or d is moderate. Each outer iteration:

1. the exact gradient (one pass over X) and the optimality measure shared by
   every solver;
2. the (p x p per class) Hessian of the loss, formed by the backend as a
   blockwise reduction (``sandwich``), from a random subset of rows while far
   from the optimum, as in ``newton-cholesky`` (the subset grows whenever
   an iteration contracts the violation by less than half, up to all rows);
3. the penalized quadratic model
   ``g's + s'Hs/2 + sum l2 (c+s)^2/2 + l1 |c+s|`` (within box bounds)
   minimized over s by cyclic coordinate descent on H in memory, O(n_coef^2)
   per sweep and no pass over X (the "d x d subproblem solved on the client");
4. a backtracking line search on the true objective in eta space (one pass
   for the direction's linear predictor).

So an outer iteration reads X about three times whatever the sweeps cost,
which is what matters when each pass is a round trip to a cluster. Unlike
``newton-cd`` this solver needs no column access, and is correct on any
backend; its memory is the dense Hessian (n_coef^2), so it is for up to a
few thousand coefficients.
"""

from __future__ import annotations

import numpy as np

from ..core.result import SolverResult
from .base import SolverSpec, register
from .line_search import add_curvature_on_flat_directions, armijo_in_eta_space
from .newton_cholesky import _SLOW_CONTRACTION, _row_subsets

# Inner tolerance as a fraction of the current optimality violation, and
# the sweep budget of one subproblem (a sweep costs n_coef^2 flops, no pass).
_INNER_FRACTION = 0.05
_MAX_SWEEPS = 1000

_kernel = None


def _cd_kernel():
    """The numba sweep loop, compiled on first use (numba imported lazily)."""
    global _kernel
    if _kernel is None:
        from numba import njit

        _kernel = njit(cache=True, nogil=True)(_quadratic_cd)
    return _kernel


def _quadratic_cd(H, g, c, l1, l2, lo, hi, z, u, tol, max_sweeps):
    """Minimize g'(z-c) + (z-c)'H(z-c)/2 + sum(l2 z^2/2 + l1 |z|) over lo <= z <= hi.

    ``z`` (start and result) and ``u = H (z - c)`` are updated in place.
    Returns the sweeps taken; stops when a sweep moves no coordinate by more
    than what would change the model's optimality by ``tol``.
    """
    m = z.shape[0]
    sweeps = 0
    for sweep in range(max_sweeps):
        sweeps = sweep + 1
        worst = 0.0
        for j in range(m):
            a = H[j, j] + l2[j]
            if a <= 0.0:
                continue
            zj = z[j]
            grad = g[j] + u[j] + l2[j] * zj
            t = zj - grad / a
            thr = l1[j] / a
            if t > thr:
                new = t - thr
            elif t < -thr:
                new = t + thr
            else:
                new = 0.0
            if new < lo[j]:
                new = lo[j]
            elif new > hi[j]:
                new = hi[j]
            delta = new - zj
            if delta != 0.0:
                z[j] = new
                for i in range(m):
                    u[i] += delta * H[i, j]
                change = abs(delta) * a
                if change > worst:
                    worst = change
        if worst <= tol:
            break
    return sweeps


def solve(problem, coef0, *, tol, max_iter, verbose=0) -> SolverResult:
    loss, penalty = problem.loss, problem.penalty
    coef = np.array(coef0, dtype=np.float64)
    n = coef.size
    lower = np.full(n, -np.inf) if problem.lower is None else np.asarray(problem.lower, dtype=np.float64)
    upper = np.full(n, np.inf) if problem.upper is None else np.asarray(problem.upper, dtype=np.float64)
    l1 = np.ascontiguousarray(penalty.l1, dtype=np.float64)
    l2 = np.ascontiguousarray(penalty.l2, dtype=np.float64)
    flat = loss.flat_directions_without_curvature(penalty.penalized_columns)
    subsets = _row_subsets(loss.n_samples, loss.p)
    rows = next(subsets)
    kernel = _cd_kernel()
    eta = loss.eta(coef)
    message = "maximum number of iterations reached"
    converged, n_iter, previous = False, 0, np.inf
    while True:
        value, resid, prob = loss.value_and_residual(eta)
        objective = value + penalty.value(coef)
        loss_grad = loss.gradient_from_residual(resid)
        optimality = problem.optimality(coef, loss_grad + penalty.gradient(coef))
        if verbose:
            used = loss.n_samples if rows is None else rows.size
            print(
                f"newton-gram iter {n_iter:3d}  objective {objective:.12g}  optimality {optimality:.3e}  "
                f"non-zeros {np.count_nonzero(coef)}  hessian rows {used}"
            )
        if optimality <= tol:
            converged, message = True, "optimality within tol"
            break
        if n_iter >= max_iter:
            break
        if rows is not None and optimality > _SLOW_CONTRACTION * previous:
            rows = next(subsets)
        previous = optimality
        H = np.ascontiguousarray(loss.hessian(eta, prob, rows=rows))
        add_curvature_on_flat_directions(H, flat)
        z = coef.copy()
        u = np.zeros(n)
        sweeps = kernel(
            H, loss_grad, coef, l1, l2, lower, upper, z, u,
            max(_INNER_FRACTION * optimality, 0.1 * tol), _MAX_SWEEPS,
        )
        step = z - coef
        n_iter += 1
        if not step.any():
            if rows is not None:
                rows = next(subsets)
                continue
            message = "the coordinate-descent step is zero (numerical precision reached)"
            break
        # The model's predicted decrease: the slope of the composite objective.
        decrease = float(loss_grad @ step) + penalty.value(z) - penalty.value(coef)
        t, eta_new, _ = armijo_in_eta_space(
            problem, coef, eta, step, loss.direction_eta(step), objective, min(decrease, 0.0)
        )
        if verbose:
            print(f"    {sweeps} sweeps, step {t:g}")
        if t == 0.0:
            if rows is not None:
                rows = next(subsets)  # a poor sub-sampled model: retry with more rows
                continue
            message = "line search could not decrease the objective (numerical precision reached)"
            break
        coef = coef + t * step
        eta = eta_new
    return SolverResult(problem.center_free_columns(coef), n_iter, converged, optimality, objective,
                        "newton-gram", message)


register(
    SolverSpec(
        "newton-gram",
        solve,
        bounds=True,
        dense_hessian=True,
        l1=True,
        description="proximal Newton, the L1 subproblem solved by coordinate descent on the Hessian "
        "(no column access: Dask)",
    )
)

"""Helpers shared by the Newton solvers: the eta-space line search and Hessian repair."""

from __future__ import annotations

import numpy as np

# Sufficient-decrease constant and the slack that absorbs rounding error
# near the optimum, where true decreases fall below float64 resolution.
_ARMIJO_C = 1e-4
_ROUNDING_SLACK = 16 * np.finfo(float).eps


def armijo_in_eta_space(problem, coef, eta, step, direction_eta, objective, slope, max_halvings=40):
    """Largest t in {1, 1/2, 1/4, ...} with sufficient decrease.

    Returns ``(t, eta + t * direction_eta, objective_at_t)``; ``t = 0`` when no
    trial decreased the objective (the caller stops).
    """
    loss, penalty = problem.loss, problem.penalty
    t = 1.0
    slack = _ROUNDING_SLACK * max(1.0, abs(objective))
    for _ in range(max_halvings):
        eta_t = eta + t * direction_eta
        trial = coef + t * step
        value = loss.value(eta_t) + penalty.value(trial)
        if np.isfinite(value) and value <= objective + _ARMIJO_C * t * slope + slack:
            return t, eta_t, value
        t *= 0.5
    return 0.0, eta, objective


def add_curvature_on_flat_directions(H, flat):
    """Make H positive definite along directions where the objective is flat.

    The gradient has no component along them, so any positive curvature leaves
    the Newton step unchanged; the scale (mean diagonal) keeps H well conditioned.
    """
    if not flat:
        return
    scale = max(float(np.mean(np.diag(H))), np.finfo(float).tiny)
    for idx in flat:
        H[np.ix_(idx, idx)] += scale / idx.size

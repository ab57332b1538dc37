"""Penalties: each owns its value, derivatives and its optimality measure.

The objective every solver minimizes is ``loss(coef) + penalty(coef)`` with the
loss a weighted *mean*; scikit-learn's ``C`` enters as
``alpha = 1 / (C * sum(sample_weight))``, which reproduces scikit-learn's
objective exactly (its lbfgs/newton solvers use the same scaling).
"""

from __future__ import annotations

import numpy as np


class L2Penalty:
    """0.5 * alpha * sum_j f_j * coef_j**2 over every row of coefficients.

    ``factors`` has one entry per column of the (n_rows, p) coefficient
    matrix: per-feature multipliers (glmnet's ``penalty.factor``), with the
    intercept's entry 0 unless the intercept is penalized (liblinear). With
    ``alpha = 0`` this is the unpenalized model.
    """

    smooth = True

    def __init__(self, alpha: float, factors: np.ndarray, n_rows: int):
        self.alpha = float(alpha)
        self.factors = np.asarray(factors, dtype=np.float64)
        self.n_rows = int(n_rows)
        self._diag = np.tile(self.alpha * self.factors, self.n_rows)

    @property
    def is_zero(self) -> bool:
        return self.alpha == 0.0 or not np.any(self.factors)

    def value(self, coef: np.ndarray) -> float:
        return 0.5 * float(coef @ (self._diag * coef))

    def gradient(self, coef: np.ndarray) -> np.ndarray:
        return self._diag * coef

    def hessian_diag(self) -> np.ndarray:
        """Diagonal of the penalty's Hessian, flat like the coefficients."""
        return self._diag


def optimality_violation(coef, gradient, lower=None, upper=None) -> float:
    """Largest violation of the first-order conditions of a smooth problem.

    Without bounds this is max |gradient|. With box bounds it is the projected
    gradient ``coef - clip(coef - gradient, lower, upper)``, which is zero
    exactly at a KKT point. This is the measure ``tol`` refers to for every
    solver.
    """
    if lower is None and upper is None:
        return float(np.max(np.abs(gradient))) if gradient.size else 0.0
    lo = -np.inf if lower is None else lower
    hi = np.inf if upper is None else upper
    projected = coef - np.clip(coef - gradient, lo, hi)
    return float(np.max(np.abs(projected))) if projected.size else 0.0

"""The frozen description of one optimization problem that a solver solves."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .loss import LogisticLoss
from .penalty import L2Penalty, optimality_violation


@dataclass(frozen=True)
class Problem:
    """Minimize ``loss(coef) + penalty(coef)`` subject to optional box bounds.

    Attributes
    ----------
    loss : LogisticLoss
    penalty : L2Penalty
    lower, upper : ndarray or None
        Flat box bounds on the coefficients (-inf/inf where free).
    stopping : {"optimality", "liblinear"}
        "optimality" (every solver's default): stop when
        :func:`optimality_violation` <= tol. "liblinear": liblinear's relative
        rule ``||g|| <= tol * max(min(n_pos, n_neg), 1) / n * ||g_0||``, kept
        only so that ``solver="liblinear"`` stops where liblinear stops and
        reproduces its printed numbers.
    class_counts : tuple(int, int)
        Numbers of negative and positive observations (liblinear's rule).
    radius_scale : float
        Factor from this scaled objective to liblinear's unscaled one
        (C * sum of weights); the trust-region solver's first radius uses it
        so that its iterates match liblinear's.
    """

    loss: LogisticLoss
    penalty: L2Penalty
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    stopping: str = "optimality"
    class_counts: tuple = field(default=(1, 1))
    radius_scale: float = 1.0

    @property
    def n_coef(self) -> int:
        return self.loss.n_coef

    @property
    def has_bounds(self) -> bool:
        return self.lower is not None or self.upper is not None

    def objective(self, coef: np.ndarray) -> float:
        return self.loss.value(self.loss.eta(coef)) + self.penalty.value(coef)

    def objective_gradient(self, coef: np.ndarray):
        value, grad = self.loss.loss_gradient(coef)
        return value + self.penalty.value(coef), grad + self.penalty.gradient(coef)

    def optimality(self, coef: np.ndarray, gradient: np.ndarray | None = None) -> float:
        """The optimality measure at coef (computes the gradient if not given)."""
        if gradient is None:
            _, gradient = self.objective_gradient(coef)
        return optimality_violation(coef, gradient, self.lower, self.upper)

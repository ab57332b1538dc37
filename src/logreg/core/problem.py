"""The frozen description of one optimization problem that a solver solves."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .loss import LogisticLoss
from .penalty import ElasticNetPenalty


@dataclass(frozen=True)
class Problem:
    """Minimize ``loss(coef) + penalty(coef)`` subject to optional box bounds.

    Attributes
    ----------
    loss : LogisticLoss
    penalty : ElasticNetPenalty
    lower, upper : ndarray or None
        Flat box bounds on the coefficients (-inf/inf where free).
    stopping : {"optimality", "liblinear"}
        "optimality" (every solver's default): stop when
        :meth:`optimality` <= tol. "liblinear": liblinear's relative
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
    penalty: ElasticNetPenalty
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
        """The optimality measure at coef (computes the gradient if not given).

        ``gradient`` is the gradient of the smooth part (loss plus squared
        penalty term), as :meth:`objective_gradient` returns it.
        """
        v = self.violations(coef, gradient)
        return float(np.max(v)) if v.size else 0.0

    def violations(self, coef: np.ndarray, gradient: np.ndarray | None = None) -> np.ndarray:
        """Per-coefficient optimality violations (see ``violation_vector``)."""
        if gradient is None:
            _, gradient = self.objective_gradient(coef)
        return self.penalty.violations(coef, gradient, self.lower, self.upper)

    @property
    def smooth(self) -> bool:
        """Whether the objective is differentiable (no L1 term)."""
        return self.penalty.smooth

    def center_free_columns(self, coef: np.ndarray) -> np.ndarray:
        """Center unpenalized, unbounded multinomial columns over the classes.

        The softmax is unchanged by adding a constant to one column of every
        class row, so such a column's coefficients are determined only up to
        that constant; centering picks the solution scikit-learn reports and
        keeps the objective and the optimality exactly as they were.
        """
        loss = self.loss
        if not loss.multinomial:
            return coef
        M = loss.as_matrix(coef).copy()
        free = ~self.penalty.penalized_columns
        for bound in (self.lower, self.upper):
            if bound is not None:
                free &= ~np.isfinite(loss.as_matrix(bound)).any(axis=0)
        M[:, free] -= M[:, free].mean(axis=0)
        return M.ravel()

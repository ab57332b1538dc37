"""Penalties: each owns its value, derivatives and its optimality measure.

The objective every solver minimizes is ``loss(coef) + penalty(coef)`` with the
loss a weighted *mean*; scikit-learn's ``C`` enters as
``alpha = 1 / (C * sum(sample_weight))``, which reproduces scikit-learn's
objective exactly (all its solvers use the same scaling).

One class covers none, L2, L1 and elastic-net: ``ElasticNetPenalty`` with
``l1_ratio = 0`` is the smooth L2 penalty the Newton and quasi-Newton solvers
need, and ``L2Penalty`` builds exactly that.
"""

from __future__ import annotations

import numpy as np


class ElasticNetPenalty:
    """alpha * sum_j f_j * (l1_ratio * |coef_j| + 0.5 * (1 - l1_ratio) * coef_j**2).

    The sum runs over every row of the (n_rows, p) coefficient matrix.
    ``factors`` has one entry per column: per-feature multipliers (glmnet's
    ``penalty.factor``), with the intercept's entry 0 unless the intercept is
    penalized (liblinear); or an (n_rows, p) array, one per coefficient (the
    per-parameter alphas of statsmodels' ``fit_regularized``). With
    ``alpha = 0`` this is the unpenalized model.

    Attributes
    ----------
    l1, l2 : ndarray
        Flat per-coefficient weights of the absolute and the squared term
        (``l1 = alpha * l1_ratio * f``, ``l2 = alpha * (1 - l1_ratio) * f``),
        which is all that a coordinate-descent or proximal solver needs.
    smooth : bool
        True when no coefficient carries an L1 weight.
    """

    def __init__(self, alpha: float, factors: np.ndarray, n_rows: int, l1_ratio: float = 0.0):
        self.alpha = float(alpha)
        self.l1_ratio = float(l1_ratio)
        self.factors = np.asarray(factors, dtype=np.float64)
        self.n_rows = int(n_rows)
        if self.factors.ndim == 2:
            if self.factors.shape[0] != self.n_rows:
                raise ValueError(f"factors of shape {self.factors.shape} for {self.n_rows} coefficient rows")
            per_coef = self.alpha * self.factors.ravel()
        else:
            per_coef = np.tile(self.alpha * self.factors, self.n_rows)
        self.l1 = self.l1_ratio * per_coef
        self.l2 = (1.0 - self.l1_ratio) * per_coef
        self.smooth = not np.any(self.l1)

    @property
    def penalized_columns(self) -> np.ndarray:
        """Whether each column carries a penalty in at least one row."""
        return (self.l1 + self.l2).reshape(self.n_rows, -1).max(axis=0) > 0

    @property
    def is_zero(self) -> bool:
        return self.alpha == 0.0 or not np.any(self.factors)

    def value(self, coef: np.ndarray) -> float:
        # Elementwise sums, not ``@``: a BLAS dot of a long vector can take
        # milliseconds when OpenBLAS threads compete with other processes
        # (measured 16 ms against 0.03 ms for 20,000 entries on a busy machine),
        # and line searches call this many times.
        out = 0.5 * float(np.sum(self.l2 * coef * coef))
        if not self.smooth:
            out += float(np.sum(self.l1 * np.abs(coef)))
        return out

    def gradient(self, coef: np.ndarray) -> np.ndarray:
        """Gradient of the smooth (squared) part only."""
        return self.l2 * coef

    def hessian_diag(self) -> np.ndarray:
        """Diagonal of the smooth part's Hessian, flat like the coefficients."""
        return self.l2

    def violations(self, coef, gradient, lower=None, upper=None) -> np.ndarray:
        """Per-coefficient violation of the optimality conditions.

        ``gradient`` is the gradient of the smooth part of the objective (loss
        plus squared term). See :func:`violation_vector`.
        """
        return violation_vector(coef, gradient, lower, upper, None if self.smooth else self.l1)


def L2Penalty(alpha: float, factors: np.ndarray, n_rows: int) -> ElasticNetPenalty:
    """0.5 * alpha * sum_j f_j * coef_j**2: the smooth special case."""
    return ElasticNetPenalty(alpha, factors, n_rows, l1_ratio=0.0)


def violation_vector(coef, gradient, lower=None, upper=None, l1=None) -> np.ndarray:
    """Per-coefficient optimality violation; zero exactly at a KKT point.

    - Smooth, unbounded: ``|gradient|``.
    - Smooth with box bounds: the projected gradient
      ``coef - clip(coef - gradient, lower, upper)``.
    - With an L1 term: the distance from ``-gradient`` to the subdifferential
      of ``l1 * |coef|`` plus the normal cone of the box, i.e. ``|g + l1 sign(c)|``
      off zero, ``max(|g| - l1, 0)`` at zero, and only the outward part of
      that at an active bound.
    """
    g = np.asarray(gradient, dtype=np.float64)
    if l1 is None:
        if lower is None and upper is None:
            return np.abs(g)
        lo = -np.inf if lower is None else lower
        hi = np.inf if upper is None else upper
        return np.abs(coef - np.clip(coef - g, lo, hi))
    sign = np.sign(coef)
    # The subdifferential of l1*|c| is the interval [a, b]; -g must lie in it
    # (extended to -inf/+inf where c sits on its lower/upper bound).
    a = np.where(sign == 0, -l1, sign * l1)
    b = np.where(sign == 0, l1, sign * l1)
    if lower is not None:
        a = np.where(coef <= lower, -np.inf, a)
    if upper is not None:
        b = np.where(coef >= upper, np.inf, b)
    return np.maximum(np.maximum(a + g, -g - b), 0.0)


def optimality_violation(coef, gradient, lower=None, upper=None, l1=None) -> float:
    """The largest per-coefficient violation (see :func:`violation_vector`).

    This is the measure ``tol`` refers to for every solver.
    """
    v = violation_vector(coef, gradient, lower, upper, l1)
    return float(np.max(v)) if v.size else 0.0

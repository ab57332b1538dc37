"""What a solver hands back to a front-end."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class SolverResult:
    """Outcome of one solve.

    Attributes
    ----------
    coef : ndarray
        Flat coefficient vector (layout of :class:`~logreg.core.loss.LogisticLoss`).
    n_iter : int
        Outer iterations taken.
    converged : bool
        Whether the stopping rule was met within ``max_iter``.
    optimality : float
        Optimality violation at ``coef`` (see ``Problem.optimality``).
    objective : float
        Objective value at ``coef``.
    solver : str
        Name of the solver that produced the result.
    message : str
        Why the solver stopped, in words.
    hessian : ndarray or None
        The loss Hessian (per-sample mean scale) the solver formed last, when
        it was evaluated within one step no larger than tol of ``coef``;
        inference reuses it instead of forming another (None otherwise).
    """

    coef: np.ndarray
    n_iter: int
    converged: bool
    optimality: float
    objective: float
    solver: str
    message: str = ""
    hessian: np.ndarray | None = None

"""Detecting (quasi-)complete separation with linear programs (Konis 2007).

The maximum-likelihood estimate of a binary logistic regression is finite if
and only if no direction ``b != 0`` (outside the null space of X) satisfies

    s_i x_i'b >= 0   for every observation i,      s_i = 2 y_i - 1,

(Albert & Anderson 1984). Along such a direction the log-likelihood never
decreases, so a solver drifts off to infinity. Whether one exists is a linear
feasibility question; :func:`detect_separation` answers it the way Konis
(2007) and R's ``detectseparation`` package do, with linear programs solved by
HiGHS (:func:`scipy.optimize.linprog`):

1. **Separation test** (Konis' LP). With the margins ``m_i(b) = s_i x_i'b``::

       maximize    sum_i m_i(b)
       subject to  m_i(b) >= 0          for all i
                   -1 <= b_j <= 1       for all j      (the box keeps it bounded)
                   N'b = 0                             (N: null space of X)

   ``b = 0`` is feasible with value 0, so the optimum is 0 exactly when there is
   no separation ("none"), and positive otherwise.

2. **Which observations can be separated.** The feasible directions form a
   convex cone, and the sum of two feasible directions has every positive
   margin of either, so there is a single largest set P of observations whose
   margins can be made positive together. It is found by repeating the LP with
   the objective restricted to observations not yet in P (maximize
   ``sum_{i not in P} m_i(b)``); each solve with a positive optimum adds at
   least one observation, a zero optimum ends the search. The reported
   ``direction`` is the (rescaled) sum of the directions found, which has a
   positive margin on every observation of P.

   * ``kind == "complete"``: P is every observation (a hyperplane strictly
     separates the two classes).
   * ``kind == "quasi-complete"``: P is non-empty but not everything; the
     others (``boundary``) lie on the separating hyperplane ``x'b = 0`` for
     every separating direction b.

3. **Which coefficients diverge** (as ``detectseparation`` reports infinite
   estimates). For each column j, maximize ``b_j`` and ``-b_j`` over the same
   cone (box, null-space constraint). A positive optimum means some separating
   direction moves b_j, so its ML estimate is +inf (or -inf); zero means it
   stays finite. These columns are ``columns``.

Columns are rescaled to a maximum absolute value of 1 before the LPs (it
changes no answer, only the numerical conditioning); directions are reported
in the original units, scaled so that their largest component is +-1.
Observations with zero weight are left out (they do not enter the likelihood).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import null_space
from scipy.optimize import linprog

from ._checks import check_binary_design

__all__ = ["SeparationReport", "detect_separation"]

# A margin (of a direction in the box, on columns scaled to max |x| = 1) counts
# as positive above this multiple of the row's largest possible margin.
_MARGIN_RTOL = 1e-7


@dataclass
class SeparationReport:
    """Outcome of :func:`detect_separation`.

    Attributes
    ----------
    kind : {"none", "quasi-complete", "complete"}
    direction : ndarray of shape (k,)
        A separating direction (zeros when ``kind == "none"``): ``s_i x_i'b >= 0``
        for every observation, > 0 on ``separated``. Largest component +-1.
    infinite : ndarray of shape (k,)
        Per column: +inf / -inf when the ML estimate diverges that way, 0 when it
        stays finite, NaN when separating directions move it both ways.
    columns : list
        The columns whose estimates diverge (names when known, else indices).
    separated : ndarray of int
        Observations (row indices of the input) whose margin is positive along
        ``direction``: perfectly predicted in the limit.
    boundary : ndarray of int
        Observations on the separating hyperplane for every separating direction
        (empty for complete separation; every row when there is none).
    names : list of str
        Column names used in ``columns``.
    """

    kind: str
    direction: np.ndarray
    infinite: np.ndarray
    columns: list
    separated: np.ndarray
    boundary: np.ndarray
    names: list = field(default_factory=list)

    @property
    def separation(self) -> bool:
        """True for complete or quasi-complete separation."""
        return self.kind != "none"

    def __str__(self) -> str:
        if self.kind == "none":
            return "No separation: the maximum-likelihood estimate exists."
        cols = ", ".join(
            f"{name} ({'+' if v > 0 else '-' if v < 0 else '+/-'}inf)"
            for name, v in zip(self.names, self.infinite)
            if v != 0
        )
        return (
            f"{self.kind.capitalize()} separation: the maximum-likelihood estimates of {cols} are infinite; "
            f"{len(self.separated)} observation(s) perfectly predicted, {len(self.boundary)} on the boundary."
        )


def _solve(c, A_ub, b_ub, A_eq, b_eq, bounds):
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if res.status != 0:  # pragma: no cover - the LPs are feasible (b = 0) and bounded (box)
        raise RuntimeError(f"separation LP failed: {res.message}")
    return res.x


def detect_separation(X, y, weights=None, *, exog_names=None) -> SeparationReport:
    """Detect complete or quasi-complete separation (LPs of Konis 2007; see the module docs).

    Parameters
    ----------
    X : array_like or DataFrame of shape (n, k)
        The design matrix, with its constant column if the model has one.
    y : array_like of shape (n,)
        0/1 (or bool) response.
    weights : array_like of shape (n,), optional
        Non-negative weights; only which are zero matters.
    exog_names : list of str, optional
        Column names (taken from a DataFrame's columns when not given).

    Returns
    -------
    SeparationReport
    """
    if exog_names is None and hasattr(X, "columns"):
        exog_names = [str(c) for c in X.columns]
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    n, k = X.shape
    y = check_binary_design(X, y)
    names = list(exog_names) if exog_names is not None else [f"x{j}" for j in range(k)]
    if len(names) != k:
        raise ValueError(f"{len(names)} names for {k} columns")
    rows = np.arange(n)
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64).ravel()
        if w.shape[0] != n or not np.all(np.isfinite(w)) or (w < 0).any():
            raise ValueError("weights must be finite, non-negative, one per row")
        rows = np.flatnonzero(w > 0)

    scale = np.abs(X).max(axis=0) if n else np.ones(k)
    scale[scale == 0] = 1.0
    S = (2.0 * y[rows] - 1.0)[:, None] * (X[rows] / scale)  # row i: s_i x_i' (scaled columns)
    cap = np.abs(S).sum(axis=1)  # the largest margin any direction in the box can give row i
    tol = _MARGIN_RTOL * np.maximum(cap, 1.0)
    N = null_space(S) if S.shape[0] else np.eye(k)
    A_eq, b_eq = (N.T, np.zeros(N.shape[1])) if N.size else (None, None)
    A_ub, b_ub, box = -S, np.zeros(len(rows)), [(-1.0, 1.0)] * k

    # Steps 1 and 2: grow the set of rows with a positive margin.
    total = np.zeros(k)
    positive = np.zeros(len(rows), dtype=bool)
    while not positive.all():
        objective = -S[~positive].sum(axis=0)
        b = _solve(objective, A_ub, b_ub, A_eq, b_eq, box)
        margins = S @ b
        new = (margins > tol) & ~positive
        if not new.any():
            break
        total += b
        positive |= new | (S @ total > tol)

    if not positive.any():
        kind = "none"
        direction = np.zeros(k)
        infinite = np.zeros(k)
    else:
        kind = "complete" if positive.all() else "quasi-complete"
        direction = total / scale
        direction /= np.abs(direction).max()
        # Step 3: which coefficients separating directions can move.
        infinite = np.zeros(k)
        for j in range(k):
            reach = []
            for sign in (1.0, -1.0):
                c = np.zeros(k)
                c[j] = -sign
                b = _solve(c, A_ub, b_ub, A_eq, b_eq, box)
                reach.append(sign * b[j] > 1e-7)
            if reach[0] and reach[1]:
                infinite[j] = np.nan
            elif reach[0]:
                infinite[j] = np.inf
            elif reach[1]:
                infinite[j] = -np.inf
    columns = [names[j] for j in range(k) if infinite[j] != 0]
    return SeparationReport(
        kind=kind,
        direction=direction,
        infinite=infinite,
        columns=columns,
        separated=rows[positive],
        boundary=rows[~positive],
        names=names,
    )

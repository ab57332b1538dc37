"""Firth's bias-reduced logistic regression (Firth 1993; Heinze & Schemper 2002; R's logistf).

The estimate maximizes the penalized log-likelihood

    l*(b) = l(b) + 1/2 log det I(b),      I(b) = X' W X,  W = diag(w_i p_i (1 - p_i)),

(the penalty is Jeffreys' invariant prior), which is finite even under complete
or quasi-complete separation. Its gradient is the modified score

    U*(b)_j = sum_i [ w_i (y_i - p_i) + h_i (1/2 - p_i) ] x_ij,

with h_i the diagonal of the weighted hat matrix W^1/2 X I^-1 X' W^1/2 (for
unit weights this is the familiar ``(y_i - p_i + h_i (1/2 - p_i)) x_ij``).
The iterations are Newton steps on l* with the exact Hessian ``-(I(b) - J(b))``,
J the Hessian of the penalty, for n <= 2000 (falling back to logistf's
Fisher-scoring step ``delta = I(b)^-1 U*(b)`` where I - J is not positive
definite, and always for larger n: the exact Hessian needs the n x n hat
matrix). As in logistf, a step moves no coordinate by more than ``maxstep``
(5) and is halved until l*(b) does not decrease.

Everything likelihood-related goes through the core's
:class:`~logreg.core.loss.LogisticLoss` (one formula for the loss in the code
base): ``l(b) = -weight_sum * loss.value(eta)``, ``I(b) = weight_sum *
loss.hessian(eta, p)``, ``p = loss.probabilities(eta)``. The Hessian weights
``w_i p_i (1 - p_i)`` needed for the leverages are the ones ``loss.hessian``
uses.

Inference as in logistf:

* ``FirthFit.cov`` is the inverse of the *unpenalized* information I(b) at the
  Firth estimate (what logistf reports as ``var``).
* :func:`profile_penalized_ci` inverts the penalized likelihood-ratio test:
  the interval is ``{c : 2 [l*(b^) - max_{b: b_j = c} l*(b)] <= chi2_1(1 - alpha)}``.
* :func:`penalized_lr_test` / :func:`penalized_lr_pvalue` compare l*(b^) with
  the maximum of l* over ``b_j = 0``.

The restricted fits keep coefficient j *in the model* at its fixed value (the
same as moving ``c x_j`` into the offset) and keep column j in the penalty
``1/2 log det X'WX`` with the full X; only the scoring steps leave j out. Refitting
with column j dropped would change the penalty (Jeffreys' prior of a smaller
model) and give a different, wrong statistic. This is what logistf does too.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy import stats
from scipy.optimize import brentq

from ..backends import as_design_matrix
from ..core import LogisticLoss
from ..exceptions import convergence_warning_class
from ._checks import check_binary_design

__all__ = ["FirthFit", "fit_firth", "profile_penalized_ci", "penalized_lr_test", "penalized_lr_pvalue"]

# logistf's defaults: the largest change of a coefficient in one step, and
# how many times a step may be halved (logistf: 5; more is harmless and lets
# the last steps creep up to a tight tol).
_MAXSTEP = 5.0
_MAX_HALVINGS = 30
# Up to this many rows, Newton steps use the exact Hessian of the penalized
# log-likelihood (which needs the n x n hat matrix); above, Fisher scoring.
_EXACT_MAX_ROWS = 2000


@dataclass
class FirthFit:
    """Outcome of :func:`fit_firth`.

    Attributes
    ----------
    params : ndarray (k,)
        Firth (penalized maximum-likelihood) estimates.
    cov : ndarray (k, k)
        Inverse of the unpenalized information X'WX at ``params`` (logistf's ``var``).
    llf_penalized : float
        l(b) + 1/2 log det I(b) at ``params``.
    llf : float
        The ordinary log-likelihood l(b) at ``params``.
    n_iter : int
    converged : bool
    score : ndarray (k,)
        The modified score U*(b) at ``params`` (zero at the optimum; entries of
        fixed coefficients are reported too but were not solved for).
    hat : ndarray (n,)
        Leverages h_i of the weighted hat matrix at ``params``.
    optimality : float
        max |U*_j| / sum(w) over the free coefficients: the core's optimality
        measure (gradient of the per-observation mean) for the penalized objective.
    message : str
    """

    params: np.ndarray
    cov: np.ndarray
    llf_penalized: float
    llf: float
    n_iter: int
    converged: bool
    score: np.ndarray
    hat: np.ndarray
    optimality: float
    message: str = ""


def _cholesky_solve(L, b):
    """A^-1 b from the lower Cholesky factor L of A (NumPy's solvers: scipy's
    triangular solve was measured at milliseconds for 3 x 40 here)."""
    return np.linalg.solve(L.T, np.linalg.solve(L, b))


class _State:
    """Everything at one coefficient vector: probabilities, information, l, l*."""

    __slots__ = ("beta", "eta", "prob", "llf", "info", "chol", "logdet", "llf_penalized")


class _FirthProblem:
    def __init__(self, X, y, weights=None, offset=None):
        if sp.issparse(X):
            X = X.toarray()
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X[:, None]
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D, got {X.ndim} dimensions")
        n, k = X.shape
        y = check_binary_design(X, y)
        w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
        if w.shape[0] != n or not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
            raise ValueError("weights must be finite, non-negative, not all zero, one per row")
        if offset is not None:
            offset = np.asarray(offset, dtype=np.float64).ravel()
            if offset.shape[0] != n:
                raise ValueError(f"offset has {offset.shape[0]} entries, X has {n} rows")
        if np.linalg.matrix_rank(X[w > 0]) < k:
            raise ValueError(
                "X does not have full column rank (over the rows with positive weight): "
                "log det X'WX is -inf and the Firth estimate is not defined; drop aliased columns"
            )
        self.X = np.ascontiguousarray(X)
        self.k = k
        self.loss = LogisticLoss(
            as_design_matrix(self.X), y, n_classes=2, multinomial=False,
            sample_weight=w, offset=offset, fit_intercept=False,
        )
        self.weight_sum = self.loss.weight_sum

    def state(self, beta) -> _State:
        loss, s = self.loss, _State()
        s.beta = np.array(beta, dtype=np.float64)
        s.eta = loss.eta(s.beta)
        s.prob = loss.probabilities(s.eta)
        s.llf = -self.weight_sum * loss.value(s.eta)
        s.info = self.weight_sum * loss.hessian(s.eta, s.prob)
        try:
            s.chol = np.linalg.cholesky(s.info)
            s.logdet = 2.0 * float(np.log(np.diag(s.chol)).sum())
        except np.linalg.LinAlgError:
            # I(b) numerically singular: fitted probabilities of 0/1 far out
            # along a separating direction. l* is -inf there.
            s.chol = None
            s.logdet = -np.inf
        s.llf_penalized = s.llf + 0.5 * s.logdet
        return s

    def hessian_weights(self, s: _State) -> np.ndarray:
        """w_i p_i (1 - p_i) in total (not mean) units: the weights of loss.hessian."""
        return self.weight_sum * self.loss.w * s.prob * (1.0 - s.prob)

    def leverages(self, s: _State) -> np.ndarray:
        """Diagonal of W^1/2 X I^-1 X' W^1/2."""
        Z = np.linalg.solve(s.chol, self.X.T)
        return self.hessian_weights(s) * np.einsum("ij,ij->j", Z, Z)

    def penalty_hessian(self, s: _State, h: np.ndarray) -> np.ndarray:
        """Hessian of 1/2 log det I(b) (Firth's penalty), from the n x n hat matrix.

        With D = diag(1 - 2p), H the hat matrix and H∘H its elementwise square:
        X' diag(h ((1 - 2p)^2 / 2 - p (1 - p))) X - 1/2 X' D (H∘H) D X.
        """
        root = np.sqrt(self.hessian_weights(s))
        Z = np.linalg.solve(s.chol, self.X.T) * root  # (k, n)
        H2 = Z.T @ Z
        H2 *= H2
        d = 1.0 - 2.0 * s.prob
        DX = d[:, None] * self.X
        diag = h * (0.5 * d * d - s.prob * (1.0 - s.prob))
        return self.X.T @ (diag[:, None] * self.X) - 0.5 * DX.T @ (H2 @ DX)

    def step(self, s: _State, h, score, free) -> np.ndarray:
        """Newton step on the free coefficients.

        With at most ``_EXACT_MAX_ROWS`` rows (the hat matrix is n x n) the exact
        Hessian of l* is used where it is negative definite (quadratic
        convergence, which matters far out on profiles); otherwise, as logistf,
        the unpenalized information I(b) (Fisher scoring on l*: linear convergence).
        """
        idx = np.ix_(free, free)
        if self.X.shape[0] <= _EXACT_MAX_ROWS:
            curvature = (s.info - self.penalty_hessian(s, h))[idx]
            try:
                return _cholesky_solve(np.linalg.cholesky(curvature), score[free])
            except np.linalg.LinAlgError:
                pass
        return _cholesky_solve(np.linalg.cholesky(s.info[idx]), score[free])

    def modified_score(self, s: _State) -> tuple[np.ndarray, np.ndarray]:
        """(U*(b), h): gradient of l* = l + 1/2 log det I."""
        h = self.leverages(s)
        _, resid, _ = self.loss.value_and_residual(s.eta)  # (p - y) w / weight_sum
        score = -self.weight_sum * self.loss.gradient_from_residual(resid)
        score += self.X.T @ (h * (0.5 - s.prob))
        return score, h


def _newton(problem: _FirthProblem, beta0, free, *, tol, max_iter):
    """Maximize l* over the coefficients where ``free`` is True; the others stay at beta0.

    Converged when the full (unhalved) scoring step is below ``tol`` in every
    free coordinate, relative to 1 + |b_j|; that last step is taken too.
    """
    free = np.asarray(free, dtype=bool)
    s = problem.state(beta0)
    if s.chol is None:
        raise ValueError("the information matrix is singular at the starting values")
    converged, message, n_iter = False, "maximum number of iterations reached", 0
    score, h = problem.modified_score(s)
    for n_iter in range(1, max_iter + 1):
        slack = 1e-13 * max(1.0, abs(s.llf_penalized))  # rounding of l* near the optimum
        delta_f = problem.step(s, h, score, free)
        if np.all(np.abs(delta_f) <= tol * (1.0 + np.abs(s.beta[free]))):
            # Take this last small step too (the steps shrink linearly, so the
            # distance left is about the step's size), unless rounding makes l* worse.
            converged, message = True, "converged"
            beta = s.beta.copy()
            beta[free] += delta_f
            trial = problem.state(beta)
            if trial.chol is not None and trial.llf_penalized >= s.llf_penalized - slack:
                s = trial
                score, h = problem.modified_score(s)
            break
        biggest = np.abs(delta_f).max()
        if biggest > _MAXSTEP:
            delta_f *= _MAXSTEP / biggest
        delta = np.zeros(problem.k)
        delta[free] = delta_f
        for _ in range(_MAX_HALVINGS + 1):
            trial = problem.state(s.beta + delta)
            if trial.chol is not None and trial.llf_penalized >= s.llf_penalized - slack:
                break
            delta *= 0.5
        else:
            message = "step-halving could not increase the penalized log-likelihood"
            break
        s = trial
        score, h = problem.modified_score(s)
    return s, score, h, n_iter, converged, message


def _as_fit(problem, s, score, h, free, n_iter, converged, message) -> FirthFit:
    cov = _cholesky_solve(s.chol, np.eye(problem.k))
    optimality = float(np.abs(score[free]).max() / problem.weight_sum) if free.any() else 0.0
    return FirthFit(
        params=s.beta.copy(), cov=(cov + cov.T) / 2, llf_penalized=float(s.llf_penalized), llf=float(s.llf),
        n_iter=int(n_iter), converged=bool(converged), score=score, hat=h, optimality=optimality,
        message=message,
    )


def fit_firth(X, y, weights=None, *, tol=1e-10, max_iter=100, offset=None, start_params=None) -> FirthFit:
    """Firth's penalized maximum-likelihood logistic regression (as logistf).

    Parameters
    ----------
    X : array_like of shape (n, k)
        Design matrix, including the constant column if wanted; full column rank.
    y : array_like of shape (n,)
        0/1 response.
    weights : array_like of shape (n,), optional
        Frequency/prior weights w_i (logistf's ``weights``).
    tol : float
        Stop when every coordinate of the scoring step I^-1 U* is below
        ``tol * (1 + |b_j|)``.
    max_iter : int
    offset : array_like of shape (n,), optional
        Added to the linear predictor.
    start_params : array_like of shape (k,), optional
        Starting values (default zeros).

    Returns
    -------
    FirthFit
        A non-converged fit is returned as it stands (``converged=False``);
        no warning is issued here: the caller decides.
    """
    problem = _FirthProblem(X, y, weights, offset)
    beta0 = np.zeros(problem.k) if start_params is None else np.asarray(start_params, dtype=np.float64).ravel()
    if beta0.shape != (problem.k,):
        raise ValueError(f"start_params has {beta0.size} values, expected {problem.k}")
    free = np.ones(problem.k, dtype=bool)
    s, score, h, n_iter, converged, message = _newton(problem, beta0, free, tol=tol, max_iter=int(max_iter))
    return _as_fit(problem, s, score, h, free, n_iter, converged, message)


def _columns(j, k) -> np.ndarray:
    idx = np.atleast_1d(np.asarray(j)).astype(np.intp)
    if idx.size == 0 or (idx < -k).any() or (idx >= k).any():
        raise ValueError(f"column index {j!r} out of range for {k} columns")
    return np.unique(idx % k)


def _restricted_fit(problem, beta_start, fixed, values, *, tol, max_iter):
    """max l* with b[fixed] = values (full X kept in the penalty); returns the state."""
    beta0 = np.array(beta_start, dtype=np.float64)
    beta0[fixed] = values
    free = np.ones(problem.k, dtype=bool)
    free[fixed] = False
    if not free.any():
        return problem.state(beta0), True
    s, _, _, _, converged, _ = _newton(problem, beta0, free, tol=tol, max_iter=max_iter)
    if not converged:
        warnings.warn(
            f"a restricted Firth fit (coefficients {list(np.flatnonzero(~free))} fixed) did not converge "
            f"in {max_iter} iterations; the penalized likelihood-ratio statistic may be inaccurate",
            convergence_warning_class(),
            stacklevel=3,
        )
    return s, converged


def penalized_lr_test(X, y, j, *, weights=None, offset=None, fit=None, tol=1e-10, max_iter=100):
    """Penalized likelihood-ratio test of b_j = 0 (logistf's p-values).

    ``2 [l*(b^) - max_{b_j = 0} l*(b)]`` against chi2 with ``len(j)`` degrees of
    freedom; ``j`` may be one column index or several (a joint test). The
    restricted model keeps column j in the Jeffreys penalty (b_j fixed at 0,
    equivalent to an offset), see the module docs.

    Returns
    -------
    (statistic, pvalue)
    """
    problem = _FirthProblem(X, y, weights, offset)
    fixed = _columns(j, problem.k)
    if fit is None:
        fit = fit_firth(X, y, weights, tol=tol, max_iter=max_iter, offset=offset)
    # the better of two starts (the restricted l* need not be unimodal far from b^)
    s0 = max(
        (_restricted_fit(problem, start, fixed, 0.0, tol=tol, max_iter=max_iter)[0]
         for start in (fit.params, np.zeros(problem.k))),
        key=lambda state: state.llf_penalized,
    )
    stat = max(2.0 * (fit.llf_penalized - s0.llf_penalized), 0.0)
    return float(stat), float(stats.chi2.sf(stat, fixed.size))


def penalized_lr_pvalue(X, y, j, *, weights=None, offset=None, fit=None, tol=1e-10, max_iter=100) -> float:
    """P-value of the penalized likelihood-ratio test of b_j = 0 (see :func:`penalized_lr_test`)."""
    return penalized_lr_test(X, y, j, weights=weights, offset=offset, fit=fit, tol=tol, max_iter=max_iter)[1]


def profile_penalized_ci(
    X, y, j, alpha=0.05, *, weights=None, offset=None, fit=None, tol=1e-10, max_iter=100, xtol=1e-8
) -> np.ndarray:
    """Profile penalized-likelihood confidence interval for coefficient j (as logistf).

    The ends c solve ``2 [l*(b^) - max_{b: b_j = c} l*(b)] = chi2_1(1 - alpha)``
    (full X in the penalty for every restricted fit). Each end is bracketed by
    stepping out from b^_j in steps that double, then found with Brent's
    method to ``xtol`` (relative to 1 + |c|).

    Returns
    -------
    ndarray [lower, upper]
        An end that cannot be bracketed (the profile stays above the cut-off
        to +-1e8 on the coefficient scale) is returned as -inf / +inf.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    problem = _FirthProblem(X, y, weights, offset)
    if np.ndim(j) != 0:
        raise ValueError("profile_penalized_ci takes one column index")
    col = int(_columns(j, problem.k)[0])
    if fit is None:
        fit = fit_firth(X, y, weights, tol=tol, max_iter=max_iter, offset=offset)
    cut = stats.chi2.ppf(1 - alpha, 1)
    center = fit.params[col]
    # Far from b^ the restricted l* need not be unimodal: each profile point is
    # the better of two restricted fits, one continued from the nearest point
    # already profiled, one started at b^; results are cached so that Brent's
    # method sees the same function values as the bracketing did.
    profiled = {float(center): (fit.params.copy(), float(fit.llf_penalized))}

    def excess(c):
        c = float(c)
        if c not in profiled:
            nearest = min(profiled, key=lambda e: abs(e - c))
            best = None
            for start in (profiled[nearest][0], fit.params):
                s, _ = _restricted_fit(problem, start, [col], c, tol=tol, max_iter=max_iter)
                if best is None or s.llf_penalized > best.llf_penalized:
                    best = s
            profiled[c] = (best.beta, float(best.llf_penalized))
        return 2.0 * (fit.llf_penalized - profiled[c][1]) - cut

    step0 = max(float(np.sqrt(max(fit.cov[col, col], 0.0))), 1e-3 * (1 + abs(center)))
    ends = []
    for sign in (-1.0, 1.0):
        inner, step, outer = center, step0, None
        while abs(step) < 1e8:
            c = center + sign * step
            if excess(c) > 0:
                outer = c
                break
            inner, step = c, 2 * step
        if outer is None:
            ends.append(sign * np.inf)
            continue
        root = brentq(excess, min(inner, outer), max(inner, outer), xtol=xtol * (1 + abs(outer)), rtol=1e-12)
        ends.append(root)
    return np.array(ends)

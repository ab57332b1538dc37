"""Regularization paths: ``alpha_max`` and ``regularization_path``.

A path of L1, elastic-net or L2 fits runs from a strong penalty down to
weaker ones, each fit warm-started at the previous solution (glmnet's
pathwise coordinate descent, Friedman, Hastie & Tibshirani 2010). For L1 and
elastic-net the path starts at ``alpha_max``, the smallest penalty at which
every penalized coefficient is zero, and two devices from glmnet keep it
cheap:

- *Sequential strong rules* (Tibshirani et al. 2012, JRSS-B 74): at the next
  penalty ``alpha'`` a coefficient that is zero at ``alpha`` is discarded when
  ``|g_j(alpha)| < l1_ratio * f_j * (2 alpha' - alpha)``, with ``g`` the loss
  gradient at the current solution. The fit then runs on the columns that
  survive only (every pass over X costs in proportion to them), and the
  optimality conditions of *all* coefficients are checked at its solution:
  a discarded coefficient that violates them (the rule is a heuristic and
  can be wrong) is brought back and the fit repeated.
- *Early stop*: the path ends when the fraction of deviance explained
  improves by less than ``1e-5`` of itself between two penalties, or
  exceeds ``0.999`` (glmnet's ``fdev`` and ``devmax``), after at least five
  penalties; only on a generated grid, as glmnet does.

Every point of a path is solved to the same optimality measure as a single
:class:`~logreg.LogisticRegression` fit: the largest violation of the
optimality conditions is at most ``tol``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# glmnet's early-stop constants (glmnet.control: fdev, devmax) and the number
# of penalties computed before the rule may stop a path (mnlam).
_FDEV = 1e-5
_DEVMAX = 0.999
_MIN_POINTS = 5


def alpha_max(X, y, *, sample_weight=None, **params) -> float:
    """The smallest penalty that makes every penalized coefficient exactly 0.

    Parameters
    ----------
    X, y, sample_weight
        Training data, as for :meth:`LogisticRegression.fit`.
    **params
        :class:`~logreg.LogisticRegression` parameters that define the
        problem: ``penalty``, ``l1_ratio``, ``fit_intercept``,
        ``class_weight``, ``penalty_factor``, ``multi_class``, ``solver``
        (``"liblinear"`` penalizes the intercept), ``intercept_scaling``.
        The default is ``penalty="l1"``.

    Returns
    -------
    float
        ``alpha`` on glmnet's scale: the objective is the weighted *mean*
        log-loss plus ``alpha * sum_j f_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)``.
        The corresponding ``C`` is ``1 / (alpha * S)`` with ``S`` the sum of
        the sample weights (times class weights): every fit with ``C`` at or
        below it has ``coef_ == 0``. For one-vs-rest, the largest over the
        classes.
    """
    from . import _validation as v
    from ._fitting import alpha_max as problem_alpha_max
    from .estimator import LogisticRegression

    params.setdefault("penalty", "l1")
    model = LogisticRegression(**params)
    _, l1_ratio, liblinear = model._check_params()
    if l1_ratio <= 0:
        raise ValueError(
            "alpha_max needs an L1 term: use penalty='l1', or penalty='elasticnet' with l1_ratio > 0"
        )
    X, y, classes, y_enc, sample_weight = v.validate_fit_data(model, X, y, sample_weight)
    # C only scales alpha: any finite value gives the same problem shape.
    plan = model._plan(X, classes, y_enc, sample_weight, 1.0, l1_ratio, liblinear)
    return max(problem_alpha_max(plan.problem_for(key))[0] for key in plan.keys)


# -- the result ---------------------------------------------------------------------


@dataclass
class RegularizationPath:
    """Coefficients along a grid of penalties (see :func:`regularization_path`).

    Points are ordered from the strongest penalty (smallest C) to the weakest.

    Attributes
    ----------
    Cs : ndarray of shape (n_points,)
        scikit-learn's C at each point (increasing).
    alphas : ndarray of shape (n_points,)
        The same penalties on glmnet's scale, ``alpha = 1 / (C * S)`` with
        ``S`` the sum of the (class-weighted) sample weights (decreasing).
    l1_ratio : float
    coefs : ndarray of shape (n_points, n_rows, n_features)
        ``coef_`` of the model at each point, with the rows of
        :class:`~logreg.LogisticRegression` (one for a binary model).
    intercepts : ndarray of shape (n_points, n_rows)
    n_iter : ndarray of shape (n_points,)
        Solver iterations per point (summed over re-fits and one-vs-rest classes).
    deviance_ratio : ndarray of shape (n_points,)
        Fraction of the null deviance explained, glmnet's ``dev.ratio``:
        ``1 - deviance / null deviance``, the null model having only an
        intercept (no coefficient without ``fit_intercept``).
    n_nonzero : ndarray of shape (n_points,)
        Number of features with a non-zero coefficient in some row (glmnet's ``df``).
    optimality : ndarray of shape (n_points,)
        Largest optimality violation at each point, over all coefficients
        (screened ones included); at most ``tol`` when every fit converged.
    n_screened : ndarray of shape (n_points,)
        Features the strong rule discarded before the fit at each point
        (0 when the fit ran on every column).
    n_readmitted : ndarray of shape (n_points,)
        Discarded features that violated the optimality conditions at the
        screened solution and were brought back for a re-fit.
    alpha_max : float or None
        Where a generated grid starts: the smallest penalty zeroing every
        penalized coefficient (for L2, that of ``l1_ratio=1e-3``, as in
        glmnet); None for a given grid.
    stopped_early : bool
        Whether the deviance rule ended the path before the last penalty.
    classes : ndarray
    multinomial : bool
    """

    Cs: np.ndarray
    alphas: np.ndarray
    l1_ratio: float
    coefs: np.ndarray
    intercepts: np.ndarray
    n_iter: np.ndarray
    deviance_ratio: np.ndarray
    n_nonzero: np.ndarray
    optimality: np.ndarray
    n_screened: np.ndarray
    n_readmitted: np.ndarray
    alpha_max: float | None = None
    stopped_early: bool = False
    classes: np.ndarray = field(default_factory=lambda: np.array([]))
    multinomial: bool = False

    def __len__(self) -> int:
        return len(self.Cs)


def regularization_path(
    X,
    y,
    *,
    l1_ratio: float = 1.0,
    Cs=None,
    n_Cs: int = 100,
    C_min_ratio: float | None = None,
    sample_weight=None,
    tol: float = 1e-4,
    max_iter: int = 100,
    screening: bool = True,
    early_stop: bool = True,
    **params,
) -> RegularizationPath:
    """Coefficients along a decreasing sequence of penalties, with warm starts.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    l1_ratio : float in [0, 1], default=1.0
        Elastic-net mixing: 1 is the lasso, 0 ridge (L2).
    Cs : array-like, optional
        The penalties, as scikit-learn's C; solved from the smallest (strongest
        penalty) to the largest. By default a grid of ``n_Cs`` values evenly
        spaced in log scale, from ``C_max = 1 / (alpha_max * S)``, where every
        penalized coefficient is zero, up to ``C_max / C_min_ratio``.
        For L2 (``l1_ratio`` below 1e-3) no penalty makes the coefficients
        zero; the grid then starts, as glmnet's does, at the ``alpha_max``
        that ``l1_ratio = 1e-3`` would have, where the coefficients are small.
    n_Cs : int, default=100
    C_min_ratio : float, optional
        glmnet's ``lambda.min.ratio``: the weakest penalty of the generated
        grid as a fraction of the strongest. Default 1e-4 when
        n_samples > n_features, else 1e-2.
    sample_weight : array-like of shape (n_samples,), optional
    tol : float, default=1e-4
        Every point is solved until the largest violation of its optimality
        conditions, over all coefficients, is at most ``tol``.
    max_iter : int, default=100
        Solver iterations per point.
    screening : bool, default=True
        Use the sequential strong rule (L1 and elastic-net) with a check of
        the optimality conditions of the discarded features.
    early_stop : bool, default=True
        End a generated grid when the deviance ratio stops improving
        (glmnet's rule, see the module notes). Ignored when ``Cs`` is given.
    **params
        Other :class:`~logreg.LogisticRegression` parameters defining the
        problem: ``fit_intercept``, ``class_weight``, ``penalty_factor``,
        ``multi_class``, ``solver``, ``intercept_scaling``, ``lower_bounds``,
        ``upper_bounds``, ``verbose`` (a progress bar when > 0).

    Returns
    -------
    RegularizationPath
    """
    from . import _validation as v
    from ._pathwise import PlanPath, check_Cs, progress, solver_for
    from .estimator import LogisticRegression

    if isinstance(l1_ratio, bool) or not isinstance(l1_ratio, (int, float, np.integer, np.floating)) or not (
        0 <= l1_ratio <= 1
    ):
        raise ValueError(f"l1_ratio must be a number in [0, 1], got {l1_ratio!r}")
    for name in ("penalty", "C", "l1_ratio", "warm_start", "dual"):
        if name in params:
            raise TypeError(f"regularization_path() sets {name!r} itself; give l1_ratio= and Cs= instead")
    verbose = params.pop("verbose", 0)
    model = LogisticRegression(
        penalty="elasticnet", l1_ratio=float(l1_ratio), tol=tol, max_iter=max_iter, **params
    )
    _, l1_ratio, liblinear = model._check_params()
    X, y, classes, y_enc, sample_weight = v.validate_fit_data(model, X, y, sample_weight)
    n, d = X.shape
    plan = model._plan(X, classes, y_enc, sample_weight, 1.0, l1_ratio, liblinear)
    path = PlanPath(
        model,
        plan,
        n_features=d,
        n_classes=classes.size,
        l1_ratio=l1_ratio,
        solver=solver_for(model, l1_ratio, liblinear),
        tol=tol,
        max_iter=max_iter,
        screening=screening,
    )
    generated = Cs is None
    a_max = None
    if generated:
        if not isinstance(n_Cs, (int, np.integer)) or isinstance(n_Cs, bool) or n_Cs < 1:
            raise ValueError(f"n_Cs must be a positive integer, got {n_Cs!r}")
        ratio = (1e-4 if n > d else 1e-2) if C_min_ratio is None else C_min_ratio
        if not (isinstance(ratio, (int, float, np.integer, np.floating)) and 0 < ratio < 1):
            raise ValueError(f"C_min_ratio must be a number in (0, 1), got {C_min_ratio!r}")
        if any(not np.all(s.zero_feasible) for s in path.solvers):
            raise ValueError("bounds that exclude 0 leave no penalty where every coefficient is 0: give Cs")
        C_start = path.C_max()
        if not np.isfinite(C_start):
            raise ValueError(
                "no penalized coefficient has a non-zero gradient at the unpenalized start "
                "(alpha_max = 0): give Cs explicitly"
            )
        Cs = C_start * np.logspace(0.0, -np.log10(ratio), n_Cs)
        a_max = 1.0 / (C_start * path.solvers[0].S)
    else:
        Cs = np.sort(check_Cs(Cs))
    stop_early = generated and early_stop
    points = []
    previous_ratio = None
    stopped = False
    with progress(len(Cs), verbose, "regularization path") as bar:
        for k, C in enumerate(Cs):
            _, info = path.step(C)
            points.append((C, model.coef_.copy(), model.intercept_.copy(), info))
            bar.update(1)
            ratio_k = info.deviance_ratio
            if stop_early and k + 1 >= _MIN_POINTS and k + 1 < len(Cs):
                if ratio_k > _DEVMAX or (
                    previous_ratio is not None and ratio_k - previous_ratio < _FDEV * abs(ratio_k)
                ):
                    stopped = True
                    break
            previous_ratio = ratio_k
    Cs_done = np.array([pt[0] for pt in points])
    coefs = np.array([pt[1] for pt in points])
    infos = [pt[3] for pt in points]
    return RegularizationPath(
        Cs=Cs_done,
        alphas=1.0 / (Cs_done * path.solvers[0].S),
        l1_ratio=l1_ratio,
        coefs=coefs,
        intercepts=np.array([pt[2] for pt in points]),
        n_iter=np.array([i.n_iter for i in infos], dtype=np.int64),
        deviance_ratio=np.array([i.deviance_ratio for i in infos]),
        n_nonzero=np.count_nonzero(np.any(coefs != 0, axis=1), axis=1),
        optimality=np.array([i.optimality for i in infos]),
        n_screened=np.array([i.n_screened for i in infos], dtype=np.int64),
        n_readmitted=np.array([i.n_readmitted for i in infos], dtype=np.int64),
        alpha_max=a_max,
        stopped_early=stopped,
        classes=classes,
        multinomial=plan.multinomial,
    )

"""Where a regularization path starts: ``alpha_max``.

A path of L1 or elastic-net fits runs from the smallest penalty that zeroes
every penalized coefficient down to weaker ones, warm-starting each fit at
the previous solution. This module gives that starting point for the
problems a :class:`~logreg.LogisticRegression` defines.
"""

from __future__ import annotations

import numpy as np


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

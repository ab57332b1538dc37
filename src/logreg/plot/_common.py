"""Small helpers shared by the plot modules."""

from __future__ import annotations


import numpy as np



def _axes(ax):
    """``ax`` and its figure; a new figure and axes when ``ax`` is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax, ax.figure


def _check_fitted_classifier(estimator, what: str):
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator)
    classes = getattr(estimator, "classes_", None)
    if classes is None:
        raise TypeError(f"{what} needs a fitted classifier (an estimator with classes_)")
    return np.asarray(classes)


def _n_features(estimator, X) -> int:
    n = getattr(estimator, "n_features_in_", None)
    if n is None:
        n = np.shape(X)[1] if np.ndim(X) == 2 else 1
    return int(n)


def _feature_names(estimator, n: int, given=None) -> list[str]:
    """Names given, else the estimator's ``feature_names_in_``, else x1, x2, ... (as in the tutorial)."""
    if given is not None:
        names = [str(name) for name in given]
        if len(names) != n:
            raise ValueError(f"feature_names has {len(names)} names for {n} features")
        return names
    known = getattr(estimator, "feature_names_in_", None)
    if known is not None:
        return [str(name) for name in known]
    return [f"x{j + 1}" for j in range(n)]


def _positive_label(y: np.ndarray, pos_label):
    """The positive class of binary labels y, by scikit-learn's rule."""
    labels = np.unique(y)
    if labels.size > 2:
        raise ValueError(f"y must be binary, but it has {labels.size} classes: {labels.tolist()}")
    if pos_label is not None:
        return pos_label
    numeric = labels.dtype.kind in "biuf"
    if numeric and (set(labels.tolist()) <= {0, 1} or set(labels.tolist()) <= {-1, 1}):
        return 1
    raise ValueError(
        f"y has labels {labels.tolist()}: say which one is the positive class with pos_label"
    )


def _crossings(grid: np.ndarray, values: np.ndarray, level: float) -> np.ndarray:
    """Where ``values`` (sampled on the sorted ``grid``) crosses ``level``.

    Linear interpolation between neighbours: exact when ``values`` is linear in
    x, as the logit of a logistic model is.
    """
    d = values - level
    exact = grid[d == 0]
    with np.errstate(invalid="ignore"):
        i = np.nonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0)[0]
    between = grid[i] - d[i] * (grid[i + 1] - grid[i]) / (d[i + 1] - d[i])
    return np.unique(np.concatenate([exact, between]))


def _finite_or_nan(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64).copy()
    values[~np.isfinite(values)] = np.nan
    return values


# -- one feature: the probability curve --------------------------------------------

"""Plots of logistic-regression models, following scikit-learn's Display convention.

Every display has ``from_estimator`` and ``from_predictions`` (or
``from_coefficients``) class methods that compute what is drawn and call
``plot(ax=...)``; the drawn artists are stored as attributes ending in ``_``
(``ax_``, ``figure_``, ``line_``, ...) so that they can be restyled afterwards.

Written here, because scikit-learn has no equivalent:

- :class:`ProbabilityCurveDisplay`: the tutorial's one-feature figure, the
  fitted probability curve p(x), the observations, the predicted probabilities
  at the observations (grey squares), the misclassified points (red x), the
  logit f(x) (dashed, secondary y axis) and the threshold crossing.
- :class:`DecisionBoundaryDisplay`: scikit-learn's decision-surface display
  plus, for a binary linear model, the line ``b + w1 x1 + w2 x2 = 0`` and the
  observations coloured by class.
- :class:`CoefficientPlot`: a forest plot of the coefficients with confidence
  intervals, on the log-odds or the odds-ratio scale.
- :func:`plot_confusion_matrix`: a confusion-matrix heatmap with counts,
  labelled as in the tutorial.

Re-exported unchanged from scikit-learn (they work with
:class:`logreg.LogisticRegression` as with any scikit-learn classifier):
``ConfusionMatrixDisplay``, ``RocCurveDisplay``, ``PrecisionRecallDisplay``
(``sklearn.metrics``) and ``CalibrationDisplay`` (``sklearn.calibration``).

matplotlib is imported inside the functions that draw, so ``import
logreg.plot`` stays cheap and works without a display.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.special import logit as _logit

__all__ = [
    "CalibrationDisplay",
    "CoefficientPlot",
    "ConfusionMatrixDisplay",
    "DecisionBoundaryDisplay",
    "PrecisionRecallDisplay",
    "ProbabilityCurveDisplay",
    "RocCurveDisplay",
    "plot_confusion_matrix",
]

# scikit-learn displays re-exported as they are, imported on first use.
_SKLEARN_DISPLAYS = {
    "ConfusionMatrixDisplay": "sklearn.metrics",
    "RocCurveDisplay": "sklearn.metrics",
    "PrecisionRecallDisplay": "sklearn.metrics",
    "CalibrationDisplay": "sklearn.calibration",
}


def __getattr__(name: str) -> Any:
    if name in _SKLEARN_DISPLAYS:
        import importlib

        value = getattr(importlib.import_module(_SKLEARN_DISPLAYS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'logreg.plot' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


# -- helpers ---------------------------------------------------------------------


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


class ProbabilityCurveDisplay:
    """The fitted probability curve of a one-feature binary model (the tutorial's figure).

    Draws the observations (green circles at y = 0 or 1), the curve p(x), the
    predicted probabilities at the observations (grey squares), the
    misclassified observations (a red x at their predicted class), the logit
    f(x) = log(p / (1 - p)) as a dashed line on a secondary y axis, and the
    threshold crossing (dotted vertical line: x0 = -b / w for a logistic model
    at threshold 0.5).

    Use :meth:`from_estimator` or :meth:`from_predictions` to create one.

    Parameters
    ----------
    x : array of shape (n_samples,)
        The feature.
    y : array of shape (n_samples,)
        1 for the positive class, 0 otherwise.
    proba : array of shape (n_samples,)
        Predicted probability of the positive class at ``x``.
    grid, grid_proba : arrays of shape (n_grid,)
        The curve: x values (sorted) and the probabilities there.
    grid_logit : array of shape (n_grid,), optional
        The log-odds on ``grid``; computed from ``grid_proba`` when omitted.
    threshold : float, default=0.5
        An observation is predicted positive when its probability exceeds it.
    xlabel : str, optional
        The feature's name; "x" when omitted.
    pos_label : optional
        The positive class, shown in the legend.

    Attributes
    ----------
    scatter_ : PathCollection
        The observations.
    line_ : Line2D
        The probability curve.
    proba_scatter_ : PathCollection
        The predicted probabilities at the observations (grey squares).
    misclassified_ : PathCollection
        Red x at (x, predicted class) of each misclassified observation.
    logit_line_ : Line2D or None
        The logit (dashed) on ``logit_ax_``, when ``show_logit``.
    logit_ax_ : Axes or None
        The secondary y axis of the logit.
    threshold_x_ : ndarray
        Where the curve crosses ``threshold`` within the range of x (empty if nowhere).
    threshold_lines_ : list of Line2D
        A dotted vertical line at each of ``threshold_x_``.
    ax_, figure_ : Axes, Figure
    """

    def __init__(
        self,
        *,
        x,
        y,
        proba,
        grid,
        grid_proba,
        grid_logit=None,
        threshold: float = 0.5,
        xlabel: str | None = None,
        pos_label=None,
    ):
        self.x = np.asarray(x, dtype=np.float64).ravel()
        self.y = np.asarray(y, dtype=np.float64).ravel()
        self.proba = np.asarray(proba, dtype=np.float64).ravel()
        if not (self.x.size == self.y.size == self.proba.size):
            raise ValueError(
                f"x, y and proba must have the same length, got {self.x.size}, {self.y.size}, {self.proba.size}"
            )
        self.grid = np.asarray(grid, dtype=np.float64).ravel()
        self.grid_proba = np.asarray(grid_proba, dtype=np.float64).ravel()
        if grid_logit is None:
            with np.errstate(divide="ignore"):
                grid_logit = _logit(self.grid_proba)
        self.grid_logit = _finite_or_nan(grid_logit)
        if not 0 < threshold < 1:
            raise ValueError(f"threshold must be in (0, 1), got {threshold!r}")
        self.threshold = float(threshold)
        self.xlabel = xlabel
        self.pos_label = pos_label

    def plot(self, ax=None, *, show_logit: bool = True, xlabel: str | None = None, ylabel: str | None = None):
        """Draw the figure.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw; a new figure when omitted.
        show_logit : bool, default=True
            Draw the logit f(x) (dashed) on a secondary y axis.
        xlabel, ylabel : str, optional
            Axis labels; the feature's name (or "x") and "y, p(x)" by default.

        Returns
        -------
        self
        """
        ax, fig = _axes(ax)
        predicted = (self.proba > self.threshold).astype(np.float64)
        wrong = predicted != self.y
        self.scatter_ = ax.scatter(self.x, self.y, s=60, c="green", zorder=3, label="observations")
        (self.line_,) = ax.plot(self.grid, self.grid_proba, color="black", label="p(x)")
        self.proba_scatter_ = ax.scatter(
            self.x, self.proba, marker="s", s=30, c="grey", zorder=3, label="p(x) at the observations"
        )
        self.misclassified_ = ax.scatter(
            self.x[wrong], predicted[wrong], marker="x", s=100, c="red", zorder=4, label="misclassified"
        )
        self.threshold_x_ = _crossings(self.grid, self.grid_logit, float(_logit(self.threshold)))
        self.threshold_lines_ = [
            ax.axvline(x0, color="black", linestyle=":", label=f"p(x) = {self.threshold:g}") for x0 in self.threshold_x_
        ]
        ax.set_xlabel(xlabel or self.xlabel or "x")
        ax.set_ylabel(ylabel or "y, p(x)")
        ax.set_ylim(-0.05, 1.05)
        handles, labels = ax.get_legend_handles_labels()
        self.logit_ax_ = self.logit_line_ = None
        if show_logit:
            self.logit_ax_ = ax.twinx()
            (self.logit_line_,) = self.logit_ax_.plot(
                self.grid, self.grid_logit, color="black", linestyle="--", label="f(x) = log(p / (1 - p))"
            )
            self.logit_ax_.set_ylabel("f(x) (log-odds)")
            more_handles, more_labels = self.logit_ax_.get_legend_handles_labels()
            handles, labels = handles + more_handles, labels + more_labels
        # Several threshold lines would repeat one legend entry.
        seen = {}
        for handle, label in zip(handles, labels):
            seen.setdefault(label, handle)
        ax.legend(list(seen.values()), list(seen), loc="best", fontsize="small")
        self.ax_, self.figure_ = ax, fig
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        ax=None,
        threshold: float = 0.5,
        show_logit: bool = True,
        grid_resolution: int = 200,
        xlabel: str | None = None,
    ) -> ProbabilityCurveDisplay:
        """Plot a fitted one-feature binary classifier on data X, y.

        Parameters
        ----------
        estimator : fitted classifier with ``predict_proba``
            One feature, two classes; ``classes_[1]`` is the positive class.
        X : array-like of shape (n_samples, 1) or (n_samples,)
        y : array-like of shape (n_samples,)
            The observed labels.
        ax : matplotlib Axes, optional
        threshold : float, default=0.5
        show_logit : bool, default=True
        grid_resolution : int, default=200
            Points of the curve, evenly spaced from min(X) to max(X).
        xlabel : str, optional
            Defaults to the estimator's feature name, else "x".

        Returns
        -------
        ProbabilityCurveDisplay
        """
        classes = _check_fitted_classifier(estimator, "ProbabilityCurveDisplay")
        n_features = _n_features(estimator, X)
        if n_features != 1 or (np.ndim(X) == 2 and np.shape(X)[1] != 1):
            raise ValueError(
                "ProbabilityCurveDisplay needs a model with exactly one feature, but this one has "
                f"{n_features}; use DecisionBoundaryDisplay for two features"
            )
        if classes.size != 2:
            raise ValueError(
                f"ProbabilityCurveDisplay needs a binary model, but this one has {classes.size} classes"
            )
        columns = getattr(X, "columns", None)
        x = np.asarray(X, dtype=np.float64).ravel()
        y = np.asarray(y).ravel()
        if y.size != x.size:
            raise ValueError(f"X has {x.size} samples but y has {y.size}")
        grid = np.linspace(x.min(), x.max(), int(grid_resolution))

        def as_input(values):
            if columns is not None:  # keep the feature name the model was fitted with
                import pandas as pd

                return pd.DataFrame({columns[0]: values})
            return values.reshape(-1, 1)

        proba = estimator.predict_proba(as_input(x))[:, 1]
        if hasattr(estimator, "predict_log_proba"):
            log_proba = estimator.predict_log_proba(as_input(grid))
            grid_logit = log_proba[:, 1] - log_proba[:, 0]
            grid_proba = np.exp(log_proba[:, 1])
        else:
            grid_proba = estimator.predict_proba(as_input(grid))[:, 1]
            grid_logit = None
        name = xlabel or (_feature_names(estimator, 1)[0] if hasattr(estimator, "feature_names_in_") else None)
        display = cls(
            x=x,
            y=(y == classes[1]),
            proba=proba,
            grid=grid,
            grid_proba=grid_proba,
            grid_logit=grid_logit,
            threshold=threshold,
            xlabel=name,
            pos_label=classes[1],
        )
        return display.plot(ax=ax, show_logit=show_logit)

    @classmethod
    def from_predictions(
        cls,
        x,
        y,
        proba,
        *,
        pos_label=None,
        ax=None,
        threshold: float = 0.5,
        show_logit: bool = True,
        xlabel: str | None = None,
    ) -> ProbabilityCurveDisplay:
        """Plot predicted probabilities of one feature without the model.

        The curve and the logit join the points (x, proba) in the order of x,
        so they are only as fine as the data; the threshold crossing is
        interpolated on the logit (exact when proba comes from a logistic
        model of x).

        Parameters
        ----------
        x : array-like of shape (n_samples,) or (n_samples, 1)
        y : array-like of shape (n_samples,)
            Binary labels.
        proba : array-like of shape (n_samples,)
            Predicted probability of the positive class.
        pos_label : optional
            The positive class; 1 by default for 0/1, -1/1 or boolean labels.
        ax, threshold, show_logit, xlabel
            As in :meth:`from_estimator`.

        Returns
        -------
        ProbabilityCurveDisplay
        """
        x = np.asarray(x, dtype=np.float64)
        if x.ndim == 2 and x.shape[1] == 1:
            x = x.ravel()
        if x.ndim != 1:
            raise ValueError(f"x must be one feature, of shape (n,) or (n, 1); got shape {x.shape}")
        y = np.asarray(y).ravel()
        proba = np.asarray(proba, dtype=np.float64)
        if proba.ndim == 2 and proba.shape[1] == 2:
            proba = proba[:, 1]
        pos_label = _positive_label(y, pos_label)
        if proba.shape != x.shape or y.shape != x.shape:
            raise ValueError(f"x, y and proba must have the same length, got {x.size}, {y.size}, {proba.size}")
        order = np.argsort(x, kind="stable")
        return cls(
            x=x,
            y=(y == pos_label),
            proba=proba,
            grid=x[order],
            grid_proba=proba[order],
            threshold=threshold,
            xlabel=xlabel,
            pos_label=pos_label,
        ).plot(ax=ax, show_logit=show_logit)


# -- two features: the decision boundary ----------------------------------------------


def _clip_line(w1: float, w2: float, b: float, xlim, ylim):
    """End points of the line b + w1 x1 + w2 x2 = 0 inside the box xlim x ylim (None if outside)."""
    points = []
    if w2 != 0:
        for x1 in xlim:
            x2 = -(b + w1 * x1) / w2
            if min(ylim) <= x2 <= max(ylim):
                points.append((x1, x2))
    if w1 != 0:
        for x2 in ylim:
            x1 = -(b + w2 * x2) / w1
            if min(xlim) <= x1 <= max(xlim):
                points.append((x1, x2))
    if len(points) < 2:
        return None
    points = np.array(points)
    along = points @ np.array([-w2, w1])  # position along the line
    return points[[np.argmin(along), np.argmax(along)]]


class DecisionBoundaryDisplay:
    """Decision regions of a two-feature classifier, with its linear boundary drawn explicitly.

    The regions are scikit-learn's
    :class:`sklearn.inspection.DecisionBoundaryDisplay` (kept as
    ``surface_display_``); on top, for a binary linear model, the line
    ``b + w1 x1 + w2 x2 = 0`` where p = 0.5 (dash-dotted, as in the tutorial),
    and the observations coloured by class (white and green for two classes).

    Use :meth:`from_estimator` to create one.

    Parameters
    ----------
    surface_display : sklearn.inspection.DecisionBoundaryDisplay
    X : array of shape (n_samples, 2)
    y : array of shape (n_samples,), optional
    classes : array, optional
        The estimator's classes, which set the colours of the points.
    coef : array of shape (2,), optional
        w of a binary linear model; no line is drawn without it.
    intercept : float, default=0.0
        b of a binary linear model.

    Attributes
    ----------
    surface_ : QuadContourSet or QuadMesh
        The regions, drawn by scikit-learn.
    boundary_line_ : Line2D or None
        The line b + w1 x1 + w2 x2 = 0, clipped to the axes.
    scatter_ : PathCollection or None
        The observations, coloured by class (when y is given).
    ax_, figure_ : Axes, Figure
    """

    def __init__(self, *, surface_display, X, y=None, classes=None, coef=None, intercept: float = 0.0):
        self.surface_display_ = surface_display
        self.X = np.asarray(X, dtype=np.float64)
        self.y = None if y is None else np.asarray(y).ravel()
        self.classes = np.unique(self.y) if classes is None and self.y is not None else classes
        self.coef = None if coef is None else np.asarray(coef, dtype=np.float64).ravel()
        self.intercept = float(intercept)

    def plot(self, ax=None, *, plot_method: str = "contourf", show_line: bool = True, **kwargs):
        """Draw the regions, the boundary line and the observations.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        plot_method : {"contourf", "contour", "pcolormesh"}, default="contourf"
            Passed to scikit-learn's display.
        show_line : bool, default=True
            Draw b + w1 x1 + w2 x2 = 0 (binary linear models only).
        **kwargs
            Passed to the matplotlib function that draws the regions.

        Returns
        -------
        self
        """
        ax, fig = _axes(ax)
        self.surface_display_.plot(plot_method=plot_method, ax=ax, **kwargs)
        self._draw_extras(ax, show_line)
        return self

    def _draw_extras(self, ax, show_line: bool) -> None:
        self.surface_ = self.surface_display_.surface_
        xlim, ylim = ax.get_xlim(), ax.get_ylim()
        self.boundary_line_ = None
        if show_line and self.coef is not None:
            ends = _clip_line(self.coef[0], self.coef[1], self.intercept, xlim, ylim)
            if ends is not None:
                (self.boundary_line_,) = ax.plot(
                    ends[:, 0], ends[:, 1], color="black", linestyle="-.", label="p = 0.5"
                )
        self.scatter_ = None
        if self.y is not None:
            from matplotlib.lines import Line2D

            classes = np.asarray(self.classes)
            if classes.size == 2:
                palette = ["white", "green"]
            else:  # the colours scikit-learn gave the regions, when it gave them
                import matplotlib

                tab10 = matplotlib.colormaps["tab10"]
                given = getattr(self.surface_display_, "multiclass_colors_", None)
                if given is None or len(given) != classes.size:
                    given = [tab10(k % 10) for k in range(classes.size)]
                palette = [tuple(c) for c in given]
            index = np.searchsorted(classes, self.y)
            colors = [palette[k] for k in index]
            self.scatter_ = ax.scatter(self.X[:, 0], self.X[:, 1], c=colors, edgecolors="black", s=40, zorder=3)
            handles = [
                Line2D(
                    [], [], marker="o", linestyle="", markerfacecolor=palette[k], markeredgecolor="black", label=str(c)
                )
                for k, c in enumerate(classes)
            ]
            if self.boundary_line_ is not None:
                handles.append(self.boundary_line_)
            ax.legend(handles=handles, loc="best", fontsize="small")
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
        self.ax_, self.figure_ = ax, ax.figure

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y=None,
        *,
        ax=None,
        grid_resolution: int = 100,
        eps: float = 1.0,
        plot_method: str = "contourf",
        response_method: str = "auto",
        show_line: bool = True,
        multiclass_colors=None,
        xlabel: str | None = None,
        ylabel: str | None = None,
        **kwargs,
    ) -> DecisionBoundaryDisplay:
        """Plot the decision regions of a fitted two-feature classifier.

        Parameters
        ----------
        estimator : fitted classifier
            Two features. For a binary model with ``coef_`` and ``intercept_``
            the boundary line is drawn explicitly.
        X : array-like of shape (n_samples, 2)
            Sets the plotted region (its range plus ``eps``).
        y : array-like of shape (n_samples,), optional
            Labels: the observations are drawn coloured by class.
        ax : matplotlib Axes, optional
        grid_resolution, eps, plot_method, response_method, multiclass_colors
            As in :meth:`sklearn.inspection.DecisionBoundaryDisplay.from_estimator`.
        show_line : bool, default=True
        xlabel, ylabel : str, optional
            Default to the feature names, else "x1" and "x2".
        **kwargs
            Passed to the matplotlib function that draws the regions
            (default ``alpha=0.3`` and, for two classes, ``cmap="Greens"``).

        Returns
        -------
        DecisionBoundaryDisplay
        """
        from sklearn.inspection import DecisionBoundaryDisplay as SkDisplay

        classes = _check_fitted_classifier(estimator, "DecisionBoundaryDisplay")
        n_features = _n_features(estimator, X)
        if n_features != 2 or np.ndim(X) != 2 or np.shape(X)[1] != 2:
            raise ValueError(
                f"DecisionBoundaryDisplay needs a model with exactly two features and X of shape "
                f"(n_samples, 2); got a model with {n_features} features and X of shape {np.shape(X)}"
            )
        names = _feature_names(estimator, 2)
        kwargs.setdefault("alpha", 0.3)
        if classes.size == 2:
            kwargs.setdefault("cmap", "Greens")
        ax, _ = _axes(ax)
        surface = SkDisplay.from_estimator(
            estimator,
            X,
            grid_resolution=grid_resolution,
            eps=eps,
            plot_method=plot_method,
            response_method=response_method,
            multiclass_colors=multiclass_colors,
            xlabel=xlabel or names[0],
            ylabel=ylabel or names[1],
            ax=ax,
            **kwargs,
        )
        coef = intercept = None
        W = getattr(estimator, "coef_", None)
        if classes.size == 2 and W is not None and np.size(W) == 2:
            coef, intercept = np.ravel(W), float(np.ravel(getattr(estimator, "intercept_", 0.0))[0])
        display = cls(
            surface_display=surface,
            X=np.asarray(X, dtype=np.float64),
            y=y,
            classes=classes,
            coef=coef,
            intercept=0.0 if intercept is None else intercept,
        )
        display._draw_extras(ax, show_line)
        return display


# -- confusion matrix ----------------------------------------------------------------------


def plot_confusion_matrix(
    y_true,
    y_pred,
    ax=None,
    labels=None,
    *,
    display_labels=None,
    normalize: str | None = None,
    cmap: str = "viridis",
    colorbar: bool = False,
    values_format: str | None = None,
):
    """Heatmap of the confusion matrix with the count in each cell, as in the tutorial.

    A thin wrapper of
    :meth:`sklearn.metrics.ConfusionMatrixDisplay.from_predictions` that labels
    the axes "Predicted outputs" and "Actual outputs".

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Actual and predicted labels.
    ax : matplotlib Axes, optional
    labels : array-like, optional
        The classes and their order (rows and columns); all that appear by default.
    display_labels : array-like, optional
        Tick labels; ``labels`` by default.
    normalize : {"true", "pred", "all"}, optional
        Show proportions instead of counts.
    cmap : str, default="viridis"
    colorbar : bool, default=False
    values_format : str, optional
        Format of the cell texts.

    Returns
    -------
    sklearn.metrics.ConfusionMatrixDisplay
        With ``confusion_matrix``, ``text_`` (the cell texts), ``im_``, ``ax_``, ``figure_``.
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    display = ConfusionMatrixDisplay.from_predictions(
        y_true,
        y_pred,
        labels=labels,
        display_labels=display_labels,
        normalize=normalize,
        cmap=cmap,
        ax=ax,
        colorbar=colorbar,
        values_format=values_format,
    )
    display.ax_.set_xlabel("Predicted outputs")
    display.ax_.set_ylabel("Actual outputs")
    return display


# -- coefficients: forest plot ----------------------------------------------------------------

_SCALES = ("log-odds", "odds")


def _as_rows(values, n_rows: int, n_coef: int, what: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[None, :]
    if array.shape != (n_rows, n_coef):
        raise ValueError(f"{what} must have shape ({n_coef},) or ({n_rows}, {n_coef}), got {np.shape(values)}")
    return array


def _wald_intervals(estimator, X, *, sample_weight=None, alpha: float = 0.05):
    """Wald confidence intervals of an unpenalized binary logistic model.

    cov = inv(X1' W X1) with X1 = [X, 1] (without the 1 when the model has no
    intercept) and W = diag(sample_weight * p (1 - p)): the inverse Fisher
    information, valid only for the unpenalized maximum-likelihood fit.

    Parameters
    ----------
    estimator : fitted binary LogisticRegression with no penalty (``penalty=None`` or ``C=np.inf``)
    X : array-like or sparse matrix of shape (n_samples, n_features)
        The training data.
    sample_weight : array-like of shape (n_samples,), optional
        The weights the model was fitted with.
    alpha : float, default=0.05
        1 - confidence level.

    Returns
    -------
    lower, upper : ndarrays of shape (n_features,)
        For ``coef_[0]``.
    intercept_lower, intercept_upper : float or None
        For ``intercept_[0]`` (None without an intercept).
    """
    import scipy.sparse as sp
    from scipy.stats import norm

    params = estimator.get_params() if hasattr(estimator, "get_params") else {}
    penalty, C = params.get("penalty"), params.get("C", 1.0)
    if not (penalty in (None, "none") or (C is not None and np.isinf(C))):
        raise ValueError(
            "Wald intervals need an unpenalized fit (penalty=None or C=np.inf): the inverse Fisher "
            "information is not the covariance of penalized coefficients. Refit without a penalty, "
            "or pass explicit intervals (conf_int=array, or lower/upper to from_coefficients)"
        )
    if params.get("class_weight") is not None:
        raise ValueError("Wald intervals here assume class_weight=None; pass explicit intervals instead")
    if params.get("lower_bounds") is not None or params.get("upper_bounds") is not None:
        raise ValueError("Wald intervals are not valid under box constraints; pass explicit intervals instead")
    W = np.asarray(estimator.coef_)
    if W.shape[0] != 1 or len(estimator.classes_) != 2:
        raise ValueError(
            "Wald intervals are computed here for binary models only; for more classes pass explicit "
            "intervals (conf_int=array of shape (n_classes, n_features, 2))"
        )
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    log_proba = estimator.predict_log_proba(X)
    p = np.exp(log_proba[:, 1])
    n = p.size
    weight = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64).ravel()
    if weight.shape != (n,):
        raise ValueError(f"sample_weight must have shape ({n},), got {weight.shape}")
    # The log-odds is s * decision_function: s = 1 normally, 2 for a two-class
    # multinomial fit (scikit-learn's symmetric parametrisation halves coef_).
    decision = np.asarray(estimator.decision_function(X), dtype=np.float64)
    log_odds = log_proba[:, 1] - log_proba[:, 0]
    s = float(decision @ log_odds / (decision @ decision)) if np.any(decision) else 1.0
    d = weight * p * (1 - p) * s * s
    fit_intercept = bool(params.get("fit_intercept", True))
    if sp.issparse(X):
        X1 = sp.hstack([X, np.ones((n, 1))]).tocsr() if fit_intercept else sp.csr_matrix(X)
        info = np.asarray((X1.T @ sp.diags(d) @ X1).todense())
    else:
        X1 = np.asarray(X, dtype=np.float64)
        if fit_intercept:
            X1 = np.column_stack([X1, np.ones(n)])
        info = X1.T @ (d[:, None] * X1)
    try:
        np.linalg.cholesky(info)
    except np.linalg.LinAlgError:
        raise ValueError(
            "the Fisher information is singular (perfectly separated classes or collinear features): "
            "Wald intervals do not exist for this fit"
        ) from None
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    z = norm.ppf(1 - alpha / 2)
    estimate = np.concatenate([W[0], np.ravel(estimator.intercept_)[:1]]) if fit_intercept else W[0]
    lower, upper = estimate - z * se, estimate + z * se
    k = W.shape[1]
    if fit_intercept:
        return lower[:k], upper[:k], float(lower[k]), float(upper[k])
    return lower, upper, None, None


class CoefficientPlot:
    """Forest plot: one row per coefficient, a point and its confidence interval.

    Values are given on the log-odds scale (as ``coef_``, ``params`` and
    ``conf_int()`` report them); ``scale="odds"`` shows their exponentials,
    the odds ratios, on a logarithmic x axis with the reference line at 1
    (at 0 on the log-odds scale). Several rows of coefficients (one per class
    of a multiclass model) are drawn as marker series side by side.

    Use :meth:`from_estimator` or :meth:`from_coefficients` to create one.

    Parameters
    ----------
    names : sequence of str
        One per coefficient, shown on the y axis, first at the top.
    coef : array of shape (n_coef,) or (n_series, n_coef)
        Log-odds coefficients.
    lower, upper : arrays of the same shape as coef, optional
        Interval bounds on the log-odds scale.
    scale : {"log-odds", "odds"}, default="log-odds"
    series_names : sequence of str, optional
        Legend labels, one per series (e.g. the classes).

    Attributes
    ----------
    points_ : list of Line2D
        One per series, the markers at the coefficients (exp of them on the odds scale).
    intervals_ : list of LineCollection
        One per series, horizontal segments from lower to upper (empty when no intervals).
    reference_line_ : Line2D
        At 0 (log-odds) or 1 (odds).
    ax_, figure_ : Axes, Figure
    """

    def __init__(
        self, *, names: Sequence[str], coef, lower=None, upper=None, scale: str = "log-odds", series_names=None
    ):
        if scale not in _SCALES:
            raise ValueError(f"scale must be one of {_SCALES}, got {scale!r}")
        self.names = [str(name) for name in names]
        coef = np.asarray(coef, dtype=np.float64)
        self.coef = coef[None, :] if coef.ndim == 1 else coef
        if self.coef.ndim != 2 or self.coef.shape[1] != len(self.names):
            k = len(self.names)
            raise ValueError(f"coef must have shape ({k},) or (n_series, {k}), got {coef.shape}")
        rows, k = self.coef.shape
        if (lower is None) != (upper is None):
            raise ValueError("give both lower and upper, or neither")
        self.lower = None if lower is None else _as_rows(lower, rows, k, "lower")
        self.upper = None if upper is None else _as_rows(upper, rows, k, "upper")
        if self.lower is not None and np.any(self.lower > self.upper):
            raise ValueError("lower must not exceed upper")
        if series_names is not None and len(series_names) != rows:
            raise ValueError(f"series_names has {len(series_names)} names for {rows} series")
        self.series_names = None if series_names is None else [str(s) for s in series_names]
        self.scale = scale

    def plot(self, ax=None, *, dodge: float = 0.2, marker: str = "o", xlabel: str | None = None):
        """Draw the forest plot.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        dodge : float, default=0.2
            Vertical distance between the series of one coefficient.
        marker : str, default="o"
        xlabel : str, optional
            "coefficient (log-odds)" or "odds ratio" by default.

        Returns
        -------
        self
        """
        ax, fig = _axes(ax)
        odds = self.scale == "odds"
        transform = np.exp if odds else (lambda a: a)
        rows, k = self.coef.shape
        position = np.arange(k, dtype=np.float64)
        self.points_, self.intervals_ = [], []
        for r in range(rows):
            y = position + (r - (rows - 1) / 2) * dodge
            label = self.series_names[r] if self.series_names else None
            (points,) = ax.plot(transform(self.coef[r]), y, linestyle="", marker=marker, label=label, zorder=3)
            self.points_.append(points)
            if self.lower is not None:
                segments = ax.hlines(y, transform(self.lower[r]), transform(self.upper[r]), color=points.get_color())
                self.intervals_.append(segments)
        self.reference_line_ = ax.axvline(1.0 if odds else 0.0, color="grey", linestyle="--", zorder=1)
        if odds:
            ax.set_xscale("log")
        ax.set_yticks(position)
        ax.set_yticklabels(self.names)
        ax.set_ylim(k - 0.5, -0.5)  # first coefficient at the top
        ax.set_xlabel(xlabel or ("odds ratio" if odds else "coefficient (log-odds)"))
        if rows > 1 and self.series_names:
            ax.legend(loc="best", fontsize="small")
        self.ax_, self.figure_ = ax, fig
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        conf_int=None,
        X=None,
        sample_weight=None,
        alpha: float = 0.05,
        scale: str = "log-odds",
        feature_names: Sequence[str] | None = None,
        include_intercept: bool = False,
        ax=None,
    ) -> CoefficientPlot:
        """Forest plot of a fitted linear classifier's ``coef_`` (one series per row).

        Parameters
        ----------
        estimator : fitted linear classifier (``coef_``, ``intercept_``, ``classes_``)
        conf_int : None, "wald" or array-like, optional
            None: points only. An array of shape (n_coef, 2) or
            (n_rows, n_coef, 2): lower and upper bounds on the log-odds scale
            (intercept first when ``include_intercept``). "wald": Wald
            intervals from the inverse Fisher information, computed here;
            they need an unpenalized binary fit and its training data ``X``.
        X : array-like of shape (n_samples, n_features), optional
            The training data, for ``conf_int="wald"``.
        sample_weight : array-like of shape (n_samples,), optional
            The training weights, for ``conf_int="wald"``.
        alpha : float, default=0.05
            1 - confidence level of the Wald intervals.
        scale : {"log-odds", "odds"}, default="log-odds"
        feature_names : sequence of str, optional
            Defaults to ``feature_names_in_``, else x1, x2, ...
        include_intercept : bool, default=False
            Add the intercept as the first row, named "intercept".
        ax : matplotlib Axes, optional

        Returns
        -------
        CoefficientPlot
        """
        classes = _check_fitted_classifier(estimator, "CoefficientPlot")
        W = np.asarray(estimator.coef_, dtype=np.float64)
        if W.ndim != 2:
            raise ValueError(f"coef_ must be 2-D, got shape {W.shape}")
        rows, k = W.shape
        names = _feature_names(estimator, k, feature_names)
        coef = W
        if include_intercept:
            if not getattr(estimator, "fit_intercept", True):
                raise ValueError("include_intercept=True, but the model was fitted without an intercept")
            b = np.broadcast_to(np.asarray(estimator.intercept_, dtype=np.float64).ravel(), (rows,))
            coef = np.column_stack([b, W])
            names = ["intercept", *names]
        lower = upper = None
        if isinstance(conf_int, str):
            if conf_int != "wald":
                raise ValueError(f"conf_int must be None, 'wald' or an array, got {conf_int!r}")
            if X is None:
                raise ValueError("conf_int='wald' needs the training data: pass X=")
            lo, hi, b_lo, b_hi = _wald_intervals(estimator, X, sample_weight=sample_weight, alpha=alpha)
            lower, upper = lo[None, :], hi[None, :]
            if include_intercept:
                lower = np.column_stack([[b_lo], lower])
                upper = np.column_stack([[b_hi], upper])
        elif conf_int is not None:
            bounds = np.asarray(conf_int, dtype=np.float64)
            if bounds.ndim == 2:
                bounds = bounds[None]
            if bounds.shape != (rows, coef.shape[1], 2):
                raise ValueError(
                    f"conf_int must have shape ({coef.shape[1]}, 2) or ({rows}, {coef.shape[1]}, 2), "
                    f"got {np.shape(conf_int)}"
                )
            lower, upper = bounds[..., 0], bounds[..., 1]
        series = None if rows == 1 else [str(c) for c in classes[:rows]]
        display = cls(names=names, coef=coef, lower=lower, upper=upper, scale=scale, series_names=series)
        return display.plot(ax=ax)

    @classmethod
    def from_coefficients(
        cls,
        names: Sequence[str],
        coef,
        lower=None,
        upper=None,
        *,
        scale: str = "log-odds",
        series_names: Sequence[str] | None = None,
        ax=None,
    ) -> CoefficientPlot:
        """Forest plot of given coefficients and intervals (e.g. ``result.params``, ``result.conf_int()``).

        Parameters
        ----------
        names : sequence of str
        coef : array-like of shape (n_coef,) or (n_series, n_coef)
            On the log-odds scale.
        lower, upper : array-like of the same shape, optional
            Interval bounds on the log-odds scale.
        scale : {"log-odds", "odds"}, default="log-odds"
        series_names : sequence of str, optional
        ax : matplotlib Axes, optional

        Returns
        -------
        CoefficientPlot
        """
        return cls(names=names, coef=coef, lower=lower, upper=upper, scale=scale, series_names=series_names).plot(ax=ax)

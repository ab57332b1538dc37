"""Two-feature decision boundary and the confusion-matrix heatmap."""

from __future__ import annotations


import numpy as np

from ._common import _axes, _check_fitted_classifier, _n_features, _feature_names


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

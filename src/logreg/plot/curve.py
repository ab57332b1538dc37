"""The tutorial's one-feature figure: probability curve, logit, misclassified points."""

from __future__ import annotations


import numpy as np
from scipy.special import logit as _logit

from ._common import _axes, _check_fitted_classifier, _n_features, _feature_names, _positive_label, _crossings, _finite_or_nan


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

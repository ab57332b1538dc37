"""Regularization paths and cross-validation curves (glmnet's ``plot`` and ``plot.cv``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._common import _axes


def _feature_labels(n: int, given=None, known=None) -> list[str]:
    if given is not None:
        names = [str(name) for name in given]
        if len(names) != n:
            raise ValueError(f"feature_names has {len(names)} names for {n} features")
        return names
    if known is not None:
        return [str(name) for name in known]
    return [f"x{j + 1}" for j in range(n)]


class RegularizationPathDisplay:
    """Coefficient paths: every coefficient against log10(C), strongest penalty on the left.

    Use :meth:`from_path` (a :class:`~logreg.paths.RegularizationPath`) or
    :meth:`from_estimator` (a fitted :class:`~logreg.LogisticRegressionCV`:
    the mean over the folds of their paths) to create one.

    Parameters
    ----------
    Cs : array of shape (n_points,)
    coefs : array of shape (n_points, n_features) or (n_points, n_rows, n_features)
    feature_names : sequence of str, optional
    row_names : sequence of str, optional
        One per row of coefficients (the classes of a multiclass model); each
        row is drawn in its own line style.
    n_nonzero : array of shape (n_points,), optional
        Shown on a secondary x axis at the top, as glmnet does.
    C_marks : dict of str -> float, optional
        Vertical lines at these values of C, labelled by the keys.

    Attributes
    ----------
    lines_ : list of Line2D
        One per feature and row, in the order (row, feature).
    marks_ : dict of str -> Line2D
        The vertical lines of ``C_marks``.
    top_ax_ : Axes or None
        The axis counting the non-zero coefficients.
    ax_, figure_ : Axes, Figure
    """

    def __init__(self, *, Cs, coefs, feature_names=None, row_names=None, n_nonzero=None, C_marks=None):
        self.Cs = np.asarray(Cs, dtype=np.float64).ravel()
        coefs = np.asarray(coefs, dtype=np.float64)
        if coefs.ndim == 2:
            coefs = coefs[:, None, :]
        if coefs.ndim != 3 or coefs.shape[0] != self.Cs.size:
            raise ValueError(
                f"coefs must have shape ({self.Cs.size}, n_features) or ({self.Cs.size}, n_rows, n_features), "
                f"got {np.shape(coefs)}"
            )
        if np.any(self.Cs <= 0):
            raise ValueError("Cs must be positive")
        self.coefs = coefs
        self.feature_names = _feature_labels(coefs.shape[2], feature_names)
        if row_names is not None and len(row_names) != coefs.shape[1]:
            raise ValueError(f"row_names has {len(row_names)} names for {coefs.shape[1]} rows")
        self.row_names = None if row_names is None else [str(r) for r in row_names]
        self.n_nonzero = None if n_nonzero is None else np.asarray(n_nonzero)
        self.C_marks = dict(C_marks or {})

    def plot(self, ax=None, *, legend: bool | None = None, xlabel: str = "log10(C)", ylabel: str = "coefficient"):
        """Draw the paths.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        legend : bool, optional
            Name the features in a legend; by default only when there are at
            most 12 lines.
        xlabel, ylabel : str

        Returns
        -------
        self
        """
        ax, fig = _axes(ax)
        x = np.log10(self.Cs)
        styles = ["-", "--", ":", "-."]
        n_rows, n_features = self.coefs.shape[1:]
        self.lines_ = []
        colors = [f"C{j % 10}" for j in range(n_features)]
        for r in range(n_rows):
            for j in range(n_features):
                label = self.feature_names[j]
                if n_rows > 1 and self.row_names:
                    label = f"{label} ({self.row_names[r]})"
                (line,) = ax.plot(
                    x, self.coefs[:, r, j], color=colors[j], linestyle=styles[r % len(styles)], label=label
                )
                self.lines_.append(line)
        ax.axhline(0.0, color="grey", linewidth=0.8, zorder=1)
        self.marks_ = {}
        for i, (name, C) in enumerate(self.C_marks.items()):
            self.marks_[name] = ax.axvline(
                np.log10(C), color="black", linestyle=[":", "--"][i % 2], linewidth=1.0, label=f"{name} (C={C:.3g})"
            )
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        self.top_ax_ = None
        if self.n_nonzero is not None:
            top = ax.secondary_xaxis("top")
            step = max(1, x.size // 6)
            ticks = np.arange(0, x.size, step)
            top.set_xticks(x[ticks])
            top.set_xticklabels([str(int(k)) for k in self.n_nonzero[ticks]])
            top.set_xlabel("non-zero coefficients")
            self.top_ax_ = top
        if legend or (legend is None and len(self.lines_) + len(self.marks_) <= 12):
            ax.legend(loc="best", fontsize="small")
        self.ax_, self.figure_ = ax, fig
        return self

    @classmethod
    def from_path(cls, path, *, feature_names: Sequence[str] | None = None, ax=None, **plot_kwargs):
        """Plot a :class:`~logreg.paths.RegularizationPath` (``logreg.regularization_path``'s result)."""
        rows = path.coefs.shape[1]
        row_names = [str(c) for c in path.classes] if rows > 1 and len(path.classes) == rows else None
        display = cls(
            Cs=path.Cs, coefs=path.coefs, feature_names=feature_names, row_names=row_names, n_nonzero=path.n_nonzero
        )
        return display.plot(ax=ax, **plot_kwargs)

    @classmethod
    def from_estimator(cls, estimator, *, feature_names: Sequence[str] | None = None, ax=None, **plot_kwargs):
        """The mean over the folds of a fitted LogisticRegressionCV's paths, at its chosen l1_ratio.

        The chosen C is marked (and, when they differ, the C of the best
        mean score and the one-standard-error C).
        """
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(estimator, "coefs_paths_")
        paths = np.stack(list(estimator.coefs_paths_.values()), axis=-2)  # (..., n_rows, n_dof)
        if paths.ndim == 5:  # an l1_ratio axis: keep the chosen one
            paths = paths[:, :, _l1_index(estimator)]
        n_features = estimator.n_features_in_
        mean = paths.mean(axis=0)[..., :n_features]  # (n_cs, n_rows, n_features)
        order = np.argsort(estimator.Cs_)
        names = _feature_labels(n_features, feature_names, getattr(estimator, "feature_names_in_", None))
        rows = mean.shape[1]
        row_names = [str(k) for k in estimator.coefs_paths_] if rows > 1 else None
        display = cls(
            Cs=estimator.Cs_[order],
            coefs=mean[order],
            feature_names=names,
            row_names=row_names,
            C_marks=_marks(estimator),
        )
        return display.plot(ax=ax, **plot_kwargs)


def _l1_index(estimator) -> int:
    """The chosen l1_ratio's index (the best total score's when refit=False averaged them)."""
    match = np.flatnonzero(np.isclose(estimator.l1_ratios_, estimator.l1_ratio_[0]))
    if match.size:
        return int(match[0])
    scores = next(iter(estimator.scores_.values()))
    return int(np.unravel_index(np.argmax(scores.sum(axis=0)), scores.shape[1:])[1])


def _marks(estimator) -> dict:
    chosen = float(estimator.C_[0])
    marks = {"chosen C": chosen}
    for name, attr in (("best mean score", "C_min_"), ("one standard error", "C_1se_")):
        value = getattr(estimator, attr, None)
        if value is not None and not np.isclose(value, chosen):
            marks[name] = float(value)
    return marks


class CVCurveDisplay:
    """Cross-validation score against log10(C): fold mean with one-standard-error bars.

    As cv.glmnet's plot: the mean score over the folds at each C, error bars
    of one standard error (the folds' standard deviation over the square root
    of their number), and vertical lines at the chosen C and, when they
    differ, the C of the best mean score and the one-standard-error C.

    Use :meth:`from_estimator` (a fitted :class:`~logreg.LogisticRegressionCV`).

    Parameters
    ----------
    Cs : array of shape (n_cs,)
    scores : array of shape (n_folds, n_cs)
        Scores, greater is better.
    C_marks : dict of str -> float, optional
    score_name : str, default="score"

    Attributes
    ----------
    errorbar_ : ErrorbarContainer
    mean_, se_ : ndarrays of shape (n_cs,)
        In the order of increasing C.
    marks_ : dict of str -> Line2D
    ax_, figure_ : Axes, Figure
    """

    def __init__(self, *, Cs, scores, C_marks=None, score_name: str = "score"):
        Cs = np.asarray(Cs, dtype=np.float64).ravel()
        scores = np.asarray(scores, dtype=np.float64)
        if scores.ndim != 2 or scores.shape[1] != Cs.size:
            raise ValueError(f"scores must have shape (n_folds, {Cs.size}), got {scores.shape}")
        order = np.argsort(Cs)
        self.Cs = Cs[order]
        self.scores = scores[:, order]
        n_folds = scores.shape[0]
        self.mean_ = self.scores.mean(axis=0)
        self.se_ = self.scores.std(axis=0, ddof=1) / np.sqrt(n_folds) if n_folds > 1 else np.zeros(Cs.size)
        self.C_marks = dict(C_marks or {})
        self.score_name = score_name

    def plot(self, ax=None, *, xlabel: str = "log10(C)", ylabel: str | None = None):
        """Draw the curve.

        Returns
        -------
        self
        """
        ax, fig = _axes(ax)
        x = np.log10(self.Cs)
        self.errorbar_ = ax.errorbar(
            x, self.mean_, yerr=self.se_, fmt="o", color="C3", ecolor="grey", capsize=2, markersize=4,
            label=f"mean {self.score_name} (± 1 SE)",
        )
        self.marks_ = {}
        for i, (name, C) in enumerate(self.C_marks.items()):
            self.marks_[name] = ax.axvline(
                np.log10(C), color="black", linestyle=[":", "--", "-."][i % 3], linewidth=1.0,
                label=f"{name} (C={C:.3g})",
            )
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel or self.score_name)
        ax.legend(loc="best", fontsize="small")
        self.ax_, self.figure_ = ax, fig
        return self

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, **plot_kwargs):
        """The CV curve of a fitted LogisticRegressionCV (at its chosen l1_ratio)."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(estimator, "scores_")
        scores = next(iter(estimator.scores_.values()))
        if scores.ndim == 3:
            scores = scores[:, :, _l1_index(estimator)]
        scoring = estimator.scoring
        name = "accuracy" if scoring is None else (scoring if isinstance(scoring, str) else "score")
        display = cls(Cs=estimator.Cs_, scores=scores, C_marks=_marks(estimator), score_name=name)
        return display.plot(ax=ax, **plot_kwargs)

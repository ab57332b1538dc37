"""Coefficient (forest) plot with confidence intervals."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._common import _axes, _check_fitted_classifier, _feature_names


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

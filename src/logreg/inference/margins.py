"""Marginal effects of fitted ``Logit`` / ``MNLogit`` models (statsmodels' ``get_margeff``).

Definitions follow statsmodels' ``discrete_margins`` (same options, same
numbers); the code is logreg's own. For category ``c`` with probability
``P_c = softmax(x B)_c`` (binary logit: ``J = 2``, ``B = [0, b]``, and only
``c = 1`` is reported) the effect of regressor ``j`` is

- ``dydx``: ``dP_c/dx_j = P_c (B_jc - sum_l P_l B_jl)`` (binary: ``p (1 - p) b_j``);
- ``eydx``: ``d log P_c / dx_j`` (the above divided by ``P_c``);
- ``dyex``: ``x_j dP_c/dx_j``; ``eyex``: ``x_j d log P_c / dx_j``.

``at`` picks where they are evaluated: ``"overall"`` averages the
per-observation effects (weighted by the frequency weights, so a weight of 2
equals a duplicated row), ``"mean"`` / ``"median"`` evaluate at the (weighted)
mean / median regressor row, ``"zero"`` at zero with the constant at 1;
``"all"`` returns the per-observation effects (no inference). ``dummy=True``
replaces the derivative of 0/1 regressors by the discrete change
``P(x_j = 1) - P(x_j = 0)``; ``count=True`` that of non-negative integer
regressors by ``(P(x_j + 1) - P(x_j - 1)) / 2``; with ``eydx`` both use
differences of ``log P``.

Standard errors use the delta method, ``Var = G V G'`` with ``V`` the
parameters' covariance (``results.cov_params()``, robust if the fit was) and
``G`` the Jacobian of the (averaged) effects with respect to the parameters.
``G`` is computed **analytically** (closed-form derivatives of the softmax /
logistic expressions, no numerical differentiation), so it agrees with
statsmodels' complex-step derivative to rounding error.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .summary import Summary, _Block

__all__ = ["MarginalEffects", "get_margeff"]

_AT = ("overall", "mean", "median", "zero", "all")
_METHODS = ("dydx", "eydx", "dyex", "eyex")
#: statsmodels' column labels of the effect (summary_frame / summary).
_LABELS = {"dydx": "dy/dx", "eyex": "d(lny)/d(lnx)", "dyex": "dy/d(lnx)", "eydx": "d(lny)/dx"}
# Rows of the per-observation Jacobian tensor built at once (bounds memory).
_CHUNK_ELEMENTS = 2_000_000


# ---------------------------------------------------------------------------
# column classification (statsmodels' rules)
# ---------------------------------------------------------------------------
def _nonconstant(X: np.ndarray) -> np.ndarray:
    """True for columns with non-zero variance (statsmodels drops the others' effects)."""
    return X.var(axis=0) != 0


def _dummy_columns(X: np.ndarray) -> np.ndarray:
    """Columns whose values are integers with minimum 0 and maximum 1."""
    integer = np.all(X % 1.0 == 0, axis=0)
    return np.flatnonzero((X.min(axis=0) == 0) & (X.max(axis=0) == 1) & integer)


def _count_columns(X: np.ndarray) -> np.ndarray:
    """Non-constant, non-negative integer columns that are not dummies."""
    ok = np.all(X % 1.0 == 0, axis=0) & _nonconstant(X) & np.all(X >= 0, axis=0)
    ok[_dummy_columns(X)] = False
    return np.flatnonzero(ok)


# ---------------------------------------------------------------------------
# weighted summaries of the regressors
# ---------------------------------------------------------------------------
def _weighted_median(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Column medians of X with frequency weights (equals np.median of the duplicated rows)."""
    keep = w > 0
    X, w = X[keep], w[keep]
    half = w.sum() / 2.0
    out = np.empty(X.shape[1])
    for j in range(X.shape[1]):
        order = np.argsort(X[:, j], kind="stable")
        x, cw = X[order, j], np.cumsum(w[order])
        lower = x[np.searchsorted(cw, half, side="left")]
        upper = x[min(np.searchsorted(cw, half, side="right"), len(x) - 1)]
        out[j] = (lower + upper) / 2.0
    return out


# ---------------------------------------------------------------------------
# the softmax model in a common form
# ---------------------------------------------------------------------------
def _probabilities(X: np.ndarray, B: np.ndarray) -> np.ndarray:
    eta = X @ B
    eta = eta - eta.max(axis=1, keepdims=True)
    P = np.exp(eta)
    P /= P.sum(axis=1, keepdims=True)
    return P


def _continuous(X, B, method):
    """Per-observation effects (n, K, J) and their Jacobian (n, K, J, K, J-1) w.r.t. B[:, 1:]."""
    n, K = X.shape
    J = B.shape[1]
    P = _probabilities(X, B)                       # (n, J)
    bbar = P @ B.T                                 # (n, K): sum_l P_l B_jl
    D = B[None, :, :] - bbar[:, :, None]           # (n, K, J): B_jc - bbar_j
    eyK = np.eye(K)
    dJ = np.eye(J)[:, 1:]                          # (J, J-1): delta_cd, d = 1..J-1
    Pd = P[:, 1:]                                  # (n, J-1)
    # dD_ijc / dB_kd = delta_jk delta_cd - P_d x_k D_ijd - P_d delta_jk
    dD = (eyK[None, :, None, :, None] * dJ[None, None, :, None, :]
          - (Pd[:, None, :] * D[:, :, 1:])[:, :, None, None, :] * X[:, None, None, :, None]
          - Pd[:, None, None, None, :] * eyK[None, :, None, :, None])
    if method[:2] == "ey":
        effect = D
        jac = dD
    else:
        effect = P[:, None, :] * D
        # dP_c/dB_kd = P_c (delta_cd - P_d) x_k
        dP = P[:, :, None] * (dJ[None] - Pd[:, None, :])        # (n, J, J-1)
        jac = (dP[:, None, :, None, :] * X[:, None, None, :, None] * D[:, :, :, None, None]
               + P[:, None, :, None, None] * dD)
    if method[2:] == "ex":
        effect = effect * X[:, :, None]
        jac = jac * X[:, :, None, None, None]
    return effect, jac


def _level(X, B, method):
    """Level (P, or log P for ey) per observation (n, J) and its Jacobian (n, J, K, J-1)."""
    J = B.shape[1]
    P = _probabilities(X, B)
    dJ = np.eye(J)[:, 1:]
    # d log P_c / dB_kd = (delta_cd - P_d) x_k
    dlog = (dJ[None] - P[:, None, 1:])[:, :, None, :] * X[:, None, :, None]
    if method[:2] == "ey":
        return np.log(P), dlog
    return P, P[:, :, None, None] * dlog


def _discrete_change(X, B, method, j, low, high, scale):
    """(level(x_j=high) - level(x_j=low)) * scale, with its Jacobian; low/high map a column to a column."""
    X0, X1 = X.copy(), X.copy()
    X0[:, j] = low(X[:, j])
    X1[:, j] = high(X[:, j])
    f0, g0 = _level(X0, B, method)
    f1, g1 = _level(X1, B, method)
    return (f1 - f0) * scale, (g1 - g0) * scale


def _effects_and_jacobian(X, B, method, dummy_idx, count_idx, weights):
    """Effects (K, J) and Jacobian (K, J, K, J-1), weighted-averaged over the rows of X.

    ``weights=None`` returns the per-observation effects (n, K, J) and no Jacobian.
    """
    n, K = X.shape
    J = B.shape[1]

    def per_rows(Xc):
        eff, jac = _continuous(Xc, B, method)
        for j in count_idx:
            eff[:, j], jac[:, j] = _discrete_change(Xc, B, method, j, lambda v: v - 1, lambda v: v + 1, 0.5)
        for j in dummy_idx:
            eff[:, j], jac[:, j] = _discrete_change(
                Xc, B, method, j, np.zeros_like, np.ones_like, 1.0)
        return eff, jac

    if weights is None:
        return per_rows(X)[0], None
    wn = weights / weights.sum()
    effect = np.zeros((K, J))
    jacobian = np.zeros((K, J, K, J - 1))
    step = max(1, _CHUNK_ELEMENTS // max(1, K * J * K * (J - 1)))
    for start in range(0, n, step):
        sl = slice(start, start + step)
        eff, jac = per_rows(X[sl])
        effect += np.tensordot(wn[sl], eff, axes=1)
        jacobian += np.tensordot(wn[sl], jac, axes=1)
    return effect, jacobian


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------
def get_margeff(results, at: str = "overall", method: str = "dydx", atexog=None,
                dummy: bool = False, count: bool = False) -> "MarginalEffects":
    """Marginal effects of a fitted ``Logit`` or ``MNLogit`` (statsmodels' ``get_margeff``).

    Parameters
    ----------
    results : LogitResults or MNLogitResults
    at : {"overall", "mean", "median", "zero", "all"}
        "overall": the (frequency-weighted) average of the per-observation
        effects; "mean"/"median": the effect at the (weighted) mean/median
        of each regressor; "zero": at zero for every regressor (constant at 1);
        "all": the per-observation effects (``margeff`` only, no inference).
    method : {"dydx", "eydx", "dyex", "eyex"}
        dy/dx, d(ln y)/dx, dy/d(ln x), d(ln y)/d(ln x).
    atexog : dict or array_like, optional
        As statsmodels: a dict ``{column: value}`` (column index, or name)
        fixing regressors before ``at`` is applied, or a full array of
        regressor rows to use instead of the estimation data (equal weights).
    dummy : bool
        Discrete change 0 -> 1 for 0/1 regressors.
    count : bool
        Change (x+1) - (x-1), halved, for count (non-negative integer) regressors.

    Returns
    -------
    MarginalEffects

    Notes
    -----
    Standard errors: delta method with an analytic Jacobian (see the module
    docstring). As in statsmodels, ``dummy``/``count`` cannot be combined with
    ``dyex``/``eyex`` or with ``at="median"``/``"zero"``.
    """
    method = str(method).lower()
    at = str(at).lower()
    if at not in _AT:
        raise ValueError(f"at must be one of {_AT}, got {at!r}")
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    if (dummy or count) and (method in ("dyex", "eyex") or at in ("median", "zero")):
        raise ValueError(
            f"dummy=True / count=True is not allowed with method={method!r} or at={at!r} "
            "(discrete changes need method 'dydx' or 'eydx' and at 'overall' or 'mean')")

    model = results.model
    X_model = np.asarray(model.exog, dtype=np.float64)
    n, K = X_model.shape
    multinomial = getattr(model, "J", None) is not None and hasattr(results, "_params_matrix")
    if multinomial:
        J = int(model.J)
        B = np.hstack([np.zeros((K, 1)), np.asarray(results._params_matrix, dtype=np.float64)])
    else:
        J = 2
        b = np.asarray(results.params, dtype=np.float64).ravel()
        B = np.column_stack([np.zeros(K), b])
    cov = np.asarray(results.cov_params(), dtype=np.float64)

    nonconst = _nonconstant(X_model)
    dummy_idx = _dummy_columns(X_model) if dummy else np.array([], dtype=int)
    count_idx = _count_columns(X_model) if count else np.array([], dtype=int)

    weights = np.asarray(results._weights, dtype=np.float64)
    X = X_model.copy()
    if atexog is not None:
        if isinstance(atexog, dict):
            names = list(model.exog_names)
            for key, value in atexog.items():
                col = names.index(key) if isinstance(key, str) else int(key)
                X[:, col] = value
        else:
            X = np.array(atexog, dtype=np.float64)
            X = X[None, :] if X.ndim == 1 else X
            if X.ndim != 2 or X.shape[1] != K:
                raise ValueError(f"atexog must have {K} columns (one per regressor), got shape {X.shape}")
            weights = np.ones(X.shape[0])
    if at == "mean":
        X = (weights / weights.sum()) @ X
    elif at == "median":
        X = _weighted_median(X, weights)
    elif at == "zero":
        X = np.where(nonconst, 0.0, 1.0)
    if at in ("mean", "median", "zero"):
        X = np.atleast_2d(X)
        weights = np.ones(1)

    report = slice(None) if multinomial else slice(1, 2)
    if at == "all":
        eff, _ = _effects_and_jacobian(X, B, method, dummy_idx, count_idx, None)
        eff = eff[:, nonconst, report]
        margeff = eff if multinomial else eff[:, :, 0]
        return MarginalEffects(results, margeff, None, None, at=at, method=method,
                               dummy_idx=dummy_idx, count_idx=count_idx, nonconstant=nonconst)

    effect, jacobian = _effects_and_jacobian(X, B, method, dummy_idx, count_idx, weights)
    effect = effect[nonconst][:, report]                    # (Ke, Jr)
    jacobian = jacobian[nonconst][:, report]                # (Ke, Jr, K, J-1)
    Ke, Jr = effect.shape
    # flatten: effects equation by equation (statsmodels' order), parameters as results' flat order
    G = jacobian.transpose(1, 0, 3, 2).reshape(Jr * Ke, K * (J - 1))
    margeff_cov = G @ cov @ G.T
    se = np.sqrt(np.clip(np.diag(margeff_cov), 0.0, None))
    se = np.where(np.isnan(np.diag(margeff_cov)), np.nan, se)
    if multinomial:
        margeff, margeff_se = effect, se.reshape(Jr, Ke).T
    else:
        margeff, margeff_se = effect[:, 0], se
    return MarginalEffects(results, margeff, margeff_se, margeff_cov, at=at, method=method,
                           dummy_idx=dummy_idx, count_idx=count_idx, nonconstant=nonconst)


class MarginalEffects:
    """Marginal effects with delta-method inference (statsmodels' ``DiscreteMargins``).

    Attributes
    ----------
    margeff : ndarray
        (k,) for Logit, (k, J) for MNLogit (one column per category, the
        reference included); k = number of non-constant regressors. With
        ``at="all"``: (n, k) or (n, k, J).
    margeff_se : ndarray
        Standard errors, same shape.
    margeff_cov : ndarray
        Covariance of the effects ((k*J, k*J) for MNLogit, category by category).
    margeff_options : dict
        ``{"at": ..., "method": ...}``.
    dummy_idx, count_idx : ndarray or None
        Columns of ``exog`` treated as dummies / counts.
    """

    def __init__(self, results, margeff, margeff_se, margeff_cov, *, at, method,
                 dummy_idx, count_idx, nonconstant):
        self.results = results
        self.margeff = margeff
        self.margeff_se = margeff_se
        self.margeff_cov = margeff_cov
        self.margeff_options = {"method": method, "at": at}
        self.dummy_idx = dummy_idx if len(dummy_idx) else None
        self.count_idx = count_idx if len(count_idx) else None
        self._nonconstant = nonconstant

    def _check(self):
        if self.margeff_options["at"] == "all":
            raise ValueError("only margeff is available with at='all'; choose at='overall', 'mean', "
                             "'median' or 'zero' for standard errors and tests")

    @property
    def _multinomial(self) -> bool:
        return np.ndim(self.margeff) == 2

    @property
    def tvalues(self) -> np.ndarray:
        """z statistics margeff / margeff_se (NaN where both are 0, e.g. dy/d(lnx) at x = 0)."""
        self._check()
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.margeff / self.margeff_se

    @property
    def pvalues(self) -> np.ndarray:
        """Two-sided normal p-values."""
        self._check()
        return 2.0 * stats.norm.sf(np.abs(self.tvalues))

    def conf_int(self, alpha: float = 0.05) -> np.ndarray:
        """Wald intervals: (k, 2) for Logit, (k, 2, J) for MNLogit (statsmodels' shapes)."""
        self._check()
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
        q = stats.norm.ppf(1 - alpha / 2)
        lower = self.margeff - q * self.margeff_se
        upper = self.margeff + q * self.margeff_se
        return np.stack([lower, upper], axis=1)

    @property
    def _var_names(self) -> list[str]:
        names = list(self.results.model.exog_names)
        return [name for name, keep in zip(names, self._nonconstant) if keep]

    @property
    def _yname_list(self) -> list[str]:
        model = self.results.model
        ymap = model._ynames_map
        return [f"{model.endog_names}={ymap[j]}" for j in range(int(model.J))]

    def summary_frame(self, alpha: float = 0.05):
        """DataFrame of effects, std. errors, z, p-values and intervals (statsmodels' column names)."""
        import pandas as pd

        self._check()
        columns = [_LABELS[self.margeff_options["method"]], "Std. Err.", "z", "Pr(>|z|)",
                   "Conf. Int. Low", "Cont. Int. Hi."]
        ci = self.conf_int(alpha)
        names = self._var_names
        if self._multinomial:
            table = np.column_stack([a.ravel(order="F") for a in (
                self.margeff, self.margeff_se, self.tvalues, self.pvalues, ci[:, 0, :], ci[:, 1, :])])
            ynames = self._yname_list
            index = pd.MultiIndex.from_tuples([(y, x) for y in ynames for x in names], names=["endog", "exog"])
        else:
            table = np.column_stack([self.margeff, self.margeff_se, self.tvalues, self.pvalues, ci])
            index = names
        return pd.DataFrame(table, columns=columns, index=index)

    def summary(self, alpha: float = 0.05) -> "MarginalEffectsSummary":
        """Table laid out like statsmodels' "Logit Marginal Effects" summary."""
        self._check()
        model = self.results.model
        method, at = self.margeff_options["method"], self.margeff_options["at"]
        ci = self.conf_int(alpha)
        names = self._var_names
        if self._multinomial:
            blocks = [_Block(label, names, np.column_stack([
                self.margeff[:, c], self.margeff_se[:, c], self.tvalues[:, c], self.pvalues[:, c],
                ci[:, :, c]])) for c, label in enumerate(self._yname_list)]
        else:
            blocks = [_Block(None, names, np.column_stack(
                [self.margeff, self.margeff_se, self.tvalues, self.pvalues, ci]))]
        return MarginalEffectsSummary(
            title=f"{type(model).__name__} Marginal Effects",
            info_left=[("Dep. Variable:", str(model.endog_names)), ("Method:", method), ("At:", at)],
            blocks=blocks, alpha=alpha, effect_label=_LABELS[method])

    def __repr__(self) -> str:
        opts = self.margeff_options
        return f"<MarginalEffects: {type(self.results.model).__name__}, at={opts['at']!r}, method={opts['method']!r}>"


class MarginalEffectsSummary(Summary):
    """Summary of marginal effects: statsmodels' layout (facts block, then the effect table)."""

    def __init__(self, *, title, info_left, blocks, alpha, effect_label):
        super().__init__(style="summary", title=title, info_left=info_left, info_right=[],
                         blocks=blocks, alpha=alpha)
        self.effect_label = effect_label

    @property
    def columns(self) -> list[str]:
        return [self.effect_label] + super().columns[1:]

    def _info_pairs(self):
        # one column pair only (statsmodels' add_table_2cols with an empty right side)
        return [(a, b, "", "") for a, b in self.info_left]

    def _text_summary(self) -> str:
        rows = [(a, "%18s" % b) for a, b in self.info_left]
        w = [max([18] + [len(r[i]) for r in rows]) for i in range(2)]
        top = [a.ljust(w[0]) + " " + b.rjust(w[1]) for a, b in rows]
        width = len(top[-1])
        head = [self.title.center(width), "=" * width, *top]
        full = super()._text_summary().split("\n")
        # the parent's text: title, rule, one line per fact, then the coefficient table
        table = full[2 + len(self.info_left):]
        return "\n".join(head + table)

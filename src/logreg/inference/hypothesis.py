"""Tests and intervals beyond the coefficient table: Wald and z tests of linear
restrictions, predictions with confidence intervals, profile-likelihood
intervals.

Pure functions and small result classes; :mod:`logreg.inference.results`
exposes them as methods (``wald_test``, ``t_test``, ``get_prediction``,
``conf_int(method="profile")``). Restrictions can be written as strings over
the parameter names ("x1 = x2, x3 = 0", "2*x1 - x3 = 1"); a small parser turns
them into ``(R, q)`` without ``eval``.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
from scipy import stats
from scipy.special import expit

__all__ = ["lr_test", "parse_restrictions", "WaldTestResults", "TTestResults", "PredictionResults", "profile_interval"]

_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_IDENT = re.compile(r"[A-Za-z0-9_.]")


# ---------------------------------------------------------------------------
# restrictions
# ---------------------------------------------------------------------------
def _tokenize(text: str, names: list[str]):
    """(kind, value) tokens; parameter names are matched first, longest first,
    so that names with brackets, commas or spaces ("C(rank)[T.2]") are one token."""
    by_length = sorted(set(names), key=len, reverse=True)
    tokens, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        for name in by_length:
            end = i + len(name)
            if text.startswith(name, i) and not (
                _IDENT.match(name[-1]) and end < len(text) and _IDENT.match(text[end])
            ):
                tokens.append(("name", name))
                i = end
                break
        else:
            number = _NUMBER.match(text, i)
            if number:
                tokens.append(("num", float(number.group())))
                i = number.end()
            elif ch in "+-*=,":
                tokens.append(("op", ch))
                i += 1
            else:
                word = re.match(r"[^\s+\-*=,]+", text[i:]).group()
                raise ValueError(
                    f"unknown term {word!r} in restriction {text!r}; parameter names are {list(names)}"
                )
    return tokens


def _linear_side(tokens, names, text):
    """Coefficients and constant of one side of an equation (a sum of terms)."""
    coefs, const = np.zeros(len(names)), 0.0
    if not tokens:
        raise ValueError(f"empty side of an equation in restriction {text!r}")
    i, first = 0, True
    while i < len(tokens):
        sign = 1.0
        while i < len(tokens) and tokens[i] in (("op", "+"), ("op", "-")):
            sign *= -1.0 if tokens[i][1] == "-" else 1.0
            i += 1
        if not first and sign == 1.0 and i > 0 and tokens[i - 1][0] != "op":
            raise ValueError(f"expected + or - between terms in restriction {text!r}")
        value, name, expect_factor = sign, None, True
        while i < len(tokens):
            kind, tok = tokens[i]
            if expect_factor:
                if kind == "num":
                    value *= tok
                elif kind == "name":
                    if name is not None:
                        raise ValueError(f"restriction {text!r} is not linear (a product of two parameters)")
                    name = tok
                else:
                    raise ValueError(f"unexpected {tok!r} in restriction {text!r}")
                expect_factor = False
                i += 1
            elif (kind, tok) == ("op", "*"):
                expect_factor = True
                i += 1
            elif kind == "op" and tok in "+-":
                break
            else:
                raise ValueError(f"unexpected {tok!r} in restriction {text!r}")
        if expect_factor:
            raise ValueError(f"restriction {text!r} ends with an operator")
        if name is None:
            const += value
        else:
            coefs[names.index(name)] += value
        first = False
    return coefs, const


def _parse_one(tokens, names, text):
    sides = [[]]
    for tok in tokens:
        if tok == ("op", "="):
            sides.append([])
        else:
            sides[-1].append(tok)
    if len(sides) > 2:
        raise ValueError(f"restriction {text!r} has more than one '='")
    lhs, lconst = _linear_side(sides[0], names, text)
    rhs, rconst = (np.zeros(len(names)), 0.0) if len(sides) == 1 else _linear_side(sides[1], names, text)
    row = lhs - rhs
    if not row.any():
        raise ValueError(f"restriction {text!r} involves no parameter")
    return row, rconst - lconst


def parse_restrictions(spec, names, q_matrix=None):
    """``(R, q)`` for ``R b = q`` from a string, a list of strings, an array or a tuple ``(R, q)``.

    Strings are comma-separated linear equations over ``names``; a side
    without '=' means '= 0' ("x1, x2" tests both are zero).
    """
    names = [str(n) for n in names]
    if isinstance(spec, tuple) and len(spec) == 2 and q_matrix is None:
        spec, q_matrix = spec
    if isinstance(spec, str) or (isinstance(spec, (list, tuple)) and spec and all(isinstance(s, str) for s in spec)):
        texts = [spec] if isinstance(spec, str) else list(spec)
        rows, qs = [], []
        for text in texts:
            tokens = _tokenize(text, names)
            part: list = []
            for tok in tokens + [("op", ",")]:
                if tok == ("op", ","):
                    if not part:
                        raise ValueError(f"empty restriction in {text!r}")
                    row, q = _parse_one(part, names, text)
                    rows.append(row)
                    qs.append(q)
                    part = []
                else:
                    part.append(tok)
        if q_matrix is not None:
            raise ValueError("q_matrix cannot be combined with string restrictions (write '= value')")
        return np.array(rows), np.array(qs)
    R = np.atleast_2d(np.asarray(spec, dtype=np.float64))
    if R.shape[1] != len(names):
        raise ValueError(f"r_matrix has {R.shape[1]} columns, the model has {len(names)} parameters")
    q = np.zeros(R.shape[0]) if q_matrix is None else np.asarray(q_matrix, dtype=np.float64).ravel()
    if q.shape[0] != R.shape[0]:
        raise ValueError(f"q_matrix has {q.shape[0]} entries, r_matrix has {R.shape[0]} rows")
    return R, q


def _restricted_cov(R, cov):
    # Only the parameters R involves: NaN rows of the others (trimmed by an
    # L1 fit) must not leak in through 0 * NaN.
    used = np.flatnonzero((R != 0).any(axis=0))
    V = R[:, used] @ cov[np.ix_(used, used)] @ R[:, used].T
    if not np.all(np.isfinite(V)):
        raise ValueError("the restrictions involve parameters whose covariance is not available (NaN)")
    if np.linalg.matrix_rank(R) < R.shape[0]:
        raise ValueError("the restrictions are linearly dependent (R does not have full row rank)")
    return V


class WaldTestResults:
    """Wald test of ``R b = q``: ``statistic`` ~ chi2(``df``) under the null."""

    distribution = "chi2"

    def __init__(self, params, cov, R, q):
        diff = R @ params - q
        V = _restricted_cov(R, cov)
        self.r_matrix, self.q_matrix = R, q
        self.statistic = float(diff @ np.linalg.solve(V, diff))
        self.df = int(R.shape[0])
        self.pvalue = float(stats.chi2.sf(self.statistic, self.df))

    @property
    def df_denom(self):
        # statsmodels' ContrastResults stores the chi2 degrees of freedom under this name
        return self.df

    def summary(self) -> str:
        return f"<Wald test (chi2): statistic={self.statistic!r}, p-value={self.pvalue!r}, df={self.df}>"

    __str__ = __repr__ = summary


class TTestResults:
    """Individual z tests of the rows of ``R b = q`` (normal distribution, as statsmodels' Logit).

    ``effect`` is ``R b`` and ``tvalue`` ``(R b - q) / sd``, as in statsmodels.
    """

    distribution = "norm"

    def __init__(self, params, cov, R, q):
        V = _restricted_cov(R, cov)
        self.r_matrix, self.q_matrix = R, q
        self.effect = R @ params
        self.sd = np.sqrt(np.diag(V))
        self.tvalue = (self.effect - q) / self.sd
        self.statistic = self.tvalue
        self.pvalue = 2.0 * stats.norm.sf(np.abs(self.tvalue))
        self.df = int(R.shape[0])
        self.c_names = [f"c{i}" for i in range(self.df)]

    def conf_int(self, alpha: float = 0.05) -> np.ndarray:
        """(m, 2) intervals for ``R b``."""
        z = stats.norm.ppf(1 - alpha / 2)
        return np.column_stack([self.effect - z * self.sd, self.effect + z * self.sd])

    def summary_frame(self, alpha: float = 0.05):
        import pandas as pd

        ci = self.conf_int(alpha)
        return pd.DataFrame(
            {"coef": self.effect, "std err": self.sd, "z": self.tvalue, "P>|z|": self.pvalue,
             "Conf. Int. Low": ci[:, 0], "Conf. Int. Upp.": ci[:, 1]},
            index=self.c_names,
        )

    def summary(self, alpha: float = 0.05) -> str:
        ci = self.conf_int(alpha)
        lo, hi = f"[{alpha / 2:g}", f"{1 - alpha / 2:g}]"
        head = f"{'':8}{'coef':>10}{'std err':>11}{'z':>9}{'P>|z|':>9}{lo:>11}{hi:>11}"
        rows = [
            f"{c:8}{e:10.4f}{s:11.3f}{t:9.3f}{p:9.3f}{a:11.3f}{b:11.3f}"
            for c, e, s, t, p, a, b in zip(self.c_names, self.effect, self.sd, self.tvalue, self.pvalue,
                                            ci[:, 0], ci[:, 1])
        ]
        rule = "=" * len(head)
        return "\n".join(["Test for Constraints".center(len(head)), rule, head, "-" * len(head), *rows, rule])

    __str__ = summary

    def __repr__(self):
        return f"<TTestResults: {self.df} restriction(s)>"


# ---------------------------------------------------------------------------
# prediction
# ---------------------------------------------------------------------------
class PredictionResults:
    """Predicted probabilities with delta-method standard errors and intervals.

    ``linpred``/``linpred_se``: the linear predictor eta = x'b and its standard
    error sqrt(x' Cov x). ``predicted`` = expit(eta); ``se`` = p (1 - p)
    ``linpred_se``, the delta-method standard error of the probability
    (statsmodels' ``se`` column). The default intervals are computed on the
    link scale and transformed (``method="endpoint"``), so they stay in [0, 1].
    """

    def __init__(self, linpred, linpred_se, row_labels=None):
        self.linpred = np.asarray(linpred, dtype=np.float64)
        self.linpred_se = np.asarray(linpred_se, dtype=np.float64)
        self.predicted = expit(self.linpred)
        self.se = self.predicted * (1.0 - self.predicted) * self.linpred_se
        self.var_pred = self.se**2
        self.row_labels = row_labels

    se_linear = property(lambda self: self.linpred_se)

    def conf_int(self, alpha: float = 0.05, method: str = "endpoint") -> np.ndarray:
        """(n, 2) intervals for the probabilities.

        ``"endpoint"``: expit(eta -+ z se_eta), inside [0, 1]. ``"delta"``:
        p -+ z se, symmetric and possibly outside [0, 1].
        """
        if isinstance(alpha, str):  # statsmodels' positional order is (method, alpha)
            alpha, method = (method if not isinstance(method, str) else 0.05), alpha
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
        z = stats.norm.ppf(1 - alpha / 2)
        if method == "endpoint":
            return np.column_stack([expit(self.linpred - z * self.linpred_se),
                                    expit(self.linpred + z * self.linpred_se)])
        if method == "delta":
            return np.column_stack([self.predicted - z * self.se, self.predicted + z * self.se])
        raise ValueError(f"method must be 'endpoint' or 'delta', got {method!r}")

    def summary_frame(self, alpha: float = 0.05):
        """DataFrame with statsmodels' columns predicted, se, ci_lower, ci_upper."""
        import pandas as pd

        ci = self.conf_int(alpha)
        return pd.DataFrame(
            {"predicted": self.predicted, "se": self.se, "ci_lower": ci[:, 0], "ci_upper": ci[:, 1]},
            index=self.row_labels,
        )

    def __repr__(self):
        return f"<PredictionResults: {self.predicted.shape[0]} predictions>"


# ---------------------------------------------------------------------------
# profile likelihood
# ---------------------------------------------------------------------------
def profile_llf_function(X, y, weights, j):
    """b -> max over the other coefficients of the log-likelihood with coefficient j fixed at b.

    Coefficient j is fixed by moving X_j b into the offset and dropping column
    j; the rest is an ordinary unpenalized fit through the core, warm-started
    from the previous evaluation.
    """
    from .._fitting import build_problem, solve_problem
    from ..core import LogisticLoss
    from ..backends import as_design_matrix

    keep = np.delete(np.arange(X.shape[1]), j)
    xj = X[:, j]
    Xk = np.ascontiguousarray(X[:, keep])
    state = {"coef": None}

    def llf(b: float) -> float:
        offset = xj * b
        if keep.size == 0:
            loss = LogisticLoss(as_design_matrix(X[:, :1]), y, n_classes=2, multinomial=False,
                                sample_weight=weights, offset=offset, fit_intercept=False)
            return -loss.weight_sum * loss.value(offset)
        problem = build_problem(Xk, y, weights, n_classes=2, multinomial=False, C=np.inf,
                                penalty_factor=np.ones(keep.size), fit_intercept=False, offset=offset)
        result = solve_problem(problem, "newton-cholesky", state["coef"], tol=1e-11, max_iter=200)
        state["coef"] = result.coef
        return -problem.loss.weight_sum * problem.loss.value(problem.loss.eta(result.coef))

    return llf, state


def profile_interval(X, y, weights, params, bse, llf_hat, j, alpha):
    """Profile-likelihood interval of coefficient j: the two b with 2 (llf_hat - llf_p(b)) = chi2_{1, 1-alpha}.

    An end the likelihood ratio never reaches (separation: the profile levels
    off) is reported as -inf/+inf with a warning.
    """
    from scipy.optimize import brentq

    crit = float(stats.chi2.ppf(1 - alpha, 1))
    llf, state = profile_llf_function(X, y, weights, j)
    start = np.delete(np.asarray(params, dtype=np.float64), j)
    b_hat = float(params[j])
    step = float(bse[j]) if np.isfinite(bse[j]) and bse[j] > 0 else max(1.0, abs(b_hat))

    def f(b):
        return 2.0 * (llf_hat - llf(b)) - crit

    ends = []
    for sign in (-1.0, 1.0):
        state["coef"] = start.copy()
        inner, t, f_prev, bracket = b_hat, step, -crit, None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # far steps may touch a separated region: judged below
            for _ in range(40):
                b = b_hat + sign * t
                fb = f(b)
                if fb > 0:
                    bracket = (inner, b)
                    break
                if t > 64 * step and fb - f_prev < 1e-9:
                    break  # the profile has levelled off
                inner, f_prev, t = b, fb, 2.0 * t
        if bracket is None:
            warnings.warn(
                f"the profile likelihood of parameter {j} does not fall by chi2={crit:.4g} on the "
                f"{'lower' if sign < 0 else 'upper'} side (separation?); that end is infinite",
                RuntimeWarning, stacklevel=4,
            )
            ends.append(sign * np.inf)
            continue
        # restart the inner fits from the bracket's inside end
        state["coef"] = start.copy()
        f(bracket[0])
        ends.append(brentq(f, *sorted(bracket), xtol=1e-12 * step, rtol=1e-13, maxiter=200))
    return ends[0], ends[1]


# ---------------------------------------------------------------------------
# likelihood ratio
# ---------------------------------------------------------------------------
def lr_test(full, restricted):
    """(lr_stat, p_value, df_diff) of results ``full`` against nested results ``restricted``."""
    if type(restricted) is not type(full):
        raise TypeError(f"restricted must be a {type(full).__name__}, got {type(restricted).__name__}")
    Xf, Xr = full.model.exog, restricted.model.exog
    same = (
        Xf.shape[0] == Xr.shape[0]
        and np.array_equal(full.model._sample_weight, restricted.model._sample_weight)
        and np.array_equal(np.asarray(full.model.endog), np.asarray(restricted.model.endog))
    )
    if not same:
        raise ValueError("the two models must be fitted to the same observations, response and weights")
    df_diff = restricted.df_resid - full.df_resid
    if df_diff <= 0:
        raise ValueError(
            f"the restricted model must have fewer parameters (df_diff={df_diff:g}); "
            "call full.compare_lr_test(restricted)"
        )
    resid = Xr - Xf @ np.linalg.lstsq(Xf, Xr, rcond=None)[0]
    if np.abs(resid).max() > 1e-8 * max(1.0, np.abs(Xr).max()):
        warnings.warn("the restricted model's regressors are not in the span of the full model's: "
                      "the models are not nested and the test is not valid", UserWarning, stacklevel=3)
    lr = 2.0 * (full.llf - restricted.llf)
    return float(lr), float(stats.chi2.sf(lr, df_diff)), float(df_diff)

"""Results of the statsmodels-style models: lazy, cached, computed from the core.

Every statistic is a :func:`functools.cached_property` computed on first use
from the fitted coefficients and the :class:`~logreg.core.Problem` the model
solved: the log-likelihood is ``-weight_sum * loss.value(eta)`` and the
observed information ``weight_sum * loss.hessian(eta)`` (the core's loss is a
weighted *mean*), so there is one formula for the Hessian in the code base.
Robust covariances come from :mod:`logreg.inference.covariance`, tables from
:mod:`logreg.inference.summary`; both are imported when first needed.

Two flat classes (binary and multinomial) share one base; no wrappers.
"""

from __future__ import annotations

import warnings
from functools import cached_property

import numpy as np
from scipy import stats

from ..exceptions import SeparationWarning


def _is_pandas(obj) -> bool:
    from ..models import _is_pandas as check

    return check(obj)

__all__ = ["LogitResults", "MNLogitResults", "SingularInformationWarning"]

# Relative size (to the largest) below which an eigenvalue of the
# diagonally scaled information matrix counts as zero.
_SINGULAR_RTOL = 1e-12
# statsmodels' rule: |y - p| < 1e-4 is a perfect prediction; all of them is
# complete separation, more than 10% suggests quasi-complete separation.
_PERFECT = 1e-4
_QUASI_FRACTION = 0.1


class SingularInformationWarning(UserWarning):
    """The information matrix is singular (collinear or constant columns, or
    separation): the affected parameters are not identified and their
    standard errors are NaN."""


class _Results:
    """Shared statistics; subclasses define the parameter layout."""

    use_t = False

    def __init__(self, model, problem, solver_result, *, method, cov_type, cov_kwds):
        self.model = model
        self._problem = problem
        self._solver_result = solver_result
        self.method = "MLE"
        self.mle_settings = {"optimizer": method}
        self.mle_retvals = {
            "converged": bool(solver_result.converged),
            "iterations": int(solver_result.n_iter),
            "fopt": float(solver_result.objective),
            "optimality": float(solver_result.optimality),
            "solver": solver_result.solver,
            "message": solver_result.message,
        }
        self.converged = bool(solver_result.converged)
        self.nobs = model.nobs
        self.df_model = model.df_model
        self.df_resid = model.df_resid
        self.k_constant = model.k_constant
        self.cov_type = cov_type
        if cov_type == "nonrobust":
            self.cov_kwds = {
                "description": "Standard Errors assume that the covariance matrix of the errors is correctly specified."
            }
        else:
            self.cov_kwds = dict(cov_kwds or {})
            self.cov_kwds.setdefault("description", f"Standard Errors are robust ({cov_type}).")
        self._check_separation()
        if model.rank < model.exog.shape[1]:
            _ = self._cov_flat  # warns now, at fit time, naming the affected parameters

    # -- the fit in eta space -------------------------------------------------
    @cached_property
    def _eta(self):
        return self._problem.loss.eta(self._solver_result.coef)

    @cached_property
    def _prob(self):
        return self._problem.loss.probabilities(self._eta)

    @property
    def _weights(self):
        return self.model._sample_weight

    # -- likelihood -----------------------------------------------------------
    @cached_property
    def llf(self) -> float:
        """Log-likelihood at the estimates."""
        loss = self._problem.loss
        return -loss.weight_sum * loss.value(self._eta)

    @cached_property
    def llnull(self) -> float:
        """Log-likelihood of the constant-only model (fitted through the core, as statsmodels does)."""
        from .._fitting import build_problem, solve_problem

        loss = self._problem.loss
        multinomial = loss.multinomial
        n = self.model.exog.shape[0]
        problem = build_problem(
            np.ones((n, 1)), self.model.endog, self._weights, n_classes=loss.n_classes,
            multinomial=multinomial, C=np.inf, penalty_factor=np.ones(1), fit_intercept=False,
        )
        # Start at the closed-form answer (log-odds of the weighted frequencies):
        # the solver then only confirms optimality.
        w = self._weights / self._weights.sum()
        if multinomial:
            freq = np.clip(np.bincount(self.model.endog, weights=w, minlength=loss.n_classes), 1e-300, 1.0)
            coef0 = np.log(freq)
        else:
            mean = float(np.clip(w @ self.model.endog, 1e-300, 1 - 1e-16))
            coef0 = np.array([np.log(mean) - np.log1p(-mean)])
        result = solve_problem(problem, "newton-cholesky", coef0, tol=1e-10, max_iter=100)
        return -problem.loss.weight_sum * problem.loss.value(problem.loss.eta(result.coef))

    @cached_property
    def llr(self) -> float:
        """Likelihood-ratio statistic -2 (llnull - llf)."""
        return -2.0 * (self.llnull - self.llf)

    @cached_property
    def llr_pvalue(self) -> float:
        """P-value of llr under chi2(df_model)."""
        return float(stats.chi2.sf(self.llr, self.df_model))

    @cached_property
    def prsquared(self) -> float:
        """McFadden's pseudo R-squared, 1 - llf / llnull."""
        return 1.0 - self.llf / self.llnull

    @cached_property
    def deviance(self) -> float:
        """-2 llf (the saturated model of 0/1 data has log-likelihood 0)."""
        return -2.0 * self.llf

    @cached_property
    def aic(self) -> float:
        """-2 (llf - k), k = number of free parameters (statsmodels' definition)."""
        return -2.0 * (self.llf - self._k_params)

    @cached_property
    def bic(self) -> float:
        """-2 llf + log(nobs) k."""
        return -2.0 * self.llf + np.log(self.nobs) * self._k_params

    # -- covariance -------------------------------------------------------------
    @cached_property
    def _information(self) -> np.ndarray:
        """Observed information of the free parameters (total, not per observation)."""
        loss = self._problem.loss
        last = self._solver_result.hessian  # formed by the solver within a step <= tol
        H = loss.weight_sum * (last if last is not None else loss.hessian(self._eta, self._prob))
        if self._penalty_information is not None:
            H = H + self._penalty_information
        free = self._free_index
        return H if free is None else H[np.ix_(free, free)]

    #: The penalty's Hessian (total scale) for results of an L2-penalized fit
    #: (LogisticRegression.summary), added to the information; None for ML fits.
    _penalty_information = None

    #: Boolean mask over the flat parameters that an L1 fit set to zero
    #: (statsmodels' ``trimmed``), or None. Their covariance rows and columns
    #: are NaN; the others use the inverse information restricted to them.
    _trimmed = None

    @cached_property
    def _cov_flat(self) -> np.ndarray:
        """Covariance of the flat free parameters, NaN where not identified (or trimmed)."""
        info = self._information
        if self._trimmed is not None:
            keep = ~np.asarray(self._trimmed, dtype=bool)
            cov = np.full(info.shape, np.nan)
            affected = np.zeros(keep.size, dtype=bool)
            if keep.any():
                cov[np.ix_(keep, keep)], affected[keep] = _invert_information(info[np.ix_(keep, keep)])
        elif self.cov_type == "nonrobust":
            cov, affected = _invert_information(info)
        else:
            _, affected = _invert_information(info)
            cov = self._robust_cov()
        if affected.any():
            names = [self._flat_names[i] for i in np.flatnonzero(affected)]
            warnings.warn(
                "The information matrix is singular (collinear or constant columns, or separation); "
                f"standard errors of {names} are NaN: these parameters are not identified.",
                SingularInformationWarning,
                stacklevel=3,
            )
            cov = cov.copy()
            cov[affected, :] = np.nan
            cov[:, affected] = np.nan
        return cov

    def _robust_cov(self):  # pragma: no cover - overridden where supported
        raise NotImplementedError(f"cov_type={self.cov_type!r} is not available for {type(self.model).__name__}")

    @cached_property
    def _bse_flat(self):
        return np.sqrt(np.diag(self._cov_flat))

    # -- diagnostics -------------------------------------------------------------
    def _check_separation(self):
        if self.mle_settings["optimizer"] == "firth":
            # Firth's estimate is finite under separation: that is its purpose.
            self.separated = self.quasi_separated = False
            self.perfect_prediction_fraction = float("nan")
            self._separation_etext = []
            return
        error = self._prediction_error()
        close = error < _PERFECT
        share = float(close.mean()) if close.size else 0.0
        self.separated = bool(close.size and close.all())
        self.quasi_separated = bool(not self.separated and share > _QUASI_FRACTION)
        self.perfect_prediction_fraction = share
        self._separation_etext = []
        self.separation_report = None
        if (self.separated or self.quasi_separated) and self._confirm_separation():
            return
        if self.separated:
            text = (
                "Complete separation: every observation is perfectly predicted. The maximum-likelihood "
                "estimate does not exist; the coefficients are large and arbitrary (they depend on when "
                "the solver stopped) and their standard errors are meaningless."
            )
        elif self.quasi_separated:
            text = (
                f"Possibly quasi-complete separation: a fraction {share:4.2f} of observations is perfectly "
                "predicted; some parameters may not be identified."
            )
        else:
            return
        self._separation_etext.append(text)
        warnings.warn(text, SeparationWarning, stacklevel=4)

    def _confirm_separation(self):
        """Check a suspected separation exactly; True when that settled (and reported) it.

        Binary models solve Konis's linear program (``inference.separation``),
        which names the columns whose estimates diverge; the cheap |y - p|
        rule above only decides whether the program is worth running.
        """
        return False

    # -- inference ---------------------------------------------------------------
    def cov_params(self):
        """Covariance matrix of the parameters (DataFrame with pandas input)."""
        return self._wrap_cov(self._cov_flat)

    @cached_property
    def bse(self):
        """Standard errors."""
        return self._wrap_params(self._bse_flat)

    @cached_property
    def tvalues(self):
        """z statistics params / bse."""
        return self._wrap_params(self._params_flat / self._bse_flat)

    @cached_property
    def pvalues(self):
        """Two-sided p-values from the normal distribution."""
        z = self._params_flat / self._bse_flat
        return self._wrap_params(2.0 * stats.norm.sf(np.abs(z)))

    def _conf_int_flat(self, alpha):
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
        q = stats.norm.ppf(1 - alpha / 2)
        half = q * self._bse_flat
        return np.column_stack([self._params_flat - half, self._params_flat + half])

    # -- tests -------------------------------------------------------------------
    def _restrictions(self, r_matrix, q_matrix):
        from .hypothesis import parse_restrictions

        return parse_restrictions(r_matrix, self._flat_names, q_matrix)

    def wald_test(self, r_matrix, q_matrix=None, scalar=True):
        """Joint Wald test of ``R b = q`` (chi2 with one degree of freedom per restriction).

        ``r_matrix``: a string of comma-separated linear equations over the
        parameter names ("x1 = x2, x3 = 0", "2*x1 - x3 = 1"; "x1" alone means
        "x1 = 0"), a list of such strings, an array R (with ``q_matrix``,
        default 0) or a tuple (R, q). Uses :meth:`cov_params` (so a robust
        ``cov_type`` gives a robust test). ``scalar`` is accepted for
        statsmodels compatibility; the statistic is always a float.
        """
        from .hypothesis import WaldTestResults

        R, q = self._restrictions(r_matrix, q_matrix)
        return WaldTestResults(self._params_flat, self._cov_flat, R, q)

    def t_test(self, r_matrix, q_matrix=None):
        """Individual z tests of each restriction (same ``r_matrix`` forms as :meth:`wald_test`)."""
        from .hypothesis import TTestResults

        R, q = self._restrictions(r_matrix, q_matrix)
        return TTestResults(self._params_flat, self._cov_flat, R, q)

    def compare_lr_test(self, restricted):
        """Likelihood-ratio test of this model against a nested ``restricted`` one.

        Returns ``(lr_stat, p_value, df_diff)`` with lr_stat = 2 (llf - llf_restricted)
        ~ chi2(df_diff), df_diff = the difference of the residual degrees of freedom
        (statsmodels' OLS ``compare_lr_test``). Both fits must use the same
        observations and weights; a restricted design whose columns are not in
        the span of this one's gives a warning (the models are not nested).
        """
        from .hypothesis import lr_test

        return lr_test(self, restricted)

    def summary(self, **kwargs):
        """statsmodels-style summary table (text, HTML in notebooks)."""
        from . import summary as module

        render = getattr(module, "summary", None) or module.render_summary
        return render(self, **kwargs)

    def summary2(self, **kwargs):
        """statsmodels' ``summary2`` layout."""
        from . import summary as module

        render = getattr(module, "summary2", None) or module.render_summary2
        return render(self, **kwargs)

    def firth_pvalues(self):
        """Penalized likelihood-ratio p-values of a Firth fit (logistf's default)."""
        from .firth import penalized_lr_pvalue

        fit = self._require_firth()
        m = self.model
        p = [penalized_lr_pvalue(m.exog, m.endog, j, weights=m._sample_weight, fit=fit) for j in range(m.exog.shape[1])]
        return self._wrap_params(np.asarray(p, dtype=np.float64))

    def firth_conf_int(self, alpha=0.05):
        """Profile penalized-likelihood confidence intervals of a Firth fit (logistf's default)."""
        from .firth import profile_penalized_ci

        fit = self._require_firth()
        m = self.model
        ci = np.array(
            [profile_penalized_ci(m.exog, m.endog, j, alpha, weights=m._sample_weight, fit=fit) for j in range(m.exog.shape[1])]
        )
        if hasattr(self.params, "index"):  # pandas input: label the rows
            import pandas as pd

            return pd.DataFrame(ci, index=m.exog_names)
        return ci

    def _require_firth(self):
        fit = getattr(self.model, "_firth_fit", None)
        if self.mle_settings["optimizer"] != "firth" or fit is None:
            raise ValueError("firth_pvalues/firth_conf_int need a fit with method='firth'")
        return fit

    def get_margeff(self, at="overall", method="dydx", atexog=None, dummy=False, count=False):
        """Marginal effects with delta-method standard errors (statsmodels' ``get_margeff``).

        See :func:`logreg.inference.margins.get_margeff`.
        """
        from .margins import get_margeff

        return get_margeff(self, at=at, method=method, atexog=atexog, dummy=dummy, count=count)

    def __repr__(self):
        return f"<{type(self).__name__}: {type(self.model).__name__}, nobs={self.nobs:g}, llf={self.llf:.6g}>"


def _invert_information(info: np.ndarray):
    """(pseudo-inverse of info, mask of parameters in its null space).

    The matrix is scaled to unit diagonal first, so that the zero test does not
    depend on the units of the regressors.
    """
    k = info.shape[0]
    diag = np.diag(info).copy()
    zero_diag = ~(diag > 0)
    scale = np.where(zero_diag, 1.0, 1.0 / np.sqrt(np.where(zero_diag, 1.0, diag)))
    scaled = info * scale[:, None] * scale[None, :]
    eigval, eigvec = np.linalg.eigh((scaled + scaled.T) / 2)
    top = max(float(eigval.max()), 0.0)
    null = eigval <= top * max(_SINGULAR_RTOL, k * np.finfo(float).eps)
    affected = zero_diag.copy()
    if null.any():
        affected |= (np.abs(eigvec[:, null]) > 1e-6).any(axis=1)
    keep = ~null
    inv_scaled = (eigvec[:, keep] / eigval[keep]) @ eigvec[:, keep].T
    cov = inv_scaled * scale[:, None] * scale[None, :]
    return cov, affected


class LogitResults(_Results):
    """Results of :class:`logreg.models.Logit` (statsmodels' ``LogitResults``)."""

    _free_index = None

    def _confirm_separation(self):
        from .separation import detect_separation

        m = self.model
        report = detect_separation(m.exog, m.endog, m._sample_weight, exog_names=list(m.exog_names))
        self.separation_report = report
        self.separated = report.kind == "complete"
        self.quasi_separated = report.kind == "quasi-complete"
        if report.kind == "none":
            return True  # the |y - p| rule was a false alarm: no warning
        columns = ", ".join(str(c) for c in report.columns) or "(none named)"
        text = (
            f"{report.kind.capitalize()} separation (found by linear programming): the maximum-likelihood "
            f"estimates of {columns} are infinite, so those coefficients and their standard errors are "
            "meaningless. Use method='firth' for finite estimates, or drop or merge the separating columns."
        )
        self._separation_etext.append(text)
        warnings.warn(text, SeparationWarning, stacklevel=5)
        return True

    @property
    def _params_flat(self):
        return self._solver_result.coef

    @property
    def _flat_names(self):
        return self.model.exog_names

    @property
    def _k_params(self):
        return self.df_model + 1

    def _prediction_error(self):
        error = np.abs(self.model.endog - self._prob)
        return error[self._weights > 0]

    # -- wrapping ---------------------------------------------------------------
    def _series(self, values, index):
        import pandas as pd

        return pd.Series(values, index=index)

    def _wrap_params(self, flat):
        if self.model._pandas:
            return self._series(flat, self.model.exog_names)
        return np.asarray(flat)

    def _wrap_cov(self, cov):
        if self.model._pandas:
            import pandas as pd

            return pd.DataFrame(cov, index=self.model.exog_names, columns=self.model.exog_names)
        return cov

    def _wrap_rows(self, values):
        if self.model._pandas:
            return self._series(values, self.model._row_index)
        return values

    @cached_property
    def params(self):
        """Estimated coefficients."""
        return self._wrap_params(self._params_flat.copy())

    def conf_int(self, alpha: float = 0.05, cols=None, method: str = "wald"):
        """Confidence intervals, (k, 2) (DataFrame with columns 0, 1 for pandas input).

        ``method="wald"``: b -+ z se (uses ``cov_type``). ``method="profile"``:
        profile-likelihood intervals, the two values of each b_j where
        2 (llf - llf_profile(b_j)) = chi2_{1, 1-alpha}, maximizing over the other
        parameters (as R's ``confint`` for glm; likelihood-based, so
        ``cov_type`` plays no part). An end the likelihood never reaches
        (separation) is infinite.
        """
        if method == "wald":
            ci = self._conf_int_flat(alpha)
            if cols is not None:
                ci = ci[list(cols)]
        elif method == "profile":
            if not 0 < alpha < 1:
                raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
            idx = range(len(self._params_flat)) if cols is None else list(cols)
            ci = np.array([self._profile_ci(float(alpha), int(j)) for j in idx]).reshape(-1, 2)
        else:
            raise ValueError(f"method must be 'wald' or 'profile', got {method!r}")
        if self.model._pandas:
            import pandas as pd

            names = self.model.exog_names if cols is None else [self.model.exog_names[c] for c in cols]
            return pd.DataFrame(ci, index=names)
        return ci

    def _profile_ci(self, alpha, j):
        cache = self.__dict__.setdefault("_profile_cache", {})
        if (alpha, j) not in cache:
            from .hypothesis import profile_interval

            cache[(alpha, j)] = profile_interval(
                self.model.exog, self.model.endog, self._weights, self._params_flat, self._bse_flat,
                self.llf, j, alpha,
            )
        return cache[(alpha, j)]

    def _robust_cov(self):
        from . import covariance

        y, p, w = self.model.endog, self._prob, self._weights
        u = w * (y - p)
        v = w * p * (1.0 - p)
        X = self.model.exog
        # Logit's weights are frequency weights: the covariance functions need
        # them to treat weight 2 as a duplicated row (u alone cannot tell).
        if self.cov_type == "cluster":
            kind = self.cov_kwds.get("kind", "CR1")
            return covariance.cov_cluster(X, u, v, self.cov_kwds["groups"], kind=kind, weights=w)
        return covariance.cov_hc(X, u, v, self.cov_type, nobs=self.nobs, weights=w)

    # -- prediction ---------------------------------------------------------------
    def predict(self, exog=None, linear: bool = False):
        """P(y = 1) for ``exog`` (default: the estimation data); ``linear=True`` gives X b.

        A DataFrame ``exog`` gives a Series on its index (a formula model
        applies its formula to it first); otherwise an ndarray.
        """
        out = self.model.predict(self._params_flat, exog, linear=linear)
        if exog is not None and _is_pandas(exog):
            return self._series(out, exog.index)
        return out

    def get_prediction(self, exog=None):
        """Predicted probabilities with standard errors and confidence intervals.

        Returns a :class:`~logreg.inference.hypothesis.PredictionResults`:
        ``predicted``, ``se`` (delta method, probability scale, as statsmodels),
        ``linpred``/``linpred_se`` (link scale, se = sqrt(x' Cov x)),
        ``conf_int(alpha)`` and ``summary_frame(alpha)``. The intervals are
        computed on the link scale and transformed by the logistic function,
        so they stay in [0, 1] (statsmodels' "endpoint" method).
        """
        from .hypothesis import PredictionResults

        x = self.model._design(exog)
        eta = x @ self._params_flat
        se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", x, self._cov_flat, x), 0.0))
        if exog is None:
            labels = self.model._row_index
        else:
            labels = exog.index if _is_pandas(exog) and getattr(exog, "ndim", 2) == 2 else None
        return PredictionResults(eta, se, row_labels=labels)

    @cached_property
    def fittedvalues(self):
        """Linear predictor X b."""
        return self._wrap_rows(self._eta.copy())

    @cached_property
    def resid_response(self):
        """y - p."""
        return self._wrap_rows(self.model.endog - self._prob)

    @cached_property
    def resid_pearson(self):
        """(y - p) / sqrt(p (1 - p))."""
        p = self._prob
        return self._wrap_rows((self.model.endog - p) / np.sqrt(p * (1.0 - p)))

    @cached_property
    def resid_dev(self):
        """Deviance residuals sign(y - p) sqrt(-2 log P(y))."""
        y, p = self.model.endog, self._prob
        with np.errstate(divide="ignore"):
            res = -(1 - y) * np.sqrt(2 * np.abs(np.log1p(-p))) + y * np.sqrt(2 * np.abs(np.log(p)))
        return self._wrap_rows(res)

    def pred_table(self, threshold: float = 0.5) -> np.ndarray:
        """2x2 table: row i = observed i, column j = predicted j (p > threshold); weighted counts."""
        pred = (self._prob > threshold).astype(float)
        return np.histogram2d(self.model.endog, pred, bins=[[0, 0.5, 1], [0, 0.5, 1]], weights=self._weights)[0]

    def odds_ratios(self, alpha: float = 0.05):
        """Odds ratios exp(b) with their Wald confidence intervals, as a DataFrame."""
        import pandas as pd

        ci = np.exp(self._conf_int_flat(alpha))
        lo, hi = f"{100 * alpha / 2:g}%", f"{100 * (1 - alpha / 2):g}%"
        return pd.DataFrame(
            {"OR": np.exp(self._params_flat), lo: ci[:, 0], hi: ci[:, 1], "P>|z|": np.asarray(self._p_flat)},
            index=self.model.exog_names,
        )

    @property
    def _p_flat(self):
        return 2.0 * stats.norm.sf(np.abs(self._params_flat / self._bse_flat))


class MNLogitResults(_Results):
    """Results of :class:`logreg.models.MNLogit`; params (k, J - 1), first category the reference."""

    @cached_property
    def _free_index(self):
        K = self.model.K
        return np.arange(K, K * self.model.J)

    @cached_property
    def _params_matrix(self):
        """(k, J - 1): each category's coefficient row minus the reference row."""
        B = self._solver_result.coef.reshape(self.model.J, self.model.K)
        return (B[1:] - B[0]).T

    @property
    def _params_flat(self):
        # statsmodels' order: equation by equation (params.ravel(order="F")).
        return self._params_matrix.ravel(order="F")

    @property
    def _k_params(self):
        return self.df_model + self.model.J - 1

    @cached_property
    def _flat_names(self):
        return [f"{self._ynames[j]}:{name}" for j in range(self.model.J - 1) for name in self.model.exog_names]

    @property
    def _ynames(self):
        return [self.model._ynames_map[j] for j in range(1, self.model.J)]

    def _prediction_error(self):
        p_observed = self._prob[np.arange(self._prob.shape[0]), self.model.endog]
        return (1.0 - p_observed)[self._weights > 0]

    def _matrix(self, flat):
        return np.asarray(flat).reshape(self.model.K, self.model.J - 1, order="F")

    def _wrap_params(self, flat):
        M = self._matrix(flat)
        if self.model._pandas:
            import pandas as pd

            return pd.DataFrame(M, index=self.model.exog_names, columns=range(self.model.J - 1))
        return M

    def _multi_index(self):
        import pandas as pd

        return pd.MultiIndex.from_product(
            [self._ynames, self.model.exog_names], names=[self.model.endog_names, None]
        )

    def _wrap_cov(self, cov):
        if self.model._pandas:
            import pandas as pd

            index = self._multi_index()
            return pd.DataFrame(cov, index=index, columns=index)
        return cov

    @cached_property
    def params(self):
        """(k, J - 1) coefficients against the first category."""
        return self._wrap_params(self._params_flat)

    def get_prediction(self, exog=None):
        raise NotImplementedError(
            "get_prediction is available for binary Logit results only (as in statsmodels); "
            "use predict() for MNLogit probabilities"
        )

    def conf_int(self, alpha: float = 0.05, method: str = "wald"):
        """Wald intervals: DataFrame (category, variable) x (lower, upper), or (J-1, k, 2) array."""
        if method != "wald":
            raise NotImplementedError("MNLogit supports only method='wald' confidence intervals so far")
        ci = self._conf_int_flat(alpha)
        if self.model._pandas:
            import pandas as pd

            return pd.DataFrame(ci, index=self._multi_index(), columns=["lower", "upper"])
        return ci.reshape(self.model.J - 1, self.model.K, 2)

    def predict(self, exog=None, linear: bool = False):
        """(n, J) probabilities (DataFrame on exog's index for a DataFrame exog)."""
        out = self.model.predict(self._params_matrix, exog, linear=linear)
        if exog is not None and _is_pandas(exog):
            import pandas as pd

            return pd.DataFrame(out, index=exog.index)
        return out

    @cached_property
    def fittedvalues(self):
        """Linear predictors X b of the non-reference categories, (n, J - 1)."""
        return self.model.exog @ self._params_matrix

    def pred_table(self) -> np.ndarray:
        """J x J table: row i = observed i, column j = most probable j; weighted counts."""
        J = self.model.J
        edges = np.arange(J + 1) - 0.5
        return np.histogram2d(self.model.endog, self._prob.argmax(axis=1), bins=[edges, edges],
                              weights=self._weights)[0]

"""statsmodels-style front-end: ``Logit``, ``MNLogit``, ``logit(formula, data)``, ``add_constant``.

These are front-ends in the sense of DESIGN.md: they validate input, build a
:class:`~logreg.core.Problem` with :func:`logreg._fitting.build_problem` (no
penalty, ``C = inf``, no separate intercept: as in statsmodels the constant is
a column of ``exog``), call a registered solver and hand the solution to the
lazy results objects of :mod:`logreg.inference.results`. Nothing here computes
a loss, a gradient or a Hessian.

Conventions follow statsmodels' ``Logit``/``MNLogit``: ``df_model`` is the rank
of ``exog`` minus one (statsmodels assumes a constant), ``llnull`` is the
log-likelihood of the constant-only model, ``aic = -2 (llf - (df_model + 1))``.
``weights`` (a logreg extension) are frequency weights: weight 2 is the same
as the row appearing twice, so ``nobs`` is the sum of the weights.
"""

from __future__ import annotations

import numbers
import sys
import warnings

import numpy as np

from .exceptions import SeparationWarning, convergence_warning_class
from .inference.results import LogitResults, MNLogitResults, SingularInformationWarning

__all__ = [
    "Logit",
    "MNLogit",
    "logit",
    "add_constant",
    "SeparationWarning",
    "SingularInformationWarning",
]

#: fit(method=...) -> core solver name ("bfgs" runs scipy's BFGS on the core's objective).
_METHODS = {"newton": "newton-cholesky", "irls": "newton-cholesky", "lbfgs": "lbfgs", "bfgs": None}


# ---------------------------------------------------------------------------
# add_constant
# ---------------------------------------------------------------------------
def add_constant(data, prepend: bool = True, has_constant: str = "skip"):
    """Add a column of ones to an array or DataFrame (statsmodels' ``add_constant``).

    Parameters
    ----------
    data : array_like (1-D or 2-D) or pandas DataFrame/Series
    prepend : bool
        Put the constant first (True) or last.
    has_constant : {"skip", "add", "raise"}
        What to do when ``data`` already has a constant column (all values
        equal and non-zero): return it unchanged, add another one anyway, or
        raise ``ValueError``.

    Returns
    -------
    ndarray (float) or DataFrame with a ``"const"`` column.
    """
    if has_constant not in ("skip", "add", "raise"):
        raise ValueError(f"has_constant must be 'skip', 'add' or 'raise', got {has_constant!r}")
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        pd = None
    if pd is not None and isinstance(data, (pd.Series, pd.DataFrame)):
        frame = data.to_frame() if isinstance(data, pd.Series) else data
        values = frame.to_numpy()
        if has_constant != "add" and values.size and _constant_columns(values).any():
            if has_constant == "raise":
                raise ValueError("data already contains a constant column")
            return data
        frame = frame.copy()
        frame.insert(0 if prepend else frame.shape[1], "const", 1.0, allow_duplicates=True)
        return frame
    x = np.asarray(data)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise ValueError(f"add_constant expects 1-D or 2-D data, got {x.ndim} dimensions")
    if has_constant != "add" and x.size and _constant_columns(x).any():
        if has_constant == "raise":
            raise ValueError("data already contains a constant column")
        return np.asarray(data)
    x = np.asarray(x, dtype=np.float64) if not np.issubdtype(x.dtype, np.floating) else x
    ones = np.ones((x.shape[0], 1), dtype=x.dtype)
    return np.hstack([ones, x] if prepend else [x, ones])


def _constant_columns(x) -> np.ndarray:
    """Columns whose values are all equal and non-zero (statsmodels' definition)."""
    if _is_dask(x):  # one blockwise pass; X stays on the cluster
        import dask

        if x.shape[0] == 0:
            return np.zeros(x.shape[1], dtype=bool)
        mx, mn, first = dask.compute(x.max(axis=0), x.min(axis=0), x[0])
        return (mx == mn) & (first != 0)
    x = np.asarray(x)
    if x.dtype == object:
        x = x.astype(np.float64)
    if x.shape[0] == 0:
        return np.zeros(x.shape[1], dtype=bool)
    return (np.ptp(x, axis=0) == 0) & (x[0] != 0)


def _is_dask(obj) -> bool:
    from ._validation import is_dask_collection

    return is_dask_collection(obj)


def _prepare_dask_exog(exog):
    """A dask array or DataFrame as exog: kept lazy (never gathered), checked in one pass."""
    import dask
    import dask.array as da

    from ._validation import as_dask_array

    x, names = as_dask_array(exog)
    if hasattr(exog, "columns"):
        names = [str(c) for c in exog.columns]
    x = x.astype(np.float64)
    if x.shape[1] == 0:
        raise ValueError("exog has no columns")
    finite, mx, mn = dask.compute(da.isfinite(x).all(), x.max(axis=0), x.min(axis=0))
    if not bool(finite):
        raise ValueError("exog contains NaN or infinite values")
    if names is None:
        names = [f"x{i}" for i in range(1, x.shape[1] + 1)]
        constant = mx == mn
        if constant.any():
            names = [f"x{i}" for i in range(1, x.shape[1])]
            names.insert(int(np.argmax(constant)), "const")
    return x, names, None, False


# ---------------------------------------------------------------------------
# input handling
# ---------------------------------------------------------------------------
def _is_pandas(obj) -> bool:
    """A pandas Series/DataFrame, or a proxy of one (formulaic's ModelMatrix)."""
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(obj, (pd.Series, pd.DataFrame))


def _exog_names_for_array(x: np.ndarray) -> list[str]:
    """statsmodels' default names: ``const`` for a zero-variance column, x1, x2, ... for the rest."""
    k = x.shape[1]
    # max == min per column: no (n, k) temporaries, unlike x.var(axis=0).
    constant = (x.max(axis=0) == x.min(axis=0)) if x.shape[0] else np.zeros(k, dtype=bool)
    if constant.any():
        const_idx = int(np.argmax(constant))
        names = [f"x{i}" for i in range(1, k)]
        names.insert(const_idx, "const")
        return names
    return [f"x{i}" for i in range(1, k + 1)]


def _prepare_exog(exog):
    """(float64 2-D array, names, row index or None, pandas?)"""
    if exog is None:
        raise ValueError("exog is required; use add_constant(...) for a constant-only model")
    if _is_dask(exog):
        return _prepare_dask_exog(exog)
    if _is_pandas(exog):
        import pandas as pd

        frame = exog.to_frame() if isinstance(exog, pd.Series) else exog
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"exog must be an array or a pandas DataFrame, got {type(exog).__name__}")
        try:
            values = frame.to_numpy(dtype=np.float64)
        except (TypeError, ValueError):
            bad = [str(c) for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
            raise ValueError(
                f"exog columns must be numeric; non-numeric: {bad} (use the formula interface "
                "logit('y ~ C(col)', data) to code categorical columns)"
            ) from None
        names = [str(c) for c in frame.columns]
        index = frame.index
        is_pandas = True
    else:
        try:
            values = np.asarray(exog, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError("exog must be numeric") from None
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2:
            raise ValueError(f"exog must be 1-D or 2-D, got {values.ndim} dimensions")
        names = _exog_names_for_array(values)
        index = None
        is_pandas = False
    if values.shape[1] == 0:
        raise ValueError("exog has no columns")
    if not np.all(np.isfinite(values)):
        raise ValueError("exog contains NaN or infinite values")
    return np.ascontiguousarray(values), names, index, is_pandas


def _endog_name(endog) -> str:
    name = getattr(endog, "name", None)
    if name is not None and _is_dask(endog) and hasattr(endog, "chunks"):
        name = None  # a dask array's name is its graph key
    if name is None and _is_pandas(endog) and getattr(endog, "ndim", 1) == 2 and endog.shape[1] == 1:
        name = endog.columns[0]
    return "y" if name is None else str(name)


def _prepare_weights(weights, n):
    if weights is None:
        return None
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.shape[0] != n:
        raise ValueError(f"weights has {w.shape[0]} entries, expected {n} (one per observation)")
    if not np.all(np.isfinite(w)) or (w < 0).any():
        raise ValueError("weights must be finite and non-negative")
    if w.sum() <= 0:
        raise ValueError("weights sum to zero")
    return w


_RANK_RTOL = 1e-13


def _rank(x: np.ndarray) -> int:
    """Numerical rank of x from its Gram matrix (one SYRK pass, not an SVD of x).

    Columns are scaled to unit norm first so the cutoff does not depend on
    units. A direction counts as missing when its singular value is below
    about 3e-7 of the largest (eigenvalue ratio 1e-13, about as far as a Gram
    matrix resolves; R's glm uses 1e-7 on its QR pivots).
    """
    if not x.size:
        return 0
    from .backends import as_design_matrix

    gram = as_design_matrix(x).sandwich(np.ones(x.shape[0]))
    norms = np.sqrt(np.diag(gram))
    nonzero = norms > 0
    if not nonzero.any():
        return 0
    scaled = gram[np.ix_(nonzero, nonzero)] / np.outer(norms[nonzero], norms[nonzero])
    eig = np.linalg.eigvalsh(scaled)
    return int(np.sum(eig > eig.max() * _RANK_RTOL))


def _fit_core(model, target, *, multinomial, n_classes, method, maxiter, tol, start_params):
    """Build the unpenalized Problem for ``model`` and solve it; returns (problem, SolverResult)."""
    from ._fitting import build_problem, solve_problem

    if method not in _METHODS:
        raise ValueError(f"method must be one of {sorted(_METHODS)}, got {method!r}")
    if not isinstance(maxiter, numbers.Integral) or maxiter < 0:
        raise ValueError(f"maxiter must be a non-negative integer, got {maxiter!r}")
    if not (isinstance(tol, numbers.Real) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    problem = build_problem(
        model.exog,
        target,
        model._sample_weight,
        n_classes=n_classes,
        multinomial=multinomial,
        C=np.inf,
        penalty_factor=np.ones(model.exog.shape[1]),
        fit_intercept=False,
    )
    coef0 = np.zeros(problem.n_coef) if start_params is None else np.asarray(start_params, dtype=np.float64)
    if coef0.size != problem.n_coef:
        raise ValueError(f"start_params has {coef0.size} values, expected {problem.n_coef}")
    from .solvers.newton_cholesky import uses_exact_hessian

    solver = _METHODS[method]
    if solver is not None:
        result = solve_problem(problem, solver, coef0.ravel(), tol=tol, max_iter=int(maxiter))
        if (
            solver == "newton-cholesky"
            and not multinomial
            and result.converged
            and uses_exact_hessian(problem.loss.n_samples, problem.loss.p)
        ):
            result = _finish_like_statsmodels(problem, result, tol=tol, maxiter=int(maxiter))
        return problem, result
    return problem, _scipy_bfgs(problem, coef0.ravel(), tol=tol, maxiter=int(maxiter))


def _finish_like_statsmodels(problem, result, *, tol, maxiter):
    """Take the Newton steps statsmodels' ``newton`` would still take.

    The core stops when the gradient is within tol; statsmodels stops only
    after a Newton step no larger than tol in every coordinate, and counts
    that step. Taking those (tiny) full steps here makes the coefficients and
    the reported iteration count agree with statsmodels' (the tutorial prints
    "Iterations 7"). Done only where the core ran exact Newton: on large n it
    starts from sub-sampled Hessians, its step count is its own anyway, and
    the extra full Hessian would cost a third of the fit.
    """
    from .core.result import SolverResult
    from .solvers.newton_cholesky import newton_direction

    loss, coef, n_iter = problem.loss, result.coef.copy(), result.n_iter
    hessian = None
    while n_iter < maxiter:
        eta = loss.eta(coef)
        _, resid, prob = loss.value_and_residual(eta)
        H = loss.hessian(eta, prob)
        step = newton_direction(H, loss.gradient_from_residual(resid))
        coef = coef + step
        n_iter += 1
        if np.max(np.abs(step)) <= tol:
            # The information at coef differs from H by O(tol): the results
            # reuse H rather than forming the Hessian once more.
            hessian = H
            break
    objective, grad = problem.objective_gradient(coef)
    return SolverResult(
        coef=coef, n_iter=n_iter, converged=result.converged, optimality=problem.optimality(coef, grad),
        objective=objective, solver=result.solver, message=result.message, hessian=hessian,
    )


def _scipy_bfgs(problem, coef0, *, tol, maxiter):
    """scipy's BFGS on the core's objective (statsmodels' method="bfgs")."""
    from scipy.optimize import minimize

    from .core.result import SolverResult

    res = minimize(
        problem.objective_gradient, coef0, jac=True, method="BFGS", options={"gtol": tol, "maxiter": maxiter}
    )
    optimality = problem.optimality(res.x)
    # scipy reports "precision loss" when the gradient cannot get below gtol in
    # floating point; the optimality measure then decides.
    converged = bool(res.success or optimality <= tol)
    if not converged:
        warnings.warn(
            f"bfgs did not converge after {res.nit} iterations: the largest optimality violation is "
            f"{optimality:.3g} (tol={tol:g}; {res.message}). Increase maxiter or use method='newton'.",
            convergence_warning_class(),
            stacklevel=4,
        )
    return SolverResult(
        coef=np.asarray(res.x, dtype=np.float64), n_iter=int(res.nit), converged=converged,
        optimality=float(optimality), objective=float(res.fun), solver="bfgs", message=str(res.message),
    )


def _print_convergence(result):
    """statsmodels' three lines after a fit with disp=True."""
    if result.converged:
        print("Optimization terminated successfully.")
    else:
        print("Warning: Maximum number of iterations has been exceeded.")
    print(f"         Current function value: {result.objective:f}")
    print(f"         Iterations {result.n_iter}")


class _DiscreteModel:
    """Data handling shared by Logit and MNLogit (one level, no hierarchy beyond it)."""

    def __init__(self, endog, exog, *, weights=None):
        self.exog, self.exog_names, self._row_index, self._pandas = _prepare_exog(exog)
        n = self.exog.shape[0]
        self.endog_names = _endog_name(endog)
        self._raw_endog = endog
        self.weights = _prepare_weights(weights, n)
        self._sample_weight = np.ones(n) if self.weights is None else self.weights
        self.nobs = float(self._sample_weight.sum()) if self.weights is not None else float(n)
        self.rank = _rank(self.exog)
        self.k_constant = int(_constant_columns(self.exog).any())
        self.formula = None
        self._rhs_spec = None

    def _check_endog_length(self, y):
        if y.shape[0] != self.exog.shape[0]:
            raise ValueError(f"endog has {y.shape[0]} observations but exog has {self.exog.shape[0]} rows")

    def _design(self, exog):
        """exog for prediction: this model's own, a DataFrame through the formula, or an array."""
        if exog is None:
            return self.exog
        if self._rhs_spec is not None and _is_pandas(exog) and not set(self.exog_names) <= set(map(str, exog.columns)):
            exog = self._rhs_spec.get_model_matrix(exog)
            exog = getattr(exog, "__wrapped__", exog)
        if _is_pandas(exog):
            exog = exog.to_frame() if exog.ndim == 1 else exog
            cols = list(map(str, exog.columns))
            if set(self.exog_names) <= set(cols):
                exog = exog[[c for c in exog.columns if str(c) in self.exog_names]]
                exog = exog[sorted(exog.columns, key=lambda c: self.exog_names.index(str(c)))]
        x = np.asarray(exog, dtype=np.float64)
        if x.ndim == 1:
            x = x[None, :] if x.shape[0] == self.exog.shape[1] else x[:, None]
        if x.shape[1] != self.exog.shape[1]:
            raise ValueError(f"exog has {x.shape[1]} columns, the model has {self.exog.shape[1]}")
        return x

    @classmethod
    def from_formula(cls, formula: str, data, *, weights=None, **kwargs):
        """Model from a formula (formulaic syntax; names as statsmodels' formula API)."""
        from formulaic import Formula

        if not isinstance(formula, str) or "~" not in formula:
            raise ValueError(f"formula must look like 'y ~ x1 + x2', got {formula!r}")
        matrices = Formula(formula).get_model_matrix(data, output="pandas", na_action="drop")
        # formulaic returns proxies of DataFrames; unwrap them
        lhs, rhs = (getattr(m, "__wrapped__", m) for m in (matrices.lhs, matrices.rhs))
        written = [str(term) for term in Formula(formula, _ordering="none").rhs]
        rhs = rhs[_patsy_column_order(matrices.rhs.model_spec, written)]
        target = formula.split("~", 1)[0].strip().strip("`")
        if lhs.shape[1] == 1:
            endog = lhs.iloc[:, 0]
            endog.name = target
        elif target in getattr(data, "columns", ()):
            # a categorical response (MNLogit): the raw labels, not formulaic's dummies
            endog = data[target].loc[rhs.index]
        else:
            raise ValueError(
                f"the left-hand side of {formula!r} must be one column; it expands to {list(lhs.columns)}"
            )
        if weights is not None and _is_pandas(weights):
            weights = weights.loc[rhs.index]
        elif weights is not None and len(weights) != len(rhs) and len(weights) == len(data):
            weights = np.asarray(weights)[np.asarray(data.index.get_indexer(rhs.index))]
        model = cls(endog, rhs, weights=weights, **kwargs)
        model.formula = formula
        model._rhs_spec = matrices.rhs.model_spec
        return model

    def fit_regularized(self, start_params=None, method="l1", maxiter="defined_by_method", disp=True, alpha=0,
                        **kwargs):
        """L1-penalized fit, statsmodels' ``fit_regularized(method="l1")``: minimizes
        ``-loglike + sum_k alpha_k |b_k|``. Options (``trim_mode``, ``qc_tol``,
        ``refit``, ``tol``, ...): :func:`logreg.inference.regularized.fit_regularized`.
        """
        from .inference.regularized import fit_regularized

        return fit_regularized(self, start_params=start_params, method=method, maxiter=maxiter, disp=disp,
                               alpha=alpha, **kwargs)


def _patsy_column_order(spec, written: list[str]) -> list[str]:
    """Design-matrix columns in patsy's (statsmodels' formula API) order.

    patsy groups terms by the set of numeric factors they contain: the group
    without numeric factors (intercept, pure categorical terms) first, the
    others in order of first appearance in the formula (``written``: the
    terms as written); within a group, lower-order terms first. formulaic
    (default ordering) codes lower-order terms first, as patsy does, so only
    the columns' order has to change.
    """
    from formulaic.parser.types import Factor

    entries = []
    for term, _, columns in spec.structure:
        factors = [f for f in term.factors if f.eval_method.value != "literal"]
        numeric = frozenset(
            f.expr for f in factors if spec.encoder_state.get(f.expr, (None,))[0] != Factor.Kind.CATEGORICAL
        )
        position = written.index(str(term)) if str(term) in written else len(written)
        entries.append((numeric, len(factors), position, list(columns)))
    first_seen: dict = {}
    for numeric, _, position, _ in entries:
        first_seen[numeric] = min(first_seen.get(numeric, position), position)
    entries.sort(key=lambda e: (len(e[0]) > 0, first_seen[e[0]], e[1], e[2]))
    return [column for entry in entries for column in entry[3]]


class Logit(_DiscreteModel):
    """Binary logistic regression, statsmodels' ``Logit`` on logreg's core.

    Parameters
    ----------
    endog : array_like of shape (n,)
        0/1 (or bool) response.
    exog : array_like or DataFrame of shape (n, k)
        Regressors; include a constant column (:func:`add_constant`) for an
        intercept, as in statsmodels.
    weights : array_like of shape (n,), optional
        Frequency weights (weight 2 = the row twice); ``nobs`` is their sum.
    """

    def __init__(self, endog, exog, *, weights=None):
        super().__init__(endog, exog, weights=weights)
        y = np.asarray(endog)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(f"endog must be 1-D, got shape {y.shape}")
        self._check_endog_length(y)
        if y.dtype == bool:
            y = y.astype(np.float64)
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError("endog must be 0/1 or bool for Logit (use MNLogit for other labels)") from None
        if not np.all(np.isin(y, (0.0, 1.0))):
            bad = np.unique(y[~np.isin(y, (0.0, 1.0))])[:5]
            raise ValueError(f"endog must be 0/1 or bool for Logit; found values such as {bad.tolist()}")
        self.endog = y
        self.df_model = float(self.rank - 1)
        self.df_resid = float(self.nobs - self.rank)
        self.k_extra = 0

    def fit(
        self,
        start_params=None,
        method: str = "newton",
        maxiter: int = 35,
        disp: bool = True,
        cov_type: str = "nonrobust",
        cov_kwds=None,
        tol: float = 1e-8,
        **kwargs,
    ) -> LogitResults:
        """Maximum-likelihood fit.

        Parameters
        ----------
        start_params : array_like, optional
            Starting values (default zeros, as statsmodels' Logit).
        method : {"newton", "irls", "lbfgs", "bfgs", "firth"}
            "newton": the core's Newton solver with a Cholesky-factored Hessian.
            "irls": the same solver, because for the canonical logit link the
            IRLS update *is* the Newton step (the expected and observed
            information coincide). "lbfgs": the core's L-BFGS. "bfgs": scipy's
            BFGS on the core's objective. "firth": Firth's bias-reduced
            (Jeffreys-penalized) likelihood, finite under separation, as R's
            logistf; covariance = inverse unpenalized information.
        maxiter : int
        disp : bool
            Print statsmodels' convergence lines.
        cov_type : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"}
            Covariance of the estimates; robust ones follow their textbook
            definitions (API.md), "cluster" needs ``cov_kwds={"groups": g}``.
        cov_kwds : dict, optional
        tol : float
            Stopping tolerance on the core's optimality measure (largest
            gradient entry of the per-observation mean negative log-likelihood).
        """
        if kwargs:
            raise TypeError(f"unsupported fit arguments: {sorted(kwargs)}")
        cov_type, cov_kwds = _check_cov_type(cov_type, cov_kwds, self.exog.shape[0])
        if method == "firth":
            problem, result = self._fit_firth(maxiter=maxiter, tol=tol, start_params=start_params)
        else:
            problem, result = _fit_core(
                self, self.endog, multinomial=False, n_classes=2, method=method,
                maxiter=maxiter, tol=tol, start_params=start_params,
            )
        if disp:
            _print_convergence(result)
        return LogitResults(self, problem, result, method=method, cov_type=cov_type, cov_kwds=cov_kwds)

    def _fit_firth(self, *, maxiter, tol, start_params):
        """Firth's bias-reduced fit (logreg.inference.firth), wrapped as a solver result.

        The results then report the unpenalized log-likelihood and the inverse
        of the unpenalized information at the estimate, as R's logistf does;
        ``firth_pvalues()`` and ``firth_conf_int()`` on the results give the
        penalized likelihood-ratio p-values and profile intervals.
        """
        from ._fitting import build_problem
        from .core.result import SolverResult
        from .inference.firth import fit_firth

        fit = fit_firth(
            self.exog, self.endog, self._sample_weight, tol=tol, max_iter=max(int(maxiter), 100),
            start_params=start_params,
        )
        problem = build_problem(
            self.exog, self.endog, self._sample_weight, n_classes=2, multinomial=False,
            C=np.inf, penalty_factor=np.ones(self.exog.shape[1]), fit_intercept=False,
        )
        if not fit.converged:
            warnings.warn(f"firth did not converge: {fit.message}", convergence_warning_class(), stacklevel=3)
        result = SolverResult(
            coef=np.asarray(fit.params, dtype=np.float64), n_iter=fit.n_iter, converged=fit.converged,
            optimality=fit.optimality, objective=-fit.llf_penalized / problem.loss.weight_sum,
            solver="firth", message=fit.message,
        )
        self._firth_fit = fit
        return problem, result

    def predict(self, params, exog=None, linear: bool = False):
        """P(y = 1) (or the linear predictor) at ``params``."""
        from scipy.special import expit

        eta = self._design(exog) @ np.asarray(params, dtype=np.float64)
        return eta if linear else expit(eta)


class MNLogit(_DiscreteModel):
    """Multinomial logit with the first category as the reference (statsmodels' ``MNLogit``).

    ``params`` has shape (k, J - 1): column j holds the coefficients of the
    log-odds of category j + 1 against the first one.

    Parameters
    ----------
    endog : array_like of shape (n,)
        Category labels (any sortable values; pandas categoricals keep their
        category order).
    exog : array_like or DataFrame of shape (n, k)
    weights : array_like of shape (n,), optional
        Frequency weights.
    """

    def __init__(self, endog, exog, *, weights=None):
        super().__init__(endog, exog, weights=weights)
        labels = np.asarray(endog)
        if labels.ndim == 2 and labels.shape[1] == 1:
            labels = labels[:, 0]
        if labels.ndim != 1:
            raise ValueError(f"endog must be 1-D category labels, got shape {labels.shape}")
        self._check_endog_length(labels)
        dtype = getattr(endog, "dtype", None)
        if dtype is not None and str(dtype) == "category":
            import pandas as pd

            cat = pd.Categorical(endog)
            present = [c for c in cat.categories if (cat == c).any()]
            classes = np.asarray(present, dtype=object)
            codes = pd.Categorical(endog, categories=present).codes
            if (codes < 0).any():
                raise ValueError("endog contains missing values")
        else:
            if labels.dtype.kind == "f" and not np.all(np.isfinite(labels)):
                raise ValueError("endog contains NaN or infinite values")
            if labels.dtype == object and any(v is None for v in labels):
                raise ValueError("endog contains missing values")
            classes, codes = np.unique(labels, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(f"endog needs at least two categories, found {len(classes)}")
        self.classes = classes
        self.endog = np.asarray(codes, dtype=np.intp)
        self.J = len(classes)
        self.K = self.exog.shape[1]
        self.df_model = float((self.rank - 1) * (self.J - 1))
        self.df_resid = float(self.nobs - self.df_model - (self.J - 1))
        self.k_extra = 0
        self._ynames_map = {j: _label_text(c) for j, c in enumerate(classes)}

    def fit(
        self,
        start_params=None,
        method: str = "newton",
        maxiter: int = 35,
        disp: bool = True,
        cov_type: str = "nonrobust",
        cov_kwds=None,
        tol: float = 1e-8,
        **kwargs,
    ) -> MNLogitResults:
        """Maximum-likelihood fit (same arguments as :meth:`Logit.fit`; ``cov_type`` must be "nonrobust").

        The core's multinomial loss has one coefficient row per category; the
        fit leaves the flat softmax direction to the solver and the results
        subtract the reference row, which changes no probability.
        """
        if kwargs:
            raise TypeError(f"unsupported fit arguments: {sorted(kwargs)}")
        if cov_type != "nonrobust":
            raise NotImplementedError("MNLogit supports only cov_type='nonrobust' so far")
        coef0 = None
        if start_params is not None:
            sp = np.asarray(start_params, dtype=np.float64).reshape(self.K, self.J - 1, order="F")
            coef0 = np.vstack([np.zeros(self.K), sp.T]).ravel()
        problem, result = _fit_core(
            self, self.endog, multinomial=True, n_classes=self.J, method=method,
            maxiter=maxiter, tol=tol, start_params=coef0,
        )
        if disp:
            _print_convergence(result)
        return MNLogitResults(self, problem, result, method=method, cov_type="nonrobust", cov_kwds=None)

    def predict(self, params, exog=None, linear: bool = False):
        """(n, J) category probabilities (or linear predictors, reference column 0) at ``params``."""
        x = self._design(exog)
        B = np.asarray(params, dtype=np.float64).reshape(self.K, self.J - 1)
        eta = np.hstack([np.zeros((x.shape[0], 1)), x @ B])
        if linear:
            return eta
        eta -= eta.max(axis=1, keepdims=True)
        np.exp(eta, out=eta)
        eta /= eta.sum(axis=1, keepdims=True)
        return eta


def _label_text(value) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _check_cov_type(cov_type, cov_kwds, n):
    kinds = ("nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster")
    if cov_type not in kinds:
        raise ValueError(f"cov_type must be one of {kinds}, got {cov_type!r}")
    cov_kwds = dict(cov_kwds or {})
    if cov_type == "cluster":
        if "groups" not in cov_kwds:
            raise ValueError("cov_type='cluster' needs cov_kwds={'groups': group labels}")
        groups = np.asarray(cov_kwds["groups"])
        if groups.shape[0] != n:
            raise ValueError(f"groups has {groups.shape[0]} entries, expected {n}")
        cov_kwds["groups"] = groups
    elif cov_kwds and cov_type == "nonrobust":
        raise ValueError("cov_kwds is only used with a robust cov_type")
    return cov_type, cov_kwds


def logit(formula: str, data, *, weights=None) -> Logit:
    """``Logit`` from a formula, e.g. ``logit("admit ~ gre + gpa + C(rank)", df)``.

    Uses formulaic; the design matrix has an ``Intercept`` column and treatment
    coded categoricals named as in statsmodels' formula API (``C(rank)[T.2]``).
    Rows with missing values are dropped. ``results.predict(new_df)`` applies
    the same formula to new data.
    """
    return Logit.from_formula(formula, data, weights=weights)


def mnlogit(formula: str, data, *, weights=None) -> MNLogit:
    """``MNLogit`` from a formula (see :func:`logit`)."""
    return MNLogit.from_formula(formula, data, weights=weights)

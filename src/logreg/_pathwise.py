"""The machinery of regularization paths, shared by ``regularization_path`` and the CV.

One :class:`_PathSolver` per problem moves along decreasing penalties from
warm starts. It keeps, from each solution, the loss gradient (and for L2 the
linear predictor, the probabilities and the last Hessian), so that:

- a point whose warm start already satisfies the optimality conditions at
  the new penalty costs no pass over X (the loss gradient does not depend on
  the penalty; only the penalty's gradient is added);
- L1 and elastic-net points run on the columns that survive the sequential
  strong rule, then check the optimality conditions of every coefficient;
- L2 points on problems that Newton-Cholesky suits take Newton steps with
  the loss Hessian of an earlier point for as long as it keeps contracting
  the optimality violation by half per step (a chord method; the penalty's
  Hessian is always exact), refreshed from a row subset first and from all
  rows once the subsets stop helping, as :mod:`logreg.solvers.newton_cholesky`
  does. Along a path the Hessian changes slowly: a few are formed for the
  whole path instead of one per Newton step.

Every point ends with the largest optimality violation, over all
coefficients, at most ``tol`` (or a ConvergenceWarning), as a single fit would.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from types import SimpleNamespace

import numpy as np

# A screened fit runs on a copy of the surviving columns; when most columns
# survive, the copy costs more than the smaller passes save, and the solver's
# own working sets do the job.
_RESTRICT_FRACTION = 0.5
# glmnet computes lambda_max of a (nearly) pure L2 path as if l1_ratio were
# at least this (glmnet's "alpha" floor).
L2_RATIO_FLOOR = 1e-3
# Chord-Newton: keep a Hessian while each step divides the violation by at least 4.
_CONTRACTION = 0.25


def _penalty_like(factors, n_rows, alpha, l1_ratio):
    from .core import ElasticNetPenalty

    return ElasticNetPenalty(alpha, factors, n_rows, l1_ratio=l1_ratio)


def _take_columns(X, columns):
    """The columns of X as the coordinate-descent kernels read them without a copy.

    Dense: Fortran order. Sparse: CSC (column slicing of CSC is cheap, and
    the kernels use CSC as it is).
    """
    import scipy.sparse as sp

    if sp.issparse(X):
        return X[:, columns]  # X is CSC here (see _PathSolver._columns_source)
    out = np.empty((X.shape[0], columns.size), dtype=X.dtype, order="F")
    np.take(X, columns, axis=1, out=out)
    return out


def _flat_index(loss, columns):
    """Flat coefficient positions of the given feature columns (and the intercept) in every row."""
    cols = columns if not loss.fit_intercept else np.append(columns, loss.n_features)
    return (np.arange(loss.n_rows)[:, None] * loss.p + cols[None, :]).ravel()


def _restrict(problem, X_columns, index):
    """The problem on a subset of columns (all other coefficients fixed at 0)."""
    from .backends import as_design_matrix
    from .core import LogisticLoss

    loss, penalty = problem.loss, problem.penalty
    sub_loss = LogisticLoss(
        as_design_matrix(X_columns),
        loss.y,
        n_classes=loss.n_classes,
        multinomial=loss.multinomial,
        sample_weight=loss.w * loss.weight_sum,
        offset=loss.offset,
        fit_intercept=loss.fit_intercept,
        intercept_scaling=loss.intercept_scaling,
    )
    # Per-row factors of the kept columns (2-D: the penalty accepts per-row factors).
    f = _penalty_like(penalty.factors, penalty.n_rows, 1.0, 1.0).l1[index].reshape(loss.n_rows, -1)
    sub_penalty = _penalty_like(f, loss.n_rows, penalty.alpha, penalty.l1_ratio)
    return replace(
        problem,
        loss=sub_loss,
        penalty=sub_penalty,
        lower=None if problem.lower is None else problem.lower[index],
        upper=None if problem.upper is None else problem.upper[index],
    )


def _uses_newton_path(problem, solver) -> bool:
    """Whether L2 points are solved by the chord-Newton path (else by the named solver)."""
    from .solvers import choose_solver

    if not problem.smooth or problem.has_bounds:
        return False
    return solver == "newton-cholesky" or (solver == "auto" and choose_solver(problem) == "newton-cholesky")


def _not_converged(n_iter, optimality, tol, message):
    from .exceptions import convergence_warning_class

    warnings.warn(
        f"newton-cholesky (path) did not converge after {n_iter} iterations at this penalty: the largest "
        f"optimality violation is {optimality:.3g} (tol={tol:g}; {message}). Increase max_iter, standardize "
        "the features (sklearn.preprocessing.StandardScaler) or use a stronger penalty (smaller C).",
        convergence_warning_class(),
        stacklevel=5,
    )


class _PathSolver:
    """One binary or multinomial problem, solved at decreasing penalties.

    ``step(C)`` solves at ``C`` from the previous solution and returns a
    namespace with the coefficients, iterations, optimality, loss value and
    screening counts.
    """

    def __init__(self, problem, *, l1_ratio, solver, tol, max_iter, screening):
        from ._fitting import unpenalized_start

        self.problem = replace(problem, stopping="optimality")
        self.loss = loss = problem.loss
        self.l1_ratio = float(l1_ratio)
        self.solver, self.tol, self.max_iter = solver, tol, max_iter
        self.factors = problem.penalty.factors
        self.n_rows = problem.penalty.n_rows
        self.S = loss.weight_sum
        # Per-coefficient penalty factors (layout of the flat coefficients).
        self.f = _penalty_like(self.factors, self.n_rows, 1.0, 1.0).l1
        self.screening = bool(screening) and self.l1_ratio > 0
        self.newton = self.l1_ratio == 0 and _uses_newton_path(self.problem, solver)
        # Coefficients whose box excludes 0 can never be discarded.
        lo = -np.inf if problem.lower is None else problem.lower
        hi = np.inf if problem.upper is None else problem.upper
        self.zero_feasible = (np.asarray(lo) <= 0) & (np.asarray(hi) >= 0) & np.ones(loss.n_coef, bool)
        # The solution above alpha_max (every penalized coefficient 0).
        self.coef = unpenalized_start(self.problem)
        self.eta = loss.eta(self.coef)
        self.value, resid, self.prob = loss.value_and_residual(self.eta)
        self.grad = loss.gradient_from_residual(resid)  # loss gradient at self.coef, or None
        self.null_value = loss.value(loss.eta(loss.null_coef()))
        penalized = self.f > 0
        # max_j |g_j| / f_j: alpha_max times l1_ratio. A generated grid starts
        # where a ratio of at least 1e-3 would zero every coefficient (glmnet).
        scaled = float(np.max(np.abs(self.grad[penalized]) / self.f[penalized])) if penalized.any() else 0.0
        self.alpha_max = scaled / max(self.l1_ratio, L2_RATIO_FLOOR)
        # The penalty that self.coef solves, for the strong rule.
        self.alpha = scaled / self.l1_ratio if self.l1_ratio > 0 else np.inf
        self._columns_X = None
        self._hessian = None
        self._subsets = None
        self._rows = None

    def C_max(self) -> float:
        """The C where a generated grid starts (inf when nothing is penalized)."""
        return np.inf if self.alpha_max <= 0 else 1.0 / (self.alpha_max * self.S)

    def _columns_source(self):
        if self._columns_X is None:
            import scipy.sparse as sp

            X = self.loss.X.X
            self._columns_X = X.tocsc() if sp.issparse(X) and X.format != "csc" else X
        return self._columns_X

    def step(self, C):
        alpha = 1.0 / (C * self.S)
        penalty = _penalty_like(self.factors, self.n_rows, alpha, self.l1_ratio)
        full = replace(self.problem, penalty=penalty, radius_scale=C * self.S)
        if self.grad is not None:
            violations = full.violations(self.coef, self.grad + penalty.gradient(self.coef))
            optimality = float(violations.max()) if violations.size else 0.0
            if optimality <= self.tol:
                # The warm start is optimal at this penalty too: no pass over X.
                self.alpha = alpha
                return self._point(0, optimality, 0, 0, "warm start")
        if self.newton:
            return self._newton_step(full, alpha)
        keep = self._strong_set(alpha) if self.screening else None
        if keep is None:
            return self._full_step(full, alpha)
        return self._screened_step(full, alpha, keep)

    def _point(self, n_iter, optimality, n_screened, n_readmitted, solver):
        return SimpleNamespace(
            coef=self.coef,
            n_iter=n_iter,
            optimality=optimality,
            value=self.value,
            n_screened=n_screened,
            n_readmitted=n_readmitted,
            solver=solver,
        )

    def _strong_set(self, alpha):
        """Columns kept by the sequential strong rule, or None to fit on all of them."""
        loss, d = self.loss, self.loss.n_features
        keep_coef = (self.coef != 0) | (self.f == 0) | ~self.zero_feasible
        if alpha < self.alpha:
            # At or above the current penalty nothing new can enter.
            keep_coef |= np.abs(self.grad) >= self.l1_ratio * self.f * (2.0 * alpha - self.alpha)
        keep = loss.as_matrix(keep_coef).any(axis=0)[:d]
        return None if keep.sum() > _RESTRICT_FRACTION * d else keep

    def _full_step(self, full, alpha):
        from ._fitting import solve_problem

        loss = self.loss
        result = solve_problem(full, self.solver, self.coef, tol=self.tol, max_iter=self.max_iter)
        self.coef, self.alpha = result.coef, alpha
        if self.screening:
            # The next strong rule needs the loss gradient here.
            self.value, resid, _ = loss.value_and_residual(loss.eta(self.coef))
            self.grad = loss.gradient_from_residual(resid)
        else:
            self.value, self.grad = result.objective - full.penalty.value(self.coef), None
        return self._point(result.n_iter, result.optimality, 0, 0, result.solver)

    def _screened_step(self, full, alpha, keep):
        from ._fitting import solve_problem

        loss, d, penalty = self.loss, self.loss.n_features, full.penalty
        n_screened = int(d - keep.sum())
        readmitted, n_iter, coef = 0, 0, self.coef
        while True:
            index = _flat_index(loss, np.flatnonzero(keep))
            sub = _restrict(full, _take_columns(self._columns_source(), np.flatnonzero(keep)), index)
            result = solve_problem(sub, self.solver, coef[index], tol=self.tol, max_iter=self.max_iter)
            n_iter += result.n_iter
            coef = np.zeros(loss.n_coef)
            coef[index] = result.coef
            # One pass over all columns: the gradient of every coefficient.
            value, resid, _ = loss.value_and_residual(sub.loss.eta(result.coef))
            grad = loss.gradient_from_residual(resid)
            violations = full.violations(coef, grad + penalty.gradient(coef))
            outside = np.ones(loss.n_coef, dtype=bool)
            outside[index] = False
            wrong = outside & (violations > self.tol)
            if not wrong.any():
                break
            # The strong rule discarded a coefficient that belongs in the model.
            back = loss.as_matrix(wrong).any(axis=0)[:d]
            readmitted += int(back.sum())
            keep = keep | back
        self.coef, self.alpha, self.value, self.grad = coef, alpha, value, grad
        optimality = float(violations.max()) if violations.size else 0.0
        return self._point(n_iter, optimality, n_screened, readmitted, result.solver)

    def _newton_step(self, full, alpha):
        """Chord-Newton at one penalty (see the module notes)."""
        from .solvers.line_search import add_curvature_on_flat_directions, armijo_in_eta_space
        from .solvers.newton_cholesky import _row_subsets, newton_direction

        loss, penalty, tol = self.loss, full.penalty, self.tol
        if self._subsets is None:
            self._subsets = _row_subsets(loss.n_samples, loss.p)
            self._rows = next(self._subsets)
        flat = loss.flat_directions_without_curvature(penalty.penalized_columns)
        coef, eta, value, prob, g_loss = self.coef, self.eta, self.value, self.prob, self.grad
        n_iter, fresh, previous = 0, False, np.inf
        message = "maximum number of iterations reached"
        while True:
            grad = g_loss + penalty.gradient(coef)
            violations = full.violations(coef, grad)
            optimality = float(violations.max()) if violations.size else 0.0
            if optimality <= tol:
                break
            if n_iter >= self.max_iter:
                _not_converged(n_iter, optimality, tol, message)
                break
            if self._hessian is None or optimality > _CONTRACTION * previous:
                if fresh and self._rows is not None:
                    self._rows = next(self._subsets)  # a fresh sub-sampled Hessian was not enough
                self._hessian = loss.hessian(eta, prob, rows=self._rows)
                fresh = True
            else:
                fresh = False
            previous = optimality
            H = self._hessian.copy()
            H[np.diag_indices_from(H)] += penalty.hessian_diag()
            add_curvature_on_flat_directions(H, flat)
            step = newton_direction(H, grad)
            direction_eta = loss.direction_eta(step)
            objective = value + penalty.value(coef)
            slope = float(grad @ step)
            # The full step first, with its residual (one evaluation of the loss where the
            # line search and the next gradient would take two); halvings only if it fails.
            eta_t = eta + direction_eta
            value_t, resid_t, prob_t = loss.value_and_residual(eta_t)
            if _sufficient_decrease(value_t + penalty.value(coef + step), objective, slope):
                t = 1.0
            else:
                t, eta_t, _ = armijo_in_eta_space(full, coef, eta, step, direction_eta, objective, slope)
                resid_t = None
            n_iter += 1
            if t == 0.0:
                if not fresh or self._rows is not None:
                    # A stale or sub-sampled Hessian: retry with a better one.
                    if fresh:
                        self._rows = next(self._subsets)
                    self._hessian, previous = None, np.inf
                    continue
                message = "line search could not decrease the objective (numerical precision reached)"
                _not_converged(n_iter, optimality, tol, message)
                break
            coef, eta = coef + t * step, eta_t
            if resid_t is None:
                value_t, resid_t, prob_t = loss.value_and_residual(eta)
            value, resid, prob = value_t, resid_t, prob_t
            g_new = loss.gradient_from_residual(resid)
            _bfgs_update(self._hessian, t * step, g_new - g_loss)
            g_loss = g_new
        self.coef, self.eta, self.value, self.prob, self.grad, self.alpha = coef, eta, value, prob, g_loss, alpha
        return self._point(n_iter, optimality, 0, 0, "newton-cholesky")


def _sufficient_decrease(value, objective, slope) -> bool:
    """Armijo's condition at the full step, as ``armijo_in_eta_space`` tests it."""
    from .solvers.line_search import _ARMIJO_C, _ROUNDING_SLACK

    slack = _ROUNDING_SLACK * max(1.0, abs(objective))
    return bool(np.isfinite(value) and value <= objective + _ARMIJO_C * slope + slack)


def _bfgs_update(H, s, y):
    """BFGS update of the loss Hessian H in place with the step s and the change y of the loss gradient.

    The loss is convex, so s'y >= 0; the update (skipped when s'y or s'Hs is
    negligible) keeps H positive semi-definite and makes it exact along s,
    which turns a stale or sub-sampled Hessian into a better one at the cost
    of O(p^2) flops and no pass over X.
    """
    sy = float(s @ y)
    Hs = H @ s
    sHs = float(s @ Hs)
    if sy <= 1e-12 * float(np.sqrt(y @ y) * np.sqrt(s @ s)) or sHs <= 0:
        return
    H += np.outer(y, y) / sy - np.outer(Hs, Hs) / sHs


class PlanPath:
    """All problems of one LogisticRegression plan (one, or one per class), in lock-step."""

    def __init__(self, model, plan, *, n_features, n_classes, l1_ratio, solver, tol, max_iter, screening):
        self.model, self.plan = model, plan
        self.n_features, self.n_classes = n_features, n_classes
        self.problems = [plan.problem_for(key) for key in plan.keys]
        self.solvers = [
            _PathSolver(pr, l1_ratio=l1_ratio, solver=solver, tol=tol, max_iter=max_iter, screening=screening)
            for pr in self.problems
        ]

    def C_max(self) -> float:
        return min(s.C_max() for s in self.solvers)

    def step(self, C):
        """Solve every problem at C; stores coef_/intercept_ on the model; returns (raw coefs, info)."""
        results = [s.step(C) for s in self.solvers]
        self.model._store(
            [(pr, r) for pr, r in zip(self.problems, results)], self.plan.multinomial, self.n_classes, self.n_features
        )
        deviance = sum(s.S * r.value for s, r in zip(self.solvers, results))
        null = sum(s.S * s.null_value for s in self.solvers)
        info = SimpleNamespace(
            n_iter=sum(r.n_iter for r in results),
            max_n_iter=max(r.n_iter for r in results),
            optimality=max(r.optimality for r in results),
            n_screened=sum(r.n_screened for r in results),
            n_readmitted=sum(r.n_readmitted for r in results),
            deviance_ratio=1.0 - deviance / null if null > 0 else 0.0,
        )
        return [r.coef for r in results], info


def solver_for(model, l1_ratio, liblinear):
    """The solver name a fit uses (liblinear's objective maps onto logreg's methods)."""
    if liblinear:
        return "newton-cd" if l1_ratio > 0 else "newton-cg"
    return model.solver


def check_Cs(Cs) -> np.ndarray:
    values = np.asarray(Cs, dtype=np.float64).ravel()
    if values.size == 0 or not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(f"Cs must be positive, finite numbers, got {Cs!r}")
    return values


class _NoBar:
    def update(self, n=1):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def progress(total, verbose, desc):
    """A tqdm bar: shown when verbose > 0, else only on a terminal once the run passes 10 s."""
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return _NoBar()
    if verbose and verbose > 0:
        return tqdm(total=total, desc=desc, leave=True)
    return tqdm(total=total, desc=desc, leave=False, delay=10.0, disable=None)

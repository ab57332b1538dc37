"""Proximal Newton with a coordinate-descent inner loop (glmnet, newGLMNET).

Each outer iteration:

1. one pass over X for the loss gradient; the per-coefficient optimality
   violations (subdifferential distances) decide convergence, exactly as for
   every other solver;
2. a *working set*: the non-zero coefficients plus the worst violators among
   the zero ones, at most ``max(64, 2 * support)`` of those, so that the set
   grows geometrically with the support instead of holding every feature of a
   wide text problem (Johnson & Guestrin's Blitz, Massias et al.'s celer);
3. coordinate descent (numba kernels in ``logreg._kernels.cd``) on the
   quadratic model with the Hessian weights of each class row, solved to a
   tolerance tied to the current violation (an inexact proximal Newton step,
   Lee, Sun & Saunders 2014); the L2 part and the bounds are handled exactly
   in each coordinate step;
4. a backtracking line search on the true objective, in eta space (the
   kernels return the change of the linear predictor, so no pass over X).

For a multinomial model the model is the exact Hessian, cross-class terms
included (they cost one more vector per coordinate step; the block-diagonal
approximation needed about 5x more outer iterations). Handles L1, elastic-net, L2, per-coefficient penalty weights,
box bounds and liblinear's objective (penalized intercept, relative stopping
rule on the L1 norm of the violations, as liblinear's newGLMNET stops).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..core.penalty import violation_vector
from ..core.result import SolverResult
from .base import SolverSpec, register

# Working-set budget: new coordinates admitted per outer iteration.
_MIN_NEW_COORDS = 64
# Inner tolerance as a fraction of the current optimality violation.
_INNER_FRACTION = 0.1
_MAX_SWEEPS = 200
# While the working set is still growing, its model is solved roughly.
_GROWING_FRACTION = 0.5
_GROWING_SWEEPS = 10
_ARMIJO_C = 1e-4
_ROUNDING_SLACK = 16 * np.finfo(float).eps


class _Columns:
    """Column access for the kernels: F-ordered dense columns or CSC.

    F-ordered dense X and CSC X are used as they are. A C-ordered array is
    read column-wise through a growing F-ordered store of the columns the
    working sets have touched. A CSR matrix gets a CSC store of the first
    working set's columns (scipy extracts them in about 20-40 ms on the
    50,000 x 20,000-100,000 benchmark matrices), and is converted whole
    (25-80 ms there) only if a later working set needs more.
    """

    def __init__(self, X):
        self.n, self.d = X.shape
        self.dense = not sp.issparse(X)
        self._source = None
        self._used = 0
        self._loads = 0
        self._pos = np.arange(self.d)
        if self.dense:
            self.data = np.empty(0, dtype=X.dtype)
            self.indices = np.empty(0, dtype=np.int32)
            self.indptr = np.zeros(1, dtype=np.int32)
            if X.flags.f_contiguous and not X.flags.c_contiguous:
                self.X = X
                return
            # Numba types an array that is both C- and F-contiguous as C: the
            # store is at least 2 columns wide to keep one compiled signature.
            self.X = np.empty((self.n, 2), dtype=X.dtype, order="F")
        else:
            self.X = np.empty((2, 2), dtype=X.dtype, order="F")  # placeholder, see above
            if X.format == "csc":
                csc = X if X.has_sorted_indices else X.sorted_indices()
                self.data, self.indices, self.indptr = csc.data, *_index_arrays(csc.indices, csc.indptr)
                return
            self.data = np.empty(0, dtype=X.dtype)
            self.indices = np.empty(0, dtype=np.int32)
            self.indptr = np.zeros(1, dtype=np.int32)
        self._source = X
        self._pos = np.full(self.d, -1, dtype=np.int64)

    def positions(self, columns: np.ndarray) -> np.ndarray:
        """Kernel column positions of feature columns (loading missing ones)."""
        if self._source is not None:
            missing = np.unique(columns[self._pos[columns] < 0])
            if missing.size:
                self._load(missing)
        return self._pos[columns]

    def _load(self, missing):
        used, need = self._used, self._used + missing.size
        if self.dense:
            if need > self.X.shape[1]:
                capacity = max(2, min(self.d, max(need, 2 * used)))
                grown = np.empty((self.n, capacity), dtype=self.X.dtype, order="F")
                grown[:, :used] = self.X[:, :used]
                self.X = grown
            self.X[:, used:need] = self._source[:, missing]
        elif self._loads >= 1:
            # A second load: converting the whole matrix costs about two
            # extractions (scipy scans every non-zero either way), and no
            # load follows it.
            csc = self._source.tocsc()
            csc.sort_indices()
            self.data, (self.indices, self.indptr) = csc.data, _index_arrays(csc.indices, csc.indptr)
            self._pos, self._source, self._used = np.arange(self.d), None, self.d
            return
        else:
            block = self._source[:, missing].tocsc()
            block.sort_indices()
            self.data = np.concatenate([self.data, block.data])
            indptr = np.concatenate([self.indptr[:-1], block.indptr + self.indptr[-1]])
            self.indices, self.indptr = _index_arrays(np.concatenate([self.indices, block.indices]), indptr)
        self._pos[missing] = np.arange(used, need)
        self._used = need
        self._loads += 1

    @property
    def kernel_args(self):
        return self.dense, self.X, self.data, self.indices, self.indptr

    def max_abs(self, pos, scale) -> np.ndarray:
        """max_i |x_ij| of each kernel column in ``pos`` (``scale`` for the intercept, -1)."""
        width = self.X.shape[1] if self.dense else len(self.indptr) - 1
        cache = getattr(self, "_max_abs", None)
        if cache is None or cache.size != width:
            grown = np.full(width, -1.0)
            if cache is not None:
                grown[: min(cache.size, width)] = cache[: min(cache.size, width)]
            self._max_abs = cache = grown
        out = np.full(pos.size, float(scale))
        on_column = pos >= 0
        cols = np.unique(pos[on_column])
        todo = cols[cache[cols] < 0]
        if todo.size:
            if self.dense:
                cache[todo] = np.abs(self.X[:, todo]).max(axis=0)
            else:
                for j in todo:  # a loop over new columns only, each a slice of data
                    seg = self.data[self.indptr[j] : self.indptr[j + 1]]
                    cache[j] = float(np.abs(seg).max()) if seg.size else 0.0
        out[on_column] = cache[pos[on_column]]
        return out

    def gradient(self, pos, rows, R, scale) -> np.ndarray:
        """Loss gradient of working-set coordinates from the residual R (n, K).

        Only the working set's columns are read, which is what makes a Newton
        iteration inside a working set cheaper than one over all of X.
        """
        cols = np.unique(pos[pos >= 0])
        out = np.empty(pos.size)
        if cols.size:
            if self.dense:
                # Loaded columns are consecutive: a prefix is a view, not a copy.
                sub = self.X[:, : cols.size] if cols[-1] == cols.size - 1 else self.X[:, cols]
            else:
                store = sp.csc_matrix((self.data, self.indices, self.indptr), shape=(self.n, len(self.indptr) - 1))
                sub = store[:, cols]
            products = np.asarray(sub.T @ R.astype(sub.dtype, copy=False), dtype=np.float64)
            on_column = pos >= 0
            out[on_column] = products[np.searchsorted(cols, pos[on_column]), rows[on_column]]
        intercept = pos < 0
        if intercept.any():
            out[intercept] = scale * R.sum(axis=0)[rows[intercept]]
        return out


def _index_arrays(indices, indptr):
    """int32 index arrays where they fit (one compiled kernel signature)."""
    small = indptr[-1] < np.iinfo(np.int32).max
    return indices.astype(np.int32, copy=False), indptr.astype(np.int32 if small else np.int64, copy=False)


def _model_weights(loss, prob):
    """(curvature weights, W, P) for the kernels, each of shape (K, n).

    The curvature of coordinate (k, j) is sum_i x_ij^2 w_i p_ik (1 - p_ik) in
    both models. Binary: W = those weights and P is empty (no cross terms).
    Multinomial: W = w_i p_ik and P = p_ik, for the exact Hessian.
    """
    if loss.multinomial:
        P = np.ascontiguousarray(prob.T)
        W = P * loss.w
        return W * (1.0 - P), W, P
    h = (loss.w * prob * (1.0 - prob))[None, :]
    return h, h, np.empty((0, loss.n_samples))


class _Model:
    """The proximal-Newton model on a working set, minimized by coordinate descent.

    Sweeps alternate as in glmnet: one over every coordinate, then sweeps over
    the non-zero ones only until they settle, then a full one again; the
    minimization stops when a full sweep changes no coordinate's model
    gradient by more than ``tol``. Within a run of sweeps over a fixed active
    set, the iterates are extrapolated every few sweeps by Anderson
    acceleration (Bertrand & Massias 2021, "Anderson acceleration of
    coordinate descent"), and the extrapolated point is kept only if it
    lowers the model.
    """

    memory = 5  # sweeps combined by one extrapolation
    # Largest change of the linear predictor one coordinate may cause in one
    # Newton step: where the loss has (numerically) no curvature left, e.g.
    # saturated probabilities under a weak penalty, the model's minimizer runs
    # off to ~1e30 and no line search can recover. The box keeps the model
    # bounded and never binds in ordinary steps.
    max_eta_change = 20.0

    def __init__(self, columns, pos, rows, coef, grad0, C, W, P, w, l1, l2, lo, hi, scale):
        self.columns, self.pos, self.rows = columns, pos, rows
        self.coef, self.start, self.grad0 = coef.copy(), coef.copy(), grad0
        self.C, self.W, self.P, self.w = C, W, P, w
        reach = self.max_eta_change / np.maximum(columns.max_abs(pos, scale), np.finfo(float).tiny)
        lo, hi = np.maximum(lo, coef - reach), np.minimum(hi, coef + reach)
        self.l1, self.l2, self.lo, self.hi, self.scale = l1, l2, lo, hi, scale
        self.Q = np.zeros(W.shape)
        self.S = np.zeros(W.shape[1])
        self.hjj = np.full(coef.size, -1.0)
        self.extrapolated = 0

    def _sweep(self, order):
        from .._kernels.cd import sweep

        return sweep(
            *self.columns.kernel_args, self.pos, self.rows, order, self.coef, self.grad0, self.hjj,
            self.C, self.W, self.P, self.l1, self.l2, self.lo, self.hi, self.Q, self.S, self.scale,
        )

    def value(self, coef, Q, S):
        """The model (up to its constant) at working-set coefficients ``coef``."""
        quadratic = float(np.sum(self.W * Q * Q))
        if self.P.shape[0]:
            quadratic -= float(np.sum(self.w * S * S))
        return (
            float(np.sum(self.grad0 * (coef - self.start)))
            + 0.5 * quadratic
            + float(np.sum(self.l1 * np.abs(coef)))
            + 0.5 * float(np.sum(self.l2 * coef * coef))
        )

    def minimize(self, tol, max_sweeps) -> int:
        every = np.arange(self.coef.size)
        order, full, history = every, True, []
        sweeps = 0
        while sweeps < max_sweeps:
            worst = self._sweep(order)
            sweeps += 1
            if full:
                if worst <= tol:
                    break
                order, full, history = np.flatnonzero(self.coef), False, []
                continue
            if worst <= tol:
                order, full = every, True
                continue
            history.append((self.coef[order].copy(), self.Q.copy(), self.S.copy()))
            if len(history) > self.memory:
                self._extrapolate(order, history)
                history = []
        return sweeps

    def _extrapolate(self, order, history):
        coefs = np.array([h[0] for h in history])
        steps = np.diff(coefs, axis=0)
        gram = steps @ steps.T
        gram += 1e-12 * max(np.trace(gram), np.finfo(float).tiny) * np.eye(gram.shape[0])
        try:
            z = np.linalg.solve(gram, np.ones(gram.shape[0]))
        except np.linalg.LinAlgError:
            return
        if not np.all(np.isfinite(z)) or z.sum() == 0:
            return
        a = z / z.sum()
        coef_active = a @ coefs[1:]
        if np.any(coef_active < self.lo[order]) or np.any(coef_active > self.hi[order]):
            return
        Q = sum(ai * h[1] for ai, h in zip(a, history[1:]))
        S = sum(ai * h[2] for ai, h in zip(a, history[1:]))
        trial = self.coef.copy()
        trial[order] = coef_active
        if self.value(trial, Q, S) < self.value(self.coef, self.Q, self.S):
            self.coef, self.Q, self.S = trial, Q, S
            self.extrapolated += 1


def _working_set(coef, violations, fixed):
    """(flat indices, complete): the support, always-free coordinates and the worst violators.

    ``complete`` is False when violators were left out for the budget.
    """
    support = coef != 0.0
    keep = support | fixed
    candidates = np.flatnonzero(~keep & (violations > 0.0))
    budget = max(_MIN_NEW_COORDS, 2 * int(np.count_nonzero(support)))
    complete = candidates.size <= budget
    if not complete:
        worst = np.argpartition(violations[candidates], -budget)[-budget:]
        candidates = candidates[worst]
    return np.union1d(np.flatnonzero(keep), candidates), complete


def _line_search(problem, coef, eta, step, direction_eta, objective, decrease):
    """Largest t in {1, 1/2, ...} with F(coef + t step) <= F + c t decrease."""
    loss, penalty = problem.loss, problem.penalty
    slack = _ROUNDING_SLACK * max(1.0, abs(objective))
    t = 1.0
    for _ in range(40):
        eta_t = eta + t * direction_eta
        trial = coef + t * step
        value = loss.value(eta_t) + penalty.value(trial)
        if np.isfinite(value) and value <= objective + _ARMIJO_C * t * decrease + slack:
            return t, trial, eta_t, value
        t *= 0.5
    return 0.0, coef, eta, objective


def _stop_threshold(problem, violations, tol):
    """Return (measure, threshold): the quantity compared with tol and its bound."""
    if problem.stopping == "liblinear":
        n_neg, n_pos = problem.class_counts
        n = n_neg + n_pos
        return float(np.sum(violations)), tol * max(min(n_pos, n_neg), 1) / n
    return (float(np.max(violations)) if violations.size else 0.0), tol


def solve(problem, coef0, *, tol, max_iter, verbose=0) -> SolverResult:
    """Rounds of: a full optimality check, then Newton iterations on a working set.

    Each round computes the loss gradient over all of X (the only full pass),
    stops if the optimality measure is within tol, and otherwise picks a
    working set and runs proximal Newton iterations on it, reading only its
    columns, until the working set's own optimality reaches the round's goal:
    half the stopping threshold when the set holds every violator (so that
    the next full check passes); while the set is still growing (violators
    were left out for its budget), one rough Newton step before widening it.
    """
    loss, penalty = problem.loss, problem.penalty
    K, p, d = loss.n_rows, loss.p, loss.n_features
    columns = _Columns(loss.X.X)
    coef = np.array(coef0, dtype=np.float64)
    eta = loss.eta(coef)
    lower = np.full(coef.size, -np.inf) if problem.lower is None else problem.lower
    upper = np.full(coef.size, np.inf) if problem.upper is None else problem.upper
    # Coordinates with no L1 weight are always in the working set: they are
    # generically non-zero, and the intercept among them is cheap. Those whose
    # bounds pin them (lower == upper, e.g. MNLogit's reference class) never are.
    pinned = lower == upper
    fixed = (penalty.l1 == 0.0) & ~pinned
    feature_of = np.tile(np.arange(p), K)
    row_of = np.repeat(np.arange(K), p)
    scale = loss.intercept_scaling
    reduce = np.sum if problem.stopping == "liblinear" else np.max
    first_measure = None
    n_iter, converged, message = 0, False, "maximum number of iterations reached"
    while True:
        value, resid, prob = loss.value_and_residual(eta)
        loss_grad = loss.gradient_from_residual(resid)
        objective = value + penalty.value(coef)
        violations = problem.violations(coef, loss_grad + penalty.gradient(coef))
        optimality = float(np.max(violations)) if violations.size else 0.0
        measure, threshold = _stop_threshold(problem, violations, tol)
        if problem.stopping == "liblinear":
            first_measure = measure if first_measure is None else first_measure
            threshold *= first_measure
        if verbose:
            print(
                f"newton-cd iter {n_iter:3d}  objective {objective:.12g}  optimality {optimality:.3e}  "
                f"non-zeros {np.count_nonzero(coef)}"
            )
        if measure <= threshold:
            converged, message = True, "optimality within tol"
            break
        if n_iter >= max_iter:
            break
        ws, complete = _working_set(coef, np.where(pinned, 0.0, violations), fixed)
        feature = feature_of[ws]
        pos = np.full(ws.size, -1, dtype=np.int64)
        is_column = feature < d
        pos[is_column] = columns.positions(feature[is_column])
        rows = row_of[ws].astype(np.int64)
        bounds = (None, None) if not problem.has_bounds else (lower[ws], upper[ws])
        l1_ws = None if penalty.smooth else penalty.l1[ws]
        goal = 0.5 * threshold
        grad_ws, ws_optimality = loss_grad[ws], optimality
        stop = False
        while True:
            curvature_weights, W, P = _model_weights(loss, prob)
            model = _Model(
                columns, pos, rows, coef[ws], grad_ws, curvature_weights, W, P, loss.w,
                penalty.l1[ws], penalty.l2[ws], lower[ws], upper[ws], scale,
            )
            if complete:
                sweeps = model.minimize(max(_INNER_FRACTION * ws_optimality, 0.1 * tol), _MAX_SWEEPS)
            else:  # the set grows at the next round: a rough step is enough
                sweeps = model.minimize(_GROWING_FRACTION * ws_optimality, _GROWING_SWEEPS)
            if verbose:
                print(f"    working set {ws.size}: {sweeps} sweeps, {model.extrapolated} extrapolated", end="")
            step_ws = model.coef - coef[ws]
            n_iter += 1
            if not step_ws.any():
                message, stop = "the coordinate-descent step is zero (numerical precision reached)", True
                break
            step = np.zeros_like(coef)
            step[ws] = step_ws
            direction_eta = model.Q.T if loss.multinomial else model.Q[0]
            decrease = float(np.sum(grad_ws * step_ws)) + penalty.value(coef + step) - penalty.value(coef)
            t, coef, eta, objective = _line_search(
                problem, coef, eta, step, direction_eta, objective, min(decrease, 0.0)
            )
            if verbose:
                print(f", step {t:g}")
            if t == 0.0:
                message, stop = "line search could not decrease the objective (numerical precision reached)", True
                break
            if n_iter >= max_iter or not complete:
                break  # a growing set: one rough step, then widen it
            value, resid, prob = loss.value_and_residual(eta)
            grad_ws = columns.gradient(pos, rows, resid.reshape(loss.n_samples, -1), scale)
            coef_ws = coef[ws]
            ws_violations = violation_vector(coef_ws, grad_ws + penalty.l2[ws] * coef_ws, *bounds, l1_ws)
            ws_optimality = float(np.max(ws_violations))
            if float(reduce(ws_violations)) <= goal:
                break
        if stop:
            value, resid, _ = loss.value_and_residual(eta)
            objective = value + penalty.value(coef)
            optimality = problem.optimality(coef, loss.gradient_from_residual(resid) + penalty.gradient(coef))
            break
    coef = problem.center_free_columns(coef)
    return SolverResult(coef, n_iter, converged, optimality, objective, "newton-cd", message)


register(
    SolverSpec(
        "newton-cd",
        solve,
        bounds=True,
        l1=True,
        columns=True,
        description="proximal Newton with coordinate descent on working sets (numba kernels)",
    )
)

"""SAG and SAGA: stochastic average gradient methods, one row per step.

Both keep, for every row, the residual ``dloss/deta`` last computed for it and
the weighted mean of the gradients these residuals stand for; each step
refreshes one row's residual and moves the coefficients along the mean,
corrected by the change of that row's gradient (SAGA: Defazio, Bach &
Lacoste-Julien 2014, unbiased, handles the L1 term and bounds by a proximal
step; SAG: Schmidt, Le Roux & Bach 2017, the updated mean, smooth penalties
here). The compiled epochs are in ``logreg._kernels.saga``; see there for the
exact just-in-time updates on sparse rows.

Choices:

- **Sample order** (seeded with 0: fits are deterministic): SAGA visits
  every row of positive weight once per epoch, in a fresh random permutation
  (random reshuffling): on a 20000 x 200 dense problem it was 1e-10 from
  the optimum after 12 epochs, sampling with replacement (scikit-learn's
  choice) 1e-6. SAG samples with
  replacement: with reshuffling its biased step oscillated and failed to
  converge on a 20000 x 200 dense problem.
- **Memory**: the remembered residuals start at zero, so the first epoch is
  SGD-like (starting from the exact residuals at coef0 cost ~1.5 epochs).
  The running mean is updated incrementally, never recomputed: its rounding
  drift is a random walk of ~1e-16 per update, far below any usable tol.
- **Step size**: with m rows of positive weight, the objective is the mean
  over those rows of ``m w_i loss_i`` plus the penalty, and the gradient of
  ``m w_i loss_i`` is Lipschitz with ``L_i = c m w_i (||x_i||^2 + s^2)``
  (``c = 1/4`` for the sigmoid; ``1/2`` for the softmax, the largest
  eigenvalue of diag(p) - pp'; ``s`` the intercept scaling, if any). With
  ``L = max_i L_i`` and ``mu`` the largest L2 weight: SAGA takes
  ``1 / (2 L + min(2 m mu, L))``, SAG ``1 / (L + mu)`` (scikit-learn's rules,
  for this mean-scaled objective).
- **Stopping**: one exact pass over X (as every solver's) gives the
  gradient and ``Problem.optimality``; it runs after every epoch until the
  contraction per epoch is known, then after half the predicted remaining
  epochs (at most 5), so ``n_iter`` may exceed the first epoch at which the
  measure was below tol by a few epochs (the running mean of the
  memory is not reset from it: resetting it every epoch, SVRG-like, measured
  much slower). ``Problem.stopping`` is ignored: liblinear's rule belongs to
  the liblinear front-end.
- **Multinomial**: the softmax is unchanged when a column's coefficients all
  move by the same amount, so after each epoch every penalized column is
  shifted to where its penalty is least (exactly, ``recenter_columns``):
  SAGA alone creeps along that direction at the pace of the L2 weight only.
- **Inputs**: dense X is read as it is (C or F order; F order makes each row
  a strided read, slower but no copy); float32 stays float32 (arithmetic in
  float64). CSC is converted to CSR once (a copy of the non-zeros), and a
  CSR with duplicate or unsorted indices is canonicalized (a copy).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..core.result import SolverResult
from .base import SolverSpec, register

# Entries (8 bytes each, two tables) allowed for the lazy-update tables. With
# many distinct L2 weights (per-feature penalty factors) the tables get one
# row per distinct value and the kernel flushes the features more often than
# once per epoch to keep them short.
_TABLE_ENTRIES = 2**22
# Most epochs run between two optimality checks (see _epochs_to_next_check).
_MAX_CHECK_GAP = 5


def _csr_for_rows(X):
    """X as a canonical CSR matrix (rows contiguous, each index once)."""
    if X.format != "csr":
        X = X.tocsr()  # CSC: one conversion per solve
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    return X


def _step_size(row_sq, w, rows, multinomial, intercept_scale, mu, saga):
    """The constant step (see the module docstring's derivation)."""
    m = rows.size
    curvature = 0.5 if multinomial else 0.25
    L = curvature * m * float(np.max(w[rows] * (row_sq[rows] + intercept_scale**2)))
    if not L > 0.0:
        L = 1.0  # X and the intercept are all zero: any step is exact
    if saga:
        return 1.0 / (2.0 * L + min(2.0 * m * mu, L))
    return 1.0 / (L + mu)


def _tables(l2, gamma, window):
    """Group index per coefficient (by distinct l2 value) and the tables
    ``T[g, j] = (rho^j, gamma * sum_{i=1..j} rho^i)``, rho = 1 / (1 + gamma * l2_g)."""
    values, group = np.unique(l2, return_inverse=True)
    j = np.arange(window + 1, dtype=np.float64)
    T = np.empty((values.size, window + 1, 2))
    for g, mu in enumerate(values):
        if mu == 0.0:
            T[g, :, 0] = 1.0
            T[g, :, 1] = gamma * j
        else:
            # closed forms (accurate for any j; a running product would drift)
            log_rho = -np.log1p(gamma * mu)
            T[g, :, 0] = np.exp(j * log_rho)
            T[g, :, 1] = -np.expm1(j * log_rho) / mu  # = gamma rho (1 - rho^j) / (1 - rho)
    return group.reshape(l2.shape).astype(np.int64), T


def _epochs_to_next_check(optimality, previous, tol):
    """Epochs to run before the next check (each check is a pass over X).

    From the per-epoch contraction seen since the previous check, the epochs
    still needed are predicted and half of them run unchecked (at most
    ``_MAX_CHECK_GAP``), so a fit spends O(log) checks on its linear
    convergence instead of one per epoch, and overshoots its first epoch at
    tol only when the contraction suddenly slows.
    """
    if previous is None or not optimality < previous[0] or not tol > 0:
        return 1
    rate = (optimality / previous[0]) ** (1.0 / previous[1])
    needed = np.log(tol / optimality) / np.log(rate)
    return int(min(max(needed // 2, 1), _MAX_CHECK_GAP))


def _solve(problem, coef0, tol, max_iter, verbose, saga):
    from .._kernels import saga as kernels  # lazily: importing logreg compiles nothing

    name = "saga" if saga else "sag"
    loss, penalty = problem.loss, problem.penalty
    R, p, d, n = loss.n_rows, loss.p, loss.n_features, loss.n_samples
    shape = (R, p)
    lo = np.full(shape, -np.inf) if problem.lower is None else np.asarray(problem.lower, float).reshape(shape)
    hi = np.full(shape, np.inf) if problem.upper is None else np.asarray(problem.upper, float).reshape(shape)
    coef = np.clip(np.asarray(coef0, dtype=np.float64), lo.ravel(), hi.ravel())
    C = coef.reshape(shape)  # a view: the kernels update coef in place
    l1 = penalty.l1.reshape(shape).copy() if saga else np.zeros(shape)
    l2 = penalty.l2.reshape(shape)
    s = loss.intercept_scaling if loss.fit_intercept else 0.0
    w = loss.w
    rows = np.flatnonzero(w > 0).astype(np.int64)
    y = np.asarray(loss.y, dtype=np.float64)
    has_offset = loss.offset is not None
    offset = loss.offset.reshape(n, R) if has_offset else np.zeros((1, R))
    multinomial = loss.multinomial

    X = loss.X.X
    sparse = sp.issparse(X)
    if sparse:
        X = _csr_for_rows(X)
        row_sq = kernels.row_sq_norms_csr(X.data, X.indptr, n)
    else:
        row_sq = kernels.row_sq_norms_dense(X)
    mu = float(np.max(l2)) if l2.size else 0.0
    gamma = _step_size(row_sq, w, rows, multinomial, s, mu, saga)
    scale = float(rows.size) if saga else 1.0
    n_groups = np.unique(l2).size
    window = max(1, min(rows.size, _TABLE_ENTRIES // (2 * n_groups)))
    group, T = _tables(l2, gamma, window if sparse else 1)
    if sparse:
        # feature-major copies for the kernel (see csr_epoch)
        par = np.ascontiguousarray(np.stack([l1, lo, hi], axis=-1).transpose(1, 0, 2))
        group_t = np.ascontiguousarray(group.T)
        has_l1 = bool(np.any(l1[:, :d]))
        last = np.zeros(d, dtype=np.int64)
    else:
        rho = T[group, 1, 0]
    rng = np.random.default_rng(0)
    # The memory starts at zero (A = 0, its mean, consistently): SAGA's first
    # epoch is then SGD-like and fast; starting from the exact residuals at
    # coef0 cost about 1.5 epochs (dense, 20000 x 200).
    mem = np.zeros((n, R))
    A = np.zeros((p, R) if sparse else shape)  # feature-major for the CSR kernel

    n_iter = 0
    converged = False
    message = "maximum number of epochs reached"
    previous = None  # (optimality, epochs since) at the previous check
    while True:
        # the check: one exact pass for the objective and the gradient
        objective, grad = problem.objective_gradient(coef)
        optimality = problem.optimality(coef, grad)
        if verbose:
            print(f"{name} epoch {n_iter:4d}  objective {objective:.12g}  optimality {optimality:.3e}")
        if optimality <= tol:
            converged, message = True, "optimality within tol"
            break
        if not np.isfinite(objective):
            message = "the iterates diverged (non-finite objective)"
            break
        if n_iter >= max_iter:
            break
        gap = min(_epochs_to_next_check(optimality, previous, tol), max_iter - n_iter)
        previous = (optimality, gap)
        for _ in range(gap):
            if saga:
                order = rows[rng.permutation(rows.size)]
            else:
                order = rows[rng.integers(0, rows.size, rows.size)]
            if sparse:
                CT = np.ascontiguousarray(C.T)
                kernels.csr_epoch(X.data, X.indices, X.indptr, d, y, w, offset, has_offset, order, CT, A, mem,
                                  par, group_t, T, gamma, scale, s, multinomial, last, has_l1)
                C[:] = CT.T
            else:
                kernels.dense_epoch(X, y, w, offset, has_offset, order, C, A, mem, l1, rho, lo, hi,
                                    gamma, scale, s, multinomial)
            if multinomial:
                kernels.recenter_columns(C, l1, l2, lo, hi)
            n_iter += 1
    # unpenalized multinomial columns (the intercepts) are defined up to a
    # constant: report the centered ones, as the other solvers do
    return SolverResult(problem.center_free_columns(coef), n_iter, converged, optimality, objective, name, message)


def solve_saga(problem, coef0, *, tol, max_iter, verbose=0) -> SolverResult:
    """SAGA (proximal): any penalty, L1 and elastic-net included, and box bounds.

    ``max_iter`` counts epochs (passes over the rows); the optimality measure
    is checked after each.
    """
    return _solve(problem, coef0, tol, max_iter, verbose, saga=True)


def solve_sag(problem, coef0, *, tol, max_iter, verbose=0) -> SolverResult:
    """SAG: smooth (L2 or no) penalties, with box bounds (projected steps).

    ``max_iter`` counts epochs; the optimality measure is checked after each.
    """
    return _solve(problem, coef0, tol, max_iter, verbose, saga=False)


register(
    SolverSpec(
        "saga",
        solve_saga,
        bounds=True,
        l1=True,
        columns=True,
        description="SAGA: incremental proximal stochastic average gradient (numba epochs)",
    )
)
register(
    SolverSpec(
        "sag",
        solve_sag,
        bounds=True,
        l1=False,
        columns=True,
        description="SAG: stochastic average gradient, smooth penalties (numba epochs)",
    )
)

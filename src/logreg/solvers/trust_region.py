"""Trust-region Newton-CG ("newton-cg"): Newton steps from Hessian-vector products.

The method is that of Lin, Weng & Keerthi (2008), "Trust region Newton method
for large-scale logistic regression" (JMLR 9), which liblinear implements: each
outer step solves the Newton system by conjugate gradients, truncated at 10 %
relative residual or at the trust-region boundary; the radius adapts to the
ratio of actual to predicted decrease. No Hessian is formed, so it suits sparse
X and many coefficients.

On dense X with a moderate number of coefficients per class, CG is
preconditioned by the block-diagonal part of the Hessian estimated on a
random subset of rows, with the trust region measured in that
preconditioner's norm (as in Hsia, Chiang & Lin 2018, "Preconditioned
conjugate gradient methods in truncated Newton frameworks for large-scale
linear classification", ACML); it cuts the Hessian products per step
several-fold on correlated features.

Because it is liblinear's own method, running it with liblinear's stopping
rule (``Problem.stopping == "liblinear"``) reproduces liblinear's iterates and
so its printed coefficients, which the tutorial relies on.
"""

from __future__ import annotations

import numpy as np

from scipy.linalg import LinAlgError, cho_factor, cho_solve

from ..backends import is_sparse_backend
from ..core.result import SolverResult
from .base import MAX_DENSE_HESSIAN_COEF, SolverSpec, register
from .line_search import add_curvature_on_flat_directions

# Acceptance thresholds on actual/predicted reduction, and radius update factors.
_ETA0, _ETA1, _ETA2 = 1e-4, 0.25, 0.75
_SIGMA1, _SIGMA2, _SIGMA3 = 0.25, 0.5, 4.0
# Relative size below which a change of f is rounding noise.
_RESOLUTION = 1e3 * np.finfo(float).eps
# Rows for the preconditioner's Hessian blocks: a preconditioner only needs to
# be roughly right, so a few thousand rows do (its cost is then a few passes).
_PRECONDITIONER_ROWS_PER_COEF = 16
_PRECONDITIONER_MIN_ROWS = 4096
# Up to this many classes the preconditioner is the whole multinomial Hessian.
_FULL_PRECONDITIONER_MAX_CLASSES = 4


class _Identity:
    """The trivial preconditioner: plain CG in the Euclidean norm (liblinear's)."""

    @staticmethod
    def solve(r):
        return r

    @staticmethod
    def multiply(v):
        return v


def _truncated_cg(hess_product, grad, radius, precond=_Identity, forcing=0.1):
    """Approximately solve H s = -g inside ||s||_M <= radius, by preconditioned CG.

    Steihaug's method in the norm of the preconditioner M (Euclidean when M is
    the identity, which is liblinear's method operation for operation). CG
    stops when the residual's M^-1-norm falls below ``forcing`` times the
    gradient's, or at the boundary. Returns the step s, the residual
    r = -g - H s and the number of Hessian products.
    """
    step = np.zeros_like(grad)
    resid = -grad
    z = precond.solve(resid)
    direction = z.copy()
    rz = resid @ z
    cg_tol = forcing * np.sqrt(rz)
    n_cg = 0
    while np.sqrt(rz) > cg_tol:
        n_cg += 1
        hd = hess_product(direction)
        curvature = direction @ hd
        if curvature <= 0:
            break  # not expected for a convex objective; stop at the current step
        alpha = rz / curvature
        trial = step + alpha * direction
        if np.sqrt(trial @ precond.multiply(trial)) > radius:
            # Walk along the direction to the boundary: the positive root of
            # ||step + tau d||_M = radius, in the cancellation-free form.
            m_dir = precond.multiply(direction)
            sd, ss, dd = step @ m_dir, step @ precond.multiply(step), direction @ m_dir
            gap = radius * radius - ss
            root = np.sqrt(sd * sd + dd * gap)
            tau = gap / (sd + root) if sd >= 0 else (root - sd) / dd
            step = step + tau * direction
            resid = resid - tau * hd
            break
        step = trial
        resid = resid - alpha * hd
        z = precond.solve(resid)
        rz_new = resid @ z
        direction = z + (rz_new / rz) * direction
        rz = rz_new
    return step, resid, n_cg


class _BlockPreconditioner:
    """M = block-diagonal part of the Hessian (one block per class), factored.

    The blocks come from a random subset of rows (``LogisticLoss.hessian_blocks``)
    plus the penalty's diagonal. For a binary model the one block is the whole
    Hessian estimate, so CG needs one or two products per Newton step; for a
    multinomial model with many classes it captures the correlation of the
    features within each class, which is what makes plain CG slow on real
    data; with few classes, the one block is the whole multinomial Hessian.
    """

    def __init__(self, blocks, penalty_diag):
        self.factors = []
        self.blocks = blocks
        for k, block in enumerate(blocks):
            block = block + np.diag(penalty_diag[k])
            ridge = 1e-10 * max(np.trace(block) / block.shape[0], np.finfo(float).tiny)
            block[np.diag_indices_from(block)] += ridge
            self.blocks[k] = block
            self.factors.append(cho_factor(block, lower=False, check_finite=False))

    def solve(self, r):
        R = r.reshape(len(self.factors), -1)
        return np.concatenate([cho_solve(f, R[k], check_finite=False) for k, f in enumerate(self.factors)])

    def multiply(self, v):
        V = v.reshape(len(self.blocks), -1)
        return np.concatenate([self.blocks[k] @ V[k] for k in range(len(self.blocks))])


def _preconditioner(problem, prob, rows):
    """The block preconditioner where it is cheap, else the identity.

    Building it costs about m * p^2 * K flops for m rows, a Hessian product
    about 4 n p K: it is used only when the build costs at most about two
    products (large n), since on small problems CG's products are cheaper
    than any preconditioner.
    """
    loss = problem.loss
    m = loss.n_samples if rows is None else rows.size
    if (
        problem.stopping == "liblinear"
        or is_sparse_backend(loss.X)
        or loss.p > MAX_DENSE_HESSIAN_COEF
        or m * loss.p > 4 * loss.n_samples
    ):
        return _Identity
    if loss.multinomial and loss.n_classes <= _FULL_PRECONDITIONER_MAX_CLASSES:
        # With few classes the coupling between classes (-p_k p_l) is as
        # large as the blocks themselves: precondition with the whole
        # (sub-sampled) Hessian instead.
        full = loss.hessian(None, prob, rows=rows)
        penalty_diag = problem.penalty.hessian_diag()
        full[np.diag_indices_from(full)] += penalty_diag
        add_curvature_on_flat_directions(full, loss.flat_directions_without_curvature(penalty_diag[: loss.p] > 0))
        blocks, diag = full[None], np.zeros((1, full.shape[0]))
    else:
        blocks = loss.hessian_blocks(prob, rows=rows)
        diag = problem.penalty.hessian_diag().reshape(loss.n_rows, loss.p)
    try:
        return _BlockPreconditioner(blocks, diag)
    except LinAlgError:
        return _Identity


def _preconditioner_rows(n_samples, n_per_row):
    """A fixed random subset of rows for the preconditioner (None: all rows)."""
    size = max(_PRECONDITIONER_ROWS_PER_COEF * n_per_row, _PRECONDITIONER_MIN_ROWS)
    if 2 * size >= n_samples:
        return None
    return np.sort(np.random.default_rng(0).choice(n_samples, size, replace=False))


def solve(problem, coef0, *, tol, max_iter, verbose=0) -> SolverResult:
    loss, penalty = problem.loss, problem.penalty
    liblinear_rule = problem.stopping == "liblinear"
    coef = np.array(coef0, dtype=np.float64)
    diag = penalty.hessian_diag()

    def evaluate(c):
        # Only the probabilities are kept: the Hessian products need nothing
        # else, and each (n, K) array dropped lowers the peak memory.
        value, resid, prob = loss.value_and_residual(loss.eta(c))
        grad = loss.gradient_from_residual(resid) + penalty.gradient(c)
        return value + penalty.value(c), grad, prob

    f, grad, prob = evaluate(coef)
    gnorm0 = np.linalg.norm(grad)
    rows = _preconditioner_rows(loss.n_samples, loss.p)
    precond = _preconditioner(problem, prob, rows)
    radius = problem.radius_scale * np.sqrt(grad @ precond.solve(grad))
    if liblinear_rule:
        n_neg, n_pos = problem.class_counts
        eps = tol * max(min(n_pos, n_neg), 1) / loss.n_samples

    def done(g):
        if liblinear_rule:
            return np.linalg.norm(g) <= eps * gnorm0
        return problem.optimality(coef, g) <= tol

    converged = done(grad)
    message = "optimality within tol" if converged else "maximum number of iterations reached"
    n_iter = 0
    while not converged and n_iter < max_iter:
        loss_hv = loss.hessian_operator(None, prob)

        def hess_product(v):
            return loss_hv(v) + diag * v

        step, resid, n_cg = _truncated_cg(hess_product, grad, radius, precond)
        g_dot_s = grad @ step
        predicted = -0.5 * (g_dot_s - step @ resid)
        f_new, grad_new, prob_new = evaluate(coef + step)
        actual = f - f_new
        step_norm = np.sqrt(step @ precond.multiply(step))
        if n_iter == 0 and radius > step_norm:
            radius = step_norm
        curvature_gap = f_new - f - g_dot_s
        alpha = _SIGMA3 if curvature_gap <= 0 else max(_SIGMA1, -0.5 * g_dot_s / curvature_gap)
        if actual < _ETA0 * predicted:
            radius = min(max(alpha, _SIGMA1) * step_norm, _SIGMA2 * radius)
        elif actual < _ETA1 * predicted:
            radius = max(_SIGMA1 * radius, min(alpha * step_norm, _SIGMA2 * radius))
        elif actual < _ETA2 * predicted:
            radius = max(_SIGMA1 * radius, min(alpha * step_norm, _SIGMA3 * radius))
        else:
            radius = max(radius, min(alpha * step_norm, _SIGMA3 * radius))
        if verbose:
            print(
                f"newton-cg iter {n_iter + 1:3d}  objective {f:.10g}  actual {actual:.3e} "
                f"predicted {predicted:.3e}  radius {radius:.3e}  cg {n_cg}"
            )
        # Near the optimum the true decrease falls below float64 resolution of
        # f; liblinear then stops, but the gradient still knows the way, so in
        # "optimality" mode a step is also accepted when it shrinks the gradient.
        unresolvable = abs(actual) <= _RESOLUTION * abs(f) and predicted <= _RESOLUTION * abs(f)
        accept = actual > _ETA0 * predicted
        if not liblinear_rule and unresolvable and not accept:
            accept = np.linalg.norm(grad_new) < np.linalg.norm(grad)
            if not accept:
                message = "no further decrease possible (numerical precision reached)"
                break
        if accept:
            n_iter += 1
            coef = coef + step
            f, grad, prob = f_new, grad_new, prob_new
            if precond is not _Identity:
                precond = _preconditioner(problem, prob, rows)
            if done(grad):
                converged, message = True, "optimality within tol"
                break
        if actual <= 0 and predicted <= 0:
            message = "no further decrease possible (numerical precision reached)"
            break
        if liblinear_rule and abs(actual) <= 1e-12 * abs(f) and abs(predicted) <= 1e-12 * abs(f):
            # liblinear ends here normally (only max_iter counts as failure).
            converged, message = True, "reductions below relative precision 1e-12 (liblinear's rule)"
            break
        if radius <= _RESOLUTION * (1.0 + np.linalg.norm(coef)):
            message = "trust region collapsed (numerical precision reached)"
            break
    optimality = problem.optimality(coef, grad)
    if not liblinear_rule:
        converged = optimality <= tol
    return SolverResult(coef, n_iter, converged, optimality, f, "newton-cg", message)


register(
    SolverSpec(
        "newton-cg",
        solve,
        description="trust-region Newton with truncated conjugate gradients (liblinear's TRON)",
    )
)

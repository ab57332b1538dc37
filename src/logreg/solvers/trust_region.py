"""Trust-region Newton-CG ("newton-cg"): Newton steps from Hessian-vector products.

The method is that of Lin, Weng & Keerthi (2008), "Trust region Newton method
for large-scale logistic regression" (JMLR 9), which liblinear implements: each
outer step solves the Newton system by conjugate gradients, truncated at 10 %
relative residual or at the trust-region boundary; the radius adapts to the
ratio of actual to predicted decrease. No Hessian is formed, so it suits sparse
X and many coefficients.

Because it is liblinear's own method, running it with liblinear's stopping
rule (``Problem.stopping == "liblinear"``) reproduces liblinear's iterates and
so its printed coefficients, which the tutorial relies on.
"""

from __future__ import annotations

import numpy as np

from ..core.result import SolverResult
from .base import SolverSpec, register

# Acceptance thresholds on actual/predicted reduction, and radius update factors.
_ETA0, _ETA1, _ETA2 = 1e-4, 0.25, 0.75
_SIGMA1, _SIGMA2, _SIGMA3 = 0.25, 0.5, 4.0
# Relative size below which a change of f is rounding noise.
_RESOLUTION = 1e3 * np.finfo(float).eps


def _truncated_cg(hess_product, grad, radius):
    """Approximately solve H s = -g inside ||s|| <= radius.

    Returns the step s and the final residual r = -g - H s.
    """
    step = np.zeros_like(grad)
    resid = -grad
    direction = resid.copy()
    cg_tol = 0.1 * np.linalg.norm(grad)
    rr = resid @ resid
    n_cg = 0
    while np.sqrt(rr) > cg_tol:
        n_cg += 1
        hd = hess_product(direction)
        curvature = direction @ hd
        if curvature <= 0:
            break  # not expected for a convex objective; stop at the current step
        alpha = rr / curvature
        trial = step + alpha * direction
        if np.linalg.norm(trial) > radius:
            # Walk along the direction to the boundary: the positive root of
            # ||step + tau d|| = radius, in the cancellation-free form.
            sd, ss, dd = step @ direction, step @ step, direction @ direction
            gap = radius * radius - ss
            root = np.sqrt(sd * sd + dd * gap)
            tau = gap / (sd + root) if sd >= 0 else (root - sd) / dd
            step = step + tau * direction
            resid = resid - tau * hd
            break
        step = trial
        resid = resid - alpha * hd
        rr_new = resid @ resid
        direction = resid + (rr_new / rr) * direction
        rr = rr_new
    return step, resid, n_cg


def solve(problem, coef0, *, tol, max_iter, verbose=0) -> SolverResult:
    loss, penalty = problem.loss, problem.penalty
    liblinear_rule = problem.stopping == "liblinear"
    coef = np.array(coef0, dtype=np.float64)
    diag = penalty.hessian_diag()

    def evaluate(c):
        eta = loss.eta(c)
        value, resid, prob = loss.value_and_residual(eta)
        grad = loss.gradient_from_residual(resid) + penalty.gradient(c)
        return value + penalty.value(c), grad, eta, prob

    f, grad, eta, prob = evaluate(coef)
    gnorm0 = np.linalg.norm(grad)
    radius = problem.radius_scale * gnorm0
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
        loss_hv = loss.hessian_operator(eta, prob)

        def hess_product(v):
            return loss_hv(v) + diag * v

        step, resid, n_cg = _truncated_cg(hess_product, grad, radius)
        g_dot_s = grad @ step
        predicted = -0.5 * (g_dot_s - step @ resid)
        f_new, grad_new, eta_new, prob_new = evaluate(coef + step)
        actual = f - f_new
        step_norm = np.linalg.norm(step)
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
            f, grad, eta, prob = f_new, grad_new, eta_new, prob_new
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

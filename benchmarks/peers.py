"""The solvers being compared ("peers"), behind one small interface.

``logreg`` is just another peer: if it cannot be imported its rows are
reported as skipped with the import error, and everything else still runs.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent

# Solvers that form a dense Hessian of p = K*(d+1) parameters (K = 1 for
# binary) need p^2 memory and O(p^3) time per iteration.  Above this size
# (sparse-text: p = 20001, a 3.2 GB Hessian) they are skipped unless
# --force is given, because one fit would take longer than a whole run.
MAX_DENSE_HESSIAN_PARAMS = 5_000


@dataclass(frozen=True)
class FitOutput:
    coef: np.ndarray
    intercept: np.ndarray
    n_iter: int | None


@dataclass(frozen=True)
class Peer:
    """One (library, solver) combination.

    objective: the objective the solver minimises ("l2" or "liblinear", see
        objectives.py); suboptimality and speed-ups only compare fits that
        minimise the same objective.
    binary_only: cannot fit multinomial problems.
    dense_hessian: forms a dense K(d+1) x K(d+1) Hessian (see above).
    """

    name: str
    library: str
    solver: str
    objective: str = "l2"
    binary_only: bool = False
    dense_hessian: bool = False

    def skip_reason(self, meta: dict, kind: str, force: bool = False):
        """Why this peer does not run on a problem, or None."""
        if self.binary_only and kind != "binary":
            return f"{self.name} supports binary problems only"
        if self.dense_hessian and not force:
            n_classes = len(meta["classes"])
            k = 1 if n_classes == 2 else n_classes
            p = k * (meta["shape"][1] + 1)
            if p > MAX_DENSE_HESSIAN_PARAMS:
                return (f"dense {p}x{p} Hessian ({p * p * 8 / 1e9:.1f} GB, "
                        f"O(p^3) factorisation); use --force to run anyway")
        return None

    def fit(self, X, y, *, C: float, tol: float, max_iter: int) -> FitOutput:
        return _FITTERS[self.library](self, X, y, C=C, tol=tol, max_iter=max_iter)


def _n_iter(model):
    it = getattr(model, "n_iter_", None)
    return None if it is None else int(np.max(it))


def _fit_sklearn(peer, X, y, *, C, tol, max_iter):
    from sklearn.linear_model import LogisticRegression

    # scikit-learn 1.9 deprecates `penalty`; the defaults (l1_ratio=0) mean
    # L2, and multiclass problems are fitted multinomially.
    model = LogisticRegression(C=C, solver=peer.solver, tol=tol,
                               max_iter=max_iter).fit(X, y)
    return FitOutput(model.coef_, model.intercept_, _n_iter(model))


def _fit_glum(peer, X, y, *, C, tol, max_iter):
    from glum import GeneralizedLinearRegressor

    # glum minimises  sum_i s_i deviance_i / (2 sum_i s_i) + alpha/2 ||w||^2
    # and the binomial deviance is 2 * logloss, so with unit weights this is
    # mean logloss + alpha/2 ||w||^2: alpha = 1/(C n) gives the "l2"
    # objective.  gradient_tol is max|gradient| of that objective, the same
    # scale as scikit-learn's tol for lbfgs / newton-cholesky.
    n = X.shape[0]
    model = GeneralizedLinearRegressor(
        family="binomial", alpha=1.0 / (C * n), l1_ratio=0.0,
        solver=peer.solver, gradient_tol=tol, max_iter=max_iter,
        fit_intercept=True,
    ).fit(X, np.asarray(y, dtype=np.float64))
    return FitOutput(model.coef_, model.intercept_, _n_iter(model))


def _fit_logreg(peer, X, y, *, C, tol, max_iter):
    LogisticRegression = import_logreg().LogisticRegression
    model = LogisticRegression(C=C, solver=peer.solver, tol=tol,
                               max_iter=max_iter, fit_intercept=True).fit(X, y)
    return FitOutput(np.asarray(model.coef_), np.asarray(model.intercept_),
                     _n_iter(model))


_FITTERS = {"sklearn": _fit_sklearn, "glum": _fit_glum, "logreg": _fit_logreg}


def import_logreg():
    """Import logreg: installed package first, else the repo's src/ layout.

    Falling back to src/ lets the harness run before the package is
    installed into the virtualenv; ``logreg.__file__`` is reported so it is
    always clear which copy was benchmarked.
    """
    try:
        return importlib.import_module("logreg")
    except ImportError:
        src = str(REPO_ROOT / "src")
        if not (REPO_ROOT / "src" / "logreg").is_dir() or src in sys.path:
            raise
        sys.path.insert(0, src)
        return importlib.import_module("logreg")


def library_status(library: str):
    """(version, location) of an importable library, or raise ImportError."""
    if library == "logreg":
        mod = import_logreg()
        # Also check the public API the harness uses.
        mod.LogisticRegression  # noqa: B018
    else:
        mod = importlib.import_module({"sklearn": "sklearn", "glum": "glum"}[library])
    return getattr(mod, "__version__", "?"), getattr(mod, "__file__", "?")


PEERS = {p.name: p for p in [
    Peer("sklearn-lbfgs", "sklearn", "lbfgs"),
    Peer("sklearn-newton-cholesky", "sklearn", "newton-cholesky", dense_hessian=True),
    Peer("sklearn-newton-cg", "sklearn", "newton-cg"),
    Peer("sklearn-liblinear", "sklearn", "liblinear", objective="liblinear",
         binary_only=True),
    Peer("glum-irls-ls", "glum", "irls-ls", binary_only=True, dense_hessian=True),
    Peer("glum-lbfgs", "glum", "lbfgs", binary_only=True),
    Peer("logreg-auto", "logreg", "auto"),
    Peer("logreg-lbfgs", "logreg", "lbfgs"),
    Peer("logreg-newton-cholesky", "logreg", "newton-cholesky", dense_hessian=True),
    Peer("logreg-newton-cg", "logreg", "newton-cg"),
    Peer("logreg-liblinear", "logreg", "liblinear", objective="liblinear",
         binary_only=True),
]}
DEFAULT_PEERS = list(PEERS)

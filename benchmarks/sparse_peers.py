"""Solvers compared by the L1 / elastic-net benchmark, on one objective.

Parameter conversions (all checked numerically by benchmarks/test_sparse.py,
which evaluates each peer's solution on sparse_objectives.objective):

* scikit-learn ``LogisticRegression(C, l1_ratio, solver="saga"|"liblinear")``
  minimises ``C sum_i logloss_i + r ||w||_1 + (1-r)/2 ||w||^2``, i.e. F times
  C n: same C.  ``penalty`` is not passed (deprecated in 1.8; ``l1_ratio=1``
  means L1).  liblinear with ``fit_intercept=True`` penalises the intercept
  (formulation "liblinear"); with ``fit_intercept=False`` it is "noint".
* skglm ``SparseLogisticRegression(alpha, l1_ratio)`` minimises
  ``mean_i logloss_i + alpha (r ||w||_1 + (1-r)/2 ||w||^2)`` with an
  unpenalised intercept when ``fit_intercept=True`` (0.5 fits it):
  ``alpha = 1/(C n)``.  Its ``tol`` is the max subdifferential distance of
  that mean-scaled objective (and |d/db|), logreg's scale.
* celer ``LogisticRegression(C)`` minimises ``sum_i logloss_i + ||w||_1 / C``
  (L1 only, no intercept: ``fit_intercept=True`` raises): same C, "noint"
  only.  Its ``tol`` bounds the duality gap by ``tol * n * log 2`` on that
  sum scale, i.e. ``tol * log 2`` on F.
* glum ``GeneralizedLinearRegressor(family="binomial", alpha, l1_ratio)``
  minimises ``sum_i deviance_i / (2 n) + alpha (r ||w||_1 + (1-r)/2 ||w||^2)``;
  the binomial deviance is twice the log-loss, so ``alpha = 1/(C n)``.  Its
  ``gradient_tol`` bounds the L1 norm (a sum over coordinates) of the
  minimum-norm subgradient.
* logreg ``LogisticRegression(penalty="l1"|"elasticnet", C, l1_ratio, solver,
  tol, fit_intercept)``: scikit-learn's objective; ``tol`` bounds the max
  subdifferential distance of F.

Tolerances mean different things for different libraries, so every peer runs
a ladder of tolerances (loose to tight) and is compared at equal
suboptimality (see sparse.py).  The ladders step by half decades for the
fast peers and by decades for the slow ones (saga, glum), whose fits cost
the most time.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from benchmarks.peers import import_logreg


def half_decades(hi: float, lo: float) -> tuple:
    """hi, hi/sqrt(10), ..., down to lo (powers of 10 and their half steps)."""
    k0, k1 = round(-2 * np.log10(hi)), round(-2 * np.log10(lo))
    return tuple(float(f"{10 ** (-k / 2):.1g}") for k in range(k0, k1 + 1))


@dataclass(frozen=True)
class SparsePeer:
    """One (library, solver) with the formulations it supports.

    formulations: subset of ("intercept", "noint", "liblinear").
    enet: supports 0 < l1_ratio < 1.
    tols: default tolerance ladder, loose to tight.
    path_mode: how a penalty sweep is run (see ``path``).
    dense_hessian: glum's irls-cd forms a dense Hessian of the (active)
        features; on the quick d=10000 text problem it peaked at 6.3 GB, so
        the harness skips it above 5000 features unless --force.
    """

    name: str
    library: str
    solver: str
    formulations: tuple
    enet: bool
    tols: tuple
    max_iter: int
    path_mode: str = "warm_start"  # "warm_start", "cold" or "native"
    extra: dict = field(default_factory=dict)
    dense_hessian: bool = False  # forms a dense d x d Hessian (skipped for large d)

    def skip_reason(self, formulation: str, l1_ratio: float):
        if formulation not in self.formulations:
            why = {"intercept": "fits no (unpenalised) intercept",
                   "noint": "not run without intercept",
                   "liblinear": "does not penalise the intercept"}[formulation]
            return f"{self.name} {why}"
        if l1_ratio != 1.0 and not self.enet:
            return f"{self.name} supports the L1 penalty only"
        return None

    # -- one fit ---------------------------------------------------------------
    def make(self, C, l1_ratio, formulation, tol, warm_start=False):
        """An unfitted estimator for (C, l1_ratio, formulation, tol)."""
        return _MAKERS[self.library](self, C, l1_ratio, formulation, tol, warm_start)

    def fit(self, X, y, *, C, l1_ratio, formulation, tol):
        """(coef (d,), intercept float, n_iter) of one fit from scratch."""
        n = X.shape[0]
        model = self.make(_lib_C(self, C, n), l1_ratio, formulation, tol)
        _fit(self, model, X, y)
        return _solution(self, model, formulation)

    # -- penalty sweep -----------------------------------------------------------
    def path(self, X, y, *, Cs, l1_ratio, formulation, tol, cold=False):
        """Solutions for each C in Cs (strongest penalty first).

        Returns (list of (coef, intercept, n_iter), mode description).
        "warm_start": one estimator with ``warm_start=True``, refitted per C;
        "native": the library's own path (glum ``alpha_search``);
        "cold": a fresh estimator per C (also when ``cold=True``).
        """
        n = X.shape[0]
        mode = "cold" if cold else self.path_mode
        if mode == "native" and self.library == "glum":
            return _glum_path(self, X, y, Cs, l1_ratio, formulation, tol), \
                "glum alpha_search path (warm-started)"
        out, model = [], None
        for C in Cs:
            if mode == "warm_start" and model is not None:
                _set_C(self, model, _lib_C(self, C, n))
            else:
                model = self.make(_lib_C(self, C, n), l1_ratio, formulation, tol,
                                  warm_start=mode == "warm_start")
            _fit(self, model, X, y)
            out.append(_solution(self, model, formulation))
        return out, ("each C from scratch" if mode == "cold"
                     else "warm_start=True, refitted along the path")


def _lib_C(peer, C, n):
    """The library's penalty parameter for our C."""
    return 1.0 / (C * n) if peer.library in ("skglm", "glum") else C


def _set_C(peer, model, value):
    model.set_params(**({"alpha": value} if peer.library in ("skglm", "glum")
                        else {"C": value}))


def _fit(peer, model, X, y):
    if peer.library == "glum":
        model.fit(X, np.asarray(y, dtype=np.float64))
    else:
        model.fit(X, y)


def _n_iter(model):
    it = getattr(model, "n_iter_", None)
    return None if it is None else int(np.max(it))


def _solution(peer, model, formulation):
    coef = np.asarray(model.coef_, dtype=np.float64).reshape(-1)
    if formulation == "noint":
        b = 0.0
    else:
        b = float(np.asarray(model.intercept_, dtype=np.float64).reshape(-1)[0])
    n_iter = _n_iter(model)
    chosen = getattr(model, "solver_", None)
    if peer.solver == "auto" and chosen:  # show what logreg's "auto" picked
        n_iter = f"{n_iter} ({chosen})"
    return coef, b, n_iter


# --------------------------------------------------------------------------
# Estimator factories
# --------------------------------------------------------------------------

def _make_sklearn(peer, C, l1_ratio, formulation, tol, warm_start):
    from sklearn.linear_model import LogisticRegression

    # scikit-learn 1.9: penalty is deprecated; l1_ratio alone picks the penalty.
    return LogisticRegression(C=C, l1_ratio=l1_ratio, solver=peer.solver, tol=tol,
                              max_iter=peer.max_iter, warm_start=warm_start,
                              fit_intercept=formulation != "noint",
                              # saga and liblinear shuffle: fixed seed, repeatable fits
                              random_state=0)


def _make_logreg(peer, C, l1_ratio, formulation, tol, warm_start):
    LR = import_logreg().LogisticRegression
    if l1_ratio == 1.0:
        kw = {"penalty": "l1"}
    else:
        kw = {"penalty": "elasticnet", "l1_ratio": l1_ratio}
    return LR(C=C, solver=peer.solver, tol=tol, max_iter=peer.max_iter,
              fit_intercept=formulation != "noint", warm_start=warm_start, **kw)


def _make_skglm(peer, alpha, l1_ratio, formulation, tol, warm_start):
    from skglm import SparseLogisticRegression

    return SparseLogisticRegression(alpha=alpha, l1_ratio=l1_ratio, tol=tol,
                                    max_iter=peer.max_iter, warm_start=warm_start,
                                    fit_intercept=formulation == "intercept",
                                    **peer.extra)


def _make_celer(peer, C, l1_ratio, formulation, tol, warm_start):
    from celer import LogisticRegression

    del l1_ratio, formulation, warm_start  # L1 / no intercept / cold only
    return LogisticRegression(C=C, tol=tol, max_iter=peer.max_iter, **peer.extra)


def _make_glum(peer, alpha, l1_ratio, formulation, tol, warm_start):
    from glum import GeneralizedLinearRegressor

    return GeneralizedLinearRegressor(
        family="binomial", alpha=alpha, l1_ratio=l1_ratio, solver=peer.solver,
        gradient_tol=tol, max_iter=peer.max_iter, warm_start=warm_start,
        fit_intercept=formulation == "intercept", **peer.extra)


_MAKERS = {"sklearn": _make_sklearn, "logreg": _make_logreg, "skglm": _make_skglm,
           "celer": _make_celer, "glum": _make_glum}


def _glum_path(peer, X, y, Cs, l1_ratio, formulation, tol):
    n = X.shape[0]
    alphas = [1.0 / (C * n) for C in Cs]
    model = _make_glum(peer, None, l1_ratio, formulation, tol, False)
    model.set_params(alpha=alphas, alpha_search=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        model.fit(X, np.asarray(y, dtype=np.float64))
    intercepts = np.broadcast_to(np.asarray(model.intercept_path_, dtype=np.float64),
                                 (len(Cs),))
    return [(np.asarray(model.coef_path_[k], dtype=np.float64),
             0.0 if formulation == "noint" else float(intercepts[k]), None)
            for k in range(len(Cs))]


def library_version(library: str):
    """(version, location); raises if the library cannot be imported."""
    import importlib

    mod = import_logreg() if library == "logreg" else importlib.import_module(library)
    return getattr(mod, "__version__", "?"), getattr(mod, "__file__", "?")


LOGREG_TOLS = (1e-4, 1e-6)

SPARSE_PEERS = {p.name: p for p in [
    SparsePeer("logreg-auto", "logreg", "auto", ("intercept", "noint"), True,
               LOGREG_TOLS, 10_000),
    SparsePeer("logreg-newton-cd", "logreg", "newton-cd", ("intercept", "noint"), True,
               LOGREG_TOLS, 10_000),
    SparsePeer("logreg-saga", "logreg", "saga", ("intercept", "noint"), True,
               LOGREG_TOLS, 100_000),
    SparsePeer("logreg-liblinear", "logreg", "liblinear", ("liblinear", "noint"), False,
               LOGREG_TOLS, 10_000, path_mode="cold"),
    SparsePeer("skglm", "skglm", "prox-newton", ("intercept", "noint"), True,
               half_decades(1e-2, 1e-10), 100, extra={"max_epochs": 10_000}),
    SparsePeer("celer", "celer", "celer-pn", ("noint",), False,
               half_decades(1e-1, 1e-12), 200, path_mode="cold"),
    SparsePeer("glum-irls-cd", "glum", "irls-cd", ("intercept", "noint"), True,
               half_decades(1e-1, 1e-10)[::2], 1_000, path_mode="native", dense_hessian=True),
    SparsePeer("sklearn-saga", "sklearn", "saga", ("intercept", "noint"), True,
               half_decades(1e-1, 1e-8)[::2], 100_000),
    SparsePeer("sklearn-liblinear", "sklearn", "liblinear", ("liblinear", "noint"), False,
               half_decades(1e-1, 1e-10), 10_000, path_mode="cold"),
]}

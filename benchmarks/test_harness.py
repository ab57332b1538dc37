"""Self-checks of the harness (not part of the library's test suite).

Run with ``.venv/bin/python -m pytest benchmarks -q``.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

from benchmarks.harness import FitRecord, ProblemResult, assign_speedups
from benchmarks.objectives import gradient, objective
from benchmarks.problems import PROBLEMS
from benchmarks.report import update_results


def _data(n_classes, sparse=False, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((300, 5))
    y = rng.integers(0, n_classes, 300)
    return (sp.csr_matrix(X) if sparse else X), y


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("n_classes", [2, 4])
@pytest.mark.parametrize("sparse", [False, True])
def test_objective_matches_log_loss_plus_penalty(n_classes, sparse):
    X, y = _data(n_classes, sparse)
    m = LogisticRegression(C=0.5, max_iter=5).fit(X, y)
    expected = (log_loss(y, m.predict_proba(X))
                + np.sum(m.coef_ ** 2) / (2 * 0.5 * X.shape[0]))
    assert objective(X, y, m.coef_, m.intercept_, 0.5) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("n_classes,kind", [(2, "l2"), (2, "liblinear"), (3, "l2")])
def test_gradient_matches_finite_differences(n_classes, kind):
    X, y = _data(n_classes)
    rng = np.random.default_rng(1)
    k = 1 if n_classes == 2 else n_classes
    W, b = rng.standard_normal((k, 5)), rng.standard_normal(k)
    gW, gb = gradient(X, y, W, b, 2.0, kind)
    eps = 1e-6
    E = np.zeros_like(W)
    E[0, 3] = eps
    fd = (objective(X, y, W + E, b, 2.0, kind) - objective(X, y, W - E, b, 2.0, kind)) / (2 * eps)
    assert fd == pytest.approx(gW[0, 3], rel=1e-6)
    e = np.zeros_like(b)
    e[-1] = eps
    fd = (objective(X, y, W, b + e, 2.0, kind) - objective(X, y, W, b - e, 2.0, kind)) / (2 * eps)
    assert fd == pytest.approx(gb[-1], rel=1e-6)


def test_float32_and_glum_shapes_accepted():
    X, y = _data(2)
    w, b = np.arange(5.0), 0.5
    ref = objective(X, y, w.reshape(1, -1), np.array([b]), 1.0)
    assert objective(X, y, w, b, 1.0) == ref  # glum: (d,), scalar
    assert objective(X.astype(np.float32), y, w, b, 1.0) == pytest.approx(ref, rel=1e-6)


def test_generators_are_deterministic():
    p = PROBLEMS["dense-bin-200k-f64"]
    X1, y1 = p.generator(**{**p.params, "n": 1000})
    X2, y2 = p.generator(**{**p.params, "n": 1000})
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert 0.3 < y1.mean() < 0.7


def _rec(peer, t, subopt):
    return FitRecord(peer, "ok", times=[t], subopt=subopt, objective=0.0)


def test_speedup_rule():
    recs = [_rec("sklearn-lbfgs", 1.0, 1e-3),          # too inaccurate
            _rec("sklearn-newton-cg", 4.0, 2e-6),       # within 1e-6: counts
            _rec("sklearn-newton-cholesky", 8.0, 1e-12),
            _rec("glum-lbfgs", 0.1, 1e-12),             # not scikit-learn
            _rec("sklearn-liblinear", 0.1, 1e-12),      # other objective
            _rec("logreg-auto", 2.0, 1.5e-6),
            _rec("logreg-lbfgs", 2.0, 1e-13)]
    assign_speedups(recs)
    assert (recs[5].speedup, recs[5].speedup_vs) == (2.0, "sklearn-newton-cg")
    assert (recs[6].speedup, recs[6].speedup_vs) == (4.0, "sklearn-newton-cholesky")


def test_results_file_keeps_other_sections(tmp_path):
    meta = {"shape": [10, 2], "dtype": "float64", "format": "C", "nnz": 20,
            "x_bytes": 160, "classes": [0, 1], "positive_fraction": 0.5}
    ref = {"objective": 0.5, "method": "m", "n_iter": 1, "seconds": 0.0,
           "grad_max_abs": 0.0}
    machine = {"cpu": "cpu", "cores": 2, "usable_cores": 2, "mem_gib": 1.0,
               "python": "3", "versions": {}, "threadpools": [], "env": {}}
    run = {"date": "today", "command": "cmd", "quick": False, "C": 1.0,
           "tol": 1e-4, "max_iter": 100, "machine": machine}

    def result(name, t):
        rec = FitRecord("sklearn-lbfgs", "ok", times=[t], subopt=0.0,
                        objective=0.5, peak_bytes=0)
        return ProblemResult(PROBLEMS[name], meta, {"l2": ref}, [rec])

    path = tmp_path / "R.md"
    update_results(path, [result("digits-bin8", 1.0), result("digits-multi", 2.0)], run)
    update_results(path, [result("digits-multi", 3.0)], run)
    text = path.read_text()
    assert "| 1.000 |" in text and "| 3.000 |" in text and "| 2.000 |" not in text
    assert text.index("digits-multi -->") < text.index("digits-bin8 -->")

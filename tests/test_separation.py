"""Separation diagnostics (logreg.inference.separation), checked against
constructed examples and, for 2-D designs, an exhaustive search over directions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from logreg.inference.separation import SeparationReport, detect_separation


def _margins(X, y, b):
    return (2.0 * np.asarray(y) - 1.0) * (np.asarray(X, dtype=float) @ b)


def test_complete_separation():
    rng = np.random.default_rng(0)
    x = rng.normal(size=40)
    y = (x > 0.1).astype(float)
    X = np.column_stack([np.ones(40), x])
    rep = detect_separation(X, y, exog_names=["const", "x"])
    assert isinstance(rep, SeparationReport)
    assert rep.kind == "complete" and rep.separation
    assert (_margins(X, y, rep.direction) > 0).all()
    assert np.abs(rep.direction).max() == pytest.approx(1.0)
    assert rep.infinite[1] == np.inf
    assert "x" in rep.columns
    assert len(rep.boundary) == 0 and len(rep.separated) == 40
    assert "Complete separation" in str(rep)


def test_quasi_complete_separation_dummy():
    rng = np.random.default_rng(1)
    n = 60
    d = (rng.random(n) < 0.3).astype(float)
    x = rng.normal(size=n)
    y = np.where(d == 1, 1.0, (rng.random(n) < 0.5).astype(float))
    # overlap within d == 0 in both x directions
    y[(d == 0)] = (rng.random(int((d == 0).sum())) < 0.5)
    X = pd.DataFrame({"const": 1.0, "x": x, "d": d})
    rep = detect_separation(X, y)
    assert rep.kind == "quasi-complete"
    assert rep.columns == ["d"]
    assert rep.infinite.tolist() == [0.0, 0.0, np.inf]
    np.testing.assert_array_equal(rep.separated, np.flatnonzero(d == 1))
    np.testing.assert_array_equal(rep.boundary, np.flatnonzero(d == 0))
    m = _margins(X, y, rep.direction)
    assert (m >= -1e-12).all() and (m[d == 1] > 0).all()
    np.testing.assert_allclose(m[d == 0], 0.0, atol=1e-12)
    assert "d (+inf)" in str(rep)


def test_no_separation_overlapping():
    rng = np.random.default_rng(2)
    X = np.column_stack([np.ones(200), rng.normal(size=(200, 3))])
    y = (rng.random(200) < 0.4).astype(float)
    rep = detect_separation(X, y)
    assert rep.kind == "none" and not rep.separation
    assert rep.columns == []
    np.testing.assert_array_equal(rep.direction, np.zeros(4))
    np.testing.assert_array_equal(rep.infinite, np.zeros(4))
    assert len(rep.separated) == 0 and len(rep.boundary) == 200
    assert "No separation" in str(rep)


def test_names_default_and_given():
    x = np.array([-2.0, -1.0, 1.0, 2.0])
    y = np.array([0, 0, 1, 1])
    X = np.column_stack([np.ones(4), x, np.array([0.3, -0.1, 0.2, 0.0])])
    rep = detect_separation(X, y)
    assert "x1" in rep.columns  # default names x0, x1, ...
    rep = detect_separation(X, y, exog_names=["Intercept", "age", "z"])
    assert "age" in rep.columns
    assert rep.names == ["Intercept", "age", "z"]


def test_zero_weights_drop_rows():
    x = np.array([-2.0, -1.0, 0.5, 1.0, 2.0, -0.5])
    y = np.array([0, 0, 0, 1, 1, 1])  # rows 2 and 5 overlap
    X = np.column_stack([np.ones(6), x])
    assert detect_separation(X, y).kind == "none"
    rep = detect_separation(X, y, weights=[1, 1, 0, 1, 1, 0])
    assert rep.kind == "complete"
    np.testing.assert_array_equal(rep.separated, [0, 1, 3, 4])


def test_collinear_columns_do_not_count_as_separation():
    rng = np.random.default_rng(3)
    x = rng.normal(size=30)
    y = (rng.random(30) < 0.5).astype(float)
    X = np.column_stack([np.ones(30), x, 2 * x, x - 1])  # rank 2: null-space directions give zero margins
    assert detect_separation(X, y).kind == "none"
    y = (x > 0).astype(float)
    rep = detect_separation(X, y)
    assert rep.kind == "complete"
    assert (_margins(X, y, rep.direction) > 0).all()


def test_bad_input():
    with pytest.raises(ValueError):
        detect_separation(np.ones((3, 1)), [0, 1, 2])
    with pytest.raises(ValueError):
        detect_separation(np.ones((3, 1)), [0, 1])


# ---------------------------------------------------------------------------
# brute force in two dimensions
# ---------------------------------------------------------------------------
def _brute_force_2d(X, y):
    """(kind, positive set, signs each coefficient can take) by searching directions.

    In 2-D the separating directions form a wedge bounded by rays perpendicular
    to some x_i: every such ray is tried exactly (integer data: exact margins),
    and a fine grid of angles covers the open wedges.
    """
    X = np.asarray(X, dtype=float)
    s = 2.0 * y - 1.0
    cands = []
    for xi in X:
        if xi.any():
            perp = np.array([-xi[1], xi[0]])
            cands += [perp, -perp]
    t = np.linspace(0, 2 * np.pi, 20000, endpoint=False)
    cands += list(np.column_stack([np.cos(t), np.sin(t)]))
    B = np.array(cands)
    M = s[:, None] * (X @ B.T)  # margins, one column per candidate direction
    feasible = (M >= 0).all(axis=0) & (M > 0).any(axis=0)
    positive = (M[:, feasible] > 0).any(axis=1)
    signs = [set(np.sign(B[feasible, j][B[feasible, j] != 0]).tolist()) for j in range(2)]
    kind = "none" if not positive.any() else "complete" if positive.all() else "quasi-complete"
    return kind, positive, signs


def test_agrees_with_brute_force_in_2d():
    rng = np.random.default_rng(12345)
    seen = set()
    for trial in range(250):
        n = int(rng.integers(3, 8))
        X = rng.integers(-3, 4, size=(n, 2)).astype(float)
        if trial % 2:
            X[:, 0] = 1.0  # intercept + one regressor
        if trial % 5 == 0:
            X[rng.integers(n)] = X[0]  # a tie
        y = (rng.random(n) < 0.5).astype(float)
        kind, positive, signs = _brute_force_2d(X, y)
        rep = detect_separation(X, y)
        seen.add(kind)
        assert rep.kind == kind, (X, y)
        np.testing.assert_array_equal(rep.separated, np.flatnonzero(positive))
        np.testing.assert_array_equal(rep.boundary, np.flatnonzero(~positive))
        if kind != "none":
            m = _margins(X, y, rep.direction)
            assert (m >= -1e-9).all() and (m[positive] > 0).all()
            if np.linalg.matrix_rank(X) == 2:
                for j in range(2):
                    expected = (
                        0.0 if not signs[j] else np.nan if len(signs[j]) == 2 else np.inf * next(iter(signs[j]))
                    )
                    np.testing.assert_equal(rep.infinite[j], expected)
    assert seen == {"none", "quasi-complete", "complete"}


def test_logit_warns_naming_the_separating_column():
    import warnings as _w

    from logreg.exceptions import SeparationWarning
    from logreg.models import Logit

    rng = np.random.default_rng(11)
    n = 60
    x = rng.normal(size=n)
    dummy = (rng.random(n) < 0.2).astype(float)
    y = ((x + rng.normal(size=n) > 0) | (dummy == 1)).astype(float)  # dummy = 1 implies y = 1
    X = np.column_stack([np.ones(n), x, dummy])
    with pytest.warns(SeparationWarning, match="Quasi-complete separation.*x2"):
        res = Logit(y, X).fit(disp=False, maxiter=100)
    assert res.quasi_separated and not res.separated
    assert res.separation_report.kind == "quasi-complete"
    with _w.catch_warnings():
        _w.simplefilter("error", SeparationWarning)
        Logit((x + rng.normal(size=n) > 0).astype(float), X[:, :2]).fit(disp=False)

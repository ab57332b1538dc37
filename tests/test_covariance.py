"""Covariance estimators (logreg.inference.covariance).

The references below are written independently of the module: explicit loops
over observations and clusters, the full n x n hat matrix from np.linalg.inv,
matrix square roots from scipy.linalg.sqrtm; plus parity with statsmodels where
statsmodels computes the same thing (nonrobust, HC0, cluster CR1/CR0, GLM
frequency weights), and metamorphic identities (weights 2 = duplicated rows).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import scipy.sparse as sp

sm = pytest.importorskip("statsmodels.api")

from logreg.inference.covariance import (  # noqa: E402
    cov_cluster,
    cov_hc,
    cov_nonrobust,
    information,
    leverage,
)

RTOL_SM = 1e-7  # statsmodels' own parity tolerance for sandwich results


# --------------------------------------------------------------------------- data


def _simulate(n=160, seed=0):
    rng = np.random.default_rng(seed)
    X = sm.add_constant(rng.normal(size=(n, 3)))
    beta = np.array([0.3, 1.0, -0.7, 0.4])
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-X @ beta))).astype(float)
    # Unequal cluster sizes: 6 singletons, 8 pairs, 6 triples (<= k: small-cluster
    # CR2 path) and the rest in 5 big clusters (> k: the k x k path).
    sizes = [1] * 6 + [2] * 8 + [3] * 6
    rest = n - sum(sizes)
    sizes += [rest // 5] * 4 + [rest - 4 * (rest // 5)]
    codes = np.repeat(np.arange(len(sizes)), sizes)
    codes = rng.permutation(codes)
    groups = np.array([f"school-{c:02d}" for c in codes], dtype=object)
    return X, y, groups


@pytest.fixture(scope="module")
def fitted():
    X, y, groups = _simulate()
    res = sm.Logit(y, X).fit(method="newton", tol=1e-12, disp=0)
    p = res.predict()
    return {"X": X, "y": y, "g": groups, "p": p, "u": y - p, "v": p * (1 - p), "res": res}


# --------------------------------------------------------------------------- independent references


def ref_information(X, v):
    out = np.zeros((X.shape[1],) * 2)
    for i in range(X.shape[0]):
        out += v[i] * np.outer(X[i], X[i])
    return out


def ref_hat(X, v):
    """Full n x n weighted hat matrix V^1/2 X (X'VX)^-1 X' V^1/2."""
    Z = np.sqrt(v)[:, None] * X
    return Z @ np.linalg.inv(Z.T @ Z) @ Z.T


def ref_hc(X, u, v, kind, w=None):
    n, k = X.shape
    w = np.ones(n) if w is None else w
    B = np.linalg.inv(ref_information(X, v))
    h = np.diag(ref_hat(X, v)) / w  # per-unit leverage
    meat = np.zeros((k, k))
    for i in range(n):
        s = u[i] ** 2 / w[i]
        if kind == "HC1":
            s *= w.sum() / (w.sum() - k)
        elif kind == "HC2":
            s /= 1 - h[i]
        elif kind == "HC3":
            s /= (1 - h[i]) ** 2
        meat += s * np.outer(X[i], X[i])
    return B @ meat @ B


def ref_cluster(X, u, v, groups, kind, nobs=None):
    n, k = X.shape
    B = np.linalg.inv(ref_information(X, v))
    H = ref_hat(X, v)
    labels = list(dict.fromkeys(groups))
    meat = np.zeros((k, k))
    for lab in labels:
        idx = np.array([i for i in range(n) if groups[i] == lab])
        if kind == "CR2":
            Hgg = H[np.ix_(idx, idx)]
            A = np.linalg.inv(np.real(scipy.linalg.sqrtm(np.eye(idx.size) - Hgg)))
            sv = np.sqrt(v[idx])
            score = X[idx].T @ (sv * (A @ (u[idx] / sv)))
        else:
            score = sum(X[i] * u[i] for i in idx)
        meat += np.outer(score, score)
    cov = B @ meat @ B
    if kind == "CR1":
        G, N = len(labels), (n if nobs is None else nobs)
        cov *= G / (G - 1) * (N - 1) / (N - k)
    return cov


# --------------------------------------------------------------------------- information, nonrobust, leverage


def test_information_matches_loop_and_statsmodels_hessian(fitted):
    X, v, res = fitted["X"], fitted["v"], fitted["res"]
    info = information(X, v)
    np.testing.assert_allclose(info, ref_information(X, v), rtol=1e-12)
    np.testing.assert_allclose(info, -res.model.hessian(res.params), rtol=1e-10)
    assert np.array_equal(info, info.T)


def test_information_blocks_and_memory_layout(fitted, monkeypatch):
    import logreg.inference.covariance as cv

    X, v = fitted["X"], fitted["v"]
    expected = ref_information(X, v)
    monkeypatch.setattr(cv, "_BLOCK_BYTES", 8 * 4 * 7)  # 7 rows per block, ragged last block
    np.testing.assert_allclose(information(X, v), expected, rtol=1e-12)
    np.testing.assert_allclose(information(np.asfortranarray(X), v), expected, rtol=1e-12)


def test_nonrobust_matches_statsmodels(fitted):
    X, v, res = fitted["X"], fitted["v"], fitted["res"]
    cov = cov_nonrobust(X, v)
    np.testing.assert_allclose(cov, res.cov_params(), rtol=RTOL_SM)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), res.bse, rtol=RTOL_SM)


def test_leverage_is_hat_diagonal_and_sums_to_k(fitted):
    X, v = fitted["X"], fitted["v"]
    h = leverage(X, v)
    np.testing.assert_allclose(h, np.diag(ref_hat(X, v)), rtol=1e-10)
    assert np.all((h > 0) & (h < 1))
    assert h.sum() == pytest.approx(X.shape[1], rel=1e-12)


# --------------------------------------------------------------------------- HC0..HC3


def test_hc0_matches_statsmodels(fitted):
    X, y = fitted["X"], fitted["y"]
    res = sm.Logit(y, X).fit(method="newton", tol=1e-12, disp=0, cov_type="HC0")
    cov = cov_hc(X, fitted["u"], fitted["v"], "HC0")
    np.testing.assert_allclose(cov, res.cov_params(), rtol=RTOL_SM)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), res.bse, rtol=RTOL_SM)


@pytest.mark.parametrize("kind", ["HC0", "HC1", "HC2", "HC3"])
def test_hc_matches_independent_loop(fitted, kind):
    X, u, v = fitted["X"], fitted["u"], fitted["v"]
    np.testing.assert_allclose(cov_hc(X, u, v, kind), ref_hc(X, u, v, kind), rtol=1e-10)


@pytest.mark.parametrize("kind", ["HC1", "HC2", "HC3"])
def test_hc1_to_hc3_differ_from_hc0(fitted, kind):
    # statsmodels' Logit returns HC0 for all four (statsmodels issue #7798); logreg must not.
    X, u, v = fitted["X"], fitted["u"], fitted["v"]
    se0 = np.sqrt(np.diag(cov_hc(X, u, v, "HC0")))
    se = np.sqrt(np.diag(cov_hc(X, u, v, kind)))
    assert np.all(se > se0 * (1 + 1e-4))  # every correction inflates, and visibly


def test_hc_ordering_hc0_hc2_hc3(fitted):
    X, u, v = fitted["X"], fitted["u"], fitted["v"]
    d = {k: np.diag(cov_hc(X, u, v, k)) for k in ("HC0", "HC2", "HC3")}
    assert np.all(d["HC0"] < d["HC2"]) and np.all(d["HC2"] < d["HC3"])


def test_hc1_is_hc0_times_n_over_n_minus_k(fitted):
    X, u, v = fitted["X"], fitted["u"], fitted["v"]
    n, k = X.shape
    hc0 = cov_hc(X, u, v, "HC0")
    np.testing.assert_allclose(cov_hc(X, u, v, "HC1"), hc0 * n / (n - k), rtol=1e-14)
    np.testing.assert_allclose(cov_hc(X, u, v, "hc1", nobs=500.0), hc0 * 500 / 496, rtol=1e-14)


# --------------------------------------------------------------------------- frequency weights = duplicated rows


@pytest.fixture(scope="module")
def weighted():
    X, y, groups = _simulate(n=90, seed=3)
    w = np.random.default_rng(4).integers(1, 4, size=y.size).astype(float)
    res = sm.GLM(y, X, family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-12)
    p = res.predict()
    rep = np.repeat(np.arange(y.size), w.astype(int))
    return {
        "X": X, "y": y, "g": groups, "w": w, "p": p,
        "u": w * (y - p), "v": w * p * (1 - p),
        "Xd": X[rep], "gd": groups[rep], "ud": (y - p)[rep], "vd": (p * (1 - p))[rep],
    }


def test_frequency_weights_nonrobust_equal_duplicated_rows(weighted):
    d = weighted
    np.testing.assert_allclose(cov_nonrobust(d["X"], d["v"]), cov_nonrobust(d["Xd"], d["vd"]), rtol=1e-11)


@pytest.mark.parametrize("kind", ["HC0", "HC1", "HC2", "HC3"])
def test_frequency_weights_hc_equal_duplicated_rows(weighted, kind):
    d = weighted
    got = cov_hc(d["X"], d["u"], d["v"], kind, nobs=d["w"].sum(), weights=d["w"])
    np.testing.assert_allclose(got, cov_hc(d["Xd"], d["ud"], d["vd"], kind), rtol=1e-10)
    np.testing.assert_allclose(got, ref_hc(d["X"], d["u"], d["v"], kind, d["w"]), rtol=1e-10)
    # nobs defaults to the sum of the weights when weights are given
    np.testing.assert_array_equal(got, cov_hc(d["X"], d["u"], d["v"], kind, weights=d["w"]))


def test_frequency_weights_hc0_without_weights_argument_is_the_pweight_meat(weighted):
    # Documented: without `weights`, u_i^2 is used as given -- not the duplicated-row answer.
    d = weighted
    got = cov_hc(d["X"], d["u"], d["v"], "HC0")
    assert not np.allclose(got, cov_hc(d["Xd"], d["ud"], d["vd"], "HC0"), rtol=1e-3)


def test_frequency_weights_hc0_matches_statsmodels_glm(weighted):
    d = weighted
    res = sm.GLM(d["y"], d["X"], family=sm.families.Binomial(), freq_weights=d["w"]).fit(
        tol=1e-12, cov_type="HC0"
    )
    got = cov_hc(d["X"], d["u"], d["v"], "HC0", weights=d["w"])
    np.testing.assert_allclose(got, res.cov_params(), rtol=RTOL_SM)


def test_frequency_weights_leverage_is_sum_of_duplicates(weighted):
    d = weighted
    h = leverage(d["X"], d["v"])
    hd = leverage(d["Xd"], d["vd"])
    rep = np.repeat(np.arange(d["w"].size), d["w"].astype(int))
    np.testing.assert_allclose(h, np.bincount(rep, weights=hd), rtol=1e-10)
    assert h.sum() == pytest.approx(d["X"].shape[1], rel=1e-12)


@pytest.mark.parametrize("kind", ["CR0", "CR1", "CR2"])
def test_frequency_weights_cluster_equal_duplicated_rows(weighted, kind):
    d = weighted
    got = cov_cluster(d["X"], d["u"], d["v"], d["g"], kind, nobs=d["w"].sum())
    np.testing.assert_allclose(got, cov_cluster(d["Xd"], d["ud"], d["vd"], d["gd"], kind), rtol=1e-10)
    np.testing.assert_array_equal(got, cov_cluster(d["X"], d["u"], d["v"], d["g"], kind, weights=d["w"]))


# --------------------------------------------------------------------------- cluster


def test_cr1_matches_statsmodels_cluster(fitted):
    X, y, g = fitted["X"], fitted["y"], fitted["g"]
    codes = np.unique(g, return_inverse=True)[1]
    res = sm.Logit(y, X).fit(
        method="newton", tol=1e-12, disp=0, cov_type="cluster", cov_kwds={"groups": codes}
    )
    cov = cov_cluster(X, fitted["u"], fitted["v"], g)  # CR1 is the default
    np.testing.assert_allclose(cov, res.cov_params(), rtol=RTOL_SM)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), res.bse, rtol=RTOL_SM)


def test_cr0_matches_statsmodels_without_correction(fitted):
    X, y, g = fitted["X"], fitted["y"], fitted["g"]
    codes = np.unique(g, return_inverse=True)[1]
    res = sm.Logit(y, X).fit(
        method="newton", tol=1e-12, disp=0, cov_type="cluster",
        cov_kwds={"groups": codes, "use_correction": False},
    )
    np.testing.assert_allclose(cov_cluster(X, fitted["u"], fitted["v"], g, "CR0"), res.cov_params(), rtol=RTOL_SM)


@pytest.mark.parametrize("kind", ["CR0", "CR1", "CR2"])
def test_cluster_matches_independent_loop(fitted, kind):
    X, u, v, g = fitted["X"], fitted["u"], fitted["v"], fitted["g"]
    np.testing.assert_allclose(cov_cluster(X, u, v, g, kind), ref_cluster(X, u, v, g, kind), rtol=1e-9)


def test_cr2_code_paths_agree_with_reference_on_big_and_small_clusters(fitted, monkeypatch):
    # Force the k x k push-through form for every non-singleton cluster and compare.
    import logreg.inference.covariance as cv

    X, u, v, g = fitted["X"], fitted["u"], fitted["v"], fitted["g"]
    before = cov_cluster(X, u, v, g, "CR2")
    def _r_form(X, u, v, codes, labels, R, q):
        out = np.empty_like(q)
        for gid in range(q.shape[0]):
            rows = np.flatnonzero(codes == gid)
            Qg = X[rows] @ R
            A = np.linalg.inv(np.real(scipy.linalg.sqrtm(np.eye(R.shape[1]) - Qg.T @ (v[rows, None] * Qg))))
            out[gid] = A @ q[gid]
        return out

    monkeypatch.setattr(cv, "_cr2_adjust", _r_form)
    np.testing.assert_allclose(cov_cluster(X, u, v, g, "CR2"), before, rtol=1e-10)


def test_cr2_with_singleton_clusters_equals_hc2(fitted):
    X, u, v = fitted["X"], fitted["u"], fitted["v"]
    own = np.arange(X.shape[0])
    np.testing.assert_allclose(cov_cluster(X, u, v, own, "CR2"), cov_hc(X, u, v, "HC2"), rtol=1e-12)
    # and CR0 with singletons is HC0 (Liang-Zeger reduces to White)
    np.testing.assert_allclose(cov_cluster(X, u, v, own, "CR0"), cov_hc(X, u, v, "HC0"), rtol=1e-12)


def test_cr2_exceeds_cr0(fitted):
    X, u, v, g = fitted["X"], fitted["u"], fitted["v"], fitted["g"]
    assert np.all(np.diag(cov_cluster(X, u, v, g, "CR2")) > np.diag(cov_cluster(X, u, v, g, "CR0")))


def test_cluster_labels_of_any_kind_and_row_order(fitted):
    X, u, v, g = fitted["X"], fitted["u"], fitted["v"], fitted["g"]
    codes = np.unique(g, return_inverse=True)[1]
    mixed = np.array([c if c % 2 else str(c) for c in codes], dtype=object)  # unorderable mix
    perm = np.random.default_rng(9).permutation(X.shape[0])
    for kind in ("CR0", "CR1", "CR2"):
        base = cov_cluster(X, u, v, g, kind)
        np.testing.assert_allclose(cov_cluster(X, u, v, codes, kind), base, rtol=1e-13)
        np.testing.assert_allclose(cov_cluster(X, u, v, codes.astype(float), kind), base, rtol=1e-13)
        np.testing.assert_allclose(cov_cluster(X, u, v, list(mixed), kind), base, rtol=1e-13)
        np.testing.assert_allclose(
            cov_cluster(X[perm], u[perm], v[perm], g[perm], kind), base, rtol=1e-11
        )


# --------------------------------------------------------------------------- rank deficiency, scale


def test_duplicated_column_gives_nan_for_both_copies_and_exact_values_elsewhere(fitted):
    X, u, v, g = fitted["X"], fitted["u"], fitted["v"], fitted["g"]
    Xs = np.column_stack([X, X[:, 2]])  # column 4 duplicates column 2
    aliased = np.array([False, False, True, False, True])
    ok = ~aliased
    # p (hence u, v) is the same: the duplicated design spans the same space.
    ref_nr = fitted["res"].cov_params()  # the reduced, identified fit
    checks = {
        "nonrobust": (cov_nonrobust(Xs, v), cov_nonrobust(X, v)),
        "HC0": (cov_hc(Xs, u, v, "HC0"), cov_hc(X, u, v, "HC0")),
        "HC3": (cov_hc(Xs, u, v, "HC3"), cov_hc(X, u, v, "HC3")),
        "CR0": (cov_cluster(Xs, u, v, g, "CR0"), cov_cluster(X, u, v, g, "CR0")),
        "CR2": (cov_cluster(Xs, u, v, g, "CR2"), cov_cluster(X, u, v, g, "CR2")),
    }
    for name, (got, reduced) in checks.items():
        assert np.all(np.isnan(got[aliased])) and np.all(np.isnan(got[:, aliased])), name
        assert np.all(np.isfinite(got[np.ix_(ok, ok)])), name
        np.testing.assert_allclose(got[np.ix_(ok, ok)], reduced[np.ix_([0, 1, 3], [0, 1, 3])],
                                   rtol=1e-8, err_msg=name)
    np.testing.assert_allclose(checks["nonrobust"][0][np.ix_(ok, ok)],
                               ref_nr[np.ix_([0, 1, 3], [0, 1, 3])], rtol=1e-7)
    # leverage is a projection onto the column space: unchanged, sums to the rank
    np.testing.assert_allclose(leverage(Xs, v), leverage(X, v), rtol=1e-8)


def test_linear_combination_and_zero_column_are_aliased(fitted):
    X, v = fitted["X"], fitted["v"]
    Xs = np.column_stack([X, 2.0 * X[:, 1] - 0.5 * X[:, 3], np.zeros(X.shape[0])])
    cov = cov_nonrobust(Xs, v)
    aliased = np.array([False, True, False, True, True, True])
    assert np.all(np.isnan(cov[aliased])) and np.all(np.isnan(cov[:, aliased]))
    assert np.all(np.isfinite(cov[np.ix_(~aliased, ~aliased)]))


def test_badly_scaled_column_is_not_mistaken_for_rank_loss(fitted):
    X, u, v, g = fitted["X"], fitted["u"], fitted["v"], fitted["g"]
    D = np.array([1.0, 1e8, 1e-6, 1.0])
    Xd = X * D  # beta_j / D_j: covariances scale by 1 / (D_i D_j)
    S = np.outer(1 / D, 1 / D)
    np.testing.assert_allclose(cov_nonrobust(Xd, v), cov_nonrobust(X, v) * S, rtol=1e-9)
    np.testing.assert_allclose(cov_hc(Xd, u, v, "HC3"), cov_hc(X, u, v, "HC3") * S, rtol=1e-9)
    np.testing.assert_allclose(cov_cluster(Xd, u, v, g, "CR2"), cov_cluster(X, u, v, g, "CR2") * S, rtol=1e-9)


def test_ill_conditioned_but_identified_design_stays_finite(fitted):
    X, v = fitted["X"], fitted["v"]
    rng = np.random.default_rng(1)
    Xc = np.column_stack([X, X[:, 1] + 1e-6 * rng.normal(size=X.shape[0])])
    cov = cov_nonrobust(Xc, v)
    assert np.all(np.isfinite(cov))
    # cond(X'VX) ~ 1e12, so inv(X'VX) is good to ~1e-4 only; the reference is built
    # from the QR of V^1/2 X instead, (R'R)^-1 = R^-1 R^-T, good to ~eps * cond(Z) ~ 1e-10.
    Rq = np.linalg.qr(np.sqrt(v)[:, None] * Xc, mode="r")
    Rinv = scipy.linalg.solve_triangular(Rq, np.eye(5))
    np.testing.assert_allclose(cov, Rinv @ Rinv.T, rtol=1e-6)
    assert np.all(np.linalg.eigvalsh(cov) > 0)
    assert cov[4, 4] > 1e9 * cov[0, 0]  # near-collinear: huge but finite variance


# --------------------------------------------------------------------------- leverage one, bad input


def test_leverage_one_makes_hc2_hc3_cr2_raise(fitted):
    X, u, v, g = fitted["X"], fitted["u"], fitted["v"], fitted["g"]
    dummy = np.zeros(X.shape[0])
    dummy[17] = 1.0  # the only observation at this level
    Xd = np.column_stack([X, dummy])
    assert leverage(Xd, v)[17] == pytest.approx(1.0, abs=1e-12)
    for kind in ("HC2", "HC3"):
        with pytest.raises(ValueError, match=r"observation 17 has leverage 1"):
            cov_hc(Xd, u, v, kind)
    assert np.all(np.isfinite(cov_hc(Xd, u, v, "HC0")))
    with pytest.raises(ValueError, match=rf"cluster '{g[17]}'"):
        cov_cluster(Xd, u, v, g, "CR2")
    with pytest.raises(ValueError, match="cluster 17"):
        cov_cluster(Xd, u, v, np.arange(X.shape[0]), "CR2")
    assert np.all(np.isfinite(cov_cluster(Xd, u, v, g, "CR1")))


def test_bad_input_raises_clear_errors(fitted):
    X, u, v, g = fitted["X"], fitted["u"], fitted["v"], fitted["g"]
    with pytest.raises(ValueError, match="2-D"):
        information(X[:, 0], v)
    with pytest.raises(ValueError, match="v has length"):
        cov_nonrobust(X, v[:-1])
    with pytest.raises(ValueError, match="u must be 1-D"):
        cov_hc(X, u[:, None], v, "HC0")
    with pytest.raises(ValueError, match="non-negative"):
        leverage(X, -v)
    with pytest.raises(ValueError, match="NaN"):
        cov_hc(X, np.where(np.arange(u.size) == 3, np.nan, u), v, "HC0")
    with pytest.raises(ValueError, match="NaN or infinite"):
        cov_nonrobust(np.where(X == X[0, 1], np.inf, X), v)
    with pytest.raises(ValueError, match="kind must be one of"):
        cov_hc(X, u, v, "HC4")
    with pytest.raises(ValueError, match="kind must be one of"):
        cov_cluster(X, u, v, g, "CR3")
    with pytest.raises(ValueError, match="at least 2 clusters"):
        cov_cluster(X, u, v, np.zeros(X.shape[0]))
    with pytest.raises(ValueError, match="groups has length"):
        cov_cluster(X, u, v, g[:-1])
    with pytest.raises(ValueError, match="NaN"):
        cov_cluster(X, u, v, np.where(np.arange(u.size) == 0, np.nan, 1.0 * (np.arange(u.size) % 3)))
    with pytest.raises(ValueError, match="missing"):
        cov_cluster(X, u, v, [None] + list(g[1:]))
    with pytest.raises(ValueError, match="nobs > k"):
        cov_hc(X, u, v, "HC1", nobs=4)
    with pytest.raises(ValueError, match="weights has length"):
        cov_hc(X, u, v, "HC0", weights=np.ones(3))
    with pytest.raises(TypeError, match="dense"):
        cov_nonrobust(sp.csr_matrix(X), v)


def test_zero_weight_rows_equal_removed_rows(fitted):
    # Weight 0 = row removed (u_i = v_i = 0), for every estimator; the zero rows sit in
    # small clusters too, where CR2 must not divide by v_i = 0.
    X, u, v, g = fitted["X"], fitted["u"], fitted["v"], fitted["g"]
    w = np.ones(X.shape[0])
    w[::7] = 0.0
    keep = w > 0
    uw, vw = w * u, w * v
    for kind in ("HC0", "HC1", "HC2", "HC3"):
        np.testing.assert_allclose(
            cov_hc(X, uw, vw, kind, weights=w), cov_hc(X[keep], u[keep], v[keep], kind), rtol=1e-10
        )
    for kind in ("CR0", "CR1", "CR2"):
        np.testing.assert_allclose(
            cov_cluster(X, uw, vw, g, kind, weights=w),
            cov_cluster(X[keep], u[keep], v[keep], g[keep], kind), rtol=1e-10,
        )
    np.testing.assert_allclose(leverage(X, vw)[keep], leverage(X[keep], v[keep]), rtol=1e-10)
    assert np.all(leverage(X, vw)[~keep] == 0)

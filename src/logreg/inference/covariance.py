"""Covariance estimators for binary logistic regression (pure functions).

Every function takes plain NumPy arrays describing a *fitted* binary logit and
returns NumPy arrays; nothing here fits, caches or knows about result objects.

Notation (shared by all functions)
----------------------------------
``X`` : (n, k) float64 design, the constant column included if the model has one.
``p`` : fitted probabilities, ``w`` : frequency (case) weights, 1 when unweighted.
``u`` : score residuals ``u_i = w_i (y_i - p_i)``; the score is ``X' u``.
``v`` : working (Hessian) weights ``v_i = w_i p_i (1 - p_i)``; the observed and
        expected information is ``X' V X`` with ``V = diag(v)``.
``r`` : working residuals ``r_i = u_i / v_i``, so that the score is ``X' V r``:
        at the optimum the logit is the weighted least-squares fit of the working
        response ``X beta + r`` with weights ``v`` (IRLS), which is how the
        leverage-based corrections (HC2, HC3, CR2) carry over from linear models.

Rank deficiency
---------------
When the information matrix is singular (collinear columns, a column of zeros),
the coefficients that load on its null space are not identified: their rows and
columns of every covariance returned here are NaN. The other entries are finite
and exact: for a coefficient orthogonal to the null space, ``e_j' G e_j`` is the
same for every generalized inverse ``G`` of the information, and so are the
sandwich entries (Searle 1971, ch. 5). Rank is judged on the singular values of
the weighted, column-equilibrated design ``V^1/2 X D^-1`` (``D`` the column
norms), a coefficient being aliased when a singular value falls below
``1e-11`` times the largest -- the pivoting tolerance of R's ``glm.fit`` --
so that a poorly scaled or merely ill-conditioned design is not declared
singular.

References
----------
MacKinnon, J. G. and White, H. (1985). Some heteroskedasticity-consistent
covariance matrix estimators with improved finite sample properties. *Journal of
Econometrics* 29, 305-325.
Long, J. S. and Ervin, L. H. (2000). Using heteroscedasticity consistent standard
errors in the linear regression model. *The American Statistician* 54, 217-224.
Zeileis, A. (2006). Object-oriented computation of sandwich estimators. *Journal
of Statistical Software* 16(9).
Cameron, A. C. and Miller, D. L. (2015). A practitioner's guide to
cluster-robust inference. *Journal of Human Resources* 50, 317-372.
Bell, R. M. and McCaffrey, D. F. (2002). Bias reduction in standard errors for
linear regression with multi-stage samples. *Survey Methodology* 28, 169-181.
Pustejovsky, J. E. and Tipton, E. (2018). Small-sample methods for cluster-robust
variance estimation and hypothesis testing in fixed effects models. *Journal of
Business & Economic Statistics* 36, 672-683.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg import blas

__all__ = ["information", "cov_nonrobust", "leverage", "cov_hc", "cov_cluster"]

# Singular values of the equilibrated weighted design below this fraction of the
# largest mark aliased directions (R's glm.fit: qr tol = min(1e-7, epsilon/1000)).
_RANK_RTOL = 1e-11
# Cheap screen on the eigenvalues of the equilibrated information: above this
# ratio the matrix is comfortably invertible and no SVD of the design is needed.
_SCREEN_RTOL = 1e-8
# A null-space loading above this marks a coefficient as involved in the aliasing.
_LOADING_TOL = np.sqrt(np.finfo(np.float64).eps)
# 1 - h below this: leverage one, HC2/HC3/CR2 undefined.
_LEVERAGE_ONE_TOL = 1e-10
# Rows per block when accumulating X' diag(d) X (about 4 MB of float64 per block).
_BLOCK_BYTES = 1 << 22

_HC_KINDS = ("HC0", "HC1", "HC2", "HC3")
_CR_KINDS = ("CR0", "CR1", "CR2")


# --------------------------------------------------------------------------- validation


def _as_design(X) -> np.ndarray:
    if sp.issparse(X):
        raise TypeError("X must be a dense array; convert sparse designs with X.toarray()")
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_obs, n_params); got an array with shape {X.shape}")
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X must have at least one row and one column; got shape {X.shape}")
    if not np.issubdtype(X.dtype, np.number) or np.issubdtype(X.dtype, np.complexfloating):
        raise TypeError(f"X must be real numeric; got dtype {X.dtype}")
    X = np.asarray(X, dtype=np.float64)  # no copy for float64 input
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
    return X


def _as_vector(a, name: str, n: int, *, nonnegative: bool = False) -> np.ndarray:
    a = np.asarray(a)
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D of length {n}; got an array with shape {a.shape}")
    if a.shape[0] != n:
        raise ValueError(f"{name} has length {a.shape[0]} but X has {n} rows")
    if not np.issubdtype(a.dtype, np.number) or np.issubdtype(a.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real numeric; got dtype {a.dtype}")
    a = np.asarray(a, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if nonnegative and np.any(a < 0):
        i = int(np.flatnonzero(a < 0)[0])
        raise ValueError(f"{name} must be non-negative; {name}[{i}] = {a[i]!r}")
    return a


def _factorize(groups, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes 0..G-1 and the G distinct labels, in sorted (or first-seen) order."""
    g = np.asarray(groups)
    if g.ndim != 1:
        raise ValueError(f"groups must be 1-D of length {n}; got an array with shape {g.shape}")
    if g.shape[0] != n:
        raise ValueError(f"groups has length {g.shape[0]} but X has {n} rows")
    if g.dtype.kind == "f" and np.any(np.isnan(g)):
        raise ValueError("groups contains NaN; every observation needs a cluster label")
    if g.dtype.kind == "O":
        if any(x is None or (isinstance(x, float) and x != x) for x in g):
            raise ValueError("groups contains missing labels (None/NaN)")
        try:
            labels, codes = np.unique(g, return_inverse=True)
        except TypeError:  # mixed, unorderable labels: first-seen order
            index: dict = {}
            codes = np.fromiter((index.setdefault(x, len(index)) for x in g), np.intp, n)
            labels = np.empty(len(index), dtype=object)
            labels[:] = list(index)
        return codes.reshape(-1), labels
    labels, codes = np.unique(g, return_inverse=True)
    return codes.reshape(-1), labels


def _label(x) -> str:
    """A cluster label as users wrote it (17, 'a'), not as NumPy reprs it (np.int64(17))."""
    return repr(x.item() if isinstance(x, np.generic) else x)


def _check_kind(kind: str, allowed: Sequence[str]) -> str:
    if not isinstance(kind, str) or kind.upper() not in allowed:
        raise ValueError(f"kind must be one of {', '.join(map(repr, allowed))}; got {kind!r}")
    return kind.upper()


# --------------------------------------------------------------------------- linear algebra


def _weighted_gram(X: np.ndarray, d: np.ndarray) -> np.ndarray:
    """``X' diag(d) X`` for d >= 0, by blocked SYRK on ``sqrt(d) * X`` (no full copy of X)."""
    n, k = X.shape
    out = np.zeros((k, k), dtype=np.float64, order="F")
    rows = max(1, _BLOCK_BYTES // (8 * k))
    sd = np.sqrt(d)
    for start in range(0, n, rows):
        Z = X[start:start + rows] * sd[start:start + rows, None]
        # C <- Z'Z + C, upper triangle only; pick the orientation that BLAS reads
        # without a transposing copy.
        if Z.flags.f_contiguous:
            out = blas.dsyrk(1.0, Z, beta=1.0, c=out, trans=1, lower=0, overwrite_c=1)
        else:
            out = blas.dsyrk(1.0, Z.T, beta=1.0, c=out, trans=0, lower=0, overwrite_c=1)
    upper = np.triu(out)
    return upper + np.triu(out, 1).T


@dataclass(frozen=True)
class _Bread:
    """A factor ``R`` (k, r) with ``R R'`` a generalized inverse of the information."""

    R: np.ndarray
    aliased: np.ndarray  # (k,) bool: coefficient loads on the null space

    @property
    def full(self) -> np.ndarray:
        return self.R @ self.R.T

    def finish(self, cov: np.ndarray) -> np.ndarray:
        cov = 0.5 * (cov + cov.T)
        if self.aliased.any():
            cov[self.aliased, :] = np.nan
            cov[:, self.aliased] = np.nan
        return cov


def _bread(X: np.ndarray, v: np.ndarray) -> _Bread:
    info = _weighted_gram(X, v)
    k = info.shape[0]
    diag = np.diag(info).copy()
    # Equilibrate so that column scale (features of size 1e8) never looks like rank loss;
    # an all-zero column keeps scale 1 and shows up as a null direction.
    dscale = np.where(diag > 0, np.sqrt(np.where(diag > 0, diag, 1.0)), 1.0)
    C = info / np.outer(dscale, dscale)
    lam, W = np.linalg.eigh(C)
    lam_max = lam[-1]
    if lam_max > 0 and lam[0] > _SCREEN_RTOL * lam_max:
        R = (W / np.sqrt(lam)) / dscale[:, None]
        return _Bread(R, np.zeros(k, dtype=bool))
    # Ill-conditioned or singular: decide the rank on the singular values of the
    # equilibrated weighted design itself, which are accurate to eps * s_max
    # (those of the information are accurate only to eps * s_max**2).
    Z = (X * np.sqrt(v)[:, None]) / dscale
    _, s, Vt = np.linalg.svd(Z, full_matrices=False)
    s_max = s[0] if s.size else 0.0
    keep = s > _RANK_RTOL * s_max if s_max > 0 else np.zeros(s.shape, dtype=bool)
    if not keep.any():  # no information at all (all weights or all columns zero)
        return _Bread(np.zeros((k, 0)), np.ones(k, dtype=bool))
    if k > s.size:  # fewer rows than columns: complete the null space
        q, _ = np.linalg.qr(Vt[keep].T, mode="complete")
        null = q[:, int(keep.sum()):]
    else:
        null = Vt[~keep].T
    aliased = np.any(np.abs(null) > _LOADING_TOL, axis=1)
    R = (Vt[keep].T / s[keep]) / dscale[:, None]
    return _Bread(R, aliased)


def _rowwise_quad(X: np.ndarray, R: np.ndarray) -> np.ndarray:
    """``||R' x_i||^2`` for every row, in blocks."""
    n, k = X.shape
    out = np.empty(n)
    rows = max(1, _BLOCK_BYTES // (8 * max(k, R.shape[1])))
    for start in range(0, n, rows):
        Q = X[start:start + rows] @ R
        out[start:start + rows] = np.einsum("ij,ij->i", Q, Q)
    return out


# --------------------------------------------------------------------------- public API


def information(X, v) -> np.ndarray:
    r"""Fisher information of a binary logit, :math:`X' V X`.

    Parameters
    ----------
    X : ndarray of shape (n, k)
        Design matrix (constant column included if any).
    v : ndarray of shape (n,)
        Working weights :math:`v_i = w_i p_i (1 - p_i) \ge 0`.

    Returns
    -------
    ndarray of shape (k, k)
        :math:`\sum_i v_i x_i x_i'`, symmetric; the negative Hessian of the
        log-likelihood (observed = expected information for the canonical link).

    Notes
    -----
    Accumulated by blocked SYRK over row chunks; X is never copied whole.
    """
    X = _as_design(X)
    v = _as_vector(v, "v", X.shape[0], nonnegative=True)
    return _weighted_gram(X, v)


def cov_nonrobust(X, v) -> np.ndarray:
    r"""Model-based covariance, the inverse information :math:`(X' V X)^{-1}`.

    Parameters
    ----------
    X : ndarray of shape (n, k)
    v : ndarray of shape (n,)
        Working weights :math:`w_i p_i (1 - p_i)`.

    Returns
    -------
    ndarray of shape (k, k)
        The inverse information. If the information is singular (rank < k,
        judged as described in the module notes), the rows and columns of the
        coefficients with a nonzero loading on its null space are NaN and the
        remaining entries are those of any generalized inverse (they do not
        depend on which); e.g. with a duplicated column, both copies are NaN and
        the other coefficients keep the variances of the fit without the copy.
    """
    X = _as_design(X)
    v = _as_vector(v, "v", X.shape[0], nonnegative=True)
    bread = _bread(X, v)
    return bread.finish(bread.full)


def leverage(X, v) -> np.ndarray:
    r"""Diagonal of the weighted hat matrix of the IRLS fit.

    .. math:: h_{ii} = v_i\, x_i' (X' V X)^{-1} x_i,

    the diagonal of :math:`H = V^{1/2} X (X'VX)^{-1} X' V^{1/2}` (Pregibon 1981;
    Zeileis 2006, ``hatvalues`` of a glm). :math:`0 \le h_{ii} \le 1` and
    :math:`\sum_i h_{ii} = \operatorname{rank}(X'VX)`, i.e. k at full rank.

    Parameters
    ----------
    X : ndarray of shape (n, k)
    v : ndarray of shape (n,)
        Working weights :math:`w_i p_i (1 - p_i)`.

    Returns
    -------
    ndarray of shape (n,)

    Notes
    -----
    With frequency weights :math:`w_i`, :math:`h_{ii}` is the leverage of the
    whole weighted row; each of the :math:`w_i` units it stands for has leverage
    :math:`h_{ii} / w_i` (what a data set with the row duplicated would give).
    For a singular information the hat matrix is the projection onto the column
    space of :math:`V^{1/2}X`, the same for every generalized inverse.
    """
    X = _as_design(X)
    v = _as_vector(v, "v", X.shape[0], nonnegative=True)
    bread = _bread(X, v)
    return v * _rowwise_quad(X, bread.R)


def cov_hc(X, u, v, kind: str, nobs: float | None = None, *, weights=None) -> np.ndarray:
    r"""Heteroskedasticity-consistent (sandwich) covariance, HC0 to HC3.

    .. math::

        \widehat{\mathrm{Var}}(\hat\beta) = B\, X' \operatorname{diag}(s)\, X\, B,
        \qquad B = (X' V X)^{-1},

    with, for unweighted data (or ``weights=None``),

    ===== ====================================================
    HC0   :math:`s_i = u_i^2`                       (White 1980)
    HC1   :math:`s_i = u_i^2 \cdot N / (N - k)`     (N = ``nobs``)
    HC2   :math:`s_i = u_i^2 / (1 - h_{ii})`
    HC3   :math:`s_i = u_i^2 / (1 - h_{ii})^2`
    ===== ====================================================

    where :math:`h_{ii}` is :func:`leverage` (MacKinnon & White 1985; Long &
    Ervin 2000; for GLMs through the IRLS working model, as in R's
    ``sandwich::vcovHC``, Zeileis 2006). k is the number of columns of X.

    Parameters
    ----------
    X : ndarray of shape (n, k)
    u : ndarray of shape (n,)
        Score residuals :math:`w_i (y_i - p_i)`.
    v : ndarray of shape (n,)
        Working weights :math:`w_i p_i (1 - p_i)`.
    kind : {"HC0", "HC1", "HC2", "HC3"}
    nobs : float, optional
        N in the HC1 factor; defaults to ``weights.sum()`` when ``weights`` is
        given, else n. Pass the sum of frequency weights for weighted fits.
    weights : ndarray of shape (n,), optional
        Frequency weights :math:`w_i`. When given, row i stands for
        :math:`w_i` identical units: :math:`u_i^2` is replaced by
        :math:`u_i^2 / w_i = w_i (y_i - p_i)^2` and :math:`h_{ii}` by the
        per-unit leverage :math:`h_{ii} / w_i`, so the result equals that of
        the data set with rows duplicated. Without it, :math:`u_i^2` is used
        as given -- the right meat for sampling (probability) weights, and for
        frequency weights wrong by a factor :math:`w_i` per row.

    Returns
    -------
    ndarray of shape (k, k)
        NaN in the rows/columns of aliased coefficients (see module notes).

    Raises
    ------
    ValueError
        For HC2/HC3 when an observation has leverage one (:math:`1 - h_{ii}
        \le 10^{-10}`), e.g. the only observation at a level of a dummy: the
        estimator is then undefined (it divides by zero). The message names
        the observation; use HC0/HC1 or drop the observation. For HC1 when
        ``nobs <= k``.
    """
    kind = _check_kind(kind, _HC_KINDS)
    X = _as_design(X)
    n, k = X.shape
    u = _as_vector(u, "u", n)
    v = _as_vector(v, "v", n, nonnegative=True)
    w = None if weights is None else _as_vector(weights, "weights", n, nonnegative=True)
    bread = _bread(X, v)

    if w is None:
        s = u * u
    else:
        # u_i^2 / w_i = w_i (y_i - p_i)^2; rows of weight 0 contribute nothing.
        pos = w > 0
        s = np.zeros(n)
        s[pos] = u[pos] ** 2 / w[pos]

    if kind == "HC1":
        N = (n if w is None else float(w.sum())) if nobs is None else float(nobs)
        if not np.isfinite(N) or N <= k:
            raise ValueError(f"HC1 needs nobs > k; got nobs={N!r}, k={k}")
        s = s * (N / (N - k))
    elif kind in ("HC2", "HC3"):
        h = v * _rowwise_quad(X, bread.R)
        if w is not None:
            pos = w > 0
            h = np.where(pos, h / np.where(pos, w, 1.0), 0.0)
        one_minus = 1.0 - h
        bad = np.flatnonzero(one_minus <= _LEVERAGE_ONE_TOL)
        if bad.size:
            raise ValueError(
                f"{kind} is undefined: observation {int(bad[0])} has leverage 1 "
                f"(h = {h[bad[0]]!r}); {bad.size} observation(s) in all. "
                "Use HC0 or HC1, or drop the observation(s)."
            )
        s = s / one_minus if kind == "HC2" else s / one_minus**2

    meat = _weighted_gram(X, s)
    B = bread.full
    return bread.finish(B @ meat @ B)


def cov_cluster(
    X, u, v, groups, kind: str = "CR1", *, nobs: float | None = None, weights=None
) -> np.ndarray:
    r"""Cluster-robust covariance, CR0, CR1 or CR2.

    With clusters g = 1..G, :math:`B = (X'VX)^{-1}` and cluster scores
    :math:`S_g = X_g' u_g`:

    CR0
        :math:`B \left(\sum_g S_g S_g'\right) B` (Liang & Zeger 1986).
    CR1
        CR0 times :math:`\frac{G}{G-1}\,\frac{N-1}{N-k}` -- the correction of
        Stata and of statsmodels' ``cov_type="cluster"`` (``use_correction=True``,
        its default), Cameron & Miller (2015, sec. VI.A). N = ``nobs``
        (default n, the number of rows, as statsmodels), k = columns of X.
    CR2
        Bias-reduced linearization (Bell & McCaffrey 2002; Pustejovsky &
        Tipton 2018) applied to the IRLS working model, whose working residual
        is :math:`r = V^{-1} u` so that the score is :math:`X'Vr`. Whitening
        the working model, :math:`Z = V^{1/2}X`, :math:`e = V^{1/2} r =
        V^{-1/2} u`, gives an ordinary least-squares problem, and its CR2 is

        .. math::

            B \Big(\sum_g X_g' V_g^{1/2} A_g V_g^{-1/2} u_g\,
            (\cdot)'\Big) B, \qquad
            A_g = (I - H_{gg})^{-1/2}, \quad
            H_{gg} = V_g^{1/2} X_g B X_g' V_g^{1/2},

        with the symmetric inverse square root. Equivalently (push-through
        identity, no division by :math:`v_i`), the adjusted cluster score is
        :math:`(I - M_g B)^{-1/2} S_g` with :math:`M_g = X_g' V_g X_g`; the code
        uses whichever form is smaller. With every observation its own
        cluster, :math:`A_g = (1-h_{ii})^{-1/2}` and CR2 equals HC2.

    Parameters
    ----------
    X : ndarray of shape (n, k)
    u : ndarray of shape (n,)
        Score residuals :math:`w_i (y_i - p_i)`. With frequency weights a
        weighted row is a set of identical units of one cluster, so u (and v)
        are used as given: the result equals that of the duplicated data set
        (for CR1 pass ``weights``, or ``nobs`` = sum of weights, to match it exactly).
    v : ndarray of shape (n,)
        Working weights :math:`w_i p_i (1 - p_i)`.
    groups : array_like of shape (n,)
        Cluster labels of any hashable kind (ints, strings, ...); no missing labels.
    kind : {"CR0", "CR1", "CR2"}, default "CR1"
    nobs : float, optional
        N in the CR1 factor; default ``weights.sum()`` when ``weights`` is
        given, else n.
    weights : ndarray of shape (n,), optional
        Frequency weights, used only for the CR1 factor: N defaults to their
        sum and G counts the clusters of positive total weight, so that rows
        of weight 0 are as good as removed. u and v must already include them.

    Returns
    -------
    ndarray of shape (k, k)
        NaN in the rows/columns of aliased coefficients (see module notes).

    Raises
    ------
    ValueError
        Fewer than 2 clusters (of positive weight, when weights are given);
        CR1 with ``nobs <= k``; CR2 when a cluster's :math:`I - H_{gg}` is
        singular (an eigenvalue of :math:`H_{gg}` within 1e-10 of 1, e.g. a
        cluster-specific dummy): the message names the cluster.
    """
    kind = _check_kind(kind, _CR_KINDS)
    X = _as_design(X)
    n, k = X.shape
    u = _as_vector(u, "u", n)
    v = _as_vector(v, "v", n, nonnegative=True)
    w = None if weights is None else _as_vector(weights, "weights", n, nonnegative=True)
    codes, labels = _factorize(groups, n)
    G = labels.shape[0]
    # Clusters that count: with frequency weights, those of positive total weight.
    G_eff = G if w is None else int(np.count_nonzero(np.bincount(codes, w, minlength=G) > 0))
    if G_eff < 2:
        raise ValueError(
            f"cluster-robust covariance needs at least 2 clusters; got {G_eff}"
            + ("" if w is None else " of positive weight")
        )
    bread = _bread(X, v)
    R = bread.R  # B = R R' (a generalized inverse when singular)

    # Cluster scores S_g = X_g' u_g, without copying X: (G x n indicator * u) @ X.
    indicator = sp.csr_matrix((u, (codes, np.arange(n))), shape=(G, n))
    scores = np.asarray(indicator @ X)  # (G, k)
    if kind == "CR2":
        q = scores @ R  # R' S_g as rows, (G, r)
        del scores  # G can be ~n (singletons): keep at most two (G, k) arrays alive
        q = _cr2_adjust(X, u, v, codes, labels, R, q)
        cov = R @ (q.T @ q) @ R.T
    else:
        B = bread.full
        cov = B @ (scores.T @ scores) @ B
    if kind == "CR1":
        N = float((n if w is None else w.sum()) if nobs is None else nobs)
        if not np.isfinite(N) or N <= k:
            raise ValueError(f"CR1 needs nobs > k; got nobs={N!r}, k={k}")
        cov = cov * (G_eff / (G_eff - 1.0) * (N - 1.0) / (N - k))
    return bread.finish(cov)


def _inv_sqrt_one_minus(H: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Symmetric ``(I - H)^{-1/2}`` for a stack (G, m, m) of symmetric PSD H."""
    mu, E = np.linalg.eigh(0.5 * (H + np.swapaxes(H, -1, -2)))
    one_minus = 1.0 - mu
    bad = np.flatnonzero(np.any(one_minus <= _LEVERAGE_ONE_TOL, axis=-1))
    if bad.size:
        raise ValueError(
            f"CR2 is undefined: cluster {_label(labels[bad[0]])} has I - H_gg singular "
            f"(leverage eigenvalue {mu[bad[0]].max()!r}), e.g. an observation or a dummy "
            "specific to that cluster. Use CR0 or CR1."
        )
    return (E / np.sqrt(one_minus)[..., None, :]) @ np.swapaxes(E, -1, -2)


def _cr2_adjust(X, u, v, codes, labels, R, q) -> np.ndarray:
    """Rows ``(I - R' M_g R)^{-1/2} R' S_g``: the CR2-adjusted cluster scores in R coordinates.

    Clusters of equal size are processed as stacks (batched eigh), so a million
    singletons or pairs cost a few vectorized passes, not a Python loop per cluster.
    """
    n, k = X.shape
    r = R.shape[1]
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes, minlength=q.shape[0])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out = np.empty_like(q)
    rows_per_batch = max(1, 8 * _BLOCK_BYTES // (8 * max(k, r, 1)))
    for m in np.unique(sizes):
        gids = np.flatnonzero(sizes == m)
        per = max(1, rows_per_batch // int(m))
        for b in range(0, gids.size, per):
            gb = gids[b:b + per]
            idx = order[starts[gb][:, None] + np.arange(m)]  # (Gb, m) rows of each cluster
            Q = X[idx] @ R  # (Gb, m, r)
            vg, ug = v[idx], u[idx]
            # n_g x n_g form where it is the smaller one and needs no division by v = 0.
            small = np.all(vg > 0, axis=1) if m <= r else np.zeros(gb.size, dtype=bool)
            if small.any():
                sv = np.sqrt(vg[small])
                Y = Q[small] * sv[..., None]  # V_g^1/2 X_g R
                A = _inv_sqrt_one_minus(Y @ np.swapaxes(Y, 1, 2), labels[gb[small]])
                Ae = np.einsum("gij,gj->gi", A, ug[small] / sv)  # A_g V_g^-1/2 u_g
                out[gb[small]] = np.einsum("gmr,gm->gr", Y, Ae)
            if not small.all():
                Qb = Q[~small]
                S = np.swapaxes(Qb * vg[~small][..., None], 1, 2) @ Qb  # R' M_g R
                A = _inv_sqrt_one_minus(S, labels[gb[~small]])
                out[gb[~small]] = np.einsum("gij,gj->gi", A, q[gb[~small]])
    return out

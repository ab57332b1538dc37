"""The binomial and multinomial log-loss, in linear-predictor (eta) space.

There is one formula for the loss, its gradient and its Hessian in the whole
code base, and it is here: solvers and, later, inference (standard errors,
robust covariances) use this object.

Coefficients are a flat float64 vector viewed as ``(n_rows, p)``, with
``n_rows = 1`` for a binary model and ``K`` for a multinomial one, and
``p = d + fit_intercept``. The last column holds the intercept coefficient
``c``; the intercept added to eta is ``intercept_scaling * c`` (scaling 1 for
ordinary models; liblinear's objective uses another value and penalizes ``c``).

The loss is the *weighted mean* of per-observation losses: sample weights are
normalized to sum to one here, which is what makes ``tol`` mean the same thing
whatever n is.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import blas
from scipy.special import expit


def _weighted_sum(w: np.ndarray, v: np.ndarray) -> float:
    """sum_i w_i v_i without a BLAS dot.

    Line searches evaluate the loss many times; a BLAS dot of a long vector
    can take milliseconds when OpenBLAS's threads compete with other
    processes (8 ms against well under 1 ms for n = 50,000 on a busy
    2-core machine), while NumPy's pairwise sum is never slow.
    """
    return float(np.sum(w * v))


class LogisticLoss:
    """Negative log-likelihood of a binary or multinomial logistic model.

    Parameters
    ----------
    X : DesignMatrix
        Backend giving products with the design matrix (n, d).
    y : ndarray of shape (n,)
        Binary: 0/1 floats. Multinomial: integer class codes 0..K-1.
    n_classes : int
        K. A binary model (``multinomial=False``) has K = 2 and one row.
    multinomial : bool
        Softmax over K rows of coefficients instead of one sigmoid row.
    sample_weight : ndarray of shape (n,)
        Non-negative weights; normalized to sum to one.
    offset : ndarray of shape (n,) or (n, K), optional
        Added to the linear predictor, not estimated.
    fit_intercept : bool
    intercept_scaling : float
    """

    def __init__(
        self,
        X,
        y,
        *,
        n_classes: int,
        multinomial: bool,
        sample_weight,
        offset=None,
        fit_intercept: bool = True,
        intercept_scaling: float = 1.0,
    ):
        self.X = X
        self.n_samples, self.n_features = X.shape
        self.multinomial = bool(multinomial)
        self.n_classes = int(n_classes)
        self.n_rows = self.n_classes if self.multinomial else 1
        self.fit_intercept = bool(fit_intercept)
        self.intercept_scaling = float(intercept_scaling)
        self.p = self.n_features + int(self.fit_intercept)
        self.n_coef = self.n_rows * self.p
        sw = np.asarray(sample_weight, dtype=np.float64)
        self.weight_sum = float(sw.sum())
        self.w = sw / self.weight_sum
        if self.multinomial:
            self.y = np.asarray(y, dtype=np.intp)
        else:
            self.y = np.asarray(y, dtype=np.float64)
        self.offset = None if offset is None else np.asarray(offset, dtype=np.float64)

    # -- coefficient layout -------------------------------------------------
    def as_matrix(self, coef: np.ndarray) -> np.ndarray:
        """View the flat coefficient vector as (n_rows, p)."""
        return coef.reshape(self.n_rows, self.p)

    def _weights_and_intercepts(self, coef):
        C = self.as_matrix(coef)
        W = C[:, : self.n_features]
        b = C[:, self.n_features] * self.intercept_scaling if self.fit_intercept else None
        return W, b

    def direction_eta(self, step: np.ndarray) -> np.ndarray:
        """X-part of eta for a coefficient vector, without the offset.

        Linear in ``step``: line searches compute it once per direction and
        then move along ``eta + t * direction_eta(step)`` with no further pass
        over X.
        """
        W, b = self._weights_and_intercepts(step)
        shape = (self.n_samples, self.n_classes) if self.multinomial else (self.n_samples,)
        if not W.any():
            eta = np.zeros(shape)  # e.g. the intercept-only start: no pass over X
        elif self.multinomial:
            eta = self.X.matvec(W.T)
        else:
            eta = self.X.matvec(W[0])
        if b is not None:
            eta += b if self.multinomial else b[0]
        return eta

    def eta(self, coef: np.ndarray) -> np.ndarray:
        """The linear predictor eta = X w + intercept + offset."""
        eta = self.direction_eta(coef)
        if self.offset is not None:
            eta += self.offset
        return eta

    # -- values in eta space ------------------------------------------------
    def value(self, eta: np.ndarray) -> float:
        """Weighted mean negative log-likelihood at eta.

        Every per-sample loss is formed as a sum of non-negative terms, so a
        confidently correct sample's tiny loss keeps its relative precision
        (no difference of two numbers of size |eta|, per sample or in a sum).
        """
        if self.multinomial:
            return _weighted_sum(self.w, self._softmax_loss_and_probabilities(eta)[0])
        # log(1 + e^eta) - y eta = log1p(e^-|eta|) + (max(eta, 0) - y eta), where
        # the bracket is exactly 0 or |eta| for y in {0, 1}.
        bracket = np.maximum(eta, 0.0)
        bracket -= self.y * eta
        per_sample = np.abs(eta)
        np.negative(per_sample, out=per_sample)
        np.exp(per_sample, out=per_sample)
        np.log1p(per_sample, out=per_sample)
        per_sample += bracket
        return _weighted_sum(self.w, per_sample)

    def _softmax_loss_and_probabilities(self, eta):
        """Per-sample multinomial losses and the softmax, sharing one exp.

        With m the row maximum (at class t) and S = sum_{k != t} e^(eta_k - m):
        loss = (m - eta_y) + log1p(S), probabilities e^(eta_k - m) / (1 + S).
        """
        rows = np.arange(self.n_samples)
        top = eta.argmax(axis=1)
        m = eta[rows, top]
        expo = eta - m[:, None]
        np.exp(expo, out=expo)
        expo[rows, top] = 0.0
        others = expo.sum(axis=1)
        per_sample = (m - eta[rows, self.y]) + np.log1p(others)
        expo[rows, top] = 1.0
        expo /= (1.0 + others)[:, None]
        return per_sample, expo

    def probabilities(self, eta: np.ndarray) -> np.ndarray:
        """P(y = 1) (binary, shape (n,)) or the softmax matrix (n, K)."""
        if self.multinomial:
            return self._softmax_loss_and_probabilities(eta)[1]
        return expit(eta)

    def value_and_residual(self, eta: np.ndarray):
        """Loss value, the residual r = dloss/deta, and the probabilities."""
        if self.multinomial:
            per_sample, prob = self._softmax_loss_and_probabilities(eta)
            resid = prob * self.w[:, None]
            resid[np.arange(self.n_samples), self.y] -= self.w
            return _weighted_sum(self.w, per_sample), resid, prob
        prob = expit(eta)
        return self.value(eta), (prob - self.y) * self.w, prob

    def gradient_from_residual(self, resid: np.ndarray) -> np.ndarray:
        """Chain rule from eta-space residuals to the flat coefficient gradient."""
        G = np.empty((self.n_rows, self.p))
        if self.multinomial:
            G[:, : self.n_features] = self.X.rmatvec(resid).T
            if self.fit_intercept:
                G[:, self.n_features] = self.intercept_scaling * resid.sum(axis=0)
        else:
            G[0, : self.n_features] = self.X.rmatvec(resid)
            if self.fit_intercept:
                G[0, self.n_features] = self.intercept_scaling * resid.sum()
        return G.ravel()

    def loss_gradient(self, coef: np.ndarray):
        """(value, flat gradient) at coef: two passes over X."""
        value, resid, _ = self.value_and_residual(self.eta(coef))
        return value, self.gradient_from_residual(resid)

    # -- second order -------------------------------------------------------
    def hessian(self, eta: np.ndarray, prob=None, rows=None) -> np.ndarray:
        """Full (n_coef, n_coef) Hessian of the loss at eta.

        Binary: [[X'HX, s X'h], [s h'X, s^2 sum h]] with h = w p (1-p) and s the
        intercept scaling, from one chunked SYRK of the bordered matrix.
        Multinomial: block (k, l) is the same with h_kl = w p_k (delta_kl - p_l),
        assembled as blockdiag_k(Z' diag(w p_k) Z) - Q'Q with row i of Q equal to
        sqrt(w_i) (p_i kron z_i): one SYRK per class plus one for Q.

        ``rows`` (sorted indices) computes the Hessian of the weighted mean over
        those rows only: an unbiased, much cheaper estimate that Newton solvers
        use while far from the optimum.
        """
        if prob is None:
            prob = self.probabilities(eta)
        X, w, prob = self._restricted(prob, rows)
        scale = self.intercept_scaling if self.fit_intercept else None
        if not self.multinomial:
            return X.sandwich(w * prob * (1.0 - prob), intercept_scale=scale)
        return self._multinomial_hessian(X, w, prob, scale)

    def _multinomial_hessian(self, X, w, prob, scale):
        K, p = self.n_rows, self.p
        diag_blocks = _per_class_gram(X, w[:, None] * prob, scale)
        cross = np.zeros((K * p, K * p), order="F")
        root_w = np.sqrt(w)
        for start, stop, Z in _bordered_blocks(X, 8 * K * p, scale):
            Q = ((root_w[start:stop, None] * prob[start:stop])[:, :, None] * Z[:, None, :]).reshape(
                Z.shape[0], K * p
            )
            blas.dsyrk(1.0, Q.T, beta=1.0, c=cross, trans=0, overwrite_c=1)
        H = -np.triu(cross)
        H = H + np.triu(H, 1).T
        for k in range(K):
            H[k * p : (k + 1) * p, k * p : (k + 1) * p] += diag_blocks[k]
        return H

    def hessian_blocks(self, prob, rows=None) -> np.ndarray:
        """Diagonal blocks of the Hessian, one (p, p) block per class row.

        Block k is Z' diag(w p_k (1 - p_k)) Z (Z: X with the intercept column);
        binary models have the single block that is the whole Hessian. With
        ``rows``, estimated from that subset as in :meth:`hessian`.
        """
        X, w, prob = self._restricted(prob, rows)
        scale = self.intercept_scaling if self.fit_intercept else None
        if not self.multinomial:
            return X.sandwich(w * prob * (1.0 - prob), intercept_scale=scale)[None]
        return _per_class_gram(X, w[:, None] * prob * (1.0 - prob), scale)

    def _restricted(self, prob, rows):
        """(X, weights, probabilities) over a row subset, weights rescaled to the same total."""
        if rows is None:
            return self.X, self.w, prob
        w = self.w[rows]
        w = w * (self.w.sum() / max(w.sum(), np.finfo(float).tiny))
        return self._row_subset(rows), w, prob[rows]

    def _row_subset(self, rows):
        """Backend over a subset of rows, cached while the same subset is reused."""
        cached = getattr(self, "_subset_cache", None)
        if cached is not None and cached[0] is rows:
            return cached[1]
        sub = self.X.take_rows(rows)
        self._subset_cache = (rows, sub)
        return sub

    def hessian_operator(self, eta: np.ndarray, prob=None):
        """Return v -> H v at eta.

        Each product is one :meth:`round_trip` through X (X v, an elementwise
        weighting, X' of the result), plus the intercept's sums.
        """
        if prob is None:
            prob = self.probabilities(eta)
        d, s = self.n_features, self.intercept_scaling
        if self.multinomial:
            w = self.w

            def weigh(start, stop, U, b):
                # T = w p (U - <p, U>), in place: U is a fresh product, and no
                # other (n, K) array is kept alive (peak memory).
                if b is not None:
                    U += b
                P = prob[start:stop]
                U -= np.einsum("ik,ik->i", P, U)[:, None]
                U *= P
                U *= w[start:stop, None]
                return U

        else:
            h = self.w * prob * (1.0 - prob)

            def weigh(start, stop, u, b):
                if b is not None:
                    u += b[0]
                return h[start:stop] * u

        def product(v):
            W, b = self._weights_and_intercepts(v)
            total = [0.0]

            def transform(start, stop, U):
                T = weigh(start, stop, U, b)
                if b is not None:
                    total[0] = total[0] + T.sum(axis=0)
                return T

            G = np.empty((self.n_rows, self.p))
            XtT = self.X.round_trip(W.T if self.multinomial else W[0], transform)
            G[:, :d] = XtT.T if self.multinomial else XtT
            if b is not None:
                G[:, d] = s * np.asarray(total[0])
            return G.ravel()

        return product

    def flat_directions_without_curvature(self, penalized: np.ndarray) -> list[np.ndarray]:
        """Index sets of directions along which the objective is flat.

        The softmax is unchanged when the same number is added to column j of
        every class's coefficients, so for a multinomial model each column
        whose coefficients are not penalized (``penalized[j]`` False) gives a
        direction with zero curvature: the flat indices ``k * p + j`` over k.
        A Newton solver adds curvature there (the gradient is zero along it,
        so the step is unchanged) instead of letting rounding pick a huge step.
        """
        if not self.multinomial:
            return []
        return [
            np.arange(self.n_rows) * self.p + j for j in range(self.p) if not penalized[j]
        ]

    # -- starting points ----------------------------------------------------
    def null_coef(self) -> np.ndarray:
        """Coefficients of the intercept-only model (zeros without intercept).

        Starting Newton there instead of at zero saves an iteration on
        unbalanced data and never costs one.
        """
        coef = np.zeros(self.n_coef)
        if not self.fit_intercept or self.offset is not None:
            return coef
        C = self.as_matrix(coef)
        tiny = 1e-8
        if self.multinomial:
            freq = np.clip(np.bincount(self.y, weights=self.w, minlength=self.n_classes), tiny, 1.0)
            logf = np.log(freq)
            C[:, self.n_features] = (logf - logf.mean()) / self.intercept_scaling
        else:
            mean = float(np.clip(self.w @ self.y, tiny, 1 - tiny))
            C[0, self.n_features] = np.log(mean / (1 - mean)) / self.intercept_scaling
        return coef


# Working set per row block of the multinomial Hessian pieces: blocks much
# smaller run SYRK/GEMM well below BLAS peak; much larger ones (16 MiB was
# tried) only raise peak memory (dense-multi-100k: 1.30x X against 1.17x).
_GRAM_BLOCK_BYTES = 4 * 2**20


def _bordered_blocks(X, bytes_per_row, scale):
    """Row blocks of X as float64, with a constant column ``scale`` appended."""
    for start, stop, chunk in X.row_blocks(bytes_per_row=bytes_per_row, block_bytes=_GRAM_BLOCK_BYTES):
        Z = np.asarray(chunk, dtype=np.float64)
        if scale is not None:
            Z = np.hstack([Z, np.full((Z.shape[0], 1), scale)])
        yield start, stop, Z


def _per_class_gram(X, H, scale):
    """[Z' diag(H[:, k]) Z for each class k] as a (K, p, p) array, one GEMM per block."""
    K = H.shape[1]
    p = X.shape[1] + (scale is not None)
    flat = np.zeros((p, K * p))
    for start, stop, Z in _bordered_blocks(X, 8 * K * p, scale):
        flat += Z.T @ (H[start:stop, :, None] * Z[:, None, :]).reshape(Z.shape[0], K * p)
    return np.stack([flat[:, k * p : (k + 1) * p] for k in range(K)])

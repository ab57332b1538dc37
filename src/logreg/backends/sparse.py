"""SciPy sparse design matrices (CSR and CSC), kept sparse and in their dtype."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .dense import _CHUNK_BYTES, _bordered


class SparseMatrix:
    """Products with a CSR or CSC matrix; X is never densified or re-formatted."""

    def __init__(self, X):
        if X.format not in ("csr", "csc"):
            raise ValueError(f"sparse X must be CSR or CSC, got {X.format!r}")
        self.X = X
        self.shape = X.shape
        self.dtype = X.dtype
        self.nbytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes

    def _cast(self, v: np.ndarray) -> np.ndarray:
        return np.asarray(v, dtype=self.dtype)

    def matvec(self, w: np.ndarray) -> np.ndarray:
        return np.asarray(self.X @ self._cast(w), dtype=np.float64)

    def rmatvec(self, r: np.ndarray) -> np.ndarray:
        # X.T of a CSR matrix is a CSC view: no copy is made.
        return np.asarray(self.X.T @ self._cast(r), dtype=np.float64)

    def round_trip(self, v: np.ndarray, transform) -> np.ndarray:
        """X.T @ transform(0, n, X @ v): sparse products stream X twice anyway."""
        return self.rmatvec(transform(0, self.shape[0], self.matvec(v)))

    def sandwich(self, h: np.ndarray, intercept_scale=None) -> np.ndarray:
        """X^T diag(h) X densified; bordered by a constant column when asked."""
        weighted = sp.diags(self._cast(h)) @ self.X
        core = np.asarray((self.X.T @ weighted).toarray(), dtype=np.float64)
        if intercept_scale is None:
            return core
        return _bordered(core, self.rmatvec(h), float(np.sum(h)), intercept_scale)

    def row_blocks(self, bytes_per_row=None, block_bytes=None):
        """Consecutive row blocks (start, stop, dense array) of about ``block_bytes``."""
        n, d = self.shape
        rows_csr = self.X.tocsr() if self.X.format == "csc" else self.X
        per_row = max(bytes_per_row or 0, d * self.dtype.itemsize)
        step = max(16, (block_bytes or _CHUNK_BYTES) // max(1, per_row))
        for start in range(0, n, step):
            stop = min(n, start + step)
            yield start, stop, rows_csr[start:stop].toarray()

    def col_sq_norms(self, h: np.ndarray) -> np.ndarray:
        sq = self.X.multiply(self.X)
        return np.asarray(sq.T @ self._cast(h), dtype=np.float64).ravel()

    def take_rows(self, rows: np.ndarray) -> "SparseMatrix":
        sub = self.X.tocsr()[rows] if self.X.format == "csc" else self.X[rows]
        return SparseMatrix(sp.csr_matrix(sub))

"""SciPy sparse design matrices (CSR and CSC), kept sparse and in their dtype."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


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

    def sandwich(self, h: np.ndarray) -> np.ndarray:
        weighted = sp.diags(self._cast(h)) @ self.X
        return np.asarray((self.X.T @ weighted).toarray(), dtype=np.float64)

    def col_sq_norms(self, h: np.ndarray) -> np.ndarray:
        sq = self.X.multiply(self.X)
        return np.asarray(sq.T @ self._cast(h), dtype=np.float64).ravel()

    def take_rows(self, rows: np.ndarray) -> "SparseMatrix":
        sub = self.X.tocsr()[rows] if self.X.format == "csc" else self.X[rows]
        return SparseMatrix(sp.csr_matrix(sub))

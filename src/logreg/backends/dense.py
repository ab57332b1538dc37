"""NumPy dense design matrices, float32 or float64, C or F order, never copied."""

from __future__ import annotations

import numpy as np
from scipy.linalg import blas

# Rows per chunk when accumulating X^T diag(h) X. A chunk of about 1-2 MiB
# stays in cache while SYRK consumes it; measured best between 1k and 8k rows
# for d around 100 on a 2-core machine.
_CHUNK_BYTES = 2 * 1024 * 1024


class DenseMatrix:
    """Products with a dense NumPy array, used as it comes (no copy)."""

    def __init__(self, X: np.ndarray):
        if X.ndim != 2:
            raise ValueError(f"X must be 2-dimensional, got shape {X.shape}")
        self.X = X
        self.shape = X.shape
        self.dtype = X.dtype
        self.nbytes = X.nbytes

    def _cast(self, v: np.ndarray) -> np.ndarray:
        # A float64 vector times a float32 matrix would make NumPy upcast (copy)
        # the whole matrix: bring the small operand to X's dtype instead.
        return np.asarray(v, dtype=self.dtype)

    def matvec(self, w: np.ndarray) -> np.ndarray:
        out = self.X @ self._cast(w)
        return out.astype(np.float64, copy=False)

    def rmatvec(self, r: np.ndarray) -> np.ndarray:
        out = self.X.T @ self._cast(r)
        return out.astype(np.float64, copy=False)

    def _row_chunks(self):
        n, d = self.shape
        step = max(256, _CHUNK_BYTES // max(1, d * self.dtype.itemsize))
        for start in range(0, n, step):
            yield start, min(n, start + step)

    def sandwich(self, h: np.ndarray) -> np.ndarray:
        """X^T diag(h) X by SYRK over row chunks (h >= 0) or GEMM (signed h).

        ``X.T @ (h[:, None] * X)`` would copy X and run GEMM on the full
        matrix; chunking keeps the scaled copy in cache and SYRK does half the
        flops.
        """
        n, d = self.shape
        h = np.asarray(h, dtype=np.float64)
        if np.any(h < 0):
            return self._signed_sandwich(h)
        syrk = blas.ssyrk if self.dtype == np.float32 else blas.dsyrk
        acc = np.zeros((d, d), dtype=self.dtype, order="F")
        root = np.sqrt(h).astype(self.dtype, copy=False)
        for start, stop in self._row_chunks():
            chunk = self.X[start:stop] * root[start:stop, None]
            if chunk.flags.c_contiguous:
                # chunk.T is an F-ordered (d, rows) view: C = A A^T.
                syrk(1.0, chunk.T, beta=1.0, c=acc, trans=0, overwrite_c=1)
            else:
                chunk = np.asfortranarray(chunk)
                syrk(1.0, chunk, beta=1.0, c=acc, trans=1, overwrite_c=1)
        out = np.triu(acc).astype(np.float64)
        return out + np.triu(out, 1).T

    def _signed_sandwich(self, h: np.ndarray) -> np.ndarray:
        d = self.shape[1]
        acc = np.zeros((d, d), dtype=np.float64)
        hc = h.astype(self.dtype, copy=False)
        for start, stop in self._row_chunks():
            chunk = self.X[start:stop]
            acc += chunk.T @ (chunk * hc[start:stop, None])
        return acc

    def col_sq_norms(self, h: np.ndarray) -> np.ndarray:
        out = np.zeros(self.shape[1], dtype=np.float64)
        hc = np.asarray(h, dtype=self.dtype)
        for start, stop in self._row_chunks():
            chunk = self.X[start:stop]
            out += hc[start:stop] @ (chunk * chunk)
        return out

    def take_rows(self, rows: np.ndarray) -> "DenseMatrix":
        return DenseMatrix(self.X[rows])

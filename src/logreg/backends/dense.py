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

    def round_trip(self, v: np.ndarray, transform) -> np.ndarray:
        """X.T @ transform(0, n, X @ v).

        (Chunking both products to read X once was measured slower with
        NumPy's BLAS on small chunks; the interface allows a blockwise
        backend, such as Dask's, to fuse them.)
        """
        return self.rmatvec(transform(0, self.shape[0], self.matvec(v)))

    def row_blocks(self, bytes_per_row=None, block_bytes=None):
        """Consecutive row blocks (start, stop, view) of about ``block_bytes``.

        ``bytes_per_row`` sizes blocks by the caller's per-row working set
        (default: one row of X).
        """
        n, d = self.shape
        per_row = bytes_per_row or d * self.dtype.itemsize
        step = max(256, (block_bytes or _CHUNK_BYTES) // max(1, per_row))
        for start in range(0, n, step):
            stop = min(n, start + step)
            yield start, stop, self.X[start:stop]

    def sandwich(self, h: np.ndarray, intercept_scale=None) -> np.ndarray:
        """X^T diag(h) X, by SYRK over row chunks (h >= 0) or GEMM (signed h).

        With ``intercept_scale=s`` the result is bordered by a constant column
        of value s: [[X'HX, s X'h], [s h'X, s^2 sum h]], all from the same
        SYRK. ``X.T @ (h[:, None] * X)`` would copy X and run a full GEMM;
        chunking keeps the scaled copy in cache and SYRK does half the flops.
        """
        n, d = self.shape
        h = np.asarray(h, dtype=np.float64)
        if np.any(h < 0):
            return self._signed_sandwich(h, intercept_scale)
        q = d + (intercept_scale is not None)
        syrk = blas.ssyrk if self.dtype == np.float32 else blas.dsyrk
        acc = np.zeros((q, q), dtype=self.dtype, order="F")
        root = np.sqrt(h).astype(self.dtype, copy=False)
        for start, stop, rows in self.row_blocks(bytes_per_row=q * self.dtype.itemsize):
            # An F-ordered (rows, q) block: SYRK reads it as A with trans=1.
            block = np.empty((stop - start, q), dtype=self.dtype, order="F")
            np.multiply(rows, root[start:stop, None], out=block[:, :d])
            if q > d:
                np.multiply(root[start:stop], intercept_scale, out=block[:, d])
            syrk(1.0, block, beta=1.0, c=acc, trans=1, overwrite_c=1)
        out = np.triu(acc).astype(np.float64)
        return out + np.triu(out, 1).T

    def _signed_sandwich(self, h: np.ndarray, intercept_scale=None) -> np.ndarray:
        d = self.shape[1]
        acc = np.zeros((d, d), dtype=np.float64)
        hc = h.astype(self.dtype, copy=False)
        for start, stop, rows in self.row_blocks():
            acc += rows.T @ (rows * hc[start:stop, None])
        if intercept_scale is None:
            return acc
        return _bordered(acc, self.rmatvec(h), float(h.sum()), intercept_scale)

    def col_sq_norms(self, h: np.ndarray) -> np.ndarray:
        out = np.zeros(self.shape[1], dtype=np.float64)
        hc = np.asarray(h, dtype=self.dtype)
        for start, stop, rows in self.row_blocks():
            out += hc[start:stop] @ (rows * rows)
        return out

    def take_rows(self, rows: np.ndarray) -> "DenseMatrix":
        return DenseMatrix(self.X[rows])


def _bordered(core, border, corner, scale):
    """[[core, s b], [s b', s^2 c]]: a Gram matrix with a constant column appended."""
    d = core.shape[0]
    out = np.empty((d + 1, d + 1))
    out[:d, :d] = core
    out[:d, d] = out[d, :d] = scale * border
    out[d, d] = scale * scale * corner
    return out

"""The design-matrix interface that every solver and loss talks to.

A backend is the only code that knows how X is stored. Solvers never touch X
directly: they ask for products. Keeping the interface this small is what lets
the same Newton or L-BFGS code run on NumPy, SciPy sparse and, later, Dask or
GPU arrays.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np


class DesignMatrix(Protocol):
    """Products with the design matrix X (n rows, d columns).

    Every method returns float64 results whatever X's dtype, so that the loss
    and the solvers do their bookkeeping in double precision, while the
    passes over X run in X's own precision (float32 stays float32).
    """

    shape: tuple[int, int]
    dtype: np.dtype

    def matvec(self, w: np.ndarray) -> np.ndarray:
        """X @ w for w of shape (d,) or (d, k)."""

    def rmatvec(self, r: np.ndarray) -> np.ndarray:
        """X.T @ r for r of shape (n,) or (n, k)."""

    def round_trip(self, v: np.ndarray, transform) -> np.ndarray:
        """X.T @ transform(start, stop, X[start:stop] @ v), chunk by chunk."""

    def sandwich(self, h: np.ndarray, intercept_scale: float | None = None) -> np.ndarray:
        """X.T @ diag(h) @ X as a dense (d, d) float64 array.

        With ``intercept_scale=s``, bordered by a constant column of value s:
        the (d + 1, d + 1) Gram matrix of [X, s].
        """

    def row_blocks(self, bytes_per_row=None, block_bytes=None):
        """Yield (start, stop, dense rows) covering X in order, in blocks of
        about ``block_bytes`` (used to build dense Hessian blocks)."""

    def col_sq_norms(self, h: np.ndarray) -> np.ndarray:
        """sum_i h_i x_ij**2 for every column j."""

    def take_rows(self, rows: np.ndarray) -> "DesignMatrix":
        """A backend over a subset of rows (used for sub-sampled Hessians)."""

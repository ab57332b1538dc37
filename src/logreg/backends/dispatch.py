"""Map an input array type to its design-matrix backend.

This is the one place in the code base that branches on the type of X.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .dense import DenseMatrix
from .sparse import SparseMatrix


def as_design_matrix(X):
    """Wrap a validated X (NumPy array or SciPy CSR/CSC) in its backend."""
    if isinstance(X, (DenseMatrix, SparseMatrix)):
        return X
    if sp.issparse(X):
        return SparseMatrix(X)
    if isinstance(X, np.ndarray):
        return DenseMatrix(X)
    raise TypeError(f"no design-matrix backend for inputs of type {type(X).__name__}")


def is_sparse_backend(matrix) -> bool:
    """True when products with X are sparse (dense Hessians may not fit)."""
    return isinstance(matrix, SparseMatrix)

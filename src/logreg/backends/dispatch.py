"""Map an input array type to its design-matrix backend.

This is the one place in the code base that branches on the type of X.
Dask is optional: its backend is imported only when X is a dask array, so
``import logreg`` stays light and works without dask installed.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .dense import DenseMatrix
from .sparse import SparseMatrix


def _is_dask_array(X) -> bool:
    # Checked by module name first: no dask import unless X came from dask.
    return (type(X).__module__ or "").startswith("dask") and hasattr(X, "chunks")


def as_design_matrix(X):
    """Wrap a validated X (NumPy array, SciPy CSR/CSC or dask array) in its backend."""
    if isinstance(X, (DenseMatrix, SparseMatrix)):
        return X
    if sp.issparse(X):
        return SparseMatrix(X)
    if isinstance(X, np.ndarray):
        return DenseMatrix(X)
    if _is_dask_array(X):
        from .dask import DaskMatrix

        return DaskMatrix(X)
    if is_dask_backend(X):
        return X
    raise TypeError(f"no design-matrix backend for inputs of type {type(X).__name__}")


def is_sparse_backend(matrix) -> bool:
    """True when products with X are sparse (dense Hessians may not fit)."""
    return isinstance(matrix, SparseMatrix)


def is_dask_backend(matrix) -> bool:
    """True when X lives on a dask cluster: no column access, every pass is a round trip."""
    return type(matrix).__name__ == "DaskMatrix" and type(matrix).__module__.endswith("backends.dask")

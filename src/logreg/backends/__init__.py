"""Design-matrix backends: the only code that knows how X is stored."""

from .dense import DenseMatrix
from .dispatch import as_design_matrix, is_dask_backend, is_sparse_backend
from .sparse import SparseMatrix

__all__ = ["DenseMatrix", "SparseMatrix", "as_design_matrix", "is_dask_backend", "is_sparse_backend"]

"""Input checks shared by the inference functions that take raw (X, y)."""

from __future__ import annotations

import numpy as np


def check_binary_design(X: np.ndarray, y) -> np.ndarray:
    """Validate a 2-D design X and 0/1 responses y of matching length; return y as float64."""
    n = X.shape[0]
    y = np.asarray(y, dtype=np.float64).ravel()
    if y.shape[0] != n:
        raise ValueError(f"y has {y.shape[0]} entries, X has {n} rows")
    if not np.all(np.isin(y, (0.0, 1.0))):
        raise ValueError("y must be 0/1")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
    return y

"""User input to arrays: every input error of the estimators is raised here.

scikit-learn's validation does most of the work (NaN, inf, empty input,
inconsistent lengths, feature-count checks at predict time, with messages
that users already know); this module adds what it lacks: the names of
non-numeric DataFrame columns, the single-class case, weights, bounds and
penalty factors.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, validate_data

ACCEPTED_SPARSE = ["csr", "csc"]
FLOAT_DTYPES = [np.float64, np.float32]


def check_numeric_columns(X) -> None:
    """Name the non-numeric columns of a DataFrame instead of failing on a cast."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None or not hasattr(X, "columns"):
        return
    try:
        items = list(dtypes.items())  # pandas
    except AttributeError:
        items = list(zip(X.columns, dtypes))  # polars
    bad = []
    for name, dtype in items:
        kind = getattr(np.dtype(dtype), "kind", "O") if _is_numpy_dtype(dtype) else None
        if kind is None:
            text = str(dtype).lower()
            if not any(word in text for word in ("int", "float", "bool", "decimal")):
                bad.append(f"{name!r} ({dtype})")
        elif kind not in "biuf":
            bad.append(f"{name!r} ({dtype})")
    if bad:
        raise ValueError(
            f"non-numeric column(s) in X: {', '.join(bad)}. Encode them first "
            "(for example with sklearn.preprocessing.OneHotEncoder) or drop them."
        )


def _is_numpy_dtype(dtype) -> bool:
    try:
        np.dtype(dtype)
        return True
    except TypeError:
        return False


def validate_fit_data(estimator, X, y, sample_weight=None):
    """Validate training data; returns X, y, classes, encoded y and weights."""
    check_numeric_columns(X)
    X, y = validate_data(
        estimator,
        X,
        y,
        accept_sparse=ACCEPTED_SPARSE,
        dtype=FLOAT_DTYPES,
        order=None,
        accept_large_sparse=True,
        ensure_all_finite=True,
    )
    check_classification_targets(y)
    classes, y_encoded = np.unique(y, return_inverse=True)
    if classes.size < 2:
        raise ValueError(
            "this problem needs samples of at least 2 classes in the data, but the data "
            f"contain only one class: {classes[0]!r}"
        )
    sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
    if not np.all(np.isfinite(sample_weight)):
        raise ValueError("sample_weight contains NaN or infinity")
    if sample_weight.sum() <= 0:
        raise ValueError("sample_weight sums to zero: at least one sample needs a positive weight")
    return X, y, classes, y_encoded, sample_weight


def validate_predict_data(estimator, X):
    """Validate X at predict time (feature count and names checked against fit)."""
    check_numeric_columns(X)
    return validate_data(
        estimator,
        X,
        accept_sparse=ACCEPTED_SPARSE,
        dtype=FLOAT_DTYPES,
        reset=False,
        ensure_all_finite=True,
    )


def class_weights_per_sample(class_weight, classes, y_encoded, sample_weight) -> np.ndarray:
    """Each sample's class weight (all ones when ``class_weight`` is None)."""
    if class_weight is None:
        return np.ones(y_encoded.shape[0])
    if isinstance(class_weight, dict):
        unknown = [k for k in class_weight if k not in set(classes.tolist())]
        if unknown:
            raise ValueError(f"class_weight names classes not present in y: {unknown}")
    elif class_weight != "balanced":
        raise ValueError(f"class_weight must be None, 'balanced' or a dict, got {class_weight!r}")
    weights = compute_class_weight(
        class_weight, classes=classes, y=classes[y_encoded], sample_weight=sample_weight
    )
    return weights[y_encoded]


def check_positive_number(name, value, *, allow_inf=False, allow_zero=False):
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and not np.isnan(value)
    if ok:
        ok = value > 0 or (allow_zero and value == 0)
        ok = ok and (allow_inf or np.isfinite(value))
    if not ok:
        kind = "a non-negative" if allow_zero else "a positive"
        extra = " (np.inf allowed)" if allow_inf else ""
        raise ValueError(f"{name} must be {kind} number{extra}, got {value!r}")


def check_penalty_factor(penalty_factor, n_features) -> np.ndarray:
    """Per-feature penalty multipliers: finite, non-negative, one per feature."""
    if penalty_factor is None:
        return np.ones(n_features)
    factor = np.asarray(penalty_factor, dtype=np.float64)
    if factor.ndim == 0:
        factor = np.full(n_features, float(factor))
    if factor.shape != (n_features,):
        raise ValueError(
            f"penalty_factor must have one entry per feature ({n_features}), got shape {factor.shape}"
        )
    if not np.all(np.isfinite(factor)) or np.any(factor < 0):
        raise ValueError("penalty_factor must contain finite, non-negative numbers")
    return factor


def check_bounds(lower, upper, n_rows, n_features):
    """Broadcast coefficient bounds to (n_rows, n_features); None when unbounded."""
    if lower is None and upper is None:
        return None, None

    def broadcast(value, fill, name):
        if value is None:
            return np.full((n_rows, n_features), fill)
        arr = np.asarray(value, dtype=np.float64)
        try:
            arr = np.broadcast_to(arr, (n_rows, n_features)).copy()
        except ValueError:
            raise ValueError(
                f"{name} must be a scalar, an array of {n_features} features or of shape "
                f"({n_rows}, {n_features}); got shape {arr.shape}"
            ) from None
        if np.any(np.isnan(arr)):
            raise ValueError(f"{name} contains NaN")
        return arr

    lo = broadcast(lower, -np.inf, "lower_bounds")
    hi = broadcast(upper, np.inf, "upper_bounds")
    if np.any(lo > hi):
        raise ValueError("lower_bounds exceed upper_bounds for some coefficients: no feasible solution")
    if np.any(lo == np.inf) or np.any(hi == -np.inf):
        raise ValueError(
            "lower_bounds of +inf or upper_bounds of -inf leave no finite value for a coefficient: "
            "no feasible solution"
        )
    return lo, hi

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
    if is_dask_collection(X):
        X, y = _validate_dask_fit(estimator, X, y)
        return _finish_fit_validation(X, y, sample_weight)
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
    return _finish_fit_validation(X, y, sample_weight)


def _finish_fit_validation(X, y, sample_weight):
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
    if is_dask_collection(X):
        return _validate_dask_predict(estimator, X)
    check_numeric_columns(X)
    return validate_data(
        estimator,
        X,
        accept_sparse=ACCEPTED_SPARSE,
        dtype=FLOAT_DTYPES,
        reset=False,
        ensure_all_finite=True,
    )


# -- dask input ---------------------------------------------------------------
# X stays a lazy dask array (it is never gathered); y and the weights, n
# numbers each, are computed into memory, like the client-side eta of
# logreg.backends.dask. scikit-learn's validate_data would compute X, so the
# checks it makes are made here: 2-D numeric X with known row chunks, at least
# one row and column, lengths consistent, and finiteness by one blockwise
# reduction computed together with y (one pass over X).


def is_dask_collection(X) -> bool:
    """True for a dask Array, DataFrame or Series (dask is not imported otherwise)."""
    from .backends.dask import is_dask_collection as check

    return check(X)


def as_dask_array(X):
    """A dask collection as a 2-D float dask array with known row chunks, and its column names.

    DataFrame columns must be numeric (named otherwise); lengths of the
    partitions are computed (``to_dask_array(lengths=True)``).
    """
    import dask.array as da

    names = None
    if hasattr(X, "columns"):  # dask DataFrame
        check_numeric_columns(X)
        names = np.asarray([str(c) for c in X.columns], dtype=object)
        if not all(isinstance(c, str) for c in X.columns):
            names = None
        X = X.to_dask_array(lengths=True)
    elif not isinstance(X, da.Array):  # a dask Series or other collection
        X = X.to_dask_array(lengths=True) if hasattr(X, "to_dask_array") else da.asarray(X)
    if X.ndim == 1:
        raise ValueError(
            "Expected a 2D array, got a 1D dask array instead: reshape it with X.reshape(-1, 1) "
            "for a single feature or X.reshape(1, -1) for a single sample"
        )
    if X.ndim != 2:
        raise ValueError(f"X must be 2-dimensional, got {X.ndim} dimensions")
    if any(np.isnan(c) for c in X.chunks[0]):
        X = X.compute_chunk_sizes()
    if X.dtype not in (np.float32, np.float64):
        if X.dtype.kind not in "biuf":
            raise ValueError(f"X must be numeric, got dtype {X.dtype}")
        X = X.astype(np.float64)
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})
    return X, names


def _finite_or_raise(X, *others):
    """Compute ``others`` together with X's finiteness check (one pass over X)."""
    import dask
    import dask.array as da

    finite, *values = dask.compute(da.isfinite(X).all(), *others)
    if not bool(finite):
        raise ValueError("Input X contains NaN or infinity (checked blockwise on the dask array).")
    return values


def _validate_dask_fit(estimator, X, y):
    X, names = as_dask_array(X)
    n, d = X.shape
    if n < 1 or d < 1:
        raise ValueError(f"Found array with {n} sample(s) and {d} feature(s) while a minimum of 1 is required.")
    if is_dask_collection(y) and hasattr(y, "chunks"):
        (y,) = _finite_or_raise(X, y)  # together: a y derived from X shares the pass
    else:
        _finite_or_raise(X)
        if is_dask_collection(y):  # a dask Series (expressions: computed on its own)
            y = y.compute()
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y must be 1-dimensional, got shape {y.shape}")
    if y.shape[0] != n:
        raise ValueError(f"Found input variables with inconsistent numbers of samples: [{n}, {y.shape[0]}]")
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError("Input y contains NaN or infinity.")
    estimator.n_features_in_ = int(d)
    if names is not None:
        estimator.feature_names_in_ = names
    elif hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    return X, y


def _validate_dask_predict(estimator, X):
    X, names = as_dask_array(X)
    d = X.shape[1]
    if d != estimator.n_features_in_:
        raise ValueError(
            f"X has {d} features, but {type(estimator).__name__} is expecting "
            f"{estimator.n_features_in_} features as input."
        )
    fitted = getattr(estimator, "feature_names_in_", None)
    if fitted is not None and names is not None and list(fitted) != list(names):
        raise ValueError("The feature names should match those that were passed during fit.")
    return X


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

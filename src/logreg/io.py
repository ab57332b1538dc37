"""JSON model files: ``save(model, path)`` and ``load(path)``.

A model file holds a fitted :class:`logreg.LogisticRegression`, or a fitted
:class:`sklearn.pipeline.Pipeline` of an optional
:class:`logreg.formula.FormulaTransformer`, an optional
:class:`sklearn.preprocessing.StandardScaler` and then one, so that raw data
can be scored. Loading parses JSON and builds objects from a fixed whitelist of
types: it never unpickles, evaluates or imports anything named in the file.

A formula is stored as its text plus the plain state it learned (the kind of
each factor, the levels of each categorical one); it is parsed (never
evaluated) on load and must pass the same whitelist of term syntax that
``FormulaTransformer.fit`` enforces (column names, numbers, arithmetic,
comparisons, ``C()``, ``I()``, ``np.log`` and a few other NumPy functions), so
scoring data with a loaded formula cannot run code named in the file.

Schema (version 1)
------------------
::

    {
      "format": "logreg-model",
      "schema_version": 1,
      "logreg_version": "0.1.0",            # the version that wrote the file
      "created": "2025-01-01T12:00:00+00:00",
      "payload": {"model": MODEL},
      "sha256": "<hex>"                      # SHA-256 of the canonical payload
    }

    MODEL := {"type": "LogisticRegression", "params": PARAMS, "fitted": {
                  "classes_": ARRAY, "coef_": ARRAY, "intercept_": ARRAY,
                  "n_iter_": ARRAY, "n_features_in_": int, "solver_": str,
                  "multinomial": bool, "feature_names_in_": ARRAY (optional)}}
           | {"type": "Pipeline", "params": {"verbose": bool},
              "steps": [[name, FORMULA]] (optional) + [[name, SCALER]] (optional) + [[name, LOGREG]]}
    FORMULA := {"type": "FormulaTransformer", "params": {"formula": str}, "fitted": {
                  "target_name_": str | null, "columns_": [str, ...],
                  "encoder_state_": {factor: {"kind": "numerical" | "categorical" | "constant",
                                              "levels": [LEVEL, ...] (categorical only)}},
                  "feature_names_out_": [str, ...]}}
    LEVEL  := str | int | finite float | bool     # a category, with its JSON type
    SCALER := {"type": "StandardScaler", "params": PARAMS, "fitted": {
                  "n_features_in_": int, "n_samples_seen_": ARRAY (0-d or 1-d),
                  "mean_": ARRAY | null, "var_": ARRAY | null, "scale_": ARRAY | null,
                  "feature_names_in_": ARRAY (optional)}}
    ARRAY  := {"dtype": numpy dtype.str, "shape": [int, ...], "data": [flat, C order]}
    PARAMS := {name: VALUE} from get_params(deep=False); restored with set_params
    VALUE  := null | bool | int | finite float | str
            | {"float": "inf" | "-inf" | "nan"} | {"array": ARRAY}
            | {"dict": [[VALUE, VALUE], ...]}      # e.g. class_weight

Floats are written with Python's shortest round-tripping representation, so
they come back bit for bit; inside an ARRAY the non-finite values are the
strings ``"inf"``, ``"-inf"`` and ``"nan"``. The dtype of every array is
stored, so labels come back with their dtype (ints, floats, bools, strings;
object arrays of strings). A ``random_state`` that is not an int or None (a
``RandomState``) is stored as null: the solvers are deterministic and do not
use it.

The checksum is ``sha256(json.dumps(payload, sort_keys=True,
separators=(",", ":"), ensure_ascii=True, allow_nan=False))``. It detects
truncation, corruption and hand edits; it is not a signature (whoever edits
the file can recompute it), which is why loading also validates every type,
shape and value it reads. Unknown keys are rejected; files with a schema
version newer than this library reads ask for an upgrade.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import os
import re
import sys
from datetime import datetime, timezone

import numpy as np

from . import __version__

__all__ = ["ModelFileError", "load", "save"]

FORMAT = "logreg-model"
SCHEMA_VERSION = 1

_SUPPORTED = (
    "a fitted logreg.LogisticRegression, or a fitted sklearn.pipeline.Pipeline of an optional "
    "logreg.formula.FormulaTransformer, an optional sklearn.preprocessing.StandardScaler and a "
    "logreg.LogisticRegression, in that order"
)
_DTYPE = re.compile(r"[<>|=]?(b1|[iu][1248]|f[248]|U[0-9]{1,9}|O)")
_NONFINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


class ModelFileError(ValueError):
    """A model file that cannot be loaded.

    Raised for files that are not JSON (empty, truncated, binary), are not
    logreg model files, come from a newer schema version, fail their checksum,
    or hold missing, unknown or malformed entries. The message names the path
    and what is wrong.
    """


class _Bad(Exception):
    """Internal: what is wrong with a file; ``load`` adds the path."""


# -- saving ---------------------------------------------------------------------------------
def save(model, path) -> None:
    """Write a fitted model to a JSON model file.

    Parameters
    ----------
    model : LogisticRegression or sklearn.pipeline.Pipeline
        A fitted :class:`logreg.LogisticRegression`, or a fitted pipeline of
        an optional :class:`~sklearn.preprocessing.StandardScaler` followed by
        a :class:`logreg.LogisticRegression`.
    path : str or os.PathLike
        Where to write. The file is written beside it first and then renamed,
        so an interrupted save never leaves a half-written model at ``path``.

    Raises
    ------
    TypeError
        If ``model`` is of another kind, or holds a parameter that cannot be
        stored.
    sklearn.exceptions.NotFittedError
        If ``model`` (or one of its steps) is not fitted.
    ValueError
        If the fitted state would not load back (for example non-finite
        coefficients); no file is written then.

    See Also
    --------
    load : read the model back.
    """
    payload = {"model": _encode_model(model)}
    try:  # never write a file that load() would reject
        _decode_model(payload["model"], "payload.model")
    except _Bad as exc:
        raise ValueError(f"this model cannot be saved: {exc}") from None
    document = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "logreg_version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "payload": payload,
        "sha256": _checksum(payload),
    }
    text = _pretty(document) + "\n"
    path = os.fspath(path)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="ascii") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _pretty(value, level=0) -> str:
    """JSON with one key per line and flat lists (array data) on one line."""
    pad, end = "  " * (level + 1), "\n" + "  " * level
    if isinstance(value, dict) and value:
        items = [f"{pad}{json.dumps(k)}: {_pretty(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + end + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return "[\n" + ",\n".join(pad + _pretty(v, level + 1) for v in value) + end + "]"
    return json.dumps(value, allow_nan=False, ensure_ascii=True)


def _checksum(payload) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _encode_model(model) -> dict:
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils.validation import check_is_fitted

    from .estimator import LogisticRegression
    from .formula import FormulaTransformer

    if type(model) is LogisticRegression:
        check_is_fitted(model)
        return _encode_logreg(model)
    if type(model) is not Pipeline:
        raise TypeError(f"cannot save a {type(model).__name__}: a model file holds {_SUPPORTED}")
    kinds = [type(step) for _, step in model.steps]
    allowed = [[LogisticRegression], [StandardScaler, LogisticRegression], [FormulaTransformer, LogisticRegression],
               [FormulaTransformer, StandardScaler, LogisticRegression]]
    if kinds not in allowed:
        names = ", ".join(k.__name__ for k in kinds)
        raise TypeError(f"cannot save a Pipeline of ({names}): a model file holds {_SUPPORTED}")
    if model.memory is not None or getattr(model, "transform_input", None) is not None:
        raise TypeError("cannot save a Pipeline with memory or transform_input set; leave them None")
    steps = []
    encoders = {LogisticRegression: _encode_logreg, StandardScaler: _encode_scaler, FormulaTransformer: _encode_formula}
    for name, step in model.steps:
        check_is_fitted(step)
        steps.append([name, encoders[type(step)](step)])
    return {"type": "Pipeline", "params": {"verbose": bool(model.verbose)}, "steps": steps}


def _encode_logreg(model) -> dict:
    fitted = {
        "classes_": _encode_array(model.classes_),
        "coef_": _encode_array(model.coef_),
        "intercept_": _encode_array(model.intercept_),
        "n_iter_": _encode_array(model.n_iter_),
        "n_features_in_": int(model.n_features_in_),
        "solver_": str(model.solver_),
        "multinomial": bool(model._multinomial),
    }
    if hasattr(model, "feature_names_in_"):
        fitted["feature_names_in_"] = _encode_array(model.feature_names_in_)
    return {"type": "LogisticRegression", "params": _encode_params(model), "fitted": fitted}


def _encode_scaler(scaler) -> dict:
    fitted = {
        "n_features_in_": int(scaler.n_features_in_),
        "n_samples_seen_": _encode_array(scaler.n_samples_seen_),
    }
    for name in ("mean_", "var_", "scale_"):
        value = getattr(scaler, name)
        fitted[name] = None if value is None else _encode_array(value)
    if hasattr(scaler, "feature_names_in_"):
        fitted["feature_names_in_"] = _encode_array(scaler.feature_names_in_)
    return {"type": "StandardScaler", "params": _encode_params(scaler), "fitted": fitted}


def _encode_formula(transformer) -> dict:
    if not isinstance(transformer.formula, str):
        raise TypeError(f"cannot save FormulaTransformer(formula={transformer.formula!r}): the formula must be a str")
    state = {}
    for expr, entry in transformer.encoder_state_.items():
        state[str(expr)] = {"kind": str(entry["kind"])}
        if "levels" in entry:
            state[str(expr)]["levels"] = list(entry["levels"])
    fitted = {
        "target_name_": transformer.target_name_,
        "columns_": [str(name) for name in transformer.columns_],
        "encoder_state_": state,
        "feature_names_out_": [str(name) for name in transformer.feature_names_out_],
    }
    return {"type": "FormulaTransformer", "params": {"formula": transformer.formula}, "fitted": fitted}


def _encode_params(estimator) -> dict:
    params = {}
    for name, value in estimator.get_params(deep=False).items():
        if name == "random_state" and not (value is None or isinstance(value, numbers.Integral)):
            value = None  # a RandomState: unused by the deterministic solvers
        try:
            params[name] = _encode_value(value)
        except TypeError:
            raise TypeError(
                f"cannot save parameter {name}={value!r}: model files store None, bools, numbers, "
                "strings, numeric arrays and dicts of those"
            ) from None
    return params


def _encode_value(value):
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return value if math.isfinite(value) else {"float": _encode_float(value)}
    if isinstance(value, dict):
        return {"dict": [[_encode_value(k), _encode_value(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple, np.ndarray)):
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise TypeError("only numeric arrays can be stored as parameters")
        return {"array": _encode_array(array)}
    raise TypeError(f"cannot store a {type(value).__name__}")


def _encode_float(x: float):
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def _encode_array(array) -> dict:
    array = np.asarray(array)
    kind = array.dtype.kind
    if kind == "O" and not all(isinstance(x, str) for x in array.flat):
        raise TypeError("object arrays (labels, feature names) must contain only strings to be saved")
    if not _DTYPE.fullmatch(array.dtype.str):
        raise TypeError(f"arrays of dtype {array.dtype} cannot be saved")
    data = array.ravel().tolist()
    if kind == "f":
        data = [_encode_float(x) for x in data]
    return {"dtype": array.dtype.str, "shape": list(array.shape), "data": data}


# -- loading --------------------------------------------------------------------------------
def load(path):
    """Read a model file written by :func:`save`.

    Parameters
    ----------
    path : str or os.PathLike
        The model file.

    Returns
    -------
    LogisticRegression or sklearn.pipeline.Pipeline
        A fitted model of the kind that was saved, whose predictions are
        bit-identical to the saved model's.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist (other ``OSError`` as ``open`` raises them).
    ModelFileError
        If the file is empty, truncated, not JSON, not a logreg model file,
        from a newer schema version (upgrade logreg), modified or corrupted
        (checksum mismatch), or holds missing, unknown or malformed entries.

    Notes
    -----
    Loading never executes code from the file: it parses JSON and builds only
    LogisticRegression, StandardScaler, FormulaTransformer and Pipeline
    objects, from validated numbers, strings and arrays. A formula is parsed,
    not evaluated, and must pass the whitelist of term syntax that
    :class:`logreg.formula.FormulaTransformer` enforces.
    """
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        return _load_document(raw)
    except _Bad as exc:
        raise ModelFileError(f"{os.fspath(path)}: {exc}") from None


def _load_document(raw: bytes):
    if not raw.strip():
        raise _Bad("the file is empty, not a logreg model file")
    try:
        text = raw.decode("utf-8")
        document = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise _Bad("not a logreg model file: it is not text (binary or corrupted?)") from None
    except json.JSONDecodeError as exc:
        raise _Bad(f"not valid JSON (truncated or corrupted file?): {exc}") from None
    except RecursionError:
        raise _Bad("not a logreg model file: JSON nested too deeply") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _Bad(f'not a logreg model file: its "format" entry is not {FORMAT!r}')
    version = document.get("schema_version")
    if not _is_int(version) or version < 1:
        raise _Bad(f"invalid schema_version {_short(version)}: expected a positive integer")
    if version > SCHEMA_VERSION:
        raise _Bad(
            f"the file has schema version {version} (written by logreg "
            f"{document.get('logreg_version')!r}) but this logreg {__version__} reads up to version "
            f"{SCHEMA_VERSION}: upgrade logreg to load it"
        )
    _fields(document, "the file", ("format", "schema_version", "logreg_version", "created", "payload", "sha256"))
    for key in ("logreg_version", "created", "sha256"):
        _typed(document[key], str, key)
    try:
        expected = _checksum(document["payload"])
    except ValueError:  # a number too large for a float: json parsed it as inf
        raise _Bad("the payload holds an out-of-range number") from None
    if expected != document["sha256"]:
        raise _Bad("checksum mismatch: the file was modified or corrupted (its sha256 does not match its payload)")
    payload = _fields(document["payload"], "payload", ("model",))
    return _decode_model(payload["model"], "payload.model")


def _no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise _Bad(f"duplicate keys in a JSON object: {sorted(k for k in set(keys) if keys.count(k) > 1)}")
    return dict(pairs)


def _reject_constant(name):
    raise _Bad(f"non-standard JSON constant {name}")


def _decode_model(node, where):
    kind = _fields(node, where, ("type",), loose=True)["type"]
    if kind == "LogisticRegression":
        return _decode_logreg(node, where)
    if kind == "Pipeline":
        return _decode_pipeline(node, where)
    raise _Bad(f"{where}: unsupported model type {_short(kind)} (supported: LogisticRegression, Pipeline)")


def _decode_pipeline(node, where):
    from sklearn.pipeline import Pipeline

    node = _fields(node, where, ("type", "params", "steps"))
    params = _fields(node["params"], f"{where}.params", ("verbose",))
    _typed(params["verbose"], bool, f"{where}.params.verbose")
    steps = _typed(node["steps"], list, f"{where}.steps")
    if len(steps) not in (1, 2, 3):
        raise _Bad(f"{where}.steps: expected 1 to 3 steps, got {len(steps)}")
    decoders = {"FormulaTransformer": _decode_formula, "StandardScaler": _decode_scaler,
                "LogisticRegression": _decode_logreg}
    built = []
    for i, step in enumerate(steps):
        at = f"{where}.steps[{i}]"
        if not (isinstance(step, list) and len(step) == 2 and isinstance(step[0], str) and step[0]):
            raise _Bad(f"{at}: expected [name, model] with a non-empty string name")
        if "__" in step[0] or step[0] in [name for name, _ in built]:
            raise _Bad(f"{at}: invalid or repeated step name {step[0]!r}")
        kind = _fields(step[1], at, ("type",), loose=True)["type"]
        # Order: [FormulaTransformer], [StandardScaler], LogisticRegression (last).
        if i == len(steps) - 1:
            wanted = ("LogisticRegression",)
        elif i == 0 and len(steps) == 3:
            wanted = ("FormulaTransformer",)
        elif i == 0:
            wanted = ("FormulaTransformer", "StandardScaler")
        else:
            wanted = ("StandardScaler",)
        if kind not in wanted:
            raise _Bad(f"{at}: expected a {' or '.join(wanted)} step, got {_short(kind)}")
        built.append((step[0], decoders[kind](step[1], at)))
    for (_, first), (_, second) in zip(built, built[1:]):
        if hasattr(first, "feature_names_out_"):  # a formula: its columns feed the next step
            names = list(first.feature_names_out_)
            if second.n_features_in_ != len(names):
                raise _Bad(f"{where}: the formula gives {len(names)} columns but the next step expects "
                           f"{second.n_features_in_}")
            if hasattr(second, "feature_names_in_") and list(second.feature_names_in_) != names:
                raise _Bad(f"{where}: the formula's columns do not match the next step's feature names")
        elif first.n_features_in_ != second.n_features_in_:
            raise _Bad(f"{where}: the scaler and the model disagree on the number of features")
    return Pipeline(built, verbose=params["verbose"])


def _decode_formula(node, where):
    from .formula import FormulaState, FormulaTransformer

    node = _fields(node, where, ("type", "params", "fitted"))
    params = _fields(node["params"], f"{where}.params", ("formula",))
    formula = _typed(params["formula"], str, f"{where}.params.formula")
    try:  # parsed and checked against the term whitelist, never evaluated
        parsed = FormulaState(formula)
    except ValueError as exc:
        raise _Bad(f"{where}.params.formula: {exc}") from None
    at = f"{where}.fitted"
    fitted = _fields(node["fitted"], at, ("target_name_", "columns_", "encoder_state_", "feature_names_out_"))
    target = fitted["target_name_"]
    if target != parsed.target_name or not (target is None or isinstance(target, str)):
        raise _Bad(f"{at}.target_name_: expected {parsed.target_name!r} (from the formula), got {_short(target)}")
    if fitted["columns_"] != parsed.columns:
        raise _Bad(f"{at}.columns_: expected {parsed.columns!r} (from the formula), got {_short(fitted['columns_'])}")
    state = _typed(fitted["encoder_state_"], dict, f"{at}.encoder_state_")
    if set(state) != set(parsed.factors):
        raise _Bad(f"{at}.encoder_state_: expected one entry per factor of the formula "
                   f"{sorted(parsed.factors)}, got {_short(sorted(state))}")
    encoder_state = {}
    for expr, entry in state.items():
        here = f"{at}.encoder_state_[{expr!r}]"
        kind = _fields(entry, here, ("kind",), optional=("levels",))["kind"]
        if kind not in ("numerical", "categorical", "constant"):
            raise _Bad(f"{here}.kind: expected 'numerical', 'categorical' or 'constant', got {_short(kind)}")
        if (kind == "categorical") != ("levels" in entry):
            raise _Bad(f"{here}: levels must be given for a categorical factor and only for one")
        encoder_state[expr] = {"kind": kind}
        if "levels" in entry:
            levels = _typed(entry["levels"], list, f"{here}.levels")
            if not levels or not all(type(v) in (str, int, bool) or _is_number(v) for v in levels):
                raise _Bad(f"{here}.levels: expected a non-empty list of strings, integers, finite floats or "
                           f"booleans, got {_short(levels)}")
            if len(set(levels)) != len(levels):
                raise _Bad(f"{here}.levels: repeated levels in {_short(levels)}")
            encoder_state[expr]["levels"] = list(levels)
    names = _typed(fitted["feature_names_out_"], list, f"{at}.feature_names_out_")
    if (not names or not all(isinstance(n, str) and n for n in names) or len(set(names)) != len(names)
            or "Intercept" in names):
        raise _Bad(f"{at}.feature_names_out_: expected distinct non-empty column names (no Intercept), "
                   f"got {_short(names)}")
    transformer = FormulaTransformer(formula)
    transformer.target_name_ = target
    transformer.columns_ = list(parsed.columns)
    transformer.encoder_state_ = encoder_state
    transformer.feature_names_out_ = np.asarray(names, dtype=object)
    transformer._parsed = parsed
    return transformer


def _decode_logreg(node, where):
    from .estimator import LogisticRegression

    node = _fields(node, where, ("type", "params", "fitted"))
    model = _decode_params(LogisticRegression, node["params"], f"{where}.params")
    at = f"{where}.fitted"
    required = ("classes_", "coef_", "intercept_", "n_iter_", "n_features_in_", "solver_", "multinomial")
    fitted = _fields(node["fitted"], at, required, optional=("feature_names_in_",))
    classes = _decode_array(fitted["classes_"], f"{at}.classes_", "biufUO", ndim=1)
    if classes.size < 2 or len(set(classes.tolist())) != classes.size:
        raise _Bad(f"{at}.classes_: expected at least 2 distinct labels, got {classes.tolist()!r}")
    n_features = _typed(fitted["n_features_in_"], int, f"{at}.n_features_in_")
    if n_features < 1:
        raise _Bad(f"{at}.n_features_in_: expected a positive integer, got {n_features}")
    rows = 1 if classes.size == 2 else classes.size
    model.classes_ = classes
    model.coef_ = _decode_array(fitted["coef_"], f"{at}.coef_", "f", shape=(rows, n_features), finite=True)
    model.intercept_ = _decode_array(fitted["intercept_"], f"{at}.intercept_", "f", shape=(rows,), finite=True)
    model.n_iter_ = _decode_array(fitted["n_iter_"], f"{at}.n_iter_", "iu", ndim=1)
    if np.any(model.n_iter_ < 0):
        raise _Bad(f"{at}.n_iter_: negative iteration counts")
    model.n_features_in_ = n_features
    model.solver_ = _typed(fitted["solver_"], str, f"{at}.solver_")
    model._multinomial = _typed(fitted["multinomial"], bool, f"{at}.multinomial")
    _decode_feature_names(model, fitted, at, n_features)
    return model


def _decode_scaler(node, where):
    from sklearn.preprocessing import StandardScaler

    node = _fields(node, where, ("type", "params", "fitted"))
    scaler = _decode_params(StandardScaler, node["params"], f"{where}.params")
    at = f"{where}.fitted"
    required = ("n_features_in_", "n_samples_seen_", "mean_", "var_", "scale_")
    fitted = _fields(node["fitted"], at, required, optional=("feature_names_in_",))
    n_features = _typed(fitted["n_features_in_"], int, f"{at}.n_features_in_")
    if n_features < 1:
        raise _Bad(f"{at}.n_features_in_: expected a positive integer, got {n_features}")
    seen = _decode_array(fitted["n_samples_seen_"], f"{at}.n_samples_seen_", "iuf", finite=True)
    if seen.shape not in ((), (n_features,)) or np.any(seen < 0):
        raise _Bad(f"{at}.n_samples_seen_: expected a non-negative count or one per feature")
    scaler.n_samples_seen_ = seen[()] if seen.ndim == 0 else seen
    for name, needed in (("mean_", scaler.with_mean), ("var_", False), ("scale_", scaler.with_std)):
        value = fitted[name]
        if value is None:
            if needed:
                raise _Bad(f"{at}.{name}: missing although the scaler's parameters need it")
        else:
            value = _decode_array(value, f"{at}.{name}", "f", shape=(n_features,), finite=True)
            if name == "var_" and np.any(value < 0):
                raise _Bad(f"{at}.var_: expected non-negative variances")
            if name == "scale_" and np.any(value <= 0):
                raise _Bad(f"{at}.scale_: expected positive scales")
        setattr(scaler, name, value)
    scaler.n_features_in_ = n_features
    _decode_feature_names(scaler, fitted, at, n_features)
    return scaler


def _decode_feature_names(estimator, fitted, at, n_features):
    if "feature_names_in_" in fitted:
        names = _decode_array(fitted["feature_names_in_"], f"{at}.feature_names_in_", "UO", shape=(n_features,))
        estimator.feature_names_in_ = names.astype(object)


def _decode_params(cls, node, where):
    node = _typed(node, dict, where)
    allowed = cls().get_params(deep=False)
    unknown = sorted(set(node) - set(allowed))
    if unknown:
        raise _Bad(f"{where}: unknown parameter(s) {unknown} for {cls.__name__}")
    # Parameters missing from the file (added in a later logreg) keep their defaults.
    return cls().set_params(**{name: _decode_value(value, f"{where}.{name}") for name, value in node.items()})


def _decode_value(value, where):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Bad(f"{where}: out-of-range number")
        return value
    if isinstance(value, dict) and len(value) == 1:
        (tag, inner), = value.items()
        if tag == "float" and inner in _NONFINITE:
            return _NONFINITE[inner]
        if tag == "array":
            return _decode_array(inner, where, "biuf")
        if tag == "dict" and isinstance(inner, list):
            pairs = [_typed(pair, list, where) for pair in inner]
            if not all(len(pair) == 2 and not isinstance(pair[0], dict) for pair in pairs):
                raise _Bad(f"{where}: a dict must be a list of [key, value] pairs with scalar keys")
            return {_decode_value(k, where): _decode_value(v, where) for k, v in pairs}
    raise _Bad(f"{where}: unsupported value {_short(value)}")


def _decode_array(node, where, kinds, *, ndim=None, shape=None, finite=False):
    node = _fields(node, where, ("dtype", "shape", "data"))
    text = node["dtype"]
    if not isinstance(text, str) or not _DTYPE.fullmatch(text) or np.dtype(text).kind not in kinds:
        raise _Bad(f"{where}: unsupported dtype {_short(text)}")
    dtype = np.dtype(text)
    dims = node["shape"]
    if not (isinstance(dims, list) and all(_is_int(n) and n >= 0 for n in dims)):
        raise _Bad(f"{where}: shape must be a list of non-negative integers, got {_short(dims)}")
    if shape is not None and tuple(dims) != shape:
        raise _Bad(f"{where}: expected shape {shape}, got {tuple(dims)}")
    if ndim is not None and len(dims) != ndim:
        raise _Bad(f"{where}: expected {ndim} dimension(s), got shape {tuple(dims)}")
    data = _typed(node["data"], list, f"{where}.data")
    if len(data) != math.prod(dims):
        raise _Bad(f"{where}: {len(data)} values do not fill shape {tuple(dims)}")
    kind = dtype.kind
    check = {"b": lambda x: isinstance(x, bool), "U": lambda x: isinstance(x, str), "O": lambda x: isinstance(x, str),
             "f": lambda x: _is_number(x) or (isinstance(x, str) and x in _NONFINITE)}
    if not all(check.get(kind, _is_int)(x) for x in data):
        raise _Bad(f"{where}: values do not match dtype {text}")
    if kind == "f":
        data = [_NONFINITE[x] if isinstance(x, str) else x for x in data]
    try:
        array = np.array(data, dtype=dtype).reshape(dims)
    except (ValueError, TypeError, OverflowError):
        raise _Bad(f"{where}: values do not fit dtype {text}") from None
    if kind != "f" and array.ravel().tolist() != data:
        raise _Bad(f"{where}: values do not fit dtype {text}")
    if finite and not np.all(np.isfinite(array)):
        raise _Bad(f"{where}: contains infinite or NaN values")
    return array


def _fields(node, where, required, optional=(), *, loose=False):
    """Check that ``node`` is an object with the required keys (and, unless loose, no others)."""
    if not isinstance(node, dict):
        raise _Bad(f"{where}: expected a JSON object, got {_short(node)}")
    missing = [key for key in required if key not in node]
    if missing:
        raise _Bad(f"{where}: missing key(s) {missing}")
    unknown = sorted(set(node) - set(required) - set(optional))
    if unknown and not loose:
        raise _Bad(f"{where}: unknown key(s) {unknown}")
    return node


def _typed(value, kind, where):
    ok = _is_int(value) if kind is int else isinstance(value, kind)
    if not ok:
        raise _Bad(f"{where}: expected {'an' if kind is int else 'a'} {kind.__name__}, got {_short(value)}")
    return value


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x) -> bool:
    if isinstance(x, float):
        return math.isfinite(x)
    return _is_int(x) and abs(x) <= sys.float_info.max


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."

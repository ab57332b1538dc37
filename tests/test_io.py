"""JSON model files: exact round trips of every model kind, and rejection of bad files.

The checksum helper below is written from the schema in logreg/io.py's
docstring, not imported, so that the tests check the documented format.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

import logreg
from logreg import LogisticRegression
from logreg.io import ModelFileError, load, save


# -- helpers --------------------------------------------------------------------------------
def make_data(n=80, d=4, n_classes=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * np.array([1.0, 10.0, 0.1, 3.0])[:d]
    W = rng.normal(size=(d, n_classes))
    y = np.argmax(X / X.std(axis=0) @ W + rng.gumbel(size=(n, n_classes)), axis=1)
    return X, y


def checksum(payload) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def rewrite(path, edit, *, fix_checksum=True):
    """Apply ``edit`` to the parsed file; recompute the checksum unless told not to."""
    with open(path) as fh:
        document = json.load(fh)
    edit(document)
    if fix_checksum:
        document["sha256"] = checksum(document["payload"])
    with open(path, "w") as fh:
        json.dump(document, fh)


def fitted_node(document):
    return document["payload"]["model"]["fitted"]


def same_params(a, b):
    pa, pb = a.get_params(deep=False), b.get_params(deep=False)
    assert pa.keys() == pb.keys()
    for key in pa:
        if isinstance(pa[key], (list, tuple, np.ndarray)):
            np.testing.assert_array_equal(np.asarray(pa[key]), pb[key])
        else:
            assert pa[key] == pb[key] or (pa[key] != pa[key] and pb[key] != pb[key]), key
            assert type(pa[key]) is type(pb[key]) or isinstance(pa[key], np.generic), key


def assert_same_logreg(original, loaded):
    assert type(loaded) is LogisticRegression
    same_params(original, loaded)
    np.testing.assert_array_equal(loaded.classes_, original.classes_)
    assert loaded.classes_.dtype == original.classes_.dtype
    for name in ("coef_", "intercept_", "n_iter_"):
        a, b = getattr(original, name), getattr(loaded, name)
        assert a.dtype == b.dtype and a.shape == b.shape, name
        # bit for bit, signed zeros included
        assert a.tobytes() == b.tobytes(), name
    assert loaded.n_features_in_ == original.n_features_in_
    assert loaded.solver_ == original.solver_
    assert loaded._multinomial == original._multinomial
    assert hasattr(loaded, "feature_names_in_") == hasattr(original, "feature_names_in_")


def assert_same_predictions(original, loaded, X):
    np.testing.assert_array_equal(loaded.predict_proba(X), original.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict_log_proba(X), original.predict_log_proba(X))
    np.testing.assert_array_equal(loaded.decision_function(X), original.decision_function(X))
    predicted = loaded.predict(X)
    np.testing.assert_array_equal(predicted, original.predict(X))
    assert predicted.dtype == original.predict(X).dtype


def roundtrip(model, tmp_path, name="model.json"):
    path = tmp_path / name
    save(model, path)
    return load(path)


# -- round trips ----------------------------------------------------------------------------
def _labels(y, kind):
    if kind == "int":
        return np.array([-3, 7, 100])[y]
    if kind == "str":
        return np.array(["no", "yes", "maybe"])[y]
    if kind == "object":
        return np.array(["no", "yes", "maybe"], dtype=object)[y]
    if kind == "bool":
        return y.astype(bool)
    if kind == "float":
        return np.array([-1.0, 2.0, 5.0])[y]
    if kind == "uint8":
        return y.astype(np.uint8)
    raise AssertionError(kind)


CASES = {
    "binary": (2, "int", {}),
    "multinomial": (3, "int", {}),
    "ovr": (3, "int", {"multi_class": "ovr"}),
    "two-class-multinomial": (2, "int", {"multi_class": "multinomial"}),
    "liblinear-binary": (2, "int", {"solver": "liblinear", "intercept_scaling": 2.5}),
    "liblinear-ovr": (3, "int", {"solver": "liblinear"}),
    "string-labels": (3, "str", {}),
    "object-string-labels": (2, "object", {}),
    "bool-labels": (2, "bool", {}),
    "float-labels": (3, "float", {}),
    "uint8-labels": (3, "uint8", {}),
    "no-intercept": (3, "int", {"fit_intercept": False}),
    "no-penalty": (2, "int", {"C": np.inf}),
    "penalty-factor": (2, "int", {"penalty_factor": np.array([0.0, 1.0, 2.0, 0.5])}),
    "penalty-factor-list": (2, "int", {"penalty_factor": [0, 1, 2, 1]}),
    "bounds": (2, "int", {"lower_bounds": [-np.inf, 0.0, -0.1, -np.inf], "upper_bounds": 0.2}),
    "bounds-multinomial": (3, "int", {"lower_bounds": np.zeros((3, 4)), "upper_bounds": np.full((3, 4), np.inf)}),
    "class-weight-dict": (3, "str", {"class_weight": {"no": 2.0, "maybe": 0.5}}),
    "class-weight-balanced": (3, "int", {"class_weight": "balanced", "tol": 1e-8, "max_iter": 250}),
    "random-state": (2, "int", {"random_state": 3, "warm_start": True, "n_jobs": 2}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_roundtrip_is_bit_identical(case, tmp_path):
    n_classes, label_kind, params = CASES[case]
    X, y = make_data(n_classes=n_classes)
    y = _labels(y, label_kind)
    model = LogisticRegression(**params).fit(X, y)
    loaded = roundtrip(model, tmp_path)
    assert_same_logreg(model, loaded)
    assert_same_predictions(model, loaded, X)
    assert_same_predictions(model, loaded, make_data(n=30, n_classes=n_classes, seed=1)[0])


def test_label_kinds_come_back(tmp_path):
    X, y = make_data()
    for labels, kind in [(y.astype(bool), "b"), (np.array(["a", "b"])[y], "U"), (y.astype(np.int32), "i"),
                         (y * 2.0, "f"), (np.array(["a", "b"], dtype=object)[y], "O")]:
        loaded = roundtrip(LogisticRegression().fit(X, labels), tmp_path)
        assert loaded.classes_.dtype.kind == kind
        assert loaded.predict(X).dtype == labels.dtype


def test_float32_model(tmp_path):
    X, y = make_data(n_classes=3)
    X32 = X.astype(np.float32)
    model = LogisticRegression().fit(X32, y)
    loaded = roundtrip(model, tmp_path)
    assert_same_logreg(model, loaded)
    assert_same_predictions(model, loaded, X32)


def test_float_values_are_exact(tmp_path):
    """Awkward floats (subnormal, -0.0, huge, 1/3) survive bit for bit."""
    X, y = make_data(d=4)
    model = LogisticRegression().fit(X, y)
    model.coef_ = np.array([[5e-324, -0.0, 1.0 / 3.0, 1.7976931348623157e308]])
    model.intercept_ = np.array([np.nextafter(0.1, 1.0)])
    loaded = roundtrip(model, tmp_path)
    assert loaded.coef_.view(np.uint64).tolist() == model.coef_.view(np.uint64).tolist()
    assert loaded.intercept_.view(np.uint64).tolist() == model.intercept_.view(np.uint64).tolist()


def test_dataframe_model_keeps_feature_names(tmp_path):
    X, y = make_data(n_classes=3)
    df = pd.DataFrame(X, columns=["age", "income", "score", "visits"])
    model = LogisticRegression().fit(df, y)
    loaded = roundtrip(model, tmp_path)
    assert_same_logreg(model, loaded)
    np.testing.assert_array_equal(loaded.feature_names_in_, model.feature_names_in_)
    assert loaded.feature_names_in_.dtype == object
    assert_same_predictions(model, loaded, df)
    with pytest.raises(ValueError, match="feature names"):
        loaded.predict(df.rename(columns={"age": "AGE"}))


@pytest.mark.parametrize("scaler", [StandardScaler(), StandardScaler(with_mean=False), StandardScaler(with_std=False)])
def test_pipeline_with_scaler(scaler, tmp_path):
    X, y = make_data(n_classes=3)
    X = X * 1000 + 50  # raw, unstandardized data
    pipe = Pipeline([("scale", scaler), ("model", LogisticRegression(C=0.5))]).fit(X, np.array(["a", "b", "c"])[y])
    loaded = roundtrip(pipe, tmp_path)
    assert type(loaded) is Pipeline
    assert [name for name, _ in loaded.steps] == ["scale", "model"]
    assert type(loaded[0]) is StandardScaler
    assert loaded[0].get_params() == pipe[0].get_params()
    for name in ("mean_", "var_", "scale_"):
        a, b = getattr(pipe[0], name), getattr(loaded[0], name)
        assert (a is None and b is None) or a.tobytes() == b.tobytes()
    assert loaded[0].n_samples_seen_ == pipe[0].n_samples_seen_
    assert_same_logreg(pipe[-1], loaded[-1])
    assert_same_predictions(pipe, loaded, X)


def test_pipeline_on_dataframe_and_without_scaler(tmp_path):
    X, y = make_data()
    df = pd.DataFrame(X, columns=list("abcd"))
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(df, y)
    loaded = roundtrip(pipe, tmp_path)
    np.testing.assert_array_equal(loaded.feature_names_in_, list("abcd"))
    assert_same_predictions(pipe, loaded, df)

    bare = Pipeline([("clf", LogisticRegression())], verbose=True).fit(X, y)
    loaded = roundtrip(bare, tmp_path, "bare.json")
    assert len(loaded.steps) == 1 and loaded.verbose is True
    assert_same_predictions(bare, loaded, X)


def test_loaded_model_can_be_refit(tmp_path):
    X, y = make_data(n_classes=3)
    loaded = roundtrip(LogisticRegression(C=0.3).fit(X, y), tmp_path)
    np.testing.assert_allclose(loaded.fit(X, y).coef_, LogisticRegression(C=0.3).fit(X, y).coef_)


def test_file_layout(tmp_path):
    X, y = make_data()
    path = tmp_path / "m.json"
    save(LogisticRegression().fit(X, y), str(path))
    text = path.read_text()

    def strict(name):
        raise AssertionError(f"non-standard JSON constant {name}")

    document = json.loads(text, parse_constant=strict)
    assert document["format"] == "logreg-model"
    assert document["schema_version"] == 1
    assert document["logreg_version"] == logreg.__version__
    datetime.fromisoformat(document["created"])
    assert document["sha256"] == checksum(document["payload"])
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_random_state_object_is_stored_as_none(tmp_path):
    X, y = make_data()
    model = LogisticRegression(random_state=np.random.RandomState(0)).fit(X, y)
    loaded = roundtrip(model, tmp_path)
    assert loaded.random_state is None
    assert_same_predictions(model, loaded, X)


# -- what save refuses ----------------------------------------------------------------------
def test_save_rejects_other_models(tmp_path):
    X, y = make_data()
    with pytest.raises(TypeError, match="logreg.LogisticRegression"):
        save(SkLogisticRegression().fit(X, y), tmp_path / "m.json")
    with pytest.raises(TypeError, match="MinMaxScaler"):
        save(make_pipeline(MinMaxScaler(), LogisticRegression()).fit(X, y), tmp_path / "m.json")
    with pytest.raises(TypeError, match="StandardScaler"):
        save(make_pipeline(LogisticRegression(), StandardScaler()), tmp_path / "m.json")
    unstorable = LogisticRegression().fit(X, y).set_params(class_weight={0: object()})
    with pytest.raises(TypeError, match="parameter class_weight"):
        save(unstorable, tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_save_rejects_unfitted(tmp_path):
    with pytest.raises(NotFittedError):
        save(LogisticRegression(), tmp_path / "m.json")
    with pytest.raises(NotFittedError):
        save(make_pipeline(StandardScaler(), LogisticRegression()), tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_save_rejects_state_that_would_not_load(tmp_path):
    X, y = make_data()
    model = LogisticRegression().fit(X, y)
    model.coef_ = np.full_like(model.coef_, np.nan)
    with pytest.raises(ValueError, match="cannot be saved.*coef_"):
        save(model, tmp_path / "m.json")
    assert list(tmp_path.iterdir()) == []


# -- malformed files ------------------------------------------------------------------------
@pytest.fixture
def saved(tmp_path):
    X, y = make_data(n_classes=3)
    path = tmp_path / "model.json"
    save(LogisticRegression().fit(X, y), path)
    return path


def expect_error(path, match):
    with pytest.raises(ModelFileError, match=match) as info:
        load(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)
    return info.value


def test_truncated_file(saved):
    text = saved.read_text()
    saved.write_text(text[: len(text) // 2])
    expect_error(saved, "not valid JSON")


def test_empty_file(saved):
    saved.write_text("")
    expect_error(saved, "empty")
    saved.write_text("  \n")
    expect_error(saved, "empty")


@pytest.mark.parametrize("content", [b"hello, world", b"\x80\x04\x95pickle\x00\xff", b"[1, 2, 3]", b'"logreg-model"'])
def test_not_a_model_file(saved, content):
    saved.write_bytes(content)
    expect_error(saved, "not valid JSON|not a logreg model file")


def test_wrong_format_marker(saved):
    rewrite(saved, lambda d: d.update(format="other-model"))
    expect_error(saved, "not a logreg model file")
    rewrite(saved, lambda d: d.pop("format"))
    expect_error(saved, "not a logreg model file")


def test_future_schema_version(saved):
    def future(d):
        d["schema_version"] = 2
        d["logreg_version"] = "9.0"
        d["payload"] = {"something": "new"}

    rewrite(saved, future)
    error = expect_error(saved, "upgrade logreg")
    assert "schema version 2" in str(error)


@pytest.mark.parametrize("version", [0, "1", 1.0, None, True])
def test_invalid_schema_version(saved, version):
    rewrite(saved, lambda d: d.update(schema_version=version))
    expect_error(saved, "schema_version")


def test_tampered_coefficient_fails_checksum(saved):
    def tamper(d):
        fitted_node(d)["coef_"]["data"][0] += 1.0

    rewrite(saved, tamper, fix_checksum=False)
    expect_error(saved, "checksum mismatch: the file was modified or corrupted")


def test_edited_text_fails_checksum(saved):
    text = saved.read_text()
    saved.write_text(text.replace('"<i8"', '"<i4"', 1))  # classes_ dtype edited by hand
    expect_error(saved, "checksum mismatch")


def test_wrong_coef_shape_with_recomputed_checksum(saved):
    def reshape(d):
        fitted_node(d)["coef_"]["shape"] = [4, 3]  # 12 values, as many as (3, 4)

    rewrite(saved, reshape)
    expect_error(saved, r"coef_: expected shape \(3, 4\), got \(4, 3\)")


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda f: f["coef_"].update(data=f["coef_"]["data"][:-1]), "do not fill shape"),
        (lambda f: f["coef_"]["data"].__setitem__(0, "inf"), "infinite or NaN"),
        (lambda f: f["coef_"]["data"].__setitem__(0, "1.5"), "do not match dtype"),
        (lambda f: f["coef_"].update(dtype="|O"), "unsupported dtype"),
        (lambda f: f["intercept_"].update(shape=[2], data=[0.0, 0.0]), r"intercept_: expected shape \(3,\)"),
        (lambda f: f["classes_"].update(shape=[2], data=[0, 1]), r"coef_: expected shape \(1, 4\)"),
        (lambda f: f["classes_"].update(data=[0, 1, 1]), "distinct labels"),
        (lambda f: f["classes_"].update(data=[0, 1, "2"]), "do not match dtype"),
        (lambda f: f["classes_"].update(data=[0, 1, 2**70]), "do not fit dtype"),
        (lambda f: f.update(n_features_in_="4"), "n_features_in_: expected an int"),
        (lambda f: f.update(n_features_in_=5), r"coef_: expected shape \(3, 5\)"),
        (lambda f: f.update(multinomial=1), "multinomial: expected a bool"),
        (lambda f: f.update(feature_names_in_={"dtype": "|O", "shape": [3], "data": ["a", "b", "c"]}),
         r"feature_names_in_: expected shape \(4,\)"),
        (lambda f: f.pop("intercept_"), r"missing key\(s\) \['intercept_'\]"),
        (lambda f: f.update(extra=1), r"unknown key\(s\) \['extra'\]"),
    ],
)
def test_invalid_content_with_recomputed_checksum(saved, edit, match):
    rewrite(saved, lambda d: edit(fitted_node(d)))
    expect_error(saved, match)


def test_missing_and_unknown_top_level_keys(saved):
    rewrite(saved, lambda d: d.pop("sha256"), fix_checksum=False)
    expect_error(saved, r"missing key\(s\) \['sha256'\]")
    rewrite(saved, lambda d: d.update(sha256="0", comment="hi"))
    expect_error(saved, r"unknown key\(s\) \['comment'\]")


def test_bad_parameters(saved):
    rewrite(saved, lambda d: d["payload"]["model"]["params"].update(not_a_param=1))
    expect_error(saved, "unknown parameter")
    rewrite(saved, lambda d: d["payload"]["model"]["params"].update(not_a_param=None, C=[1.0]))
    expect_error(saved, "unknown parameter|unsupported value")
    rewrite(saved, lambda d: d["payload"]["model"]["params"].pop("not_a_param"))
    expect_error(saved, r"params.C: unsupported value")


def test_missing_parameter_takes_default(saved):
    rewrite(saved, lambda d: d["payload"]["model"]["params"].pop("tol"))
    assert load(saved).tol == LogisticRegression().tol


def test_non_standard_json_constants_rejected(saved):
    text = saved.read_text()
    saved.write_text(text.replace('"tol": 0.0001', '"tol": NaN'))
    expect_error(saved, "NaN")


def test_duplicate_keys_rejected(saved):
    text = saved.read_text()
    saved.write_text(text.replace('"n_features_in_": 4', '"n_features_in_": 4, "n_features_in_": 5'))
    expect_error(saved, "duplicate keys")


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nope.json")


def test_bad_pipeline_structure(tmp_path):
    X, y = make_data()
    path = tmp_path / "p.json"
    save(make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y), path)

    def swap(d):
        steps = d["payload"]["model"]["steps"]
        steps.reverse()

    rewrite(path, swap)
    expect_error(path, r"steps\[0\]: expected a FormulaTransformer or StandardScaler step, got 'LogisticRegression'")
    save(make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y), path)
    rewrite(path, lambda d: d["payload"]["model"]["steps"][0][1]["fitted"].update(scale_=None))
    expect_error(path, "scale_: missing")
    save(make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y), path)
    rewrite(path, lambda d: d["payload"]["model"]["steps"][0][1]["fitted"]["scale_"]["data"].__setitem__(0, 0.0))
    expect_error(path, "scale_: expected positive")


# -- loading never executes code ------------------------------------------------------------
EVIL_MODULE = "logreg_io_test_evil_module"


@pytest.fixture
def evil_module(tmp_path, monkeypatch):
    """A module on sys.path whose import would leave a marker file."""
    marker = tmp_path / "imported.txt"
    (tmp_path / f"{EVIL_MODULE}.py").write_text(
        f"open({str(marker)!r}, 'w').write('imported')\nclass Model:\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield marker
    sys.modules.pop(EVIL_MODULE, None)


@pytest.mark.parametrize(
    "model_node",
    [
        {"type": f"{EVIL_MODULE}.Model", "params": {}, "fitted": {}},
        {"type": f"{EVIL_MODULE}:Model"},
        {"__reduce__": [f"{EVIL_MODULE}.Model", []], "type": "LogisticRegression"},
        {"type": "Pipeline", "params": {"verbose": False}, "steps": [["m", {"type": f"{EVIL_MODULE}.Model"}]]},
        {"type": "LogisticRegression", "params": {"C": {"__class__": f"{EVIL_MODULE}.Model"}}, "fitted": {}},
        {"type": "LogisticRegression", "params": {"C": {"py/object": f"{EVIL_MODULE}.Model"}}, "fitted": {}},
    ],
)
def test_loading_never_imports_named_code(saved, evil_module, model_node):
    rewrite(saved, lambda d: d["payload"].update(model=model_node))
    with pytest.raises(ModelFileError):
        load(saved)
    assert EVIL_MODULE not in sys.modules
    assert not evil_module.exists()


def test_code_in_dtype_or_pickle_bytes_rejected(saved, evil_module):
    rewrite(saved, lambda d: fitted_node(d)["classes_"].update(dtype=f"{EVIL_MODULE}.Model"))
    expect_error(saved, "unsupported dtype")
    rewrite(saved, lambda d: fitted_node(d)["coef_"].update(dtype="V8"))
    expect_error(saved, "unsupported dtype")
    import pickle

    saved.write_bytes(pickle.dumps(LogisticRegression()))
    expect_error(saved, "not a logreg model file|not valid JSON")
    assert EVIL_MODULE not in sys.modules and not evil_module.exists()

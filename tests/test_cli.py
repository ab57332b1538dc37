"""The ``logreg`` command, run as a user runs it: in a subprocess, on files made here.

Each subprocess costs a second or two (Python, pandas and scikit-learn
imports), so one fit serves several checks through module-scoped fixtures.
"""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

import logreg

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run(*args, cwd=None, check=True):
    """``logreg ARGS`` in a subprocess (``python -m logreg.cli``); the CompletedProcess."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    env.pop("LOGREG_TRACEBACK", None)
    proc = subprocess.run(
        [sys.executable, "-m", "logreg.cli", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=120,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"logreg {' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stderr}")
    return proc


def assert_user_error(proc, *fragments):
    """Exit status 2 and one 'logreg: error:' line on stderr naming the fragments; no traceback."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("logreg: error:"), proc.stderr
    assert "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


# -- data -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(0)
    n = 160
    frame = pd.DataFrame({
        "id": np.arange(1000, 1000 + n),
        "x1": rng.normal(size=n),
        "x2": rng.normal(size=n),
        "flag": rng.random(n) < 0.5,
    })
    frame["y"] = (frame.x1 - 0.7 * frame.x2 + 0.8 * rng.normal(size=n) > 0).astype(int)
    frame["species"] = np.where(frame.x1 > 0.5, "setosa", np.where(frame.x1 < -0.5, "virginica", "versicolor"))
    frame["color"] = rng.choice(["red", "green", "blue"], n)
    frame.drop(columns=["species", "color"]).to_csv(root / "binary.csv", index=False)
    frame.drop(columns=["y", "color"]).to_parquet(root / "multi.parquet")
    frame.drop(columns=["species"]).to_csv(root / "colors.csv", index=False)
    (root / "garbage.json").write_text("this is not a model {")
    return root, frame


@pytest.fixture(scope="module")
def binary_fit(data):
    root, _ = data
    model = root / "binary.json"
    proc = run("fit", root / "binary.csv", "--target", "y", "--exclude", "id", "--C", "10", "--out", model)
    return model, proc.stdout


@pytest.fixture(scope="module")
def multi_fit(data):
    root, _ = data
    model = root / "multi.json"
    proc = run("fit", root / "multi.parquet", "--target", "species", "--exclude", "id", "--scale",
               "--test-size", "0", "--class-weight", "balanced", "--out", model)
    return model, proc.stdout


# -- fit ------------------------------------------------------------------------------------
def test_fit_prints_coefficients_and_test_metrics_and_saves_a_loadable_model(binary_fit):
    path, out = binary_fit
    model = logreg.load(path)
    assert type(model).__name__ == "LogisticRegression"
    assert list(model.feature_names_in_) == ["x1", "x2", "flag"]
    assert model.C == 10
    # The coefficient table: the printed numbers are the saved model's, odds ratio = exp.
    assert re.search(r"coefficient\s+odds ratio", out)
    printed = {}
    for name in ("intercept", "x1", "x2", "flag"):
        match = re.search(rf"^{name}\s+(\S+)\s+(\S+)$", out, re.M)
        assert match, (name, out)
        printed[name] = (float(match[1]), float(match[2]))
    expected = dict(zip(["intercept", "x1", "x2", "flag"], [model.intercept_[0], *model.coef_[0]]))
    for name, (coef, odds) in printed.items():
        assert coef == pytest.approx(expected[name], rel=1e-5)
        assert odds == pytest.approx(np.exp(expected[name]), rel=1e-5)
    # Metrics of the test split (default 25 % of 160 rows), with the probability block.
    assert "test split (40 observations" in out
    assert re.search(r"test accuracy:\s+0\.\d{4}", out)
    for column in ("precision", "recall", "specificity", "npv", "roc auc", "log loss", "brier score"):
        assert column in out
    assert f"model saved to {path}" in out


def test_fit_multiclass_scaled_on_parquet_without_split(multi_fit):
    path, out = multi_fit
    model = logreg.load(path)
    assert [type(step).__name__ for _, step in model.steps] == ["StandardScaler", "LogisticRegression"]
    assert model.steps[-1][1].class_weight == "balanced"
    assert list(model.steps[-1][1].classes_) == ["setosa", "versicolor", "virginica"]
    assert "TRAINING data" in out and "test accuracy" not in out
    for cls in ("setosa", "versicolor", "virginica"):  # one block of coefficients per class
        assert re.search(rf"^{cls}\s+intercept\s", out, re.M), out


# -- predict ---------------------------------------------------------------------------------
def test_predict_writes_classes_and_probabilities_in_input_order(data, binary_fit, multi_fit):
    root, frame = data
    features = frame[["x1", "x2", "flag"]].astype(float)

    # Binary model, CSV file output with an id column.
    model_path, _ = binary_fit
    run("predict", model_path, root / "binary.csv", "--id", "id", "--out", root / "pred.csv")
    pred = pd.read_csv(root / "pred.csv")
    model = logreg.load(model_path)
    assert list(pred.columns) == ["id", "predicted", "proba_0", "proba_1"]
    assert len(pred) == len(frame)
    np.testing.assert_array_equal(pred["id"], frame["id"])
    np.testing.assert_array_equal(pred["predicted"], model.predict(features))
    np.testing.assert_allclose(pred[["proba_0", "proba_1"]], model.predict_proba(features), rtol=1e-14, atol=0)

    # Multiclass pipeline, Parquet input, CSV on stdout (default).
    model_path, _ = multi_fit
    proc = run("predict", model_path, root / "multi.parquet")
    pred = pd.read_csv(io.StringIO(proc.stdout))
    model = logreg.load(model_path)
    assert list(pred.columns) == ["predicted", "proba_setosa", "proba_versicolor", "proba_virginica"]
    np.testing.assert_array_equal(pred["predicted"], model.predict(features))
    np.testing.assert_allclose(pred.iloc[:, 1:], model.predict_proba(features), rtol=1e-14, atol=0)

    # Parquet output: the exact probabilities.
    run("predict", model_path, root / "multi.parquet", "--out", root / "pred.parquet")
    pred = pd.read_parquet(root / "pred.parquet")
    np.testing.assert_array_equal(pred.iloc[:, 1:].to_numpy(), model.predict_proba(features))


# -- report ----------------------------------------------------------------------------------
class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.images, self.tables, self.text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "img":
            self.images.append(attrs)
        if tag == "table":
            self.tables.append(attrs.get("class"))

    def handle_data(self, data):
        self.text.append(data)


def _parse_report(path):
    page = path.read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(page)
    parser.close()
    assert page.lstrip().startswith("<!DOCTYPE html>")
    assert {"html", "head", "title", "body", "table", "img"} <= set(parser.tags)
    for image in parser.images:
        src = image["src"]
        assert src.startswith("data:image/png;base64,"), src[:40]
        assert base64.b64decode(src.split(",", 1)[1], validate=True).startswith(PNG_SIGNATURE)
    return parser, " ".join(parser.text)


def test_report_is_one_html_page_with_summary_metrics_and_embedded_plots(data, binary_fit, multi_fit):
    root, _ = data
    run("report", binary_fit[0], root / "binary.csv", "--target", "y", "--out", root / "binary.html")
    parser, text = _parse_report(root / "binary.html")
    assert {"model", "coefficients", "metrics", "scores", "confusion"} <= set(parser.tables)
    for word in ("intercept", "x1", "x2", "flag", "odds ratio", "roc auc", "specificity"):
        assert word in text
    alts = [image["alt"] for image in parser.images]
    assert alts == ["Confusion matrix", "ROC curve", "Precision-recall curve", "Calibration curve", "Coefficients"]

    run("report", multi_fit[0], root / "multi.parquet", "--target", "species", "--out", root / "multi.html")
    parser, text = _parse_report(root / "multi.html")
    assert "virginica" in text and "coefficients" in parser.tables
    alts = [image["alt"] for image in parser.images]  # no calibration curve for three classes
    assert alts == ["Confusion matrix", "ROC curve", "Precision-recall curve", "Coefficients"]


# -- formula ---------------------------------------------------------------------------------
def test_formula_fit_predict_report(data):
    pytest.importorskip("logreg.formula")
    root, frame = data
    model_path = root / "formula.json"
    proc = run("fit", root / "colors.csv", "--formula", "y ~ x1 + x2 + C(color)", "--scale", "--out", model_path)
    assert re.search(r"^C\(color\)\[T\.red\]\s", proc.stdout, re.M), proc.stdout
    model = logreg.load(model_path)
    assert type(model.steps[0][1]).__name__ == "FormulaTransformer"
    proc = run("predict", model_path, root / "colors.csv")
    pred = pd.read_csv(io.StringIO(proc.stdout))
    np.testing.assert_allclose(pred[["proba_0", "proba_1"]], model.predict_proba(frame), rtol=1e-14, atol=0)
    # report: the target comes from the formula's left side
    run("report", model_path, root / "colors.csv", "--out", root / "formula.html")
    parser, text = _parse_report(root / "formula.html")
    assert "C(color)[T.red]" in text and len(parser.images) == 5


# -- demo ------------------------------------------------------------------------------------
TUTORIAL_CONFUSION = [
    [27, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 32, 0, 0, 0, 0, 1, 0, 1, 1],
    [1, 1, 33, 1, 0, 0, 0, 0, 0, 0],
    [0, 0, 1, 28, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 29, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 0, 39, 0, 0, 0, 1],
    [0, 1, 0, 0, 0, 0, 43, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 39, 0, 0],
    [0, 2, 1, 2, 0, 0, 0, 1, 33, 0],
    [0, 0, 0, 1, 0, 1, 0, 2, 1, 36],
]


def test_demo_prints_the_tutorials_figures_and_writes_the_heatmap(tmp_path):
    proc = run("demo", cwd=tmp_path)  # default plot path, in the working directory
    out = proc.stdout
    assert re.search(r"test accuracy:\s+0\.94", out)
    assert re.search(r"^\s+accuracy\s+0\.94\s+360$", out, re.M)
    rows = re.findall(r"^\s*\[+([\d\s]+)\]+$", out, re.M)
    assert [[int(v) for v in row.split()] for row in rows] == TUTORIAL_CONFUSION
    png = tmp_path / "logreg-demo-confusion.png"
    assert png.read_bytes().startswith(PNG_SIGNATURE)
    assert f"written to {png.name}" in out


# -- errors and help ---------------------------------------------------------------------------
def test_user_errors_are_one_line_and_exit_2(data, binary_fit):
    root, _ = data
    model, _ = binary_fit
    assert_user_error(run("fit", root / "nope.csv", "--target", "y", "--out", root / "m.json", check=False),
                      "nope.csv", "no such file")
    assert_user_error(run("fit", root / "binary.csv", "--target", "label", "--out", root / "m.json", check=False),
                      "no column 'label'")
    assert_user_error(run("fit", root / "colors.csv", "--target", "y", "--out", root / "m.json", check=False),
                      "non-numeric", "'color'", "--formula")
    assert_user_error(run("predict", root / "garbage.json", root / "binary.csv", check=False),
                      "cannot load the model", "garbage.json")
    assert_user_error(run("report", model, root / "binary.xlsx", "--target", "y", "--out", root / "r.html",
                          check=False), "unsupported data file extension '.xlsx'")
    assert_user_error(run("fit", root / "binary.csv", "--target", "y", "--penalty", "elasticnet", "--out",
                          root / "m.json", check=False), "l1_ratio")
    assert_user_error(run("report", model, root / "binary.csv", "--out", root / "r.html", check=False), "--target")
    assert_user_error(run("fit", root / "binary.csv", "--out", root / "m.json", "--test-size", "1.5", check=False),
                      "--test-size")


@pytest.mark.parametrize(
    "command, options",
    [
        ([], ["demo", "fit", "predict", "report"]),
        (["demo"], ["--plot", "--no-plot"]),
        (["fit"], ["--target", "--formula", "--penalty", "--C", "--l1-ratio", "--solver", "--class-weight",
                   "--test-size", "--stratify", "--scale", "--seed", "--out", "examples:"]),
        (["predict"], ["MODEL.json", "DATA", "--out", "--id"]),
        (["report"], ["MODEL.json", "DATA", "--target", "--out"]),
    ],
)
def test_help(command, options):
    out = run(*command, "--help").stdout
    for option in options:
        assert option in out

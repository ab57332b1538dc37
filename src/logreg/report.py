"""A fitted model's evaluation as one self-contained HTML page, and the coefficient table.

:func:`build_report` returns the page: a description of the model, the
coefficient table, the classification metrics on the given data and the plots
(confusion matrix, ROC and precision-recall curves, the calibration curve for
a binary model, the coefficient forest plot), each embedded as a PNG
``data:`` URI, so the file can be mailed or archived on its own.

:func:`coefficient_table` is what ``logreg fit`` prints: one row per feature
(the intercept first) with the coefficient and its odds ratio, per class for a
multiclass model. It is the seam for the statsmodels-style summary (standard
errors, z, p-values, confidence intervals) that arrives with the inference
work: once ``LogisticRegression.summary()`` exists, ``logreg fit`` and this
report can show it instead.

matplotlib is used through :class:`matplotlib.figure.Figure` directly (never
``pyplot``), so building a report needs no display and changes no global
state.
"""

from __future__ import annotations

import base64
import html
import io
import warnings
from datetime import datetime, timezone

import numpy as np

__all__ = [
    "build_report", "coefficient_table", "describe_model", "feature_names", "final_estimator", "formula_step",
]


# -- the parts of a model -------------------------------------------------------------------
def final_estimator(model):
    """The LogisticRegression of a model file's model (itself, or a pipeline's last step)."""
    return model.steps[-1][1] if hasattr(model, "steps") else model


def _step(model, kind: str):
    """The pipeline step of class ``kind`` (by name: formula.py is imported only when used), or None."""
    steps = model.steps if hasattr(model, "steps") else []
    return next((step for _, step in steps if type(step).__name__ == kind), None)


def formula_step(model):
    """The FormulaTransformer of a pipeline, or None."""
    return _step(model, "FormulaTransformer")


def feature_names(model) -> list[str]:
    """Names of the columns the LogisticRegression sees (after a formula, before scaling).

    The model's own ``feature_names_in_``; else those of the scaler in front of
    it (a scaler passes arrays on, so the model itself has no names then);
    else x1, x2, ...
    """
    final = final_estimator(model)
    names = getattr(final, "feature_names_in_", None)
    if names is None and hasattr(model, "steps") and len(model.steps) > 1:
        names = getattr(model.steps[-2][1], "feature_names_in_", None)
    if names is None:
        return [f"x{j + 1}" for j in range(final.n_features_in_)]
    return [str(n) for n in names]


def coefficient_table(model):
    """Coefficients and odds ratios, intercept first, as a pandas DataFrame.

    Binary model: index ``feature``, columns ``coefficient`` (log-odds of the
    second class, ``classes_[1]``) and ``odds ratio`` (its exponential).
    Multiclass model: the same columns with a (``class``, ``feature``) index,
    one block per row of ``coef_``.

    With a scaler in the pipeline the coefficients are per standard deviation
    of each feature (the model sees standardized columns).
    """
    import pandas as pd

    final = final_estimator(model)
    names = feature_names(model)
    W = np.asarray(final.coef_, dtype=np.float64)
    b = np.broadcast_to(np.asarray(final.intercept_, dtype=np.float64).ravel(), (W.shape[0],))
    has_intercept = bool(getattr(final, "fit_intercept", True))
    rows = []
    for r in range(W.shape[0]):
        coefs = ([("intercept", b[r])] if has_intercept else []) + list(zip(names, W[r]))
        for name, value in coefs:
            rows.append((str(final.classes_[r]) if W.shape[0] > 1 else None, name, value))
    table = pd.DataFrame(rows, columns=["class", "feature", "coefficient"])
    with np.errstate(over="ignore"):
        table["odds ratio"] = np.exp(table["coefficient"].to_numpy())
    if W.shape[0] == 1:
        return table.drop(columns="class").set_index("feature")
    return table.set_index(["class", "feature"])


def describe_model(model) -> list[tuple[str, str]]:
    """(label, value) pairs that describe the model: steps, formula, parameters, classes."""
    final = final_estimator(model)
    formula = _step(model, "FormulaTransformer")
    scaler = _step(model, "StandardScaler")
    steps = [name for name, _ in model.steps] if hasattr(model, "steps") else ["model"]
    params = final.get_params(deep=False)
    items = [
        ("model", "LogisticRegression" + (f" in a Pipeline ({' → '.join(steps)})" if len(steps) > 1 else "")),
    ]
    if formula is not None:
        items.append(("formula", str(getattr(formula, "formula", formula))))
    items += [
        ("standardized features", "yes (coefficients per standard deviation)" if scaler is not None else "no"),
        ("penalty", str(params.get("penalty"))),
        ("C", f"{params.get('C'):g}"),
        ("l1_ratio", str(params.get("l1_ratio"))),
        ("class weight", str(params.get("class_weight"))),
        ("solver", f"{params.get('solver')} (used: {getattr(final, 'solver_', '?')})"),
        ("classes", ", ".join(str(c) for c in final.classes_)),
        ("features", str(final.n_features_in_)),
        ("iterations", ", ".join(str(int(n)) for n in np.ravel(final.n_iter_))),
    ]
    return items


# -- plots ------------------------------------------------------------------------------------
def _figure(width=6.0, height=4.5):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def _png_data_uri(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _plot_confusion(final, y, y_pred, proba):
    from .plot import plot_confusion_matrix

    k = len(final.classes_)
    fig, ax = _figure(max(4.5, 0.55 * k + 2), max(4.0, 0.55 * k + 1.5))
    plot_confusion_matrix(y, y_pred, ax=ax, labels=final.classes_)
    ax.set_title("Confusion matrix")
    return fig


def _one_vs_rest(final, y):
    """(name, y_true as bools or labels, column, pos_label) per curve."""
    classes = final.classes_
    if len(classes) == 2:
        return [(f"class {classes[1]}", y, 1, classes[1])]
    return [(f"class {c} vs rest", np.asarray(y) == c, i, True) for i, c in enumerate(classes)]


def _plot_roc(final, y, y_pred, proba):
    from sklearn.metrics import RocCurveDisplay

    fig, ax = _figure()
    curves = _one_vs_rest(final, y)
    for i, (name, truth, col, pos) in enumerate(curves):
        RocCurveDisplay.from_predictions(
            truth, proba[:, col], pos_label=pos, name=name, ax=ax, plot_chance_level=(i == len(curves) - 1)
        )
    ax.set_title("ROC curve" + (" (one vs rest)" if len(curves) > 1 else ""))
    if len(curves) > 1:
        ax.set_xlabel("False positive rate")
        ax.set_ylabel("True positive rate")
    if len(curves) > 4:
        ax.legend(fontsize="x-small")
    return fig


def _plot_precision_recall(final, y, y_pred, proba):
    from sklearn.metrics import PrecisionRecallDisplay

    fig, ax = _figure()
    curves = _one_vs_rest(final, y)
    for name, truth, col, pos in curves:
        PrecisionRecallDisplay.from_predictions(truth, proba[:, col], pos_label=pos, name=name, ax=ax)
    ax.set_title("Precision-recall curve" + (" (one vs rest)" if len(curves) > 1 else ""))
    if len(curves) > 1:
        ax.set_xlabel("Recall")
        ax.set_ylabel("Precision")
    if len(curves) > 4:
        ax.legend(fontsize="x-small")
    return fig


def _plot_calibration(final, y, y_pred, proba):
    from sklearn.calibration import CalibrationDisplay

    fig, ax = _figure()
    n_bins = int(np.clip(len(y) // 10, 2, 10))
    CalibrationDisplay.from_predictions(
        y, proba[:, 1], pos_label=final.classes_[1], n_bins=n_bins, name=f"class {final.classes_[1]}", ax=ax
    )
    ax.set_title(f"Calibration curve ({n_bins} bins)")
    return fig


def _plot_coefficients(model):
    from .plot import CoefficientPlot

    final = final_estimator(model)
    k = final.coef_.shape[1]
    fig, ax = _figure(6.5, min(40.0, max(3.0, 0.28 * k * (1 + 0.15 * (final.coef_.shape[0] - 1)) + 1.2)))
    CoefficientPlot.from_estimator(final, feature_names=feature_names(model), ax=ax)
    ax.set_title("Coefficients (log-odds)")
    return fig


# -- the page ---------------------------------------------------------------------------------
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 1.8em; }
table { border-collapse: collapse; margin: .8em 0; font-size: .92em; }
th, td { border: 1px solid #ddd; padding: .25em .6em; text-align: right; }
th { background: #f4f4f4; } td.label, th.label { text-align: left; }
figure { margin: 1em 0; } figcaption { color: #555; font-size: .9em; }
img { max-width: 100%; height: auto; } .note { color: #a33; }
"""


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def _fmt(value) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:.4g}"
    return str(value)


def _html_table(header, rows, *, label_columns=1, css_class=None) -> str:
    cls = f' class="{css_class}"' if css_class else ""
    head = "".join(
        f'<th{" class=label" if i < label_columns else ""} scope="col">{_esc(h)}</th>' for i, h in enumerate(header)
    )
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="label">{_esc(v)}</td>' if i < label_columns else f"<td>{_esc(_fmt(v))}</td>"
            for i, v in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def build_report(model, X, y, *, title: str = "logreg model report", source: str | None = None) -> str:
    """The HTML page of a fitted model evaluated on (X, y).

    Parameters
    ----------
    model : LogisticRegression or Pipeline
        A fitted model, as :func:`logreg.load` returns it.
    X : DataFrame or array-like
        What ``model.predict`` takes (the raw data frame for a formula pipeline).
    y : array-like of shape (n_samples,)
        The true labels.
    title : str
        The page title.
    source : str, optional
        Where the data came from (shown on the page).

    Returns
    -------
    str
        A complete HTML document; every plot is an ``<img>`` whose ``src`` is a
        ``data:image/png;base64,...`` URI.
    """
    from sklearn.metrics import confusion_matrix

    from .metrics import classification_report

    final = final_estimator(model)
    classes = final.classes_
    y = np.asarray(y)
    y_pred = model.predict(X)
    proba = model.predict_proba(X)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_esc(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_esc(title)}</h1>",
        f"<p>Written by logreg on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"
        + (f" from <code>{_esc(source)}</code>" if source else "")
        + f": {len(y)} observations.</p>",
        '<h2 id="summary">Summary</h2>',
        _html_table(["", ""], describe_model(model), label_columns=1, css_class="model"),
    ]
    table = coefficient_table(model)
    what = f"log-odds of class {classes[1]}" if len(classes) == 2 else "one row of coefficients per class"
    parts.append(f"<p>Coefficients ({_esc(what)}) and odds ratios (exp of the coefficient).</p>")
    index_names = list(table.index.names)
    rows = [
        (*(idx if isinstance(idx, tuple) else (idx,)), *values)
        for idx, values in zip(table.index, table.itertuples(index=False))
    ]
    parts.append(
        _html_table([*index_names, *table.columns], rows, label_columns=len(index_names), css_class="coefficients")
    )

    parts.append('<h2 id="metrics">Metrics</h2>')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            report = classification_report(
                y, y_pred, y_proba=proba, labels=classes, output_dict=True, zero_division=0
            )
        except ValueError as exc:  # e.g. one class only in y: no ROC AUC
            parts.append(f'<p class="note">Probability scores not computed: {_esc(exc)}</p>')
            report = classification_report(y, y_pred, labels=classes, output_dict=True, zero_division=0)
    per_class = [k for k, v in report.items() if isinstance(v, dict)]
    columns = ["precision", "recall", "f1-score", "support", "specificity", "npv"]
    rows = [(k, *(report[k][c] for c in columns)) for k in per_class]
    parts.append(_html_table(["class", *columns], rows, css_class="metrics"))
    scalars = [(k, v) for k, v in report.items() if not isinstance(v, dict)]
    parts.append(_html_table(["score", "value"], scalars, css_class="scores"))
    cm = confusion_matrix(y, y_pred, labels=classes)
    parts.append("<p>Confusion matrix (rows: actual, columns: predicted).</p>")
    parts.append(
        _html_table(["actual \\ predicted", *classes], [(c, *row) for c, row in zip(classes, cm)], css_class="confusion")
    )

    parts.append('<h2 id="plots">Plots</h2>')
    plots = [("Confusion matrix", _plot_confusion), ("ROC curve", _plot_roc), ("Precision-recall curve", _plot_precision_recall)]
    if len(classes) == 2:
        plots.append(("Calibration curve", _plot_calibration))
    plots.append(("Coefficients", lambda *_: _plot_coefficients(model)))
    for caption, draw in plots:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                uri = _png_data_uri(draw(final, y, y_pred, proba))
        except ValueError as exc:  # e.g. a curve needs both classes in y
            parts.append(f'<p class="note">{_esc(caption)} not drawn: {_esc(exc)}</p>')
            continue
        parts.append(f'<figure><img src="{uri}" alt="{_esc(caption)}"><figcaption>{_esc(caption)}</figcaption></figure>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"

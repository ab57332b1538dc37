"""The ``logreg`` command: ``demo``, ``fit``, ``predict`` and ``report``.

Every user error (a missing or unreadable file, a missing column, text in a
feature column without a formula, a corrupt model file, an unsupported
extension, an option the estimator rejects) prints one line
``logreg: error: ...`` to stderr and exits with status 2; warnings print as
``logreg: warning: ...``. Set ``LOGREG_TRACEBACK=1`` to see the traceback
instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

_EPILOG_FIT = """\
examples:
  logreg fit admissions.csv --target admit --out model.json
  logreg fit admissions.parquet --formula "admit ~ gre + gpa + C(rank)" --scale --out model.json
  logreg fit digits.csv --target digit --C 0.05 --class-weight balanced --stratify --out model.json

Without --formula every column except the target is a feature and must be
numeric (or true/false); use --formula to encode text columns (C(column)) or
to choose the features. The data are split into a training part and a test
part (--test-size, default 0.25); the metrics printed are those of the test
part, and the model saved is the one fitted on the training part.
"""

_EPILOG_PREDICT = """\
examples:
  logreg predict model.json new.csv                       # CSV to the terminal
  logreg predict model.json new.parquet --out scores.parquet --id customer_id

The output has one row per input row, in the input order: the --id columns
(if any), "predicted" (the class) and one "proba_<class>" column per class.
"""

_EPILOG_REPORT = """\
example:
  logreg report model.json test.csv --target admit --out report.html

Use data the model was not fitted on (a held-out test file) for an honest
evaluation. The page is self-contained: the plots are embedded PNG images.
"""

_PENALTIES = ("l2", "none", "l1", "elasticnet")
_SOLVERS = ("auto", "lbfgs", "newton-cg", "newton-cholesky", "newton-cd", "liblinear", "saga", "sag")
_READERS = {".csv": "csv", ".tsv": "tsv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet"}


class CLIError(Exception):
    """A user error: printed as one ``logreg: error:`` line, exit status 2."""


class _Formatter(argparse.HelpFormatter):
    """Wraps descriptions; keeps the examples in epilogs as written."""

    def _fill_text(self, text, width, indent):
        if text.startswith(("example:", "examples:")):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one ``logreg: error:`` line too."""

    def error(self, message):
        self.exit(2, f"logreg: error: {message} (see '{self.prog} --help')\n")


# -- data files -------------------------------------------------------------------------------
def _kind(path: str, what: str) -> str:
    lower = path.lower()
    for compressed in (".gz", ".bz2", ".zip", ".xz", ".zst"):
        if lower.endswith(compressed) and not lower.endswith((".parquet" + compressed, ".pq" + compressed)):
            lower = lower[: -len(compressed)]
            break
    ext = os.path.splitext(lower)[1]
    if ext not in _READERS:
        known = ", ".join(sorted(_READERS))
        raise CLIError(f"{path}: unsupported {what} file extension {ext or '(none)'!r}; use one of {known}")
    return _READERS[ext]


def read_data(path: str):
    """A CSV/TSV or Parquet file as a pandas DataFrame (CLIError when it cannot be read)."""
    import pandas as pd

    kind = _kind(path, "data")
    if not os.path.exists(path):
        raise CLIError(f"{path}: no such file")
    if os.path.isdir(path):
        raise CLIError(f"{path}: is a directory, not a data file")
    try:
        if kind == "parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, sep="\t" if kind == "tsv" else ",")
    except pd.errors.EmptyDataError:
        raise CLIError(f"{path}: the file is empty") from None
    except Exception as exc:  # parser and Arrow errors have many types
        raise CLIError(f"{path}: cannot read it as {kind.upper()}: {_one_line(exc)}") from None


def write_data(frame, path: str | None) -> None:
    if path is None:
        frame.to_csv(sys.stdout, index=False)
        return
    kind = _kind(path, "output")
    try:
        if kind == "parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False, sep="\t" if kind == "tsv" else ",")
    except OSError as exc:
        raise CLIError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _one_line(exc) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _column(frame, name: str, path: str):
    if name not in frame.columns:
        shown = ", ".join(map(str, frame.columns[:12])) + (", ..." if len(frame.columns) > 12 else "")
        raise CLIError(f"{path}: no column {name!r} (columns: {shown})")
    return frame[name]


def _check_target(y, name: str, path: str):
    if y.isna().any():
        raise CLIError(f"{path}: the target column {name!r} has {int(y.isna().sum())} missing value(s); drop those rows")
    if y.dtype.kind == "f" and not (y == y.round()).all():
        raise CLIError(
            f"{path}: the target column {name!r} holds continuous numbers ({y.nunique()} distinct values); "
            "logistic regression predicts classes: give a column of labels"
        )
    return y


def _numeric_features(X, path: str):
    """X with every column numeric (bools as 0/1); CLIError naming the text columns otherwise."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    bad = [str(c) for c in X.columns if not (is_numeric_dtype(X[c]) or is_bool_dtype(X[c]))]
    if bad:
        raise CLIError(
            f"{path}: non-numeric feature column(s) {', '.join(map(repr, bad))}: encode them as numbers, "
            f"or use --formula (e.g. --formula \"... ~ C({bad[0]}) + ...\") to encode them"
        )
    missing = [str(c) for c in X.columns if X[c].isna().any()]
    if missing:
        raise CLIError(f"{path}: missing values in feature column(s) {', '.join(map(repr, missing))}; drop or impute them")
    return X.astype({c: "float64" for c in X.columns if is_bool_dtype(X[c])})


# -- models -------------------------------------------------------------------------------------
def _load_model(path: str):
    from .io import ModelFileError, load

    if not os.path.exists(path):
        raise CLIError(f"{path}: no such model file")
    try:
        return load(path)
    except ModelFileError as exc:
        raise CLIError(f"cannot load the model: {_one_line(exc)}") from None
    except OSError as exc:
        raise CLIError(f"{path}: cannot read the model file: {exc.strerror or exc}") from None


def _formula_step(model):
    from .report import formula_step

    return formula_step(model)


def _model_input(model, frame, path: str):
    """The part of ``frame`` that ``model.predict`` takes."""
    if _formula_step(model) is not None:
        return frame  # the formula picks its columns
    first = model.steps[0][1] if hasattr(model, "steps") else model
    names = getattr(first, "feature_names_in_", None)
    if names is not None:
        absent = [str(n) for n in names if n not in frame.columns]
        if absent:
            raise CLIError(f"{path}: the model needs column(s) missing from the data: {', '.join(map(repr, absent))}")
        return _numeric_features(frame[list(names)], path)
    X = _numeric_features(frame.select_dtypes(include=["number", "bool"]), path)
    if X.shape[1] != first.n_features_in_:
        raise CLIError(f"{path}: the model takes {first.n_features_in_} numeric columns, the data have {X.shape[1]}")
    return X.to_numpy()


def _parse_formula(formula: str | None, target: str | None):
    """(target, FormulaTransformer or None); the target comes from --target or the formula's left side."""
    if formula is None:
        if target is None:
            raise CLIError("say which column to predict: --target COLUMN (or a formula 'y ~ x1 + x2')")
        return target, None
    try:
        from .formula import FormulaTransformer
    except ImportError as exc:
        raise CLIError(f"--formula is not available in this installation: {_one_line(exc)}") from None
    if "~" in formula:
        lhs = formula.split("~", 1)[0].strip()
        if lhs and target is not None and lhs != target:
            raise CLIError(f"--target {target!r} and the formula's left side {lhs!r} differ; give one of them")
        target = target or lhs or None
    if target is None:
        raise CLIError("say which column to predict: --target COLUMN or a formula 'y ~ x1 + x2'")
    return target, FormulaTransformer(formula)


def _estimator(args):
    from .estimator import LogisticRegression

    return LogisticRegression(
        penalty=args.penalty,
        C=args.C,
        l1_ratio=args.l1_ratio,
        solver=args.solver,
        class_weight=None if args.class_weight == "none" else "balanced",
        max_iter=args.max_iter,
        random_state=args.seed,
    )


def _fit_model(args, frame):
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    target, transformer = _parse_formula(args.formula, args.target)
    y = _check_target(_column(frame, target, args.data), target, args.data)
    for name in args.exclude:
        _column(frame, name, args.data)
    if transformer is None:
        X = _numeric_features(frame.drop(columns=[target, *args.exclude]), args.data)
        if X.shape[1] == 0:
            raise CLIError(f"{args.data}: no feature columns besides the target {target!r}")
    else:
        X = frame.drop(columns=list(args.exclude))
    steps = ([("formula", transformer)] if transformer is not None else [])
    steps += [("scaler", StandardScaler())] if args.scale else []
    steps.append(("model", _estimator(args)))
    model = Pipeline(steps) if len(steps) > 1 else steps[0][1]
    return target, model, X, y


def _split(args, X, y):
    if not 0 <= args.test_size < 1:
        raise CLIError(f"--test-size must be in [0, 1), got {args.test_size}")
    if args.test_size == 0:
        if args.stratify:
            raise CLIError("--stratify needs a test split: give --test-size > 0")
        return X, X, y, y
    from sklearn.model_selection import train_test_split

    try:
        return train_test_split(
            X, y, test_size=args.test_size, random_state=args.seed, stratify=y if args.stratify else None
        )
    except ValueError as exc:
        raise CLIError(f"cannot split the data: {_one_line(exc)}") from None


# -- subcommands ---------------------------------------------------------------------------------
def _demo(args) -> int:
    from .demo import run_digits_demo

    run_digits_demo(out=sys.stdout, plot_path=None if args.no_plot else args.plot)
    return 0


def _fit(args) -> int:
    from .io import save
    from .metrics import classification_report
    from .report import coefficient_table, final_estimator

    frame = read_data(args.data)
    target, model, X, y = _fit_model(args, frame)
    X_train, X_test, y_train, y_test = _split(args, X, y)
    try:
        model.fit(X_train, y_train)
    except NotImplementedError as exc:
        raise CLIError(_one_line(exc)) from None
    except ValueError as exc:
        raise CLIError(f"cannot fit the model: {_one_line(exc)}") from None
    # Save first: the model is the product; the printout may go to a closed pipe.
    try:
        save(model, args.out)
    except (TypeError, ValueError) as exc:
        raise CLIError(f"cannot save the model: {_one_line(exc)}") from None
    except OSError as exc:
        raise CLIError(f"{args.out}: cannot write: {exc.strerror or exc}") from None
    final = final_estimator(model)
    classes = final.classes_
    out = sys.stdout
    print(f"logreg fit: {args.data}, target {target!r}, {len(y_train)} training observations", file=out)
    what = f"log-odds of {target} = {classes[1]}" if len(classes) == 2 else f"one block per class of {target}"
    scaled = ", features standardized" if args.scale else ""
    print(f"\nCoefficients ({what}{scaled}):", file=out)
    # The seam for the statsmodels-style summary (standard errors, z, p-values):
    # replace this table by model.summary() when the inference work provides it.
    print(coefficient_table(model).to_string(float_format=lambda v: f"{v:.6g}"), file=out)

    if args.test_size == 0:
        print("\nMetrics on the TRAINING data (--test-size 0: no test split; these are optimistic):", file=out)
    else:
        print(f"\nMetrics on the test split ({len(y_test)} observations, --test-size {args.test_size:g}):", file=out)
    y_pred = model.predict(X_test)
    proba = model.predict_proba(X_test)
    print(f"training accuracy: {model.score(X_train, y_train):.4f}", file=out)
    if args.test_size:
        print(f"test accuracy:     {model.score(X_test, y_test):.4f}", file=out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-division notes for absent classes
        try:
            text = classification_report(y_test, y_pred, y_proba=proba, labels=classes, zero_division=0, digits=3)
        except ValueError:  # probability scores need both classes in the test part
            text = classification_report(y_test, y_pred, labels=classes, zero_division=0, digits=3)
    print(text, file=out)
    print(f"model saved to {args.out}", file=out)
    return 0


def _predict(args) -> int:
    import pandas as pd

    from .report import final_estimator

    if args.out is not None:
        _kind(args.out, "output")
    model = _load_model(args.model)
    frame = read_data(args.data)
    ids = [_column(frame, name, args.data) for name in args.id]
    X = _model_input(model, frame, args.data)
    try:
        predicted = model.predict(X)
        proba = model.predict_proba(X)
    except ValueError as exc:
        raise CLIError(f"cannot score {args.data}: {_one_line(exc)}") from None
    if len(predicted) != len(frame):
        raise CLIError(f"{args.data}: the model scored {len(predicted)} of {len(frame)} rows (missing values?)")
    result = pd.DataFrame({str(s.name): s.to_numpy() for s in ids})
    result["predicted"] = predicted
    for j, label in enumerate(final_estimator(model).classes_):
        result[f"proba_{label}"] = proba[:, j]
    write_data(result, args.out)
    return 0


def _report(args) -> int:
    from .report import build_report

    if not args.out.lower().endswith((".html", ".htm")):
        raise CLIError(f"{args.out}: the report is an HTML page; give a name ending in .html")
    model = _load_model(args.model)
    frame = read_data(args.data)
    target = args.target or getattr(_formula_step(model), "target_name_", None)
    if not target:
        raise CLIError("say which column holds the true classes: --target COLUMN")
    y = _check_target(_column(frame, target, args.data), target, args.data)
    X = _model_input(model, frame, args.data)
    title = args.title or f"logreg report: {os.path.basename(args.model)} on {os.path.basename(args.data)}"
    try:
        page = build_report(model, X, y.to_numpy(), title=title, source=args.data)
    except ValueError as exc:
        raise CLIError(f"cannot evaluate the model on {args.data}: {_one_line(exc)}") from None
    try:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(page)
    except OSError as exc:
        raise CLIError(f"{args.out}: cannot write: {exc.strerror or exc}") from None
    print(f"report written to {args.out}")
    return 0


# -- the parser ----------------------------------------------------------------------------------
def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    formatter = _Formatter
    parser = _Parser(
        prog="logreg",
        description="Logistic regression from the command line: fit a model to a CSV or Parquet file, "
        "save it as JSON, score new data with it, and write an HTML report.",
        epilog="Run 'logreg COMMAND --help' for the options of a command. Start with 'logreg demo'.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser(
        "demo",
        help="the tutorial's handwriting-recognition example, end to end",
        description="Fit the tutorial's one-vs-rest model (liblinear, C=0.05, standardized pixels) on "
        "scikit-learn's 8x8 digits data with an 80/20 split, print the training and test accuracy, the "
        "confusion matrix and the classification report, and save the confusion-matrix heatmap as a PNG.",
    )
    demo.add_argument("--plot", metavar="PATH", default="logreg-demo-confusion.png",
                      help="where to write the confusion-matrix heatmap (default: %(default)s)")
    demo.add_argument("--no-plot", action="store_true", help="print the figures only, write no PNG")
    demo.set_defaults(handler=_demo)

    fit = sub.add_parser(
        "fit", help="fit a model to a data file, print its coefficients and test metrics, save it",
        description="Fit a logistic regression to DATA (CSV or Parquet) and save it as a JSON model file.",
        epilog=_EPILOG_FIT, formatter_class=formatter,
    )
    fit.add_argument("data", metavar="DATA", help="the data: .csv, .tsv or .parquet, one row per observation")
    fit.add_argument("--target", metavar="COLUMN", help="the column with the classes to predict "
                     "(not needed when the formula has a left side, 'y ~ ...')")
    fit.add_argument("--formula", metavar="F", help="a model formula such as \"y ~ x1 + np.log(x2) + C(group)\" "
                     "(or only its right side with --target): chooses and encodes the features")
    fit.add_argument("--exclude", metavar="COLUMN", action="append", default=[],
                     help="a column that is not a feature, e.g. an id (repeatable)")
    fit.add_argument("--out", metavar="MODEL.json", required=True, help="where to save the model (JSON)")
    model_opts = fit.add_argument_group("model")
    model_opts.add_argument("--penalty", choices=_PENALTIES, default="l2",
                            help="the penalty on the coefficients (default: %(default)s; elasticnet needs "
                            "--l1-ratio)")
    model_opts.add_argument("--C", type=float, default=1.0, metavar="C",
                            help="inverse penalty strength: smaller C, stronger penalty (default: %(default)s)")
    model_opts.add_argument("--l1-ratio", type=float, default=None, metavar="R",
                            help="elastic-net mixing, 0 = l2, 1 = l1 (with --penalty elasticnet)")
    model_opts.add_argument("--solver", choices=_SOLVERS, default="auto",
                            help="the optimizer (default: %(default)s, chosen from the data's shape); liblinear "
                            "also penalizes the intercept, as in the tutorial")
    model_opts.add_argument("--class-weight", choices=("none", "balanced"), default="none",
                            help="'balanced' weighs classes inversely to their frequency (default: %(default)s)")
    model_opts.add_argument("--max-iter", type=int, default=100, metavar="N",
                            help="the solver's iteration limit (default: %(default)s)")
    model_opts.add_argument("--scale", action="store_true",
                            help="standardize the features first (saved with the model and applied when predicting)")
    split = fit.add_argument_group("evaluation")
    split.add_argument("--test-size", type=_probability, default=0.25, metavar="FRACTION",
                       help="the fraction of rows held out for the test metrics (default: %(default)s; "
                       "0 = fit on all rows and report training metrics)")
    split.add_argument("--stratify", action="store_true", help="keep the class proportions in both parts")
    split.add_argument("--seed", type=int, default=0, metavar="N",
                       help="random seed of the train/test split (default: %(default)s)")
    fit.set_defaults(handler=_fit)

    predict = sub.add_parser(
        "predict", help="predict the classes and probabilities of new data with a saved model",
        description="Score DATA with a model saved by 'logreg fit'.",
        epilog=_EPILOG_PREDICT, formatter_class=formatter,
    )
    predict.add_argument("model", metavar="MODEL.json", help="a model file written by 'logreg fit'")
    predict.add_argument("data", metavar="DATA", help="the data to score: .csv, .tsv or .parquet")
    predict.add_argument("--out", metavar="PREDICTIONS", help="where to write: .csv, .tsv or .parquet "
                         "(default: CSV to standard output)")
    predict.add_argument("--id", metavar="COLUMN", action="append", default=[],
                         help="copy this input column (e.g. an id) into the output, first (repeatable)")
    predict.set_defaults(handler=_predict)

    report = sub.add_parser(
        "report", help="write an HTML page with the model's summary, metrics and plots",
        description="Evaluate a saved model on DATA (which must hold the true classes) and write one "
        "self-contained HTML page: model summary and coefficients, metrics, confusion matrix, ROC, "
        "precision-recall and calibration curves, coefficient plot.",
        epilog=_EPILOG_REPORT, formatter_class=formatter,
    )
    report.add_argument("model", metavar="MODEL.json", help="a model file written by 'logreg fit'")
    report.add_argument("data", metavar="DATA", help="labelled data: .csv, .tsv or .parquet")
    report.add_argument("--target", metavar="COLUMN", help="the column with the true classes "
                        "(not needed when the model's formula has a left side)")
    report.add_argument("--out", metavar="REPORT.html", required=True, help="where to write the page")
    report.add_argument("--title", help="the page title")
    report.set_defaults(handler=_report)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"logreg: warning: {_one_line(message)}", file=sys.stderr)


def main(argv=None) -> int:
    os.environ["MPLBACKEND"] = "Agg"  # files only, never a window; before anything imports pyplot
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    if os.environ.get("LOGREG_TRACEBACK"):
        return args.handler(args)
    warnings.showwarning = _show_warning
    try:
        return args.handler(args)
    except CLIError as exc:
        print(f"logreg: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except NotImplementedError as exc:
        print(f"logreg: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `logreg predict ... | head`
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file that cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"logreg: error: {where}{exc.strerror or _one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("logreg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

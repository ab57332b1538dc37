"""Formulas as a scikit-learn transformer: ``FormulaTransformer("age + C(city)")``.

The transformer turns a pandas DataFrame of raw columns into the design matrix
that a formula (formulaic syntax) describes, without the intercept column: the
:class:`logreg.LogisticRegression` that follows it fits its own intercept.
Categorical factors are coded as they are in a model *with* an intercept
(treatment coding, first level as the reference), so the design matrix plus the
model's intercept is full rank.

Everything the transformer learns in ``fit`` is plain data (the formula, the
kind of each factor and the levels of each categorical one), and every
``transform`` rebuilds formulaic's ``ModelSpec`` from that data. A transformer
restored from a model file (:mod:`logreg.io`) therefore runs exactly the same
code on exactly the same state as the one that was fitted, and gives
bit-identical design matrices.

Because a formula term is a Python expression that formulaic evaluates, and a
model file must never run code, formulas are limited to a whitelist that is
checked before anything is evaluated (in ``fit`` and when a file is loaded):
column names (backquoted if they are not identifiers), numbers, arithmetic and
comparisons, ``C(x)`` / ``C(x, levels=[...])``, ``I(...)`` and the NumPy
functions in :data:`NUMPY_FUNCTIONS` (``np.log(income)``). Formulaic's
operators (``+``, ``:``, ``*``, ``**``, ``/``, ``-``) are all available.
Stateful transforms (``center``, ``scale``, ``bs``, ``poly``, ...) are not.
"""

from __future__ import annotations

import ast
import math
import re
import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

__all__ = ["FormulaTransformer", "NUMPY_FUNCTIONS", "FormulaState"]

#: NumPy functions a formula may call as ``np.<name>(...)``.
NUMPY_FUNCTIONS = frozenset(
    ["log", "log1p", "log2", "log10", "exp", "expm1", "sqrt", "cbrt", "square", "abs", "sign", "tanh", "arctan"]
)
_BIN_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_CMP_OPS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)
_ANSI = re.compile(r"\x1b\[[0-9;]*m|[\u29da\u29db]")
_SUPPORTED_TEXT = (
    "column names, numbers, arithmetic (+ - * / // % **), comparisons, C(column), "
    "C(column, levels=[...]), I(...) and np.<f>(...) for f in " + ", ".join(sorted(NUMPY_FUNCTIONS))
)


class FormulaState:
    """The parsed form of a formula string (internal; shared with :mod:`logreg.io`).

    Attributes
    ----------
    formula : str
        The text as given.
    rhs : formulaic SimpleFormula
        The right-hand side, with the intercept term.
    target_name : str or None
        The left-hand side column, if the formula had one.
    columns : list of str
        The data columns the right-hand side reads, in order of appearance.
    factors : dict
        ``{factor expression: source column or None}`` for every factor of
        the right-hand side except the intercept (the source column is known
        for ``x`` and ``C(x, ...)``; it names the column in error messages).
    """

    def __init__(self, formula):
        from formulaic import Formula
        from formulaic.errors import FormulaicError
        from formulaic.formula import SimpleFormula, StructuredFormula

        if not isinstance(formula, str) or not formula.strip():
            raise ValueError(f"formula must be a non-empty string such as 'age + C(city)', got {formula!r}")
        self.formula = formula
        try:
            parsed = Formula(formula)
        except (FormulaicError, SyntaxError, ValueError, TypeError) as exc:
            message = _ANSI.sub("", str(exc)).strip()
            raise ValueError(f"invalid formula {formula!r}: {message}") from None
        self.target_name = None
        if isinstance(parsed, StructuredFormula):
            parts = set(parsed._structure)
            if parts != {"lhs", "rhs"}:
                raise ValueError(
                    f"invalid formula {formula!r}: expected 'rhs' or 'target ~ rhs' "
                    "(multi-part formulas with '|' are not supported)"
                )
            lhs = list(parsed.lhs)
            if len(lhs) != 1 or len(lhs[0].factors) != 1 or lhs[0].factors[0].eval_method.value != "lookup":
                raise ValueError(f"invalid formula {formula!r}: the left-hand side must be a single column name")
            self.target_name = lhs[0].factors[0].expr
            rhs = parsed.rhs
        else:
            rhs = parsed
        if not isinstance(rhs, SimpleFormula):  # pragma: no cover - formulaic always gives one here
            raise ValueError(f"invalid formula {formula!r}: unsupported structure")
        if not any(not term.factors or str(term) == "1" for term in rhs):
            raise ValueError(
                f"formula {formula!r} removes the intercept (-1, +0 or 0 +): leave it in; the logistic "
                "regression fits its own intercept (set fit_intercept=False on the model to drop it)"
            )
        self.rhs = rhs
        columns, factors = [], {}
        for term in rhs:
            for factor in term.factors:
                method = factor.eval_method.value
                if method == "literal":
                    continue
                if method == "lookup":
                    names, source = [factor.expr], factor.expr
                elif method == "python":
                    names, source = _check_expression(factor.expr, formula)
                else:  # pragma: no cover - formulaic has no other evaluation methods
                    raise ValueError(f"formula {formula!r}: unsupported factor {factor.expr!r}")
                factors.setdefault(factor.expr, source)
                columns.extend(name for name in names if name not in columns)
        if self.target_name is not None and self.target_name in columns:
            raise ValueError(f"formula {formula!r} uses its target {self.target_name!r} on the right-hand side")
        self.columns = columns
        self.factors = factors

    def model_spec(self, encoder_state):
        """A formulaic ModelSpec for this formula with the given (plain) encoder state."""
        from formulaic import ModelSpec
        from formulaic.parser.types import Factor

        state = {}
        for expr, entry in encoder_state.items():
            kind = Factor.Kind(entry["kind"])
            state[expr] = (kind, {"categories": list(entry["levels"])} if "levels" in entry else {})
        return ModelSpec(
            formula=self.rhs, materializer="pandas", ensure_full_rank=True, na_action="raise",
            output="pandas", encoder_state=state,
        )


def _check_expression(expr, formula):
    """Columns read by a Python term, and its source column; refuse anything off the whitelist."""
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        raise ValueError(f"invalid formula {formula!r}: cannot parse the term {expr!r}") from None
    names = []

    def refuse(what):
        raise ValueError(
            f"formula {formula!r}: {what} in the term {expr!r} is not supported; formulas may use "
            f"{_SUPPORTED_TEXT}"
        )

    def visit(node):
        if isinstance(node, ast.Expression):
            return visit(node.body)
        if isinstance(node, ast.Name):
            if node.id in ("np", "C", "I"):
                refuse(f"the name {node.id!r} outside a call")
            if node.id not in names:
                names.append(node.id)
            return
        if isinstance(node, ast.Constant):
            if type(node.value) not in (int, float, bool, str):
                refuse(f"the constant {node.value!r}")
            return
        if isinstance(node, ast.BinOp) and isinstance(node.op, _BIN_OPS):
            visit(node.left)
            return visit(node.right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return visit(node.operand)
        if isinstance(node, ast.Compare) and all(isinstance(op, _CMP_OPS) for op in node.ops):
            visit(node.left)
            for item in node.comparators:
                visit(item)
            return
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in ("C", "I"):
                if len(node.args) != 1 or any(isinstance(a, ast.Starred) for a in node.args):
                    refuse(f"{func.id}() with other than one argument")
                for keyword in node.keywords:
                    if func.id != "C" or keyword.arg != "levels":
                        refuse(f"the keyword argument {keyword.arg!r} of {func.id}()")
                    value = keyword.value
                    if not (isinstance(value, (ast.List, ast.Tuple)) and value.elts and all(
                            isinstance(e, ast.Constant) and type(e.value) in (int, float, bool, str)
                            for e in value.elts)):
                        refuse("levels= other than a list of constants")
                return visit(node.args[0])
            if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "np"
                    and func.attr in NUMPY_FUNCTIONS):
                if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
                    refuse(f"np.{func.attr}() with other than one positional argument")
                return visit(node.args[0])
            refuse(f"the call {ast.unparse(func)}()")
        refuse(f"the expression {ast.unparse(node)!r}")

    visit(tree)
    body = tree.body
    source = None
    if (isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and body.func.id == "C"
            and isinstance(body.args[0], ast.Name)):
        source = body.args[0].id
    return names, source


def _check_frame(X, columns, what):
    import pandas as pd

    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"{what} needs a pandas DataFrame of raw columns, got {type(X).__name__}")
    present = set(X.columns)
    missing = [name for name in columns if name not in present]
    if missing:
        raise ValueError(
            f"column(s) {missing} named in the formula are missing from the data "
            f"(it has {list(X.columns)[:20]}{' ...' if X.shape[1] > 20 else ''})"
        )
    duplicated = [name for name in columns if list(X.columns).count(name) > 1]
    if duplicated:
        raise ValueError(f"column(s) {duplicated} appear more than once in the data")
    for name in columns:
        count = int(X[name].isna().sum())
        if count:
            raise ValueError(
                f"column {name!r} has {count} missing value(s) (NaN/None): drop those rows or impute "
                "the values before using the formula"
            )


class FormulaTransformer(TransformerMixin, BaseEstimator):
    """Design matrix of a formula, for use as the first step of a Pipeline.

    Parameters
    ----------
    formula : str
        A right-hand side in formulaic syntax, such as ``"age + income +
        C(city)"`` or ``"np.log(income) + age:income"``. ``"target ~ rhs"``
        is accepted too: only the right-hand side is used, the target's name
        is kept in ``target_name_``. Terms may use column names, numbers,
        arithmetic and comparisons, ``C(x)`` (optionally ``levels=[...]``),
        ``I(...)`` and ``np.<f>(...)`` for ``f`` in :data:`NUMPY_FUNCTIONS`;
        the intercept must not be removed (the model fits its own).

    Attributes
    ----------
    target_name_ : str or None
        The left-hand side of the formula, or None.
    columns_ : list of str
        The data columns the formula reads.
    encoder_state_ : dict
        ``{factor expression: {"kind": "numerical" | "categorical" |
        "constant", "levels": [...] (categorical only)}}``, learned in
        ``fit``; plain Python data.
    feature_names_out_ : ndarray of str
        The design matrix's columns (no intercept).

    Examples
    --------
    >>> from sklearn.pipeline import Pipeline
    >>> pipe = Pipeline([("formula", FormulaTransformer("age + C(city)")),
    ...                  ("model", LogisticRegression())])  # doctest: +SKIP
    """

    def __init__(self, formula: str):
        self.formula = formula

    def fit(self, X, y=None):
        """Learn the factor kinds and categorical levels from ``X`` (a DataFrame)."""
        parsed = FormulaState(self.formula)
        _check_frame(X, parsed.columns, "FormulaTransformer.fit")
        from formulaic import model_matrix
        from formulaic.errors import FormulaicError

        data = X[parsed.columns]
        try:
            matrix = model_matrix(parsed.rhs, data, ensure_full_rank=True, na_action="raise",
                                  output="pandas", context={"np": np})
        except (FormulaicError, ValueError, TypeError, NameError) as exc:
            raise ValueError(f"cannot evaluate formula {self.formula!r} on the data: {_clean(exc)}") from None
        spec = matrix.model_spec
        encoder_state = {}
        for expr, (kind, state) in spec.encoder_state.items():
            entry = {"kind": kind.value}
            if kind.value == "categorical":
                entry["levels"] = [_plain_level(level, expr) for level in state["categories"]]
            encoder_state[expr] = entry
        names = [name for name in matrix.columns if name != "Intercept"]
        if not names:
            raise ValueError(f"formula {self.formula!r} gives no columns besides the intercept")
        self.target_name_ = parsed.target_name
        self.columns_ = list(parsed.columns)
        self.encoder_state_ = encoder_state
        self.feature_names_out_ = np.asarray(names, dtype=object)
        self._parsed = parsed
        return self

    def transform(self, X):
        """The design matrix of ``X`` (a DataFrame) as a float64 DataFrame, without the intercept."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "feature_names_out_")
        import pandas as pd
        from formulaic.errors import DataMismatchWarning, FormulaicError

        parsed = self._state()
        _check_frame(X, self.columns_, "FormulaTransformer.transform")
        self._check_levels(X, parsed)
        spec = parsed.model_spec(self.encoder_state_)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", DataMismatchWarning)
                warnings.simplefilter("ignore", RuntimeWarning)  # np.log(0) etc.: reported below
                matrix = spec.get_model_matrix(X[self.columns_], context={"np": np})
        except DataMismatchWarning as exc:
            raise ValueError(f"formula {self.formula!r}: {_clean(exc)}") from None
        except (FormulaicError, ValueError, TypeError, NameError) as exc:
            raise ValueError(f"cannot evaluate formula {self.formula!r} on the data: {_clean(exc)}") from None
        names = [name for name in matrix.columns if name != "Intercept"]
        if names != list(self.feature_names_out_):
            raise ValueError(
                f"formula {self.formula!r} gave columns {names} on this data, not the fitted {list(self.feature_names_out_)}"
            )
        values = np.asarray(matrix[names], dtype=np.float64)
        bad = ~np.isfinite(values).all(axis=0)
        if bad.any():
            raise ValueError(
                f"design column(s) {[n for n, b in zip(names, bad) if b]} of formula {self.formula!r} have "
                "infinite or NaN values (e.g. the log of zero or of a negative number)"
            )
        return pd.DataFrame(values, index=X.index, columns=names)

    def get_feature_names_out(self, input_features=None):
        """The design matrix's column names (no intercept)."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "feature_names_out_")
        return np.asarray(self.feature_names_out_, dtype=object)

    # -- helpers ------------------------------------------------------------------------------
    def _state(self):
        parsed = getattr(self, "_parsed", None)
        if parsed is None or parsed.formula != self.formula:
            parsed = self._parsed = FormulaState(self.formula)
        return parsed

    def _check_levels(self, X, parsed):
        import pandas as pd

        for expr, entry in self.encoder_state_.items():
            column = parsed.factors.get(expr)
            if "levels" not in entry or column is None:
                continue  # other categorical terms: formulaic's DataMismatchWarning, turned into an error
            levels = entry["levels"]
            unseen = [v for v in pd.unique(X[column]) if v not in set(levels)]
            if unseen:
                raise ValueError(
                    f"column {column!r} has level(s) {[v.item() if isinstance(v, np.generic) else v for v in unseen][:10]} not seen when "
                    f"the formula was fitted (known levels of {expr}: {levels})"
                )


def _plain_level(level, expr):
    """A categorical level as a JSON-representable Python scalar."""
    if isinstance(level, np.generic):
        level = level.item()
    if isinstance(level, float) and not math.isfinite(level):
        raise ValueError(f"factor {expr!r} has a non-finite level {level!r}")
    if type(level) not in (str, int, float, bool):
        raise ValueError(
            f"factor {expr!r} has a level {level!r} of type {type(level).__name__}; categorical levels must be "
            "strings, integers, floats or booleans"
        )
    return level


def _clean(exc) -> str:
    return _ANSI.sub("", str(exc)).strip()

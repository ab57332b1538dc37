"""Summary tables of fitted (multinomial) logistic regressions.

:func:`summary` lays a results object out as statsmodels' ``summary()`` does
("Logit Regression Results": a two-column block of model facts over the
coefficient table), :func:`summary2` as statsmodels' ``summary2()`` ("Results:
Logit"). Both return a :class:`Summary` that renders as text, HTML, LaTeX and
pandas DataFrames from the same cells.

The results object is duck-typed, with statsmodels' attribute names, so that
statsmodels' own ``LogitResults``/``MultinomialResults`` are valid input too
(the tests compare the two layouts line by line):

- ``model.endog_names`` (str), ``model.exog_names`` (list of str), the model's
  name from ``model_name`` (results or model) or ``model.__class__.__name__``;
- ``method``, ``nobs``, ``df_resid``, ``df_model``, ``prsquared``, ``llf``,
  ``llnull``, ``llr_pvalue``, ``aic``, ``bic``, ``cov_type``;
  ``mle_retvals["converged"]`` or ``converged``; ``mle_retvals["iterations"]``
  or ``n_iter`` (optional);
- ``params``, ``bse``, ``tvalues``, ``pvalues`` (1-D, or 2-D ``(k, J-1)`` for a
  multinomial model, one column per outcome level but the first) and
  ``conf_int(alpha)`` (``(k, 2)``; multinomial: ``(J-1, k, 2)`` or, as
  statsmodels' pandas output, ``(J-1)*k`` rows ordered by equation);
- optional: ``use_t`` (t instead of z), ``scale`` (default 1), ``summary_notes``
  (list of str printed as "Notes: [1] ..."), and for the labels of the
  multinomial blocks ``yname_list`` (full labels such as ``"y=1"``) or
  statsmodels' ``model._ynames_map``/``model.J``, else the column labels of a
  pandas ``params``, else ``1, 2, ...``.

The text layouts reproduce statsmodels' number formats and column-width rules
(including the padding arithmetic of ``summary2``) so that a printed table
matches the tutorial's; see the tests.
"""

from __future__ import annotations

import datetime as _dt
import html as _html
import textwrap
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

__all__ = ["Summary", "summary", "summary2"]


# ----------------------------------------------------------- number formats
# These follow statsmodels.iolib.summary (forg, d_or_f) exactly: the point of
# the text layout is that it reads, digit for digit, like statsmodels'.


def _forg(x: float, prec: int = 3) -> str:
    """Fixed decimals, or general format for very large/small magnitudes."""
    x = float(x)
    width = 9 if prec == 3 else 10
    if abs(x) >= 1e4 or abs(x) < 1e-4:
        return f"{x:{width}.{prec}g}"
    return f"{x:{width}.{prec}f}"


def _d_or_f(x: float, width: int = 6) -> str:
    """Counts (nobs, degrees of freedom) as integers when they are whole."""
    x = float(x)
    if np.isnan(x):
        return (width - 3) * " " + "NaN"
    if x // 1 == x:
        return f"{int(x):#6d}"
    return f"{x:#8.2f}"


def _formatter(value: Any, float_format: str) -> str:
    """statsmodels.iolib.summary2._formatter: floats formatted, the rest str()."""
    try:
        out = float_format % value
    except (ValueError, TypeError):
        out = str(value)
    return out.strip()


def _fmt(spec: str):
    return lambda v: format(float(v), spec)


# ------------------------------------------------------------ results access


@dataclass
class _Block:
    """Coefficient rows of one equation (a multinomial model has J-1)."""

    label: str | None  # "y=1" for a multinomial equation, None for binary
    names: list[str]
    values: np.ndarray  # (k, 6): coef, std err, z, p, lower, upper


def _model_name(results: Any) -> str:
    for owner in (results, getattr(results, "model", None)):
        name = getattr(owner, "model_name", None)
        if isinstance(name, str):
            return name
    return type(results.model).__name__


def _retval(results: Any, key: str, *fallbacks: str) -> Any:
    retvals = getattr(results, "mle_retvals", None)
    if isinstance(retvals, dict) and key in retvals:
        return retvals[key]
    for name in fallbacks:
        value = getattr(results, name, None)
        if value is not None:
            return value
    return None


def _level_str(value: Any) -> str:
    # as statsmodels' _maybe_convert_ynames_int: 1.0 -> "1", "a" -> "a"
    try:
        if value % 1 == 0:
            return str(int(value))
    except TypeError:
        pass
    return str(value)


def _equation_labels(results: Any, yname: str, m: int) -> list[str]:
    labels = getattr(results, "yname_list", None)
    if labels is not None and len(labels) == m:
        return [str(v) for v in labels]
    ymap = getattr(results.model, "_ynames_map", None)
    if isinstance(ymap, dict) and len(ymap) == m + 1:
        return [f"{yname}={_level_str(ymap[j])}" for j in range(1, m + 1)]
    columns = getattr(results.params, "columns", None)
    if columns is not None and not _is_default_range(columns, m):
        return [f"{yname}={_level_str(c)}" for c in columns]
    return [f"{yname}={j}" for j in range(1, m + 1)]


def _is_default_range(columns: Any, m: int) -> bool:
    try:
        return [int(c) for c in columns] == list(range(m)) and all(
            isinstance(c, (int, np.integer)) for c in columns
        )
    except (TypeError, ValueError):
        return False


def _blocks(results: Any, alpha: float, xname: Sequence[str] | None, yname: str) -> list[_Block]:
    params = np.asarray(results.params, dtype=float)
    cols = [params, np.asarray(results.bse, dtype=float), np.asarray(results.tvalues, dtype=float),
            np.asarray(results.pvalues, dtype=float)]
    ci = np.asarray(results.conf_int(alpha), dtype=float)
    k = params.shape[0]
    if xname is None:
        xname = getattr(results.model, "exog_names", None)
    if xname is None:
        index = getattr(results.params, "index", None)
        xname = list(index) if index is not None else [f"var_{i}" for i in range(k)]
    names = [str(n) for n in xname]
    if len(names) != k:
        raise ValueError(f"{len(names)} parameter names for {k} parameters")
    if params.ndim == 1:
        return [_Block(None, names, np.column_stack(cols + [ci.reshape(k, 2)]))]
    if params.ndim != 2:
        raise ValueError("params must be 1-D or 2-D")
    m = params.shape[1]
    if ci.shape == (m * k, 2):  # statsmodels' pandas layout: rows (equation, name)
        ci = ci.reshape(m, k, 2)
    if ci.shape != (m, k, 2):
        raise ValueError(f"conf_int has shape {ci.shape}, expected {(m, k, 2)}")
    labels = _equation_labels(results, yname, m)
    return [_Block(labels[j], names, np.column_stack([c[:, j] for c in cols] + [ci[j]]))
            for j in range(m)]


def _notes(results: Any, notes: Sequence[str] | None) -> list[str]:
    out = [str(n) for n in (getattr(results, "summary_notes", None) or [])]
    out += [str(n) for n in (notes or [])]
    return out


def _when(date: _dt.datetime | _dt.date | None) -> _dt.datetime:
    if date is None:
        return _dt.datetime.now()
    if not isinstance(date, _dt.datetime):
        return _dt.datetime.combine(date, _dt.time())
    return date


# ------------------------------------------------------------------ Summary


class Summary:
    """Summary tables of a fitted model, renderable as text, HTML, LaTeX, DataFrames.

    Built by :func:`summary` (statsmodels' ``summary()`` layout) and
    :func:`summary2` (``summary2()`` layout). ``str(s)``, ``repr(s)`` and
    :meth:`as_text` give the text table; :meth:`as_html` (and ``_repr_html_``
    for notebooks) the same cells as HTML ``<table>`` elements;
    :meth:`as_latex` tabular environments; :attr:`tables` and
    :meth:`as_dataframe` pandas DataFrames.
    """

    def __init__(self, *, style: str, title: str, info_left: list[tuple[str, str]],
                 info_right: list[tuple[str, str]], blocks: list[_Block], alpha: float,
                 use_t: bool = False, float_format: str = "%.4f",
                 notes: Sequence[str] = ()) -> None:
        if style not in ("summary", "summary2"):
            raise ValueError(f"unknown style {style!r}")
        self.style = style
        self.title = title
        self.info_left = list(info_left)
        self.info_right = list(info_right)
        self.blocks = blocks
        self.alpha = alpha
        self.use_t = use_t
        self.float_format = float_format
        self.notes = list(notes)

    # -------------------------------------------------------------- content
    @property
    def columns(self) -> list[str]:
        """Headers of the coefficient table (statsmodels' spelling per style)."""
        stat, prob = ("t", "P>|t|") if self.use_t else ("z", "P>|z|")
        lo, hi = "[" + str(self.alpha / 2), str(1 - self.alpha / 2) + "]"
        if self.style == "summary":
            return ["coef", "std err", stat, prob, lo, hi]
        return ["Coef.", "Std.Err.", stat, prob, lo, hi]

    @property
    def info(self) -> dict[str, str]:
        """The model facts, label -> displayed value (left block, then right)."""
        return {k.strip(): v.strip() for k, v in self.info_left + self.info_right if k.strip()}

    def add_note(self, text: str) -> None:
        """Append a line to the notes printed under the tables."""
        self.notes.append(str(text))

    def _cells(self, block: _Block) -> list[list[str]]:
        """Coefficient cells as text, unpadded widths as statsmodels builds them."""
        if self.style == "summary":
            return [[_forg(c, 4), _forg(s), "%8s" % _forg(z), f"{float(p):#6.3f}",
                     "%11s" % _forg(lo), "%11s" % _forg(hi)]
                    for c, s, z, p, lo, hi in block.values]
        return [[_formatter(v, self.float_format) for v in row] for row in block.values]

    def _info_pairs(self) -> list[tuple[str, str, str, str]]:
        left, right = list(self.info_left), list(self.info_right)
        n = max(len(left), len(right))
        blank = (" ", " ") if self.style == "summary" else ("", "")
        left += [blank] * (n - len(left))
        right += [blank] * (n - len(right))
        return [(a, b, c, d) for (a, b), (c, d) in zip(left, right)]

    # ----------------------------------------------------------------- text
    def as_text(self) -> str:
        """The tables as plain text, laid out as statsmodels prints them."""
        return self._text_summary() if self.style == "summary" else self._text_summary2()

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def _text_summary(self) -> str:
        # Top block (statsmodels' fmt_2cols): columns at least 18 wide, the
        # right-hand labels forced to 21 characters, one space between columns.
        rows = [(a, "%18s" % b, f"{'  ' + c:<21}", "%18s" % d) for a, b, c, d in self._info_pairs()]
        w = [max([18] + [len(r[i]) for r in rows]) for i in range(4)]
        top = [" ".join((a.ljust(w[0]), b.rjust(w[1]), c.ljust(w[2]), d.rjust(w[3])))
               for a, b, c, d in rows]
        width = len(top[-1])
        lines = [self.title.center(width), "=" * width, *top]

        # Coefficient table (fmt_params): columns at least 10 wide, stubs
        # left-aligned, header and numbers right-aligned; the blocks of a
        # multinomial model share the widths and carry their label as stub.
        header = self.columns
        cells = [self._cells(b) for b in self.blocks]
        stubs = [b.label or "" for b in self.blocks] + [n for b in self.blocks for n in b.names]
        w = [max([10] + [len(s) for s in stubs])]
        w += [max([10, len(header[i])] + [len(r[i]) for c in cells for r in c]) for i in range(6)]
        for j, (block, rows_) in enumerate(zip(self.blocks, cells)):
            head = " ".join([(block.label or "").rjust(w[0])]
                            + [h.rjust(w[i + 1]) for i, h in enumerate(header)])
            if j == 0:
                lines.append("=" * len(head))
            lines += [head, "-" * len(head)]
            for name, r in zip(block.names, rows_):
                lines.append(" ".join([name.ljust(w[0])] + [c.rjust(w[i + 1]) for i, c in enumerate(r)]))
            rule = "=" if j == len(self.blocks) - 1 else "-"
            lines.append(rule * len(lines[-1]))
        text = "\n".join(lines)
        if self.notes:
            text += "\n\n" + "\n".join(self._note_lines())
        return text

    def _s2_tables(self) -> list[tuple[list[str] | None, list[str] | None, list[list[str]], str]]:
        """summary2's tables as (headers, stubs, rows, alignment of the data)."""
        pairs = self._info_pairs() if self.style == "summary2" else []
        tables = [(None, None, [list(p) for p in pairs], "l")]
        header = self.columns
        multi = len(self.blocks) > 1 or self.blocks[0].label is not None
        for block in self.blocks:
            rows = self._cells(block)
            if multi:  # statsmodels: the outcome label heads a column of names
                tables.append(([block.label or ""] + header, None,
                               [[n] + r for n, r in zip(block.names, rows)], "r"))
            else:
                tables.append((header, list(block.names), rows, "r"))
        return tables

    @staticmethod
    def _s2_render(table, pad_col: int = 0, pad_index: int = 0) -> list[str]:
        # statsmodels' _df_to_simpletable with fmt_txt: widths from the content,
        # headers centred, stubs left-aligned, a '-' rule above and under the header.
        headers, stubs, rows, align = table
        rows = [list(r) for r in rows]
        if stubs is not None:
            stubs = [s + " " * pad_index for s in stubs]
        else:
            for r in rows:
                r[0] = r[0] + " " * pad_index
        body = [([s] if stubs is not None else []) + r
                for s, r in zip(stubs if stubs is not None else [None] * len(rows), rows)]
        head = ([""] if stubs is not None else []) + list(headers) if headers is not None else None
        grid = body + ([head] if head is not None else [])
        w = [max(len(r[i]) for r in grid) for i in range(len(grid[0]))]
        sep = " " * (pad_col + 1)
        nstub = 1 if stubs is not None else 0

        def fmt_row(r: list[str]) -> str:
            out = []
            for i, c in enumerate(r):
                if i < nstub:
                    out.append(c.ljust(w[i]))
                else:
                    out.append(c.ljust(w[i]) if align == "l" else c.rjust(w[i]))
            return sep.join(out)

        lines = []
        if head is not None:
            hline = sep.join(c.center(w[i]) for i, c in enumerate(head))
            lines += [hline, "-" * len(hline)]
        lines += [fmt_row(r) for r in body]
        return ["-" * len(lines[-1])] + lines

    def _text_summary2(self) -> str:
        tables = self._s2_tables()
        # statsmodels' _measure_tables: spread the width difference over the
        # column separators (counting data columns only, as statsmodels does),
        # and the remainder onto the first column.
        lengths = [len(self._s2_render(t)[0]) for t in tables]
        widest = max(lengths)
        lines: list[str] = []
        for t, length in zip(tables, lengths):
            nsep = max(len(t[2][0]) - 1, 1) if t[2] else 1
            pad = int((widest - length) / nsep)
            lines += self._s2_render(t, pad, widest - (length + nsep * pad))
        lines[0] = "=" * widest
        lines.append("=" * widest)
        title = self.title
        if len(title) < widest:
            title = " " * int(widest / 2 - len(title) / 2) + title
        notes = "\n".join("\n".join(textwrap.wrap(x, widest)) for x in self._note_lines())
        return f"{title}\n" + "\n".join(lines) + f"\n{notes}"

    def _note_lines(self) -> list[str]:
        if not self.notes:
            return []
        return ["Notes:"] + [f"[{i}] {n}" for i, n in enumerate(self.notes, start=1)]

    # ----------------------------------------------------------------- HTML
    def as_html(self) -> str:
        """The tables as HTML ``<table>`` elements (cells HTML-escaped)."""
        esc = _html.escape
        parts = ['<table class="simpletable">', f"<caption>{esc(self.title)}</caption>"]
        for a, b, c, d in self._info_pairs():
            parts.append("<tr>\n  " + " ".join((
                f"<th>{esc(a.strip())}</th>", f"<td>{esc(b.strip())}</td>",
                f"<th>{esc(c.strip())}</th>", f"<td>{esc(d.strip())}</td>")) + "\n</tr>")
        parts.append("</table>")
        parts.append('<table class="simpletable">')
        for block in self.blocks:
            parts.append("<tr>\n  " + " ".join(
                [f"<th>{esc(block.label)}</th>" if block.label else "<td></td>"]
                + [f"<th>{esc(h)}</th>" for h in self.columns]) + "\n</tr>")
            for name, row in zip(block.names, self._cells(block)):
                parts.append("<tr>\n  " + " ".join(
                    [f"<th>{esc(name)}</th>"] + [f"<td>{esc(c.strip())}</td>" for c in row]) + "\n</tr>")
        parts.append("</table>")
        if self.notes:
            parts.append('<p class="notes">' + "<br/>\n".join(esc(x) for x in self._note_lines()) + "</p>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.as_html()

    # ---------------------------------------------------------------- LaTeX
    def as_latex(self) -> str:
        """The tables as LaTeX ``tabular`` environments inside a ``table`` float."""
        ltx = _latex_escape
        out = ["\\begin{table}[htbp]", "\\centering", f"\\caption{{{ltx(self.title)}}}",
               "\\begin{tabular}{" + ("lrlr" if self.style == "summary" else "llll") + "}", "\\hline"]
        for cells in self._info_pairs():
            out.append(" & ".join(ltx(c.strip()) for c in cells) + " \\\\")
        out += ["\\hline", "\\end{tabular}", "", "\\medskip", "",
                "\\begin{tabular}{l" + "r" * len(self.columns) + "}", "\\hline"]
        for j, block in enumerate(self.blocks):
            if j:
                out.append("\\hline")
            out.append(" & ".join([ltx(block.label or "")] + [ltx(h) for h in self.columns]) + " \\\\")
            out.append("\\hline")
            for name, row in zip(block.names, self._cells(block)):
                out.append(" & ".join([ltx(name)] + [ltx(c.strip()) for c in row]) + " \\\\")
        out += ["\\hline", "\\end{tabular}"]
        if self.notes:
            # one paragraph per line: "[1]" right after "\\" would be read as a length
            out += ["", "\\medskip", "", "{\\footnotesize " + "\\par\n".join(
                ltx(x) for x in self._note_lines()) + "\\par}"]
        out.append("\\end{table}")
        return "\n".join(out)

    def _repr_latex_(self) -> str:
        return self.as_latex()

    # ------------------------------------------------------------ DataFrames
    @property
    def tables(self) -> list:
        """The tables as DataFrames: the model facts (text, laid out in four
        columns as printed), then one coefficient table per equation (floats)."""
        import pandas as pd

        info = pd.DataFrame([[c.strip() for c in p] for p in self._info_pairs()])
        return [info] + [self._block_frame(b) for b in self.blocks]

    def _block_frame(self, block: _Block):
        import pandas as pd

        frame = pd.DataFrame(block.values.copy(), index=list(block.names), columns=self.columns)
        frame.columns.name = block.label
        return frame

    def as_dataframe(self):
        """The coefficient table as a DataFrame of floats (with the CI columns).

        A multinomial model gives one frame with a (outcome label, parameter)
        MultiIndex on the rows.
        """
        import pandas as pd

        frames = [self._block_frame(b) for b in self.blocks]
        if len(frames) == 1 and self.blocks[0].label is None:
            return frames[0]
        out = pd.concat(frames, keys=[b.label for b in self.blocks])
        out.columns.name = None
        return out


def _latex_escape(text: str) -> str:
    table = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
             "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
             "^": r"\textasciicircum{}", "<": r"$<$", ">": r"$>$", "|": r"$|$",
             "[": "{[}", "]": "{]}"}  # braces: "[" after "\\" would be read as a length
    # "$>$$|$" -> "$>|$": one math group, no "$$" (display math to TeX)
    return "".join(table.get(ch, ch) for ch in str(text)).replace("$$", "")


# ---------------------------------------------------------------- builders


def summary(results: Any, *, alpha: float = 0.05, title: str | None = None,
            date: _dt.datetime | None = None, yname: str | None = None,
            xname: Sequence[str] | None = None, notes: Sequence[str] | None = None) -> Summary:
    """Summary of a fitted model, laid out like statsmodels' ``summary()``.

    Parameters
    ----------
    results : results object
        Duck-typed, with statsmodels' attribute names (see the module docstring).
    alpha : float, default 0.05
        Significance level of the confidence intervals.
    title : str, optional
        Defaults to "<Model> Regression Results".
    date : datetime, optional
        Date and time shown in the table (default: now); fix it for
        reproducible output.
    yname, xname : optional
        Names of the dependent variable and of the parameters, replacing the
        model's.
    notes : sequence of str, optional
        Lines printed under the tables as "Notes: [1] ...", after any in
        ``results.summary_notes``.

    Returns
    -------
    Summary
    """
    when = _when(date)
    model = _model_name(results)
    yname = str(results.model.endog_names) if yname is None else str(yname)
    left = [("Dep. Variable:", yname), ("Model:", model),
            ("Method:", str(getattr(results, "method", "MLE"))),
            ("Date:", when.strftime("%a, %d %b %Y")), ("Time:", when.strftime("%H:%M:%S")),
            ("converged:", str(_retval(results, "converged", "converged")))]
    if hasattr(results, "cov_type"):
        left.append(("Covariance Type:", str(results.cov_type)))
    right = []
    facts = [("No. Observations:", "nobs", _d_or_f),
             ("Df Residuals:", "df_resid", _d_or_f),
             ("Df Model:", "df_model", _d_or_f),
             ("Pseudo R-squ.:", "prsquared", _fmt("#6.4g")),
             ("Log-Likelihood:", "llf", _fmt("#8.5g")),
             ("LL-Null:", "llnull", _fmt("#8.5g")),
             ("LLR p-value:", "llr_pvalue", _fmt("#6.4g"))]
    for label, attr, fmt in facts:
        value = getattr(results, attr, None)
        right.append((label, "" if value is None else fmt(value)))
    if title is None:
        title = f"{model} Regression Results"
    return Summary(style="summary", title=title,
                   info_left=left, info_right=right, blocks=_blocks(results, alpha, xname, yname),
                   alpha=alpha, use_t=bool(getattr(results, "use_t", False)),
                   notes=_notes(results, notes))


def summary2(results: Any, *, alpha: float = 0.05, float_format: str = "%.4f",
             title: str | None = None, date: _dt.datetime | None = None,
             yname: str | None = None, xname: Sequence[str] | None = None,
             notes: Sequence[str] | None = None) -> Summary:
    """Summary of a fitted model, laid out like statsmodels' ``summary2()``.

    Parameters are those of :func:`summary`, plus ``float_format``: the
    %-format of the coefficient table's numbers (statsmodels ignores its own
    argument of that name; here it is applied). The default title is
    "Results: <Model>". A multinomial model gets one coefficient block per
    equation, headed by the same labels as in :func:`summary` ("y=1") and
    with z statistics (statsmodels 0.15 labels them by equation index and "t").
    """
    when = _when(date)
    model = _model_name(results)
    yname = str(results.model.endog_names) if yname is None else str(yname)
    iterations = _retval(results, "iterations", "n_iter", "iterations")
    entries: list[tuple[str, Any]] = [
        ("Model:", model),
        ("Dependent Variable:", yname),
        ("Date:", when.strftime("%Y-%m-%d %H:%M")),
        ("No. Observations:", _opt(results, "nobs", lambda v: f"{int(v):#6d}")),
        ("Df Model:", _opt(results, "df_model", lambda v: f"{int(v):#6d}")),
        ("Df Residuals:", _opt(results, "df_resid", lambda v: f"{int(v):#6d}")),
        ("Converged:", _retval(results, "converged", "converged")),
        ("No. Iterations:", iterations),
        ("Method:", getattr(results, "method", "MLE")),
        ("Pseudo R-squared:", _opt(results, "prsquared", _fmt("#8.3f"))),
        ("AIC:", _opt(results, "aic", _fmt("8.4f"))), ("BIC:", _opt(results, "bic", _fmt("8.4f"))),
        ("Log-Likelihood:", _opt(results, "llf", _fmt("#8.5g"))),
        ("LL-Null:", _opt(results, "llnull", _fmt("#8.5g"))),
        ("LLR p-value:", _opt(results, "llr_pvalue", _fmt("#8.5g"))),
        ("Scale:", f"{float(getattr(results, 'scale', 1.0)):#8.5g}"),
    ]
    # As statsmodels' summary_model: missing facts are left out, the values
    # pass through "%.4f" when they are numbers (Converged: 1.0000).
    pairs = [(k, _formatter(v, "%.4f")) for k, v in entries if v is not None]
    half = -(-len(pairs) // 2)
    return Summary(style="summary2", title=title if title is not None else f"Results: {model}",
                   info_left=pairs[:half], info_right=pairs[half:],
                   blocks=_blocks(results, alpha, xname, yname), alpha=alpha,
                   use_t=bool(getattr(results, "use_t", False)), float_format=float_format,
                   notes=_notes(results, notes))


def _opt(results: Any, attr: str, fmt) -> str | None:
    value = getattr(results, attr, None)
    return None if value is None else fmt(value)

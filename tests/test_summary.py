"""Summary tables (logreg.inference.summary).

The layouts are checked against statsmodels' own output: statsmodels' results
objects have the attribute names the summary reads, so they are fed to our
``summary``/``summary2`` directly and the text compared line by line with
``r.summary()``/``r.summary2()`` (all lines but Date/Time, which hold the time
of the call). A small fake results class covers the rest: renderers, notes,
the multinomial fallbacks, names, alpha.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from logreg.inference.summary import Summary, summary, summary2

sm = pytest.importorskip("statsmodels.api")

DATE = dt.datetime(2019, 6, 23, 21, 43, 49)


# ------------------------------------------------------------------ helpers


def same_but_date(ours: str, theirs: str) -> None:
    a, b = ours.split("\n"), theirs.split("\n")
    assert len(a) == len(b), (ours, theirs)
    for x, y in zip(a, b):
        if x.startswith(("Date:", "Time:")) and y.startswith(("Date:", "Time:")):
            assert x.split()[0] == y.split()[0] and len(x) == len(y)
            continue
        assert x == y


class _Cells(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self.tables, self._in = [], 0, False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables += 1
        if tag in ("td", "th"):
            self._in, self._buf = True, ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cells.append(self._buf)
            self._in = False

    def handle_data(self, data):
        if self._in:
            self._buf += data


def html_cells(text: str) -> tuple[list[str], int]:
    p = _Cells()
    p.feed(text)
    p.close()
    return p.cells, p.tables


NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]\d+)?|-?\d+e[-+]\d+|nan")


class FakeModel:
    def __init__(self, endog_names, exog_names):
        self.endog_names = endog_names
        self.exog_names = exog_names


class FakeResults:
    """The duck-typed interface, with hand-picked numbers."""

    model_name = "Logit"
    method = "MLE"
    cov_type = "HC1"
    nobs, df_resid, df_model = 120, 117, 2
    prsquared, llf, llnull, llr_pvalue = 0.21234567, -65.4321987, -82.8766, 3.4567e-8
    aic, bic = 136.8643974, 145.2269
    mle_retvals = {"converged": True, "iterations": 12}

    def __init__(self, params, bse, z, p, ci, exog_names=("const", "x_1", "big"), endog="y",
                 notes=None):
        self.model = FakeModel(endog, list(exog_names))
        self.params, self.bse, self.tvalues, self.pvalues = params, bse, z, p
        self._ci = ci
        if notes is not None:
            self.summary_notes = notes

    def conf_int(self, alpha=0.05):
        return self._ci


@pytest.fixture
def fake():
    params = np.array([-1.23456789, 0.000012345, 123456.789])
    bse = np.array([0.5, 0.0000021, 2345.6])
    z = params / bse
    p = np.array([0.0136, 1e-9, 0.5])
    ci = np.column_stack([params - 1.96 * bse, params + 1.96 * bse])
    return FakeResults(params, bse, z, p, ci)


@pytest.fixture(scope="module")
def tutorial():
    x = sm.add_constant(np.arange(10).reshape(-1, 1))
    y = np.array([0, 1, 0, 0, 1, 1, 1, 1, 1, 1])
    return sm.Logit(y, x).fit(disp=0)


@pytest.fixture(scope="module")
def spector():
    d = sm.datasets.spector.load_pandas()
    return sm.Logit(d.endog, sm.add_constant(d.exog)).fit(disp=0)


@pytest.fixture(scope="module")
def spector_hc1():
    d = sm.datasets.spector.load_pandas()
    return sm.Logit(d.endog, sm.add_constant(d.exog)).fit(disp=0, cov_type="HC1")


@pytest.fixture(scope="module")
def anes():
    d = sm.datasets.anes96.load_pandas()
    exog = sm.add_constant(d.exog[["logpopul", "selfLR", "age", "educ", "income"]])
    return sm.MNLogit(d.endog, exog).fit(disp=0)


@pytest.fixture(scope="module")
def scaled():
    """Regressors of size 1e5 and 1e-5: coefficients printed in %g format."""
    rng = np.random.default_rng(0)
    n = 400
    X = np.column_stack([rng.normal(size=n) * 1e5, rng.normal(size=n) * 1e-5, rng.normal(size=n)])
    y = (X[:, 0] * 1e-5 + X[:, 1] * 5e4 + X[:, 2] + rng.logistic(size=n) > 0).astype(int)
    scale = np.array([1.0, 1e5, 1e-5, 1.0])  # start from the fit on rescaled columns
    start = sm.Logit(y, sm.add_constant(X) / scale).fit(disp=0).params / scale
    r = sm.Logit(y, sm.add_constant(X)).fit(disp=0, start_params=start)
    assert r.mle_retvals["converged"]
    return r


# ------------------------------------------------------- parity with statsmodels


@pytest.mark.parametrize("name", ["tutorial", "spector", "spector_hc1", "scaled", "anes"])
def test_summary_text_equals_statsmodels(name, request):
    r = request.getfixturevalue(name)
    same_but_date(str(summary(r, date=DATE)), str(r.summary()))


@pytest.mark.parametrize("name", ["tutorial", "spector", "spector_hc1", "scaled"])
def test_summary2_text_equals_statsmodels(name, request):
    r = request.getfixturevalue(name)
    same_but_date(str(summary2(r, date=DATE)), str(r.summary2()))


def test_summary_matches_tutorial_printout(tutorial):
    text = str(summary(tutorial, date=DATE))
    lines = text.split("\n")
    # the tutorial's printed lines (it was made with statsmodels 0.11, without the rules)
    for line in [
        "                           Logit Regression Results                           ",
        "Dep. Variable:                      y   No. Observations:                   10",
        "Model:                          Logit   Df Residuals:                        8",
        "Method:                           MLE   Df Model:                            1",
        "Date:                Sun, 23 Jun 2019   Pseudo R-squ.:                  0.4263",
        "Time:                        21:43:49   Log-Likelihood:                -3.5047",
        "converged:                       True   LL-Null:                       -6.1086",
        "                 coef    std err          z      P>|z|      [0.025      0.975]",
        "const         -1.9728      1.737     -1.136      0.256      -5.377       1.431",
        "x1             0.8224      0.528      1.557      0.119      -0.213       1.858",
    ]:
        assert line in lines
    assert "Covariance Type:            nonrobust   LLR p-value:                   0.02248" in lines
    assert lines[1] == "=" * 78 and lines[-1] == "=" * 78


def test_summary2_matches_tutorial_printout(tutorial):
    lines = str(summary2(tutorial, date=DATE)).split("\n")
    assert lines[0] == "                        Results: Logit"
    for line in [
        "          Coef.    Std.Err.      z      P>|z|     [0.025   0.975]",
        "const    -1.9728     1.7366   -1.1360   0.2560   -5.3765   1.4309",
        "x1        0.8224     0.5281    1.5572   0.1194   -0.2127   1.8575",
    ]:
        assert line in lines
    # the tutorial's facts (its statsmodels had no Method row, so the pairs moved)
    text = "\n".join(lines)
    for label, value in [("Pseudo R-squared:", "0.426"), ("AIC:", "11.0094"), ("BIC:", "11.6146"),
                         ("Log-Likelihood:", "-3.5047"), ("LL-Null:", "-6.1086"),
                         ("LLR p-value:", "0.022485"), ("Converged:", "1.0000"),
                         ("No. Iterations:", "7.0000"), ("Date:", "2019-06-23 21:43")]:
        assert re.search(re.escape(label) + r"\s+" + re.escape(value) + r"(\s|$)", text), label


def test_multinomial_blocks_follow_statsmodels(anes):
    s = summary(anes, date=DATE)
    labels = [b.label for b in s.blocks]
    assert labels == [f"PID={j}" for j in range(1, 7)]
    frame = s.as_dataframe()
    np.testing.assert_array_equal(frame["coef"].to_numpy(), np.asarray(anes.params).T.ravel())
    np.testing.assert_array_equal(frame["P>|z|"].to_numpy(), np.asarray(anes.pvalues).T.ravel())
    ci = np.asarray(anes.conf_int())
    np.testing.assert_array_equal(frame[["[0.025", "0.975]"]].to_numpy(), ci)
    assert list(frame.index[:2]) == [("PID=1", "const"), ("PID=1", "logpopul")]


def test_multinomial_summary2(anes):
    text = str(summary2(anes, date=DATE))
    ref = str(anes.summary2()).split("\n")
    lines = text.split("\n")
    # same facts block as statsmodels (first 10 lines)
    same_but_date("\n".join(lines[:11]), "\n".join(ref[:11]))
    # one block per outcome, labelled as in summary() and with z statistics
    # (statsmodels 0.15 prints "PID = 0".. and t, P>|t| here)
    heads = [line for line in lines if "Coef." in line]
    assert [h.split()[0] for h in heads] == [f"PID={j}" for j in range(1, 7)]
    assert all("P>|z|" in h for h in heads)
    assert "   const      -0.3734    0.6298  -0.5929  0.5533  -1.6079   0.8611" in lines
    assert "   const  -12.1058    1.0600  -11.4210  0.0000  -14.1832  -10.0283" in lines
    assert lines[-2] == "=" * len(lines[1]) and lines[-1] == ""


def test_simulated_three_class_mnlogit_with_float_levels():
    rng = np.random.default_rng(3)
    X = sm.add_constant(rng.normal(size=(300, 2)))
    eta = X @ np.array([[0.0, 0.5, -0.5], [0.0, 1.0, -1.0], [0.0, -0.5, 0.8]])
    y = np.array([rng.choice(3, p=np.exp(e) / np.exp(e).sum()) for e in eta]).astype(float)
    r = sm.MNLogit(y, X).fit(disp=0)
    same_but_date(str(summary(r, date=DATE)), str(r.summary()))
    assert [b.label for b in summary(r).blocks] == ["y=1", "y=2"]


# --------------------------------------------------------------- fake results


def test_fake_results_text(fake):
    text = str(summary(fake, date=DATE))
    lines = text.split("\n")
    assert lines[0] == "Logit Regression Results".center(78)
    assert "Covariance Type:                  HC1   LLR p-value:                 3.457e-08" in lines
    assert "converged:                       True   LL-Null:                       -82.877" in lines
    assert "Date:                Sun, 23 Jun 2019   Pseudo R-squ.:                  0.2123" in lines
    assert "Time:                        21:43:49   Log-Likelihood:                -65.432" in lines
    row = next(line for line in lines if line.startswith("x_1"))
    assert row.split() == ["x_1", "1.234e-05", "2.1e-06", "5.879", "0.000", "8.23e-06", "1.65e-05"]
    row = next(line for line in lines if line.startswith("big"))
    assert row.split()[:3] == ["big", "1.235e+05", "2345.600"]


def test_date_injection_and_default(fake):
    a, b = str(summary(fake, date=DATE)), str(summary(fake, date=DATE))
    assert a == b
    assert "Sun, 23 Jun 2019" in a and "21:43:49" in a
    assert "2019-06-23 21:43" in str(summary2(fake, date=DATE))
    assert "Date:" in str(summary(fake))  # default: now
    assert "Sat, 01 Feb 2020" in str(summary(fake, date=dt.date(2020, 2, 1)))


def test_dataframe_equals_results_arrays(fake):
    s = summary(fake)
    frame = s.as_dataframe()
    assert list(frame.columns) == ["coef", "std err", "z", "P>|z|", "[0.025", "0.975]"]
    assert list(frame.index) == ["const", "x_1", "big"]
    np.testing.assert_array_equal(frame["coef"], fake.params)
    np.testing.assert_array_equal(frame["std err"], fake.bse)
    np.testing.assert_array_equal(frame["z"], fake.tvalues)
    np.testing.assert_array_equal(frame["P>|z|"], fake.pvalues)
    np.testing.assert_array_equal(frame[["[0.025", "0.975]"]].to_numpy(), fake.conf_int())
    info, coef = s.tables
    assert info.shape == (7, 4) and info.iloc[0, 0] == "Dep. Variable:" and info.iloc[0, 3] == "120"
    pd.testing.assert_frame_equal(coef, frame)
    s2 = summary2(fake)
    assert list(s2.as_dataframe().columns) == ["Coef.", "Std.Err.", "z", "P>|z|", "[0.025", "0.975]"]
    assert s2.tables[0].shape == (8, 4)
    assert s.info["Covariance Type:"] == "HC1" and s2.info["No. Iterations:"] == "12.0000"


def test_html_holds_the_text_cells(fake, tutorial):
    for s in (summary(fake, date=DATE, notes=["a <b> & c"]), summary2(tutorial, date=DATE),
              summary(tutorial, date=DATE)):
        doc = s.as_html()
        assert s._repr_html_() == doc
        cells, ntables = html_cells(doc)
        assert ntables == 2
        text_numbers = NUMBER.findall(s.as_text())
        html_numbers = NUMBER.findall(" ".join(cells))
        assert sorted(text_numbers) == sorted(html_numbers)
        assert all(h in cells for h in s.columns)
    assert "a &lt;b&gt; &amp; c" in summary(fake, notes=["a <b> & c"]).as_html()
    assert "<th>P&gt;|z|</th>" in summary(fake).as_html()


def test_latex(fake):
    tex = summary(fake, date=DATE, notes=["10% & 5_a"]).as_latex()
    assert tex.count("\\begin{tabular}") == 2 and tex.count("\\end{tabular}") == 2
    assert "\\caption{Logit Regression Results}" in tex
    assert "x\\_1 & 1.234e-05" in tex
    assert "P$>|$z$|$" in tex and "$$" not in tex
    assert "{[}0.025 & 0.975{]}" in tex
    assert "{[}1{]} 10\\% \\& 5\\_a" in tex
    assert summary2(fake)._repr_latex_().startswith("\\begin{table}")


def test_notes_rendered_as_statsmodels(fake):
    fake.summary_notes = ["Standard errors assume that the penalty is fixed."]
    s = summary(fake, date=DATE, notes=["Quasi-separation detected."])
    text = str(s)
    assert text.endswith(
        "=\n\nNotes:\n[1] Standard errors assume that the penalty is fixed.\n"
        "[2] Quasi-separation detected."
    )
    long = "x " * 60
    s2 = summary2(fake, date=DATE, notes=[long])
    lines = str(s2).split("\n")
    width = len(lines[1])
    i = lines.index("Notes:")
    assert lines[i - 1] == "=" * width and lines[i + 2].startswith("[2] x x")
    assert all(len(line) <= width for line in lines[i:])
    s.add_note("third")
    assert str(s).endswith("[3] third")


def test_repr_is_text(fake):
    s = summary(fake, date=DATE)
    assert isinstance(s, Summary)
    assert repr(s) == str(s) == s.as_text()


def test_alpha_names_title(fake):
    s = summary(fake, alpha=0.1, title="My title", xname=["a", "b", "c"], yname="outcome")
    text = str(s)
    assert "[0.05" in text and "0.95]" in text
    assert text.split("\n")[0].strip() == "My title"
    assert "Dep. Variable:                outcome" in text
    assert [line.split()[0] for line in text.split("\n")[-4:-1]] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="parameter names"):
        summary(fake, xname=["a"])


def test_missing_optional_facts(fake):
    del FakeResults.cov_type  # restored below; the class attribute is shared
    try:
        r = fake
        r.mle_retvals = {}
        r.converged = False
        text = str(summary(r, date=DATE))
        assert "Covariance Type" not in text
        assert "converged:                      False" in text
        lines = text.split("\n")
        assert lines[8].startswith(" " * 18) and "LLR p-value:" in lines[8]  # padded row
        s2 = str(summary2(r, date=DATE))
        assert "No. Iterations" not in s2 and re.search(r"\nConverged: +0\.0000 ", s2)
    finally:
        FakeResults.cov_type = "HC1"


def test_nan_values_render(fake):
    fake.bse = np.array([np.nan, 1.0, 2.0])
    text = str(summary(fake, date=DATE))
    assert next(line for line in text.split("\n") if line.startswith("const")).split()[2] == "nan"
    assert "nan" in summary2(fake).as_html()


def _fake_mn(**kw):
    k, m = 2, 3
    params = np.arange(k * m, dtype=float).reshape(k, m) / 10
    bse = np.full((k, m), 0.5)
    ci = np.stack([np.column_stack([params[:, j] - 1, params[:, j] + 1]) for j in range(m)])
    r = FakeResults(params, bse, params / bse, np.full((k, m), 0.25), ci, exog_names=("const", "x"), **kw)
    r.model_name = "MNLogit"
    return r


def test_multinomial_fake_labels_and_layouts():
    r = _fake_mn()
    s = summary(r, date=DATE)
    assert [b.label for b in s.blocks] == ["y=1", "y=2", "y=3"]
    lines = str(s).split("\n")
    assert lines[0] == "MNLogit Regression Results".center(78)
    assert "       y=2       coef    std err          z      P>|z|      [0.025      0.975]" in lines
    r.params = pd.DataFrame(r.params, columns=["b", "c", "d"])
    assert [b.label for b in summary(r).blocks] == ["y=b", "y=c", "y=d"]
    r.yname_list = ["lvl B", "lvl C", "lvl D"]
    assert [b.label for b in summary(r).blocks] == ["lvl B", "lvl C", "lvl D"]
    # statsmodels' pandas conf_int layout: (J-1)*k rows, equation-major
    r._ci = np.asarray(r._ci).reshape(-1, 2)
    frame = summary2(r).as_dataframe()
    assert frame.shape == (6, 6) and frame.index[2] == ("lvl C", "const")
    np.testing.assert_array_equal(frame["[0.025"].to_numpy(), r._ci[:, 0])


def test_summary_module_does_not_need_statsmodels():
    import ast
    import pathlib

    import logreg.inference.summary as mod

    tree = ast.parse(pathlib.Path(mod.__file__).read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert "statsmodels" not in imported


warnings.filterwarnings("ignore", module="statsmodels")

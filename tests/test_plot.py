"""Plots: what is drawn, checked against values computed here from the formulas.

Expected positions come from the fitted coefficients through plain NumPy
(p = 1 / (1 + exp(-(b + w x))), x0 = -b / w, counts by looping over pairs),
never from the display's own helpers.
"""

import subprocess
import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from logreg import LogisticRegression  # noqa: E402
from logreg.plot import (  # noqa: E402
    CalibrationDisplay,
    CoefficientPlot,
    ConfusionMatrixDisplay,
    DecisionBoundaryDisplay,
    PrecisionRecallDisplay,
    ProbabilityCurveDisplay,
    RocCurveDisplay,
    plot_confusion_matrix,
)

# The tutorial's data (shared/seed/000_ad72d704cc32d657.txt), examples 1 and 2.
X_TUT = np.arange(10).reshape(-1, 1)
Y_TUT1 = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
Y_TUT2 = np.array([0, 1, 0, 0, 1, 1, 1, 1, 1, 1])
Z975 = 1.959963984540054  # standard normal 0.975 quantile


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def b_w(model):
    return float(model.intercept_[0]), float(model.coef_[0, 0])


def two_feature_data(n=80, seed=0, n_classes=2):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)) * [1.0, 2.0] + [0.5, -1.0]
    if n_classes == 2:
        y = (0.4 + 1.5 * X[:, 0] - 0.8 * X[:, 1] + rng.logistic(size=n) > 0).astype(int)
    else:
        y = np.digitize(X[:, 0] + 0.3 * rng.normal(size=n), [0.0, 1.0])
    return X, y


# -- import ---------------------------------------------------------------------------------


def test_import_does_not_import_matplotlib():
    code = "import sys, logreg.plot; assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


# -- probability curve ------------------------------------------------------------------------


def test_probability_curve_tutorial_example_1():
    model = LogisticRegression(solver="liblinear", random_state=0).fit(X_TUT, Y_TUT1)
    b, w = b_w(model)
    disp = ProbabilityCurveDisplay.from_estimator(model, X_TUT, Y_TUT1)
    x = X_TUT.ravel().astype(float)

    assert disp.ax_.get_xlabel() == "x"
    assert disp.ax_.get_ylabel() == "y, p(x)"
    assert disp.logit_ax_.get_ylabel() == "f(x) (log-odds)"
    assert disp.figure_ is disp.ax_.figure

    # the observations: n points at (x, y)
    obs = np.asarray(disp.scatter_.get_offsets())
    assert obs.shape == (10, 2)
    np.testing.assert_array_equal(obs, np.column_stack([x, Y_TUT1]))

    # grey squares at the predicted probabilities
    squares = np.asarray(disp.proba_scatter_.get_offsets())
    np.testing.assert_allclose(squares[:, 0], x)
    np.testing.assert_allclose(squares[:, 1], sigmoid(b + w * x), rtol=1e-12)

    # the curve on a fine grid spanning x, and the dashed logit
    gx, gy = disp.line_.get_xdata(), disp.line_.get_ydata()
    assert gx.size >= 100 and gx[0] == 0 and gx[-1] == 9
    np.testing.assert_allclose(gy, sigmoid(b + w * gx), rtol=1e-12)
    lx, ly = disp.logit_line_.get_xdata(), disp.logit_line_.get_ydata()
    np.testing.assert_allclose(lx, gx)
    np.testing.assert_allclose(ly, b + w * lx, rtol=1e-9, atol=1e-12)
    assert disp.logit_line_.get_linestyle() == "--"
    assert disp.logit_line_.axes is disp.logit_ax_ is not disp.ax_

    # the misclassified observations, computed independently: only x = 3 (tutorial)
    predicted = (sigmoid(b + w * x) > 0.5).astype(int)
    wrong = predicted != Y_TUT1
    np.testing.assert_array_equal(x[wrong], [3.0])
    marks = np.asarray(disp.misclassified_.get_offsets())
    np.testing.assert_array_equal(marks[:, 0], x[wrong])
    np.testing.assert_array_equal(marks[:, 1], predicted[wrong])
    assert to_rgba(disp.misclassified_.get_facecolor()[0]) == to_rgba("red")

    # the threshold crossing x0 = -b / w, slightly above 2 (tutorial)
    x0 = -b / w
    assert 2 < x0 < 2.1
    np.testing.assert_allclose(disp.threshold_x_, [x0], rtol=1e-12)
    (vline,) = disp.threshold_lines_
    np.testing.assert_allclose(vline.get_xdata(), [x0, x0], rtol=1e-12)
    assert vline.get_linestyle() == ":"


def test_probability_curve_tutorial_example_2_two_misclassified():
    model = LogisticRegression(solver="liblinear", C=10.0, random_state=0).fit(X_TUT, Y_TUT2)
    b, w = b_w(model)
    disp = ProbabilityCurveDisplay.from_estimator(model, X_TUT, Y_TUT2)
    x = X_TUT.ravel().astype(float)
    predicted = (sigmoid(b + w * x) > 0.5).astype(int)
    wrong = predicted != Y_TUT2
    # the tutorial: two observations classified incorrectly, x = 1 (false negative), x = 3 (false positive)
    np.testing.assert_array_equal(x[wrong], [1.0, 3.0])
    marks = np.asarray(disp.misclassified_.get_offsets())
    np.testing.assert_array_equal(marks, np.column_stack([x[wrong], predicted[wrong]]))


def test_probability_curve_no_misclassified_and_no_logit():
    model = LogisticRegression(solver="liblinear", C=10.0, random_state=0).fit(X_TUT, Y_TUT1)
    disp = ProbabilityCurveDisplay.from_estimator(model, X_TUT, Y_TUT1, show_logit=False)
    assert np.asarray(disp.misclassified_.get_offsets()).shape[0] == 0  # tutorial: all correct
    assert disp.logit_line_ is None and disp.logit_ax_ is None
    assert len(disp.figure_.axes) == 1


def test_probability_curve_other_threshold_and_given_ax():
    model = LogisticRegression(solver="liblinear", random_state=0).fit(X_TUT, Y_TUT1)
    b, w = b_w(model)
    _, ax = plt.subplots()
    t = 0.75
    disp = ProbabilityCurveDisplay.from_estimator(model, X_TUT, Y_TUT1, threshold=t, ax=ax)
    assert disp.ax_ is ax
    np.testing.assert_allclose(disp.threshold_x_, [(np.log(t / (1 - t)) - b) / w], rtol=1e-10)
    x = X_TUT.ravel().astype(float)
    predicted = (sigmoid(b + w * x) > t).astype(int)
    wrong = predicted != Y_TUT1
    np.testing.assert_array_equal(np.asarray(disp.misclassified_.get_offsets())[:, 0], x[wrong])
    np.testing.assert_array_equal(x[wrong], [4.0])  # p(3) = 0.62 -> 0 (right), p(4) = 0.73 -> 0 (wrong)


def test_probability_curve_labels_and_dataframe():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"hours": X_TUT.ravel().astype(float)})
    y = np.where(Y_TUT1 == 1, "pass", "fail")
    model = LogisticRegression(solver="liblinear").fit(X, y)
    b, w = b_w(model)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "X does not have valid feature names"
        disp = ProbabilityCurveDisplay.from_estimator(model, X, y)
    assert disp.ax_.get_xlabel() == "hours"
    # "pass" (classes_[1]) is the positive class: plotted at y = 1
    np.testing.assert_array_equal(np.asarray(disp.scatter_.get_offsets())[:, 1], Y_TUT1)
    np.testing.assert_allclose(disp.line_.get_ydata(), sigmoid(b + w * disp.line_.get_xdata()), rtol=1e-12)


def test_probability_curve_from_predictions():
    rng = np.random.default_rng(3)
    x = rng.uniform(-3, 5, size=40)
    y = (rng.uniform(size=40) < sigmoid(-1 + 0.8 * x)).astype(int)
    b, w = -1.2, 0.9
    proba = sigmoid(b + w * x)
    disp = ProbabilityCurveDisplay.from_predictions(x, y, proba)
    assert np.asarray(disp.scatter_.get_offsets()).shape == (40, 2)
    order = np.argsort(x)
    np.testing.assert_allclose(disp.line_.get_xdata(), x[order])
    np.testing.assert_allclose(disp.line_.get_ydata(), proba[order])
    np.testing.assert_allclose(disp.logit_line_.get_ydata(), b + w * x[order], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(disp.threshold_x_, [-b / w], rtol=1e-9)
    wrong = (proba > 0.5).astype(int) != y
    assert wrong.any()
    np.testing.assert_array_equal(np.sort(np.asarray(disp.misclassified_.get_offsets())[:, 0]), np.sort(x[wrong]))

    # two-column probabilities and string labels with pos_label
    labels = np.where(y == 1, "yes", "no")
    with pytest.raises(ValueError, match="pos_label"):
        ProbabilityCurveDisplay.from_predictions(x, labels, proba)
    both = np.column_stack([1 - proba, proba])
    disp2 = ProbabilityCurveDisplay.from_predictions(x, labels, both, pos_label="yes")
    np.testing.assert_array_equal(np.asarray(disp2.scatter_.get_offsets())[:, 1], y)


def test_probability_curve_from_predictions_with_certain_probabilities():
    # p = 0 and p = 1 have infinite log-odds: left out of the logit line, without warnings
    x = np.arange(6.0)
    proba = np.array([0.0, 0.1, 0.4, 0.6, 0.9, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        disp = ProbabilityCurveDisplay.from_predictions(x, [0, 0, 1, 0, 1, 1], proba)
    logit = disp.logit_line_.get_ydata()
    assert np.isnan(logit[[0, -1]]).all()
    np.testing.assert_allclose(logit[1:-1], np.log(proba[1:-1] / (1 - proba[1:-1])))
    np.testing.assert_allclose(disp.threshold_x_, [2.5])  # symmetric log-odds at x = 2 and 3
    np.testing.assert_array_equal(np.asarray(disp.misclassified_.get_offsets()), [[2.0, 0.0], [3.0, 1.0]])


def test_probability_curve_rejects_wrong_models():
    X, y = two_feature_data()
    two_features = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="exactly one feature"):
        ProbabilityCurveDisplay.from_estimator(two_features, X, y)
    y3 = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 2])
    three_classes = LogisticRegression().fit(X_TUT, y3)
    with pytest.raises(ValueError, match="binary"):
        ProbabilityCurveDisplay.from_estimator(three_classes, X_TUT, y3)
    with pytest.raises(ValueError, match="threshold"):
        ProbabilityCurveDisplay.from_predictions(X_TUT, Y_TUT1, np.full(10, 0.5), threshold=1.0)
    with pytest.raises(ValueError, match="binary"):
        ProbabilityCurveDisplay.from_predictions(X_TUT, y3, np.full(10, 0.5))


# -- decision boundary ----------------------------------------------------------------------------


def test_decision_boundary_binary_line_and_points():
    X, y = two_feature_data()
    model = LogisticRegression().fit(X, y)
    b = float(model.intercept_[0])
    w = model.coef_[0]
    disp = DecisionBoundaryDisplay.from_estimator(model, X, y)
    assert disp.ax_.get_xlabel() == "x1" and disp.ax_.get_ylabel() == "x2"

    # the explicit line b + w.x = 0, from one edge of the plotted box to another
    ends = np.column_stack([disp.boundary_line_.get_xdata(), disp.boundary_line_.get_ydata()])
    assert ends.shape == (2, 2)
    np.testing.assert_allclose(b + ends @ w, 0.0, atol=1e-10)
    (x_lo, x_hi), (y_lo, y_hi) = disp.ax_.get_xlim(), disp.ax_.get_ylim()
    on_edge = np.isclose(ends[:, 0], x_lo) | np.isclose(ends[:, 0], x_hi)
    on_edge |= np.isclose(ends[:, 1], y_lo) | np.isclose(ends[:, 1], y_hi)
    assert on_edge.all()
    assert np.all((ends[:, 0] >= x_lo - 1e-9) & (ends[:, 0] <= x_hi + 1e-9))
    assert np.all((ends[:, 1] >= y_lo - 1e-9) & (ends[:, 1] <= y_hi + 1e-9))
    # the plotted box covers the data
    assert x_lo <= X[:, 0].min() and x_hi >= X[:, 0].max()

    # the regions: scikit-learn's surface of the decision function b + w.x
    sk = disp.surface_display_
    np.testing.assert_allclose(sk.response, b + w[0] * sk.xx0 + w[1] * sk.xx1, rtol=1e-9, atol=1e-9)
    assert disp.surface_ is not None

    # the points, coloured by class: white for 0, green for 1 (the tutorial's look)
    offsets = np.asarray(disp.scatter_.get_offsets())
    np.testing.assert_array_equal(offsets, X)
    colors = np.asarray(disp.scatter_.get_facecolors())
    assert colors.shape == (len(y), 4)
    np.testing.assert_allclose(colors[y == 0], np.tile(to_rgba("white"), ((y == 0).sum(), 1)))
    np.testing.assert_allclose(colors[y == 1], np.tile(to_rgba("green"), ((y == 1).sum(), 1)))


def test_decision_boundary_multiclass_has_no_line():
    X, y = two_feature_data(n_classes=3)
    model = LogisticRegression().fit(X, y)
    disp = DecisionBoundaryDisplay.from_estimator(model, X, y)
    assert disp.boundary_line_ is None
    colors = np.asarray(disp.scatter_.get_facecolors())
    per_class = [np.unique(colors[y == k], axis=0) for k in range(3)]
    assert all(c.shape[0] == 1 for c in per_class)  # one colour per class
    assert np.unique(np.vstack(per_class), axis=0).shape[0] == 3  # three different colours


def test_decision_boundary_rejects_wrong_shapes():
    one = LogisticRegression().fit(X_TUT, Y_TUT1)
    with pytest.raises(ValueError, match="exactly two features"):
        DecisionBoundaryDisplay.from_estimator(one, X_TUT, Y_TUT1)
    rng = np.random.default_rng(0)
    X3 = rng.normal(size=(30, 3))
    three = LogisticRegression().fit(X3, (X3[:, 0] > 0).astype(int))
    with pytest.raises(ValueError, match="exactly two features"):
        DecisionBoundaryDisplay.from_estimator(three, X3)


# -- confusion matrix ---------------------------------------------------------------------------


def counts(y_true, y_pred, labels):
    table = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(y_true, y_pred):
        table[labels.index(t), labels.index(p)] += 1
    return table


def cell_texts(disp):
    return np.array([[int(t.get_text()) for t in row] for row in disp.text_])


def test_confusion_matrix_heatmap_tutorial():
    model = LogisticRegression(solver="liblinear", random_state=0).fit(X_TUT, Y_TUT1)
    y_pred = model.predict(X_TUT)
    disp = plot_confusion_matrix(Y_TUT1, y_pred)
    expected = counts(Y_TUT1, y_pred, [0, 1])
    np.testing.assert_array_equal(expected, [[3, 1], [0, 6]])  # the tutorial's matrix
    np.testing.assert_array_equal(cell_texts(disp), expected)
    np.testing.assert_array_equal(disp.im_.get_array(), expected)
    assert disp.ax_.get_xlabel() == "Predicted outputs"
    assert disp.ax_.get_ylabel() == "Actual outputs"
    assert isinstance(disp, ConfusionMatrixDisplay)


def test_confusion_matrix_labels_order_and_ax():
    rng = np.random.default_rng(1)
    y_true = rng.choice(["a", "b", "c"], size=50)
    y_pred = np.where(rng.uniform(size=50) < 0.7, y_true, rng.choice(["a", "b", "c"], size=50))
    _, ax = plt.subplots()
    labels = ["c", "a", "b"]
    disp = plot_confusion_matrix(y_true, y_pred, ax=ax, labels=labels)
    assert disp.ax_ is ax
    np.testing.assert_array_equal(cell_texts(disp), counts(y_true, y_pred, labels))
    assert [t.get_text() for t in ax.get_xticklabels()] == labels
    assert [t.get_text() for t in ax.get_yticklabels()] == labels


def test_sklearn_displays_are_reexported():
    import sklearn.calibration
    import sklearn.metrics

    assert ConfusionMatrixDisplay is sklearn.metrics.ConfusionMatrixDisplay
    assert RocCurveDisplay is sklearn.metrics.RocCurveDisplay
    assert PrecisionRecallDisplay is sklearn.metrics.PrecisionRecallDisplay
    assert CalibrationDisplay is sklearn.calibration.CalibrationDisplay


def test_roc_pr_calibration_work_with_logreg():
    X, y = two_feature_data(n=120, seed=4)
    model = LogisticRegression().fit(X, y)
    score = model.decision_function(X)
    roc = RocCurveDisplay.from_estimator(model, X, y)
    # AUC = P(score of a positive > score of a negative), counted pair by pair
    pos, neg = score[y == 1], score[y == 0]
    auc = (np.sum(pos[:, None] > neg[None, :]) + 0.5 * np.sum(pos[:, None] == neg[None, :])) / (pos.size * neg.size)
    assert roc.roc_auc == pytest.approx(auc, rel=1e-12)
    assert roc.line_.get_xdata()[-1] == 1 and roc.line_.get_ydata()[-1] == 1

    pr = PrecisionRecallDisplay.from_estimator(model, X, y)
    assert pr.line_.get_xdata().max() == 1.0  # recall reaches 1

    proba = model.predict_proba(X)[:, 1]
    cal = CalibrationDisplay.from_estimator(model, X, y, n_bins=4)
    bins = np.minimum((proba * 4).astype(int), 3)
    filled = [k for k in range(4) if np.any(bins == k)]
    np.testing.assert_allclose(cal.prob_pred, [proba[bins == k].mean() for k in filled])
    np.testing.assert_allclose(cal.prob_true, [y[bins == k].mean() for k in filled])


# -- coefficient (forest) plot ---------------------------------------------------------------------


def interval_ends(segments):
    """(lower, upper, y) of the horizontal segments of a LineCollection."""
    segs = np.array(segments.get_segments())
    return segs[:, 0, 0], segs[:, 1, 0], segs[:, 0, 1]


def test_coefficient_plot_log_odds():
    names = ["age", "income", "smoker"]
    coef = np.array([0.5, -1.2, 2.0])
    lower, upper = coef - [0.3, 0.4, 1.5], coef + [0.2, 0.6, 1.0]
    disp = CoefficientPlot.from_coefficients(names, coef, lower, upper)
    ax = disp.ax_
    assert [t.get_text() for t in ax.get_yticklabels()] == names
    np.testing.assert_allclose(ax.get_yticks(), [0, 1, 2])
    (points,) = disp.points_
    np.testing.assert_array_equal(points.get_xdata(), coef)
    np.testing.assert_array_equal(points.get_ydata(), [0, 1, 2])
    lo, hi, y = interval_ends(disp.intervals_[0])
    np.testing.assert_allclose(lo, lower)
    np.testing.assert_allclose(hi, upper)
    np.testing.assert_array_equal(y, [0, 1, 2])
    np.testing.assert_array_equal(disp.reference_line_.get_xdata(), [0, 0])
    assert ax.get_xscale() == "linear"
    assert ax.get_xlabel() == "coefficient (log-odds)"
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # first name at the top


def test_coefficient_plot_odds_ratio_scale():
    names = ["x1", "x2"]
    coef = np.array([0.7, -0.3])
    lower, upper = coef - 0.5, coef + 0.25
    disp = CoefficientPlot.from_coefficients(names, coef, lower, upper, scale="odds")
    np.testing.assert_allclose(disp.points_[0].get_xdata(), np.exp(coef))
    lo, hi, _ = interval_ends(disp.intervals_[0])
    np.testing.assert_allclose(lo, np.exp(lower))
    np.testing.assert_allclose(hi, np.exp(upper))
    np.testing.assert_array_equal(disp.reference_line_.get_xdata(), [1, 1])
    assert disp.ax_.get_xscale() == "log"
    assert disp.ax_.get_xlabel() == "odds ratio"


def test_coefficient_plot_from_estimator_multiclass_series():
    X, y = two_feature_data(n_classes=3)
    model = LogisticRegression().fit(X, y)
    disp = CoefficientPlot.from_estimator(model, feature_names=["f", "g"])
    assert [t.get_text() for t in disp.ax_.get_yticklabels()] == ["f", "g"]
    assert len(disp.points_) == 3 and disp.intervals_ == []
    for k, points in enumerate(disp.points_):
        np.testing.assert_allclose(points.get_xdata(), model.coef_[k])
    ys = np.array([p.get_ydata() for p in disp.points_])
    assert np.all(np.diff(ys, axis=0) > 0)  # series side by side, not on top of each other
    assert [t.get_text() for t in disp.ax_.get_legend().get_texts()] == ["0", "1", "2"]


def test_coefficient_plot_explicit_conf_int_with_intercept():
    X, y = two_feature_data()
    model = LogisticRegression().fit(X, y)
    estimate = np.concatenate([model.intercept_, model.coef_[0]])
    bounds = np.column_stack([estimate - 0.1, estimate + 0.3])
    disp = CoefficientPlot.from_estimator(model, conf_int=bounds, include_intercept=True, scale="odds")
    assert [t.get_text() for t in disp.ax_.get_yticklabels()] == ["intercept", "x1", "x2"]
    np.testing.assert_allclose(disp.points_[0].get_xdata(), np.exp(estimate))
    lo, hi, _ = interval_ends(disp.intervals_[0])
    np.testing.assert_allclose(lo, np.exp(bounds[:, 0]))
    np.testing.assert_allclose(hi, np.exp(bounds[:, 1]))
    with pytest.raises(ValueError, match="shape"):
        CoefficientPlot.from_estimator(model, conf_int=bounds[1:], include_intercept=True)


def finite_difference_se(X1, y, theta, factor=1.0):
    """Standard errors from a central-difference Hessian of the negative log-likelihood.

    The log-odds is ``factor * X1 @ theta``.
    """

    def nll(t):
        eta = factor * (X1 @ t)
        return np.sum(np.logaddexp(0.0, eta) - y * eta)

    k, h = theta.size, 1e-4
    H = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            ei, ej = np.eye(k)[i] * h, np.eye(k)[j] * h
            H[i, j] = (
                nll(theta + ei + ej) - nll(theta + ei - ej) - nll(theta - ei + ej) + nll(theta - ei - ej)
            ) / (4 * h * h)
    return np.sqrt(np.diag(np.linalg.inv(H)))


@pytest.mark.parametrize("multi_class", ["auto", "multinomial"])
def test_coefficient_plot_wald_intervals(multi_class):
    X, y = two_feature_data(n=150, seed=2)
    model = LogisticRegression(penalty=None, multi_class=multi_class, tol=1e-10, max_iter=1000).fit(X, y)
    theta = np.concatenate([model.coef_[0], model.intercept_])
    # a two-class multinomial fit reports half the log-odds coefficients (as scikit-learn does)
    factor = 2.0 if multi_class == "multinomial" else 1.0
    se = finite_difference_se(np.column_stack([X, np.ones(len(y))]), y, theta, factor)
    disp = CoefficientPlot.from_estimator(model, conf_int="wald", X=X, include_intercept=True)
    estimate = np.concatenate([model.intercept_, model.coef_[0]])
    se = np.concatenate([se[-1:], se[:-1]])  # intercept first
    np.testing.assert_allclose(disp.lower[0], estimate - Z975 * se, rtol=1e-5)
    np.testing.assert_allclose(disp.upper[0], estimate + Z975 * se, rtol=1e-5)
    lo, hi, _ = interval_ends(disp.intervals_[0])
    np.testing.assert_allclose(lo, estimate - Z975 * se, rtol=1e-5)
    np.testing.assert_allclose(hi, estimate + Z975 * se, rtol=1e-5)


def test_coefficient_plot_wald_errors():
    X, y = two_feature_data()
    penalized = LogisticRegression(C=1.0).fit(X, y)
    with pytest.raises(ValueError, match="unpenalized"):
        CoefficientPlot.from_estimator(penalized, conf_int="wald", X=X)
    unpenalized = LogisticRegression(C=np.inf).fit(X, y)
    with pytest.raises(ValueError, match="needs the training data"):
        CoefficientPlot.from_estimator(unpenalized, conf_int="wald")
    X3, y3 = two_feature_data(n_classes=3)
    multiclass = LogisticRegression(penalty=None).fit(X3, y3)
    with pytest.raises(ValueError, match="binary"):
        CoefficientPlot.from_estimator(multiclass, conf_int="wald", X=X3)
    with pytest.raises(ValueError, match="conf_int"):
        CoefficientPlot.from_estimator(unpenalized, conf_int="profile", X=X)


def test_coefficient_plot_bad_input():
    with pytest.raises(ValueError, match="scale"):
        CoefficientPlot.from_coefficients(["a"], [1.0], scale="probability")
    with pytest.raises(ValueError, match="shape"):
        CoefficientPlot.from_coefficients(["a", "b"], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="both lower and upper"):
        CoefficientPlot.from_coefficients(["a"], [1.0], lower=[0.0])
    with pytest.raises(ValueError, match="exceed"):
        CoefficientPlot.from_coefficients(["a"], [1.0], lower=[2.0], upper=[0.0])

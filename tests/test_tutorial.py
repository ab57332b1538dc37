"""The tutorial's scikit-learn code, with only the import changed, prints its numbers.

The expected values are the ones printed in the tutorial
(shared/seed/000_ad72d704cc32d657.txt), not outputs of logreg.
"""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.metrics import classification_report, confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from logreg import LogisticRegression

x = np.arange(10).reshape(-1, 1)
y1 = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
y2 = np.array([0, 1, 0, 0, 1, 1, 1, 1, 1, 1])

EXAMPLE1_PROBA = np.array(
    [
        [0.74002157, 0.25997843],
        [0.62975524, 0.37024476],
        [0.5040632, 0.4959368],
        [0.37785549, 0.62214451],
        [0.26628093, 0.73371907],
        [0.17821501, 0.82178499],
        [0.11472079, 0.88527921],
        [0.07186982, 0.92813018],
        [0.04422513, 0.95577487],
        [0.02690569, 0.97309431],
    ]
)
EXAMPLE1_C10_PROBA = np.array(
    [
        [0.97106534, 0.02893466],
        [0.9162684, 0.0837316],
        [0.7810904, 0.2189096],
        [0.53777071, 0.46222929],
        [0.27502212, 0.72497788],
        [0.11007743, 0.88992257],
        [0.03876835, 0.96123165],
        [0.01298011, 0.98701989],
        [0.0042697, 0.9957303],
        [0.00139621, 0.99860379],
    ]
)
EXAMPLE2_PROBA = np.array(
    [
        [0.81999686, 0.18000314],
        [0.69272057, 0.30727943],
        [0.52732579, 0.47267421],
        [0.35570732, 0.64429268],
        [0.21458576, 0.78541424],
        [0.11910229, 0.88089771],
        [0.06271329, 0.93728671],
        [0.03205032, 0.96794968],
        [0.0161218, 0.9838782],
        [0.00804372, 0.99195628],
    ]
)
DIGITS_CONFUSION = np.array(
    [
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
)


def test_example1_liblinear():
    model = LogisticRegression(solver="liblinear", random_state=0).fit(x, y1)
    np.testing.assert_array_equal(model.classes_, [0, 1])
    np.testing.assert_allclose(model.intercept_, [-1.04608067], atol=5e-9)
    np.testing.assert_allclose(model.coef_, [[0.51491375]], atol=5e-9)
    np.testing.assert_allclose(model.predict_proba(x), EXAMPLE1_PROBA, atol=1e-6)
    np.testing.assert_array_equal(model.predict(x), [0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
    assert model.score(x, y1) == 0.9
    np.testing.assert_array_equal(confusion_matrix(y1, model.predict(x)), [[3, 1], [0, 6]])
    report = classification_report(y1, model.predict(x))
    assert "0       1.00      0.75      0.86         4" in report
    assert "1       0.86      1.00      0.92         6" in report


def test_example1_improved_with_C10():
    model = LogisticRegression(solver="liblinear", C=10.0, random_state=0).fit(x, y1)
    np.testing.assert_allclose(model.predict_proba(x), EXAMPLE1_C10_PROBA, atol=1e-6)
    np.testing.assert_array_equal(model.predict(x), [0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    assert model.score(x, y1) == 1.0
    np.testing.assert_array_equal(confusion_matrix(y1, model.predict(x)), [[4, 0], [0, 6]])


def test_example2():
    model = LogisticRegression(solver="liblinear", C=10.0, random_state=0)
    model.fit(x, y2)
    np.testing.assert_allclose(model.intercept_, [-1.51632619], atol=5e-9)
    np.testing.assert_allclose(model.coef_, [[0.703457]], atol=5e-7)
    np.testing.assert_allclose(model.predict_proba(x), EXAMPLE2_PROBA, atol=1e-6)
    np.testing.assert_array_equal(model.predict(x), [0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
    assert model.score(x, y2) == 0.8
    np.testing.assert_array_equal(confusion_matrix(y2, model.predict(x)), [[2, 1], [1, 6]])
    report = classification_report(y2, model.predict(x))
    assert "0       0.67      0.67      0.67         3" in report
    assert "1       0.86      0.86      0.86         7" in report


def test_fit_returns_the_model_and_repr_shows_tutorial_parameters():
    model = LogisticRegression(solver="liblinear", random_state=0)
    assert model.fit(x, y1) is model
    text = repr(LogisticRegression(solver="liblinear", C=0.05, multi_class="ovr", random_state=0))
    for part in ("C=0.05", "multi_class='ovr'", "random_state=0", "solver='liblinear'"):
        assert part in text


@pytest.fixture(scope="module")
def digits_split():
    xd, yd = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(xd, yd, test_size=0.2, random_state=0)
    scaler = StandardScaler()
    x_train = scaler.fit_transform(x_train)
    x_test = scaler.transform(x_test)
    return x_train, x_test, y_train, y_test


def test_digits_handwriting_recognition(digits_split):
    x_train, x_test, y_train, y_test = digits_split
    model = LogisticRegression(solver="liblinear", C=0.05, multi_class="ovr", random_state=0)
    model.fit(x_train, y_train)
    y_pred = model.predict(x_test)
    np.testing.assert_array_equal(confusion_matrix(y_test, y_pred), DIGITS_CONFUSION)
    assert round(model.score(x_test, y_test), 2) == 0.94
    report = classification_report(y_test, y_pred)
    assert "accuracy                           0.94       360" in report
    assert "8       0.94      0.85      0.89        39" in report


def test_demo_command_prints_the_tutorial_figures(capsys):
    from logreg.demo import run_digits_demo

    figures = run_digits_demo()
    np.testing.assert_array_equal(figures["confusion_matrix"], DIGITS_CONFUSION)
    assert round(figures["test_accuracy"], 2) == 0.94
    out = capsys.readouterr().out
    assert "test accuracy:     0.94" in out


def test_statsmodels_example_with_logreg_as_sm():
    import logreg as sm

    xs = sm.add_constant(np.arange(10).reshape(-1, 1))
    np.testing.assert_array_equal(xs[:, 0], np.ones(10))
    result = sm.Logit(y2, xs).fit(method="newton", disp=False)
    assert result.mle_retvals["iterations"] == 7  # as the tutorial prints ("Iterations 7")
    np.testing.assert_allclose(result.params, [-1.972805, 0.82240094], atol=5e-7)
    np.testing.assert_allclose(result.bse, [1.737, 0.528], atol=5e-4)
    np.testing.assert_allclose(result.tvalues, [-1.136, 1.557], atol=5e-4)
    np.testing.assert_allclose(result.pvalues, [0.256, 0.119], atol=5e-4)
    np.testing.assert_allclose(result.conf_int(), [[-5.377, 1.431], [-0.213, 1.858]], atol=5e-4)
    assert round(result.llf, 4) == -3.5047
    assert round(result.llnull, 4) == -6.1086
    assert round(result.llr_pvalue, 5) == 0.02248
    assert round(result.prsquared, 4) == 0.4263
    assert round(result.aic, 4) == 11.0094
    assert round(result.bic, 4) == 11.6146
    np.testing.assert_array_equal(result.pred_table(), [[2, 1], [1, 6]])
    np.testing.assert_allclose(
        result.predict(xs),
        [0.12208792, 0.24041529, 0.41872657, 0.62114189, 0.78864861,
         0.89465521, 0.95080891, 0.97777369, 0.99011108, 0.99563083],
        atol=5e-9,
    )
    text = str(result.summary())
    assert "const         -1.9728      1.737     -1.136      0.256      -5.377       1.431" in text
    assert "x1             0.8224      0.528      1.557      0.119      -0.213       1.858" in text
    text2 = str(result.summary2())
    assert "const    -1.9728     1.7366   -1.1360   0.2560   -5.3765   1.4309" in text2

"""Tests of logreg.metrics: specificity, NPV, the extended report, binary_summary.

The references are computed here from the definitions, by loops over the
samples (not through scikit-learn's confusion matrices); scikit-learn is used
only where the brief asks for its exact numbers (precision, recall, F1,
support, accuracy and the layout of its report).
"""

from __future__ import annotations

import doctest
import math
import warnings

import numpy as np
import pytest
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import classification_report as sk_classification_report

import logreg.metrics as metrics
from logreg.metrics import binary_summary, classification_report, npv_score, specificity_score

# ----------------------------------------------------------------------- references


def hand_counts(y_true, y_pred, label, weights=None):
    """TN, FP, FN, TP of ``label`` against the rest, by a loop over the samples."""
    if weights is None:
        weights = [1] * len(y_true)
    tn = fp = fn = tp = 0
    for t, p, w in zip(y_true, y_pred, weights):
        if t == label and p == label:
            tp += w
        elif t == label:
            fn += w
        elif p == label:
            fp += w
        else:
            tn += w
    return tn, fp, fn, tp


def hand_scores(y_true, y_pred, labels, average, weights=None):
    """Specificity and NPV with scikit-learn's averaging rules (no zero division)."""
    counts = [hand_counts(y_true, y_pred, k, weights) for k in labels]
    if average == "micro":
        tn = sum(c[0] for c in counts)
        fp = sum(c[1] for c in counts)
        fn = sum(c[2] for c in counts)
        return tn / (tn + fp), tn / (tn + fn)
    spec = [tn / (tn + fp) for tn, fp, fn, tp in counts]
    npv = [tn / (tn + fn) for tn, fp, fn, tp in counts]
    if average is None:
        return spec, npv
    if average == "macro":
        return sum(spec) / len(spec), sum(npv) / len(npv)
    support = [fn + tp for tn, fp, fn, tp in counts]  # weighted
    total = sum(support)
    return (
        sum(s * w for s, w in zip(spec, support)) / total,
        sum(v * w for v, w in zip(npv, support)) / total,
    )


def hand_auc(y_true, score, positive, weights=None):
    """Probability that a positive outranks a negative (ties count 1/2), weighted."""
    if weights is None:
        weights = [1.0] * len(y_true)
    num = den = 0.0
    for yi, si, wi in zip(y_true, score, weights):
        if yi != positive:
            continue
        for yj, sj, wj in zip(y_true, score, weights):
            if yj == positive:
                continue
            num += wi * wj * (1.0 if si > sj else 0.5 if si == sj else 0.0)
            den += wi * wj
    return num / den


def weighted_mean(values, weights):
    if weights is None:
        return sum(values) / len(values)
    return sum(v * w for v, w in zip(values, weights)) / sum(weights)


def same(a, b):
    """Equal as numbers, NaN equal to NaN (exact, no tolerance)."""
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b


# The tutorial's first scikit-learn example (solver="liblinear", C=1): one false positive.
TUT_Y = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
TUT_PRED = [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]
# The tutorial's second example: y differs in the second value; conf matrix [[2, 1], [1, 6]].
TUT2_Y = [0, 1, 0, 0, 1, 1, 1, 1, 1, 1]
TUT2_PRED = [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]


@pytest.fixture
def multiclass_data():
    rng = np.random.default_rng(42)
    y_true = rng.integers(0, 4, size=60)
    # mostly right, so the classes differ in their scores
    y_pred = np.where(rng.random(60) < 0.6, y_true, rng.integers(0, 4, size=60))
    weights = rng.uniform(0.1, 3.0, size=60)
    return y_true, y_pred, weights


# ------------------------------------------------------------- specificity and NPV


def test_binary_against_hand_counts():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, size=40)
    y_pred = rng.integers(0, 2, size=40)
    for pos in (1, 0):
        tn, fp, fn, tp = hand_counts(y_true.tolist(), y_pred.tolist(), pos)
        assert specificity_score(y_true, y_pred, pos_label=pos) == pytest.approx(tn / (tn + fp))
        assert npv_score(y_true, y_pred, pos_label=pos) == pytest.approx(tn / (tn + fn))
    # specificity of one class is the recall of the other; NPV its precision
    tn, fp, fn, tp = hand_counts(y_true.tolist(), y_pred.tolist(), 1)
    assert specificity_score(y_true, y_pred) != pytest.approx(tp / (tp + fn))


def test_binary_string_labels():
    y_true = ["no", "no", "yes", "yes", "yes", "no"]
    y_pred = ["no", "yes", "yes", "no", "yes", "no"]
    tn, fp, fn, tp = hand_counts(y_true, y_pred, "yes")
    assert specificity_score(y_true, y_pred, pos_label="yes") == pytest.approx(tn / (tn + fp))
    assert npv_score(y_true, y_pred, pos_label="yes") == pytest.approx(tn / (tn + fn))
    with pytest.raises(ValueError, match="pos_label=1 is not a valid label"):
        specificity_score(y_true, y_pred)


def test_tutorial_values_by_definition():
    # class 1: TN = 3, FP = 1, FN = 0, TP = 6
    assert specificity_score(TUT_Y, TUT_PRED) == 0.75
    assert npv_score(TUT_Y, TUT_PRED) == 1.0
    assert specificity_score(TUT_Y, TUT_PRED, pos_label=0) == 1.0
    assert npv_score(TUT_Y, TUT_PRED, pos_label=0) == pytest.approx(6 / 7)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "sample_weight"])
def test_multiclass_averages_against_hand_counts(multiclass_data, average, weighted):
    y_true, y_pred, weights = multiclass_data
    w = weights if weighted else None
    labels = [0, 1, 2, 3]
    spec_ref, npv_ref = hand_scores(
        y_true.tolist(), y_pred.tolist(), labels, average, None if w is None else w.tolist()
    )
    spec = specificity_score(y_true, y_pred, average=average, sample_weight=w)
    npv = npv_score(y_true, y_pred, average=average, sample_weight=w)
    if average is None:
        assert isinstance(spec, np.ndarray) and spec.shape == (4,)
        np.testing.assert_allclose(spec, spec_ref, rtol=1e-12)
        np.testing.assert_allclose(npv, npv_ref, rtol=1e-12)
    else:
        assert isinstance(spec, float) and isinstance(npv, float)
        assert spec == pytest.approx(spec_ref, rel=1e-12)
        assert npv == pytest.approx(npv_ref, rel=1e-12)


def test_averages_differ_from_each_other(multiclass_data):
    # guards against an average silently ignored: the four give different numbers here
    y_true, y_pred, _ = multiclass_data
    values = {a: specificity_score(y_true, y_pred, average=a) for a in ("micro", "macro", "weighted")}
    assert len({round(v, 12) for v in values.values()}) == 3


def test_labels_order_and_subset(multiclass_data):
    y_true, y_pred, _ = multiclass_data
    spec = specificity_score(y_true, y_pred, labels=[3, 1], average=None)
    ref, _ = hand_scores(y_true.tolist(), y_pred.tolist(), [3, 1], None)
    np.testing.assert_allclose(spec, ref, rtol=1e-12)
    macro = npv_score(y_true, y_pred, labels=[3, 1], average="macro")
    assert macro == pytest.approx(hand_scores(y_true.tolist(), y_pred.tolist(), [3, 1], "macro")[1])


def test_integer_weights_equal_repeated_rows(multiclass_data):
    y_true, y_pred, _ = multiclass_data
    reps = np.arange(len(y_true)) % 3  # 0, 1, 2: weight 0 drops a row
    for func in (specificity_score, npv_score):
        for average in ("micro", "macro", "weighted"):
            weighted = func(y_true, y_pred, average=average, sample_weight=reps)
            repeated = func(np.repeat(y_true, reps), np.repeat(y_pred, reps), average=average)
            assert weighted == pytest.approx(repeated, rel=1e-12)


def test_label_absent_from_y_pred_zero_division():
    # label 0 is never predicted: class 1 has no predicted negatives, NPV is 0/0
    y_true = [0, 0, 1, 1]
    y_pred = [1, 1, 1, 1]
    with pytest.warns(UndefinedMetricWarning, match="Negative predictive value is ill-defined"):
        assert npv_score(y_true, y_pred) == 0.0
    assert npv_score(y_true, y_pred, zero_division=1) == 1.0
    assert math.isnan(npv_score(y_true, y_pred, zero_division=np.nan))
    # per class: class 0 has TN = 2 (true 1, predicted 1), FN = 2 -> 0.5
    per_class = npv_score(y_true, y_pred, average=None, zero_division=np.nan)
    assert per_class[0] == 0.5 and math.isnan(per_class[1])
    # NaN is left out of the averages, as in scikit-learn
    assert npv_score(y_true, y_pred, average="macro", zero_division=np.nan) == 0.5
    assert npv_score(y_true, y_pred, average="macro", zero_division=1) == 0.75
    # specificity is defined here: class 1 has 2 actual negatives, both predicted 1
    assert specificity_score(y_true, y_pred) == 0.0
    assert specificity_score(y_true, y_pred, pos_label=0) == 1.0


def test_no_actual_negatives_zero_division():
    y_true = [1, 1, 1]
    y_pred = [1, 0, 1]
    with pytest.warns(UndefinedMetricWarning, match="Specificity is ill-defined"):
        assert specificity_score(y_true, y_pred) == 0.0
    assert specificity_score(y_true, y_pred, zero_division=1) == 1.0


def test_label_absent_everywhere_multiclass(multiclass_data):
    y_true, y_pred, _ = multiclass_data
    # label 9 never occurs: TN = n, FP = FN = 0, so both scores are 1; support 0
    spec = specificity_score(y_true, y_pred, labels=[0, 1, 2, 3, 9], average=None)
    assert spec[-1] == 1.0
    weighted = specificity_score(y_true, y_pred, labels=[0, 1, 2, 3, 9], average="weighted")
    assert weighted == pytest.approx(specificity_score(y_true, y_pred, average="weighted"))
    macro = npv_score(y_true, y_pred, labels=[0, 1, 2, 3, 9], average="macro")
    assert macro == pytest.approx((4 * npv_score(y_true, y_pred, average="macro") + 1) / 5)


def test_pos_label_ignored_warning(multiclass_data):
    y_true, y_pred, _ = multiclass_data
    with pytest.warns(UserWarning, match="pos_label"):
        specificity_score(y_true, y_pred, average="macro", pos_label=2)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(average="samples"), "average must be one of"),
        (dict(average="mean"), "average must be one of"),
        (dict(zero_division="nan"), "zero_division"),
        (dict(zero_division=0.5), "zero_division"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        specificity_score([0, 1, 1], [0, 1, 0], **kwargs)


def test_bad_targets():
    with pytest.raises(ValueError, match="different lengths: 3 and 2"):
        npv_score([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="Target is multiclass but average='binary'"):
        npv_score([0, 1, 2], [0, 1, 1])
    with pytest.raises(ValueError, match="continuous"):
        specificity_score([0, 1, 1], [0.2, 0.7, 0.4])
    with pytest.raises(ValueError, match="1-D"):
        specificity_score(np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="sample_weight"):
        specificity_score([0, 1, 1], [0, 1, 0], sample_weight=[1, 1])
    with pytest.raises(ValueError, match="negative"):
        specificity_score([0, 1, 1], [0, 1, 0], sample_weight=[1, -1, 1])


# ------------------------------------------------------------------ binary_summary


def test_binary_summary_tutorial():
    s = binary_summary(TUT_Y, TUT_PRED)
    assert list(s) == ["accuracy", "ppv", "npv", "sensitivity", "specificity", "tn", "fp", "fn", "tp"]
    assert (s["tn"], s["fp"], s["fn"], s["tp"]) == (3, 1, 0, 6)
    assert all(type(s[k]) is int for k in ("tn", "fp", "fn", "tp"))
    assert s["accuracy"] == pytest.approx(0.9)
    assert s["ppv"] == pytest.approx(6 / 7)
    assert s["npv"] == 1.0
    assert s["sensitivity"] == 1.0
    assert s["specificity"] == 0.75


def test_binary_summary_weighted_and_pos_label():
    rng = np.random.default_rng(3)
    y_true = rng.choice(["a", "b"], size=30)
    y_pred = rng.choice(["a", "b"], size=30)
    w = rng.uniform(0.5, 2.0, size=30)
    s = binary_summary(y_true, y_pred, pos_label="a", sample_weight=w)
    tn, fp, fn, tp = hand_counts(y_true.tolist(), y_pred.tolist(), "a", w.tolist())
    assert (s["tn"], s["fp"], s["fn"], s["tp"]) == pytest.approx((tn, fp, fn, tp))
    assert s["accuracy"] == pytest.approx((tn + tp) / (tn + fp + fn + tp))
    assert s["ppv"] == pytest.approx(tp / (tp + fp))
    assert s["npv"] == pytest.approx(tn / (tn + fn))
    assert s["sensitivity"] == pytest.approx(tp / (tp + fn))
    assert s["specificity"] == pytest.approx(tn / (tn + fp))


def test_binary_summary_rejects_multiclass():
    with pytest.raises(ValueError, match="at most two classes"):
        binary_summary([0, 1, 2], [0, 1, 2])


# -------------------------------------------------------------- classification report


def report_rows(text):
    """{first token(s) of a line: the remaining tokens} for the lines of a text report."""
    rows = {}
    for line in text.splitlines():
        tokens = line.split()
        if not tokens or tokens[0] == "precision":
            continue
        if tokens[0] in ("macro", "weighted", "micro", "roc", "log", "brier"):
            rows[" ".join(tokens[:2])] = tokens[2:]
        else:
            rows[tokens[0]] = tokens[1:]
    return rows


def test_report_tutorial_lines():
    text = classification_report(TUT_Y, TUT_PRED)
    rows = report_rows(text)
    header = text.splitlines()[0].split()
    assert header == ["precision", "recall", "f1-score", "support", "specificity", "npv"]
    # the tutorial's lines, then specificity and npv
    assert rows["0"][:4] == ["1.00", "0.75", "0.86", "4"]
    assert rows["1"][:4] == ["0.86", "1.00", "0.92", "6"]
    assert rows["accuracy"] == ["0.90", "10"]
    assert rows["macro avg"][:4] == ["0.93", "0.88", "0.89", "10"]
    assert rows["weighted avg"][:4] == ["0.91", "0.90", "0.90", "10"]
    assert rows["1"][4:] == ["0.75", "1.00"]  # specificity, npv of class 1
    assert rows["0"][4:] == ["1.00", "0.86"]
    # macro: (1 + 0.75) / 2, (6/7 + 1) / 2; weighted by support 4 and 6
    assert rows["macro avg"][4:] == ["0.88", "0.93"]
    assert rows["weighted avg"][4:] == [f"{(4 * 1 + 6 * 0.75) / 10:.2f}", f"{(4 * 6 / 7 + 6) / 10:.2f}"]


def test_report_tutorial_second_example():
    rows = report_rows(classification_report(TUT2_Y, TUT2_PRED))
    assert rows["0"][:4] == ["0.67", "0.67", "0.67", "3"]
    assert rows["1"][:4] == ["0.86", "0.86", "0.86", "7"]
    assert rows["accuracy"] == ["0.80", "10"]
    assert rows["macro avg"][:4] == ["0.76", "0.76", "0.76", "10"]
    assert rows["weighted avg"][:4] == ["0.80", "0.80", "0.80", "10"]
    # class 1: TN = 2, FP = 1, FN = 1
    assert rows["1"][4:] == [f"{2 / 3:.2f}", f"{2 / 3:.2f}"]


REPORT_CASES = {
    "tutorial": (TUT_Y, TUT_PRED, {}),
    "multiclass": (None, None, {}),
    "weighted": (None, None, {"sample_weight": True}),
    "labels-subset": (None, None, {"labels": [2, 0]}),
    "extra-label": (None, None, {"labels": [0, 1, 2, 3, 7], "zero_division": 0}),
    "names-digits": (None, None, {"target_names": ["a", "bb", "ccc", "dddd"], "digits": 4}),
    "nan-division": ([0, 0, 1, 1], [1, 1, 1, 1], {"zero_division": np.nan}),
}


def _case(name, multiclass_data):
    y_true, y_pred, kwargs = REPORT_CASES[name]
    kwargs = dict(kwargs)
    if y_true is None:
        y_true, y_pred, weights = multiclass_data
        if kwargs.pop("sample_weight", False):
            kwargs["sample_weight"] = weights
    return y_true, y_pred, kwargs


@pytest.mark.parametrize("name", list(REPORT_CASES))
def test_report_dict_matches_sklearn_exactly(name, multiclass_data):
    y_true, y_pred, kwargs = _case(name, multiclass_data)
    ours = classification_report(y_true, y_pred, output_dict=True, **kwargs)
    theirs = sk_classification_report(y_true, y_pred, output_dict=True, **kwargs)
    assert list(ours) == list(theirs)  # same rows, same order
    for key, value in theirs.items():
        if isinstance(value, dict):
            assert list(ours[key]) == list(value) + ["specificity", "npv"]
            for metric, number in value.items():
                assert same(ours[key][metric], number), (key, metric)
        else:
            assert same(ours[key], value), key


@pytest.mark.parametrize("name", list(REPORT_CASES))
def test_report_text_extends_sklearn_layout(name, multiclass_data):
    y_true, y_pred, kwargs = _case(name, multiclass_data)
    ours = classification_report(y_true, y_pred, **kwargs).splitlines()
    theirs = sk_classification_report(y_true, y_pred, **kwargs).splitlines()
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.startswith(b), (a, b)
    if "sample_weight" in kwargs:
        return  # weighted supports are long floats: scikit-learn's columns shift too
    # the new columns line up: every number's last character sits under its header's
    header = ours[0]
    ends = [header.index(h) + len(h) for h in ("specificity", "npv")]
    for line in ours[2:]:
        if line.split() and not line.split()[0] == "accuracy":
            assert line[ends[0] - 1] != " " and line[ends[1] - 1] != " " and len(line) == ends[1]


def test_report_new_columns_by_hand(multiclass_data):
    y_true, y_pred, weights = multiclass_data
    report = classification_report(y_true, y_pred, sample_weight=weights, output_dict=True)
    labels = [0, 1, 2, 3]
    yt, yp, w = y_true.tolist(), y_pred.tolist(), weights.tolist()
    spec, npv = hand_scores(yt, yp, labels, None, w)
    for k in labels:
        assert report[str(k)]["specificity"] == pytest.approx(spec[k], rel=1e-12)
        assert report[str(k)]["npv"] == pytest.approx(npv[k], rel=1e-12)
    for key, average in (("macro avg", "macro"), ("weighted avg", "weighted")):
        s, v = hand_scores(yt, yp, labels, average, w)
        assert report[key]["specificity"] == pytest.approx(s, rel=1e-12)
        assert report[key]["npv"] == pytest.approx(v, rel=1e-12)
    # a subset of labels gives a micro avg line, with micro specificity and npv
    sub = classification_report(y_true, y_pred, labels=[1, 3], output_dict=True)
    s, v = hand_scores(yt, yp, [1, 3], "micro")
    assert "accuracy" not in sub
    assert sub["micro avg"]["specificity"] == pytest.approx(s)
    assert sub["micro avg"]["npv"] == pytest.approx(v)


def test_report_dict_structure():
    report = classification_report(TUT_Y, TUT_PRED, output_dict=True)
    assert list(report) == ["0", "1", "accuracy", "macro avg", "weighted avg"]
    inner = ["precision", "recall", "f1-score", "support", "specificity", "npv"]
    for key in ("0", "1", "macro avg", "weighted avg"):
        assert list(report[key]) == inner
        assert all(type(v) is float for v in report[key].values())
    assert type(report["accuracy"]) is float and report["accuracy"] == 0.9
    assert report["1"]["specificity"] == 0.75 and report["1"]["npv"] == 1.0

    proba = np.column_stack([1 - np.linspace(0.1, 0.9, 10), np.linspace(0.1, 0.9, 10)])
    with_proba = classification_report(TUT_Y, TUT_PRED, y_proba=proba, output_dict=True)
    assert list(with_proba) == list(report) + ["roc auc", "log loss", "brier score"]
    assert all(type(with_proba[k]) is float for k in ("roc auc", "log loss", "brier score"))
    named = classification_report(TUT_Y, TUT_PRED, target_names=["neg", "pos"], output_dict=True)
    assert list(named)[:2] == ["neg", "pos"]


# ------------------------------------------------------------- probability scores


def test_probability_scores_binary():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, size=25)
    p1 = np.round(rng.uniform(0.1, 0.9, size=25), 1)  # rounded: ties in the ranking
    proba = np.column_stack([1 - p1, p1])
    y_pred = (p1 > 0.5).astype(int)
    for w in (None, rng.uniform(0.2, 2.0, size=25)):
        r = classification_report(y, y_pred, y_proba=proba, sample_weight=w, output_dict=True)
        wl = None if w is None else w.tolist()
        p_true = [p if t == 1 else 1 - p for t, p in zip(y, p1)]
        assert r["roc auc"] == pytest.approx(hand_auc(y.tolist(), p1.tolist(), 1, wl), rel=1e-12)
        nll = [-math.log(p) for p in p_true]
        assert r["log loss"] == pytest.approx(weighted_mean(nll, wl), rel=1e-12)
        squared = [(p - t) ** 2 for p, t in zip(p1, y)]
        assert r["brier score"] == pytest.approx(weighted_mean(squared, wl), rel=1e-12)
    # a 1-D y_proba is the probability of the second class
    one_d = classification_report(y, y_pred, y_proba=p1, output_dict=True)
    two_d = classification_report(y, y_pred, y_proba=proba, output_dict=True)
    assert [one_d[k] for k in ("roc auc", "log loss", "brier score")] == pytest.approx(
        [two_d[k] for k in ("roc auc", "log loss", "brier score")]
    )


def test_probability_scores_multiclass(multiclass_data):
    y_true, y_pred, weights = multiclass_data
    rng = np.random.default_rng(11)
    proba = rng.dirichlet([1.0, 1.0, 1.0, 1.0], size=len(y_true))
    proba[np.arange(len(y_true)), y_true] += 0.5  # informative, then renormalized
    proba /= proba.sum(axis=1, keepdims=True)
    yt = y_true.tolist()
    for w in (None, weights):
        wl = None if w is None else w.tolist()
        r = classification_report(y_true, y_pred, y_proba=proba, sample_weight=w, output_dict=True)
        aucs = [hand_auc(yt, proba[:, k].tolist(), k, wl) for k in range(4)]
        assert r["roc auc"] == pytest.approx(sum(aucs) / 4, rel=1e-12)
        nll = [-math.log(proba[i, t]) for i, t in enumerate(yt)]
        assert r["log loss"] == pytest.approx(weighted_mean(nll, wl), rel=1e-12)
        brier = [sum((proba[i, k] - (t == k)) ** 2 for k in range(4)) for i, t in enumerate(yt)]
        assert r["brier score"] == pytest.approx(weighted_mean(brier, wl), rel=1e-12)

    # columns follow `labels`: permuting both changes nothing
    order = [2, 0, 3, 1]
    permuted = classification_report(
        y_true, y_pred, y_proba=proba[:, order], labels=order, output_dict=True
    )
    plain = classification_report(y_true, y_pred, y_proba=proba, output_dict=True)
    for key in ("roc auc", "log loss", "brier score"):
        assert permuted[key] == pytest.approx(plain[key], rel=1e-12)


def test_probability_block_in_text():
    proba = np.column_stack([1 - np.linspace(0.1, 0.9, 10), np.linspace(0.1, 0.9, 10)])
    text = classification_report(TUT_Y, TUT_PRED, y_proba=proba, digits=3)
    rows = report_rows(text)
    report = classification_report(TUT_Y, TUT_PRED, y_proba=proba, output_dict=True)
    assert rows["roc auc"] == [f"{report['roc auc']:.3f}"]
    assert rows["log loss"] == [f"{report['log loss']:.3f}"]
    assert rows["brier score"] == [f"{report['brier score']:.3f}"]
    assert "roc auc" not in classification_report(TUT_Y, TUT_PRED)


@pytest.mark.parametrize(
    "proba, match",
    [
        (np.full((10, 3), 1 / 3), "3 columns but there are 2 classes"),
        (np.full((9, 2), 0.5), "9 rows but y_true has 10 samples"),
        (np.column_stack([np.full(10, 0.5), np.full(10, 0.6)]), "sum to 1"),
        (np.column_stack([np.full(10, -0.2), np.full(10, 1.2)]), r"outside \[0, 1\]"),
        (np.full((10, 2), np.nan), "NaN"),
        (np.full((10, 2, 1), 0.5), "2-D"),
    ],
)
def test_bad_probabilities(proba, match):
    with pytest.raises(ValueError, match=match):
        classification_report(TUT_Y, TUT_PRED, y_proba=proba)


def test_probability_rows_sum_tolerance():
    proba = np.column_stack([np.full(10, 0.5), np.full(10, 0.5 + 5e-7)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # accepted, renormalized: no warning from sklearn
        report = classification_report(TUT_Y, TUT_PRED, y_proba=proba, output_dict=True)
    assert report["log loss"] == pytest.approx(math.log(2), rel=1e-6)
    with pytest.raises(ValueError, match="row 0"):
        classification_report(TUT_Y, TUT_PRED, y_proba=proba + [0, 2e-6])


def test_probability_needs_every_class():
    # y_true and y_pred miss class 2 of a 3-class model: columns need labels=
    y, pred = [0, 1, 1, 0], [0, 1, 0, 0]
    proba = np.full((4, 3), 1 / 3)
    with pytest.raises(ValueError, match="labels=model.classes_"):
        classification_report(y, pred, y_proba=proba)
    with pytest.warns(UndefinedMetricWarning, match="ROC AUC"):  # class 2 has no samples
        report = classification_report(
            y, pred, y_proba=proba, labels=[0, 1, 2], output_dict=True, zero_division=0
        )
    assert math.isnan(report["roc auc"])  # scikit-learn's answer for an absent class
    assert report["log loss"] == pytest.approx(math.log(3))
    assert report["brier score"] == pytest.approx(2 / 3)  # (2/3)^2 + 2 (1/3)^2
    with pytest.raises(ValueError, match="not among the classes"):
        classification_report([0, 1, 2, 2], [0, 1, 2, 2], y_proba=np.full((4, 2), 0.5), labels=[0, 1])


def test_report_bad_input():
    with pytest.raises(ValueError, match="different lengths"):
        classification_report([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="does not match size of target_names"):
        classification_report(TUT_Y, TUT_PRED, target_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="digits"):
        classification_report(TUT_Y, TUT_PRED, digits=-1)


def test_docstring_examples():
    failures, tried = doctest.testmod(metrics, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried >= 4 and failures == 0

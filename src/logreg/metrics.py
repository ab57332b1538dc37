"""Classification metrics that scikit-learn lacks, in one report.

scikit-learn computes precision (positive predictive value), recall
(sensitivity), F1, support, accuracy, ROC AUC, log loss and the Brier score;
this module calls it for all of them. What it adds:

- :func:`specificity_score` (true negative rate, TN / (TN + FP)) and
  :func:`npv_score` (negative predictive value, TN / (TN + FN)), with
  scikit-learn's conventions for ``labels``, ``pos_label``, ``average``,
  ``sample_weight`` and ``zero_division``. Both are built on
  :func:`sklearn.metrics.multilabel_confusion_matrix`, the same counts that
  scikit-learn's precision and recall use, so weights and labels are handled
  identically;
- :func:`classification_report`: scikit-learn's report with two more columns
  (specificity, npv) and, given predicted probabilities, ROC AUC, log loss and
  the Brier score;
- :func:`binary_summary`: the tutorial's indicators of a binary classifier
  (accuracy, positive and negative predictive value, sensitivity,
  specificity) with the four counts.

Only binary and multiclass targets are accepted (the outputs of a logistic
regression); multilabel input gets a ``ValueError``.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    log_loss,
    multilabel_confusion_matrix,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.utils.multiclass import type_of_target, unique_labels

__all__ = ["binary_summary", "classification_report", "npv_score", "specificity_score"]

_AVERAGES = (None, "binary", "micro", "macro", "weighted")
# Tolerance on probabilities: rows must sum to 1 and values lie in [0, 1] within it.
_PROBA_TOL = 1e-6

# The two scores share everything but the second count of the denominator and the
# wording of the warning: specificity = TN / (TN + FP) (actual negatives),
# npv = TN / (TN + FN) (predicted negatives).
_SCORES = {
    "specificity": ("fp", "Specificity is", "actual negative samples (TN + FP = 0)"),
    "npv": ("fn", "Negative predictive value is", "predicted negative samples (TN + FN = 0)"),
}


# --------------------------------------------------------------------------- validation


def _as_1d(y, name: str) -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr.ravel()
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D array of class labels, got an array of shape {arr.shape}"
        )
    return arr


def _check_targets(y_true, y_pred, sample_weight=None):
    """Labels and weights as arrays; returns (y_true, y_pred, y_type, present, weights).

    ``y_type`` is "binary" or "multiclass" (of the two together), ``present`` the
    sorted labels found in either.
    """
    y_true = _as_1d(y_true, "y_true")
    y_pred = _as_1d(y_pred, "y_pred")
    if y_true.shape[0] != y_pred.shape[0]:
        raise ValueError(
            f"y_true and y_pred have different lengths: {y_true.shape[0]} and {y_pred.shape[0]}"
        )
    if y_true.shape[0] == 0:
        raise ValueError("y_true and y_pred are empty: at least one sample is needed")
    types = set()
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        kind = type_of_target(y, input_name=name)
        if kind not in ("binary", "multiclass"):
            raise ValueError(
                f"{name} is a {kind!r} target; these metrics take binary or multiclass "
                "class labels (use predict, not predict_proba or decision_function, for y_pred)"
            )
        types.add(kind)
    present = unique_labels(y_true, y_pred)  # also rejects a mix of strings and numbers
    y_type = "multiclass" if ("multiclass" in types or present.size > 2) else "binary"
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        if sample_weight.ndim != 1 or sample_weight.shape[0] != y_true.shape[0]:
            raise ValueError(
                f"sample_weight must be 1-D with one weight per sample ({y_true.shape[0]}), "
                f"got shape {sample_weight.shape}"
            )
        if not np.all(np.isfinite(sample_weight)):
            raise ValueError("sample_weight contains NaN or infinity")
        if np.any(sample_weight < 0):
            raise ValueError("sample_weight contains negative values")
    return y_true, y_pred, y_type, present, sample_weight


def _check_average(average) -> None:
    if average not in _AVERAGES:
        raise ValueError(
            f"average must be one of {_AVERAGES}, got {average!r}"
            + (" ('samples' is for multilabel targets, which are not supported)"
               if average == "samples" else "")
        )


def _check_zero_division(zero_division) -> float:
    """The value set on a zero denominator (0.0 for "warn")."""
    if isinstance(zero_division, str):
        if zero_division == "warn":
            return 0.0
    elif isinstance(zero_division, numbers.Real) and not isinstance(zero_division, bool):
        if zero_division in (0, 1):
            return float(zero_division)
        if np.isnan(zero_division):
            return np.nan
    raise ValueError(f'zero_division must be "warn", 0, 1 or np.nan, got {zero_division!r}')


def _set_wise_labels(y_type, present, average, labels, pos_label):
    """The labels to score, following scikit-learn's rules for ``average`` and ``pos_label``."""
    if average == "binary":
        if y_type != "binary":
            raise ValueError(
                f"Target is {y_type} but average='binary'. Please choose another average "
                "setting, one of [None, 'micro', 'macro', 'weighted']."
            )
        if pos_label not in present.tolist() and present.size >= 2:
            raise ValueError(
                f"pos_label={pos_label!r} is not a valid label. It should be one of "
                f"{present.tolist()}"
            )
        return [pos_label]
    if pos_label not in (None, 1):
        warnings.warn(
            f"Note that pos_label (set to {pos_label!r}) is ignored when average != 'binary' "
            f"(got {average!r}). You may use labels=[pos_label] to specify a single positive "
            "class.",
            UserWarning,
            stacklevel=3,
        )
    if labels is not None:
        labels = np.asarray(labels)
        if labels.ndim != 1 or labels.size == 0:
            raise ValueError("labels must be a non-empty 1-D list of class labels")
    return labels


# ----------------------------------------------------------------- specificity and NPV


def _nanaverage(values: np.ndarray, weights=None) -> float:
    # Same rule as scikit-learn's averaging: NaN scores (zero_division=np.nan) are
    # left out; all-zero weights fall back to the plain mean.
    if values.size == 0:
        return np.nan
    keep = ~np.isnan(values)
    if not keep.any():
        return np.nan
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)[keep]
        if w.sum() != 0:
            return float(np.average(values[keep], weights=w))
    return float(np.mean(values[keep]))


def _negative_rate(
    kind, y_true, y_pred, *, labels, pos_label, average, sample_weight, zero_division
):
    _check_average(average)
    fill = _check_zero_division(zero_division)
    y_true, y_pred, y_type, present, sample_weight = _check_targets(
        y_true, y_pred, sample_weight
    )
    labels = _set_wise_labels(y_type, present, average, labels, pos_label)
    mcm = multilabel_confusion_matrix(
        y_true, y_pred, sample_weight=sample_weight, labels=labels
    )
    # mcm[k] = [[TN, FP], [FN, TP]] of label k against all the others.
    tn, fp, fn, tp = mcm[:, 0, 0], mcm[:, 0, 1], mcm[:, 1, 0], mcm[:, 1, 1]
    other_name, what, missing = _SCORES[kind]
    other = fp if other_name == "fp" else fn
    if average == "micro":
        tn, other = np.array([tn.sum()]), np.array([other.sum()])
    numerator = tn.astype(np.float64)
    denominator = (tn + other).astype(np.float64)
    zero = denominator == 0
    score = numerator / np.where(zero, 1.0, denominator)
    if zero.any():
        score[zero] = fill
        if isinstance(zero_division, str):  # "warn"
            where = "due to" if score.size == 1 else "in labels with"
            warnings.warn(
                f"{what} ill-defined and being set to 0.0 {where} no {missing}. "
                "Use `zero_division` parameter to control this behavior.",
                UndefinedMetricWarning,
                stacklevel=3,
            )
    if average is None:
        return score
    weights = (tp + fn) if average == "weighted" else None  # support, as scikit-learn
    return _nanaverage(score, weights)


def specificity_score(
    y_true,
    y_pred,
    *,
    labels=None,
    pos_label=1,
    average="binary",
    sample_weight=None,
    zero_division="warn",
):
    """Specificity (true negative rate): TN / (TN + FP).

    The share of the samples that do not belong to a class that the classifier
    also puts outside it. For a binary problem it is the recall of the negative
    class. Parameters follow :func:`sklearn.metrics.precision_score`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels (binary or multiclass).
    y_pred : array-like of shape (n_samples,)
        Predicted class labels.
    labels : array-like, default=None
        The labels to score when ``average != "binary"``, in this order; labels
        absent from the data get zero counts. By default the sorted labels of
        ``y_true`` and ``y_pred``.
    pos_label : int, float, bool or str, default=1
        The class scored when ``average="binary"``; ignored otherwise (with a
        warning when set to something other than 1 or None).
    average : {"binary", "micro", "macro", "weighted"} or None, default="binary"
        ``None``: one score per label. ``"binary"``: the score of ``pos_label``
        (binary targets only). ``"micro"``: from the counts summed over labels.
        ``"macro"``: unweighted mean of the per-label scores. ``"weighted"``:
        mean weighted by each label's support (its number of true samples).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights; counts become sums of weights.
    zero_division : {"warn", 0, 1, np.nan}, default="warn"
        The score of a label with no actual negatives (TN + FP = 0). ``"warn"``
        gives 0 and an :class:`~sklearn.exceptions.UndefinedMetricWarning`.
        NaN scores are left out of the averages.

    Returns
    -------
    float or ndarray of shape (n_labels,)
        The (averaged) specificity; an array when ``average=None``.

    Raises
    ------
    ValueError
        On inputs of different lengths, non-class targets, an unknown
        ``average``, ``average="binary"`` with a multiclass target, or a
        ``pos_label`` that is not among two present labels.

    See Also
    --------
    npv_score : Negative predictive value.
    sklearn.metrics.recall_score : Sensitivity, TP / (TP + FN).

    Examples
    --------
    >>> specificity_score([0, 0, 0, 0, 1, 1], [0, 0, 0, 1, 1, 1])
    0.75
    """
    return _negative_rate(
        "specificity",
        y_true,
        y_pred,
        labels=labels,
        pos_label=pos_label,
        average=average,
        sample_weight=sample_weight,
        zero_division=zero_division,
    )


def npv_score(
    y_true,
    y_pred,
    *,
    labels=None,
    pos_label=1,
    average="binary",
    sample_weight=None,
    zero_division="warn",
):
    """Negative predictive value: TN / (TN + FN).

    The share of the samples predicted outside a class that truly are outside
    it. For a binary problem it is the precision of the negative class.
    Parameters follow :func:`sklearn.metrics.precision_score`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels (binary or multiclass).
    y_pred : array-like of shape (n_samples,)
        Predicted class labels.
    labels : array-like, default=None
        The labels to score when ``average != "binary"``, in this order; labels
        absent from the data get zero counts. By default the sorted labels of
        ``y_true`` and ``y_pred``.
    pos_label : int, float, bool or str, default=1
        The class scored when ``average="binary"``; ignored otherwise (with a
        warning when set to something other than 1 or None).
    average : {"binary", "micro", "macro", "weighted"} or None, default="binary"
        ``None``: one score per label. ``"binary"``: the score of ``pos_label``
        (binary targets only). ``"micro"``: from the counts summed over labels.
        ``"macro"``: unweighted mean of the per-label scores. ``"weighted"``:
        mean weighted by each label's support (its number of true samples).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights; counts become sums of weights.
    zero_division : {"warn", 0, 1, np.nan}, default="warn"
        The score of a label with no predicted negatives (TN + FN = 0).
        ``"warn"`` gives 0 and an
        :class:`~sklearn.exceptions.UndefinedMetricWarning`. NaN scores are left
        out of the averages.

    Returns
    -------
    float or ndarray of shape (n_labels,)
        The (averaged) negative predictive value; an array when ``average=None``.

    Raises
    ------
    ValueError
        On inputs of different lengths, non-class targets, an unknown
        ``average``, ``average="binary"`` with a multiclass target, or a
        ``pos_label`` that is not among two present labels.

    See Also
    --------
    specificity_score : True negative rate.
    sklearn.metrics.precision_score : Positive predictive value, TP / (TP + FP).

    Examples
    --------
    >>> npv_score([0, 0, 0, 0, 1, 1], [0, 0, 1, 1, 0, 1])
    0.6666666666666666
    """
    return _negative_rate(
        "npv",
        y_true,
        y_pred,
        labels=labels,
        pos_label=pos_label,
        average=average,
        sample_weight=sample_weight,
        zero_division=zero_division,
    )


# ------------------------------------------------------------------- binary summary


def binary_summary(y_true, y_pred, *, pos_label=1, sample_weight=None, zero_division="warn"):
    """The tutorial's indicators of a binary classifier, with the four counts.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels, at most two distinct values (with ``y_pred``).
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    pos_label : int, float, bool or str, default=1
        The positive class.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights; the counts become sums of weights.
    zero_division : {"warn", 0, 1, np.nan}, default="warn"
        The value of a ratio whose denominator is zero, as in scikit-learn.

    Returns
    -------
    dict
        ``accuracy`` (correct / all), ``ppv`` (positive predictive value,
        precision: TP / (TP + FP)), ``npv`` (negative predictive value:
        TN / (TN + FN)), ``sensitivity`` (recall, true positive rate:
        TP / (TP + FN)), ``specificity`` (true negative rate: TN / (TN + FP)),
        and the counts ``tn``, ``fp``, ``fn``, ``tp`` (ints without weights,
        floats with them).

    Raises
    ------
    ValueError
        If the labels are not binary, or ``pos_label`` is not one of them.

    Examples
    --------
    >>> s = binary_summary([0, 0, 0, 0, 1, 1, 1, 1, 1, 1], [0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
    >>> s["accuracy"], s["specificity"], (s["tn"], s["fp"], s["fn"], s["tp"])
    (0.9, 0.75, (3, 1, 0, 6))
    """
    y_true, y_pred, y_type, present, sample_weight = _check_targets(
        y_true, y_pred, sample_weight
    )
    if y_type != "binary":
        raise ValueError(
            f"binary_summary needs at most two classes, got {present.size}: "
            f"{present.tolist()}; use classification_report for multiclass labels"
        )
    _check_zero_division(zero_division)
    _set_wise_labels(y_type, present, "binary", None, pos_label)
    mcm = multilabel_confusion_matrix(
        y_true, y_pred, sample_weight=sample_weight, labels=[pos_label]
    )[0]
    cast = int if sample_weight is None else float
    tn, fp, fn, tp = (cast(v) for v in mcm.ravel())
    common = dict(pos_label=pos_label, sample_weight=sample_weight, zero_division=zero_division)
    return {
        "accuracy": float(accuracy_score(y_true, y_pred, sample_weight=sample_weight)),
        "ppv": float(precision_score(y_true, y_pred, **common)),
        "npv": float(npv_score(y_true, y_pred, **common)),
        "sensitivity": float(recall_score(y_true, y_pred, **common)),
        "specificity": float(specificity_score(y_true, y_pred, **common)),
        "tn": tn,
        "fp": fp,
        "fn": fn,
        "tp": tp,
    }


# ---------------------------------------------------------------- classification report


def _check_proba(y_proba, y_true, classes) -> tuple[np.ndarray, np.ndarray]:
    """Validated probabilities, columns reordered to the sorted classes.

    scikit-learn's log_loss and brier_score_loss read the columns in sorted label
    order whatever ``labels`` says, so the columns are sorted here once.
    """
    classes = np.asarray(classes)
    k = classes.size
    if k < 2:
        raise ValueError(
            f"y_proba needs at least two classes, but there is only {classes.tolist()}; "
            "pass labels= with every class of the model (e.g. labels=model.classes_)"
        )
    try:
        proba = np.asarray(y_proba, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"y_proba must be an array of numbers: {exc}") from None
    if proba.ndim == 1:
        if k != 2:
            raise ValueError(
                f"y_proba is 1-D but there are {k} classes {classes.tolist()}; "
                f"pass an array of shape (n_samples, {k})"
            )
        proba = np.column_stack([1.0 - proba, proba])  # P(second class) given
    if proba.ndim != 2:
        raise ValueError(f"y_proba must be 2-D (n_samples, n_classes), got shape {proba.shape}")
    if proba.shape[0] != y_true.shape[0]:
        raise ValueError(
            f"y_proba has {proba.shape[0]} rows but y_true has {y_true.shape[0]} samples"
        )
    if proba.shape[1] != k:
        raise ValueError(
            f"y_proba has {proba.shape[1]} columns but there are {k} classes "
            f"{classes.tolist()}; its columns must be the classes in `labels` (by default "
            "the sorted labels of y_true and y_pred): pass labels=model.classes_"
        )
    if not np.all(np.isfinite(proba)):
        raise ValueError("y_proba contains NaN or infinity")
    if proba.min() < -_PROBA_TOL or proba.max() > 1 + _PROBA_TOL:
        raise ValueError(
            f"y_proba has values outside [0, 1] (min {proba.min():.6g}, max {proba.max():.6g})"
        )
    sums = proba.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > _PROBA_TOL)
    if bad.size:
        raise ValueError(
            f"the rows of y_proba must sum to 1 (within {_PROBA_TOL:g}): {bad.size} do not, "
            f"the first is row {bad[0]} with sum {sums[bad[0]]:.9g}"
        )
    unknown = np.setdiff1d(np.unique(y_true), classes)
    if unknown.size:
        raise ValueError(
            f"y_true contains labels {unknown.tolist()} that are not among the classes of "
            f"y_proba's columns {classes.tolist()}"
        )
    # Renormalize: the rows are accepted within 1e-6 of 1, but scikit-learn's log_loss
    # warns beyond about 1.5e-8 (float32 probabilities reach that).
    proba = np.clip(proba, 0.0, 1.0)
    proba = proba / proba.sum(axis=1, keepdims=True)
    order = np.argsort(classes, kind="stable")
    return proba[:, order], classes[order]


def _probability_scores(y_true, proba, classes, sample_weight) -> dict:
    """ROC AUC, log loss and Brier score, all from scikit-learn."""
    if classes.size == 2:
        positive = classes[1]  # the greater label, scikit-learn's positive class
        roc_auc = roc_auc_score(
            (y_true == positive).astype(int), proba[:, 1], sample_weight=sample_weight
        )
        brier = brier_score_loss(
            y_true, proba[:, 1], pos_label=positive, sample_weight=sample_weight
        )
    else:
        roc_auc = roc_auc_score(
            y_true,
            proba,
            multi_class="ovr",
            average="macro",
            labels=classes,
            sample_weight=sample_weight,
        )
        # scikit-learn >= 1.7 computes the multiclass Brier score; scale_by_half=False
        # keeps the textbook sum over classes (range [0, 2]).
        brier = brier_score_loss(
            y_true, proba, labels=classes, sample_weight=sample_weight, scale_by_half=False
        )
    loss = log_loss(y_true, proba, labels=classes, sample_weight=sample_weight)
    return {"roc auc": float(roc_auc), "log loss": float(loss), "brier score": float(brier)}


def classification_report(
    y_true,
    y_pred,
    *,
    y_proba=None,
    labels=None,
    target_names=None,
    sample_weight=None,
    digits=2,
    output_dict=False,
    zero_division="warn",
):
    """scikit-learn's classification report plus specificity, NPV and probability scores.

    The table is :func:`sklearn.metrics.classification_report`'s (precision,
    recall, f1-score, support per class, the accuracy line, macro and weighted
    averages, with the same numbers and layout) with two more columns:
    specificity (TN / (TN + FP)) and npv (negative predictive value,
    TN / (TN + FN)). Given predicted probabilities, a second block adds ROC AUC,
    log loss and the Brier score.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels (binary or multiclass).
    y_pred : array-like of shape (n_samples,)
        Predicted class labels.
    y_proba : array-like of shape (n_samples, n_classes), default=None
        Predicted probabilities (``predict_proba``), one column per class in the
        order of ``labels`` (by default the sorted labels of ``y_true`` and
        ``y_pred``; pass ``labels=model.classes_`` when the data miss a class).
        Values must lie in [0, 1] and rows sum to 1, both within 1e-6 (rows are
        then renormalized). For two classes a 1-D array is read as
        the probability of the second class. When given, the report adds
        ``roc auc`` (binary: of the positive class, the second one;
        multiclass: one-vs-rest, macro average), ``log loss`` and
        ``brier score`` (binary: mean of (p - y)^2 for the positive class;
        multiclass: mean over samples of sum_k (p_k - 1[y = k])^2).
    labels : array-like of shape (n_labels,), default=None
        The labels in the report, in this order.
    target_names : list of str, default=None
        Display names of ``labels``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights, used by every score.
    digits : int, default=2
        Digits of the floats in the text report (the dict is not rounded).
    output_dict : bool, default=False
        Return a dict instead of text.
    zero_division : {"warn", 0, 1, np.nan}, default="warn"
        The value of a ratio whose denominator is zero, as in scikit-learn.

    Returns
    -------
    str or dict
        The text report, or a dict laid out like scikit-learn's::

            {"0": {"precision": ..., "recall": ..., "f1-score": ..., "support": ...,
                   "specificity": ..., "npv": ...},
             ...,
             "accuracy": ...,                      # or "micro avg": {...}, as in sklearn
             "macro avg": {...}, "weighted avg": {...},
             "roc auc": ..., "log loss": ..., "brier score": ...}   # with y_proba

        Averages of specificity and npv follow those of precision: "macro avg"
        the unweighted mean over labels, "weighted avg" weighted by support,
        "micro avg" from the summed counts.

    Raises
    ------
    ValueError
        On inputs of different lengths, non-class targets, ``target_names`` of
        the wrong length (without ``labels``), or ``y_proba`` of the wrong shape,
        with values outside [0, 1], or rows that do not sum to 1.

    See Also
    --------
    binary_summary : The tutorial's indicators as a flat dict.
    sklearn.metrics.classification_report : The table this one extends.

    Examples
    --------
    >>> y = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
    >>> y_pred = [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]
    >>> print(classification_report(y, y_pred))
                  precision    recall  f1-score   support specificity       npv
    <BLANKLINE>
               0       1.00      0.75      0.86         4        1.00      0.86
               1       0.86      1.00      0.92         6        0.75      1.00
    <BLANKLINE>
        accuracy                           0.90        10
       macro avg       0.93      0.88      0.89        10        0.88      0.93
    weighted avg       0.91      0.90      0.90        10        0.85      0.94
    <BLANKLINE>
    """
    y_true, y_pred, _, present, sample_weight = _check_targets(y_true, y_pred, sample_weight)
    _check_zero_division(zero_division)
    if not isinstance(digits, numbers.Integral) or isinstance(digits, bool) or digits < 0:
        raise ValueError(f"digits must be a non-negative integer, got {digits!r}")

    # Label handling exactly as scikit-learn's classification_report.
    if labels is None:
        labels = present
        labels_given = False
    else:
        labels = np.asarray(labels)
        if labels.ndim != 1 or labels.size == 0:
            raise ValueError("labels must be a non-empty 1-D list of class labels")
        labels_given = True
    micro_is_accuracy = not labels_given or set(labels.tolist()) >= set(present.tolist())
    if target_names is not None and len(labels) != len(target_names):
        if labels_given:
            warnings.warn(
                f"labels size, {len(labels)}, does not match size of target_names, "
                f"{len(target_names)}",
                stacklevel=2,
            )
        else:
            raise ValueError(
                f"Number of classes, {len(labels)}, does not match size of target_names, "
                f"{len(target_names)}. Try specifying the labels parameter"
            )
    if target_names is None:
        target_names = [f"{label}" for label in labels]

    # Check the probabilities before computing (and warning about) anything else.
    if y_proba is not None:
        proba, proba_classes = _check_proba(y_proba, y_true, labels)

    common = dict(labels=labels, sample_weight=sample_weight, zero_division=zero_division)
    # Precision, recall, F1 and support: scikit-learn's own calls, so its numbers.
    p, r, f1, support = precision_recall_fscore_support(y_true, y_pred, average=None, **common)
    spec = specificity_score(y_true, y_pred, average=None, **common)
    npv = npv_score(y_true, y_pred, average=None, **common)

    headers = ["precision", "recall", "f1-score", "support", "specificity", "npv"]
    rows = [
        (name, p[i], r[i], f1[i], support[i], spec[i], npv[i])
        for i, name in enumerate(target_names[: len(labels)])
    ]
    averages = []  # (heading, values or None for the accuracy line)
    for average in ("micro", "macro", "weighted"):
        avg_p, avg_r, avg_f1, _ = precision_recall_fscore_support(
            y_true, y_pred, average=average, **common
        )
        if average == "micro" and micro_is_accuracy:
            averages.append(("accuracy", (avg_p, avg_f1, np.sum(support))))
            continue
        avg_spec = specificity_score(y_true, y_pred, average=average, **common)
        avg_npv = npv_score(y_true, y_pred, average=average, **common)
        averages.append(
            (f"{average} avg", (avg_p, avg_r, avg_f1, np.sum(support), avg_spec, avg_npv))
        )
    extra = (
        _probability_scores(y_true, proba, proba_classes, sample_weight)
        if y_proba is not None
        else {}
    )

    if output_dict:
        report = {}
        for name, *values in rows:
            report[name] = dict(zip(headers, (float(v) for v in values)))
        for heading, values in averages:
            if heading == "accuracy":
                report[heading] = float(values[0])  # scikit-learn stores micro precision
            else:
                report[heading] = dict(zip(headers, (float(v) for v in values)))
        report.update(extra)
        return report
    return _format_report(headers, rows, averages, extra, digits)


def _format_report(headers, rows, averages, extra, digits) -> str:
    # The first four columns are laid out exactly as scikit-learn's report (so each
    # of its lines starts ours); the new columns follow, each as wide as its header.
    names = [row[0] for row in rows] + [heading for heading, _ in averages]
    width = max(max(len(str(n)) for n in names), len("weighted avg"), digits)
    widths = [max(9, len(h)) for h in headers]
    head = f"{'':>{width}s} " + "".join(f" {h:>{w}}" for h, w in zip(headers, widths))

    def line(name, values):
        cells = []
        for i, (v, w) in enumerate(zip(values, widths)):
            # support (column 3) is printed as is, like scikit-learn (weighted: a float)
            cells.append(f" {v:>{w}}" if i == 3 else f" {v:>{w}.{digits}f}")
        return f"{name:>{width}s} " + "".join(cells)

    out = [head, ""]
    out += [line(name, values) for name, *values in rows]
    out.append("")
    for heading, values in averages:
        if heading == "accuracy":
            # scikit-learn prints the micro F1 (= accuracy) in the f1-score column
            _, accuracy, total = values
            out.append(
                f"{heading:>{width}s}  {'':>9} {'':>9} {accuracy:>9.{digits}f} {total:>9}"
            )
        else:
            out.append(line(heading, values))
    if extra:
        out.append("")
        out += [f"{name:>{width}s}  {value:>9.{digits}f}" for name, value in extra.items()]
    return "\n".join(out) + "\n"

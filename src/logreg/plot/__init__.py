"""Plots of logistic-regression models, following scikit-learn's Display convention.

Every display has ``from_estimator`` and ``from_predictions`` (or
``from_coefficients``) class methods that compute what is drawn and call
``plot(ax=...)``; the drawn artists are stored as attributes ending in ``_``
(``ax_``, ``figure_``, ``line_``, ...) so that they can be restyled afterwards.

Written here, because scikit-learn has no equivalent:

- :class:`ProbabilityCurveDisplay`: the tutorial's one-feature figure, the
  fitted probability curve p(x), the observations, the predicted probabilities
  at the observations (grey squares), the misclassified points (red x), the
  logit f(x) (dashed, secondary y axis) and the threshold crossing.
- :class:`DecisionBoundaryDisplay`: scikit-learn's decision-surface display
  plus, for a binary linear model, the line ``b + w1 x1 + w2 x2 = 0`` and the
  observations coloured by class.
- :class:`CoefficientPlot`: a forest plot of the coefficients with confidence
  intervals, on the log-odds or the odds-ratio scale.
- :func:`plot_confusion_matrix`: a confusion-matrix heatmap with counts,
  labelled as in the tutorial.
- :class:`RegularizationPathDisplay`: coefficient paths against log10(C), from
  ``logreg.regularization_path`` or a fitted ``LogisticRegressionCV``.
- :class:`CVCurveDisplay`: the cross-validation curve of a
  ``LogisticRegressionCV`` with one-standard-error bars and the chosen C marked.

Re-exported unchanged from scikit-learn (they work with
:class:`logreg.LogisticRegression` as with any scikit-learn classifier):
``ConfusionMatrixDisplay``, ``RocCurveDisplay``, ``PrecisionRecallDisplay``
(``sklearn.metrics``) and ``CalibrationDisplay`` (``sklearn.calibration``).

matplotlib is imported inside the functions that draw, so ``import
logreg.plot`` stays cheap and works without a display.
"""

from __future__ import annotations

from typing import Any

from .boundary import DecisionBoundaryDisplay, plot_confusion_matrix
from .coefficients import CoefficientPlot
from .curve import ProbabilityCurveDisplay

__all__ = [
    "CVCurveDisplay",
    "CalibrationDisplay",
    "CoefficientPlot",
    "ConfusionMatrixDisplay",
    "DecisionBoundaryDisplay",
    "PrecisionRecallDisplay",
    "ProbabilityCurveDisplay",
    "RegularizationPathDisplay",
    "RocCurveDisplay",
    "plot_confusion_matrix",
]

# scikit-learn displays re-exported as they are, imported on first use.
_SKLEARN_DISPLAYS = {
    "ConfusionMatrixDisplay": "sklearn.metrics",
    "RocCurveDisplay": "sklearn.metrics",
    "PrecisionRecallDisplay": "sklearn.metrics",
    "CalibrationDisplay": "sklearn.calibration",
}

# logreg's own displays, imported on first use like those above.
_LAZY = {
    "RegularizationPathDisplay": "logreg.plot.path",
    "CVCurveDisplay": "logreg.plot.path",
}


def __getattr__(name: str) -> Any:
    module = _SKLEARN_DISPLAYS.get(name) or _LAZY.get(name)
    if module is not None:
        import importlib

        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'logreg.plot' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


# -- helpers ---------------------------------------------------------------------

"""logreg: logistic regression with scikit-learn and statsmodels front-ends on one core.

Public names are imported lazily so that ``import logreg`` stays fast (the
scikit-learn base classes alone take about a second to import).
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "LogisticRegression": ("logreg.estimator", "LogisticRegression"),
    "SeparationWarning": ("logreg.exceptions", "SeparationWarning"),
    "save": ("logreg.io", "save"),
    "load": ("logreg.io", "load"),
    "ModelFileError": ("logreg.io", "ModelFileError"),
    "Logit": ("logreg.models", "Logit"),
    "MNLogit": ("logreg.models", "MNLogit"),
    "logit": ("logreg.models", "logit"),
    "mnlogit": ("logreg.models", "mnlogit"),
    "add_constant": ("logreg.models", "add_constant"),
    "alpha_max": ("logreg.paths", "alpha_max"),
    "regularization_path": ("logreg.paths", "regularization_path"),
    "RegularizationPath": ("logreg.paths", "RegularizationPath"),
    "LogisticRegressionCV": ("logreg.model_selection", "LogisticRegressionCV"),
    "SingularInformationWarning": ("logreg.inference.results", "SingularInformationWarning"),
}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name):
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'logreg' has no attribute {name!r}") from None
    import importlib

    value = getattr(importlib.import_module(module_name), attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

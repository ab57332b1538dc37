"""Warning classes that logreg emits, so users can filter them by name."""

from __future__ import annotations


class SeparationWarning(UserWarning):
    """The classes are perfectly separated: the unpenalized maximum-likelihood
    estimate does not exist, and the coefficients returned are large and
    arbitrary (they depend on when the solver stopped)."""


def convergence_warning_class():
    """scikit-learn's ConvergenceWarning, which users already filter on."""
    from sklearn.exceptions import ConvergenceWarning

    return ConvergenceWarning

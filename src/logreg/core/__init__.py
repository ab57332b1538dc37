"""The numeric core shared by every front-end: loss, penalty, problem, result."""

from .loss import LogisticLoss
from .penalty import L2Penalty, optimality_violation
from .problem import Problem
from .result import SolverResult

__all__ = ["LogisticLoss", "L2Penalty", "Problem", "SolverResult", "optimality_violation"]

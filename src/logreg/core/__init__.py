"""The numeric core shared by every front-end: loss, penalty, problem, result."""

from .loss import LogisticLoss
from .penalty import ElasticNetPenalty, L2Penalty, optimality_violation, violation_vector
from .problem import Problem
from .result import SolverResult

__all__ = [
    "ElasticNetPenalty",
    "LogisticLoss",
    "L2Penalty",
    "Problem",
    "SolverResult",
    "optimality_violation",
    "violation_vector",
]

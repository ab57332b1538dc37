"""Solvers, one file each, registered by name (see ``base``)."""

from .base import available_solvers, check_supported, choose_solver, get_solver

__all__ = ["available_solvers", "check_supported", "choose_solver", "get_solver"]

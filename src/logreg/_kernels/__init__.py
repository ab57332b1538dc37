"""Compiled inner loops (numba ``@njit(cache=True)``), imported lazily by the solvers.

Nothing here is imported by ``import logreg``: the first solver that needs a
kernel imports its module, and numba compiles it once per argument type and
caches the machine code beside the source.
"""

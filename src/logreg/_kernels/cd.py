"""Coordinate descent on the proximal-Newton model of a penalized logistic loss.

The model, for the coordinates of a working set, is

    g0 . (c - c0) + 1/2 (c - c0)' H (c - c0)
        + sum_t l1_t |c_t| + 1/2 l2_t c_t**2,      lo <= c <= hi,

with g0 the loss gradient at c0 and H the loss Hessian at c0 (for a
multinomial model the exact one, cross-class terms included). Each coordinate step
minimizes the model exactly along one coordinate (soft-thresholding, then
clipping to the box, which is exact in one dimension). The model gradient is
kept cheap by tracking ``Q[k] = X (c_k - c0_k)``, the change of the linear
predictor: the partial derivative for coordinate (k, j) is
``g0 + sum_i x_ij h_ki Q_ki`` for a binary model (h = w p (1 - p)) and
``g0 + sum_i x_ij w_i p_ik (Q_ki - S_i)`` with ``S = sum_k p_k Q_k`` for a
multinomial one, whose Hessian is w_i (diag(p_i) - p_i p_i') per sample.

The caller (``logreg.solvers.newton_cd``) decides which coordinates each
sweep visits and extrapolates between sweeps. Two storages share the
kernel: dense columns (``X``, an F-ordered array, so a column is
contiguous) and CSC sparse columns (``data, indices, indptr``);
``dense`` says which, and the unused storage is passed as an empty array.
A column position of -1 is the intercept: a constant column of value
``scale``. Accumulation is in float64 whatever X's dtype.
"""

from __future__ import annotations

import numpy as np
from numba import njit


# nogil: cross-validation folds and one-vs-rest classes run sweeps in threads.
@njit(cache=True, nogil=True)
def sweep(dense, X, data, indices, indptr, pos, rows, order, coef, grad0, hjj, C, W, P, l1, l2, lo, hi, Q, S, scale):
    """One cyclic sweep of exact coordinate steps over coordinates ``order``.

    Coordinate t is column ``pos[t]`` (-1: the intercept) of class row
    ``rows[t]``; ``coef``, ``grad0``, ``l1``, ``l2``, ``lo``, ``hi`` are its
    working-set values. ``C`` (K, n) holds the curvature weights
    w_i p_ik (1 - p_ik); ``W`` the weights of the model gradient (the same
    for a binary model, w_i p_ik for a multinomial one) and ``P`` the
    probabilities p_ik for the multinomial cross-class terms, or zero rows
    (binary). ``coef``, ``Q`` (K, n: the change of each class's eta) and
    ``S`` (n: sum_k p_k Q_k) are updated in place. ``hjj`` caches each
    coordinate's curvature sum_i C_ki x_ij^2; a negative entry is computed on
    first use. Returns the largest |change| * curvature, the change of a
    coordinate's model gradient, which the caller's stopping rule compares
    with its tolerance.

    Everything is one function on purpose: numba compiles each jitted
    function separately, and splitting this one into helpers doubled the
    first-fit compile time (2.2 s against 1.1 s measured).
    """
    n = Q.shape[1]
    coupled = P.shape[0] > 0
    worst = 0.0
    for s in range(order.shape[0]):
        t = order[s]
        if hjj[t] < 0.0:
            h = C[rows[t]]
            j = pos[t]
            acc = 0.0
            if j < 0:
                for i in range(n):
                    acc += h[i]
                acc *= scale * scale
            elif dense:
                for i in range(n):
                    acc += h[i] * X[i, j] * X[i, j]
            else:
                for ii in range(indptr[j], indptr[j + 1]):
                    acc += h[indices[ii]] * data[ii] * data[ii]
            hjj[t] = acc
        curvature = hjj[t] + l2[t]
        if curvature <= 0.0:
            continue  # a column of zeros, unpenalized: nothing to move
        k = rows[t]
        j = pos[t]
        w = W[k]
        q = Q[k]
        acc = 0.0
        if coupled:
            if j < 0:
                for i in range(n):
                    acc += w[i] * (q[i] - S[i])
                acc *= scale
            elif dense:
                for i in range(n):
                    acc += X[i, j] * w[i] * (q[i] - S[i])
            else:
                for ii in range(indptr[j], indptr[j + 1]):
                    i = indices[ii]
                    acc += data[ii] * w[i] * (q[i] - S[i])
        else:
            if j < 0:
                for i in range(n):
                    acc += w[i] * q[i]
                acc *= scale
            elif dense:
                for i in range(n):
                    acc += X[i, j] * w[i] * q[i]
            else:
                for ii in range(indptr[j], indptr[j + 1]):
                    i = indices[ii]
                    acc += data[ii] * w[i] * q[i]
        g = grad0[t] + acc
        c = coef[t]
        a = hjj[t]
        u = a * c - g
        if u > l1[t]:
            z = (u - l1[t]) / curvature
        elif u < -l1[t]:
            z = (u + l1[t]) / curvature
        else:
            z = 0.0
        z = min(max(z, lo[t]), hi[t])
        if z == c:
            continue
        delta = z - c
        coef[t] = z
        if j < 0:
            step = delta * scale
            for i in range(n):
                q[i] += step
        elif dense:
            for i in range(n):
                q[i] += delta * X[i, j]
        else:
            for ii in range(indptr[j], indptr[j + 1]):
                q[indices[ii]] += delta * data[ii]
        if coupled:
            p = P[k]
            if j < 0:
                step = delta * scale
                for i in range(n):
                    S[i] += step * p[i]
            elif dense:
                for i in range(n):
                    S[i] += delta * X[i, j] * p[i]
            else:
                for ii in range(indptr[j], indptr[j + 1]):
                    i = indices[ii]
                    S[i] += delta * data[ii] * p[i]
        change = abs(delta) * curvature
        if change > worst:
            worst = change
    return worst

"""Dask arrays as design matrices: every product with X is a blockwise reduction.

X (n x d, chunked by rows) stays on the workers and is never gathered; the
solvers and the loss are unchanged. The decision that makes that possible:

**Vectors of length n live on the client, in memory.** ``matvec`` returns
eta = X w as a NumPy vector (8 bytes per row and class: 80 MB for 10^7 rows,
fine up to about 10^8 rows), and ``rmatvec``/``sandwich``/``col_sq_norms``
take NumPy vectors of length n, which are cut into the row chunks of X and
shipped with the tasks. The loss, its line searches (which run in eta space
without touching X) and the stopping rules therefore run on the client as
they do for in-memory data, and every pass over X is one ``dask.compute`` of
a tree reduction whose result is a vector of length d or a d x d matrix. The
alternative (eta as a lazy dask vector) would have needed a second loss
implementation for the same answers; with eta in memory, a fit moves
O(n + d^2) numbers per pass between client and cluster and X never moves.

Every product is computed with whatever scheduler dask uses by default: the
active ``dask.distributed.Client`` if there is one (any cluster), else the
local threaded scheduler. Because X is recomputed from its graph when a
worker dies, a fit survives the loss of a worker as long as X can be rebuilt
(generated lazily, read from storage, or held by persisted futures).
"""

from __future__ import annotations

import numpy as np


def _dask():
    import dask
    import dask.array as da

    return dask, da


def is_dask_collection(X) -> bool:
    """True for a dask Array, DataFrame or Series, without importing dask."""
    module = type(X).__module__ or ""
    if not module.startswith("dask"):
        return False
    try:
        import dask

        return dask.is_dask_collection(X)
    except ImportError:  # pragma: no cover - a dask object implies dask
        return False


class DaskMatrix:
    """Products with a 2-D dask array, row block by row block.

    Parameters
    ----------
    X : dask.array.Array of shape (n, d)
        Float32 or float64, with known chunk sizes. Columns are rechunked to
        one chunk (each task then holds a few complete rows); rows are used as
        chunked.
    """

    def __init__(self, X):
        _, da = _dask()
        if X.ndim != 2:
            raise ValueError(f"X must be 2-dimensional, got shape {X.shape}")
        if any(np.isnan(c) for c in X.chunks[0]):
            raise ValueError(
                "X has unknown chunk sizes; call X.compute_chunk_sizes() (or, for a dask DataFrame, "
                "df.to_dask_array(lengths=True)) first"
            )
        if len(X.chunks[1]) > 1:
            X = X.rechunk({1: -1})
        self.X = X
        self.shape = tuple(int(s) for s in X.shape)
        self.dtype = np.dtype(X.dtype)
        self.row_chunks = tuple(int(c) for c in X.chunks[0])
        self.offsets = np.concatenate([[0], np.cumsum(self.row_chunks)]).astype(np.int64)
        self.nbytes = int(self.shape[0]) * int(self.shape[1]) * self.dtype.itemsize
        self._da = da

    # -- helpers ------------------------------------------------------------
    def _cast(self, v):
        return np.asarray(v, dtype=self.dtype)

    def _rows(self, r: np.ndarray):
        """An in-memory array of length n cut into X's row chunks (shipped with the tasks)."""
        r = np.asarray(r)
        chunks = (self.row_chunks,) + tuple((s,) for s in r.shape[1:])
        return self._da.from_array(r, chunks=chunks, asarray=True)

    def _reduce(self, block_fn, out_shape, *vectors):
        """sum over row blocks b of block_fn(X_b, *vector_b), as a float64 array of out_shape.

        Each block's partial result is a (1, size) row; dask sums them in a
        tree, so the client receives one small array per pass.
        """
        dask, da = _dask()
        size = int(np.prod(out_shape))
        nblocks = len(self.row_chunks)

        def partial(x, *vs):
            out = block_fn(x, *vs)
            return np.asarray(out, dtype=np.float64).reshape(1, size)

        args = [self.X]
        for vec in vectors:
            arr = self._rows(vec)
            args.append(arr if arr.ndim == 2 else arr[:, None])
        parts = da.map_blocks(
            _Unpack(partial, [v.ndim == 1 for v in vectors]),
            *args,
            chunks=((1,) * nblocks, (size,)),
            dtype=np.float64,
            meta=np.empty((0, 0), dtype=np.float64),
        )
        (total,) = dask.compute(parts.sum(axis=0))
        return np.asarray(total, dtype=np.float64).reshape(out_shape)

    # -- the backend interface ------------------------------------------------
    def matvec(self, w: np.ndarray) -> np.ndarray:
        """X @ w, computed blockwise and returned in memory (n or n x k floats)."""
        dask, _ = _dask()
        wc = self._cast(w)
        if wc.ndim == 1:
            out = self.X.map_blocks(_MatVec(wc), drop_axis=1, dtype=self.dtype,
                                    meta=np.empty((0,), dtype=self.dtype))
        else:
            out = self.X.map_blocks(_MatVec(wc), chunks=(self.X.chunks[0], (wc.shape[1],)),
                                    dtype=self.dtype, meta=np.empty((0, 0), dtype=self.dtype))
        (eta,) = dask.compute(out)
        return np.asarray(eta).astype(np.float64, copy=False)

    def rmatvec(self, r: np.ndarray) -> np.ndarray:
        """X.T @ r: sum over row blocks of X_b.T @ r_b."""
        r = self._cast(r)  # as the dense backend: the small operand takes X's dtype
        out_shape = (self.shape[1],) + r.shape[1:]
        return self._reduce(_rmatvec_block, out_shape, r)

    def round_trip(self, v: np.ndarray, transform) -> np.ndarray:
        """X.T @ transform(0, n, X @ v): two passes.

        ``transform`` is a client-side closure over vectors of length n
        (probabilities, weights), so it runs on the client between the passes;
        fusing it into one pass would ship those vectors to the workers anyway.
        """
        return self.rmatvec(transform(0, self.shape[0], self.matvec(v)))

    def sandwich(self, h: np.ndarray, intercept_scale=None) -> np.ndarray:
        """X.T diag(h) X (bordered with a constant column s if given), one pass.

        Each block contributes its (q x q) Gram matrix, q = d (+1); the
        border (X' h, sum h) comes from the same block.
        """
        d = self.shape[1]
        q = d + (intercept_scale is not None)
        return self._reduce(_SandwichBlock(intercept_scale), (q, q), np.asarray(h, dtype=np.float64))

    def col_sq_norms(self, h: np.ndarray) -> np.ndarray:
        return self._reduce(_col_sq_block, (self.shape[1],), np.asarray(h, dtype=np.float64))

    def row_blocks(self, bytes_per_row=None, block_bytes=None):
        """Yield (start, stop, rows) with each chunk of X computed in turn.

        Streams X to the client one chunk at a time (peak: one chunk); used
        only where a solver asks for dense row blocks (the multinomial
        Hessian). Slow on a cluster, but it works.
        """
        for i, (start, stop) in enumerate(zip(self.offsets[:-1], self.offsets[1:])):
            yield int(start), int(stop), np.asarray(self.X.blocks[i].compute())

    def take_rows(self, rows: np.ndarray):
        """The given rows of X gathered in memory, as a dense backend (sub-sampled Hessians)."""
        from .dense import DenseMatrix

        rows = np.asarray(rows)
        return DenseMatrix(np.asarray(self.X[rows].compute()))


class _Unpack:
    """Picklable wrapper: turn (n_b, 1) vector blocks back into 1-D before block_fn."""

    def __init__(self, fn, flat):
        self.fn, self.flat = fn, flat

    def __call__(self, x, *vs):
        vs = [v[:, 0] if f else v for v, f in zip(vs, self.flat)]
        return self.fn(x, *vs)


class _MatVec:
    def __init__(self, w):
        self.w = w

    def __call__(self, x):
        return x @ self.w


def _rmatvec_block(x, r):
    return x.T @ r


def _col_sq_block(x, h):
    return h.astype(x.dtype, copy=False) @ (x * x)


class _SandwichBlock:
    """One block's contribution to the (bordered) Gram matrix, via the dense backend's SYRK."""

    def __init__(self, scale):
        self.scale = scale

    def __call__(self, x, h):
        from .dense import DenseMatrix

        return DenseMatrix(np.asarray(x)).sandwich(h, intercept_scale=self.scale)

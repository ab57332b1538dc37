"""Design-matrix backends against plain NumPy on the densified array.

Tolerances: a float64 backend computes in float64, so its products match the
NumPy reference to rounding (relative 1e-12 of the sum of absolute terms). A
float32 backend runs the products in float32 (unit roundoff u = 6e-8); a sum of
d or n terms then has an error bounded by about (terms) * u * sum|terms|, and in
practice (blocked BLAS sums) far less, so 1e-5 of the sum of absolute terms is a
safe but still meaningful bound (a wrong index or a missing term is O(1)).
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp

from logreg.backends import DenseMatrix, SparseMatrix, as_design_matrix
from logreg.backends import dense as dense_module

from conftest import ALL_KINDS, DENSE_KINDS, SPARSE_KINDS, convert, densify, is_sparse_kind, kind_dtype, make_X

N, D, K = 53, 7, 3


def rtol_for(kind):
    return 1e-5 if kind_dtype(kind) == np.float32 else 1e-12


def assert_close_to_terms(actual, expected, abs_terms, rtol):
    """|actual - expected| <= rtol * (sum of absolute values of the summed terms)."""
    actual = np.asarray(actual)
    assert actual.dtype == np.float64
    assert actual.shape == expected.shape
    err = np.abs(actual - expected)
    bound = rtol * abs_terms + 1e-300
    assert np.all(err <= bound), f"max excess error {np.max(err - bound):.3g}, max err {np.max(err):.3g}"


@pytest.fixture(params=ALL_KINDS)
def stored(request):
    kind = request.param
    X = convert(make_X(N, D, seed=1), kind)
    backend = as_design_matrix(X)
    return kind, X, backend, densify(X)


def test_dispatch_type_and_no_copy(stored):
    kind, X, backend, _ = stored
    expected = SparseMatrix if is_sparse_kind(kind) else DenseMatrix
    assert type(backend) is expected
    # X is used as it comes: same object, same dtype, same shape.
    assert backend.X is X
    assert backend.dtype == kind_dtype(kind)
    assert backend.shape == (N, D)
    if not is_sparse_kind(kind):
        assert DenseMatrix(X).X is X
    else:
        assert SparseMatrix(X).X is X
        assert backend.X.format == X.format


def test_dispatch_is_idempotent_and_rejects_unknown_types():
    X = make_X(5, 2)
    backend = as_design_matrix(X)
    assert as_design_matrix(backend) is backend
    with pytest.raises(TypeError):
        as_design_matrix(X.tolist())


def test_matvec_vector(stored, rng):
    kind, _, backend, Xd = stored
    w = rng.normal(size=D)
    out = backend.matvec(w)
    assert_close_to_terms(out, Xd @ w, np.abs(Xd) @ np.abs(w), rtol_for(kind))


def test_matvec_matrix(stored, rng):
    kind, _, backend, Xd = stored
    W = rng.normal(size=(D, K))
    out = backend.matvec(W)
    assert out.shape == (N, K)
    assert_close_to_terms(out, Xd @ W, np.abs(Xd) @ np.abs(W), rtol_for(kind))


def test_matvec_does_not_modify_input(stored, rng):
    _, X, backend, Xd = stored
    w = rng.normal(size=D)
    w_copy = w.copy()
    backend.matvec(w)
    backend.rmatvec(rng.normal(size=N))
    backend.sandwich(rng.random(N))
    np.testing.assert_array_equal(w, w_copy)
    np.testing.assert_array_equal(densify(X), Xd)


def test_rmatvec_vector(stored, rng):
    kind, _, backend, Xd = stored
    r = rng.normal(size=N)
    out = backend.rmatvec(r)
    assert out.shape == (D,)
    assert_close_to_terms(out, Xd.T @ r, np.abs(Xd).T @ np.abs(r), rtol_for(kind))


def test_rmatvec_matrix(stored, rng):
    kind, _, backend, Xd = stored
    R = rng.normal(size=(N, K))
    out = backend.rmatvec(R)
    assert out.shape == (D, K)
    assert_close_to_terms(out, Xd.T @ R, np.abs(Xd).T @ np.abs(R), rtol_for(kind))


def _sandwich_reference(Xd, h):
    return Xd.T @ (h[:, None] * Xd), np.abs(Xd).T @ (np.abs(h)[:, None] * np.abs(Xd))


@pytest.mark.parametrize("weights", ["positive", "with_zeros", "signed", "all_zero"])
def test_sandwich(stored, rng, weights):
    kind, _, backend, Xd = stored
    h = rng.uniform(0.1, 2.0, size=N)
    if weights == "with_zeros":
        h[rng.random(N) < 0.4] = 0.0
        h[:3] = 0.0
    elif weights == "signed":
        h = rng.normal(size=N)
    elif weights == "all_zero":
        h = np.zeros(N)
    out = backend.sandwich(h)
    expected, terms = _sandwich_reference(Xd, h)
    assert out.shape == (D, D)
    assert_close_to_terms(out, expected, terms, rtol_for(kind))
    # symmetric (to rounding: the signed and sparse paths form both triangles)
    assert_close_to_terms(out.T, out, terms, rtol_for(kind))


def test_col_sq_norms(stored, rng):
    kind, _, backend, Xd = stored
    h = rng.uniform(0.0, 2.0, size=N)
    h[::5] = 0.0
    out = backend.col_sq_norms(h)
    expected = h @ (Xd * Xd)
    assert out.shape == (D,)
    assert_close_to_terms(out, expected, expected, rtol_for(kind))


def test_col_sq_norms_equals_sandwich_diagonal(stored, rng):
    kind, _, backend, _ = stored
    h = rng.uniform(0.0, 2.0, size=N)
    diag = np.diag(backend.sandwich(h))
    np.testing.assert_allclose(backend.col_sq_norms(h), diag, rtol=10 * rtol_for(kind))


@pytest.mark.parametrize("rows", ["sorted", "shuffled_with_repeats", "boolean_mask"])
def test_take_rows(stored, rng, rows):
    kind, _, backend, Xd = stored
    if rows == "sorted":
        idx = np.sort(rng.choice(N, size=20, replace=False))
    elif rows == "shuffled_with_repeats":
        idx = rng.integers(0, N, size=31)
    else:
        idx = rng.random(N) < 0.5
    sub = backend.take_rows(idx)
    Xs = Xd[idx]
    assert sub.shape == Xs.shape
    assert sub.dtype == kind_dtype(kind)
    assert type(sub) is type(backend)
    np.testing.assert_array_equal(densify(sub.X), Xs)
    w = rng.normal(size=D)
    assert_close_to_terms(sub.matvec(w), Xs @ w, np.abs(Xs) @ np.abs(w), rtol_for(kind))
    h = rng.random(Xs.shape[0])
    expected, terms = _sandwich_reference(Xs, h)
    assert_close_to_terms(sub.sandwich(h), expected, terms, rtol_for(kind))


def test_results_are_float64_and_x_keeps_dtype(stored, rng):
    kind, X, backend, _ = stored
    outs = [
        backend.matvec(rng.normal(size=D)),
        backend.matvec(rng.normal(size=(D, 2))),
        backend.rmatvec(rng.normal(size=N)),
        backend.rmatvec(rng.normal(size=(N, 2))),
        backend.sandwich(rng.random(N)),
        backend.sandwich(rng.normal(size=N)),
        backend.col_sq_norms(rng.random(N)),
    ]
    for out in outs:
        assert out.dtype == np.float64
    assert backend.X.dtype == kind_dtype(kind)
    assert X.dtype == kind_dtype(kind)


# -- float32 is not upcast: the passes over X allocate far less than a copy of X ---------


@pytest.mark.parametrize("order", ["C", "F"])
def test_dense_float32_products_do_not_copy_x(order, rng):
    """A float64 operand must not make NumPy upcast (copy) a float32 X.

    NumPy reports its data allocations to tracemalloc, so the peak traced
    memory during a product shows whether a copy of X was made. X is 12 MB
    (float32) here: an upcast copy would be 24 MB; a product's own output is
    n * 8 bytes and the sandwich works on chunks of at most 2 MiB (a couple
    of them alive at a time), so half of X's size is a generous ceiling.
    """
    n, d = 60000, 50
    X = np.asarray(rng.standard_normal(size=(n, d), dtype=np.float32), order=order)
    backend = DenseMatrix(X)
    w = rng.normal(size=d)
    r = rng.normal(size=n)
    h = rng.random(n)
    for name, call, limit in [
        ("matvec", lambda: backend.matvec(w), X.nbytes // 4),
        ("rmatvec", lambda: backend.rmatvec(r), X.nbytes // 4),
        ("sandwich", lambda: backend.sandwich(h), X.nbytes // 2),
        ("signed sandwich", lambda: backend.sandwich(h - 0.5), X.nbytes // 2),
        ("col_sq_norms", lambda: backend.col_sq_norms(h), X.nbytes // 2),
    ]:
        tracemalloc.start()
        try:
            call()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < limit, f"{name} allocated {peak} bytes, X is {X.nbytes} bytes"


# -- chunked dense sandwich over many rows ---------------------------------------------


def _rows_per_chunk(d, dtype):
    # The chunk length the backend uses (at least 256 rows).
    return max(256, dense_module._CHUNK_BYTES // (d * np.dtype(dtype).itemsize))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
def test_dense_sandwich_many_chunks_exact(dtype, order):
    """Several full chunks plus a ragged one, with exactly representable sums.

    Integer features in [-2, 2] and weights that are perfect squares make
    every product and partial sum an integer below 2**24, so the float32 and
    float64 results must be *exactly* the true X^T diag(h) X: a chunk that is
    skipped, counted twice or misaligned with its weights shows up exactly.
    """
    d = 7
    step = _rows_per_chunk(d, dtype)
    n = 2 * step + step // 2 + 3
    rng = np.random.default_rng(7)
    Xi = rng.integers(-2, 3, size=(n, d))
    hi = rng.choice([0, 1, 4, 9], size=n)
    X = np.asarray(Xi, dtype=dtype, order=order)
    expected = (Xi.T * hi) @ Xi
    assert np.abs(expected).max() < 2**24
    out = DenseMatrix(X).sandwich(hi.astype(np.float64))
    np.testing.assert_array_equal(out, expected.astype(np.float64))
    # signed weights take the GEMM path
    hs = rng.choice([-4, -1, 0, 1, 4], size=n)
    expected_signed = (Xi.T * hs) @ Xi
    np.testing.assert_array_equal(DenseMatrix(X).sandwich(hs.astype(np.float64)), expected_signed)
    # col_sq_norms over the same chunks
    np.testing.assert_array_equal(DenseMatrix(X).col_sq_norms(hi.astype(np.float64)), np.diag(expected))


@pytest.mark.parametrize("kind", DENSE_KINDS)
def test_dense_sandwich_small_chunks(kind, monkeypatch):
    """n = 20000, d = 7 with the chunk size forced small (256 rows): many chunks."""
    monkeypatch.setattr(dense_module, "_CHUNK_BYTES", 1)
    rng = np.random.default_rng(3)
    n, d = 20000, 7
    X = convert(rng.normal(size=(n, d)), kind)
    Xd = densify(X)
    backend = DenseMatrix(X)
    for h in (rng.random(n), rng.normal(size=n)):
        h[rng.random(n) < 0.2] = 0.0
        expected, terms = _sandwich_reference(Xd, h)
        assert_close_to_terms(backend.sandwich(h), expected, terms, rtol_for(kind))
    h = rng.random(n)
    expected = h @ (Xd * Xd)
    assert_close_to_terms(backend.col_sq_norms(h), expected, expected, rtol_for(kind))


@pytest.mark.parametrize("kind", DENSE_KINDS)
def test_dense_sandwich_default_chunks_random(kind):
    """The unpatched chunking with n above one chunk, on random data."""
    d = 7
    n = _rows_per_chunk(d, kind_dtype(kind)) + 1001
    rng = np.random.default_rng(4)
    X = convert(rng.normal(size=(n, d)), kind)
    Xd = densify(X)
    h = rng.random(n)
    expected, terms = _sandwich_reference(Xd, h)
    assert_close_to_terms(DenseMatrix(X).sandwich(h), expected, terms, rtol_for(kind))


@pytest.mark.parametrize("kind", SPARSE_KINDS)
def test_sparse_stays_sparse_and_in_format(kind, rng):
    X = convert(make_X(40, 5, seed=2, density=0.3), kind)
    fmt, data, indices, indptr = X.format, X.data.copy(), X.indices.copy(), X.indptr.copy()
    backend = SparseMatrix(X)
    backend.matvec(rng.normal(size=5))
    backend.rmatvec(rng.normal(size=40))
    backend.sandwich(rng.normal(size=40))
    backend.col_sq_norms(rng.random(40))
    # X was neither re-formatted nor modified in place
    assert backend.X is X and X.format == fmt and sp.issparse(X)
    np.testing.assert_array_equal(X.data, data)
    np.testing.assert_array_equal(X.indices, indices)
    np.testing.assert_array_equal(X.indptr, indptr)


def test_sparse_rejects_other_formats():
    with pytest.raises(ValueError, match="CSR or CSC"):
        SparseMatrix(sp.coo_matrix(make_X(6, 3)))


# -- the bordered sandwich (a constant column appended) and row blocks -------------------


@pytest.mark.parametrize("weights", ["positive", "with_zeros", "signed"])
@pytest.mark.parametrize("scale", [1.0, 2.5])
def test_bordered_sandwich(stored, rng, weights, scale):
    """sandwich(h, intercept_scale=s) = Z^T diag(h) Z with Z = [X, s 1]."""
    kind, _, backend, Xd = stored
    h = rng.uniform(0.1, 2.0, size=N)
    if weights == "with_zeros":
        h[rng.random(N) < 0.4] = 0.0
    elif weights == "signed":
        h = rng.normal(size=N)
    Z = np.hstack([Xd, np.full((N, 1), scale)])
    expected, terms = _sandwich_reference(Z, h)
    out = backend.sandwich(h, intercept_scale=scale)
    assert out.shape == (D + 1, D + 1)
    assert_close_to_terms(out, expected, terms, rtol_for(kind))
    # the unbordered part is the plain sandwich
    assert_close_to_terms(out[:D, :D], backend.sandwich(h), terms[:D, :D], rtol_for(kind))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
def test_dense_bordered_sandwich_many_chunks_exact(dtype, order):
    """As the exact chunk test above, with the constant column (scale 2) bordered in."""
    d = 7
    step = _rows_per_chunk(d + 1, dtype)
    n = 2 * step + step // 3 + 5
    rng = np.random.default_rng(8)
    Xi = rng.integers(-2, 3, size=(n, d))
    hi = rng.choice([0, 1, 4, 9], size=n)
    Zi = np.hstack([Xi, np.full((n, 1), 2)])
    expected = (Zi.T * hi) @ Zi
    assert np.abs(expected).max() < 2**24
    X = np.asarray(Xi, dtype=dtype, order=order)
    out = DenseMatrix(X).sandwich(hi.astype(np.float64), intercept_scale=2.0)
    np.testing.assert_array_equal(out, expected.astype(np.float64))


@pytest.mark.parametrize("bytes_per_row", [None, 1, 10_000])
def test_row_blocks_cover_x_in_order(stored, bytes_per_row):
    kind, X, backend, Xd = stored
    blocks = list(backend.row_blocks(bytes_per_row=bytes_per_row))
    assert blocks[0][0] == 0 and blocks[-1][1] == N
    for (s0, e0, _), (s1, _, _) in zip(blocks, blocks[1:]):
        assert e0 == s1 and e0 > s0
    for start, stop, block in blocks:
        np.testing.assert_array_equal(densify(block), Xd[start:stop])
        assert np.asarray(block).dtype == kind_dtype(kind)


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_row_blocks_many_blocks(kind, monkeypatch):
    """With a tiny block size the blocks are many and still tile X exactly."""
    from logreg.backends import sparse as sparse_module

    monkeypatch.setattr(dense_module, "_CHUNK_BYTES", 1)
    monkeypatch.setattr(sparse_module, "_CHUNK_BYTES", 1)
    n = 1000 + 37
    X = convert(make_X(n, 4, seed=9), kind)
    Xd = densify(X)
    blocks = list(as_design_matrix(X).row_blocks())
    assert len(blocks) > 3
    np.testing.assert_array_equal(np.vstack([densify(b) for _, _, b in blocks]), Xd)
    assert [b[0] for b in blocks] == sorted(b[0] for b in blocks)

"""Deterministic benchmark problems and their on-disk data cache.

Every problem is generated from a fixed seed, so two runs (or two machines)
benchmark exactly the same numbers.  Generated data is cached as ``.npy`` /
``.npz`` files under ``benchmarks/.cache/data`` because each fit runs in a
fresh subprocess (to measure its peak memory) and must load the data cheaply
and without temporaries: ``np.load`` allocates exactly the array it returns.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from scipy.special import expit

# Bump when a generator changes so that stale cached data is not reused.
GENERATOR_VERSION = 1

CACHE_DIR = Path(__file__).resolve().parent / ".cache"

# Rows are generated in fixed-size chunks: bounds the temporaries for the
# 1M-row problems, and keeps the random stream independent of anything but
# the seed (the chunk size is part of the definition of the data).
_CHUNK = 100_000


@dataclass(frozen=True)
class Problem:
    """A named benchmark problem.

    ``generator(**params)`` returns ``(X, y)``; ``quick`` holds the parameter
    overrides used by ``--quick`` (smaller ``n``) for smoke tests.
    """

    name: str
    kind: str  # "binary" or "multinomial"
    description: str
    generator: Callable[..., tuple]
    params: dict
    quick: dict = field(default_factory=dict)
    default: bool = True

    def effective_params(self, quick: bool) -> dict:
        return {**self.params, **(self.quick if quick else {})}

    def cache_dir(self, quick: bool) -> Path:
        spec = {"v": GENERATOR_VERSION, "name": self.name,
                "params": self.effective_params(quick)}
        digest = hashlib.sha1(json.dumps(spec, sort_keys=True, default=str)
                              .encode()).hexdigest()[:10]
        tag = "quick-" if quick else ""
        return CACHE_DIR / "data" / f"{tag}{self.name}-{digest}"

    def generate(self, quick: bool):
        return self.generator(**self.effective_params(quick))


# --------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------

def _rngs(seed: int, k: int):
    """Independent random streams (features, coefficients, labels, ...)."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(k)]


def _ar1_cholesky(d: int, rho: float) -> np.ndarray:
    """Cholesky factor of the AR(1) correlation matrix rho**|i-j|.

    Unit variances keep features "standard-normal-ish" while the correlation
    makes the Hessian non-diagonal, as in real data.
    """
    return np.linalg.cholesky(scipy.linalg.toeplitz(rho ** np.arange(d)))


def _correlated_rows(rng, n, d, rho, dtype, order):
    """n x d correlated Gaussian features, generated chunk by chunk."""
    L = _ar1_cholesky(d, rho)
    X = np.empty((n, d), dtype=dtype, order=order)
    for start in range(0, n, _CHUNK):
        m = min(_CHUNK, n - start)
        X[start:start + m] = rng.standard_normal((m, d)) @ L.T
    return X, L


def dense_binary(n, d, dtype="float64", order="C", rho=0.6, signal=2.5,
                 intercept=0.4, seed=0):
    """Dense binary problem with Bernoulli labels (never separable).

    ``signal`` is the standard deviation of the true linear predictor; 2.5
    gives a well-determined but noisy problem.  ``intercept`` > 0 gives about
    55% positives.  The float32 variant holds the float64 values rounded, and
    the labels are drawn from the float64 predictor, so both dtypes describe
    the same problem.
    """
    rng_x, rng_w, rng_y = _rngs(seed, 3)
    X, L = _correlated_rows(rng_x, n, d, rho, np.float64, order)
    w = rng_w.standard_normal(d)
    # Var(x @ w) = w' L L' w; rescale so the predictor has std == signal.
    w *= signal / np.linalg.norm(L.T @ w)
    y = np.empty(n, dtype=np.int64)
    for start in range(0, n, _CHUNK):
        sl = slice(start, min(start + _CHUNK, n))
        p = expit(X[sl] @ w + intercept)
        y[sl] = rng_y.random(p.shape[0]) < p
    return X.astype(dtype, copy=False), y


def dense_multinomial(n, d, n_classes, dtype="float64", order="C", rho=0.6,
                      signal=1.5, seed=1):
    """Dense multinomial problem; labels sampled from the softmax model.

    Sampling uses the Gumbel-max trick: argmax(logits + Gumbel noise) is an
    exact draw from softmax(logits) and is fully vectorised.
    """
    rng_x, rng_w, rng_y = _rngs(seed, 3)
    X, L = _correlated_rows(rng_x, n, d, rho, np.float64, order)
    W = rng_w.standard_normal((n_classes, d))
    W *= signal / np.linalg.norm(W @ L, axis=1, keepdims=True)
    b = 0.3 * rng_w.standard_normal(n_classes)
    y = np.empty(n, dtype=np.int64)
    for start in range(0, n, _CHUNK):
        sl = slice(start, min(start + _CHUNK, n))
        logits = X[sl] @ W.T + b
        y[sl] = np.argmax(logits + rng_y.gumbel(size=logits.shape), axis=1)
    return X.astype(dtype, copy=False), y


def sparse_text(n, d, density=0.002, zipf_s=1.1, signal=2.0, fmt="csr",
                seed=2):
    """Sparse tf-idf-like binary problem with Zipf column frequencies.

    Documents draw tokens i.i.d. from a Zipf-like vocabulary distribution
    (p_j ~ (rank_j + 5)^-s, ranks randomly permuted over columns), so a few
    columns are very dense and most are rare, as in text.  Values are
    sublinear tf (1 + log count) times smooth idf, rows L2-normalised, like
    scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``.  Document lengths
    are log-normal; their mean is chosen so that, after merging repeated
    tokens, about ``density * d`` distinct columns are non-zero per row.
    """
    rng_x, rng_w, rng_y = _rngs(seed, 3)
    ranks = rng_x.permutation(d)
    p = (ranks + 5.0) ** -zipf_s
    p /= p.sum()
    # Expected distinct tokens for a document of length m is
    # sum_j 1 - (1 - p_j)^m; find the length that gives the target density.
    target = density * d
    lengths = np.arange(1, 20 * int(target) + 2)
    distinct = np.array([np.sum(-np.expm1(m * np.log1p(-p))) for m in lengths])
    mean_len = lengths[np.searchsorted(distinct, target)]
    sigma = 0.5  # log-normal spread of document lengths
    doc_len = np.maximum(1, np.round(rng_x.lognormal(
        np.log(mean_len) - sigma ** 2 / 2, sigma, size=n))).astype(np.int64)
    rows = np.repeat(np.arange(n), doc_len)
    cols = rng_x.choice(d, size=rows.size, p=p)
    # Duplicate (row, col) pairs are summed by the COO -> CSR conversion,
    # which turns token draws into term counts.
    counts = sp.coo_matrix((np.ones(rows.size), (rows, cols)), shape=(n, d)).tocsr()
    counts.sum_duplicates()
    X = counts.copy()
    X.data = 1.0 + np.log(X.data)
    df = np.bincount(X.indices, minlength=d)
    X = X @ sp.diags(np.log((1.0 + n) / (1.0 + df)) + 1.0)
    X = sp.csr_matrix(X)
    row_norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = sp.csr_matrix(sp.diags(1.0 / row_norms) @ X)
    X.sort_indices()
    w = rng_w.standard_normal(d)
    z = X @ w
    # Scale/centre the predictor so that positives are close to 50%.
    z = signal * (z - np.median(z)) / z.std() + 0.2
    y = (rng_y.random(n) < expit(z)).astype(np.int64)
    return (X.tocsc() if fmt == "csc" else X), y


def digits(target=None):
    """scikit-learn's 8x8 digits, standardised (constant pixels left at 0).

    ``target=None`` gives the 10-class problem, ``target=k`` the binary
    problem "digit == k".
    """
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = X.astype(np.float64)
    std = X.std(axis=0)
    X = (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)
    X = np.ascontiguousarray(X)
    y = y.astype(np.int64)
    if target is not None:
        y = (y == target).astype(np.int64)
    return X, y


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------

def _registry() -> dict[str, Problem]:
    tenth = lambda n: {"n": n // 10}  # noqa: E731  (--quick sizes)
    probs = []
    for n, tag in [(200_000, "200k"), (1_000_000, "1m")]:
        for dtype, dt in [("float64", "f64"), ("float32", "f32")]:
            probs.append(Problem(
                f"dense-bin-{tag}-{dt}", "binary",
                f"dense binary, d=100, {dtype}, C-order, AR(1) rho=0.6 features",
                dense_binary, {"n": n, "d": 100, "dtype": dtype}, tenth(n)))
    probs.append(Problem(
        "dense-bin-200k-f64-F", "binary",
        "as dense-bin-200k-f64 but Fortran-ordered (layout check)",
        dense_binary, {"n": 200_000, "d": 100, "order": "F"}, tenth(200_000),
        default=False))
    probs.append(Problem(
        "dense-multi-100k", "multinomial",
        "dense multinomial, d=64, 10 classes, float64",
        dense_multinomial, {"n": 100_000, "d": 64, "n_classes": 10},
        tenth(100_000)))
    probs.append(Problem(
        "sparse-text-50k", "binary",
        "sparse CSR tf-idf-like, d=20000, ~0.2% non-zeros, Zipf columns",
        sparse_text, {"n": 50_000, "d": 20_000}, tenth(50_000)))
    probs.append(Problem(
        "sparse-text-50k-csc", "binary",
        "as sparse-text-50k but CSC (layout check)",
        sparse_text, {"n": 50_000, "d": 20_000, "fmt": "csc"}, tenth(50_000),
        default=False))
    probs.append(Problem(
        "digits-multi", "multinomial", "sklearn digits, standardised, 10 classes",
        digits, {}))
    for k in range(10):
        probs.append(Problem(
            f"digits-bin{k}", "binary",
            f"sklearn digits, standardised, binary 'digit == {k}'",
            digits, {"target": k}, default=(k == 8)))
    return {p.name: p for p in probs}


PROBLEMS = _registry()
DEFAULT_PROBLEMS = [p.name for p in PROBLEMS.values() if p.default]


# --------------------------------------------------------------------------
# Data cache
# --------------------------------------------------------------------------

def ensure_cached(problem: Problem, quick: bool) -> Path:
    """Generate the problem's data once and store it; return its folder."""
    folder = problem.cache_dir(quick)
    if (folder / "done").exists():
        return folder
    X, y = problem.generate(quick)
    folder.mkdir(parents=True, exist_ok=True)
    if sp.issparse(X):
        sp.save_npz(folder / "X.npz", X, compressed=False)
    else:
        np.save(folder / "X.npy", X)  # keeps dtype and C/F order
    np.save(folder / "y.npy", y)
    meta = {"name": problem.name, "params": problem.effective_params(quick),
            "shape": list(X.shape), "dtype": str(X.dtype),
            "format": X.format if sp.issparse(X) else
            ("F" if X.flags.f_contiguous and not X.flags.c_contiguous else "C"),
            "nnz": int(X.nnz) if sp.issparse(X) else int(X.size),
            "x_bytes": data_nbytes(X),
            "classes": np.unique(y).tolist(),
            "positive_fraction": float(np.mean(y == y.max()))}
    (folder / "meta.json").write_text(json.dumps(meta, indent=1))
    # Marker written last so an interrupted generation is redone.
    (folder / "done").touch()
    return folder


def load(folder: os.PathLike):
    """Load cached ``(X, y)`` (fully in memory, no memory mapping)."""
    folder = Path(folder)
    if (folder / "X.npz").exists():
        X = sp.load_npz(folder / "X.npz")
    else:
        X = np.load(folder / "X.npy")
    return X, np.load(folder / "y.npy")


def load_meta(folder: os.PathLike) -> dict:
    return json.loads((Path(folder) / "meta.json").read_text())


def data_nbytes(X) -> int:
    """Bytes held by X (for sparse: data + indices + indptr)."""
    if sp.issparse(X):
        return int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes)
    return int(X.nbytes)

"""Fits on dask arrays and DataFrames on a two-process LocalCluster (issue 7).

Every fit is compared with the in-memory fit of the same data: the Dask
backend only changes where the products with X are computed, so the
coefficients agree to rounding.
"""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

from logreg import LogisticRegression  # noqa: E402
from logreg.backends import as_design_matrix, is_dask_backend  # noqa: E402
from logreg.models import Logit, add_constant  # noqa: E402

RTOL = 1e-7
N, D, CHUNK = 2000, 10, 500


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=":0", memory_limit="1GB",
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N, D))
    eta = X[:, 0] - 0.5 * X[:, 1] + 0.25 * X[:, 2]
    y = (eta + rng.logistic(size=N) > 0).astype(int)
    y3 = np.digitize(eta + rng.logistic(size=N), [-1.0, 1.0])
    return X, y, y3


def _close(a, b, rtol=RTOL):
    scale = max(np.max(np.abs(b)), 1.0)
    np.testing.assert_allclose(a, b, rtol=0, atol=rtol * scale)


def test_backend_products_match_dense(client, data):
    X = data[0]
    M = as_design_matrix(da.from_array(X, chunks=(CHUNK, 3)))  # columns rechunked to one
    D_ = as_design_matrix(X)
    assert is_dask_backend(M) and not is_dask_backend(D_)
    rng = np.random.default_rng(1)
    w, r, h = rng.normal(size=D), rng.normal(size=N), rng.random(N)
    _close(M.matvec(w), D_.matvec(w), 1e-12)
    _close(M.rmatvec(r), D_.rmatvec(r), 1e-12)
    _close(M.sandwich(h, intercept_scale=1.0), D_.sandwich(h, intercept_scale=1.0), 1e-12)
    _close(M.col_sq_norms(h), D_.col_sq_norms(h), 1e-12)
    _close(M.round_trip(w, lambda s, e, u: u * h[s:e]), D_.round_trip(w, lambda s, e, u: u * h[s:e]), 1e-12)
    rows = np.array([3, 700, 1999])
    np.testing.assert_array_equal(M.take_rows(rows).X, X[rows])
    assert sum(stop - start for start, stop, _ in M.row_blocks()) == N


@pytest.mark.parametrize(
    "params, target",
    [
        (dict(), "binary"),
        (dict(solver="lbfgs"), "binary"),
        (dict(), "multinomial"),
        (dict(penalty="l1", C=0.05), "binary"),
        (dict(penalty="elasticnet", l1_ratio=0.5, C=0.05), "binary"),
    ],
)
def test_fit_matches_in_memory(client, data, params, target):
    X, y, y3 = data
    yy = y if target == "binary" else y3
    tol = 1e-6 if params.get("solver") == "lbfgs" else 1e-10
    ref = LogisticRegression(tol=tol, **params).fit(X, yy)
    est = LogisticRegression(tol=tol, **params).fit(da.from_array(X, chunks=(CHUNK, D)), yy)
    if params.get("penalty") in ("l1", "elasticnet"):
        assert est.solver_ == "newton-gram"
        assert np.count_nonzero(est.coef_) < est.coef_.size  # a sparse solution
    rtol = 1e-4 if params.get("solver") == "lbfgs" else RTOL
    _close(est.coef_, ref.coef_, rtol)
    _close(est.intercept_, ref.intercept_, rtol)


def test_predictions_are_lazy_dask_arrays(client, data):
    X, y, y3 = data
    Xd = da.from_array(X, chunks=(CHUNK, D))
    for yy in (y, y3):
        est = LogisticRegression(tol=1e-10).fit(Xd, yy)
        ref = LogisticRegression(tol=1e-10).fit(X, yy)
        for method in ("decision_function", "predict_proba", "predict_log_proba", "predict"):
            out = getattr(est, method)(Xd)
            assert isinstance(out, da.Array), method
            assert out.chunks[0] == Xd.chunks[0]
            expected = getattr(ref, method)(X)
            if method == "predict":
                np.testing.assert_array_equal(out.compute(), expected)
            else:
                _close(out.compute(), expected)


def test_dask_dataframe(client, data):
    X, y, _ = data
    names = [f"f{j}" for j in range(D)]
    frame = dd.from_pandas(pd.DataFrame(X, columns=names), npartitions=4)
    target = dd.from_pandas(pd.Series(y, name="y"), npartitions=4)
    est = LogisticRegression(tol=1e-10).fit(frame, target)
    ref = LogisticRegression(tol=1e-10).fit(pd.DataFrame(X, columns=names), y)
    assert list(est.feature_names_in_) == names
    _close(est.coef_, ref.coef_)
    labels = est.predict(frame)
    assert isinstance(labels, da.Array)
    np.testing.assert_array_equal(labels.compute(), ref.predict(pd.DataFrame(X, columns=names)))


def test_non_finite_dask_input_is_rejected(client, data):
    X, y, _ = data
    bad = X.copy()
    bad[1234, 3] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        LogisticRegression().fit(da.from_array(bad, chunks=(CHUNK, D)), y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LogisticRegression().fit(da.from_array(X, chunks=(CHUNK, D)), y[:-1])


@pytest.mark.parametrize("solver", ["newton-cd", "liblinear", "saga"])
def test_column_solvers_refuse_dask_input_by_name(client, data, solver):
    X, y, _ = data
    with pytest.raises(ValueError, match="in-memory X.*solver='auto'"):
        LogisticRegression(penalty="l1", solver=solver).fit(da.from_array(X, chunks=(CHUNK, D)), y)


def test_logit_on_dask_matches_in_memory(client, data):
    X, y, _ = data
    exog = add_constant(X[:, :4])
    ref = Logit(y, exog).fit(disp=0)
    res = Logit(da.from_array(y, chunks=CHUNK), da.from_array(exog, chunks=(CHUNK, 5))).fit(disp=0)
    assert res.model.exog_names == ref.model.exog_names
    _close(res.params, ref.params)
    _close(res.bse, ref.bse)
    assert res.llf == pytest.approx(ref.llf, rel=1e-12)
    assert isinstance(res.model.exog, da.Array)  # X never gathered on the client


def _slow_copy(block):
    time.sleep(0.05)  # keeps each pass in flight long enough for the kill to land inside one
    return block * 1.0


def test_fit_survives_a_worker_killed_mid_fit(client, data, monkeypatch):
    """A worker process dies while a pass over X is in flight; the fit gives the same answer.

    X comes from a graph (never persisted), so the chunks the dead worker held
    or was computing are rebuilt from that graph on the other worker (and on
    the restarted one: the nanny restarts it, as on a real cluster).
    """
    from logreg.backends.dask import DaskMatrix

    X, y, _ = data
    Xd = da.from_array(X, chunks=(CHUNK, D)).map_blocks(_slow_copy, dtype=X.dtype)
    ref = LogisticRegression(tol=1e-10).fit(X, y)
    victim = sorted(client.scheduler_info()["workers"])[0]
    pid_before = client.run(os.getpid, workers=[victim])[victim]
    original = DaskMatrix.rmatvec
    calls, threads = [], []

    def rmatvec_with_kill(self, r):
        calls.append(1)
        if len(calls) == 2:  # the second gradient pass: the fit is well under way
            thread = threading.Thread(
                target=client.restart_workers, args=([victim],), kwargs={"timeout": 60, "raise_for_error": False}
            )
            thread.start()
            threads.append(thread)
        return original(self, r)

    monkeypatch.setattr(DaskMatrix, "rmatvec", rmatvec_with_kill)
    est = LogisticRegression(tol=1e-10).fit(Xd, y)
    for thread in threads:
        thread.join(60)
    assert len(calls) >= 3 and threads
    client.wait_for_workers(2, timeout=60)
    pids_after = client.run(os.getpid)
    assert pid_before not in pids_after.values()  # the process really ended
    _close(est.coef_, ref.coef_)
    _close(est.intercept_, ref.intercept_)

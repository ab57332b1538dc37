"""Subprocess workers of the L1 / elastic-net benchmark.

One fresh ``spawn`` process per peer runs that peer on every case in turn:
for each case it loads the cached data, warms the peer up on 500 rows
(imports, numba compilation: skglm compiles in every process, it does not
cache, so one process per peer rather than per case), then walks the peer's
tolerance ladder from loose to tight and streams one record per fit back to
the parent.  A ladder stops as soon as a fit reaches the target
suboptimality, when a fit takes longer than the cap, when the time budget
would be exceeded, or when the ladder ends; the parent kills the worker when
one fit exceeds the per-fit timeout and restarts it for the remaining cases.
Timing, peak memory (reset before each fit) and the "other processes were
busy" measurement work as in measure.py.
"""

from __future__ import annotations

import gc
import multiprocessing
import time
import traceback
import warnings

from benchmarks.measure import _cpu_seconds, _reset_peak, _status_kb

_WARMUP_ROWS = 500
_NOISE_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
# Seconds allowed for spawning, loading the data and the warm-up fit, on top
# of the per-fit timeout, before the first record arrives.
STARTUP_ALLOWANCE = 120.0


def _messages(caught):
    return sorted({f"{w.category.__name__}: {str(w.message).splitlines()[0]}"
                   for w in caught if not issubclass(w.category, _NOISE_WARNINGS)})


def _timed(fn, repeats, repeat_budget):
    """Run fn(); repeat (best-of-k) only while the total stays in budget."""
    gc.collect()
    exact = _reset_peak()
    base_kb = _status_kb("VmRSS") if exact else _status_kb("VmHWM")
    busy0, own0 = _cpu_seconds()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        out = fn()
        times = [time.perf_counter() - t0]
    peak = max(0, _status_kb("VmHWM") - base_kb) * 1024
    while len(times) < repeats and sum(times) + min(times) <= repeat_budget:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    busy1, own1 = _cpu_seconds()
    foreign = ((busy1 - busy0) - (own1 - own0)) / sum(times)
    return out, {"times": times, "peak_bytes": peak, "peak_exact": exact,
                 "foreign_cores": max(0.0, foreign) if sum(times) >= 0.5 else None,
                 "warnings": _messages(caught)}


def _warm_up(peer, X, y, spec):
    """Tiny fit; returns a skip reason if the peer cannot fit this case at all."""
    # 10 x C (a weaker penalty on 500 rows) and a moderately tight tol, so
    # that the solver's inner loops actually run (and numba compiles them):
    # a loose fit that stops at w = 0 would leave them uncompiled.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            peer.fit(X[:_WARMUP_ROWS], y[:_WARMUP_ROWS], C=10 * spec["C"],
                     l1_ratio=spec["l1_ratio"], formulation=spec["formulation"],
                     tol=1e-4)
    except NotImplementedError as exc:
        return f"NotImplementedError: {str(exc).splitlines()[0] if str(exc) else ''}"
    except ImportError as exc:
        return f"{peer.library} not importable ({type(exc).__name__}: {exc})"
    except Exception:  # noqa: BLE001 - a failing warm-up must not hide the real fit
        pass
    return None


def _score(X, y, coef, intercept, spec, C=None):
    from benchmarks.sparse_objectives import nnz, objective, violation

    C = spec["C"] if C is None else C
    args = (X, y, coef, intercept, C, spec["l1_ratio"], spec["formulation"])
    return {"objective": objective(*args), "violation": violation(*args),
            "nnz": nnz(coef)}


def _run_ladder(conn, peer, X, y, spec):
    """Fit one peer at each tolerance of spec["tols"]; send one dict per fit."""
    spent = 0.0
    for tol in spec["tols"]:
        if time.time() > spec.get("deadline", float("inf")):
            return {"reason": "deadline"}
        if spec["kind"] == "path":
            def run(tol=tol):
                return peer.path(X, y, Cs=spec["Cs"], l1_ratio=spec["l1_ratio"],
                                 formulation=spec["formulation"], tol=tol,
                                 cold=spec["cold"])
        else:
            def run(tol=tol):
                return peer.fit(X, y, C=spec["C"], l1_ratio=spec["l1_ratio"],
                                formulation=spec["formulation"], tol=tol)
        try:
            out, rec = _timed(run, spec["repeats"], spec["repeat_budget"])
        except NotImplementedError as exc:
            return {"reason": "skip", "detail": f"NotImplementedError: {exc}"}
        if spec["kind"] == "path":
            sols, mode = out
            points = [_score(X, y, coef, b, spec, C=C)
                      for (coef, b, _), C in zip(sols, spec["Cs"])]
            subopts = [p["objective"] - r for p, r in zip(points, spec["ref_objectives"])]
            rec.update(mode=mode, subopts=subopts, subopt=max(subopts),
                       nnz=[p["nnz"] for p in points], n_iter=None,
                       violation=max(p["violation"] for p in points))
        else:
            coef, intercept, n_iter = out
            rec.update(_score(X, y, coef, intercept, spec), n_iter=n_iter,
                       intercept=intercept)
            rec["subopt"] = rec["objective"] - spec["ref_objective"]
        rec.update(type="fit", job=spec["job"], tol=tol)
        conn.send(rec)
        t = min(rec["times"])
        spent += sum(rec["times"])
        if spec["target"] is not None and rec["subopt"] <= spec["target"]:
            return {"reason": "reached"}
        if spec["cap"] is not None and t > spec["cap"]:
            return {"reason": "capped"}
        # the next (tighter) fit is unlikely to be faster than this one
        if spent + t > spec["budget"]:
            return {"reason": "budget"}
        if time.time() + t > spec.get("deadline", float("inf")):
            return {"reason": "deadline"}
    return {"reason": "ladder end"}


def _child(conn, peer_name, jobs):
    """Run the jobs (one ladder each, possibly on different data) in turn."""
    from benchmarks.problems import load
    from benchmarks.sparse_peers import SPARSE_PEERS

    peer = SPARSE_PEERS[peer_name]
    loaded, X, y = None, None, None
    try:
        for spec in jobs:
            try:
                if spec["folder"] != loaded:
                    X = y = None
                    gc.collect()
                    X, y = load(spec["folder"])
                    loaded = spec["folder"]
                warm = dict(spec, C=spec["Cs"][len(spec["Cs"]) // 2]) \
                    if spec["kind"] == "path" else spec
                skip = _warm_up(peer, X, y, warm)
                end = ({"reason": "skip", "detail": skip} if skip
                       else _run_ladder(conn, peer, X, y, spec))
            except Exception as exc:  # noqa: BLE001 - report, go on with the next job
                end = {"reason": "error", "detail": f"{type(exc).__name__}: {exc}",
                       "traceback": traceback.format_exc()}
            conn.send(dict(end, type="done", job=spec["job"]))
    except BaseException as exc:  # noqa: BLE001 - e.g. MemoryError while loading
        conn.send({"type": "fatal", "error": f"{type(exc).__name__}: {exc}",
                   "traceback": traceback.format_exc()})
    finally:
        conn.close()


def run_jobs(peer_name: str, jobs: list, fit_timeout: float, on_record=None,
             on_end=None) -> dict:
    """Run ``jobs`` (ladder specs, each with a unique "job" key) for one peer.

    One worker process runs them in order (one numba compilation, e.g. for
    skglm, instead of one per case).  If a fit exceeds ``fit_timeout`` the
    worker is killed, that job ends with reason "timeout" and a fresh
    worker continues with the remaining jobs.  Returns
    {job: (records, end)}; end["reason"] is "reached", "capped", "budget",
    "ladder end", "timeout", "skip" or "error" (detail in end["detail"]).
    """
    results = {spec["job"]: ([], None) for spec in jobs}
    pending = list(jobs)
    while pending:
        ctx = multiprocessing.get_context("spawn")
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(send, peer_name, pending), daemon=True)
        proc.start()
        send.close()
        current = pending[0]
        wait = fit_timeout + STARTUP_ALLOWANCE
        try:
            while pending:
                if not recv.poll(wait):
                    proc.kill()
                    n_done = len(results[current["job"]][0])
                    tol = current["tols"][n_done] if n_done < len(current["tols"]) else None
                    end = {"reason": "timeout", "timeout": fit_timeout,
                           "detail": f"{'path' if current['kind'] == 'path' else 'fit'}"
                                     f" at tol={tol:g} still running after "
                                     f"{fit_timeout:g} s (killed)"}
                    results[current["job"]] = (results[current["job"]][0], end)
                    if on_end:
                        on_end(current, results[current["job"]][0], end)
                    pending.pop(0)
                    break
                try:
                    msg = recv.recv()
                except EOFError:
                    proc.join()
                    end = {"reason": "error", "detail": "worker died without a result "
                           f"(exit code {proc.exitcode}; out of memory?)"}
                    results[current["job"]] = (results[current["job"]][0], end)
                    if on_end:
                        on_end(current, results[current["job"]][0], end)
                    pending.pop(0)
                    break
                if msg["type"] == "fit":
                    results[msg["job"]][0].append(msg)
                    if on_record:
                        on_record(current, msg)
                    wait = fit_timeout + current["repeat_budget"]
                elif msg["type"] == "done":
                    end = {k: v for k, v in msg.items() if k not in ("type", "job")}
                    results[msg["job"]] = (results[msg["job"]][0], end)
                    if on_end:
                        on_end(current, results[msg["job"]][0], end)
                    pending.pop(0)
                    if pending:
                        current = pending[0]
                        wait = fit_timeout + STARTUP_ALLOWANCE
                else:  # fatal
                    end = {"reason": "error", "detail": msg["error"],
                           "traceback": msg.get("traceback", "")}
                    for spec in pending:
                        results[spec["job"]] = (results[spec["job"]][0], end)
                        if on_end:
                            on_end(spec, results[spec["job"]][0], end)
                    pending = []
        finally:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
                proc.join()
            recv.close()
    return results

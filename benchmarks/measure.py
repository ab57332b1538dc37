"""Run one fit in a fresh subprocess and measure its time and peak memory.

A fresh ``spawn`` process per (problem, peer) means that no fit inherits
another's allocations, imports or caches.  Inside it the data is loaded,
the peer is warmed up on a tiny slice (lazy imports, BLAS thread buffers),
the kernel's peak-RSS counter is reset, and the real fit runs.

Peak memory = VmHWM after the first fit - VmRSS just before it, i.e. what the
fit needed *beyond* the already-loaded data.  The counter is reset by
writing "5" to /proc/self/clear_refs (Linux >= 4.0); if that is not allowed
the peak before the fit is used as the baseline and the value is flagged
"approx" (it then misses a fit that stays below the loading peak).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
import traceback
import warnings

# Rows used by the warm-up fit (enough for both classes to appear).
_WARMUP_ROWS = 500
_NOISE_WARNINGS = (DeprecationWarning, PendingDeprecationWarning)


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _cpu_seconds():
    """(busy CPU seconds of the whole machine, CPU seconds of this process).

    Their difference over a fit is CPU time used by *other* processes (steal
    time included): on a shared machine this tells whether a timing was
    disturbed.
    """
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    busy = (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    return busy, time.process_time()


def wait_until_idle(max_wait: float, threshold: float, log=print) -> None:
    """Sleep until other processes use <= threshold cores (1 s samples).

    Gives up after max_wait seconds; the fit is then flagged as disturbed by
    the foreign-CPU measurement anyway.
    """
    deadline = time.monotonic() + max_wait
    announced = False
    while time.monotonic() < deadline:
        busy0, own0 = _cpu_seconds()
        time.sleep(1.0)
        busy1, own1 = _cpu_seconds()
        if (busy1 - busy0) - (own1 - own0) <= threshold:
            return
        if not announced:
            log(f"  (machine busy, waiting up to {max_wait:.0f} s for it to go idle)")
            announced = True


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _warm_up(peer, X, y, opts):
    """Tiny fit so one-time costs do not land in the measured fit."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            peer.fit(X[:_WARMUP_ROWS], y[:_WARMUP_ROWS], C=opts["C"],
                     tol=opts["tol"], max_iter=5)
    except Exception:  # noqa: BLE001 - a failing warm-up must not hide the real fit
        pass


def _child(conn, peer_name, data_folder, opts):
    from benchmarks.peers import PEERS
    from benchmarks.problems import load

    try:
        peer = PEERS[peer_name]
        X, y = load(data_folder)
        _warm_up(peer, X, y, opts)
        gc.collect()
        exact = _reset_peak()
        base_kb = _status_kb("VmRSS") if exact else _status_kb("VmHWM")
        busy0, own0 = _cpu_seconds()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t0 = time.perf_counter()
            out = peer.fit(X, y, C=opts["C"], tol=opts["tol"],
                           max_iter=opts["max_iter"])
            times = [time.perf_counter() - t0]
        peak_bytes = max(0, _status_kb("VmHWM") - base_kb) * 1024
        # Best-of-k timing for fast fits only; slow fits run once.
        while (len(times) < opts["repeats"]
               and sum(times) + min(times) <= opts["repeat_budget"]):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t0 = time.perf_counter()
                peer.fit(X, y, C=opts["C"], tol=opts["tol"],
                         max_iter=opts["max_iter"])
                times.append(time.perf_counter() - t0)
        busy1, own1 = _cpu_seconds()
        # Average number of cores busy with other work while we were timing;
        # /proc/stat ticks are 10 ms, so very short fits give no estimate.
        foreign = ((busy1 - busy0) - (own1 - own0)) / sum(times)
        foreign_cores = max(0.0, foreign) if sum(times) >= 0.5 else None
        # Deprecation chatter (e.g. glum passing deprecated options to scipy)
        # says nothing about the fit; ConvergenceWarning etc. are kept.
        messages = sorted({f"{w.category.__name__}: {str(w.message).splitlines()[0]}"
                           for w in caught
                           if not issubclass(w.category, _NOISE_WARNINGS)})
        conn.send({"ok": True, "coef": out.coef, "intercept": out.intercept,
                   "n_iter": out.n_iter, "times": times,
                   "peak_bytes": peak_bytes, "peak_exact": exact,
                   "foreign_cores": foreign_cores,
                   "warnings": messages})
    except BaseException as exc:  # noqa: BLE001 - report every failure to the parent
        conn.send({"ok": False, "error": f"{type(exc).__name__}: {exc}",
                   "traceback": traceback.format_exc()})
    finally:
        conn.close()


def run_fit(peer_name: str, data_folder, *, C: float, tol: float,
            max_iter: int, repeats: int, repeat_budget: float,
            timeout: float) -> dict:
    """Fit ``peer_name`` on cached data in a fresh process; return a dict.

    Keys on success: coef, intercept, n_iter, times, peak_bytes, peak_exact,
    foreign_cores (CPU use of other processes during the timed fits, in
    cores; None for fits too short to tell), warnings.  On failure:
    ok=False and error (also for timeouts and crashes such as the OOM
    killer).
    """
    ctx = multiprocessing.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    opts = {"C": C, "tol": tol, "max_iter": max_iter, "repeats": repeats,
            "repeat_budget": repeat_budget}
    proc = ctx.Process(target=_child, args=(send, peer_name, str(data_folder), opts),
                       daemon=True)
    proc.start()
    send.close()  # so recv() sees EOF if the child dies without answering
    try:
        if not recv.poll(timeout):
            proc.kill()
            return {"ok": False, "error": f"timeout after {timeout:g} s (killed)"}
        try:
            return recv.recv()
        except EOFError:
            proc.join()
            return {"ok": False,
                    "error": f"worker died without a result (exit code {proc.exitcode})"}
    finally:
        proc.join()
        recv.close()

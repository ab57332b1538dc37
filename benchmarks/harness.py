"""Fit every peer on one problem and score the fits against a reference.

Per (problem, peer) the harness reports wall time, the objective of the
returned coefficients (computed here, see objectives.py), suboptimality
relative to a tight reference (reference.py), the fit's peak memory beyond
the data (measure.py) and, for logreg peers, the speed-up over the fastest
scikit-learn fit that is at least about as accurate (SPEEDUP_RULE).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.measure import run_fit, wait_until_idle
from benchmarks.objectives import objective
from benchmarks.peers import PEERS
from benchmarks.problems import Problem, ensure_cached, load, load_meta
from benchmarks.reference import get_reference

# A scikit-learn fit counts as "at least as accurate" as a logreg fit if its
# suboptimality is <= logreg's + SPEEDUP_SLACK.
SPEEDUP_SLACK = 1e-6
SPEEDUP_RULE = (
    "speed-up = (time of the fastest scikit-learn fit that minimises the same "
    "objective and reaches suboptimality <= logreg's suboptimality + "
    f"{SPEEDUP_SLACK:g}) / (logreg's time). Only scikit-learn solvers count "
    "(glum is shown for context); liblinear is compared only with liblinear, "
    "because it minimises a different objective. '-' means no scikit-learn fit "
    "was that accurate.")

# Fits during which other processes kept more than this many cores busy on
# average are flagged: their times are not trustworthy (the machine is shared).
BUSY_CORES = 0.25


@dataclass
class Options:
    C: float = 1.0
    tol: float = 1e-4
    max_iter: int = 100
    repeats: int = 3
    repeat_budget: float = 5.0
    timeout: float = 600.0
    force: bool = False
    quick: bool = False
    wait_idle: float = 0.0


@dataclass
class FitRecord:
    peer: str
    status: str  # "ok", "skipped" or "error"
    reason: str = ""
    times: list = field(default_factory=list)
    n_iter: int | None = None
    objective: float | None = None
    subopt: float | None = None
    peak_bytes: int | None = None
    peak_exact: bool = True
    foreign_cores: float | None = None
    warnings: list = field(default_factory=list)
    speedup: float | None = None
    speedup_vs: str = ""

    @property
    def time_s(self):
        return min(self.times) if self.times else None

    @property
    def disturbed(self) -> bool:
        """Other processes used a noticeable share of the CPU while timing."""
        return (self.foreign_cores or 0.0) > BUSY_CORES

    @property
    def library(self):
        return PEERS[self.peer].library

    @property
    def objective_kind(self):
        return PEERS[self.peer].objective


@dataclass
class ProblemResult:
    problem: Problem
    meta: dict
    references: dict  # objective kind -> reference dict
    records: list


def suboptimality(value: float, reference: float) -> float:
    return (value - reference) / max(1.0, abs(reference))


def assign_speedups(records) -> None:
    """Fill speedup / speedup_vs of logreg records (see SPEEDUP_RULE)."""
    ok = [r for r in records if r.status == "ok"]
    for r in ok:
        if r.library != "logreg":
            continue
        rivals = [s for s in ok if s.library == "sklearn"
                  and s.objective_kind == r.objective_kind
                  and s.subopt <= r.subopt + SPEEDUP_SLACK]
        if rivals:
            best = min(rivals, key=lambda s: s.time_s)
            r.speedup = best.time_s / r.time_s
            r.speedup_vs = best.peer


def run_problem(problem: Problem, peer_names, opts: Options,
                unavailable: dict, log=print) -> ProblemResult:
    """Benchmark ``peer_names`` on ``problem``.

    unavailable: library -> reason, for libraries that failed to import
    (their peers are reported as skipped).
    """
    folder = ensure_cached(problem, opts.quick)
    meta = load_meta(folder)
    X, y = load(folder)
    log(f"\n== {problem.name}: {meta['shape'][0]} x {meta['shape'][1]} "
        f"{meta['dtype']} {meta['format']}, X = {meta['x_bytes'] / 1e6:.1f} MB")

    plan = []
    for name in peer_names:
        peer = PEERS[name]
        reason = (peer.skip_reason(meta, problem.kind, opts.force)
                  or unavailable.get(peer.library))
        plan.append((peer, reason))

    references = {}
    for kind in sorted({p.objective for p, reason in plan if reason is None}):
        references[kind] = get_reference(folder, X, y, opts.C, kind, log=log)

    records = []
    for peer, reason in plan:
        if reason:
            records.append(FitRecord(peer.name, "skipped", reason))
            log(f"  {peer.name:24s} skipped: {reason}")
            continue
        if opts.wait_idle > 0:
            wait_until_idle(opts.wait_idle, BUSY_CORES, log=log)
        res = run_fit(peer.name, folder, C=opts.C, tol=opts.tol,
                      max_iter=opts.max_iter, repeats=opts.repeats,
                      repeat_budget=opts.repeat_budget, timeout=opts.timeout)
        if not res["ok"]:
            records.append(FitRecord(peer.name, "error", res["error"]))
            log(f"  {peer.name:24s} ERROR: {res['error']}")
            if res.get("traceback"):
                log("    " + res["traceback"].rstrip().replace("\n", "\n    "))
            continue
        try:
            value = objective(X, y, res["coef"], res["intercept"], opts.C,
                              peer.objective)
        except ValueError as exc:  # e.g. wrongly shaped coef_
            records.append(FitRecord(peer.name, "error", f"bad solution: {exc}"))
            log(f"  {peer.name:24s} ERROR: bad solution: {exc}")
            continue
        rec = FitRecord(
            peer.name, "ok", times=res["times"], n_iter=res["n_iter"],
            objective=value,
            subopt=suboptimality(value, references[peer.objective]["objective"]),
            peak_bytes=res["peak_bytes"], peak_exact=res["peak_exact"],
            foreign_cores=res["foreign_cores"], warnings=res["warnings"])
        records.append(rec)
        log(f"  {peer.name:24s} {rec.time_s:8.3f} s  subopt {rec.subopt:9.1e}  "
            f"peak {rec.peak_bytes / 1e6:8.1f} MB  iters {rec.n_iter}"
            + (f"  (other processes busy: {rec.foreign_cores:.1f} cores)"
               if rec.disturbed else ""))
    assign_speedups(records)
    return ProblemResult(problem, meta, references, records)

"""Markdown tables, machine description and the RESULTS.md file.

RESULTS.md is only ever written by this module.  It holds one section per
problem between ``<!-- problem: NAME -->`` markers; a run replaces the
sections of the problems it ran and keeps the others, so slow problems can
be re-run on their own.  Each section records its own date, command and
machine.
"""

from __future__ import annotations

import os
import platform
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.harness import SPEEDUP_RULE, ProblemResult
from benchmarks.problems import PROBLEMS

COLUMNS = ["peer", "time s", "runs", "iters", "objective", "subopt",
           "peak MB", "peak/X", "speed-up", "notes"]


# --------------------------------------------------------------------------
# Machine
# --------------------------------------------------------------------------

def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_gib() -> float | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return None


def machine_info(library_versions: dict, locations: dict | None = None) -> dict:
    """CPU, cores, memory, library versions, BLAS / OpenMP (threadpoolctl)."""
    import numpy
    import scipy
    import scipy.linalg  # noqa: F401 - loads scipy's BLAS for threadpoolctl
    from threadpoolctl import threadpool_info

    for mod in ("sklearn.linear_model", "glum"):
        try:  # load their native libraries so threadpoolctl lists them
            __import__(mod)
        except ImportError:
            pass
    pools = [{k: p.get(k) for k in ("user_api", "internal_api", "version",
                                    "num_threads", "threading_layer", "architecture")}
             | {"file": os.path.basename(p.get("filepath", ""))}
             for p in threadpool_info()]
    env = {k: v for k, v in sorted(os.environ.items())
           if re.search(r"BLAS|OMP_|MKL|THREADS|CORETYPE", k)}
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "mem_gib": _mem_total_gib(),
        "python": platform.python_version(),
        "versions": {"numpy": numpy.__version__, "scipy": scipy.__version__,
                     **library_versions},
        "locations": locations or {},
        "threadpools": pools,
        "env": env,
    }


def machine_line(info: dict) -> str:
    vers = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    blas = "; ".join(f"{p['internal_api']} {p['version']} ({p['num_threads']} threads, "
                     f"{p['architecture']})" for p in info["threadpools"]
                     if p["user_api"] == "blas")
    return (f"{info['cpu']}, {info['usable_cores']}/{info['cores']} cores; "
            f"{vers}; BLAS: {blas}")


def machine_block(info: dict) -> str:
    mem = f"{info['mem_gib']:.1f} GiB" if info["mem_gib"] else "unknown"
    lines = [f"- CPU: {info['cpu']}",
             f"- cores: {info['cores']} (usable by this process: {info['usable_cores']})",
             f"- memory: {mem}",
             f"- Python {info['python']}; "
             + ", ".join(f"{k} {v}" for k, v in info["versions"].items()),
             *[f"- {lib} imported from `{path}`"
               for lib, path in info.get("locations", {}).items()],
             "- thread pools (threadpoolctl):"]
    for p in info["threadpools"]:
        parts = [f"{p['internal_api']} {p['version'] or ''}".strip(),
                 f"{p['num_threads']} threads"]
        parts += [f"{label} {p[key]}" for key, label in
                  (("threading_layer", "layer"), ("architecture", "arch")) if p[key]]
        lines.append(f"  - {p['user_api']}: {', '.join(parts)} (`{p['file']}`)")
    env = ", ".join(f"`{k}={v}`" for k, v in info["env"].items()) or "none set"
    lines.append(f"- threading/BLAS environment variables: {env}")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------

def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _row(rec, x_bytes) -> list:
    notes = []
    if rec.objective_kind == "liblinear":
        notes.append("liblinear objective")
    if rec.status != "ok":
        notes.append(f"{rec.status}: {rec.reason}")
        return [rec.peer] + ["-"] * (len(COLUMNS) - 2) + ["; ".join(notes)]
    if rec.disturbed:
        notes.append(f"BUSY machine: other processes used {rec.foreign_cores:.1f} "
                     "cores while timing, time unreliable")
    if not rec.peak_exact:
        notes.append("peak approx (could not reset VmHWM)")
    notes += [w[:120] for w in rec.warnings]
    speedup = (f"{rec.speedup:.2f}x vs {rec.speedup_vs.removeprefix('sklearn-')}"
               if rec.speedup is not None else
               ("-" if rec.library == "logreg" else ""))
    return [rec.peer, f"{rec.time_s:.3f}", len(rec.times),
            "" if rec.n_iter is None else rec.n_iter,
            f"{rec.objective:.12g}", f"{rec.subopt:.1e}",
            f"{rec.peak_bytes / 1e6:.1f}", f"{rec.peak_bytes / x_bytes:.2f}",
            speedup, "; ".join(notes)]


def table(result: ProblemResult) -> str:
    rows = [COLUMNS, ["---"] * len(COLUMNS)]
    rows += [_row(r, result.meta["x_bytes"]) for r in result.records]
    return "\n".join("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)


def problem_summary(result: ProblemResult) -> str:
    m = result.meta
    n, d = m["shape"]
    if len(m["classes"]) == 2:
        labels = f"binary, {m['positive_fraction']:.1%} positives"
    else:
        labels = f"{len(m['classes'])} classes (multinomial)"
    nnz = (f", nnz {m['nnz']} ({m['nnz'] / (n * d):.2%})"
           if m["format"] in ("csr", "csc") else "")
    lines = [f"{result.problem.description}.",
             f"X: {n} x {d} {m['dtype']} {m['format']}{nnz}, "
             f"**{m['x_bytes'] / 1e6:.1f} MB**; {labels}."]
    for kind, ref in result.references.items():
        lines.append(f"Reference ({kind} objective): {ref['objective']:.15g} "
                     f"via {ref['method']} ({ref['n_iter']} iters, {ref['seconds']:.1f} s), "
                     f"max|grad| {ref['grad_max_abs']:.1e}.")
    return "  \n".join(lines)


# --------------------------------------------------------------------------
# RESULTS.md
# --------------------------------------------------------------------------

_SECTION = re.compile(r"<!-- problem: (\S+) -->\n.*?<!-- /problem: \1 -->\n", re.S)


def render_section(result: ProblemResult, run: dict) -> str:
    name = result.problem.name
    return (f"<!-- problem: {name} -->\n"
            f"### {name}{' (quick sizes)' if run['quick'] else ''}\n\n"
            f"{problem_summary(result)}\n\n"
            f"Run {run['date']}: `{run['command']}` "
            f"(C={run['C']:g}, tol={run['tol']:g}, max_iter={run['max_iter']}) "
            f"on {machine_line(run['machine'])}.\n\n"
            f"{table(result)}\n"
            f"<!-- /problem: {name} -->\n")


def _header(run: dict) -> str:
    return f"""# logreg benchmark results

*Generated by `python -m benchmarks.run` (see `benchmarks/README.md`); do not
edit by hand. Each problem section below records the date, command and
machine of the run that produced it.*

Columns: **time s** best wall time over **runs** fits; **objective** computed
by the harness from `coef_`/`intercept_`; **subopt** = (objective -
reference) / max(1, |reference|); **peak MB** peak RSS of the fit beyond the
loaded data (fresh process); **peak/X** that peak divided by the size of X
(target for logreg: <= 1.2 plus O(n + d^2)); **BUSY machine** in notes: other
processes used the CPUs while that fit was timed, so its time is unreliable.

Comparison rule: {SPEEDUP_RULE}

## Machine of the most recent run ({run['date']})

{machine_block(run['machine'])}

## Problems

"""


def update_results(path: Path, results: list, run: dict) -> None:
    """Write RESULTS.md, replacing sections of the problems just run."""
    sections = {}
    if path.exists():
        for m in _SECTION.finditer(path.read_text()):
            sections[m.group(1)] = m.group(0)
    for res in results:
        sections[res.problem.name] = render_section(res, run)
    order = [n for n in PROBLEMS if n in sections]
    order += sorted(n for n in sections if n not in PROBLEMS)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_header(run) + "\n".join(sections[n] for n in order))


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def run_info(args_command: str, opts, machine: dict, started: str) -> dict:
    """What RESULTS.md records about a run (``started``: from now_utc())."""
    return {"date": started,
            "command": args_command, "quick": opts.quick, "C": opts.C,
            "tol": opts.tol, "max_iter": opts.max_iter, "machine": machine,
            "argv": sys.argv}

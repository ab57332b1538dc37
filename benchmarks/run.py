"""Command line entry point: ``python -m benchmarks.run [options]``.

Examples (from the repository root)::

    .venv/bin/python -m benchmarks.run --quick            # smoke test
    .venv/bin/python -m benchmarks.run                    # default problems
    .venv/bin/python -m benchmarks.run --problems dense-bin-1m-f64 --peers sklearn,logreg
    .venv/bin/python -m benchmarks.run --list
"""

from __future__ import annotations

import argparse
import fnmatch
import shlex
import sys
import time
from pathlib import Path

from benchmarks.harness import SPEEDUP_RULE, Options, run_problem
from benchmarks.peers import DEFAULT_PEERS, PEERS, library_status
from benchmarks.problems import CACHE_DIR, DEFAULT_PROBLEMS, PROBLEMS
from benchmarks.report import (machine_info, machine_line, now_utc, run_info, table,
                               update_results)

DEFAULT_OUT = Path(__file__).resolve().parent / "RESULTS.md"
# Quick runs are smoke tests; keep them out of the committed RESULTS.md.
DEFAULT_QUICK_OUT = CACHE_DIR / "RESULTS-quick.md"


def _select(spec: str | None, universe: list, default: list, groups: dict, what: str):
    """Expand a comma list of names, group names or glob patterns."""
    if not spec:
        return list(default)
    chosen = []
    for token in spec.split(","):
        token = token.strip()
        if token == "all":
            matches = list(universe)
        elif token in groups:
            matches = groups[token]
        else:
            matches = [u for u in universe if fnmatch.fnmatchcase(u, token)]
        if not matches:
            sys.exit(f"unknown {what} {token!r}; see --list")
        chosen += [m for m in matches if m not in chosen]
    return chosen


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="n/10 sizes (digits unchanged) for smoke tests")
    p.add_argument("--problems", help="comma list of problem names, globs or 'all' "
                   f"(default: {','.join(DEFAULT_PROBLEMS)})")
    p.add_argument("--peers", help="comma list of peer names, globs, library names "
                   "(sklearn, glum, logreg) or 'all' (default: all)")
    p.add_argument("--out", help="markdown file to write/update; '-' for none "
                   f"(default: {DEFAULT_OUT.name}, or {DEFAULT_QUICK_OUT} with --quick)")
    p.add_argument("--tol", type=float, default=1e-4, help="tol for every peer")
    p.add_argument("--C", type=float, default=1.0, help="inverse regularisation")
    p.add_argument("--max-iter", type=int, default=100)
    p.add_argument("--repeats", type=int, default=3,
                   help="max fits per peer for best-of timing")
    p.add_argument("--repeat-budget", type=float, default=5.0,
                   help="repeat a fit only while the total stays under this (s)")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="seconds per (problem, peer) before the fit is killed")
    p.add_argument("--wait-idle", type=float, default=0.0, metavar="SECONDS",
                   help="before each fit, wait up to this long for other processes "
                   "to leave the CPUs idle (shared machines)")
    p.add_argument("--force", action="store_true",
                   help="also run dense-Hessian solvers on problems with many parameters")
    p.add_argument("--list", action="store_true", help="list problems and peers")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.list:
        for name, prob in PROBLEMS.items():
            print(f"{name:22s} {'*' if prob.default else ' '} {prob.description}")
        print("(* = default)\n")
        for name, peer in PEERS.items():
            print(f"{name:24s} objective={peer.objective}"
                  f"{' binary-only' if peer.binary_only else ''}")
        return

    problems = _select(args.problems, list(PROBLEMS), DEFAULT_PROBLEMS, {}, "problem")
    groups = {}
    for name, peer in PEERS.items():
        groups.setdefault(peer.library, []).append(name)
    peers = _select(args.peers, list(PEERS), DEFAULT_PEERS, groups, "peer")
    opts = Options(C=args.C, tol=args.tol, max_iter=args.max_iter,
                   repeats=args.repeats, repeat_budget=args.repeat_budget,
                   timeout=args.timeout, force=args.force, quick=args.quick,
                   wait_idle=args.wait_idle)

    versions, locations, unavailable = {}, {}, {}
    for lib in dict.fromkeys(PEERS[p].library for p in peers):
        try:
            version, location = library_status(lib)
            versions[lib] = version
            if lib == "logreg":  # installed package or src/ fallback?
                locations[lib] = location
                print(f"logreg {version} imported from {location}")
        except Exception as exc:  # noqa: BLE001 - any import failure means "skip"
            unavailable[lib] = f"{lib} not importable ({type(exc).__name__}: {exc})"
            print(f"NOTE: {unavailable[lib]}; its peers are skipped.")
    machine = machine_info(versions, locations)
    print(f"machine: {machine_line(machine)}")

    started, t_start = now_utc(), time.perf_counter()
    results = []
    for name in problems:
        res = run_problem(PROBLEMS[name], peers, opts, unavailable)
        print(f"\n### {name}\n\n{table(res)}")
        results.append(res)
    print(f"\n{SPEEDUP_RULE}")
    print(f"total time {time.perf_counter() - t_start:.0f} s")

    out = args.out or str(DEFAULT_QUICK_OUT if args.quick else DEFAULT_OUT)
    if out != "-":
        command = " ".join(["python -m benchmarks.run"] +
                           [shlex.quote(a) for a in sys.argv[1:]])
        update_results(Path(out), results, run_info(command, opts, machine, started))
        print(f"\nwrote {out}")


if __name__ == "__main__":
    main()

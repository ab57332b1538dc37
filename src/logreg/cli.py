"""The ``logreg`` command (subcommands grow with the command-line work)."""

from __future__ import annotations

import argparse
import sys


def _demo(args) -> int:
    from .demo import run_digits_demo

    run_digits_demo(out=sys.stdout)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="logreg",
        description="Logistic regression from the command line.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser(
        "demo",
        help="the tutorial's handwriting-recognition example, end to end",
        description="Fit the tutorial's one-vs-rest model on scikit-learn's digits data and print its evaluation.",
    )
    demo.set_defaults(handler=_demo)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())

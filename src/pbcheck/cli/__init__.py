"""The ``pbcheck`` command line: a thin adapter over the public API."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence

import pbcheck
from pbcheck.cli import (
    _calendar,
    _demo,
    _rank,
    _report,
    _schema,
    _score,
    _validate,
)

__all__ = ["build_parser", "command", "main"]

#: Each subcommand module offers ``add_parser(subparsers)`` which registers the
#: subcommand and sets ``func`` (taking the parsed namespace, returning an exit code).
_SUBCOMMANDS = (_validate, _score, _rank, _report, _calendar, _demo, _schema)


def build_parser() -> argparse.ArgumentParser:
    """The whole parser; the docs render the CLI reference from it."""
    parser = argparse.ArgumentParser(
        prog="pbcheck",
        description="党建工作责任制考核 — party-building work-responsibility assessment.",
    )
    parser.add_argument(
        "--version", action="version", version=f"pbcheck {pbcheck.__version__}"
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _SUBCOMMANDS:
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    # Chinese output must not crash a console that cannot encode it.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    return func(args)


def command() -> int:
    """The ``pbcheck`` command: :func:`main` in a process that exits after it.

    The cyclic garbage collector is switched off first, and what is left is
    frozen at the end.  A season's objects form no reference cycles
    (reference counting frees them), so the collector's passes only re-scan
    them — about a third of scoring the bundled example — and what a command
    reads is bounded by :class:`pbcheck.io.interchange.Limits`.  Callers of
    :func:`main` inside their own process keep their collector.

    A reader that goes away (``pbcheck rank … | head``) ends the command
    quietly with status 1, as Python's documentation advises, not with a
    traceback.
    """
    gc.disable()
    try:
        code = main()
        sys.stdout.flush()  # here, not at exit, where a closed pipe cannot be caught
        # The interpreter collects once more as it exits, collector off or not;
        # frozen objects are left out of that last pass (a tenth of a second).
        gc.freeze()
    except BrokenPipeError:
        # Point stdout at /dev/null so that the flush at exit cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(command())

"""The ``pbcheck`` command line: a thin adapter over the public API."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from pbcheck import _cli_calendar, _cli_demo

__all__ = ["build_parser", "main"]

#: Each subcommand module offers ``add_parser(subparsers)`` which registers the
#: subcommand and sets ``func`` (taking the parsed namespace, returning an exit code).
_SUBCOMMANDS = (_cli_demo, _cli_calendar)


def build_parser() -> argparse.ArgumentParser:
    """The whole parser; the docs render the CLI reference from it."""
    parser = argparse.ArgumentParser(
        prog="pbcheck",
        description="党建工作责任制考核 — party-building work-responsibility assessment.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _SUBCOMMANDS:
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    return func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The ``pbcheck`` command line: a thin adapter over the public API.

One private module per command, each offering ``add_parser(subparsers)``
(which registers the command) and ``run(args)`` (which returns the exit code):

- ``_validate`` — ``pbcheck validate``: check document files, list every problem;
- ``_score`` — ``pbcheck score``: score a season from files into a results document;
- ``_rank`` — ``pbcheck rank``: a results document as ranked tables, or CSV;
- ``_report`` — ``pbcheck report``: a results document as HTML, Excel,
  Markdown, CSV and a 通报 draft;
- ``_calendar`` — ``pbcheck calendar``: the milestones of a cycle, and an .ics;
- ``_demo`` — ``pbcheck demo``: the bundled example, scored and printed;
- ``_schema`` — ``pbcheck schema``: the JSON Schema of a document kind;
- ``_season`` — ``pbcheck season``: run a season as an auditable ledger on a
  store (its reading steps in ``_season_views``, the plan file in
  ``_season_plan``, what they share in ``_season_common``).

What several commands share (reporting problems, loading results, printing a
season) is in ``_shared``; text tables padded by display width, so that
Chinese columns line up, in ``_table``.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
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
    _season,
    _validate,
)

__all__ = ["build_parser", "command", "main"]

#: Each subcommand module offers ``add_parser(subparsers)`` which registers the
#: subcommand and sets ``func`` (taking the parsed namespace, returning an exit code).
_SUBCOMMANDS = (
    _validate,
    _score,
    _rank,
    _report,
    _calendar,
    _demo,
    _schema,
    _season,
)


def build_parser() -> argparse.ArgumentParser:
    """The whole parser; the docs render the CLI reference from it.

    >>> args = build_parser().parse_args(
    ...     ["calendar", "2025", "--kind", "calendar-year"]
    ... )
    >>> args.command, args.year, args.kind
    ('calendar', 2025, 'calendar-year')
    """
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
    """Run the CLI; returns the process exit code.

    >>> main(["calendar", "2025"])  # doctest: -NORMALIZE_WHITESPACE
    2025—2026年度 (2025–2026)  考核期 / period: 2025-05-01 — 2026-04-30
    2025-05-01  考核期开始    Assessment period begins
    2025-11-30  半年自查      Half-year self-check
    2026-04-30  考核期结束    Assessment period ends
    2026-05-01  考评开始      Assessment window opens
    2026-05-31  考评结束      Assessment window closes
    2026-06-15  考评结果公布  Results announced
    2026-06-30  七一表彰      Commendation before July 1 (七一)
    0
    """
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
    traceback.  SIGTERM (what a service manager or ``kill`` sends) is handled
    as Ctrl-C is: either ends the command with one line on stderr and the
    shell's status for the signal (130 or 143), files being written are
    left whole or untouched (:func:`pbcheck.report.write_report`,
    :func:`pbcheck.io.interchange.dump`).

    It is the console script that installing pbcheck puts on the PATH:

    >>> from importlib.metadata import entry_points
    >>> [
    ...     script.value
    ...     for script in entry_points(group="console_scripts", name="pbcheck")
    ... ]
    ['pbcheck.cli:command']
    """
    gc.disable()
    received = signal.SIGINT
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:

        def terminate(signum: int, _frame: object) -> None:
            nonlocal received
            received = signal.Signals(signum)
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, terminate)
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
    except KeyboardInterrupt:
        name = "SIGTERM" if received == signal.SIGTERM else "Ctrl-C"
        sys.stderr.write(f"pbcheck: 已中断 / interrupted ({name})\n")
        return 128 + received
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(command())

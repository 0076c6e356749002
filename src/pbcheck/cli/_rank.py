"""``pbcheck rank``: a results document as ranked tables per series (排名).

Reads the results document written by ``pbcheck score`` (and, with
``--previous``, earlier ones for escalation) and prints one concise table per
series (名次, 总分, 等次, the list marks 表彰 / 后位 / 否决, 单位) and the
escalations; ``--verbose`` adds the parts of each total and the lists with
every reason.  With ``--format csv``, the units table as CSV.
Exit 1, with every problem on stderr, if a file does not load.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pbcheck.cli._shared import load_season, print_season, report_of
from pbcheck.cli._validate import add_limit_option, limits_of
from pbcheck.report import to_csv

if TYPE_CHECKING:
    from pbcheck.cli._shared import SubParsers

__all__ = ["add_parser"]


def add_parser(subparsers: SubParsers) -> None:
    """Register the ``rank`` subcommand on *subparsers*."""
    parser = subparsers.add_parser(
        "rank",
        help="排名 — print a results document as ranked tables per series",
        description=(
            "按系列列出排名、总分、等次和名单（表彰、后位、否决）。 Print one "
            "concise table per series (系列) of a results document written by "
            "`pbcheck score`: rank, total, grade (等次), list marks — 表彰 "
            "(commended), 后位 (bottom list), 否决 (vetoed) — and unit name; "
            "--verbose adds base, bonus and deductions and the lists with every "
            "reason.  With --previous, also the escalations for units at the "
            "bottom several cycles running (连续处于后位)."
        ),
    )
    parser.add_argument(
        "results", type=Path, metavar="RESULTS.json", help="结果文件 / results document"
    )
    parser.add_argument(
        "--previous",
        nargs="+",
        default=[],
        type=Path,
        metavar="OLDER.json",
        help="往年结果文件 / results of earlier cycles, for escalation",
    )
    parser.add_argument(
        "--format",
        choices=("text", "csv"),
        default="text",
        help="输出格式 / text tables (default) or CSV (UTF-8) on stdout",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help=(
            "详细：列出基础分、加分、扣分和各名单的理由 / also base, bonus and "
            "deductions, and every list with its reasons"
        ),
    )
    add_limit_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the season; exit 1 with every problem if a file does not load."""
    loaded = load_season("rank", args.results, args.previous, limits_of(args))
    if loaded is None:
        return 1
    season, history = loaded
    if args.format == "csv":
        report = report_of(season, history)
        # The CSV is meant for Excel, hence its byte-order mark; stdout gets the
        # text, as UTF-8 bytes whatever the locale (LC_ALL=C would make
        # sys.stdout ASCII and turn every 汉字 into "?").
        text = to_csv(report, "units").removeprefix("\ufeff")
        if (binary := getattr(sys.stdout, "buffer", None)) is not None:
            sys.stdout.flush()
            binary.write(text.encode("utf-8"))
        else:  # a text-only stream (io.StringIO): it takes the text as is
            sys.stdout.write(text)
        return 0
    print_season(season, history, concise=not args.verbose)
    return 0

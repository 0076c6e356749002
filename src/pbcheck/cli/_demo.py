"""``pbcheck demo``: the bundled example, scored end to end and printed.

Scores the example seasons of :mod:`pbcheck.examples` up to ``--year`` and
prints the last one as ``pbcheck rank`` would; ``--explain UNIT`` adds one
unit's explanation, ``--out DIR`` writes its report.  Exit 1 if the report
cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pbcheck.cli._shared import print_season, report_of
from pbcheck.errors import MissingExtraError
from pbcheck.examples import (
    EXAMPLE_YEARS,
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)
from pbcheck.io.interchange import Results
from pbcheck.outcomes.history import History

if TYPE_CHECKING:
    from pbcheck.cli._shared import SubParsers

__all__ = ["add_parser"]


def add_parser(subparsers: SubParsers) -> None:
    """Register the ``demo`` subcommand on *subparsers*."""
    parser = subparsers.add_parser(
        "demo",
        help="示例考核 — score the bundled example and print the ranked results",
        description=(
            "Score the bundled example — 90 invented organisations of 江城市直机关 "
            "in three series (系列) — for one cross-year cycle (跨年度考评) and "
            "print the ranked results per series."
        ),
    )
    parser.add_argument(
        "--year",
        type=int,
        choices=EXAMPLE_YEARS,
        default=EXAMPLE_YEARS[-1],
        help="the cycle's first year (考核年度): May YEAR to April YEAR+1",
    )
    parser.add_argument(
        "--explain",
        metavar="UNIT",
        help="also explain one unit's total, down to its records (得分说明)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help=(
            "同时写出考评报告 / also write the report (HTML, Excel, Markdown, CSV, "
            "通报草稿) into DIR"
        ),
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Score the example seasons up to the chosen one; print it, maybe write its report."""
    rubric, tree = example_rubrics(), example_tree()
    seasons = [
        Results.compute(rubric, tree, example_cycle(year), example_evaluations(year))
        for year in EXAMPLE_YEARS
        if year <= args.year
    ]
    history = History([s.outcomes.cycle_result(s.cycle) for s in seasons])
    season = seasons[-1]
    print_season(season, history)
    if args.explain:
        sys.stdout.write(f"\n{season.scorecard(args.explain).explain()}\n")
    if args.out is not None:
        from pbcheck.report import write_report  # noqa: PLC0415 - only with --out

        report = report_of(season, history)
        try:
            written = write_report(report, args.out)
        except (MissingExtraError, OSError) as exc:
            sys.stderr.write(f"pbcheck demo: {exc}\n")
            return 1
        for path in written:
            sys.stderr.write(f"已写入 / wrote {path}\n")
    return 0

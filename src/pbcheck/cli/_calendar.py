"""``pbcheck calendar``: print (or export) the milestones of an assessment cycle.

Reads nothing: the cycle is built from a year and a kind (cross-year or
calendar-year).  Prints the period and one milestone a line (date, Chinese and
English names in columns); ``--ics`` also writes an iCalendar file.  Exit 1 if
that file cannot be written, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pbcheck._files import write_atomic
from pbcheck.cli._table import table
from pbcheck.errors import MissingExtraError
from pbcheck.model.cycle import DEFAULT_ZONE, AssessmentCycle

if TYPE_CHECKING:
    from pbcheck.cli._shared import SubParsers

__all__ = ["add_parser"]

_KINDS = {
    "cross-year": AssessmentCycle.cross_year,
    "calendar-year": AssessmentCycle.calendar_year,
}


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"年份须为整数 / YEAR must be a whole number (got {text!r})"
        ) from None
    if not 1 <= year <= 9997:
        raise argparse.ArgumentTypeError(
            f"年份须在 1–9997 之间 / YEAR must be 1–9997 (got {year})"
        )
    return year


def _zone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ValueError, LookupError):
        raise argparse.ArgumentTypeError(
            f"未知时区 / unknown IANA time zone (got {text!r})"
        ) from None
    return text


def add_parser(subparsers: SubParsers) -> None:
    """Register the ``calendar`` subcommand on *subparsers*."""
    parser = subparsers.add_parser(
        "calendar",
        help="考核时间节点 — list the milestones of an assessment cycle (考核周期)",
        description=(
            "列出一个考核周期的时间节点（半年自查、考评、七一表彰等）。 "
            "List the milestones of an assessment cycle (考核周期): half-year "
            "self-check (半年自查), assessment window (考评), results (考评结果公布) "
            "and commendation (七一表彰), one per line with ISO dates."
        ),
    )
    parser.add_argument(
        "year",
        type=_year,
        metavar="YEAR",
        help="考核期开始的年份 / year in which the assessed period starts, e.g. 2025",
    )
    parser.add_argument(
        "--kind",
        choices=tuple(_KINDS),
        default="cross-year",
        help=(
            "周期类型 / cycle kind: cross-year (跨年度, May–April, assessed in May, "
            "commended before 七一; default) or calendar-year (自然年度, "
            "January–December, assessed in January)"
        ),
    )
    parser.add_argument(
        "--zone",
        type=_zone,
        default=DEFAULT_ZONE,
        help=f"时区 / IANA time zone of the dates (default {DEFAULT_ZONE})",
    )
    parser.add_argument(
        "--ics",
        type=Path,
        metavar="FILE",
        help="同时导出日历文件 / also write the milestones to an iCalendar (.ics) FILE",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the cycle's milestones; write the .ics if asked.  Returns the exit code."""
    cycle: AssessmentCycle = _KINDS[args.kind](args.year, zone=args.zone)
    period = f"{cycle.start.isoformat()} — {cycle.end.isoformat()}"
    lines = [f"{cycle.label_zh} ({cycle.label_en})  考核期 / period: {period}"]
    rows = [(m.date.isoformat(), m.name_zh, m.name_en) for m in cycle.milestones]
    lines += table(rows, "<<<")
    sys.stdout.write("\n".join(lines) + "\n")
    if args.ics is not None:
        from pbcheck.io.ics import milestones_to_ics  # noqa: PLC0415 - optional extra

        try:
            write_atomic(args.ics, milestones_to_ics(cycle))
        except MissingExtraError as exc:
            sys.stderr.write(f"pbcheck calendar: {exc}\n")
            return 1
        except OSError as exc:
            sys.stderr.write(f"pbcheck calendar: 无法写入 / cannot write {exc}\n")
            return 1
        sys.stderr.write(f"已写入 / wrote {args.ics}\n")
    return 0

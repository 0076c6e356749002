"""``pbcheck report``: a results document as HTML, Excel, Markdown, CSV and a 通报 draft.

Reads results documents as ``pbcheck rank`` does and writes the report files
into a directory as one set (:func:`pbcheck.report.write_report`).  Exit 1 if a file does not load,
an extra is missing or a file cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pbcheck.cli._shared import load_season, report_of, report_problems
from pbcheck.errors import InvalidValueError, MissingExtraError, ValidationError
from pbcheck.report import REPORT_FORMATS, write_report

if TYPE_CHECKING:
    from pbcheck.cli._shared import SubParsers

__all__ = ["add_parser"]


def add_parser(subparsers: SubParsers) -> None:
    """Register the ``report`` subcommand on *subparsers*."""
    parser = subparsers.add_parser(
        "report",
        help="考评报告 — write HTML, Excel, Markdown, CSV and a 通报 draft",
        description=(
            "把结果文件写成报告：HTML（含图表）、Excel 工作簿、Markdown、CSV 和通报"
            "草稿。 Write the report of a results document: a self-contained HTML "
            "page with charts, an Excel workbook (a sheet per series and per "
            "unit), Markdown, CSV tables and a draft circular (通报草稿).  The "
            "files are written as one set: a failed, interrupted (Ctrl-C, "
            "SIGTERM) or concurrent run leaves the earlier report or the new "
            "one in DIR, never a mix and no temporary files."
        ),
    )
    parser.add_argument(
        "results", type=Path, metavar="RESULTS.json", help="结果文件 / results document"
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="DIR",
        help="输出目录 / directory for the report files (created if missing)",
    )
    parser.add_argument(
        "--previous",
        nargs="+",
        default=[],
        type=Path,
        metavar="OLDER.json",
        help="往年结果文件 / results of earlier cycles, for escalation (连续处于后位)",
    )
    parser.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=REPORT_FORMATS,
        help=(
            "报告格式，可重复 / a format to write, repeatable "
            f"(default: all of {', '.join(REPORT_FORMATS)})"
        ),
    )
    parser.add_argument(
        "--stem", default="report", help="文件名前缀 / file name stem (default: report)"
    )
    parser.add_argument(
        "--no-charts",
        dest="charts",
        action="store_false",
        help="HTML 不含图表 / leave the charts out of the HTML page",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the report and write its files; exit 1 with the problem otherwise."""
    loaded = load_season("report", args.results, args.previous)
    if loaded is None:
        return 1
    report = report_of(*loaded)
    try:
        written = write_report(
            report,
            args.output,
            formats=tuple(args.formats or REPORT_FORMATS),
            stem=args.stem,
            charts=args.charts,
        )
    except MissingExtraError as exc:
        sys.stderr.write(f"pbcheck report: {exc}\n")
        return 1
    except InvalidValueError as exc:  # a --stem that names no file in DIR
        report_problems("report", args.output, ValidationError("--stem", [exc]))
        return 1
    except OSError as exc:
        sys.stderr.write(f"pbcheck report: 无法写入 / cannot write: {exc}\n")
        return 1
    for path in written:
        sys.stderr.write(f"已写入 / wrote {path}\n")
    return 0

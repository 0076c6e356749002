"""``pbcheck report``: a results document as HTML, Excel, Markdown, CSV and a 通报 draft.

Reads results documents as ``pbcheck rank`` does and writes the report files
into a directory as one set (:func:`pbcheck.report.write_report`); asked with
``--format docx``, also the Word 通报 draft and every unit's 反馈单
(:func:`pbcheck.report.write_docx`, the ``word`` extra).  Exit 1 if a file
does not load, an extra is missing or a file cannot be written.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pbcheck.cli._shared import load_season, report_of, report_problems
from pbcheck.cli._validate import add_limit_option, limits_of
from pbcheck.errors import InvalidValueError, MissingExtraError, ValidationError
from pbcheck.report import REPORT_FORMATS, write_docx, write_report

if TYPE_CHECKING:
    from pbcheck.cli._shared import SubParsers

__all__ = ["add_parser"]

#: The formats ``--format`` takes: the report's, and ``docx`` (Word, only when asked).
_FORMATS = (*REPORT_FORMATS, "docx")


def add_parser(subparsers: SubParsers) -> None:
    """Register the ``report`` subcommand on *subparsers*."""
    parser = subparsers.add_parser(
        "report",
        help="考评报告 — write HTML, Excel, Markdown, CSV and a 通报 draft",
        description=(
            "把结果文件写成报告：HTML（含图表）、Excel 工作簿、Markdown、CSV 和通报"
            "草稿；--format docx 另写 Word 通报草稿和各单位反馈单。 Write the "
            "report of a results document: a self-contained HTML page with "
            "charts, an Excel workbook (a sheet per series and per unit), "
            "Markdown, CSV tables and a draft circular (通报草稿); with "
            "--format docx also the draft circular and every unit's feedback "
            "sheet (反馈单) as Word documents (the `word` extra).  The report "
            "files are written as one set: a failed, interrupted (Ctrl-C, "
            "SIGTERM) or concurrent run leaves the earlier report or the new "
            "one in DIR, never a mix and no temporary files; the Word "
            "documents are a second set, written after it."
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
        choices=_FORMATS,
        help=(
            "报告格式，可重复 / a format to write, repeatable "
            f"(default: all of {', '.join(REPORT_FORMATS)}; docx only when asked)"
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
    word = parser.add_argument_group(
        "Word 文档 / Word documents (--format docx)",
        "通报草稿.docx 和 反馈单-<单位编号>-<单位名称>.docx",
    )
    word.add_argument(
        "--issuer",
        default=None,
        metavar="NAME",
        help="落款单位 / the issuing organisation (a placeholder if not given)",
    )
    word.add_argument(
        "--issued",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="成文日期 / the date of issue (a placeholder if not given)",
    )
    word.add_argument(
        "--addressee",
        default="各直属机关党组织",
        metavar="NAME",
        help="通报主送机关 / the circular's addressee (default: 各直属机关党组织)",
    )
    add_limit_option(parser)
    parser.set_defaults(func=run)


def _day(text: str) -> date:
    """A ``YYYY-MM-DD`` date for ``--issued``; argparse reports anything else."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a date written YYYY-MM-DD (got {text!r})"
        ) from None


def run(args: argparse.Namespace) -> int:
    """Build the report and write its files; exit 1 with the problem otherwise."""
    formats = tuple(dict.fromkeys(args.formats or REPORT_FORMATS))
    word = "docx" in formats
    if word and importlib.util.find_spec("docx") is None:
        # Before anything is read or written: a missing extra leaves DIR as it was.
        error = MissingExtraError("word", "--format docx (Word 通报 and 反馈单)")
        sys.stderr.write(f"pbcheck report: {error}\n")
        return 1
    loaded = load_season("report", args.results, args.previous, limits_of(args))
    if loaded is None:
        return 1
    season = loaded[0]
    report = report_of(*loaded)
    others = tuple(f for f in formats if f != "docx")
    try:
        written = (
            write_report(
                report, args.output, formats=others, stem=args.stem, charts=args.charts
            )
            if others
            else ()
        )
        if word:
            written += write_docx(
                report,
                args.output,
                scorecards=season.scorecards,
                rubric=season.rubric,
                addressee=args.addressee,
                issuer=args.issuer,
                issued=args.issued,
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

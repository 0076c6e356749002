"""Season reports (考评结果报告): HTML, Excel, Markdown, CSV and a draft 通报.

Build a :class:`CycleReport` once from the season's in-memory results, then
render it in any format; every renderer is deterministic (the same inputs
give the same bytes, whatever their order, the hash seed or the locale).

* :func:`to_markdown` — Markdown tables.
* :func:`to_html` — one self-contained page (inline CSS, charts as inline
  SVG with the ``plots`` extra).
* :func:`to_csv` — one table as CSV, UTF-8 with a byte-order mark.
* :func:`to_workbook` / :func:`write_workbook` — an .xlsx workbook (``excel``
  extra).
* :func:`to_circular` — a draft circular (通报草稿).
* :func:`to_circular_docx`, :func:`to_feedback_docx` / :func:`write_docx` —
  the draft 通报 and each unit's 反馈单 (every point lost) as Word documents
  in the official layout (``word`` extra).
* :func:`write_report` — every format into a directory, all or nothing.
* :mod:`pbcheck.report.charts` — the charts as matplotlib Figures for
  notebooks, labelled in Chinese with a CJK font (``plots`` extra).

The HTML page prints on A4 (a title block, page numbers, a page per series,
table headers repeated on each page).

>>> from pbcheck import AssessmentCycle, assess_outcomes
>>> from pbcheck.examples.small import org_tree, scorecards, simple_rubric
>>> tree = org_tree({"党群部门": ["a", "b", "c", "d", "e"]})
>>> cards = scorecards({"a": 95, "b": 88, "c": 80, "d": 75, "e": 60})
>>> report = CycleReport.build(
...     cards,
...     assess_outcomes(cards, tree),
...     tree=tree,
...     rubric=simple_rubric(),
...     cycle=AssessmentCycle.cross_year(2025),
... )
>>> "| 1 | a | 单位a | 95.00 |" in to_markdown(report)
True
"""

from __future__ import annotations

from pbcheck.report._circular import to_circular
from pbcheck.report._csv import CSV_TABLES, CsvTable, to_csv
from pbcheck.report._docx import (
    OfficialFonts,
    report_lost_points,
    to_circular_docx,
    to_feedback_docx,
    write_docx,
)
from pbcheck.report._excel import to_workbook, write_workbook
from pbcheck.report._html import to_html
from pbcheck.report._markdown import to_markdown
from pbcheck.report._model import (
    CycleReport,
    EscalationLine,
    IndicatorLine,
    ItemLine,
    ListEntry,
    SectionLine,
    SeriesTable,
    UnitBreakdown,
    UnitLine,
    UnrankedEntry,
)
from pbcheck.report._write import REPORT_FORMATS, ReportFormat, write_report

__all__ = [
    "CSV_TABLES",
    "REPORT_FORMATS",
    "CsvTable",
    "CycleReport",
    "EscalationLine",
    "IndicatorLine",
    "ItemLine",
    "ListEntry",
    "OfficialFonts",
    "ReportFormat",
    "SectionLine",
    "SeriesTable",
    "UnitBreakdown",
    "UnitLine",
    "UnrankedEntry",
    "report_lost_points",
    "to_circular",
    "to_circular_docx",
    "to_csv",
    "to_feedback_docx",
    "to_html",
    "to_markdown",
    "to_workbook",
    "write_docx",
    "write_report",
    "write_workbook",
]

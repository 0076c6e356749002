"""The report as CSV: one file per table, UTF-8 with a byte-order mark."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Literal, TypeAlias

from pbcheck._text import visible
from pbcheck.errors import InvalidValueError
from pbcheck.report import _tables as t
from pbcheck.report._model import CycleReport

#: The tables :func:`to_csv` can write.
CsvTable: TypeAlias = Literal[
    "units", "sections", "indicators", "items", "escalations", "audit"
]

#: Every table, in the order :func:`~pbcheck.report.write_report` writes them
#: (``audit`` is written too, after these, when the report has an audit trail).
CSV_TABLES: tuple[CsvTable, ...] = (
    "units",
    "sections",
    "indicators",
    "items",
    "escalations",
)

_BUILD: dict[str, Callable[[CycleReport], t.Table]] = {
    "units": t.units_long,
    "sections": t.sections_long,
    "indicators": t.indicators_long,
    "items": t.items,
    "escalations": t.escalations,
    "audit": t.audit,
}

#: Text that a spreadsheet would run as a formula when the file is opened:
#: these signs, in ASCII or full width (Excel and WPS take ＝ for =), even
#: after leading white space or a line break.
_FORMULA_START = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
_LEADING_SPACE = ("\t", "\r", "\n", " ", "\u3000")


def guard_formula(text: str) -> str:
    """*text* with a leading ``'`` if a spreadsheet would run it as a formula.

    >>> guard_formula("=1+1"), guard_formula(" ＝HYPERLINK()"), guard_formula("甲")
    ("'=1+1", "' ＝HYPERLINK()", '甲')
    """
    if text.startswith(_LEADING_SPACE) or text.lstrip().startswith(_FORMULA_START):
        return "'" + text
    return text


def _text(report: CycleReport, cell: t.Cell | t.Ratio) -> str:
    text = t.show(report, cell)
    if isinstance(cell, str):
        # Refused characters as \uXXXX: a line break in a note must not
        # start a row of its own in a reader that is not a spreadsheet.
        return guard_formula(visible(text))
    return text


def to_csv(report: CycleReport, table: CsvTable = "units") -> str:
    r"""One table of the report as CSV text, starting with a byte-order mark.

    Tables: ``units`` (one row per unit: series, rank, scores, grade, flags
    and every reason), ``sections`` (one row per unit and section),
    ``indicators`` (one row per unit and quantified standard), ``items``
    (bonus, deduction and veto items), ``escalations`` and ``audit`` (one
    row per input record with its status, when the report was built with an
    :class:`~pbcheck.scoring.audit.AuditTrail`).

    The text starts with U+FEFF (the UTF-8 byte-order mark once encoded) so
    that Excel opens the Chinese text correctly; rows end with CRLF as RFC
    4180 says.  Numbers are written rounded by the rubric's
    :class:`~pbcheck.RoundingPolicy`, flags as ``是`` or empty.  A text cell
    that a spreadsheet would take for a formula (starting with ``=``, ``+``,
    ``-``, ``@`` or their full-width forms ``＝＋－＠``, possibly after white
    space, or starting with a tab, CR or LF) is written with a leading ``'``,
    so opening the file never runs anything; control, bidi and zero-width
    characters are written as ``\uXXXX`` (see :mod:`pbcheck._text`).

    >>> from pbcheck.report import to_csv
    >>> from pbcheck.examples.small import small_report
    >>> report = small_report({"a": 95, "b": 60})
    >>> text = to_csv(report)
    >>> text.encode("utf-8")[:3], text[1:].splitlines()[1].split(",")[:6]
    (b'\xef\xbb\xbf', ['党群部门', '1', 'a', '单位a', '95.00', '95.00'])
    """
    build = _BUILD.get(table)
    if build is None:
        raise InvalidValueError(
            ("table",), table, f"must be one of {', '.join(_BUILD)}"
        )
    if table == "audit" and report.audit is None:
        raise InvalidValueError(
            ("table",), table, "needs a report built with audit= (an AuditTrail)"
        )
    data = build(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # A partial season says so on every row (a last column), so that no row
    # copied out of the table loses it; a whole season's tables are unchanged.
    extra = ["结果性质"] if report.partial else []
    writer.writerow(
        [guard_formula(visible(header)) for header in [*data.headers, *extra]]
    )
    writer.writerows(
        [*(_text(report, cell) for cell in row), *([report.partial] if extra else [])]
        for row in data.rows
    )
    return "\ufeff" + buffer.getvalue()

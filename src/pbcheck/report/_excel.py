"""The report as an Excel workbook (.xlsx, extra ``excel``), byte for byte reproducible."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable, Mapping
from datetime import datetime, time
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from pbcheck._files import write_atomic
from pbcheck._numbers import MAX_PLACES, RoundingPolicy
from pbcheck._text import visible
from pbcheck.errors import MissingExtraError
from pbcheck.report import _tables as t
from pbcheck.report._model import CycleReport

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

#: Characters Excel refuses in a sheet name.
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
#: Excel counts a sheet name's length in UTF-16 code units, not characters.
_MAX_SHEET = 31
#: A name Excel keeps for itself (the change history of a shared workbook).
_RESERVED_SHEETS = frozenset({"history"})


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, units: int) -> str:
    """The longest start of *text* within *units* UTF-16 code units."""
    while _utf16_len(text) > units:
        text = text[:-1]
    return text


def sheet_name(wanted: str, taken: set[str]) -> str:
    r"""A valid, unique Excel sheet name close to *wanted*; adds it to *taken*.

    Excel allows at most 31 UTF-16 code units (a character outside the Basic
    Multilingual Plane counts twice), none of ``[]:*?/\\``, no leading or
    trailing apostrophe, not the reserved name ``History``, and names that
    differ only in case clash, so *taken* holds the names case-folded.
    Characters refused by :mod:`pbcheck._text` are written as ``\uXXXX``.

    >>> taken = set()
    >>> sheet_name("a/b:c", taken), sheet_name("A_B_C", taken)
    ('a_b_c', 'A_B_C (2)')
    >>> sheet_name("history", taken), len(sheet_name("𠀀" * 20, taken))
    ('history (2)', 15)
    """
    base = _BAD_SHEET_CHARS.sub("_", visible(wanted)).strip().strip("'") or "Sheet"
    base = _cut(base, _MAX_SHEET).strip().strip("'") or "Sheet"
    name, counter = base, 1
    while name.casefold() in taken or name.casefold() in _RESERVED_SHEETS:
        counter += 1
        suffix = f" ({counter})"
        name = _cut(base, _MAX_SHEET - len(suffix)) + suffix
    taken.add(name.casefold())
    return name


def _put(
    sheet: Worksheet, row: int, column: int, value: object, rounding: RoundingPolicy
) -> None:
    cell = sheet.cell(row=row, column=column)
    places = rounding.places
    if isinstance(value, t.Ratio):
        share = RoundingPolicy(places=min(places + 2, MAX_PLACES), mode=rounding.mode)
        cell.value = share.apply(value.value)
        cell.number_format = "0." + "0" * places + "%" if places else "0%"
    elif isinstance(value, Fraction):
        cell.value = rounding.apply(value)
        cell.number_format = "0." + "0" * places if places else "0"
    elif isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
    else:
        # Refused characters as \uXXXX: openpyxl refuses control characters
        # (the whole workbook was lost to one \x01 in a unit name).
        cell.value = visible(str(value))
        # Never let text become a formula: force the string type.
        cell.data_type = "s"


def _write_table(
    sheet: Worksheet, top: int, table: t.Table, report: CycleReport
) -> int:
    from openpyxl.styles import Font  # noqa: PLC0415

    bold = Font(bold=True)
    for column, header in enumerate(table.headers, 1):
        _put(sheet, top, column, header, report.rounding)
        sheet.cell(row=top, column=column).font = bold
    for offset, row in enumerate(table.rows, 1):
        for column, value in enumerate(row, 1):
            _put(sheet, top + offset, column, value, report.rounding)
    return top + len(table.rows) + 1


def _widths(sheet: Worksheet, widths: dict[int, int]) -> None:
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


def to_workbook(report: CycleReport) -> bytes:
    r"""The report as an .xlsx workbook, returned as bytes.

    Sheets: ``总览`` (the facts and the grade counts), one summary sheet per
    series (rank, unit, total, base, bonus, deductions, grade, 表彰 / 后位 /
    一票否决 flags), ``表彰名单``, ``处于后位`` and ``问责整改`` (and
    ``审计记录``, one row per input record, when the report has an audit
    trail), then one sheet per unit with its breakdown (sections; bonus,
    deduction and veto items; every quantified standard with its points and
    reason).
    Headers are Chinese.  Scores are numbers, rounded once by the rubric's
    :class:`~pbcheck.RoundingPolicy` and formatted with that many decimals
    (``0.00``); attainments are percentages.  Sheet names are valid in Excel
    (at most 31 characters, none of ``[]:*?/\\``, unique).  Text is always
    written as text: a unit name such as ``=1+1`` never becomes a formula.

    The bytes are reproducible: document properties are dated by the cycle
    (:attr:`CycleReport.announced`), never by the clock, and every zip entry
    has that fixed date.  Needs the ``excel`` extra (openpyxl).

    >>> from pbcheck.report import to_workbook
    >>> from pbcheck.examples.small import small_report
    >>> report = small_report({"a": 95, "b": 60})
    >>> data = to_workbook(report)
    >>> data[:2], data == to_workbook(report)
    (b'PK', True)
    """
    try:
        from openpyxl import Workbook  # noqa: PLC0415 - optional extra
        from openpyxl.writer.excel import ExcelWriter  # noqa: PLC0415
    except ImportError:
        raise MissingExtraError("excel", "Excel workbooks (.xlsx)") from None

    stamp = datetime.combine(report.announced, time(0, 0))
    book = Workbook()
    props = book.properties
    props.creator = "pbcheck"
    props.lastModifiedBy = "pbcheck"
    props.title = visible(f"{report.title}：{report.cycle.label_zh}考评结果")
    props.created = stamp
    props.modified = stamp
    taken: set[str] = set()

    cover = book.active
    assert cover is not None  # noqa: S101 - a new workbook has a sheet
    cover.title = sheet_name("总览", taken)
    facts = [
        ("考核细则", f"{report.title}（{report.rubric_version}版）"),
        *(
            ("适用细则", f"{title}（{rubric_id}）")
            for rubric_id, title in report.rubric_titles.items()
            if report.rubric_set
        ),
        (
            "考核周期",
            (
                f"{report.cycle.label_zh}（{report.cycle.start.isoformat()} 至 "
                f"{report.cycle.end.isoformat()}）"
            ),
        ),
        ("参评单位", len(report.units)),
        ("系列", len(report.series)),
        (report.commendation_title, len(report.commended)),
        ("考评处于后位", len(report.bottom)),
        ("结果日期", report.announced.isoformat()),
    ]
    for row, (label, value) in enumerate(facts, 1):
        _put(cover, row, 1, label, report.rounding)
        _put(cover, row, 2, value, report.rounding)
    _write_table(cover, len(facts) + 2, t.grade_counts(report), report)
    _widths(cover, {1: 16, 2: 48})

    for table in report.series:
        sheet = book.create_sheet(sheet_name(table.series, taken))
        _write_table(sheet, 1, t.summary(report, table), report)
        sheet.freeze_panes = "A2"
        _widths(sheet, {2: 10, 3: 34})
    for title, listing in (
        ("表彰名单", t.commended(report)),
        ("处于后位", t.bottom(report)),
        ("问责整改", t.escalations(report)),
    ):
        sheet = book.create_sheet(sheet_name(title, taken))
        _write_table(sheet, 1, listing, report)
        _widths(sheet, {4: 30, 5: 60})
    if report.audit is not None:
        sheet = book.create_sheet(sheet_name("审计记录", taken))
        _write_table(sheet, 1, t.audit(report), report)
        sheet.freeze_panes = "A2"
        _widths(sheet, {4: 12, 10: 80})
    for unit in report.units:
        line = unit.line
        sheet = book.create_sheet(sheet_name(f"{line.unit_id} {line.name}", taken))
        head = [
            ("单位编号", line.unit_id),
            ("单位名称", line.name),
            ("系列", line.series),
            *(
                (("考核细则", report.rubric_title(line)),)
                if report.several_rubrics
                else ()
            ),
            ("名次", line.rank),
            ("总分", line.total),
            ("基础分", line.base),
            ("加分", line.bonus),
            ("扣分", line.deductions),
            ("等次", line.grade),
            ("表彰", t.flag(line.commended)),
            ("处于后位", t.flag(line.at_bottom)),
            ("一票否决", t.flag(line.vetoed)),
            ("评先说明", line.commendation_reason),
            ("后位说明", line.bottom_reason),
        ]
        for row, (label, value) in enumerate(head, 1):
            _put(sheet, row, 1, label, report.rounding)
            _put(sheet, row, 2, value, report.rounding)
        below = _write_table(sheet, len(head) + 2, t.sections(unit), report)
        below = _write_table(sheet, below + 1, t.items(report, [unit]), report)
        _write_table(sheet, below + 1, t.indicators(unit), report)
        _widths(sheet, {1: 12, 2: 30, 3: 12, 6: 12})

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return _fixed_zip(raw.getvalue(), stamp)


def _fixed_zip(
    data: bytes,
    stamp: datetime,
    *,
    rewrite: Mapping[str, Callable[[bytes], bytes]] | None = None,
) -> bytes:
    """Re-pack a zip with every entry dated *stamp*, in the same order.

    *rewrite* maps entry names to a function of their bytes (the Word
    writer adds its font fallbacks to ``word/fontTable.xml`` this way).
    """
    rewrite = rewrite or {}
    when = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            content = source.read(info.filename)
            if info.filename in rewrite:
                content = rewrite[info.filename](content)
            target.writestr(entry, content)
    return out.getvalue()


def write_workbook(report: CycleReport, path: str | os.PathLike[str]) -> Path:
    """Write :func:`to_workbook` to *path* atomically; returns the path.

    >>> import tempfile, pathlib
    >>> from pbcheck.report import write_workbook
    >>> from pbcheck.examples.small import small_report
    >>> report = small_report({"a": 95})
    >>> path = write_workbook(report, pathlib.Path(tempfile.mkdtemp()) / "结果.xlsx")
    >>> path.suffix, path.stat().st_size > 0
    ('.xlsx', True)
    """
    return write_atomic(path, to_workbook(report))

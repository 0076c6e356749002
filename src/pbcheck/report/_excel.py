"""The report as an Excel workbook (.xlsx, extra ``excel``), byte for byte reproducible."""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, time
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from pbcheck._files import write_atomic
from pbcheck._numbers import MAX_PLACES, RoundingPolicy
from pbcheck._text import visible
from pbcheck.errors import (
    Id,
    InvalidValueError,
    MissingExtraError,
    UnknownReferenceError,
    _Problems,
)
from pbcheck.report import _tables as t
from pbcheck.report._model import CycleReport
from pbcheck.views.text import official_date, official_span

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from pbcheck.scoring.feedback import LostPoint

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


#: Column widths, in Excel's character units: a CJK character is two.
_MIN_WIDTH, _MAX_WIDTH = 6, 60


def _display_width(text: str) -> int:
    """How many Excel character units *text* needs: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit_columns(sheet: Worksheet) -> None:
    """Width each column to its longest cell (CJK counted double), within limits.

    A cell longer than the widest column wraps instead, so a long reason
    prints on several lines rather than off the page.
    """
    from openpyxl.styles import Alignment  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            width = _display_width(str(cell.value)) + 2
            if width > _MAX_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            column = cell.column
            assert isinstance(column, int)  # noqa: S101 - a cell of a row has one
            widths[column] = max(widths.get(column, _MIN_WIDTH), min(width, _MAX_WIDTH))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


def _print_setup(sheet: Worksheet, *, header_row: int | None = 1) -> None:
    """A4 landscape, fit to one page wide, page numbers; header row frozen, repeated, filtered.

    *header_row* is the row of the sheet's one table's headers (``None`` for a
    sheet of several blocks, which gets no filter, freeze or print titles).
    """
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = sheet.ORIENTATION_LANDSCAPE
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as the rows need
    from openpyxl.worksheet.properties import PageSetupProperties  # noqa: PLC0415

    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    margins = sheet.page_margins
    margins.left = margins.right = 0.5
    margins.top = margins.bottom = 0.75
    footer, header = sheet.oddFooter, sheet.oddHeader
    assert footer is not None  # noqa: S101 - every sheet has them
    assert header is not None  # noqa: S101
    footer.center.text = "第 &P 页，共 &N 页"
    header.center.text = "&A"  # the sheet's name
    if header_row is not None and sheet.max_row >= header_row:
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1).coordinate
        sheet.print_title_rows = f"{header_row}:{header_row}"
        if sheet.max_row > header_row:
            sheet.auto_filter.ref = f"A{header_row}:{sheet.cell(row=sheet.max_row, column=sheet.max_column).coordinate}"


#: Headers of the 失分清单 table (反馈单).
LOST_HEADERS = (
    "单位编号",
    "单位名称",
    "序号",
    "类别",
    "考核内容",
    "指标或事项编号",
    "指标或事项",
    "应得分",
    "实得分",
    "失分",
    "失分原因",
    "依据",
)


def _lost_table(
    report: CycleReport, lost: Mapping[str, Sequence[LostPoint]], units: Sequence[str]
) -> t.Table:
    rows: list[tuple[t.Cell | t.Ratio, ...]] = []
    for unit_id in units:
        name = report.unit(unit_id).line.name
        for number, point in enumerate(lost.get(unit_id, ()), 1):
            scored = point.kind == "indicator"
            rows.append(
                (
                    unit_id,
                    name,
                    number,
                    point.kind_zh,
                    point.section,
                    point.item_id,
                    point.title,
                    point.possible if scored else "",
                    point.earned if scored else "",
                    point.lost,
                    point.reason,
                    "；".join(
                        f"{e.kind} {e.ref}" + (f"（{e.title}）" if e.title else "")
                        for e in point.evidence
                    ),
                )
            )
    return t.Table("lost", "失分清单", LOST_HEADERS, tuple(rows))


def _check_lost(report: CycleReport, lost: Mapping[str, Sequence[LostPoint]]) -> None:
    """Refuse lost points of a unit the report does not hold, or filed under another."""
    problems = _Problems("invalid lost points")
    known = {unit.line.unit_id for unit in report.units}
    for unit_id, points in lost.items():
        if unit_id not in known:
            problems.add(
                UnknownReferenceError(
                    ("lost", Id(unit_id)), unit_id, "is not a unit of the report"
                )
            )
        for number, point in enumerate(points):
            if point.unit_id != unit_id:
                problems.add(
                    InvalidValueError(
                        ("lost", Id(unit_id), number, "unit_id"),
                        point.unit_id,
                        f"must be the unit it is listed under ({unit_id!r})",
                    )
                )
    problems.raise_if_any()


def to_workbook(
    report: CycleReport, *, lost: Mapping[str, Sequence[LostPoint]] | None = None
) -> bytes:
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

    With *lost* (unit id → its :func:`~pbcheck.scoring.lost_points`, e.g.
    :func:`pbcheck.report.report_lost_points`), a ``失分清单`` sheet lists
    every point every unit lost — indicator, amounts, reason and evidence —
    filterable by unit, and each unit's sheet ends with its own 失分清单,
    ready to send back as its 反馈单.

    Raises:
        ValidationError: *lost* names a unit the report does not hold, or
            lists a unit's point under another unit.
        MissingExtraError: without the ``excel`` extra.

    Every sheet prints on A4 landscape, one page wide, with page numbers;
    a sheet holding one table has its header row frozen, repeated on every
    printed page and filtered (自动筛选).  Columns are as wide as their
    longest cell, CJK characters counted double, up to 60 units; longer
    text wraps.

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

    if lost is not None:
        _check_lost(report, lost)
    stamp = datetime.combine(report.announced, time(0, 0))
    book = Workbook()
    props = book.properties
    props.creator = "pbcheck"
    props.lastModifiedBy = "pbcheck"
    props.title = visible(report.heading)
    props.created = stamp
    props.modified = stamp
    taken: set[str] = set()

    cover = book.active
    assert cover is not None  # noqa: S101 - a new workbook has a sheet
    cover.title = sheet_name("总览", taken)
    facts = [
        *([("结果性质", report.partial)] if report.partial else []),
        ("考核细则", f"{report.title}（{report.rubric_version}版）"),
        *(
            ("适用细则", f"{title}（{rubric_id}）")
            for rubric_id, title in report.rubric_titles.items()
            if report.rubric_set
        ),
        (
            "考核周期",
            (
                f"{report.cycle.label_zh}"
                f"（{official_span(report.cycle.start, report.cycle.end)}）"
            ),
        ),
        ("参评单位", len(report.units)),
        ("系列", len(report.series)),
        (report.commendation_title, len(report.commended)),
        ("考评处于后位", len(report.bottom)),
        ("结果日期", official_date(report.announced)),
    ]
    for row, (label, value) in enumerate(facts, 1):
        _put(cover, row, 1, label, report.rounding)
        _put(cover, row, 2, value, report.rounding)
    _write_table(cover, len(facts) + 2, t.grade_counts(report), report)

    for table in report.series:
        sheet = book.create_sheet(sheet_name(table.series, taken))
        _write_table(sheet, 1, t.summary(report, table), report)
    for title, listing in (
        ("表彰名单", t.commended(report)),
        ("处于后位", t.bottom(report)),
        ("问责整改", t.escalations(report)),
    ):
        sheet = book.create_sheet(sheet_name(title, taken))
        _write_table(sheet, 1, listing, report)
    if report.audit is not None:
        sheet = book.create_sheet(sheet_name("审计记录", taken))
        _write_table(sheet, 1, t.audit(report), report)
    order = [line.unit_id for line in report.lines]
    if lost is not None:
        sheet = book.create_sheet(sheet_name("失分清单", taken))
        _write_table(sheet, 1, _lost_table(report, lost, order), report)
    single = set(book.sheetnames[1:])  # every sheet so far but the cover: one table
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
        below = _write_table(sheet, below + 1, t.indicators(unit), report)
        if lost is not None:
            _write_table(
                sheet, below + 1, _lost_table(report, lost, [line.unit_id]), report
            )
    _widths(cover, {1: 16, 2: 48})
    for sheet in book.worksheets:
        if sheet is not cover:
            _fit_columns(sheet)
        _print_setup(sheet, header_row=1 if sheet.title in single else None)

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


def write_workbook(
    report: CycleReport,
    path: str | os.PathLike[str],
    *,
    lost: Mapping[str, Sequence[LostPoint]] | None = None,
) -> Path:
    """Write :func:`to_workbook` (with *lost*) to *path* atomically; returns the path.

    >>> import tempfile, pathlib
    >>> from pbcheck.report import write_workbook
    >>> from pbcheck.examples.small import small_report
    >>> report = small_report({"a": 95})
    >>> path = write_workbook(report, pathlib.Path(tempfile.mkdtemp()) / "结果.xlsx")
    >>> path.suffix, path.stat().st_size > 0
    ('.xlsx', True)
    """
    return write_atomic(path, to_workbook(report, lost=lost))

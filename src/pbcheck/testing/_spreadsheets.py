"""Writing evaluations as spreadsheets, in the layouts :mod:`pbcheck.io.spreadsheets` reads.

For tests and examples: build the rows of a long or wide table with
:func:`spreadsheet_rows`, then write them as CSV (:func:`rows_to_csv`) or as an
Excel workbook (:func:`rows_to_xlsx`, byte-for-byte deterministic).  A record
the layout cannot carry is refused with :class:`ValueError`, never dropped,
unless you ask for a lossy table.

>>> from pbcheck import Evaluation, Observation
>>> rows = spreadsheet_rows([Evaluation("ZF01", [Observation("P1.1.3", True)])])
>>> rows[1][:6]
['ZF01', 'P1.1.3', '考评组', '', True, None]
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pbcheck._numbers import format_exact
from pbcheck.errors import MissingExtraError
from pbcheck.model.evaluation import Evaluation, Observation, Source
from pbcheck.model.rubric import Rubric
from pbcheck.model.rules import ValueRule

__all__ = ["raw_xlsx", "rows_to_csv", "rows_to_xlsx", "spreadsheet_rows"]

#: A cell as written: text, a judgement, a number, a date, or empty.
Cell = str | bool | int | Fraction | date | None

#: The fixed timestamp stamped into every workbook, so that bytes repeat.
WORKBOOK_TIME = datetime(2026, 1, 1)  # noqa: DTZ001 - Excel's core properties are naive UTC

_LONG = ["单位编码", "指标编码", "评分来源", "评分人", "得分", "日期", "备注", "依据"]
_WIDE = ["单位编码", "评分来源", "评分人", "日期"]


def _check_text(what: str, text: str, *, may_be_empty: bool = True) -> None:
    if text != text.strip() or text.startswith("=") or (not text and not may_be_empty):
        msg = f"{what} {text!r} would not read back as written"
        raise ValueError(msg)


def _check(observation: Observation, unit_id: str, *, lossy: bool, long: bool) -> None:
    _check_text("unit id", unit_id, may_be_empty=False)
    _check_text("indicator id", observation.indicator_id, may_be_empty=False)
    _check_text("rater", observation.rater)
    if observation.note.lstrip().startswith("="):
        msg = f"note {observation.note!r} would read as a formula"
        raise ValueError(msg)
    if isinstance(observation.recorded_at, datetime):
        msg = f"{observation.indicator_id}: a spreadsheet carries dates, not times"
        raise ValueError(msg)  # noqa: TRY004 - a value error about a valid type
    if lossy:
        return
    if not long and (observation.note or observation.evidence):
        msg = (
            f"{unit_id}/{observation.indicator_id}: the wide layout carries no notes "
            "or evidence (pass lossy=True to leave them out)"
        )
        raise ValueError(msg)
    for evidence in observation.evidence:
        if evidence.kind != "document" or evidence.title or "\n" in evidence.ref:
            msg = f"{evidence!r}: only untitled 'document' references are written"
            raise ValueError(msg)
        _check_text("evidence", evidence.ref, may_be_empty=False)


def spreadsheet_rows(  # noqa: PLR0913 - keyword-only options
    evaluations: Iterable[Evaluation],
    rubric: Rubric | None = None,
    *,
    layout: Literal["long", "wide"] = "long",
    headers: Literal["id", "title"] = "id",
    unit_names: Mapping[str, str] | None = None,
    lossy: bool = False,
) -> list[list[Cell]]:
    """The header and data rows of a long or wide table of *evaluations*' observations.

    Activities and incidents are not part of either layout and are left out.
    The long layout carries every field of an observation (dates, notes,
    untitled ``document`` evidence, one reference per line); the wide layout
    has one row per unit × source × rater × date and one column per value
    indicator of *rubric* (required), headed by its id or title; notes and
    evidence are refused there unless *lossy*.  With *unit_names*, a
    ``单位名称`` column follows the unit's id.

    Raises:
        ValueError: an observation the layout cannot carry as it is.

    >>> from pbcheck import Evaluation, Observation
    >>> from pbcheck.examples import example_rubric
    >>> evaluation = Evaluation("ZF01", [Observation("A1.1.2", False, rater="甲")])
    >>> rows = spreadsheet_rows([evaluation], example_rubric(), layout="wide")
    >>> rows[0][:6], rows[1][:6]
    (['单位编码', '评分来源', '评分人', '日期', 'A1.1.1', 'A1.1.2'], ['ZF01', '考评组', '甲', None, None, False])
    """
    names = unit_names or {}
    named = ["单位名称"] if unit_names is not None else []
    evaluations = list(evaluations)
    if layout == "long":
        rows: list[list[Cell]] = [[_LONG[0], *named, *_LONG[1:]]]
        for evaluation in evaluations:
            for observation in evaluation.observations:
                _check(observation, evaluation.unit_id, lossy=lossy, long=True)
                refs = "\n".join(e.ref for e in observation.evidence)
                rows.append(
                    [
                        evaluation.unit_id,
                        *([names.get(evaluation.unit_id, "")] if named else []),
                        observation.indicator_id,
                        observation.source.label_zh,
                        observation.rater,
                        observation.value,
                        observation.recorded_at,
                        (observation.note or None) if not lossy else None,
                        (refs or None) if not lossy else None,
                    ]
                )
        return rows
    if rubric is None:
        msg = "the wide layout needs the rubric for its indicator columns"
        raise ValueError(msg)
    indicators = [
        indicator
        for indicator in (*rubric.indicators(), *rubric.bonus.indicators)
        if isinstance(indicator.rule, ValueRule)
    ]
    position = {indicator.id: n for n, indicator in enumerate(indicators)}
    header: list[Cell] = [_WIDE[0], *named, *_WIDE[1:]]
    header += [i.id if headers == "id" else i.title for i in indicators]
    rows = [header]
    for evaluation in evaluations:
        groups: dict[tuple[Source, str, object], list[list[Cell]]] = {}
        for observation in evaluation.observations:
            _check(observation, evaluation.unit_id, lossy=lossy, long=False)
            if observation.indicator_id not in position:
                msg = (
                    f"{observation.indicator_id!r} is no value indicator of the rubric"
                )
                raise ValueError(msg)
            key = (observation.source, observation.rater, observation.recorded_at)
            slot = len(header) - len(indicators) + position[observation.indicator_id]
            group = groups.setdefault(key, [])
            for row in group:
                if row[slot] is None:
                    row[slot] = observation.value
                    break
            else:
                fixed: list[Cell] = [
                    evaluation.unit_id,
                    *([names.get(evaluation.unit_id, "")] if named else []),
                    observation.source.label_zh,
                    observation.rater,
                    observation.recorded_at,
                ]
                row = fixed + [None] * len(indicators)
                row[slot] = observation.value
                group.append(row)
        for group in groups.values():
            rows += group
    return rows


def _csv_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "达标" if cell else "未达标"
    if isinstance(cell, Fraction):
        return format_exact(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def rows_to_csv(
    rows: Sequence[Sequence[Cell]], *, encoding: str = "utf-8", bom: bool = False
) -> bytes:
    r"""Rows as CSV bytes, as Excel writes them (comma, quoted when needed, CRLF).

    Judgements are written ``达标``/``未达标``; exact numbers as decimals, or
    ``a/b`` when no decimal is exact; dates as ``2026-05-12``.

    >>> rows_to_csv([["单位编码", "得分"], ["ZF01", Fraction(1, 3)]]).decode()
    '单位编码,得分\r\nZF01,1/3\r\n'
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_text(cell) for cell in row])
    return ("\ufeff" if bom else "").encode(encoding) + buffer.getvalue().encode(
        encoding
    )


def _excel_value(cell: Cell) -> object:
    """Numbers Excel can hold exactly as numbers, others as text (``1/3``)."""
    if isinstance(cell, Fraction):
        shown = format_exact(cell)
        if "/" in shown or len(Decimal(shown).normalize().as_tuple().digits) > 15:
            return shown
        return Decimal(shown)
    return cell


_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def rows_to_xlsx(rows: Sequence[Sequence[Cell]], *, sheet: str = "评分表") -> bytes:
    """Rows as an ``.xlsx`` workbook with one sheet; the same rows give the same bytes.

    Judgements become boolean cells, whole numbers integer cells, decimals
    numeric cells (text such as ``1/3`` when no decimal of up to 15 digits is
    exact), dates date cells.  The workbook's created/modified times and the
    zip entries' times are fixed (2026-01-01 in the core properties, 1980-01-01 in the zip).

    >>> data = rows_to_xlsx([["单位编码", "得分"], ["ZF01", Fraction(17, 2)]])
    >>> data == rows_to_xlsx([["单位编码", "得分"], ["ZF01", Fraction(17, 2)]])
    True
    """
    try:
        from openpyxl import Workbook  # noqa: PLC0415 - optional extra
    except ImportError:
        raise MissingExtraError("excel", "writing .xlsx workbooks") from None
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None  # noqa: S101 - a new workbook has one sheet
    worksheet.title = sheet
    for row in rows:
        worksheet.append([_excel_value(cell) for cell in row])
    workbook.properties.created = WORKBOOK_TIME
    workbook.properties.modified = WORKBOOK_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    stamp = WORKBOOK_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            payload = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _CORE_TIMES.sub(rb"\g<1>" + stamp + rb"\g<3>", payload)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, payload)
    return out.getvalue()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def raw_xlsx(
    sheet: str | bytes,
    *,
    shared: bytes | None = None,
    shared_name: str = "xl/sharedStrings.xml",
    styles: bytes | None = None,
) -> bytes:
    """An .xlsx archive with one sheet (评分表) and the parts given, written by hand.

    Each part is taken as it is, so a test or benchmark can make it as hostile
    as an attacker would (openpyxl would not write such parts): millions of
    shared strings, a style table out of proportion, a cell at XFD1048576.
    *sheet* is the worksheet's XML; *shared* the shared-strings part (under
    *shared_name*); *styles* the styles part.

    >>> from pbcheck.io.spreadsheets import read_evaluations
    >>> from pbcheck.examples.small import simple_rubric
    >>> cell = lambda ref, text: (
    ...     f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    ... )
    >>> sheet = (
    ...     '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    ...     f'<sheetData><row r="1">{cell("A1", "单位编码")}{cell("B1", "指标编码")}'
    ...     f'{cell("C1", "得分")}</row><row r="2">{cell("A2", "ZF01")}{cell("B2", "i")}'
    ...     '<c r="C2"><v>88</v></c></row></sheetData></worksheet>'
    ... )
    >>> imported = read_evaluations(
    ...     raw_xlsx(sheet), simple_rubric(), file_format="xlsx"
    ... )
    >>> imported.evaluations[0].observations[0].value
    88
    """
    types = [
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>',
        (
            f'<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{_TYPE}.worksheet+xml"/>'
        ),
    ]
    rels = [
        (
            f'<Relationship Id="rId1" Type="{_RELS}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
        )
    ]
    parts: dict[str, bytes] = {
        "xl/worksheets/sheet1.xml": sheet.encode() if isinstance(sheet, str) else sheet
    }
    if shared is not None:
        types.append(
            f'<Override PartName="/{shared_name}" '
            f'ContentType="{_TYPE}.sharedStrings+xml"/>'
        )
        rels.append(
            f'<Relationship Id="rId2" Type="{_RELS}/sharedStrings" '
            f'Target="/{shared_name}"/>'
        )
        parts[shared_name] = shared
    if styles is not None:
        rels.append(
            f'<Relationship Id="rId3" Type="{_RELS}/styles" Target="styles.xml"/>'
        )
        parts["xl/styles.xml"] = styles
    parts["[Content_Types].xml"] = (
        f'<Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(types)
        + "</Types>"
    ).encode()
    parts["_rels/.rels"] = (
        f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
        f'Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ).encode()
    parts["xl/workbook.xml"] = (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
        '<sheet name="评分表" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ).encode()
    parts["xl/_rels/workbook.xml.rels"] = (
        f'<Relationships xmlns="{_PKG}/relationships">'
        + "".join(rels)
        + "</Relationships>"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()

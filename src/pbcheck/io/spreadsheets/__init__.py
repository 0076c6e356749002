r"""Importing evaluations from CSV files and Excel workbooks (导入考评表).

Party offices keep scores in spreadsheets of two shapes; :func:`read_evaluations`
reads either into :class:`~pbcheck.model.evaluation.Evaluation` objects, one per
unit, in the order units first appear.

**long** (长表) — one row per unit × indicator × rater::

    单位编码  指标编码  评分来源  评分人    得分  日期        备注  依据
    ZF01     P1.1.2    考评组    考评组甲  0.8   2026-05-12

**wide** (宽表) — one row per unit (and source and rater), one column per
indicator; the header of an indicator column is its id (``P1.1.2``) or its
title in the rubric (``党员学习笔记规范完整``)::

    单位编码  评分来源  评分人    日期        P1.1.1  P1.1.2  P1.1.3
    ZF01     考评组    考评组甲  2026-05-12  11      0.8     达标

Headers are matched after trimming surrounding spaces, the fixed ones
case-insensitively; :class:`ColumnMapping` names them (Chinese by default,
English aliases such as ``unit``, ``indicator``, ``source``, ``rater``,
``value``/``score``, ``date``, ``note``, ``evidence`` accepted).  Only
``单位编码``, and in the long layout ``指标编码`` and ``得分``, are required;
without a ``评分来源`` column every score is the assessment team's (考评组),
without ``评分人`` raters are unnamed.  Columns such as ``序号`` or ``单位名称``
are skipped when listed in ``ColumnMapping.ignored`` (they are by default);
any other unknown header is an error, so that a misspelt indicator is never
dropped.

**How cells are read.**  Nothing is guessed and nothing is fixed silently:

* Numbers become exact values: text goes through
  :func:`pbcheck._numbers.to_exact` (``85``, ``8.5``, ``1/3``); whole numbers
  stay :class:`int`, the rest are :class:`~fractions.Fraction`.  A numeric
  Excel cell arrives from openpyxl as a binary float; it is read as the
  shortest decimal that converts back to the same float (its ``repr``:
  ``0.1`` → 1/10), which is exactly what was typed for any number of up to 15
  significant digits.  A float needing more digits (``85.33333333333333``,
  the cached result of ``=AVERAGE(...)``) is refused: type the exact value as
  text (``256/3``).  Integer cells stay integers.  A numeric cell formatted
  as a percentage (it shows ``85%`` but holds ``0.85``) is refused like the
  text ``85%``: what was seen is not what the cell holds.
* **Normalisations**, accepted and *reported* in
  :attr:`EvaluationImport.normalisations` with the cell, what was written and
  what was read: surrounding spaces (including full-width and non-breaking
  spaces) are trimmed from every cell except notes; full-width digits and
  the full-width ``．＋－／`` in a number are read as ASCII (``８５`` → 85).
* **Refused**, with a message saying what to write: percentages (``85%`` is
  ambiguous between 85 points and 85% of the indicator's maximum for a
  direct score, and for a measured value the rule's target is written without
  ``%``: write ``85``), thousands separators (``1,200``: write ``1200``),
  Chinese numerals (``八十五``: write ``85``), numbers with a unit
  (``85分``), other text, negative numbers, scores above the indicator's
  maximum, fractional counts — every value the indicator's rule cannot score.
* Pass/fail (达标) indicators read ``达标/未达标``, ``是/否``, ``合格/不合格``,
  ``通过/未通过``, ``✓/✗`` (also ``✔ √ / ✘ ×``), ``TRUE/FALSE`` (any case) and
  Excel's boolean cells.  Numbers are refused: ``1`` could mean one point.
* An indicator that does not apply to the unit (合理缺项) is written
  ``合理缺项：原因`` or ``不适用：原因`` in its value cell (in the long layout
  the reason may stand in 备注 instead); it becomes a
  :class:`~pbcheck.model.evaluation.NotApplicable` marker.  Without a reason
  the cell is refused.  Several rater rows may mark the same indicator with
  the same reason; a different reason is an error naming both cells.
* Sources are written as :class:`~pbcheck.model.evaluation.Source` values
  (``team``) or their Chinese labels (``考评组``, ``自评``, ``部门评议``,
  ``明察暗访``, ``电子台账``); with a ``评分来源`` column every row must fill
  it in.
* Dates are Excel date cells or text ``2026-05-12`` / ``2026/5/12``; a time
  of day is refused (spreadsheets carry no time zone).  Evidence (依据, long
  layout only) holds one reference per line, each read as
  ``Evidence("document", ref)``.  Notes (备注) are kept exactly as written.
* Formulas are never evaluated.  An Excel formula cell is read through its
  cached value (``data_only``); one without a cached value is an error, as
  is an Excel error value (``#DIV/0!``) and any text cell starting with
  ``=`` (a formula pasted into a CSV file).
* A cell holding only spaces is empty.  In the wide layout an empty
  indicator cell records nothing.  Rows whose cells are all empty are
  skipped and listed in :attr:`EvaluationImport.rows_skipped` (empty rows
  after the last row with data simply end the table).  Merged cells (xlsx)
  are refused: each row must carry its own values.
* CSV files are read with the standard :mod:`csv` module (comma-separated,
  Excel quoting), as UTF-8 with or without a byte-order mark unless
  ``encoding`` says otherwise (``encoding="gbk"`` for files saved by Excel on
  Chinese Windows; a file that is not UTF-8 fails with that hint).  Rows of a
  CSV file are numbered as a spreadsheet program shows them: the n-th record
  is row n.

Every problem of a file — unknown units (with ``tree``) or indicators,
values, duplicate rows (same unit × indicator × source × rater), missing or
duplicate headers — is gathered into one
:class:`~pbcheck.errors.ValidationError`; each
:class:`~pbcheck.errors.Problem` names its cell as ``评分表!D12 (党建述职)``
(Excel) or ``scores.csv:12:D (党建述职)`` (CSV) and carries the value as
written.  Nothing is returned half-imported.

>>> from pbcheck.examples import example_rubric
>>> table = "单位编码,指标编码,评分人,得分\nZF01,A2.1.2,考评组甲,0.8\nZF01,A1.1.2,考评组甲,达标\n"
>>> result = read_evaluations(table.encode(), example_rubric(), file_format="csv")
>>> [(o.indicator_id, o.value) for o in result.evaluations[0].observations]
[('A2.1.2', Fraction(4, 5)), ('A1.1.2', True)]
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Literal

import attrs

from pbcheck.errors import (
    DuplicateIdError,
    InvalidValueError,
    Problem,
    UnknownReferenceError,
    _Problems,
)
from pbcheck.io.spreadsheets import _values
from pbcheck.io.spreadsheets._grid import (
    CellError,
    CellRef,
    Grid,
    Limits,
    Percent,
    RawValue,
    Uncached,
    cell_place,
    csv_grid,
    load_bytes,
    xlsx_grid,
)
from pbcheck.io.spreadsheets._template import ScoreSheet, score_sheet
from pbcheck.model.evaluation import (
    Evaluation,
    Evidence,
    NotApplicable,
    Observation,
    Source,
)
from pbcheck.model.org import OrgTree
from pbcheck.model.rubric import Indicator, Rubric
from pbcheck.model.rules import _is_value_rule

__all__ = [
    "CellRef",
    "ColumnMapping",
    "EvaluationImport",
    "Limits",
    "Normalisation",
    "ScoreSheet",
    "read_evaluations",
    "score_sheet",
]

Layout = Literal["long", "wide"]
FileFormat = Literal["csv", "xlsx"]


def _headers(value: str | Iterable[str]) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value)
    if not names or not all(isinstance(n, str) and n.strip() for n in names):
        raise InvalidValueError(
            ("columns",), value, "must be a header or a non-empty list of headers"
        )
    return names


def _ignored(value: str | Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


#: The fields a column can hold, in the order their columns are written.
FIELDS = ("unit", "indicator", "source", "rater", "value", "date", "note", "evidence")


@attrs.frozen
class ColumnMapping:
    """Which header names which field; each field accepts several spellings.

    Give a header or a list of headers per field to replace the defaults,
    e.g. ``ColumnMapping(unit="单位代码")``.  Headers are compared after
    trimming surrounding spaces, case-insensitively.

    Args:
        unit: the unit's id (单位编码); required.
        indicator: the indicator's id or title (指标编码); required in the
            long layout.
        source: who recorded the score (评分来源); optional.
        rater: who exactly (评分人); optional.
        value: the score, measured value, count or judgement (得分);
            required in the long layout.
        date: when it was recorded (日期); optional.
        note: free text (备注), long layout only; optional.
        evidence: references, one per line (依据), long layout only; optional.
        ignored: headers of columns to skip, e.g. ``单位名称``.

    >>> ColumnMapping(unit=["单位代码", "code"]).unit
    ('单位代码', 'code')
    """

    unit: tuple[str, ...] = attrs.field(
        default=("单位编码", "unit", "unit_id"), converter=_headers
    )
    indicator: tuple[str, ...] = attrs.field(
        default=("指标编码", "indicator", "indicator_id"), converter=_headers
    )
    source: tuple[str, ...] = attrs.field(
        default=("评分来源", "source"), converter=_headers
    )
    rater: tuple[str, ...] = attrs.field(
        default=("评分人", "rater"), converter=_headers
    )
    value: tuple[str, ...] = attrs.field(
        default=("得分", "value", "score"), converter=_headers
    )
    date: tuple[str, ...] = attrs.field(
        default=("日期", "date", "recorded_at"), converter=_headers
    )
    note: tuple[str, ...] = attrs.field(default=("备注", "note"), converter=_headers)
    evidence: tuple[str, ...] = attrs.field(
        default=("依据", "evidence"), converter=_headers
    )
    ignored: tuple[str, ...] = attrs.field(
        default=("序号", "单位名称", "指标名称", "no", "unit_name", "indicator_title"),
        converter=_ignored,
    )

    def field_of(self, header: str) -> str | None:
        """The field a header names (``"unit"``, ``"value"``, …), or ``None``.

        >>> ColumnMapping().field_of(" 得分 "), ColumnMapping().field_of("Score")
        ('value', 'value')
        """
        wanted = header.strip().casefold()
        for field in FIELDS:
            if any(name.strip().casefold() == wanted for name in getattr(self, field)):
                return field
        return None

    def is_ignored(self, header: str) -> bool:
        """Whether the column is skipped.

        >>> ColumnMapping().is_ignored("单位名称")
        True
        """
        wanted = header.strip().casefold()
        return any(name.strip().casefold() == wanted for name in self.ignored)


@attrs.frozen
class Normalisation:
    """A value accepted only after an explicit, reported change.

    Args:
        cell: where it was.
        original: what the cell held.
        result: what was read.
        reason: what was done, e.g. ``full-width characters to ASCII``.

    >>> ref = CellRef("评分表", 5, 5, "得分")
    >>> str(Normalisation(ref, "８５", "85", "full-width characters to ASCII"))
    "评分表!E5 (得分): '８５' read as '85' (full-width characters to ASCII)"
    """

    cell: CellRef
    original: str
    result: str
    reason: str

    def __str__(self) -> str:
        return f"{self.cell}: {self.original!r} read as {self.result!r} ({self.reason})"


@attrs.frozen
class EvaluationImport:
    """What :func:`read_evaluations` read from one sheet.

    Args:
        evaluations: one per unit, in the order units first appear.
        normalisations: every value accepted only after a normalisation.
        rows_read: data rows below the header that were read (empty ones not
            counted).
        rows_skipped: the empty rows that were skipped, by row.

    >>> EvaluationImport((), (), 0, ()).rows_read
    0
    """

    evaluations: tuple[Evaluation, ...]
    normalisations: tuple[Normalisation, ...]
    rows_read: int
    rows_skipped: tuple[CellRef, ...]


def read_evaluations(  # noqa: PLR0913 - every argument is keyword-only and optional
    source: str | os.PathLike[str] | bytes,
    rubric: Rubric,
    *,
    layout: Layout = "long",
    columns: ColumnMapping | None = None,
    file_format: FileFormat | None = None,
    sheet: str | None = None,
    header_row: int = 1,
    encoding: str | None = None,
    tree: OrgTree | None = None,
    limits: Limits | None = None,
) -> EvaluationImport:
    r"""Read a season's scores from a CSV file or an Excel workbook.

    Args:
        source: a path, or the file's bytes (then ``file_format`` is required).
        rubric: the rubric the scores belong to; each value is read and
            checked by its indicator's rule.
        layout: ``"long"`` (one row per unit × indicator × rater) or
            ``"wide"`` (one column per indicator); see the module docs.
        columns: the headers; :class:`ColumnMapping` defaults otherwise.
        file_format: ``"csv"`` or ``"xlsx"``; by default from the suffix.
        sheet: the workbook's sheet; the first one by default.
        header_row: the 1-based row holding the headers; rows above it
            (a title, say) are not read.
        encoding: a CSV file's text encoding; UTF-8 (with or without BOM) by
            default.  Use ``"gbk"`` for files saved by Excel on Chinese
            Windows.
        tree: when given, every unit must be in it.
        limits: bounds on file size, rows, columns and the parts of a
            workbook (:class:`Limits`); a file is never read past
            ``max_bytes``, whatever its size claims.

    Returns:
        The evaluations (observations only), the normalisations applied, and
        the rows read and skipped.

    Raises:
        pbcheck.errors.ValidationError: every problem of the file, each
            naming its cell, header and value; or the file cannot be read
            (missing, a directory), is too large, or is not CSV / .xlsx.
        pbcheck.errors.MissingExtraError: an ``.xlsx`` file without the
            ``excel`` extra (openpyxl).

    >>> import tempfile, pathlib
    >>> from pbcheck.examples import example_rubric
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "宽表.csv").write_text(
    ...     "单位编码,评分人,党员学习笔记规范完整,A1.1.2\nZF01,考评组甲, ０.８ ,否\n",
    ...     encoding="utf-8-sig",
    ... )
    >>> result = read_evaluations(folder / "宽表.csv", example_rubric(), layout="wide")
    >>> [str(n) for n in result.normalisations]  # doctest: +NORMALIZE_WHITESPACE
    ["宽表.csv:2:C (党员学习笔记规范完整): ' ０.８ ' read as '０.８' (trimmed surrounding spaces)",
     "宽表.csv:2:C (党员学习笔记规范完整): '０.８' read as '0.8' (full-width characters to ASCII)"]
    """
    limits = Limits() if limits is None else limits
    columns = ColumnMapping() if columns is None else columns
    if layout not in ("long", "wide"):
        raise InvalidValueError(("layout",), layout, "must be 'long' or 'wide'")
    if header_row < 1:
        raise InvalidValueError(("header_row",), header_row, "must be ≥ 1")
    if isinstance(source, bytes):
        name = f"<{file_format or 'bytes'}>"
    else:
        name = Path(source).name
        if file_format is None:
            suffix = Path(source).suffix.lower()
            if suffix in (".csv", ".xlsx"):
                file_format = "csv" if suffix == ".csv" else "xlsx"
    if file_format not in ("csv", "xlsx"):
        raise InvalidValueError(
            ("file_format",),
            file_format,
            "must be 'csv' or 'xlsx' (from the file's suffix, or given explicitly "
            "for bytes); save an old .xls workbook as .xlsx first",
        )
    data = load_bytes(
        source if isinstance(source, bytes) else Path(source), name, limits
    )
    if file_format == "csv":
        grid = csv_grid(data, name, encoding, limits)
    else:
        grid = xlsx_grid(data, name, sheet, limits)
    reader = _SheetReader(grid, rubric, columns, layout, tree, header_row)
    rows = grid.rows
    try:
        return reader.read(rows)
    finally:
        if hasattr(rows, "close"):
            rows.close()


_FREQUENCY = (
    "is a frequency indicator, scored from dated activity records (三会一课 and "
    "the like), not from a spreadsheet score"
)
_Converter = Callable[[RawValue, list[_values.Note]], object]


@attrs.define
class _Column:
    number: int
    header: str
    field: str | None = None  # a fixed field
    indicator: Indicator | None = None  # an indicator column (wide)


class _SheetReader:
    """One pass over a grid: headers, then rows into observations."""

    def __init__(  # noqa: PLR0913, PLR0917 - internal, called once above
        self,
        grid: Grid,
        rubric: Rubric,
        columns: ColumnMapping,
        layout: Layout,
        tree: OrgTree | None,
        header_row: int,
    ) -> None:
        self.grid = grid
        self.rubric = rubric
        self.mapping = columns
        self.layout = layout
        self.tree = tree
        self.header_row = header_row
        self.problems = _Problems(f"cannot import evaluations from {grid.title}")
        self.normalisations: list[Normalisation] = []
        self.columns: list[_Column] = []
        self.fixed: dict[str, _Column] = {}
        self.by_header: dict[str, Indicator] = self._indicator_headers()
        self.observations: dict[str, list[Observation]] = {}
        # 合理缺项 cells per unit and indicator, with the first cell marking it.
        self.marked: dict[str, dict[str, tuple[NotApplicable, CellRef]]] = {}
        self.seen: dict[tuple[str, str, Source, str], CellRef] = {}
        self.unread: set[int] = set()  # ignored columns and those already reported

    def _indicator_headers(self) -> dict[str, Indicator]:
        """Indicators by id and by title; a title shared by two maps to neither."""
        indicators = [*self.rubric.indicators(), *self.rubric.bonus.indicators]
        titles: dict[str, list[Indicator]] = {}
        for indicator in indicators:
            titles.setdefault(indicator.title.strip(), []).append(indicator)
        found = {t: found[0] for t, found in titles.items() if len(found) == 1}
        found.update({indicator.id: indicator for indicator in indicators})
        return found

    def ref(self, row: int, column: _Column | int | None) -> CellRef:
        if isinstance(column, _Column):
            return CellRef(
                self.grid.name, row, column.number, column.header, self.grid.style
            )
        return CellRef(self.grid.name, row, column, None, self.grid.style)

    def add(self, problem: Problem) -> None:
        self.problems.add(problem)

    def problem(self, ref: CellRef, value: object, message: str) -> None:
        self.add(InvalidValueError(cell_place(ref), _written(value), message))

    # -- headers -----------------------------------------------------------

    def read(
        self, rows: Iterator[tuple[int, tuple[RawValue, ...]]]
    ) -> EvaluationImport:
        self._check_merges()
        header: tuple[RawValue, ...] | None = None
        rows_read = 0
        skipped: list[CellRef] = []
        pending: list[CellRef] = []
        for number, cells in rows:
            if number < self.header_row:
                continue
            if number == self.header_row:
                header = cells
                if not self._read_header(cells):
                    break
                continue
            if all(_blank(cell) for cell in cells):
                pending.append(self.ref(number, None))
                continue
            skipped += pending
            pending = []
            rows_read += 1
            self._read_row(number, cells)
        if header is None:
            self.problem(
                self.ref(self.header_row, None),
                None,
                "the header row is missing: the sheet has fewer rows",
            )
        self.problems.raise_if_any()
        evaluations = tuple(
            Evaluation(
                unit,
                observations,
                not_applicable=[
                    marker for marker, _ in self.marked.get(unit, {}).values()
                ],
            )
            for unit, observations in self.observations.items()
        )
        return EvaluationImport(
            evaluations, tuple(self.normalisations), rows_read, tuple(skipped)
        )

    def _check_merges(self) -> None:
        for top, left, bottom, right in self.grid.merges:
            if bottom < self.header_row:
                continue  # a title above the table
            where = f"{_cell(left, top)}:{_cell(right, bottom)}"
            if top <= self.header_row:
                self.problem(
                    CellRef(self.grid.name, top, left, None, "xlsx"),
                    where,
                    "is a merged header cell; unmerge it so that every column "
                    "has its own header",
                )
            else:
                self.add(
                    InvalidValueError(
                        cell_place(f"{self.grid.name}!{where}"),
                        where,
                        "is a merged range; unmerge it and fill every row in",
                    )
                )

    def _read_header(self, cells: tuple[RawValue, ...]) -> bool:
        notes: list[_values.Note] = []
        found: list[str] = []
        owners: dict[str, _Column] = {}
        for number, raw in enumerate(cells, 1):
            if raw is None:
                continue
            try:
                header = _values.text(raw, notes)
            except _values.CellProblem as problem:
                self.problem(
                    self.ref(self.header_row, number), raw, f"header {problem}"
                )
                self.unread.add(number)
                continue
            if not header:
                continue
            found.append(header)
            column = _Column(number, header)
            ref = self.ref(self.header_row, column)
            self.unread.add(number)
            if self.mapping.is_ignored(header):
                continue
            column.field = self.mapping.field_of(header)
            key = f"field:{column.field}" if column.field else ""
            if column.field is None and self.layout == "wide":
                column.indicator = self.by_header.get(header)
                key = f"indicator:{column.indicator.id}" if column.indicator else ""
            if column.field in ("note", "evidence") and self.layout == "wide":
                self.problem(
                    ref,
                    header,
                    "notes and evidence belong to the long layout; use it, or list "
                    "the column in ColumnMapping.ignored to skip it",
                )
                continue
            if column.field == "indicator" and self.layout == "wide":
                self.problem(
                    ref, header, "the wide layout has one column per indicator instead"
                )
                continue
            if not key:
                self.problem(ref, header, self._unknown_header_message(header))
                continue
            if column.indicator and not _is_value_rule(column.indicator.rule):
                self.problem(ref, header, _FREQUENCY)
                continue
            if key in owners:
                first = owners[key]
                self.add(
                    DuplicateIdError(
                        cell_place(ref),
                        header,
                        f"names the same column as {self.ref(self.header_row, first)}",
                    )
                )
                continue
            owners[key] = column
            self.unread.discard(number)
            self.columns.append(column)
            if column.field is not None:
                self.fixed[column.field] = column
        required = ["unit"] + (["indicator", "value"] if self.layout == "long" else [])
        missing = [field for field in required if field not in self.fixed]
        if missing:
            names = "; ".join(
                f"{field} ({' / '.join(getattr(self.mapping, field))})"
                for field in missing
            )
            self.add(
                InvalidValueError(
                    cell_place(self.ref(self.header_row, None)),
                    found,
                    f"missing required column(s): {names}; headers found: "
                    f"{', '.join(found) or 'none'}",
                )
            )
            return False
        if self.layout == "wide" and not any(c.indicator for c in self.columns):
            self.add(
                InvalidValueError(
                    cell_place(self.ref(self.header_row, None)),
                    found,
                    "no column names an indicator of the rubric by id or title",
                )
            )
            return False
        return True

    def _unknown_header_message(self, header: str) -> str:
        if self.layout == "wide":
            return (
                "is neither a known column nor an indicator's id or title; list it "
                "in ColumnMapping.ignored to skip it"
            )
        return "is not a known column; list it in ColumnMapping.ignored to skip it"

    # -- rows --------------------------------------------------------------

    def _cell(self, cells: tuple[RawValue, ...], column: _Column | None) -> RawValue:
        if column is None or column.number > len(cells):
            return None
        return cells[column.number - 1]

    def _fixed(
        self,
        number: int,
        cells: tuple[RawValue, ...],
        field: str,
        convert: _Converter,
    ) -> tuple[bool, object]:
        """The row's cell in the column of *field*, converted as :meth:`_convert` does."""
        column = self.fixed.get(field)
        return self._convert(number, column, self._cell(cells, column), convert)

    def _fixed_text(
        self, number: int, cells: tuple[RawValue, ...], field: str
    ) -> str | None:
        good, text = self._fixed(number, cells, field, _values.text)
        return text if good and isinstance(text, str) else None

    def _record(
        self, number: int, column: _Column | None, notes: list[_values.Note]
    ) -> None:
        for reason, original, result in notes:
            self.normalisations.append(
                Normalisation(self.ref(number, column), original, result, reason)
            )

    def _convert(
        self, number: int, column: _Column | None, raw: RawValue, convert: _Converter
    ) -> tuple[bool, object]:
        notes: list[_values.Note] = []
        try:
            result = convert(raw, notes)
        except _values.CellProblem as problem:
            self.problem(self.ref(number, column), raw, str(problem))
            return False, None
        self._record(number, column, notes)
        return True, result

    def _read_row(self, number: int, cells: tuple[RawValue, ...]) -> None:
        known = {column.number for column in self.columns} | self.unread
        for index, raw in enumerate(cells, 1):
            if index not in known and not _blank(raw):
                self.problem(
                    self.ref(number, index),
                    raw,
                    "has a value in a column without a header",
                )
        unit = self._fixed_text(number, cells, "unit")
        if unit == "":
            self.problem(
                self.ref(number, self.fixed["unit"]),
                None,
                "is empty; every row names its unit",
            )
            unit = None
        elif unit is not None and self.tree is not None and unit not in self.tree:
            self.add(
                UnknownReferenceError(
                    cell_place(self.ref(number, self.fixed["unit"])),
                    unit,
                    "names no unit in the org tree",
                )
            )
            unit = None
        origin = self._origin(number, cells)
        if self.layout == "long":
            self._read_long(number, cells, unit, origin)
        else:
            self._read_wide(number, cells, unit, origin)
        if unit is not None:
            self.observations.setdefault(unit, [])

    def _origin(self, number: int, cells: tuple[RawValue, ...]) -> _Origin | None:
        ok = True
        source = Source.TEAM
        if "source" in self.fixed:
            good, result = self._fixed(number, cells, "source", _values.source)
            ok &= good
            source = result if isinstance(result, Source) else source
        rater = (
            self._fixed_text(number, cells, "rater") if "rater" in self.fixed else ""
        )
        ok &= rater is not None
        recorded: date | None = None
        if "date" in self.fixed:
            good, result = self._fixed(number, cells, "date", _values.day)
            ok &= good
            recorded = result if isinstance(result, date) else None
        if not ok or rater is None:
            return None
        return _Origin(source, rater, recorded)

    def _observe(  # noqa: PLR0913, PLR0917 - internal
        self,
        number: int,
        column: _Column,
        unit: str | None,
        indicator: Indicator,
        raw: RawValue,
        origin: _Origin | None,
        note: str = "",
        evidence: tuple[Evidence, ...] = (),
    ) -> None:
        value_column = column if self.layout == "wide" else self.fixed["value"]
        if isinstance(raw, str) and _NOT_APPLICABLE.match(raw.strip()):
            self._mark(number, value_column, unit, indicator, raw.strip(), note, origin)
            return
        rule = indicator.rule
        if not _is_value_rule(rule):
            self.problem(self.ref(number, column), indicator.id, _FREQUENCY)
            return
        max_points = indicator.max_points

        def convert(raw: RawValue, notes: list[_values.Note]) -> object:
            return _values.value(raw, rule, max_points, notes)

        good, value = self._convert(number, value_column, raw, convert)
        if unit is None or origin is None:
            return
        # A row whose value was refused still holds its place, so that a
        # duplicate of it is reported now rather than after the fix.
        key = (unit, indicator.id, origin.source, origin.rater)
        here = self.ref(number, value_column)
        if key in self.seen:
            self.add(
                DuplicateIdError(
                    cell_place(here),
                    _written(raw),
                    f"repeats {self.seen[key]}: the same unit, indicator "
                    f"({indicator.id}), source ({origin.source.label_zh}) and rater "
                    f"({origin.rater or 'unnamed'})",
                )
            )
            return
        self.seen[key] = here
        if not good:
            return
        assert isinstance(value, bool | int | Fraction)  # noqa: S101 - _values.value returns these
        self.observations.setdefault(unit, []).append(
            Observation(
                indicator.id,
                value,
                source=origin.source,
                rater=origin.rater,
                recorded_at=origin.recorded_at,
                evidence=evidence,
                note=note,
            )
        )

    def _mark(  # noqa: PLR0913, PLR0917 - internal
        self,
        number: int,
        column: _Column,
        unit: str | None,
        indicator: Indicator,
        written: str,
        note: str,
        origin: _Origin | None,
    ) -> None:
        """A ``合理缺项：原因`` cell: the indicator does not apply to the unit."""
        here = self.ref(number, column)
        found = _NOT_APPLICABLE.match(written)
        reason = ((found and found.group("reason")) or "").strip() or note.strip()
        if not reason:
            self.problem(
                here,
                written,
                "a 合理缺项 needs its reason: write 合理缺项：原因 "
                "(e.g. 合理缺项：本单位无行政审批职能)"
                + ("" if self.layout == "wide" else " or put the reason in 备注"),
            )
            return
        if unit is None:
            return
        marks = self.marked.setdefault(unit, {})
        if indicator.id in marks:
            first, place = marks[indicator.id]
            if first.reason != reason:
                self.problem(
                    here,
                    written,
                    f"marks {indicator.id} not applicable for {unit} with another "
                    f"reason than {place} ({first.reason})",
                )
            return
        recorded = None if origin is None else origin.recorded_at
        marks[indicator.id] = (NotApplicable(indicator.id, reason, recorded), here)

    def _read_long(
        self,
        number: int,
        cells: tuple[RawValue, ...],
        unit: str | None,
        origin: _Origin | None,
    ) -> None:
        column = self.fixed["indicator"]
        written = self._fixed_text(number, cells, "indicator")
        note = ""
        if "note" in self.fixed:
            good, result = self._fixed(
                number, cells, "note", lambda raw, _notes: _values.free_text(raw)
            )
            note = str(result) if good else ""
        evidence: tuple[Evidence, ...] = ()
        if "evidence" in self.fixed:
            good, result = self._fixed(number, cells, "evidence", _evidence)
            evidence = result if good and isinstance(result, tuple) else ()
        if written is None:
            return
        if not written:
            self.problem(
                self.ref(number, column),
                None,
                "is empty; every row names its indicator",
            )
            return
        indicator = self.by_header.get(written)
        if indicator is None:
            self.add(
                UnknownReferenceError(
                    cell_place(self.ref(number, column)),
                    written,
                    self._unknown_indicator_message(written),
                )
            )
            return
        raw = self._cell(cells, self.fixed["value"])
        self._observe(number, column, unit, indicator, raw, origin, note, evidence)

    def _unknown_indicator_message(self, written: str) -> str:
        items = {d.id for d in self.rubric.deductions} | {
            v.id for v in self.rubric.vetoes
        }
        if written in items:
            return (
                "is a deduction or veto item: it is recorded as an incident "
                "(pbcheck.Incident), not a score"
            )
        return f"names no indicator of rubric {self.rubric.id!r} (by id or title)"

    def _read_wide(
        self,
        number: int,
        cells: tuple[RawValue, ...],
        unit: str | None,
        origin: _Origin | None,
    ) -> None:
        for column in self.columns:
            if column.indicator is None:
                continue
            raw = self._cell(cells, column)
            if _blank(raw):
                continue
            self._observe(number, column, unit, column.indicator, raw, origin)


#: A cell saying the indicator does not apply: ``合理缺项：原因`` / ``不适用：原因``.
_NOT_APPLICABLE = re.compile(
    r"^(?:合理缺项|不适用)(?:\s*[:：]\s*(?P<reason>.*))?$", re.DOTALL
)


@attrs.frozen
class _Origin:
    source: Source
    rater: str
    recorded_at: date | None


def _cell(column: int, row: int) -> str:
    return CellRef("", row, column).cell


def _written(raw: RawValue) -> object:
    """A cell's value as the user wrote it, for an error message."""
    if isinstance(raw, Uncached):
        return raw.formula
    if isinstance(raw, CellError):
        return raw.code
    if isinstance(raw, Percent):
        return raw.shown
    return raw


def _blank(raw: RawValue) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _evidence(raw: RawValue, notes: list[_values.Note]) -> tuple[Evidence, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, str):
        raise _values.CellProblem("must be text: references, one per line")
    lines = [line for line in raw.splitlines() if line.strip()]
    refs = tuple(line.strip() for line in lines)
    if any(line.startswith("=") for line in refs):
        raise _values.CellProblem("looks like a formula; write the references")
    if list(refs) != lines:
        notes.append((_values.TRIMMED, raw, "\n".join(refs)))
    return tuple(Evidence("document", ref) for ref in refs)

"""Raw grids: the rows of a CSV file or an Excel sheet, cell values as they came.

Nothing here interprets a value: the readers only decode, bound and locate.
CSV cells are strings (``None`` when empty); Excel cells are whatever openpyxl
returns for a cached value, with two markers for what must never be read as
data: :class:`Uncached` (a formula Excel never computed), :class:`CellError`
(``#DIV/0!`` and friends) and :class:`Percent` (a number shown as ``85%``).
"""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs

from pbcheck._numbers import whole_at_least
from pbcheck.errors import (
    InvalidValueError,
    MissingExtraError,
    ValidationError,
)
from pbcheck.errors import Path as Steps

#: A cell's value as read: text, a number, a boolean, a date, or a marker.
RawValue = object

Style = Literal["csv", "xlsx"]


def column_letter(column: int) -> str:
    """Excel's column name for a 1-based column number: 1 → A, 28 → AB."""
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@attrs.frozen
class CellRef:
    """Where a value sits: the sheet (or CSV file), the row and the column.

    Renders the way spreadsheet users read it: ``评分表!D12 (党建述职)`` for a
    workbook, ``scores.csv:12:D (党建述职)`` for a CSV file (row 12 is the
    12th record, as a spreadsheet program numbers it).  Without a column it
    names the whole row: ``评分表!12`` or ``scores.csv:12``.

    Args:
        table: the sheet's name, or the CSV file's name.
        row: 1-based row number.
        column: 1-based column number, or ``None`` for the whole row.
        header: the column's header as written, if it has one.
        style: ``"xlsx"`` or ``"csv"``: how the reference is written.

    >>> str(CellRef("评分表", 12, 4, "党建述职", "xlsx"))
    '评分表!D12 (党建述职)'
    >>> str(CellRef("scores.csv", 12, 4, "党建述职", "csv"))
    'scores.csv:12:D (党建述职)'
    """

    table: str
    row: int
    column: int | None = None
    header: str | None = None
    style: Style = "xlsx"

    @property
    def cell(self) -> str:
        """The Excel-style cell name, e.g. ``D12`` (or the row number alone)."""
        if self.column is None:
            return str(self.row)
        return f"{column_letter(self.column)}{self.row}"

    def __str__(self) -> str:
        if self.style == "csv":
            where = f"{self.table}:{self.row}"
            if self.column is not None:
                where += f":{column_letter(self.column)}"
        else:
            where = f"{self.table}!{self.cell}"
        if self.header:
            where += f" ({self.header})"
        return where


_positive = whole_at_least(1)


@attrs.frozen
class Limits:
    """Bounds on what one import may read; past them the import stops with an error.

    Args:
        max_bytes: the largest input file, in bytes (20 MiB by default).
        max_unpacked_bytes: for ``.xlsx``, the most the workbook may unpack
            to (a workbook is a zip archive; 200 MiB by default).
        max_rows: the most rows a sheet may have, header included.  The
            last row with a value counts, not the sheet's recorded used range
            (its ``dimension``, a hint that one formatted empty cell at
            row 1,048,576 stretches).
        max_columns: the most columns a row may have, to its last value.
        max_strings: for ``.xlsx``, the most entries in the workbook's shared
            strings (500,000 by default).  Every entry is loaded before the
            first row is read, about 20 µs and 100 bytes each, so a small
            archive of empty strings could otherwise take minutes.
        max_style_elements: for ``.xlsx``, the most XML elements in the
            workbook's styles part (200,000 by default; a workbook formatted
            by hand has a few thousand, and Excel itself allows at most 64,000
            cell formats).  Styles are loaded whole before any row is read.

    >>> Limits(max_rows=1000).max_rows
    1000
    >>> Limits(max_columns=0)
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: max_columns: must be a whole number ≥ 1 (got 0)
    """

    max_bytes: int = attrs.field(default=20 * 2**20, validator=_positive)
    max_unpacked_bytes: int = attrs.field(default=200 * 2**20, validator=_positive)
    max_rows: int = attrs.field(default=200_000, validator=_positive)
    max_columns: int = attrs.field(default=1_000, validator=_positive)
    max_strings: int = attrs.field(default=500_000, validator=_positive)
    max_style_elements: int = attrs.field(default=200_000, validator=_positive)


@attrs.frozen
class Uncached:
    """A formula cell without a cached value: Excel never computed it."""

    formula: str


@attrs.frozen
class Percent:
    """A numeric cell formatted as a percentage: it shows ``85%`` but holds ``0.85``.

    Never read as a number: what the user saw is not what the cell holds.
    """

    number: int | float

    @property
    def shown(self) -> str:
        """The value as Excel displays it (at full precision), e.g. ``85%``."""
        if not math.isfinite(self.number):
            return f"{self.number!r}%"
        scaled = (Decimal(repr(self.number)) * 100).normalize()
        return f"{scaled:f}%"


@attrs.frozen
class CellError:
    """An Excel error value such as ``#DIV/0!`` or ``#N/A``."""

    code: str


@attrs.frozen
class Grid:
    """Rows of one table, read lazily; ``rows`` yields ``(row number, cells)``."""

    name: str
    style: Style
    rows: Iterator[tuple[int, tuple[RawValue, ...]]]
    #: What the input is called in messages: the file, and the sheet if any.
    title: str
    #: Merged ranges as (first row, first column, last row, last column).
    merges: tuple[tuple[int, int, int, int], ...] = ()


def cell_place(where: CellRef | str) -> str:
    """Where a problem of a sheet is, as spreadsheet users write it.

    A file (``scores.csv``), a row (``scores.csv:12``, ``评分表!12``), a cell
    (``评分表!D12 (党建述职)``) or a range (``评分表!A3:B4``).

    TRANSITION (issue 13): no path of steps renders this notation yet, and
    officials find a cell by it; until :mod:`pbcheck.errors` has a step for a
    place in a sheet, every such place is made here, as text, so that the
    change is one function.
    """
    return str(where)


def _fail(
    where: CellRef | str, value: object, message: str, path: Steps | None = None
) -> ValidationError:
    """*where* cannot be read: one problem, there unless *path* says otherwise."""
    place = cell_place(where) if path is None else path
    return ValidationError(
        f"cannot read {where}", [InvalidValueError(place, value, message)]
    )


def read_at_most(path: Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of *path*, whatever ``stat`` says of its size.

    ``/dev/zero``, ``/dev/urandom``, pipes and FIFOs report a size of 0 and
    never end; reading one whole would exhaust memory or never return.  One
    byte past the limit is enough to tell that the file is too large.  A FIFO
    is read like any other file: the read waits for a writer, as ``cat``
    would, and stops at ``limit + 1`` bytes however long the writer goes on.
    Raises :class:`OSError` as :func:`open` does.
    """
    chunks: list[bytes] = []
    left = limit + 1
    with path.open("rb", buffering=0) as handle:
        while left > 0:
            chunk = handle.read(min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    return b"".join(chunks)


def load_bytes(source: str | Path | bytes, name: str, limits: Limits) -> bytes:
    """The input's bytes, refusing a file larger than ``limits.max_bytes``.

    A regular file is measured before it is read; any file (a device, a FIFO)
    is read at most one byte past the limit, whatever its size claims (see
    :func:`read_at_most`).  A file that cannot be read (missing, a directory,
    no permission) is a :class:`ValidationError` naming it, as for
    :func:`pbcheck.io.interchange.load`.
    """
    if isinstance(source, bytes):
        if len(source) > limits.max_bytes:
            raise _too_large(name, len(source), limits)
        return source
    try:
        size = Path(source).stat().st_size
        if size > limits.max_bytes:
            raise _too_large(name, size, limits)
        data = read_at_most(Path(source), limits.max_bytes)
    except OSError as exc:
        raise _fail(name, str(source), f"cannot be read: {exc.strerror}") from None
    if len(data) > limits.max_bytes:
        # Not a regular file, or one that grew while it was read.
        raise _fail(
            name,
            str(source),
            f"holds more than the limit of {limits.max_bytes} bytes "
            "(Limits.max_bytes); split the file or raise the limit",
        )
    return data


def _too_large(name: str, size: int, limits: Limits) -> ValidationError:
    return _fail(
        name,
        size,
        f"is {size} bytes, more than the limit of {limits.max_bytes} bytes "
        "(Limits.max_bytes); split the file or raise the limit",
    )


def _decode(data: bytes, name: str, encoding: str | None) -> str:
    codec = "utf-8-sig" if encoding is None else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1].hex()
        if encoding is None:
            message = (
                f"is not valid UTF-8 (byte 0x{byte} on line {line}); a CSV file "
                "saved by Excel on Chinese Windows is usually GBK: read it with "
                'encoding="gbk"'
            )
        else:
            message = f"is not valid {encoding} (byte 0x{byte} on line {line})"
        raise _fail(name, codec, message) from None
    except LookupError:
        raise _fail(name, encoding, "names no known text encoding") from None
    return text.removeprefix("\ufeff")


def csv_grid(data: bytes, name: str, encoding: str | None, limits: Limits) -> Grid:
    """A CSV file's rows: every non-empty cell a string, empty cells ``None``."""
    text = _decode(data, name, encoding)

    def rows() -> Iterator[tuple[int, tuple[RawValue, ...]]]:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        number = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                row = CellRef(name, number + 1, style="csv")
                raise _fail(row, None, f"is not valid CSV: {exc}") from None
            number += 1
            _check_bounds(name, number, len(record), limits, "csv")
            yield number, tuple(cell if cell != "" else None for cell in record)

    return Grid(name, "csv", rows(), name)


def _check_bounds(
    name: str, row: int, width: int, limits: Limits, style: Style
) -> None:
    if row > limits.max_rows:
        raise _fail(
            CellRef(name, row, style=style),
            row,
            f"the sheet has more than {limits.max_rows} rows (Limits.max_rows); "
            "split it or raise the limit",
        )
    if width > limits.max_columns:
        raise _fail(
            CellRef(name, row, style=style),
            width,
            f"the row has {width} columns, more than {limits.max_columns} "
            "(Limits.max_columns)",
        )


# mergeCell elements carry one attribute, the range: <mergeCell ref="A1:C1"/>.
_MERGE = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\""
)
_CELL = re.compile(r"([A-Z]+)([0-9]+)")


def _boundaries(ref: str) -> tuple[int, int, int, int]:
    corners = []
    for part in [*ref.split(":"), ref][:2]:
        match = _CELL.fullmatch(part)
        assert match is not None  # noqa: S101 - _MERGE only matches cell names
        letters, digits = match.groups()
        column = 0
        for letter in letters:
            column = column * 26 + ord(letter) - ord("A") + 1
        corners.append((int(digits), column))
    (row1, col1), (row2, col2) = corners
    return row1, col1, row2, col2


def _cell_value(cell: Any) -> RawValue:  # noqa: ANN401 - openpyxl's cells are untyped
    value = cell.value
    if isinstance(value, Uncached):
        return value
    if getattr(cell, "data_type", None) == "e":
        return CellError(str(value))
    if isinstance(value, str) and value == "":
        return None
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in str(getattr(cell, "number_format", None) or "")
    ):
        return Percent(value)
    if value is not None and not isinstance(
        value, str | int | float | bool | datetime | date | time | timedelta
    ):
        return str(value)  # rich text and other exotica read as their text
    return value


#: What openpyxl raises on a damaged workbook: besides the zip and lookup
#: errors, malformed XML (``xml.etree.ElementTree.ParseError`` is a
#: ``SyntaxError``) and parts whose content is not what their name promises
#: (``AttributeError``, ``IndexError``).  Found by fuzzing.
_BROKEN = (
    KeyError,
    ValueError,
    TypeError,
    OSError,
    zipfile.BadZipFile,
    SyntaxError,
    AttributeError,
    IndexError,
    EOFError,
    zlib.error,
    # zipfile: an encrypted member, or a compression method it cannot read
    # (NotImplementedError is a RuntimeError).
    RuntimeError,
)


def _unreadable(name: str, exc: BaseException) -> ValidationError:
    detail = str(exc) or type(exc).__name__
    return _fail(name, None, f"is not a readable .xlsx workbook: {detail}")


def _open_workbook(openpyxl: Any, data: bytes, name: str, *, data_only: bool) -> Any:  # noqa: ANN401 - openpyxl's workbook
    with warnings.catch_warnings():
        # openpyxl warns about features it drops (data validation, styles);
        # none of them changes a cell's value.
        warnings.simplefilter("ignore", UserWarning)
        try:
            return openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=data_only
            )
        except _BROKEN as exc:
            raise _unreadable(name, exc) from None


#: What the parts of a workbook are scanned for, in any namespace prefix.
_STRING_ITEM = re.compile(rb"<(?:\w{1,32}:)?si[\s>/]")
_ELEMENT = re.compile(rb"<[A-Za-z_]")
_OVERRIDE = re.compile(rb"<(?:\w{1,32}:)?Override\b[^>]*>")
_PART_NAME = re.compile(rb'PartName="/?([^"]*)"')
_STYLES = "xl/styles.xml"  # where openpyxl looks, whatever the manifest says
_CHUNK = 1 << 20
#: Longer than any tag the scans must see whole; a match is only taken once
#: this much of the part after it has been read.
_OVERLAP = 4096
#: Merged ranges kept; past them, the sheet is refused for the ones found.
_MAX_MERGES = 10_000


def _scan(
    archive: zipfile.ZipFile, member: str, pattern: re.Pattern[bytes]
) -> Iterator[re.Match[bytes]]:
    """The matches of *pattern* in a part, read a chunk at a time, never whole."""
    with archive.open(member) as handle:
        buffer = b""
        while True:
            chunk = handle.read(_CHUNK)
            buffer += chunk
            end = len(buffer) if not chunk else max(len(buffer) - _OVERLAP, 0)
            resume = end
            for match in pattern.finditer(buffer):
                if match.start() >= end:
                    break
                resume = max(resume, match.end())
                yield match
            if not chunk:
                return
            buffer = buffer[resume:]


def _count_at_most(
    archive: zipfile.ZipFile, member: str, pattern: re.Pattern[bytes], limit: int
) -> int:
    """How many times *pattern* occurs in a part, counting no further than ``limit + 1``."""
    count = 0
    for _ in _scan(archive, member, pattern):
        count += 1
        if count > limit:
            break
    return count


def _check_parts(archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """Refuse a workbook whose shared strings or styles are past their limits.

    openpyxl loads both whole before the first row; counting their elements
    first, in a streamed scan, bounds that work by the limits rather than by
    what a small archive can unpack to.
    """
    members = set(archive.namelist())
    shared = {"xl/sharedStrings.xml"} & members
    if "[Content_Types].xml" in members:
        for tag in _scan(archive, "[Content_Types].xml", _OVERRIDE):
            part = _PART_NAME.search(tag.group())
            if b"sharedStrings+xml" in tag.group() and part is not None:
                shared |= {part.group(1).decode("utf-8", "replace")} & members
    for member in sorted(shared):
        if _count_at_most(archive, member, _STRING_ITEM, limits.max_strings) > (
            limits.max_strings
        ):
            raise _fail(
                name,
                member,
                f"holds more than {limits.max_strings} shared strings "
                "(Limits.max_strings)",
            )
    if (
        _STYLES in members
        and _count_at_most(archive, _STYLES, _ELEMENT, limits.max_style_elements)
        > limits.max_style_elements
    ):
        raise _fail(
            name,
            _STYLES,
            f"holds more than {limits.max_style_elements} style elements "
            "(Limits.max_style_elements)",
        )


def xlsx_grid(data: bytes, name: str, sheet: str | None, limits: Limits) -> Grid:
    """An Excel sheet's rows, opened read-only with cached values (data_only).

    One pass over the sheet: a formula's cached value is read as any other
    value, and a formula without one (which openpyxl would show as an empty
    cell) becomes :class:`Uncached`, so that it is reported, not skipped.
    Rows are read to the last one with a value, whatever the sheet's
    recorded used range says; rows with no value between two that have one
    come out empty, so that the reader can list them.  The shared strings
    and styles are bounded before openpyxl loads them (:func:`_check_parts`).
    """
    try:
        import openpyxl  # noqa: PLC0415 - optional extra, imported when used
    except ImportError:
        raise MissingExtraError("excel", "reading .xlsx workbooks") from None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _fail(
            name, None, "is not an .xlsx workbook (not a zip archive)"
        ) from None
    with archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > limits.max_unpacked_bytes:
            raise _fail(
                name,
                unpacked,
                f"unpacks to {unpacked} bytes, more than the limit of "
                f"{limits.max_unpacked_bytes} (Limits.max_unpacked_bytes)",
            )
        try:
            _check_parts(archive, name, limits)
        except _BROKEN as exc:
            raise _unreadable(name, exc) from None
    values = _open_workbook(openpyxl, data, name, data_only=True)
    names = values.sheetnames
    if not values.worksheets:
        values.close()
        raise _fail(name, None, "has no worksheet")
    if sheet is not None and sheet not in names:
        values.close()
        raise _fail(name, sheet, f"no such sheet; the workbook has {names}", ("sheet",))
    title = values.worksheets[0].title if sheet is None else sheet
    value_sheet: Any = values[title]
    path = getattr(value_sheet, "_worksheet_path", None)
    merges: list[tuple[int, int, int, int]] = []
    if isinstance(path, str):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for match in _scan(archive, path, _MERGE):
                    merges.append(_boundaries(match.group(1).decode()))
                    if len(merges) >= _MAX_MERGES:
                        break
        except _BROKEN as exc:
            values.close()
            raise _unreadable(name, exc) from None

    def rows() -> Iterator[tuple[int, tuple[RawValue, ...]]]:
        try:
            yield from _xlsx_rows(value_sheet, name, title, limits)
        finally:
            values.close()

    return Grid(title, "xlsx", rows(), f"{name}, sheet {title}", tuple(merges))


def _row_parser(sheet: Any, source: Any) -> Any:  # noqa: ANN401 - openpyxl's parser
    """The sheet parser of openpyxl, reading cached values and noting uncached formulas.

    Reading a formula's text as well as its cached value, in the one parse,
    spares a second opening of the workbook (and a second load of its shared
    strings and styles) to find formulas Excel never computed.
    """
    from openpyxl.worksheet._reader import (  # noqa: PLC0415 - optional extra
        FORMULA_TAG,
        WorkSheetParser,
    )

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:  # noqa: ANN401
            cell: dict[str, Any] = super().parse_cell(element)
            if element.find(FORMULA_TAG) is not None:
                # Called for every formula, cached or not, so that a shared
                # formula's first cell is known when a later one needs it.
                formula = self.parse_formula(element)  # type: ignore[no-untyped-call]
                if cell["value"] is None:
                    text = getattr(formula, "text", None) or formula
                    cell["value"] = Uncached(
                        text if isinstance(text, str) else str(text)
                    )
            return cell

    book = sheet.parent
    return Parser(
        source,
        sheet._shared_strings,  # noqa: SLF001 - what openpyxl's own sheet passes
        data_only=True,
        epoch=book.epoch,
        date_formats=book._date_formats,  # noqa: SLF001
        timedelta_formats=book._timedelta_formats,  # noqa: SLF001
    )


def _xlsx_rows(
    sheet: Any,  # noqa: ANN401 - openpyxl's read-only sheet
    name: str,
    title: str,
    limits: Limits,
) -> Iterator[tuple[int, tuple[RawValue, ...]]]:
    """A sheet's rows to the last one with a value; cells as :func:`_cell_value` reads them.

    A cell with nothing in it (formatted, or written empty) does not count:
    neither toward a row's width nor toward the sheet's rows.
    """
    from openpyxl.cell.read_only import ReadOnlyCell  # noqa: PLC0415 - optional extra

    last = 0
    try:
        source = sheet._get_source()  # noqa: SLF001 - the sheet's XML, streamed
    except _BROKEN as exc:
        raise _unreadable(name, exc) from None
    with source:
        parsed = _row_parser(sheet, source).parse()
        while True:
            # Warnings are silenced around each parsed row only, never across
            # a yield, so that the caller's warning filters hold.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                try:
                    item = next(parsed, None)
                except _BROKEN as exc:  # the sheet's XML is parsed lazily
                    raise _unreadable(name, exc) from None
            if item is None:
                return
            number, cells = item
            present = [cell for cell in cells if cell["value"] is not None]
            if not present:
                continue
            if number <= last:
                raise _fail(
                    CellRef(title, max(number, 1), style="xlsx"),
                    number,
                    f"row number {number} comes after row {last}: rows out of "
                    "order cannot be read",
                )
            width = max(cell["column"] for cell in present)
            _check_bounds(title, number, width, limits, "xlsx")
            for gap in range(last + 1, number):
                yield gap, ()
            row: list[RawValue] = [None] * width
            try:
                for cell in present:
                    row[cell["column"] - 1] = _cell_value(ReadOnlyCell(sheet, **cell))
            except _BROKEN as exc:
                raise _unreadable(name, exc) from None
            last = number
            yield number, tuple(row)

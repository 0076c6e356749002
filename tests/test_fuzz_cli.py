"""Fuzzing the CLI and the spreadsheet reader: bad bytes never crash pbcheck.

Every command run in-process on arbitrary or mutated files ends with exit
code 0 or 1 (argparse's 2 for usage), never an uncaught exception, and a
failure names the file on stderr.  ``read_evaluations`` on arbitrary bytes
returns an import or raises :class:`~pbcheck.errors.ValidationError`.

The CI run is bounded by the hypothesis profile; ``tests/fuzz_long.py`` runs
the same checks with many more examples.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pbcheck.cli import main
from pbcheck.errors import ValidationError
from pbcheck.examples import example_evaluations, example_rubric
from pbcheck.io.interchange import dumps
from pbcheck.io.spreadsheets import read_evaluations
from pbcheck.testing import (
    broken_documents,
    documents,
    results,
    rows_to_csv,
    rows_to_xlsx,
    spreadsheet_rows,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "jiangcheng"
RUBRIC = example_rubric()
#: How many inputs the checks below have run, for tests/fuzz_long.py.
COUNTER = {"inputs": 0}

_SUITED = settings(suppress_health_check=[HealthCheck.too_slow])
#: Whole ``score`` runs and workbook reads are slow (~0.2 s each): fewer in CI.
_SLOW = settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])


def run_cli(argv: list[str]) -> tuple[int, str]:
    """``main(argv)`` in-process: the exit code and what went to stderr."""
    COUNTER["inputs"] += 1
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
    return code, err.getvalue()


def check_outcome(code: int, stderr: str, *paths: Path) -> None:
    assert code in (0, 1, 2), code
    if code == 1:
        assert any(str(path) in stderr for path in paths), stderr


def _mutate(data: bytes, draw: st.DrawFn) -> bytes:
    """One to four byte-level edits: flip, insert, delete or truncate."""
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        edit = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if edit == "flip":
            data = (
                data[:at]
                + bytes([data[at] ^ draw(st.integers(1, 255))])
                + data[at + 1 :]
            )
        elif edit == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif edit == "delete":
            data = data[:at] + data[at + 1 :]
        else:
            data = data[:at]
    return data


@st.composite
def mutated_documents(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid document as JSON or TOML text, then mutated byte-wise."""
    document = draw(documents())
    fmt = draw(st.sampled_from(["json", "toml"]))
    try:
        text = dumps(document, format=fmt)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - a document TOML cannot hold
        fmt, text = "json", dumps(document)
    return fmt, _mutate(text.encode(), draw)


@st.composite
def mutated_zips(draw: st.DrawFn) -> bytes:
    """A valid score workbook with its zip structure or members mutated."""
    evaluation = example_evaluations(2025)[draw(st.integers(0, 3))]
    layout = draw(st.sampled_from(["long", "wide"]))
    rows = spreadsheet_rows([evaluation], RUBRIC, layout=layout, lossy=True)
    data = rows_to_xlsx(rows[: draw(st.integers(1, 6))])
    how = draw(st.sampled_from(["bytes", "member"]))
    if how == "bytes":
        return _mutate(data, draw)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    name = draw(st.sampled_from(sorted(members)))
    members[name] = _mutate(members[name], draw)
    if draw(st.booleans()):
        del members[draw(st.sampled_from(sorted(members)))]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()


# -- checks (plain functions, so that fuzz_long.py can run them too) -----------


def check_validate_bytes(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"文件{suffix}"
        path.write_bytes(data)
        code, stderr = run_cli(["validate", str(path)])
        check_outcome(code, stderr, path)


def check_validate_mutated(fmt: str, data: bytes) -> None:
    check_validate_bytes(data, f".{fmt}")


def check_validate_broken(mutation: str, data: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "broken.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        code, stderr = run_cli(["validate", str(path)])
        assert code == 1, mutation
        check_outcome(code, stderr, path)


def check_score_bytes(data: bytes, role: str) -> None:
    inputs = {
        "rubric": EXAMPLES / "rubric.toml",
        "tree": EXAMPLES / "org-tree.toml",
        "cycle": EXAMPLES / "cycle-2025.toml",
        "evaluations": EXAMPLES / "evaluations-2025.json",
    }
    with tempfile.TemporaryDirectory() as folder:
        bad = Path(folder) / f"{role}.json"
        bad.write_bytes(data)
        inputs[role] = bad
        output = Path(folder) / "results.json"
        code, stderr = run_cli(
            [
                "score",
                "--rubric",
                str(inputs["rubric"]),
                "--tree",
                str(inputs["tree"]),
                "--cycle",
                str(inputs["cycle"]),
                "--evaluations",
                str(inputs["evaluations"]),
                "-o",
                str(output),
            ]
        )
        check_outcome(code, stderr, bad, Path("(season)"))
        assert (code == 0) == output.exists()


def check_results_bytes(data: bytes, command: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "results.json"
        path.write_bytes(data)
        out = Path(folder) / "out"
        argv = (
            ["rank", str(path), "--format", "csv"]
            if command == "rank"
            else ["report", str(path), "-o", str(out), "--format", "md"]
        )
        code, stderr = run_cli(argv)
        check_outcome(code, stderr, path)
        if code != 0 and command == "report":
            assert not out.exists() or not any(out.iterdir())


def check_results_document(data: bytes) -> None:
    """A (possibly mutated) results document through rank and every text report."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "results.json"
        path.write_bytes(data)
        out = Path(folder) / "out"
        code, stderr = run_cli(["rank", str(path)])
        check_outcome(code, stderr, path)
        formats = ["--format", "md", "--format", "csv", "--format", "circular"]
        code, stderr = run_cli(["report", str(path), "-o", str(out), *formats])
        check_outcome(code, stderr, path)
        if code != 0:
            assert not out.exists() or not any(out.iterdir())


@st.composite
def results_documents(draw: st.DrawFn) -> bytes:
    """A valid results document's JSON, mutated byte-wise or not at all."""
    data = dumps(draw(results())).encode()
    return _mutate(data, draw) if draw(st.booleans()) else data


def check_read_csv(data: bytes) -> None:
    COUNTER["inputs"] += 1
    problems: tuple[object, ...] | None = None
    try:
        read_evaluations(data, RUBRIC, file_format="csv")
    except ValidationError as exc:
        problems = tuple(exc.problems)
    assert problems is None or problems  # a failure always says what is wrong


def check_read_xlsx(data: bytes) -> None:
    COUNTER["inputs"] += 1
    problems: tuple[object, ...] | None = None
    try:
        read_evaluations(data, RUBRIC, file_format="xlsx")
    except ValidationError as exc:
        problems = tuple(exc.problems)
    assert problems is None or problems  # a failure always says what is wrong


# -- the hypothesis tests ------------------------------------------------------

_JSONISH = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    st.sampled_from([b"{}", b"[]", b'{"kind": "rubric"}', b"null", b'"x"', b"1e999"]),
)


@_SUITED
@given(_JSONISH, st.sampled_from([".json", ".toml", ".yaml", ""]))
def test_validate_arbitrary_bytes(data, suffix):
    check_validate_bytes(data, suffix)


@_SUITED
@given(mutated_documents())
def test_validate_mutated_documents(pair):
    check_validate_mutated(*pair)


@_SUITED
@given(broken_documents())
def test_validate_broken_documents(pair):
    check_validate_broken(*pair)


@_SLOW
@given(_JSONISH, st.sampled_from(["rubric", "tree", "cycle", "evaluations"]))
def test_score_arbitrary_inputs(data, role):
    check_score_bytes(data, role)


@_SUITED
@given(_JSONISH, st.sampled_from(["rank", "report"]))
def test_rank_and_report_arbitrary_results(data, command):
    check_results_bytes(data, command)


@_SLOW
@given(results_documents())
def test_rank_and_report_results_documents(data):
    check_results_document(data)


@_SUITED
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(
            alphabet=st.sampled_from(',"\n\r 单位编码指标得分P1.2３５%=#'), max_size=200
        ).map(str.encode),
        st.just(
            rows_to_csv(spreadsheet_rows(example_evaluations(2025)[:1], RUBRIC))
        ).flatmap(lambda data: st.integers(0, len(data)).map(lambda at: data[:at])),
    )
)
def test_read_evaluations_arbitrary_csv(data):
    check_read_csv(data)


@_SLOW
@given(st.one_of(st.binary(max_size=300), mutated_zips()))
def test_read_evaluations_mutated_xlsx(data):
    check_read_xlsx(data)

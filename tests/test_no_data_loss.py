"""No data loss on failure: a failing ``score`` or ``report`` keeps earlier outputs.

``tests/test_cli_interchange.py`` and ``tests/test_cli_report.py`` cover runs
that fail on their inputs; these cover runs that fail while writing — the
disk filling up in the middle of the results file, and a write failing in
the middle of a report after other files of it were already replaced.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pbcheck.cli import main
from pbcheck.report import _write

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "jiangcheng"


def score_argv(output: Path) -> list[str]:
    return [
        "score",
        "--rubric", str(EXAMPLES / "rubric.toml"),
        "--tree", str(EXAMPLES / "org-tree.toml"),
        "--cycle", str(EXAMPLES / "cycle-2025.toml"),
        "--evaluations", str(EXAMPLES / "evaluations-2025.json"),
        "-o", str(output),
    ]  # fmt: skip


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("season") / "results-2025.json"
    assert main(score_argv(output)) == 0
    return output


def test_score_disk_full_while_writing_keeps_the_old_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "results.json"
    output.write_text("上一次的结果", encoding="utf-8")

    def full(_descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert main(score_argv(output)) == 1
    err = capsys.readouterr().err
    assert f"{output}: $: cannot be written" in err
    assert "No space left on device" in err
    assert output.read_text(encoding="utf-8") == "上一次的结果"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]  # no temporary left


def test_report_failing_on_the_third_file_restores_the_earlier_report(
    results: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The first two files were already replaced: they get their old content back."""
    out = tmp_path / "report"
    assert main(["report", str(results), "-o", str(out), "--no-charts"]) == 0
    # Make every earlier file recognisable, and add one the new run would not touch.
    for path in out.iterdir():
        path.write_bytes(b"earlier:" + path.name.encode())
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = snapshot(out)
    calls: list[Path] = []
    real = _write.write_atomic

    def failing(path: Path, data: bytes | str) -> Path:
        calls.append(Path(path))
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(_write, "write_atomic", failing)
    capsys.readouterr()
    assert main(["report", str(results), "-o", str(out), "--no-charts"]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert [p.name for p in calls[:2]] == ["report.html", "report.xlsx"]
    assert snapshot(out) == before  # restored, untouched, nothing left behind


def test_report_failing_part_way_into_a_new_directory_leaves_it_empty(
    results: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files this run created are removed; none of the backups linger."""
    out = tmp_path / "fresh"
    (out).mkdir()
    (out / "report.md").write_text("旧的", encoding="utf-8")
    calls: list[Path] = []
    real = _write.write_atomic

    def failing(path: Path, data: bytes | str) -> Path:
        calls.append(Path(path))
        if len(calls) == 4:
            raise OSError("disk full")
        return real(path, data)

    monkeypatch.setattr(_write, "write_atomic", failing)
    assert main(["report", str(results), "-o", str(out), "--no-charts"]) == 1
    assert snapshot(out) == {"report.md": "旧的".encode()}


def test_links_unsupported_the_backup_is_a_copy(
    results: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a file system without hard links the earlier file is copied aside."""
    out = tmp_path / "report"
    assert main(["report", str(results), "-o", str(out), "--format", "md"]) == 0
    (out / "report.md").write_text("earlier", encoding="utf-8")

    def no_links(*_args: object) -> None:
        raise OSError("links are not supported")

    monkeypatch.setattr(os, "link", no_links)
    real = _write.write_atomic

    def failing(path: Path, data: bytes | str) -> Path:
        if Path(path).name.startswith("report-"):
            raise OSError("disk full")
        return real(path, data)

    monkeypatch.setattr(_write, "write_atomic", failing)
    formats = ["--format", "md", "--format", "circular"]
    assert main(["report", str(results), "-o", str(out), *formats]) == 1
    assert snapshot(out) == {"report.md": b"earlier"}


def test_score_with_year_zero_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Four digits that are no valid cycle year: reported, nothing written."""
    output = tmp_path / "results.json"
    output.write_text("上一次的结果", encoding="utf-8")
    argv = score_argv(output)
    argv[argv.index("--cycle") + 1] = "0000"
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "0000: year: must be a whole year" in err
    assert "nothing written" in err
    assert output.read_text(encoding="utf-8") == "上一次的结果"

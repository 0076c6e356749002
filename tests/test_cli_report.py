"""``pbcheck rank`` and ``pbcheck report`` on the bundled example, end to end."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

from pbcheck.cli import main
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)
from pbcheck.io.interchange import Results, dump

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "jiangcheng"


@pytest.fixture(scope="module")
def results_files(tmp_path_factory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("results")
    rubric, tree = example_rubrics(), example_tree()
    paths = {}
    for year in (2024, 2025):
        season = Results.compute(
            rubric, tree, example_cycle(year), example_evaluations(year)
        )
        paths[year] = dump(season, folder / f"results-{year}.json")
    return paths


@pytest.fixture(scope="module")
def season_2025() -> Results:
    return Results.compute(
        example_rubrics(),
        example_tree(),
        example_cycle(2025),
        example_evaluations(2025),
    )


class TestRank:
    def test_tables_lists_and_escalations(self, results_files, capsys):
        argv = [
            "rank",
            str(results_files[2025]),
            "--previous",
            str(results_files[2024]),
        ]
        assert main(argv) == 0
        out = capsys.readouterr().out
        for series in ("政府工作部门", "党群部门", "垂直管理部门"):
            assert f"【{series}】" in out
        escalated = out.split("【连续两年处于后位：问责与整改】")[1]
        for action in ("通报批评", "反馈主管部门", "诫勉谈话", "限期整改"):
            assert action in escalated

    def test_without_previous_no_escalations(self, results_files, capsys):
        assert main(["rank", str(results_files[2025])]) == 0
        assert "问责与整改" not in capsys.readouterr().out

    def test_csv_has_one_row_per_unit(self, results_files, season_2025, capsys):
        assert main(["rank", str(results_files[2025]), "--format", "csv"]) == 0
        rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
        assert len(rows) == len(season_2025.scorecards) == 86
        by_unit = {card.unit_id: card for card in season_2025.scorecards}
        for row in rows:
            unit = next(v for v in row.values() if v in by_unit)
            assert by_unit[unit].show(by_unit[unit].total) in row.values()

    def test_a_broken_file_is_reported_with_its_path(self, tmp_path, capsys):
        broken = tmp_path / "results.json"
        broken.write_text('{"schema_version": 1, "kind": "results"}', encoding="utf-8")
        assert main(["rank", str(broken)]) == 1
        err = capsys.readouterr().err
        assert str(broken) in err
        assert "$." in err


class TestReport:
    def test_writes_every_format_and_the_workbook_holds_the_totals(
        self, results_files, season_2025, tmp_path, capsys
    ):
        out = tmp_path / "report"
        argv = [
            "report",
            str(results_files[2025]),
            "--previous",
            str(results_files[2024]),
            "-o",
            str(out),
        ]
        assert main(argv) == 0
        names = sorted(p.name for p in out.iterdir())
        assert "report.html" in names
        assert "report.xlsx" in names
        assert "report.md" in names
        assert "report-通报草稿.txt" in names

        workbook = openpyxl.load_workbook(out / "report.xlsx")
        sheet = workbook["政府工作部门"]
        header = [cell.value for cell in sheet[1]]
        assert header[:4] == ["名次", "单位编号", "单位名称", "总分"]
        first = list(sheet[2])
        card = season_2025.scorecard(first[1].value)
        assert first[0].value == 1
        assert isinstance(first[3].value, (int, float))
        assert f"{first[3].value:.2f}" == card.show(card.total)
        assert first[3].number_format == "0.00"

        page = (out / "report.html").read_text(encoding="utf-8")
        assert "<svg" in page
        assert "连续" in (out / "report-通报草稿.txt").read_text(encoding="utf-8")

    def test_selected_formats_only(self, results_files, tmp_path):
        out = tmp_path / "md-only"
        argv = ["report", str(results_files[2025]), "-o", str(out), "--format", "md"]
        assert main(argv) == 0
        assert [p.name for p in out.iterdir()] == ["report.md"]

    def test_failure_leaves_earlier_reports_untouched(
        self, results_files, tmp_path, capsys
    ):
        out = tmp_path / "report"
        out.mkdir()
        earlier = out / "report.html"
        earlier.write_text("上一次的报告", encoding="utf-8")
        broken = tmp_path / "broken.json"
        broken.write_bytes(b"\xff\xfe not json")
        assert main(["report", str(broken), "-o", str(out)]) == 1
        assert earlier.read_text(encoding="utf-8") == "上一次的报告"
        assert [p.name for p in out.iterdir()] == ["report.html"]
        assert str(broken) in capsys.readouterr().err


class TestReportWord:
    """``--format docx``: the Word 通报 draft and every unit's 反馈单."""

    @staticmethod
    def paragraphs(path: Path) -> list[str]:
        return [p.text for p in docx.Document(str(path)).paragraphs]

    def test_writes_the_circular_and_a_feedback_sheet_per_unit(
        self, results_files, season_2025, tmp_path
    ):
        """One 通报草稿.docx and one 反馈单 per scorecard, each naming its unit,
        with the issuer and the date of issue given on the command line."""
        out = tmp_path / "word"
        argv = [
            "report", str(results_files[2025]), "-o", str(out), "--format", "docx",
            "--issuer", "中共某市直属机关工作委员会", "--issued", "2026-05-20",
            "--addressee", "各有关党组织",
        ]  # fmt: skip
        assert main(argv) == 0
        names = sorted(p.name for p in out.iterdir())
        assert "通报草稿.docx" in names
        sheets = [n for n in names if n.startswith("反馈单-")]
        assert len(sheets) == len(season_2025.scorecards)
        circular = self.paragraphs(out / "通报草稿.docx")
        assert "各有关党组织：" in circular
        assert "中共某市直属机关工作委员会" in circular
        assert "2026年5月20日" in circular
        card = season_2025.scorecards[0]
        name = season_2025.tree[card.unit_id].name
        (sheet,) = [n for n in sheets if n.startswith(f"反馈单-{card.unit_id}-")]
        text = self.paragraphs(out / sheet)
        assert f"{name}：" in text
        assert any(card.show(card.total) in line for line in text)
        assert "2026年5月20日" in text

    def test_docx_beside_other_formats(self, results_files, tmp_path):
        """docx among other formats writes both sets into the directory."""
        out = tmp_path / "both"
        argv = ["report", str(results_files[2025]), "-o", str(out)]
        assert main([*argv, "--format", "md", "--format", "docx"]) == 0
        names = {p.name for p in out.iterdir()}
        assert {"report.md", "通报草稿.docx"} <= names
        assert "report.html" not in names

    def test_not_written_unless_asked(self, results_files, tmp_path):
        """The default formats leave Word out."""
        out = tmp_path / "default"
        assert main(["report", str(results_files[2025]), "-o", str(out)]) == 0
        assert not [p for p in out.iterdir() if p.suffix == ".docx"]

    def test_without_python_docx_names_the_word_extra(
        self, results_files, tmp_path, monkeypatch, capsys
    ):
        """Without python-docx: exit 1, the message names the ``word`` extra,
        and nothing is written (not even the other formats asked for)."""
        monkeypatch.setitem(sys.modules, "docx", None)
        out = tmp_path / "none"
        argv = ["report", str(results_files[2025]), "-o", str(out)]
        assert main([*argv, "--format", "md", "--format", "docx"]) == 1
        err = capsys.readouterr().err
        assert "'word' extra" in err
        assert 'pip install "pbcheck[word]"' in err
        assert not out.exists()

    def test_a_bad_issue_date_is_refused_with_its_value(
        self, results_files, tmp_path, capsys
    ):
        """--issued takes YYYY-MM-DD; anything else is an argparse error naming it."""
        argv = ["report", str(results_files[2025]), "-o", str(tmp_path)]
        with pytest.raises(SystemExit) as exit_:
            main([*argv, "--format", "docx", "--issued", "2026年5月20日"])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert "--issued" in err
        assert "'2026年5月20日'" in err


class TestDemoOut:
    def test_demo_writes_the_report(self, tmp_path, capsys):
        assert main(["demo", "--out", str(tmp_path)]) == 0
        assert (tmp_path / "report.html").stat().st_size > 0
        workbook = openpyxl.load_workbook(tmp_path / "report.xlsx")
        assert workbook.sheetnames[0] == "总览"


def test_checked_in_files_through_the_real_cli(tmp_path):
    """The README's pipeline on examples/jiangcheng, as separate processes."""

    def pbcheck(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pbcheck", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )

    results = tmp_path / "results-2025.json"
    scored = pbcheck(
        "score",
        "--rubric", str(EXAMPLES / "rubric.toml"),
        "--tree", str(EXAMPLES / "org-tree.toml"),
        "--cycle", str(EXAMPLES / "cycle-2025.toml"),
        "--evaluations", str(EXAMPLES / "evaluations-2025.json"),
        "-o", str(results),
    )  # fmt: skip
    assert scored.returncode == 0, scored.stderr
    reported = pbcheck("report", str(results), "-o", str(tmp_path / "out"))
    assert reported.returncode == 0, reported.stderr
    workbook = openpyxl.load_workbook(tmp_path / "out" / "report.xlsx")
    assert workbook["总览"].max_row > 1


def test_version(capsys):
    import pbcheck

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"pbcheck {pbcheck.__version__}"

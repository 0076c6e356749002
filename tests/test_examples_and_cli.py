"""The bundled example and the demo command, run as a user runs them."""

import subprocess
import sys

from pbcheck import score_all
from pbcheck.cli import main
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)


class TestExample:
    def test_shape_matches_the_nanping_practice(self):
        """70/30 and bonus up to 10 as in Nanping; 86 units in 3 series, 8 groups."""
        rubrics, tree = example_rubrics(), example_tree()
        rubric = rubrics.rubric_for("ZF01")
        assert [(s.title, s.weight) for s in rubric.sections] == [
            ("机关党建常规工作", 70), ("服务发展、有效履职", 30),
        ]  # fmt: skip
        parts = [p for s in rubric.sections for p in s.sections]
        assert len(parts) == 10
        assert len(rubric.indicators()) == 60
        assert rubric.bonus.cap == 10
        units = [u for u in tree if u.parent]
        assert len(units) == 86
        assert len({u.series for u in units}) == 3
        assert len({u.liaison_group for u in units}) == 8

    def test_generation_is_deterministic(self):
        """The same year gives the same records every time."""
        assert example_evaluations(2025) == example_evaluations(2025)
        assert example_evaluations(2024) != example_evaluations(2025)

    def test_both_seasons_score_cleanly(self):
        """Every example evaluation is valid and scores within range."""
        rubric, tree = example_rubrics(), example_tree()
        for year in (2024, 2025):
            cards = score_all(
                rubric, example_evaluations(year), tree=tree, cycle=example_cycle(year)
            )
            assert len(cards) == 86
            assert all(0 <= c.total <= 100 for c in cards)


class TestDemoCommand:
    def test_demo_prints_every_series_ranked(self, capsys):
        """`pbcheck demo` prints each series with ranks starting at 1."""
        assert main(["demo"]) == 0
        out = capsys.readouterr().out
        for series in ("政府工作部门", "党群部门", "垂直管理部门"):
            assert f"【{series}】" in out
        assert "2025—2026年度" in out
        assert "党建工作先进单位" in out
        assert "处于后位" in out

    def test_demo_shows_escalation_after_two_bottom_years(self, capsys):
        """With the 2024 and 2025 seasons, a unit at the bottom twice is escalated (通报批评 … 限期整改)."""
        assert main(["demo", "--year", "2025"]) == 0
        out = capsys.readouterr().out
        section = out.split("【连续两年处于后位：问责与整改】")[1]
        for action in ("通报批评", "反馈主管部门", "诫勉谈话", "限期整改"):
            assert action in section

    def test_demo_explains_a_unit(self, capsys):
        """--explain traces one unit's total down to its records."""
        assert main(["demo", "--explain", "ZF01"]) == 0
        out = capsys.readouterr().out
        assert "总分 = " in out
        assert "考评组" in out

    def test_python_dash_m(self):
        """`python -m pbcheck demo` works as a separate process."""
        result = subprocess.run(
            [sys.executable, "-m", "pbcheck", "demo", "--year", "2024"],
            capture_output=True, text=True, check=True, encoding="utf-8",
        )  # fmt: skip
        assert "2024—2025年度" in result.stdout


class TestExampleScripts:
    def test_score_season_script_runs(self):
        """examples/score_season.py runs and explains each series' leader."""
        from pathlib import Path

        script = Path(__file__).parent.parent / "examples" / "score_season.py"
        result = subprocess.run(
            [sys.executable, str(script)],
            capture_output=True,
            text=True,
            check=True,
            encoding="utf-8",
        )
        assert result.stdout.count("第1名") == 3
        assert "服务发展、有效履职 [B]" in result.stdout


class TestCommand:
    def test_the_command_runs_main_without_the_cyclic_collector(
        self, monkeypatch, capsys
    ):
        """``pbcheck`` (the console script) switches the collector off; main() does not."""
        import gc

        from pbcheck.cli import command

        monkeypatch.setattr(sys, "argv", ["pbcheck", "calendar", "2025"])
        assert gc.isenabled()
        assert main(["calendar", "2025"]) == 0
        assert gc.isenabled()
        try:
            assert command() == 0
            assert not gc.isenabled()
            assert gc.get_freeze_count() > 0
        finally:
            gc.unfreeze()
            gc.enable()
        printed = capsys.readouterr().out
        assert printed.count("七一表彰") == 2  # both runs printed the calendar

    def test_a_reader_that_goes_away_ends_the_command_quietly(self):
        """``pbcheck … | head``: no traceback when the pipe closes, status 1."""
        import os

        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            done = subprocess.run(
                [sys.executable, "-m", "pbcheck", "calendar", "2025"],
                stdout=write_end,
                stderr=subprocess.PIPE,
                check=False,
            )
        finally:
            os.close(write_end)
        assert done.returncode == 1
        assert done.stderr == b""

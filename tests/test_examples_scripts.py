"""The tutorial's example scripts and notebook, run as a reader runs them.

Each script in ``examples/`` runs in a fresh interpreter (the one running the
tests) from the repository root; the notebook ``examples/tutorial.ipynb`` is
executed cell by cell in a real kernel with nbclient.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run(script: str, *args: str) -> str:
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


class TestScripts:
    def test_org_tree(self):
        """86 units in three series and eight liaison groups, two responsible persons each."""
        out = run("01_org_tree.py")
        assert "江城市直机关工委：直属党组织 86 个" in out
        assert "  政府工作部门 39 个\n  党群部门 34 个\n  垂直管理部门 13 个" in out
        assert "第8联系片" in out
        assert out.count("责任人：") == 2

    def test_rubric(self):
        """70/30, ten parts (政治建设 first), 60 standards, bonus up to 10, a veto."""
        out = run("02_rubric.py")
        assert "A 机关党建常规工作 70 分" in out
        assert "B 服务发展、有效履职 30 分" in out
        parts = [line for line in out.splitlines() if "项内容" in line]
        assert len(parts) == 10
        assert parts[0].startswith("  A1 政治建设 12 分")
        assert sum(int(line.split("：")[1].split(" 项内容")[0]) for line in parts) == 22
        assert "量化标准合计 60 项" in out
        assert "DQ01 的个性指标（B3）：围绕中心服务大局" in out
        assert "奖励分上限 10 分" in out
        assert "一票否决 V1" in out

    def test_cycle(self):
        """The cross-year cycle: May to April, commendation before July 1."""
        out = run("03_cycle.py")
        assert "考核周期 2025—2026年度：2025-05-01 — 2026-04-30" in out
        assert "2026-06-30  七一表彰" in out
        assert "下一个节点是考评结束（2026-05-31，还有 11 天）" in out
        assert "2026-05-01 属于 2026—2027年度" in out

    def test_score_and_explain(self):
        """A total split into base, bonus and deductions, explained down to activities."""
        out = run("04_score_and_explain.py")
        assert (
            "ZF01 市发展和改革委员会机关党委：总分 95.79（基础分 93.79 + 加分 2.00 − 扣分 0.00）"
            in out
        )
        assert "“三会一课” [A3.1]" in out
        assert "未达到：2026年1月" in out
        assert "· 活动 2026年4月17日" in out

    def test_score_and_explain_another_unit(self):
        """The unit is a command-line argument."""
        assert "DQ19 市政协机关党委：总分 97.89" in run(
            "04_score_and_explain.py", "DQ19"
        )

    def test_outcomes(self):
        """Top three per series, grades, 15 commended and 4 bottom units.

        Three take their series' bottom place; one more is listed for its
        veto without taking one.
        """
        out = run("05_outcomes.py")
        assert out.count("前三名") == 3
        assert "第 1 名 市政协机关党委 97.89" in out
        assert "党建工作先进单位 15 个" in out
        bottom = out.split("处于后位：\n")[1].strip().splitlines()
        assert len(bottom) == 4

    def test_second_cycle(self):
        """Two bottom years in a row lead to four actions with deadlines."""
        out = run("06_second_cycle.py")
        assert "2024—2025年度 处于后位" in out
        assert "2026-07-15前  市交通运输局机关党委  通报批评（市直机关工委）" in out
        assert "2026-09-15前  市交通运输局机关党委  限期整改（主要领导）" in out

    def test_reports(self, tmp_path):
        """HTML, Excel and the draft circular are written where asked."""
        out = run("07_reports.py", str(tmp_path))
        names = sorted(p.name for p in tmp_path.iterdir())
        assert names == ["report-通报草稿.txt", "report.html", "report.xlsx"]
        assert out.count("已写出") == 3
        assert "连续" in (tmp_path / "report-通报草稿.txt").read_text(encoding="utf-8")

    def test_score_season(self):
        """The older example keeps working."""
        assert "政府工作部门：第1名" in run("score_season.py")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_tutorial_notebook_runs():
    """Every cell runs in a real kernel; the last one names the series leader."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(EXAMPLES / "tutorial.ipynb", as_version=4)
    assert all(
        not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"
    )
    nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT)}},
    ).execute()
    last = notebook.cells[-1].outputs[0]
    assert last["text"] == "党群部门第一名：市政协机关党委（DQ19）97.89 分\n"
    first = notebook.cells[1].outputs[0]
    assert first["data"]["text/plain"] == "<Scorecard ZF01: 95.79 / 100>"

"""The bundled 2025 season run end to end through ``pbcheck season``, in seconds.

Every step is the command a user would type (printed before it runs), run
in this one process on a fresh SQLite store in the output folder::

    python examples/jiangcheng/season/demo.py out/season

The season: the office (考核办 ``kpb``) opens it and issues the letters;
the office's assessment team, the departments (``jw`` 市纪委监委机关, ``xcb``
市委宣传部, ``zzb`` 市委组织部, ``wmb`` 市文明办, ``xnb`` 市效能办) and the
units (自评) submit; one item is returned and resubmitted through the
department's score-sheet template; 公示 for five working days (China's
holidays); one objection upheld and one too late (refused: the demo shows
the message and goes on); approval; export with the 结果运用 tables;
rectification items, one overdue; the chain verified; the 公示 day replayed.
"""

from __future__ import annotations

import csv
import os
import shlex
import sys
import time
from pathlib import Path

from pbcheck.cli import main as pbcheck

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def shown(path: Path) -> str:
    """A path as the user would type it from the repository root."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def step(heading: str, *argv: str | Path, expect: int = 0) -> None:
    """Print the heading and the command, run it, check its exit status."""
    args = [shown(a) if isinstance(a, Path) else a for a in argv]
    sys.stdout.write(f"\n== {heading} ==\n$ pbcheck season {shlex.join(args)}\n")
    sys.stdout.flush()
    code = pbcheck(["season", *args])
    sys.stdout.flush()
    sys.stderr.flush()
    if code != expect:
        raise SystemExit(f"pbcheck season {args[0]}: exit {code}, expected {expect}")


def fill_returned_item(template: Path, filled: Path) -> None:
    """The department fills in the returned cell of its template (ZF03, 廉政风险防控)."""
    with template.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    column = rows[0].index("廉政风险防控")
    for row in rows[1:]:
        if row[1] == "ZF03":
            row[5] = "2026-05-22"
            row[column] = "1.8"
    with filled.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def at(moment: str) -> tuple[str, str]:
    return ("--at", f"{moment}+08:00")


def run(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    store = out / "season.db"
    store.unlink(missing_ok=True)
    os.environ["PBCHECK_STORE"] = f"sqlite:///{shown(store)}"
    sys.stdout.write(f"$ export PBCHECK_STORE={os.environ['PBCHECK_STORE']}\n")
    started = time.perf_counter()

    step("建立考核台账", "init", HERE / "plan.toml", *at("2026-05-06T09:00"))
    step("签订责任书", "letters", *at("2026-05-06T10:00"))
    template = out / "jw-评分表.csv"
    step("市纪委监委机关的评分表模板", "template", "--as", "jw", "-o", template)
    step(
        "市效能办的评分表模板（分类考核：各系列一张）",
        "template", "--as", "xnb", "--series", "垂直管理部门",
        "-o", out / "xnb-评分表-垂直管理部门.csv",
    )  # fmt: skip
    step(
        "考评组报送",
        "submit",
        HERE / "kpb.json",
        "--as",
        "kpb",
        *at("2026-05-12T17:00"),
    )
    for actor, moment in (
        ("jw", "05-13T17:00"),
        ("xcb", "05-13T17:30"),
        ("zzb", "05-14T17:00"),
    ):
        step(
            f"评分部门报送（{actor}）",
            "submit",
            HERE / f"{actor}.json",
            "--as",
            actor,
            *at(f"2026-{moment}"),
        )
    step(
        "各单位自评",
        "submit",
        HERE / "self.json",
        "--each-unit",
        *at("2026-05-15T17:00"),
    )
    step("报送情况：市文明办、市效能办尚未报送", "status")
    for actor, moment in (("wmb", "05-18T17:00"), ("xnb", "05-19T17:00")):
        step(
            f"评分部门报送（{actor}）",
            "submit",
            HERE / f"{actor}.json",
            "--as",
            actor,
            *at(f"2026-{moment}"),
        )
    step(
        "确认未开展的“三会一课”",
        "accept",
        "--none-held",
        "--as",
        "zzb",
        *at("2026-05-19T18:00"),
    )
    step(
        "退回补正",
        "return", "ZF03", "A5.1.2", "--as", "jw",
        "--reason", "廉政风险防控佐证材料不全，请补充风险点排查和防控措施台账",
        *at("2026-05-20T10:00"),
    )  # fmt: skip
    step("市纪委监委机关的报送情况", "status", "--as", "jw")
    filled = out / "jw-补正.csv"
    fill_returned_item(template, filled)
    sys.stdout.write(
        f"\n（市纪委监委机关在评分表中补填 ZF03 一格，存为 {shown(filled)}）\n"
    )
    step(
        "补正后重新报送",
        "submit",
        filled,
        "--as",
        "jw",
        "--reason",
        "按退回意见补正",
        *at("2026-05-22T16:00"),
    )
    step("审核通过", "accept", "ZF03", "A5.1.2", "--as", "jw", *at("2026-05-22T17:00"))
    step(
        "形成初步结果并公示（5 个工作日）",
        "publish",
        "--days",
        "5",
        "--china-holidays",
        *at("2026-06-01T09:00"),
    )
    step(
        "异议",
        "object", "YY-2026-01", "ZF05", "--indicator", "A2.1.2",
        "--text", "本单位党员学习笔记已全部补齐，请复核“党员学习笔记规范完整”一项",
        *at("2026-06-03T10:00"),
    )  # fmt: skip
    step(
        "异议复核：成立",
        "decide", "YY-2026-01", "--upheld", "--correct", "A2.1.2=1",
        "--reason", "经考评组复核，学习笔记规范完整，予以更正",
        *at("2026-06-08T15:00"),
    )  # fmt: skip
    step(
        "逾期异议（应被拒绝）",
        "object", "YY-2026-02", "DQ03", "--text", "对本单位等次有异议",
        *at("2026-06-09T09:00"),
        expect=1,
    )  # fmt: skip
    step(
        "审定",
        "approve", "--reason", "经市直机关工委考核工作领导小组2026年6月12日会议审定",
        *at("2026-06-12T16:00"),
    )  # fmt: skip
    step(
        "导出结果、报告、结果运用表",
        "export", "-o", out / "export", "--policy", HERE / "results-use.toml",
        "--no-charts", "--report-format", "html", "--report-format", "csv",
    )  # fmt: skip
    step("列入整改台账", "rectify", "propose", "--months", "3", *at("2026-06-15T09:00"))
    step(
        "整改进展：期限提前",
        "rectify", "update", "ZG-2026-005", "--progress", "制定整改方案，限期8月底前完成",
        "--deadline", "2026-08-31", *at("2026-06-20T10:00"),
    )  # fmt: skip
    step("逾期未销号的整改事项", "rectify", "list", "--overdue-as-of", "2026-09-01")
    step("校验哈希链", "verify")
    step("回放：公示当天的情况", "replay", "--as-of", "2026-06-01")
    sys.stdout.write(f"\n考核全过程演示用时 {time.perf_counter() - started:.1f} 秒\n")


if __name__ == "__main__":
    run(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "out" / "season")

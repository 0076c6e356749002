"""What ``rank``, ``report`` and ``demo`` share: loading results and printing a season."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from pbcheck._numbers import RoundingPolicy
from pbcheck.cli._validate import report_problems
from pbcheck.errors import ValidationError
from pbcheck.io.interchange import Results, load
from pbcheck.outcomes.history import History, escalations
from pbcheck.report import CycleReport
from pbcheck.scoring.scorecard import Scorecard

__all__ = ["history_of", "load_results", "load_season", "print_season", "report_of"]


def load_results(command: str, paths: Sequence[Path]) -> list[Results] | None:
    """Load results documents; on any problem, report them all and return ``None``."""
    loaded: list[Results] = []
    failed = False
    for path in paths:
        try:
            loaded.append(load(path, Results))
        except ValidationError as exc:
            report_problems(command, path, exc)
            failed = True
    return None if failed else loaded


def history_of(command: str, seasons: Sequence[Results]) -> History | None:
    """The seasons as a :class:`History` (oldest first); ``None`` after reporting problems."""
    try:
        return History([s.outcomes.cycle_result(s.cycle) for s in seasons])
    except ValidationError as exc:
        report_problems(command, Path("(history)"), exc)
        return None


def load_season(
    command: str, results: Path, previous: Sequence[Path]
) -> tuple[Results, History] | None:
    """The latest season and its history (earlier seasons first); ``None`` after reporting problems."""
    seasons = load_results(command, [*previous, results])
    if seasons is None:
        return None
    history = history_of(command, seasons)
    if history is None:
        return None
    return seasons[-1], history


def report_of(season: Results, history: History) -> CycleReport:
    """The report of *season*, escalations judged over *history*."""
    return CycleReport.build(
        season.scorecards,
        season.outcomes,
        tree=season.tree,
        rubric=season.rubric,
        cycle=season.cycle,
        history=history,
    )


def print_season(season: Results, history: History | None) -> None:
    """Ranked tables per series, the lists, and this season's escalations.

    Escalations follow the default :class:`~pbcheck.outcomes.history.EscalationPolicy`
    (two cycles running at the bottom).
    """
    rubric, cycle, tree, outcomes = (
        season.rubric,
        season.cycle,
        season.tree,
        season.outcomes,
    )
    by_unit = {card.unit_id: card for card in season.scorecards}
    lines = [
        f"{rubric.title}（{rubric.version}版）",
        f"考核周期 {cycle.label_zh}：{cycle.start.isoformat()} — {cycle.end.isoformat()}",
        f"参评单位 {len(by_unit)} 个；总分 = 基础分 + 加分 − 扣分（{_rounding_zh(rubric.rounding)}）",
    ]
    for series, ranking in outcomes.rankings.items():
        lines += ["", f"【{series}】"]
        lines.append(
            f"{'名次':>4}  {'总分':>6}  {'基础分':>6}  {'加分':>5}  {'扣分':>5}  等次  单位"
        )
        for entry in ranking:
            card = by_unit[entry.unit_id]
            grade = outcomes.grades.of(entry.unit_id).label
            lines.append(_row(entry.rank, card, grade, tree[entry.unit_id].name))
    lines += ["", *outcomes.summary_lines()]
    actions = escalations(history, latest_only=True) if history is not None else ()
    if actions:
        lines += ["", "【连续两年处于后位：问责与整改】"]
        lines += [
            f"  {a.due.isoformat()}  {tree[a.unit_id].name}  {a.label}（{a.by}）"
            for a in actions
        ]
    sys.stdout.write("\n".join(lines) + "\n")


def _rounding_zh(policy: RoundingPolicy) -> str:
    mode = "四舍五入" if policy.mode == "half_up" else "四舍六入五成双"
    return f"{mode}保留{policy.places}位小数"


def _row(rank: int, card: Scorecard, grade: str, name: str) -> str:
    flag = "  一票否决" if card.disqualified else ""
    return (
        f"{rank:>4}  {card.show(card.total):>6}  {card.show(card.base):>6}  "
        f"{card.show(card.bonus_counted):>5}  {card.show(card.deductions_counted):>5}  "
        f"{grade:<4}  {name}{flag}"
    )

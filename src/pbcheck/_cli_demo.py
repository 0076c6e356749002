"""``pbcheck demo``: the bundled example, scored end to end and printed."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from pbcheck.examples import (
    EXAMPLE_YEARS,
    example_cycle,
    example_evaluations,
    example_rubric,
    example_tree,
)
from pbcheck.history import History, escalations
from pbcheck.outcomes import Outcomes, assess_outcomes
from pbcheck.scoring import score_all

if TYPE_CHECKING:
    from pbcheck.cycle import AssessmentCycle
    from pbcheck.scoring import Scorecard


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``demo``."""
    parser = subparsers.add_parser(
        "demo",
        help="score the bundled example (示例考核) and print the ranked results",
        description=(
            "Score the bundled example — 90 invented organisations of 江城市直机关 "
            "in three series (系列) — for one cross-year cycle (跨年度考评) and "
            "print the ranked results per series."
        ),
    )
    parser.add_argument(
        "--year",
        type=int,
        choices=EXAMPLE_YEARS,
        default=EXAMPLE_YEARS[-1],
        help="the cycle's first year (考核年度): May YEAR to April YEAR+1",
    )
    parser.add_argument(
        "--explain",
        metavar="UNIT",
        help="also explain one unit's total, down to its records (得分说明)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Score the example seasons, print the chosen one and its escalations."""
    rubric, tree = example_rubric(), example_tree()
    seasons: dict[int, tuple[AssessmentCycle, tuple[Scorecard, ...], Outcomes]] = {}
    for year in EXAMPLE_YEARS:
        if year > args.year:
            break
        cycle = example_cycle(year)
        cards = score_all(rubric, example_evaluations(year), tree=tree, cycle=cycle)
        seasons[year] = (cycle, cards, assess_outcomes(cards, tree, cycle=cycle))
    cycle, cards, outcomes = seasons[args.year]
    by_unit = {card.unit_id: card for card in cards}
    print(f"{rubric.title}（{rubric.version}版）")
    print(
        f"考核周期 {cycle.label_zh}：{cycle.start.isoformat()} — {cycle.end.isoformat()}"
    )
    print(
        f"参评单位 {len(cards)} 个；总分 = 基础分 + 加分 − 扣分（四舍五入保留两位小数）"
    )
    for series, ranking in outcomes.rankings.items():
        print()
        print(f"【{series}】")
        print(
            f"{'名次':>4}  {'总分':>6}  {'基础分':>6}  {'加分':>5}  {'扣分':>5}  等次  单位"
        )
        for entry in ranking:
            card = by_unit[entry.unit_id]
            grade = outcomes.grades.of(entry.unit_id).label
            print(_row(entry.rank, card, grade, tree[entry.unit_id].name))
    print()
    print("\n".join(outcomes.summary_lines()))
    history = History([o.cycle_result(c) for c, _, o in seasons.values()])
    actions = escalations(history, latest_only=True)
    if actions:
        print()
        print("【连续两年处于后位：问责与整改】")
        for action in actions:
            print(
                f"  {action.due.isoformat()}  {tree[action.unit_id].name}  {action.label}（{action.by}）"
            )
    if args.explain:
        print()
        print(by_unit[args.explain].explain())
    return 0


def _row(rank: int, card: Scorecard, grade: str, name: str) -> str:
    flag = "  一票否决" if card.disqualified else ""
    return (
        f"{rank:>4}  {card.show(card.total):>6}  {card.show(card.base):>6}  "
        f"{card.show(card.bonus_counted):>5}  {card.show(card.deductions_counted):>5}  "
        f"{grade:<4}  {name}{flag}"
    )

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
from pbcheck.ranking import rank_within
from pbcheck.scoring import score_all

if TYPE_CHECKING:
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
    """Score the example season and print it."""
    rubric, tree, cycle = example_rubric(), example_tree(), example_cycle(args.year)
    cards = score_all(rubric, example_evaluations(args.year), tree=tree, cycle=cycle)
    by_unit = {card.unit_id: card for card in cards}
    print(f"{rubric.title}（{rubric.version}版）")
    print(
        f"考核周期 {cycle.label_zh}：{cycle.start.isoformat()} — {cycle.end.isoformat()}"
    )
    print(
        f"参评单位 {len(cards)} 个；总分 = 基础分 + 加分 − 扣分（四舍五入保留两位小数）"
    )
    for series, ranking in rank_within(cards, tree).items():
        print()
        print(f"【{series}】")
        print(
            f"{'名次':>4}  {'总分':>6}  {'基础分':>6}  {'加分':>5}  {'扣分':>5}  单位"
        )
        for entry in ranking:
            card = by_unit[entry.unit_id]
            print(_row(entry.rank, card, tree[entry.unit_id].name))
    if args.explain:
        print()
        print(by_unit[args.explain].explain())
    return 0


def _row(rank: int, card: Scorecard, name: str) -> str:
    flag = "  一票否决" if card.disqualified else ""
    return (
        f"{rank:>4}  {card.show(card.total):>6}  {card.show(card.base):>6}  "
        f"{card.show(card.bonus_counted):>5}  {card.show(card.deductions_counted):>5}  "
        f"{name}{flag}"
    )

"""Steps 4-6 of the tutorial: evaluations, scorecards and the explanation of a score.

Run: python examples/04_score_and_explain.py [UNIT]   (default: ZF01)
"""

import sys

from pbcheck import score_all
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)


def main(unit_id: str = "ZF01") -> None:
    rubric, tree, cycle = example_rubrics(), example_tree(), example_cycle(2025)
    evaluations = example_evaluations(2025)
    records = sum(
        len(e.observations)
        + len(e.activities)
        + len(e.incidents)
        + len(e.not_applicable)
        for e in evaluations
    )
    print(f"考评记录：{len(evaluations)} 个单位，{records} 条记录")
    cards = {
        card.unit_id: card
        for card in score_all(rubric, evaluations, tree=tree, cycle=cycle)
    }
    card = cards[unit_id]
    print(
        f"{unit_id} {tree[unit_id].name}：总分 {card.show(card.total)}"
        f"（基础分 {card.show(card.base)} + 加分 {card.show(card.bonus_counted)}"
        f" − 扣分 {card.show(card.deductions_counted)}）"
    )
    print(card.explain("A3.1"))  # 三会一课, down to the dated activities


if __name__ == "__main__":
    main(*sys.argv[1:2])

"""Steps 7-9 of the tutorial: rankings per series, grades, commendation and bottom lists.

Run: python examples/05_outcomes.py
"""

from collections import Counter

from pbcheck import assess_outcomes, score_all
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)


def main() -> None:
    rubric, tree, cycle = example_rubrics(), example_tree(), example_cycle(2025)
    cards = score_all(rubric, example_evaluations(2025), tree=tree, cycle=cycle)
    outcomes = assess_outcomes(cards, tree, cycle=cycle)
    for series, ranking in outcomes.rankings.items():
        print(f"【{series}】前三名")
        for entry in ranking.entries[:3]:
            print(f"  第 {entry.rank} 名 {tree[entry.unit_id].name} {entry.shown}")
    grades = Counter(outcomes.grades.of(card.unit_id).label for card in cards)
    print(
        "等次："
        + "，".join(
            f"{label} {grades[label]} 个" for label in ("好", "较好", "一般", "差")
        )
    )
    print(f"党建工作先进单位 {len(outcomes.commendation.unit_ids)} 个：")
    print("  " + "、".join(tree[u].name for u in outcomes.commendation.unit_ids))
    print("处于后位：")
    for unit_id in outcomes.bottom.unit_ids:
        print(f"  {tree[unit_id].name}：{outcomes.bottom.of(unit_id).reason}")


if __name__ == "__main__":
    main()

"""Score one season of the bundled example and explain the leader of each series.

Run: python examples/score_season.py
"""

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
    by_unit = {card.unit_id: card for card in cards}
    outcomes = assess_outcomes(cards, tree, cycle=cycle)
    for series, ranking in outcomes.rankings.items():
        leader = ranking.entries[0]
        card = by_unit[leader.unit_id]
        print(f"{series}：第1名 {tree[leader.unit_id].name} {card.show(card.total)} 分")
        print(
            card.explain("B")
        )  # the 30-point 服务发展、有效履职 section, down to records


if __name__ == "__main__":
    main()
